//! Creating and connecting sockets: `socket`, `socketpair`, `bind`, `listen`, `accept4`,
//! `connect`, `shutdown`, `getsockname`, `getpeername`.

use super::addr::{SockAddr, SockAddrStorage};
use super::types::{AddressFamily, Protocol, Shutdown, SocketFlags, SocketType};
use crate::fd::{AsFd, OwnedFd, RawFd};
use crate::{Errno, Result, Sysno, arch, arg};

/// `socket(family, ty, protocol)` — a new socket, close-on-exec.
///
/// [`socket_with`] takes [`SocketFlags`] (`SOCK_NONBLOCK`) as well.
///
/// # Errors
/// `EAFNOSUPPORT` (family unknown or not built into this kernel), `EINVAL` (unknown type or
/// flag bits), `EPROTONOSUPPORT` (the protocol does not fit the family and type, e.g. TCP
/// with `SOCK_DGRAM`), `ESOCKTNOSUPPORT`, `EACCES`/`EPERM` (raw sockets without
/// `CAP_NET_RAW`), `EMFILE`, `ENFILE`, `ENOBUFS`, `ENOMEM`.
///
/// # References
/// `man 2 socket`. Go: `syscall.Socket`.
#[doc(alias = "Socket")]
#[inline]
pub fn socket(family: AddressFamily, ty: SocketType, protocol: Protocol) -> Result<OwnedFd> {
    socket_with(family, ty, SocketFlags::empty(), protocol)
}

/// `socket(family, ty | flags, protocol)` — [`socket`] with creation flags; `SOCK_CLOEXEC` is
/// always added.
///
/// # Errors
/// As [`socket`].
///
/// # References
/// `man 2 socket`. Go: `syscall.Socket` (with the flags or'ed into the type).
#[inline]
pub fn socket_with(
    family: AddressFamily,
    ty: SocketType,
    flags: SocketFlags,
    protocol: Protocol,
) -> Result<OwnedFd> {
    let ty = ty.raw() | (flags | SocketFlags::CLOEXEC).bits();
    // SAFETY: `socket` takes integers only and writes no user memory.
    let ret = unsafe {
        arch::syscall3_readonly(
            Sysno::socket,
            arg::uint(u32::from(family.raw())),
            arg::uint(ty),
            arg::uint(protocol.raw()),
        )
    };
    let fd = Errno::decode(ret)? as RawFd;
    // SAFETY: `socket` succeeded, so `fd` is a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `socketpair(family, ty | flags, protocol)` — two connected sockets, both close-on-exec
/// (`SOCK_CLOEXEC` is always added). Only `AF_UNIX` supports pairs.
///
/// # Errors
/// `EOPNOTSUPP` (a family without pairs, e.g. `AF_INET`), `EAFNOSUPPORT`, `EPROTONOSUPPORT`,
/// `EINVAL`, `EMFILE`, `ENFILE`.
///
/// # References
/// `man 2 socketpair`. Go: `syscall.Socketpair`.
#[doc(alias = "Socketpair")]
#[inline]
pub fn socketpair(
    family: AddressFamily,
    ty: SocketType,
    flags: SocketFlags,
    protocol: Protocol,
) -> Result<(OwnedFd, OwnedFd)> {
    let ty = ty.raw() | (flags | SocketFlags::CLOEXEC).bits();
    let mut fds = [0 as RawFd; 2];
    // SAFETY: the kernel writes two ints into `fds`, a live local of exactly that size.
    let ret = unsafe {
        arch::syscall4(
            Sysno::socketpair,
            arg::uint(u32::from(family.raw())),
            arg::uint(ty),
            arg::uint(protocol.raw()),
            fds.as_mut_ptr() as usize,
        )
    };
    Errno::decode(ret)?;
    // SAFETY: `socketpair` succeeded, so both numbers are new descriptors nothing else owns.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// `bind(fd, addr)` — gives the socket a local address.
///
/// Port 0 (inet) asks the kernel for a free ephemeral port ([`getsockname`] tells which); an
/// unnamed Unix address asks for an abstract name (autobind).
///
/// # Errors
/// `EADDRINUSE` (taken; for TCP see `SO_REUSEADDR`), `EADDRNOTAVAIL` (not a local address),
/// `EACCES` (a port below 1024 without `CAP_NET_BIND_SERVICE`; a Unix path in a directory
/// without search or write permission), `EINVAL` (already bound, or an address the family
/// refuses), `EAFNOSUPPORT` (`addr` of another family than the socket), `ENOTSOCK`,
/// `EBADF`, and for Unix paths those of file creation (`EEXIST`, `ENOENT`, `ENOTDIR`,
/// `EROFS`…).
///
/// # References
/// `man 2 bind`. Go: `syscall.Bind`.
#[doc(alias = "Bind")]
#[inline]
pub fn bind(fd: impl AsFd, addr: &SockAddr) -> Result<()> {
    let addr = addr.to_storage();
    // SAFETY: the kernel reads `len` (at most 128) bytes of `addr`, a live local.
    Errno::decode(unsafe {
        arch::syscall3_readonly(
            Sysno::bind,
            arg::fd(fd.as_fd()),
            addr.as_ptr() as usize,
            addr.len_register(),
        )
    })
    .map(drop)
}

/// `listen(fd, backlog)` — marks a bound stream or seqpacket socket as accepting
/// connections; `backlog` is capped by the kernel at `net.core.somaxconn`.
///
/// # Errors
/// `EADDRINUSE` (an unbound inet socket got an ephemeral port already taken),
/// `EOPNOTSUPP` (a datagram socket), `EINVAL`, `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 2 listen`. Go: `syscall.Listen`.
#[doc(alias = "Listen")]
#[inline]
pub fn listen(fd: impl AsFd, backlog: u32) -> Result<()> {
    // `backlog` is an `int`; the kernel clamps anything larger than somaxconn, so the top
    // values, which would read as negative, are clamped here first.
    let backlog = backlog.min(i32::MAX as u32);
    // SAFETY: `listen` takes integers only and writes no user memory.
    Errno::decode(unsafe {
        arch::syscall2_readonly(Sysno::listen, arg::fd(fd.as_fd()), arg::uint(backlog))
    })
    .map(drop)
}

/// `accept4(fd, flags=SOCK_CLOEXEC)` — takes a pending connection: the new socket
/// (close-on-exec) and the peer's address.
///
/// Uses `accept4` on every arch (aarch64 and riscv64 have no `accept`), as Go does. If the
/// kernel's address cannot be decoded (never seen in practice), it is returned as
/// [`SockAddr::Unknown`] rather than losing the connection.
///
/// # Errors
/// `EAGAIN` (non-blocking, nothing pending), `EINTR`, `ECONNABORTED` (the connection went
/// away in the queue; try again), `EINVAL` (not listening), `EMFILE`, `ENFILE`, `ENOBUFS`,
/// `ENOMEM`, `EOPNOTSUPP` (not a stream or seqpacket socket), `ENOTSOCK`, `EBADF`, `EPERM`
/// (firewall), and pending network errors of the new connection.
///
/// # References
/// `man 2 accept`. Go: `syscall.Accept`.
#[doc(alias = "Accept")]
#[inline]
pub fn accept(fd: impl AsFd) -> Result<(OwnedFd, SockAddr)> {
    accept4(fd, SocketFlags::empty())
}

/// `accept4(fd, flags)` — [`accept`] with creation flags for the new socket
/// (`SOCK_NONBLOCK`); `SOCK_CLOEXEC` is always added.
///
/// # Errors
/// As [`accept`]; `EINVAL` for unknown flag bits.
///
/// # References
/// `man 2 accept4`. Go: `syscall.Accept4`.
#[doc(alias = "Accept4")]
#[inline]
pub fn accept4(fd: impl AsFd, flags: SocketFlags) -> Result<(OwnedFd, SockAddr)> {
    let mut addr = SockAddrStorage::new();
    let len = addr.len_for_kernel();
    let buf = addr.as_mut_ptr();
    // SAFETY: the kernel writes at most `*len` (128) bytes of address into `addr` and the
    // actual length into `len`; both are live for the call.
    let ret = unsafe {
        arch::syscall4(
            Sysno::accept4,
            arg::fd(fd.as_fd()),
            buf as usize,
            len as usize,
            arg::uint((flags | SocketFlags::CLOEXEC).bits()),
        )
    };
    let new = Errno::decode(ret)? as RawFd;
    // SAFETY: `accept4` succeeded, so `new` is a new descriptor that nothing else owns.
    let new = unsafe { OwnedFd::from_raw_fd(new) };
    let peer = addr.decode_lossless().unwrap_or(SockAddr::Unknown(
        super::addr::SockAddrUnknown::from_bytes(AddressFamily::UNSPEC, &[]),
    ));
    Ok((new, peer))
}

/// `connect(fd, addr)` — connects the socket to `addr` (for a datagram socket: sets the
/// default destination and the only source accepted).
///
/// Not restarted after a signal: a blocking connect interrupted by a handler returns `EINTR`
/// while the connection attempt continues; wait for writability (`poll`/`epoll`) and read
/// `SO_ERROR` then, as for `EINPROGRESS`. Calling `connect` again gives `EALREADY`.
///
/// # Errors
/// `ECONNREFUSED` (nothing listening), `EINPROGRESS` (non-blocking: the connection
/// continues; see above), `EALREADY`, `EISCONN` (already connected), `EAFNOSUPPORT` (`addr`
/// of another family), `EPROTOTYPE` (a Unix socket of another type), `ETIMEDOUT`,
/// `ENETUNREACH`, `EHOSTUNREACH`, `EADDRNOTAVAIL` (no free local port), `EACCES`/`EPERM`,
/// `ENOENT` (no such Unix path), `EINTR`, `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 2 connect`. Go: `syscall.Connect`.
#[doc(alias = "Connect")]
#[inline]
pub fn connect(fd: impl AsFd, addr: &SockAddr) -> Result<()> {
    let addr = addr.to_storage();
    connect_storage(fd, &addr)
}

/// `connect(fd, AF_UNSPEC)` — dissolves a datagram socket's association (the default
/// destination set by [`connect`]).
///
/// # Errors
/// `ENOTSOCK`, `EBADF`; on a connected TCP socket, `AF_UNSPEC` disconnects it (Linux-specific).
///
/// # References
/// `man 2 connect` ("AF_UNSPEC").
#[inline]
pub fn connect_unspec(fd: impl AsFd) -> Result<()> {
    // A zeroed address of the length of `sockaddr` (16): family AF_UNSPEC.
    let addr = SockAddrStorage::zeroed_with_len(16);
    connect_storage(fd, &addr)
}

#[inline]
fn connect_storage(fd: impl AsFd, addr: &SockAddrStorage) -> Result<()> {
    // SAFETY: the kernel reads `len` (at most 128) bytes of `addr`, live for the call.
    Errno::decode(unsafe {
        arch::syscall3_readonly(
            Sysno::connect,
            arg::fd(fd.as_fd()),
            addr.as_ptr() as usize,
            addr.len_register(),
        )
    })
    .map(drop)
}

/// `shutdown(fd, how)` — closes one or both directions of a connection, for every
/// descriptor of the socket (unlike `close`).
///
/// # Errors
/// `ENOTCONN` (not connected), `EINVAL`, `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 2 shutdown`. Go: `syscall.Shutdown`.
#[doc(alias = "Shutdown")]
#[inline]
pub fn shutdown(fd: impl AsFd, how: Shutdown) -> Result<()> {
    // SAFETY: `shutdown` takes integers only and writes no user memory.
    Errno::decode(unsafe {
        arch::syscall2_readonly(Sysno::shutdown, arg::fd(fd.as_fd()), arg::uint(how.raw()))
    })
    .map(drop)
}

/// A `getsockname`/`getpeername` call: the kernel writes the address and its length.
#[inline(always)]
fn get_name(n: Sysno, fd: impl AsFd) -> Result<SockAddr> {
    let mut addr = SockAddrStorage::new();
    let len = addr.len_for_kernel();
    let buf = addr.as_mut_ptr();
    // SAFETY: the kernel writes at most `*len` (128) bytes into `addr` and the full length
    // into `len`, both live for the call.
    Errno::decode(unsafe { arch::syscall3(n, arg::fd(fd.as_fd()), buf as usize, len as usize) })?;
    addr.decode()
}

/// `getsockname(fd)` — the socket's local address (with the port the kernel chose after a
/// bind to port 0).
///
/// An unbound socket gives its family's empty address (`0.0.0.0:0`, an unnamed Unix
/// address).
///
/// # Errors
/// `ENOTSOCK`, `EBADF`, `ENOBUFS`; `EINVAL` if the kernel's address does not decode (never
/// for the families sysrt models).
///
/// # References
/// `man 2 getsockname`. Go: `syscall.Getsockname`.
#[doc(alias = "Getsockname")]
#[inline]
pub fn getsockname(fd: impl AsFd) -> Result<SockAddr> {
    get_name(Sysno::getsockname, fd)
}

/// `getpeername(fd)` — the connected peer's address.
///
/// # Errors
/// `ENOTCONN` (not connected), `ENOTSOCK`, `EBADF`, `ENOBUFS`; `EINVAL` as for
/// [`getsockname`].
///
/// # References
/// `man 2 getpeername`. Go: `syscall.Getpeername`.
#[doc(alias = "Getpeername")]
#[inline]
pub fn getpeername(fd: impl AsFd) -> Result<SockAddr> {
    get_name(Sysno::getpeername, fd)
}
