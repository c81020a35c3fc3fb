//! What the rows share: building the bench programs with pinned loop alignment, counting
//! instructions (callgrind) and syscalls (strace), and timing programs run by run in
//! interleaved order.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::arch::Arch;
use crate::run::{Outcome, run_with_timeout};
use crate::{Result, build, setup};

/// Loops start on a 64-byte boundary in every bench program: identical loops moved between
/// 118 and 155 ns per getppid with the alignment left to chance. LLVM aligns no loop in a
/// function optimised for size, so the bench programs are built at opt-level 3 (what a std
/// program's release build uses anyway); hello is measured as users build it.
pub const ALIGN: &str = "llvm-args=-align-loops=64";

/// Where the bench programs are built: a target dir of their own, so the alignment flag does
/// not invalidate the test builds (and the other way round).
pub fn bench_target() -> PathBuf {
    build::target_dir().join("bench").join("build")
}

/// Where temporary files of the rows go (removed by each row).
pub fn scratch() -> Result<PathBuf> {
    let d = build::target_dir().join("bench").join("tmp");
    std::fs::create_dir_all(&d)?;
    Ok(d)
}

/// Builds the std-hosted bench package (`bench/`) in release mode and returns its binaries'
/// directory.
pub fn bench_package() -> Result<PathBuf> {
    eprintln!("xtask: building the bench programs (bench/)");
    let status = build::cargo()
        .args(["build", "--release", "-p", "sysrt-bench", "--target-dir"])
        .arg(bench_target())
        .env("RUSTFLAGS", format!("-C {ALIGN}"))
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "3")
        .status()?;
    if !status.success() {
        return Err(format!("building bench/ failed ({status})").into());
    }
    Ok(bench_target().join("release"))
}

/// Builds the libc-free program `bin` of `package` for `arch` with the libc-free link setup,
/// the `release-syms` profile (symbols kept, for objdump) and the loop alignment.
pub fn libc_free(arch: Arch, package: &str, bin: &str) -> Result<PathBuf> {
    eprintln!("xtask: building {bin} for {arch}");
    let status = build::cargo()
        .args(["--config", ".cargo/libc-free.toml", "--config"])
        // Cargo joins this array to the libc-free file's rustflags for the same target.
        .arg(format!(
            "target.{}.rustflags=[\"-C\", \"{ALIGN}\"]",
            arch.triple()
        ))
        .args(["--config", "profile.release-syms.opt-level=3"])
        .args([
            "build",
            "--profile",
            "release-syms",
            "--target",
            arch.triple(),
        ])
        .args(["-p", package, "--bin", bin, "--target-dir"])
        .arg(bench_target())
        .status()?;
    if !status.success() {
        return Err(format!("building {bin} for {arch} failed ({status})").into());
    }
    Ok(bench_target()
        .join(arch.triple())
        .join("release-syms")
        .join(bin))
}

/// Builds `xtask/bench-peers/{stem}.rs` for `target` with plain rustc (opt-level 3,
/// panic=abort, LTO, one codegen unit; stripped; loops aligned). `None` when that target
/// cannot be had here.
pub fn std_peer(stem: &str, target: &str) -> Option<PathBuf> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .ok()?;
    if !String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l.trim() == target)
    {
        eprintln!("xtask: rustup target add {target} (bench peer)");
        let ok = Command::new("rustup")
            .args(["target", "add", target])
            .status()
            .ok()?
            .success();
        if !ok {
            return None;
        }
    }
    let out = build::target_dir().join("bench").join("peers");
    std::fs::create_dir_all(&out).ok()?;
    let bin = out.join(format!("{stem}-{target}"));
    let status = Command::new("rustc")
        .current_dir(build::root())
        .args([
            "-C",
            "opt-level=3",
            "-C",
            "panic=abort",
            "-C",
            "strip=symbols",
        ])
        .args(["-C", "codegen-units=1", "-C", "lto", "-C", ALIGN])
        .args(["--target", target])
        .arg(format!("xtask/bench-peers/{stem}.rs"))
        .arg("-o")
        .arg(&bin)
        .status()
        .ok()?;
    status.success().then_some(bin)
}

/// Builds `xtask/bench-peers/{file}` with the C compiler `cc` and `flags`; stripped.
/// `Err(reason)` when the compiler is missing or fails.
pub fn c_peer(
    cc: &str,
    file: &str,
    out_name: &str,
    flags: &[&str],
) -> std::result::Result<PathBuf, String> {
    if setup::which(cc).is_none() {
        return Err(format!("no {cc} here"));
    }
    let out = build::target_dir().join("bench").join("peers");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let bin = out.join(out_name);
    let st = Command::new(cc)
        .current_dir(build::root())
        .args(flags)
        .arg(format!("xtask/bench-peers/{file}"))
        .arg("-o")
        .arg(&bin)
        .status()
        .map_err(|e| format!("{cc}: {e}"))?;
    if !st.success() {
        return Err(format!("{cc} {file} failed ({st})"));
    }
    let _ = Command::new("strip").arg("-s").arg(&bin).status();
    Ok(bin)
}

/// Runs `cmd` with a timeout; an error when it cannot start or is killed by the timeout.
pub fn run(cmd: Command, secs: u64) -> Result<Outcome> {
    run_with_timeout(cmd, Duration::from_secs(secs))
}

/// The total `Ir` (user-space instructions) callgrind counted for `cmd`, or why not.
fn callgrind_total(cmd: &Command) -> std::result::Result<u64, String> {
    let file = scratch()
        .map_err(|e| e.to_string())?
        .join(format!("callgrind-{}.out", std::process::id()));
    let mut vg = Command::new("valgrind");
    vg.args(["--tool=callgrind", "--quiet"])
        .arg(format!("--callgrind-out-file={}", file.display()))
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let st = vg.status().map_err(|e| format!("valgrind: {e}"))?;
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    let _ = std::fs::remove_file(&file);
    if !st.success() {
        return Err(format!("the run under callgrind failed ({st})"));
    }
    text.lines()
        .find_map(|l| {
            l.strip_prefix("summary:")
                .or_else(|| l.strip_prefix("totals:"))
        })
        .and_then(|n| n.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| "no summary in callgrind's output".into())
}

/// User-space instructions per operation of `make(n)`: the difference of two runs under
/// callgrind, with `small` and `small + 10,000` operations, over 10,000 (start-up and exit
/// cancel out). `Err(reason)` when valgrind is missing or a run fails.
pub fn insns_per_op(make: impl Fn(u64) -> Command, small: u64) -> std::result::Result<f64, String> {
    if setup::which("valgrind").is_none() {
        return Err("valgrind not found (apt-get install valgrind)".into());
    }
    const EXTRA: u64 = 10_000;
    let a = callgrind_total(&make(small))?;
    let b = callgrind_total(&make(small + EXTRA))?;
    Ok((b as f64 - a as f64) / EXTRA as f64)
}

/// Whether valgrind can be had: installed with apt-get when root and missing.
pub fn ensure_valgrind() -> Option<String> {
    if setup::which("valgrind").is_some() {
        return None;
    }
    match setup::ensure_debian_package(&["valgrind"], "valgrind") {
        Ok(()) => None,
        Err(e) => Some(format!("no instruction counts: {e}")),
    }
}

/// The syscalls `cmd` made (strace -f, its own execve left out), or why not.
pub fn syscalls_of(cmd: &Command) -> std::result::Result<Vec<String>, String> {
    let trace = scratch()
        .map_err(|e| e.to_string())?
        .join(format!("trace-{}.strace", std::process::id()));
    let mut st = Command::new("strace");
    st.args(["-f", "-qq", "-o"])
        .arg(&trace)
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .env_remove("LD_LIBRARY_PATH")
        .stdout(Stdio::null());
    let status = st.status().map_err(|e| format!("strace: {e}"))?;
    let text = std::fs::read_to_string(&trace).unwrap_or_default();
    let _ = std::fs::remove_file(&trace);
    if !status.success() {
        return Err(format!("the run under strace failed ({status})"));
    }
    Ok(crate::demo::parse_strace(&text))
}

/// Wall time of running each program of `progs` to exit, run by run: `n` turns, each turn
/// running every program once starting one further along, so load elsewhere falls on all
/// alike. Returns each program's samples in µs, or the first program that did not exit 0.
/// stdout goes to /dev/null; LD_LIBRARY_PATH (set by `cargo run`) is removed, as a user's
/// environment has none.
pub fn exec_times(progs: &[&Path], n: usize) -> Result<Vec<Vec<f64>>> {
    let mut samples = vec![Vec::with_capacity(n); progs.len()];
    for turn in 0..n {
        for k in 0..progs.len() {
            let i = (k + turn) % progs.len();
            let mut cmd = Command::new(progs[i]);
            cmd.env_remove("LD_LIBRARY_PATH").stdout(Stdio::null());
            let t0 = Instant::now();
            let st = cmd.status()?;
            samples[i].push(t0.elapsed().as_secs_f64() * 1e6);
            if !st.success() {
                return Err(format!("{} exited {st}", progs[i].display()).into());
            }
        }
    }
    Ok(samples)
}

/// `ROUNDS N` for the calls program: fewer and shorter rounds with `--quick`.
pub fn rounds(quick: bool) -> usize {
    if quick { 5 } else { 9 }
}
