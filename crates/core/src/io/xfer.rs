//! In-kernel copies: `sendfile`, `copy_file_range`, `splice`, `tee`, `vmsplice`. The data moves
//! between descriptors without passing through a user-space buffer.

use bitflags::bitflags;
use linux_raw_sys::general as g;

use super::rw::IoSlice;
use crate::fd::AsFd;
use crate::{Errno, Result, Sysno, arch, arg};

/// An optional `loff_t *` in-out offset as a register: null for `None`.
#[inline(always)]
fn offset_ptr(off: Option<&mut u64>) -> usize {
    match off {
        // `u64` and the kernel's `loff_t` (`long long`) have the same size and alignment.
        Some(off) => core::ptr::from_mut(off) as usize,
        None => 0,
    }
}

/// `sendfile(out_fd, in_fd, offset, count)` — copies up to `count` bytes from `in_fd` to
/// `out_fd` inside the kernel; returns how many were copied (0 at end of input).
///
/// With `offset` `Some`, reading starts there, `*offset` is advanced past the bytes copied,
/// and `in_fd`'s file offset is left alone; with `None`, reading uses and advances `in_fd`'s
/// file offset. `in_fd` must support `mmap`-like access (a regular file, or a block device);
/// `out_fd` may be anything writable (a file, pipe or socket). A short count is not an
/// error. Returns `EINTR` if a handler ran before anything was copied; retrying is correct.
///
/// # Errors
/// `EINVAL` (`in_fd` cannot be read this way, `out_fd` is opened `O_APPEND`, or `*offset` is
/// negative as `loff_t`), `EBADF` (`in_fd` not open for reading or `out_fd` not for writing),
/// `ESPIPE` (`offset` given and `in_fd` is not seekable), `EAGAIN`, `EOVERFLOW`, `EIO`,
/// `ENOMEM`, `EINTR`.
///
/// # References
/// `man 2 sendfile`. Go: `syscall.Sendfile`.
#[doc(alias = "Sendfile")]
#[inline]
pub fn sendfile(
    out_fd: impl AsFd,
    in_fd: impl AsFd,
    offset: Option<&mut u64>,
    count: usize,
) -> Result<usize> {
    let off = offset_ptr(offset);
    // SAFETY: `off` is null or an exclusive borrow of a `u64` that outlives the call; the
    // kernel reads and writes that one `loff_t` and no other user memory.
    Errno::decode(unsafe {
        arch::syscall4(
            Sysno::sendfile,
            arg::fd(out_fd.as_fd()),
            arg::fd(in_fd.as_fd()),
            off,
            count,
        )
    })
}

/// `copy_file_range(fd_in, off_in, fd_out, off_out, len, 0)` — copies up to `len` bytes
/// between two regular files inside the kernel (possibly as a reflink or a server-side copy);
/// returns how many were copied (0 at end of input).
///
/// For each side, `Some(offset)` reads or writes there and advances `*offset`, leaving that
/// descriptor's file offset alone; `None` uses and advances the file offset. The flags
/// argument is always 0 (the kernel defines none). Copying between different filesystems
/// gives `EXDEV` unless both are of a type that supports it (since Linux 5.19); a caller
/// that must work everywhere falls back to [`sendfile`] or a read/write loop.
///
/// # Errors
/// `EXDEV` (different filesystems), `EINVAL` (not regular files, overlapping ranges in the
/// same file, or a negative offset), `EBADF` (`fd_in` not open for reading, `fd_out` not
/// for writing, or `fd_out` opened `O_APPEND`), `EISDIR`, `EOVERFLOW`, `EFBIG`, `ENOSPC`,
/// `EOPNOTSUPP`, `ETXTBSY`, `EPERM`, `EIO`, `ENOMEM`, `ENOSYS` (kernels before 4.5).
///
/// # References
/// `man 2 copy_file_range`. Go: `unix.CopyFileRange` (x/sys/unix).
#[doc(alias = "CopyFileRange")]
#[inline]
pub fn copy_file_range(
    fd_in: impl AsFd,
    off_in: Option<&mut u64>,
    fd_out: impl AsFd,
    off_out: Option<&mut u64>,
    len: usize,
) -> Result<usize> {
    let (off_in, off_out) = (offset_ptr(off_in), offset_ptr(off_out));
    // SAFETY: the offsets are null or exclusive borrows of distinct live `u64`s; the kernel
    // reads and writes those two `loff_t`s and no other user memory.
    Errno::decode(unsafe {
        arch::syscall6(
            Sysno::copy_file_range,
            arg::fd(fd_in.as_fd()),
            off_in,
            arg::fd(fd_out.as_fd()),
            off_out,
            len,
            0,
        )
    })
}

bitflags! {
    /// `SPLICE_F_*` flags for [`splice`], [`tee`] and [`vmsplice`].
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct SpliceFlags: u32 {
        /// `SPLICE_F_MOVE`: move pages instead of copying, if possible (a hint; currently a
        /// no-op).
        #[doc(alias = "SPLICE_F_MOVE")]
        const MOVE = g::SPLICE_F_MOVE;
        /// `SPLICE_F_NONBLOCK`: do not block on the pipe (`EAGAIN`); the other descriptor's
        /// own blocking mode still applies.
        #[doc(alias = "SPLICE_F_NONBLOCK")]
        const NONBLOCK = g::SPLICE_F_NONBLOCK;
        /// `SPLICE_F_MORE`: more data follows (a hint for sockets, as `MSG_MORE`).
        #[doc(alias = "SPLICE_F_MORE")]
        const MORE = g::SPLICE_F_MORE;
        /// `SPLICE_F_GIFT`: for [`vmsplice`], the user pages are given to the kernel.
        #[doc(alias = "SPLICE_F_GIFT")]
        const GIFT = g::SPLICE_F_GIFT;
    }
}

/// `splice(fd_in, off_in, fd_out, off_out, len, flags)` — moves up to `len` bytes from
/// `fd_in` to `fd_out` inside the kernel, where at least one of them is a pipe; returns how
/// many were moved (0: end of input, or an empty pipe with no writers).
///
/// The offset of a pipe side must be `None`. For a non-pipe side, `Some(offset)` reads or
/// writes there and advances `*offset`, leaving the file offset alone; `None` uses and
/// advances the file offset. Blocks on an empty (or full) pipe unless `NONBLOCK`; returns
/// `EINTR` if a handler ran before anything moved, and retrying is correct.
///
/// # Errors
/// `ESPIPE` (an offset given for a pipe), `EINVAL` (neither is a pipe, a target that does
/// not support splicing, `fd_out` opened `O_APPEND`, both ends the same pipe), `EBADF`,
/// `EAGAIN` (`NONBLOCK`, or a non-blocking descriptor), `ENOMEM`, `EINTR`.
///
/// # References
/// `man 2 splice`. Go: `syscall.Splice`.
#[doc(alias = "Splice")]
#[inline]
pub fn splice(
    fd_in: impl AsFd,
    off_in: Option<&mut u64>,
    fd_out: impl AsFd,
    off_out: Option<&mut u64>,
    len: usize,
    flags: SpliceFlags,
) -> Result<usize> {
    let (off_in, off_out) = (offset_ptr(off_in), offset_ptr(off_out));
    // SAFETY: the offsets are null or exclusive borrows of distinct live `u64`s; the kernel
    // reads and writes those two `loff_t`s and no other user memory.
    Errno::decode(unsafe {
        arch::syscall6(
            Sysno::splice,
            arg::fd(fd_in.as_fd()),
            off_in,
            arg::fd(fd_out.as_fd()),
            off_out,
            len,
            arg::uint(flags.bits()),
        )
    })
}

/// `tee(fd_in, fd_out, len, flags)` — duplicates up to `len` bytes from the pipe `fd_in` into
/// the pipe `fd_out` without consuming them; returns how many were duplicated (0: nothing
/// to copy, and no writers).
///
/// The data stays readable from `fd_in`. Blocks like [`splice`] unless `NONBLOCK`.
///
/// # Errors
/// `EINVAL` (either is not a pipe, or both are the same pipe), `EBADF`, `EAGAIN`, `ENOMEM`,
/// `EINTR` (retrying is correct).
///
/// # References
/// `man 2 tee`. Go: `syscall.Tee`.
#[doc(alias = "Tee")]
#[inline]
pub fn tee(fd_in: impl AsFd, fd_out: impl AsFd, len: usize, flags: SpliceFlags) -> Result<usize> {
    // SAFETY: no pointers; `tee` writes no user memory.
    Errno::decode(unsafe {
        arch::syscall4_readonly(
            Sysno::tee,
            arg::fd(fd_in.as_fd()),
            arg::fd(fd_out.as_fd()),
            len,
            arg::uint(flags.bits()),
        )
    })
}

/// `vmsplice(fd, bufs, flags)` — maps the user buffers `bufs` into the pipe `fd` (its write
/// end); returns how many bytes entered the pipe.
///
/// Blocks while the pipe is full unless `NONBLOCK`; returns `EINTR` if a handler ran before
/// anything entered, and retrying is correct.
///
/// # Errors
/// `EBADF` (not a pipe, or not its write end with these semantics), `EINVAL` (more than
/// `UIO_MAXIOV` buffers; `GIFT` with unaligned buffers), `EAGAIN`, `ENOMEM`, `EINTR`.
///
/// # Safety
/// - `fd` must be the write end of a pipe. (On a read end the kernel copies pipe data *into*
///   `bufs`, which are only borrowed for reading.)
/// - The pipe may keep referring to the buffers' pages after this returns, until the data is
///   read out of the pipe (by `read`, `splice` or `tee` consumers). Until then the caller must
///   not write to, free or unmap that memory: the reader would see the change, or whatever
///   reuses the memory.
/// - With `SpliceFlags::GIFT` the pages are given away: each buffer must be page-aligned and
///   a whole number of pages, and the caller must never use that memory again (neither read
///   nor write it) except to unmap it.
///
/// # References
/// `man 2 vmsplice`. Go: `unix.Vmsplice` (x/sys/unix).
#[doc(alias = "Vmsplice")]
#[inline]
pub unsafe fn vmsplice(fd: impl AsFd, bufs: &[IoSlice<'_>], flags: SpliceFlags) -> Result<usize> {
    // The caller promises `fd` is a pipe's write end and the pages stay untouched until read.
    // SAFETY: `bufs` are live iovecs in the kernel's layout, which the kernel only reads.
    Errno::decode(unsafe {
        arch::syscall4(
            Sysno::vmsplice,
            arg::fd(fd.as_fd()),
            bufs.as_ptr() as usize,
            bufs.len(),
            arg::uint(flags.bits()),
        )
    })
}
