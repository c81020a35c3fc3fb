//! Dispositions: `sigaction` with the arch's restorer, `ignore`, `reset`, and the record of
//! which signals this program handles.

use core::ffi::c_void;
use core::fmt;
use core::sync::atomic::{AtomicBool, Ordering};

use bitflags::bitflags;
use linux_raw_sys::general::{self as g, kernel_sigaction, kernel_sigset_t};
use linux_raw_sys::signal_macros::{SIG_DFL, sig_ign};

use super::{SigInfo, SigSet, Signal};
use crate::{Errno, Result, Sysno, arch};

/// The signals this program has installed a handler function for through this module, as
/// opposed to `SIG_DFL`/`SIG_IGN`, one flag per signal (signal N at N - 1). Updated by every
/// sysrt call that changes a disposition.
///
/// A flag each rather than one `AtomicU64`: an update is then a plain store, where the word
/// would need a read-modify-write (`fetch_or`/`fetch_and`), which on aarch64 is a call into
/// the outlined atomics of `compiler_builtins` and brings in their CPU-feature probe (a
/// constructor reading the auxv): about 1.4 KiB in every program that sets a disposition.
static HANDLED: [AtomicBool; Signal::MAX as usize] =
    [const { AtomicBool::new(false) }; Signal::MAX as usize];

/// The signals for which this program has installed a handler function through sysrt (not
/// `SIG_DFL` or `SIG_IGN`).
///
/// A child created by `clone(CLONE_VM)` shares this program's memory until it execs, so a
/// handler that ran there would run on the parent's data: the spawn code resets exactly these
/// signals to `SIG_DFL` in the child before it unblocks signals. A handler installed behind
/// sysrt's back (a raw `rt_sigaction`) is not recorded.
///
/// The record may hold a signal whose handler is gone without sysrt seeing it (after an
/// `SA_RESETHAND` delivery the kernel resets the disposition by itself); resetting such a
/// signal again in the child is harmless. It never lacks a signal that has a handler
/// installed through sysrt: [`sigaction`] records a handler before installing it.
///
/// Async-signal-safe: atomic loads only.
#[inline]
pub fn handled() -> SigSet {
    let bits = HANDLED
        .iter()
        .enumerate()
        .filter(|(_, h)| h.load(Ordering::Relaxed))
        .fold(0u64, |bits, (i, _)| bits | 1 << i);
    SigSet::from_raw(bits)
}

/// Records that `sig` now has a handler function (`true`) or `SIG_DFL`/`SIG_IGN` (`false`).
#[inline]
pub(crate) fn record_handled(sig: Signal, has_handler: bool) {
    // `Signal` is 1 to `MAX`, so the flag is always there.
    if let Some(flag) = HANDLED.get(sig.raw() as usize - 1) {
        flag.store(has_handler, Ordering::Relaxed);
    }
}

/// What a signal does when it is delivered: the handler part of a [`SigAction`].
///
/// A handler is an `extern "C" fn` that the kernel calls on the thread's stack (or the
/// alternate stack, with [`SaFlags::ONSTACK`]) between any two instructions of the
/// interrupted code, and that returns through the arch's `rt_sigreturn` restorer. Installing
/// one is `unsafe` ([`sigaction`]): see its contract.
#[derive(Copy, Clone)]
pub enum Handler {
    /// `SIG_DFL`: the signal's default action (end, end with a core dump, stop, continue, or
    /// nothing, as `man 7 signal` lists per signal).
    Default,
    /// `SIG_IGN`: the signal is discarded. Ignoring `SIGCHLD` also makes the kernel reap
    /// children by itself (no zombies, and `wait` then fails with `ECHILD`).
    Ignore,
    /// A function called with the signal number.
    Plain(extern "C" fn(Signal)),
    /// `SA_SIGINFO`: a function called with the signal number, the kernel's `siginfo_t` (who
    /// sent it, why, which address faulted) and the interrupted context (`ucontext_t`, per
    /// arch; left untyped).
    SigInfo(extern "C" fn(Signal, &SigInfo, *mut c_void)),
}

impl fmt::Debug for Handler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Handler::Default => f.write_str("Default"),
            Handler::Ignore => f.write_str("Ignore"),
            Handler::Plain(h) => write!(f, "Plain({:#x})", *h as usize),
            Handler::SigInfo(h) => write!(f, "SigInfo({:#x})", *h as usize),
        }
    }
}

bitflags! {
    /// The flags of a [`SigAction`] that a caller may choose.
    ///
    /// `SA_SIGINFO` is set by choosing [`Handler::SigInfo`], and `SA_RESTORER` is supplied by
    /// sysrt on the arches that need it. Any other bit (possible through the safe
    /// `from_bits_retain`) makes [`sigaction`] fail with `EINVAL`.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct SaFlags: u32 {
        /// `SA_RESTART`: a slow call (`read` on a pipe, `wait4`…) interrupted by this handler is
        /// restarted by the kernel instead of failing with `EINTR` (`man 7 signal`, "Interruption
        /// of system calls" lists the calls that never restart).
        #[doc(alias = "SA_RESTART")]
        const RESTART = g::SA_RESTART;
        /// `SA_NODEFER`: the signal is not blocked while its handler runs, so the handler may
        /// be entered again before it returns.
        #[doc(alias = "SA_NODEFER")]
        const NODEFER = g::SA_NODEFER;
        /// `SA_RESETHAND`: the disposition goes back to `SIG_DFL` when the handler is entered
        /// (a one-shot handler).
        #[doc(alias = "SA_RESETHAND")]
        const RESETHAND = g::SA_RESETHAND;
        /// `SA_ONSTACK`: the handler runs on the alternate signal stack set with
        /// [`sigaltstack`](super::sigaltstack), if there is one.
        #[doc(alias = "SA_ONSTACK")]
        const ONSTACK = g::SA_ONSTACK;
        /// `SA_NOCLDSTOP` (`SIGCHLD` only): no `SIGCHLD` when a child stops or continues.
        #[doc(alias = "SA_NOCLDSTOP")]
        const NOCLDSTOP = g::SA_NOCLDSTOP;
        /// `SA_NOCLDWAIT` (`SIGCHLD` only): children are reaped by the kernel when they end;
        /// `wait` then blocks until all have ended and fails with `ECHILD`.
        #[doc(alias = "SA_NOCLDWAIT")]
        const NOCLDWAIT = g::SA_NOCLDWAIT;
    }
}

/// The disposition part of a [`SigAction`] read back from the kernel.
#[derive(Copy, Clone, Eq, PartialEq, Debug)]
pub enum Disposition {
    /// `SIG_DFL`.
    Default,
    /// `SIG_IGN`.
    Ignore,
    /// A handler function at `address`, called with `siginfo` (`SA_SIGINFO`) or without.
    Handler {
        /// The handler's address.
        address: usize,
        /// Whether `SA_SIGINFO` is set.
        siginfo: bool,
    },
}

/// A signal action: `struct sigaction` — handler, flags and the signals blocked while the
/// handler runs.
///
/// Build one with [`SigAction::new`]; [`sigaction`] and [`sigaction_get`] return the
/// previous or current one, which [`sigaction`] can install again.
///
/// ```
/// use sysrt::signal::{Handler, SaFlags, SigAction, SigSet, Signal};
/// extern "C" fn on_usr1(_: Signal) {}
/// let act = SigAction::new(Handler::Plain(on_usr1))
///     .with_flags(SaFlags::RESTART)
///     .with_mask(SigSet::EMPTY.with(Signal::USR2));
/// assert_eq!(act.flags(), SaFlags::RESTART);
/// ```
///
/// Go: the `os/signal` package installs its handler with these flags: `SA_SIGINFO |
/// SA_ONSTACK | SA_RESTART`.
#[derive(Copy, Clone)]
pub struct SigAction {
    handler: g::__kernel_sighandler_t,
    /// `SaFlags` bits plus `SA_SIGINFO`; never `SA_RESTORER`.
    flags: u32,
    mask: SigSet,
}

impl SigAction {
    /// An action running `handler`, with no flags and an empty mask.
    pub fn new(handler: Handler) -> SigAction {
        // The kernel stores the handler as a `void (*)(int)` whatever its real signature:
        // `SA_SIGINFO` tells it which one to call. A function pointer to function pointer
        // transmute keeps the address; nothing in Rust calls it through the wrong type.
        let (handler, flags) = match handler {
            Handler::Default => (SIG_DFL, 0),
            Handler::Ignore => (sig_ign(), 0),
            Handler::Plain(f) => {
                // SAFETY: both are `extern "C"` function pointers of the same size.
                let f = unsafe {
                    core::mem::transmute::<extern "C" fn(Signal), unsafe extern "C" fn(i32)>(f)
                };
                (Some(f), 0)
            }
            Handler::SigInfo(f) => {
                type Info = extern "C" fn(Signal, &SigInfo, *mut c_void);
                // SAFETY: as above; the kernel calls it with three arguments because of
                // SA_SIGINFO.
                let f = unsafe { core::mem::transmute::<Info, unsafe extern "C" fn(i32)>(f) };
                (Some(f), g::SA_SIGINFO)
            }
        };
        SigAction {
            handler,
            flags,
            mask: SigSet::EMPTY,
        }
    }

    /// This action with `flags` (replacing the chosen flags; `SA_SIGINFO` follows the
    /// handler).
    #[must_use]
    pub fn with_flags(self, flags: SaFlags) -> SigAction {
        // `SaFlags::from_bits_retain` can carry `SA_SIGINFO`'s bit too: it would make the
        // kernel call a plain handler with the three-argument signature. The handler decides.
        SigAction {
            flags: (self.flags & g::SA_SIGINFO) | (flags.bits() & !g::SA_SIGINFO),
            ..self
        }
    }

    /// This action with `mask`: the signals blocked while the handler runs, besides the
    /// signal itself (unless [`SaFlags::NODEFER`]).
    #[must_use]
    pub fn with_mask(self, mask: SigSet) -> SigAction {
        SigAction { mask, ..self }
    }

    /// The flags (without `SA_SIGINFO`, which [`disposition`](Self::disposition) reports).
    pub fn flags(&self) -> SaFlags {
        SaFlags::from_bits_retain(self.flags & !g::SA_SIGINFO)
    }

    /// The signals blocked while the handler runs.
    pub fn mask(&self) -> SigSet {
        self.mask
    }

    /// Default, ignore, or a handler function.
    pub fn disposition(&self) -> Disposition {
        match self.handler.map_or(0, |f| f as usize) {
            0 => Disposition::Default,
            1 => Disposition::Ignore,
            address => Disposition::Handler {
                address,
                siginfo: self.flags & g::SA_SIGINFO != 0,
            },
        }
    }

    /// Whether this action installs a handler function.
    fn has_handler(&self) -> bool {
        matches!(self.disposition(), Disposition::Handler { .. })
    }

    /// The kernel's `struct sigaction` for this action, with the arch's restorer. `EINVAL`
    /// for flag bits outside [`SaFlags`].
    fn to_kernel(self) -> Result<ActionBuf> {
        if self.flags & !(SaFlags::all().bits() | g::SA_SIGINFO) != 0 {
            return Err(Errno::EINVAL);
        }
        let mut buf = ActionBuf::empty();
        let k = &mut buf.k;
        k.sa_handler_kernel = self.handler;
        k.sa_flags = self.flags.into();
        k.sa_mask.sig[0] = self.mask.raw();
        arch::set_sigaction_restorer(k);
        buf.spare = self.mask.raw();
        Ok(buf)
    }

    /// The action the kernel reported. Bits outside `SaFlags | SA_SIGINFO` (the arch's
    /// `SA_RESTORER`, or flags set behind sysrt's back) are dropped, so the value can be
    /// installed again.
    fn from_kernel(k: &kernel_sigaction) -> SigAction {
        let known = u64::from(SaFlags::all().bits() | g::SA_SIGINFO);
        SigAction {
            handler: k.sa_handler_kernel,
            flags: (k.sa_flags & known) as u32,
            mask: SigSet::from_raw(k.sa_mask.sig[0]),
        }
    }
}

impl fmt::Debug for SigAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigAction")
            .field("disposition", &self.disposition())
            .field("flags", &self.flags())
            .field("mask", &self.mask)
            .finish()
    }
}

/// The `struct sigaction` handed to `rt_sigaction`, followed by one spare word.
///
/// The kernel reads and writes exactly `sizeof(struct sigaction)` and never sees the spare
/// word. It is there for qemu-riscv64 (7.2), which lays riscv64's `struct sigaction` out
/// with an `sa_restorer` field that the kernel's lacks (32 bytes with the mask at 24, not 24
/// bytes with the mask at 16): the emulator writes 8 bytes past a 24-byte old action, which
/// would land on whatever the stack holds next, and reads the new action's mask from past its
/// end. The spare word takes that write, and holds a copy of the mask so the emulator applies
/// the same one. (Its read-back then returns our mask in `sa_mask`'s place too.)
#[repr(C)]
struct ActionBuf {
    k: kernel_sigaction,
    spare: u64,
}

impl ActionBuf {
    /// `SIG_DFL`, no flags, an empty mask.
    fn empty() -> ActionBuf {
        // SAFETY: kernel_sigaction is integers, an optional function pointer (None is
        // all-zero) and a bit set; all-zero is a valid value of each, and of `spare`.
        unsafe { core::mem::zeroed() }
    }
}

/// `sigaction(sig, action)` — installs `action` for `sig` and returns the previous action,
/// using `rt_sigaction` with the arch's signal-return restorer (`SA_RESTORER`, which x86_64
/// requires and aarch64 accepts; riscv64 returns through the kernel's vDSO trampoline).
///
/// The signal is recorded in [`handled`] when `action` runs a function, and removed when it
/// is `SIG_DFL`/`SIG_IGN`, so that a spawned child can reset exactly those signals.
///
/// Prefer [`Notify`](super::Notify) where it fits: it delivers signals as values, with no
/// handler code and nothing `unsafe`.
///
/// # Safety
/// The handler (if `action` has one) runs between any two instructions of whatever code the
/// thread was executing, including inside an allocator, a lock, or another sysrt-rt routine
/// that keeps state. It must be async-signal-safe: touch only atomics and its own locals,
/// make only async-signal-safe calls (every sysrt syscall wrapper is; see the module docs for
/// what is not), not allocate, not take a lock, and not panic. It must also stay valid for as
/// long as it is installed. An action returned by [`sigaction`]/[`sigaction_get`] that was
/// installed outside sysrt must have a handler of the signature its `SA_SIGINFO` bit says.
/// (Installing `SIG_DFL`/`SIG_IGN` has no such contract: see the safe [`reset`]/[`ignore`].)
///
/// # Errors
/// `EINVAL`: `sig` is `SIGKILL` or `SIGSTOP` (their action cannot change), or the flags have
/// bits outside [`SaFlags`]. Nothing is installed then.
///
/// # References
/// `man 2 rt_sigaction`, `man 2 sigaction`. Go: `os/signal.Notify` installs a handler this way
/// (the `syscall` package has no `Sigaction`).
#[doc(alias = "rt_sigaction")]
#[inline]
pub unsafe fn sigaction(sig: Signal, action: &SigAction) -> Result<SigAction> {
    let new = action.to_kernel()?;
    let mut old = ActionBuf::empty();
    // Record a handler before it can run, so a child spawned meanwhile resets it; undo the
    // record if the call fails and the signal had none before.
    let installs = action.has_handler();
    let had = handled().contains(sig);
    if installs {
        record_handled(sig, true);
    }
    // The caller vouches for the handler.
    // SAFETY: `new`/`old` start with this arch's `struct sigaction` (plus a spare word), live
    // across the call; the kernel reads one from `new` and writes one to `old`.
    let ret = unsafe {
        arch::syscall4(
            Sysno::rt_sigaction,
            sig.raw() as usize,
            &raw const new as usize,
            &raw mut old as usize,
            size_of::<kernel_sigset_t>(),
        )
    };
    match Errno::decode(ret) {
        Ok(_) => {
            if !installs {
                record_handled(sig, false);
            }
            Ok(SigAction::from_kernel(&old.k))
        }
        Err(e) => {
            if installs && !had {
                record_handled(sig, false);
            }
            Err(e)
        }
    }
}

/// `sigaction(sig, NULL, &old)` — the current action of `sig`, changing nothing.
///
/// # Errors
/// None for a valid [`Signal`] (the kernel reports `SIG_DFL` for `SIGKILL`/`SIGSTOP`).
///
/// # References
/// `man 2 rt_sigaction`.
#[doc(alias = "rt_sigaction")]
#[inline]
pub fn sigaction_get(sig: Signal) -> Result<SigAction> {
    let mut old = ActionBuf::empty();
    // SAFETY: no new action (NULL); the kernel writes one `struct sigaction` into `old` (a
    // `struct sigaction` plus a spare word), which lives across the call.
    let ret = unsafe {
        arch::syscall4(
            Sysno::rt_sigaction,
            sig.raw() as usize,
            0,
            &raw mut old as usize,
            size_of::<kernel_sigset_t>(),
        )
    };
    Errno::decode(ret).map(|_| SigAction::from_kernel(&old.k))
}

/// `ignore(sig)` — sets `sig` to `SIG_IGN` (discarded when delivered); returns the previous
/// action. Uses `rt_sigaction`.
///
/// A pending instance of `sig` is discarded, blocked or not. Ignored signals stay ignored
/// across `execve`; a spawned child gets the dispositions this
/// program ignores unless the spawn resets them. Ignoring `SIGCHLD` makes the kernel reap
/// children itself (`wait` then fails with `ECHILD`).
///
/// # Errors
/// `EINVAL`: `sig` is `SIGKILL` or `SIGSTOP`.
///
/// # References
/// `man 2 rt_sigaction`, `man 7 signal`. Go: `os/signal.Ignore`.
#[doc(alias = "SIG_IGN")]
#[doc(alias = "Ignore")]
#[inline]
pub fn ignore(sig: Signal) -> Result<SigAction> {
    // SAFETY: SIG_IGN runs no code of ours, so the handler contract does not apply.
    unsafe { sigaction(sig, &SigAction::new(Handler::Ignore)) }
}

/// `reset(sig)` — sets `sig` back to `SIG_DFL`, its default action; returns the previous
/// action. Uses `rt_sigaction`.
///
/// For a signal whose default action is to ignore it (`SIGCHLD`, `SIGURG`, `SIGWINCH`), an
/// instance already pending is discarded, blocked or not, as POSIX requires ([`ignore`] does
/// that for every signal).
///
/// # Errors
/// `EINVAL`: `sig` is `SIGKILL` or `SIGSTOP`.
///
/// # References
/// `man 2 rt_sigaction`, `man 7 signal`. Go: `os/signal.Reset`.
#[doc(alias = "SIG_DFL")]
#[doc(alias = "Reset")]
#[inline]
pub fn reset(sig: Signal) -> Result<SigAction> {
    // SAFETY: SIG_DFL runs no code of ours, so the handler contract does not apply.
    unsafe { sigaction(sig, &SigAction::new(Handler::Default)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    extern "C" fn plain(_: Signal) {}
    extern "C" fn info(_: Signal, _: &SigInfo, _: *mut c_void) {}

    #[test]
    fn actions_encode_and_decode() {
        let d = SigAction::new(Handler::Default);
        assert_eq!(d.disposition(), Disposition::Default);
        assert_eq!(
            SigAction::new(Handler::Ignore).disposition(),
            Disposition::Ignore
        );
        let (plain_fn, info_fn): (
            extern "C" fn(Signal),
            extern "C" fn(Signal, &SigInfo, *mut c_void),
        ) = (plain, info);
        // The same pointer values throughout: a function named twice may give two addresses
        // (Miri gives a new one each time).
        let p = SigAction::new(Handler::Plain(plain_fn)).with_flags(SaFlags::RESTART);
        assert_eq!(
            p.disposition(),
            Disposition::Handler {
                address: plain_fn as usize,
                siginfo: false
            }
        );
        let i = SigAction::new(Handler::SigInfo(info_fn))
            .with_flags(SaFlags::NODEFER | SaFlags::ONSTACK)
            .with_mask(SigSet::FULL);
        assert_eq!(
            i.disposition(),
            Disposition::Handler {
                address: info_fn as usize,
                siginfo: true
            }
        );
        assert_eq!(i.flags(), SaFlags::NODEFER | SaFlags::ONSTACK);
        let k = i.to_kernel().unwrap().k;
        assert_eq!(
            k.sa_flags & u64::from(g::SA_SIGINFO | g::SA_NODEFER | g::SA_ONSTACK),
            u64::from(g::SA_SIGINFO | g::SA_NODEFER | g::SA_ONSTACK)
        );
        let back = SigAction::from_kernel(&k);
        assert_eq!(back.disposition(), i.disposition());
        assert_eq!(back.flags(), i.flags());
        assert_eq!(back.mask(), SigSet::FULL);
    }

    #[test]
    fn unknown_or_restorer_bits_are_refused() {
        let bad = SigAction::new(Handler::Plain(plain))
            .with_flags(SaFlags::from_bits_retain(0x0400_0000)); // SA_RESTORER's value
        assert_eq!(bad.to_kernel().err(), Some(Errno::EINVAL));
        let bad = SigAction::new(Handler::Default).with_flags(SaFlags::from_bits_retain(1 << 9));
        assert_eq!(bad.to_kernel().err(), Some(Errno::EINVAL));
    }

    /// Every bit of a flags word through the safe `with_flags`, on each kind of handler: the
    /// kernel struct is refused exactly for bits outside `SaFlags` (the check is bitwise, so
    /// the 32 single bits, alone and with every known flag, cover every word), and
    /// `SA_SIGINFO` always follows the handler, whatever bit the caller passed.
    #[test]
    fn every_flag_bit_is_refused_or_follows_the_handler() {
        let known = SaFlags::all().bits();
        for handler in [
            Handler::Default,
            Handler::Plain(plain),
            Handler::SigInfo(info),
        ] {
            let base = SigAction::new(handler);
            for bit in 0..32 {
                for extra in [0, known] {
                    let bits = (1u32 << bit) | extra;
                    let a = base.with_flags(SaFlags::from_bits_retain(bits));
                    assert_eq!(a.disposition(), base.disposition(), "{bits:#x}");
                    let allowed = (bits & !known & !g::SA_SIGINFO) == 0;
                    match a.to_kernel() {
                        Ok(buf) => {
                            assert!(allowed, "{bits:#x} accepted");
                            let siginfo = buf.k.sa_flags & u64::from(g::SA_SIGINFO) != 0;
                            assert_eq!(siginfo, matches!(handler, Handler::SigInfo(_)));
                        }
                        Err(e) => assert!(!allowed && e == Errno::EINVAL, "{bits:#x}"),
                    }
                }
            }
        }
    }
}
