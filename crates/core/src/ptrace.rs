//! Process tracing: `ptrace` — attach to a process, stop it at syscalls, read and change its
//! memory and registers (what debuggers and `strace` do).
//!
//! Its own module rather than part of [`process`](crate::process): it is a separate area (one
//! multiplexed syscall with its own request numbers, event protocol and per-arch register
//! set), and Go keeps it apart too (the `Ptrace*` functions, its `misc` category).
//!
//! The usual sequence: the tracee calls [`traceme`] and stops itself with
//! [`raise`](crate::signal::raise)`(SIGSTOP)` (or the tracer calls [`seize`]/[`attach`]); the
//! tracer waits for the stop with `wait4`, sets [`setoptions`], then resumes it with [`cont`]
//! or [`syscall`] and waits for the next stop, inspecting it with [`getregs`] and
//! [`peekdata`] in between. Every request other than `traceme`/`attach`/`seize` needs the
//! tracee to be stopped in a ptrace stop (`ESRCH` otherwise).
//!
//! Under qemu-user, `ptrace` is not emulated for guests (it returns `ENOSYS`): these calls can
//! only be tried natively.
//!
//! Single-stepping is an arch capability: x86_64 and aarch64 kernels have it; the riscv64
//! kernel does not define `arch_has_single_step()` (RISC-V has no user-mode single-step
//! trap), so [`singlestep`] fails there with `EIO`.

use bitflags::bitflags;
use linux_raw_sys::elf_uapi::NT_PRSTATUS;
use linux_raw_sys::general::iovec;
use linux_raw_sys::ptrace as p;
use sysrt_arch::UserRegsAccess;

use crate::process::Pid;
use crate::signal::Signal;
use crate::{Errno, Result, Sysno, arch, arg};

/// A signal argument: its number, or 0 for none.
#[inline(always)]
fn sig_arg(sig: Option<Signal>) -> usize {
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
/// (`ebreak`) at the next instruction with [`poketext`] instead.
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

/// `ptrace(PTRACE_PEEKDATA, pid, addr, &word)` — one machine word of the tracee's memory at
/// `addr`. (The syscall writes the word to `data`; libc's wrapper returns it instead.)
///
/// # Errors
/// `EIO`/`EFAULT` (`addr` not mapped in the tracee), `ESRCH` (not a stopped tracee).
///
/// # References
/// `man 2 ptrace`.
#[doc(alias = "PTRACE_PEEKDATA")]
#[inline]
pub fn peekdata(pid: Pid, addr: usize) -> Result<usize> {
    let mut word = 0usize;
    // SAFETY: the kernel reads the tracee's memory and writes one word to `data`: `word`, a
    // live local.
    let ret = unsafe {
        arch::syscall4(
            Sysno::ptrace,
            p::PTRACE_PEEKDATA as usize,
            arg::raw_fd(pid.raw()),
            addr,
            &raw mut word as usize,
        )
    };
    Errno::decode(ret).map(|_| word)
}

/// `ptrace(PTRACE_PEEKTEXT, pid, addr, &word)` — as [`peekdata`] (Linux has one address
/// space for text and data).
///
/// # Errors
/// As [`peekdata`].
///
/// # References
/// `man 2 ptrace`.
#[doc(alias = "PTRACE_PEEKTEXT")]
#[inline]
pub fn peektext(pid: Pid, addr: usize) -> Result<usize> {
    let mut word = 0usize;
    // SAFETY: as for peekdata: one word written to `word`, a live local.
    let ret = unsafe {
        arch::syscall4(
            Sysno::ptrace,
            p::PTRACE_PEEKTEXT as usize,
            arg::raw_fd(pid.raw()),
            addr,
            &raw mut word as usize,
        )
    };
    Errno::decode(ret).map(|_| word)
}

/// `ptrace(PTRACE_POKEDATA, pid, addr, word)` — writes one word into the tracee's memory at
/// `addr` (even into read-only pages, such as code).
///
/// # Safety
/// The tracee is another process, but it may share memory with the caller: a child created
/// with `CLONE_VM` (as a `vfork`-style spawn does, until it execs) or a `MAP_SHARED` mapping.
/// Then this write lands in the caller's own memory, behind the compiler's back. The caller
/// must make sure `addr` in the tracee is not memory the caller itself uses.
///
/// # Errors
/// `EIO`/`EFAULT` (`addr` not mapped in the tracee), `ESRCH` (not a stopped tracee).
///
/// # References
/// `man 2 ptrace`.
#[doc(alias = "PTRACE_POKEDATA")]
#[inline]
pub unsafe fn pokedata(pid: Pid, addr: usize, word: usize) -> Result<()> {
    // SAFETY: `data` is the value to store (not a pointer); the kernel writes the tracee's
    // memory only, which the caller vouches is not shared with ours.
    let ret = unsafe {
        arch::syscall4(
            Sysno::ptrace,
            p::PTRACE_POKEDATA as usize,
            arg::raw_fd(pid.raw()),
            addr,
            word,
        )
    };
    Errno::decode(ret).map(drop)
}

/// `ptrace(PTRACE_POKETEXT, pid, addr, word)` — as [`pokedata`].
///
/// # Safety
/// As for [`pokedata`].
///
/// # Errors
/// As [`pokedata`].
///
/// # References
/// `man 2 ptrace`.
#[doc(alias = "PTRACE_POKETEXT")]
#[inline]
pub unsafe fn poketext(pid: Pid, addr: usize, word: usize) -> Result<()> {
    // SAFETY: as for pokedata.
    let ret = unsafe {
        arch::syscall4(
            Sysno::ptrace,
            p::PTRACE_POKETEXT as usize,
            arg::raw_fd(pid.raw()),
            addr,
            word,
        )
    };
    Errno::decode(ret).map(drop)
}

const WORD: usize = size_of::<usize>();

/// Reads `out.len()` bytes of the tracee's memory from `addr` (any alignment), a word at a
/// time with `peek`; returns how many bytes were read. An error after the first word ends
/// the read early with the count so far, as a short `read` does.
fn peek_bytes(
    peek: fn(Pid, usize) -> Result<usize>,
    pid: Pid,
    addr: usize,
    out: &mut [u8],
) -> Result<usize> {
    let mut done = 0;
    while done < out.len() {
        let at = addr.wrapping_add(done);
        let skew = at % WORD;
        let word = match peek(pid, at - skew) {
            Ok(w) => w.to_ne_bytes(),
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        };
        let bytes = word.get(skew..).unwrap_or_default();
        let take = bytes.len().min(out.len() - done);
        if let (Some(dst), Some(src)) = (out.get_mut(done..done + take), bytes.get(..take)) {
            dst.copy_from_slice(src);
        }
        done += take;
    }
    Ok(done)
}

/// Writes `data` into the tracee's memory at `addr`, a word at a time, reading the first and
/// last words back first when `data` covers them only in part.
///
/// # Safety
/// As for [`pokedata`].
unsafe fn poke_bytes(
    peek: fn(Pid, usize) -> Result<usize>,
    poke: unsafe fn(Pid, usize, usize) -> Result<()>,
    pid: Pid,
    addr: usize,
    data: &[u8],
) -> Result<usize> {
    let mut done = 0;
    while done < data.len() {
        let at = addr.wrapping_add(done);
        let skew = at % WORD;
        let take = (WORD - skew).min(data.len() - done);
        let mut word = if take == WORD {
            [0u8; WORD]
        } else {
            match peek(pid, at - skew) {
                Ok(w) => w.to_ne_bytes(),
                Err(e) if done == 0 => return Err(e),
                Err(_) => break,
            }
        };
        if let (Some(dst), Some(src)) =
            (word.get_mut(skew..skew + take), data.get(done..done + take))
        {
            dst.copy_from_slice(src);
        }
        // SAFETY: forwarded from the caller.
        match unsafe { poke(pid, at - skew, usize::from_ne_bytes(word)) } {
            Ok(()) => done += take,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(done)
}

/// Reads `out.len()` bytes of the tracee's data at `addr` (any alignment) with
/// `PTRACE_PEEKDATA`, a word at a time; returns how many were read (fewer than asked when an
/// unmapped page ends the range).
///
/// # Errors
/// As [`peekdata`], when not even the first word can be read.
///
/// # References
/// `man 2 ptrace`. Go: `syscall.PtracePeekData`.
#[doc(alias = "PtracePeekData")]
pub fn peek_data(pid: Pid, addr: usize, out: &mut [u8]) -> Result<usize> {
    peek_bytes(peekdata, pid, addr, out)
}

/// As [`peek_data`], with `PTRACE_PEEKTEXT`.
///
/// # Errors
/// As [`peektext`], when not even the first word can be read.
///
/// # References
/// `man 2 ptrace`. Go: `syscall.PtracePeekText`.
#[doc(alias = "PtracePeekText")]
pub fn peek_text(pid: Pid, addr: usize, out: &mut [u8]) -> Result<usize> {
    peek_bytes(peektext, pid, addr, out)
}

/// Writes `data` into the tracee's memory at `addr` (any alignment) with `PTRACE_POKEDATA`, a
/// word at a time, preserving the bytes around a partial first or last word; returns how
/// many bytes were written.
///
/// # Safety
/// As for [`pokedata`].
///
/// # Errors
/// As [`pokedata`], when not even the first word can be written.
///
/// # References
/// `man 2 ptrace`. Go: `syscall.PtracePokeData`.
#[doc(alias = "PtracePokeData")]
pub unsafe fn poke_data(pid: Pid, addr: usize, data: &[u8]) -> Result<usize> {
    // SAFETY: forwarded from the caller.
    unsafe { poke_bytes(peekdata, pokedata, pid, addr, data) }
}

/// As [`poke_data`], with `PTRACE_POKETEXT` (for code: a breakpoint instruction).
///
/// # Safety
/// As for [`pokedata`].
///
/// # Errors
/// As [`poketext`], when not even the first word can be written.
///
/// # References
/// `man 2 ptrace`. Go: `syscall.PtracePokeText`.
#[doc(alias = "PtracePokeText")]
pub unsafe fn poke_text(pid: Pid, addr: usize, data: &[u8]) -> Result<usize> {
    // SAFETY: forwarded from the caller.
    unsafe { poke_bytes(peektext, poketext, pid, addr, data) }
}

/// The tracee's general registers, as `PTRACE_GETREGSET` with `NT_PRSTATUS` transfers them:
/// one type on every arch, wrapping the arch's register set ([`raw`](Self::raw):
/// `user_regs_struct` on x86_64 and riscv64, `user_pt_regs` on aarch64).
///
/// Go: `syscall.PtraceRegs`.
#[derive(Copy, Clone, Debug)]
#[repr(transparent)]
pub struct PtraceRegs(sysrt_arch::UserRegs);

impl Default for PtraceRegs {
    fn default() -> PtraceRegs {
        // SAFETY: every arch's register set is a struct of integers; all-zero is valid.
        PtraceRegs(unsafe { core::mem::zeroed() })
    }
}

impl PtraceRegs {
    /// The program counter (`rip` on x86_64, `pc` on aarch64 and riscv64). Go:
    /// `PtraceRegs.PC`.
    #[doc(alias = "PC")]
    pub fn pc(&self) -> u64 {
        self.0.pc()
    }

    /// Sets the program counter: the tracee resumes there. Go: `PtraceRegs.SetPC`.
    #[doc(alias = "SetPC")]
    pub fn set_pc(&mut self, pc: u64) {
        self.0.set_pc(pc);
    }

    /// The stack pointer.
    pub fn stack_pointer(&self) -> u64 {
        self.0.stack_pointer()
    }

    /// At a syscall stop, the syscall number (`orig_rax`, `x8`, `a7`); compare with
    /// [`Sysno::raw`].
    pub fn syscall_number(&self) -> u64 {
        self.0.syscall_number()
    }

    /// The return-value register (`rax`, `x0`, `a0`): at a syscall-exit stop, the raw result
    /// (`-errno` on failure).
    pub fn return_value(&self) -> u64 {
        self.0.return_value()
    }

    /// Sets the return-value register: at a syscall-exit stop, what the tracee's syscall
    /// returns.
    pub fn set_return_value(&mut self, value: u64) {
        self.0.set_return_value(value);
    }

    /// The arch's register set, every register by name.
    pub fn raw(&self) -> &sysrt_arch::UserRegs {
        &self.0
    }

    /// The arch's register set, mutably.
    pub fn raw_mut(&mut self) -> &mut sysrt_arch::UserRegs {
        &mut self.0
    }
}

/// `ptrace(PTRACE_GETREGSET, pid, NT_PRSTATUS, &iov)` — the tracee's general registers.
///
/// `PTRACE_GETREGSET` exists on every arch (x86_64's older `PTRACE_GETREGS` does not exist on
/// aarch64 or riscv64).
///
/// # Errors
/// `ESRCH` (not a stopped tracee), `EIO`/`EINVAL` (the kernel refuses the register set).
///
/// # References
/// `man 2 ptrace`. Go: `syscall.PtraceGetRegs`.
#[doc(alias = "PtraceGetRegs")]
#[doc(alias = "PTRACE_GETREGSET")]
#[inline]
pub fn getregs(pid: Pid) -> Result<PtraceRegs> {
    let mut regs = PtraceRegs::default();
    let mut iov = iovec {
        iov_base: (&raw mut regs).cast(),
        iov_len: size_of::<PtraceRegs>() as _,
    };
    // SAFETY: the kernel reads `iov` and writes at most `iov.iov_len` bytes (the size of
    // `regs`) to `iov.iov_base`, then stores the length it wrote in `iov`; both are live
    // locals.
    let ret = unsafe {
        arch::syscall4(
            Sysno::ptrace,
            p::PTRACE_GETREGSET as usize,
            arg::raw_fd(pid.raw()),
            NT_PRSTATUS as usize,
            &raw mut iov as usize,
        )
    };
    Errno::decode(ret).map(|_| regs)
}

/// `ptrace(PTRACE_SETREGSET, pid, NT_PRSTATUS, &iov)` — sets the tracee's general registers.
///
/// # Safety
/// The tracee resumes with these registers. If it shares memory with the caller (a
/// `CLONE_VM` child, a `MAP_SHARED` mapping), a changed program counter, stack pointer or
/// argument register can make it write the caller's memory; the caller must make sure it
/// cannot (see [`pokedata`]).
///
/// # Errors
/// `ESRCH` (not a stopped tracee), `EINVAL`/`EIO` (register values the kernel refuses, such
/// as a non-canonical x86_64 segment).
///
/// # References
/// `man 2 ptrace`. Go: `syscall.PtraceSetRegs`.
#[doc(alias = "PtraceSetRegs")]
#[doc(alias = "PTRACE_SETREGSET")]
#[inline]
pub unsafe fn setregs(pid: Pid, regs: &PtraceRegs) -> Result<()> {
    let mut iov = iovec {
        iov_base: core::ptr::from_ref(regs).cast_mut().cast(),
        iov_len: size_of::<PtraceRegs>() as _,
    };
    // SAFETY: the kernel reads `iov` and `iov.iov_len` bytes from `regs` (never writes them;
    // it may update `iov.iov_len`), both live across the call; the caller vouches for the
    // effect on the tracee.
    let ret = unsafe {
        arch::syscall4(
            Sysno::ptrace,
            p::PTRACE_SETREGSET as usize,
            arg::raw_fd(pid.raw()),
            NT_PRSTATUS as usize,
            &raw mut iov as usize,
        )
    };
    Errno::decode(ret).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regs_accessors_round_trip() {
        let mut r = PtraceRegs::default();
        assert_eq!((r.pc(), r.syscall_number(), r.return_value()), (0, 0, 0));
        r.set_pc(0x40_1000);
        r.set_return_value(u64::MAX);
        assert_eq!((r.pc(), r.return_value()), (0x40_1000, u64::MAX));
    }
}
