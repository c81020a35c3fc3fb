//! Time: the [`Timespec`] and [`Timeval`] values, clocks and sleeping, setting the clock, and
//! POSIX timers.
//!
//! `clock_gettime`, `clock_getres`, `gettimeofday` and `time` go through the vDSO where the
//! kernel provides one ([`crate::vdso`]), and otherwise through the syscall, with the same
//! results.
//!
//! Dispatch only: each family lives in its own file, and everything is re-exported here, so
//! the public path of every item is `sysrt::time::NAME`.

mod clock;
mod set;
mod timer;
mod timespec;

pub use clock::*;
pub use set::*;
pub use timer::*;
pub use timespec::*;
