//! Support for sysrt's test programs: one `check!` macro, a reporter, and small helpers.
//!
//! Every program prints one line per case and a total line; `cargo xtask test` parses them:
//!
//! ```text
//! open_missing_file                        Err(ENOENT) [OK]
//! rmdir_nonempty                           got Ok(()), expected Err(ENOTEMPTY) [FAIL]
//! exdev_rename                             [SKIPPED] needs root for a tmpfs mount
//! total: 41 passed, 1 failed, 1 skipped, 43 planned
//! ```
//!
//! A missing total line means the program crashed; fewer cases than planned is a failure too.
#![no_std]
// Only the libc-free test programs use this; a host test build (`clippy --all-targets`) must
// not load sysrt-rt, whose panic handler would clash with std's.
#![cfg(not(test))]

pub mod check;
pub mod child;
pub mod fault;
pub mod itimer;
pub mod procfs;
pub mod sock;
pub mod spawn;
/// Synthetic vDSO images: the builder sysrt's own unit tests use, shared so both test the
/// parser on the same images.
#[path = "../../crates/core/src/vdso/synth.rs"]
pub mod synth;
pub mod util;

pub use check::Tests;
