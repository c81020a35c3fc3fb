//! getrandom: buffers of 1 byte to 1 MiB come back filled (every byte written) and differ
//! between calls, through the vDSO (natively, where the kernel has it) and through the
//! syscall; the flags; the errors, the same on both paths; `fill`.
#![no_std]
#![no_main]

use sysrt::random::{GetRandomFlags, fill, getrandom, getrandom_syscall};
use sysrt::{Errno, vdso};
use sysrt_tests::util::{FdBaseline, kernel_older_than, under_qemu};
use sysrt_tests::{Tests, check};

const PLAN: usize = 27;
const MIB: usize = 1 << 20;

/// Two 1 MiB buffers and a "seen written" flag per byte, in one anonymous mapping (no
/// `static mut`, no allocator).
struct Buffers {
    a: &'static mut [u8],
    b: &'static mut [u8],
    seen: &'static mut [u8],
}

fn map_buffers() -> Result<Buffers, Errno> {
    use linux_raw_sys::general::{MAP_ANONYMOUS, MAP_PRIVATE, PROT_READ, PROT_WRITE};
    // SAFETY: a fresh anonymous mapping at an address of the kernel's choosing replaces
    // nothing of ours.
    let base = unsafe {
        sysrt::raw_syscall6(
            sysrt::Sysno::mmap,
            0,
            3 * MIB,
            (PROT_READ | PROT_WRITE) as usize,
            (MAP_PRIVATE | MAP_ANONYMOUS) as usize,
            usize::MAX,
            0,
        )
    }?;
    // SAFETY: three disjoint 1 MiB parts of the new, zero-filled mapping, never unmapped;
    // each slice is the only reference to its part.
    Ok(unsafe {
        Buffers {
            a: core::slice::from_raw_parts_mut(base as *mut u8, MIB),
            b: core::slice::from_raw_parts_mut((base + MIB) as *mut u8, MIB),
            seen: core::slice::from_raw_parts_mut((base + 2 * MIB) as *mut u8, MIB),
        }
    })
}

type Get = fn(&mut [u8], GetRandomFlags) -> Result<usize, Errno>;

/// Whether every byte of an `n`-byte buffer is written: the buffer is zeroed and filled up
/// to 8 times, and each byte must come back non-zero at least once (a byte the kernel writes
/// is zero with probability 1/256 per fill, so a written byte is missed with probability
/// 2^-64). Also the calls' results (all must be `n`).
fn every_byte_written(m: &mut Buffers, get: Get, n: usize) -> (bool, bool) {
    let (buf, seen) = (&mut m.a[..n], &mut m.seen[..n]);
    seen.fill(0);
    let mut unseen = n;
    let mut all_full = true;
    for _ in 0..8 {
        buf.fill(0);
        all_full &= get(buf, GetRandomFlags::empty()) == Ok(n);
        for (b, s) in buf.iter().zip(seen.iter_mut()) {
            if *b != 0 && *s == 0 {
                *s = 1;
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
fn two_calls_differ(m: &mut Buffers, get: Get, n: usize) -> bool {
    let (a, b) = (&mut m.a[..n], &mut m.b[..n]);
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
    let m = map_buffers();
    check!(t, "map_two_mib_buffers", m.as_ref().map(drop), Ok(()));
    let Ok(mut m) = m else {
        return t.finish();
    };

    let mut probe = [0u8; 16];
    let _ = getrandom(&mut probe, GetRandomFlags::empty());
    let vdso_used = vdso::symbols().getrandom.is_some();
    // The vDSO has getrandom on x86_64 from Linux 6.11 and on aarch64 from 6.14 (the 6.1
    // kernel guests have none); the riscv64 kernels this runs on (6.12) have none; under QEMU
    // there is no vDSO at all.
    let expected = !qemu
        && match sysrt_arch::ARCH {
            "x86_64" => !kernel_older_than(6, 11),
            "aarch64" => !kernel_older_than(6, 14),
            _ => false,
        };
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
        check!(
            t,
            vname,
            every_byte_written(&mut m, getrandom, n),
            (true, true)
        );
        check!(
            t,
            sname,
            every_byte_written(&mut m, getrandom_syscall, n),
            (true, true)
        );
    }
    check!(
        t,
        "getrandom_calls_differ_1_byte_to_1_mib",
        [1, 2, 16, 4096, MIB].map(|n| two_calls_differ(&mut m, getrandom, n)),
        [true; 5]
    );
    check!(
        t,
        "getrandom_syscall_calls_differ_1_byte_to_1_mib",
        [1, 2, 16, 4096, MIB].map(|n| two_calls_differ(&mut m, getrandom_syscall, n)),
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
    let big = &mut *m.b;
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
