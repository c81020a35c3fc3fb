//! `prctl` as a typed subset: the thread name, the parent-death signal, `no_new_privs`, the
//! child subreaper, the dumpable flag, keep-caps, the capability bounding set and the ambient
//! capabilities.
//!
//! Each option is its own function named after its `PR_*` constant, so the arguments each
//! option reads (and the memory some of them write) are fixed by the type: no safe call can
//! hand the kernel a pointer it did not expect. Unused arguments are passed as 0, which the
//! kernel requires for several options.

use core::ffi::CStr;
use core::fmt;

use linux_raw_sys::prctl as pr;

use crate::path::Arg;
use crate::process::Capability;
use crate::signal::Signal;
use crate::{Errno, Result, Sysno, arch, arg};

/// `prctl(option, a2, a3, a4, a5)` for options that read no memory: all integer arguments.
#[inline(always)]
fn prctl_int(option: u32, a2: usize, a3: usize) -> Result<usize> {
    // SAFETY: every option this module passes here takes integers only (the pointer-taking
    // options have their own calls below) and writes no memory.
    Errno::decode(unsafe { arch::syscall5(Sysno::prctl, arg::uint(option), a2, a3, 0, 0) })
}

/// The kernel's `TASK_COMM_LEN`: a thread name is 15 bytes and a NUL.
const COMM_LEN: usize = 16;

/// `prctl(PR_SET_NAME, name)` — sets the calling thread's name (`/proc/self/comm`, what `ps`
/// and `top` show).
///
/// The name is at most 15 bytes: a longer one is cut to its first 15 bytes, as the kernel
/// does (it keeps room for the NUL of its 16-byte buffer). The bytes are copied into a
/// 16-byte buffer here first, so the kernel never reads past what was given.
///
/// # Errors
/// `EINVAL` (a NUL inside `name`), `ENAMETOOLONG` (`name` longer than `PATH_MAX`; the
/// conversion is the path one).
///
/// # References
/// `man 2 prctl` (`PR_SET_NAME`). Go: `unix.Prctl(unix.PR_SET_NAME, …)` (x/sys/unix).
#[doc(alias = "PR_SET_NAME")]
#[doc(alias = "Prctl")]
#[inline]
pub fn pr_set_name(name: impl Arg) -> Result<()> {
    name.with_c_str(|name| {
        let mut buf = [0u8; COMM_LEN];
        let bytes = name.to_bytes();
        let n = bytes.len().min(COMM_LEN - 1);
        buf[..n].copy_from_slice(&bytes[..n]);
        // SAFETY: `buf` is 16 bytes ending in NUL, live for the call; the kernel reads at most
        // 16 bytes of it and writes nothing.
        let ret = unsafe {
            arch::syscall5_readonly(
                Sysno::prctl,
                arg::uint(pr::PR_SET_NAME),
                buf.as_ptr() as usize,
                0,
                0,
                0,
            )
        };
        Errno::decode(ret).map(drop)
    })
}

/// A thread name as `PR_GET_NAME` returns it: up to 15 bytes (not necessarily UTF-8).
#[derive(Copy, Clone, Eq, PartialEq, Hash)]
pub struct ThreadName {
    /// The kernel's buffer: the name, then NUL bytes.
    buf: [u8; COMM_LEN],
}

impl ThreadName {
    /// The name's bytes, without the NUL.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        let len = self.buf.iter().position(|&b| b == 0).unwrap_or(COMM_LEN);
        self.buf.get(..len).unwrap_or_default()
    }

    /// The name as a C string. (The kernel always NUL-terminates it; a buffer without a NUL
    /// gives the empty string.)
    #[inline]
    pub fn as_c_str(&self) -> &CStr {
        CStr::from_bytes_until_nul(&self.buf).unwrap_or_default()
    }
}

impl fmt::Debug for ThreadName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_c_str(), f)
    }
}

/// `prctl(PR_GET_NAME, buf)` — the calling thread's name.
///
/// # Errors
/// None in practice.
///
/// # References
/// `man 2 prctl` (`PR_GET_NAME`). Go: `unix.Prctl(unix.PR_GET_NAME, …)`.
#[doc(alias = "PR_GET_NAME")]
#[doc(alias = "Prctl")]
#[inline]
pub fn pr_get_name() -> Result<ThreadName> {
    let mut name = ThreadName { buf: [0; COMM_LEN] };
    // SAFETY: `name.buf` is 16 bytes, live for the call; PR_GET_NAME writes exactly
    // TASK_COMM_LEN (16) bytes.
    let ret = unsafe {
        arch::syscall5(
            Sysno::prctl,
            arg::uint(pr::PR_GET_NAME),
            name.buf.as_mut_ptr() as usize,
            0,
            0,
            0,
        )
    };
    Errno::decode(ret).map(|_| name)
}

/// `prctl(PR_SET_PDEATHSIG, sig)` — asks for `sig` when the parent thread ends (`None`:
/// nothing, the default). Cleared in a child of `fork`, and by an exec that changes
/// credentials (set-user-ID programs).
///
/// The signal is sent when the *thread* that created this process ends, not its whole
/// process; a parent that already ended before the call is not noticed (compare
/// [`getppid`](crate::process::getppid) with the expected parent after setting it).
///
/// # Errors
/// None for a valid signal.
///
/// # References
/// `man 2 prctl` (`PR_SET_PDEATHSIG`). Go: `SysProcAttr.Pdeathsig`,
/// `unix.Prctl(unix.PR_SET_PDEATHSIG, …)`.
#[doc(alias = "PR_SET_PDEATHSIG")]
#[doc(alias = "Prctl")]
#[inline]
pub fn pr_set_pdeathsig(sig: Option<Signal>) -> Result<()> {
    let sig = sig.map_or(0, Signal::raw);
    prctl_int(pr::PR_SET_PDEATHSIG, arg::raw_fd(sig), 0).map(drop)
}

/// `prctl(PR_GET_PDEATHSIG, &sig)` — the parent-death signal, `None` when unset.
///
/// # Errors
/// None in practice.
///
/// # References
/// `man 2 prctl` (`PR_GET_PDEATHSIG`). Go: `unix.Prctl(unix.PR_GET_PDEATHSIG, …)`.
#[doc(alias = "PR_GET_PDEATHSIG")]
#[doc(alias = "Prctl")]
#[inline]
pub fn pr_get_pdeathsig() -> Result<Option<Signal>> {
    let mut sig = 0i32;
    // SAFETY: `sig` is a live `int`; PR_GET_PDEATHSIG writes exactly one `int` through arg2.
    let ret = unsafe {
        arch::syscall5(
            Sysno::prctl,
            arg::uint(pr::PR_GET_PDEATHSIG),
            &raw mut sig as usize,
            0,
            0,
            0,
        )
    };
    Errno::decode(ret).map(|_| Signal::from_raw(sig))
}

/// `prctl(PR_SET_NO_NEW_PRIVS, 1)` — from now on, `execve` grants no privilege: set-user-ID
/// and set-group-ID bits and file capabilities are ignored. Irreversible, and inherited by
/// children and across exec. Needed before installing a seccomp filter without
/// `CAP_SYS_ADMIN`.
///
/// # Errors
/// None in practice.
///
/// # References
/// `man 2 prctl` (`PR_SET_NO_NEW_PRIVS`). Go:
/// `unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, …)`.
#[doc(alias = "PR_SET_NO_NEW_PRIVS")]
#[doc(alias = "Prctl")]
#[inline]
pub fn pr_set_no_new_privs() -> Result<()> {
    prctl_int(pr::PR_SET_NO_NEW_PRIVS, 1, 0).map(drop)
}

/// `prctl(PR_GET_NO_NEW_PRIVS)` — whether `no_new_privs` is set.
///
/// # Errors
/// None in practice.
///
/// # References
/// `man 2 prctl` (`PR_GET_NO_NEW_PRIVS`). Go: `unix.PrctlRetInt(unix.PR_GET_NO_NEW_PRIVS, …)`.
#[doc(alias = "PR_GET_NO_NEW_PRIVS")]
#[doc(alias = "PrctlRetInt")]
#[inline]
pub fn pr_get_no_new_privs() -> Result<bool> {
    prctl_int(pr::PR_GET_NO_NEW_PRIVS, 0, 0).map(|v| v != 0)
}

/// `prctl(PR_SET_CHILD_SUBREAPER, on)` — makes the caller (`true`) the reaper of orphaned
/// descendants, in place of init: when a child of a child ends after its parent, it is
/// reparented to this process and reported to its `wait` calls.
///
/// # Errors
/// None in practice.
///
/// # References
/// `man 2 prctl` (`PR_SET_CHILD_SUBREAPER`). Go: `unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, …)`.
#[doc(alias = "PR_SET_CHILD_SUBREAPER")]
#[doc(alias = "Prctl")]
#[inline]
pub fn pr_set_child_subreaper(on: bool) -> Result<()> {
    prctl_int(pr::PR_SET_CHILD_SUBREAPER, usize::from(on), 0).map(drop)
}

/// `prctl(PR_GET_CHILD_SUBREAPER, &on)` — whether the caller is a child subreaper.
///
/// # Errors
/// None in practice.
///
/// # References
/// `man 2 prctl` (`PR_GET_CHILD_SUBREAPER`). Go: `unix.Prctl(unix.PR_GET_CHILD_SUBREAPER, …)`.
#[doc(alias = "PR_GET_CHILD_SUBREAPER")]
#[doc(alias = "Prctl")]
#[inline]
pub fn pr_get_child_subreaper() -> Result<bool> {
    let mut on = 0i32;
    // SAFETY: `on` is a live `int`; PR_GET_CHILD_SUBREAPER writes exactly one `int` through
    // arg2.
    let ret = unsafe {
        arch::syscall5(
            Sysno::prctl,
            arg::uint(pr::PR_GET_CHILD_SUBREAPER),
            &raw mut on as usize,
            0,
            0,
            0,
        )
    };
    Errno::decode(ret).map(|_| on != 0)
}

/// The dumpable flag as `PR_GET_DUMPABLE` reports it (`SUID_DUMP_*` in the kernel, which
/// `linux/sched/coredump.h` does not export to user space: 0, 1, 2).
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub enum Dumpable {
    /// 0 (`SUID_DUMP_DISABLE`): no core dump, and `/proc/PID` files are owned by root.
    #[doc(alias = "SUID_DUMP_DISABLE")]
    Disabled,
    /// 1 (`SUID_DUMP_USER`): the default.
    #[doc(alias = "SUID_DUMP_USER")]
    User,
    /// 2 (`SUID_DUMP_ROOT`): after a privilege-changing exec with `fs.suid_dumpable` = 2;
    /// the core is readable by root only. (The kernel keeps two bits; 3 is never set, and would
    /// read as this too.)
    #[doc(alias = "SUID_DUMP_ROOT")]
    Root,
}

/// `prctl(PR_SET_DUMPABLE, on)` — sets whether the process dumps core and may be
/// ptrace-attached by its own user (`true`: [`Dumpable::User`]; `false`:
/// [`Dumpable::Disabled`]). The kernel refuses 2 from here, so only these two exist.
///
/// # Errors
/// None for these values.
///
/// # References
/// `man 2 prctl` (`PR_SET_DUMPABLE`). Go: `unix.Prctl(unix.PR_SET_DUMPABLE, …)`.
#[doc(alias = "PR_SET_DUMPABLE")]
#[doc(alias = "Prctl")]
#[inline]
pub fn pr_set_dumpable(on: bool) -> Result<()> {
    prctl_int(pr::PR_SET_DUMPABLE, usize::from(on), 0).map(drop)
}

/// `prctl(PR_GET_DUMPABLE)` — the dumpable flag.
///
/// # Errors
/// None in practice.
///
/// # References
/// `man 2 prctl` (`PR_GET_DUMPABLE`). Go: `unix.PrctlRetInt(unix.PR_GET_DUMPABLE, …)`.
#[doc(alias = "PR_GET_DUMPABLE")]
#[doc(alias = "PrctlRetInt")]
#[inline]
pub fn pr_get_dumpable() -> Result<Dumpable> {
    prctl_int(pr::PR_GET_DUMPABLE, 0, 0).map(|v| match v {
        0 => Dumpable::Disabled,
        1 => Dumpable::User,
        _ => Dumpable::Root,
    })
}

/// `prctl(PR_SET_KEEPCAPS, on)` — whether the permitted capabilities survive a change of all
/// user IDs away from 0 (`setuid` and friends). Cleared by `execve`.
///
/// # Errors
/// `EPERM` (the `SECBIT_KEEP_CAPS_LOCKED` securebit is set).
///
/// # References
/// `man 2 prctl` (`PR_SET_KEEPCAPS`). Go: `unix.Prctl(unix.PR_SET_KEEPCAPS, …)`.
#[doc(alias = "PR_SET_KEEPCAPS")]
#[doc(alias = "Prctl")]
#[inline]
pub fn pr_set_keepcaps(on: bool) -> Result<()> {
    prctl_int(pr::PR_SET_KEEPCAPS, usize::from(on), 0).map(drop)
}

/// `prctl(PR_GET_KEEPCAPS)` — the keep-caps flag.
///
/// # Errors
/// None in practice.
///
/// # References
/// `man 2 prctl` (`PR_GET_KEEPCAPS`). Go: `unix.PrctlRetInt(unix.PR_GET_KEEPCAPS, …)`.
#[doc(alias = "PR_GET_KEEPCAPS")]
#[doc(alias = "PrctlRetInt")]
#[inline]
pub fn pr_get_keepcaps() -> Result<bool> {
    prctl_int(pr::PR_GET_KEEPCAPS, 0, 0).map(|v| v != 0)
}

/// `prctl(PR_CAPBSET_READ, cap)` — whether `cap` is in the calling thread's bounding set (the
/// capabilities an exec may still grant).
///
/// # Errors
/// `EINVAL` (`cap` above the kernel's `CAP_LAST_CAP`).
///
/// # References
/// `man 2 prctl` (`PR_CAPBSET_READ`). Go: `unix.PrctlRetInt(unix.PR_CAPBSET_READ, …)`.
#[doc(alias = "PR_CAPBSET_READ")]
#[doc(alias = "PrctlRetInt")]
#[inline]
pub fn pr_capbset_read(cap: Capability) -> Result<bool> {
    prctl_int(pr::PR_CAPBSET_READ, arg::uint(cap.raw()), 0).map(|v| v != 0)
}

/// `prctl(PR_CAPBSET_DROP, cap)` — removes `cap` from the calling thread's bounding set,
/// irreversibly (`CAP_SETPCAP`).
///
/// # Errors
/// `EPERM` (no `CAP_SETPCAP`), `EINVAL` (`cap` above `CAP_LAST_CAP`).
///
/// # References
/// `man 2 prctl` (`PR_CAPBSET_DROP`). Go: `unix.Prctl(unix.PR_CAPBSET_DROP, …)`.
#[doc(alias = "PR_CAPBSET_DROP")]
#[doc(alias = "Prctl")]
#[inline]
pub fn pr_capbset_drop(cap: Capability) -> Result<()> {
    prctl_int(pr::PR_CAPBSET_DROP, arg::uint(cap.raw()), 0).map(drop)
}

/// `prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap)` — whether `cap` is in the calling
/// thread's ambient set (capabilities kept across an exec of a program without file
/// capabilities).
///
/// # Errors
/// `EINVAL` (`cap` above `CAP_LAST_CAP`).
///
/// # References
/// `man 2 prctl` (`PR_CAP_AMBIENT`). Go: `SysProcAttr.AmbientCaps`,
/// `unix.PrctlRetInt(unix.PR_CAP_AMBIENT, …)`.
#[doc(alias = "PR_CAP_AMBIENT_IS_SET")]
#[doc(alias = "PrctlRetInt")]
#[inline]
pub fn pr_cap_ambient_is_set(cap: Capability) -> Result<bool> {
    prctl_int(
        pr::PR_CAP_AMBIENT,
        arg::uint(pr::PR_CAP_AMBIENT_IS_SET),
        arg::uint(cap.raw()),
    )
    .map(|v| v != 0)
}

/// `prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap)` — adds `cap` to the ambient set; it
/// must be in both the permitted and the inheritable set.
///
/// # Errors
/// `EPERM` (`cap` not permitted and inheritable, or `SECBIT_NO_CAP_AMBIENT_RAISE`), `EINVAL`.
///
/// # References
/// `man 2 prctl` (`PR_CAP_AMBIENT`). Go: `unix.Prctl(unix.PR_CAP_AMBIENT, …)`.
#[doc(alias = "PR_CAP_AMBIENT_RAISE")]
#[doc(alias = "Prctl")]
#[inline]
pub fn pr_cap_ambient_raise(cap: Capability) -> Result<()> {
    prctl_int(
        pr::PR_CAP_AMBIENT,
        arg::uint(pr::PR_CAP_AMBIENT_RAISE),
        arg::uint(cap.raw()),
    )
    .map(drop)
}

/// `prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, cap)` — removes `cap` from the ambient set.
///
/// # Errors
/// `EINVAL` (`cap` above `CAP_LAST_CAP`).
///
/// # References
/// `man 2 prctl` (`PR_CAP_AMBIENT`). Go: `unix.Prctl(unix.PR_CAP_AMBIENT, …)`.
#[doc(alias = "PR_CAP_AMBIENT_LOWER")]
#[doc(alias = "Prctl")]
#[inline]
pub fn pr_cap_ambient_lower(cap: Capability) -> Result<()> {
    prctl_int(
        pr::PR_CAP_AMBIENT,
        arg::uint(pr::PR_CAP_AMBIENT_LOWER),
        arg::uint(cap.raw()),
    )
    .map(drop)
}

/// `prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)` — empties the ambient set.
///
/// # Errors
/// None in practice.
///
/// # References
/// `man 2 prctl` (`PR_CAP_AMBIENT`). Go: `unix.Prctl(unix.PR_CAP_AMBIENT, …)`.
#[doc(alias = "PR_CAP_AMBIENT_CLEAR_ALL")]
#[doc(alias = "Prctl")]
#[inline]
pub fn pr_cap_ambient_clear_all() -> Result<()> {
    prctl_int(
        pr::PR_CAP_AMBIENT,
        arg::uint(pr::PR_CAP_AMBIENT_CLEAR_ALL),
        0,
    )
    .map(drop)
}
