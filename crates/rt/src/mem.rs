//! `memcpy`, `memmove`, `memset`, `memcmp`, `bcmp`, `strlen`: the compiler emits calls to these
//! (struct copies, zeroing, slice comparison), and with no libc nothing else defines them on
//! the `-gnu` targets (Rust's `compiler_builtins` exports its copies only for targets without
//! a libc).
//!
//! Plain loops: LLVM's loop-idiom pass does not turn the body of a function named `memcpy`,
//! `memmove` or `memset` back into a call to itself. Copies go a word at a time when source and
//! destination share alignment, which is the common case for the compiler's own struct copies.

// A test build of this crate links the host libc, which has these.
#![cfg(not(test))]

use core::ffi::{c_char, c_int};

const WORD: usize = core::mem::size_of::<usize>();

/// # Safety
/// As C's `memcpy`: `dest` and `src` valid for `n` bytes, not overlapping.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcpy(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    // SAFETY: the caller guarantees both ranges are valid for `n` bytes and disjoint.
    unsafe { copy_forward(dest, src, n) };
    dest
}

/// # Safety
/// As C's `memmove`: `dest` and `src` valid for `n` bytes; they may overlap.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memmove(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
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
    if (dest as usize | src as usize).is_multiple_of(WORD) {
        while i + WORD <= n {
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
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memset(dest: *mut u8, c: c_int, n: usize) -> *mut u8 {
    let byte = c as u8;
    let mut i = 0;
    if (dest as usize).is_multiple_of(WORD) {
        let word = usize::from_ne_bytes([byte; WORD]);
        while i + WORD <= n {
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
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> c_int {
    let mut i = 0;
    while i < n {
        // SAFETY: `i < n`.
        let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
        if x != y {
            return c_int::from(x) - c_int::from(y);
        }
        i += 1;
    }
    0
}

/// # Safety
/// As C's `bcmp`: `a` and `b` valid for `n` bytes. Zero when equal.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { memcmp(a, b, n) }
}

/// # Safety
/// As C's `strlen`: `s` points at a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn strlen(s: *const c_char) -> usize {
    let mut n = 0;
    // SAFETY: the string is NUL-terminated, so every byte up to and including the NUL exists.
    while unsafe { *s.add(n) } != 0 {
        n += 1;
    }
    n
}
