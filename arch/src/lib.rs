//! Linux syscall trap stubs and syscall numbers for the architectures sysrt supports.
//!
//! This crate is the only place in sysrt with `asm!` or `cfg(target_arch)`. Each supported
//! architecture has one file (`x86_64.rs`, `aarch64.rs`, `riscv64.rs`) with the same items in
//! the same order:
//!
//! - `syscall0` … `syscall6`: the trap instruction with the number and up to six arguments;
//! - `syscall0_readonly` … `syscall6_readonly`: the same for calls that write no user memory
//!   (the asm `readonly` option lets the compiler keep values in registers across them);
//! - `syscall1_noreturn`: for `exit` and `exit_group`;
//! - `start_entry!`: the program entry `_start`, which hands the initial stack pointer to Rust;
//! - `rt_sigreturn_restorer` and `set_sigaction_restorer`: how a signal handler returns;
//! - `UserRegs`: the general registers `ptrace` transfers (`NT_PRSTATUS`), with
//!   [`UserRegsAccess`] for the ones every arch has (pc, stack pointer, syscall number/result);
//! - `clone_then_call`: `clone`/`clone3` whose child calls a function below the parent's stack
//!   pointer (the spawn code's vfork; clone's argument order is the per-arch quirk it hides);
//! - the arch-only syscall numbers (those the generic table lacks, such as `open` on x86_64);
//! - small named helpers for the rare unavoidable per-arch quirks;
//! - `only_x86_64!`, `only_aarch64!`, `only_riscv64!`: items compiled on one arch only (the
//!   calls only that arch has, such as x86_64's `ioperm`), so crates above this one need no
//!   `cfg(target_arch)` of their own;
//! - `hwcap`: the named bits of the arch's hardware capability words.
//!
//! Every stub is `#[inline(always)]`: a call frame around the trap costs a `call`/`ret` pair,
//! which on current x86 CPUs is measurably slower than the syscall path itself for cheap calls.
//!
//! The raw return value is passed back untouched; decoding it (-4095..=-1 is an errno) is the
//! job of `sysrt::Errno`.
//!
//! References: `man 2 syscall` (the per-arch calling conventions).
#![no_std]

#[cfg(target_arch = "x86_64")]
#[path = "x86_64.rs"]
mod imp;

#[cfg(target_arch = "aarch64")]
#[path = "aarch64.rs"]
mod imp;

#[cfg(target_arch = "riscv64")]
#[path = "riscv64.rs"]
mod imp;

#[cfg(not(any(
    target_arch = "x86_64",
    target_arch = "aarch64",
    target_arch = "riscv64"
)))]
compile_error!(
    "sysrt supports x86_64, aarch64 and riscv64 Linux only (target_arch is none of these)"
);

#[cfg(not(target_os = "linux"))]
compile_error!(
    "sysrt is Linux-only: it traps into the kernel directly, and only Linux keeps its syscall ABI stable"
);

pub use imp::*;

/// One named bit of the hardware capability words of the auxiliary vector, as each arch file
/// lists them in its `hwcap` module (`sysrt::system::Hwcaps` tests them).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct HwcapBit {
    /// Which word: 0 for `AT_HWCAP`, 1 for `AT_HWCAP2`, 2 for `AT_HWCAP3`.
    pub word: u8,
    /// The bit's mask in that word.
    pub mask: usize,
    /// The constant's name here (`SSE2`, `ASIMD`).
    pub name: &'static str,
    /// How `/proc/cpuinfo` spells the feature (its `flags`, `Features` or `isa` line), or ""
    /// where this table does not say.
    pub cpuinfo: &'static str,
}

/// Declares an arch's `hwcap` module: one [`HwcapBit`] constant per named bit, and `ALL`.
macro_rules! hwcap_bits {
    ($( $(#[$doc:meta])* $name:ident: $word:literal, $mask:expr, $cpuinfo:literal; )*) => {
        /// The named bits of this architecture's hardware capability words (`AT_HWCAP`,
        /// `AT_HWCAP2`…), as [`HwcapBit`](crate::HwcapBit) values.
        pub mod hwcap {
            $(
                $(#[$doc])*
                pub const $name: $crate::HwcapBit = $crate::HwcapBit {
                    word: $word,
                    mask: $mask as usize,
                    name: stringify!($name),
                    cpuinfo: $cpuinfo,
                };
            )*
            /// Every named bit, in word and bit order.
            pub const ALL: &[$crate::HwcapBit] = &[$($name),*];
        }
    };
}
pub(crate) use hwcap_bits;

/// The name of the architecture this crate was built for, as Rust spells it in `target_arch`.
pub const ARCH: &str = imp::ARCH_NAME;

/// The registers of a `UserRegs` (each arch file's `NT_PRSTATUS` register set) that mean the
/// same thing on every arch, for `sysrt::ptrace::PtraceRegs`.
pub trait UserRegsAccess {
    /// The program counter (`rip`, `pc`, `pc`).
    fn pc(&self) -> u64;
    /// Sets the program counter.
    fn set_pc(&mut self, pc: u64);
    /// The stack pointer (`rsp`, `sp`, `sp`).
    fn stack_pointer(&self) -> u64;
    /// The syscall number at a syscall stop (`orig_rax`, `x8`, `a7`).
    fn syscall_number(&self) -> u64;
    /// The syscall return value at a syscall-exit stop (`rax`, `x0`, `a0`).
    fn return_value(&self) -> u64;
    /// Sets the return value register.
    fn set_return_value(&mut self, value: u64);
}

/// What the vDSO of this architecture's kernel exports: the ELF machine it is built for, the
/// symbol version its calls are defined under, and each call's symbol name, `None` where the
/// architecture's vDSO has no such call. The per-arch values are [`VDSO`].
///
/// The names differ by architecture (`__vdso_clock_gettime` on x86_64 and riscv64,
/// `__kernel_clock_gettime` on aarch64), and so does the version (`LINUX_2.6`, `LINUX_4.15`,
/// `LINUX_2.6.39`): each is taken from the kernel's `arch/*/…/vdso.lds.S` version script.
/// A call this table names may still be missing from an older kernel's vDSO (`getrandom`
/// appeared in Linux 6.11 on x86_64); the lookup then finds nothing and the syscall is used.
#[derive(Copy, Clone, Debug)]
pub struct VdsoSymbols {
    /// `e_machine` of the vDSO image (`EM_X86_64`, …): an image of another machine is refused.
    pub machine: u16,
    /// The version every call below is defined under (`LINUX_2.6` on x86_64).
    pub version: &'static str,
    /// `clock_gettime(clockid_t, struct __kernel_timespec *) -> int`.
    pub clock_gettime: Option<&'static str>,
    /// `clock_getres(clockid_t, struct __kernel_timespec *) -> int`.
    pub clock_getres: Option<&'static str>,
    /// `gettimeofday(struct __kernel_old_timeval *, struct timezone *) -> int`.
    pub gettimeofday: Option<&'static str>,
    /// `time(__kernel_old_time_t *) -> __kernel_old_time_t`.
    pub time: Option<&'static str>,
    /// `getcpu(unsigned *cpu, unsigned *node, void *unused) -> long`.
    pub getcpu: Option<&'static str>,
    /// `getrandom(void *buf, size_t len, unsigned flags, void *state, size_t state_len) -> ssize_t`.
    pub getrandom: Option<&'static str>,
}

/// The vDSO symbols of the architecture being built.
pub const VDSO: VdsoSymbols = imp::VDSO;

/// A Linux syscall number for the architecture being built.
///
/// The associated constants are the kernel's own numbers, taken from `linux-raw-sys` (generated
/// from the kernel's uapi headers), named as in the kernel (`Sysno::openat` is `__NR_openat`).
/// The constants defined on every supported architecture are declared here; a call that exists
/// on one architecture only (`Sysno::open` on x86_64) is declared in that architecture's file,
/// so using it elsewhere is a compile error rather than a wrong number.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
#[repr(transparent)]
pub struct Sysno(u32);

impl Sysno {
    /// A syscall number from its raw value, for numbers newer than this crate knows.
    #[inline(always)]
    pub const fn from_raw(nr: u32) -> Sysno {
        Sysno(nr)
    }

    /// The raw number, as placed in the syscall-number register.
    #[inline(always)]
    pub const fn raw(self) -> u32 {
        self.0
    }
}

/// Declares `Sysno` constants from `linux_raw_sys::general::__NR_<name>`.
///
/// One macro for every list, so adding a syscall number is adding its name to one list.
macro_rules! sysnos {
    ($($name:ident: $nr:ident),* $(,)?) => {
        #[allow(non_upper_case_globals, missing_docs)]
        impl $crate::Sysno {
            $(
                #[doc = concat!("`__NR_", stringify!($name), "` (`man 2 ", stringify!($name), "`).")]
                pub const $name: $crate::Sysno =
                    $crate::Sysno(linux_raw_sys::general::$nr);
            )*
        }
    };
}
pub(crate) use sysnos;

// The calls every supported architecture has (the generic table of aarch64 and riscv64 is a
// subset of x86_64's, minus `renameat`, which riscv64 lacks).
sysnos! {
    accept: __NR_accept, accept4: __NR_accept4, acct: __NR_acct, add_key: __NR_add_key,
    adjtimex: __NR_adjtimex, bind: __NR_bind, bpf: __NR_bpf, brk: __NR_brk,
    cachestat: __NR_cachestat, capget: __NR_capget, capset: __NR_capset, chdir: __NR_chdir,
    chroot: __NR_chroot, clock_adjtime: __NR_clock_adjtime, clock_getres: __NR_clock_getres,
    clock_gettime: __NR_clock_gettime, clock_nanosleep: __NR_clock_nanosleep,
    clock_settime: __NR_clock_settime, clone: __NR_clone, clone3: __NR_clone3, close: __NR_close,
    close_range: __NR_close_range, connect: __NR_connect, copy_file_range: __NR_copy_file_range,
    delete_module: __NR_delete_module, dup: __NR_dup, dup3: __NR_dup3,
    epoll_create1: __NR_epoll_create1, epoll_ctl: __NR_epoll_ctl, epoll_pwait: __NR_epoll_pwait,
    epoll_pwait2: __NR_epoll_pwait2, eventfd2: __NR_eventfd2, execve: __NR_execve,
    execveat: __NR_execveat, exit: __NR_exit, exit_group: __NR_exit_group, faccessat: __NR_faccessat,
    faccessat2: __NR_faccessat2, fadvise64: __NR_fadvise64, fallocate: __NR_fallocate,
    fanotify_init: __NR_fanotify_init, fanotify_mark: __NR_fanotify_mark, fchdir: __NR_fchdir,
    fchmod: __NR_fchmod, fchmodat: __NR_fchmodat, fchmodat2: __NR_fchmodat2, fchown: __NR_fchown,
    fchownat: __NR_fchownat, fcntl: __NR_fcntl, fdatasync: __NR_fdatasync, fgetxattr: __NR_fgetxattr,
    file_getattr: __NR_file_getattr, file_setattr: __NR_file_setattr,
    finit_module: __NR_finit_module, flistxattr: __NR_flistxattr, flock: __NR_flock,
    fremovexattr: __NR_fremovexattr, fsconfig: __NR_fsconfig, fsetxattr: __NR_fsetxattr,
    fsmount: __NR_fsmount, fsopen: __NR_fsopen, fspick: __NR_fspick, fstat: __NR_fstat,
    fstatfs: __NR_fstatfs, fsync: __NR_fsync, ftruncate: __NR_ftruncate, futex: __NR_futex,
    futex_requeue: __NR_futex_requeue, futex_wait: __NR_futex_wait, futex_waitv: __NR_futex_waitv,
    futex_wake: __NR_futex_wake, get_mempolicy: __NR_get_mempolicy,
    get_robust_list: __NR_get_robust_list, getcpu: __NR_getcpu, getcwd: __NR_getcwd,
    getdents64: __NR_getdents64, getegid: __NR_getegid, geteuid: __NR_geteuid, getgid: __NR_getgid,
    getgroups: __NR_getgroups, getitimer: __NR_getitimer, getpeername: __NR_getpeername,
    getpgid: __NR_getpgid, getpid: __NR_getpid, getppid: __NR_getppid, getpriority: __NR_getpriority,
    getrandom: __NR_getrandom, getresgid: __NR_getresgid, getresuid: __NR_getresuid,
    getrlimit: __NR_getrlimit, getrusage: __NR_getrusage, getsid: __NR_getsid,
    getsockname: __NR_getsockname, getsockopt: __NR_getsockopt, gettid: __NR_gettid,
    gettimeofday: __NR_gettimeofday, getuid: __NR_getuid, getxattr: __NR_getxattr,
    getxattrat: __NR_getxattrat, init_module: __NR_init_module,
    inotify_add_watch: __NR_inotify_add_watch, inotify_init1: __NR_inotify_init1,
    inotify_rm_watch: __NR_inotify_rm_watch, io_cancel: __NR_io_cancel, io_destroy: __NR_io_destroy,
    io_getevents: __NR_io_getevents, io_pgetevents: __NR_io_pgetevents, io_setup: __NR_io_setup,
    io_submit: __NR_io_submit, io_uring_enter: __NR_io_uring_enter,
    io_uring_register: __NR_io_uring_register, io_uring_setup: __NR_io_uring_setup,
    ioctl: __NR_ioctl, ioprio_get: __NR_ioprio_get, ioprio_set: __NR_ioprio_set, kcmp: __NR_kcmp,
    kexec_file_load: __NR_kexec_file_load, kexec_load: __NR_kexec_load, keyctl: __NR_keyctl,
    kill: __NR_kill, landlock_add_rule: __NR_landlock_add_rule,
    landlock_create_ruleset: __NR_landlock_create_ruleset,
    landlock_restrict_self: __NR_landlock_restrict_self, lgetxattr: __NR_lgetxattr,
    linkat: __NR_linkat, listen: __NR_listen, listmount: __NR_listmount, listxattr: __NR_listxattr,
    listxattrat: __NR_listxattrat, llistxattr: __NR_llistxattr, lookup_dcookie: __NR_lookup_dcookie,
    lremovexattr: __NR_lremovexattr, lseek: __NR_lseek, lsetxattr: __NR_lsetxattr,
    lsm_get_self_attr: __NR_lsm_get_self_attr, lsm_list_modules: __NR_lsm_list_modules,
    lsm_set_self_attr: __NR_lsm_set_self_attr, madvise: __NR_madvise,
    map_shadow_stack: __NR_map_shadow_stack, mbind: __NR_mbind, membarrier: __NR_membarrier,
    memfd_create: __NR_memfd_create, memfd_secret: __NR_memfd_secret,
    migrate_pages: __NR_migrate_pages, mincore: __NR_mincore, mkdirat: __NR_mkdirat,
    mknodat: __NR_mknodat, mlock: __NR_mlock, mlock2: __NR_mlock2, mlockall: __NR_mlockall,
    mmap: __NR_mmap, mount: __NR_mount, mount_setattr: __NR_mount_setattr,
    move_mount: __NR_move_mount, move_pages: __NR_move_pages, mprotect: __NR_mprotect,
    mq_getsetattr: __NR_mq_getsetattr, mq_notify: __NR_mq_notify, mq_open: __NR_mq_open,
    mq_timedreceive: __NR_mq_timedreceive, mq_timedsend: __NR_mq_timedsend,
    mq_unlink: __NR_mq_unlink, mremap: __NR_mremap, mseal: __NR_mseal, msgctl: __NR_msgctl,
    msgget: __NR_msgget, msgrcv: __NR_msgrcv, msgsnd: __NR_msgsnd, msync: __NR_msync,
    munlock: __NR_munlock, munlockall: __NR_munlockall, munmap: __NR_munmap,
    name_to_handle_at: __NR_name_to_handle_at, nanosleep: __NR_nanosleep,
    newfstatat: __NR_newfstatat, nfsservctl: __NR_nfsservctl,
    open_by_handle_at: __NR_open_by_handle_at, open_tree: __NR_open_tree,
    open_tree_attr: __NR_open_tree_attr, openat: __NR_openat, openat2: __NR_openat2,
    perf_event_open: __NR_perf_event_open, personality: __NR_personality,
    pidfd_getfd: __NR_pidfd_getfd, pidfd_open: __NR_pidfd_open,
    pidfd_send_signal: __NR_pidfd_send_signal, pipe2: __NR_pipe2, pivot_root: __NR_pivot_root,
    pkey_alloc: __NR_pkey_alloc, pkey_free: __NR_pkey_free, pkey_mprotect: __NR_pkey_mprotect,
    ppoll: __NR_ppoll, prctl: __NR_prctl, pread64: __NR_pread64, preadv: __NR_preadv,
    preadv2: __NR_preadv2, prlimit64: __NR_prlimit64, process_madvise: __NR_process_madvise,
    process_mrelease: __NR_process_mrelease, process_vm_readv: __NR_process_vm_readv,
    process_vm_writev: __NR_process_vm_writev, pselect6: __NR_pselect6, ptrace: __NR_ptrace,
    pwrite64: __NR_pwrite64, pwritev: __NR_pwritev, pwritev2: __NR_pwritev2, quotactl: __NR_quotactl,
    quotactl_fd: __NR_quotactl_fd, read: __NR_read, readahead: __NR_readahead,
    readlinkat: __NR_readlinkat, readv: __NR_readv, reboot: __NR_reboot, recvfrom: __NR_recvfrom,
    recvmmsg: __NR_recvmmsg, recvmsg: __NR_recvmsg, remap_file_pages: __NR_remap_file_pages,
    removexattr: __NR_removexattr, removexattrat: __NR_removexattrat, renameat2: __NR_renameat2,
    request_key: __NR_request_key, restart_syscall: __NR_restart_syscall, rseq: __NR_rseq,
    rt_sigaction: __NR_rt_sigaction, rt_sigpending: __NR_rt_sigpending,
    rt_sigprocmask: __NR_rt_sigprocmask, rt_sigqueueinfo: __NR_rt_sigqueueinfo,
    rt_sigreturn: __NR_rt_sigreturn, rt_sigsuspend: __NR_rt_sigsuspend,
    rt_sigtimedwait: __NR_rt_sigtimedwait, rt_tgsigqueueinfo: __NR_rt_tgsigqueueinfo,
    sched_get_priority_max: __NR_sched_get_priority_max,
    sched_get_priority_min: __NR_sched_get_priority_min, sched_getaffinity: __NR_sched_getaffinity,
    sched_getattr: __NR_sched_getattr, sched_getparam: __NR_sched_getparam,
    sched_getscheduler: __NR_sched_getscheduler, sched_rr_get_interval: __NR_sched_rr_get_interval,
    sched_setaffinity: __NR_sched_setaffinity, sched_setattr: __NR_sched_setattr,
    sched_setparam: __NR_sched_setparam, sched_setscheduler: __NR_sched_setscheduler,
    sched_yield: __NR_sched_yield, seccomp: __NR_seccomp, semctl: __NR_semctl, semget: __NR_semget,
    semop: __NR_semop, semtimedop: __NR_semtimedop, sendfile: __NR_sendfile, sendmmsg: __NR_sendmmsg,
    sendmsg: __NR_sendmsg, sendto: __NR_sendto, set_mempolicy: __NR_set_mempolicy,
    set_mempolicy_home_node: __NR_set_mempolicy_home_node, set_robust_list: __NR_set_robust_list,
    set_tid_address: __NR_set_tid_address, setdomainname: __NR_setdomainname,
    setfsgid: __NR_setfsgid, setfsuid: __NR_setfsuid, setgid: __NR_setgid, setgroups: __NR_setgroups,
    sethostname: __NR_sethostname, setitimer: __NR_setitimer, setns: __NR_setns,
    setpgid: __NR_setpgid, setpriority: __NR_setpriority, setregid: __NR_setregid,
    setresgid: __NR_setresgid, setresuid: __NR_setresuid, setreuid: __NR_setreuid,
    setrlimit: __NR_setrlimit, setsid: __NR_setsid, setsockopt: __NR_setsockopt,
    settimeofday: __NR_settimeofday, setuid: __NR_setuid, setxattr: __NR_setxattr,
    setxattrat: __NR_setxattrat, shmat: __NR_shmat, shmctl: __NR_shmctl, shmdt: __NR_shmdt,
    shmget: __NR_shmget, shutdown: __NR_shutdown, sigaltstack: __NR_sigaltstack,
    signalfd4: __NR_signalfd4, socket: __NR_socket, socketpair: __NR_socketpair, splice: __NR_splice,
    statfs: __NR_statfs, statmount: __NR_statmount, statx: __NR_statx, swapoff: __NR_swapoff,
    swapon: __NR_swapon, symlinkat: __NR_symlinkat, sync: __NR_sync,
    sync_file_range: __NR_sync_file_range, syncfs: __NR_syncfs, sysinfo: __NR_sysinfo,
    syslog: __NR_syslog, tee: __NR_tee, tgkill: __NR_tgkill, timer_create: __NR_timer_create,
    timer_delete: __NR_timer_delete, timer_getoverrun: __NR_timer_getoverrun,
    timer_gettime: __NR_timer_gettime, timer_settime: __NR_timer_settime,
    timerfd_create: __NR_timerfd_create, timerfd_gettime: __NR_timerfd_gettime,
    timerfd_settime: __NR_timerfd_settime, times: __NR_times, tkill: __NR_tkill,
    truncate: __NR_truncate, umask: __NR_umask, umount2: __NR_umount2, uname: __NR_uname,
    unlinkat: __NR_unlinkat, unshare: __NR_unshare, userfaultfd: __NR_userfaultfd,
    utimensat: __NR_utimensat, vhangup: __NR_vhangup, vmsplice: __NR_vmsplice, wait4: __NR_wait4,
    waitid: __NR_waitid, write: __NR_write, writev: __NR_writev,
}
