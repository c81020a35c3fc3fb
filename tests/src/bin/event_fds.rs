//! eventfd (counter semantics, EFD_SEMAPHORE, EFD_NONBLOCK), timerfd (fires, with generous
//! bounds only; periodic; absolute; gettime; errors), poll/ppoll and select/pselect6 (FdSet
//! bounds, readiness), and poll and select agreeing with epoll on the same descriptors.
#![no_std]
#![no_main]

use core::time::Duration;

use sysrt::event::{
    self, EfdFlags, EpollCreateFlags, EpollEvent, EpollFlags, FdSet, PollFd, PollFlags, TfdFlags,
    TfdTimerFlags,
};
use sysrt::fd::OwnedFd;
use sysrt::net::SocketType;
use sysrt::signal::SigSet;
use sysrt::time::{ClockId, ItimerSpec, Timespec};
use sysrt::{Errno, io};
use sysrt_tests::sock::{alarm_every, install_alarm_handler, remove_alarm_handler, unix_pair};
use sysrt_tests::util::{FdBaseline, cloexec, closed_fd, lowest_free_fd};
use sysrt_tests::{Tests, check};

const PLAN: usize = 36;
const NOW: Option<Duration> = Some(Duration::ZERO);

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();

    eventfds(&mut t);
    timerfds(&mut t);
    polls(&mut t);
    selects(&mut t);
    agreement(&mut t);

    baseline.check(&mut t);
    t.finish()
}

fn eventfds(t: &mut Tests) {
    let e = event::eventfd(5, EfdFlags::NONBLOCK);
    check!(
        t,
        "eventfd_has_cloexec",
        e.as_ref().map(cloexec),
        Ok(Ok(true))
    );
    let Ok(e) = e else { return };
    check!(
        t,
        "eventfd_read_initial_value_5",
        event::eventfd_read(&e),
        Ok(5)
    );
    check!(
        t,
        "eventfd_read_zero_nonblock_eagain",
        event::eventfd_read(&e),
        Err(Errno::EAGAIN)
    );
    check!(
        t,
        "eventfd_writes_add_up_read_resets",
        (
            event::eventfd_write(&e, 3),
            event::eventfd_write(&e, 4),
            event::eventfd_read(&e),
            event::eventfd_read(&e)
        ),
        (Ok(()), Ok(()), Ok(7), Err(Errno::EAGAIN))
    );
    check!(
        t,
        "eventfd_write_u64_max_einval",
        event::eventfd_write(&e, u64::MAX),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "eventfd_overflow_nonblock_eagain",
        (
            event::eventfd_write(&e, u64::MAX - 1),
            event::eventfd_write(&e, 1),
            event::eventfd_read(&e)
        ),
        (Ok(()), Err(Errno::EAGAIN), Ok(u64::MAX - 1))
    );
    check!(
        t,
        "eventfd_short_read_buffer_einval",
        io::read(&e, &mut [0u8; 4]),
        Err(Errno::EINVAL)
    );
    let s = event::eventfd(3, EfdFlags::SEMAPHORE | EfdFlags::NONBLOCK);
    check!(
        t,
        "eventfd_semaphore_reads_1_three_times",
        s.map(|s| {
            (
                event::eventfd_read(&s),
                event::eventfd_read(&s),
                event::eventfd_read(&s),
                event::eventfd_read(&s),
            )
        }),
        Ok((Ok(1), Ok(1), Ok(1), Err(Errno::EAGAIN)))
    );
    // Blocking read returns as soon as a write happened (written first, so no wait).
    let b = event::eventfd(0, EfdFlags::empty());
    check!(
        t,
        "eventfd_blocking_read_after_write",
        b.map(|b| (event::eventfd_write(&b, 9), event::eventfd_read(&b))),
        Ok((Ok(()), Ok(9)))
    );
}

fn ms(n: i64) -> Timespec {
    Timespec::new(n / 1000, (n % 1000) * 1_000_000)
}

fn timerfds(t: &mut Tests) {
    let tf = event::timerfd_create(ClockId::MONOTONIC, TfdFlags::empty());
    check!(
        t,
        "timerfd_has_cloexec",
        tf.as_ref().map(cloexec),
        Ok(Ok(true))
    );
    let Ok(tf) = tf else { return };
    check!(
        t,
        "timerfd_unarmed_gettime_zero",
        event::timerfd_gettime(&tf),
        Ok(ItimerSpec::DISARMED)
    );
    let one_shot = ItimerSpec {
        interval: Timespec::ZERO,
        value: ms(50),
    };
    check!(
        t,
        "timerfd_settime_returns_old_zero",
        event::timerfd_settime(&tf, TfdTimerFlags::empty(), &one_shot),
        Ok(ItimerSpec::DISARMED)
    );
    // Armed: some time left, not more than set (no lower bound: the machine may be slow).
    let left = event::timerfd_gettime(&tf)
        .map(|c| (c.interval, c.value.sec == 0 && c.value.nsec <= 50_000_000));
    check!(
        t,
        "timerfd_gettime_armed_left_at_most_50ms",
        left,
        Ok((Timespec::ZERO, true))
    );
    check!(
        t,
        "timerfd_blocking_read_one_expiration",
        event::timerfd_read(&tf),
        Ok(1)
    );
    check!(
        t,
        "timerfd_one_shot_disarmed_after_firing",
        event::timerfd_gettime(&tf),
        Ok(ItimerSpec::DISARMED)
    );
    // Periodic, read after at least two periods: at least 2 expirations, counted since the
    // last read (no upper bound: the machine may be slow).
    let periodic = ItimerSpec {
        interval: ms(10),
        value: ms(10),
    };
    let _ = event::timerfd_settime(&tf, TfdTimerFlags::empty(), &periodic);
    sysrt_tests::child::sleep_ms(60);
    check!(
        t,
        "timerfd_periodic_counts_expirations",
        event::timerfd_read(&tf).map(|n| n >= 2),
        Ok(true)
    );
    let _ = event::timerfd_settime(&tf, TfdTimerFlags::empty(), &ItimerSpec::DISARMED);
    // Absolute time in the past: expires at once.
    let past = ItimerSpec {
        interval: Timespec::ZERO,
        value: Timespec::new(0, 1),
    };
    check!(
        t,
        "timerfd_abstime_in_past_fires_at_once",
        (
            event::timerfd_settime(&tf, TfdTimerFlags::ABSTIME, &past),
            event::timerfd_read(&tf)
        ),
        (Ok(ItimerSpec::DISARMED), Ok(1))
    );
    let nb = event::timerfd_create(ClockId::BOOTTIME, TfdFlags::NONBLOCK);
    check!(
        t,
        "timerfd_nonblock_unexpired_read_eagain",
        nb.as_ref().map(event::timerfd_read),
        Ok(Err(Errno::EAGAIN))
    );
    let bad = ItimerSpec {
        interval: Timespec::ZERO,
        value: Timespec::new(0, 1_000_000_000),
    };
    check!(
        t,
        "timerfd_settime_nsec_1e9_einval",
        event::timerfd_settime(&tf, TfdTimerFlags::empty(), &bad),
        Err(Errno::EINVAL)
    );
    let (r, _w) = match sysrt_tests::util::raw_pipe() {
        Ok(p) => p,
        Err(_) => return,
    };
    check!(
        t,
        "timerfd_gettime_on_pipe_einval",
        event::timerfd_gettime(&r),
        Err(Errno::EINVAL)
    );
}

fn polls(t: &mut Tests) {
    let Ok((a, b)) = unix_pair(SocketType::STREAM) else {
        check!(t, "poll_fixture", false, true);
        return;
    };
    let mut fds = [PollFd::new(a.as_fd(), PollFlags::IN | PollFlags::OUT)];
    check!(
        t,
        "poll_writable_not_readable",
        (event::poll(&mut fds, NOW), fds[0].revents()),
        (Ok(1), PollFlags::OUT)
    );
    let _ = io::write(&b, b"x");
    check!(
        t,
        "poll_readable_after_peer_write",
        (event::poll(&mut fds, NOW), fds[0].revents()),
        (Ok(1), PollFlags::IN | PollFlags::OUT)
    );
    drop(b);
    let mut fds = [PollFd::new(a.as_fd(), PollFlags::IN | PollFlags::RDHUP)];
    check!(
        t,
        "poll_peer_closed_in_rdhup_hup",
        (event::poll(&mut fds, NOW), fds[0].revents()),
        (Ok(1), PollFlags::IN | PollFlags::RDHUP | PollFlags::HUP)
    );
    let mut fds = [PollFd::new(closed_fd(), PollFlags::IN)];
    check!(
        t,
        "poll_closed_fd_pollnval",
        (event::poll(&mut fds, NOW), fds[0].revents()),
        (Ok(1), PollFlags::NVAL)
    );
    let Ok((c, _d)) = unix_pair(SocketType::STREAM) else {
        return;
    };
    let mut fds = [PollFd::new(c.as_fd(), PollFlags::IN)];
    check!(
        t,
        "ppoll_timeout_1ms_nothing_ready",
        event::ppoll(
            &mut fds,
            Some(Timespec::new(0, 1_000_000)),
            Some(SigSet::EMPTY)
        ),
        Ok(0)
    );
    check!(
        t,
        "ppoll_bad_timeout_einval",
        event::ppoll(&mut fds, Some(Timespec::new(0, -1)), None),
        Err(Errno::EINVAL)
    );
    let _ = install_alarm_handler();
    let _ = alarm_every(50);
    let got = event::poll(&mut fds, None);
    let _ = alarm_every(0);
    let _ = remove_alarm_handler();
    check!(t, "blocking_poll_interrupted_eintr", got, Err(Errno::EINTR));
}

fn selects(t: &mut Tests) {
    let mut s = FdSet::new();
    check!(
        t,
        "fdset_rejects_fd_1024_einval_unchanged",
        (
            s.insert(1024),
            s.insert(-1),
            s.is_empty(),
            s.insert(1023),
            s.contains(1023)
        ),
        (Err(Errno::EINVAL), Err(Errno::EINVAL), true, Ok(()), true)
    );
    check!(
        t,
        "select_nfds_1025_einval_before_call",
        event::select(1025, Some(&mut s), None, None, NOW),
        Err(Errno::EINVAL)
    );
    let Ok((a, b)) = unix_pair(SocketType::STREAM) else {
        return;
    };
    let (fa, fb) = (a.as_raw_fd(), b.as_raw_fd());
    let nfds = fa.max(fb) as usize + 1;
    let mut r = FdSet::new();
    let mut w = FdSet::new();
    let _ = (r.insert(fa), r.insert(fb), w.insert(fa));
    check!(
        t,
        "select_nothing_readable_one_writable",
        (
            event::select(nfds, Some(&mut r), Some(&mut w), None, NOW),
            r.is_empty(),
            w.contains(fa)
        ),
        (Ok(1), true, true)
    );
    let _ = io::write(&b, b"x");
    let mut r = FdSet::new();
    let _ = (r.insert(fa), r.insert(fb));
    check!(
        t,
        "select_readable_set_keeps_only_ready",
        (
            event::select(nfds, Some(&mut r), None, None, NOW),
            r.contains(fa),
            r.contains(fb)
        ),
        (Ok(1), true, false)
    );
    let mut r = FdSet::new();
    let _ = r.insert(fb);
    check!(
        t,
        "pselect6_timeout_1ms_nothing_ready",
        event::pselect6(
            nfds,
            Some(&mut r),
            None,
            None,
            Some(Timespec::new(0, 1_000_000)),
            Some(SigSet::EMPTY)
        ),
        Ok(0)
    );
    // A closed number inside the descriptor table (the kernel ignores numbers beyond it):
    // the lowest free one.
    let free = lowest_free_fd();
    let mut r = FdSet::new();
    let _ = r.insert(free);
    check!(
        t,
        "select_closed_fd_ebadf",
        event::select(free as usize + 1, Some(&mut r), None, None, NOW),
        Err(Errno::EBADF)
    );
}

/// poll and select report the same descriptors as epoll: 3 pairs, 2 made readable.
fn agreement(t: &mut Tests) {
    let pairs: [Option<(OwnedFd, OwnedFd)>; 3] =
        core::array::from_fn(|_| unix_pair(SocketType::STREAM).ok());
    let [Some(p0), Some(p1), Some(p2)] = &pairs else {
        check!(t, "poll_select_epoll_agree", false, true);
        return;
    };
    let readers = [&p0.1, &p1.1, &p2.1];
    let _ = io::write(&p0.0, b"a");
    let _ = io::write(&p2.0, b"c");
    let by_epoll = event::epoll_create1(EpollCreateFlags::empty()).and_then(|ep| {
        for (i, r) in readers.iter().enumerate() {
            event::epoll_add(&ep, r, EpollFlags::IN, i as u64)?;
        }
        let mut evs = [EpollEvent::zeroed(); 4];
        let n = event::epoll_wait(&ep, &mut evs, NOW)?;
        let mut ready = [false; 3];
        for e in &evs[..n] {
            if let Some(r) = ready.get_mut(e.data() as usize) {
                *r = true;
            }
        }
        Ok(ready)
    });
    let mut fds = readers.map(|r| PollFd::new(r.as_fd(), PollFlags::IN));
    let by_poll =
        event::poll(&mut fds, NOW).map(|_| fds.map(|f| f.revents().contains(PollFlags::IN)));
    let mut set = FdSet::new();
    for r in readers {
        let _ = set.insert(r.as_raw_fd());
    }
    let nfds = readers.iter().map(|r| r.as_raw_fd()).max().unwrap_or(0) as usize + 1;
    let by_select = event::select(nfds, Some(&mut set), None, None, NOW)
        .map(|_| readers.map(|r| set.contains(r.as_raw_fd())));
    let want = Ok([true, false, true]);
    check!(
        t,
        "poll_select_epoll_agree",
        (by_epoll, by_poll, by_select),
        (want, want, want)
    );
}

sysrt_rt::main!(main);
