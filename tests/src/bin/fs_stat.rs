//! Metadata: stat, lstat, fstat, fstatat, statx, statfs, fstatfs — the fields of each file
//! type, links and times, fstatat/statx agreement (R14), and the errors (R1, R4, R5, R6, R19,
//! R21).
#![no_std]
#![no_main]

use core::ffi::CStr;

use linux_raw_sys::general as g;
use sysrt::fd::{AsFd, CWD};
use sysrt::fs::{self, AtFlags, FileType, Mode, OFlags, StatFs, StatxFlags};
use sysrt::path::PATH_MAX;
use sysrt::time::Timespec;
use sysrt::{Errno, Sysno, io};
use sysrt_tests::util::{
    FdBaseline, as_nobody, cloexec, closed_fd, ids_of_self, is_root, join, raw_fstatat, raw_mkdir,
    raw_statx, raw_symlinkat, tmp_path,
};
use sysrt_tests::{Tests, check};

const PLAN: usize = 71;

fn raw_fd(fd: impl AsFd) -> usize {
    fd.as_fd().as_raw_fd() as isize as usize
}

/// `linkat(dirfd, old, dirfd, new, 0)` through the raw layer.
fn raw_linkat(dirfd: impl AsFd, old: &CStr, new: &CStr) -> Result<(), Errno> {
    let d = raw_fd(dirfd);
    // SAFETY: both strings are NUL-terminated and outlive the call; linkat only reads them.
    unsafe {
        sysrt::raw_syscall6(
            Sysno::linkat,
            d,
            old.as_ptr() as usize,
            d,
            new.as_ptr() as usize,
            0,
            0,
        )
    }
    .map(drop)
}

/// `mknodat(dirfd, name, mode, 0)` through the raw layer.
fn raw_mknodat(dirfd: impl AsFd, name: &CStr, mode: u32) -> Result<(), Errno> {
    // SAFETY: `name` is NUL-terminated and outlives the call; mknodat only reads it.
    unsafe {
        sysrt::raw_syscall6(
            Sysno::mknodat,
            raw_fd(dirfd),
            name.as_ptr() as usize,
            mode as usize,
            0,
            0,
            0,
        )
    }
    .map(drop)
}

/// `utimensat(dirfd, name, [atime, mtime], 0)` through the raw layer.
fn raw_utimensat(dirfd: impl AsFd, name: &CStr, times: [Timespec; 2]) -> Result<(), Errno> {
    let ts = [times[0].to_kernel(), times[1].to_kernel()];
    // SAFETY: `name` and `ts` outlive the call; utimensat only reads them.
    unsafe {
        sysrt::raw_syscall6(
            Sysno::utimensat,
            raw_fd(dirfd),
            name.as_ptr() as usize,
            ts.as_ptr() as usize,
            0,
            0,
            0,
        )
    }
    .map(drop)
}

/// glibc's `major`/`minor` of a `dev_t`.
fn major_minor(dev: u64) -> (u64, u64) {
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
    let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
    (major, minor)
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();

    let dir = tmp_path("stat");
    let file = join(dir.as_str(), "f");
    let (d, f) = (dir.as_str(), file.as_str());
    check!(t, "fixture_mkdir", raw_mkdir(d, 0o755), Ok(()));
    let Ok(dirfd) = fs::open(d, OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty()) else {
        return t.finish();
    };
    // umask 022 leaves 0o640 as it is.
    let Ok(fd) = fs::openat(
        &dirfd,
        c"f",
        OFlags::CREAT | OFlags::EXCL | OFlags::RDWR,
        Mode::from_octal(0o640),
    ) else {
        return t.finish();
    };
    check!(
        t,
        "fixture_fds_have_cloexec",
        (cloexec(&dirfd), cloexec(&fd)),
        (Ok(true), Ok(true))
    );
    check!(
        t,
        "fixture_write_11_bytes",
        io::write(&fd, b"hello world"),
        Ok(11usize)
    );

    // A regular file: every field we can predict.
    let st = fs::stat(f);
    let Ok(s) = st else {
        check!(t, "stat_regular_file", st.map(drop), Ok(()));
        return t.finish();
    };
    check!(
        t,
        "stat_regular_file_type",
        s.file_type(),
        FileType::RegularFile
    );
    check!(t, "stat_regular_file_size", s.size, 11);
    check!(
        t,
        "stat_mode_type_bits_s_ifreg",
        s.mode & g::S_IFMT,
        g::S_IFREG
    );
    check!(
        t,
        "stat_permissions_0640",
        s.permissions(),
        Mode::from_octal(0o640)
    );
    let (_, euid, _, egid) = ids_of_self();
    check!(
        t,
        "stat_uid_gid_are_ours",
        (s.uid, s.gid),
        (euid as u32, egid as u32)
    );
    check!(t, "stat_nlink_1", s.nlink, 1);
    check!(
        t,
        "stat_helpers_file",
        (s.is_file(), s.is_dir(), s.is_symlink()),
        (true, false, false)
    );
    check!(t, "stat_rdev_0_for_regular_file", s.rdev, 0);
    check!(t, "stat_blksize_positive", s.blksize > 0, true);
    check!(t, "fstat_equals_stat", fs::fstat(&fd), Ok(s));
    check!(t, "lstat_of_regular_equals_stat", fs::lstat(f), Ok(s));
    check!(
        t,
        "fstatat_name_in_dirfd_equals_stat",
        fs::fstatat(&dirfd, c"f", AtFlags::empty()),
        Ok(s)
    );
    check!(
        t,
        "fstatat_empty_path_on_fd",
        fs::fstatat(&fd, c"", AtFlags::EMPTY_PATH),
        Ok(s)
    );
    check!(
        t,
        "fstatat_cwd_absolute_path",
        fs::fstatat(CWD, f, AtFlags::empty()),
        Ok(s)
    );

    // Hard links: nlink 1 -> 2 -> 1, same inode.
    check!(
        t,
        "fixture_raw_linkat",
        raw_linkat(&dirfd, c"f", c"hard"),
        Ok(())
    );
    let linked = (
        fs::stat(f).map(|s| s.nlink),
        fs::fstatat(&dirfd, c"hard", AtFlags::empty()).map(|h| h.ino),
    );
    check!(
        t,
        "nlink_2_after_linkat_same_ino",
        linked,
        (Ok(2u64), Ok(s.ino))
    );
    check!(
        t,
        "unlink_link",
        fs::unlinkat(&dirfd, c"hard", AtFlags::empty()),
        Ok(())
    );
    check!(
        t,
        "nlink_back_to_1_after_unlink",
        fs::fstat(&fd).map(|s| s.nlink),
        Ok(1u64)
    );

    // A directory.
    let ds = fs::stat(d).map(|s| (s.file_type(), s.is_dir(), s.nlink >= 2, s.permissions()));
    check!(
        t,
        "stat_directory",
        ds,
        Ok((FileType::Directory, true, true, Mode::from_octal(0o755)))
    );
    check!(
        t,
        "fstat_directory_fd_matches",
        fs::fstat(&dirfd).map(|s| s.ino),
        fs::stat(d).map(|s| s.ino)
    );

    // A symlink: lstat reports the link (size = target length), stat the target.
    check!(
        t,
        "fixture_raw_symlinkat",
        raw_symlinkat(c"f", &dirfd, c"sl"),
        Ok(())
    );
    let sl = join(dir.as_str(), "sl");
    let ls = fs::lstat(sl.as_str()).map(|l| (l.file_type(), l.is_symlink(), l.size));
    check!(
        t,
        "lstat_symlink_is_symlink_size_1",
        ls,
        Ok((FileType::Symlink, true, 1i64))
    );
    check!(
        t,
        "stat_symlink_gives_target",
        fs::stat(sl.as_str()).map(|x| (x.file_type(), x.ino)),
        Ok((FileType::RegularFile, s.ino))
    );
    check!(
        t,
        "fstatat_nofollow_equals_lstat",
        fs::fstatat(&dirfd, c"sl", AtFlags::SYMLINK_NOFOLLOW),
        fs::lstat(sl.as_str())
    );

    // R19: a symlink loop.
    check!(
        t,
        "fixture_symlink_loop",
        (
            raw_symlinkat(c"b", &dirfd, c"a"),
            raw_symlinkat(c"a", &dirfd, c"b")
        ),
        (Ok(()), Ok(()))
    );
    let a = join(dir.as_str(), "a");
    check!(
        t,
        "stat_symlink_loop_eloop",
        fs::stat(a.as_str()).map(drop),
        Err(Errno::ELOOP)
    );
    check!(
        t,
        "lstat_symlink_loop_is_symlink",
        fs::lstat(a.as_str()).map(|x| x.file_type()),
        Ok(FileType::Symlink)
    );

    // A FIFO and a character device.
    check!(
        t,
        "fixture_raw_mknodat_fifo",
        raw_mknodat(&dirfd, c"fifo", g::S_IFIFO | 0o600),
        Ok(())
    );
    check!(
        t,
        "fstatat_fifo_is_fifo",
        fs::fstatat(&dirfd, c"fifo", AtFlags::empty()).map(|x| x.file_type()),
        Ok(FileType::Fifo)
    );
    let null = fs::stat("/dev/null").map(|x| (x.file_type(), major_minor(x.rdev)));
    check!(
        t,
        "stat_dev_null_char_device_1_3",
        null,
        Ok((FileType::CharacterDevice, (1u64, 3u64)))
    );
    // fs::major/minor/makedev against the test's own decoder and statx's split fields.
    let rdev = fs::stat("/dev/null").map(|x| x.rdev).unwrap_or(0);
    check!(
        t,
        "major_minor_of_dev_null_rdev",
        (fs::major(rdev), fs::minor(rdev), major_minor(rdev)),
        (1u32, 3u32, (1u64, 3u64))
    );
    check!(t, "makedev_1_3_is_dev_null_rdev", fs::makedev(1, 3), rdev);
    let nullx = fs::statx(CWD, "/dev/null", AtFlags::empty(), StatxFlags::BASIC_STATS)
        .map(|x| (x.file_type(), x.rdev_major, x.rdev_minor));
    check!(
        t,
        "statx_dev_null_rdev_1_3",
        nullx,
        Ok((FileType::CharacterDevice, 1u32, 3u32))
    );

    // Times: set exact values, read them back, then a write moves mtime forward.
    let old = [Timespec::new(1000, 0), Timespec::new(1000, 500)];
    check!(
        t,
        "fixture_raw_utimensat",
        raw_utimensat(&dirfd, c"f", old),
        Ok(())
    );
    let before = fs::fstat(&fd);
    check!(
        t,
        "stat_reads_back_exact_times",
        before.map(|x| (x.atime, x.mtime)),
        Ok((old[0], old[1]))
    );
    check!(
        t,
        "write_5_more_bytes",
        io::write(&fd, b"again"),
        Ok(5usize)
    );
    let after = fs::fstat(&fd);
    let moved = match (before, after) {
        (Ok(b), Ok(a)) => Ok((a.size, a.mtime > b.mtime, a.ctime >= b.ctime)),
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    check!(
        t,
        "write_moves_mtime_forward_and_size",
        moved,
        Ok((16i64, true, true))
    );

    // R14: fstatat and statx agree, and every tv_nsec is in range.
    let s1 = fs::fstatat(CWD, f, AtFlags::empty());
    let sx = fs::statx(CWD, f, AtFlags::empty(), StatxFlags::BASIC_STATS);
    let view1 = s1.map(|s| {
        (
            s.ino, s.size, s.mode, s.nlink, s.uid, s.gid, s.mtime, s.ctime, s.atime,
        )
    });
    let viewx = sx.map(|x| {
        (
            x.ino,
            x.size as i64,
            u32::from(x.mode),
            u64::from(x.nlink),
            x.uid,
            x.gid,
            x.mtime,
            x.ctime,
            x.atime,
        )
    });
    check!(t, "fstatat_and_statx_agree_r14", view1, viewx);
    let nsec_ok = |ts: &[Timespec]| ts.iter().all(|t| (0..1_000_000_000).contains(&t.nsec));
    let in_range = match (s1, sx) {
        (Ok(a), Ok(b)) => Ok(nsec_ok(&[
            a.atime, a.mtime, a.ctime, b.atime, b.mtime, b.ctime, b.btime,
        ])),
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    check!(t, "every_tv_nsec_below_1e9", in_range, Ok(true));
    check!(
        t,
        "statx_mask_contains_basic_stats",
        sx.map(|x| x.mask.contains(StatxFlags::BASIC_STATS)),
        Ok(true)
    );
    check!(
        t,
        "statx_empty_path_on_fd",
        fs::statx(
            &fd,
            c"",
            AtFlags::EMPTY_PATH,
            StatxFlags::INO | StatxFlags::SIZE
        )
        .map(|x| (x.ino, x.size)),
        Ok((s.ino, 16u64))
    );
    check!(
        t,
        "statx_nofollow_on_symlink",
        fs::statx(&dirfd, c"sl", AtFlags::SYMLINK_NOFOLLOW, StatxFlags::TYPE)
            .map(|x| x.file_type()),
        Ok(FileType::Symlink)
    );

    // Errors.
    let missing = join(dir.as_str(), "missing");
    check!(
        t,
        "stat_missing_enoent",
        fs::stat(missing.as_str()).map(drop),
        Err(Errno::ENOENT)
    );
    check!(
        t,
        "statx_missing_enoent",
        fs::statx(
            CWD,
            missing.as_str(),
            AtFlags::empty(),
            StatxFlags::BASIC_STATS
        )
        .map(drop),
        Err(Errno::ENOENT)
    );
    let under_file = join(file.as_str(), "x");
    check!(
        t,
        "stat_file_as_directory_enotdir",
        fs::stat(under_file.as_str()).map(drop),
        Err(Errno::ENOTDIR)
    );
    // R4: one component of 256 bytes.
    let mut long = [b'a'; PATH_MAX + 8];
    long[..d.len()].copy_from_slice(d.as_bytes());
    long[d.len()] = b'/';
    let comp = &long[..d.len() + 1 + 256];
    check!(
        t,
        "stat_component_over_name_max_enametoolong",
        fs::stat(comp).map(drop),
        Err(Errno::ENAMETOOLONG)
    );
    check!(
        t,
        "stat_path_of_path_max_bytes_enametoolong",
        fs::stat(&long[..PATH_MAX]).map(drop),
        Err(Errno::ENAMETOOLONG)
    );
    check!(
        t,
        "stat_interior_nul_einval",
        fs::stat("/tmp/a\0b").map(drop),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "statfs_interior_nul_einval",
        fs::statfs("/proc\0").map(drop),
        Err(Errno::EINVAL)
    );
    let closed = closed_fd();
    check!(
        t,
        "fstat_closed_fd_ebadf",
        fs::fstat(closed).map(drop),
        Err(Errno::EBADF)
    );
    check!(
        t,
        "fstatat_relative_closed_dirfd_ebadf",
        fs::fstatat(closed, c"f", AtFlags::empty()).map(drop),
        Err(Errno::EBADF)
    );
    check!(
        t,
        "fstatfs_closed_fd_ebadf",
        fs::fstatfs(closed).map(drop),
        Err(Errno::EBADF)
    );
    // R6: a regular file as dirfd.
    check!(
        t,
        "fstatat_relative_with_file_dirfd_enotdir",
        fs::fstatat(&fd, c"x", AtFlags::empty()).map(drop),
        Err(Errno::ENOTDIR)
    );
    check!(
        t,
        "fstatat_absolute_ignores_file_dirfd",
        fs::fstatat(&fd, f, AtFlags::empty()).map(|x| x.ino),
        Ok(s.ino)
    );
    // Flags the kernel rejects.
    check!(
        t,
        "raw_statx_both_sync_flags_einval",
        raw_statx(
            CWD,
            c"/",
            g::AT_STATX_FORCE_SYNC | g::AT_STATX_DONT_SYNC,
            g::STATX_BASIC_STATS
        )
        .map(drop),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "raw_statx_reserved_mask_bit_einval",
        raw_statx(CWD, c"/", 0, g::STATX__RESERVED).map(drop),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "raw_fstatat_unknown_flag_einval",
        raw_fstatat(CWD, c"/", 0x8000_0000).map(drop),
        Err(Errno::EINVAL)
    );

    // statfs.
    check!(
        t,
        "statfs_proc_is_procfs",
        fs::statfs("/proc").map(|x| x.f_type),
        Ok(StatFs::PROC_SUPER_MAGIC)
    );
    let shm = fs::statfs("/dev/shm");
    check!(
        t,
        "statfs_dev_shm_is_tmpfs",
        shm.map(|x| (x.f_type, x.bsize > 0, x.namelen)),
        Ok((StatFs::TMPFS_MAGIC, true, 255i64))
    );
    let shm_fd = fs::open(
        "/dev/shm",
        OFlags::RDONLY | OFlags::DIRECTORY,
        Mode::empty(),
    );
    // The free counts change as other programs use /dev/shm; the rest is fixed.
    let fixed = |x: StatFs| {
        (
            x.f_type, x.bsize, x.blocks, x.fsid, x.namelen, x.frsize, x.flags,
        )
    };
    check!(
        t,
        "fstatfs_agrees_with_statfs",
        shm_fd.and_then(fs::fstatfs).map(fixed),
        shm.map(fixed)
    );
    check!(
        t,
        "fstatfs_on_our_dir_matches_statfs",
        fs::fstatfs(&dirfd).map(fixed),
        fs::statfs(d).map(fixed)
    );
    check!(
        t,
        "statfs_missing_enoent",
        fs::statfs(missing.as_str()).map(drop),
        Err(Errno::ENOENT)
    );

    // R21: search permission. Root bypasses it, so the lookup runs as nobody.
    let locked = join(dir.as_str(), "locked");
    let secret = join(locked.as_str(), "secret");
    let made = raw_mkdir(locked.as_str(), 0o700).and_then(|()| {
        fs::open(
            secret.as_str(),
            OFlags::CREAT | OFlags::WRONLY,
            Mode::from_octal(0o644),
        )
        .map(drop)
    });
    if is_root() {
        let got = made.and_then(|()| {
            as_nobody(|| {
                (
                    fs::stat(secret.as_str()).map(drop),
                    fs::statfs(secret.as_str()).map(drop),
                )
            })
        });
        check!(
            t,
            "stat_in_0700_dir_as_nobody_eacces",
            got,
            Ok((Err(Errno::EACCES), Err(Errno::EACCES)))
        );
    } else {
        t.skip(
            "stat_in_0700_dir_as_nobody_eacces",
            "not root: switching to nobody needs root",
        );
    }

    // Clean up and check nothing is left.
    drop(fd);
    let removed = [
        fs::unlink(secret.as_str()),
        fs::unlinkat(&dirfd, c"locked", AtFlags::REMOVEDIR),
        fs::unlinkat(&dirfd, c"f", AtFlags::empty()),
        fs::unlinkat(&dirfd, c"sl", AtFlags::empty()),
        fs::unlinkat(&dirfd, c"a", AtFlags::empty()),
        fs::unlinkat(&dirfd, c"b", AtFlags::empty()),
        fs::unlinkat(&dirfd, c"fifo", AtFlags::empty()),
    ];
    drop(dirfd);
    check!(t, "cleanup_unlinks_every_fixture", removed, [Ok(()); 7]);
    check!(
        t,
        "cleanup_rmdir",
        fs::unlinkat(CWD, d, AtFlags::REMOVEDIR),
        Ok(())
    );
    check!(
        t,
        "cleanup_left_nothing",
        fs::lstat(d).map(drop),
        Err(Errno::ENOENT)
    );

    baseline.check(&mut t);
    t.finish()
}

sysrt_rt::main!(main);
