//! Names and trees: creating, removing, renaming and linking names; symlinks, device nodes
//! and FIFOs; the current and root directory; the umask.

use core::ffi::CStr;

use bitflags::bitflags;
use linux_raw_sys::general as g;

use crate::fd::{AsFd, BorrowedFd, CWD};
use crate::fs::{AtFlags, Mode};
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
/// `man 2 unlinkat`. Go: `unix.Unlinkat` (x/sys/unix; `syscall.Unlinkat` takes no flags).
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

/// `rmdir(path)` — removes an empty directory; uses `unlinkat(AT_FDCWD, path, AT_REMOVEDIR)`.
///
/// # Errors
/// `ENOENT`, `ENOTDIR` (`path` or a component is not a directory), `ENOTEMPTY` (entries
/// remain), `EINVAL` (the last component is `.`, or a NUL in `path`), `EBUSY` (a mount point
/// or the root), `EACCES`, `EPERM` (sticky directory owned by someone else), `EROFS`,
/// `ENAMETOOLONG`, `ELOOP`.
///
/// # References
/// `man 2 rmdir`. Go: `syscall.Rmdir`.
#[doc(alias = "Rmdir")]
#[inline]
pub fn rmdir(path: impl Arg) -> Result<()> {
    unlinkat(CWD, path, AtFlags::REMOVEDIR)
}

/// `mkdirat(dirfd, path, mode)` — creates a directory relative to a directory.
///
/// The new directory's permission bits are `mode & !umask & 0o1777` (the kernel drops
/// set-user-ID and set-group-ID; a set-group-ID parent passes its `S_ISGID` on).
///
/// # Errors
/// `EEXIST` (the name exists, even as a dangling symlink), `ENOENT` (a parent is missing),
/// `ENOTDIR` (a component, or `dirfd` for a relative path, is not a directory), `EACCES` (no
/// write or search permission in the parent), `ENAMETOOLONG`, `ELOOP`, `EMLINK`, `ENOSPC`,
/// `EDQUOT`, `EROFS`, `EPERM`, `EINVAL` (a NUL in `path`), `EBADF` (bad `dirfd`).
///
/// # References
/// `man 2 mkdirat`. Go: `syscall.Mkdirat`.
#[doc(alias = "Mkdirat")]
#[inline]
pub fn mkdirat(dirfd: impl AsFd, path: impl Arg, mode: Mode) -> Result<()> {
    let dirfd = dirfd.as_fd();
    path.with_c_str(|path| {
        // SAFETY: `path` is NUL-terminated and outlives the call; the kernel only reads it.
        let ret = unsafe {
            arch::syscall3_readonly(
                Sysno::mkdirat,
                arg::fd(dirfd),
                arg::c_str(path),
                arg::uint(mode.bits()),
            )
        };
        Errno::decode(ret).map(drop)
    })
}

/// `mkdir(path, mode)` — creates a directory; uses `mkdirat(AT_FDCWD, …)` (aarch64 and
/// riscv64 have no `mkdir` syscall).
///
/// # Errors
/// As [`mkdirat`].
///
/// # References
/// `man 2 mkdir`. Go: `syscall.Mkdir`.
#[doc(alias = "Mkdir")]
#[inline]
pub fn mkdir(path: impl Arg, mode: Mode) -> Result<()> {
    mkdirat(CWD, path, mode)
}

bitflags! {
    /// `RENAME_*` flags for [`renameat2`].
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct RenameFlags: u32 {
        /// `RENAME_NOREPLACE`: fail with `EEXIST` instead of replacing an existing `new`.
        #[doc(alias = "RENAME_NOREPLACE")]
        const NOREPLACE = g::RENAME_NOREPLACE;
        /// `RENAME_EXCHANGE`: atomically swap `old` and `new`; both must exist. Cannot be
        /// combined with `NOREPLACE` or `WHITEOUT` (`EINVAL`).
        #[doc(alias = "RENAME_EXCHANGE")]
        const EXCHANGE = g::RENAME_EXCHANGE;
        /// `RENAME_WHITEOUT`: leave an overlay/union "whiteout" object at `old` (needs
        /// `CAP_MKNOD`; only some filesystems support it).
        #[doc(alias = "RENAME_WHITEOUT")]
        const WHITEOUT = g::RENAME_WHITEOUT;
    }
}

/// `renameat2(olddirfd, old, newdirfd, new, flags)` — renames a file relative to directories.
///
/// Without flags an existing `new` is replaced atomically (a file by a file, or an empty
/// directory by a directory). Both names must be on the same mount.
///
/// # Errors
/// `ENOENT` (`old` missing, or `new` missing with `EXCHANGE`), `EEXIST` (`NOREPLACE` and
/// `new` exists), `ENOTEMPTY` (`new` is a non-empty directory), `EISDIR` (`new` is a
/// directory, `old` is not), `ENOTDIR` (`old` is a directory, `new` is not; or a component is
/// not a directory), `EXDEV` (different mounts), `EINVAL` (bad flag combination, moving a
/// directory into itself, or a NUL in a path), `EBUSY`, `EACCES`, `EPERM` (sticky directory),
/// `EROFS`, `ELOOP`, `ENAMETOOLONG`, `ENOSPC`, `EMLINK`, `EBADF`.
///
/// # References
/// `man 2 renameat2`. Go: `unix.Renameat2` (x/sys/unix).
#[doc(alias = "Renameat2")]
#[inline]
pub fn renameat2(
    olddirfd: impl AsFd,
    old: impl Arg,
    newdirfd: impl AsFd,
    new: impl Arg,
    flags: RenameFlags,
) -> Result<()> {
    let (olddirfd, newdirfd) = (olddirfd.as_fd(), newdirfd.as_fd());
    old.with_c_str(|old| {
        new.with_c_str(|new| {
            // SAFETY: both paths are NUL-terminated and outlive the call; the kernel only
            // reads them.
            let ret = unsafe {
                arch::syscall5_readonly(
                    Sysno::renameat2,
                    arg::fd(olddirfd),
                    arg::c_str(old),
                    arg::fd(newdirfd),
                    arg::c_str(new),
                    arg::uint(flags.bits()),
                )
            };
            Errno::decode(ret).map(drop)
        })
    })
}

/// `renameat(olddirfd, old, newdirfd, new)` — renames a file relative to directories,
/// replacing an existing `new`; uses `renameat2(…, 0)` because riscv64 has no `renameat`
/// syscall.
///
/// # Errors
/// As [`renameat2`] without flags.
///
/// # References
/// `man 2 renameat`. Go: `syscall.Renameat`.
#[doc(alias = "Renameat")]
#[inline]
pub fn renameat(
    olddirfd: impl AsFd,
    old: impl Arg,
    newdirfd: impl AsFd,
    new: impl Arg,
) -> Result<()> {
    renameat2(olddirfd, old, newdirfd, new, RenameFlags::empty())
}

/// `rename(old, new)` — renames a file, replacing an existing `new`; uses
/// `renameat2(AT_FDCWD, old, AT_FDCWD, new, 0)` (riscv64 has neither `rename` nor
/// `renameat`).
///
/// # Errors
/// As [`renameat2`] without flags.
///
/// # References
/// `man 2 rename`. Go: `syscall.Rename`.
#[doc(alias = "Rename")]
#[inline]
pub fn rename(old: impl Arg, new: impl Arg) -> Result<()> {
    renameat2(CWD, old, CWD, new, RenameFlags::empty())
}

/// `linkat(olddirfd, old, newdirfd, new, flags)` — makes a new name (hard link) for an
/// existing file, relative to directories.
///
/// A symlink `old` is linked itself unless `AtFlags::SYMLINK_FOLLOW` is given;
/// `AtFlags::EMPTY_PATH` with an empty `old` links the file `olddirfd` refers to (needs
/// `CAP_DAC_READ_SEARCH`). Other flags give `EINVAL`.
///
/// # Errors
/// `EEXIST` (`new` exists), `ENOENT`, `EPERM` (`old` is a directory, or the filesystem does
/// not allow hard links, or protected hardlinks), `EXDEV` (different mounts), `EMLINK`,
/// `ENOTDIR`, `EACCES`, `EROFS`, `ELOOP`, `ENAMETOOLONG`, `ENOSPC`, `EINVAL` (bad flags, or a
/// NUL in a path), `EBADF`.
///
/// # References
/// `man 2 linkat`. Go: `unix.Linkat` (x/sys/unix; `syscall` has no `Linkat`).
#[doc(alias = "Linkat")]
#[inline]
pub fn linkat(
    olddirfd: impl AsFd,
    old: impl Arg,
    newdirfd: impl AsFd,
    new: impl Arg,
    flags: AtFlags,
) -> Result<()> {
    let (olddirfd, newdirfd) = (olddirfd.as_fd(), newdirfd.as_fd());
    old.with_c_str(|old| {
        new.with_c_str(|new| {
            // SAFETY: both paths are NUL-terminated and outlive the call; the kernel only
            // reads them.
            let ret = unsafe {
                arch::syscall5_readonly(
                    Sysno::linkat,
                    arg::fd(olddirfd),
                    arg::c_str(old),
                    arg::fd(newdirfd),
                    arg::c_str(new),
                    arg::uint(flags.bits()),
                )
            };
            Errno::decode(ret).map(drop)
        })
    })
}

/// `link(old, new)` — makes a new name for a file; uses `linkat(AT_FDCWD, old, AT_FDCWD, new,
/// 0)` (a symlink `old` is linked itself, not followed, as Linux's `link` does).
///
/// # Errors
/// As [`linkat`].
///
/// # References
/// `man 2 link`. Go: `syscall.Link`.
#[doc(alias = "Link")]
#[inline]
pub fn link(old: impl Arg, new: impl Arg) -> Result<()> {
    linkat(CWD, old, CWD, new, AtFlags::empty())
}

/// `symlinkat(target, newdirfd, linkpath)` — creates a symbolic link `linkpath` (relative to
/// `newdirfd`) whose contents are `target`.
///
/// `target` is stored as given; it is not resolved and need not exist.
///
/// # Errors
/// `EEXIST` (`linkpath` exists), `ENOENT` (a parent of `linkpath` is missing, or `target` is
/// empty), `ENOTDIR`, `EACCES`, `EPERM`, `EROFS`, `ELOOP`, `ENAMETOOLONG`, `ENOSPC`, `EDQUOT`,
/// `EINVAL` (a NUL in either string), `EBADF`.
///
/// # References
/// `man 2 symlinkat`. Go: `unix.Symlinkat` (x/sys/unix).
#[doc(alias = "Symlinkat")]
#[inline]
pub fn symlinkat(target: impl Arg, newdirfd: impl AsFd, linkpath: impl Arg) -> Result<()> {
    let newdirfd = newdirfd.as_fd();
    target.with_c_str(|target| {
        linkpath.with_c_str(|linkpath| {
            // SAFETY: both strings are NUL-terminated and outlive the call; the kernel only
            // reads them.
            let ret = unsafe {
                arch::syscall3_readonly(
                    Sysno::symlinkat,
                    arg::c_str(target),
                    arg::fd(newdirfd),
                    arg::c_str(linkpath),
                )
            };
            Errno::decode(ret).map(drop)
        })
    })
}

/// `symlink(target, linkpath)` — creates a symbolic link; uses `symlinkat(target, AT_FDCWD,
/// linkpath)`.
///
/// # Errors
/// As [`symlinkat`].
///
/// # References
/// `man 2 symlink`. Go: `syscall.Symlink`.
#[doc(alias = "Symlink")]
#[inline]
pub fn symlink(target: impl Arg, linkpath: impl Arg) -> Result<()> {
    symlinkat(target, CWD, linkpath)
}

/// The result of [`readlinkat`]: the target's bytes, in the caller's buffer.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct ReadLink<'a> {
    /// The link's contents, without a NUL (the kernel writes none).
    pub target: &'a [u8],
    /// The contents filled the whole buffer. The kernel truncates silently, so the target may
    /// be longer than `target`: call again with a bigger buffer until this is `false`. (A
    /// target exactly as long as the buffer reports `true` too: the kernel gives no way to
    /// tell the two apart.)
    pub truncated: bool,
}

/// `readlinkat(dirfd, path, buf)` — reads the contents of a symbolic link relative to a
/// directory into `buf`.
///
/// The kernel neither NUL-terminates nor reports truncation; [`ReadLink::truncated`] is set
/// when the result filled `buf`. With an empty `path`, reads the link `dirfd` refers to (an
/// `O_PATH | O_NOFOLLOW` descriptor).
///
/// # Errors
/// `EINVAL` (`path` is not a symlink, `buf` is empty, or a NUL in `path`), `ENOENT`,
/// `ENOTDIR`, `EACCES`, `ELOOP`, `ENAMETOOLONG`, `EIO`, `EBADF`.
///
/// # References
/// `man 2 readlinkat`. Go: `unix.Readlinkat` (x/sys/unix).
#[doc(alias = "Readlinkat")]
#[inline]
pub fn readlinkat<'a>(dirfd: impl AsFd, path: impl Arg, buf: &'a mut [u8]) -> Result<ReadLink<'a>> {
    let dirfd = dirfd.as_fd();
    let (ptr, len) = arg::slice_mut(buf);
    let n = path.with_c_str(|path| {
        // SAFETY: `path` is NUL-terminated and outlives the call; `buf` is valid for writes of
        // `len` bytes for the whole call, and the kernel writes at most `len` bytes.
        let ret = unsafe {
            arch::syscall4(
                Sysno::readlinkat,
                arg::fd(dirfd),
                arg::c_str(path),
                ptr,
                len,
            )
        };
        Errno::decode(ret)
    })?;
    let buf: &'a [u8] = buf;
    // `get`: the kernel never reports more than `len`, and this way no panic path exists.
    let target = buf.get(..n).ok_or(Errno::EIO)?;
    Ok(ReadLink {
        target,
        truncated: n == len,
    })
}

/// `readlink(path, buf)` — reads the contents of a symbolic link; uses
/// `readlinkat(AT_FDCWD, …)`.
///
/// # Errors
/// As [`readlinkat`].
///
/// # References
/// `man 2 readlink`. Go: `syscall.Readlink`.
#[doc(alias = "Readlink")]
#[inline]
pub fn readlink<'a>(path: impl Arg, buf: &'a mut [u8]) -> Result<ReadLink<'a>> {
    readlinkat(CWD, path, buf)
}

/// The kind of file [`mknodat`] creates: the `S_IF*` part of its mode.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum NodeType {
    /// `S_IFREG`: an empty regular file.
    #[doc(alias = "S_IFREG")]
    Regular = g::S_IFREG,
    /// `S_IFIFO`: a named pipe.
    #[doc(alias = "S_IFIFO")]
    Fifo = g::S_IFIFO,
    /// `S_IFCHR`: a character device (needs `CAP_MKNOD`).
    #[doc(alias = "S_IFCHR")]
    CharacterDevice = g::S_IFCHR,
    /// `S_IFBLK`: a block device (needs `CAP_MKNOD`).
    #[doc(alias = "S_IFBLK")]
    BlockDevice = g::S_IFBLK,
    /// `S_IFSOCK`: a Unix-domain socket name (nothing listens on it).
    #[doc(alias = "S_IFSOCK")]
    Socket = g::S_IFSOCK,
}

/// `mknodat(dirfd, path, kind, mode, dev)` — creates a file system node (regular file,
/// FIFO, device or socket name) relative to a directory.
///
/// The permission bits are `mode & !umask` (any file type bits in `mode` are ignored: `kind`
/// gives the type). `dev` is the device number for the two device kinds, as
/// [`makedev`](crate::fs::makedev) makes it (glibc's encoding), and is ignored for the other
/// kinds. The syscall takes a 32-bit device number: a `dev` above
/// `u32::MAX` gives `EINVAL` before any syscall, as glibc does.
///
/// # Errors
/// `EEXIST`, `ENOENT`, `ENOTDIR`, `EPERM` (a device without `CAP_MKNOD`, or a filesystem that
/// does not support the kind), `EACCES`, `EROFS`, `ELOOP`, `ENAMETOOLONG`, `ENOSPC`,
/// `EDQUOT`, `EINVAL` (`dev` too large, or a NUL in `path`), `EBADF`.
///
/// # References
/// `man 2 mknodat`. Go: `syscall.Mknodat`.
#[doc(alias = "Mknodat")]
#[inline]
pub fn mknodat(
    dirfd: impl AsFd,
    path: impl Arg,
    kind: NodeType,
    mode: Mode,
    dev: u64,
) -> Result<()> {
    let dirfd = dirfd.as_fd();
    let dev = u32::try_from(dev).map_err(|_| Errno::EINVAL)?;
    let mode = (mode.bits() & !g::S_IFMT) | kind as u32;
    path.with_c_str(|path| {
        // SAFETY: `path` is NUL-terminated and outlives the call; the kernel only reads it.
        let ret = unsafe {
            arch::syscall4_readonly(
                Sysno::mknodat,
                arg::fd(dirfd),
                arg::c_str(path),
                arg::uint(mode),
                arg::uint(dev),
            )
        };
        Errno::decode(ret).map(drop)
    })
}

/// `mknod(path, kind, mode, dev)` — creates a file system node; uses `mknodat(AT_FDCWD, …)`
/// (aarch64 and riscv64 have no `mknod` syscall).
///
/// # Errors
/// As [`mknodat`].
///
/// # References
/// `man 2 mknod`. Go: `syscall.Mknod`.
#[doc(alias = "Mknod")]
#[inline]
pub fn mknod(path: impl Arg, kind: NodeType, mode: Mode, dev: u64) -> Result<()> {
    mknodat(CWD, path, kind, mode, dev)
}

/// `mkfifoat(dirfd, path, mode)` — creates a named pipe relative to a directory; uses
/// `mknodat(dirfd, path, S_IFIFO | mode, 0)`, as libc does (there is no `mkfifo` syscall).
///
/// # Errors
/// As [`mknodat`].
///
/// # References
/// `man 3 mkfifoat`. Go: `unix.Mkfifoat` (x/sys/unix).
#[doc(alias = "Mkfifoat")]
#[inline]
pub fn mkfifoat(dirfd: impl AsFd, path: impl Arg, mode: Mode) -> Result<()> {
    mknodat(dirfd, path, NodeType::Fifo, mode, 0)
}

/// `mkfifo(path, mode)` — creates a named pipe; uses `mknodat(AT_FDCWD, path, S_IFIFO | mode,
/// 0)`.
///
/// # Errors
/// As [`mknodat`].
///
/// # References
/// `man 3 mkfifo`. Go: `syscall.Mkfifo`.
#[doc(alias = "Mkfifo")]
#[inline]
pub fn mkfifo(path: impl Arg, mode: Mode) -> Result<()> {
    mknodat(CWD, path, NodeType::Fifo, mode, 0)
}

/// `chdir(path)` — changes the current directory of the process (all its threads).
///
/// # Errors
/// `ENOENT`, `ENOTDIR`, `EACCES` (no search permission), `ELOOP`, `ENAMETOOLONG`, `EIO`,
/// `EINVAL` (a NUL in `path`).
///
/// # References
/// `man 2 chdir`. Go: `syscall.Chdir`.
#[doc(alias = "Chdir")]
#[inline]
pub fn chdir(path: impl Arg) -> Result<()> {
    path.with_c_str(|path| {
        // SAFETY: `path` is NUL-terminated and outlives the call; the kernel only reads it.
        let ret = unsafe { arch::syscall1_readonly(Sysno::chdir, arg::c_str(path)) };
        Errno::decode(ret).map(drop)
    })
}

/// `fchdir(fd)` — changes the current directory to the directory open as `fd`.
///
/// # Errors
/// `ENOTDIR` (`fd` is not a directory), `EACCES`, `EBADF`.
///
/// # References
/// `man 2 fchdir`. Go: `syscall.Fchdir`.
#[doc(alias = "Fchdir")]
#[inline]
pub fn fchdir(fd: impl AsFd) -> Result<()> {
    // SAFETY: `fchdir` takes only a descriptor and writes no user memory.
    let ret = unsafe { arch::syscall1_readonly(Sysno::fchdir, arg::fd(fd.as_fd())) };
    Errno::decode(ret).map(drop)
}

/// `getcwd(buf)` — writes the absolute path of the current directory into `buf` and returns
/// it as a C string borrowed from `buf`.
///
/// When the current directory is not reachable from the process's root (after a `chroot`
/// or a lazy unmount) the kernel returns a path starting with `(unreachable)`; like glibc
/// (since 2.27) and Go's `Getwd`, this gives `ENOENT` for it rather than a relative-looking
/// path.
///
/// # Errors
/// `ERANGE` (`buf` too small for the path and its NUL), `ENOENT` (the directory was removed,
/// or is unreachable), `ENAMETOOLONG` (longer than a page), `EACCES`.
///
/// # References
/// `man 2 getcwd` (the syscall returns the length, not a pointer). Go: `syscall.Getcwd`,
/// `syscall.Getwd`.
#[doc(alias = "Getcwd")]
#[doc(alias = "Getwd")]
#[inline]
pub fn getcwd(buf: &mut [u8]) -> Result<&CStr> {
    let (ptr, len) = arg::slice_mut(buf);
    // SAFETY: `buf` is valid for writes of `len` bytes for the whole call, and the kernel
    // writes at most `len` bytes.
    let n = Errno::decode(unsafe { arch::syscall2(Sysno::getcwd, ptr, len) })?;
    let buf: &[u8] = buf;
    // The kernel's count includes the NUL; `get` keeps a bad count from becoming a panic.
    let path = buf.get(..n).ok_or(Errno::EIO)?;
    if path.first() != Some(&b'/') {
        return Err(Errno::ENOENT);
    }
    CStr::from_bytes_until_nul(path).map_err(|_| Errno::EIO)
}

/// `chroot(path)` — changes the root directory of the process to `path` (the current
/// directory is left as it is).
///
/// # Errors
/// `EPERM` (no `CAP_SYS_CHROOT`), `ENOENT`, `ENOTDIR`, `EACCES`, `ELOOP`, `ENAMETOOLONG`,
/// `EIO`, `EINVAL` (a NUL in `path`).
///
/// # References
/// `man 2 chroot`. Go: `syscall.Chroot`.
#[doc(alias = "Chroot")]
#[inline]
pub fn chroot(path: impl Arg) -> Result<()> {
    path.with_c_str(|path| {
        // SAFETY: `path` is NUL-terminated and outlives the call; the kernel only reads it.
        let ret = unsafe { arch::syscall1_readonly(Sysno::chroot, arg::c_str(path)) };
        Errno::decode(ret).map(drop)
    })
}

/// `umask(mask)` — sets the file mode creation mask (only its `0o777` bits count) and
/// returns the previous one. Never fails.
///
/// The mask is process-wide: other threads creating files meanwhile see the new one.
///
/// # References
/// `man 2 umask`. Go: `syscall.Umask`.
#[doc(alias = "Umask")]
#[inline]
pub fn umask(mask: Mode) -> Mode {
    // SAFETY: `umask` takes an integer and writes no user memory.
    let ret = unsafe { arch::syscall1_readonly(Sysno::umask, arg::uint(mask.bits() & 0o777)) };
    // umask cannot fail; the previous mask is at most 0o777, so it fits.
    Mode::from_bits_retain(ret as u32)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    #[test]
    fn node_type_is_the_s_if_bits() {
        assert_eq!(NodeType::Regular as u32, g::S_IFREG);
        assert_eq!(NodeType::Fifo as u32, g::S_IFIFO);
        assert_eq!(NodeType::CharacterDevice as u32, g::S_IFCHR);
        assert_eq!(NodeType::BlockDevice as u32, g::S_IFBLK);
        assert_eq!(NodeType::Socket as u32, g::S_IFSOCK);
    }

    #[test]
    fn mknod_dev_over_32_bits_is_einval_before_the_syscall() {
        // The path does not exist: a syscall would have said ENOENT.
        let r = mknodat(
            CWD,
            "/nonexistent-sysrt/x",
            NodeType::Fifo,
            Mode::empty(),
            1 << 32,
        );
        assert_eq!(r, Err(Errno::EINVAL));
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "real syscalls (getcwd): Miri cannot run a trap instruction"
    )]
    fn getcwd_matches_std_and_reports_erange() {
        let mut buf = [0u8; 4096];
        let cwd = getcwd(&mut buf).unwrap().to_bytes().to_vec();
        let std_cwd = std::env::current_dir().unwrap();
        assert_eq!(
            cwd,
            std::os::unix::ffi::OsStrExt::as_bytes(std_cwd.as_os_str())
        );
        assert_eq!(getcwd(&mut buf[..cwd.len()]), Err(Errno::ERANGE));
        assert_eq!(
            getcwd(&mut buf[..cwd.len() + 1]).map(|c| c.to_bytes().len()),
            Ok(cwd.len())
        );
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "real syscalls (readlinkat on a real symlink): Miri cannot run a trap instruction"
    )]
    fn readlink_reports_truncation() {
        let dir = std::env::temp_dir().join(std::format!("sysrt-unit-{}", std::process::id()));
        let _ = std::fs::create_dir(&dir);
        let link = dir.join("l");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink("abcdef", &link).unwrap();
        let path = std::os::unix::ffi::OsStrExt::as_bytes(link.as_os_str()).to_vec();
        let mut big = [0u8; 16];
        let r = readlink(&path[..], &mut big).unwrap();
        assert_eq!((r.target, r.truncated), (&b"abcdef"[..], false));
        let mut small = [0u8; 3];
        let r = readlink(&path[..], &mut small).unwrap();
        assert_eq!((r.target, r.truncated), (&b"abc"[..], true));
        std::fs::remove_file(&link).unwrap();
        std::fs::remove_dir(&dir).unwrap();
    }
}
