//! Event and timer descriptors: `eventfd2` (a 64-bit counter as a descriptor) and
//! `timerfd_create`/`timerfd_settime`/`timerfd_gettime` (timer expirations as a descriptor).

use core::mem::size_of;

use bitflags::bitflags;
use linux_raw_sys::general::{self as g, __kernel_itimerspec};

use crate::fd::{AsFd, OwnedFd, RawFd};
use crate::time::{ClockId, ItimerSpec, Timespec};
use crate::{Errno, Result, Sysno, arch, arg, io};

bitflags! {
    /// Flags of [`eventfd`].
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct EfdFlags: u32 {
        /// `EFD_CLOEXEC`: the descriptor is close-on-exec. sysrt always adds it.
        #[doc(alias = "EFD_CLOEXEC")]
        const CLOEXEC = g::EFD_CLOEXEC;
        /// `EFD_NONBLOCK`: reads of a zero counter and writes that would overflow it fail
        /// with `EAGAIN` instead of blocking.
        #[doc(alias = "EFD_NONBLOCK")]
        const NONBLOCK = g::EFD_NONBLOCK;
        /// `EFD_SEMAPHORE`: a read takes 1 from the counter (and returns 1) instead of taking
        /// all of it.
        #[doc(alias = "EFD_SEMAPHORE")]
        const SEMAPHORE = g::EFD_SEMAPHORE;
    }
}

/// `eventfd2(initval, flags)` — a new eventfd whose counter starts at `initval`;
/// close-on-exec (`EFD_CLOEXEC` is always added).
///
/// A read ([`eventfd_read`]) returns the counter and resets it to 0 (with `SEMAPHORE`:
/// returns 1 and decrements it), blocking while it is 0; a write ([`eventfd_write`]) adds to
/// it, blocking while the sum would exceed `u64::MAX - 1`. The descriptor is readable for
/// poll/epoll while the counter is above 0.
///
/// # Errors
/// `EINVAL` (unknown flags), `EMFILE`, `ENFILE`, `ENODEV`, `ENOMEM`.
///
/// # References
/// `man 2 eventfd`. Go: `unix.Eventfd` (x/sys/unix).
#[doc(alias = "Eventfd")]
#[doc(alias = "eventfd2")]
#[inline]
pub fn eventfd(initval: u32, flags: EfdFlags) -> Result<OwnedFd> {
    let flags = flags | EfdFlags::CLOEXEC;
    // SAFETY: `eventfd2` takes integers only and writes no user memory.
    let ret = unsafe {
        arch::syscall2_readonly(Sysno::eventfd2, arg::uint(initval), arg::uint(flags.bits()))
    };
    let fd = Errno::decode(ret)? as RawFd;
    // SAFETY: `eventfd2` succeeded, so `fd` is a new descriptor nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `read(fd, &u64)` — takes an eventfd's counter (or 1 of it, with `EFD_SEMAPHORE`).
///
/// # Errors
/// `EAGAIN` (non-blocking and the counter is 0), `EINTR`, `EINVAL` (not an eventfd: a read
/// of 8 bytes from another kind of file gives other results; a short read gives `EIO`
/// here), `EBADF`.
///
/// # References
/// `man 2 eventfd`.
#[inline]
pub fn eventfd_read(fd: impl AsFd) -> Result<u64> {
    let mut b = [0u8; 8];
    match io::read(fd, &mut b)? {
        8 => Ok(u64::from_ne_bytes(b)),
        _ => Err(Errno::EIO),
    }
}

/// `write(fd, &value)` — adds `value` to an eventfd's counter.
///
/// # Errors
/// `EINVAL` (`value` is `u64::MAX`), `EAGAIN` (non-blocking and the sum would exceed
/// `u64::MAX - 1`), `EINTR`, `EBADF`.
///
/// # References
/// `man 2 eventfd`.
#[inline]
pub fn eventfd_write(fd: impl AsFd, value: u64) -> Result<()> {
    match io::write(fd, &value.to_ne_bytes())? {
        8 => Ok(()),
        _ => Err(Errno::EIO),
    }
}

bitflags! {
    /// Flags of [`timerfd_create`].
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct TfdFlags: u32 {
        /// `TFD_CLOEXEC`: the descriptor is close-on-exec. sysrt always adds it.
        #[doc(alias = "TFD_CLOEXEC")]
        const CLOEXEC = g::TFD_CLOEXEC;
        /// `TFD_NONBLOCK`: a read before an expiration fails with `EAGAIN`.
        #[doc(alias = "TFD_NONBLOCK")]
        const NONBLOCK = g::TFD_NONBLOCK;
    }
}

bitflags! {
    /// Flags of [`timerfd_settime`].
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct TfdTimerFlags: u32 {
        /// `TFD_TIMER_ABSTIME`: `value` is an absolute time on the timer's clock (a time in
        /// the past expires at once).
        #[doc(alias = "TFD_TIMER_ABSTIME")]
        const ABSTIME = g::TFD_TIMER_ABSTIME;
        /// `TFD_TIMER_CANCEL_ON_SET` (with `ABSTIME` on a realtime clock): a read fails with
        /// `ECANCELED` when the clock is set.
        #[doc(alias = "TFD_TIMER_CANCEL_ON_SET")]
        const CANCEL_ON_SET = g::TFD_TIMER_CANCEL_ON_SET;
    }
}

/// The kernel's layout of a timer setting.
#[inline]
fn itimerspec_to_kernel(v: &ItimerSpec) -> __kernel_itimerspec {
    __kernel_itimerspec {
        it_interval: v.interval.to_kernel(),
        it_value: v.value.to_kernel(),
    }
}

/// A timer setting from the kernel's layout.
#[inline]
fn itimerspec_from_kernel(k: __kernel_itimerspec) -> ItimerSpec {
    ItimerSpec {
        interval: Timespec::from_kernel(k.it_interval),
        value: Timespec::from_kernel(k.it_value),
    }
}

/// `timerfd_create(clock, flags)` — a new, disarmed timer descriptor; close-on-exec
/// (`TFD_CLOEXEC` is always added). The clock is one of `REALTIME`, `MONOTONIC`, `BOOTTIME`,
/// `REALTIME_ALARM`, `BOOTTIME_ALARM`; others are `EINVAL`.
///
/// Arm it with [`timerfd_settime`]; a read ([`timerfd_read`]) blocks until it expires and
/// returns how many expirations happened since the last read. Readable for poll/epoll once
/// it has expired.
///
/// # Errors
/// `EINVAL` (unknown flags, or a clock timerfd does not support), `EPERM` (an alarm clock
/// without `CAP_WAKE_ALARM`), `EMFILE`,
/// `ENFILE`, `ENODEV`, `ENOMEM`.
///
/// # References
/// `man 2 timerfd_create`. Go: `unix.TimerfdCreate` (x/sys/unix).
#[doc(alias = "TimerfdCreate")]
#[inline]
pub fn timerfd_create(clock: ClockId, flags: TfdFlags) -> Result<OwnedFd> {
    let flags = flags | TfdFlags::CLOEXEC;
    // SAFETY: `timerfd_create` takes integers only and writes no user memory.
    let ret = unsafe {
        arch::syscall2_readonly(
            Sysno::timerfd_create,
            arg::raw_fd(clock.raw()),
            arg::uint(flags.bits()),
        )
    };
    let fd = Errno::decode(ret)? as RawFd;
    // SAFETY: `timerfd_create` succeeded, so `fd` is a new descriptor nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `timerfd_settime(fd, flags, new)` — arms (or, with a zero `value`, disarms) the timer;
/// returns the previous setting, with the time that was left.
///
/// # Errors
/// `EINVAL` (nanoseconds outside `0..1_000_000_000`, a negative time, unknown flags, or not a
/// timerfd), `ECANCELED` (see `CANCEL_ON_SET`), `EBADF`.
///
/// # References
/// `man 2 timerfd_settime`. Go: `unix.TimerfdSettime` (x/sys/unix).
#[doc(alias = "TimerfdSettime")]
#[inline]
pub fn timerfd_settime(
    fd: impl AsFd,
    flags: TfdTimerFlags,
    new: &ItimerSpec,
) -> Result<ItimerSpec> {
    let new = itimerspec_to_kernel(new);
    let mut old = itimerspec_to_kernel(&ItimerSpec::DISARMED);
    // SAFETY: the kernel reads one itimerspec from `new` and writes one into `old`; both
    // are live locals of that type.
    Errno::decode(unsafe {
        arch::syscall4(
            Sysno::timerfd_settime,
            arg::fd(fd.as_fd()),
            arg::uint(flags.bits()),
            &raw const new as usize,
            &raw mut old as usize,
        )
    })?;
    Ok(itimerspec_from_kernel(old))
}

/// `timerfd_gettime(fd)` — the timer's setting, with the time left until the next
/// expiration (zero if disarmed).
///
/// # Errors
/// `EINVAL` (not a timerfd), `EBADF`.
///
/// # References
/// `man 2 timerfd_gettime`. Go: `unix.TimerfdGettime` (x/sys/unix).
#[doc(alias = "TimerfdGettime")]
#[inline]
pub fn timerfd_gettime(fd: impl AsFd) -> Result<ItimerSpec> {
    let mut cur = itimerspec_to_kernel(&ItimerSpec::DISARMED);
    // SAFETY: the kernel writes one itimerspec into `cur`, a live local of that type.
    Errno::decode(unsafe {
        arch::syscall2(
            Sysno::timerfd_gettime,
            arg::fd(fd.as_fd()),
            &raw mut cur as usize,
        )
    })?;
    Ok(itimerspec_from_kernel(cur))
}

/// `read(fd, &u64)` — waits for the timer to expire (unless `TFD_NONBLOCK`) and returns how
/// many expirations happened since the last read.
///
/// # Errors
/// `EAGAIN` (non-blocking, not expired yet), `ECANCELED` (see `CANCEL_ON_SET`), `EINTR`,
/// `EBADF`.
///
/// # References
/// `man 2 timerfd_create`.
#[inline]
pub fn timerfd_read(fd: impl AsFd) -> Result<u64> {
    eventfd_read(fd)
}

const _: () = assert!(size_of::<__kernel_itimerspec>() == 32);
