//! `supervise [COMMAND ARGS…]`: starts COMMAND, forwards SIGTERM and SIGINT to it, reaps it,
//! and exits with its status (128 + N when signal N killed it), as an init or a container
//! entrypoint does.
//!
//! Signals are received as values, with no handler code, through `sysrt::signal::Notify`: they
//! are blocked and read from a signalfd. The child starts with an empty signal mask all the same (the spawn default), so
//! it does not inherit the blocking.
//!
//! With no arguments it supervises a small demonstration: a shell that asks its supervisor to
//! stop it (`kill -TERM $PPID`), gets the forwarded SIGTERM, and exits 0.
//!
#![no_std]
#![no_main]

use sysrt::process::{self, ProcAttr, WaitOptions, WaitStatus, WaitTarget};
use sysrt::signal::{self, Notify, SigSet, Signal};
use sysrt_rt::{args, eprintln, println};

/// The demonstration run without arguments.
const DEMO: [&str; 3] = [
    "/bin/sh",
    "-c",
    "trap 'echo child: got SIGTERM, exiting 0; exit 0' TERM; \
     echo child: asking the supervisor to stop me; kill -TERM $PPID; \
     while :; do sleep 0.05; done",
];

/// The exit status a shell would report: the code, or 128 + the signal.
fn exit_code(status: WaitStatus) -> i32 {
    match (status.exit_status(), status.signal()) {
        (Some(code), _) => i32::from(code),
        (None, Some(sig)) => 128 + sig.raw(),
        (None, None) => 1,
    }
}

fn main() -> i32 {
    let set = SigSet::EMPTY
        .with(Signal::TERM)
        .with(Signal::INT)
        .with(Signal::CHLD);
    let signals = match Notify::new(set) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("supervise: signalfd: {e}");
            return 1;
        }
    };
    let given: usize = args::args().len().saturating_sub(1);
    let mut argv: [&[u8]; 32] = [b""; 32];
    let n = if given == 0 {
        for (slot, a) in argv.iter_mut().zip(DEMO) {
            *slot = a.as_bytes();
        }
        DEMO.len()
    } else {
        for (slot, a) in argv.iter_mut().zip(args::args().skip(1)) {
            *slot = a.to_bytes();
        }
        given.min(argv.len())
    };
    let argv = &argv[..n];
    let pid = match process::start_process(argv[0], argv, &ProcAttr::new()) {
        Ok(s) => s.pid,
        Err(e) => {
            eprintln!(
                "supervise: {}: {e}",
                core::str::from_utf8(argv[0]).unwrap_or("?")
            );
            return 127;
        }
    };
    println!("supervise: started pid {pid}");

    loop {
        let got = match signals.recv() {
            Ok(info) => info,
            Err(e) => {
                eprintln!("supervise: read signalfd: {e}");
                return 1;
            }
        };
        match got.signal() {
            Some(Signal::CHLD) => {
                // Several exits may share one SIGCHLD; ours is the only child.
                match process::wait4(WaitTarget::Child(pid), WaitOptions::NOHANG) {
                    Ok(Some((_, status))) => {
                        let code = exit_code(status);
                        println!("supervise: pid {pid} ended, exiting with {code}");
                        return code;
                    }
                    Ok(None) => {}
                    Err(e) => {
                        eprintln!("supervise: wait4: {e}");
                        return 1;
                    }
                }
            }
            Some(sig) => {
                println!(
                    "supervise: forwarding {} to pid {pid}",
                    sig.name().unwrap_or("a signal")
                );
                let _ = signal::kill(pid, sig);
            }
            None => {}
        }
    }
}

sysrt_rt::main!(main);
