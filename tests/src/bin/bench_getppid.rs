//! getppid cost through sysrt, through `sc`, and through an out-of-line stub (what a
//! non-inlined wrapper costs), in a libc-free binary. `cargo xtask bench` runs it and also
//! disassembles `bench_sysrt_getppid_loop` to check that no call is left around the trap.
#![no_std]
#![no_main]

use linux_raw_sys::general::{__kernel_timespec, CLOCK_MONOTONIC};
use sysrt::{Sysno, process, raw_syscall};
use sysrt_rt::{args, println};

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

/// `n` getppid calls through `sysrt::process::getppid`.
#[unsafe(no_mangle)]
#[inline(never)]
pub fn bench_sysrt_getppid_loop(n: u32) -> i32 {
    let mut acc = 0i32;
    for _ in 0..n {
        acc = acc.wrapping_add(process::getppid().raw());
    }
    acc
}

/// `n` getppid calls through `sc::syscall0`.
#[unsafe(no_mangle)]
#[inline(never)]
pub fn bench_sc_getppid_loop(n: u32) -> i32 {
    let mut acc = 0i32;
    for _ in 0..n {
        // SAFETY: getppid takes no arguments.
        acc = acc.wrapping_add(unsafe { sc::syscall0(sc::nr::GETPPID) } as i32);
    }
    acc
}

#[inline(never)]
fn outofline_getppid() -> i32 {
    process::getppid().raw()
}

/// `n` getppid calls through a wrapper that is not inlined (a call frame per syscall).
#[unsafe(no_mangle)]
#[inline(never)]
pub fn bench_outofline_getppid_loop(n: u32) -> i32 {
    let mut acc = 0i32;
    for _ in 0..n {
        acc = acc.wrapping_add(core::hint::black_box(outofline_getppid)());
    }
    acc
}

/// A benchmark loop: `n` calls, results summed so none is optimized away.
type Loop = fn(u32) -> i32;

fn main() -> i32 {
    let n: u32 = args::arg(1)
        .and_then(|a| core::str::from_utf8(a.to_bytes()).ok())
        .and_then(|s| s.parse().ok())
        .unwrap_or(200_000);
    let cases: [(&str, Loop); 3] = [
        ("sysrt", bench_sysrt_getppid_loop),
        ("sc", bench_sc_getppid_loop),
        ("out-of-line stub", bench_outofline_getppid_loop),
    ];
    // Rounds interleave the cases (the first case measured would otherwise pay the warm-up),
    // and the best round counts: the machine is noisy, the minimum is the cost without
    // interference.
    let mut best = [u64::MAX; 3];
    for _round in 0..7 {
        for (i, (_, f)) in cases.iter().enumerate() {
            let t0 = now_ns();
            core::hint::black_box(f(core::hint::black_box(n)));
            best[i] = best[i].min(now_ns() - t0);
        }
    }
    for (i, (name, _)) in cases.iter().enumerate() {
        println!(
            "getppid {name:<18} {:>6} ns/call",
            best[i] / u64::from(n.max(1))
        );
    }
    0
}

sysrt_rt::main!(main);
