//! The environment (`sysrt::env`: Getenv, Setenv, Unsetenv, Clearenv, Environ) with Go's
//! validation and the arena's ENOMEM limit, seen through `sysrt_rt` too; and `look_path` with
//! Go's `exec.LookPath` rules: names with a `/`, PATH search with empty and relative entries
//! (ErrDot), non-executables and directories skipped, exact errors.
#![no_std]
#![no_main]

use sysrt::env;
use sysrt::fs::{self, AtFlags};
use sysrt::process::{self, LookPathError, ProcAttr};
use sysrt::{Errno, Sysno};
use sysrt_tests::check::Buf;
use sysrt_tests::spawn::{Status, wait};
use sysrt_tests::util::{FdBaseline, Text, join, raw_mkdir, text, text_of, tmp_path, write_file};
use sysrt_tests::{Tests, check};

const PLAN: usize = 40;

/// The environment as one `|`-joined string.
fn environ_text() -> Buf<2048> {
    let mut b = Buf::<2048>::new();
    for (i, e) in env::environ().enumerate() {
        let sep = if i == 0 { "" } else { "|" };
        let _ = core::fmt::Write::write_fmt(
            &mut b,
            format_args!("{sep}{}", core::str::from_utf8(e.to_bytes()).unwrap_or("?")),
        );
    }
    b
}

/// How many entries of the environment have this name.
fn count(key: &str) -> usize {
    env::environ()
        .filter(|e| {
            let b = e.to_bytes();
            b.starts_with(key.as_bytes()) && b.get(key.len()) == Some(&b'=')
        })
        .count()
}

/// A look_path result in a comparable form.
#[derive(PartialEq, Debug)]
enum Found {
    Path(Text),
    Missing,
    Dot(Text),
    Errno(Errno),
}

fn lp(name: &[u8], path: Option<&[u8]>) -> Found {
    match process::look_path(name, path) {
        Ok(p) => Found::Path(text_of(p.as_bytes())),
        Err(LookPathError::NotFound) => Found::Missing,
        Err(LookPathError::Dot(p)) => Found::Dot(text_of(p.as_bytes())),
        Err(LookPathError::Errno(e)) => Found::Errno(e),
    }
}

fn ok(s: &str) -> Found {
    Found::Path(text(s))
}

fn not_found() -> Found {
    Found::Missing
}

fn errno(e: Errno) -> Found {
    Found::Errno(e)
}

fn raw_chmod(path: &str, mode: u32) {
    use sysrt::path::Arg;
    let _ = path.with_c_str(|p| {
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
    });
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();

    // Reading what xtask passed.
    check!(
        t,
        "getenv_passed_variable",
        env::getenv("SYSRT_TEST_PPID").is_some(),
        true
    );
    check!(
        t,
        "getenv_missing_none",
        env::getenv("SYSRT_NO_SUCH_VAR"),
        None
    );
    check!(t, "getenv_empty_key_none", env::getenv(""), None);
    check!(t, "getenv_key_with_eq_none", env::getenv("PATH=/usr"), None);

    // Go's Setenv validation: nothing changes on EINVAL.
    let before = environ_text();
    check!(
        t,
        "setenv_rejects_like_go_einval",
        (
            env::setenv("", "v"),
            env::setenv("A=B", "v"),
            env::setenv("A\0B", "v"),
            env::setenv("OK", "a\0b")
        ),
        (
            Err(Errno::EINVAL),
            Err(Errno::EINVAL),
            Err(Errno::EINVAL),
            Err(Errno::EINVAL)
        )
    );
    check!(
        t,
        "rejected_setenv_changes_nothing",
        environ_text().as_str() == before.as_str(),
        true
    );
    check!(
        t,
        "unsetenv_unnameable_key_is_ok_like_go",
        (
            env::unsetenv("A=B"),
            env::unsetenv(""),
            environ_text().as_str() == before.as_str()
        ),
        (Ok(()), Ok(()), true)
    );

    // Set, replace, unset.
    check!(
        t,
        "setenv_new_variable",
        (
            env::setenv("SPAWN_ENV_NEW", "one"),
            env::getenv("SPAWN_ENV_NEW"),
            count("SPAWN_ENV_NEW")
        ),
        (Ok(()), Some(&b"one"[..]), 1usize)
    );
    let held = env::getenv("SPAWN_ENV_NEW");
    check!(
        t,
        "setenv_replace_keeps_one_entry",
        (
            env::setenv("SPAWN_ENV_NEW", "two=2"),
            env::getenv("SPAWN_ENV_NEW"),
            count("SPAWN_ENV_NEW")
        ),
        (Ok(()), Some(&b"two=2"[..]), 1usize)
    );
    check!(
        t,
        "old_value_still_valid_after_replace",
        held,
        Some(&b"one"[..])
    );
    check!(
        t,
        "setenv_empty_value",
        (
            env::setenv("SPAWN_ENV_EMPTY", ""),
            env::getenv("SPAWN_ENV_EMPTY")
        ),
        (Ok(()), Some(&b""[..]))
    );
    check!(
        t,
        "setenv_non_utf8_value",
        (
            env::setenv("SPAWN_ENV_BYTES", b"\xff\xfe"),
            env::getenv("SPAWN_ENV_BYTES")
        ),
        (Ok(()), Some(&b"\xff\xfe"[..]))
    );
    check!(
        t,
        "setenv_existing_variable_replaced",
        (
            env::setenv("SYSRT_TEST_PPID", "7"),
            env::getenv("SYSRT_TEST_PPID"),
            count("SYSRT_TEST_PPID")
        ),
        (Ok(()), Some(&b"7"[..]), 1usize)
    );
    check!(
        t,
        "runtime_getenv_reads_through_sysrt_env",
        (
            sysrt_rt::getenv("SPAWN_ENV_NEW"),
            sysrt_rt::env::vars().any(|(k, _)| k == b"SPAWN_ENV_EMPTY")
        ),
        (Some(&b"two=2"[..]), true)
    );
    check!(
        t,
        "unsetenv_removes",
        (
            env::unsetenv("SPAWN_ENV_NEW"),
            env::getenv("SPAWN_ENV_NEW"),
            count("SPAWN_ENV_NEW")
        ),
        (Ok(()), None, 0usize)
    );
    check!(
        t,
        "unsetenv_missing_ok",
        env::unsetenv("SPAWN_ENV_NEVER"),
        Ok(())
    );

    // The arena limit, in a forked child (it spends this process's arena).
    // SAFETY: single-threaded; the child only calls sysrt::env and exits.
    let limit = match unsafe { process::fork() } {
        Ok(None) => {
            let big = [b'x'; env::ARENA_BYTES];
            let big_err = env::setenv("BIG", big);
            let mut n = 0usize;
            let mut digits = [b'0'; 8];
            let err = loop {
                let mut v = n;
                for d in digits.iter_mut().rev() {
                    *d = b'0' + (v % 10) as u8;
                    v /= 10;
                }
                match env::setenv("COUNTER", digits) {
                    Ok(()) => n += 1,
                    Err(e) => break e,
                }
            };
            let kept = env::getenv("COUNTER").map(|v| v.len());
            env::clearenv();
            let cleared = env::environ().count();
            let code = u8::from(big_err == Err(Errno::ENOMEM))
                | u8::from(err == Errno::ENOMEM) << 1
                | u8::from(n > 100 && n <= env::MAX_CHANGES) << 2
                | u8::from(kept == Some(8)) << 3
                | u8::from(cleared == 0) << 4;
            process::exit(i32::from(code))
        }
        Ok(Some(pid)) => wait(pid),
        Err(e) => Err(e),
    };
    check!(
        t,
        "arena_limit_enomem_env_intact_clearenv_works",
        limit,
        Ok(Status::Exited(0b11111))
    );

    // Clearenv, then spawn with the inherited (empty) environment.
    env::clearenv();
    check!(
        t,
        "clearenv_empties",
        (env::environ().count(), env::getenv("PATH")),
        (0usize, None)
    );
    check!(
        t,
        "setenv_after_clearenv",
        (env::setenv("ONLY", "1"), text_of(environ_text().as_bytes())),
        (Ok(()), text("ONLY=1"))
    );
    let r = process::fork_exec(
        "/bin/sh",
        &[
            "sh",
            "-c",
            "test \"$ONLY\" = 1 && test -z \"$SYSRT_TEST_PPID\"",
        ],
        &ProcAttr::new(),
    );
    check!(
        t,
        "spawn_inherits_cleared_env",
        r.map(wait),
        Ok(Ok(Status::Exited(0)))
    );

    // look_path: names with '/', then PATH searches.
    check!(
        t,
        "look_path_absolute_name",
        lp(b"/bin/sh", None),
        ok("/bin/sh")
    );
    check!(
        t,
        "look_path_missing_with_slash_enoent",
        lp(b"/nonexistent/sh", None),
        errno(Errno::ENOENT)
    );
    // A file of our own with no execute bit (a host file such as /etc/passwd is not in
    // every machine: the kernel guests have none).
    let plain = tmp_path("lp-plain");
    let _ = write_file(plain.as_str(), b"data");
    check!(
        t,
        "look_path_not_executable_eacces",
        lp(plain.as_bytes(), None),
        errno(Errno::EACCES)
    );
    let _ = sysrt::fs::unlink(plain.as_str());
    check!(
        t,
        "look_path_directory_eisdir",
        lp(b"/tmp/", None),
        errno(Errno::EISDIR)
    );
    check!(
        t,
        "look_path_nul_in_name_einval",
        lp(b"/bin/s\0h", None),
        errno(Errno::EINVAL)
    );
    check!(
        t,
        "look_path_empty_dot_dotdot_not_found",
        (lp(b"", None), lp(b".", None), lp(b"..", None)),
        (not_found(), not_found(), not_found())
    );
    check!(
        t,
        "look_path_searches_entries_in_order",
        lp(b"sh", Some(b"/nonexistent:/bin:/usr/bin")),
        ok("/bin/sh")
    );
    check!(
        t,
        "look_path_cleans_the_entry",
        lp(b"sh", Some(b"/usr/../bin/")),
        ok("/bin/sh")
    );
    check!(
        t,
        "look_path_unset_path_not_found",
        lp(b"sh", None),
        not_found()
    );
    let _ = env::setenv("PATH", "/nonexistent:/bin");
    check!(
        t,
        "look_path_uses_current_env_path",
        lp(b"sh", None),
        ok("/bin/sh")
    );
    check!(
        t,
        "look_path_empty_path_not_found",
        lp(b"sh", Some(b"")),
        not_found()
    );
    check!(
        t,
        "look_path_missing_program_not_found",
        lp(b"sysrt-no-such-program", Some(b"/bin:/usr/bin")),
        not_found()
    );

    // A directory of our own: an executable, a non-executable, a directory with a program's
    // name; then relative entries from inside it (ErrDot).
    let dir = tmp_path("spawn-env-path");
    let d = dir.as_str();
    let _ = raw_mkdir(d, 0o755);
    let prog = join(d, "prog");
    let _ = write_file(prog.as_str(), b"#!/bin/sh\nexit 0\n");
    raw_chmod(prog.as_str(), 0o755);
    let noexec = join(d, "noexec");
    let _ = write_file(noexec.as_str(), b"#!/bin/sh\n");
    raw_chmod(noexec.as_str(), 0o644);
    let dirprog = join(d, "dirprog");
    let _ = raw_mkdir(dirprog.as_str(), 0o755);
    check!(
        t,
        "look_path_finds_our_program",
        lp(b"prog", Some(d.as_bytes())),
        ok(prog.as_str())
    );
    check!(
        t,
        "look_path_skips_non_executable_and_directory",
        (
            lp(b"noexec", Some(d.as_bytes())),
            lp(b"dirprog", Some(d.as_bytes()))
        ),
        (not_found(), not_found())
    );
    let mut cwd = [0u8; 256];
    // SAFETY: getcwd writes at most 256 bytes into `cwd`.
    let n = unsafe { sysrt::raw_syscall(Sysno::getcwd, cwd.as_mut_ptr() as usize, cwd.len(), 0) }
        .unwrap_or(1);
    let moved = fs::chdir(d);
    let dot = |s: &str| Found::Dot(text(s));
    check!(
        t,
        "look_path_relative_entries_are_errdot",
        (
            moved,
            lp(b"prog", Some(b".")),
            lp(b"prog", Some(b"/nonexistent:")),
            lp(b"prog", Some(b"../spawn-env-path/../x:./"))
        ),
        (Ok(()), dot("prog"), dot("prog"), dot("prog"))
    );
    check!(
        t,
        "look_path_dot_slash_name_is_direct",
        lp(b"./prog", Some(b"/bin")),
        ok("./prog")
    );
    let _ = fs::chdir(&cwd[..n.saturating_sub(1)]);
    check!(
        t,
        "look_path_error_as_errno",
        (
            Errno::from(LookPathError::NotFound),
            process::look_path("prog", Some(b"."))
                .map(drop)
                .map_err(Errno::from)
        ),
        (Errno::ENOENT, Err(Errno::ENOENT))
    );
    let found = process::look_path("true", Some(b"/nonexistent:/bin"));
    check!(
        t,
        "look_path_result_spawns",
        found
            .map(|p| process::fork_exec(&p, &["true"], &ProcAttr::new()).map(wait))
            .map_err(Errno::from),
        Ok(Ok(Ok(Status::Exited(0))))
    );

    for f in [&prog, &noexec] {
        let _ = fs::unlinkat(sysrt::fd::CWD, f.as_str(), AtFlags::empty());
    }
    let _ = fs::unlinkat(sysrt::fd::CWD, dirprog.as_str(), AtFlags::REMOVEDIR);
    let _ = fs::unlinkat(sysrt::fd::CWD, d, AtFlags::REMOVEDIR);
    baseline.check(&mut t);
    t.finish()
}

sysrt_rt::main!(main);
