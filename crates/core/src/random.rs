//! Random bytes from the kernel's random number generator: `getrandom`, through the vDSO
//! where the kernel has it there (Linux 6.11 on x86_64), else the syscall.
//!
//! The vDSO's `getrandom` keeps its generator state in memory of the caller's, which must be
//! mapped as the kernel says (`struct vgetrandom_opaque_params`: a size, protection and
//! mapping flags, today `MAP_DROPPABLE`, which the kernel may zero under memory pressure and
//! zeroes in a forked child; the vDSO notices and reseeds) and must never be used by two
//! callers at once. sysrt maps one small pool of such states on the first call and gives each
//! call a free state from it with one atomic compare-and-swap, returning it after: each
//! running caller (thread, or signal handler interrupting one) has a state of its own, without
//! thread-local storage. When every state is taken, or the pool could not be mapped, the call
//! goes to the syscall.
//!
//! # References
//! `man 2 getrandom`; the kernel's `lib/vdso/getrandom.c` and
//! `tools/testing/selftests/vDSO/vdso_test_getrandom.c`.

use core::ffi::c_void;
use core::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering};

use bitflags::bitflags;
use linux_raw_sys::general as g;

use crate::vdso::{self, GetrandomFn};
use crate::{Errno, Result, Sysno, arch};

bitflags! {
    /// Flags of [`getrandom`].
    #[derive(Copy, Clone, Debug, Eq, PartialEq, Hash, Default)]
    pub struct GetRandomFlags: u32 {
        /// `GRND_NONBLOCK`: `EAGAIN` rather than waiting while the generator is not yet
        /// seeded (only early in boot).
        #[doc(alias = "GRND_NONBLOCK")]
        const NONBLOCK = g::GRND_NONBLOCK;
        /// `GRND_RANDOM`: historically the blocking `/dev/random` pool (at most 512 bytes
        /// a call); since Linux 5.6 the same generator as without it.
        #[doc(alias = "GRND_RANDOM")]
        const RANDOM = g::GRND_RANDOM;
        /// `GRND_INSECURE`: never wait, even before the generator is seeded (Linux 5.6).
        #[doc(alias = "GRND_INSECURE")]
        const INSECURE = g::GRND_INSECURE;
    }
}

/// `getrandom(buf, flags)` — fills `buf` with random bytes; returns how many were written.
///
/// Through the vDSO where the kernel has it, else the syscall; the bytes are the kernel
/// generator's either way. A short count is possible: more than 256 bytes may be cut short
/// by a signal handler, more than about 2 GiB always is, and `RANDOM` gave at most 512 before
/// Linux 5.6. [`fill`] loops until the buffer is full.
///
/// Flags the vDSO would not reject as the syscall does (`RANDOM` with `INSECURE`, an unknown
/// bit) go to the syscall, so both paths give the same errors.
///
/// # Errors
/// `EAGAIN` (`NONBLOCK` before the generator is seeded); `EINTR` (a signal handler ran before
/// anything was written, while waiting for the seeding); `EINVAL` (an unknown flag, or
/// `RANDOM` with `INSECURE`).
///
/// # References
/// `man 2 getrandom`. Go: `unix.Getrandom` (x/sys/unix).
#[doc(alias = "Getrandom")]
#[inline]
pub fn getrandom(buf: &mut [u8], flags: GetRandomFlags) -> Result<usize> {
    if flags.bits() & !GetRandomFlags::all().bits() == 0
        && !flags.contains(GetRandomFlags::RANDOM | GetRandomFlags::INSECURE)
        && let Some(f) = vdso::GETRANDOM.get()
        && let Some(state) = pool::acquire(f)
    {
        // `buf` is valid for `len` bytes of writes, which is all the vDSO writes to it;
        // `state` is a pool state of the size and mapping the vDSO asked for.
        // SAFETY: as just said; this call alone uses `state` until it is released below.
        let ret = unsafe {
            f(
                buf.as_mut_ptr().cast::<c_void>(),
                buf.len(),
                flags.bits(),
                state.addr as *mut c_void,
                state.size,
            )
        };
        pool::release(state);
        return Errno::decode(ret as usize);
    }
    getrandom_syscall(buf, flags)
}

/// `getrandom(buf, flags)` as the syscall, never the vDSO: the same bytes and errors as
/// [`getrandom`].
///
/// # Errors
/// As [`getrandom`].
///
/// # References
/// `man 2 getrandom`.
#[inline]
pub fn getrandom_syscall(buf: &mut [u8], flags: GetRandomFlags) -> Result<usize> {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`, which lives across the
    // call.
    Errno::decode(unsafe {
        arch::syscall3(
            Sysno::getrandom,
            buf.as_mut_ptr() as usize,
            buf.len(),
            flags.bits() as usize,
        )
    })
}

/// Fills all of `buf` with random bytes ([`getrandom`] with no flags, looping over short
/// counts and `EINTR`).
///
/// # Errors
/// As [`getrandom`], except `EINTR`; `EIO` if the kernel returned 0 for a non-empty buffer.
pub fn fill(mut buf: &mut [u8]) -> Result<()> {
    while !buf.is_empty() {
        match getrandom(buf, GetRandomFlags::empty()) {
            Ok(0) => return Err(Errno::EIO),
            Ok(n) => buf = buf.get_mut(n..).unwrap_or_default(),
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The pool of vDSO `getrandom` states.
mod pool {
    use super::*;

    /// States are laid out in 4096-byte blocks, none crossing a block's end: since every page
    /// size is a multiple of 4096, none then crosses a page, as the vDSO requires (it answers
    /// `EFAULT` for a state that does).
    const BLOCK: usize = 4096;
    /// At most this many states (one bit each in `FREE`): one per concurrent caller.
    const MAX_STATES: usize = 64;

    const UNINIT: u8 = 0;
    const BUSY: u8 = 1;
    const READY: u8 = 2;
    const UNAVAILABLE: u8 = 3;

    static STATUS: AtomicU8 = AtomicU8::new(UNINIT);
    static BASE: AtomicUsize = AtomicUsize::new(0);
    static SIZE: AtomicUsize = AtomicUsize::new(0);
    /// Bit `i` set: state `i` is free.
    static FREE: AtomicU64 = AtomicU64::new(0);

    /// A state taken from the pool.
    pub(super) struct State {
        pub(super) addr: usize,
        pub(super) size: usize,
        bit: u64,
    }

    /// A free state, or `None` (every state taken, or no pool): then use the syscall.
    #[inline(always)]
    pub(super) fn acquire(f: GetrandomFn) -> Option<State> {
        match STATUS.load(Ordering::Acquire) {
            READY => {}
            UNINIT => {
                if !init(f) {
                    return None;
                }
            }
            _ => return None,
        }
        let mut free = FREE.load(Ordering::Relaxed);
        loop {
            if free == 0 {
                return None;
            }
            let bit = free & free.wrapping_neg();
            match FREE.compare_exchange_weak(
                free,
                free & !bit,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => break Some(state(bit)),
                Err(now) => free = now,
            }
        }
    }

    /// Gives `s` back to the pool.
    #[inline(always)]
    pub(super) fn release(s: State) {
        FREE.fetch_or(s.bit, Ordering::Release);
    }

    fn state(bit: u64) -> State {
        let size = SIZE.load(Ordering::Relaxed);
        let i = bit.trailing_zeros() as usize;
        let per_block = BLOCK / size;
        State {
            addr: BASE.load(Ordering::Relaxed) + (i / per_block) * BLOCK + (i % per_block) * size,
            size,
            bit,
        }
    }

    /// Maps the pool, once. A caller that finds another one mapping it (a thread, or the
    /// call a signal handler interrupted) uses the syscall this time rather than wait.
    #[cold]
    #[inline(never)]
    fn init(f: GetrandomFn) -> bool {
        if STATUS
            .compare_exchange(UNINIT, BUSY, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            return STATUS.load(Ordering::Acquire) == READY;
        }
        let ready = map(f);
        STATUS.store(if ready { READY } else { UNAVAILABLE }, Ordering::Release);
        ready
    }

    fn map(f: GetrandomFn) -> bool {
        // SAFETY: all-zero is a valid `vgetrandom_opaque_params` (plain integers).
        let mut params: g::vgetrandom_opaque_params = unsafe { core::mem::zeroed() };
        // With a null buffer, zero length and flags, and `usize::MAX` as the state length,
        // the vDSO writes one `vgetrandom_opaque_params` there and returns 0.
        // SAFETY: so (lib/vdso/getrandom.c); `params` lives across the call.
        let ret = unsafe {
            f(
                core::ptr::null_mut(),
                0,
                0,
                (&raw mut params).cast::<c_void>(),
                usize::MAX,
            )
        };
        let size = params.size_of_opaque_state as usize;
        if ret != 0 || size == 0 || size > BLOCK {
            return false;
        }
        let per_block = BLOCK / size;
        let count = MAX_STATES.min(per_block * 16);
        let len = count.div_ceil(per_block) * BLOCK;
        // SAFETY: an anonymous mapping at an address of the kernel's choosing, with the
        // protection and flags the vDSO asked for: it replaces no memory of ours.
        let ret = unsafe {
            arch::syscall6(
                Sysno::mmap,
                0,
                len,
                params.mmap_prot as usize,
                params.mmap_flags as usize,
                usize::MAX, // fd -1
                0,
            )
        };
        let Ok(base) = Errno::decode(ret) else {
            return false;
        };
        BASE.store(base, Ordering::Relaxed);
        SIZE.store(size, Ordering::Relaxed);
        let all = if count == 64 {
            u64::MAX
        } else {
            (1u64 << count) - 1
        };
        FREE.store(all, Ordering::Release);
        true
    }

    #[cfg(test)]
    pub(super) fn status() -> u8 {
        STATUS.load(Ordering::Acquire)
    }

    #[cfg(test)]
    pub(super) const READY_FOR_TESTS: u8 = READY;
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;

    #[test]
    #[cfg_attr(
        miri,
        ignore = "real syscalls (getrandom): Miri cannot run a trap instruction"
    )]
    fn both_paths_fill_and_differ() {
        let mut a = [0u8; 64];
        let mut b = [0u8; 64];
        assert_eq!(getrandom(&mut a, GetRandomFlags::empty()), Ok(64));
        assert_eq!(getrandom_syscall(&mut b, GetRandomFlags::empty()), Ok(64));
        assert_ne!(a, b);
        assert_ne!(a, [0; 64]);
        assert_eq!(
            getrandom(&mut a, GetRandomFlags::RANDOM | GetRandomFlags::INSECURE),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            getrandom(&mut a, GetRandomFlags::from_bits_retain(0x80)),
            Err(Errno::EINVAL)
        );
        if vdso::symbols().getrandom.is_some() {
            assert_eq!(pool::status(), pool::READY_FOR_TESTS);
        }
    }

    /// More concurrent callers than states: the extra ones take the syscall; all succeed.
    #[test]
    #[cfg_attr(
        miri,
        ignore = "real syscalls (getrandom): Miri cannot run a trap instruction"
    )]
    fn many_threads_share_the_pool() {
        let threads: std::vec::Vec<_> = (0..80)
            .map(|_| {
                std::thread::spawn(|| {
                    let mut buf = [0u8; 32];
                    for _ in 0..2000 {
                        assert_eq!(getrandom(&mut buf, GetRandomFlags::empty()), Ok(32));
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "real syscalls (getrandom): Miri cannot run a trap instruction"
    )]
    fn fill_fills_a_large_buffer() {
        let mut buf = std::vec![0u8; 1 << 20];
        assert_eq!(fill(&mut buf), Ok(()));
        let zeros = buf.iter().filter(|&&b| b == 0).count();
        // About 4096 expected; far off means bytes were not written.
        assert!(zeros < 8192, "{zeros}");
    }
}
