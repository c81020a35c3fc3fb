//! What a spawned child receives, exactly, as `spawn_child report` sees it: argv with empty
//! and non-UTF-8 strings (and argv as `CStr`s, used in place), an explicit environment, the
//! inherited one with `setenv`/`unsetenv` applied, the directory, and the descriptor mapping:
//! stdio, a literal `[2, 1, 0]` swap, a hole, a number kept in place, an fd made inheritable
//! with `set_cloexec(fd, false)` — the child's descriptor set must be exactly the expected one,
//! and each number must hold the expected file (compared by inode).
#![no_std]
#![no_main]

use sysrt::fd::{AsFd, OwnedFd, STDERR, STDIN};
use sysrt::io::{self, MemfdFlags};
use sysrt::process::{self, ProcAttr};
use sysrt::{Errno, Sysno};
use sysrt_tests::spawn::{
    ChildProgram, Joined, Status, b, inherited_fds, joined, no_children, wait,
};
use sysrt_tests::util::{FdBaseline, raw_mkdir, raw_pipe, tmp_path, under_qemu};
use sysrt_tests::{Tests, check};

const PLAN: usize = 20;

/// The inode number of one of our descriptors (raw statx).
fn ino(fd: impl AsFd) -> u64 {
    sysrt_tests::util::raw_statx(fd, "", linux_raw_sys::general::AT_EMPTY_PATH, 0x100)
        .map_or(0, |st| st.stx_ino)
}

/// `dup3(old, new, 0)` through the raw layer (in a forked helper).
fn raw_dup3(old: i32, new: i32) -> Result<usize, Errno> {
    // SAFETY: dup3 takes integers only.
    unsafe { sysrt::raw_syscall(Sysno::dup3, old as usize, new as usize, 0) }
}

/// The environment entries of this process as a list.
fn own_env() -> Joined {
    let mut j = Joined::default();
    for e in sysrt::env::environ() {
        j.push(e.to_bytes());
    }
    j
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();
    let qemu = under_qemu();
    let child = ChildProgram::find();
    let attr = ProcAttr::new();
    // QEMU hands its guest the environment in reverse order: compare as sorted lists there.
    let env_order = |j: Joined| if qemu { j.sorted() } else { j };

    // argv, every byte of it.
    let args: [&[u8]; 5] = [
        b"",
        b"two words",
        b"\xff\xfe",
        b"--flag=x=y",
        "\u{fc}n\u{ef}".as_bytes(),
    ];
    let r = child.report(&args, &attr);
    let got = r.as_ref().map(|(st, rep)| (*st, rep.list("arg")));
    let mut want = joined(&[b"report"]);
    for a in args {
        want.push(a);
    }
    check!(
        t,
        "argv_empty_and_non_utf8_arrive_exactly",
        got,
        Ok((Status::Exited(0), want))
    );
    check!(
        t,
        "argv_as_cstrs_used_in_place",
        process::fork_exec(
            c"/bin/sh",
            &[c"sh", c"-c", c"exit $#", c"sh", c"a", c"b"],
            &attr
        )
        .map(wait),
        Ok(Ok(Status::Exited(2)))
    );

    // The environment: explicit, then inherited with changes.
    let env: [&[u8]; 3] = [b"EMPTY=", b"BYTES=\xff", b"Z=a=b"];
    let r = child.report(&[], &ProcAttr::new().env(&env));
    check!(
        t,
        "explicit_env_passed_exactly",
        r.map(|(_, rep)| env_order(rep.list("env"))),
        Ok(env_order(joined(&env)))
    );
    let odd: [&[u8]; 4] = [b"A=1", b"NOEQ", b"A=dup", b"B=2"];
    if qemu {
        t.skip(
            "explicit_env_duplicates_and_no_eq_kept",
            "QEMU rebuilds a guest's environment: entries without '=' dropped, last duplicate kept, order reversed",
        );
    } else {
        let r = child.report(&[], &ProcAttr::new().env(&odd));
        check!(
            t,
            "explicit_env_duplicates_and_no_eq_kept",
            r.map(|(_, rep)| rep.list("env")),
            Ok(joined(&odd))
        );
    }
    let none: [&str; 0] = [];
    let r = child.report(&[], &ProcAttr::new().env(&none));
    check!(
        t,
        "empty_env_passed_empty",
        r.map(|(_, rep)| rep.list("env")),
        Ok(Joined::default())
    );
    let r = child.report(&[], &attr);
    check!(
        t,
        "env_none_inherits_ours",
        r.map(|(_, rep)| env_order(rep.list("env")).sorted()),
        Ok(own_env().sorted())
    );
    let changed = (
        sysrt::env::setenv("SPAWN_ADDED", "v=1"),
        sysrt::env::setenv("PATH", "/changed"),
        sysrt::env::unsetenv("SYSRT_TEST_PPID"),
    );
    let r = child.report(&[], &attr);
    let rep = r.as_ref().map(|(_, rep)| rep.list("env").sorted());
    check!(
        t,
        "env_none_after_setenv_unsetenv",
        (changed, rep),
        ((Ok(()), Ok(()), Ok(())), Ok(own_env().sorted()))
    );
    let text = own_env();
    check!(
        t,
        "own_env_shows_the_changes",
        (
            text.sorted() == Joined::default(),
            sysrt::env::getenv("PATH"),
            sysrt::env::getenv("SYSRT_TEST_PPID")
        ),
        (false, Some(&b"/changed"[..]), None)
    );

    // The directory.
    let dir = tmp_path("spawn-attr-dir");
    let _ = raw_mkdir(dir.as_str(), 0o700);
    let r = child.report(&[], &ProcAttr::new().dir(dir.as_str()));
    check!(
        t,
        "dir_is_the_childs_cwd",
        r.map(|(_, rep)| rep.value("cwd").map(sysrt_tests::util::text_of)),
        Ok(Some(sysrt_tests::util::text(dir.as_str())))
    );
    let r = child.report(&[], &ProcAttr::new().dir(c"/"));
    check!(
        t,
        "dir_as_cstr",
        r.map(|(_, rep)| rep.value("cwd").map(sysrt_tests::util::text_of)),
        Ok(Some(sysrt_tests::util::text("/")))
    );
    let _ = sysrt::fs::unlinkat(sysrt::fd::CWD, dir.as_str(), sysrt::fs::AtFlags::REMOVEDIR);

    // Descriptors. A spawned child also inherits what this process holds without
    // close-on-exec (a parent of ours may have passed such descriptors down).
    let inherited = inherited_fds();
    let extra = memfd("cloexec-extra");
    let r = child.report(&[], &attr);
    check!(
        t,
        "stdio_only_cloexec_fd_not_inherited",
        r.map(|(_, rep)| rep.fds()),
        Ok(inherited.union(&[0, 1, 2]))
    );
    // A hole: slot 2 closed, slot 3 a file of ours.
    let x = memfd("slot3");
    let (rp, wp) = pipe_pair();
    let files = [Some(STDIN), b(&wp), None, b(&x)];
    let r = child.report(&[], &ProcAttr::new().files(&files));
    // The spawn closes slot 2 for the exec; the child, a sysrt-rt program, then opens
    // /dev/null there at start (the runtime keeps 0-2 open), so slot 2 is /dev/null and not
    // our stderr.
    let null = ino(sysrt::fs::open(
        "/dev/null",
        sysrt::fs::OFlags::RDONLY,
        sysrt::fs::Mode::empty(),
    )
    .ok()
    .as_ref()
    .map_or(sysrt::fd::CWD, |f| f.as_fd()));
    check!(
        t,
        "hole_closed_slot3_is_our_file",
        r.map(|(_, rep)| (rep.fds(), rep.fd_ino(2), rep.fd_ino(3))),
        Ok((inherited.union(&[0, 1, 2, 3]), Some(null), Some(ino(&x))))
    );
    drop((rp, wp, x));
    // Only slots 0 and 1 given: 2 is closed too.
    let files = [Some(STDIN), None];
    let r = child.report(&[], &ProcAttr::new().files(&files));
    check!(
        t,
        "short_list_closes_fd_2",
        r.map(|(_, rep)| (rep.fds(), rep.fd_ino(2))),
        Ok((inherited.union(&[0, 1, 2]), Some(null)))
    );
    // An fd the parent marks inheritable keeps its number in the child.
    let keep = memfd("inheritable");
    let made = io::set_cloexec(&keep, false);
    let r = child.report(&[], &attr);
    check!(
        t,
        "set_cloexec_false_fd_inherited_at_its_number",
        (
            made,
            r.map(|(_, rep)| (rep.fds(), rep.fd_ino(keep.as_raw_fd())))
        ),
        (
            Ok(()),
            Ok((
                inherited.union(&[0, 1, 2, keep.as_raw_fd()]),
                Some(ino(&keep))
            ))
        )
    );
    drop(keep);

    // The literal [2, 1, 0] swap and a kept number, in a forked helper that first puts three
    // known files at 0, 1, 2 (1 is the report pipe) and 3.
    let (a, c, k) = (memfd("zero"), memfd("two"), memfd("three"));
    let (rp, wp) = pipe_pair();
    let (ia, ic, ik, ip) = (ino(&a), ino(&c), ino(&k), ino(&wp));
    let w = wp.as_raw_fd();
    let swapped = child.report_from_helper(&rp, wp, |argv| {
        let _ = (
            raw_dup3(a.as_raw_fd(), 0),
            raw_dup3(w, 1),
            raw_dup3(c.as_raw_fd(), 2),
        );
        let _ = raw_dup3(k.as_raw_fd(), 3); // close-on-exec cleared only by the mapping
        // SAFETY: fds 0–3 were just set up in this helper; the borrows end with it.
        let (f0, f1, f2, f3) = unsafe {
            (
                sysrt::fd::BorrowedFd::borrow_raw(0),
                sysrt::fd::BorrowedFd::borrow_raw(1),
                sysrt::fd::BorrowedFd::borrow_raw(2),
                sysrt::fd::BorrowedFd::borrow_raw(3),
            )
        };
        let _ = io::set_cloexec(f3, true);
        let files = [Some(f2), Some(f1), Some(f0), Some(f3)];
        process::fork_exec(argv.0, argv.1, &ProcAttr::new().files(&files))
    });
    check!(
        t,
        "swap_2_1_0_and_kept_3_each_hold_the_right_file",
        swapped.map(|rep| {
            (
                rep.fds(),
                rep.fd_ino(0) == Some(ic),
                rep.fd_ino(1) == Some(ip),
                rep.fd_ino(2) == Some(ia),
                rep.fd_ino(3) == Some(ik),
            )
        }),
        Ok((inherited.union(&[0, 1, 2, 3]), true, true, true, true))
    );
    drop((a, c, k, rp, extra));

    // The error pipe never shows in the child (it is close-on-exec), and nothing leaked.
    let r = child.report(
        &[],
        &ProcAttr::new().files(&[Some(STDIN), None, Some(STDERR)]),
    );
    check!(
        t,
        "no_spawn_internal_fd_in_child",
        r.map(|(_, rep)| rep.fds()),
        Ok(inherited.union(&[0, 1, 2]))
    );
    check!(t, "no_child_left", no_children(), true);
    check!(
        t,
        "rlimit_nofile_passed_unchanged",
        child
            .report(&[], &attr)
            .map(|(_, rep)| (rep.num("nofile", 0), rep.num("nofile", 1))),
        Ok(nofile_now())
    );
    baseline.check(&mut t);
    t.finish()
}

/// Our RLIMIT_NOFILE (soft, hard), as the child reports it.
fn nofile_now() -> (Option<u64>, Option<u64>) {
    let mut lim = linux_raw_sys::general::rlimit64 {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: prlimit64 with a null new limit writes the current one into `lim`.
    let r = unsafe {
        sysrt::raw_syscall6(
            Sysno::prlimit64,
            0,
            linux_raw_sys::general::RLIMIT_NOFILE as usize,
            0,
            &raw mut lim as usize,
            0,
            0,
        )
    };
    match r {
        Ok(_) => (Some(lim.rlim_cur), Some(lim.rlim_max)),
        Err(_) => (None, None),
    }
}

fn memfd(name: &str) -> OwnedFd {
    match io::memfd_create(name, MemfdFlags::empty()) {
        Ok(fd) => fd,
        Err(e) => panic!("memfd_create: {e}"),
    }
}

fn pipe_pair() -> (OwnedFd, OwnedFd) {
    match raw_pipe() {
        Ok(p) => p,
        Err(e) => panic!("pipe2: {e}"),
    }
}

sysrt_rt::main!(main);
