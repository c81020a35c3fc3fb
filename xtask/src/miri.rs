//! `cargo xtask miri`: sysrt's and sysrt-rt's host unit tests under Miri, which checks the
//! code that does not trap for undefined behaviour: the parsers of kernel-provided bytes, the
//! path and argument conversion, the buffer types, the owning fd types.

use std::process::Command;

use crate::Result;
use crate::fuzz::{NIGHTLY, cargo_nightly, ensure_nightly};

pub const USAGE: &str = "\
usage: cargo xtask miri

Runs the unit tests of sysrt and sysrt-rt (`cargo +nightly miri test --lib`) under Miri, the
interpreter that reports undefined behaviour: out-of-bounds or misaligned reads, invalid
values, use after free, aliasing violations. Then replays a sample of the committed fuzz
corpora (fuzz/src/lib.rs's test: every named seed and regression input, and every 64th other
file) through the parsers under Miri. Adds the nightly toolchain and its miri and
rust-src components when missing. Miri cannot execute the trap instruction of a syscall, so
each test that makes one is marked `#[cfg_attr(miri, ignore)]` with the reason next to it,
and is counted as ignored here; the same tests run natively in `cargo xtask test`. Exits 0
when no test failed.

  -h, --help    print this help";

/// The packages whose unit tests run under Miri.
const PACKAGES: [&str; 2] = ["sysrt", "sysrt-rt"];

/// `cargo xtask miri`; `Ok(true)` when every test passed or was ignored.
pub fn miri(args: &[String]) -> Result<bool> {
    if let Some(a) = args.first() {
        if a == "-h" || a == "--help" {
            println!("{USAGE}");
            return Ok(true);
        }
        return Err(format!("unexpected argument `{a}`\n\n{USAGE}").into());
    }
    ensure_nightly()?;
    ensure_miri()?;
    let mut cmd = cargo_nightly();
    cmd.args(["miri", "test", "--lib"]);
    for p in PACKAGES {
        cmd.args(["-p", p]);
    }
    // Miri's own target directory keeps its builds apart from the native ones.
    let core = cmd.status()?;
    // The committed fuzz corpora through the same checks (fuzz/src/lib.rs's test; a sample
    // of each target's files under Miri): the parsers on the inputs the fuzzer found.
    let mut cmd = cargo_nightly();
    cmd.args([
        "miri",
        "test",
        "--lib",
        "--manifest-path",
        "fuzz/Cargo.toml",
        // Without libFuzzer's C++ (the `libfuzzer` feature): Miri never runs it.
        "--no-default-features",
    ]);
    let corpus = cmd.status()?;
    Ok(core.success() && corpus.success())
}

/// Adds the miri and rust-src components to the nightly toolchain if they are missing.
fn ensure_miri() -> Result<()> {
    let out = Command::new("rustup")
        .args(["component", "list", "--installed", "--toolchain", NIGHTLY])
        .output()?;
    let installed = String::from_utf8_lossy(&out.stdout);
    let have = |c: &str| installed.lines().any(|l| l.starts_with(&format!("{c}-")));
    if have("miri") && have("rust-src") {
        return Ok(());
    }
    let cmd = [
        "component",
        "add",
        "--toolchain",
        NIGHTLY,
        "miri",
        "rust-src",
    ];
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
