//! Messages, in tini's shapes: `[FATAL tini (PID)] …` always, on stderr; `[WARN  tini (PID)]`
//! on stderr from verbosity 1 (the default); `INFO`, `DEBUG` and `TRACE` on stdout from 2, 3
//! and 4. Scripts match on these lines (tini's own tests look for "zombie reaping won't
//! work" and "Reaped zombie process with pid="), so the words are tini's.
//!
//! A message is a list of [`Part`]s, written through a 512-byte stack buffer: one `write`
//! for a line that fits. There is no `core::fmt` here, nor anywhere in sysrt-init: its
//! machinery (padding, width, the `Display` of every type it meets, and the panic paths it
//! keeps) would be a quarter of the program, whose size is one of its features.

use core::sync::atomic::{AtomicU32, Ordering};

use sysrt::Errno;
use sysrt::fd::{BorrowedFd, STDERR, STDOUT};
use sysrt::io::write_all;
use sysrt::process::getpid;
use sysrt::signal::Signal;

/// tini's default verbosity (1: warnings shown).
static VERBOSITY: AtomicU32 = AtomicU32::new(1);

/// The level of a message.
#[derive(Copy, Clone, PartialEq, Eq)]
pub enum Level {
    Warn,
    Info,
    Debug,
    Trace,
}

/// `-v`: one level more. (A load and a store, not `fetch_add`: sysrt-init has one thread,
/// and on aarch64 a read-modify-write would bring in the outlined atomics and the CPU
/// feature probe they need.)
pub fn more_verbose() {
    let v = VERBOSITY.load(Ordering::Relaxed);
    VERBOSITY.store(v.saturating_add(1), Ordering::Relaxed);
}

/// `TINI_VERBOSITY`: exactly this level.
pub fn set_verbosity(v: u32) {
    VERBOSITY.store(v, Ordering::Relaxed);
}

/// Whether messages of `level` are printed.
pub fn enabled(level: Level) -> bool {
    let min = match level {
        Level::Warn => 1,
        Level::Info => 2,
        Level::Debug => 3,
        Level::Trace => 4,
    };
    VERBOSITY.load(Ordering::Relaxed) >= min
}

/// One piece of a message.
#[derive(Copy, Clone)]
pub enum Part<'a> {
    /// Bytes, written as they are (tini prints C strings as they are too).
    S(&'a [u8]),
    /// A decimal number.
    N(i64),
    /// glibc's `strerror` text for an errno.
    E(Errno),
    /// A signal by its C name (`SIGTERM`), or its number.
    Sig(Signal),
}

/// Big enough for any of tini's lines; a longer message goes out in pieces of this size.
const BUF: usize = 512;

/// A message being written to one fd.
struct Out<'fd> {
    fd: BorrowedFd<'fd>,
    buf: [u8; BUF],
    len: usize,
}

impl Out<'_> {
    fn new(fd: BorrowedFd<'_>) -> Out<'_> {
        Out {
            fd,
            buf: [0; BUF],
            len: 0,
        }
    }

    /// Writes what is buffered. A write error is dropped, as tini drops `fprintf`'s: there
    /// is nowhere to report it.
    fn flush(&mut self) {
        let _ = write_all(self.fd, self.buf.get(..self.len).unwrap_or_default());
        self.len = 0;
    }

    fn bytes(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let room = self.buf.get_mut(self.len..).unwrap_or_default();
            if room.is_empty() {
                self.flush();
                continue;
            }
            let n = bytes.len().min(room.len());
            let (now, later) = bytes.split_at_checked(n).unwrap_or((bytes, &[]));
            if let Some(dst) = room.get_mut(..n) {
                dst.copy_from_slice(now);
            }
            self.len += n;
            bytes = later;
        }
    }

    fn num(&mut self, v: i64) {
        if v < 0 {
            self.bytes(b"-");
        }
        let mut digits = [0u8; 20];
        let mut u = v.unsigned_abs();
        let mut n = 0;
        for d in digits.iter_mut().rev() {
            *d = b'0' + (u % 10) as u8;
            u /= 10;
            n += 1;
            if u == 0 {
                break;
            }
        }
        self.bytes(digits.get(digits.len() - n..).unwrap_or_default());
    }

    fn part(&mut self, part: Part<'_>) {
        match part {
            Part::S(s) => self.bytes(s),
            Part::N(v) => self.num(v),
            Part::E(e) => match strerror(e) {
                Some(text) => self.bytes(text.as_bytes()),
                None => {
                    self.bytes(b"Unknown error ");
                    self.num(e.raw().into());
                }
            },
            Part::Sig(sig) => match sig.name() {
                Some(name) => self.bytes(name.as_bytes()),
                None => self.num(sig.raw().into()),
            },
        }
    }

    fn parts(&mut self, parts: &[Part<'_>]) {
        for &p in parts {
            self.part(p);
        }
    }
}

/// glibc's `strerror` text for the errnos sysrt-init's calls can report; `None` for the
/// rest, which print as glibc's "Unknown error N". (sysrt's own table of every errno would
/// add 3 KiB.)
fn strerror(e: Errno) -> Option<&'static str> {
    Some(match e {
        Errno::EPERM => "Operation not permitted",
        Errno::ENOENT => "No such file or directory",
        Errno::ESRCH => "No such process",
        Errno::EINTR => "Interrupted system call",
        Errno::EIO => "Input/output error",
        Errno::ENXIO => "No such device or address",
        Errno::E2BIG => "Argument list too long",
        Errno::ENOEXEC => "Exec format error",
        Errno::EBADF => "Bad file descriptor",
        Errno::ECHILD => "No child processes",
        Errno::EAGAIN => "Resource temporarily unavailable",
        Errno::ENOMEM => "Cannot allocate memory",
        Errno::EACCES => "Permission denied",
        Errno::EFAULT => "Bad address",
        Errno::ENOTDIR => "Not a directory",
        Errno::EISDIR => "Is a directory",
        Errno::EINVAL => "Invalid argument",
        Errno::EMFILE => "Too many open files",
        Errno::ENOTTY => "Inappropriate ioctl for device",
        Errno::ETXTBSY => "Text file busy",
        Errno::ENAMETOOLONG => "File name too long",
        Errno::ELOOP => "Too many levels of symbolic links",
        Errno::ENOSYS => "Function not implemented",
        _ => return None,
    })
}

/// Writes `parts` to `to`, as they are (no prefix, no newline).
pub fn write(to: BorrowedFd<'_>, parts: &[Part<'_>]) {
    let mut out = Out::new(to);
    out.parts(parts);
    out.flush();
}

/// `[TAG tini (PID)] parts…` and a newline, to `to`.
fn line(to: BorrowedFd<'_>, tag: &[u8], parts: &[Part<'_>]) {
    let mut out = Out::new(to);
    out.parts(&[
        Part::S(b"["),
        Part::S(tag),
        Part::S(b" tini ("),
        Part::N(getpid().raw().into()),
        Part::S(b")] "),
    ]);
    out.parts(parts);
    out.bytes(b"\n");
    out.flush();
}

/// A fatal error: always printed, on stderr.
#[cold]
pub fn fatal(parts: &[Part<'_>]) {
    line(STDERR, b"FATAL", parts);
}

/// A message of `level`, if the verbosity shows it. Not inlined: the check and the choice of
/// tag and fd are made once, here, not at each of the calls.
#[inline(never)]
pub fn log(level: Level, parts: &[Part<'_>]) {
    if enabled(level) {
        emit(level, parts);
    }
}

/// A message of `level`, whatever the verbosity.
pub fn emit(level: Level, parts: &[Part<'_>]) {
    let (tag, to): (&[u8], _) = match level {
        Level::Warn => (b"WARN ", STDERR),
        Level::Info => (b"INFO ", STDOUT),
        Level::Debug => (b"DEBUG", STDOUT),
        Level::Trace => (b"TRACE", STDOUT),
    };
    line(to, tag, parts);
}
