//! x86_64 (`syscall` instruction).
//!
//! | what        | register                          |
//! |-------------|-----------------------------------|
//! | number      | `rax`                             |
//! | arguments   | `rdi`, `rsi`, `rdx`, `r10`, `r8`, `r9` |
//! | return      | `rax` (-4095..=-1 is `-errno`)    |
//! | instruction | `syscall`                         |
//! | clobbered   | `rcx` (return address), `r11` (saved `rflags`); flags are restored |
//!
//! The kernel does not touch the user stack, so the stubs are `nostack` (the red zone survives).
//! Reference: `man 2 syscall`, "Architecture calling conventions".

use core::arch::asm;

use crate::Sysno;

pub(crate) const ARCH_NAME: &str = "x86_64";

/// Defines `$name` (may write user memory) and `$ro` (`readonly`) for one arity.
macro_rules! stubs {
    ($name:ident, $ro:ident; $($arg:ident in $reg:tt),*) => {
        #[doc = concat!("`", stringify!($name), "`: the `syscall` trap with this many arguments.")]
        ///
        /// # Safety
        /// The caller must pass arguments that are valid for syscall `n` as the kernel documents
        /// it: every pointer must be valid for the access the kernel makes, for as long as the
        /// call makes it, and the call must not break any invariant Rust relies on (memory it
        /// unmaps or overwrites, fds it closes that something else owns).
        #[inline(always)]
        pub unsafe fn $name(n: Sysno, $($arg: usize),*) -> usize {
            let ret;
            // SAFETY: the caller upholds the syscall's contract; the asm clobbers exactly what
            // the `syscall` instruction does (rcx, r11) and leaves the stack alone.
            unsafe {
                asm!("syscall", inlateout("rax") n.raw() as usize => ret,
                     $(in($reg) $arg,)* lateout("rcx") _, lateout("r11") _,
                     options(nostack, preserves_flags));
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
        pub unsafe fn $ro(n: Sysno, $($arg: usize),*) -> usize {
            let ret;
            // SAFETY: as above; the caller promises the call writes no user memory.
            unsafe {
                asm!("syscall", inlateout("rax") n.raw() as usize => ret,
                     $(in($reg) $arg,)* lateout("rcx") _, lateout("r11") _,
                     options(nostack, preserves_flags, readonly));
            }
            ret
        }
    };
}

stubs!(syscall0, syscall0_readonly;);
stubs!(syscall1, syscall1_readonly; a0 in "rdi");
stubs!(syscall2, syscall2_readonly; a0 in "rdi", a1 in "rsi");
stubs!(syscall3, syscall3_readonly; a0 in "rdi", a1 in "rsi", a2 in "rdx");
stubs!(syscall4, syscall4_readonly; a0 in "rdi", a1 in "rsi", a2 in "rdx", a3 in "r10");
stubs!(syscall5, syscall5_readonly; a0 in "rdi", a1 in "rsi", a2 in "rdx", a3 in "r10", a4 in "r8");
stubs!(syscall6, syscall6_readonly;
       a0 in "rdi", a1 in "rsi", a2 in "rdx", a3 in "r10", a4 in "r8", a5 in "r9");

/// `syscall1_noreturn`: a one-argument call that never returns (`exit`, `exit_group`).
///
/// # Safety
/// `n` must be a call that does not return when it succeeds, and it must succeed: the stub
/// traps (`ud2`) if the kernel returns.
#[inline(always)]
pub unsafe fn syscall1_noreturn(n: Sysno, a0: usize) -> ! {
    // SAFETY: the caller promises `n` ends the thread or process; `ud2` faults if it does not.
    unsafe {
        asm!("syscall", "ud2", in("rax") n.raw() as usize, in("rdi") a0,
             options(noreturn, nostack));
    }
}

/// Defines the process entry `_start`, which calls `$entry(initial_sp: *const usize) -> !`.
///
/// At entry `rsp` points at `argc` and is 16-byte aligned; `_start` passes it in `rdi`, clears
/// the frame pointer (the end of the frame chain for debuggers and unwinders), re-aligns `rsp`
/// to 16 bytes and `call`s, so the Rust function sees `rsp % 16 == 8` as the ABI requires.
#[macro_export]
macro_rules! start_entry {
    ($entry:path) => {
        ::core::arch::global_asm!(
            ".globl _start",
            ".type _start, @function",
            "_start:",
            "xor ebp, ebp",
            "mov rdi, rsp",
            "and rsp, -16",
            "call {entry}",
            "ud2",
            ".size _start, . - _start",
            entry = sym $entry,
        );
    };
}

/// Returns `rsp % 16` as it is at the first instruction of a called function.
///
/// The System V ABI requires 8 there (the caller's `rsp` is 16-aligned before its `call` pushes
/// the 8-byte return address). Tests use this to check the runtime's stack alignment.
#[unsafe(naked)]
pub extern "C" fn sp_mod16_at_entry() -> usize {
    core::arch::naked_asm!("mov rax, rsp", "and rax, 15", "ret")
}

/// The value `sp_mod16_at_entry` returns when the stack is aligned as the ABI requires.
pub const SP_MOD16_AT_ENTRY: usize = 8;

/// The signal-return trampoline a handler returns through: `rt_sigreturn`. On x86_64 the
/// kernel has no trampoline of its own, so every handler needs one (`SA_RESTORER`).
///
/// # Safety
/// Only for use as `sa_restorer`: the kernel jumps here with the signal frame on the stack.
#[unsafe(naked)]
pub unsafe extern "C" fn rt_sigreturn_restorer() {
    core::arch::naked_asm!("mov eax, {nr}", "syscall", "ud2", nr = const Sysno::rt_sigreturn.raw())
}

/// Fills in the arch's signal-return path in a `kernel_sigaction`: x86_64 needs
/// `SA_RESTORER` and [`rt_sigreturn_restorer`].
pub fn set_sigaction_restorer(act: &mut linux_raw_sys::general::kernel_sigaction) {
    act.sa_flags |= linux_raw_sys::general::SA_RESTORER as core::ffi::c_ulong;
    act.sa_restorer = Some(rt_sigreturn_restorer);
}

/// The general registers as `PTRACE_GETREGSET`/`PTRACE_SETREGSET` transfer them for
/// `NT_PRSTATUS`: the kernel's `struct user_regs_struct` (`arch/x86/include/asm/user_64.h`),
/// with the field names glibc and Go use (`rip`, `orig_rax`).
///
/// Hand-typed: `user_64.h` is not a uapi header, so linux-raw-sys does not have it. Its first
/// 21 fields are the uapi `pt_regs` that linux-raw-sys does have; the asserts below pin each of
/// them to that struct's offset, and the size to the kernel's 27 registers
/// (`ELF_NGREG`), so a wrong field order fails to compile.
#[repr(C)]
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
#[allow(missing_docs)] // the register names are the documentation
pub struct UserRegs {
    pub r15: u64,
    pub r14: u64,
    pub r13: u64,
    pub r12: u64,
    pub rbp: u64,
    pub rbx: u64,
    pub r11: u64,
    pub r10: u64,
    pub r9: u64,
    pub r8: u64,
    pub rax: u64,
    pub rcx: u64,
    pub rdx: u64,
    pub rsi: u64,
    pub rdi: u64,
    pub orig_rax: u64,
    pub rip: u64,
    pub cs: u64,
    pub eflags: u64,
    pub rsp: u64,
    pub ss: u64,
    pub fs_base: u64,
    pub gs_base: u64,
    pub ds: u64,
    pub es: u64,
    pub fs: u64,
    pub gs: u64,
}

const _: () = {
    use core::mem::{offset_of, size_of};
    use linux_raw_sys::ptrace::pt_regs;
    assert!(size_of::<UserRegs>() == 27 * 8);
    assert!(offset_of!(UserRegs, r15) == offset_of!(pt_regs, r15));
    assert!(offset_of!(UserRegs, r14) == offset_of!(pt_regs, r14));
    assert!(offset_of!(UserRegs, r13) == offset_of!(pt_regs, r13));
    assert!(offset_of!(UserRegs, r12) == offset_of!(pt_regs, r12));
    assert!(offset_of!(UserRegs, rbp) == offset_of!(pt_regs, rbp));
    assert!(offset_of!(UserRegs, rbx) == offset_of!(pt_regs, rbx));
    assert!(offset_of!(UserRegs, r11) == offset_of!(pt_regs, r11));
    assert!(offset_of!(UserRegs, r10) == offset_of!(pt_regs, r10));
    assert!(offset_of!(UserRegs, r9) == offset_of!(pt_regs, r9));
    assert!(offset_of!(UserRegs, r8) == offset_of!(pt_regs, r8));
    assert!(offset_of!(UserRegs, rax) == offset_of!(pt_regs, rax));
    assert!(offset_of!(UserRegs, rcx) == offset_of!(pt_regs, rcx));
    assert!(offset_of!(UserRegs, rdx) == offset_of!(pt_regs, rdx));
    assert!(offset_of!(UserRegs, rsi) == offset_of!(pt_regs, rsi));
    assert!(offset_of!(UserRegs, rdi) == offset_of!(pt_regs, rdi));
    assert!(offset_of!(UserRegs, orig_rax) == offset_of!(pt_regs, orig_rax));
    assert!(offset_of!(UserRegs, rip) == offset_of!(pt_regs, rip));
    assert!(offset_of!(UserRegs, cs) == offset_of!(pt_regs, cs));
    assert!(offset_of!(UserRegs, eflags) == offset_of!(pt_regs, eflags));
    assert!(offset_of!(UserRegs, rsp) == offset_of!(pt_regs, rsp));
    assert!(offset_of!(UserRegs, ss) == offset_of!(pt_regs, ss));
};

impl crate::UserRegsAccess for UserRegs {
    fn pc(&self) -> u64 {
        self.rip
    }
    fn set_pc(&mut self, pc: u64) {
        self.rip = pc;
    }
    fn stack_pointer(&self) -> u64 {
        self.rsp
    }
    /// `orig_rax`: at a syscall stop `rax` already holds `-ENOSYS` (entry) or the result (exit).
    fn syscall_number(&self) -> u64 {
        self.orig_rax
    }
    fn return_value(&self) -> u64 {
        self.rax
    }
    fn set_return_value(&mut self, value: u64) {
        self.rax = value;
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
/// The child starts at the instruction after `syscall` with `rax` = 0, `rsp` as the parent had
/// it, and every other register as the parent had it: `child` and `arg` wait in `r12` and
/// `r13`. The child steps below the 128-byte red zone (where the parent may keep live data),
/// aligns `rsp` to 16 bytes, clears `rbp` (the end of the frame chain) and calls `child`,
/// which never returns (`ud2` if it does).
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
    // The parent path clobbers only what `syscall` does (rcx, r11) and the flags (`test`).
    // SAFETY: the caller upholds clone's contract and the no-new-stack rule above; the child
    // path never comes back into this function.
    unsafe {
        asm!(
            "syscall",
            "test rax, rax",
            "jnz 2f",
            "sub rsp, 128",
            "and rsp, -16",
            "xor ebp, ebp",
            "mov rdi, r13",
            "call r12",
            "ud2",
            "2:",
            inlateout("rax") nr.raw() as usize => ret,
            in("rdi") a0, in("rsi") a1, in("rdx") a2, in("r10") 0usize, in("r8") 0usize,
            in("r12") child, in("r13") arg,
            lateout("rcx") _, lateout("r11") _,
            options(nostack),
        );
    }
    ret
}

/// The vDSO's symbols on x86_64 (`arch/x86/entry/vdso/vdso.lds.S`): every call, `getrandom`
/// since Linux 6.11.
pub(crate) const VDSO: crate::VdsoSymbols = crate::VdsoSymbols {
    machine: linux_raw_sys::elf_uapi::EM_X86_64 as u16,
    version: "LINUX_2.6",
    clock_gettime: Some("__vdso_clock_gettime"),
    clock_getres: Some("__vdso_clock_getres"),
    gettimeofday: Some("__vdso_gettimeofday"),
    time: Some("__vdso_time"),
    getcpu: Some("__vdso_getcpu"),
    getrandom: Some("__vdso_getrandom"),
};

// Items for one arch only, for the crates above this one.

/// Compiles the items inside on x86_64 only; on the other arches they do not exist. How code
/// above this crate has items for one arch without a `cfg(target_arch)` of its own.
#[macro_export]
macro_rules! only_x86_64 {
    ($($item:item)*) => { $($item)* };
}

/// Compiles the items inside on aarch64 only: on x86_64, nothing.
#[macro_export]
macro_rules! only_aarch64 {
    ($($item:item)*) => {};
}

/// Compiles the items inside on riscv64 only: on x86_64, nothing.
#[macro_export]
macro_rules! only_riscv64 {
    ($($item:item)*) => {};
}

// The named hwcap bits. linux-raw-sys has none for x86_64 (x86 has no uapi hwcap.h for
// AT_HWCAP), so they are typed here: AT_HWCAP is CPUID leaf 1's EDX as the kernel keeps it
// (`ELF_HWCAP` is `boot_cpu_data.x86_capability[CPUID_1_EDX]`; bit positions from the Intel
// SDM, vol. 2A, CPUID, "Feature Information Returned in the EDX Register"; names as
// /proc/cpuinfo prints them, arch/x86/include/asm/cpufeatures.h word 0), and AT_HWCAP2 has
// the two bits of arch/x86/include/uapi/asm/hwcap2.h.
crate::hwcap_bits! {
    /// x87 floating point unit on chip.
    FPU: 0, 1usize << 0, "fpu";
    /// Virtual 8086 mode enhancements.
    VME: 0, 1usize << 1, "vme";
    /// Debugging extensions.
    DE: 0, 1usize << 2, "de";
    /// Page size extensions.
    PSE: 0, 1usize << 3, "pse";
    /// Time stamp counter (`rdtsc`).
    TSC: 0, 1usize << 4, "tsc";
    /// Model-specific registers.
    MSR: 0, 1usize << 5, "msr";
    /// Physical address extension.
    PAE: 0, 1usize << 6, "pae";
    /// Machine check exception.
    MCE: 0, 1usize << 7, "mce";
    /// `cmpxchg8b`.
    CX8: 0, 1usize << 8, "cx8";
    /// On-chip APIC.
    APIC: 0, 1usize << 9, "apic";
    /// `sysenter`/`sysexit`.
    SEP: 0, 1usize << 11, "sep";
    /// Memory type range registers.
    MTRR: 0, 1usize << 12, "mtrr";
    /// Page global bit.
    PGE: 0, 1usize << 13, "pge";
    /// Machine check architecture.
    MCA: 0, 1usize << 14, "mca";
    /// Conditional moves (`cmov`).
    CMOV: 0, 1usize << 15, "cmov";
    /// Page attribute table.
    PAT: 0, 1usize << 16, "pat";
    /// 36-bit page size extension.
    PSE36: 0, 1usize << 17, "pse36";
    /// Processor serial number.
    PN: 0, 1usize << 18, "pn";
    /// `clflush`.
    CLFLUSH: 0, 1usize << 19, "clflush";
    /// Debug store.
    DTS: 0, 1usize << 21, "dts";
    /// Thermal monitor and clock control (ACPI).
    ACPI: 0, 1usize << 22, "acpi";
    /// MMX.
    MMX: 0, 1usize << 23, "mmx";
    /// `fxsave`/`fxrstor`.
    FXSR: 0, 1usize << 24, "fxsr";
    /// SSE.
    SSE: 0, 1usize << 25, "sse";
    /// SSE2.
    SSE2: 0, 1usize << 26, "sse2";
    /// Self snoop.
    SS: 0, 1usize << 27, "ss";
    /// Hyper-threading (max APIC IDs field valid).
    HT: 0, 1usize << 28, "ht";
    /// Thermal monitor.
    TM: 0, 1usize << 29, "tm";
    /// IA-64 processor emulating x86.
    IA64: 0, 1usize << 30, "ia64";
    /// Pending break enable.
    PBE: 0, 1usize << 31, "pbe";
    /// `HWCAP2_RING3MWAIT`: `monitor`/`mwait` usable in ring 3.
    RING3MWAIT: 1, 1usize << 0, "ring3mwait";
    /// `HWCAP2_FSGSBASE`: the kernel lets user space use `rdfsbase`/`wrfsbase` and friends.
    FSGSBASE: 1, 1usize << 1, "fsgsbase";
}

// Calls only x86_64 has: the legacy forms the generic table (aarch64, riscv64) dropped.
crate::sysnos! {
    open: __NR_open, creat: __NR_creat, stat: __NR_stat, lstat: __NR_lstat, dup2: __NR_dup2,
    pipe: __NR_pipe, poll: __NR_poll, fork: __NR_fork, vfork: __NR_vfork, access: __NR_access,
    mkdir: __NR_mkdir, rmdir: __NR_rmdir, unlink: __NR_unlink, rename: __NR_rename,
    renameat: __NR_renameat, link: __NR_link, symlink: __NR_symlink, readlink: __NR_readlink,
    chmod: __NR_chmod, chown: __NR_chown, lchown: __NR_lchown, mknod: __NR_mknod,
    getdents: __NR_getdents, arch_prctl: __NR_arch_prctl, alarm: __NR_alarm, pause: __NR_pause,
    time: __NR_time, utime: __NR_utime, utimes: __NR_utimes, select: __NR_select,
    epoll_create: __NR_epoll_create, epoll_wait: __NR_epoll_wait, eventfd: __NR_eventfd,
    signalfd: __NR_signalfd, inotify_init: __NR_inotify_init, getpgrp: __NR_getpgrp,
    ioperm: __NR_ioperm, iopl: __NR_iopl,
}
