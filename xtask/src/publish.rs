//! The crates as they would be published: `cargo package` (which builds each one from its
//! own tarball, the dependencies from a local registry of the others) and their docs, with
//! rustdoc warnings as errors, for every arch docs.rs builds.

use std::process::Stdio;

use crate::arch::Arch;
use crate::build;

/// The published crates, in dependency order.
pub const CRATES: [&str; 3] = ["sysrt-arch", "sysrt", "sysrt-rt"];

/// A case: its name and the verdict.
pub type Case = (String, std::result::Result<(), String>);

fn run(mut cmd: std::process::Command) -> std::result::Result<(), String> {
    cmd.stdin(Stdio::null());
    let out = cmd.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = err.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        Err(format!("{:?}: {}\n{}", cmd, out.status, tail.join("\n")))
    }
}

/// Removes the unpacked copies of our own crates that earlier `cargo package` runs left in
/// cargo's registry cache. `cargo package` verifies each crate against the others through a
/// temporary local registry, and cargo reuses an unpacked crate of the same name and version
/// from an earlier run instead of unpacking the new one: a changed `sysrt-arch` 0.1.0 would
/// be verified against the old one. Local registries are the cache folders whose names start
/// with '-' (crates.io's are named after its index); only our crates are removed from them.
fn forget_earlier_packages() {
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cargo")));
    let Some(home) = home else { return };
    for kind in ["src", "cache"] {
        let Ok(dirs) = std::fs::read_dir(home.join("registry").join(kind)) else {
            continue;
        };
        for dir in dirs.flatten() {
            if !dir.file_name().to_string_lossy().starts_with('-') {
                continue;
            }
            let Ok(entries) = std::fs::read_dir(dir.path()) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if CRATES.iter().any(|c| name.starts_with(&format!("{c}-0"))) {
                    let p = e.path();
                    let _ = std::fs::remove_dir_all(&p).or_else(|_| std::fs::remove_file(&p));
                }
            }
        }
    }
}

pub fn cases(arches: &[Arch]) -> Vec<Case> {
    let mut cases = vec![];
    forget_earlier_packages();
    // A target directory of its own, emptied first: cargo takes a registry crate's build as
    // fresh whatever its source, so an earlier run's `sysrt-arch` 0.1.0 would be reused.
    let target = build::target_dir().join("package-check");
    let _ = std::fs::remove_dir_all(&target);
    let mut package = build::cargo();
    // --allow-dirty: a working tree with uncommitted changes is checked the same way.
    package.args(["package", "--quiet", "--allow-dirty", "--target-dir"]);
    package.arg(&target);
    for c in CRATES {
        package.args(["-p", c]);
    }
    cases.push((
        "crates_package_and_build_from_their_tarballs".to_string(),
        run(package),
    ));
    for &arch in arches {
        let mut doc = build::cargo();
        doc.env("RUSTDOCFLAGS", "-D warnings");
        doc.args(["doc", "--quiet", "--no-deps", "--target", arch.triple()]);
        for c in CRATES {
            doc.args(["-p", c]);
        }
        cases.push((format!("docs_without_warnings_{arch}"), run(doc)));
    }
    let mut doc = build::cargo();
    doc.env("RUSTDOCFLAGS", "-D warnings");
    doc.args([
        "doc",
        "--quiet",
        "--no-deps",
        "-p",
        "sysrt",
        "--features",
        "std",
    ]);
    cases.push(("docs_without_warnings_std_feature".to_string(), run(doc)));
    cases
}
