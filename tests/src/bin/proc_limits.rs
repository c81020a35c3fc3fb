//! Limits, priority and CPU affinity: getrlimit for every resource against
//! `/proc/self/limits`, setrlimit round trips with their effect, EINVAL (cur > max) and EPERM
//! (raising the hard limit without CAP_SYS_RESOURCE), prlimit on a child; getpriority and
//! setpriority against `/proc/thread-self/stat`, with the kernel's clamping and its
//! EACCES/EPERM/ESRCH cases; sched_getaffinity/sched_setaffinity against `Cpus_allowed_list`.
#![no_std]
#![no_main]

use core::fmt::Write;

use linux_raw_sys::general::F_DUPFD_CLOEXEC;
use sysrt::process::{
    self, Capabilities, Capability, CpuSet, Pid, PriorityWho, RLIM_INFINITY, Resource, Rlimit,
};
use sysrt::{Errno, Sysno, io};
use sysrt_tests::check::Buf;
use sysrt_tests::child::{
    Report, check_no_child_left, child_report, exit_with_byte_from, exited, fork_child,
    proc_status, reap, summary,
};
use sysrt_tests::util::{FdBaseline, NOBODY, file_contents, raw_pipe};
use sysrt_tests::{Tests, check};

const PLAN: usize = 30;

/// A report as `Result<&str>`, for comparing with `Ok(expected)`.
fn rep(r: &Result<Report, Errno>) -> Result<&str, Errno> {
    r.as_ref().map(|b| b.as_str()).map_err(|e| *e)
}

/// The (soft, hard) limits of `/proc/PID/limits` (`self` or a number), in resource order;
/// "unlimited" is [`RLIM_INFINITY`]. The kernel prints one line per resource, in the order of
/// the `RLIMIT_*` numbers, with the values in fixed columns (`%-25s %-20s %-20s`).
fn proc_limits(pid: &str) -> Option<[Rlimit; 16]> {
    let path = Buf::<64>::format(format_args!("/proc/{pid}/limits"));
    let mut buf = [0u8; 2048];
    let text = core::str::from_utf8(file_contents(path.as_str(), &mut buf).ok()?).ok()?;
    let value = |s: &str| match s.trim() {
        "unlimited" => Some(RLIM_INFINITY),
        n => n.parse().ok(),
    };
    let mut out = [Rlimit { cur: 0, max: 0 }; 16];
    let mut lines = text.lines().skip(1); // the header
    for slot in &mut out {
        let line = lines.next()?;
        *slot = Rlimit {
            cur: value(line.get(26..47)?)?,
            max: value(line.get(47..68)?)?,
        };
    }
    Some(out)
}

/// `fcntl(fd, F_DUPFD_CLOEXEC, min)` through the raw layer: fails with EINVAL when `min` is
/// at or above `RLIMIT_NOFILE`.
fn raw_dup_at(min: usize) -> Result<usize, Errno> {
    // SAFETY: F_DUPFD_CLOEXEC on fd 0 takes an integer and writes no memory; a new
    // descriptor, if any, is closed right away.
    let fd = unsafe { sysrt::raw_syscall(Sysno::fcntl, 0, F_DUPFD_CLOEXEC as usize, min) }?;
    // SAFETY: `fd` was just created and is ours alone.
    drop(unsafe { sysrt::fd::OwnedFd::from_raw_fd(fd as i32) });
    Ok(fd)
}

/// In a child: drops `cap` from the effective set (lowering it is always allowed).
fn drop_effective(cap: Capability) -> Result<(), Errno> {
    let c = process::capget(None)?;
    process::capset(&Capabilities {
        effective: c.effective.without(cap),
        ..c
    })
}

/// The nice value of the calling thread from `/proc/thread-self/stat` (field 19). Not
/// `/proc/self/stat`: qemu-user rewrites that file and reports 0 there.
fn proc_nice() -> Option<i32> {
    let mut buf = [0u8; 1024];
    let stat = file_contents("/proc/thread-self/stat", &mut buf).ok()?;
    let text = core::str::from_utf8(stat).ok()?;
    // Fields after the command name, which ends at the last ')': state is field 3.
    let rest = &text[text.rfind(')')? + 1..];
    rest.split_whitespace().nth(19 - 3)?.parse().ok()
}

/// A CPU list as the kernel prints it (`0-1,4`) as a set.
fn parse_cpu_list(list: &str) -> Option<CpuSet> {
    let mut set = CpuSet::new();
    for part in list.split(',').filter(|p| !p.is_empty()) {
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        for cpu in a.parse::<usize>().ok()?..=b.parse().ok()? {
            set.set(cpu);
        }
    }
    Some(set)
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();
    rlimits(&mut t);
    priority(&mut t);
    affinity(&mut t);
    baseline.check(&mut t);
    check_no_child_left(&mut t);
    t.finish()
}

fn rlimits(t: &mut Tests) {
    let mut all = [Rlimit { cur: 0, max: 0 }; 16];
    let mut err = Ok(());
    for (slot, r) in all.iter_mut().zip(Resource::ALL) {
        match process::getrlimit(r) {
            Ok(l) => *slot = l,
            Err(e) => err = Err(e),
        }
    }
    // The first resource whose limit differs (none, when all 16 agree).
    let listed = proc_limits("self");
    let mismatch = listed.map(|l| {
        (0..16)
            .find(|&i| l[i] != all[i])
            .map(|i| (Resource::ALL[i], all[i], l[i]))
    });
    check!(
        t,
        "getrlimit_every_resource_matches_proc_self_limits",
        (err, mismatch),
        (Ok(()), Some(None))
    );

    let Ok(orig) = process::getrlimit(Resource::Nofile) else {
        check!(t, "getrlimit_nofile", "failed", "ok");
        return;
    };
    let low = Rlimit {
        cur: 64,
        max: orig.max,
    };
    let old = process::prlimit(None, Resource::Nofile, Some(low));
    check!(
        t,
        "prlimit_lower_nofile_soft_returns_old_value",
        old,
        Ok(orig)
    );
    check!(
        t,
        "lowered_nofile_seen_by_getrlimit_and_proc_limits",
        (
            process::getrlimit(Resource::Nofile),
            proc_limits("self").map(|l| l[Resource::Nofile as usize])
        ),
        (Ok(low), Some(low))
    );
    check!(
        t,
        "lowered_nofile_refuses_fd_64_einval_allows_63",
        (raw_dup_at(64), raw_dup_at(63)),
        (Err(Errno::EINVAL), Ok(63))
    );
    check!(
        t,
        "setrlimit_restores_nofile",
        (
            process::setrlimit(Resource::Nofile, orig),
            process::getrlimit(Resource::Nofile)
        ),
        (Ok(()), Ok(orig))
    );
    let core = process::getrlimit(Resource::Core);
    check!(
        t,
        "setrlimit_cur_above_max_einval_limit_kept",
        (
            process::setrlimit(Resource::Core, Rlimit { cur: 2, max: 1 }),
            process::getrlimit(Resource::Core)
        ),
        (Err(Errno::EINVAL), core)
    );
    // Raising a hard limit needs CAP_SYS_RESOURCE: the child drops it from its effective set
    // (it may not even hold it), lowers the hard limit, then tries to raise it again.
    let got = child_report(|out| {
        let dropped = drop_effective(Capability::SYS_RESOURCE);
        let lower = process::setrlimit(Resource::Core, Rlimit { cur: 0, max: 1000 });
        let raise = process::setrlimit(Resource::Core, Rlimit { cur: 0, max: 2000 });
        let _ = write!(
            out,
            "{dropped:?} {lower:?} {raise:?} {:?}",
            process::getrlimit(Resource::Core)
        );
    });
    check!(
        t,
        "setrlimit_raise_hard_without_cap_sys_resource_eperm",
        rep(&got),
        Ok("Ok(()) Ok(()) Err(EPERM) Ok(Rlimit { cur: 0, max: 1000 })")
    );

    // prlimit on a child: the parent sets, reads back and sees it in /proc/PID/limits; the
    // child sees it through getrlimit and reports by its exit status.
    let Ok((r, w)) = raw_pipe() else {
        check!(t, "prlimit_pipe", "failed", "ok");
        return;
    };
    let child = fork_child(|| {
        let _ = exit_with_byte_from(r.as_fd());
        match process::getrlimit(Resource::Core) {
            Ok(Rlimit { cur: 0, max: 1000 }) => 0,
            _ => 1,
        }
    });
    match child {
        Ok(pid) => {
            let new = Rlimit { cur: 0, max: 1000 };
            let set = process::prlimit(Some(pid), Resource::Core, Some(new));
            let got = process::prlimit(Some(pid), Resource::Core, None);
            let num = Buf::<16>::format(format_args!("{pid}"));
            check!(
                t,
                "prlimit_on_child_set_then_read_and_proc_pid_limits",
                (
                    set.map(drop),
                    got,
                    proc_limits(num.as_str()).map(|l| l[Resource::Core as usize])
                ),
                (Ok(()), Ok(new), Some(new))
            );
            let _ = io::write(&w, &[0]);
            check!(
                t,
                "child_sees_limit_set_by_prlimit",
                reap(pid).map(summary),
                Ok(exited(0))
            );
        }
        Err(e) => {
            check!(
                t,
                "prlimit_on_child_set_then_read_and_proc_pid_limits",
                Err::<(), _>(e),
                Ok(())
            );
            t.skip("child_sees_limit_set_by_prlimit", "fork failed");
        }
    }
    check!(
        t,
        "prlimit_nonexistent_pid_esrch",
        process::prlimit(Some(Pid::from_raw(i32::MAX)), Resource::Core, None),
        Err(Errno::ESRCH)
    );
}

fn priority(t: &mut Tests) {
    let me = process::getpriority(PriorityWho::Process(None));
    check!(
        t,
        "getpriority_self_is_nice_of_proc_thread_self_stat",
        me.map(Some),
        Ok(proc_nice())
    );
    // SAFETY: getpriority takes integers and writes no memory.
    let raw = unsafe { sysrt::raw_syscall(Sysno::getpriority, 0, 0, 0) };
    check!(
        t,
        "getpriority_is_20_minus_raw_kernel_value",
        me,
        raw.map(|r| 20 - r as i32)
    );
    // The values below sit above the nice value the suite started with: an ordinary user
    // cannot lower it, and `nice -n 10 cargo xtask test` starts everything at 10.
    let base = me.unwrap_or(0).max(0);
    if base > 14 {
        for name in [
            "setpriority_raise_then_100_clamped_to_19",
            "setpriority_lower_without_cap_sys_nice_eacces",
            "setpriority_getpriority_prio_pgrp_own_group",
            "setpriority_of_child_read_back_by_parent",
            "child_sees_its_new_nice_value",
        ] {
            t.skip(
                name,
                "started above nice 14: no room to raise the nice value 4 times",
            );
        }
    } else {
        priority_changes(t, base);
    }
    priority_errors(t);
}

/// setpriority cases, each raising the nice value above `base` (the starting one, at most 14).
fn priority_changes(t: &mut Tests, base: i32) {
    let got = child_report(|out| {
        let set = process::setpriority(PriorityWho::Process(None), base + 1);
        let _ = write!(
            out,
            "{set:?} {:?} {:?}",
            process::getpriority(PriorityWho::Process(None)),
            proc_nice()
        );
        let clamp = process::setpriority(PriorityWho::Process(None), 100);
        let _ = write!(
            out,
            " {clamp:?} {:?}",
            process::getpriority(PriorityWho::Process(None))
        );
    });
    let want = Buf::<64>::format(format_args!(
        "Ok(()) Ok({0}) Some({0}) Ok(()) Ok(19)",
        base + 1
    ));
    check!(
        t,
        "setpriority_raise_then_100_clamped_to_19",
        rep(&got),
        Ok(want.as_str())
    );
    // Lowering the nice value needs CAP_SYS_NICE or room under RLIMIT_NICE.
    let nice_limit = process::getrlimit(Resource::Nice).map(|l| l.cur);
    if nice_limit == Ok(0) {
        let got = child_report(|out| {
            let dropped = drop_effective(Capability::SYS_NICE);
            let up = process::setpriority(PriorityWho::Process(None), base + 4);
            let down = process::setpriority(PriorityWho::Process(None), base + 3);
            let _ = write!(
                out,
                "{dropped:?} {up:?} {down:?} {:?}",
                process::getpriority(PriorityWho::Process(None))
            );
        });
        let want = Buf::<64>::format(format_args!("Ok(()) Ok(()) Err(EACCES) Ok({})", base + 4));
        check!(
            t,
            "setpriority_lower_without_cap_sys_nice_eacces",
            rep(&got),
            Ok(want.as_str())
        );
    } else {
        t.skip(
            "setpriority_lower_without_cap_sys_nice_eacces",
            "RLIMIT_NICE is not 0 here, so lowering the nice value is allowed",
        );
    }
    // A process group of its own: set and read through PRIO_PGRP.
    let got = child_report(|out| {
        let lead = process::setpgid(None, None);
        let set = process::setpriority(PriorityWho::ProcessGroup(None), base + 3);
        let me = process::getpgrp();
        let _ = write!(
            out,
            "{lead:?} {set:?} {:?} {:?}",
            process::getpriority(PriorityWho::ProcessGroup(None)),
            process::getpriority(PriorityWho::ProcessGroup(Some(me)))
        );
    });
    let want = Buf::<64>::format(format_args!("Ok(()) Ok(()) Ok({0}) Ok({0})", base + 3));
    check!(
        t,
        "setpriority_getpriority_prio_pgrp_own_group",
        rep(&got),
        Ok(want.as_str())
    );
    // The parent sets a child's nice value; the child reads it back.
    let Ok((r, w)) = raw_pipe() else {
        check!(t, "priority_pipe", "failed", "ok");
        return;
    };
    match fork_child(|| {
        let _ = exit_with_byte_from(r.as_fd());
        process::getpriority(PriorityWho::Process(None)).unwrap_or(-100)
    }) {
        Ok(pid) => {
            let set = process::setpriority(PriorityWho::Process(Some(pid)), base + 2);
            check!(
                t,
                "setpriority_of_child_read_back_by_parent",
                (set, process::getpriority(PriorityWho::Process(Some(pid)))),
                (Ok(()), Ok(base + 2))
            );
            let _ = io::write(&w, &[0]);
            check!(
                t,
                "child_sees_its_new_nice_value",
                reap(pid).map(summary),
                Ok(exited((base + 2) as u8))
            );
        }
        Err(e) => {
            check!(
                t,
                "setpriority_of_child_read_back_by_parent",
                Err::<(), _>(e),
                Ok(())
            );
            t.skip("child_sees_its_new_nice_value", "fork failed");
        }
    }
}

/// setpriority/getpriority errors: no such process or user, another user's process.
fn priority_errors(t: &mut Tests) {
    let nowhere = Pid::from_raw(i32::MAX);
    check!(
        t,
        "getpriority_setpriority_nonexistent_pid_esrch",
        (
            process::getpriority(PriorityWho::Process(Some(nowhere))),
            process::setpriority(PriorityWho::Process(Some(nowhere)), 1)
        ),
        (Err(Errno::ESRCH), Err(Errno::ESRCH))
    );
    check!(
        t,
        "getpriority_user_without_processes_esrch",
        process::getpriority(PriorityWho::User(Some(3_999_999))),
        Err(Errno::ESRCH)
    );
    // Another user's process: pid 1, from a child that is nobody.
    let init_uid = proc_ids_of("1");
    let root = process::geteuid() == 0;
    let me = if root { NOBODY } else { process::geteuid() };
    if init_uid.is_none_or(|u| u == me) {
        t.skip(
            "setpriority_other_users_process_eperm",
            "pid 1 is not visible or belongs to this user",
        );
    } else {
        let got = child_report(|out| {
            if root {
                let n = Some(NOBODY);
                if process::setresgid(n, n, n)
                    .and_then(|()| process::setresuid(n, n, n))
                    .is_err()
                {
                    let _ = write!(out, "drop failed");
                    return;
                }
            }
            let _ = write!(
                out,
                "{:?}",
                process::setpriority(PriorityWho::Process(Some(Pid::from_raw(1))), 19)
            );
        });
        check!(
            t,
            "setpriority_other_users_process_eperm",
            rep(&got),
            Ok("Err(EPERM)")
        );
    }
}

/// The real uid of process `pid` from `/proc/PID/status`.
fn proc_ids_of(pid: &str) -> Option<u32> {
    let path = Buf::<64>::format(format_args!("/proc/{pid}/status"));
    let mut buf = [0u8; 4096];
    let text = core::str::from_utf8(file_contents(path.as_str(), &mut buf).ok()?).ok()?;
    let line = text.lines().find_map(|l| l.strip_prefix("Uid:"))?;
    line.split_whitespace().next()?.parse().ok()
}

fn affinity(t: &mut Tests) {
    let mine = process::sched_getaffinity(None);
    let listed = proc_status("Cpus_allowed_list");
    check!(
        t,
        "sched_getaffinity_matches_cpus_allowed_list",
        mine.map(Some),
        Ok(listed.as_ref().and_then(|l| parse_cpu_list(l.as_str())))
    );
    let Ok(mine) = mine else { return };
    let first = mine.iter().next().unwrap_or(0);
    let got = child_report(|out| {
        let mut one = CpuSet::new();
        one.set(first);
        let set = process::sched_setaffinity(None, &one);
        let back = process::sched_getaffinity(None).map(|s| s == one);
        let listed = proc_status("Cpus_allowed_list");
        let _ = write!(
            out,
            "{set:?} {back:?} {:?}",
            listed.as_ref().map(|l| l.as_str())
        );
    });
    let expected = Buf::<64>::format(format_args!("Ok(()) Ok(true) Some(\"{first}\")"));
    check!(
        t,
        "sched_setaffinity_one_cpu_round_trip_in_child",
        rep(&got),
        Ok(expected.as_str())
    );
    check!(
        t,
        "sched_getaffinity_of_parent_unchanged",
        process::sched_getaffinity(None),
        Ok(mine)
    );
    check!(
        t,
        "sched_setaffinity_empty_set_einval",
        process::sched_setaffinity(None, &CpuSet::new()),
        Err(Errno::EINVAL)
    );
    let mut far = CpuSet::new();
    far.set(CpuSet::MAX_CPUS - 1);
    let far_ok = !mine.is_set(CpuSet::MAX_CPUS - 1);
    if far_ok {
        check!(
            t,
            "sched_setaffinity_only_cpu_1023_einval",
            process::sched_setaffinity(None, &far),
            Err(Errno::EINVAL)
        );
    } else {
        t.skip(
            "sched_setaffinity_only_cpu_1023_einval",
            "this machine has a CPU 1023",
        );
    }
    let nowhere = Some(Pid::from_raw(i32::MAX));
    check!(
        t,
        "sched_get_setaffinity_nonexistent_pid_esrch",
        (
            process::sched_getaffinity(nowhere),
            process::sched_setaffinity(nowhere, &mine)
        ),
        (Err(Errno::ESRCH), Err(Errno::ESRCH))
    );
    let Ok((r, w)) = raw_pipe() else { return };
    match fork_child(|| exit_with_byte_from(r.as_fd())) {
        Ok(pid) => {
            check!(
                t,
                "sched_getaffinity_of_child_equals_ours",
                process::sched_getaffinity(Some(pid)),
                Ok(mine)
            );
            let _ = io::write(&w, &[0]);
            let _ = reap(pid);
        }
        Err(e) => check!(
            t,
            "sched_getaffinity_of_child_equals_ours",
            Err::<(), _>(e),
            Ok(())
        ),
    }
    process::sched_yield();
}

sysrt_rt::main!(main);
