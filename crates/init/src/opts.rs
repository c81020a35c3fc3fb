//! The command line and the environment, read as tini 0.19 reads them: glibc `getopt` with
//! the option string `p:hvwgle:s` (options may follow the program's name unless
//! `POSIXLY_CORRECT` is set; `--` ends them), `--version` only as the sole argument, then
//! `TINI_SUBREAPER`, `TINI_KILL_PROCESS_GROUP` and `TINI_VERBOSITY`.

use core::ffi::CStr;

use sysrt::fd::{BorrowedFd, STDERR, STDOUT};
use sysrt::signal::Signal;
use sysrt_rt::{args, getenv};

use crate::log;
use crate::log::Part::{N, S};

/// The version line (`--version`, and the first line of the usage text).
pub const VERSION: &str = concat!("sysrt-init version ", env!("CARGO_PKG_VERSION"));

/// The most arguments the program can be given: its argv is gathered on the stack (there is
/// no allocator), and `exec` builds the pointer array in its 16 KiB arena (8 bytes an
/// argument, and the NULL). More would take arguments of a few bytes each to stay under the
/// kernel's own limit (a quarter of the stack limit, 2 MiB by default).
pub const MAX_CHILD_ARGS: usize = 2000;

/// What the command line and the environment ask for.
pub struct Options {
    /// `-s` given, or `TINI_SUBREAPER` set.
    pub subreaper: bool,
    /// `-p SIGNAL`.
    pub pdeathsig: Option<Signal>,
    /// `-w`: report each orphan reaped.
    pub warn_on_reap: bool,
    /// `-g` given, or `TINI_KILL_PROCESS_GROUP` set: signals go to the child's group.
    pub kill_group: bool,
    /// `-e CODE`: the exit codes remapped to 0, one bit each.
    pub remap: [u64; 4],
    /// The program and its arguments.
    pub child: [&'static CStr; MAX_CHILD_ARGS],
    /// How many of `child` are used (at least 1 once parsing succeeded).
    pub child_len: usize,
}

impl Options {
    /// Whether exit code `code` is remapped to 0.
    pub fn remapped(&self, code: u8) -> bool {
        self.remap[usize::from(code / 64)] & (1 << (code % 64)) != 0
    }

    fn push_child(&mut self, a: &'static CStr) -> Result<(), i32> {
        match self.child.get_mut(self.child_len) {
            Some(slot) => {
                *slot = a;
                self.child_len += 1;
                Ok(())
            }
            None => {
                log::fatal(&[
                    S(b"Too many arguments for the child (at most "),
                    N(MAX_CHILD_ARGS as i64),
                    S(b")"),
                ]);
                Err(1)
            }
        }
    }
}

/// A name `-p` accepts: tini's table, which holds the C name of every standard signal but
/// `SIGSTKFLT`, `SIGIO` and `SIGPWR`, spelt exactly so (`SIGUSR1`, not `USR1` or `SIGusr1`).
/// The names are sysrt's (`Signal::name`), not a second table.
fn signal_by_name(name: &[u8]) -> Option<Signal> {
    (1..32)
        .filter_map(Signal::from_raw)
        .filter(|&s| !matches!(s, Signal::STKFLT | Signal::IO | Signal::PWR))
        .find(|s| s.name().map(str::as_bytes) == Some(name))
}

/// C's `isspace` in the "C" locale.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// C's `strtol(s, &end, 10)`: the value (saturated) and how many bytes it took. No digits
/// takes nothing, as C leaves `end` at the start then.
fn strtol(s: &[u8]) -> (i64, usize) {
    let blanks = s.iter().take_while(|&&b| is_space(b)).count();
    let rest = s.get(blanks..).unwrap_or_default();
    let (negative, sign, rest) = match rest.split_first() {
        Some((b'-', r)) => (true, 1, r),
        Some((b'+', r)) => (false, 1, r),
        _ => (false, 0, rest),
    };
    let mut v: i64 = 0;
    let mut digits = 0;
    for &d in rest.iter().take_while(|b| b.is_ascii_digit()) {
        v = v.saturating_mul(10).saturating_add(i64::from(d - b'0'));
        digits += 1;
    }
    if digits == 0 {
        return (0, 0);
    }
    (if negative { -v } else { v }, blanks + sign + digits)
}

/// tini's `-e` check: all of the argument is a number (as `strtol` reads it: leading
/// blanks and a sign allowed; an empty argument reads as 0) from 0 to 255.
fn exit_code_arg(s: &[u8]) -> Option<u8> {
    let (v, used) = strtol(s);
    if used != s.len() {
        return None;
    }
    u8::try_from(v).ok()
}

/// `basename(argv[0])` as POSIX `basename` gives it (trailing slashes ignored).
fn basename(path: &[u8]) -> &[u8] {
    let trimmed = match path.iter().rposition(|&b| b != b'/') {
        Some(end) => path.get(..=end).unwrap_or(path),
        None if path.is_empty() => return b".",
        None => return b"/",
    };
    match trimmed.iter().rposition(|&b| b == b'/') {
        Some(i) => trimmed.get(i + 1..).unwrap_or(trimmed),
        None => trimmed,
    }
}

/// The program's name for messages: `argv[0]` (tini's, and glibc `getopt`'s).
fn argv0() -> &'static [u8] {
    args::arg(0).map_or(b"sysrt-init", CStr::to_bytes)
}

/// The usage text, word for word tini's (with its `-s` and its default verbosity of 1).
pub fn print_usage(to: BorrowedFd<'static>) {
    let name = S(basename(argv0()));
    log::write(
        to,
        &[
            name,
            S(b" ("),
            S(VERSION.as_bytes()),
            S(b")\nUsage: "),
            name,
            S(b" [OPTIONS] PROGRAM -- [ARGS] | --version\n\n\
                Execute a program under the supervision of a valid init process ("),
            name,
            S(b")\n\n\
                Command line options:\n\n  \
                --version: Show version and exit.\n  \
                -h: Show this help message and exit.\n  \
                -s: Register as a process subreaper (requires Linux >= 3.4).\n  \
                -p SIGNAL: Trigger SIGNAL when parent dies, e.g. \"-p SIGKILL\".\n  \
                -v: Generate more verbose output. Repeat up to 3 times.\n  \
                -w: Print a warning when processes are getting reaped.\n  \
                -g: Send signals to the child's process group.\n  \
                -e EXIT_CODE: Remap EXIT_CODE (from 0 to 255) to 0 (can be repeated).\n  \
                -l: Show license and exit.\n\n\
                Environment variables:\n\n  \
                TINI_SUBREAPER: Register as a process subreaper (requires Linux >= 3.4).\n  \
                TINI_VERBOSITY: Set the verbosity level (default: 1).\n  \
                TINI_KILL_PROCESS_GROUP: Send signals to the child's process group.\n\n"),
        ],
    );
}

/// `-l`: sysrt's license (tini prints its own MIT text here), from the workspace manifest.
const LICENSE: &str = concat!(
    "sysrt-init ",
    env!("CARGO_PKG_VERSION"),
    ", part of sysrt.\nLicense: ",
    env!("CARGO_PKG_LICENSE"),
    " (SPDX), at your option:\n  \
     MIT License: https://opensource.org/license/mit\n  \
     Apache License, Version 2.0: https://www.apache.org/licenses/LICENSE-2.0\n\
     Unless required by applicable law or agreed to in writing, it is distributed \
     on an \"AS IS\" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND.\n",
);

/// Reads the command line and the environment into `o`. `Err(code)`: exit with `code` now
/// (`-h`, `-l`, `--version`: 0; a usage error: 1), the messages printed.
pub fn parse(o: &mut Options) -> Result<(), i32> {
    let argc = args::argc();
    if argc == 2 && args::arg(1).is_some_and(|a| a.to_bytes() == b"--version") {
        log::write(STDOUT, &[S(VERSION.as_bytes()), S(b"\n")]);
        return Err(0);
    }
    // glibc's getopt permutes: options may come after the program's name, and the names
    // that are not options are kept in order. POSIXLY_CORRECT stops it at the first.
    let posix = getenv("POSIXLY_CORRECT").is_some();
    let mut i = 1;
    while let Some(a) = args::arg(i) {
        let bytes = a.to_bytes();
        if bytes == b"--" {
            i += 1;
            break;
        }
        // The letters of an option word: what follows its `-` (`-` alone is no option).
        let Some(letters) = bytes.strip_prefix(b"-").filter(|l| !l.is_empty()) else {
            if posix {
                break;
            }
            o.push_child(a)?;
            i += 1;
            continue;
        };
        let mut j = 0;
        while let Some(&c) = letters.get(j) {
            j += 1;
            match c {
                b'h' => {
                    print_usage(STDOUT);
                    return Err(0);
                }
                b'l' => {
                    log::write(STDOUT, &[S(LICENSE.as_bytes())]);
                    return Err(0);
                }
                b's' => o.subreaper = true,
                b'v' => log::more_verbose(),
                b'w' => o.warn_on_reap = true,
                b'g' => o.kill_group = true,
                b'p' | b'e' => {
                    // The argument is the rest of this word, or the next word.
                    let optarg = match letters.get(j..).filter(|rest| !rest.is_empty()) {
                        Some(rest) => rest,
                        None => {
                            i += 1;
                            match args::arg(i) {
                                Some(next) => next.to_bytes(),
                                None => {
                                    getopt_error(b"option requires an argument", c);
                                    return Err(1);
                                }
                            }
                        }
                    };
                    j = letters.len();
                    if c == b'p' {
                        match signal_by_name(optarg) {
                            Some(sig) => o.pdeathsig = Some(sig),
                            None => {
                                log::fatal(&[S(b"Not a valid option for -p: "), S(optarg)]);
                                return Err(1);
                            }
                        }
                    } else {
                        match exit_code_arg(optarg) {
                            Some(code) => o.remap[usize::from(code / 64)] |= 1 << (code % 64),
                            None => {
                                log::fatal(&[S(b"Not a valid option for -e: "), S(optarg)]);
                                return Err(1);
                            }
                        }
                    }
                }
                _ => {
                    getopt_error(b"invalid option", c);
                    return Err(1);
                }
            }
        }
        i += 1;
    }
    while let Some(a) = args::arg(i) {
        o.push_child(a)?;
        i += 1;
    }
    if o.child_len == 0 {
        print_usage(STDERR);
        return Err(1);
    }

    if getenv("TINI_SUBREAPER").is_some() {
        o.subreaper = true;
    }
    if getenv("TINI_KILL_PROCESS_GROUP").is_some() {
        o.kill_group = true;
    }
    if let Some(v) = getenv("TINI_VERBOSITY") {
        // C's atoi; a negative level wraps to a huge one, as in tini's `unsigned int`.
        log::set_verbosity(strtol(v).0 as u32);
    }
    Ok(())
}

/// glibc getopt's message (`PROG: invalid option -- 'x'`), then tini's usage on stderr.
fn getopt_error(what: &[u8], c: u8) {
    log::write(
        STDERR,
        &[
            S(argv0()),
            S(b": "),
            S(what),
            S(b" -- '"),
            S(&[c]),
            S(b"'\n"),
        ],
    );
    print_usage(STDERR);
}
