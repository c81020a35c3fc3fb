//! The checks only a parent can make — exit statuses, panic messages, exact output, the
//! descriptors a program starts with — declared once. `cargo xtask test` runs them natively
//! and under QEMU user-mode; `cargo xtask test --kernel` runs them as children of the guests'
//! `/init` and judges what its console shows with the same functions.

use crate::run::{Outcome, Status};

/// What a case concludes: `Err` says what was wrong.
pub type Verdict = std::result::Result<(), String>;

/// How a case judges a run: its outcome and the report's text (empty without one).
pub type JudgeFn = Box<dyn Fn(&Outcome, &str) -> Verdict>;

/// One program run and how to judge it.
pub struct ParentCase {
    pub name: String,
    pub program: &'static str,
    pub args: Vec<Vec<u8>>,
    /// Descriptors (0, 1, 2) closed when the program starts.
    pub closed: &'static [u8],
    /// Whether stdout is `/dev/full` instead of captured.
    pub stdout_full: bool,
    /// Whether the program's last argument is a file it writes a report into; the runner
    /// appends the path and hands the file's text to `judge`.
    pub report: bool,
    /// Judges the run.
    pub judge: JudgeFn,
}

impl ParentCase {
    fn new(
        name: impl Into<String>,
        program: &'static str,
        judge: impl Fn(&Outcome, &str) -> Verdict + 'static,
    ) -> ParentCase {
        ParentCase {
            name: name.into(),
            program,
            args: vec![],
            closed: &[],
            stdout_full: false,
            report: false,
            judge: Box::new(judge),
        }
    }

    fn arg(mut self, a: &str) -> ParentCase {
        self.args.push(a.as_bytes().to_vec());
        self
    }
}

/// The programs whose every run is judged here rather than by their own case lines.
pub const JUDGED_PROGRAMS: [&str; 4] = ["exitcode", "panic", "mainresult", "print"];

/// The cases, in the order they run.
pub fn cases() -> Vec<ParentCase> {
    let mut v = vec![];
    for code in [0, 1, 255] {
        let name = format!("exit_status_{code}_reaches_parent");
        v.push(
            ParentCase::new(name, "exitcode", move |out, _| {
                expect_status(out, Status::Exited(code))
            })
            .arg(&code.to_string()),
        );
    }
    v.push(
        ParentCase::new("exit_status_256_wraps_to_0", "exitcode", |out, _| {
            expect_status(out, Status::Exited(0))
        })
        .arg("256"),
    );
    v.push(ParentCase::new(
        "panic_exits_101_with_message",
        "panic",
        |out, _| {
            let err = String::from_utf8_lossy(&out.stderr);
            let shape = err.starts_with("panicked at tests/src/bin/panic.rs:")
                && err.ends_with(": boom 42\n")
                && err.lines().count() == 1;
            expect_status(out, Status::Exited(101))?;
            if shape {
                Ok(())
            } else {
                Err(format!("stderr was {err:?}"))
            }
        },
    ));
    v.push(
        ParentCase::new("main_result_ok_exits_0", "mainresult", |out, _| {
            expect_status(out, Status::Exited(0))?;
            if out.stderr.is_empty() {
                Ok(())
            } else {
                Err(format!("stderr {:?}", out.stderr))
            }
        })
        .arg("ok"),
    );
    v.push(ParentCase::new(
        "main_result_err_prints_error_exits_1",
        "mainresult",
        |out, _| {
            let err = String::from_utf8_lossy(&out.stderr);
            expect_status(out, Status::Exited(1))?;
            // `Debug`, as std's `main` prints it.
            if err == "Error: ENOENT\n" {
                Ok(())
            } else {
                Err(format!("stderr was {err:?}"))
            }
        },
    ));
    // fds 0-2 closed at start: the runtime opens /dev/null in their place, so a new file can
    // never get one of those numbers (STDOUT is a safe constant).
    for (name, closed) in [
        ("stdout_closed_at_start_becomes_dev_null", &[1u8][..]),
        (
            "stdin_stdout_stderr_closed_at_start_become_dev_null",
            &[0, 1, 2],
        ),
    ] {
        let mut c = ParentCase::new(name, "rtstart", move |out, got| {
            let lines: Vec<&str> = got.lines().collect();
            let ok = lines.len() == 4
                && (!closed.contains(&0) || lines[0] == "0 /dev/null")
                && lines[1] == "1 /dev/null"
                && (!closed.contains(&2) || lines[2] == "2 /dev/null")
                && lines[3] == "open 3";
            expect_status(out, Status::Exited(0))?;
            if ok {
                Ok(())
            } else {
                Err(format!("report {got:?}"))
            }
        })
        .arg("stdio");
        c.closed = closed;
        c.report = true;
        v.push(c);
    }
    v.push(ParentCase::new(
        "print_macros_long_output_and_stderr",
        "print",
        |out, _| {
            let mut want = String::new();
            for i in 0..60 {
                want.push_str(&format!("{i:0>100}"));
            }
            want.push_str("\nliteral {braces}\nplain\tliteral\n7 captured\nchecked\n");
            let err = String::from_utf8_lossy(&out.stderr);
            expect_output(out, &want)?;
            if err == "to stderr 42\nplain on stderr\n" {
                Ok(())
            } else {
                Err(format!("stderr {err:?}"))
            }
        },
    ));
    let mut full = ParentCase::new(
        "print_to_dev_full_ignored_checked_writer_reports",
        "print",
        |out, _| expect_status(out, Status::Exited(3)),
    );
    full.stdout_full = true;
    v.push(full);
    v.push(ParentCase::new("demo_hello_output", "hello", |out, _| {
        expect_output(out, "hello, world\n")
    }));
    v
}

pub fn expect_status(out: &Outcome, want: Status) -> Verdict {
    if out.status == want {
        Ok(())
    } else {
        Err(format!("got {}, expected {want}", out.status))
    }
}

pub fn expect_output(out: &Outcome, want: &str) -> Verdict {
    expect_status(out, Status::Exited(0))?;
    let got = String::from_utf8_lossy(&out.stdout);
    if got == want {
        Ok(())
    } else {
        Err(format!("stdout {got:?}, expected {want:?}"))
    }
}
