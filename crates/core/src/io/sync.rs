//! Syncing and sizing: `fsync`, `fdatasync`, `sync`, `syncfs`, `ftruncate`, `truncate`,
//! `fallocate`, `fadvise`.

use bitflags::bitflags;
use linux_raw_sys::general as g;

use super::rw::offset;
use crate::fd::AsFd;
use crate::path::Arg;
use crate::{Errno, Result, Sysno, arch, arg};

/// `fsync(fd)` — flushes the file's data and metadata to the storage device and waits for it.
///
/// Blocks until the device reports completion; it is not interrupted by signals in practice,
/// but `EINTR` retried is correct.
///
/// # Errors
/// `EINVAL` (the fd is a pipe, socket or other object that cannot be synced), `EBADF`,
/// `EROFS`, `EIO` (a write-back failed: the data may be lost; do not assume a retry helps),
/// `ENOSPC`, `EDQUOT`.
///
/// # References
/// `man 2 fsync`. Go: `syscall.Fsync`.
#[doc(alias = "Fsync")]
#[inline]
pub fn fsync(fd: impl AsFd) -> Result<()> {
    // SAFETY: no pointers; `fsync` writes no user memory.
    Errno::decode(unsafe { arch::syscall1_readonly(Sysno::fsync, arg::fd(fd.as_fd())) }).map(drop)
}

/// `fdatasync(fd)` — as [`fsync`], but skips metadata not needed to read the data back (the
/// modification time, for instance).
///
/// # Errors
/// As [`fsync`].
///
/// # References
/// `man 2 fdatasync`. Go: `syscall.Fdatasync`.
#[doc(alias = "Fdatasync")]
#[inline]
pub fn fdatasync(fd: impl AsFd) -> Result<()> {
    // SAFETY: no pointers; `fdatasync` writes no user memory.
    Errno::decode(unsafe { arch::syscall1_readonly(Sysno::fdatasync, arg::fd(fd.as_fd())) })
        .map(drop)
}

/// `sync()` — schedules every dirty buffer of every filesystem for writing, and on Linux
/// waits for it. Never fails.
///
/// # References
/// `man 2 sync`. Go: `syscall.Sync`.
#[doc(alias = "Sync")]
#[inline]
pub fn sync() {
    // SAFETY: no arguments; `sync` writes no user memory and always returns 0.
    unsafe {
        arch::syscall0_readonly(Sysno::sync);
    }
}

/// `syncfs(fd)` — as [`sync`], limited to the filesystem that holds the open file `fd`.
///
/// # Errors
/// `EBADF`, `EIO` (a write-back on that filesystem failed since the last `syncfs`), `ENOSPC`,
/// `EDQUOT`.
///
/// # References
/// `man 2 syncfs`. Go: `unix.Syncfs` (x/sys/unix).
#[doc(alias = "Syncfs")]
#[inline]
pub fn syncfs(fd: impl AsFd) -> Result<()> {
    // SAFETY: no pointers; `syncfs` writes no user memory.
    Errno::decode(unsafe { arch::syscall1_readonly(Sysno::syncfs, arg::fd(fd.as_fd())) }).map(drop)
}

/// `ftruncate(fd, len)` — sets the size of the open regular file `fd` to `len` bytes: a
/// shrink discards the tail, a growth reads back as zeros (usually a hole). The file offset
/// does not move.
///
/// # Errors
/// `EINVAL` (`len` above `i64::MAX`, checked before the call; the fd is not a regular file
/// or not open for writing), `EBADF`, `EFBIG`, `EPERM` (an append-only or immutable file),
/// `ETXTBSY`, `EINTR` (retrying is correct), `EIO`.
///
/// # References
/// `man 2 ftruncate`. Go: `syscall.Ftruncate`.
#[doc(alias = "Ftruncate")]
#[inline]
pub fn ftruncate(fd: impl AsFd, len: u64) -> Result<()> {
    let len = offset(len)?;
    // SAFETY: no pointers; `ftruncate` writes no user memory.
    Errno::decode(unsafe { arch::syscall2_readonly(Sysno::ftruncate, arg::fd(fd.as_fd()), len) })
        .map(drop)
}

/// `truncate(path, len)` — sets the size of the regular file named by `path` (symlinks
/// followed) to `len` bytes, as [`ftruncate`]. The caller needs write permission on the file.
///
/// # Errors
/// `ENOENT`, `ENOTDIR` (a component is not a directory), `EISDIR` (the path is a directory),
/// `EACCES`, `EPERM`, `ELOOP`, `ENAMETOOLONG`, `EROFS`, `ETXTBSY`, `EFBIG`, `EINTR`, `EIO`,
/// `EINVAL` (a NUL in `path`, or `len` above `i64::MAX`, both checked before the call).
///
/// # References
/// `man 2 truncate`. Go: `syscall.Truncate`.
#[doc(alias = "Truncate")]
#[inline]
pub fn truncate(path: impl Arg, len: u64) -> Result<()> {
    let len = offset(len)?;
    path.with_c_str(|path| {
        // SAFETY: `path` is NUL-terminated and outlives the call; the kernel only reads it.
        Errno::decode(unsafe { arch::syscall2_readonly(Sysno::truncate, arg::c_str(path), len) })
            .map(drop)
    })
}

bitflags! {
    /// `FALLOC_FL_*` modes for [`fallocate`]. The empty set (`FALLOC_FL_ALLOCATE_RANGE`)
    /// allocates blocks and extends the file size if the range passes the end.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct FallocateFlags: u32 {
        /// `FALLOC_FL_KEEP_SIZE`: allocate (or punch) without changing the file size.
        #[doc(alias = "FALLOC_FL_KEEP_SIZE")]
        const KEEP_SIZE = g::FALLOC_FL_KEEP_SIZE;
        /// `FALLOC_FL_PUNCH_HOLE`: deallocate the range, which then reads as zeros. Must be
        /// combined with `KEEP_SIZE` (`EOPNOTSUPP` otherwise).
        #[doc(alias = "FALLOC_FL_PUNCH_HOLE")]
        const PUNCH_HOLE = g::FALLOC_FL_PUNCH_HOLE;
        /// `FALLOC_FL_COLLAPSE_RANGE`: remove the range and shift the rest of the file down;
        /// offset and length must be multiples of the filesystem block size.
        #[doc(alias = "FALLOC_FL_COLLAPSE_RANGE")]
        const COLLAPSE_RANGE = g::FALLOC_FL_COLLAPSE_RANGE;
        /// `FALLOC_FL_ZERO_RANGE`: make the range read as zeros, allocating it.
        #[doc(alias = "FALLOC_FL_ZERO_RANGE")]
        const ZERO_RANGE = g::FALLOC_FL_ZERO_RANGE;
        /// `FALLOC_FL_INSERT_RANGE`: insert a hole of the given length at the offset, shifting
        /// the rest of the file up; block-size multiples only.
        #[doc(alias = "FALLOC_FL_INSERT_RANGE")]
        const INSERT_RANGE = g::FALLOC_FL_INSERT_RANGE;
        /// `FALLOC_FL_UNSHARE_RANGE`: give the range private copies of blocks shared with
        /// other files (reflinks), so later writes cannot fail for lack of space.
        #[doc(alias = "FALLOC_FL_UNSHARE_RANGE")]
        const UNSHARE_RANGE = g::FALLOC_FL_UNSHARE_RANGE;
    }
}

/// `fallocate(fd, mode, offset, len)` — allocates, deallocates, zeroes or shifts the byte
/// range `offset..offset + len` of the open file `fd`, as `mode` says.
///
/// With an empty `mode` the range is allocated (later writes in it cannot fail with
/// `ENOSPC`) and the size grows to `offset + len` if that is larger. May block on I/O;
/// returns `EINTR` if interrupted, and retrying is correct.
///
/// # Errors
/// `EOPNOTSUPP` (the filesystem does not support the mode, or `PUNCH_HOLE` without
/// `KEEP_SIZE`), `EINVAL` (`len` is 0, a bad mode combination, or `offset`/`len` above
/// `i64::MAX`, checked before the call), `EBADF` (not open for writing), `ENODEV` (not a
/// regular file or directory), `ESPIPE` (a pipe), `EFBIG`, `ENOSPC`, `EPERM`, `ETXTBSY`,
/// `EINTR`, `EIO`.
///
/// # References
/// `man 2 fallocate`. Go: `syscall.Fallocate`.
#[doc(alias = "Fallocate")]
#[inline]
pub fn fallocate(fd: impl AsFd, mode: FallocateFlags, offset: u64, len: u64) -> Result<()> {
    let off = self::offset(offset)?;
    let len = self::offset(len)?;
    // SAFETY: no pointers; `fallocate` writes no user memory.
    Errno::decode(unsafe {
        arch::syscall4_readonly(
            Sysno::fallocate,
            arg::fd(fd.as_fd()),
            arg::uint(mode.bits()),
            off,
            len,
        )
    })
    .map(drop)
}

/// The access-pattern hint of [`fadvise`]: `POSIX_FADV_*`.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
#[repr(u32)]
pub enum Advice {
    /// `POSIX_FADV_NORMAL`: no particular pattern (the default read-ahead).
    #[doc(alias = "POSIX_FADV_NORMAL")]
    Normal = g::POSIX_FADV_NORMAL,
    /// `POSIX_FADV_RANDOM`: random access; read-ahead is turned off.
    #[doc(alias = "POSIX_FADV_RANDOM")]
    Random = g::POSIX_FADV_RANDOM,
    /// `POSIX_FADV_SEQUENTIAL`: sequential access; read-ahead is doubled.
    #[doc(alias = "POSIX_FADV_SEQUENTIAL")]
    Sequential = g::POSIX_FADV_SEQUENTIAL,
    /// `POSIX_FADV_WILLNEED`: the range will be read soon; start reading it into the cache.
    #[doc(alias = "POSIX_FADV_WILLNEED")]
    WillNeed = g::POSIX_FADV_WILLNEED,
    /// `POSIX_FADV_DONTNEED`: the range will not be needed; drop its clean cached pages.
    #[doc(alias = "POSIX_FADV_DONTNEED")]
    DontNeed = g::POSIX_FADV_DONTNEED,
    /// `POSIX_FADV_NOREUSE`: the range will be accessed once.
    #[doc(alias = "POSIX_FADV_NOREUSE")]
    NoReuse = g::POSIX_FADV_NOREUSE,
}

/// `fadvise(fd, offset, len, advice)` — tells the kernel how the byte range
/// `offset..offset + len` of `fd` will be accessed (`len` 0: to the end of the file).
///
/// Uses the `fadvise64` syscall (on aarch64 and riscv64 this number is the kernel's
/// `fadvise64_64`; the argument order is the same). A hint only: success says nothing about
/// what the kernel did. Never blocks.
///
/// # Errors
/// `ESPIPE` (a pipe or FIFO), `EBADF`, `EINVAL` (`offset`/`len` above `i64::MAX`, checked
/// before the call).
///
/// # References
/// `man 2 posix_fadvise`. Go: `unix.Fadvise` (x/sys/unix).
#[doc(alias = "Fadvise")]
#[doc(alias = "posix_fadvise")]
#[inline]
pub fn fadvise(fd: impl AsFd, offset: u64, len: u64, advice: Advice) -> Result<()> {
    let off = self::offset(offset)?;
    let len = self::offset(len)?;
    // SAFETY: no pointers; `fadvise64` writes no user memory.
    Errno::decode(unsafe {
        arch::syscall4_readonly(
            Sysno::fadvise64,
            arg::fd(fd.as_fd()),
            off,
            len,
            arg::uint(advice as u32),
        )
    })
    .map(drop)
}

bitflags! {
    /// `SYNC_FILE_RANGE_*` flags for [`sync_file_range`].
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct SyncFileRangeFlags: u32 {
        /// `SYNC_FILE_RANGE_WAIT_BEFORE`: wait for write-out already in progress on the range.
        #[doc(alias = "SYNC_FILE_RANGE_WAIT_BEFORE")]
        const WAIT_BEFORE = g::SYNC_FILE_RANGE_WAIT_BEFORE;
        /// `SYNC_FILE_RANGE_WRITE`: start write-out of dirty pages in the range.
        #[doc(alias = "SYNC_FILE_RANGE_WRITE")]
        const WRITE = g::SYNC_FILE_RANGE_WRITE;
        /// `SYNC_FILE_RANGE_WAIT_AFTER`: wait for the write-out to finish.
        #[doc(alias = "SYNC_FILE_RANGE_WAIT_AFTER")]
        const WAIT_AFTER = g::SYNC_FILE_RANGE_WAIT_AFTER;
    }
}

/// `sync_file_range(fd, start, nbytes, flags)` — starts and/or waits for write-out of a byte
/// range of a file; `nbytes` 0 means "to the end of the file".
///
/// Not a durability guarantee: it writes no metadata and flushes no disk cache (use
/// [`fsync`]/[`fdatasync`] for that). Every supported architecture has the call with this
/// argument order (the `sync_file_range2` variant exists only on 32-bit ARM and PowerPC).
///
/// # Errors
/// `EINVAL` (a flag outside the three, an offset or length above `i64::MAX` — checked before
/// the call — or a negative range), `ESPIPE` (a pipe, socket or FIFO), `EBADF`, `EIO`,
/// `ENOMEM`, `ENOSPC`.
///
/// # References
/// `man 2 sync_file_range`. Go: `syscall.SyncFileRange`.
#[doc(alias = "SyncFileRange")]
#[inline]
pub fn sync_file_range(
    fd: impl AsFd,
    start: u64,
    nbytes: u64,
    flags: SyncFileRangeFlags,
) -> Result<()> {
    let (off, len) = (offset(start)?, offset(nbytes)?);
    // SAFETY: no pointers; `sync_file_range` writes no user memory.
    Errno::decode(unsafe {
        arch::syscall4_readonly(
            Sysno::sync_file_range,
            arg::fd(fd.as_fd()),
            off,
            len,
            arg::uint(flags.bits()),
        )
    })
    .map(drop)
}
