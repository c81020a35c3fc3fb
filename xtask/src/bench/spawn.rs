//! Row 4: spawn and wait of /bin/true and of sysrt's static hello. The libc-free
//! `bench_spawn` has the floor (a hand-written `clone(CLONE_VM|CLONE_VFORK)` + `execve` +
//! `wait4`) and sysrt's `fork_exec` + `wait4`; `bench/src/bin/spawn.rs` has std's `Command`,
//! libc fork, vfork and posix_spawn. Each program interleaves its cases spawn by spawn; the
//! two programs take turns round by round. Syscalls per spawn come from strace -f.

use std::path::Path;
use std::process::{Command, Stdio};

use super::model::{Row, Table, Variant, min_median};
use super::{Ctx, tools};
use crate::Result;

const FLOOR: &str = "raw clone+execve+wait4 (floor)";
const SYSRT: &str = "sysrt fork_exec + wait4";

/// `spawn NAME  NS ns/spawn …` lines: (name, median ns).
fn parse(text: &str) -> Vec<(String, f64)> {
    text.lines()
        .filter_map(|l| {
            let l = l.strip_prefix("spawn ")?;
            let (name, rest) = l.split_once("  ")?;
            let ns = rest.split_whitespace().next()?.parse().ok()?;
            Some((name.trim().to_string(), ns))
        })
        .collect()
}

/// The syscalls of `trace` (strace -f output) that belong to spawning: every call of the
/// first process after its own launch, and each child's calls up to and including its
/// `execve` (what the started program does after that is not the spawn's).
fn spawn_syscalls(trace: &str) -> usize {
    let mut main = None;
    let mut execed = std::collections::HashSet::new();
    let mut n = 0;
    for line in trace.lines() {
        let Some((pid, rest)) = line.split_once(char::is_whitespace) else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(paren) = rest.find('(') else {
            continue;
        };
        let name = &rest[..paren];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue; // "<... resumed>", "--- SIGCHLD", "+++ exited"
        }
        match main {
            None => main = Some(pid.to_string()), // the benchmark's own launch
            Some(ref m) if m == pid => n += 1,
            Some(_) if execed.contains(pid) => {}
            Some(_) => {
                n += 1;
                if name == "execve" {
                    execed.insert(pid.to_string());
                }
            }
        }
    }
    n
}

/// Syscalls per spawn of `cmd(n)` (a `count n` run): (20 spawns − none) / 20, under strace.
fn per_spawn(cmd: impl Fn(u32) -> Command) -> Option<f64> {
    let dir = tools::scratch().ok()?;
    let count = |n: u32| -> Option<usize> {
        let trace = dir.join(format!("spawn-{}-{n}.strace", std::process::id()));
        let c = cmd(n);
        let ok = Command::new("strace")
            .args(["-f", "-qq", "-o"])
            .arg(&trace)
            .arg(c.get_program())
            .args(c.get_args())
            .stdout(Stdio::null())
            .status()
            .ok()?
            .success();
        let text = std::fs::read_to_string(&trace).ok();
        let _ = std::fs::remove_file(&trace);
        ok.then_some(spawn_syscalls(&text?))
    };
    let (busy, idle) = (count(20)?, count(0)?);
    Some((busy as f64 - idle as f64) / 20.0)
}

pub fn rows(ctx: &Ctx, table: &mut Table) -> Result<()> {
    let libc_free = tools::libc_free(
        crate::arch::Arch::X86_64,
        crate::build::TEST_PACKAGE,
        "bench_spawn",
    )?;
    let peers = ctx.bench_dir.join("spawn");
    let hello = ctx.demo_dir.join("hello");
    let (rounds, per_round) = if ctx.quick { (5, 60) } else { (5, 400) };
    for (label, target) in [
        ("/bin/true", Path::new("/bin/true")),
        ("sysrt hello", &hello),
    ] {
        let mut row = Row::new(&format!("spawn+wait {label}"), "µs", FLOOR);
        let mut samples: Vec<(String, Vec<f64>)> = vec![];
        let mut wrong = vec![];
        for round in 0..rounds {
            let mut progs = [&libc_free, &peers];
            if round % 2 == 1 {
                progs.reverse();
            }
            for prog in progs {
                let mut cmd = Command::new(prog);
                cmd.arg(per_round.to_string()).arg(target);
                let out = tools::run(cmd, 600)?;
                let text = String::from_utf8_lossy(&out.stdout);
                if !(out.status == crate::run::Status::Exited(0)) {
                    wrong.push(format!("{}: {}", prog.display(), text.trim()));
                }
                for (name, ns) in parse(&text) {
                    let keep = prog == &peers || name == FLOOR || name == SYSRT;
                    if !keep {
                        continue;
                    }
                    match samples.iter_mut().find(|(n, _)| *n == name) {
                        Some((_, s)) => s.push(ns / 1000.0),
                        None => samples.push((name, vec![ns / 1000.0])),
                    }
                }
            }
        }
        for (name, s) in &samples {
            let (min, med) = min_median(s);
            let mut v = Variant::new(name, min, med);
            if !wrong.is_empty() {
                v.check = super::model::Check::Wrong(wrong.join("; "));
            }
            row.variants.push(v);
        }
        row.note = format!(
            "{rounds} rounds × {per_round} spawns per case; min and median of the per-round \
             medians"
        );
        table.push(row);
    }
    // Syscalls per spawn (the same for either target: what the spawn itself does).
    let mut row = Row::new("spawn: syscalls per spawn", "syscalls", FLOOR);
    let cases: [(&str, &Path, usize); 6] = [
        (FLOOR, &libc_free, 0),
        (SYSRT, &libc_free, 3),
        ("std Command", &peers, 0),
        ("libc fork+execve+wait4", &peers, 1),
        ("libc vfork+execve+wait4", &peers, 2),
        ("libc posix_spawn+wait4", &peers, 3),
    ];
    for (name, prog, case) in cases {
        let k = per_spawn(|n| {
            let mut c = Command::new(prog);
            c.args(["count", &n.to_string(), &case.to_string()]);
            if prog == peers.as_path() {
                c.arg("/bin/true");
            }
            c
        });
        row.variants.push(match k {
            Some(k) => Variant::new(name, k, k),
            None => Variant::skipped(name, "strace failed"),
        });
    }
    row.note = "strace -f: the parent's calls and the child's up to its execve, per spawn".into();
    table.push(row);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spawn_syscalls_counts_the_parent_and_each_child_up_to_its_exec() {
        let trace = "10 execve(\"./bench_spawn\", [...]) = 0\n\
                     10 rt_sigprocmask(SIG_SETMASK, ~[], [], 8) = 0\n\
                     10 clone(child_stack=0x1, flags=CLONE_VM|CLONE_VFORK|SIGCHLD <unfinished ...>\n\
                     11 rt_sigprocmask(SIG_SETMASK, [], NULL, 8) = 0\n\
                     11 execve(\"./x\", [\"x\"], 0x2 /* 0 vars */ <unfinished ...>\n\
                     10 <... clone resumed>) = 11\n\
                     11 <... execve resumed>) = 0\n\
                     11 exit_group(0) = ?\n\
                     10 --- SIGCHLD {si_signo=SIGCHLD} ---\n\
                     10 wait4(11, [{WIFEXITED(s)}], 0, NULL) = 11\n\
                     11 +++ exited with 0 +++\n";
        // Parent: rt_sigprocmask, clone, wait4; child: rt_sigprocmask, execve.
        assert_eq!(spawn_syscalls(trace), 5);
    }

    #[test]
    fn parse_reads_both_programs_lines() {
        let t = "hello, world\nspawn sysrt fork_exec + wait4             90000 ns/spawn  1.100x  (min 1 ns)\n";
        assert_eq!(parse(t), vec![(SYSRT.to_string(), 90000.0)]);
    }
}
