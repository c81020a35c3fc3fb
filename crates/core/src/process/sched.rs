//! Scheduling: `sched_yield`, and CPU affinity with a fixed-size [`CpuSet`].

use core::fmt;

use crate::process::Pid;
use crate::{Errno, Result, Sysno, arch, arg};

/// `sched_yield()` — gives up the CPU to another runnable thread, if any. Never fails on
/// Linux.
///
/// # References
/// `man 2 sched_yield`. Go: `runtime.Gosched` does the Go-level counterpart.
#[inline(always)]
pub fn sched_yield() {
    // SAFETY: sched_yield takes no arguments and writes no memory; it always returns 0.
    unsafe {
        arch::syscall0_readonly(Sysno::sched_yield);
    }
}

/// The number of 64-bit words in a [`CpuSet`].
const WORDS: usize = CpuSet::MAX_CPUS / 64;

/// A set of CPUs for [`sched_setaffinity`]/[`sched_getaffinity`]: 1024 bits, CPU `n` is bit
/// `n`, the size of glibc's `cpu_set_t` and of Go's `unix.CPUSet`.
///
/// Fixed-size on purpose (no allocator): a machine whose kernel counts more than 1024 possible
/// CPUs (`nr_cpu_ids`) makes [`sched_getaffinity`] fail with `EINVAL`, because the kernel
/// refuses a mask shorter than its own.
///
/// Go: `unix.CPUSet` (x/sys/unix).
#[doc(alias = "cpu_set_t")]
#[doc(alias = "CPUSet")]
#[derive(Copy, Clone, Eq, PartialEq, Hash, Default)]
#[repr(transparent)]
pub struct CpuSet {
    bits: [u64; WORDS],
}

impl CpuSet {
    /// The number of CPUs a set can name: 1024 (glibc's `CPU_SETSIZE`).
    pub const MAX_CPUS: usize = 1024;

    /// The empty set (`CPU_ZERO`).
    #[inline]
    pub const fn new() -> CpuSet {
        CpuSet { bits: [0; WORDS] }
    }

    /// Adds `cpu` (`CPU_SET`); a number of [`MAX_CPUS`](Self::MAX_CPUS) or more is ignored, as
    /// Go's `CPUSet.Set` does.
    #[inline]
    pub fn set(&mut self, cpu: usize) {
        if let Some(w) = self.bits.get_mut(cpu / 64) {
            *w |= 1 << (cpu % 64);
        }
    }

    /// Removes `cpu` (`CPU_CLR`); out-of-range numbers are ignored.
    #[inline]
    pub fn clear(&mut self, cpu: usize) {
        if let Some(w) = self.bits.get_mut(cpu / 64) {
            *w &= !(1 << (cpu % 64));
        }
    }

    /// Whether `cpu` is in the set (`CPU_ISSET`); false for out-of-range numbers.
    #[inline]
    pub fn is_set(&self, cpu: usize) -> bool {
        self.bits
            .get(cpu / 64)
            .is_some_and(|w| w & (1 << (cpu % 64)) != 0)
    }

    /// How many CPUs are in the set (`CPU_COUNT`).
    #[inline]
    pub fn count(&self) -> usize {
        self.bits.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The CPUs in the set, in number order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        (0..Self::MAX_CPUS).filter(|&c| self.is_set(c))
    }
}

impl fmt::Debug for CpuSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// `sched_getaffinity(pid, sizeof(set), &set)` — the CPUs thread `pid` (`None`: the caller)
/// may run on.
///
/// The kernel writes only as many bytes as its own mask has (it returns that count); the
/// rest of the set stays empty.
///
/// # Errors
/// `ESRCH` (no such thread), `EINVAL` (the kernel's mask is larger than 1024 CPUs), `EPERM`
/// (not on some hardened systems).
///
/// # References
/// `man 2 sched_getaffinity`. Go: `unix.SchedGetaffinity` (x/sys/unix).
#[doc(alias = "SchedGetaffinity")]
#[inline]
pub fn sched_getaffinity(pid: Option<Pid>) -> Result<CpuSet> {
    let mut set = CpuSet::new();
    // SAFETY: `set.bits` is 128 bytes, live for the call; the kernel writes at most the length
    // passed (it writes min(len, its mask size) and returns the count).
    let ret = unsafe {
        arch::syscall3(
            Sysno::sched_getaffinity,
            arg::raw_fd(pid.map_or(0, Pid::raw)),
            core::mem::size_of_val(&set.bits),
            set.bits.as_mut_ptr() as usize,
        )
    };
    Errno::decode(ret).map(|_| set)
}

/// `sched_setaffinity(pid, sizeof(set), &set)` — restricts thread `pid` (`None`: the caller)
/// to the CPUs in `set`. CPUs that do not exist are ignored; at least one of the set must be
/// online and allowed (cgroup `cpuset`).
///
/// # Errors
/// `EINVAL` (no CPU of `set` is usable), `ESRCH` (no such thread), `EPERM` (another user's
/// thread without `CAP_SYS_NICE`).
///
/// # References
/// `man 2 sched_setaffinity`. Go: `unix.SchedSetaffinity` (x/sys/unix).
#[doc(alias = "SchedSetaffinity")]
#[inline]
pub fn sched_setaffinity(pid: Option<Pid>, set: &CpuSet) -> Result<()> {
    // SAFETY: `set.bits` is 128 bytes, live for the call; the kernel only reads that length.
    let ret = unsafe {
        arch::syscall3_readonly(
            Sysno::sched_setaffinity,
            arg::raw_fd(pid.map_or(0, Pid::raw)),
            core::mem::size_of_val(&set.bits),
            set.bits.as_ptr() as usize,
        )
    };
    Errno::decode(ret).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_set_ops_and_bounds() {
        let mut s = CpuSet::new();
        assert_eq!(core::mem::size_of::<CpuSet>(), 128);
        s.set(0);
        s.set(65);
        s.set(1023);
        s.set(1024); // ignored
        s.set(usize::MAX); // ignored
        assert_eq!(s.count(), 3);
        assert!(s.is_set(65) && s.is_set(1023) && !s.is_set(1024) && !s.is_set(usize::MAX));
        assert_eq!(s.bits[1], 2);
        s.clear(65);
        s.clear(5000);
        assert_eq!(s.count(), 2);
        let mut it = s.iter();
        assert_eq!(
            (it.next(), it.next(), it.next()),
            (Some(0), Some(1023), None)
        );
    }
}
