//! Resource limits (`prlimit64`, and `getrlimit`/`setrlimit` built on it) and scheduling
//! priority (`getpriority`/`setpriority`).

use core::mem::MaybeUninit;

use linux_raw_sys::general as g;

use crate::process::Pid;
use crate::{Errno, Result, Sysno, arch, arg};

/// `RLIM_INFINITY`: no limit. The 64-bit `RLIM64_INFINITY` of `prlimit64`, all ones.
#[doc(alias = "RLIM64_INFINITY")]
pub const RLIM_INFINITY: u64 = g::RLIM64_INFINITY as i64 as u64;

/// A resource limit: the soft limit the kernel enforces (`cur`) and the ceiling an
/// unprivileged process may raise it to (`max`). [`RLIM_INFINITY`] means no limit.
///
/// Go: `syscall.Rlimit`.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub struct Rlimit {
    /// The soft limit (`rlim_cur`).
    pub cur: u64,
    /// The hard limit (`rlim_max`).
    pub max: u64,
}

impl Rlimit {
    #[inline]
    fn to_kernel(self) -> g::rlimit64 {
        g::rlimit64 {
            rlim_cur: self.cur,
            rlim_max: self.max,
        }
    }
}

/// A limited resource: the `RLIMIT_*` constants.
///
/// # References
/// `man 2 getrlimit`.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
#[repr(u32)]
pub enum Resource {
    /// `RLIMIT_CPU`: CPU time in seconds (`SIGXCPU` at the soft limit, `SIGKILL` at the hard).
    #[doc(alias = "RLIMIT_CPU")]
    Cpu = g::RLIMIT_CPU,
    /// `RLIMIT_FSIZE`: the largest file the process may create, in bytes (`SIGXFSZ`).
    #[doc(alias = "RLIMIT_FSIZE")]
    Fsize = g::RLIMIT_FSIZE,
    /// `RLIMIT_DATA`: the data segment and private mappings, in bytes.
    #[doc(alias = "RLIMIT_DATA")]
    Data = g::RLIMIT_DATA,
    /// `RLIMIT_STACK`: the main thread's stack, in bytes.
    #[doc(alias = "RLIMIT_STACK")]
    Stack = g::RLIMIT_STACK,
    /// `RLIMIT_CORE`: the largest core dump, in bytes (0: none).
    #[doc(alias = "RLIMIT_CORE")]
    Core = g::RLIMIT_CORE,
    /// `RLIMIT_RSS`: resident set size (ignored by Linux).
    #[doc(alias = "RLIMIT_RSS")]
    Rss = g::RLIMIT_RSS,
    /// `RLIMIT_NPROC`: processes (threads) of the real user ID.
    #[doc(alias = "RLIMIT_NPROC")]
    Nproc = g::RLIMIT_NPROC,
    /// `RLIMIT_NOFILE`: one more than the highest descriptor number that may be opened.
    #[doc(alias = "RLIMIT_NOFILE")]
    Nofile = g::RLIMIT_NOFILE,
    /// `RLIMIT_MEMLOCK`: locked memory, in bytes.
    #[doc(alias = "RLIMIT_MEMLOCK")]
    Memlock = g::RLIMIT_MEMLOCK,
    /// `RLIMIT_AS`: the address space, in bytes.
    #[doc(alias = "RLIMIT_AS")]
    As = g::RLIMIT_AS,
    /// `RLIMIT_LOCKS`: file locks (ignored since Linux 2.4.25).
    #[doc(alias = "RLIMIT_LOCKS")]
    Locks = g::RLIMIT_LOCKS,
    /// `RLIMIT_SIGPENDING`: queued signals of the real user ID.
    #[doc(alias = "RLIMIT_SIGPENDING")]
    Sigpending = g::RLIMIT_SIGPENDING,
    /// `RLIMIT_MSGQUEUE`: bytes in POSIX message queues of the real user ID.
    #[doc(alias = "RLIMIT_MSGQUEUE")]
    Msgqueue = g::RLIMIT_MSGQUEUE,
    /// `RLIMIT_NICE`: the ceiling of the nice value, as `20 - nice` (1 to 40).
    #[doc(alias = "RLIMIT_NICE")]
    Nice = g::RLIMIT_NICE,
    /// `RLIMIT_RTPRIO`: the ceiling of the real-time priority.
    #[doc(alias = "RLIMIT_RTPRIO")]
    Rtprio = g::RLIMIT_RTPRIO,
    /// `RLIMIT_RTTIME`: CPU time under a real-time policy without blocking, in microseconds.
    #[doc(alias = "RLIMIT_RTTIME")]
    Rttime = g::RLIMIT_RTTIME,
}

impl Resource {
    /// Every resource, in number order.
    pub const ALL: [Resource; 16] = [
        Resource::Cpu,
        Resource::Fsize,
        Resource::Data,
        Resource::Stack,
        Resource::Core,
        Resource::Rss,
        Resource::Nproc,
        Resource::Nofile,
        Resource::Memlock,
        Resource::As,
        Resource::Locks,
        Resource::Sigpending,
        Resource::Msgqueue,
        Resource::Nice,
        Resource::Rtprio,
        Resource::Rttime,
    ];
}

/// `prlimit64(pid, resource, new, &old)` — reads, and if `new` is given sets, a resource
/// limit of process `pid` (`None`: the caller); returns the limit as it was before.
///
/// Setting another process's limit needs `CAP_SYS_RESOURCE`, or the same real, effective and
/// saved user and group IDs as it. `prlimit64` has the same 64-bit layout on all three arches
/// (aarch64 and riscv64 also have `getrlimit`/`setrlimit`, but nothing needs them), and Go
/// uses it for `Getrlimit`/`Setrlimit` too.
///
/// # Errors
/// `EINVAL` (`new.cur > new.max`; or `Nofile` above `/proc/sys/fs/nr_open`), `EPERM` (raising
/// `max` without `CAP_SYS_RESOURCE`, or another process without permission), `ESRCH` (no such
/// process).
///
/// # References
/// `man 2 prlimit`. Go: `unix.Prlimit` (x/sys/unix).
#[doc(alias = "Prlimit")]
#[doc(alias = "prlimit64")]
#[inline]
pub fn prlimit(pid: Option<Pid>, resource: Resource, new: Option<Rlimit>) -> Result<Rlimit> {
    let new = new.map(Rlimit::to_kernel);
    let new_ptr = new.as_ref().map_or(0, |n| core::ptr::from_ref(n) as usize);
    let mut old = MaybeUninit::<g::rlimit64>::uninit();
    // SAFETY: `new`, when given, is a live `rlimit64` the kernel only reads; `old` is a live
    // `rlimit64` valid for one write. Both outlive the call.
    let ret = unsafe {
        arch::syscall4(
            Sysno::prlimit64,
            arg::raw_fd(pid.map_or(0, Pid::raw)),
            arg::uint(resource as u32),
            new_ptr,
            old.as_mut_ptr() as usize,
        )
    };
    Errno::decode(ret)?;
    // SAFETY: prlimit64 succeeded with a non-NULL old pointer, so the kernel filled `old`.
    let old = unsafe { old.assume_init() };
    Ok(Rlimit {
        cur: old.rlim_cur,
        max: old.rlim_max,
    })
}

/// `prlimit64(0, resource, NULL, &limit)` — the caller's limit for `resource`.
///
/// # Errors
/// None in practice.
///
/// # References
/// `man 2 getrlimit`. Go: `syscall.Getrlimit` (also `prlimit64`).
#[doc(alias = "Getrlimit")]
#[inline]
pub fn getrlimit(resource: Resource) -> Result<Rlimit> {
    prlimit(None, resource, None)
}

/// `prlimit64(0, resource, &limit, NULL)` — sets the caller's limit for `resource`.
///
/// Unlike Go's `Setrlimit`, nothing else changes: sysrt does not raise `RLIMIT_NOFILE` at
/// start, so there is no saved original for children to get back.
///
/// # Errors
/// `EINVAL` (`limit.cur > limit.max`, or `Nofile` above `/proc/sys/fs/nr_open`), `EPERM`
/// (raising `max` without `CAP_SYS_RESOURCE`).
///
/// # References
/// `man 2 setrlimit`. Go: `syscall.Setrlimit`.
#[doc(alias = "Setrlimit")]
#[inline]
pub fn setrlimit(resource: Resource, limit: Rlimit) -> Result<()> {
    prlimit(None, resource, Some(limit)).map(drop)
}

/// Whose priority [`getpriority`]/[`setpriority`] act on: the `which` and `who` arguments.
/// `None` is the caller (its process, process group, or real user ID).
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub enum PriorityWho {
    /// `PRIO_PROCESS`: one process.
    #[doc(alias = "PRIO_PROCESS")]
    Process(Option<Pid>),
    /// `PRIO_PGRP`: every process in a process group.
    #[doc(alias = "PRIO_PGRP")]
    ProcessGroup(Option<Pid>),
    /// `PRIO_USER`: every process whose real user ID is this. `Some(0)` is also the caller's
    /// real user ID to the kernel (which reads `who` 0 as "me"): as root that is root anyway;
    /// another user cannot name root's processes.
    #[doc(alias = "PRIO_USER")]
    User(Option<u32>),
}

impl PriorityWho {
    #[inline]
    fn encode(self) -> (usize, usize) {
        let pid = |p: Option<Pid>| arg::raw_fd(p.map_or(0, Pid::raw));
        match self {
            PriorityWho::Process(p) => (arg::uint(g::PRIO_PROCESS), pid(p)),
            PriorityWho::ProcessGroup(p) => (arg::uint(g::PRIO_PGRP), pid(p)),
            PriorityWho::User(u) => (arg::uint(g::PRIO_USER), arg::uint(u.unwrap_or(0))),
        }
    }
}

/// `getpriority(which, who)` — the nice value (-20, most favoured, to 19) of a process, or the
/// lowest (most favoured) among a group's or a user's processes.
///
/// Returns the nice value itself, as glibc does and as [`setpriority`] takes it. The system
/// call returns `20 - nice` (1 to 40) so that no result looks like an error; Go's
/// `syscall.Getpriority` passes that raw value on, so `Go's result == 20 - this`.
///
/// # Errors
/// `ESRCH` (no process matched).
///
/// # References
/// `man 2 getpriority`. Go: `syscall.Getpriority`.
#[doc(alias = "Getpriority")]
#[inline]
pub fn getpriority(who: PriorityWho) -> Result<i32> {
    let (which, who) = who.encode();
    // SAFETY: getpriority takes integers and writes no memory.
    let ret = unsafe { arch::syscall2_readonly(Sysno::getpriority, which, who) };
    // The kernel result is 1..=40, so the subtraction cannot overflow.
    Errno::decode(ret).map(|raw| 20 - raw as i32)
}

/// `setpriority(which, who, nice)` — sets the nice value (-20 to 19; values outside are
/// clamped by the kernel) of the processes `who` names.
///
/// Lowering the nice value (raising priority) below the `RLIMIT_NICE` ceiling needs
/// `CAP_SYS_NICE`.
///
/// # Errors
/// `ESRCH` (no process matched), `EACCES` (lowering the value without privilege), `EPERM`
/// (a process of another user, without privilege).
///
/// # References
/// `man 2 setpriority`. Go: `syscall.Setpriority`.
#[doc(alias = "Setpriority")]
#[inline]
pub fn setpriority(who: PriorityWho, nice: i32) -> Result<()> {
    let (which, who) = who.encode();
    // SAFETY: setpriority takes integers and writes no memory.
    let ret = unsafe { arch::syscall3_readonly(Sysno::setpriority, which, who, arg::raw_fd(nice)) };
    Errno::decode(ret).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants() {
        assert_eq!(RLIM_INFINITY, u64::MAX);
        for (i, r) in Resource::ALL.iter().enumerate() {
            assert_eq!(*r as u32, i as u32);
        }
        assert_eq!(Resource::ALL.len() as u32, g::RLIM_NLIMITS);
    }
}
