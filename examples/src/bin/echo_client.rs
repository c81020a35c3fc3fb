//! `echo-client PORT [N]`: connects N clients (default 100, at most 1024) at once to an echo
//! server on 127.0.0.1:PORT, all non-blocking in one epoll loop; each sends its own message
//! and checks that exactly those bytes come back.
//!
//! With no arguments it demonstrates itself: it forks an `echo-server` (the same code) on an
//! ephemeral loopback port, runs 100 clients against it, then stops it with SIGTERM and
//! checks that it shut down cleanly (exit status 0).
#![no_std]
#![no_main]

use sysrt::net;
use sysrt::process::{self, WaitOptions, WaitTarget};
use sysrt::signal::{self, Notify, SigSet, Signal};
use sysrt_examples::echo::{self, MAX_CONNS, loopback, parse_number};
use sysrt_rt::{eprintln, println};

fn main() -> i32 {
    let mut args = sysrt_rt::args().skip(1);
    match (args.next(), args.next()) {
        (None, _) => demo(),
        (Some(port), n) => {
            let port = parse_number(port.to_bytes()).and_then(|p| u16::try_from(p).ok());
            let n = n.map_or(Some(100), |n| {
                parse_number(n.to_bytes()).map(|n| n as usize)
            });
            let (Some(port), Some(n)) = (port, n) else {
                eprintln!("usage: echo-client PORT [N]");
                return 2;
            };
            report(
                echo::run_clients(&loopback(port), n.min(MAX_CONNS)),
                n.min(MAX_CONNS),
            )
        }
    }
}

fn report(got: Result<echo::ClientReport, sysrt::Errno>, n: usize) -> i32 {
    match got {
        Ok(r) if r.verified == n => {
            println!(
                "echo-client: {n} clients, {} bytes echoed back exactly",
                r.bytes
            );
            0
        }
        Ok(r) => {
            eprintln!("echo-client: only {} of {n} clients verified", r.verified);
            1
        }
        Err(e) => {
            eprintln!("echo-client: {e}");
            1
        }
    }
}

fn demo() -> i32 {
    // The server's signal set is blocked before the fork, so a SIGTERM sent to it at any time
    // waits in its signalfd rather than killing it.
    let signals = match Notify::new(SigSet::EMPTY.with(Signal::TERM).with(Signal::INT)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("echo-client: signalfd: {e}");
            return 1;
        }
    };
    let listener = match echo::listen(&loopback(0)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("echo-client: listen: {e}");
            return 1;
        }
    };
    let addr = net::getsockname(&listener).map_or(loopback(0), |a| a);
    // SAFETY: single-threaded; the child runs the server (syscalls only) and exits with
    // exit_group.
    let pid = match unsafe { process::fork() } {
        Ok(None) => {
            let ok =
                echo::serve(&listener, &signals).is_ok_and(|s| s.stopped_by == Some(Signal::TERM));
            process::exit_group(if ok { 0 } else { 1 });
        }
        Ok(Some(pid)) => pid,
        Err(e) => {
            eprintln!("echo-client: fork: {e}");
            return 1;
        }
    };
    drop(listener);
    drop(signals);
    let code = report(echo::run_clients(&addr, 100), 100);
    let _ = signal::kill(pid, Signal::TERM);
    match sysrt::retry_on_intr(|| process::wait4(WaitTarget::Child(pid), WaitOptions::empty())) {
        Ok(Some((_, st))) if st.exit_status() == Some(0) => {
            println!("echo-client: the server shut down cleanly on SIGTERM");
            code
        }
        other => {
            eprintln!("echo-client: the server did not shut down cleanly: {other:?}");
            1
        }
    }
}

sysrt_rt::main!(main);
