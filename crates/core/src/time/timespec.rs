//! `Timespec` and `Timeval`: the kernel's two time values, with checked conversions to and from
//! nanoseconds and [`Duration`].
//!
//! Conversions never panic and never overflow: a value whose sub-second field is out of range
//! gives `EINVAL`, a result that does not fit gives `EOVERFLOW`.

use core::time::Duration;

use linux_raw_sys::general::{__kernel_old_timeval, __kernel_timespec, UTIME_NOW, UTIME_OMIT};

use crate::{Errno, Result};

const NANOS_PER_SEC: i64 = 1_000_000_000;
const MICROS_PER_SEC: i64 = 1_000_000;
const NANOS_PER_MICRO: i64 = 1_000;

/// A point in time or a duration: seconds and nanoseconds (`0..1_000_000_000` for a valid
/// value), as the kernel's 64-bit `struct __kernel_timespec`.
///
/// A negative time is seconds below zero plus a non-negative fraction: -0.5 s is
/// `{ sec: -1, nsec: 500_000_000 }`.
///
/// `#[repr(C)]`, with the layout of `struct __kernel_timespec` (pinned by a unit test).
///
/// Go: `syscall.Timespec`.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(C)]
pub struct Timespec {
    /// Seconds.
    pub sec: i64,
    /// Nanoseconds, `0..1_000_000_000`.
    pub nsec: i64,
}

impl Timespec {
    /// Zero: the epoch, or no time at all.
    pub const ZERO: Timespec = Timespec { sec: 0, nsec: 0 };

    /// `UTIME_NOW`: for `utimensat`/`futimens`, set this timestamp to the current time.
    #[doc(alias = "UTIME_NOW")]
    pub const NOW: Timespec = Timespec {
        sec: 0,
        nsec: UTIME_NOW as i64,
    };
    /// `UTIME_OMIT`: for `utimensat`/`futimens`, leave this timestamp unchanged.
    #[doc(alias = "UTIME_OMIT")]
    pub const OMIT: Timespec = Timespec {
        sec: 0,
        nsec: UTIME_OMIT as i64,
    };

    /// A `Timespec` from seconds and nanoseconds, as given (see [`Timespec::is_valid`]).
    pub const fn new(sec: i64, nsec: i64) -> Timespec {
        Timespec { sec, nsec }
    }

    /// Whether `nsec` is in `0..1_000_000_000`, as every call taking a time requires (the
    /// kernel answers `EINVAL` otherwise).
    pub const fn is_valid(self) -> bool {
        self.nsec >= 0 && self.nsec < NANOS_PER_SEC
    }

    /// `NsecToTimespec(nsec)` — the time `nsec` nanoseconds from zero; exact for every `i64`
    /// (a negative count gives negative seconds and a non-negative fraction).
    ///
    /// Go: `syscall.NsecToTimespec`.
    #[doc(alias = "NsecToTimespec")]
    pub const fn from_nanos(nsec: i64) -> Timespec {
        Timespec {
            sec: nsec.div_euclid(NANOS_PER_SEC),
            nsec: nsec.rem_euclid(NANOS_PER_SEC),
        }
    }

    /// `TimespecToNsec(ts)` — the time in nanoseconds from zero.
    ///
    /// # Errors
    /// `EINVAL` if `nsec` is out of range; `EOVERFLOW` if the result does not fit an `i64`
    /// (beyond about ±292 years). Go wraps around silently instead.
    ///
    /// Go: `syscall.TimespecToNsec`, `Timespec.Nano`.
    #[doc(alias = "TimespecToNsec")]
    #[doc(alias = "Nano")]
    pub const fn as_nanos(self) -> Result<i64> {
        if !self.is_valid() {
            return Err(Errno::EINVAL);
        }
        // In i128, where neither the product nor the sum can overflow: a negative time near
        // i64::MIN nanoseconds has seconds whose product alone is below i64::MIN.
        let ns = self.sec as i128 * NANOS_PER_SEC as i128 + self.nsec as i128;
        if ns < i64::MIN as i128 || ns > i64::MAX as i128 {
            return Err(Errno::EOVERFLOW);
        }
        Ok(ns as i64)
    }

    /// `(sec, nsec)`, as stored. Go: `Timespec.Unix`.
    #[doc(alias = "Unix")]
    pub const fn unix(self) -> (i64, i64) {
        (self.sec, self.nsec)
    }

    /// `self + d`.
    ///
    /// # Errors
    /// `EINVAL` if `self` is not valid; `EOVERFLOW` if the sum does not fit.
    pub fn checked_add(self, d: Duration) -> Result<Timespec> {
        if !self.is_valid() {
            return Err(Errno::EINVAL);
        }
        let d = Timespec::try_from(d)?;
        let mut sec = self.sec.checked_add(d.sec).ok_or(Errno::EOVERFLOW)?;
        let mut nsec = self.nsec + d.nsec; // both below 1e9: no overflow
        if nsec >= NANOS_PER_SEC {
            nsec -= NANOS_PER_SEC;
            sec = sec.checked_add(1).ok_or(Errno::EOVERFLOW)?;
        }
        Ok(Timespec { sec, nsec })
    }

    /// The time from `earlier` to `self`.
    ///
    /// # Errors
    /// `EINVAL` if either is not valid or `earlier` is later than `self`; `EOVERFLOW` if the
    /// difference does not fit (seconds beyond `i64`, which only times hundreds of billions of
    /// years apart reach).
    pub fn duration_since(self, earlier: Timespec) -> Result<Duration> {
        if !self.is_valid() || !earlier.is_valid() || earlier > self {
            return Err(Errno::EINVAL);
        }
        // `self >= earlier`, so the difference is non-negative; compute it in i128.
        let ns = (i128::from(self.sec) - i128::from(earlier.sec)) * i128::from(NANOS_PER_SEC)
            + i128::from(self.nsec - earlier.nsec);
        let secs = u64::try_from(ns / i128::from(NANOS_PER_SEC)).map_err(|_| Errno::EOVERFLOW)?;
        Ok(Duration::new(secs, (ns % i128::from(NANOS_PER_SEC)) as u32))
    }

    /// The kernel's layout of this value.
    pub const fn to_kernel(self) -> __kernel_timespec {
        __kernel_timespec {
            tv_sec: self.sec,
            tv_nsec: self.nsec,
        }
    }

    /// From the kernel's layout.
    pub const fn from_kernel(ts: __kernel_timespec) -> Timespec {
        Timespec {
            sec: ts.tv_sec,
            nsec: ts.tv_nsec,
        }
    }
}

/// A `Duration` as a `Timespec`.
///
/// # Errors
/// `EOVERFLOW` if the seconds exceed `i64::MAX`.
impl TryFrom<Duration> for Timespec {
    type Error = Errno;
    fn try_from(d: Duration) -> Result<Timespec> {
        Ok(Timespec {
            sec: i64::try_from(d.as_secs()).map_err(|_| Errno::EOVERFLOW)?,
            nsec: i64::from(d.subsec_nanos()),
        })
    }
}

/// A `Timespec` as a `Duration` (from zero).
///
/// # Errors
/// `EINVAL` if `nsec` is out of range or the time is negative (a `Duration` cannot be).
impl TryFrom<Timespec> for Duration {
    type Error = Errno;
    fn try_from(ts: Timespec) -> Result<Duration> {
        if !ts.is_valid() || ts.sec < 0 {
            return Err(Errno::EINVAL);
        }
        Ok(Duration::new(ts.sec as u64, ts.nsec as u32))
    }
}

/// A point in time or a duration in microseconds: seconds and microseconds
/// (`0..1_000_000` for a valid value), as the kernel's `struct __kernel_old_timeval`, which
/// `gettimeofday`, `settimeofday`, `setitimer` and socket timeouts use.
///
/// `#[repr(C)]`, with the layout of `struct __kernel_old_timeval` on the 64-bit
/// architectures sysrt supports (pinned by a unit test).
///
/// Go: `syscall.Timeval`.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(C)]
pub struct Timeval {
    /// Seconds.
    pub sec: i64,
    /// Microseconds, `0..1_000_000`.
    pub usec: i64,
}

impl Timeval {
    /// Zero.
    pub const ZERO: Timeval = Timeval { sec: 0, usec: 0 };

    /// A `Timeval` from seconds and microseconds, as given (see [`Timeval::is_valid`]).
    pub const fn new(sec: i64, usec: i64) -> Timeval {
        Timeval { sec, usec }
    }

    /// Whether `usec` is in `0..1_000_000`.
    pub const fn is_valid(self) -> bool {
        self.usec >= 0 && self.usec < MICROS_PER_SEC
    }

    /// `NsecToTimeval(nsec)` — `nsec` nanoseconds from zero, rounded up to a whole
    /// microsecond (as Go does, so that a short non-zero timeout never becomes zero); exact in
    /// range for every `i64`.
    ///
    /// Go: `syscall.NsecToTimeval`.
    #[doc(alias = "NsecToTimeval")]
    pub const fn from_nanos(nsec: i64) -> Timeval {
        let mut sec = nsec.div_euclid(NANOS_PER_SEC);
        // 0..=1_000_000: the remainder is below 1e9, so the rounding cannot overflow.
        let mut usec = (nsec.rem_euclid(NANOS_PER_SEC) + NANOS_PER_MICRO - 1) / NANOS_PER_MICRO;
        if usec == MICROS_PER_SEC {
            // `sec` is at most i64::MAX / 1e9 here: adding one cannot overflow.
            sec += 1;
            usec = 0;
        }
        Timeval { sec, usec }
    }

    /// `TimevalToNsec(tv)` — the time in nanoseconds from zero.
    ///
    /// # Errors
    /// `EINVAL` if `usec` is out of range; `EOVERFLOW` if the result does not fit an `i64`.
    ///
    /// Go: `syscall.TimevalToNsec`, `Timeval.Nano`.
    #[doc(alias = "TimevalToNsec")]
    #[doc(alias = "Nano")]
    pub const fn as_nanos(self) -> Result<i64> {
        if !self.is_valid() {
            return Err(Errno::EINVAL);
        }
        Timespec::new(self.sec, self.usec * NANOS_PER_MICRO).as_nanos()
    }

    /// `(sec, nsec)`: the seconds and the microseconds as nanoseconds. Go: `Timeval.Unix`.
    #[doc(alias = "Unix")]
    pub const fn unix(self) -> (i64, i64) {
        (self.sec, self.usec.saturating_mul(NANOS_PER_MICRO))
    }

    /// The kernel's layout of this value.
    pub const fn to_kernel(self) -> __kernel_old_timeval {
        __kernel_old_timeval {
            tv_sec: self.sec,
            tv_usec: self.usec,
        }
    }

    /// From the kernel's layout.
    pub const fn from_kernel(tv: __kernel_old_timeval) -> Timeval {
        Timeval {
            sec: tv.tv_sec,
            usec: tv.tv_usec,
        }
    }
}

/// A `Duration` as a `Timeval`, rounded up to a whole microsecond.
///
/// # Errors
/// `EOVERFLOW` if the seconds exceed `i64::MAX`.
impl TryFrom<Duration> for Timeval {
    type Error = Errno;
    fn try_from(d: Duration) -> Result<Timeval> {
        Timeval::try_from(Timespec::try_from(d)?)
    }
}

/// A `Timeval` as a `Duration` (from zero).
///
/// # Errors
/// `EINVAL` if `usec` is out of range or the time is negative.
impl TryFrom<Timeval> for Duration {
    type Error = Errno;
    fn try_from(tv: Timeval) -> Result<Duration> {
        if !tv.is_valid() || tv.sec < 0 {
            return Err(Errno::EINVAL);
        }
        Ok(Duration::new(
            tv.sec as u64,
            (tv.usec * NANOS_PER_MICRO) as u32,
        ))
    }
}

/// A `Timespec` as a `Timeval`, rounded up to a whole microsecond.
///
/// # Errors
/// `EINVAL` if `nsec` is out of range; `EOVERFLOW` if rounding up carries past `i64::MAX`
/// seconds.
impl TryFrom<Timespec> for Timeval {
    type Error = Errno;
    fn try_from(ts: Timespec) -> Result<Timeval> {
        if !ts.is_valid() {
            return Err(Errno::EINVAL);
        }
        let usec = (ts.nsec + NANOS_PER_MICRO - 1) / NANOS_PER_MICRO; // nsec < 1e9: no overflow
        if usec == MICROS_PER_SEC {
            let sec = ts.sec.checked_add(1).ok_or(Errno::EOVERFLOW)?;
            return Ok(Timeval { sec, usec: 0 });
        }
        Ok(Timeval { sec: ts.sec, usec })
    }
}

/// A `Timeval` as a `Timespec` (exact).
///
/// # Errors
/// `EINVAL` if `usec` is out of range.
impl TryFrom<Timeval> for Timespec {
    type Error = Errno;
    fn try_from(tv: Timeval) -> Result<Timespec> {
        if !tv.is_valid() {
            return Err(Errno::EINVAL);
        }
        Ok(Timespec::new(tv.sec, tv.usec * NANOS_PER_MICRO))
    }
}

#[cfg(test)]
mod tests {
    use core::mem::{offset_of, size_of};

    use super::*;

    #[test]
    fn layouts_are_the_kernels() {
        assert_eq!(size_of::<Timespec>(), size_of::<__kernel_timespec>());
        assert_eq!(
            offset_of!(Timespec, sec),
            offset_of!(__kernel_timespec, tv_sec)
        );
        assert_eq!(
            offset_of!(Timespec, nsec),
            offset_of!(__kernel_timespec, tv_nsec)
        );
        assert_eq!(size_of::<Timeval>(), size_of::<__kernel_old_timeval>());
        assert_eq!(
            offset_of!(Timeval, sec),
            offset_of!(__kernel_old_timeval, tv_sec)
        );
        assert_eq!(
            offset_of!(Timeval, usec),
            offset_of!(__kernel_old_timeval, tv_usec)
        );
    }

    #[test]
    fn nanos_round_trip_at_the_edges() {
        for n in [
            0,
            1,
            -1,
            999_999_999,
            1_000_000_000,
            -1_000_000_000,
            -1_000_000_001,
            i64::MAX,
            i64::MIN,
            i64::MAX - 1,
            i64::MIN + 1,
        ] {
            let ts = Timespec::from_nanos(n);
            assert!(ts.is_valid(), "{n}");
            assert_eq!(ts.as_nanos(), Ok(n), "{n}");
        }
        assert_eq!(Timespec::from_nanos(-1), Timespec::new(-1, 999_999_999));
        assert_eq!(Timespec::from_nanos(1_500_000_000).unix(), (1, 500_000_000));
    }

    #[test]
    fn invalid_and_overflowing_timespecs_are_errors() {
        assert_eq!(
            Timespec::new(0, 1_000_000_000).as_nanos(),
            Err(Errno::EINVAL)
        );
        assert_eq!(Timespec::new(0, -1).as_nanos(), Err(Errno::EINVAL));
        assert_eq!(Timespec::new(i64::MAX, 0).as_nanos(), Err(Errno::EOVERFLOW));
        assert_eq!(Timespec::new(i64::MIN, 0).as_nanos(), Err(Errno::EOVERFLOW));
        assert_eq!(
            Timespec::new(9_223_372_036, 854_775_808).as_nanos(),
            Err(Errno::EOVERFLOW)
        );
        assert_eq!(
            Timespec::new(9_223_372_036, 854_775_807).as_nanos(),
            Ok(i64::MAX)
        );
        assert_eq!(Duration::try_from(Timespec::new(-1, 0)), Err(Errno::EINVAL));
        assert_eq!(Duration::try_from(Timespec::new(1, -1)), Err(Errno::EINVAL));
        assert_eq!(
            Duration::try_from(Timespec::new(1, 1_000_000_000)),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            Timespec::try_from(Duration::new(u64::MAX, 999_999_999)),
            Err(Errno::EOVERFLOW)
        );
        assert_eq!(
            Timespec::try_from(Duration::new(i64::MAX as u64, 999_999_999)),
            Ok(Timespec::new(i64::MAX, 999_999_999))
        );
        assert_eq!(
            Duration::try_from(Timespec::new(i64::MAX, 999_999_999)),
            Ok(Duration::new(i64::MAX as u64, 999_999_999))
        );
    }

    #[test]
    fn add_and_difference() {
        let t = Timespec::new(1, 600_000_000);
        assert_eq!(
            t.checked_add(Duration::from_millis(500)),
            Ok(Timespec::new(2, 100_000_000))
        );
        assert_eq!(
            Timespec::new(i64::MAX, 600_000_000).checked_add(Duration::from_millis(500)),
            Err(Errno::EOVERFLOW)
        );
        assert_eq!(
            Timespec::new(0, -5).checked_add(Duration::ZERO),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            Timespec::new(2, 100_000_000).duration_since(t),
            Ok(Duration::from_millis(500))
        );
        assert_eq!(t.duration_since(Timespec::new(2, 0)), Err(Errno::EINVAL));
        assert_eq!(
            Timespec::new(i64::MAX, 0).duration_since(Timespec::new(i64::MIN, 0)),
            Ok(Duration::new(u64::MAX, 0))
        );
    }

    #[test]
    fn timeval_conversions() {
        assert_eq!(Timeval::from_nanos(1), Timeval::new(0, 1));
        assert_eq!(Timeval::from_nanos(1_000), Timeval::new(0, 1));
        assert_eq!(Timeval::from_nanos(1_001), Timeval::new(0, 2));
        assert_eq!(Timeval::from_nanos(999_999_001), Timeval::new(1, 0));
        assert_eq!(Timeval::from_nanos(-1), Timeval::new(0, 0));
        assert_eq!(Timeval::from_nanos(-1_000), Timeval::new(-1, 999_999));
        for n in [i64::MAX, i64::MIN, 0, -1_500_000_000] {
            assert!(Timeval::from_nanos(n).is_valid(), "{n}");
        }
        assert_eq!(Timeval::new(1, 5).as_nanos(), Ok(1_000_005_000));
        assert_eq!(Timeval::new(1, 1_000_000).as_nanos(), Err(Errno::EINVAL));
        assert_eq!(Timeval::new(1, -1).as_nanos(), Err(Errno::EINVAL));
        assert_eq!(Timeval::new(i64::MAX, 0).as_nanos(), Err(Errno::EOVERFLOW));
        assert_eq!(Timeval::new(3, 7).unix(), (3, 7_000));
        assert_eq!(
            Timeval::try_from(Duration::new(1, 1)),
            Ok(Timeval::new(1, 1))
        );
        assert_eq!(
            Timeval::try_from(Timespec::new(i64::MAX, 999_999_999)),
            Err(Errno::EOVERFLOW)
        );
        assert_eq!(
            Timespec::try_from(Timeval::new(2, 3)),
            Ok(Timespec::new(2, 3_000))
        );
        assert_eq!(Duration::try_from(Timeval::new(-1, 0)), Err(Errno::EINVAL));
        assert_eq!(
            Duration::try_from(Timeval::new(2, 999_999)),
            Ok(Duration::new(2, 999_999_000))
        );
    }
}
