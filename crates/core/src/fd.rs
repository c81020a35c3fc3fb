//! File descriptor ownership: [`OwnedFd`] closes on drop, [`BorrowedFd`] borrows with a
//! lifetime, in the shape of std's `std::os::fd`.

use core::fmt;
use core::marker::PhantomData;
use core::num::NonZeroU32;

use crate::Sysno;
use crate::arch;

/// A raw file descriptor number, as the kernel's `int`.
pub type RawFd = i32;

/// A descriptor number stored so that -1, the one `int` that is never a descriptor here, is
/// the all-zero bit pattern: the compiler then uses that pattern for `None`, and
/// `Option<OwnedFd>` is 4 bytes, as std's is. (std reserves -1 with an attribute only the
/// standard library may use; a `NonZeroU32` gets the same on stable Rust.)
///
/// The bijection is bitwise NOT, its own inverse: -1 ↔ 0, 0 ↔ `u32::MAX`, `AT_FDCWD` (-100) ↔
/// 99, `i32::MAX` ↔ `0x8000_0000`.
#[derive(Copy, Clone, PartialEq, Eq)]
#[repr(transparent)]
struct Fd(NonZeroU32);

impl Fd {
    /// Stores `fd`.
    ///
    /// # Safety
    /// `fd` must not be -1.
    #[inline(always)]
    const unsafe fn new(fd: RawFd) -> Fd {
        debug_assert!(fd != -1, "a descriptor is never -1");
        // SAFETY: `fd != -1` (the contract), so `!fd` has a bit set.
        Fd(unsafe { NonZeroU32::new_unchecked(!(fd as u32)) })
    }

    /// The number stored.
    #[inline(always)]
    const fn get(self) -> RawFd {
        !self.0.get() as RawFd
    }
}

/// An owned file descriptor: closed when dropped. Never -1.
///
/// Every sysrt call that creates a descriptor returns one of these, with close-on-exec set.
/// `Option<OwnedFd>` is the size of an `int`, as in std: -1 is never a descriptor, and its
/// place is used for `None`.
#[repr(transparent)]
pub struct OwnedFd {
    fd: Fd,
}

/// A borrowed file descriptor: valid for `'fd`, never closed through this value. Never -1;
/// `Option<BorrowedFd>` is the size of an `int`, as in std.
///
/// The one exception to "an open descriptor" is [`CWD`], which holds `AT_FDCWD` for the `*at`
/// calls.
#[derive(Copy, Clone)]
#[repr(transparent)]
pub struct BorrowedFd<'fd> {
    fd: Fd,
    _lifetime: PhantomData<&'fd OwnedFd>,
}

/// Standard input (fd 0), borrowed for the whole program.
pub const STDIN: BorrowedFd<'static> = BorrowedFd::from_static(0);
/// Standard output (fd 1), borrowed for the whole program.
pub const STDOUT: BorrowedFd<'static> = BorrowedFd::from_static(1);
/// Standard error (fd 2), borrowed for the whole program.
pub const STDERR: BorrowedFd<'static> = BorrowedFd::from_static(2);
/// `AT_FDCWD`: "relative to the current directory" for the `*at` calls.
///
/// Only meaningful as the directory argument of an `*at` call; other calls given it fail with
/// `EBADF`.
#[doc(alias = "AT_FDCWD")]
pub const CWD: BorrowedFd<'static> = BorrowedFd::from_static(linux_raw_sys::general::AT_FDCWD);

impl OwnedFd {
    /// Takes ownership of `fd`.
    ///
    /// # Safety
    /// `fd` must be an open descriptor that nothing else owns or will close: the returned value
    /// closes it when dropped. It must not be -1 (that is undefined behaviour: -1 is the bit
    /// pattern of `None` in an `Option<OwnedFd>`).
    #[inline]
    pub const unsafe fn from_raw_fd(fd: RawFd) -> OwnedFd {
        OwnedFd {
            // SAFETY: not -1, by the caller's contract.
            fd: unsafe { Fd::new(fd) },
        }
    }

    /// Borrows the descriptor.
    #[inline]
    pub const fn as_fd(&self) -> BorrowedFd<'_> {
        BorrowedFd {
            fd: self.fd,
            _lifetime: PhantomData,
        }
    }

    /// The descriptor number, still owned by `self`.
    #[inline]
    pub const fn as_raw_fd(&self) -> RawFd {
        self.fd.get()
    }

    /// Gives up ownership: the caller must close the returned number.
    #[inline]
    pub fn into_raw_fd(self) -> RawFd {
        let fd = self.fd.get();
        core::mem::forget(self);
        fd
    }
}

impl Drop for OwnedFd {
    /// Closes the descriptor and ignores the result.
    ///
    /// On Linux `close` releases the descriptor number even when it reports an error, including
    /// `EINTR`: retrying could close a descriptor that another thread opened meanwhile. An
    /// error from `close` (`EIO` on some filesystems) is a write-back report, not a reason to
    /// keep the fd; callers that need it use [`crate::io::close`].
    #[inline]
    fn drop(&mut self) {
        // SAFETY: we own `fd`; after this nothing refers to it. `close` writes no user memory.
        unsafe {
            arch::syscall1_readonly(Sysno::close, self.fd.get() as isize as usize);
        }
    }
}

impl<'fd> BorrowedFd<'fd> {
    /// Borrows a raw descriptor for `'fd`.
    ///
    /// # Safety
    /// `fd` must stay open for all of `'fd`, and must not be -1 (that is undefined behaviour:
    /// -1 is the bit pattern of `None` in an `Option<BorrowedFd>`).
    #[inline]
    pub const unsafe fn borrow_raw(fd: RawFd) -> BorrowedFd<'fd> {
        BorrowedFd {
            // SAFETY: not -1, by the caller's contract.
            fd: unsafe { Fd::new(fd) },
            _lifetime: PhantomData,
        }
    }

    /// For the standard descriptors and `AT_FDCWD`, which the process keeps for its lifetime.
    const fn from_static(fd: RawFd) -> BorrowedFd<'static> {
        assert!(fd != -1);
        BorrowedFd {
            // SAFETY: just checked (at compile time: every caller is a `const`).
            fd: unsafe { Fd::new(fd) },
            _lifetime: PhantomData,
        }
    }

    /// The descriptor number, still owned elsewhere.
    #[inline]
    pub const fn as_raw_fd(self) -> RawFd {
        self.fd.get()
    }
}

/// Types that can lend a [`BorrowedFd`].
pub trait AsFd {
    /// Borrows the descriptor.
    fn as_fd(&self) -> BorrowedFd<'_>;
}

/// Types that have a raw descriptor number.
pub trait AsRawFd {
    /// The descriptor number, without transferring ownership.
    fn as_raw_fd(&self) -> RawFd;
}

impl AsFd for OwnedFd {
    #[inline]
    fn as_fd(&self) -> BorrowedFd<'_> {
        OwnedFd::as_fd(self)
    }
}

impl AsFd for BorrowedFd<'_> {
    #[inline]
    fn as_fd(&self) -> BorrowedFd<'_> {
        *self
    }
}

impl<T: AsFd + ?Sized> AsFd for &T {
    #[inline]
    fn as_fd(&self) -> BorrowedFd<'_> {
        T::as_fd(self)
    }
}

impl<T: AsFd + ?Sized> AsFd for &mut T {
    #[inline]
    fn as_fd(&self) -> BorrowedFd<'_> {
        T::as_fd(self)
    }
}

impl AsRawFd for OwnedFd {
    #[inline]
    fn as_raw_fd(&self) -> RawFd {
        self.fd.get()
    }
}

impl AsRawFd for BorrowedFd<'_> {
    #[inline]
    fn as_raw_fd(&self) -> RawFd {
        self.fd.get()
    }
}

impl fmt::Debug for OwnedFd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedFd")
            .field("fd", &self.as_raw_fd())
            .finish()
    }
}

impl fmt::Debug for BorrowedFd<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BorrowedFd")
            .field("fd", &self.as_raw_fd())
            .finish()
    }
}

/// With the `alloc` feature: the smart pointers lend their content's descriptor, as std's
/// `AsFd` does for them (`Arc<File>` shared between threads, for example).
#[cfg(feature = "alloc")]
mod alloc_impls {
    use alloc::boxed::Box;
    use alloc::rc::Rc;
    use alloc::sync::Arc;

    use super::{AsFd, BorrowedFd};

    impl<T: AsFd + ?Sized> AsFd for Box<T> {
        #[inline]
        fn as_fd(&self) -> BorrowedFd<'_> {
            T::as_fd(self)
        }
    }

    impl<T: AsFd + ?Sized> AsFd for Rc<T> {
        #[inline]
        fn as_fd(&self) -> BorrowedFd<'_> {
            T::as_fd(self)
        }
    }

    impl<T: AsFd + ?Sized> AsFd for Arc<T> {
        #[inline]
        fn as_fd(&self) -> BorrowedFd<'_> {
            T::as_fd(self)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_of_an_fd_is_the_size_of_an_int() {
        assert_eq!(size_of::<OwnedFd>(), 4);
        assert_eq!(size_of::<BorrowedFd<'_>>(), 4);
        assert_eq!(size_of::<Option<OwnedFd>>(), 4);
        assert_eq!(size_of::<Option<BorrowedFd<'_>>>(), 4);
        assert_eq!(align_of::<Option<OwnedFd>>(), align_of::<RawFd>());
    }

    #[test]
    fn numbers_round_trip() {
        for n in [0, 1, 2, 3, 999, i32::MAX, -100, i32::MIN, -2] {
            // SAFETY: never used as a descriptor: only converted back.
            let b = unsafe { BorrowedFd::borrow_raw(n) };
            assert_eq!(b.as_raw_fd(), n);
            assert_eq!(AsRawFd::as_raw_fd(&b), n);
            assert!(Some(b).is_some());
            // SAFETY: given up again at once, so never closed.
            let o = unsafe { OwnedFd::from_raw_fd(n) };
            assert_eq!((o.as_raw_fd(), o.as_fd().as_raw_fd()), (n, n));
            let o = Some(o);
            assert!(o.is_some());
            assert_eq!(o.map(OwnedFd::into_raw_fd), Some(n));
        }
        assert_eq!(STDIN.as_raw_fd(), 0);
        assert_eq!(STDOUT.as_raw_fd(), 1);
        assert_eq!(STDERR.as_raw_fd(), 2);
        assert_eq!(CWD.as_raw_fd(), linux_raw_sys::general::AT_FDCWD);
        // Fd 0 is not None: its stored pattern is u32::MAX, not 0.
        assert!(Some(STDIN).is_some());
        assert_eq!(STDIN.fd.0.get(), u32::MAX);
    }

    #[test]
    fn debug_shows_the_number() {
        extern crate std;
        assert_eq!(std::format!("{STDOUT:?}"), "BorrowedFd { fd: 1 }");
        // SAFETY: never used as a descriptor; given up at once.
        let o = unsafe { OwnedFd::from_raw_fd(i32::MAX) };
        assert_eq!(std::format!("{o:?}"), "OwnedFd { fd: 2147483647 }");
        let _ = o.into_raw_fd();
    }
}

#[cfg(feature = "std")]
mod std_interop;
