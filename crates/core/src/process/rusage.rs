//! Resource usage: `getrusage` and the [`Rusage`] that `wait4`/`waitid` also return, and
//! `times`.

use core::mem::MaybeUninit;
use core::time::Duration;

use linux_raw_sys::general as g;

use crate::{Errno, Result, Sysno, arch};

/// The resources a process (or its children, or a thread) used: the kernel's
/// `struct rusage`, normalised to one Rust struct on every arch.
///
/// The two CPU times are [`Duration`]s: the kernel reports them as a `timeval`
/// (seconds and microseconds) that is never negative, so a `Duration` holds them exactly and
/// adds up without care. (Go's `Rusage` keeps `Timeval` fields.) The counters are `i64`, the
/// kernel's `long` on every 64-bit arch; Linux leaves `ixrss`, `idrss`, `isrss`, `nswap`,
/// `msgsnd`, `msgrcv` and `nsignals` at 0 (`man 2 getrusage`).
///
/// Go: `syscall.Rusage`.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug, Default)]
pub struct Rusage {
    /// User CPU time (`ru_utime`).
    pub utime: Duration,
    /// System CPU time (`ru_stime`).
    pub stime: Duration,
    /// Largest resident set size, in KiB (`ru_maxrss`).
    pub maxrss: i64,
    /// Integral shared memory size (`ru_ixrss`; unused, 0).
    pub ixrss: i64,
    /// Integral unshared data size (`ru_idrss`; unused, 0).
    pub idrss: i64,
    /// Integral unshared stack size (`ru_isrss`; unused, 0).
    pub isrss: i64,
    /// Page reclaims: soft page faults, no I/O (`ru_minflt`).
    pub minflt: i64,
    /// Page faults that needed I/O (`ru_majflt`).
    pub majflt: i64,
    /// Swaps (`ru_nswap`; unused, 0).
    pub nswap: i64,
    /// Block input operations (`ru_inblock`).
    pub inblock: i64,
    /// Block output operations (`ru_oublock`).
    pub oublock: i64,
    /// IPC messages sent (`ru_msgsnd`; unused, 0).
    pub msgsnd: i64,
    /// IPC messages received (`ru_msgrcv`; unused, 0).
    pub msgrcv: i64,
    /// Signals received (`ru_nsignals`; unused, 0).
    pub nsignals: i64,
    /// Voluntary context switches (`ru_nvcsw`).
    pub nvcsw: i64,
    /// Involuntary context switches (`ru_nivcsw`).
    pub nivcsw: i64,
}

/// A kernel `timeval` as a `Duration`. Total: a negative part (which the kernel never
/// reports for a CPU time) reads as zero, and microseconds past a second carry over.
#[inline]
fn duration_of(tv: &g::__kernel_old_timeval) -> Duration {
    let sec = u64::try_from(tv.tv_sec).unwrap_or(0);
    let usec = u64::try_from(tv.tv_usec).unwrap_or(0);
    Duration::from_secs(sec).saturating_add(Duration::from_micros(usec))
}

impl Rusage {
    /// Converts the kernel's `struct rusage`. Each counter is a `__kernel_long_t`, 64 bits on
    /// every supported arch, so the `as i64` casts are exact.
    #[inline]
    #[allow(clippy::unnecessary_cast)] // `__kernel_long_t` is already i64 here
    pub(crate) fn from_kernel(r: &g::rusage) -> Rusage {
        Rusage {
            utime: duration_of(&r.ru_utime),
            stime: duration_of(&r.ru_stime),
            maxrss: r.ru_maxrss as i64,
            ixrss: r.ru_ixrss as i64,
            idrss: r.ru_idrss as i64,
            isrss: r.ru_isrss as i64,
            minflt: r.ru_minflt as i64,
            majflt: r.ru_majflt as i64,
            nswap: r.ru_nswap as i64,
            inblock: r.ru_inblock as i64,
            oublock: r.ru_oublock as i64,
            msgsnd: r.ru_msgsnd as i64,
            msgrcv: r.ru_msgrcv as i64,
            nsignals: r.ru_nsignals as i64,
            nvcsw: r.ru_nvcsw as i64,
            nivcsw: r.ru_nivcsw as i64,
        }
    }
}

/// Whose usage [`getrusage`] reports.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub enum RusageWho {
    /// `RUSAGE_SELF`: the calling process, all its threads.
    #[doc(alias = "RUSAGE_SELF")]
    Process,
    /// `RUSAGE_CHILDREN`: all children that ended and were waited for, and their waited-for
    /// descendants.
    #[doc(alias = "RUSAGE_CHILDREN")]
    Children,
    /// `RUSAGE_THREAD`: the calling thread only.
    #[doc(alias = "RUSAGE_THREAD")]
    Thread,
}

/// `getrusage(who, &usage)` — the resources used by this process, its waited-for children,
/// or this thread.
///
/// # Errors
/// None in practice (`EINVAL` for a `who` the kernel does not know cannot be expressed).
///
/// # References
/// `man 2 getrusage`. Go: `syscall.Getrusage`.
#[doc(alias = "Getrusage")]
#[inline]
pub fn getrusage(who: RusageWho) -> Result<Rusage> {
    let who = match who {
        RusageWho::Process => g::RUSAGE_SELF as i32,
        RusageWho::Children => g::RUSAGE_CHILDREN,
        RusageWho::Thread => g::RUSAGE_THREAD as i32,
    };
    let mut ru = MaybeUninit::<g::rusage>::uninit();
    // SAFETY: `ru` is a live `struct rusage` for this arch, valid for writes for the call; the
    // kernel writes exactly one.
    let ret = unsafe {
        arch::syscall2(
            Sysno::getrusage,
            who as isize as usize,
            ru.as_mut_ptr() as usize,
        )
    };
    Errno::decode(ret)?;
    // SAFETY: getrusage succeeded, so the kernel filled `ru`.
    Ok(Rusage::from_kernel(unsafe { ru.assume_init_ref() }))
}

/// The CPU times `times` reports, in clock ticks (`USER_HZ`, 100 per second on Linux; the
/// `AT_CLKTCK` auxv entry says so at run time).
///
/// Go: `syscall.Tms`.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug, Default)]
pub struct Tms {
    /// User CPU time of the process (`tms_utime`).
    pub utime: i64,
    /// System CPU time of the process (`tms_stime`).
    pub stime: i64,
    /// User CPU time of waited-for children (`tms_cutime`).
    pub cutime: i64,
    /// System CPU time of waited-for children (`tms_cstime`).
    pub cstime: i64,
}

/// The kernel's `struct tms` (`include/uapi/linux/times.h`), which linux-raw-sys does not
/// generate: four `__kernel_clock_t`. Its layout is checked in the tests below.
#[repr(C)]
struct KernelTms {
    tms_utime: g::__kernel_clock_t,
    tms_stime: g::__kernel_clock_t,
    tms_cutime: g::__kernel_clock_t,
    tms_cstime: g::__kernel_clock_t,
}

/// `times(&buf)` — the CPU times of this process and its waited-for children, and the
/// number of clock ticks since an arbitrary point in the past (for measuring intervals).
///
/// The tick count is the kernel's `clock_t` as unsigned; on 64-bit Linux it starts near
/// 2^32 at boot (the jiffies offset) and grows by 100 a second, so it never reaches the
/// range the one error decoder reads as an errno.
///
/// # Errors
/// None in practice (`EFAULT` cannot occur: the buffer is ours).
///
/// # References
/// `man 2 times`. Go: `syscall.Times`.
#[doc(alias = "Times")]
#[inline]
#[allow(clippy::unnecessary_cast)] // `__kernel_clock_t` is already i64 here
pub fn times() -> Result<(u64, Tms)> {
    let mut buf = MaybeUninit::<KernelTms>::uninit();
    // SAFETY: `buf` is a live `struct tms` (four clock_t, as the kernel's), valid for writes
    // for the call; the kernel writes exactly one.
    let ret = unsafe { arch::syscall1(Sysno::times, buf.as_mut_ptr() as usize) };
    let ticks = Errno::decode(ret)? as u64;
    // SAFETY: times succeeded, so the kernel filled `buf`.
    let t = unsafe { buf.assume_init_ref() };
    Ok((
        ticks,
        Tms {
            utime: t.tms_utime as i64,
            stime: t.tms_stime as i64,
            cutime: t.tms_cutime as i64,
            cstime: t.tms_cstime as i64,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{align_of, offset_of, size_of};

    #[test]
    fn kernel_tms_layout_is_four_longs() {
        assert_eq!(size_of::<KernelTms>(), 32);
        assert_eq!(align_of::<KernelTms>(), 8);
        assert_eq!(offset_of!(KernelTms, tms_stime), 8);
        assert_eq!(offset_of!(KernelTms, tms_cutime), 16);
        assert_eq!(offset_of!(KernelTms, tms_cstime), 24);
    }

    #[test]
    fn rusage_times_convert_totally() {
        let tv = |s, u| g::__kernel_old_timeval {
            tv_sec: s,
            tv_usec: u,
        };
        assert_eq!(duration_of(&tv(2, 500_000)), Duration::from_millis(2500));
        assert_eq!(duration_of(&tv(-1, -1)), Duration::ZERO);
        assert_eq!(
            duration_of(&tv(0, 2_000_001)),
            Duration::from_micros(2_000_001)
        );
        let _ = duration_of(&tv(i64::MAX, i64::MAX));
        // SAFETY: rusage is plain integers; all-zero is valid.
        let mut r: g::rusage = unsafe { core::mem::zeroed() };
        r.ru_utime = tv(1, 2);
        r.ru_maxrss = 7;
        r.ru_nivcsw = 9;
        let u = Rusage::from_kernel(&r);
        assert_eq!(u.utime, Duration::new(1, 2000));
        assert_eq!((u.maxrss, u.nivcsw, u.minflt), (7, 9, 0));
    }
}
