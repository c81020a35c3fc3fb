//! Replays every committed fuzz corpus file (`fuzz/corpus/<target>/`, issue 12) through the
//! same checks the libFuzzer targets assert (`fuzz/src/checks.rs`): the parsers of
//! kernel-provided bytes (dirents, inotify events, xattr lists, sockaddrs, cmsgs, netlink,
//! signalfd records, auxv, the initial stack, vDSO images, path conversion, waitid's siginfo,
//! environment entries and blocks, the flag words the kernel returns) compiled for this
//! arch and run here — natively, under QEMU, and on the kernel guests.
//!
//! One case per target (how many files passed, or the first file that broke an invariant
//! and which), and one per named regression input (`regression-*`, a crash the fuzzer found).
//! A parser that panics ends the program before its total line, which xtask counts as a
//! failure. The files are compiled in (`fuzz/corpus/index.rs`, written by
//! `cargo xtask fuzz`), so the kernel guests, which have no source tree, replay them too.
#![no_std]
#![no_main]

use sysrt_tests::check::Buf;
use sysrt_tests::{Tests, check};

#[path = "../../../fuzz/src/checks.rs"]
#[allow(dead_code)]
mod checks;
#[path = "../../../fuzz/corpus/index.rs"]
mod corpus;

/// The prefix of a corpus file that reproduces a fixed bug: it gets a case of its own.
const REGRESSION: &str = "regression-";

fn files_of(target: &str) -> corpus::Files {
    corpus::CORPUS
        .iter()
        .find(|(name, _)| *name == target)
        .map_or(&[], |&(_, files)| files)
}

fn main() -> i32 {
    let regressions = checks::TARGETS
        .iter()
        .flat_map(|t| files_of(t.name))
        .filter(|(name, _)| name.starts_with(REGRESSION))
        .count();
    let mut t = Tests::new(checks::TARGETS.len() + regressions);
    for target in checks::TARGETS {
        let files = files_of(target.name);
        // Ok(files replayed), or the first failure: (file, broken invariant).
        let mut got: Result<usize, (&str, &str)> = Ok(0);
        if files.is_empty() {
            got = Err(("-", "no corpus committed"));
        }
        for &(name, data) in files {
            match (target.check)(data) {
                Ok(()) => got = got.map(|n| n + 1),
                Err(what) => {
                    got = Err((name, what));
                    break;
                }
            }
        }
        let case = Buf::<64>::format(format_args!("replay_{}_corpus", target.name));
        check!(
            t,
            case.as_str(),
            got,
            Ok::<usize, (&str, &str)>(files.len())
        );
        for &(name, data) in files.iter().filter(|(n, _)| n.starts_with(REGRESSION)) {
            let case = Buf::<96>::format(format_args!("{}_{}", target.name, name));
            check!(t, case.as_str(), (target.check)(data), Ok(()));
        }
    }
    t.finish()
}

sysrt_rt::main!(main);
