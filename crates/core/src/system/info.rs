//! What the system says about itself: `uname`, `sysinfo`, and how many CPUs this thread may
//! use.

use core::ffi::{CStr, c_char};
use core::fmt;
use core::mem::MaybeUninit;

use linux_raw_sys::system as s;

use crate::{Errno, Result, Sysno, arch};

/// The system's names, as `uname` reports them (`struct new_utsname`): each field a
/// NUL-terminated string of at most 64 bytes.
///
/// Go: `syscall.Utsname` (whose fields are raw `[65]int8` arrays; here they are `&CStr`).
#[doc(alias = "new_utsname")]
#[derive(Copy, Clone)]
pub struct Utsname {
    raw: s::new_utsname,
}

/// A `char[65]` field as a `&CStr`: up to its first NUL, which [`uname`] guarantees.
fn field(f: &[c_char; 65]) -> &CStr {
    // SAFETY: `c_char` is `i8` or `u8`, the same size and alignment as `u8`, and every value
    // of either is a valid `u8`; the view covers exactly the array.
    let bytes = unsafe { core::slice::from_raw_parts(f.as_ptr().cast::<u8>(), f.len()) };
    CStr::from_bytes_until_nul(bytes).unwrap_or_default()
}

impl Utsname {
    /// The operating system's name: `Linux`.
    pub fn sysname(&self) -> &CStr {
        field(&self.raw.sysname)
    }

    /// The host name (of this UTS namespace), as `sethostname` set it.
    pub fn nodename(&self) -> &CStr {
        field(&self.raw.nodename)
    }

    /// The kernel release, as `/proc/sys/kernel/osrelease` (`6.18.1-…`).
    pub fn release(&self) -> &CStr {
        field(&self.raw.release)
    }

    /// The kernel version, as `/proc/sys/kernel/version` (`#1 SMP PREEMPT_DYNAMIC …`).
    pub fn version(&self) -> &CStr {
        field(&self.raw.version)
    }

    /// The machine (`x86_64`, `aarch64`, `riscv64`).
    pub fn machine(&self) -> &CStr {
        field(&self.raw.machine)
    }

    /// The NIS domain name (of this UTS namespace), as `setdomainname` set it (`(none)`
    /// when unset).
    pub fn domainname(&self) -> &CStr {
        field(&self.raw.domainname)
    }
}

impl fmt::Debug for Utsname {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Utsname")
            .field("sysname", &self.sysname())
            .field("nodename", &self.nodename())
            .field("release", &self.release())
            .field("version", &self.version())
            .field("machine", &self.machine())
            .field("domainname", &self.domainname())
            .finish()
    }
}

/// `uname()` — the system's names: kernel, host, release, version, machine, domain.
///
/// # Errors
/// None from the kernel in practice (`EFAULT` cannot happen with this buffer); a seccomp
/// filter may return anything.
///
/// # References
/// `man 2 uname`. Go: `syscall.Uname`.
#[doc(alias = "Uname")]
#[inline]
pub fn uname() -> Result<Utsname> {
    let mut raw = MaybeUninit::<s::new_utsname>::zeroed();
    // SAFETY: the kernel writes one `struct new_utsname` into `raw`, which is exactly that
    // size and outlives the call.
    Errno::decode(unsafe { arch::syscall1(Sysno::uname, raw.as_mut_ptr() as usize) })?;
    // SAFETY: zeroed, then filled by the kernel: every byte is initialised, and arrays of
    // `c_char` have no invalid values.
    let mut raw = unsafe { raw.assume_init() };
    // The kernel NUL-terminates every field; make it a fact the `&CStr` views can rely on
    // whatever a filter or emulator did.
    for f in [
        &mut raw.sysname,
        &mut raw.nodename,
        &mut raw.release,
        &mut raw.version,
        &mut raw.machine,
        &mut raw.domainname,
    ] {
        f[64] = 0;
    }
    Ok(Utsname { raw })
}

/// The system's state as `sysinfo` reports it, with every memory amount in bytes (the
/// kernel's counts multiplied by its `mem_unit`, saturating).
///
/// Go: `syscall.Sysinfo_t` (whose amounts are in units of `Unit`).
#[doc(alias = "Sysinfo_t")]
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Sysinfo {
    /// Seconds since boot (rounded up; includes time suspended).
    pub uptime: i64,
    /// The 1, 5 and 15 minute load averages, fixed-point with 16 fractional bits (divide by
    /// 65536, or see [`Sysinfo::load_average`]).
    pub loads: [u64; 3],
    /// Usable RAM, bytes.
    pub totalram: u64,
    /// Free RAM, bytes.
    pub freeram: u64,
    /// Shared memory, bytes.
    pub sharedram: u64,
    /// Memory used by buffers, bytes.
    pub bufferram: u64,
    /// Total swap, bytes.
    pub totalswap: u64,
    /// Free swap, bytes.
    pub freeswap: u64,
    /// Number of threads (the kernel's `nr_threads`, truncated to 16 bits).
    pub procs: u16,
    /// Total high memory, bytes (0 on 64-bit arches).
    pub totalhigh: u64,
    /// Free high memory, bytes.
    pub freehigh: u64,
    /// The unit the kernel counted in, in bytes (already applied to the fields above).
    pub mem_unit: u32,
}

impl Sysinfo {
    /// The load averages as numbers (`loads / 65536`).
    pub fn load_average(&self) -> [f64; 3] {
        let scale = f64::from(1u32 << s::SI_LOAD_SHIFT);
        self.loads.map(|l| l as f64 / scale)
    }
}

/// `sysinfo()` — uptime, load, memory and swap totals, thread count.
///
/// # Errors
/// None from the kernel in practice (`EFAULT` cannot happen with this buffer).
///
/// # References
/// `man 2 sysinfo`. Go: `syscall.Sysinfo`.
#[doc(alias = "Sysinfo")]
#[inline]
pub fn sysinfo() -> Result<Sysinfo> {
    let mut raw = MaybeUninit::<s::sysinfo>::zeroed();
    // SAFETY: the kernel writes one `struct sysinfo` into `raw`, which is exactly that size and
    // outlives the call.
    Errno::decode(unsafe { arch::syscall1(Sysno::sysinfo, raw.as_mut_ptr() as usize) })?;
    // SAFETY: zeroed, then filled by the kernel: every field is an integer, all initialised.
    let raw = unsafe { raw.assume_init() };
    let unit = u64::from(raw.mem_unit.max(1));
    // `unsigned long` and `long` are 64 bits on every arch sysrt supports.
    let bytes = |n: u64| n.saturating_mul(unit);
    Ok(Sysinfo {
        uptime: raw.uptime,
        loads: raw.loads,
        totalram: bytes(raw.totalram),
        freeram: bytes(raw.freeram),
        sharedram: bytes(raw.sharedram),
        bufferram: bytes(raw.bufferram),
        totalswap: bytes(raw.totalswap),
        freeswap: bytes(raw.freeswap),
        procs: raw.procs,
        totalhigh: bytes(raw.totalhigh),
        freehigh: bytes(raw.freehigh),
        mem_unit: raw.mem_unit,
    })
}

/// How many CPUs the calling thread may run on: the size of its `sched_getaffinity` mask
/// (what Go's `runtime.NumCPU` and Rust's `available_parallelism` start from). Cgroup CPU
/// quotas are not counted.
///
/// Asks `sched_getaffinity` with a mask of 8192 CPUs, the largest `NR_CPUS` of any arch sysrt
/// supports, so it never fails for a mask too short. ([`crate::process::sched_getaffinity`]'s
/// [`CpuSet`](crate::process::CpuSet) holds 1024, glibc's `cpu_set_t`: on a kernel built for
/// more CPUs it gets `EINVAL`, so this one call does not go through it.)
///
/// # Errors
/// `EINVAL` (a kernel configured for more than 8192 CPUs), `EPERM` (some sandboxes).
///
/// # References
/// `man 2 sched_getaffinity`, `man 3 CPU_COUNT`.
#[doc(alias = "NumCPU")]
#[doc(alias = "nproc")]
#[inline]
pub fn cpu_count() -> Result<usize> {
    let mut mask = [0u64; 8192 / 64];
    // SAFETY: the kernel writes at most `size_of_val(&mask)` bytes into `mask`, which outlives
    // the call, and returns how many it wrote.
    let n = Errno::decode(unsafe {
        arch::syscall3(
            Sysno::sched_getaffinity,
            0, // the calling thread
            core::mem::size_of_val(&mask),
            mask.as_mut_ptr() as usize,
        )
    })?;
    let words = mask.get(..n / 8).unwrap_or(&mask);
    Ok(words.iter().map(|w| w.count_ones() as usize).sum())
}
