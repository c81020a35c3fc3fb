//! Duplicating descriptors, fcntl, locks, pipes, ioctl, memfd.
//!
//! Every call here that creates a descriptor sets close-on-exec (`F_DUPFD_CLOEXEC`,
//! `dup3(O_CLOEXEC)`, `pipe2(O_CLOEXEC)`, `MFD_CLOEXEC`). A descriptor that must survive
//! `execve` is made so either when it is put in place — [`dup3`] or [`dup3_raw`] with
//! [`DupFlags::INHERITABLE`], or [`dup2_stdin`]/[`dup2_stdout`]/[`dup2_stderr`] — or
//! afterwards with [`set_cloexec`]`(fd, false)`, as Go's `os/exec` clears the flag only on the
//! descriptors it passes.

use core::mem::MaybeUninit;

use bitflags::bitflags;
use linux_raw_sys::general as g;
use linux_raw_sys::ioctl;

use crate::fd::{AsFd, BorrowedFd, OwnedFd, RawFd};
use crate::fs::OFlags;
use crate::path::Arg;
use crate::{Errno, Result, Sysno, arch, arg};

bitflags! {
    /// Descriptor flags, as `fcntl(F_GETFD)` reports them: they belong to the descriptor
    /// number, not to the open file description it shares with its duplicates.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct FdFlags: u32 {
        /// `FD_CLOEXEC`: the descriptor is closed by a successful `execve`.
        #[doc(alias = "FD_CLOEXEC")]
        const CLOEXEC = g::FD_CLOEXEC;

        // A newer kernel may report bits this type does not name; keep them.
        const _ = !0;
    }
}

bitflags! {
    /// Flags of [`dup3`] and [`dup3_raw`]: whether the new descriptor survives `execve`.
    ///
    /// Passed to the kernel exactly as given. [`DupFlags::CLOEXEC`] is the default
    /// ([`DupFlags::default`]), as for every descriptor sysrt creates;
    /// [`DupFlags::INHERITABLE`] (no flags) is the explicit choice of a descriptor a new
    /// program should get.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct DupFlags: u32 {
        /// `O_CLOEXEC`: the new descriptor is close-on-exec: a successful `execve` closes it.
        #[doc(alias = "O_CLOEXEC")]
        const CLOEXEC = g::O_CLOEXEC;
    }
}

impl DupFlags {
    /// No flags (`0`): the new descriptor is inheritable, it stays open across `execve` (what
    /// a child's stdin, stdout and stderr must be). Go: `syscall.Dup3(old, new, 0)`.
    pub const INHERITABLE: DupFlags = DupFlags::empty();
}

impl Default for DupFlags {
    /// [`DupFlags::CLOEXEC`]: a new descriptor is close-on-exec unless asked otherwise.
    #[inline]
    fn default() -> DupFlags {
        DupFlags::CLOEXEC
    }
}

bitflags! {
    /// Flags of [`pipe2`].
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct PipeFlags: u32 {
        /// `O_CLOEXEC`: both ends are close-on-exec. sysrt always adds it.
        #[doc(alias = "O_CLOEXEC")]
        const CLOEXEC = g::O_CLOEXEC;
        /// `O_NONBLOCK`: both ends are non-blocking (`EAGAIN` instead of waiting).
        #[doc(alias = "O_NONBLOCK")]
        const NONBLOCK = g::O_NONBLOCK;
        /// `O_DIRECT`: "packet mode": each write is a packet, each read returns one packet.
        #[doc(alias = "O_DIRECT")]
        const DIRECT = g::O_DIRECT;
    }
}

bitflags! {
    /// Flags of [`memfd_create`].
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct MemfdFlags: u32 {
        /// `MFD_CLOEXEC`: the descriptor is close-on-exec. sysrt always adds it.
        #[doc(alias = "MFD_CLOEXEC")]
        const CLOEXEC = g::MFD_CLOEXEC;
        /// `MFD_ALLOW_SEALING`: seals may be added ([`fcntl_add_seals`]); without it the file
        /// starts sealed with `F_SEAL_SEAL`.
        #[doc(alias = "MFD_ALLOW_SEALING")]
        const ALLOW_SEALING = g::MFD_ALLOW_SEALING;
        /// `MFD_HUGETLB`: back the file with huge pages (`EINVAL` if none are configured).
        #[doc(alias = "MFD_HUGETLB")]
        const HUGETLB = g::MFD_HUGETLB;
        /// `MFD_NOEXEC_SEAL`: the file is not executable and `F_SEAL_EXEC` is set (Linux 6.3;
        /// older kernels refuse the unknown bit with `EINVAL`).
        #[doc(alias = "MFD_NOEXEC_SEAL")]
        const NOEXEC_SEAL = g::MFD_NOEXEC_SEAL;
        /// `MFD_EXEC`: the file may be executed (Linux 6.3, `EINVAL` before; the
        /// `vm.memfd_noexec` sysctl may refuse it).
        #[doc(alias = "MFD_EXEC")]
        const EXEC = g::MFD_EXEC;
    }
}

bitflags! {
    /// File seals of a memfd ([`fcntl_add_seals`], [`fcntl_get_seals`]).
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct SealFlags: u32 {
        /// `F_SEAL_SEAL`: no further seals may be added (`EPERM`).
        #[doc(alias = "F_SEAL_SEAL")]
        const SEAL = g::F_SEAL_SEAL;
        /// `F_SEAL_SHRINK`: the file may not shrink.
        #[doc(alias = "F_SEAL_SHRINK")]
        const SHRINK = g::F_SEAL_SHRINK;
        /// `F_SEAL_GROW`: the file may not grow.
        #[doc(alias = "F_SEAL_GROW")]
        const GROW = g::F_SEAL_GROW;
        /// `F_SEAL_WRITE`: the contents may not change (`write` fails with `EPERM`); adding
        /// it fails with `EBUSY` while a writable shared mapping exists.
        #[doc(alias = "F_SEAL_WRITE")]
        const WRITE = g::F_SEAL_WRITE;
        /// `F_SEAL_FUTURE_WRITE`: no new writes or writable mappings; existing writable
        /// mappings keep working (Linux 5.1).
        #[doc(alias = "F_SEAL_FUTURE_WRITE")]
        const FUTURE_WRITE = g::F_SEAL_FUTURE_WRITE;
        /// `F_SEAL_EXEC`: the execute permission bits may not change (Linux 6.3).
        #[doc(alias = "F_SEAL_EXEC")]
        const EXEC = g::F_SEAL_EXEC;

        // A newer kernel may report seals this type does not name; keep them.
        const _ = !0;
    }
}

/// An `int` result of `fcntl`/`ioctl` read back from the return register: the kernel returns
/// a C `int`, which is non-negative on success.
#[inline(always)]
fn ret_c_int(ret: usize) -> i32 {
    ret as i32
}

/// A descriptor number returned by a successful syscall, taken as a new [`OwnedFd`].
///
/// # Safety
/// `ret` must be the successful return of a call that created a descriptor nothing else owns.
#[inline(always)]
unsafe fn ret_owned_fd(ret: usize) -> OwnedFd {
    // SAFETY: forwarded from the caller: a new, unowned, open descriptor (never -1, as the
    // kernel never returns -1 for success).
    unsafe { OwnedFd::from_raw_fd(ret_c_int(ret)) }
}

/// `fcntl(fd, cmd, arg)` for the commands whose argument is an integer. An expression shared
/// by those commands, not a layer: it inlines to the trap.
///
/// # Safety
/// `cmd` must be a command that takes an integer argument, reads and writes no user memory,
/// and neither creates nor closes a descriptor (`F_GETFD`, `F_SETFD`, `F_GETFL`, `F_SETFL`,
/// `F_GETPIPE_SZ`, `F_SETPIPE_SZ`, `F_ADD_SEALS`, `F_GET_SEALS`).
#[inline(always)]
unsafe fn fcntl_int(fd: BorrowedFd<'_>, cmd: u32, arg: usize) -> Result<usize> {
    // SAFETY: per the contract, the kernel touches no user memory and no descriptor other
    // than `fd`, which is borrowed for the call.
    Errno::decode(unsafe {
        arch::syscall3_readonly(Sysno::fcntl, arg::fd(fd), arg::uint(cmd), arg)
    })
}

// ---------------------------------------------------------------------------------------------
// dup

/// `dup(fd)` — duplicates a descriptor to the lowest free number; the copy is close-on-exec.
///
/// Uses `fcntl(fd, F_DUPFD_CLOEXEC, 0)` rather than `dup(2)`, so the copy has `FD_CLOEXEC`
/// from the start (Go's `syscall.Dup` uses `dup(2)`, whose copy has no `FD_CLOEXEC`). The
/// copy shares the open file description: the file offset, the status flags (`O_APPEND`,
/// `O_NONBLOCK`…) and OFD locks.
///
/// # Errors
/// `EBADF` (`fd` not open), `EMFILE` (the `RLIMIT_NOFILE` limit is reached).
///
/// # References
/// `man 2 dup`, `man 2 fcntl`. Go: `syscall.Dup`.
#[doc(alias = "Dup")]
#[inline]
pub fn dup(fd: impl AsFd) -> Result<OwnedFd> {
    fcntl_dupfd_cloexec(fd, 0)
}

/// `dup2(old, new)` — makes `*new` refer to `old`'s open file, atomically replacing what
/// `*new` referred to; `*new` is close-on-exec afterwards.
///
/// Uses `dup3(old, new, O_CLOEXEC)` (every architecture has `dup3`; aarch64 and riscv64 have
/// no `dup2`), so unlike POSIX `dup2` the result is close-on-exec, as every descriptor sysrt
/// creates; [`dup3`] with [`DupFlags::INHERITABLE`] makes it inheritable instead. The file
/// `*new` referred to before is closed silently, as `dup2` does; close errors from it are not
/// reported.
///
/// When `old` and `*new` are the same descriptor (only reachable through unsafe code, such as
/// [`BorrowedFd::borrow_raw`], since `*new` is borrowed mutably), this behaves as POSIX
/// `dup2(fd, fd)` and the kernel's `dup2` do, where `dup3` would say `EINVAL`: nothing
/// changes, not even `FD_CLOEXEC`, and the result is `Ok` if the descriptor is open, `EBADF`
/// if not (checked with `fcntl(F_GETFD)`).
///
/// # Errors
/// `EBADF` (`old` not open), `EBUSY` (a race with `open` in another thread, Linux only),
/// `EINTR`, `EMFILE`.
///
/// # References
/// `man 2 dup2`. Go: `syscall.Dup2` (x86_64 only; Go's arm64 and riscv64 ports have only
/// `Dup3`), which leaves the copy inheritable.
#[doc(alias = "Dup2")]
#[inline]
pub fn dup2(old: impl AsFd, new: &mut OwnedFd) -> Result<()> {
    let old = old.as_fd();
    if old.as_raw_fd() == new.as_raw_fd() {
        return fcntl_getfd(old).map(drop);
    }
    dup3(old, new, DupFlags::CLOEXEC)
}

/// `dup3(old, new, flags)` — makes `*new` refer to `old`'s open file, atomically replacing
/// what `*new` referred to; `*new` is close-on-exec exactly if `flags` has
/// [`DupFlags::CLOEXEC`].
///
/// `flags` is passed as given: [`DupFlags::INHERITABLE`] (Go's `Dup3(old, new, 0)`) leaves
/// `*new` open across `execve`. Unlike [`dup2`], the same descriptor for both is an error, as
/// the kernel says. `*new` keeps its number and stays owned by the same [`OwnedFd`].
///
/// # Errors
/// `EINVAL` (`old` and `*new` are the same descriptor, or unknown bits in `flags`), `EBADF`
/// (`old` not open), `EBUSY`, `EINTR`, `EMFILE`.
///
/// # References
/// `man 2 dup3`. Go: `syscall.Dup3`.
#[doc(alias = "Dup3")]
#[inline]
pub fn dup3(old: impl AsFd, new: &mut OwnedFd, flags: DupFlags) -> Result<()> {
    // dup3 atomically closes the file `new` referred to and installs `old`'s in its place.
    // SAFETY: `new` is borrowed mutably and still owns its number afterwards; no memory use.
    let ret = unsafe {
        arch::syscall3_readonly(
            Sysno::dup3,
            arg::fd(old.as_fd()),
            arg::raw_fd(new.as_raw_fd()),
            arg::uint(flags.bits()),
        )
    };
    Errno::decode(ret).map(drop)
}

/// `dup3(old, new, flags)` — makes descriptor number `new` refer to `old`'s open file, for a
/// number nothing owns yet (a child's descriptors before `execve`, for example).
///
/// `flags` is passed as given: [`DupFlags::INHERITABLE`] for a descriptor the new program
/// should get, [`DupFlags::CLOEXEC`] otherwise. Returns `new`, now open; the caller owns it
/// (wrap it in [`OwnedFd::from_raw_fd`] to have it closed). For stdin, stdout and stderr,
/// [`dup2_stdin`], [`dup2_stdout`] and [`dup2_stderr`] do this safely.
///
/// # Errors
/// `EINVAL` (`old` is `new`, or unknown bits in `flags`), `EBADF` (`old` not open, or `new`
/// negative or not below `RLIMIT_NOFILE`), `EBUSY`, `EINTR`, `EMFILE`.
///
/// # Safety
/// `new` must not be owned by anything else: if it is open, the file it refers to is closed
/// and replaced, under the feet of any `OwnedFd` or `BorrowedFd` holding that number.
///
/// # References
/// `man 2 dup3`. Go: `syscall.Dup3`.
#[doc(alias = "Dup3")]
#[inline]
pub unsafe fn dup3_raw(old: impl AsFd, new: RawFd, flags: DupFlags) -> Result<RawFd> {
    // SAFETY: the caller guarantees nothing else owns `new`, so replacing it breaks no
    // ownership; `old` is borrowed for the call. No user memory is touched.
    let ret = unsafe {
        arch::syscall3_readonly(
            Sysno::dup3,
            arg::fd(old.as_fd()),
            arg::raw_fd(new),
            arg::uint(flags.bits()),
        )
    };
    Errno::decode(ret).map(ret_c_int)
}

/// Puts `fd` on standard descriptor `target` (0, 1 or 2), inheritable: the shared body of
/// [`dup2_stdin`], [`dup2_stdout`] and [`dup2_stderr`].
#[inline(always)]
fn dup2_stdio(fd: BorrowedFd<'_>, target: RawFd) -> Result<()> {
    if fd.as_raw_fd() == target {
        // dup3 refuses the same number, and dup2 would leave FD_CLOEXEC as it is; the
        // promise is an inheritable `target`, so clear the flag (as Go's child does for
        // `fd[i] == i` before exec).
        return fcntl_setfd(fd, FdFlags::empty());
    }
    // `target` is 0, 1 or 2, which belong to the program's standard I/O: the runtime has them
    // open from the start (sysrt-rt, like std, opens /dev/null on any that was closed), so no
    // `OwnedFd` made by safe code can hold them, and replacing the file they refer to is what
    // standard I/O redirection means.
    // SAFETY: as just said, nothing else owns `target`; `fd` is borrowed for the call.
    unsafe { dup3_raw(fd, target, DupFlags::INHERITABLE) }.map(drop)
}

/// `dup3(fd, 0, 0)` — makes standard input refer to `fd`'s open file, inheritable (no
/// `FD_CLOEXEC`), so that a program this one execs reads from it.
///
/// Safe because descriptor 0 belongs to the program's standard I/O, not to any
/// [`OwnedFd`]: the runtime keeps it open from the start, so no safe code can own it. What
/// descriptor 0 referred to before is closed (errors unreported). If `fd` is descriptor 0
/// itself, its `FD_CLOEXEC` is cleared and nothing else changes.
///
/// # Errors
/// `EBADF` (`fd` not open), `EBUSY` (a race with `open` in another thread), `EINTR`.
///
/// # References
/// `man 2 dup3`. Go: `syscall.Dup3(fd, 0, 0)`, as the child of `os/exec` does; rustix:
/// `stdio::dup2_stdin`.
#[doc(alias = "Dup3", alias = "Dup2", alias = "STDIN_FILENO")]
#[inline]
pub fn dup2_stdin(fd: impl AsFd) -> Result<()> {
    dup2_stdio(fd.as_fd(), 0)
}

/// `dup3(fd, 1, 0)` — makes standard output refer to `fd`'s open file, inheritable (no
/// `FD_CLOEXEC`), so that this program's writes to [`STDOUT`](crate::fd::STDOUT) and a
/// program this one execs go there.
///
/// Safe for the reason given at [`dup2_stdin`]. If `fd` is descriptor 1 itself, its
/// `FD_CLOEXEC` is cleared and nothing else changes.
///
/// # Errors
/// `EBADF` (`fd` not open), `EBUSY` (a race with `open` in another thread), `EINTR`.
///
/// # References
/// `man 2 dup3`. Go: `syscall.Dup3(fd, 1, 0)`; rustix: `stdio::dup2_stdout`.
#[doc(alias = "Dup3", alias = "Dup2", alias = "STDOUT_FILENO")]
#[inline]
pub fn dup2_stdout(fd: impl AsFd) -> Result<()> {
    dup2_stdio(fd.as_fd(), 1)
}

/// `dup3(fd, 2, 0)` — makes standard error refer to `fd`'s open file, inheritable (no
/// `FD_CLOEXEC`).
///
/// Safe for the reason given at [`dup2_stdin`]. If `fd` is descriptor 2 itself, its
/// `FD_CLOEXEC` is cleared and nothing else changes.
///
/// # Errors
/// `EBADF` (`fd` not open), `EBUSY` (a race with `open` in another thread), `EINTR`.
///
/// # References
/// `man 2 dup3`. Go: `syscall.Dup3(fd, 2, 0)`; rustix: `stdio::dup2_stderr`.
#[doc(alias = "Dup3", alias = "Dup2", alias = "STDERR_FILENO")]
#[inline]
pub fn dup2_stderr(fd: impl AsFd) -> Result<()> {
    dup2_stdio(fd.as_fd(), 2)
}

// ---------------------------------------------------------------------------------------------
// fcntl: descriptor and status flags, pipe size

/// `fcntl(fd, F_DUPFD_CLOEXEC, min)` — duplicates a descriptor to the lowest free number at
/// or above `min`; the copy is close-on-exec.
///
/// # Errors
/// `EBADF` (`fd` not open), `EINVAL` (`min` negative or not below `RLIMIT_NOFILE`), `EMFILE`.
///
/// # References
/// `man 2 fcntl`. Go: `unix.FcntlInt(fd, unix.F_DUPFD_CLOEXEC, min)` (x/sys/unix).
#[doc(alias = "F_DUPFD_CLOEXEC", alias = "FcntlInt")]
#[inline]
pub fn fcntl_dupfd_cloexec(fd: impl AsFd, min: RawFd) -> Result<OwnedFd> {
    // SAFETY: F_DUPFD_CLOEXEC takes an integer and touches no user memory; the new
    // descriptor it returns is owned by nothing else, and is taken by `ret_owned_fd`.
    let ret = unsafe {
        arch::syscall3_readonly(
            Sysno::fcntl,
            arg::fd(fd.as_fd()),
            arg::uint(g::F_DUPFD_CLOEXEC),
            arg::raw_fd(min),
        )
    };
    // SAFETY: a successful F_DUPFD_CLOEXEC returns a new descriptor nothing else owns.
    Errno::decode(ret).map(|fd| unsafe { ret_owned_fd(fd) })
}

/// `fcntl(fd, F_GETFD)` — reads the descriptor flags (`FD_CLOEXEC`).
///
/// # Errors
/// `EBADF` (`fd` not open).
///
/// # References
/// `man 2 fcntl`. Go: `unix.FcntlInt(fd, unix.F_GETFD, 0)` (x/sys/unix).
#[doc(alias = "F_GETFD", alias = "FcntlInt")]
#[inline]
pub fn fcntl_getfd(fd: impl AsFd) -> Result<FdFlags> {
    // SAFETY: F_GETFD takes an integer and touches no user memory or other descriptor.
    unsafe { fcntl_int(fd.as_fd(), g::F_GETFD, 0) }
        .map(|v| FdFlags::from_bits_retain(ret_c_int(v) as u32))
}

/// `fcntl(fd, F_SETFD, flags)` — sets the descriptor flags (`FD_CLOEXEC`), replacing them.
///
/// # Errors
/// `EBADF` (`fd` not open).
///
/// # References
/// `man 2 fcntl`. Go: `unix.FcntlInt(fd, unix.F_SETFD, flags)` (x/sys/unix).
#[doc(alias = "F_SETFD", alias = "FcntlInt")]
#[inline]
pub fn fcntl_setfd(fd: impl AsFd, flags: FdFlags) -> Result<()> {
    // SAFETY: F_SETFD takes an integer and touches no user memory or other descriptor.
    unsafe { fcntl_int(fd.as_fd(), g::F_SETFD, arg::uint(flags.bits())) }.map(drop)
}

/// `fcntl(fd, F_GETFL)` — reads the access mode and status flags of the open file
/// description (`O_RDWR`, `O_APPEND`, `O_NONBLOCK`…).
///
/// Mask the result to the bits of interest: the kernel reports bits it set itself
/// (`O_LARGEFILE` on 64-bit), and QEMU user-mode may show more (`O_NOFOLLOW` under
/// qemu-aarch64). The access mode is `flags & OFlags::ACCMODE`.
///
/// # Errors
/// `EBADF` (`fd` not open).
///
/// # References
/// `man 2 fcntl`. Go: `unix.FcntlInt(fd, unix.F_GETFL, 0)` (x/sys/unix).
#[doc(alias = "F_GETFL", alias = "FcntlInt")]
#[inline]
pub fn fcntl_getfl(fd: impl AsFd) -> Result<OFlags> {
    // SAFETY: F_GETFL takes an integer and touches no user memory or other descriptor.
    unsafe { fcntl_int(fd.as_fd(), g::F_GETFL, 0) }
        .map(|v| OFlags::from_bits_retain(ret_c_int(v) as u32))
}

/// `fcntl(fd, F_SETFL, flags)` — sets the status flags of the open file description.
///
/// Only `O_APPEND`, `O_ASYNC`, `O_DIRECT`, `O_NOATIME` and `O_NONBLOCK` can change; the
/// access mode and creation flags in `flags` are ignored. The change is seen through every
/// duplicate of the descriptor. [`set_nonblock`] does the usual read-modify-write.
///
/// # Errors
/// `EBADF` (`fd` not open), `EPERM` (clearing `O_APPEND` on an append-only file, or
/// `O_NOATIME` on another user's file), `EINVAL` (`O_DIRECT` where unsupported).
///
/// # References
/// `man 2 fcntl`. Go: `unix.FcntlInt(fd, unix.F_SETFL, flags)` (x/sys/unix).
#[doc(alias = "F_SETFL", alias = "FcntlInt")]
#[inline]
pub fn fcntl_setfl(fd: impl AsFd, flags: OFlags) -> Result<()> {
    // SAFETY: F_SETFL takes an integer and touches no user memory or other descriptor.
    unsafe { fcntl_int(fd.as_fd(), g::F_SETFL, arg::uint(flags.bits())) }.map(drop)
}

/// `fcntl(fd, F_GETPIPE_SZ)` — the capacity of a pipe, in bytes (65536 by default).
///
/// # Errors
/// `EBADF` (`fd` not open, or not a pipe: the kernel answers `EBADF` there, not `EINVAL`).
///
/// # References
/// `man 2 fcntl`. Go: `unix.FcntlInt(fd, unix.F_GETPIPE_SZ, 0)` (x/sys/unix).
#[doc(alias = "F_GETPIPE_SZ", alias = "FcntlInt")]
#[inline]
pub fn fcntl_getpipe_sz(fd: impl AsFd) -> Result<usize> {
    // SAFETY: F_GETPIPE_SZ takes an integer and touches no user memory or other descriptor.
    unsafe { fcntl_int(fd.as_fd(), g::F_GETPIPE_SZ, 0) }
}

/// `fcntl(fd, F_SETPIPE_SZ, size)` — sets the capacity of a pipe; returns the capacity
/// actually set (rounded up to a power-of-two number of pages, at least one page).
///
/// # Errors
/// `EBADF` (`fd` not open, or not a pipe), `EINVAL` (`size` above 2^31; sizes that do not
/// fit the kernel's `unsigned int` are refused before the call), `EPERM` (an unprivileged caller
/// asks for more than `/proc/sys/fs/pipe-max-size`, or the per-user pipe limit is reached),
/// `EBUSY` (the pipe holds more data than the new size).
///
/// # References
/// `man 2 fcntl`. Go: `unix.FcntlInt(fd, unix.F_SETPIPE_SZ, size)` (x/sys/unix).
#[doc(alias = "F_SETPIPE_SZ", alias = "FcntlInt")]
#[inline]
pub fn fcntl_setpipe_sz(fd: impl AsFd, size: usize) -> Result<usize> {
    // The kernel reads the argument as `unsigned int`: a larger value would be truncated
    // into a small, wrong size instead of failing.
    let size = u32::try_from(size).map_err(|_| Errno::EINVAL)?;
    // SAFETY: F_SETPIPE_SZ takes an integer and touches no user memory or other descriptor.
    unsafe { fcntl_int(fd.as_fd(), g::F_SETPIPE_SZ, arg::uint(size)) }
}

/// `set_cloexec(fd, cloexec)` — sets or clears `FD_CLOEXEC` on `fd`, keeping its other
/// descriptor flags.
///
/// Every sysrt call that creates a descriptor sets close-on-exec; this is the library-wide
/// opt-out for a descriptor that must survive `execve`. Reads with `F_GETFD`, writes with
/// `F_SETFD` only if the flag changes.
///
/// # Errors
/// `EBADF` (`fd` not open).
///
/// # References
/// `man 2 fcntl`. Go: `syscall.CloseOnExec` (which only sets it).
#[doc(alias = "CloseOnExec")]
#[inline]
pub fn set_cloexec(fd: impl AsFd, cloexec: bool) -> Result<()> {
    let fd = fd.as_fd();
    let old = fcntl_getfd(fd)?;
    let new = if cloexec {
        old | FdFlags::CLOEXEC
    } else {
        old - FdFlags::CLOEXEC
    };
    if new == old {
        return Ok(());
    }
    fcntl_setfd(fd, new)
}

/// `set_nonblock(fd, nonblock)` — sets or clears `O_NONBLOCK` on `fd`'s open file
/// description, keeping its other status flags.
///
/// The flag belongs to the open file description, so every duplicate of `fd` (and every
/// process sharing it) sees the change. Reads with `F_GETFL`, writes with `F_SETFL` only if
/// the flag changes.
///
/// # Errors
/// `EBADF` (`fd` not open).
///
/// # References
/// `man 2 fcntl`. Go: `syscall.SetNonblock`.
#[doc(alias = "SetNonblock")]
#[inline]
pub fn set_nonblock(fd: impl AsFd, nonblock: bool) -> Result<()> {
    let fd = fd.as_fd();
    let old = fcntl_getfl(fd)?;
    let new = if nonblock {
        old | OFlags::NONBLOCK
    } else {
        old - OFlags::NONBLOCK
    };
    if new == old {
        return Ok(());
    }
    fcntl_setfl(fd, new)
}

// ---------------------------------------------------------------------------------------------
// Record locks

/// The kind of a record lock (`l_type` of `struct flock`).
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub enum LockType {
    /// `F_RDLCK`: a shared (read) lock; the file must be open for reading.
    #[doc(alias = "F_RDLCK")]
    Read,
    /// `F_WRLCK`: an exclusive (write) lock; the file must be open for writing.
    #[doc(alias = "F_WRLCK")]
    Write,
    /// `F_UNLCK`: release a lock; from a get-lock call, "no conflicting lock".
    #[doc(alias = "F_UNLCK")]
    Unlock,
}

/// Where a record lock's `start` counts from (`l_whence` of `struct flock`; lseek's values).
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub enum Whence {
    /// `SEEK_SET`: from the start of the file.
    #[doc(alias = "SEEK_SET")]
    Start,
    /// `SEEK_CUR`: from the current file offset.
    #[doc(alias = "SEEK_CUR")]
    Current,
    /// `SEEK_END`: from the end of the file.
    #[doc(alias = "SEEK_END")]
    End,
}

/// A byte-range record lock: the typed `struct flock` of [`fcntl_getlk`], [`fcntl_setlk`]
/// and the OFD forms.
///
/// The range starts `start` bytes from `whence` and is `len` bytes long; `len` 0 means "to
/// the end of the file, however it grows"; a negative `len` covers the `-len` bytes before
/// `start`.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub struct Flock {
    /// Read, write, or unlock.
    pub lock_type: LockType,
    /// What `start` is relative to. A get-lock call that finds a conflict reports
    /// [`Whence::Start`]; one that finds none leaves it as given.
    pub whence: Whence,
    /// The first byte, relative to `whence`.
    pub start: i64,
    /// The number of bytes; 0 is "to end of file".
    pub len: i64,
    /// From a get-lock call: the holder's pid, or -1 for an OFD lock. To the set-lock calls:
    /// ignored by the classic forms, must be 0 for the OFD forms.
    pub pid: i32,
}

impl Flock {
    /// A lock of `lock_type` on `len` bytes from `start` (from the start of the file), pid 0.
    #[inline]
    pub const fn new(lock_type: LockType, start: i64, len: i64) -> Flock {
        Flock {
            lock_type,
            whence: Whence::Start,
            start,
            len,
            pid: 0,
        }
    }

    /// The kernel's `struct flock`. Built field by field from a zeroed value, so padding and
    /// any field this type does not model are 0.
    #[inline]
    fn to_raw(self) -> g::flock {
        let lock_type = match self.lock_type {
            LockType::Read => g::F_RDLCK,
            LockType::Write => g::F_WRLCK,
            LockType::Unlock => g::F_UNLCK,
        };
        let whence = match self.whence {
            Whence::Start => g::SEEK_SET,
            Whence::Current => g::SEEK_CUR,
            Whence::End => g::SEEK_END,
        };
        // SAFETY: `flock` is plain integers, for which all-zero bytes are a valid value.
        let mut raw: g::flock = unsafe { MaybeUninit::zeroed().assume_init() };
        // The constants are 0..=2, which fit `c_short`.
        raw.l_type = lock_type as _;
        raw.l_whence = whence as _;
        raw.l_start = self.start;
        raw.l_len = self.len;
        raw.l_pid = self.pid;
        raw
    }

    /// A `Flock` from the kernel's `struct flock`; `EINVAL` for a type or whence the kernel
    /// does not define (it never reports one).
    #[inline]
    fn from_raw(raw: &g::flock) -> Result<Flock> {
        let lock_type = match u32::try_from(raw.l_type) {
            Ok(g::F_RDLCK) => LockType::Read,
            Ok(g::F_WRLCK) => LockType::Write,
            Ok(g::F_UNLCK) => LockType::Unlock,
            _ => return Err(Errno::EINVAL),
        };
        let whence = match u32::try_from(raw.l_whence) {
            Ok(g::SEEK_SET) => Whence::Start,
            Ok(g::SEEK_CUR) => Whence::Current,
            Ok(g::SEEK_END) => Whence::End,
            _ => return Err(Errno::EINVAL),
        };
        Ok(Flock {
            lock_type,
            whence,
            start: raw.l_start,
            len: raw.l_len,
            pid: raw.l_pid,
        })
    }
}

/// `fcntl(fd, cmd, &flock)` for the set-lock commands, which only read the `struct flock`.
///
/// # Safety
/// `cmd` must be `F_SETLK`, `F_SETLKW`, `F_OFD_SETLK` or `F_OFD_SETLKW`.
#[inline(always)]
unsafe fn fcntl_lock_set(fd: BorrowedFd<'_>, cmd: u32, lock: &Flock) -> Result<()> {
    let raw = lock.to_raw();
    // SAFETY: for set-lock commands (the contract) the kernel reads one `struct flock` and
    // writes nothing; `raw` is a complete `flock` on our stack, live for the call.
    let ret = unsafe {
        arch::syscall3_readonly(
            Sysno::fcntl,
            arg::fd(fd),
            arg::uint(cmd),
            core::ptr::from_ref(&raw) as usize,
        )
    };
    Errno::decode(ret).map(drop)
}

/// `fcntl(fd, cmd, &mut flock)` for the get-lock commands, which read and rewrite the struct.
///
/// # Safety
/// `cmd` must be `F_GETLK` or `F_OFD_GETLK`.
#[inline(always)]
unsafe fn fcntl_lock_get(fd: BorrowedFd<'_>, cmd: u32, lock: &Flock) -> Result<Flock> {
    let mut raw = lock.to_raw();
    // SAFETY: for get-lock commands (the contract) the kernel reads and writes back one
    // `struct flock`; `raw` is a complete, writable `flock` on our stack, live for the call.
    let ret = unsafe {
        arch::syscall3(
            Sysno::fcntl,
            arg::fd(fd),
            arg::uint(cmd),
            core::ptr::from_mut(&mut raw) as usize,
        )
    };
    Errno::decode(ret)?;
    Flock::from_raw(&raw)
}

/// `fcntl(fd, F_GETLK, &lock)` — tests whether `lock` could be placed: returns the first
/// lock that conflicts with it, or `lock` with [`LockType::Unlock`] if none does.
///
/// Classic POSIX locks belong to the process: a process never conflicts with itself, and
/// closing any descriptor of the file releases all of the process's locks on it. Prefer the
/// OFD forms ([`fcntl_ofd_getlk`]…) unless interoperating with classic-lock users.
///
/// # Errors
/// `EBADF` (`fd` not open), `EINVAL` (bad type or whence, or `start`/`len` out of range).
///
/// # References
/// `man 2 fcntl` ("Advisory record locking"). Go: `syscall.FcntlFlock`.
#[doc(alias = "F_GETLK", alias = "FcntlFlock")]
#[inline]
pub fn fcntl_getlk(fd: impl AsFd, lock: &Flock) -> Result<Flock> {
    // SAFETY: F_GETLK is a lock command, as the helper requires.
    unsafe { fcntl_lock_get(fd.as_fd(), g::F_GETLK, lock) }
}

/// `fcntl(fd, F_SETLK, &lock)` — places or releases a classic (per-process) record lock;
/// fails at once if a conflicting lock is held.
///
/// # Errors
/// `EAGAIN` or `EACCES` (a conflicting lock is held), `EBADF` (`fd` not open, or not open
/// for reading/writing as the lock type needs), `EINVAL` (bad type, whence or range),
/// `ENOLCK`.
///
/// # References
/// `man 2 fcntl`. Go: `syscall.FcntlFlock`.
#[doc(alias = "F_SETLK", alias = "FcntlFlock")]
#[inline]
pub fn fcntl_setlk(fd: impl AsFd, lock: &Flock) -> Result<()> {
    // SAFETY: F_SETLK is a lock command, as the helper requires.
    unsafe { fcntl_lock_set(fd.as_fd(), g::F_SETLK, lock) }
}

/// `fcntl(fd, F_SETLKW, &lock)` — places a classic record lock, waiting while a conflicting
/// lock is held.
///
/// Returns `EINTR` if a signal handler runs while waiting; retrying is correct.
///
/// # Errors
/// `EDEADLK` (waiting would deadlock), `EINTR`, `EBADF`, `EINVAL`, `ENOLCK`.
///
/// # References
/// `man 2 fcntl`. Go: `syscall.FcntlFlock`.
#[doc(alias = "F_SETLKW", alias = "FcntlFlock")]
#[inline]
pub fn fcntl_setlkw(fd: impl AsFd, lock: &Flock) -> Result<()> {
    // SAFETY: F_SETLKW is a lock command, as the helper requires.
    unsafe { fcntl_lock_set(fd.as_fd(), g::F_SETLKW, lock) }
}

/// `fcntl(fd, F_OFD_GETLK, &lock)` — as [`fcntl_getlk`], for open-file-description locks:
/// returns the first conflicting lock (classic or OFD), or `lock` with
/// [`LockType::Unlock`] if none.
///
/// OFD locks belong to the open file description: two `open`s of the same file conflict even
/// in one process, duplicates share the lock, and it is released when the last descriptor of
/// the description is closed. A conflicting OFD lock is reported with pid -1.
///
/// # Errors
/// `EINVAL` (`lock.pid` not 0, bad type, whence or range), `EBADF` (`fd` not open).
///
/// # References
/// `man 2 fcntl` ("Open file description locks"). Go: `unix.FcntlFlock(fd, unix.F_OFD_GETLK,
/// lk)` (x/sys/unix).
#[doc(alias = "F_OFD_GETLK", alias = "FcntlFlock")]
#[inline]
pub fn fcntl_ofd_getlk(fd: impl AsFd, lock: &Flock) -> Result<Flock> {
    // SAFETY: F_OFD_GETLK is a lock command, as the helper requires.
    unsafe { fcntl_lock_get(fd.as_fd(), g::F_OFD_GETLK, lock) }
}

/// `fcntl(fd, F_OFD_SETLK, &lock)` — places or releases an open-file-description lock;
/// fails at once if a conflicting lock is held.
///
/// # Errors
/// `EAGAIN` (a conflicting lock is held), `EINVAL` (`lock.pid` not 0, bad type, whence or
/// range), `EBADF` (`fd` not open, or not open for reading/writing as the lock type needs),
/// `ENOLCK`.
///
/// # References
/// `man 2 fcntl`. Go: `unix.FcntlFlock(fd, unix.F_OFD_SETLK, lk)` (x/sys/unix).
#[doc(alias = "F_OFD_SETLK", alias = "FcntlFlock")]
#[inline]
pub fn fcntl_ofd_setlk(fd: impl AsFd, lock: &Flock) -> Result<()> {
    // SAFETY: F_OFD_SETLK is a lock command, as the helper requires.
    unsafe { fcntl_lock_set(fd.as_fd(), g::F_OFD_SETLK, lock) }
}

/// `fcntl(fd, F_OFD_SETLKW, &lock)` — places an open-file-description lock, waiting while a
/// conflicting lock is held.
///
/// Returns `EINTR` if a signal handler runs while waiting; retrying is correct. There is no
/// deadlock detection for OFD locks.
///
/// # Errors
/// `EINTR`, `EINVAL` (`lock.pid` not 0, bad type, whence or range), `EBADF`, `ENOLCK`.
///
/// # References
/// `man 2 fcntl`. Go: `unix.FcntlFlock(fd, unix.F_OFD_SETLKW, lk)` (x/sys/unix).
#[doc(alias = "F_OFD_SETLKW", alias = "FcntlFlock")]
#[inline]
pub fn fcntl_ofd_setlkw(fd: impl AsFd, lock: &Flock) -> Result<()> {
    // SAFETY: F_OFD_SETLKW is a lock command, as the helper requires.
    unsafe { fcntl_lock_set(fd.as_fd(), g::F_OFD_SETLKW, lock) }
}

// ---------------------------------------------------------------------------------------------
// flock

/// The operation of [`flock`]: a whole-file advisory lock on the open file description.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub enum FlockOperation {
    /// `LOCK_SH`: take a shared lock, waiting if another description holds an exclusive one.
    #[doc(alias = "LOCK_SH")]
    LockShared,
    /// `LOCK_EX`: take an exclusive lock, waiting while any other description holds a lock.
    #[doc(alias = "LOCK_EX")]
    LockExclusive,
    /// `LOCK_UN`: release the lock held through this description.
    #[doc(alias = "LOCK_UN")]
    Unlock,
    /// `LOCK_SH | LOCK_NB`: take a shared lock, or fail with `EWOULDBLOCK` at once.
    NonBlockingLockShared,
    /// `LOCK_EX | LOCK_NB`: take an exclusive lock, or fail with `EWOULDBLOCK` at once.
    NonBlockingLockExclusive,
    /// `LOCK_UN | LOCK_NB`: release the lock (`LOCK_NB` changes nothing for an unlock).
    NonBlockingUnlock,
}

/// `flock(fd, operation)` — takes, converts or releases a whole-file advisory lock.
///
/// The lock belongs to the open file description: duplicates share it, and a separate `open`
/// of the same file (even in this process) conflicts with it. It is released by
/// [`FlockOperation::Unlock`] or when the last descriptor of the description is closed.
/// Converting shared ↔ exclusive is not atomic.
///
/// The blocking operations return `EINTR` if a signal handler runs while waiting; retrying
/// is correct.
///
/// # Errors
/// `EWOULDBLOCK` (= `EAGAIN`; a non-blocking operation met a conflicting lock), `EBADF`
/// (`fd` not open), `EINTR`, `ENOLCK`, `EINVAL` (`fd` is an `O_PATH` descriptor).
///
/// # References
/// `man 2 flock`. Go: `syscall.Flock`.
#[doc(alias = "Flock")]
#[inline]
pub fn flock(fd: impl AsFd, operation: FlockOperation) -> Result<()> {
    let op = match operation {
        FlockOperation::LockShared => g::LOCK_SH,
        FlockOperation::LockExclusive => g::LOCK_EX,
        FlockOperation::Unlock => g::LOCK_UN,
        FlockOperation::NonBlockingLockShared => g::LOCK_SH | g::LOCK_NB,
        FlockOperation::NonBlockingLockExclusive => g::LOCK_EX | g::LOCK_NB,
        FlockOperation::NonBlockingUnlock => g::LOCK_UN | g::LOCK_NB,
    };
    // SAFETY: flock takes a descriptor borrowed for the call and an integer; it touches no
    // user memory.
    let ret = unsafe { arch::syscall2_readonly(Sysno::flock, arg::fd(fd.as_fd()), arg::uint(op)) };
    Errno::decode(ret).map(drop)
}

// ---------------------------------------------------------------------------------------------
// Pipes

/// `pipe()` — creates a pipe; returns (read end, write end), both close-on-exec.
///
/// Uses `pipe2(O_CLOEXEC)` (aarch64 and riscv64 have no `pipe`).
///
/// # Errors
/// `EMFILE`, `ENFILE`.
///
/// # References
/// `man 2 pipe`. Go: `syscall.Pipe`.
#[doc(alias = "Pipe")]
#[inline]
pub fn pipe() -> Result<(OwnedFd, OwnedFd)> {
    pipe2(PipeFlags::CLOEXEC)
}

/// `pipe2(flags)` — creates a pipe with flags; returns (read end, write end).
///
/// `O_CLOEXEC` is always added.
///
/// # Errors
/// `EINVAL` (unknown bits in `flags`), `EMFILE`, `ENFILE`.
///
/// # References
/// `man 2 pipe2`. Go: `syscall.Pipe2`.
#[doc(alias = "Pipe2")]
#[inline]
pub fn pipe2(flags: PipeFlags) -> Result<(OwnedFd, OwnedFd)> {
    let flags = flags | PipeFlags::CLOEXEC;
    let mut fds = [0 as RawFd; 2];
    // SAFETY: the kernel writes exactly two `int`s to the pointer, and `fds` is two `i32`s
    // on our stack that outlive the call.
    let ret = unsafe {
        arch::syscall2(
            Sysno::pipe2,
            fds.as_mut_ptr() as usize,
            arg::uint(flags.bits()),
        )
    };
    Errno::decode(ret)?;
    let [read_end, write_end] = fds;
    // SAFETY: pipe2 succeeded, so both are new descriptors that nothing else owns.
    Ok(unsafe {
        (
            OwnedFd::from_raw_fd(read_end),
            OwnedFd::from_raw_fd(write_end),
        )
    })
}

// ---------------------------------------------------------------------------------------------
// ioctl

/// `ioctl(fd, FIONREAD, &n)` — the number of bytes ready to read without blocking (pipes,
/// sockets, terminals; for a regular file, the bytes from the offset to the end).
///
/// # Errors
/// `EBADF` (`fd` not open), `ENOTTY` or `EINVAL` (the file type does not support it).
///
/// # References
/// `man 2 ioctl_tty`, `man 7 pipe`. Go: `unix.IoctlGetInt(fd, unix.FIONREAD)` (x/sys/unix).
#[doc(alias = "FIONREAD", alias = "IoctlGetInt")]
#[inline]
pub fn ioctl_fionread(fd: impl AsFd) -> Result<usize> {
    let mut n: i32 = 0;
    // SAFETY: for FIONREAD the kernel writes one `int` to the pointer, and `n` is an `i32`
    // on our stack that outlives the call.
    let ret = unsafe {
        arch::syscall3(
            Sysno::ioctl,
            arg::fd(fd.as_fd()),
            arg::uint(ioctl::FIONREAD),
            core::ptr::from_mut(&mut n) as usize,
        )
    };
    Errno::decode(ret)?;
    // The count is never negative; if a driver ever said so, report it rather than wrap.
    usize::try_from(n).map_err(|_| Errno::EINVAL)
}

/// A terminal's window size: the typed `struct winsize` of [`ioctl_tiocgwinsz`] and
/// [`ioctl_tiocswinsz`].
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug, Default)]
pub struct Winsize {
    /// Rows, in characters.
    pub rows: u16,
    /// Columns, in characters.
    pub cols: u16,
    /// Width in pixels (often 0: unused by most terminals).
    pub xpixel: u16,
    /// Height in pixels (often 0).
    pub ypixel: u16,
}

/// `ioctl(fd, TIOCGWINSZ, &ws)` — reads a terminal's window size.
///
/// # Errors
/// `ENOTTY` (`fd` is not a terminal), `EBADF` (`fd` not open).
///
/// # References
/// `man 2 ioctl_tty`. Go: `unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ)` (x/sys/unix).
#[doc(alias = "TIOCGWINSZ", alias = "IoctlGetWinsize")]
#[inline]
pub fn ioctl_tiocgwinsz(fd: impl AsFd) -> Result<Winsize> {
    let mut ws = g::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: for TIOCGWINSZ the kernel writes one `struct winsize` to the pointer, and `ws`
    // is one on our stack that outlives the call.
    let ret = unsafe {
        arch::syscall3(
            Sysno::ioctl,
            arg::fd(fd.as_fd()),
            arg::uint(ioctl::TIOCGWINSZ),
            core::ptr::from_mut(&mut ws) as usize,
        )
    };
    Errno::decode(ret)?;
    Ok(Winsize {
        rows: ws.ws_row,
        cols: ws.ws_col,
        xpixel: ws.ws_xpixel,
        ypixel: ws.ws_ypixel,
    })
}

/// `ioctl(fd, TIOCSWINSZ, &ws)` — sets a terminal's window size; the foreground process
/// group gets `SIGWINCH` if it changed.
///
/// # Errors
/// `ENOTTY` (`fd` is not a terminal), `EBADF` (`fd` not open).
///
/// # References
/// `man 2 ioctl_tty`. Go: `unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, ws)` (x/sys/unix).
#[doc(alias = "TIOCSWINSZ", alias = "IoctlSetWinsize")]
#[inline]
pub fn ioctl_tiocswinsz(fd: impl AsFd, ws: &Winsize) -> Result<()> {
    let raw = g::winsize {
        ws_row: ws.rows,
        ws_col: ws.cols,
        ws_xpixel: ws.xpixel,
        ws_ypixel: ws.ypixel,
    };
    // SAFETY: for TIOCSWINSZ the kernel reads one `struct winsize` from the pointer and
    // writes nothing; `raw` is one on our stack that outlives the call.
    let ret = unsafe {
        arch::syscall3_readonly(
            Sysno::ioctl,
            arg::fd(fd.as_fd()),
            arg::uint(ioctl::TIOCSWINSZ),
            core::ptr::from_ref(&raw) as usize,
        )
    };
    Errno::decode(ret).map(drop)
}

// ---------------------------------------------------------------------------------------------
// memfd

/// `memfd_create(name, flags)` — creates an anonymous in-memory file; the descriptor is
/// close-on-exec.
///
/// `MFD_CLOEXEC` is always added. `name` is only a label: it shows in `/proc/self/fd/N` as
/// `/memfd:NAME (deleted)`; several files may share it. The file starts empty (grow it with
/// `ftruncate` or `write`) and lives until its last descriptor and mapping go away.
///
/// # Errors
/// `EINVAL` (`name` longer than 249 bytes, a NUL in `name`, unknown bits in `flags` —
/// `NOEXEC_SEAL` and `EXEC` before Linux 6.3 —, or `MFD_HUGETLB` without huge pages), `EMFILE`, `ENFILE`, `ENOMEM`, `EPERM` (`MFD_EXEC`
/// refused by `vm.memfd_noexec`).
///
/// # References
/// `man 2 memfd_create`. Go: `unix.MemfdCreate` (x/sys/unix).
#[doc(alias = "MemfdCreate")]
#[inline]
pub fn memfd_create(name: impl Arg, flags: MemfdFlags) -> Result<OwnedFd> {
    let flags = flags | MemfdFlags::CLOEXEC;
    name.with_c_str(|name| {
        // SAFETY: `name` is NUL-terminated and outlives the call; the kernel only reads it.
        let ret = unsafe {
            arch::syscall2_readonly(
                Sysno::memfd_create,
                arg::c_str(name),
                arg::uint(flags.bits()),
            )
        };
        // SAFETY: a successful memfd_create returns a new descriptor nothing else owns.
        Errno::decode(ret).map(|fd| unsafe { ret_owned_fd(fd) })
    })
}

/// `fcntl(fd, F_ADD_SEALS, seals)` — adds seals to a memfd (seals are never removed).
///
/// # Errors
/// `EPERM` (`F_SEAL_SEAL` is set, including on a memfd created without
/// `MFD_ALLOW_SEALING`), `EBUSY` (`F_SEAL_WRITE` while a writable shared mapping exists),
/// `EINVAL` (not a sealable file, or unknown bits), `EBADF` (`fd` not open, or not open for
/// writing).
///
/// # References
/// `man 2 fcntl` ("File sealing"), `man 2 memfd_create`. Go: `unix.FcntlInt(fd,
/// unix.F_ADD_SEALS, seals)` (x/sys/unix).
#[doc(alias = "F_ADD_SEALS", alias = "FcntlInt")]
#[inline]
pub fn fcntl_add_seals(fd: impl AsFd, seals: SealFlags) -> Result<()> {
    // SAFETY: F_ADD_SEALS takes an integer and touches no user memory or other descriptor.
    unsafe { fcntl_int(fd.as_fd(), g::F_ADD_SEALS, arg::uint(seals.bits())) }.map(drop)
}

/// `fcntl(fd, F_GET_SEALS)` — the seals of a memfd.
///
/// # Errors
/// `EINVAL` (not a sealable file), `EBADF` (`fd` not open).
///
/// # References
/// `man 2 fcntl` ("File sealing"). Go: `unix.FcntlInt(fd, unix.F_GET_SEALS, 0)`
/// (x/sys/unix).
#[doc(alias = "F_GET_SEALS", alias = "FcntlInt")]
#[inline]
pub fn fcntl_get_seals(fd: impl AsFd) -> Result<SealFlags> {
    // SAFETY: F_GET_SEALS takes an integer and touches no user memory or other descriptor.
    unsafe { fcntl_int(fd.as_fd(), g::F_GET_SEALS, 0) }
        .map(|v| SealFlags::from_bits_retain(ret_c_int(v) as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flock_round_trips_through_the_kernel_struct() {
        for lock_type in [LockType::Read, LockType::Write, LockType::Unlock] {
            for whence in [Whence::Start, Whence::Current, Whence::End] {
                let lock = Flock {
                    lock_type,
                    whence,
                    start: -5,
                    len: i64::MAX,
                    pid: 42,
                };
                assert_eq!(Flock::from_raw(&lock.to_raw()), Ok(lock));
            }
        }
    }

    #[test]
    fn flock_uses_the_kernel_values() {
        let raw = Flock::new(LockType::Write, 10, 20).to_raw();
        assert_eq!(raw.l_type as u32, g::F_WRLCK);
        assert_eq!(raw.l_whence as u32, g::SEEK_SET);
        assert_eq!((raw.l_start, raw.l_len, raw.l_pid), (10, 20, 0));
    }

    #[test]
    fn unknown_lock_type_or_whence_is_einval() {
        let mut raw = Flock::new(LockType::Read, 0, 0).to_raw();
        raw.l_type = 7;
        assert_eq!(Flock::from_raw(&raw), Err(Errno::EINVAL));
        let mut raw = Flock::new(LockType::Read, 0, 0).to_raw();
        raw.l_whence = -1;
        assert_eq!(Flock::from_raw(&raw), Err(Errno::EINVAL));
    }

    #[test]
    fn dup_flags_default_is_cloexec_and_inheritable_is_zero() {
        assert_eq!(DupFlags::default(), DupFlags::CLOEXEC);
        assert_eq!(DupFlags::default().bits(), g::O_CLOEXEC);
        assert_eq!(DupFlags::INHERITABLE.bits(), 0);
        assert!(DupFlags::INHERITABLE.is_empty());
    }

    #[test]
    fn flags_keep_unknown_kernel_bits() {
        assert_eq!(SealFlags::from_bits_retain(1 << 20).bits(), 1 << 20);
        assert_eq!(FdFlags::from_bits_retain(2).bits(), 2);
    }
}
