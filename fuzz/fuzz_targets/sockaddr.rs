//! Fuzz target `sockaddr`: the invariants are in `sysrt_fuzz::checks::sockaddr`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(broken) = sysrt_fuzz::checks::sockaddr(data) {
        panic!("sockaddr: {broken}");
    }
});
