//! Typed Linux syscalls with no libc: the Rust counterpart of Go's `syscall` package.
//!
//! Every call is one hop from its public function to the trap instruction in
//! [`sysrt_arch`]: arguments are encoded, the arch stub (always inlined) traps into the kernel,
//! and the raw return is decoded by [`Errno::decode`]. Nothing here links libc or needs std.
//!
//! - Errors are [`Errno`] values; [`Result<T>`] is `core::result::Result<T, Errno>`.
//! - File descriptors are owned ([`fd::OwnedFd`], closed on drop) or borrowed
//!   ([`fd::BorrowedFd`]); every call that creates an fd sets close-on-exec by default.
//! - Paths are anything [`path::Arg`]: `&CStr` passes through, `&str`/`&[u8]` are copied
//!   into a stack buffer with a NUL (interior NUL: `EINVAL`; too long: `ENAMETOOLONG`).
//! - Typed calls return `EINTR` to the caller, as Go's `syscall` does; each documents whether
//!   retrying is right, and [`retry_on_intr`] retries where it always is.
//!
//! For raw access there is [`syscall()`]/[`syscall6`] (restart on `EINTR`) and
//! [`raw_syscall`]/[`raw_syscall6`] (return `EINTR`), in the shape of Go's `syscall.Syscall`
//! and `syscall.RawSyscall`; [`syscall()`] says exactly how the pair differs from Go's.
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod arg;
pub mod auxv;
pub mod env;
pub mod errno;
pub mod event;
pub mod fd;
pub mod fs;
pub mod io;
pub mod mm;
pub mod net;
pub mod path;
pub mod process;
pub mod ptrace;
pub mod random;
pub mod signal;
pub mod system;
pub mod time;
pub mod vdso;

pub use errno::{Errno, ErrorKind, Result};
pub use sysrt_arch::Sysno;

use sysrt_arch as arch;

/// `syscall(n, a1, a2, a3)` — makes syscall `n` with three arguments, restarting it while the
/// kernel returns `EINTR`.
///
/// Restarting is wrong for some calls: `close` (the fd is already gone when it reports
/// `EINTR`; a retry can close an fd another thread just opened), `connect` (a restart gives
/// `EALREADY`/`EISCONN`), `nanosleep` (a restart sleeps the full time again) and
/// `sigsuspend`/`pause` (their whole purpose is to return when a handler ran). Use
/// [`raw_syscall`] for those.
///
/// Unused arguments should be 0.
///
/// # Compared with Go
/// Go's `syscall.Syscall` has this shape but not these semantics. It makes the call once and
/// returns `EINTR` like `syscall.RawSyscall`; what it adds is a call to the Go scheduler
/// (`runtime.entersyscall` before the trap, `runtime.exitsyscall` after), so that other
/// goroutines keep running on another thread while this one blocks in the kernel. sysrt has no
/// scheduler to tell, so that part has no counterpart here; the restart is sysrt's own
/// addition, the loop Go's `os` package writes around such calls (its internal
/// `ignoringEINTR`). Go programs meet `EINTR` less often than sysrt programs do because the Go
/// runtime installs every signal handler with `SA_RESTART`. Go's version also returns the
/// second result register (`r2`), which no Linux call on these architectures needs; sysrt
/// returns only the first. For Go's exact behaviour (one trap, `EINTR` returned), use
/// [`raw_syscall`].
///
/// Go: `syscall.Syscall` (the shape; see above for the semantics).
///
/// # Errors
/// Whatever `n` returns, as an [`Errno`], except `EINTR`.
///
/// # Safety
/// The arguments must be valid for syscall `n` as its man page documents it: every pointer
/// valid for the kernel's access, and the call must not break an invariant Rust relies on
/// (unmapping memory in use, closing an fd something else owns).
#[doc(alias = "Syscall")]
#[inline(always)]
pub unsafe fn syscall(n: Sysno, a1: usize, a2: usize, a3: usize) -> Result<usize> {
    // SAFETY: forwarded from the caller.
    retry_on_intr(|| Errno::decode(unsafe { arch::syscall3(n, a1, a2, a3) }))
}

/// `syscall6(n, a1, …, a6)` — as [`syscall()`], with six arguments, restarting on `EINTR`.
///
/// Go: `syscall.Syscall6`, which makes the call once and tells the scheduler it blocks; the
/// differences are those of [`syscall()`].
///
/// # Errors
/// Whatever `n` returns, as an [`Errno`], except `EINTR`.
///
/// # Safety
/// As for [`syscall()`].
#[doc(alias = "Syscall6")]
#[inline(always)]
pub unsafe fn syscall6(
    n: Sysno,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
    a6: usize,
) -> Result<usize> {
    // SAFETY: forwarded from the caller.
    retry_on_intr(|| Errno::decode(unsafe { arch::syscall6(n, a1, a2, a3, a4, a5, a6) }))
}

/// `raw_syscall(n, a1, a2, a3)` — makes syscall `n` once; `EINTR` is returned to the caller.
///
/// Go: `syscall.RawSyscall`: the same trap, made once, without telling the scheduler (which
/// sysrt does not have); Go's also returns the second result register.
///
/// # Errors
/// Whatever `n` returns, as an [`Errno`].
///
/// # Safety
/// As for [`syscall()`].
#[doc(alias = "RawSyscall")]
#[inline(always)]
pub unsafe fn raw_syscall(n: Sysno, a1: usize, a2: usize, a3: usize) -> Result<usize> {
    // SAFETY: forwarded from the caller.
    Errno::decode(unsafe { arch::syscall3(n, a1, a2, a3) })
}

/// `raw_syscall6(n, a1, …, a6)` — as [`raw_syscall`], with six arguments.
/// Go: `syscall.RawSyscall6`.
///
/// # Errors
/// Whatever `n` returns, as an [`Errno`].
///
/// # Safety
/// As for [`syscall()`].
#[doc(alias = "RawSyscall6")]
#[inline(always)]
pub unsafe fn raw_syscall6(
    n: Sysno,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
    a6: usize,
) -> Result<usize> {
    // SAFETY: forwarded from the caller.
    Errno::decode(unsafe { arch::syscall6(n, a1, a2, a3, a4, a5, a6) })
}

/// Calls `f` until it returns something other than `Err(EINTR)`.
///
/// Right for calls that have not taken effect when they report `EINTR` and that are safe to
/// repeat with the same arguments: `read`, `write`, `openat`, `wait4`, `fsync`, `ftruncate`…
/// Wrong for `close`, `connect`, `nanosleep`, `sigsuspend` (see [`syscall()`]).
///
/// ```no_run
/// # use sysrt::{io, fd::STDIN};
/// let mut buf = [0u8; 64];
/// let n = sysrt::retry_on_intr(|| io::read(STDIN, &mut buf))?;
/// # Ok::<(), sysrt::Errno>(())
/// ```
#[inline(always)]
pub fn retry_on_intr<T>(mut f: impl FnMut() -> Result<T>) -> Result<T> {
    loop {
        match f() {
            Err(Errno::EINTR) => continue,
            other => return other,
        }
    }
}
