//! Running a program natively or under QEMU, with a timeout and captured output.

use std::ffi::OsStr;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::arch::Arch;
use crate::{Result, build, setup};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Exited(i32),
    Signaled(i32),
    TimedOut,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Exited(c) => write!(f, "exit {c}"),
            Status::Signaled(s) => write!(f, "signal {s}"),
            Status::TimedOut => write!(f, "timed out"),
        }
    }
}

pub struct Outcome {
    pub status: Status,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// The command that runs `binary` for `arch`: directly on the host arch, else through QEMU.
pub fn command_for(arch: Arch, binary: &Path) -> Command {
    match arch.qemu() {
        None => Command::new(binary),
        Some(qemu) => {
            let mut c = Command::new(qemu);
            c.arg(binary);
            c
        }
    }
}

/// Runs `cmd` to completion or until `timeout`, when it is killed (and reported TimedOut).
pub fn run_with_timeout(cmd: Command, timeout: Duration) -> Result<Outcome> {
    run_with_stdout(cmd, timeout, Stdio::piped())
}

/// As [`run_with_timeout`], with the child's stdout going to `stdout` (captured only when it
/// is `Stdio::piped()`).
pub fn run_with_stdout(mut cmd: Command, timeout: Duration, stdout: Stdio) -> Result<Outcome> {
    cmd.stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped());
    let mut child = cmd.spawn()?;
    let out = child.stdout.take();
    let mut err = child.stderr.take().expect("piped");
    let t_out = std::thread::spawn(move || {
        let mut v = vec![];
        if let Some(mut out) = out {
            let _ = out.read_to_end(&mut v);
        }
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = vec![];
        let _ = err.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait()? {
            break match (st.code(), st.signal()) {
                (Some(c), _) => Status::Exited(c),
                (None, Some(s)) => Status::Signaled(s),
                (None, None) => Status::Exited(-1),
            };
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break Status::TimedOut;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    // A grandchild that kept the pipes open must not hang us: the threads end when the last
    // writer closes, which for our programs is the child itself.
    let stdout = t_out.join().unwrap_or_default();
    let stderr = t_err.join().unwrap_or_default();
    Ok(Outcome {
        status,
        stdout,
        stderr,
    })
}

/// The status a shell would report for a child that ended with `status`: its exit code, or
/// 128 + N when signal N killed it. (QEMU re-raises a guest's fatal signal on itself, so the
/// emulated arches report signals the same way.)
pub fn shell_status(status: ExitStatus) -> u8 {
    match (status.code(), status.signal()) {
        // Linux keeps the low 8 bits of an exit code.
        (Some(code), _) => (code & 0xff) as u8,
        (None, Some(sig)) => 128u8.saturating_add(u8::try_from(sig).unwrap_or(u8::MAX)),
        (None, None) => 1,
    }
}

/// `cargo xtask run PROGRAM`: builds just that program and runs it on each requested arch in
/// turn, passing output through. Returns the exit status for xtask: 0 when every run exited
/// 0, else the first run's non-zero [`shell_status`] (in the order of `arches`).
pub fn run_program(program: &str, arches: &[Arch], args: &[String]) -> Result<u8> {
    let tests = build::test_programs()?;
    let demos = build::demo_programs()?;
    let inits = build::init_programs()?;
    let package = if tests.iter().any(|p| p == program) {
        build::TEST_PACKAGE
    } else if demos.iter().any(|p| p == program) {
        build::DEMO_PACKAGE
    } else if inits.iter().any(|p| p == program) {
        build::INIT_PACKAGE
    } else {
        return Err(format!(
            "unknown program `{program}`; valid: {}",
            inits
                .iter()
                .chain(&demos)
                .chain(&tests)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        )
        .into());
    };
    setup::ensure_targets(arches)?;
    setup::ensure_qemu(arches)?;
    let mut first_failure = 0;
    for &arch in arches {
        let dir = build::build_program(arch, package, program)?;
        let mut cmd = command_for(arch, &dir.join(program));
        cmd.args(args.iter().map(OsStr::new));
        let status = cmd.status()?;
        eprintln!("xtask: {program} on {arch}: {status}");
        if first_failure == 0 {
            first_failure = shell_status(status);
        }
    }
    Ok(first_failure)
}
