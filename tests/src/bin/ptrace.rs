//! ptrace: a forked child traced through one syscall (entry and exit stops), its registers
//! read and changed, its memory peeked and poked, single-stepped, its program counter moved,
//! and its exit reported as an event; then seize/interrupt/detach and attach/detach of
//! running children, and the error cases.
//!
//! qemu-user does not emulate ptrace for its guest (the call is `ENOSYS`), so under QEMU the
//! program checks exactly that and skips the rest, naming the reason.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicU64, Ordering::SeqCst};

use sysrt::process::{self, Pid, getpid};
use sysrt::ptrace::{self, Options, event};
use sysrt::signal::{self, Signal};
use sysrt::{Errno, Sysno};
use sysrt_tests::child::{self, Reported, Status, in_child, spawn_child};
use sysrt_tests::util::{FdBaseline, is_root, under_qemu};
use sysrt_tests::{Tests, check};

const PLAN: usize = 37;

/// A word the tracer reads in the child and overwrites (the child's copy only: fork copies
/// memory, so its address is the same in both).
static MAGIC: AtomicU64 = AtomicU64::new(0x5359_5352_5421_4d47);
const POKED: u64 = 0x0123_4567_89ab_cdef;
/// What the tracer makes the child's `getpid` return.
const FAKE_PID: u64 = 4242;

/// Where the tracer sends the child's program counter at its second stop.
extern "C" fn landing() -> ! {
    process::exit(43)
}

/// The traced child: stops itself, makes one `getpid` (traced), checks what the tracer did
/// to it, and stops again; it ends in `landing` only if the tracer moved its PC.
fn tracee() -> i32 {
    if ptrace::traceme().is_err() {
        return 100;
    }
    if signal::raise(Signal::STOP).is_err() {
        return 101;
    }
    if process::getpid().raw() as u64 != FAKE_PID {
        return 102;
    }
    if MAGIC.load(SeqCst) != POKED {
        return 103;
    }
    let _ = signal::raise(Signal::STOP);
    104
}

/// A child that sleeps until killed.
fn sleeper() -> i32 {
    loop {
        let _ = signal::pause();
    }
}

/// Every case of the native run, for the skip lines under QEMU.
const CASES: [&str; 33] = [
    "tracee_stops_itself_sigstop",
    "setoptions_sysgood_exitkill_traceexit",
    "syscall_entry_stop",
    "getregs_syscall_number_is_getpid",
    "peekdata_reads_the_childs_word",
    "pokedata_writes_the_childs_word",
    "parents_word_unchanged",
    "peek_data_unaligned_5_bytes",
    "poke_data_2_bytes_keeps_neighbours",
    "peektext_reads_the_code",
    "syscall_exit_stop",
    "getregs_return_value_is_real_pid",
    "setregs_changes_return_value",
    "cont_to_second_stop",
    "singlestep_moves_pc",
    "set_pc_sends_tracee_to_landing",
    "geteventmsg_is_exit_status",
    "tracee_exits_43_from_landing",
    "sleeper_started",
    "seize_running_child",
    "interrupt_gives_event_stop",
    "getregs_on_seized_stopped_child",
    "detach_seized_child",
    "detached_child_not_traced_esrch",
    "sleeper_killed",
    "attach_stops_with_sigstop",
    "detach_attached_child",
    "attached_sleeper_killed",
    "cont_not_a_tracee_esrch",
    "getregs_nonexistent_pid_esrch",
    "attach_to_self_eperm",
    "traceme_twice_eperm",
    "attach_to_root_process_as_nobody_eperm",
];

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();

    // Natively a child may ask to be traced; qemu-user refuses the call for its guest.
    let qemu = under_qemu();
    check!(
        t,
        "traceme_in_forked_child",
        in_child(ptrace::traceme),
        Reported::Returned(if qemu { Err(Errno::ENOSYS) } else { Ok(()) })
    );
    if qemu {
        for case in CASES {
            t.skip(case, "QEMU: ptrace of a guest is not emulated");
        }
    } else {
        traced_syscall(&mut t);
        seized_and_attached(&mut t);
        errors(&mut t);
    }
    check!(
        t,
        "no_child_left_unreaped",
        child::no_child_left(),
        Err(Errno::ECHILD)
    );
    baseline.check(&mut t);
    t.finish()
}

/// One traced child, from its first stop to its exit.
fn traced_syscall(t: &mut Tests) {
    let Ok(pid) = spawn_child(tracee) else {
        check!(t, "tracee_stops_itself_sigstop", "fork failed", "");
        return;
    };
    check!(
        t,
        "tracee_stops_itself_sigstop",
        child::wait(pid),
        Ok(Status::stopped(Signal::STOP))
    );
    check!(
        t,
        "setoptions_sysgood_exitkill_traceexit",
        ptrace::setoptions(
            pid,
            Options::TRACESYSGOOD | Options::EXITKILL | Options::TRACEEXIT
        ),
        Ok(())
    );

    // Syscall entry: the number register, and the child's memory.
    check!(
        t,
        "syscall_entry_stop",
        (ptrace::syscall(pid, None), child::wait(pid)),
        (Ok(()), Ok(Status::SyscallStop))
    );
    check!(
        t,
        "getregs_syscall_number_is_getpid",
        ptrace::getregs(pid).map(|r| r.syscall_number()),
        Ok(u64::from(Sysno::getpid.raw()))
    );
    let addr = MAGIC.as_ptr() as usize;
    let original = MAGIC.load(SeqCst);
    check!(
        t,
        "peekdata_reads_the_childs_word",
        ptrace::peekdata(pid, addr).map(|w| w as u64),
        Ok(original)
    );
    // SAFETY: the child is a fork (no memory shared with us); `addr` is its copy of MAGIC.
    let poked = unsafe { ptrace::pokedata(pid, addr, POKED as usize) };
    check!(
        t,
        "pokedata_writes_the_childs_word",
        (poked, ptrace::peekdata(pid, addr).map(|w| w as u64)),
        (Ok(()), Ok(POKED))
    );
    check!(t, "parents_word_unchanged", MAGIC.load(SeqCst), original);
    let mut five = [0u8; 5];
    let expected: [u8; 5] = {
        let b = POKED.to_ne_bytes();
        [b[1], b[2], b[3], b[4], b[5]]
    };
    check!(
        t,
        "peek_data_unaligned_5_bytes",
        (ptrace::peek_data(pid, addr + 1, &mut five), five),
        (Ok(5), expected)
    );
    // SAFETY: as above.
    let two = unsafe { ptrace::poke_data(pid, addr + 2, &[0xaa, 0xbb]) };
    let mut patched = POKED.to_ne_bytes();
    patched[2] = 0xaa;
    patched[3] = 0xbb;
    let after = ptrace::peekdata(pid, addr).map(|w| w as u64);
    // SAFETY: as above; puts the whole word back for the child's check.
    let restored = unsafe { ptrace::pokedata(pid, addr, POKED as usize) };
    check!(
        t,
        "poke_data_2_bytes_keeps_neighbours",
        (two, after, restored),
        (Ok(2), Ok(u64::from_ne_bytes(patched)), Ok(()))
    );
    let code = landing as extern "C" fn() -> ! as usize;
    let mut ours = [0u8; 8];
    // The child runs the same binary, so its code bytes are ours: read ours through the raw
    // layer (process_vm_readv of ourselves would need ptrace rights too).
    let ours_ok = sysrt::fs::open(
        "/proc/self/mem",
        sysrt::fs::OFlags::RDONLY,
        sysrt::fs::Mode::empty(),
    )
    .and_then(|f| sysrt::io::pread(&f, &mut ours, code as u64));
    check!(
        t,
        "peektext_reads_the_code",
        (ours_ok, ptrace::peektext(pid, code).map(usize::to_ne_bytes)),
        (Ok(8), Ok(ours))
    );

    // Syscall exit: the result register, changed.
    check!(
        t,
        "syscall_exit_stop",
        (ptrace::syscall(pid, None), child::wait(pid)),
        (Ok(()), Ok(Status::SyscallStop))
    );
    let regs = ptrace::getregs(pid);
    check!(
        t,
        "getregs_return_value_is_real_pid",
        regs.map(|r| r.return_value()),
        Ok(pid.raw() as u64)
    );
    let set = regs.and_then(|mut r| {
        r.set_return_value(FAKE_PID);
        // SAFETY: the child shares no memory with us; it only sees another getpid result.
        unsafe { ptrace::setregs(pid, &r) }
    });
    check!(
        t,
        "setregs_changes_return_value",
        (set, ptrace::getregs(pid).map(|r| r.return_value())),
        (Ok(()), Ok(FAKE_PID))
    );

    // Second stop: step one instruction, then move the PC.
    check!(
        t,
        "cont_to_second_stop",
        (ptrace::cont(pid, None), child::wait(pid)),
        (Ok(()), Ok(Status::stopped(Signal::STOP)))
    );
    let pc = ptrace::getregs(pid).map(|r| r.pc());
    let step = ptrace::singlestep(pid, None);
    if sysrt_arch::ARCH == "riscv64" {
        // No user-mode single-step on RISC-V: the kernel refuses.
        check!(t, "singlestep_moves_pc", step, Err(Errno::EIO));
    } else {
        let stopped = child::wait(pid);
        let moved = ptrace::getregs(pid).map(|r| r.pc());
        check!(
            t,
            "singlestep_moves_pc",
            (step, stopped, moved != pc && moved.is_ok()),
            (Ok(()), Ok(Status::stopped(Signal::TRAP)), true)
        );
    }
    let moved = ptrace::getregs(pid).and_then(|mut r| {
        r.set_pc(code as u64);
        // SAFETY: the child shares no memory with us; `landing` is in its copy of our code.
        unsafe { ptrace::setregs(pid, &r) }
    });
    check!(
        t,
        "set_pc_sends_tracee_to_landing",
        (moved, ptrace::cont(pid, None), child::wait(pid)),
        (
            Ok(()),
            Ok(()),
            Ok(Status::Stopped(Signal::TRAP.raw(), event::EXIT))
        )
    );
    check!(
        t,
        "geteventmsg_is_exit_status",
        ptrace::geteventmsg(pid),
        Ok(43 << 8)
    );
    check!(
        t,
        "tracee_exits_43_from_landing",
        (ptrace::cont(pid, None), child::wait(pid)),
        (Ok(()), Ok(Status::Exited(43)))
    );
}

/// Tracing a running child: seize/interrupt/detach, then attach/detach.
fn seized_and_attached(t: &mut Tests) {
    let pid = spawn_child(sleeper);
    check!(t, "sleeper_started", pid.map(|_| ()), Ok(()));
    let Ok(pid) = pid else { return };
    check!(
        t,
        "seize_running_child",
        ptrace::seize(pid, Options::EXITKILL),
        Ok(())
    );
    check!(
        t,
        "interrupt_gives_event_stop",
        (ptrace::interrupt(pid), child::wait(pid)),
        (Ok(()), Ok(Status::Stopped(Signal::TRAP.raw(), event::STOP)))
    );
    check!(
        t,
        "getregs_on_seized_stopped_child",
        ptrace::getregs(pid).map(|r| r.stack_pointer() != 0),
        Ok(true)
    );
    check!(t, "detach_seized_child", ptrace::detach(pid, None), Ok(()));
    check!(
        t,
        "detached_child_not_traced_esrch",
        ptrace::getregs(pid).map(|_| ()),
        Err(Errno::ESRCH)
    );
    check!(
        t,
        "sleeper_killed",
        (signal::kill(pid, Signal::KILL), child::wait(pid)),
        (Ok(()), Ok(Status::signaled(Signal::KILL)))
    );

    let Ok(pid) = spawn_child(sleeper) else {
        check!(t, "attach_stops_with_sigstop", "fork failed", "");
        return;
    };
    check!(
        t,
        "attach_stops_with_sigstop",
        (ptrace::attach(pid), child::wait(pid)),
        (Ok(()), Ok(Status::stopped(Signal::STOP)))
    );
    check!(
        t,
        "detach_attached_child",
        ptrace::detach(pid, None),
        Ok(())
    );
    check!(
        t,
        "attached_sleeper_killed",
        (signal::kill(pid, Signal::KILL), child::wait(pid)),
        (Ok(()), Ok(Status::signaled(Signal::KILL)))
    );
}

fn errors(t: &mut Tests) {
    check!(
        t,
        "cont_not_a_tracee_esrch",
        ptrace::cont(Pid::from_raw(1), None),
        Err(Errno::ESRCH)
    );
    check!(
        t,
        "getregs_nonexistent_pid_esrch",
        ptrace::getregs(Pid::from_raw(i32::MAX)).map(|_| ()),
        Err(Errno::ESRCH)
    );
    check!(
        t,
        "attach_to_self_eperm",
        ptrace::attach(getpid()),
        Err(Errno::EPERM)
    );
    check!(
        t,
        "traceme_twice_eperm",
        in_child(|| ptrace::traceme().and_then(|()| ptrace::traceme())),
        Reported::Returned(Err(Errno::EPERM))
    );
    if is_root() {
        let parent = getpid();
        check!(
            t,
            "attach_to_root_process_as_nobody_eperm",
            in_child(|| {
                child::become_nobody().map_err(|_| Errno::from_raw(200))?;
                ptrace::attach(parent)
            }),
            Reported::Returned(Err(Errno::EPERM))
        );
    } else {
        check!(
            t,
            "attach_to_root_process_as_nobody_eperm",
            ptrace::attach(Pid::from_raw(1)),
            Err(Errno::EPERM)
        );
    }
}

sysrt_rt::main!(main);
