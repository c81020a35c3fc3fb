//! Rows 1 and 2: the cost of one call. On the host, `bench/src/bin/calls.rs` (a std program,
//! every peer linked in) with instruction counts from callgrind; on every arch, the libc-free
//! `bench_getppid` and the disassembly of its sysrt loops, which must hold exactly one trap
//! instruction and no call (under QEMU that check is the row's point: "emulated: inlining
//! only").

use std::path::Path;
use std::process::Command;

use super::model::{Check, Row, Table, parse_rows};
use super::{Ctx, tools};
use crate::Result;
use crate::arch::Arch;
use crate::run::command_for;

/// What the per-call rows' two hand-written variants are (bench/src/bin/calls.rs).
const FLOOR_NOTE: &str = "asm floor: the trap plus what the typed call's contract makes every \
     caller do with the result (a pid_t widened; a count checked against -4095..=-1, an error \
     counting 0, as the typed variants' unwrap_or(0)); asm trap alone: the bare instruction, the \
     raw word summed with errors included, as sc and syscalls are measured";

/// The host rows of `calls`, with instruction counts, then the libc-free inlining check.
pub fn rows(ctx: &Ctx, table: &mut Table) -> Result<()> {
    let calls = ctx.bench_dir.join("calls");
    let n = if ctx.quick { "50000" } else { "300000" };
    let rounds = tools::rounds(ctx.quick).to_string();
    let mut cmd = Command::new(&calls);
    cmd.args([rounds.as_str(), n]);
    let out = tools::run(cmd, 600)?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut rows = parse_rows(&text);
    if rows.is_empty() || !(out.status == crate::run::Status::Exited(0)) && !text.contains("wrong:")
    {
        return Err(format!("calls printed no table ({:?}):\n{text}", out.status).into());
    }
    // Two callgrind runs per variant take a minute or two: not in the quick set.
    let counter = if ctx.quick {
        Some("--quick".to_string())
    } else {
        tools::ensure_valgrind()
    };
    match counter {
        Some(why) => table.skip("instruction counts", &why),
        None => {
            for row in &mut rows {
                count_insns(&calls, row);
            }
        }
    }
    for row in &mut rows {
        if ["getppid", "read 1 B /dev/zero", "write 1 B /dev/null"].contains(&row.id.as_str()) {
            row.note = if row.note.is_empty() {
                FLOOR_NOTE.to_string()
            } else {
                format!("{}; {FLOOR_NOTE}", row.note)
            };
        }
    }
    for row in rows {
        table.push(row);
    }
    inlining(Arch::X86_64, ctx, table)
}

/// Fills in instructions per call for each variant of `row` (callgrind, two run lengths).
fn count_insns(calls: &Path, row: &mut Row) {
    let id = row.id.clone();
    let mut failed = vec![];
    for v in &mut row.variants {
        let make = |n: u64| {
            let mut c = Command::new(calls);
            c.args(["one", &id, &v.name, &n.to_string()]);
            c
        };
        match tools::insns_per_op(make, 1000) {
            Ok(i) => v.insns = Some(i),
            Err(e) => failed.push(format!("{}: {e}", v.name)),
        }
    }
    if !failed.is_empty() {
        row.note = format!("no instruction count for {}", failed.join(", "));
    }
}

/// The instructions of `symbol` in `binary`, one per line: the bytes from the symbol's
/// address to its end (its size from the symbol table), so local labels inside the function
/// (riscv64's `.Lpcrel_hi*`) do not cut the listing short.
fn disassemble(objdump: &Path, binary: &Path, symbol: &str) -> Result<Vec<String>> {
    let nm = objdump.with_file_name("llvm-nm");
    let syms = Command::new(&nm).arg("-S").arg(binary).output()?;
    let syms = String::from_utf8_lossy(&syms.stdout);
    let (start, size) = syms
        .lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() == 4 && f[3] == symbol).then(|| {
                (
                    u64::from_str_radix(f[0], 16).ok(),
                    u64::from_str_radix(f[1], 16).ok(),
                )
            })
        })
        .and_then(|(a, s)| Some((a?, s?)))
        .ok_or_else(|| format!("no symbol {symbol} in {}", binary.display()))?;
    let out = Command::new(objdump)
        .args(["-d", "--no-show-raw-insn"])
        .arg(format!("--start-address={start:#x}"))
        .arg(format!("--stop-address={:#x}", start + size))
        .arg(binary)
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text
        .lines()
        .filter(|l| {
            l.trim_start()
                .split(':')
                .next()
                .is_some_and(|a| u64::from_str_radix(a.trim(), 16).is_ok())
        })
        .filter_map(|l| l.split_once(':').map(|x| x.1.trim().to_string()))
        .filter(|l| !l.is_empty())
        .collect())
}

fn is_call(arch: Arch, insn: &str) -> bool {
    let op = insn.split_whitespace().next().unwrap_or("");
    match arch {
        Arch::X86_64 => op.starts_with("call"),
        Arch::Aarch64 => op == "bl" || op == "blr",
        Arch::Riscv64 => op == "call" || op == "jalr" || (op == "jal" && !insn.contains("zero")),
    }
}

fn trap(arch: Arch) -> &'static str {
    match arch {
        Arch::X86_64 => "syscall",
        Arch::Aarch64 => "svc",
        Arch::Riscv64 => "ecall",
    }
}

fn rustlib_tool(tool: &str) -> Option<std::path::PathBuf> {
    let sysroot = Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .ok()?;
    let sysroot = String::from_utf8(sysroot.stdout).ok()?;
    let host = format!("{}-unknown-linux-gnu", std::env::consts::ARCH);
    let p = Path::new(sysroot.trim())
        .join("lib/rustlib")
        .join(host)
        .join("bin")
        .join(tool);
    p.is_file().then_some(p)
}

/// llvm-objdump from rustup's llvm-tools (it reads all three arches), added when missing.
fn llvm_objdump() -> Option<std::path::PathBuf> {
    if let Some(p) = rustlib_tool("llvm-objdump") {
        return Some(p);
    }
    eprintln!("xtask: rustup component add llvm-tools (for llvm-objdump)");
    let _ = Command::new("rustup")
        .args(["component", "add", "llvm-tools"])
        .status();
    rustlib_tool("llvm-objdump")
}

/// `bench_getppid` on `arch` (natively, or under QEMU): its rows, labelled by arch, and in
/// each row's note whether each sysrt loop is inlined down to one trap with no call.
pub fn inlining(arch: Arch, ctx: &Ctx, table: &mut Table) -> Result<()> {
    let bin = tools::libc_free(arch, crate::build::TEST_PACKAGE, "bench_getppid")?;
    let mut verdicts = vec![];
    match llvm_objdump() {
        None => verdicts.push("no llvm-objdump (rustup component add llvm-tools)".to_string()),
        Some(objdump) => {
            for call in ["getppid", "read", "write"] {
                let sym = format!("bench_sysrt_{call}_loop");
                let insns = disassemble(&objdump, &bin, &sym)?;
                let calls = insns.iter().filter(|i| is_call(arch, i)).count();
                let traps = insns.iter().filter(|i| i.starts_with(trap(arch))).count();
                verdicts.push(format!(
                    "{call}: {} instructions, {traps} `{}`, {calls} calls — {}",
                    insns.len(),
                    trap(arch),
                    // Unrolled loops (opt-level 3) may hold the trap more than once.
                    if calls == 0 && traps >= 1 {
                        "inlined down to the trap"
                    } else {
                        "NOT inlined"
                    }
                ));
            }
        }
    }
    let (n, rounds) = match (arch.is_host(), ctx.quick) {
        (true, true) => ("100000", "5"),
        (true, false) => ("200000", "9"),
        (false, _) => ("20000", "5"),
    };
    let mut cmd = command_for(arch, &bin);
    cmd.args([n, rounds]);
    let out = tools::run(cmd, 300)?;
    let text = String::from_utf8_lossy(&out.stdout);
    let rows = parse_rows(&text);
    if rows.is_empty() {
        return Err(format!("bench_getppid on {arch} printed no table:\n{text}").into());
    }
    let label = if arch.is_host() {
        format!("{arch}, libc-free")
    } else {
        format!("{arch}, emulated: inlining only")
    };
    for (i, mut row) in rows.into_iter().enumerate() {
        row.id = format!("{} [{label}]", row.id);
        if let Some(v) = verdicts.get(i).or(verdicts.first()) {
            row.note = v.clone();
        }
        if !arch.is_host() {
            // Under QEMU the times are the emulator's: kept in the table, left out of the
            // chart (no reference median), so no one reads them as speed.
            for v in &mut row.variants {
                if v.check == Check::Ok {
                    v.insns = None;
                }
            }
            row.reference = String::from("(none: emulated)");
        }
        table.push(row);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_and_traps_are_recognised_per_arch() {
        assert!(is_call(Arch::X86_64, "callq *%rax"));
        assert!(!is_call(Arch::X86_64, "syscall"));
        assert!(is_call(Arch::Aarch64, "bl 0x1234"));
        assert!(!is_call(Arch::Riscv64, "jal zero, 0x10"));
        assert!(is_call(Arch::Riscv64, "jalr ra"));
        assert_eq!(trap(Arch::Riscv64), "ecall");
    }
}
