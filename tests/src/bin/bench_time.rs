//! The vDSO paths in a libc-free binary on every arch: `clock_gettime(CLOCK_MONOTONIC)`
//! through sysrt (the vDSO where there is one) and as the raw syscall, `getrandom` of 16
//! bytes through sysrt (vDSO) and as the syscall. Under QEMU there is no vDSO, so sysrt's rows
//! are its syscall fallback, which the output says. `cargo xtask bench` runs it and also
//! disassembles `bench_sysrt_clock_gettime_loop`.
#![no_std]
#![no_main]

use linux_raw_sys::general::{__kernel_timespec, CLOCK_MONOTONIC};
use sysrt::random::{GetRandomFlags, getrandom, getrandom_syscall};
use sysrt::time::{ClockId, clock_gettime};
use sysrt::{Sysno, raw_syscall, vdso};
use sysrt_rt::{args, println};

fn raw_clock() -> __kernel_timespec {
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
    ts
}

fn now_ns() -> u64 {
    let ts = raw_clock();
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// `n` reads of CLOCK_MONOTONIC through `sysrt::time::clock_gettime`.
#[unsafe(no_mangle)]
#[inline(never)]
pub fn bench_sysrt_clock_gettime_loop(n: u32) -> i64 {
    let mut acc = 0i64;
    for _ in 0..n {
        acc = acc.wrapping_add(clock_gettime(ClockId::MONOTONIC).map_or(0, |t| t.nsec));
    }
    acc
}

/// `n` reads as the raw syscall.
#[unsafe(no_mangle)]
#[inline(never)]
pub fn bench_syscall_clock_gettime_loop(n: u32) -> i64 {
    let mut acc = 0i64;
    for _ in 0..n {
        acc = acc.wrapping_add(raw_clock().tv_nsec);
    }
    acc
}

/// `n` 16-byte getrandom calls through `sysrt::random::getrandom`.
#[unsafe(no_mangle)]
#[inline(never)]
pub fn bench_sysrt_getrandom_loop(n: u32) -> i64 {
    let mut acc = 0i64;
    let mut b = [0u8; 16];
    for _ in 0..n {
        let _ = getrandom(&mut b, GetRandomFlags::empty());
        acc = acc.wrapping_add(i64::from(b[0]));
    }
    acc
}

/// `n` 16-byte getrandom calls as the syscall.
#[unsafe(no_mangle)]
#[inline(never)]
pub fn bench_syscall_getrandom_loop(n: u32) -> i64 {
    let mut acc = 0i64;
    let mut b = [0u8; 16];
    for _ in 0..n {
        let _ = getrandom_syscall(&mut b, GetRandomFlags::empty());
        acc = acc.wrapping_add(i64::from(b[0]));
    }
    acc
}

type Loop = fn(u32) -> i64;

fn main() -> i32 {
    let n: u32 = args::arg(1)
        .and_then(|a| core::str::from_utf8(a.to_bytes()).ok())
        .and_then(|s| s.parse().ok())
        .unwrap_or(200_000);
    let s = vdso::symbols();
    println!(
        "vDSO: clock_gettime {}, getrandom {}",
        if s.clock_gettime.is_some() {
            "yes"
        } else {
            "none (the syscall fallback runs)"
        },
        if s.getrandom.is_some() {
            "yes"
        } else {
            "none (the syscall fallback runs)"
        }
    );
    let cases: [(&str, Loop); 4] = [
        ("clock_gettime sysrt", bench_sysrt_clock_gettime_loop),
        ("clock_gettime syscall", bench_syscall_clock_gettime_loop),
        ("getrandom(16) sysrt", bench_sysrt_getrandom_loop),
        ("getrandom(16) syscall", bench_syscall_getrandom_loop),
    ];
    // Interleaved rounds; the best round counts (see bench_getppid).
    let mut best = [u64::MAX; 4];
    for _round in 0..7 {
        for (i, (_, f)) in cases.iter().enumerate() {
            let t0 = now_ns();
            core::hint::black_box(f(core::hint::black_box(n)));
            best[i] = best[i].min(now_ns() - t0);
        }
    }
    let per = |i: usize| best[i] as f64 / f64::from(n.max(1));
    for (i, (name, _)) in cases.iter().enumerate() {
        println!("{name:<24} {:>8.1} ns/call", per(i));
    }
    println!(
        "ratios: clock_gettime syscall/sysrt {:.1}×, getrandom syscall/sysrt {:.1}×",
        per(1) / per(0),
        per(3) / per(2)
    );
    0
}

sysrt_rt::main!(main);
