//! Messages, in tini's shapes: `[FATAL tini (PID)] …` always, on stderr; `[WARN  tini (PID)]`
//! on stderr from verbosity 1 (the default); `INFO`, `DEBUG` and `TRACE` on stdout from 2, 3
//! and 4. Scripts match on these lines (tini's own tests look for "zombie reaping won't
//! work" and "Reaped zombie process with pid="), so the words are tini's.

use core::fmt;
use core::sync::atomic::{AtomicU32, Ordering};

use sysrt::fd::{BorrowedFd, STDERR, STDOUT};
use sysrt::process::getpid;

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

/// `-v`: one level more.
pub fn more_verbose() {
    VERBOSITY.fetch_add(1, Ordering::Relaxed);
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

/// Formats `args` to `to` (one `write` when it fits the runtime's 512-byte buffer).
pub fn write_fmt(to: BorrowedFd<'static>, args: fmt::Arguments<'_>) {
    sysrt_rt::print::print_to(to, args, false);
}

/// A fatal error: always printed, on stderr.
#[cold]
pub fn fatal(args: fmt::Arguments<'_>) {
    sysrt_rt::eprintln!("[FATAL tini ({})] {args}", Num(getpid().raw().into()));
}

/// A message of `level`, if the verbosity shows it.
pub fn log(level: Level, args: fmt::Arguments<'_>) {
    if enabled(level) {
        emit(level, args);
    }
}

/// A message of `level`, whatever the verbosity.
pub fn emit(level: Level, args: fmt::Arguments<'_>) {
    let (tag, to): (&[u8], _) = match level {
        Level::Warn => (b"WARN ", STDERR),
        Level::Info => (b"INFO ", STDOUT),
        Level::Debug => (b"DEBUG", STDOUT),
        Level::Trace => (b"TRACE", STDOUT),
    };
    sysrt_rt::print::print_to(
        to,
        format_args!(
            "[{} tini ({})] {args}",
            Text(tag),
            Num(getpid().raw().into())
        ),
        true,
    );
}

/// Bytes in a message, written as they are when ASCII (a non-ASCII byte shows as `?`).
///
/// `core::fmt`'s own `str` and integer formatting carry padding and width support that no
/// message here uses; these two wrappers write straight to the output and keep sysrt-init
/// several KiB smaller.
pub struct Text<'a>(pub &'a [u8]);

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for run in self.0.split_inclusive(|b| !b.is_ascii()) {
            let (ascii, other) = match run.split_last() {
                Some((&last, head)) if !last.is_ascii() => (head, "?"),
                _ => (run, ""),
            };
            // SAFETY: every byte of `ascii` is ASCII, which is valid UTF-8.
            f.write_str(unsafe { core::str::from_utf8_unchecked(ascii) })?;
            f.write_str(other)?;
        }
        Ok(())
    }
}

/// A decimal number in a message.
pub struct Num(pub i64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut v = self.0.unsigned_abs();
        loop {
            at -= 1;
            digits[at] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        if self.0 < 0 {
            f.write_str("-")?;
        }
        fmt::Display::fmt(&Text(&digits[at..]), f)
    }
}

/// A signal by its C name (`SIGTERM`), or its number.
pub struct SigName(pub sysrt::signal::Signal);

impl fmt::Display for SigName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.name() {
            Some(name) => fmt::Display::fmt(&Text(name.as_bytes()), f),
            None => fmt::Display::fmt(&Num(i64::from(self.0.raw())), f),
        }
    }
}
