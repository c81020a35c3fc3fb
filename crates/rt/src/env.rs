//! The environment, straight from the initial stack: no copy, no allocation.
//!
//! Entries are read as the kernel delivered them. An entry without `=` is not a variable:
//! [`getenv`] and [`vars`] skip it, [`environ`] shows it. Where a name appears twice, the first
//! entry wins, as in Go's `syscall.Getenv`.

use core::ffi::{CStr, c_char};
use core::sync::atomic::Ordering;

use crate::start::ENVP;

/// Every raw environment entry (`"KEY=VALUE"`, or anything else a parent put there).
pub fn environ() -> Environ {
    Environ {
        p: ENVP.load(Ordering::Relaxed),
    }
}

/// An iterator over the raw environment entries.
#[derive(Clone)]
pub struct Environ {
    p: *const *const u8,
}

impl Iterator for Environ {
    type Item = &'static CStr;

    fn next(&mut self) -> Option<&'static CStr> {
        if self.p.is_null() {
            return None;
        }
        // SAFETY: `p` walks the kernel's NULL-terminated envp array and stops at the NULL;
        // every entry before it is a NUL-terminated string living as long as the process.
        unsafe {
            let entry = *self.p;
            if entry.is_null() {
                self.p = core::ptr::null();
                return None;
            }
            self.p = self.p.add(1);
            Some(CStr::from_ptr(entry as *const c_char))
        }
    }
}

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
        for entry in self.inner.by_ref() {
            let bytes = entry.to_bytes();
            if let Some(eq) = bytes.iter().position(|&b| b == b'=') {
                return Some((&bytes[..eq], &bytes[eq + 1..]));
            }
        }
        None
    }
}

/// `getenv(name)` — the value of the first entry named `name`, or `None`.
///
/// An empty name or one containing `=` never matches. Go: `syscall.Getenv`.
#[doc(alias = "Getenv")]
pub fn getenv(name: impl AsRef<[u8]>) -> Option<&'static [u8]> {
    let name = name.as_ref();
    if name.is_empty() || name.contains(&b'=') {
        return None;
    }
    vars().find(|(k, _)| *k == name).map(|(_, v)| v)
}
