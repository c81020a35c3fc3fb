//! With the `std` feature: sysrt's descriptor types and std's, interchangeable.
//!
//! - sysrt's [`AsFd`] for every std type that implements std's `AsFd`, so a `std::fs::File`,
//!   a `TcpStream` or `std::io::stdout()` can be passed straight to a sysrt call
//!   (`sysrt::io::read(&file, &mut buf)`);
//! - std's `AsFd`/`AsRawFd` for sysrt's types, so they can be passed to std and to crates
//!   built on std's traits;
//! - `From` both ways between the owned and the borrowed types, and between sysrt's
//!   [`OwnedFd`] and `std::fs::File` and std's sockets (`TcpStream`, `TcpListener`,
//!   `UdpSocket`, `UnixStream`, `UnixListener`, `UnixDatagram`), so a socket made with
//!   `sysrt::net` can be handed to std and the other way round.
//!
//! Why sysrt's `AsFd` is implemented type by type rather than as one blanket
//! `impl<T: std::os::fd::AsFd> AsFd for T`: such an impl would overlap sysrt's own impls for
//! [`OwnedFd`], [`BorrowedFd`], `&T` and `&mut T` (each of which implements std's trait
//! too), so turning on `std` would have to remove those; and a user's type that implements
//! both traits, which compiles without `std`, would stop compiling once any crate in the
//! build enables `std` — a feature must only add. The list below is every type std
//! implements `AsFd` for on Linux (`PidFd` is still unstable); a type from another crate goes
//! through its std borrow: `sysrt::io::read(sock.as_fd(), …)` works for any `T: std AsFd`,
//! since std's `BorrowedFd` is one of the types below.

use std::os::fd as sfd;
use std::os::fd::{AsRawFd as _, FromRawFd as _, IntoRawFd as _};

use super::{AsFd, BorrowedFd, OwnedFd, RawFd};

/// sysrt's `AsFd` for std types, through their std `AsFd`.
macro_rules! as_fd_through_std {
    ($($ty:ty),* $(,)?) => {
        $(
            impl AsFd for $ty {
                #[inline]
                fn as_fd(&self) -> BorrowedFd<'_> {
                    BorrowedFd::from(sfd::AsFd::as_fd(self))
                }
            }
        )*
    };
}

as_fd_through_std! {
    sfd::OwnedFd,
    sfd::BorrowedFd<'_>,
    std::fs::File,
    std::net::TcpStream,
    std::net::TcpListener,
    std::net::UdpSocket,
    std::os::unix::net::UnixStream,
    std::os::unix::net::UnixListener,
    std::os::unix::net::UnixDatagram,
    std::io::Stdin,
    std::io::StdinLock<'_>,
    std::io::Stdout,
    std::io::StdoutLock<'_>,
    std::io::Stderr,
    std::io::StderrLock<'_>,
    std::io::PipeReader,
    std::io::PipeWriter,
    std::process::ChildStdin,
    std::process::ChildStdout,
    std::process::ChildStderr,
}

impl From<OwnedFd> for sfd::OwnedFd {
    /// Moves ownership to std's type; the descriptor stays open.
    #[inline]
    fn from(fd: OwnedFd) -> sfd::OwnedFd {
        // SAFETY: `fd` was open and owned; ownership moves to std's type. It is not -1.
        unsafe { sfd::OwnedFd::from_raw_fd(fd.into_raw_fd()) }
    }
}

impl From<sfd::OwnedFd> for OwnedFd {
    /// Moves ownership from std's type; the descriptor stays open.
    #[inline]
    fn from(fd: sfd::OwnedFd) -> OwnedFd {
        // SAFETY: std's OwnedFd is open, never -1, and gives up ownership here.
        unsafe { OwnedFd::from_raw_fd(fd.into_raw_fd()) }
    }
}

impl<'a> From<sfd::BorrowedFd<'a>> for BorrowedFd<'a> {
    #[inline]
    fn from(fd: sfd::BorrowedFd<'a>) -> BorrowedFd<'a> {
        // SAFETY: std's BorrowedFd is open for 'a and never -1.
        unsafe { BorrowedFd::borrow_raw(fd.as_raw_fd()) }
    }
}

impl<'a> From<BorrowedFd<'a>> for sfd::BorrowedFd<'a> {
    /// The same number, borrowed for the same lifetime. [`CWD`](super::CWD) becomes a std
    /// `BorrowedFd` holding `AT_FDCWD`, as rustix's `CWD` is: meaningful only to the `*at`
    /// calls.
    #[inline]
    fn from(fd: BorrowedFd<'a>) -> sfd::BorrowedFd<'a> {
        // SAFETY: sysrt's BorrowedFd is never -1 and its number stays valid for 'a.
        unsafe { sfd::BorrowedFd::borrow_raw(fd.as_raw_fd()) }
    }
}

impl From<OwnedFd> for std::fs::File {
    /// A `File` that owns the descriptor (whatever it refers to, as std's own
    /// `From<OwnedFd> for File` allows).
    #[inline]
    fn from(fd: OwnedFd) -> std::fs::File {
        std::fs::File::from(sfd::OwnedFd::from(fd))
    }
}

impl From<std::fs::File> for OwnedFd {
    /// Takes over the `File`'s descriptor; it stays open.
    #[inline]
    fn from(file: std::fs::File) -> OwnedFd {
        OwnedFd::from(sfd::OwnedFd::from(file))
    }
}

/// `From` both ways between sysrt's [`OwnedFd`] and std's socket types, through std's
/// `OwnedFd`.
macro_rules! socket_conversions {
    ($($ty:ty),* $(,)?) => {
        $(
            impl From<OwnedFd> for $ty {
                /// A std socket that owns the descriptor. As with std's own
                /// `From<std::os::fd::OwnedFd>`, that it is a socket of the right kind is the
                /// caller's knowledge, not checked: a mismatch gives errors, not undefined
                /// behaviour.
                #[inline]
                fn from(fd: OwnedFd) -> $ty {
                    <$ty>::from(sfd::OwnedFd::from(fd))
                }
            }

            impl From<$ty> for OwnedFd {
                /// Takes over the socket's descriptor; it stays open.
                #[inline]
                fn from(s: $ty) -> OwnedFd {
                    OwnedFd::from(sfd::OwnedFd::from(s))
                }
            }
        )*
    };
}

socket_conversions! {
    std::net::TcpStream,
    std::net::TcpListener,
    std::net::UdpSocket,
    std::os::unix::net::UnixStream,
    std::os::unix::net::UnixListener,
    std::os::unix::net::UnixDatagram,
}

impl sfd::AsFd for OwnedFd {
    #[inline]
    fn as_fd(&self) -> sfd::BorrowedFd<'_> {
        sfd::BorrowedFd::from(OwnedFd::as_fd(self))
    }
}

impl sfd::AsFd for BorrowedFd<'_> {
    #[inline]
    fn as_fd(&self) -> sfd::BorrowedFd<'_> {
        sfd::BorrowedFd::from(*self)
    }
}

impl sfd::AsRawFd for OwnedFd {
    #[inline]
    fn as_raw_fd(&self) -> RawFd {
        OwnedFd::as_raw_fd(self)
    }
}

impl sfd::AsRawFd for BorrowedFd<'_> {
    #[inline]
    fn as_raw_fd(&self) -> RawFd {
        BorrowedFd::as_raw_fd(*self)
    }
}

impl sfd::IntoRawFd for OwnedFd {
    #[inline]
    fn into_raw_fd(self) -> RawFd {
        OwnedFd::into_raw_fd(self)
    }
}

impl sfd::FromRawFd for OwnedFd {
    /// As [`OwnedFd::from_raw_fd`].
    ///
    /// # Safety
    /// As [`OwnedFd::from_raw_fd`]: an open descriptor nothing else owns, never -1.
    #[inline]
    unsafe fn from_raw_fd(fd: RawFd) -> OwnedFd {
        // SAFETY: forwarded from the caller.
        unsafe { OwnedFd::from_raw_fd(fd) }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read as _, Write as _};
    use std::rc::Rc;
    use std::sync::Arc;
    use std::vec::Vec;

    use super::*;
    use crate::{Errno, fs, io};

    fn takes_sysrt_as_fd<T: AsFd>(_: &T) {}

    /// A temporary file with `bytes` in it, opened for reading and writing through std.
    fn temp_file(name: &str, bytes: &[u8]) -> (std::path::PathBuf, std::fs::File) {
        let path =
            std::env::temp_dir().join(std::format!("sysrt-unit-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .unwrap();
        (path, file)
    }

    #[test]
    fn std_file_reads_through_sysrt() {
        let (path, file) = temp_file("as-fd", b"contents");
        let mut buf = [0u8; 16];
        // The point of the impls: a std File is a sysrt AsFd, by reference or by value.
        assert_eq!(io::read(&file, &mut buf), Ok(8));
        assert_eq!(&buf[..8], b"contents");
        assert_eq!(io::pread(&file, &mut buf[..3], 4), Ok(3));
        assert_eq!(&buf[..3], b"ent");
        assert_eq!(fs::fstat(&file).map(|st| st.size), Ok(8));
        let boxed = std::boxed::Box::new(file);
        assert_eq!(io::pread(&boxed, &mut buf[..2], 0), Ok(2));
        let rc = Rc::new(*boxed);
        assert_eq!(io::pread(&rc, &mut buf[..2], 0), Ok(2));
        let arc = Arc::new(Rc::into_inner(rc).unwrap());
        assert_eq!(io::pread(arc.clone(), &mut buf[..2], 0), Ok(2));
        assert_eq!(&buf[..2], b"co");
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn std_sockets_pipes_and_stdio_are_sysrt_as_fd() {
        let (a, mut b) = std::os::unix::net::UnixStream::pair().unwrap();
        assert_eq!(io::write(&a, b"over"), Ok(4));
        let mut got = [0u8; 4];
        b.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"over");

        let (reader, mut writer) = std::io::pipe().unwrap();
        writer.write_all(b"piped").unwrap();
        drop(writer);
        let mut buf = [0u8; 8];
        assert_eq!(io::read(&reader, &mut buf), Ok(5));
        assert_eq!(io::read(&reader, &mut buf), Ok(0));

        // Stdout and its lock are fd 1; std's own borrow types convert too.
        let out = std::io::stdout();
        assert_eq!(AsFd::as_fd(&out).as_raw_fd(), 1);
        assert_eq!(AsFd::as_fd(&out.lock()).as_raw_fd(), 1);
        assert_eq!(AsFd::as_fd(&std::io::stdin().lock()).as_raw_fd(), 0);
        assert_eq!(AsFd::as_fd(&std::io::stderr()).as_raw_fd(), 2);
        assert_eq!(
            io::fcntl_getfd(sfd::AsFd::as_fd(&reader)).map(|f| f.contains(io::FdFlags::CLOEXEC)),
            Ok(true)
        );

        // Every type std implements AsFd for is one of sysrt's too (checked at compile time).
        let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        takes_sysrt_as_fd(&tcp);
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        takes_sysrt_as_fd(&udp);
        assert_eq!(
            io::fcntl_getfl(&udp).map(|f| f.contains(fs::OFlags::RDWR)),
            Ok(true)
        );
        fn all() {
            fn check<T: AsFd>() {}
            check::<std::fs::File>();
            check::<sfd::OwnedFd>();
            check::<sfd::BorrowedFd<'static>>();
            check::<std::net::TcpStream>();
            check::<std::net::TcpListener>();
            check::<std::net::UdpSocket>();
            check::<std::os::unix::net::UnixStream>();
            check::<std::os::unix::net::UnixListener>();
            check::<std::os::unix::net::UnixDatagram>();
            check::<std::io::Stdin>();
            check::<std::io::StdinLock<'static>>();
            check::<std::io::Stdout>();
            check::<std::io::StdoutLock<'static>>();
            check::<std::io::Stderr>();
            check::<std::io::StderrLock<'static>>();
            check::<std::io::PipeReader>();
            check::<std::io::PipeWriter>();
            check::<std::process::ChildStdin>();
            check::<std::process::ChildStdout>();
            check::<std::process::ChildStderr>();
            check::<std::boxed::Box<std::fs::File>>();
            check::<Rc<std::fs::File>>();
            check::<Arc<std::fs::File>>();
            check::<&std::fs::File>();
            check::<&mut std::fs::File>();
        }
        all();
    }

    #[test]
    fn child_pipes_are_sysrt_as_fd() {
        let Ok(mut child) = std::process::Command::new("cat")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
        else {
            // No `cat` on this host: the compile-time check above still covers the types.
            return;
        };
        let stdin = child.stdin.take().unwrap();
        assert_eq!(io::write_all(&stdin, b"through cat"), Ok(()));
        drop(stdin);
        let stdout = child.stdout.take().unwrap();
        let mut buf = [0u8; 32];
        let mut got = Vec::new();
        loop {
            match io::read(&stdout, &mut buf) {
                Ok(0) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(Errno::EINTR) => continue,
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(got, b"through cat");
        assert!(child.wait().unwrap().success());
    }

    #[test]
    fn owned_fds_convert_both_ways_and_into_file() {
        let (path, file) = temp_file("owned", b"abc");
        let raw = file.as_raw_fd();
        let ours = OwnedFd::from(file);
        assert_eq!(ours.as_raw_fd(), raw);
        let std_owned = sfd::OwnedFd::from(ours);
        assert_eq!(std_owned.as_raw_fd(), raw);
        let ours = OwnedFd::from(std_owned);
        assert_eq!(ours.as_raw_fd(), raw);
        let mut file = std::fs::File::from(ours);
        assert_eq!(file.as_raw_fd(), raw);
        let mut s = std::string::String::new();
        file.read_to_string(&mut s).unwrap();
        assert_eq!(s, "abc");
        // A descriptor sysrt opened, handed to std: close-on-exec as sysrt made it.
        let ours = fs::open(path.as_path(), fs::OFlags::RDONLY, fs::Mode::empty()).unwrap();
        let n = ours.as_raw_fd();
        let file = std::fs::File::from(ours);
        assert_eq!(file.as_raw_fd(), n);
        assert_eq!(io::fcntl_getfd(&file), Ok(io::FdFlags::CLOEXEC));
        // std's traits on sysrt's types.
        let ours = OwnedFd::from(file);
        assert_eq!(sfd::AsFd::as_fd(&ours).as_raw_fd(), n);
        assert_eq!(sfd::AsRawFd::as_raw_fd(&ours), n);
        assert_eq!(sfd::IntoRawFd::into_raw_fd(ours), n);
        // SAFETY: `n` was just given up by `ours` and is still open.
        let back: OwnedFd = unsafe { sfd::FromRawFd::from_raw_fd(n) };
        assert_eq!(back.as_raw_fd(), n);
        drop(back);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn borrowed_fds_convert_both_ways() {
        let (path, file) = temp_file("borrowed", b"");
        let std_b = sfd::AsFd::as_fd(&file);
        let ours = BorrowedFd::from(std_b);
        assert_eq!(ours.as_raw_fd(), file.as_raw_fd());
        let back = sfd::BorrowedFd::from(ours);
        assert_eq!(back.as_raw_fd(), file.as_raw_fd());
        assert_eq!(sfd::AsFd::as_fd(&ours).as_raw_fd(), file.as_raw_fd());
        assert_eq!(sfd::AsRawFd::as_raw_fd(&ours), file.as_raw_fd());
        // CWD keeps AT_FDCWD, as rustix's CWD does.
        assert_eq!(
            sfd::BorrowedFd::from(crate::fd::CWD).as_raw_fd(),
            linux_raw_sys::general::AT_FDCWD
        );
        // The std BorrowedFd works in a sysrt call directly.
        assert_eq!(fs::fstat(std_b).map(|st| st.size), Ok(0));
        assert_eq!(
            core::mem::size_of::<Option<sfd::BorrowedFd<'_>>>(),
            core::mem::size_of::<Option<BorrowedFd<'_>>>()
        );
        std::fs::remove_file(path).unwrap();
    }
}
