//! The shared Rust entry that every architecture's `_start` calls, and what it does before
//! `main`: record argv/envp/auxv, make sure fds 0–2 are open, run the constructors. (Thread-local
//! storage, which would need a thread pointer, is refused when the program links: the
//! linker script `link/libc-free.ld` asserts there is none.)

use core::fmt::Debug;
use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

use linux_raw_sys::general as g;
use sysrt::fd::STDERR;
use sysrt_arch::{self as arch, Sysno};

pub(crate) static ARGC: AtomicUsize = AtomicUsize::new(0);
pub(crate) static ARGV: AtomicPtr<*const u8> = AtomicPtr::new(core::ptr::null_mut());
pub(crate) static AUXV: AtomicPtr<usize> = AtomicPtr::new(core::ptr::null_mut());

/// The exit status of a program the runtime could not start: its initial stack was cut short,
/// or fds 0–2 were closed and `/dev/null` could not be opened in their place (with no
/// message: stderr may be one of them).
pub const STARTUP_FAILURE_EXIT_STATUS: i32 = 127;

/// Reads the initial stack, records argv/envp/auxv, prepares the process, runs `main` and
/// exits with its code.
///
/// The initial stack, from `sp` up: `argc`, `argv[0..argc]`, NULL, `envp[..]`, NULL, then the
/// auxiliary vector as (key, value) pairs ending with `AT_NULL` (`man 3 getauxval`; the System
/// V ABI's "Process Initialization").
///
/// Before `main`, in this order:
/// 1. fds 0, 1 and 2 are checked with one `ppoll` and any that is closed is opened on
///    `/dev/null`, as Rust's std does: `sysrt::fd::STDOUT` and friends are safe constants,
///    which is only sound if those numbers can never be handed out to a new file;
/// 2. the `.preinit_array` and `.init_array` constructors run, with `(argc, argv, envp)` as
///    glibc passes them: the `ctor` and `inventory` crates, and the outlined atomics' CPU probe
///    on aarch64, rely on them.
///
/// # Safety
/// Call once, from `_start`, with the stack pointer the kernel gave the process.
pub unsafe fn start<T: Termination>(sp: *const usize, main: fn() -> T) -> ! {
    // The kernel laid out argc, argv and its NULL, envp and its NULL, then the auxv pairs at
    // `sp`; `stack_layout` reads words in that order and stops at envp's NULL.
    let layout = stack_layout(|i| {
        // SAFETY: so word `i` is one of those the kernel wrote, valid for the process's life.
        Some(unsafe { *sp.add(i) })
    });
    // A kernel-made stack always has a layout (argc + 2 cannot overflow); no message: nothing
    // is set up yet.
    let Some(layout) = layout else {
        sysrt::process::exit_group(STARTUP_FAILURE_EXIT_STATUS)
    };
    // SAFETY: the offsets are those of the words just read, which stay valid and unchanged
    // for the life of the process.
    let (argc, argv, envp) = unsafe {
        let argc = layout.argc;
        let argv = sp.add(layout.argv) as *mut *const u8;
        let envp = sp.add(layout.envp) as *mut *const u8;
        let auxv = sp.add(layout.auxv) as *mut usize;
        ARGC.store(argc, Ordering::Relaxed);
        ARGV.store(argv, Ordering::Relaxed);
        sysrt::env::set_initial(envp);
        AUXV.store(auxv, Ordering::Relaxed);
        // sysrt's own lookups (the page size, the hardware capabilities, the vDSO) then read
        // the same vector, with no syscall.
        sysrt::auxv::set_vector(auxv);
        (argc, argv, envp)
    };
    open_stdio();
    // SAFETY: called once, before `main`, with the process's own argc/argv/envp.
    unsafe { run_constructors(argc as i32, argv, envp) };
    let code = main().report();
    sysrt::process::exit_group(code)
}

/// Where each part of an initial stack starts, in words from the stack pointer.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct StackLayout {
    /// The argument count (the first word).
    pub argc: usize,
    /// Where `argv[0]` is: always 1.
    pub argv: usize,
    /// Where `envp[0]` is: just past argv's NULL, `argc + 2`.
    pub envp: usize,
    /// Where the auxiliary vector's first key is: just past envp's NULL.
    pub auxv: usize,
}

/// Finds argv, envp and the auxiliary vector on an initial stack whose words `word(i)` reads
/// (`i` counted from the stack pointer): `argc`, `argv[0..argc]`, NULL, `envp[..]`, NULL, then
/// the auxv pairs. `None` when `word` runs out (a stack cut short) before envp's NULL.
///
/// [`start`] runs it on the real stack; it is a function of its own so that tests and the
/// fuzzer give it stacks that no kernel would make. It reads the words in order, each at most
/// once, and never past envp's NULL; like the kernel's own consumers it does not check that
/// `argv[argc]` is NULL.
pub fn stack_layout(mut word: impl FnMut(usize) -> Option<usize>) -> Option<StackLayout> {
    let argc = word(0)?;
    let envp = argc.checked_add(2)?;
    let mut p = envp;
    while word(p)? != 0 {
        p = p.checked_add(1)?;
    }
    Some(StackLayout {
        argc,
        argv: 1,
        envp,
        auxv: p.checked_add(1)?,
    })
}

/// Makes sure fds 0, 1 and 2 are open: one `ppoll` with a zero timeout reports `POLLNVAL` for
/// a closed one, which is then opened on `/dev/null` (the lowest free number is the closed
/// one, so they are filled in order). Where `ppoll` itself fails (`RLIMIT_NOFILE` below 3
/// makes it `EINVAL`), `fcntl(F_GETFD)` asks about each one instead. Not close-on-exec: these
/// are the standard streams, which children inherit.
fn open_stdio() {
    let pollfd = |fd| g::pollfd {
        fd,
        events: 0,
        revents: 0,
    };
    let mut fds = [pollfd(0), pollfd(1), pollfd(2)];
    let zero = g::__kernel_timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `fds` is three valid pollfds the kernel writes `revents` into; `zero` is a
    // valid timespec; no signal mask is passed.
    let ret = unsafe {
        arch::syscall5(
            Sysno::ppoll,
            fds.as_mut_ptr() as usize,
            fds.len(),
            &zero as *const _ as usize,
            0,
            0,
        )
    };
    let polled = sysrt::Errno::decode(ret).is_ok();
    for p in &fds {
        let closed = if polled {
            p.revents as u32 & g::POLLNVAL != 0
        } else {
            // SAFETY: F_GETFD reads nothing from us and writes nothing.
            let r = unsafe { arch::syscall2(Sysno::fcntl, p.fd as usize, g::F_GETFD as usize) };
            sysrt::Errno::decode(r) == Err(sysrt::Errno::EBADF)
        };
        if closed {
            // SAFETY: a NUL-terminated path; the new fd is the lowest free one, `p.fd`.
            let r = unsafe {
                arch::syscall4(
                    Sysno::openat,
                    g::AT_FDCWD as isize as usize,
                    c"/dev/null".as_ptr() as usize,
                    g::O_RDWR as usize,
                    0,
                )
            };
            if sysrt::Errno::decode(r) != Ok(p.fd as usize) {
                // Nothing can be promised about 0–2; std aborts here too.
                sysrt::process::exit_group(STARTUP_FAILURE_EXIT_STATUS);
            }
        }
    }
}

type Constructor = unsafe extern "C" fn(i32, *const *const u8, *const *const u8);

unsafe extern "C" {
    // Defined by the linker around the output sections of the same names (lld and GNU ld
    // both do so for a static executable; an absent section gives an empty range).
    static __preinit_array_start: [Option<Constructor>; 0];
    static __preinit_array_end: [Option<Constructor>; 0];
    static __init_array_start: [Option<Constructor>; 0];
    static __init_array_end: [Option<Constructor>; 0];
}

/// Runs `.preinit_array`, then `.init_array`, in order, as glibc's `__libc_start_main` does.
/// Null and -1 entries (placeholders some toolchains leave) are skipped.
///
/// # Safety
/// Once, before `main`, with the process's argc/argv/envp.
unsafe fn run_constructors(argc: i32, argv: *const *const u8, envp: *const *const u8) {
    // SAFETY: the linker symbols bound arrays of function pointers the toolchain put there
    // for exactly this call; the caller's promise is passed on.
    unsafe {
        run_array(
            &raw const __preinit_array_start as *const usize,
            &raw const __preinit_array_end as *const usize,
            argc,
            argv,
            envp,
        );
        run_array(
            &raw const __init_array_start as *const usize,
            &raw const __init_array_end as *const usize,
            argc,
            argv,
            envp,
        );
    }
}

/// Calls each constructor in `[p, end)`, in order, skipping the null and -1 placeholders.
///
/// # Safety
/// `[p, end)` is one of the linker's constructor arrays; as [`run_constructors`].
unsafe fn run_array(
    mut p: *const usize,
    end: *const usize,
    argc: i32,
    argv: *const *const u8,
    envp: *const *const u8,
) {
    while p < end {
        // SAFETY: `p` is inside the array the caller named.
        let f = unsafe { *p };
        if f != 0 && f != usize::MAX {
            // SAFETY: a non-placeholder entry is a constructor the toolchain placed there,
            // called with the arguments glibc passes.
            unsafe { core::mem::transmute::<usize, Constructor>(f)(argc, argv, envp) };
        }
        // SAFETY: at most one past the array's last entry.
        p = unsafe { p.add(1) };
    }
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

impl Termination for core::convert::Infallible {
    fn report(self) -> i32 {
        match self {}
    }
}

/// `Ok(t)` reports `t`; `Err(e)` prints `Error: {e:?}` to stderr and exits with status 1,
/// exactly as std's `main` does (with `Debug`, so an [`sysrt::Errno`] shows its name).
impl<T: Termination, E: Debug> Termination for Result<T, E> {
    fn report(self) -> i32 {
        match self {
            Ok(t) => t.report(),
            Err(e) => {
                crate::print::print_to(STDERR, format_args!("Error: {e:?}"), true);
                1
            }
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    fn layout_of(words: &[usize]) -> Option<StackLayout> {
        stack_layout(|i| words.get(i).copied())
    }

    #[test]
    fn a_kernel_shaped_stack() {
        // argc 2, argv, NULL, two env entries, NULL, AT_PAGESZ 4096, AT_NULL.
        let s = [2, 0x100, 0x200, 0, 0x300, 0x400, 0, 6, 4096, 0, 0];
        let want = StackLayout {
            argc: 2,
            argv: 1,
            envp: 4,
            auxv: 7,
        };
        assert_eq!(layout_of(&s), Some(want));
        // argc 0 and an empty environment (R50).
        assert_eq!(
            layout_of(&[0, 0, 0, 0, 0]),
            Some(StackLayout {
                argc: 0,
                argv: 1,
                envp: 2,
                auxv: 3
            })
        );
    }

    #[test]
    fn cut_short_or_absurd_stacks_are_none() {
        assert_eq!(layout_of(&[]), None);
        assert_eq!(layout_of(&[3, 1, 2, 3, 0, 7]), None); // no envp NULL
        assert_eq!(layout_of(&[usize::MAX, 0]), None); // argc + 2 overflows
        assert_eq!(layout_of(&[usize::MAX - 2, 0]), None); // past the words there are
    }
}
