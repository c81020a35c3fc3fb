//! `/init` of the guests `cargo xtask test --kernel` boots under qemu-system: a libc-free PID 1.
//!
//! It mounts /proc, /sys, cgroup2 on /sys/fs/cgroup, devtmpfs on /dev, devpts on /dev/pts,
//! tmpfs on /dev/shm, on /tmp (the test programs' working directory) and on /run (where it
//! keeps each child's output), then runs the plan xtask wrote into the initramfs as `/plan`: one child per entry, each
//! with exactly the argv and environment the plan gives, stdin on /dev/null and stdout/stderr
//! in files. After each child it prints its output between marker lines with the exit status,
//! and once the plan is done a final marker; then it powers the machine off. xtask finds pass or fail in
//! those lines only: qemu exits 0 after a power-off and after a kernel panic alike.
//!
//! The console protocol (every marker starts a line; `N` byte counts make the sections exact):
//!
//! ```text
//! @@sysrt-init begin LABEL
//! @@sysrt-init stdout LABEL N          followed by N bytes, then "\n" if they did not end in one
//! @@sysrt-init stderr LABEL N          likewise
//! @@sysrt-init file LABEL N            likewise, once per `file` the plan names
//! @@sysrt-init time LABEL MS           how long the child ran, in milliseconds
//! @@sysrt-init end LABEL exit C | signal S | timeout
//! @@sysrt-init klog - N                what the kernel logged meanwhile (`<level>` lines)
//! @@sysrt-init done RUNS
//! ```
//!
//! The plan is text, one item per line: `run LABEL` starts an entry; `arg BYTES` (the first
//! is the program's path), `env BYTES`, `stdout PATH` (fd 1 opened on PATH instead of being
//! captured), `close FD` (fd 0, 1 or 2 closed in the child) and `file PATH` (a file the child
//! writes, printed after it ends, then removed) belong to the entry above them. In BYTES,
//! `\xHH` stands for any byte, so a value may hold newlines, NULs and non-UTF-8 bytes.
//!
//! Not PID 1 it refuses to run: mounting over /dev and powering off are for a throwaway
//! guest only (as root on a host, the same `reboot` call would switch the host off).
//! With the kernel command-line argument `hang` (after `--`) it prints a marker and blocks
//! forever, so xtask can test its boot timeout.
#![no_std]
#![no_main]

use core::ffi::CStr;

use sysrt::fs::{self, Mode, MountFlags, OFlags};
use sysrt::io;
use sysrt_rt::{eprintln, println};

/// The marker every protocol line starts with.
const MARK: &str = "@@sysrt-init";

/// How long one child may run before it is killed and reported as `timeout`. The slowest
/// program under TCG takes well under a minute; the boot as a whole has xtask's own timeout.
const CHILD_TIMEOUT_SECS: i64 = 300;

/// The plan's size limit: a few dozen entries of a few lines each need a few KiB.
const PLAN_MAX: usize = 64 * 1024;

/// At most this many arguments, and as many environment variables, per entry.
const MAX_ITEMS: usize = 32;

/// Where each child's stdout and stderr go; on their own tmpfs, not in the tests' /tmp.
const OUT_PATH: &CStr = c"/run/kinit.stdout";
const ERR_PATH: &CStr = c"/run/kinit.stderr";

fn main() -> i32 {
    let pid = sysrt::process::getpid().raw();
    if pid != 1 {
        eprintln!("kinit: not PID 1 (pid {pid}): it mounts over /dev and powers off; refusing");
        return 2;
    }
    if sysrt_rt::args::arg(1).map(CStr::to_bytes) == Some(b"hang") {
        println!("{MARK} hanging");
        sys::block_forever();
    }
    sys::console_raw_output();
    // Kernel messages written to the console in the middle of a child's output would break
    // its byte count: from here on only emergencies (a panic) go to the console, and the
    // rest of what the tests make the kernel say is printed after the plan.
    sys::klog_console_level(1);
    sys::klog_clear();
    if let Err(what) = mount_all() {
        println!("{MARK} fatal {what}");
        sys::power_off();
    }
    if let Err(e) = sys::loopback_up() {
        println!("{MARK} fatal bringing up lo: {e}");
        sys::power_off();
    }
    let mut plan = [0u8; PLAN_MAX];
    let runs = match read_plan(&mut plan) {
        Ok(len) => run_plan(&mut plan[..len]),
        Err(e) => {
            println!("{MARK} fatal reading /plan: {e}");
            sys::power_off();
        }
    };
    dump_klog();
    println!("{MARK} done {runs}");
    sys::klog_console_level(4);
    sys::power_off();
}

/// Prints what the kernel logged while the plan ran (warnings included, as `<level>` lines)
/// as the `klog` section.
fn dump_klog() {
    let mut buf = [0u8; 64 * 1024];
    let n = sys::klog_read(&mut buf);
    println!("{MARK} klog - {n}");
    let _ = io::write_all(sys::console(), &buf[..n]);
    if n > 0 && buf[n - 1] != b'\n' {
        let _ = io::write_all(sys::console(), b"\n");
    }
}

/// The guest's filesystems, as a distribution's init sets them up. /tmp and /dev/shm are two
/// tmpfs mounts (a rename between them is EXDEV), each with room for the 100,000-file fixture:
/// tmpfs's default inode limit is half the RAM pages (65,536 at 512 MiB, fewer once the
/// kernel has its share).
fn mount_all() -> Result<(), &'static str> {
    let none = MountFlags::empty();
    let nosuid = MountFlags::NOSUID | MountFlags::NODEV;
    let noexec = nosuid | MountFlags::NOEXEC;
    let mounts: [(&CStr, &CStr, MountFlags, Option<&CStr>); 8] = [
        (c"/proc", c"proc", noexec, None),
        (c"/sys", c"sysfs", noexec, None),
        (c"/sys/fs/cgroup", c"cgroup2", noexec, None),
        (c"/dev", c"devtmpfs", MountFlags::NOSUID, Some(c"mode=755")),
        (
            c"/dev/pts",
            c"devpts",
            MountFlags::NOSUID | MountFlags::NOEXEC,
            Some(c"mode=620,ptmxmode=666"),
        ),
        (
            c"/dev/shm",
            c"tmpfs",
            nosuid,
            Some(c"mode=1777,nr_inodes=200000"),
        ),
        (c"/tmp", c"tmpfs", none, Some(c"mode=1777,nr_inodes=200000")),
        (c"/run", c"tmpfs", nosuid, Some(c"mode=755")),
    ];
    for (target, fstype, flags, data) in mounts {
        // /sys/fs/cgroup is sysfs's own directory, /dev/pts and /dev/shm are on the devtmpfs
        // just mounted; the others are in the initramfs.
        match fs::mkdir(target, Mode::from_octal(0o755)) {
            Ok(()) | Err(sysrt::Errno::EEXIST) => {}
            Err(_) => return Err("mkdir of a mount point"),
        }
        if fs::mount(fstype, target, fstype, flags, data).is_err() {
            println!("{MARK} mount of {fstype:?} on {target:?} failed");
            return Err("mount");
        }
    }
    // devtmpfs has no /dev/ptmx node of its own here; the devpts instance's multiplexer is
    // what a pty opener needs (as udev and systemd link it).
    match fs::symlink(c"pts/ptmx", c"/dev/ptmx") {
        Ok(()) | Err(sysrt::Errno::EEXIST) => {}
        Err(_) => return Err("symlink /dev/ptmx"),
    }
    fs::chdir(c"/tmp").map_err(|_| "chdir /tmp")
}

/// Reads `/plan` into `buf` and ends it with a '\n' (so every line has one); returns its
/// length.
fn read_plan(buf: &mut [u8]) -> sysrt::Result<usize> {
    let fd = fs::open(c"/plan", OFlags::RDONLY, Mode::empty())?;
    let (mut len, cap) = (0, buf.len() - 1);
    loop {
        if len == cap {
            return Err(sysrt::Errno::EFBIG);
        }
        let n = io::read(&fd, &mut buf[len..cap])?;
        if n == 0 {
            buf[len] = b'\n';
            return Ok(len + 1);
        }
        len += n;
    }
}

/// One plan entry: NUL-terminated strings inside the plan buffer.
struct Entry<'p> {
    label: &'p [u8],
    argv: [&'p CStr; MAX_ITEMS],
    argc: usize,
    envp: [&'p CStr; MAX_ITEMS],
    envc: usize,
    stdout: Option<&'p CStr>,
    close: [bool; 3],
    files: [Option<&'p CStr>; 4],
}

impl Entry<'_> {
    fn new(label: &[u8]) -> Entry<'_> {
        Entry {
            label,
            argv: [c""; MAX_ITEMS],
            argc: 0,
            envp: [c""; MAX_ITEMS],
            envc: 0,
            stdout: None,
            close: [false; 3],
            files: [None; 4],
        }
    }
}

/// Decodes the plan in place (each value unescaped and NUL-terminated where its line was) and
/// runs every entry; returns how many ran. Every line ends in '\n' (see [`read_plan`]).
fn run_plan(plan: &mut [u8]) -> usize {
    let mut entry: Option<Entry<'_>> = None;
    let mut runs = 0;
    let mut rest: &mut [u8] = plan;
    while let Some(end) = rest.iter().position(|&b| b == b'\n') {
        // `line` keeps its '\n': the decoded value's NUL goes at the latest there.
        let (line, tail) = core::mem::take(&mut rest).split_at_mut(end + 1);
        rest = tail;
        let Some(space) = line.iter().position(|&b| b == b' ') else {
            continue; // a blank line
        };
        let (key, value) = line.split_at_mut(space);
        let value = unescape_in_place(&mut value[1..]);
        let key: &[u8] = key;
        if key == b"run" {
            if let Some(e) = entry.take() {
                run_entry(&e);
                runs += 1;
            }
            entry = Some(Entry::new(value.to_bytes()));
            continue;
        }
        let Some(e) = entry.as_mut() else {
            println!("{MARK} plan: an item before the first run");
            continue;
        };
        match key {
            b"arg" if e.argc < MAX_ITEMS => {
                e.argv[e.argc] = value;
                e.argc += 1;
            }
            b"env" if e.envc < MAX_ITEMS => {
                e.envp[e.envc] = value;
                e.envc += 1;
            }
            b"stdout" => e.stdout = Some(value),
            b"close" => match value.to_bytes() {
                b"0" => e.close[0] = true,
                b"1" => e.close[1] = true,
                b"2" => e.close[2] = true,
                _ => println!("{MARK} plan: bad close {value:?}"),
            },
            b"file" => {
                if let Some(slot) = e.files.iter_mut().find(|f| f.is_none()) {
                    *slot = Some(value);
                }
            }
            _ => println!("{MARK} plan: bad item {}", Label(key)),
        }
    }
    if let Some(e) = entry.take() {
        run_entry(&e);
        runs += 1;
    }
    runs
}

/// Decodes `line` (a value and its '\n') in place: `\xHH` becomes byte HH, and a NUL ends
/// the result (at the latest where the '\n' was). An interior NUL ends the string early, as
/// it would in any argv.
fn unescape_in_place(line: &mut [u8]) -> &CStr {
    let hex = |b: Option<&u8>| match b? {
        b @ b'0'..=b'9' => Some(b - b'0'),
        b @ b'a'..=b'f' => Some(b - b'a' + 10),
        b @ b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    };
    let len = line.len() - 1; // without the '\n'
    let (mut r, mut w) = (0, 0);
    while r < len {
        let escaped = if line[r] == b'\\' && line.get(r + 1) == Some(&b'x') && r + 3 < len {
            hex(line.get(r + 2)).zip(hex(line.get(r + 3)))
        } else {
            None
        };
        match escaped {
            Some((hi, lo)) => {
                line[w] = hi << 4 | lo;
                r += 4;
            }
            None => {
                line[w] = line[r];
                r += 1;
            }
        }
        w += 1;
    }
    line[w] = 0;
    CStr::from_bytes_until_nul(line).unwrap_or(c"")
}

/// Shows a label or key as text (lossy: labels are ASCII names).
struct Label<'a>(&'a [u8]);

impl core::fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for &b in self.0 {
            let c = if b.is_ascii_graphic() { b as char } else { '?' };
            core::fmt::Write::write_char(f, c)?;
        }
        Ok(())
    }
}

/// Runs one entry to its end and prints its sections.
fn run_entry(e: &Entry<'_>) {
    let label = Label(e.label);
    println!("{MARK} begin {label}");
    let start = sys::monotonic_ms();
    let status = match sys::spawn(e) {
        Ok(started) => sys::wait_with_timeout(started, CHILD_TIMEOUT_SECS),
        Err(err) => {
            // The sections of this entry say why, not what the previous child left.
            let creat = OFlags::WRONLY | OFlags::CREAT | OFlags::TRUNC;
            let _ = fs::open(OUT_PATH, creat, Mode::from_octal(0o644));
            if let Ok(f) = fs::open(ERR_PATH, creat, Mode::from_octal(0o644)) {
                let _ = sysrt_rt::print::try_print_to(
                    f.as_fd(),
                    format_args!("kinit: starting the program failed at {err}"),
                    true,
                );
            }
            println!("{MARK} spawn failed: {err}");
            sys::Ended::SpawnFailed
        }
    };
    // Orphans re-parented to us (a program's grandchildren) are reaped here, not left as
    // zombies for the next program to see.
    let took = sys::monotonic_ms() - start;
    sys::reap_orphans();
    dump("stdout", &label, OUT_PATH);
    dump("stderr", &label, ERR_PATH);
    for path in e.files.iter().flatten() {
        dump("file", &label, path);
        let _ = fs::unlink(*path);
    }
    println!("{MARK} time {label} {took}");
    match status {
        sys::Ended::Exited(c) => println!("{MARK} end {label} exit {c}"),
        sys::Ended::Signaled(s) => println!("{MARK} end {label} signal {s}"),
        sys::Ended::TimedOut => println!("{MARK} end {label} timeout"),
        sys::Ended::SpawnFailed => println!("{MARK} end {label} exit 127"),
    }
}

/// Prints `path`'s bytes as a section (an empty one when the file does not exist), then
/// truncates nothing: the next child's `O_TRUNC` does that.
fn dump(kind: &str, label: &Label<'_>, path: &CStr) {
    let fd = fs::open(path, OFlags::RDONLY, Mode::empty()).ok();
    let size = fd
        .as_ref()
        .and_then(|f| fs::fstat(f).ok())
        .map_or(0, |st| st.size);
    println!("{MARK} {kind} {label} {size}");
    let (Some(fd), true) = (fd, size > 0) else {
        return;
    };
    let console = sys::console();
    let mut buf = [0u8; 4096];
    let (mut left, mut last) = (size, b'\n');
    while left > 0 {
        let want = buf.len().min(usize::try_from(left).unwrap_or(buf.len()));
        let n = match io::read(&fd, &mut buf[..want]) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let _ = io::write_all(console, &buf[..n]);
        last = buf[n - 1];
        left -= n as i64;
    }
    // The file shrank under us: pad, so the byte count still holds.
    while left > 0 {
        let n = buf.len().min(usize::try_from(left).unwrap_or(buf.len()));
        buf[..n].fill(b'?');
        let _ = io::write_all(console, &buf[..n]);
        last = b'?';
        left -= n as i64;
    }
    if last != b'\n' {
        let _ = io::write_all(console, b"\n");
    }
}

/// The process plumbing, on the typed API. What it does not have yet (ppoll, the console's
/// termios) goes through the raw layer here, in one place.
mod sys {
    use linux_raw_sys::general as g;
    use sysrt::fd::BorrowedFd;
    use sysrt::fs::{self, Mode, OFlags};
    use sysrt::process::{
        self, ProcAttr, SpawnError, SpawnStep, Started, SysProcAttr, WaitOptions, WaitTarget,
    };
    use sysrt::signal::{self, Signal};
    use sysrt::system::{self, RebootCommand, SyslogAction};
    use sysrt::time::{self, ClockId};
    use sysrt::{Errno, Sysno};

    use super::{ERR_PATH, Entry, OUT_PATH};

    /// How a child ended.
    pub enum Ended {
        Exited(i32),
        Signaled(i32),
        TimedOut,
        SpawnFailed,
    }

    /// fd 1, which the kernel opened on /dev/console before starting us.
    pub fn console() -> BorrowedFd<'static> {
        // SAFETY: fd 1 is open for the whole life of the process: the runtime opened
        // /dev/null there at start if the kernel had not, and nothing here closes it.
        unsafe { BorrowedFd::borrow_raw(1) }
    }

    /// Turns off output post-processing on the console (`OPOST`: "\n" to "\r\n"), so the
    /// bytes of a child's output reach xtask as they were written and the byte counts hold.
    pub fn console_raw_output() {
        // SAFETY: an all-zero `termios` is a valid value of this plain C struct.
        let mut t: g::termios = unsafe { core::mem::zeroed() };
        let fd = console().as_raw_fd() as usize;
        let tcgets = linux_raw_sys::ioctl::TCGETS as usize;
        let tcsets = linux_raw_sys::ioctl::TCSETS as usize;
        // SAFETY: TCGETS writes one `struct termios` (the kernel's, as linux-raw-sys lays it
        // out for this arch) into `t`, which outlives the call.
        if unsafe { sysrt::raw_syscall(Sysno::ioctl, fd, tcgets, &raw mut t as usize) }.is_ok() {
            t.c_oflag &= !g::OPOST;
            // SAFETY: TCSETS reads one `struct termios` from `t`.
            let _ = unsafe { sysrt::raw_syscall(Sysno::ioctl, fd, tcsets, &raw const t as usize) };
        }
    }

    /// Starts the child of `e`: exactly its argv and environment, stdin on /dev/null, stdout
    /// and stderr in the capture files (stdout where the plan says), the closed descriptors
    /// the plan asks for; a pidfd comes back for the timeout.
    pub fn spawn(e: &Entry<'_>) -> Result<Started, SpawnError> {
        let fail = |errno| SpawnError {
            step: SpawnStep::Args,
            errno,
        };
        if e.argc == 0 {
            return Err(fail(Errno::EINVAL));
        }
        let creat = OFlags::WRONLY | OFlags::CREAT | OFlags::TRUNC;
        let out = match e.stdout {
            Some(p) => fs::open(p, OFlags::WRONLY, Mode::empty()),
            None => fs::open(OUT_PATH, creat, Mode::from_octal(0o644)),
        };
        let err = fs::open(ERR_PATH, creat, Mode::from_octal(0o644));
        let null = fs::open(c"/dev/null", OFlags::RDONLY, Mode::empty());
        let (out, err, null) = (out.map_err(fail)?, err.map_err(fail)?, null.map_err(fail)?);
        let mut files = [Some(null.as_fd()), Some(out.as_fd()), Some(err.as_fd())];
        for (slot, closed) in files.iter_mut().zip(e.close) {
            if closed {
                *slot = None;
            }
        }
        let sys = SysProcAttr {
            pidfd: true,
            ..SysProcAttr::default()
        };
        let attr = ProcAttr::new()
            .env(&e.envp[..e.envc])
            .files(&files)
            .sys(sys);
        process::start_process(e.argv[0], &e.argv[..e.argc], &attr)
    }

    /// Waits for the child, killing it after `secs` seconds: its pidfd becomes readable when
    /// it exits, so `ppoll` can wait with a timeout.
    pub fn wait_with_timeout(started: Started, secs: i64) -> Ended {
        let pid = started.pid;
        let mut timed_out = false;
        if let Some(pidfd) = &started.pidfd {
            let mut pfd = g::pollfd {
                fd: pidfd.as_raw_fd(),
                events: g::POLLIN as i16,
                revents: 0,
            };
            let ts = g::__kernel_timespec {
                tv_sec: secs,
                tv_nsec: 0,
            };
            // SAFETY: ppoll reads and writes the one `pollfd` and reads the timespec, both
            // outliving the call; no signal mask is passed.
            let ready = unsafe {
                sysrt::raw_syscall6(
                    Sysno::ppoll,
                    &raw mut pfd as usize,
                    1,
                    &raw const ts as usize,
                    0,
                    0,
                    0,
                )
            };
            if ready == Ok(0) {
                timed_out = true;
                // The child is not reaped yet, so the pid is still ours.
                let _ = signal::kill(pid, Signal::KILL);
            }
        }
        let status = loop {
            match process::wait4(WaitTarget::Child(pid), WaitOptions::empty()) {
                Err(Errno::EINTR) => continue,
                Ok(Some((_, status))) => break status,
                Ok(None) | Err(_) => return Ended::SpawnFailed,
            }
        };
        match (timed_out, status.exit_status(), status.signal()) {
            (true, _, _) => Ended::TimedOut,
            (false, Some(code), _) => Ended::Exited(i32::from(code)),
            (false, None, Some(sig)) => Ended::Signaled(sig.raw()),
            (false, None, None) => Ended::SpawnFailed,
        }
    }

    /// Reaps every child that has already ended (orphans the kernel gave to PID 1).
    pub fn reap_orphans() {
        while let Ok(Some(_)) = process::wait4(WaitTarget::AnyChild, WaitOptions::NOHANG) {}
    }

    /// CLOCK_MONOTONIC in milliseconds (0 if the clock cannot be read).
    pub fn monotonic_ms() -> i64 {
        time::clock_gettime(ClockId::MONOTONIC).map_or(0, |t| t.sec * 1000 + t.nsec / 1_000_000)
    }

    /// Only messages more urgent than `level` go to the console (`dmesg -n`).
    pub fn klog_console_level(level: u8) {
        let _ = system::syslog(SyslogAction::ConsoleLevel(level));
    }

    /// Empties the kernel's log buffer, so a later read holds only what came after.
    pub fn klog_clear() {
        let _ = system::syslog(SyslogAction::Clear);
    }

    /// Copies the kernel's log buffer (its newest `buf.len()` bytes) into `buf`; returns the
    /// length (0 on an error).
    pub fn klog_read(buf: &mut [u8]) -> usize {
        let len = buf.len();
        system::syslog(SyslogAction::ReadAll(buf))
            .unwrap_or(0)
            .min(len)
    }

    /// Blocks forever (ppoll on no descriptors, no timeout): the `hang` mode.
    pub fn block_forever() -> ! {
        loop {
            // SAFETY: no descriptors and no timeout: ppoll reads and writes no memory.
            let _ = unsafe { sysrt::raw_syscall6(Sysno::ppoll, 0, 0, 0, 0, 0, 0) };
        }
    }

    /// `reboot(LINUX_REBOOT_CMD_POWER_OFF)`: ends the guest (qemu exits). Only PID 1 gets
    /// here: `main` returned early otherwise, and this checks again, since as root on a host
    /// the same call would switch the host off.
    /// Brings the loopback interface up, as every init does: the kernel creates `lo` down,
    /// and 127.0.0.1 and ::1 exist only once it is up.
    pub fn loopback_up() -> Result<(), Errno> {
        use linux_raw_sys::ioctl::SIOCSIFFLAGS;
        use linux_raw_sys::net::{ifreq, ifreq__bindgen_ty_1, net_device_flags as f};
        use sysrt::net::{self, AddressFamily, Protocol, SocketType};
        let sock = net::socket(AddressFamily::INET, SocketType::DGRAM, Protocol::DEFAULT)?;
        // SAFETY: `ifreq` is plain integers and arrays (a union of them): all zeros is valid.
        let mut req: ifreq = unsafe { core::mem::zeroed() };
        req.ifr_ifrn = ifreq__bindgen_ty_1 {
            ifrn_name: [
                b'l' as _, b'o' as _, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            ],
        };
        let flags = f::IFF_UP as u32 | f::IFF_LOOPBACK as u32 | f::IFF_RUNNING as u32;
        req.ifr_ifru.ifru_flags = flags as i16;
        let fd = sock.as_raw_fd() as usize;
        // SAFETY: SIOCSIFFLAGS reads one `ifreq`, which `req` is; it outlives the call.
        unsafe {
            sysrt::syscall(
                Sysno::ioctl,
                fd,
                SIOCSIFFLAGS as usize,
                &raw const req as usize,
            )
        }
        .map(drop)
    }

    pub fn power_off() -> ! {
        if process::getpid().raw() == 1 {
            let _ = system::reboot(RebootCommand::PowerOff);
        }
        // Returning from PID 1 panics the kernel, which xtask also reports (no `done`).
        process::exit_group(1);
    }
}

sysrt_rt::main!(main);
