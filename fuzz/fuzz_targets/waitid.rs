//! Fuzz target `waitid`: the invariants are in `sysrt_fuzz::checks::waitid`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(broken) = sysrt_fuzz::checks::waitid(data) {
        panic!("waitid: {broken}");
    }
});
