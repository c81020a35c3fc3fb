//! The environment: what [`getenv`] reads, what [`setenv`]/[`unsetenv`]/[`clearenv`] change,
//! and what a spawned program inherits when its `ProcAttr::env` is `None`.
//!
//! The environment is the initial one (the `envp` the kernel handed the program, recorded by
//! the runtime through [`set_initial`]) plus a log of changes. Nothing is copied until
//! something changes, and a spawn with an unchanged environment passes the kernel's own
//! `envp` array straight to `execve`.
//!
//! # The arena
//! There is no allocator: a change is appended to a fixed static arena of
//! [`ARENA_BYTES`] bytes (each change takes the length of `KEY=VALUE` plus 2 bytes), and at
//! most [`MAX_CHANGES`] changes are recorded in a process's life. Past either limit the
//! changing call fails with `ENOMEM` and the environment stays as it was. The arena is
//! append-only: a byte once written is never written again, which is what lets [`getenv`]
//! return a `&'static [u8]` that stays valid whatever changes later. Setting a variable to
//! the value it already has, or unsetting one that is not set, records nothing.
//!
//! # Concurrency
//! Readers ([`getenv`], [`environ`], a spawn) take no lock and never wait; writers reserve
//! their bytes and their log slot with atomic operations. Every function here is therefore
//! async-signal-safe and usable from any thread. A reader racing a writer sees the
//! environment from before or after the change.
//!
//! # Duplicates and odd entries
//! Where the initial environment names a variable twice, [`getenv`] returns the first, as Go
//! does; [`environ`] shows both until the variable is set or unset, which replaces both. An
//! entry without `=` is not a variable: [`getenv`] never matches it, [`environ`] shows it as
//! it came, and a spawn passes it on (until [`clearenv`]).
//!
//! In a program with the `std` feature whose `main` std starts (so the sysrt runtime never
//! calls [`set_initial`]), the initial environment is a copy of `std::env::vars_os()` taken at
//! first use; changes made through `std::env` after that are not seen here, nor ours there.

use core::cell::UnsafeCell;
use core::ffi::{CStr, c_char};
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

use crate::{Errno, Result};

/// The bytes available for changes over the life of the process: 16 KiB, room for about two
/// hundred typical `setenv` calls (the median `KEY=VALUE` in a desktop environment is about
/// 40 bytes). The space sits in `.bss`: it costs no file size, and no memory until used.
pub const ARENA_BYTES: usize = 16 * 1024;

/// The number of changes ([`setenv`] and [`unsetenv`] calls that change something) recorded
/// over the life of the process.
pub const MAX_CHANGES: usize = 256;

/// A record's first byte: what the change does. The record's C string follows it.
const SET: u8 = b'S';
const UNSET: u8 = b'U';

/// The kernel's envp, or null before [`set_initial`].
static INITIAL: AtomicPtr<*const u8> = AtomicPtr::new(core::ptr::null_mut());

/// The change records: `[kind][KEY=VALUE\0]` or `[kind][KEY\0]`, appended, never rewritten.
struct ArenaBytes(UnsafeCell<[MaybeUninit<u8>; ARENA_BYTES]>);

// SAFETY: writers write only the range they reserved through `BYTES_USED` (an atomic
// fetch-add hands each range to one writer), before publishing it with a release store into
// `CHANGES`; readers read only records whose pointer they loaded with acquire ordering, and
// nobody writes a published record again.
unsafe impl Sync for ArenaBytes {}

static ARENA: ArenaBytes = ArenaBytes(UnsafeCell::new([MaybeUninit::uninit(); ARENA_BYTES]));
/// Bytes of the arena reserved so far (may exceed `ARENA_BYTES` after a failed reservation).
static BYTES_USED: AtomicUsize = AtomicUsize::new(0);
/// The log: pointers to records, in order of reservation; null while a writer fills it.
static CHANGES: [AtomicPtr<u8>; MAX_CHANGES] =
    [const { AtomicPtr::new(core::ptr::null_mut()) }; MAX_CHANGES];
/// Log slots reserved so far (at most `MAX_CHANGES`).
static CHANGE_COUNT: AtomicUsize = AtomicUsize::new(0);
/// 0, or 1 + the number of log slots reserved when [`clearenv`] last ran: the initial
/// environment and every change before that point are gone.
static CLEARED_AT: AtomicUsize = AtomicUsize::new(0);

/// `set_initial(envp)` — records the environment the kernel gave the program. The sysrt
/// runtime calls this once at start, before `main`; it makes no syscall and copies nothing.
///
/// # Safety
/// `envp` must be null or point to a NULL-terminated array of NUL-terminated strings, and the
/// array and the strings must stay valid and unchanged for the rest of the process (the
/// kernel's initial stack is). Call it before any other function of this module runs: a
/// later call replaces the initial environment under readers' feet (memory-safe only if the
/// old array also stays valid).
pub unsafe fn set_initial(envp: *const *const u8) {
    INITIAL.store(envp.cast_mut(), Ordering::Release);
}

/// Whether this module knows the program's environment: the runtime recorded it with
/// [`set_initial`], or std started the program (the `std` feature). Otherwise [`getenv`] sees
/// only the program's own changes, and a caller that needs the environment the program was
/// started with must look elsewhere (`/proc/self/environ`).
pub(crate) fn has_initial() -> bool {
    cfg!(feature = "std") || !INITIAL.load(Ordering::Acquire).is_null()
}

/// The initial environment array, or null for an empty one.
fn initial() -> *const *const u8 {
    let p = INITIAL.load(Ordering::Acquire);
    #[cfg(feature = "std")]
    if p.is_null() {
        return std_snapshot();
    }
    p
}

/// A leaked copy of std's environment, made once, for programs std starts.
#[cfg(feature = "std")]
fn std_snapshot() -> *const *const u8 {
    use std::boxed::Box;
    use std::os::unix::ffi::OsStringExt;
    use std::vec::Vec;

    static SNAPSHOT: AtomicPtr<*const u8> = AtomicPtr::new(core::ptr::null_mut());
    let done = SNAPSHOT.load(Ordering::Acquire);
    if !done.is_null() {
        return done;
    }
    let mut ptrs: Vec<*const u8> = Vec::new();
    for (k, v) in std::env::vars_os() {
        let mut entry = k.into_vec();
        entry.push(b'=');
        entry.extend_from_slice(&v.into_vec());
        entry.push(0);
        ptrs.push(Box::leak(entry.into_boxed_slice()).as_ptr());
    }
    ptrs.push(core::ptr::null());
    let ours = Box::leak(ptrs.into_boxed_slice()).as_mut_ptr();
    match SNAPSHOT.compare_exchange(
        core::ptr::null_mut(),
        ours,
        Ordering::AcqRel,
        Ordering::Acquire,
    ) {
        Ok(_) => ours,
        // Another thread won: use its copy (ours stays leaked; this happens at most once per
        // racing thread).
        Err(theirs) => theirs,
    }
}

/// `split_entry(entry)` — an environment entry's name and value: the bytes before its first
/// `=` and the bytes after it, or `None` for an entry without `=` (not a variable). The name
/// may be empty (`"=x"`); no name holds `=`. Pure: the one split [`getenv`], [`environ`] and
/// the runtime's `sysrt_rt::env::vars` use (the `env` fuzz target checks it).
///
/// ```
/// assert_eq!(sysrt::env::split_entry(b"A=b=c"), Some((&b"A"[..], &b"b=c"[..])));
/// assert_eq!(sysrt::env::split_entry(b"NOEQ"), None);
/// ```
///
/// # References
/// `man 7 environ`.
#[inline]
pub fn split_entry(entry: &[u8]) -> Option<(&[u8], &[u8])> {
    let eq = entry.iter().position(|&b| b == b'=')?;
    // `get`: no panic path for a program that links no formatting code (sysrt-init).
    Some((entry.get(..eq)?, entry.get(eq + 1..)?))
}

/// The name part of an entry: the bytes before the first `=`, or `None` without one.
#[inline]
fn key_of(entry: &[u8]) -> Option<&[u8]> {
    split_entry(entry).map(|(k, _)| k)
}

/// `lookup(entries, key)` — the value of the first of `entries` named `key`, or `None`. An
/// empty key, or one containing `=`, never matches; entries without `=` are skipped. This is
/// Go's rule too (`syscall.Getenv` keeps the first of duplicated names). Pure: the lookup
/// [`getenv`] runs over the initial environment.
///
/// ```
/// let env: [&[u8]; 4] = [b"NOEQ", b"A=1", b"B=", b"A=2"];
/// assert_eq!(sysrt::env::lookup(env, b"A"), Some(&b"1"[..]));
/// assert_eq!(sysrt::env::lookup(env, b"B"), Some(&b""[..]));
/// assert_eq!(sysrt::env::lookup(env, b"NOEQ"), None);
/// ```
///
/// # References
/// `man 3 getenv`. Go: `syscall.Getenv`.
pub fn lookup<'a>(entries: impl IntoIterator<Item = &'a [u8]>, key: &[u8]) -> Option<&'a [u8]> {
    if key.is_empty() || key.contains(&b'=') {
        return None;
    }
    entries
        .into_iter()
        .find_map(|e| split_entry(e).and_then(|(k, v)| (k == key).then_some(v)))
}

/// How many bytes of a value [`EnvScan`] keeps.
pub const SCAN_HEAD: usize = 8;

/// The value [`EnvScan`] found: its length and its first [`SCAN_HEAD`] bytes.
#[derive(Copy, Clone, Eq, PartialEq, Debug)]
pub struct ScannedValue {
    len: usize,
    head: [u8; SCAN_HEAD],
}

impl ScannedValue {
    /// The value's length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the value is empty (`NAME=`).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The value's first bytes: all of it when it is at most [`SCAN_HEAD`] bytes long.
    pub fn head(&self) -> &[u8] {
        &self.head[..self.len.min(SCAN_HEAD)]
    }
}

/// `EnvScan::new(name)` — finds the first entry named `name` in an environment block
/// (`/proc/PID/environ`: entries each ended by a NUL, the last possibly cut off) fed in
/// chunks of any size, keeping no more than the value's length and first bytes. It gives
/// what [`lookup`] gives over the block's entries: the first entry named `name` wins, entries
/// without `=` are skipped, an empty name or one holding `=` or NUL never matches, and an
/// entry cut off by the end of the block ([`finish`](Self::finish)) counts as ended. Pure:
/// what the vDSO module reads `SYSRT_NO_VDSO` from `/proc/self/environ` with, in a program
/// the runtime did not start (the `env` fuzz target checks it against [`lookup`]).
///
/// # References
/// `man 5 proc_pid_environ`.
#[derive(Clone, Debug)]
pub struct EnvScan<'n> {
    name: &'n [u8],
    state: ScanState,
}

#[derive(Copy, Clone, Debug)]
enum ScanState {
    /// `n` bytes of the current entry matched `name`.
    Matching(usize),
    /// The current entry is not ours: skip to its NUL.
    Skipping,
    /// In our entry's value, so far.
    Value(ScannedValue),
    /// Found (or a name that never matches): nothing more to do.
    Done,
}

impl<'n> EnvScan<'n> {
    /// A scan for the first entry named `name`.
    pub fn new(name: &'n [u8]) -> EnvScan<'n> {
        let valid = !name.is_empty() && !name.iter().any(|&b| b == b'=' || b == 0);
        EnvScan {
            name,
            state: if valid {
                ScanState::Matching(0)
            } else {
                ScanState::Done
            },
        }
    }

    /// Feeds the block's next bytes; `Some(value)` once the first entry named `name` has
    /// ended (after that, the scan is over and gives `None`).
    pub fn feed(&mut self, chunk: &[u8]) -> Option<ScannedValue> {
        for &b in chunk {
            self.state = match self.state {
                ScanState::Done => return None,
                ScanState::Matching(n) if n == self.name.len() && b == b'=' => {
                    ScanState::Value(ScannedValue {
                        len: 0,
                        head: [0; SCAN_HEAD],
                    })
                }
                ScanState::Matching(n) if self.name.get(n) == Some(&b) => {
                    ScanState::Matching(n + 1)
                }
                ScanState::Matching(_) | ScanState::Skipping if b == 0 => ScanState::Matching(0),
                ScanState::Matching(_) | ScanState::Skipping => ScanState::Skipping,
                ScanState::Value(v) if b == 0 => {
                    self.state = ScanState::Done;
                    return Some(v);
                }
                ScanState::Value(mut v) => {
                    if let Some(slot) = v.head.get_mut(v.len) {
                        *slot = b;
                    }
                    v.len = v.len.saturating_add(1);
                    ScanState::Value(v)
                }
            };
        }
        None
    }

    /// The end of the block: `Some(value)` if it cut off the entry named `name`.
    pub fn finish(&mut self) -> Option<ScannedValue> {
        match self.state {
            ScanState::Value(..) => self.feed(&[0]),
            _ => None,
        }
    }
}

/// One published change.
#[derive(Copy, Clone)]
struct Change {
    set: bool,
    /// `KEY=VALUE` (set) or `KEY` (unset), NUL-terminated, living forever.
    text: &'static CStr,
}

impl Change {
    fn key(self) -> &'static [u8] {
        let bytes = self.text.to_bytes();
        if self.set {
            key_of(bytes).unwrap_or(bytes)
        } else {
            bytes
        }
    }
}

/// A consistent view of the log: the live slots and whether the initial environment counts.
#[derive(Copy, Clone)]
struct View {
    /// First live slot (changes before it were cleared).
    start: usize,
    /// One past the last slot reserved when the view was taken.
    end: usize,
    initial_live: bool,
}

impl View {
    fn now() -> View {
        let cleared = CLEARED_AT.load(Ordering::Acquire);
        let end = CHANGE_COUNT.load(Ordering::Acquire).min(MAX_CHANGES);
        View {
            start: cleared.saturating_sub(1).min(end),
            end,
            initial_live: cleared == 0,
        }
    }

    /// Whether nothing was ever changed: spawns can pass the initial array as it is.
    fn unchanged(self) -> bool {
        self.initial_live && self.end == 0
    }

    /// The published change in slot `i`, or `None` while its writer is still filling it.
    fn change(i: usize) -> Option<Change> {
        // `get`, not indexing: `i` is always below MAX_CHANGES, and a program that reads its
        // environment should not link the panic machinery for a check that cannot fail.
        let p = CHANGES.get(i)?.load(Ordering::Acquire);
        if p.is_null() {
            return None;
        }
        // A non-null slot points at a record its writer finished before the release store we
        // acquired: a kind byte followed by a NUL-terminated string, never written again.
        // SAFETY: so both reads below stay inside that record.
        unsafe {
            Some(Change {
                set: *p == SET,
                text: CStr::from_ptr(p.add(1).cast::<c_char>()),
            })
        }
    }

    /// The newest live change of `key` at or after slot `from`.
    fn newest(self, key: &[u8], from: usize) -> Option<Change> {
        (from.max(self.start)..self.end)
            .rev()
            .filter_map(View::change)
            .find(|c| c.key() == key)
    }
}

/// The initial entries, in order.
fn initial_entries() -> impl Iterator<Item = &'static CStr> {
    let mut p = initial();
    core::iter::from_fn(move || {
        if p.is_null() {
            return None;
        }
        // `p` walks the NULL-terminated array `set_initial` was given (or the std snapshot).
        // SAFETY: it stops at the NULL; every entry before it is a NUL-terminated string that
        // lives as long as the process.
        unsafe {
            let entry = *p;
            if entry.is_null() {
                p = core::ptr::null();
                return None;
            }
            p = p.add(1);
            Some(CStr::from_ptr(entry.cast::<c_char>()))
        }
    })
}

/// `getenv(key)` — the value of the variable `key`, or `None` if it is not set.
///
/// An empty key, or one containing `=`, never matches. Where the initial environment names a
/// variable twice, the first entry wins. The value lives for the rest of the program, whatever
/// changes later. No syscall.
///
/// ```
/// let home = sysrt::env::getenv("HOME");
/// # let _ = home;
/// ```
///
/// # References
/// `man 3 getenv`. Go: `syscall.Getenv`.
#[doc(alias = "Getenv")]
pub fn getenv(key: impl AsRef<[u8]>) -> Option<&'static [u8]> {
    let key = key.as_ref();
    if key.is_empty() || key.contains(&b'=') {
        return None;
    }
    let view = View::now();
    if let Some(c) = view.newest(key, 0) {
        // A set record is `KEY=VALUE`: the value starts after the key and its `=`.
        return if c.set {
            c.text.to_bytes().get(key.len() + 1..)
        } else {
            None
        };
    }
    if !view.initial_live {
        return None;
    }
    lookup(initial_entries().map(CStr::to_bytes), key)
}

/// Go's rules for a variable name: not empty, no `=`, no NUL.
fn check_key(key: &[u8]) -> Result<()> {
    if key.is_empty() || key.iter().any(|&b| b == b'=' || b == 0) {
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// Appends one change record and publishes it.
fn record(kind: u8, key: &[u8], value: Option<&[u8]>) -> Result<()> {
    let len = 1 + key.len() + value.map_or(0, |v| 1 + v.len()) + 1;
    // A change that cannot fit fails before it takes a slot (the reservation below still
    // decides when writers race).
    if len > ARENA_BYTES.saturating_sub(BYTES_USED.load(Ordering::Relaxed)) {
        return Err(Errno::ENOMEM);
    }
    // The slot first, so that running out of slots wastes no bytes.
    let slot = CHANGE_COUNT
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
            (n < MAX_CHANGES).then_some(n + 1)
        })
        .map_err(|_| Errno::ENOMEM)?;
    let start = BYTES_USED
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
            used.checked_add(len).filter(|&end| end <= ARENA_BYTES)
        })
        .map_err(|_| Errno::ENOMEM)?; // the slot stays empty: readers skip it
    // SAFETY: `start..start + len` is inside the arena (checked above) and was handed to this
    // call alone by the fetch_update; no reader looks at it before the release store below.
    unsafe {
        let dst = ARENA.0.get().cast::<u8>().add(start);
        dst.write(kind);
        core::ptr::copy_nonoverlapping(key.as_ptr(), dst.add(1), key.len());
        let mut at = 1 + key.len();
        if let Some(v) = value {
            dst.add(at).write(b'=');
            core::ptr::copy_nonoverlapping(v.as_ptr(), dst.add(at + 1), v.len());
            at += 1 + v.len();
        }
        dst.add(at).write(0);
        CHANGES[slot].store(dst, Ordering::Release);
    }
    Ok(())
}

/// `setenv(key, value)` — sets the variable `key` to `value`, for [`getenv`] and for every
/// program spawned afterwards with the inherited environment.
///
/// Validates as Go does: the key must be non-empty and hold no `=` and no NUL; the value must
/// hold no NUL. Setting the value a variable already has records nothing.
///
/// # Errors
/// `EINVAL` (the key or value breaks the rules above), `ENOMEM` (the arena is full: see the
/// [module docs](self)).
///
/// # References
/// `man 3 setenv`. Go: `syscall.Setenv`.
#[doc(alias = "Setenv")]
pub fn setenv(key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Result<()> {
    let (key, value) = (key.as_ref(), value.as_ref());
    check_key(key)?;
    if value.contains(&0) {
        return Err(Errno::EINVAL);
    }
    if getenv(key) == Some(value) {
        return Ok(());
    }
    record(SET, key, Some(value))
}

/// `unsetenv(key)` — removes the variable `key` (every entry with that name, duplicates
/// included), for [`getenv`] and for programs spawned afterwards.
///
/// As in Go, a key that cannot name a variable (empty, or holding `=` or NUL) is not an error:
/// there is nothing to remove. Unsetting a variable that is not set records nothing.
///
/// # Errors
/// `ENOMEM` (the arena is full: see the [module docs](self)).
///
/// # References
/// `man 3 unsetenv`. Go: `syscall.Unsetenv`.
#[doc(alias = "Unsetenv")]
pub fn unsetenv(key: impl AsRef<[u8]>) -> Result<()> {
    let key = key.as_ref();
    if check_key(key).is_err() || !is_named(key) {
        return Ok(());
    }
    record(UNSET, key, None)
}

/// Whether some live entry (set or initial, even a shadowed duplicate) has this name.
fn is_named(key: &[u8]) -> bool {
    environ().any(|e| key_of(e.to_bytes()) == Some(key))
}

/// `clearenv()` — removes every variable. Records nothing in the arena, so it cannot fail.
///
/// # References
/// `man 3 clearenv`. Go: `syscall.Clearenv`.
#[doc(alias = "Clearenv")]
pub fn clearenv() {
    let now = CHANGE_COUNT.load(Ordering::Acquire).min(MAX_CHANGES);
    CLEARED_AT.fetch_max(now + 1, Ordering::AcqRel);
}

/// `environ()` — every entry of the environment, as `KEY=VALUE` C strings: the initial
/// entries that no change replaced, in their order, then the variables set since, in the
/// order they were last set. Entries without `=` from the initial environment are included.
///
/// # References
/// `man 7 environ`. Go: `syscall.Environ`.
#[doc(alias = "Environ")]
pub fn environ() -> Environ {
    let view = View::now();
    Environ {
        view,
        initial: if view.initial_live {
            initial()
        } else {
            core::ptr::null()
        },
        next_change: view.start,
    }
}

/// The iterator [`environ`] returns. It reads the environment as it was when created.
#[derive(Clone)]
pub struct Environ {
    view: View,
    /// The next initial entry, or null once those are done.
    initial: *const *const u8,
    next_change: usize,
}

impl Iterator for Environ {
    type Item = &'static CStr;

    fn next(&mut self) -> Option<&'static CStr> {
        while !self.initial.is_null() {
            // SAFETY: as in `initial_entries`: a walk over the NULL-terminated initial array.
            let entry = unsafe {
                let e = *self.initial;
                if e.is_null() {
                    self.initial = core::ptr::null();
                    break;
                }
                self.initial = self.initial.add(1);
                CStr::from_ptr(e.cast::<c_char>())
            };
            match key_of(entry.to_bytes()) {
                Some(k) if self.view.newest(k, 0).is_some() => continue,
                _ => return Some(entry),
            }
        }
        while self.next_change < self.view.end {
            let i = self.next_change;
            self.next_change += 1;
            let Some(c) = View::change(i) else { continue };
            if c.set && self.view.newest(c.key(), i + 1).is_none() {
                return Some(c.text);
            }
        }
        None
    }
}

/// The environment as a NULL-terminated `envp` array for `execve`: the initial array itself
/// when nothing changed (no work at all), else an array built in `alloc`, which is handed the
/// number of pointer slots needed (entries + the NULL) and returns the slots or `E2BIG`.
pub(crate) fn envp_for_exec<'a>(
    alloc: impl FnOnce(usize) -> Result<&'a mut [MaybeUninit<*const c_char>]>,
) -> Result<*const *const c_char> {
    static EMPTY: [usize; 1] = [0];
    let view = View::now();
    if view.unchanged() {
        let p = initial();
        return Ok(if p.is_null() {
            EMPTY.as_ptr().cast()
        } else {
            p.cast()
        });
    }
    let it = Environ {
        view,
        initial: if view.initial_live {
            initial()
        } else {
            core::ptr::null()
        },
        next_change: view.start,
    };
    let slots = alloc(it.clone().count() + 1)?;
    // The view is fixed, so the second walk yields the same entries as the count.
    let mut n = 0;
    for (slot, entry) in slots.iter_mut().zip(it) {
        slot.write(entry.as_ptr());
        n += 1;
    }
    slots[n].write(core::ptr::null());
    Ok(slots.as_ptr().cast())
}

#[cfg(test)]
mod pure_tests {
    extern crate std;
    use super::*;

    #[test]
    fn split_and_lookup_follow_the_first_equals_sign_and_the_first_entry() {
        assert_eq!(split_entry(b"A=1"), Some((&b"A"[..], &b"1"[..])));
        assert_eq!(split_entry(b"=x"), Some((&b""[..], &b"x"[..])));
        assert_eq!(split_entry(b"A=="), Some((&b"A"[..], &b"="[..])));
        assert_eq!(split_entry(b""), None);
        assert_eq!(split_entry(b"NOEQ"), None);
        let env: [&[u8]; 6] = [b"NOEQ", b"=empty-name", b"A=1", b"AB=2", b"A=dup", b"E="];
        assert_eq!(lookup(env, b"A"), Some(&b"1"[..]));
        assert_eq!(lookup(env, b"AB"), Some(&b"2"[..]));
        assert_eq!(lookup(env, b"E"), Some(&b""[..]));
        assert_eq!(lookup(env, b"NOEQ"), None);
        assert_eq!(lookup(env, b""), None);
        assert_eq!(lookup(env, b"A=1"), None);
        assert_eq!(lookup(env, b"Z"), None);
    }

    /// The scan against `lookup` over the same block, split at every point.
    #[test]
    fn env_scan_finds_what_lookup_finds_across_chunk_boundaries() {
        /// A block, a name, and what the scan should find: the value's length and head.
        type Case<'a> = (&'a [u8], &'a [u8], Option<(usize, &'a [u8])>);
        let cases: [Case; 10] = [
            (
                b"A=1\0SYSRT_NO_VDSO=1\0B=2\0",
                b"SYSRT_NO_VDSO",
                Some((1, b"1")),
            ),
            (b"N=0\0", b"N", Some((1, b"0"))),
            (b"N=\0", b"N", Some((0, b""))),
            (b"N=0123456789\0", b"N", Some((10, b"01234567"))),
            (b"XN=1\0NX=1\0N\0", b"N", None),
            (b"N=0\0N=1\0", b"N", Some((1, b"0"))),
            (b"N\0N=1", b"N", Some((1, b"1"))),
            (b"N=1", b"", None),
            (b"A=B=1\0", b"A=B", None),
            (b"", b"N", None),
        ];
        for (block, name, want) in cases {
            for split in 0..=block.len() {
                let mut s = EnvScan::new(name);
                let got = s
                    .feed(&block[..split])
                    .or_else(|| s.feed(&block[split..]))
                    .or_else(|| s.finish());
                let got = got.as_ref().map(|v| (v.len(), v.head()));
                assert_eq!(
                    got,
                    want,
                    "{:?} split at {split}",
                    std::str::from_utf8(block)
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! The log is process-global, so these run as one test in a fixed order.
    extern crate std;
    use super::*;
    use std::vec::Vec;

    fn entries() -> Vec<&'static [u8]> {
        environ().map(CStr::to_bytes).collect()
    }

    #[test]
    fn initial_changes_and_limits() {
        static INIT: [&CStr; 5] = [c"A=1", c"B=2", c"A=dup", c"NOEQ", c"E="];
        let ptrs: &'static mut [*const u8; 6] = std::boxed::Box::leak(std::boxed::Box::new([
            INIT[0].as_ptr().cast(),
            INIT[1].as_ptr().cast(),
            INIT[2].as_ptr().cast(),
            INIT[3].as_ptr().cast(),
            INIT[4].as_ptr().cast(),
            core::ptr::null(),
        ]));
        // SAFETY: a leaked, NULL-terminated array of static C strings.
        unsafe { set_initial(ptrs.as_ptr()) };

        assert_eq!(getenv("A"), Some(&b"1"[..]), "first duplicate wins");
        assert_eq!(getenv("E"), Some(&b""[..]));
        assert_eq!(getenv("NOEQ"), None);
        assert_eq!(getenv(""), None);
        assert_eq!(getenv("A=1"), None);
        assert_eq!(entries(), [&b"A=1"[..], b"B=2", b"A=dup", b"NOEQ", b"E="]);
        let mut slots = [MaybeUninit::uninit(); 8];
        let envp = envp_for_exec(|_| Ok(&mut slots[..])).unwrap();
        assert_eq!(
            envp,
            ptrs.as_ptr().cast(),
            "unchanged: the initial array itself"
        );

        // Go's validation.
        assert_eq!(setenv("", "x"), Err(Errno::EINVAL));
        assert_eq!(setenv("K=", "x"), Err(Errno::EINVAL));
        assert_eq!(setenv("K\0", "x"), Err(Errno::EINVAL));
        assert_eq!(setenv("K", "a\0b"), Err(Errno::EINVAL));
        assert_eq!(unsetenv("K=V"), Ok(()));
        assert_eq!(CHANGE_COUNT.load(Ordering::Relaxed), 0, "nothing recorded");

        // Set replaces both duplicates; unset removes; same value records nothing.
        let held = getenv("B").unwrap();
        setenv("A", "new").unwrap();
        setenv("B", "3").unwrap();
        setenv("B", "3").unwrap();
        assert_eq!(CHANGE_COUNT.load(Ordering::Relaxed), 2);
        assert_eq!(held, b"2", "an old value stays valid");
        assert_eq!(getenv("A"), Some(&b"new"[..]));
        assert_eq!(entries(), [&b"NOEQ"[..], b"E=", b"A=new", b"B=3"]);
        unsetenv("A").unwrap();
        unsetenv("A").unwrap();
        assert_eq!(getenv("A"), None);
        assert_eq!(entries(), [&b"NOEQ"[..], b"E=", b"B=3"]);
        setenv("A", "again").unwrap();
        assert_eq!(entries(), [&b"NOEQ"[..], b"E=", b"B=3", b"A=again"]);

        let mut slots = [MaybeUninit::uninit(); 8];
        let envp = envp_for_exec(|n| {
            assert_eq!(n, 5);
            Ok(&mut slots[..n])
        })
        .unwrap();
        // SAFETY: envp_for_exec wrote 5 initialised pointers, the last null.
        let got: Vec<&[u8]> = (0..4)
            .map(|i| unsafe { CStr::from_ptr(*envp.add(i)).to_bytes() })
            .collect();
        assert_eq!(got, [&b"NOEQ"[..], b"E=", b"B=3", b"A=again"]);
        // SAFETY: as above.
        assert!(unsafe { *envp.add(4) }.is_null());
        assert_eq!(
            envp_for_exec(|_| Err(Errno::E2BIG)),
            Err(Errno::E2BIG),
            "a small arena is E2BIG"
        );

        clearenv();
        assert_eq!(getenv("B"), None);
        assert_eq!(entries(), Vec::<&[u8]>::new());
        setenv("C", "1").unwrap();
        assert_eq!(entries(), [&b"C=1"[..]]);

        // The limits: bytes first (one big value), then slots.
        let big = std::vec![b'x'; ARENA_BYTES];
        let slots = CHANGE_COUNT.load(Ordering::Relaxed);
        assert_eq!(setenv("BIG", &big), Err(Errno::ENOMEM));
        assert_eq!(getenv("BIG"), None);
        assert_eq!(CHANGE_COUNT.load(Ordering::Relaxed), slots, "no slot taken");
        let mut i = 0u32;
        let err = loop {
            if let Err(e) = setenv("N", std::format!("{i}")) {
                break e;
            }
            i += 1;
        };
        assert_eq!(err, Errno::ENOMEM);
        assert_eq!(CHANGE_COUNT.load(Ordering::Relaxed), MAX_CHANGES);
        assert_eq!(getenv("N"), Some(std::format!("{}", i - 1).as_bytes()));
        assert_eq!(unsetenv("C"), Err(Errno::ENOMEM));
        clearenv();
        assert_eq!(getenv("N"), None, "clearenv works even when full");
    }
}
