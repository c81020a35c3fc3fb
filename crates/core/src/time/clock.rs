//! Reading clocks and sleeping: `clock_gettime`, `clock_getres`, `gettimeofday` and `time`
//! (through the vDSO where it has them), `clock_nanosleep` and `nanosleep`.

use core::ffi::c_int;
use core::fmt;
use core::mem::MaybeUninit;

use bitflags::bitflags;
use linux_raw_sys::errno::ENOSYS;
use linux_raw_sys::general as g;

use crate::fd::BorrowedFd;
use crate::process::Pid;
use crate::time::{Timespec, Timeval};
use crate::vdso::{self, ClockGettimeFn, GettimeofdayFn, TimeFn};
use crate::{Errno, Result, Sysno, arch};

/// A clock: one of the system clocks, a process's or thread's CPU-time clock, or a dynamic
/// clock opened as a file (a PTP hardware clock).
///
/// Any `clockid_t` can be held ([`ClockId::from_raw`]); the kernel answers `EINVAL` for one it
/// does not know.
///
/// # References
/// `man 2 clock_gettime`. Go: the `CLOCK_*` constants of x/sys/unix.
#[derive(Copy, Clone, Eq, PartialEq, Hash)]
#[repr(transparent)]
pub struct ClockId(c_int);

// The encoding of the CPU-time and dynamic clocks (include/linux/posix-timers_types.h in the
// kernel, not in the uapi headers, so not in linux-raw-sys): the id is `(~pid << 3) | bits`,
// the low bits saying which clock of that pid (SCHED, the one clock_getcpuclockid uses), bit 2
// that the pid is a thread, and 3 in the low bits that the "pid" is an fd.
const CPUCLOCK_SCHED: c_int = 2;
const CPUCLOCK_PERTHREAD_MASK: c_int = 4;
const CLOCKFD: c_int = 3;

impl ClockId {
    /// `CLOCK_REALTIME`: wall-clock time since the Unix epoch; jumps when the time is set.
    pub const REALTIME: ClockId = ClockId(g::CLOCK_REALTIME as c_int);
    /// `CLOCK_MONOTONIC`: time since an unspecified start, never set backwards; stops while
    /// the system is suspended. Adjusted in rate by NTP.
    pub const MONOTONIC: ClockId = ClockId(g::CLOCK_MONOTONIC as c_int);
    /// `CLOCK_PROCESS_CPUTIME_ID`: CPU time consumed by this process (all threads).
    pub const PROCESS_CPUTIME_ID: ClockId = ClockId(g::CLOCK_PROCESS_CPUTIME_ID as c_int);
    /// `CLOCK_THREAD_CPUTIME_ID`: CPU time consumed by the calling thread.
    pub const THREAD_CPUTIME_ID: ClockId = ClockId(g::CLOCK_THREAD_CPUTIME_ID as c_int);
    /// `CLOCK_MONOTONIC_RAW`: as `MONOTONIC`, without NTP's rate adjustment.
    pub const MONOTONIC_RAW: ClockId = ClockId(g::CLOCK_MONOTONIC_RAW as c_int);
    /// `CLOCK_REALTIME_COARSE`: `REALTIME` at tick resolution, cheaper to read.
    pub const REALTIME_COARSE: ClockId = ClockId(g::CLOCK_REALTIME_COARSE as c_int);
    /// `CLOCK_MONOTONIC_COARSE`: `MONOTONIC` at tick resolution, cheaper to read.
    pub const MONOTONIC_COARSE: ClockId = ClockId(g::CLOCK_MONOTONIC_COARSE as c_int);
    /// `CLOCK_BOOTTIME`: as `MONOTONIC`, but counting time suspended.
    pub const BOOTTIME: ClockId = ClockId(g::CLOCK_BOOTTIME as c_int);
    /// `CLOCK_REALTIME_ALARM`: `REALTIME` for timers that wake a suspended system
    /// (`CAP_WAKE_ALARM` to arm).
    pub const REALTIME_ALARM: ClockId = ClockId(g::CLOCK_REALTIME_ALARM as c_int);
    /// `CLOCK_BOOTTIME_ALARM`: `BOOTTIME` for timers that wake a suspended system.
    pub const BOOTTIME_ALARM: ClockId = ClockId(g::CLOCK_BOOTTIME_ALARM as c_int);
    /// `CLOCK_TAI`: International Atomic Time (`REALTIME` plus the TAI offset).
    pub const TAI: ClockId = ClockId(g::CLOCK_TAI as c_int);

    /// A clock from its raw `clockid_t`.
    #[inline]
    pub const fn from_raw(raw: c_int) -> ClockId {
        ClockId(raw)
    }

    /// The raw `clockid_t`.
    #[inline]
    pub const fn raw(self) -> c_int {
        self.0
    }

    /// The CPU-time clock of process `pid` (`clock_getcpuclockid(pid)`); `Pid 0` is the
    /// calling process.
    #[doc(alias = "clock_getcpuclockid")]
    pub const fn process_cputime(pid: Pid) -> ClockId {
        ClockId((!pid.raw()).wrapping_shl(3) | CPUCLOCK_SCHED)
    }

    /// The CPU-time clock of thread `tid` (`pthread_getcpuclockid`); `Pid 0` is the calling
    /// thread.
    pub const fn thread_cputime(tid: Pid) -> ClockId {
        ClockId((!tid.raw()).wrapping_shl(3) | CPUCLOCK_SCHED | CPUCLOCK_PERTHREAD_MASK)
    }

    /// The dynamic clock of an open clock device (`/dev/ptp0`): `FD_TO_CLOCKID(fd)`. The id
    /// names the fd's number: it means that clock while `fd` stays open.
    pub fn from_fd(fd: BorrowedFd<'_>) -> ClockId {
        ClockId((!fd.as_raw_fd()).wrapping_shl(3) | CLOCKFD)
    }
}

impl fmt::Debug for ClockId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match *self {
            ClockId::REALTIME => "REALTIME",
            ClockId::MONOTONIC => "MONOTONIC",
            ClockId::PROCESS_CPUTIME_ID => "PROCESS_CPUTIME_ID",
            ClockId::THREAD_CPUTIME_ID => "THREAD_CPUTIME_ID",
            ClockId::MONOTONIC_RAW => "MONOTONIC_RAW",
            ClockId::REALTIME_COARSE => "REALTIME_COARSE",
            ClockId::MONOTONIC_COARSE => "MONOTONIC_COARSE",
            ClockId::BOOTTIME => "BOOTTIME",
            ClockId::REALTIME_ALARM => "REALTIME_ALARM",
            ClockId::BOOTTIME_ALARM => "BOOTTIME_ALARM",
            ClockId::TAI => "TAI",
            _ => return write!(f, "ClockId({})", self.0),
        };
        write!(f, "ClockId::{name}")
    }
}

/// A `Timespec` the kernel may fill: zeroed, so it is a valid value whatever is written.
#[inline(always)]
fn zero_ts() -> g::__kernel_timespec {
    g::__kernel_timespec {
        tv_sec: 0,
        tv_nsec: 0,
    }
}

/// The vDSO's `int` return as a raw syscall return (sign-extended, so `-errno` decodes).
#[inline(always)]
fn vdso_ret(r: c_int) -> usize {
    r as isize as usize
}

/// `clock_gettime(clock)` — the current time of `clock`.
///
/// Through the vDSO where it has the call (one indirect call, no kernel entry), else the
/// syscall; a clock the vDSO does not handle is asked of the kernel, by the vDSO itself or,
/// where it returns `ENOSYS`, by sysrt.
///
/// # Errors
/// `EINVAL` (a clock this kernel does not know, or a CPU-time clock of a process that does not
/// exist), `EPERM`/`EACCES` (a dynamic clock not opened for reading).
///
/// # References
/// `man 2 clock_gettime`. Go: `unix.ClockGettime` (x/sys/unix).
#[doc(alias = "ClockGettime")]
#[inline(always)]
pub fn clock_gettime(clock: ClockId) -> Result<Timespec> {
    clock_gettime_via(vdso::CLOCK_GETTIME.get(), Sysno::clock_gettime, clock)
}

/// `clock_getres(clock)` — the resolution of `clock` (1 ns for the high-resolution clocks,
/// a tick for the coarse ones). Through the vDSO where it has the call.
///
/// # Errors
/// `EINVAL` (a clock this kernel does not know).
///
/// # References
/// `man 2 clock_getres`. Go: `unix.ClockGetres` (x/sys/unix).
#[doc(alias = "ClockGetres")]
#[inline]
pub fn clock_getres(clock: ClockId) -> Result<Timespec> {
    clock_gettime_via(vdso::CLOCK_GETRES.get(), Sysno::clock_getres, clock)
}

/// `clock_gettime`/`clock_getres` through `f` (the vDSO function, if any), else the syscall
/// `nr`; also the syscall when `f` declines with `-ENOSYS`.
///
/// Inlined: the vDSO path is one indirect call at the call site. The syscall path is a call
/// of its own, so that it does not grow every caller.
#[inline(always)]
pub(crate) fn clock_gettime_via(
    f: Option<ClockGettimeFn>,
    nr: Sysno,
    clock: ClockId,
) -> Result<Timespec> {
    if let Some(f) = f {
        let mut ts = zero_ts();
        // SAFETY: the vDSO function of this signature writes one `__kernel_timespec` into
        // `ts`, which lives across the call, and nothing else of ours.
        let ret = unsafe { f(clock.raw(), &mut ts) };
        if ret == 0 {
            return Ok(written_ts(&ts));
        }
        if ret != -(ENOSYS as c_int) {
            return Errno::decode(vdso_ret(ret)).map(|_| written_ts(&ts));
        }
    }
    clock_gettime_syscall(nr, clock)
}

/// What the vDSO just wrote into `ts`, read field by field.
///
/// The vDSO ends with two 8-byte stores (`tv_sec`, `tv_nsec`). Copied as a whole, `ts` is read
/// back with one 16-byte load, which the CPU cannot forward from two stores still in flight:
/// it waits for them to retire. `cargo xtask bench` measured that stall at a quarter of the
/// call (36 ns per clock_gettime against glibc's 28 on x86_64). Volatile reads stay two
/// 8-byte reads, each forwarded from its own store.
#[inline(always)]
fn written_ts(ts: &g::__kernel_timespec) -> Timespec {
    // SAFETY: both fields are aligned, initialised and live (`ts` is a borrowed local).
    unsafe {
        Timespec {
            sec: core::ptr::read_volatile(&ts.tv_sec),
            nsec: core::ptr::read_volatile(&ts.tv_nsec),
        }
    }
}

/// The `clock_gettime`/`clock_getres` syscall `nr`.
#[inline(never)]
fn clock_gettime_syscall(nr: Sysno, clock: ClockId) -> Result<Timespec> {
    let mut ts = zero_ts();
    // SAFETY: the syscall writes one `__kernel_timespec` into `ts`, which lives across the
    // call.
    let ret = unsafe { arch::syscall2(nr, clock.raw() as usize, &raw mut ts as usize) };
    Errno::decode(ret)?;
    Ok(Timespec::from_kernel(ts))
}

/// `gettimeofday()` — the wall-clock time in microseconds (`CLOCK_REALTIME`). Through the vDSO
/// where it has the call. The obsolete time-zone argument is not passed.
///
/// # Errors
/// None in practice (`EFAULT` cannot occur: the buffer is ours).
///
/// # References
/// `man 2 gettimeofday`. Go: `syscall.Gettimeofday`.
#[doc(alias = "Gettimeofday")]
#[inline]
pub fn gettimeofday() -> Result<Timeval> {
    gettimeofday_via(vdso::GETTIMEOFDAY.get())
}

#[inline(always)]
pub(crate) fn gettimeofday_via(f: Option<GettimeofdayFn>) -> Result<Timeval> {
    let mut tv = g::__kernel_old_timeval {
        tv_sec: 0,
        tv_usec: 0,
    };
    let mut ret = vdso_ret(-(ENOSYS as c_int));
    if let Some(f) = f {
        // SAFETY: the vDSO's gettimeofday writes one `__kernel_old_timeval` into `tv`, which
        // lives across the call; the time-zone pointer is null, so nothing is written there.
        ret = vdso_ret(unsafe { f(&mut tv, core::ptr::null_mut()) });
    }
    if ret == vdso_ret(-(ENOSYS as c_int)) {
        // SAFETY: the syscall writes one `__kernel_old_timeval` into `tv`; tz is null.
        ret = unsafe { arch::syscall2(Sysno::gettimeofday, &raw mut tv as usize, 0) };
    }
    Errno::decode(ret)?;
    // Field by field, for the reason `written_ts` gives.
    // SAFETY: both fields are aligned, initialised and live.
    unsafe {
        Ok(Timeval {
            sec: core::ptr::read_volatile(&tv.tv_sec),
            usec: core::ptr::read_volatile(&tv.tv_usec),
        })
    }
}

/// `time()` — the wall-clock time in whole seconds since the epoch.
///
/// Through the vDSO's `time` where it has one (x86_64), which reads the kernel's
/// tick-resolution seconds; otherwise `clock_gettime(CLOCK_REALTIME)` (vDSO or syscall), whose
/// seconds can be ahead of the tick's by under a tick around a second boundary.
///
/// # Errors
/// As [`clock_gettime`] for `CLOCK_REALTIME` (none in practice).
///
/// # References
/// `man 2 time`. Go: `syscall.Time`.
#[doc(alias = "Time")]
#[inline]
pub fn time() -> Result<i64> {
    time_via(vdso::TIME.get())
}

#[inline(always)]
pub(crate) fn time_via(f: Option<TimeFn>) -> Result<i64> {
    match f {
        // SAFETY: the vDSO's time writes nothing when given a null pointer and returns the
        // seconds; it cannot fail.
        Some(f) => Ok(unsafe { f(core::ptr::null_mut()) }),
        None => clock_gettime(ClockId::REALTIME).map(|ts| ts.sec),
    }
}

bitflags! {
    /// Flags of [`clock_nanosleep`] and [`timer_settime`](crate::time::timer_settime).
    #[derive(Copy, Clone, Debug, Eq, PartialEq, Hash, Default)]
    pub struct TimerFlags: u32 {
        /// `TIMER_ABSTIME`: the time is an absolute time of the clock, not an interval.
        #[doc(alias = "TIMER_ABSTIME")]
        const ABSTIME = g::TIMER_ABSTIME;
    }
}

/// `clock_nanosleep(clock, flags, request, remain)` — sleeps until `request` has passed on
/// `clock` (or, with [`TimerFlags::ABSTIME`], until `clock` reads `request`).
///
/// A signal handler that runs ends the sleep early with `EINTR`; for a relative sleep the
/// time left is then written to `remain` (when given), so a caller can sleep again for the
/// rest. Retrying with the same `request` would restart the whole interval; an absolute
/// sleep can simply be retried.
///
/// # Errors
/// `EINTR`; `EINVAL` (`request.nsec` outside `0..1_000_000_000`, negative seconds, or an
/// unknown clock); `EOPNOTSUPP` (a clock that cannot be slept on, such as a thread's CPU
/// clock).
///
/// # References
/// `man 2 clock_nanosleep`. Go: `unix.ClockNanosleep` (x/sys/unix).
#[doc(alias = "ClockNanosleep")]
#[inline]
pub fn clock_nanosleep(
    clock: ClockId,
    flags: TimerFlags,
    request: &Timespec,
    remain: Option<&mut Timespec>,
) -> Result<()> {
    let req = request.to_kernel();
    let mut rem = MaybeUninit::<g::__kernel_timespec>::zeroed();
    // SAFETY: the kernel reads one timespec from `req` and may write one to `rem`; both live
    // across the call.
    let ret = unsafe {
        arch::syscall4(
            Sysno::clock_nanosleep,
            clock.raw() as usize,
            flags.bits() as usize,
            &raw const req as usize,
            rem.as_mut_ptr() as usize,
        )
    };
    let result = Errno::decode(ret).map(drop);
    if result == Err(Errno::EINTR)
        && !flags.contains(TimerFlags::ABSTIME)
        && let Some(remain) = remain
    {
        // SAFETY: zero-initialised, and written by the kernel on EINTR.
        *remain = Timespec::from_kernel(unsafe { rem.assume_init() });
    }
    result
}

/// `nanosleep(request, remain)` — sleeps for `request` on `CLOCK_MONOTONIC`.
///
/// A signal handler that runs ends the sleep early with `EINTR` and the time left in `remain`
/// (when given); do not retry with the same `request`, which would sleep the full time again.
///
/// # Errors
/// `EINTR`; `EINVAL` (`request.nsec` outside `0..1_000_000_000` or negative seconds).
///
/// # References
/// `man 2 nanosleep`. Go: `syscall.Nanosleep`.
#[doc(alias = "Nanosleep")]
#[inline]
pub fn nanosleep(request: &Timespec, remain: Option<&mut Timespec>) -> Result<()> {
    let req = request.to_kernel();
    let mut rem = MaybeUninit::<g::__kernel_timespec>::zeroed();
    // SAFETY: the kernel reads one timespec from `req` and may write one to `rem`; both live
    // across the call.
    let ret = unsafe {
        arch::syscall2(
            Sysno::nanosleep,
            &raw const req as usize,
            rem.as_mut_ptr() as usize,
        )
    };
    let result = Errno::decode(ret).map(drop);
    if result == Err(Errno::EINTR)
        && let Some(remain) = remain
    {
        // SAFETY: zero-initialised, and written by the kernel on EINTR.
        *remain = Timespec::from_kernel(unsafe { rem.assume_init() });
    }
    result
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    unsafe extern "C" fn declines(_: c_int, _: *mut g::__kernel_timespec) -> c_int {
        -(ENOSYS as c_int)
    }
    unsafe extern "C" fn fails(_: c_int, _: *mut g::__kernel_timespec) -> c_int {
        -(linux_raw_sys::errno::EPERM as c_int)
    }
    unsafe extern "C" fn fixed(_: c_int, ts: *mut g::__kernel_timespec) -> c_int {
        // SAFETY: called only by clock_gettime_via with its own timespec.
        unsafe {
            (*ts).tv_sec = 42;
            (*ts).tv_nsec = 7;
        }
        0
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "real syscalls (clock_gettime): Miri cannot run a trap instruction"
    )]
    fn a_vdso_enosys_asks_the_kernel_and_other_errors_are_returned() {
        let kernel = clock_gettime_via(None, Sysno::clock_gettime, ClockId::MONOTONIC).unwrap();
        let via =
            clock_gettime_via(Some(declines), Sysno::clock_gettime, ClockId::MONOTONIC).unwrap();
        assert!(via >= kernel && via.is_valid());
        assert_eq!(
            clock_gettime_via(Some(declines), Sysno::clock_gettime, ClockId::from_raw(99)),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            clock_gettime_via(Some(fails), Sysno::clock_gettime, ClockId::MONOTONIC),
            Err(Errno::EPERM)
        );
        assert_eq!(
            clock_gettime_via(Some(fixed), Sysno::clock_gettime, ClockId::MONOTONIC),
            Ok(Timespec::new(42, 7))
        );
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "real syscalls (clock_gettime of the CPU clocks): Miri cannot run a trap instruction"
    )]
    fn cpu_clock_ids_follow_the_kernel_encoding() {
        // glibc: clock_getcpuclockid(0) is MAKE_PROCESS_CPUCLOCK(0, CPUCLOCK_SCHED) = -6.
        assert_eq!(ClockId::process_cputime(Pid::from_raw(0)).raw(), -6);
        assert_eq!(ClockId::thread_cputime(Pid::from_raw(0)).raw(), -2);
        assert_eq!(ClockId::process_cputime(Pid::from_raw(1)).raw(), -14);
        assert!(clock_gettime(ClockId::process_cputime(Pid::from_raw(0))).is_ok());
        assert_eq!(std_fmt(ClockId::MONOTONIC), "ClockId::MONOTONIC");
        assert_eq!(std_fmt(ClockId::from_raw(99)), "ClockId(99)");
    }

    fn std_fmt(c: ClockId) -> std::string::String {
        std::format!("{c:?}")
    }
}
