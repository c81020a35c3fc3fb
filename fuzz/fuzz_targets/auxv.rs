//! Fuzz target `auxv`: the invariants are in `sysrt_fuzz::checks::auxv`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(broken) = sysrt_fuzz::checks::auxv(data) {
        panic!("auxv: {broken}");
    }
});
