//! `cargo xtask test`: host unit tests, then every test program on every arch, plus the checks
//! only the parent can make (exit statuses, panics, ELF facts, demo outputs).

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::arch::Arch;
use crate::build::Profile;
use crate::parent::{self, ParentCase, expect_output, expect_status};
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
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Tally {
    pub fn add(&mut self, o: Tally) {
        self.passed += o.passed;
        self.failed += o.failed;
        self.skipped += o.skipped;
    }
}

/// The unprivileged user of the second host pass (`nobody`).
pub const UNPRIVILEGED_ID: u32 = 65534;

/// An unprivileged user the programs run as: its uid (also its gid) and a working directory
/// it owns.
#[derive(Clone, Copy)]
struct User<'a> {
    id: u32,
    work: &'a Path,
}

/// One arch's run: its own cases counted and printed as they finish.
struct ArchRun<'a> {
    arch: Arch,
    dir: &'a Path,
    filter: Option<&'a str>,
    tally: Tally,
    /// `Some` for the unprivileged pass; `None` runs the programs as xtask's own user.
    user: Option<User<'a>>,
    /// The profile the programs were built in.
    profile: Profile,
}

impl ArchRun<'_> {
    fn wants(&self, name: &str) -> bool {
        self.filter.is_none_or(|f| name.contains(f))
    }

    /// How the run is shown: the arch, and the uid when it is the unprivileged pass.
    fn label(&self) -> String {
        let dev = if self.profile == Profile::Dev {
            " dev"
        } else {
            ""
        };
        match self.user {
            None => format!("{}{dev}", self.arch),
            Some(u) => format!("{}{dev} (uid {})", self.arch, u.id),
        }
    }

    /// A case decided by xtask itself.
    fn case(&mut self, name: &str, result: std::result::Result<(), String>) {
        match result {
            Ok(()) => {
                self.tally.passed += 1;
            }
            Err(why) => {
                self.tally.failed += 1;
                println!("  [{}] xtask::{name:<38} {why} [FAIL]", self.label());
            }
        }
    }

    /// The environment every test program gets: nothing inherited but PATH, plus what the
    /// programs use to know their parent and whether they run under QEMU. In the unprivileged
    /// pass the program runs as that user, in its working directory.
    fn base_command(&self, program: &str) -> Command {
        let mut cmd = command_for(self.arch, &self.dir.join(program));
        cmd.env_clear();
        cmd.env("PATH", "/usr/local/bin:/usr/bin:/bin");
        cmd.env("SYSRT_TEST_PPID", std::process::id().to_string());
        if let Some(q) = self.arch.qemu().and_then(setup::which) {
            cmd.env("SYSRT_QEMU", q);
        }
        if let Some(u) = self.user {
            as_user(&mut cmd, u);
        }
        cmd
    }

    fn run(&self, cmd: Command) -> Result<Outcome> {
        run_with_timeout(cmd, timeout())
    }

    /// Runs a test program and counts its `[OK]`/`[FAIL]`/`[SKIPPED]` lines.
    fn test_program(&mut self, program: &str) -> Result<()> {
        self.test_program_with(program, None)
    }

    /// As [`Self::test_program`], with one more environment variable (shown in the label).
    fn test_program_with(&mut self, program: &str, env: Option<(&str, &str)>) -> Result<()> {
        let mut cmd = self.base_command(program);
        if let Some((k, v)) = env {
            cmd.env(k, v);
        }
        let shown = match env {
            Some((k, v)) => format!("{program} {k}={v}"),
            None => program.to_string(),
        };
        let program = shown.as_str();
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
        let t = tally_program(&self.label(), program, &out);
        self.tally.add(t);
        Ok(())
    }

    /// Checks that need the parent's view of the child.
    fn parent_side_cases(&mut self) -> Result<()> {
        if let Some(u) = self
            .user
            .filter(|_| self.wants("unprivileged_ids_no_groups_no_caps"))
        {
            // What every program of this pass runs as, read by a host program started the same
            // way: all four uids and gids the user's, no supplementary group (root's group 0
            // would still grant access), no effective capability.
            let mut cmd = Command::new("cat");
            cmd.arg("/proc/self/status");
            as_user(&mut cmd, u);
            let out = self.run(cmd)?;
            let status = String::from_utf8_lossy(&out.stdout);
            let field = |key: &str| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix(key))
                    .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
            };
            let got = (
                field("Uid:"),
                field("Gid:"),
                field("Groups:"),
                field("CapEff:"),
            );
            let id = Some(vec![u.id.to_string(); 4].join(" "));
            let want = (id.clone(), id, Some(String::new()), Some("0".repeat(16)));
            let r = expect_status(&out, Status::Exited(0)).and_then(|()| {
                if got == want {
                    Ok(())
                } else {
                    Err(format!("got {got:?}, expected {want:?}"))
                }
            });
            self.case("unprivileged_ids_no_groups_no_caps", r);
        }
        // Nothing may assume 4 KiB pages: the mapping and allocator programs again on
        // aarch64 with QEMU emulating the 16 KiB and 64 KiB pages arm64 kernels also use
        // (`QEMU_PAGESIZE`, qemu-user's `-p`; AT_PAGESZ and mmap alignment follow it).
        if self.arch == Arch::Aarch64 {
            for program in ["mm_map", "alloc"] {
                for size in ["16384", "65536"] {
                    if self.wants(program) {
                        self.test_program_with(program, Some(("QEMU_PAGESIZE", size)))?;
                    }
                }
            }
        }
        // The test programs are built with sysrt-rt's `alloc` feature: one that never
        // allocates still makes only the runtime's probe and its exit (no mmap).
        let name = "alloc_feature_never_allocating_program_only_ppoll_exit_group";
        if self.wants(name) && self.user.is_none() {
            if self.arch.is_host() && setup::which("strace").is_none() {
                println!(
                    "  [{}] xtask::{name} [SKIPPED] strace is not installed",
                    self.label()
                );
                self.tally.skipped += 1;
            } else {
                let row = crate::demo::run_demo(self.arch, self.dir, "exitcode")?;
                let r =
                    if row.status == Status::Exited(2) && row.syscalls == ["ppoll", "exit_group"] {
                        Ok(())
                    } else {
                        Err(format!("{}, syscalls {:?}", row.status, row.syscalls))
                    };
                self.case(name, r);
            }
        }
        for c in crate::parent::cases() {
            if self.wants(&c.name) {
                self.parent_case(&c)?;
            }
        }
        for program in ["copyfile", "cp"] {
            self.copy_example_cases(program)?;
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

    /// Runs one of the shared parent-side cases (see [`crate::parent`]).
    fn parent_case(&mut self, c: &ParentCase) -> Result<()> {
        let mut cmd = self.base_command(c.program);
        cmd.args(c.args.iter().map(|a| OsString::from_vec(a.clone())));
        let report = c.report.then(|| {
            std::env::temp_dir().join(format!(
                "sysrt-report-{}-{}-{}",
                std::process::id(),
                self.arch,
                c.name
            ))
        });
        if let Some(r) = &report {
            cmd.arg(r);
        }
        if !c.closed.is_empty() {
            // The shell closes the descriptors, then execs the program (QEMU included).
            let redirect: Vec<&str> = c
                .closed
                .iter()
                .map(|fd| match fd {
                    0 => "<&-",
                    1 => ">&-",
                    _ => "2>&-",
                })
                .collect();
            let inner = cmd;
            cmd = Command::new("/bin/sh");
            cmd.arg("-c")
                .arg(format!("exec \"$@\" {}", redirect.join(" ")))
                .arg("sh")
                .arg(inner.get_program())
                .args(inner.get_args())
                .env_clear()
                .envs(inner.get_envs().filter_map(|(k, v)| Some((k, v?))));
            if let Some(u) = self.user {
                as_user(&mut cmd, u);
            }
        }
        let out = if c.stdout_full {
            let full = std::fs::OpenOptions::new().write(true).open("/dev/full")?;
            run_with_stdout(cmd, timeout(), full.into())?
        } else {
            self.run(cmd)?
        };
        let got = report
            .as_ref()
            .map(|r| {
                let text = std::fs::read_to_string(r).unwrap_or_default();
                let _ = std::fs::remove_file(r);
                text
            })
            .unwrap_or_default();
        self.case(&c.name, (c.judge)(&out, &got));
        Ok(())
    }

    /// The copy examples as a user runs them: mode kept, never onto themselves, errors named.
    fn copy_example_cases(&mut self, program: &str) -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        // The unprivileged user copies its own file in its own directory.
        let dir = self
            .user
            .map_or_else(std::env::temp_dir, |u| u.work.to_path_buf());
        let tag = format!("sysrt-xtask-{}-{}-{program}", std::process::id(), self.arch);
        let (src, dst) = (
            dir.join(format!("{tag}-src")),
            dir.join(format!("{tag}-dst")),
        );
        std::fs::write(&src, b"precious bytes\n")?;
        std::fs::set_permissions(&src, std::fs::Permissions::from_mode(0o750))?;
        if let Some(u) = self.user {
            std::os::unix::fs::chown(&src, Some(u.id), Some(u.id))?;
        }
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

/// Makes `cmd` run as `user` (uid and gid) in its working directory. std's `uid` also calls
/// `setgroups(0, NULL)` in the child when no groups are given, so root's supplementary groups
/// do not follow; the `unprivileged_ids_no_groups_no_caps` case checks the result.
fn as_user(cmd: &mut Command, user: User<'_>) {
    use std::os::unix::process::CommandExt;
    cmd.uid(user.id).gid(user.id).current_dir(user.work);
}

/// The value of one `/proc/self/status` line (`key` with its colon), trimmed.
fn proc_status(key: &str) -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix(key))?;
    Some(line.trim().to_owned())
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
    proc_status("Umask:")
        .and_then(|v| u32::from_str_radix(&v, 8).ok())
        .unwrap_or(0o022)
}

/// Why this process cannot run the unprivileged pass, or `None` when it can: it must be root
/// (otherwise its single pass is already unprivileged) and hold CAP_SETUID and CAP_SETGID to
/// switch users.
fn unprivileged_pass_blocker() -> Option<&'static str> {
    let euid = proc_status("Uid:").and_then(|v| v.split_whitespace().nth(1).map(str::to_owned));
    if euid.as_deref() != Some("0") {
        return Some("not root: the run above is already unprivileged");
    }
    // CAP_SETGID is bit 6, CAP_SETUID bit 7 (linux/capability.h).
    let caps = proc_status("CapEff:").and_then(|v| u64::from_str_radix(&v, 16).ok());
    match caps {
        Some(c) if c & (1 << 6) != 0 && c & (1 << 7) != 0 => None,
        _ => Some("root without CAP_SETUID and CAP_SETGID: cannot switch to an unprivileged user"),
    }
}

/// A temporary directory for the unprivileged pass, removed on drop: `bin/` (readable by all)
/// holds copies of the programs, since the target directory may sit under a directory only
/// root can enter (`/root`), and `work/` is the user's own working directory.
struct UnprivilegedDirs {
    root: PathBuf,
}

impl UnprivilegedDirs {
    fn create(id: u32, from: &Path, programs: &[String]) -> Result<UnprivilegedDirs> {
        use std::os::unix::fs::PermissionsExt;
        let root = std::env::temp_dir().join(format!("sysrt-xtask-{}-uid{id}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let dirs = UnprivilegedDirs { root };
        let (bin, work) = (dirs.bin(), dirs.work());
        std::fs::create_dir_all(&bin)?;
        std::fs::create_dir(&work)?;
        // Explicit modes: the umask may be 077.
        let mode = |m| std::fs::Permissions::from_mode(m);
        std::fs::set_permissions(&dirs.root, mode(0o755))?;
        std::fs::set_permissions(&bin, mode(0o755))?;
        std::fs::set_permissions(&work, mode(0o700))?;
        std::os::unix::fs::chown(&work, Some(id), Some(id))?;
        for p in programs {
            std::fs::copy(from.join(p), bin.join(p))?;
            std::fs::set_permissions(bin.join(p), mode(0o755))?;
        }
        Ok(dirs)
    }

    fn bin(&self) -> PathBuf {
        self.root.join("bin")
    }

    fn work(&self) -> PathBuf {
        self.root.join("work")
    }
}

impl Drop for UnprivilegedDirs {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
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

/// Counts a test program's `[OK]`/`[FAIL]`/`[SKIPPED]` lines and prints the failed and
/// skipped ones and a summary line, each tagged `[label]`. A missing total line (a crash or a
/// kill), or a non-zero status with no failure reported, is one more failure.
pub fn tally_program(label: &str, program: &str, out: &Outcome) -> Tally {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut t = Tally::default();
    let mut total_seen = false;
    for line in stdout.lines() {
        if line.ends_with("[OK]") {
            t.passed += 1;
        } else if line.contains("[FAIL]") {
            t.failed += 1;
            println!("  [{label}] {program}: {line}");
        } else if line.contains("[SKIPPED]") {
            t.skipped += 1;
            println!("  [{label}] {program}: {line}");
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
        println!("  [{label}] {program}: {p} [FAIL]");
        let err = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<&str> = err.lines().collect();
        for l in &lines[lines.len().saturating_sub(10)..] {
            println!("  [{label}] {program} stderr: {l}");
        }
    }
    println!(
        "  [{label}] {program:<16} {} passed, {} failed, {} skipped",
        t.passed, t.failed, t.skipped
    );
    t
}

/// Whether `program` (a `tests/` binary) reports its own cases. The programs of
/// [`parent::JUDGED_PROGRAMS`] are judged by their parent instead, `bench_*` programs measure,
/// `spawn_child` is the child the spawn programs start, and `kinit` is the kernel guests'
/// /init (`cargo xtask test --kernel`).
pub fn is_test_program(program: &str) -> bool {
    !parent::JUDGED_PROGRAMS.contains(&program)
        && !program.starts_with("bench_")
        && !matches!(program, "spawn_child" | "kinit")
}

/// Runs one arch's programs (as `user` when given) and its parent-side cases, and returns its
/// tally and summary line. The ELF facts are checked once per build, in the run as ourselves.
fn run_arch(
    arch: Arch,
    dir: &Path,
    filter: Option<&str>,
    user: Option<User<'_>>,
    programs: &[String],
    profile: Profile,
) -> Result<(Tally, String)> {
    let mut run = ArchRun {
        arch,
        dir,
        filter,
        tally: Tally::default(),
        user,
        profile,
    };
    if user.is_none() {
        run.elf_cases(programs)?;
    }
    let is_case_program = |p: &&String| is_test_program(p);
    let tests = build::test_programs()?;
    for p in tests.iter().filter(is_case_program) {
        if filter.is_none_or(|f| p.contains(f)) {
            run.test_program(p)?;
        }
    }
    run.parent_side_cases()?;
    let t = run.tally;
    let line = format!(
        "{}: {} passed, {} failed, {} skipped",
        run.label(),
        t.passed,
        t.failed,
        t.skipped
    );
    println!("{line}");
    Ok((t, line))
}

/// `cargo xtask test`. Run as root (as CI does), the host arch's programs run a second time
/// as an unprivileged user (uid and gid 65534, no supplementary groups), so a case that only
/// passes with root's powers fails there.
pub fn test(arches: &[Arch], filter: Option<&str>) -> Result<bool> {
    setup::ensure_targets(arches)?;
    setup::ensure_qemu(arches)?;
    let tests = build::test_programs()?;
    let demos = build::demo_programs()?;
    let inits = build::init_programs()?;
    let all: Vec<String> = tests.iter().chain(&demos).chain(&inits).cloned().collect();

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
        let (t, line) = run_arch(arch, &dir, filter, None, &all, Profile::Release)?;
        total.add(t);
        lines.push(line);
        if !arch.is_host() {
            continue;
        }
        // The kernel the native runs met (the guests of `--kernel` name theirs).
        if let Some(l) = lines.last_mut() {
            l.push_str(&format!(
                " (natively, Linux {})",
                crate::kernel::host_kernel()
            ));
        }
        let id = UNPRIVILEGED_ID;
        match unprivileged_pass_blocker() {
            Some(why) => lines.push(format!("{arch}: no second pass as uid {id}: {why}")),
            None => {
                let dirs = UnprivilegedDirs::create(id, &dir, &all)?;
                let work = dirs.work();
                let user = User { id, work: &work };
                let start = std::time::Instant::now();
                let (t, line) = run_arch(
                    arch,
                    &dirs.bin(),
                    filter,
                    Some(user),
                    &all,
                    Profile::Release,
                )?;
                eprintln!(
                    "xtask: the {arch} pass as uid {id} took {:.1} s",
                    start.elapsed().as_secs_f64()
                );
                total.add(t);
                lines.push(line);
            }
        }
    }
    // Every program again in the dev profile (opt-level 0, no LTO), the build users run
    // first: it links differently (no LTO to drop `core`'s unwinding references) and makes
    // real calls where the release build inlines (the runtime's `memset`/`memcpy`).
    for &arch in arches {
        let dir = build::build_programs_in(arch, Profile::Dev)?;
        let (mut t, _) = run_arch(arch, &dir, filter, None, &all, Profile::Dev)?;
        // An unoptimised build must not add syscalls of its own: hello makes the runtime's
        // one probe, its write and exit_group, exactly as the release build does.
        let name = "dev_hello_makes_only_its_own_syscalls";
        if filter.is_none_or(|f| name.contains(f)) {
            if arch.is_host() && setup::which("strace").is_none() {
                println!("  [{arch} dev] xtask::{name} [SKIPPED] strace is not installed");
                t.skipped += 1;
            } else {
                let row = crate::demo::run_demo(arch, &dir, "hello")?;
                let want = ["ppoll", "write", "exit_group"];
                if row.syscalls == want && row.stdout == "hello, world\n" {
                    t.passed += 1;
                } else {
                    t.failed += 1;
                    println!(
                        "  [{arch} dev] xtask::{name} syscalls {:?}, stdout {:?} [FAIL]",
                        row.syscalls, row.stdout
                    );
                }
            }
        }
        let line = format!(
            "{arch} dev: {} passed, {} failed, {} skipped",
            t.passed, t.failed, t.skipped
        );
        total.add(t);
        lines.push(line);
    }
    // The template, outside the workspace, every profile and arch, as a user builds it.
    if filter.is_none_or(|f| {
        "template_print_macros_work_with_only_sysrt_rt".contains(f) || f.contains("template")
    }) {
        eprintln!("xtask: the project template, outside the workspace");
        let mut t = Tally::default();
        for (name, r) in crate::template::cases(arches)? {
            match r {
                Ok(()) => t.passed += 1,
                Err(why) => {
                    t.failed += 1;
                    println!("  [template] xtask::{name} {why} [FAIL]");
                }
            }
        }
        let line = format!("template: {} passed, {} failed", t.passed, t.failed);
        println!("{line}");
        lines.push(line);
        total.add(t);
    }
    // The crates as published: packaged and built from their tarballs; docs without warnings.
    if filter.is_none_or(|f| f.contains("package") || f.contains("docs")) {
        eprintln!("xtask: packaging the crates and building their docs");
        let mut t = Tally::default();
        for (name, r) in crate::publish::cases(arches) {
            if filter.is_none_or(|f| name.contains(f)) {
                match r {
                    Ok(()) => t.passed += 1,
                    Err(why) => {
                        t.failed += 1;
                        println!("  [publish] xtask::{name} {why} [FAIL]");
                    }
                }
            }
        }
        let line = format!("publish: {} passed, {} failed", t.passed, t.failed);
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
