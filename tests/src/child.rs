//! Child processes for the process, signal and ptrace tests: fork a closure, signal it, wait
//! for it. The signal programs' helpers (further down) wait through a raw `wait4`, kept here so
//! the typed wait API can replace it in one place.

use core::fmt;

use linux_raw_sys::general::{__WALL, __kernel_timespec, WNOHANG};
use sysrt::process::{self, Pid, WaitOptions, WaitStatus, WaitTarget, WaitidOptions};
use sysrt::signal::Signal;
use sysrt::{Errno, Sysno, io};

/// Forks a child that runs `f` and exits with its result (`exit_group`, so nothing of the
/// parent's state is flushed or dropped twice). Returns the child's pid in the parent.
///
/// The child must only make syscalls (the test programs are single-threaded, so that is the
/// whole of the `fork` contract) and must not print: its exit status is its report.
pub fn fork_child(f: impl FnOnce() -> i32) -> Result<Pid, Errno> {
    // SAFETY: the test programs are single-threaded, so the child inherits no lock held by
    // another thread; the child runs `f` and exits without returning into the parent's code.
    match unsafe { process::fork() }? {
        None => process::exit_group(f()),
        Some(pid) => Ok(pid),
    }
}

/// `kill(pid, sig)` through the raw layer.
pub fn raw_kill(pid: Pid, sig: Signal) -> Result<(), Errno> {
    // SAFETY: kill takes two integers and writes no memory.
    unsafe {
        sysrt::raw_syscall(
            Sysno::kill,
            pid.raw() as isize as usize,
            sig.raw() as usize,
            0,
        )
    }
    .map(drop)
}

/// Sends `sig` to the calling process (raw `kill(getpid(), sig)`); for a child that must end
/// by a signal. Returns only if the signal did not end it.
pub fn raise(sig: Signal) {
    let _ = raw_kill(process::getpid(), sig);
}

/// Sleeps `ms` milliseconds (raw `nanosleep`), restarting after a handler.
pub fn sleep_ms(ms: i64) {
    let mut req = __kernel_timespec {
        tv_sec: ms / 1000,
        tv_nsec: (ms % 1000) * 1_000_000,
    };
    loop {
        let mut rem = __kernel_timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `req` and `rem` are live timespecs; nanosleep reads one and writes the other.
        let r = unsafe {
            sysrt::raw_syscall(
                Sysno::nanosleep,
                &raw const req as usize,
                &raw mut rem as usize,
                0,
            )
        };
        if r != Err(Errno::EINTR) {
            return;
        }
        req = rem;
    }
}

/// How long a poll loop waits for a child's state change at most: 20 s in 1 ms steps (far
/// beyond any real delay; only a broken call reaches it).
const POLL_STEPS: u32 = 20_000;

/// Polls `wait4(target, options | WNOHANG)` every millisecond until it reports something (or
/// fails), as a process monitor does. `Ok(None)` means nothing came within 20 s.
pub fn poll_wait4(
    target: WaitTarget,
    options: WaitOptions,
) -> Result<Option<(Pid, WaitStatus)>, Errno> {
    for _ in 0..POLL_STEPS {
        if let Some(found) = process::wait4(target, options | WaitOptions::NOHANG)? {
            return Ok(Some(found));
        }
        sleep_ms(1);
    }
    Ok(None)
}

/// Polls `waitid(id, options | WNOHANG)` as [`poll_wait4`] does.
pub fn poll_waitid(
    id: process::WaitId<'_>,
    options: WaitidOptions,
) -> Result<Option<process::WaitidStatus>, Errno> {
    for _ in 0..POLL_STEPS {
        if let Some(found) = process::waitid(id, options | WaitidOptions::NOHANG)? {
            return Ok(Some(found));
        }
        sleep_ms(1);
    }
    Ok(None)
}

/// Waits for `pid` to end (blocking `wait4`, retried on `EINTR`) and returns its status.
pub fn reap(pid: Pid) -> Result<WaitStatus, Errno> {
    let got =
        sysrt::retry_on_intr(|| process::wait4(WaitTarget::Child(pid), WaitOptions::empty()))?;
    got.map(|(_, st)| st).ok_or(Errno::EIO)
}

/// Kills `pid` with `SIGKILL` and reaps it, for cleanup after a case that may have failed
/// half-way. Errors are ignored: the child may already be gone.
pub fn kill_and_reap(pid: Pid) {
    let _ = raw_kill(pid, Signal::KILL);
    let _ = reap(pid);
}

/// A status summary that prints and compares well: (exited code, killed-by signal, core
/// dumped, stop signal, continued), each `None`/`false` where it does not apply.
pub type Summary = (Option<u8>, Option<i32>, bool, Option<i32>, bool);

/// The [`Summary`] of a status.
pub fn summary(st: WaitStatus) -> Summary {
    (
        st.exit_status(),
        st.signal().map(Signal::raw),
        st.core_dump(),
        st.stop_signal().map(Signal::raw),
        st.continued(),
    )
}

/// The summary of "exited with `code`".
pub fn exited(code: u8) -> Summary {
    (Some(code), None, false, None, false)
}

/// The summary of "killed by `sig`" (with a core dump if `core`).
pub fn killed(sig: Signal, core: bool) -> Summary {
    (None, Some(sig.raw()), core, None, false)
}

/// The summary of "stopped by `sig`".
pub fn stopped(sig: Signal) -> Summary {
    (None, None, false, Some(sig.raw()), false)
}

/// The summary of "continued".
pub const CONTINUED: Summary = (None, None, false, None, true);

/// In a child: blocks reading one byte from `fd` and returns it as the exit status (or 100 +
/// errno, or 99 at end of file).
pub fn exit_with_byte_from(fd: sysrt::fd::BorrowedFd<'_>) -> i32 {
    let mut b = [0u8; 1];
    match sysrt::retry_on_intr(|| io::read(fd, &mut b)) {
        Ok(1) => i32::from(b[0]),
        Ok(_) => 99,
        Err(e) => 100 + i32::from(e.raw()),
    }
}

/// The closing case every process test ends with: no child is left, waited for or not
/// (`wait4(-1, WNOHANG | __WALL)` says `ECHILD` only when there is none at all).
pub fn check_no_child_left(t: &mut crate::Tests) {
    crate::check!(
        t,
        "no_child_left_unreaped",
        process::wait4(WaitTarget::AnyChild, WaitOptions::NOHANG | WaitOptions::ALL),
        Err(Errno::ECHILD)
    );
}

/// What a child reports back through a pipe: formatted text, compared with `==` to the
/// expected text by the parent.
pub type Report = crate::check::Buf<512>;

/// Forks a child that runs `f`, which writes what it observed into a [`Report`]; the child
/// sends it through a pipe and exits 0. Returns the report once the child is reaped, or
/// `Err(EIO)` if the child did not exit 0.
pub fn child_report(f: impl FnOnce(&mut Report)) -> Result<Report, Errno> {
    let (r, w) = crate::util::raw_pipe()?;
    // The child's copy of the read end closes when it exits.
    let pid = fork_child(|| {
        let mut rep = Report::new();
        f(&mut rep);
        match io::write_all(&w, rep.as_bytes()) {
            Ok(()) => 0,
            Err(_) => 98,
        }
    })?;
    drop(w);
    let mut buf = [0u8; 512];
    let mut len = 0;
    while let Some(free) = buf.get_mut(len..).filter(|b| !b.is_empty()) {
        match sysrt::retry_on_intr(|| io::read(&r, free)) {
            Ok(0) | Err(_) => break,
            Ok(n) => len += n,
        }
    }
    let status = reap(pid)?;
    if status.exit_status() != Some(0) {
        return Err(Errno::EIO);
    }
    let text = core::str::from_utf8(&buf[..len]).unwrap_or("<non-utf8>");
    Ok(Report::format(format_args!("{text}")))
}

/// The value of a `Name:` line of `/proc/self/status` (text after the tab), e.g. `"0\t0\t0\t0"`
/// for `Uid:`; `None` if the file or the line is missing.
pub fn proc_status(name: &str) -> Option<crate::check::Buf<256>> {
    let mut buf = [0u8; 4096];
    let all = crate::util::file_contents("/proc/self/status", &mut buf).ok()?;
    let text = core::str::from_utf8(all).ok()?;
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(':')))?;
    Some(crate::check::Buf::format(format_args!("{}", line.trim())))
}

/// The four IDs of a `Uid:`/`Gid:` line of `/proc/self/status`: real, effective, saved,
/// filesystem.
pub fn proc_ids(name: &str) -> Option<[u32; 4]> {
    let line = proc_status(name)?;
    let mut ids = [0u32; 4];
    let mut fields = line.as_str().split_whitespace();
    for id in &mut ids {
        *id = fields.next()?.parse().ok()?;
    }
    Some(ids)
}

/// A capability mask line (`CapEff:` …) of `/proc/self/status`, as bits.
pub fn proc_caps(name: &str) -> Option<u64> {
    u64::from_str_radix(proc_status(name)?.as_str(), 16).ok()
}

/// How a child ended or stopped, decoded from a `wait4` status word.
#[derive(Copy, Clone, PartialEq, Eq)]
pub enum Status {
    /// `WIFEXITED`: the exit code.
    Exited(i32),
    /// `WIFSIGNALED`: the signal that ended it (the number, in case it is not a `Signal`).
    Signaled(i32),
    /// `WIFSTOPPED`: the stop signal and the ptrace event (`status >> 16`, 0 for none).
    Stopped(i32, u32),
    /// A ptrace syscall stop (`SIGTRAP | 0x80`, with `PTRACE_O_TRACESYSGOOD`).
    SyscallStop,
    /// `WIFCONTINUED`.
    Continued,
}

impl Status {
    /// Decodes a `wait4` status word (`man 2 wait`, the `W*` macros).
    pub fn decode(status: i32) -> Status {
        let low = status & 0x7f;
        if low == 0 {
            Status::Exited((status >> 8) & 0xff)
        } else if status & 0xff == 0x7f {
            let sig = (status >> 8) & 0xff;
            if sig == Signal::TRAP.raw() | 0x80 {
                Status::SyscallStop
            } else {
                Status::Stopped(sig, (status as u32) >> 16)
            }
        } else if status == 0xffff {
            Status::Continued
        } else {
            Status::Signaled(low)
        }
    }

    /// `Signaled` by `sig`.
    pub fn signaled(sig: Signal) -> Status {
        Status::Signaled(sig.raw())
    }

    /// `Stopped` by `sig` with no ptrace event.
    pub fn stopped(sig: Signal) -> Status {
        Status::Stopped(sig.raw(), 0)
    }
}

impl fmt::Debug for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |n: i32| Signal::from_raw(n).and_then(Signal::name).unwrap_or("?");
        match *self {
            Status::Exited(code) => write!(f, "Exited({code})"),
            Status::Signaled(n) => write!(f, "Signaled({})", name(n)),
            Status::Stopped(n, 0) => write!(f, "Stopped({})", name(n)),
            Status::Stopped(n, ev) => write!(f, "Stopped({}, event {ev})", name(n)),
            Status::SyscallStop => write!(f, "SyscallStop"),
            Status::Continued => write!(f, "Continued"),
        }
    }
}

/// `wait4(pid, &status, options | __WALL, NULL)` through the raw layer, once.
fn raw_wait4(pid: i32, options: u32) -> Result<(i32, i32), Errno> {
    let mut status = 0i32;
    // SAFETY: wait4 writes one int into `status`, a live local; no rusage (NULL).
    let got = unsafe {
        sysrt::raw_syscall6(
            Sysno::wait4,
            pid as isize as usize,
            &raw mut status as usize,
            (options | __WALL) as usize,
            0,
            0,
            0,
        )
    }?;
    Ok((got as i32, status))
}

/// Waits for the next state change of `pid` (exit, signal, stop), retrying `EINTR` (a test
/// handler may run meanwhile).
pub fn wait(pid: Pid) -> Result<Status, Errno> {
    sysrt::retry_on_intr(|| raw_wait4(pid.raw(), 0)).map(|(_, st)| Status::decode(st))
}

/// Whether any child is left, exited or not: `wait4(-1, WNOHANG)` must fail with `ECHILD`.
/// Every program ends with this as its `no_child_left_unreaped` case.
pub fn no_child_left() -> Result<(i32, i32), Errno> {
    raw_wait4(-1, WNOHANG)
}

/// What a child run by [`in_child`] reported.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Reported {
    /// The closure returned this (the child exited 0 for `Ok`, the errno for `Err`).
    Returned(Result<(), Errno>),
    /// The child ended otherwise.
    Ended(Status),
    /// `fork` or `wait4` failed.
    Failed(Errno),
}

/// Runs `f` in a forked child that exits with 0 (`Ok`) or the errno (`Err`); reaps it and
/// returns what it reported.
pub fn in_child(f: impl FnOnce() -> Result<(), Errno>) -> Reported {
    // SAFETY: the test programs are single-threaded, so the child is a full copy and may do
    // anything before it exits.
    match unsafe { process::fork() } {
        Err(e) => Reported::Failed(e),
        Ok(None) => process::exit(match f() {
            Ok(()) => 0,
            Err(e) => i32::from(e.raw()),
        }),
        Ok(Some(pid)) => match wait(pid) {
            Ok(Status::Exited(0)) => Reported::Returned(Ok(())),
            Ok(Status::Exited(n)) => Reported::Returned(Err(Errno::from_raw(n as u16))),
            Ok(other) => Reported::Ended(other),
            Err(e) => Reported::Failed(e),
        },
    }
}

/// Forks a child that runs `f` and exits with what it returns; the parent gets the pid.
pub fn spawn_child(f: impl FnOnce() -> i32) -> Result<Pid, Errno> {
    // SAFETY: as in `in_child`: single-threaded programs.
    match unsafe { process::fork() }? {
        None => process::exit(f()),
        Some(pid) => Ok(pid),
    }
}

/// Drops privileges for good in a forked child: real, effective and saved uid and gid to
/// `nobody` (65534), so the child is an ordinary user in every check.
pub fn become_nobody() -> Result<(), Errno> {
    let nobody = crate::util::NOBODY as usize;
    // SAFETY: setgroups(0, NULL) reads nothing; setresgid/setresuid take integers.
    unsafe {
        // Dropping the supplementary groups needs root; as non-root there are none of root's.
        let _ = sysrt::raw_syscall(Sysno::setgroups, 0, 0, 0);
        sysrt::raw_syscall(Sysno::setresgid, nobody, nobody, nobody)?;
        sysrt::raw_syscall(Sysno::setresuid, nobody, nobody, nobody)?;
    }
    Ok(())
}
