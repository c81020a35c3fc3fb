//! Helpers for the socket and event test programs: loopback addresses, listeners and
//! connected pairs, exact reads, and a one-shot timer that interrupts a blocking call.
//!
//! Every address here is a loopback one: the tests never send anything off the machine.

use core::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};
use core::sync::atomic::{AtomicU32, Ordering};

use sysrt::fd::{AsFd, OwnedFd};
use sysrt::net::{self, AddressFamily, Protocol, SockAddr, SocketType};
use sysrt::signal::{self, Handler, SaFlags, SigAction, Signal};
use sysrt::{Errno, io};

/// `127.0.0.1:port`.
pub fn v4(port: u16) -> SockAddr {
    SockAddr::Inet4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port))
}

/// `[::1]:port`.
pub fn v6(port: u16) -> SockAddr {
    SockAddr::Inet6(SocketAddrV6::new(Ipv6Addr::LOCALHOST, port, 0, 0))
}

/// The port of an inet address (0 for another family).
pub fn port(a: &SockAddr) -> u16 {
    a.as_inet().map_or(0, |a| a.port())
}

/// A TCP socket listening on `addr` (port 0 for an ephemeral one), with the port it got.
pub fn tcp_listener(addr: &SockAddr) -> Result<(OwnedFd, u16), Errno> {
    let s = net::socket(addr.family(), SocketType::STREAM, Protocol::DEFAULT)?;
    net::bind(&s, addr)?;
    net::listen(&s, 128)?;
    let p = port(&net::getsockname(&s)?);
    Ok((s, p))
}

/// A connected TCP pair over loopback (client, server end), made in one process: a blocking
/// connect to a listener on loopback completes from the kernel's backlog before `accept`.
pub fn tcp_pair(listener: impl AsFd, to: &SockAddr) -> Result<(OwnedFd, OwnedFd), Errno> {
    let c = net::socket(to.family(), SocketType::STREAM, Protocol::DEFAULT)?;
    net::connect(&c, to)?;
    let (s, _) = net::accept(listener)?;
    Ok((c, s))
}

/// A connected `AF_UNIX` pair of type `ty`.
pub fn unix_pair(ty: SocketType) -> Result<(OwnedFd, OwnedFd), Errno> {
    net::socketpair(
        AddressFamily::UNIX,
        ty,
        net::SocketFlags::empty(),
        Protocol::DEFAULT,
    )
}

/// Reads exactly `buf.len()` bytes (retrying `EINTR`); `EIO` at an early end of stream.
pub fn read_exact(fd: impl AsFd, buf: &mut [u8]) -> Result<(), Errno> {
    let fd = fd.as_fd();
    let mut got = 0;
    while let Some(rest) = buf.get_mut(got..).filter(|b| !b.is_empty()) {
        match sysrt::retry_on_intr(|| io::read(fd, rest))? {
            0 => return Err(Errno::EIO),
            n => got += n,
        }
    }
    Ok(())
}

/// How many `SIGALRM`s [`on_alarm`] took.
pub static ALARMS: AtomicU32 = AtomicU32::new(0);

extern "C" fn on_alarm(_sig: Signal) {
    ALARMS.fetch_add(1, Ordering::SeqCst);
}

/// Installs a counting `SIGALRM` handler without `SA_RESTART`, so a blocking call the timer
/// interrupts returns `EINTR`.
pub fn install_alarm_handler() -> Result<(), Errno> {
    let act = SigAction::new(Handler::Plain(on_alarm)).with_flags(SaFlags::empty());
    // SAFETY: `on_alarm` only increments an atomic: async-signal-safe.
    unsafe { signal::sigaction(Signal::ALRM, &act) }.map(drop)
}

/// Restores `SIGALRM`'s default action (disarm the timer first).
pub fn remove_alarm_handler() -> Result<(), Errno> {
    signal::reset(Signal::ALRM).map(drop)
}

/// Arms a repeating real-time timer firing every `ms` milliseconds (0 disarms it). It
/// repeats so that a blocking call entered after one expiry is still interrupted by the next.
pub fn alarm_every(ms: i64) -> Result<(), Errno> {
    crate::itimer::arm(ms * 1000, ms * 1000)
}
