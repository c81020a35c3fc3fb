//! Spawn-and-wait cost: `sysrt::process::fork_exec` + `wait4` against the floor, a raw
//! `clone(CLONE_VM|CLONE_VFORK)` + `execve` + `wait4` written by hand, and against the two
//! error channels the spawn code could use (a shared-memory slot, which costs no syscall, and
//! a close-on-exec pipe). `cargo xtask bench` runs it natively; the child is this same binary
//! started with the single argument `--exit`, which returns at once.
//!
//! Usage: `bench_spawn [N [PROGRAM]]` (N timed spawns per case, at most 4096, default 2000), or
//! `bench_spawn count N CASE` to make N spawns of one case (0 to 3, in the order printed)
//! untimed, for `strace -f -c` to count the syscalls of a spawn.
#![no_std]
#![no_main]

use core::ffi::{CStr, c_char};

use linux_raw_sys::general::{
    __kernel_timespec, CLOCK_MONOTONIC, CLONE_VFORK, CLONE_VM, O_CLOEXEC, SIG_SETMASK, SIGCHLD,
};
use sysrt::process::{self, ProcAttr};
use sysrt::{Sysno, raw_syscall, raw_syscall6};
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

/// What the hand-written child needs: the exec arguments, the channel and the mask to set.
#[repr(C)]
struct Raw {
    path: *const c_char,
    argv: *const *const c_char,
    envp: *const *const c_char,
    /// Write end of the error pipe, or -1.
    pipe: i32,
    /// Set the mask before exec (the `mask` case and the pipe case).
    set_mask: bool,
    mask: u64,
    /// The shared-memory error slot.
    err: i32,
}

/// The hand-written child: optionally set the mask, exec, and on failure report through the
/// pipe or the slot.
unsafe extern "C" fn raw_child(arg: usize) -> ! {
    // SAFETY: `arg` is the parent's `Raw`, alive until the parent's clone returns (vfork).
    let r = unsafe { &mut *(arg as *mut Raw) };
    // SAFETY: the mask is a u64 read by the kernel; execve reads the strings and arrays the
    // parent built, all NUL/NULL terminated; write reads 4 bytes of `err`.
    unsafe {
        if r.set_mask {
            let _ = raw_syscall6(
                Sysno::rt_sigprocmask,
                SIG_SETMASK as usize,
                &raw const r.mask as usize,
                0,
                8,
                0,
                0,
            );
        }
        let e = raw_syscall(
            Sysno::execve,
            r.path as usize,
            r.argv as usize,
            r.envp as usize,
        );
        r.err = e.err().map_or(0, |e| i32::from(e.raw()));
        if r.pipe >= 0 {
            let _ = raw_syscall(Sysno::write, r.pipe as usize, &raw const r.err as usize, 4);
        }
        sysrt_arch::syscall1_noreturn(Sysno::exit_group, 127)
    }
}

/// One spawn of `r` through the raw helper (the child runs below our stack pointer while we
/// are suspended, as after vfork), then `wait4`.
fn raw_spawn(r: &mut Raw, block: bool, pipe: bool) -> i32 {
    let mut old = 0u64;
    let full = u64::MAX;
    let mut fds = [-1i32; 2];
    r.err = 0;
    r.pipe = -1;
    // SAFETY: every pointer handed to the kernel lives across the call that reads it; the
    // child gets no new stack (CLONE_VFORK suspends us) and touches only `r` until it execs.
    unsafe {
        if pipe {
            let _ = raw_syscall(
                Sysno::pipe2,
                fds.as_mut_ptr() as usize,
                O_CLOEXEC as usize,
                0,
            );
            r.pipe = fds[1];
        }
        if block {
            let _ = raw_syscall6(
                Sysno::rt_sigprocmask,
                SIG_SETMASK as usize,
                &raw const full as usize,
                &raw mut old as usize,
                8,
                0,
                0,
            );
            r.mask = old;
        }
        let pid = sysrt_arch::clone_then_call(
            Sysno::clone,
            (CLONE_VM | CLONE_VFORK | SIGCHLD) as usize,
            0,
            0,
            raw_child,
            r as *mut Raw as usize,
        );
        if block {
            let _ = raw_syscall6(
                Sysno::rt_sigprocmask,
                SIG_SETMASK as usize,
                &raw const old as usize,
                0,
                8,
                0,
                0,
            );
        }
        if pipe {
            let _ = raw_syscall(Sysno::close, fds[1] as usize, 0, 0);
            let mut e = 0i32;
            let n = raw_syscall(Sysno::read, fds[0] as usize, &raw mut e as usize, 4);
            if n == Ok(4) {
                r.err = e;
            }
            let _ = raw_syscall(Sysno::close, fds[0] as usize, 0, 0);
        }
        let mut status = 0i32;
        let _ = raw_syscall6(Sysno::wait4, pid, &raw mut status as usize, 0, 0, 0, 0);
        status | r.err
    }
}

/// One spawn through sysrt, then `wait4`.
fn sysrt_spawn(path: &CStr, argv: &[&CStr], attr: &ProcAttr<'_>) -> i32 {
    match process::fork_exec(path, argv, attr) {
        Ok(pid) => {
            let mut status = 0i32;
            // SAFETY: wait4 writes one int into `status`; the rusage pointer is null.
            let _ = unsafe {
                raw_syscall6(
                    Sysno::wait4,
                    pid.raw() as usize,
                    &raw mut status as usize,
                    0,
                    0,
                    0,
                    0,
                )
            };
            status
        }
        Err(e) => -i32::from(e.raw()),
    }
}

fn main() -> i32 {
    if args::arg(1).map(CStr::to_bytes) == Some(b"--exit") {
        return 0;
    }
    let count_mode = args::arg(1).map(CStr::to_bytes) == Some(b"count");
    let num = |i| {
        args::arg(i)
            .and_then(|a| core::str::from_utf8(a.to_bytes()).ok())
            .and_then(|s| s.parse::<u32>().ok())
    };
    let n: u32 = num(1).unwrap_or(2000);
    let path = if count_mode {
        args::arg(0)
    } else {
        args::arg(2).or_else(|| args::arg(0))
    };
    let Some(path) = path else {
        println!("bench_spawn: no program to start");
        return 2;
    };
    let argv: [*const c_char; 3] = [path.as_ptr(), c"--exit".as_ptr(), core::ptr::null()];
    let envp: [*const c_char; 1] = [core::ptr::null()];
    let mut raw = Raw {
        path: path.as_ptr(),
        argv: argv.as_ptr(),
        envp: envp.as_ptr(),
        pipe: -1,
        set_mask: false,
        mask: 0,
        err: 0,
    };

    let sys_argv = [path, c"--exit"];
    let empty: [&CStr; 0] = [];
    let attr = ProcAttr::new().env(&empty);

    const CASES: [&str; 4] = [
        "raw clone+execve+wait4 (floor)",
        "raw + signal mask (shared slot)",
        "raw + signal mask + CLOEXEC pipe",
        "sysrt fork_exec + wait4",
    ];
    let mut spawn_case = |i: usize| match i {
        0 => {
            raw.set_mask = false;
            raw_spawn(&mut raw, false, false)
        }
        1 => {
            raw.set_mask = true;
            raw_spawn(&mut raw, true, false)
        }
        2 => {
            raw.set_mask = true;
            raw_spawn(&mut raw, true, true)
        }
        _ => sysrt_spawn(path, &sys_argv, &attr),
    };
    if count_mode {
        let (times, case) = (num(2).unwrap_or(0), num(3).unwrap_or(3) as usize);
        let bad = (0..times).filter(|_| spawn_case(case) != 0).count();
        return i32::from(bad != 0);
    }
    // The cases take turns spawn by spawn (the order rotates), so a burst of load elsewhere
    // hits them alike; each spawn is timed, and the median is the figure (the minimum is
    // printed too). On a busy machine this is far steadier than the mean of a round.
    let n = (n as usize).min(MAX_SAMPLES);
    let mut samples = [[0u32; 4]; MAX_SAMPLES];
    let mut bad = 0u32;
    for (k, row) in samples[..n].iter_mut().enumerate() {
        for j in 0..4 {
            let case = (k + j) % 4;
            let t0 = now_ns();
            bad += u32::from(spawn_case(case) != 0);
            row[case] = (now_ns() - t0).min(u64::from(u32::MAX)) as u32;
        }
    }
    let mut median = [0u64; 4];
    let mut min = [0u64; 4];
    let mut col = [0u32; MAX_SAMPLES];
    for c in 0..4 {
        let col = &mut col[..n.max(1)];
        for (dst, row) in col.iter_mut().zip(&samples[..n]) {
            *dst = row[c];
        }
        col.sort_unstable();
        median[c] = u64::from(col[col.len() / 2]);
        min[c] = u64::from(col[0]);
    }
    for (i, name) in CASES.iter().enumerate() {
        let ratio_milli = median[i] * 1000 / median[0].max(1);
        println!(
            "spawn {name:<36} {:>7} ns/spawn  {}.{:03}x  (min {} ns)",
            median[i],
            ratio_milli / 1000,
            ratio_milli % 1000,
            min[i]
        );
    }
    if bad != 0 {
        println!("bench_spawn: {bad} spawns did not exit 0");
        return 1;
    }
    0
}

/// Spawns timed per case (the samples live on the stack: 80 KiB).
const MAX_SAMPLES: usize = 4096;

sysrt_rt::main!(main);
