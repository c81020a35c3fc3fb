//! Permissions, ownership and timestamps: `access`, `chmod`, `chown`, `utimensat` and their
//! relatives.

use bitflags::bitflags;
use linux_raw_sys::general::{self as g, __kernel_timespec};

use core::ffi::CStr;

use crate::fd::{AsFd, BorrowedFd, CWD, RawFd};
use crate::fs::{AtFlags, Mode, OFlags};
use crate::path::Arg;
use crate::time::Timespec;
use crate::{Errno, Result, Sysno, arch, arg};

bitflags! {
    /// What [`faccessat`] and [`access`] check.
    ///
    /// `F_OK` (does the file exist?) is the empty set, `Access::empty()`, whose value is 0; it
    /// is also available as [`Access::EXISTS`].
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct Access: u32 {
        /// `R_OK`: read permission.
        #[doc(alias = "R_OK")]
        const READ = g::R_OK;
        /// `W_OK`: write permission.
        #[doc(alias = "W_OK")]
        const WRITE = g::W_OK;
        /// `X_OK`: execute (search, for a directory) permission.
        #[doc(alias = "X_OK")]
        const EXEC = g::X_OK;
    }
}

impl Access {
    /// `F_OK`: only check that the file exists (the empty set).
    #[doc(alias = "F_OK")]
    pub const EXISTS: Access = Access::from_bits_retain(g::F_OK);
}

/// `faccessat(dirfd, path, mode, flags)` — checks whether the calling process may access a
/// file relative to a directory.
///
/// By default the check uses the *real* user and group IDs (what a set-user-ID program
/// wants to know about its invoker); `AtFlags::EACCESS` uses the effective IDs. Root passes
/// read and write checks on any file, and an execute check when any execute bit is set.
///
/// With empty `flags` this is the `faccessat` syscall, which has no flags argument; with any
/// flag (`EACCESS`, `SYMLINK_NOFOLLOW`, `EMPTY_PATH`) it is `faccessat2` (Linux 5.8). Where
/// `faccessat2` is missing the call fails with `ENOSYS`: unlike glibc, sysrt does not emulate
/// the flags from `fstatat`, whose answer differs from the kernel's (ACLs, capabilities,
/// read-only mounts).
///
/// # Errors
/// `EACCES` (the access is denied, or search permission on a component is), `ENOENT`,
/// `ENOTDIR`, `EROFS` (write check on a read-only filesystem), `ETXTBSY` (write check on a
/// running program), `ELOOP`, `ENAMETOOLONG`, `EINVAL` (bad `mode` or `flags`, or a NUL in
/// `path`), `EBADF`, `ENOSYS` (flags given, no `faccessat2`).
///
/// # References
/// `man 2 faccessat2`. Go: `syscall.Faccessat`.
#[doc(alias = "Faccessat")]
#[doc(alias = "faccessat2")]
#[inline]
pub fn faccessat(dirfd: impl AsFd, path: impl Arg, mode: Access, flags: AtFlags) -> Result<()> {
    let dirfd = dirfd.as_fd();
    path.with_c_str(|path| {
        let ret = if flags.is_empty() {
            // SAFETY: `path` is NUL-terminated and outlives the call; the kernel only reads
            // it.
            unsafe {
                arch::syscall3_readonly(
                    Sysno::faccessat,
                    arg::fd(dirfd),
                    arg::c_str(path),
                    arg::uint(mode.bits()),
                )
            }
        } else {
            // SAFETY: as above; `faccessat2` reads the same arguments plus a flag word.
            unsafe {
                arch::syscall4_readonly(
                    Sysno::faccessat2,
                    arg::fd(dirfd),
                    arg::c_str(path),
                    arg::uint(mode.bits()),
                    arg::uint(flags.bits()),
                )
            }
        };
        Errno::decode(ret).map(drop)
    })
}

/// `access(path, mode)` — checks whether the calling process, by its real IDs, may access a
/// file; uses `faccessat(AT_FDCWD, path, mode)` (aarch64 and riscv64 have no `access`
/// syscall).
///
/// # Errors
/// As [`faccessat`].
///
/// # References
/// `man 2 access`. Go: `syscall.Access`.
#[doc(alias = "Access")]
#[inline]
pub fn access(path: impl Arg, mode: Access) -> Result<()> {
    faccessat(CWD, path, mode, AtFlags::empty())
}

/// `fchmodat(dirfd, path, mode, flags)` — changes the permission bits of a file relative to
/// a directory.
///
/// The bits are `mode & 0o7777` (with set-user-ID, set-group-ID and sticky). A non-root
/// caller that is not in the file's group has `S_ISGID` cleared silently.
///
/// With empty `flags` this is the `fchmodat` syscall, which has no flags argument. With
/// `AtFlags::SYMLINK_NOFOLLOW` (or `EMPTY_PATH`) it is `fchmodat2` (Linux 6.6); Linux cannot
/// change a symlink's mode, so on a symlink the answer is `EOPNOTSUPP`.
///
/// Kernels before 6.6 (Debian 12's 6.1 among them) have no `fchmodat2`. There, as glibc and
/// musl do, the call opens the file with `O_PATH | O_NOFOLLOW`, answers `EOPNOTSUPP` if it is
/// a symlink, and otherwise changes the mode through `/proc/self/fd/N`, which names exactly
/// the file just opened (no race with a rename in between). Without /proc mounted that last
/// step cannot be made and the answer is `EOPNOTSUPP` too.
///
/// # Errors
/// `EPERM` (not the owner and no `CAP_FOWNER`), `ENOENT`, `ENOTDIR`, `EACCES` (search
/// permission), `EROFS`, `ELOOP`, `ENAMETOOLONG`, `EOPNOTSUPP` (`SYMLINK_NOFOLLOW` on a
/// symlink; before Linux 6.6 also when /proc is not mounted), `EINVAL` (flags other than
/// `SYMLINK_NOFOLLOW` and `EMPTY_PATH`, or a NUL in `path`), `EBADF`, `EMFILE` (before
/// Linux 6.6: no descriptor free for the `O_PATH` step).
///
/// # References
/// `man 2 fchmodat`. Go: `syscall.Fchmodat`.
#[doc(alias = "Fchmodat")]
#[doc(alias = "fchmodat2")]
#[inline]
pub fn fchmodat(dirfd: impl AsFd, path: impl Arg, mode: Mode, flags: AtFlags) -> Result<()> {
    let dirfd = dirfd.as_fd();
    path.with_c_str(|path| {
        if flags.is_empty() {
            return chmod_at(dirfd, path, mode);
        }
        // SAFETY: `path` is NUL-terminated and outlives the call; `fchmodat2` only reads it
        // and takes integers otherwise.
        let ret = unsafe {
            arch::syscall4_readonly(
                Sysno::fchmodat2,
                arg::fd(dirfd),
                arg::c_str(path),
                arg::uint(mode.bits()),
                arg::uint(flags.bits()),
            )
        };
        match Errno::decode(ret) {
            Err(Errno::ENOSYS) => fchmodat_without_fchmodat2(dirfd, path, mode, flags),
            r => r.map(drop),
        }
    })
}

/// The `fchmodat` syscall: no flags; follows a final symlink.
#[inline(always)]
fn chmod_at(dirfd: BorrowedFd<'_>, path: &CStr, mode: Mode) -> Result<()> {
    // SAFETY: `path` is NUL-terminated and outlives the call; the kernel only reads it.
    let ret = unsafe {
        arch::syscall3_readonly(
            Sysno::fchmodat,
            arg::fd(dirfd),
            arg::c_str(path),
            arg::uint(mode.bits()),
        )
    };
    Errno::decode(ret).map(drop)
}

/// What `fchmodat2` does, on a kernel without it (before Linux 6.6): see [`fchmodat`].
#[cold]
#[inline(never)]
fn fchmodat_without_fchmodat2(
    dirfd: BorrowedFd<'_>,
    path: &CStr,
    mode: Mode,
    flags: AtFlags,
) -> Result<()> {
    if !(AtFlags::SYMLINK_NOFOLLOW | AtFlags::EMPTY_PATH).contains(flags) {
        return Err(Errno::EINVAL);
    }
    let the_dirfd_itself = flags.contains(AtFlags::EMPTY_PATH) && path.is_empty();
    if !flags.contains(AtFlags::SYMLINK_NOFOLLOW) && !the_dirfd_itself {
        // `EMPTY_PATH` with a path changes nothing: the plain call does the same.
        return chmod_at(dirfd, path, mode);
    }
    let opened;
    let target = if the_dirfd_itself && dirfd.as_raw_fd() != CWD.as_raw_fd() {
        dirfd
    } else {
        let (path, nofollow) = if the_dirfd_itself {
            (c".", OFlags::empty())
        } else {
            (path, OFlags::NOFOLLOW)
        };
        opened = crate::fs::openat(dirfd, path, OFlags::PATH | nofollow, Mode::empty())?;
        opened.as_fd()
    };
    if crate::fs::fstat(target)?.mode & g::S_IFMT == g::S_IFLNK {
        return Err(Errno::EOPNOTSUPP);
    }
    let mut buf = [0u8; 32];
    let proc_path = proc_self_fd(target.as_raw_fd(), &mut buf);
    match chmod_at(CWD, proc_path, mode) {
        // /proc is not mounted.
        Err(Errno::ENOENT) => Err(Errno::EOPNOTSUPP),
        r => r,
    }
}

/// `/proc/self/fd/N` for descriptor `fd` (at most 10 digits), NUL-terminated in `buf`.
fn proc_self_fd(fd: RawFd, buf: &mut [u8; 32]) -> &CStr {
    const PREFIX: &[u8] = b"/proc/self/fd/";
    buf[..PREFIX.len()].copy_from_slice(PREFIX);
    let mut digits = [0u8; 10];
    let (mut n, mut len) = (fd.unsigned_abs(), 0);
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for (i, d) in digits[..len].iter().rev().enumerate() {
        buf[PREFIX.len() + i] = *d;
    }
    buf[PREFIX.len() + len] = 0;
    CStr::from_bytes_until_nul(&buf[..]).unwrap_or(c"")
}

/// `chmod(path, mode)` — changes the permission bits of a file (following symlinks); uses
/// `fchmodat(AT_FDCWD, path, mode)`.
///
/// # Errors
/// As [`fchmodat`].
///
/// # References
/// `man 2 chmod`. Go: `syscall.Chmod`.
#[doc(alias = "Chmod")]
#[inline]
pub fn chmod(path: impl Arg, mode: Mode) -> Result<()> {
    fchmodat(CWD, path, mode, AtFlags::empty())
}

/// `fchmod(fd, mode)` — changes the permission bits of an open file.
///
/// # Errors
/// `EPERM` (not the owner), `EROFS`, `EBADF` (also for an `O_PATH` descriptor), `EIO`.
///
/// # References
/// `man 2 fchmod`. Go: `syscall.Fchmod`.
#[doc(alias = "Fchmod")]
#[inline]
pub fn fchmod(fd: impl AsFd, mode: Mode) -> Result<()> {
    // SAFETY: `fchmod` takes a descriptor and an integer and writes no user memory.
    let ret = unsafe {
        arch::syscall2_readonly(Sysno::fchmod, arg::fd(fd.as_fd()), arg::uint(mode.bits()))
    };
    Errno::decode(ret).map(drop)
}

/// An owner or group argument: `None` is the kernel's `-1`, "leave unchanged".
#[inline(always)]
fn id(id: Option<u32>) -> usize {
    arg::uint(id.unwrap_or(u32::MAX))
}

/// `fchownat(dirfd, path, uid, gid, flags)` — changes the owner and group of a file relative
/// to a directory.
///
/// `None` leaves that ID unchanged (the kernel's `-1`; `Some(u32::MAX)` means the same).
/// `AtFlags::SYMLINK_NOFOLLOW` changes a symlink itself; `AtFlags::EMPTY_PATH` with an empty
/// `path` changes the file `dirfd` refers to. For a non-root caller the kernel clears the
/// set-user-ID and set-group-ID bits of an executable.
///
/// # Errors
/// `EPERM` (changing the owner without `CAP_CHOWN`, or the group to one the caller is not
/// in), `ENOENT`, `ENOTDIR`, `EACCES` (search permission), `EROFS`, `ELOOP`, `ENAMETOOLONG`,
/// `EINVAL` (bad flags, an ID with no mapping in the user namespace, or a NUL in `path`),
/// `EBADF`.
///
/// # References
/// `man 2 fchownat`. Go: `syscall.Fchownat`.
#[doc(alias = "Fchownat")]
#[inline]
pub fn fchownat(
    dirfd: impl AsFd,
    path: impl Arg,
    uid: Option<u32>,
    gid: Option<u32>,
    flags: AtFlags,
) -> Result<()> {
    let dirfd = dirfd.as_fd();
    path.with_c_str(|path| {
        // SAFETY: `path` is NUL-terminated and outlives the call; the kernel only reads it.
        let ret = unsafe {
            arch::syscall5_readonly(
                Sysno::fchownat,
                arg::fd(dirfd),
                arg::c_str(path),
                id(uid),
                id(gid),
                arg::uint(flags.bits()),
            )
        };
        Errno::decode(ret).map(drop)
    })
}

/// `chown(path, uid, gid)` — changes the owner and group of a file, following symlinks;
/// uses `fchownat(AT_FDCWD, path, uid, gid, 0)`. `None` leaves that ID unchanged.
///
/// # Errors
/// As [`fchownat`].
///
/// # References
/// `man 2 chown`. Go: `syscall.Chown`.
#[doc(alias = "Chown")]
#[inline]
pub fn chown(path: impl Arg, uid: Option<u32>, gid: Option<u32>) -> Result<()> {
    fchownat(CWD, path, uid, gid, AtFlags::empty())
}

/// `lchown(path, uid, gid)` — changes the owner and group of a symlink itself (or of a
/// file that is not one); uses `fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW)`.
///
/// # Errors
/// As [`fchownat`].
///
/// # References
/// `man 2 lchown`. Go: `syscall.Lchown`.
#[doc(alias = "Lchown")]
#[inline]
pub fn lchown(path: impl Arg, uid: Option<u32>, gid: Option<u32>) -> Result<()> {
    fchownat(CWD, path, uid, gid, AtFlags::SYMLINK_NOFOLLOW)
}

/// `fchown(fd, uid, gid)` — changes the owner and group of an open file. `None` leaves that
/// ID unchanged.
///
/// # Errors
/// `EPERM`, `EROFS`, `EINVAL` (an ID with no mapping), `EBADF` (also for an `O_PATH`
/// descriptor), `EIO`.
///
/// # References
/// `man 2 fchown`. Go: `syscall.Fchown`.
#[doc(alias = "Fchown")]
#[inline]
pub fn fchown(fd: impl AsFd, uid: Option<u32>, gid: Option<u32>) -> Result<()> {
    // SAFETY: `fchown` takes a descriptor and two integers and writes no user memory.
    let ret =
        unsafe { arch::syscall3_readonly(Sysno::fchown, arg::fd(fd.as_fd()), id(uid), id(gid)) };
    Errno::decode(ret).map(drop)
}

/// The two timestamps in the kernel's layout, for `utimensat`.
#[inline(always)]
fn kernel_times(times: &[Timespec; 2]) -> [__kernel_timespec; 2] {
    [times[0].to_kernel(), times[1].to_kernel()]
}

/// `utimensat(dirfd, path, times, flags)` — sets the access and modification times of a file
/// relative to a directory, to the nanosecond.
///
/// `times` is `[atime, mtime]`. Either may be [`Timespec::NOW`] (the current time) or
/// [`Timespec::OMIT`] (leave it unchanged). The change time is always set to now (unless both
/// are `OMIT`). `AtFlags::SYMLINK_NOFOLLOW` changes a symlink's own times;
/// `AtFlags::EMPTY_PATH` with an empty `path` changes the file `dirfd` refers to.
///
/// Permissions: explicit times need the caller to own the file (or `CAP_FOWNER`): `EPERM`
/// otherwise. Setting both to `NOW` needs only write permission: `EACCES` without it.
///
/// # Errors
/// `EPERM`, `EACCES` (see above, or search permission), `EINVAL` (a `nsec` outside
/// `0..1_000_000_000` that is not `NOW`/`OMIT`, bad flags, or a NUL in `path`), `ENOENT`,
/// `ENOTDIR`, `EROFS`, `ELOOP`, `ENAMETOOLONG`, `EBADF`, `ESRCH`.
///
/// # References
/// `man 2 utimensat`. Go: `syscall.UtimesNano` (which is this call with `AT_FDCWD`) and
/// `unix.UtimesNanoAt` (x/sys/unix).
#[doc(alias = "UtimesNano")]
#[doc(alias = "UtimesNanoAt")]
#[inline]
pub fn utimensat(
    dirfd: impl AsFd,
    path: impl Arg,
    times: &[Timespec; 2],
    flags: AtFlags,
) -> Result<()> {
    let dirfd = dirfd.as_fd();
    let times = kernel_times(times);
    path.with_c_str(|path| {
        // SAFETY: `path` is NUL-terminated and `times` is two `__kernel_timespec`s; both
        // outlive the call and the kernel only reads them.
        let ret = unsafe {
            arch::syscall4_readonly(
                Sysno::utimensat,
                arg::fd(dirfd),
                arg::c_str(path),
                times.as_ptr() as usize,
                arg::uint(flags.bits()),
            )
        };
        Errno::decode(ret).map(drop)
    })
}

/// `futimens(fd, times)` — sets the access and modification times of an open file; uses
/// `utimensat(fd, NULL, times, 0)`.
///
/// `times` is `[atime, mtime]`, with [`Timespec::NOW`] and [`Timespec::OMIT`] as for
/// [`utimensat`]. Go's `Futimes` goes through `/proc/self/fd` with microseconds; this is the
/// direct call.
///
/// # Errors
/// As [`utimensat`]; `EBADF` for a descriptor that is not open.
///
/// # References
/// `man 3 futimens`. Go: `syscall.Futimes`, `syscall.Futimesat` (for the `dirfd` form, use
/// [`utimensat`]).
#[doc(alias = "Futimes")]
#[doc(alias = "Futimesat")]
#[inline]
pub fn futimens(fd: impl AsFd, times: &[Timespec; 2]) -> Result<()> {
    let times = kernel_times(times);
    // SAFETY: `times` is two `__kernel_timespec`s that outlive the call; the NULL path makes
    // the kernel act on `fd` and read nothing else. It writes no user memory.
    let ret = unsafe {
        arch::syscall4_readonly(
            Sysno::utimensat,
            arg::fd(fd.as_fd()),
            0,
            times.as_ptr() as usize,
            0,
        )
    };
    Errno::decode(ret).map(drop)
}

/// `utimes(path, times)` — sets the access and modification times of a file, following
/// symlinks; uses `utimensat(AT_FDCWD, path, times, 0)` (aarch64 and riscv64 have no
/// `utimes` or `utime` syscall).
///
/// Go's `Utimes` takes two `Timeval`s (microseconds); this takes `[atime, mtime]` as
/// [`Timespec`]s, so nanoseconds, `NOW` and `OMIT` work too. Go's `Utime` (one `Utimbuf` of
/// whole seconds) is this with `nsec: 0`.
///
/// # Errors
/// As [`utimensat`].
///
/// # References
/// `man 2 utimes`. Go: `syscall.Utimes`, `syscall.Utime`.
#[doc(alias = "Utimes")]
#[doc(alias = "Utime")]
#[inline]
pub fn utimes(path: impl Arg, times: &[Timespec; 2]) -> Result<()> {
    utimensat(CWD, path, times, AtFlags::empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f_ok_is_the_empty_set() {
        assert_eq!(Access::EXISTS, Access::empty());
        assert_eq!(Access::EXISTS.bits(), g::F_OK);
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "real syscalls (faccessat): Miri cannot run a trap instruction"
    )]
    fn access_root_directory() {
        assert_eq!(access(c"/", Access::EXISTS), Ok(()));
        assert_eq!(
            access(c"/nonexistent-sysrt", Access::EXISTS),
            Err(Errno::ENOENT)
        );
    }
}
