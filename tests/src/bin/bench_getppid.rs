//! Per-call cost in a libc-free binary, on every arch: getppid, read(/dev/zero, 1 byte) and
//! write(/dev/null, 1 byte) through sysrt's typed call, sysrt's `raw_syscall`, `sc`, and an
//! out-of-line stub (what a wrapper that is not inlined costs). `cargo xtask bench` runs it
//! and disassembles `bench_sysrt_{getppid,read,write}_loop` to check that no call is left
//! around the trap; under QEMU that check is the point, the times are emulation's.
//!
//! Usage: `bench_getppid [N [ROUNDS]]`. Prints the rows in the bench line protocol
//! (`bench/src/lib.rs`): `ROW` and `VAR` lines, min and median ns of interleaved rounds, and
//! each variant's result check.
#![no_std]
#![no_main]

use linux_raw_sys::general::{__kernel_timespec, CLOCK_MONOTONIC};
use sysrt::fd::BorrowedFd;
use sysrt::{Sysno, io, process, raw_syscall};
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

/// The descriptors the read and write loops use: /dev/zero and /dev/null, opened at start.
static mut FDS: [i32; 2] = [-1, -1];

fn fd(i: usize) -> BorrowedFd<'static> {
    // SAFETY: FDS is written once in `main` before any loop runs (single-threaded), and the
    // two descriptors stay open until exit.
    unsafe { BorrowedFd::borrow_raw(FDS[i]) }
}

/// `n` getppid calls through `sysrt::process::getppid`.
#[unsafe(no_mangle)]
#[inline(never)]
pub fn bench_sysrt_getppid_loop(n: u32) -> u64 {
    let mut acc = 0u64;
    for _ in 0..n {
        acc = acc.wrapping_add(process::getppid().raw() as u64);
    }
    acc
}

/// `n` 1-byte reads of /dev/zero through `sysrt::io::read`.
#[unsafe(no_mangle)]
#[inline(never)]
pub fn bench_sysrt_read_loop(n: u32) -> u64 {
    let (f, mut b, mut acc) = (fd(0), [0xffu8; 1], 0u64);
    for _ in 0..n {
        acc = acc.wrapping_add(io::read(f, &mut b).unwrap_or(0) as u64);
    }
    acc + (u64::from(b[0]) << 40)
}

/// `n` 1-byte writes to /dev/null through `sysrt::io::write`.
#[unsafe(no_mangle)]
#[inline(never)]
pub fn bench_sysrt_write_loop(n: u32) -> u64 {
    let (f, mut acc) = (fd(1), 0u64);
    for _ in 0..n {
        acc = acc.wrapping_add(io::write(f, b"x").unwrap_or(0) as u64);
    }
    acc
}

fn raw3(nr: Sysno, a: usize, b: usize, c: usize) -> u64 {
    // SAFETY: the loops below pass getppid, or read/write of 1 byte of a live buffer.
    unsafe { raw_syscall(nr, a, b, c) }.unwrap_or(0) as u64
}

fn getppid_raw(n: u32) -> u64 {
    (0..n).fold(0u64, |a, _| a.wrapping_add(raw3(Sysno::getppid, 0, 0, 0)))
}

fn read_raw(n: u32) -> u64 {
    let (f, mut b) = (fd(0).as_raw_fd() as usize, [0xffu8; 1]);
    let acc = (0..n).fold(0u64, |a, _| {
        a.wrapping_add(raw3(Sysno::read, f, b.as_mut_ptr() as usize, 1))
    });
    acc + (u64::from(b[0]) << 40)
}

fn write_raw(n: u32) -> u64 {
    let f = fd(1).as_raw_fd() as usize;
    (0..n).fold(0u64, |a, _| {
        a.wrapping_add(raw3(Sysno::write, f, b"x".as_ptr() as usize, 1))
    })
}

/// One syscall through `sc`, as the loops below make it.
#[inline(always)]
fn sc3(nr: usize, a: usize, b: usize, c: usize) -> u64 {
    // SAFETY: the loops pass getppid, or read/write of 1 byte of a buffer that lives across
    // the call.
    unsafe { sc::syscall3(nr, a, b, c) as u64 }
}

fn getppid_sc(n: u32) -> u64 {
    (0..n).fold(0u64, |a, _| a.wrapping_add(sc3(sc::nr::GETPPID, 0, 0, 0)))
}

fn read_sc(n: u32) -> u64 {
    let (f, mut b) = (fd(0).as_raw_fd() as usize, [0xffu8; 1]);
    let acc = (0..n).fold(0u64, |a, _| {
        a.wrapping_add(sc3(sc::nr::READ, f, b.as_mut_ptr() as usize, 1))
    });
    acc + (u64::from(b[0]) << 40)
}

fn write_sc(n: u32) -> u64 {
    let f = fd(1).as_raw_fd() as usize;
    (0..n).fold(0u64, |a, _| {
        a.wrapping_add(sc3(sc::nr::WRITE, f, b"x".as_ptr() as usize, 1))
    })
}

#[inline(never)]
fn outofline_getppid() -> i32 {
    process::getppid().raw()
}

/// `n` getppid calls through a wrapper that is not inlined (a call frame per syscall).
fn getppid_outofline(n: u32) -> u64 {
    (0..n).fold(0u64, |a, _| {
        a.wrapping_add(core::hint::black_box(outofline_getppid)() as u64)
    })
}

/// A benchmark loop: `n` calls, results summed so none is optimized away.
type Loop = fn(u32) -> u64;

const ROUNDS_MAX: usize = 32;

fn main() -> i32 {
    let num = |i: usize, d: u32| {
        args::arg(i)
            .and_then(|a| core::str::from_utf8(a.to_bytes()).ok())
            .and_then(|s| s.parse().ok())
            .unwrap_or(d)
    };
    let n = num(1, 200_000).max(1);
    let rounds = (num(2, 7) as usize).clamp(1, ROUNDS_MAX);
    for (i, path) in [c"/dev/zero", c"/dev/null"].into_iter().enumerate() {
        let flags = if i == 0 {
            sysrt::fs::OFlags::RDONLY
        } else {
            sysrt::fs::OFlags::WRONLY
        };
        match sysrt::fs::open(path, flags, sysrt::fs::Mode::empty()) {
            // SAFETY: single-threaded, before any reader of FDS runs; the fd is leaked on
            // purpose so that it stays open until exit.
            Ok(f) => unsafe { FDS[i] = sysrt::fd::OwnedFd::into_raw_fd(f) },
            Err(e) => {
                println!("bench_getppid: open: {e}");
                return 1;
            }
        }
    }
    let ppid = process::getppid().raw() as u64;
    let want = [u64::from(n).wrapping_mul(ppid), u64::from(n), u64::from(n)];
    let rows: [(&str, [(&str, Loop); 4]); 3] = [
        (
            "getppid",
            [
                ("sysrt typed", bench_sysrt_getppid_loop),
                ("sysrt raw_syscall", getppid_raw),
                ("sc", getppid_sc),
                ("out-of-line stub", getppid_outofline),
            ],
        ),
        (
            "read 1 B /dev/zero",
            [
                ("sysrt typed", bench_sysrt_read_loop),
                ("sysrt raw_syscall", read_raw),
                ("sc", read_sc),
                ("sysrt typed (again)", bench_sysrt_read_loop),
            ],
        ),
        (
            "write 1 B /dev/null",
            [
                ("sysrt typed", bench_sysrt_write_loop),
                ("sysrt raw_syscall", write_raw),
                ("sc", write_sc),
                ("sysrt typed (again)", bench_sysrt_write_loop),
            ],
        ),
    ];
    // Rounds interleave every variant (the first measured would otherwise pay the warm-up,
    // and a noisy moment would fall on one alone); min and median over the rounds.
    let mut t = [[[0u64; 4]; 3]; ROUNDS_MAX];
    let mut ok = [[true; 4]; 3];
    for (round, times) in t.iter_mut().take(rounds).enumerate() {
        for k in 0..12 {
            let idx = (k + round) % 12;
            let (r, v) = (idx / 4, idx % 4);
            let t0 = now_ns();
            let got = core::hint::black_box(rows[r].1[v].1(core::hint::black_box(n)));
            times[r][v] = now_ns() - t0;
            ok[r][v] &= got == want[r];
        }
    }
    let mut all_ok = true;
    for (r, (id, vars)) in rows.iter().enumerate() {
        println!("ROW\t{id}\tns/call\tsysrt raw_syscall");
        for (v, (name, _)) in vars.iter().enumerate() {
            let mut col = [0u64; ROUNDS_MAX];
            for (dst, times) in col.iter_mut().zip(&t[..rounds]) {
                *dst = times[r][v];
            }
            let s = &mut col[..rounds];
            s.sort_unstable();
            let per = |x: u64| x as f64 / f64::from(n);
            all_ok &= ok[r][v];
            println!(
                "VAR\t{id}\t{name}\t{:.2}\t{:.2}\t{}",
                per(s[0]),
                per(s[rounds / 2]),
                if ok[r][v] { "ok" } else { "wrong: result sum" }
            );
        }
    }
    i32::from(!all_ok)
}

sysrt_rt::main!(main);
