//! The vDSO: the small shared object the kernel maps into every process, whose functions
//! answer `clock_gettime`, `gettimeofday`, `time`, `getcpu` and `getrandom` without entering
//! the kernel.
//!
//! sysrt's calls use it on their own: [`crate::time::clock_gettime`] and friends look their
//! vDSO function up once, on first use, and afterwards cost one atomic load and one indirect
//! call. Where there is no vDSO (qemu-user gives its guests none), no such function in it (an
//! older kernel), or the function declines a request (`-ENOSYS`), the syscall answers
//! instead, with the same result.
//!
//! Where the vDSO is found: at `AT_SYSINFO_EHDR` in the auxiliary vector ([`crate::auxv`]:
//! the one the runtime recorded at start, with no syscall; in a program the runtime did not
//! start, `prctl(PR_GET_AUXV)` on Linux 6.4 and later, else `/proc/self/auxv`). Where none
//! answers (an older kernel with no /proc mounted) or the kernel passed no vDSO, the syscalls
//! are used.
//!
//! `SYSRT_NO_VDSO=1` in the environment (any value but empty or `0`) makes every call use the
//! syscall, for tools such as valgrind that follow syscalls but not the vDSO. It is read once,
//! when the vDSO is first needed, from sysrt's environment ([`crate::env`]: the one the
//! program started with, plus its own changes), or from `/proc/self/environ` in a program
//! that neither the runtime nor std started. [`disable`] does the same from code.
//!
//! The image is read with a parser that trusts nothing in it ([`Image`]): an image of another
//! architecture or a corrupted one gives no symbols, never a crash.
//!
//! # References
//! `man 7 vdso`; the kernel's `Documentation/ABI/stable/vdso` and
//! `tools/testing/selftests/vDSO/parse_vdso.c`.

mod elf;
#[cfg(test)]
pub(crate) mod synth;

use core::ffi::{c_int, c_long, c_uint, c_void};
use core::marker::PhantomData;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use linux_raw_sys::general::{__kernel_old_time_t, __kernel_old_timeval, __kernel_timespec};

pub use elf::{Image, gnu_hash, mapped_extent, sysv_hash};

use crate::fs::{self, Mode, OFlags};
use crate::{auxv, env, io};

/// `clock_gettime(clock, ts) -> int` in the vDSO.
pub(crate) type ClockGettimeFn = unsafe extern "C" fn(c_int, *mut __kernel_timespec) -> c_int;
/// `gettimeofday(tv, tz) -> int` in the vDSO.
pub(crate) type GettimeofdayFn =
    unsafe extern "C" fn(*mut __kernel_old_timeval, *mut c_void) -> c_int;
/// `time(t) -> time_t` in the vDSO.
pub(crate) type TimeFn = unsafe extern "C" fn(*mut __kernel_old_time_t) -> __kernel_old_time_t;
/// `getcpu(cpu, node, unused) -> long` in the vDSO.
pub(crate) type GetcpuFn = unsafe extern "C" fn(*mut c_uint, *mut c_uint, *mut c_void) -> c_long;
/// `getrandom(buf, len, flags, state, state_len) -> ssize_t` in the vDSO.
pub(crate) type GetrandomFn =
    unsafe extern "C" fn(*mut c_void, usize, c_uint, *mut c_void, usize) -> isize;

/// A slot value: not looked up yet.
const UNKNOWN: usize = 0;
/// A slot value: looked up, not there (or the vDSO is not used). Any larger value is the
/// function's address: a vDSO is page-aligned, so no function of it is at address 1.
const ABSENT: usize = 1;

/// One vDSO function: its address once looked up, as a function pointer of type `F`.
///
/// The fast path is one relaxed load: the function was mapped by the kernel before the process
/// started, and the address is the whole message, so no ordering with other memory is needed.
pub(crate) struct Slot<F> {
    addr: AtomicUsize,
    _f: PhantomData<F>,
}

// SAFETY: the slot holds an address, read and written atomically; `F` is only a type tag.
unsafe impl<F> Sync for Slot<F> {}

impl<F: Copy> Slot<F> {
    const fn new() -> Slot<F> {
        Slot {
            addr: AtomicUsize::new(UNKNOWN),
            _f: PhantomData,
        }
    }

    /// The function, or `None` where the syscall must be used. Looks every function up on
    /// the first call.
    #[inline(always)]
    pub(crate) fn get(&self) -> Option<F> {
        let addr = match self.addr.load(Ordering::Relaxed) {
            UNKNOWN => {
                resolve_all();
                self.addr.load(Ordering::Relaxed)
            }
            a => a,
        };
        if addr == ABSENT || addr == UNKNOWN {
            return None;
        }
        const { assert!(size_of::<F>() == size_of::<usize>()) };
        // A slot only ever holds UNKNOWN, ABSENT or the address of the function the slot is
        // named for, found in the kernel's vDSO under the name and version whose C signature
        // `F` spells; `F` is a function pointer type of a pointer's size (asserted above).
        // SAFETY: as just said; the address is not null.
        Some(unsafe { core::mem::transmute_copy::<usize, F>(&addr) })
    }

    fn address(&self) -> Option<usize> {
        self.get().map(|_| self.addr.load(Ordering::Relaxed))
    }

    fn store(&self, addr: Option<usize>) {
        self.addr.store(
            addr.filter(|&a| a > ABSENT).unwrap_or(ABSENT),
            Ordering::SeqCst,
        );
    }
}

pub(crate) static CLOCK_GETTIME: Slot<ClockGettimeFn> = Slot::new();
pub(crate) static CLOCK_GETRES: Slot<ClockGettimeFn> = Slot::new();
pub(crate) static GETTIMEOFDAY: Slot<GettimeofdayFn> = Slot::new();
pub(crate) static TIME: Slot<TimeFn> = Slot::new();
pub(crate) static GETCPU: Slot<GetcpuFn> = Slot::new();
pub(crate) static GETRANDOM: Slot<GetrandomFn> = Slot::new();

/// Set by `SYSRT_NO_VDSO` or [`disable`]: every call uses its syscall.
static DISABLED: AtomicBool = AtomicBool::new(false);
/// The vDSO address the lookup used (0: none).
static BASE: AtomicUsize = AtomicUsize::new(0);

/// The first bytes of the vDSO that are readable whatever the page size: the kernel maps it
/// as whole pages from its ELF header on, and every Linux page size is a multiple of 4096.
const MIN_PAGE: usize = 4096;
/// The largest image the lookup reads. Today's vDSOs are two to four pages; a header that
/// claims more than this is corrupt, and what it claims may not be mapped.
const MAX_IMAGE: usize = 256 * 1024;

/// Whether a `SYSRT_NO_VDSO` value asks for the syscalls: anything but empty or `0`.
fn no_vdso_value(v: &[u8]) -> bool {
    !v.is_empty() && v != b"0"
}

/// Makes every later call use its syscall rather than the vDSO, as `SYSRT_NO_VDSO=1` does.
/// Calls already running finish on the path they took.
///
/// # References
/// `man 7 vdso`.
pub fn disable() {
    DISABLED.store(true, Ordering::SeqCst);
    clear();
}

fn clear() {
    CLOCK_GETTIME.store(None);
    CLOCK_GETRES.store(None);
    GETTIMEOFDAY.store(None);
    TIME.store(None);
    GETCPU.store(None);
    GETRANDOM.store(None);
}

/// The functions this process takes from the vDSO, by address; `None` for each one that
/// goes to the syscall. Looks them up if that has not happened yet.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Symbols {
    /// The vDSO's address (its ELF header), if one is used.
    pub base: Option<usize>,
    /// `clock_gettime`.
    pub clock_gettime: Option<usize>,
    /// `clock_getres`.
    pub clock_getres: Option<usize>,
    /// `gettimeofday`.
    pub gettimeofday: Option<usize>,
    /// `time`.
    pub time: Option<usize>,
    /// `getcpu`.
    pub getcpu: Option<usize>,
    /// `getrandom`.
    pub getrandom: Option<usize>,
}

/// Which calls use the vDSO in this process (see [`Symbols`]).
///
/// # References
/// `man 7 vdso`.
pub fn symbols() -> Symbols {
    let clock_gettime = CLOCK_GETTIME.address();
    Symbols {
        base: Some(BASE.load(Ordering::Relaxed)).filter(|&b| b != 0 && clock_gettime.is_some()),
        clock_gettime,
        clock_getres: CLOCK_GETRES.address(),
        gettimeofday: GETTIMEOFDAY.address(),
        time: TIME.address(),
        getcpu: GETCPU.address(),
        getrandom: GETRANDOM.address(),
    }
}

/// Whether `SYSRT_NO_VDSO` or [`disable`] turned the vDSO off.
pub fn is_disabled() -> bool {
    DISABLED.load(Ordering::SeqCst)
}

/// Looks every function up and fills the slots. Two threads (or a thread and a signal
/// handler) may both get here; each computes the same answer, so no lock is needed and no
/// one waits.
#[cold]
#[inline(never)]
fn resolve_all() {
    let found = find();
    let names = sysrt_arch::VDSO;
    let addr = |name: Option<&str>| -> Option<usize> {
        let (image, base) = found?;
        image.lookup(name?, names.version).map(|off| base + off)
    };
    let table = [
        addr(names.clock_gettime),
        addr(names.clock_getres),
        addr(names.gettimeofday),
        addr(names.time),
        addr(names.getcpu),
        addr(names.getrandom),
    ];
    if let Some((_, base)) = found {
        BASE.store(base, Ordering::Relaxed);
    }
    CLOCK_GETTIME.store(table[0]);
    CLOCK_GETRES.store(table[1]);
    GETTIMEOFDAY.store(table[2]);
    TIME.store(table[3]);
    GETCPU.store(table[4]);
    GETRANDOM.store(table[5]);
    // `disable` sets the flag and then clears; we store and then check the flag, all SeqCst:
    // either we see the flag here, or its clearing comes after our stores.
    if DISABLED.load(Ordering::SeqCst) {
        clear();
    }
}

/// The vDSO image and its address, if there is one to use.
fn find() -> Option<(Image<'static>, usize)> {
    if no_vdso_in_environment() {
        DISABLED.store(true, Ordering::SeqCst);
    }
    if DISABLED.load(Ordering::SeqCst) {
        return None;
    }
    let ehdr = auxv::getauxval(auxv::SYSINFO_EHDR).filter(|&a| a != 0)?;
    // SAFETY: `ehdr` is the kernel's AT_SYSINFO_EHDR (the auxv module reads the kernel's own
    // vector: the one the runtime recorded, or PR_GET_AUXV's or /proc/self/auxv's copy).
    let bytes = unsafe { image_at(ehdr)? };
    Some((Image::parse(bytes, sysrt_arch::VDSO.machine)?, ehdr))
}

/// Whether the environment sets `SYSRT_NO_VDSO` to a value that asks for the syscalls: the
/// environment sysrt's [`env`](crate::env) module holds (the runtime's, or std's), else, for a
/// program that has neither, the one it was started with (`/proc/self/environ`).
fn no_vdso_in_environment() -> bool {
    if env::has_initial() {
        env::getenv("SYSRT_NO_VDSO").is_some_and(no_vdso_value)
    } else {
        environ_disables()
    }
}

/// The vDSO image at `ehdr` as a byte slice: its first page, then as much as its program
/// headers say is mapped (at most [`MAX_IMAGE`]); `None` unless all of it is mapped.
///
/// # Safety
/// `ehdr` must be the address the kernel mapped the vDSO at; if it is still mapped there, it
/// stays mapped (read-only) for the life of the process.
unsafe fn image_at(ehdr: usize) -> Option<&'static [u8]> {
    if !ehdr.is_multiple_of(MIN_PAGE) || !is_mapped(ehdr, MIN_PAGE) {
        return None;
    }
    // SAFETY: the kernel maps the vDSO as whole pages starting at its header (see MIN_PAGE),
    // read-only for the life of the process; `is_mapped` saw that first page mapped.
    let head = unsafe { core::slice::from_raw_parts(ehdr as *const u8, MIN_PAGE) };
    let len = elf::mapped_extent(head)?;
    match len {
        0 => None,
        n if n <= MIN_PAGE => head.get(..n),
        n if n <= MAX_IMAGE && is_mapped(ehdr, n) => {
            // SAFETY: every page of the `n` bytes is mapped (checked just before), read-only
            // for the life of the process.
            Some(unsafe { core::slice::from_raw_parts(ehdr as *const u8, n) })
        }
        _ => None,
    }
}

/// Whether every page of `[addr, addr + len)` is mapped: `mincore` fails with `ENOMEM`
/// otherwise. An auxv read after start (PR_GET_AUXV, /proc/self/auxv) describes the process
/// as exec left it: a tool that runs the program inside itself (valgrind, whose callgrind run
/// of a std program crashed here) may have unmapped that vDSO since, and reading it would
/// fault. Asked once per lookup, before any byte is read.
fn is_mapped(addr: usize, len: usize) -> bool {
    // One byte per page; pages are at least MIN_PAGE bytes, so MAX_IMAGE / MIN_PAGE is room
    // for the largest range asked about.
    let mut pages = [0u8; MAX_IMAGE / MIN_PAGE];
    crate::mm::mincore(addr as *const c_void, len, &mut pages).is_ok()
}

/// Whether `/proc/self/environ` (the environment the process was started with) sets
/// `SYSRT_NO_VDSO`.
fn environ_disables() -> bool {
    let mut scan = env::EnvScan::new(b"SYSRT_NO_VDSO");
    let mut buf = [0u8; 512];
    let mut found = None;
    let _ = read_file(c"/proc/self/environ", &mut buf, |chunk| {
        found = scan.feed(chunk);
        found.is_none()
    });
    found
        .or_else(|| scan.finish())
        .is_some_and(scanned_disables)
}

/// [`no_vdso_value`] of a value the environment scan found: one longer than the head the
/// scan keeps is neither empty nor "0".
fn scanned_disables(v: env::ScannedValue) -> bool {
    v.len() > v.head().len() || no_vdso_value(v.head())
}

/// Reads the file at `path` into `buf` chunk by chunk, calling `more` with each chunk read
/// until it returns false or the file ends. Returns the length of the last chunk (the whole
/// file when it fits in `buf` and `more` always agrees).
fn read_file(
    path: &core::ffi::CStr,
    buf: &mut [u8],
    mut more: impl FnMut(&[u8]) -> bool,
) -> Option<usize> {
    let fd = fs::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()).ok()?;
    let mut filled = 0;
    loop {
        let free = buf.get_mut(filled..)?;
        if free.is_empty() {
            // The buffer is full: hand it over and start again.
            if !more(buf) {
                return Some(buf.len());
            }
            filled = 0;
            continue;
        }
        match crate::retry_on_intr(|| io::read(&fd, free)) {
            Ok(0) => {
                let last = buf.get(..filled)?;
                more(last);
                return Some(filled);
            }
            Ok(n) => filled += n,
            Err(_) => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;

    #[test]
    #[cfg_attr(
        miri,
        ignore = "real syscalls (mmap, mincore): Miri cannot run a trap instruction"
    )]
    fn image_at_an_unmapped_address_is_none_not_a_fault() {
        use crate::mm::{MapFlags, ProtFlags, mmap, munmap};
        let len = 4 * MIN_PAGE;
        // SAFETY: a fresh anonymous mapping, unmapped again before anything reads it.
        let addr = unsafe {
            let a = mmap(
                core::ptr::null_mut(),
                len,
                ProtFlags::READ,
                MapFlags::PRIVATE | MapFlags::ANONYMOUS,
                None,
                0,
            )
            .unwrap();
            munmap(a, len).unwrap();
            a as usize
        };
        assert!(!is_mapped(addr, MIN_PAGE));
        // SAFETY: `image_at` asks the kernel before it reads; nothing is mapped there.
        assert!(unsafe { image_at(addr) }.is_none());
        // A mapped page that is not an ELF image is refused too; a range whose second half
        // was unmapped is not "mapped".
        // SAFETY: a fresh anonymous read-only mapping of zeros, unmapped piece by piece.
        unsafe {
            let a = mmap(
                core::ptr::null_mut(),
                2 * len,
                ProtFlags::READ,
                MapFlags::PRIVATE | MapFlags::ANONYMOUS,
                None,
                0,
            )
            .unwrap();
            munmap(a.cast::<u8>().add(len).cast(), len).unwrap();
            assert!(is_mapped(a as usize, len));
            assert!(!is_mapped(a as usize, 2 * len));
            assert!(image_at(a as usize).is_none());
            munmap(a, len).unwrap();
        }
    }

    #[test]
    fn env_scan_verdict_across_chunk_boundaries() {
        let cases: [(&[u8], Option<bool>); 10] = [
            (b"A=1\0SYSRT_NO_VDSO=1\0B=2\0", Some(true)),
            (b"SYSRT_NO_VDSO=0\0", Some(false)),
            (b"SYSRT_NO_VDSO=\0", Some(false)),
            (b"SYSRT_NO_VDSO=yes\0", Some(true)),
            (b"SYSRT_NO_VDSO=00\0", Some(true)),
            (b"SYSRT_NO_VDSO=000000000\0", Some(true)),
            (
                b"XSYSRT_NO_VDSO=1\0SYSRT_NO_VDSOX=1\0SYSRT_NO_VDS=1\0",
                None,
            ),
            (b"SYSRT_NO_VDSO=0\0SYSRT_NO_VDSO=1\0", Some(false)),
            (b"SYSRT_NO_VDSO\0SYSRT_NO_VDSO=1", Some(true)),
            (b"", None),
        ];
        for (stream, want) in cases {
            for split in 0..=stream.len() {
                let mut s = env::EnvScan::new(b"SYSRT_NO_VDSO");
                let got = s
                    .feed(&stream[..split])
                    .or_else(|| s.feed(&stream[split..]))
                    .or_else(|| s.finish())
                    .map(scanned_disables);
                assert_eq!(
                    got,
                    want,
                    "{:?} split at {split}",
                    std::str::from_utf8(stream)
                );
            }
        }
    }

    /// The host's real vDSO: parsed, its calls found under the arch's version, the image
    /// copied and corrupted byte by byte without a panic.
    #[test]
    #[cfg_attr(
        miri,
        ignore = "real syscalls (reads this process's auxv and vDSO): Miri cannot run a trap instruction"
    )]
    fn the_real_vdso_parses_and_survives_corruption() {
        let Some(ehdr) = auxv::getauxval(auxv::SYSINFO_EHDR) else {
            std::eprintln!("no vDSO on this host: skipped");
            return;
        };
        // SAFETY: the kernel's AT_SYSINFO_EHDR (in this std test program: PR_GET_AUXV's or
        // /proc/self/auxv's copy).
        let bytes = unsafe { image_at(ehdr) }.expect("the vDSO's extent");
        let names = sysrt_arch::VDSO;
        let image = Image::parse(bytes, names.machine).expect("the vDSO parses");
        let cg = image.lookup(names.clock_gettime.unwrap(), names.version);
        assert!(cg.is_some_and(|o| o < bytes.len()));
        assert_eq!(
            image.lookup(names.clock_gettime.unwrap(), "LINUX_0.0"),
            None
        );
        // The slots resolve to the same address.
        assert_eq!(symbols().clock_gettime, cg.map(|o| ehdr + o));
        let all: std::vec::Vec<&str> = [
            names.clock_gettime,
            names.clock_getres,
            names.gettimeofday,
            names.time,
            names.getcpu,
            names.getrandom,
        ]
        .into_iter()
        .flatten()
        .collect();
        super::elf::tests_support::corrupt_everywhere(bytes, &all, names.version, names.machine);
    }
}
