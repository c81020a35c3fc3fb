//! The spawned child between `clone` and `execve`, and the descriptor plan it follows.
//!
//! The child runs below the parent thread's stack pointer and, with `CLONE_VM|CLONE_VFORK`, in
//! the parent's memory while the parent is suspended. So it allocates nothing, takes no lock and
//! writes nothing but its own stack and the error [`Slot`]: everything it needs was prepared
//! by the parent in a [`ChildCtx`], which the child only reads. Every call is a raw trap
//! through [`sys`], so nothing in between can touch shared state.

use core::convert::Infallible;
use core::ffi::c_char;
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicU32, Ordering};

use linux_raw_sys::general as g;
use linux_raw_sys::ioctl::{TIOCNOTTY, TIOCSCTTY, TIOCSPGRP};
use linux_raw_sys::prctl as pr;

use super::attr::{Namespaces, SysProcAttr};
use super::spawn::SpawnStep;
use crate::signal::SigSet;
use crate::{Errno, Sysno, arch};

/// Where a failing child leaves its step and errno when memory is shared, and the sign that it
/// ran at all (`ran`), which tells the parent whether memory *was* shared.
#[derive(Default)]
pub(super) struct Slot {
    pub(super) ran: AtomicU32,
    pub(super) step: AtomicU32,
    pub(super) errno: AtomicU32,
}

/// One step of the descriptor plan. The parent computes the plan from the numbers alone, so
/// the child needs no scratch memory for it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) enum FdOp {
    /// Move the error pipe's write end to this number (close-on-exec), out of the way of the
    /// targets.
    MovePipe(i32),
    /// Pass 1: `dup3(src, dst, O_CLOEXEC)` to a number above every target, so pass 2 cannot
    /// overwrite a source it still needs.
    Lift { src: i32, dst: i32 },
    /// Pass 2: `dup3(src, dst, 0)`: the target, inheritable.
    Place { src: i32, dst: i32 },
    /// Pass 2: the source already has the target number; clear its close-on-exec flag.
    Keep(i32),
    /// Pass 2: a hole in the mapping (or fds 0–2 beyond it): close the number.
    Close(i32),
}

/// Computes the plan that makes `files[i]` fd `i` in the child (`-1`: closed), keeping the
/// error pipe `pipe` (`-1`: none) open above them, in the shape of Go's two passes. Writes the
/// ops into `out` and returns how many; `out` needs [`plan_len`] entries.
pub(super) fn plan_files(files: &[i32], pipe: i32, out: &mut [MaybeUninit<FdOp>]) -> usize {
    let mut k = 0;
    let mut push = |op| {
        out[k].write(op);
        k += 1;
    };
    // Numbers from `next` up are free: above every source and every number this plan
    // writes or closes (the targets, and 0–2, closed if the list is shorter).
    let targets = files.len().max(3) as i32;
    let mut next = files.iter().fold(targets - 1, |m, &f| m.max(f)) + 1;
    let mut pipe = pipe;
    if pipe >= 0 && pipe < next {
        push(FdOp::MovePipe(next));
        pipe = next;
        next += 1;
    }
    // The number the `n`th lifted source gets, skipping the pipe: the same sequence in both
    // passes, so pass 2 finds the lifted copies without scratch memory.
    let lift_numbers = |mut at: i32| {
        move || {
            if at == pipe {
                at += 1;
            }
            at += 1;
            at - 1
        }
    };
    let lifted = |i: usize, f: i32| f >= 0 && f < i as i32;
    // Pass 1: a source numbered below its slot would be overwritten by an earlier slot's dup
    // (a swap, [2, 1, 0]); lift it above everything first.
    let mut lift = lift_numbers(next);
    for (i, &f) in files.iter().enumerate() {
        if lifted(i, f) {
            push(FdOp::Lift {
                src: f,
                dst: lift(),
            });
        }
    }
    // Pass 2: into place, inheritable.
    let mut lift = lift_numbers(next);
    for (i, &f) in files.iter().enumerate() {
        let src = if lifted(i, f) { lift() } else { f };
        let dst = i as i32;
        push(if src < 0 {
            FdOp::Close(dst)
        } else if src == dst {
            FdOp::Keep(dst)
        } else {
            FdOp::Place { src, dst }
        });
    }
    // Standard descriptors the mapping does not name are closed, as Go does: a program
    // started with fewer files must not inherit ours by accident.
    for i in files.len()..3 {
        push(FdOp::Close(i as i32));
    }
    k
}

/// The number of ops [`plan_files`] may write for `n` files.
pub(super) const fn plan_len(n: usize) -> usize {
    2 * n + 4
}

/// The parent's preparation, read by the child (which writes only [`Slot`]).
pub(super) struct ChildCtx<'a> {
    pub(super) path: *const c_char,
    pub(super) argv: *const *const c_char,
    pub(super) envp: *const *const c_char,
    /// Null for none.
    pub(super) dir: *const c_char,
    /// Null for none.
    pub(super) chroot: *const c_char,
    pub(super) fd_ops: &'a [FdOp],
    pub(super) sys: &'a SysProcAttr<'a>,
    /// `/proc/self/{uid,gid}_map` contents, for the child to write itself after
    /// `unshare(CLONE_NEWUSER)`; empty otherwise.
    pub(super) uid_map: &'a [u8],
    pub(super) gid_map: &'a [u8],
    /// The mask the program execs with.
    pub(super) mask: SigSet,
    /// Signals set to `SIG_DFL` before the mask is applied.
    pub(super) reset: SigSet,
    /// The parent's pid, for the `pdeathsig` race check.
    pub(super) ppid: i32,
    /// Write end of the error pipe, or -1.
    pub(super) err_pipe: i32,
    /// The id-map handshake pipe (read end, write end), or -1s.
    pub(super) map_pipe: [i32; 2],
    pub(super) slot: &'a Slot,
}

/// A raw syscall with the errno decoded.
///
/// # Safety
/// As for [`arch::syscall6`]: the arguments must be valid for `n`.
#[inline(always)]
unsafe fn sys(n: Sysno, a: [usize; 6]) -> Result<usize, Errno> {
    // SAFETY: forwarded from the caller.
    Errno::decode(unsafe { arch::syscall6(n, a[0], a[1], a[2], a[3], a[4], a[5]) })
}

/// Tags an error with its step.
#[inline(always)]
fn at<T>(step: SpawnStep, r: Result<T, Errno>) -> Result<T, (SpawnStep, Errno)> {
    r.map_err(|e| (step, e))
}

/// `open(path, O_WRONLY|O_CLOEXEC)`, write all of `text`, close: one id-map file.
fn write_proc_file(path: &core::ffi::CStr, text: &[u8]) -> Result<(), Errno> {
    // SAFETY: `path` is NUL-terminated and outlives the call; openat only reads it.
    let fd = unsafe {
        sys(
            Sysno::openat,
            [
                g::AT_FDCWD as isize as usize,
                path.as_ptr() as usize,
                (g::O_WRONLY | g::O_CLOEXEC) as usize,
                0,
                0,
                0,
            ],
        )
    }?;
    // SAFETY: `text` is valid for reads of its length; `fd` is the file just opened.
    let w = unsafe {
        sys(
            Sysno::write,
            [fd, text.as_ptr() as usize, text.len(), 0, 0, 0],
        )
    };
    // SAFETY: `fd` is ours and nothing else refers to it.
    let c = unsafe { sys(Sysno::close, [fd, 0, 0, 0, 0, 0]) };
    w?;
    c.map(drop)
}

/// Everything between clone and exec, in Go's order. Returns only on failure.
fn run(ctx: &ChildCtx<'_>, pipe: &mut i32) -> Result<Infallible, (SpawnStep, Errno)> {
    use SpawnStep as S;
    let sys_attr = ctx.sys;

    // Keep capabilities across the uid change below, so the ambient ones can be raised.
    if !sys_attr.ambient_caps.is_empty() {
        // SAFETY: prctl(PR_SET_KEEPCAPS, 1) takes integers only.
        at(S::KeepCaps, unsafe {
            sys(Sysno::prctl, [pr::PR_SET_KEEPCAPS as usize, 1, 0, 0, 0, 0])
        })?;
    }

    // Wait until the parent has written the id maps (or failed to: its errno comes through).
    if ctx.map_pipe[0] >= 0 {
        // SAFETY: the write end is this child's copy; closing it lets the read see EOF if the
        // parent dies.
        let _ = unsafe { sys(Sysno::close, [ctx.map_pipe[1] as usize, 0, 0, 0, 0, 0]) };
        let mut err = 0u32;
        // SAFETY: read writes at most 4 bytes into `err`, on this child's stack.
        let n = at(S::IdMaps, unsafe {
            sys(
                Sysno::read,
                [ctx.map_pipe[0] as usize, &raw mut err as usize, 4, 0, 0, 0],
            )
        })?;
        if n != 4 {
            return Err((S::IdMaps, Errno::EINVAL));
        }
        if err != 0 {
            return Err((S::IdMaps, Errno::from_raw(err as u16)));
        }
    }

    if sys_attr.setsid {
        // SAFETY: setsid takes no arguments.
        at(S::Setsid, unsafe { sys(Sysno::setsid, [0; 6]) })?;
    }
    if sys_attr.setpgid || sys_attr.foreground {
        // SAFETY: setpgid takes integers only.
        at(S::Setpgid, unsafe {
            sys(Sysno::setpgid, [0, sys_attr.pgid as usize, 0, 0, 0, 0])
        })?;
    }
    if sys_attr.foreground {
        let mut pgrp = sys_attr.pgid;
        if pgrp == 0 {
            // SAFETY: getpid takes no arguments.
            pgrp = unsafe { arch::syscall0_readonly(Sysno::getpid) } as i32;
        }
        // Every signal is still blocked here, SIGTTOU included: a background process group
        // taking the terminal would otherwise be stopped by it.
        // SAFETY: TIOCSPGRP reads one pid_t from `pgrp`, on this child's stack.
        at(S::Foreground, unsafe {
            sys(
                Sysno::ioctl,
                [
                    sys_attr.ctty as isize as usize,
                    TIOCSPGRP as usize,
                    &raw const pgrp as usize,
                    0,
                    0,
                    0,
                ],
            )
        })?;
    }

    // Handlers first, then the mask: no handler of the parent's can run here once signals
    // are unblocked.
    for sig in ctx.reset.iter() {
        // SAFETY: all-zero is a valid kernel_sigaction: SIG_DFL, no flags, empty mask.
        let dfl: g::kernel_sigaction = unsafe { core::mem::zeroed() };
        // SAFETY: rt_sigaction reads one kernel_sigaction from this child's stack and writes
        // nothing (no old-action pointer).
        at(S::Signals, unsafe {
            sys(
                Sysno::rt_sigaction,
                [sig.raw() as usize, &raw const dfl as usize, 0, 8, 0, 0],
            )
        })?;
    }
    let mask = ctx.mask.raw();
    // SAFETY: rt_sigprocmask reads 8 bytes from `mask` and writes nothing.
    at(S::Signals, unsafe {
        sys(
            Sysno::rt_sigprocmask,
            [
                g::SIG_SETMASK as usize,
                &raw const mask as usize,
                0,
                8,
                0,
                0,
            ],
        )
    })?;

    let unshare = sys_attr.unshareflags;
    if !unshare.is_empty() {
        // SAFETY: unshare takes a flags integer.
        at(S::Unshare, unsafe {
            sys(Sysno::unshare, [unshare.bits() as usize, 0, 0, 0, 0, 0])
        })?;
        if unshare.contains(Namespaces::NEWUSER) && !ctx.gid_map.is_empty() {
            let setgroups: &[u8] = if sys_attr.gid_mappings_enable_setgroups {
                b"allow"
            } else {
                b"deny"
            };
            at(
                S::IdMaps,
                write_proc_file(c"/proc/self/setgroups", setgroups),
            )?;
            at(
                S::IdMaps,
                write_proc_file(c"/proc/self/gid_map", ctx.gid_map),
            )?;
        }
        if unshare.contains(Namespaces::NEWUSER) && !ctx.uid_map.is_empty() {
            at(
                S::IdMaps,
                write_proc_file(c"/proc/self/uid_map", ctx.uid_map),
            )?;
        }
        // unshare does not make shared mounts private (systemd mounts / shared); without this
        // the new namespace's mounts would propagate back. `unshare(1)` does the same.
        if unshare.contains(Namespaces::NEWNS) {
            // SAFETY: mount reads the two NUL-terminated literals; no data pointer.
            at(S::MountPrivate, unsafe {
                sys(
                    Sysno::mount,
                    [
                        c"none".as_ptr() as usize,
                        c"/".as_ptr() as usize,
                        0,
                        (g::MS_REC | g::MS_PRIVATE) as usize,
                        0,
                        0,
                    ],
                )
            })?;
        }
    }

    if !ctx.chroot.is_null() {
        // SAFETY: the path is a NUL-terminated string the parent prepared.
        at(S::Chroot, unsafe {
            sys(Sysno::chroot, [ctx.chroot as usize, 0, 0, 0, 0, 0])
        })?;
    }

    if let Some(cred) = &sys_attr.credential {
        let deny_setgroups = !sys_attr.gid_mappings.is_empty()
            && !sys_attr.gid_mappings_enable_setgroups
            && cred.groups.is_empty();
        if !cred.no_setgroups && !deny_setgroups {
            // SAFETY: setgroups reads `len` gid_t (u32) values from the slice.
            at(S::Setgroups, unsafe {
                sys(
                    Sysno::setgroups,
                    [cred.groups.len(), cred.groups.as_ptr() as usize, 0, 0, 0, 0],
                )
            })?;
        }
        // SAFETY: setgid and setuid take integers only.
        at(S::Setgid, unsafe {
            sys(Sysno::setgid, [cred.gid as usize, 0, 0, 0, 0, 0])
        })?;
        // SAFETY: as above.
        at(S::Setuid, unsafe {
            sys(Sysno::setuid, [cred.uid as usize, 0, 0, 0, 0, 0])
        })?;
    }

    if !sys_attr.ambient_caps.is_empty() {
        let mut hdr = g::__user_cap_header_struct {
            version: g::_LINUX_CAPABILITY_VERSION_3,
            pid: 0,
        };
        let mut data = [g::__user_cap_data_struct {
            effective: 0,
            permitted: 0,
            inheritable: 0,
        }; 2];
        // SAFETY: capget reads the header and writes two data structs (version 3), all on
        // this child's stack.
        at(S::Capabilities, unsafe {
            sys(
                Sysno::capget,
                [
                    &raw mut hdr as usize,
                    data.as_mut_ptr() as usize,
                    0,
                    0,
                    0,
                    0,
                ],
            )
        })?;
        // A capability can be raised into the ambient set only from permitted + inheritable.
        for &c in sys_attr.ambient_caps {
            let (i, bit) = ((c / 32) as usize, 1u32 << (c % 32));
            if let Some(d) = data.get_mut(i) {
                d.permitted |= bit;
                d.inheritable |= bit;
            }
        }
        // SAFETY: capset reads the header and two data structs from this child's stack.
        at(S::Capabilities, unsafe {
            sys(
                Sysno::capset,
                [&raw mut hdr as usize, data.as_ptr() as usize, 0, 0, 0, 0],
            )
        })?;
        for &c in sys_attr.ambient_caps {
            // SAFETY: prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap) takes integers only.
            at(S::AmbientCaps, unsafe {
                sys(
                    Sysno::prctl,
                    [
                        pr::PR_CAP_AMBIENT as usize,
                        pr::PR_CAP_AMBIENT_RAISE as usize,
                        c as usize,
                        0,
                        0,
                        0,
                    ],
                )
            })?;
        }
    }

    if !ctx.dir.is_null() {
        // SAFETY: the path is a NUL-terminated string the parent prepared.
        at(S::Chdir, unsafe {
            sys(Sysno::chdir, [ctx.dir as usize, 0, 0, 0, 0, 0])
        })?;
    }

    if let Some(sig) = sys_attr.pdeathsig {
        // SAFETY: prctl(PR_SET_PDEATHSIG, sig) takes integers only.
        at(S::Pdeathsig, unsafe {
            sys(
                Sysno::prctl,
                [
                    pr::PR_SET_PDEATHSIG as usize,
                    sig.raw() as usize,
                    0,
                    0,
                    0,
                    0,
                ],
            )
        })?;
        // The parent may have died before the prctl: then no signal will come, so send it
        // now (Go does the same; a duplicate is harmless for the usual SIGKILL).
        // SAFETY: getppid takes no arguments.
        let ppid = unsafe { arch::syscall0_readonly(Sysno::getppid) } as i32;
        if ppid != ctx.ppid {
            // SAFETY: getpid takes no arguments; kill takes integers only.
            at(S::Pdeathsig, unsafe {
                let me = arch::syscall0_readonly(Sysno::getpid);
                sys(Sysno::kill, [me, sig.raw() as usize, 0, 0, 0, 0])
            })?;
        }
    }

    if sys_attr.no_new_privs {
        // SAFETY: prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) takes integers only.
        at(S::NoNewPrivs, unsafe {
            sys(
                Sysno::prctl,
                [pr::PR_SET_NO_NEW_PRIVS as usize, 1, 0, 0, 0, 0],
            )
        })?;
    }

    for &op in ctx.fd_ops {
        let (src, dst, flags) = match op {
            FdOp::MovePipe(dst) => (*pipe, dst, g::O_CLOEXEC),
            FdOp::Lift { src, dst } => (src, dst, g::O_CLOEXEC),
            FdOp::Place { src, dst } => (src, dst, 0),
            FdOp::Keep(fd) => {
                // dup3(fd, fd) is EINVAL and dup2(fd, fd) would keep close-on-exec: clear it.
                // SAFETY: F_SETFD takes an integer.
                at(S::Files, unsafe {
                    sys(Sysno::fcntl, [fd as usize, g::F_SETFD as usize, 0, 0, 0, 0])
                })?;
                continue;
            }
            FdOp::Close(fd) => {
                // SAFETY: closing a number in the child's own descriptor table; a hole may
                // already be closed (EBADF is fine).
                let _ = unsafe { sys(Sysno::close, [fd as usize, 0, 0, 0, 0, 0]) };
                continue;
            }
        };
        // SAFETY: dup3 takes integers only and acts on the child's own descriptor table.
        at(S::Files, unsafe {
            sys(
                Sysno::dup3,
                [src as usize, dst as usize, flags as usize, 0, 0, 0],
            )
        })?;
        if let FdOp::MovePipe(dst) = op {
            *pipe = dst;
        }
    }

    if sys_attr.noctty {
        // SAFETY: TIOCNOTTY takes no argument.
        at(S::Noctty, unsafe {
            sys(Sysno::ioctl, [0, TIOCNOTTY as usize, 0, 0, 0, 0])
        })?;
    }
    if sys_attr.setctty {
        // The argument 1 steals the terminal from another session when privileged, as Go does.
        // SAFETY: TIOCSCTTY takes an integer.
        at(S::Setctty, unsafe {
            sys(
                Sysno::ioctl,
                [
                    sys_attr.ctty as isize as usize,
                    TIOCSCTTY as usize,
                    1,
                    0,
                    0,
                    0,
                ],
            )
        })?;
    }
    if sys_attr.ptrace {
        // SAFETY: PTRACE_TRACEME takes no pointers.
        at(S::Ptrace, unsafe {
            sys(
                Sysno::ptrace,
                [
                    linux_raw_sys::ptrace::PTRACE_TRACEME as usize,
                    0,
                    0,
                    0,
                    0,
                    0,
                ],
            )
        })?;
    }

    // SAFETY: path, argv and envp are the NUL/NULL-terminated strings and arrays the parent
    // built; they stay valid until execve has copied them.
    let e = unsafe {
        sys(
            Sysno::execve,
            [
                ctx.path as usize,
                ctx.argv as usize,
                ctx.envp as usize,
                0,
                0,
                0,
            ],
        )
    };
    Err((S::Exec, e.err().unwrap_or(Errno::EINVAL)))
}

/// The child's entry, below the parent's stack pointer: run the steps, and if one fails report it through the
/// slot (and the pipe, if there is one) and exit with status 127.
///
/// # Safety
/// `arg` is the address of a [`ChildCtx`] that stays valid until the child execs or exits.
pub(super) unsafe extern "C" fn child_main(arg: usize) -> ! {
    // SAFETY: the caller passes a ChildCtx that outlives the child's use of it.
    let ctx = unsafe { &*(arg as *const ChildCtx<'_>) };
    ctx.slot.ran.store(1, Ordering::Relaxed);
    let mut pipe = ctx.err_pipe;
    let Err((step, errno)) = run(ctx, &mut pipe);
    ctx.slot.step.store(step as u32, Ordering::Relaxed);
    ctx.slot
        .errno
        .store(u32::from(errno.raw()), Ordering::Relaxed);
    if pipe >= 0 {
        let report = [step as u32, u32::from(errno.raw())];
        // SAFETY: write reads the 8 bytes of `report` on this child's stack.
        let _ = unsafe {
            sys(
                Sysno::write,
                [pipe as usize, report.as_ptr() as usize, 8, 0, 0, 0],
            )
        };
    }
    // SAFETY: exit_group ends the child; the parent reaps it.
    unsafe { arch::syscall1_noreturn(Sysno::exit_group, 127) }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::collections::BTreeMap;
    use std::vec::Vec;

    /// The first `k` ops, which `plan_files` initialised.
    fn planned(ops: &[MaybeUninit<FdOp>], k: usize) -> Vec<FdOp> {
        let init = |o: &MaybeUninit<FdOp>| {
            // SAFETY: plan_files wrote ops[..k], the only ones read.
            unsafe { o.assume_init() }
        };
        ops[..k].iter().map(init).collect()
    }

    /// Applies a plan to a simulated descriptor table (number -> (file, cloexec)).
    fn apply(table: &mut BTreeMap<i32, (u32, bool)>, pipe: &mut i32, ops: &[FdOp]) {
        for &op in ops {
            let (src, dst, cloexec) = match op {
                FdOp::MovePipe(dst) => (*pipe, dst, true),
                FdOp::Lift { src, dst } => (src, dst, true),
                FdOp::Place { src, dst } => (src, dst, false),
                FdOp::Keep(fd) => {
                    table.get_mut(&fd).expect("keep of an open fd").1 = false;
                    continue;
                }
                FdOp::Close(fd) => {
                    table.remove(&fd);
                    continue;
                }
            };
            let file = table.get(&src).expect("dup from an open fd").0;
            table.insert(dst, (file, cloexec));
            if let FdOp::MovePipe(dst) = op {
                *pipe = dst;
            }
        }
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "exhaustive over every fd table of up to 4 entries: over 10 minutes under Miri; runs natively, and swap_lifts_then_places runs the same planner under Miri"
    )]
    fn every_mapping_of_small_tables_lands_exactly() {
        // Parent fds 0..6 are files 100..106, all close-on-exec; the pipe is one of them or none.
        let choices = [-1, 0, 1, 2, 3, 5];
        let mut cases = 0;
        for n in 0..=4usize {
            let mut idx = std::vec![0usize; n];
            loop {
                let files: Vec<i32> = idx.iter().map(|&j| choices[j]).collect();
                for pipe in [-1, 1, 4, 6] {
                    if files.contains(&pipe) && pipe >= 0 {
                        continue;
                    }
                    let mut table: BTreeMap<i32, (u32, bool)> =
                        (0..7).map(|fd| (fd, (100 + fd as u32, true))).collect();
                    let mut ops = std::vec![MaybeUninit::uninit(); plan_len(n)];
                    let k = plan_files(&files, pipe, &mut ops);
                    let ops = planned(&ops, k);
                    let mut p = pipe;
                    apply(&mut table, &mut p, &ops);
                    for (i, &f) in files.iter().enumerate() {
                        let got = table.get(&(i as i32)).copied();
                        let want = (f >= 0).then(|| (100 + f as u32, false));
                        assert_eq!(got, want, "files {files:?} pipe {pipe}: slot {i}");
                    }
                    for i in n..3 {
                        assert!(!table.contains_key(&(i as i32)), "{files:?}: fd {i} closed");
                    }
                    if pipe >= 0 {
                        assert_eq!(table.get(&p), Some(&(100 + pipe as u32, true)), "{files:?}");
                        assert!(p as usize >= n, "pipe out of the targets");
                    }
                    // Nothing else became inheritable.
                    for (&fd, &(_, cloexec)) in &table {
                        assert!(cloexec || (fd as usize) < n, "{files:?}: fd {fd}");
                    }
                    cases += 1;
                }
                // Next combination.
                let mut j = 0;
                while j < n {
                    idx[j] += 1;
                    if idx[j] < choices.len() {
                        break;
                    }
                    idx[j] = 0;
                    j += 1;
                }
                if j == n {
                    break;
                }
            }
        }
        assert!(cases > 3000, "{cases}");
    }

    #[test]
    fn swap_lifts_then_places() {
        let mut ops = [MaybeUninit::uninit(); plan_len(3)];
        let k = plan_files(&[2, 1, 0], -1, &mut ops);
        let ops = planned(&ops, k);
        assert_eq!(
            ops,
            [
                FdOp::Lift { src: 0, dst: 3 },
                FdOp::Place { src: 2, dst: 0 },
                FdOp::Keep(1),
                FdOp::Place { src: 3, dst: 2 },
            ]
        );
    }
}
