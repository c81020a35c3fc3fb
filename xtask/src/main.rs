//! `cargo xtask`: builds sysrt's libc-free programs for every arch and runs them natively or
//! under QEMU user-mode.
//!
//! ```text
//! cargo xtask test  [--arch x86_64|aarch64|riscv64|all] [--kernel] [FILTER]
//! cargo xtask demo  [--arch ...]
//! cargo xtask build [--arch ...]
//! cargo xtask run   PROGRAM [--arch ...] [-- ARGS...]
//! cargo xtask bench [--quick] [--arch aarch64|riscv64|all]
//! cargo xtask coverage
//! cargo xtask fuzz  [TARGET] [--time 60s]
//! cargo xtask miri
//! cargo xtask new   PATH [--name NAME]
//! cargo xtask help  [COMMAND]
//! ```
//!
//! Every command also takes `-h`/`--help`. xtask exits 0 on success and 1 on a failure,
//! except `run`, which exits with the program's own status (see [`run::run_program`]).

mod arch;
mod bench;
mod build;
mod coverage;
mod coverage_map;
mod demo;
mod elf;
mod fuzz;
mod hygiene;
mod kernel;
mod miri;
mod parent;
mod publish;
mod run;
mod setup;
mod template;
mod test;

use std::io::Write;
use std::process::ExitCode;

use arch::Arch;

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  test  [--arch A] [FILTER]      host unit tests, then every test program on every arch
                                 (x86_64 natively, the others under QEMU); FILTER keeps the
                                 cases whose program or name contains it
  test --kernel [--arch A] [FILTER]
                                 every test program on real Linux kernels, one qemu-system
                                 guest per arch
  demo  [--arch A]               build and run the demo programs; table of size, status, syscalls
  build [--arch A]               cross-build the test and demo programs
  run   PROGRAM [--arch A] [-- ARGS...]
                                 build and run one test or demo program
  bench [--quick] [--arch A]     sysrt against the floor and its peers: one table of ratios,
                                 target/bench/bench.{json,svg}; --arch repeats the per-call
                                 rows under QEMU (inlining, not speed)
  coverage                       sysrt against Go's syscall API: COVERED/TOTAL per category
  new   PATH [--name NAME]       a libc-free program of your own, from template/
  fuzz  [TARGET] [--time 60s]    fuzz the parsers of kernel-provided bytes (nightly, cargo-fuzz)
  miri                           the parsers' and unsafe helpers' unit tests under Miri
  help  [COMMAND]                this text, or one command's

A (default all): x86_64, aarch64, riscv64, all
`cargo xtask COMMAND --help` describes one command.";

const TEST_USAGE: &str = "\
usage: cargo xtask test [--arch A] [--kernel] [FILTER]

Runs the host unit tests (cargo test), then every test program on each arch (x86_64
natively, aarch64 and riscv64 under QEMU user-mode), and the checks only a parent can
make (exit statuses, panics, ELF facts, demo outputs). Run as root, as CI does, it also
runs the host arch's programs a second time as uid/gid 65534 with no supplementary
groups, so a case that passes only with root's powers fails there. Exits 0 when nothing
failed.

With --kernel it runs the same programs and parent-side checks on real Linux kernels
instead: one qemu-system guest per arch (TCG), booting Debian's kernel (x86_64 and
aarch64: Debian 12's 6.1; riscv64: Debian 13's 6.12) with an initramfs whose libc-free
/init runs every program as its child. It installs qemu-system with apt-get when run as
root (else it names the command), fetches the kernels once with apt into
target/kernels/ (each .deb checked against the Packages index apt verified), and ends
with the kernel matrix. Each boot is killed after SYSRT_KERNEL_TIMEOUT seconds (600).

  FILTER        keep the cases whose program or name contains it (no host unit tests)
  --arch A      x86_64, aarch64, riscv64 or all (default all)
  --kernel      run on the kernel guests instead (see above)
  -h, --help    print this help";

const DEMO_USAGE: &str = "\
usage: cargo xtask demo [--arch A]

Builds and runs the demo programs (natively under strace, or under QEMU with -strace)
and prints one row per program and arch: size, exit status, the syscalls it made.

  --arch A      x86_64, aarch64, riscv64 or all (default all)
  -h, --help    print this help";

const BUILD_USAGE: &str = "\
usage: cargo xtask build [--arch A]

Cross-builds every test and demo program (release, libc-free link setup) and prints the
directory holding each arch's binaries.

  --arch A      x86_64, aarch64, riscv64 or all (default all)
  -h, --help    print this help";

const RUN_USAGE: &str = "\
usage: cargo xtask run PROGRAM [--arch A] [-- ARGS...]

Builds just PROGRAM (a test or demo program) and runs it with ARGS on each arch in turn
(x86_64 natively, the others under QEMU), its output passed through. Exits with the
program's own status (128+N when signal N killed it); with several arches, the first
non-zero one in x86_64, aarch64, riscv64 order, so a failure on any arch shows.

  --arch A      x86_64, aarch64, riscv64 or all (default all)
  -- ARGS...    passed to the program unchanged (including -h and --help)
  -h, --help    print this help";

const BENCH_USAGE: &str = "\
usage: cargo xtask bench [--quick] [--arch A]

Builds the benchmark programs (release, loops aligned to 64 bytes) and measures sysrt beside
the physical floor and the peers users would otherwise pick, in the same run, as ratios:
per-call cost (asm floor, sc, rustix, syscalls, libc, std), the vDSO clocks and getrandom,
hello (size, syscalls, exec to exit, VmHWM) against C and Rust std on glibc and musl, spawn
and wait, directory listing, file copy, TCP loopback, the echo server's memory, allocator
churn. Variants take turns round by round; min and median of >= 5 rounds. Instruction
counts come from valgrind's callgrind when present. Prints one table and writes
target/bench/bench.json and target/bench/bench.svg (a bar chart of the ratios).

Exits non-zero only when a variant's result is wrong, never on a time.

  --quick       a reduced set, under 2 minutes (the full set: under 15 on 2 cores)
  --arch A      also run the per-call rows for A (aarch64, riscv64 or all) under QEMU,
                labelled \"emulated: inlining only\": the inlining check, not speed
  -h, --help    print this help";

const COVERAGE_USAGE: &str = "\
usage: cargo xtask coverage

Compares sysrt with Go's syscall API and prints COVERED/TOTAL per category.

  -h, --help    print this help";

/// What the command line asks for.
#[derive(Debug, PartialEq)]
enum Cmd {
    /// Print this text and exit 0.
    Help(&'static str),
    Test {
        arches: Vec<Arch>,
        filter: Option<String>,
        /// `--kernel`: on the qemu-system guests instead.
        kernel: bool,
    },
    Demo {
        arches: Vec<Arch>,
    },
    Build {
        arches: Vec<Arch>,
    },
    Run {
        program: String,
        arches: Vec<Arch>,
        args: Vec<String>,
    },
    Bench {
        quick: bool,
        /// The arches whose per-call rows also run under QEMU (`--arch`; none by default).
        emulated: Vec<Arch>,
    },
    Coverage,
    /// `fuzz ...` and `miri ...`, their arguments as given.
    Fuzz(Vec<String>),
    Miri(Vec<String>),
    /// `new PATH [--name NAME]`, its arguments as given.
    New(Vec<String>),
}

/// The usage text of `command`, or `None` for an unknown command.
fn usage_of(command: &str) -> Option<&'static str> {
    Some(match command {
        "test" => TEST_USAGE,
        "demo" => DEMO_USAGE,
        "build" => BUILD_USAGE,
        "run" => RUN_USAGE,
        "bench" => BENCH_USAGE,
        "coverage" => COVERAGE_USAGE,
        "fuzz" => fuzz::USAGE,
        "miri" => miri::USAGE,
        "new" => template::USAGE,
        "help" => USAGE,
        _ => return None,
    })
}

/// One command's arguments after the command name.
struct Opts {
    arches: Vec<Arch>,
    positional: Vec<String>,
    passthrough: Vec<String>,
    help: bool,
    kernel: bool,
    quick: bool,
}

/// Parses a command's options; `usage` is appended to errors. `-h`/`--help` anywhere before
/// `--` asks for help; everything after `--` is passed through.
fn parse_opts(args: &[String], usage: &str) -> Result<Opts> {
    let mut opts = Opts {
        arches: Arch::ALL.to_vec(),
        positional: vec![],
        passthrough: vec![],
        help: false,
        kernel: false,
        quick: false,
    };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            opts.passthrough = args[i + 1..].to_vec();
            break;
        } else if a == "-h" || a == "--help" {
            opts.help = true;
        } else if a == "--kernel" && usage == TEST_USAGE {
            opts.kernel = true;
        } else if a == "--quick" && usage == BENCH_USAGE {
            opts.quick = true;
        } else if a == "--arch" {
            let v = args
                .get(i + 1)
                .ok_or("--arch needs a value: x86_64, aarch64, riscv64, all")?;
            opts.arches = Arch::parse(v)?;
            i += 1;
        } else if let Some(v) = a.strip_prefix("--arch=") {
            opts.arches = Arch::parse(v)?;
        } else if a.starts_with('-') && a.len() > 1 {
            return Err(format!("unknown option `{a}`\n\n{usage}").into());
        } else {
            opts.positional.push(a.clone());
        }
        i += 1;
    }
    Ok(opts)
}

/// Parses the whole command line (without the program name).
fn parse(args: &[String]) -> Result<Cmd> {
    let Some((cmd, rest)) = args.split_first() else {
        return Err(format!("no command given\n\n{USAGE}").into());
    };
    let cmd = cmd.as_str();
    if matches!(cmd, "help" | "-h" | "--help") {
        return match rest {
            [] => Ok(Cmd::Help(USAGE)),
            [command] => usage_of(command)
                .map(Cmd::Help)
                .ok_or_else(|| format!("unknown command `{command}`\n\n{USAGE}").into()),
            _ => Err(format!("help takes at most one COMMAND\n\n{USAGE}").into()),
        };
    }
    if cmd == "fuzz" || cmd == "miri" {
        let rest = rest.to_vec();
        return Ok(if cmd == "fuzz" {
            Cmd::Fuzz(rest)
        } else {
            Cmd::Miri(rest)
        });
    }
    if cmd == "new" {
        if rest.iter().any(|a| a == "-h" || a == "--help") {
            return Ok(Cmd::Help(template::USAGE));
        }
        return Ok(Cmd::New(rest.to_vec()));
    }
    let usage = usage_of(cmd).ok_or_else(|| format!("unknown command `{cmd}`\n\n{USAGE}"))?;
    let opts = parse_opts(rest, usage)?;
    if opts.help {
        return Ok(Cmd::Help(usage));
    }
    let no_passthrough = || {
        if opts.passthrough.is_empty() {
            Ok(())
        } else {
            Err(format!("`{cmd}` takes no `-- ARGS`\n\n{usage}"))
        }
    };
    // Commands without positional arguments: how many each takes.
    let at_most = |n: usize| {
        if opts.positional.len() > n {
            Err(format!(
                "unexpected argument `{}`\n\n{usage}",
                opts.positional[n]
            ))
        } else {
            Ok(())
        }
    };
    let arch_given = rest
        .iter()
        .any(|a| a == "--arch" || a.starts_with("--arch="));
    let no_arch = || {
        if arch_given {
            Err(format!("`{cmd}` takes no --arch\n\n{usage}"))
        } else {
            Ok(())
        }
    };
    Ok(match cmd {
        "test" => {
            no_passthrough()?;
            at_most(1)?;
            Cmd::Test {
                filter: opts.positional.first().cloned(),
                arches: opts.arches,
                kernel: opts.kernel,
            }
        }
        "demo" | "build" => {
            no_passthrough()?;
            at_most(0)?;
            if cmd == "demo" {
                Cmd::Demo {
                    arches: opts.arches,
                }
            } else {
                Cmd::Build {
                    arches: opts.arches,
                }
            }
        }
        "run" => {
            let [program] = opts.positional.as_slice() else {
                return Err(format!("run takes exactly one PROGRAM\n\n{usage}").into());
            };
            Cmd::Run {
                program: program.clone(),
                arches: opts.arches,
                args: opts.passthrough,
            }
        }
        "bench" => {
            no_passthrough()?;
            at_most(0)?;
            Cmd::Bench {
                quick: opts.quick,
                emulated: if arch_given {
                    opts.arches.into_iter().filter(|a| !a.is_host()).collect()
                } else {
                    vec![]
                },
            }
        }
        _ => {
            no_passthrough()?;
            no_arch()?;
            at_most(0)?;
            Cmd::Coverage
        }
    })
}

/// Runs the command and returns xtask's exit status.
fn real_main() -> Result<u8> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let ok = match parse(&args)? {
        Cmd::Help(text) => {
            // Not println!: `cargo xtask test -h | head` closing the pipe is no error.
            let _ = writeln!(std::io::stdout(), "{text}");
            true
        }
        Cmd::Test {
            arches,
            filter,
            kernel: false,
        } => test::test(&arches, filter.as_deref())?,
        Cmd::Test {
            arches,
            filter,
            kernel: true,
        } => kernel::test_kernels(&arches, filter.as_deref())?,
        Cmd::Demo { arches } => demo::demo(&arches)?,
        Cmd::Build { arches } => {
            setup::ensure_targets(&arches)?;
            for &arch in &arches {
                let dir = build::build_programs(arch)?;
                println!("{arch}: {}", dir.display());
            }
            true
        }
        Cmd::Run {
            program,
            arches,
            args,
        } => return run::run_program(&program, &arches, &args),
        Cmd::Bench { quick, emulated } => bench::bench(quick, &emulated)?,
        Cmd::Coverage => coverage::coverage()?,
        Cmd::Fuzz(args) => fuzz::fuzz(&args)?,
        Cmd::Miri(args) => miri::miri(&args)?,
        Cmd::New(args) => template::new_command(&args)?,
    };
    Ok(u8::from(!ok))
}

fn main() -> ExitCode {
    keep_inherited_fds_from_children();
    match real_main() {
        Ok(status) => ExitCode::from(status),
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Marks every descriptor above 2 that xtask inherited close-on-exec. A wrapper can leave one
/// open (`/usr/bin/time -o FILE` keeps FILE as fd 3), and it would reach every test program,
/// whose checks expect to start with fds 0–2 only (the next `open` gets 3). Linux 5.11+;
/// on older kernels they are left as they are.
fn keep_inherited_fds_from_children() {
    // SAFETY: with CLOEXEC nothing is closed; it only sets a flag on the descriptors.
    let _ = unsafe { sysrt::io::close_range(3, u32::MAX, sysrt::io::CloseRangeFlags::CLOEXEC) };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;
    use std::process::ExitStatus;

    fn parse_str(line: &str) -> Result<Cmd> {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        parse(&args)
    }

    #[test]
    fn every_command_takes_help_and_h() {
        for (cmd, usage) in [
            ("test", TEST_USAGE),
            ("demo", DEMO_USAGE),
            ("build", BUILD_USAGE),
            ("run", RUN_USAGE),
            ("bench", BENCH_USAGE),
            ("coverage", COVERAGE_USAGE),
        ] {
            assert!(
                usage.starts_with(&format!("usage: cargo xtask {cmd}")),
                "{cmd}"
            );
            for flag in ["--help", "-h"] {
                assert_eq!(
                    parse_str(&format!("{cmd} {flag}")).unwrap(),
                    Cmd::Help(usage),
                    "{cmd} {flag}"
                );
            }
            assert_eq!(parse_str(&format!("help {cmd}")).unwrap(), Cmd::Help(usage));
        }
        for line in ["help", "--help", "-h"] {
            assert_eq!(parse_str(line).unwrap(), Cmd::Help(USAGE), "{line}");
        }
    }

    #[test]
    fn help_wins_over_missing_or_extra_arguments() {
        // `run --help` needs no PROGRAM; a bad command line with -h still gets the help.
        assert_eq!(parse_str("run --help").unwrap(), Cmd::Help(RUN_USAGE));
        assert_eq!(
            parse_str("run hello extra -h").unwrap(),
            Cmd::Help(RUN_USAGE)
        );
        assert_eq!(
            parse_str("test --arch aarch64 -h").unwrap(),
            Cmd::Help(TEST_USAGE)
        );
    }

    #[test]
    fn help_after_double_dash_goes_to_the_program() {
        assert_eq!(
            parse_str("run cp --arch x86_64 -- -h --help").unwrap(),
            Cmd::Run {
                program: "cp".into(),
                arches: vec![Arch::X86_64],
                args: vec!["-h".into(), "--help".into()],
            }
        );
    }

    #[test]
    fn commands_parse_their_arguments() {
        assert_eq!(
            parse_str("test --arch=riscv64 fs_").unwrap(),
            Cmd::Test {
                arches: vec![Arch::Riscv64],
                filter: Some("fs_".into()),
                kernel: false,
            }
        );
        assert_eq!(
            parse_str("test").unwrap(),
            Cmd::Test {
                arches: Arch::ALL.to_vec(),
                filter: None,
                kernel: false,
            }
        );
        assert_eq!(
            parse_str("test --kernel --arch aarch64 io_").unwrap(),
            Cmd::Test {
                arches: vec![Arch::Aarch64],
                filter: Some("io_".into()),
                kernel: true,
            }
        );
        assert_eq!(
            parse_str("build --arch all").unwrap(),
            Cmd::Build {
                arches: Arch::ALL.to_vec()
            }
        );
        assert_eq!(
            parse_str("run hello").unwrap(),
            Cmd::Run {
                program: "hello".into(),
                arches: Arch::ALL.to_vec(),
                args: vec![],
            }
        );
        assert_eq!(
            parse_str("bench").unwrap(),
            Cmd::Bench {
                quick: false,
                emulated: vec![]
            }
        );
        assert_eq!(
            parse_str("bench --quick --arch all").unwrap(),
            Cmd::Bench {
                quick: true,
                emulated: Arch::ALL.into_iter().filter(|a| !a.is_host()).collect()
            }
        );
        assert_eq!(parse_str("coverage").unwrap(), Cmd::Coverage);
    }

    #[test]
    fn bad_command_lines_are_errors_with_the_usage() {
        for (line, says, usage) in [
            ("", "no command given", USAGE),
            ("frobnicate", "unknown command `frobnicate`", USAGE),
            ("help frobnicate", "unknown command `frobnicate`", USAGE),
            ("test --verbose", "unknown option `--verbose`", TEST_USAGE),
            ("test -v", "unknown option `-v`", TEST_USAGE),
            ("test a b", "unexpected argument `b`", TEST_USAGE),
            ("test -- x", "takes no `-- ARGS`", TEST_USAGE),
            ("build --kernel", "unknown option `--kernel`", BUILD_USAGE),
            ("build hello", "unexpected argument `hello`", BUILD_USAGE),
            ("run", "exactly one PROGRAM", RUN_USAGE),
            ("run a b", "exactly one PROGRAM", RUN_USAGE),
            ("bench --slow", "unknown option `--slow`", BENCH_USAGE),
            ("test --quick", "unknown option `--quick`", TEST_USAGE),
            (
                "coverage extra",
                "unexpected argument `extra`",
                COVERAGE_USAGE,
            ),
        ] {
            let err = parse_str(line).unwrap_err().to_string();
            assert!(err.contains(says), "{line:?}: {err}");
            assert!(err.ends_with(usage), "{line:?}: {err}");
        }
        let err = parse_str("run hello --arch mips").unwrap_err().to_string();
        assert!(err.contains("unknown arch `mips`"), "{err}");
        let err = parse_str("run hello --arch").unwrap_err().to_string();
        assert!(err.contains("--arch needs a value"), "{err}");
    }

    #[test]
    fn run_exits_with_the_programs_status_and_128_plus_a_signal() {
        // A wait status: exit code in bits 8..16, or the killing signal in bits 0..7.
        let exited = |code: i32| ExitStatus::from_raw(code << 8);
        assert_eq!(run::shell_status(exited(0)), 0);
        assert_eq!(run::shell_status(exited(1)), 1);
        assert_eq!(run::shell_status(exited(101)), 101);
        assert_eq!(run::shell_status(exited(255)), 255);
        assert_eq!(run::shell_status(ExitStatus::from_raw(9)), 137); // SIGKILL
        assert_eq!(run::shell_status(ExitStatus::from_raw(6)), 134); // SIGABRT
        assert_eq!(run::shell_status(ExitStatus::from_raw(11 | 0x80)), 139); // SIGSEGV, core dumped
    }

    #[test]
    fn a_real_child_status_reaches_the_mapping() {
        let status = |script: &str| {
            std::process::Command::new("sh")
                .args(["-c", script])
                .status()
                .unwrap()
        };
        assert_eq!(run::shell_status(status("exit 42")), 42);
        assert_eq!(run::shell_status(status("kill -TERM $$")), 128 + 15);
    }
}
