//! `print!`, `println!`, `eprint!`, `eprintln!` over `write(2)`, with no allocation.
//!
//! Each macro call formats into a 512-byte stack buffer and writes it with as few `write`
//! calls as the output needs (one, for a line that fits), looping over short writes and
//! `EINTR`. A format string with no arguments is written directly, with no formatting code.
//! Write errors (`EPIPE`, `EBADF`) are ignored: use [`Stdout`]/[`Stderr`] with `write!` to see
//! them.

use core::fmt;

use sysrt::Errno;
use sysrt::fd::{BorrowedFd, STDERR, STDOUT};
use sysrt::io::write_all;

/// Big enough for a typical line; a longer output is flushed in pieces of this size.
const BUF: usize = 512;

/// Standard output as a `core::fmt::Write` that reports errors (unbuffered: every piece is
/// written as it comes).
pub struct Stdout;

/// Standard error as a `core::fmt::Write` that reports errors (unbuffered).
pub struct Stderr;

impl fmt::Write for Stdout {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        write_all(STDOUT, s.as_bytes()).map_err(|_| fmt::Error)
    }
}

impl fmt::Write for Stderr {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        write_all(STDERR, s.as_bytes()).map_err(|_| fmt::Error)
    }
}

/// A 512-byte stack buffer in front of one fd, the engine of the print macros: bytes are
/// pushed, and go out with as few `write` calls as they need (one, for a line that fits),
/// looping over short writes and `EINTR`. No formatting code and no panic path: a program
/// that builds its output from pieces, without `core::fmt`, writes through it too
/// (sysrt-init does). It also implements `core::fmt::Write`.
///
/// After the first write error nothing more is written; [`Buffered::error`] tells it.
pub struct Buffered<'fd> {
    fd: BorrowedFd<'fd>,
    buf: [u8; BUF],
    len: usize,
    err: Option<Errno>,
}

// Written with `get`/`split_at_checked` rather than indexing: no path here can panic, so a
// program that only prints never links the panic machinery (which is most of `hello`'s size).
impl<'fd> Buffered<'fd> {
    /// An empty buffer in front of `fd`.
    pub fn new(fd: BorrowedFd<'fd>) -> Buffered<'fd> {
        Buffered {
            fd,
            buf: [0; BUF],
            len: 0,
            err: None,
        }
    }

    /// The first write error, if there was one.
    pub fn error(&self) -> Option<Errno> {
        self.err
    }

    /// Writes what is buffered (nothing after a write error) and empties the buffer.
    pub fn flush(&mut self) {
        if self.err.is_none() {
            let pending = self.buf.get(..self.len).unwrap_or_default();
            if let Err(e) = write_all(self.fd, pending) {
                self.err = Some(e);
            }
        }
        self.len = 0;
    }

    /// Appends `bytes`, writing the buffer out whenever it fills.
    pub fn push(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            if self.len == BUF {
                self.flush();
            }
            let room = self.buf.get_mut(self.len..).unwrap_or_default();
            let n = bytes.len().min(room.len());
            let (now, later) = bytes.split_at_checked(n).unwrap_or((bytes, &[]));
            if let Some(dst) = room.get_mut(..n) {
                dst.copy_from_slice(now);
            }
            self.len += n;
            bytes = later;
        }
    }
}

impl fmt::Write for Buffered<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push(s.as_bytes());
        Ok(())
    }
}

/// Writes formatted output to `fd`, then a newline if `newline`; the engine of the print
/// macros.
///
/// # Errors
/// The first write error, if any; output after it is dropped.
pub fn try_print_to(
    fd: BorrowedFd<'_>,
    args: fmt::Arguments<'_>,
    newline: bool,
) -> sysrt::Result<()> {
    match args.as_str() {
        Some(s) => try_print_str(fd, s, newline),
        None => {
            let mut w = Buffered::new(fd);
            let _ = fmt::write(&mut w, args);
            if newline {
                w.push(b"\n");
            }
            w.flush();
            w.err.map_or(Ok(()), Err)
        }
    }
}

/// Writes `s` (and a newline) with no formatting machinery: one `write` when it fits the
/// buffer.
fn try_print_str(fd: BorrowedFd<'_>, s: &str, newline: bool) -> sysrt::Result<()> {
    if !newline {
        return write_all(fd, s.as_bytes());
    }
    let mut w = Buffered::new(fd);
    w.push(s.as_bytes());
    w.push(b"\n");
    w.flush();
    w.err.map_or(Ok(()), Err)
}

/// As [`try_print_to`], ignoring errors. The macros call this; `inline(always)` lets a format
/// string with no arguments compile down to one unformatted write.
#[inline(always)]
pub fn print_to(fd: BorrowedFd<'_>, args: fmt::Arguments<'_>, newline: bool) {
    let _ = match args.as_str() {
        Some(s) => try_print_str(fd, s, newline),
        None => try_print_to(fd, args, newline),
    };
}

/// The arm of `println!`/`eprintln!` for one string literal: `lit` as written, `line` the
/// same with a newline (`concat!`, at compile time), `args` its `format_args!`. A literal with
/// no arguments and no `{{`/`}}` escapes formats to itself (`as_str` gives it back at the
/// same length: an escape would shorten it), so `line` is written as it is: one `write`, with
/// no buffer to fill and no copy. Anything else takes [`print_to`]'s way. This is most of the
/// difference in size between `hello` and a program that makes the same two syscalls.
#[doc(hidden)]
#[inline(always)]
pub fn println_literal(fd: BorrowedFd<'_>, lit: &str, line: &str, args: fmt::Arguments<'_>) {
    match args.as_str() {
        Some(s) if s.len() == lit.len() => {
            let _ = write_all(fd, line.as_bytes());
        }
        _ => print_to(fd, args, true),
    }
}

/// Prints to standard output. Errors are ignored.
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => {
        $crate::print::print_to($crate::__sysrt::fd::STDOUT, ::core::format_args!($($arg)*), false)
    };
}

/// Prints to standard output, with a newline, in one `write` when the line fits 512 bytes.
/// Errors are ignored.
#[macro_export]
macro_rules! println {
    () => { $crate::print::print_to($crate::__sysrt::fd::STDOUT, ::core::format_args!(""), true) };
    ($lit:literal $(,)?) => {
        $crate::print::println_literal(
            $crate::__sysrt::fd::STDOUT,
            $lit,
            ::core::concat!($lit, "\n"),
            ::core::format_args!($lit),
        )
    };
    ($($arg:tt)*) => {
        $crate::print::print_to($crate::__sysrt::fd::STDOUT, ::core::format_args!($($arg)*), true)
    };
}

/// Prints to standard error. Errors are ignored.
#[macro_export]
macro_rules! eprint {
    ($($arg:tt)*) => {
        $crate::print::print_to($crate::__sysrt::fd::STDERR, ::core::format_args!($($arg)*), false)
    };
}

/// Prints to standard error, with a newline. Errors are ignored.
#[macro_export]
macro_rules! eprintln {
    () => { $crate::print::print_to($crate::__sysrt::fd::STDERR, ::core::format_args!(""), true) };
    ($lit:literal $(,)?) => {
        $crate::print::println_literal(
            $crate::__sysrt::fd::STDERR,
            $lit,
            ::core::concat!($lit, "\n"),
            ::core::format_args!($lit),
        )
    };
    ($($arg:tt)*) => {
        $crate::print::print_to($crate::__sysrt::fd::STDERR, ::core::format_args!($($arg)*), true)
    };
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use sysrt::io::{pipe, read};

    /// What a pipe's read end holds now, up to 4 KiB.
    fn drain(r: BorrowedFd<'_>) -> std::vec::Vec<u8> {
        let mut buf = [0u8; 4096];
        let n = read(r, &mut buf).unwrap();
        buf[..n].to_vec()
    }

    #[test]
    #[cfg_attr(miri, ignore = "makes syscalls (pipe, write, read)")]
    fn buffered_writes_pushed_bytes_in_order_across_its_512_byte_buffer() {
        let (r, w) = pipe().unwrap();
        let text: std::vec::Vec<u8> = (0..1300u32).map(|i| b'a' + (i % 26) as u8).collect();
        let mut b = Buffered::new(w.as_fd());
        b.push(&text[..700]);
        // 700 bytes: one full buffer went out, 188 wait.
        assert_eq!(drain(r.as_fd()), &text[..BUF]);
        b.push(&text[700..]);
        b.flush();
        assert_eq!(drain(r.as_fd()), &text[BUF..]);
        assert_eq!(b.error(), None);
        // An empty flush writes nothing.
        b.flush();
        assert_eq!(b.error(), None);
    }

    #[test]
    #[cfg_attr(miri, ignore = "makes syscalls (pipe, write)")]
    fn buffered_reports_epipe_and_keeps_it() {
        let (r, w) = pipe().unwrap();
        drop(r);
        // The test harness ignores SIGPIPE, as std programs do: the write fails with EPIPE.
        let mut b = Buffered::new(w.as_fd());
        b.push(b"lost");
        b.flush();
        assert_eq!(b.error(), Some(Errno::EPIPE));
        b.push(b"also lost");
        b.flush();
        assert_eq!(b.error(), Some(Errno::EPIPE));
    }
}
