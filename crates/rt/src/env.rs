//! The environment, read through [`sysrt::env`]: the kernel's `envp` as the runtime found it
//! at start, plus whatever `sysrt::env::setenv`/`unsetenv`/`clearenv` changed since. No copy
//! and no allocation until something changes.
//!
//! An entry without `=` is not a variable: [`getenv`] and [`vars`] skip it, [`environ`] shows
//! it. Where a name appears twice, the first entry wins, as in Go's `syscall.Getenv`.

use core::ffi::CStr;

/// Every raw environment entry (`"KEY=VALUE"`, or anything else a parent put there).
pub fn environ() -> Environ {
    sysrt::env::environ()
}

/// An iterator over the raw environment entries.
pub use sysrt::env::Environ;

/// The environment variables as `(name, value)` byte strings; entries without `=` are skipped.
/// A duplicated name is yielded each time it appears.
pub fn vars() -> Vars {
    Vars { inner: environ() }
}

/// An iterator over `(name, value)` pairs of the environment.
#[derive(Clone)]
pub struct Vars {
    inner: Environ,
}

impl Iterator for Vars {
    type Item = (&'static [u8], &'static [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        self.inner
            .by_ref()
            .find_map(|entry| sysrt::env::split_entry(CStr::to_bytes(entry)))
    }
}

/// `getenv(name)` — the value of the first entry named `name`, or `None`.
///
/// An empty name or one containing `=` never matches. Go: `syscall.Getenv`.
#[doc(alias = "Getenv")]
pub fn getenv(name: impl AsRef<[u8]>) -> Option<&'static [u8]> {
    sysrt::env::getenv(name)
}
