//! Fuzz target `netlink`: the invariants are in `sysrt_fuzz::checks::netlink`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(broken) = sysrt_fuzz::checks::netlink(data) {
        panic!("netlink: {broken}");
    }
});
