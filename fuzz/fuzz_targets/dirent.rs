//! Fuzz target `dirent`: the invariants are in `sysrt_fuzz::checks::dirent`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(broken) = sysrt_fuzz::checks::dirent(data) {
        panic!("dirent: {broken}");
    }
});
