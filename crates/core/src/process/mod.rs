//! Process identity and exit; starting programs ([`fork_exec`], [`start_process`],
//! [`exec`], [`look_path`]).

use core::fmt;

mod attr;
mod child;
mod cmdargs;
mod exec;
mod lookpath;
mod spawn;

pub use attr::{Credential, IdMap, Namespaces, ProcAttr, SysProcAttr};
pub use cmdargs::{ArgBytes, CStrArray, CmdArg, Strs};
pub use exec::{exec, execveat};
pub use lookpath::{ExecPath, LookPathError, look_path};
pub use spawn::{
    DEFAULT_ARENA, SpawnError, SpawnStep, Started, fork_exec, start_process, start_process_in,
};

use crate::{Sysno, arch};

/// A process or thread ID, as the kernel's `pid_t`.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Ord, PartialOrd)]
#[repr(transparent)]
pub struct Pid(i32);

impl Pid {
    /// A `Pid` from its raw number.
    #[inline]
    pub const fn from_raw(raw: i32) -> Pid {
        Pid(raw)
    }

    /// The raw number.
    #[inline]
    pub const fn raw(self) -> i32 {
        self.0
    }
}

impl fmt::Debug for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// The kernel returns a `pid_t` in the low 32 bits of the return register.
#[inline(always)]
fn pid_from_ret(ret: usize) -> Pid {
    Pid(ret as i32)
}

/// `getpid()` — the calling process's ID (its thread-group ID). Never fails.
///
/// # References
/// `man 2 getpid`. Go: `syscall.Getpid`.
#[doc(alias = "Getpid")]
#[inline(always)]
pub fn getpid() -> Pid {
    // SAFETY: getpid takes no arguments and writes no memory.
    pid_from_ret(unsafe { arch::syscall0_readonly(Sysno::getpid) })
}

/// `getppid()` — the parent's process ID; 0 if the parent is in another PID namespace.
/// Never fails.
///
/// # References
/// `man 2 getppid`. Go: `syscall.Getppid`.
#[doc(alias = "Getppid")]
#[inline(always)]
pub fn getppid() -> Pid {
    // SAFETY: getppid takes no arguments and writes no memory.
    pid_from_ret(unsafe { arch::syscall0_readonly(Sysno::getppid) })
}

/// `gettid()` — the calling thread's ID; equal to [`getpid`] in the main thread. Never fails.
///
/// # References
/// `man 2 gettid`. Go: `syscall.Gettid`.
#[doc(alias = "Gettid")]
#[inline(always)]
pub fn gettid() -> Pid {
    // SAFETY: gettid takes no arguments and writes no memory.
    pid_from_ret(unsafe { arch::syscall0_readonly(Sysno::gettid) })
}

/// `exit_group(status)` — ends the process, all its threads, with `status & 0xff` as the exit
/// status the parent sees. Buffers are not flushed: sysrt keeps none.
///
/// # References
/// `man 2 exit_group`. Go: `syscall.Exit` (which also uses `exit_group`).
#[inline(always)]
pub fn exit_group(status: i32) -> ! {
    // SAFETY: exit_group takes an int and does not return.
    unsafe { arch::syscall1_noreturn(Sysno::exit_group, status as isize as usize) }
}

/// `exit(status)` — the libc-shaped name for ending the process: uses `exit_group`, as libc's
/// `_exit` does, so every thread ends. For ending only the calling thread see
/// [`exit_thread`].
///
/// # References
/// `man 2 exit_group`, `man 3 exit`. Go: `syscall.Exit`.
#[doc(alias = "Exit")]
#[inline(always)]
pub fn exit(status: i32) -> ! {
    exit_group(status)
}

/// `exit(status)` (the syscall) — ends the calling thread only. In a single-threaded process
/// this ends the process.
///
/// It is `unsafe` because the thread ends without running any destructor: everything on its
/// stack is abandoned while the stack itself may be reused or unmapped by whoever owns it. A
/// value another thread can still reach (a pinned future, a scoped borrow, a lock guard) would
/// then dangle. Safe code ends a thread by returning from it. (rustix's `exit_thread` is
/// `unsafe` for the same reason.)
///
/// ```compile_fail
/// // Not callable from safe code:
/// sysrt::process::exit_thread(0);
/// ```
///
/// # Safety
/// Nothing that lives on the calling thread's stack (or that the thread owns and has not
/// dropped) may be reachable by code that runs after this call, and no other thread may be
/// relying on a destructor of this thread running.
///
/// # References
/// `man 2 exit`.
#[inline(always)]
pub unsafe fn exit_thread(status: i32) -> ! {
    // SAFETY: exit takes an int and does not return; the caller vouches for what the thread
    // leaves behind.
    unsafe { arch::syscall1_noreturn(Sysno::exit, status as isize as usize) }
}

/// `clone(SIGCHLD)` — `fork()`: creates a child process that is a copy of this one. Returns
/// `Ok(None)` in the child and `Ok(Some(pid))` in the parent.
///
/// Uses `clone` with only `SIGCHLD` as the exit signal, since aarch64 and riscv64 have no
/// `fork` syscall. The stack, TLS and tid arguments are all zero, so clone's per-arch
/// argument order does not matter here.
///
/// For starting a program, prefer the spawn functions of this module: they are faster
/// (`CLONE_VM|CLONE_VFORK`) and report exec failures.
///
/// # Safety
/// The child is a copy of the calling thread alone. In a multi-threaded program, any lock
/// another thread held at the time of the call stays locked forever in the child, and any
/// data another thread was changing is left half-changed: the child may only use
/// async-signal-safe operations (every sysrt call, and no allocator that takes a lock) until
/// it execs or exits. A single-threaded program has no such hazard, which is why this is a
/// contract for the caller rather than a check.
///
/// # Errors
/// `EAGAIN` (`RLIMIT_NPROC` reached, or the system's thread limit), `ENOMEM`.
///
/// # References
/// `man 2 fork`, `man 2 clone`.
#[inline(always)]
pub unsafe fn fork() -> crate::Result<Option<Pid>> {
    // SAFETY: clone with no CLONE_VM, no stack and no tid pointers is fork: the kernel reads
    // and writes no memory of ours; the caller keeps the multi-threading contract above.
    let ret = unsafe {
        arch::syscall5(
            Sysno::clone,
            linux_raw_sys::general::SIGCHLD as usize,
            0,
            0,
            0,
            0,
        )
    };
    match crate::Errno::decode(ret)? {
        0 => Ok(None),
        pid => Ok(Some(pid_from_ret(pid))),
    }
}

mod caps;
mod cpu;
mod id;
mod limits;
mod ns;
mod pidfd;
mod prctl;
mod rusage;
mod sched;
mod status;
mod wait;

pub use caps::*;
pub use cpu::*;
pub use id::*;
pub use limits::*;
pub use ns::*;
pub use pidfd::*;
pub use prctl::*;
pub use rusage::*;
pub use sched::*;
pub use status::*;
pub use wait::*;
