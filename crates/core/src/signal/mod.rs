//! Signals: the typed [`Signal`] and [`SigSet`], sending ([`kill`], [`tgkill`], [`raise`]),
//! masks and waiting ([`rt_sigprocmask`], [`sigpending`], [`sigsuspend`], [`pause`],
//! [`rt_sigtimedwait`]), handlers ([`sigaction`], [`ignore`], [`reset`], [`sigaltstack`]),
//! and signals as data ([`signalfd4`], [`Notify`]).
//!
//! The numbers come from linux-raw-sys for the arch being built; they are the same on x86_64,
//! aarch64 and riscv64 (all three use the generic numbering, with `SIGSTKFLT` at 16).
//!
//! # Handling signals: the recommended way
//!
//! A program with no libc has no runtime to turn signals into events for it, and a handler
//! function is a hard place to do anything (see below). For the usual needs of an init, a
//! supervisor or a server — react to `SIGTERM`/`SIGINT`/`SIGHUP`, reap children on `SIGCHLD` —
//! use [`Notify`]: it blocks the signals and hands them over as values through a signalfd,
//! so they are handled in ordinary code, with the sender's pid and uid, and can be waited
//! for next to other descriptors. Use [`sigaction`] only when a signal must interrupt
//! running code (a timer breaking a blocking call, a fault handler on an alternate stack).
//!
//! # Async-signal safety
//!
//! A handler installed with [`sigaction`] may run between any two instructions of the
//! interrupted thread, so it may only call functions that are safe to re-enter at any
//! point ("async-signal-safe", `man 7 signal-safety`):
//!
//! - Every syscall wrapper in this crate is: each is a trap instruction plus argument
//!   encoding, with no lock, no allocation and no global state. That includes [`kill`],
//!   [`raise`], `io::write`, `process::exit`, `process::fork`, [`rt_sigprocmask`],
//!   [`sigaction`] itself, [`retry_on_intr`](crate::retry_on_intr) and the `SigSet`/`Signal`
//!   helpers. [`handled`] is one atomic load.
//! - [`Notify::new`] and dropping a `Notify` only change the calling thread's mask and open or
//!   close a descriptor: safe, though there is rarely a reason to do it in a handler.
//! - `sysrt-rt`'s `print!`/`println!`/`eprintln!` format into a stack buffer and call `write`:
//!   they do not deadlock or corrupt anything, but a line printed by a handler can land in
//!   the middle of a line the interrupted code was printing, and a `Display` impl they call
//!   must itself be safe to run there. Reading the start-up `args`/`auxv` is safe.
//! - Not async-signal-safe: anything that allocates (an allocator holds a lock or per-thread
//!   state), anything that takes a lock, panicking, and changing the environment that later
//!   spawns inherit (a handler must not run while that is half-updated). A handler should
//!   set an atomic flag or write a byte to a pipe, and leave the rest to ordinary code.

mod action;
mod altstack;
mod fd;
mod info;
mod mask;
mod number;
mod send;
mod set;

// Kept at `crate::signal::record_handled` for any sysrt code that changes a disposition.
#[allow(unused_imports)]
pub(crate) use action::record_handled;
pub use action::{
    Disposition, Handler, SaFlags, SigAction, handled, ignore, reset, sigaction, sigaction_get,
};
pub use altstack::{
    SigStack, SigStackFlags, sigaltstack, sigaltstack_current, sigaltstack_disable,
};
pub use fd::{Notify, SfdFlags, SignalfdSiginfo, signalfd4, signalfd4_set_mask};
pub use info::SigInfo;
pub use mask::{How, pause, rt_sigprocmask, rt_sigtimedwait, sigpending, sigsuspend};
pub use number::Signal;
pub use send::{kill, raise, tgkill, tkill};
pub use set::SigSet;
