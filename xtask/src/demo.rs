//! `cargo xtask demo`: builds the demo programs for every arch, runs each (natively under
//! strace, or under QEMU with `-strace`), and prints one row per (program, arch).

use std::collections::BTreeMap;
use std::time::Duration;

use crate::arch::Arch;
use crate::run::{Status, run_with_timeout};
use crate::{Result, build, setup};

/// One row of the table.
pub struct Row {
    pub program: String,
    pub arch: Arch,
    pub size: u64,
    pub status: Status,
    pub syscalls: Vec<String>,
    pub stdout: String,
}

/// Syscall names from strace (`[pid] name(args) = ret`) or qemu -strace (`pid name(args) = ret`)
/// output, in order. `execve` (the launch itself) and non-call lines are left out.
pub fn parse_strace(text: &str) -> Vec<String> {
    let mut names = vec![];
    for line in text.lines() {
        let rest = line
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start();
        let rest = rest
            .strip_prefix("[pid")
            .map_or(rest, |r| r.split_once(']').map_or(r, |x| x.1).trim_start());
        let Some(paren) = rest.find('(') else {
            continue;
        };
        let name = &rest[..paren];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        if name != "execve" {
            names.push(name.to_string());
        }
    }
    names
}

/// `write×2, exit_group` style summary, in order of first use.
pub fn summarize(names: &[String]) -> String {
    let mut order: Vec<&str> = vec![];
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for n in names {
        if !counts.contains_key(n.as_str()) {
            order.push(n);
        }
        *counts.entry(n).or_default() += 1;
    }
    order
        .iter()
        .map(|n| match counts[n] {
            1 => n.to_string(),
            c => format!("{n}×{c}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn run_demo(arch: Arch, dir: &std::path::Path, program: &str) -> Result<Row> {
    run_demo_with(arch, dir, program, &[])
}

/// sysrt-init's demo: it supervises a shell. It is not PID 1 here, so natively it runs as a
/// subreaper (`-s`; otherwise it would refuse to start the program). qemu-user does not
/// emulate `PR_SET_CHILD_SUBREAPER`, so under QEMU it goes without: it cannot tell whether it
/// is a subreaper, prints tini's warning on stderr and starts the program, as tini does.
pub fn init_demo_args(arch: Arch) -> Vec<&'static str> {
    let subreaper = if arch.qemu().is_none() {
        &["-s"][..]
    } else {
        &[]
    };
    let program = [
        "--",
        "/bin/sh",
        "-c",
        "echo hello from the child of sysrt-init",
    ];
    subreaper.iter().chain(&program).copied().collect()
}

/// As [`run_demo`], with arguments.
pub fn run_demo_with(
    arch: Arch,
    dir: &std::path::Path,
    program: &str,
    args: &[&str],
) -> Result<Row> {
    let bin = dir.join(program);
    let size = std::fs::metadata(&bin)?.len();
    let trace = std::env::temp_dir().join(format!(
        "sysrt-demo-{}-{arch}-{program}.strace",
        std::process::id()
    ));
    let cmd = match arch.qemu() {
        None => {
            // The program's own calls only: what a supervisor's child does is another program.
            let mut c = std::process::Command::new("strace");
            c.args(["-qq", "-o"]).arg(&trace).arg(&bin).args(args);
            c
        }
        Some(q) => {
            let mut c = std::process::Command::new(q);
            c.arg("-strace").arg(&bin).args(args);
            c
        }
    };
    let out = run_with_timeout(cmd, Duration::from_secs(60))?;
    let trace_text = match arch.qemu() {
        None => std::fs::read_to_string(&trace).unwrap_or_default(),
        Some(_) => String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    let _ = std::fs::remove_file(&trace);
    Ok(Row {
        program: program.to_string(),
        arch,
        size,
        status: out.status,
        syscalls: parse_strace(&trace_text),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
    })
}

pub fn demo(arches: &[Arch]) -> Result<bool> {
    setup::ensure_targets(arches)?;
    setup::ensure_qemu(arches)?;
    if arches.iter().any(|a| a.is_host()) {
        setup::ensure_debian_package(&["strace"], "strace")?;
    }
    let programs = build::demo_programs()?;
    let mut rows = vec![];
    for &arch in arches {
        let dir = build::build_programs(arch)?;
        for p in &programs {
            rows.push(run_demo(arch, &dir, p)?);
        }
        for p in build::init_programs()? {
            rows.push(run_demo_with(arch, &dir, &p, &init_demo_args(arch))?);
        }
    }
    for r in &rows {
        for l in r.stdout.lines() {
            println!("[{} {}] {l}", r.program, r.arch);
        }
    }
    println!();
    println!("| program | arch | size (bytes, stripped) | exit | syscalls (execve aside) |");
    println!("|---|---|---:|---|---|");
    let mut ok = true;
    for r in &rows {
        ok &= r.status == Status::Exited(0);
        println!(
            "| {} | {} | {} | {} | {}: {} |",
            r.program,
            r.arch,
            r.size,
            r.status,
            r.syscalls.len(),
            summarize(&r.syscalls)
        );
    }
    Ok(ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strace_and_qemu_strace_lines_parse() {
        let native = "execve(\"./hello\", [\"./hello\"], 0x7ffd /* 1 var */) = 0\n\
                      write(1, \"hello, world\\n\", 13) = 13\nexit_group(0) = ?\n+++ exited with 0 +++\n";
        assert_eq!(parse_strace(native), ["write", "exit_group"]);
        let forked = "123 write(1, \"x\", 1) = 1\n124 exit_group(0) = ?\n";
        assert_eq!(parse_strace(forked), ["write", "exit_group"]);
        let qemu = "4242 write(1,0x4000800,13) = 13\n4242 exit_group(0)\n";
        assert_eq!(parse_strace(qemu), ["write", "exit_group"]);
        let names: Vec<String> = ["openat", "write", "openat"].map(String::from).to_vec();
        assert_eq!(summarize(&names), "openat×2, write");
    }
}
