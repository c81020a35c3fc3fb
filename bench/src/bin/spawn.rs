//! Spawn and wait, row 4 of `cargo xtask bench`: the peers of `tests/src/bin/bench_spawn.rs`
//! (sysrt's fork_exec and the raw clone floor, libc-free) in a std program: std's `Command`,
//! libc fork+execve+wait4, libc vfork+execve+wait4 and posix_spawn+wait4.
//!
//! Usage: `spawn N PROGRAM` times N spawns per case, the cases taking turns spawn by spawn,
//! and prints `spawn NAME  MEDIAN ns/spawn  1.000x  (min MIN ns)` per case, as bench_spawn
//! does; `spawn count N CASE PROGRAM` makes N untimed spawns of one case (for strace). Every
//! child must exit 0, or the program exits 1.

use std::ffi::{CString, c_char};
use std::process::{Command, ExitCode};
use std::time::Instant;

const CASES: [&str; 4] = [
    "std Command",
    "libc fork+execve+wait4",
    "libc vfork+execve+wait4",
    "libc posix_spawn+wait4",
];

struct Prog {
    path: CString,
    argv: [*const c_char; 3],
    envp: [*const c_char; 1],
}

fn wait(pid: libc::pid_t) -> bool {
    let mut st = 0;
    // SAFETY: wait4 writes one int into `st`; no rusage.
    let r = unsafe { libc::wait4(pid, &mut st, 0, std::ptr::null_mut()) };
    r == pid && libc::WIFEXITED(st) && libc::WEXITSTATUS(st) == 0
}

/// One spawn and wait of case `case`; whether the child exited 0.
fn spawn(case: usize, p: &Prog, arg: &str) -> bool {
    match case {
        0 => Command::new(p.path.to_str().unwrap_or(""))
            .arg(arg)
            .env_clear()
            .status()
            .is_ok_and(|s| s.success()),
        1 | 2 => {
            // SAFETY: the child only calls execve (async-signal-safe) and _exit; for vfork
            // it touches no memory of the parent's but the prepared arrays.
            // libc deprecates `vfork` because Rust cannot mark it returns-twice: the child
            // here does nothing but the two calls, which is the peer C programs use.
            #[allow(deprecated)]
            let pid = unsafe {
                if case == 1 {
                    libc::fork()
                } else {
                    libc::vfork()
                }
            };
            if pid == 0 {
                // SAFETY: NUL-terminated path, NULL-terminated arrays, alive in the parent.
                unsafe {
                    libc::execve(p.path.as_ptr(), p.argv.as_ptr(), p.envp.as_ptr());
                    libc::_exit(127);
                }
            }
            pid > 0 && wait(pid)
        }
        _ => {
            let mut pid = 0;
            // SAFETY: as above; no file actions or attributes.
            let r = unsafe {
                libc::posix_spawn(
                    &mut pid,
                    p.path.as_ptr(),
                    std::ptr::null(),
                    std::ptr::null(),
                    p.argv.as_ptr() as *const *mut c_char,
                    p.envp.as_ptr() as *const *mut c_char,
                )
            };
            r == 0 && wait(pid)
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let count = args.get(1).map(String::as_str) == Some("count");
    let n: usize = args
        .get(if count { 2 } else { 1 })
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let case: usize = if count {
        args.get(3).and_then(|s| s.parse().ok()).unwrap_or(0)
    } else {
        0
    };
    let Some(path) = args.get(if count { 4 } else { 2 }) else {
        eprintln!("usage: spawn N PROGRAM | spawn count N CASE PROGRAM");
        return ExitCode::from(2);
    };
    let path = CString::new(path.as_str()).expect("no NUL in the path");
    let arg = c"--exit";
    let mut p = Prog {
        path,
        argv: [std::ptr::null(); 3],
        envp: [std::ptr::null()],
    };
    p.argv = [p.path.as_ptr(), arg.as_ptr(), std::ptr::null()];
    if count {
        let bad = (0..n).filter(|_| !spawn(case, &p, "--exit")).count();
        return if bad == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    let mut samples = vec![Vec::with_capacity(n); CASES.len()];
    let mut bad = 0;
    for k in 0..n {
        for j in 0..CASES.len() {
            let c = (k + j) % CASES.len();
            let t0 = Instant::now();
            bad += usize::from(!spawn(c, &p, "--exit"));
            samples[c].push(t0.elapsed().as_nanos() as u64);
        }
    }
    for (name, s) in CASES.iter().zip(&mut samples) {
        s.sort_unstable();
        println!(
            "spawn {name:<36} {:>7} ns/spawn  1.000x  (min {} ns)",
            s[s.len() / 2],
            s[0]
        );
    }
    if bad != 0 {
        println!("spawn: {bad} spawns did not exit 0");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
