//! Cargo invocations for the libc-free programs, built as values.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;
use crate::arch::Arch;

/// The packages whose binaries are libc-free programs.
pub const TEST_PACKAGE: &str = "sysrt-tests";
pub const DEMO_PACKAGE: &str = "sysrt-examples";
/// The container init, `sysrt-init` (crates/init): a product, built like the demos.
pub const INIT_PACKAGE: &str = "sysrt-init";

/// The workspace root (xtask's parent directory).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
}

/// A `cargo` command with the variables cargo set for xtask's own run removed, so the nested
/// build is configured only by the workspace (CARGO_HOME and the target dir are kept).
pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        let inherited = key.starts_with("CARGO_")
            && key != "CARGO_HOME"
            && key != "CARGO_TARGET_DIR"
            && key != "CARGO_TERM_COLOR";
        if inherited || key == "RUSTFLAGS" || key == "CARGO_ENCODED_RUSTFLAGS" {
            cmd.env_remove(key.as_ref());
        }
    }
    cmd.current_dir(root());
    cmd
}

/// The target directory cargo uses for this workspace.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// The cargo profile a build uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// `--release`: opt-level "s", fat LTO, stripped; what the size figures are about.
    Release,
    /// The dev profile (opt-level 0, no LTO): the build users run first, which reaches code
    /// paths the release build optimises away (real calls to `memset`, precompiled `core`'s
    /// references to `rust_eh_personality`).
    Dev,
}

impl Profile {
    /// The folder cargo puts this profile's binaries in.
    pub fn dir_name(self) -> &'static str {
        match self {
            Profile::Release => "release",
            Profile::Dev => "debug",
        }
    }
}

/// `cargo build` of libc-free programs for `arch` in `profile`, with the libc-free link setup.
fn program_build(arch: Arch, profile: Profile) -> Command {
    let mut cmd = cargo();
    cmd.args(["--config", ".cargo/libc-free.toml", "build"]);
    if profile == Profile::Release {
        cmd.arg("--release");
    }
    cmd.args(["--target", arch.triple()]);
    cmd
}

/// Runs a build made by [`program_build`] and returns the directory holding its binaries.
fn finish_build(arch: Arch, profile: Profile, mut cmd: Command) -> Result<PathBuf> {
    let status = cmd.status()?;
    if !status.success() {
        return Err(format!("build for {arch} failed ({status})").into());
    }
    Ok(target_dir().join(arch.triple()).join(profile.dir_name()))
}

/// Builds every test and demo program, and `sysrt-init`, for `arch` (release, libc-free link setup) and returns
/// the directory holding the binaries.
pub fn build_programs(arch: Arch) -> Result<PathBuf> {
    build_programs_in(arch, Profile::Release)
}

/// Builds every test and demo program for `arch` in `profile` and returns the directory
/// holding the binaries.
pub fn build_programs_in(arch: Arch, profile: Profile) -> Result<PathBuf> {
    // One cargo run per package: cargo unifies the features of the packages it builds
    // together, and the test programs turn on sysrt-rt's `alloc`, which the demos (like a
    // user's program) must be built without.
    eprintln!("xtask: building test and demo programs for {arch} ({profile:?})");
    for package in [TEST_PACKAGE, DEMO_PACKAGE, INIT_PACKAGE] {
        let mut cmd = program_build(arch, profile);
        cmd.args(["-p", package]);
        finish_build(arch, profile, cmd)?;
    }
    Ok(target_dir().join(arch.triple()).join(profile.dir_name()))
}

/// Builds the one program `bin` of `package` for `arch` (as [`build_programs`] does) and
/// returns the directory holding it.
pub fn build_program(arch: Arch, package: &str, bin: &str) -> Result<PathBuf> {
    let mut cmd = program_build(arch, Profile::Release);
    cmd.args(["-p", package, "--bin", bin]);
    eprintln!("xtask: building {bin} for {arch}");
    finish_build(arch, Profile::Release, cmd)
}

/// The `[[bin]]` names of a package, read from its Cargo.toml.
pub fn bin_names(package_dir: &str) -> Result<Vec<String>> {
    let manifest = std::fs::read_to_string(root().join(package_dir).join("Cargo.toml"))?;
    let mut names = vec![];
    let mut in_bin = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if let Some(v) = line.strip_prefix("name").filter(|_| in_bin) {
            let v = v
                .trim_start()
                .trim_start_matches('=')
                .trim()
                .trim_matches('"');
            names.push(v.to_string());
        }
    }
    Ok(names)
}

pub fn test_programs() -> Result<Vec<String>> {
    bin_names("tests")
}

pub fn demo_programs() -> Result<Vec<String>> {
    bin_names("examples")
}

/// `sysrt-init` (crates/init): shipped next to the test programs, which run it.
pub fn init_programs() -> Result<Vec<String>> {
    bin_names("crates/init")
}
