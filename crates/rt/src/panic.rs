//! The panic report: `panicked at FILE:LINE:COL: MESSAGE` on stderr, then exit status 101
//! (the status Rust's std uses for a panicking main thread).
//!
//! The `#[panic_handler]` itself is defined by [`crate::main!`] in the program's crate, outside
//! `cfg(test)`: a unit-test build of that crate links std, which has its own handler.

use sysrt::fd::STDERR;

/// The exit status of a program that panicked.
pub const PANIC_EXIT_STATUS: i32 = 101;

/// Prints the panic message and ends the process with [`PANIC_EXIT_STATUS`]; the body of the
/// panic handler that [`crate::main!`] defines.
#[doc(hidden)]
pub fn report(info: &core::panic::PanicInfo<'_>) -> ! {
    let msg = info.message();
    match info.location() {
        Some(loc) => crate::print::print_to(
            STDERR,
            format_args!(
                "panicked at {}:{}:{}: {}",
                loc.file(),
                loc.line(),
                loc.column(),
                msg
            ),
            true,
        ),
        None => crate::print::print_to(STDERR, format_args!("panicked: {msg}"), true),
    }
    sysrt::process::exit_group(PANIC_EXIT_STATUS)
}
