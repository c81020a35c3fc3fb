//! The vDSO paths against their peers, in one std program on the host, measured in
//! interleaved rounds (every row in every round, so none pays the warm-up or a noisy moment
//! alone; the best round counts): `clock_gettime(CLOCK_MONOTONIC)` through sysrt, glibc (its
//! vDSO path, through `libc`), rustix and the raw syscall; `getrandom` of 16 bytes through
//! sysrt's vDSO path and its syscall, glibc and rustix. In ns per call. Run by
//! `cargo xtask bench`.

use std::hint::black_box;
use std::time::Instant;

const N: u32 = 1_000_000;
const ROUNDS: usize = 9;

type Case<'a> = (&'a str, &'a dyn Fn() -> i64);

fn round_ns(f: &dyn Fn() -> i64) -> f64 {
    let t0 = Instant::now();
    let mut acc = 0i64;
    for _ in 0..N {
        acc = acc.wrapping_add(f());
    }
    black_box(acc);
    t0.elapsed().as_nanos() as f64 / f64::from(N)
}

/// Best ns per call of each case over interleaved rounds.
fn measure(cases: &[Case<'_>]) -> Vec<f64> {
    let mut best = vec![f64::MAX; cases.len()];
    for _ in 0..ROUNDS {
        for (i, (_, f)) in cases.iter().enumerate() {
            best[i] = best[i].min(round_ns(*f));
        }
    }
    best
}

fn sysrt_clock() -> i64 {
    sysrt::time::clock_gettime(sysrt::time::ClockId::MONOTONIC).map_or(0, |t| t.nsec)
}

fn libc_clock() -> i64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec into `ts`.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_nsec
}

fn rustix_clock() -> i64 {
    rustix::time::clock_gettime(rustix::time::ClockId::Monotonic).tv_nsec
}

fn syscall_clock() -> i64 {
    let mut ts = linux_raw_sys::general::__kernel_timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec into `ts`, which lives across the call.
    let _ = unsafe {
        sysrt::raw_syscall(
            sysrt::Sysno::clock_gettime,
            linux_raw_sys::general::CLOCK_MONOTONIC as usize,
            &raw mut ts as usize,
            0,
        )
    };
    ts.tv_nsec
}

fn sysrt_random() -> i64 {
    let mut b = [0u8; 16];
    let _ = sysrt::random::getrandom(&mut b, sysrt::random::GetRandomFlags::empty());
    i64::from(b[0])
}

fn sysrt_random_syscall() -> i64 {
    let mut b = [0u8; 16];
    let _ = sysrt::random::getrandom_syscall(&mut b, sysrt::random::GetRandomFlags::empty());
    i64::from(b[0])
}

fn libc_random() -> i64 {
    let mut b = [0u8; 16];
    // SAFETY: getrandom writes at most 16 bytes into `b`.
    unsafe { libc::getrandom(b.as_mut_ptr().cast(), b.len(), 0) };
    i64::from(b[0])
}

fn rustix_random() -> i64 {
    let mut b = [0u8; 16];
    let _ = rustix::rand::getrandom(&mut b, rustix::rand::GetRandomFlags::empty());
    i64::from(b[0])
}

fn print(what: &str, cases: &[Case<'_>], best: &[f64], base: usize) {
    for (i, (name, _)) in cases.iter().enumerate() {
        println!(
            "{what} {name:<24} {:>7.1} ns/call  ({:.2}× {})",
            best[i],
            best[i] / best[base],
            cases[base].0
        );
    }
}

fn main() {
    let syms = sysrt::vdso::symbols();
    println!(
        "sysrt's vDSO: clock_gettime {}, getrandom {}",
        if syms.clock_gettime.is_some() {
            "yes"
        } else {
            "NO (syscall fallback)"
        },
        if syms.getrandom.is_some() {
            "yes"
        } else {
            "NO (syscall fallback)"
        },
    );
    let clocks: [Case<'_>; 4] = [
        ("sysrt (vDSO)", &sysrt_clock),
        ("glibc (vDSO)", &libc_clock),
        ("rustix", &rustix_clock),
        ("raw syscall", &syscall_clock),
    ];
    let randoms: [Case<'_>; 4] = [
        ("sysrt (vDSO)", &sysrt_random),
        ("sysrt getrandom_syscall", &sysrt_random_syscall),
        ("glibc", &libc_random),
        ("rustix", &rustix_random),
    ];
    // Both tables in the same interleaved rounds.
    let all: Vec<Case<'_>> = clocks.iter().chain(randoms.iter()).copied().collect();
    let best = measure(&all);
    let (cb, rb) = best.split_at(clocks.len());
    print("clock_gettime(MONOTONIC)", &clocks, cb, 1);
    println!(
        "goal: sysrt's clock_gettime no slower than glibc's vDSO path: {} ({:.1} vs {:.1} ns)",
        if cb[0] <= cb[1] { "met" } else { "NOT met" },
        cb[0],
        cb[1]
    );
    print("getrandom(16 bytes)", &randoms, rb, 0);
    println!(
        "goal: getrandom through the vDSO at least 3× faster than the syscall: {} ({:.1}×)",
        if rb[1] >= 3.0 * rb[0] {
            "met"
        } else {
            "NOT met"
        },
        rb[1] / rb[0]
    );
}
