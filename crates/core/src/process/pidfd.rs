//! Process descriptors: `pidfd_open`, `pidfd_send_signal`, `pidfd_getfd`. Waiting on one is
//! [`waitid`](crate::process::waitid) with [`WaitId::PidFd`](crate::process::WaitId::PidFd).
//!
//! A pidfd refers to one process for as long as it is open, even after the process ends and
//! its number is reused: signalling or waiting through it cannot reach the wrong process.

use bitflags::bitflags;
use linux_raw_sys::general as g;

use crate::fd::{AsFd, OwnedFd, RawFd};
use crate::process::Pid;
use crate::signal::Signal;
use crate::{Errno, Result, Sysno, arch, arg};

bitflags! {
    /// Flags for [`pidfd_open`].
    ///
    /// There is no close-on-exec flag: every pidfd has `FD_CLOEXEC` set by the kernel
    /// (`pidfd_open` and `clone(CLONE_PIDFD)` alike; `man 2 pidfd_open`).
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug, Default)]
    pub struct PidfdFlags: u32 {
        /// `PIDFD_NONBLOCK`: a [`waitid`](crate::process::waitid) on the pidfd of a running
        /// process fails with `EAGAIN` instead of blocking (Linux 5.10). linux-raw-sys lacks
        /// the name; `linux/pidfd.h` defines it as `O_NONBLOCK`.
        #[doc(alias = "PIDFD_NONBLOCK")]
        const NONBLOCK = g::O_NONBLOCK;
        /// `PIDFD_THREAD`: `pid` may be any thread, and the pidfd refers to that thread
        /// (Linux 6.9). `linux/pidfd.h` defines it as `O_EXCL`.
        #[doc(alias = "PIDFD_THREAD")]
        const THREAD = g::O_EXCL;
    }
}

bitflags! {
    /// Flags for [`pidfd_send_signal`]: whom the signal goes to (Linux 6.9; older kernels
    /// accept only the empty set). linux-raw-sys lacks these; the values are those of
    /// `linux/pidfd.h`.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug, Default)]
    pub struct PidfdSignalFlags: u32 {
        /// `PIDFD_SIGNAL_THREAD`: only the thread the pidfd refers to.
        #[doc(alias = "PIDFD_SIGNAL_THREAD")]
        const THREAD = 1 << 0;
        /// `PIDFD_SIGNAL_THREAD_GROUP`: the whole thread group (the process).
        #[doc(alias = "PIDFD_SIGNAL_THREAD_GROUP")]
        const THREAD_GROUP = 1 << 1;
        /// `PIDFD_SIGNAL_PROCESS_GROUP`: the process group the process leads.
        #[doc(alias = "PIDFD_SIGNAL_PROCESS_GROUP")]
        const PROCESS_GROUP = 1 << 2;
    }
}

/// `pidfd_open(pid, flags)` — opens a descriptor that refers to process `pid`.
///
/// The descriptor is close-on-exec (always, by the kernel). It becomes readable (for
/// `poll`) when the process ends; [`waitid`](crate::process::waitid) with
/// [`WaitId::PidFd`](crate::process::WaitId::PidFd) reaps it if it is a child.
///
/// # Errors
/// `ESRCH` (no such process, or it is a zombie that has been waited for), `EINVAL` (an
/// unknown flag, `pid` not positive, or with `THREAD` unset, a `pid` that is not a
/// thread-group leader), `EMFILE`, `ENFILE`, `ENOSYS` (before Linux 5.3).
///
/// # References
/// `man 2 pidfd_open`. Go: `unix.PidfdOpen` (x/sys/unix).
#[doc(alias = "PidfdOpen")]
#[inline]
pub fn pidfd_open(pid: Pid, flags: PidfdFlags) -> Result<OwnedFd> {
    // SAFETY: pidfd_open takes two integers and writes no user memory.
    let ret = unsafe {
        arch::syscall2_readonly(
            Sysno::pidfd_open,
            arg::raw_fd(pid.raw()),
            arg::uint(flags.bits()),
        )
    };
    let fd = Errno::decode(ret)? as RawFd;
    // SAFETY: pidfd_open succeeded, so `fd` is a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `pidfd_send_signal(pidfd, sig, NULL, flags)` — sends `sig` to the process `pidfd` refers
/// to, as `kill` would; `None` sends nothing and only checks that it exists and may be
/// signalled (signal 0).
///
/// The `siginfo` argument is always NULL: the receiver sees `SI_USER` with this process's
/// pid and uid, as from `kill`.
///
/// # Errors
/// `ESRCH` (the process has ended), `EPERM` (no permission to signal it), `EBADF` (`pidfd`
/// is not a pidfd), `EINVAL` (an unknown flag, or a flag on a kernel before 6.9),
/// `ENOSYS` (before Linux 5.1).
///
/// # References
/// `man 2 pidfd_send_signal`. Go: `unix.PidfdSendSignal` (x/sys/unix).
#[doc(alias = "PidfdSendSignal")]
#[inline]
pub fn pidfd_send_signal(
    pidfd: impl AsFd,
    sig: Option<Signal>,
    flags: PidfdSignalFlags,
) -> Result<()> {
    let sig = sig.map_or(0, Signal::raw);
    // SAFETY: the siginfo pointer is NULL; the other arguments are integers. No user memory
    // is read or written.
    let ret = unsafe {
        arch::syscall4_readonly(
            Sysno::pidfd_send_signal,
            arg::fd(pidfd.as_fd()),
            arg::raw_fd(sig),
            0,
            arg::uint(flags.bits()),
        )
    };
    Errno::decode(ret).map(drop)
}

/// `pidfd_getfd(pidfd, targetfd, 0)` — duplicates descriptor `targetfd` of the process
/// `pidfd` refers to into this process, as `SCM_RIGHTS` would have passed it.
///
/// The new descriptor is close-on-exec (always, by the kernel). The caller needs
/// `PTRACE_MODE_ATTACH_REALCREDS` permission over the other process (the same user and no
/// Yama restriction, or `CAP_SYS_PTRACE`).
///
/// # Errors
/// `EBADF` (`targetfd` is not open in the other process, or `pidfd` is not a pidfd),
/// `EPERM` (no ptrace permission), `ESRCH` (the process has ended or is ending), `EMFILE`,
/// `ENOSYS` (before Linux 5.6).
///
/// # References
/// `man 2 pidfd_getfd`. Go: `unix.PidfdGetfd` (x/sys/unix).
#[doc(alias = "PidfdGetfd")]
#[inline]
pub fn pidfd_getfd(pidfd: impl AsFd, targetfd: RawFd) -> Result<OwnedFd> {
    // SAFETY: pidfd_getfd takes three integers and writes no user memory.
    let ret = unsafe {
        arch::syscall3_readonly(
            Sysno::pidfd_getfd,
            arg::fd(pidfd.as_fd()),
            arg::raw_fd(targetfd),
            0,
        )
    };
    let fd = Errno::decode(ret)? as RawFd;
    // SAFETY: pidfd_getfd succeeded, so `fd` is a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}
