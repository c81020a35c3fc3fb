//! `cargo xtask bench`'s rows for sysrt-init (issue 13): its stripped size on every arch
//! against Debian's tini and dumb-init, and, natively, `sysrt-init -- /bin/true`
//! start-to-exit time against `tini -- /bin/true` and `dumb-init /bin/true` (interleaved
//! rounds, medians, ratios) and the syscalls of one run (strace -c). Numbers to read, never
//! pass/fail on time; the size goal (≤ 16 KiB) is reported as met or not. Every command runs
//! without the `LD_LIBRARY_PATH` that `cargo run` gives xtask, which would slow the dynamic
//! peers' loader, and with `TINI_SUBREAPER=1`: no init is PID 1 here, and sysrt-init refuses
//! to start its program when it could not reap (tini only warns; dumb-init ignores it).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use super::Ctx;
use super::model::{Row, Table, Variant, min_median};
use crate::arch::Arch;
use crate::{Result, build, setup};

const SIZE_GOAL: u64 = 16 * 1024;

const OURS: &str = "sysrt-init -- /bin/true";

/// Set for every run: makes sysrt-init and the tinis subreapers (see the module docs).
const SUBREAPER_ENV: (&str, &str) = ("TINI_SUBREAPER", "1");

/// The rows: size on every arch against Debian's builds, start-to-exit time and syscalls.
pub fn rows(ctx: &Ctx, table: &mut Table) -> Result<()> {
    let mut size = Row::new("sysrt-init: stripped size", "bytes", "tini (plus glibc)");
    let mut host = None;
    for arch in Arch::ALL {
        let bin = build::build_program(arch, build::INIT_PACKAGE, "sysrt-init")?.join("sysrt-init");
        let bytes = std::fs::metadata(&bin)?.len() as f64;
        size.variants.push(Variant::new(
            &format!("sysrt-init {arch} (static)"),
            bytes,
            bytes,
        ));
        if arch.is_host() {
            host = Some(bin);
        }
    }
    let peers = peers();
    for (name, path) in &peers {
        let bytes = std::fs::metadata(path)?.len() as f64;
        let linked = if name.ends_with("-static") {
            "static"
        } else {
            "plus glibc"
        };
        size.variants
            .push(Variant::new(&format!("{name} ({linked})"), bytes, bytes));
    }
    size.note = format!("goal: sysrt-init ≤ {SIZE_GOAL} bytes on every arch; Debian's builds");
    table.push(size);
    let Some(ours) = host else { return Ok(()) };

    let mut runs: Vec<(String, Vec<String>)> = vec![(
        OURS.into(),
        vec![path_str(&ours), "--".into(), "/bin/true".into()],
    )];
    for (name, path) in &peers {
        let mut argv = vec![path_str(path)];
        let dashes = if name.starts_with("tini") { "-- " } else { "" };
        if !dashes.is_empty() {
            argv.push("--".into());
        }
        argv.push("/bin/true".into());
        runs.push((format!("{name} {dashes}/bin/true"), argv));
    }
    runs.push(("/bin/true alone".into(), vec!["/bin/true".into()]));

    let rounds = if ctx.quick { 50 } else { 300 };
    let mut samples: Vec<Vec<f64>> = vec![vec![]; runs.len()];
    let mut time = Row::new("sysrt-init: start to exit", "µs", "tini -- /bin/true");
    let mut wrong = vec![None; runs.len()];
    for round in 0..rounds {
        for k in 0..runs.len() {
            let i = (k + round) % runs.len();
            let argv = &runs[i].1;
            let start = Instant::now();
            let status = Command::new(&argv[0])
                .args(&argv[1..])
                .env_remove("LD_LIBRARY_PATH")
                .env(SUBREAPER_ENV.0, SUBREAPER_ENV.1)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()?;
            samples[i].push(start.elapsed().as_secs_f64() * 1e6);
            if !status.success() {
                wrong[i] = Some(format!("exited {status}"));
            }
        }
    }
    for (i, (name, _)) in runs.iter().enumerate() {
        let (min, med) = min_median(&samples[i]);
        time.variants.push(match &wrong[i] {
            Some(what) => Variant::wrong(name, what),
            None => Variant::new(name, min, med),
        });
    }
    time.note = format!(
        "{rounds} interleaved rounds; not PID 1, so each init runs as a subreaper \
         (TINI_SUBREAPER=1; dumb-init ignores it)"
    );
    table.push(time);

    if setup::which("strace").is_none() {
        table.skip("sysrt-init: syscalls per run", "strace is not installed");
        return Ok(());
    }
    let mut own = Row::new(
        "sysrt-init: syscalls of the init",
        "syscalls",
        "tini -- /bin/true",
    );
    let mut all = Row::new(
        "sysrt-init: syscalls with its child (-f)",
        "syscalls",
        "tini -- /bin/true",
    );
    for (name, argv) in runs.iter().filter(|(n, _)| !n.starts_with("/bin/true")) {
        let n = strace_calls(argv, false)? as f64;
        own.variants.push(Variant::new(name, n, n));
        let n = strace_calls(argv, true)? as f64;
        all.variants.push(Variant::new(name, n, n));
    }
    table.push(own);
    table.push(all);
    Ok(())
}

/// Debian's tini, tini-static and dumb-init, installed if missing and we may (root).
fn peers() -> Vec<(String, PathBuf)> {
    for (program, package) in [("tini", "tini"), ("dumb-init", "dumb-init")] {
        if let Err(e) = setup::ensure_debian_package(&[program], package) {
            eprintln!("bench: {program} skipped: {e}");
        }
    }
    ["tini", "tini-static", "dumb-init"]
        .iter()
        .filter_map(|p| setup::which(p).map(|path| (p.to_string(), path)))
        .collect()
}

fn path_str(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// The total of strace -c's `calls` column for one run of `argv`.
fn strace_calls(argv: &[String], follow: bool) -> Result<u64> {
    let out_file =
        std::env::temp_dir().join(format!("sysrt-bench-init-{}.strace", std::process::id()));
    let mut cmd = Command::new("strace");
    // `cargo run` sets LD_LIBRARY_PATH for xtask; the dynamic peers (tini, dumb-init,
    // /bin/true) would pay for searching it.
    cmd.env_remove("LD_LIBRARY_PATH");
    cmd.env(SUBREAPER_ENV.0, SUBREAPER_ENV.1);
    cmd.arg("-c");
    if follow {
        cmd.arg("-f");
    }
    cmd.arg("-o").arg(&out_file).args(argv);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd.status()?;
    let text = std::fs::read_to_string(&out_file).unwrap_or_default();
    let _ = std::fs::remove_file(&out_file);
    Ok(total_calls(&text).unwrap_or(0))
}

/// `100.00    0.000123     1    85     3 total` → 85 (the columns: % time, seconds,
/// usecs/call, calls, errors).
fn total_calls(strace_c: &str) -> Option<u64> {
    let line = strace_c.lines().find(|l| l.trim_end().ends_with("total"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn strace_total_line_parses() {
        let text = "% time     seconds  usecs/call     calls    errors syscall\n\
                    ------ ----------- ----------- --------- --------- ----------------\n\
                    100.00    0.000123           1        85         3 total\n";
        assert_eq!(super::total_calls(text), Some(85));
        let no_errors = "100.00    0.000010           0        12           total\n";
        assert_eq!(super::total_calls(no_errors), Some(12));
    }
}
