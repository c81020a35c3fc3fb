//! `cargo xtask test`: host unit tests, then every test program on every arch, plus the checks
//! only the parent can make (exit statuses, panics, ELF facts, demo outputs).

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::arch::Arch;
use crate::run::{Outcome, Status, command_for, run_with_stdout, run_with_timeout};
use crate::{Result, build, elf, setup};

/// The fixed arguments and environment of the `startup` program; it asserts exactly these.
pub const STARTUP_ARGS: [&[u8]; 5] = [
    b"",
    b"two words",
    b"\xff\xfe",
    b"--flag=x=y",
    "ünï".as_bytes(),
];
pub const STARTUP_ENV: [(&str, &[u8]); 3] = [
    ("SYSRT_EMPTY", b""),
    ("SYSRT_BYTES", b"\xff"),
    ("SYSRT_EQ", b"a=b"),
];

/// Generous: the slowest program under QEMU takes a few seconds. A hang is killed and failed.
fn timeout() -> Duration {
    let secs = std::env::var("SYSRT_TEST_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(180);
    Duration::from_secs(secs)
}

#[derive(Default, Clone, Copy)]
struct Tally {
    passed: usize,
    failed: usize,
    skipped: usize,
}

impl Tally {
    fn add(&mut self, o: Tally) {
        self.passed += o.passed;
        self.failed += o.failed;
        self.skipped += o.skipped;
    }
}

/// One arch's run: its own cases counted and printed as they finish.
struct ArchRun<'a> {
    arch: Arch,
    dir: &'a Path,
    filter: Option<&'a str>,
    tally: Tally,
}

impl ArchRun<'_> {
    fn wants(&self, name: &str) -> bool {
        self.filter.is_none_or(|f| name.contains(f))
    }

    /// A case decided by xtask itself.
    fn case(&mut self, name: &str, result: std::result::Result<(), String>) {
        match result {
            Ok(()) => {
                self.tally.passed += 1;
            }
            Err(why) => {
                self.tally.failed += 1;
                println!("  [{}] xtask::{name:<38} {why} [FAIL]", self.arch);
            }
        }
    }

    /// The environment every test program gets: nothing inherited but PATH, plus what the
    /// programs use to know their parent and whether they run under QEMU.
    fn base_command(&self, program: &str) -> Command {
        let mut cmd = command_for(self.arch, &self.dir.join(program));
        cmd.env_clear();
        cmd.env("PATH", "/usr/local/bin:/usr/bin:/bin");
        cmd.env("SYSRT_TEST_PPID", std::process::id().to_string());
        if let Some(q) = self.arch.qemu().and_then(setup::which) {
            cmd.env("SYSRT_QEMU", q);
        }
        cmd
    }

    fn run(&self, cmd: Command) -> Result<Outcome> {
        run_with_timeout(cmd, timeout())
    }

    /// Runs a test program and counts its `[OK]`/`[FAIL]`/`[SKIPPED]` lines.
    fn test_program(&mut self, program: &str) -> Result<()> {
        let mut cmd = self.base_command(program);
        if program == "startup" {
            // Exactly what the program asserts: its parent's pid and three variables.
            cmd.env_clear();
            cmd.env("SYSRT_TEST_PPID", std::process::id().to_string());
            cmd.args(STARTUP_ARGS.iter().map(|a| OsString::from_vec(a.to_vec())));
            for (k, v) in STARTUP_ENV {
                cmd.env(k, OsString::from_vec(v.to_vec()));
            }
        }
        let out = self.run(cmd)?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let mut t = Tally::default();
        let mut total_seen = false;
        for line in stdout.lines() {
            if line.ends_with("[OK]") {
                t.passed += 1;
            } else if line.contains("[FAIL]") {
                t.failed += 1;
                println!("  [{}] {program}: {line}", self.arch);
            } else if line.contains("[SKIPPED]") {
                t.skipped += 1;
                println!("  [{}] {program}: {line}", self.arch);
            } else if line.starts_with("total: ") {
                total_seen = true;
            }
        }
        let problem = if !total_seen {
            Some(format!("no total line: crashed or killed ({})", out.status))
        } else if t.failed == 0 && out.status != Status::Exited(0) {
            Some(format!("reported no failure but ended with {}", out.status))
        } else {
            None
        };
        if let Some(p) = problem {
            t.failed += 1;
            println!("  [{}] {program}: {p} [FAIL]", self.arch);
            let err = String::from_utf8_lossy(&out.stderr);
            for l in err
                .lines()
                .rev()
                .take(10)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
            {
                println!("  [{}] {program} stderr: {l}", self.arch);
            }
        }
        println!(
            "  [{}] {program:<16} {} passed, {} failed, {} skipped",
            self.arch, t.passed, t.failed, t.skipped
        );
        self.tally.add(t);
        Ok(())
    }

    /// Checks that need the parent's view of the child.
    fn parent_side_cases(&mut self) -> Result<()> {
        for code in [0, 1, 255] {
            let name = format!("exit_status_{code}_reaches_parent");
            if self.wants(&name) {
                let mut cmd = self.base_command("exitcode");
                cmd.arg(code.to_string());
                let out = self.run(cmd)?;
                self.case(&name, expect_status(&out, Status::Exited(code)));
            }
        }
        if self.wants("exit_status_256_wraps_to_0") {
            let mut cmd = self.base_command("exitcode");
            cmd.arg("256");
            let out = self.run(cmd)?;
            self.case(
                "exit_status_256_wraps_to_0",
                expect_status(&out, Status::Exited(0)),
            );
        }
        if self.wants("panic_exits_101_with_message") {
            let out = self.run(self.base_command("panic"))?;
            let err = String::from_utf8_lossy(&out.stderr);
            let shape = err.starts_with("panicked at tests/src/bin/panic.rs:")
                && err.ends_with(": boom 42\n")
                && err.lines().count() == 1;
            let r = expect_status(&out, Status::Exited(101)).and_then(|()| {
                if shape {
                    Ok(())
                } else {
                    Err(format!("stderr was {err:?}"))
                }
            });
            self.case("panic_exits_101_with_message", r);
        }
        if self.wants("main_result_ok_exits_0") {
            let mut cmd = self.base_command("mainresult");
            cmd.arg("ok");
            let out = self.run(cmd)?;
            let r = expect_status(&out, Status::Exited(0)).and_then(|()| {
                if out.stderr.is_empty() {
                    Ok(())
                } else {
                    Err(format!("stderr {:?}", out.stderr))
                }
            });
            self.case("main_result_ok_exits_0", r);
        }
        if self.wants("main_result_err_prints_error_exits_1") {
            let out = self.run(self.base_command("mainresult"))?;
            let err = String::from_utf8_lossy(&out.stderr);
            let r = expect_status(&out, Status::Exited(1)).and_then(|()| {
                if err == "Error: ENOENT: no such file or directory\n" {
                    Ok(())
                } else {
                    Err(format!("stderr was {err:?}"))
                }
            });
            self.case("main_result_err_prints_error_exits_1", r);
        }
        if self.wants("print_macros_long_output_and_stderr") {
            let out = self.run(self.base_command("print"))?;
            let mut want = String::new();
            for i in 0..60 {
                want.push_str(&format!("{i:0>100}"));
            }
            want.push_str("\nliteral {braces}\nchecked\n");
            let err = String::from_utf8_lossy(&out.stderr);
            let r = expect_output(&out, &want).and_then(|()| {
                if err == "to stderr 42\n" {
                    Ok(())
                } else {
                    Err(format!("stderr {err:?}"))
                }
            });
            self.case("print_macros_long_output_and_stderr", r);
        }
        if self.wants("print_to_dev_full_ignored_checked_writer_reports") {
            let full = std::fs::OpenOptions::new().write(true).open("/dev/full")?;
            let out = run_with_stdout(self.base_command("print"), timeout(), full.into())?;
            self.case(
                "print_to_dev_full_ignored_checked_writer_reports",
                expect_status(&out, Status::Exited(3)),
            );
        }
        for program in ["copyfile", "cp"] {
            self.copy_example_cases(program)?;
        }
        if self.wants("demo_hello_output") {
            let out = self.run(self.base_command("hello"))?;
            self.case("demo_hello_output", expect_output(&out, "hello, world\n"));
        }
        if self.wants("demo_quickstart_output_and_no_file_left") {
            let out = self.run(self.base_command("quickstart"))?;
            let r = expect_output(&out, "Hello, syscall!\n").and_then(|()| {
                if Path::new("/tmp/sysrt-quickstart.txt").exists() {
                    Err("left /tmp/sysrt-quickstart.txt behind".into())
                } else {
                    Ok(())
                }
            });
            self.case("demo_quickstart_output_and_no_file_left", r);
        }
        self.supervise_cases()
    }

    /// The `supervise` example: the demonstration (a child that asks for SIGTERM and gets it
    /// forwarded), exit codes passed through (128 + N for a signal), and a SIGTERM sent to
    /// the supervisor from outside reaching the child.
    fn supervise_cases(&mut self) -> Result<()> {
        if self.wants("demo_supervise_forwards_sigterm_exits_0") {
            let out = self.run(self.base_command("supervise"))?;
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            let r = expect_status(&out, Status::Exited(0)).and_then(|()| {
                let forwarded = text.contains("supervise: forwarding SIGTERM to pid ");
                let got = text.contains("child: got SIGTERM, exiting 0\n");
                if forwarded && got && text.ends_with("ended, exiting with 0\n") {
                    Ok(())
                } else {
                    Err(format!("stdout {text:?}"))
                }
            });
            self.case("demo_supervise_forwards_sigterm_exits_0", r);
        }
        for (script, code) in [("exit 5", 5), ("kill -KILL $$", 137)] {
            let name = format!("demo_supervise_passes_exit_{code}");
            if self.wants(&name) {
                let mut cmd = self.base_command("supervise");
                cmd.args(["/bin/sh", "-c", script]);
                let out = self.run(cmd)?;
                self.case(&name, expect_status(&out, Status::Exited(code)));
            }
        }
        if self.wants("demo_supervise_forwards_external_sigterm") {
            let mut cmd = self.base_command("supervise");
            cmd.args([
                "/bin/sh",
                "-c",
                "trap 'exit 9' TERM; echo ready; while :; do sleep 0.05; done",
            ]);
            let r = signal_after_ready(cmd, "SIGTERM", timeout()).and_then(|st| {
                if st == Status::Exited(9) {
                    Ok(())
                } else {
                    Err(format!("got {st}, expected exit 9"))
                }
            });
            self.case("demo_supervise_forwards_external_sigterm", r);
        }
        Ok(())
    }

    /// The copy examples as a user runs them: mode kept, never onto themselves, errors named.
    fn copy_example_cases(&mut self, program: &str) -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir();
        let tag = format!("sysrt-xtask-{}-{}-{program}", std::process::id(), self.arch);
        let (src, dst) = (
            dir.join(format!("{tag}-src")),
            dir.join(format!("{tag}-dst")),
        );
        std::fs::write(&src, b"precious bytes\n")?;
        std::fs::set_permissions(&src, std::fs::Permissions::from_mode(0o750))?;
        let _ = std::fs::remove_file(&dst);

        let name = format!("example_{program}_new_dst_keeps_source_mode");
        if self.wants(&name) {
            let mut cmd = self.base_command(program);
            cmd.arg(&src).arg(&dst);
            let out = self.run(cmd)?;
            let want = 0o750 & !umask();
            let r = expect_status(&out, Status::Exited(0)).and_then(|()| {
                let mode = std::fs::metadata(&dst).map(|m| m.permissions().mode() & 0o7777);
                let bytes = std::fs::read(&dst).unwrap_or_default();
                match mode {
                    Ok(m) if m == want && bytes == b"precious bytes\n" => Ok(()),
                    other => Err(format!("mode {other:?} (want {want:o}), bytes {bytes:?}")),
                }
            });
            self.case(&name, r);
        }
        let name = format!("example_{program}_refuses_copy_onto_itself");
        if self.wants(&name) {
            let mut cmd = self.base_command(program);
            cmd.arg(&src).arg(&src);
            let out = self.run(cmd)?;
            let err = String::from_utf8_lossy(&out.stderr).into_owned();
            let r = expect_status(&out, Status::Exited(1)).and_then(|()| {
                let bytes = std::fs::read(&src).unwrap_or_default();
                if bytes == b"precious bytes\n"
                    && err.contains("onto itself")
                    && err.contains("EINVAL")
                {
                    Ok(())
                } else {
                    Err(format!("source now {bytes:?}, stderr {err:?}"))
                }
            });
            self.case(&name, r);
        }
        let name = format!("example_{program}_missing_source_enoent");
        if self.wants(&name) {
            let mut cmd = self.base_command(program);
            cmd.arg(dir.join(format!("{tag}-missing"))).arg(&dst);
            let out = self.run(cmd)?;
            let err = String::from_utf8_lossy(&out.stderr).into_owned();
            let r = expect_status(&out, Status::Exited(1)).and_then(|()| {
                if err.contains(": open ") && err.ends_with("ENOENT: no such file or directory\n") {
                    Ok(())
                } else {
                    Err(format!("stderr {err:?}"))
                }
            });
            self.case(&name, r);
        }
        let _ = std::fs::remove_file(&src);
        let _ = std::fs::remove_file(&dst);
        Ok(())
    }

    /// Every built program is a static executable for this arch: no PT_INTERP, no DT_NEEDED.
    fn elf_cases(&mut self, programs: &[String]) -> Result<()> {
        for p in programs {
            let name = format!("static_no_interp_no_needed_{p}");
            if self.wants(&name) {
                let bytes = std::fs::read(self.dir.join(p))?;
                self.case(&name, elf::check_static(self.arch, &bytes));
            }
        }
        Ok(())
    }
}

/// Starts `cmd` with its stdout piped, waits for a `ready` line, sends it `signal` (with
/// kill(1): std can only send SIGKILL) and returns how it ended (killed at `limit`).
fn signal_after_ready(
    mut cmd: Command,
    signal: &str,
    limit: Duration,
) -> std::result::Result<Status, String> {
    use std::io::BufRead;
    use std::os::unix::process::ExitStatusExt;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().map_err(|e| e.to_string())?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // Read to the end: a closed pipe would kill the supervisor's next print (SIGPIPE).
        for line in std::io::BufReader::new(stdout).lines() {
            match line {
                Ok(l) if l == "ready" => {
                    let _ = tx.send(());
                }
                Ok(_) => {}
                Err(_) => return,
            }
        }
    });
    if rx.recv_timeout(limit).is_err() {
        let _ = child.kill();
        let _ = child.wait();
        return Err("no ready line".into());
    }
    let sent = Command::new("kill")
        .args([
            &format!("-{}", signal.trim_start_matches("SIG")),
            &child.id().to_string(),
        ])
        .status()
        .map_err(|e| e.to_string())?;
    if !sent.success() {
        let _ = child.kill();
    }
    let st = child.wait().map_err(|e| e.to_string())?;
    Ok(match (st.code(), st.signal()) {
        (Some(c), _) => Status::Exited(c),
        (None, Some(s)) => Status::Signaled(s),
        (None, None) => Status::Exited(-1),
    })
}

/// This process's umask (children inherit it), from /proc/self/status.
fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("Umask:"))?.to_owned();
            u32::from_str_radix(line.trim_start_matches("Umask:").trim(), 8).ok()
        })
        .unwrap_or(0o022)
}

fn expect_status(out: &Outcome, want: Status) -> std::result::Result<(), String> {
    if out.status == want {
        Ok(())
    } else {
        Err(format!("got {}, expected {want}", out.status))
    }
}

fn expect_output(out: &Outcome, want: &str) -> std::result::Result<(), String> {
    expect_status(out, Status::Exited(0))?;
    let got = String::from_utf8_lossy(&out.stdout);
    if got == want {
        Ok(())
    } else {
        Err(format!("stdout {got:?}, expected {want:?}"))
    }
}

/// `cargo test --workspace`, counted from libtest's `test result:` lines.
/// Host unit tests: `cargo test --workspace`, then sysrt again with its `std` feature (which a
/// workspace-wide build cannot turn on: it would put std under the no_std runtime).
fn host_unit_tests() -> Result<Tally> {
    let mut t = Tally::default();
    for args in [
        &["test", "--workspace", "--quiet"][..],
        &["test", "-p", "sysrt", "--features", "std", "--quiet"],
    ] {
        eprintln!("xtask: host unit tests (cargo {})", args.join(" "));
        t.add(count_libtest(args)?);
    }
    println!(
        "host: {} passed, {} failed, {} ignored",
        t.passed, t.failed, t.skipped
    );
    Ok(t)
}

/// Runs one `cargo test` and counts libtest's `test result:` lines.
fn count_libtest(args: &[&str]) -> Result<Tally> {
    let out = build::cargo()
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut t = Tally::default();
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("test result: ") {
            let num = |key: &str| -> usize {
                rest.split(';')
                    .find_map(|part| {
                        part.trim()
                            .trim_start_matches("ok. ")
                            .trim_start_matches("FAILED. ")
                            .strip_suffix(key)
                            .map(|n| n.trim().parse().unwrap_or(0))
                    })
                    .unwrap_or(0)
            };
            t.passed += num("passed");
            t.failed += num("failed");
            t.skipped += num("ignored");
        }
    }
    if !out.status.success() {
        print!("{stdout}");
        if t.failed == 0 {
            t.failed = 1; // a build failure: no result lines at all
        }
    }
    println!(
        "host: {} passed, {} failed, {} ignored",
        t.passed, t.failed, t.skipped
    );
    Ok(t)
}

pub fn test(arches: &[Arch], filter: Option<&str>) -> Result<bool> {
    setup::ensure_targets(arches)?;
    setup::ensure_qemu(arches)?;
    let tests = build::test_programs()?;
    let demos = build::demo_programs()?;

    let mut total = Tally::default();
    let mut lines = vec![];
    if filter.is_none() {
        let host = host_unit_tests()?;
        total.add(host);
        lines.push(format!(
            "host: {} passed, {} failed",
            host.passed, host.failed
        ));
    }
    for &arch in arches {
        let dir = build::build_programs(arch)?;
        let mut run = ArchRun {
            arch,
            dir: &dir,
            filter,
            tally: Tally::default(),
        };
        let all: Vec<String> = tests.iter().chain(&demos).cloned().collect();
        run.elf_cases(&all)?;
        // exitcode, panic, mainresult and print are judged by their parent (below);
        // bench_* programs measure; spawn_child is the child the spawn programs start.
        let is_case_program = |p: &&String| {
            !matches!(
                p.as_str(),
                "exitcode" | "panic" | "mainresult" | "print" | "spawn_child"
            ) && !p.starts_with("bench_")
        };
        for p in tests.iter().filter(is_case_program) {
            if filter.is_none_or(|f| p.contains(f)) {
                run.test_program(p)?;
            }
        }
        run.parent_side_cases()?;
        let t = run.tally;
        let line = format!(
            "{arch}: {} passed, {} failed, {} skipped",
            t.passed, t.failed, t.skipped
        );
        println!("{line}");
        lines.push(line);
        total.add(t);
    }
    println!();
    for l in &lines {
        println!("{l}");
    }
    if total.passed + total.failed == 0 {
        println!("no test matched the filter {filter:?}");
        println!("0 passed, 1 failed");
        return Ok(false);
    }
    println!("{} passed, {} failed", total.passed, total.failed);
    Ok(total.failed == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hanging_program_is_killed_and_reported() {
        let mut cmd = Command::new("sleep");
        cmd.arg("30");
        let start = std::time::Instant::now();
        let out = run_with_timeout(cmd, Duration::from_millis(200)).unwrap();
        assert_eq!(out.status, Status::TimedOut);
        assert!(start.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn exit_statuses_and_signals_are_told_apart() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "exit 7"]);
        assert_eq!(
            run_with_timeout(cmd, timeout()).unwrap().status,
            Status::Exited(7)
        );
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "kill -9 $$"]);
        assert_eq!(
            run_with_timeout(cmd, timeout()).unwrap().status,
            Status::Signaled(9)
        );
    }

    #[test]
    fn arch_names_parse_and_unknown_ones_list_the_valid() {
        assert_eq!(Arch::parse("aarch64").unwrap(), vec![Arch::Aarch64]);
        assert_eq!(Arch::parse("all").unwrap().len(), 3);
        let err = Arch::parse("mips").unwrap_err();
        assert!(err.contains("x86_64, aarch64, riscv64, all"), "{err}");
    }

    #[test]
    fn program_lists_come_from_the_manifests() {
        let t = build::test_programs().unwrap();
        assert!(
            t.iter().any(|p| p == "startup") && t.iter().any(|p| p == "exitcode"),
            "{t:?}"
        );
        let d = build::demo_programs().unwrap();
        assert!(
            d.iter().any(|p| p == "hello") && d.iter().any(|p| p == "quickstart"),
            "{d:?}"
        );
    }
}
