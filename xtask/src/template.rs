//! `cargo xtask new PATH`: a libc-free program of the user's own, from `template/`; and the
//! cases that prove the template works where users put it: outside this workspace, in the dev
//! and release profiles, natively and under QEMU through the configured runners, with its unit
//! tests run by a plain `cargo test` on the host.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::Result;
use crate::arch::Arch;
use crate::build;

/// The files of `template/`, relative to it.
const FILES: [&str; 6] = [
    "Cargo.toml",
    "build.rs",
    ".cargo/config.toml",
    ".gitignore",
    "src/main.rs",
    "src/lib.rs",
];

/// Writes a new project named `name` at `dir` (which must not exist, or be empty), with its
/// sysrt dependencies pointing at this checkout.
pub fn new_project(dir: &Path, name: &str) -> Result<()> {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && name.starts_with(|c: char| c.is_ascii_alphabetic());
    if !valid {
        return Err(format!(
            "{name:?} is not a usable package name (letters, digits, '-' and '_', starting with a letter)"
        )
        .into());
    }
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        return Err(format!("{} exists and is not empty", dir.display()).into());
    }
    let root = build::root();
    let template = root.join("template");
    let crate_name = name.replace('-', "_");
    let core = root.join("crates/core");
    let rt = root.join("crates/rt");
    for file in FILES {
        let text = std::fs::read_to_string(template.join(file))?;
        let text = text
            .replace("\"../crates/core\"", &toml_string(&core))
            .replace("\"../crates/rt\"", &toml_string(&rt))
            .replace("sysrt-app", name)
            .replace("sysrt_app", &crate_name);
        let dest = dir.join(file);
        std::fs::create_dir_all(dest.parent().expect("a file in a folder"))?;
        std::fs::write(&dest, text)?;
    }
    Ok(())
}

/// A path as a TOML basic string.
fn toml_string(p: &Path) -> String {
    let s = p.display().to_string();
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `cargo xtask new PATH [--name NAME]`.
pub fn new_command(args: &[String]) -> Result<bool> {
    let mut path = None;
    let mut name = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--name" => {
                name = args.get(i + 1).cloned();
                i += 1;
            }
            a if !a.starts_with('-') && path.is_none() => path = Some(PathBuf::from(a)),
            a => return Err(format!("new: unexpected argument {a:?}\n\n{USAGE}").into()),
        }
        i += 1;
    }
    let Some(path) = path else {
        return Err(format!("new: the project's folder is missing\n\n{USAGE}").into());
    };
    let name = match name {
        Some(n) => n,
        None => path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or("new: give --name NAME: the folder has no name to use")?,
    };
    new_project(&path, &name)?;
    println!("created {} (package {name})", path.display());
    println!("  cd {} && cargo run", path.display());
    println!("  cargo run --target aarch64-unknown-linux-gnu   (under qemu-aarch64-static)");
    println!("  cargo test                                     (the unit tests, with std)");
    Ok(true)
}

pub const USAGE: &str = "\
usage: cargo xtask new PATH [--name NAME]

Writes a libc-free program at PATH from template/: Cargo.toml with the profiles, build.rs
(the libc-free link arguments, for the binaries only), .cargo/config.toml (rust-lld and a
QEMU runner for aarch64 and riscv64), src/main.rs (the entry) and src/lib.rs (the logic, unit
tested by `cargo test` on the host). NAME defaults to PATH's last component.";

/// Outcome of one template case: its name and the verdict.
pub type Case = (String, std::result::Result<(), String>);

/// A cargo command for a project outside this workspace: none of the variables of xtask's
/// own cargo run, and this workspace's pinned toolchain (whose targets xtask installed).
fn cargo_in(dir: &Path) -> Command {
    let mut cmd = build::cargo();
    cmd.current_dir(dir);
    cmd.env_remove("CARGO_TARGET_DIR");
    if let Some(channel) = pinned_toolchain() {
        cmd.env("RUSTUP_TOOLCHAIN", channel);
    }
    cmd.stdin(Stdio::null());
    cmd
}

/// The channel rust-toolchain.toml pins.
fn pinned_toolchain() -> Option<String> {
    let text = std::fs::read_to_string(build::root().join("rust-toolchain.toml")).ok()?;
    text.lines()
        .find_map(|l| l.trim().strip_prefix("channel"))
        .map(|v| {
            v.trim()
                .trim_start_matches('=')
                .trim()
                .trim_matches('"')
                .to_string()
        })
}

/// Runs `cmd`; Ok with stdout when it exits with `status`, else the reason.
fn expect(mut cmd: Command, status: i32) -> std::result::Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.code() == Some(status) {
        Ok(stdout)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        let tail: String = err
            .lines()
            .rev()
            .take(12)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n");
        Err(format!(
            "{cmd:?} exited {:?} (want {status}); stderr ends:\n{tail}",
            out.status
        ))
    }
}

/// The message of sysrt-rt's linker script (crates/rt/link/libc-free.ld) for a program with
/// thread-local storage.
const TLS_REFUSED: &str = "sysrt-rt: this program has thread-local storage (.tdata/.tbss), \
                           which sysrt-rt does not support";

/// Ok when `build` fails, with the linker script's message on stderr.
fn refused_at_link(mut build: Command) -> std::result::Result<(), String> {
    let out = build
        .output()
        .map_err(|e| format!("cannot run {build:?}: {e}"))?;
    let err = String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        Err("the program with thread-local storage linked".to_string())
    } else if err.contains(TLS_REFUSED) {
        Ok(())
    } else {
        let tail: Vec<&str> = err.lines().rev().take(12).collect();
        Err(format!(
            "the build failed without the message; stderr ends:\n{}",
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ))
    }
}

/// The template, instantiated in a temporary folder, built and run every way a user would.
pub fn cases(arches: &[Arch]) -> Result<Vec<Case>> {
    let base = std::env::temp_dir().join(format!("sysrt-template-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let dir = base.join("my-app");
    new_project(&dir, "my-app")?;
    let mut cases = vec![];

    let mut unit = cargo_in(&dir);
    unit.args(["test", "--quiet"]);
    let r = expect(unit, 0).and_then(|out| {
        if out.contains("test result: ok. 2 passed; 0 failed") {
            Ok(())
        } else {
            Err(format!("cargo test printed {out:?}"))
        }
    });
    cases.push(("template_unit_tests_run_on_host_with_std".to_string(), r));

    for &arch in arches {
        for profile in ["dev", "release"] {
            let name = format!("template_{profile}_{arch}_runs_with_exact_output_and_status");
            let mut run = cargo_in(&dir);
            run.args(["run", "--quiet", "--profile", profile]);
            // The host target is plain `cargo run`; the others go through their runner.
            if !arch.is_host() {
                run.args(["--target", arch.triple()]);
            }
            run.args(["--", "a", "", "c"]);
            let want = "hello from a libc-free program, with arguments\n\
                        3 argument(s); the working directory is fd 3\n";
            let r = expect(run, 3).and_then(|out| {
                if out == want {
                    Ok(())
                } else {
                    Err(format!("stdout {out:?}"))
                }
            });
            cases.push((name, r));
        }
    }

    // A program with thread-local storage must not link: sysrt-rt sets up no thread pointer,
    // and its linker script refuses .tdata/.tbss with a message (every arch, both profiles).
    std::fs::create_dir_all(dir.join("src/bin"))?;
    std::fs::write(
        dir.join("src/bin/tls.rs"),
        "#![no_std]\n#![no_main]\n\n// What a thread-local variable compiles to.\n#[used]\n\
         #[unsafe(link_section = \".tbss\")]\nstatic TLS_BYTES: [u8; 16] = [0; 16];\n\n\
         fn main() {}\n\nsysrt_rt::main!(main);\n",
    )?;
    for &arch in arches {
        for profile in ["dev", "release"] {
            let name = format!("template_{profile}_{arch}_thread_local_storage_refused_at_link");
            let mut build = cargo_in(&dir);
            build.args(["build", "--quiet", "--profile", profile, "--bin", "tls"]);
            if !arch.is_host() {
                build.args(["--target", arch.triple()]);
            }
            cases.push((name, refused_at_link(build)));
        }
    }
    std::fs::remove_file(dir.join("src/bin/tls.rs"))?;

    // A program that depends on sysrt-rt alone: the print macros must not need `sysrt`.
    let rt_only = base.join("rt-only");
    new_project(&rt_only, "rt-only")?;
    let manifest = std::fs::read_to_string(rt_only.join("Cargo.toml"))?;
    let manifest: String = manifest
        .lines()
        .filter(|l| !l.starts_with("sysrt ="))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(rt_only.join("Cargo.toml"), manifest)?;
    std::fs::write(
        rt_only.join("src/main.rs"),
        "#![no_std]\n#![no_main]\n\nfn main() -> u8 {\n    sysrt_rt::println!(\"{} + {} = {}\", 2, 2, 2 + 2);\n    \
         sysrt_rt::eprintln!(\"to stderr\");\n    7\n}\n\nsysrt_rt::main!(main);\n",
    )?;
    let mut run = cargo_in(&rt_only);
    run.args(["run", "--quiet"]);
    let r = expect(run, 7).and_then(|out| {
        if out == "2 + 2 = 4\n" {
            Ok(())
        } else {
            Err(format!("stdout {out:?}"))
        }
    });
    cases.push((
        "print_macros_work_with_only_sysrt_rt_as_dependency".to_string(),
        r,
    ));

    let _ = std::fs::remove_dir_all(&base);
    Ok(cases)
}
