//! Not a test: the child the spawn tests start, which reports what it received. The test
//! runner skips it (it has no `total:` line of its own); the spawn programs run it, natively or
//! through QEMU, and compare its report with what they passed.
//!
//! `spawn_child report [ARGS…]` prints, one item per line:
//!
//! ```text
//! arg <hex>            every argv entry from argv[1] on (hex, so empty and non-UTF-8 survive)
//! env <hex>            every environment entry
//! cwd <path>
//! fd <n>               every open descriptor (from /proc/self/fd)
//! ids <pid> <ppid> <pgid> <sid>
//! mask <hex>           the signal mask (rt_sigprocmask)
//! ign <hex>            the set of ignored signals (rt_sigaction)
//! caught <hex>         the set of signals with a handler
//! end
//! ```
//!
//! `spawn_child exit N` exits with status N; `spawn_child sleep` waits until killed;
//! `spawn_child pdeathsig` prints the parent-death signal (prctl) and its parent, then sleeps.
#![no_std]
#![no_main]

use core::ffi::CStr;

use linux_raw_sys::general::{SIG_BLOCK, kernel_sigaction};
use sysrt::Sysno;
use sysrt_rt::{args, env, println};
use sysrt_tests::util::for_each_open_fd;

/// `bytes` as lowercase hex.
struct Hex<'a>(&'a [u8]);

impl core::fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

fn raw0(n: Sysno) -> usize {
    // SAFETY: the calls used here (getpid, getppid) take no arguments and write no memory.
    unsafe { sysrt::raw_syscall(n, 0, 0, 0) }.unwrap_or(usize::MAX)
}

fn report() -> i32 {
    for a in args::args().skip(1) {
        println!("arg {}", Hex(a.to_bytes()));
    }
    for e in env::environ() {
        println!("env {}", Hex(e.to_bytes()));
    }
    let mut cwd = [0u8; 512];
    // SAFETY: getcwd writes at most `len` bytes into `cwd`.
    match unsafe { sysrt::raw_syscall(Sysno::getcwd, cwd.as_mut_ptr() as usize, cwd.len(), 0) } {
        Ok(n) => println!(
            "cwd {}",
            core::str::from_utf8(&cwd[..n.saturating_sub(1)]).unwrap_or("?")
        ),
        Err(e) => println!("cwd error {e:?}"),
    }
    let _ = for_each_open_fd(|fd| println!("fd {fd}"));
    // SAFETY: getpgid(0) and getsid(0) take integers only.
    let (pgid, sid) = unsafe {
        (
            sysrt::raw_syscall(Sysno::getpgid, 0, 0, 0).unwrap_or(usize::MAX),
            sysrt::raw_syscall(Sysno::getsid, 0, 0, 0).unwrap_or(usize::MAX),
        )
    };
    println!(
        "ids {} {} {} {}",
        raw0(Sysno::getpid),
        raw0(Sysno::getppid),
        pgid,
        sid
    );
    let mut mask = 0u64;
    // SAFETY: rt_sigprocmask with a null new set writes the current mask (8 bytes) to `mask`.
    let _ = unsafe {
        sysrt::raw_syscall6(
            Sysno::rt_sigprocmask,
            SIG_BLOCK as usize,
            0,
            &raw mut mask as usize,
            8,
            0,
            0,
        )
    };
    println!("mask {mask:x}");
    let (mut ign, mut caught) = (0u64, 0u64);
    for sig in 1..=64usize {
        // SAFETY: all-zero is a valid kernel_sigaction (integers and a None handler).
        let mut old: kernel_sigaction = unsafe { core::mem::zeroed() };
        // SAFETY: with a null new action, rt_sigaction only writes the current one to `old`.
        let r = unsafe {
            sysrt::raw_syscall6(Sysno::rt_sigaction, sig, 0, &raw mut old as usize, 8, 0, 0)
        };
        if r.is_err() {
            continue;
        }
        match old.sa_handler_kernel.map(|h| h as usize) {
            None => {}
            Some(1) => ign |= 1 << (sig - 1),
            Some(_) => caught |= 1 << (sig - 1),
        }
    }
    println!("ign {ign:x}");
    println!("caught {caught:x}");
    println!("end");
    0
}

/// Waits for a signal to end the process.
fn sleep_forever() -> ! {
    loop {
        // SAFETY: ppoll with no descriptors, no timeout and no mask only waits for a signal.
        let _ = unsafe { sysrt::raw_syscall6(Sysno::ppoll, 0, 0, 0, 0, 8, 0) };
    }
}

fn main() -> i32 {
    let arg = |i| args::arg(i).map(CStr::to_bytes);
    match arg(1) {
        Some(b"report") => report(),
        Some(b"exit") => arg(2)
            .and_then(|a| core::str::from_utf8(a).ok())
            .and_then(|s| s.parse().ok())
            .unwrap_or(99),
        Some(b"sleep") => sleep_forever(),
        Some(b"pdeathsig") => {
            let mut sig = 0i32;
            // SAFETY: PR_GET_PDEATHSIG writes one int into `sig`.
            let _ = unsafe {
                sysrt::raw_syscall(
                    Sysno::prctl,
                    linux_raw_sys::prctl::PR_GET_PDEATHSIG as usize,
                    &raw mut sig as usize,
                    0,
                )
            };
            println!("pdeathsig {sig} ppid {}", raw0(Sysno::getppid));
            sleep_forever()
        }
        _ => {
            println!("spawn_child: unknown mode");
            2
        }
    }
}

sysrt_rt::main!(main);
