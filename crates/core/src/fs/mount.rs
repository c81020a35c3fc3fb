//! Mounts: `mount`, `umount2` (Go's `Unmount`), `pivot_root`.
//!
//! All of these need `CAP_SYS_ADMIN` in the user namespace that owns the mount namespace:
//! without it they fail with `EPERM`.

use core::ffi::CStr;

use bitflags::bitflags;
use linux_raw_sys::general as g;

use crate::path::Arg;
use crate::{Errno, Result, Sysno, arch, arg};

bitflags! {
    /// `MS_*` flags for [`mount`].
    ///
    /// Besides the per-mount options, some flags choose a different operation: `REMOUNT`
    /// (change options of an existing mount), `BIND` (make a subtree visible elsewhere), `MOVE`
    /// (move a mount), and the propagation types `SHARED`, `PRIVATE`, `SLAVE`, `UNBINDABLE`
    /// (each alone, optionally with `REC`).
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct MountFlags: u32 {
        /// `MS_RDONLY`: mount read-only (writes fail with `EROFS`).
        #[doc(alias = "MS_RDONLY")]
        const RDONLY = g::MS_RDONLY;
        /// `MS_NOSUID`: ignore set-user-ID and set-group-ID bits and file capabilities.
        #[doc(alias = "MS_NOSUID")]
        const NOSUID = g::MS_NOSUID;
        /// `MS_NODEV`: do not allow access to device special files.
        #[doc(alias = "MS_NODEV")]
        const NODEV = g::MS_NODEV;
        /// `MS_NOEXEC`: do not allow programs to be executed.
        #[doc(alias = "MS_NOEXEC")]
        const NOEXEC = g::MS_NOEXEC;
        /// `MS_SYNCHRONOUS`: writes are synchronous.
        #[doc(alias = "MS_SYNCHRONOUS")]
        const SYNCHRONOUS = g::MS_SYNCHRONOUS;
        /// `MS_REMOUNT`: change the options of the existing mount at `target`.
        #[doc(alias = "MS_REMOUNT")]
        const REMOUNT = g::MS_REMOUNT;
        /// `MS_MANDLOCK`: allow mandatory locks (removed in Linux 5.15: ignored or `EPERM`).
        #[doc(alias = "MS_MANDLOCK")]
        const MANDLOCK = g::MS_MANDLOCK;
        /// `MS_DIRSYNC`: directory changes are synchronous.
        #[doc(alias = "MS_DIRSYNC")]
        const DIRSYNC = g::MS_DIRSYNC;
        /// `MS_NOSYMFOLLOW`: do not follow symlinks when resolving paths on this mount.
        #[doc(alias = "MS_NOSYMFOLLOW")]
        const NOSYMFOLLOW = g::MS_NOSYMFOLLOW;
        /// `MS_NOATIME`: do not update access times.
        #[doc(alias = "MS_NOATIME")]
        const NOATIME = g::MS_NOATIME;
        /// `MS_NODIRATIME`: do not update access times of directories.
        #[doc(alias = "MS_NODIRATIME")]
        const NODIRATIME = g::MS_NODIRATIME;
        /// `MS_BIND`: make `source` (a file or directory) visible at `target` as well.
        #[doc(alias = "MS_BIND")]
        const BIND = g::MS_BIND;
        /// `MS_MOVE`: move the mount at `source` to `target`.
        #[doc(alias = "MS_MOVE")]
        const MOVE = g::MS_MOVE;
        /// `MS_REC`: with `BIND` or a propagation type, apply to the whole subtree.
        #[doc(alias = "MS_REC")]
        const REC = g::MS_REC;
        /// `MS_SILENT`: suppress some kernel log messages (formerly `MS_VERBOSE`).
        #[doc(alias = "MS_SILENT", alias = "MS_VERBOSE")]
        const SILENT = g::MS_SILENT;
        /// `MS_POSIXACL`: the filesystem applies POSIX ACLs (set by filesystems, not callers).
        #[doc(alias = "MS_POSIXACL")]
        const POSIXACL = g::MS_POSIXACL;
        /// `MS_UNBINDABLE`: make the mount unbindable (a private mount that cannot be bound).
        #[doc(alias = "MS_UNBINDABLE")]
        const UNBINDABLE = g::MS_UNBINDABLE;
        /// `MS_PRIVATE`: make the mount private: no propagation in or out.
        #[doc(alias = "MS_PRIVATE")]
        const PRIVATE = g::MS_PRIVATE;
        /// `MS_SLAVE`: receive propagation from the peer group, send none.
        #[doc(alias = "MS_SLAVE")]
        const SLAVE = g::MS_SLAVE;
        /// `MS_SHARED`: share mount and unmount events with its peer group.
        #[doc(alias = "MS_SHARED")]
        const SHARED = g::MS_SHARED;
        /// `MS_RELATIME`: update access times only if older than the modification time (or a
        /// day old); the default.
        #[doc(alias = "MS_RELATIME")]
        const RELATIME = g::MS_RELATIME;
        /// `MS_I_VERSION`: update the inode version on every change.
        #[doc(alias = "MS_I_VERSION")]
        const I_VERSION = g::MS_I_VERSION;
        /// `MS_STRICTATIME`: always update access times.
        #[doc(alias = "MS_STRICTATIME")]
        const STRICTATIME = g::MS_STRICTATIME;
        /// `MS_LAZYTIME`: keep time updates in memory until the inode is written anyway.
        #[doc(alias = "MS_LAZYTIME")]
        const LAZYTIME = g::MS_LAZYTIME;
    }
}

bitflags! {
    /// `MNT_*`/`UMOUNT_*` flags for [`umount2`].
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct UnmountFlags: u32 {
        /// `MNT_FORCE`: abort pending requests (NFS, FUSE…) and unmount even if busy; may lose
        /// data.
        #[doc(alias = "MNT_FORCE")]
        const FORCE = g::MNT_FORCE;
        /// `MNT_DETACH`: lazy unmount: detach the mount now, clean up when it is no longer
        /// busy.
        #[doc(alias = "MNT_DETACH")]
        const DETACH = g::MNT_DETACH;
        /// `MNT_EXPIRE`: mark the mount expired; a second call unmounts it if it was unused
        /// meanwhile (`EAGAIN` the first time).
        #[doc(alias = "MNT_EXPIRE")]
        const EXPIRE = g::MNT_EXPIRE;
        /// `UMOUNT_NOFOLLOW`: do not follow a final symlink in `target`.
        #[doc(alias = "UMOUNT_NOFOLLOW")]
        const NOFOLLOW = g::UMOUNT_NOFOLLOW;
    }
}

/// `mount(source, target, fstype, flags, data)` — attaches a filesystem, or changes a mount
/// (remount, bind, move, propagation), at `target`.
///
/// Which arguments matter depends on `flags`: for a new mount, `fstype` names the filesystem
/// type (`"tmpfs"`, `"ext4"` …, as in `/proc/filesystems`) and `source` the device (ignored
/// by pseudo filesystems such as tmpfs, which show it in `/proc/self/mountinfo`). `fstype` is
/// ignored with `REMOUNT`, `BIND`, `MOVE` and the propagation flags, and `source` with
/// `REMOUNT` and the propagation flags: pass `""` there, as Go does. `data` is the
/// filesystem's option string (`c"size=1m,mode=700"`), or `None` for NULL.
///
/// # Errors
/// `EPERM` (no `CAP_SYS_ADMIN`), `ENODEV` (unknown `fstype`), `ENOENT` (`target` or
/// `source` missing), `ENOTDIR`, `ENOTBLK` (`source` is not a block device for a disk
/// filesystem), `EBUSY` (`source` already mounted; read-only remount with files open for
/// writing), `EINVAL` (`REMOUNT` or `MOVE` where there is no mount, bad flag combinations,
/// bad options in `data`, a NUL in a string), `EACCES`, `ELOOP`, `ENAMETOOLONG`, `EMFILE`,
/// `ENOMEM`, `ENXIO`.
///
/// # References
/// `man 2 mount`. Go: `syscall.Mount`.
#[doc(alias = "Mount")]
#[inline]
pub fn mount(
    source: impl Arg,
    target: impl Arg,
    fstype: impl Arg,
    flags: MountFlags,
    data: Option<&CStr>,
) -> Result<()> {
    source.with_c_str(|source| {
        target.with_c_str(|target| {
            fstype.with_c_str(|fstype| {
                let data = data.map_or(0, arg::c_str);
                // SAFETY: the three paths and `data` (when not NULL) are NUL-terminated and
                // outlive the call; the kernel only reads them (`data` up to one page).
                let ret = unsafe {
                    arch::syscall5_readonly(
                        Sysno::mount,
                        arg::c_str(source),
                        arg::c_str(target),
                        arg::c_str(fstype),
                        arg::uint(flags.bits()),
                        data,
                    )
                };
                Errno::decode(ret).map(drop)
            })
        })
    })
}

/// `umount2(target, flags)` — detaches the mount at `target`.
///
/// With empty `flags`, fails with `EBUSY` while anything uses the mount (an open file, a
/// current directory, a mount below it); [`UnmountFlags::DETACH`] detaches it anyway and
/// cleans up later.
///
/// # Errors
/// `EINVAL` (`target` is not a mount point, or bad flags such as `EXPIRE` with `FORCE` or
/// `DETACH`), `EBUSY`, `EAGAIN` (the first `EXPIRE` call), `EPERM` (no `CAP_SYS_ADMIN`),
/// `ENOENT`, `ENOTDIR`, `ELOOP`, `ENAMETOOLONG`.
///
/// # References
/// `man 2 umount2`. Go: `syscall.Unmount`.
#[doc(alias = "Unmount", alias = "umount")]
#[inline]
pub fn umount2(target: impl Arg, flags: UnmountFlags) -> Result<()> {
    target.with_c_str(|target| {
        // SAFETY: `target` is NUL-terminated, outlives the call, and is only read.
        let ret = unsafe {
            arch::syscall2_readonly(Sysno::umount2, arg::c_str(target), arg::uint(flags.bits()))
        };
        Errno::decode(ret).map(drop)
    })
}

/// `unmount(target, flags)` — the name Go gives [`umount2`]; the same call.
///
/// # Errors
/// As [`umount2`].
///
/// # References
/// `man 2 umount2`. Go: `syscall.Unmount`.
#[doc(alias = "Unmount")]
#[inline]
pub fn unmount(target: impl Arg, flags: UnmountFlags) -> Result<()> {
    umount2(target, flags)
}

/// `pivot_root(new_root, put_old)` — makes the mount at `new_root` the root mount of the
/// calling process's mount namespace, and moves the old root to `put_old`.
///
/// `new_root` must be a mount point (bind-mount it onto itself if it is not), not on the same
/// mount as the current root; `put_old` must be at or under `new_root`. The current root and
/// directory of processes in the namespace that use the old root are moved too.
///
/// # Errors
/// `EINVAL` (`new_root` is not a mount point, `put_old` is not under it, or the old root's
/// propagation is shared), `EBUSY` (`new_root` or `put_old` is the current root, or already
/// a mount point at `put_old`), `ENOTDIR`, `EPERM` (no `CAP_SYS_ADMIN`), `ENOENT`, `EACCES`,
/// `ELOOP`, `ENAMETOOLONG`.
///
/// # References
/// `man 2 pivot_root`. Go: `syscall.PivotRoot`.
#[doc(alias = "PivotRoot")]
#[inline]
pub fn pivot_root(new_root: impl Arg, put_old: impl Arg) -> Result<()> {
    new_root.with_c_str(|new_root| {
        put_old.with_c_str(|put_old| {
            // SAFETY: both paths are NUL-terminated, outlive the call, and are only read.
            let ret = unsafe {
                arch::syscall2_readonly(
                    Sysno::pivot_root,
                    arg::c_str(new_root),
                    arg::c_str(put_old),
                )
            };
            Errno::decode(ret).map(drop)
        })
    })
}
