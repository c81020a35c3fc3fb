//! The small-object churn of xtask/bench-peers/alloc_churn.rs on sysrt-rt's allocator (the
//! `alloc` feature), in a libc-free binary: `cargo xtask bench` runs it next to the same work on
//! glibc's malloc and musl's. Prints the time per iteration.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;

use linux_raw_sys::general::{__kernel_timespec, CLOCK_MONOTONIC};
use sysrt::{Sysno, raw_syscall};
use sysrt_rt::{args, println};

include!("../../../xtask/bench-peers/alloc_churn.rs");

fn now_ns() -> u64 {
    let mut ts = __kernel_timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec into `ts`, which lives across the call.
    let _ = unsafe {
        raw_syscall(
            Sysno::clock_gettime,
            CLOCK_MONOTONIC as usize,
            &raw mut ts as usize,
            0,
        )
    };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

fn main() -> i32 {
    let iters = args::arg(1)
        .and_then(|a| core::str::from_utf8(a.to_bytes()).ok()?.parse().ok())
        .unwrap_or(10_000_000u64);
    let start = now_ns();
    let check = churn(iters);
    let ns = (now_ns() - start) as f64 / iters as f64;
    println!("alloc churn: {ns:.1} ns per iteration (checksum {check})");
    0
}

sysrt_rt::main!(main);
