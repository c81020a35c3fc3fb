//! Not a test: loopback network measurements with sysrt, the counterpart of
//! `xtask/bench-peers/net_std.rs` (the same program on `std::net`). Run by hand:
//!
//! - `bench_net pingpong [N]`: 1-byte TCP ping-pong, N round trips (default 100,000); median
//!   and p99 in ns.
//! - `bench_net bulk [MIB]`: MIB MiB (default 1024) over one TCP connection; MiB/s.
//! - `bench_net epoll [CONNS] [ROUNDS]`: an epoll echo server (a forked child) with CONNS
//!   connections (default 1,000): its VmHWM with all of them idle, then ROUNDS rounds (default
//!   10) of one byte echoed on every connection.
//!
//! The server is a forked child in every mode; the listener is bound before the fork.
#![no_std]
#![no_main]

use core::time::Duration;

use sysrt::event::{self, EpollCreateFlags, EpollEvent, EpollFlags};
use sysrt::fd::OwnedFd;
use sysrt::net::{
    self, AddressFamily, Protocol, RecvFlags, SendFlags, Shutdown, SocketType, sockopt,
};
use sysrt::process::{self, Pid, WaitOptions, WaitTarget};
use sysrt::signal::{self, Signal};
use sysrt::time::{self, ClockId};
use sysrt::{Errno, io};
use sysrt_rt::println;
use sysrt_tests::sock::{read_exact, tcp_listener, v4};

fn now_ns() -> i64 {
    time::clock_gettime(ClockId::MONOTONIC).map_or(0, |t| t.sec * 1_000_000_000 + t.nsec)
}

fn arg_num(i: usize, default: u64) -> u64 {
    sysrt_rt::args()
        .nth(i)
        .and_then(|a| core::str::from_utf8(a.to_bytes()).ok()?.parse().ok())
        .unwrap_or(default)
}

/// Forks the server `f` (which gets the listener) and returns its pid.
fn fork_server(listener: &OwnedFd, f: fn(&OwnedFd) -> Result<(), Errno>) -> Result<Pid, Errno> {
    // SAFETY: single-threaded; the child runs `f` (syscalls only) and exits with exit_group.
    match unsafe { process::fork() }? {
        None => process::exit_group(i32::from(f(listener).is_err())),
        Some(pid) => Ok(pid),
    }
}

fn reap(pid: Pid) {
    let _ = sysrt::retry_on_intr(|| process::wait4(WaitTarget::Child(pid), WaitOptions::empty()));
}

fn connect(port: u16) -> Result<OwnedFd, Errno> {
    let c = net::socket(AddressFamily::INET, SocketType::STREAM, Protocol::DEFAULT)?;
    net::connect(&c, &v4(port))?;
    sockopt::set_tcp_nodelay(&c, true)?;
    Ok(c)
}

fn pingpong_server(l: &OwnedFd) -> Result<(), Errno> {
    let (c, _) = net::accept(l)?;
    sockopt::set_tcp_nodelay(&c, true)?;
    let mut b = [0u8; 1];
    while net::recv(&c, &mut b, RecvFlags::empty())? == 1 {
        net::send(&c, &b, SendFlags::empty())?;
    }
    Ok(())
}

fn pingpong() -> Result<(), Errno> {
    const MAX: usize = 100_000;
    let n = (arg_num(2, MAX as u64) as usize).clamp(1, MAX);
    let (l, port) = tcp_listener(&v4(0))?;
    let pid = fork_server(&l, pingpong_server)?;
    let c = connect(port)?;
    let mut lat = [0u32; MAX];
    let mut b = [7u8; 1];
    for slot in lat.iter_mut().take(n) {
        let t0 = now_ns();
        net::send(&c, &b, SendFlags::empty())?;
        read_exact(&c, &mut b)?;
        *slot = (now_ns() - t0).clamp(0, i64::from(u32::MAX)) as u32;
    }
    drop(c);
    reap(pid);
    let lat = &mut lat[..n];
    lat.sort_unstable();
    println!(
        "sysrt pingpong {n} round trips: median {} ns, p99 {} ns",
        lat[n / 2],
        lat[(n * 99 / 100).min(n - 1)]
    );
    Ok(())
}

fn bulk_server(l: &OwnedFd) -> Result<(), Errno> {
    let (c, _) = net::accept(l)?;
    let mut buf = [0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        match net::recv(&c, &mut buf, RecvFlags::empty())? {
            0 => break,
            k => total += k as u64,
        }
    }
    io::write_all(&c, &total.to_ne_bytes())
}

fn bulk() -> Result<(), Errno> {
    let mib = arg_num(2, 1024).max(1);
    let (l, port) = tcp_listener(&v4(0))?;
    let pid = fork_server(&l, bulk_server)?;
    let c = connect(port)?;
    let buf = [0x5au8; 64 * 1024];
    let t0 = now_ns();
    for _ in 0..mib * 16 {
        io::write_all(&c, &buf)?;
    }
    net::shutdown(&c, Shutdown::Write)?;
    let mut got = [0u8; 8];
    read_exact(&c, &mut got)?;
    let ns = now_ns() - t0;
    reap(pid);
    let bytes = u64::from_ne_bytes(got);
    println!(
        "sysrt bulk {} MiB in {} ms: {} MiB/s",
        bytes >> 20,
        ns / 1_000_000,
        (bytes as f64 / 1048576.0) / (ns as f64 / 1e9)
    );
    Ok(())
}

fn epoll_server(l: &OwnedFd) -> Result<(), Errno> {
    const MAX: usize = 4096;
    let ep = event::epoll_create1(EpollCreateFlags::empty())?;
    event::epoll_add(&ep, l, EpollFlags::IN, u64::MAX)?;
    let mut conns: [Option<OwnedFd>; MAX] = [const { None }; MAX];
    let mut evs = [EpollEvent::zeroed(); 256];
    let mut buf = [0u8; 4096];
    loop {
        let n = sysrt::retry_on_intr(|| event::epoll_wait(&ep, &mut evs, None))?;
        for e in &evs[..n] {
            if e.data() == u64::MAX {
                let (c, _) = net::accept(l)?;
                let slot = conns
                    .iter()
                    .position(Option::is_none)
                    .ok_or(Errno::EMFILE)?;
                event::epoll_add(&ep, &c, EpollFlags::IN, slot as u64)?;
                conns[slot] = Some(c);
                continue;
            }
            let slot = e.data() as usize;
            let Some(c) = conns.get(slot).and_then(Option::as_ref) else {
                continue;
            };
            match net::recv(c, &mut buf, RecvFlags::DONTWAIT) {
                Ok(0) | Err(_) => conns[slot] = None,
                Ok(k) => {
                    let _ = io::write_all(c, &buf[..k]);
                }
            }
        }
    }
}

/// The `VmHWM:` of `/proc/<pid>/status`, in kB.
fn vm_hwm(pid: Pid) -> Option<u64> {
    let mut path = sysrt_tests::check::Buf::<64>::new();
    let _ = core::fmt::Write::write_fmt(&mut path, format_args!("/proc/{}/status", pid.raw()));
    let mut text = [0u8; 4096];
    let t = sysrt_tests::util::file_contents(path.as_str(), &mut text).ok()?;
    let line = t
        .split(|&c| c == b'\n')
        .find(|l| l.starts_with(b"VmHWM:"))?;
    let digits: &[u8] = line.get(6..)?.trim_ascii();
    let digits = digits.split(|&c| c == b' ').next()?;
    core::str::from_utf8(digits).ok()?.parse().ok()
}

fn epoll() -> Result<(), Errno> {
    const MAX: usize = 4000;
    let conns = (arg_num(2, 1000) as usize).clamp(1, MAX);
    let rounds = arg_num(3, 10).max(1);
    if let Ok(l) = process::getrlimit(process::Resource::Nofile) {
        let want = (2 * conns as u64 + 64).min(l.max);
        let _ = process::setrlimit(
            process::Resource::Nofile,
            process::Rlimit {
                cur: want,
                max: l.max,
            },
        );
    }
    let (l, port) = tcp_listener(&v4(0))?;
    let pid = fork_server(&l, epoll_server)?;
    let mut cs: [Option<OwnedFd>; MAX] = [const { None }; MAX];
    for c in cs.iter_mut().take(conns) {
        *c = Some(connect(port)?);
    }
    // Let the server accept them all: one echo round trip on the last one.
    let mut b = [1u8; 1];
    if let Some(Some(last)) = cs.get(conns - 1) {
        net::send(last, &b, SendFlags::empty())?;
        read_exact(last, &mut b)?;
    }
    sysrt_tests::child::sleep_ms(100);
    let hwm = vm_hwm(pid);
    let ep = event::epoll_create1(EpollCreateFlags::empty())?;
    for (i, c) in cs.iter().take(conns).enumerate() {
        if let Some(c) = c {
            event::epoll_add(&ep, c, EpollFlags::IN, i as u64)?;
        }
    }
    let mut evs = [EpollEvent::zeroed(); 256];
    let t0 = now_ns();
    for _ in 0..rounds {
        for c in cs.iter().take(conns).flatten() {
            net::send(c, &b, SendFlags::empty())?;
        }
        let mut got = 0;
        while got < conns {
            let n = event::epoll_wait(&ep, &mut evs, Some(Duration::from_secs(10)))?;
            if n == 0 {
                return Err(Errno::ETIMEDOUT);
            }
            for e in &evs[..n] {
                if let Some(Some(c)) = cs.get(e.data() as usize) {
                    read_exact(c, &mut b)?;
                    got += 1;
                }
            }
        }
    }
    let ns = now_ns() - t0;
    let _ = signal::kill(pid, Signal::KILL);
    reap(pid);
    println!(
        "sysrt epoll echo: {conns} connections, server VmHWM {} kB idle; {rounds} rounds of 1 byte each in {} ms ({} ns per echo)",
        hwm.unwrap_or(0),
        ns / 1_000_000,
        ns / (rounds as i64 * conns as i64)
    );
    Ok(())
}

fn main() -> i32 {
    let mode = sysrt_rt::args().nth(1).map(|a| a.to_bytes());
    let r = match mode {
        Some(b"pingpong") => pingpong(),
        Some(b"bulk") => bulk(),
        Some(b"epoll") => epoll(),
        _ => {
            println!("usage: bench_net pingpong [N] | bulk [MIB] | epoll [CONNS] [ROUNDS]");
            return 2;
        }
    };
    match r {
        Ok(()) => 0,
        Err(e) => {
            println!("bench_net: {e}");
            1
        }
    }
}

sysrt_rt::main!(main);
