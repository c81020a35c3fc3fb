//! Netlink (`NETLINK_ROUTE`): a dump request builder, [`netlink_rib`] to run one, and a
//! message and attribute parser that takes any bytes: enough to list links and addresses.
//!
//! Parsing reads fields from bytes at linux-raw-sys's offsets, never through a cast pointer:
//! any input, truncated or malformed, gives `EINVAL` for the bad part and never a panic or
//! undefined behaviour.

use core::mem::{offset_of, size_of};

use bitflags::bitflags;
use linux_raw_sys::netlink::{self as nl, ifaddrmsg, ifinfomsg, nlmsghdr, rtattr, rtmsg};

use super::addr::{SockAddr, SockAddrNetlink};
use super::types::{AddressFamily, Protocol, RecvFlags, SendFlags, SocketType, bytes_at, put};
use crate::{Errno, Result};

/// `NLMSG_ALIGN(len)`: netlink messages are 4-byte aligned.
#[doc(alias = "NLMSG_ALIGN")]
pub const fn nlmsg_align(len: usize) -> usize {
    (len + nl::NLMSG_ALIGNTO as usize - 1) & !(nl::NLMSG_ALIGNTO as usize - 1)
}

/// `RTA_ALIGN(len)`: route attributes are 4-byte aligned.
#[doc(alias = "RTA_ALIGN")]
pub const fn rta_align(len: usize) -> usize {
    (len + nl::RTA_ALIGNTO as usize - 1) & !(nl::RTA_ALIGNTO as usize - 1)
}

/// `NLMSG_HDRLEN`: the aligned size of `struct nlmsghdr`, 16 bytes.
pub const NLMSG_HDRLEN: usize = nlmsg_align(size_of::<nlmsghdr>());

/// `RTM_NEWLINK`: a link (network interface) description; the answer to `RTM_GETLINK`.
pub const RTM_NEWLINK: u16 = nl::RTM_NEWLINK as u16;
/// `RTM_DELLINK`.
pub const RTM_DELLINK: u16 = nl::RTM_DELLINK as u16;
/// `RTM_GETLINK`: asks for links ([`netlink_rib`] dumps them all).
pub const RTM_GETLINK: u16 = nl::RTM_GETLINK as u16;
/// `RTM_NEWADDR`: an interface address; the answer to `RTM_GETADDR`.
pub const RTM_NEWADDR: u16 = nl::RTM_NEWADDR as u16;
/// `RTM_DELADDR`.
pub const RTM_DELADDR: u16 = nl::RTM_DELADDR as u16;
/// `RTM_GETADDR`: asks for addresses.
pub const RTM_GETADDR: u16 = nl::RTM_GETADDR as u16;
/// `RTM_NEWROUTE`: a route; the answer to `RTM_GETROUTE`.
pub const RTM_NEWROUTE: u16 = nl::RTM_NEWROUTE as u16;
/// `RTM_DELROUTE`.
pub const RTM_DELROUTE: u16 = nl::RTM_DELROUTE as u16;
/// `RTM_GETROUTE`: asks for routes.
pub const RTM_GETROUTE: u16 = nl::RTM_GETROUTE as u16;
/// `NLMSG_DONE`: the end of a dump.
pub const NLMSG_DONE: u16 = nl::NLMSG_DONE as u16;
/// `NLMSG_ERROR`: an error (or, with error 0, an acknowledgement).
pub const NLMSG_ERROR: u16 = nl::NLMSG_ERROR as u16;
/// `NLMSG_NOOP`: nothing.
pub const NLMSG_NOOP: u16 = nl::NLMSG_NOOP as u16;
/// `IFLA_IFNAME`: a link's name (NUL-terminated).
pub const IFLA_IFNAME: u16 = nl::IFLA_IFNAME as u16;
/// `IFLA_ADDRESS`: a link's hardware address.
pub const IFLA_ADDRESS: u16 = nl::IFLA_ADDRESS as u16;
/// `IFLA_MTU`: a link's MTU (`u32`).
pub const IFLA_MTU: u16 = nl::IFLA_MTU as u16;
/// `IFA_ADDRESS`: an interface address (the peer's on point-to-point links).
pub const IFA_ADDRESS: u16 = nl::IFA_ADDRESS as u16;
/// `IFA_LOCAL`: the local address of an interface.
pub const IFA_LOCAL: u16 = nl::IFA_LOCAL as u16;
/// `IFA_LABEL`: an address's label (NUL-terminated, e.g. `lo`).
pub const IFA_LABEL: u16 = nl::IFA_LABEL as u16;

bitflags! {
    /// Netlink message flags (`nlmsg_flags`).
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug, Default)]
    #[repr(transparent)]
    pub struct NlmFlags: u16 {
        /// `NLM_F_REQUEST`: a request.
        #[doc(alias = "NLM_F_REQUEST")]
        const REQUEST = nl::NLM_F_REQUEST as u16;
        /// `NLM_F_MULTI`: part of a multipart answer, ended by `NLMSG_DONE`.
        #[doc(alias = "NLM_F_MULTI")]
        const MULTI = nl::NLM_F_MULTI as u16;
        /// `NLM_F_ACK`: ask for an acknowledgement.
        #[doc(alias = "NLM_F_ACK")]
        const ACK = nl::NLM_F_ACK as u16;
        /// `NLM_F_ECHO`: echo this request.
        #[doc(alias = "NLM_F_ECHO")]
        const ECHO = nl::NLM_F_ECHO as u16;
        /// `NLM_F_DUMP_INTR`: the dump was interrupted by a change; run it again for a
        /// consistent result.
        #[doc(alias = "NLM_F_DUMP_INTR")]
        const DUMP_INTR = nl::NLM_F_DUMP_INTR as u16;
        /// `NLM_F_DUMP` (`NLM_F_ROOT | NLM_F_MATCH`): return every object (with `GET`
        /// requests).
        #[doc(alias = "NLM_F_DUMP")]
        const DUMP = nl::NLM_F_DUMP as u16;
    }
}

bitflags! {
    /// Interface flags (`ifi_flags`, `IFF_*`): [`IfInfoMsg::flags`].
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct IfFlags: u32 {
        /// `IFF_UP`: administratively up.
        #[doc(alias = "IFF_UP")]
        const UP = linux_raw_sys::net::net_device_flags::IFF_UP as u32;
        /// `IFF_BROADCAST`: broadcast address valid.
        #[doc(alias = "IFF_BROADCAST")]
        const BROADCAST = linux_raw_sys::net::net_device_flags::IFF_BROADCAST as u32;
        /// `IFF_LOOPBACK`: a loopback interface.
        #[doc(alias = "IFF_LOOPBACK")]
        const LOOPBACK = linux_raw_sys::net::net_device_flags::IFF_LOOPBACK as u32;
        /// `IFF_POINTOPOINT`: a point-to-point link.
        #[doc(alias = "IFF_POINTOPOINT")]
        const POINTOPOINT = linux_raw_sys::net::net_device_flags::IFF_POINTOPOINT as u32;
        /// `IFF_RUNNING`: operationally up.
        #[doc(alias = "IFF_RUNNING")]
        const RUNNING = linux_raw_sys::net::net_device_flags::IFF_RUNNING as u32;
        /// `IFF_NOARP`: no ARP.
        #[doc(alias = "IFF_NOARP")]
        const NOARP = linux_raw_sys::net::net_device_flags::IFF_NOARP as u32;
        /// `IFF_PROMISC`: receives all packets.
        #[doc(alias = "IFF_PROMISC")]
        const PROMISC = linux_raw_sys::net::net_device_flags::IFF_PROMISC as u32;
        /// `IFF_MULTICAST`: supports multicast.
        #[doc(alias = "IFF_MULTICAST")]
        const MULTICAST = linux_raw_sys::net::net_device_flags::IFF_MULTICAST as u32;
        /// `IFF_LOWER_UP`: the carrier is up.
        #[doc(alias = "IFF_LOWER_UP")]
        const LOWER_UP = linux_raw_sys::net::net_device_flags::IFF_LOWER_UP as u32;
    }
}

/// A netlink message header: `struct nlmsghdr`.
///
/// Go: `syscall.NlMsghdr`.
#[doc(alias = "nlmsghdr")]
#[doc(alias = "NlMsghdr")]
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug, Default)]
pub struct NlMsgHdr {
    /// `nlmsg_len`: the message's length, header included.
    pub len: u32,
    /// `nlmsg_type`: `RTM_*`, `NLMSG_DONE`, `NLMSG_ERROR`…
    pub ty: u16,
    /// `nlmsg_flags`.
    pub flags: NlmFlags,
    /// `nlmsg_seq`: the sequence number, echoed by the kernel.
    pub seq: u32,
    /// `nlmsg_pid`: the sender's port ID (0: the kernel), or for answers the requester's.
    pub pid: u32,
}

impl NlMsgHdr {
    /// From the first 16 bytes of `b` (zeros where `b` is shorter).
    fn decode(b: &[u8]) -> NlMsgHdr {
        NlMsgHdr {
            len: u32::from_ne_bytes(bytes_at(b, offset_of!(nlmsghdr, nlmsg_len))),
            ty: u16::from_ne_bytes(bytes_at(b, offset_of!(nlmsghdr, nlmsg_type))),
            flags: NlmFlags::from_bits_retain(u16::from_ne_bytes(bytes_at(
                b,
                offset_of!(nlmsghdr, nlmsg_flags),
            ))),
            seq: u32::from_ne_bytes(bytes_at(b, offset_of!(nlmsghdr, nlmsg_seq))),
            pid: u32::from_ne_bytes(bytes_at(b, offset_of!(nlmsghdr, nlmsg_pid))),
        }
    }

    /// Into the first 16 bytes of `out`.
    fn encode(&self, out: &mut [u8]) {
        put(
            out,
            offset_of!(nlmsghdr, nlmsg_len),
            &self.len.to_ne_bytes(),
        );
        put(
            out,
            offset_of!(nlmsghdr, nlmsg_type),
            &self.ty.to_ne_bytes(),
        );
        put(
            out,
            offset_of!(nlmsghdr, nlmsg_flags),
            &self.flags.bits().to_ne_bytes(),
        );
        put(
            out,
            offset_of!(nlmsghdr, nlmsg_seq),
            &self.seq.to_ne_bytes(),
        );
        put(
            out,
            offset_of!(nlmsghdr, nlmsg_pid),
            &self.pid.to_ne_bytes(),
        );
    }
}

/// One netlink message: its header and payload (the bytes after the header, up to
/// `nlmsg_len`).
///
/// Go: `syscall.NetlinkMessage`.
#[derive(Copy, Clone, Eq, PartialEq, Debug)]
pub struct NetlinkMessage<'a> {
    /// The header.
    pub header: NlMsgHdr,
    /// The payload.
    pub data: &'a [u8],
}

impl NetlinkMessage<'_> {
    /// For `NLMSG_ERROR`: the error it reports, `Ok(())` for an acknowledgement (error 0).
    ///
    /// # Errors
    /// The reported errno; `EINVAL` if this is not `NLMSG_ERROR` or its payload is shorter
    /// than the error code.
    pub fn error(&self) -> Result<()> {
        if self.header.ty != NLMSG_ERROR || self.data.len() < 4 {
            return Err(Errno::EINVAL);
        }
        let code = i32::from_ne_bytes(bytes_at(self.data, 0));
        match code {
            0 => Ok(()),
            e => Err(Errno::from_raw(
                e.unsigned_abs().min(u32::from(u16::MAX)) as u16
            )),
        }
    }
}

/// The messages in a buffer; see [`parse_netlink_message`].
#[derive(Clone, Debug)]
pub struct NetlinkMessages<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for NetlinkMessages<'a> {
    type Item = Result<NetlinkMessage<'a>>;

    fn next(&mut self) -> Option<Result<NetlinkMessage<'a>>> {
        if self.rest.len() < NLMSG_HDRLEN {
            return None;
        }
        let header = NlMsgHdr::decode(self.rest);
        let len = header.len as usize;
        if len < NLMSG_HDRLEN || len > self.rest.len() {
            self.rest = &[];
            return Some(Err(Errno::EINVAL));
        }
        let data = self.rest.get(NLMSG_HDRLEN..len).unwrap_or_default();
        let next = nlmsg_align(len).min(self.rest.len());
        self.rest = self.rest.get(next..).unwrap_or_default();
        Some(Ok(NetlinkMessage { header, data }))
    }
}

/// `ParseNetlinkMessage(b)` — the netlink messages in `b` (what a netlink socket returned, or
/// any bytes), in order.
///
/// Accepts any input without undefined behaviour or a panic: a header whose `nlmsg_len` is
/// below 16 or past the end of `b` yields one `Err(EINVAL)` and ends the iteration; fewer
/// than 16 bytes at the end are ignored.
///
/// # References
/// `man 7 netlink`. Go: `syscall.ParseNetlinkMessage`.
#[doc(alias = "ParseNetlinkMessage")]
pub fn parse_netlink_message(b: &[u8]) -> NetlinkMessages<'_> {
    NetlinkMessages { rest: b }
}

/// One route attribute: `struct rtattr` and its value.
///
/// Go: `syscall.NetlinkRouteAttr`.
#[doc(alias = "rtattr")]
#[derive(Copy, Clone, Eq, PartialEq, Debug)]
pub struct NetlinkRouteAttr<'a> {
    /// `rta_type`: `IFLA_*`, `IFA_*`, `RTA_*`… (the nested and byte-order bits are kept).
    pub ty: u16,
    /// The value (what `rta_len` covers after the 4-byte header).
    pub value: &'a [u8],
}

impl<'a> NetlinkRouteAttr<'a> {
    /// The value as a C string without its NUL (names, labels); the whole value if it has
    /// none.
    pub fn as_c_str_bytes(&self) -> &'a [u8] {
        let v = self.value;
        v.iter()
            .position(|&c| c == 0)
            .map_or(v, |n| v.get(..n).unwrap_or(v))
    }

    /// The value as a native-endian `u32` (`IFLA_MTU`…); `None` if it is not 4 bytes.
    pub fn as_u32(&self) -> Option<u32> {
        <[u8; 4]>::try_from(self.value).ok().map(u32::from_ne_bytes)
    }
}

/// The attributes after a fixed header; see [`parse_netlink_route_attr`].
#[derive(Clone, Debug)]
pub struct NetlinkRouteAttrs<'a> {
    rest: &'a [u8],
}

impl<'a> NetlinkRouteAttrs<'a> {
    /// The attributes in `b` (a message payload after its fixed header, or a nested
    /// attribute's value).
    pub fn new(b: &'a [u8]) -> NetlinkRouteAttrs<'a> {
        NetlinkRouteAttrs { rest: b }
    }
}

impl<'a> Iterator for NetlinkRouteAttrs<'a> {
    type Item = Result<NetlinkRouteAttr<'a>>;

    fn next(&mut self) -> Option<Result<NetlinkRouteAttr<'a>>> {
        const HDR: usize = size_of::<rtattr>();
        if self.rest.len() < HDR {
            return None;
        }
        let len = usize::from(u16::from_ne_bytes(bytes_at(
            self.rest,
            offset_of!(rtattr, rta_len),
        )));
        let ty = u16::from_ne_bytes(bytes_at(self.rest, offset_of!(rtattr, rta_type)));
        if len < HDR || len > self.rest.len() {
            self.rest = &[];
            return Some(Err(Errno::EINVAL));
        }
        let value = self.rest.get(rta_align(HDR)..len).unwrap_or_default();
        let next = rta_align(len).min(self.rest.len());
        self.rest = self.rest.get(next..).unwrap_or_default();
        Some(Ok(NetlinkRouteAttr { ty, value }))
    }
}

/// `ParseNetlinkRouteAttr(m)` — the route attributes of a link, address or route message:
/// the payload after its `ifinfomsg` (`RTM_NEWLINK`/`RTM_DELLINK`), `ifaddrmsg`
/// (`RTM_NEWADDR`/`RTM_DELADDR`) or `rtmsg` (`RTM_NEWROUTE`/`RTM_DELROUTE`).
///
/// The attributes are parsed as the iterator goes, with the rules of
/// [`parse_netlink_message`]: a malformed `rta_len` yields one `Err(EINVAL)` and ends it.
///
/// # Errors
/// `EINVAL`: another message type, or a payload shorter than its fixed header.
///
/// # References
/// `man 7 rtnetlink`. Go: `syscall.ParseNetlinkRouteAttr`.
#[doc(alias = "ParseNetlinkRouteAttr")]
pub fn parse_netlink_route_attr<'a>(m: &NetlinkMessage<'a>) -> Result<NetlinkRouteAttrs<'a>> {
    let fixed = match m.header.ty {
        RTM_NEWLINK | RTM_DELLINK => size_of::<ifinfomsg>(),
        RTM_NEWADDR | RTM_DELADDR => size_of::<ifaddrmsg>(),
        RTM_NEWROUTE | RTM_DELROUTE => size_of::<rtmsg>(),
        _ => return Err(Errno::EINVAL),
    };
    let data: &'a [u8] = m.data;
    let rest = data.get(nlmsg_align(fixed)..).ok_or(Errno::EINVAL)?;
    Ok(NetlinkRouteAttrs::new(rest))
}

/// The fixed header of a link message: `struct ifinfomsg`.
///
/// Go: `syscall.IfInfomsg`.
#[doc(alias = "ifinfomsg")]
#[doc(alias = "IfInfomsg")]
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub struct IfInfoMsg {
    /// `ifi_family`: `AF_UNSPEC`.
    pub family: u8,
    /// `ifi_type`: the ARP hardware type (`ARPHRD_LOOPBACK` is 772, `ARPHRD_ETHER` 1).
    pub ty: u16,
    /// `ifi_index`: the interface index.
    pub index: i32,
    /// `ifi_flags`.
    pub flags: IfFlags,
    /// `ifi_change`: which flags changed (in notifications).
    pub change: u32,
}

impl IfInfoMsg {
    /// Decodes the header at the start of a `RTM_NEWLINK` payload.
    ///
    /// # Errors
    /// `EINVAL`: fewer than 16 bytes.
    pub fn parse(data: &[u8]) -> Result<IfInfoMsg> {
        if data.len() < size_of::<ifinfomsg>() {
            return Err(Errno::EINVAL);
        }
        Ok(IfInfoMsg {
            family: data[offset_of!(ifinfomsg, ifi_family)],
            ty: u16::from_ne_bytes(bytes_at(data, offset_of!(ifinfomsg, ifi_type))),
            index: i32::from_ne_bytes(bytes_at(data, offset_of!(ifinfomsg, ifi_index))),
            flags: IfFlags::from_bits_retain(u32::from_ne_bytes(bytes_at(
                data,
                offset_of!(ifinfomsg, ifi_flags),
            ))),
            change: u32::from_ne_bytes(bytes_at(data, offset_of!(ifinfomsg, ifi_change))),
        })
    }
}

/// The fixed header of an address message: `struct ifaddrmsg`.
///
/// Go: `syscall.IfAddrmsg`.
#[doc(alias = "ifaddrmsg")]
#[doc(alias = "IfAddrmsg")]
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub struct IfAddrMsg {
    /// `ifa_family`: `AF_INET` or `AF_INET6`.
    pub family: u8,
    /// `ifa_prefixlen`: the prefix length (8 for 127.0.0.1/8).
    pub prefixlen: u8,
    /// `ifa_flags`: `IFA_F_*`.
    pub flags: u8,
    /// `ifa_scope`: `RT_SCOPE_*` (254 is host, 0 universe).
    pub scope: u8,
    /// `ifa_index`: the interface index.
    pub index: u32,
}

impl IfAddrMsg {
    /// Decodes the header at the start of a `RTM_NEWADDR` payload.
    ///
    /// # Errors
    /// `EINVAL`: fewer than 8 bytes.
    pub fn parse(data: &[u8]) -> Result<IfAddrMsg> {
        if data.len() < size_of::<ifaddrmsg>() {
            return Err(Errno::EINVAL);
        }
        Ok(IfAddrMsg {
            family: data[offset_of!(ifaddrmsg, ifa_family)],
            prefixlen: data[offset_of!(ifaddrmsg, ifa_prefixlen)],
            flags: data[offset_of!(ifaddrmsg, ifa_flags)],
            scope: data[offset_of!(ifaddrmsg, ifa_scope)],
            index: u32::from_ne_bytes(bytes_at(data, offset_of!(ifaddrmsg, ifa_index))),
        })
    }
}

/// The size of a route dump request: the header and a `struct rtgenmsg`, aligned.
pub const ROUTE_REQUEST_SIZE: usize = nlmsg_align(NLMSG_HDRLEN + size_of::<nl::rtgenmsg>());

/// A `NETLINK_ROUTE` dump request (`RTM_GETLINK`, `RTM_GETADDR`, `RTM_GETROUTE`… with
/// `NLM_F_DUMP | NLM_F_REQUEST`): a header and a `struct rtgenmsg` naming the family.
///
/// Go: `syscall.NetlinkRouteRequest` (made by Go's unexported `newNetlinkRouteRequest`).
#[doc(alias = "NetlinkRouteRequest")]
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub struct RouteRequest {
    /// The request type (`RTM_GETLINK`…).
    pub ty: u16,
    /// The sequence number the answer echoes.
    pub seq: u32,
    /// The address family asked about (`AF_UNSPEC`: all).
    pub family: AddressFamily,
}

impl RouteRequest {
    /// The request's bytes: `nlmsg_len` is 17 (header and `rtgenmsg`), as Go sends, padded
    /// with zeros to [`ROUTE_REQUEST_SIZE`].
    pub fn to_bytes(&self) -> [u8; ROUTE_REQUEST_SIZE] {
        let mut b = [0u8; ROUTE_REQUEST_SIZE];
        NlMsgHdr {
            len: (NLMSG_HDRLEN + size_of::<nl::rtgenmsg>()) as u32,
            ty: self.ty,
            flags: NlmFlags::DUMP | NlmFlags::REQUEST,
            seq: self.seq,
            pid: 0,
        }
        .encode(&mut b);
        put(&mut b, NLMSG_HDRLEN, &[self.family.raw() as u8]);
        b
    }
}

/// `NetlinkRIB(ty, family)` — runs a `NETLINK_ROUTE` dump (`RTM_GETLINK`, `RTM_GETADDR`,
/// `RTM_GETROUTE`…) and calls `f` with each message of the answer, in order, until
/// `NLMSG_DONE`.
///
/// Opens a close-on-exec `AF_NETLINK` socket, binds it, sends a [`RouteRequest`] to the
/// kernel and reads the answer into `buf` (one datagram at a time; 32 KiB holds any the
/// kernel sends). Messages whose sequence number or port ID is not this request's are
/// refused, as Go does. Go returns the raw bytes of every datagram; with no allocator, sysrt
/// hands each message to `f` instead. An error from `f` stops the dump and is returned.
///
/// # Errors
/// `ENOBUFS` (a datagram did not fit in `buf`), `EINVAL` (a malformed message, or one of
/// another request), the errno of an `NLMSG_ERROR` answer, and those of
/// [`socket`](super::socket), [`bind`](super::bind), [`sendto`](super::sendto) and
/// [`recvfrom`](super::recvfrom).
///
/// # References
/// `man 7 netlink`, `man 7 rtnetlink`. Go: `syscall.NetlinkRIB`.
#[doc(alias = "NetlinkRIB")]
pub fn netlink_rib(
    ty: u16,
    family: AddressFamily,
    buf: &mut [u8],
    mut f: impl FnMut(&NetlinkMessage<'_>) -> Result<()>,
) -> Result<()> {
    let sock = super::socket(
        AddressFamily::NETLINK,
        SocketType::RAW,
        Protocol::NETLINK_ROUTE,
    )?;
    super::bind(&sock, &SockAddr::Netlink(SockAddrNetlink::default()))?;
    let me = match super::getsockname(&sock)? {
        SockAddr::Netlink(a) => a.pid,
        _ => return Err(Errno::EINVAL),
    };
    let seq = 1;
    let req = RouteRequest { ty, seq, family }.to_bytes();
    let kernel = SockAddr::Netlink(SockAddrNetlink::default());
    super::sendto(&sock, &req, SendFlags::empty(), &kernel)?;
    loop {
        let n = crate::retry_on_intr(|| super::recv(&sock, buf, RecvFlags::TRUNC))?;
        let got = buf.get(..n).ok_or(Errno::ENOBUFS)?;
        for m in parse_netlink_message(got) {
            let m = m?;
            if m.header.seq != seq || m.header.pid != me {
                return Err(Errno::EINVAL);
            }
            match m.header.ty {
                NLMSG_DONE => return Ok(()),
                NLMSG_ERROR => m.error()?,
                _ => f(&m)?,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use super::*;

    fn msg(ty: u16, payload: &[u8]) -> Vec<u8> {
        let mut b = std::vec![0u8; NLMSG_HDRLEN];
        NlMsgHdr {
            len: (NLMSG_HDRLEN + payload.len()) as u32,
            ty,
            flags: NlmFlags::MULTI,
            seq: 1,
            pid: 77,
        }
        .encode(&mut b);
        b.extend_from_slice(payload);
        while !b.len().is_multiple_of(4) {
            b.push(0);
        }
        b
    }

    fn attr(ty: u16, value: &[u8]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&((4 + value.len()) as u16).to_ne_bytes());
        b.extend_from_slice(&ty.to_ne_bytes());
        b.extend_from_slice(value);
        while !b.len().is_multiple_of(4) {
            b.push(0);
        }
        b
    }

    fn lo_link() -> Vec<u8> {
        let mut p = Vec::new();
        p.push(0); // family
        p.push(0);
        p.extend_from_slice(&772u16.to_ne_bytes());
        p.extend_from_slice(&1i32.to_ne_bytes());
        p.extend_from_slice(
            &(IfFlags::UP | IfFlags::LOOPBACK | IfFlags::RUNNING)
                .bits()
                .to_ne_bytes(),
        );
        p.extend_from_slice(&0u32.to_ne_bytes());
        p.extend(attr(IFLA_IFNAME, b"lo\0"));
        p.extend(attr(IFLA_MTU, &65536u32.to_ne_bytes()));
        msg(RTM_NEWLINK, &p)
    }

    #[test]
    fn request_is_what_go_sends() {
        let b = RouteRequest {
            ty: RTM_GETLINK,
            seq: 9,
            family: AddressFamily::UNSPEC,
        }
        .to_bytes();
        assert_eq!(b.len(), 20);
        assert_eq!(&b[0..4], &17u32.to_ne_bytes());
        assert_eq!(&b[4..6], &18u16.to_ne_bytes());
        assert_eq!(&b[6..8], &0x301u16.to_ne_bytes());
        assert_eq!(&b[8..12], &9u32.to_ne_bytes());
        assert_eq!(&b[12..20], &[0; 8]);
    }

    #[test]
    fn parses_a_link_and_its_attributes() {
        let mut all = lo_link();
        all.extend(msg(NLMSG_DONE, &0i32.to_ne_bytes()));
        let msgs: Vec<_> = parse_netlink_message(&all).map(Result::unwrap).collect();
        assert_eq!(msgs.len(), 2);
        assert_eq!((msgs[0].header.ty, msgs[0].header.pid), (RTM_NEWLINK, 77));
        let info = IfInfoMsg::parse(msgs[0].data).unwrap();
        assert_eq!((info.index, info.ty), (1, 772));
        assert!(info.flags.contains(IfFlags::UP | IfFlags::LOOPBACK));
        let attrs: Vec<_> = parse_netlink_route_attr(&msgs[0])
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(attrs.len(), 2);
        assert_eq!(
            (attrs[0].ty, attrs[0].as_c_str_bytes()),
            (IFLA_IFNAME, &b"lo"[..])
        );
        assert_eq!(attrs[1].as_u32(), Some(65536));
        assert_eq!(msgs[1].header.ty, NLMSG_DONE);
        assert_eq!(
            parse_netlink_route_attr(&msgs[1]).err(),
            Some(Errno::EINVAL)
        );
    }

    #[test]
    fn errors_and_acks() {
        let mut e = (-13i32).to_ne_bytes().to_vec();
        e.extend_from_slice(&[0; 16]);
        let m = msg(NLMSG_ERROR, &e);
        let parsed = parse_netlink_message(&m).next().unwrap().unwrap();
        assert_eq!(parsed.error(), Err(Errno::EACCES));
        let ack = msg(NLMSG_ERROR, &[0; 20]);
        assert_eq!(
            parse_netlink_message(&ack).next().unwrap().unwrap().error(),
            Ok(())
        );
        let short = msg(NLMSG_ERROR, &[1]);
        assert_eq!(
            parse_netlink_message(&short)
                .next()
                .unwrap()
                .unwrap()
                .error(),
            Err(Errno::EINVAL)
        );
        let weird = msg(NLMSG_ERROR, &i32::MIN.to_ne_bytes());
        assert!(
            parse_netlink_message(&weird)
                .next()
                .unwrap()
                .unwrap()
                .error()
                .is_err()
        );
    }

    #[test]
    fn truncations_are_einval_never_panics() {
        let full = lo_link();
        for cut in 0..full.len() {
            let part = &full[..cut];
            let got: Vec<_> = parse_netlink_message(part).collect();
            if cut < NLMSG_HDRLEN {
                assert!(got.is_empty(), "{cut}");
            } else {
                assert_eq!(got, [Err(Errno::EINVAL)], "{cut}");
            }
        }
        // Bad nlmsg_len values.
        for len in [0u32, 15, u32::MAX, 1000] {
            let mut b = full.clone();
            b[..4].copy_from_slice(&len.to_ne_bytes());
            assert_eq!(parse_netlink_message(&b).next(), Some(Err(Errno::EINVAL)));
        }
        // Bad rta_len values inside a well-formed message.
        for rta_len in [0u16, 3, 200, u16::MAX] {
            let mut b = full.clone();
            let at = NLMSG_HDRLEN + 16;
            b[at..at + 2].copy_from_slice(&rta_len.to_ne_bytes());
            let m = parse_netlink_message(&b).next().unwrap().unwrap();
            let first = parse_netlink_route_attr(&m).unwrap().next();
            assert_eq!(first, Some(Err(Errno::EINVAL)), "{rta_len}");
        }
        // A link message too short for its ifinfomsg.
        let m = msg(RTM_NEWLINK, &[0; 10]);
        let m = parse_netlink_message(&m).next().unwrap().unwrap();
        assert!(parse_netlink_route_attr(&m).is_err());
        assert_eq!(IfInfoMsg::parse(&[0; 15]), Err(Errno::EINVAL));
        assert_eq!(IfAddrMsg::parse(&[0; 7]), Err(Errno::EINVAL));
    }

    #[test]
    fn hostile_inputs_never_panic() {
        let mut x = 0x853c_49e6_748f_ea9bu64;
        let mut buf = [0u8; 256];
        // Miri interprets each step: a sample of the sweep there, the whole sweep natively.
        for _ in 0..if cfg!(miri) { 300 } else { 30_000 } {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            for (i, c) in buf.iter_mut().enumerate() {
                *c = x.rotate_left((i * 7) as u32 % 64) as u8;
            }
            // Plausible headers so the deeper paths run.
            let len = (x % 120) as u32;
            buf[..4].copy_from_slice(&len.to_ne_bytes());
            let ty = [RTM_NEWLINK, RTM_NEWADDR, RTM_NEWROUTE, NLMSG_ERROR, 0][(x % 5) as usize];
            buf[4..6].copy_from_slice(&ty.to_ne_bytes());
            let n = (x >> 9) as usize % 256;
            for m in parse_netlink_message(&buf[..n]).flatten() {
                assert!(m.data.len() <= n);
                let _ = m.error();
                let _ = IfInfoMsg::parse(m.data);
                let _ = IfAddrMsg::parse(m.data);
                if let Ok(attrs) = parse_netlink_route_attr(&m) {
                    for a in attrs.flatten() {
                        let _ = (a.as_c_str_bytes(), a.as_u32());
                        for nested in NetlinkRouteAttrs::new(a.value).flatten() {
                            let _ = nested.as_u32();
                        }
                    }
                }
            }
        }
    }
}
