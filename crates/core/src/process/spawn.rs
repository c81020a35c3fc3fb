//! Starting programs: [`fork_exec`], [`start_process`], and how a spawn fails
//! ([`SpawnError`], [`SpawnStep`]). The details of how a spawn works are in [`fork_exec`]'s
//! documentation; the child's attributes are in `attr.rs`, exec in `exec.rs`.

use core::fmt;
use core::mem::{MaybeUninit, size_of};
use core::sync::atomic::{AtomicU8, Ordering};

use linux_raw_sys::general as g;

use super::Pid;
use super::attr::{IdMap, Namespaces, ProcAttr, SysProcAttr};
use super::child::{ChildCtx, FdOp, Slot, child_main, plan_files, plan_len};
use super::cmdargs::{Arena, ArgBytes, CmdArg, Strs};
use crate::fd::{OwnedFd, RawFd};
use crate::signal::{SigSet, Signal};
use crate::{Errno, Result, Sysno, arch};

/// The arena [`fork_exec`], [`start_process`], [`exec`](super::exec) and
/// [`execveat`](super::execveat) build their
/// `argv`/`envp` arrays in, on the stack: 16 KiB. It holds a pointer per string plus a copy of
/// every string that is not already a `CStr` (a `CStr` is used in place); an inherited,
/// unchanged environment takes no room at all. When it is too small the call fails with
/// `E2BIG`; [`start_process_in`] takes a caller's arena of any size.
pub const DEFAULT_ARENA: usize = 16 * 1024;

/// The step of a spawn that failed: in the parent before the child exists, or in the child.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[repr(u32)]
pub enum SpawnStep {
    /// Building the arrays: an interior NUL or an empty argv (`EINVAL`), an arena too small
    /// (`E2BIG`), a bad attribute (`EINVAL`).
    Args = 1,
    /// The parent's `pipe2` (`EMFILE`, `ENFILE`).
    Pipe,
    /// `clone`/`clone3` (`EAGAIN`, `ENOMEM`, `EINVAL`, `EPERM`, `ENOSYS`, …).
    Clone,
    /// Writing `/proc/PID/{uid_map,setgroups,gid_map}` (by the parent, or by the child after
    /// `unshare`), or waiting for the parent to.
    IdMaps,
    /// `prctl(PR_SET_KEEPCAPS)`.
    KeepCaps,
    /// `setsid`.
    Setsid,
    /// `setpgid`.
    Setpgid,
    /// `ioctl(TIOCSPGRP)` for `foreground`.
    Foreground,
    /// Resetting handlers or setting the mask.
    Signals,
    /// `unshare`.
    Unshare,
    /// Making the new mount namespace private.
    MountPrivate,
    /// `chroot`.
    Chroot,
    /// `setgroups`.
    Setgroups,
    /// `setgid`.
    Setgid,
    /// `setuid`.
    Setuid,
    /// `capget`/`capset` for the ambient capabilities.
    Capabilities,
    /// `prctl(PR_CAP_AMBIENT_RAISE)`.
    AmbientCaps,
    /// `chdir` to [`ProcAttr::dir`].
    Chdir,
    /// `prctl(PR_SET_PDEATHSIG)` or the self-signal after it.
    Pdeathsig,
    /// `prctl(PR_SET_NO_NEW_PRIVS)`.
    NoNewPrivs,
    /// Setting up the descriptors (`dup3`, `fcntl`): `EBADF` for a closed source, or a
    /// number at or above `RLIMIT_NOFILE`.
    Files,
    /// `ioctl(TIOCNOTTY)`.
    Noctty,
    /// `ioctl(TIOCSCTTY)`.
    Setctty,
    /// `ptrace(PTRACE_TRACEME)`.
    Ptrace,
    /// `execve` itself: `ENOENT`, `EACCES`, `ENOEXEC`, `ENOTDIR`, `ENAMETOOLONG`, `E2BIG`…
    Exec,
}

impl SpawnStep {
    const ALL: [SpawnStep; 25] = [
        SpawnStep::Args,
        SpawnStep::Pipe,
        SpawnStep::Clone,
        SpawnStep::IdMaps,
        SpawnStep::KeepCaps,
        SpawnStep::Setsid,
        SpawnStep::Setpgid,
        SpawnStep::Foreground,
        SpawnStep::Signals,
        SpawnStep::Unshare,
        SpawnStep::MountPrivate,
        SpawnStep::Chroot,
        SpawnStep::Setgroups,
        SpawnStep::Setgid,
        SpawnStep::Setuid,
        SpawnStep::Capabilities,
        SpawnStep::AmbientCaps,
        SpawnStep::Chdir,
        SpawnStep::Pdeathsig,
        SpawnStep::NoNewPrivs,
        SpawnStep::Files,
        SpawnStep::Noctty,
        SpawnStep::Setctty,
        SpawnStep::Ptrace,
        SpawnStep::Exec,
    ];

    /// The step a child reported by number (`Exec` for a number this build does not know).
    fn from_raw(n: u32) -> SpawnStep {
        SpawnStep::ALL
            .into_iter()
            .find(|s| *s as u32 == n)
            .unwrap_or(SpawnStep::Exec)
    }

    /// A short name: the call that failed.
    pub const fn name(self) -> &'static str {
        match self {
            SpawnStep::Args => "arguments",
            SpawnStep::Pipe => "pipe2",
            SpawnStep::Clone => "clone",
            SpawnStep::IdMaps => "id maps",
            SpawnStep::KeepCaps => "prctl(PR_SET_KEEPCAPS)",
            SpawnStep::Setsid => "setsid",
            SpawnStep::Setpgid => "setpgid",
            SpawnStep::Foreground => "ioctl(TIOCSPGRP)",
            SpawnStep::Signals => "signal reset",
            SpawnStep::Unshare => "unshare",
            SpawnStep::MountPrivate => "mount(MS_PRIVATE)",
            SpawnStep::Chroot => "chroot",
            SpawnStep::Setgroups => "setgroups",
            SpawnStep::Setgid => "setgid",
            SpawnStep::Setuid => "setuid",
            SpawnStep::Capabilities => "capset",
            SpawnStep::AmbientCaps => "prctl(PR_CAP_AMBIENT_RAISE)",
            SpawnStep::Chdir => "chdir",
            SpawnStep::Pdeathsig => "prctl(PR_SET_PDEATHSIG)",
            SpawnStep::NoNewPrivs => "prctl(PR_SET_NO_NEW_PRIVS)",
            SpawnStep::Files => "dup3",
            SpawnStep::Noctty => "ioctl(TIOCNOTTY)",
            SpawnStep::Setctty => "ioctl(TIOCSCTTY)",
            SpawnStep::Ptrace => "ptrace(PTRACE_TRACEME)",
            SpawnStep::Exec => "execve",
        }
    }
}

/// A failed spawn: the step and its errno. Converts into the [`Errno`] alone.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct SpawnError {
    /// What failed.
    pub step: SpawnStep,
    /// How.
    pub errno: Errno,
}

impl fmt::Display for SpawnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.step.name(), self.errno)
    }
}

impl From<SpawnError> for Errno {
    fn from(e: SpawnError) -> Errno {
        e.errno
    }
}

#[cfg(feature = "std")]
impl std::error::Error for SpawnError {}

/// A started child.
#[derive(Debug)]
pub struct Started {
    /// Its process ID.
    pub pid: Pid,
    /// Its pidfd, close-on-exec, if [`SysProcAttr::pidfd`] asked for one (and the kernel has
    /// pidfds).
    pub pidfd: Option<OwnedFd>,
}

/// `fork_exec(path, argv, attr)` — starts the program at `path` with `argv` in a new child
/// process and returns its pid. `path` is used as it is (no `PATH` search: see
/// [`look_path`](super::look_path)); `argv[0]` is the name the program sees.
///
/// The child is not waited for: reap it with `wait4`. On failure the child (if one was
/// created) has already been reaped.
///
/// # How it works
/// 1. The parent builds everything the child needs before `clone`: the `path`, `argv` and
///    `envp` arrays in an arena ([`DEFAULT_ARENA`] bytes on the stack, or the caller's with
///    [`start_process_in`]), the descriptor plan, the id-map text. Bad input (an interior NUL,
///    an empty argv) fails here, before any child exists.
/// 2. It blocks every signal and calls `clone(CLONE_VM|CLONE_VFORK)`: the child shares the
///    parent's memory, and the parent's thread sleeps until the child has called `execve` or
///    exited. The child runs on that thread's stack below its stack pointer, as after
///    `vfork()` (Go does the same): no buffer to size, and the thread's guard page under the
///    child. Its frames take about 150 bytes in an optimised build, 8.5 KiB in a debug one.
///    `clone3` is used when a cgroup or a time namespace asks for it, and a plain fork (no
///    shared memory) when the child must wait for the parent: a new user namespace or id maps.
/// 3. The child sets the session, process group and terminal (while signals are still
///    blocked), resets to `SIG_DFL` the signals this program handles
///    ([`signal::handled`](crate::signal::handled)) and those in
///    [`SysProcAttr::sigdefault`], sets its signal mask, then namespaces, root, credentials,
///    capabilities, directory, parent-death signal, descriptors, and execs.
/// 4. If a step fails, the child records which one and its errno and exits with status 127;
///    the parent reaps it and returns [`SpawnError`] (`fork_exec` returns the errno alone). No
///    zombie and no descriptor is left behind.
///
/// # The error channel
/// With `CLONE_VM|CLONE_VFORK` the child's report can sit in the parent's memory: when
/// `clone` returns, the child has either passed `execve`'s point of no return or written its
/// error. That costs nothing (measured at 1.01× a raw clone+execve+wait4, with the signal
/// mask calls). A close-on-exec pipe (EOF means the exec succeeded) costs a `pipe2`, two
/// `close`s and a `read` that sleeps until the exec closes the write end, which happens after
/// the vfork parent is already awake: 1.12–1.13× the raw floor (`cargo xtask bench`), over
/// the 1.10× goal on its own. So the pipe is used only where memory is not shared: when the
/// child must be a plain fork (a new user namespace or id maps, where the parent has to act
/// while the child waits), and under emulators that turn `CLONE_VFORK` into a fork (qemu-user
/// does), where a slot in memory would silently report success. The first spawn of a process
/// uses both: the child marks the slot as it starts; if the parent sees the mark, memory is
/// shared and later spawns skip the pipe, and if not, they keep it. A whole `fork_exec` +
/// `wait4` measures 1.03–1.04× the raw floor, with 9 syscalls against its 3 (the mask set
/// and restored, the child's mask, and clearing close-on-exec on fds 0–2, as Go does).
///
/// # Signals in the child
/// The child starts with every signal blocked, resets the handled ones, and execs with the
/// mask [`SysProcAttr::sigmask`] (empty by default, not the parent's: a supervisor that blocks
/// signals to read them from a signalfd must not hand that mask to its children). A signal the
/// parent ignores stays ignored in the child, as `execve` keeps `SIG_IGN` (POSIX); list it in
/// [`SysProcAttr::sigdefault`] to reset it. sysrt never changes `RLIMIT_NOFILE` at start, so
/// the child gets the limits this program has.
///
/// ```no_run
/// use sysrt::process::{ProcAttr, fork_exec};
/// let pid = fork_exec("/bin/sh", &["sh", "-c", "exit 7"], &ProcAttr::new())?;
/// # let _ = pid;
/// # Ok::<(), sysrt::Errno>(())
/// ```
///
/// # Errors
/// The errno of the failing step (see [`SpawnStep`], and [`start_process`] for the step
/// itself): `ENOENT` (no such program), `EACCES` (not executable, a directory, no search
/// permission on the way), `ENOEXEC` (not a format the kernel runs), `ENOTDIR`,
/// `ENAMETOOLONG`, `EINVAL` (interior NUL, empty argv, bad attribute; before any child
/// exists), `E2BIG` (the [`DEFAULT_ARENA`] or the kernel's limit), `EAGAIN` (`RLIMIT_NPROC`),
/// `EMFILE`, `EBADF` (a closed descriptor in `files`), and the errno of any attribute's call.
///
/// # References
/// `man 2 clone`, `man 2 execve`. Go: `syscall.ForkExec`.
#[doc(alias = "ForkExec")]
pub fn fork_exec<P: CmdArg + ?Sized, A: CmdArg + Sync>(
    path: &P,
    argv: &[A],
    attr: &ProcAttr<'_>,
) -> Result<Pid> {
    Ok(start_process(path, argv, attr)?.pid)
}

/// `start_process(path, argv, attr)` — as [`fork_exec`], and also returns the child's pidfd
/// when [`SysProcAttr::pidfd`] asks for one, and the failing step on error.
///
/// # Errors
/// As [`fork_exec`], with the [`SpawnStep`].
///
/// # References
/// `man 2 clone`, `man 2 execve`, `man 2 pidfd_open`. Go: `syscall.StartProcess`.
#[doc(alias = "StartProcess")]
pub fn start_process<P: CmdArg + ?Sized, A: CmdArg + Sync>(
    path: &P,
    argv: &[A],
    attr: &ProcAttr<'_>,
) -> core::result::Result<Started, SpawnError> {
    let mut arena = [MaybeUninit::<u8>::uninit(); DEFAULT_ARENA];
    start_process_in(&mut arena, path, argv, attr)
}

/// `start_process_in(arena, path, argv, attr)` — as [`start_process`], building the arrays
/// in `arena` instead of a [`DEFAULT_ARENA`]-byte stack buffer: for a large argv or
/// environment, or a small stack.
///
/// # Errors
/// As [`start_process`]; `E2BIG` at [`SpawnStep::Args`] when `arena` is too small.
pub fn start_process_in<P: CmdArg + ?Sized, A: CmdArg + Sync>(
    arena: &mut [MaybeUninit<u8>],
    path: &P,
    argv: &[A],
    attr: &ProcAttr<'_>,
) -> core::result::Result<Started, SpawnError> {
    let mut arena = Arena::new(arena);
    spawn(&mut arena, path.arg_bytes(), Strs::new(argv), attr)
}

/// Whether `CLONE_VM|CLONE_VFORK` shares memory here: learned at the first spawn.
static VFORK_SHARES: AtomicU8 = AtomicU8::new(UNKNOWN);
const UNKNOWN: u8 = 0;
const SHARED: u8 = 1;
const NOT_SHARED: u8 = 2;

/// A pipe for the parent: (read end, write end), close-on-exec.
fn pipe() -> Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as RawFd; 2];
    // SAFETY: pipe2 writes two ints into `fds`, which outlives the call.
    unsafe {
        Errno::decode(arch::syscall2(
            Sysno::pipe2,
            fds.as_mut_ptr() as usize,
            g::O_CLOEXEC as usize,
        ))
    }?;
    // SAFETY: pipe2 succeeded: both numbers are new descriptors nothing else owns.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// `rt_sigprocmask(SIG_SETMASK, set)`, returning the old mask.
fn set_mask(set: SigSet) -> SigSet {
    let new = set.raw();
    let mut old = 0u64;
    // SAFETY: rt_sigprocmask reads 8 bytes from `new` and writes 8 into `old`, both locals;
    // SIG_SETMASK with a valid pointer cannot fail.
    unsafe {
        arch::syscall4(
            Sysno::rt_sigprocmask,
            g::SIG_SETMASK as usize,
            &raw const new as usize,
            &raw mut old as usize,
            8,
        )
    };
    SigSet::from_raw(old)
}

/// `wait4(pid, NULL, 0)`, retried on `EINTR`: reaps a child that failed.
fn reap(pid: i32) {
    let _ = crate::retry_on_intr(|| {
        // SAFETY: wait4 with null status and rusage pointers writes no memory.
        Errno::decode(unsafe { arch::syscall4(Sysno::wait4, pid as usize, 0, 0, 0) })
    });
}

/// Formats id-map lines (`"inside outside size\n"`) into the arena.
fn format_maps<'b>(arena: &mut Arena<'b>, maps: &[IdMap]) -> Result<&'b [u8]> {
    // Three u32s in decimal, two spaces, a newline.
    const LINE: usize = 3 * 10 + 3;
    let buf = arena.slice::<u8>(maps.len() * LINE)?;
    let mut n = 0;
    let mut put = |b: u8| {
        buf[n].write(b);
        n += 1;
    };
    for m in maps {
        for (v, end) in [(m.container_id, b' '), (m.host_id, b' '), (m.size, b'\n')] {
            let mut digits = [0u8; 10];
            let mut len = 0;
            let mut v = v;
            loop {
                digits[len] = b'0' + (v % 10) as u8;
                len += 1;
                v /= 10;
                if v == 0 {
                    break;
                }
            }
            for &d in digits[..len].iter().rev() {
                put(d);
            }
            put(end);
        }
    }
    // SAFETY: the first `n` bytes of `buf` were written just above.
    Ok(unsafe { core::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), n) })
}

/// Writes `/proc/PID/<file>`, as the parent does for a child in a new user namespace.
fn write_pid_file(pid: i32, file: &str, text: &[u8]) -> Result<()> {
    let mut path = [0u8; 48];
    let mut n = 0;
    let mut put = |s: &[u8]| {
        path[n..n + s.len()].copy_from_slice(s);
        n += s.len();
    };
    put(b"/proc/");
    let mut digits = [0u8; 10];
    let (mut len, mut v) = (0, pid as u32);
    loop {
        digits[len] = b'0' + (v % 10) as u8;
        len += 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    digits[..len].reverse();
    put(&digits[..len]);
    put(b"/");
    put(file.as_bytes());
    let fd = crate::fs::open(
        &path[..n],
        crate::fs::OFlags::WRONLY,
        crate::fs::Mode::empty(),
    )?;
    crate::io::write_all(&fd, text)
}

/// The parent's side of the id maps: every map the parent must write, in the kernel's order.
fn write_maps(pid: i32, sys: &SysProcAttr<'_>, uid: &[u8], gid: &[u8]) -> Result<()> {
    if !uid.is_empty() {
        write_pid_file(pid, "uid_map", uid)?;
    }
    if !gid.is_empty() {
        let setgroups: &[u8] = if sys.gid_mappings_enable_setgroups {
            b"allow"
        } else {
            b"deny"
        };
        // Kernels before 3.19 have no setgroups file; the gid map works there without it.
        match write_pid_file(pid, "setgroups", setgroups) {
            Ok(()) | Err(Errno::ENOENT) => {}
            Err(e) => return Err(e),
        }
        write_pid_file(pid, "gid_map", gid)?;
    }
    Ok(())
}

fn spawn(
    arena: &mut Arena<'_>,
    path: ArgBytes<'_>,
    argv: Strs<'_>,
    attr: &ProcAttr<'_>,
) -> core::result::Result<Started, SpawnError> {
    let at = |step| move |errno| SpawnError { step, errno };
    let args = at(SpawnStep::Args);
    let sys = &attr.sys;

    // Everything that can be refused is refused here, before a child exists.
    if argv.is_empty() {
        // The kernel would run the program with argc = 0 (since 5.18 it inserts an empty
        // argv[0]); programs assume argv[0] exists (CVE-2021-4034), so it is refused.
        return Err(args(Errno::EINVAL));
    }
    let known = Namespaces::all().bits();
    if sys.cloneflags.bits() & !known != 0 || sys.unshareflags.bits() & !known != 0 {
        return Err(args(Errno::EINVAL));
    }
    if sys.ambient_caps.iter().any(|&c| c >= 64) {
        return Err(args(Errno::EINVAL));
    }
    let path = arena.c_str(path).map_err(args)?;
    let argv = arena.c_array(argv).map_err(args)?;
    let envp = match attr.env {
        Some(list) => arena.c_array(list),
        None => crate::env::envp_for_exec(|n| arena.slice(n)),
    }
    .map_err(args)?;
    let c_or_null = |arena: &mut Arena<'_>, a: Option<ArgBytes<'_>>| match a {
        Some(a) => arena.c_str(a),
        None => Ok(core::ptr::null()),
    };
    let dir = c_or_null(arena, attr.dir).map_err(args)?;
    let chroot = c_or_null(arena, sys.chroot).map_err(args)?;
    let uid_map = format_maps(arena, sys.uid_mappings).map_err(args)?;
    let gid_map = format_maps(arena, sys.gid_mappings).map_err(args)?;
    let files = arena.slice::<RawFd>(attr.files.len()).map_err(args)?;
    for (slot, f) in files.iter_mut().zip(attr.files) {
        slot.write(f.map_or(-1, |f| f.as_raw_fd()));
    }
    // SAFETY: every element was written just above.
    let files: &[RawFd] =
        unsafe { core::slice::from_raw_parts(files.as_ptr().cast(), attr.files.len()) };
    let ops = arena.slice::<FdOp>(plan_len(files.len())).map_err(args)?;

    // A new user namespace, or maps the parent writes while the child waits, rule out vfork:
    // the kernel refuses `unshare(CLONE_NEWUSER)` to a process sharing memory, and a vfork
    // parent cannot act until the child execs.
    let newuser = (sys.cloneflags | sys.unshareflags).contains(Namespaces::NEWUSER);
    let maps = !uid_map.is_empty() || !gid_map.is_empty();
    let vfork = !newuser && !maps;
    let use_clone3 = sys.cgroup.is_some() || sys.cloneflags.contains(Namespaces::NEWTIME);

    let err_pipe = if !vfork || VFORK_SHARES.load(Ordering::Relaxed) != SHARED {
        Some(pipe().map_err(at(SpawnStep::Pipe))?)
    } else {
        None
    };
    let map_pipe = if maps {
        Some(pipe().map_err(at(SpawnStep::Pipe))?)
    } else {
        None
    };
    let raw =
        |p: &Option<(OwnedFd, OwnedFd)>| p.as_ref().map(|(r, w)| (r.as_raw_fd(), w.as_raw_fd()));
    let err_w = raw(&err_pipe).map_or(-1, |(_, w)| w);
    let k = plan_files(files, err_w, ops);
    // SAFETY: `plan_files` initialised the first `k` ops.
    let fd_ops: &[FdOp] = unsafe { core::slice::from_raw_parts(ops.as_ptr().cast(), k) };

    let own_maps = sys.unshareflags.contains(Namespaces::NEWUSER);
    let never_reset = SigSet::EMPTY.with(Signal::KILL).with(Signal::STOP);
    let slot = Slot::default();
    let ctx = ChildCtx {
        path,
        argv,
        envp,
        dir,
        chroot,
        fd_ops,
        sys,
        uid_map: if own_maps { uid_map } else { &[] },
        gid_map: if own_maps { gid_map } else { &[] },
        mask: sys.sigmask.unwrap_or(SigSet::EMPTY),
        reset: SigSet::from_raw(
            (crate::signal::handled().raw() | sys.sigdefault.raw()) & !never_reset.raw(),
        ),
        ppid: if sys.pdeathsig.is_some() {
            super::getpid().raw()
        } else {
            0
        },
        err_pipe: err_w,
        map_pipe: raw(&map_pipe).map_or([-1, -1], |(r, w)| [r, w]),
        slot: &slot,
    };

    let mut pidfd_raw: RawFd = -1;
    let old_mask = set_mask(SigSet::FULL);
    let ret = clone_child(&ctx, vfork, use_clone3, &mut pidfd_raw);
    set_mask(old_mask);
    let pid = ret.map_err(at(SpawnStep::Clone))?;
    // SAFETY: a non-negative pidfd from clone is a new descriptor that only we hold.
    let mut pidfd = (pidfd_raw >= 0).then(|| unsafe { OwnedFd::from_raw_fd(pidfd_raw) });
    if sys.pidfd && pidfd.is_none() {
        pidfd = pidfd_open(pid).ok();
    }

    // The id maps: the parent writes them (unless the child unshares its own user namespace)
    // and tells the waiting child how that went.
    if let Some((r, w)) = map_pipe {
        drop(r);
        let written = if own_maps {
            Ok(())
        } else {
            write_maps(pid, sys, uid_map, gid_map)
        };
        let code = written
            .err()
            .map_or(0u32, |e| u32::from(e.raw()))
            .to_ne_bytes();
        let _ = crate::io::write_all(&w, &code);
    }

    // The outcome: from the slot when the child wrote it in our memory, else from the pipe.
    let failure = if vfork && slot.ran.load(Ordering::Relaxed) != 0 {
        VFORK_SHARES.store(SHARED, Ordering::Relaxed);
        match slot.errno.load(Ordering::Relaxed) {
            0 => None,
            e => Some((slot.step.load(Ordering::Relaxed), e)),
        }
    } else {
        if vfork {
            VFORK_SHARES.store(NOT_SHARED, Ordering::Relaxed);
        }
        match err_pipe {
            Some((r, w)) => {
                drop(w);
                let mut report = [0u8; 8];
                let n = crate::retry_on_intr(|| crate::io::read(&r, &mut report));
                match n {
                    Ok(8) => {
                        let [a, b, c, d, e, f, g2, h] = report;
                        Some((
                            u32::from_ne_bytes([a, b, c, d]),
                            u32::from_ne_bytes([e, f, g2, h]),
                        ))
                    }
                    // EOF: the exec succeeded and closed the write end.
                    Ok(0) => None,
                    // A short report cannot happen (8 bytes < PIPE_BUF are written at once).
                    Ok(_) => Some((SpawnStep::Exec as u32, u32::from(Errno::EIO.raw()))),
                    Err(e) => Some((SpawnStep::Exec as u32, u32::from(e.raw()))),
                }
            }
            // Memory was not shared although an earlier spawn found it was: no channel. The
            // child ran (or exec'd); report success, as nothing says otherwise.
            None => None,
        }
    };
    match failure {
        None => Ok(Started {
            pid: Pid::from_raw(pid),
            pidfd,
        }),
        Some((step, errno)) => {
            drop(pidfd);
            reap(pid);
            Err(SpawnError {
                step: SpawnStep::from_raw(step),
                errno: Errno::from_raw(errno as u16),
            })
        }
    }
}

/// The `clone`/`clone3` call: the child runs [`child_main`] below our stack pointer (we are
/// suspended until it execs or exits, or it has its own copy of memory). Returns the pid.
fn clone_child(
    ctx: &ChildCtx<'_>,
    vfork: bool,
    use_clone3: bool,
    pidfd: &mut RawFd,
) -> Result<i32> {
    let sys = ctx.sys;
    let mut flags = u64::from(sys.cloneflags.bits());
    if vfork {
        flags |= u64::from(g::CLONE_VM | g::CLONE_VFORK);
    }
    let ctx_addr = ctx as *const ChildCtx<'_> as usize;
    if use_clone3 {
        let mut args = g::clone_args {
            flags,
            pidfd: 0,
            child_tid: 0,
            parent_tid: 0,
            exit_signal: u64::from(g::SIGCHLD),
            stack: 0,
            stack_size: 0,
            tls: 0,
            set_tid: 0,
            set_tid_size: 0,
            cgroup: 0,
        };
        if sys.pidfd {
            args.flags |= u64::from(g::CLONE_PIDFD);
            args.pidfd = pidfd as *mut RawFd as u64;
        }
        if let Some(cg) = sys.cgroup {
            args.flags |= g::CLONE_INTO_CGROUP;
            args.cgroup = cg.as_raw_fd() as u64;
        }
        // No new stack: with CLONE_VM the flags include CLONE_VFORK, so our thread sleeps
        // while the child runs below its stack pointer; without it the child has a copy.
        // SAFETY: so the child never touches our live frames; the kernel reads `args` and
        // writes the pidfd into `pidfd`; `child_main` reads `ctx` and never returns.
        let ret = unsafe {
            arch::clone_then_call(
                Sysno::clone3,
                &raw mut args as usize,
                size_of::<g::clone_args>(),
                0,
                child_main,
                ctx_addr,
            )
        };
        return Errno::decode(ret).map(|pid| pid as i32);
    }
    let mut with_pidfd = sys.pidfd;
    loop {
        let mut f = flags | u64::from(g::SIGCHLD);
        if with_pidfd {
            f |= u64::from(g::CLONE_PIDFD);
        }
        // With CLONE_PIDFD the kernel writes an int into `pidfd` (clone's parent_tid argument).
        // SAFETY: as for clone3 above; newsp is 0 (no new stack).
        let ret = unsafe {
            arch::clone_then_call(
                Sysno::clone,
                f as usize,
                0,
                pidfd as *mut RawFd as usize,
                child_main,
                ctx_addr,
            )
        };
        match Errno::decode(ret) {
            // A kernel before 5.2 (or an emulator) without CLONE_PIDFD: pidfd_open afterwards.
            Err(Errno::EINVAL) if with_pidfd => with_pidfd = false,
            r => return r.map(|pid| pid as i32),
        }
    }
}

/// `pidfd_open(pid, 0)`: a close-on-exec pidfd for our child.
fn pidfd_open(pid: i32) -> Result<OwnedFd> {
    // SAFETY: pidfd_open takes integers only.
    let fd = Errno::decode(unsafe { arch::syscall2(Sysno::pidfd_open, pid as usize, 0) })?;
    // SAFETY: a new descriptor that only we hold.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

#[cfg(test)]
mod tests {
    //! Spawning from a std test process (glibc, several threads), in a debug build too: the
    //! child's unoptimised frames (several KiB) go below this thread's stack pointer.
    extern crate std;
    use super::*;
    use crate::fd::{STDERR, STDOUT};

    fn wait(pid: Pid) -> i32 {
        let mut st = 0i32;
        // SAFETY: wait4 writes one int into `st`; no rusage.
        let r =
            unsafe { arch::syscall4(Sysno::wait4, pid.raw() as usize, &raw mut st as usize, 0, 0) };
        assert_eq!(Errno::decode(r), Ok(pid.raw() as usize));
        st
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "real syscalls (clone, execve and wait4): Miri cannot run a trap instruction"
    )]
    fn spawn_from_a_std_test_process() {
        let pid = fork_exec("/bin/sh", &["sh", "-c", "exit 3"], &ProcAttr::new()).unwrap();
        assert_eq!(wait(pid), 3 << 8);
        assert_eq!(
            start_process("/nonexistent", &["x"], &ProcAttr::new()).map(|s| s.pid),
            Err(SpawnError {
                step: SpawnStep::Exec,
                errno: Errno::ENOENT
            })
        );
        let attr = ProcAttr::new().dir("/nonexistent").sys(SysProcAttr {
            setsid: true,
            pdeathsig: Some(Signal::KILL),
            no_new_privs: true,
            ..ProcAttr::new().sys
        });
        assert_eq!(
            start_process("/bin/true", &["true"], &attr).map(|s| s.pid),
            Err(SpawnError {
                step: SpawnStep::Chdir,
                errno: Errno::ENOENT
            })
        );
        let files = [None, Some(STDERR), Some(STDOUT)];
        let pid = fork_exec("/bin/true", &["true"], &ProcAttr::new().files(&files)).unwrap();
        assert_eq!(wait(pid), 0);
    }
}
