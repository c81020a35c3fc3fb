//! Row 8: the small-object churn of `xtask/bench-peers/alloc_churn.rs` on sysrt-rt's
//! allocator (`tests/src/bin/bench_alloc.rs`, libc-free) and on std with glibc's malloc and
//! with musl's; the programs take turns round by round, and every run's checksum must be the
//! same (the same work was done).

use std::process::Command;

use super::model::{Check, Row, Table, Variant, min_median};
use super::{Ctx, tools};
use crate::Result;
use crate::arch::Arch;

const GLIBC: &str = "std + glibc malloc";

pub fn rows(ctx: &Ctx, table: &mut Table) -> Result<()> {
    let mut progs = vec![(
        "sysrt-rt alloc (libc-free)",
        Ok(tools::libc_free(
            Arch::X86_64,
            crate::build::TEST_PACKAGE,
            "bench_alloc",
        )?),
    )];
    for (name, target) in [
        (GLIBC, "x86_64-unknown-linux-gnu"),
        ("std + musl malloc", "x86_64-unknown-linux-musl"),
    ] {
        progs.push((
            name,
            tools::std_peer("alloc_churn_std", target)
                .ok_or(format!("rustc could not build for {target}")),
        ));
    }
    let iters = if ctx.quick { "2000000" } else { "10000000" };
    let mut row = Row::new("allocator churn (16–256 B)", "ns per alloc+free", GLIBC);
    let ready: Vec<_> = progs
        .iter()
        .filter_map(|(n, b)| match b {
            Ok(b) => Some((*n, b.clone())),
            Err(why) => {
                row.variants.push(Variant::skipped(n, why));
                None
            }
        })
        .collect();
    let mut samples = vec![vec![]; ready.len()];
    let mut sums: Vec<Option<String>> = vec![None; ready.len()];
    let mut wrong: Vec<Option<String>> = vec![None; ready.len()];
    for round in 0..5 {
        for k in 0..ready.len() {
            let i = (k + round) % ready.len();
            let mut cmd = Command::new(&ready[i].1);
            cmd.arg(iters).env_remove("LD_LIBRARY_PATH");
            let out = tools::run(cmd, 300)?;
            let text = String::from_utf8_lossy(&out.stdout);
            // "alloc churn: 12.3 ns per iteration (checksum 456)"
            let ns = text
                .split_whitespace()
                .nth(2)
                .and_then(|n| n.parse::<f64>().ok());
            let sum = text
                .split("checksum ")
                .nth(1)
                .map(|c| c.trim_end_matches([')', '\n']).to_string());
            match ((out.status == crate::run::Status::Exited(0)), ns, sum) {
                (true, Some(ns), Some(sum)) => {
                    samples[i].push(ns);
                    sums[i] = Some(sum);
                }
                _ => wrong[i] = Some(format!("{}: {}", out.status, text.trim())),
            }
        }
    }
    let reference = sums.iter().flatten().next().cloned();
    for (i, (name, _)) in ready.iter().enumerate() {
        let mut v = if samples[i].is_empty() {
            Variant::wrong(name, "")
        } else {
            let (min, med) = min_median(&samples[i]);
            Variant::new(name, min, med)
        };
        if let Some(w) = &wrong[i] {
            v.check = Check::Wrong(w.clone());
        } else if sums[i] != reference {
            v.check = Check::Wrong(format!("checksum {:?}, others {:?}", sums[i], reference));
        }
        row.variants.push(v);
    }
    row.note = format!("{iters} iterations per run, 5 rounds; checksums agree across variants");
    table.push(row);
    Ok(())
}
