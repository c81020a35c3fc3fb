//! aarch64 (`svc 0`).
//!
//! | what        | register                           |
//! |-------------|------------------------------------|
//! | number      | `x8`                               |
//! | arguments   | `x0`, `x1`, `x2`, `x3`, `x4`, `x5` |
//! | return      | `x0` (-4095..=-1 is `-errno`)      |
//! | instruction | `svc 0`                            |
//! | clobbered   | nothing else, flags are preserved; with SVE enabled, `z0`–`z31` and `p0`–`p15` |
//!
//! With the `sve` target feature the stubs also declare the SVE state clobbered. The kernel
//! keeps `v0`–`v31` (bits 127:0 of each `z` register) across a syscall, but sets the rest of
//! `z0`–`z31`, all of `p0`–`p15` and `ffr` to zero (Documentation/arch/arm64/sve.rst, "System
//! call behaviour"). How that is spelled in Rust's inline assembly:
//!
//! - `p0`–`p15` and `ffr` are registers of the clobber-only class `preg`: `out("p0") _` and
//!   `out("ffr") _` (accepted with or without `sve`). The stubs clobber `p0`–`p15` but not
//!   `ffr`: LLVM reserves FFR (it models it as global state and never allocates a value to
//!   it), so it has nothing to save around the trap, and it answers a clobber of it with
//!   "warning: inline asm clobber list contains reserved registers: FFR" in every crate that
//!   inlines a stub (rustc's own `clobber_abi("C")` gets the same warning under `+sve`). Code
//!   that reads FFR itself (first-faulting loads, then `rdffr`) must not make a syscall in
//!   between: the kernel zeroes FFR whatever a clobber list says.
//! - There is no separate name for the upper part of a `z` register. Rust accepts `z0` only as
//!   another name for `v0`, and both become an output of LLVM's `q0`. In LLVM, `z0` is made
//!   of `q0` (and, since LLVM 20, an artificial `q0_hi` for the bits above), so a scalable
//!   value held in `z0` occupies `q0`'s register units, and a clobber of `q0` interferes with
//!   it: the value cannot stay in `z0` across the trap. Checked with this toolchain (rustc 1.95,
//!   LLVM 22, a test function using rustc's internal scalable-vector type): with `v0`–`v31`
//!   clobbered, a scalable vector live across `svc` is stored whole (`str z0, [sp]`) and
//!   loaded back after; without the clobbers it stays in `z1`. So `out("v0") _`…`out("v31") _`
//!   protect the whole `z` registers; the cost is that LLVM also treats the low 128 bits,
//!   which the kernel keeps, as lost.
//!
//! The clobbers follow the crate's `target_feature` (`-C target-feature=+sve`): code that
//! enables SVE only per function (`#[target_feature(enable = "sve")]`) and keeps SVE values
//! live across a syscall must not rely on them. Streaming mode (SME) is left by the kernel on
//! a syscall; Rust has no stable streaming-mode code, so nothing here covers it.
//!
//! Reference: `man 2 syscall`, "Architecture calling conventions".

use core::arch::asm;

use crate::Sysno;

pub(crate) const ARCH_NAME: &str = "aarch64";

/// Defines `$name` (may write user memory) and `$ro` (`readonly`) for one arity.
/// The first argument register is also the return register.
macro_rules! stubs {
    ($name:ident, $ro:ident; $($a0:ident $(, $arg:ident in $reg:tt)*)?) => {
        #[doc = concat!("`", stringify!($name), "`: the `svc 0` trap with this many arguments.")]
        ///
        /// # Safety
        /// The caller must pass arguments that are valid for syscall `n` as the kernel documents
        /// it: every pointer must be valid for the access the kernel makes, for as long as the
        /// call makes it, and the call must not break any invariant Rust relies on (memory it
        /// unmaps or overwrites, fds it closes that something else owns).
        #[inline(always)]
        pub unsafe fn $name(n: Sysno $(, $a0: usize $(, $arg: usize)*)?) -> usize {
            let ret;
            // SAFETY: the caller upholds the syscall's contract; `svc 0` changes only x0 (and the
            // SVE state, declared clobbered when SVE is enabled).
            unsafe {
                stubs!(@asm ret, n, [nostack, preserves_flags] $(; $a0 $(, $arg in $reg)*)?);
            }
            ret
        }

        #[doc = concat!("`", stringify!($ro), "`: as `", stringify!($name),
                        "`, for calls that write no user memory.")]
        ///
        /// # Safety
        /// As for the non-readonly form; in addition the call must not write any memory the
        /// program can observe (the compiler may keep cached values across it).
        #[inline(always)]
        pub unsafe fn $ro(n: Sysno $(, $a0: usize $(, $arg: usize)*)?) -> usize {
            let ret;
            // SAFETY: as above; the caller promises the call writes no user memory.
            unsafe {
                stubs!(@asm ret, n, [nostack, preserves_flags, readonly] $(; $a0 $(, $arg in $reg)*)?);
            }
            ret
        }
    };
    (@asm $ret:ident, $n:ident, [$($opt:ident),*]) => {
        stubs!(@sveclobber "svc 0", in("x8") $n.raw() as usize, lateout("x0") $ret,
               options($($opt),*))
    };
    (@asm $ret:ident, $n:ident, [$($opt:ident),*]; $a0:ident $(, $arg:ident in $reg:tt)*) => {
        stubs!(@sveclobber "svc 0", in("x8") $n.raw() as usize, inlateout("x0") $a0 => $ret,
               $(in($reg) $arg,)* options($($opt),*))
    };
    // Without `sve` no code holds SVE state, and clobbering v8–v15 would make every caller
    // save d8–d15 for nothing.
    (@sveclobber $($asm:tt)*) => {{
        #[cfg(target_feature = "sve")]
        asm!($($asm)*,
             out("v0") _, out("v1") _, out("v2") _, out("v3") _, out("v4") _, out("v5") _,
             out("v6") _, out("v7") _, out("v8") _, out("v9") _, out("v10") _, out("v11") _,
             out("v12") _, out("v13") _, out("v14") _, out("v15") _, out("v16") _,
             out("v17") _, out("v18") _, out("v19") _, out("v20") _, out("v21") _,
             out("v22") _, out("v23") _, out("v24") _, out("v25") _, out("v26") _,
             out("v27") _, out("v28") _, out("v29") _, out("v30") _, out("v31") _,
             out("p0") _, out("p1") _, out("p2") _, out("p3") _, out("p4") _, out("p5") _,
             out("p6") _, out("p7") _, out("p8") _, out("p9") _, out("p10") _, out("p11") _,
             out("p12") _, out("p13") _, out("p14") _, out("p15") _);
        #[cfg(not(target_feature = "sve"))]
        asm!($($asm)*);
    }};
}

stubs!(syscall0, syscall0_readonly;);
stubs!(syscall1, syscall1_readonly; a0);
stubs!(syscall2, syscall2_readonly; a0, a1 in "x1");
stubs!(syscall3, syscall3_readonly; a0, a1 in "x1", a2 in "x2");
stubs!(syscall4, syscall4_readonly; a0, a1 in "x1", a2 in "x2", a3 in "x3");
stubs!(syscall5, syscall5_readonly; a0, a1 in "x1", a2 in "x2", a3 in "x3", a4 in "x4");
stubs!(syscall6, syscall6_readonly;
       a0, a1 in "x1", a2 in "x2", a3 in "x3", a4 in "x4", a5 in "x5");

/// `syscall1_noreturn`: a one-argument call that never returns (`exit`, `exit_group`).
///
/// # Safety
/// `n` must be a call that does not return when it succeeds, and it must succeed: the stub
/// traps (`brk #0x1`) if the kernel returns.
#[inline(always)]
pub unsafe fn syscall1_noreturn(n: Sysno, a0: usize) -> ! {
    // SAFETY: the caller promises `n` ends the thread or process; `brk` faults if it does not.
    unsafe {
        asm!("svc 0", "brk #0x1", in("x8") n.raw() as usize, in("x0") a0,
             options(noreturn, nostack));
    }
}

/// Defines the process entry `_start`, which calls `$entry(initial_sp: *const usize) -> !`.
///
/// At entry `sp` points at `argc` and is 16-byte aligned, as AAPCS64 requires at every
/// instruction; `_start` passes it in `x0`, clears the frame pointer and link register (the
/// end of the frame chain) and branches with link.
#[macro_export]
macro_rules! start_entry {
    ($entry:path) => {
        ::core::arch::global_asm!(
            ".globl _start",
            ".type _start, %function",
            "_start:",
            "mov x29, #0",
            "mov x30, #0",
            "mov x0, sp",
            "bl {entry}",
            "brk #0x1",
            ".size _start, . - _start",
            entry = sym $entry,
        );
    };
}

/// Returns `sp % 16` as it is at the first instruction of a called function.
///
/// AAPCS64 requires 0 at every public interface. Tests use this to check the runtime's stack
/// alignment.
#[unsafe(naked)]
pub extern "C" fn sp_mod16_at_entry() -> usize {
    core::arch::naked_asm!("mov x0, sp", "and x0, x0, #15", "ret")
}

/// The value `sp_mod16_at_entry` returns when the stack is aligned as the ABI requires.
pub const SP_MOD16_AT_ENTRY: usize = 0;

/// The signal-return trampoline a handler returns through: `rt_sigreturn`. aarch64 kernels
/// have one in the vDSO, but a process without a vDSO (QEMU user-mode gives guests none)
/// needs its own, so sysrt always supplies it (`SA_RESTORER`), as libc does.
///
/// # Safety
/// Only for use as `sa_restorer`: the kernel jumps here with the signal frame on the stack.
#[unsafe(naked)]
pub unsafe extern "C" fn rt_sigreturn_restorer() {
    core::arch::naked_asm!("mov x8, #{nr}", "svc 0", "brk #0x1", nr = const Sysno::rt_sigreturn.raw())
}

/// Fills in the arch's signal-return path in a `kernel_sigaction`: `SA_RESTORER` and
/// [`rt_sigreturn_restorer`].
pub fn set_sigaction_restorer(act: &mut linux_raw_sys::general::kernel_sigaction) {
    act.sa_flags |= linux_raw_sys::general::SA_RESTORER as core::ffi::c_ulong;
    act.sa_restorer = Some(rt_sigreturn_restorer);
}

/// The general registers as `PTRACE_GETREGSET`/`PTRACE_SETREGSET` transfer them for
/// `NT_PRSTATUS`: the kernel's `struct user_pt_regs` (x0–x30, sp, pc, pstate).
pub type UserRegs = linux_raw_sys::ptrace::user_pt_regs;

const _: () = assert!(core::mem::size_of::<UserRegs>() == 34 * 8);

impl crate::UserRegsAccess for UserRegs {
    fn pc(&self) -> u64 {
        self.pc
    }
    fn set_pc(&mut self, pc: u64) {
        self.pc = pc;
    }
    fn stack_pointer(&self) -> u64 {
        self.sp
    }
    /// `x8`, the syscall-number register.
    fn syscall_number(&self) -> u64 {
        self.regs[8]
    }
    /// `x0`.
    fn return_value(&self) -> u64 {
        self.regs[0]
    }
    fn set_return_value(&mut self, value: u64) {
        self.regs[0] = value;
    }
}

/// `clone_then_call(nr, a0, a1, a2, child, arg)`: makes `clone` or `clone3` (`nr`) with three
/// arguments that give the child no new stack, and in the child calls `child(arg)` on the
/// parent's stack, below the stack pointer it had: vfork's way, which needs no stack buffer and
/// puts the thread's guard page under the child. Returns only in the parent (or on failure):
/// the raw return of the call.
///
/// `clone`'s argument order differs by arch (x86_64: flags, newsp, parent_tid, child_tid, tls;
/// aarch64 and riscv64: flags, newsp, parent_tid, tls, child_tid); the first three agree
/// everywhere, so this helper takes only those and passes 0 for the last two. `clone3` takes
/// (args, size).
///
/// The child starts at the instruction after `svc 0` with `x0` = 0, `sp` as the parent had it
/// (16-byte aligned at every instruction in AAPCS64, and with no red zone), and every other
/// register as the parent had it: `child` and `arg` wait in `x6` and `x7` (clone reads x0–x4
/// only). The child clears the frame pointer and link register (the end of the frame chain)
/// and calls `child`, which never returns (`brk` if it does).
///
/// # Safety
/// The call must give the child no new stack (`clone`'s `newsp`, `clone3`'s `stack`: 0). If it
/// shares memory (`CLONE_VM`) it must also suspend the parent until the child execs or exits
/// (`CLONE_VFORK`): the child's frames are written below the parent's stack pointer, which is
/// free only while the parent thread is stopped. `child` must never return and, with shared
/// memory, must touch nothing the parent relies on but what the caller set aside for it. The
/// rest is the syscall's own contract.
#[inline(always)]
pub unsafe fn clone_then_call(
    nr: Sysno,
    a0: usize,
    a1: usize,
    a2: usize,
    child: unsafe extern "C" fn(usize) -> !,
    arg: usize,
) -> usize {
    let ret;
    // SAFETY: the caller upholds clone's contract and the no-new-stack rule above; the parent
    // path changes only x0 (and the SVE state, declared clobbered when SVE is enabled); the child path never comes back into this function.
    unsafe {
        stubs!(@sveclobber
            "svc 0",
            "cbnz x0, 2f",
            "mov x29, xzr",
            "mov x30, xzr",
            "mov x0, x7",
            "blr x6",
            "brk #0x1",
            "2:",
            in("x8") nr.raw() as usize,
            inlateout("x0") a0 => ret, in("x1") a1, in("x2") a2, in("x3") 0usize, in("x4") 0usize,
            in("x6") child, in("x7") arg,
            options(nostack)
        );
    }
    ret
}

// Calls only aarch64 has beyond the common set.
crate::sysnos! {
    renameat: __NR_renameat,
}
