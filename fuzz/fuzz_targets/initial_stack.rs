//! Fuzz target `initial_stack`: the invariants are in `sysrt_fuzz::checks::initial_stack`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(broken) = sysrt_fuzz::checks::initial_stack(data) {
        panic!("initial_stack: {broken}");
    }
});
