//! Rows 6 and 7 (the echo server's half): TCP over loopback with the libc-free `bench_net`
//! (sysrt's blocking sockets; its epoll echo server) against `xtask/bench-peers/net_std.rs`
//! (the same work on `std::net`; its echo server is a thread per connection, what a std
//! program without an async runtime does). The two programs take turns round by round.

use std::path::PathBuf;
use std::process::Command;

use super::model::{Check, Row, Table, Variant, min_median};
use super::{Ctx, tools};
use crate::Result;
use crate::arch::Arch;

const SYSRT: &str = "sysrt";
const STD: &str = "std::net";

/// The number after the first `key` in `text` (punctuation around it dropped); with a `key`
/// starting with `(`, after the last one (std's echo line has a parenthesis before it).
fn after(text: &str, key: &str) -> Option<f64> {
    let at = if key.starts_with('(') {
        text.rfind(key)?
    } else {
        text.find(key)?
    };
    let rest = &text[at + key.len()..];
    rest.split_whitespace()
        .next()?
        .trim_matches(|c: char| !c.is_ascii_digit() && c != '.')
        .parse()
        .ok()
}

/// A variant's samples: (variant, figures over the rounds).
type VariantSamples = Vec<(String, Vec<f64>)>;

/// One figure per (row, variant) over the rounds.
struct Samples {
    /// (row, unit, its variants' samples).
    rows: Vec<(String, String, VariantSamples)>,
    wrong: Vec<(String, String)>,
}

impl Samples {
    fn add(&mut self, row: &str, unit: &str, variant: &str, x: f64) {
        let idx = match self.rows.iter().position(|r| r.0 == row) {
            Some(i) => i,
            None => {
                self.rows.push((row.into(), unit.into(), vec![]));
                self.rows.len() - 1
            }
        };
        let r = &mut self.rows[idx].2;
        match r.iter_mut().find(|(v, _)| v == variant) {
            Some((_, s)) => s.push(x),
            None => r.push((variant.into(), vec![x])),
        }
    }
}

pub fn rows(ctx: &Ctx, table: &mut Table) -> Result<()> {
    let sysrt = tools::libc_free(Arch::X86_64, crate::build::TEST_PACKAGE, "bench_net")?;
    let Some(std) = tools::std_peer("net_std", "x86_64-unknown-linux-gnu") else {
        table.skip(
            "TCP rows",
            "rustc could not build xtask/bench-peers/net_std.rs",
        );
        return Ok(());
    };
    let (trips, mib, conns) = if ctx.quick {
        ("5000", 128u64, "1000")
    } else {
        ("100000", 1024, "1000")
    };
    let progs: [(&str, &PathBuf); 2] = [(SYSRT, &sysrt), (STD, &std)];
    let mib_arg = mib.to_string();
    let mut s = Samples {
        rows: vec![],
        wrong: vec![],
    };
    for round in 0..5 {
        for k in 0..2 {
            let (name, bin) = progs[(k + round) % 2];
            for args in [
                vec!["pingpong", trips],
                vec!["bulk", mib_arg.as_str()],
                vec!["epoll", conns, "10"],
            ] {
                let mut cmd = Command::new(bin);
                cmd.args(&args).env_remove("LD_LIBRARY_PATH");
                let out = tools::run(cmd, 600)?;
                let text = String::from_utf8_lossy(&out.stdout).into_owned();
                let fail = |why: &str| {
                    (
                        name.to_string(),
                        format!("{} {why}: {}", args[0], text.trim()),
                    )
                };
                if !(out.status == crate::run::Status::Exited(0)) {
                    s.wrong.push(fail(&out.status.to_string()));
                    continue;
                }
                match args[0] {
                    "pingpong" => match (after(&text, "median"), after(&text, "p99")) {
                        (Some(m), Some(p)) => {
                            s.add("TCP 1-byte ping-pong: median", "µs", name, m / 1000.0);
                            s.add("TCP 1-byte ping-pong: p99", "µs", name, p / 1000.0);
                        }
                        _ => s.wrong.push(fail("unreadable")),
                    },
                    "bulk" => match (after(&text, "bulk"), after(&text, " in ")) {
                        (Some(got), Some(ms)) if got as u64 == mib => {
                            s.add("TCP bulk", "ms per GiB", name, ms * 1024.0 / mib as f64);
                        }
                        _ => s.wrong.push(fail("did not deliver every byte")),
                    },
                    _ => match (after(&text, "VmHWM"), after(&text, "(")) {
                        (Some(kb), Some(ns)) if kb > 0.0 => {
                            s.add("echo server, 1,000 connections: per echo", "ns", name, ns);
                            s.add("echo server, 1,000 idle connections: VmHWM", "kB", name, kb);
                        }
                        _ => s.wrong.push(fail("unreadable")),
                    },
                }
            }
        }
    }
    for (id, unit, variants) in s.rows {
        let mut row = Row::new(&id, &unit, STD);
        for (name, samples) in variants {
            let (min, med) = min_median(&samples);
            let mut v = Variant::new(&name, min, med);
            let bad: Vec<&str> = s
                .wrong
                .iter()
                .filter(|(w, _)| *w == name)
                .map(|(_, why)| why.as_str())
                .collect();
            if !bad.is_empty() {
                v.check = Check::Wrong(bad.join("; "));
            }
            row.variants.push(v);
        }
        row.note = format!(
            "5 rounds, the programs taking turns; sysrt: blocking sockets, epoll echo server; \
             std: std::net, a thread per connection ({trips} round trips, {mib} MiB)"
        );
        table.push(row);
    }
    if table.rows.iter().all(|r| !r.id.starts_with("TCP")) {
        for (name, why) in &s.wrong {
            let mut row = Row::new("TCP rows", "–", STD);
            row.variants.push(Variant::wrong(name, why));
            table.push(row);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::after;

    #[test]
    fn after_reads_the_figures_of_both_programs() {
        let p = "sysrt pingpong 100 round trips: median 18000 ns, p99 40000 ns";
        assert_eq!(after(p, "median"), Some(18000.0));
        assert_eq!(after(p, "p99"), Some(40000.0));
        let b = "std bulk 1024 MiB in 532 ms: 1924.8 MiB/s";
        assert_eq!(after(b, "bulk"), Some(1024.0));
        assert_eq!(after(b, " in "), Some(532.0));
        let e = "x (thread per connection): 1000 connections, server VmHWM 4321 kB idle; 10 rounds of 1 byte each in 9 ms (777 ns per echo)";
        assert_eq!(after(e, "VmHWM"), Some(4321.0));
        assert_eq!(after(e, "("), Some(777.0));
    }
}
