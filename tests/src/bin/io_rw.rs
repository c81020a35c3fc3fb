//! Reading, writing and seeking: read/write edge cases, pread/pwrite, readv/writev,
//! preadv/pwritev, preadv2/pwritev2, lseek with every whence (SEEK_DATA/SEEK_HOLE on a sparse
//! file), O_APPEND and O_TRUNC, EBADF/EISDIR cases (R7, R8, R10, R11), and close_range.
#![no_std]
#![no_main]

use linux_raw_sys::general::{F_DUPFD_CLOEXEC, F_SETFD, RWF_APPEND, RWF_NOWAIT};
use sysrt::fd::{AsFd, BorrowedFd, OwnedFd, RawFd};
use sysrt::fs::{self, AtFlags, Mode, OFlags, StatFs};
use sysrt::io::{self, CloseRangeFlags, IoSlice, IoSliceMut, ReadWriteFlags, SeekFrom};
use sysrt::{Errno, Sysno};
use sysrt_tests::util::{
    FdBaseline, cloexec, closed_fd, contents, offset, raw_mkdir, raw_pipe, tmp_path, under_qemu,
};
use sysrt_tests::{Tests, check};

const PLAN: usize = 79;
const RW: Mode = Mode::from_octal(0o600);
/// The sparse file's second data block: far enough from the first that every filesystem with
/// holes leaves one between them.
const MIB: u64 = 1 << 20;

/// `fcntl(fd, F_DUPFD_CLOEXEC, min)` through the raw layer: a close-on-exec duplicate numbered
/// `min` or above, as a bare number (close_range is what closes it).
fn raw_dup_at_least(fd: impl AsFd, min: RawFd) -> Result<RawFd, Errno> {
    // SAFETY: F_DUPFD_CLOEXEC takes an integer and writes no memory.
    let ret = unsafe {
        sysrt::raw_syscall(
            Sysno::fcntl,
            fd.as_fd().as_raw_fd() as usize,
            F_DUPFD_CLOEXEC as usize,
            min as usize,
        )
    }?;
    Ok(ret as RawFd)
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();
    let path = tmp_path("io-rw");
    let p = path.as_str();
    let mut buf = [0u8; 64];

    let fd = fs::open(p, OFlags::CREAT | OFlags::EXCL | OFlags::RDWR, RW);
    check!(t, "open_fixture_file", fd.as_ref().map(|_| ()), Ok(()));
    let Ok(fd) = fd else { return t.finish() };
    check!(t, "fixture_fd_has_cloexec", cloexec(&fd), Ok(true));

    // read/write basics (R10).
    check!(
        t,
        "write_ten_bytes",
        io::write(&fd, b"0123456789"),
        Ok(10usize)
    );
    check!(
        t,
        "read_at_eof_returns_0",
        io::read(&fd, &mut buf),
        Ok(0usize)
    );
    check!(
        t,
        "zero_length_write_changes_nothing",
        (
            io::write(&fd, b""),
            offset(&fd),
            io::lseek(&fd, SeekFrom::End(0))
        ),
        (Ok(0usize), Ok(10u64), Ok(10u64))
    );
    let _ = io::lseek(&fd, SeekFrom::Start(2));
    check!(
        t,
        "zero_length_read_changes_nothing",
        (io::read(&fd, &mut []), offset(&fd)),
        (Ok(0usize), Ok(2u64))
    );

    // pread/pwrite: positioned, and the file offset (2) stays where it was.
    let mut four = [0u8; 4];
    check!(
        t,
        "pread_reads_at_offset",
        (io::pread(&fd, &mut four, 3), &four),
        (Ok(4usize), b"3456")
    );
    check!(t, "pread_does_not_move_offset", offset(&fd), Ok(2u64));
    check!(
        t,
        "pwrite_writes_at_offset",
        io::pwrite(&fd, b"AB", 4),
        Ok(2usize)
    );
    check!(
        t,
        "pwrite_bytes_land_at_offset",
        contents(&fd, &mut buf),
        Ok(&b"0123AB6789"[..])
    );
    check!(t, "pwrite_does_not_move_offset", offset(&fd), Ok(2u64));
    check!(
        t,
        "pread_past_eof_returns_0",
        io::pread(&fd, &mut four, 100),
        Ok(0usize)
    );
    check!(
        t,
        "pread_offset_above_i64_max_einval",
        io::pread(&fd, &mut four, 1 << 63),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "pwrite_offset_above_i64_max_einval",
        io::pwrite(&fd, b"x", u64::MAX),
        Err(Errno::EINVAL)
    );

    // R11 through the raw layer: a bad buffer pointer faults, and the file is unchanged.
    // SAFETY: the kernel validates the pointer (address 8, never mapped) and returns EFAULT.
    let bad = unsafe { sysrt::raw_syscall(Sysno::write, fd.as_raw_fd() as usize, 8, 4) };
    check!(
        t,
        "write_bad_pointer_raw_efault_file_unchanged",
        (bad, contents(&fd, &mut buf)),
        (Err(Errno::EFAULT), Ok(&b"0123AB6789"[..]))
    );

    // readv/writev: gather three slices, scatter them back into three buffers.
    let _ = io::lseek(&fd, SeekFrom::Start(0));
    let parts = [
        IoSlice::new(b"abc"),
        IoSlice::new(b"defg"),
        IoSlice::new(b"hijkl"),
    ];
    check!(
        t,
        "writev_three_slices_total",
        io::writev(&fd, &parts),
        Ok(12usize)
    );
    check!(
        t,
        "writev_gathered_bytes_in_order",
        contents(&fd, &mut buf),
        Ok(&b"abcdefghijkl"[..])
    );
    let _ = io::lseek(&fd, SeekFrom::Start(0));
    let (mut a, mut b, mut c) = ([0u8; 3], [0u8; 4], [0u8; 5]);
    let n = io::readv(
        &fd,
        &mut [
            IoSliceMut::new(&mut a),
            IoSliceMut::new(&mut b),
            IoSliceMut::new(&mut c),
        ],
    );
    check!(
        t,
        "readv_scatters_into_three_buffers",
        (n, &a, &b, &c),
        (Ok(12usize), b"abc", b"defg", b"hijkl")
    );
    check!(
        t,
        "writev_empty_iovec_list_returns_0",
        (io::writev(&fd, &[]), offset(&fd)),
        (Ok(0usize), Ok(12u64))
    );
    check!(
        t,
        "readv_empty_iovec_list_returns_0",
        (io::readv(&fd, &mut []), offset(&fd)),
        (Ok(0usize), Ok(12u64))
    );

    // preadv/pwritev at an offset; the file offset (12) does not move.
    let (mut x, mut y) = ([0u8; 2], [0u8; 3]);
    let n = io::preadv(
        &fd,
        &mut [IoSliceMut::new(&mut x), IoSliceMut::new(&mut y)],
        5,
    );
    check!(
        t,
        "preadv_at_offset",
        (n, &x, &y),
        (Ok(5usize), b"fg", b"hij")
    );
    check!(
        t,
        "pwritev_at_offset",
        io::pwritev(&fd, &[IoSlice::new(b"X"), IoSlice::new(b"YZ")], 1),
        Ok(3usize)
    );
    check!(
        t,
        "pwritev_bytes_land_at_offset",
        contents(&fd, &mut buf),
        Ok(&b"aXYZefghijkl"[..])
    );
    check!(t, "preadv_pwritev_leave_offset", offset(&fd), Ok(12u64));

    // preadv2/pwritev2 (QEMU 7.2 user mode does not implement them: ENOSYS).
    let (mut x, mut y) = ([0u8; 3], [0u8; 3]);
    let nowait = io::preadv2(
        &fd,
        &mut [IoSliceMut::new(&mut x), IoSliceMut::new(&mut y)],
        Some(6),
        ReadWriteFlags::NOWAIT,
    );
    if under_qemu() && nowait == Err(Errno::ENOSYS) {
        let why = "ENOSYS under QEMU 7.2: qemu-user does not implement preadv2/pwritev2";
        for name in [
            "preadv2_nowait_cached_file_reads_exactly",
            "preadv2_none_offset_reads_at_file_offset",
            "preadv2_none_offset_advances_file_offset",
            "pwritev2_rwf_append_ignores_offset",
            "pwritev2_unknown_rwf_bit_raw_eopnotsupp",
        ] {
            t.skip(name, why);
        }
    } else {
        // The file was just written, so its pages are cached and NOWAIT cannot hit EAGAIN.
        // tmpfs does not take RWF_NOWAIT reads at all (EOPNOTSUPP, seen on 6.1, 6.12 and
        // 6.18): where /tmp is a tmpfs (the kernel guests) the case cannot run.
        let on_tmpfs = fs::fstatfs(&fd).map(|s| s.f_type) == Ok(StatFs::TMPFS_MAGIC);
        if nowait == Err(Errno::EOPNOTSUPP) && on_tmpfs {
            t.skip(
                "preadv2_nowait_cached_file_reads_exactly",
                "/tmp is a tmpfs, which refuses RWF_NOWAIT reads (EOPNOTSUPP)",
            );
        } else {
            check!(
                t,
                "preadv2_nowait_cached_file_reads_exactly",
                (nowait, &x, &y),
                (Ok(6usize), b"ghi", b"jkl")
            );
        }
        let _ = io::lseek(&fd, SeekFrom::Start(9));
        check!(
            t,
            "preadv2_none_offset_reads_at_file_offset",
            (
                io::preadv2(
                    &fd,
                    &mut [IoSliceMut::new(&mut x)],
                    None,
                    ReadWriteFlags::empty()
                ),
                &x
            ),
            (Ok(3usize), b"jkl")
        );
        check!(
            t,
            "preadv2_none_offset_advances_file_offset",
            offset(&fd),
            Ok(12u64)
        );
        let _ = io::pwritev2(&fd, &[IoSlice::new(b"!")], Some(0), ReadWriteFlags::APPEND);
        check!(
            t,
            "pwritev2_rwf_append_ignores_offset",
            contents(&fd, &mut buf),
            Ok(&b"aXYZefghijkl!"[..])
        );
        // An RWF bit no kernel defines: kiocb_set_rw_flags rejects unknown bits with
        // EOPNOTSUPP (man 2 pwritev2: "EOPNOTSUPP An unknown flag is specified in flags").
        let unknown = 1usize << 30;
        debug_assert!(unknown & (RWF_APPEND | RWF_NOWAIT) as usize == 0);
        let iov = [IoSlice::new(b"?")];
        // SAFETY: one iovec over a live buffer, only read by pwritev2.
        let raw = unsafe {
            sysrt::raw_syscall6(
                Sysno::pwritev2,
                fd.as_raw_fd() as usize,
                iov.as_ptr() as usize,
                1,
                0,
                0,
                unknown,
            )
        };
        check!(
            t,
            "pwritev2_unknown_rwf_bit_raw_eopnotsupp",
            (raw, contents(&fd, &mut buf)),
            (Err(Errno::EOPNOTSUPP), Ok(&b"aXYZefghijkl!"[..]))
        );
    }
    let _ = io::lseek(&fd, SeekFrom::Start(12));
    let _ = io::ftruncate(&fd, 12); // drop the "!" that pwritev2 appended, if it ran

    // lseek with every whence.
    check!(
        t,
        "lseek_start",
        io::lseek(&fd, SeekFrom::Start(3)),
        Ok(3u64)
    );
    check!(
        t,
        "lseek_current_forward",
        io::lseek(&fd, SeekFrom::Current(4)),
        Ok(7u64)
    );
    check!(
        t,
        "lseek_current_backward",
        io::lseek(&fd, SeekFrom::Current(-2)),
        Ok(5u64)
    );
    check!(
        t,
        "lseek_end_minus_2",
        io::lseek(&fd, SeekFrom::End(-2)),
        Ok(10u64)
    );
    check!(
        t,
        "lseek_past_end_allowed",
        io::lseek(&fd, SeekFrom::End(100)),
        Ok(112u64)
    );
    let _ = io::lseek(&fd, SeekFrom::Start(5));
    check!(
        t,
        "lseek_negative_result_einval_offset_kept",
        (io::lseek(&fd, SeekFrom::Current(-6)), offset(&fd)),
        (Err(Errno::EINVAL), Ok(5u64))
    );
    check!(
        t,
        "lseek_end_negative_result_einval",
        io::lseek(&fd, SeekFrom::End(-1000)),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "lseek_start_above_i64_max_einval",
        io::lseek(&fd, SeekFrom::Start(u64::MAX)),
        Err(Errno::EINVAL)
    );
    // SAFETY: lseek takes integers only; whence 99 is not defined, so nothing moves.
    let raw = unsafe { sysrt::raw_syscall(Sysno::lseek, fd.as_raw_fd() as usize, 0, 99) };
    check!(
        t,
        "lseek_bad_whence_99_raw_einval",
        (raw, offset(&fd)),
        (Err(Errno::EINVAL), Ok(5u64))
    );

    // Pipes: short reads, ESPIPE, and the wrong end (R8).
    match raw_pipe() {
        Ok((r, w)) => {
            let _ = io::write(&w, b"xyz");
            let mut big = [0u8; 100];
            let n = io::read(&r, &mut big);
            check!(
                t,
                "pipe_short_read_3_of_100",
                (n, &big[..3]),
                (Ok(3usize), &b"xyz"[..])
            );
            check!(
                t,
                "lseek_on_pipe_espipe",
                io::lseek(&r, SeekFrom::Current(0)),
                Err(Errno::ESPIPE)
            );
            check!(
                t,
                "pread_on_pipe_espipe",
                io::pread(&r, &mut four, 0),
                Err(Errno::ESPIPE)
            );
            check!(
                t,
                "read_on_pipe_write_end_ebadf",
                io::read(&w, &mut four),
                Err(Errno::EBADF)
            );
            check!(
                t,
                "write_on_pipe_read_end_ebadf",
                io::write(&r, b"x"),
                Err(Errno::EBADF)
            );
        }
        Err(e) => {
            for name in [
                "pipe_short_read_3_of_100",
                "lseek_on_pipe_espipe",
                "pread_on_pipe_espipe",
                "read_on_pipe_write_end_ebadf",
                "write_on_pipe_read_end_ebadf",
            ] {
                check!(t, name, Err::<(), _>(e), Ok(()));
            }
        }
    }

    // SEEK_DATA/SEEK_HOLE on a sparse file: one block of data at 0, a hole, one block at
    // 1 MiB. /tmp is ext4 here, which reports holes at block (4 KiB) granularity.
    let sparse_path = tmp_path("io-rw-sparse");
    let sp = sparse_path.as_str();
    match fs::open(sp, OFlags::CREAT | OFlags::EXCL | OFlags::RDWR, RW) {
        Ok(sparse) => {
            let block = [b'd'; 4096];
            let wrote = (
                io::pwrite(&sparse, &block, 0),
                io::pwrite(&sparse, &block, MIB),
            );
            check!(
                t,
                "sparse_file_written",
                (wrote, io::lseek(&sparse, SeekFrom::End(0))),
                ((Ok(4096usize), Ok(4096usize)), Ok(MIB + 4096))
            );
            check!(
                t,
                "seek_data_from_0_is_0",
                io::lseek(&sparse, SeekFrom::Data(0)),
                Ok(0u64)
            );
            check!(
                t,
                "seek_hole_from_0_is_end_of_first_block",
                io::lseek(&sparse, SeekFrom::Hole(0)),
                Ok(4096u64)
            );
            check!(
                t,
                "seek_data_in_hole_is_1_mib",
                io::lseek(&sparse, SeekFrom::Data(4096)),
                Ok(MIB)
            );
            check!(
                t,
                "seek_hole_in_last_block_is_eof",
                io::lseek(&sparse, SeekFrom::Hole(MIB)),
                Ok(MIB + 4096)
            );
            check!(
                t,
                "seek_data_at_eof_enxio",
                io::lseek(&sparse, SeekFrom::Data(MIB + 4096)),
                Err(Errno::ENXIO)
            );
            check!(
                t,
                "seek_data_beyond_eof_enxio",
                io::lseek(&sparse, SeekFrom::Data(2 * MIB)),
                Err(Errno::ENXIO)
            );
        }
        Err(e) => {
            for name in [
                "sparse_file_written",
                "seek_data_from_0_is_0",
                "seek_hole_from_0_is_end_of_first_block",
                "seek_data_in_hole_is_1_mib",
                "seek_hole_in_last_block_is_eof",
                "seek_data_at_eof_enxio",
                "seek_data_beyond_eof_enxio",
            ] {
                check!(t, name, Err::<(), _>(e), Ok(()));
            }
        }
    }
    let _ = fs::unlink(sp);

    // O_APPEND: two descriptors, interleaved writes, every one lands at the end.
    let app = fs::open(p, OFlags::WRONLY | OFlags::TRUNC | OFlags::APPEND, RW);
    let app2 = fs::open(p, OFlags::WRONLY | OFlags::APPEND, RW);
    match (app, app2) {
        (Ok(app), Ok(app2)) => {
            let _ = (
                io::write(&app, b"a"),
                io::write(&app2, b"bb"),
                io::write(&app, b"ccc"),
            );
            check!(
                t,
                "o_append_two_fds_interleaved_writes_append",
                contents(&fd, &mut buf),
                Ok(&b"abbccc"[..])
            );
            // Linux: pwrite on an O_APPEND descriptor appends, whatever the offset.
            check!(
                t,
                "pwrite_with_o_append_appends",
                (io::pwrite(&app2, b"Z", 0), contents(&fd, &mut buf)),
                (Ok(1usize), Ok(&b"abbcccZ"[..]))
            );
        }
        (a, b) => {
            let e = a.err().or(b.err()).unwrap_or(Errno::EIO);
            for name in [
                "o_append_two_fds_interleaved_writes_append",
                "pwrite_with_o_append_appends",
            ] {
                check!(t, name, Err::<(), _>(e), Ok(()));
            }
        }
    }
    check!(
        t,
        "o_trunc_truncates_to_size_0",
        fs::open(p, OFlags::WRONLY | OFlags::TRUNC, RW)
            .and_then(|tr| io::lseek(&tr, SeekFrom::End(0))),
        Ok(0u64)
    );

    // EBADF (R7, R8) and EISDIR.
    let closed = closed_fd();
    check!(
        t,
        "read_closed_fd_ebadf",
        io::read(closed, &mut four),
        Err(Errno::EBADF)
    );
    check!(
        t,
        "write_closed_fd_ebadf",
        io::write(closed, b"x"),
        Err(Errno::EBADF)
    );
    check!(
        t,
        "lseek_closed_fd_ebadf",
        io::lseek(closed, SeekFrom::Start(0)),
        Err(Errno::EBADF)
    );
    match fs::open(p, OFlags::RDONLY, Mode::empty()) {
        Ok(ro) => check!(
            t,
            "write_on_rdonly_fd_ebadf",
            io::write(&ro, b"x"),
            Err(Errno::EBADF)
        ),
        Err(e) => check!(t, "write_on_rdonly_fd_ebadf", Err::<(), _>(e), Ok(())),
    }
    match fs::open(p, OFlags::PATH, Mode::empty()) {
        Ok(op) => check!(
            t,
            "read_and_write_on_o_path_fd_ebadf",
            (io::read(&op, &mut four), io::write(&op, b"x")),
            (Err(Errno::EBADF), Err(Errno::EBADF))
        ),
        Err(e) => check!(
            t,
            "read_and_write_on_o_path_fd_ebadf",
            Err::<(), _>(e),
            Ok(())
        ),
    }
    let dir_path = tmp_path("io-rw-dir");
    let dp = dir_path.as_str();
    let dir = raw_mkdir(dp, 0o700)
        .and_then(|()| fs::open(dp, OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty()));
    match dir {
        Ok(dir) => check!(
            t,
            "read_and_pread_directory_fd_eisdir",
            (io::read(&dir, &mut four), io::pread(&dir, &mut four, 0)),
            (Err(Errno::EISDIR), Err(Errno::EISDIR))
        ),
        Err(e) => check!(
            t,
            "read_and_pread_directory_fd_eisdir",
            Err::<(), _>(e),
            Ok(())
        ),
    }
    let _ = fs::unlinkat(sysrt::fd::CWD, dp, AtFlags::REMOVEDIR);

    close_range_cases(&mut t, &fd);

    drop(fd);
    check!(t, "unlink_fixture", fs::unlink(p), Ok(()));
    large_offset_cases(&mut t);
    baseline.check(&mut t);
    t.finish()
}

/// Offsets and lengths past 4 GiB through every call that takes one, on a sparse file: a
/// wrapper or stub that dropped the high half of a 64-bit register would land the bytes (or
/// the size) 4 GiB off, and these would see it.
fn large_offset_cases(t: &mut Tests) {
    const GIB: u64 = 1 << 30;
    let (path, copy) = (tmp_path("io-rw-big"), tmp_path("io-rw-big-copy"));
    let rw = OFlags::CREAT | OFlags::EXCL | OFlags::RDWR;
    let (Ok(f), Ok(g)) = (
        fs::open(path.as_str(), rw, RW),
        fs::open(copy.as_str(), rw, RW),
    ) else {
        check!(t, "large_offset_fixtures", "open failed", "ok");
        return;
    };
    let high = 5 * GIB + 3;
    let size = |fd: &OwnedFd| fs::fstat(fd).map(|st| st.size);
    let mut four = [0u8; 4];
    check!(
        t,
        "large_offset_pwrite_5_gib",
        (io::pwrite(&f, b"high", high), size(&f)),
        (Ok(4usize), Ok(high as i64 + 4))
    );
    check!(
        t,
        "large_offset_pread_5_gib",
        (io::pread(&f, &mut four, high), four),
        (Ok(4usize), *b"high")
    );
    four = [0; 4];
    check!(
        t,
        "large_offset_lseek_then_read",
        (
            io::lseek(&f, SeekFrom::Start(high)),
            io::read(&f, &mut four),
            four
        ),
        (Ok(high), Ok(4usize), *b"high")
    );
    let parts = [IoSlice::new(b"ab"), IoSlice::new(b"cd")];
    four = [0; 4];
    check!(
        t,
        "large_offset_pwritev_6_gib_then_pread",
        (
            io::pwritev(&f, &parts, 6 * GIB),
            io::pread(&f, &mut four, 6 * GIB),
            four
        ),
        (Ok(4usize), Ok(4usize), *b"abcd")
    );
    check!(
        t,
        "large_offset_ftruncate_7_gib",
        (io::ftruncate(&f, 7 * GIB), size(&f)),
        (Ok(()), Ok(7 * GIB as i64))
    );
    check!(
        t,
        "large_offset_truncate_path_9_gib",
        (io::truncate(path.as_str(), 9 * GIB), size(&f)),
        (Ok(()), Ok(9 * GIB as i64))
    );
    let mut off = high;
    let Ok((r, w)) = raw_pipe() else {
        check!(t, "large_offset_pipe", "failed", "ok");
        return;
    };
    four = [0; 4];
    check!(
        t,
        "large_offset_sendfile_from_5_gib",
        (
            io::sendfile(&w, &f, Some(&mut off), 4),
            off,
            io::read(&r, &mut four),
            four
        ),
        (Ok(4usize), high + 4, Ok(4usize), *b"high")
    );
    let (mut from, mut to) = (high, 4 * GIB + 1);
    four = [0; 4];
    check!(
        t,
        "large_offset_copy_file_range_5_to_4_gib",
        (
            io::copy_file_range(&f, Some(&mut from), &g, Some(&mut to), 4),
            from,
            to,
            io::pread(&g, &mut four, 4 * GIB + 1),
            four
        ),
        (Ok(4usize), high + 4, 4 * GIB + 5, Ok(4usize), *b"high")
    );
    check!(
        t,
        "large_offset_sync_file_range_5_gib",
        io::sync_file_range(&f, 5 * GIB, 4096, io::SyncFileRangeFlags::WRITE),
        Ok(())
    );
    check!(
        t,
        "large_offset_fixtures_removed",
        (fs::unlink(path.as_str()), fs::unlink(copy.as_str())),
        (Ok(()), Ok(()))
    );
}

/// close_range on duplicates made through the raw layer at numbers 200 and up, so nothing
/// else in the program owns them.
fn close_range_cases(t: &mut Tests, fd: &OwnedFd) {
    let dups = (
        raw_dup_at_least(fd, 200),
        raw_dup_at_least(fd, 201),
        raw_dup_at_least(fd, 202),
        raw_dup_at_least(fd, 203),
    );
    check!(
        t,
        "raw_dups_at_200_to_203",
        dups,
        (Ok(200), Ok(201), Ok(202), Ok(203))
    );
    // SAFETY: 200..=203 are the duplicates just made, owned by no `OwnedFd`; the borrows are
    // used only while they are open, or to observe EBADF after close_range.
    let borrowed = |n: RawFd| unsafe { BorrowedFd::borrow_raw(n) };

    // F_DUPFD_CLOEXEC set the flag; clear it on 203, then CLOSE_RANGE_CLOEXEC sets it again.
    // SAFETY: F_SETFD takes an integer; 203 is our duplicate.
    let cleared = unsafe { sysrt::raw_syscall(Sysno::fcntl, 203, F_SETFD as usize, 0) };
    check!(
        t,
        "fd_cloexec_cleared_before_close_range",
        (cleared, cloexec(borrowed(203))),
        (Ok(0usize), Ok(false))
    );
    // SAFETY: CLOEXEC closes nothing; 203 is ours.
    let r = unsafe { io::close_range(203, 203, CloseRangeFlags::CLOEXEC) };
    check!(
        t,
        "close_range_cloexec_sets_flag_keeps_fd_open",
        (r, cloexec(borrowed(203))),
        (Ok(()), Ok(true))
    );

    // SAFETY: 200..=202 are our raw duplicates; nothing owns them or uses them afterwards
    // except to observe EBADF.
    let r = unsafe { io::close_range(200, 202, CloseRangeFlags::empty()) };
    check!(
        t,
        "close_range_closes_200_to_202",
        (
            r,
            cloexec(borrowed(200)),
            cloexec(borrowed(201)),
            cloexec(borrowed(202))
        ),
        (
            Ok(()),
            Err(Errno::EBADF),
            Err(Errno::EBADF),
            Err(Errno::EBADF)
        )
    );
    check!(
        t,
        "close_range_leaves_203_open",
        io::read(borrowed(203), &mut [0u8; 1]).map(drop),
        Ok(())
    );
    // SAFETY: the call fails before closing anything (first > last).
    let r = unsafe { io::close_range(203, 200, CloseRangeFlags::empty()) };
    check!(
        t,
        "close_range_first_greater_than_last_einval",
        (r, cloexec(borrowed(203))),
        (Err(Errno::EINVAL), Ok(true))
    );
    // SAFETY: 203 is our last raw duplicate; nothing owns it.
    let r = unsafe { io::close_range(203, 203, CloseRangeFlags::empty()) };
    check!(
        t,
        "close_range_single_fd",
        (r, cloexec(borrowed(203))),
        (Ok(()), Err(Errno::EBADF))
    );
}

sysrt_rt::main!(main);
