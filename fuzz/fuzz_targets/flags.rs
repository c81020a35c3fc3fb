//! Fuzz target `flags`: the invariants are in `sysrt_fuzz::checks::flags`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(broken) = sysrt_fuzz::checks::flags(data) {
        panic!("flags: {broken}");
    }
});
