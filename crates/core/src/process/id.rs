//! Credentials and sessions: user and group IDs (real, effective, saved, filesystem),
//! supplementary groups, process groups and sessions.
//!
//! User and group IDs are `u32`, the kernel's `uid_t`/`gid_t` (and the type [`fs::Stat`] and
//! [`fs::chown`] use). Where a call takes "leave unchanged" (-1 to the kernel) the argument is
//! an `Option`; `Some(u32::MAX)`, which the kernel would read as that -1, is refused with
//! `EINVAL` so that no ID silently means "unchanged".
//!
//! Go applies `Setuid` and its relatives to every thread of the process, through
//! `AllThreadsSyscall`, because the Linux syscalls change only the calling thread. sysrt has
//! no thread runtime: these calls change the calling thread, which is the whole process in a
//! single-threaded program. A multi-threaded program must make the call on every thread.
//!
//! [`fs::Stat`]: crate::fs::Stat
//! [`fs::chown`]: crate::fs::chown

use linux_raw_sys::ioctl::{TIOCGPGRP, TIOCSPGRP};

use crate::fd::AsFd;
use crate::process::Pid;
use crate::{Errno, Result, Sysno, arch, arg};

/// The register for a user or group ID that must name one (not -1).
#[inline(always)]
fn id(id: u32) -> usize {
    arg::uint(id)
}

/// The register for an optional ID: -1 (as the kernel's 32-bit -1) for `None`; `EINVAL` for
/// `Some(u32::MAX)`, which is that same -1.
#[inline(always)]
fn opt_id(id: Option<u32>) -> Result<usize> {
    match id {
        None => Ok(arg::uint(u32::MAX)),
        Some(u32::MAX) => Err(Errno::EINVAL),
        Some(id) => Ok(arg::uint(id)),
    }
}

/// A get*id call: no arguments, no memory, never fails; the ID is the low 32 bits.
macro_rules! get_id {
    ($(#[$doc:meta])* $name:ident, $go:literal) => {
        $(#[$doc])*
        #[doc = concat!("\n\n# References\n`man 2 ", stringify!($name), "`. Go: `syscall.", $go, "`.")]
        #[doc(alias = $go)]
        #[inline(always)]
        pub fn $name() -> u32 {
            // SAFETY: this call takes no arguments and writes no memory.
            unsafe { arch::syscall0_readonly(Sysno::$name) as u32 }
        }
    };
}

get_id!(
    /// `getuid()` — the real user ID. Never fails.
    getuid, "Getuid"
);
get_id!(
    /// `geteuid()` — the effective user ID, which permission checks use. Never fails.
    geteuid, "Geteuid"
);
get_id!(
    /// `getgid()` — the real group ID. Never fails.
    getgid, "Getgid"
);
get_id!(
    /// `getegid()` — the effective group ID. Never fails.
    getegid, "Getegid"
);

/// `getresuid(&r, &e, &s)` — the real, effective and saved user IDs.
///
/// # Errors
/// None in practice (`EFAULT` cannot occur: the out-parameters are ours).
///
/// # References
/// `man 2 getresuid`. Go: `unix.Getresuid` (x/sys/unix).
#[doc(alias = "Getresuid")]
#[inline]
pub fn getresuid() -> Result<(u32, u32, u32)> {
    let (mut r, mut e, mut s) = (0u32, 0u32, 0u32);
    // SAFETY: three live `uid_t`s, each valid for one 4-byte write for the call.
    let ret = unsafe {
        arch::syscall3(
            Sysno::getresuid,
            &raw mut r as usize,
            &raw mut e as usize,
            &raw mut s as usize,
        )
    };
    Errno::decode(ret).map(|_| (r, e, s))
}

/// `getresgid(&r, &e, &s)` — the real, effective and saved group IDs.
///
/// # Errors
/// None in practice.
///
/// # References
/// `man 2 getresgid`. Go: `unix.Getresgid` (x/sys/unix).
#[doc(alias = "Getresgid")]
#[inline]
pub fn getresgid() -> Result<(u32, u32, u32)> {
    let (mut r, mut e, mut s) = (0u32, 0u32, 0u32);
    // SAFETY: three live `gid_t`s, each valid for one 4-byte write for the call.
    let ret = unsafe {
        arch::syscall3(
            Sysno::getresgid,
            &raw mut r as usize,
            &raw mut e as usize,
            &raw mut s as usize,
        )
    };
    Errno::decode(ret).map(|_| (r, e, s))
}

/// `setuid(uid)` — sets the user ID. With `CAP_SETUID` (root) it sets the real, effective and
/// saved IDs, irreversibly; without it only the effective ID, to the real or saved one.
/// Changes the calling thread only (see the module docs).
///
/// # Errors
/// `EPERM` (not permitted), `EINVAL` (`uid` is not valid in this user namespace, e.g.
/// `u32::MAX`), `EAGAIN` (`RLIMIT_NPROC` of the new user reached, before Linux 3.1).
///
/// # References
/// `man 2 setuid`. Go: `syscall.Setuid`.
#[doc(alias = "Setuid")]
#[inline]
pub fn setuid(uid: u32) -> Result<()> {
    // SAFETY: setuid takes an integer and writes no memory.
    Errno::decode(unsafe { arch::syscall1_readonly(Sysno::setuid, id(uid)) }).map(drop)
}

/// `setgid(gid)` — sets the group ID, as [`setuid`] does for the user ID (`CAP_SETGID`).
///
/// # Errors
/// `EPERM`, `EINVAL` (`gid` not valid here).
///
/// # References
/// `man 2 setgid`. Go: `syscall.Setgid`.
#[doc(alias = "Setgid")]
#[inline]
pub fn setgid(gid: u32) -> Result<()> {
    // SAFETY: setgid takes an integer and writes no memory.
    Errno::decode(unsafe { arch::syscall1_readonly(Sysno::setgid, id(gid)) }).map(drop)
}

/// `setreuid(ruid, euid)` — sets the real and effective user IDs; `None` leaves one
/// unchanged. The saved ID becomes the new effective ID when the real ID is set or the
/// effective ID is set to something other than the old real ID.
///
/// # Errors
/// `EPERM`, `EINVAL` (`Some(u32::MAX)`, or an ID not valid here).
///
/// # References
/// `man 2 setreuid`. Go: `syscall.Setreuid`.
#[doc(alias = "Setreuid")]
#[inline]
pub fn setreuid(ruid: Option<u32>, euid: Option<u32>) -> Result<()> {
    let (r, e) = (opt_id(ruid)?, opt_id(euid)?);
    // SAFETY: setreuid takes integers and writes no memory.
    Errno::decode(unsafe { arch::syscall2_readonly(Sysno::setreuid, r, e) }).map(drop)
}

/// `setregid(rgid, egid)` — as [`setreuid`], for group IDs.
///
/// # Errors
/// `EPERM`, `EINVAL`.
///
/// # References
/// `man 2 setregid`. Go: `syscall.Setregid`.
#[doc(alias = "Setregid")]
#[inline]
pub fn setregid(rgid: Option<u32>, egid: Option<u32>) -> Result<()> {
    let (r, e) = (opt_id(rgid)?, opt_id(egid)?);
    // SAFETY: setregid takes integers and writes no memory.
    Errno::decode(unsafe { arch::syscall2_readonly(Sysno::setregid, r, e) }).map(drop)
}

/// `setresuid(ruid, euid, suid)` — sets the real, effective and saved user IDs; `None`
/// leaves one unchanged. Without `CAP_SETUID` each new ID must be one of the current three.
///
/// # Errors
/// `EPERM`, `EINVAL` (`Some(u32::MAX)`, or an ID not valid here), `EAGAIN`.
///
/// # References
/// `man 2 setresuid`. Go: `syscall.Setresuid`.
#[doc(alias = "Setresuid")]
#[inline]
pub fn setresuid(ruid: Option<u32>, euid: Option<u32>, suid: Option<u32>) -> Result<()> {
    let (r, e, s) = (opt_id(ruid)?, opt_id(euid)?, opt_id(suid)?);
    // SAFETY: setresuid takes integers and writes no memory.
    Errno::decode(unsafe { arch::syscall3_readonly(Sysno::setresuid, r, e, s) }).map(drop)
}

/// `setresgid(rgid, egid, sgid)` — as [`setresuid`], for group IDs (`CAP_SETGID`).
///
/// # Errors
/// `EPERM`, `EINVAL`.
///
/// # References
/// `man 2 setresgid`. Go: `syscall.Setresgid`.
#[doc(alias = "Setresgid")]
#[inline]
pub fn setresgid(rgid: Option<u32>, egid: Option<u32>, sgid: Option<u32>) -> Result<()> {
    let (r, e, s) = (opt_id(rgid)?, opt_id(egid)?, opt_id(sgid)?);
    // SAFETY: setresgid takes integers and writes no memory.
    Errno::decode(unsafe { arch::syscall3_readonly(Sysno::setresgid, r, e, s) }).map(drop)
}

/// `setresuid(-1, euid, -1)` — sets only the effective user ID, as Go's `Seteuid` does (glibc
/// uses `setreuid(-1, euid)`, which may also change the saved ID).
///
/// # Errors
/// As [`setresuid`].
///
/// # References
/// `man 2 seteuid`. Go: `syscall.Seteuid`.
#[doc(alias = "Seteuid")]
#[inline]
pub fn seteuid(euid: u32) -> Result<()> {
    setresuid(None, Some(euid), None)
}

/// `setresgid(-1, egid, -1)` — sets only the effective group ID, as Go's `Setegid` does.
///
/// # Errors
/// As [`setresgid`].
///
/// # References
/// `man 2 setegid`. Go: `syscall.Setegid`.
#[doc(alias = "Setegid")]
#[inline]
pub fn setegid(egid: u32) -> Result<()> {
    setresgid(None, Some(egid), None)
}

/// `setfsuid(fsuid)` — sets the user ID that filesystem permission checks use, and returns
/// the **previous** filesystem user ID.
///
/// The system call has no error channel: it returns the previous ID whether or not the
/// change was made (it is refused silently without `CAP_SETUID` unless `fsuid` is one of the
/// real, effective, saved or current filesystem IDs, or is not a valid ID such as
/// `u32::MAX`). To learn whether it took effect, call `setfsuid(u32::MAX)`: an invalid ID
/// changes nothing and returns the current one. The filesystem ID also follows every change
/// of the effective ID. Go's `Setfsuid` returns only an error, which is never set.
///
/// # References
/// `man 2 setfsuid`. Go: `syscall.Setfsuid`.
#[doc(alias = "Setfsuid")]
#[inline]
pub fn setfsuid(fsuid: u32) -> u32 {
    // SAFETY: setfsuid takes an integer and writes no memory; it returns an ID, never an
    // errno, so its result is not decoded (a uid of 0xfffff001 or above would look like one).
    unsafe { arch::syscall1_readonly(Sysno::setfsuid, id(fsuid)) as u32 }
}

/// `setfsgid(fsgid)` — as [`setfsuid`], for the filesystem group ID: returns the previous
/// one, with no error channel.
///
/// # References
/// `man 2 setfsgid`. Go: `syscall.Setfsgid`.
#[doc(alias = "Setfsgid")]
#[inline]
pub fn setfsgid(fsgid: u32) -> u32 {
    // SAFETY: setfsgid takes an integer and writes no memory; it returns an ID, never an
    // errno.
    unsafe { arch::syscall1_readonly(Sysno::setfsgid, id(fsgid)) as u32 }
}

/// The largest number of supplementary groups Linux allows (`NGROUPS_MAX`, 65536; from
/// `linux/limits.h`).
pub const NGROUPS_MAX: usize = linux_raw_sys::general::NGROUPS_MAX as usize;

/// `getgroups(groups.len(), groups)` — fills `groups` with the supplementary group IDs and
/// returns how many there are. An empty slice only asks for the count.
///
/// # Errors
/// `EINVAL` (`groups` is not empty but shorter than the count).
///
/// # References
/// `man 2 getgroups`. Go: `syscall.Getgroups` (which allocates the list).
#[doc(alias = "Getgroups")]
#[inline]
pub fn getgroups(groups: &mut [u32]) -> Result<usize> {
    // The kernel reads the size as an `int`; a slice longer than NGROUPS_MAX is never needed.
    let len = groups.len().min(NGROUPS_MAX);
    // SAFETY: `groups` is valid for writes of `len` gid_t's for the call, and the kernel
    // writes at most `len` of them (none when `len` is 0).
    let ret = unsafe { arch::syscall2(Sysno::getgroups, len, groups.as_mut_ptr() as usize) };
    Errno::decode(ret)
}

/// `setgroups(groups.len(), groups)` — sets the supplementary group IDs (`CAP_SETGID`).
///
/// # Errors
/// `EPERM` (no `CAP_SETGID`, or `/proc/self/setgroups` says `deny` in this user namespace),
/// `EINVAL` (more than [`NGROUPS_MAX`] groups, or an ID not valid here), `ENOMEM`.
///
/// # References
/// `man 2 setgroups`. Go: `syscall.Setgroups`.
#[doc(alias = "Setgroups")]
#[inline]
pub fn setgroups(groups: &[u32]) -> Result<()> {
    if groups.len() > NGROUPS_MAX {
        return Err(Errno::EINVAL);
    }
    // SAFETY: `groups` is valid for reads of its length for the call; the kernel only reads.
    let ret = unsafe {
        arch::syscall2_readonly(Sysno::setgroups, groups.len(), groups.as_ptr() as usize)
    };
    Errno::decode(ret).map(drop)
}

/// The register for "this pid, or the caller" (0).
#[inline(always)]
fn pid_or_self(pid: Option<Pid>) -> usize {
    arg::raw_fd(pid.map_or(0, Pid::raw))
}

/// `getpgid(pid)` — the process group ID of `pid` (`None`: the caller).
///
/// # Errors
/// `ESRCH` (no such process).
///
/// # References
/// `man 2 getpgid`. Go: `syscall.Getpgid`.
#[doc(alias = "Getpgid")]
#[inline]
pub fn getpgid(pid: Option<Pid>) -> Result<Pid> {
    // SAFETY: getpgid takes an integer and writes no memory.
    let ret = unsafe { arch::syscall1_readonly(Sysno::getpgid, pid_or_self(pid)) };
    Errno::decode(ret).map(|p| Pid::from_raw(p as i32))
}

/// `getpgid(0)` — the caller's process group ID. aarch64 and riscv64 have no `getpgrp`
/// syscall; Go uses `getpgid(0)` on every arch too. Never fails.
///
/// # References
/// `man 2 getpgrp`. Go: `syscall.Getpgrp`.
#[doc(alias = "Getpgrp")]
#[inline]
pub fn getpgrp() -> Pid {
    // getpgid(0) on the caller cannot fail: the caller exists.
    getpgid(None).unwrap_or(Pid::from_raw(0))
}

/// `setpgid(pid, pgid)` — moves process `pid` (`None`: the caller) into process group
/// `pgid` (`None`: a new group whose ID is `pid`'s own).
///
/// # Errors
/// `EACCES` (`pid` is a child that has already execed), `EINVAL` (`pgid` negative), `EPERM`
/// (`pid` is a session leader, is in another session, or `pgid` names a group in another
/// session), `ESRCH` (`pid` is neither the caller nor its child).
///
/// # References
/// `man 2 setpgid`. Go: `syscall.Setpgid`.
#[doc(alias = "Setpgid")]
#[inline]
pub fn setpgid(pid: Option<Pid>, pgid: Option<Pid>) -> Result<()> {
    // SAFETY: setpgid takes integers and writes no memory.
    let ret =
        unsafe { arch::syscall2_readonly(Sysno::setpgid, pid_or_self(pid), pid_or_self(pgid)) };
    Errno::decode(ret).map(drop)
}

/// `getsid(pid)` — the session ID of `pid` (`None`: the caller).
///
/// # Errors
/// `ESRCH` (no such process), `EPERM` (in another session, on some kernels configured so).
///
/// # References
/// `man 2 getsid`. Go: `unix.Getsid` (x/sys/unix).
#[doc(alias = "Getsid")]
#[inline]
pub fn getsid(pid: Option<Pid>) -> Result<Pid> {
    // SAFETY: getsid takes an integer and writes no memory.
    let ret = unsafe { arch::syscall1_readonly(Sysno::getsid, pid_or_self(pid)) };
    Errno::decode(ret).map(|p| Pid::from_raw(p as i32))
}

/// `setsid()` — starts a new session and process group led by the caller, with no
/// controlling terminal; returns the new session ID (the caller's pid).
///
/// # Errors
/// `EPERM` (the caller already leads a process group: call it in a child).
///
/// # References
/// `man 2 setsid`. Go: `syscall.Setsid`.
#[doc(alias = "Setsid")]
#[inline]
pub fn setsid() -> Result<Pid> {
    // SAFETY: setsid takes no arguments and writes no memory.
    let ret = unsafe { arch::syscall0_readonly(Sysno::setsid) };
    Errno::decode(ret).map(|p| Pid::from_raw(p as i32))
}

/// `tcgetpgrp(fd)` — the foreground process group of the terminal on `fd`, which must be the
/// caller's controlling terminal. Uses `ioctl(fd, TIOCGPGRP)`, as libc does.
///
/// A supervisor calls it to learn whether its stdin is its controlling terminal at all
/// (`ENOTTY` when not) before handing the terminal to a child.
///
/// # Errors
/// `ENOTTY` (`fd` is not a terminal, or not the caller's controlling terminal), `EBADF`
/// (`fd` not open).
///
/// # References
/// `man 3 tcgetpgrp`, `man 2 ioctl_tty`. Go: `unix.IoctlGetInt(fd, unix.TIOCGPGRP)`
/// (x/sys/unix).
#[doc(alias = "TIOCGPGRP")]
#[inline]
pub fn tcgetpgrp(fd: impl AsFd) -> Result<Pid> {
    let mut pgrp: i32 = 0;
    // SAFETY: for TIOCGPGRP the kernel writes one `pid_t` to the pointer, and `pgrp` is an
    // `i32` on our stack that outlives the call.
    let ret = unsafe {
        arch::syscall3(
            Sysno::ioctl,
            arg::fd(fd.as_fd()),
            arg::uint(TIOCGPGRP),
            core::ptr::from_mut(&mut pgrp) as usize,
        )
    };
    Errno::decode(ret)?;
    Ok(Pid::from_raw(pgrp))
}

/// `tcsetpgrp(fd, pgrp)` — makes process group `pgrp` the foreground group of the terminal on
/// `fd`, the caller's controlling terminal. Uses `ioctl(fd, TIOCSPGRP)`, as libc does.
///
/// Called from a background process group, it stops the caller with `SIGTTOU` unless that
/// signal is blocked or ignored (as shells and inits arrange).
///
/// # Errors
/// `ENOTTY` (`fd` is not a terminal, or not the caller's controlling terminal), `EPERM`
/// (`pgrp` is in another session), `EINVAL` (`pgrp` negative), `EBADF` (`fd` not open),
/// `ENXIO` (no terminal behind the device, as in some containers).
///
/// # References
/// `man 3 tcsetpgrp`, `man 2 ioctl_tty`. Go: `unix.IoctlSetPointerInt(fd, unix.TIOCSPGRP,
/// pgrp)` (x/sys/unix).
#[doc(alias = "TIOCSPGRP")]
#[inline]
pub fn tcsetpgrp(fd: impl AsFd, pgrp: Pid) -> Result<()> {
    let pgrp = pgrp.raw();
    // SAFETY: for TIOCSPGRP the kernel reads one `pid_t` from the pointer, and `pgrp` is an
    // `i32` on our stack that outlives the call; nothing is written.
    let ret = unsafe {
        arch::syscall3(
            Sysno::ioctl,
            arg::fd(fd.as_fd()),
            arg::uint(TIOCSPGRP),
            core::ptr::from_ref(&pgrp) as usize,
        )
    };
    Errno::decode(ret).map(drop)
}
