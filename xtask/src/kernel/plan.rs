//! The guest's plan (one entry per child of `/init`, written as `/plan`) and the initramfs
//! that carries it with the programs.

use std::path::Path;

use crate::parent::{self, ParentCase};
use crate::run::Status;
use crate::test::{STARTUP_ARGS, STARTUP_ENV, is_test_program};
use crate::{Result, build};

use super::cpio;

/// The environment of every program in a guest: what a native run gives it, but the parent
/// is `/init` (pid 1), there is no QEMU user-mode, and `SYSRT_TEST_GUEST` says the machine is
/// a throwaway guest where a test may mount, chroot and pivot_root as root.
const GUEST_ENV: [&str; 3] = [
    "PATH=/usr/local/bin:/usr/bin:/bin",
    "SYSRT_TEST_PPID=1",
    "SYSRT_TEST_GUEST=1",
];

/// How a plan entry is judged.
pub enum Judge {
    /// A test program that reports its own case lines.
    Program(String),
    /// A parent-side case.
    Parent(ParentCase),
}

/// One child of `/init`.
pub struct Entry {
    pub label: String,
    pub argv: Vec<Vec<u8>>,
    pub env: Vec<Vec<u8>>,
    pub stdout: Option<&'static str>,
    pub close: Vec<u8>,
    pub files: Vec<String>,
    pub judge: Judge,
}

impl Entry {
    pub fn program(program: &str) -> Entry {
        Entry {
            label: program.to_owned(),
            argv: vec![format!("/bin/{program}").into_bytes()],
            env: GUEST_ENV.iter().map(|e| e.as_bytes().to_vec()).collect(),
            stdout: None,
            close: vec![],
            files: vec![],
            judge: Judge::Program(program.to_owned()),
        }
    }

    fn parent(case: ParentCase) -> Entry {
        let mut e = Entry::program(case.program);
        e.label = case.name.clone();
        e.argv.extend(case.args.iter().cloned());
        if case.report {
            let report = format!("/tmp/kinit-report-{}", case.name);
            e.argv.push(report.clone().into_bytes());
            e.files.push(report);
        }
        e.close = case.closed.to_vec();
        e.stdout = case.stdout_full.then_some("/dev/full");
        e.judge = Judge::Parent(case);
        e
    }
}

/// The plan of one guest: every test program, then the parent-side cases, those matching
/// `filter`.
pub fn plan(filter: Option<&str>) -> Result<Vec<Entry>> {
    let wants = |name: &str| filter.is_none_or(|f| name.contains(f));
    let mut plan = vec![];
    for p in build::test_programs()? {
        if !is_test_program(&p) || !wants(&p) {
            continue;
        }
        let mut e = Entry::program(&p);
        if p == "startup" {
            // Exactly what the program asserts: its parent's pid and three variables.
            e.argv.extend(STARTUP_ARGS.iter().map(|a| a.to_vec()));
            e.env = vec![b"SYSRT_TEST_PPID=1".to_vec()];
            for (k, v) in STARTUP_ENV {
                e.env.push([k.as_bytes(), b"=", v].concat());
            }
        }
        plan.push(e);
    }
    for c in parent::cases() {
        if wants(&c.name) {
            plan.push(Entry::parent(c));
        }
    }
    // The guest's own environment: the shell and the two programs that test programs start
    // as host programs (busybox stands in for the host's).
    let shell = "guest_has_sh_true_and_false";
    if wants(shell) {
        plan.push(Entry::parent(ParentCase {
            name: shell.into(),
            program: "sh",
            args: ["-c", "/bin/true && ! /bin/false && echo ok; exit 7"]
                .iter()
                .map(|a| a.as_bytes().to_vec())
                .collect(),
            closed: &[],
            stdout_full: false,
            report: false,
            judge: Box::new(|out, _| {
                parent::expect_status(out, Status::Exited(7))?;
                match out.stdout.as_slice() {
                    b"ok\n" => Ok(()),
                    other => Err(format!("stdout {:?}", String::from_utf8_lossy(other))),
                }
            }),
        }));
    }
    Ok(plan)
}

/// A plan value: `\xHH` for a control byte, a non-ASCII byte and the backslash itself.
fn escape(bytes: &[u8]) -> String {
    let mut s = String::new();
    for &b in bytes {
        if !(0x20..0x7f).contains(&b) || b == b'\\' {
            s.push_str(&format!("\\x{b:02x}"));
        } else {
            s.push(b as char);
        }
    }
    s
}

/// The `/plan` file (format in tests/src/bin/kinit.rs).
fn encode_plan(plan: &[Entry]) -> Vec<u8> {
    let mut s = String::new();
    for e in plan {
        s.push_str(&format!("run {}\n", escape(e.label.as_bytes())));
        for a in &e.argv {
            s.push_str(&format!("arg {}\n", escape(a)));
        }
        for v in &e.env {
            s.push_str(&format!("env {}\n", escape(v)));
        }
        if let Some(p) = e.stdout {
            s.push_str(&format!("stdout {p}\n"));
        }
        for fd in &e.close {
            s.push_str(&format!("close {fd}\n"));
        }
        for f in &e.files {
            s.push_str(&format!("file {}\n", escape(f.as_bytes())));
        }
    }
    s.into_bytes()
}

/// The initramfs: `/init`, `/plan`, every test and demo program under `/bin` (a test may
/// start another, as the spawn tests start `spawn_child` next to themselves), busybox as
/// `/bin/sh`, `/bin/true` and `/bin/false`, the mount points, and `/dev/console` for the
/// kernel to open as the first three descriptors.
pub fn initramfs(bin_dir: &Path, busybox: &Path, plan: &[Entry]) -> Result<Vec<u8>> {
    let mut a = cpio::Archive::new();
    for d in ["bin", "dev", "proc", "sys", "tmp", "run"] {
        a.dir(d, 0o755);
    }
    a.char_dev("dev/console", 0o600, (5, 1));
    a.char_dev("dev/null", 0o666, (1, 3));
    let read = |name: &str| {
        std::fs::read(bin_dir.join(name))
            .map_err(|err| format!("{}: {err}", bin_dir.join(name).display()))
    };
    a.file("init", 0o755, &read("kinit")?);
    a.file("plan", 0o644, &encode_plan(plan));
    let mut programs = build::test_programs()?;
    programs.extend(build::demo_programs()?);
    programs.extend(build::init_programs()?);
    for p in programs.iter().filter(|p| *p != "kinit") {
        a.file(&format!("bin/{p}"), 0o755, &read(p)?);
    }
    a.file("bin/busybox", 0o755, &std::fs::read(busybox)?);
    for applet in ["sh", "true", "false"] {
        a.symlink(&format!("bin/{applet}"), "busybox");
    }
    Ok(a.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_values_escape_controls_non_ascii_and_backslash() {
        assert_eq!(escape(b"a b=c"), "a b=c");
        assert_eq!(escape(b"\n\\\xff"), "\\x0a\\x5c\\xff");
        assert_eq!(escape(b""), "");
    }

    #[test]
    fn the_plan_names_every_test_program_and_parent_case_once() {
        let plan = plan(None).unwrap();
        let text = String::from_utf8(encode_plan(&plan)).unwrap();
        assert!(
            text.contains("run io_rw\narg /bin/io_rw\nenv PATH="),
            "{text}"
        );
        assert!(text.contains("run print_to_dev_full_ignored_checked_writer_reports\n"));
        assert!(text.contains("stdout /dev/full\n"));
        assert!(!text.contains("run kinit\n") && !text.contains("run bench_getppid\n"));
        // startup's arguments, byte for byte: the empty one and the non-UTF-8 one escaped.
        assert!(text.contains("arg /bin/startup\narg \narg two words\narg \\xff\\xfe\n"));
        let mut labels: Vec<&str> = plan.iter().map(|e| e.label.as_str()).collect();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), plan.len(), "labels are unique");
    }
}
