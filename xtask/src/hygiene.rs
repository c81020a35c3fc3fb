//! Hygiene rules, checked as tests (`cargo test -p xtask`, part of `cargo xtask test`).

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use crate::build::{cargo, root};

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                rust_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }

    fn files_under(dirs: &[&str]) -> Vec<PathBuf> {
        let mut out = vec![];
        for d in dirs {
            rust_files(&root().join(d), &mut out);
        }
        assert!(!out.is_empty(), "no sources found under {dirs:?}");
        out
    }

    fn offenders(dirs: &[&str], bad: impl Fn(&str) -> bool) -> Vec<String> {
        let mut found = vec![];
        for f in files_under(dirs) {
            let text = std::fs::read_to_string(&f).unwrap();
            for (i, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                if bad(code) {
                    found.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
                }
            }
        }
        found
    }

    #[test]
    fn no_asm_outside_arch() {
        let hits = offenders(&["crates", "tests", "examples"], |l| {
            l.contains("asm!(") || l.contains("global_asm!") || l.contains("naked_asm!")
        });
        assert!(hits.is_empty(), "asm outside arch/:\n{}", hits.join("\n"));
    }

    #[test]
    fn no_target_arch_cfg_in_crates() {
        let hits = offenders(&["crates"], |l| l.contains("target_arch"));
        assert!(
            hits.is_empty(),
            "cfg(target_arch) in crates/:\n{}",
            hits.join("\n")
        );
    }

    /// Every `unsafe {` has a `// SAFETY:` comment on its line or on one of the two lines
    /// just above it (a longer explanation goes above the `SAFETY:` line, not below it).
    #[test]
    fn every_unsafe_block_has_a_safety_comment() {
        let mut missing = vec![];
        for f in files_under(&["arch", "crates", "tests", "examples", "xtask"]) {
            if f.ends_with("xtask/src/hygiene.rs") {
                continue; // its samples of the pattern are string literals
            }
            let text = std::fs::read_to_string(&f).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                if !line.contains("unsafe {") || line.trim_start().starts_with("//") {
                    continue;
                }
                let window = &lines[i.saturating_sub(2)..=i];
                if !window.iter().any(|l| l.contains("SAFETY:")) {
                    missing.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "unsafe blocks without SAFETY:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn no_libc_in_library_dependency_tree() {
        let out: std::process::Output = {
            let mut c: Command = cargo();
            c.args([
                "tree",
                "-e",
                "normal,build",
                "--target",
                "all",
                "--prefix",
                "none",
            ]);
            c.args([
                "-p",
                "sysrt-arch",
                "-p",
                "sysrt",
                "-p",
                "sysrt-rt",
                "--features",
                "sysrt/std",
            ]);
            c.output().unwrap()
        };
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let tree = String::from_utf8_lossy(&out.stdout);
        assert!(
            tree.contains("linux-raw-sys"),
            "cargo tree output looks wrong:\n{tree}"
        );
        let libc: Vec<&str> = tree.lines().filter(|l| l.starts_with("libc ")).collect();
        assert!(
            libc.is_empty(),
            "libc in the library's dependency tree: {libc:?}"
        );
    }

    #[test]
    fn hygiene_checks_can_fail() {
        // The textual rules above must notice a violation when one is there.
        let sample = "let x = unsafe { f() };";
        assert!(sample.contains("unsafe {") && !sample.contains("SAFETY:"));
        assert!("core::arch::asm!(\"nop\")".contains("asm!("));
    }
}
