//! POSIX per-process timers: `timer_create`, `timer_settime`, `timer_gettime`,
//! `timer_getoverrun`, `timer_delete`.
//!
//! A [`Timer`] owns its kernel timer and deletes it when dropped, as an
//! [`OwnedFd`](crate::fd::OwnedFd) closes its file. Expiry is notified as a [`SigEvent`]
//! says: a signal to the process or to one of its threads, or nothing (poll it with
//! [`timer_gettime`]). libc's `SIGEV_THREAD`, which starts a thread per expiry, is a library
//! construct on top of `SIGEV_THREAD_ID`, not a kernel one, and is not offered.

use core::ffi::c_int;
use core::mem::MaybeUninit;

use linux_raw_sys::general as g;

use crate::process::Pid;
use crate::signal::Signal;
use crate::time::{ClockId, TimerFlags, Timespec};
use crate::{Errno, Result, Sysno, arch};

/// How a timer's expiry is notified: the kernel's `struct sigevent`.
///
/// `value` is delivered with the signal (`si_value`, in `si_ptr`/`si_int` of the siginfo, and
/// `ssi_ptr`/`ssi_int` of a signalfd record).
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum SigEvent {
    /// `SIGEV_NONE`: nothing is sent; [`timer_gettime`] shows the time left.
    None,
    /// `SIGEV_SIGNAL`: `signal` is sent to the process.
    Signal {
        /// The signal.
        signal: Signal,
        /// The value delivered with it.
        value: usize,
    },
    /// `SIGEV_THREAD_ID`: `signal` is sent to thread `tid` of this process (Linux-specific).
    ThreadId {
        /// The signal.
        signal: Signal,
        /// The thread, which must belong to the calling process (`EINVAL` otherwise).
        tid: Pid,
        /// The value delivered with it.
        value: usize,
    },
}

impl SigEvent {
    /// The kernel's layout.
    fn to_kernel(self) -> g::sigevent {
        let (notify, signal, value, tid) = match self {
            SigEvent::None => (g::SIGEV_NONE, 0, 0, 0),
            SigEvent::Signal { signal, value } => (g::SIGEV_SIGNAL, signal.raw(), value, 0),
            SigEvent::ThreadId { signal, tid, value } => {
                (g::SIGEV_THREAD_ID, signal.raw(), value, tid.raw())
            }
        };
        let mut ev = g::sigevent {
            sigev_value: g::sigval {
                sival_ptr: core::ptr::without_provenance_mut(value),
            },
            sigev_signo: signal,
            sigev_notify: notify as c_int,
            _sigev_un: g::sigevent__bindgen_ty_1 { _pad: [0; 12] },
        };
        ev._sigev_un._tid = tid;
        ev
    }
}

/// A timer's setting: the time to the next expiry (`value`; zero means disarmed) and the
/// period after it (`interval`; zero means one-shot). The kernel's `struct itimerspec`.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct ItimerSpec {
    /// The period of a repeating timer (zero: one-shot).
    pub interval: Timespec,
    /// The time to the next expiry (relative, or absolute with `TIMER_ABSTIME`); zero
    /// disarms.
    pub value: Timespec,
}

impl ItimerSpec {
    /// Disarmed.
    pub const DISARMED: ItimerSpec = ItimerSpec {
        interval: Timespec::ZERO,
        value: Timespec::ZERO,
    };

    /// One expiry after `value`.
    pub const fn once(value: Timespec) -> ItimerSpec {
        ItimerSpec {
            interval: Timespec::ZERO,
            value,
        }
    }
}

/// A POSIX timer of this process (`timer_t`), deleted when dropped.
///
/// # References
/// `man 2 timer_create`.
#[derive(Debug)]
pub struct Timer(c_int);

impl Timer {
    /// The kernel's timer id.
    #[inline]
    pub const fn raw(&self) -> c_int {
        self.0
    }

    /// Gives up ownership: the timer is no longer deleted on drop.
    #[inline]
    pub fn into_raw(self) -> c_int {
        let id = self.0;
        core::mem::forget(self);
        id
    }

    /// Takes ownership of timer `id`.
    ///
    /// # Safety
    /// `id` must be a timer of this process that nothing else deletes or uses as its own,
    /// since this `Timer` deletes it when dropped (a timer id, like an fd number, is reused).
    #[inline]
    pub unsafe fn from_raw(id: c_int) -> Timer {
        Timer(id)
    }
}

impl Drop for Timer {
    /// Deletes the timer; the result is ignored (the only error, `EINVAL`, would mean the id
    /// is not ours, which the type rules out).
    fn drop(&mut self) {
        // SAFETY: timer_delete takes an integer id and touches no user memory.
        let _ = unsafe { arch::syscall1_readonly(Sysno::timer_delete, self.0 as usize) };
    }
}

/// `timer_create(clock, event)` — creates a disarmed timer on `clock` that notifies as
/// `event` says when it expires.
///
/// # Errors
/// `EINVAL` (an unknown clock, a signal of 0 or above 64 through the raw layer, or a
/// `ThreadId` not of this process); `ENOTSUP` (a clock without timers, such as
/// `CLOCK_MONOTONIC_RAW`); `EAGAIN` (out of timers: `RLIMIT_SIGPENDING`); `EPERM` (an alarm
/// clock without `CAP_WAKE_ALARM`).
///
/// # References
/// `man 2 timer_create`.
#[inline]
pub fn timer_create(clock: ClockId, event: SigEvent) -> Result<Timer> {
    let mut ev = event.to_kernel();
    let mut id: c_int = 0;
    // SAFETY: the kernel reads one sigevent from `ev` and writes one timer id to `id`; both
    // live across the call.
    let ret = unsafe {
        arch::syscall3(
            Sysno::timer_create,
            clock.raw() as usize,
            &raw mut ev as usize,
            &raw mut id as usize,
        )
    };
    Errno::decode(ret)?;
    Ok(Timer(id))
}

/// `timer_settime(timer, flags, new)` — arms (or with a zero `value`, disarms) `timer`;
/// returns its previous setting.
///
/// # Errors
/// `EINVAL` (a `nsec` outside `0..1_000_000_000` or a negative time in `new`).
///
/// # References
/// `man 2 timer_settime`.
#[inline]
pub fn timer_settime(timer: &Timer, flags: TimerFlags, new: &ItimerSpec) -> Result<ItimerSpec> {
    let mut old = ItimerSpec::DISARMED;
    // SAFETY: `ItimerSpec` has the layout of `struct __kernel_itimerspec`; the kernel reads
    // one from `new` and writes one to `old`, both living across the call.
    let ret = unsafe {
        arch::syscall4(
            Sysno::timer_settime,
            timer.0 as usize,
            flags.bits() as usize,
            core::ptr::from_ref(new) as usize,
            &raw mut old as usize,
        )
    };
    Errno::decode(ret)?;
    Ok(old)
}

/// `timer_gettime(timer)` — the time left to the next expiry (zero when disarmed) and the
/// period.
///
/// # Errors
/// None for a live `Timer`.
///
/// # References
/// `man 2 timer_gettime`.
#[inline]
pub fn timer_gettime(timer: &Timer) -> Result<ItimerSpec> {
    let mut cur = MaybeUninit::<ItimerSpec>::zeroed();
    // SAFETY: the kernel writes one `struct __kernel_itimerspec` (the layout of
    // `ItimerSpec`) to `cur`, which lives across the call.
    let ret = unsafe {
        arch::syscall2(
            Sysno::timer_gettime,
            timer.0 as usize,
            cur.as_mut_ptr() as usize,
        )
    };
    Errno::decode(ret)?;
    // SAFETY: zero-initialised and then written by the kernel; all fields are integers.
    Ok(unsafe { cur.assume_init() })
}

/// `timer_getoverrun(timer)` — how many expiries were missed because the signal of an earlier
/// one was still pending when they happened (counted up to the last delivered signal).
///
/// # Errors
/// None for a live `Timer`.
///
/// # References
/// `man 2 timer_getoverrun`.
#[inline]
pub fn timer_getoverrun(timer: &Timer) -> Result<i32> {
    // SAFETY: timer_getoverrun takes an integer id and touches no user memory.
    let ret = unsafe { arch::syscall1_readonly(Sysno::timer_getoverrun, timer.0 as usize) };
    Errno::decode(ret).map(|n| n as i32)
}

/// `timer_delete(timer)` — deletes `timer` (a pending signal of it stays pending) and reports
/// the kernel's result; dropping the `Timer` does the same, ignoring the result.
///
/// # Errors
/// None for a live `Timer`.
///
/// # References
/// `man 2 timer_delete`.
#[inline]
pub fn timer_delete(timer: Timer) -> Result<()> {
    let id = timer.into_raw();
    // SAFETY: timer_delete takes an integer id and touches no user memory.
    Errno::decode(unsafe { arch::syscall1_readonly(Sysno::timer_delete, id as usize) }).map(drop)
}

#[cfg(test)]
mod tests {
    use core::mem::{offset_of, size_of};

    use super::*;

    #[test]
    fn itimerspec_and_sigevent_have_the_kernel_layout() {
        assert_eq!(size_of::<ItimerSpec>(), size_of::<g::__kernel_itimerspec>());
        assert_eq!(
            offset_of!(ItimerSpec, value),
            offset_of!(g::__kernel_itimerspec, it_value)
        );
        let ev = SigEvent::ThreadId {
            signal: Signal::USR1,
            tid: Pid::from_raw(77),
            value: 5,
        }
        .to_kernel();
        assert_eq!(ev.sigev_notify, g::SIGEV_THREAD_ID as c_int);
        assert_eq!(ev.sigev_signo, g::SIGUSR1 as c_int);
        // SAFETY: the union was written through `_tid` and `sival_ptr`.
        unsafe {
            assert_eq!(ev._sigev_un._tid, 77);
            assert_eq!(ev.sigev_value.sival_ptr as usize, 5);
        }
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "real syscalls (timer_create, timer_gettime, timer_delete): Miri cannot run a trap instruction"
    )]
    fn a_timer_is_created_read_and_deleted() {
        let t = timer_create(ClockId::MONOTONIC, SigEvent::None).unwrap();
        let set = ItimerSpec::once(Timespec::new(100, 0));
        assert_eq!(
            timer_settime(&t, TimerFlags::empty(), &set),
            Ok(ItimerSpec::DISARMED)
        );
        let left = timer_gettime(&t).unwrap();
        assert!(left.value > Timespec::new(99, 0) && left.value <= Timespec::new(100, 0));
        assert_eq!(timer_getoverrun(&t), Ok(0));
        assert_eq!(timer_delete(t), Ok(()));
        assert_eq!(
            timer_create(ClockId::from_raw(99), SigEvent::None).map(Timer::into_raw),
            Err(Errno::EINVAL)
        );
    }
}
