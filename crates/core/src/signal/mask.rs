//! The blocked mask and waiting: `rt_sigprocmask`, `sigpending`, `sigsuspend`, `pause` and
//! `rt_sigtimedwait`.

use linux_raw_sys::general::{self as g, kernel_sigset_t};

use super::{SigInfo, SigSet};
use crate::time::Timespec;
use crate::{Errno, Result, Sysno, arch};

/// How [`rt_sigprocmask`] changes the blocked mask.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub enum How {
    /// `SIG_BLOCK`: add the set to the mask.
    #[doc(alias = "SIG_BLOCK")]
    Block,
    /// `SIG_UNBLOCK`: remove the set from the mask.
    #[doc(alias = "SIG_UNBLOCK")]
    Unblock,
    /// `SIG_SETMASK`: replace the mask with the set.
    #[doc(alias = "SIG_SETMASK")]
    SetMask,
}

impl How {
    const fn raw(self) -> u32 {
        match self {
            How::Block => g::SIG_BLOCK,
            How::Unblock => g::SIG_UNBLOCK,
            How::SetMask => g::SIG_SETMASK,
        }
    }
}

/// The size argument of the `rt_sig*` calls: the kernel's sigset, 8 bytes.
const SIGSET_SIZE: usize = size_of::<kernel_sigset_t>();

/// `rt_sigprocmask(how, set)` — changes the calling thread's blocked-signal mask; returns the
/// mask as it was before.
///
/// A blocked signal stays pending until it is unblocked (then delivered) or taken with
/// [`rt_sigtimedwait`], a signalfd or [`Notify`](super::Notify). `SIGKILL` and `SIGSTOP` are
/// silently left out of the mask. `rt_sigprocmask(How::Block, SigSet::EMPTY)` reads the mask
/// without changing it.
///
/// The mask is per thread; a new thread or child process starts with its creator's mask, and
/// `execve` keeps it.
///
/// # Errors
/// None in practice (`EINVAL` is only for a bad `how`, which the type rules out).
///
/// # References
/// `man 2 rt_sigprocmask`. Go: `unix.PthreadSigmask` (x/sys/unix).
#[doc(alias = "sigprocmask")]
#[doc(alias = "pthread_sigmask")]
#[doc(alias = "PthreadSigmask")]
#[inline]
pub fn rt_sigprocmask(how: How, set: SigSet) -> Result<SigSet> {
    let new = set.raw();
    let mut old = 0u64;
    // SAFETY: the kernel reads one sigset from `new` and writes one into `old`, both live
    // 8-byte locals; the size passed is the kernel's sigset size.
    let ret = unsafe {
        arch::syscall4(
            Sysno::rt_sigprocmask,
            how.raw() as usize,
            &raw const new as usize,
            &raw mut old as usize,
            SIGSET_SIZE,
        )
    };
    Errno::decode(ret).map(|_| SigSet::from_raw(old))
}

/// `sigpending()` — the signals pending for the calling thread or its process (blocked ones
/// that have been sent but not yet delivered). Uses `rt_sigpending`.
///
/// # Errors
/// None in practice.
///
/// # References
/// `man 2 sigpending`.
#[doc(alias = "rt_sigpending")]
#[inline]
pub fn sigpending() -> Result<SigSet> {
    let mut set = 0u64;
    // SAFETY: the kernel writes one 8-byte sigset into `set`, a live local.
    let ret = unsafe { arch::syscall2(Sysno::rt_sigpending, &raw mut set as usize, SIGSET_SIZE) };
    Errno::decode(ret).map(|_| SigSet::from_raw(set))
}

/// `sigsuspend(mask)` — replaces the blocked mask with `mask` and sleeps until a signal runs
/// a handler (or ends the process); then restores the mask. Uses `rt_sigsuspend`.
///
/// The classic race-free wait: block a signal, check the condition its handler sets, then
/// `sigsuspend` with the signal unblocked. It only returns after a handler ran, always with
/// `EINTR`, which is what this returns. Do not restart it ([`crate::retry_on_intr`] would
/// loop forever).
///
/// # References
/// `man 2 sigsuspend`.
#[doc(alias = "rt_sigsuspend")]
#[inline]
pub fn sigsuspend(mask: SigSet) -> Errno {
    let set = mask.raw();
    // SAFETY: the kernel reads one 8-byte sigset from `set`, a live local.
    let ret = unsafe { arch::syscall2(Sysno::rt_sigsuspend, &raw const set as usize, SIGSET_SIZE) };
    Errno::decode(ret).err().unwrap_or(Errno::EINTR)
}

/// `pause()` — sleeps until a signal runs a handler (or ends the process); returns `EINTR`.
///
/// Uses `ppoll(NULL, 0, NULL, NULL)` on every arch, as Go does on arm64 and riscv64: the
/// generic syscall table has no `pause`. Between checking a flag and calling `pause`, a
/// signal may arrive and be handled, and `pause` then sleeps until the next one; use
/// [`sigsuspend`] or [`Notify`](super::Notify) to wait without that race.
///
/// # References
/// `man 2 pause`, `man 2 ppoll`. Go: `syscall.Pause`.
#[doc(alias = "Pause")]
#[inline]
pub fn pause() -> Errno {
    // SAFETY: no descriptors (NULL, 0), no timeout and no mask: the kernel reads and writes
    // no memory of ours.
    let ret = unsafe { arch::syscall5(Sysno::ppoll, 0, 0, 0, 0, 0) };
    Errno::decode(ret).err().unwrap_or(Errno::EINTR)
}

/// `rt_sigtimedwait(set, timeout)` — waits for one of the signals in `set` to be pending and
/// takes it, with no handler running; `timeout` of `None` waits forever.
///
/// The signals in `set` should be blocked ([`rt_sigprocmask`]); otherwise one may be
/// delivered normally before this call takes it. A signal pending when the call starts is
/// returned at once (a zero timeout polls).
///
/// # Errors
/// `EAGAIN` (the timeout expired with none pending), `EINTR` (a signal outside `set` ran a
/// handler), `EINVAL` (`timeout` with a negative value or nanoseconds ≥ 1,000,000,000).
///
/// # References
/// `man 2 rt_sigtimedwait`.
#[doc(alias = "sigtimedwait")]
#[doc(alias = "sigwaitinfo")]
#[inline]
pub fn rt_sigtimedwait(set: SigSet, timeout: Option<Timespec>) -> Result<SigInfo> {
    let set = set.raw();
    let ts = timeout.map(Timespec::to_kernel);
    let ts_ptr = ts.as_ref().map_or(0, |t| core::ptr::from_ref(t) as usize);
    let mut info = SigInfo::zeroed();
    // SAFETY: the kernel reads the sigset `set` and the optional timespec `ts` (NULL when
    // none) and writes one 128-byte siginfo into `info`; all are live locals.
    let ret = unsafe {
        arch::syscall4(
            Sysno::rt_sigtimedwait,
            &raw const set as usize,
            &raw mut info as usize,
            ts_ptr,
            SIGSET_SIZE,
        )
    };
    Errno::decode(ret).map(|_| info)
}
