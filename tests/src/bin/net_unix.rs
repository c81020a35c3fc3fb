//! Unix domain sockets: stream, datagram and seqpacket, with path, abstract, autobound and
//! socketpair addresses; SCM_RIGHTS (the fd works on the other side, R42, R43), SO_PEERCRED
//! and SCM_CREDENTIALS (our pid, uid and gid), the sun_path limits (R38) and EPROTOTYPE
//! (R40).
#![no_std]
#![no_main]

use core::fmt::Write as _;

use linux_raw_sys::general::{S_IFMT, S_IFSOCK, STATX_TYPE};
use sysrt::Errno;
use sysrt::fd::{BorrowedFd, OwnedFd};
use sysrt::fs::{self, Mode, OFlags};
use sysrt::io::{self, IoSlice, IoSliceMut};
use sysrt::net::{
    self, AddressFamily, CmsgWriter, Cmsgs, Protocol, RecvFlags, SendFlags, SockAddr, SockAddrUnix,
    SocketType, Ucred, UnixAddrKind, cmsg_len, cmsg_space, sockopt,
};
use sysrt::process::{self, Pid};
use sysrt_tests::check::Buf;
use sysrt_tests::sock::{read_exact, unix_pair};
use sysrt_tests::util::{FdBaseline, cloexec, has_cap, raw_statx, tmp_path, under_qemu};
use sysrt_tests::{Tests, check};

const PLAN: usize = 54;

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();

    stream_with_a_path(&mut t);
    abstract_and_autobind(&mut t);
    datagrams(&mut t);
    seqpacket(&mut t);
    path_lengths(&mut t);
    connect_errors(&mut t);
    passing_fds(&mut t);
    credentials(&mut t);

    baseline.check(&mut t);
    t.finish()
}

fn unix_socket(ty: SocketType) -> Result<OwnedFd, Errno> {
    net::socket(AddressFamily::UNIX, ty, Protocol::DEFAULT)
}

fn unix_addr(path: &str) -> SockAddr {
    SockAddr::Unix(SockAddrUnix::new(path).unwrap_or(SockAddrUnix::unnamed()))
}

/// The file type bits of `path` (raw statx).
fn file_type(path: &str) -> Result<u32, Errno> {
    raw_statx(sysrt::fd::CWD, path, 0, STATX_TYPE).map(|st| u32::from(st.stx_mode) & S_IFMT)
}

fn stream_with_a_path(t: &mut Tests) {
    let path = tmp_path("unix-stream");
    let p = path.as_str();
    let _ = fs::unlink(p);
    let addr = unix_addr(p);
    let Ok(server) = unix_socket(SocketType::STREAM) else {
        check!(t, "unix_stream_fixture", false, true);
        return;
    };
    check!(
        t,
        "unix_stream_bind_path",
        net::bind(&server, &addr),
        Ok(())
    );
    check!(t, "bound_path_is_a_socket_file", file_type(p), Ok(S_IFSOCK));
    check!(t, "unix_stream_listen", net::listen(&server, 4), Ok(()));
    check!(
        t,
        "unix_getsockname_is_the_path",
        net::getsockname(&server),
        Ok(addr.clone())
    );
    let client = unix_socket(SocketType::STREAM);
    check!(
        t,
        "unix_stream_connect_path",
        client.as_ref().map(|c| net::connect(c, &addr)),
        Ok(Ok(()))
    );
    let accepted = net::accept(&server);
    check!(
        t,
        "accept_unix_peer_is_unnamed",
        accepted
            .as_ref()
            .map(|(_, peer)| peer.as_unix().map(SockAddrUnix::kind)),
        Ok(Some(UnixAddrKind::Unnamed))
    );
    if let (Ok(c), Ok((s, _))) = (&client, &accepted) {
        check!(
            t,
            "client_getpeername_is_the_path",
            net::getpeername(c),
            Ok(addr.clone())
        );
        let sent = io::write_all(c, b"over a unix path");
        let mut got = [0u8; 16];
        check!(
            t,
            "unix_stream_bytes_arrive",
            (sent, read_exact(s, &mut got), &got),
            (Ok(()), Ok(()), b"over a unix path")
        );
        check!(
            t,
            "so_peercred_is_our_pid_uid_gid",
            sockopt::get_peercred(s),
            Ok(our_creds())
        );
    }
    let again = unix_socket(SocketType::STREAM);
    check!(
        t,
        "bind_existing_path_eaddrinuse",
        again.map(|a| net::bind(&a, &addr)),
        Ok(Err(Errno::EADDRINUSE))
    );
    let _ = fs::unlink(p);
}

fn our_creds() -> Ucred {
    Ucred {
        pid: process::getpid(),
        uid: process::getuid(),
        gid: process::getgid(),
    }
}

/// An abstract name with a NUL inside, unique to this process.
fn abstract_name(tag: &str) -> Buf<64> {
    let mut b = Buf::<64>::new();
    let _ = write!(b, "sysrt-test-{}-{tag}\0tail", process::getpid());
    b
}

fn abstract_and_autobind(t: &mut Tests) {
    let name = abstract_name("abstract");
    let addr = SockAddr::Unix(
        SockAddrUnix::new_abstract(name.as_bytes()).unwrap_or(SockAddrUnix::unnamed()),
    );
    let server = unix_socket(SocketType::STREAM);
    check!(
        t,
        "bind_abstract_name_with_nul",
        server
            .as_ref()
            .map(|s| (net::bind(s, &addr), net::listen(s, 2))),
        Ok((Ok(()), Ok(())))
    );
    check!(
        t,
        "abstract_getsockname_keeps_every_byte",
        server.as_ref().map(|s| net::getsockname(s).map(|a| a
            .as_unix()
            .and_then(|u| u.abstract_name().map(|n| n == name.as_bytes())))),
        Ok(Ok(Some(true)))
    );
    let client = unix_socket(SocketType::STREAM);
    let conn = client.as_ref().map(|c| net::connect(c, &addr));
    check!(t, "connect_abstract_name", conn, Ok(Ok(())));
    if let Ok(s) = &server {
        let _ = net::accept(s);
    }
    // The name differs by its bytes after the NUL: a prefix does not connect.
    let prefix = name
        .as_bytes()
        .split(|&b| b == 0)
        .next()
        .unwrap_or_default();
    let short =
        SockAddr::Unix(SockAddrUnix::new_abstract(prefix).unwrap_or(SockAddrUnix::unnamed()));
    check!(
        t,
        "abstract_prefix_before_nul_econnrefused",
        unix_socket(SocketType::STREAM).map(|c| net::connect(&c, &short)),
        Ok(Err(Errno::ECONNREFUSED))
    );
    // Autobind: binding the unnamed address gets a 5-hex-digit abstract name.
    let auto = unix_socket(SocketType::DGRAM);
    let got = auto.as_ref().map(|a| {
        net::bind(a, &SockAddr::Unix(SockAddrUnix::unnamed()))?;
        let n = net::getsockname(a)?;
        Ok::<_, Errno>(n.as_unix().and_then(|u| {
            u.abstract_name()
                .map(|n| (n.len(), n.iter().all(u8::is_ascii_hexdigit)))
        }))
    });
    check!(
        t,
        "autobind_gets_5_hex_digit_abstract_name",
        got,
        Ok(Ok(Some((5, true))))
    );
}

fn datagrams(t: &mut Tests) {
    let path = tmp_path("unix-dgram");
    let p = path.as_str();
    let _ = fs::unlink(p);
    let server_addr = unix_addr(p);
    let client_name = abstract_name("dgram-client");
    let client_addr = SockAddr::Unix(
        SockAddrUnix::new_abstract(client_name.as_bytes()).unwrap_or(SockAddrUnix::unnamed()),
    );
    let (Ok(server), Ok(client)) = (
        unix_socket(SocketType::DGRAM),
        unix_socket(SocketType::DGRAM),
    ) else {
        check!(t, "unix_dgram_fixture", false, true);
        return;
    };
    check!(
        t,
        "unix_dgram_bind_path_and_abstract",
        (
            net::bind(&server, &server_addr),
            net::bind(&client, &client_addr)
        ),
        (Ok(()), Ok(()))
    );
    check!(
        t,
        "unix_dgram_sendto_path",
        net::sendto(&client, b"datagram one", SendFlags::empty(), &server_addr),
        Ok(12)
    );
    let mut buf = [0u8; 32];
    let got = net::recvfrom(&server, &mut buf, RecvFlags::empty());
    check!(
        t,
        "unix_dgram_recvfrom_gives_sender_abstract_name",
        got.as_ref().map(|(n, from)| (*n, from.clone())),
        Ok((12, Some(client_addr.clone())))
    );
    check!(t, "unix_dgram_bytes", &buf[..12], b"datagram one");
    // An unbound sender has no address: the kernel reports a length of 0.
    let anon = unix_socket(SocketType::DGRAM);
    let _ = anon
        .as_ref()
        .map(|a| net::sendto(a, b"anon", SendFlags::empty(), &server_addr));
    check!(
        t,
        "unbound_sender_gives_no_address",
        net::recvfrom(&server, &mut buf, RecvFlags::empty()),
        Ok((4, None))
    );
    // sendmsg/recvmsg: gathered, scattered, with the sender's address.
    let parts = [IoSlice::new(b"gath"), IoSlice::new(b"ered")];
    check!(
        t,
        "sendmsg_gathers_two_buffers_to_path",
        net::sendmsg(
            &client,
            &parts,
            Cmsgs::NONE,
            Some(&server_addr),
            SendFlags::empty()
        ),
        Ok(8)
    );
    let (mut a, mut b) = ([0u8; 3], [0u8; 8]);
    let mut ctl = [0u8; 0];
    let got = {
        let mut iov = [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)];
        net::recvmsg(&server, &mut iov, &mut ctl, RecvFlags::empty())
            .map(|m| (m.bytes, m.flags, m.addr, m.control.is_empty()))
    };
    check!(
        t,
        "recvmsg_scatters_with_sender_address",
        (got, &a, &b[..5]),
        (
            Ok((8, RecvFlags::empty(), Some(client_addr.clone()), true)),
            b"gat",
            &b"hered"[..]
        )
    );
    // Datagram socketpair: boundaries kept, a short buffer truncates.
    let pair = unix_pair(SocketType::DGRAM);
    let got = pair.as_ref().map(|(x, y)| {
        let _ = net::send(x, b"first", SendFlags::empty());
        let _ = net::send(x, b"second!", SendFlags::empty());
        let mut one = [0u8; 16];
        let mut two = [0u8; 3];
        (
            net::recv(y, &mut one, RecvFlags::empty()),
            net::recv(y, &mut two, RecvFlags::empty()),
            two,
        )
    });
    check!(
        t,
        "dgram_pair_keeps_boundaries_truncates",
        got,
        Ok((Ok(5), Ok(3), *b"sec"))
    );
    let _ = fs::unlink(p);
}

fn seqpacket(t: &mut Tests) {
    let name = abstract_name("seqpacket");
    let addr = SockAddr::Unix(
        SockAddrUnix::new_abstract(name.as_bytes()).unwrap_or(SockAddrUnix::unnamed()),
    );
    let server = unix_socket(SocketType::SEQPACKET);
    let listening = server
        .as_ref()
        .map(|s| (net::bind(s, &addr), net::listen(s, 2)));
    check!(
        t,
        "seqpacket_bind_listen_abstract",
        listening,
        Ok((Ok(()), Ok(())))
    );
    let client = unix_socket(SocketType::SEQPACKET);
    let connected = client.as_ref().map(|c| net::connect(c, &addr));
    check!(t, "seqpacket_connect", connected, Ok(Ok(())));
    let accepted = server.as_ref().map_err(|e| *e).and_then(net::accept);
    if let (Ok(c), Ok((s, _))) = (&client, &accepted) {
        let _ = net::send(c, b"abc", SendFlags::EOR);
        let _ = net::send(c, b"defgh", SendFlags::EOR);
        let mut buf = [0u8; 16];
        check!(
            t,
            "seqpacket_records_keep_boundaries",
            (
                net::recv(s, &mut buf, RecvFlags::empty()),
                net::recv(s, &mut buf, RecvFlags::empty()),
                &buf[..5]
            ),
            (Ok(3), Ok(5), b"defgh")
        );
        check!(
            t,
            "seqpacket_type_via_so_type",
            sockopt::get_type(s),
            Ok(SocketType::SEQPACKET)
        );
        drop(accepted);
        check!(
            t,
            "seqpacket_peer_closed_recv_0",
            net::recv(c, &mut buf, RecvFlags::empty()),
            Ok(0)
        );
    } else {
        check!(t, "seqpacket_records_keep_boundaries", false, true);
        check!(t, "seqpacket_type_via_so_type", false, true);
        check!(t, "seqpacket_peer_closed_recv_0", false, true);
    }
    let pair = unix_pair(SocketType::SEQPACKET);
    check!(
        t,
        "seqpacket_socketpair_both_cloexec",
        pair.as_ref().map(|(a, b)| (cloexec(a), cloexec(b))),
        Ok((Ok(true), Ok(true)))
    );
}

/// A path of exactly `len` bytes under /tmp, unique to this process.
fn path_of_len(len: usize) -> Buf<128> {
    let mut b = Buf::<128>::new();
    let _ = write!(b, "/tmp/sysrt-test-{}-len{len}-", process::getpid());
    while b.as_bytes().len() < len {
        let _ = b.write_str("p");
    }
    b
}

/// R38: 107 bytes (+ NUL) and 108 bytes (no NUL) bind; 109 is refused before any syscall;
/// getsockname of the 108-byte path decodes although the kernel reports one byte more.
fn path_lengths(t: &mut Tests) {
    for (len, case) in [
        (107, "bind_path_of_107_bytes"),
        (108, "bind_path_of_108_bytes_no_nul"),
    ] {
        let path = path_of_len(len);
        let p = path.as_str();
        let _ = fs::unlink(p);
        let got = SockAddrUnix::new(p).and_then(|a| {
            let s = unix_socket(SocketType::STREAM)?;
            let addr = SockAddr::Unix(a);
            net::bind(&s, &addr)?;
            let back = net::getsockname(&s)?;
            Ok((
                back == addr,
                back.as_unix().and_then(SockAddrUnix::path).map(<[u8]>::len),
            ))
        });
        check!(t, case, got, Ok((true, Some(len))));
        let _ = fs::unlink(p);
    }
    check!(
        t,
        "path_of_109_bytes_enametoolong_before_syscall",
        SockAddrUnix::new(path_of_len(109).as_str()).map(drop),
        Err(Errno::ENAMETOOLONG)
    );
    check!(
        t,
        "abstract_name_of_108_bytes_enametoolong",
        SockAddrUnix::new_abstract([b'a'; 108]).map(drop),
        Err(Errno::ENAMETOOLONG)
    );
    check!(
        t,
        "path_with_interior_nul_einval",
        SockAddrUnix::new("/tmp/a\0b").map(drop),
        Err(Errno::EINVAL)
    );
}

fn connect_errors(t: &mut Tests) {
    // R40: a datagram socket connecting to a stream listener's path (an abstract name is
    // looked up with the type, so it gives ECONNREFUSED instead).
    let path = tmp_path("unix-prototype");
    let _ = fs::unlink(path.as_str());
    let addr = unix_addr(path.as_str());
    let listener = unix_socket(SocketType::STREAM).and_then(|l| {
        net::bind(&l, &addr)?;
        net::listen(&l, 1)?;
        Ok(l)
    });
    check!(
        t,
        "dgram_connect_to_stream_socket_eprototype",
        listener
            .as_ref()
            .map(|_| unix_socket(SocketType::DGRAM).map(|d| net::connect(&d, &addr))),
        Ok(Ok(Err(Errno::EPROTOTYPE)))
    );
    drop(listener);
    let _ = fs::unlink(path.as_str());
    let missing = tmp_path("unix-missing");
    let _ = fs::unlink(missing.as_str());
    check!(
        t,
        "connect_missing_path_enoent",
        unix_socket(SocketType::STREAM).map(|c| net::connect(&c, &unix_addr(missing.as_str()))),
        Ok(Err(Errno::ENOENT))
    );
    check!(
        t,
        "unix_connect_inet_address_einval",
        unix_socket(SocketType::STREAM).map(|c| net::connect(&c, &sysrt_tests::sock::v4(1))),
        Ok(Err(Errno::EINVAL))
    );
    check!(
        t,
        "unix_send_unconnected_dgram_enotconn",
        unix_socket(SocketType::DGRAM).map(|d| net::send(&d, b"x", SendFlags::empty())),
        Ok(Err(Errno::ENOTCONN))
    );
}

/// Opens a fixture file with `bytes` in it.
fn fixture(name: &str, bytes: &[u8]) -> Result<(OwnedFd, Buf<256>), Errno> {
    let path = tmp_path(name);
    let fd = fs::open(
        path.as_str(),
        OFlags::CREAT | OFlags::TRUNC | OFlags::RDWR,
        Mode::from_octal(0o600),
    )?;
    io::write_all(&fd, bytes)?;
    Ok((fd, path))
}

fn passing_fds(t: &mut Tests) {
    let Ok((a, b)) = unix_pair(SocketType::STREAM) else {
        check!(t, "scm_rights_fixture", false, true);
        return;
    };
    let Ok((file, path)) = fixture("unix-shared", b"shared through SCM_RIGHTS") else {
        check!(t, "scm_rights_fixture", false, true);
        return;
    };
    let mut cbuf = [0u8; cmsg_space(4)];
    let sent = net::unix_rights(&mut cbuf, &[file.as_fd()])
        .and_then(|c| net::sendmsg(&a, &[IoSlice::new(b"F")], c, None, SendFlags::empty()));
    check!(t, "sendmsg_scm_rights_one_fd", sent, Ok(1));
    drop(file);
    let _ = fs::unlink(path.as_str());
    // R43: exactly one descriptor arrives (cmsg_len is CMSG_LEN, not CMSG_SPACE).
    let mut byte = [0u8; 1];
    let mut rbuf = [0u8; 64];
    let mut iov = [IoSliceMut::new(&mut byte)];
    let got = net::recvmsg(&b, &mut iov, &mut rbuf, RecvFlags::empty());
    let Ok(mut msg) = got else {
        check!(t, "recvmsg_one_fd_not_two", got.map(drop), Ok(()));
        return;
    };
    let first = msg.control.iter().next();
    check!(
        t,
        "control_message_is_rights_of_cmsg_len_20",
        first.map(|m| m.map(|m| (m.is_rights(), m.data.len()))),
        Some(Ok((true, 4)))
    );
    let numbers = first
        .and_then(Result::ok)
        .and_then(|m| net::parse_unix_rights(&m).ok())
        .map(|mut it| (it.next(), it.next()));
    let mut fds = msg.control.take_fds();
    let fd = fds.next();
    let extra = fds.next();
    check!(
        t,
        "recvmsg_one_fd_not_two",
        (fd.is_some(), extra.is_none(), msg.bytes),
        (true, true, 1)
    );
    check!(
        t,
        "parse_unix_rights_gives_the_taken_number",
        numbers,
        Some((fd.as_ref().map(|f| f.as_raw_fd()), None))
    );
    drop(msg);
    if let Some(fd) = fd {
        check!(
            t,
            "received_fd_has_cloexec_msg_cmsg_cloexec",
            cloexec(&fd),
            Ok(true)
        );
        let mut buf = [0u8; 32];
        check!(
            t,
            "received_fd_reads_the_shared_file",
            (io::pread(&fd, &mut buf, 0), &buf[..25]),
            (Ok(25), b"shared through SCM_RIGHTS")
        );
    } else {
        check!(t, "received_fd_has_cloexec_msg_cmsg_cloexec", false, true);
        check!(t, "received_fd_reads_the_shared_file", false, true);
    }

    // R42: 16 descriptors into a control buffer that holds 5.
    if under_qemu() {
        // Observed with qemu 7.2: 14 fds are installed ((2 * 36 - 16) / 4), 5 reported, and
        // the other 9 stay open in the process, unreported: the case would leak them.
        let why = "QEMU: recvmsg hands the kernel a control buffer twice the guest's, so \
                   fds that do not fit the guest's buffer are installed, unreported, and leak";
        t.skip("sendmsg_16_fds", why);
        t.skip("recvmsg_ctrunc_5_of_16_fds_owned", why);
        return;
    }
    let nul = fs::open("/dev/null", OFlags::RDONLY, Mode::empty());
    let Ok(nul) = nul else {
        check!(t, "scm_rights_16_fds_fixture", false, true);
        return;
    };
    let dups: [Option<OwnedFd>; 16] = core::array::from_fn(|_| io::dup(&nul).ok());
    let borrowed: [BorrowedFd<'_>; 16] =
        core::array::from_fn(|i| dups[i].as_ref().map_or(nul.as_fd(), |d| d.as_fd()));
    let mut big = [0u8; cmsg_space(64)];
    let sent = net::unix_rights(&mut big, &borrowed)
        .and_then(|c| net::sendmsg(&a, &[IoSlice::new(b"G")], c, None, SendFlags::empty()));
    check!(t, "sendmsg_16_fds", sent, Ok(1));
    drop(dups);
    let mut small = [0u8; cmsg_len(5 * 4)];
    let mut iov = [IoSliceMut::new(&mut byte)];
    let got = net::recvmsg(&b, &mut iov, &mut small, RecvFlags::empty()).map(|mut m| {
        let n = m.control.take_fds().count();
        (m.flags.contains(RecvFlags::CTRUNC), n)
    });
    // The 5 that arrived were owned and are closed by now; the kernel closed the other 11
    // (no_fd_leaked checks both).
    check!(t, "recvmsg_ctrunc_5_of_16_fds_owned", got, Ok((true, 5)));
}

fn credentials(t: &mut Tests) {
    let Ok((a, b)) = unix_pair(SocketType::DGRAM) else {
        check!(t, "scm_credentials_fixture", false, true);
        return;
    };
    check!(
        t,
        "socketpair_so_peercred_is_ours",
        sockopt::get_peercred(&a),
        Ok(our_creds())
    );
    check!(
        t,
        "so_passcred_set_then_get",
        (sockopt::set_passcred(&b, true), sockopt::get_passcred(&b)),
        (Ok(()), Ok(true))
    );
    let me = our_creds();
    let mut cbuf = [0u8; cmsg_space(12)];
    check!(
        t,
        "sendmsg_scm_credentials",
        net::unix_credentials(&mut cbuf, &me).and_then(|c| net::sendmsg(
            &a,
            &[IoSlice::new(b"C")],
            c,
            None,
            SendFlags::empty()
        )),
        Ok(1)
    );
    let mut byte = [0u8; 1];
    let mut rbuf = [0u8; 64];
    let mut iov = [IoSliceMut::new(&mut byte)];
    check!(
        t,
        "recvmsg_scm_credentials_pid_uid_gid",
        net::recvmsg(&b, &mut iov, &mut rbuf, RecvFlags::empty()).map(|m| m.control.credentials()),
        Ok(Some(me))
    );
    // Without a message of its own, SO_PASSCRED still attaches the sender's credentials.
    let _ = net::send(&a, b"D", SendFlags::empty());
    let mut iov = [IoSliceMut::new(&mut byte)];
    check!(
        t,
        "so_passcred_attaches_sender_credentials",
        net::recvmsg(&b, &mut iov, &mut rbuf, RecvFlags::empty()).map(|m| m.control.credentials()),
        Ok(Some(me))
    );
    // Claiming another pid needs CAP_SYS_ADMIN.
    let forged = Ucred {
        pid: Pid::from_raw(1),
        ..me
    };
    let mut cbuf = [0u8; cmsg_space(12)];
    let mut w = CmsgWriter::new(&mut cbuf);
    let _ = w.push_credentials(&forged);
    let sent = net::sendmsg(
        &a,
        &[IoSlice::new(b"E")],
        w.cmsgs(),
        None,
        SendFlags::empty(),
    );
    if has_cap(linux_raw_sys::general::CAP_SYS_ADMIN) {
        t.skip(
            "forged_scm_credentials_pid_eperm",
            "has CAP_SYS_ADMIN, which may claim any pid",
        );
        let _ = net::recv(&b, &mut byte, RecvFlags::DONTWAIT);
    } else {
        check!(
            t,
            "forged_scm_credentials_pid_eperm",
            sent,
            Err(Errno::EPERM)
        );
    }
}

sysrt_rt::main!(main);
