//! Waiting for children: `wait4` with its [`WaitStatus`], and `waitid` with its typed
//! [`WaitidStatus`] view of the kernel's `siginfo`.

use core::fmt;
use core::mem::MaybeUninit;

use bitflags::bitflags;
use linux_raw_sys::general as g;

use crate::fd::BorrowedFd;
use crate::process::{Pid, Rusage};
use crate::signal::Signal;
use crate::{Errno, Result, Sysno, arch, arg};

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

/// Which children `wait4` waits for. Each variant encodes the kernel's `pid` argument so
/// that no value can mean something else: `wait4` reads -1 as "any child", 0 as "my process
/// group" and `-pgid` as "process group `pgid`", so a [`Pid`] that is not positive (or a
/// group number of 1, which would become -1) is refused with `EINVAL` instead of being passed
/// on. Nothing is ever negated that could overflow: `i32::MIN` is refused before negation.
///
/// # References
/// `man 2 wait4`.
#[derive(Copy, Clone, Eq, PartialEq, Debug)]
pub enum WaitTarget {
    /// Any child (`pid` -1).
    AnyChild,
    /// The child with this process ID, which must be positive.
    Child(Pid),
    /// Any child in the process group with this ID, which must be above 1 (`pid` is `-pgid`;
    /// group 1 would read as "any child": use [`waitid`] with [`WaitId::Pgid`] for it).
    ProcessGroup(Pid),
    /// Any child in the caller's process group (`pid` 0).
    OwnProcessGroup,
}

impl WaitTarget {
    /// The kernel's `pid` argument, sign-extended into a register.
    #[inline]
    fn encode(self) -> Result<usize> {
        let pid = match self {
            WaitTarget::AnyChild => -1,
            WaitTarget::Child(pid) if pid.raw() > 0 => pid.raw(),
            WaitTarget::ProcessGroup(pgid) if pgid.raw() > 1 => -pgid.raw(),
            WaitTarget::OwnProcessGroup => 0,
            WaitTarget::Child(_) | WaitTarget::ProcessGroup(_) => return Err(Errno::EINVAL),
        };
        Ok(arg::raw_fd(pid))
    }
}

bitflags! {
    /// Options for [`wait4`]. The kernel refuses any other bit with `EINVAL`; none changes
    /// what it writes.
    ///
    /// # References
    /// `man 2 wait4`.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug, Default)]
    pub struct WaitOptions: u32 {
        /// `WNOHANG`: return at once when no child has changed state (then `Ok(None)`).
        #[doc(alias = "WNOHANG")]
        const NOHANG = g::WNOHANG;
        /// `WUNTRACED`: also report children that stopped (not traced ones: those are always
        /// reported to the tracer).
        #[doc(alias = "WUNTRACED")]
        #[doc(alias = "WSTOPPED")]
        const UNTRACED = g::WUNTRACED;
        /// `WCONTINUED`: also report stopped children resumed by `SIGCONT`.
        #[doc(alias = "WCONTINUED")]
        const CONTINUED = g::WCONTINUED;
        /// `__WALL`: wait for every child, whatever signal it reports its end with.
        #[doc(alias = "__WALL")]
        const ALL = g::__WALL;
        /// `__WCLONE`: wait only for "clone" children (ending with a signal other than
        /// `SIGCHLD`, or none).
        #[doc(alias = "__WCLONE")]
        const CLONE = g::__WCLONE;
        /// `__WNOTHREAD`: only the calling thread's children, not its thread group's.
        #[doc(alias = "__WNOTHREAD")]
        const NOTHREAD = g::__WNOTHREAD;
    }
}

bitflags! {
    /// Options for [`waitid`]. At least one of `EXITED`, `STOPPED` and `CONTINUED` is
    /// required (the kernel says `EINVAL` otherwise); other bits are refused with `EINVAL` by
    /// the kernel; none changes what it writes.
    ///
    /// # References
    /// `man 2 waitid`.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug, Default)]
    pub struct WaitidOptions: u32 {
        /// `WNOHANG`: return at once when no child has changed state (then `Ok(None)`).
        #[doc(alias = "WNOHANG")]
        const NOHANG = g::WNOHANG;
        /// `WEXITED`: report children that ended.
        #[doc(alias = "WEXITED")]
        const EXITED = g::WEXITED;
        /// `WSTOPPED`: report children that stopped.
        #[doc(alias = "WSTOPPED")]
        const STOPPED = g::WSTOPPED;
        /// `WCONTINUED`: report stopped children resumed by `SIGCONT`.
        #[doc(alias = "WCONTINUED")]
        const CONTINUED = g::WCONTINUED;
        /// `WNOWAIT`: report the child but leave it waitable: a later wait sees it again.
        #[doc(alias = "WNOWAIT")]
        const NOWAIT = g::WNOWAIT;
        /// `__WALL`: wait for every child, whatever signal it reports its end with.
        #[doc(alias = "__WALL")]
        const ALL = g::__WALL;
        /// `__WCLONE`: wait only for "clone" children.
        #[doc(alias = "__WCLONE")]
        const CLONE = g::__WCLONE;
        /// `__WNOTHREAD`: only the calling thread's children.
        #[doc(alias = "__WNOTHREAD")]
        const NOTHREAD = g::__WNOTHREAD;
    }
}

/// `wait4(target, &status, options, NULL)` — waits for a child to change state; returns its
/// process ID and [`WaitStatus`], or `Ok(None)` with [`WaitOptions::NOHANG`] when no child has
/// changed state yet.
///
/// An exited or killed child is reaped: its process ID may be reused afterwards. A blocking
/// wait returns `EINTR` when a signal handler (installed without `SA_RESTART`) runs;
/// retrying is correct ([`crate::retry_on_intr`]).
///
/// # Errors
/// `ECHILD` (no such child, or no child at all; also when `SIGCHLD` is ignored and the
/// children were reaped automatically), `EINTR`, `EINVAL` (an option the kernel does not
/// know, or a [`WaitTarget`] that is not positive).
///
/// # References
/// `man 2 wait4`. Go: `syscall.Wait4`.
#[doc(alias = "Wait4")]
#[doc(alias = "waitpid")]
#[inline]
pub fn wait4(target: WaitTarget, options: WaitOptions) -> Result<Option<(Pid, WaitStatus)>> {
    let pid = target.encode()?;
    let mut status = 0i32;
    // SAFETY: `status` is a live `int` the kernel may write; the rusage pointer is NULL.
    let ret = unsafe {
        arch::syscall4(
            Sysno::wait4,
            pid,
            &raw mut status as usize,
            arg::uint(options.bits()),
            0,
        )
    };
    Ok(match Errno::decode(ret)? {
        0 => None,
        pid => Some((pid_of(pid), WaitStatus(status as u32))),
    })
}

/// `wait4(target, &status, options, &rusage)` — as [`wait4`], and also returns the resources
/// the child used (its own and its waited-for descendants', as `RUSAGE_CHILDREN` would add).
///
/// # Errors
/// As [`wait4`].
///
/// # References
/// `man 2 wait4`, `man 2 getrusage`. Go: `syscall.Wait4` with a `*Rusage`.
#[doc(alias = "Wait4")]
#[inline]
pub fn wait4_rusage(
    target: WaitTarget,
    options: WaitOptions,
) -> Result<Option<(Pid, WaitStatus, Rusage)>> {
    let pid = target.encode()?;
    let mut status = 0i32;
    let mut ru = MaybeUninit::<g::rusage>::uninit();
    // SAFETY: `status` is a live `int` and `ru` a live `struct rusage` (generated for this
    // arch), both valid for writes for the whole call; the kernel writes at most one of each.
    let ret = unsafe {
        arch::syscall4(
            Sysno::wait4,
            pid,
            &raw mut status as usize,
            arg::uint(options.bits()),
            ru.as_mut_ptr() as usize,
        )
    };
    Ok(match Errno::decode(ret)? {
        0 => None,
        pid => {
            // SAFETY: wait4 returned a child, and then the kernel has filled `ru`
            // (kernel_wait4 copies it out whenever it returns a pid).
            let ru = unsafe { ru.assume_init_ref() };
            Some((
                pid_of(pid),
                WaitStatus(status as u32),
                Rusage::from_kernel(ru),
            ))
        }
    })
}

/// The kernel returns a `pid_t` in the low 32 bits of the return register.
#[inline(always)]
fn pid_of(ret: usize) -> Pid {
    Pid::from_raw(ret as i32)
}

/// Which children `waitid` waits for: its `idtype` and `id` arguments.
///
/// # References
/// `man 2 waitid`.
#[derive(Copy, Clone, Debug)]
pub enum WaitId<'fd> {
    /// `P_ALL`: any child.
    #[doc(alias = "P_ALL")]
    All,
    /// `P_PID`: the child with this process ID (`EINVAL` from the kernel unless positive).
    #[doc(alias = "P_PID")]
    Pid(Pid),
    /// `P_PGID`: any child in this process group; `None` is the caller's own group (id 0,
    /// since Linux 5.4).
    #[doc(alias = "P_PGID")]
    Pgid(Option<Pid>),
    /// `P_PIDFD`: the child this pidfd refers to (Linux 5.4; see
    /// [`pidfd_open`](crate::process::pidfd_open)).
    #[doc(alias = "P_PIDFD")]
    PidFd(BorrowedFd<'fd>),
}

impl WaitId<'_> {
    /// The `idtype` and `id` registers.
    #[inline]
    fn encode(self) -> (usize, usize) {
        match self {
            WaitId::All => (arg::uint(g::P_ALL), 0),
            WaitId::Pid(pid) => (arg::uint(g::P_PID), arg::raw_fd(pid.raw())),
            WaitId::Pgid(pgid) => (arg::uint(g::P_PGID), arg::raw_fd(pgid.map_or(0, Pid::raw))),
            WaitId::PidFd(fd) => (arg::uint(g::P_PIDFD), arg::fd(fd)),
        }
    }
}

/// What happened to a child, as `waitid` reports it in `si_code` and `si_status`.
///
/// # References
/// `man 2 waitid`, `man 2 sigaction` (`CLD_*`).
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub enum ChildState {
    /// `CLD_EXITED`: the child called `exit`; the exit status (0 to 255).
    #[doc(alias = "CLD_EXITED")]
    Exited(i32),
    /// `CLD_KILLED`: the child was killed by this signal, with no core dump.
    #[doc(alias = "CLD_KILLED")]
    Killed(Signal),
    /// `CLD_DUMPED`: the child was killed by this signal and dumped core.
    #[doc(alias = "CLD_DUMPED")]
    Dumped(Signal),
    /// `CLD_TRAPPED`: a traced child stopped; the stop number as the tracer sees it (a signal,
    /// `SIGTRAP | 0x80` for a syscall-stop, or `SIGTRAP | event << 8`).
    #[doc(alias = "CLD_TRAPPED")]
    Trapped(i32),
    /// `CLD_STOPPED`: the child was stopped by this signal.
    #[doc(alias = "CLD_STOPPED")]
    Stopped(Signal),
    /// `CLD_CONTINUED`: the child was resumed by `SIGCONT`.
    #[doc(alias = "CLD_CONTINUED")]
    Continued,
    /// A code (or a signal number with a code) this library does not know; Linux reports none.
    Unknown {
        /// `si_code`.
        code: i32,
        /// `si_status`.
        status: i32,
    },
}

impl ChildState {
    /// Decodes `si_code` and `si_status`; total over both.
    #[inline]
    pub const fn from_raw(code: i32, status: i32) -> ChildState {
        let sig = Signal::from_raw(status);
        match (code, sig) {
            (c, _) if c == g::CLD_EXITED as i32 => ChildState::Exited(status),
            (c, Some(sig)) if c == g::CLD_KILLED as i32 => ChildState::Killed(sig),
            (c, Some(sig)) if c == g::CLD_DUMPED as i32 => ChildState::Dumped(sig),
            (c, _) if c == g::CLD_TRAPPED as i32 => ChildState::Trapped(status),
            (c, Some(sig)) if c == g::CLD_STOPPED as i32 => ChildState::Stopped(sig),
            (c, _) if c == g::CLD_CONTINUED as i32 => ChildState::Continued,
            _ => ChildState::Unknown { code, status },
        }
    }
}

/// The child `waitid` reported: the `SIGCHLD`-shaped `siginfo` fields it fills in.
///
/// Go: `unix.Siginfo` (x/sys/unix), which is the raw struct.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub struct WaitidStatus {
    /// The child's process ID (`si_pid`).
    pub pid: Pid,
    /// The child's real user ID (`si_uid`).
    pub uid: u32,
    /// What happened (`si_code` and `si_status`).
    pub state: ChildState,
}

/// `waitid(id, &info, options, NULL)` — waits for a child to change state, as chosen by
/// `options`; returns what happened, or `Ok(None)` with [`WaitidOptions::NOHANG`] when no
/// child has changed state yet.
///
/// Unlike [`wait4`] it can wait for stops and continues without waiting for exits, leave the
/// child waitable ([`WaitidOptions::NOWAIT`]), and wait on a pidfd.
///
/// # Errors
/// `ECHILD` (no such child), `EINTR`, `EINVAL` (none of `EXITED`/`STOPPED`/`CONTINUED`, an
/// unknown option, or a process ID that is not positive), `EBADF` (`PidFd` that is not a
/// pidfd), `EAGAIN` (`PidFd` opened with `PIDFD_NONBLOCK` and `NOHANG`-less wait on a running
/// child, since Linux 5.10).
///
/// # References
/// `man 2 waitid`. Go: `unix.Waitid` (x/sys/unix).
#[doc(alias = "Waitid")]
#[inline]
pub fn waitid(id: WaitId<'_>, options: WaitidOptions) -> Result<Option<WaitidStatus>> {
    waitid_impl(id, options, None)
}

/// `waitid(id, &info, options, &rusage)` — as [`waitid`], and also returns the resources the
/// child used (a Linux extension of the system call; glibc's `waitid` does not expose it).
///
/// # Errors
/// As [`waitid`].
///
/// # References
/// `man 2 waitid`. Go: `unix.Waitid` with a `*Rusage`.
#[doc(alias = "Waitid")]
#[inline]
pub fn waitid_rusage(
    id: WaitId<'_>,
    options: WaitidOptions,
) -> Result<Option<(WaitidStatus, Rusage)>> {
    let mut ru = Rusage::default();
    Ok(waitid_impl(id, options, Some(&mut ru))?.map(|st| (st, ru)))
}

#[inline(always)]
fn waitid_impl(
    id: WaitId<'_>,
    options: WaitidOptions,
    ru_out: Option<&mut Rusage>,
) -> Result<Option<WaitidStatus>> {
    let (idtype, id) = id.encode();
    // Zeroed, not uninitialised: the kernel fills only the SIGCHLD fields (and qemu-user
    // converts whatever is there), so the rest must already hold a value.
    // SAFETY: `siginfo` and `rusage` are plain integers and unions of them; all-zero is valid.
    let (mut info, mut ru) = unsafe {
        (
            core::mem::zeroed::<g::siginfo>(),
            core::mem::zeroed::<g::rusage>(),
        )
    };
    let ru_ptr = if ru_out.is_some() {
        &raw mut ru as usize
    } else {
        0
    };
    // SAFETY: `info` is a live, full-size `siginfo` (128 bytes) and `ru`, when passed, a live
    // `struct rusage` for this arch; the kernel writes at most one of each.
    let ret = unsafe {
        arch::syscall5(
            Sysno::waitid,
            idtype,
            id,
            &raw mut info as usize,
            arg::uint(options.bits()),
            ru_ptr,
        )
    };
    Errno::decode(ret)?;
    // SAFETY: every field read is a plain integer of a zero-initialised union; whichever
    // variant the kernel wrote, the bytes are initialised.
    let (signo, code, chld) = unsafe {
        let head = info.__bindgen_anon_1.__bindgen_anon_1;
        (head.si_signo, head.si_code, head._sifields._sigchld)
    };
    // With WNOHANG and nothing to report the kernel succeeds with si_signo and si_pid 0
    // (`man 2 waitid`); otherwise si_signo is SIGCHLD.
    if signo == 0 || chld._pid == 0 {
        return Ok(None);
    }
    if let Some(out) = ru_out {
        *out = Rusage::from_kernel(&ru);
    }
    Ok(Some(WaitidStatus {
        pid: Pid::from_raw(chld._pid),
        uid: chld._uid,
        state: ChildState::from_raw(code, chld._status),
    }))
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
        // Any u32 at all: spot-check every high half with a few low halves, never panicking.
        for high in (0..=0xffffu32).step_by(7) {
            for low in [0, 0x7f, 0x85, 0x9, 0x89, 0xff, 0x57f, 0xffff] {
                let w = WaitStatus::from_raw((high << 16) | low);
                let _ = (w.exit_status(), w.signal(), w.stop_signal(), w.trap_cause());
                let _ = std::format!("{w:?}");
            }
        }
    }

    #[test]
    fn child_state_is_total() {
        assert_eq!(ChildState::from_raw(1, 7), ChildState::Exited(7));
        assert_eq!(ChildState::from_raw(2, 9), ChildState::Killed(Signal::KILL));
        assert_eq!(ChildState::from_raw(3, 6), ChildState::Dumped(Signal::ABRT));
        assert_eq!(ChildState::from_raw(4, 0x85), ChildState::Trapped(0x85));
        assert_eq!(
            ChildState::from_raw(5, 19),
            ChildState::Stopped(Signal::STOP)
        );
        assert_eq!(ChildState::from_raw(6, 18), ChildState::Continued);
        assert_eq!(
            ChildState::from_raw(2, 99),
            ChildState::Unknown {
                code: 2,
                status: 99
            }
        );
        assert_eq!(
            ChildState::from_raw(0, 0),
            ChildState::Unknown { code: 0, status: 0 }
        );
        for code in -3..10 {
            for status in [-1, 0, 1, 64, 65, i32::MAX, i32::MIN] {
                let _ = ChildState::from_raw(code, status);
            }
        }
    }

    #[test]
    fn wait_target_never_negates_into_something_else() {
        assert_eq!(WaitTarget::AnyChild.encode(), Ok(usize::MAX));
        assert_eq!(WaitTarget::OwnProcessGroup.encode(), Ok(0));
        assert_eq!(WaitTarget::Child(Pid::from_raw(5)).encode(), Ok(5));
        assert_eq!(
            WaitTarget::ProcessGroup(Pid::from_raw(5)).encode(),
            Ok((-5isize) as usize)
        );
        for bad in [0, -1, -5, 1, i32::MIN] {
            assert_eq!(
                WaitTarget::ProcessGroup(Pid::from_raw(bad)).encode(),
                Err(Errno::EINVAL)
            );
        }
        for bad in [0, -1, i32::MIN] {
            assert_eq!(
                WaitTarget::Child(Pid::from_raw(bad)).encode(),
                Err(Errno::EINVAL)
            );
        }
        assert_eq!(
            WaitTarget::ProcessGroup(Pid::from_raw(i32::MAX)).encode(),
            Ok((-(i32::MAX as isize)) as usize)
        );
    }

    #[test]
    fn siginfo_sigchld_fields_where_the_kernel_puts_them() {
        // si_signo, si_errno, si_code, then the union at 16 (aligned for its pointers):
        // _pid, _uid, _status.
        use core::mem::{offset_of, size_of};
        assert_eq!(size_of::<g::siginfo>(), 128);
        assert_eq!(
            offset_of!(g::siginfo__bindgen_ty_1__bindgen_ty_1, si_code),
            8
        );
        assert_eq!(
            offset_of!(g::siginfo__bindgen_ty_1__bindgen_ty_1, _sifields),
            16
        );
        assert_eq!(offset_of!(g::__sifields__bindgen_ty_4, _status), 8);
    }
}
