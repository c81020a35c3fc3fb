//! The auxiliary vector: what the kernel tells a new program about the machine and itself —
//! the page size, the hardware capability words, the vDSO's address (`man 3 getauxval`).
//!
//! Where the values come from:
//! - in a program started by a runtime that records the vector the kernel placed on the
//!   initial stack (sysrt-rt does so before `main`, through [`set_vector`]), a lookup is a
//!   walk over that memory: no syscall;
//! - anywhere else (sysrt inside a std program, or under another runtime), the first lookup
//!   copies the vector with `prctl(PR_GET_AUXV)` (Linux 6.4+), or else reads
//!   `/proc/self/auxv`, and keeps the copy for the life of the process. No `getauxval` from a
//!   libc is needed. If neither source works (a kernel older than 6.4 with no `/proc`
//!   mounted), lookups return `None`, and [`page_size`] still answers (see there).
//!
//! Go: `unix.Auxv` (x/sys/unix) returns the pairs; here [`entries`] iterates them and
//! [`getauxval`] finds one.

use core::sync::atomic::{AtomicPtr, AtomicU8, AtomicUsize, Ordering};

use linux_raw_sys::auxvec as a;

use crate::fs::{self, Mode, OFlags};
use crate::{Errno, Sysno, arch, io};

/// `AT_PAGESZ`: the system page size.
#[doc(alias = "AT_PAGESZ")]
pub const PAGESZ: usize = a::AT_PAGESZ as usize;
/// `AT_HWCAP`: the architecture's hardware capability bits.
#[doc(alias = "AT_HWCAP")]
pub const HWCAP: usize = a::AT_HWCAP as usize;
/// `AT_HWCAP2`: more hardware capability bits.
#[doc(alias = "AT_HWCAP2")]
pub const HWCAP2: usize = a::AT_HWCAP2 as usize;
/// `AT_HWCAP3`: a third word of hardware capability bits (Linux 6.16+ on arm64 and powerpc).
#[doc(alias = "AT_HWCAP3")]
pub const HWCAP3: usize = a::AT_HWCAP3 as usize;
/// `AT_HWCAP4`: a fourth word of hardware capability bits.
#[doc(alias = "AT_HWCAP4")]
pub const HWCAP4: usize = a::AT_HWCAP4 as usize;
/// `AT_SYSINFO_EHDR`: the address of the vDSO's ELF header (absent when there is no vDSO, as
/// under qemu-user).
#[doc(alias = "AT_SYSINFO_EHDR")]
pub const SYSINFO_EHDR: usize = a::AT_SYSINFO_EHDR as usize;
/// `AT_MINSIGSTKSZ`: the smallest signal stack the kernel needs, where it reports one.
#[doc(alias = "AT_MINSIGSTKSZ")]
pub const MINSIGSTKSZ: usize = a::AT_MINSIGSTKSZ as usize;
/// `AT_CLKTCK`: the frequency of `times()` clock ticks.
#[doc(alias = "AT_CLKTCK")]
pub const CLKTCK: usize = a::AT_CLKTCK as usize;
/// `AT_SECURE`: non-zero when the program runs set-user-ID, set-group-ID or with gained
/// capabilities.
#[doc(alias = "AT_SECURE")]
pub const SECURE: usize = a::AT_SECURE as usize;
/// `AT_RANDOM`: the address of 16 random bytes the kernel placed on the initial stack.
#[doc(alias = "AT_RANDOM")]
pub const RANDOM: usize = a::AT_RANDOM as usize;
const NULL: usize = a::AT_NULL as usize;

/// The vector recorded by the runtime, or null.
static VECTOR: AtomicPtr<usize> = AtomicPtr::new(core::ptr::null_mut());

/// Records the auxiliary vector the kernel placed on the initial stack, so that lookups read
/// it directly. sysrt-rt calls this before `main`; another runtime may do the same.
///
/// # Safety
/// `auxv` must point at the process's auxiliary vector: `(key, value)` word pairs ending with
/// an `AT_NULL` key, which stay readable and unchanged for the rest of the process's life.
pub unsafe fn set_vector(auxv: *const usize) {
    VECTOR.store(auxv.cast_mut(), Ordering::Release);
}

/// Room for the copy taken when no vector was recorded, in pairs. The kernel passes at most
/// `AT_VECTOR_SIZE` words (`2 * (AT_VECTOR_SIZE_ARCH + AT_VECTOR_SIZE_BASE + 1)`: about 30
/// pairs on the arches sysrt supports, 6.x kernels); 64 leaves room for years of new keys.
const COPY_PAIRS: usize = 64;

const COPY_EMPTY: u8 = 0;
const COPY_READY: u8 = 1;
const COPY_UNAVAILABLE: u8 = 2;

/// The copy, as atomic words so that threads filling it at the same time are no data race:
/// they all write the same values (the vector never changes after `execve`), and whoever
/// finishes first publishes it with `COPY_READY`.
static COPY: [AtomicUsize; 2 * COPY_PAIRS] = [const { AtomicUsize::new(0) }; 2 * COPY_PAIRS];
static COPY_STATE: AtomicU8 = AtomicU8::new(COPY_EMPTY);

/// Reads the vector into `buf` (word pairs), from `PR_GET_AUXV` or `/proc/self/auxv`.
/// Returns the number of words filled; the last pair is `AT_NULL` when it fits.
#[cold]
fn read_vector(buf: &mut [usize; 2 * COPY_PAIRS]) -> Result<usize, Errno> {
    let bytes = core::mem::size_of_val(buf);
    // SAFETY: PR_GET_AUXV writes at most `bytes` bytes into `buf`, which outlives the call,
    // and returns the vector's full size (which may be more than it wrote).
    let ret = unsafe {
        arch::syscall5(
            Sysno::prctl,
            linux_raw_sys::prctl::PR_GET_AUXV as usize,
            buf.as_mut_ptr() as usize,
            bytes,
            0,
            0,
        )
    };
    if let Ok(size) = Errno::decode(ret) {
        return Ok(size.min(bytes) / size_of::<usize>());
    }
    // Before Linux 6.4: the same bytes from procfs.
    let fd = fs::open(
        c"/proc/self/auxv",
        OFlags::RDONLY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    // SAFETY: any byte pattern is a valid `usize`, and the view covers exactly `buf`.
    let raw = unsafe { core::slice::from_raw_parts_mut(buf.as_mut_ptr().cast::<u8>(), bytes) };
    let mut filled = 0;
    while let Some(free) = raw.get_mut(filled..).filter(|f| !f.is_empty()) {
        match io::read(&fd, free) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(filled / size_of::<usize>())
}

/// The copy, taken on first use; `false` if it could not be read.
fn copy_ready() -> bool {
    match COPY_STATE.load(Ordering::Acquire) {
        COPY_READY => true,
        COPY_UNAVAILABLE => false,
        _ => {
            let mut buf = [0usize; 2 * COPY_PAIRS];
            match read_vector(&mut buf) {
                Ok(words) => {
                    for (slot, &w) in COPY.iter().zip(&buf[..words]) {
                        slot.store(w, Ordering::Relaxed);
                    }
                    COPY_STATE.store(COPY_READY, Ordering::Release);
                    true
                }
                Err(_) => {
                    COPY_STATE.store(COPY_UNAVAILABLE, Ordering::Release);
                    false
                }
            }
        }
    }
}

/// An iterator over the auxiliary vector's `(key, value)` pairs, without the closing
/// `AT_NULL`.
#[derive(Clone, Debug)]
pub struct Entries {
    source: Source,
}

#[derive(Clone, Debug)]
enum Source {
    /// Walking the recorded vector.
    Vector(*const usize),
    /// Index of the next pair in the copy.
    Copy(usize),
    Done,
}

/// Every `(key, value)` pair the kernel passed, in its order.
///
/// Go: `unix.Auxv` (x/sys/unix).
#[doc(alias = "Auxv")]
pub fn entries() -> Entries {
    let v = VECTOR.load(Ordering::Acquire);
    let source = if !v.is_null() {
        Source::Vector(v)
    } else if copy_ready() {
        Source::Copy(0)
    } else {
        Source::Done
    };
    Entries { source }
}

impl Iterator for Entries {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let pair = match self.source {
            Source::Done => None,
            Source::Vector(p) => {
                // `p` walks the vector `set_vector` was given, which ends with an `AT_NULL`
                // key; `pair_at` reads a value only after a key that is not `AT_NULL`.
                let pair = pair_at(
                    // SAFETY: so word `j` (0 or 1) never lies past the vector.
                    |j| Some(unsafe { *p.add(j) }),
                    0,
                );
                if pair.is_some() {
                    // SAFETY: this pair is not the closing `AT_NULL`, so the next pair is
                    // still inside the vector.
                    self.source = Source::Vector(unsafe { p.add(2) });
                }
                pair
            }
            Source::Copy(i) => {
                let pair = pair_at(|j| COPY.get(j).map(|w| w.load(Ordering::Relaxed)), i);
                self.source = Source::Copy(i + 1);
                pair
            }
        };
        if pair.is_none() {
            self.source = Source::Done;
        }
        pair
    }
}

/// `pair_at(word, i)` — pair `i` of a vector whose words `word` reads: `None` at the
/// `AT_NULL` key or where `word` has no more (a vector cut short). The value is read only
/// after a key that is not `AT_NULL`, so a walk that stops at the first `None` never asks for
/// a word past the closing key. The one walk under [`entries`], [`parse`] and the runtime's
/// `sysrt_rt::auxv::entries` (pure: `word` is the only access to memory, and the `auxv` fuzz
/// target drives it through [`parse`]).
///
/// # References
/// `man 3 getauxval`.
#[inline]
pub fn pair_at(word: impl Fn(usize) -> Option<usize>, i: usize) -> Option<(usize, usize)> {
    let at = i.checked_mul(2)?;
    let key = word(at).filter(|&k| k != NULL)?;
    Some((key, word(at.checked_add(1)?)?))
}

/// The `(key, value)` pairs of an auxiliary vector in its byte form: native-endian words, as
/// `/proc/PID/auxv` and `PR_GET_AUXV` give it. Ends at the `AT_NULL` key, or where the bytes
/// end (a vector without `AT_NULL`; a trailing partial word or lone key is ignored). Accepts
/// any bytes at any alignment without undefined behaviour or a panic.
///
/// # References
/// `man 3 getauxval`, `man 5 proc_pid_auxv`. Go: `unix.Auxv` (x/sys/unix) parses the same
/// bytes.
pub fn parse(bytes: &[u8]) -> Pairs<'_> {
    Pairs { bytes, next: 0 }
}

/// The pairs of an auxiliary vector's bytes, made by [`parse`].
#[derive(Clone, Debug)]
pub struct Pairs<'a> {
    bytes: &'a [u8],
    /// The next pair's index, or `usize::MAX` once finished.
    next: usize,
}

impl Iterator for Pairs<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        const W: usize = size_of::<usize>();
        let bytes = self.bytes;
        let word = |j: usize| {
            let start = j.checked_mul(W)?;
            let b = bytes.get(start..start.checked_add(W)?)?;
            Some(usize::from_ne_bytes(b.try_into().ok()?))
        };
        let pair = pair_at(word, self.next);
        self.next = if pair.is_some() {
            self.next + 1
        } else {
            usize::MAX
        };
        pair
    }
}

impl core::iter::FusedIterator for Pairs<'_> {}

/// `getauxval(key)` — the value of auxv entry `key` (`auxv::PAGESZ`, `auxv::HWCAP`, …), or
/// `None` if the kernel did not pass it (or, outside a runtime that records the vector, if
/// neither `PR_GET_AUXV` nor `/proc/self/auxv` could be read).
///
/// # References
/// `man 3 getauxval`, `man 2 PR_GET_AUXV`.
#[doc(alias = "AT_NULL")]
pub fn getauxval(key: usize) -> Option<usize> {
    entries().find(|&(k, _)| k == key).map(|(_, v)| v)
}

/// The page size, found once and then cached.
static PAGE_SIZE: AtomicUsize = AtomicUsize::new(0);

/// The system page size in bytes: `AT_PAGESZ`, found once and then cached (one relaxed load
/// after that).
///
/// Never assumed to be 4096: arm64 kernels run with 4, 16 or 64 KiB pages. When the vector
/// cannot be read at all, the size is measured instead: `madvise(addr, 0, MADV_NORMAL)` succeeds
/// exactly when `addr` is page-aligned, and touches nothing (a zero length returns before any
/// mapping is looked at), so the smallest power of two that passes is the page size.
///
/// # References
/// `man 2 getpagesize`, `man 3 getauxval` (`AT_PAGESZ`). Go: `syscall.Getpagesize`.
#[doc(alias = "Getpagesize")]
#[doc(alias = "getpagesize")]
pub fn page_size() -> usize {
    match PAGE_SIZE.load(Ordering::Relaxed) {
        0 => {
            let size = getauxval(PAGESZ)
                .filter(|s| s.is_power_of_two())
                .unwrap_or_else(measure_page_size);
            PAGE_SIZE.store(size, Ordering::Relaxed);
            size
        }
        size => size,
    }
}

/// The page size measured with zero-length `madvise` calls (see [`page_size`]).
#[cold]
fn measure_page_size() -> usize {
    let mut size = 4096usize; // the smallest page size of any arch sysrt supports
    while size < (1 << 30) {
        // SAFETY: a zero length makes madvise return after checking the alignment of `size`,
        // before looking at any mapping: nothing is read, written or advised.
        let ret = unsafe {
            arch::syscall3_readonly(
                Sysno::madvise,
                size,
                0,
                linux_raw_sys::general::MADV_NORMAL as usize,
            )
        };
        if Errno::decode(ret).is_ok() {
            return size;
        }
        size <<= 1;
    }
    size
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    #[test]
    #[cfg_attr(
        miri,
        ignore = "real syscalls (prctl(PR_GET_AUXV) and /proc/self/auxv): Miri cannot run a trap instruction"
    )]
    fn the_copy_agrees_with_proc_self_auxv() {
        // A host test binary has no runtime recording the vector: the copy path runs.
        let mut buf = [0usize; 2 * COPY_PAIRS];
        let words = read_vector(&mut buf).expect("PR_GET_AUXV or /proc/self/auxv");
        assert!(words >= 2 && words.is_multiple_of(2), "{words} words");
        let proc = std::fs::read("/proc/self/auxv").unwrap();
        let from_proc: std::vec::Vec<usize> = proc
            .chunks_exact(size_of::<usize>())
            .map(|c| usize::from_ne_bytes(c.try_into().unwrap()))
            .collect();
        // PR_GET_AUXV copies the kernel's whole saved array, zeros after AT_NULL included;
        // procfs stops at AT_NULL.
        assert!(words >= from_proc.len(), "{words} < {}", from_proc.len());
        assert_eq!(&buf[..from_proc.len()], &from_proc[..]);
        assert_eq!(getauxval(PAGESZ), Some(page_size()));
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "real syscalls (madvise and /proc/self/auxv): Miri cannot run a trap instruction"
    )]
    fn the_measured_page_size_is_the_kernels() {
        let want = std::fs::read("/proc/self/auxv").unwrap();
        let pagesz = want
            .chunks_exact(2 * size_of::<usize>())
            .map(|c| {
                let (k, v) = c.split_at(size_of::<usize>());
                (
                    usize::from_ne_bytes(k.try_into().unwrap()),
                    usize::from_ne_bytes(v.try_into().unwrap()),
                )
            })
            .find(|&(k, _)| k == PAGESZ)
            .map(|(_, v)| v);
        assert_eq!(Some(measure_page_size()), pagesz);
    }

    #[test]
    fn parse_stops_at_at_null_or_at_the_end() {
        let words =
            |w: &[usize]| -> std::vec::Vec<u8> { w.iter().flat_map(|x| x.to_ne_bytes()).collect() };
        let v = words(&[PAGESZ, 4096, HWCAP, 7, NULL, 0, PAGESZ, 1]);
        let got: std::vec::Vec<_> = parse(&v).collect();
        assert_eq!(got, [(PAGESZ, 4096), (HWCAP, 7)]);
        // No AT_NULL: every whole pair, then the end; a lone key and a partial word ignored.
        let mut v = words(&[PAGESZ, 4096, HWCAP]);
        v.push(1);
        let mut it = parse(&v);
        assert_eq!(it.next(), Some((PAGESZ, 4096)));
        assert_eq!(it.next(), None);
        assert_eq!(it.next(), None);
        assert_eq!(parse(&v).collect::<std::vec::Vec<_>>(), [(PAGESZ, 4096)]);
        assert_eq!(parse(&[]).next(), None);
    }

    #[test]
    fn a_recorded_vector_is_walked_to_at_null() {
        let v = [PAGESZ, 16384, HWCAP, 0x55, NULL, 0, PAGESZ, 1];
        let mut it = Entries {
            source: Source::Vector(v.as_ptr()),
        };
        assert_eq!(it.next(), Some((PAGESZ, 16384)));
        assert_eq!(it.next(), Some((HWCAP, 0x55)));
        assert_eq!(it.next(), None);
        assert_eq!(it.next(), None);
    }
}
