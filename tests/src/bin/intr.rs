//! EINTR: `raw_syscall` returns it, `syscall` and `retry_on_intr` restart, typed calls return it
//! (as Go's syscall does), and `SA_RESTART` makes the kernel restart by itself (R58).
//!
//! A one-shot `ITIMER_REAL` interrupts a `read` blocked on an empty pipe; the SIGALRM handler
//! writes one byte into that pipe, so a restarted read finds it. The handler is installed
//! with `signal::sigaction`, which supplies the arch's restorer.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicI32, AtomicU32, Ordering};

use linux_raw_sys::general::{__kernel_old_itimerval, __kernel_old_timeval, ITIMER_REAL};
use sysrt::fd::BorrowedFd;
use sysrt::signal::{self, Handler, SaFlags, SigAction, Signal};
use sysrt::{Errno, Sysno, io, raw_syscall, retry_on_intr, syscall};
use sysrt_tests::util::{fds_without_cloexec, open_fd_count, raw_pipe};
use sysrt_tests::{Tests, check};

/// The pipe's write end, for the handler.
static WRITE_END: AtomicI32 = AtomicI32::new(-1);
/// How many times the handler ran.
static DELIVERED: AtomicU32 = AtomicU32::new(0);

extern "C" fn on_alarm(_sig: Signal) {
    DELIVERED.fetch_add(1, Ordering::SeqCst);
    // SAFETY: the write end stays open until after the last timer is disarmed (main closes it
    // only then); `write` is async-signal-safe: it is one syscall.
    let fd = unsafe { BorrowedFd::borrow_raw(WRITE_END.load(Ordering::SeqCst)) };
    let _ = io::write(fd, b"!");
}

/// Installs `on_alarm` for SIGALRM with `flags`.
fn install(flags: SaFlags) -> Result<(), Errno> {
    let act = SigAction::new(Handler::Plain(on_alarm)).with_flags(flags);
    // SAFETY: `on_alarm` only touches atomics and makes one `write`: async-signal-safe.
    unsafe { signal::sigaction(Signal::ALRM, &act) }.map(drop)
}

/// Restores SIGALRM's default action.
fn uninstall() -> Result<(), Errno> {
    signal::reset(Signal::ALRM).map(drop)
}

/// Arms a one-shot real-time timer `ms` milliseconds from now (0 disarms it).
fn alarm_in(ms: i64) -> Result<usize, Errno> {
    let zero = __kernel_old_timeval {
        tv_sec: 0,
        tv_usec: 0,
    };
    let it = __kernel_old_itimerval {
        it_interval: zero,
        it_value: __kernel_old_timeval {
            tv_sec: ms / 1000,
            tv_usec: (ms % 1000) * 1000,
        },
    };
    // SAFETY: `it` is a valid itimerval living across the call; no old value requested.
    unsafe {
        raw_syscall(
            Sysno::setitimer,
            ITIMER_REAL as usize,
            &raw const it as usize,
            0,
        )
    }
}

fn main() -> i32 {
    let mut t = Tests::new(14);
    let fd_count = open_fd_count();
    let inherited = fds_without_cloexec();
    let Ok((r, w)) = raw_pipe() else {
        check!(t, "pipe", "failed", "ok");
        return t.finish();
    };
    WRITE_END.store(w.as_raw_fd(), Ordering::SeqCst);
    let rfd = r.as_raw_fd() as usize;
    let mut byte = [0u8; 1];

    check!(
        t,
        "install_handler_without_sa_restart",
        install(SaFlags::empty()),
        Ok(())
    );

    // raw_syscall: the interrupted read reports EINTR; the handler's byte is then waiting.
    check!(t, "arm_timer", alarm_in(100), Ok(0));
    // SAFETY: `byte` is a live 1-byte buffer.
    let got = unsafe { raw_syscall(Sysno::read, rfd, byte.as_mut_ptr() as usize, 1) };
    check!(
        t,
        "raw_syscall_read_interrupted_eintr",
        got,
        Err(Errno::EINTR)
    );
    check!(
        t,
        "handler_ran_once",
        DELIVERED.load(Ordering::SeqCst),
        1u32
    );
    check!(
        t,
        "byte_from_handler_then_read",
        (io::read(&r, &mut byte), byte),
        (Ok(1usize), *b"!")
    );

    // syscall: restarts after the handler and returns the byte the handler wrote.
    let _ = alarm_in(100);
    // SAFETY: as above.
    let got = unsafe { syscall(Sysno::read, rfd, byte.as_mut_ptr() as usize, 1) };
    check!(
        t,
        "syscall_restarts_after_eintr",
        (got, DELIVERED.load(Ordering::SeqCst)),
        (Ok(1usize), 2u32)
    );

    // Typed calls return EINTR, as Go's syscall package does...
    let _ = alarm_in(100);
    check!(
        t,
        "typed_read_returns_eintr",
        io::read(&r, &mut byte),
        Err(Errno::EINTR)
    );
    let _ = io::read(&r, &mut byte); // the handler's byte
    // ...and retry_on_intr restarts them.
    let _ = alarm_in(100);
    check!(
        t,
        "retry_on_intr_restarts_typed_read",
        (
            retry_on_intr(|| io::read(&r, &mut byte)),
            DELIVERED.load(Ordering::SeqCst)
        ),
        (Ok(1usize), 4u32)
    );

    // With SA_RESTART the kernel restarts the read itself: even raw_syscall sees the byte.
    check!(
        t,
        "install_handler_with_sa_restart",
        install(SaFlags::RESTART),
        Ok(())
    );
    let _ = alarm_in(100);
    // SAFETY: as above.
    let got = unsafe { raw_syscall(Sysno::read, rfd, byte.as_mut_ptr() as usize, 1) };
    check!(
        t,
        "sa_restart_kernel_restarts_raw_read",
        (got, DELIVERED.load(Ordering::SeqCst)),
        (Ok(1usize), 5u32)
    );

    check!(t, "disarm_timer", alarm_in(0), Ok(0));
    check!(t, "restore_default_action", uninstall(), Ok(()));
    WRITE_END.store(-1, Ordering::SeqCst);
    drop((r, w));
    check!(t, "no_fd_leaked", open_fd_count(), fd_count);
    check!(
        t,
        "every_fd_we_opened_has_cloexec",
        fds_without_cloexec(),
        inherited
    );
    t.finish()
}

sysrt_rt::main!(main);
