//! Children whose end is the outcome of a case (a write to a read-only page ends in
//! `SIGSEGV`, an out-of-memory allocation in exit status 101), or whose changes must not touch
//! the test program (a new UTS namespace, a lowered `RLIMIT_AS`). Built on [`crate::child`]'s
//! fork and raw wait; the child first turns core dumps off, so an expected crash leaves no core
//! file behind.

use sysrt::Errno;
use sysrt::process::{Resource, Rlimit, setrlimit};

pub use crate::child::Status;

/// Runs `f` in a forked child (core dumps off) that exits with what `f` returns, and waits
/// for it.
pub fn in_child(f: impl FnOnce() -> i32) -> Result<Status, Errno> {
    let pid = crate::child::fork_child(|| {
        let _ = setrlimit(Resource::Core, Rlimit { cur: 0, max: 0 });
        f()
    })?;
    crate::child::wait(pid)
}
