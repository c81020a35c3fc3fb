//! The bodies of `memcpy`, `memmove`, `memset`, `memcmp`, `bcmp` and `strlen`, which the
//! compiler emits calls to (struct copies, zeroing, slice comparison) and which nothing else
//! defines with no libc on the `-gnu` targets (Rust's `compiler_builtins` exports its copies
//! only for targets without a libc).
//!
//! [`crate::main!`] defines the C symbols in the program's own crate, outside `cfg(test)`, as
//! one-line shims over these `#[inline(always)]` bodies. Two things keep them from ever calling
//! themselves, at any opt-level:
//!
//! - After inlining, each loop lives in a function named `memset` (or `memcpy`, ...), and
//!   LLVM's loop-idiom pass never turns the body of such a function back into a call to it.
//! - Nothing here is written in a form that lowers to a call at opt-level 0 either: no array
//!   repeat expression (`[byte; 8]` is a `memset` call in a debug build), no aggregate copies,
//!   and the word pattern is one multiplication. A dev build of the test programs checks this
//!   on every arch.
//!
//! Copies go a word at a time when source and destination share alignment, which is the common
//! case for the compiler's own struct copies.

use core::ffi::{c_char, c_int};

const WORD: usize = core::mem::size_of::<usize>();

/// `0x0101…01`: multiplying a byte by it repeats the byte in every byte of a word.
const ONES: usize = usize::MAX / 0xff;

/// # Safety
/// As C's `memcpy`: `dest` and `src` valid for `n` bytes, not overlapping.
#[inline(always)]
pub unsafe fn memcpy(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    // SAFETY: the caller guarantees both ranges are valid for `n` bytes and disjoint.
    unsafe { copy_forward(dest, src, n) };
    dest
}

/// # Safety
/// As C's `memmove`: `dest` and `src` valid for `n` bytes; they may overlap.
#[inline(always)]
pub unsafe fn memmove(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    if (dest as usize).wrapping_sub(src as usize) >= n {
        // `dest` is before `src` or the ranges are disjoint: a forward copy never reads a byte
        // it already overwrote.
        // SAFETY: the caller guarantees both ranges are valid for `n` bytes.
        unsafe { copy_forward(dest, src, n) };
    } else {
        let mut i = n;
        while i > 0 {
            i -= 1;
            // SAFETY: `i < n`; copying from the end never reads a byte already overwritten.
            unsafe { *dest.add(i) = *src.add(i) };
        }
    }
    dest
}

/// # Safety
/// `dest` and `src` valid for `n` bytes; if they overlap, `dest` must not be after `src`.
#[inline(always)]
unsafe fn copy_forward(dest: *mut u8, src: *const u8, n: usize) {
    let mut i = 0;
    if (dest as usize | src as usize) & (WORD - 1) == 0 {
        while n - i >= WORD {
            // SAFETY: both pointers are word-aligned at `i` and `i + WORD <= n`.
            unsafe { *(dest.add(i) as *mut usize) = *(src.add(i) as *const usize) };
            i += WORD;
        }
    }
    while i < n {
        // SAFETY: `i < n`.
        unsafe { *dest.add(i) = *src.add(i) };
        i += 1;
    }
}

/// # Safety
/// As C's `memset`: `dest` valid for `n` bytes.
#[inline(always)]
pub unsafe fn memset(dest: *mut u8, c: c_int, n: usize) -> *mut u8 {
    let byte = c as u8;
    let mut i = 0;
    if (dest as usize) & (WORD - 1) == 0 {
        let word = (byte as usize).wrapping_mul(ONES);
        while n - i >= WORD {
            // SAFETY: `dest + i` is word-aligned and `i + WORD <= n`.
            unsafe { *(dest.add(i) as *mut usize) = word };
            i += WORD;
        }
    }
    while i < n {
        // SAFETY: `i < n`.
        unsafe { *dest.add(i) = byte };
        i += 1;
    }
    dest
}

/// # Safety
/// As C's `memcmp`: `a` and `b` valid for `n` bytes.
#[inline(always)]
pub unsafe fn memcmp(a: *const u8, b: *const u8, n: usize) -> c_int {
    let mut i = 0;
    while i < n {
        // SAFETY: `i < n`.
        let x = unsafe { *a.add(i) };
        // SAFETY: `i < n`.
        let y = unsafe { *b.add(i) };
        if x != y {
            return c_int::from(x) - c_int::from(y);
        }
        i += 1;
    }
    0
}

/// # Safety
/// As C's `strlen`: `s` points at a NUL-terminated string.
#[inline(always)]
pub unsafe fn strlen(s: *const c_char) -> usize {
    let mut n = 0;
    // SAFETY: the string is NUL-terminated, so every byte up to and including the NUL exists.
    while unsafe { *s.add(n) } != 0 {
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec::Vec;

    fn pattern(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 7 + 3) as u8).collect()
    }

    #[test]
    fn set_copy_move_compare_at_every_alignment() {
        for len in 0..40 {
            for off in 0..9 {
                let mut buf = [0xeeu8; 64];
                // SAFETY: `off + len <= 64`.
                unsafe { memset(buf.as_mut_ptr().add(off), 0x1a5, len) };
                assert!(buf[off..off + len].iter().all(|&b| b == 0xa5));
                assert!(
                    buf[..off]
                        .iter()
                        .chain(&buf[off + len..])
                        .all(|&b| b == 0xee)
                );

                let src = pattern(len);
                let mut dst = [0u8; 64];
                // SAFETY: `off + len <= 64`; the two buffers are disjoint.
                unsafe { memcpy(dst.as_mut_ptr().add(off), src.as_ptr(), len) };
                assert_eq!(&dst[off..off + len], &src[..]);

                for shift in 0..9usize {
                    let mut m = pattern(64);
                    let want = {
                        let mut w = m.clone();
                        w.copy_within(shift..shift + len, off);
                        w
                    };
                    // SAFETY: both ranges lie inside the 64-byte buffer.
                    unsafe { memmove(m.as_mut_ptr().add(off), m.as_ptr().add(shift), len) };
                    assert_eq!(m, want, "len {len} off {off} shift {shift}");
                }

                let a = pattern(len);
                let mut b = a.clone();
                // SAFETY: both are `len` bytes long.
                assert_eq!(unsafe { memcmp(a.as_ptr(), b.as_ptr(), len) }, 0);
                if len > 0 {
                    b[len - 1] = b[len - 1].wrapping_add(1);
                    // SAFETY: both are `len` bytes long.
                    let r = unsafe { memcmp(a.as_ptr(), b.as_ptr(), len) };
                    assert_eq!(r, i32::from(a[len - 1]) - i32::from(b[len - 1]));
                }
            }
        }
        // SAFETY: NUL-terminated literals.
        unsafe {
            assert_eq!(strlen(c"".as_ptr()), 0);
            assert_eq!(strlen(c"hello".as_ptr()), 5);
        }
    }
}
