//! The typed signal number: constants from linux-raw-sys, names, and Go's descriptions.

use core::fmt;

use linux_raw_sys::general as g;

/// A signal number, 1 to 64 (`_NSIG`).
///
/// The standard signals are associated constants; a real-time signal is
/// [`Signal::rt`]`(n)`. A `Signal` always holds a number the kernel accepts as a signal (0, the
/// "probe" value of `kill`, is not a signal: pass `None` where a call allows it).
///
/// `Display` gives Go's description (`"hangup"`, `"interrupt"`, … and `"signal 34"` for a
/// number without one); [`Signal::name`] gives the C name (`"SIGHUP"`).
///
/// `#[repr(transparent)]` over `i32`, so a handler may take it as its `int` argument
/// ([`Handler`](super::Handler)).
///
/// # References
/// `man 7 signal`. Go: `syscall.Signal` (its `Signal()` method only marks the type as an
/// `os.Signal`; here the type itself is the mark).
#[doc(alias = "Signal.Signal")]
#[derive(Copy, Clone, Eq, PartialEq, Hash, Ord, PartialOrd)]
#[repr(transparent)]
pub struct Signal(i32);

/// One row per standard signal: the constant, the C name it comes from, Go's description
/// (`zerrors_linux_*.go`, the same on amd64, arm64 and riscv64) and the doc line.
macro_rules! signals {
    ($($name:ident = $c:ident, $go:literal: $doc:literal,)*) => {
        impl Signal {
            $(
                #[doc = concat!("`", stringify!($c), "`: ", $doc)]
                pub const $name: Signal = Signal(g::$c as i32);
            )*

            /// Every standard (non-real-time) signal, in number order.
            pub const STANDARD: [Signal; 31] = [$(Signal::$name,)*];

            /// The C name (`"SIGHUP"`) of a standard signal; `None` for a real-time signal.
            ///
            /// Go: `unix.SignalName` (x/sys/unix), which gives `""` where this gives `None`.
            #[doc(alias = "SignalName")]
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $(x if x == g::$c as i32 => Some(stringify!($c)),)*
                    _ => None,
                }
            }

            /// Go's description of a standard signal (`"hangup"`); `None` for a real-time one.
            const fn go_text(self) -> Option<&'static str> {
                match self.0 {
                    $(x if x == g::$c as i32 => Some($go),)*
                    _ => None,
                }
            }
        }
    };
}

signals! {
    HUP = SIGHUP, "hangup": "hangup of the controlling terminal, or its process ended.",
    INT = SIGINT, "interrupt": "interrupt from the keyboard (Ctrl-C).",
    QUIT = SIGQUIT, "quit": "quit from the keyboard (Ctrl-\\); dumps core.",
    ILL = SIGILL, "illegal instruction": "illegal instruction.",
    TRAP = SIGTRAP, "trace/breakpoint trap": "trace or breakpoint trap.",
    ABRT = SIGABRT, "aborted": "abort; dumps core.",
    BUS = SIGBUS, "bus error": "bus error (bad memory access).",
    FPE = SIGFPE, "floating point exception": "arithmetic exception.",
    KILL = SIGKILL, "killed": "kill; cannot be caught, blocked or ignored.",
    USR1 = SIGUSR1, "user defined signal 1": "user-defined signal 1.",
    SEGV = SIGSEGV, "segmentation fault": "invalid memory reference.",
    USR2 = SIGUSR2, "user defined signal 2": "user-defined signal 2.",
    PIPE = SIGPIPE, "broken pipe": "write to a pipe or socket with no reader.",
    ALRM = SIGALRM, "alarm clock": "timer signal from `alarm`.",
    TERM = SIGTERM, "terminated": "termination request.",
    STKFLT = SIGSTKFLT, "stack fault": "stack fault on a coprocessor (unused).",
    CHLD = SIGCHLD, "child exited": "a child stopped, continued or ended.",
    CONT = SIGCONT, "continued": "continue if stopped.",
    STOP = SIGSTOP, "stopped (signal)": "stop the process; cannot be caught, blocked or ignored.",
    TSTP = SIGTSTP, "stopped": "stop typed at the terminal (Ctrl-Z).",
    TTIN = SIGTTIN, "stopped (tty input)": "terminal input for a background process.",
    TTOU = SIGTTOU, "stopped (tty output)": "terminal output for a background process.",
    URG = SIGURG, "urgent I/O condition": "urgent condition on a socket.",
    XCPU = SIGXCPU, "CPU time limit exceeded": "CPU time limit exceeded.",
    XFSZ = SIGXFSZ, "file size limit exceeded": "file size limit exceeded.",
    VTALRM = SIGVTALRM, "virtual timer expired": "virtual alarm clock.",
    PROF = SIGPROF, "profiling timer expired": "profiling timer expired.",
    WINCH = SIGWINCH, "window changed": "window resize.",
    IO = SIGIO, "I/O possible": "I/O now possible.",
    PWR = SIGPWR, "power failure": "power failure.",
    SYS = SIGSYS, "bad system call": "bad system call.",
}

impl Signal {
    /// The highest signal number (`_NSIG`, 64).
    pub const MAX: i32 = g::_NSIG as i32;

    /// The signal numbered `raw`, or `None` unless `1 <= raw <= 64`.
    #[inline]
    pub const fn from_raw(raw: i32) -> Option<Signal> {
        if raw >= 1 && raw <= Signal::MAX {
            Some(Signal(raw))
        } else {
            None
        }
    }

    /// The standard signal with C name `name` (`"SIGTERM"`), or `None`.
    ///
    /// Go: `unix.SignalNum` (x/sys/unix), which gives 0 where this gives `None`.
    #[doc(alias = "SignalNum")]
    pub fn from_name(name: &str) -> Option<Signal> {
        Signal::STANDARD
            .into_iter()
            .find(|s| s.name() == Some(name))
    }

    /// The real-time signal `SIGRTMIN + n` (the kernel's `SIGRTMIN`, 32), or `None` past 64.
    ///
    /// libc reserves the first two or three real-time signals for itself and moves its
    /// `SIGRTMIN` up; with no libc, all of 32 to 64 are the program's.
    #[inline]
    pub const fn rt(n: u32) -> Option<Signal> {
        if n <= (Signal::MAX as u32 - g::SIGRTMIN) {
            Some(Signal((g::SIGRTMIN + n) as i32))
        } else {
            None
        }
    }

    /// The raw number.
    #[inline]
    pub const fn raw(self) -> i32 {
        self.0
    }

    /// The bit of this signal in a [`SigSet`](super::SigSet).
    #[inline]
    pub(crate) const fn bit(self) -> u64 {
        1 << (self.0 - 1)
    }
}

impl fmt::Debug for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "Signal({})", self.0),
        }
    }
}

/// Go's `Signal.String`: the description for a standard signal, `"signal N"` otherwise.
///
/// Go: `syscall.Signal.String`.
impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.go_text() {
            Some(text) => f.write_str(text),
            None => write!(f, "signal {}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::ToString;

    #[test]
    fn numbers_names_and_go_strings() {
        assert_eq!(Signal::KILL.raw(), 9);
        assert_eq!(Signal::STANDARD.len(), 31);
        assert_eq!(Signal::STANDARD[30].raw(), 31);
        for (i, s) in Signal::STANDARD.iter().enumerate() {
            assert_eq!(s.raw(), i as i32 + 1, "STANDARD is in number order");
            assert_eq!(Signal::from_name(s.name().unwrap()), Some(*s));
        }
        assert_eq!(Signal::from_raw(0), None);
        assert_eq!(Signal::from_raw(65), None);
        assert_eq!(Signal::from_raw(-1), None);
        assert_eq!(Signal::from_raw(64).map(Signal::raw), Some(64));
        assert_eq!(Signal::rt(0).map(Signal::raw), Some(32));
        assert_eq!(Signal::rt(32).map(Signal::raw), Some(64));
        assert_eq!(Signal::rt(33), None);
        assert_eq!(Signal::rt(u32::MAX), None);
        assert_eq!(Signal::HUP.name(), Some("SIGHUP"));
        assert_eq!(Signal::rt(2).unwrap().name(), None);
        assert_eq!(Signal::from_name("SIGFOO"), None);
        assert_eq!(Signal::from_name("HUP"), None);
        // Go's table (zerrors_linux_amd64.go), every row.
        let go = [
            "hangup",
            "interrupt",
            "quit",
            "illegal instruction",
            "trace/breakpoint trap",
            "aborted",
            "bus error",
            "floating point exception",
            "killed",
            "user defined signal 1",
            "segmentation fault",
            "user defined signal 2",
            "broken pipe",
            "alarm clock",
            "terminated",
            "stack fault",
            "child exited",
            "continued",
            "stopped (signal)",
            "stopped",
            "stopped (tty input)",
            "stopped (tty output)",
            "urgent I/O condition",
            "CPU time limit exceeded",
            "file size limit exceeded",
            "virtual timer expired",
            "profiling timer expired",
            "window changed",
            "I/O possible",
            "power failure",
            "bad system call",
        ];
        for (s, text) in Signal::STANDARD.iter().zip(go) {
            assert_eq!(s.to_string(), text);
        }
        assert_eq!(Signal::rt(2).unwrap().to_string(), "signal 34");
        assert_eq!(Signal::from_raw(64).unwrap().to_string(), "signal 64");
        assert_eq!(std::format!("{:?}", Signal::TERM), "SIGTERM");
        assert_eq!(std::format!("{:?}", Signal::rt(0).unwrap()), "Signal(32)");
    }
}
