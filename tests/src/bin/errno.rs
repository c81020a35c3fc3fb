//! Errno: every name, message and display round trip, and decoding at the boundaries (R54).
#![no_std]
#![no_main]

use sysrt::Errno;
use sysrt_tests::check::Buf;
use sysrt_tests::{Tests, check};

fn main() -> i32 {
    let mut t = Tests::new(14);

    // Every errno in the table: name, message, Display and raw-value round trip.
    let mut bad = 0usize;
    let mut first_bad = Errno::from_raw(0);
    for &err in Errno::ALL {
        let name = err.name().unwrap_or("");
        let msg = err.message().unwrap_or("");
        let shown = Buf::<128>::format(format_args!("{err}"));
        let want = Buf::<128>::format(format_args!("{name}: {msg}"));
        let round = Errno::decode((err.raw() as usize).wrapping_neg());
        let ok = name.starts_with('E')
            && !msg.is_empty()
            && shown.as_bytes() == want.as_bytes()
            && round == Err(err)
            && Errno::from_raw(err.raw()) == err;
        if !ok {
            bad += 1;
            first_bad = err;
        }
    }
    check!(
        t,
        "errno_table_round_trip_all",
        (bad, first_bad),
        (0usize, Errno::from_raw(0))
    );
    check!(t, "errno_table_size", Errno::ALL.len(), 131usize);
    check!(
        t,
        "errno_enoent_display",
        Buf::<64>::format(format_args!("{}", Errno::ENOENT)),
        "ENOENT: no such file or directory"
    );
    check!(
        t,
        "errno_unknown_display",
        Buf::<64>::format(format_args!("{}", Errno::from_raw(4000))),
        "errno 4000"
    );
    check!(
        t,
        "errno_unknown_name",
        Errno::from_raw(4000).name(),
        None::<&str>
    );
    check!(
        t,
        "errno_alias_ewouldblock",
        Errno::EWOULDBLOCK,
        Errno::EAGAIN
    );
    check!(t, "errno_enoent_is_2", Errno::ENOENT.raw(), 2u16);

    // R54: only -4095..=-1 are errors.
    let neg = |n: isize| n as usize;
    check!(
        t,
        "decode_minus_4096_is_ok",
        Errno::decode(neg(-4096)),
        Ok(neg(-4096))
    );
    check!(
        t,
        "decode_minus_4095_is_err",
        Errno::decode(neg(-4095)),
        Err(Errno::from_raw(4095))
    );
    check!(
        t,
        "decode_minus_1_is_eperm",
        Errno::decode(neg(-1)),
        Err(Errno::EPERM)
    );
    check!(t, "decode_zero_is_ok", Errno::decode(0), Ok(0usize));
    check!(
        t,
        "decode_isize_max_is_ok",
        Errno::decode(isize::MAX as usize),
        Ok(isize::MAX as usize)
    );
    check!(
        t,
        "decode_usize_max_is_eperm",
        Errno::decode(usize::MAX),
        Err(Errno::EPERM)
    );
    check!(
        t,
        "decode_high_address_is_ok",
        Errno::decode(neg(-8192)),
        Ok(neg(-8192))
    );

    t.finish()
}

sysrt_rt::main!(main);
