//! Fuzz target `env`: the invariants are in `sysrt_fuzz::checks::env`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(broken) = sysrt_fuzz::checks::env(data) {
        panic!("env: {broken}");
    }
});
