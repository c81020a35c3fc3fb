//! The runtime for Linux programs with no libc: program entry, arguments, environment,
//! auxiliary vector, printing, panics and exit, on top of [`sysrt`].
//!
//! A complete program:
//!
//! ```ignore
//! #![no_std]
//! #![no_main]
//!
//! fn main() -> i32 {
//!     sysrt_rt::println!("hello from {} args", sysrt_rt::args().len());
//!     0
//! }
//!
//! sysrt_rt::main!(main);
//! ```
//!
//! Built with the link setup in the README (`rust-lld`, static, `-nostdlib`, `panic = "abort"`),
//! this is a static binary with no libc, no interpreter and no dynamic section. Before `main`
//! runs the runtime makes no syscall at all.
//!
//! What the runtime provides to the final link, since there is no libc: `_start` (through
//! [`main!`]), the panic handler (writes `panicked at FILE:LINE:COL: MESSAGE` to stderr and
//! exits with status 101), and `memcpy`, `memmove`, `memset`, `memcmp`, `bcmp`, `strlen`,
//! which the compiler emits calls to.
#![no_std]

pub mod args;
pub mod auxv;
pub mod env;
mod mem;
mod panic;
pub mod print;
#[doc(hidden)]
pub mod start;

pub use args::{Args, args};
pub use env::{Vars, getenv, vars};
pub use panic::PANIC_EXIT_STATUS;
pub use start::Termination;

#[doc(hidden)]
pub use sysrt_arch as __arch;

/// Declares the program's entry: `sysrt_rt::main!(main);` where `main` is a `fn() -> T` and
/// `T` is `()`, `i32`, `u8` or `Result<(), E: Display>` (see [`Termination`]).
///
/// Defines the ELF entry point `_start`, which finds argc/argv/envp/auxv on the initial stack,
/// stores them for [`args`], [`getenv`] and [`auxv`], calls `main`, and ends the process with
/// `exit_group` and `main`'s exit code.
#[macro_export]
macro_rules! main {
    ($main:path) => {
        $crate::__arch::start_entry!(__sysrt_rt_entry);

        #[doc(hidden)]
        unsafe extern "C" fn __sysrt_rt_entry(initial_sp: *const usize) -> ! {
            // SAFETY: `_start` calls this once, first thing, with the kernel's initial stack
            // pointer, which points at argc, argv, envp and auxv as the ELF ABI lays them out.
            unsafe { $crate::start::start(initial_sp, $main) }
        }
    };
}
