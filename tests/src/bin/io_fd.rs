//! Descriptor operations: dup/dup2/dup3 (R9), fcntl descriptor and status flags (R63), pipe
//! sizes, record and OFD locks, flock, pipes (R8, R35), FIONREAD and window-size ioctls, memfd
//! and seals — each with its effect and its exact errnos, and close-on-exec on every new fd.
#![no_std]
#![no_main]

use core::mem::{ManuallyDrop, MaybeUninit};

use linux_raw_sys::general as g;
use sysrt::fd::{AsFd, BorrowedFd, OwnedFd, RawFd, STDERR, STDIN, STDOUT};
use sysrt::fs::{self, Mode, OFlags};
use sysrt::io::{
    self, DupFlags, FdFlags, Flock, FlockOperation, LockType, MemfdFlags, PipeFlags, SealFlags,
    Whence, Winsize,
};
use sysrt::path::Arg;
use sysrt::{Errno, Sysno};
use sysrt_tests::check::Buf;
use sysrt_tests::util::{
    CLOSED_FD, FdBaseline, Text, as_nobody, cloexec, closed_fd, contents, is_root,
    kernel_older_than, raw_lseek, raw_pipe, read_some, text, text_of, tmp_path,
};
use sysrt_tests::{Tests, check};

const PLAN: usize = 141;

/// `readlinkat(AT_FDCWD, path)` through the raw layer, as text.
fn readlink(path: &str) -> Result<Text, Errno> {
    let mut buf = [0u8; 128];
    let n = path.with_c_str(|p| {
        // SAFETY: `p` is NUL-terminated and `buf` is writable for its length; both outlive
        // the call, and readlinkat writes at most `buf.len()` bytes.
        unsafe {
            sysrt::raw_syscall6(
                Sysno::readlinkat,
                g::AT_FDCWD as isize as usize,
                p.as_ptr() as usize,
                buf.as_mut_ptr() as usize,
                buf.len(),
                0,
                0,
            )
        }
    })?;
    Ok(text_of(buf.get(..n).unwrap_or_default()))
}

/// The soft `RLIMIT_NOFILE`, through raw `prlimit64`.
fn rlimit_nofile() -> Result<u64, Errno> {
    let mut lim = g::rlimit64 {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: prlimit64 with a null new limit only writes one `rlimit64` to `lim`, which
    // outlives the call.
    unsafe {
        sysrt::raw_syscall6(
            Sysno::prlimit64,
            0,
            g::RLIMIT_NOFILE as usize,
            0,
            core::ptr::from_mut(&mut lim) as usize,
            0,
            0,
        )
    }?;
    Ok(lim.rlim_cur)
}

/// `/proc/sys/fs/pipe-max-size`: the largest pipe an unprivileged user may ask for.
fn pipe_max_size() -> Result<usize, Errno> {
    let fd = fs::open("/proc/sys/fs/pipe-max-size", OFlags::RDONLY, Mode::empty())?;
    let mut buf = [0u8; 32];
    let n = io::read(&fd, &mut buf)?;
    let mut v = 0usize;
    for &b in buf.get(..n).unwrap_or_default() {
        if b.is_ascii_digit() {
            v = v * 10 + usize::from(b - b'0');
        }
    }
    Ok(v)
}

/// `fcntl(fd, cmd, &raw_flock)` through the raw layer, for lock structs the typed API cannot
/// express.
fn raw_setlk(fd: impl AsFd, l_type: i16, l_whence: i16) -> Result<usize, Errno> {
    // SAFETY: `flock` is plain integers; all-zero is a valid value.
    let mut raw: g::flock = unsafe { MaybeUninit::zeroed().assume_init() };
    raw.l_type = l_type;
    raw.l_whence = l_whence;
    raw.l_len = 1;
    // SAFETY: F_SETLK reads one `struct flock` from the pointer; `raw` outlives the call.
    unsafe {
        sysrt::raw_syscall(
            Sysno::fcntl,
            fd.as_fd().as_raw_fd() as usize,
            g::F_SETLK as usize,
            core::ptr::from_ref(&raw) as usize,
        )
    }
}

/// Sets SIGPIPE's disposition to `handler` (0 = SIG_DFL, 1 = SIG_IGN, as `<signal.h>`
/// defines them; linux-raw-sys has no constant for either) through raw `rt_sigaction`, and
/// returns the previous handler value.
fn set_sigpipe(handler: usize) -> Result<usize, Errno> {
    // SAFETY: `kernel_sigaction` is integers and an `Option<fn>`, for which all-zero bytes
    // (None) are valid.
    let mut act: g::kernel_sigaction = unsafe { MaybeUninit::zeroed().assume_init() };
    // SAFETY: as above.
    let mut old: g::kernel_sigaction = unsafe { MaybeUninit::zeroed().assume_init() };
    // SIG_DFL and SIG_IGN are the numbers 0 and 1 in the handler field; write them as an
    // integer (the field's type is a function pointer, which the kernel only compares).
    // SAFETY: the handler field is pointer-sized, and `act` is ours.
    unsafe {
        core::ptr::addr_of_mut!(act.sa_handler_kernel)
            .cast::<usize>()
            .write(handler)
    };
    // Neither SIG_DFL nor SIG_IGN runs code, so no restorer is needed.
    // SAFETY: rt_sigaction reads `act` and writes `old`, both on our stack for the call.
    unsafe {
        sysrt::raw_syscall6(
            Sysno::rt_sigaction,
            g::SIGPIPE as usize,
            core::ptr::from_ref(&act) as usize,
            core::ptr::from_mut(&mut old) as usize,
            core::mem::size_of::<g::kernel_sigset_t>(),
            0,
            0,
        )
    }?;
    // SAFETY: reading the pointer-sized handler field back as an integer.
    Ok(unsafe {
        core::ptr::addr_of!(old.sa_handler_kernel)
            .cast::<usize>()
            .read()
    })
}

/// `dup2_stdin`/`dup2_stdout`/`dup2_stderr`: each standard descriptor is redirected, used,
/// checked inheritable, and restored from a saved copy before anything is printed.
fn stdio_cases(t: &mut Tests) {
    let (Ok(saved_in), Ok(saved_out), Ok(saved_err)) =
        (io::dup(STDIN), io::dup(STDOUT), io::dup(STDERR))
    else {
        check!(t, "stdio_saved", "failed", "ok");
        return;
    };

    // stdin from a pipe: reads what was written into the pipe.
    let got_in = raw_pipe().and_then(|(r, w)| {
        io::write(&w, b"piped")?;
        drop(w);
        let put = io::dup2_stdin(&r);
        let mut buf = [0u8; 16];
        let n = io::read(STDIN, &mut buf);
        Ok((put, n.map(|n| text_of(&buf[..n])), io::fcntl_getfd(STDIN)))
    });
    let back_in = io::dup2_stdin(&saved_in);
    check!(
        t,
        "dup2_stdin_from_pipe_reads_it_inheritable",
        got_in,
        Ok((Ok(()), Ok(text("piped")), Ok(FdFlags::empty())))
    );

    // stdout and stderr into files: this program's own writes to 1 and 2 land there.
    let out_path = tmp_path("iofd-stdout");
    let err_path = tmp_path("iofd-stderr");
    let files = (
        fs::open(
            out_path.as_str(),
            OFlags::CREAT | OFlags::RDWR,
            Mode::from_octal(0o600),
        ),
        fs::open(
            err_path.as_str(),
            OFlags::CREAT | OFlags::RDWR,
            Mode::from_octal(0o600),
        ),
    );
    let (put_out, wrote_out, flags_out, put_err, wrote_err, flags_err) = match &files {
        (Ok(o), Ok(e)) => (
            io::dup2_stdout(o),
            io::write(STDOUT, b"to stdout"),
            io::fcntl_getfd(STDOUT),
            io::dup2_stderr(e),
            io::write(STDERR, b"to stderr"),
            io::fcntl_getfd(STDERR),
        ),
        // The fixture files could not be made: every value says so.
        _ => {
            let no = Errno::ENOENT;
            (Err(no), Err(no), Err(no), Err(no), Err(no), Err(no))
        }
    };
    // Onto itself: FD_CLOEXEC set on 1 is cleared, nothing else changes.
    let onto_itself = (
        io::set_cloexec(STDOUT, true),
        io::dup2_stdout(STDOUT),
        io::fcntl_getfd(STDOUT),
        io::write(STDOUT, b"!"),
    );
    let back_out = io::dup2_stdout(&saved_out);
    let back_err = io::dup2_stderr(&saved_err);
    check!(
        t,
        "dup2_stdout_to_file_writes_there_inheritable",
        (put_out, wrote_out, flags_out),
        (Ok(()), Ok(9usize), Ok(FdFlags::empty()))
    );
    check!(
        t,
        "dup2_stdout_onto_itself_clears_cloexec",
        onto_itself,
        (Ok(()), Ok(()), Ok(FdFlags::empty()), Ok(1usize))
    );
    check!(
        t,
        "dup2_stdout_file_holds_what_was_written",
        files
            .0
            .as_ref()
            .map_err(|&e| e)
            .and_then(|fd| contents(fd, &mut [0; 64]).map(text_of)),
        Ok(text("to stdout!"))
    );
    check!(
        t,
        "dup2_stderr_to_file_writes_there_inheritable",
        (
            put_err,
            wrote_err,
            flags_err,
            files
                .1
                .as_ref()
                .map_err(|&e| e)
                .and_then(|fd| contents(fd, &mut [0; 64]).map(text_of))
        ),
        (
            Ok(()),
            Ok(9usize),
            Ok(FdFlags::empty()),
            Ok(text("to stderr"))
        )
    );
    check!(
        t,
        "dup2_stdin_closed_fd_ebadf",
        io::dup2_stdin(closed_fd()),
        Err(Errno::EBADF)
    );
    check!(
        t,
        "dup2_stdio_restored_inheritable",
        (
            (back_in, back_out, back_err),
            io::fcntl_getfd(STDIN),
            io::fcntl_getfd(STDOUT),
            io::fcntl_getfd(STDERR)
        ),
        (
            (Ok(()), Ok(()), Ok(())),
            Ok(FdFlags::empty()),
            Ok(FdFlags::empty()),
            Ok(FdFlags::empty())
        )
    );
    drop(files);
    let _ = fs::unlink(out_path.as_str());
    let _ = fs::unlink(err_path.as_str());
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();
    let rw = Mode::from_octal(0o600);

    check!(
        t,
        "fd_999_is_not_open",
        io::fcntl_getfd(closed_fd()),
        Err(Errno::EBADF)
    );

    // ---- dup ------------------------------------------------------------------------------
    let path = tmp_path("iofd-main");
    let p = path.as_str();
    let Ok(f) = fs::open(p, OFlags::CREAT | OFlags::EXCL | OFlags::RDWR, rw) else {
        check!(t, "create_fixture_file", "failed", "ok");
        return t.finish();
    };
    let d = io::dup(&f);
    check!(
        t,
        "dup_returns_a_different_number",
        d.as_ref().map(|d| d.as_raw_fd() != f.as_raw_fd()),
        Ok(true)
    );
    if let Ok(d) = d {
        check!(t, "dup_copy_has_cloexec", cloexec(&d), Ok(true));
        check!(
            t,
            "dup_write_through_original",
            io::write(&f, b"hello"),
            Ok(5usize)
        );
        check!(
            t,
            "dup_shares_offset_after_write",
            raw_lseek(&d, 0, g::SEEK_CUR),
            Ok(5u64)
        );
        check!(
            t,
            "dup_rewind_through_copy",
            raw_lseek(&d, 0, g::SEEK_SET),
            Ok(0u64)
        );
        check!(
            t,
            "dup_original_reads_from_rewound_offset",
            read_some(&f, &mut [0; 64]).map(text_of),
            Ok(text("hello"))
        );
    } else {
        for name in [
            "dup_copy_has_cloexec",
            "dup_write_through_original",
            "dup_shares_offset_after_write",
            "dup_rewind_through_copy",
            "dup_original_reads_from_rewound_offset",
        ] {
            check!(t, name, "dup failed", "dup ok");
        }
    }
    check!(
        t,
        "dup_closed_fd_ebadf",
        io::dup(closed_fd()).map(drop),
        Err(Errno::EBADF)
    );

    // ---- dup2 / dup3 (R9) -----------------------------------------------------------------
    if let Ok(mut a) = io::dup(&f) {
        // SAFETY: `a` stays open for the whole borrow (dup2/dup3 on the same number replace
        // nothing).
        let same = unsafe { BorrowedFd::borrow_raw(a.as_raw_fd()) };
        let number = a.as_raw_fd();
        check!(t, "dup2_onto_itself_ok", io::dup2(same, &mut a), Ok(()));
        check!(
            t,
            "dup2_onto_itself_keeps_fd_and_flags",
            (a.as_raw_fd(), io::fcntl_getfd(&a)),
            (number, Ok(FdFlags::CLOEXEC))
        );
        check!(
            t,
            "dup2_onto_itself_fd_still_usable",
            raw_lseek(&a, 0, g::SEEK_CUR),
            Ok(5u64)
        );
        check!(
            t,
            "dup3_onto_itself_einval",
            (
                io::dup3(same, &mut a, DupFlags::INHERITABLE),
                io::fcntl_getfd(&a)
            ),
            (Err(Errno::EINVAL), Ok(FdFlags::CLOEXEC))
        );
        // R9: dup2(fd, fd) leaves FD_CLOEXEC as it is, whichever way it is: here cleared.
        check!(
            t,
            "dup2_onto_itself_keeps_cloexec_cleared",
            (
                io::set_cloexec(&a, false),
                io::dup2(same, &mut a),
                a.as_raw_fd(),
                io::fcntl_getfd(&a)
            ),
            (Ok(()), Ok(()), number, Ok(FdFlags::empty()))
        );
        check!(
            t,
            "dup3_onto_itself_cloexec_einval_flags_kept",
            (
                io::dup3(same, &mut a, DupFlags::CLOEXEC),
                io::fcntl_getfd(&a)
            ),
            (Err(Errno::EINVAL), Ok(FdFlags::empty()))
        );
    } else {
        check!(t, "dup_for_dup2_fixture", "failed", "ok");
    }
    {
        // dup2(x, x) with x not open: EBADF, as POSIX says. Only unsafe code can make an
        // `OwnedFd` of a closed number; this one is never dropped (so never closed) and
        // only used for this call.
        // SAFETY: see above: the number stays unused, and `ManuallyDrop` never closes it.
        let mut ghost = ManuallyDrop::new(unsafe { OwnedFd::from_raw_fd(CLOSED_FD) });
        check!(
            t,
            "dup2_onto_itself_closed_ebadf",
            (
                io::dup2(closed_fd(), &mut ghost),
                io::fcntl_getfd(closed_fd())
            ),
            (Err(Errno::EBADF), Err(Errno::EBADF))
        );
    }
    // Through raw: a flag the typed DupFlags cannot name (O_NONBLOCK) onto an unused number.
    check!(
        t,
        "dup3_raw_syscall_unknown_flag_einval",
        // SAFETY: dup3 takes integers; the target number is not open, so even a success would
        // replace nothing (it would leak one fd, which `no_fd_leaked` would report).
        unsafe {
            sysrt::raw_syscall(
                Sysno::dup3,
                f.as_raw_fd() as usize,
                CLOSED_FD as usize,
                g::O_NONBLOCK as usize,
            )
        },
        Err(Errno::EINVAL)
    );
    match rlimit_nofile().map(i32::try_from) {
        Ok(Ok(limit)) => {
            check!(
                t,
                "dup3_raw_onto_rlimit_nofile_ebadf",
                (
                    // SAFETY: the number is at the limit, so nothing can own it.
                    unsafe { io::dup3_raw(&f, limit, DupFlags::INHERITABLE) },
                    // SAFETY: F_GETFD takes no pointer; the number is not open.
                    unsafe {
                        sysrt::raw_syscall(Sysno::fcntl, limit as usize, g::F_GETFD as usize, 0)
                    }
                ),
                (Err(Errno::EBADF), Err(Errno::EBADF))
            );
            check!(
                t,
                "fcntl_dupfd_min_at_rlimit_nofile_einval",
                io::fcntl_dupfd_cloexec(&f, limit).map(drop),
                Err(Errno::EINVAL)
            );
        }
        other => {
            check!(t, "dup3_raw_onto_rlimit_nofile_ebadf", other, Ok(Ok(0)));
            check!(
                t,
                "fcntl_dupfd_min_at_rlimit_nofile_einval",
                "no limit",
                "limit"
            );
        }
    }
    // dup3_raw onto a free number: it returns that number, on the same file, with exactly
    // the flags asked for.
    const TARGET: RawFd = 555;
    // SAFETY: 555 is not open (nothing in this program opens that high), so nothing owns it;
    // the result is taken by an `OwnedFd` at once.
    let r = unsafe { io::dup3_raw(&f, TARGET, DupFlags::CLOEXEC) };
    check!(t, "dup3_raw_onto_free_number_returns_it", r, Ok(TARGET));
    if r == Ok(TARGET) {
        // SAFETY: dup3 succeeded: TARGET is open and nothing else owns it.
        let owned = unsafe { OwnedFd::from_raw_fd(TARGET) };
        check!(t, "dup3_raw_result_has_cloexec", cloexec(&owned), Ok(true));
        check!(
            t,
            "dup3_raw_result_shares_offset",
            raw_lseek(&owned, 0, g::SEEK_CUR),
            Ok(5u64)
        );
    } else {
        check!(t, "dup3_raw_result_has_cloexec", "dup3 failed", "ok");
        check!(t, "dup3_raw_result_shares_offset", "dup3 failed", "ok");
    }
    // SAFETY: as above: 555 was closed again when `owned` dropped.
    let r = unsafe { io::dup3_raw(&f, TARGET, DupFlags::INHERITABLE) };
    // SAFETY: taken at once if dup3 succeeded: TARGET is open and nothing else owns it.
    let owned = r.map(|fd| unsafe { OwnedFd::from_raw_fd(fd) });
    check!(
        t,
        "dup3_raw_inheritable_result_has_no_cloexec",
        owned
            .as_ref()
            .map_err(|&e| e)
            .map(|fd| (fd.as_raw_fd(), cloexec(fd))),
        Ok((TARGET, Ok(false)))
    );
    drop(owned);

    // dup2 replaces the target: it reads the source's file afterwards, not its own.
    let src_path = tmp_path("iofd-src");
    let dst_path = tmp_path("iofd-dst");
    let src = fs::open(src_path.as_str(), OFlags::CREAT | OFlags::RDWR, rw);
    let dst = fs::open(dst_path.as_str(), OFlags::CREAT | OFlags::RDWR, rw);
    if let (Ok(src), Ok(mut dst)) = (src, dst) {
        let _ = io::write(&src, b"SOURCE");
        let _ = io::write(&dst, b"target");
        let number = dst.as_raw_fd();
        let _ = io::set_cloexec(&dst, false);
        check!(t, "dup2_replaces_target", io::dup2(&src, &mut dst), Ok(()));
        check!(t, "dup2_target_keeps_its_number", dst.as_raw_fd(), number);
        check!(t, "dup2_sets_cloexec_on_target", cloexec(&dst), Ok(true));
        check!(
            t,
            "dup2_target_now_reads_source_bytes",
            contents(&dst, &mut [0; 64]).map(text_of),
            Ok(text("SOURCE"))
        );
        check!(
            t,
            "dup2_old_target_file_untouched",
            fs::open(dst_path.as_str(), OFlags::RDONLY, Mode::empty()).and_then(|fd| contents(
                &fd,
                &mut [0; 64]
            )
            .map(text_of)),
            Ok(text("target"))
        );
        check!(
            t,
            "dup2_closed_source_ebadf_target_kept",
            (
                io::dup2(closed_fd(), &mut dst),
                contents(&dst, &mut [0; 64]).map(text_of)
            ),
            (Err(Errno::EBADF), Ok(text("SOURCE")))
        );
        // dup3 passes the flags as given: inheritable (Go's Dup3(fd, i, 0)), then cloexec.
        check!(
            t,
            "dup3_inheritable_target_has_no_cloexec",
            (
                io::dup3(&src, &mut dst, DupFlags::INHERITABLE),
                dst.as_raw_fd(),
                io::fcntl_getfd(&dst)
            ),
            (Ok(()), number, Ok(FdFlags::empty()))
        );
        check!(
            t,
            "dup3_cloexec_target_has_cloexec",
            (
                io::dup3(&src, &mut dst, DupFlags::CLOEXEC),
                io::fcntl_getfd(&dst)
            ),
            (Ok(()), Ok(FdFlags::CLOEXEC))
        );
    } else {
        check!(t, "dup2_fixture_files", "failed", "ok");
    }
    let _ = fs::unlink(src_path.as_str());
    let _ = fs::unlink(dst_path.as_str());

    stdio_cases(&mut t);

    // ---- fcntl: descriptor flags ----------------------------------------------------------
    check!(
        t,
        "getfd_new_fd_has_cloexec",
        io::fcntl_getfd(&f),
        Ok(FdFlags::CLOEXEC)
    );
    check!(
        t,
        "setfd_empty_clears_cloexec",
        (io::fcntl_setfd(&f, FdFlags::empty()), io::fcntl_getfd(&f)),
        (Ok(()), Ok(FdFlags::empty()))
    );
    check!(
        t,
        "setfd_cloexec_sets_it_again",
        (io::fcntl_setfd(&f, FdFlags::CLOEXEC), cloexec(&f)),
        (Ok(()), Ok(true))
    );
    check!(
        t,
        "set_cloexec_false_clears",
        (io::set_cloexec(&f, false), cloexec(&f)),
        (Ok(()), Ok(false))
    );
    check!(
        t,
        "set_cloexec_true_sets",
        (io::set_cloexec(&f, true), cloexec(&f)),
        (Ok(()), Ok(true))
    );
    check!(
        t,
        "set_cloexec_true_when_already_set",
        (io::set_cloexec(&f, true), io::fcntl_getfd(&f)),
        (Ok(()), Ok(FdFlags::CLOEXEC))
    );

    // ---- fcntl: status flags (R63: compare masked) ------------------------------------------
    let acc = |fd: &OwnedFd| io::fcntl_getfl(fd).map(|fl| fl & OFlags::ACCMODE);
    check!(t, "getfl_access_mode_rdwr", acc(&f), Ok(OFlags::RDWR));
    let ro = fs::open(p, OFlags::RDONLY, Mode::empty());
    let wo = fs::open(p, OFlags::WRONLY, Mode::empty());
    if let (Ok(ro), Ok(wo)) = (&ro, &wo) {
        check!(t, "getfl_access_mode_rdonly", acc(ro), Ok(OFlags::RDONLY));
        check!(t, "getfl_access_mode_wronly", acc(wo), Ok(OFlags::WRONLY));
        check!(
            t,
            "setfl_cannot_change_access_mode",
            (io::fcntl_setfl(ro, OFlags::RDWR), acc(ro)),
            (Ok(()), Ok(OFlags::RDONLY))
        );
    } else {
        check!(t, "open_rdonly_wronly_fixtures", "failed", "ok");
    }
    drop((ro, wo));
    let bits = OFlags::APPEND | OFlags::NONBLOCK;
    check!(
        t,
        "setfl_append_nonblock_shown_by_getfl",
        (
            io::fcntl_setfl(&f, bits),
            io::fcntl_getfl(&f).map(|fl| fl & bits)
        ),
        (Ok(()), Ok(bits))
    );
    // O_APPEND in effect: after a rewind the write still lands at the end (5 + 3 bytes).
    let _ = raw_lseek(&f, 0, g::SEEK_SET);
    check!(
        t,
        "setfl_append_makes_write_go_to_end",
        (
            io::write(&f, b"!!!"),
            contents(&f, &mut [0; 64]).map(text_of)
        ),
        (Ok(3usize), Ok(text("hello!!!")))
    );
    check!(
        t,
        "setfl_empty_clears_append_nonblock",
        (
            io::fcntl_setfl(&f, OFlags::empty()),
            io::fcntl_getfl(&f).map(|fl| fl & (bits | OFlags::ACCMODE))
        ),
        (Ok(()), Ok(OFlags::RDWR))
    );

    // set_nonblock on a pipe: an empty read gives EAGAIN instead of blocking.
    if let Ok((r, w)) = io::pipe() {
        check!(
            t,
            "set_nonblock_true_empty_pipe_read_eagain",
            (io::set_nonblock(&r, true), io::read(&r, &mut [0u8; 4])),
            (Ok(()), Err(Errno::EAGAIN))
        );
        check!(
            t,
            "set_nonblock_true_shown_by_getfl",
            io::fcntl_getfl(&r).map(|fl| fl & OFlags::NONBLOCK),
            Ok(OFlags::NONBLOCK)
        );
        check!(
            t,
            "set_nonblock_false_clears_keeps_access_mode",
            (
                io::set_nonblock(&r, false),
                io::fcntl_getfl(&r).map(|fl| fl & (OFlags::NONBLOCK | OFlags::ACCMODE))
            ),
            (Ok(()), Ok(OFlags::RDONLY))
        );
        // Blocking again: with data present the read returns it (no EAGAIN, no hang).
        let _ = io::write(&w, b"ok");
        check!(
            t,
            "blocking_read_after_clearing_nonblock",
            read_some(&r, &mut [0; 64]).map(text_of),
            Ok(text("ok"))
        );
    } else {
        check!(t, "pipe_for_nonblock", "failed", "ok");
    }

    // ---- fcntl: F_DUPFD_CLOEXEC -------------------------------------------------------------
    let d100 = io::fcntl_dupfd_cloexec(&f, 100);
    check!(
        t,
        "dupfd_cloexec_min_100_gives_at_least_100",
        d100.as_ref().map(|d| d.as_raw_fd() >= 100),
        Ok(true)
    );
    if let Ok(d100) = &d100 {
        check!(t, "dupfd_cloexec_copy_has_cloexec", cloexec(d100), Ok(true));
    } else {
        check!(t, "dupfd_cloexec_copy_has_cloexec", "dup failed", "ok");
    }
    drop(d100);
    check!(
        t,
        "dupfd_cloexec_negative_min_einval",
        io::fcntl_dupfd_cloexec(&f, -1).map(drop),
        Err(Errno::EINVAL)
    );

    // ---- fcntl on a closed fd, and an unknown command ---------------------------------------
    check!(
        t,
        "fcntl_getfd_closed_fd_ebadf",
        io::fcntl_getfd(closed_fd()),
        Err(Errno::EBADF)
    );
    check!(
        t,
        "fcntl_getfl_closed_fd_ebadf",
        io::fcntl_getfl(closed_fd()),
        Err(Errno::EBADF)
    );
    check!(
        t,
        "set_cloexec_closed_fd_ebadf",
        io::set_cloexec(closed_fd(), true),
        Err(Errno::EBADF)
    );
    check!(
        t,
        "set_nonblock_closed_fd_ebadf",
        io::set_nonblock(closed_fd(), true),
        Err(Errno::EBADF)
    );
    check!(
        t,
        "fcntl_raw_unknown_command_einval",
        // SAFETY: an unknown command makes the kernel touch nothing.
        unsafe { sysrt::raw_syscall(Sysno::fcntl, f.as_raw_fd() as usize, 0x7fff, 0) },
        Err(Errno::EINVAL)
    );

    // ---- pipe sizes -------------------------------------------------------------------------
    if let Ok((r, w)) = io::pipe() {
        let page = sysrt_rt::auxv::page_size();
        check!(
            t,
            "getpipe_sz_default_65536",
            io::fcntl_getpipe_sz(&w),
            Ok(65536usize)
        );
        check!(
            t,
            "setpipe_sz_1000_rounds_up_to_a_page",
            io::fcntl_setpipe_sz(&w, 1000),
            Ok(page)
        );
        check!(
            t,
            "getpipe_sz_after_set_same_from_read_end",
            io::fcntl_getpipe_sz(&r),
            Ok(page)
        );
        check!(
            t,
            "setpipe_sz_3_pages_rounds_to_4",
            io::fcntl_setpipe_sz(&w, 3 * page),
            Ok(4 * page)
        );
        check!(
            t,
            "setpipe_sz_over_u32_einval_before_call",
            io::fcntl_setpipe_sz(&w, 1usize << 33),
            Err(Errno::EINVAL)
        );
        check!(
            t,
            "setpipe_sz_above_2_pow_31_einval",
            io::fcntl_setpipe_sz(&w, (1usize << 31) + 1),
            Err(Errno::EINVAL)
        );
        match pipe_max_size() {
            Ok(max) if max < 1 << 30 && is_root() => {
                check!(
                    t,
                    "setpipe_sz_1_gib_unprivileged_eperm",
                    as_nobody(|| io::fcntl_setpipe_sz(&w, 1 << 30)),
                    Ok(Err(Errno::EPERM))
                );
                check!(
                    t,
                    "setpipe_sz_eperm_left_size_unchanged",
                    io::fcntl_getpipe_sz(&w),
                    Ok(4 * page)
                );
            }
            Ok(max) if max < 1 << 30 => {
                check!(
                    t,
                    "setpipe_sz_1_gib_unprivileged_eperm",
                    io::fcntl_setpipe_sz(&w, 1 << 30),
                    Err(Errno::EPERM)
                );
                check!(
                    t,
                    "setpipe_sz_eperm_left_size_unchanged",
                    io::fcntl_getpipe_sz(&w),
                    Ok(4 * page)
                );
            }
            other => {
                let why = "pipe-max-size is at least 1 GiB here: no EPERM to observe";
                check!(t, "read_pipe_max_size", other.map(|_| ()), Ok(()));
                t.skip("setpipe_sz_eperm_left_size_unchanged", why);
            }
        }
        check!(
            t,
            "setpipe_sz_on_regular_file_ebadf",
            io::fcntl_setpipe_sz(&f, page),
            Err(Errno::EBADF)
        );
        check!(
            t,
            "getpipe_sz_closed_fd_ebadf",
            io::fcntl_getpipe_sz(closed_fd()),
            Err(Errno::EBADF)
        );
    } else {
        check!(t, "pipe_for_pipe_size", "failed", "ok");
    }

    // ---- record locks -----------------------------------------------------------------------
    // Two separate opens of one file: two open file descriptions in this process.
    let lk_path = tmp_path("iofd-lock");
    let l1 = fs::open(lk_path.as_str(), OFlags::CREAT | OFlags::RDWR, rw);
    let l2 = fs::open(lk_path.as_str(), OFlags::RDWR, Mode::empty());
    let lro = fs::open(lk_path.as_str(), OFlags::RDONLY, Mode::empty());
    if let (Ok(l1), Ok(l2), Ok(lro)) = (&l1, &l2, &lro) {
        let pid = sysrt::process::getpid().raw();
        check!(
            t,
            "setlk_write_lock_bytes_10_to_29",
            io::fcntl_setlk(l1, &Flock::new(LockType::Write, 10, 20)),
            Ok(())
        );
        check!(
            t,
            "ofd_getlk_from_other_description_reports_conflict",
            io::fcntl_ofd_getlk(l2, &Flock::new(LockType::Read, 0, 100)),
            Ok(Flock {
                lock_type: LockType::Write,
                whence: Whence::Start,
                start: 10,
                len: 20,
                pid,
            })
        );
        check!(
            t,
            "ofd_getlk_outside_the_range_reports_unlock",
            io::fcntl_ofd_getlk(l2, &Flock::new(LockType::Write, 30, 5)),
            Ok(Flock::new(LockType::Unlock, 30, 5))
        );
        check!(
            t,
            "getlk_classic_own_process_never_conflicts",
            io::fcntl_getlk(l2, &Flock::new(LockType::Write, 0, 100)),
            Ok(Flock::new(LockType::Unlock, 0, 100))
        );
        check!(
            t,
            "ofd_setlk_over_classic_lock_eagain",
            io::fcntl_ofd_setlk(l2, &Flock::new(LockType::Write, 15, 1)),
            Err(Errno::EAGAIN)
        );
        check!(
            t,
            "setlk_unlock_releases",
            (
                io::fcntl_setlk(l1, &Flock::new(LockType::Unlock, 10, 20)),
                io::fcntl_ofd_getlk(l2, &Flock::new(LockType::Write, 0, 100)),
            ),
            (Ok(()), Ok(Flock::new(LockType::Unlock, 0, 100)))
        );
        check!(
            t,
            "setlkw_uncontended_read_lock_then_unlock",
            (
                io::fcntl_setlkw(l1, &Flock::new(LockType::Read, 0, 5)),
                io::fcntl_ofd_getlk(l2, &Flock::new(LockType::Write, 0, 0)).map(|l| l.lock_type),
                io::fcntl_setlk(l1, &Flock::new(LockType::Unlock, 0, 0)),
            ),
            (Ok(()), Ok(LockType::Read), Ok(()))
        );
        check!(
            t,
            "ofd_setlk_write_whole_file",
            io::fcntl_ofd_setlk(l1, &Flock::new(LockType::Write, 0, 0)),
            Ok(())
        );
        check!(
            t,
            "ofd_setlk_from_other_description_eagain",
            io::fcntl_ofd_setlk(l2, &Flock::new(LockType::Write, 0, 0)),
            Err(Errno::EAGAIN)
        );
        check!(
            t,
            "ofd_getlk_reports_ofd_lock_with_pid_minus_1",
            io::fcntl_ofd_getlk(l2, &Flock::new(LockType::Read, 100, 1)),
            Ok(Flock {
                lock_type: LockType::Write,
                whence: Whence::Start,
                start: 0,
                len: 0,
                pid: -1,
            })
        );
        check!(
            t,
            "ofd_unlock_then_other_description_locks",
            (
                io::fcntl_ofd_setlk(l1, &Flock::new(LockType::Unlock, 0, 0)),
                io::fcntl_ofd_setlk(l2, &Flock::new(LockType::Write, 0, 0)),
            ),
            (Ok(()), Ok(()))
        );
        check!(
            t,
            "ofd_lock_of_other_description_blocks_classic_setlk",
            io::fcntl_setlk(l1, &Flock::new(LockType::Read, 0, 1)),
            Err(Errno::EAGAIN)
        );
        check!(
            t,
            "ofd_setlkw_uncontended_after_unlock",
            (
                io::fcntl_ofd_setlk(l2, &Flock::new(LockType::Unlock, 0, 0)),
                io::fcntl_ofd_setlkw(l1, &Flock::new(LockType::Read, 0, 0)),
                io::fcntl_ofd_setlk(l1, &Flock::new(LockType::Unlock, 0, 0)),
            ),
            (Ok(()), Ok(()), Ok(()))
        );
        let mut with_pid = Flock::new(LockType::Write, 0, 1);
        with_pid.pid = 1;
        check!(
            t,
            "ofd_setlk_nonzero_pid_einval",
            io::fcntl_ofd_setlk(l1, &with_pid),
            Err(Errno::EINVAL)
        );
        check!(
            t,
            "setlk_write_lock_on_read_only_fd_ebadf",
            io::fcntl_setlk(lro, &Flock::new(LockType::Write, 0, 1)),
            Err(Errno::EBADF)
        );
        check!(
            t,
            "setlk_raw_bad_whence_einval",
            raw_setlk(l1, g::F_WRLCK as i16, 99),
            Err(Errno::EINVAL)
        );
        check!(
            t,
            "setlk_raw_bad_type_einval",
            raw_setlk(l1, 9, g::SEEK_SET as i16),
            Err(Errno::EINVAL)
        );
        check!(
            t,
            "setlk_negative_resulting_start_einval",
            io::fcntl_setlk(l1, &Flock::new(LockType::Write, -1, 1)),
            Err(Errno::EINVAL)
        );
        check!(
            t,
            "getlk_closed_fd_ebadf",
            io::fcntl_getlk(closed_fd(), &Flock::new(LockType::Read, 0, 0)),
            Err(Errno::EBADF)
        );

        // ---- flock --------------------------------------------------------------------------
        check!(
            t,
            "flock_exclusive",
            io::flock(l1, FlockOperation::LockExclusive),
            Ok(())
        );
        check!(
            t,
            "flock_nonblocking_exclusive_other_description_ewouldblock",
            io::flock(l2, FlockOperation::NonBlockingLockExclusive),
            Err(Errno::EWOULDBLOCK)
        );
        check!(
            t,
            "flock_nonblocking_shared_against_exclusive_ewouldblock",
            io::flock(l2, FlockOperation::NonBlockingLockShared),
            Err(Errno::EWOULDBLOCK)
        );
        check!(
            t,
            "flock_unlock_then_other_takes_exclusive",
            (
                io::flock(l1, FlockOperation::Unlock),
                io::flock(l2, FlockOperation::NonBlockingLockExclusive),
                io::flock(l2, FlockOperation::NonBlockingUnlock),
            ),
            (Ok(()), Ok(()), Ok(()))
        );
        check!(
            t,
            "flock_shared_plus_shared",
            (
                io::flock(l1, FlockOperation::LockShared),
                io::flock(l2, FlockOperation::NonBlockingLockShared),
            ),
            (Ok(()), Ok(()))
        );
        check!(
            t,
            "flock_exclusive_against_shared_ewouldblock",
            io::flock(lro, FlockOperation::NonBlockingLockExclusive),
            Err(Errno::EWOULDBLOCK)
        );
        let _ = io::flock(l1, FlockOperation::Unlock);
        let _ = io::flock(l2, FlockOperation::Unlock);
    } else {
        check!(t, "lock_fixture_files", "failed", "ok");
    }
    drop((l1, l2, lro));
    let _ = fs::unlink(lk_path.as_str());
    check!(
        t,
        "flock_closed_fd_ebadf",
        io::flock(closed_fd(), FlockOperation::LockShared),
        Err(Errno::EBADF)
    );

    // ---- pipes ------------------------------------------------------------------------------
    match io::pipe() {
        Ok((r, w)) => {
            check!(
                t,
                "pipe_both_ends_cloexec",
                (cloexec(&r), cloexec(&w)),
                (Ok(true), Ok(true))
            );
            check!(
                t,
                "pipe_ends_are_read_only_and_write_only",
                (
                    io::fcntl_getfl(&r).map(|fl| fl & OFlags::ACCMODE),
                    io::fcntl_getfl(&w).map(|fl| fl & OFlags::ACCMODE)
                ),
                (Ok(OFlags::RDONLY), Ok(OFlags::WRONLY))
            );
            check!(t, "pipe_write_5_bytes", io::write(&w, b"12345"), Ok(5usize));
            check!(
                t,
                "fionread_pipe_after_5_bytes",
                io::ioctl_fionread(&r),
                Ok(5usize)
            );
            check!(
                t,
                "pipe_read_back",
                read_some(&r, &mut [0; 64]).map(text_of),
                Ok(text("12345"))
            );
            check!(
                t,
                "fionread_pipe_drained",
                io::ioctl_fionread(&r),
                Ok(0usize)
            );
            check!(
                t,
                "read_on_pipe_write_end_ebadf",
                io::read(&w, &mut [0u8; 1]),
                Err(Errno::EBADF)
            );
            check!(
                t,
                "write_on_pipe_read_end_ebadf",
                io::write(&r, b"x"),
                Err(Errno::EBADF)
            );
            // R35: with SIGPIPE ignored, writing with no reader gives EPIPE (the default
            // disposition would kill this program, so it is set to SIG_IGN and restored).
            drop(r);
            match set_sigpipe(1) {
                Ok(previous) => {
                    let got = io::write(&w, b"x");
                    let restored = set_sigpipe(previous);
                    check!(
                        t,
                        "write_pipe_without_reader_sigpipe_ignored_epipe",
                        got,
                        Err(Errno::EPIPE)
                    );
                    check!(
                        t,
                        "sigpipe_disposition_restored",
                        restored.and_then(|_| set_sigpipe(previous)),
                        Ok(previous)
                    );
                }
                Err(e) => {
                    check!(
                        t,
                        "ignore_sigpipe_via_rt_sigaction",
                        Err::<(), _>(e),
                        Ok(())
                    );
                    t.skip(
                        "sigpipe_disposition_restored",
                        "rt_sigaction failed, so SIGPIPE was not ignored",
                    );
                }
            }
        }
        Err(e) => check!(t, "pipe_creation", Err::<(), _>(e), Ok(())),
    }
    match io::pipe2(PipeFlags::NONBLOCK) {
        Ok((r, w)) => {
            check!(
                t,
                "pipe2_nonblock_both_ends_cloexec",
                (cloexec(&r), cloexec(&w)),
                (Ok(true), Ok(true))
            );
            check!(
                t,
                "pipe2_nonblock_flag_on_both_ends",
                (
                    io::fcntl_getfl(&r).map(|fl| fl & OFlags::NONBLOCK),
                    io::fcntl_getfl(&w).map(|fl| fl & OFlags::NONBLOCK)
                ),
                (Ok(OFlags::NONBLOCK), Ok(OFlags::NONBLOCK))
            );
            check!(
                t,
                "pipe2_nonblock_empty_read_eagain",
                io::read(&r, &mut [0u8; 8]),
                Err(Errno::EAGAIN)
            );
        }
        Err(e) => check!(t, "pipe2_nonblock_creation", Err::<(), _>(e), Ok(())),
    }
    // O_DIRECT: packet mode keeps write boundaries.
    match io::pipe2(PipeFlags::DIRECT) {
        Ok((r, w)) => {
            let _ = io::write(&w, b"ab");
            let _ = io::write(&w, b"cdef");
            check!(
                t,
                "pipe2_direct_read_returns_one_packet",
                (
                    read_some(&r, &mut [0; 64]).map(text_of),
                    read_some(&r, &mut [0; 64]).map(text_of)
                ),
                (Ok(text("ab")), Ok(text("cdef")))
            );
        }
        Err(e) => check!(t, "pipe2_direct_creation", Err::<(), _>(e), Ok(())),
    }
    let mut fds = [-1i32; 2];
    check!(
        t,
        "pipe2_raw_unknown_flag_einval_nothing_written",
        (
            // SAFETY: pipe2 writes two ints into `fds`, which outlives the call.
            unsafe {
                sysrt::raw_syscall(
                    Sysno::pipe2,
                    fds.as_mut_ptr() as usize,
                    (g::O_CLOEXEC | g::O_APPEND) as usize,
                    0,
                )
            },
            fds
        ),
        (Err(Errno::EINVAL), [-1, -1])
    );

    // ---- ioctl ------------------------------------------------------------------------------
    check!(
        t,
        "fionread_regular_file_bytes_to_end",
        (raw_lseek(&f, 2, g::SEEK_SET), io::ioctl_fionread(&f)),
        (Ok(2u64), Ok(6usize))
    );
    check!(
        t,
        "fionread_closed_fd_ebadf",
        io::ioctl_fionread(closed_fd()),
        Err(Errno::EBADF)
    );
    check!(
        t,
        "tiocgwinsz_regular_file_enotty",
        io::ioctl_tiocgwinsz(&f),
        Err(Errno::ENOTTY)
    );
    check!(
        t,
        "tiocswinsz_regular_file_enotty",
        io::ioctl_tiocswinsz(&f, &Winsize::default()),
        Err(Errno::ENOTTY)
    );
    check!(
        t,
        "tiocgwinsz_closed_fd_ebadf",
        io::ioctl_tiocgwinsz(closed_fd()),
        Err(Errno::EBADF)
    );
    match fs::open("/dev/ptmx", OFlags::RDWR | OFlags::NOCTTY, Mode::empty()) {
        Ok(master) => {
            let ws = Winsize {
                rows: 37,
                cols: 121,
                xpixel: 968,
                ypixel: 666,
            };
            check!(
                t,
                "tiocswinsz_pty_master",
                io::ioctl_tiocswinsz(&master, &ws),
                Ok(())
            );
            check!(
                t,
                "tiocgwinsz_pty_master_round_trip",
                io::ioctl_tiocgwinsz(&master),
                Ok(ws)
            );
        }
        Err(e) => {
            let why = Buf::<96>::format(format_args!("cannot open /dev/ptmx: {e:?}"));
            t.skip("tiocswinsz_pty_master", why.as_str());
            t.skip("tiocgwinsz_pty_master_round_trip", why.as_str());
        }
    }

    // ---- memfd ------------------------------------------------------------------------------
    match io::memfd_create("sysrt-io-fd", MemfdFlags::empty()) {
        Ok(m) => {
            check!(t, "memfd_has_cloexec", cloexec(&m), Ok(true));
            check!(
                t,
                "memfd_write_then_read_back",
                (
                    io::write(&m, b"in memory"),
                    contents(&m, &mut [0; 64]).map(text_of)
                ),
                (Ok(9usize), Ok(text("in memory")))
            );
            let link = tmp_link(m.as_raw_fd());
            check!(
                t,
                "memfd_name_in_proc_self_fd",
                readlink(link.as_str()),
                Ok(text("/memfd:sysrt-io-fd (deleted)"))
            );
            check!(
                t,
                "memfd_without_allow_sealing_is_sealed",
                io::fcntl_get_seals(&m),
                Ok(SealFlags::SEAL)
            );
            check!(
                t,
                "memfd_without_allow_sealing_add_seal_eperm",
                io::fcntl_add_seals(&m, SealFlags::WRITE),
                Err(Errno::EPERM)
            );
        }
        Err(e) => check!(t, "memfd_create", Err::<(), _>(e), Ok(())),
    }
    let name249 = [b'n'; 249];
    let name250 = [b'n'; 250];
    check!(
        t,
        "memfd_name_249_bytes_ok",
        io::memfd_create(&name249, MemfdFlags::empty()).map(|fd| cloexec(&fd)),
        Ok(Ok(true))
    );
    check!(
        t,
        "memfd_name_250_bytes_einval",
        io::memfd_create(&name250, MemfdFlags::empty()).map(drop),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "memfd_name_interior_nul_einval",
        io::memfd_create("a\0b", MemfdFlags::empty()).map(drop),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "memfd_raw_unknown_flag_einval",
        // SAFETY: the name is a NUL-terminated literal; memfd_create only reads it.
        unsafe {
            sysrt::raw_syscall(
                Sysno::memfd_create,
                c"x".as_ptr() as usize,
                (g::MFD_CLOEXEC | 0x400) as usize,
                0,
            )
        },
        Err(Errno::EINVAL)
    );
    match io::memfd_create("sysrt-seals", MemfdFlags::ALLOW_SEALING) {
        Ok(m) => {
            let _ = io::write(&m, b"sealed");
            check!(
                t,
                "memfd_allow_sealing_starts_unsealed",
                io::fcntl_get_seals(&m),
                Ok(SealFlags::empty())
            );
            check!(
                t,
                "add_seal_write",
                (
                    io::fcntl_add_seals(&m, SealFlags::WRITE),
                    io::fcntl_get_seals(&m)
                ),
                (Ok(()), Ok(SealFlags::WRITE))
            );
            check!(
                t,
                "write_after_seal_write_eperm",
                io::write(&m, b"more"),
                Err(Errno::EPERM)
            );
            check!(
                t,
                "seal_write_kept_contents",
                contents(&m, &mut [0; 64]).map(text_of),
                Ok(text("sealed"))
            );
            check!(
                t,
                "add_seal_seal",
                (
                    io::fcntl_add_seals(&m, SealFlags::SEAL),
                    io::fcntl_get_seals(&m)
                ),
                (Ok(()), Ok(SealFlags::WRITE | SealFlags::SEAL))
            );
            check!(
                t,
                "add_seal_after_seal_seal_eperm",
                (
                    io::fcntl_add_seals(&m, SealFlags::GROW),
                    io::fcntl_get_seals(&m)
                ),
                (Err(Errno::EPERM), Ok(SealFlags::WRITE | SealFlags::SEAL))
            );
        }
        Err(e) => check!(t, "memfd_create_allow_sealing", Err::<(), _>(e), Ok(())),
    }
    match io::memfd_create("sysrt-noexec", MemfdFlags::NOEXEC_SEAL) {
        Ok(m) => check!(
            t,
            "memfd_noexec_seal_sets_seal_exec",
            io::fcntl_get_seals(&m),
            Ok(SealFlags::EXEC)
        ),
        Err(Errno::EINVAL) if kernel_older_than(6, 3) => t.skip(
            "memfd_noexec_seal_sets_seal_exec",
            "MFD_NOEXEC_SEAL arrived in Linux 6.3: this older kernel refuses it with EINVAL",
        ),
        Err(e) => check!(
            t,
            "memfd_noexec_seal_sets_seal_exec",
            Err::<(), _>(e),
            Ok(())
        ),
    }
    if let Ok((r, _w)) = io::pipe() {
        check!(
            t,
            "get_seals_on_pipe_einval",
            io::fcntl_get_seals(&r),
            Err(Errno::EINVAL)
        );
    } else {
        check!(t, "pipe_for_seals", "failed", "ok");
    }
    check!(
        t,
        "get_seals_closed_fd_ebadf",
        io::fcntl_get_seals(closed_fd()),
        Err(Errno::EBADF)
    );

    // ---- cleanup and accounting -------------------------------------------------------------
    drop(f);
    check!(t, "unlink_fixture_file", fs::unlink(p), Ok(()));
    baseline.check(&mut t);
    t.finish()
}

/// `/proc/self/fd/N`.
fn tmp_link(fd: RawFd) -> Buf<32> {
    Buf::format(format_args!("/proc/self/fd/{fd}"))
}

sysrt_rt::main!(main);
