//! Peak memory of a program at exit: `bench_rss PROGRAM [ARGS...]` starts PROGRAM with
//! `fork_exec`, waits with `wait4_rusage`, and prints `maxrss KB status N`. `cargo xtask
//! bench` reads hello's VmHWM row from it.
//!
//! Why a libc-free launcher: a child's `ru_maxrss` is the larger of its peak before and after
//! `execve`, and before `execve` it is a copy of (or shares) its parent's memory. Started by
//! GNU time or by xtask, every hello would report the launcher's 400-odd kB; started by this
//! static program of a few pages, the figure is the program's own.
#![no_std]
#![no_main]

use sysrt::process::{self, ProcAttr, WaitOptions, WaitTarget};
use sysrt_rt::{args, println};

fn main() -> i32 {
    let Some(path) = args::arg(1) else {
        println!("usage: bench_rss PROGRAM [ARGS...]");
        return 2;
    };
    // argv: PROGRAM and what follows it (at most 8 arguments: the bench passes none).
    let mut argv = [c""; 9];
    let mut n = 0;
    while let Some(a) = args::arg(n + 1).filter(|_| n < argv.len()) {
        argv[n] = a;
        n += 1;
    }
    let pid = match process::fork_exec(path, &argv[..n], &ProcAttr::new()) {
        Ok(pid) => pid,
        Err(e) => {
            println!("bench_rss: fork_exec: {e}");
            return 1;
        }
    };
    match sysrt::retry_on_intr(|| {
        process::wait4_rusage(WaitTarget::Child(pid), WaitOptions::empty())
    }) {
        Ok(Some((_, status, ru))) => {
            let code = status.exit_status().map_or(-1, i32::from);
            println!("maxrss {} status {code}", ru.maxrss);
            i32::from(code != 0)
        }
        other => {
            println!("bench_rss: wait4: {other:?}");
            1
        }
    }
}

sysrt_rt::main!(main);
