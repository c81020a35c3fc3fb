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

/// The vDSO's symbols on aarch64 (`arch/arm64/kernel/vdso/vdso.lds.S`): no `time` or
/// `getcpu`; `getrandom` since Linux 6.12.
pub(crate) const VDSO: crate::VdsoSymbols = crate::VdsoSymbols {
    machine: linux_raw_sys::elf_uapi::EM_AARCH64 as u16,
    version: "LINUX_2.6.39",
    clock_gettime: Some("__kernel_clock_gettime"),
    clock_getres: Some("__kernel_clock_getres"),
    gettimeofday: Some("__kernel_gettimeofday"),
    time: None,
    getcpu: None,
    getrandom: Some("__kernel_getrandom"),
};

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

// Items for one arch only, for the crates above this one.

/// Compiles the items inside on x86_64 only: on aarch64, nothing.
#[macro_export]
macro_rules! only_x86_64 {
    ($($item:item)*) => {};
}

/// Compiles the items inside on aarch64 only; on the other arches they do not exist. How code
/// above this crate has items for one arch without a `cfg(target_arch)` of its own.
#[macro_export]
macro_rules! only_aarch64 {
    ($($item:item)*) => { $($item)* };
}

/// Compiles the items inside on riscv64 only: on aarch64, nothing.
#[macro_export]
macro_rules! only_riscv64 {
    ($($item:item)*) => {};
}

// The named hwcap bits, from linux-raw-sys (arch/arm64/include/uapi/asm/hwcap.h). The
// /proc/cpuinfo spellings are left empty: they cannot be checked here, where arm64 runs only
// under QEMU, which shows the host's /proc/cpuinfo.
crate::hwcap_bits! {
    /// `HWCAP_FP`.
    FP: 0, linux_raw_sys::ptrace::HWCAP_FP, "";
    /// `HWCAP_ASIMD`.
    ASIMD: 0, linux_raw_sys::ptrace::HWCAP_ASIMD, "";
    /// `HWCAP_EVTSTRM`.
    EVTSTRM: 0, linux_raw_sys::ptrace::HWCAP_EVTSTRM, "";
    /// `HWCAP_AES`.
    AES: 0, linux_raw_sys::ptrace::HWCAP_AES, "";
    /// `HWCAP_PMULL`.
    PMULL: 0, linux_raw_sys::ptrace::HWCAP_PMULL, "";
    /// `HWCAP_SHA1`.
    SHA1: 0, linux_raw_sys::ptrace::HWCAP_SHA1, "";
    /// `HWCAP_SHA2`.
    SHA2: 0, linux_raw_sys::ptrace::HWCAP_SHA2, "";
    /// `HWCAP_CRC32`.
    CRC32: 0, linux_raw_sys::ptrace::HWCAP_CRC32, "";
    /// `HWCAP_ATOMICS`.
    ATOMICS: 0, linux_raw_sys::ptrace::HWCAP_ATOMICS, "";
    /// `HWCAP_FPHP`.
    FPHP: 0, linux_raw_sys::ptrace::HWCAP_FPHP, "";
    /// `HWCAP_ASIMDHP`.
    ASIMDHP: 0, linux_raw_sys::ptrace::HWCAP_ASIMDHP, "";
    /// `HWCAP_CPUID`.
    CPUID: 0, linux_raw_sys::ptrace::HWCAP_CPUID, "";
    /// `HWCAP_ASIMDRDM`.
    ASIMDRDM: 0, linux_raw_sys::ptrace::HWCAP_ASIMDRDM, "";
    /// `HWCAP_JSCVT`.
    JSCVT: 0, linux_raw_sys::ptrace::HWCAP_JSCVT, "";
    /// `HWCAP_FCMA`.
    FCMA: 0, linux_raw_sys::ptrace::HWCAP_FCMA, "";
    /// `HWCAP_LRCPC`.
    LRCPC: 0, linux_raw_sys::ptrace::HWCAP_LRCPC, "";
    /// `HWCAP_DCPOP`.
    DCPOP: 0, linux_raw_sys::ptrace::HWCAP_DCPOP, "";
    /// `HWCAP_SHA3`.
    SHA3: 0, linux_raw_sys::ptrace::HWCAP_SHA3, "";
    /// `HWCAP_SM3`.
    SM3: 0, linux_raw_sys::ptrace::HWCAP_SM3, "";
    /// `HWCAP_SM4`.
    SM4: 0, linux_raw_sys::ptrace::HWCAP_SM4, "";
    /// `HWCAP_ASIMDDP`.
    ASIMDDP: 0, linux_raw_sys::ptrace::HWCAP_ASIMDDP, "";
    /// `HWCAP_SHA512`.
    SHA512: 0, linux_raw_sys::ptrace::HWCAP_SHA512, "";
    /// `HWCAP_SVE`.
    SVE: 0, linux_raw_sys::ptrace::HWCAP_SVE, "";
    /// `HWCAP_ASIMDFHM`.
    ASIMDFHM: 0, linux_raw_sys::ptrace::HWCAP_ASIMDFHM, "";
    /// `HWCAP_DIT`.
    DIT: 0, linux_raw_sys::ptrace::HWCAP_DIT, "";
    /// `HWCAP_USCAT`.
    USCAT: 0, linux_raw_sys::ptrace::HWCAP_USCAT, "";
    /// `HWCAP_ILRCPC`.
    ILRCPC: 0, linux_raw_sys::ptrace::HWCAP_ILRCPC, "";
    /// `HWCAP_FLAGM`.
    FLAGM: 0, linux_raw_sys::ptrace::HWCAP_FLAGM, "";
    /// `HWCAP_SSBS`.
    SSBS: 0, linux_raw_sys::ptrace::HWCAP_SSBS, "";
    /// `HWCAP_SB`.
    SB: 0, linux_raw_sys::ptrace::HWCAP_SB, "";
    /// `HWCAP_PACA`.
    PACA: 0, linux_raw_sys::ptrace::HWCAP_PACA, "";
    /// `HWCAP_PACG`.
    PACG: 0, linux_raw_sys::ptrace::HWCAP_PACG, "";
    /// `HWCAP_GCS`.
    GCS: 0, linux_raw_sys::ptrace::HWCAP_GCS, "";
    /// `HWCAP_CMPBR`.
    CMPBR: 0, linux_raw_sys::ptrace::HWCAP_CMPBR, "";
    /// `HWCAP_FPRCVT`.
    FPRCVT: 0, linux_raw_sys::ptrace::HWCAP_FPRCVT, "";
    /// `HWCAP_F8MM8`.
    F8MM8: 0, linux_raw_sys::ptrace::HWCAP_F8MM8, "";
    /// `HWCAP_F8MM4`.
    F8MM4: 0, linux_raw_sys::ptrace::HWCAP_F8MM4, "";
    /// `HWCAP_SVE_F16MM`.
    SVE_F16MM: 0, linux_raw_sys::ptrace::HWCAP_SVE_F16MM, "";
    /// `HWCAP_SVE_ELTPERM`.
    SVE_ELTPERM: 0, linux_raw_sys::ptrace::HWCAP_SVE_ELTPERM, "";
    /// `HWCAP_SVE_AES2`.
    SVE_AES2: 0, linux_raw_sys::ptrace::HWCAP_SVE_AES2, "";
    /// `HWCAP_SVE_BFSCALE`.
    SVE_BFSCALE: 0, linux_raw_sys::ptrace::HWCAP_SVE_BFSCALE, "";
    /// `HWCAP_SVE2P2`.
    SVE2P2: 0, linux_raw_sys::ptrace::HWCAP_SVE2P2, "";
    /// `HWCAP_SME2P2`.
    SME2P2: 0, linux_raw_sys::ptrace::HWCAP_SME2P2, "";
    /// `HWCAP_SME_SBITPERM`.
    SME_SBITPERM: 0, linux_raw_sys::ptrace::HWCAP_SME_SBITPERM, "";
    /// `HWCAP_SME_AES`.
    SME_AES: 0, linux_raw_sys::ptrace::HWCAP_SME_AES, "";
    /// `HWCAP_SME_SFEXPA`.
    SME_SFEXPA: 0, linux_raw_sys::ptrace::HWCAP_SME_SFEXPA, "";
    /// `HWCAP_SME_STMOP`.
    SME_STMOP: 0, linux_raw_sys::ptrace::HWCAP_SME_STMOP, "";
    /// `HWCAP_SME_SMOP4`.
    SME_SMOP4: 0, linux_raw_sys::ptrace::HWCAP_SME_SMOP4, "";
    /// `HWCAP2_DCPODP`.
    DCPODP: 1, linux_raw_sys::ptrace::HWCAP2_DCPODP, "";
    /// `HWCAP2_SVE2`.
    SVE2: 1, linux_raw_sys::ptrace::HWCAP2_SVE2, "";
    /// `HWCAP2_SVEAES`.
    SVEAES: 1, linux_raw_sys::ptrace::HWCAP2_SVEAES, "";
    /// `HWCAP2_SVEPMULL`.
    SVEPMULL: 1, linux_raw_sys::ptrace::HWCAP2_SVEPMULL, "";
    /// `HWCAP2_SVEBITPERM`.
    SVEBITPERM: 1, linux_raw_sys::ptrace::HWCAP2_SVEBITPERM, "";
    /// `HWCAP2_SVESHA3`.
    SVESHA3: 1, linux_raw_sys::ptrace::HWCAP2_SVESHA3, "";
    /// `HWCAP2_SVESM4`.
    SVESM4: 1, linux_raw_sys::ptrace::HWCAP2_SVESM4, "";
    /// `HWCAP2_FLAGM2`.
    FLAGM2: 1, linux_raw_sys::ptrace::HWCAP2_FLAGM2, "";
    /// `HWCAP2_FRINT`.
    FRINT: 1, linux_raw_sys::ptrace::HWCAP2_FRINT, "";
    /// `HWCAP2_SVEI8MM`.
    SVEI8MM: 1, linux_raw_sys::ptrace::HWCAP2_SVEI8MM, "";
    /// `HWCAP2_SVEF32MM`.
    SVEF32MM: 1, linux_raw_sys::ptrace::HWCAP2_SVEF32MM, "";
    /// `HWCAP2_SVEF64MM`.
    SVEF64MM: 1, linux_raw_sys::ptrace::HWCAP2_SVEF64MM, "";
    /// `HWCAP2_SVEBF16`.
    SVEBF16: 1, linux_raw_sys::ptrace::HWCAP2_SVEBF16, "";
    /// `HWCAP2_I8MM`.
    I8MM: 1, linux_raw_sys::ptrace::HWCAP2_I8MM, "";
    /// `HWCAP2_BF16`.
    BF16: 1, linux_raw_sys::ptrace::HWCAP2_BF16, "";
    /// `HWCAP2_DGH`.
    DGH: 1, linux_raw_sys::ptrace::HWCAP2_DGH, "";
    /// `HWCAP2_RNG`.
    RNG: 1, linux_raw_sys::ptrace::HWCAP2_RNG, "";
    /// `HWCAP2_BTI`.
    BTI: 1, linux_raw_sys::ptrace::HWCAP2_BTI, "";
    /// `HWCAP2_MTE`.
    MTE: 1, linux_raw_sys::ptrace::HWCAP2_MTE, "";
    /// `HWCAP2_ECV`.
    ECV: 1, linux_raw_sys::ptrace::HWCAP2_ECV, "";
    /// `HWCAP2_AFP`.
    AFP: 1, linux_raw_sys::ptrace::HWCAP2_AFP, "";
    /// `HWCAP2_RPRES`.
    RPRES: 1, linux_raw_sys::ptrace::HWCAP2_RPRES, "";
    /// `HWCAP2_MTE3`.
    MTE3: 1, linux_raw_sys::ptrace::HWCAP2_MTE3, "";
    /// `HWCAP2_SME`.
    SME: 1, linux_raw_sys::ptrace::HWCAP2_SME, "";
    /// `HWCAP2_SME_I16I64`.
    SME_I16I64: 1, linux_raw_sys::ptrace::HWCAP2_SME_I16I64, "";
    /// `HWCAP2_SME_F64F64`.
    SME_F64F64: 1, linux_raw_sys::ptrace::HWCAP2_SME_F64F64, "";
    /// `HWCAP2_SME_I8I32`.
    SME_I8I32: 1, linux_raw_sys::ptrace::HWCAP2_SME_I8I32, "";
    /// `HWCAP2_SME_F16F32`.
    SME_F16F32: 1, linux_raw_sys::ptrace::HWCAP2_SME_F16F32, "";
    /// `HWCAP2_SME_B16F32`.
    SME_B16F32: 1, linux_raw_sys::ptrace::HWCAP2_SME_B16F32, "";
    /// `HWCAP2_SME_F32F32`.
    SME_F32F32: 1, linux_raw_sys::ptrace::HWCAP2_SME_F32F32, "";
    /// `HWCAP2_SME_FA64`.
    SME_FA64: 1, linux_raw_sys::ptrace::HWCAP2_SME_FA64, "";
    /// `HWCAP2_WFXT`.
    WFXT: 1, linux_raw_sys::ptrace::HWCAP2_WFXT, "";
    /// `HWCAP2_EBF16`.
    EBF16: 1, linux_raw_sys::ptrace::HWCAP2_EBF16, "";
    /// `HWCAP2_SVE_EBF16`.
    SVE_EBF16: 1, linux_raw_sys::ptrace::HWCAP2_SVE_EBF16, "";
    /// `HWCAP2_CSSC`.
    CSSC: 1, linux_raw_sys::ptrace::HWCAP2_CSSC, "";
    /// `HWCAP2_RPRFM`.
    RPRFM: 1, linux_raw_sys::ptrace::HWCAP2_RPRFM, "";
    /// `HWCAP2_SVE2P1`.
    SVE2P1: 1, linux_raw_sys::ptrace::HWCAP2_SVE2P1, "";
    /// `HWCAP2_SME2`.
    SME2: 1, linux_raw_sys::ptrace::HWCAP2_SME2, "";
    /// `HWCAP2_SME2P1`.
    SME2P1: 1, linux_raw_sys::ptrace::HWCAP2_SME2P1, "";
    /// `HWCAP2_SME_I16I32`.
    SME_I16I32: 1, linux_raw_sys::ptrace::HWCAP2_SME_I16I32, "";
    /// `HWCAP2_SME_BI32I32`.
    SME_BI32I32: 1, linux_raw_sys::ptrace::HWCAP2_SME_BI32I32, "";
    /// `HWCAP2_SME_B16B16`.
    SME_B16B16: 1, linux_raw_sys::ptrace::HWCAP2_SME_B16B16, "";
    /// `HWCAP2_SME_F16F16`.
    SME_F16F16: 1, linux_raw_sys::ptrace::HWCAP2_SME_F16F16, "";
    /// `HWCAP2_MOPS`.
    MOPS: 1, linux_raw_sys::ptrace::HWCAP2_MOPS, "";
    /// `HWCAP2_HBC`.
    HBC: 1, linux_raw_sys::ptrace::HWCAP2_HBC, "";
    /// `HWCAP2_SVE_B16B16`.
    SVE_B16B16: 1, linux_raw_sys::ptrace::HWCAP2_SVE_B16B16, "";
    /// `HWCAP2_LRCPC3`.
    LRCPC3: 1, linux_raw_sys::ptrace::HWCAP2_LRCPC3, "";
    /// `HWCAP2_LSE128`.
    LSE128: 1, linux_raw_sys::ptrace::HWCAP2_LSE128, "";
    /// `HWCAP2_FPMR`.
    FPMR: 1, linux_raw_sys::ptrace::HWCAP2_FPMR, "";
    /// `HWCAP2_LUT`.
    LUT: 1, linux_raw_sys::ptrace::HWCAP2_LUT, "";
    /// `HWCAP2_FAMINMAX`.
    FAMINMAX: 1, linux_raw_sys::ptrace::HWCAP2_FAMINMAX, "";
    /// `HWCAP2_F8CVT`.
    F8CVT: 1, linux_raw_sys::ptrace::HWCAP2_F8CVT, "";
    /// `HWCAP2_F8FMA`.
    F8FMA: 1, linux_raw_sys::ptrace::HWCAP2_F8FMA, "";
    /// `HWCAP2_F8DP4`.
    F8DP4: 1, linux_raw_sys::ptrace::HWCAP2_F8DP4, "";
    /// `HWCAP2_F8DP2`.
    F8DP2: 1, linux_raw_sys::ptrace::HWCAP2_F8DP2, "";
    /// `HWCAP2_F8E4M3`.
    F8E4M3: 1, linux_raw_sys::ptrace::HWCAP2_F8E4M3, "";
    /// `HWCAP2_F8E5M2`.
    F8E5M2: 1, linux_raw_sys::ptrace::HWCAP2_F8E5M2, "";
    /// `HWCAP2_SME_LUTV2`.
    SME_LUTV2: 1, linux_raw_sys::ptrace::HWCAP2_SME_LUTV2, "";
    /// `HWCAP2_SME_F8F16`.
    SME_F8F16: 1, linux_raw_sys::ptrace::HWCAP2_SME_F8F16, "";
    /// `HWCAP2_SME_F8F32`.
    SME_F8F32: 1, linux_raw_sys::ptrace::HWCAP2_SME_F8F32, "";
    /// `HWCAP2_SME_SF8FMA`.
    SME_SF8FMA: 1, linux_raw_sys::ptrace::HWCAP2_SME_SF8FMA, "";
    /// `HWCAP2_SME_SF8DP4`.
    SME_SF8DP4: 1, linux_raw_sys::ptrace::HWCAP2_SME_SF8DP4, "";
    /// `HWCAP2_SME_SF8DP2`.
    SME_SF8DP2: 1, linux_raw_sys::ptrace::HWCAP2_SME_SF8DP2, "";
    /// `HWCAP2_POE`.
    POE: 1, linux_raw_sys::ptrace::HWCAP2_POE, "";
    /// `HWCAP3_MTE_FAR`.
    MTE_FAR: 2, linux_raw_sys::ptrace::HWCAP3_MTE_FAR, "";
    /// `HWCAP3_MTE_STORE_ONLY`.
    MTE_STORE_ONLY: 2, linux_raw_sys::ptrace::HWCAP3_MTE_STORE_ONLY, "";
}

// Calls only aarch64 has beyond the common set.
crate::sysnos! {
    renameat: __NR_renameat,
}
