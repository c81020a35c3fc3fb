//! epoll: `epoll_create1`, `epoll_ctl`, and waiting with `epoll_pwait`/`epoll_pwait2`
//! (aarch64 and riscv64 have no `epoll_wait`; `epoll_pwait` with no mask is the same call).

use core::fmt;
use core::ptr;
use core::time::Duration;

use bitflags::bitflags;
use linux_raw_sys::general::{self as g, epoll_event};

use crate::fd::{AsFd, OwnedFd, RawFd};
use crate::signal::SigSet;
use crate::time::Timespec;
use crate::{Errno, Result, Sysno, arch, arg};

bitflags! {
    /// Flags of [`epoll_create1`].
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct EpollCreateFlags: u32 {
        /// `EPOLL_CLOEXEC`: the descriptor is close-on-exec. sysrt always adds it.
        #[doc(alias = "EPOLL_CLOEXEC")]
        const CLOEXEC = g::EPOLL_CLOEXEC;
    }
}

bitflags! {
    /// The events of an epoll interest (`EPOLLIN`, …) and the flags that change how it
    /// reports them (`EPOLLET`, `EPOLLONESHOT`, `EPOLLEXCLUSIVE`); also what
    /// [`epoll_wait`] reports ([`EpollEvent::events`]).
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct EpollFlags: u32 {
        /// `EPOLLIN`: readable (data, a pending connection, end of stream).
        #[doc(alias = "EPOLLIN")]
        const IN = g::EPOLLIN;
        /// `EPOLLOUT`: writable.
        #[doc(alias = "EPOLLOUT")]
        const OUT = g::EPOLLOUT;
        /// `EPOLLPRI`: an exceptional condition (TCP urgent data, a cgroup event…).
        #[doc(alias = "EPOLLPRI")]
        const PRI = g::EPOLLPRI;
        /// `EPOLLERR`: an error (always reported, need not be asked for).
        #[doc(alias = "EPOLLERR")]
        const ERR = g::EPOLLERR;
        /// `EPOLLHUP`: hang-up, both directions closed (always reported).
        #[doc(alias = "EPOLLHUP")]
        const HUP = g::EPOLLHUP;
        /// `EPOLLRDHUP`: the peer closed its writing half (stream sockets).
        #[doc(alias = "EPOLLRDHUP")]
        const RDHUP = g::EPOLLRDHUP;
        /// `EPOLLRDNORM`: normal data readable.
        #[doc(alias = "EPOLLRDNORM")]
        const RDNORM = g::EPOLLRDNORM;
        /// `EPOLLRDBAND`: priority data readable.
        #[doc(alias = "EPOLLRDBAND")]
        const RDBAND = g::EPOLLRDBAND;
        /// `EPOLLWRNORM`: writable (normal data).
        #[doc(alias = "EPOLLWRNORM")]
        const WRNORM = g::EPOLLWRNORM;
        /// `EPOLLWRBAND`: priority data writable.
        #[doc(alias = "EPOLLWRBAND")]
        const WRBAND = g::EPOLLWRBAND;
        /// `EPOLLMSG`: unused by Linux.
        #[doc(alias = "EPOLLMSG")]
        const MSG = g::EPOLLMSG;
        /// `EPOLLET`: edge-triggered: report a change once, not a state for as long as it
        /// lasts. Read or write until `EAGAIN` before waiting again.
        #[doc(alias = "EPOLLET")]
        const ET = g::EPOLLET;
        /// `EPOLLONESHOT`: disable the interest after one report; re-arm with
        /// [`epoll_ctl`] and [`EpollOp::Modify`].
        #[doc(alias = "EPOLLONESHOT")]
        const ONESHOT = g::EPOLLONESHOT;
        /// `EPOLLEXCLUSIVE` (only with [`EpollOp::Add`]): when several epoll instances wait on
        /// the same file, wake only one or some of them (no thundering herd).
        #[doc(alias = "EPOLLEXCLUSIVE")]
        const EXCLUSIVE = g::EPOLLEXCLUSIVE;
        /// `EPOLLWAKEUP`: hold a wakeup source while events are pending (needs
        /// `CAP_BLOCK_SUSPEND`; silently ignored without it).
        #[doc(alias = "EPOLLWAKEUP")]
        const WAKEUP = g::EPOLLWAKEUP;
    }
}

/// One `struct epoll_event`: events and a 64-bit user-data word.
///
/// `#[repr(transparent)]` over the kernel's struct, which is packed (12 bytes) on x86_64 and
/// 16 bytes on aarch64 and riscv64, so a `&mut [EpollEvent]` is the kernel's array itself.
///
/// Go: `syscall.EpollEvent` (whose `Fd` and `Pad` are this `data`).
#[doc(alias = "epoll_event")]
#[derive(Copy, Clone)]
#[repr(transparent)]
pub struct EpollEvent(epoll_event);

impl EpollEvent {
    /// An event of `events` carrying `data` (given back by [`epoll_wait`]: an index, a
    /// pointer, an fd number…).
    pub const fn new(events: EpollFlags, data: u64) -> EpollEvent {
        EpollEvent(epoll_event {
            events: events.bits(),
            data,
        })
    }

    /// An empty event, to fill a buffer for [`epoll_wait`].
    pub const fn zeroed() -> EpollEvent {
        EpollEvent::new(EpollFlags::empty(), 0)
    }

    /// The events (after a wait: those that happened).
    pub const fn events(&self) -> EpollFlags {
        EpollFlags::from_bits_retain(self.0.events)
    }

    /// The user-data word.
    pub const fn data(&self) -> u64 {
        self.0.data
    }
}

impl Default for EpollEvent {
    fn default() -> EpollEvent {
        EpollEvent::zeroed()
    }
}

impl fmt::Debug for EpollEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EpollEvent")
            .field("events", &self.events())
            .field("data", &self.data())
            .finish()
    }
}

impl PartialEq for EpollEvent {
    fn eq(&self, other: &EpollEvent) -> bool {
        (self.events(), self.data()) == (other.events(), other.data())
    }
}

impl Eq for EpollEvent {}

/// `epoll_create1(flags)` — a new epoll instance, close-on-exec (`EPOLL_CLOEXEC` is always
/// added).
///
/// # Errors
/// `EINVAL` (unknown flags), `EMFILE`, `ENFILE`, `ENOMEM`.
///
/// # References
/// `man 2 epoll_create1`, `man 7 epoll`. Go: `syscall.EpollCreate1`; `syscall.EpollCreate`
/// (whose size argument the kernel ignores).
#[doc(alias = "EpollCreate1")]
#[doc(alias = "EpollCreate")]
#[doc(alias = "epoll_create")]
#[inline]
pub fn epoll_create1(flags: EpollCreateFlags) -> Result<OwnedFd> {
    let flags = flags | EpollCreateFlags::CLOEXEC;
    // SAFETY: `epoll_create1` takes a flag word and writes no user memory.
    let ret = unsafe { arch::syscall1_readonly(Sysno::epoll_create1, arg::uint(flags.bits())) };
    let fd = Errno::decode(ret)? as RawFd;
    // SAFETY: `epoll_create1` succeeded, so `fd` is a new descriptor nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// The operation of [`epoll_ctl`].
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub enum EpollOp {
    /// `EPOLL_CTL_ADD`: add an interest in `fd`.
    #[doc(alias = "EPOLL_CTL_ADD")]
    Add,
    /// `EPOLL_CTL_MOD`: change the events and data of an interest (also re-arms a
    /// `ONESHOT` one).
    #[doc(alias = "EPOLL_CTL_MOD")]
    Modify,
    /// `EPOLL_CTL_DEL`: remove an interest (the event is ignored).
    #[doc(alias = "EPOLL_CTL_DEL")]
    Delete,
}

/// `epoll_ctl(epfd, op, fd, event)` — adds, changes or removes the interest of `epfd` in
/// `fd`.
///
/// The interest is in the open file, not the descriptor number: closing every descriptor of
/// the file removes it; closing one of two duplicates does not.
///
/// # Errors
/// `EEXIST` (add: already there), `ENOENT` (modify/delete: not there), `EPERM` (`fd` does not
/// support epoll: a regular file or a directory), `EINVAL` (`fd` is `epfd`, `EXCLUSIVE` with
/// modify or with `ONESHOT`), `ELOOP` (nesting epoll instances too deep or in a cycle),
/// `ENOMEM`, `ENOSPC` (`max_user_watches`), `EBADF`.
///
/// # References
/// `man 2 epoll_ctl`. Go: `syscall.EpollCtl`.
#[doc(alias = "EpollCtl")]
#[inline]
pub fn epoll_ctl(epfd: impl AsFd, op: EpollOp, fd: impl AsFd, event: EpollEvent) -> Result<()> {
    let op = match op {
        EpollOp::Add => g::EPOLL_CTL_ADD,
        EpollOp::Modify => g::EPOLL_CTL_MOD,
        EpollOp::Delete => g::EPOLL_CTL_DEL,
    };
    // SAFETY: the kernel reads one `struct epoll_event` from `event`, a live local.
    Errno::decode(unsafe {
        arch::syscall4_readonly(
            Sysno::epoll_ctl,
            arg::fd(epfd.as_fd()),
            arg::uint(op),
            arg::fd(fd.as_fd()),
            ptr::from_ref(&event) as usize,
        )
    })
    .map(drop)
}

/// `epoll_ctl(epfd, EPOLL_CTL_ADD, fd, {events, data})` — [`epoll_ctl`] adding an interest.
///
/// # Errors
/// As [`epoll_ctl`].
///
/// # References
/// `man 2 epoll_ctl`. Go: `syscall.EpollCtl(epfd, EPOLL_CTL_ADD, …)`.
#[inline]
pub fn epoll_add(epfd: impl AsFd, fd: impl AsFd, events: EpollFlags, data: u64) -> Result<()> {
    epoll_ctl(epfd, EpollOp::Add, fd, EpollEvent::new(events, data))
}

/// `epoll_ctl(epfd, EPOLL_CTL_MOD, fd, {events, data})` — [`epoll_ctl`] changing (or
/// re-arming) an interest.
///
/// # Errors
/// As [`epoll_ctl`].
///
/// # References
/// `man 2 epoll_ctl`. Go: `syscall.EpollCtl(epfd, EPOLL_CTL_MOD, …)`.
#[inline]
pub fn epoll_modify(epfd: impl AsFd, fd: impl AsFd, events: EpollFlags, data: u64) -> Result<()> {
    epoll_ctl(epfd, EpollOp::Modify, fd, EpollEvent::new(events, data))
}

/// `epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL)` — [`epoll_ctl`] removing an interest.
///
/// # Errors
/// As [`epoll_ctl`].
///
/// # References
/// `man 2 epoll_ctl`. Go: `syscall.EpollCtl(epfd, EPOLL_CTL_DEL, …)`.
#[inline]
pub fn epoll_delete(epfd: impl AsFd, fd: impl AsFd) -> Result<()> {
    epoll_ctl(epfd, EpollOp::Delete, fd, EpollEvent::zeroed())
}

/// A timeout in milliseconds for the `int` argument: `None` is -1 (forever); a duration is
/// rounded up (so a short nonzero timeout does not become a busy poll) and capped at
/// `i32::MAX` ms (24.8 days).
#[inline]
pub(crate) fn timeout_ms(timeout: Option<Duration>) -> usize {
    match timeout {
        None => -1i32 as usize,
        Some(d) => {
            let ms = d.as_millis() + u128::from(d.subsec_nanos() % 1_000_000 != 0);
            ms.min(i32::MAX as u128) as usize
        }
    }
}

/// The `maxevents` argument: the slice's length, capped at what the kernel accepts
/// (`EP_MAX_EVENTS`, `INT_MAX / sizeof(struct epoll_event)`), which is never more than the
/// slice holds.
#[inline(always)]
fn max_events(events: &[EpollEvent]) -> usize {
    events
        .len()
        .min(i32::MAX as usize / size_of::<epoll_event>())
}

/// `epoll_wait(epfd, events, timeout)` — waits for events; returns how many were written to
/// the front of `events` (0 on timeout).
///
/// Made as `epoll_pwait(…, NULL)` on every arch (aarch64 and riscv64 have no `epoll_wait`),
/// as Go does there. `timeout`: `None` waits forever; `Some(ZERO)` does not wait; otherwise
/// milliseconds, rounded up.
///
/// # Errors
/// `EINTR` (a handler ran; not restarted even with `SA_RESTART`), `EINVAL` (`events` empty,
/// or `epfd` not an epoll instance), `EBADF`.
///
/// # References
/// `man 2 epoll_wait`. Go: `syscall.EpollWait`.
#[doc(alias = "EpollWait")]
#[inline]
pub fn epoll_wait(
    epfd: impl AsFd,
    events: &mut [EpollEvent],
    timeout: Option<Duration>,
) -> Result<usize> {
    epoll_pwait(epfd, events, timeout, None)
}

/// `epoll_pwait(epfd, events, timeout, sigmask)` — [`epoll_wait`] with the signal mask set to
/// `sigmask` for the wait (atomically; `None` leaves it).
///
/// # Errors
/// As [`epoll_wait`].
///
/// # References
/// `man 2 epoll_pwait`. Go: none in `syscall`.
#[inline]
pub fn epoll_pwait(
    epfd: impl AsFd,
    events: &mut [EpollEvent],
    timeout: Option<Duration>,
    sigmask: Option<SigSet>,
) -> Result<usize> {
    let set = sigmask.map(SigSet::raw);
    let (sp, slen) = match &set {
        Some(s) => (ptr::from_ref(s) as usize, size_of::<u64>()),
        None => (0, 0),
    };
    // SAFETY: the kernel writes at most `max_events` (≤ `events.len()`) events into
    // `events`, and reads the 8-byte mask from `set` when it is given; both are live.
    Errno::decode(unsafe {
        arch::syscall6(
            Sysno::epoll_pwait,
            arg::fd(epfd.as_fd()),
            events.as_mut_ptr() as usize,
            max_events(events),
            timeout_ms(timeout),
            sp,
            slen,
        )
    })
}

/// `epoll_pwait2(epfd, events, timeout, sigmask)` — [`epoll_pwait`] with a nanosecond
/// timeout (`None`: forever).
///
/// # Errors
/// As [`epoll_wait`]; `EINVAL` for a `timeout` with nanoseconds out of range; `ENOSYS` before
/// Linux 5.11.
///
/// # References
/// `man 2 epoll_pwait2`. Go: none in `syscall`.
#[inline]
pub fn epoll_pwait2(
    epfd: impl AsFd,
    events: &mut [EpollEvent],
    timeout: Option<Timespec>,
    sigmask: Option<SigSet>,
) -> Result<usize> {
    let ts = timeout.map(Timespec::to_kernel);
    let tp = ts.as_ref().map_or(0, |t| ptr::from_ref(t) as usize);
    let set = sigmask.map(SigSet::raw);
    let (sp, slen) = match &set {
        Some(s) => (ptr::from_ref(s) as usize, size_of::<u64>()),
        None => (0, 0),
    };
    // SAFETY: the kernel writes at most `max_events` events into `events`, and reads the
    // timespec and the 8-byte mask when given; all are live for the call.
    Errno::decode(unsafe {
        arch::syscall6(
            Sysno::epoll_pwait2,
            arg::fd(epfd.as_fd()),
            events.as_mut_ptr() as usize,
            max_events(events),
            tp,
            sp,
            slen,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_has_the_kernels_layout() {
        assert_eq!(size_of::<EpollEvent>(), size_of::<epoll_event>());
        assert_eq!(align_of::<EpollEvent>(), align_of::<epoll_event>());
        let e = EpollEvent::new(EpollFlags::IN | EpollFlags::ET, u64::MAX - 1);
        assert_eq!(e.events(), EpollFlags::IN | EpollFlags::ET);
        assert_eq!(e.data(), u64::MAX - 1);
        assert_eq!(EpollFlags::ET.bits(), 1 << 31);
        assert_eq!(EpollFlags::ONESHOT.bits(), 1 << 30);
        assert_eq!(EpollFlags::EXCLUSIVE.bits(), 1 << 28);
    }

    #[test]
    fn timeouts_round_up_and_cap() {
        assert_eq!(timeout_ms(None) as i32, -1);
        assert_eq!(timeout_ms(Some(Duration::ZERO)), 0);
        assert_eq!(timeout_ms(Some(Duration::from_nanos(1))), 1);
        assert_eq!(timeout_ms(Some(Duration::from_millis(1500))), 1500);
        assert_eq!(timeout_ms(Some(Duration::new(1, 1))), 1001);
        assert_eq!(timeout_ms(Some(Duration::MAX)), i32::MAX as usize);
    }
}
