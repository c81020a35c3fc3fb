//! getppid through sysrt and its peers, in one std program on the host: sysrt, `sc`,
//! `syscalls`, rustix (linux_raw backend), and glibc through `libc` (an out-of-line call).
//! Best of several rounds, in ns per call. Run by `cargo xtask bench`.

use std::hint::black_box;
use std::time::Instant;

const N: u32 = 1_000_000;

fn round_ns(f: &dyn Fn() -> i64) -> f64 {
    let t0 = Instant::now();
    let mut acc = 0i64;
    for _ in 0..N {
        acc = acc.wrapping_add(f());
    }
    black_box(acc);
    t0.elapsed().as_nanos() as f64 / f64::from(N)
}

fn main() {
    let cases: [(&str, &dyn Fn() -> i64); 5] = [
        ("sysrt", &|| i64::from(sysrt::process::getppid().raw())),
        // SAFETY: getppid takes no arguments.
        ("sc", &|| unsafe { sc::syscall0(sc::nr::GETPPID) } as i64),
        (
            "syscalls",
            // SAFETY: getppid takes no arguments.
            &|| unsafe { syscalls::raw_syscall!(syscalls::Sysno::getppid) } as i64,
        ),
        ("rustix", &|| {
            i64::from(rustix::process::getppid().map_or(0, |p| p.as_raw_nonzero().get()))
        }),
        // SAFETY: getppid has no preconditions.
        ("libc (glibc)", &|| i64::from(unsafe { libc::getppid() })),
    ];
    // Rounds interleave the cases so none pays the warm-up alone; the best round counts.
    let mut best = [f64::MAX; 5];
    for _ in 0..7 {
        for (i, (_, f)) in cases.iter().enumerate() {
            best[i] = best[i].min(round_ns(*f));
        }
    }
    for (i, (name, _)) in cases.iter().enumerate() {
        println!(
            "getppid {name:<14} {:>7.1} ns/call  ({:.2}× sysrt)",
            best[i],
            best[i] / best[0]
        );
    }
}
