//! The echo server and its client, shared by `echo-server` and `echo-client`: one epoll loop
//! each, non-blocking sockets throughout, no allocation.

use core::time::Duration;

use sysrt::Errno;
use sysrt::event::{self, EpollCreateFlags, EpollEvent, EpollFlags, PollFd, PollFlags};
use sysrt::fd::{AsFd, OwnedFd};
use sysrt::net::{
    self, Protocol, RecvFlags, SendFlags, SockAddr, SocketFlags, SocketType, sockopt,
};
use sysrt::signal::{Notify, Signal};

/// The most connections the server holds at once (and clients the client runs): the slots
/// are a fixed array, so nothing is allocated.
pub const MAX_CONNS: usize = 1024;

/// The epoll data word of the listener and of the signal descriptor; a connection's is its
/// slot number.
const LISTENER: u64 = u64::MAX;
const SIGNALS: u64 = u64::MAX - 1;

/// What the server did before it shut down.
#[derive(Copy, Clone, Debug, Default)]
pub struct ServerStats {
    /// Connections accepted.
    pub connections: u64,
    /// Bytes echoed.
    pub bytes: u64,
    /// Connections refused because every slot was taken.
    pub refused: u64,
    /// The signal that ended the loop.
    pub stopped_by: Option<Signal>,
}

/// A non-blocking TCP listener on `addr` with `SO_REUSEADDR`.
///
/// # Errors
/// Those of `socket`, `setsockopt`, `bind` and `listen`.
pub fn listen(addr: &SockAddr) -> Result<OwnedFd, Errno> {
    let l = net::socket_with(
        addr.family(),
        SocketType::STREAM,
        SocketFlags::NONBLOCK,
        Protocol::DEFAULT,
    )?;
    sockopt::set_reuseaddr(&l, true)?;
    net::bind(&l, addr)?;
    net::listen(&l, MAX_CONNS as u32)?;
    Ok(l)
}

/// Sends all of `buf` on a non-blocking socket, waiting with `poll` when it is full.
fn send_all(fd: impl AsFd, mut buf: &[u8]) -> Result<(), Errno> {
    let fd = fd.as_fd();
    while !buf.is_empty() {
        match net::send(fd, buf, SendFlags::NOSIGNAL) {
            Ok(n) => buf = buf.get(n..).unwrap_or_default(),
            Err(Errno::EAGAIN) => {
                let mut p = [PollFd::new(fd, PollFlags::OUT)];
                event::poll(&mut p, Some(Duration::from_secs(5)))?;
            }
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Runs the echo server on `listener` until `signals` (its descriptor is watched in the
/// same epoll set) delivers `SIGTERM` or `SIGINT`: accepts every pending connection when the
/// listener is readable, echoes what each connection sends, closes it at end of stream.
/// Every connection is closed on return.
///
/// # Errors
/// Those of `epoll_create1`/`epoll_ctl`/`epoll_wait` and of reading the signals; a failing
/// connection is closed, not an error of the server.
pub fn serve(listener: &OwnedFd, signals: &Notify) -> Result<ServerStats, Errno> {
    let ep = event::epoll_create1(EpollCreateFlags::empty())?;
    event::epoll_add(&ep, listener, EpollFlags::IN, LISTENER)?;
    event::epoll_add(&ep, signals, EpollFlags::IN, SIGNALS)?;
    let mut conns: [Option<OwnedFd>; MAX_CONNS] = [const { None }; MAX_CONNS];
    let mut stats = ServerStats::default();
    let mut events = [EpollEvent::zeroed(); 64];
    let mut buf = [0u8; 16 * 1024];
    while stats.stopped_by.is_none() {
        let n = match event::epoll_wait(&ep, &mut events, None) {
            Ok(n) => n,
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e),
        };
        for e in &events[..n] {
            match e.data() {
                LISTENER => loop {
                    match net::accept4(listener, SocketFlags::NONBLOCK) {
                        Ok((conn, _peer)) => {
                            let Some(slot) = conns.iter().position(Option::is_none) else {
                                stats.refused += 1;
                                continue; // dropping `conn` closes it
                            };
                            event::epoll_add(
                                &ep,
                                &conn,
                                EpollFlags::IN | EpollFlags::RDHUP,
                                slot as u64,
                            )?;
                            conns[slot] = Some(conn);
                            stats.connections += 1;
                        }
                        Err(Errno::EAGAIN) => break,
                        Err(Errno::EINTR | Errno::ECONNABORTED) => {}
                        // Out of descriptors or memory: leave the rest in the queue.
                        Err(_) => break,
                    }
                },
                SIGNALS => {
                    while let Some(info) = signals.try_recv()? {
                        if let Some(sig @ (Signal::TERM | Signal::INT)) = info.signal() {
                            stats.stopped_by = Some(sig);
                        }
                    }
                }
                slot => {
                    let Some(conn) = conns.get(slot as usize).and_then(Option::as_ref) else {
                        continue;
                    };
                    let mut open = true;
                    loop {
                        match net::recv(conn, &mut buf, RecvFlags::empty()) {
                            Ok(0) => {
                                open = false;
                                break;
                            }
                            Ok(k) => match send_all(conn, &buf[..k]) {
                                Ok(()) => stats.bytes += k as u64,
                                Err(_) => {
                                    open = false;
                                    break;
                                }
                            },
                            Err(Errno::EAGAIN) => break,
                            Err(Errno::EINTR) => {}
                            Err(_) => {
                                open = false;
                                break;
                            }
                        }
                    }
                    if !open || e.events().intersects(EpollFlags::HUP | EpollFlags::ERR) {
                        // Closing the last descriptor of the socket also removes it from `ep`.
                        conns[slot as usize] = None;
                    }
                }
            }
        }
    }
    Ok(stats)
}

/// What the clients saw.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientReport {
    /// Clients whose every byte came back as sent.
    pub verified: usize,
    /// Bytes received back in all.
    pub bytes: u64,
}

/// The message client `i` sends: 48 bytes, unique to it.
fn message(i: usize) -> [u8; 48] {
    let mut m = *b"client 0000 of the sysrt echo demo says hello!\r\n";
    let mut n = i;
    for d in m[7..11].iter_mut().rev() {
        *d = b'0' + (n % 10) as u8;
        n /= 10;
    }
    m
}

/// One client's progress.
#[derive(Default)]
struct Client {
    fd: Option<OwnedFd>,
    sent: bool,
    got: usize,
}

/// Connects `n` clients (at most [`MAX_CONNS`]) to `addr` at once, all non-blocking in one
/// epoll loop; each sends its own message and checks that exactly those bytes come back.
///
/// # Errors
/// `EIO` if an echo differs from what was sent or a connection ends early, `ETIMEDOUT` if
/// nothing happens for 10 s, and the errors of the socket calls.
pub fn run_clients(addr: &SockAddr, n: usize) -> Result<ClientReport, Errno> {
    let n = n.min(MAX_CONNS);
    let ep = event::epoll_create1(EpollCreateFlags::empty())?;
    let mut clients: [Client; MAX_CONNS] = core::array::from_fn(|_| Client::default());
    for (i, c) in clients.iter_mut().enumerate().take(n) {
        let fd = net::socket_with(
            addr.family(),
            SocketType::STREAM,
            SocketFlags::NONBLOCK,
            Protocol::DEFAULT,
        )?;
        match net::connect(&fd, addr) {
            Ok(()) | Err(Errno::EINPROGRESS) => {}
            Err(e) => return Err(e),
        }
        event::epoll_add(&ep, &fd, EpollFlags::OUT, i as u64)?;
        c.fd = Some(fd);
    }
    let mut report = ClientReport::default();
    let mut events = [EpollEvent::zeroed(); 64];
    let mut buf = [0u8; 64];
    while report.verified < n {
        let k = match event::epoll_wait(&ep, &mut events, Some(Duration::from_secs(10))) {
            Ok(0) => return Err(Errno::ETIMEDOUT),
            Ok(k) => k,
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e),
        };
        for e in &events[..k] {
            let i = e.data() as usize;
            let c = clients.get_mut(i).ok_or(Errno::EIO)?;
            let Some(fd) = c.fd.as_ref() else { continue };
            let want = message(i);
            if !c.sent && e.events().contains(EpollFlags::OUT) {
                if let Some(err) = sockopt::get_error(fd)? {
                    return Err(err);
                }
                send_all(fd, &want)?;
                c.sent = true;
                event::epoll_modify(&ep, fd, EpollFlags::IN, i as u64)?;
                continue;
            }
            loop {
                match net::recv(fd, &mut buf, RecvFlags::empty()) {
                    Ok(0) => return Err(Errno::EIO),
                    Ok(got) => {
                        let expected = want.get(c.got..c.got + got).ok_or(Errno::EIO)?;
                        if expected != &buf[..got] {
                            return Err(Errno::EIO);
                        }
                        c.got += got;
                        report.bytes += got as u64;
                        if c.got == want.len() {
                            report.verified += 1;
                            c.fd = None;
                            break;
                        }
                    }
                    Err(Errno::EAGAIN) => break,
                    Err(Errno::EINTR) => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }
    Ok(report)
}

/// The loopback address `127.0.0.1:port`.
pub fn loopback(port: u16) -> SockAddr {
    SockAddr::Inet4(core::net::SocketAddrV4::new(
        core::net::Ipv4Addr::LOCALHOST,
        port,
    ))
}

/// The port of an inet address (0 for another family).
pub fn port_of(a: &SockAddr) -> u16 {
    a.as_inet().map_or(0, |a| a.port())
}

/// Parses a decimal number.
pub fn parse_number(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 19 {
        return None;
    }
    b.iter().try_fold(0u64, |acc, &d| {
        d.is_ascii_digit().then(|| acc * 10 + u64::from(d - b'0'))
    })
}
