//! What a spawned child gets: [`ProcAttr`] (directory, environment, descriptors) and the
//! Linux-specific [`SysProcAttr`] (session, terminal, signals, credentials, namespaces,
//! capabilities, cgroup, pidfd), as Go's `syscall.ProcAttr` and `SysProcAttr`.

use linux_raw_sys::general as g;

use super::cmdargs::{ArgBytes, CmdArg, Strs};
use crate::fd::{BorrowedFd, RawFd, STDERR, STDIN, STDOUT};
use crate::signal::{SigSet, Signal};

bitflags::bitflags! {
    /// Namespaces to create: the `CLONE_NEW*` flags, for [`SysProcAttr::cloneflags`] (given
    /// to `clone`) and [`SysProcAttr::unshareflags`] (given to `unshare` in the child).
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Default)]
    pub struct Namespaces: u32 {
        /// `CLONE_NEWNS`: a new mount namespace.
        #[doc(alias = "CLONE_NEWNS")]
        const NEWNS = g::CLONE_NEWNS;
        /// `CLONE_NEWCGROUP`: a new cgroup namespace.
        #[doc(alias = "CLONE_NEWCGROUP")]
        const NEWCGROUP = g::CLONE_NEWCGROUP;
        /// `CLONE_NEWUTS`: a new hostname and domain name.
        #[doc(alias = "CLONE_NEWUTS")]
        const NEWUTS = g::CLONE_NEWUTS;
        /// `CLONE_NEWIPC`: a new System V IPC and POSIX message queue namespace.
        #[doc(alias = "CLONE_NEWIPC")]
        const NEWIPC = g::CLONE_NEWIPC;
        /// `CLONE_NEWUSER`: a new user namespace. The child is then a plain fork, not a vfork
        /// (the kernel refuses a new user namespace to a process sharing memory).
        #[doc(alias = "CLONE_NEWUSER")]
        const NEWUSER = g::CLONE_NEWUSER;
        /// `CLONE_NEWPID`: a new PID namespace (the child is its pid 1).
        #[doc(alias = "CLONE_NEWPID")]
        const NEWPID = g::CLONE_NEWPID;
        /// `CLONE_NEWNET`: a new network namespace.
        #[doc(alias = "CLONE_NEWNET")]
        const NEWNET = g::CLONE_NEWNET;
        /// `CLONE_NEWTIME`: a new time namespace (for `cloneflags`, it needs `clone3`).
        #[doc(alias = "CLONE_NEWTIME")]
        const NEWTIME = g::CLONE_NEWTIME;
    }
}

/// One line of a user-namespace id map: `size` ids from `container_id` inside map to
/// `host_id` outside. Go: `syscall.SysProcIDMap`.
///
/// # References
/// `man 7 user_namespaces`.
#[doc(alias = "SysProcIDMap")]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct IdMap {
    /// The first id inside the namespace.
    pub container_id: u32,
    /// The first id outside.
    pub host_id: u32,
    /// How many ids.
    pub size: u32,
}

/// The user and groups the child runs as. Go: `syscall.Credential`.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Credential<'a> {
    /// `setuid(uid)`.
    pub uid: u32,
    /// `setgid(gid)`.
    pub gid: u32,
    /// `setgroups(groups)`: the supplementary groups (empty: none).
    pub groups: &'a [u32],
    /// Skip `setgroups` (the child keeps the parent's supplementary groups).
    pub no_setgroups: bool,
}

/// Linux-specific attributes of the child. Go: `syscall.SysProcAttr`.
///
/// Each field is one step in the child, done in the order [`fork_exec`](super::fork_exec) gives.
#[derive(Copy, Clone, Debug, Default)]
pub struct SysProcAttr<'a> {
    /// `chroot(path)` in the child, before the directory change.
    pub chroot: Option<ArgBytes<'a>>,
    /// `setgroups`/`setgid`/`setuid` in the child.
    pub credential: Option<Credential<'a>>,
    /// `ptrace(PTRACE_TRACEME)` just before exec: the child stops with `SIGTRAP` at its
    /// first instruction, for the parent to trace.
    pub ptrace: bool,
    /// `setsid()`: the child leads a new session (and process group).
    pub setsid: bool,
    /// `setpgid(0, pgid)`: the child joins process group `pgid` (0: a new group led by the
    /// child).
    pub setpgid: bool,
    /// The group for `setpgid` and `foreground`; 0 means the child's own pid.
    pub pgid: i32,
    /// `ioctl(ctty, TIOCSCTTY, 1)`: make `ctty` (a descriptor number *in the child*, after the
    /// `files` mapping) the controlling terminal. Needs `setsid`. The argument 1 lets a
    /// privileged caller steal a terminal another session holds, as Go does.
    pub setctty: bool,
    /// `ioctl(0, TIOCNOTTY)`: give up the controlling terminal on fd 0.
    pub noctty: bool,
    /// The terminal for `setctty` (a child descriptor) and `foreground` (a *parent*
    /// descriptor), as in Go.
    pub ctty: RawFd,
    /// `setpgid` (implied) then `ioctl(ctty, TIOCSPGRP)`: put the child's process group in
    /// the terminal's foreground. Done while every signal is blocked, so `SIGTTOU` cannot
    /// stop a child that starts in the background.
    pub foreground: bool,
    /// `prctl(PR_SET_PDEATHSIG, sig)`: the signal the child gets when the parent *thread*
    /// that spawned it ends. If the parent already died before the prctl, the child sends the
    /// signal to itself, as Go does.
    pub pdeathsig: Option<Signal>,
    /// Namespaces given to `clone` itself.
    pub cloneflags: Namespaces,
    /// Namespaces the child `unshare`s before exec. A new mount namespace is then made
    /// private (`mount("none", "/", MS_REC|MS_PRIVATE)`), as Go and `unshare(1)` do.
    pub unshareflags: Namespaces,
    /// Lines for `/proc/PID/uid_map`, written by the parent while the child waits (or by the
    /// child after `unshare(CLONE_NEWUSER)`). Non-empty maps make the child a plain fork.
    pub uid_mappings: &'a [IdMap],
    /// Lines for `/proc/PID/gid_map`; `/proc/PID/setgroups` is written first.
    pub gid_mappings: &'a [IdMap],
    /// Write `allow` to `/proc/PID/setgroups` rather than `deny`. An unprivileged parent must
    /// leave it `false` for the gid map to be accepted.
    pub gid_mappings_enable_setgroups: bool,
    /// Capabilities (numbers, `CAP_NET_BIND_SERVICE` is 10) raised into the child's ambient
    /// set, so a non-root program keeps them across exec: `PR_SET_KEEPCAPS` before the
    /// credential change, then `capset` (permitted + inheritable) and
    /// `PR_CAP_AMBIENT_RAISE`, as Go does.
    pub ambient_caps: &'a [u32],
    /// `prctl(PR_SET_NO_NEW_PRIVS, 1)`: exec can never grant privileges (no setuid bits, no
    /// file capabilities).
    pub no_new_privs: bool,
    /// Start the child in this cgroup (a directory fd of cgroup v2): `clone3` with
    /// `CLONE_INTO_CGROUP`. `ENOSYS` where the kernel (or an emulator) lacks `clone3`.
    pub cgroup: Option<BorrowedFd<'a>>,
    /// Return a pidfd for the child from [`start_process`](super::start_process) (`CLONE_PIDFD`, or `pidfd_open`
    /// after the fact where clone cannot). `None` in the result where the kernel has neither.
    /// Go: `PidFD` (an out-parameter there).
    pub pidfd: bool,
    /// The signal mask the program starts with. `None` (the default): empty.
    pub sigmask: Option<SigSet>,
    /// Signals reset to `SIG_DFL` in the child, on top of the handled ones: list a signal the
    /// parent ignores (`SIG_IGN` survives exec) to give the child the default action.
    pub sigdefault: SigSet,
}

/// What a spawned child gets. Go: `syscall.ProcAttr`.
#[derive(Copy, Clone, Debug)]
pub struct ProcAttr<'a> {
    /// The child's working directory (`chdir`); `None`: the parent's.
    pub dir: Option<ArgBytes<'a>>,
    /// The child's environment, passed exactly; `None`: the current environment
    /// ([`crate::env`], with every `setenv` so far).
    pub env: Option<Strs<'a>>,
    /// `files[i]` becomes descriptor `i` in the child (`None`: closed). Any order works,
    /// swaps like `[2, 1, 0]` included. Every other descriptor is closed by close-on-exec,
    /// except one the parent made inheritable with
    /// [`set_cloexec(fd, false)`](crate::io::set_cloexec). Descriptors 0–2 beyond the list
    /// are closed. Default: [`ProcAttr::STDIO`] (Go's zero `ProcAttr` has none).
    pub files: &'a [Option<BorrowedFd<'a>>],
    /// The Linux-specific attributes.
    pub sys: SysProcAttr<'a>,
}

impl<'a> ProcAttr<'a> {
    /// The child's stdin, stdout and stderr are ours.
    pub const STDIO: &'static [Option<BorrowedFd<'static>>] =
        &[Some(STDIN), Some(STDOUT), Some(STDERR)];

    /// Defaults: our directory, our environment, our stdio, no Linux attributes.
    pub const fn new() -> ProcAttr<'a> {
        ProcAttr {
            dir: None,
            env: None,
            files: ProcAttr::STDIO,
            sys: SysProcAttr {
                chroot: None,
                credential: None,
                ptrace: false,
                setsid: false,
                setpgid: false,
                pgid: 0,
                setctty: false,
                noctty: false,
                ctty: 0,
                foreground: false,
                pdeathsig: None,
                cloneflags: Namespaces::empty(),
                unshareflags: Namespaces::empty(),
                uid_mappings: &[],
                gid_mappings: &[],
                gid_mappings_enable_setgroups: false,
                ambient_caps: &[],
                no_new_privs: false,
                cgroup: None,
                pidfd: false,
                sigmask: None,
                sigdefault: SigSet::EMPTY,
            },
        }
    }

    /// Sets [`dir`](Self::dir).
    #[must_use]
    pub fn dir<D: CmdArg + ?Sized>(mut self, dir: &'a D) -> Self {
        self.dir = Some(dir.arg_bytes());
        self
    }

    /// Sets [`env`](Self::env) to exactly these `KEY=VALUE` strings.
    #[must_use]
    pub fn env<A: CmdArg + Sync + 'a>(mut self, env: &'a [A]) -> Self {
        self.env = Some(Strs::new(env));
        self
    }

    /// Sets [`files`](Self::files).
    #[must_use]
    pub fn files(mut self, files: &'a [Option<BorrowedFd<'a>>]) -> Self {
        self.files = files;
        self
    }

    /// Sets [`sys`](Self::sys).
    #[must_use]
    pub fn sys(mut self, sys: SysProcAttr<'a>) -> Self {
        self.sys = sys;
        self
    }
}

// A spawn's attributes can be built in one thread and used in another.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<ProcAttr<'static>>();
};

impl Default for ProcAttr<'_> {
    fn default() -> Self {
        ProcAttr::new()
    }
}
