//! Handlers: `sigaction` with the runtime's restorer (R57), `SA_SIGINFO`, `SA_RESETHAND`,
//! `SA_NODEFER`, the handler mask, `ignore`/`reset`, the record of handled signals,
//! `sigsuspend` and `pause`, and the alternate signal stack (R61).
//!
//! Every handler here only touches atomics and makes syscalls: async-signal-safe, as
//! `sigaction`'s contract requires.
#![no_std]
#![no_main]

use core::ffi::c_void;
use core::sync::atomic::{AtomicI32, AtomicU32, AtomicUsize, Ordering::SeqCst};

use linux_raw_sys::general::{
    __kernel_old_itimerval, __kernel_old_timeval, ITIMER_REAL, MAP_SHARED, PROT_READ,
    kernel_sigaction, kernel_sigset_t,
};
use sysrt::io::{self, MemfdFlags};
use sysrt::process::{self, Pid, getpid};
use sysrt::signal::{
    self, Disposition, Handler, How, SaFlags, SigAction, SigInfo, SigSet, SigStack, SigStackFlags,
    Signal,
};
use sysrt::{Errno, Sysno};
use sysrt_tests::child::{self, Status, spawn_child};
use sysrt_tests::util::{FdBaseline, ids_of_self, under_qemu};
use sysrt_tests::{Tests, check};

const PLAN: usize = 51;

static COUNT: AtomicU32 = AtomicU32::new(0);

extern "C" fn count(_: Signal) {
    COUNT.fetch_add(1, SeqCst);
}

/// What the `SA_SIGINFO` handler saw: (signal argument, si_signo, si_code, si_pid, si_uid,
/// si_status).
static INFO: [AtomicI32; 6] = [const { AtomicI32::new(0) }; 6];

extern "C" fn record_info(sig: Signal, info: &SigInfo, _ctx: *mut c_void) {
    let got = [
        sig.raw(),
        info.signo(),
        info.code(),
        info.pid().raw(),
        info.uid() as i32,
        info.status(),
    ];
    for (slot, v) in INFO.iter().zip(got) {
        slot.store(v, SeqCst);
    }
}

fn recorded_info() -> [i32; 6] {
    INFO.each_ref().map(|a| a.load(SeqCst))
}

/// The first five of [`recorded_info`] (without si_status, meaningless for a `kill`).
fn recorded_kill_info() -> [i32; 5] {
    let [a, b, c, d, e, _] = recorded_info();
    [a, b, c, d, e]
}

static DEPTH: AtomicU32 = AtomicU32::new(0);
static MAX_DEPTH: AtomicU32 = AtomicU32::new(0);
static ENTRIES: AtomicU32 = AtomicU32::new(0);
/// The blocked mask seen inside the handler.
static MASK_INSIDE: AtomicUsize = AtomicUsize::new(0);

/// Raises its own signal once from inside itself, and records how deep the nesting went.
extern "C" fn nested(sig: Signal) {
    let depth = DEPTH.fetch_add(1, SeqCst) + 1;
    MAX_DEPTH.fetch_max(depth, SeqCst);
    let mask = signal::rt_sigprocmask(How::Block, SigSet::EMPTY).map_or(0, SigSet::raw);
    MASK_INSIDE.store(mask as usize, SeqCst);
    if ENTRIES.fetch_add(1, SeqCst) == 0 {
        let _ = signal::raise(sig);
    }
    DEPTH.fetch_sub(1, SeqCst);
}

fn nesting(flags: SaFlags) -> (Result<(), Errno>, u32, u32) {
    for a in [&DEPTH, &MAX_DEPTH, &ENTRIES] {
        a.store(0, SeqCst);
    }
    let act = SigAction::new(Handler::Plain(nested))
        .with_flags(flags)
        .with_mask(SigSet::EMPTY.with(Signal::USR2));
    // SAFETY: `nested` only uses atomics and syscalls.
    let installed = unsafe { signal::sigaction(Signal::USR1, &act) };
    let raised = installed.and_then(|_| signal::raise(Signal::USR1));
    (raised, ENTRIES.load(SeqCst), MAX_DEPTH.load(SeqCst))
}

/// The address of a local inside the handler, and the alternate stack's flags seen there.
static LOCAL_AT: AtomicUsize = AtomicUsize::new(0);
static ALT_FLAGS: AtomicU32 = AtomicU32::new(0);

extern "C" fn where_am_i(_: Signal) {
    let local = 0u8;
    LOCAL_AT.store(core::hint::black_box(&raw const local) as usize, SeqCst);
    let flags = signal::sigaltstack_current().map_or(u32::MAX, |s| s.flags.bits());
    ALT_FLAGS.store(flags, SeqCst);
}

/// The alternate stack: handed to the kernel for the program's remaining life.
const ALT_SIZE: usize = 64 * 1024;
static mut ALT_STACK: [u8; ALT_SIZE] = [0; ALT_SIZE];

/// The address the SIGBUS handler expects in `si_addr`.
static FAULT_AT: AtomicUsize = AtomicUsize::new(0);

/// Ends the child: 0 if `si_addr` is the expected address on the alternate stack, else 1-3.
extern "C" fn on_bus(sig: Signal, info: &SigInfo, _ctx: *mut c_void) {
    let local = 0u8;
    let here = core::hint::black_box(&raw const local) as usize;
    let alt = &raw const ALT_STACK as usize;
    process::exit(if sig != Signal::BUS || info.signo() != Signal::BUS.raw() {
        1
    } else if info.addr() != FAULT_AT.load(SeqCst) {
        2
    } else if !(alt..alt + ALT_SIZE).contains(&here) {
        3
    } else {
        0
    })
}

/// A child that reads past the end of a file mapping (SIGBUS, a real fault with `si_addr`)
/// with an `SA_SIGINFO | SA_ONSTACK` handler that checks the address and exits.
fn fault_child() -> i32 {
    let Ok(fd) = io::memfd_create("sigbus", MemfdFlags::empty()) else {
        return 10;
    };
    // SAFETY: a new shared read-only mapping of one page of an empty file: no existing
    // memory is touched; reading it faults with SIGBUS, which the handler turns into exit.
    let addr = unsafe {
        sysrt::raw_syscall6(
            Sysno::mmap,
            0,
            4096,
            PROT_READ as usize,
            MAP_SHARED as usize,
            fd.as_raw_fd() as usize,
            0,
        )
    };
    let Ok(addr) = addr else { return 11 };
    FAULT_AT.store(addr, SeqCst);
    let stack = SigStack {
        sp: (&raw mut ALT_STACK).cast(),
        size: ALT_SIZE,
        flags: SigStackFlags::empty(),
    };
    let act = SigAction::new(Handler::SigInfo(on_bus)).with_flags(SaFlags::ONSTACK);
    // SAFETY: ALT_STACK is used by nothing else (this child only); `on_bus` only reads
    // atomics and exits.
    let ok = unsafe { signal::sigaltstack(Some(&stack)).and(signal::sigaction(Signal::BUS, &act)) };
    if ok.is_err() {
        return 12;
    }
    // SAFETY: the page is mapped readable; the read raises SIGBUS (past the end of the
    // file), and the handler ends the process before the read could complete.
    let _ = unsafe { core::ptr::read_volatile(addr as *const u8) };
    13
}

/// `rt_sigaction(sig, act, NULL)` through the raw layer, for numbers the typed API cannot
/// express.
fn raw_sigaction_default(sig: i32) -> Result<usize, Errno> {
    // SAFETY: kernel_sigaction is plain data; all-zero is SIG_DFL with no flags.
    let act: kernel_sigaction = unsafe { core::mem::zeroed() };
    // SAFETY: `act` is a valid `struct sigaction` living across the call; no old action.
    unsafe {
        sysrt::raw_syscall6(
            Sysno::rt_sigaction,
            sig as isize as usize,
            &raw const act as usize,
            0,
            size_of::<kernel_sigset_t>(),
            0,
            0,
        )
    }
}

/// A repeating real-time timer every `ms` milliseconds (0 disarms it), through the raw layer.
fn itimer_every(ms: i64) -> Result<usize, Errno> {
    let tv = __kernel_old_timeval {
        tv_sec: 0,
        tv_usec: ms * 1000,
    };
    let it = __kernel_old_itimerval {
        it_interval: tv,
        it_value: tv,
    };
    // SAFETY: `it` is a valid itimerval living across the call; no old value requested.
    unsafe {
        sysrt::raw_syscall(
            Sysno::setitimer,
            ITIMER_REAL as usize,
            &raw const it as usize,
            0,
        )
    }
}

fn disposition(sig: Signal) -> Result<Disposition, Errno> {
    signal::sigaction_get(sig).map(|a| a.disposition())
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();
    let me = getpid();
    let (uid, ..) = ids_of_self();
    let plain = SigAction::new(Handler::Plain(count));
    let count_fn: extern "C" fn(Signal) = count;
    let count_at = Disposition::Handler {
        address: count_fn as usize,
        siginfo: false,
    };

    check!(
        t,
        "usr1_default_at_start",
        disposition(Signal::USR1),
        Ok(Disposition::Default)
    );
    check!(
        t,
        "nothing_handled_at_start",
        signal::handled(),
        SigSet::EMPTY
    );

    // A handler runs and returns through the restorer the runtime supplies (R57), twice.
    // SAFETY: `count` only increments an atomic.
    let old = unsafe { signal::sigaction(Signal::USR1, &plain) };
    check!(
        t,
        "sigaction_returns_old_default",
        old.map(|a| a.disposition()),
        Ok(Disposition::Default)
    );
    check!(
        t,
        "sigaction_get_shows_handler",
        disposition(Signal::USR1),
        Ok(count_at)
    );
    check!(
        t,
        "handled_records_the_handler",
        signal::handled(),
        SigSet::EMPTY.with(Signal::USR1)
    );
    check!(
        t,
        "handler_runs_and_returns",
        (signal::raise(Signal::USR1), COUNT.load(SeqCst)),
        (Ok(()), 1)
    );
    check!(
        t,
        "handler_runs_twice_restorer_r57",
        (signal::raise(Signal::USR1), COUNT.load(SeqCst)),
        (Ok(()), 2)
    );
    let after = core::hint::black_box(40) + 2;
    check!(t, "program_continues_after_handler", after, 42);

    // ignore and reset return the previous action and update the record.
    check!(
        t,
        "ignore_returns_old_handler",
        signal::ignore(Signal::USR1).map(|a| a.disposition()),
        Ok(count_at)
    );
    check!(
        t,
        "ignored_signal_discarded",
        (
            signal::raise(Signal::USR1),
            COUNT.load(SeqCst),
            signal::sigpending()
        ),
        (Ok(()), 2, Ok(SigSet::EMPTY))
    );
    check!(
        t,
        "ignore_removes_from_handled",
        (disposition(Signal::USR1), signal::handled()),
        (Ok(Disposition::Ignore), SigSet::EMPTY)
    );
    check!(
        t,
        "reset_returns_old_ignore",
        (
            signal::reset(Signal::USR1).map(|a| a.disposition()),
            disposition(Signal::USR1)
        ),
        (Ok(Disposition::Ignore), Ok(Disposition::Default))
    );
    // SAFETY: as above.
    let old = unsafe {
        signal::sigaction(
            Signal::USR2,
            &plain.with_flags(SaFlags::RESTART).with_mask(SigSet::FULL),
        )
    };
    let got = signal::sigaction_get(Signal::USR2);
    check!(
        t,
        "sigaction_get_flags_and_mask",
        (
            old.map(|_| ()),
            got.map(|a| a.flags()),
            got.map(|a| a.mask().contains(Signal::TERM))
        ),
        (Ok(()), Ok(SaFlags::RESTART), Ok(true))
    );
    let reinstalled = got.and_then(|a| {
        let _ = signal::reset(Signal::USR2);
        // SAFETY: reinstalls the action read back just above (`count`).
        unsafe { signal::sigaction(Signal::USR2, &a) }
    });
    check!(
        t,
        "old_action_can_be_reinstalled",
        (
            reinstalled.map(|a| a.disposition()),
            disposition(Signal::USR2)
        ),
        (Ok(Disposition::Default), Ok(count_at))
    );
    let _ = signal::reset(Signal::USR2);

    // Bad inputs: SIGKILL/SIGSTOP, numbers outside 1..64, flag bits outside SaFlags.
    // SAFETY: the handler is never installed (EINVAL); it is async-signal-safe anyway.
    let kill = unsafe { signal::sigaction(Signal::KILL, &plain) };
    check!(
        t,
        "sigaction_on_sigkill_einval",
        (kill.map(|_| ()), signal::handled()),
        (Err(Errno::EINVAL), SigSet::EMPTY)
    );
    // SAFETY: as above.
    let stop = unsafe { signal::sigaction(Signal::STOP, &plain) };
    check!(
        t,
        "sigaction_on_sigstop_einval",
        stop.map(|_| ()),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "ignore_and_reset_sigkill_sigstop_einval",
        (
            signal::ignore(Signal::KILL).map(|_| ()),
            signal::reset(Signal::STOP).map(|_| ())
        ),
        (Err(Errno::EINVAL), Err(Errno::EINVAL))
    );
    check!(
        t,
        "rt_sigaction_raw_signal_65_and_0_einval",
        (raw_sigaction_default(65), raw_sigaction_default(0)),
        (Err(Errno::EINVAL), Err(Errno::EINVAL))
    );
    for (name, bits) in [
        ("sigaction_restorer_bit_from_safe_code_einval", 0x0400_0000),
        ("sigaction_unknown_flag_bit_einval", 1 << 9),
    ] {
        let bad = plain.with_flags(SaFlags::from_bits_retain(bits));
        // SAFETY: refused before the syscall; `count` is async-signal-safe anyway.
        let got = unsafe { signal::sigaction(Signal::USR2, &bad) };
        check!(
            t,
            name,
            (
                got.map(|_| ()),
                disposition(Signal::USR2),
                signal::handled()
            ),
            (Err(Errno::EINVAL), Ok(Disposition::Default), SigSet::EMPTY)
        );
    }

    // SA_RESETHAND: the second delivery takes the default action, in a child (R57).
    let child = spawn_child(|| {
        let act = plain.with_flags(SaFlags::RESETHAND);
        // SAFETY: as above.
        if unsafe { signal::sigaction(Signal::USR1, &act) }.is_err() {
            return 10;
        }
        let before = COUNT.load(SeqCst);
        if signal::raise(Signal::USR1).is_err() || COUNT.load(SeqCst) != before + 1 {
            return 11;
        }
        if disposition(Signal::USR1) != Ok(Disposition::Default) {
            return 12;
        }
        let _ = signal::raise(Signal::USR1);
        13
    });
    check!(
        t,
        "resethand_second_delivery_kills_child_r57",
        child.and_then(child::wait),
        Ok(Status::signaled(Signal::USR1))
    );

    // SA_SIGINFO: signo, code, pid and uid of a kill from a child (R57); sigpending shows it
    // while blocked, and sigsuspend lets it in.
    let info = SigAction::new(Handler::SigInfo(record_info));
    // SAFETY: `record_info` only stores into atomics.
    let _ = unsafe { signal::sigaction(Signal::USR2, &info) };
    let blocked = SigSet::EMPTY.with(Signal::USR2).with(Signal::CHLD);
    let before = signal::rt_sigprocmask(How::Block, blocked).unwrap_or(SigSet::EMPTY);
    let sender = spawn_child(|| signal::kill(process::getppid(), Signal::USR2).map_or(1, |()| 0));
    let sender_pid = sender.unwrap_or(Pid::from_raw(0));
    check!(
        t,
        "sender_child_exits_0",
        sender.and_then(child::wait),
        Ok(Status::Exited(0))
    );
    check!(
        t,
        "sigpending_shows_blocked_signal_from_child",
        signal::sigpending(),
        Ok(blocked)
    );
    // Setting SIG_DFL on a pending signal whose default is to ignore it discards it, blocked
    // or not (POSIX; the first child's SIGCHLD would otherwise coalesce with the next).
    check!(
        t,
        "reset_sigchld_discards_its_pending_signal",
        (
            signal::reset(Signal::CHLD).map(|_| ()),
            signal::sigpending()
        ),
        (Ok(()), Ok(SigSet::EMPTY.with(Signal::USR2)))
    );
    check!(
        t,
        "sigsuspend_returns_eintr_after_handler",
        signal::sigsuspend(before.union(SigSet::EMPTY.with(Signal::CHLD))),
        Errno::EINTR
    );
    check!(
        t,
        "siginfo_handler_signo_code_pid_uid_r57",
        recorded_kill_info(),
        [
            Signal::USR2.raw(),
            Signal::USR2.raw(),
            SigInfo::SI_USER,
            sender_pid.raw(),
            uid as i32
        ]
    );
    // SIGCHLD's siginfo carries the child's exit status.
    // SAFETY: as above.
    let _ = unsafe { signal::sigaction(Signal::CHLD, &info) };
    let exiting = spawn_child(|| 7);
    let exiting_pid = exiting.unwrap_or(Pid::from_raw(0));
    check!(
        t,
        "status_child_exits_7",
        exiting.and_then(child::wait),
        Ok(Status::Exited(7))
    );
    check!(
        t,
        "sigsuspend_delivers_sigchld",
        signal::sigsuspend(before),
        Errno::EINTR
    );
    check!(
        t,
        "siginfo_sigchld_code_pid_status",
        recorded_info(),
        [
            Signal::CHLD.raw(),
            Signal::CHLD.raw(),
            SigInfo::CLD_EXITED,
            exiting_pid.raw(),
            uid as i32,
            7
        ]
    );
    let _ = signal::rt_sigprocmask(How::SetMask, before);
    let _ = (signal::reset(Signal::CHLD), signal::reset(Signal::USR2));

    // SA_NODEFER, and the handler mask.
    check!(
        t,
        "without_nodefer_nested_raise_waits",
        nesting(SaFlags::empty()),
        (Ok(()), 2, 1)
    );
    check!(
        t,
        "handler_mask_has_signal_and_sa_mask",
        SigSet::from_raw(MASK_INSIDE.load(SeqCst) as u64),
        before.with(Signal::USR1).with(Signal::USR2)
    );
    check!(
        t,
        "nodefer_nested_raise_runs_inside",
        nesting(SaFlags::NODEFER),
        (Ok(()), 2, 2)
    );
    check!(
        t,
        "mask_restored_after_handlers",
        signal::rt_sigprocmask(How::Block, SigSet::EMPTY),
        Ok(before)
    );
    let _ = signal::reset(Signal::USR1);

    // pause returns EINTR once a handler ran (a repeating timer, so a tick that lands before
    // pause starts only delays the one that ends it).
    // SAFETY: as above.
    let _ = unsafe { signal::sigaction(Signal::ALRM, &plain) };
    let ticks = COUNT.load(SeqCst);
    check!(t, "arm_repeating_timer", itimer_every(20), Ok(0));
    check!(
        t,
        "pause_returns_eintr_after_handler",
        (signal::pause(), COUNT.load(SeqCst) > ticks),
        (Errno::EINTR, true)
    );
    check!(t, "disarm_timer", itimer_every(0), Ok(0));
    let _ = signal::reset(Signal::ALRM);

    // The alternate stack (R61).
    check!(
        t,
        "sigaltstack_none_at_start",
        signal::sigaltstack_current().map(|s| s.flags),
        Ok(SigStackFlags::DISABLE)
    );
    let alt = (&raw mut ALT_STACK).cast::<u8>();
    let stack = |size, flags| SigStack {
        sp: alt,
        size,
        flags,
    };
    // SAFETY: ALT_STACK is used by nothing else in this program; it stays valid forever.
    let tiny = unsafe { signal::sigaltstack(Some(&stack(2047, SigStackFlags::empty()))) };
    check!(
        t,
        "sigaltstack_2047_bytes_enomem_r61",
        tiny.map(|_| ()),
        Err(Errno::ENOMEM)
    );
    if under_qemu() && SigStack::MIN_SIZE > 2048 {
        t.skip(
            "sigaltstack_below_minsigstksz_enomem_r61",
            "QEMU: qemu-user checks its own TARGET_MINSIGSTKSZ (2048), not this arch's MINSIGSTKSZ",
        );
    } else {
        // SAFETY: as above.
        let small = unsafe {
            signal::sigaltstack(Some(&stack(SigStack::MIN_SIZE - 1, SigStackFlags::empty())))
        };
        check!(
            t,
            "sigaltstack_below_minsigstksz_enomem_r61",
            small.map(|_| ()),
            Err(Errno::ENOMEM)
        );
    }
    // SAFETY: as above; refused before the syscall.
    let bad =
        unsafe { signal::sigaltstack(Some(&stack(ALT_SIZE, SigStackFlags::from_bits_retain(4)))) };
    check!(
        t,
        "sigaltstack_unknown_flag_einval_r61",
        bad.map(|_| ()),
        Err(Errno::EINVAL)
    );
    let raw_bad = {
        let ss = linux_raw_sys::general::stack_t {
            ss_sp: alt.cast(),
            ss_flags: 4,
            ss_size: ALT_SIZE as _,
        };
        // SAFETY: the kernel reads one stack_t, a live local, and refuses the flag.
        unsafe { sysrt::raw_syscall(Sysno::sigaltstack, &raw const ss as usize, 0, 0) }
    };
    check!(
        t,
        "sigaltstack_raw_bad_flag_einval_r61",
        raw_bad,
        Err(Errno::EINVAL)
    );
    // SAFETY: as above.
    let set = unsafe { signal::sigaltstack(Some(&stack(ALT_SIZE, SigStackFlags::empty()))) };
    check!(
        t,
        "sigaltstack_set_returns_old_disabled",
        set.map(|s| s.flags),
        Ok(SigStackFlags::DISABLE)
    );
    check!(
        t,
        "sigaltstack_current_is_ours",
        signal::sigaltstack_current().map(|s| (s.sp == alt, s.size, s.flags)),
        Ok((true, ALT_SIZE, SigStackFlags::empty()))
    );
    let on_alt = |addr: usize| (alt as usize..alt as usize + ALT_SIZE).contains(&addr);
    // SAFETY: `where_am_i` only stores into atomics and makes one syscall.
    let _ = unsafe {
        signal::sigaction(
            Signal::USR2,
            &SigAction::new(Handler::Plain(where_am_i)).with_flags(SaFlags::ONSTACK),
        )
    };
    check!(
        t,
        "onstack_handler_runs_on_alt_stack_r61",
        (
            signal::raise(Signal::USR2),
            on_alt(LOCAL_AT.load(SeqCst)),
            ALT_FLAGS.load(SeqCst)
        ),
        (Ok(()), true, SigStackFlags::ONSTACK.bits())
    );
    // SAFETY: as above.
    let _ = unsafe { signal::sigaction(Signal::USR2, &SigAction::new(Handler::Plain(where_am_i))) };
    check!(
        t,
        "handler_without_onstack_on_normal_stack",
        (
            signal::raise(Signal::USR2),
            on_alt(LOCAL_AT.load(SeqCst)),
            ALT_FLAGS.load(SeqCst)
        ),
        (Ok(()), false, 0)
    );
    let _ = signal::reset(Signal::USR2);
    check!(
        t,
        "sigaltstack_disable_returns_ours",
        (
            signal::sigaltstack_disable().map(|s| (s.sp == alt, s.size)),
            signal::sigaltstack_current().map(|s| s.flags)
        ),
        (Ok((true, ALT_SIZE)), Ok(SigStackFlags::DISABLE))
    );
    check!(
        t,
        "sigbus_siginfo_addr_on_alt_stack",
        spawn_child(fault_child).and_then(child::wait),
        Ok(Status::Exited(0))
    );

    check!(
        t,
        "nothing_handled_at_end",
        (signal::handled(), signal::sigpending()),
        (SigSet::EMPTY, Ok(SigSet::EMPTY))
    );
    check!(
        t,
        "no_child_left_unreaped",
        child::no_child_left(),
        Err(Errno::ECHILD)
    );
    let _ = me;
    baseline.check(&mut t);
    t.finish()
}

sysrt_rt::main!(main);
