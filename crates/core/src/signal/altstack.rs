//! The alternate signal stack: `sigaltstack`.

use bitflags::bitflags;
use linux_raw_sys::general::{self as g, stack_t};

use crate::{Errno, Result, Sysno, arch};

bitflags! {
    /// `ss_flags` of a [`SigStack`].
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct SigStackFlags: u32 {
        /// `SS_ONSTACK` (reported only): the thread is running on the alternate stack now.
        #[doc(alias = "SS_ONSTACK")]
        const ONSTACK = g::SS_ONSTACK;
        /// `SS_DISABLE`: there is no alternate stack (reported), or remove it (requested).
        #[doc(alias = "SS_DISABLE")]
        const DISABLE = g::SS_DISABLE;
        /// `SS_AUTODISARM`: the alternate stack is disarmed while a handler runs on it, so a
        /// handler that switches context away does not leave it marked in use (Linux 4.7).
        #[doc(alias = "SS_AUTODISARM")]
        const AUTODISARM = g::SS_AUTODISARM;
    }
}

/// An alternate signal stack: `stack_t` — base address, size and flags.
///
/// # References
/// `man 2 sigaltstack`.
#[derive(Copy, Clone, Eq, PartialEq, Debug)]
pub struct SigStack {
    /// `ss_sp`: the lowest address of the stack.
    pub sp: *mut u8,
    /// `ss_size`: its size in bytes.
    pub size: usize,
    /// `ss_flags`.
    pub flags: SigStackFlags,
}

impl SigStack {
    /// `MINSIGSTKSZ` for this arch (the kernel's static minimum; a machine with large vector
    /// registers may need more, as `AT_MINSIGSTKSZ` in the auxiliary vector says).
    pub const MIN_SIZE: usize = g::MINSIGSTKSZ as usize;
    /// `SIGSTKSZ` for this arch: a size that holds a signal frame and a small handler.
    pub const DEFAULT_SIZE: usize = g::SIGSTKSZ as usize;

    /// `{ NULL, 0, SS_DISABLE }`: the request that removes the alternate stack.
    pub const DISABLE: SigStack = SigStack {
        sp: core::ptr::null_mut(),
        size: 0,
        flags: SigStackFlags::DISABLE,
    };

    fn to_kernel(self) -> stack_t {
        stack_t {
            ss_sp: self.sp.cast(),
            ss_flags: self.flags.bits() as i32,
            // The kernel's `size_t` is pointer-sized on every supported arch.
            ss_size: self.size as g::__kernel_size_t,
        }
    }

    fn from_kernel(s: &stack_t) -> SigStack {
        SigStack {
            sp: s.ss_sp.cast(),
            size: s.ss_size as usize,
            flags: SigStackFlags::from_bits_retain(s.ss_flags as u32),
        }
    }
}

/// `sigaltstack(new, &old)` — sets (or with `None` only reads) the calling thread's
/// alternate signal stack; returns the previous one.
///
/// Handlers installed with [`SaFlags::ONSTACK`](super::SaFlags::ONSTACK) then run on it:
/// the usual reason is to handle `SIGSEGV` from a stack overflow, when the normal stack has
/// no room left for the signal frame. [`sigaltstack_current`] and [`sigaltstack_disable`]
/// are the safe forms of the other two uses.
///
/// # Safety
/// With `Some(stack)` that is not [`SigStack::DISABLE`]: `stack.sp .. stack.sp + stack.size`
/// must be memory the caller owns, writable, and used by nothing else for as long as it stays
/// installed, and it must be large enough for the biggest signal frame plus what the
/// handlers use (the kernel only checks `MINSIGSTKSZ`; x86_64 turns an overflowing frame into
/// `SIGSEGV`, but other arches may write below `stack.sp`). A thread's alternate stack
/// outlives nothing automatically: remove it (or end the thread) before freeing the memory.
///
/// # Errors
/// `ENOMEM` (`size` below `MINSIGSTKSZ`), `EINVAL` (a bit outside [`SigStackFlags`], checked
/// before the call; or `ONSTACK | DISABLE`), `EPERM` (changing the stack while running on it).
///
/// # References
/// `man 2 sigaltstack`.
#[inline]
pub unsafe fn sigaltstack(new: Option<&SigStack>) -> Result<SigStack> {
    let new = match new {
        Some(s) if !SigStackFlags::all().contains(s.flags) => {
            return Err(Errno::EINVAL);
        }
        Some(s) => Some(s.to_kernel()),
        None => None,
    };
    let new_ptr = new.as_ref().map_or(0, |s| core::ptr::from_ref(s) as usize);
    let mut old = SigStack::DISABLE.to_kernel();
    // The memory the new stack describes is the caller's promise.
    // SAFETY: the kernel reads one `stack_t` from `new` (or nothing, NULL) and writes one
    // into `old`, both live locals.
    let ret = unsafe { arch::syscall2(Sysno::sigaltstack, new_ptr, &raw mut old as usize) };
    Errno::decode(ret).map(|_| SigStack::from_kernel(&old))
}

/// `sigaltstack(NULL, &old)` — the calling thread's alternate signal stack;
/// [`SigStackFlags::DISABLE`] in its flags when there is none.
///
/// # Errors
/// None in practice.
///
/// # References
/// `man 2 sigaltstack`.
#[inline]
pub fn sigaltstack_current() -> Result<SigStack> {
    // SAFETY: `None` installs nothing, so no memory is handed to the kernel.
    unsafe { sigaltstack(None) }
}

/// `sigaltstack(&{SS_DISABLE}, &old)` — removes the calling thread's alternate signal stack;
/// returns the one that was set. Afterwards the memory is no longer the kernel's.
///
/// # Errors
/// `EPERM`: the thread is running on the alternate stack (inside a handler on it).
///
/// # References
/// `man 2 sigaltstack`.
#[inline]
pub fn sigaltstack_disable() -> Result<SigStack> {
    // SAFETY: SS_DISABLE hands no memory to the kernel.
    unsafe { sigaltstack(Some(&SigStack::DISABLE)) }
}
