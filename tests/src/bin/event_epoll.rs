//! epoll: level- and edge-triggered readiness, ONESHOT and its re-arm, RDHUP, EXCLUSIVE's
//! rules, the error cases, 1,000 socketpairs each reported exactly once, epoll_pwait2, EINTR,
//! and a non-blocking TCP client and server driven by one epoll loop in one process.
#![no_std]
#![no_main]

use core::time::Duration;

use sysrt::event::{
    self, EpollCreateFlags, EpollEvent, EpollFlags, EpollOp, epoll_add, epoll_ctl, epoll_delete,
    epoll_modify, epoll_wait,
};
use sysrt::fd::OwnedFd;
use sysrt::fs::{self, Mode, OFlags};
use sysrt::net::{
    self, AddressFamily, Protocol, RecvFlags, SendFlags, Shutdown, SocketFlags, SocketType,
};
use sysrt::process::{self, Resource, Rlimit};
use sysrt::signal::SigSet;
use sysrt::time::Timespec;
use sysrt::{Errno, io};
use sysrt_tests::sock::{alarm_every, install_alarm_handler, remove_alarm_handler, unix_pair, v4};
use sysrt_tests::util::{FdBaseline, cloexec, tmp_path, under_qemu};
use sysrt_tests::{Tests, check};

const PLAN: usize = 31;
const NOW: Option<Duration> = Some(Duration::ZERO);

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();

    let ep = event::epoll_create1(EpollCreateFlags::empty());
    check!(
        t,
        "epoll_create1_has_cloexec",
        ep.as_ref().map(cloexec),
        Ok(Ok(true))
    );
    let Ok(ep) = ep else { return t.finish() };

    triggers(&mut t, &ep);
    errors(&mut t, &ep);
    thousand_pairs(&mut t);
    pwait_and_eintr(&mut t, &ep);
    nonblocking_tcp_in_one_loop(&mut t);

    drop(ep);
    baseline.check(&mut t);
    t.finish()
}

/// Waits without blocking; returns (count, first event).
fn ready(ep: &OwnedFd) -> (Result<usize, Errno>, Option<(EpollFlags, u64)>) {
    let mut evs = [EpollEvent::zeroed(); 8];
    let n = epoll_wait(ep, &mut evs, NOW);
    let first = match n {
        Ok(k) if k > 0 => Some((evs[0].events(), evs[0].data())),
        _ => None,
    };
    (n, first)
}

fn triggers(t: &mut Tests, ep: &OwnedFd) {
    let Ok((a, b)) = unix_pair(SocketType::STREAM) else {
        check!(t, "triggers_fixture", false, true);
        return;
    };
    let mut byte = [0u8; 4];
    // Level-triggered: reported as long as data is there.
    check!(
        t,
        "epoll_add_level_triggered",
        epoll_add(ep, &b, EpollFlags::IN, 42),
        Ok(())
    );
    check!(t, "nothing_ready_wait_0", ready(ep), (Ok(0), None));
    let _ = io::write(&a, b"x");
    check!(
        t,
        "level_readable_reported_with_data",
        ready(ep),
        (Ok(1), Some((EpollFlags::IN, 42)))
    );
    check!(
        t,
        "level_reported_again_until_read",
        ready(ep),
        (Ok(1), Some((EpollFlags::IN, 42)))
    );
    let _ = io::read(&b, &mut byte);
    check!(t, "level_not_reported_after_read", ready(ep), (Ok(0), None));

    // Edge-triggered: once per new arrival, even with data left.
    check!(
        t,
        "epoll_modify_to_edge_triggered",
        epoll_modify(ep, &b, EpollFlags::IN | EpollFlags::ET, 43),
        Ok(())
    );
    let _ = io::write(&a, b"yy");
    check!(
        t,
        "edge_reported_once",
        ready(ep),
        (Ok(1), Some((EpollFlags::IN, 43)))
    );
    check!(t, "edge_not_again_with_data_left", ready(ep), (Ok(0), None));
    let _ = io::write(&a, b"z");
    check!(
        t,
        "edge_reported_on_new_data",
        ready(ep),
        (Ok(1), Some((EpollFlags::IN, 43)))
    );
    let _ = io::read(&b, &mut byte);

    // One-shot: disabled after one report, re-armed by MOD.
    check!(
        t,
        "epoll_modify_to_oneshot",
        epoll_modify(ep, &b, EpollFlags::IN | EpollFlags::ONESHOT, 44),
        Ok(())
    );
    let _ = io::write(&a, b"w");
    check!(
        t,
        "oneshot_reported_once",
        ready(ep),
        (Ok(1), Some((EpollFlags::IN, 44)))
    );
    check!(t, "oneshot_disabled_after_report", ready(ep), (Ok(0), None));
    let _ = epoll_modify(ep, &b, EpollFlags::IN | EpollFlags::ONESHOT, 45);
    check!(
        t,
        "oneshot_rearmed_by_modify",
        ready(ep),
        (Ok(1), Some((EpollFlags::IN, 45)))
    );
    let _ = io::read(&b, &mut byte);

    // RDHUP: the peer shuts down its writing half.
    let _ = epoll_modify(ep, &b, EpollFlags::IN | EpollFlags::RDHUP, 46);
    let _ = net::shutdown(&a, Shutdown::Write);
    check!(
        t,
        "rdhup_after_peer_shut_wr",
        ready(ep),
        (Ok(1), Some((EpollFlags::IN | EpollFlags::RDHUP, 46)))
    );
    check!(t, "epoll_delete", epoll_delete(ep, &b), Ok(()));
    check!(t, "deleted_interest_not_reported", ready(ep), (Ok(0), None));

    // EXCLUSIVE: only with ADD, and not with ONESHOT.
    let Ok((c, d)) = unix_pair(SocketType::STREAM) else {
        return;
    };
    check!(
        t,
        "exclusive_add_then_modify_einval",
        (
            epoll_add(ep, &c, EpollFlags::IN | EpollFlags::EXCLUSIVE, 1),
            epoll_modify(ep, &c, EpollFlags::IN | EpollFlags::EXCLUSIVE, 1),
            epoll_add(
                ep,
                &d,
                EpollFlags::IN | EpollFlags::EXCLUSIVE | EpollFlags::ONESHOT,
                2
            )
        ),
        (Ok(()), Err(Errno::EINVAL), Err(Errno::EINVAL))
    );
    let _ = epoll_delete(ep, &c);
}

fn errors(t: &mut Tests, ep: &OwnedFd) {
    let Ok((a, _b)) = unix_pair(SocketType::STREAM) else {
        return;
    };
    let _ = epoll_add(ep, &a, EpollFlags::IN, 0);
    check!(
        t,
        "add_twice_eexist",
        epoll_add(ep, &a, EpollFlags::IN, 0),
        Err(Errno::EEXIST)
    );
    let _ = epoll_delete(ep, &a);
    check!(
        t,
        "modify_and_delete_unknown_enoent",
        (
            epoll_modify(ep, &a, EpollFlags::IN, 0),
            epoll_delete(ep, &a)
        ),
        (Err(Errno::ENOENT), Err(Errno::ENOENT))
    );
    check!(
        t,
        "add_epoll_to_itself_einval",
        epoll_ctl(ep, EpollOp::Add, ep, EpollEvent::new(EpollFlags::IN, 0)),
        Err(Errno::EINVAL)
    );
    let path = tmp_path("epoll-file");
    let file = fs::open(
        path.as_str(),
        OFlags::CREAT | OFlags::RDWR,
        Mode::from_octal(0o600),
    );
    check!(
        t,
        "add_regular_file_eperm",
        file.as_ref().map(|f| epoll_add(ep, f, EpollFlags::IN, 0)),
        Ok(Err(Errno::EPERM))
    );
    drop(file);
    let _ = fs::unlink(path.as_str());
    check!(
        t,
        "wait_with_no_room_einval",
        epoll_wait(ep, &mut [], NOW),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "epoll_wait_on_non_epoll_fd_einval",
        epoll_wait(&a, &mut [EpollEvent::zeroed()], NOW),
        Err(Errno::EINVAL)
    );
}

/// 1,000 socketpairs, each with one byte waiting: every one is reported exactly once (its byte
/// is read when reported, so a level-triggered interest goes quiet).
fn thousand_pairs(t: &mut Tests) {
    const N: usize = 1000;
    // 2,000 descriptors: raise the soft limit to the hard one for the case, if it allows.
    let old = process::getrlimit(Resource::Nofile);
    let room = old.map(|l| l.max >= 2 * N as u64 + 64);
    if room != Ok(true) {
        t.skip(
            "thousand_socketpairs_each_reported_once",
            "RLIMIT_NOFILE hard limit below 2064",
        );
        return;
    }
    let Ok(old) = old else { return };
    let _ = process::setrlimit(
        Resource::Nofile,
        Rlimit {
            cur: old.max.min(8192),
            max: old.max,
        },
    );
    let result = (|| -> Result<(usize, usize, usize), Errno> {
        let ep = event::epoll_create1(EpollCreateFlags::empty())?;
        let mut pairs: [Option<(OwnedFd, OwnedFd)>; N] = [const { None }; N];
        for (i, slot) in pairs.iter_mut().enumerate() {
            let (w, r) = unix_pair(SocketType::STREAM)?;
            epoll_add(&ep, &r, EpollFlags::IN, i as u64)?;
            *slot = Some((w, r));
        }
        for (w, _) in pairs.iter().flatten() {
            io::write(w, b"!")?;
        }
        let mut seen = [0u8; N];
        let mut evs = [EpollEvent::zeroed(); 64];
        let (mut total, mut rounds) = (0usize, 0usize);
        while total < N && rounds < 10 * N {
            rounds += 1;
            let n =
                sysrt::retry_on_intr(|| epoll_wait(&ep, &mut evs, Some(Duration::from_secs(5))))?;
            if n == 0 {
                break;
            }
            for e in &evs[..n] {
                let i = e.data() as usize;
                let (_, r) = pairs.get(i).and_then(Option::as_ref).ok_or(Errno::EIO)?;
                let mut b = [0u8; 1];
                io::read(r, &mut b)?;
                seen[i] = seen[i].saturating_add(1);
                total += 1;
            }
        }
        let once = seen.iter().filter(|&&c| c == 1).count();
        let after = epoll_wait(&ep, &mut evs, NOW)?;
        Ok((total, once, after))
    })();
    let _ = process::setrlimit(Resource::Nofile, old);
    check!(
        t,
        "thousand_socketpairs_each_reported_once",
        result,
        Ok((N, N, 0))
    );
}

fn pwait_and_eintr(t: &mut Tests, ep: &OwnedFd) {
    let mut evs = [EpollEvent::zeroed(); 4];
    match event::epoll_pwait2(ep, &mut evs, Some(Timespec::new(0, 1_000_000)), None) {
        Err(Errno::ENOSYS) if under_qemu() => t.skip(
            "epoll_pwait2_timeout_1ms_nothing_ready",
            "QEMU 7.2 does not implement epoll_pwait2 (ENOSYS)",
        ),
        got => check!(t, "epoll_pwait2_timeout_1ms_nothing_ready", got, Ok(0)),
    }
    check!(
        t,
        "epoll_pwait_with_mask_timeout_0",
        event::epoll_pwait(ep, &mut evs, NOW, Some(SigSet::EMPTY)),
        Ok(0)
    );
    let _ = install_alarm_handler();
    let _ = alarm_every(50);
    let got = epoll_wait(ep, &mut evs, None);
    let _ = alarm_every(0);
    let _ = remove_alarm_handler();
    check!(
        t,
        "blocking_epoll_wait_interrupted_eintr",
        got,
        Err(Errno::EINTR)
    );
}

/// A non-blocking TCP server and client in one process, driven by one epoll loop: the client
/// connects (EINPROGRESS or at once), the server accepts, sends a welcome line, echoes what
/// the client sends; the loop ends when the client has its echo.
fn nonblocking_tcp_in_one_loop(t: &mut Tests) {
    const LISTENER: u64 = 1;
    const CLIENT: u64 = 2;
    const CONN: u64 = 3;
    let result = (|| -> Result<([u8; 24], usize), Errno> {
        let flags = SocketFlags::NONBLOCK;
        let l = net::socket_with(
            AddressFamily::INET,
            SocketType::STREAM,
            flags,
            Protocol::DEFAULT,
        )?;
        net::bind(&l, &v4(0))?;
        net::listen(&l, 16)?;
        let addr = net::getsockname(&l)?;
        let ep = event::epoll_create1(EpollCreateFlags::empty())?;
        epoll_add(&ep, &l, EpollFlags::IN, LISTENER)?;
        let c = net::socket_with(
            AddressFamily::INET,
            SocketType::STREAM,
            flags,
            Protocol::DEFAULT,
        )?;
        match net::connect(&c, &addr) {
            Ok(()) | Err(Errno::EINPROGRESS) => {}
            Err(e) => return Err(e),
        }
        epoll_add(&ep, &c, EpollFlags::OUT | EpollFlags::IN, CLIENT)?;
        let mut conn: Option<OwnedFd> = None;
        let mut got = [0u8; 24];
        let (mut have, mut sent, mut rounds) = (0usize, false, 0usize);
        let mut evs = [EpollEvent::zeroed(); 8];
        while have < got.len() && rounds < 1000 {
            rounds += 1;
            let n = epoll_wait(&ep, &mut evs, Some(Duration::from_secs(5)))?;
            if n == 0 {
                return Err(Errno::ETIMEDOUT);
            }
            for e in &evs[..n] {
                match e.data() {
                    LISTENER => {
                        let (s, _) = net::accept4(&l, SocketFlags::NONBLOCK)?;
                        epoll_add(&ep, &s, EpollFlags::IN, CONN)?;
                        net::send(&s, b"welcome\n", SendFlags::NOSIGNAL)?;
                        conn = Some(s);
                    }
                    CONN => {
                        let s = conn.as_ref().ok_or(Errno::EIO)?;
                        let mut buf = [0u8; 64];
                        loop {
                            match net::recv(s, &mut buf, RecvFlags::empty()) {
                                Ok(0) | Err(Errno::EAGAIN) => break,
                                Ok(k) => {
                                    net::send(s, &buf[..k], SendFlags::NOSIGNAL)?;
                                }
                                Err(e) => return Err(e),
                            }
                        }
                    }
                    CLIENT => {
                        if e.events().contains(EpollFlags::OUT) && !sent {
                            if let Some(err) = net::sockopt::get_error(&c)? {
                                return Err(err);
                            }
                            net::send(&c, b"echo me, please!", SendFlags::NOSIGNAL)?;
                            sent = true;
                            epoll_modify(&ep, &c, EpollFlags::IN, CLIENT)?;
                        }
                        if e.events().contains(EpollFlags::IN) {
                            loop {
                                match net::recv(&c, &mut got[have..], RecvFlags::empty()) {
                                    Ok(0) | Err(Errno::EAGAIN) => break,
                                    Ok(k) => have += k,
                                    Err(e) => return Err(e),
                                }
                                if have == got.len() {
                                    break;
                                }
                            }
                        }
                    }
                    _ => return Err(Errno::EIO),
                }
            }
        }
        Ok((got, have))
    })();
    check!(
        t,
        "nonblocking_tcp_welcome_and_echo_in_one_epoll_loop",
        result.map(|(g, n)| (n, g == *b"welcome\necho me, please!")),
        Ok((24, true))
    );
}

sysrt_rt::main!(main);
