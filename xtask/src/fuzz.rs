//! `cargo xtask fuzz`: runs the libFuzzer targets in `fuzz/` (cargo-fuzz, nightly), merges
//! what they found into the committed corpora, and keeps the corpus index that the replay
//! program `fuzz_replay` compiles in (`fuzz/corpus/index.rs`) in step with them.
//!
//! The targets are the files `fuzz/fuzz_targets/<name>.rs`; their invariants live in
//! `fuzz/src/checks.rs`, which the replay program shares, so `cargo xtask test` runs every
//! corpus file through the same checks on every arch.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::Result;
use crate::build::{cargo, root};

pub const USAGE: &str = "\
usage: cargo xtask fuzz [TARGET] [--time DURATION] [--cmin]

Runs one fuzz target (a file in fuzz/fuzz_targets/) or all of them, one after another, each
for DURATION (default 60s; `90`, `90s`, `10m`), with libFuzzer, AddressSanitizer and debug
assertions (cargo-fuzz on the nightly toolchain; both are installed when missing). Each run
starts from the committed corpus fuzz/corpus/TARGET/ and keeps what it finds in
fuzz/work/TARGET/ (not committed); afterwards the inputs that reach new coverage are merged
into fuzz/corpus/TARGET/ (libFuzzer -merge=1) and fuzz/corpus/index.rs is rewritten, so that
`cargo xtask test` replays them: commit both. A crash leaves its input in
fuzz/artifacts/TARGET/; once the parser is fixed, copy it to
fuzz/corpus/TARGET/regression-<what-it-was> and rerun `cargo xtask fuzz --index`, which makes
it a named case of the replay program.

Prints one row per target: executions, coverage (edges `cov`, features `ft`), corpus files,
crashes. Exits 1 if any target crashed.

  TARGET           one target (default: all)
  --time DURATION  how long each target runs
  --cmin           minimise the committed corpora (cargo fuzz cmin) instead of fuzzing
  --index          only rewrite fuzz/corpus/index.rs from fuzz/corpus/
  -h, --help       print this help";

/// The nightly toolchain cargo-fuzz (and Miri) need (`-Z sanitizer`, `-C passes=sancov`).
pub const NIGHTLY: &str = "nightly";
/// libFuzzer's longest input: room for a vDSO image of a few pages and for paths past
/// `PATH_MAX`.
const MAX_LEN: &str = "-max_len=8192";

/// The fuzz crate's directory.
fn fuzz_dir() -> PathBuf {
    root().join("fuzz")
}

/// The target names: the files in `fuzz/fuzz_targets/`, sorted.
pub fn targets(fuzz: &Path) -> Result<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir(fuzz.join("fuzz_targets"))?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_suffix(".rs").map(String::from)
        })
        .collect();
    names.sort();
    Ok(names)
}

/// Parses `90`, `90s`, `10m`, `1h` into seconds.
fn parse_duration(s: &str) -> Result<u64> {
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: u64 = num
        .parse()
        .map_err(|_| format!("--time: `{s}` is not a duration such as 60s or 10m"))?;
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => return Err(format!("--time: unknown unit in `{s}` (s, m or h)").into()),
    };
    Ok(n * scale)
}

/// What the command line asks for.
#[derive(Debug, PartialEq)]
struct Opts {
    target: Option<String>,
    seconds: u64,
    cmin: bool,
    index_only: bool,
}

fn parse(args: &[String]) -> Result<Option<Opts>> {
    let mut opts = Opts {
        target: None,
        seconds: 60,
        cmin: false,
        index_only: false,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-h" | "--help" => return Ok(None),
            "--time" => {
                let v = it
                    .next()
                    .ok_or(format!("--time needs a value\n\n{USAGE}"))?;
                opts.seconds = parse_duration(v)?;
            }
            "--cmin" => opts.cmin = true,
            "--index" => opts.index_only = true,
            _ if a.starts_with("--time=") => opts.seconds = parse_duration(&a[7..])?,
            _ if a.starts_with('-') => {
                return Err(format!("unknown option `{a}`\n\n{USAGE}").into());
            }
            _ if opts.target.is_none() => opts.target = Some(a.clone()),
            _ => return Err(format!("unexpected argument `{a}`\n\n{USAGE}").into()),
        }
    }
    Ok(Some(opts))
}

/// `cargo xtask fuzz ...`; `Ok(true)` when no target crashed.
pub fn fuzz(args: &[String]) -> Result<bool> {
    let Some(opts) = parse(args)? else {
        println!("{USAGE}");
        return Ok(true);
    };
    let dir = fuzz_dir();
    if opts.index_only {
        write_index(&dir)?;
        return Ok(true);
    }
    let all = targets(&dir)?;
    let chosen: Vec<String> = match &opts.target {
        Some(t) if all.contains(t) => vec![t.clone()],
        Some(t) => {
            return Err(format!("no fuzz target `{t}`; there are: {}", all.join(", ")).into());
        }
        None => all,
    };
    ensure_nightly()?;
    ensure_cargo_fuzz()?;
    let mut rows = vec![];
    for t in &chosen {
        let row = if opts.cmin {
            cmin(t)?
        } else {
            run_target(t, opts.seconds)?
        };
        rows.push(row);
    }
    write_index(&dir)?;
    println!(
        "\n{:<16} {:>12} {:>7} {:>7} {:>8} {:>8}",
        "target", "executions", "cov", "ft", "corpus", "crashes"
    );
    for r in &rows {
        println!(
            "{:<16} {:>12} {:>7} {:>7} {:>8} {:>8}",
            r.target, r.execs, r.cov, r.ft, r.corpus, r.crashes
        );
    }
    let crashed: Vec<&str> = rows
        .iter()
        .filter(|r| r.crashes > 0)
        .map(|r| r.target.as_str())
        .collect();
    if !crashed.is_empty() {
        println!(
            "crashes in {}: inputs in fuzz/artifacts/<target>/ (reproduce: `cargo +nightly fuzz run TARGET FILE`)",
            crashed.join(", ")
        );
    }
    Ok(crashed.is_empty())
}

/// One row of the final table.
#[derive(Debug, Default, PartialEq)]
struct Row {
    target: String,
    execs: u64,
    cov: u64,
    ft: u64,
    corpus: usize,
    crashes: usize,
}

/// The figures in libFuzzer's output: the last status line's `cov:`/`ft:`, and
/// `stat::number_of_executed_units` (`-print_final_stats=1`), else the last `#N`.
fn parse_stats(target: &str, log: &str) -> Row {
    let mut row = Row {
        target: target.into(),
        ..Row::default()
    };
    let field = |line: &str, key: &str| -> Option<u64> {
        let rest = &line[line.find(key)? + key.len()..];
        rest.split_whitespace().next()?.parse().ok()
    };
    for line in log.lines() {
        if let Some(n) = line.strip_prefix("stat::number_of_executed_units:") {
            row.execs = n.trim().parse().unwrap_or(row.execs);
        } else if let Some(status) = line.strip_prefix('#') {
            if let Some(n) = status
                .split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
            {
                row.execs = row.execs.max(n);
            }
            row.cov = field(line, "cov: ").unwrap_or(row.cov);
            row.ft = field(line, "ft: ").unwrap_or(row.ft);
        }
    }
    row
}

/// Files in `dir` (0 if it does not exist).
fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| e.path().is_file())
                .count()
        })
        .unwrap_or(0)
}

/// `cargo +nightly ...` in the workspace root, with the variables cargo set for xtask's own
/// run removed (as [`cargo`] does). Through rustup's `cargo` proxy on `PATH`, not `$CARGO`:
/// only the proxy understands `+nightly`.
pub fn cargo_nightly() -> Command {
    let mut cmd = Command::new("cargo");
    let base = cargo();
    for (key, value) in base.get_envs() {
        match value {
            Some(v) => cmd.env(key, v),
            None => cmd.env_remove(key),
        };
    }
    cmd.current_dir(root());
    cmd.arg(format!("+{NIGHTLY}"));
    cmd
}

/// `cargo +nightly fuzz ...`.
fn cargo_fuzz() -> Command {
    let mut cmd = cargo_nightly();
    cmd.arg("fuzz");
    cmd
}

/// Runs `target` for `seconds` from the committed corpus, then merges what it found.
fn run_target(target: &str, seconds: u64) -> Result<Row> {
    let dir = fuzz_dir();
    let corpus = dir.join("corpus").join(target);
    let work = dir.join("work").join(target);
    let artifacts = dir.join("artifacts").join(target);
    for d in [&corpus, &work, &artifacts] {
        std::fs::create_dir_all(d)?;
    }
    let crashes_before = count_files(&artifacts);
    println!("== {target}: {seconds} s");
    let out = cargo_fuzz()
        .args(["run", target])
        .arg(&work)
        .arg(&corpus)
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg(MAX_LEN)
        .arg("-print_final_stats=1")
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .stdout(Stdio::inherit())
        .stderr(Stdio::piped())
        .output()?;
    let log = String::from_utf8_lossy(&out.stderr);
    let mut row = parse_stats(target, &log);
    row.crashes = count_files(&artifacts).saturating_sub(crashes_before);
    if !out.status.success() && row.crashes == 0 {
        eprintln!("{log}");
        return Err(format!("`cargo fuzz run {target}` failed ({})", out.status).into());
    }
    if row.crashes > 0 {
        // The output names the invariant (the panic message) and the input.
        let tail: Vec<&str> = log.lines().rev().take(30).collect();
        for l in tail.into_iter().rev() {
            eprintln!("{l}");
        }
    }
    // Keep only the inputs that add coverage to the committed corpus.
    let merged = cargo_fuzz()
        .args(["run", target])
        .arg(&corpus)
        .arg(&work)
        .args(["--", "-merge=1", MAX_LEN])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    if !merged.success() {
        return Err(format!("merging {target}'s corpus failed ({merged})").into());
    }
    row.corpus = count_files(&corpus);
    Ok(row)
}

/// Minimises the committed corpus of `target` in place; named seeds and regression inputs are
/// kept whatever their coverage (they document the known-bad shapes).
fn cmin(target: &str) -> Result<Row> {
    let corpus = fuzz_dir().join("corpus").join(target);
    let keep = std::env::temp_dir().join(format!("sysrt-fuzz-keep-{target}"));
    let _ = std::fs::remove_dir_all(&keep);
    std::fs::create_dir_all(&keep)?;
    for e in std::fs::read_dir(&corpus)?.filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("seed-") || name.starts_with("regression-") {
            std::fs::copy(e.path(), keep.join(&name))?;
        }
    }
    let status = cargo_fuzz()
        .args(["cmin", target])
        .arg(&corpus)
        .args(["--", MAX_LEN])
        .stdout(Stdio::null())
        .status()?;
    if !status.success() {
        return Err(format!("`cargo fuzz cmin {target}` failed ({status})").into());
    }
    let mut named = std::collections::HashSet::new();
    for e in std::fs::read_dir(&keep)?.filter_map(|e| e.ok()) {
        std::fs::copy(e.path(), corpus.join(e.file_name()))?;
        named.insert(std::fs::read(e.path())?);
    }
    let _ = std::fs::remove_dir_all(&keep);
    // cmin keeps what it kept under hash names: drop those copies of the named files.
    for e in std::fs::read_dir(&corpus)?.filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().into_owned();
        let is_named = name.starts_with("seed-") || name.starts_with("regression-");
        if !is_named && named.contains(&std::fs::read(e.path())?) {
            std::fs::remove_file(e.path())?;
        }
    }
    Ok(Row {
        target: target.into(),
        corpus: count_files(&corpus),
        ..Row::default()
    })
}

/// Installs the nightly toolchain if rustup does not have it.
pub fn ensure_nightly() -> Result<()> {
    let out = Command::new("rustup").args(["toolchain", "list"]).output();
    let have = match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
            .lines()
            .any(|l| l.starts_with(&format!("{NIGHTLY}-"))),
        _ => return Err("rustup not found: install it (https://rustup.rs), then `rustup toolchain install nightly --profile minimal`".into()),
    };
    if have {
        return Ok(());
    }
    let cmd = ["toolchain", "install", NIGHTLY, "--profile", "minimal"];
    eprintln!("xtask: rustup {}", cmd.join(" "));
    let status = Command::new("rustup").args(cmd).status()?;
    if !status.success() {
        return Err(format!(
            "`rustup {}` failed ({status}); run it yourself",
            cmd.join(" ")
        )
        .into());
    }
    Ok(())
}

/// Installs cargo-fuzz if `cargo fuzz` is not there.
fn ensure_cargo_fuzz() -> Result<()> {
    let have = cargo_fuzz()
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if have {
        return Ok(());
    }
    eprintln!("xtask: cargo install cargo-fuzz");
    let status = Command::new("cargo")
        .args(["install", "cargo-fuzz"])
        .status()?;
    if !status.success() {
        return Err(
            format!("`cargo install cargo-fuzz` failed ({status}); run it yourself").into(),
        );
    }
    Ok(())
}

/// The corpus index the replay program compiles in: for each target directory under
/// `corpus/` (sorted), each file (sorted) as `(name, include_bytes!(...))`.
pub fn corpus_index(fuzz: &Path) -> Result<String> {
    let mut s = String::from(
        "//! @generated by `cargo xtask fuzz` (or `cargo xtask fuzz --index`) from the files in\n\
         //! fuzz/corpus/: do not edit. The replay program tests/src/bin/fuzz_replay.rs compiles\n\
         //! it in; `cargo test -p xtask` fails when it is out of step with the directory.\n\n\
         /// One target's files: `(file name, bytes)`.\n\
         pub type Files = &'static [(&'static str, &'static [u8])];\n\n\
         /// Every committed corpus file, by target.\n\
         #[rustfmt::skip]\n\
         pub const CORPUS: &[(&str, Files)] = &[\n",
    );
    let corpus = fuzz.join("corpus");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&corpus)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for d in dirs {
        let target = d.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<String> = std::fs::read_dir(&d)?
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        writeln!(s, "    (\n        \"{target}\",\n        &[")?;
        for f in files {
            writeln!(
                s,
                "            (\"{f}\", include_bytes!(\"{target}/{f}\")),"
            )?;
        }
        writeln!(s, "        ],\n    ),")?;
    }
    s.push_str("];\n");
    Ok(s)
}

/// Rewrites `fuzz/corpus/index.rs`.
fn write_index(fuzz: &Path) -> Result<()> {
    let path = fuzz.join("corpus").join("index.rs");
    let text = corpus_index(fuzz)?;
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(&path, text)?;
        println!(
            "xtask: wrote {} (commit it with the corpus)",
            path.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed index names exactly the committed corpus files: a file added without
    /// `cargo xtask fuzz --index` would not be replayed.
    #[test]
    fn the_corpus_index_is_in_step_with_the_corpus() {
        let fuzz = fuzz_dir();
        let want = corpus_index(&fuzz).unwrap();
        let have = std::fs::read_to_string(fuzz.join("corpus/index.rs")).unwrap();
        assert!(
            have == want,
            "fuzz/corpus/index.rs is stale: run `cargo xtask fuzz --index` and commit it"
        );
    }

    /// Every target has a committed corpus, and the checks name every target.
    #[test]
    fn every_target_has_a_corpus_and_a_check() {
        let fuzz = fuzz_dir();
        let checks = std::fs::read_to_string(fuzz.join("src/checks.rs")).unwrap();
        for t in targets(&fuzz).unwrap() {
            assert!(
                count_files(&fuzz.join("corpus").join(&t)) > 0,
                "{t} has no corpus"
            );
            assert!(
                checks.contains(&format!("name: \"{t}\"")),
                "{t} is not in checks::TARGETS"
            );
        }
    }

    #[test]
    fn durations_and_options() {
        assert_eq!(parse_duration("90").unwrap(), 90);
        assert_eq!(parse_duration("60s").unwrap(), 60);
        assert_eq!(parse_duration("10m").unwrap(), 600);
        assert!(parse_duration("1y").is_err());
        assert!(parse_duration("x").is_err());
        let args = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        let o = parse(&args("dirent --time 2m")).unwrap().unwrap();
        assert_eq!((o.target.as_deref(), o.seconds), (Some("dirent"), 120));
        assert!(parse(&args("--help")).unwrap().is_none());
        assert!(parse(&args("a b")).is_err());
        assert!(parse(&args("--bogus")).is_err());
    }

    #[test]
    fn libfuzzer_output_is_read() {
        let log = "#2\tINITED cov: 10 ft: 12 corp: 3/9b exec/s: 0\n\
                   #1048576\tpulse  cov: 62 ft: 91 corp: 7/489b\n\
                   #1200000\tDONE   cov: 64 ft: 95 corp: 9/500b\n\
                   stat::number_of_executed_units: 1200001\n";
        let r = parse_stats("t", log);
        assert_eq!((r.execs, r.cov, r.ft), (1_200_001, 64, 95));
    }
}
