//! Helpers of the spawn test programs: the `spawn_child` program (natively, or through the
//! host's QEMU binary), waiting through the raw `wait4`, and the child's report.

use core::fmt::{self, Debug};

use sysrt::fd::{BorrowedFd, OwnedFd};
use sysrt::process::{self, Pid, ProcAttr, SpawnError};
use sysrt::{Errno, Sysno};

use crate::check::Buf;
use crate::util::raw_pipe;

/// A path.
pub type Path = Buf<256>;

/// How a child ended, from its raw `wait4` status.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Status {
    /// `exit(code)`.
    Exited(i32),
    /// Killed by this signal.
    Signaled(i32),
    /// Anything else (stopped, continued): the raw status.
    Other(i32),
}

impl Status {
    /// Decodes a raw wait status (`man 2 wait`: WIFEXITED, WIFSIGNALED).
    pub fn from_raw(st: i32) -> Status {
        if st & 0x7f == 0 {
            Status::Exited((st >> 8) & 0xff)
        } else if ((st & 0x7f) + 1) as i8 >> 1 > 0 {
            Status::Signaled(st & 0x7f)
        } else {
            Status::Other(st)
        }
    }
}

/// `wait4(pid, &status, flags, NULL)` through the raw layer, retried on `EINTR`. The spawn
/// tests use this until the typed `wait4` exists.
pub fn wait4_raw(pid: i32, flags: u32) -> Result<(i32, Status), Errno> {
    loop {
        let mut st = 0i32;
        // SAFETY: wait4 writes one int into `st`; the rusage pointer is null.
        let r = unsafe {
            sysrt::raw_syscall6(
                Sysno::wait4,
                pid as isize as usize,
                &raw mut st as usize,
                flags as usize,
                0,
                0,
                0,
            )
        };
        match r {
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e),
            Ok(p) => return Ok((p as i32, Status::from_raw(st))),
        }
    }
}

/// Waits for `pid` and returns how it ended.
pub fn wait(pid: Pid) -> Result<Status, Errno> {
    wait4_raw(pid.raw(), 0).map(|(_, s)| s)
}

/// Whether this process has no child left, zombie or running (`wait4(-1, WNOHANG)` is
/// `ECHILD`): the "no zombie" check of every failing spawn.
pub fn no_children() -> bool {
    wait4_raw(-1, linux_raw_sys::general::WNOHANG) == Err(Errno::ECHILD)
}

/// `kill(pid, sig)` through the raw layer.
pub fn kill_raw(pid: i32, sig: i32) -> Result<(), Errno> {
    // SAFETY: kill takes integers only.
    unsafe { sysrt::raw_syscall(Sysno::kill, pid as isize as usize, sig as usize, 0) }.map(drop)
}

/// The `spawn_child` program, and how to start it here: directly, or (under QEMU, where a
/// guest can exec only host programs) as an argument of the host's QEMU binary.
pub struct ChildProgram {
    /// What to exec: the program itself, or QEMU.
    exe: Path,
    /// Under QEMU: the guest program, passed as QEMU's first argument.
    guest: Option<Path>,
}

impl ChildProgram {
    /// Finds `spawn_child` next to the running test program (`argv[0]`, which `cargo xtask`
    /// gives as an absolute path).
    pub fn find() -> ChildProgram {
        let me = sysrt_rt::args::arg(0).map_or(&b""[..], |a| a.to_bytes());
        let dir = match me.iter().rposition(|&b| b == b'/') {
            Some(i) => &me[..i],
            None => b".",
        };
        let mut own = Path::new();
        let _ = fmt::Write::write_fmt(
            &mut own,
            format_args!("{}/spawn_child", core::str::from_utf8(dir).unwrap_or(".")),
        );
        match sysrt_rt::getenv("SYSRT_QEMU") {
            Some(q) => ChildProgram {
                exe: Buf::format(format_args!("{}", core::str::from_utf8(q).unwrap_or(""))),
                guest: Some(own),
            },
            None => ChildProgram {
                exe: own,
                guest: None,
            },
        }
    }

    /// The `spawn_child` binary itself (for QEMU: the guest program, not QEMU).
    pub fn program(&self) -> &[u8] {
        self.guest.as_ref().unwrap_or(&self.exe).as_bytes()
    }

    /// The path to exec.
    pub fn exe(&self) -> &[u8] {
        self.exe.as_bytes()
    }

    /// The argv that runs `spawn_child` with `args` (after its own `argv[0]`).
    pub fn argv<'a>(&'a self, args: &[&'a [u8]]) -> Argv<'a> {
        let mut v = Argv {
            items: [&[][..]; 16],
            len: 0,
        };
        v.push(self.exe.as_bytes());
        if let Some(g) = &self.guest {
            v.push(g.as_bytes());
        }
        for a in args {
            v.push(a);
        }
        v
    }

    /// `fork_exec` of `spawn_child args…` with `attr`.
    pub fn start(&self, args: &[&[u8]], attr: &ProcAttr<'_>) -> Result<Pid, SpawnError> {
        let argv = self.argv(args);
        process::start_process(self.exe(), argv.as_slice(), attr).map(|s| s.pid)
    }

    /// Runs `spawn_child report args…` with `attr` (whose `files` should leave fd 1 to this
    /// function: it puts a pipe there), reads the report and waits. `files` is used as given
    /// with slot 1 replaced by the pipe.
    pub fn report(
        &self,
        args: &[&[u8]],
        attr: &ProcAttr<'_>,
    ) -> Result<(Status, Report), SpawnError> {
        let (r, w) = raw_pipe().map_err(|errno| SpawnError {
            step: process::SpawnStep::Pipe,
            errno,
        })?;
        let mut files = [None; 8];
        let n = attr.files.len().clamp(2, 8);
        files[..attr.files.len().min(8)].copy_from_slice(&attr.files[..attr.files.len().min(8)]);
        files[1] = Some(w.as_fd());
        let attr = ProcAttr {
            files: &files[..n],
            ..*attr
        };
        let mut all = [&b"report"[..]; 15];
        all[1..=args.len()].copy_from_slice(args);
        let pid = self.start(&all[..=args.len()], &attr)?;
        drop(w);
        let report = Report::read(&r);
        let st = wait(pid).unwrap_or(Status::Other(-1));
        Ok((st, report))
    }
}

impl ChildProgram {
    /// Forks a helper that runs `spawn` (given the `spawn_child report` path and argv), waits
    /// for that child and exits with its status; reads the report from `r` (the helper arranges
    /// for the child's stdout to be `w`, which this process closes after the fork) and reaps
    /// the helper. For cases that need a process set up differently from this one (its
    /// descriptors 0–2, a session, a terminal).
    pub fn report_from_helper(
        &self,
        r: &OwnedFd,
        w: OwnedFd,
        spawn: impl FnOnce((&[u8], &[&[u8]])) -> Result<Pid, Errno>,
    ) -> Result<Report, Errno> {
        let argv = self.argv(&[b"report"]);
        // SAFETY: the test programs are single-threaded; the helper makes syscalls and exits.
        match unsafe { process::fork() }? {
            None => {
                let code = match spawn((self.exe(), argv.as_slice())) {
                    Ok(pid) => match wait(pid) {
                        Ok(Status::Exited(c)) => c,
                        _ => 98,
                    },
                    Err(e) => 100 + i32::from(e.raw()),
                };
                process::exit(code)
            }
            Some(pid) => {
                // EOF comes when the report child and the helper have both exited.
                drop(w);
                let rep = Report::read(r);
                match wait(pid)? {
                    Status::Exited(0) => Ok(rep),
                    Status::Exited(c) if c > 100 => Err(Errno::from_raw((c - 100) as u16)),
                    _ => Err(Errno::ECHILD),
                }
            }
        }
    }
}

/// A fixed-size argv.
pub struct Argv<'a> {
    items: [&'a [u8]; 16],
    len: usize,
}

impl<'a> Argv<'a> {
    fn push(&mut self, a: &'a [u8]) {
        if self.len < self.items.len() {
            self.items[self.len] = a;
            self.len += 1;
        }
    }

    /// The strings.
    pub fn as_slice(&self) -> &[&'a [u8]] {
        &self.items[..self.len]
    }
}

/// What `spawn_child report` printed (up to 16 KiB).
pub struct Report {
    bytes: [u8; 16384],
    len: usize,
}

/// The `i`th space-separated word of `v` as a decimal number.
fn word(v: &[u8], i: usize) -> Option<i64> {
    let w = v.split(|&b| b == b' ').nth(i)?;
    core::str::from_utf8(w).ok()?.parse().ok()
}

/// Decodes lowercase hex; `None` for anything else.
fn unhex(s: &[u8], out: &mut [u8]) -> Option<usize> {
    if !s.len().is_multiple_of(2) || s.len() / 2 > out.len() {
        return None;
    }
    let nib = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    for (i, pair) in s.chunks(2).enumerate() {
        out[i] = nib(pair[0])? << 4 | nib(pair[1])?;
    }
    Some(s.len() / 2)
}

impl Report {
    /// Reads `fd` to EOF.
    pub fn read(fd: &OwnedFd) -> Report {
        let mut r = Report {
            bytes: [0; 16384],
            len: 0,
        };
        while r.len < r.bytes.len() {
            match sysrt::retry_on_intr(|| sysrt::io::read(fd, &mut r.bytes[r.len..])) {
                Ok(0) | Err(_) => break,
                Ok(n) => r.len += n,
            }
        }
        r
    }

    /// Reads `fd` until the first newline (for a child that keeps running after it).
    pub fn read_line(fd: &OwnedFd) -> Report {
        let mut r = Report {
            bytes: [0; 16384],
            len: 0,
        };
        while r.len < r.bytes.len() && !r.bytes[..r.len].contains(&b'\n') {
            match sysrt::retry_on_intr(|| sysrt::io::read(fd, &mut r.bytes[r.len..])) {
                Ok(0) | Err(_) => break,
                Ok(n) => r.len += n,
            }
        }
        r
    }

    /// The lines.
    pub fn lines(&self) -> impl Iterator<Item = &[u8]> {
        self.bytes[..self.len]
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
    }

    /// The values of the lines starting with `key `.
    pub fn values<'s>(&'s self, key: &'s str) -> impl Iterator<Item = &'s [u8]> + 's {
        self.lines().filter_map(move |l| {
            l.strip_prefix(key.as_bytes())
                .and_then(|rest| rest.strip_prefix(b" "))
        })
    }

    /// The value of the first line starting with `key `.
    pub fn value<'s>(&'s self, key: &'s str) -> Option<&'s [u8]> {
        self.values(key).next()
    }

    /// Whether the report is complete (its `end` line arrived).
    pub fn complete(&self) -> bool {
        self.lines().any(|l| l == b"end")
    }

    /// The hex-encoded values of `key` (`arg`, `env`), decoded, joined as `a|b|c` into a
    /// [`Text`](crate::util::Text)-like buffer for exact comparison.
    pub fn list(&self, key: &str) -> Joined {
        let mut j = Joined::default();
        for v in self.values(key) {
            let mut tmp = [0u8; 1024];
            let n = unhex(v, &mut tmp).unwrap_or(0);
            j.push(&tmp[..n]);
        }
        j
    }

    /// The `fd` lines as a sorted list.
    pub fn fds(&self) -> Fds {
        let mut f = Fds::default();
        for v in self.values("fd") {
            if let Some(n) = word(v, 0) {
                f.insert(n as i32);
            }
        }
        f
    }

    /// The inode number of the child's descriptor `fd`, if it had one.
    pub fn fd_ino(&self, fd: i32) -> Option<u64> {
        self.values("fd")
            .find(|v| word(v, 0) == Some(fd as i64))
            .and_then(|v| word(v, 1))
            .map(|i| i as u64)
    }

    /// A number after `key` (decimal, or hex for `mask`/`ign`/`caught`/`capamb`); a
    /// negative decimal (an errno) as its two's complement.
    pub fn num(&self, key: &str, field: usize) -> Option<u64> {
        if !matches!(key, "mask" | "ign" | "caught" | "capamb") {
            return self
                .value(key)
                .and_then(|v| word(v, field))
                .map(|n| n as u64);
        }
        let v = self.value(key)?;
        let w = v.split(|&b| b == b' ').nth(field)?;
        let s = core::str::from_utf8(w).ok()?;
        if matches!(key, "mask" | "ign" | "caught" | "capamb") {
            u64::from_str_radix(s, 16).ok()
        } else {
            s.parse().ok()
        }
    }
}

/// Strings joined with `|`, compared exactly (up to 4 KiB; longer is truncated).
#[derive(Clone, Default)]
pub struct Joined {
    buf: Buf<4096>,
    count: usize,
}

impl Joined {
    /// Appends one string.
    pub fn push(&mut self, s: &[u8]) {
        if self.count > 0 {
            let _ = fmt::Write::write_str(&mut self.buf, "|");
        }
        for &b in s {
            // Non-UTF-8 bytes are written as \xNN so the comparison stays exact and readable.
            if b.is_ascii() && b != b'|' && b != b'\\' {
                let _ = fmt::Write::write_char(&mut self.buf, b as char);
            } else {
                let _ = fmt::Write::write_fmt(&mut self.buf, format_args!("\\x{b:02x}"));
            }
        }
        self.count += 1;
    }

    /// The items sorted (QEMU hands a guest its environment in reverse order).
    pub fn sorted(&self) -> Joined {
        let text = self.buf.as_bytes();
        let mut items: [&[u8]; 128] = [&[]; 128];
        let mut n = 0;
        if self.count > 0 {
            for it in text.split(|&b| b == b'|') {
                if n < items.len() {
                    items[n] = it;
                    n += 1;
                }
            }
        }
        items[..n].sort_unstable();
        let mut out = Joined::default();
        for it in &items[..n] {
            if out.count > 0 {
                let _ = fmt::Write::write_str(&mut out.buf, "|");
            }
            let _ = fmt::Write::write_str(&mut out.buf, core::str::from_utf8(it).unwrap_or(""));
            out.count += 1;
        }
        out
    }
}

/// A list of strings, as [`Joined`]: `joined(&["a", "b"])`.
pub fn joined(items: &[&[u8]]) -> Joined {
    let mut j = Joined::default();
    for i in items {
        j.push(i);
    }
    j
}

impl PartialEq for Joined {
    fn eq(&self, other: &Joined) -> bool {
        self.buf.as_bytes() == other.buf.as_bytes()
    }
}

impl PartialEq<&str> for Joined {
    fn eq(&self, other: &&str) -> bool {
        self.buf.as_bytes() == other.as_bytes()
    }
}

impl Debug for Joined {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Debug::fmt(self.buf.as_str(), f)
    }
}

/// A sorted set of descriptor numbers (at most 32).
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct Fds {
    items: [i32; 32],
    len: usize,
}

impl Fds {
    /// The set of `items`.
    pub fn of(items: &[i32]) -> Fds {
        let mut f = Fds::default();
        for &i in items {
            f.insert(i);
        }
        f
    }

    /// Adds `fd` (kept sorted, no duplicates).
    pub fn insert(&mut self, fd: i32) {
        if self.len == self.items.len() || self.items[..self.len].contains(&fd) {
            return;
        }
        let at = self.items[..self.len].partition_point(|&x| x < fd);
        self.items.copy_within(at..self.len, at + 1);
        self.items[at] = fd;
        self.len += 1;
    }

    /// This set with `other`'s numbers added.
    pub fn union(mut self, other: &[i32]) -> Fds {
        for &i in other {
            self.insert(i);
        }
        self
    }
}

impl Debug for Fds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Debug::fmt(&self.items[..self.len], f)
    }
}

/// The descriptors this process holds without close-on-exec beyond 0–2: a spawned child
/// inherits them, so its expected descriptor set includes them.
pub fn inherited_fds() -> Fds {
    let (fds, n) = crate::util::fds_without_cloexec();
    Fds::of(&fds[..n])
}

/// A borrowed fd from an owned one, for `files` lists.
pub fn b(fd: &OwnedFd) -> Option<BorrowedFd<'_>> {
    Some(fd.as_fd())
}
