//! The status word of `wait4`: [`WaitStatus`], with Go's methods, total over every value.

use core::fmt;

use linux_raw_sys::general as g;

use crate::signal::Signal;

/// The status word `wait4` reports for a child: how it ended, stopped or continued.
///
/// The kernel encodes it in an `int` (`man 2 wait`):
///
/// | low 7 bits | bit 7 | bits 8–15 | bits 16–23 | meaning |
/// |---|---|---|---|---|
/// | 0 | – | exit status | – | exited ([`exited`](Self::exited)) |
/// | 1–126 | core dumped | – | – | killed by that signal ([`signaled`](Self::signaled)) |
/// | 0x7f | 0 | stop signal | ptrace event | stopped ([`stopped`](Self::stopped)) |
/// | 0x7f | 1 | 0xff | – | continued: the whole word is `0xffff` ([`continued`](Self::continued)) |
///
/// Every method is total: any `u32` decodes without panicking, and each method answers exactly
/// as Go's method of the same name does on the same bits, with `None` where Go returns -1.
/// Two values Go can return are not signals in sysrt's [`Signal`] type (numbers 1 to 64), so
/// they come back as `None` here too: a "signal" of 65 to 126 in the low bits (Linux never
/// reports one; [`signaled`](Self::signaled) is still true, as in Go), and the stop number
/// `SIGTRAP | 0x80` that a ptrace syscall-stop reports under `PTRACE_O_TRACESYSGOOD`, for
/// which [`syscall_stop`](Self::syscall_stop) is true. [`raw`](Self::raw) has every bit.
///
/// # References
/// `man 2 wait4`, `man 2 waitpid`. Go: `syscall.WaitStatus`.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Default)]
#[repr(transparent)]
pub struct WaitStatus(u32);

/// The low 7 bits: 0 (exited), 0x7f (stopped or continued) or the terminating signal.
const LOW_MASK: u32 = 0x7f;
/// Bit 7 of a signaled status: a core dump was written (`WCOREFLAG`).
const CORE_FLAG: u32 = 0x80;
/// The low byte of a stopped status (`_WSTOPPED`).
const STOPPED: u32 = 0x7f;
/// The whole status of a continued child (`__W_CONTINUED`).
const CONTINUED: u32 = 0xffff;
/// The stop number of a ptrace syscall-stop under `PTRACE_O_TRACESYSGOOD`: `SIGTRAP | 0x80`
/// (`man 2 ptrace`, "Syscall-stops").
const SYSCALL_TRAP: u32 = g::SIGTRAP | 0x80;

impl WaitStatus {
    /// A status from the word the kernel wrote.
    #[inline]
    pub const fn from_raw(raw: u32) -> WaitStatus {
        WaitStatus(raw)
    }

    /// The word the kernel wrote.
    #[inline]
    pub const fn raw(self) -> u32 {
        self.0
    }

    /// Bits 8 to 15: the exit status, or the stop signal.
    #[inline]
    const fn second_byte(self) -> u32 {
        (self.0 >> 8) & 0xff
    }

    /// `WIFEXITED`: the child ended by calling `exit` (or returning from `main`).
    /// Go: `WaitStatus.Exited`.
    #[doc(alias = "WIFEXITED")]
    #[doc(alias = "Exited")]
    #[inline]
    pub const fn exited(self) -> bool {
        self.0 & LOW_MASK == 0
    }

    /// `WEXITSTATUS`: the exit status (the low 8 bits of what the child passed to `exit`), or
    /// `None` unless [`exited`](Self::exited). Go: `WaitStatus.ExitStatus` (-1 there).
    #[doc(alias = "WEXITSTATUS")]
    #[doc(alias = "ExitStatus")]
    #[inline]
    pub const fn exit_status(self) -> Option<u8> {
        if self.exited() {
            Some(self.second_byte() as u8)
        } else {
            None
        }
    }

    /// `WIFSIGNALED`: the child was ended by a signal. Go: `WaitStatus.Signaled`.
    #[doc(alias = "WIFSIGNALED")]
    #[doc(alias = "Signaled")]
    #[inline]
    pub const fn signaled(self) -> bool {
        let low = self.0 & LOW_MASK;
        low != 0 && low != STOPPED
    }

    /// `WTERMSIG`: the signal that ended the child, or `None` unless
    /// [`signaled`](Self::signaled) (or for a number above 64, which Linux never reports).
    /// Go: `WaitStatus.Signal` (-1 there).
    #[doc(alias = "WTERMSIG")]
    #[doc(alias = "Signal")]
    #[inline]
    pub const fn signal(self) -> Option<Signal> {
        if self.signaled() {
            Signal::from_raw((self.0 & LOW_MASK) as i32)
        } else {
            None
        }
    }

    /// `WCOREDUMP`: the child was ended by a signal and a core dump was written.
    /// Go: `WaitStatus.CoreDump`.
    #[doc(alias = "WCOREDUMP")]
    #[doc(alias = "CoreDump")]
    #[inline]
    pub const fn core_dump(self) -> bool {
        self.signaled() && self.0 & CORE_FLAG != 0
    }

    /// `WIFSTOPPED`: the child is stopped (reported with `WUNTRACED`, or to a ptrace tracer).
    /// Go: `WaitStatus.Stopped`.
    #[doc(alias = "WIFSTOPPED")]
    #[doc(alias = "Stopped")]
    #[inline]
    pub const fn stopped(self) -> bool {
        self.0 & 0xff == STOPPED
    }

    /// `WSTOPSIG`: the signal that stopped the child, or `None` unless
    /// [`stopped`](Self::stopped) (or when the stop number is not a signal: see
    /// [`syscall_stop`](Self::syscall_stop)). Go: `WaitStatus.StopSignal` (-1 there).
    #[doc(alias = "WSTOPSIG")]
    #[doc(alias = "StopSignal")]
    #[inline]
    pub const fn stop_signal(self) -> Option<Signal> {
        if self.stopped() {
            Signal::from_raw(self.second_byte() as i32)
        } else {
            None
        }
    }

    /// Whether this is a ptrace syscall-stop under `PTRACE_O_TRACESYSGOOD`: stopped with the
    /// stop number `SIGTRAP | 0x80`. (Go's `StopSignal` returns that number, 133.)
    #[inline]
    pub const fn syscall_stop(self) -> bool {
        self.stopped() && self.second_byte() == SYSCALL_TRAP
    }

    /// `WIFCONTINUED`: the child was resumed by `SIGCONT` (reported with `WCONTINUED`).
    /// Go: `WaitStatus.Continued`.
    #[doc(alias = "WIFCONTINUED")]
    #[doc(alias = "Continued")]
    #[inline]
    pub const fn continued(self) -> bool {
        self.0 == CONTINUED
    }

    /// The ptrace event of a tracee stopped by `SIGTRAP`: bits 16 and up, which is
    /// `PTRACE_EVENT_*` for an event stop and 0 for a plain `SIGTRAP` stop. `None` unless the
    /// stop signal is `SIGTRAP`. Go: `WaitStatus.TrapCause` (-1 there; Go also returns 0, not
    /// -1, for a plain `SIGTRAP` stop).
    #[doc(alias = "TrapCause")]
    #[inline]
    pub const fn trap_cause(self) -> Option<u32> {
        if self.stopped() && self.second_byte() == g::SIGTRAP {
            Some(self.0 >> 16)
        } else {
            None
        }
    }
}

impl fmt::Debug for WaitStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WaitStatus({:#x}: ", self.0)?;
        if let Some(code) = self.exit_status() {
            write!(f, "exited {code})")
        } else if self.signaled() {
            let core = if self.core_dump() {
                ", core dumped"
            } else {
                ""
            };
            write!(f, "killed by signal {}{core})", self.0 & LOW_MASK)
        } else if self.stopped() {
            write!(f, "stopped by {})", self.second_byte())
        } else if self.continued() {
            write!(f, "continued)")
        } else {
            // Low byte 0xff but not 0xffff: no state Linux reports.
            write!(f, "unknown)")
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    /// The rules of `man 2 wait` written as a generator: every status the kernel can build, with
    /// the decoding each one must have. Together with `continued`, these are all 2^16 words,
    /// each produced exactly once (checked below), so the decoder is compared on every value
    /// against rules that were stated independently of it.
    #[derive(Debug, PartialEq, Clone, Copy)]
    enum Expected {
        Exited(u8),
        Signaled {
            sig: u32,
            core: bool,
        },
        Stopped(u32),
        Continued,
        /// A low byte of 0xff without being 0xffff: not a state at all.
        Neither,
    }

    fn generate() -> std::vec::Vec<(u32, Expected)> {
        let mut all = std::vec::Vec::new();
        for code in 0..=255u32 {
            for bit7 in 0..2u32 {
                // exited: low 7 bits 0; bit 7 is not part of the encoding but may be set.
                all.push(((code << 8) | (bit7 << 7), Expected::Exited(code as u8)));
            }
        }
        for sig in 1..=126u32 {
            for core in [false, true] {
                for high in 0..=255u32 {
                    let word = (high << 8) | (u32::from(core) << 7) | sig;
                    all.push((word, Expected::Signaled { sig, core }));
                }
            }
        }
        for stop in 0..=255u32 {
            all.push(((stop << 8) | 0x7f, Expected::Stopped(stop)));
        }
        for high in 0..=255u32 {
            let word = (high << 8) | 0xff;
            // 0x7f with bit 7 set and not 0xffff: neither exited, signaled, stopped nor
            // continued in Go's rules (and never produced by Linux).
            let e = if word == 0xffff {
                Expected::Continued
            } else {
                Expected::Neither
            };
            all.push((word, e));
        }
        all
    }

    fn check(word: u32, e: Expected) {
        let w = WaitStatus::from_raw(word);
        let sig = |n: u32| Signal::from_raw(n as i32);
        match e {
            Expected::Exited(code) => {
                assert!(w.exited() && !w.signaled() && !w.stopped() && !w.continued());
                assert_eq!(w.exit_status(), Some(code));
                assert_eq!(
                    (w.signal(), w.core_dump(), w.stop_signal()),
                    (None, false, None)
                );
            }
            Expected::Neither => {
                // The odd 0x??ff words: Go answers false/-1 to everything.
                assert!(!w.exited() && !w.signaled() && !w.stopped() && !w.continued());
                assert_eq!(
                    (w.exit_status(), w.signal(), w.core_dump()),
                    (None, None, false)
                );
                assert_eq!((w.stop_signal(), w.trap_cause()), (None, None));
            }
            Expected::Signaled { sig: n, core } => {
                assert!(!w.exited() && w.signaled() && !w.stopped() && !w.continued());
                assert_eq!(w.signal(), sig(n));
                assert_eq!(w.signal().is_some(), n <= 64);
                assert_eq!(w.core_dump(), core);
                assert_eq!(
                    (w.exit_status(), w.stop_signal(), w.trap_cause()),
                    (None, None, None)
                );
            }
            Expected::Stopped(n) => {
                assert!(!w.exited() && !w.signaled() && w.stopped() && !w.continued());
                assert_eq!(w.stop_signal(), sig(n));
                assert_eq!(w.syscall_stop(), n == 0x85);
                assert_eq!(w.trap_cause(), if n == 5 { Some(0) } else { None });
                assert_eq!(
                    (w.exit_status(), w.signal(), w.core_dump()),
                    (None, None, false)
                );
            }
            Expected::Continued => {
                assert!(!w.exited() && !w.signaled() && !w.stopped() && w.continued());
                assert_eq!(
                    (w.exit_status(), w.signal(), w.stop_signal()),
                    (None, None, None)
                );
            }
        }
        // Debug is total too.
        let _ = std::format!("{w:?}");
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "builds and checks a table of all 2^16 statuses: many minutes under Miri; every_16_bit_status_agrees_with_libc_macros walks the same statuses there"
    )]
    fn every_16_bit_status_decodes_as_the_rules_say() {
        let all = generate();
        let mut seen = std::vec![false; 1 << 16];
        for &(word, e) in &all {
            assert!(!seen[word as usize], "{word:#x} generated twice");
            seen[word as usize] = true;
            check(word, e);
        }
        assert!(seen.iter().all(|&s| s), "some word was never generated");
    }

    /// The same 2^16 words against libc's `W*` macros (glibc's definitions): a second,
    /// independent formulation.
    #[test]
    fn every_16_bit_status_agrees_with_libc_macros() {
        for word in 0..=0xffffu32 {
            let w = WaitStatus::from_raw(word);
            let c = word as i32;
            assert_eq!(w.exited(), libc::WIFEXITED(c), "{word:#x}");
            assert_eq!(w.signaled(), libc::WIFSIGNALED(c), "{word:#x}");
            assert_eq!(w.stopped(), libc::WIFSTOPPED(c), "{word:#x}");
            assert_eq!(w.continued(), libc::WIFCONTINUED(c), "{word:#x}");
            if w.exited() {
                assert_eq!(w.exit_status().map(i32::from), Some(libc::WEXITSTATUS(c)));
            }
            if w.signaled() {
                assert_eq!(w.core_dump(), libc::WCOREDUMP(c), "{word:#x}");
                let n = libc::WTERMSIG(c);
                assert_eq!(w.signal().map(Signal::raw), (n <= 64).then_some(n));
            }
            if w.stopped() {
                let n = libc::WSTOPSIG(c);
                assert_eq!(
                    w.stop_signal().map(Signal::raw),
                    (1..=64).contains(&n).then_some(n)
                );
            }
        }
    }

    /// Bits above 16: ptrace event stops put the event in bits 16 to 23.
    #[test]
    fn ptrace_event_stops_and_high_bits() {
        let event_exec = (g::SIGTRAP | (4 << 8)) << 8 | 0x7f;
        let w = WaitStatus::from_raw(event_exec);
        assert!(w.stopped());
        assert_eq!(w.stop_signal(), Some(Signal::TRAP));
        assert_eq!(w.trap_cause(), Some(4));
        let w = WaitStatus::from_raw((0x85 << 8) | 0x7f);
        assert!(w.syscall_stop() && w.stop_signal().is_none() && w.trap_cause().is_none());
        // A group-stop under PTRACE_SEIZE: SIGSTOP with PTRACE_EVENT_STOP above it.
        let w = WaitStatus::from_raw(((g::SIGSTOP | (128 << 8)) << 8) | 0x7f);
        assert_eq!(
            (w.stop_signal(), w.trap_cause()),
            (Some(Signal::STOP), None)
        );
        // Any u32 at all: spot-check every high half with a few low halves, never panicking
        // (a sample under Miri, where the whole sweep takes many minutes).
        let step = if cfg!(miri) { 1021 } else { 7 };
        for high in (0..=0xffffu32).step_by(step) {
            for low in [0, 0x7f, 0x85, 0x9, 0x89, 0xff, 0x57f, 0xffff] {
                let w = WaitStatus::from_raw((high << 16) | low);
                let _ = (w.exit_status(), w.signal(), w.stop_signal(), w.trap_cause());
                let _ = std::format!("{w:?}");
            }
        }
    }
}
