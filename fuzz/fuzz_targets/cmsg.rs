//! Fuzz target `cmsg`: the invariants are in `sysrt_fuzz::checks::cmsg`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(broken) = sysrt_fuzz::checks::cmsg(data) {
        panic!("cmsg: {broken}");
    }
});
