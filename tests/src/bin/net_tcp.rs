//! TCP over loopback: the guide's server (SO_REUSEADDR, bind 127.0.0.1:0, listen, accept, a
//! welcome line, echo) driven by a forked client; IPv6 loopback; socket options; and the
//! error cases (R35–R37, R40): EADDRINUSE, ECONNREFUSED, EISCONN, ENOTCONN, ENOTSOCK,
//! mismatched families, EAGAIN on non-blocking accept and recv, EPIPE with MSG_NOSIGNAL and
//! SIGPIPE without it (seen in a child's wait status), EINTR on an interrupted accept.
//!
//! Every address is a loopback one, except one bind to the unassigned documentation address
//! 192.0.2.1 (RFC 5737), which fails in the kernel before anything is sent (R37).
#![no_std]
#![no_main]

use core::net::{Ipv4Addr, SocketAddrV4};
use core::sync::atomic::Ordering;
use core::time::Duration;

use sysrt::event::{PollFd, PollFlags, poll};
use sysrt::fd::AsFd;
use sysrt::fs::{self, Mode, OFlags};
use sysrt::net::{
    self, AddressFamily, Protocol, RecvFlags, SendFlags, Shutdown, SockAddr, SocketFlags,
    SocketType, sockopt,
};
use sysrt::signal::{self, Signal};
use sysrt::{Errno, Sysno, io};
use sysrt_tests::child::{check_no_child_left, exited, fork_child, killed, reap, summary};
use sysrt_tests::sock::{
    ALARMS, alarm_every, install_alarm_handler, port, read_exact, remove_alarm_handler,
    tcp_listener, tcp_pair, unix_pair, v4, v6,
};
use sysrt_tests::util::{FdBaseline, cloexec, has_cap, tmp_path, under_qemu};
use sysrt_tests::{Tests, check};

const PLAN: usize = 76;
const WELCOME: &[u8] = b"welcome to sysrt\n";
const MESSAGE: &[u8] = b"ping over loopback";

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();

    server_with_forked_client(&mut t);
    ipv6_loopback(&mut t);
    options(&mut t);
    bind_and_connect_errors(&mut t);
    nonblocking_and_timeouts(&mut t);
    broken_pipes(&mut t);
    interrupted_accept(&mut t);

    baseline.check(&mut t);
    check_no_child_left(&mut t);
    t.finish()
}

/// The client of the guide's server, in a forked child: connect, read the welcome line, send
/// a message, read its echo, half-close, and see the server close. Exit status 0 on success,
/// else the step that failed (10 + step).
fn client(port: u16) -> i32 {
    let step = |n: i32, r: Result<bool, Errno>| match r {
        Ok(true) => Ok(()),
        _ => Err(10 + n),
    };
    let run = || -> Result<(), i32> {
        let c = net::socket(AddressFamily::INET, SocketType::STREAM, Protocol::DEFAULT)
            .map_err(|_| 10)?;
        step(1, net::connect(&c, &v4(port)).map(|()| true))?;
        let mut w = [0u8; WELCOME.len()];
        step(2, read_exact(&c, &mut w).map(|()| w == *WELCOME))?;
        step(3, io::write_all(&c, MESSAGE).map(|()| true))?;
        let mut e = [0u8; MESSAGE.len()];
        step(4, read_exact(&c, &mut e).map(|()| e == *MESSAGE))?;
        step(5, net::shutdown(&c, Shutdown::Write).map(|()| true))?;
        let mut b = [0u8; 1];
        step(6, io::read(&c, &mut b).map(|n| n == 0))?;
        Ok(())
    };
    match run() {
        Ok(()) => 0,
        Err(code) => code,
    }
}

fn server_with_forked_client(t: &mut Tests) {
    let s = net::socket(AddressFamily::INET, SocketType::STREAM, Protocol::DEFAULT);
    check!(t, "socket_inet_stream", s.as_ref().map(|_| ()), Ok(()));
    let Ok(s) = s else { return };
    check!(t, "socket_has_cloexec", cloexec(&s), Ok(true));
    check!(
        t,
        "so_reuseaddr_default_off",
        sockopt::get_reuseaddr(&s),
        Ok(false)
    );
    check!(
        t,
        "so_reuseaddr_set_then_get",
        (sockopt::set_reuseaddr(&s, true), sockopt::get_reuseaddr(&s)),
        (Ok(()), Ok(true))
    );
    check!(t, "bind_127_0_0_1_port_0", net::bind(&s, &v4(0)), Ok(()));
    let local = net::getsockname(&s);
    let p = local.as_ref().map_or(0, port);
    check!(
        t,
        "getsockname_loopback_ephemeral_port",
        (local.map(|a| a.family()), p != 0),
        (Ok(AddressFamily::INET), true)
    );
    check!(t, "listen_backlog_128", net::listen(&s, 128), Ok(()));
    check!(
        t,
        "listener_acceptconn_type_domain_protocol",
        (
            sockopt::get_acceptconn(&s),
            sockopt::get_type(&s),
            sockopt::get_domain(&s),
            sockopt::get_protocol(&s)
        ),
        (
            Ok(true),
            Ok(SocketType::STREAM),
            Ok(AddressFamily::INET),
            Ok(Protocol::TCP)
        )
    );

    let pid = fork_child(|| client(p));
    check!(t, "fork_client", pid.is_ok(), true);
    let Ok(pid) = pid else { return };
    // A client that cannot connect (no loopback: `lo` down in a fresh network namespace)
    // must fail this case, not leave accept waiting forever.
    let mut pfd = [PollFd::new(s.as_fd(), PollFlags::IN)];
    let accepted = match poll(&mut pfd, Some(Duration::from_secs(60))) {
        Ok(1) => net::accept(&s),
        Ok(_) => Err(Errno::ETIMEDOUT),
        Err(e) => Err(e),
    };
    check!(
        t,
        "accept_a_connection",
        accepted.as_ref().map(|_| ()),
        Ok(())
    );
    if let Ok((conn, peer)) = accepted {
        check!(t, "accepted_fd_has_cloexec", cloexec(&conn), Ok(true));
        check!(
            t,
            "accept_peer_is_loopback_other_port",
            (
                peer.as_inet().map(|a| a.ip()),
                port(&peer) != p && port(&peer) != 0
            ),
            (Some(Ipv4Addr::LOCALHOST.into()), true)
        );
        check!(
            t,
            "getpeername_is_accept_address",
            net::getpeername(&conn),
            Ok(peer.clone())
        );
        check!(
            t,
            "accepted_getsockname_is_server_port",
            net::getsockname(&conn),
            Ok(v4(p))
        );
        check!(
            t,
            "tcp_info_state_established",
            sockopt::get_tcp_info(&conn).map(|i| i.state()),
            Ok(1)
        );
        check!(
            t,
            "send_welcome_line",
            io::write_all(&conn, WELCOME),
            Ok(())
        );
        // Echo until the client half-closes.
        let mut buf = [0u8; 64];
        let mut echoed = 0usize;
        let outcome = loop {
            match sysrt::retry_on_intr(|| net::recv(&conn, &mut buf, RecvFlags::empty())) {
                Ok(0) => break Ok(echoed),
                Ok(n) => {
                    if let Err(e) = io::write_all(&conn, &buf[..n]) {
                        break Err(e);
                    }
                    echoed += n;
                }
                Err(e) => break Err(e),
            }
        };
        check!(t, "echo_until_client_eof", outcome, Ok(MESSAGE.len()));
    }
    check!(
        t,
        "client_checked_every_byte",
        reap(pid).map(summary),
        Ok(exited(0))
    );
}

fn ipv6_loopback(t: &mut Tests) {
    let l = match tcp_listener(&v6(0)) {
        Ok(l) => l,
        Err(e @ (Errno::EAFNOSUPPORT | Errno::EADDRNOTAVAIL)) => {
            t.skip("tcp_ipv6_loopback_round_trip", "::1 unavailable here");
            t.skip("ipv6_peer_address_is_loopback", "::1 unavailable here");
            t.skip("ipv6_v6only_set_then_get", "::1 unavailable here");
            let _ = e;
            return;
        }
        Err(e) => {
            check!(t, "tcp_ipv6_loopback_round_trip", Err::<(), _>(e), Ok(()));
            return;
        }
    };
    let (listener, p) = l;
    let pair = tcp_pair(&listener, &v6(p));
    let round = pair.as_ref().map_err(|e| *e).and_then(|(c, s)| {
        io::write_all(c, MESSAGE)?;
        let mut b = [0u8; MESSAGE.len()];
        read_exact(s, &mut b)?;
        Ok(b == *MESSAGE)
    });
    check!(t, "tcp_ipv6_loopback_round_trip", round, Ok(true));
    let peer = pair.as_ref().ok().and_then(|(c, s)| {
        let mine = net::getsockname(c).ok()?;
        let theirs = net::getpeername(s).ok()?;
        Some((mine == theirs, theirs.as_inet().map(|a| a.ip())))
    });
    check!(
        t,
        "ipv6_peer_address_is_loopback",
        peer,
        Some((true, Some(core::net::Ipv6Addr::LOCALHOST.into())))
    );
    let s = net::socket(AddressFamily::INET6, SocketType::STREAM, Protocol::DEFAULT);
    check!(
        t,
        "ipv6_v6only_set_then_get",
        s.map(|s| (
            sockopt::set_ipv6_v6only(&s, true),
            sockopt::get_ipv6_v6only(&s)
        )),
        Ok((Ok(()), Ok(true)))
    );
}

fn options(t: &mut Tests) {
    let Ok((listener, p)) = tcp_listener(&v4(0)) else {
        check!(t, "options_fixture", false, true);
        return;
    };
    let Ok((c, _s)) = tcp_pair(&listener, &v4(p)) else {
        check!(t, "options_fixture", false, true);
        return;
    };
    check!(
        t,
        "tcp_nodelay_set_then_get",
        (
            sockopt::get_tcp_nodelay(&c),
            sockopt::set_tcp_nodelay(&c, true),
            sockopt::get_tcp_nodelay(&c)
        ),
        (Ok(false), Ok(()), Ok(true))
    );
    check!(
        t,
        "so_keepalive_set_then_get",
        (sockopt::set_keepalive(&c, true), sockopt::get_keepalive(&c)),
        (Ok(()), Ok(true))
    );
    check!(
        t,
        "tcp_keepidle_intvl_cnt_set_then_get",
        (
            sockopt::set_tcp_keepidle(&c, 30),
            sockopt::set_tcp_keepintvl(&c, 7),
            sockopt::set_tcp_keepcnt(&c, 4),
            sockopt::get_tcp_keepidle(&c),
            sockopt::get_tcp_keepintvl(&c),
            sockopt::get_tcp_keepcnt(&c)
        ),
        (Ok(()), Ok(()), Ok(()), Ok(30), Ok(7), Ok(4))
    );
    check!(
        t,
        "tcp_keepidle_0_einval",
        sockopt::set_tcp_keepidle(&c, 0),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "tcp_user_timeout_set_then_get",
        (
            sockopt::set_tcp_user_timeout(&c, 1234),
            sockopt::get_tcp_user_timeout(&c)
        ),
        (Ok(()), Ok(1234))
    );
    check!(
        t,
        "so_linger_some_5_then_none",
        (
            sockopt::get_linger(&c),
            sockopt::set_linger(&c, Some(5)),
            sockopt::get_linger(&c),
            sockopt::set_linger(&c, None),
            sockopt::get_linger(&c)
        ),
        (Ok(None), Ok(()), Ok(Some(5)), Ok(()), Ok(None))
    );
    check!(
        t,
        "so_rcvtimeo_sndtimeo_set_then_get",
        (
            sockopt::get_rcvtimeo(&c),
            sockopt::set_rcvtimeo(&c, Some(Duration::from_millis(1500))),
            sockopt::get_rcvtimeo(&c),
            sockopt::set_sndtimeo(&c, Some(Duration::from_secs(2))),
            sockopt::get_sndtimeo(&c),
            sockopt::set_rcvtimeo(&c, None),
            sockopt::get_rcvtimeo(&c)
        ),
        (
            Ok(None),
            Ok(()),
            Ok(Some(Duration::from_millis(1500))),
            Ok(()),
            Ok(Some(Duration::from_secs(2))),
            Ok(()),
            Ok(None)
        )
    );
    // The kernel doubles SO_SNDBUF/SO_RCVBUF for its bookkeeping.
    check!(
        t,
        "so_sndbuf_rcvbuf_set_get_doubled",
        (
            sockopt::set_sndbuf(&c, 65536),
            sockopt::get_sndbuf(&c),
            sockopt::set_rcvbuf(&c, 32768),
            sockopt::get_rcvbuf(&c)
        ),
        (Ok(()), Ok(131072), Ok(()), Ok(65536))
    );
    check!(
        t,
        "ip_ttl_tos_set_then_get",
        (
            sockopt::set_ip_ttl(&c, 33),
            sockopt::get_ip_ttl(&c),
            sockopt::set_ip_tos(&c, 0x10),
            sockopt::get_ip_tos(&c)
        ),
        (Ok(()), Ok(33), Ok(()), Ok(0x10))
    );
    check!(
        t,
        "so_error_none_on_healthy_socket",
        sockopt::get_error(&c),
        Ok(None)
    );
    // SO_REUSEPORT: two listeners on one port, both with the option.
    let shared = (|| {
        let a = net::socket(AddressFamily::INET, SocketType::STREAM, Protocol::DEFAULT)?;
        let b = net::socket(AddressFamily::INET, SocketType::STREAM, Protocol::DEFAULT)?;
        sockopt::set_reuseport(&a, true)?;
        sockopt::set_reuseport(&b, true)?;
        net::bind(&a, &v4(0))?;
        let port = net::getsockname(&a).map(|x| port(&x))?;
        net::listen(&a, 4)?;
        net::bind(&b, &v4(port))?;
        net::listen(&b, 4)?;
        Ok::<_, Errno>((
            sockopt::get_reuseport(&b)?,
            net::getsockname(&b)? == v4(port),
        ))
    })();
    check!(
        t,
        "so_reuseport_two_listeners_one_port",
        shared,
        Ok((true, true))
    );
    check!(
        t,
        "generic_getsockopt_int_so_type",
        sockopt::getsockopt_int(
            &c,
            linux_raw_sys::net::SOL_SOCKET,
            linux_raw_sys::net::SO_TYPE
        ),
        Ok(1)
    );
    check!(
        t,
        "generic_setsockopt_int_keepalive_off",
        (
            sockopt::setsockopt_int(
                &c,
                linux_raw_sys::net::SOL_SOCKET,
                linux_raw_sys::net::SO_KEEPALIVE,
                0
            ),
            sockopt::get_keepalive(&c)
        ),
        (Ok(()), Ok(false))
    );
    check!(
        t,
        "unknown_option_enoprotoopt",
        sockopt::getsockopt_int(&c, linux_raw_sys::net::SOL_SOCKET, 9999),
        Err(Errno::ENOPROTOOPT)
    );
    check!(
        t,
        "tcp_option_on_unix_socket_eopnotsupp",
        unix_pair(SocketType::STREAM).map(|(a, _b)| sockopt::set_tcp_nodelay(&a, true)),
        Ok(Err(Errno::EOPNOTSUPP))
    );
    check!(
        t,
        "bindtodevice_name_of_16_bytes_einval",
        sockopt::set_bindtodevice(&c, b"0123456789abcdef"),
        Err(Errno::EINVAL)
    );
    let mut name = [0u8; 16];
    check!(
        t,
        "bindtodevice_unbound_reads_empty",
        sockopt::get_bindtodevice(&c, &mut name),
        Ok(0)
    );
    if under_qemu() {
        t.skip(
            "bindtodevice_lo_then_read_back",
            "QEMU: getsockopt(SO_BINDTODEVICE) is not translated (EINVAL)",
        );
    } else if has_cap(linux_raw_sys::general::CAP_NET_RAW) {
        let lo = net::socket(AddressFamily::INET, SocketType::STREAM, Protocol::DEFAULT);
        check!(
            t,
            "bindtodevice_lo_then_read_back",
            lo.map(|s| (
                sockopt::set_bindtodevice(&s, b"lo"),
                sockopt::get_bindtodevice(&s, &mut name),
                name[..3] == *b"lo\0"
            )),
            Ok((Ok(()), Ok(2), true))
        );
    } else {
        t.skip("bindtodevice_lo_then_read_back", "needs CAP_NET_RAW");
    }
    // The generic string forms, on TCP_CONGESTION ("reno" is always built in and allowed).
    let (lvl, opt) = (Protocol::TCP.raw(), linux_raw_sys::net::TCP_CONGESTION);
    let mut cc = [0xffu8; 16];
    // SAFETY: TCP_CONGESTION reads an algorithm name and writes no user memory.
    let set = unsafe { sockopt::setsockopt_string(&c, lvl, opt, b"reno") };
    let got = sockopt::getsockopt_string(&c, lvl, opt, &mut cc);
    // The kernel reports TCP_CA_NAME_MAX (16) bytes, the name NUL-padded.
    let want = if under_qemu() { 4 } else { 16 };
    check!(
        t,
        "setsockopt_string_tcp_congestion_reno_read_back",
        (set, got, &cc[..5]),
        (Ok(()), Ok(want), &b"reno\0"[..])
    );
    check!(
        t,
        "tcp_congestion_unknown_name_enoent",
        // SAFETY: as above.
        unsafe { sockopt::setsockopt_string(&c, lvl, opt, b"no-such-cc") },
        Err(Errno::ENOENT)
    );
}

fn bind_and_connect_errors(t: &mut Tests) {
    let Ok((listener, p)) = tcp_listener(&v4(0)) else {
        check!(t, "errors_fixture", false, true);
        return;
    };
    let second = net::socket(AddressFamily::INET, SocketType::STREAM, Protocol::DEFAULT);
    check!(
        t,
        "second_bind_without_reuseaddr_eaddrinuse",
        second.map(|s| net::bind(&s, &v4(p))),
        Ok(Err(Errno::EADDRINUSE))
    );
    // Bound but not listening: a connection is refused (RST), with no port left free to race.
    let closed = net::socket(AddressFamily::INET, SocketType::STREAM, Protocol::DEFAULT)
        .and_then(|s| net::bind(&s, &v4(0)).map(|()| s));
    let closed_port = closed
        .as_ref()
        .ok()
        .and_then(|s| net::getsockname(s).ok())
        .map_or(0, |a| port(&a));
    let c = net::socket(AddressFamily::INET, SocketType::STREAM, Protocol::DEFAULT);
    check!(
        t,
        "connect_to_closed_port_econnrefused",
        c.as_ref().map(|c| net::connect(c, &v4(closed_port))),
        Ok(Err(Errno::ECONNREFUSED))
    );
    drop(closed);
    let pair = tcp_pair(&listener, &v4(p));
    check!(
        t,
        "connect_twice_eisconn",
        pair.as_ref().map(|(c, _)| net::connect(c, &v4(p))),
        Ok(Err(Errno::EISCONN))
    );
    let fresh = net::socket(AddressFamily::INET, SocketType::STREAM, Protocol::DEFAULT);
    check!(
        t,
        "unconnected_getpeername_recv_shutdown_enotconn",
        fresh.as_ref().map(|f| {
            (
                net::getpeername(f),
                net::recv(f, &mut [0u8; 4], RecvFlags::empty()),
                net::shutdown(f, Shutdown::Both),
            )
        }),
        Ok((
            Err(Errno::ENOTCONN),
            Err(Errno::ENOTCONN),
            Err(Errno::ENOTCONN)
        ))
    );
    // R40/R37: an address of another family.
    check!(
        t,
        "inet_bind_inet6_address_eafnosupport",
        fresh.as_ref().map(|f| net::bind(f, &v6(0))),
        Ok(Err(Errno::EAFNOSUPPORT))
    );
    check!(
        t,
        "inet_connect_inet6_address_eafnosupport",
        fresh.as_ref().map(|f| net::connect(f, &v6(p))),
        Ok(Err(Errno::EAFNOSUPPORT))
    );
    let six = net::socket(AddressFamily::INET6, SocketType::STREAM, Protocol::DEFAULT);
    match six {
        Ok(six) => check!(
            t,
            "inet6_bind_inet4_address_einval",
            net::bind(&six, &v4(0)),
            Err(Errno::EINVAL)
        ),
        Err(e) => t.skip(
            "inet6_bind_inet4_address_einval",
            e.name().unwrap_or("no IPv6"),
        ),
    }
    // R37: not a local address; R37 raw: a bad addrlen.
    let unassigned = SockAddr::Inet4(SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 1), 0));
    check!(
        t,
        "bind_unassigned_address_eaddrnotavail",
        fresh.as_ref().map(|f| net::bind(f, &unassigned)),
        Ok(Err(Errno::EADDRNOTAVAIL))
    );
    let raw_len = fresh.as_ref().map(|f| {
        let addr = v4(0).to_storage();
        // SAFETY: bind reads at most 3 bytes of `addr`, which is live and 128 bytes long.
        unsafe {
            sysrt::raw_syscall(
                Sysno::bind,
                f.as_raw_fd() as usize,
                addr.as_bytes().as_ptr() as usize,
                3,
            )
        }
    });
    check!(
        t,
        "bind_raw_addrlen_3_einval",
        raw_len,
        Ok(Err(Errno::EINVAL))
    );
    // ENOTSOCK on a regular file.
    let path = tmp_path("net-tcp-file");
    let file = fs::open(
        path.as_str(),
        OFlags::CREAT | OFlags::RDWR,
        Mode::from_octal(0o600),
    );
    check!(
        t,
        "regular_file_bind_getsockopt_enotsock",
        file.as_ref().map(|f| (
            net::bind(f, &v4(0)),
            sockopt::get_type(f),
            net::listen(f, 1)
        )),
        Ok((
            Err(Errno::ENOTSOCK),
            Err(Errno::ENOTSOCK),
            Err(Errno::ENOTSOCK)
        ))
    );
    drop(file);
    let _ = fs::unlink(path.as_str());
    // R36: invalid domain, type, and protocol for the type.
    check!(
        t,
        "socket_invalid_domain_eafnosupport",
        net::socket(
            AddressFamily::from_raw(9999),
            SocketType::STREAM,
            Protocol::DEFAULT
        )
        .map(drop),
        Err(Errno::EAFNOSUPPORT)
    );
    if under_qemu() {
        t.skip(
            "socket_invalid_type_einval",
            "QEMU: target_to_host_sock_type keeps only the low type bits, so the kernel sees \
             type 7 and answers ESOCKTNOSUPPORT",
        );
    } else {
        check!(
            t,
            "socket_invalid_type_einval",
            net::socket(
                AddressFamily::INET,
                SocketType::from_raw(0x3e7),
                Protocol::DEFAULT
            )
            .map(drop),
            Err(Errno::EINVAL)
        );
    }
    check!(
        t,
        "socket_tcp_with_sock_dgram_eprotonosupport",
        net::socket(AddressFamily::INET, SocketType::DGRAM, Protocol::TCP).map(drop),
        Err(Errno::EPROTONOSUPPORT)
    );
    check!(
        t,
        "socketpair_inet_eopnotsupp",
        net::socketpair(
            AddressFamily::INET,
            SocketType::STREAM,
            SocketFlags::empty(),
            Protocol::DEFAULT
        )
        .map(drop),
        Err(Errno::EOPNOTSUPP)
    );
    check!(
        t,
        "listen_on_udp_eopnotsupp",
        net::socket(AddressFamily::INET, SocketType::DGRAM, Protocol::DEFAULT)
            .map(|u| net::listen(&u, 1)),
        Ok(Err(Errno::EOPNOTSUPP))
    );
}

fn nonblocking_and_timeouts(t: &mut Tests) {
    let l = net::socket_with(
        AddressFamily::INET,
        SocketType::STREAM,
        SocketFlags::NONBLOCK,
        Protocol::DEFAULT,
    );
    let Ok(l) = l else {
        check!(t, "nonblocking_fixture", false, true);
        return;
    };
    let _ = net::bind(&l, &v4(0));
    let _ = net::listen(&l, 8);
    let p = net::getsockname(&l).map_or(0, |a| port(&a));
    check!(
        t,
        "socket_nonblock_flag_is_set",
        io::fcntl_getfl(&l).map(|f| f.contains(OFlags::NONBLOCK)),
        Ok(true)
    );
    check!(
        t,
        "nonblocking_accept_nothing_pending_eagain",
        net::accept(&l).map(drop),
        Err(Errno::EAGAIN)
    );
    let c = net::socket(AddressFamily::INET, SocketType::STREAM, Protocol::DEFAULT);
    let connected = c.as_ref().map(|c| net::connect(c, &v4(p)));
    check!(t, "connect_to_nonblocking_listener", connected, Ok(Ok(())));
    let a = net::accept4(&l, SocketFlags::NONBLOCK);
    check!(
        t,
        "accept4_nonblock_new_socket_nonblocking_cloexec",
        a.as_ref().map(|(s, _)| {
            (
                io::fcntl_getfl(s).map(|f| f.contains(OFlags::NONBLOCK)),
                cloexec(s),
            )
        }),
        Ok((Ok(true), Ok(true)))
    );
    if let (Ok(c), Ok((s, _))) = (&c, &a) {
        let mut b = [0u8; 8];
        check!(
            t,
            "nonblocking_recv_no_data_eagain",
            net::recv(s, &mut b, RecvFlags::empty()),
            Err(Errno::EAGAIN)
        );
        check!(
            t,
            "msg_dontwait_recv_no_data_eagain",
            net::recv(c, &mut b, RecvFlags::DONTWAIT),
            Err(Errno::EAGAIN)
        );
        // SO_RCVTIMEO: a blocking recv gives up with EAGAIN (no timing asserted).
        let _ = sockopt::set_rcvtimeo(c, Some(Duration::from_millis(50)));
        check!(
            t,
            "blocking_recv_with_so_rcvtimeo_eagain",
            net::recv(c, &mut b, RecvFlags::empty()),
            Err(Errno::EAGAIN)
        );
        // MSG_PEEK leaves the data; MSG_WAITALL waits for all of it.
        let _ = net::send(s, b"abcdef", SendFlags::empty());
        let mut four = [0u8; 4];
        check!(
            t,
            "recv_msg_peek_then_read_same_bytes",
            (
                net::recv(c, &mut four, RecvFlags::PEEK),
                four,
                net::recv(c, &mut b[..6], RecvFlags::WAITALL),
                b[..6] == *b"abcdef"
            ),
            (Ok(4), *b"abcd", Ok(6), true)
        );
    }
    // A non-blocking connect to a bound, non-listening port: ECONNREFUSED (at once on
    // loopback, or through SO_ERROR once writable).
    let closed = net::socket(AddressFamily::INET, SocketType::STREAM, Protocol::DEFAULT)
        .and_then(|s| net::bind(&s, &v4(0)).map(|()| s));
    let cp = closed
        .as_ref()
        .ok()
        .and_then(|s| net::getsockname(s).ok())
        .map_or(0, |a| port(&a));
    let nb = net::socket_with(
        AddressFamily::INET,
        SocketType::STREAM,
        SocketFlags::NONBLOCK,
        Protocol::DEFAULT,
    );
    let outcome = nb.as_ref().map(|nb| match net::connect(nb, &v4(cp)) {
        Err(Errno::EINPROGRESS) => {
            let _ = wait_writable(nb);
            sockopt::get_error(nb)
        }
        Err(e) => Ok(Some(e)),
        Ok(()) => Ok(None),
    });
    check!(
        t,
        "nonblocking_connect_refused_via_so_error",
        outcome,
        Ok(Ok(Some(Errno::ECONNREFUSED)))
    );
}

/// Waits (up to 5 s) for `fd` to be writable or failed, with a raw `ppoll`.
fn wait_writable(fd: impl AsFd) -> Result<usize, Errno> {
    let mut pfd = linux_raw_sys::general::pollfd {
        fd: fd.as_fd().as_raw_fd(),
        events: linux_raw_sys::general::POLLOUT as i16,
        revents: 0,
    };
    let ts = linux_raw_sys::general::__kernel_timespec {
        tv_sec: 5,
        tv_nsec: 0,
    };
    // SAFETY: one pollfd and one timespec, both live locals; no signal mask.
    unsafe {
        sysrt::raw_syscall6(
            Sysno::ppoll,
            &raw mut pfd as usize,
            1,
            &raw const ts as usize,
            0,
            0,
            0,
        )
    }
}

/// R35: EPIPE with MSG_NOSIGNAL, SIGPIPE without it (in a child), EPIPE with SIGPIPE ignored.
fn broken_pipes(t: &mut Tests) {
    // TCP: after our own SHUT_WR a send fails at once.
    let pair = tcp_listener(&v4(0)).and_then(|(l, p)| tcp_pair(&l, &v4(p)));
    check!(
        t,
        "tcp_send_after_shut_wr_msg_nosignal_epipe",
        pair.as_ref().map(|(c, _)| {
            let _ = net::shutdown(c, Shutdown::Write);
            net::send(c, b"x", SendFlags::NOSIGNAL)
        }),
        Ok(Err(Errno::EPIPE))
    );
    // Unix stream: the peer is closed.
    let up = unix_pair(SocketType::STREAM);
    check!(
        t,
        "send_to_closed_peer_msg_nosignal_epipe",
        up.map(|(a, b)| {
            drop(b);
            net::send(&a, b"x", SendFlags::NOSIGNAL)
        }),
        Ok(Err(Errno::EPIPE))
    );
    let pid = fork_child(|| {
        let Ok((a, b)) = unix_pair(SocketType::STREAM) else {
            return 50;
        };
        drop(b);
        let _ = net::send(&a, b"x", SendFlags::empty());
        51 // not reached: SIGPIPE's default action ends the process
    });
    check!(
        t,
        "send_without_nosignal_child_killed_by_sigpipe",
        pid.and_then(reap).map(summary),
        Ok(killed(Signal::PIPE, false))
    );
    let pid = fork_child(|| {
        if signal::ignore(Signal::PIPE).is_err() {
            return 50;
        }
        let Ok((a, b)) = unix_pair(SocketType::STREAM) else {
            return 51;
        };
        drop(b);
        match net::send(&a, b"x", SendFlags::empty()) {
            Err(Errno::EPIPE) => 0,
            _ => 52,
        }
    });
    check!(
        t,
        "send_with_sigpipe_ignored_child_gets_epipe",
        pid.and_then(reap).map(summary),
        Ok(exited(0))
    );
}

/// An interrupted blocking accept returns EINTR.
fn interrupted_accept(t: &mut Tests) {
    let Ok((l, _p)) = tcp_listener(&v4(0)) else {
        check!(t, "eintr_fixture", false, true);
        return;
    };
    check!(
        t,
        "install_sigalrm_handler",
        install_alarm_handler(),
        Ok(())
    );
    let before = ALARMS.load(Ordering::SeqCst);
    let _ = alarm_every(50);
    let got = net::accept(&l).map(drop);
    let _ = alarm_every(0);
    check!(
        t,
        "blocking_accept_interrupted_eintr",
        (got, ALARMS.load(Ordering::SeqCst) > before),
        (Err(Errno::EINTR), true)
    );
    let (a, _b) = match unix_pair(SocketType::STREAM) {
        Ok(p) => p,
        Err(e) => {
            check!(
                t,
                "blocking_recv_interrupted_eintr",
                Err::<(), _>(e),
                Ok(())
            );
            return;
        }
    };
    let _ = alarm_every(50);
    let got = net::recv(&a, &mut [0u8; 4], RecvFlags::empty());
    let _ = alarm_every(0);
    check!(t, "blocking_recv_interrupted_eintr", got, Err(Errno::EINTR));
    check!(t, "restore_sigalrm_default", remove_alarm_handler(), Ok(()));
    drop(a);
}

sysrt_rt::main!(main);
