//! Fuzz target `vdso`: the invariants are in `sysrt_fuzz::checks::vdso`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(broken) = sysrt_fuzz::checks::vdso(data) {
        panic!("vdso: {broken}");
    }
});
