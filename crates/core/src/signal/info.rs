//! `siginfo_t`, as a handler and `rt_sigtimedwait` see it.

use core::fmt;

use linux_raw_sys::general::{self as g, siginfo};

use super::Signal;
use crate::process::Pid;

/// The kernel's `siginfo_t` (128 bytes): what an `SA_SIGINFO` handler receives and what
/// [`rt_sigtimedwait`](super::rt_sigtimedwait) returns.
///
/// The accessors read the union member that `si_code` and the signal select; each says when
/// its value is meaningful. Every accessor is a plain read of bytes the kernel filled (the
/// whole 128 bytes are always written), so none can misbehave on a value of the wrong kind:
/// it just returns a meaningless number.
///
/// # References
/// `man 2 sigaction` ("The siginfo_t argument"). Go: `unix.Siginfo` (x/sys/unix).
#[derive(Copy, Clone)]
#[repr(transparent)]
pub struct SigInfo(siginfo);

/// `si_code` values; see `man 2 sigaction`.
impl SigInfo {
    /// `SI_USER`: sent by `kill`.
    pub const SI_USER: i32 = g::SI_USER as i32;
    /// `SI_KERNEL`: sent by the kernel.
    pub const SI_KERNEL: i32 = g::SI_KERNEL as i32;
    /// `SI_QUEUE`: sent by `sigqueue`/`rt_sigqueueinfo`.
    pub const SI_QUEUE: i32 = g::SI_QUEUE;
    /// `SI_TKILL`: sent by `tkill`/`tgkill` (so also [`raise`](super::raise)).
    pub const SI_TKILL: i32 = g::SI_TKILL;
    /// `CLD_EXITED` (`SIGCHLD`): the child exited; [`status`](Self::status) is its exit code.
    pub const CLD_EXITED: i32 = g::CLD_EXITED as i32;
    /// `CLD_KILLED` (`SIGCHLD`): the child was killed; `status` is the signal.
    pub const CLD_KILLED: i32 = g::CLD_KILLED as i32;
    /// `CLD_DUMPED` (`SIGCHLD`): the child was killed and dumped core; `status` is the signal.
    pub const CLD_DUMPED: i32 = g::CLD_DUMPED as i32;
    /// `CLD_STOPPED` (`SIGCHLD`): the child stopped; `status` is the signal.
    pub const CLD_STOPPED: i32 = g::CLD_STOPPED as i32;
    /// `CLD_CONTINUED` (`SIGCHLD`): the child continued.
    pub const CLD_CONTINUED: i32 = g::CLD_CONTINUED as i32;
}

impl SigInfo {
    /// An all-zero value, for the kernel to fill.
    pub(crate) fn zeroed() -> SigInfo {
        // SAFETY: siginfo is integers and raw pointers in unions; all-zero is valid for each.
        SigInfo(unsafe { core::mem::zeroed() })
    }

    /// The common header (signo, errno, code).
    fn head(&self) -> &g::siginfo__bindgen_ty_1__bindgen_ty_1 {
        // The header overlays the 128-byte padding member; every byte is initialised (by the
        // kernel, or by `zeroed`).
        // SAFETY: integers and unions of integers and pointers: any initialised bytes are valid.
        unsafe { &self.0.__bindgen_anon_1.__bindgen_anon_1 }
    }

    /// `si_signo`: the signal number.
    pub fn signo(&self) -> i32 {
        self.head().si_signo
    }

    /// The signal, or `None` if `si_signo` is not one (never for a value from the kernel).
    pub fn signal(&self) -> Option<Signal> {
        Signal::from_raw(self.signo())
    }

    /// `si_errno`: an errno value, rarely set (0 otherwise).
    pub fn errno(&self) -> i32 {
        self.head().si_errno
    }

    /// `si_code`: why the signal was sent ([`SigInfo::SI_USER`], [`SigInfo::SI_TKILL`],
    /// [`SigInfo::CLD_EXITED`], or a fault code such as `SEGV_MAPERR`).
    pub fn code(&self) -> i32 {
        self.head().si_code
    }

    /// `si_pid`: the sending process (for `kill`, `tkill`, `sigqueue`) or the child (for
    /// `SIGCHLD`).
    pub fn pid(&self) -> Pid {
        // SAFETY: `_kill`, `_rt` and `_sigchld` all start with `si_pid` at this offset; the
        // bytes are initialised integers (see `head`).
        Pid::from_raw(unsafe { self.head()._sifields._kill._pid })
    }

    /// `si_uid`: the real user ID of the sender (for `kill`, `tkill`, `sigqueue`, `SIGCHLD`).
    pub fn uid(&self) -> u32 {
        // SAFETY: as for `pid`: `si_uid` follows `si_pid` in each of those members.
        unsafe { self.head()._sifields._kill._uid }
    }

    /// `si_status` (`SIGCHLD`): the exit code, or the signal that ended, stopped or
    /// continued the child, as [`code`](Self::code) says.
    pub fn status(&self) -> i32 {
        // SAFETY: as for `pid`; `_sigchld._status` is an int.
        unsafe { self.head()._sifields._sigchld._status }
    }

    /// `si_value` (a POSIX timer's signal, `SI_TIMER`, or a queued one, `SI_QUEUE`): the value
    /// its sender attached ([`SigEvent`](crate::time::SigEvent)'s `value`, `sigqueue`'s), as
    /// `si_ptr` (its low 32 bits are `si_int`).
    pub fn value(&self) -> usize {
        // SAFETY: `_timer` and `_rt` both hold `sigval` 8 bytes into the fields, after two
        // ints; it is read as the pointer-sized number it overlays (see `head`).
        unsafe { self.head()._sifields._timer._sigval.sival_ptr as usize }
    }

    /// `si_timerid` (`SI_TIMER`): the id of the POSIX timer that expired
    /// ([`Timer::raw`](crate::time::Timer::raw)).
    pub fn timer_id(&self) -> i32 {
        // SAFETY: as for `value`; `_timer._tid` is an int.
        unsafe { self.head()._sifields._timer._tid }
    }

    /// `si_overrun` (`SI_TIMER`): the timer's expiries missed before this signal was taken
    /// (as [`timer_getoverrun`](crate::time::timer_getoverrun) then reports).
    pub fn overrun(&self) -> i32 {
        // SAFETY: as for `value`; `_timer._overrun` is an int.
        unsafe { self.head()._sifields._timer._overrun }
    }

    /// `si_addr` (`SIGSEGV`, `SIGBUS`, `SIGILL`, `SIGFPE`, `SIGTRAP`): the faulting address.
    pub fn addr(&self) -> usize {
        // SAFETY: as for `pid`; `_sigfault._addr` is a pointer-sized value, read as a number.
        unsafe { self.head()._sifields._sigfault._addr as usize }
    }
}

impl fmt::Debug for SigInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigInfo")
            .field("signo", &self.signo())
            .field("code", &self.code())
            .field("pid", &self.pid())
            .field("uid", &self.uid())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};

    #[test]
    fn layout_is_the_kernels() {
        assert_eq!(size_of::<SigInfo>(), 128);
        let mut s = SigInfo::zeroed();
        let bytes = &raw mut s as *mut u8;
        // si_signo, si_errno, si_code, then the union at 16 (pointer-aligned).
        assert_eq!(
            offset_of!(g::siginfo__bindgen_ty_1__bindgen_ty_1, _sifields),
            16
        );
        // SAFETY: writes inside the 128-byte value.
        unsafe {
            bytes.cast::<i32>().write(10);
            bytes.add(8).cast::<i32>().write(-6);
            bytes.add(16).cast::<i32>().write(1234);
            bytes.add(20).cast::<u32>().write(65534);
            bytes.add(24).cast::<i32>().write(7);
        }
        assert_eq!(s.signal(), Some(Signal::USR1));
        assert_eq!(s.code(), SigInfo::SI_TKILL);
        assert_eq!(s.pid(), Pid::from_raw(1234));
        assert_eq!(s.uid(), 65534);
        assert_eq!(s.status(), 7);
        assert_eq!(s.addr(), 65534 << 32 | 1234);
        // The timer fields: si_timerid at 16, si_overrun at 20, si_value at 24.
        assert_eq!((s.timer_id(), s.overrun()), (1234, 65534));
        // SAFETY: writes inside the 128-byte value.
        unsafe { bytes.add(24).cast::<u64>().write(0x5157) };
        assert_eq!(s.value(), 0x5157);
    }
}
