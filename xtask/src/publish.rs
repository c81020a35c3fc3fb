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

pub fn cases(arches: &[Arch]) -> Vec<Case> {
    let mut cases = vec![];
    let mut package = build::cargo();
    // --allow-dirty: a working tree with uncommitted changes is checked the same way.
    package.args(["package", "--quiet", "--allow-dirty"]);
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
