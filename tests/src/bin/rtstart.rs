//! What the runtime does before and around `main`: `.preinit_array`/`.init_array` constructors
//! (run in order, once, with argc/argv/envp, after argv/env are recorded), the exported
//! `getauxval` (aarch64's; the recipe the docs give elsewhere), atomics (outlined on aarch64, whose CPU probe runs as a constructor), and the
//! `mem*` functions at every small size and alignment, which a dev build reaches as real calls.
//!
//! With the argument `stdio REPORT`, it instead writes what fds 0–2 are and which fd the next
//! `open` gets into the file REPORT; xtask runs it so with some of 0–2 closed.
#![no_std]
#![no_main]

use core::ffi::c_ulong;
use core::sync::atomic::{AtomicI32, AtomicU8, AtomicU32, AtomicU64, AtomicUsize, Ordering};

use sysrt::fs::{self, Mode, OFlags};
use sysrt::io;
use sysrt_tests::util::FdBaseline;
use sysrt_tests::{Tests, check};

const PLAN: usize = 15;

static ORDER: AtomicU32 = AtomicU32::new(0);
static PREINIT_AT: AtomicU32 = AtomicU32::new(0);
static INIT_AT: AtomicU32 = AtomicU32::new(0);
static INIT_CALLS: AtomicU32 = AtomicU32::new(0);
static CTOR_ARGC: AtomicI32 = AtomicI32::new(-1);
static CTOR_ARGS_SEEN: AtomicUsize = AtomicUsize::new(usize::MAX);
static CTOR_SAW_PATH: AtomicU8 = AtomicU8::new(0);

extern "C" fn preinit(_argc: i32, _argv: *const *const u8, _envp: *const *const u8) {
    PREINIT_AT.store(ORDER.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
}

extern "C" fn init(argc: i32, _argv: *const *const u8, _envp: *const *const u8) {
    INIT_AT.store(ORDER.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
    INIT_CALLS.fetch_add(1, Ordering::SeqCst);
    CTOR_ARGC.store(argc, Ordering::SeqCst);
    CTOR_ARGS_SEEN.store(sysrt_rt::args().len(), Ordering::SeqCst);
    let path = sysrt_rt::getenv("PATH").is_some();
    CTOR_SAW_PATH.store(u8::from(path), Ordering::SeqCst);
}

type Ctor = extern "C" fn(i32, *const *const u8, *const *const u8);

// What the `ctor` crate and C compilers emit for a constructor: a pointer in `.init_array`.
#[used]
#[unsafe(link_section = ".init_array")]
static INIT: Ctor = init;

#[used]
#[unsafe(link_section = ".preinit_array")]
static PREINIT: Ctor = preinit;

unsafe extern "C" {
    /// The runtime's export on aarch64 (its outlined atomics call it), as C code sees it.
    fn getauxval(key: c_ulong) -> c_ulong;
}

// On the other arches `main!` exports no `getauxval`; a program that links C code calling it
// defines it as the crate docs say, which is what this checks there.
sysrt_arch::only_x86_64! {
    mod exported {
        use core::ffi::c_ulong;

        #[unsafe(no_mangle)]
        extern "C" fn getauxval(key: c_ulong) -> c_ulong {
            sysrt_rt::auxv::getauxval(key as usize).unwrap_or(0) as c_ulong
        }
    }
}
sysrt_arch::only_riscv64! {
    mod exported {
        use core::ffi::c_ulong;

        #[unsafe(no_mangle)]
        extern "C" fn getauxval(key: c_ulong) -> c_ulong {
            sysrt_rt::auxv::getauxval(key as usize).unwrap_or(0) as c_ulong
        }
    }
}

fn main() -> i32 {
    if sysrt_rt::args::arg(1).map(|a| a.to_bytes()) == Some(b"stdio") {
        return stdio_report();
    }
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();

    check!(
        t,
        "preinit_array_ran_first",
        PREINIT_AT.load(Ordering::SeqCst),
        1
    );
    check!(
        t,
        "init_array_ran_second",
        INIT_AT.load(Ordering::SeqCst),
        2
    );
    check!(
        t,
        "init_array_ran_once",
        INIT_CALLS.load(Ordering::SeqCst),
        1
    );
    check!(
        t,
        "ctor_got_argc",
        CTOR_ARGC.load(Ordering::SeqCst),
        sysrt_rt::args().len() as i32
    );
    check!(
        t,
        "ctor_saw_args_recorded",
        CTOR_ARGS_SEEN.load(Ordering::SeqCst),
        sysrt_rt::args().len()
    );
    check!(
        t,
        "ctor_saw_env_recorded",
        CTOR_SAW_PATH.load(Ordering::SeqCst),
        1
    );

    // SAFETY: the runtime's getauxval takes any key.
    let (hwcap, none) = unsafe {
        (
            getauxval(sysrt_rt::auxv::AT_HWCAP as c_ulong),
            getauxval(0x7fff),
        )
    };
    check!(
        t,
        "exported_getauxval_matches_auxv",
        (hwcap as usize, none),
        (sysrt_rt::auxv::hwcap().unwrap_or(0), 0)
    );

    // Read-modify-write atomics of every width: outlined calls on aarch64 (LSE or LL/SC,
    // chosen by the constructor's CPU probe), inline elsewhere.
    let a8 = AtomicU8::new(0xf0);
    let a32 = AtomicU32::new(7);
    let a64 = AtomicU64::new(u64::MAX - 1);
    let r = (
        a8.fetch_or(0x0f, Ordering::SeqCst),
        a8.load(Ordering::SeqCst),
        a32.compare_exchange(7, 9, Ordering::SeqCst, Ordering::SeqCst),
        a32.compare_exchange(7, 10, Ordering::SeqCst, Ordering::SeqCst),
        a64.fetch_add(3, Ordering::SeqCst),
        a64.swap(5, Ordering::SeqCst),
        a64.load(Ordering::SeqCst),
    );
    check!(
        t,
        "atomic_rmw_every_width",
        r,
        (0xf0, 0xff, Ok(7), Err(9), u64::MAX - 1, 1, 5)
    );

    check!(t, "memset_every_size_and_alignment", mem_set_cases(), 0);
    check!(t, "memcpy_every_size_and_alignment", mem_copy_cases(), 0);
    check!(t, "memmove_overlapping_both_ways", mem_move_cases(), 0);
    check!(t, "memcmp_orders_by_first_difference", mem_cmp_cases(), 0);
    check!(
        t,
        "fds_0_1_2_open_at_start",
        stdio_open(),
        [true, true, true]
    );

    baseline.check(&mut t);
    t.finish()
}

/// Bytes of `buf[off..off+len]` (and around) that are not what a `memset` should leave.
#[inline(never)]
fn mem_set_cases() -> usize {
    let mut bad = 0;
    for len in 0..48 {
        for off in 0..9 {
            let mut buf = [0xeeu8; 64];
            // SAFETY: `off + len <= 64`. `write_bytes` is a `memset` call.
            unsafe { core::ptr::write_bytes(buf.as_mut_ptr().add(off), 0xa5, len) };
            for (i, &b) in buf.iter().enumerate() {
                let want = if i >= off && i < off + len {
                    0xa5
                } else {
                    0xee
                };
                bad += usize::from(b != want);
            }
        }
    }
    bad
}

fn pattern(i: usize) -> u8 {
    (i * 7 + 3) as u8
}

#[inline(never)]
fn mem_copy_cases() -> usize {
    let mut src = [0u8; 64];
    for (i, b) in src.iter_mut().enumerate() {
        *b = pattern(i);
    }
    let mut bad = 0;
    for len in 0..48 {
        for off in 0..9 {
            for soff in 0..9 {
                let mut dst = [0u8; 64];
                // SAFETY: both ranges lie inside their 64-byte buffers, which are disjoint.
                unsafe {
                    core::ptr::copy_nonoverlapping(
                        src.as_ptr().add(soff),
                        dst.as_mut_ptr().add(off),
                        len,
                    )
                };
                for (i, &b) in dst.iter().enumerate() {
                    let want = if i >= off && i < off + len {
                        pattern(i - off + soff)
                    } else {
                        0
                    };
                    bad += usize::from(b != want);
                }
            }
        }
    }
    bad
}

#[inline(never)]
fn mem_move_cases() -> usize {
    let mut bad = 0;
    for len in 0..40 {
        for from in 0..12 {
            for to in 0..12 {
                let mut m = [0u8; 64];
                for (i, b) in m.iter_mut().enumerate() {
                    *b = pattern(i);
                }
                // SAFETY: both ranges lie inside the 64-byte buffer. `copy` is a `memmove`.
                unsafe { core::ptr::copy(m.as_ptr().add(from), m.as_mut_ptr().add(to), len) };
                for (i, &b) in m.iter().enumerate() {
                    let want = if i >= to && i < to + len {
                        pattern(i - to + from)
                    } else {
                        pattern(i)
                    };
                    bad += usize::from(b != want);
                }
            }
        }
    }
    bad
}

#[inline(never)]
fn mem_cmp_cases() -> usize {
    let mut bad = 0;
    let mut a = [0u8; 40];
    for (i, x) in a.iter_mut().enumerate() {
        *x = pattern(i);
    }
    for len in 1..40 {
        let mut b = a;
        bad += usize::from(a[..len] != b[..len]);
        b[len - 1] = b[len - 1].wrapping_add(1);
        bad += usize::from(a[..len] == b[..len]);
        // Slices of bytes order as memcmp orders them: by the first difference, unsigned.
        let want = a[len - 1].cmp(&b[len - 1]);
        bad += usize::from(core::hint::black_box(&a[..len]).cmp(&b[..len]) != want);
    }
    bad
}

fn stdio_open() -> [bool; 3] {
    [0, 1, 2].map(|fd| {
        // SAFETY: F_GETFD reads and writes no memory.
        let r = unsafe {
            sysrt::raw_syscall(
                sysrt::Sysno::fcntl,
                fd,
                linux_raw_sys::general::F_GETFD as usize,
                0,
            )
        };
        r.is_ok()
    })
}

/// Writes `N TARGET` for fds 0–2 and `open N` for the next open's number into the report file.
fn stdio_report() -> i32 {
    // Open the probe file first: with 0–2 all open it must get 3 or above.
    let probe = match fs::open("/proc/self/exe", OFlags::RDONLY, Mode::empty()) {
        Ok(fd) => fd,
        Err(_) => return 2,
    };
    let Some(path) = sysrt_rt::args::arg(2) else {
        return 2;
    };
    let Ok(out) = fs::open(
        path,
        OFlags::WRONLY | OFlags::CREAT | OFlags::TRUNC,
        Mode::from_octal(0o600),
    ) else {
        return 2;
    };
    let mut line = sysrt_tests::check::Buf::<512>::new();
    for fd in 0..3 {
        let mut buf = [0u8; 64];
        let mut name = sysrt_tests::check::Buf::<32>::new();
        let _ = core::fmt::Write::write_fmt(&mut name, format_args!("/proc/self/fd/{fd}"));
        let target = match fs::readlink(name.as_str(), &mut buf) {
            Ok(r) => core::str::from_utf8(r.target).unwrap_or("?"),
            Err(_) => "closed",
        };
        let _ = core::fmt::Write::write_fmt(&mut line, format_args!("{fd} {target}\n"));
    }
    let _ = core::fmt::Write::write_fmt(&mut line, format_args!("open {}\n", probe.as_raw_fd()));
    match io::write_all(&out, line.as_str().as_bytes()) {
        Ok(()) => 0,
        Err(_) => 2,
    }
}

sysrt_rt::main!(main);
