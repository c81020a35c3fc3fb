//! `echo-server [PORT]`: a TCP echo server on 127.0.0.1 built on one epoll loop: non-blocking
//! accept of every pending connection, an echo of whatever each client sends, and a clean
//! shutdown on SIGTERM or SIGINT, received as a value through `signal::Notify` (a signalfd
//! in the same epoll set), which closes every connection and reports what was served.
//!
//! With no arguments it demonstrates itself: it listens on an ephemeral loopback port, forks
//! a child that connects 100 clients at once (the `echo-client` code), each checking that its
//! own message comes back byte for byte; the child then sends the server SIGTERM, and the
//! server shuts down, reaps the child and reports.
#![no_std]
#![no_main]

use sysrt::net;
use sysrt::process::{self, WaitOptions, WaitTarget};
use sysrt::signal::{self, Notify, SigSet, Signal};
use sysrt_examples::echo::{self, loopback, parse_number, port_of};
use sysrt_rt::{eprintln, println};

/// Clients in the demonstration.
const DEMO_CLIENTS: usize = 100;

fn main() -> i32 {
    let mut args = sysrt_rt::args().skip(1);
    let port = match args.next() {
        None => None,
        Some(a) => match parse_number(a.to_bytes()).and_then(|p| u16::try_from(p).ok()) {
            Some(p) => Some(p),
            None => {
                eprintln!("usage: echo-server [PORT]");
                return 2;
            }
        },
    };
    // Block SIGTERM and SIGINT before anything else (a fork inherits the mask), and take
    // them from a signalfd instead.
    let signals = match Notify::new(SigSet::EMPTY.with(Signal::TERM).with(Signal::INT)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("echo-server: signalfd: {e}");
            return 1;
        }
    };
    let listener = match echo::listen(&loopback(port.unwrap_or(0))) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("echo-server: listen: {e}");
            return 1;
        }
    };
    let addr = net::getsockname(&listener).map_or(loopback(0), |a| a);
    println!("echo-server: listening on 127.0.0.1:{}", port_of(&addr));

    let client = match port {
        Some(_) => None,
        // SAFETY: single-threaded; the child only makes syscalls (and prints nothing) before
        // it exits with exit_group.
        None => match unsafe { process::fork() } {
            Ok(None) => {
                let ok = matches!(
                    echo::run_clients(&addr, DEMO_CLIENTS),
                    Ok(r) if r.verified == DEMO_CLIENTS
                );
                let _ = signal::kill(process::getppid(), Signal::TERM);
                process::exit_group(if ok { 0 } else { 1 });
            }
            Ok(Some(pid)) => Some(pid),
            Err(e) => {
                eprintln!("echo-server: fork: {e}");
                return 1;
            }
        },
    };

    let stats = match echo::serve(&listener, &signals) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("echo-server: {e}");
            return 1;
        }
    };
    let by = stats.stopped_by.and_then(Signal::name).unwrap_or("?");
    println!(
        "echo-server: {} connections, {} bytes echoed, {} refused; shut down cleanly on {by}",
        stats.connections, stats.bytes, stats.refused
    );
    let Some(pid) = client else { return 0 };
    match sysrt::retry_on_intr(|| process::wait4(WaitTarget::Child(pid), WaitOptions::empty())) {
        Ok(Some((_, st))) if st.exit_status() == Some(0) => {
            println!(
                "echo-server: {DEMO_CLIENTS} clients at once each got their own message back, byte for byte"
            );
            0
        }
        other => {
            eprintln!("echo-server: the client failed: {other:?}");
            1
        }
    }
}

sysrt_rt::main!(main);
