//! Fuzz target `inotify`: the invariants are in `sysrt_fuzz::checks::inotify`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(broken) = sysrt_fuzz::checks::inotify(data) {
        panic!("inotify: {broken}");
    }
});
