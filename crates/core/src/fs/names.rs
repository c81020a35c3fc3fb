//! Names and trees: creating, removing, renaming and linking names.

use crate::fd::{AsFd, BorrowedFd, CWD};
use crate::fs::AtFlags;
use crate::path::Arg;
use crate::{Errno, Result, Sysno, arch, arg};

/// `unlinkat(dirfd, path, flags)` — removes a name relative to a directory; with
/// `AtFlags::REMOVEDIR`, removes an empty directory.
///
/// # Errors
/// `ENOENT`, `EISDIR` (a directory without `REMOVEDIR`), `ENOTDIR` (`REMOVEDIR` on a file, or
/// a component is not a directory), `ENOTEMPTY` (`REMOVEDIR` on a non-empty directory),
/// `EACCES`, `EPERM`, `EBUSY`, `EROFS`, `ENAMETOOLONG`, `EINVAL` (bad flags, or a NUL in
/// `path`), `EBADF`.
///
/// # References
/// `man 2 unlinkat`. Go: `syscall.Unlinkat` (x/sys/unix).
#[doc(alias = "Unlinkat")]
#[inline]
pub fn unlinkat(dirfd: impl AsFd, path: impl Arg, flags: AtFlags) -> Result<()> {
    let dirfd: BorrowedFd<'_> = dirfd.as_fd();
    path.with_c_str(|path| {
        // SAFETY: `path` is NUL-terminated and outlives the call; the kernel only reads it.
        let ret = unsafe {
            arch::syscall3_readonly(
                Sysno::unlinkat,
                arg::fd(dirfd),
                arg::c_str(path),
                arg::uint(flags.bits()),
            )
        };
        Errno::decode(ret).map(drop)
    })
}

/// `unlink(path)` — removes a name (not a directory); uses `unlinkat(AT_FDCWD, path, 0)`.
///
/// # Errors
/// As [`unlinkat`]; `EISDIR` for a directory.
///
/// # References
/// `man 2 unlink`. Go: `syscall.Unlink`.
#[doc(alias = "Unlink")]
#[inline]
pub fn unlink(path: impl Arg) -> Result<()> {
    unlinkat(CWD, path, AtFlags::empty())
}
