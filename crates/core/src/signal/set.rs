//! The signal set: the kernel's `sigset_t`.

use core::fmt;

use super::Signal;

/// A set of signals: the kernel's `sigset_t`, 64 bits on every Linux arch (signal `n` is bit
/// `n - 1`).
///
/// # References
/// `man 3 sigsetops`, `man 2 rt_sigprocmask`. Go: `unix.Sigset_t` (x/sys/unix).
#[derive(Copy, Clone, Eq, PartialEq, Hash, Default)]
#[repr(transparent)]
pub struct SigSet(u64);

impl SigSet {
    /// The empty set (`sigemptyset`).
    pub const EMPTY: SigSet = SigSet(0);
    /// Every signal, 1 to 64 (`sigfillset`).
    pub const FULL: SigSet = SigSet(u64::MAX);

    /// A set from its kernel bit pattern.
    #[inline]
    pub const fn from_raw(bits: u64) -> SigSet {
        SigSet(bits)
    }

    /// The kernel bit pattern.
    #[inline]
    pub const fn raw(self) -> u64 {
        self.0
    }

    /// This set with `sig` added (`sigaddset`).
    #[inline]
    #[must_use]
    pub const fn with(self, sig: Signal) -> SigSet {
        SigSet(self.0 | sig.bit())
    }

    /// This set with `sig` removed (`sigdelset`).
    #[inline]
    #[must_use]
    pub const fn without(self, sig: Signal) -> SigSet {
        SigSet(self.0 & !sig.bit())
    }

    /// The signals in either set.
    #[inline]
    #[must_use]
    pub const fn union(self, other: SigSet) -> SigSet {
        SigSet(self.0 | other.0)
    }

    /// The signals in `self` that are not in `other`.
    #[inline]
    #[must_use]
    pub const fn difference(self, other: SigSet) -> SigSet {
        SigSet(self.0 & !other.0)
    }

    /// Adds `sig` (`sigaddset`).
    #[inline]
    pub fn insert(&mut self, sig: Signal) {
        self.0 |= sig.bit();
    }

    /// Removes `sig` (`sigdelset`).
    #[inline]
    pub fn remove(&mut self, sig: Signal) {
        self.0 &= !sig.bit();
    }

    /// Whether `sig` is in the set (`sigismember`).
    #[inline]
    pub const fn contains(self, sig: Signal) -> bool {
        self.0 & sig.bit() != 0
    }

    /// Whether the set is empty.
    #[inline]
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The signals in the set, in number order.
    pub fn iter(self) -> impl Iterator<Item = Signal> {
        (1..=Signal::MAX)
            .filter_map(Signal::from_raw)
            .filter(move |s| self.contains(*s))
    }
}

impl fmt::Debug for SigSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl FromIterator<Signal> for SigSet {
    fn from_iter<I: IntoIterator<Item = Signal>>(iter: I) -> SigSet {
        iter.into_iter().fold(SigSet::EMPTY, SigSet::with)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    #[test]
    fn set_operations() {
        let s = SigSet::EMPTY
            .with(Signal::INT)
            .with(Signal::rt(32).unwrap());
        assert_eq!(s.raw(), (1 << 1) | (1 << 63));
        assert!(s.contains(Signal::INT) && !s.contains(Signal::TERM));
        assert_eq!(
            s.iter().map(Signal::raw).collect::<std::vec::Vec<_>>(),
            [2, 64]
        );
        assert_eq!(SigSet::FULL.iter().count(), 64);
        assert_eq!(s.without(Signal::INT).raw(), 1 << 63);
        assert_eq!(
            [Signal::HUP, Signal::TERM].into_iter().collect::<SigSet>(),
            SigSet::EMPTY.with(Signal::HUP).with(Signal::TERM)
        );
        assert_eq!(
            SigSet::FULL.difference(s).union(s),
            SigSet::FULL,
            "difference then union restores"
        );
        assert_eq!(std::format!("{s:?}"), "{SIGINT, Signal(64)}");
    }
}
