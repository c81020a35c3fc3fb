//! Reading, writing, seeking and closing descriptors: `read`/`write` and their positioned
//! (`pread`/`pwrite`), vectored (`readv`/`writev`, `preadv`/`pwritev`) and flagged
//! (`preadv2`/`pwritev2`) forms, `lseek`, `close` and `close_range`.

use core::fmt;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};

use bitflags::bitflags;
use linux_raw_sys::general as g;

use crate::fd::{AsFd, OwnedFd};
use crate::{Errno, Result, Sysno, arch, arg};

/// `read(fd, buf)` — reads up to `buf.len()` bytes; returns how many were read, 0 at end of
/// file.
///
/// A short read is not an error (pipes, terminals and sockets return what is there).
/// Returns `EINTR` if a signal handler ran before any data arrived; retrying is correct
/// ([`crate::retry_on_intr`]).
///
/// # Errors
/// `EBADF` (not open for reading), `EISDIR`, `EAGAIN` (non-blocking, nothing to read),
/// `EINTR`, `EINVAL` (fd not readable this way, e.g. `O_DIRECT` misalignment), `EIO`.
///
/// # References
/// `man 2 read`. Go: `syscall.Read`.
#[doc(alias = "Read")]
#[inline(always)]
pub fn read(fd: impl AsFd, buf: &mut [u8]) -> Result<usize> {
    let (ptr, len) = arg::slice_mut(buf);
    // SAFETY: `buf` is valid for writes of `len` bytes for the whole call, and the kernel
    // writes at most `len` bytes into it.
    Errno::decode(unsafe { arch::syscall3(Sysno::read, arg::fd(fd.as_fd()), ptr, len) })
}

/// `write(fd, buf)` — writes up to `buf.len()` bytes; returns how many were written.
///
/// A short write is not an error; [`write_all`] loops until everything is written.
///
/// # Errors
/// `EBADF` (not open for writing), `EPIPE` (no reader; `SIGPIPE` is raised too unless
/// ignored), `EAGAIN`, `EINTR` (nothing written; retrying is correct), `EFBIG`, `ENOSPC`,
/// `EDQUOT`, `EIO`.
///
/// # References
/// `man 2 write`. Go: `syscall.Write`.
#[doc(alias = "Write")]
#[inline(always)]
pub fn write(fd: impl AsFd, buf: &[u8]) -> Result<usize> {
    let (ptr, len) = arg::slice(buf);
    // SAFETY: `buf` is valid for reads of `len` bytes for the whole call; the kernel writes
    // no user memory for `write`.
    Errno::decode(unsafe { arch::syscall3_readonly(Sysno::write, arg::fd(fd.as_fd()), ptr, len) })
}

/// Writes all of `buf`, looping over short writes and retrying `EINTR`.
///
/// # Errors
/// As [`write()`], except `EINTR`. A `write` that returns 0 for a non-empty buffer gives
/// `EIO` rather than looping forever. On error, an unknown prefix of `buf` may have been
/// written.
pub fn write_all(fd: impl AsFd, mut buf: &[u8]) -> Result<()> {
    let fd = fd.as_fd();
    while !buf.is_empty() {
        match write(fd, buf) {
            Ok(0) => return Err(Errno::EIO),
            // `get` rather than indexing: the kernel never reports more than it was given, and
            // this way no panic path is compiled in.
            Ok(n) => buf = buf.get(n..).unwrap_or_default(),
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// `close(fd)` — closes the descriptor and reports the kernel's result.
///
/// Dropping an [`OwnedFd`] closes it too, ignoring the result; call this where the result
/// matters (`EIO` from a network filesystem reporting a failed write-back). The descriptor is
/// released even when an error is returned, including `EINTR`: do not retry.
///
/// # Errors
/// `EIO`, `EINTR` (the fd is closed anyway), `ENOSPC`/`EDQUOT` (NFS write-back).
///
/// # References
/// `man 2 close`. Go: `syscall.Close`.
#[doc(alias = "Close")]
#[inline]
pub fn close(fd: OwnedFd) -> Result<()> {
    let raw = fd.into_raw_fd();
    // SAFETY: we owned `raw` and gave up the `OwnedFd`, so nothing else refers to it. `close`
    // writes no user memory.
    Errno::decode(unsafe { arch::syscall1_readonly(Sysno::close, arg::raw_fd(raw)) }).map(drop)
}

/// A read-only buffer for the vectored writes ([`writev`], [`pwritev`], [`pwritev2`],
/// [`vmsplice`](crate::io::vmsplice)): one `struct iovec`, borrowing its bytes for `'a`.
///
/// `#[repr(transparent)]` over the kernel's `iovec`, so a `&[IoSlice]` is passed to the kernel
/// as the iovec array itself, with no copy. Dereferences to the borrowed `[u8]`.
///
/// Go: `unix.Iovec` (x/sys/unix), which is the raw struct; here the borrow is in the type.
#[doc(alias = "iovec")]
#[doc(alias = "Iovec")]
#[derive(Copy, Clone)]
#[repr(transparent)]
pub struct IoSlice<'a> {
    vec: g::iovec,
    _buf: PhantomData<&'a [u8]>,
}

/// A writable buffer for the vectored reads ([`readv`], [`preadv`], [`preadv2`]): one
/// `struct iovec`, borrowing its bytes exclusively for `'a`.
///
/// `#[repr(transparent)]` over the kernel's `iovec`, so a `&mut [IoSliceMut]` is passed to the
/// kernel as the iovec array itself. Dereferences to the borrowed `[u8]`.
#[doc(alias = "iovec")]
#[repr(transparent)]
pub struct IoSliceMut<'a> {
    vec: g::iovec,
    _buf: PhantomData<&'a mut [u8]>,
}

// SAFETY: an `IoSlice` is a `&'a [u8]` in the kernel's layout; `&[u8]` is Send and Sync.
unsafe impl Send for IoSlice<'_> {}
// SAFETY: as above.
unsafe impl Sync for IoSlice<'_> {}
// SAFETY: an `IoSliceMut` is a `&'a mut [u8]` in the kernel's layout; `&mut [u8]` is Send and
// Sync.
unsafe impl Send for IoSliceMut<'_> {}
// SAFETY: as above.
unsafe impl Sync for IoSliceMut<'_> {}

impl<'a> IoSlice<'a> {
    /// Borrows `buf` as one iovec entry.
    #[inline(always)]
    pub const fn new(buf: &'a [u8]) -> IoSlice<'a> {
        IoSlice {
            vec: g::iovec {
                iov_base: buf.as_ptr() as *mut core::ffi::c_void,
                iov_len: buf.len() as _,
            },
            _buf: PhantomData,
        }
    }
}

impl<'a> IoSliceMut<'a> {
    /// Borrows `buf` exclusively as one iovec entry.
    #[inline(always)]
    pub fn new(buf: &'a mut [u8]) -> IoSliceMut<'a> {
        IoSliceMut {
            vec: g::iovec {
                iov_base: buf.as_mut_ptr().cast(),
                iov_len: buf.len() as _,
            },
            _buf: PhantomData,
        }
    }
}

impl<'a> From<&'a [u8]> for IoSlice<'a> {
    #[inline(always)]
    fn from(buf: &'a [u8]) -> IoSlice<'a> {
        IoSlice::new(buf)
    }
}

impl<'a> From<&'a mut [u8]> for IoSliceMut<'a> {
    #[inline(always)]
    fn from(buf: &'a mut [u8]) -> IoSliceMut<'a> {
        IoSliceMut::new(buf)
    }
}

impl Deref for IoSlice<'_> {
    type Target = [u8];

    #[inline(always)]
    fn deref(&self) -> &[u8] {
        // SAFETY: `vec` was made from a `&'a [u8]` that `self` still borrows, so the pointer
        // and length describe live, initialised, shared bytes.
        unsafe {
            core::slice::from_raw_parts(self.vec.iov_base.cast::<u8>(), self.vec.iov_len as usize)
        }
    }
}

impl Deref for IoSliceMut<'_> {
    type Target = [u8];

    #[inline(always)]
    fn deref(&self) -> &[u8] {
        // SAFETY: `vec` was made from a `&'a mut [u8]` that `self` borrows exclusively; a
        // shared reborrow through `&self` is valid.
        unsafe {
            core::slice::from_raw_parts(self.vec.iov_base.cast::<u8>(), self.vec.iov_len as usize)
        }
    }
}

impl DerefMut for IoSliceMut<'_> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: `vec` was made from a `&'a mut [u8]` that `self` borrows exclusively, and
        // `&mut self` makes this the only access for the returned lifetime.
        unsafe {
            core::slice::from_raw_parts_mut(
                self.vec.iov_base.cast::<u8>(),
                self.vec.iov_len as usize,
            )
        }
    }
}

impl fmt::Debug for IoSlice<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl fmt::Debug for IoSliceMut<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// A file offset as the `loff_t` register: `EINVAL` before the call if it does not fit in
/// `i64`, which is what the kernel would answer for the negative value it would become.
#[inline(always)]
pub(super) fn offset(off: u64) -> Result<usize> {
    match i64::try_from(off) {
        Ok(off) => Ok(off as usize),
        Err(_) => Err(Errno::EINVAL),
    }
}

/// The `pos_l`, `pos_h` register pair of `preadv`/`pwritev`/`preadv2`/`pwritev2`.
///
/// The kernel rebuilds the offset as `(pos_h << (BITS_PER_LONG / 2) << (BITS_PER_LONG / 2)) |
/// pos_l` (`pos_from_hilo` in fs/read_write.c), the same on every arch so 32-bit ABIs need no
/// register pairs. The mirror image here: on a 64-bit arch `pos_l` is the whole offset and
/// `pos_h` is 0, but both are always passed.
#[inline(always)]
fn pos_lo_hi(pos: u64) -> (usize, usize) {
    let half = usize::BITS / 2;
    (pos as usize, ((pos >> half) >> half) as usize)
}

/// An iovec array as (pointer, count) registers.
#[inline(always)]
fn iovecs(bufs: &[IoSlice<'_>]) -> (usize, usize) {
    (bufs.as_ptr() as usize, bufs.len())
}

/// A writable iovec array as (pointer, count) registers.
#[inline(always)]
fn iovecs_mut(bufs: &mut [IoSliceMut<'_>]) -> (usize, usize) {
    (bufs.as_mut_ptr() as usize, bufs.len())
}

/// `pread(fd, buf, offset)` — reads up to `buf.len()` bytes at `offset`, without using or
/// moving the file offset; returns how many were read, 0 at or past end of file.
///
/// Uses the `pread64` syscall. Returns `EINTR` if a signal handler ran before any data was
/// read; retrying is correct.
///
/// # Errors
/// `EINVAL` (`offset` above `i64::MAX`, checked before the call), `ESPIPE` (a pipe, socket
/// or FIFO), `EBADF` (not open for reading), `EISDIR`, `EINTR`, `EAGAIN`, `EIO`.
///
/// # References
/// `man 2 pread`. Go: `syscall.Pread`.
#[doc(alias = "Pread")]
#[doc(alias = "pread64")]
#[inline]
pub fn pread(fd: impl AsFd, buf: &mut [u8], offset: u64) -> Result<usize> {
    let off = self::offset(offset)?;
    let (ptr, len) = arg::slice_mut(buf);
    // SAFETY: `buf` is valid for writes of `len` bytes for the whole call, and the kernel
    // writes at most `len` bytes into it.
    Errno::decode(unsafe { arch::syscall4(Sysno::pread64, arg::fd(fd.as_fd()), ptr, len, off) })
}

/// `pwrite(fd, buf, offset)` — writes up to `buf.len()` bytes at `offset`, without using or
/// moving the file offset; returns how many were written.
///
/// Uses the `pwrite64` syscall. On Linux, if the file was opened with `O_APPEND` the data is
/// appended at the end regardless of `offset` (a documented deviation from POSIX).
///
/// # Errors
/// `EINVAL` (`offset` above `i64::MAX`, checked before the call), `ESPIPE`, `EBADF` (not
/// open for writing), `EFBIG`, `ENOSPC`, `EDQUOT`, `EINTR` (nothing written; retrying is
/// correct), `EIO`.
///
/// # References
/// `man 2 pwrite`. Go: `syscall.Pwrite`.
#[doc(alias = "Pwrite")]
#[doc(alias = "pwrite64")]
#[inline]
pub fn pwrite(fd: impl AsFd, buf: &[u8], offset: u64) -> Result<usize> {
    let off = self::offset(offset)?;
    let (ptr, len) = arg::slice(buf);
    // SAFETY: `buf` is valid for reads of `len` bytes for the whole call; `pwrite64` writes no
    // user memory.
    Errno::decode(unsafe {
        arch::syscall4_readonly(Sysno::pwrite64, arg::fd(fd.as_fd()), ptr, len, off)
    })
}

/// `readv(fd, bufs)` — reads into several buffers in order (scatter); returns the total
/// number of bytes read, 0 at end of file.
///
/// Each buffer is filled before the next is started; a short read may leave later buffers
/// untouched. An empty `bufs` returns 0. Returns `EINTR` if a handler ran before any data
/// arrived; retrying is correct.
///
/// # Errors
/// `EINVAL` (more than `UIO_MAXIOV` (1024) buffers, or a total length over `isize::MAX`),
/// and those of [`read`].
///
/// # References
/// `man 2 readv`. Go: `unix.Readv` (x/sys/unix).
#[doc(alias = "Readv")]
#[inline]
pub fn readv(fd: impl AsFd, bufs: &mut [IoSliceMut<'_>]) -> Result<usize> {
    let (ptr, count) = iovecs_mut(bufs);
    // SAFETY: `count` iovecs in the kernel's layout, each an exclusive borrow the kernel
    // writes at most `iov_len` bytes into, all live for the call.
    Errno::decode(unsafe { arch::syscall3(Sysno::readv, arg::fd(fd.as_fd()), ptr, count) })
}

/// `writev(fd, bufs)` — writes several buffers in order (gather), as one `write`; returns
/// the total number of bytes written.
///
/// An empty `bufs` returns 0. A short write is not an error.
///
/// # Errors
/// `EINVAL` (more than `UIO_MAXIOV` (1024) buffers, or a total length over `isize::MAX`),
/// and those of [`write()`].
///
/// # References
/// `man 2 writev`. Go: `unix.Writev` (x/sys/unix).
#[doc(alias = "Writev")]
#[inline]
pub fn writev(fd: impl AsFd, bufs: &[IoSlice<'_>]) -> Result<usize> {
    let (ptr, count) = iovecs(bufs);
    // SAFETY: `bufs` is `count` iovecs borrowed for the call, each describing a live buffer;
    // `writev` only reads them and writes no user memory.
    Errno::decode(unsafe {
        arch::syscall3_readonly(Sysno::writev, arg::fd(fd.as_fd()), ptr, count)
    })
}

/// `preadv(fd, bufs, offset)` — [`readv`] at `offset`, without using or moving the file
/// offset.
///
/// # Errors
/// `EINVAL` (`offset` above `i64::MAX`, checked before the call), `ESPIPE`, and those of
/// [`readv`].
///
/// # References
/// `man 2 preadv`. Go: `unix.Preadv` (x/sys/unix).
#[doc(alias = "Preadv")]
#[inline]
pub fn preadv(fd: impl AsFd, bufs: &mut [IoSliceMut<'_>], offset: u64) -> Result<usize> {
    let (lo, hi) = pos_lo_hi(self::offset(offset)? as u64);
    let (ptr, count) = iovecs_mut(bufs);
    // SAFETY: as for `readv`: `bufs` and every buffer it describes are exclusively borrowed
    // for the call, and the kernel writes at most `iov_len` bytes into each.
    Errno::decode(unsafe { arch::syscall5(Sysno::preadv, arg::fd(fd.as_fd()), ptr, count, lo, hi) })
}

/// `pwritev(fd, bufs, offset)` — [`writev`] at `offset`, without using or moving the file
/// offset. With `O_APPEND` the data is appended regardless of `offset`, as for [`pwrite`].
///
/// # Errors
/// `EINVAL` (`offset` above `i64::MAX`, checked before the call), `ESPIPE`, and those of
/// [`writev`].
///
/// # References
/// `man 2 pwritev`. Go: `unix.Pwritev` (x/sys/unix).
#[doc(alias = "Pwritev")]
#[inline]
pub fn pwritev(fd: impl AsFd, bufs: &[IoSlice<'_>], offset: u64) -> Result<usize> {
    let (lo, hi) = pos_lo_hi(self::offset(offset)? as u64);
    let (ptr, count) = iovecs(bufs);
    // SAFETY: as for `writev`: the iovecs and their buffers are borrowed for the call and only
    // read.
    Errno::decode(unsafe {
        arch::syscall5_readonly(Sysno::pwritev, arg::fd(fd.as_fd()), ptr, count, lo, hi)
    })
}

bitflags! {
    /// `RWF_*` flags for [`preadv2`] and [`pwritev2`].
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct ReadWriteFlags: u32 {
        /// `RWF_HIPRI`: high-priority request; poll for completion on devices that support
        /// it (`O_DIRECT` block devices).
        #[doc(alias = "RWF_HIPRI")]
        const HIPRI = g::RWF_HIPRI;
        /// `RWF_DSYNC`: this write completes as if followed by `fdatasync` (per-call
        /// `O_DSYNC`).
        #[doc(alias = "RWF_DSYNC")]
        const DSYNC = g::RWF_DSYNC;
        /// `RWF_SYNC`: this write completes as if followed by `fsync` (per-call `O_SYNC`).
        #[doc(alias = "RWF_SYNC")]
        const SYNC = g::RWF_SYNC;
        /// `RWF_NOWAIT`: do not wait for data that is not immediately available (not in the
        /// page cache, or a lock held): fail with `EAGAIN` instead. A filesystem without
        /// support refuses it with `EOPNOTSUPP` (tmpfs does, as of Linux 6.18).
        #[doc(alias = "RWF_NOWAIT")]
        const NOWAIT = g::RWF_NOWAIT;
        /// `RWF_APPEND`: this write appends to the end of the file (per-call `O_APPEND`); the
        /// offset is then ignored.
        #[doc(alias = "RWF_APPEND")]
        const APPEND = g::RWF_APPEND;
    }
}

/// `preadv2(fd, bufs, offset, flags)` — [`preadv`] with per-call `RWF_*` flags; with
/// `offset` `None` (the kernel's -1) it reads at, and advances, the file offset as [`readv`]
/// does.
///
/// # Errors
/// `EOPNOTSUPP` (a flag this kernel or file does not support), `EAGAIN` (`NOWAIT` and the
/// data is not at hand), `EINVAL` (`offset` above `i64::MAX`, checked before the call), and
/// those of [`preadv`].
///
/// # References
/// `man 2 preadv2`. Go: `unix.Preadv2` (x/sys/unix).
#[doc(alias = "Preadv2")]
#[inline]
pub fn preadv2(
    fd: impl AsFd,
    bufs: &mut [IoSliceMut<'_>],
    offset: Option<u64>,
    flags: ReadWriteFlags,
) -> Result<usize> {
    let (lo, hi) = pos_lo_hi(optional_offset(offset)?);
    let (ptr, count) = iovecs_mut(bufs);
    // SAFETY: as for `readv`: `bufs` and every buffer it describes are exclusively borrowed
    // for the call, and the kernel writes at most `iov_len` bytes into each.
    Errno::decode(unsafe {
        arch::syscall6(
            Sysno::preadv2,
            arg::fd(fd.as_fd()),
            ptr,
            count,
            lo,
            hi,
            arg::uint(flags.bits()),
        )
    })
}

/// `pwritev2(fd, bufs, offset, flags)` — [`pwritev`] with per-call `RWF_*` flags; with
/// `offset` `None` (the kernel's -1) it writes at, and advances, the file offset as
/// [`writev`] does.
///
/// # Errors
/// `EOPNOTSUPP` (a flag this kernel or file does not support), `EAGAIN` (`NOWAIT`), `EINVAL`
/// (`offset` above `i64::MAX`, checked before the call), and those of [`pwritev`].
///
/// # References
/// `man 2 pwritev2`. Go: `unix.Pwritev2` (x/sys/unix).
#[doc(alias = "Pwritev2")]
#[inline]
pub fn pwritev2(
    fd: impl AsFd,
    bufs: &[IoSlice<'_>],
    offset: Option<u64>,
    flags: ReadWriteFlags,
) -> Result<usize> {
    let (lo, hi) = pos_lo_hi(optional_offset(offset)?);
    let (ptr, count) = iovecs(bufs);
    // SAFETY: as for `writev`: the iovecs and their buffers are borrowed for the call and only
    // read.
    Errno::decode(unsafe {
        arch::syscall6_readonly(
            Sysno::pwritev2,
            arg::fd(fd.as_fd()),
            ptr,
            count,
            lo,
            hi,
            arg::uint(flags.bits()),
        )
    })
}

/// The offset of `preadv2`/`pwritev2`: `None` is -1, "the current file offset".
#[inline(always)]
fn optional_offset(offset: Option<u64>) -> Result<u64> {
    match offset {
        Some(off) => self::offset(off).map(|off| off as u64),
        None => Ok(u64::MAX),
    }
}

/// Where [`lseek`] moves the file offset to: the `whence` argument with its offset.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub enum SeekFrom {
    /// `SEEK_SET`: to this many bytes from the start.
    #[doc(alias = "SEEK_SET")]
    Start(u64),
    /// `SEEK_CUR`: by this many bytes from the current offset (`Current(0)` reads it).
    #[doc(alias = "SEEK_CUR")]
    Current(i64),
    /// `SEEK_END`: by this many bytes from the end of the file.
    #[doc(alias = "SEEK_END")]
    End(i64),
    /// `SEEK_DATA`: to the first byte of data at or after this offset (`ENXIO` if there is
    /// none before end of file).
    #[doc(alias = "SEEK_DATA")]
    Data(u64),
    /// `SEEK_HOLE`: to the first hole at or after this offset; end of file counts as a hole.
    #[doc(alias = "SEEK_HOLE")]
    Hole(u64),
}

/// `lseek(fd, pos)` — moves the file offset; returns the new offset from the start of the
/// file.
///
/// Seeking past the end is allowed (a later write leaves a hole). `SeekFrom::Current(0)`
/// reads the offset without moving it. Never blocks.
///
/// # Errors
/// `EINVAL` (the resulting offset would be negative, or a `Start`/`Data`/`Hole` offset
/// above `i64::MAX`, checked before the call), `ESPIPE` (a pipe, socket or FIFO), `ENXIO`
/// (`Data`/`Hole` at or past end of file, or `Data` with only a hole after it), `EOVERFLOW`,
/// `EBADF`.
///
/// # References
/// `man 2 lseek`. Go: `syscall.Seek`.
#[doc(alias = "Seek")]
#[inline]
pub fn lseek(fd: impl AsFd, pos: SeekFrom) -> Result<u64> {
    let (off, whence) = match pos {
        SeekFrom::Start(off) => (offset(off)?, g::SEEK_SET),
        SeekFrom::Current(off) => (off as usize, g::SEEK_CUR),
        SeekFrom::End(off) => (off as usize, g::SEEK_END),
        SeekFrom::Data(off) => (offset(off)?, g::SEEK_DATA),
        SeekFrom::Hole(off) => (offset(off)?, g::SEEK_HOLE),
    };
    // SAFETY: `lseek` takes no pointers and writes no user memory.
    let ret = unsafe {
        arch::syscall3_readonly(Sysno::lseek, arg::fd(fd.as_fd()), off, arg::uint(whence))
    };
    // The kernel never returns an offset above `i64::MAX`, so the `usize` is the offset.
    Errno::decode(ret).map(|off| off as u64)
}

bitflags! {
    /// `CLOSE_RANGE_*` flags for [`close_range`].
    ///
    /// linux-raw-sys 0.12 does not carry `<linux/close_range.h>`, so the two values are
    /// written here as that header defines them (`1U << 1`, `1U << 2`); they are uapi and
    /// identical on every arch.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct CloseRangeFlags: u32 {
        /// `CLOSE_RANGE_UNSHARE`: first unshare the descriptor table (as `unshare(CLONE_FILES)`),
        /// so only this thread's copy is affected.
        #[doc(alias = "CLOSE_RANGE_UNSHARE")]
        const UNSHARE = 1 << 1;
        /// `CLOSE_RANGE_CLOEXEC`: set close-on-exec on the descriptors instead of closing them.
        #[doc(alias = "CLOSE_RANGE_CLOEXEC")]
        const CLOEXEC = 1 << 2;
    }
}

/// `close_range(first, last, flags)` — closes every open descriptor numbered `first` through
/// `last` (inclusive; `u32::MAX` for "all above `first`"), or with
/// [`CloseRangeFlags::CLOEXEC`] marks them close-on-exec instead.
///
/// Numbers in the range that are not open are ignored. Never blocks.
///
/// # Errors
/// `EINVAL` (`first > last`, or an unknown flag: `CLOEXEC` is one before Linux 5.11),
/// `ENOMEM` (`UNSHARE` could not copy the table), `ENOSYS` (kernels before 5.9; there is no
/// fallback: close the numbers one by one, or list `/proc/self/fd`).
///
/// # Safety
/// Unless `flags` has `CLOEXEC`, every descriptor in the range is closed: none of them may be
/// owned by an [`OwnedFd`] (or any other owner) that will use or close it later, and no
/// [`BorrowedFd`](crate::fd::BorrowedFd) of them may be used afterwards. The usual case is
/// just before `execve`, or on numbers the caller knows it alone owns.
///
/// # References
/// `man 2 close_range`. Go: `unix.CloseRange` (x/sys/unix).
#[doc(alias = "CloseRange")]
#[inline]
pub unsafe fn close_range(first: u32, last: u32, flags: CloseRangeFlags) -> Result<()> {
    // SAFETY: no pointers; the caller promises that no owner of a descriptor in the range
    // relies on it staying open. `close_range` writes no user memory.
    Errno::decode(unsafe {
        arch::syscall3_readonly(
            Sysno::close_range,
            arg::uint(first),
            arg::uint(last),
            arg::uint(flags.bits()),
        )
    })
    .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_slices_have_the_iovec_layout() {
        assert_eq!(size_of::<IoSlice<'_>>(), size_of::<g::iovec>());
        assert_eq!(align_of::<IoSlice<'_>>(), align_of::<g::iovec>());
        assert_eq!(size_of::<IoSliceMut<'_>>(), size_of::<g::iovec>());
        assert_eq!(align_of::<IoSliceMut<'_>>(), align_of::<g::iovec>());
        let bytes = *b"abc";
        let s = IoSlice::new(&bytes);
        assert_eq!(s.vec.iov_base as usize, bytes.as_ptr() as usize);
        assert_eq!(s.vec.iov_len as usize, 3);
        assert_eq!(&*s, b"abc");
    }

    #[test]
    fn io_slice_mut_writes_through() {
        let mut bytes = [0u8; 4];
        {
            let mut s = IoSliceMut::new(&mut bytes);
            s.copy_from_slice(b"wxyz");
        }
        assert_eq!(&bytes, b"wxyz");
    }

    #[test]
    fn offsets_above_i64_max_are_einval() {
        assert_eq!(offset(0), Ok(0));
        assert_eq!(offset(i64::MAX as u64), Ok(i64::MAX as usize));
        assert_eq!(offset(i64::MAX as u64 + 1), Err(Errno::EINVAL));
        assert_eq!(offset(u64::MAX), Err(Errno::EINVAL));
        assert_eq!(optional_offset(None), Ok(u64::MAX));
    }

    #[test]
    fn position_split_matches_the_kernel() {
        // pos_from_hilo: ((high << half) << half) | low, with BITS_PER_LONG = usize::BITS.
        for pos in [
            0u64,
            1,
            0xffff_ffff,
            0x1_0000_0000,
            i64::MAX as u64,
            u64::MAX,
        ] {
            let (lo, hi) = pos_lo_hi(pos);
            let half = usize::BITS / 2;
            let rebuilt = (((hi as u64) << half) << half) | lo as u64;
            assert_eq!(rebuilt, pos);
        }
        assert_eq!(pos_lo_hi(u64::MAX).0, usize::MAX);
    }
}
