//! `supervise [COMMAND ARGS…]`: starts COMMAND, forwards SIGTERM and SIGINT to it, reaps it,
//! and exits with its status (128 + N when signal N killed it), as an init or a container
//! entrypoint does.
//!
//! Signals are received as values, with no handler code: they are blocked and read from a
//! signalfd. The child starts with an empty signal mask all the same (the spawn default), so
//! it does not inherit the blocking.
//!
//! With no arguments it supervises a small demonstration: a shell that asks its supervisor to
//! stop it (`kill -TERM $PPID`), gets the forwarded SIGTERM, and exits 0.
//!
//! The signalfd calls are raw for now; they become `sysrt::signal`'s Notify API when it lands.
#![no_std]
#![no_main]

use linux_raw_sys::general::{O_CLOEXEC, SIG_BLOCK, SIGCHLD, SIGINT, SIGTERM, WNOHANG};
use sysrt::fd::OwnedFd;
use sysrt::process::{self, ProcAttr};
use sysrt::{Errno, Sysno, io};
use sysrt_rt::{args, eprintln, println};

/// The demonstration run without arguments.
const DEMO: [&str; 3] = [
    "/bin/sh",
    "-c",
    "trap 'echo child: got SIGTERM, exiting 0; exit 0' TERM; \
     echo child: asking the supervisor to stop me; kill -TERM $PPID; \
     while :; do sleep 0.05; done",
];

/// `struct signalfd_siginfo` is 128 bytes (`man 2 signalfd`); only its first field,
/// `ssi_signo` (a u32 at offset 0), is read here. linux-raw-sys 0.12 does not have the struct.
const SIGINFO_SIZE: usize = 128;

/// Blocks `set` and returns a signalfd that reads it (close-on-exec: `SFD_CLOEXEC` is
/// `O_CLOEXEC`, as `man 2 signalfd` says).
fn signalfd(set: u64) -> Result<OwnedFd, Errno> {
    // SAFETY: rt_sigprocmask reads 8 bytes of `set`; signalfd4 reads 8 bytes of `set` and
    // returns a new descriptor that only we hold.
    unsafe {
        sysrt::raw_syscall6(
            Sysno::rt_sigprocmask,
            SIG_BLOCK as usize,
            &raw const set as usize,
            0,
            8,
            0,
            0,
        )?;
        let fd = sysrt::raw_syscall6(
            Sysno::signalfd4,
            usize::MAX, // -1: a new signalfd
            &raw const set as usize,
            8,
            O_CLOEXEC as usize,
            0,
            0,
        )?;
        Ok(OwnedFd::from_raw_fd(fd as i32))
    }
}

/// `wait4(pid, &status, WNOHANG)`: the raw status if `pid` has ended.
fn reap(pid: i32) -> Result<Option<i32>, Errno> {
    let mut status = 0i32;
    // SAFETY: wait4 writes one int into `status`; no rusage.
    let r = unsafe {
        sysrt::raw_syscall6(
            Sysno::wait4,
            pid as usize,
            &raw mut status as usize,
            WNOHANG as usize,
            0,
            0,
            0,
        )
    }?;
    Ok((r != 0).then_some(status))
}

/// The exit status a shell would report: the code, or 128 + the signal.
fn exit_code(status: i32) -> i32 {
    if status & 0x7f == 0 {
        (status >> 8) & 0xff
    } else {
        128 + (status & 0x7f)
    }
}

fn main() -> i32 {
    let bit = |sig: u32| 1u64 << (sig - 1);
    let sfd = match signalfd(bit(SIGTERM) | bit(SIGINT) | bit(SIGCHLD)) {
        Ok(fd) => fd,
        Err(e) => {
            eprintln!("supervise: signalfd: {e}");
            return 1;
        }
    };
    let given: usize = args::args().len().saturating_sub(1);
    let mut argv: [&[u8]; 32] = [b""; 32];
    let n = if given == 0 {
        for (slot, a) in argv.iter_mut().zip(DEMO) {
            *slot = a.as_bytes();
        }
        DEMO.len()
    } else {
        for (slot, a) in argv.iter_mut().zip(args::args().skip(1)) {
            *slot = a.to_bytes();
        }
        given.min(argv.len())
    };
    let argv = &argv[..n];
    let pid = match process::start_process(argv[0], argv, &ProcAttr::new()) {
        Ok(s) => s.pid.raw(),
        Err(e) => {
            eprintln!(
                "supervise: {}: {e}",
                core::str::from_utf8(argv[0]).unwrap_or("?")
            );
            return 127;
        }
    };
    println!("supervise: started pid {pid}");

    let mut info = [0u8; SIGINFO_SIZE];
    loop {
        match io::read(&sfd, &mut info) {
            Ok(SIGINFO_SIZE) => {}
            Ok(_) | Err(Errno::EINTR) => continue,
            Err(e) => {
                eprintln!("supervise: read signalfd: {e}");
                return 1;
            }
        }
        let signo = u32::from_ne_bytes([info[0], info[1], info[2], info[3]]);
        if signo == SIGCHLD {
            // Several exits may share one SIGCHLD; ours is the only child.
            match reap(pid) {
                Ok(Some(status)) => {
                    let code = exit_code(status);
                    println!("supervise: pid {pid} ended, exiting with {code}");
                    return code;
                }
                Ok(None) => continue,
                Err(e) => {
                    eprintln!("supervise: wait4: {e}");
                    return 1;
                }
            }
        }
        let name = if signo == SIGTERM {
            "SIGTERM"
        } else {
            "SIGINT"
        };
        println!("supervise: forwarding {name} to pid {pid}");
        // SAFETY: kill takes integers only.
        let _ = unsafe { sysrt::raw_syscall(Sysno::kill, pid as usize, signo as usize, 0) };
    }
}

sysrt_rt::main!(main);
