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
use sysrt::process::getpid;
use sysrt::signal::Signal;
use sysrt_rt::print::Buffered;

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

/// A message being written to one fd, through sysrt-rt's stack buffer (512 bytes: one
/// `write` for any of tini's lines). A write error is dropped, as tini drops `fprintf`'s:
/// there is nowhere to report it.
struct Out<'fd>(Buffered<'fd>);

impl Out<'_> {
    fn new(fd: BorrowedFd<'_>) -> Out<'_> {
        Out(Buffered::new(fd))
    }

    fn flush(&mut self) {
        self.0.flush();
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.0.push(bytes);
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
                Some(text) => self.bytes(text),
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

/// The errnos sysrt-init's calls can report, in the order of [`STRERROR_TEXTS`].
const STRERROR_ERRNOS: [Errno; 23] = [
    Errno::EPERM,
    Errno::ENOENT,
    Errno::ESRCH,
    Errno::EINTR,
    Errno::EIO,
    Errno::ENXIO,
    Errno::E2BIG,
    Errno::ENOEXEC,
    Errno::EBADF,
    Errno::ECHILD,
    Errno::EAGAIN,
    Errno::ENOMEM,
    Errno::EACCES,
    Errno::EFAULT,
    Errno::ENOTDIR,
    Errno::EISDIR,
    Errno::EINVAL,
    Errno::EMFILE,
    Errno::ENOTTY,
    Errno::ETXTBSY,
    Errno::ENAMETOOLONG,
    Errno::ELOOP,
    Errno::ENOSYS,
];

/// glibc's `strerror` texts for [`STRERROR_ERRNOS`], in order, each ended by a NUL. One
/// string rather than a `match`: the compiler turns a `match` into tables of pointers and
/// lengths, 16 bytes an errno.
const STRERROR_TEXTS: &[u8] = b"Operation not permitted\0No such file or directory\0\
No such process\0Interrupted system call\0Input/output error\0No such device or address\0\
Argument list too long\0Exec format error\0Bad file descriptor\0No child processes\0\
Resource temporarily unavailable\0Cannot allocate memory\0Permission denied\0Bad address\0\
Not a directory\0Is a directory\0Invalid argument\0Too many open files\0\
Inappropriate ioctl for device\0Text file busy\0File name too long\0\
Too many levels of symbolic links\0Function not implemented\0";

// One text per errno: checked when compiling.
const _: () = {
    let mut texts = 0;
    let mut i = 0;
    while i < STRERROR_TEXTS.len() {
        if STRERROR_TEXTS[i] == 0 {
            texts += 1;
        }
        i += 1;
    }
    assert!(texts == STRERROR_ERRNOS.len());
};

/// glibc's `strerror` text for the errnos sysrt-init's calls can report; `None` for the
/// rest, which print as glibc's "Unknown error N". (sysrt's own table of every errno would
/// add 3 KiB.)
fn strerror(e: Errno) -> Option<&'static [u8]> {
    STRERROR_ERRNOS
        .iter()
        .zip(STRERROR_TEXTS.split(|&b| b == 0))
        .find_map(|(&known, text)| (known == e).then_some(text))
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
