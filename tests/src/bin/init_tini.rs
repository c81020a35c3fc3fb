//! sysrt-init (crates/init), run as users run tini: its command line and messages, exit codes
//! (the program's, 128+N, `-e` remapping of every code, 127/126), files with no `#!` line run
//! through `/bin/sh` as glibc's `execvp` runs them, reaping of 100 orphaned
//! grandchildren as a subreaper (`-s`, `TINI_SUBREAPER`) and as PID 1 of a new PID
//! namespace, `-w` lines, signal forwarding (to the child, and to its group with `-g`), the
//! signal mask and ignored signals the program gets back, `-p` parent-death signals, and the
//! warning and exit 1 when it could reap nothing. Also the typed `tcgetpgrp`/`tcsetpgrp` it uses.
//!
//! This program is also the child sysrt-init starts in most cases: `init_tini helper MODE`.
//! Under QEMU user-mode sysrt-init (a guest) can exec only host programs, so it is given the
//! host's QEMU binary with this program as its argument; `/bin/sh` is the host's.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use alloc::{format, vec};
use core::ffi::CStr;

use linux_raw_sys::ioctl::TIOCSCTTY;
use sysrt::Sysno;
use sysrt::fd::OwnedFd;
use sysrt::fs::{self, Mode, OFlags};
use sysrt::process::{self, Namespaces, Pid, ProcAttr, SysProcAttr};
use sysrt::signal::{self, SigSet, Signal};
use sysrt::{Errno, io};
use sysrt_rt::{args, getenv, println};
use sysrt_tests::child::sleep_ms;
use sysrt_tests::spawn::{Status, no_children, wait, wait4_raw};
use sysrt_tests::util::{FdBaseline, closed_fd, is_root, pty, raw_pipe, under_qemu};
use sysrt_tests::{Tests, check};

const PLAN: usize = 48;

/// The orphans of the reaping cases (the 100).
const ORPHANS: usize = 100;

/// tini's warning, word for word.
const REAPER_WARNING: &str = "Tini is not running as PID 1 and isn't registered as a child \
subreaper.\nZombie processes will not be re-parented to Tini, so zombie reaping won't work.\n\
To fix the problem, use the -s option or set the environment variable TINI_SUBREAPER to \
register Tini as a child subreaper, or run Tini as PID 1.";

/// Where the programs are, and how to start a guest program here.
struct Paths {
    /// The host's QEMU binary under QEMU user-mode.
    qemu: Option<Vec<u8>>,
    /// This program.
    me: Vec<u8>,
    /// sysrt-init, next to this program.
    init: Vec<u8>,
    /// The option that keeps sysrt-init from warning that it cannot reap: `-s` (a
    /// subreaper), or under QEMU, which does not emulate `PR_SET_CHILD_SUBREAPER`, `-w`
    /// (harmless where nothing is reaped), with `TINI_VERBOSITY=0` in the environment.
    sub: &'static str,
}

impl Paths {
    fn find() -> Paths {
        let me = args::arg(0).map_or(&b""[..], CStr::to_bytes).to_vec();
        let dir = match me.iter().rposition(|&b| b == b'/') {
            Some(i) => me[..i].to_vec(),
            None => b".".to_vec(),
        };
        let mut init = dir;
        init.extend_from_slice(b"/sysrt-init");
        let qemu = getenv("SYSRT_QEMU").map(<[u8]>::to_vec);
        Paths {
            sub: if qemu.is_some() { "-w" } else { "-s" },
            qemu,
            me,
            init,
        }
    }

    /// The argv that starts guest program `prog` here.
    fn guest(&self, prog: &[u8]) -> Vec<Vec<u8>> {
        let mut v = Vec::new();
        if let Some(q) = &self.qemu {
            v.push(q.clone());
        }
        v.push(prog.to_vec());
        v
    }

    /// `sysrt-init OPTS… CHILD…`.
    fn init(&self, opts: &[&str], child: &[Vec<u8>]) -> Vec<Vec<u8>> {
        let mut v = self.guest(&self.init);
        v.extend(opts.iter().map(|o| o.as_bytes().to_vec()));
        v.extend(child.iter().cloned());
        v
    }

    /// `init_tini helper MODE ARGS…` as sysrt-init's child.
    fn helper(&self, mode: &str, rest: &[&str]) -> Vec<Vec<u8>> {
        let mut v = self.guest(&self.me);
        v.push(b"helper".to_vec());
        v.push(mode.as_bytes().to_vec());
        v.extend(rest.iter().map(|o| o.as_bytes().to_vec()));
        v
    }
}

/// `/bin/sh -c SCRIPT` (the host's shell under QEMU; busybox in a kernel guest).
fn sh(script: &str) -> Vec<Vec<u8>> {
    vec![
        b"/bin/sh".to_vec(),
        b"-c".to_vec(),
        script.as_bytes().to_vec(),
    ]
}

/// A started sysrt-init whose stderr (and stdout, unless sent to /dev/null) is read here.
struct Run {
    pid: Pid,
    r: OwnedFd,
    out: Vec<u8>,
    eof: bool,
}

/// What a run gets: `env` exactly (and a `PATH` if it has none), stdin on /dev/null.
struct Spec<'a> {
    env: &'a [&'a str],
    stdout: bool,
    sys: SysProcAttr<'a>,
}

const PLAIN: Spec<'static> = Spec {
    env: &[],
    stdout: true,
    sys: ProcAttr::new().sys,
};

fn start(argv: &[Vec<u8>], spec: &Spec<'_>) -> Result<Run, Errno> {
    let null = fs::open("/dev/null", OFlags::RDWR, Mode::empty())?;
    let (r, w) = raw_pipe()?;
    let files = [
        Some(null.as_fd()),
        Some(if spec.stdout { w.as_fd() } else { null.as_fd() }),
        Some(w.as_fd()),
    ];
    let mut env: Vec<&str> = Vec::new();
    if !spec.env.iter().any(|e| e.starts_with("PATH=")) {
        env.push("PATH=/usr/local/bin:/usr/bin:/bin");
    }
    if under_qemu() && !spec.env.iter().any(|e| e.starts_with("TINI_VERBOSITY=")) {
        env.push("TINI_VERBOSITY=0");
    }
    env.extend_from_slice(spec.env);
    let attr = ProcAttr::new().files(&files).env(&env).sys(spec.sys);
    let mut arena = vec![core::mem::MaybeUninit::<u8>::uninit(); 64 * 1024];
    let argv: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
    let started = process::start_process_in(&mut arena, argv[0], &argv, &attr)?;
    Ok(Run {
        pid: started.pid,
        r,
        out: Vec::new(),
        eof: false,
    })
}

impl Run {
    fn read_more(&mut self) {
        let mut buf = [0u8; 4096];
        match sysrt::retry_on_intr(|| io::read(&self.r, &mut buf)) {
            Ok(0) | Err(_) => self.eof = true,
            Ok(n) => self.out.extend_from_slice(&buf[..n]),
        }
    }

    /// Reads until the output holds `needle` (true) or ends (false).
    fn wait_for(&mut self, needle: &[u8]) -> bool {
        while !contains(&self.out, needle) {
            if self.eof {
                return false;
            }
            self.read_more();
        }
        true
    }

    /// Reads to the end and reaps sysrt-init.
    fn finish(mut self) -> (Status, String) {
        while !self.eof {
            self.read_more();
        }
        let st = wait(self.pid).unwrap_or(Status::Other(-1));
        (st, String::from_utf8_lossy(&self.out).into_owned())
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// Runs sysrt-init to the end.
fn run(argv: &[Vec<u8>], spec: &Spec<'_>) -> (Status, String) {
    match start(argv, spec) {
        Ok(r) => r.finish(),
        Err(e) => (Status::Other(-1000 - i32::from(e.raw())), String::new()),
    }
}

/// The pids of the "Reaped zombie process with pid=" lines, sorted.
fn reaped_lines(out: &str) -> Vec<i32> {
    let mut v: Vec<i32> = out
        .lines()
        .filter_map(|l| l.split_once("Reaped zombie process with pid="))
        .filter_map(|(_, p)| p.trim().parse().ok())
        .collect();
    v.sort_unstable();
    v
}

/// The pids the orphans helper reported ("orphan PID"), sorted.
fn orphan_lines(out: &str) -> Vec<i32> {
    let mut v: Vec<i32> = out
        .lines()
        .filter_map(|l| l.strip_prefix("orphan "))
        .filter_map(|p| p.trim().parse().ok())
        .collect();
    v.sort_unstable();
    v
}

/// Why sysrt-init cannot be a subreaper here, if it cannot.
fn subreaper_gap() -> Option<&'static str> {
    match process::pr_get_child_subreaper() {
        Ok(_) => None,
        Err(_) if under_qemu() => {
            Some("QEMU: prctl(PR_SET_CHILD_SUBREAPER) is not emulated (EINVAL)")
        }
        Err(_) => Some("prctl(PR_GET_CHILD_SUBREAPER) fails here"),
    }
}

fn main() -> i32 {
    if args::arg(1).is_some_and(|a| a.to_bytes() == b"helper") {
        return helper();
    }
    let mut t = Tests::new(PLAN);
    let base = FdBaseline::take();
    let p = Paths::find();
    // Orphans that escape sysrt-init come to us and stay zombies until we reap them: that is
    // how `-p` sees sysrt-init end.
    let we_reap = process::pr_set_child_subreaper(true);

    options_cases(&mut t, &p);
    exit_code_cases(&mut t, &p);
    remap_cases(&mut t, &p);
    reaping_cases(&mut t, &p);
    forwarding_cases(&mut t, &p);
    signal_state_cases(&mut t, &p);
    pdeathsig_case(&mut t, &p, we_reap.is_ok());
    namespace_cases(&mut t, &p);
    terminal_cases(&mut t, &p);

    check!(t, "no_child_left_behind", no_children(), true);
    base.check(&mut t);
    t.finish()
}

fn options_cases(t: &mut Tests, p: &Paths) {
    let (st, out) = run(&p.init(&["--version"], &[]), &PLAIN);
    check!(
        t,
        "version_sole_argument_prints_version",
        (st, out.as_str()),
        (Status::Exited(0), "sysrt-init version 0.1.0\n")
    );
    let (st, out) = run(&p.init(&["--version", "/bin/true"], &[]), &PLAIN);
    check!(
        t,
        "version_with_more_args_is_bad_option_exit_1",
        (st, out.contains("invalid option -- '-'\n")),
        (Status::Exited(1), true)
    );
    let (st, out) = run(&p.init(&["-h"], &[]), &PLAIN);
    check!(
        t,
        "help_usage_on_stdout_exit_0",
        (
            st,
            out.starts_with("sysrt-init (sysrt-init version 0.1.0)\n"),
            out.contains("Usage: sysrt-init [OPTIONS] PROGRAM -- [ARGS] | --version\n"),
            out.contains("  TINI_KILL_PROCESS_GROUP: Send signals to the child's process group.\n")
        ),
        (Status::Exited(0), true, true, true)
    );
    let quiet = Spec {
        stdout: false,
        ..PLAIN
    };
    let (st, out) = run(&p.init(&[p.sub], &[]), &quiet);
    check!(
        t,
        "no_program_usage_on_stderr_exit_1",
        (st, out.contains("Usage: sysrt-init")),
        (Status::Exited(1), true)
    );
    let (st, out) = run(&p.init(&["-x", "/bin/true"], &[]), &quiet);
    check!(
        t,
        "invalid_option_getopt_message_exit_1",
        (st, out.contains(": invalid option -- 'x'\nsysrt-init (")),
        (Status::Exited(1), true)
    );
    let (st, out) = run(&p.init(&[p.sub, "-e"], &[]), &quiet);
    check!(
        t,
        "option_without_argument_exit_1",
        (st, out.contains(": option requires an argument -- 'e'\n")),
        (Status::Exited(1), true)
    );
    let (st, out) = run(&p.init(&["-p", "USR1", "/bin/true"], &[]), &quiet);
    check!(
        t,
        "pdeathsig_needs_tini_name_exit_1",
        (st, out.contains("] Not a valid option for -p: USR1\n")),
        (Status::Exited(1), true)
    );
    let (st, out) = run(&p.init(&["-e", "256", "/bin/true"], &[]), &quiet);
    check!(
        t,
        "remap_code_256_refused_exit_1",
        (st, out.contains("] Not a valid option for -e: 256\n")),
        (Status::Exited(1), true)
    );
    let (st, out) = run(&p.init(&["-l"], &[]), &PLAIN);
    check!(
        t,
        "license_is_sysrts_exit_0",
        (st, out.contains("License: MIT OR Apache-2.0")),
        (Status::Exited(0), true)
    );
    // glibc getopt permutes: `-s` after the program's name is still ours, `--` ends options.
    let (st, out) = run(
        &p.init(
            &[],
            &[
                b"/bin/sh".to_vec(),
                p.sub.as_bytes().to_vec(),
                b"--".to_vec(),
                b"-c".to_vec(),
                b"exit 5".to_vec(),
            ],
        ),
        &PLAIN,
    );
    check!(
        t,
        "options_after_program_are_parsed",
        (st, out.as_str()),
        (Status::Exited(5), "")
    );
    let (st, _) = run(&p.init(&[p.sub], &sh("exit 4")), &quiet);
    check!(
        t,
        "program_option_without_dashdash_is_ours",
        st,
        Status::Exited(1)
    );
    let posix = Spec {
        env: &["POSIXLY_CORRECT=1"],
        ..PLAIN
    };
    let (st, out) = run(&p.init(&[p.sub], &sh("exit 6")), &posix);
    check!(
        t,
        "posixly_correct_stops_at_program",
        (st, out.as_str()),
        (Status::Exited(6), "")
    );
}

fn exit_code_cases(t: &mut Tests, p: &Paths) {
    for (name, script, want) in [
        ("exit_code_0_passed_on", "exit 0", 0),
        ("exit_code_1_passed_on", "exit 1", 1),
        ("exit_code_255_passed_on", "exit 255", 255),
        ("killed_by_sigterm_exit_143", "kill -TERM $$", 143),
        ("killed_by_sigkill_exit_137", "kill -KILL $$", 137),
    ] {
        let (st, _) = run(&p.init(&[p.sub, "--"], &sh(script)), &PLAIN);
        check!(t, name, st, Status::Exited(want));
    }
    let (st, out) = run(&p.init(&[p.sub, "--", "/nonexistent/prog"], &[]), &PLAIN);
    check!(
        t,
        "missing_program_exit_127",
        (
            st,
            out.contains("] exec /nonexistent/prog failed: No such file or directory\n")
        ),
        (Status::Exited(127), true)
    );
    let (st, _) = run(&p.init(&[p.sub, "no-such-program-on-path"], &[]), &PLAIN);
    check!(
        t,
        "missing_program_on_path_exit_127",
        st,
        Status::Exited(127)
    );
    let path = format!("/tmp/sysrt-init-noexec-{}", process::getpid());
    let _ = sysrt_tests::util::write_file(&path, b"#!/bin/sh\nexit 0\n");
    let (st, out) = run(&p.init(&[p.sub, "--", &path], &[]), &PLAIN);
    let _ = fs::unlink(path.as_str());
    check!(
        t,
        "not_executable_program_exit_126",
        (st, out.contains("failed: Permission denied\n")),
        (Status::Exited(126), true)
    );
    unrecognised_format_cases(t, p);
}

/// An executable file with no `#!` line (the kernel: `ENOEXEC`) runs as glibc's `execvp` runs
/// it, through `/bin/sh` (the host's under QEMU), with the path as `$0` and the arguments
/// after it; its output and status come through. Not executable, it is still 126.
fn unrecognised_format_cases(t: &mut Tests, p: &Paths) {
    let dir = format!("/tmp/sysrt-init-enoexec-{}", process::getpid());
    let path = format!("{dir}/script");
    let made = fs::mkdir(dir.as_str(), Mode::from_octal(0o755))
        .and_then(|()| sysrt_tests::util::write_file(&path, b"echo \"$0 $#: $1 $2\"\nexit 7\n"))
        .and_then(|()| fs::chmod(path.as_str(), Mode::from_octal(0o755)));
    let (st, out) = run(&p.init(&[p.sub, "--", &path, "a b", "c"], &[]), &PLAIN);
    check!(
        t,
        "no_shebang_file_runs_through_bin_sh_exit_7",
        (made, st, out),
        (Ok(()), Status::Exited(7), format!("{path} 2: a b c\n"))
    );
    let path_env = format!("PATH=/nonexistent:{dir}");
    let on_path = Spec {
        env: &[path_env.as_str()],
        ..PLAIN
    };
    let (st, out) = run(&p.init(&[p.sub, "--", "script", "x"], &[]), &on_path);
    check!(
        t,
        "no_shebang_file_on_path_runs_through_bin_sh",
        (st, out),
        (Status::Exited(7), format!("{path} 1: x \n"))
    );
    let _ = fs::chmod(path.as_str(), Mode::from_octal(0o644));
    let (st, out) = run(&p.init(&[p.sub, "--", &path], &[]), &PLAIN);
    check!(
        t,
        "no_shebang_file_not_executable_exit_126",
        (st, out.contains("failed: Permission denied\n")),
        (Status::Exited(126), true)
    );
    let _ = fs::unlink(path.as_str());
    let _ = fs::rmdir(dir.as_str());
}

fn remap_cases(t: &mut Tests, p: &Paths) {
    // tini's own test: each code remapped alone (with `--`), then every other code remapped
    // (with POSIXLY_CORRECT instead of `--`).
    let mut wrong_inclusive = Vec::new();
    let mut wrong_exclusive = Vec::new();
    let posix = Spec {
        env: &["POSIXLY_CORRECT=1"],
        stdout: false,
        ..PLAIN
    };
    let quiet = Spec {
        stdout: false,
        ..PLAIN
    };
    for code in 0..=255u32 {
        let script = format!("exit {code}");
        let c = format!("{code}");
        let (st, _) = run(&p.init(&[p.sub, "-e", &c, "--"], &sh(&script)), &quiet);
        if st != Status::Exited(0) {
            wrong_inclusive.push((code, st));
        }
        let others: Vec<String> = (0..=255u32)
            .filter(|&x| x != code)
            .flat_map(|x| [String::from("-e"), format!("{x}")])
            .collect();
        let mut opts: Vec<&str> = vec![p.sub];
        opts.extend(others.iter().map(String::as_str));
        let (st, _) = run(&p.init(&opts, &sh(&script)), &posix);
        if st != Status::Exited(code as i32) {
            wrong_exclusive.push((code, st));
        }
    }
    check!(
        t,
        "remap_inclusive_each_code_0_to_255",
        wrong_inclusive.first().copied(),
        None
    );
    check!(
        t,
        "remap_exclusive_each_code_0_to_255",
        wrong_exclusive.first().copied(),
        None
    );
}

fn reaping_cases(t: &mut Tests, p: &Paths) {
    let n = format!("{ORPHANS}");
    if let Some(why) = subreaper_gap() {
        for name in [
            "reap_100_orphans_with_s_w_lines",
            "reap_100_orphans_with_tini_subreaper",
        ] {
            t.skip(name, why);
        }
    } else {
        reaping_as_subreaper(t, p, &n);
    }
    not_subreaper_cases(t, p);
}

fn reaping_as_subreaper(t: &mut Tests, p: &Paths, n: &str) {
    let (st, out) = run(
        &p.init(&["-s", "-w", "--"], &p.helper("orphans", &[n])),
        &PLAIN,
    );
    let orphans = orphan_lines(&out);
    check!(
        t,
        "reap_100_orphans_with_s_w_lines",
        (st, orphans.len(), reaped_lines(&out) == orphans),
        (Status::Exited(0), ORPHANS, true)
    );
    let env = Spec {
        env: &["TINI_SUBREAPER="],
        ..PLAIN
    };
    let (st, out) = run(&p.init(&["--"], &p.helper("orphans", &[n])), &env);
    check!(
        t,
        "reap_100_orphans_with_tini_subreaper",
        (
            st,
            orphan_lines(&out).len(),
            reaped_lines(&out).len(),
            out.contains("zombie reaping")
        ),
        (Status::Exited(0), ORPHANS, 0, false)
    );
}

fn not_subreaper_cases(t: &mut Tests, p: &Paths) {
    let names = [
        "not_subreaper_warns_exit_1_program_not_run",
        "not_subreaper_verbosity_0_still_warns_exit_1",
    ];
    if under_qemu() {
        for name in names {
            t.skip(
                name,
                "QEMU: prctl(PR_GET_CHILD_SUBREAPER) is not emulated (EINVAL), so sysrt-init \
                 cannot know it is not a subreaper and starts the program, as tini does",
            );
        }
    } else {
        // Unlike tini, which warns and starts the program anyway: the warning, word for word,
        // and exit 1, and the program never ran (it would have created the file).
        for (name, env) in names.into_iter().zip([&[][..], &["TINI_VERBOSITY=0"][..]]) {
            let file = format!("/tmp/sysrt-init-ran-{}", process::getpid());
            let script = format!(": > {file}");
            let spec = Spec { env, ..PLAIN };
            let got = start(&p.init(&["--"], &sh(&script)), &spec).map(|r| {
                let pid = r.pid;
                let (st, out) = r.finish();
                (
                    st,
                    out == format!("[WARN  tini ({pid})] {REAPER_WARNING}\n"),
                )
            });
            let ran = fs::unlink(file.as_str()) != Err(Errno::ENOENT);
            check!(t, name, (got, ran), (Ok((Status::Exited(1), true)), false));
        }
    }
    // Where the kernel cannot say (here only under QEMU), sysrt-init warns and goes on.
    let name = "subreaper_unknown_warns_and_runs_program";
    if subreaper_gap().is_none() {
        t.skip(
            name,
            "the kernel answers PR_GET_CHILD_SUBREAPER here; only QEMU leaves it unknown",
        );
        return;
    }
    let env = Spec {
        env: &["TINI_VERBOSITY=1"],
        ..PLAIN
    };
    let (st, out) = run(&p.init(&["--"], &sh("exit 9")), &env);
    check!(
        t,
        name,
        (st, out.contains(REAPER_WARNING)),
        (Status::Exited(9), true)
    );
}

fn forwarding_cases(t: &mut Tests, p: &Paths) {
    for (name, sig) in [
        ("forward_sigterm_exit_143", Signal::TERM),
        ("forward_sigusr1_exit_138", Signal::USR1),
        ("forward_sigusr2_exit_140", Signal::USR2),
    ] {
        let got = start(&p.init(&[p.sub, "--"], &p.helper("pause", &[])), &PLAIN).map(|mut r| {
            let ready = r.wait_for(b"ready\n");
            let sent = signal::kill(r.pid, sig);
            (ready, sent, r.finish().0)
        });
        check!(
            t,
            name,
            got,
            Ok((true, Ok(()), Status::Exited(128 + sig.raw())))
        );
    }
    for (name, opts, env) in [
        (
            "group_flag_g_reaches_grandchild",
            &[p.sub, "-g", "--"][..],
            &[][..],
        ),
        (
            "group_env_reaches_grandchild",
            &[p.sub, "--"][..],
            &["TINI_KILL_PROCESS_GROUP=1"][..],
        ),
    ] {
        let spec = Spec { env, ..PLAIN };
        let got = start(&p.init(opts, &p.helper("group", &[])), &spec).map(|mut r| {
            let ready = r.wait_for(b"ready\n");
            let sent = signal::kill(r.pid, Signal::USR1);
            let (st, out) = r.finish();
            (ready, sent, st, out.contains("grandchild killed by 10"))
        });
        // The child ignores SIGUSR1 and exits 0 once its grandchild died of it.
        check!(t, name, got, Ok((true, Ok(()), Status::Exited(0), true)));
    }
}

fn signal_state_cases(t: &mut Tests, p: &Paths) {
    if under_qemu() {
        for name in [
            "child_gets_start_mask_sigblk",
            "child_gets_start_ignores_sigign",
        ] {
            t.skip(
                name,
                "QEMU: the guest's mask is emulated and its SIG_IGN is a host handler of \
                 QEMU's, which exec resets, so no host program inherits either",
            );
        }
        return;
    }
    let ignored = [Signal::TTOU, Signal::SEGV, Signal::INT];
    let blocked: SigSet = [Signal::TTIN, Signal::ILL, Signal::TERM]
        .into_iter()
        .collect();
    for s in ignored {
        let _ = signal::ignore(s);
    }
    let spec = Spec {
        sys: SysProcAttr {
            sigmask: Some(blocked),
            ..ProcAttr::new().sys
        },
        ..PLAIN
    };
    let (st, out) = run(&p.init(&["-s", "--"], &p.helper("status", &[])), &spec);
    for s in ignored {
        let _ = signal::reset(s);
    }
    let field = |key: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(key))
            .map(|v| String::from(v.trim()))
    };
    // On top of what this program was started with (a runner may ignore signals too).
    let ign = ignored
        .into_iter()
        .fold(own_ignored(), |set, sig| set.with(sig));
    check!(
        t,
        "child_gets_start_mask_sigblk",
        (st, field("SigBlk:")),
        (Status::Exited(0), Some(format!("{:016x}", blocked.raw())))
    );
    check!(
        t,
        "child_gets_start_ignores_sigign",
        field("SigIgn:"),
        Some(format!("{:016x}", ign.raw()))
    );
}

/// The signals this program was started with ignored (`SigIgn` of /proc/self/status).
fn own_ignored() -> SigSet {
    let mut buf = [0u8; 4096];
    let text = sysrt_tests::procfs::read_file("/proc/self/status", &mut buf).unwrap_or(b"");
    let hex = text
        .split(|&b| b == b'\n')
        .find_map(|l| l.strip_prefix(b"SigIgn:"))
        .and_then(|v| core::str::from_utf8(v).ok())
        .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
        .unwrap_or(0);
    SigSet::from_raw(hex)
}

fn pdeathsig_case(t: &mut Tests, p: &Paths, we_reap: bool) {
    let name = "pdeathsig_usr1_when_parent_dies_exit_138";
    let Ok((r, w)) = raw_pipe() else {
        t.skip(name, "no pipe");
        return;
    };
    // -vv: sysrt-init says how its child ended, which shows the signal went through even
    // where sysrt-init, orphaned, cannot come to us (under QEMU).
    let argv = p.init(
        &[p.sub, "-vv", "-p", "SIGUSR1", "--"],
        &p.helper("pause", &[]),
    );
    let argv: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
    // SAFETY: this program is single-threaded; the child only spawns and pauses.
    let parent = match unsafe { process::fork() } {
        Ok(None) => {
            drop(r);
            let null = fs::open("/dev/null", OFlags::RDWR, Mode::empty());
            let code = match null {
                Ok(null) => {
                    let files = [Some(null.as_fd()), Some(w.as_fd()), Some(w.as_fd())];
                    let attr = ProcAttr::new().files(&files);
                    match process::start_process(argv[0], &argv, &attr) {
                        Ok(_) => loop {
                            signal::pause();
                        },
                        Err(_) => 2,
                    }
                }
                Err(_) => 3,
            };
            process::exit(code)
        }
        Ok(Some(pid)) => pid,
        Err(e) => {
            t.check(name, Err::<(), Errno>(e), Ok::<(), Errno>(()));
            return;
        }
    };
    drop(w);
    let mut run = Run {
        pid: parent,
        r,
        out: Vec::new(),
        eof: false,
    };
    let ready = run.wait_for(b"ready\n");
    let _ = signal::kill(parent, Signal::KILL);
    let parent_end = wait(parent);
    // sysrt-init, orphaned, comes to us: its status says what the signal did.
    let init_end = if we_reap {
        wait4_raw(-1, 0).map(|(_, s)| s)
    } else {
        Ok(Status::Exited(138))
    };
    while !run.eof {
        run.read_more();
    }
    let said = contains(
        &run.out,
        b"] Main child exited with signal (with signal 'SIGUSR1')\n",
    );
    check!(
        t,
        name,
        (ready, parent_end, said, init_end),
        (true, Ok(Status::Signaled(9)), true, Ok(Status::Exited(138)))
    );
}

fn namespace_cases(t: &mut Tests, p: &Paths) {
    let names = [
        "pid1_in_new_pid_ns_reaps_100_orphans",
        "pid1_container_script_jobs_reaped_then_exit",
    ];
    let why = if under_qemu() {
        Some("QEMU 7.2's fork emulation rejects CLONE_NEW* flags in clone (EINVAL)")
    } else if !is_root() {
        Some("needs root (CAP_SYS_ADMIN) for CLONE_NEWPID")
    } else {
        None
    };
    if let Some(why) = why {
        for n in names {
            t.skip(n, why);
        }
        return;
    }
    let spec = Spec {
        sys: SysProcAttr {
            cloneflags: Namespaces::NEWPID,
            ..ProcAttr::new().sys
        },
        ..PLAIN
    };
    let n = format!("{ORPHANS}");
    // PID 1 of its namespace: no -s, no warning, and the orphans come to it.
    let (st, out) = run(&p.init(&["-w", "--"], &p.helper("orphans", &[&n])), &spec);
    let orphans = orphan_lines(&out);
    check!(
        t,
        names[0],
        (
            st,
            orphans.len(),
            reaped_lines(&out) == orphans,
            out.contains("zombie reaping")
        ),
        (Status::Exited(0), ORPHANS, true, false)
    );
    // A container's shell: jobs put in the background by subshells that exit at once, so
    // the jobs are orphans of sysrt-init. Each job waits for a go file that the shell
    // creates once every subshell is gone (so no subshell can reap it; the job's stdout is
    // not the substitution's pipe, which the shell reads to the end first); the shell then
    // waits (kill -0 is true for a zombie) until sysrt-init has reaped each job, and exits 3.
    // busybox's sh in a kernel guest.
    let go = format!("/tmp/sysrt-init-go-{}", process::getpid());
    let script = "i=0; pids=; while [ $i -lt 8 ]; do \
                  pids=\"$pids $( (/bin/sh -c 'while [ ! -e \"$0\" ]; do :; done' \"$1\" \
                  >/dev/null & echo $!) )\"; i=$((i+1)); done; : > \"$1\"; \
                  for p in $pids; do echo job $p; \
                  while kill -0 $p 2>/dev/null; do :; done; done; exit 3";
    let mut argv = sh(script);
    argv.push(b"sh".to_vec());
    argv.push(go.as_bytes().to_vec());
    let (st, out) = run(&p.init(&["-w", "--"], &argv), &spec);
    let _ = fs::unlink(go.as_str());
    let mut jobs: Vec<i32> = out
        .lines()
        .filter_map(|l| l.strip_prefix("job "))
        .filter_map(|p| p.trim().parse().ok())
        .collect();
    jobs.sort_unstable();
    check!(
        t,
        names[1],
        (st, jobs.len(), reaped_lines(&out)),
        (Status::Exited(3), 8, jobs.clone())
    );
}

/// In a new session whose controlling terminal is a pty on stdin, sysrt-init gives the
/// terminal to its child's process group (tini's tcsetpgrp in the child).
fn foreground_case(t: &mut Tests, p: &Paths) {
    let name = "stdin_tty_child_group_in_foreground";
    let (Ok((master, slave)), Ok((r, w))) = (pty(), raw_pipe()) else {
        t.skip(name, "no pseudo-terminal here (/dev/ptmx)");
        return;
    };
    let argv = p.init(&[p.sub, "--"], &p.helper("fg", &[]));
    let argv: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
    // SAFETY: single-threaded; the child makes syscalls, spawns, waits and exits.
    let session = match unsafe { process::fork() } {
        Ok(None) => {
            drop(r);
            let code = (|| {
                process::setsid()?;
                // SAFETY: TIOCSCTTY takes an integer (0: do not steal).
                unsafe {
                    sysrt::raw_syscall(
                        Sysno::ioctl,
                        slave.as_raw_fd() as usize,
                        TIOCSCTTY as usize,
                        0,
                    )
                }?;
                let files = [Some(slave.as_fd()), Some(w.as_fd()), Some(w.as_fd())];
                let env = ["PATH=/usr/local/bin:/usr/bin:/bin", "TINI_VERBOSITY=0"];
                let attr = ProcAttr::new().files(&files).env(&env);
                let pid = process::start_process(argv[0], &argv, &attr)?.pid;
                Ok::<_, Errno>(match wait(pid)? {
                    Status::Exited(c) => c,
                    _ => 98,
                })
            })()
            .unwrap_or(97);
            process::exit(code)
        }
        Ok(Some(pid)) => pid,
        Err(e) => {
            t.check(name, Err::<(), Errno>(e), Ok::<(), Errno>(()));
            return;
        }
    };
    drop(w);
    drop(slave);
    let mut run = Run {
        pid: session,
        r,
        out: Vec::new(),
        eof: false,
    };
    while !run.eof {
        run.read_more();
    }
    let st = wait(session);
    drop(master);
    check!(
        t,
        name,
        (st, String::from_utf8_lossy(&run.out).into_owned()),
        (Ok(Status::Exited(0)), String::from("foreground true\n"))
    );
}

fn terminal_cases(t: &mut Tests, p: &Paths) {
    foreground_case(t, p);
    // tini's setpgid in the child: the program leads a process group of its own (stdin is
    // /dev/null here, so no terminal is handed over).
    let (st, out) = run(&p.init(&[p.sub, "--"], &p.helper("pgrp", &[])), &PLAIN);
    check!(
        t,
        "child_leads_own_process_group",
        (st, out.as_str()),
        (Status::Exited(0), "own group true\n")
    );
    check!(
        t,
        "tcgetpgrp_dev_null_enotty",
        fs::open("/dev/null", OFlags::RDONLY, Mode::empty()).and_then(process::tcgetpgrp),
        Err::<Pid, _>(Errno::ENOTTY)
    );
    check!(
        t,
        "tcgetpgrp_closed_fd_ebadf",
        process::tcgetpgrp(closed_fd()),
        Err::<Pid, _>(Errno::EBADF)
    );
    let pipe = raw_pipe();
    check!(
        t,
        "tcsetpgrp_pipe_enotty",
        pipe.and_then(|(r, _w)| process::tcsetpgrp(r, process::getpgrp())),
        Err::<(), _>(Errno::ENOTTY)
    );
}

// ---------------------------------------------------------------------------------------
// The child modes (`init_tini helper MODE …`), run by sysrt-init.

fn helper() -> i32 {
    let mode = args::arg(2).map_or(&b""[..], CStr::to_bytes);
    match mode {
        b"pause" => {
            println!("ready");
            loop {
                signal::pause();
            }
        }
        b"group" => helper_group(),
        b"fg" => {
            let fg = process::tcgetpgrp(sysrt::fd::STDIN);
            println!("foreground {}", fg == Ok(process::getpgrp()));
            0
        }
        b"pgrp" => {
            println!("own group {}", process::getpgrp() == process::getpid());
            0
        }
        b"status" => helper_status(),
        b"orphans" => {
            let n = args::arg(3)
                .and_then(|a| core::str::from_utf8(a.to_bytes()).ok())
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            helper_orphans(n)
        }
        _ => 99,
    }
}

/// Forks a grandchild (same process group) that waits for a signal, ignores SIGUSR1 itself,
/// and reports how the grandchild ended: exit 0 when SIGUSR1 killed it.
fn helper_group() -> i32 {
    // SAFETY: single-threaded; the grandchild only pauses.
    match unsafe { process::fork() } {
        Ok(None) => loop {
            signal::pause();
        },
        Ok(Some(g)) => {
            let _ = signal::ignore(Signal::USR1);
            println!("ready");
            match wait(g) {
                Ok(Status::Signaled(s)) => {
                    println!("grandchild killed by {s}");
                    i32::from(s != Signal::USR1.raw())
                }
                other => {
                    println!("grandchild {other:?}");
                    1
                }
            }
        }
        Err(_) => 2,
    }
}

/// Prints the SigBlk and SigIgn lines of /proc/self/status.
fn helper_status() -> i32 {
    let mut buf = [0u8; 8192];
    let Ok(fd) = fs::open("/proc/self/status", OFlags::RDONLY, Mode::empty()) else {
        return 2;
    };
    let mut n = 0;
    while let Ok(k) = io::read(&fd, &mut buf[n..]) {
        if k == 0 || n + k == buf.len() {
            break;
        }
        n += k;
    }
    for line in buf[..n].split(|&b| b == b'\n') {
        if line.starts_with(b"SigBlk:") || line.starts_with(b"SigIgn:") {
            println!("{}", core::str::from_utf8(line).unwrap_or(""));
        }
    }
    0
}

/// Leaves `n` orphans behind: each through a middle process that forks it and exits at once.
/// Each orphan waits to be re-parented, reports (its pid, its new parent) and exits. Exits 0
/// when every orphan went to our parent (sysrt-init) and all have been reaped (`kill(pid, 0)`
/// is ESRCH once a zombie is reaped), 1 when they went elsewhere, as tini's reaping test.
fn helper_orphans(n: usize) -> i32 {
    let Ok((r, w)) = raw_pipe() else { return 2 };
    let init = process::getppid();
    for _ in 0..n {
        // SAFETY: single-threaded; the children make syscalls and exit.
        match unsafe { process::fork() } {
            Ok(None) => {
                let middle = process::getpid();
                // SAFETY: as above.
                match unsafe { process::fork() } {
                    Ok(None) => loop {
                        let parent = process::getppid();
                        if parent != middle {
                            let me = process::getpid().raw();
                            let mut rec = [0u8; 8];
                            rec[..4].copy_from_slice(&me.to_ne_bytes());
                            rec[4..].copy_from_slice(&parent.raw().to_ne_bytes());
                            let _ = io::write(&w, &rec);
                            process::exit(0);
                        }
                        sleep_ms(1);
                    },
                    Ok(Some(_)) => process::exit(0),
                    Err(_) => process::exit(2),
                }
            }
            Ok(Some(m)) => {
                if wait(m) != Ok(Status::Exited(0)) {
                    return 3;
                }
            }
            Err(_) => return 4,
        }
    }
    drop(w);
    let mut orphans = Vec::new();
    let mut ours = true;
    let mut rec = [0u8; 8];
    for _ in 0..n {
        let mut got = 0;
        while got < 8 {
            match io::read(&r, &mut rec[got..]) {
                Ok(0) | Err(_) => return 5,
                Ok(k) => got += k,
            }
        }
        let pid = i32::from_ne_bytes([rec[0], rec[1], rec[2], rec[3]]);
        let parent = i32::from_ne_bytes([rec[4], rec[5], rec[6], rec[7]]);
        ours &= parent == init.raw();
        orphans.push(pid);
    }
    for pid in &orphans {
        println!("orphan {pid}");
    }
    if !ours {
        println!("orphans were not re-parented to sysrt-init");
        return 1;
    }
    // Bounded only so that a broken init fails instead of hanging: 30 s.
    let mut budget_ms = 30_000;
    for pid in orphans {
        while signal::kill(Pid::from_raw(pid), None) != Err(Errno::ESRCH) {
            if budget_ms == 0 {
                println!("orphan {pid} not reaped");
                return 1;
            }
            sleep_ms(1);
            budget_ms -= 1;
        }
    }
    0
}

sysrt_rt::main!(main);
