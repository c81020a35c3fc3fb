//! UDP over loopback: sendto/recvfrom with exact addresses, truncation with and without
//! MSG_TRUNC (R41), connected datagram sockets (ECONNREFUSED from an ICMP refusal, AF_UNSPEC
//! to dissolve), sendmmsg/recvmmsg, IPv6, and the multicast and broadcast options (set and
//! read back only: nothing is sent to a non-loopback address).
#![no_std]
#![no_main]

use core::net::{Ipv4Addr, Ipv6Addr, SocketAddrV6};
use core::time::Duration;

use sysrt::Errno;
use sysrt::fd::OwnedFd;
use sysrt::io::{IoSlice, IoSliceMut};
use sysrt::net::{
    self, AddressFamily, Cmsgs, Protocol, RecvFlags, RecvMmsg, SendFlags, SendMmsg, SockAddr,
    SockAddrStorage, SocketType, sockopt,
};
use sysrt_tests::sock::{port, v4, v6};
use sysrt_tests::util::{FdBaseline, has_cap, under_qemu};
use sysrt_tests::{Tests, check};

const PLAN: usize = 39;
const QEMU_MULTICAST_IF: &str = "QEMU: its setsockopt/getsockopt translation does not know IP_MULTICAST_IF or \
     IPV6_MULTICAST_IF (ENOPROTOOPT)";

/// Blocking receives give up (`EAGAIN`) after 10 s (loopback queues a datagram within the
/// sending call, so that is generous even under emulation): a datagram that never comes (no
/// loopback: `lo` down in a fresh network namespace) fails its case instead of hanging.
fn udp(family: AddressFamily) -> Result<OwnedFd, Errno> {
    let s = net::socket(family, SocketType::DGRAM, Protocol::DEFAULT)?;
    sockopt::set_rcvtimeo(&s, Some(Duration::from_secs(10)))?;
    Ok(s)
}

/// A UDP socket bound to an ephemeral loopback port, with its address.
fn bound(addr: &SockAddr) -> Result<(OwnedFd, SockAddr), Errno> {
    let s = udp(addr.family())?;
    net::bind(&s, addr)?;
    let a = net::getsockname(&s)?;
    Ok((s, a))
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();

    round_trip(&mut t);
    truncation(&mut t);
    connected(&mut t);
    batched(&mut t);
    ipv6(&mut t);
    options(&mut t);

    baseline.check(&mut t);
    t.finish()
}

fn round_trip(t: &mut Tests) {
    let (Ok((server, saddr)), Ok(client)) = (bound(&v4(0)), udp(AddressFamily::INET)) else {
        check!(t, "udp_fixture", false, true);
        return;
    };
    check!(
        t,
        "udp_sendto_loopback",
        net::sendto(&client, b"hello udp", SendFlags::empty(), &saddr),
        Ok(9)
    );
    let caddr = net::getsockname(&client);
    check!(
        t,
        "udp_sender_autobound_to_loopback_port",
        caddr.as_ref().map(|a| port(a) != 0),
        Ok(true)
    );
    let mut buf = [0u8; 64];
    // The sender is bound to 0.0.0.0:port; its datagram comes from 127.0.0.1:port.
    let cport = caddr.as_ref().map_or(0, port);
    check!(
        t,
        "udp_recvfrom_gives_sender_address",
        net::recvfrom(&server, &mut buf, RecvFlags::empty()),
        Ok((9, Some(v4(cport))))
    );
    check!(t, "udp_payload", &buf[..9], b"hello udp");
    if let Ok(caddr) = &caddr {
        let _ = net::sendto(&server, b"reply", SendFlags::empty(), caddr);
    }
    check!(
        t,
        "udp_reply_from_server_address",
        net::recvfrom(&client, &mut buf, RecvFlags::empty()),
        Ok((5, Some(saddr.clone())))
    );
    check!(
        t,
        "udp_send_unconnected_edestaddrreq",
        net::send(&client, b"x", SendFlags::empty()),
        Err(Errno::EDESTADDRREQ)
    );
    let mut huge = [0u8; 70_000];
    huge[0] = 1;
    check!(
        t,
        "udp_datagram_over_65507_bytes_emsgsize",
        net::sendto(&client, &huge, SendFlags::empty(), &saddr),
        Err(Errno::EMSGSIZE)
    );
}

/// R41: a 15-byte datagram read into a 5-byte buffer.
fn truncation(t: &mut Tests) {
    let (Ok((server, saddr)), Ok(client)) = (bound(&v4(0)), udp(AddressFamily::INET)) else {
        check!(t, "truncation_fixture", false, true);
        return;
    };
    let send = || net::sendto(&client, b"fifteen bytes!!", SendFlags::empty(), &saddr);
    let mut five = [0u8; 5];
    let _ = send();
    check!(
        t,
        "recv_15_bytes_into_5_truncates",
        (net::recv(&server, &mut five, RecvFlags::empty()), &five),
        (Ok(5), b"fifte")
    );
    let _ = send();
    check!(
        t,
        "recv_with_msg_trunc_returns_real_length_15",
        (net::recv(&server, &mut five, RecvFlags::TRUNC), &five),
        (Ok(15), b"fifte")
    );
    let _ = send();
    let mut ctl = [0u8; 0];
    let got = {
        let mut iov = [IoSliceMut::new(&mut five)];
        net::recvmsg(&server, &mut iov, &mut ctl, RecvFlags::empty()).map(|m| (m.bytes, m.flags))
    };
    check!(
        t,
        "recvmsg_reports_msg_trunc_flag",
        got,
        Ok((5, RecvFlags::TRUNC))
    );
    // Nothing of the truncated datagrams is left over.
    check!(
        t,
        "truncated_rest_is_discarded",
        net::recv(&server, &mut five, RecvFlags::DONTWAIT),
        Err(Errno::EAGAIN)
    );
}

fn connected(t: &mut Tests) {
    let (Ok((server, saddr)), Ok(client)) = (bound(&v4(0)), udp(AddressFamily::INET)) else {
        check!(t, "connected_fixture", false, true);
        return;
    };
    check!(t, "udp_connect", net::connect(&client, &saddr), Ok(()));
    check!(
        t,
        "udp_connected_getpeername",
        net::getpeername(&client),
        Ok(saddr.clone())
    );
    let mut buf = [0u8; 16];
    check!(
        t,
        "udp_connected_send_and_recv",
        (
            net::send(&client, b"conn", SendFlags::empty()),
            net::recv(&server, &mut buf, RecvFlags::empty())
        ),
        (Ok(4), Ok(4))
    );
    check!(
        t,
        "connect_af_unspec_dissolves",
        (net::connect_unspec(&client), net::getpeername(&client)),
        (Ok(()), Err(Errno::ENOTCONN))
    );
    // A port bound by nobody: the kernel answers the datagram with an ICMP port unreachable,
    // which a connected socket reports as ECONNREFUSED.
    let closed = bound(&v4(0)).map(|(s, a)| {
        drop(s);
        a
    });
    let refused = closed.and_then(|addr| {
        net::connect(&client, &addr)?;
        net::send(&client, b"anyone?", SendFlags::empty())?;
        let _ = sockopt::set_rcvtimeo(&client, Some(Duration::from_secs(5)));
        net::recv(&client, &mut buf, RecvFlags::empty())
    });
    check!(
        t,
        "connected_udp_to_closed_port_econnrefused",
        refused,
        Err(Errno::ECONNREFUSED)
    );
}

fn batched(t: &mut Tests) {
    let (Ok((server, saddr)), Ok((client, caddr))) = (bound(&v4(0)), bound(&v4(0))) else {
        check!(t, "mmsg_fixture", false, true);
        return;
    };
    let to = saddr.to_storage();
    let bufs = [
        [IoSlice::new(b"one")],
        [IoSlice::new(b"two!")],
        [IoSlice::new(b"three")],
    ];
    let mut msgs = [
        SendMmsg::new(&bufs[0]).with_addr(&to),
        SendMmsg::new(&bufs[1]).with_addr(&to),
        SendMmsg::new(&bufs[2])
            .with_addr(&to)
            .with_control(Cmsgs::NONE),
    ];
    check!(
        t,
        "sendmmsg_three_datagrams",
        (
            net::sendmmsg(&client, &mut msgs, SendFlags::empty()),
            [msgs[0].sent(), msgs[1].sent(), msgs[2].sent()]
        ),
        (Ok(3), [3, 4, 5])
    );
    let (mut b0, mut b1, mut b2) = ([0u8; 8], [0u8; 8], [0u8; 8]);
    let (mut a0, mut a1, mut a2) = (
        SockAddrStorage::new(),
        SockAddrStorage::new(),
        SockAddrStorage::new(),
    );
    let mut i0 = [IoSliceMut::new(&mut b0)];
    let mut i1 = [IoSliceMut::new(&mut b1)];
    let mut i2 = [IoSliceMut::new(&mut b2)];
    let mut slots = [
        RecvMmsg::new(&mut i0).with_addr(&mut a0),
        RecvMmsg::new(&mut i1).with_addr(&mut a1),
        RecvMmsg::new(&mut i2).with_addr(&mut a2),
    ];
    let n = net::recvmmsg(&server, &mut slots, RecvFlags::WAITFORONE, None);
    let lens = [slots[0].len(), slots[1].len(), slots[2].len()];
    let froms = [slots[0].addr(), slots[1].addr(), slots[2].addr()];
    check!(
        t,
        "recvmmsg_three_datagrams_lengths",
        (n, lens),
        (Ok(3), [3, 4, 5])
    );
    let c = Some(caddr.clone());
    check!(
        t,
        "recvmmsg_sender_addresses",
        froms,
        [c.clone(), c.clone(), c]
    );
    check!(
        t,
        "recvmmsg_payloads",
        (&b0[..3], &b1[..4], &b2[..5]),
        (&b"one"[..], &b"two!"[..], &b"three"[..])
    );
    check!(
        t,
        "recvmmsg_nothing_queued_dontwait_eagain",
        net::recvmmsg(&server, &mut [], RecvFlags::DONTWAIT, None).and_then(|_| {
            let mut b = [0u8; 1];
            let mut i = [IoSliceMut::new(&mut b)];
            net::recvmmsg(
                &server,
                &mut [RecvMmsg::new(&mut i)],
                RecvFlags::DONTWAIT,
                None,
            )
        }),
        Err(Errno::EAGAIN)
    );
}

fn ipv6(t: &mut Tests) {
    let pair = bound(&v6(0)).and_then(|s| udp(AddressFamily::INET6).map(|c| (s, c)));
    let ((server, saddr), client) = match pair {
        Ok(p) => p,
        Err(e @ (Errno::EAFNOSUPPORT | Errno::EADDRNOTAVAIL)) => {
            let why = if e == Errno::EAFNOSUPPORT {
                "no IPv6 in this kernel"
            } else {
                "::1 unavailable here"
            };
            t.skip("udp_ipv6_round_trip_sender_is_loopback", why);
            t.skip("ipv6_multicast_hops_loop_set_then_get", why);
            t.skip("ipv6_multicast_if_set_then_get", why);
            t.skip("ipv6_join_and_leave_non_multicast_group_einval", why);
            t.skip("getsockopt_ipv6_mreq_write_only_option_enoprotoopt", why);
            t.skip("ipv6_pathmtu_connected_mtu_addr_zeroed", why);
            t.skip("icmpv6_filter_set_then_get_on_raw_socket", why);
            return;
        }
        Err(e) => {
            check!(
                t,
                "udp_ipv6_round_trip_sender_is_loopback",
                Err::<(), _>(e),
                Ok(())
            );
            return;
        }
    };
    let _ = net::sendto(&client, b"six", SendFlags::empty(), &saddr);
    let mut buf = [0u8; 8];
    let got = net::recvfrom(&server, &mut buf, RecvFlags::empty()).map(|(n, from)| {
        let from = from.and_then(|f| match f {
            SockAddr::Inet6(a) => Some((*a.ip(), a.scope_id(), a.flowinfo())),
            _ => None,
        });
        (n, from)
    });
    check!(
        t,
        "udp_ipv6_round_trip_sender_is_loopback",
        got,
        Ok((3, Some((Ipv6Addr::LOCALHOST, 0, 0))))
    );
    check!(
        t,
        "ipv6_multicast_hops_loop_set_then_get",
        (
            sockopt::set_ipv6_multicast_hops(&client, 7),
            sockopt::get_ipv6_multicast_hops(&client),
            sockopt::set_ipv6_multicast_loop(&client, false),
            sockopt::get_ipv6_multicast_loop(&client)
        ),
        (Ok(()), Ok(7), Ok(()), Ok(false))
    );
    if under_qemu() {
        t.skip("ipv6_multicast_if_set_then_get", QEMU_MULTICAST_IF);
    } else {
        check!(
            t,
            "ipv6_multicast_if_set_then_get",
            (
                sockopt::set_ipv6_multicast_if(&client, 1),
                sockopt::get_ipv6_multicast_if(&client)
            ),
            (Ok(()), Ok(1))
        );
    }
    check!(
        t,
        "ipv6_join_and_leave_non_multicast_group_einval",
        (
            sockopt::set_ipv6_join_group(&client, Ipv6Addr::LOCALHOST, 0),
            sockopt::set_ipv6_leave_group(&client, Ipv6Addr::LOCALHOST, 0)
        ),
        (Err(Errno::EINVAL), Err(Errno::EINVAL))
    );
    let ip6 = Protocol::IPV6.raw();
    check!(
        t,
        "getsockopt_ipv6_mreq_write_only_option_enoprotoopt",
        sockopt::getsockopt_ipv6_mreq(&client, ip6, linux_raw_sys::net::IPV6_ADD_MEMBERSHIP),
        Err(Errno::ENOPROTOOPT)
    );
    // IPV6_PATHMTU on a connected socket: the loopback path's MTU. The kernel leaves
    // ip6m_addr zeroed here (it fills it only in the IPV6_PATHMTU control message).
    let mtu = net::connect(&client, &saddr).and_then(|()| {
        sockopt::getsockopt_ipv6_mtu_info(&client, ip6, linux_raw_sys::net::IPV6_PATHMTU)
    });
    if under_qemu() {
        t.skip(
            "ipv6_pathmtu_connected_mtu_addr_zeroed",
            "QEMU: IPV6_PATHMTU is not translated (ENOPROTOOPT)",
        );
        let _ = mtu;
    } else {
        check!(
            t,
            "ipv6_pathmtu_connected_mtu_addr_zeroed",
            mtu.map(|m| (m.addr, m.mtu >= 1280)),
            Ok((SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, 0, 0, 0), true))
        );
    }
    // ICMPV6_FILTER needs a raw ICMPv6 socket (CAP_NET_RAW); nothing is sent on it.
    if under_qemu() {
        t.skip(
            "icmpv6_filter_set_then_get_on_raw_socket",
            "QEMU: getsockopt(ICMPV6_FILTER) is not translated (EOPNOTSUPP)",
        );
        return;
    }
    if !has_cap(linux_raw_sys::general::CAP_NET_RAW) {
        t.skip(
            "icmpv6_filter_set_then_get_on_raw_socket",
            "needs CAP_NET_RAW",
        );
        return;
    }
    let raw = net::socket(AddressFamily::INET6, SocketType::RAW, Protocol::ICMPV6);
    let got = raw.map(|r| {
        let mut f = sockopt::Icmpv6Filter {
            data: [u32::MAX; 8],
        };
        f.data[4] = 0xffff_fffe; // pass type 128 (echo request) only
        let lvl = Protocol::ICMPV6.raw();
        // SAFETY: ICMPV6_FILTER reads a struct icmp6_filter and writes no user memory.
        let set = unsafe { sockopt::setsockopt_icmpv6_filter(&r, lvl, sockopt::ICMPV6_FILTER, &f) };
        (
            set,
            sockopt::getsockopt_icmpv6_filter(&r, lvl, sockopt::ICMPV6_FILTER).map(|g| g == f),
        )
    });
    check!(
        t,
        "icmpv6_filter_set_then_get_on_raw_socket",
        got,
        Ok((Ok(()), Ok(true)))
    );
}

fn options(t: &mut Tests) {
    let Ok(s) = udp(AddressFamily::INET) else {
        check!(t, "udp_options_fixture", false, true);
        return;
    };
    check!(
        t,
        "so_broadcast_set_then_get",
        (
            sockopt::get_broadcast(&s),
            sockopt::set_broadcast(&s, true),
            sockopt::get_broadcast(&s)
        ),
        (Ok(false), Ok(()), Ok(true))
    );
    check!(
        t,
        "ip_multicast_ttl_loop_set_then_get",
        (
            sockopt::set_ip_multicast_ttl(&s, 4),
            sockopt::get_ip_multicast_ttl(&s),
            sockopt::set_ip_multicast_loop(&s, false),
            sockopt::get_ip_multicast_loop(&s)
        ),
        (Ok(()), Ok(4), Ok(()), Ok(false))
    );
    if under_qemu() {
        t.skip("ip_multicast_if_loopback_set_then_get", QEMU_MULTICAST_IF);
    } else {
        check!(
            t,
            "ip_multicast_if_loopback_set_then_get",
            (
                sockopt::set_ip_multicast_if(&s, Ipv4Addr::LOCALHOST),
                sockopt::get_ip_multicast_if(&s)
            ),
            (Ok(()), Ok(Ipv4Addr::LOCALHOST))
        );
    }
    check!(
        t,
        "ip_add_membership_non_multicast_group_einval",
        sockopt::set_ip_add_membership(&s, Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "ip_drop_membership_not_a_member_eaddrnotavail",
        sockopt::set_ip_drop_membership(&s, Ipv4Addr::LOCALHOST, Ipv4Addr::LOCALHOST),
        Err(Errno::EADDRNOTAVAIL)
    );
    let (ip, ttl) = (Protocol::IP.raw(), linux_raw_sys::net::IP_MULTICAST_TTL);
    check!(
        t,
        "setsockopt_byte_multicast_ttl_read_back",
        (
            sockopt::setsockopt_byte(&s, ip, ttl, 9),
            sockopt::get_ip_multicast_ttl(&s)
        ),
        (Ok(()), Ok(9))
    );
    check!(
        t,
        "getsockopt_ip_mreq_write_only_option_enoprotoopt",
        sockopt::getsockopt_ip_mreq(&s, ip, linux_raw_sys::net::IP_ADD_MEMBERSHIP),
        Err(Errno::ENOPROTOOPT)
    );
    if under_qemu() {
        t.skip(
            "setsockopt_ip_mreqn_multicast_if_read_back",
            QEMU_MULTICAST_IF,
        );
    } else {
        let m = sockopt::IpMreqn {
            multiaddr: Ipv4Addr::UNSPECIFIED,
            address: Ipv4Addr::LOCALHOST,
            ifindex: 0,
        };
        let mif = linux_raw_sys::net::IP_MULTICAST_IF;
        // SAFETY: IP_MULTICAST_IF reads an ip_mreqn and writes no user memory.
        let set = unsafe { sockopt::setsockopt_ip_mreqn(&s, ip, mif, &m) };
        check!(
            t,
            "setsockopt_ip_mreqn_multicast_if_read_back",
            (
                set,
                sockopt::getsockopt_ip_mreqn(&s, ip, mif).map(|r| r.multiaddr)
            ),
            (Ok(()), Ok(Ipv4Addr::LOCALHOST))
        );
    }
    check!(
        t,
        "udp_type_domain_protocol",
        (
            sockopt::get_type(&s),
            sockopt::get_domain(&s),
            sockopt::get_protocol(&s)
        ),
        (
            Ok(SocketType::DGRAM),
            Ok(AddressFamily::INET),
            Ok(Protocol::UDP)
        )
    );
}

sysrt_rt::main!(main);
