//! Program entry: argv, environment and auxv as xtask passed them; pids; stack alignment (R49).
//!
//! xtask runs this with a cleared environment and fixed arguments (see xtask/src/test.rs,
//! `STARTUP_ARGS` and `STARTUP_ENV`); the expected values here must match those.
#![no_std]
#![no_main]

use sysrt::fs::{self, Mode, OFlags};
use sysrt::{io, process};
use sysrt_rt::{args, auxv, env};
use sysrt_tests::{Tests, check};

const EXPECTED_ARGS: [&[u8]; 5] = [
    b"",
    b"two words",
    b"\xff\xfe",
    b"--flag=x=y",
    "ünï".as_bytes(),
];

fn parse_decimal(bytes: &[u8]) -> Option<i32> {
    let mut n: i32 = 0;
    if bytes.is_empty() {
        return None;
    }
    for &b in bytes {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(i32::from(b - b'0'))?;
    }
    Some(n)
}

/// The pid as /proc reports it: the first field of /proc/self/stat.
fn proc_self_pid() -> Option<i32> {
    let fd = fs::open("/proc/self/stat", OFlags::RDONLY, Mode::empty()).ok()?;
    let mut buf = [0u8; 64];
    let n = io::read(&fd, &mut buf).ok()?;
    let end = buf[..n].iter().position(|&b| b == b' ')?;
    parse_decimal(&buf[..end])
}

#[inline(never)]
fn aligned_vector_work(x: u128) -> u128 {
    // A 16-byte aligned local the compiler may access with aligned SSE/NEON moves: this faults
    // if the stack is misaligned.
    #[repr(align(16))]
    struct A([u128; 4]);
    let a = core::hint::black_box(A([x, x + 1, x + 2, x + 3]));
    a.0.iter().sum()
}

fn main() -> i32 {
    let mut t = Tests::new(20);

    // Arguments, exactly.
    check!(t, "argc", args().len(), EXPECTED_ARGS.len() + 1);
    let argv0 = args::arg(0).map(|a| a.to_bytes()).unwrap_or(b"");
    check!(
        t,
        "argv0_ends_with_program_name",
        argv0.ends_with(b"/startup"),
        true
    );
    let mut args_match = true;
    for (i, want) in EXPECTED_ARGS.iter().enumerate() {
        if args::arg(i + 1).map(|a| a.to_bytes()) != Some(*want) {
            args_match = false;
        }
    }
    check!(
        t,
        "argv_exact_bytes_incl_empty_and_non_utf8",
        args_match,
        true
    );
    check!(
        t,
        "argv_past_end_is_none",
        args::arg(EXPECTED_ARGS.len() + 1).is_none(),
        true
    );
    check!(
        t,
        "args_reverse_first_is_last_arg",
        args().next_back().map(|a| a.to_bytes()),
        Some("ünï".as_bytes())
    );

    // Environment, exactly (xtask clears it and sets these four).
    check!(t, "env_entry_count", env::environ().count(), 4usize);
    check!(
        t,
        "getenv_empty_value",
        env::getenv("SYSRT_EMPTY"),
        Some(&b""[..])
    );
    check!(
        t,
        "getenv_non_utf8_value",
        env::getenv("SYSRT_BYTES"),
        Some(&b"\xff"[..])
    );
    check!(
        t,
        "getenv_value_with_equals",
        env::getenv("SYSRT_EQ"),
        Some(&b"a=b"[..])
    );
    check!(
        t,
        "getenv_missing",
        env::getenv("SYSRT_NOT_SET"),
        None::<&[u8]>
    );
    check!(
        t,
        "getenv_name_with_equals_never_matches",
        env::getenv("SYSRT_EQ=a"),
        None::<&[u8]>
    );

    // Process identity.
    let ppid = env::getenv("SYSRT_TEST_PPID").and_then(parse_decimal);
    check!(t, "getppid_is_xtask", Some(process::getppid().raw()), ppid);
    check!(
        t,
        "getpid_matches_proc_self_stat",
        Some(process::getpid().raw()),
        proc_self_pid()
    );
    check!(
        t,
        "gettid_is_getpid_single_thread",
        process::gettid(),
        process::getpid()
    );

    // Auxiliary vector.
    check!(t, "auxv_pagesz", auxv::page_size(), 4096usize);
    let random = auxv::random_bytes();
    check!(
        t,
        "auxv_random_16_bytes_not_all_zero",
        random.map(|r| r.iter().any(|&b| b != 0)),
        Some(true)
    );
    check!(
        t,
        "auxv_execfn_is_argv0",
        auxv::execfn().map(|p| p.to_bytes()),
        Some(argv0)
    );
    let mut pairs_ok = auxv::entries().all(|(k, _)| k != 0);
    pairs_ok &= auxv::getauxval(auxv::AT_ENTRY).is_some();
    check!(
        t,
        "auxv_entries_end_at_at_null_and_have_at_entry",
        pairs_ok,
        true
    );

    // R49: stack alignment as the ABI requires, seen from a function main calls.
    check!(
        t,
        "stack_alignment_at_call",
        sysrt_arch::sp_mod16_at_entry(),
        sysrt_arch::SP_MOD16_AT_ENTRY
    );
    check!(
        t,
        "aligned_vector_local",
        aligned_vector_work(core::hint::black_box(1)),
        10u128
    );

    t.finish()
}

sysrt_rt::main!(main);
