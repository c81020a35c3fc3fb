//! Setting and steering the system clock: `clock_settime`, `settimeofday`, `adjtimex` and
//! `clock_adjtime`. All need `CAP_SYS_TIME` to change anything; `adjtimex` with no mode bits
//! only reads.

use bitflags::bitflags;

use crate::time::{ClockId, Timespec, Timeval};
use crate::{Errno, Result, Sysno, arch};

/// `clock_settime(clock, time)` — sets `clock` (only `CLOCK_REALTIME` and dynamic clocks can be
/// set).
///
/// # Errors
/// `EPERM` (no `CAP_SYS_TIME`); `EINVAL` (a clock that cannot be set, such as
/// `CLOCK_MONOTONIC`, `time.nsec` out of range, or a negative time).
///
/// # References
/// `man 2 clock_settime`. Go: `unix.ClockSettime` (x/sys/unix).
#[doc(alias = "ClockSettime")]
#[inline]
pub fn clock_settime(clock: ClockId, time: &Timespec) -> Result<()> {
    let ts = time.to_kernel();
    // SAFETY: the kernel reads one timespec from `ts`, which lives across the call.
    Errno::decode(unsafe {
        arch::syscall2_readonly(
            Sysno::clock_settime,
            clock.raw() as usize,
            &raw const ts as usize,
        )
    })
    .map(drop)
}

/// `settimeofday(time, NULL)` — sets the wall-clock time. The obsolete time-zone argument is
/// never passed (setting it alone can also shift the clock once, a legacy behaviour this
/// wrapper cannot trigger).
///
/// # Errors
/// `EPERM` (no `CAP_SYS_TIME`); `EINVAL` (`time.usec` out of range, or a negative time).
///
/// # References
/// `man 2 settimeofday`. Go: `syscall.Settimeofday`.
#[doc(alias = "Settimeofday")]
#[inline]
pub fn settimeofday(time: &Timeval) -> Result<()> {
    let tv = time.to_kernel();
    // SAFETY: the kernel reads one timeval from `tv`, which lives across the call; no
    // time zone is passed.
    Errno::decode(unsafe {
        arch::syscall2_readonly(Sysno::settimeofday, &raw const tv as usize, 0)
    })
    .map(drop)
}

bitflags! {
    /// What [`adjtimex`] changes: the `ADJ_*` mode bits of `struct timex` (none: only read).
    ///
    /// The values are from the kernel's `include/uapi/linux/timex.h`, which linux-raw-sys
    /// does not carry.
    #[derive(Copy, Clone, Debug, Eq, PartialEq, Hash, Default)]
    #[repr(transparent)]
    pub struct AdjModes: u32 {
        /// `ADJ_OFFSET`: the time offset (`offset`).
        const OFFSET = 0x0001;
        /// `ADJ_FREQUENCY`: the frequency offset (`freq`).
        const FREQUENCY = 0x0002;
        /// `ADJ_MAXERROR`: the maximum error (`maxerror`).
        const MAXERROR = 0x0004;
        /// `ADJ_ESTERROR`: the estimated error (`esterror`).
        const ESTERROR = 0x0008;
        /// `ADJ_STATUS`: the status bits (`status`).
        const STATUS = 0x0010;
        /// `ADJ_TIMECONST`: the PLL time constant (`constant`).
        const TIMECONST = 0x0020;
        /// `ADJ_TAI`: the TAI offset (from `constant`).
        const TAI = 0x0080;
        /// `ADJ_SETOFFSET`: add `time` to the current time.
        const SETOFFSET = 0x0100;
        /// `ADJ_MICRO`: `time`'s sub-second field is in microseconds.
        const MICRO = 0x1000;
        /// `ADJ_NANO`: `time`'s sub-second field is in nanoseconds.
        const NANO = 0x2000;
        /// `ADJ_TICK`: the tick length (`tick`, microseconds).
        const TICK = 0x4000;
        /// `ADJ_OFFSET_SINGLESHOT`: the old `adjtime(3)`: slew by `offset` microseconds.
        const OFFSET_SINGLESHOT = 0x8001;
        /// `ADJ_OFFSET_SS_READ`: read what is left of an `adjtime(3)` slew.
        const OFFSET_SS_READ = 0xa001;
    }
}

bitflags! {
    /// The `STA_*` status bits of `struct timex` (from `include/uapi/linux/timex.h`).
    #[derive(Copy, Clone, Debug, Eq, PartialEq, Hash, Default)]
    #[repr(transparent)]
    pub struct ClockStatus: i32 {
        /// `STA_PLL`: PLL updates enabled.
        const PLL = 0x0001;
        /// `STA_PPSFREQ`: PPS frequency discipline enabled.
        const PPSFREQ = 0x0002;
        /// `STA_PPSTIME`: PPS time discipline enabled.
        const PPSTIME = 0x0004;
        /// `STA_FLL`: frequency-lock mode.
        const FLL = 0x0008;
        /// `STA_INS`: insert a leap second at the end of the day.
        const INS = 0x0010;
        /// `STA_DEL`: delete a leap second at the end of the day.
        const DEL = 0x0020;
        /// `STA_UNSYNC`: the clock is not synchronised.
        const UNSYNC = 0x0040;
        /// `STA_FREQHOLD`: hold the frequency.
        const FREQHOLD = 0x0080;
        /// `STA_PPSSIGNAL`: a PPS signal is present (read-only).
        const PPSSIGNAL = 0x0100;
        /// `STA_PPSJITTER`: PPS jitter exceeded (read-only).
        const PPSJITTER = 0x0200;
        /// `STA_PPSWANDER`: PPS wander exceeded (read-only).
        const PPSWANDER = 0x0400;
        /// `STA_PPSERROR`: PPS calibration error (read-only).
        const PPSERROR = 0x0800;
        /// `STA_CLOCKERR`: clock hardware fault (read-only).
        const CLOCKERR = 0x1000;
        /// `STA_NANO`: `offset` and `time` are in nanoseconds (read-only).
        const NANO = 0x2000;
        /// `STA_MODE`: FLL mode rather than PLL (read-only).
        const MODE = 0x4000;
        /// `STA_CLK`: clock source B (read-only).
        const CLK = 0x8000;
    }
}

/// The kernel's `struct __kernel_timex` (the 64-bit `struct timex`), as `adjtimex` and
/// `clock_adjtime` read and write it: 208 bytes on every supported arch.
///
/// linux-raw-sys does not carry this struct, so it is typed here from
/// `include/uapi/linux/timex.h`; a unit test pins its size and field offsets. A new value is
/// [`Timex::default`] (all zero: read only, change nothing).
///
/// Go: `syscall.Timex`.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Timex {
    /// What to change (none: only read).
    pub modes: AdjModes,
    _pad0: i32,
    /// Time offset (µs, or ns with `STA_NANO`).
    pub offset: i64,
    /// Frequency offset (ppm with a 16-bit fraction).
    pub freq: i64,
    /// Maximum error (µs).
    pub maxerror: i64,
    /// Estimated error (µs).
    pub esterror: i64,
    /// Clock status.
    pub status: ClockStatus,
    _pad1: i32,
    /// PLL time constant.
    pub constant: i64,
    /// Clock precision (µs, read-only).
    pub precision: i64,
    /// Clock frequency tolerance (ppm with a 16-bit fraction, read-only).
    pub tolerance: i64,
    /// The current time (read-only, except with `ADJ_SETOFFSET`; `usec` holds nanoseconds
    /// with `STA_NANO`/`ADJ_NANO`).
    pub time: Timeval,
    /// Microseconds between clock ticks.
    pub tick: i64,
    /// PPS frequency (read-only).
    pub ppsfreq: i64,
    /// PPS jitter (read-only).
    pub jitter: i64,
    /// PPS interval duration, seconds as a power of two (read-only).
    pub shift: i32,
    _pad2: i32,
    /// PPS stability (read-only).
    pub stabil: i64,
    /// PPS jitter limit exceeded count (read-only).
    pub jitcnt: i64,
    /// PPS calibration interval count (read-only).
    pub calcnt: i64,
    /// PPS calibration error count (read-only).
    pub errcnt: i64,
    /// PPS stability limit exceeded count (read-only).
    pub stbcnt: i64,
    /// The TAI offset (seconds, read-only).
    pub tai: i32,
    _reserved: [i32; 11],
}

impl Timex {
    /// A `Timex` that changes what `modes` says, every field zero: set the fields `modes`
    /// names before the call. `Timex::new(AdjModes::empty())` (or `Timex::default()`) only
    /// reads.
    pub const fn new(modes: AdjModes) -> Timex {
        Timex {
            modes,
            _pad0: 0,
            offset: 0,
            freq: 0,
            maxerror: 0,
            esterror: 0,
            status: ClockStatus::empty(),
            _pad1: 0,
            constant: 0,
            precision: 0,
            tolerance: 0,
            time: Timeval::ZERO,
            tick: 0,
            ppsfreq: 0,
            jitter: 0,
            shift: 0,
            _pad2: 0,
            stabil: 0,
            jitcnt: 0,
            calcnt: 0,
            errcnt: 0,
            stbcnt: 0,
            tai: 0,
            _reserved: [0; 11],
        }
    }
}

/// The clock state `adjtimex` returns (`TIME_*` from `include/uapi/linux/timex.h`).
#[derive(Copy, Clone, Debug, Eq, PartialEq, Hash)]
#[repr(transparent)]
pub struct ClockState(i32);

impl ClockState {
    /// `TIME_OK`: synchronised, no leap second pending.
    pub const OK: ClockState = ClockState(0);
    /// `TIME_INS`: a leap second will be inserted.
    pub const INS: ClockState = ClockState(1);
    /// `TIME_DEL`: a leap second will be deleted.
    pub const DEL: ClockState = ClockState(2);
    /// `TIME_OOP`: a leap second is being inserted.
    pub const OOP: ClockState = ClockState(3);
    /// `TIME_WAIT`: a leap second has happened.
    pub const WAIT: ClockState = ClockState(4);
    /// `TIME_ERROR` (`TIME_BAD`): the clock is not synchronised.
    pub const ERROR: ClockState = ClockState(5);

    /// The raw value.
    pub const fn raw(self) -> i32 {
        self.0
    }
}

/// `adjtimex(buf)` — reads, and with `buf.modes` set changes, the kernel's clock discipline
/// (NTP's interface); `buf` is filled with the current values either way.
///
/// # Errors
/// `EPERM` (mode bits set without `CAP_SYS_TIME`); `EINVAL` (a value out of range, such as a
/// `tick` outside 900000/HZ..1100000/HZ, or an unknown status combination).
///
/// # References
/// `man 2 adjtimex`. Go: `syscall.Adjtimex`.
#[doc(alias = "Adjtimex")]
#[inline]
pub fn adjtimex(buf: &mut Timex) -> Result<ClockState> {
    // The kernel reads and writes exactly one `struct __kernel_timex` (208 bytes, the layout
    // of `Timex`); every field is an integer or a bit set that accepts any value.
    // SAFETY: so whatever it writes at `buf`, which lives across the call, is a valid `Timex`.
    let ret = unsafe { arch::syscall1(Sysno::adjtimex, core::ptr::from_mut(buf) as usize) };
    Errno::decode(ret).map(|s| ClockState(s as i32))
}

/// `clock_adjtime(clock, buf)` — [`adjtimex`] for a given clock (`CLOCK_REALTIME`, or a
/// dynamic clock such as a PTP device).
///
/// # Errors
/// As [`adjtimex`]; `EOPNOTSUPP` for a clock that cannot be adjusted (`CLOCK_MONOTONIC`);
/// `EINVAL` for an unknown clock.
///
/// # References
/// `man 2 clock_adjtime`. Go: `unix.ClockAdjtime` (x/sys/unix).
#[doc(alias = "ClockAdjtime")]
#[inline]
pub fn clock_adjtime(clock: ClockId, buf: &mut Timex) -> Result<ClockState> {
    // SAFETY: as in `adjtimex`: one `struct __kernel_timex` read and written at `buf`.
    let ret = unsafe {
        arch::syscall2(
            Sysno::clock_adjtime,
            clock.raw() as usize,
            core::ptr::from_mut(buf) as usize,
        )
    };
    Errno::decode(ret).map(|s| ClockState(s as i32))
}

#[cfg(test)]
mod tests {
    use core::mem::{offset_of, size_of};

    use super::*;

    /// The layout of `struct __kernel_timex` (include/uapi/linux/timex.h).
    #[test]
    fn timex_has_the_kernel_layout() {
        assert_eq!(size_of::<Timex>(), 208);
        assert_eq!(offset_of!(Timex, modes), 0);
        assert_eq!(offset_of!(Timex, offset), 8);
        assert_eq!(offset_of!(Timex, freq), 16);
        assert_eq!(offset_of!(Timex, maxerror), 24);
        assert_eq!(offset_of!(Timex, esterror), 32);
        assert_eq!(offset_of!(Timex, status), 40);
        assert_eq!(offset_of!(Timex, constant), 48);
        assert_eq!(offset_of!(Timex, precision), 56);
        assert_eq!(offset_of!(Timex, tolerance), 64);
        assert_eq!(offset_of!(Timex, time), 72);
        assert_eq!(offset_of!(Timex, tick), 88);
        assert_eq!(offset_of!(Timex, ppsfreq), 96);
        assert_eq!(offset_of!(Timex, jitter), 104);
        assert_eq!(offset_of!(Timex, shift), 112);
        assert_eq!(offset_of!(Timex, stabil), 120);
        assert_eq!(offset_of!(Timex, jitcnt), 128);
        assert_eq!(offset_of!(Timex, calcnt), 136);
        assert_eq!(offset_of!(Timex, errcnt), 144);
        assert_eq!(offset_of!(Timex, stbcnt), 152);
        assert_eq!(offset_of!(Timex, tai), 160);
        assert_eq!(size_of::<AdjModes>(), 4);
        assert_eq!(size_of::<ClockStatus>(), 4);
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "real syscalls (adjtimex): Miri cannot run a trap instruction"
    )]
    fn reading_needs_no_privilege_and_changes_nothing() {
        let mut tx = Timex::default();
        let state = adjtimex(&mut tx).unwrap();
        assert!((0..=5).contains(&state.raw()));
        assert!(tx.tick > 0 && tx.time.is_valid());
        assert_eq!(
            clock_adjtime(ClockId::MONOTONIC, &mut Timex::default()),
            Err(Errno::EOPNOTSUPP)
        );
    }
}
