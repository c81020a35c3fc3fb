//! POSIX timers: a one-shot and a periodic timer signalling the process (the signal is
//! blocked and taken with `rt_sigtimedwait`, with its `si_code`, value and timer id), an
//! absolute expiry, a timer with no notification read with `timer_gettime`, a thread-directed
//! timer, overruns, bad arguments, and deletion (explicit and on drop, seen in
//! `/proc/self/timers`). Bounds are generous: a timer must fire within seconds, never "on
//! time".
#![no_std]
#![no_main]

use core::time::Duration;

use linux_raw_sys::general::SI_TIMER;
use sysrt::process::{self, Pid};
use sysrt::signal::{self, How, SigSet, Signal};
use sysrt::time::{
    ClockId, ItimerSpec, SigEvent, Timer, TimerFlags, Timespec, clock_gettime, nanosleep,
    timer_create, timer_delete, timer_getoverrun, timer_gettime, timer_settime,
};
use sysrt::{Errno, Sysno};
use sysrt_tests::util::{FdBaseline, file_contents, under_qemu};
use sysrt_tests::{Tests, check};

const PLAN: usize = 32;
/// How long a case waits for a timer's signal before calling it lost.
const PATIENCE_MS: i64 = 5_000;

fn ms(n: i64) -> Timespec {
    Timespec::from_nanos(n * 1_000_000)
}

/// The number of POSIX timers this process has (`ID:` lines of /proc/self/timers).
fn timer_count() -> Result<usize, Errno> {
    let mut buf = [0u8; 4096];
    let text = file_contents("/proc/self/timers", &mut buf)?;
    Ok(text
        .split(|&b| b == b'\n')
        .filter(|l| l.starts_with(b"ID:"))
        .count())
}

/// `timer_gettime` through the raw layer, on a bare id (for deleted timers).
fn raw_gettime(id: i32) -> Result<usize, Errno> {
    let mut cur = ItimerSpec::DISARMED;
    // SAFETY: the kernel writes one itimerspec into `cur`, which lives across the call.
    unsafe { sysrt::raw_syscall(Sysno::timer_gettime, id as usize, &raw mut cur as usize, 0) }
}

/// Waits for one `sig` (blocked): its (signo, code, value, timer id).
fn wait(sig: Signal) -> Result<(i32, i32, usize, i32), Errno> {
    signal::rt_sigtimedwait(SigSet::EMPTY.with(sig), Some(ms(PATIENCE_MS)))
        .map(|i| (i.signo(), i.code(), i.value(), i.timer_id()))
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();
    let timers_at_start = timer_count();
    let usr1 = Signal::USR1;
    let usr2 = Signal::USR2;
    check!(
        t,
        "block_sigusr1_sigusr2",
        signal::rt_sigprocmask(How::Block, SigSet::EMPTY.with(usr1).with(usr2)),
        Ok(SigSet::EMPTY)
    );

    // One-shot, signalling the process.
    let timer = timer_create(
        ClockId::MONOTONIC,
        SigEvent::Signal {
            signal: usr1,
            value: 0x5157,
        },
    );
    check!(t, "timer_create_signal", timer.as_ref().map(|_| ()), Ok(()));
    let Ok(timer) = timer else {
        return t.finish();
    };
    check!(
        t,
        "timer_created_is_disarmed",
        timer_gettime(&timer),
        Ok(ItimerSpec::DISARMED)
    );
    check!(
        t,
        "timer_settime_returns_old_disarmed",
        timer_settime(&timer, TimerFlags::empty(), &ItimerSpec::once(ms(20))),
        Ok(ItimerSpec::DISARMED)
    );
    check!(
        t,
        "timer_gettime_armed_left_at_most_20ms",
        timer_gettime(&timer).map(|c| c.value > Timespec::ZERO && c.value <= ms(20)),
        Ok(true)
    );
    let got = wait(usr1);
    check!(
        t,
        "timer_fires_signal_with_si_timer_and_value",
        got.map(|(s, c, v, _)| (s, c, v)),
        Ok((usr1.raw(), SI_TIMER, 0x5157usize))
    );
    if under_qemu() {
        t.skip(
            "timer_signal_si_timerid_is_the_timer",
            "QEMU passes the host timer's si_timerid, not the guest's id (0x0caf0000 | n)",
        );
    } else {
        check!(
            t,
            "timer_signal_si_timerid_is_the_timer",
            got.map(|(_, _, _, id)| id),
            Ok(timer.raw())
        );
    }
    check!(
        t,
        "timer_after_one_shot_is_disarmed",
        timer_gettime(&timer),
        Ok(ItimerSpec::DISARMED)
    );
    check!(
        t,
        "timer_getoverrun_one_shot_0",
        timer_getoverrun(&timer),
        Ok(0)
    );

    // Periodic: 1 ms, left pending for 50 ms, so expiries pile up as overruns.
    let periodic = ItimerSpec {
        interval: ms(1),
        value: ms(1),
    };
    check!(
        t,
        "timer_settime_periodic",
        timer_settime(&timer, TimerFlags::empty(), &periodic),
        Ok(ItimerSpec::DISARMED)
    );
    let _ = nanosleep(&ms(50), None);
    check!(
        t,
        "periodic_timer_signal_arrives",
        wait(usr1).map(|(s, c, v, _)| (s, c, v)),
        Ok((usr1.raw(), SI_TIMER, 0x5157usize))
    );
    check!(
        t,
        "periodic_timer_overruns_counted",
        timer_getoverrun(&timer).map(|n| n > 0),
        Ok(true)
    );
    check!(
        t,
        "periodic_timer_interval_reported",
        timer_gettime(&timer).map(|c| c.interval),
        Ok(ms(1))
    );
    check!(
        t,
        "timer_settime_disarm_returns_periodic_setting",
        timer_settime(&timer, TimerFlags::empty(), &ItimerSpec::DISARMED).map(|old| old.interval),
        Ok(ms(1))
    );
    // Drain a signal the last expiries may have queued before the disarm.
    let _ = signal::rt_sigtimedwait(SigSet::EMPTY.with(usr1), Some(Timespec::ZERO));

    // Absolute expiry on CLOCK_REALTIME.
    let at = clock_gettime(ClockId::REALTIME)
        .and_then(|now| now.checked_add(Duration::from_millis(20)))
        .unwrap_or_default();
    let rt = timer_create(
        ClockId::REALTIME,
        SigEvent::Signal {
            signal: usr2,
            value: 2,
        },
    );
    let fired = rt.as_ref().map_err(|e| *e).and_then(|rt| {
        timer_settime(rt, TimerFlags::ABSTIME, &ItimerSpec::once(at))?;
        wait(usr2)
    });
    check!(
        t,
        "timer_abstime_realtime_fires_at_or_after_target",
        (
            fired.map(|(s, _, v, _)| (s, v)),
            clock_gettime(ClockId::REALTIME).map(|now| now >= at)
        ),
        (Ok((usr2.raw(), 2usize)), Ok(true))
    );
    drop(rt);

    // No notification: only timer_gettime shows it running down.
    let quiet = timer_create(ClockId::BOOTTIME, SigEvent::None);
    let left = quiet.as_ref().map_err(|e| *e).and_then(|q| {
        timer_settime(
            q,
            TimerFlags::empty(),
            &ItimerSpec::once(Timespec::new(10, 0)),
        )?;
        let _ = nanosleep(&ms(5), None);
        timer_gettime(q)
    });
    check!(
        t,
        "sigev_none_timer_runs_down",
        left.map(|c| c.value < Timespec::new(10, 0) && c.value > Timespec::new(9, 0)),
        Ok(true)
    );

    // Directed at this thread.
    let tid = process::gettid();
    let threaded = timer_create(
        ClockId::MONOTONIC,
        SigEvent::ThreadId {
            signal: usr1,
            tid,
            value: 9,
        },
    );
    let fired = threaded.as_ref().map_err(|e| *e).and_then(|th| {
        timer_settime(th, TimerFlags::empty(), &ItimerSpec::once(ms(10)))?;
        wait(usr1)
    });
    check!(
        t,
        "sigev_thread_id_timer_signals_this_thread",
        fired.map(|(s, c, v, _)| (s, c, v)),
        Ok((usr1.raw(), SI_TIMER, 9usize))
    );
    drop(threaded);

    // Bad arguments.
    check!(
        t,
        "timer_create_invalid_clock_99_einval",
        timer_create(ClockId::from_raw(99), SigEvent::None).map(Timer::into_raw),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "timer_create_monotonic_raw_eopnotsupp",
        timer_create(ClockId::MONOTONIC_RAW, SigEvent::None).map(Timer::into_raw),
        Err(Errno::EOPNOTSUPP)
    );
    check!(
        t,
        "timer_create_thread_id_of_another_process_einval",
        timer_create(
            ClockId::MONOTONIC,
            SigEvent::ThreadId {
                signal: usr1,
                tid: Pid::from_raw(1),
                value: 0
            }
        )
        .map(Timer::into_raw),
        Err(Errno::EINVAL)
    );
    for (name, value) in [
        (
            "timer_settime_nsec_1e9_einval",
            Timespec::new(0, 1_000_000_000),
        ),
        ("timer_settime_nsec_negative_einval", Timespec::new(1, -1)),
        ("timer_settime_sec_negative_einval", Timespec::new(-1, 0)),
    ] {
        check!(
            t,
            name,
            timer_settime(&timer, TimerFlags::empty(), &ItimerSpec::once(value)),
            Err(Errno::EINVAL)
        );
    }
    let bad_interval = ItimerSpec {
        interval: Timespec::new(0, 1_000_000_000),
        value: ms(1),
    };
    check!(
        t,
        "timer_settime_interval_nsec_1e9_einval",
        timer_settime(&timer, TimerFlags::empty(), &bad_interval),
        Err(Errno::EINVAL)
    );

    // Deletion: explicit, then on drop; the ids are gone afterwards.
    let id = timer.raw();
    check!(t, "timer_delete_ok", timer_delete(timer), Ok(()));
    check!(
        t,
        "deleted_timer_id_einval",
        raw_gettime(id),
        Err(Errno::EINVAL)
    );
    let dropped = timer_create(ClockId::MONOTONIC, SigEvent::None);
    let id = dropped.as_ref().map_or(-1, Timer::raw);
    drop(dropped);
    check!(
        t,
        "dropped_timer_is_deleted",
        raw_gettime(id),
        Err(Errno::EINVAL)
    );
    drop(quiet);
    check!(t, "no_timer_leaked", timer_count(), timers_at_start);
    check!(
        t,
        "no_signal_left_pending",
        signal::rt_sigtimedwait(SigSet::EMPTY.with(usr1).with(usr2), Some(Timespec::ZERO))
            .map(|i| i.signo()),
        Err(Errno::EAGAIN)
    );
    check!(
        t,
        "unblock_signals",
        signal::rt_sigprocmask(How::SetMask, SigSet::EMPTY),
        Ok(SigSet::EMPTY.with(usr1).with(usr2))
    );
    baseline.check(&mut t);
    t.finish()
}

sysrt_rt::main!(main);
