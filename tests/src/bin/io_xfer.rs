//! Syncing and sizing (fsync, fdatasync, sync, syncfs, ftruncate, truncate, fallocate,
//! fadvise) and in-kernel copies (sendfile, copy_file_range, splice, tee, vmsplice), each with
//! its effect on the bytes, sizes and offsets, and its documented errnos.
#![no_std]
#![no_main]

use core::fmt::Write as _;
use core::write;

use sysrt::fd::{AsFd, CWD, OwnedFd};
use sysrt::fs::{self, Mode, OFlags};
use sysrt::io::{self, Advice, FallocateFlags, IoSlice, SeekFrom, SpliceFlags, SyncFileRangeFlags};
use sysrt::{Errno, Sysno};
use sysrt_tests::check::Buf;
use sysrt_tests::util::{
    FdBaseline, as_nobody, cloexec, closed_fd, contents, is_root, offset, raw_pipe, raw_symlinkat,
    read_some, tmp_path,
};
use sysrt_tests::{Tests, check};

const PLAN: usize = 73;
const RW: Mode = Mode::from_octal(0o600);
const CREATE: OFlags = OFlags::CREAT.union(OFlags::EXCL).union(OFlags::RDWR);

/// The file's size, leaving the file offset where it was.
fn size(fd: impl AsFd) -> Result<u64, Errno> {
    let fd = fd.as_fd();
    let here = io::lseek(fd, SeekFrom::Current(0))?;
    let end = io::lseek(fd, SeekFrom::End(0))?;
    io::lseek(fd, SeekFrom::Start(here))?;
    Ok(end)
}

/// `/dev/shm/sysrt-test-<pid>-<name>`: as `tmp_path`, on the tmpfs at /dev/shm.
fn shm_path(name: &str) -> Buf<256> {
    let mut p = Buf::new();
    let _ = write!(
        p,
        "/dev/shm/sysrt-test-{}-{}",
        sysrt::process::getpid(),
        name
    );
    p
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();
    let path = tmp_path("io-xfer");
    let p = path.as_str();
    let mut buf = [0u8; 128];

    let fd = fs::open(p, CREATE, RW);
    check!(t, "open_fixture_file", fd.as_ref().map(|_| ()), Ok(()));
    let Ok(fd) = fd else { return t.finish() };
    check!(t, "fixture_fd_has_cloexec", cloexec(&fd), Ok(true));
    let _ = io::write_all(&fd, b"hello, world");
    let Ok((r, w)) = raw_pipe() else {
        check!(t, "raw_pipe", "failed", "ok");
        return t.finish();
    };

    // fsync, fdatasync, syncfs, sync.
    check!(
        t,
        "fsync_file_ok_bytes_intact",
        (io::fsync(&fd), contents(&fd, &mut buf)),
        (Ok(()), Ok(&b"hello, world"[..]))
    );
    check!(t, "fdatasync_file_ok", io::fdatasync(&fd), Ok(()));
    check!(t, "syncfs_file_ok", io::syncfs(&fd), Ok(()));
    check!(
        t,
        "sync_returns_bytes_intact",
        (io::sync(), contents(&fd, &mut buf)),
        ((), Ok(&b"hello, world"[..]))
    );
    check!(t, "fsync_on_pipe_einval", io::fsync(&w), Err(Errno::EINVAL));
    check!(
        t,
        "fdatasync_on_pipe_einval",
        io::fdatasync(&w),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "fsync_fdatasync_syncfs_closed_fd_ebadf",
        (
            io::fsync(closed_fd()),
            io::fdatasync(closed_fd()),
            io::syncfs(closed_fd())
        ),
        (Err(Errno::EBADF), Err(Errno::EBADF), Err(Errno::EBADF))
    );

    // sync_file_range.
    let wait_write = SyncFileRangeFlags::WAIT_BEFORE
        | SyncFileRangeFlags::WRITE
        | SyncFileRangeFlags::WAIT_AFTER;
    check!(
        t,
        "sync_file_range_whole_file_bytes_intact",
        (
            io::sync_file_range(&fd, 0, 0, wait_write),
            contents(&fd, &mut buf)
        ),
        (Ok(()), Ok(&b"hello, world"[..]))
    );
    check!(
        t,
        "sync_file_range_on_pipe_espipe",
        io::sync_file_range(&w, 0, 0, wait_write),
        Err(Errno::ESPIPE)
    );
    check!(
        t,
        "sync_file_range_offset_above_i64_max_einval",
        io::sync_file_range(&fd, u64::MAX, 0, wait_write),
        Err(Errno::EINVAL)
    );
    // SAFETY: no pointers; 8 is not a SYNC_FILE_RANGE_* bit.
    let bad = unsafe {
        sysrt::raw_syscall6(
            Sysno::sync_file_range,
            fd.as_fd().as_raw_fd() as usize,
            0,
            0,
            8,
            0,
            0,
        )
    };
    check!(
        t,
        "sync_file_range_unknown_flag_raw_einval",
        bad,
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "sync_file_range_closed_fd_ebadf",
        io::sync_file_range(closed_fd(), 0, 0, wait_write),
        Err(Errno::EBADF)
    );

    // ftruncate.
    let _ = io::lseek(&fd, SeekFrom::Start(7));
    check!(
        t,
        "ftruncate_grows_to_100",
        (io::ftruncate(&fd, 100), size(&fd)),
        (Ok(()), Ok(100u64))
    );
    let grown = contents(&fd, &mut buf);
    check!(
        t,
        "ftruncate_growth_reads_back_zeros",
        grown.map(|b| (b.len(), b.get(..12), b.iter().skip(12).all(|&x| x == 0))),
        Ok((100, Some(&b"hello, world"[..]), true))
    );
    check!(
        t,
        "ftruncate_shrinks_to_exact_size",
        (io::ftruncate(&fd, 5), size(&fd), contents(&fd, &mut buf)),
        (Ok(()), Ok(5u64), Ok(&b"hello"[..]))
    );
    check!(t, "ftruncate_does_not_move_offset", offset(&fd), Ok(7u64));
    match fs::open(p, OFlags::RDONLY, Mode::empty()) {
        // do_ftruncate: "!S_ISREG || !(f_mode & FMODE_WRITE)" gives EINVAL, not EBADF.
        Ok(ro) => check!(
            t,
            "ftruncate_rdonly_fd_einval_size_kept",
            (io::ftruncate(&ro, 1), size(&fd)),
            (Err(Errno::EINVAL), Ok(5u64))
        ),
        Err(e) => check!(
            t,
            "ftruncate_rdonly_fd_einval_size_kept",
            Err::<(), _>(e),
            Ok(())
        ),
    }
    check!(
        t,
        "ftruncate_on_pipe_einval",
        io::ftruncate(&w, 0),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "ftruncate_len_above_i64_max_einval",
        io::ftruncate(&fd, 1 << 63),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "ftruncate_closed_fd_ebadf",
        io::ftruncate(closed_fd(), 0),
        Err(Errno::EBADF)
    );

    // truncate by path.
    check!(
        t,
        "truncate_path_sets_size",
        (io::truncate(p, 3), size(&fd), contents(&fd, &mut buf)),
        (Ok(()), Ok(3u64), Ok(&b"hel"[..]))
    );
    check!(
        t,
        "truncate_missing_enoent",
        io::truncate("/nonexistent-sysrt/file", 0),
        Err(Errno::ENOENT)
    );
    check!(
        t,
        "truncate_directory_eisdir",
        io::truncate("/tmp", 0),
        Err(Errno::EISDIR)
    );
    let mut under_file = path.clone();
    let _ = under_file.write_str("/x");
    check!(
        t,
        "truncate_file_used_as_dir_enotdir",
        io::truncate(under_file.as_str(), 0),
        Err(Errno::ENOTDIR)
    );
    check!(
        t,
        "truncate_interior_nul_einval_size_kept",
        (io::truncate("/tmp/a\0b", 0), size(&fd)),
        (Err(Errno::EINVAL), Ok(3u64))
    );
    // A 300-byte component: over NAME_MAX (255), under PATH_MAX, so the kernel judges it.
    let mut long: Buf<400> = Buf::new();
    let _ = write!(long, "{}-", tmp_path("").as_str());
    for _ in 0..300 {
        let _ = long.write_str("n");
    }
    check!(
        t,
        "truncate_component_over_name_max_enametoolong",
        io::truncate(long.as_bytes(), 0),
        Err(Errno::ENAMETOOLONG)
    );
    let (loop_a, loop_b) = (tmp_path("io-xfer-loop-a"), tmp_path("io-xfer-loop-b"));
    let made = (
        raw_symlinkat(loop_b.as_str(), CWD, loop_a.as_str()),
        raw_symlinkat(loop_a.as_str(), CWD, loop_b.as_str()),
    );
    check!(
        t,
        "truncate_symlink_loop_eloop",
        (made, io::truncate(loop_a.as_str(), 0)),
        ((Ok(()), Ok(())), Err(Errno::ELOOP))
    );
    let _ = (fs::unlink(loop_a.as_str()), fs::unlink(loop_b.as_str()));
    if is_root() {
        // The fixture is 0600 and root's: nobody may not write it.
        check!(
            t,
            "truncate_without_write_permission_eacces",
            (as_nobody(|| io::truncate(p, 0)), size(&fd)),
            (Ok(Err(Errno::EACCES)), Ok(3u64))
        );
    } else {
        t.skip(
            "truncate_without_write_permission_eacces",
            "not root: the file is our own, and switching to nobody needs root",
        );
    }

    // fallocate (the file is 3 bytes now).
    check!(
        t,
        "fallocate_allocates_and_grows_size",
        (
            io::fallocate(&fd, FallocateFlags::empty(), 0, 8192),
            size(&fd)
        ),
        (Ok(()), Ok(8192u64))
    );
    check!(
        t,
        "fallocate_keep_size_keeps_size",
        (
            io::fallocate(&fd, FallocateFlags::KEEP_SIZE, 8192, 8192),
            size(&fd)
        ),
        (Ok(()), Ok(8192u64))
    );
    check!(
        t,
        "fallocate_punch_hole_without_keep_size_eopnotsupp",
        io::fallocate(&fd, FallocateFlags::PUNCH_HOLE, 0, 4096),
        Err(Errno::EOPNOTSUPP)
    );
    let block = [b'q'; 4096];
    let _ = io::pwrite(&fd, &block, 4096);
    let punched = io::fallocate(
        &fd,
        FallocateFlags::PUNCH_HOLE | FallocateFlags::KEEP_SIZE,
        4096,
        4096,
    );
    let mut tail = [0xffu8; 4096];
    let read = io::pread(&fd, &mut tail, 4096);
    check!(
        t,
        "fallocate_punch_hole_keep_size_zeroes_range",
        (punched, read, tail.iter().all(|&x| x == 0), size(&fd)),
        (Ok(()), Ok(4096usize), true, Ok(8192u64))
    );
    check!(
        t,
        "fallocate_len_0_einval",
        io::fallocate(&fd, FallocateFlags::empty(), 0, 0),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "fallocate_offset_above_i64_max_einval",
        io::fallocate(&fd, FallocateFlags::empty(), u64::MAX, 1),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "fallocate_on_pipe_espipe",
        io::fallocate(&w, FallocateFlags::empty(), 0, 1),
        Err(Errno::ESPIPE)
    );
    match fs::open(p, OFlags::RDONLY, Mode::empty()) {
        Ok(ro) => check!(
            t,
            "fallocate_rdonly_fd_ebadf",
            io::fallocate(&ro, FallocateFlags::empty(), 0, 16384),
            Err(Errno::EBADF)
        ),
        Err(e) => check!(t, "fallocate_rdonly_fd_ebadf", Err::<(), _>(e), Ok(())),
    }

    // fadvise.
    let advices = [
        Advice::Normal,
        Advice::Random,
        Advice::Sequential,
        Advice::WillNeed,
        Advice::DontNeed,
        Advice::NoReuse,
    ];
    let mut all = Ok(());
    for advice in advices {
        all = all.and(io::fadvise(&fd, 0, 0, advice));
    }
    check!(
        t,
        "fadvise_every_advice_ok_size_kept",
        (all, size(&fd)),
        (Ok(()), Ok(8192u64))
    );
    check!(
        t,
        "fadvise_on_pipe_espipe",
        io::fadvise(&r, 0, 0, Advice::Sequential),
        Err(Errno::ESPIPE)
    );
    check!(
        t,
        "fadvise_closed_fd_ebadf",
        io::fadvise(closed_fd(), 0, 0, Advice::Normal),
        Err(Errno::EBADF)
    );
    check!(
        t,
        "fadvise_len_above_i64_max_einval",
        io::fadvise(&fd, 0, u64::MAX, Advice::Normal),
        Err(Errno::EINVAL)
    );

    // The copies: a 16-byte source, a destination, and a second pipe for tee.
    let src_path = tmp_path("io-xfer-src");
    let dst_path = tmp_path("io-xfer-dst");
    let src = fs::open(src_path.as_str(), CREATE, RW);
    let dst = fs::open(dst_path.as_str(), CREATE, RW);
    match (src, dst, raw_pipe()) {
        (Ok(src), Ok(dst), Ok((r2, w2))) => {
            let _ = io::write_all(&src, b"0123456789abcdef");
            let _ = io::lseek(&src, SeekFrom::Start(0));
            let fds = Fixtures {
                src: &src,
                dst: &dst,
                dst_path: dst_path.as_str(),
                pipe: (&r, &w),
                pipe2: (&r2, &w2),
            };
            copies(&mut t, fds, &mut buf);
        }
        (a, b, c) => {
            let e = a.err().or(b.err()).or(c.err()).unwrap_or(Errno::EIO);
            for _ in 0..COPY_CASES {
                check!(t, "copy_fixtures", Err::<(), _>(e), Ok(()));
            }
        }
    }
    let _ = fs::unlink(src_path.as_str());
    let _ = fs::unlink(dst_path.as_str());

    drop((fd, r, w));
    check!(t, "unlink_fixture", fs::unlink(p), Ok(()));
    baseline.check(&mut t);
    t.finish()
}

/// How many cases [`copies`] reports.
const COPY_CASES: usize = 28;

/// The descriptors the copy cases move data between.
struct Fixtures<'a> {
    /// "0123456789abcdef", file offset 0.
    src: &'a OwnedFd,
    /// Empty.
    dst: &'a OwnedFd,
    dst_path: &'a str,
    /// Two empty pipes, (read end, write end).
    pipe: (&'a OwnedFd, &'a OwnedFd),
    pipe2: (&'a OwnedFd, &'a OwnedFd),
}

/// sendfile, copy_file_range, splice, tee and vmsplice between the fixtures.
fn copies(t: &mut Tests, fds: Fixtures<'_>, buf: &mut [u8]) {
    let Fixtures {
        src,
        dst,
        dst_path,
        pipe: (r, w),
        pipe2: (r2, w2),
    } = fds;
    let mut pipe_buf = [0u8; 64];

    // sendfile.
    check!(
        t,
        "sendfile_file_to_pipe_without_offset",
        (io::sendfile(w, src, None, 6), read_some(r, &mut pipe_buf)),
        (Ok(6usize), Ok(&b"012345"[..]))
    );
    check!(
        t,
        "sendfile_without_offset_advances_file_offset",
        offset(src),
        Ok(6u64)
    );
    let mut off = 10;
    check!(
        t,
        "sendfile_file_to_file_with_offset",
        (
            io::sendfile(dst, src, Some(&mut off), 4),
            contents(dst, buf)
        ),
        (Ok(4usize), Ok(&b"abcd"[..]))
    );
    check!(
        t,
        "sendfile_with_offset_updates_it_file_offset_kept",
        (off, offset(src)),
        (14, Ok(6u64))
    );
    check!(
        t,
        "sendfile_count_0_copies_nothing",
        (io::sendfile(dst, src, Some(&mut off), 0), off, size(dst)),
        (Ok(0usize), 14, Ok(4u64))
    );
    let mut at_end = 16;
    check!(
        t,
        "sendfile_at_eof_returns_0",
        io::sendfile(dst, src, Some(&mut at_end), 8),
        Ok(0usize)
    );
    let mut off = 0;
    check!(
        t,
        "sendfile_offset_on_pipe_input_espipe",
        io::sendfile(dst, r, Some(&mut off), 1),
        Err(Errno::ESPIPE)
    );
    check!(
        t,
        "sendfile_closed_in_fd_ebadf",
        io::sendfile(dst, closed_fd(), None, 1),
        Err(Errno::EBADF)
    );

    // copy_file_range (dst holds "abcd").
    let (mut off_in, mut off_out) = (2, 4);
    check!(
        t,
        "copy_file_range_with_offsets_exact_bytes",
        (
            io::copy_file_range(src, Some(&mut off_in), dst, Some(&mut off_out), 5),
            contents(dst, buf)
        ),
        (Ok(5usize), Ok(&b"abcd23456"[..]))
    );
    check!(
        t,
        "copy_file_range_updates_offsets_file_offsets_kept",
        (off_in, off_out, offset(src), offset(dst)),
        (7, 9, Ok(6u64), Ok(4u64))
    );
    let _ = io::lseek(dst, SeekFrom::End(0));
    check!(
        t,
        "copy_file_range_without_offsets_uses_file_offsets",
        (
            io::copy_file_range(src, None, dst, None, 3),
            offset(src),
            offset(dst),
            contents(dst, buf)
        ),
        (Ok(3usize), Ok(9u64), Ok(12u64), Ok(&b"abcd23456678"[..]))
    );
    let (mut a, mut b) = (0, 2);
    check!(
        t,
        "copy_file_range_overlapping_same_file_einval",
        (
            io::copy_file_range(src, Some(&mut a), src, Some(&mut b), 8),
            contents(src, buf)
        ),
        (Err(Errno::EINVAL), Ok(&b"0123456789abcdef"[..]))
    );
    match fs::open(dst_path, OFlags::RDONLY, Mode::empty()) {
        Ok(ro) => check!(
            t,
            "copy_file_range_read_only_out_fd_ebadf",
            io::copy_file_range(src, Some(&mut 0), &ro, Some(&mut 0), 4),
            Err(Errno::EBADF)
        ),
        Err(e) => check!(
            t,
            "copy_file_range_read_only_out_fd_ebadf",
            Err::<(), _>(e),
            Ok(())
        ),
    }
    check!(
        t,
        "copy_file_range_pipe_input_einval",
        io::copy_file_range(r, None, dst, None, 4),
        Err(Errno::EINVAL)
    );
    // /tmp (ext4) to /dev/shm (tmpfs): since Linux 5.19 a cross-filesystem copy is allowed
    // only between filesystems with the same copy_file_range method; ext4 and tmpfs have
    // none, so this kernel refuses with EXDEV and copies nothing.
    let shm_path = shm_path("io-xfer-shm");
    match fs::open(shm_path.as_str(), CREATE, RW) {
        Ok(shm) => check!(
            t,
            "copy_file_range_tmp_ext4_to_dev_shm_tmpfs_exdev",
            (
                io::copy_file_range(src, Some(&mut 0), &shm, Some(&mut 0), 4),
                size(&shm)
            ),
            (Err(Errno::EXDEV), Ok(0u64))
        ),
        Err(e) => check!(
            t,
            "copy_file_range_tmp_ext4_to_dev_shm_tmpfs_exdev",
            Err::<(), _>(e),
            Ok(())
        ),
    }
    let _ = fs::unlink(shm_path.as_str());

    // splice: file -> pipe -> file.
    let mut off = 3;
    check!(
        t,
        "splice_file_to_pipe_with_offset",
        (
            io::splice(src, Some(&mut off), w, None, 5, SpliceFlags::empty()),
            off,
            offset(src)
        ),
        (Ok(5usize), 8, Ok(9u64))
    );
    let mut off = 0;
    check!(
        t,
        "splice_pipe_to_file_with_offset",
        (
            io::splice(r, None, dst, Some(&mut off), 5, SpliceFlags::MOVE),
            off,
            contents(dst, buf)
        ),
        (Ok(5usize), 5, Ok(&b"345673456678"[..]))
    );
    check!(
        t,
        "splice_offset_on_pipe_side_espipe",
        io::splice(r, Some(&mut 0), dst, None, 1, SpliceFlags::empty()),
        Err(Errno::ESPIPE)
    );
    check!(
        t,
        "splice_neither_side_a_pipe_einval",
        io::splice(src, None, dst, None, 1, SpliceFlags::empty()),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "splice_empty_pipe_nonblock_eagain",
        io::splice(r, None, dst, None, 1, SpliceFlags::NONBLOCK),
        Err(Errno::EAGAIN)
    );

    // tee: the data is duplicated, and stays in the first pipe.
    let _ = io::write(w, b"tee-data");
    check!(
        t,
        "tee_pipe_to_pipe_duplicates",
        io::tee(r, w2, 100, SpliceFlags::empty()),
        Ok(8usize)
    );
    let mut copy = [0u8; 16];
    check!(
        t,
        "tee_both_pipes_readable",
        (read_some(r2, &mut copy), read_some(r, &mut pipe_buf)),
        (Ok(&b"tee-data"[..]), Ok(&b"tee-data"[..]))
    );
    check!(
        t,
        "tee_from_a_file_einval",
        io::tee(src, w2, 1, SpliceFlags::empty()),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "tee_empty_pipe_nonblock_eagain",
        io::tee(r, w2, 1, SpliceFlags::NONBLOCK),
        Err(Errno::EAGAIN)
    );

    // vmsplice: static buffers, which nothing ever writes, so the pipe may keep their pages.
    static VM: &[u8] = b"vm";
    static SPLICE: &[u8] = b"splice";
    // SAFETY: `w` is a pipe's write end; the buffers are immutable statics, so the pages the
    // pipe refers to never change and are never freed.
    let n = unsafe {
        io::vmsplice(
            w,
            &[IoSlice::new(VM), IoSlice::new(SPLICE)],
            SpliceFlags::empty(),
        )
    };
    check!(
        t,
        "vmsplice_two_buffers_into_pipe_read_back",
        (n, read_some(r, &mut pipe_buf)),
        (Ok(8usize), Ok(&b"vmsplice"[..]))
    );
    // SAFETY: the kernel rejects a non-pipe fd before touching the buffer.
    let n = unsafe { io::vmsplice(src, &[IoSlice::new(VM)], SpliceFlags::empty()) };
    check!(t, "vmsplice_on_regular_file_ebadf", n, Err(Errno::EBADF));
    // SAFETY: as above: an empty iovec list into the pipe's write end reads nothing.
    let n = unsafe { io::vmsplice(w, &[], SpliceFlags::empty()) };
    check!(t, "vmsplice_empty_iovec_list_returns_0", n, Ok(0usize));

    check!(
        t,
        "copy_fixtures_are_cloexec",
        (cloexec(src), cloexec(dst)),
        (Ok(true), Ok(true))
    );
}

sysrt_rt::main!(main);
