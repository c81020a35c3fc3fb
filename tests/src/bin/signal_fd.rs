//! Signals as data: `signalfd4` (close-on-exec, records with the sender's pid, bad inputs)
//! and `Notify` (blocks its set, receives from a child and from itself, coalescing, the fd
//! for polling, `SIGCHLD` with the exit status, the mask restored on drop).
#![no_std]
#![no_main]

use linux_raw_sys::general::{POLLIN, pollfd};
use sysrt::fd::AsFd;
use sysrt::process::{self, Pid, getpid};
use sysrt::signal::{self, How, Notify, SfdFlags, SigInfo, SigSet, Signal, SignalfdSiginfo};
use sysrt::{Errno, Sysno, io};
use sysrt_tests::child::{self, Status, spawn_child};
use sysrt_tests::util::{FdBaseline, cloexec, closed_fd, ids_of_self, raw_pipe};
use sysrt_tests::{Tests, check};

const PLAN: usize = 35;

/// One record from a signalfd (raw `read` of 128 bytes, parsed).
fn read_record(fd: impl AsFd) -> Result<SignalfdSiginfo, Errno> {
    let mut buf = [0u8; SignalfdSiginfo::SIZE];
    let n = io::read(fd, &mut buf)?;
    SignalfdSiginfo::parse(buf.get(..n).unwrap_or_default())
}

/// (signal, code, sender, uid) of a record: what the cases compare.
fn who(r: SignalfdSiginfo) -> (Option<Signal>, i32, Pid, u32) {
    (r.signal(), r.code, r.sender(), r.uid)
}

/// A child that sends `sig` to its parent and exits 0 (1 if the kill failed).
fn send_to_parent(sig: Signal) -> Result<Pid, Errno> {
    spawn_child(move || signal::kill(process::getppid(), sig).map_or(1, |()| 0))
}

/// `ppoll` on one descriptor for `POLLIN` with a zero timeout: the `revents` bits.
fn poll_in(fd: impl AsFd) -> Result<i16, Errno> {
    let mut pfd = pollfd {
        fd: fd.as_fd().as_raw_fd(),
        events: POLLIN as i16,
        revents: 0,
    };
    let zero = linux_raw_sys::general::__kernel_timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: one pollfd and one timespec, live locals; no mask.
    unsafe {
        sysrt::raw_syscall6(
            Sysno::ppoll,
            &raw mut pfd as usize,
            1,
            &raw const zero as usize,
            0,
            0,
            0,
        )
    }?;
    Ok(pfd.revents)
}

fn blocked_now() -> Result<SigSet, Errno> {
    signal::rt_sigprocmask(How::Block, SigSet::EMPTY)
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();
    let me = getpid();
    let uid = ids_of_self().0 as u32;
    let initial = blocked_now().unwrap_or(SigSet::EMPTY);
    let usr = SigSet::EMPTY.with(Signal::USR1).with(Signal::USR2);

    // signalfd4.
    let _ = signal::rt_sigprocmask(How::Block, usr);
    let sfd = signal::signalfd4(SigSet::EMPTY.with(Signal::USR1), SfdFlags::NONBLOCK);
    check!(
        t,
        "signalfd4_has_cloexec",
        sfd.as_ref().map(cloexec),
        Ok(Ok(true))
    );
    let Ok(sfd) = sfd else { return t.finish() };
    check!(
        t,
        "signalfd4_nonblock_nothing_pending_eagain",
        read_record(&sfd),
        Err(Errno::EAGAIN)
    );
    let sender = send_to_parent(Signal::USR1);
    let sender_pid = *sender.as_ref().unwrap_or(&Pid::from_raw(0));
    check!(
        t,
        "sender_child_exits_0",
        sender.and_then(child::wait),
        Ok(Status::Exited(0))
    );
    check!(
        t,
        "signalfd_record_has_sender_pid_and_uid",
        read_record(&sfd).map(who),
        Ok((Some(Signal::USR1), SigInfo::SI_USER, sender_pid, uid))
    );
    check!(
        t,
        "signalfd_record_taken_not_pending",
        signal::sigpending(),
        Ok(SigSet::EMPTY)
    );
    let _ = signal::raise(Signal::USR1);
    let mut short = [0u8; SignalfdSiginfo::SIZE - 1];
    check!(
        t,
        "signalfd_read_127_bytes_einval",
        io::read(&sfd, &mut short),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "signalfd_raised_record_si_tkill",
        read_record(&sfd).map(who),
        Ok((Some(Signal::USR1), SigInfo::SI_TKILL, me, uid))
    );
    let _ = signal::raise(Signal::USR2);
    check!(
        t,
        "signalfd_ignores_signals_outside_its_set",
        (read_record(&sfd), signal::sigpending()),
        (Err(Errno::EAGAIN), Ok(SigSet::EMPTY.with(Signal::USR2)))
    );
    check!(
        t,
        "signalfd4_set_mask_then_reads_usr2",
        (
            signal::signalfd4_set_mask(&sfd, SigSet::EMPTY.with(Signal::USR2)),
            read_record(&sfd).map(who)
        ),
        (Ok(()), Ok((Some(Signal::USR2), SigInfo::SI_TKILL, me, uid)))
    );
    check!(
        t,
        "signalfd4_set_mask_on_pipe_einval",
        raw_pipe().and_then(|(r, _w)| signal::signalfd4_set_mask(&r, usr)),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "signalfd4_set_mask_closed_fd_ebadf",
        signal::signalfd4_set_mask(closed_fd(), usr),
        Err(Errno::EBADF)
    );
    check!(
        t,
        "signalfd4_unknown_flag_einval",
        signal::signalfd4(usr, SfdFlags::from_bits_retain(1)).map(drop),
        Err(Errno::EINVAL)
    );
    drop(sfd);
    let _ = signal::rt_sigprocmask(How::SetMask, initial);

    // Notify: blocks its set; receives from a child, from itself; the fd polls.
    let term_int = SigSet::EMPTY.with(Signal::TERM).with(Signal::INT);
    let n = Notify::new(term_int.with(Signal::KILL).with(Signal::STOP));
    check!(
        t,
        "notify_set_leaves_out_kill_and_stop",
        n.as_ref().map(Notify::set),
        Ok(term_int)
    );
    let Ok(n) = n else { return t.finish() };
    check!(
        t,
        "notify_blocks_its_set",
        blocked_now(),
        Ok(initial.union(term_int))
    );
    check!(t, "notify_fd_has_cloexec", cloexec(&n), Ok(true));
    check!(t, "notify_try_recv_nothing_pending", n.try_recv(), Ok(None));
    check!(t, "notify_fd_not_readable_when_empty", poll_in(&n), Ok(0));
    let sender = send_to_parent(Signal::TERM);
    let sender_pid = *sender.as_ref().unwrap_or(&Pid::from_raw(0));
    check!(
        t,
        "term_sender_exits_0",
        sender.and_then(child::wait),
        Ok(Status::Exited(0))
    );
    check!(
        t,
        "notify_fd_readable_with_pending_signal",
        poll_in(&n),
        Ok(POLLIN as i16)
    );
    check!(
        t,
        "notify_recv_from_child_with_sender_pid",
        n.recv().map(who),
        Ok((Some(Signal::TERM), SigInfo::SI_USER, sender_pid, uid))
    );
    check!(
        t,
        "notify_recv_raised_si_tkill",
        (signal::raise(Signal::INT), n.recv().map(who)),
        (Ok(()), Ok((Some(Signal::INT), SigInfo::SI_TKILL, me, uid)))
    );
    check!(
        t,
        "notify_coalesces_a_standard_signal",
        (
            signal::raise(Signal::TERM),
            signal::raise(Signal::TERM),
            n.try_recv().map(|r| r.and_then(|r| r.signal())),
            n.try_recv()
        ),
        (Ok(()), Ok(()), Ok(Some(Signal::TERM)), Ok(None))
    );
    drop(n);
    check!(t, "notify_drop_restores_mask", blocked_now(), Ok(initial));

    // Real-time signals queue; a signal blocked before Notify stays blocked after it.
    let rt = Signal::rt(3).unwrap_or(Signal::USR1);
    let _ = signal::rt_sigprocmask(How::Block, SigSet::EMPTY.with(Signal::USR2));
    let n = Notify::new(SigSet::EMPTY.with(rt).with(Signal::USR2));
    let got = n.as_ref().map(|n| {
        let _ = (signal::raise(rt), signal::raise(rt));
        (
            n.try_recv().map(|r| r.and_then(|r| r.signal())),
            n.try_recv().map(|r| r.and_then(|r| r.signal())),
            n.try_recv(),
        )
    });
    check!(
        t,
        "notify_queues_realtime_signals",
        got,
        Ok((Ok(Some(rt)), Ok(Some(rt)), Ok(None)))
    );
    drop(n);
    check!(
        t,
        "notify_drop_keeps_signals_blocked_before",
        blocked_now(),
        Ok(initial.with(Signal::USR2))
    );
    let _ = signal::rt_sigprocmask(How::SetMask, initial);

    // The supervisor's loop: SIGCHLD through Notify carries the child's exit status; then
    // reap it.
    let n = Notify::new(SigSet::EMPTY.with(Signal::CHLD));
    check!(
        t,
        "notify_for_sigchld",
        n.as_ref().map(Notify::set),
        Ok(SigSet::EMPTY.with(Signal::CHLD))
    );
    let exiting = spawn_child(|| 7);
    let exiting_pid = *exiting.as_ref().unwrap_or(&Pid::from_raw(0));
    let rec = n.as_ref().map_err(|e| *e).and_then(Notify::recv);
    check!(
        t,
        "notify_sigchld_code_pid_status",
        rec.map(|r| (r.signal(), r.code, r.sender(), r.status)),
        Ok((Some(Signal::CHLD), SigInfo::CLD_EXITED, exiting_pid, 7))
    );
    check!(
        t,
        "then_reaped_exit_7",
        exiting.and_then(child::wait),
        Ok(Status::Exited(7))
    );
    let killed = spawn_child(|| {
        let _ = signal::raise(Signal::TERM);
        3
    });
    let killed_pid = *killed.as_ref().unwrap_or(&Pid::from_raw(0));
    let rec = n.as_ref().map_err(|e| *e).and_then(Notify::recv);
    check!(
        t,
        "notify_sigchld_killed_by_term",
        rec.map(|r| (r.code, r.sender(), r.status)),
        Ok((SigInfo::CLD_KILLED, killed_pid, Signal::TERM.raw()))
    );
    check!(
        t,
        "killed_child_reaped_signaled_term",
        killed.and_then(child::wait),
        Ok(Status::signaled(Signal::TERM))
    );
    drop(n);
    check!(t, "mask_back_to_initial", blocked_now(), Ok(initial));
    check!(
        t,
        "nothing_left_pending",
        signal::sigpending(),
        Ok(SigSet::EMPTY)
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
