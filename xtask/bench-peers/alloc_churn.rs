// The small-object churn `cargo xtask bench` times with three allocators: sysrt-rt's (in the
// libc-free tests/src/bin/bench_alloc.rs), glibc's malloc and musl's (std programs built from
// alloc_churn_std.rs). Both include this file, so the work is the same byte for byte; `Vec`
// comes from the includer (std's prelude, or `alloc::vec::Vec`).
//
// Each iteration allocates a buffer of 8 to 256 bytes and puts it in one of 1024 slots chosen
// at random, freeing the buffer that was there: one allocation and (after the first 1024) one
// free per iteration, sizes spread over the small classes, frees in no particular order.

/// Runs `iters` iterations; returns a checksum of the freed buffers so nothing is optimised
/// away.
fn churn(iters: u64) -> u64 {
    let mut rng: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut slots: Vec<Option<Vec<u8>>> = (0..1024).map(|_| None).collect();
    let mut check = 0u64;
    for _ in 0..iters {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let slot = (rng as usize) & 1023;
        let size = 8 + ((rng >> 20) as usize % 249);
        let mut buf = Vec::with_capacity(size);
        buf.push(size as u8);
        if let Some(old) = slots[slot].replace(buf) {
            check = check.wrapping_add(u64::from(old[0]));
        }
    }
    check
}
