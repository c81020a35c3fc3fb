//! The memory calls that are not about one's own mappings: membarrier (query, registration,
//! the EPERM before it), memfd_secret (mapped, written, read back; read(2) refused), and
//! process_vm_readv/writev on this process and on a forked child, with their error cases.
#![no_std]
#![no_main]

use sysrt::io::{self, IoSlice, IoSliceMut};
use sysrt::mm::{self, MembarrierCommand as Cmd, MmapOptions, RemoteIoVec, Sharing};
use sysrt::process::{Pid, getpid};
use sysrt::{Errno, Sysno};
use sysrt_tests::child::wait;
use sysrt_tests::fault::{Status, in_child};
use sysrt_tests::util::{
    FdBaseline, NOBODY, cloexec, kernel_older_than, raw_pipe, read_some, under_qemu,
};
use sysrt_tests::{Tests, check};

const PLAN: usize = 19;

/// The bit a command has in `MEMBARRIER_CMD_QUERY`'s mask.
fn bit(c: Cmd) -> u32 {
    c as u32
}

fn membarrier_cases(t: &mut Tests) {
    let names = [
        "membarrier_query_lists_private_expedited",
        "membarrier_private_expedited_unregistered_eperm",
        "membarrier_register_then_private_expedited_ok",
        "membarrier_get_registrations_has_private_expedited",
        "membarrier_global_ok",
        "membarrier_cpu_flag_with_global_einval",
        "membarrier_unknown_command_raw_einval",
    ];
    let query = mm::membarrier(Cmd::Query);
    if under_qemu() && query == Err(Errno::ENOSYS) {
        for n in names {
            t.skip(n, "QEMU 7.2 does not emulate membarrier (ENOSYS)");
        }
        return;
    }
    let want = bit(Cmd::PrivateExpedited) | bit(Cmd::RegisterPrivateExpedited);
    check!(t, names[0], query.map(|m| m & want), Ok(want));
    check!(
        t,
        names[1],
        mm::membarrier(Cmd::PrivateExpedited),
        Err(Errno::EPERM)
    );
    check!(
        t,
        names[2],
        (
            mm::membarrier(Cmd::RegisterPrivateExpedited),
            mm::membarrier(Cmd::PrivateExpedited)
        ),
        (Ok(0), Ok(0))
    );
    let reg = bit(Cmd::RegisterPrivateExpedited);
    // MEMBARRIER_CMD_GET_REGISTRATIONS arrived in Linux 6.3: an older kernel refuses the
    // unknown command with EINVAL (seen on the 6.1 guests).
    check!(
        t,
        names[3],
        mm::membarrier(Cmd::GetRegistrations).map(|m| m & reg),
        if kernel_older_than(6, 3) {
            Err(Errno::EINVAL)
        } else {
            Ok(reg)
        }
    );
    check!(t, names[4], mm::membarrier(Cmd::Global), Ok(0));
    check!(
        t,
        names[5],
        mm::membarrier_cpu(Cmd::Global, 0),
        Err(Errno::EINVAL)
    );
    // SAFETY: membarrier takes integers only; an unknown command fails.
    let r = unsafe { sysrt::raw_syscall(Sysno::membarrier, 1 << 20, 0, 0) };
    check!(t, names[6], r, Err(Errno::EINVAL));
}

fn memfd_secret_cases(t: &mut Tests) {
    let names = [
        "memfd_secret_cloexec_map_write_read_back",
        "memfd_secret_read_syscall_einval",
    ];
    let fd = mm::memfd_secret();
    let reason = if under_qemu() {
        "QEMU 7.2 does not emulate memfd_secret (ENOSYS)"
    } else {
        "this kernel has no memfd_secret (CONFIG_SECRETMEM off, or secretmem.enable=0)"
    };
    let fd = match fd {
        Err(Errno::ENOSYS) => {
            for n in names {
                t.skip(n, reason);
            }
            return;
        }
        other => other,
    };
    let ps = mm::page_size();
    let r = fd.as_ref().map_err(|e| *e).and_then(|fd| {
        let cloexec = cloexec(fd)?;
        io::ftruncate(fd, ps as u64)?;
        // SAFETY: the secret file is this program's alone (no other fd, no other process
        // maps it), so nothing changes it behind the mapping's views.
        let mut m = unsafe { MmapOptions::new(ps).map_mut(fd, Sharing::Shared) }?;
        m[..6].copy_from_slice(b"secret");
        m[ps - 1] = 9;
        Ok((cloexec, *b"secret" == m[..6], m[ps - 1]))
    });
    check!(t, names[0], r, Ok((true, true, 9)));
    let mut buf = [0u8; 4];
    check!(
        t,
        names[1],
        fd.and_then(|fd| io::read(&fd, &mut buf)),
        Err(Errno::EINVAL)
    );
}

fn process_vm_cases(t: &mut Tests) {
    let names = [
        "process_vm_readv_own_memory",
        "process_vm_readv_child_sees_childs_copy",
        "process_vm_writev_into_child_child_sees_it",
        "process_vm_readv_two_ranges_second_unmapped_short",
        "process_vm_readv_unmapped_remote_efault",
        "process_vm_readv_no_such_pid_esrch",
        "process_vm_readv_pid_1_as_nobody_eperm",
    ];
    let ps = mm::page_size();
    let source = *b"0123456789abcdef";
    let mut dest = [0u8; 16];
    let remote = [RemoteIoVec::new(source.as_ptr() as usize, source.len())];
    let r = mm::process_vm_readv(getpid(), &mut [IoSliceMut::new(&mut dest)], &remote);
    if under_qemu() && r == Err(Errno::ENOSYS) {
        for n in names {
            t.skip(
                n,
                "QEMU 7.2 does not emulate process_vm_readv/writev (ENOSYS)",
            );
        }
        return;
    }
    check!(t, names[0], (r, dest), (Ok(16usize), source));

    // A child changes its copy of `mark`, says so through a pipe, and waits; the parent reads
    // the child's copy, then writes into it, then lets the child check what it holds.
    let mut mark = *b"parent's copy...";
    let addr = mark.as_mut_ptr() as usize;
    let pipes = raw_pipe().and_then(|a| raw_pipe().map(|b| (a, b)));
    let Ok(((up_r, up_w), (down_r, down_w))) = pipes else {
        check!(t, names[1], pipes.map(drop), Ok(()));
        check!(t, names[2], false, true);
        return;
    };
    // SAFETY: the test program is single-threaded, so the child is a complete copy.
    let child = unsafe { sysrt::process::fork() };
    match child {
        Ok(None) => {
            // SAFETY: `addr` is this child's own copy of `mark`, written and read only through
            // volatile accesses while the parent writes into it with process_vm_writev.
            unsafe {
                for (i, &b) in b"child's copy!!!!".iter().enumerate() {
                    core::ptr::write_volatile((addr as *mut u8).add(i), b);
                }
            }
            let _ = io::write(&up_w, b"1");
            let mut one = [0u8; 1];
            let _ = read_some(&down_r, &mut one);
            let mut got = [0u8; 16];
            for (i, g) in got.iter_mut().enumerate() {
                // SAFETY: as above.
                *g = unsafe { core::ptr::read_volatile((addr as *const u8).add(i)) };
            }
            sysrt::process::exit_group(i32::from(got != *b"written by parnt"))
        }
        Ok(Some(pid)) => {
            let mut one = [0u8; 1];
            let _ = read_some(&up_r, &mut one);
            let mut seen = [0u8; 16];
            let remote = [RemoteIoVec::new(addr, 16)];
            let r = mm::process_vm_readv(pid, &mut [IoSliceMut::new(&mut seen)], &remote);
            check!(
                t,
                names[1],
                (r, &seen, &mark),
                (Ok(16usize), b"child's copy!!!!", b"parent's copy...")
            );
            // SAFETY: `pid` is a forked child, not this process: its memory is its own.
            let w = unsafe {
                mm::process_vm_writev(pid, &[IoSlice::new(b"written by parnt")], &remote)
            };
            let _ = io::write(&down_w, b"1");
            check!(
                t,
                names[2],
                (w, wait(pid)),
                (Ok(16usize), Ok(Status::Exited(0)))
            );
        }
        Err(e) => {
            check!(t, names[1], Err::<(), _>(e), Ok(()));
            check!(t, names[2], Err::<(), _>(e), Ok(()));
        }
    }

    // Two remote ranges, the second unmapped: the copy stops there (a short count).
    let mut dest = [0u8; 8];
    let remote = [
        RemoteIoVec::new(source.as_ptr() as usize, 4),
        RemoteIoVec::new(ps, 4), // never mapped
    ];
    check!(
        t,
        names[3],
        mm::process_vm_readv(getpid(), &mut [IoSliceMut::new(&mut dest)], &remote),
        Ok(4usize)
    );
    let remote = [RemoteIoVec::new(ps, 4)];
    check!(
        t,
        names[4],
        mm::process_vm_readv(getpid(), &mut [IoSliceMut::new(&mut dest)], &remote),
        Err(Errno::EFAULT)
    );
    // pid_max is at most 2^22, so this pid never exists.
    check!(
        t,
        names[5],
        mm::process_vm_readv(
            Pid::from_raw(i32::MAX),
            &mut [IoSliceMut::new(&mut dest)],
            &remote
        ),
        Err(Errno::ESRCH)
    );
    // A child that is entirely nobody (real, effective and saved ids) may not read init.
    let ended = in_child(|| {
        let n = NOBODY as usize;
        // SAFETY: setresgid/setresuid take integers only.
        let dropped = unsafe {
            sysrt::raw_syscall(Sysno::setresgid, n, n, n)
                .and_then(|_| sysrt::raw_syscall(Sysno::setresuid, n, n, n))
        };
        if dropped.is_err() {
            return 100;
        }
        let mut d = [0u8; 4];
        let remote = [RemoteIoVec::new(0x1000, 4)];
        match mm::process_vm_readv(Pid::from_raw(1), &mut [IoSliceMut::new(&mut d)], &remote) {
            Err(e) => i32::from(e.raw()),
            Ok(_) => 0,
        }
    });
    check!(
        t,
        names[6],
        ended,
        Ok(Status::Exited(Errno::EPERM.raw().into()))
    );
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();
    membarrier_cases(&mut t);
    memfd_secret_cases(&mut t);
    process_vm_cases(&mut t);
    sysrt_tests::child::check_no_child_left(&mut t);
    baseline.check(&mut t);
    t.finish()
}

sysrt_rt::main!(main);
