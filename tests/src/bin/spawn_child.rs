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
//! fd <n> <ino>         every open descriptor (from /proc/self/fd) and its inode number
//! ids <pid> <ppid> <pgid> <sid>
//! tty <pgrp> <sid>     fd 0's terminal: foreground group and session (-errno if none)
//! nofile <cur> <max>   RLIMIT_NOFILE
//! creds <uid> <gid> <groups…>
//! nnp <0|1>            PR_GET_NO_NEW_PRIVS
//! capamb <hex>         the ambient capability set (/proc/self/status)
//! ns <name> <link>     /proc/self/ns/{uts,pid,mnt,net,ipc,user,cgroup}
//! cgroup <path>        the cgroup v2 line of /proc/self/cgroup
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

/// Reads a whole (small) file through the raw layer.
fn read_file(path: &CStr, buf: &mut [u8]) -> Result<usize, sysrt::Errno> {
    // SAFETY: openat reads the NUL-terminated path.
    let fd = unsafe {
        sysrt::raw_syscall6(
            Sysno::openat,
            linux_raw_sys::general::AT_FDCWD as isize as usize,
            path.as_ptr() as usize,
            (linux_raw_sys::general::O_RDONLY | linux_raw_sys::general::O_CLOEXEC) as usize,
            0,
            0,
            0,
        )
    }?;
    let mut len = 0;
    while len < buf.len() {
        // SAFETY: read writes at most the free part of `buf`.
        match unsafe {
            sysrt::raw_syscall(
                Sysno::read,
                fd,
                buf[len..].as_mut_ptr() as usize,
                buf.len() - len,
            )
        } {
            Ok(0) | Err(_) => break,
            Ok(n) => len += n,
        }
    }
    // SAFETY: closing the descriptor opened above.
    let _ = unsafe { sysrt::raw_syscall(Sysno::close, fd, 0, 0) };
    Ok(len)
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
    let _ = for_each_open_fd(|fd| {
        let mut st = core::mem::MaybeUninit::<linux_raw_sys::general::statx>::zeroed();
        // SAFETY: statx of an open descriptor (AT_EMPTY_PATH) writes one struct statx.
        let r = unsafe {
            sysrt::raw_syscall6(
                Sysno::statx,
                fd as usize,
                c"".as_ptr() as usize,
                linux_raw_sys::general::AT_EMPTY_PATH as usize,
                linux_raw_sys::general::STATX_INO as usize,
                st.as_mut_ptr() as usize,
                0,
            )
        };
        let ino = if r.is_ok() {
            // SAFETY: the struct was zeroed, so it is initialised either way.
            unsafe { st.assume_init() }.stx_ino
        } else {
            0
        };
        println!("fd {fd} {ino}");
    });
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
    let ioctl0 = |req: u32| {
        let mut v = 0i32;
        // SAFETY: TIOCGPGRP and TIOCGSID write one pid_t into `v`.
        match unsafe { sysrt::raw_syscall(Sysno::ioctl, 0, req as usize, &raw mut v as usize) } {
            Ok(_) => i64::from(v),
            Err(e) => -i64::from(e.raw()),
        }
    };
    println!(
        "tty {} {}",
        ioctl0(linux_raw_sys::ioctl::TIOCGPGRP),
        ioctl0(linux_raw_sys::ioctl::TIOCGSID)
    );
    let mut lim = linux_raw_sys::general::rlimit64 {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: prlimit64 with a null new limit writes the current one into `lim`.
    let _ = unsafe {
        sysrt::raw_syscall6(
            Sysno::prlimit64,
            0,
            linux_raw_sys::general::RLIMIT_NOFILE as usize,
            0,
            &raw mut lim as usize,
            0,
            0,
        )
    };
    println!("nofile {} {}", lim.rlim_cur, lim.rlim_max);
    let mut groups = [0u32; 16];
    // SAFETY: getgroups writes at most 16 gids into `groups`.
    let ng = unsafe { sysrt::raw_syscall(Sysno::getgroups, 16, groups.as_mut_ptr() as usize, 0) }
        .unwrap_or(0);
    sysrt_rt::print!("creds {} {}", raw0(Sysno::getuid), raw0(Sysno::getgid));
    for g in &groups[..ng.min(16)] {
        sysrt_rt::print!(" {g}");
    }
    println!();
    // SAFETY: PR_GET_NO_NEW_PRIVS takes no pointer.
    let nnp = unsafe {
        sysrt::raw_syscall6(
            Sysno::prctl,
            linux_raw_sys::prctl::PR_GET_NO_NEW_PRIVS as usize,
            0,
            0,
            0,
            0,
            0,
        )
    };
    println!("nnp {}", nnp.unwrap_or(9));
    let mut status = [0u8; 4096];
    if let Ok(n) = read_file(c"/proc/self/status", &mut status) {
        for line in status[..n].split(|&b| b == b'\n') {
            if let Some(v) = line.strip_prefix(b"CapAmb:\t") {
                println!("capamb {}", core::str::from_utf8(v).unwrap_or("?"));
            }
        }
    }
    for ns in [c"uts", c"pid", c"mnt", c"net", c"ipc", c"user", c"cgroup"] {
        let mut path = [0u8; 32];
        let prefix = b"/proc/self/ns/";
        let name = ns.to_bytes();
        path[..prefix.len()].copy_from_slice(prefix);
        path[prefix.len()..prefix.len() + name.len()].copy_from_slice(name);
        let mut link = [0u8; 64];
        // SAFETY: readlinkat reads the NUL-terminated `path` and writes at most 64 bytes.
        let n = unsafe {
            sysrt::raw_syscall6(
                Sysno::readlinkat,
                linux_raw_sys::general::AT_FDCWD as isize as usize,
                path.as_ptr() as usize,
                link.as_mut_ptr() as usize,
                link.len(),
                0,
                0,
            )
        }
        .unwrap_or(0);
        println!(
            "ns {} {}",
            core::str::from_utf8(name).unwrap_or("?"),
            core::str::from_utf8(&link[..n]).unwrap_or("?")
        );
    }
    let mut cg = [0u8; 1024];
    if let Ok(n) = read_file(c"/proc/self/cgroup", &mut cg) {
        for line in cg[..n].split(|&b| b == b'\n') {
            if let Some(v) = line.strip_prefix(b"0::") {
                println!("cgroup {}", core::str::from_utf8(v).unwrap_or("?"));
            }
        }
    }
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
            println!(
                "pdeathsig {sig} ppid {} pid {}",
                raw0(Sysno::getppid),
                raw0(Sysno::getpid)
            );
            sleep_forever()
        }
        _ => {
            println!("spawn_child: unknown mode");
            2
        }
    }
}

sysrt_rt::main!(main);
