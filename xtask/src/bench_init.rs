//! `cargo xtask bench`'s rows for sysrt-init (issue 13): its stripped size on every arch
//! against Debian's tini and dumb-init, and, natively, `sysrt-init -- /bin/true`
//! start-to-exit time against `tini -- /bin/true` and `dumb-init /bin/true` (interleaved
//! rounds, medians, ratios) and the syscalls of one run (strace -c). Numbers to read, never
//! pass/fail on time; the size goal (≤ 16 KiB) is reported as met or not. Every command runs
//! without the `LD_LIBRARY_PATH` that `cargo run` gives xtask, which would slow the dynamic
//! peers' loader.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::arch::Arch;
use crate::{Result, setup};

const SIZE_GOAL: u64 = 16 * 1024;

/// Interleaved rounds of the timing comparison.
const ROUNDS: usize = 300;

/// The rows, for the programs built in `dirs` (one per arch).
pub fn rows(dirs: &[(Arch, PathBuf)]) -> Result<()> {
    println!("\n## sysrt-init: size (stripped, static; goal ≤ {SIZE_GOAL} bytes)");
    println!("| program | arch | bytes | goal met |");
    println!("|---|---|---:|---|");
    for (arch, dir) in dirs {
        let size = std::fs::metadata(dir.join("sysrt-init"))?.len();
        let met = if size <= SIZE_GOAL { "yes" } else { "NO" };
        println!("| sysrt-init | {arch} | {size} | {met} |");
    }
    let peers = peers();
    for (name, path) in &peers {
        let size = std::fs::metadata(path)?.len();
        let linked = if name.ends_with("-static") {
            "static"
        } else {
            "plus glibc"
        };
        println!("| {name} (Debian, {linked}) | host | {size} | — |");
    }

    let Some((_, host_dir)) = dirs.iter().find(|(a, _)| a.is_host()) else {
        return Ok(());
    };
    let ours = host_dir.join("sysrt-init");
    let mut runs: Vec<(String, Vec<String>)> = vec![(
        "sysrt-init -- /bin/true".into(),
        vec![path_str(&ours), "--".into(), "/bin/true".into()],
    )];
    for (name, path) in &peers {
        let mut argv = vec![path_str(path)];
        if name.starts_with("tini") {
            argv.push("--".into());
        }
        argv.push("/bin/true".into());
        runs.push((
            format!(
                "{name} {}/bin/true",
                if name.starts_with("tini") { "-- " } else { "" }
            ),
            argv,
        ));
    }
    runs.push(("/bin/true alone (floor)".into(), vec!["/bin/true".into()]));

    println!(
        "\n## sysrt-init: start-to-exit time, native ({ROUNDS} interleaved rounds, medians; \
         stdout and stderr on /dev/null; not PID 1, so each init prints its reaper warning)"
    );
    let mut samples: Vec<Vec<f64>> = vec![vec![]; runs.len()];
    for _ in 0..ROUNDS {
        for (i, (_, argv)) in runs.iter().enumerate() {
            let start = Instant::now();
            let status = Command::new(&argv[0])
                .args(&argv[1..])
                .env_remove("LD_LIBRARY_PATH")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()?;
            samples[i].push(start.elapsed().as_secs_f64() * 1e6);
            if !status.success() {
                return Err(format!("{} failed: {status}", runs[i].0).into());
            }
        }
    }
    let medians: Vec<f64> = samples.iter_mut().map(|s| median(s)).collect();
    let tini = runs.iter().position(|(n, _)| n.starts_with("tini "));
    println!("| command | median µs | vs sysrt-init | vs tini |");
    println!("|---|---:|---:|---:|");
    for (i, (name, _)) in runs.iter().enumerate() {
        let vs_tini = tini.map_or("—".into(), |t| format!("{:.2}×", medians[i] / medians[t]));
        println!(
            "| {name} | {:.0} | {:.2}× | {vs_tini} |",
            medians[i],
            medians[i] / medians[0]
        );
    }

    if setup::which("strace").is_none() {
        println!("\nsyscalls per run: skipped (strace not installed)");
        return Ok(());
    }
    println!(
        "\n## sysrt-init: syscalls of one run (strace -c; the init alone, and with -f its child too)"
    );
    println!("| command | init's own | with /bin/true (-f) |");
    println!("|---|---:|---:|");
    for (name, argv) in runs.iter().filter(|(n, _)| !n.starts_with("/bin/true")) {
        let own = strace_calls(argv, false)?;
        let all = strace_calls(argv, true)?;
        println!("| {name} | {own} | {all} |");
    }
    Ok(())
}

/// Debian's tini, tini-static and dumb-init, installed if missing and we may (root).
fn peers() -> Vec<(String, PathBuf)> {
    for (program, package) in [("tini", "tini"), ("dumb-init", "dumb-init")] {
        if let Err(e) = setup::ensure_debian_package(&[program], package) {
            println!("({program} skipped: {e})");
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

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The total of strace -c's `calls` column for one run of `argv`.
fn strace_calls(argv: &[String], follow: bool) -> Result<u64> {
    let out_file =
        std::env::temp_dir().join(format!("sysrt-bench-init-{}.strace", std::process::id()));
    let mut cmd = Command::new("strace");
    // `cargo run` sets LD_LIBRARY_PATH for xtask; the dynamic peers (tini, dumb-init,
    // /bin/true) would pay for searching it.
    cmd.env_remove("LD_LIBRARY_PATH");
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
