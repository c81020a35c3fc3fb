//! Signal numbers and names (Go's `Signal.String`), sending (`kill`, `tkill`, `tgkill`,
//! `raise`), the blocked mask, `sigpending` and `rt_sigtimedwait`; R22 and R62 bad inputs.
//!
//! Signals sent to this process are blocked first and taken with `rt_sigtimedwait`, so no
//! handler is involved (handlers are `signal_action`'s subject).
#![no_std]
#![no_main]

use linux_raw_sys::general::STATX_BASIC_STATS;
use sysrt::process::{Pid, getpid, gettid};
use sysrt::signal::{self, How, SigInfo, SigSet, Signal};
use sysrt::time::Timespec;
use sysrt::{Errno, Sysno};
use sysrt_tests::check::Buf;
use sysrt_tests::child::{self, Reported, Status, in_child};
use sysrt_tests::util::{FdBaseline, ids_of_self, is_root, raw_statx};
use sysrt_tests::{Tests, check};

const PLAN: usize = 43;

/// A pid no process can have: Linux caps pid_max at 2^22 (`PID_MAX_LIMIT`).
const NO_SUCH_PID: Pid = Pid::from_raw(i32::MAX);

/// `Display` of `sig`, for comparing with Go's strings.
fn shown(sig: Signal) -> Buf<32> {
    Buf::format(format_args!("{sig}"))
}

/// `kill(pid, sig)` through the raw layer, for numbers the typed API cannot express.
fn raw_kill(pid: i32, sig: i32) -> Result<usize, Errno> {
    // SAFETY: kill takes two integers and writes no memory.
    unsafe { sysrt::raw_syscall(Sysno::kill, pid as isize as usize, sig as isize as usize, 0) }
}

/// The signal pending for this thread (already blocked), taken at once: (signal, code, pid).
fn take(set: SigSet) -> Result<(Option<Signal>, i32, Pid), Errno> {
    signal::rt_sigtimedwait(set, Some(Timespec::new(0, 0))).map(|i| (i.signal(), i.code(), i.pid()))
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();
    let me = getpid();
    let (uid, ..) = ids_of_self();

    // Numbers, names, and Go's Signal.String table (zerrors_linux_*.go).
    check!(
        t,
        "signal_numbers_are_the_generic_table",
        (
            Signal::HUP.raw(),
            Signal::USR1.raw(),
            Signal::TERM.raw(),
            Signal::CHLD.raw(),
            Signal::SYS.raw()
        ),
        (1, 10, 15, 17, 31)
    );
    check!(
        t,
        "signal_type_holds_only_1_to_64",
        (
            Signal::from_raw(0),
            Signal::from_raw(65),
            Signal::from_raw(64).map(Signal::raw),
            Signal::rt(0).map(Signal::raw)
        ),
        (None, None, Some(64), Some(32))
    );
    check!(
        t,
        "signal_display_is_go_string",
        [
            shown(Signal::HUP),
            shown(Signal::SEGV),
            shown(Signal::STOP),
            shown(Signal::TSTP),
            shown(Signal::URG)
        ],
        [
            "hangup",
            "segmentation fault",
            "stopped (signal)",
            "stopped",
            "urgent I/O condition"
        ]
    );
    check!(
        t,
        "signal_display_unknown_is_signal_n",
        Signal::rt(2).map(shown).unwrap_or_default(),
        "signal 34"
    );
    check!(
        t,
        "signal_name_and_from_name",
        (Signal::HUP.name(), Signal::from_name("SIGTERM")),
        (Some("SIGHUP"), Some(Signal::TERM))
    );

    // The mask: every sent signal below stays pending until taken.
    let initial = signal::rt_sigprocmask(How::Block, SigSet::EMPTY);
    check!(t, "mask_empty_at_start", initial, Ok(SigSet::EMPTY));
    let initial = initial.unwrap_or(SigSet::EMPTY);
    let usr = SigSet::EMPTY.with(Signal::USR1).with(Signal::USR2);
    let rt1 = Signal::rt(1).unwrap_or(Signal::USR1);
    let blocked = usr.with(rt1);
    check!(
        t,
        "sigprocmask_block_returns_old_mask",
        signal::rt_sigprocmask(How::Block, blocked),
        Ok(initial)
    );
    check!(
        t,
        "sigprocmask_reads_back_blocked_set",
        signal::rt_sigprocmask(How::Block, SigSet::EMPTY),
        Ok(initial.union(blocked))
    );
    let _ = signal::rt_sigprocmask(
        How::Block,
        SigSet::EMPTY.with(Signal::KILL).with(Signal::STOP),
    );
    check!(
        t,
        "sigprocmask_leaves_out_kill_and_stop",
        signal::rt_sigprocmask(How::Block, SigSet::EMPTY),
        Ok(initial.union(blocked))
    );
    check!(
        t,
        "sigprocmask_unblock_then_setmask",
        (
            signal::rt_sigprocmask(How::Unblock, SigSet::EMPTY.with(rt1)),
            signal::rt_sigprocmask(How::SetMask, blocked),
            signal::rt_sigprocmask(How::Block, SigSet::EMPTY)
        ),
        (
            Ok(initial.union(blocked)),
            Ok(initial.union(usr)),
            Ok(blocked)
        )
    );
    check!(
        t,
        "sigpending_empty",
        signal::sigpending(),
        Ok(SigSet::EMPTY)
    );

    // A forked child starts with its parent's mask (and so does an exec'd program).
    check!(
        t,
        "forked_child_inherits_mask",
        in_child(|| match signal::rt_sigprocmask(How::Block, SigSet::EMPTY) {
            Ok(m) if m == blocked => Ok(()),
            Ok(_) => Err(Errno::from_raw(201)),
            Err(e) => Err(e),
        }),
        Reported::Returned(Ok(()))
    );

    // kill: probes, pending signals, bad inputs (R62).
    check!(t, "kill_probe_self_ok", signal::kill(me, None), Ok(()));
    check!(
        t,
        "kill_probe_nonexistent_esrch",
        signal::kill(NO_SUCH_PID, None),
        Err(Errno::ESRCH)
    );
    check!(
        t,
        "kill_nonexistent_pid_esrch_r62",
        signal::kill(NO_SUCH_PID, Signal::USR1),
        Err(Errno::ESRCH)
    );
    check!(
        t,
        "kill_pid_int_min_esrch_r62",
        signal::kill(Pid::from_raw(i32::MIN), Signal::USR1),
        Err(Errno::ESRCH)
    );
    check!(
        t,
        "kill_raw_signal_65_einval_r62",
        raw_kill(me.raw(), 65),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "kill_raw_signal_minus_1_einval",
        raw_kill(me.raw(), -1),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "no_signal_sent_by_failed_kills",
        signal::sigpending(),
        Ok(SigSet::EMPTY)
    );
    check!(
        t,
        "kill_self_usr1_pending",
        (signal::kill(me, Signal::USR1), signal::sigpending()),
        (Ok(()), Ok(SigSet::EMPTY.with(Signal::USR1)))
    );
    check!(
        t,
        "rt_sigtimedwait_takes_kill_si_user",
        take(usr),
        Ok((Some(Signal::USR1), SigInfo::SI_USER, me))
    );

    // A signal from a child carries the child's pid and uid.
    let sender =
        child::spawn_child(
            || match signal::kill(sysrt::process::getppid(), Signal::USR2) {
                Ok(()) => 0,
                Err(e) => i32::from(e.raw()),
            },
        );
    let sender_pid = sender.unwrap_or(NO_SUCH_PID);
    check!(
        t,
        "sender_child_exits_0",
        child::wait(sender_pid),
        Ok(Status::Exited(0))
    );
    let info = signal::rt_sigtimedwait(usr, None);
    check!(
        t,
        "rt_sigtimedwait_from_child_signo_pid_uid",
        info.map(|i| (i.signal(), i.code(), i.pid(), i.uid() as usize)),
        Ok((Some(Signal::USR2), SigInfo::SI_USER, sender_pid, uid))
    );
    check!(
        t,
        "kill_reaped_child_esrch",
        signal::kill(sender_pid, None),
        Err(Errno::ESRCH)
    );

    // tkill / tgkill / raise to our own thread.
    check!(
        t,
        "tkill_own_tid_pending",
        (signal::tkill(gettid(), Signal::USR1), signal::sigpending()),
        (Ok(()), Ok(SigSet::EMPTY.with(Signal::USR1)))
    );
    check!(
        t,
        "tkill_taken_si_tkill_own_pid",
        take(usr),
        Ok((Some(Signal::USR1), SigInfo::SI_TKILL, me))
    );
    check!(
        t,
        "tgkill_own_tid",
        (signal::tgkill(me, gettid(), Signal::USR2), take(usr)),
        (Ok(()), Ok((Some(Signal::USR2), SigInfo::SI_TKILL, me)))
    );
    check!(
        t,
        "tgkill_probe_own_tid_ok",
        signal::tgkill(me, gettid(), None),
        Ok(())
    );
    check!(
        t,
        "tgkill_wrong_tgid_esrch",
        signal::tgkill(NO_SUCH_PID, gettid(), Signal::USR1),
        Err(Errno::ESRCH)
    );
    check!(
        t,
        "tgkill_tid_0_einval",
        signal::tgkill(me, Pid::from_raw(0), Signal::USR1),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "tkill_tid_minus_1_einval",
        signal::tkill(Pid::from_raw(-1), Signal::USR1),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "tkill_nonexistent_tid_esrch",
        signal::tkill(NO_SUCH_PID, None),
        Err(Errno::ESRCH)
    );
    check!(
        t,
        "raise_realtime_signal_taken",
        (signal::raise(rt1), take(blocked)),
        (Ok(()), Ok((Some(rt1), SigInfo::SI_TKILL, me)))
    );

    // rt_sigtimedwait edge cases.
    check!(
        t,
        "rt_sigtimedwait_timeout_eagain",
        signal::rt_sigtimedwait(blocked, Some(Timespec::new(0, 10_000_000))).map(|i| i.signo()),
        Err(Errno::EAGAIN)
    );
    check!(
        t,
        "rt_sigtimedwait_nsec_one_billion_einval",
        signal::rt_sigtimedwait(blocked, Some(Timespec::new(0, 1_000_000_000))).map(|i| i.signo()),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "realtime_signals_queue_standard_coalesce",
        (
            signal::raise(rt1),
            signal::raise(rt1),
            signal::raise(Signal::USR1),
            signal::raise(Signal::USR1),
            take(blocked).map(|r| r.0),
            take(blocked).map(|r| r.0),
            take(blocked).map(|r| r.0),
            take(blocked).map(|r| r.0)
        ),
        (
            Ok(()),
            Ok(()),
            Ok(()),
            Ok(()),
            Ok(Some(Signal::USR1)),
            Ok(Some(rt1)),
            Ok(Some(rt1)),
            Err(Errno::EAGAIN)
        )
    );

    // R22: another user's process, as an ordinary user.
    if is_root() {
        let parent = me;
        let got = in_child(|| {
            child::become_nobody().map_err(|_| Errno::from_raw(200))?;
            signal::kill(parent, Signal::USR2)
        });
        check!(
            t,
            "kill_root_process_as_nobody_eperm_r22",
            got,
            Reported::Returned(Err(Errno::EPERM))
        );
        check!(
            t,
            "probe_root_process_as_nobody_eperm",
            in_child(|| {
                child::become_nobody().map_err(|_| Errno::from_raw(200))?;
                signal::kill(parent, None)
            }),
            Reported::Returned(Err(Errno::EPERM))
        );
    } else {
        let init_uid =
            raw_statx(sysrt::fd::CWD, "/proc/1", 0, STATX_BASIC_STATS).map(|s| s.stx_uid as usize);
        if init_uid.is_ok_and(|u| u != uid) {
            check!(
                t,
                "kill_root_process_as_nobody_eperm_r22",
                signal::kill(Pid::from_raw(1), Signal::USR2),
                Err(Errno::EPERM)
            );
            check!(
                t,
                "probe_root_process_as_nobody_eperm",
                signal::kill(Pid::from_raw(1), None),
                Err(Errno::EPERM)
            );
        } else {
            let why = "needs root (to drop to nobody) or a pid 1 owned by another user";
            t.skip("kill_root_process_as_nobody_eperm_r22", why);
            t.skip("probe_root_process_as_nobody_eperm", why);
        }
    }
    check!(
        t,
        "nothing_pending_after_eperm",
        signal::sigpending(),
        Ok(SigSet::EMPTY)
    );

    check!(
        t,
        "mask_restored",
        (
            signal::rt_sigprocmask(How::SetMask, initial),
            signal::rt_sigprocmask(How::Block, SigSet::EMPTY)
        ),
        (Ok(blocked), Ok(initial))
    );
    check!(
        t,
        "no_child_left_unreaped",
        child::no_child_left(),
        Err(Errno::ECHILD)
    );
    baseline.check(&mut t);
    t.finish()
}

sysrt_rt::main!(main);
