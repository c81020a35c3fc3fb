//! Sockets: creating and connecting them ([`socket`], [`bind`], [`listen`], [`accept4`],
//! [`connect`]…), sending and receiving ([`send`], [`recvfrom`], [`sendmsg`], [`recvmsg`],
//! [`sendmmsg`], [`recvmmsg`]), addresses ([`SockAddr`]), options ([`sockopt`]) and control
//! messages ([`CmsgWriter`], [`RecvCmsgs`]); [`netlink`] lists links and addresses.
//!
//! Every call that makes a descriptor ([`socket`], [`socketpair`], [`accept4`], and the
//! descriptors [`recvmsg`] receives) sets close-on-exec. Addresses are decoded from the
//! kernel's bytes by a parser that accepts any input ([`SockAddr::parse`]), and encoded from
//! linux-raw-sys's layouts. Nothing allocates.
//!
//! `std::net::SocketAddr` and its V4/V6 forms are `core::net`'s types, which [`SockAddr`]
//! converts to and from; with the `std` feature, `std::os::unix::net::SocketAddr` converts to
//! and from [`SockAddrUnix`], and sysrt's [`OwnedFd`](crate::fd::OwnedFd) to and from std's
//! `TcpStream`, `TcpListener`, `UdpSocket`, `UnixStream`, `UnixListener` and `UnixDatagram`.
//!
//! ```no_run
//! use core::net::{Ipv4Addr, SocketAddrV4};
//! use sysrt::net::{self, AddressFamily, Protocol, SocketType, sockopt};
//! let listener = net::socket(AddressFamily::INET, SocketType::STREAM, Protocol::DEFAULT)?;
//! sockopt::set_reuseaddr(&listener, true)?;
//! net::bind(&listener, &SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0).into())?;
//! net::listen(&listener, 128)?;
//! let (conn, peer) = net::accept(&listener)?;
//! sysrt::io::write_all(&conn, b"hello\n")?;
//! # let _ = peer;
//! # Ok::<(), sysrt::Errno>(())
//! ```

mod addr;
mod cmsg;
mod msg;
pub mod netlink;
mod socket;
pub mod sockopt;
#[cfg(feature = "std")]
mod std_interop;
mod types;

pub use addr::{
    SOCKADDR_STORAGE_SIZE, SockAddr, SockAddrLinkLayer, SockAddrNetlink, SockAddrStorage,
    SockAddrUnix, SockAddrUnknown, UNIX_PATH_MAX, UnixAddrKind,
};
pub use cmsg::{
    CmsgWriter, Cmsgs, ControlMessage, ControlMessages, RecvCmsgs, TakeFds, cmsg_align, cmsg_len,
    cmsg_space, next_rights_slot, parse_socket_control_message, parse_unix_credentials,
    parse_unix_rights, unix_credentials, unix_rights,
};
pub use msg::{
    RecvMmsg, RecvMsg, SendMmsg, recv, recvfrom, recvmmsg, recvmsg, send, sendmmsg, sendmsg, sendto,
};
pub use socket::{
    accept, accept4, bind, connect, connect_unspec, getpeername, getsockname, listen, shutdown,
    socket, socket_with, socketpair,
};
pub use types::{
    AddressFamily, Protocol, RecvFlags, SendFlags, Shutdown, SocketFlags, SocketType, Ucred,
};
