//! Signals through the raw layer, for the time programs: installing a handler, blocking,
//! waiting with a timeout, an alternate stack, an interval timer. The typed signal API is
//! another area's; these keep the time tests independent of it.

use core::mem::size_of;

use linux_raw_sys::general::{
    __kernel_old_itimerval, __kernel_old_timeval, __kernel_timespec, ITIMER_REAL, SIG_BLOCK,
    SIG_SETMASK, kernel_sigaction, kernel_sigset_t, sigaltstack, siginfo,
};
use sysrt::signal::{SigSet, Signal};
use sysrt::{Errno, Sysno};

/// A handler function as the kernel calls it (no `SA_SIGINFO`).
pub type Handler = extern "C" fn(i32);

/// `rt_sigaction(sig, {handler or SIG_DFL, flags})`, with the arch's restorer.
pub fn set_action(sig: Signal, handler: Option<Handler>, flags: u32) -> Result<(), Errno> {
    // SAFETY: kernel_sigaction is plain data (integers, an optional fn pointer, a bit set);
    // all-zero is SIG_DFL with no flags and an empty mask.
    let mut act: kernel_sigaction = unsafe { core::mem::zeroed() };
    if let Some(h) = handler {
        act.sa_handler_kernel = Some(h);
        act.sa_flags = flags as _;
        sysrt_arch::set_sigaction_restorer(&mut act);
    }
    // SAFETY: `act` is a valid kernel_sigaction for this arch living across the call; the
    // old action is not requested; the size is the kernel's sigset size.
    unsafe {
        sysrt::raw_syscall6(
            Sysno::rt_sigaction,
            sig.raw() as usize,
            core::ptr::from_ref(&act) as usize,
            0,
            size_of::<kernel_sigset_t>(),
            0,
            0,
        )
    }
    .map(drop)
}

fn sigprocmask(how: u32, set: SigSet) -> Result<SigSet, Errno> {
    let new = set.raw();
    let mut old = 0u64;
    // SAFETY: the kernel reads one sigset from `new` and writes one to `old`; both live
    // across the call.
    unsafe {
        sysrt::raw_syscall6(
            Sysno::rt_sigprocmask,
            how as usize,
            &raw const new as usize,
            &raw mut old as usize,
            size_of::<u64>(),
            0,
            0,
        )
    }?;
    Ok(SigSet::from_raw(old))
}

/// Adds `set` to the blocked signals; returns the previous mask.
pub fn block(set: SigSet) -> Result<SigSet, Errno> {
    sigprocmask(SIG_BLOCK, set)
}

/// Sets the blocked signals to `set`; returns the previous mask.
pub fn set_mask(set: SigSet) -> Result<SigSet, Errno> {
    sigprocmask(SIG_SETMASK, set)
}

/// What `rt_sigtimedwait` reports of a signal.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Info {
    /// `si_signo`.
    pub signo: i32,
    /// `si_code` (`SI_TIMER` for a POSIX timer).
    pub code: i32,
    /// `si_value` of a timer or queued signal (`si_ptr`).
    pub value: usize,
    /// `si_overrun` of a timer signal.
    pub overrun: i32,
    /// `si_timerid` of a timer signal: the kernel's id of the timer.
    pub timerid: i32,
}

/// `rt_sigtimedwait(set, timeout)`: takes one pending signal of `set` (which should be
/// blocked), waiting at most `timeout`; `EAGAIN` when none came.
pub fn timedwait(set: SigSet, timeout_ms: i64) -> Result<Info, Errno> {
    let set = set.raw();
    let ts = __kernel_timespec {
        tv_sec: timeout_ms / 1000,
        tv_nsec: (timeout_ms % 1000) * 1_000_000,
    };
    // SAFETY: all-zero is a valid siginfo (plain data in unions).
    let mut info: siginfo = unsafe { core::mem::zeroed() };
    // SAFETY: the kernel reads one sigset and one timespec and writes one siginfo; all live
    // across the call.
    let signo = unsafe {
        sysrt::raw_syscall6(
            Sysno::rt_sigtimedwait,
            &raw const set as usize,
            &raw mut info as usize,
            &raw const ts as usize,
            size_of::<u64>(),
            0,
            0,
        )
    }?;
    // SAFETY: the kernel filled the siginfo; reading the timer fields of the union reads
    // initialised integers whatever the signal's kind (the struct was zeroed first).
    let (code, timer) = unsafe {
        let i = &info.__bindgen_anon_1.__bindgen_anon_1;
        (i.si_code, i._sifields._timer)
    };
    // SAFETY: as above; sival_ptr overlays the whole sigval.
    let value = unsafe { timer._sigval.sival_ptr } as usize;
    Ok(Info {
        signo: signo as i32,
        code,
        value,
        overrun: timer._overrun,
        timerid: timer._tid,
    })
}

/// `sigaltstack({sp, size})`: the alternate signal stack (`size` 0 disables it).
pub fn set_altstack(sp: usize, size: usize) -> Result<(), Errno> {
    let ss = sigaltstack {
        ss_sp: core::ptr::without_provenance_mut(sp),
        ss_flags: if size == 0 {
            linux_raw_sys::general::SS_DISABLE as i32
        } else {
            0
        },
        ss_size: size as _,
    };
    // SAFETY: the kernel reads one stack_t; the memory it describes is the caller's to
    // provide and stays mapped until the stack is disabled (the callers' contract).
    unsafe { sysrt::raw_syscall(Sysno::sigaltstack, &raw const ss as usize, 0, 0) }.map(drop)
}

/// Arms `ITIMER_REAL` (SIGALRM) to fire after `first_us` and then every `every_us`
/// microseconds; 0 disarms.
pub fn itimer(first_us: i64, every_us: i64) -> Result<(), Errno> {
    let tv = |us: i64| __kernel_old_timeval {
        tv_sec: us / 1_000_000,
        tv_usec: us % 1_000_000,
    };
    let it = __kernel_old_itimerval {
        it_interval: tv(every_us),
        it_value: tv(first_us),
    };
    // SAFETY: `it` is a valid itimerval living across the call; no old value requested.
    unsafe {
        sysrt::raw_syscall(
            Sysno::setitimer,
            ITIMER_REAL as usize,
            &raw const it as usize,
            0,
        )
    }
    .map(drop)
}
