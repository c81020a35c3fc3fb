//! With the `std` feature: sysrt's socket addresses and std's.
//!
//! - `std::net::SocketAddr`, `SocketAddrV4` and `SocketAddrV6` are `core::net`'s types, so
//!   [`SockAddr`]'s `From`/`TryFrom` impls for those already convert both ways.
//! - `std::os::unix::net::SocketAddr` ↔ [`SockAddrUnix`] (and [`SockAddr`]): paths, abstract
//!   names (through `std::os::linux::net::SocketAddrExt`) and unnamed addresses; std cannot
//!   make an unnamed address, so that direction is `EINVAL`.
//!
//! The descriptor conversions (`From<OwnedFd>` for `TcpStream`, `TcpListener`, `UdpSocket`,
//! `UnixStream`, `UnixListener`, `UnixDatagram`, and back) are with the other fd
//! conversions in `fd`'s std interop.

use std::ffi::OsStr;
use std::os::linux::net::SocketAddrExt as _;
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::net as unet;
use std::path::Path;

use super::{SockAddr, SockAddrUnix, UnixAddrKind};
use crate::{Errno, Result};

impl TryFrom<&unet::SocketAddr> for SockAddrUnix {
    type Error = Errno;

    /// The same address: a path, an abstract name or unnamed.
    ///
    /// # Errors
    /// `ENAMETOOLONG`/`EINVAL` as [`SockAddrUnix::new`] (never for an address std got from
    /// the kernel).
    fn try_from(a: &unet::SocketAddr) -> Result<SockAddrUnix> {
        if let Some(p) = a.as_pathname() {
            SockAddrUnix::new(p.as_os_str().as_bytes())
        } else if let Some(name) = a.as_abstract_name() {
            SockAddrUnix::new_abstract(name)
        } else {
            Ok(SockAddrUnix::unnamed())
        }
    }
}

impl TryFrom<unet::SocketAddr> for SockAddrUnix {
    type Error = Errno;

    /// As the `&` form.
    fn try_from(a: unet::SocketAddr) -> Result<SockAddrUnix> {
        SockAddrUnix::try_from(&a)
    }
}

impl TryFrom<unet::SocketAddr> for SockAddr {
    type Error = Errno;

    /// `SockAddr::Unix` of the same address.
    fn try_from(a: unet::SocketAddr) -> Result<SockAddr> {
        SockAddrUnix::try_from(&a).map(SockAddr::Unix)
    }
}

impl TryFrom<&SockAddrUnix> for unet::SocketAddr {
    type Error = Errno;

    /// std's address for a path or an abstract name.
    ///
    /// # Errors
    /// `EINVAL`: the unnamed address, which std cannot make.
    fn try_from(a: &SockAddrUnix) -> Result<unet::SocketAddr> {
        let made = match a.kind() {
            UnixAddrKind::Path(p) => {
                unet::SocketAddr::from_pathname(Path::new(OsStr::from_bytes(p)))
            }
            UnixAddrKind::Abstract(name) => unet::SocketAddr::from_abstract_name(name),
            UnixAddrKind::Unnamed => return Err(Errno::EINVAL),
        };
        made.map_err(|_| Errno::EINVAL)
    }
}

impl TryFrom<SockAddrUnix> for unet::SocketAddr {
    type Error = Errno;

    /// As the `&` form.
    fn try_from(a: SockAddrUnix) -> Result<unet::SocketAddr> {
        unet::SocketAddr::try_from(&a)
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read as _, Write as _};
    use std::net::{TcpListener, TcpStream, UdpSocket};
    use std::os::unix::net::{UnixDatagram, UnixListener, UnixStream};

    use super::*;
    use crate::fd::OwnedFd;
    use crate::net::{self, AddressFamily, Protocol, RecvFlags, SendFlags, SocketType};

    #[test]
    fn inet_addresses_are_core_net_so_std_converts() {
        let std_addr: std::net::SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let ours = SockAddr::from(std_addr);
        assert_eq!(std::net::SocketAddr::try_from(ours.clone()), Ok(std_addr));
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        assert_eq!(
            net::getsockname(&l),
            Ok(SockAddr::from(l.local_addr().unwrap()))
        );
        let v6: std::net::SocketAddrV6 = "[::1]:9".parse().unwrap();
        assert_eq!(
            SockAddr::from(v6).as_inet(),
            Some(std::net::SocketAddr::V6(v6))
        );
    }

    #[test]
    fn sysrt_sockets_become_std_sockets_and_back() {
        // A sysrt listener used through std.
        let s = net::socket(AddressFamily::INET, SocketType::STREAM, Protocol::DEFAULT).unwrap();
        net::bind(
            &s,
            &"127.0.0.1:0"
                .parse::<std::net::SocketAddr>()
                .unwrap()
                .into(),
        )
        .unwrap();
        net::listen(&s, 4).unwrap();
        let listener = TcpListener::from(s);
        let addr = listener.local_addr().unwrap();
        let mut client = TcpStream::connect(addr).unwrap();
        let (server, peer) = listener.accept().unwrap();
        assert_eq!(peer, client.local_addr().unwrap());
        // A std stream used through sysrt.
        let server = OwnedFd::from(server);
        client.write_all(b"std to sysrt").unwrap();
        let mut buf = [0u8; 12];
        assert_eq!(net::recv(&server, &mut buf, RecvFlags::WAITALL), Ok(12));
        assert_eq!(&buf, b"std to sysrt");
        assert_eq!(net::send(&server, b"back", SendFlags::empty()), Ok(4));
        let mut back = [0u8; 4];
        client.read_exact(&mut back).unwrap();
        assert_eq!(&back, b"back");
        let _ = OwnedFd::from(listener);
        // UDP both ways.
        let u = UdpSocket::bind("127.0.0.1:0").unwrap();
        let to = u.local_addr().unwrap();
        let ours = OwnedFd::from(u);
        let sender =
            net::socket(AddressFamily::INET, SocketType::DGRAM, Protocol::DEFAULT).unwrap();
        let sender = UdpSocket::from(sender);
        sender.send_to(b"dgram", to).unwrap();
        let mut d = [0u8; 8];
        let (n, from) = net::recvfrom(&ours, &mut d, RecvFlags::empty()).unwrap();
        // The sender is bound to 0.0.0.0:port; its datagram comes from 127.0.0.1:port.
        let sent_from: std::net::SocketAddr =
            std::format!("127.0.0.1:{}", sender.local_addr().unwrap().port())
                .parse()
                .unwrap();
        assert_eq!((n, from), (5, Some(SockAddr::from(sent_from))));
        let back = UdpSocket::from(ours);
        assert_eq!(back.local_addr().unwrap(), to);
    }

    #[test]
    fn unix_addresses_and_sockets_convert() {
        let (a, b) = UnixStream::pair().unwrap();
        let (a, b) = (OwnedFd::from(a), OwnedFd::from(b));
        assert_eq!(net::send(&a, b"pair", SendFlags::empty()), Ok(4));
        let mut b = UnixStream::from(b);
        let mut got = [0u8; 4];
        b.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"pair");
        // Unnamed, abstract and path addresses, both ways.
        let unnamed = b.local_addr().unwrap();
        assert_eq!(
            SockAddrUnix::try_from(&unnamed),
            Ok(SockAddrUnix::unnamed())
        );
        assert_eq!(
            unet::SocketAddr::try_from(SockAddrUnix::unnamed()).err(),
            Some(Errno::EINVAL)
        );
        let name = std::format!("sysrt-unit-{}-abstract\0x", std::process::id());
        let std_abs = unet::SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
        let listener = UnixListener::bind_addr(&std_abs).unwrap();
        let ours = SockAddrUnix::new_abstract(name.as_bytes()).unwrap();
        assert_eq!(net::getsockname(&listener), Ok(SockAddr::Unix(ours)));
        assert_eq!(
            SockAddr::try_from(listener.local_addr().unwrap()),
            Ok(SockAddr::Unix(ours))
        );
        let back = unet::SocketAddr::try_from(&ours).unwrap();
        assert_eq!(back.as_abstract_name(), Some(name.as_bytes()));
        let path =
            std::env::temp_dir().join(std::format!("sysrt-unit-{}-dgram", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let d = UnixDatagram::bind(&path).unwrap();
        let ours = SockAddrUnix::try_from(d.local_addr().unwrap()).unwrap();
        assert_eq!(ours.path(), Some(path.as_os_str().as_bytes()));
        assert_eq!(
            unet::SocketAddr::try_from(ours).unwrap().as_pathname(),
            Some(path.as_path())
        );
        let d = OwnedFd::from(d);
        let d = UnixDatagram::from(d);
        assert_eq!(d.local_addr().unwrap().as_pathname(), Some(path.as_path()));
        std::fs::remove_file(&path).unwrap();
        let _ = UnixListener::from(OwnedFd::from(listener));
    }
}
