//! `cargo xtask bench`: sysrt beside the physical floor and beside what users would
//! otherwise pick, measured in the same run on the same machine, as ratios.
//!
//! Each row has variants and names its reference; every variant's result is checked, and
//! only a wrong result makes the command fail (never a time). Variants take turns round by
//! round (at least 5 rounds; min and median), loops are aligned to 64 bytes, instruction
//! counts come from callgrind when valgrind is here. The table is printed and written to
//! target/bench/bench.{md,json,svg}.
//!
//! A row family is a function `rows(&Ctx, &mut Table) -> Result<()>`: add one to [`STEPS`]
//! (one line) and it is measured, printed, written and charted with the rest.

mod alloc;
mod calls;
mod files;
mod hello;
mod init;
mod model;
mod net;
mod report;
mod spawn;
mod tools;

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

pub use model::{Row, Table, Variant};

use crate::arch::Arch;
use crate::{Result, build, setup};

/// What every row family gets.
pub struct Ctx {
    /// `--quick`: fewer and shorter rounds, smaller files.
    pub quick: bool,
    /// The std-hosted bench programs (bench/), built with aligned loops.
    pub bench_dir: PathBuf,
    /// The x86_64 demo programs as users build them (release): sysrt's hello.
    pub demo_dir: PathBuf,
}

/// A row family: measures its rows into the table.
type Step = fn(&Ctx, &mut Table) -> Result<()>;

/// Every row family, in table order. Rows from elsewhere: one line here.
const STEPS: &[(&str, Step)] = &[
    ("per-call cost", calls::rows),
    ("hello", hello::rows),
    ("spawn and wait", spawn::rows),
    ("files", files::rows),
    ("TCP loopback", net::rows),
    ("allocator churn", alloc::rows),
    ("sysrt-init", init::rows),
];

/// The machine, for the table's header: CPU model, cores, kernel, load at start.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|x| x.1.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    format!(
        "{cpu}, {cores} cores, Linux {}, load {} at start",
        kernel.trim(),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    )
}

fn utc_now() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

/// Runs every row family (and the per-call rows of `emulated` under QEMU), prints the
/// table, writes it; false when some variant's result was wrong.
pub fn bench(quick: bool, emulated: &[Arch]) -> Result<bool> {
    if !Arch::X86_64.is_host() {
        return Err(
            "cargo xtask bench measures on an x86_64 host (the peers are built for it); \
                    --arch adds the emulated per-call rows"
                .into(),
        );
    }
    let t0 = Instant::now();
    let mut arches = vec![Arch::X86_64];
    arches.extend_from_slice(emulated);
    setup::ensure_targets(&arches)?;
    setup::ensure_qemu(emulated)?;
    setup::ensure_debian_package(&["strace"], "strace")?;
    let (date, machine) = (utc_now(), machine());
    let ctx = Ctx {
        quick,
        bench_dir: tools::bench_package()?,
        demo_dir: build::build_program(Arch::X86_64, build::DEMO_PACKAGE, "hello")?,
    };
    let mut table = Table::default();
    for (name, step) in STEPS {
        eprintln!(
            "xtask: bench: {name} ({:.0} s so far)",
            t0.elapsed().as_secs_f64()
        );
        if let Err(e) = step(&ctx, &mut table) {
            // A family that could not produce its rows cannot vouch for them: a failure.
            let mut row = Row::new(name, "–", "");
            row.variants
                .push(Variant::wrong("(the row failed)", &e.to_string()));
            table.push(row);
        }
    }
    for &arch in emulated {
        if let Err(e) = calls::inlining(arch, &ctx, &mut table) {
            let mut row = Row::new(&format!("per-call [{arch}, emulated]"), "–", "");
            row.variants
                .push(Variant::wrong("(the row failed)", &e.to_string()));
            table.push(row);
        }
    }
    let header = format!(
        "## cargo xtask bench{} — {date}\n\n{machine}; {:.0} s. Figures are lower-is-better; \
         ratio = median ÷ the row's reference (ref).",
        if quick { " --quick" } else { "" },
        t0.elapsed().as_secs_f64()
    );
    let md = report::markdown(&table, &header);
    println!("\n{md}");
    let out = build::target_dir().join("bench");
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("bench.md"), &md)?;
    std::fs::write(
        out.join("bench.json"),
        report::json(&table, &date, &machine),
    )?;
    std::fs::write(
        out.join("bench.svg"),
        report::svg(&table, &format!("sysrt bench — {date} — {machine}")),
    )?;
    println!(
        "written: {0}/bench.md, {0}/bench.json, {0}/bench.svg",
        out.display()
    );
    let wrong = table.any_wrong();
    if wrong {
        println!("bench: some variant produced a WRONG result (see the table)");
    }
    Ok(!wrong)
}
