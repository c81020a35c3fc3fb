//! Extended attributes: `getxattr`, `setxattr`, `listxattr`, `removexattr` in their path,
//! no-follow (`l`) and descriptor (`f`) forms, and [`XattrNames`] over a name list.
//!
//! Attribute names carry a namespace prefix (`user.`, `trusted.`, `security.`,
//! `system.`); an unknown prefix is `EOPNOTSUPP`. Names are taken as [`Arg`], like paths.
//!
//! The path and `l` forms differ only in the syscall number, so each pair shares one private
//! encoder that takes the number; it is an expression, not a layer (`#[inline(always)]`).

use core::ffi::CStr;

use bitflags::bitflags;
use linux_raw_sys::general as g;

use crate::fd::AsFd;
use crate::path::Arg;
use crate::{Errno, Result, Sysno, arch, arg};

bitflags! {
    /// `XATTR_*` flags for [`setxattr`], [`lsetxattr`] and [`fsetxattr`]. Empty: create or
    /// replace.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct XattrFlags: u32 {
        /// `XATTR_CREATE`: fail with `EEXIST` if the attribute already exists.
        #[doc(alias = "XATTR_CREATE")]
        const CREATE = g::XATTR_CREATE;
        /// `XATTR_REPLACE`: fail with `ENODATA` if the attribute does not exist.
        #[doc(alias = "XATTR_REPLACE")]
        const REPLACE = g::XATTR_REPLACE;
    }
}

/// `getxattr`/`lgetxattr` by number: the two differ only in following a final symlink.
#[inline(always)]
fn get_by_path(nr: Sysno, path: impl Arg, name: impl Arg, value: &mut [u8]) -> Result<usize> {
    path.with_c_str(|path| {
        name.with_c_str(|name| {
            let (ptr, len) = arg::slice_mut(value);
            // SAFETY: `path`/`name` are NUL-terminated, only read; the kernel writes at most
            // `len` bytes into `value` (none for 0). `nr` is getxattr or lgetxattr.
            let ret = unsafe { arch::syscall4(nr, arg::c_str(path), arg::c_str(name), ptr, len) };
            Errno::decode(ret)
        })
    })
}

/// `getxattr(path, name, value)` — reads an extended attribute of a file, following a final
/// symlink; returns the value's length.
///
/// With an empty `value` nothing is copied and the call returns the length the value needs
/// (it may change before the next call: then `ERANGE`, and the caller asks again).
///
/// # Errors
/// `ENODATA` (no such attribute), `ERANGE` (`value` is too small, or `name` is longer than
/// 255 bytes), `EOPNOTSUPP` (the filesystem has no xattrs, or an unknown namespace), `ENOENT`,
/// `ENOTDIR`, `EACCES`, `ELOOP`, `ENAMETOOLONG`, `EINVAL` (a NUL in `path` or `name`).
///
/// # References
/// `man 2 getxattr`. Go: `syscall.Getxattr`.
#[doc(alias = "Getxattr")]
#[inline]
pub fn getxattr(path: impl Arg, name: impl Arg, value: &mut [u8]) -> Result<usize> {
    get_by_path(Sysno::getxattr, path, name, value)
}

/// `lgetxattr(path, name, value)` — as [`getxattr`], but a final symlink is not followed:
/// reads the attribute of the link itself.
///
/// # Errors
/// As [`getxattr`].
///
/// # References
/// `man 2 lgetxattr`. Go: `unix.Lgetxattr` (x/sys/unix).
#[doc(alias = "Lgetxattr")]
#[inline]
pub fn lgetxattr(path: impl Arg, name: impl Arg, value: &mut [u8]) -> Result<usize> {
    get_by_path(Sysno::lgetxattr, path, name, value)
}

/// `fgetxattr(fd, name, value)` — as [`getxattr`], for an open descriptor.
///
/// # Errors
/// As [`getxattr`]; `EBADF` for a descriptor that is not open, or is an `O_PATH` one.
///
/// # References
/// `man 2 fgetxattr`. Go: `unix.Fgetxattr` (x/sys/unix).
#[doc(alias = "Fgetxattr")]
#[inline]
pub fn fgetxattr(fd: impl AsFd, name: impl Arg, value: &mut [u8]) -> Result<usize> {
    let fd = fd.as_fd();
    name.with_c_str(|name| {
        let (ptr, len) = arg::slice_mut(value);
        let nr = Sysno::fgetxattr;
        // SAFETY: `name` is only read; the kernel writes at most `len` bytes into `value`.
        let ret = unsafe { arch::syscall4(nr, arg::fd(fd), arg::c_str(name), ptr, len) };
        Errno::decode(ret)
    })
}

/// `setxattr`/`lsetxattr` by number.
#[inline(always)]
fn set_by_path(
    nr: Sysno,
    path: impl Arg,
    name: impl Arg,
    value: &[u8],
    flags: XattrFlags,
) -> Result<()> {
    path.with_c_str(|path| {
        name.with_c_str(|name| {
            let (ptr, len) = arg::slice(value);
            // SAFETY: `path`, `name` (NUL-terminated) and `value` (`len` bytes) outlive the
            // call and the kernel only reads them. `nr` is setxattr or lsetxattr.
            let ret = unsafe {
                arch::syscall5_readonly(
                    nr,
                    arg::c_str(path),
                    arg::c_str(name),
                    ptr,
                    len,
                    arg::uint(flags.bits()),
                )
            };
            Errno::decode(ret).map(drop)
        })
    })
}

/// `setxattr(path, name, value, flags)` — sets an extended attribute of a file, following a
/// final symlink.
///
/// With empty `flags` the attribute is created or replaced; [`XattrFlags::CREATE`] and
/// [`XattrFlags::REPLACE`] make it one or the other. An empty `value` is a valid value.
///
/// # Errors
/// `EEXIST` (`CREATE` and it exists), `ENODATA` (`REPLACE` and it does not), `E2BIG` (value
/// over 64 KiB), `ERANGE` (`name` empty or over 255 bytes), `ENOSPC`/`EDQUOT`,
/// `EOPNOTSUPP` (no xattr support, or an unknown namespace), `EPERM` (`user.*` on a symlink
/// or special file; `trusted.*` without `CAP_SYS_ADMIN`; an immutable file), `EACCES`,
/// `EROFS`, `ENOENT`, `ENOTDIR`, `ELOOP`, `ENAMETOOLONG`, `EINVAL` (bad flags, or a NUL in
/// `path` or `name`).
///
/// # References
/// `man 2 setxattr`. Go: `syscall.Setxattr`.
#[doc(alias = "Setxattr")]
#[inline]
pub fn setxattr(path: impl Arg, name: impl Arg, value: &[u8], flags: XattrFlags) -> Result<()> {
    set_by_path(Sysno::setxattr, path, name, value, flags)
}

/// `lsetxattr(path, name, value, flags)` — as [`setxattr`], but on a symlink itself. Linux
/// does not allow `user.*` attributes on symlinks (`EPERM`).
///
/// # Errors
/// As [`setxattr`].
///
/// # References
/// `man 2 lsetxattr`. Go: `unix.Lsetxattr` (x/sys/unix).
#[doc(alias = "Lsetxattr")]
#[inline]
pub fn lsetxattr(path: impl Arg, name: impl Arg, value: &[u8], flags: XattrFlags) -> Result<()> {
    set_by_path(Sysno::lsetxattr, path, name, value, flags)
}

/// `fsetxattr(fd, name, value, flags)` — as [`setxattr`], for an open descriptor.
///
/// # Errors
/// As [`setxattr`]; `EBADF` for a descriptor that is not open.
///
/// # References
/// `man 2 fsetxattr`. Go: `unix.Fsetxattr` (x/sys/unix).
#[doc(alias = "Fsetxattr")]
#[inline]
pub fn fsetxattr(fd: impl AsFd, name: impl Arg, value: &[u8], flags: XattrFlags) -> Result<()> {
    let fd = fd.as_fd();
    name.with_c_str(|name| {
        let (ptr, len) = arg::slice(value);
        // SAFETY: `name` (NUL-terminated) and `value` (`len` bytes) outlive the call and the
        // kernel only reads them.
        let ret = unsafe {
            arch::syscall5_readonly(
                Sysno::fsetxattr,
                arg::fd(fd),
                arg::c_str(name),
                ptr,
                len,
                arg::uint(flags.bits()),
            )
        };
        Errno::decode(ret).map(drop)
    })
}

/// `listxattr`/`llistxattr` by number.
#[inline(always)]
fn list_by_path(nr: Sysno, path: impl Arg, list: &mut [u8]) -> Result<usize> {
    path.with_c_str(|path| {
        let (ptr, len) = arg::slice_mut(list);
        // SAFETY: `path` is only read; the kernel writes at most `len` bytes into `list`
        // (`nr` is listxattr or llistxattr).
        Errno::decode(unsafe { arch::syscall3(nr, arg::c_str(path), ptr, len) })
    })
}

/// `listxattr(path, list)` — lists the names of a file's extended attributes, following a
/// final symlink; returns the number of bytes of `list` filled.
///
/// The list is the names one after another, each ending with a NUL; read it with
/// [`XattrNames`]. With an empty `list` nothing is copied and the call returns the length
/// needed. Names the caller may not see (`trusted.*` without `CAP_SYS_ADMIN`) are left out.
///
/// # Errors
/// `ERANGE` (`list` too small), `E2BIG` (the list is over 64 KiB, the most the call can
/// return), `EOPNOTSUPP`, `ENOENT`, `ENOTDIR`, `EACCES`, `ELOOP`, `ENAMETOOLONG`, `EINVAL`
/// (a NUL in `path`).
///
/// # References
/// `man 2 listxattr`. Go: `syscall.Listxattr`.
#[doc(alias = "Listxattr")]
#[inline]
pub fn listxattr(path: impl Arg, list: &mut [u8]) -> Result<usize> {
    list_by_path(Sysno::listxattr, path, list)
}

/// `llistxattr(path, list)` — as [`listxattr`], but a final symlink is not followed.
///
/// # Errors
/// As [`listxattr`].
///
/// # References
/// `man 2 llistxattr`. Go: `unix.Llistxattr` (x/sys/unix).
#[doc(alias = "Llistxattr")]
#[inline]
pub fn llistxattr(path: impl Arg, list: &mut [u8]) -> Result<usize> {
    list_by_path(Sysno::llistxattr, path, list)
}

/// `flistxattr(fd, list)` — as [`listxattr`], for an open descriptor.
///
/// # Errors
/// As [`listxattr`]; `EBADF` for a descriptor that is not open.
///
/// # References
/// `man 2 flistxattr`. Go: `unix.Flistxattr` (x/sys/unix).
#[doc(alias = "Flistxattr")]
#[inline]
pub fn flistxattr(fd: impl AsFd, list: &mut [u8]) -> Result<usize> {
    let (ptr, len) = arg::slice_mut(list);
    // SAFETY: `list` is valid for writes of `len` bytes for the whole call and the kernel
    // writes at most `len`.
    Errno::decode(unsafe { arch::syscall3(Sysno::flistxattr, arg::fd(fd.as_fd()), ptr, len) })
}

/// `removexattr`/`lremovexattr` by number.
#[inline(always)]
fn remove_by_path(nr: Sysno, path: impl Arg, name: impl Arg) -> Result<()> {
    path.with_c_str(|path| {
        name.with_c_str(|name| {
            // SAFETY: `path` and `name` are NUL-terminated, outlive the call, and are only
            // read. `nr` is removexattr or lremovexattr.
            let ret = unsafe { arch::syscall2_readonly(nr, arg::c_str(path), arg::c_str(name)) };
            Errno::decode(ret).map(drop)
        })
    })
}

/// `removexattr(path, name)` — removes an extended attribute of a file, following a final
/// symlink.
///
/// # Errors
/// `ENODATA` (no such attribute), `EOPNOTSUPP`, `EPERM`, `EACCES`, `EROFS`, `ENOENT`,
/// `ENOTDIR`, `ELOOP`, `ENAMETOOLONG`, `ERANGE` (`name` over 255 bytes), `EINVAL` (a NUL in
/// `path` or `name`).
///
/// # References
/// `man 2 removexattr`. Go: `syscall.Removexattr`.
#[doc(alias = "Removexattr")]
#[inline]
pub fn removexattr(path: impl Arg, name: impl Arg) -> Result<()> {
    remove_by_path(Sysno::removexattr, path, name)
}

/// `lremovexattr(path, name)` — as [`removexattr`], but on a symlink itself.
///
/// # Errors
/// As [`removexattr`].
///
/// # References
/// `man 2 lremovexattr`. Go: `unix.Lremovexattr` (x/sys/unix).
#[doc(alias = "Lremovexattr")]
#[inline]
pub fn lremovexattr(path: impl Arg, name: impl Arg) -> Result<()> {
    remove_by_path(Sysno::lremovexattr, path, name)
}

/// `fremovexattr(fd, name)` — as [`removexattr`], for an open descriptor.
///
/// # Errors
/// As [`removexattr`]; `EBADF` for a descriptor that is not open.
///
/// # References
/// `man 2 fremovexattr`. Go: `unix.Fremovexattr` (x/sys/unix).
#[doc(alias = "Fremovexattr")]
#[inline]
pub fn fremovexattr(fd: impl AsFd, name: impl Arg) -> Result<()> {
    let fd = fd.as_fd();
    name.with_c_str(|name| {
        // SAFETY: `name` is NUL-terminated, outlives the call, and is only read.
        let ret =
            unsafe { arch::syscall2_readonly(Sysno::fremovexattr, arg::fd(fd), arg::c_str(name)) };
        Errno::decode(ret).map(drop)
    })
}

/// The names in a buffer filled by [`listxattr`], [`llistxattr`] or [`flistxattr`], without
/// allocating.
///
/// Give it the filled part only (`&buf[..n]`). Each name ends with a NUL; empty entries
/// (two NULs in a row) are skipped, and trailing bytes without a final NUL — not a complete
/// name, which the kernel never returns — are ignored.
///
/// ```no_run
/// # use sysrt::fs::{listxattr, XattrNames};
/// let mut buf = [0u8; 1024];
/// let n = listxattr("/tmp/f", &mut buf)?;
/// for name in XattrNames::new(buf.get(..n).unwrap_or_default()) {
///     let _ = name; // a &CStr such as c"user.comment"
/// }
/// # Ok::<(), sysrt::Errno>(())
/// ```
#[derive(Clone, Debug)]
pub struct XattrNames<'a> {
    rest: &'a [u8],
}

impl<'a> XattrNames<'a> {
    /// Iterates over the NUL-terminated names in `list`.
    #[inline]
    pub const fn new(list: &'a [u8]) -> XattrNames<'a> {
        XattrNames { rest: list }
    }
}

impl<'a> Iterator for XattrNames<'a> {
    type Item = &'a CStr;

    fn next(&mut self) -> Option<&'a CStr> {
        loop {
            match CStr::from_bytes_until_nul(self.rest) {
                Ok(name) => {
                    let used = name.count_bytes() + 1;
                    self.rest = self.rest.get(used..).unwrap_or_default();
                    if !name.is_empty() {
                        return Some(name);
                    }
                }
                // No NUL left: nothing more that is a complete name.
                Err(_) => {
                    self.rest = &[];
                    return None;
                }
            }
        }
    }
}

impl core::iter::FusedIterator for XattrNames<'_> {}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec::Vec;

    fn names(list: &[u8]) -> Vec<&CStr> {
        XattrNames::new(list).collect()
    }

    #[test]
    fn names_split_on_nul() {
        assert_eq!(
            names(b"user.a\0user.bb\0security.selinux\0"),
            [c"user.a", c"user.bb", c"security.selinux"]
        );
    }

    #[test]
    fn empty_list_has_no_names() {
        assert!(names(b"").is_empty());
        assert!(names(b"\0").is_empty());
        assert!(names(b"\0\0\0").is_empty());
    }

    #[test]
    fn empty_entries_are_skipped() {
        assert_eq!(names(b"\0user.a\0\0\0user.b\0"), [c"user.a", c"user.b"]);
    }

    #[test]
    fn missing_final_nul_drops_only_the_fragment() {
        assert_eq!(names(b"user.a\0user.b"), [c"user.a"]);
        assert!(names(b"user.a").is_empty());
    }

    #[test]
    fn fused_after_end() {
        let mut it = XattrNames::new(b"user.a\0tail");
        assert_eq!(it.next(), Some(c"user.a"));
        assert_eq!(it.next(), None);
        assert_eq!(it.next(), None);
    }
}
