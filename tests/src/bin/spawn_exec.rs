//! Starting programs and how they end: fork_exec of /bin/true, /bin/false, `sh -c 'exit 7'`,
//! children killed by SIGKILL and SIGTERM; every exec failure with its exact errno and step
//! and no zombie or descriptor left (R2, R23, R24, R25, R26, R28); E2BIG from a small arena;
//! RLIMIT_NOFILE at the descriptor count; 1,000 spawns that leak nothing; a grandchild
//! holding the stdout pipe (R29); exec and execveat replacing a (forked) process.
#![no_std]
#![no_main]

use core::mem::MaybeUninit;

use linux_raw_sys::general::{RLIMIT_NOFILE, SIGKILL, SIGTERM, rlimit64};
use sysrt::fd::{BorrowedFd, CWD};
use sysrt::fs::{self, AtFlags, Mode, OFlags};
use sysrt::process::{self, CStrArray, ProcAttr, SpawnError, SpawnStep, Strs};
use sysrt::{Errno, Sysno};
use sysrt_tests::check::Buf;
use sysrt_tests::spawn::{ChildProgram, Status, kill_raw, no_children, wait};
use sysrt_tests::util::{
    FdBaseline, closed_fd, lowest_free_fd, raw_mkdir, raw_pipe, tmp_path, under_qemu, write_file,
};
use sysrt_tests::{Tests, check};

const PLAN: usize = 41;

/// `start_process` then wait: how the child ended, or the spawn error.
fn run(path: &[u8], argv: &[&[u8]], attr: &ProcAttr<'_>) -> Result<Status, SpawnError> {
    let s = process::start_process(path, argv, attr)?;
    Ok(wait(s.pid).unwrap_or(Status::Other(-1)))
}

fn err(step: SpawnStep, errno: Errno) -> Result<Status, SpawnError> {
    Err(SpawnError { step, errno })
}

/// A spawn that must fail: its result, whether a child is left (zombie or not), and whether the
/// lowest free descriptor moved (a leaked fd).
fn failing(
    path: &[u8],
    argv: &[&[u8]],
    attr: &ProcAttr<'_>,
) -> (Result<Status, SpawnError>, bool, bool) {
    let before = lowest_free_fd();
    let r = run(path, argv, attr);
    (r, no_children(), lowest_free_fd() == before)
}

/// `chmod(path, mode)` through the raw layer (fixtures).
fn raw_chmod(path: &str, mode: u32) -> Result<(), Errno> {
    use sysrt::path::Arg;
    path.with_c_str(|p| {
        // SAFETY: `p` is NUL-terminated and outlives the call.
        unsafe {
            sysrt::raw_syscall6(
                Sysno::fchmodat,
                linux_raw_sys::general::AT_FDCWD as isize as usize,
                p.as_ptr() as usize,
                mode as usize,
                0,
                0,
                0,
            )
        }
        .map(drop)
    })
}

/// `prlimit64(0, RLIMIT_NOFILE, new, old)` through the raw layer.
fn nofile(new: Option<rlimit64>) -> Result<rlimit64, Errno> {
    let mut old = rlimit64 {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: prlimit64 reads `new` (if given) and writes `old`, both locals.
    unsafe {
        sysrt::raw_syscall6(
            Sysno::prlimit64,
            0,
            RLIMIT_NOFILE as usize,
            new.as_ref().map_or(0, |n| n as *const rlimit64 as usize),
            &raw mut old as usize,
            0,
            0,
        )
    }?;
    Ok(old)
}

/// Runs `f` in a forked child and returns what it wrote to the pipe (one line of text), with
/// the child reaped.
fn in_child(f: impl FnOnce(BorrowedFd<'_>)) -> Buf<256> {
    let Ok((r, w)) = raw_pipe() else {
        return Buf::format(format_args!("pipe failed"));
    };
    // SAFETY: the test program is single-threaded; the child only makes syscalls and exits.
    match unsafe { process::fork() } {
        Ok(None) => {
            drop(r);
            f(w.as_fd());
            process::exit(0)
        }
        Ok(Some(pid)) => {
            drop(w);
            let mut out = Buf::<256>::new();
            let mut buf = [0u8; 256];
            let mut len = 0;
            while let Ok(n @ 1..) = sysrt::io::read(&r, &mut buf[len..]) {
                len += n;
            }
            let _ = core::fmt::Write::write_str(
                &mut out,
                core::str::from_utf8(&buf[..len]).unwrap_or("?"),
            );
            let _ = wait(pid);
            out
        }
        Err(e) => Buf::format(format_args!("fork failed: {e:?}")),
    }
}

/// Writes `args` formatted to `fd` (from a forked child).
fn say(fd: BorrowedFd<'_>, args: core::fmt::Arguments<'_>) {
    let b = Buf::<256>::format(args);
    let _ = sysrt::io::write_all(fd, b.as_bytes());
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();
    let qemu = under_qemu();
    let attr = ProcAttr::new();
    let child = ChildProgram::find();

    // How programs end.
    check!(
        t,
        "true_exits_0",
        run(b"/bin/true", &[b"true"], &attr),
        Ok(Status::Exited(0))
    );
    check!(
        t,
        "false_exits_1",
        run(b"/bin/false", &[b"false"], &attr),
        Ok(Status::Exited(1))
    );
    check!(
        t,
        "sh_c_exit_7",
        run(b"/bin/sh", &[b"sh", b"-c", b"exit 7"], &attr),
        Ok(Status::Exited(7))
    );
    check!(
        t,
        "sh_kills_itself_sigkill",
        run(b"/bin/sh", &[b"sh", b"-c", b"kill -KILL $$"], &attr),
        Ok(Status::Signaled(SIGKILL as i32))
    );
    let sleeper = child.start(&[b"sleep"], &attr);
    let killed = sleeper.map(|pid| {
        let _ = kill_raw(pid.raw(), SIGTERM as i32);
        wait(pid)
    });
    check!(
        t,
        "child_killed_by_sigterm",
        killed,
        Ok(Ok(Status::Signaled(SIGTERM as i32)))
    );
    check!(
        t,
        "own_program_exit_code",
        child.start(&[b"exit", b"42"], &attr).map(wait),
        Ok(Ok(Status::Exited(42)))
    );
    check!(t, "no_child_left_after_the_waits", no_children(), true);

    // Exec failures: the errno and the step, no zombie, no fd (R24, R28 under QEMU).
    let dir = tmp_path("spawn-exec");
    let d = dir.as_str();
    let _ = raw_mkdir(d, 0o700);
    let plain = sysrt_tests::util::join(d, "plain");
    let empty = sysrt_tests::util::join(d, "empty");
    let garbage = sysrt_tests::util::join(d, "garbage");
    let _ = write_file(plain.as_str(), b"#!/bin/sh\nexit 0\n");
    let _ = raw_chmod(plain.as_str(), 0o644);
    let _ = write_file(empty.as_str(), b"");
    let _ = raw_chmod(empty.as_str(), 0o755);
    let _ = write_file(garbage.as_str(), b"\x01\x02\x03 not a program\n");
    let _ = raw_chmod(garbage.as_str(), 0o755);
    let no_zombie_no_leak = |e| (e, true, true);
    check!(
        t,
        "exec_missing_enoent",
        failing(b"/nonexistent/program", &[b"x"], &attr),
        no_zombie_no_leak(err(SpawnStep::Exec, Errno::ENOENT))
    );
    check!(
        t,
        "exec_mode_0644_eacces",
        failing(plain.as_bytes(), &[b"x"], &attr),
        no_zombie_no_leak(err(SpawnStep::Exec, Errno::EACCES))
    );
    check!(
        t,
        "exec_directory_eacces",
        failing(b"/", &[b"x"], &attr),
        no_zombie_no_leak(err(SpawnStep::Exec, Errno::EACCES))
    );
    let swapped = [
        Some(sysrt::fd::STDIN),
        Some(sysrt::fd::STDERR),
        Some(sysrt::fd::STDOUT),
    ];
    check!(
        t,
        "exec_directory_fds_1_2_swapped_eacces",
        failing(b"/", &[b"x"], &ProcAttr::new().files(&swapped)),
        no_zombie_no_leak(err(SpawnStep::Exec, Errno::EACCES))
    );
    check!(
        t,
        "exec_empty_executable_enoexec",
        failing(empty.as_bytes(), &[b"x"], &attr),
        no_zombie_no_leak(err(SpawnStep::Exec, Errno::ENOEXEC))
    );
    check!(
        t,
        "exec_garbage_executable_enoexec",
        failing(garbage.as_bytes(), &[b"x"], &attr),
        no_zombie_no_leak(err(SpawnStep::Exec, Errno::ENOEXEC))
    );
    let through_file = sysrt_tests::util::join(plain.as_str(), "x");
    check!(
        t,
        "exec_through_a_file_enotdir",
        failing(through_file.as_bytes(), &[b"x"], &attr),
        no_zombie_no_leak(err(SpawnStep::Exec, Errno::ENOTDIR))
    );
    let long = [b'a'; 300];
    let mut long_path = [b'/'; 301];
    long_path[1..].copy_from_slice(&long);
    check!(
        t,
        "exec_name_too_long_enametoolong",
        failing(&long_path, &[b"x"], &attr),
        no_zombie_no_leak(err(SpawnStep::Exec, Errno::ENAMETOOLONG))
    );

    // Refused before any child exists (R2, R25), and the arena limit.
    check!(
        t,
        "argv_interior_nul_einval_no_child",
        failing(b"/bin/true", &[b"true", b"a\0b"], &attr),
        no_zombie_no_leak(err(SpawnStep::Args, Errno::EINVAL))
    );
    check!(
        t,
        "path_interior_nul_einval",
        failing(b"/bin/\0true", &[b"true"], &attr),
        no_zombie_no_leak(err(SpawnStep::Args, Errno::EINVAL))
    );
    check!(
        t,
        "env_interior_nul_einval",
        failing(
            b"/bin/true",
            &[b"true"],
            &ProcAttr::new().env(&[&b"A=\0"[..]])
        ),
        no_zombie_no_leak(err(SpawnStep::Args, Errno::EINVAL))
    );
    let no_args: [&[u8]; 0] = [];
    check!(
        t,
        "empty_argv_rejected_einval",
        failing(b"/bin/true", &no_args, &attr),
        no_zombie_no_leak(err(SpawnStep::Args, Errno::EINVAL))
    );
    // Enough for two pointers, the stdio plan and "true" (the environment is passed as it
    // came, in place), not for a 300-byte argument.
    let mut small = [MaybeUninit::<u8>::uninit(); 256];
    let big_arg = [b'x'; 300];
    check!(
        t,
        "arena_too_small_e2big",
        process::start_process_in(
            &mut small,
            &b"/bin/true"[..],
            &[&b"true"[..], &big_arg],
            &attr
        )
        .map(|s| s.pid),
        Err(SpawnError {
            step: SpawnStep::Args,
            errno: Errno::E2BIG
        })
    );
    check!(
        t,
        "arena_big_enough_runs",
        process::start_process_in(&mut small, c"/bin/true", &[c"true"], &attr).map(|s| wait(s.pid)),
        Ok(Ok(Status::Exited(0)))
    );

    // The child's own setup fails (R26): the step and errno reach the parent.
    check!(
        t,
        "chdir_missing_enoent_step_chdir",
        failing(
            b"/bin/true",
            &[b"true"],
            &ProcAttr::new().dir("/nonexistent/dir")
        ),
        no_zombie_no_leak(err(SpawnStep::Chdir, Errno::ENOENT))
    );
    let bad = [Some(sysrt::fd::STDIN), Some(closed_fd())];
    check!(
        t,
        "files_from_closed_fd_ebadf_step_files",
        failing(b"/bin/true", &[b"true"], &ProcAttr::new().files(&bad)),
        no_zombie_no_leak(err(SpawnStep::Files, Errno::EBADF))
    );
    check!(
        t,
        "spawn_error_displays_step_and_errno",
        Buf::<64>::format(format_args!(
            "{}",
            SpawnError {
                step: SpawnStep::Chdir,
                errno: Errno::ENOENT
            }
        )),
        "chdir: ENOENT: no such file or directory"
    );
    check!(
        t,
        "fork_exec_gives_the_errno",
        process::fork_exec("/nonexistent", &["x"], &attr),
        Err(Errno::ENOENT)
    );

    // RLIMIT_NOFILE at the descriptor count, in a forked child. With shared memory (native)
    // a spawn needs no new descriptor unless the mapping must lift one; where the error
    // channel is a pipe (QEMU), pipe2 itself fails.
    let exit0 = child.argv(&[b"exit", b"0"]);
    let at_limit = in_child(|out| {
        let limit = lowest_free_fd() as u64;
        let Ok(old) = nofile(None) else { return };
        let _ = nofile(Some(rlimit64 {
            rlim_cur: limit,
            rlim_max: old.rlim_max,
        }));
        let plain = run(child.exe(), exit0.as_slice(), &ProcAttr::new());
        let swap = [
            Some(sysrt::fd::STDERR),
            Some(sysrt::fd::STDOUT),
            Some(sysrt::fd::STDIN),
        ];
        let lifted = run(child.exe(), exit0.as_slice(), &ProcAttr::new().files(&swap));
        let _ = nofile(Some(old));
        say(
            out,
            format_args!(
                "{plain:?} {lifted:?} {} {}",
                no_children(),
                lowest_free_fd() as u64 == limit
            ),
        );
    });
    let want_native = "Ok(Exited(0)) Err(SpawnError { step: Files, errno: EBADF }) true true";
    let want_qemu = "Err(SpawnError { step: Pipe, errno: EMFILE }) Err(SpawnError { step: Pipe, errno: EMFILE }) true true";
    check!(
        t,
        "rlimit_nofile_at_count_fails_cleanly",
        at_limit,
        if qemu { want_qemu } else { want_native }
    );

    // R27: RLIMIT_NPROC at 0, as an ordinary user (root is exempt): clone fails with EAGAIN,
    // and neither the error pipe nor a child is left.
    let nproc = in_child(|out| {
        // SAFETY: setresgid/setresuid take integers only; a full drop, in this child only.
        unsafe {
            let _ = sysrt::raw_syscall(Sysno::setresgid, 65534, 65534, 65534);
            let _ = sysrt::raw_syscall(Sysno::setresuid, 65534, 65534, 65534);
        }
        let zero = rlimit64 {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: prlimit64 reads `zero`; no old limit.
        let set = unsafe {
            sysrt::raw_syscall6(
                Sysno::prlimit64,
                0,
                linux_raw_sys::general::RLIMIT_NPROC as usize,
                &raw const zero as usize,
                0,
                0,
                0,
            )
        };
        let before = lowest_free_fd();
        let r = run(b"/bin/true", &[b"true"], &ProcAttr::new());
        say(
            out,
            format_args!(
                "{set:?} {r:?} {} {}",
                lowest_free_fd() == before,
                no_children()
            ),
        );
    });
    check!(
        t,
        "rlimit_nproc_zero_clone_eagain_no_leak",
        nproc,
        "Ok(0) Err(SpawnError { step: Clone, errno: EAGAIN }) true true"
    );

    // 1,000 spawns: no descriptor and no child left.
    let before = lowest_free_fd();
    let mut statuses = (0u32, 0u32);
    for _ in 0..1000 {
        match run(b"/bin/true", &[b"true"], &attr) {
            Ok(Status::Exited(0)) => statuses.0 += 1,
            _ => statuses.1 += 1,
        }
    }
    check!(
        t,
        "thousand_spawns_leak_nothing",
        (statuses, lowest_free_fd() == before, no_children()),
        ((1000u32, 0u32), true, true)
    );

    // R29: a grandchild keeps the child's stdout pipe; the child's end is still seen at once.
    let grandchild = raw_pipe().map(|(r, w)| {
        let files = [
            Some(sysrt::fd::STDIN),
            Some(w.as_fd()),
            Some(sysrt::fd::STDERR),
        ];
        let pid = process::fork_exec(
            "/bin/sh",
            &["sh", "-c", "sleep 60 & echo $!; exit 3"],
            &ProcAttr::new().files(&files),
        );
        drop(w);
        let mut line = [0u8; 32];
        let n = sysrt::io::read(&r, &mut line).unwrap_or(0);
        let gpid: i32 = core::str::from_utf8(&line[..n])
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        let st = pid.map(wait);
        let alive = gpid > 0 && kill_raw(gpid, 0).is_ok();
        if gpid > 0 {
            let _ = kill_raw(gpid, SIGKILL as i32);
        }
        (st, alive)
    });
    check!(
        t,
        "grandchild_holding_stdout_does_not_block_wait",
        grandchild,
        Ok((Ok(Ok(Status::Exited(3))), true))
    );

    // exec: in this process on failure (nothing is replaced), in a forked child on success.
    check!(
        t,
        "exec_missing_returns_enoent",
        process::exec("/nonexistent", &["x"], None).map(drop),
        Err(Errno::ENOENT)
    );
    check!(
        t,
        "exec_empty_argv_einval",
        process::exec("/bin/true", &no_args, None).map(drop),
        Err(Errno::EINVAL)
    );
    let bad_flag = process::execveat(CWD, "/bin/true", &["true"], None, AtFlags::REMOVEDIR);
    if qemu && bad_flag.map(drop) == Err(Errno::ENOSYS) {
        t.skip(
            "execveat_bad_flag_einval",
            "QEMU 7.2: execveat gives ENOSYS (not emulated for guests)",
        );
    } else {
        check!(
            t,
            "execveat_bad_flag_einval",
            bad_flag.map(drop),
            Err(Errno::EINVAL)
        );
    }
    // CStrArray (Go's SlicePtrFromStrings): argv and envp for a hand-made execve of a host
    // program (which QEMU guests may exec), in caller memory.
    let mut argv_buf = [MaybeUninit::uninit(); 256];
    let mut envp_buf = [MaybeUninit::uninit(); 64];
    let arrays = (
        CStrArray::new(&mut argv_buf, Strs::from(&["sh", "-c", "exit \"$X\""])),
        CStrArray::new(&mut envp_buf, Strs::from(&[c"X=6"])),
    );
    // SAFETY: the test program is single-threaded; the child only execs or exits.
    let st = match (arrays, unsafe { process::fork() }) {
        ((Ok(argv), Ok(envp)), Ok(None)) => {
            // SAFETY: both arrays are NULL-terminated arrays of C strings that outlive the
            // call; the path is a C string literal.
            let e = unsafe {
                sysrt::raw_syscall(
                    Sysno::execve,
                    c"/bin/sh".as_ptr() as usize,
                    argv.as_ptr() as usize,
                    envp.as_ptr() as usize,
                )
            };
            process::exit(e.err().map_or(99, |e| i32::from(e.raw())))
        }
        (_, Ok(None)) => process::exit(98),
        (_, Ok(Some(pid))) => wait(pid),
        (_, Err(e)) => Err(e),
    };
    check!(
        t,
        "cstr_array_argv_envp_raw_execve",
        st,
        Ok(Status::Exited(6))
    );
    let mut buf = [MaybeUninit::uninit(); 64];
    check!(
        t,
        "cstr_array_interior_nul_einval",
        CStrArray::new(&mut buf, Strs::from(&["a", "b\0c"])).map(|a| a.len()),
        Err(Errno::EINVAL)
    );

    let exe = child.exe();
    let argv = child.argv(&[b"exit", b"5"]);
    let replaced = in_child(|out| {
        let e = process::exec(exe, argv.as_slice(), None);
        say(out, format_args!("exec returned {e:?}"));
    });
    check!(t, "exec_replaces_the_process", replaced, "");
    // SAFETY: the test program is single-threaded; the child only execs or exits.
    let st = match unsafe { process::fork() } {
        Ok(None) => {
            let _ = process::exec(exe, argv.as_slice(), None);
            process::exit(99)
        }
        Ok(Some(pid)) => wait(pid),
        Err(e) => Err(e),
    };
    check!(t, "exec_child_exit_status", st, Ok(Status::Exited(5)));
    let fd = fs::open(exe, OFlags::RDONLY, Mode::empty());
    // SAFETY: as above.
    let st = match (fd, unsafe { process::fork() }) {
        (Ok(fd), Ok(None)) => {
            let e = process::execveat(&fd, "", argv.as_slice(), None, AtFlags::EMPTY_PATH);
            process::exit(e.err().map_or(99, |e| i32::from(e.raw())))
        }
        (_, Ok(Some(pid))) => wait(pid),
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    let enosys = Ok(Status::Exited(i32::from(Errno::ENOSYS.raw())));
    if qemu && st == enosys {
        t.skip(
            "execveat_empty_path_runs_the_fd",
            "QEMU 7.2: execveat gives ENOSYS (not emulated for guests)",
        );
    } else {
        check!(
            t,
            "execveat_empty_path_runs_the_fd",
            st,
            Ok(Status::Exited(5))
        );
    }
    let (exe_dir, exe_name) = match exe.iter().rposition(|&b| b == b'/') {
        Some(i) => (&exe[..i.max(1)], &exe[i + 1..]),
        None => (&b"."[..], exe),
    };
    let dirfd = fs::open(exe_dir, OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty());
    // SAFETY: as above.
    let st = match (dirfd, unsafe { process::fork() }) {
        (Ok(dirfd), Ok(None)) => {
            let e = process::execveat(&dirfd, exe_name, argv.as_slice(), None, AtFlags::empty());
            process::exit(e.err().map_or(99, |e| i32::from(e.raw())))
        }
        (_, Ok(Some(pid))) => wait(pid),
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    if qemu && st == enosys {
        t.skip(
            "execveat_relative_to_dirfd",
            "QEMU 7.2: execveat gives ENOSYS (not emulated for guests)",
        );
    } else {
        check!(t, "execveat_relative_to_dirfd", st, Ok(Status::Exited(5)));
    }

    for f in [&plain, &empty, &garbage] {
        let _ = fs::unlinkat(CWD, f.as_str(), AtFlags::empty());
    }
    let _ = fs::unlinkat(CWD, d, AtFlags::REMOVEDIR);
    check!(t, "no_child_left_at_the_end", no_children(), true);
    baseline.check(&mut t);
    t.finish()
}

sysrt_rt::main!(main);
