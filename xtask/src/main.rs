//! `cargo xtask`: builds sysrt's libc-free programs for every arch and runs them natively or
//! under QEMU user-mode.
//!
//! ```text
//! cargo xtask test  [--arch x86_64|aarch64|riscv64|all] [FILTER]
//! cargo xtask demo  [--arch ...]
//! cargo xtask build [--arch ...]
//! cargo xtask run   PROGRAM [--arch ...] [-- ARGS...]
//! cargo xtask bench
//! cargo xtask coverage
//! cargo xtask new   PATH [--name NAME]
//! ```

mod arch;
mod bench;
mod build;
mod coverage;
mod coverage_map;
mod demo;
mod elf;
mod hygiene;
mod run;
mod setup;
mod template;
mod test;

use std::process::ExitCode;

use arch::Arch;

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  test  [--arch A] [FILTER]      host unit tests, then every test program on every arch
                                 (x86_64 natively, the others under QEMU); FILTER keeps the
                                 cases whose program or name contains it
  demo  [--arch A]               build and run the demo programs; table of size, status, syscalls
  build [--arch A]               cross-build the test and demo programs
  run   PROGRAM [--arch A] [-- ARGS...]
                                 build and run one test or demo program
  bench                          size and speed figures (hello's size, getppid cost, inlining)
  coverage                       sysrt against Go's syscall API: COVERED/TOTAL per category
  new   PATH [--name NAME]       a libc-free program of your own, from template/

A (default all): x86_64, aarch64, riscv64, all";

struct Opts {
    arches: Vec<Arch>,
    positional: Vec<String>,
    passthrough: Vec<String>,
}

fn parse_opts(args: &[String]) -> Result<Opts> {
    let mut opts = Opts {
        arches: Arch::ALL.to_vec(),
        positional: vec![],
        passthrough: vec![],
    };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            opts.passthrough = args[i + 1..].to_vec();
            break;
        } else if a == "--arch" {
            let v = args
                .get(i + 1)
                .ok_or("--arch needs a value: x86_64, aarch64, riscv64, all")?;
            opts.arches = Arch::parse(v)?;
            i += 1;
        } else if let Some(v) = a.strip_prefix("--arch=") {
            opts.arches = Arch::parse(v)?;
        } else if a.starts_with("--") {
            return Err(format!("unknown option `{a}`\n\n{USAGE}").into());
        } else {
            opts.positional.push(a.clone());
        }
        i += 1;
    }
    Ok(opts)
}

fn real_main() -> Result<bool> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((cmd, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return Ok(false);
    };
    if cmd == "new" {
        return template::new_command(rest);
    }
    let opts = parse_opts(rest)?;
    match cmd.as_str() {
        "test" => {
            if opts.positional.len() > 1 {
                return Err("test takes at most one FILTER".into());
            }
            test::test(&opts.arches, opts.positional.first().map(String::as_str))
        }
        "demo" => demo::demo(&opts.arches),
        "build" => {
            setup::ensure_targets(&opts.arches)?;
            for &arch in &opts.arches {
                let dir = build::build_programs(arch)?;
                println!("{arch}: {}", dir.display());
            }
            Ok(true)
        }
        "run" => {
            let [program] = opts.positional.as_slice() else {
                return Err("usage: cargo xtask run PROGRAM [--arch A] [-- ARGS...]".into());
            };
            run::run_program(program, &opts.arches, &opts.passthrough)
        }
        "bench" => bench::bench(),
        "coverage" => coverage::coverage(),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(true)
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}").into()),
    }
}

fn main() -> ExitCode {
    match real_main() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}
