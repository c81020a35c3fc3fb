//! `poll`/`ppoll` and `select`/`pselect6`, both made with the calls every arch has
//! (`ppoll`, `pselect6`; aarch64 and riscv64 have no `poll` or `select`).

use core::fmt;
use core::marker::PhantomData;
use core::ptr;
use core::time::Duration;

use bitflags::bitflags;
use linux_raw_sys::general::{self as g, __kernel_fd_set, pollfd};

use crate::fd::{BorrowedFd, RawFd};
use crate::signal::SigSet;
use crate::time::Timespec;
use crate::{Errno, Result, Sysno, arch};

bitflags! {
    /// The events of a [`PollFd`] (`POLLIN`, …), asked for and reported.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct PollFlags: u16 {
        /// `POLLIN`: readable.
        #[doc(alias = "POLLIN")]
        const IN = g::POLLIN as u16;
        /// `POLLPRI`: an exceptional condition (urgent data).
        #[doc(alias = "POLLPRI")]
        const PRI = g::POLLPRI as u16;
        /// `POLLOUT`: writable.
        #[doc(alias = "POLLOUT")]
        const OUT = g::POLLOUT as u16;
        /// `POLLERR` (reported only): an error.
        #[doc(alias = "POLLERR")]
        const ERR = g::POLLERR as u16;
        /// `POLLHUP` (reported only): hang-up.
        #[doc(alias = "POLLHUP")]
        const HUP = g::POLLHUP as u16;
        /// `POLLNVAL` (reported only): the descriptor is not open.
        #[doc(alias = "POLLNVAL")]
        const NVAL = g::POLLNVAL as u16;
        /// `POLLRDNORM`: normal data readable.
        #[doc(alias = "POLLRDNORM")]
        const RDNORM = g::POLLRDNORM as u16;
        /// `POLLRDBAND`: priority data readable.
        #[doc(alias = "POLLRDBAND")]
        const RDBAND = g::POLLRDBAND as u16;
        /// `POLLWRNORM`: writable.
        #[doc(alias = "POLLWRNORM")]
        const WRNORM = g::POLLWRNORM as u16;
        /// `POLLWRBAND`: priority data writable.
        #[doc(alias = "POLLWRBAND")]
        const WRBAND = g::POLLWRBAND as u16;
        /// `POLLRDHUP`: the peer closed its writing half (stream sockets).
        #[doc(alias = "POLLRDHUP")]
        const RDHUP = g::POLLRDHUP as u16;
    }
}

/// One `struct pollfd`: a borrowed descriptor, the events asked for, and after [`poll`] the
/// events that happened.
///
/// `#[repr(transparent)]` over the kernel's struct, so a `&mut [PollFd]` is the kernel's
/// array. Borrowing the descriptor for `'fd` keeps it open while it is polled.
///
/// Go: `unix.PollFd` (x/sys/unix).
#[doc(alias = "pollfd")]
#[derive(Copy, Clone)]
#[repr(transparent)]
pub struct PollFd<'fd> {
    raw: pollfd,
    _fd: PhantomData<BorrowedFd<'fd>>,
}

impl<'fd> PollFd<'fd> {
    /// Polls `fd` for `events`.
    pub fn new(fd: BorrowedFd<'fd>, events: PollFlags) -> PollFd<'fd> {
        PollFd {
            raw: pollfd {
                fd: fd.as_raw_fd(),
                events: events.bits() as i16,
                revents: 0,
            },
            _fd: PhantomData,
        }
    }

    /// The descriptor's number.
    pub fn fd(&self) -> RawFd {
        self.raw.fd
    }

    /// The events asked for.
    pub fn events(&self) -> PollFlags {
        PollFlags::from_bits_retain(self.raw.events as u16)
    }

    /// After [`poll`]: the events that happened.
    pub fn revents(&self) -> PollFlags {
        PollFlags::from_bits_retain(self.raw.revents as u16)
    }
}

impl fmt::Debug for PollFd<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PollFd")
            .field("fd", &self.fd())
            .field("events", &self.events())
            .field("revents", &self.revents())
            .finish()
    }
}

/// The `sigmask, sigsetsize` pair of `ppoll`/`pselect6`'s mask argument.
#[inline(always)]
fn mask_ptr(set: &Option<u64>) -> (usize, usize) {
    match set {
        Some(s) => (ptr::from_ref(s) as usize, size_of::<u64>()),
        None => (0, 0),
    }
}

/// `poll(fds, timeout)` — waits until one of `fds` has an event it asks for (or `POLLERR`,
/// `POLLHUP`, `POLLNVAL`); returns how many entries have nonzero `revents`, 0 on timeout.
///
/// Made as `ppoll` on every arch (aarch64 and riscv64 have no `poll`), as Go does there.
/// `timeout`: `None` waits forever, `Some(ZERO)` does not wait.
///
/// # Errors
/// `EINTR` (a handler ran; not restarted), `EINVAL` (more entries than `RLIMIT_NOFILE`),
/// `ENOMEM`.
///
/// # References
/// `man 2 poll`. Go: `unix.Poll` (x/sys/unix).
#[doc(alias = "Poll")]
#[inline]
pub fn poll(fds: &mut [PollFd<'_>], timeout: Option<Duration>) -> Result<usize> {
    let ts = timeout.map(|d| {
        Timespec::new(
            i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            i64::from(d.subsec_nanos()),
        )
    });
    ppoll(fds, ts, None)
}

/// `ppoll(fds, timeout, sigmask)` — [`poll`] with a nanosecond timeout and the signal mask
/// set to `sigmask` for the wait (atomically; `None` leaves it).
///
/// # Errors
/// As [`poll`]; `EINVAL` for a `timeout` with nanoseconds out of range or negative.
///
/// # References
/// `man 2 ppoll`. Go: `unix.Ppoll` (x/sys/unix).
#[doc(alias = "Ppoll")]
#[inline]
pub fn ppoll(
    fds: &mut [PollFd<'_>],
    timeout: Option<Timespec>,
    sigmask: Option<SigSet>,
) -> Result<usize> {
    // The kernel writes the time left into the timespec: a local copy takes it.
    let mut ts = timeout.map(Timespec::to_kernel);
    let tp = ts.as_mut().map_or(0, |t| ptr::from_mut(t) as usize);
    let set = sigmask.map(SigSet::raw);
    let (sp, slen) = mask_ptr(&set);
    // SAFETY: `fds` is `len` pollfds the kernel reads and writes `revents` of; the timespec
    // and the 8-byte mask are live locals (the kernel writes the time left into `ts`).
    Errno::decode(unsafe {
        arch::syscall5(
            Sysno::ppoll,
            fds.as_mut_ptr() as usize,
            fds.len(),
            tp,
            sp,
            slen,
        )
    })
}

/// `FD_SETSIZE`: the number of descriptors an [`FdSet`] holds (0 to 1023).
pub const FD_SETSIZE: usize = g::__FD_SETSIZE as usize;

/// The bits in one word of an [`FdSet`].
const WORD_BITS: usize = usize::BITS as usize;

/// A set of descriptor numbers for [`select`]: `fd_set`, 1024 bits.
///
/// Numbers of 1024 (`FD_SETSIZE`) and above cannot be in it: [`insert`](Self::insert)
/// refuses them with `EINVAL`, never writing outside the set (C's `FD_SET` would). Use
/// [`poll`] or epoll for such descriptors.
///
/// Go: `syscall.FdSet` (and x/sys/unix's `FdSet.Set`/`Clear`/`IsSet`/`Zero`).
#[doc(alias = "fd_set")]
#[derive(Copy, Clone)]
#[repr(transparent)]
pub struct FdSet(__kernel_fd_set);

const _: () = assert!(size_of::<FdSet>() * 8 == FD_SETSIZE);

impl FdSet {
    /// The empty set.
    pub const fn new() -> FdSet {
        FdSet(__kernel_fd_set {
            fds_bits: [0; FD_SETSIZE / WORD_BITS],
        })
    }

    /// The word and bit of `fd`, or `EINVAL` outside `0..FD_SETSIZE`.
    fn slot(fd: RawFd) -> Result<(usize, usize)> {
        match usize::try_from(fd) {
            Ok(n) if n < FD_SETSIZE => Ok((n / WORD_BITS, n % WORD_BITS)),
            _ => Err(Errno::EINVAL),
        }
    }

    /// `FD_SET`: adds `fd`.
    ///
    /// # Errors
    /// `EINVAL`: `fd` is negative or at least `FD_SETSIZE` (1024); the set is unchanged.
    pub fn insert(&mut self, fd: RawFd) -> Result<()> {
        let (w, b) = FdSet::slot(fd)?;
        if let Some(word) = self.0.fds_bits.get_mut(w) {
            *word |= 1 << b;
        }
        Ok(())
    }

    /// `FD_CLR`: removes `fd` (a number outside the set's range is never in it).
    pub fn remove(&mut self, fd: RawFd) {
        if let Ok((w, b)) = FdSet::slot(fd)
            && let Some(word) = self.0.fds_bits.get_mut(w)
        {
            *word &= !(1 << b);
        }
    }

    /// `FD_ISSET`: whether `fd` is in the set (`false` outside its range).
    pub fn contains(&self, fd: RawFd) -> bool {
        FdSet::slot(fd)
            .ok()
            .and_then(|(w, b)| self.0.fds_bits.get(w).map(|word| word & (1 << b) != 0))
            .unwrap_or(false)
    }

    /// `FD_ZERO`: empties the set.
    pub fn clear(&mut self) {
        self.0.fds_bits = [0; FD_SETSIZE / WORD_BITS];
    }

    /// The numbers in the set, ascending.
    pub fn iter(&self) -> impl Iterator<Item = RawFd> + '_ {
        (0..FD_SETSIZE as RawFd).filter(|fd| self.contains(*fd))
    }

    /// How many numbers are in the set.
    pub fn len(&self) -> usize {
        self.0
            .fds_bits
            .iter()
            .map(|w| w.count_ones() as usize)
            .sum()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.fds_bits.iter().all(|w| *w == 0)
    }
}

impl Default for FdSet {
    fn default() -> FdSet {
        FdSet::new()
    }
}

impl fmt::Debug for FdSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl PartialEq for FdSet {
    fn eq(&self, other: &FdSet) -> bool {
        self.0.fds_bits == other.0.fds_bits
    }
}

impl Eq for FdSet {}

/// `select(nfds, readfds, writefds, exceptfds, timeout)` — waits until a descriptor below
/// `nfds` in one of the sets is ready; on return each set holds only its ready descriptors.
/// Returns how many (set, descriptor) pairs are ready, 0 on timeout.
///
/// Made as `pselect6` on every arch (aarch64 and riscv64 have no `select`), as Go does there.
/// `nfds` is one more than the highest number to look at, at most `FD_SETSIZE`: the kernel
/// reads and writes `nfds` bits of each set, so a larger value is refused before the call.
/// `timeout`: `None` waits forever.
///
/// # Errors
/// `EINVAL` (`nfds` above 1024, checked before the call; a negative timeout), `EBADF` (a
/// number in a set is not open), `EINTR` (not restarted), `ENOMEM`.
///
/// # References
/// `man 2 select`. Go: `syscall.Select`.
#[doc(alias = "Select")]
#[inline]
pub fn select(
    nfds: usize,
    readfds: Option<&mut FdSet>,
    writefds: Option<&mut FdSet>,
    exceptfds: Option<&mut FdSet>,
    timeout: Option<Duration>,
) -> Result<usize> {
    let ts = timeout.map(|d| {
        Timespec::new(
            i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            i64::from(d.subsec_nanos()),
        )
    });
    pselect6(nfds, readfds, writefds, exceptfds, ts, None)
}

/// `pselect6(nfds, readfds, writefds, exceptfds, timeout, sigmask)` — [`select`] with a
/// nanosecond timeout and the signal mask set to `sigmask` for the wait.
///
/// # Errors
/// As [`select`].
///
/// # References
/// `man 2 pselect`. Go: `unix.Pselect` (x/sys/unix).
#[doc(alias = "Pselect")]
#[doc(alias = "pselect")]
#[inline]
pub fn pselect6(
    nfds: usize,
    readfds: Option<&mut FdSet>,
    writefds: Option<&mut FdSet>,
    exceptfds: Option<&mut FdSet>,
    timeout: Option<Timespec>,
    sigmask: Option<SigSet>,
) -> Result<usize> {
    if nfds > FD_SETSIZE {
        return Err(Errno::EINVAL);
    }
    let set_ptr = |s: Option<&mut FdSet>| s.map_or(0, |s| ptr::from_mut(s) as usize);
    let (r, w, e) = (set_ptr(readfds), set_ptr(writefds), set_ptr(exceptfds));
    let mut ts = timeout.map(Timespec::to_kernel);
    let tp = ts.as_mut().map_or(0, |t| ptr::from_mut(t) as usize);
    let set = sigmask.map(SigSet::raw);
    let (sp, slen) = mask_ptr(&set);
    // The sixth argument: `{ const sigset_t *ss; size_t ss_len; }`, both 0 for no mask.
    let sigarg: [usize; 2] = [sp, slen];
    // Each non-null set is an exclusive borrow of 128 bytes; the timespec, the mask and
    // `sigarg` are live locals (the kernel writes the time left into `ts`).
    // SAFETY: with `nfds` ≤ 1024 the kernel reads and writes at most 1024 bits of each set.
    Errno::decode(unsafe {
        arch::syscall6(Sysno::pselect6, nfds, r, w, e, tp, sigarg.as_ptr() as usize)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fd_set_bounds() {
        let mut s = FdSet::new();
        assert_eq!(s.insert(0), Ok(()));
        assert_eq!(s.insert(1023), Ok(()));
        assert_eq!(s.insert(1024), Err(Errno::EINVAL));
        assert_eq!(s.insert(-1), Err(Errno::EINVAL));
        assert_eq!(s.insert(i32::MAX), Err(Errno::EINVAL));
        assert!(s.contains(0) && s.contains(1023));
        assert!(!s.contains(1024) && !s.contains(-1) && !s.contains(5));
        assert_eq!(s.len(), 2);
        s.remove(1023);
        s.remove(5000);
        s.remove(-7);
        assert_eq!((s.iter().next(), s.iter().count()), (Some(0), 1));
        assert_eq!(s.len(), 1);
        s.clear();
        assert!(s.is_empty());
        assert_eq!(size_of::<FdSet>(), 128);
    }

    #[test]
    fn poll_fd_has_the_kernels_layout() {
        assert_eq!(size_of::<PollFd<'_>>(), size_of::<pollfd>());
        let p = PollFd::new(crate::fd::STDIN, PollFlags::IN | PollFlags::RDHUP);
        assert_eq!(
            (p.fd(), p.events(), p.revents()),
            (0, PollFlags::IN | PollFlags::RDHUP, PollFlags::empty())
        );
    }
}
