//! Child processes for the signal and ptrace programs: `fork`, and waiting through a raw
//! `wait4`. Kept in this one file so the typed wait API can replace the raw call later.

use core::fmt;

use linux_raw_sys::general::{__WALL, WNOHANG};
use sysrt::process::{self, Pid};
use sysrt::signal::Signal;
use sysrt::{Errno, Sysno};

/// How a child ended or stopped, decoded from a `wait4` status word.
#[derive(Copy, Clone, PartialEq, Eq)]
pub enum Status {
    /// `WIFEXITED`: the exit code.
    Exited(i32),
    /// `WIFSIGNALED`: the signal that ended it (the number, in case it is not a `Signal`).
    Signaled(i32),
    /// `WIFSTOPPED`: the stop signal and the ptrace event (`status >> 16`, 0 for none).
    Stopped(i32, u32),
    /// A ptrace syscall stop (`SIGTRAP | 0x80`, with `PTRACE_O_TRACESYSGOOD`).
    SyscallStop,
    /// `WIFCONTINUED`.
    Continued,
}

impl Status {
    /// Decodes a `wait4` status word (`man 2 wait`, the `W*` macros).
    pub fn decode(status: i32) -> Status {
        let low = status & 0x7f;
        if low == 0 {
            Status::Exited((status >> 8) & 0xff)
        } else if status & 0xff == 0x7f {
            let sig = (status >> 8) & 0xff;
            if sig == Signal::TRAP.raw() | 0x80 {
                Status::SyscallStop
            } else {
                Status::Stopped(sig, (status as u32) >> 16)
            }
        } else if status == 0xffff {
            Status::Continued
        } else {
            Status::Signaled(low)
        }
    }

    /// `Signaled` by `sig`.
    pub fn signaled(sig: Signal) -> Status {
        Status::Signaled(sig.raw())
    }

    /// `Stopped` by `sig` with no ptrace event.
    pub fn stopped(sig: Signal) -> Status {
        Status::Stopped(sig.raw(), 0)
    }
}

impl fmt::Debug for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |n: i32| Signal::from_raw(n).and_then(Signal::name).unwrap_or("?");
        match *self {
            Status::Exited(code) => write!(f, "Exited({code})"),
            Status::Signaled(n) => write!(f, "Signaled({})", name(n)),
            Status::Stopped(n, 0) => write!(f, "Stopped({})", name(n)),
            Status::Stopped(n, ev) => write!(f, "Stopped({}, event {ev})", name(n)),
            Status::SyscallStop => write!(f, "SyscallStop"),
            Status::Continued => write!(f, "Continued"),
        }
    }
}

/// `wait4(pid, &status, options | __WALL, NULL)` through the raw layer, once.
fn raw_wait4(pid: i32, options: u32) -> Result<(i32, i32), Errno> {
    let mut status = 0i32;
    // SAFETY: wait4 writes one int into `status`, a live local; no rusage (NULL).
    let got = unsafe {
        sysrt::raw_syscall6(
            Sysno::wait4,
            pid as isize as usize,
            &raw mut status as usize,
            (options | __WALL) as usize,
            0,
            0,
            0,
        )
    }?;
    Ok((got as i32, status))
}

/// Waits for the next state change of `pid` (exit, signal, stop), retrying `EINTR` (a test
/// handler may run meanwhile).
pub fn wait(pid: Pid) -> Result<Status, Errno> {
    sysrt::retry_on_intr(|| raw_wait4(pid.raw(), 0)).map(|(_, st)| Status::decode(st))
}

/// Whether any child is left, exited or not: `wait4(-1, WNOHANG)` must fail with `ECHILD`.
/// Every program ends with this as its `no_child_left_unreaped` case.
pub fn no_child_left() -> Result<(i32, i32), Errno> {
    raw_wait4(-1, WNOHANG)
}

/// What a child run by [`in_child`] reported.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Reported {
    /// The closure returned this (the child exited 0 for `Ok`, the errno for `Err`).
    Returned(Result<(), Errno>),
    /// The child ended otherwise.
    Ended(Status),
    /// `fork` or `wait4` failed.
    Failed(Errno),
}

/// Runs `f` in a forked child that exits with 0 (`Ok`) or the errno (`Err`); reaps it and
/// returns what it reported.
pub fn in_child(f: impl FnOnce() -> Result<(), Errno>) -> Reported {
    // SAFETY: the test programs are single-threaded, so the child is a full copy and may do
    // anything before it exits.
    match unsafe { process::fork() } {
        Err(e) => Reported::Failed(e),
        Ok(None) => process::exit(match f() {
            Ok(()) => 0,
            Err(e) => i32::from(e.raw()),
        }),
        Ok(Some(pid)) => match wait(pid) {
            Ok(Status::Exited(0)) => Reported::Returned(Ok(())),
            Ok(Status::Exited(n)) => Reported::Returned(Err(Errno::from_raw(n as u16))),
            Ok(other) => Reported::Ended(other),
            Err(e) => Reported::Failed(e),
        },
    }
}

/// Forks a child that runs `f` and exits with what it returns; the parent gets the pid.
pub fn spawn_child(f: impl FnOnce() -> i32) -> Result<Pid, Errno> {
    // SAFETY: as in `in_child`: single-threaded programs.
    match unsafe { process::fork() }? {
        None => process::exit(f()),
        Some(pid) => Ok(pid),
    }
}

/// Drops privileges for good in a forked child: real, effective and saved uid and gid to
/// `nobody` (65534), so the child is an ordinary user in every check.
pub fn become_nobody() -> Result<(), Errno> {
    let nobody = crate::util::NOBODY as usize;
    // SAFETY: setgroups(0, NULL) reads nothing; setresgid/setresuid take integers.
    unsafe {
        // Dropping the supplementary groups needs root; as non-root there are none of root's.
        let _ = sysrt::raw_syscall(Sysno::setgroups, 0, 0, 0);
        sysrt::raw_syscall(Sysno::setresgid, nobody, nobody, nobody)?;
        sysrt::raw_syscall(Sysno::setresuid, nobody, nobody, nobody)?;
    }
    Ok(())
}
