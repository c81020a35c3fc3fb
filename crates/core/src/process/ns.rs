//! Namespaces and unsharing: `unshare` and `setns`.

use bitflags::bitflags;
use linux_raw_sys::general as g;

use crate::fd::AsFd;
use crate::{Errno, Result, Sysno, arch, arg};

bitflags! {
    /// What [`unshare`] makes private to the caller: the `CLONE_*` flags that `unshare`
    /// accepts. (The other `CLONE_*` flags belong to `clone`; the kernel refuses them here
    /// with `EINVAL`, and none changes memory the kernel writes.)
    ///
    /// # References
    /// `man 2 unshare`.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug, Default)]
    pub struct UnshareFlags: u32 {
        /// `CLONE_FILES`: a private copy of the descriptor table.
        #[doc(alias = "CLONE_FILES")]
        const FILES = g::CLONE_FILES;
        /// `CLONE_FS`: private root, current directory and umask.
        #[doc(alias = "CLONE_FS")]
        const FS = g::CLONE_FS;
        /// `CLONE_NEWCGROUP`: a new cgroup namespace.
        #[doc(alias = "CLONE_NEWCGROUP")]
        const NEWCGROUP = g::CLONE_NEWCGROUP;
        /// `CLONE_NEWIPC`: a new IPC namespace (System V IPC, POSIX message queues).
        #[doc(alias = "CLONE_NEWIPC")]
        const NEWIPC = g::CLONE_NEWIPC;
        /// `CLONE_NEWNET`: a new network namespace.
        #[doc(alias = "CLONE_NEWNET")]
        const NEWNET = g::CLONE_NEWNET;
        /// `CLONE_NEWNS`: a new mount namespace (implies `FS`).
        #[doc(alias = "CLONE_NEWNS")]
        const NEWNS = g::CLONE_NEWNS;
        /// `CLONE_NEWPID`: the caller's *children* go into a new PID namespace (the caller
        /// stays where it is).
        #[doc(alias = "CLONE_NEWPID")]
        const NEWPID = g::CLONE_NEWPID;
        /// `CLONE_NEWTIME`: the caller's children go into a new time namespace (Linux 5.6).
        #[doc(alias = "CLONE_NEWTIME")]
        const NEWTIME = g::CLONE_NEWTIME;
        /// `CLONE_NEWUSER`: a new user namespace, in which the caller has every capability
        /// (implies `THREAD` and `FS`; the caller must be single-threaded).
        #[doc(alias = "CLONE_NEWUSER")]
        const NEWUSER = g::CLONE_NEWUSER;
        /// `CLONE_NEWUTS`: a new UTS namespace (host and domain name).
        #[doc(alias = "CLONE_NEWUTS")]
        const NEWUTS = g::CLONE_NEWUTS;
        /// `CLONE_SYSVSEM`: detach from the shared System V semaphore undo list.
        #[doc(alias = "CLONE_SYSVSEM")]
        const SYSVSEM = g::CLONE_SYSVSEM;
        /// `CLONE_THREAD`, `CLONE_SIGHAND`, `CLONE_VM`: accepted only when the caller is
        /// single-threaded (then they change nothing); listed because `NEWUSER` implies them.
        #[doc(alias = "CLONE_THREAD")]
        const THREAD = g::CLONE_THREAD;
        /// `CLONE_SIGHAND`: see `THREAD`.
        #[doc(alias = "CLONE_SIGHAND")]
        const SIGHAND = g::CLONE_SIGHAND;
        /// `CLONE_VM`: see `THREAD`.
        #[doc(alias = "CLONE_VM")]
        const VM = g::CLONE_VM;
    }
}

/// `unshare(flags)` — gives the caller its own copy of the parts `flags` name, or moves it (or
/// its future children) into new namespaces.
///
/// # Errors
/// `EPERM` (a namespace other than a user namespace without `CAP_SYS_ADMIN`), `EINVAL` (a
/// flag `unshare` does not take; `NEWUSER` in a multi-threaded process), `ENOSPC` (the
/// per-user namespace limit, `/proc/sys/user/max_*_namespaces`), `EUSERS`, `ENOMEM`.
///
/// # References
/// `man 2 unshare`. Go: `syscall.Unshare`.
#[doc(alias = "Unshare")]
#[inline]
pub fn unshare(flags: UnshareFlags) -> Result<()> {
    // SAFETY: unshare takes a flag word and writes no user memory.
    let ret = unsafe { arch::syscall1_readonly(Sysno::unshare, arg::uint(flags.bits())) };
    Errno::decode(ret).map(drop)
}

bitflags! {
    /// The namespace types [`setns`] may enter: the `nstype` argument. Empty means "whatever
    /// namespace `fd` refers to". With a pidfd (Linux 5.8) several may be given at once, and
    /// the caller enters each of that process's namespaces together.
    ///
    /// # References
    /// `man 2 setns`.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug, Default)]
    pub struct NamespaceType: u32 {
        /// `CLONE_NEWCGROUP`: a cgroup namespace.
        #[doc(alias = "CLONE_NEWCGROUP")]
        const CGROUP = g::CLONE_NEWCGROUP;
        /// `CLONE_NEWIPC`: an IPC namespace.
        #[doc(alias = "CLONE_NEWIPC")]
        const IPC = g::CLONE_NEWIPC;
        /// `CLONE_NEWNET`: a network namespace.
        #[doc(alias = "CLONE_NEWNET")]
        const NET = g::CLONE_NEWNET;
        /// `CLONE_NEWNS`: a mount namespace.
        #[doc(alias = "CLONE_NEWNS")]
        const MOUNT = g::CLONE_NEWNS;
        /// `CLONE_NEWPID`: a PID namespace (for the caller's future children).
        #[doc(alias = "CLONE_NEWPID")]
        const PID = g::CLONE_NEWPID;
        /// `CLONE_NEWTIME`: a time namespace (for the caller's future children).
        #[doc(alias = "CLONE_NEWTIME")]
        const TIME = g::CLONE_NEWTIME;
        /// `CLONE_NEWUSER`: a user namespace.
        #[doc(alias = "CLONE_NEWUSER")]
        const USER = g::CLONE_NEWUSER;
        /// `CLONE_NEWUTS`: a UTS namespace.
        #[doc(alias = "CLONE_NEWUTS")]
        const UTS = g::CLONE_NEWUTS;
    }
}

/// `setns(fd, nstype)` — moves the calling thread into the namespace `fd` refers to (a
/// `/proc/PID/ns/*` file), or with a pidfd into the namespaces of that process named by
/// `nstype`.
///
/// With a namespace file, a non-empty `nstype` must be that namespace's type: a check that
/// `fd` is what the caller believes it is.
///
/// # Errors
/// `EINVAL` (`fd` is not a namespace file or pidfd, or its type differs from `nstype`; the
/// caller is multi-threaded and the type is user or mount), `EPERM` (no `CAP_SYS_ADMIN` over
/// the namespace), `EBADF`, `ESRCH` (a pidfd whose process has ended), `ENOMEM`.
///
/// # References
/// `man 2 setns`. Go: `unix.Setns` (x/sys/unix).
#[doc(alias = "Setns")]
#[inline]
pub fn setns(fd: impl AsFd, nstype: NamespaceType) -> Result<()> {
    // SAFETY: setns takes a descriptor and a flag word and writes no user memory.
    let ret = unsafe {
        arch::syscall2_readonly(Sysno::setns, arg::fd(fd.as_fd()), arg::uint(nstype.bits()))
    };
    Errno::decode(ret).map(drop)
}
