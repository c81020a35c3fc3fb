//! Time values shared by many calls.

use linux_raw_sys::general::{__kernel_timespec, UTIME_NOW, UTIME_OMIT};

/// A point in time or a duration: seconds and nanoseconds (`0..1_000_000_000` for a valid
/// value), as the kernel's 64-bit `struct __kernel_timespec`.
///
/// Go: `syscall.Timespec`.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timespec {
    /// Seconds.
    pub sec: i64,
    /// Nanoseconds, `0..1_000_000_000`.
    pub nsec: i64,
}

impl Timespec {
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

    /// A `Timespec` from seconds and nanoseconds.
    pub const fn new(sec: i64, nsec: i64) -> Timespec {
        Timespec { sec, nsec }
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
