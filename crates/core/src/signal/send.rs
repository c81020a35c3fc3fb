//! Sending signals: `kill`, `tkill`, `tgkill`, `raise`.

use super::Signal;
use crate::process::{Pid, getpid, gettid};
use crate::{Errno, Result, Sysno, arch, arg};

/// A signal argument: its number, or 0 for "check only".
#[inline(always)]
fn sig_arg(sig: Option<Signal>) -> usize {
    arg::raw_fd(sig.map_or(0, Signal::raw))
}

/// `kill(pid, sig)` — sends `sig` to a process or a group; with `None` (signal 0) sends
/// nothing but checks that the target exists and may be signalled.
///
/// `pid > 0`: that process. `pid == 0`: every process in the caller's process group.
/// `pid == -1`: every process the caller may signal except init and itself. `pid < -1`: every
/// process in group `-pid`.
///
/// Pass a `Signal` directly or `None` (`kill(pid, Signal::TERM)`, `kill(pid, None)`).
///
/// # Errors
/// `ESRCH` (no such process or group; also `pid == i32::MIN`, whose negation does not
/// exist), `EPERM` (the caller may not signal the target: a non-root caller needs its real or
/// effective uid to match the target's real or saved uid).
///
/// # References
/// `man 2 kill`. Go: `syscall.Kill`.
#[doc(alias = "Kill")]
#[inline]
pub fn kill(pid: Pid, sig: impl Into<Option<Signal>>) -> Result<()> {
    let sig = sig_arg(sig.into());
    // SAFETY: kill takes two integers and writes no memory.
    let ret = unsafe { arch::syscall2_readonly(Sysno::kill, arg::raw_fd(pid.raw()), sig) };
    Errno::decode(ret).map(drop)
}

/// `tkill(tid, sig)` — sends `sig` to one thread (`None`: checks it exists).
///
/// Prefer [`tgkill`]: a thread ID may be reused by another process once its thread ends.
///
/// # Errors
/// `ESRCH` (no such thread), `EINVAL` (`tid <= 0`), `EPERM`.
///
/// # References
/// `man 2 tkill`.
#[inline]
pub fn tkill(tid: Pid, sig: impl Into<Option<Signal>>) -> Result<()> {
    let sig = sig_arg(sig.into());
    // SAFETY: tkill takes two integers and writes no memory.
    let ret = unsafe { arch::syscall2_readonly(Sysno::tkill, arg::raw_fd(tid.raw()), sig) };
    Errno::decode(ret).map(drop)
}

/// `tgkill(tgid, tid, sig)` — sends `sig` to thread `tid` of process `tgid` (`None`: checks
/// it exists). The thread receives it even when other threads do not block it.
///
/// # Errors
/// `ESRCH` (no such thread in that process), `EINVAL` (`tgid` or `tid` ≤ 0), `EPERM`.
///
/// # References
/// `man 2 tgkill`. Go: `syscall.Tgkill`.
#[doc(alias = "Tgkill")]
#[inline]
pub fn tgkill(tgid: Pid, tid: Pid, sig: impl Into<Option<Signal>>) -> Result<()> {
    let sig = sig_arg(sig.into());
    // SAFETY: tgkill takes three integers and writes no memory.
    let ret = unsafe {
        arch::syscall3_readonly(
            Sysno::tgkill,
            arg::raw_fd(tgid.raw()),
            arg::raw_fd(tid.raw()),
            sig,
        )
    };
    Errno::decode(ret).map(drop)
}

/// `raise(sig)` — sends `sig` to the calling thread: `tgkill(getpid(), gettid(), sig)`.
///
/// If the signal is not blocked, its handler (or default action) runs before this returns.
///
/// # Errors
/// None in practice.
///
/// # References
/// `man 3 raise`.
#[inline]
pub fn raise(sig: Signal) -> Result<()> {
    tgkill(getpid(), gettid(), sig)
}
