//! Identity and sessions: user and group IDs (real, effective, saved, filesystem) and
//! supplementary groups, checked against `/proc/self/status`; their EPERM/EINVAL cases as
//! `nobody` (65534) in a child; sessions and process groups; the prctl subset (name,
//! parent-death signal with a child subreaper, no_new_privs, dumpable, keep-caps, bounding
//! set, ambient set); capget/capset; unshare and setns.
//!
//! Everything that changes credentials, namespaces or irreversible flags runs in a forked
//! child, which reports what it saw through a pipe.
#![no_std]
#![no_main]

use core::fmt::Write;

use sysrt::Errno;
use sysrt::fs::{self, Mode, OFlags};
use sysrt::process::{
    self, CapSet, Capabilities, Capability, Dumpable, NamespaceType, Pid, UnshareFlags,
    WaitOptions, WaitTarget,
};
use sysrt::signal::Signal;
use sysrt_tests::check::Buf;
use sysrt_tests::child::{
    Report, check_no_child_left, child_report, exit_with_byte_from, exited, fork_child,
    kill_and_reap, killed, poll_wait4, proc_caps, proc_ids, proc_status, reap, summary,
};
use sysrt_tests::util::{FdBaseline, NOBODY, file_contents, ids_of_self, raw_pipe, under_qemu};
use sysrt_tests::{Tests, check};

const PLAN: usize = 58;

/// Whether the effective set holds `cap` (so a privileged case can run).
fn has_cap(cap: Capability) -> bool {
    process::capget(None).is_ok_and(|c| c.effective.contains(cap))
}

/// Text from formatting `args`, for expected values.
fn text(args: core::fmt::Arguments<'_>) -> Buf<512> {
    Buf::format(args)
}

/// A report as `Result<&str>`, for comparing with `Ok(expected.as_str())`.
fn rep(r: &Result<Report, Errno>) -> Result<&str, Errno> {
    r.as_ref().map(|b| b.as_str()).map_err(|e| *e)
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();

    ids_read(&mut t);
    ids_refused(&mut t);
    ids_as_root(&mut t);
    sessions(&mut t);
    prctl_cases(&mut t);
    subreaper_and_pdeathsig(&mut t);
    caps(&mut t);
    namespaces(&mut t);

    baseline.check(&mut t);
    check_no_child_left(&mut t);
    t.finish()
}

/// The get calls against the raw layer and `/proc/self/status`.
fn ids_read(t: &mut Tests) {
    let ids = (
        process::getuid() as usize,
        process::geteuid() as usize,
        process::getgid() as usize,
        process::getegid() as usize,
    );
    check!(
        t,
        "getuid_geteuid_getgid_getegid_match_raw",
        ids,
        ids_of_self()
    );
    let uid = proc_ids("Uid");
    check!(
        t,
        "getresuid_matches_proc_status_uid",
        process::getresuid().map(|(r, e, s)| Some([r, e, s])),
        Ok(uid.map(|u| [u[0], u[1], u[2]]))
    );
    let gid = proc_ids("Gid");
    check!(
        t,
        "getresgid_matches_proc_status_gid",
        process::getresgid().map(|(r, e, s)| Some([r, e, s])),
        Ok(gid.map(|g| [g[0], g[1], g[2]]))
    );
    let mut groups = [0u32; 64];
    let n = process::getgroups(&mut groups);
    let mut listed = Buf::<256>::new();
    for (i, g) in groups.iter().take(*n.as_ref().unwrap_or(&0)).enumerate() {
        let _ = write!(listed, "{}{g}", if i == 0 { "" } else { " " });
    }
    check!(
        t,
        "getgroups_matches_proc_status_groups",
        (n, Some(listed.as_str())),
        (n, proc_status("Groups").as_ref().map(|b| b.as_str()))
    );
    check!(
        t,
        "getgroups_empty_slice_returns_count",
        process::getgroups(&mut []),
        n
    );
    check!(
        t,
        "getpgrp_equals_getpgid_none",
        process::getpgid(None),
        Ok(process::getpgrp())
    );
}

/// Refusals every user gets: IDs that cannot be passed, and privileged changes as nobody.
fn ids_refused(t: &mut Tests) {
    let before = process::getresuid();
    check!(
        t,
        "setresuid_some_u32_max_einval_before_syscall",
        (
            process::setresuid(Some(u32::MAX), None, None),
            process::getresuid()
        ),
        (Err(Errno::EINVAL), before)
    );
    check!(
        t,
        "setreuid_setregid_some_u32_max_einval",
        (
            process::setreuid(None, Some(u32::MAX)),
            process::setregid(Some(u32::MAX), None)
        ),
        (Err(Errno::EINVAL), Err(Errno::EINVAL))
    );
    check!(
        t,
        "setuid_setgid_u32_max_invalid_id_einval",
        (process::setuid(u32::MAX), process::setgid(u32::MAX)),
        (Err(Errno::EINVAL), Err(Errno::EINVAL))
    );
    let big = [0u32; process::NGROUPS_MAX + 1];
    check!(
        t,
        "setgroups_more_than_ngroups_max_einval",
        process::setgroups(&big),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "setuid_to_own_uid_ok",
        process::setuid(process::getuid()),
        Ok(())
    );

    // As nobody: a root run drops to 65534 in the child; another user is unprivileged already.
    let root = has_cap(Capability::SETUID) && has_cap(Capability::SETGID);
    let me = if root { NOBODY } else { process::getuid() };
    let got = child_report(|out| {
        if root {
            let n = Some(NOBODY);
            let dropped = process::setgroups(&[])
                .and_then(|()| process::setresgid(n, n, n))
                .and_then(|()| process::setresuid(n, n, n));
            if dropped.is_err() {
                let _ = write!(out, "drop failed: {dropped:?}");
                return;
            }
        }
        let _ = write!(
            out,
            "{:?} {:?} {:?} {:?} {:?}",
            process::setuid(0),
            process::setgid(0),
            process::setgroups(&[0]),
            process::setresuid(Some(0), None, None),
            process::seteuid(0)
        );
        let prev = process::setfsuid(0);
        let now = process::setfsuid(u32::MAX);
        let _ = write!(
            out,
            " | fsuid {prev} {now} {:?}",
            proc_ids("Uid").map(|u| u[3])
        );
        let _ = write!(
            out,
            " | {:?} {:?}",
            process::pr_capbset_drop(Capability::NET_RAW),
            process::unshare(UnshareFlags::NEWUTS)
        );
    });
    let eperm = "Err(EPERM)";
    let expected = text(format_args!(
        "{eperm} {eperm} {eperm} {eperm} {eperm} | fsuid {me} {me} Some({me}) | {eperm} {eperm}"
    ));
    check!(
        t,
        "as_nobody_id_changes_capbset_drop_unshare_eperm_setfsuid_ignored",
        rep(&got),
        Ok(expected.as_str())
    );
}

/// Round trips that need CAP_SETUID/CAP_SETGID, each in a fresh child.
fn ids_as_root(t: &mut Tests) {
    const CASES: [&str; 9] = [
        "setgroups_1_2_3_getgroups_and_proc_status",
        "setresgid_setresuid_round_trip_proc_status",
        "setreuid_saved_id_rules",
        "setregid_saved_id_rules",
        "setuid_as_root_sets_all_three",
        "setgid_as_root_sets_all_three",
        "seteuid_setegid_change_only_effective",
        "setfsuid_returns_previous_follows_euid",
        "setfsgid_returns_previous_follows_egid",
    ];
    if !(has_cap(Capability::SETUID) && has_cap(Capability::SETGID)) {
        for c in CASES {
            t.skip(c, "needs CAP_SETUID and CAP_SETGID (root)");
        }
        return;
    }
    let got = child_report(|out| {
        let set = process::setgroups(&[1, 2, 3]);
        let mut buf = [0u32; 8];
        let n = process::getgroups(&mut buf);
        let short = process::getgroups(&mut [0u32; 2]);
        let list = proc_status("Groups");
        let _ = write!(
            out,
            "{set:?} {n:?} {:?} {short:?} {:?}",
            &buf[..3],
            list.as_ref().map(|b| b.as_str())
        );
    });
    check!(
        t,
        CASES[0],
        rep(&got),
        Ok("Ok(()) Ok(3) [1, 2, 3] Err(EINVAL) Some(\"1 2 3\")")
    );
    let got = child_report(|out| {
        let g = process::setresgid(Some(1), Some(2), Some(3));
        let u = process::setresuid(Some(4), Some(5), Some(0));
        let _ = write!(
            out,
            "{g:?} {:?} {:?} {u:?} {:?} {:?}",
            process::getresgid(),
            proc_ids("Gid"),
            process::getresuid(),
            proc_ids("Uid")
        );
        // The saved uid is 0, so the effective one may return to it without privilege.
        let back = process::setresuid(None, Some(0), None);
        let _ = write!(out, " {back:?} {:?}", process::getresuid());
    });
    check!(
        t,
        CASES[1],
        rep(&got),
        Ok(
            "Ok(()) Ok((1, 2, 3)) Some([1, 2, 3, 2]) Ok(()) Ok((4, 5, 0)) Some([4, 5, 0, 5]) \
            Ok(()) Ok((4, 0, 0))"
        )
    );
    let nb = NOBODY;
    let got = child_report(|out| {
        let a = process::setreuid(Some(nb), None);
        let ids_a = process::getresuid();
        let b = process::setreuid(None, Some(nb));
        let ids_b = process::getresuid();
        let c = process::seteuid(0);
        let _ = write!(
            out,
            "{a:?} {ids_a:?} {b:?} {ids_b:?} {c:?} {:?}",
            process::getresuid()
        );
    });
    let expected = text(format_args!(
        "Ok(()) Ok(({nb}, 0, 0)) Ok(()) Ok(({nb}, {nb}, 0)) Ok(()) Ok(({nb}, 0, 0))"
    ));
    check!(t, CASES[2], rep(&got), Ok(expected.as_str()));
    let got = child_report(|out| {
        let a = process::setregid(Some(nb), None);
        let ids_a = process::getresgid();
        let b = process::setregid(None, Some(nb));
        let _ = write!(out, "{a:?} {ids_a:?} {b:?} {:?}", process::getresgid());
    });
    let expected = text(format_args!(
        "Ok(()) Ok(({nb}, 0, 0)) Ok(()) Ok(({nb}, {nb}, 0))"
    ));
    check!(t, CASES[3], rep(&got), Ok(expected.as_str()));
    let got = child_report(|out| {
        let r = process::setuid(nb);
        let _ = write!(
            out,
            "{r:?} {:?} {:?}",
            process::getresuid(),
            process::setuid(0)
        );
    });
    let expected = text(format_args!("Ok(()) Ok(({nb}, {nb}, {nb})) Err(EPERM)"));
    check!(t, CASES[4], rep(&got), Ok(expected.as_str()));
    let got = child_report(|out| {
        let r = process::setgid(nb);
        let _ = write!(out, "{r:?} {:?}", process::getresgid());
    });
    let expected = text(format_args!("Ok(()) Ok(({nb}, {nb}, {nb}))"));
    check!(t, CASES[5], rep(&got), Ok(expected.as_str()));
    let got = child_report(|out| {
        let g = process::setegid(nb);
        let u = process::seteuid(nb);
        let ids = (process::getresgid(), process::getresuid());
        let back = process::seteuid(0);
        let _ = write!(
            out,
            "{g:?} {u:?} {ids:?} {back:?} {:?}",
            process::getresuid()
        );
    });
    let expected = text(format_args!(
        "Ok(()) Ok(()) (Ok((0, {nb}, 0)), Ok((0, {nb}, 0))) Ok(()) Ok((0, 0, 0))"
    ));
    check!(t, CASES[6], rep(&got), Ok(expected.as_str()));
    let got = child_report(|out| {
        let a = process::setfsuid(nb);
        let b = process::setfsuid(u32::MAX);
        let fs_a = proc_ids("Uid").map(|u| u[3]);
        let c = process::setfsuid(0);
        let e = process::seteuid(1000);
        let d = process::setfsuid(u32::MAX);
        let _ = write!(out, "{a} {b} {fs_a:?} {c} {e:?} {d}");
    });
    let expected = text(format_args!("0 {nb} Some({nb}) {nb} Ok(()) 1000"));
    check!(t, CASES[7], rep(&got), Ok(expected.as_str()));
    let got = child_report(|out| {
        let a = process::setfsgid(nb);
        let b = process::setfsgid(u32::MAX);
        let fs_a = proc_ids("Gid").map(|g| g[3]);
        let e = process::setegid(1000);
        let d = process::setfsgid(u32::MAX);
        let _ = write!(out, "{a} {b} {fs_a:?} {e:?} {d}");
    });
    let expected = text(format_args!("0 {nb} Some({nb}) Ok(()) 1000"));
    check!(t, CASES[8], rep(&got), Ok(expected.as_str()));
}

/// The innermost (last) number of a `NSpgid:`/`NSsid:` line of `/proc/self/status`. (Not
/// `/proc/self/stat`: qemu-user rewrites that file and reports 0 for both.)
fn proc_ns_id(name: &str) -> Option<i32> {
    proc_status(name)?
        .as_str()
        .split_whitespace()
        .last()?
        .parse()
        .ok()
}

fn sessions(t: &mut Tests) {
    check!(
        t,
        "getpgrp_matches_proc_status_nspgid",
        Some(process::getpgrp().raw()),
        proc_ns_id("NSpgid")
    );
    check!(
        t,
        "getsid_none_matches_proc_status_nssid",
        process::getsid(None).map(|p| Some(p.raw())),
        Ok(proc_ns_id("NSsid"))
    );
    let nowhere = Some(Pid::from_raw(i32::MAX));
    check!(
        t,
        "getpgid_getsid_nonexistent_pid_esrch",
        (process::getpgid(nowhere), process::getsid(nowhere)),
        (Err(Errno::ESRCH), Err(Errno::ESRCH))
    );
    check!(
        t,
        "setpgid_not_our_child_pid_1_esrch",
        process::setpgid(Some(Pid::from_raw(1)), None),
        Err(Errno::ESRCH)
    );
    check!(
        t,
        "setpgid_negative_pgid_einval",
        process::setpgid(None, Some(Pid::from_raw(-1))),
        Err(Errno::EINVAL)
    );
    let got = child_report(|out| {
        let me = process::getpid();
        let sid = process::setsid();
        let _ = write!(
            out,
            "{} {} {} {:?} {:?}",
            sid == Ok(me),
            process::getsid(None) == Ok(me),
            process::getpgrp() == me,
            process::setsid(),
            process::setpgid(None, None)
        );
    });
    check!(
        t,
        "setsid_in_child_new_session_and_group_then_eperm_twice",
        rep(&got),
        Ok("true true true Err(EPERM) Err(EPERM)")
    );
    let got = child_report(|out| {
        let lead = process::setpgid(None, None);
        let _ = write!(out, "{lead:?} {:?}", process::setsid());
    });
    check!(
        t,
        "setsid_as_process_group_leader_eperm",
        rep(&got),
        Ok("Ok(()) Err(EPERM)")
    );

    // The parent moves a running child into a group of its own; both sides see it.
    let Ok((r, w)) = raw_pipe() else {
        check!(t, "sessions_pipe", "failed", "ok");
        return;
    };
    let child = fork_child(|| {
        let _ = exit_with_byte_from(r.as_fd());
        i32::from(process::getpgrp() != process::getpid())
    });
    match child {
        Ok(pid) => {
            let moved = process::setpgid(Some(pid), None);
            check!(
                t,
                "setpgid_child_into_own_group_seen_by_parent",
                (moved, process::getpgid(Some(pid))),
                (Ok(()), Ok(pid))
            );
            check!(
                t,
                "getsid_of_child_is_our_session",
                process::getsid(Some(pid)),
                process::getsid(None)
            );
            let _ = sysrt::io::write(&w, &[0]);
            check!(
                t,
                "child_sees_itself_group_leader",
                reap(pid).map(summary),
                Ok(exited(0))
            );
        }
        Err(e) => {
            check!(
                t,
                "setpgid_child_into_own_group_seen_by_parent",
                Err::<(), _>(e),
                Ok(())
            );
            t.skip("getsid_of_child_is_our_session", "fork failed");
            t.skip("child_sees_itself_group_leader", "fork failed");
        }
    }
}

fn prctl_cases(t: &mut Tests) {
    // The name: set, read back (and through /proc/self/comm), truncated, refused; restored.
    let orig = process::pr_get_name();
    let mut comm = [0u8; 32];
    let set = process::pr_set_name("sysrt-test");
    check!(
        t,
        "pr_set_name_round_trip_and_proc_comm",
        (
            set,
            process::pr_get_name().map(|n| n.as_bytes() == b"sysrt-test"),
            file_contents("/proc/self/comm", &mut comm).map(|b| b == b"sysrt-test\n")
        ),
        (Ok(()), Ok(true), Ok(true))
    );
    let set = process::pr_set_name("0123456789abcdefXYZ");
    check!(
        t,
        "pr_set_name_19_bytes_truncated_to_first_15",
        (
            set,
            process::pr_get_name().map(|n| n.as_bytes() == b"0123456789abcde")
        ),
        (Ok(()), Ok(true))
    );
    check!(
        t,
        "pr_set_name_interior_nul_einval_name_kept",
        (
            process::pr_set_name(&b"a\0b"[..]),
            process::pr_get_name().map(|n| n.as_bytes().len())
        ),
        (Err(Errno::EINVAL), Ok(15usize))
    );
    let restored = match orig {
        Ok(name) => process::pr_set_name(name.as_c_str())
            .and_then(|()| process::pr_get_name().map(|now| now == name)),
        Err(e) => Err(e),
    };
    check!(t, "pr_set_name_restores_original", restored, Ok(true));

    // The parent-death signal: set, read back, cleared.
    let before = process::pr_get_pdeathsig();
    let set = process::pr_set_pdeathsig(Some(Signal::TERM));
    let got = process::pr_get_pdeathsig();
    let clear = process::pr_set_pdeathsig(None);
    check!(
        t,
        "pr_pdeathsig_none_set_term_get_term_clear",
        (before, set, got, clear, process::pr_get_pdeathsig()),
        (Ok(None), Ok(()), Ok(Some(Signal::TERM)), Ok(()), Ok(None))
    );

    // no_new_privs is irreversible: set it in a child only; the parent's stays as it was.
    let parent_nnp = process::pr_get_no_new_privs();
    let got = child_report(|out| {
        let set = process::pr_set_no_new_privs();
        let _ = write!(
            out,
            "{set:?} {:?} {:?}",
            process::pr_get_no_new_privs(),
            proc_status("NoNewPrivs").as_ref().map(|b| b.as_str())
        );
    });
    check!(
        t,
        "pr_set_no_new_privs_in_child_get_true_proc_status_1",
        rep(&got),
        Ok("Ok(()) Ok(true) Some(\"1\")")
    );
    check!(
        t,
        "pr_no_new_privs_of_parent_unchanged",
        process::pr_get_no_new_privs(),
        parent_nnp
    );

    check!(
        t,
        "pr_get_dumpable_is_user",
        process::pr_get_dumpable(),
        Ok(Dumpable::User)
    );
    let got = child_report(|out| {
        let off = process::pr_set_dumpable(false);
        let a = process::pr_get_dumpable();
        let on = process::pr_set_dumpable(true);
        let _ = write!(out, "{off:?} {a:?} {on:?} {:?}", process::pr_get_dumpable());
    });
    check!(
        t,
        "pr_set_dumpable_false_true_round_trip",
        rep(&got),
        Ok("Ok(()) Ok(Disabled) Ok(()) Ok(User)")
    );
    let got = child_report(|out| {
        let a = process::pr_get_keepcaps();
        let on = process::pr_set_keepcaps(true);
        let b = process::pr_get_keepcaps();
        let off = process::pr_set_keepcaps(false);
        let _ = write!(
            out,
            "{a:?} {on:?} {b:?} {off:?} {:?}",
            process::pr_get_keepcaps()
        );
    });
    check!(
        t,
        "pr_keepcaps_false_set_true_set_false",
        rep(&got),
        Ok("Ok(false) Ok(()) Ok(true) Ok(()) Ok(false)")
    );

    // The bounding set, read cap by cap, is CapBnd.
    {
        let mut bits = 0u64;
        let mut err = Ok(());
        for cap in Capability::KNOWN {
            match process::pr_capbset_read(cap) {
                Ok(true) => bits |= 1 << cap.raw(),
                Ok(false) => {}
                Err(e) => err = Err(e),
            }
        }
        let known = (1u64 << Capability::KNOWN.len()) - 1;
        check!(
            t,
            "pr_capbset_read_every_cap_matches_proc_capbnd",
            (err, Some(bits)),
            (Ok(()), proc_caps("CapBnd").map(|b| b & known))
        );
        let cap63 = Capability::from_raw(63).unwrap_or(Capability::CHOWN);
        check!(
            t,
            "pr_capbset_read_cap_63_einval",
            process::pr_capbset_read(cap63),
            Err(Errno::EINVAL)
        );
    }
}

/// A child subreaper adopts an orphaned grandchild, whose parent-death signal kills it when
/// its parent (our child) exits; we then reap the grandchild ourselves.
fn subreaper_and_pdeathsig(t: &mut Tests) {
    const CASES: [&str; 3] = [
        "pr_child_subreaper_default_false_set_true",
        "orphan_reparented_to_subreaper_killed_by_pdeathsig",
        "pr_child_subreaper_set_false",
    ];
    let before = process::pr_get_child_subreaper();
    if under_qemu() && before == Err(Errno::EINVAL) {
        for c in CASES {
            t.skip(
                c,
                "QEMU: qemu-user 7.2 leaves PR_{GET,SET}_CHILD_SUBREAPER as a TODO (EINVAL)",
            );
        }
        return;
    }
    let set = process::pr_set_child_subreaper(true);
    check!(
        t,
        CASES[0],
        (before, set, process::pr_get_child_subreaper()),
        (Ok(false), Ok(()), Ok(true))
    );
    let (Ok((r, w)), Ok((ready_r, ready_w))) = (raw_pipe(), raw_pipe()) else {
        check!(t, "subreaper_pipes", "failed", "ok");
        return;
    };
    // The child forks the grandchild, waits until it has set its pdeathsig, sends us its pid
    // and exits; the grandchild blocks on `r` (nobody ever writes to it).
    let child = fork_child(|| {
        let parent = process::getpid();
        let grandchild = fork_child(|| {
            // `getppid` is checked after setting: a parent that ended before would never send
            // the signal. Either way one byte tells the child whether to go on.
            let armed = process::pr_set_pdeathsig(Some(Signal::KILL)).is_ok()
                && process::getppid() == parent;
            let _ = sysrt::io::write(&ready_w, if armed { b"r" } else { b"x" });
            if !armed {
                return 80;
            }
            exit_with_byte_from(r.as_fd())
        });
        let Ok(g) = grandchild else { return 82 };
        let mut byte = [0u8; 1];
        let got = sysrt::retry_on_intr(|| sysrt::io::read(&ready_r, &mut byte));
        if got != Ok(1) || byte != *b"r" {
            return 83;
        }
        match sysrt::io::write_all(&ready_w, &g.raw().to_ne_bytes()) {
            Ok(()) => 0,
            Err(_) => 84,
        }
    });
    let child_status = child.and_then(reap);
    let mut raw = [0u8; 4];
    let got = sysrt::io::read(&ready_r, &mut raw);
    let grandchild = Pid::from_raw(i32::from_ne_bytes(raw));
    // Polled, not a blocking wait: if the signal never came, the grandchild is killed after
    // 20 s instead of hanging the program.
    let reaped = match got {
        Ok(4) => match poll_wait4(WaitTarget::Child(grandchild), WaitOptions::empty()) {
            Ok(Some((_, st))) => Ok(summary(st)),
            Ok(None) => {
                kill_and_reap(grandchild);
                Err(Errno::ETIMEDOUT)
            }
            Err(e) => Err(e),
        },
        Ok(_) => Err(Errno::EIO),
        Err(e) => Err(e),
    };
    check!(
        t,
        CASES[1],
        (child_status.map(summary), reaped),
        (Ok(exited(0)), Ok(killed(Signal::KILL, false)))
    );
    drop((r, w));
    check!(
        t,
        CASES[2],
        (
            process::pr_set_child_subreaper(false),
            process::pr_get_child_subreaper()
        ),
        (Ok(()), Ok(false))
    );
}

fn caps(t: &mut Tests) {
    let mine = process::capget(None);
    let proc = (
        proc_caps("CapEff"),
        proc_caps("CapPrm"),
        proc_caps("CapInh"),
    );
    check!(
        t,
        "capget_self_matches_proc_status",
        mine.map(|c| (
            Some(c.effective.raw()),
            Some(c.permitted.raw()),
            Some(c.inheritable.raw())
        )),
        Ok(proc)
    );
    check!(
        t,
        "capget_nonexistent_pid_esrch",
        process::capget(Some(Pid::from_raw(i32::MAX))),
        Err(Errno::ESRCH)
    );
    let Ok((r, w)) = raw_pipe() else {
        check!(t, "caps_pipe", "failed", "ok");
        return;
    };
    match fork_child(|| exit_with_byte_from(r.as_fd())) {
        Ok(pid) => {
            check!(
                t,
                "capget_of_child_equals_ours",
                process::capget(Some(pid)),
                mine
            );
            let _ = sysrt::io::write(&w, &[0]);
            let _ = reap(pid);
        }
        Err(e) => check!(t, "capget_of_child_equals_ours", Err::<(), _>(e), Ok(())),
    }

    const ROOT_CASES: [&str; 3] = [
        "capset_drop_chown_effective_then_permitted_then_raise_eperm",
        "pr_capbset_drop_net_raw_gone_from_capbnd",
        "pr_cap_ambient_raise_is_set_lower_clear_all",
    ];
    let Ok(mine) = mine else {
        for c in ROOT_CASES {
            t.skip(c, "capget failed");
        }
        return;
    };
    let chown = Capability::CHOWN;
    if mine.permitted.contains(chown) && mine.effective.contains(chown) {
        let got = child_report(|out| {
            let eff = Capabilities {
                effective: mine.effective.without(chown),
                ..mine
            };
            let a = process::capset(&eff);
            let eff_a = proc_caps("CapEff").map(|b| CapSet::from_raw(b).contains(chown));
            let prm = Capabilities {
                permitted: mine.permitted.without(chown),
                ..eff
            };
            let b = process::capset(&prm);
            let prm_b = process::capget(None).map(|c| c.permitted.contains(chown));
            let again = process::capset(&mine);
            let _ = write!(out, "{a:?} {eff_a:?} {b:?} {prm_b:?} {again:?}");
        });
        check!(
            t,
            ROOT_CASES[0],
            rep(&got),
            Ok("Ok(()) Some(false) Ok(()) Ok(false) Err(EPERM)")
        );
    } else {
        t.skip(
            ROOT_CASES[0],
            "needs CAP_CHOWN in the permitted and effective sets (root)",
        );
    }
    let raw = Capability::NET_RAW;
    let bounding = process::pr_capbset_read(raw);
    if mine.effective.contains(Capability::SETPCAP) && bounding == Ok(true) {
        let got = child_report(|out| {
            let d = process::pr_capbset_drop(raw);
            let bnd = proc_caps("CapBnd").map(|b| CapSet::from_raw(b).contains(raw));
            let _ = write!(out, "{d:?} {:?} {bnd:?}", process::pr_capbset_read(raw));
        });
        check!(
            t,
            ROOT_CASES[1],
            rep(&got),
            Ok("Ok(()) Ok(false) Some(false)")
        );
    } else {
        t.skip(
            ROOT_CASES[1],
            "needs CAP_SETPCAP and CAP_NET_RAW in the bounding set",
        );
    }
    let nbs = Capability::NET_BIND_SERVICE;
    if mine.permitted.contains(nbs) && mine.effective.contains(Capability::SETPCAP) {
        let got = child_report(|out| {
            let refused = process::pr_cap_ambient_raise(nbs);
            let inh = Capabilities {
                inheritable: mine.inheritable.with(nbs),
                ..mine
            };
            let set = process::capset(&inh);
            let raise = process::pr_cap_ambient_raise(nbs);
            let is = process::pr_cap_ambient_is_set(nbs);
            let amb = proc_caps("CapAmb").map(|b| CapSet::from_raw(b).contains(nbs));
            let lower = process::pr_cap_ambient_lower(nbs);
            let after_lower = process::pr_cap_ambient_is_set(nbs);
            let _ = process::pr_cap_ambient_raise(nbs);
            let clear = process::pr_cap_ambient_clear_all();
            let _ = write!(
                out,
                "{refused:?} {set:?} {raise:?} {is:?} {amb:?} {lower:?} {after_lower:?} \
                 {clear:?} {:?}",
                proc_caps("CapAmb")
            );
        });
        check!(
            t,
            ROOT_CASES[2],
            rep(&got),
            Ok("Err(EPERM) Ok(()) Ok(()) Ok(true) Some(true) Ok(()) Ok(false) Ok(()) Some(0)")
        );
    } else {
        t.skip(
            ROOT_CASES[2],
            "needs CAP_NET_BIND_SERVICE permitted and CAP_SETPCAP (root)",
        );
    }
    drop((r, w));
}

/// `readlink /proc/self/ns/NAME`, e.g. `uts:[4026531838]`.
fn ns_link(name: &str) -> Buf<64> {
    let path = Buf::<64>::format(format_args!("/proc/self/ns/{name}"));
    let mut buf = [0u8; 64];
    match fs::readlink(path.as_str(), &mut buf) {
        Ok(link) => Buf::format(format_args!(
            "{}",
            core::str::from_utf8(link.target).unwrap_or("?")
        )),
        Err(e) => Buf::format(format_args!("{e:?}")),
    }
}

fn namespaces(t: &mut Tests) {
    check!(
        t,
        "unshare_unknown_flag_clone_ptrace_einval",
        process::unshare(UnshareFlags::from_bits_retain(0x2000)),
        Err(Errno::EINVAL)
    );
    let null = fs::open("/dev/null", OFlags::RDONLY, Mode::empty());
    check!(
        t,
        "setns_on_dev_null_einval",
        null.map(|fd| process::setns(&fd, NamespaceType::empty())),
        Ok(Err(Errno::EINVAL))
    );
    if !has_cap(Capability::SYS_ADMIN) {
        t.skip(
            "unshare_newuts_then_setns_back",
            "needs CAP_SYS_ADMIN (root)",
        );
        return;
    }
    let got = child_report(|out| {
        let orig = ns_link("uts");
        let fd = match fs::open("/proc/self/ns/uts", OFlags::RDONLY, Mode::empty()) {
            Ok(fd) => fd,
            Err(e) => {
                let _ = write!(out, "open: {e:?}");
                return;
            }
        };
        let u = process::unshare(UnshareFlags::NEWUTS);
        let moved = ns_link("uts").as_str() != orig.as_str();
        let wrong = process::setns(&fd, NamespaceType::NET);
        let back = process::setns(&fd, NamespaceType::UTS);
        let _ = write!(
            out,
            "{u:?} {moved} {wrong:?} {back:?} {}",
            ns_link("uts").as_str() == orig.as_str()
        );
    });
    check!(
        t,
        "unshare_newuts_then_setns_back",
        rep(&got),
        Ok("Ok(()) true Err(EINVAL) Ok(()) true")
    );
}

sysrt_rt::main!(main);
