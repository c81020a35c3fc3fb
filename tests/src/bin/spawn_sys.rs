//! The session, terminal and signal attributes of a spawn: setsid and setpgid visible in the
//! child (and the step of a failing one); a pseudo-terminal made the controlling terminal
//! (setctty), given up (noctty), and the child's group put in its foreground; signal masks and
//! dispositions across the spawn (R31: blocked SIGTERM, ignored SIGINT; `sigmask`,
//! `sigdefault`); a handler that never runs in a child while SIGUSR1 rains on 1,000 spawns
//! (R30); pdeathsig delivered when the parent exits; ptrace stops the child at exec; a pidfd
//! that reaches the child; the cgroup fd's explicit errors.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, Ordering};

use linux_raw_sys::general::{
    SIG_BLOCK, SIG_SETMASK, SIGINT, SIGKILL, SIGTERM, SIGTRAP, SIGUSR1, kernel_sigaction,
};
use linux_raw_sys::ioctl::TIOCSCTTY;
use sysrt::fd::{BorrowedFd, OwnedFd, STDERR, STDIN};
use sysrt::fs::{self, Mode, OFlags};
use sysrt::process::{self, ProcAttr, SpawnError, SpawnStep, SysProcAttr};
use sysrt::signal::{SigSet, Signal};
use sysrt::{Errno, Sysno};
use sysrt_tests::check::Buf;
use sysrt_tests::spawn::{ChildProgram, Report, Status, kill_raw, no_children, wait, wait4_raw};
use sysrt_tests::util::{FdBaseline, pty, raw_pipe, under_qemu};
use sysrt_tests::{Tests, check};

const PLAN: usize = 27;

fn sys() -> SysProcAttr<'static> {
    ProcAttr::new().sys
}

fn raw0(n: Sysno) -> i64 {
    // SAFETY: the calls used here (getpid, getsid(0), getpgid(0)) take integers only.
    unsafe { sysrt::raw_syscall(n, 0, 0, 0) }.map_or(-1, |v| v as i64)
}

/// `rt_sigprocmask(how, set)` through the raw layer; returns the old mask.
fn raw_mask(how: u32, set: Option<u64>) -> u64 {
    let mut old = 0u64;
    // SAFETY: reads `set` (if given) and writes `old`, both locals.
    let _ = unsafe {
        sysrt::raw_syscall6(
            Sysno::rt_sigprocmask,
            how as usize,
            set.as_ref().map_or(0, |s| s as *const u64 as usize),
            &raw mut old as usize,
            8,
            0,
            0,
        )
    };
    old
}

/// Installs `handler` (or SIG_DFL/SIG_IGN as 0/1) for `sig` through the raw layer.
fn raw_action(sig: u32, handler: usize) -> Result<usize, Errno> {
    // SAFETY: all-zero is SIG_DFL with no flags and an empty mask.
    let mut act: kernel_sigaction = unsafe { core::mem::zeroed() };
    // SAFETY: `handler` is 0, 1, or the address of an `extern "C" fn(i32)`.
    act.sa_handler_kernel =
        unsafe { core::mem::transmute::<usize, Option<unsafe extern "C" fn(i32)>>(handler) };
    if handler > 1 {
        sysrt_arch::set_sigaction_restorer(&mut act);
    }
    // SAFETY: `act` is a valid kernel_sigaction that lives across the call.
    unsafe {
        sysrt::raw_syscall6(
            Sysno::rt_sigaction,
            sig as usize,
            &raw const act as usize,
            0,
            8,
            0,
            0,
        )
    }
}

/// The signals this process ignores now (raw rt_sigaction queries).
fn ignored_now() -> u64 {
    let mut set = 0u64;
    for sig in 1..=64usize {
        // SAFETY: all-zero is a valid kernel_sigaction.
        let mut old: kernel_sigaction = unsafe { core::mem::zeroed() };
        // SAFETY: with a null new action, rt_sigaction only writes the current one to `old`.
        let r = unsafe {
            sysrt::raw_syscall6(Sysno::rt_sigaction, sig, 0, &raw mut old as usize, 8, 0, 0)
        };
        if r.is_ok() && old.sa_handler_kernel.map(|h| h as usize) == Some(1) {
            set |= 1 << (sig - 1);
        }
    }
    set
}

static PARENT: AtomicI32 = AtomicI32::new(0);
static IN_CHILD: AtomicBool = AtomicBool::new(false);
static HITS: AtomicU32 = AtomicU32::new(0);

extern "C" fn on_usr1(_sig: Signal) {
    if raw0(Sysno::getpid) as i32 != PARENT.load(Ordering::SeqCst) {
        IN_CHILD.store(true, Ordering::SeqCst);
    }
    HITS.fetch_add(1, Ordering::SeqCst);
}

/// `prctl(option, arg)` through the raw layer (the unused arguments zero, as prctl checks).
fn raw_prctl(option: u32, arg: usize) -> Result<usize, Errno> {
    // SAFETY: the options used here take integers only.
    unsafe { sysrt::raw_syscall6(Sysno::prctl, option as usize, arg, 0, 0, 0, 0) }
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();
    let qemu = under_qemu();
    let child = ChildProgram::find();
    let (our_sid, our_pgid) = (raw0(Sysno::getsid), raw0(Sysno::getpgid));

    // Sessions and groups.
    let r = child.report(
        &[],
        &ProcAttr::new().sys(SysProcAttr {
            setsid: true,
            ..sys()
        }),
    );
    check!(
        t,
        "setsid_child_leads_session_and_group",
        r.map(|(st, rep)| {
            let pid = rep.num("ids", 0);
            (
                st,
                rep.num("ids", 2) == pid,
                rep.num("ids", 3) == pid,
                rep.num("tty", 0),
            )
        }),
        Ok((Status::Exited(0), true, true, Some((-25i64) as u64)))
    );
    let r = child.report(
        &[],
        &ProcAttr::new().sys(SysProcAttr {
            setpgid: true,
            ..sys()
        }),
    );
    check!(
        t,
        "setpgid_0_new_group_same_session",
        r.map(|(_, rep)| {
            (
                rep.num("ids", 2) == rep.num("ids", 0),
                rep.num("ids", 3) == Some(our_sid as u64),
            )
        }),
        Ok((true, true))
    );
    let leader = child.start(
        &[b"sleep"],
        &ProcAttr::new().sys(SysProcAttr {
            setpgid: true,
            ..sys()
        }),
    );
    let joined = leader.as_ref().map(|g| {
        let attr = ProcAttr::new().sys(SysProcAttr {
            setpgid: true,
            pgid: g.raw(),
            ..sys()
        });
        child.report(&[], &attr).map(|(_, rep)| rep.num("ids", 2))
    });
    let g = leader.as_ref().map(|g| g.raw() as u64).ok();
    check!(
        t,
        "setpgid_joins_existing_group",
        joined.map(|r| r.map(|p| p == g)),
        Ok(Ok(true))
    );
    if let Ok(l) = leader {
        let _ = kill_raw(l.raw(), SIGKILL as i32);
        let _ = wait(l);
    }
    let attr = ProcAttr::new().sys(SysProcAttr {
        setpgid: true,
        pgid: 0x3fff_fff0,
        ..sys()
    });
    check!(
        t,
        "setpgid_missing_group_eperm_step_setpgid",
        process::start_process("/bin/true", &["true"], &attr).map(|s| s.pid),
        Err(SpawnError {
            step: SpawnStep::Setpgid,
            errno: Errno::EPERM
        })
    );
    check!(
        t,
        "our_session_and_group_unchanged",
        (raw0(Sysno::getsid), raw0(Sysno::getpgid)),
        (our_sid, our_pgid)
    );

    // A terminal.
    match pty() {
        Err(e) => {
            for name in [
                "setctty_makes_pty_controlling_terminal",
                "setctty_terminal_session_is_the_child",
                "no_setctty_no_controlling_terminal",
                "foreground_puts_child_group_in_front",
                "noctty_gives_up_the_terminal",
                "ctty_inherited_without_noctty",
            ] {
                t.skip(
                    name,
                    Buf::<64>::format(format_args!("no pseudo-terminal: {e:?}")).as_str(),
                );
            }
        }
        Ok((_master, slave)) => tty_cases(&mut t, &child, &slave, qemu),
    }

    // Signals: R31. Block SIGTERM, ignore SIGINT, then spawn. Signals our own parent left
    // ignored stay ignored in the child too, so they are part of what it should see.
    let inherited_ign = ignored_now();
    let before = raw_mask(SIG_BLOCK, Some(1 << (SIGTERM - 1)));
    let ign = raw_action(SIGINT, 1);
    let r = child.report(&[], &ProcAttr::new());
    check!(
        t,
        "child_mask_empty_sigint_stays_ignored",
        (
            ign.map(drop),
            r.map(|(_, rep)| (rep.num("mask", 0), rep.num("ign", 0), rep.num("caught", 0)))
        ),
        (
            Ok(()),
            Ok((Some(0), Some(inherited_ign | 1 << (SIGINT - 1)), Some(0)))
        )
    );
    check!(
        t,
        "parent_mask_restored_after_spawn",
        raw_mask(SIG_BLOCK, None),
        before | 1 << (SIGTERM - 1)
    );
    let term = SigSet::EMPTY.with(Signal::TERM);
    let r = child.report(
        &[],
        &ProcAttr::new().sys(SysProcAttr {
            sigmask: Some(term),
            ..sys()
        }),
    );
    check!(
        t,
        "sigmask_given_is_the_childs",
        r.map(|(_, rep)| rep.num("mask", 0)),
        Ok(Some(1 << (SIGTERM - 1)))
    );
    let int = SigSet::EMPTY.with(Signal::INT);
    let r = child.report(
        &[],
        &ProcAttr::new().sys(SysProcAttr {
            sigdefault: int,
            ..sys()
        }),
    );
    check!(
        t,
        "sigdefault_resets_an_ignored_signal",
        r.map(|(_, rep)| rep.num("ign", 0)),
        Ok(Some(inherited_ign & !(1 << (SIGINT - 1))))
    );
    let _ = raw_action(SIGINT, 0);
    let _ = raw_mask(SIG_SETMASK, Some(before));

    // R30: SIGUSR1 rains on us and on every child while 1,000 spawn; our handler (recorded
    // as handled, so the spawn resets it in the child) must never run in a child.
    r30(&mut t, qemu);

    // pdeathsig.
    pdeathsig(&mut t, &child);

    // ptrace: the child stops with SIGTRAP at its exec.
    let traced = process::start_process(
        "/bin/true",
        &["true"],
        &ProcAttr::new().sys(SysProcAttr {
            ptrace: true,
            ..sys()
        }),
    );
    match traced {
        Err(SpawnError {
            step: SpawnStep::Ptrace,
            errno: Errno::ENOSYS,
        }) if qemu => t.skip(
            "ptrace_child_stops_with_sigtrap_at_exec",
            "QEMU: ptrace of a guest is not emulated (PTRACE_TRACEME gives ENOSYS)",
        ),
        other => {
            let st = other.map(|s| {
                let stop = wait4_raw(s.pid.raw(), 0).map(|(_, st)| st);
                let _ = kill_raw(s.pid.raw(), SIGKILL as i32);
                let end = wait(s.pid);
                (stop, end)
            });
            check!(
                t,
                "ptrace_child_stops_with_sigtrap_at_exec",
                st,
                Ok((
                    Ok(Status::Other((SIGTRAP as i32) << 8 | 0x7f)),
                    Ok(Status::Signaled(SIGKILL as i32))
                ))
            );
        }
    }

    // A pidfd that reaches the child: signal through it, then reap.
    let s = process::start_process(
        child.exe(),
        child.argv(&[b"sleep"]).as_slice(),
        &ProcAttr::new().sys(SysProcAttr {
            pidfd: true,
            ..sys()
        }),
    );
    let via_pidfd = s.map(|s| {
        let sent = s.pidfd.as_ref().map(|fd| {
            // SAFETY: pidfd_send_signal with a null siginfo takes integers only.
            unsafe {
                sysrt::raw_syscall6(
                    Sysno::pidfd_send_signal,
                    fd.as_raw_fd() as usize,
                    SIGKILL as usize,
                    0,
                    0,
                    0,
                    0,
                )
            }
            .map(drop)
        });
        let cloexec = s.pidfd.as_ref().map(sysrt_tests::util::cloexec);
        if sent != Some(Ok(())) {
            let _ = kill_raw(s.pid.raw(), SIGKILL as i32);
        }
        (sent, cloexec, wait(s.pid))
    });
    check!(
        t,
        "pidfd_signals_the_child_and_is_cloexec",
        via_pidfd,
        Ok((
            Some(Ok(())),
            Some(Ok(true)),
            Ok(Status::Signaled(SIGKILL as i32))
        ))
    );

    // The cgroup fd: a directory that is not a cgroup v2 one is EBADF from clone3; where
    // clone3 is missing (QEMU 7.2), the spawn fails with ENOSYS rather than ignoring it.
    let dir = fs::open("/tmp", OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty());
    let r = dir.as_ref().map(|d| {
        let attr = ProcAttr::new().sys(SysProcAttr {
            cgroup: Some(d.as_fd()),
            ..sys()
        });
        process::start_process("/bin/true", &["true"], &attr).map(|s| s.pid)
    });
    let want = if qemu { Errno::ENOSYS } else { Errno::EBADF };
    check!(
        t,
        "cgroup_fd_not_cgroup2_ebadf_or_enosys_without_clone3",
        r.map_err(drop),
        Ok(Err(SpawnError {
            step: SpawnStep::Clone,
            errno: want
        }))
    );
    drop(dir);

    check!(t, "no_child_left", no_children(), true);
    baseline.check(&mut t);
    t.finish()
}

fn tty_cases(t: &mut Tests, child: &ChildProgram, slave: &OwnedFd, qemu: bool) {
    let s = slave.as_fd();
    let on_tty = [Some(s), Some(STDERR), Some(s)];
    // setsid + setctty: the terminal becomes the child's, with its group in front.
    let r = child.report(
        &[],
        &ProcAttr::new().files(&on_tty).sys(SysProcAttr {
            setsid: true,
            setctty: true,
            ctty: 0,
            ..sys()
        }),
    );
    let r = r.map(|(_, rep)| {
        let pid = rep.num("ids", 0);
        (rep.num("tty", 0) == pid, rep.num("tty", 1) == pid)
    });
    check!(
        t,
        "setctty_makes_pty_controlling_terminal",
        r.map(|(front, _)| front),
        Ok(true)
    );
    if qemu {
        t.skip(
            "setctty_terminal_session_is_the_child",
            "QEMU 7.2 passes TIOCGSID through without copying the session id back (reads 0)",
        );
    } else {
        check!(
            t,
            "setctty_terminal_session_is_the_child",
            r.map(|(_, sid)| sid),
            Ok(true)
        );
    }
    let r = child.report(
        &[],
        &ProcAttr::new().files(&on_tty).sys(SysProcAttr {
            setsid: true,
            ..sys()
        }),
    );
    check!(
        t,
        "no_setctty_no_controlling_terminal",
        r.map(|(_, rep)| rep.num("tty", 0)),
        Ok(Some((-25i64) as u64))
    );

    // In a helper that leads a session with the terminal as its controlling one.
    let with_ctty = |attr: SysProcAttr<'static>| {
        let (r, w) = raw_pipe()?;
        let wr = w.as_raw_fd();
        child.report_from_helper(&r, w, |(exe, argv)| {
            // SAFETY: setsid takes no arguments; TIOCSCTTY takes an integer.
            unsafe {
                sysrt::raw_syscall(Sysno::setsid, 0, 0, 0)?;
                sysrt::raw_syscall(Sysno::ioctl, s.as_raw_fd() as usize, TIOCSCTTY as usize, 0)?;
            }
            // SAFETY: the write end stays open in the helper until it exits.
            let w = unsafe { BorrowedFd::borrow_raw(wr) };
            let files = [Some(s), Some(w), Some(s)];
            process::fork_exec(
                exe,
                argv,
                &ProcAttr::new().files(&files).sys(SysProcAttr {
                    ctty: s.as_raw_fd(),
                    ..attr
                }),
            )
        })
    };
    let r = with_ctty(SysProcAttr {
        foreground: true,
        ..sys()
    });
    check!(
        t,
        "foreground_puts_child_group_in_front",
        r.map(|rep| {
            let pid = rep.num("ids", 0);
            (rep.num("ids", 2) == pid, rep.num("tty", 0) == pid)
        }),
        Ok((true, true))
    );
    let r = with_ctty(SysProcAttr {
        noctty: true,
        ..sys()
    });
    check!(
        t,
        "noctty_gives_up_the_terminal",
        r.map(|rep| rep.num("tty", 0)),
        Ok(Some((-25i64) as u64))
    );
    let r = with_ctty(sys());
    check!(
        t,
        "ctty_inherited_without_noctty",
        r.map(|rep| rep.num("tty", 0) == rep.num("ids", 2)),
        Ok(true)
    );
}

fn r30(t: &mut Tests, qemu: bool) {
    PARENT.store(raw0(Sysno::getpid) as i32, Ordering::SeqCst);
    // Installed through sysrt, so `signal::handled()` records it and the spawn resets it.
    // SAFETY: the handler only makes syscalls and touches atomics.
    let installed = unsafe {
        sysrt::signal::sigaction(
            Signal::USR1,
            &sysrt::signal::SigAction::new(sysrt::signal::Handler::Plain(on_usr1)),
        )
    };
    let Ok((ready_r, ready_w)) = raw_pipe() else {
        return;
    };
    let parent = raw0(Sysno::getpid) as i32;
    // SAFETY: single-threaded; the sender only makes syscalls until it is killed.
    let sender = match unsafe { process::fork() } {
        Ok(None) => {
            let _ = raw_mask(SIG_BLOCK, Some(1 << (SIGUSR1 - 1)));
            // SAFETY: setpgid takes integers only.
            let _ = unsafe { sysrt::raw_syscall(Sysno::setpgid, 0, 0, 0) };
            let _ = sysrt::io::write(&ready_w, b"!");
            let me = raw0(Sysno::getpid) as i32;
            loop {
                let _ = kill_raw(-me, SIGUSR1 as i32);
                let _ = kill_raw(parent, SIGUSR1 as i32);
                // SAFETY: sched_yield takes no arguments.
                let _ = unsafe { sysrt::raw_syscall(Sysno::sched_yield, 0, 0, 0) };
            }
        }
        Ok(Some(pid)) => pid,
        Err(_) => return,
    };
    drop(ready_w);
    let mut byte = [0u8; 1];
    let _ = sysrt::retry_on_intr(|| sysrt::io::read(&ready_r, &mut byte));
    let attr = ProcAttr::new().sys(SysProcAttr {
        setpgid: true,
        pgid: sender.raw(),
        ..sys()
    });
    let (mut ok, mut other) = (0u32, 0u32);
    for _ in 0..1000 {
        match process::fork_exec("/bin/true", &["true"], &attr).map(wait) {
            Ok(Ok(Status::Exited(0) | Status::Signaled(10))) => ok += 1,
            _ => other += 1,
        }
    }
    let _ = kill_raw(sender.raw(), SIGKILL as i32);
    let _ = wait(sender);
    let _ = sysrt::signal::ignore(Signal::USR1);
    let _ = sysrt::signal::reset(Signal::USR1);
    check!(
        t,
        "r30_thousand_spawns_under_sigusr1_all_fine",
        (installed.map(drop), ok, other),
        (Ok(()), 1000u32, 0u32)
    );
    check!(
        t,
        "r30_parent_handler_ran",
        HITS.load(Ordering::SeqCst) > 0,
        true
    );
    if qemu {
        t.skip(
            "r30_handler_never_ran_in_a_child",
            "QEMU turns CLONE_VFORK into fork: a handler run in a child would be invisible here",
        );
    } else {
        check!(
            t,
            "r30_handler_never_ran_in_a_child",
            IN_CHILD.load(Ordering::SeqCst),
            false
        );
    }
}

fn pdeathsig(t: &mut Tests, child: &ChildProgram) {
    // Natively this process becomes the orphan's reaper, so it sees the exact signal; QEMU
    // rejects the prctl, and then only the pidfd shows that the child ended.
    let sub = raw_prctl(linux_raw_sys::prctl::PR_SET_CHILD_SUBREAPER, 1);
    let (Ok((r, w)), Ok((go_r, go_w))) = (raw_pipe(), raw_pipe()) else {
        return;
    };
    let argv = child.argv(&[b"pdeathsig"]);
    // SAFETY: single-threaded; the middle process spawns, waits for EOF and exits.
    let middle = match unsafe { process::fork() } {
        Ok(None) => {
            drop((r, go_w));
            let files = [Some(STDIN), Some(w.as_fd()), Some(STDERR)];
            let attr = ProcAttr::new().files(&files).sys(SysProcAttr {
                pdeathsig: Some(Signal::TERM),
                ..sys()
            });
            let code = match process::fork_exec(child.exe(), argv.as_slice(), &attr) {
                Ok(_) => 0,
                Err(e) => i32::from(e.raw()),
            };
            let mut b = [0u8; 1];
            let _ = sysrt::io::read(&go_r, &mut b);
            process::exit(code)
        }
        Ok(Some(pid)) => pid,
        Err(_) => return,
    };
    drop((w, go_r));
    let rep = Report::read_line(&r);
    let cpid = rep.num("pdeathsig", 4).map_or(-1, |p| p as i32);
    // SAFETY: pidfd_open takes integers only.
    let pidfd = unsafe { sysrt::raw_syscall(Sysno::pidfd_open, cpid as usize, 0, 0) }
        // SAFETY: a new descriptor that only we hold.
        .map(|fd| unsafe { OwnedFd::from_raw_fd(fd as i32) });
    check!(
        t,
        "pdeathsig_set_in_child",
        (
            rep.num("pdeathsig", 0),
            rep.num("pdeathsig", 2) == Some(middle.raw() as u64)
        ),
        (Some(u64::from(SIGTERM)), true)
    );
    drop(go_w); // the middle process exits
    let mid = wait(middle);
    // Readable once the child has ended; 30 s only guards against a hang.
    let ended = pidfd.as_ref().map(|fd| {
        let mut pfd = linux_raw_sys::general::pollfd {
            fd: fd.as_raw_fd(),
            events: linux_raw_sys::general::POLLIN as i16,
            revents: 0,
        };
        let limit = linux_raw_sys::general::__kernel_timespec {
            tv_sec: 30,
            tv_nsec: 0,
        };
        // SAFETY: ppoll reads one pollfd and the timeout and writes `revents`.
        sysrt::retry_on_intr(|| unsafe {
            sysrt::raw_syscall6(
                Sysno::ppoll,
                &raw mut pfd as usize,
                1,
                &raw const limit as usize,
                0,
                8,
                0,
            )
        })
    });
    check!(
        t,
        "pdeathsig_child_ends_when_parent_exits",
        (mid, ended),
        (Ok(Status::Exited(0)), Ok(Ok(1usize)))
    );
    if sub.is_err() && under_qemu() {
        t.skip(
            "pdeathsig_child_killed_by_the_signal",
            "QEMU 7.2 rejects PR_SET_CHILD_SUBREAPER (EINVAL): the orphan cannot be reaped here",
        );
    } else {
        let killed = wait4_raw(cpid, 0).map(|(_, s)| s);
        check!(
            t,
            "pdeathsig_child_killed_by_the_signal",
            (sub, killed),
            (Ok(0usize), Ok(Status::Signaled(SIGTERM as i32)))
        );
    }
    let _ = raw_prctl(linux_raw_sys::prctl::PR_SET_CHILD_SUBREAPER, 0);
    if cpid > 0 && ended != Ok(Ok(1)) {
        let _ = kill_raw(cpid, SIGKILL as i32);
    }
}

sysrt_rt::main!(main);
