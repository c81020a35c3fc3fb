//! getrandom: buffers of 1 byte to 1 MiB come back filled (every byte written) and differ
//! between calls, through the vDSO (natively, where the kernel has it) and through the
//! syscall; the flags; the errors, the same on both paths; `fill`.
#![no_std]
#![no_main]

use sysrt::random::{GetRandomFlags, fill, getrandom, getrandom_syscall};
use sysrt::{Errno, vdso};
use sysrt_tests::util::{FdBaseline, under_qemu};
use sysrt_tests::{Tests, check};

const PLAN: usize = 26;
const MIB: usize = 1 << 20;

/// Two 1 MiB buffers and a "seen written" flag per byte.
static mut A: [u8; MIB] = [0; MIB];
static mut B: [u8; MIB] = [0; MIB];
static mut SEEN: [bool; MIB] = [false; MIB];

type Get = fn(&mut [u8], GetRandomFlags) -> Result<usize, Errno>;

/// Whether every byte of an `n`-byte buffer is written: the buffer is zeroed and filled up
/// to 8 times, and each byte must come back non-zero at least once (a byte the kernel writes
/// is zero with probability 1/256 per fill, so a written byte is missed with probability
/// 2^-64). Also the calls' results (all must be `n`).
fn every_byte_written(get: Get, n: usize) -> (bool, bool) {
    // SAFETY: the program is single-threaded and no reference to these statics outlives
    // this function.
    let (buf, seen) = unsafe { (&mut *(&raw mut A), &mut *(&raw mut SEEN)) };
    let (buf, seen) = (&mut buf[..n], &mut seen[..n]);
    seen.fill(false);
    let mut unseen = n;
    let mut all_full = true;
    for _ in 0..8 {
        buf.fill(0);
        all_full &= get(buf, GetRandomFlags::empty()) == Ok(n);
        for (b, s) in buf.iter().zip(seen.iter_mut()) {
            if *b != 0 && !*s {
                *s = true;
                unseen -= 1;
            }
        }
        if unseen == 0 {
            break;
        }
    }
    (all_full, unseen == 0)
}

/// Whether two calls give different bytes (for fewer than 8 bytes, two equal results happen
/// by chance: up to 8 tries).
fn two_calls_differ(get: Get, n: usize) -> bool {
    // SAFETY: as above.
    let (a, b) = unsafe { (&mut *(&raw mut A), &mut *(&raw mut B)) };
    let (a, b) = (&mut a[..n], &mut b[..n]);
    (0..8).any(|_| {
        get(a, GetRandomFlags::empty()) == Ok(n)
            && get(b, GetRandomFlags::empty()) == Ok(n)
            && a != b
    })
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();
    let qemu = under_qemu();

    let mut probe = [0u8; 16];
    let _ = getrandom(&mut probe, GetRandomFlags::empty());
    let vdso_used = vdso::symbols().getrandom.is_some();
    // Natively on x86_64 (Linux 6.11+) the vDSO has getrandom; under QEMU there is no vDSO.
    let expected = !qemu && sysrt_arch::ARCH == "x86_64";
    check!(
        t,
        "getrandom_path_vdso_native_x86_64_syscall_qemu",
        vdso_used,
        expected
    );
    if !vdso_used {
        sysrt_rt::println!("  (getrandom ran the syscall: no vDSO getrandom here)");
    }

    let sizes: [(&str, &str, usize); 6] = [
        (
            "getrandom_1_byte_filled",
            "getrandom_syscall_1_byte_filled",
            1,
        ),
        (
            "getrandom_16_bytes_filled",
            "getrandom_syscall_16_bytes_filled",
            16,
        ),
        (
            "getrandom_257_bytes_filled",
            "getrandom_syscall_257_bytes_filled",
            257,
        ),
        (
            "getrandom_4096_bytes_filled",
            "getrandom_syscall_4096_bytes_filled",
            4096,
        ),
        (
            "getrandom_65537_bytes_filled",
            "getrandom_syscall_65537_bytes_filled",
            65537,
        ),
        (
            "getrandom_1_mib_filled",
            "getrandom_syscall_1_mib_filled",
            MIB,
        ),
    ];
    for (vname, sname, n) in sizes {
        check!(t, vname, every_byte_written(getrandom, n), (true, true));
        check!(
            t,
            sname,
            every_byte_written(getrandom_syscall, n),
            (true, true)
        );
    }
    check!(
        t,
        "getrandom_calls_differ_1_byte_to_1_mib",
        [1, 2, 16, 4096, MIB].map(|n| two_calls_differ(getrandom, n)),
        [true; 5]
    );
    check!(
        t,
        "getrandom_syscall_calls_differ_1_byte_to_1_mib",
        [1, 2, 16, 4096, MIB].map(|n| two_calls_differ(getrandom_syscall, n)),
        [true; 5]
    );
    let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
    let _ = (
        getrandom(&mut a, GetRandomFlags::empty()),
        getrandom_syscall(&mut b, GetRandomFlags::empty()),
    );
    check!(t, "vdso_and_syscall_bytes_differ", a != b, true);

    // Flags.
    let mut buf = [0u8; 64];
    for (name, flags) in [
        ("getrandom_nonblock_64", GetRandomFlags::NONBLOCK),
        ("getrandom_insecure_64", GetRandomFlags::INSECURE),
        ("getrandom_random_64", GetRandomFlags::RANDOM),
        (
            "getrandom_random_nonblock_64",
            GetRandomFlags::RANDOM | GetRandomFlags::NONBLOCK,
        ),
    ] {
        check!(t, name, getrandom(&mut buf, flags), Ok(64usize));
    }
    check!(
        t,
        "getrandom_empty_buffer_0",
        (
            getrandom(&mut [], GetRandomFlags::empty()),
            getrandom_syscall(&mut [], GetRandomFlags::empty())
        ),
        (Ok(0usize), Ok(0usize))
    );
    // Errors: the same on both paths (the vDSO alone would accept RANDOM|INSECURE).
    let both = GetRandomFlags::RANDOM | GetRandomFlags::INSECURE;
    check!(
        t,
        "getrandom_random_and_insecure_einval_both_paths",
        (getrandom(&mut buf, both), getrandom_syscall(&mut buf, both)),
        (Err(Errno::EINVAL), Err(Errno::EINVAL))
    );
    let unknown = GetRandomFlags::from_bits_retain(0x80);
    check!(
        t,
        "getrandom_unknown_flag_einval_both_paths",
        (
            getrandom(&mut buf, unknown),
            getrandom_syscall(&mut buf, unknown)
        ),
        (Err(Errno::EINVAL), Err(Errno::EINVAL))
    );
    // SAFETY: single-threaded; the reference ends with the call.
    let big = unsafe { &mut *(&raw mut B) };
    big.fill(0);
    check!(
        t,
        "fill_1_mib",
        (
            fill(big),
            big.iter().filter(|&&b| b == 0).count() < MIB / 128
        ),
        (Ok(()), true)
    );

    baseline.check(&mut t);
    t.finish()
}

sysrt_rt::main!(main);
