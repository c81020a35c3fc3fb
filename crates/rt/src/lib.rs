//! The runtime for Linux programs with no libc: program entry, arguments, environment,
//! auxiliary vector, printing, panics and exit, on top of [`sysrt`].
//!
//! A complete program:
//!
//! ```ignore
//! #![cfg_attr(not(test), no_std)]
//! #![cfg_attr(not(test), no_main)]
//!
//! fn main() -> i32 {
//!     sysrt_rt::println!("hello from {} args", sysrt_rt::args().len());
//!     0
//! }
//!
//! sysrt_rt::main!(main);
//! ```
//!
//! Built with the link setup in the README (static, `-nostdlib`, `panic = "abort"`), this is a
//! static binary with no libc, no interpreter and no dynamic section.
//!
//! What [`main!`] provides to the final link, since there is no libc: `_start`, the panic
//! handler (writes `panicked at FILE:LINE:COL: MESSAGE` to stderr and exits with status 101),
//! `memcpy`, `memmove`, `memset`, `memcmp`, `bcmp` and `strlen` (which the compiler emits calls
//! to), on aarch64 `getauxval` (which the outlined atomics of its `compiler_builtins` call; a
//! program that links C code calling `getauxval` on the other arches defines it as
//! `auxv::getauxval(key as usize).unwrap_or(0)`), and `rust_eh_personality` (which the precompiled `core` names even under `panic = "abort"`). It
//! defines them only outside `cfg(test)`, so that `cargo test` of the same crate builds its
//! unit tests with std on the host.
//!
//! With the `alloc` feature, [`main!`] also installs `alloc::Allocator` as the global
//! allocator, so `Vec`, `String`, `Box` and `format!` work (`extern crate alloc;`); a program
//! that never allocates makes no syscall for it.
//!
//! Before `main` the runtime makes exactly one syscall, a `ppoll` that checks that fds 0–2 are
//! open (see [`start::start`]), and runs the program's `.init_array` constructors.
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
pub mod alloc;
pub mod args;
pub mod auxv;
pub mod env;
#[doc(hidden)]
pub mod mem;
mod panic;
pub mod print;
#[doc(hidden)]
pub mod start;

pub use args::{Args, args};
pub use env::{Vars, getenv, vars};
pub use panic::PANIC_EXIT_STATUS;
#[doc(hidden)]
pub use panic::report as __panic_report;
pub use start::{STARTUP_FAILURE_EXIT_STATUS, Termination};

#[doc(hidden)]
pub use sysrt as __sysrt;
#[doc(hidden)]
pub use sysrt_arch as __arch;

/// `getauxval(key)` for C-shaped callers: the value of auxv entry `key`, or 0 when there is
/// none (glibc would also set `errno`, which does not exist here). The body of the
/// `getauxval` symbol that [`main!`] defines.
#[doc(hidden)]
pub fn __getauxval(key: core::ffi::c_ulong) -> core::ffi::c_ulong {
    auxv::getauxval(key as usize).unwrap_or(0) as core::ffi::c_ulong
}

/// Declares the program's entry: `sysrt_rt::main!(main);` where `main` is a `fn() -> T` and
/// `T` is `()`, `i32`, `u8` or `Result<T, E: Debug>` (see [`Termination`]).
///
/// Outside `cfg(test)` it defines the ELF entry point `_start`, which finds argc/argv/envp/auxv
/// on the initial stack, stores them for [`args()`], [`getenv`] and [`auxv`], makes sure fds
/// 0–2 are open, runs the constructors, calls `main`, and ends the process with `exit_group`
/// and `main`'s exit code. It also defines the symbols a libc-free link needs (see the crate
/// docs). Under `cfg(test)` it defines nothing, so the crate's unit tests link with std: give
/// the crate `#![cfg_attr(not(test), no_std)]` and `#![cfg_attr(not(test), no_main)]`.
#[macro_export]
macro_rules! main {
    ($main:path) => {
        #[cfg(not(test))]
        $crate::__arch::start_entry!(__sysrt_rt_entry);

        #[cfg(not(test))]
        #[doc(hidden)]
        unsafe extern "C" fn __sysrt_rt_entry(initial_sp: *const usize) -> ! {
            // SAFETY: `_start` calls this once, first thing, with the kernel's initial stack
            // pointer, which points at argc, argv, envp and auxv as the ELF ABI lays them out.
            unsafe { $crate::start::start(initial_sp, $main) }
        }

        // Under `cfg(test)` `main` is not called; this keeps it from being reported unused.
        #[cfg(test)]
        const _: () = {
            #[allow(dead_code)]
            fn __sysrt_rt_main_is_used() {
                let _ = $main;
            }
        };

        #[cfg(not(test))]
        #[doc(hidden)]
        mod __sysrt_rt_link_items {
            $crate::__link_items!();
        }
    };
}

/// The symbols a libc-free program's final link needs; expanded by [`main!`] into the
/// program's crate, outside `cfg(test)`. Each is a one-line shim over a body in this crate.
#[doc(hidden)]
#[macro_export]
macro_rules! __link_items {
    () => {
        use core::ffi::{c_char, c_int};

        #[panic_handler]
        fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
            $crate::__panic_report(info)
        }

        $crate::__global_allocator!();

        /// Named by the precompiled `core` (`DW.ref.rust_eh_personality`) even under
        /// `panic = "abort"`, so a build without LTO fails to link without it. Nothing ever
        /// unwinds, so nothing calls it; if something did, it ends the process.
        #[unsafe(no_mangle)]
        extern "C" fn rust_eh_personality() -> ! {
            $crate::__sysrt::process::exit_group(134)
        }

        // aarch64 only: `compiler_builtins`' outlined atomics ask for AT_HWCAP there. Defined
        // on every arch, this exported reader of the recorded vector would keep the store of
        // its pointer (and a writable segment) in programs that never read it.
        $crate::__arch::only_aarch64! {
            #[unsafe(no_mangle)]
            extern "C" fn getauxval(key: core::ffi::c_ulong) -> core::ffi::c_ulong {
                $crate::__getauxval(key)
            }
        }

        /// # Safety
        /// As C's `memcpy`.
        #[unsafe(no_mangle)]
        unsafe extern "C" fn memcpy(d: *mut u8, s: *const u8, n: usize) -> *mut u8 {
            // SAFETY: the caller keeps C's contract, which is the body's.
            unsafe { $crate::mem::memcpy(d, s, n) }
        }

        /// # Safety
        /// As C's `memmove`.
        #[unsafe(no_mangle)]
        unsafe extern "C" fn memmove(d: *mut u8, s: *const u8, n: usize) -> *mut u8 {
            // SAFETY: the caller keeps C's contract, which is the body's.
            unsafe { $crate::mem::memmove(d, s, n) }
        }

        /// # Safety
        /// As C's `memset`.
        #[unsafe(no_mangle)]
        unsafe extern "C" fn memset(d: *mut u8, c: c_int, n: usize) -> *mut u8 {
            // SAFETY: the caller keeps C's contract, which is the body's.
            unsafe { $crate::mem::memset(d, c, n) }
        }

        /// # Safety
        /// As C's `memcmp`.
        #[unsafe(no_mangle)]
        unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> c_int {
            // SAFETY: the caller keeps C's contract, which is the body's.
            unsafe { $crate::mem::memcmp(a, b, n) }
        }

        /// # Safety
        /// As C's `bcmp`.
        #[unsafe(no_mangle)]
        unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> c_int {
            // SAFETY: the caller keeps C's contract, which is the body's.
            unsafe { $crate::mem::memcmp(a, b, n) }
        }

        /// # Safety
        /// As C's `strlen`.
        #[unsafe(no_mangle)]
        unsafe extern "C" fn strlen(s: *const c_char) -> usize {
            // SAFETY: the caller keeps C's contract, which is the body's.
            unsafe { $crate::mem::strlen(s) }
        }
    };
}

/// The `#[global_allocator]` that [`main!`] installs with the `alloc` feature.
#[cfg(feature = "alloc")]
#[doc(hidden)]
#[macro_export]
macro_rules! __global_allocator {
    () => {
        #[global_allocator]
        static __SYSRT_RT_ALLOCATOR: $crate::alloc::Allocator = $crate::alloc::Allocator::new();

        /// Named by the landing pads of the precompiled `alloc` crate (built to unwind) once
        /// LTO pulls its code in, even under `panic = "abort"`. Nothing ever unwinds, so
        /// nothing calls it; if something did, it ends the process.
        #[unsafe(no_mangle)]
        extern "C" fn _Unwind_Resume(_exception: *mut core::ffi::c_void) -> ! {
            $crate::__sysrt::process::exit_group(134)
        }
    };
}

/// Without the `alloc` feature, [`main!`] installs no allocator.
#[cfg(not(feature = "alloc"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __global_allocator {
    () => {};
}
