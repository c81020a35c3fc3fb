//! Tiny argument encoders: how typed values become syscall registers.
//!
//! Expressions, not hops: each is `#[inline(always)]` and compiles to nothing or one move.

use core::ffi::CStr;

use crate::fd::{BorrowedFd, RawFd};

/// A C string pointer as a register.
#[inline(always)]
pub(crate) fn c_str(s: &CStr) -> usize {
    s.as_ptr() as usize
}

/// A file descriptor as a register: sign-extended, as the kernel reads an `int` argument
/// (`AT_FDCWD` is -100).
#[inline(always)]
pub(crate) fn fd(fd: BorrowedFd<'_>) -> usize {
    raw_fd(fd.as_raw_fd())
}

/// A raw `int` fd (or any `int`) as a register, sign-extended.
#[inline(always)]
pub(crate) fn raw_fd(fd: RawFd) -> usize {
    fd as isize as usize
}

/// A read-only buffer as (pointer, length) registers.
#[inline(always)]
pub(crate) fn slice(buf: &[u8]) -> (usize, usize) {
    (buf.as_ptr() as usize, buf.len())
}

/// A writable buffer as (pointer, length) registers.
#[inline(always)]
pub(crate) fn slice_mut(buf: &mut [u8]) -> (usize, usize) {
    (buf.as_mut_ptr() as usize, buf.len())
}

/// A `c_int`/`c_uint` flag word as a register (zero-extended for unsigned flags).
#[inline(always)]
pub(crate) fn uint(v: u32) -> usize {
    v as usize
}
