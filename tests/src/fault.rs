//! Running a piece of a test in a forked child and seeing how it ended (for the memory and
//! system tests): for the cases whose
//! outcome is a signal (`SIGSEGV`, `SIGBUS`), an exit status, or a change that must not touch
//! the test program itself (a new namespace, a lowered limit).
//!
//! The wait is a raw `wait4`, so these cases do not depend on the process API.

use core::fmt::{self, Debug};

use linux_raw_sys::general::{RLIMIT_CORE, rlimit64};
use sysrt::{Errno, Sysno};

/// How a child ended.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// `exit(code)`.
    Exited(i32),
    /// Killed by this signal.
    Signaled(u32),
    /// The fork or the wait failed.
    Failed(Errno),
}

impl Debug for Ended {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ended::Exited(c) => write!(f, "exited {c}"),
            Ended::Signaled(s) => write!(f, "killed by signal {s}"),
            Ended::Failed(e) => write!(f, "fork/wait failed: {e:?}"),
        }
    }
}

/// `wait4(pid, &status, 0, NULL)` through the raw layer, retried on `EINTR`.
pub fn raw_wait(pid: i32) -> Ended {
    let mut status: i32 = 0;
    let r = sysrt::retry_on_intr(|| {
        // SAFETY: wait4 writes one int into `status`, which outlives the call; no rusage.
        unsafe {
            sysrt::raw_syscall6(
                Sysno::wait4,
                pid as isize as usize,
                &raw mut status as usize,
                0,
                0,
                0,
                0,
            )
        }
    });
    match r {
        Err(e) => Ended::Failed(e),
        Ok(_) if status & 0x7f == 0 => Ended::Exited((status >> 8) & 0xff),
        Ok(_) => Ended::Signaled((status & 0x7f) as u32),
    }
}

/// Sets `RLIMIT_CORE` to 0 for this process (raw `prlimit64`): a child that is meant to die of
/// a signal leaves no core file behind.
pub fn no_core_dumps() {
    let zero = rlimit64 {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: prlimit64 reads one rlimit64 from `zero`, which outlives the call; no old value.
    let _ = unsafe {
        sysrt::raw_syscall6(
            Sysno::prlimit64,
            0,
            RLIMIT_CORE as usize,
            &raw const zero as usize,
            0,
            0,
            0,
        )
    };
}

/// Runs `f` in a forked child, which exits with what `f` returns (core dumps off), and waits
/// for it.
pub fn in_child(f: impl FnOnce() -> i32) -> Ended {
    // SAFETY: the test programs are single-threaded, so the child is a complete copy of the
    // program and may do anything the parent could.
    match unsafe { sysrt::process::fork() } {
        Err(e) => Ended::Failed(e),
        Ok(None) => {
            no_core_dumps();
            let code = f();
            sysrt::process::exit_group(code)
        }
        Ok(Some(pid)) => raw_wait(pid.raw()),
    }
}
