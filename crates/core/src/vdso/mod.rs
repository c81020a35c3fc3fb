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
//! Where the vDSO is found:
//! - in a program started by `sysrt-rt`, from the auxiliary vector (`AT_SYSINFO_EHDR`), which
//!   the runtime hands over at start with [`init_from_runtime`] (no syscall, and read only
//!   when first needed);
//! - anywhere else (sysrt inside a std program), on first use, from `prctl(PR_GET_AUXV)`
//!   (Linux 6.4 and later), else from `/proc/self/auxv`; where neither answers (an older
//!   kernel with no /proc mounted), the syscalls are used.
//!
//! `SYSRT_NO_VDSO=1` in the environment (any value but empty or `0`) makes every call use the
//! syscall, for tools such as valgrind that follow syscalls but not the vDSO: read from the
//! environment the process started with (the runtime's envp, or `/proc/self/environ` in a
//! program the runtime did not start) when the vDSO is first needed.
//! [`disable`] does the same from code.
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
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};

use linux_raw_sys::general::{__kernel_old_time_t, __kernel_old_timeval, __kernel_timespec};

pub use elf::{Image, gnu_hash, mapped_extent, sysv_hash};

use crate::fs::{self, Mode, OFlags};
use crate::{Errno, Sysno, arch, io};

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

/// The auxiliary vector and environment the runtime handed over at start (null: no runtime
/// did; discover on first use).
static RUNTIME_AUXV: AtomicPtr<usize> = AtomicPtr::new(core::ptr::null_mut());
static RUNTIME_ENVP: AtomicPtr<*const u8> = AtomicPtr::new(core::ptr::null_mut());
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

/// Tells sysrt where the kernel put a program's auxiliary vector and environment at start, so
/// that the vDSO (`AT_SYSINFO_EHDR`) and `SYSRT_NO_VDSO` are read from them on first use. Two
/// stores: no syscall, no memory read now, no code a program that never reads a clock needs.
///
/// `sysrt-rt` calls this before `main`; a program with a runtime of its own should call it
/// the same way, first thing. Without it, sysrt finds the vDSO itself on first use (see the
/// module documentation).
///
/// # References
/// `man 3 getauxval` (`AT_SYSINFO_EHDR`), `man 7 vdso`.
///
/// # Safety
/// `auxv` must point at the auxiliary vector the kernel placed on this process's initial
/// stack (key/value pairs up to `AT_NULL`) and `envp` at its NULL-terminated environment
/// array of NUL-terminated strings, both left in place and unchanged for the life of the
/// process (as the initial stack is).
pub unsafe fn init_from_runtime(auxv: *const usize, envp: *const *const u8) {
    RUNTIME_ENVP.store(envp.cast_mut(), Ordering::SeqCst);
    RUNTIME_AUXV.store(auxv.cast_mut(), Ordering::SeqCst);
}

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
    let auxv = RUNTIME_AUXV.load(Ordering::SeqCst);
    let ehdr = if auxv.is_null() {
        if environ_disables() {
            DISABLED.store(true, Ordering::SeqCst);
        }
        auxv_via_prctl().or_else(auxv_via_proc)
    } else {
        // SAFETY: the runtime promised (in `init_from_runtime`) that these are the kernel's
        // initial auxv and envp, in place for the life of the process.
        unsafe {
            if runtime_environ_disables(RUNTIME_ENVP.load(Ordering::SeqCst)) {
                DISABLED.store(true, Ordering::SeqCst);
            }
            runtime_auxv_ehdr(auxv)
        }
    };
    if DISABLED.load(Ordering::SeqCst) {
        return None;
    }
    // SAFETY: `ehdr` is the kernel's AT_SYSINFO_EHDR: from the initial auxv the runtime
    // handed over, or from the kernel itself (prctl or /proc/self/auxv).
    let bytes = unsafe { image_at(ehdr?)? };
    Some((Image::parse(bytes, sysrt_arch::VDSO.machine)?, ehdr?))
}

/// `AT_SYSINFO_EHDR` from the kernel's auxiliary vector at `auxv`.
///
/// # Safety
/// `auxv` points at the kernel's auxiliary vector (pairs up to `AT_NULL`).
unsafe fn runtime_auxv_ehdr(mut auxv: *const usize) -> Option<usize> {
    use linux_raw_sys::auxvec::{AT_NULL, AT_SYSINFO_EHDR};
    loop {
        // SAFETY: the caller's contract: we stop at AT_NULL, never reading past it.
        let (key, value) = unsafe { (*auxv, *auxv.add(1)) };
        match key {
            k if k == AT_NULL as usize => return None,
            k if k == AT_SYSINFO_EHDR as usize => return Some(value).filter(|&v| v != 0),
            // SAFETY: not AT_NULL yet, so another pair follows.
            _ => auxv = unsafe { auxv.add(2) },
        }
    }
}

/// Whether the first `SYSRT_NO_VDSO` entry of the environment array `envp` asks for the
/// syscalls (the first of duplicated names wins, as everywhere in sysrt).
///
/// # Safety
/// `envp` is null or points at a NULL-terminated array of NUL-terminated strings.
unsafe fn runtime_environ_disables(mut envp: *const *const u8) -> bool {
    const PREFIX: &[u8] = b"SYSRT_NO_VDSO=";
    if envp.is_null() {
        return false;
    }
    loop {
        // SAFETY: the caller's contract: we stop at the NULL entry.
        let entry = unsafe { *envp };
        if entry.is_null() {
            return false;
        }
        // SAFETY: each entry is a NUL-terminated string.
        let bytes = unsafe { core::ffi::CStr::from_ptr(entry.cast()) }.to_bytes();
        if let Some(value) = bytes.strip_prefix(PREFIX) {
            return no_vdso_value(value);
        }
        // SAFETY: not the NULL entry yet, so another follows.
        envp = unsafe { envp.add(1) };
    }
}

/// The vDSO image at `ehdr` as a byte slice: its first page, then as much as its program
/// headers say is mapped (at most [`MAX_IMAGE`]).
///
/// # Safety
/// `ehdr` must be the address the kernel mapped the vDSO at, which stays mapped.
unsafe fn image_at(ehdr: usize) -> Option<&'static [u8]> {
    if !ehdr.is_multiple_of(MIN_PAGE) {
        return None;
    }
    // SAFETY: the kernel maps the vDSO as whole pages starting at its header (see MIN_PAGE),
    // read-only for the life of the process.
    let head = unsafe { core::slice::from_raw_parts(ehdr as *const u8, MIN_PAGE) };
    let len = elf::mapped_extent(head)?;
    match len {
        0 => None,
        n if n <= MIN_PAGE => head.get(..n),
        // SAFETY: the kernel maps the whole image, and its program headers say how long it is.
        n if n <= MAX_IMAGE => Some(unsafe { core::slice::from_raw_parts(ehdr as *const u8, n) }),
        _ => None,
    }
}

/// `AT_SYSINFO_EHDR` from `prctl(PR_GET_AUXV)` (Linux 6.4 and later; `EINVAL` before).
fn auxv_via_prctl() -> Option<usize> {
    let mut auxv = [0usize; 128];
    // SAFETY: PR_GET_AUXV copies at most `size_of_val(&auxv)` bytes into `auxv`, which lives
    // across the call; the two trailing arguments must be 0.
    let ret = unsafe {
        arch::syscall5(
            Sysno::prctl,
            linux_raw_sys::prctl::PR_GET_AUXV as usize,
            auxv.as_mut_ptr() as usize,
            size_of_val(&auxv),
            0,
            0,
        )
    };
    let len = Errno::decode(ret).ok()?.min(size_of_val(&auxv));
    auxv_lookup(auxv.get(..len / size_of::<usize>())?)
}

/// `AT_SYSINFO_EHDR` from `/proc/self/auxv`.
fn auxv_via_proc() -> Option<usize> {
    let mut auxv = [0usize; 128];
    // SAFETY: any byte pattern is a valid `[usize]`; the view ends with `auxv`'s borrow.
    let bytes = unsafe {
        core::slice::from_raw_parts_mut(auxv.as_mut_ptr().cast::<u8>(), size_of_val(&auxv))
    };
    // A full buffer ends the read: AT_SYSINFO_EHDR comes early, in the first 1 KiB.
    let len = read_file(c"/proc/self/auxv", bytes, |_| false)?;
    auxv_lookup(auxv.get(..len / size_of::<usize>())?)
}

/// The `AT_SYSINFO_EHDR` value of an auxiliary vector (key, value pairs up to `AT_NULL`).
fn auxv_lookup(words: &[usize]) -> Option<usize> {
    use linux_raw_sys::auxvec::{AT_NULL, AT_SYSINFO_EHDR};
    words
        .chunks_exact(2)
        .map(|kv| (kv[0], kv[1]))
        .take_while(|&(k, _)| k != AT_NULL as usize)
        .find(|&(k, _)| k == AT_SYSINFO_EHDR as usize)
        .map(|(_, v)| v)
        .filter(|&v| v != 0)
}

/// Whether `/proc/self/environ` (the environment the process was started with) sets
/// `SYSRT_NO_VDSO`.
fn environ_disables() -> bool {
    let mut scan = EnvScan::new(b"SYSRT_NO_VDSO");
    let mut buf = [0u8; 512];
    let mut verdict = None;
    let _ = read_file(c"/proc/self/environ", &mut buf, |chunk| {
        verdict = scan.feed(chunk);
        verdict.is_none()
    });
    verdict.or_else(|| scan.finish()).is_some_and(|v| v)
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

/// Finds the first environment entry named `name` in a NUL-separated stream fed in chunks,
/// and tells whether its value asks for the syscalls ([`no_vdso_value`]).
struct EnvScan {
    name: &'static [u8],
    state: ScanState,
}

#[derive(Copy, Clone)]
enum ScanState {
    /// `n` bytes of the current entry matched `name=`.
    Matching(usize),
    /// The current entry is not ours: skip to its NUL.
    Skipping,
    /// In our entry's value: its length so far (up to 2) and its first byte.
    Value(usize, u8),
}

impl EnvScan {
    fn new(name: &'static [u8]) -> EnvScan {
        EnvScan {
            name,
            state: ScanState::Matching(0),
        }
    }

    /// Feeds the next bytes; `Some(verdict)` once our entry has ended.
    fn feed(&mut self, chunk: &[u8]) -> Option<bool> {
        for &b in chunk {
            self.state = match self.state {
                ScanState::Matching(n) if n == self.name.len() && b == b'=' => {
                    ScanState::Value(0, 0)
                }
                ScanState::Matching(n) if self.name.get(n) == Some(&b) => {
                    ScanState::Matching(n + 1)
                }
                ScanState::Matching(_) | ScanState::Skipping if b == 0 => ScanState::Matching(0),
                ScanState::Matching(_) | ScanState::Skipping => ScanState::Skipping,
                ScanState::Value(len, first) if b == 0 => {
                    return Some(match len {
                        0 => false,
                        1 => no_vdso_value(&[first]),
                        _ => true,
                    });
                }
                ScanState::Value(0, _) => ScanState::Value(1, b),
                ScanState::Value(_, first) => ScanState::Value(2, first),
            };
        }
        None
    }

    /// The verdict at the end of the stream (an entry cut off by the end counts as ended).
    fn finish(&mut self) -> Option<bool> {
        match self.state {
            ScanState::Value(..) => self.feed(&[0]),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;

    #[test]
    fn env_scan_finds_the_first_entry_across_chunk_boundaries() {
        let cases: [(&[u8], Option<bool>); 9] = [
            (b"A=1\0SYSRT_NO_VDSO=1\0B=2\0", Some(true)),
            (b"SYSRT_NO_VDSO=0\0", Some(false)),
            (b"SYSRT_NO_VDSO=\0", Some(false)),
            (b"SYSRT_NO_VDSO=yes\0", Some(true)),
            (b"SYSRT_NO_VDSO=00\0", Some(true)),
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
                let mut s = EnvScan::new(b"SYSRT_NO_VDSO");
                let got = s
                    .feed(&stream[..split])
                    .or_else(|| s.feed(&stream[split..]))
                    .or_else(|| s.finish());
                assert_eq!(
                    got,
                    want,
                    "{:?} split at {split}",
                    std::str::from_utf8(stream)
                );
            }
        }
    }

    #[test]
    fn auxv_lookup_stops_at_at_null() {
        use linux_raw_sys::auxvec::{AT_NULL, AT_PAGESZ, AT_SYSINFO_EHDR};
        let ehdr = AT_SYSINFO_EHDR as usize;
        assert_eq!(
            auxv_lookup(&[AT_PAGESZ as usize, 4096, ehdr, 0x7000, 0, 0]),
            Some(0x7000)
        );
        assert_eq!(auxv_lookup(&[AT_NULL as usize, 0, ehdr, 0x7000]), None);
        assert_eq!(auxv_lookup(&[ehdr, 0]), None);
        assert_eq!(auxv_lookup(&[ehdr]), None);
        assert_eq!(auxv_lookup(&[]), None);
    }

    /// The two std-program sources agree with each other and with what std reads itself.
    #[test]
    fn prctl_and_proc_give_the_same_vdso() {
        let proc = auxv_via_proc();
        let prctl = auxv_via_prctl();
        let bytes = std::fs::read("/proc/self/auxv").unwrap();
        let words: std::vec::Vec<usize> = bytes
            .chunks_exact(8)
            .map(|c| usize::from_ne_bytes(c.try_into().unwrap()))
            .collect();
        let expected = auxv_lookup(&words);
        assert_eq!(proc, expected);
        // PR_GET_AUXV is Linux 6.4+; an older kernel gives None.
        assert!(prctl.is_none() || prctl == expected);
    }

    /// The host's real vDSO: parsed, its calls found under the arch's version, the image
    /// copied and corrupted byte by byte without a panic.
    #[test]
    fn the_real_vdso_parses_and_survives_corruption() {
        let Some(ehdr) = auxv_via_proc() else {
            std::eprintln!("no vDSO on this host: skipped");
            return;
        };
        // SAFETY: the kernel's AT_SYSINFO_EHDR, read from /proc/self/auxv.
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
