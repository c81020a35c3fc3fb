//! Signals: the typed [`Signal`] number, the [`SigSet`] mask, and the record of which signals
//! this program handles ([`handled`]).
//!
//! The numbers come from linux-raw-sys for the arch being built; they are the same on x86_64,
//! aarch64 and riscv64 (all three use the generic numbering, with `SIGSTKFLT` at 16).

use core::sync::atomic::{AtomicU64, Ordering};

use linux_raw_sys::general as g;

/// A signal number, 1 to 64 (`_NSIG`).
///
/// The standard signals are associated constants; a real-time signal is
/// [`Signal::rt`]`(n)`. A `Signal` always holds a number the kernel accepts as a signal (0, the
/// "probe" value of `kill`, is not a signal: pass `None` where a call allows it).
///
/// # References
/// `man 7 signal`. Go: `syscall.Signal`.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Ord, PartialOrd)]
#[repr(transparent)]
pub struct Signal(i32);

macro_rules! signals {
    ($($name:ident = $c:ident: $doc:literal,)*) => {
        impl Signal {
            $(
                #[doc = concat!("`", stringify!($c), "`: ", $doc)]
                pub const $name: Signal = Signal(g::$c as i32);
            )*

            /// Every standard (non-real-time) signal, in number order.
            pub const STANDARD: [Signal; 31] = [$(Signal::$name,)*];
        }
    };
}

signals! {
    HUP = SIGHUP: "hangup of the controlling terminal, or its process ended.",
    INT = SIGINT: "interrupt from the keyboard (Ctrl-C).",
    QUIT = SIGQUIT: "quit from the keyboard (Ctrl-\\); dumps core.",
    ILL = SIGILL: "illegal instruction.",
    TRAP = SIGTRAP: "trace or breakpoint trap.",
    ABRT = SIGABRT: "abort; dumps core.",
    BUS = SIGBUS: "bus error (bad memory access).",
    FPE = SIGFPE: "arithmetic exception.",
    KILL = SIGKILL: "kill; cannot be caught, blocked or ignored.",
    USR1 = SIGUSR1: "user-defined signal 1.",
    SEGV = SIGSEGV: "invalid memory reference.",
    USR2 = SIGUSR2: "user-defined signal 2.",
    PIPE = SIGPIPE: "write to a pipe or socket with no reader.",
    ALRM = SIGALRM: "timer signal from `alarm`.",
    TERM = SIGTERM: "termination request.",
    STKFLT = SIGSTKFLT: "stack fault on a coprocessor (unused).",
    CHLD = SIGCHLD: "a child stopped, continued or ended.",
    CONT = SIGCONT: "continue if stopped.",
    STOP = SIGSTOP: "stop the process; cannot be caught, blocked or ignored.",
    TSTP = SIGTSTP: "stop typed at the terminal (Ctrl-Z).",
    TTIN = SIGTTIN: "terminal input for a background process.",
    TTOU = SIGTTOU: "terminal output for a background process.",
    URG = SIGURG: "urgent condition on a socket.",
    XCPU = SIGXCPU: "CPU time limit exceeded.",
    XFSZ = SIGXFSZ: "file size limit exceeded.",
    VTALRM = SIGVTALRM: "virtual alarm clock.",
    PROF = SIGPROF: "profiling timer expired.",
    WINCH = SIGWINCH: "window resize.",
    IO = SIGIO: "I/O now possible.",
    PWR = SIGPWR: "power failure.",
    SYS = SIGSYS: "bad system call.",
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

    /// The bit of this signal in a [`SigSet`].
    #[inline]
    const fn bit(self) -> u64 {
        1 << (self.0 - 1)
    }
}

impl core::fmt::Debug for Signal {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Signal({})", self.0)
    }
}

/// A set of signals: the kernel's `sigset_t`, 64 bits on every Linux arch (signal `n` is bit
/// `n - 1`).
///
/// # References
/// `man 3 sigsetops`, `man 2 rt_sigprocmask`.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Default)]
#[repr(transparent)]
pub struct SigSet(u64);

impl SigSet {
    /// The empty set (`sigemptyset`).
    pub const EMPTY: SigSet = SigSet(0);
    /// Every signal, 1 to 64 (`sigfillset`).
    pub const FULL: SigSet = SigSet(u64::MAX);

    /// A set from its kernel bit pattern.
    #[inline]
    pub const fn from_raw(bits: u64) -> SigSet {
        SigSet(bits)
    }

    /// The kernel bit pattern.
    #[inline]
    pub const fn raw(self) -> u64 {
        self.0
    }

    /// This set with `sig` added (`sigaddset`).
    #[inline]
    #[must_use]
    pub const fn with(self, sig: Signal) -> SigSet {
        SigSet(self.0 | sig.bit())
    }

    /// This set with `sig` removed (`sigdelset`).
    #[inline]
    #[must_use]
    pub const fn without(self, sig: Signal) -> SigSet {
        SigSet(self.0 & !sig.bit())
    }

    /// Adds `sig` (`sigaddset`).
    #[inline]
    pub fn insert(&mut self, sig: Signal) {
        self.0 |= sig.bit();
    }

    /// Removes `sig` (`sigdelset`).
    #[inline]
    pub fn remove(&mut self, sig: Signal) {
        self.0 &= !sig.bit();
    }

    /// Whether `sig` is in the set (`sigismember`).
    #[inline]
    pub const fn contains(self, sig: Signal) -> bool {
        self.0 & sig.bit() != 0
    }

    /// Whether the set is empty.
    #[inline]
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The signals in the set, in number order.
    pub fn iter(self) -> impl Iterator<Item = Signal> {
        (1..=Signal::MAX)
            .filter_map(Signal::from_raw)
            .filter(move |s| self.contains(*s))
    }
}

impl core::fmt::Debug for SigSet {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_set().entries(self.iter().map(Signal::raw)).finish()
    }
}

/// The signals this program has installed a handler function for through this module, as
/// opposed to `SIG_DFL`/`SIG_IGN`. Updated by every sysrt call that changes a disposition.
static HANDLED: AtomicU64 = AtomicU64::new(0);

/// The signals for which this program has installed a handler function through sysrt (not
/// `SIG_DFL` or `SIG_IGN`).
///
/// A child created by `clone(CLONE_VM)` shares this program's memory until it execs, so a
/// handler that ran there would run on the parent's data: the spawn code resets exactly these
/// signals to `SIG_DFL` in the child before it unblocks signals. A handler installed behind
/// sysrt's back (a raw `rt_sigaction`) is not recorded.
///
/// Async-signal-safe: one atomic load.
#[inline]
pub fn handled() -> SigSet {
    SigSet(HANDLED.load(Ordering::Relaxed))
}

/// Records that `sig` now has a handler function (`true`) or `SIG_DFL`/`SIG_IGN` (`false`).
#[inline]
#[allow(dead_code)] // used by the sigaction wrappers
pub(crate) fn record_handled(sig: Signal, has_handler: bool) {
    if has_handler {
        HANDLED.fetch_or(sig.bit(), Ordering::Relaxed);
    } else {
        HANDLED.fetch_and(!sig.bit(), Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    #[test]
    fn numbers_and_sets() {
        assert_eq!(Signal::KILL.raw(), 9);
        assert_eq!(Signal::STANDARD.len(), 31);
        assert_eq!(Signal::STANDARD[30].raw(), 31);
        assert_eq!(Signal::from_raw(0), None);
        assert_eq!(Signal::from_raw(65), None);
        assert_eq!(Signal::from_raw(64).map(Signal::raw), Some(64));
        assert_eq!(Signal::rt(0).map(Signal::raw), Some(32));
        assert_eq!(Signal::rt(32).map(Signal::raw), Some(64));
        assert_eq!(Signal::rt(33), None);
        let s = SigSet::EMPTY
            .with(Signal::INT)
            .with(Signal::rt(32).unwrap());
        assert_eq!(s.raw(), (1 << 1) | (1 << 63));
        assert!(s.contains(Signal::INT) && !s.contains(Signal::TERM));
        assert_eq!(
            s.iter().map(Signal::raw).collect::<std::vec::Vec<_>>(),
            [2, 64]
        );
        assert_eq!(SigSet::FULL.iter().count(), 64);
    }
}
