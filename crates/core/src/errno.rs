//! `Errno`: the error of every call, and the one decoder of raw syscall returns.

use core::fmt;

use linux_raw_sys::errno as e;

/// A Linux error number, as a failed syscall returns it (`-errno` in the return register).
///
/// A newtype rather than an enum: an errno this table does not name (a newer kernel's, or a
/// driver's private one) is still a valid value, shown as `errno N`. Compare with the associated
/// constants, as Go programs compare with `syscall.ENOENT`:
///
/// ```
/// # use sysrt::Errno;
/// let err = Errno::from_raw(2);
/// assert!(err == Errno::ENOENT);
/// assert_eq!(err.name(), Some("ENOENT"));
/// assert_eq!(err.to_string(), "ENOENT: no such file or directory");
/// ```
///
/// Go: `syscall.Errno`.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Ord, PartialOrd)]
#[repr(transparent)]
pub struct Errno(u16);

/// The result of a sysrt call: the value, or the `Errno` the kernel returned.
pub type Result<T> = core::result::Result<T, Errno>;

/// The largest errno the kernel returns: raw returns in `-4095..=-1` are errors.
const MAX_ERRNO: usize = 4095;

impl Errno {
    /// An `Errno` from its positive number (`2` is `ENOENT`). Any value is accepted.
    #[inline]
    pub const fn from_raw(n: u16) -> Errno {
        Errno(n)
    }

    /// The positive errno number.
    #[inline]
    pub const fn raw(self) -> u16 {
        self.0
    }

    /// Decodes a raw syscall return value: `-4095..=-1` (as `usize`) is `Err`, everything else
    /// is `Ok` — including "negative-looking" successes such as a high `mmap` address.
    #[inline(always)]
    pub const fn decode(ret: usize) -> Result<usize> {
        if ret > usize::MAX - MAX_ERRNO {
            Err(Errno(ret.wrapping_neg() as u16))
        } else {
            Ok(ret)
        }
    }

    /// The constant's name (`"ENOENT"`), or `None` for a number the table does not know.
    /// Where two names share a number (`EAGAIN`/`EWOULDBLOCK`), the first is given.
    pub const fn name(self) -> Option<&'static str> {
        match self.info() {
            Some((name, _)) => Some(name),
            None => None,
        }
    }

    /// The message, lower-case as Go prints it (`"no such file or directory"`), or `None` for a
    /// number the table does not know.
    ///
    /// Go: `Errno.Error` returns this text (and `"errno N"` for an unknown number); sysrt's
    /// `Display` adds the name in front (`ENOENT: no such file or directory`).
    #[doc(alias = "Error")]
    pub const fn message(self) -> Option<&'static str> {
        match self.info() {
            Some((_, msg)) => Some(msg),
            None => None,
        }
    }

    /// Whether the condition may pass by itself: `EINTR`, `EMFILE`, `ENFILE`, or a
    /// [timeout](Errno::is_timeout). Go: `Errno.Temporary` (the same set).
    #[doc(alias = "Temporary")]
    pub const fn is_temporary(self) -> bool {
        matches!(self, Errno::EINTR | Errno::EMFILE | Errno::ENFILE) || self.is_timeout()
    }

    /// Whether the error means "not ready in time": `EAGAIN` (= `EWOULDBLOCK`) or `ETIMEDOUT`.
    /// Go: `Errno.Timeout` (the same set).
    #[doc(alias = "Timeout")]
    pub const fn is_timeout(self) -> bool {
        matches!(self, Errno::EAGAIN | Errno::ETIMEDOUT)
    }

    /// The portable kind of this error, or `None` for an errno that has none: the
    /// classification Go's `Errno.Is` makes for `errors.Is(err, fs.ErrNotExist)` and the like.
    ///
    /// ```
    /// # use sysrt::{Errno, ErrorKind};
    /// assert_eq!(Errno::ENOTEMPTY.kind(), Some(ErrorKind::Exist));
    /// assert_eq!(Errno::EBADF.kind(), None);
    /// ```
    #[inline]
    pub const fn kind(self) -> Option<ErrorKind> {
        match self {
            Errno::EACCES | Errno::EPERM => Some(ErrorKind::Permission),
            Errno::EEXIST | Errno::ENOTEMPTY => Some(ErrorKind::Exist),
            Errno::ENOENT => Some(ErrorKind::NotExist),
            Errno::ENOSYS | Errno::EOPNOTSUPP => Some(ErrorKind::Unsupported),
            _ => None,
        }
    }

    /// `err.is(kind)` — whether this error is of `kind`: Go's `errors.Is(err, target)` for an
    /// `Errno` and one of the `fs`/`errors` sentinels.
    ///
    /// `is(ErrorKind::NotExist)` is `errors.Is(err, fs.ErrNotExist)`, and so on for each
    /// [`ErrorKind`]. Go's `Errno.Is` answers `false` for any other target, and so does an
    /// errno without a kind here.
    ///
    /// # References
    /// Go: `Errno.Is` (`src/syscall/syscall_unix.go`).
    #[doc(alias = "Is")]
    #[inline]
    pub const fn is(self, kind: ErrorKind) -> bool {
        match self.kind() {
            Some(k) => k as u8 == kind as u8,
            None => false,
        }
    }

    /// Whether this is a permission error: `EACCES` or `EPERM`. Go: `errors.Is(err,
    /// fs.ErrPermission)` (also `os.IsPermission`).
    #[doc(alias = "ErrPermission", alias = "IsPermission")]
    #[inline]
    pub const fn is_permission(self) -> bool {
        self.is(ErrorKind::Permission)
    }

    /// Whether this says the name already exists: `EEXIST` or `ENOTEMPTY`. Go:
    /// `errors.Is(err, fs.ErrExist)` (also `os.IsExist`).
    #[doc(alias = "ErrExist", alias = "IsExist")]
    #[inline]
    pub const fn is_exist(self) -> bool {
        self.is(ErrorKind::Exist)
    }

    /// Whether this says the name does not exist: `ENOENT`. Go: `errors.Is(err,
    /// fs.ErrNotExist)` (also `os.IsNotExist`).
    #[doc(alias = "ErrNotExist", alias = "IsNotExist")]
    #[inline]
    pub const fn is_not_exist(self) -> bool {
        self.is(ErrorKind::NotExist)
    }

    /// Whether the operation is not supported: `ENOSYS`, or `EOPNOTSUPP` (= `ENOTSUP` on
    /// Linux). Go: `errors.Is(err, errors.ErrUnsupported)`.
    #[doc(alias = "ErrUnsupported")]
    #[inline]
    pub const fn is_unsupported(self) -> bool {
        self.is(ErrorKind::Unsupported)
    }
}

/// The portable kinds of error Go's `Errno.Is` recognises: the `fs.Err*` and
/// `errors.ErrUnsupported` sentinels, as a type. See [`Errno::kind`] and [`Errno::is`].
///
/// With the `std` feature it converts into the matching `std::io::ErrorKind`; for std's own,
/// finer classification of every errno there is `Errno::io_error_kind` (also `std` only).
///
/// # References
/// Go: `Errno.Is` in `src/syscall/syscall_unix.go`; `io/fs` (`ErrPermission`, `ErrExist`,
/// `ErrNotExist`), `errors.ErrUnsupported`.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `EACCES`, `EPERM`. Go: `fs.ErrPermission`.
    #[doc(alias = "ErrPermission")]
    Permission,
    /// `EEXIST`, `ENOTEMPTY`. Go: `fs.ErrExist`.
    #[doc(alias = "ErrExist")]
    Exist,
    /// `ENOENT`. Go: `fs.ErrNotExist`.
    #[doc(alias = "ErrNotExist")]
    NotExist,
    /// `ENOSYS`, `EOPNOTSUPP` (= `ENOTSUP`). Go: `errors.ErrUnsupported`.
    #[doc(alias = "ErrUnsupported")]
    Unsupported,
}

#[cfg(feature = "std")]
impl From<ErrorKind> for std::io::ErrorKind {
    /// `Permission` → `PermissionDenied`, `Exist` → `AlreadyExists`, `NotExist` → `NotFound`,
    /// `Unsupported` → `Unsupported`.
    fn from(kind: ErrorKind) -> std::io::ErrorKind {
        match kind {
            ErrorKind::Permission => std::io::ErrorKind::PermissionDenied,
            ErrorKind::Exist => std::io::ErrorKind::AlreadyExists,
            ErrorKind::NotExist => std::io::ErrorKind::NotFound,
            ErrorKind::Unsupported => std::io::ErrorKind::Unsupported,
        }
    }
}

impl fmt::Display for Errno {
    /// `ENOENT: no such file or directory`; `errno 4000` for an unknown value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.info() {
            Some((name, msg)) => write!(f, "{name}: {msg}"),
            None => write!(f, "errno {}", self.0),
        }
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "Errno({})", self.0),
        }
    }
}

impl core::error::Error for Errno {}

#[cfg(feature = "std")]
impl From<Errno> for std::io::Error {
    fn from(err: Errno) -> std::io::Error {
        std::io::Error::from_raw_os_error(i32::from(err.0))
    }
}

#[cfg(feature = "std")]
impl Errno {
    /// The errno of a `std::io::Error` that came from the OS, if it did.
    pub fn from_io_error(err: &std::io::Error) -> Option<Errno> {
        err.raw_os_error()
            .and_then(|n| u16::try_from(n).ok())
            .map(Errno)
    }

    /// The [`std::io::ErrorKind`] std gives this errno (`ENOENT` → `NotFound`, `ENOTEMPTY` →
    /// `DirectoryNotEmpty` …): the kind of `std::io::Error::from(self)`. Finer than
    /// [`Errno::kind`], which follows Go.
    pub fn io_error_kind(self) -> std::io::ErrorKind {
        std::io::Error::from(self).kind()
    }
}

/// Declares each errno once: the constant (from linux-raw-sys), its name and its message.
macro_rules! errnos {
    ($($name:ident $msg:literal),* $(,)?) => {
        impl Errno {
            $(
                #[doc = concat!("`", stringify!($name), "`: ", $msg, ".")]
                #[doc = ""]
                #[doc = concat!("Go: `syscall.", stringify!($name), "`.")]
                pub const $name: Errno = Errno(e::$name as u16);
            )*

            /// Every errno the table names, in number order (aliases excluded).
            pub const ALL: &'static [Errno] = &[$(Errno::$name),*];

            const fn info(self) -> Option<(&'static str, &'static str)> {
                $(
                    if self.0 == e::$name as u16 {
                        return Some((stringify!($name), $msg));
                    }
                )*
                None
            }
        }
    };
}

errnos! {
    EPERM "operation not permitted",
    ENOENT "no such file or directory",
    ESRCH "no such process",
    EINTR "interrupted system call",
    EIO "input/output error",
    ENXIO "no such device or address",
    E2BIG "argument list too long",
    ENOEXEC "exec format error",
    EBADF "bad file descriptor",
    ECHILD "no child processes",
    EAGAIN "resource temporarily unavailable",
    ENOMEM "cannot allocate memory",
    EACCES "permission denied",
    EFAULT "bad address",
    ENOTBLK "block device required",
    EBUSY "device or resource busy",
    EEXIST "file exists",
    EXDEV "invalid cross-device link",
    ENODEV "no such device",
    ENOTDIR "not a directory",
    EISDIR "is a directory",
    EINVAL "invalid argument",
    ENFILE "too many open files in system",
    EMFILE "too many open files",
    ENOTTY "inappropriate ioctl for device",
    ETXTBSY "text file busy",
    EFBIG "file too large",
    ENOSPC "no space left on device",
    ESPIPE "illegal seek",
    EROFS "read-only file system",
    EMLINK "too many links",
    EPIPE "broken pipe",
    EDOM "numerical argument out of domain",
    ERANGE "numerical result out of range",
    EDEADLK "resource deadlock avoided",
    ENAMETOOLONG "file name too long",
    ENOLCK "no locks available",
    ENOSYS "function not implemented",
    ENOTEMPTY "directory not empty",
    ELOOP "too many levels of symbolic links",
    ENOMSG "no message of desired type",
    EIDRM "identifier removed",
    ECHRNG "channel number out of range",
    EL2NSYNC "level 2 not synchronized",
    EL3HLT "level 3 halted",
    EL3RST "level 3 reset",
    ELNRNG "link number out of range",
    EUNATCH "protocol driver not attached",
    ENOCSI "no CSI structure available",
    EL2HLT "level 2 halted",
    EBADE "invalid exchange",
    EBADR "invalid request descriptor",
    EXFULL "exchange full",
    ENOANO "no anode",
    EBADRQC "invalid request code",
    EBADSLT "invalid slot",
    EBFONT "bad font file format",
    ENOSTR "device not a stream",
    ENODATA "no data available",
    ETIME "timer expired",
    ENOSR "out of streams resources",
    ENONET "machine is not on the network",
    ENOPKG "package not installed",
    EREMOTE "object is remote",
    ENOLINK "link has been severed",
    EADV "advertise error",
    ESRMNT "srmount error",
    ECOMM "communication error on send",
    EPROTO "protocol error",
    EMULTIHOP "multihop attempted",
    EDOTDOT "RFS specific error",
    EBADMSG "bad message",
    EOVERFLOW "value too large for defined data type",
    ENOTUNIQ "name not unique on network",
    EBADFD "file descriptor in bad state",
    EREMCHG "remote address changed",
    ELIBACC "can not access a needed shared library",
    ELIBBAD "accessing a corrupted shared library",
    ELIBSCN ".lib section in a.out corrupted",
    ELIBMAX "attempting to link in too many shared libraries",
    ELIBEXEC "cannot exec a shared library directly",
    EILSEQ "invalid or incomplete multibyte or wide character",
    ERESTART "interrupted system call should be restarted",
    ESTRPIPE "streams pipe error",
    EUSERS "too many users",
    ENOTSOCK "socket operation on non-socket",
    EDESTADDRREQ "destination address required",
    EMSGSIZE "message too long",
    EPROTOTYPE "protocol wrong type for socket",
    ENOPROTOOPT "protocol not available",
    EPROTONOSUPPORT "protocol not supported",
    ESOCKTNOSUPPORT "socket type not supported",
    EOPNOTSUPP "operation not supported",
    EPFNOSUPPORT "protocol family not supported",
    EAFNOSUPPORT "address family not supported by protocol",
    EADDRINUSE "address already in use",
    EADDRNOTAVAIL "cannot assign requested address",
    ENETDOWN "network is down",
    ENETUNREACH "network is unreachable",
    ENETRESET "network dropped connection on reset",
    ECONNABORTED "software caused connection abort",
    ECONNRESET "connection reset by peer",
    ENOBUFS "no buffer space available",
    EISCONN "transport endpoint is already connected",
    ENOTCONN "transport endpoint is not connected",
    ESHUTDOWN "cannot send after transport endpoint shutdown",
    ETOOMANYREFS "too many references: cannot splice",
    ETIMEDOUT "connection timed out",
    ECONNREFUSED "connection refused",
    EHOSTDOWN "host is down",
    EHOSTUNREACH "no route to host",
    EALREADY "operation already in progress",
    EINPROGRESS "operation now in progress",
    ESTALE "stale NFS file handle",
    EUCLEAN "structure needs cleaning",
    ENOTNAM "not a XENIX named type file",
    ENAVAIL "no XENIX semaphores available",
    EISNAM "is a named type file",
    EREMOTEIO "remote I/O error",
    EDQUOT "disk quota exceeded",
    ENOMEDIUM "no medium found",
    EMEDIUMTYPE "wrong medium type",
    ECANCELED "operation canceled",
    ENOKEY "required key not available",
    EKEYEXPIRED "key has expired",
    EKEYREVOKED "key has been revoked",
    EKEYREJECTED "key was rejected by service",
    EOWNERDEAD "owner died",
    ENOTRECOVERABLE "state not recoverable",
    ERFKILL "operation not possible due to RF-kill",
    EHWPOISON "memory page has hardware error",
}

impl Errno {
    /// `EWOULDBLOCK`: the same number as `EAGAIN` on Linux. Go: `syscall.EWOULDBLOCK`.
    pub const EWOULDBLOCK: Errno = Errno(e::EWOULDBLOCK as u16);
    /// `EDEADLOCK`: the same number as `EDEADLK` on Linux. Go: `syscall.EDEADLOCK`.
    pub const EDEADLOCK: Errno = Errno(e::EDEADLOCK as u16);
    /// `ENOTSUP`: the same number as `EOPNOTSUPP` on Linux. Go: `syscall.ENOTSUP`.
    pub const ENOTSUP: Errno = Errno(e::EOPNOTSUPP as u16);
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::ToString;

    #[test]
    fn decode_boundaries() {
        let neg = |n: isize| n as usize;
        assert_eq!(Errno::decode(neg(-4096)), Ok(neg(-4096)));
        assert_eq!(Errno::decode(neg(-4095)), Err(Errno::from_raw(4095)));
        assert_eq!(Errno::decode(neg(-1)), Err(Errno::EPERM));
        assert_eq!(Errno::decode(0), Ok(0));
        assert_eq!(Errno::decode(isize::MAX as usize), Ok(isize::MAX as usize));
        assert_eq!(Errno::decode(usize::MAX), Err(Errno::EPERM));
        assert_eq!(Errno::decode(neg(-2)), Err(Errno::ENOENT));
    }

    /// Every return value in the error range, and the 65,536 values on either side of it:
    /// exactly `-4095..=-1` are errors, each the errno it negates, and everything else comes
    /// back unchanged. Exhaustive over the range rather than fuzzed (issue 12).
    #[test]
    fn every_value_in_and_around_the_error_range_decodes_exactly() {
        let neg = |n: usize| n.wrapping_neg();
        // Under Miri, which interprets every step, every 61st value (the ends included);
        // natively all of them.
        let step = if cfg!(miri) { 61 } else { 1 };
        for n in (1..=4095usize).step_by(step).chain([4095]) {
            let e = Errno::decode(neg(n)).unwrap_err();
            assert_eq!(usize::from(e.raw()), n);
            assert_eq!(Errno::from_raw(e.raw()), e);
            // Whatever the number, naming and describing it cannot fail.
            let _ = (e.name(), e.message(), e.kind(), e.to_string());
        }
        // Just below the range (large "negative" successes such as high mmap addresses)...
        for n in (4096..=4096 + 65_536usize).step_by(step) {
            assert_eq!(Errno::decode(neg(n)), Ok(neg(n)));
        }
        // ...and the small non-negative values.
        for v in (0..=65_536usize).step_by(step) {
            assert_eq!(Errno::decode(v), Ok(v));
        }
        // Every errno number the type can hold names and displays without a panic.
        for raw in (0..=u16::MAX).step_by(step) {
            let e = Errno::from_raw(raw);
            let _ = (e.name(), e.message(), e.is_temporary(), e.is_timeout());
        }
    }

    #[test]
    fn names_messages_display() {
        assert_eq!(Errno::ALL.len(), 131);
        for (i, err) in Errno::ALL.iter().enumerate() {
            assert!(err.name().unwrap().starts_with('E'));
            assert!(!err.message().unwrap().is_empty());
            if i > 0 {
                assert!(
                    Errno::ALL[i - 1].raw() < err.raw(),
                    "table out of order at {err:?}"
                );
            }
        }
        assert_eq!(
            Errno::ENOENT.to_string(),
            "ENOENT: no such file or directory"
        );
        assert_eq!(Errno::from_raw(4000).to_string(), "errno 4000");
        assert_eq!(std::format!("{:?}", Errno::from_raw(4000)), "Errno(4000)");
        assert_eq!(Errno::EWOULDBLOCK, Errno::EAGAIN);
        assert_eq!(Errno::EWOULDBLOCK.name(), Some("EAGAIN"));
        assert_eq!(Errno::EHWPOISON.raw(), 133);
    }

    #[test]
    fn temporary_and_timeout_match_go() {
        for e in [
            Errno::EINTR,
            Errno::EMFILE,
            Errno::ENFILE,
            Errno::EAGAIN,
            Errno::ETIMEDOUT,
        ] {
            assert!(e.is_temporary(), "{e:?}");
        }
        for e in [Errno::EAGAIN, Errno::EWOULDBLOCK, Errno::ETIMEDOUT] {
            assert!(e.is_timeout(), "{e:?}");
        }
        for e in [Errno::ENOENT, Errno::EPERM, Errno::EBADF] {
            assert!(!e.is_temporary() && !e.is_timeout(), "{e:?}");
        }
        assert!(!Errno::EINTR.is_timeout());
    }

    /// Go's `Errno.Is`, written out as Go has it: the reference the typed form must match.
    fn go_is(e: Errno, kind: ErrorKind) -> bool {
        match kind {
            ErrorKind::Permission => e == Errno::EACCES || e == Errno::EPERM,
            ErrorKind::Exist => e == Errno::EEXIST || e == Errno::ENOTEMPTY,
            ErrorKind::NotExist => e == Errno::ENOENT,
            ErrorKind::Unsupported => {
                e == Errno::ENOSYS || e == Errno::ENOTSUP || e == Errno::EOPNOTSUPP
            }
        }
    }

    const KINDS: [ErrorKind; 4] = [
        ErrorKind::Permission,
        ErrorKind::Exist,
        ErrorKind::NotExist,
        ErrorKind::Unsupported,
    ];

    #[test]
    fn is_matches_go_for_every_errno_and_kind() {
        // Every number the kernel can return, named or not.
        for n in 0..=4095u16 {
            let e = Errno::from_raw(n);
            let mut kinds = 0;
            for kind in KINDS {
                assert_eq!(e.is(kind), go_is(e, kind), "{e:?} {kind:?}");
                if e.is(kind) {
                    kinds += 1;
                    assert_eq!(e.kind(), Some(kind));
                }
            }
            assert!(kinds <= 1, "{e:?} has {kinds} kinds");
            if kinds == 0 {
                assert_eq!(e.kind(), None, "{e:?}");
            }
            assert_eq!(e.is_permission(), e.is(ErrorKind::Permission));
            assert_eq!(e.is_exist(), e.is(ErrorKind::Exist));
            assert_eq!(e.is_not_exist(), e.is(ErrorKind::NotExist));
            assert_eq!(e.is_unsupported(), e.is(ErrorKind::Unsupported));
        }
        assert!(Errno::ENOTSUP.is_unsupported() && Errno::ENOSYS.is_unsupported());
        assert!(Errno::EPERM.is_permission() && !Errno::EPERM.is_exist());
        assert!(Errno::ENOTEMPTY.is_exist() && !Errno::ENOTDIR.is_not_exist());
    }

    #[test]
    fn temporary_and_timeout_match_go_for_every_errno() {
        for n in 0..=4095u16 {
            let e = Errno::from_raw(n);
            let go_timeout = e == Errno::EAGAIN || e == Errno::EWOULDBLOCK || e == Errno::ETIMEDOUT;
            let go_temporary =
                e == Errno::EINTR || e == Errno::EMFILE || e == Errno::ENFILE || go_timeout;
            assert_eq!(
                (e.is_timeout(), e.is_temporary()),
                (go_timeout, go_temporary),
                "{e:?}"
            );
        }
    }

    #[cfg(feature = "std")]
    #[test]
    fn kinds_map_to_std_io_error_kinds() {
        use std::io::ErrorKind as Io;
        assert_eq!(Io::from(ErrorKind::Permission), Io::PermissionDenied);
        assert_eq!(Io::from(ErrorKind::Exist), Io::AlreadyExists);
        assert_eq!(Io::from(ErrorKind::NotExist), Io::NotFound);
        assert_eq!(Io::from(ErrorKind::Unsupported), Io::Unsupported);
        // Where std classifies the errno the same way, the two agree.
        for e in [
            Errno::EACCES,
            Errno::EPERM,
            Errno::EEXIST,
            Errno::ENOENT,
            Errno::ENOSYS,
        ] {
            assert_eq!(e.kind().map(Io::from), Some(e.io_error_kind()), "{e:?}");
        }
        // std is finer where Go groups: ENOTEMPTY is Exist to Go, DirectoryNotEmpty to std.
        assert_eq!(Errno::ENOTEMPTY.io_error_kind(), Io::DirectoryNotEmpty);
        assert_eq!(Errno::EBADF.kind(), None);
    }

    #[cfg(feature = "std")]
    #[test]
    fn std_io_error_kinds() {
        use std::io::ErrorKind;
        let kind = |e: Errno| std::io::Error::from(e).kind();
        assert_eq!(kind(Errno::ENOENT), ErrorKind::NotFound);
        assert_eq!(kind(Errno::EACCES), ErrorKind::PermissionDenied);
        assert_eq!(kind(Errno::EEXIST), ErrorKind::AlreadyExists);
        assert_eq!(
            Errno::from_io_error(&std::io::Error::from(Errno::EXDEV)),
            Some(Errno::EXDEV)
        );
    }
}
