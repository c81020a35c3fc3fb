//! The program's arguments, straight from the initial stack: no copy, no allocation.

use core::ffi::{CStr, c_char};
use core::sync::atomic::Ordering;

use crate::start::{ARGC, ARGV};

/// An iterator over the program's arguments, `argv[0]` first, as `&CStr` (any bytes but NUL;
/// not necessarily UTF-8).
#[derive(Clone)]
pub struct Args {
    next: usize,
    end: usize,
}

/// The program's arguments. Empty if the program was started with an empty argv (possible:
/// `execve(path, [], envp)`), or if [`crate::main!`] did not start the program.
pub fn args() -> Args {
    Args {
        next: 0,
        end: ARGC.load(Ordering::Relaxed),
    }
}

/// The number of arguments (`argc`).
pub fn argc() -> usize {
    ARGC.load(Ordering::Relaxed)
}

/// `argv[i]`, or `None` past the end.
pub fn arg(i: usize) -> Option<&'static CStr> {
    if i >= argc() {
        return None;
    }
    // SAFETY: `i < argc`, so `argv[i]` is a valid pointer to a NUL-terminated string that the
    // kernel placed on the initial stack, which lives as long as the process.
    unsafe {
        Some(CStr::from_ptr(
            *ARGV.load(Ordering::Relaxed).add(i) as *const c_char
        ))
    }
}

impl Iterator for Args {
    type Item = &'static CStr;

    fn next(&mut self) -> Option<&'static CStr> {
        if self.next >= self.end {
            return None;
        }
        self.next += 1;
        arg(self.next - 1)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.end - self.next;
        (n, Some(n))
    }
}

impl ExactSizeIterator for Args {}

impl DoubleEndedIterator for Args {
    fn next_back(&mut self) -> Option<&'static CStr> {
        if self.next >= self.end {
            return None;
        }
        self.end -= 1;
        arg(self.end)
    }
}
