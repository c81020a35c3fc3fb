//! File descriptor ownership: [`OwnedFd`] closes on drop, [`BorrowedFd`] borrows with a
//! lifetime, in the shape of std's `std::os::fd`.

use core::fmt;
use core::marker::PhantomData;

use crate::Sysno;
use crate::arch;

/// A raw file descriptor number, as the kernel's `int`.
pub type RawFd = i32;

/// An owned file descriptor: closed when dropped. Never -1.
///
/// Every sysrt call that creates a descriptor returns one of these, with close-on-exec set.
#[repr(transparent)]
pub struct OwnedFd {
    fd: RawFd,
}

/// A borrowed file descriptor: valid for `'fd`, never closed through this value. Never -1.
///
/// The one exception to "an open descriptor" is [`CWD`], which holds `AT_FDCWD` for the `*at`
/// calls.
#[derive(Copy, Clone)]
#[repr(transparent)]
pub struct BorrowedFd<'fd> {
    fd: RawFd,
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
    /// closes it when dropped. It must not be -1.
    #[inline]
    pub const unsafe fn from_raw_fd(fd: RawFd) -> OwnedFd {
        debug_assert!(fd != -1);
        OwnedFd { fd }
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
        self.fd
    }

    /// Gives up ownership: the caller must close the returned number.
    #[inline]
    pub fn into_raw_fd(self) -> RawFd {
        let fd = self.fd;
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
            arch::syscall1_readonly(Sysno::close, self.fd as isize as usize);
        }
    }
}

impl<'fd> BorrowedFd<'fd> {
    /// Borrows a raw descriptor for `'fd`.
    ///
    /// # Safety
    /// `fd` must stay open for all of `'fd`, and must not be -1.
    #[inline]
    pub const unsafe fn borrow_raw(fd: RawFd) -> BorrowedFd<'fd> {
        BorrowedFd {
            fd,
            _lifetime: PhantomData,
        }
    }

    /// For the standard descriptors and `AT_FDCWD`, which the process keeps for its lifetime.
    const fn from_static(fd: RawFd) -> BorrowedFd<'static> {
        BorrowedFd {
            fd,
            _lifetime: PhantomData,
        }
    }

    /// The descriptor number, still owned elsewhere.
    #[inline]
    pub const fn as_raw_fd(self) -> RawFd {
        self.fd
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
        self.fd
    }
}

impl AsRawFd for BorrowedFd<'_> {
    #[inline]
    fn as_raw_fd(&self) -> RawFd {
        self.fd
    }
}

impl fmt::Debug for OwnedFd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedFd").field("fd", &self.fd).finish()
    }
}

impl fmt::Debug for BorrowedFd<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BorrowedFd").field("fd", &self.fd).finish()
    }
}

#[cfg(feature = "std")]
mod std_interop {
    use super::*;
    use std::os::fd as sfd;
    use std::os::fd::{AsRawFd as _, FromRawFd as _, IntoRawFd as _};

    impl From<OwnedFd> for sfd::OwnedFd {
        fn from(fd: OwnedFd) -> sfd::OwnedFd {
            // SAFETY: `fd` was open and owned; ownership moves to std's type.
            unsafe { sfd::OwnedFd::from_raw_fd(fd.into_raw_fd()) }
        }
    }

    impl From<sfd::OwnedFd> for OwnedFd {
        fn from(fd: sfd::OwnedFd) -> OwnedFd {
            // SAFETY: std's OwnedFd is open, never -1, and gives up ownership here.
            unsafe { OwnedFd::from_raw_fd(fd.into_raw_fd()) }
        }
    }

    impl<'a> From<sfd::BorrowedFd<'a>> for BorrowedFd<'a> {
        fn from(fd: sfd::BorrowedFd<'a>) -> BorrowedFd<'a> {
            // SAFETY: std's BorrowedFd is open for 'a and never -1.
            unsafe { BorrowedFd::borrow_raw(fd.as_raw_fd()) }
        }
    }

    impl sfd::AsFd for OwnedFd {
        fn as_fd(&self) -> sfd::BorrowedFd<'_> {
            // SAFETY: `self` keeps the fd open for the borrow.
            unsafe { sfd::BorrowedFd::borrow_raw(self.fd) }
        }
    }

    impl sfd::AsRawFd for OwnedFd {
        fn as_raw_fd(&self) -> RawFd {
            self.fd
        }
    }
}
