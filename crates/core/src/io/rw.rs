//! Reading, writing and closing descriptors.

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
/// As [`write`], except `EINTR`. A `write` that returns 0 for a non-empty buffer gives
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
