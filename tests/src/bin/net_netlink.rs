//! Netlink (NETLINK_ROUTE): list links and find `lo` with its index (checked against sysfs)
//! and IFF_UP|IFF_LOOPBACK; list addresses and find 127.0.0.1 on it; the socket's address
//! decodes as AF_NETLINK (R39); an error answer and a buffer too small are errors; a real
//! message cut at every length parses to EINVAL, never a panic.
#![no_std]
#![no_main]

use core::net::Ipv4Addr;

use sysrt::Errno;
use sysrt::net::netlink::{
    self, IFA_LABEL, IFA_LOCAL, IFLA_IFNAME, IFLA_MTU, IfAddrMsg, IfFlags, IfInfoMsg, RTM_GETADDR,
    RTM_GETLINK, RTM_NEWADDR, RTM_NEWLINK,
};
use sysrt::net::{
    self, AddressFamily, Protocol, SockAddr, SockAddrLinkLayer, SockAddrNetlink, SocketType,
};
use sysrt::process;
use sysrt_tests::util::{FdBaseline, cloexec, file_contents, has_cap};
use sysrt_tests::{Tests, check};

const PLAN: usize = 15;

/// What the link dump found about `lo`.
#[derive(Debug, PartialEq, Eq, Default, Clone, Copy)]
struct Lo {
    index: i32,
    flags: Option<IfFlags>,
    mtu: Option<u32>,
    links: usize,
}

/// A copy of the `lo` link message (about 1.5 KiB with its statistics), for the
/// truncation case.
struct MessageCopy {
    bytes: [u8; 4096],
    len: usize,
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();
    let mut buf = [0u8; 32 * 1024];

    // The socket itself: close-on-exec, and its bound address decodes as AF_NETLINK (R39)
    // with the port ID the kernel gives the first netlink socket of a process: its pid.
    let s = net::socket(
        AddressFamily::NETLINK,
        SocketType::RAW,
        Protocol::NETLINK_ROUTE,
    );
    check!(
        t,
        "netlink_socket_has_cloexec",
        s.as_ref().map(cloexec),
        Ok(Ok(true))
    );
    let name = s.as_ref().map_err(|e| *e).and_then(|s| {
        net::bind(s, &SockAddr::Netlink(SockAddrNetlink::default()))?;
        net::getsockname(s)
    });
    check!(
        t,
        "netlink_getsockname_decodes_pid",
        name,
        Ok(SockAddr::Netlink(SockAddrNetlink {
            pid: process::getpid().raw() as u32,
            groups: 0
        }))
    );
    drop(s);

    let mut lo = Lo::default();
    let mut copy = MessageCopy {
        bytes: [0; 4096],
        len: 0,
    };
    let got = netlink::netlink_rib(RTM_GETLINK, AddressFamily::UNSPEC, &mut buf, |m| {
        if m.header.ty != RTM_NEWLINK {
            return Ok(());
        }
        lo.links += 1;
        let info = IfInfoMsg::parse(m.data)?;
        let mut is_lo = false;
        let mut mtu = None;
        for a in netlink::parse_netlink_route_attr(m)? {
            let a = a?;
            if a.ty == IFLA_IFNAME && a.as_c_str_bytes() == b"lo" {
                is_lo = true;
            }
            if a.ty == IFLA_MTU {
                mtu = a.as_u32();
            }
        }
        if is_lo {
            lo.index = info.index;
            lo.flags = Some(info.flags & (IfFlags::UP | IfFlags::LOOPBACK));
            lo.mtu = mtu;
            let n = m.data.len() + 16;
            if let Some(dst) = copy.bytes.get_mut(..n) {
                dst[..16].copy_from_slice(&header_bytes(m));
                dst[16..].copy_from_slice(m.data);
                copy.len = n;
            }
        }
        Ok(())
    });
    check!(t, "netlink_rib_getlink_dump_completes", got, Ok(()));
    check!(t, "some_links_listed", lo.links >= 1, true);
    check!(
        t,
        "lo_has_iff_up_and_iff_loopback",
        lo.flags,
        Some(IfFlags::UP | IfFlags::LOOPBACK)
    );
    let mut text = [0u8; 32];
    let sysfs = file_contents("/sys/class/net/lo/ifindex", &mut text)
        .ok()
        .and_then(|b| core::str::from_utf8(b).ok())
        .and_then(|s| s.trim().parse::<i32>().ok());
    match sysfs {
        Some(index) => check!(t, "lo_index_matches_sysfs", lo.index, index),
        None => t.skip(
            "lo_index_matches_sysfs",
            "no /sys/class/net/lo/ifindex to compare with",
        ),
    }
    check!(
        t,
        "lo_mtu_attribute_present",
        lo.mtu.is_some_and(|m| m >= 1280),
        true
    );

    // Every truncation of the real `lo` message is EINVAL (or nothing, under 16 bytes).
    let whole = &copy.bytes[..copy.len];
    let mut bad = 0usize;
    for cut in 0..whole.len() {
        for m in netlink::parse_netlink_message(&whole[..cut]) {
            match m {
                Err(Errno::EINVAL) => {}
                _ => bad += 1,
            }
        }
    }
    check!(
        t,
        "real_lo_message_every_truncation_einval",
        (
            whole.len() > 32,
            bad,
            netlink::parse_netlink_message(whole)
                .map(|m| m.map(|m| m.header.ty))
                .next()
        ),
        (true, 0, Some(Ok(RTM_NEWLINK)))
    );

    let mut found = (false, 0u32, 0u8, false);
    let got = netlink::netlink_rib(RTM_GETADDR, AddressFamily::INET, &mut buf, |m| {
        if m.header.ty != RTM_NEWADDR {
            return Ok(());
        }
        let a = IfAddrMsg::parse(m.data)?;
        let mut local = None;
        let mut label_lo = false;
        for attr in netlink::parse_netlink_route_attr(m)? {
            let attr = attr?;
            if attr.ty == IFA_LOCAL {
                local = <[u8; 4]>::try_from(attr.value).ok().map(Ipv4Addr::from);
            }
            if attr.ty == IFA_LABEL && attr.as_c_str_bytes() == b"lo" {
                label_lo = true;
            }
        }
        if local == Some(Ipv4Addr::LOCALHOST) {
            found = (true, a.index, a.prefixlen, label_lo);
        }
        Ok(())
    });
    check!(t, "netlink_rib_getaddr_dump_completes", got, Ok(()));
    check!(
        t,
        "address_127_0_0_1_on_lo_prefix_8_label_lo",
        found,
        (true, lo.index as u32, 8, true)
    );

    // R39 with a real AF_PACKET address from the kernel (12 + halen bytes, not the 20 of
    // sockaddr_ll): a packet socket bound to lo; nothing is sent on it.
    if !has_cap(linux_raw_sys::general::CAP_NET_RAW) {
        t.skip(
            "packet_socket_getsockname_decodes_link_layer",
            "needs CAP_NET_RAW",
        );
    } else {
        let eth_p_all = linux_raw_sys::if_ether::ETH_P_ALL as u16;
        let got = net::socket(
            AddressFamily::PACKET,
            SocketType::DGRAM,
            Protocol::ethernet(eth_p_all),
        )
        .and_then(|p| {
            let lo_addr = SockAddrLinkLayer {
                protocol: eth_p_all,
                ifindex: lo.index,
                ..Default::default()
            };
            net::bind(&p, &SockAddr::LinkLayer(lo_addr))?;
            net::getsockname(&p)
        });
        check!(
            t,
            "packet_socket_getsockname_decodes_link_layer",
            got.map(|a| match a {
                SockAddr::LinkLayer(ll) => Some((ll.protocol, ll.ifindex, ll.hatype, ll.halen)),
                _ => None,
            }),
            Ok(Some((eth_p_all, lo.index, 772, 6)))
        );
    }
    check!(
        t,
        "netlink_rib_unknown_request_type_error_answer",
        netlink::netlink_rib(0x7ff0, AddressFamily::UNSPEC, &mut buf, |_| Ok(())),
        Err(Errno::EOPNOTSUPP)
    );
    let mut tiny = [0u8; 16];
    check!(
        t,
        "netlink_rib_buffer_too_small_enobufs",
        netlink::netlink_rib(RTM_GETLINK, AddressFamily::UNSPEC, &mut tiny, |_| Ok(())),
        Err(Errno::ENOBUFS)
    );

    baseline.check(&mut t);
    t.finish()
}

/// The 16 header bytes of a message, rebuilt from its decoded header.
fn header_bytes(m: &netlink::NetlinkMessage<'_>) -> [u8; 16] {
    let mut h = [0u8; 16];
    h[0..4].copy_from_slice(&m.header.len.to_ne_bytes());
    h[4..6].copy_from_slice(&m.header.ty.to_ne_bytes());
    h[6..8].copy_from_slice(&m.header.flags.bits().to_ne_bytes());
    h[8..12].copy_from_slice(&m.header.seq.to_ne_bytes());
    h[12..16].copy_from_slice(&m.header.pid.to_ne_bytes());
    h
}

sysrt_rt::main!(main);
