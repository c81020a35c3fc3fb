//! The shared Rust entry that every architecture's `_start` calls.

use core::fmt::Display;
use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

use sysrt::fd::STDERR;

pub(crate) static ARGC: AtomicUsize = AtomicUsize::new(0);
pub(crate) static ARGV: AtomicPtr<*const u8> = AtomicPtr::new(core::ptr::null_mut());
pub(crate) static AUXV: AtomicPtr<usize> = AtomicPtr::new(core::ptr::null_mut());

/// Reads the initial stack, records argv/envp/auxv, runs `main` and exits with its code.
///
/// The initial stack, from `sp` up: `argc`, `argv[0..argc]`, NULL, `envp[..]`, NULL, then the
/// auxiliary vector as (key, value) pairs ending with `AT_NULL` (`man 3 getauxval`; the System
/// V ABI's "Process Initialization").
///
/// # Safety
/// Call once, from `_start`, with the stack pointer the kernel gave the process.
pub unsafe fn start<T: Termination>(sp: *const usize, main: fn() -> T) -> ! {
    // SAFETY: the kernel laid out argc, argv and its NULL, envp and its NULL, then the auxv
    // pairs at `sp`; all stay valid and unchanged for the life of the process.
    unsafe {
        let argc = *sp;
        let argv = sp.add(1) as *mut *const u8;
        let envp = argv.add(argc + 1);
        let mut p = envp;
        while !(*p).is_null() {
            p = p.add(1);
        }
        let auxv = p.add(1) as *mut usize;
        ARGC.store(argc, Ordering::Relaxed);
        ARGV.store(argv, Ordering::Relaxed);
        sysrt::env::set_initial(envp);
        AUXV.store(auxv, Ordering::Relaxed);
    }
    let code = main().report();
    sysrt::process::exit_group(code)
}

/// What `main` may return, and how it becomes the exit status.
pub trait Termination {
    /// The exit status; may print a report first.
    fn report(self) -> i32;
}

impl Termination for () {
    fn report(self) -> i32 {
        0
    }
}

impl Termination for i32 {
    fn report(self) -> i32 {
        self
    }
}

impl Termination for u8 {
    fn report(self) -> i32 {
        i32::from(self)
    }
}

/// `Err(e)` prints `Error: {e}` to stderr and exits with status 1, as std's `main` does.
impl<E: Display> Termination for Result<(), E> {
    fn report(self) -> i32 {
        match self {
            Ok(()) => 0,
            Err(e) => {
                crate::print::print_to(STDERR, format_args!("Error: {e}"), true);
                1
            }
        }
    }
}
