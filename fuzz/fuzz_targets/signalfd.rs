//! Fuzz target `signalfd`: the invariants are in `sysrt_fuzz::checks::signalfd`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(broken) = sysrt_fuzz::checks::signalfd(data) {
        panic!("signalfd: {broken}");
    }
});
