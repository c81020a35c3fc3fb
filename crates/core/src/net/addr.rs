//! Socket addresses: one [`SockAddr`] type for every family sysrt models (IPv4, IPv6, Unix,
//! netlink, link layer) plus [`SockAddrUnknown`] for the rest, the kernel's byte encoding
//! ([`SockAddrStorage`]) and a decoder that accepts any bytes.
//!
//! Encoding and decoding go through bytes at the offsets of linux-raw-sys's structs
//! (`offset_of!`), never through a pointer cast, so an address of any length and any
//! alignment is decoded without undefined behaviour, and a wrong family or a short length is
//! an error ([`SockAddr::parse`]).

use core::fmt;
use core::mem::{offset_of, size_of};
use core::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use linux_raw_sys::if_packet::sockaddr_ll;
use linux_raw_sys::net::{__kernel_sockaddr_storage, sockaddr_in, sockaddr_in6, sockaddr_un};
use linux_raw_sys::netlink::sockaddr_nl;

use super::types::{AddressFamily, bytes_at, put};
use crate::{Errno, Result};

/// The size of `struct sockaddr_storage`: 128 bytes, the most any family's address takes.
pub const SOCKADDR_STORAGE_SIZE: usize = size_of::<__kernel_sockaddr_storage>();

/// The size of `sun_path` in `struct sockaddr_un`: 108 bytes (`UNIX_PATH_MAX`).
pub const UNIX_PATH_MAX: usize = linux_raw_sys::net::UNIX_PATH_MAX as usize;

/// Where `sun_path` starts: after the 2-byte family.
const SUN_PATH_OFFSET: usize = offset_of!(sockaddr_un, sun_path);

/// The bytes of `sockaddr_ll` before `sll_addr`: an `AF_PACKET` address is at least this
/// long; the kernel reports `offsetof(sll_addr) + sll_halen` (18 for Ethernet), not the
/// struct's 20.
const SLL_ADDR_OFFSET: usize = offset_of!(sockaddr_ll, sll_addr);

/// The size of `sll_addr`: 8 bytes.
const SLL_ADDR_SIZE: usize = 8;

/// The 128 bytes of a socket address and their alignment (that of `sockaddr_storage`, 8), the
/// buffer the kernel reads an address from and writes one into.
#[derive(Copy, Clone)]
#[repr(C, align(8))]
struct StorageBytes([u8; SOCKADDR_STORAGE_SIZE]);

const _: () = {
    assert!(SOCKADDR_STORAGE_SIZE == 128);
    assert!(align_of::<StorageBytes>() == align_of::<__kernel_sockaddr_storage>());
    assert!(size_of::<StorageBytes>() == SOCKADDR_STORAGE_SIZE);
    assert!(size_of::<sockaddr_un>() == SUN_PATH_OFFSET + UNIX_PATH_MAX);
    assert!(SLL_ADDR_OFFSET + SLL_ADDR_SIZE == size_of::<sockaddr_ll>());
};

/// A socket address in the kernel's encoding: up to 128 bytes (`struct sockaddr_storage`) and
/// the length in use (`socklen_t`).
///
/// What the calls pass to the kernel ([`bind`](super::bind), [`connect`](super::connect),
/// [`sendto`](super::sendto)…) and what [`recvmmsg`](super::recvmmsg) fills for each message.
/// Made from a [`SockAddr`] with `From`; [`decode`](Self::decode) turns it back.
///
/// Go: `syscall.RawSockaddrAny`.
#[doc(alias = "sockaddr_storage")]
#[doc(alias = "RawSockaddrAny")]
#[derive(Copy, Clone)]
pub struct SockAddrStorage {
    bytes: StorageBytes,
    len: u32,
}

impl SockAddrStorage {
    /// An empty address (length 0), ready to be filled by the kernel.
    pub const fn new() -> SockAddrStorage {
        SockAddrStorage {
            bytes: StorageBytes([0; SOCKADDR_STORAGE_SIZE]),
            len: 0,
        }
    }

    /// The bytes in use (at most 128, even if the kernel reported a longer length).
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.0.get(..self.len()).unwrap_or(&self.bytes.0)
    }

    /// The length in use, as the kernel reported it, clamped to 128.
    pub fn len(&self) -> usize {
        (self.len as usize).min(SOCKADDR_STORAGE_SIZE)
    }

    /// Whether the length is 0 (no address: the kernel filled none).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The family field (`sa_family`), or `AF_UNSPEC` if the length does not reach it.
    pub fn family(&self) -> AddressFamily {
        if self.len() < 2 {
            return AddressFamily::UNSPEC;
        }
        AddressFamily::from_raw(u16::from_ne_bytes(bytes_at(&self.bytes.0, 0)))
    }

    /// Decodes the address (see [`SockAddr::parse`]). The length is the kernel's, which for a
    /// Unix path of 108 bytes is one more than `sockaddr_un` holds: the decoder clamps it.
    ///
    /// # Errors
    /// `EINVAL`: a length below 2 (no family) or too short for the family.
    pub fn decode(&self) -> Result<SockAddr> {
        SockAddr::parse(&self.bytes.0, self.len as usize)
    }

    /// The kernel's address of the bytes, for a call to write into.
    #[inline]
    pub(crate) fn as_mut_ptr(&mut self) -> *mut u8 {
        self.bytes.0.as_mut_ptr()
    }

    /// The 128 bytes, to fill.
    #[inline]
    pub(crate) fn bytes_mut(&mut self) -> &mut [u8] {
        &mut self.bytes.0
    }

    /// The kernel's address of the bytes, for a call to read.
    #[inline]
    pub(crate) fn as_ptr(&self) -> *const u8 {
        self.bytes.0.as_ptr()
    }

    /// The length word, for calls that update it (`accept4`, `getsockname`…); set to 128
    /// (the room there is) before the call.
    #[inline]
    pub(crate) fn len_for_kernel(&mut self) -> *mut u32 {
        self.len = SOCKADDR_STORAGE_SIZE as u32;
        &raw mut self.len
    }

    /// `len` zero bytes (family `AF_UNSPEC`); `len` is clamped to 128.
    #[inline]
    pub(crate) fn zeroed_with_len(len: usize) -> SockAddrStorage {
        let mut s = SockAddrStorage::new();
        s.len = len.min(SOCKADDR_STORAGE_SIZE) as u32;
        s
    }

    /// Sets the length after the kernel reported it elsewhere (`msg_namelen`).
    #[inline]
    pub(crate) fn set_len(&mut self, len: u32) {
        self.len = len;
    }

    /// The length as a register.
    #[inline]
    pub(crate) fn len_register(&self) -> usize {
        self.len as usize
    }

    /// The address the kernel returned, for calls that consumed something before it was
    /// decoded (data, a connection): `None` for length 0; an address that does not decode
    /// becomes [`SockAddr::Unknown`] with the raw bytes rather than an error, so nothing the
    /// call took is lost.
    pub(crate) fn decode_lossless(&self) -> Option<SockAddr> {
        if self.len == 0 {
            return None;
        }
        Some(self.decode().unwrap_or_else(|_| {
            SockAddr::Unknown(SockAddrUnknown::from_bytes(self.family(), self.as_bytes()))
        }))
    }
}

impl Default for SockAddrStorage {
    fn default() -> SockAddrStorage {
        SockAddrStorage::new()
    }
}

impl fmt::Debug for SockAddrStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SockAddrStorage")
            .field("family", &self.family())
            .field("bytes", &self.as_bytes())
            .finish()
    }
}

/// A socket address of any family: what the socket calls take and return.
///
/// The inet variants are `core::net`'s types, so conversions are `From`/`Into` both ways
/// (and, with the `std` feature, `std::net::SocketAddr`). `sin6_flowinfo` is copied as is,
/// as std does.
///
/// Go: `syscall.Sockaddr` (an interface there) and its `SockaddrInet4`, `SockaddrInet6`,
/// `SockaddrUnix`, `SockaddrNetlink`, `SockaddrLinklayer`.
#[doc(alias = "Sockaddr")]
#[doc(alias = "sockaddr")]
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum SockAddr {
    /// `AF_INET`: an IPv4 address and port. Go: `syscall.SockaddrInet4`.
    #[doc(alias = "SockaddrInet4")]
    #[doc(alias = "sockaddr_in")]
    Inet4(SocketAddrV4),
    /// `AF_INET6`: an IPv6 address, port, flow information and scope (interface) ID.
    /// Go: `syscall.SockaddrInet6` (whose `ZoneId` is the scope ID).
    #[doc(alias = "SockaddrInet6")]
    #[doc(alias = "sockaddr_in6")]
    Inet6(SocketAddrV6),
    /// `AF_UNIX`: a path, an abstract name, or unnamed. Go: `syscall.SockaddrUnix`.
    #[doc(alias = "SockaddrUnix")]
    Unix(SockAddrUnix),
    /// `AF_NETLINK`: a port ID and multicast groups. Go: `syscall.SockaddrNetlink`.
    #[doc(alias = "SockaddrNetlink")]
    Netlink(SockAddrNetlink),
    /// `AF_PACKET`: a link-layer address. Go: `syscall.SockaddrLinklayer`.
    #[doc(alias = "SockaddrLinklayer")]
    LinkLayer(SockAddrLinkLayer),
    /// Any other family, kept as raw bytes so that it round-trips.
    Unknown(SockAddrUnknown),
}

impl SockAddr {
    /// The address family.
    pub fn family(&self) -> AddressFamily {
        match self {
            SockAddr::Inet4(_) => AddressFamily::INET,
            SockAddr::Inet6(_) => AddressFamily::INET6,
            SockAddr::Unix(_) => AddressFamily::UNIX,
            SockAddr::Netlink(_) => AddressFamily::NETLINK,
            SockAddr::LinkLayer(_) => AddressFamily::PACKET,
            SockAddr::Unknown(u) => u.family,
        }
    }

    /// Decodes an address from the first `len` bytes of `bytes`, as the kernel returns one
    /// (`len` is its `socklen_t`, which may exceed `bytes.len()`: the decoder clamps it).
    ///
    /// Accepts any input without undefined behaviour or a panic:
    /// - `AF_INET` needs 16 bytes, `AF_INET6` 28, `AF_NETLINK` 12, `AF_PACKET` 12 plus
    ///   `sll_halen` (clamped to the 8 bytes of `sll_addr` and to the bytes there are);
    /// - `AF_UNIX`: 2 bytes is unnamed; a first path byte of 0 makes the rest (by length,
    ///   NULs included) an abstract name; otherwise the path runs to the first NUL or to the
    ///   end of the 108-byte `sun_path`, whichever comes first (the kernel reports one byte
    ///   more than `sockaddr_un` holds for a 108-byte path);
    /// - any other family is [`SockAddr::Unknown`] with the bytes (up to 128).
    ///
    /// # Errors
    /// `EINVAL`: fewer than 2 bytes (no family), or fewer than the family needs.
    pub fn parse(bytes: &[u8], len: usize) -> Result<SockAddr> {
        let b = bytes.get(..len).unwrap_or(bytes);
        if b.len() < 2 {
            return Err(Errno::EINVAL);
        }
        let family = AddressFamily::from_raw(u16::from_ne_bytes(bytes_at(b, 0)));
        let need = |n: usize| {
            if b.len() < n {
                Err(Errno::EINVAL)
            } else {
                Ok(())
            }
        };
        Ok(match family {
            AddressFamily::INET => {
                need(size_of::<sockaddr_in>())?;
                let port = u16::from_be_bytes(bytes_at(b, offset_of!(sockaddr_in, sin_port)));
                let ip: [u8; 4] = bytes_at(b, offset_of!(sockaddr_in, sin_addr));
                SockAddr::Inet4(SocketAddrV4::new(Ipv4Addr::from(ip), port))
            }
            AddressFamily::INET6 => {
                need(size_of::<sockaddr_in6>())?;
                let port = u16::from_be_bytes(bytes_at(b, offset_of!(sockaddr_in6, sin6_port)));
                let flow = u32::from_ne_bytes(bytes_at(b, offset_of!(sockaddr_in6, sin6_flowinfo)));
                let ip: [u8; 16] = bytes_at(b, offset_of!(sockaddr_in6, sin6_addr));
                let scope =
                    u32::from_ne_bytes(bytes_at(b, offset_of!(sockaddr_in6, sin6_scope_id)));
                SockAddr::Inet6(SocketAddrV6::new(Ipv6Addr::from(ip), port, flow, scope))
            }
            AddressFamily::UNIX => SockAddr::Unix(SockAddrUnix::decode(b)),
            AddressFamily::NETLINK => {
                need(size_of::<sockaddr_nl>())?;
                SockAddr::Netlink(SockAddrNetlink {
                    pid: u32::from_ne_bytes(bytes_at(b, offset_of!(sockaddr_nl, nl_pid))),
                    groups: u32::from_ne_bytes(bytes_at(b, offset_of!(sockaddr_nl, nl_groups))),
                })
            }
            AddressFamily::PACKET => {
                need(SLL_ADDR_OFFSET)?;
                let halen = b[offset_of!(sockaddr_ll, sll_halen)];
                let there = (b.len() - SLL_ADDR_OFFSET).min(SLL_ADDR_SIZE);
                let n = usize::from(halen).min(there);
                let mut addr = [0u8; SLL_ADDR_SIZE];
                addr[..n].copy_from_slice(&b[SLL_ADDR_OFFSET..SLL_ADDR_OFFSET + n]);
                SockAddr::LinkLayer(SockAddrLinkLayer {
                    protocol: u16::from_be_bytes(bytes_at(
                        b,
                        offset_of!(sockaddr_ll, sll_protocol),
                    )),
                    ifindex: i32::from_ne_bytes(bytes_at(b, offset_of!(sockaddr_ll, sll_ifindex))),
                    hatype: u16::from_ne_bytes(bytes_at(b, offset_of!(sockaddr_ll, sll_hatype))),
                    pkttype: b[offset_of!(sockaddr_ll, sll_pkttype)],
                    halen: n as u8,
                    addr,
                })
            }
            _ => SockAddr::Unknown(SockAddrUnknown::from_bytes(family, b)),
        })
    }

    /// The kernel's encoding of this address.
    pub fn to_storage(&self) -> SockAddrStorage {
        let mut s = SockAddrStorage::new();
        let b = &mut s.bytes.0;
        put(b, 0, &self.family().raw().to_ne_bytes());
        let len = match self {
            SockAddr::Inet4(a) => {
                put(
                    b,
                    offset_of!(sockaddr_in, sin_port),
                    &a.port().to_be_bytes(),
                );
                put(b, offset_of!(sockaddr_in, sin_addr), &a.ip().octets());
                size_of::<sockaddr_in>()
            }
            SockAddr::Inet6(a) => {
                put(
                    b,
                    offset_of!(sockaddr_in6, sin6_port),
                    &a.port().to_be_bytes(),
                );
                put(
                    b,
                    offset_of!(sockaddr_in6, sin6_flowinfo),
                    &a.flowinfo().to_ne_bytes(),
                );
                put(b, offset_of!(sockaddr_in6, sin6_addr), &a.ip().octets());
                put(
                    b,
                    offset_of!(sockaddr_in6, sin6_scope_id),
                    &a.scope_id().to_ne_bytes(),
                );
                size_of::<sockaddr_in6>()
            }
            SockAddr::Unix(u) => {
                put(b, SUN_PATH_OFFSET, u.sun_path());
                SUN_PATH_OFFSET + u.encoded_path_len()
            }
            SockAddr::Netlink(a) => {
                put(b, offset_of!(sockaddr_nl, nl_pid), &a.pid.to_ne_bytes());
                put(
                    b,
                    offset_of!(sockaddr_nl, nl_groups),
                    &a.groups.to_ne_bytes(),
                );
                size_of::<sockaddr_nl>()
            }
            SockAddr::LinkLayer(a) => {
                put(
                    b,
                    offset_of!(sockaddr_ll, sll_protocol),
                    &a.protocol.to_be_bytes(),
                );
                put(
                    b,
                    offset_of!(sockaddr_ll, sll_ifindex),
                    &a.ifindex.to_ne_bytes(),
                );
                put(
                    b,
                    offset_of!(sockaddr_ll, sll_hatype),
                    &a.hatype.to_ne_bytes(),
                );
                put(b, offset_of!(sockaddr_ll, sll_pkttype), &[a.pkttype]);
                let halen = a.halen.min(SLL_ADDR_SIZE as u8);
                put(b, offset_of!(sockaddr_ll, sll_halen), &[halen]);
                put(b, SLL_ADDR_OFFSET, &a.addr);
                size_of::<sockaddr_ll>()
            }
            SockAddr::Unknown(u) => {
                put(b, 0, u.as_bytes());
                u.len()
            }
        };
        s.len = len as u32;
        s
    }

    /// The IPv4 or IPv6 address as `core::net::SocketAddr`, or `None` for another family.
    pub fn as_inet(&self) -> Option<SocketAddr> {
        match self {
            SockAddr::Inet4(a) => Some(SocketAddr::V4(*a)),
            SockAddr::Inet6(a) => Some(SocketAddr::V6(*a)),
            _ => None,
        }
    }

    /// The Unix address, or `None` for another family.
    pub fn as_unix(&self) -> Option<&SockAddrUnix> {
        match self {
            SockAddr::Unix(u) => Some(u),
            _ => None,
        }
    }
}

impl From<&SockAddr> for SockAddrStorage {
    fn from(a: &SockAddr) -> SockAddrStorage {
        a.to_storage()
    }
}

impl From<SocketAddrV4> for SockAddr {
    fn from(a: SocketAddrV4) -> SockAddr {
        SockAddr::Inet4(a)
    }
}

impl From<SocketAddrV6> for SockAddr {
    fn from(a: SocketAddrV6) -> SockAddr {
        SockAddr::Inet6(a)
    }
}

impl From<SocketAddr> for SockAddr {
    fn from(a: SocketAddr) -> SockAddr {
        match a {
            SocketAddr::V4(a) => SockAddr::Inet4(a),
            SocketAddr::V6(a) => SockAddr::Inet6(a),
        }
    }
}

impl From<SockAddrUnix> for SockAddr {
    fn from(a: SockAddrUnix) -> SockAddr {
        SockAddr::Unix(a)
    }
}

impl From<SockAddrNetlink> for SockAddr {
    fn from(a: SockAddrNetlink) -> SockAddr {
        SockAddr::Netlink(a)
    }
}

impl From<SockAddrLinkLayer> for SockAddr {
    fn from(a: SockAddrLinkLayer) -> SockAddr {
        SockAddr::LinkLayer(a)
    }
}

impl TryFrom<SockAddr> for SocketAddr {
    type Error = Errno;

    /// The inet address; `EAFNOSUPPORT` for another family.
    fn try_from(a: SockAddr) -> Result<SocketAddr> {
        a.as_inet().ok_or(Errno::EAFNOSUPPORT)
    }
}

impl TryFrom<SockAddr> for SocketAddrV4 {
    type Error = Errno;

    /// The IPv4 address; `EAFNOSUPPORT` for another family.
    fn try_from(a: SockAddr) -> Result<SocketAddrV4> {
        match a {
            SockAddr::Inet4(a) => Ok(a),
            _ => Err(Errno::EAFNOSUPPORT),
        }
    }
}

impl TryFrom<SockAddr> for SocketAddrV6 {
    type Error = Errno;

    /// The IPv6 address; `EAFNOSUPPORT` for another family.
    fn try_from(a: SockAddr) -> Result<SocketAddrV6> {
        match a {
            SockAddr::Inet6(a) => Ok(a),
            _ => Err(Errno::EAFNOSUPPORT),
        }
    }
}

/// What a Unix socket address names: see [`SockAddrUnix::kind`].
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum UnixAddrKind<'a> {
    /// A filesystem path (without its terminating NUL).
    Path(&'a [u8]),
    /// An abstract name (without the leading NUL that marks it; may contain NULs).
    Abstract(&'a [u8]),
    /// No name: an unbound socket, or one end of a [`socketpair`](super::socketpair).
    Unnamed,
}

/// An `AF_UNIX` address: a filesystem path, an abstract name, or unnamed.
///
/// - [`new`](Self::new) takes a path of 1 to 108 bytes without NUL: a path of exactly 108
///   bytes fills `sun_path` with no terminating NUL, which the kernel accepts; 109 bytes is
///   `ENAMETOOLONG` at construction, before any syscall, never a truncation.
/// - [`new_abstract`](Self::new_abstract) takes up to 107 bytes of any value: the name is
///   length-based, NULs included (`sun_path[0]` is the NUL that marks it abstract).
/// - [`unnamed`](Self::unnamed): binding it asks the kernel to pick an abstract name
///   (autobind).
///
/// Go: `syscall.SockaddrUnix` (whose abstract names start with `@`).
#[doc(alias = "sockaddr_un")]
#[doc(alias = "SockaddrUnix")]
#[derive(Copy, Clone, PartialEq, Eq, Hash)]
pub struct SockAddrUnix {
    /// `sun_path`, of which `len` bytes are used (for an abstract name, the leading NUL is
    /// one of them; a path has no NUL in it).
    path: [u8; UNIX_PATH_MAX],
    len: u8,
}

const _: () = assert!(UNIX_PATH_MAX <= u8::MAX as usize);

impl SockAddrUnix {
    /// A filesystem path address.
    ///
    /// # Errors
    /// `ENAMETOOLONG`: more than 108 bytes. `EINVAL`: empty (use [`unnamed`](Self::unnamed))
    /// or containing a NUL (the kernel would stop there).
    pub fn new(path: impl AsRef<[u8]>) -> Result<SockAddrUnix> {
        let path = path.as_ref();
        if path.len() > UNIX_PATH_MAX {
            return Err(Errno::ENAMETOOLONG);
        }
        if path.is_empty() || path.contains(&0) {
            return Err(Errno::EINVAL);
        }
        let mut a = SockAddrUnix::unnamed();
        a.path[..path.len()].copy_from_slice(path);
        a.len = path.len() as u8;
        Ok(a)
    }

    /// An abstract address: `name` (up to 107 bytes, any values) after the leading NUL.
    /// Abstract names live in the network namespace, not the filesystem, and vanish with the
    /// last socket bound to them.
    ///
    /// # Errors
    /// `ENAMETOOLONG`: more than 107 bytes.
    pub fn new_abstract(name: impl AsRef<[u8]>) -> Result<SockAddrUnix> {
        let name = name.as_ref();
        if name.len() >= UNIX_PATH_MAX {
            return Err(Errno::ENAMETOOLONG);
        }
        let mut a = SockAddrUnix::unnamed();
        a.path[1..=name.len()].copy_from_slice(name);
        a.len = name.len() as u8 + 1;
        Ok(a)
    }

    /// The unnamed address (just the family).
    pub const fn unnamed() -> SockAddrUnix {
        SockAddrUnix {
            path: [0; UNIX_PATH_MAX],
            len: 0,
        }
    }

    /// Which kind of address this is, with its bytes.
    pub fn kind(&self) -> UnixAddrKind<'_> {
        let used = self.sun_path();
        match used.split_first() {
            None => UnixAddrKind::Unnamed,
            Some((0, name)) => UnixAddrKind::Abstract(name),
            Some(_) => UnixAddrKind::Path(used),
        }
    }

    /// The path, if this is a path address.
    pub fn path(&self) -> Option<&[u8]> {
        match self.kind() {
            UnixAddrKind::Path(p) => Some(p),
            _ => None,
        }
    }

    /// The abstract name (without the leading NUL), if this is an abstract address.
    pub fn abstract_name(&self) -> Option<&[u8]> {
        match self.kind() {
            UnixAddrKind::Abstract(n) => Some(n),
            _ => None,
        }
    }

    /// Whether this is the unnamed address.
    pub fn is_unnamed(&self) -> bool {
        self.len == 0
    }

    /// The used bytes of `sun_path`.
    fn sun_path(&self) -> &[u8] {
        self.path.get(..usize::from(self.len)).unwrap_or(&self.path)
    }

    /// How many bytes of `sun_path` go to the kernel: a path gets its terminating NUL when
    /// there is room for one (a 108-byte path has none); an abstract name is exactly its
    /// length.
    fn encoded_path_len(&self) -> usize {
        match self.kind() {
            UnixAddrKind::Path(p) => (p.len() + 1).min(UNIX_PATH_MAX),
            _ => usize::from(self.len),
        }
    }

    /// From an `AF_UNIX` address of `b.len()` bytes (family included).
    fn decode(b: &[u8]) -> SockAddrUnix {
        let sun = b.get(SUN_PATH_OFFSET..).unwrap_or_default();
        let sun = sun.get(..UNIX_PATH_MAX).unwrap_or(sun);
        let mut a = SockAddrUnix::unnamed();
        let used = match sun.first() {
            None => 0,
            Some(0) => sun.len(),
            Some(_) => sun.iter().position(|&c| c == 0).unwrap_or(sun.len()),
        };
        a.path[..used].copy_from_slice(&sun[..used]);
        a.len = used as u8;
        a
    }
}

impl fmt::Debug for SockAddrUnix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind() {
            UnixAddrKind::Path(p) => write!(f, "Path(\"{}\")", p.escape_ascii()),
            UnixAddrKind::Abstract(n) => write!(f, "Abstract(\"{}\")", n.escape_ascii()),
            UnixAddrKind::Unnamed => f.write_str("Unnamed"),
        }
    }
}

/// An `AF_NETLINK` address: `struct sockaddr_nl`.
///
/// Go: `syscall.SockaddrNetlink` (whose `Family` and `Pad` are implied here).
#[doc(alias = "sockaddr_nl")]
#[doc(alias = "SockaddrNetlink")]
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct SockAddrNetlink {
    /// `nl_pid`: the port ID; 0 is the kernel (or, to `bind`, "let the kernel choose").
    pub pid: u32,
    /// `nl_groups`: the multicast groups mask.
    pub groups: u32,
}

/// An `AF_PACKET` address: `struct sockaddr_ll`.
///
/// Go: `syscall.SockaddrLinklayer`, whose `Protocol` is in network byte order; here
/// `protocol` is in host byte order and converted.
#[doc(alias = "sockaddr_ll")]
#[doc(alias = "SockaddrLinklayer")]
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct SockAddrLinkLayer {
    /// `sll_protocol`: the Ethernet protocol (`ETH_P_*`), host byte order.
    pub protocol: u16,
    /// `sll_ifindex`: the interface index (0: any).
    pub ifindex: i32,
    /// `sll_hatype`: the ARP hardware type (`ARPHRD_*`).
    pub hatype: u16,
    /// `sll_pkttype`: the packet type (`PACKET_HOST`, `PACKET_BROADCAST`…).
    pub pkttype: u8,
    /// `sll_halen`: how many bytes of `addr` are the address (at most 8).
    pub halen: u8,
    /// `sll_addr`: the physical-layer address.
    pub addr: [u8; 8],
}

/// An address of a family sysrt does not model: the family and the raw bytes (family
/// included, up to 128).
#[derive(Copy, Clone, PartialEq, Eq, Hash)]
pub struct SockAddrUnknown {
    family: AddressFamily,
    bytes: [u8; SOCKADDR_STORAGE_SIZE],
    len: u8,
}

const _: () = assert!(SOCKADDR_STORAGE_SIZE <= u8::MAX as usize);

impl SockAddrUnknown {
    /// An address of `family` from its raw encoding `bytes` (the family field included),
    /// clamped to 128 bytes. The family field of the bytes is overwritten with `family` when
    /// there are at least 2 bytes.
    pub fn from_bytes(family: AddressFamily, bytes: &[u8]) -> SockAddrUnknown {
        let n = bytes.len().min(SOCKADDR_STORAGE_SIZE);
        let mut a = SockAddrUnknown {
            family,
            bytes: [0; SOCKADDR_STORAGE_SIZE],
            len: n as u8,
        };
        a.bytes[..n].copy_from_slice(&bytes[..n]);
        if n >= 2 {
            a.bytes[..2].copy_from_slice(&family.raw().to_ne_bytes());
        }
        a
    }

    /// The family.
    pub fn family(&self) -> AddressFamily {
        self.family
    }

    /// The raw bytes, family field included.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len()).unwrap_or(&self.bytes)
    }

    /// How many bytes.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl fmt::Debug for SockAddrUnknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SockAddrUnknown")
            .field("family", &self.family)
            .field("bytes", &self.as_bytes())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use super::*;

    fn round_trip(a: SockAddr) {
        let s = a.to_storage();
        assert_eq!(s.decode(), Ok(a.clone()), "{a:?}");
        assert_eq!(SockAddr::parse(s.as_bytes(), s.len()), Ok(a));
    }

    #[test]
    fn every_family_round_trips() {
        round_trip(SockAddr::from(SocketAddrV4::new(
            Ipv4Addr::new(127, 0, 0, 1),
            8080,
        )));
        round_trip(SockAddr::from(SocketAddrV6::new(
            Ipv6Addr::LOCALHOST,
            443,
            0x1234_5678,
            7,
        )));
        round_trip(SockAddr::from(SockAddrUnix::new("/tmp/sock").unwrap()));
        round_trip(SockAddr::from(SockAddrUnix::new([b'a'; 108]).unwrap()));
        round_trip(SockAddr::from(
            SockAddrUnix::new_abstract(b"a\0b\0").unwrap(),
        ));
        round_trip(SockAddr::from(SockAddrUnix::new_abstract(b"").unwrap()));
        round_trip(SockAddr::from(SockAddrUnix::unnamed()));
        round_trip(SockAddr::from(SockAddrNetlink { pid: 5, groups: 3 }));
        round_trip(SockAddr::from(SockAddrLinkLayer {
            protocol: 0x0800,
            ifindex: 1,
            hatype: 772,
            pkttype: 0,
            halen: 6,
            addr: [1, 2, 3, 4, 5, 6, 0, 0],
        }));
        round_trip(SockAddr::Unknown(SockAddrUnknown::from_bytes(
            AddressFamily::VSOCK,
            &[40, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
        )));
    }

    #[test]
    fn inet_encoding_is_the_kernels() {
        let s = SockAddr::from(SocketAddrV4::new(Ipv4Addr::new(10, 1, 2, 3), 0x1f90)).to_storage();
        assert_eq!(s.len(), 16);
        let mut want = Vec::new();
        want.extend_from_slice(&2u16.to_ne_bytes());
        want.extend_from_slice(&[0x1f, 0x90, 10, 1, 2, 3]);
        want.extend_from_slice(&[0; 8]);
        assert_eq!(s.as_bytes(), &want[..]);
        let s6 = SockAddr::from(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 1, 0, 9)).to_storage();
        assert_eq!(s6.len(), 28);
        assert_eq!(s6.as_bytes()[2..4], [0, 1]);
        assert_eq!(s6.as_bytes()[23], 1);
        assert_eq!(s6.as_bytes()[24..28], 9u32.to_ne_bytes());
    }

    #[test]
    fn unix_lengths_r38() {
        // 107 bytes: with its NUL, sun_path is full; 108: no NUL; 109: refused before any call.
        let a107 = SockAddrUnix::new([b'p'; 107]).unwrap();
        assert_eq!(SockAddr::Unix(a107).to_storage().len(), 110);
        let a108 = SockAddrUnix::new([b'p'; 108]).unwrap();
        assert_eq!(SockAddr::Unix(a108).to_storage().len(), 110);
        assert_eq!(SockAddrUnix::new([b'p'; 109]), Err(Errno::ENAMETOOLONG));
        assert_eq!(
            SockAddrUnix::new_abstract([0u8; 107]).map(|a| a.len),
            Ok(108)
        );
        assert_eq!(
            SockAddrUnix::new_abstract([0u8; 108]),
            Err(Errno::ENAMETOOLONG)
        );
        assert_eq!(SockAddrUnix::new(""), Err(Errno::EINVAL));
        assert_eq!(SockAddrUnix::new("a\0b"), Err(Errno::EINVAL));
        // getsockname of the 108-byte path: the kernel reports 111 (strlen + 1 + 2).
        let s = SockAddr::Unix(a108).to_storage();
        let mut raw = [0u8; 128];
        raw[..110].copy_from_slice(s.as_bytes());
        assert_eq!(
            SockAddr::parse(&raw, 111)
                .unwrap()
                .as_unix()
                .unwrap()
                .path(),
            Some(&[b'p'; 108][..])
        );
        // A path with the NUL inside the reported length, and trailing garbage after it.
        let mut b = [0u8; 20];
        b[..2].copy_from_slice(&1u16.to_ne_bytes());
        b[2..7].copy_from_slice(b"/x\0yz");
        assert_eq!(
            SockAddr::parse(&b, 7).unwrap().as_unix().unwrap().kind(),
            UnixAddrKind::Path(b"/x")
        );
        assert_eq!(
            SockAddr::parse(&b, 2).unwrap().as_unix().unwrap().kind(),
            UnixAddrKind::Unnamed
        );
        b[2] = 0;
        assert_eq!(
            SockAddr::parse(&b, 7).unwrap().as_unix().unwrap().kind(),
            UnixAddrKind::Abstract(b"x\0yz")
        );
    }

    #[test]
    fn short_lengths_are_einval_r39() {
        let full = SockAddr::from(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 1, 0, 0)).to_storage();
        for len in 0..28 {
            assert_eq!(
                SockAddr::parse(full.as_bytes(), len),
                Err(Errno::EINVAL),
                "{len}"
            );
        }
        let v4 = SockAddr::from(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 1)).to_storage();
        assert_eq!(SockAddr::parse(v4.as_bytes(), 15), Err(Errno::EINVAL));
        assert_eq!(SockAddr::parse(v4.as_bytes(), 1), Err(Errno::EINVAL));
        let nl = SockAddr::from(SockAddrNetlink::default()).to_storage();
        assert_eq!(SockAddr::parse(nl.as_bytes(), 11), Err(Errno::EINVAL));
        // A length beyond the bytes is clamped to them.
        assert!(SockAddr::parse(v4.as_bytes(), 1 << 20).is_ok());
        assert_eq!(SockAddr::parse(&[], usize::MAX), Err(Errno::EINVAL));
    }

    #[test]
    fn packet_addresses_as_the_kernel_reports_them() {
        // AF_PACKET from the kernel: 12 + halen bytes (18 for Ethernet).
        let mut b = [0u8; 20];
        b[..2].copy_from_slice(&17u16.to_ne_bytes());
        b[2..4].copy_from_slice(&0x0800u16.to_be_bytes());
        b[4..8].copy_from_slice(&2i32.to_ne_bytes());
        b[8..10].copy_from_slice(&1u16.to_ne_bytes());
        b[10] = 4;
        b[11] = 6;
        b[12..18].copy_from_slice(&[0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]);
        let SockAddr::LinkLayer(ll) = SockAddr::parse(&b, 18).unwrap() else {
            panic!()
        };
        assert_eq!(
            (ll.protocol, ll.ifindex, ll.hatype, ll.pkttype, ll.halen),
            (0x800, 2, 1, 4, 6)
        );
        assert_eq!(ll.addr, [0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0, 0]);
        // A halen larger than what is there (or than sll_addr) is clamped.
        b[11] = 200;
        let SockAddr::LinkLayer(ll) = SockAddr::parse(&b, 14).unwrap() else {
            panic!()
        };
        assert_eq!(
            (ll.halen, ll.addr[..2].to_vec()),
            (2, std::vec![0xaa, 0xbb])
        );
        assert_eq!(SockAddr::parse(&b, 11), Err(Errno::EINVAL));
    }

    #[test]
    fn unknown_families_keep_their_bytes_r39() {
        let mut b = [0u8; 30];
        b[..2].copy_from_slice(&31u16.to_ne_bytes()); // AF_BLUETOOTH
        b[2..10].copy_from_slice(b"btaddr!!");
        let a = SockAddr::parse(&b, 10).unwrap();
        assert_eq!(a.family(), AddressFamily::from_raw(31));
        let SockAddr::Unknown(u) = &a else { panic!() };
        assert_eq!(u.as_bytes(), &b[..10]);
        // AF_UNSPEC with a family field only.
        assert!(matches!(
            SockAddr::parse(&[0, 0], 2),
            Ok(SockAddr::Unknown(_))
        ));
    }

    #[test]
    fn hostile_inputs_never_panic() {
        // Every length 0..=140 over several byte patterns and every family number that
        // matters, at odd alignments.
        let mut buf = [0u8; 160];
        for family in [0u16, 1, 2, 10, 16, 17, 31, 0xffff] {
            for fill in [0u8, 0x01, 0x7f, 0xff] {
                buf.fill(fill);
                buf[1..3].copy_from_slice(&family.to_ne_bytes());
                for len in 0..=140 {
                    let _ = SockAddr::parse(&buf[1..], len);
                    let _ = SockAddr::parse(&buf[1..1 + len.min(159)], usize::MAX);
                }
            }
        }
        // A pseudo-random sweep.
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        // Miri interprets each step: a sample of the sweep there, the whole sweep natively.
        for _ in 0..if cfg!(miri) { 200 } else { 20_000 } {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            for (i, c) in buf.iter_mut().enumerate() {
                *c = (x >> (i % 57)) as u8;
            }
            let len = (x % 150) as usize;
            if let Ok(a) = SockAddr::parse(&buf, len) {
                // Whatever decodes encodes again without a panic.
                let _ = a.to_storage().decode();
            }
        }
    }

    #[test]
    fn lossless_decoding_for_calls() {
        let mut s = SockAddrStorage::new();
        assert_eq!(s.decode_lossless(), None);
        s.bytes.0[..2].copy_from_slice(&2u16.to_ne_bytes());
        s.len = 6;
        // A truncated AF_INET address from a call: kept as Unknown rather than lost.
        let Some(SockAddr::Unknown(u)) = s.decode_lossless() else {
            panic!()
        };
        assert_eq!((u.family(), u.len()), (AddressFamily::INET, 6));
        s.len = 1000;
        assert_eq!(s.len(), 128);
        assert!(s.decode_lossless().is_some());
    }

    #[test]
    fn core_net_conversions() {
        let v4 = SocketAddrV4::new(Ipv4Addr::LOCALHOST, 80);
        let a: SockAddr = SocketAddr::V4(v4).into();
        assert_eq!(SocketAddr::try_from(a.clone()), Ok(SocketAddr::V4(v4)));
        assert_eq!(SocketAddrV4::try_from(a.clone()), Ok(v4));
        assert_eq!(SocketAddrV6::try_from(a), Err(Errno::EAFNOSUPPORT));
        let u = SockAddr::from(SockAddrUnix::unnamed());
        assert_eq!(SocketAddr::try_from(u), Err(Errno::EAFNOSUPPORT));
        assert_eq!(
            std::format!("{:?}", SockAddrUnix::new_abstract(b"a\0").unwrap()),
            "Abstract(\"a\\x00\")"
        );
    }
}
