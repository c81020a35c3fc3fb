//! Socket options: a typed layer (`set_reuseaddr`, `get_peercred`, `set_tcp_nodelay`,
//! `set_ip_add_membership`…) and Go's generic forms (`getsockopt_int`, `setsockopt_int`,
//! `setsockopt_timeval`, …) over `getsockopt`/`setsockopt`.
//!
//! # Which forms are safe
//! - Every `getsockopt` passes a buffer of its own, zeroed, with `optlen` set to that
//!   buffer's size: the kernel writes at most `optlen` bytes. (The few options that read a
//!   count from the buffer, such as `MCAST_MSFILTER`, see 0 in a zeroed one.)
//! - The typed setters and the generic setters of an `int` or a byte are safe: a value that
//!   small cannot hold an address.
//! - The generic setters of a larger value (`setsockopt_timeval`, `setsockopt_linger`, the
//!   `mreq` forms, `setsockopt_string`, raw [`setsockopt`]) are `unsafe`: with an arbitrary
//!   level and name, the value could be read as a struct holding an address the kernel
//!   writes to (netfilter's `*_SO_SET_REPLACE` writes counters through one, RDS's
//!   `RDS_GET_MR` a cookie). The typed setters cover the same options safely.
//!
//! Levels and names are the kernel's numbers (`SOL_SOCKET`, `IPPROTO_TCP`…, `SO_*`,
//! `TCP_*`…), as in Go; the typed functions need none of them.

use core::mem::{offset_of, size_of};
use core::net::{Ipv4Addr, Ipv6Addr, SocketAddrV6};
use core::time::Duration;

use linux_raw_sys::general::__kernel_old_timeval;
use linux_raw_sys::net::{self as n, ip_mreq, ip_mreqn, ipv6_mreq, linger, tcp_info};

use super::addr::SockAddr;
use super::types::{AddressFamily, Protocol, SocketType, Ucred, bytes_at, put};
use crate::fd::AsFd;
use crate::time::Timeval;
use crate::{Errno, Result, Sysno, arch, arg};

/// `SOL_SOCKET`.
const SOL_SOCKET: u32 = n::SOL_SOCKET;
/// `IPPROTO_IP`, the IPv4 option level.
const SOL_IP: u32 = n::IPPROTO_IP as u32;
/// `IPPROTO_IPV6`.
const SOL_IPV6: u32 = n::IPPROTO_IPV6 as u32;
/// `IPPROTO_TCP`.
const SOL_TCP: u32 = n::IPPROTO_TCP as u32;

/// `getsockopt(fd, level, name)` into `buf`, which is zeroed first; returns the length the
/// kernel reported (`optlen`), which can exceed `buf.len()` for options that say how much
/// there was.
#[inline]
fn getsockopt_into(fd: impl AsFd, level: u32, name: u32, buf: &mut [u8]) -> Result<usize> {
    buf.fill(0);
    let mut len = u32::try_from(buf.len()).unwrap_or(u32::MAX);
    // Options that read a count from the buffer (MCAST_MSFILTER) find 0 in a zeroed one.
    // SAFETY: `buf` (zeroed) is valid for writes of `len` bytes and the kernel writes at most
    // `optlen` (= `len`) bytes into it, and the length into `len`; both live for the call.
    Errno::decode(unsafe {
        arch::syscall5(
            Sysno::getsockopt,
            arg::fd(fd.as_fd()),
            arg::uint(level),
            arg::uint(name),
            buf.as_mut_ptr() as usize,
            &raw mut len as usize,
        )
    })?;
    Ok(len as usize)
}

/// `setsockopt(fd, level, name, value)` with the bytes of `value`.
///
/// # Safety
/// As [`setsockopt`]: the option must not make the kernel write through an address in
/// `value`.
#[inline]
unsafe fn setsockopt_bytes(fd: impl AsFd, level: u32, name: u32, value: &[u8]) -> Result<()> {
    let len = u32::try_from(value.len()).map_err(|_| Errno::EINVAL)?;
    // SAFETY: the kernel reads `len` bytes of `value`, live for the call; that the option
    // writes through no address inside it is the caller's contract.
    Errno::decode(unsafe {
        arch::syscall5_readonly(
            Sysno::setsockopt,
            arg::fd(fd.as_fd()),
            arg::uint(level),
            arg::uint(name),
            value.as_ptr() as usize,
            len as usize,
        )
    })
    .map(drop)
}

/// `setsockopt(fd, level, name, value)` — sets an option to raw bytes.
///
/// # Errors
/// `ENOPROTOOPT` (unknown option at this level), `EINVAL` (a value of the wrong size or out
/// of range), `EPERM`/`EACCES` (a privileged option), `ENOTSOCK`, `EBADF`.
///
/// # Safety
/// The kernel must only read `value` for this `(level, name)` on this socket: it must not be
/// an option whose value holds an address the kernel writes to (netfilter's
/// `IPT_SO_SET_REPLACE`, `IP6T_SO_SET_REPLACE`, `ARPT_SO_SET_REPLACE`,
/// `EBT_SO_SET_ENTRIES`, RDS's `RDS_GET_MR`/`RDS_GET_MR_FOR_DEST`), unless that memory is the
/// caller's to give and stays valid as long as the kernel uses it.
///
/// # References
/// `man 2 setsockopt`. Go: the `syscall.Setsockopt*` family.
#[inline]
pub unsafe fn setsockopt(fd: impl AsFd, level: u32, name: u32, value: &[u8]) -> Result<()> {
    // SAFETY: forwarded from the caller.
    unsafe { setsockopt_bytes(fd, level, name, value) }
}

/// `GetsockoptInt(fd, level, name)` — an `int` option.
///
/// # Errors
/// `ENOPROTOOPT` (unknown option at this level, or not an `int` one: the kernel then often
/// answers `EINVAL`), `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 2 getsockopt`. Go: `syscall.GetsockoptInt`.
#[doc(alias = "GetsockoptInt")]
#[inline]
pub fn getsockopt_int(fd: impl AsFd, level: u32, name: u32) -> Result<i32> {
    let mut b = [0u8; 4];
    getsockopt_into(fd, level, name, &mut b)?;
    Ok(i32::from_ne_bytes(b))
}

/// `SetsockoptInt(fd, level, name, value)` — sets an `int` option.
///
/// # Errors
/// `ENOPROTOOPT`, `EINVAL` (out of range, or the option takes a larger value), `EPERM`,
/// `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 2 setsockopt`. Go: `syscall.SetsockoptInt`.
#[doc(alias = "SetsockoptInt")]
#[inline]
pub fn setsockopt_int(fd: impl AsFd, level: u32, name: u32, value: i32) -> Result<()> {
    // SAFETY: 4 bytes cannot hold an address; an option expecting a larger struct refuses
    // the length.
    unsafe { setsockopt_bytes(fd, level, name, &value.to_ne_bytes()) }
}

/// `SetsockoptByte(fd, level, name, value)` — sets an option to one byte (`IP_TOS`,
/// `IP_MULTICAST_TTL` and `IP_MULTICAST_LOOP` accept one).
///
/// # Errors
/// As [`setsockopt_int`].
///
/// # References
/// `man 2 setsockopt`. Go: `syscall.SetsockoptByte`.
#[doc(alias = "SetsockoptByte")]
#[inline]
pub fn setsockopt_byte(fd: impl AsFd, level: u32, name: u32, value: u8) -> Result<()> {
    // SAFETY: one byte cannot hold an address.
    unsafe { setsockopt_bytes(fd, level, name, &[value]) }
}

/// `GetsockoptInet4Addr(fd, level, name)` — an option whose value is an IPv4 address
/// (`IP_MULTICAST_IF`).
///
/// # Errors
/// As [`getsockopt_int`].
///
/// # References
/// `man 7 ip`. Go: `syscall.GetsockoptInet4Addr`.
#[doc(alias = "GetsockoptInet4Addr")]
#[inline]
pub fn getsockopt_inet4addr(fd: impl AsFd, level: u32, name: u32) -> Result<Ipv4Addr> {
    let mut b = [0u8; 4];
    getsockopt_into(fd, level, name, &mut b)?;
    Ok(Ipv4Addr::from(b))
}

/// `SetsockoptInet4Addr(fd, level, name, addr)` — sets an option to an IPv4 address.
///
/// # Errors
/// As [`setsockopt_int`].
///
/// # References
/// `man 7 ip`. Go: `syscall.SetsockoptInet4Addr`.
#[doc(alias = "SetsockoptInet4Addr")]
#[inline]
pub fn setsockopt_inet4addr(fd: impl AsFd, level: u32, name: u32, addr: Ipv4Addr) -> Result<()> {
    // SAFETY: 4 bytes cannot hold an address.
    unsafe { setsockopt_bytes(fd, level, name, &addr.octets()) }
}

/// The bytes of a `struct timeval`.
fn timeval_to_bytes(tv: Timeval) -> [u8; size_of::<__kernel_old_timeval>()] {
    let k = tv.to_kernel();
    let mut b = [0u8; size_of::<__kernel_old_timeval>()];
    put(
        &mut b,
        offset_of!(__kernel_old_timeval, tv_sec),
        &k.tv_sec.to_ne_bytes(),
    );
    put(
        &mut b,
        offset_of!(__kernel_old_timeval, tv_usec),
        &k.tv_usec.to_ne_bytes(),
    );
    b
}

/// A timeout as `struct timeval` bytes: `None` and zero are "no timeout" (0); a nonzero
/// duration below a microsecond becomes 1 µs rather than 0.
fn timeval_bytes(d: Option<Duration>) -> Result<[u8; size_of::<__kernel_old_timeval>()]> {
    let tv = match d {
        None => Timeval::ZERO,
        Some(d) => {
            let sec = i64::try_from(d.as_secs()).map_err(|_| Errno::EINVAL)?;
            let usec = i64::from(d.subsec_micros());
            if sec == 0 && usec == 0 && d.subsec_nanos() > 0 {
                Timeval::new(0, 1)
            } else {
                Timeval::new(sec, usec)
            }
        }
    };
    Ok(timeval_to_bytes(tv))
}

/// `GetsockoptTimeval(fd, level, name)` — a `struct timeval` option (`SO_RCVTIMEO`,
/// `SO_SNDTIMEO`).
///
/// # Errors
/// As [`getsockopt_int`].
///
/// # References
/// `man 7 socket`. Go: `unix.GetsockoptTimeval` (x/sys/unix).
#[doc(alias = "GetsockoptTimeval")]
#[inline]
pub fn getsockopt_timeval(fd: impl AsFd, level: u32, name: u32) -> Result<Timeval> {
    let mut b = [0u8; size_of::<__kernel_old_timeval>()];
    getsockopt_into(fd, level, name, &mut b)?;
    Ok(Timeval::new(
        i64::from_ne_bytes(bytes_at(&b, offset_of!(__kernel_old_timeval, tv_sec))),
        i64::from_ne_bytes(bytes_at(&b, offset_of!(__kernel_old_timeval, tv_usec))),
    ))
}

/// A socket timeout read back: `None` for zero ("forever"); `EINVAL` for a value that is not
/// a valid non-negative time (never from the kernel).
fn timeout_of(tv: Timeval) -> Result<Option<Duration>> {
    let sec = u64::try_from(tv.sec).map_err(|_| Errno::EINVAL)?;
    let usec = u32::try_from(tv.usec)
        .ok()
        .filter(|u| *u < 1_000_000)
        .ok_or(Errno::EINVAL)?;
    let d = Duration::new(sec, usec * 1000);
    Ok((!d.is_zero()).then_some(d))
}

/// `SetsockoptTimeval(fd, level, name, tv)` — sets a `struct timeval` option.
///
/// # Errors
/// As [`setsockopt_int`]; `EDOM`/`EINVAL` for a timeval the option refuses.
///
/// # Safety
/// As [`setsockopt`]: the 16 bytes must not be read by the option as an address it writes
/// to. [`set_rcvtimeo`]/[`set_sndtimeo`] are the safe forms.
///
/// # References
/// `man 7 socket`. Go: `syscall.SetsockoptTimeval`.
#[doc(alias = "SetsockoptTimeval")]
#[inline]
pub unsafe fn setsockopt_timeval(fd: impl AsFd, level: u32, name: u32, tv: &Timeval) -> Result<()> {
    let b = timeval_to_bytes(*tv);
    // SAFETY: forwarded from the caller.
    unsafe { setsockopt_bytes(fd, level, name, &b) }
}

/// `struct linger`, the value of `SO_LINGER`, in Go's shape.
///
/// Go: `syscall.Linger`.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug, Default)]
pub struct Linger {
    /// `l_onoff`: nonzero to linger.
    pub onoff: i32,
    /// `l_linger`: how long, in seconds.
    pub linger: i32,
}

impl Linger {
    fn to_bytes(self) -> [u8; size_of::<linger>()] {
        let mut b = [0u8; size_of::<linger>()];
        put(
            &mut b,
            offset_of!(linger, l_onoff),
            &self.onoff.to_ne_bytes(),
        );
        put(
            &mut b,
            offset_of!(linger, l_linger),
            &self.linger.to_ne_bytes(),
        );
        b
    }
}

/// `SetsockoptLinger(fd, level, name, l)` — sets a `struct linger` option.
///
/// # Errors
/// As [`setsockopt_int`].
///
/// # Safety
/// As [`setsockopt`]. [`set_linger`] is the safe form.
///
/// # References
/// `man 7 socket`. Go: `syscall.SetsockoptLinger`.
#[doc(alias = "SetsockoptLinger")]
#[inline]
pub unsafe fn setsockopt_linger(fd: impl AsFd, level: u32, name: u32, l: &Linger) -> Result<()> {
    // SAFETY: forwarded from the caller.
    unsafe { setsockopt_bytes(fd, level, name, &l.to_bytes()) }
}

/// `struct ip_mreq`: an IPv4 multicast group and the local interface address to join it on.
///
/// Go: `syscall.IPMreq`.
#[doc(alias = "IPMreq")]
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub struct IpMreq {
    /// `imr_multiaddr`: the group.
    pub multiaddr: Ipv4Addr,
    /// `imr_interface`: the interface's address (`0.0.0.0`: the kernel chooses).
    pub interface: Ipv4Addr,
}

impl IpMreq {
    fn to_bytes(self) -> [u8; size_of::<ip_mreq>()] {
        let mut b = [0u8; size_of::<ip_mreq>()];
        put(
            &mut b,
            offset_of!(ip_mreq, imr_multiaddr),
            &self.multiaddr.octets(),
        );
        put(
            &mut b,
            offset_of!(ip_mreq, imr_interface),
            &self.interface.octets(),
        );
        b
    }

    fn from_bytes(b: &[u8]) -> IpMreq {
        IpMreq {
            multiaddr: Ipv4Addr::from(bytes_at::<4>(b, offset_of!(ip_mreq, imr_multiaddr))),
            interface: Ipv4Addr::from(bytes_at::<4>(b, offset_of!(ip_mreq, imr_interface))),
        }
    }
}

/// `struct ip_mreqn`: an IPv4 multicast group, a local address and an interface index.
///
/// Go: `syscall.IPMreqn`.
#[doc(alias = "IPMreqn")]
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub struct IpMreqn {
    /// `imr_multiaddr`: the group.
    pub multiaddr: Ipv4Addr,
    /// `imr_address`: the local address.
    pub address: Ipv4Addr,
    /// `imr_ifindex`: the interface index (0: any).
    pub ifindex: i32,
}

impl IpMreqn {
    fn to_bytes(self) -> [u8; size_of::<ip_mreqn>()] {
        let mut b = [0u8; size_of::<ip_mreqn>()];
        put(
            &mut b,
            offset_of!(ip_mreqn, imr_multiaddr),
            &self.multiaddr.octets(),
        );
        put(
            &mut b,
            offset_of!(ip_mreqn, imr_address),
            &self.address.octets(),
        );
        put(
            &mut b,
            offset_of!(ip_mreqn, imr_ifindex),
            &self.ifindex.to_ne_bytes(),
        );
        b
    }

    fn from_bytes(b: &[u8]) -> IpMreqn {
        IpMreqn {
            multiaddr: Ipv4Addr::from(bytes_at::<4>(b, offset_of!(ip_mreqn, imr_multiaddr))),
            address: Ipv4Addr::from(bytes_at::<4>(b, offset_of!(ip_mreqn, imr_address))),
            ifindex: i32::from_ne_bytes(bytes_at(b, offset_of!(ip_mreqn, imr_ifindex))),
        }
    }
}

/// `struct ipv6_mreq`: an IPv6 multicast group and the interface index to join it on.
///
/// Go: `syscall.IPv6Mreq`.
#[doc(alias = "IPv6Mreq")]
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub struct Ipv6Mreq {
    /// `ipv6mr_multiaddr`: the group.
    pub multiaddr: Ipv6Addr,
    /// `ipv6mr_interface`: the interface index (0: the kernel chooses).
    pub interface: u32,
}

impl Ipv6Mreq {
    fn to_bytes(self) -> [u8; size_of::<ipv6_mreq>()] {
        let mut b = [0u8; size_of::<ipv6_mreq>()];
        put(
            &mut b,
            offset_of!(ipv6_mreq, ipv6mr_multiaddr),
            &self.multiaddr.octets(),
        );
        put(
            &mut b,
            offset_of!(ipv6_mreq, ipv6mr_ifindex),
            &self.interface.to_ne_bytes(),
        );
        b
    }

    fn from_bytes(b: &[u8]) -> Ipv6Mreq {
        Ipv6Mreq {
            multiaddr: Ipv6Addr::from(bytes_at::<16>(b, offset_of!(ipv6_mreq, ipv6mr_multiaddr))),
            interface: u32::from_ne_bytes(bytes_at(b, offset_of!(ipv6_mreq, ipv6mr_ifindex))),
        }
    }
}

/// `GetsockoptIPMreq(fd, level, name)` — an `ip_mreq` option.
///
/// # Errors
/// As [`getsockopt_int`]. Linux has no readable `ip_mreq` option at the IP level
/// (`IP_ADD_MEMBERSHIP` is write-only: `ENOPROTOOPT`); the form exists for Go parity.
///
/// # References
/// `man 7 ip`. Go: `syscall.GetsockoptIPMreq`.
#[doc(alias = "GetsockoptIPMreq")]
#[inline]
pub fn getsockopt_ip_mreq(fd: impl AsFd, level: u32, name: u32) -> Result<IpMreq> {
    let mut b = [0u8; size_of::<ip_mreq>()];
    getsockopt_into(fd, level, name, &mut b)?;
    Ok(IpMreq::from_bytes(&b))
}

/// `SetsockoptIPMreq(fd, level, name, mreq)` — sets an `ip_mreq` option.
///
/// # Errors
/// As [`setsockopt_int`].
///
/// # Safety
/// As [`setsockopt`]. [`set_ip_add_membership`] and [`set_ip_drop_membership`] are the safe
/// forms.
///
/// # References
/// `man 7 ip`. Go: `syscall.SetsockoptIPMreq`.
#[doc(alias = "SetsockoptIPMreq")]
#[inline]
pub unsafe fn setsockopt_ip_mreq(
    fd: impl AsFd,
    level: u32,
    name: u32,
    mreq: &IpMreq,
) -> Result<()> {
    // SAFETY: forwarded from the caller.
    unsafe { setsockopt_bytes(fd, level, name, &mreq.to_bytes()) }
}

/// `GetsockoptIPMreqn(fd, level, name)` — an `ip_mreqn` option (`IP_MULTICAST_IF` returns
/// only an address; this form exists for Go parity).
///
/// # Errors
/// As [`getsockopt_int`].
///
/// # References
/// `man 7 ip`. Go: `syscall.GetsockoptIPMreqn`.
#[doc(alias = "GetsockoptIPMreqn")]
#[inline]
pub fn getsockopt_ip_mreqn(fd: impl AsFd, level: u32, name: u32) -> Result<IpMreqn> {
    let mut b = [0u8; size_of::<ip_mreqn>()];
    getsockopt_into(fd, level, name, &mut b)?;
    Ok(IpMreqn::from_bytes(&b))
}

/// `SetsockoptIPMreqn(fd, level, name, mreq)` — sets an `ip_mreqn` option
/// (`IP_ADD_MEMBERSHIP` by interface index, `IP_MULTICAST_IF`).
///
/// # Errors
/// As [`setsockopt_int`].
///
/// # Safety
/// As [`setsockopt`].
///
/// # References
/// `man 7 ip`. Go: `syscall.SetsockoptIPMreqn`.
#[doc(alias = "SetsockoptIPMreqn")]
#[inline]
pub unsafe fn setsockopt_ip_mreqn(
    fd: impl AsFd,
    level: u32,
    name: u32,
    mreq: &IpMreqn,
) -> Result<()> {
    // SAFETY: forwarded from the caller.
    unsafe { setsockopt_bytes(fd, level, name, &mreq.to_bytes()) }
}

/// `GetsockoptIPv6Mreq(fd, level, name)` — an `ipv6_mreq` option (none is readable on Linux;
/// the form exists for Go parity).
///
/// # Errors
/// As [`getsockopt_int`].
///
/// # References
/// `man 7 ipv6`. Go: `syscall.GetsockoptIPv6Mreq`.
#[doc(alias = "GetsockoptIPv6Mreq")]
#[inline]
pub fn getsockopt_ipv6_mreq(fd: impl AsFd, level: u32, name: u32) -> Result<Ipv6Mreq> {
    let mut b = [0u8; size_of::<ipv6_mreq>()];
    getsockopt_into(fd, level, name, &mut b)?;
    Ok(Ipv6Mreq::from_bytes(&b))
}

/// `SetsockoptIPv6Mreq(fd, level, name, mreq)` — sets an `ipv6_mreq` option.
///
/// # Errors
/// As [`setsockopt_int`].
///
/// # Safety
/// As [`setsockopt`]. [`set_ipv6_join_group`] and [`set_ipv6_leave_group`] are the safe
/// forms.
///
/// # References
/// `man 7 ipv6`. Go: `syscall.SetsockoptIPv6Mreq`.
#[doc(alias = "SetsockoptIPv6Mreq")]
#[inline]
pub unsafe fn setsockopt_ipv6_mreq(
    fd: impl AsFd,
    level: u32,
    name: u32,
    mreq: &Ipv6Mreq,
) -> Result<()> {
    // SAFETY: forwarded from the caller.
    unsafe { setsockopt_bytes(fd, level, name, &mreq.to_bytes()) }
}

/// `struct icmp6_filter`: which ICMPv6 types a raw ICMPv6 socket passes (bit set: blocked).
/// Hand-typed from `include/uapi/linux/icmpv6.h` (`__u32 data[8]`): linux-raw-sys 0.12 lacks
/// it.
///
/// Go: `syscall.ICMPv6Filter`.
#[doc(alias = "ICMPv6Filter")]
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug, Default)]
pub struct Icmpv6Filter {
    /// One bit per ICMPv6 type (256 types).
    pub data: [u32; 8],
}

/// `ICMPV6_FILTER`, the option of [`Icmpv6Filter`] at level `IPPROTO_ICMPV6`
/// (`include/uapi/linux/icmpv6.h`; not in linux-raw-sys 0.12).
pub const ICMPV6_FILTER: u32 = 1;

/// `GetsockoptICMPv6Filter(fd, level, name)` — an `icmp6_filter` option.
///
/// # Errors
/// As [`getsockopt_int`]; `ENOPROTOOPT`/`EINVAL` on a socket that is not raw ICMPv6.
///
/// # References
/// `man 7 icmpv6` (RFC 3542). Go: `syscall.GetsockoptICMPv6Filter`.
#[doc(alias = "GetsockoptICMPv6Filter")]
#[inline]
pub fn getsockopt_icmpv6_filter(fd: impl AsFd, level: u32, name: u32) -> Result<Icmpv6Filter> {
    let mut b = [0u8; 32];
    getsockopt_into(fd, level, name, &mut b)?;
    let mut f = Icmpv6Filter::default();
    for (i, w) in f.data.iter_mut().enumerate() {
        *w = u32::from_ne_bytes(bytes_at(&b, 4 * i));
    }
    Ok(f)
}

/// `SetsockoptICMPv6Filter(fd, level, name, filter)` — sets an `icmp6_filter` option.
///
/// # Errors
/// As [`setsockopt_int`].
///
/// # Safety
/// As [`setsockopt`].
///
/// # References
/// `man 7 icmpv6`. Go: `syscall.SetsockoptICMPv6Filter`.
#[doc(alias = "SetsockoptICMPv6Filter")]
#[inline]
pub unsafe fn setsockopt_icmpv6_filter(
    fd: impl AsFd,
    level: u32,
    name: u32,
    filter: &Icmpv6Filter,
) -> Result<()> {
    let mut b = [0u8; 32];
    for (i, w) in filter.data.iter().enumerate() {
        put(&mut b, 4 * i, &w.to_ne_bytes());
    }
    // SAFETY: forwarded from the caller.
    unsafe { setsockopt_bytes(fd, level, name, &b) }
}

/// `struct ip6_mtuinfo`: the path MTU to a destination (`IPV6_PATHMTU`).
///
/// Go: `syscall.IPv6MTUInfo`.
#[doc(alias = "IPv6MTUInfo")]
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub struct Ipv6MtuInfo {
    /// `ip6m_addr`: the destination.
    pub addr: SocketAddrV6,
    /// `ip6m_mtu`: the path MTU.
    pub mtu: u32,
}

/// `GetsockoptIPv6MTUInfo(fd, level, name)` — an `ip6_mtuinfo` option (`IPV6_PATHMTU` on a
/// connected socket).
///
/// # Errors
/// As [`getsockopt_int`]; `ENOTCONN` for `IPV6_PATHMTU` on an unconnected socket.
///
/// # References
/// `man 7 ipv6`. Go: `syscall.GetsockoptIPv6MTUInfo`.
#[doc(alias = "GetsockoptIPv6MTUInfo")]
#[inline]
pub fn getsockopt_ipv6_mtu_info(fd: impl AsFd, level: u32, name: u32) -> Result<Ipv6MtuInfo> {
    let mut b = [0u8; size_of::<n::ip6_mtuinfo>()];
    getsockopt_into(fd, level, name, &mut b)?;
    let at = offset_of!(n::ip6_mtuinfo, ip6m_addr);
    let addr = match SockAddr::parse(
        b.get(at..).unwrap_or_default(),
        size_of::<n::sockaddr_in6>(),
    ) {
        Ok(SockAddr::Inet6(a)) => a,
        _ => SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, 0, 0, 0),
    };
    Ok(Ipv6MtuInfo {
        addr,
        mtu: u32::from_ne_bytes(bytes_at(&b, offset_of!(n::ip6_mtuinfo, ip6m_mtu))),
    })
}

/// `GetsockoptUcred(fd, level, name)` — a `struct ucred` option (`SO_PEERCRED`).
///
/// # Errors
/// As [`getsockopt_int`].
///
/// # References
/// `man 7 unix`. Go: `syscall.GetsockoptUcred`.
#[doc(alias = "GetsockoptUcred")]
#[inline]
pub fn getsockopt_ucred(fd: impl AsFd, level: u32, name: u32) -> Result<Ucred> {
    let mut b = [0u8; Ucred::SIZE];
    getsockopt_into(fd, level, name, &mut b)?;
    Ucred::from_bytes(&b).ok_or(Errno::EINVAL)
}

/// `GetsockoptString(fd, level, name)` — an option whose value is bytes (`SO_BINDTODEVICE`,
/// `TCP_CONGESTION`), into `buf` (zeroed first); returns how many bytes the kernel
/// reported, which can exceed `buf.len()` when the value did not fit. A C string's NUL is
/// part of it.
///
/// # Errors
/// As [`getsockopt_int`]; `EINVAL` for some options when `buf` is too small.
///
/// # References
/// `man 2 getsockopt`. Go: `unix.GetsockoptString` (x/sys/unix), which trims at the NUL.
#[doc(alias = "GetsockoptString")]
#[inline]
pub fn getsockopt_string(fd: impl AsFd, level: u32, name: u32, buf: &mut [u8]) -> Result<usize> {
    getsockopt_into(fd, level, name, buf)
}

/// `SetsockoptString(fd, level, name, value)` — sets an option to bytes.
///
/// # Errors
/// As [`setsockopt_int`].
///
/// # Safety
/// As [`setsockopt`]: arbitrary bytes can form any struct. [`set_bindtodevice`] and the other
/// typed setters are the safe forms.
///
/// # References
/// `man 2 setsockopt`. Go: `syscall.SetsockoptString`.
#[doc(alias = "SetsockoptString")]
#[inline]
pub unsafe fn setsockopt_string(fd: impl AsFd, level: u32, name: u32, value: &[u8]) -> Result<()> {
    // SAFETY: forwarded from the caller.
    unsafe { setsockopt_bytes(fd, level, name, value) }
}

/// An `int` option's value as a Rust value and back.
trait IntValue: Sized {
    fn to_int(self) -> Result<i32>;
    fn from_int(v: i32) -> Self;
}

impl IntValue for bool {
    fn to_int(self) -> Result<i32> {
        Ok(i32::from(self))
    }
    fn from_int(v: i32) -> bool {
        v != 0
    }
}

impl IntValue for u32 {
    /// `EINVAL` above `i32::MAX`, which the kernel would read as negative.
    fn to_int(self) -> Result<i32> {
        i32::try_from(self).map_err(|_| Errno::EINVAL)
    }
    fn from_int(v: i32) -> u32 {
        v as u32
    }
}

impl IntValue for i32 {
    fn to_int(self) -> Result<i32> {
        Ok(self)
    }
    fn from_int(v: i32) -> i32 {
        v
    }
}

impl IntValue for u8 {
    fn to_int(self) -> Result<i32> {
        Ok(i32::from(self))
    }
    fn from_int(v: i32) -> u8 {
        v as u8
    }
}

/// A typed `int` option: a getter and a setter, documented from one description.
macro_rules! int_option {
    ($(
        $summary:literal, $ty:ty, $get:ident, $set:ident,
        $level:expr, $lname:literal, $name:ident = $alias:literal, $man:literal, $errors:literal;
    )*) => {$(
        #[doc = concat!("`getsockopt(fd, ", $lname, ", ", stringify!($name), ")` — ", $summary)]
        ///
        /// # Errors
        #[doc = concat!("`ENOTSOCK`, `EBADF`", $errors, ".")]
        ///
        /// # References
        #[doc = concat!("`man 7 ", $man, "`. Go: `syscall.GetsockoptInt(fd, ", $lname, ", ",
            stringify!($name), ")`.")]
        #[doc(alias = $alias)]
        #[inline]
        pub fn $get(fd: impl AsFd) -> Result<$ty> {
            getsockopt_int(fd, $level, n::$name).map(<$ty>::from_int)
        }

        #[doc = concat!("`setsockopt(fd, ", $lname, ", ", stringify!($name), ", value)` — sets ",
            "what [`", stringify!($get), "`] reads.")]
        ///
        /// # Errors
        #[doc = concat!("`EINVAL` (a value out of range), `ENOTSOCK`, `EBADF`", $errors, ".")]
        ///
        /// # References
        #[doc = concat!("`man 7 ", $man, "`. Go: `syscall.SetsockoptInt(fd, ", $lname, ", ",
            stringify!($name), ", value)`.")]
        #[doc(alias = $alias)]
        #[inline]
        pub fn $set(fd: impl AsFd, value: $ty) -> Result<()> {
            setsockopt_int(fd, $level, n::$name, value.to_int()?)
        }
    )*};
}

int_option! {
    "whether a bind may reuse a local address still in `TIME_WAIT` (TCP) or shared with \
     other sockets that set it (UDP).", bool, get_reuseaddr, set_reuseaddr,
    SOL_SOCKET, "SOL_SOCKET", SO_REUSEADDR = "SO_REUSEADDR", "socket", "";
    "whether several sockets may bind the same address and port, the kernel spreading \
     connections or datagrams over them (all must set it, with the same effective uid).",
    bool, get_reuseport, set_reuseport,
    SOL_SOCKET, "SOL_SOCKET", SO_REUSEPORT = "SO_REUSEPORT", "socket", "";
    "whether TCP sends keepalive probes on an idle connection (see `TCP_KEEPIDLE`).",
    bool, get_keepalive, set_keepalive,
    SOL_SOCKET, "SOL_SOCKET", SO_KEEPALIVE = "SO_KEEPALIVE", "socket", "";
    "whether a datagram socket may send to a broadcast address (else `EACCES`).",
    bool, get_broadcast, set_broadcast,
    SOL_SOCKET, "SOL_SOCKET", SO_BROADCAST = "SO_BROADCAST", "socket", "";
    "whether a Unix socket receives `SCM_CREDENTIALS` with each message.",
    bool, get_passcred, set_passcred,
    SOL_SOCKET, "SOL_SOCKET", SO_PASSCRED = "SO_PASSCRED", "unix", "";
    "the receive buffer size in bytes. The kernel doubles the value set (for its \
     bookkeeping), and the getter returns the doubled value; the minimum is 2304 \
     (the default cap is `net.core.rmem_max`).", u32, get_rcvbuf, set_rcvbuf,
    SOL_SOCKET, "SOL_SOCKET", SO_RCVBUF = "SO_RCVBUF", "socket", "";
    "the send buffer size in bytes; doubled by the kernel as for `SO_RCVBUF` (minimum \
     4608, cap `net.core.wmem_max`).", u32, get_sndbuf, set_sndbuf,
    SOL_SOCKET, "SOL_SOCKET", SO_SNDBUF = "SO_SNDBUF", "socket", "";
    "whether small segments are sent at once, without Nagle's coalescing.",
    bool, get_tcp_nodelay, set_tcp_nodelay,
    SOL_TCP, "IPPROTO_TCP", TCP_NODELAY = "TCP_NODELAY", "tcp", ", `ENOPROTOOPT` (not a TCP socket)";
    "seconds of idleness before TCP sends keepalive probes (with `SO_KEEPALIVE`); 1 to \
     32767.", u32, get_tcp_keepidle, set_tcp_keepidle,
    SOL_TCP, "IPPROTO_TCP", TCP_KEEPIDLE = "TCP_KEEPIDLE", "tcp", ", `ENOPROTOOPT` (not a TCP socket)";
    "seconds between keepalive probes; 1 to 32767.", u32, get_tcp_keepintvl, set_tcp_keepintvl,
    SOL_TCP, "IPPROTO_TCP", TCP_KEEPINTVL = "TCP_KEEPINTVL", "tcp", ", `ENOPROTOOPT` (not a TCP socket)";
    "how many unanswered keepalive probes drop the connection; 1 to 127.",
    u32, get_tcp_keepcnt, set_tcp_keepcnt,
    SOL_TCP, "IPPROTO_TCP", TCP_KEEPCNT = "TCP_KEEPCNT", "tcp", ", `ENOPROTOOPT` (not a TCP socket)";
    "milliseconds that sent data may stay unacknowledged before the connection is dropped \
     (0: the system default).", u32, get_tcp_user_timeout, set_tcp_user_timeout,
    SOL_TCP, "IPPROTO_TCP", TCP_USER_TIMEOUT = "TCP_USER_TIMEOUT", "tcp", ", `ENOPROTOOPT` (not a TCP socket)";
    "the time-to-live of outgoing IPv4 unicast packets, 1 to 255 (-1 to set: the route's \
     default; not expressible here, use `setsockopt_int`).", u32, get_ip_ttl, set_ip_ttl,
    SOL_IP, "IPPROTO_IP", IP_TTL = "IP_TTL", "ip", ", `ENOPROTOOPT` (not an IPv4 socket)";
    "the type-of-service byte (DSCP and ECN) of outgoing IPv4 packets.",
    u8, get_ip_tos, set_ip_tos,
    SOL_IP, "IPPROTO_IP", IP_TOS = "IP_TOS", "ip", ", `ENOPROTOOPT` (not an IPv4 socket)";
    "the time-to-live of outgoing IPv4 multicast packets (default 1: this network only).",
    u32, get_ip_multicast_ttl, set_ip_multicast_ttl,
    SOL_IP, "IPPROTO_IP", IP_MULTICAST_TTL = "IP_MULTICAST_TTL", "ip", ", `ENOPROTOOPT` (not an IPv4 socket)";
    "whether IPv4 multicast sent from this socket loops back to local listeners (default \
     on).", bool, get_ip_multicast_loop, set_ip_multicast_loop,
    SOL_IP, "IPPROTO_IP", IP_MULTICAST_LOOP = "IP_MULTICAST_LOOP", "ip", ", `ENOPROTOOPT` (not an IPv4 socket)";
    "whether an `AF_INET6` socket is restricted to IPv6 (else it also takes IPv4 through \
     mapped addresses, `::ffff:a.b.c.d`). Set it before `bind`.",
    bool, get_ipv6_v6only, set_ipv6_v6only,
    SOL_IPV6, "IPPROTO_IPV6", IPV6_V6ONLY = "IPV6_V6ONLY", "ipv6", ", `ENOPROTOOPT` (not an IPv6 socket)";
    "the interface index outgoing IPv6 multicast uses (0: the kernel chooses).",
    u32, get_ipv6_multicast_if, set_ipv6_multicast_if,
    SOL_IPV6, "IPPROTO_IPV6", IPV6_MULTICAST_IF = "IPV6_MULTICAST_IF", "ipv6", ", `ENOPROTOOPT` (not an IPv6 socket)";
    "the hop limit of outgoing IPv6 multicast packets (-1 to set: the default, 1).",
    i32, get_ipv6_multicast_hops, set_ipv6_multicast_hops,
    SOL_IPV6, "IPPROTO_IPV6", IPV6_MULTICAST_HOPS = "IPV6_MULTICAST_HOPS", "ipv6", ", `ENOPROTOOPT` (not an IPv6 socket)";
    "whether IPv6 multicast sent from this socket loops back to local listeners.",
    bool, get_ipv6_multicast_loop, set_ipv6_multicast_loop,
    SOL_IPV6, "IPPROTO_IPV6", IPV6_MULTICAST_LOOP = "IPV6_MULTICAST_LOOP", "ipv6", ", `ENOPROTOOPT` (not an IPv6 socket)";
    "the hop limit of outgoing IPv6 unicast packets (-1 to set: the route's default).",
    i32, get_ipv6_unicast_hops, set_ipv6_unicast_hops,
    SOL_IPV6, "IPPROTO_IPV6", IPV6_UNICAST_HOPS = "IPV6_UNICAST_HOPS", "ipv6", ", `ENOPROTOOPT` (not an IPv6 socket)";
}

/// `getsockopt(fd, SOL_SOCKET, SO_LINGER)` — how `close` treats unsent data: `None` (the
/// default: close returns at once, the kernel sends in the background) or `Some(secs)`
/// (close blocks up to that long; `Some(0)` resets the connection).
///
/// # Errors
/// `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 7 socket`. Go: `syscall.SetsockoptLinger` (set only).
#[doc(alias = "SO_LINGER")]
#[inline]
pub fn get_linger(fd: impl AsFd) -> Result<Option<u32>> {
    let mut b = [0u8; size_of::<linger>()];
    getsockopt_into(fd, SOL_SOCKET, n::SO_LINGER, &mut b)?;
    let on = i32::from_ne_bytes(bytes_at(&b, offset_of!(linger, l_onoff)));
    let secs = i32::from_ne_bytes(bytes_at(&b, offset_of!(linger, l_linger)));
    Ok((on != 0).then_some(secs.max(0) as u32))
}

/// `setsockopt(fd, SOL_SOCKET, SO_LINGER, l)` — sets what [`get_linger`] reads.
///
/// # Errors
/// `EINVAL` (more than `i32::MAX` seconds), `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 7 socket`. Go: `syscall.SetsockoptLinger`.
#[doc(alias = "SO_LINGER")]
#[inline]
pub fn set_linger(fd: impl AsFd, secs: Option<u32>) -> Result<()> {
    let l = match secs {
        None => Linger::default(),
        Some(s) => Linger {
            onoff: 1,
            linger: s.to_int()?,
        },
    };
    // SAFETY: SO_LINGER reads a `struct linger` and writes no user memory.
    unsafe { setsockopt_bytes(fd, SOL_SOCKET, n::SO_LINGER, &l.to_bytes()) }
}

/// `getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO)` — how long a blocking receive waits before
/// `EAGAIN`; `None`: forever (the default).
///
/// # Errors
/// `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 7 socket`. Go: `unix.GetsockoptTimeval(fd, SOL_SOCKET, SO_RCVTIMEO)`.
#[doc(alias = "SO_RCVTIMEO")]
#[inline]
pub fn get_rcvtimeo(fd: impl AsFd) -> Result<Option<Duration>> {
    getsockopt_timeval(fd, SOL_SOCKET, n::SO_RCVTIMEO).and_then(timeout_of)
}

/// `setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv)` — sets what [`get_rcvtimeo`] reads
/// (microsecond resolution; a nonzero duration below 1 µs is 1 µs, not "forever").
///
/// # Errors
/// `EINVAL` (more than `i64::MAX` seconds), `EDOM`, `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 7 socket`. Go: `syscall.SetsockoptTimeval(fd, SOL_SOCKET, SO_RCVTIMEO, tv)`.
#[doc(alias = "SO_RCVTIMEO")]
#[inline]
pub fn set_rcvtimeo(fd: impl AsFd, timeout: Option<Duration>) -> Result<()> {
    let b = timeval_bytes(timeout)?;
    // SAFETY: SO_RCVTIMEO reads a `struct timeval` and writes no user memory.
    unsafe { setsockopt_bytes(fd, SOL_SOCKET, n::SO_RCVTIMEO, &b) }
}

/// `getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO)` — how long a blocking send waits for room
/// before `EAGAIN` (or a partial count); `None`: forever.
///
/// # Errors
/// `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 7 socket`. Go: `unix.GetsockoptTimeval(fd, SOL_SOCKET, SO_SNDTIMEO)`.
#[doc(alias = "SO_SNDTIMEO")]
#[inline]
pub fn get_sndtimeo(fd: impl AsFd) -> Result<Option<Duration>> {
    getsockopt_timeval(fd, SOL_SOCKET, n::SO_SNDTIMEO).and_then(timeout_of)
}

/// `setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, tv)` — sets what [`get_sndtimeo`] reads.
///
/// # Errors
/// As [`set_rcvtimeo`].
///
/// # References
/// `man 7 socket`. Go: `syscall.SetsockoptTimeval(fd, SOL_SOCKET, SO_SNDTIMEO, tv)`.
#[doc(alias = "SO_SNDTIMEO")]
#[inline]
pub fn set_sndtimeo(fd: impl AsFd, timeout: Option<Duration>) -> Result<()> {
    let b = timeval_bytes(timeout)?;
    // SAFETY: SO_SNDTIMEO reads a `struct timeval` and writes no user memory.
    unsafe { setsockopt_bytes(fd, SOL_SOCKET, n::SO_SNDTIMEO, &b) }
}

/// `getsockopt(fd, SOL_SOCKET, SO_ERROR)` — takes the socket's pending error (clearing it):
/// `None` if there is none. How a non-blocking `connect` reports its outcome once the socket
/// is writable.
///
/// # Errors
/// `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 7 socket`, `man 2 connect`. Go: `syscall.GetsockoptInt(fd, SOL_SOCKET, SO_ERROR)`.
#[doc(alias = "SO_ERROR")]
#[inline]
pub fn get_error(fd: impl AsFd) -> Result<Option<Errno>> {
    let e = getsockopt_int(fd, SOL_SOCKET, n::SO_ERROR)?;
    Ok(u16::try_from(e)
        .ok()
        .filter(|e| *e != 0)
        .map(Errno::from_raw))
}

/// `getsockopt(fd, SOL_SOCKET, SO_TYPE)` — the socket's type.
///
/// # Errors
/// `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 7 socket`. Go: `syscall.GetsockoptInt(fd, SOL_SOCKET, SO_TYPE)`.
#[doc(alias = "SO_TYPE")]
#[inline]
pub fn get_type(fd: impl AsFd) -> Result<SocketType> {
    getsockopt_int(fd, SOL_SOCKET, n::SO_TYPE).map(|t| SocketType::from_raw(t as u32))
}

/// `getsockopt(fd, SOL_SOCKET, SO_DOMAIN)` — the socket's address family.
///
/// # Errors
/// `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 7 socket`. Go: `syscall.GetsockoptInt(fd, SOL_SOCKET, SO_DOMAIN)`.
#[doc(alias = "SO_DOMAIN")]
#[inline]
pub fn get_domain(fd: impl AsFd) -> Result<AddressFamily> {
    getsockopt_int(fd, SOL_SOCKET, n::SO_DOMAIN).map(|d| AddressFamily::from_raw(d as u16))
}

/// `getsockopt(fd, SOL_SOCKET, SO_PROTOCOL)` — the socket's protocol.
///
/// # Errors
/// `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 7 socket`. Go: `syscall.GetsockoptInt(fd, SOL_SOCKET, SO_PROTOCOL)`.
#[doc(alias = "SO_PROTOCOL")]
#[inline]
pub fn get_protocol(fd: impl AsFd) -> Result<Protocol> {
    getsockopt_int(fd, SOL_SOCKET, n::SO_PROTOCOL).map(|p| Protocol::from_raw(p as u32))
}

/// `getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN)` — whether the socket is listening.
///
/// # Errors
/// `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 7 socket`. Go: `syscall.GetsockoptInt(fd, SOL_SOCKET, SO_ACCEPTCONN)`.
#[doc(alias = "SO_ACCEPTCONN")]
#[inline]
pub fn get_acceptconn(fd: impl AsFd) -> Result<bool> {
    getsockopt_int(fd, SOL_SOCKET, n::SO_ACCEPTCONN).map(bool::from_int)
}

/// `getsockopt(fd, SOL_SOCKET, SO_PEERCRED)` — the credentials of the peer of a connected
/// Unix socket, as they were when it connected (or, for a socketpair, was created).
///
/// # Errors
/// `ENOTSOCK`, `EBADF`. On a socket that is not a connected Unix one the kernel returns
/// pid 0 and uid/gid `u32::MAX` rather than an error.
///
/// # References
/// `man 7 unix`. Go: `syscall.GetsockoptUcred(fd, SOL_SOCKET, SO_PEERCRED)`.
#[doc(alias = "SO_PEERCRED")]
#[inline]
pub fn get_peercred(fd: impl AsFd) -> Result<Ucred> {
    getsockopt_ucred(fd, SOL_SOCKET, n::SO_PEERCRED)
}

/// `setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name)` — restricts the socket to one network
/// interface (`b"lo"`); an empty name removes the restriction. Needs `CAP_NET_RAW` unless
/// the socket is already bound to that device.
///
/// # Errors
/// `EINVAL` (a name of 16 bytes or more: `IFNAMSIZ` counts the NUL), `ENODEV` (no such
/// interface), `EPERM`, `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 7 socket`. Go: `syscall.BindToDevice`.
#[doc(alias = "SO_BINDTODEVICE")]
#[doc(alias = "BindToDevice")]
#[inline]
pub fn set_bindtodevice(fd: impl AsFd, name: &[u8]) -> Result<()> {
    const IFNAMSIZ: usize = n::IFNAMSIZ as usize;
    if name.len() >= IFNAMSIZ || name.contains(&0) {
        return Err(Errno::EINVAL);
    }
    let mut b = [0u8; IFNAMSIZ];
    b[..name.len()].copy_from_slice(name);
    // SAFETY: SO_BINDTODEVICE reads an interface name (at most IFNAMSIZ bytes) and writes no
    // user memory.
    unsafe { setsockopt_bytes(fd, SOL_SOCKET, n::SO_BINDTODEVICE, &b[..=name.len()]) }
}

/// `getsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE)` — the interface the socket is bound to,
/// copied into `buf` (16 bytes hold any name); returns the name's length (0: none).
///
/// # Errors
/// `EINVAL` (`buf` shorter than the name and its NUL), `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 7 socket`. Go: `unix.GetsockoptString(fd, SOL_SOCKET, SO_BINDTODEVICE)`.
#[doc(alias = "SO_BINDTODEVICE")]
#[inline]
pub fn get_bindtodevice(fd: impl AsFd, buf: &mut [u8]) -> Result<usize> {
    let len = getsockopt_into(fd, SOL_SOCKET, n::SO_BINDTODEVICE, buf)?;
    let got = buf.get(..len).unwrap_or(buf);
    Ok(got.iter().position(|&c| c == 0).unwrap_or(got.len()))
}

/// `getsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF)` — the local address outgoing IPv4
/// multicast is sent from (`0.0.0.0`: the kernel chooses).
///
/// # Errors
/// `ENOPROTOOPT` (not an IPv4 socket), `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 7 ip`. Go: `syscall.GetsockoptInet4Addr(fd, IPPROTO_IP, IP_MULTICAST_IF)`.
#[doc(alias = "IP_MULTICAST_IF")]
#[inline]
pub fn get_ip_multicast_if(fd: impl AsFd) -> Result<Ipv4Addr> {
    getsockopt_inet4addr(fd, SOL_IP, n::IP_MULTICAST_IF)
}

/// `setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, addr)` — sets what [`get_ip_multicast_if`]
/// reads.
///
/// # Errors
/// `EADDRNOTAVAIL` (not a local address), `ENOPROTOOPT`, `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 7 ip`. Go: `syscall.SetsockoptInet4Addr(fd, IPPROTO_IP, IP_MULTICAST_IF, addr)`.
#[doc(alias = "IP_MULTICAST_IF")]
#[inline]
pub fn set_ip_multicast_if(fd: impl AsFd, addr: Ipv4Addr) -> Result<()> {
    setsockopt_inet4addr(fd, SOL_IP, n::IP_MULTICAST_IF, addr)
}

/// `setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq)` — joins the IPv4 multicast group
/// `group` on the interface with address `interface` (`0.0.0.0`: the kernel chooses).
///
/// # Errors
/// `EINVAL` (not a multicast address), `EADDRINUSE` (already a member), `ENODEV` (no such
/// interface), `ENOBUFS` (too many groups), `ENOPROTOOPT`, `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 7 ip`. Go: `syscall.SetsockoptIPMreq(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq)`.
#[doc(alias = "IP_ADD_MEMBERSHIP")]
#[inline]
pub fn set_ip_add_membership(fd: impl AsFd, group: Ipv4Addr, interface: Ipv4Addr) -> Result<()> {
    let m = IpMreq {
        multiaddr: group,
        interface,
    };
    // SAFETY: IP_ADD_MEMBERSHIP reads a `struct ip_mreq` and writes no user memory.
    unsafe { setsockopt_bytes(fd, SOL_IP, n::IP_ADD_MEMBERSHIP, &m.to_bytes()) }
}

/// `setsockopt(fd, IPPROTO_IP, IP_DROP_MEMBERSHIP, mreq)` — leaves a group joined with
/// [`set_ip_add_membership`].
///
/// # Errors
/// `EADDRNOTAVAIL` (not a member), `ENOPROTOOPT`, `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 7 ip`. Go: `syscall.SetsockoptIPMreq(fd, IPPROTO_IP, IP_DROP_MEMBERSHIP, mreq)`.
#[doc(alias = "IP_DROP_MEMBERSHIP")]
#[inline]
pub fn set_ip_drop_membership(fd: impl AsFd, group: Ipv4Addr, interface: Ipv4Addr) -> Result<()> {
    let m = IpMreq {
        multiaddr: group,
        interface,
    };
    // SAFETY: IP_DROP_MEMBERSHIP reads a `struct ip_mreq` and writes no user memory.
    unsafe { setsockopt_bytes(fd, SOL_IP, n::IP_DROP_MEMBERSHIP, &m.to_bytes()) }
}

/// `setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, mreq)` — joins the IPv6 multicast group
/// `group` on interface index `ifindex` (0: the kernel chooses). `IPV6_JOIN_GROUP` is
/// `IPV6_ADD_MEMBERSHIP`.
///
/// # Errors
/// `EINVAL` (not a multicast address), `EADDRINUSE`, `ENODEV`, `ENOPROTOOPT`, `ENOTSOCK`,
/// `EBADF`.
///
/// # References
/// `man 7 ipv6`. Go: `syscall.SetsockoptIPv6Mreq(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, mreq)`.
#[doc(alias = "IPV6_JOIN_GROUP")]
#[doc(alias = "IPV6_ADD_MEMBERSHIP")]
#[inline]
pub fn set_ipv6_join_group(fd: impl AsFd, group: Ipv6Addr, ifindex: u32) -> Result<()> {
    let m = Ipv6Mreq {
        multiaddr: group,
        interface: ifindex,
    };
    // SAFETY: IPV6_ADD_MEMBERSHIP reads a `struct ipv6_mreq` and writes no user memory.
    unsafe { setsockopt_bytes(fd, SOL_IPV6, n::IPV6_ADD_MEMBERSHIP, &m.to_bytes()) }
}

/// `setsockopt(fd, IPPROTO_IPV6, IPV6_LEAVE_GROUP, mreq)` — leaves a group joined with
/// [`set_ipv6_join_group`] (`IPV6_DROP_MEMBERSHIP`).
///
/// # Errors
/// `EADDRNOTAVAIL` (not a member), `ENOPROTOOPT`, `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 7 ipv6`. Go: `syscall.SetsockoptIPv6Mreq(fd, IPPROTO_IPV6, IPV6_LEAVE_GROUP, mreq)`.
#[doc(alias = "IPV6_LEAVE_GROUP")]
#[doc(alias = "IPV6_DROP_MEMBERSHIP")]
#[inline]
pub fn set_ipv6_leave_group(fd: impl AsFd, group: Ipv6Addr, ifindex: u32) -> Result<()> {
    let m = Ipv6Mreq {
        multiaddr: group,
        interface: ifindex,
    };
    // SAFETY: IPV6_DROP_MEMBERSHIP reads a `struct ipv6_mreq` and writes no user memory.
    unsafe { setsockopt_bytes(fd, SOL_IPV6, n::IPV6_DROP_MEMBERSHIP, &m.to_bytes()) }
}

/// `struct tcp_info`: a TCP connection's state and counters, as [`get_tcp_info`] returns
/// it. A few fields have accessors; [`raw`](Self::raw) gives all of them.
///
/// Go: `unix.TCPInfo` (x/sys/unix).
#[doc(alias = "TCPInfo")]
#[derive(Copy, Clone)]
pub struct TcpInfo {
    raw: tcp_info,
    len: usize,
}

impl TcpInfo {
    /// `tcpi_state`: the `TCP_*` state (1 is `TCP_ESTABLISHED`, 10 `TCP_LISTEN`).
    pub fn state(&self) -> u8 {
        self.raw.tcpi_state
    }
    /// `tcpi_rtt`: the smoothed round-trip time, microseconds.
    pub fn rtt(&self) -> u32 {
        self.raw.tcpi_rtt
    }
    /// `tcpi_snd_mss`: the sender's maximum segment size.
    pub fn snd_mss(&self) -> u32 {
        self.raw.tcpi_snd_mss
    }
    /// `tcpi_total_retrans`: retransmitted segments over the connection's life.
    pub fn total_retrans(&self) -> u32 {
        self.raw.tcpi_total_retrans
    }
    /// How many bytes the kernel filled (older kernels fill a prefix; later fields are 0).
    pub fn len(&self) -> usize {
        self.len
    }
    /// Whether the kernel filled nothing.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// The kernel's struct.
    pub fn raw(&self) -> &tcp_info {
        &self.raw
    }
}

impl core::fmt::Debug for TcpInfo {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TcpInfo")
            .field("state", &self.state())
            .field("rtt", &self.rtt())
            .field("snd_mss", &self.snd_mss())
            .field("total_retrans", &self.total_retrans())
            .finish_non_exhaustive()
    }
}

/// `GetsockoptTCPInfo(fd, level, name)` — a `struct tcp_info` option (`TCP_INFO`).
///
/// # Errors
/// As [`getsockopt_int`].
///
/// # References
/// `man 7 tcp`. Go: `unix.GetsockoptTCPInfo` (x/sys/unix).
#[doc(alias = "GetsockoptTCPInfo")]
#[inline]
pub fn getsockopt_tcp_info(fd: impl AsFd, level: u32, name: u32) -> Result<TcpInfo> {
    let mut b = [0u8; size_of::<tcp_info>()];
    let len = getsockopt_into(fd, level, name, &mut b)?;
    // SAFETY: `tcp_info` is plain integers (its bitfield unit is bytes): every bit pattern,
    // here the kernel's bytes and zeros, is a valid value; `b` has exactly its size.
    let raw: tcp_info = unsafe { core::mem::transmute(b) };
    Ok(TcpInfo {
        raw,
        len: len.min(size_of::<tcp_info>()),
    })
}

/// `getsockopt(fd, IPPROTO_TCP, TCP_INFO)` — the connection's state and counters.
///
/// # Errors
/// `ENOPROTOOPT` (not a TCP socket), `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 7 tcp`. Go: `unix.GetsockoptTCPInfo(fd, IPPROTO_TCP, TCP_INFO)`.
#[doc(alias = "TCP_INFO")]
#[inline]
pub fn get_tcp_info(fd: impl AsFd) -> Result<TcpInfo> {
    getsockopt_tcp_info(fd, SOL_TCP, n::TCP_INFO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_encodings() {
        assert_eq!(size_of::<linger>(), 8);
        assert_eq!(
            Linger {
                onoff: 1,
                linger: 5
            }
            .to_bytes()[4..],
            5i32.to_ne_bytes()
        );
        let m = IpMreq {
            multiaddr: Ipv4Addr::new(224, 0, 0, 1),
            interface: Ipv4Addr::LOCALHOST,
        };
        assert_eq!(m.to_bytes(), [224, 0, 0, 1, 127, 0, 0, 1]);
        assert_eq!(IpMreq::from_bytes(&m.to_bytes()), m);
        let m6 = Ipv6Mreq {
            multiaddr: "ff02::1".parse().unwrap(),
            interface: 3,
        };
        assert_eq!(Ipv6Mreq::from_bytes(&m6.to_bytes()), m6);
        assert_eq!(m6.to_bytes().len(), 20);
        let mn = IpMreqn {
            multiaddr: Ipv4Addr::new(239, 1, 2, 3),
            address: Ipv4Addr::UNSPECIFIED,
            ifindex: 1,
        };
        assert_eq!(IpMreqn::from_bytes(&mn.to_bytes()), mn);
        let tv = timeval_bytes(Some(Duration::new(3, 500_000_123))).unwrap();
        assert_eq!(
            (&tv[..8], &tv[8..]),
            (&3i64.to_ne_bytes()[..], &500_000i64.to_ne_bytes()[..])
        );
        let tiny = timeval_bytes(Some(Duration::from_nanos(1))).unwrap();
        assert_eq!(tiny[8..], 1i64.to_ne_bytes());
        assert_eq!(timeval_bytes(None).unwrap(), [0; 16]);
        assert_eq!(timeval_bytes(Some(Duration::MAX)), Err(Errno::EINVAL));
        assert_eq!(u32::MAX.to_int(), Err(Errno::EINVAL));
    }
}
