//! riscv64 (`ecall`).
//!
//! | what        | register                           |
//! |-------------|------------------------------------|
//! | number      | `a7`                               |
//! | arguments   | `a0`, `a1`, `a2`, `a3`, `a4`, `a5` |
//! | return      | `a0` (-4095..=-1 is `-errno`)      |
//! | instruction | `ecall`                            |
//! | clobbered   | the vector registers `v0`–`v31` when the V extension is enabled |
//!
//! The kernel does not preserve vector state across a syscall (it may discard it), so when code
//! is built with the `v` target feature every stub declares `v0`–`v31` clobbered. The stubs do
//! not claim `preserves_flags`: the kernel documents no such guarantee for this architecture.
//! Reference: `man 2 syscall`, "Architecture calling conventions".

use core::arch::asm;

use crate::Sysno;

pub(crate) const ARCH_NAME: &str = "riscv64";

/// Defines `$name` (may write user memory) and `$ro` (`readonly`) for one arity.
/// The first argument register is also the return register.
macro_rules! stubs {
    ($name:ident, $ro:ident; $($a0:ident $(, $arg:ident in $reg:tt)*)?) => {
        #[doc = concat!("`", stringify!($name), "`: the `ecall` trap with this many arguments.")]
        ///
        /// # Safety
        /// The caller must pass arguments that are valid for syscall `n` as the kernel documents
        /// it: every pointer must be valid for the access the kernel makes, for as long as the
        /// call makes it, and the call must not break any invariant Rust relies on (memory it
        /// unmaps or overwrites, fds it closes that something else owns).
        #[inline(always)]
        pub unsafe fn $name(n: Sysno $(, $a0: usize $(, $arg: usize)*)?) -> usize {
            let ret;
            // SAFETY: the caller upholds the syscall's contract; `ecall` changes a0 (and the vector registers, declared clobbered).
            unsafe {
                stubs!(@asm ret, n, [nostack] $(; $a0 $(, $arg in $reg)*)?);
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
                stubs!(@asm ret, n, [nostack, readonly] $(; $a0 $(, $arg in $reg)*)?);
            }
            ret
        }
    };
    (@asm $ret:ident, $n:ident, [$($opt:ident),*]) => {
        stubs!(@vclobber "ecall", in("a7") $n.raw() as usize, lateout("a0") $ret, options($($opt),*))
    };
    (@asm $ret:ident, $n:ident, [$($opt:ident),*]; $a0:ident $(, $arg:ident in $reg:tt)*) => {
        stubs!(@vclobber "ecall", in("a7") $n.raw() as usize, inlateout("a0") $a0 => $ret,
             $(in($reg) $arg,)* options($($opt),*))
    };
    // Without the `v` feature the vector registers cannot be named, and no code uses them.
    (@vclobber $($asm:tt)*) => {{
        #[cfg(target_feature = "v")]
        asm!($($asm)*,
             out("v0") _, out("v1") _, out("v2") _, out("v3") _, out("v4") _, out("v5") _,
             out("v6") _, out("v7") _, out("v8") _, out("v9") _, out("v10") _, out("v11") _,
             out("v12") _, out("v13") _, out("v14") _, out("v15") _, out("v16") _,
             out("v17") _, out("v18") _, out("v19") _, out("v20") _, out("v21") _,
             out("v22") _, out("v23") _, out("v24") _, out("v25") _, out("v26") _,
             out("v27") _, out("v28") _, out("v29") _, out("v30") _, out("v31") _);
        #[cfg(not(target_feature = "v"))]
        asm!($($asm)*);
    }};
}

stubs!(syscall0, syscall0_readonly;);
stubs!(syscall1, syscall1_readonly; a0);
stubs!(syscall2, syscall2_readonly; a0, a1 in "a1");
stubs!(syscall3, syscall3_readonly; a0, a1 in "a1", a2 in "a2");
stubs!(syscall4, syscall4_readonly; a0, a1 in "a1", a2 in "a2", a3 in "a3");
stubs!(syscall5, syscall5_readonly; a0, a1 in "a1", a2 in "a2", a3 in "a3", a4 in "a4");
stubs!(syscall6, syscall6_readonly;
       a0, a1 in "a1", a2 in "a2", a3 in "a3", a4 in "a4", a5 in "a5");

/// `syscall1_noreturn`: a one-argument call that never returns (`exit`, `exit_group`).
///
/// # Safety
/// `n` must be a call that does not return when it succeeds, and it must succeed: the stub
/// traps (`unimp`) if the kernel returns.
#[inline(always)]
pub unsafe fn syscall1_noreturn(n: Sysno, a0: usize) -> ! {
    // SAFETY: the caller promises `n` ends the thread or process; `unimp` faults if it does not.
    unsafe {
        asm!("ecall", "unimp", in("a7") n.raw() as usize, in("a0") a0,
             options(noreturn, nostack));
    }
}

/// Defines the process entry `_start`, which calls `$entry(initial_sp: *const usize) -> !`.
///
/// At entry `sp` points at `argc`. `_start` first sets `gp` to `__global_pointer$` (with linker
/// relaxation off for that one instruction pair, or the linker would rewrite it relative to the
/// `gp` it is computing), passes `sp` in `a0`, aligns `sp` to 16 bytes as the psABI requires,
/// clears the frame pointer and return address (the end of the frame chain) and calls.
#[macro_export]
macro_rules! start_entry {
    ($entry:path) => {
        ::core::arch::global_asm!(
            ".globl _start",
            ".type _start, @function",
            "_start:",
            ".option push",
            ".option norelax",
            "lla gp, __global_pointer$",
            ".option pop",
            "mv a0, sp",
            "andi sp, sp, -16",
            "li fp, 0",
            "li ra, 0",
            "call {entry}",
            "unimp",
            ".size _start, . - _start",
            entry = sym $entry,
        );
    };
}

/// Returns `sp % 16` as it is at the first instruction of a called function.
///
/// The RISC-V psABI requires 0 (the stack is 16-byte aligned at every call). Tests use this to check the runtime's stack
/// alignment.
#[unsafe(naked)]
pub extern "C" fn sp_mod16_at_entry() -> usize {
    core::arch::naked_asm!("andi a0, sp, 15", "ret")
}

/// The value `sp_mod16_at_entry` returns when the stack is aligned as the ABI requires.
pub const SP_MOD16_AT_ENTRY: usize = 0;

/// Fills in the arch's signal-return path in a `kernel_sigaction`: nothing on riscv64, where
/// `struct sigaction` has no `sa_restorer` and the kernel always returns through the
/// trampoline in its vDSO (QEMU user-mode supplies its own).
pub fn set_sigaction_restorer(act: &mut linux_raw_sys::general::kernel_sigaction) {
    let _ = act;
}

/// The general registers as `PTRACE_GETREGSET`/`PTRACE_SETREGSET` transfer them for
/// `NT_PRSTATUS`: the kernel's `struct user_regs_struct` (pc, then x1–x31 by ABI name).
pub type UserRegs = linux_raw_sys::ptrace::user_regs_struct;

const _: () = assert!(core::mem::size_of::<UserRegs>() == 32 * 8);

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
    /// `a7`, the syscall-number register.
    fn syscall_number(&self) -> u64 {
        self.a7
    }
    /// `a0`.
    fn return_value(&self) -> u64 {
        self.a0
    }
    fn set_return_value(&mut self, value: u64) {
        self.a0 = value;
    }
}

/// The vDSO's symbols on riscv64 (`arch/riscv/kernel/vdso/vdso.lds.S`): no `time`; `getcpu`
/// is a syscall inside the vDSO; `getrandom` only in recent kernels.
pub(crate) const VDSO: crate::VdsoSymbols = crate::VdsoSymbols {
    machine: linux_raw_sys::elf_uapi::EM_RISCV as u16,
    version: "LINUX_4.15",
    clock_gettime: Some("__vdso_clock_gettime"),
    clock_getres: Some("__vdso_clock_getres"),
    gettimeofday: Some("__vdso_gettimeofday"),
    time: None,
    getcpu: Some("__vdso_getcpu"),
    getrandom: Some("__vdso_getrandom"),
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
/// The child starts at the instruction after `ecall` with `a0` = 0, `sp` as the parent had it
/// (the psABI has no red zone), and every other register as the parent had it: `child` and
/// `arg` wait in `a5` and `a6` (clone reads a0–a4 only). The child aligns `sp` to 16 bytes,
/// clears the frame pointer (the end of the frame chain) and calls `child`, which never
/// returns (`unimp` if it does).
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
    // The parent path changes a0 (and the vector registers, declared clobbered).
    // SAFETY: the caller upholds clone's contract and the no-new-stack rule above; the child
    // path never comes back into this function.
    unsafe {
        stubs!(@vclobber
            "ecall",
            "bnez a0, 2f",
            "andi sp, sp, -16",
            "li s0, 0",
            "mv a0, a6",
            "jalr a5",
            "unimp",
            "2:",
            in("a7") nr.raw() as usize,
            inlateout("a0") a0 => ret, in("a1") a1, in("a2") a2, in("a3") 0usize, in("a4") 0usize,
            in("a5") child, in("a6") arg,
            options(nostack)
        );
    }
    ret
}

// Items for one arch only, for the crates above this one.

/// Compiles the items inside on x86_64 only: on riscv64, nothing.
#[macro_export]
macro_rules! only_x86_64 {
    ($($item:item)*) => {};
}

/// Compiles the items inside on aarch64 only: on riscv64, nothing.
#[macro_export]
macro_rules! only_aarch64 {
    ($($item:item)*) => {};
}

/// Compiles the items inside on riscv64 only; on the other arches they do not exist. How code
/// above this crate has items for one arch without a `cfg(target_arch)` of its own.
#[macro_export]
macro_rules! only_riscv64 {
    ($($item:item)*) => { $($item)* };
}

// The named hwcap bits. linux-raw-sys has none for riscv64, so they are typed here: one bit
// per single-letter ISA extension, bit `letter - 'A'` (A is 0, V is 21) (`COMPAT_HWCAP_ISA_*` in
// arch/riscv/include/uapi/asm/hwcap.h); /proc/cpuinfo shows the letters in its `isa` line.
// The multi-letter extensions are asked for with `riscv_hwprobe`.
crate::hwcap_bits! {
    /// `COMPAT_HWCAP_ISA_A`: atomics.
    A: 0, 1usize << 0, "a";
    /// `COMPAT_HWCAP_ISA_C`: compressed instructions.
    C: 0, 1usize << 2, "c";
    /// `COMPAT_HWCAP_ISA_D`: double-precision floating point.
    D: 0, 1usize << 3, "d";
    /// `COMPAT_HWCAP_ISA_F`: single-precision floating point.
    F: 0, 1usize << 5, "f";
    /// `COMPAT_HWCAP_ISA_I`: the base integer ISA.
    I: 0, 1usize << 8, "i";
    /// `COMPAT_HWCAP_ISA_M`: integer multiply and divide.
    M: 0, 1usize << 12, "m";
    /// `COMPAT_HWCAP_ISA_V`: vectors.
    V: 0, 1usize << 21, "v";
}

// Calls only riscv64 has beyond the common set.
crate::sysnos! {
    riscv_flush_icache: __NR_riscv_flush_icache, riscv_hwprobe: __NR_riscv_hwprobe,
}
