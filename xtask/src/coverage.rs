//! `cargo xtask coverage`: sysrt measured against Go's `syscall` API (and the x/sys/unix extras).
//!
//! The mapping lives in `coverage_map.rs`. A Go function counts as covered only when the map
//! names the sysrt item that does its job (checked at compile time: the item must exist) and
//! the test cases that exercise it (checked here: each named case must appear in its test
//! program, which `cargo xtask test` runs on all three arches). Rows with a written reason
//! (deprecated, Go-runtime-only, inapplicable) are listed apart and not counted as covered.

use std::collections::BTreeMap;

use crate::Result;
use crate::build::root;
use crate::coverage_map::{MAP, Status};

const GO_SYSCALL: &str = include_str!("../data/go-syscall-linux.tsv");
const GO_XSYS: &str = include_str!("../data/go-xsys-unix-extras.tsv");

/// The categories whose every row must be mapped (covered or with a reason).
pub const COMPLETE_CATEGORIES: [&str; 5] = ["file-io", "fs", "signal", "event", "net"];

/// A row of one of the Go lists: name and category ("xsys" for the extras).
pub struct GoRow {
    pub name: &'static str,
    pub category: &'static str,
}

pub fn go_rows() -> Vec<GoRow> {
    let mut rows = vec![];
    for line in GO_SYSCALL.lines().skip(1) {
        let mut f = line.split('\t');
        if let (Some(name), Some(_sig), Some(category)) = (f.next(), f.next(), f.next()) {
            rows.push(GoRow { name, category });
        }
    }
    for line in GO_XSYS.lines().skip(1) {
        if let Some(name) = line.split('\t').next() {
            rows.push(GoRow {
                name,
                category: "xsys",
            });
        }
    }
    rows
}

/// Problems with the map itself: named test cases that do not exist, entries for names not in
/// the Go lists, duplicate entries, unmapped rows of the complete categories.
pub fn check_map() -> Vec<String> {
    let rows = go_rows();
    let mut problems = vec![];
    let mut seen = BTreeMap::new();
    for e in MAP {
        if seen.insert(e.go, ()).is_some() {
            problems.push(format!("{}: mapped twice", e.go));
        }
        if !rows.iter().any(|r| r.name == e.go) {
            problems.push(format!("{}: not in the Go lists", e.go));
        }
        if let Status::Covered { tests, .. } = &e.status {
            if tests.is_empty() {
                problems.push(format!("{}: covered but names no test case", e.go));
            }
            for (program, case) in tests.iter() {
                // xtask's own cases are in test.rs, or in parent.rs when the kernel guests
                // run them too.
                let files = if *program == "xtask" {
                    vec![
                        root().join("xtask/src/test.rs"),
                        root().join("xtask/src/parent.rs"),
                    ]
                } else {
                    vec![root().join("tests/src/bin").join(format!("{program}.rs"))]
                };
                let text: String = files
                    .iter()
                    .map(|f| std::fs::read_to_string(f).unwrap_or_default())
                    .collect();
                if !text.contains(&format!("\"{case}\"")) {
                    problems.push(format!("{}: test case {program}::{case} not found", e.go));
                }
            }
        }
    }
    for r in &rows {
        if COMPLETE_CATEGORIES.contains(&r.category) && !MAP.iter().any(|e| e.go == r.name) {
            problems.push(format!("{} ({}): not mapped", r.name, r.category));
        }
    }
    problems
}

pub fn coverage() -> Result<bool> {
    let rows = go_rows();
    let status_of = |name: &str| MAP.iter().find(|e| e.go == name).map(|e| &e.status);
    let mut cats: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for r in &rows {
        let c = cats.entry(r.category).or_default();
        c.1 += 1;
        match status_of(r.name) {
            Some(Status::Covered { .. }) => c.0 += 1,
            Some(Status::Reason(_)) => c.2 += 1,
            None => {}
        }
    }
    let (mut cov, mut tot) = (0, 0);
    for (cat, (c, t, _)) in cats.iter().filter(|(k, _)| **k != "xsys") {
        println!("{cat}: {c}/{t}");
        cov += c;
        tot += t;
    }
    println!("total: {cov}/{tot}");
    let (xc, xt, _) = cats.get("xsys").copied().unwrap_or_default();
    println!("xsys: {xc}/{xt}");

    println!("\ncovered (Go → sysrt):");
    for e in MAP {
        if let Status::Covered { item, .. } = &e.status {
            println!("  {} → {item}", e.go);
        }
    }
    println!("\nnot counted, with a reason:");
    for e in MAP {
        if let Status::Reason(why) = &e.status {
            println!("  {}: {why}", e.go);
        }
    }
    let problems = check_map();
    if !problems.is_empty() {
        println!("\nproblems in the coverage map:");
        for p in &problems {
            println!("  {p}");
        }
    }
    Ok(problems.is_empty())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_coverage_map_is_consistent_and_complete_for_files() {
        let problems = super::check_map();
        assert!(
            problems.is_empty(),
            "coverage map problems:\n{}",
            problems.join("\n")
        );
    }

    #[test]
    fn the_go_lists_load() {
        let rows = super::go_rows();
        assert_eq!(rows.iter().filter(|r| r.category != "xsys").count(), 255);
        assert_eq!(rows.iter().filter(|r| r.category == "xsys").count(), 100);
    }
}
