//! Attaching, resuming and options: `PTRACE_TRACEME`, `ATTACH`, `SEIZE`, `INTERRUPT`,
//! `DETACH`, `CONT`, `SYSCALL`, `SINGLESTEP`, `SETOPTIONS`, `GETEVENTMSG`.

use bitflags::bitflags;
use linux_raw_sys::ptrace as p;

use crate::process::Pid;
use crate::signal::Signal;
use crate::{Errno, Result, Sysno, arch, arg};

/// A signal argument: its number, or 0 for none.
#[inline(always)]
pub(super) fn sig_arg(sig: Option<Signal>) -> usize {
    arg::raw_fd(sig.map_or(0, Signal::raw))
}

/// `ptrace(PTRACE_TRACEME)` — makes the calling process a tracee of its parent. It then
/// stops at its next signal (and at `execve`, with `SIGTRAP`); it usually stops itself at
/// once with `raise(SIGSTOP)` so the parent can set options.
///
/// # Errors
/// `EPERM` (already traced; or the Yama LSM forbids it), `ENOSYS` (under qemu-user).
///
/// # References
/// `man 2 ptrace`.
#[doc(alias = "PTRACE_TRACEME")]
#[inline]
pub fn traceme() -> Result<()> {
    // SAFETY: PTRACE_TRACEME takes no pointers and writes no memory.
    let ret = unsafe { arch::syscall4(Sysno::ptrace, p::PTRACE_TRACEME as usize, 0, 0, 0) };
    Errno::decode(ret).map(drop)
}

/// `ptrace(PTRACE_ATTACH, pid)` — becomes the tracer of `pid` and sends it `SIGSTOP`; wait for
/// the stop before any other request.
///
/// # Errors
/// `EPERM` (not allowed: another user's process without `CAP_SYS_PTRACE`, a process already
/// traced, or the Yama `ptrace_scope` setting), `ESRCH` (no such process), `ENOSYS` (QEMU).
///
/// # References
/// `man 2 ptrace`. Go: `syscall.PtraceAttach`.
#[doc(alias = "PtraceAttach")]
#[doc(alias = "PTRACE_ATTACH")]
#[inline]
pub fn attach(pid: Pid) -> Result<()> {
    // SAFETY: PTRACE_ATTACH takes the pid only and writes no memory.
    let ret = unsafe {
        arch::syscall4(
            Sysno::ptrace,
            p::PTRACE_ATTACH as usize,
            arg::raw_fd(pid.raw()),
            0,
            0,
        )
    };
    Errno::decode(ret).map(drop)
}

/// `ptrace(PTRACE_SEIZE, pid, 0, options)` — becomes the tracer of `pid` without stopping it,
/// and sets `options`. Stop it with [`interrupt`] when needed; group-stops are then reported
/// as `PTRACE_EVENT_STOP`.
///
/// # Errors
/// As [`attach`], and `EINVAL` (unknown option bits).
///
/// # References
/// `man 2 ptrace`. Go: `unix.PtraceSeize` (x/sys/unix).
#[doc(alias = "PtraceSeize")]
#[doc(alias = "PTRACE_SEIZE")]
#[inline]
pub fn seize(pid: Pid, options: Options) -> Result<()> {
    // SAFETY: PTRACE_SEIZE takes the pid and an options word in `data` (not a pointer).
    let ret = unsafe {
        arch::syscall4(
            Sysno::ptrace,
            p::PTRACE_SEIZE as usize,
            arg::raw_fd(pid.raw()),
            0,
            arg::uint(options.bits()),
        )
    };
    Errno::decode(ret).map(drop)
}

/// `ptrace(PTRACE_INTERRUPT, pid)` — stops a tracee attached with [`seize`]; the stop is
/// reported to `wait4` as a `PTRACE_EVENT_STOP`.
///
/// # Errors
/// `ESRCH` (not traced by the caller), `EIO` (attached with `attach`, not `seize`).
///
/// # References
/// `man 2 ptrace`. Go: `unix.PtraceInterrupt` (x/sys/unix).
#[doc(alias = "PtraceInterrupt")]
#[doc(alias = "PTRACE_INTERRUPT")]
#[inline]
pub fn interrupt(pid: Pid) -> Result<()> {
    // SAFETY: PTRACE_INTERRUPT takes the pid only and writes no memory.
    let ret = unsafe {
        arch::syscall4(
            Sysno::ptrace,
            p::PTRACE_INTERRUPT as usize,
            arg::raw_fd(pid.raw()),
            0,
            0,
        )
    };
    Errno::decode(ret).map(drop)
}

/// `ptrace(PTRACE_DETACH, pid, 0, sig)` — stops tracing a stopped tracee and lets it run,
/// delivering `sig` (`None`: no signal).
///
/// # Errors
/// `ESRCH` (not a stopped tracee of the caller).
///
/// # References
/// `man 2 ptrace`. Go: `syscall.PtraceDetach` (which delivers no signal).
#[doc(alias = "PtraceDetach")]
#[doc(alias = "PTRACE_DETACH")]
#[inline]
pub fn detach(pid: Pid, sig: impl Into<Option<Signal>>) -> Result<()> {
    let sig = sig_arg(sig.into());
    // SAFETY: PTRACE_DETACH takes the pid and a signal number in `data` (not a pointer).
    let ret = unsafe {
        arch::syscall4(
            Sysno::ptrace,
            p::PTRACE_DETACH as usize,
            arg::raw_fd(pid.raw()),
            0,
            sig,
        )
    };
    Errno::decode(ret).map(drop)
}

/// `ptrace(PTRACE_CONT, pid, 0, sig)` — resumes a stopped tracee, delivering `sig` (`None`:
/// the signal it stopped with, if any, is suppressed).
///
/// # Errors
/// `ESRCH` (not a stopped tracee of the caller), `EIO` (`sig` not a signal).
///
/// # References
/// `man 2 ptrace`. Go: `syscall.PtraceCont`.
#[doc(alias = "PtraceCont")]
#[doc(alias = "PTRACE_CONT")]
#[inline]
pub fn cont(pid: Pid, sig: impl Into<Option<Signal>>) -> Result<()> {
    let sig = sig_arg(sig.into());
    // SAFETY: PTRACE_CONT takes the pid and a signal number in `data` (not a pointer).
    let ret = unsafe {
        arch::syscall4(
            Sysno::ptrace,
            p::PTRACE_CONT as usize,
            arg::raw_fd(pid.raw()),
            0,
            sig,
        )
    };
    Errno::decode(ret).map(drop)
}

/// `ptrace(PTRACE_SYSCALL, pid, 0, sig)` — resumes a stopped tracee until the next syscall
/// entry or exit, delivering `sig`. The stop is reported as `SIGTRAP` (`SIGTRAP | 0x80` with
/// [`Options::TRACESYSGOOD`]); entry and exit stops alternate.
///
/// # Errors
/// As [`cont`].
///
/// # References
/// `man 2 ptrace`. Go: `syscall.PtraceSyscall`.
#[doc(alias = "PtraceSyscall")]
#[doc(alias = "PTRACE_SYSCALL")]
#[inline]
pub fn syscall(pid: Pid, sig: impl Into<Option<Signal>>) -> Result<()> {
    let sig = sig_arg(sig.into());
    // SAFETY: PTRACE_SYSCALL takes the pid and a signal number in `data` (not a pointer).
    let ret = unsafe {
        arch::syscall4(
            Sysno::ptrace,
            p::PTRACE_SYSCALL as usize,
            arg::raw_fd(pid.raw()),
            0,
            sig,
        )
    };
    Errno::decode(ret).map(drop)
}

/// `ptrace(PTRACE_SINGLESTEP, pid, 0, sig)` — resumes a stopped tracee for one instruction;
/// it then stops with `SIGTRAP`.
///
/// x86_64 and aarch64 support it. On riscv64 the kernel has no single-step support
/// (`arch_has_single_step()` is not defined for RISC-V, whose user mode has no single-step
/// trap) and the call fails with `EIO`: a RISC-V debugger steps by placing a breakpoint
/// (`ebreak`) at the next instruction with [`poketext`](super::poketext) instead.
///
/// # Errors
/// As [`cont`]; `EIO` on riscv64.
///
/// # References
/// `man 2 ptrace`. Go: `syscall.PtraceSingleStep`.
#[doc(alias = "PtraceSingleStep")]
#[doc(alias = "PTRACE_SINGLESTEP")]
#[inline]
pub fn singlestep(pid: Pid, sig: impl Into<Option<Signal>>) -> Result<()> {
    let sig = sig_arg(sig.into());
    // SAFETY: PTRACE_SINGLESTEP takes the pid and a signal number in `data` (not a pointer).
    let ret = unsafe {
        arch::syscall4(
            Sysno::ptrace,
            p::PTRACE_SINGLESTEP as usize,
            arg::raw_fd(pid.raw()),
            0,
            sig,
        )
    };
    Errno::decode(ret).map(drop)
}

bitflags! {
    /// Tracing options: `PTRACE_O_*`, for [`setoptions`] and [`seize`].
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct Options: u32 {
        /// `PTRACE_O_TRACESYSGOOD`: syscall stops report `SIGTRAP | 0x80`, telling them apart
        /// from a real `SIGTRAP`.
        #[doc(alias = "PTRACE_O_TRACESYSGOOD")]
        const TRACESYSGOOD = p::PTRACE_O_TRACESYSGOOD;
        /// `PTRACE_O_TRACEFORK`: trace children created by `fork`; `PTRACE_EVENT_FORK` stop.
        #[doc(alias = "PTRACE_O_TRACEFORK")]
        const TRACEFORK = p::PTRACE_O_TRACEFORK;
        /// `PTRACE_O_TRACEVFORK`: trace children created by `vfork`.
        #[doc(alias = "PTRACE_O_TRACEVFORK")]
        const TRACEVFORK = p::PTRACE_O_TRACEVFORK;
        /// `PTRACE_O_TRACECLONE`: trace threads and children created by `clone`.
        #[doc(alias = "PTRACE_O_TRACECLONE")]
        const TRACECLONE = p::PTRACE_O_TRACECLONE;
        /// `PTRACE_O_TRACEEXEC`: stop at `execve` with `PTRACE_EVENT_EXEC`.
        #[doc(alias = "PTRACE_O_TRACEEXEC")]
        const TRACEEXEC = p::PTRACE_O_TRACEEXEC;
        /// `PTRACE_O_TRACEVFORKDONE`: stop when a `vfork` child releases its parent.
        #[doc(alias = "PTRACE_O_TRACEVFORKDONE")]
        const TRACEVFORKDONE = p::PTRACE_O_TRACEVFORKDONE;
        /// `PTRACE_O_TRACEEXIT`: stop just before exit with `PTRACE_EVENT_EXIT`;
        /// [`geteventmsg`] then gives the exit status.
        #[doc(alias = "PTRACE_O_TRACEEXIT")]
        const TRACEEXIT = p::PTRACE_O_TRACEEXIT;
        /// `PTRACE_O_TRACESECCOMP`: stop when a seccomp filter returns `SECCOMP_RET_TRACE`.
        #[doc(alias = "PTRACE_O_TRACESECCOMP")]
        const TRACESECCOMP = p::PTRACE_O_TRACESECCOMP;
        /// `PTRACE_O_EXITKILL`: `SIGKILL` the tracee if the tracer exits.
        #[doc(alias = "PTRACE_O_EXITKILL")]
        const EXITKILL = p::PTRACE_O_EXITKILL;
        /// `PTRACE_O_SUSPEND_SECCOMP`: suspend the tracee's seccomp filters (needs
        /// `CAP_SYS_ADMIN`; for checkpoint/restore).
        #[doc(alias = "PTRACE_O_SUSPEND_SECCOMP")]
        const SUSPEND_SECCOMP = p::PTRACE_O_SUSPEND_SECCOMP;
    }
}

/// The event numbers in a ptrace stop's wait status (`status >> 16`): `PTRACE_EVENT_*`.
pub mod event {
    use linux_raw_sys::ptrace as p;
    /// `PTRACE_EVENT_FORK`.
    pub const FORK: u32 = p::PTRACE_EVENT_FORK;
    /// `PTRACE_EVENT_VFORK`.
    pub const VFORK: u32 = p::PTRACE_EVENT_VFORK;
    /// `PTRACE_EVENT_CLONE`.
    pub const CLONE: u32 = p::PTRACE_EVENT_CLONE;
    /// `PTRACE_EVENT_EXEC`.
    pub const EXEC: u32 = p::PTRACE_EVENT_EXEC;
    /// `PTRACE_EVENT_VFORK_DONE`.
    pub const VFORK_DONE: u32 = p::PTRACE_EVENT_VFORK_DONE;
    /// `PTRACE_EVENT_EXIT`.
    pub const EXIT: u32 = p::PTRACE_EVENT_EXIT;
    /// `PTRACE_EVENT_SECCOMP`.
    pub const SECCOMP: u32 = p::PTRACE_EVENT_SECCOMP;
    /// `PTRACE_EVENT_STOP`: a group-stop or [`interrupt`](super::interrupt) of a seized tracee.
    pub const STOP: u32 = p::PTRACE_EVENT_STOP;
}

/// `ptrace(PTRACE_SETOPTIONS, pid, 0, options)` — sets the tracing options of a stopped
/// tracee (replacing the previous ones).
///
/// # Errors
/// `ESRCH` (not a stopped tracee), `EINVAL` (unknown bits), `EPERM` (`SUSPEND_SECCOMP`
/// without `CAP_SYS_ADMIN`).
///
/// # References
/// `man 2 ptrace`. Go: `syscall.PtraceSetOptions`.
#[doc(alias = "PtraceSetOptions")]
#[doc(alias = "PTRACE_SETOPTIONS")]
#[inline]
pub fn setoptions(pid: Pid, options: Options) -> Result<()> {
    // SAFETY: PTRACE_SETOPTIONS takes the options word in `data` (not a pointer).
    let ret = unsafe {
        arch::syscall4(
            Sysno::ptrace,
            p::PTRACE_SETOPTIONS as usize,
            arg::raw_fd(pid.raw()),
            0,
            arg::uint(options.bits()),
        )
    };
    Errno::decode(ret).map(drop)
}

/// `ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg)` — the message of the last `PTRACE_EVENT_*`
/// stop: the new child's pid (fork, vfork, clone), the former thread ID (exec), the wait
/// status (exit), the filter's data (seccomp).
///
/// # Errors
/// `ESRCH` (not a stopped tracee).
///
/// # References
/// `man 2 ptrace`. Go: `syscall.PtraceGetEventMsg`.
#[doc(alias = "PtraceGetEventMsg")]
#[doc(alias = "PTRACE_GETEVENTMSG")]
#[inline]
pub fn geteventmsg(pid: Pid) -> Result<u64> {
    let mut msg: u64 = 0;
    // SAFETY: the kernel writes one `unsigned long` (8 bytes) to `data`: `msg`, a live local.
    let ret = unsafe {
        arch::syscall4(
            Sysno::ptrace,
            p::PTRACE_GETEVENTMSG as usize,
            arg::raw_fd(pid.raw()),
            0,
            &raw mut msg as usize,
        )
    };
    Errno::decode(ret).map(|_| msg)
}
