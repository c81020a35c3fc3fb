//! `getcpu`: which CPU and NUMA node the calling thread is running on.

use core::ffi::c_uint;

use crate::vdso::{self, GetcpuFn};
use crate::{Errno, Result, Sysno, arch};

/// `getcpu()` — `(cpu, node)`: the CPU the calling thread is running on and its NUMA node.
///
/// The answer can be stale as soon as it is returned: the scheduler may move the thread at any
/// time (it is always a CPU of the thread's affinity mask, though). Through the vDSO where it
/// has the call (x86_64 reads it without entering the kernel), else the syscall.
///
/// # Errors
/// None in practice (`EFAULT` cannot occur: the buffers are ours).
///
/// # References
/// `man 2 getcpu`.
#[inline]
pub fn getcpu() -> Result<(u32, u32)> {
    getcpu_via(vdso::GETCPU.get())
}

#[inline(always)]
pub(crate) fn getcpu_via(f: Option<GetcpuFn>) -> Result<(u32, u32)> {
    let (mut cpu, mut node): (c_uint, c_uint) = (0, 0);
    let ret = match f {
        // SAFETY: the vDSO's getcpu writes one unsigned int to each of `cpu` and `node`, which
        // live across the call; its third argument is unused and may be null.
        Some(f) => (unsafe { f(&mut cpu, &mut node, core::ptr::null_mut()) }) as usize,
        // SAFETY: the syscall writes one unsigned int to each of `cpu` and `node`; the third
        // argument (a cache, unused since Linux 2.6.24) is null.
        None => unsafe {
            arch::syscall3(
                Sysno::getcpu,
                &raw mut cpu as usize,
                &raw mut node as usize,
                0,
            )
        },
    };
    Errno::decode(ret)?;
    Ok((cpu, node))
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;

    #[test]
    #[cfg_attr(
        miri,
        ignore = "real syscalls (getcpu, through the vDSO and the syscall): Miri cannot run a trap instruction"
    )]
    fn vdso_and_syscall_both_answer() {
        let (cpu, node) = getcpu().unwrap();
        let (cpu2, node2) = getcpu_via(None).unwrap();
        let n = std::thread::available_parallelism().map_or(1024, |n| n.get()) as u32;
        assert!(cpu < 4096 && cpu2 < 4096, "{cpu} {cpu2} of {n}");
        assert!(node < 1024 && node2 < 1024);
    }
}
