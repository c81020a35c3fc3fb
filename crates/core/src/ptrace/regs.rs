//! The tracee's general registers: `PTRACE_GETREGSET`/`SETREGSET` with `NT_PRSTATUS`, and
//! [`PtraceRegs`], one type over each arch's register set.

use linux_raw_sys::elf_uapi::NT_PRSTATUS;
use linux_raw_sys::general::iovec;
use linux_raw_sys::ptrace as p;
use sysrt_arch::UserRegsAccess;

use crate::process::Pid;
use crate::{Errno, Result, Sysno, arch, arg};

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
    // The kernel then stores the length it wrote in `iov`.
    // SAFETY: the kernel reads `iov` and writes at most `iov.iov_len` bytes (the size of
    // `regs`) to `iov.iov_base`; both are live locals.
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
/// cannot (see [`pokedata`](super::pokedata)).
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
    // The caller vouches for the effect on the tracee.
    // SAFETY: the kernel reads `iov` and `iov.iov_len` bytes from `regs` (never writes them;
    // it may update `iov.iov_len`), both live across the call.
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
