//! The panic handler: `panicked at FILE:LINE:COL: MESSAGE` on stderr, then exit status 101
//! (the status Rust's std uses for a panicking main thread).

/// The exit status of a program that panicked.
pub const PANIC_EXIT_STATUS: i32 = 101;

// A test build of this crate links std, which has its own handler.
#[cfg(not(test))]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    use sysrt::fd::STDERR;
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
