//! The typed arguments of the socket calls: address family, socket type, protocol, the
//! creation flags, `shutdown`'s direction, the send and receive flags, and `struct ucred`.
//!
//! The three numbering types ([`AddressFamily`], [`SocketType`], [`Protocol`]) are newtypes with
//! associated constants, as [`Errno`](crate::Errno) is: a value the constants do not name (a
//! family added by a newer kernel) stays expressible with `from_raw`, and the kernel, not sysrt,
//! decides whether it is supported (`EAFNOSUPPORT`, `EINVAL`, `EPROTONOSUPPORT`).

use core::fmt;

use bitflags::bitflags;
use linux_raw_sys::general as g;
use linux_raw_sys::net as n;

use crate::process::Pid;

/// An address family: the `domain` argument of [`socket`](super::socket) and the
/// `sa_family` field of every socket address (`AF_*`, the kernel's `sa_family_t`).
///
/// Go: the `syscall.AF_*` constants.
#[derive(Copy, Clone, Eq, PartialEq, Hash)]
#[repr(transparent)]
pub struct AddressFamily(u16);

impl AddressFamily {
    /// `AF_UNSPEC`: no family (an address the kernel left empty).
    #[doc(alias = "AF_UNSPEC")]
    pub const UNSPEC: AddressFamily = AddressFamily(n::AF_UNSPEC as u16);
    /// `AF_UNIX` (`AF_LOCAL`): Unix domain sockets, local to the machine.
    #[doc(alias = "AF_UNIX")]
    #[doc(alias = "AF_LOCAL")]
    pub const UNIX: AddressFamily = AddressFamily(n::AF_UNIX as u16);
    /// `AF_INET`: IPv4.
    #[doc(alias = "AF_INET")]
    pub const INET: AddressFamily = AddressFamily(n::AF_INET as u16);
    /// `AF_INET6`: IPv6.
    #[doc(alias = "AF_INET6")]
    pub const INET6: AddressFamily = AddressFamily(n::AF_INET6 as u16);
    /// `AF_NETLINK`: the kernel's message interface (routing, links, addresses…).
    #[doc(alias = "AF_NETLINK")]
    pub const NETLINK: AddressFamily = AddressFamily(n::AF_NETLINK as u16);
    /// `AF_PACKET`: raw link-layer packets (needs `CAP_NET_RAW`).
    #[doc(alias = "AF_PACKET")]
    pub const PACKET: AddressFamily = AddressFamily(n::AF_PACKET as u16);
    /// `AF_VSOCK`: host–guest sockets of virtual machines.
    #[doc(alias = "AF_VSOCK")]
    pub const VSOCK: AddressFamily = AddressFamily(n::AF_VSOCK as u16);
    /// `AF_ALG`: the kernel crypto API.
    #[doc(alias = "AF_ALG")]
    pub const ALG: AddressFamily = AddressFamily(n::AF_ALG as u16);

    /// The family numbered `raw`; any number is accepted (the kernel answers `EAFNOSUPPORT` for
    /// one it does not know).
    #[inline]
    pub const fn from_raw(raw: u16) -> AddressFamily {
        AddressFamily(raw)
    }

    /// The kernel's number.
    #[inline]
    pub const fn raw(self) -> u16 {
        self.0
    }
}

impl fmt::Debug for AddressFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match *self {
            AddressFamily::UNSPEC => "AF_UNSPEC",
            AddressFamily::UNIX => "AF_UNIX",
            AddressFamily::INET => "AF_INET",
            AddressFamily::INET6 => "AF_INET6",
            AddressFamily::NETLINK => "AF_NETLINK",
            AddressFamily::PACKET => "AF_PACKET",
            AddressFamily::VSOCK => "AF_VSOCK",
            AddressFamily::ALG => "AF_ALG",
            AddressFamily(raw) => return write!(f, "AddressFamily({raw})"),
        };
        f.write_str(name)
    }
}

/// A socket type: the `type` argument of [`socket`](super::socket) (`SOCK_*`), without the
/// creation flags, which are [`SocketFlags`].
///
/// Go: the `syscall.SOCK_*` constants.
#[derive(Copy, Clone, Eq, PartialEq, Hash)]
#[repr(transparent)]
pub struct SocketType(u32);

impl SocketType {
    /// `SOCK_STREAM`: a reliable, ordered byte stream (TCP; Unix stream sockets).
    #[doc(alias = "SOCK_STREAM")]
    pub const STREAM: SocketType = SocketType(n::SOCK_STREAM);
    /// `SOCK_DGRAM`: datagrams, each read whole (UDP; Unix datagram sockets; netlink).
    #[doc(alias = "SOCK_DGRAM")]
    pub const DGRAM: SocketType = SocketType(n::SOCK_DGRAM);
    /// `SOCK_SEQPACKET`: a reliable, ordered, connected sequence of records (Unix; SCTP).
    #[doc(alias = "SOCK_SEQPACKET")]
    pub const SEQPACKET: SocketType = SocketType(n::SOCK_SEQPACKET);
    /// `SOCK_RAW`: raw protocol access (netlink; raw IP and packet sockets need
    /// `CAP_NET_RAW`).
    #[doc(alias = "SOCK_RAW")]
    pub const RAW: SocketType = SocketType(n::SOCK_RAW);
    /// `SOCK_RDM`: reliably delivered messages (TIPC).
    #[doc(alias = "SOCK_RDM")]
    pub const RDM: SocketType = SocketType(n::SOCK_RDM);

    /// The type numbered `raw`; any number is accepted (the kernel answers `EINVAL` or
    /// `ESOCKTNOSUPPORT` for one it does not support).
    #[inline]
    pub const fn from_raw(raw: u32) -> SocketType {
        SocketType(raw)
    }

    /// The kernel's number.
    #[inline]
    pub const fn raw(self) -> u32 {
        self.0
    }
}

impl fmt::Debug for SocketType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match *self {
            SocketType::STREAM => "SOCK_STREAM",
            SocketType::DGRAM => "SOCK_DGRAM",
            SocketType::SEQPACKET => "SOCK_SEQPACKET",
            SocketType::RAW => "SOCK_RAW",
            SocketType::RDM => "SOCK_RDM",
            SocketType(raw) => return write!(f, "SocketType({raw})"),
        };
        f.write_str(name)
    }
}

/// A protocol: the `protocol` argument of [`socket`](super::socket). Its meaning depends on
/// the family: an `IPPROTO_*` number for `AF_INET`/`AF_INET6`, a `NETLINK_*` number for
/// `AF_NETLINK`, an Ethernet protocol in network byte order for `AF_PACKET`.
///
/// [`Protocol::DEFAULT`] (0) picks the family's usual protocol for the type (TCP for an
/// `AF_INET` stream). The `IPPROTO_*` numbers are also the `level` of their socket options.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
#[repr(transparent)]
pub struct Protocol(u32);

impl Protocol {
    /// 0: the default protocol of the family and type (`IPPROTO_IP` for the inet families).
    pub const DEFAULT: Protocol = Protocol(0);
    /// `IPPROTO_IP` (0): the IPv4 option level.
    #[doc(alias = "IPPROTO_IP")]
    pub const IP: Protocol = Protocol(n::IPPROTO_IP as u32);
    /// `IPPROTO_IPV6`: the IPv6 option level.
    #[doc(alias = "IPPROTO_IPV6")]
    pub const IPV6: Protocol = Protocol(n::IPPROTO_IPV6 as u32);
    /// `IPPROTO_TCP`.
    #[doc(alias = "IPPROTO_TCP")]
    pub const TCP: Protocol = Protocol(n::IPPROTO_TCP as u32);
    /// `IPPROTO_UDP`.
    #[doc(alias = "IPPROTO_UDP")]
    pub const UDP: Protocol = Protocol(n::IPPROTO_UDP as u32);
    /// `IPPROTO_ICMP`: ICMP (a `SOCK_DGRAM` "ping socket" where `net.ipv4.ping_group_range`
    /// allows it, or `SOCK_RAW`).
    #[doc(alias = "IPPROTO_ICMP")]
    pub const ICMP: Protocol = Protocol(n::IPPROTO_ICMP as u32);
    /// `IPPROTO_ICMPV6`.
    #[doc(alias = "IPPROTO_ICMPV6")]
    pub const ICMPV6: Protocol = Protocol(n::IPPROTO_ICMPV6);
    /// `IPPROTO_RAW`: raw IP, the program writes the header.
    #[doc(alias = "IPPROTO_RAW")]
    pub const RAW: Protocol = Protocol(n::IPPROTO_RAW as u32);
    /// `IPPROTO_SCTP`.
    #[doc(alias = "IPPROTO_SCTP")]
    pub const SCTP: Protocol = Protocol(n::IPPROTO_SCTP as u32);
    /// `NETLINK_ROUTE` (0): routing, links, addresses (for `AF_NETLINK`).
    pub const NETLINK_ROUTE: Protocol = Protocol(linux_raw_sys::netlink::NETLINK_ROUTE);

    /// The protocol numbered `raw`, passed as is.
    #[inline]
    pub const fn from_raw(raw: u32) -> Protocol {
        Protocol(raw)
    }

    /// For `AF_PACKET`: the Ethernet protocol `ethertype` (an `ETH_P_*` number, host byte
    /// order), converted to the network byte order the kernel expects there.
    #[inline]
    pub const fn ethernet(ethertype: u16) -> Protocol {
        Protocol(ethertype.to_be() as u32)
    }

    /// The kernel's number.
    #[inline]
    pub const fn raw(self) -> u32 {
        self.0
    }
}

bitflags! {
    /// Creation flags of [`socket_with`](super::socket_with),
    /// [`socketpair`](super::socketpair) and [`accept4`](super::accept4), or'ed into the
    /// `type` (or `flags`) argument.
    ///
    /// `SOCK_CLOEXEC` is always added by sysrt. The values are `O_CLOEXEC` and `O_NONBLOCK`
    /// (`include/linux/net.h` defines them so on every arch sysrt supports; linux-raw-sys 0.12
    /// does not carry the `SOCK_` spellings).
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct SocketFlags: u32 {
        /// `SOCK_NONBLOCK`: the new descriptor is non-blocking (`O_NONBLOCK`).
        #[doc(alias = "SOCK_NONBLOCK")]
        const NONBLOCK = g::O_NONBLOCK;
        /// `SOCK_CLOEXEC`: the new descriptor is close-on-exec. sysrt always adds it.
        #[doc(alias = "SOCK_CLOEXEC")]
        const CLOEXEC = g::O_CLOEXEC;
    }
}

/// Which direction [`shutdown`](super::shutdown) closes.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub enum Shutdown {
    /// `SHUT_RD`: no more receptions (further reads return 0).
    #[doc(alias = "SHUT_RD")]
    Read,
    /// `SHUT_WR`: no more transmissions (the peer reads end of stream; a further send gives
    /// `EPIPE`).
    #[doc(alias = "SHUT_WR")]
    Write,
    /// `SHUT_RDWR`: both.
    #[doc(alias = "SHUT_RDWR")]
    Both,
}

impl Shutdown {
    /// The kernel's `how`.
    #[inline]
    pub(crate) const fn raw(self) -> u32 {
        match self {
            Shutdown::Read => n::SHUT_RD,
            Shutdown::Write => n::SHUT_WR,
            Shutdown::Both => n::SHUT_RDWR,
        }
    }
}

bitflags! {
    /// `MSG_*` flags of the send calls ([`send`](super::send), [`sendto`](super::sendto),
    /// [`sendmsg`](super::sendmsg), [`sendmmsg`](super::sendmmsg)).
    ///
    /// None of them changes how much user memory the kernel reads or writes, so any bits may
    /// be passed (unknown ones are ignored or refused by the protocol).
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct SendFlags: u32 {
        /// `MSG_CONFIRM`: the link layer got a reply from the neighbour (skip ARP probing).
        #[doc(alias = "MSG_CONFIRM")]
        const CONFIRM = n::MSG_CONFIRM;
        /// `MSG_DONTROUTE`: send only to directly connected hosts.
        #[doc(alias = "MSG_DONTROUTE")]
        const DONTROUTE = n::MSG_DONTROUTE;
        /// `MSG_DONTWAIT`: this call does not block (`EAGAIN` instead), as if `O_NONBLOCK`.
        #[doc(alias = "MSG_DONTWAIT")]
        const DONTWAIT = n::MSG_DONTWAIT;
        /// `MSG_EOR`: end of record (`SOCK_SEQPACKET`).
        #[doc(alias = "MSG_EOR")]
        const EOR = n::MSG_EOR;
        /// `MSG_MORE`: more data follows; the kernel may hold this back to coalesce (TCP, UDP).
        #[doc(alias = "MSG_MORE")]
        const MORE = n::MSG_MORE;
        /// `MSG_NOSIGNAL`: a send to a closed peer gives `EPIPE` without raising `SIGPIPE`.
        #[doc(alias = "MSG_NOSIGNAL")]
        const NOSIGNAL = n::MSG_NOSIGNAL;
        /// `MSG_OOB`: out-of-band data (TCP urgent data).
        #[doc(alias = "MSG_OOB")]
        const OOB = n::MSG_OOB;
    }
}

bitflags! {
    /// `MSG_*` flags of the receive calls ([`recv`](super::recv), [`recvfrom`](super::recvfrom),
    /// [`recvmsg`](super::recvmsg), [`recvmmsg`](super::recvmmsg)), and the flags `recvmsg`
    /// reports back (`msg_flags`: [`TRUNC`](Self::TRUNC), [`CTRUNC`](Self::CTRUNC),
    /// [`EOR`](Self::EOR), …).
    ///
    /// None of them lets the kernel write past the buffers it is given. [`TRUNC`](Self::TRUNC)
    /// changes the return value: the real length of a datagram, which may exceed the buffer.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct RecvFlags: u32 {
        /// `MSG_CMSG_CLOEXEC`: descriptors received with `SCM_RIGHTS` are close-on-exec.
        /// sysrt always adds it to `recvmsg` and `recvmmsg`.
        #[doc(alias = "MSG_CMSG_CLOEXEC")]
        const CMSG_CLOEXEC = n::MSG_CMSG_CLOEXEC;
        /// `MSG_DONTWAIT`: this call does not block (`EAGAIN` instead).
        #[doc(alias = "MSG_DONTWAIT")]
        const DONTWAIT = n::MSG_DONTWAIT;
        /// `MSG_ERRQUEUE`: receive from the socket's error queue.
        #[doc(alias = "MSG_ERRQUEUE")]
        const ERRQUEUE = n::MSG_ERRQUEUE;
        /// `MSG_OOB`: receive out-of-band data; reported back for urgent data.
        #[doc(alias = "MSG_OOB")]
        const OOB = n::MSG_OOB;
        /// `MSG_PEEK`: return the data without removing it from the queue.
        #[doc(alias = "MSG_PEEK")]
        const PEEK = n::MSG_PEEK;
        /// `MSG_TRUNC`: as input, return the real length of the datagram even when the buffer
        /// was shorter; reported back when a datagram was truncated.
        #[doc(alias = "MSG_TRUNC")]
        const TRUNC = n::MSG_TRUNC;
        /// `MSG_WAITALL`: block until the whole buffer is filled (stream sockets), a signal,
        /// an error or end of stream.
        #[doc(alias = "MSG_WAITALL")]
        const WAITALL = n::MSG_WAITALL;
        /// `MSG_WAITFORONE` ([`recvmmsg`](super::recvmmsg)): after the first message, do not
        /// block for more. (`0x10000`, `include/linux/socket.h`; not in linux-raw-sys 0.12.)
        #[doc(alias = "MSG_WAITFORONE")]
        const WAITFORONE = 0x10000;
        /// Reported back: `MSG_CTRUNC`, the control data did not fit in the control buffer
        /// (received descriptors that did not fit were closed by the kernel).
        #[doc(alias = "MSG_CTRUNC")]
        const CTRUNC = n::MSG_CTRUNC;
        /// Reported back: `MSG_EOR`, the end of a record (`SOCK_SEQPACKET`).
        #[doc(alias = "MSG_EOR")]
        const EOR = n::MSG_EOR;
    }
}

impl RecvFlags {
    /// `RecvFlags::from_msg_flags(raw)` — the flags the kernel reported in a `msghdr`'s
    /// `msg_flags`, as [`recvmsg`](super::recvmsg) and [`recvmmsg`](super::recvmmsg) return
    /// them: every bit kept (unknown ones too), except `MSG_CMSG_CLOEXEC`, an input flag sysrt
    /// adds that the kernel echoes back. Pure (the `flags` fuzz target checks it).
    ///
    /// # References
    /// `man 2 recvmsg`.
    #[inline]
    pub const fn from_msg_flags(raw: u32) -> RecvFlags {
        RecvFlags::from_bits_retain(raw & !n::MSG_CMSG_CLOEXEC)
    }
}

/// The credentials of a process: `struct ucred`, as `SO_PEERCRED` reports them and
/// `SCM_CREDENTIALS` carries them.
///
/// Go: `syscall.Ucred`.
#[doc(alias = "ucred")]
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub struct Ucred {
    /// The process ID.
    pub pid: Pid,
    /// The user ID.
    pub uid: u32,
    /// The group ID.
    pub gid: u32,
}

impl Ucred {
    /// The size of `struct ucred`, 12 bytes.
    pub const SIZE: usize = size_of::<n::ucred>();

    /// The kernel's layout.
    #[inline]
    pub(crate) const fn to_raw(self) -> n::ucred {
        n::ucred {
            pid: self.pid.raw() as u32,
            uid: self.uid,
            gid: self.gid,
        }
    }

    /// From the kernel's layout.
    #[inline]
    pub(crate) const fn from_raw(raw: n::ucred) -> Ucred {
        Ucred {
            pid: Pid::from_raw(raw.pid as i32),
            uid: raw.uid,
            gid: raw.gid,
        }
    }

    /// The 12 bytes of `struct ucred`, in native byte order.
    pub(crate) fn to_bytes(self) -> [u8; Self::SIZE] {
        let mut out = [0u8; Self::SIZE];
        let raw = self.to_raw();
        put(
            &mut out,
            core::mem::offset_of!(n::ucred, pid),
            &raw.pid.to_ne_bytes(),
        );
        put(
            &mut out,
            core::mem::offset_of!(n::ucred, uid),
            &raw.uid.to_ne_bytes(),
        );
        put(
            &mut out,
            core::mem::offset_of!(n::ucred, gid),
            &raw.gid.to_ne_bytes(),
        );
        out
    }

    /// Decodes `struct ucred` from exactly its 12 bytes; `None` for any other length.
    pub(crate) fn from_bytes(b: &[u8]) -> Option<Ucred> {
        if b.len() != Self::SIZE {
            return None;
        }
        let u32_at = |off: usize| u32::from_ne_bytes(bytes_at(b, off));
        Some(Ucred::from_raw(n::ucred {
            pid: u32_at(core::mem::offset_of!(n::ucred, pid)),
            uid: u32_at(core::mem::offset_of!(n::ucred, uid)),
            gid: u32_at(core::mem::offset_of!(n::ucred, gid)),
        }))
    }
}

/// `N` bytes of `b` from `off`; zeros where `b` is too short, so no panic path is compiled in.
#[inline]
pub(crate) fn bytes_at<const N: usize>(b: &[u8], off: usize) -> [u8; N] {
    let mut out = [0u8; N];
    if let Some(src) = off.checked_add(N).and_then(|end| b.get(off..end)) {
        out.copy_from_slice(src);
    }
    out
}

/// Copies `src` into `dst` at `off`; does nothing if it does not fit (callers write only
/// within sizes checked at compile time).
#[inline]
pub(crate) fn put(dst: &mut [u8], off: usize, src: &[u8]) {
    if let Some(d) = off
        .checked_add(src.len())
        .and_then(|end| dst.get_mut(off..end))
    {
        d.copy_from_slice(src);
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    #[test]
    fn numbers_are_the_kernels() {
        assert_eq!(AddressFamily::UNIX.raw(), 1);
        assert_eq!(AddressFamily::INET.raw(), 2);
        assert_eq!(AddressFamily::INET6.raw(), 10);
        assert_eq!(AddressFamily::NETLINK.raw(), 16);
        assert_eq!(AddressFamily::PACKET.raw(), 17);
        assert_eq!(SocketType::STREAM.raw(), 1);
        assert_eq!(SocketType::DGRAM.raw(), 2);
        assert_eq!(SocketType::SEQPACKET.raw(), 5);
        assert_eq!(Protocol::TCP.raw(), 6);
        assert_eq!(Protocol::UDP.raw(), 17);
        assert_eq!(Protocol::ethernet(0x0003).raw(), 0x0300);
        assert_eq!(SocketFlags::CLOEXEC.bits(), 0o2000000);
        assert_eq!(SocketFlags::NONBLOCK.bits(), 0o4000);
        assert_eq!(Shutdown::Both.raw(), 2);
        assert_eq!(std::format!("{:?}", AddressFamily::INET6), "AF_INET6");
        assert_eq!(
            std::format!("{:?}", AddressFamily::from_raw(999)),
            "AddressFamily(999)"
        );
        assert_eq!(
            std::format!("{:?}", SocketType::SEQPACKET),
            "SOCK_SEQPACKET"
        );
    }

    #[test]
    fn ucred_bytes_round_trip_and_reject_other_lengths() {
        let c = Ucred {
            pid: Pid::from_raw(42),
            uid: 1000,
            gid: 100,
        };
        let b = c.to_bytes();
        assert_eq!(Ucred::from_bytes(&b), Some(c));
        assert_eq!(&b[0..4], &42u32.to_ne_bytes());
        for len in [0usize, 1, 11, 13, 64] {
            assert_eq!(Ucred::from_bytes(&std::vec![0xffu8; len]), None);
        }
        assert_eq!(bytes_at::<4>(&[1, 2, 3], 0), [0; 4]);
        assert_eq!(bytes_at::<2>(&[1, 2, 3], usize::MAX), [0; 2]);
    }
}
