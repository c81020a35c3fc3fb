//! Metadata: the `stat` family, `statx`, and `statfs`/`fstatfs`.
//!
//! The kernel structs come from linux-raw-sys, whose generated `struct stat` has each arch's
//! own layout (x86_64's differs from the generic one aarch64 and riscv64 share); every call
//! here converts field by field into one arch-independent Rust type.

use core::mem::MaybeUninit;

use bitflags::bitflags;
use linux_raw_sys::general as g;

use crate::fd::{AsFd, BorrowedFd, CWD};
use crate::fs::{AtFlags, Mode};
use crate::path::Arg;
use crate::time::Timespec;
use crate::{Errno, Result, Sysno, arch, arg};

/// The type of a file: the `S_IFMT` part of its mode, or a directory entry's `d_type`.
///
/// Go: the `S_IF*` constants of `syscall` (and `fs.FileMode`'s type bits).
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub enum FileType {
    /// `S_IFREG`: a regular file.
    #[doc(alias = "S_IFREG")]
    RegularFile,
    /// `S_IFDIR`: a directory.
    #[doc(alias = "S_IFDIR")]
    Directory,
    /// `S_IFLNK`: a symbolic link.
    #[doc(alias = "S_IFLNK")]
    Symlink,
    /// `S_IFIFO`: a FIFO (named pipe).
    #[doc(alias = "S_IFIFO")]
    Fifo,
    /// `S_IFSOCK`: a Unix-domain socket.
    #[doc(alias = "S_IFSOCK")]
    Socket,
    /// `S_IFCHR`: a character device.
    #[doc(alias = "S_IFCHR")]
    CharacterDevice,
    /// `S_IFBLK`: a block device.
    #[doc(alias = "S_IFBLK")]
    BlockDevice,
    /// None of the above: a type field this library does not know, or a directory entry the
    /// filesystem did not type (`DT_UNKNOWN`; call [`fstatat`] to learn it).
    Unknown,
}

impl FileType {
    /// The type named by the `S_IFMT` bits of `mode`; other bits are ignored.
    #[inline]
    pub const fn from_mode(mode: u32) -> FileType {
        match mode & g::S_IFMT {
            g::S_IFREG => FileType::RegularFile,
            g::S_IFDIR => FileType::Directory,
            g::S_IFLNK => FileType::Symlink,
            g::S_IFIFO => FileType::Fifo,
            g::S_IFSOCK => FileType::Socket,
            g::S_IFCHR => FileType::CharacterDevice,
            g::S_IFBLK => FileType::BlockDevice,
            _ => FileType::Unknown,
        }
    }

    /// The `S_IF*` bits of this type (`S_IFREG` for a regular file); 0 for `Unknown`.
    #[inline]
    pub const fn as_mode_bits(self) -> u32 {
        match self {
            FileType::RegularFile => g::S_IFREG,
            FileType::Directory => g::S_IFDIR,
            FileType::Symlink => g::S_IFLNK,
            FileType::Fifo => g::S_IFIFO,
            FileType::Socket => g::S_IFSOCK,
            FileType::CharacterDevice => g::S_IFCHR,
            FileType::BlockDevice => g::S_IFBLK,
            FileType::Unknown => 0,
        }
    }
}

/// A file's metadata, as `fstat`/`fstatat` report it, with the fields Go's `Stat_t` has.
///
/// Go: `syscall.Stat_t`.
#[doc(alias = "Stat_t")]
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub struct Stat {
    /// The device the file lives on (`st_dev`, encoded as `makedev` does).
    pub dev: u64,
    /// The inode number (`st_ino`).
    pub ino: u64,
    /// The file type and permission bits (`st_mode`); see [`Stat::file_type`] and
    /// [`Stat::permissions`].
    pub mode: u32,
    /// The number of hard links (`st_nlink`).
    pub nlink: u64,
    /// The owner's user ID (`st_uid`).
    pub uid: u32,
    /// The owner's group ID (`st_gid`).
    pub gid: u32,
    /// For a device file, the device it stands for (`st_rdev`); 0 otherwise.
    pub rdev: u64,
    /// The size in bytes (`st_size`); for a symlink, the length of its target.
    pub size: i64,
    /// The preferred I/O block size (`st_blksize`).
    pub blksize: i64,
    /// The number of 512-byte blocks allocated (`st_blocks`).
    pub blocks: i64,
    /// The last access (`st_atim`).
    pub atime: Timespec,
    /// The last modification of the contents (`st_mtim`).
    pub mtime: Timespec,
    /// The last change of the inode: contents, owner, mode, links (`st_ctim`).
    pub ctime: Timespec,
}

impl Stat {
    /// The file type, from the `S_IFMT` bits of [`Stat::mode`].
    #[inline]
    pub const fn file_type(&self) -> FileType {
        FileType::from_mode(self.mode)
    }

    /// The permission bits of [`Stat::mode`] (`0o7777`: rwx for each class, setuid, setgid,
    /// sticky), without the file type.
    #[inline]
    pub const fn permissions(&self) -> Mode {
        Mode::from_bits_retain(self.mode & 0o7777)
    }

    /// Whether this is a directory.
    #[inline]
    pub const fn is_dir(&self) -> bool {
        matches!(self.file_type(), FileType::Directory)
    }

    /// Whether this is a regular file.
    #[inline]
    pub const fn is_file(&self) -> bool {
        matches!(self.file_type(), FileType::RegularFile)
    }

    /// Whether this is a symbolic link (only [`lstat`] or `SYMLINK_NOFOLLOW` can report one).
    #[inline]
    pub const fn is_symlink(&self) -> bool {
        matches!(self.file_type(), FileType::Symlink)
    }

    /// Converts the kernel's `struct stat`.
    ///
    /// The field types differ per arch (`st_nlink` is 64-bit on x86_64 and 32-bit in the
    /// generic layout; the seconds are unsigned on x86_64 and signed elsewhere), so every field
    /// goes through `as` to the one type Go's `Stat_t` uses. None of these casts loses bits:
    /// each kernel field is at most 64 bits wide, and the signed/unsigned reinterpretations are
    /// those Go makes too (times past 2262 or sizes past 2^63 do not exist).
    #[inline]
    #[allow(clippy::unnecessary_cast)] // unnecessary on some arches only
    fn from_kernel(s: &g::stat) -> Stat {
        Stat {
            dev: s.st_dev as u64,
            ino: s.st_ino as u64,
            mode: s.st_mode as u32,
            nlink: s.st_nlink as u64,
            uid: s.st_uid as u32,
            gid: s.st_gid as u32,
            rdev: s.st_rdev as u64,
            size: s.st_size as i64,
            blksize: s.st_blksize as i64,
            blocks: s.st_blocks as i64,
            atime: Timespec::new(s.st_atime as i64, s.st_atime_nsec as i64),
            mtime: Timespec::new(s.st_mtime as i64, s.st_mtime_nsec as i64),
            ctime: Timespec::new(s.st_ctime as i64, s.st_ctime_nsec as i64),
        }
    }
}

/// A pointer to an uninitialized out-struct as a register.
#[inline(always)]
fn out_ptr<T>(out: &mut MaybeUninit<T>) -> usize {
    out.as_mut_ptr() as usize
}

/// `fstat(fd)` — returns the metadata of an open file.
///
/// # Errors
/// `EBADF` (`fd` is not open), `EIO`, `EOVERFLOW` (not on 64-bit arches).
///
/// # References
/// `man 2 fstat`. Go: `syscall.Fstat`.
#[doc(alias = "Fstat")]
#[inline]
pub fn fstat(fd: impl AsFd) -> Result<Stat> {
    let mut out = MaybeUninit::<g::stat>::uninit();
    // SAFETY: `out` is valid for writes of one `struct stat` for the whole call, and the
    // kernel writes exactly one (linux-raw-sys generated the struct for this arch).
    let ret = unsafe { arch::syscall2(Sysno::fstat, arg::fd(fd.as_fd()), out_ptr(&mut out)) };
    Errno::decode(ret)?;
    // SAFETY: a successful fstat filled all of `out`.
    Ok(Stat::from_kernel(unsafe { out.assume_init_ref() }))
}

/// `fstatat(dirfd, path, flags)` — returns the metadata of a file named relative to a
/// directory; uses the `newfstatat` syscall (its name on every arch).
///
/// A relative `path` is resolved from `dirfd` ([`CWD`] for the current directory); an absolute
/// one ignores `dirfd`. Flags: `SYMLINK_NOFOLLOW` (report a symlink itself), `EMPTY_PATH`
/// (with `path` `""`, report `dirfd` itself, which may be any fd), `NO_AUTOMOUNT`.
///
/// # Errors
/// `ENOENT`, `ENOTDIR` (a component, or `dirfd` for a relative path, is not a directory),
/// `ELOOP` (too many symlinks), `EACCES` (search permission denied on a component),
/// `ENAMETOOLONG`, `EINVAL` (bad flags, or a NUL in `path`), `EBADF` (bad `dirfd`), `ENOMEM`.
///
/// # References
/// `man 2 fstatat`. Go: `unix.Fstatat` (x/sys/unix).
#[doc(alias = "Fstatat", alias = "newfstatat")]
#[inline]
pub fn fstatat(dirfd: impl AsFd, path: impl Arg, flags: AtFlags) -> Result<Stat> {
    let dirfd: BorrowedFd<'_> = dirfd.as_fd();
    path.with_c_str(|path| {
        let mut out = MaybeUninit::<g::stat>::uninit();
        // SAFETY: `path` is NUL-terminated and only read; `out` is valid for writes of one
        // `struct stat` for the whole call, and the kernel writes exactly one.
        let ret = unsafe {
            arch::syscall4(
                Sysno::newfstatat,
                arg::fd(dirfd),
                arg::c_str(path),
                out_ptr(&mut out),
                arg::uint(flags.bits()),
            )
        };
        Errno::decode(ret)?;
        // SAFETY: a successful newfstatat filled all of `out`.
        Ok(Stat::from_kernel(unsafe { out.assume_init_ref() }))
    })
}

/// `stat(path)` — returns the metadata of a file, following symlinks; uses
/// `newfstatat(AT_FDCWD, path, 0)`, which every arch has.
///
/// # Errors
/// As [`fstatat`].
///
/// # References
/// `man 2 stat`. Go: `syscall.Stat`.
#[doc(alias = "Stat")]
#[inline]
pub fn stat(path: impl Arg) -> Result<Stat> {
    fstatat(CWD, path, AtFlags::empty())
}

/// `lstat(path)` — returns the metadata of a file; a symlink is reported itself, not its
/// target. Uses `newfstatat(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW)`.
///
/// # Errors
/// As [`fstatat`].
///
/// # References
/// `man 2 lstat`. Go: `syscall.Lstat`.
#[doc(alias = "Lstat")]
#[inline]
pub fn lstat(path: impl Arg) -> Result<Stat> {
    fstatat(CWD, path, AtFlags::SYMLINK_NOFOLLOW)
}

bitflags! {
    /// `STATX_*` mask bits: which fields [`statx`] is asked for, and (in [`Statx::mask`])
    /// which it filled.
    ///
    /// Unknown bits are kept, so a newer kernel's answer is not lost.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct StatxFlags: u32 {
        /// `STATX_TYPE`: the file type part of `mode`.
        #[doc(alias = "STATX_TYPE")]
        const TYPE = g::STATX_TYPE;
        /// `STATX_MODE`: the permission part of `mode`.
        #[doc(alias = "STATX_MODE")]
        const MODE = g::STATX_MODE;
        /// `STATX_NLINK`: `nlink`.
        #[doc(alias = "STATX_NLINK")]
        const NLINK = g::STATX_NLINK;
        /// `STATX_UID`: `uid`.
        #[doc(alias = "STATX_UID")]
        const UID = g::STATX_UID;
        /// `STATX_GID`: `gid`.
        #[doc(alias = "STATX_GID")]
        const GID = g::STATX_GID;
        /// `STATX_ATIME`: `atime`.
        #[doc(alias = "STATX_ATIME")]
        const ATIME = g::STATX_ATIME;
        /// `STATX_MTIME`: `mtime`.
        #[doc(alias = "STATX_MTIME")]
        const MTIME = g::STATX_MTIME;
        /// `STATX_CTIME`: `ctime`.
        #[doc(alias = "STATX_CTIME")]
        const CTIME = g::STATX_CTIME;
        /// `STATX_INO`: `ino`.
        #[doc(alias = "STATX_INO")]
        const INO = g::STATX_INO;
        /// `STATX_SIZE`: `size`.
        #[doc(alias = "STATX_SIZE")]
        const SIZE = g::STATX_SIZE;
        /// `STATX_BLOCKS`: `blocks`.
        #[doc(alias = "STATX_BLOCKS")]
        const BLOCKS = g::STATX_BLOCKS;
        /// `STATX_BASIC_STATS`: everything `fstat` reports (`TYPE` through `BLOCKS`).
        #[doc(alias = "STATX_BASIC_STATS")]
        const BASIC_STATS = g::STATX_BASIC_STATS;
        /// `STATX_BTIME`: `btime`, the creation time (not every filesystem has one).
        #[doc(alias = "STATX_BTIME")]
        const BTIME = g::STATX_BTIME;
        /// `STATX_MNT_ID`: `mnt_id`.
        #[doc(alias = "STATX_MNT_ID")]
        const MNT_ID = g::STATX_MNT_ID;
        /// `STATX_DIOALIGN`: `dio_mem_align` and `dio_offset_align` (Linux 6.1).
        #[doc(alias = "STATX_DIOALIGN")]
        const DIOALIGN = g::STATX_DIOALIGN;
        /// `STATX_MNT_ID_UNIQUE`: `mnt_id` as a unique, never-reused ID (Linux 6.8).
        #[doc(alias = "STATX_MNT_ID_UNIQUE")]
        const MNT_ID_UNIQUE = g::STATX_MNT_ID_UNIQUE;
        /// `STATX_ALL`: `BASIC_STATS | BTIME` (deprecated by the kernel: ask for what you
        /// need).
        #[doc(alias = "STATX_ALL")]
        const ALL = g::STATX_ALL;

        const _ = !0;
    }
}

bitflags! {
    /// `STATX_ATTR_*` bits of [`Statx::attributes`] and [`Statx::attributes_mask`].
    ///
    /// Unknown bits are kept.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct StatxAttributes: u64 {
        /// `STATX_ATTR_COMPRESSED`: the filesystem compresses the file.
        #[doc(alias = "STATX_ATTR_COMPRESSED")]
        const COMPRESSED = g::STATX_ATTR_COMPRESSED as u64;
        /// `STATX_ATTR_IMMUTABLE`: the file cannot be modified, renamed or linked to.
        #[doc(alias = "STATX_ATTR_IMMUTABLE")]
        const IMMUTABLE = g::STATX_ATTR_IMMUTABLE as u64;
        /// `STATX_ATTR_APPEND`: the file can only be opened for appending.
        #[doc(alias = "STATX_ATTR_APPEND")]
        const APPEND = g::STATX_ATTR_APPEND as u64;
        /// `STATX_ATTR_NODUMP`: the file is not a candidate for backup.
        #[doc(alias = "STATX_ATTR_NODUMP")]
        const NODUMP = g::STATX_ATTR_NODUMP as u64;
        /// `STATX_ATTR_ENCRYPTED`: the file needs a key to be read.
        #[doc(alias = "STATX_ATTR_ENCRYPTED")]
        const ENCRYPTED = g::STATX_ATTR_ENCRYPTED as u64;
        /// `STATX_ATTR_AUTOMOUNT`: the directory is an automount trigger.
        #[doc(alias = "STATX_ATTR_AUTOMOUNT")]
        const AUTOMOUNT = g::STATX_ATTR_AUTOMOUNT as u64;
        /// `STATX_ATTR_MOUNT_ROOT`: the file is the root of a mount.
        #[doc(alias = "STATX_ATTR_MOUNT_ROOT")]
        const MOUNT_ROOT = g::STATX_ATTR_MOUNT_ROOT as u64;
        /// `STATX_ATTR_VERITY`: the file has fs-verity enabled.
        #[doc(alias = "STATX_ATTR_VERITY")]
        const VERITY = g::STATX_ATTR_VERITY as u64;
        /// `STATX_ATTR_DAX`: the file is in the DAX (direct access) state.
        #[doc(alias = "STATX_ATTR_DAX")]
        const DAX = g::STATX_ATTR_DAX as u64;
        /// `STATX_ATTR_WRITE_ATOMIC`: the file supports atomic write operations.
        #[doc(alias = "STATX_ATTR_WRITE_ATOMIC")]
        const WRITE_ATOMIC = g::STATX_ATTR_WRITE_ATOMIC as u64;

        const _ = !0;
    }
}

/// A file's extended metadata, as [`statx`] reports it.
///
/// Only the fields whose bit is in [`Statx::mask`] are meaningful; the others are 0.
///
/// Go: `unix.Statx_t` (x/sys/unix).
#[doc(alias = "Statx_t")]
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub struct Statx {
    /// Which fields were filled (`stx_mask`); may hold more or fewer bits than asked for.
    pub mask: StatxFlags,
    /// The preferred I/O block size (`stx_blksize`).
    pub blksize: u32,
    /// File attributes (`stx_attributes`); only those in `attributes_mask` are meaningful.
    pub attributes: StatxAttributes,
    /// The number of hard links (`stx_nlink`).
    pub nlink: u32,
    /// The owner's user ID (`stx_uid`).
    pub uid: u32,
    /// The owner's group ID (`stx_gid`).
    pub gid: u32,
    /// The file type and permission bits (`stx_mode`).
    pub mode: u16,
    /// The inode number (`stx_ino`).
    pub ino: u64,
    /// The size in bytes (`stx_size`).
    pub size: u64,
    /// The number of 512-byte blocks allocated (`stx_blocks`).
    pub blocks: u64,
    /// The attributes this filesystem supports (`stx_attributes_mask`).
    pub attributes_mask: StatxAttributes,
    /// The last access (`stx_atime`).
    pub atime: Timespec,
    /// The creation time (`stx_btime`), when `mask` has `BTIME`.
    pub btime: Timespec,
    /// The last change of the inode (`stx_ctime`).
    pub ctime: Timespec,
    /// The last modification of the contents (`stx_mtime`).
    pub mtime: Timespec,
    /// For a device file, the major number of the device it stands for (`stx_rdev_major`).
    pub rdev_major: u32,
    /// For a device file, the minor number of the device it stands for (`stx_rdev_minor`).
    pub rdev_minor: u32,
    /// The major number of the device the file lives on (`stx_dev_major`).
    pub dev_major: u32,
    /// The minor number of the device the file lives on (`stx_dev_minor`).
    pub dev_minor: u32,
    /// The mount ID (`stx_mnt_id`), when `mask` has `MNT_ID` or `MNT_ID_UNIQUE`.
    pub mnt_id: u64,
    /// The memory alignment `O_DIRECT` needs (`stx_dio_mem_align`), when `mask` has
    /// `DIOALIGN`; 0 if direct I/O is not supported.
    pub dio_mem_align: u32,
    /// The file-offset alignment `O_DIRECT` needs (`stx_dio_offset_align`), with
    /// `dio_mem_align`.
    pub dio_offset_align: u32,
}

impl Statx {
    /// The file type, from the `S_IFMT` bits of [`Statx::mode`].
    #[inline]
    pub const fn file_type(&self) -> FileType {
        FileType::from_mode(self.mode as u32)
    }

    /// Converts the kernel's `struct statx` (one layout on every arch).
    #[inline]
    fn from_kernel(s: &g::statx) -> Statx {
        let ts = |t: g::statx_timestamp| Timespec::new(t.tv_sec, i64::from(t.tv_nsec));
        Statx {
            mask: StatxFlags::from_bits_retain(s.stx_mask),
            blksize: s.stx_blksize,
            attributes: StatxAttributes::from_bits_retain(s.stx_attributes),
            nlink: s.stx_nlink,
            uid: s.stx_uid,
            gid: s.stx_gid,
            mode: s.stx_mode,
            ino: s.stx_ino,
            size: s.stx_size,
            blocks: s.stx_blocks,
            attributes_mask: StatxAttributes::from_bits_retain(s.stx_attributes_mask),
            atime: ts(s.stx_atime),
            btime: ts(s.stx_btime),
            ctime: ts(s.stx_ctime),
            mtime: ts(s.stx_mtime),
            rdev_major: s.stx_rdev_major,
            rdev_minor: s.stx_rdev_minor,
            dev_major: s.stx_dev_major,
            dev_minor: s.stx_dev_minor,
            mnt_id: s.stx_mnt_id,
            dio_mem_align: s.stx_dio_mem_align,
            dio_offset_align: s.stx_dio_offset_align,
        }
    }
}

/// `statx(dirfd, path, flags, mask)` — returns the extended metadata of a file named relative
/// to a directory.
///
/// `mask` asks for fields; [`Statx::mask`] says which were filled (a filesystem may fill more,
/// or fewer when it has no such field, such as `BTIME` on tmpfs before Linux 6.13). `flags`
/// are as for [`fstatat`]; with `EMPTY_PATH` and `path` `""` the call reports `dirfd` itself.
/// The sync bits (`AT_STATX_FORCE_SYNC`, `AT_STATX_DONT_SYNC`) are passed as
/// `AtFlags::from_bits_retain`.
///
/// # Errors
/// As [`fstatat`]; `EINVAL` also for a reserved `mask` bit (`STATX__RESERVED`) or both sync
/// bits at once; `ENOSYS` before Linux 4.11 (and on emulators that lack it).
///
/// # References
/// `man 2 statx`. Go: `unix.Statx` (x/sys/unix).
#[doc(alias = "Statx")]
#[inline]
pub fn statx(dirfd: impl AsFd, path: impl Arg, flags: AtFlags, mask: StatxFlags) -> Result<Statx> {
    let dirfd: BorrowedFd<'_> = dirfd.as_fd();
    path.with_c_str(|path| {
        let mut out = MaybeUninit::<g::statx>::uninit();
        // The kernel writes exactly `sizeof(struct statx)`: 256 bytes since Linux 4.11, new
        // fields come out of its spare space, never past it.
        // SAFETY: `path` is only read; `out` is one writable `struct statx` for the call.
        let ret = unsafe {
            arch::syscall5(
                Sysno::statx,
                arg::fd(dirfd),
                arg::c_str(path),
                arg::uint(flags.bits()),
                arg::uint(mask.bits()),
                out_ptr(&mut out),
            )
        };
        Errno::decode(ret)?;
        // SAFETY: a successful statx filled all of `out` (unrequested fields are zeroed).
        Ok(Statx::from_kernel(unsafe { out.assume_init_ref() }))
    })
}

/// A filesystem's statistics, as [`statfs`] and [`fstatfs`] report them, with the fields Go's
/// `Statfs_t` has.
///
/// Go: `syscall.Statfs_t`.
#[doc(alias = "Statfs_t")]
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub struct StatFs {
    /// The filesystem's magic number (`f_type`; Go's `Type`, a Rust keyword): compare with
    /// the associated constants such as [`StatFs::TMPFS_MAGIC`].
    pub f_type: u64,
    /// The optimal transfer block size (`f_bsize`).
    pub bsize: i64,
    /// The total number of blocks, in `frsize` units (`f_blocks`).
    pub blocks: u64,
    /// Free blocks (`f_bfree`).
    pub bfree: u64,
    /// Free blocks available to an unprivileged user (`f_bavail`).
    pub bavail: u64,
    /// The total number of inodes (`f_files`).
    pub files: u64,
    /// Free inodes (`f_ffree`).
    pub ffree: u64,
    /// The filesystem ID (`f_fsid`).
    pub fsid: [i32; 2],
    /// The longest file name (`f_namelen`).
    pub namelen: i64,
    /// The fragment size (`f_frsize`).
    pub frsize: i64,
    /// The mount flags (`f_flags`, `ST_*`: `ST_RDONLY` is 1, `ST_NOSUID` 2 …).
    pub flags: i64,
}

impl StatFs {
    /// `TMPFS_MAGIC`: tmpfs (`/dev/shm`, often `/tmp` and `/run`).
    pub const TMPFS_MAGIC: u64 = g::TMPFS_MAGIC as u64;
    /// `PROC_SUPER_MAGIC`: procfs (`/proc`).
    pub const PROC_SUPER_MAGIC: u64 = g::PROC_SUPER_MAGIC as u64;
    /// `SYSFS_MAGIC`: sysfs (`/sys`).
    pub const SYSFS_MAGIC: u64 = g::SYSFS_MAGIC as u64;
    /// `EXT4_SUPER_MAGIC`: ext2, ext3 and ext4 (they share the number).
    pub const EXT4_SUPER_MAGIC: u64 = g::EXT4_SUPER_MAGIC as u64;
    /// `BTRFS_SUPER_MAGIC`: Btrfs.
    pub const BTRFS_SUPER_MAGIC: u64 = g::BTRFS_SUPER_MAGIC as u64;
    /// `XFS_SUPER_MAGIC`: XFS.
    pub const XFS_SUPER_MAGIC: u64 = g::XFS_SUPER_MAGIC as u64;
    /// `OVERLAYFS_SUPER_MAGIC`: overlayfs (container root filesystems).
    pub const OVERLAYFS_SUPER_MAGIC: u64 = g::OVERLAYFS_SUPER_MAGIC as u64;
    /// `NFS_SUPER_MAGIC`: NFS.
    pub const NFS_SUPER_MAGIC: u64 = g::NFS_SUPER_MAGIC as u64;
    /// `RAMFS_MAGIC`: ramfs (and the initramfs rootfs).
    pub const RAMFS_MAGIC: u64 = g::RAMFS_MAGIC as u64;
    /// `DEVPTS_SUPER_MAGIC`: devpts (`/dev/pts`).
    pub const DEVPTS_SUPER_MAGIC: u64 = g::DEVPTS_SUPER_MAGIC as u64;
    /// `CGROUP2_SUPER_MAGIC`: cgroup v2 (`/sys/fs/cgroup`).
    pub const CGROUP2_SUPER_MAGIC: u64 = g::CGROUP2_SUPER_MAGIC as u64;

    /// Converts the kernel's `struct statfs` (the 64-bit layout, the same on every arch sysrt
    /// supports). Every field is a `long`; the counts and the magic are non-negative, so
    /// reading them as `u64`, as Go's `Statfs_t` does, loses nothing.
    #[inline]
    #[allow(clippy::unnecessary_cast)] // `__kernel_long_t` is already i64 here
    fn from_kernel(s: &g::statfs) -> StatFs {
        StatFs {
            f_type: s.f_type as u64,
            bsize: s.f_bsize as i64,
            blocks: s.f_blocks as u64,
            bfree: s.f_bfree as u64,
            bavail: s.f_bavail as u64,
            files: s.f_files as u64,
            ffree: s.f_ffree as u64,
            fsid: s.f_fsid.val,
            namelen: s.f_namelen as i64,
            frsize: s.f_frsize as i64,
            flags: s.f_flags as i64,
        }
    }
}

/// `statfs(path)` — returns the statistics of the filesystem that holds `path` (following
/// symlinks).
///
/// Uses the `statfs` syscall, whose `struct statfs` is already the 64-bit one on every arch
/// sysrt supports (`statfs64` exists only for 32-bit arches).
///
/// # Errors
/// `ENOENT`, `ENOTDIR`, `ELOOP`, `EACCES` (search permission denied on a component),
/// `ENAMETOOLONG`, `EINVAL` (a NUL in `path`), `ENOSYS` (the filesystem does not support it),
/// `EIO`, `EINTR` (some network filesystems; retrying is correct).
///
/// # References
/// `man 2 statfs`. Go: `syscall.Statfs`.
#[doc(alias = "Statfs")]
#[inline]
pub fn statfs(path: impl Arg) -> Result<StatFs> {
    path.with_c_str(|path| {
        let mut out = MaybeUninit::<g::statfs>::uninit();
        // SAFETY: `path` is NUL-terminated and only read; `out` is valid for writes of one
        // `struct statfs` for the whole call, and the kernel writes exactly one.
        let ret = unsafe { arch::syscall2(Sysno::statfs, arg::c_str(path), out_ptr(&mut out)) };
        Errno::decode(ret)?;
        // SAFETY: a successful statfs filled all of `out`.
        Ok(StatFs::from_kernel(unsafe { out.assume_init_ref() }))
    })
}

/// `fstatfs(fd)` — returns the statistics of the filesystem that holds an open file.
///
/// # Errors
/// `EBADF` (`fd` is not open), `ENOSYS`, `EIO`, `EINTR` (retrying is correct).
///
/// # References
/// `man 2 fstatfs`. Go: `syscall.Fstatfs`.
#[doc(alias = "Fstatfs")]
#[inline]
pub fn fstatfs(fd: impl AsFd) -> Result<StatFs> {
    let mut out = MaybeUninit::<g::statfs>::uninit();
    // SAFETY: `out` is valid for writes of one `struct statfs` for the whole call, and the
    // kernel writes exactly one.
    let ret = unsafe { arch::syscall2(Sysno::fstatfs, arg::fd(fd.as_fd()), out_ptr(&mut out)) };
    Errno::decode(ret)?;
    // SAFETY: a successful fstatfs filled all of `out`.
    Ok(StatFs::from_kernel(unsafe { out.assume_init_ref() }))
}

/// `makedev(major, minor)` — a device number in the encoding [`Stat::dev`] and [`Stat::rdev`]
/// carry and [`mknodat`](crate::fs::mknodat) takes: glibc's 64-bit layout, with the low 8
/// bits of `minor`, then 12 bits of `major`, then the rest of `minor`, then the rest of
/// `major`. Numbers with `major < 4096` and `minor < 2^20` fit the 32 bits the kernel's
/// `mknodat` takes. Go: `unix.Mkdev` (x/sys/unix).
#[doc(alias = "Mkdev")]
#[inline]
pub const fn makedev(major: u32, minor: u32) -> u64 {
    let (ma, mi) = (major as u64, minor as u64);
    (mi & 0xff) | ((ma & 0xfff) << 8) | ((mi & !0xff) << 12) | ((ma & !0xfff) << 32)
}

/// `major(dev)` — the major number of a device number made as [`makedev`] makes it.
/// Go: `unix.Major` (x/sys/unix).
#[doc(alias = "Major")]
#[inline]
pub const fn major(dev: u64) -> u32 {
    (((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff)) as u32
}

/// `minor(dev)` — the minor number of a device number made as [`makedev`] makes it.
/// Go: `unix.Minor` (x/sys/unix).
#[doc(alias = "Minor")]
#[inline]
pub const fn minor(dev: u64) -> u32 {
    // Bits 20..44 of `dev` land in bits 8..32; the `as u32` drops major's high part above.
    ((dev & 0xff) | ((dev >> 12) & !0xff)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statx_buffer_is_the_256_bytes_the_kernel_writes() {
        // statx copies `sizeof(struct statx)` out whatever the mask asks for: 0x100 bytes
        // since Linux 4.11, new fields taken from its spare space (include/uapi/linux/stat.h).
        assert_eq!(size_of::<g::statx>(), 0x100);
    }

    #[test]
    fn makedev_major_minor_round_trip() {
        assert_eq!(makedev(1, 3), 0x103);
        assert_eq!((major(0x103), minor(0x103)), (1, 3));
        assert_eq!(makedev(8, 1), 0x801);
        for (ma, mi) in [
            (0, 0),
            (4095, 255),
            (4096, 256),
            (u32::MAX, u32::MAX),
            (259, 1 << 19),
        ] {
            let dev = makedev(ma, mi);
            assert_eq!((major(dev), minor(dev)), (ma, mi), "{ma}:{mi} -> {dev:#x}");
        }
        // The 32-bit encoding the kernel's mknodat reads, for small numbers.
        assert_eq!(makedev(0xfff, 0xfffff), 0xffff_ffff);
    }

    #[test]
    fn file_type_round_trips_through_mode_bits() {
        for t in [
            FileType::RegularFile,
            FileType::Directory,
            FileType::Symlink,
            FileType::Fifo,
            FileType::Socket,
            FileType::CharacterDevice,
            FileType::BlockDevice,
        ] {
            assert_eq!(FileType::from_mode(t.as_mode_bits() | 0o7777), t);
        }
        assert_eq!(FileType::Unknown.as_mode_bits(), 0);
        assert_eq!(FileType::from_mode(0o644), FileType::Unknown);
        // 0o170000 with every type bit set is no type the kernel defines.
        assert_eq!(FileType::from_mode(g::S_IFMT), FileType::Unknown);
    }

    #[test]
    fn permissions_drop_the_type() {
        let mut s: g::stat = unsafe_zeroed_stat();
        s.st_mode = (g::S_IFREG | 0o4755) as _;
        let st = Stat::from_kernel(&s);
        assert!(st.is_file() && !st.is_dir() && !st.is_symlink());
        assert_eq!(st.permissions(), Mode::from_octal(0o4755));
    }

    fn unsafe_zeroed_stat() -> g::stat {
        // SAFETY: `struct stat` is plain integers; all-zero is a valid value.
        unsafe { core::mem::zeroed() }
    }
}
