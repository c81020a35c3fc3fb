//! Errno: every name, message and display round trip, Go's `Is`/`Temporary`/`Timeout`
//! classifications for every number, and decoding at the boundaries (R54).
#![no_std]
#![no_main]

use sysrt::{Errno, ErrorKind};
use sysrt_tests::check::Buf;
use sysrt_tests::{Tests, check};

fn main() -> i32 {
    let mut t = Tests::new(17);

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

    // Go's Errno.Is, Temporary and Timeout (src/syscall/syscall_unix.go), written out as Go
    // has them, against the typed forms for every number the kernel can return.
    let mut is_bad = (0usize, Errno::from_raw(0));
    let mut temp_bad = (0usize, Errno::from_raw(0));
    for n in 0..=4095u16 {
        let e = Errno::from_raw(n);
        let go = [
            (
                ErrorKind::Permission,
                e == Errno::EACCES || e == Errno::EPERM,
            ),
            (
                ErrorKind::Exist,
                e == Errno::EEXIST || e == Errno::ENOTEMPTY,
            ),
            (ErrorKind::NotExist, e == Errno::ENOENT),
            (
                ErrorKind::Unsupported,
                e == Errno::ENOSYS || e == Errno::ENOTSUP || e == Errno::EOPNOTSUPP,
            ),
        ];
        let typed = [
            e.is_permission(),
            e.is_exist(),
            e.is_not_exist(),
            e.is_unsupported(),
        ];
        let agrees = go
            .iter()
            .zip(typed)
            .all(|(&(kind, want), method)| e.is(kind) == want && method == want);
        if !agrees {
            is_bad = (is_bad.0 + 1, e);
        }
        let go_timeout = e == Errno::EAGAIN || e == Errno::EWOULDBLOCK || e == Errno::ETIMEDOUT;
        let go_temporary =
            e == Errno::EINTR || e == Errno::EMFILE || e == Errno::ENFILE || go_timeout;
        if (e.is_timeout(), e.is_temporary()) != (go_timeout, go_temporary) {
            temp_bad = (temp_bad.0 + 1, e);
        }
    }
    check!(
        t,
        "errno_is_matches_go_every_number",
        is_bad,
        (0usize, Errno::from_raw(0))
    );
    check!(
        t,
        "errno_temporary_timeout_match_go_every_number",
        temp_bad,
        (0usize, Errno::from_raw(0))
    );
    check!(
        t,
        "errno_kind_of_each_group",
        [
            Errno::EPERM.kind(),
            Errno::ENOTEMPTY.kind(),
            Errno::ENOENT.kind(),
            Errno::ENOTSUP.kind(),
            Errno::EBADF.kind(),
        ],
        [
            Some(ErrorKind::Permission),
            Some(ErrorKind::Exist),
            Some(ErrorKind::NotExist),
            Some(ErrorKind::Unsupported),
            None,
        ]
    );

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
