//! Fuzz target `path`: the invariants are in `sysrt_fuzz::checks::path`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(broken) = sysrt_fuzz::checks::path(data) {
        panic!("path: {broken}");
    }
});
