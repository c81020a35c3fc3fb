//! `setitimer(ITIMER_REAL)` through the raw layer: the SIGALRM source the time programs use to
//! interrupt a sleep or a vDSO call, independent of the POSIX timers they test.

use linux_raw_sys::general::{__kernel_old_itimerval, __kernel_old_timeval, ITIMER_REAL};
use sysrt::{Errno, Sysno};

/// Arms `ITIMER_REAL` (SIGALRM) to fire after `first_us` and then every `every_us`
/// microseconds; `arm(0, 0)` disarms it.
pub fn arm(first_us: i64, every_us: i64) -> Result<(), Errno> {
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
