//! Fuzz target `xattr_names`: the invariants are in `sysrt_fuzz::checks::xattr_names`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(broken) = sysrt_fuzz::checks::xattr_names(data) {
        panic!("xattr_names: {broken}");
    }
});
