//! Installs what a fresh machine lacks: the rustup targets and QEMU user-mode.

use std::path::Path;
use std::process::Command;

use crate::Result;
use crate::arch::Arch;

/// Adds the rustup targets that are missing (`RUSTUP_AUTO_INSTALL=0` means rustup will not add
/// the ones rust-toolchain.toml lists by itself).
pub fn ensure_targets(arches: &[Arch]) -> Result<()> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    let installed = match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
        // No rustup (a toolchain installed another way): let cargo report what is missing.
        _ => return Ok(()),
    };
    let missing: Vec<&str> = arches
        .iter()
        .map(|a| a.triple())
        .filter(|t| !installed.lines().any(|l| l.trim() == *t))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!("xtask: rustup target add {}", missing.join(" "));
    let status = Command::new("rustup")
        .args(["target", "add"])
        .args(&missing)
        .status()?;
    if !status.success() {
        return Err(format!(
            "`rustup target add {}` failed ({status})",
            missing.join(" ")
        )
        .into());
    }
    Ok(())
}

/// Finds a program on PATH.
pub fn which(program: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

pub fn is_root() -> bool {
    // /proc/self/status: "Uid:\treal\teffective\t...".
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

/// Makes sure the Debian packages providing `programs` are installed: installs `package` with
/// apt-get when running as root, otherwise says exactly what to run.
pub fn ensure_debian_package(programs: &[&str], package: &str) -> Result<()> {
    if programs.iter().all(|p| which(p).is_some()) {
        return Ok(());
    }
    let cmd = format!("apt-get update && apt-get install -y --no-install-recommends {package}");
    if !is_root() || !Path::new("/usr/bin/apt-get").exists() {
        return Err(format!(
            "{} not found; install the `{package}` package (Debian/Ubuntu: `sudo sh -c '{cmd}'`)",
            programs.join(", ")
        )
        .into());
    }
    eprintln!("xtask: {} missing; running `{cmd}`", programs.join(", "));
    let status = Command::new("sh")
        .args(["-c", &cmd])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()?;
    if !status.success() || !programs.iter().all(|p| which(p).is_some()) {
        return Err(format!("`{cmd}` failed ({status}); install `{package}` and retry").into());
    }
    Ok(())
}

/// QEMU user-mode for every non-host arch in `arches`.
pub fn ensure_qemu(arches: &[Arch]) -> Result<()> {
    let needed: Vec<&str> = arches.iter().filter_map(|a| a.qemu()).collect();
    if needed.is_empty() {
        return Ok(());
    }
    ensure_debian_package(&needed, "qemu-user-static")
}
