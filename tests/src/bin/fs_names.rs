//! Names and trees: mkdir/rmdir, rename/renameat2, link, symlink/readlink, mknod/mkfifo,
//! chdir/fchdir/getcwd, chroot and umask, with their exact errnos and observable effects
//! (R1, R4, R5, R6, R19, R20, R21). Modes, types, links and devices are read back with a raw
//! `newfstatat` (permission bits with the shared raw `statx` helper), so these cases do not
//! depend on the stat API written in parallel.
#![no_std]
#![no_main]

use core::mem::offset_of;

use linux_raw_sys::general::{
    AT_FDCWD, AT_SYMLINK_NOFOLLOW, DT_DIR, MNT_DETACH, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT,
    S_IFREG, S_IFSOCK, linux_dirent64, stat,
};
use sysrt::fd::CWD;
use sysrt::fs::{self, AtFlags, Mode, NodeType, OFlags, RenameFlags};
use sysrt::path::{Arg, NAME_MAX, PATH_MAX};
use sysrt::{Errno, Sysno};
use sysrt_tests::check::Buf;
use sysrt_tests::util::{
    FdBaseline, NOBODY, Oct, PathBuf, as_nobody, closed_fd, file_contents, is_root, join, perm,
    raw_fstatat, raw_mkdir, text, text_of, tmp_path, write_file,
};
use sysrt_tests::{Tests, check};

/// Bytes shown as text in the case lines.
fn s(bytes: &[u8]) -> &str {
    core::str::from_utf8(bytes).unwrap_or("<non-utf8>")
}

/// `newfstatat(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW)` through the raw layer.
fn lstat(path: &str) -> Result<stat, Errno> {
    raw_fstatat(CWD, path, AT_SYMLINK_NOFOLLOW)
}

/// The `S_IFMT` part of the mode (not following a final symlink).
fn kind(path: &str) -> Result<Oct, Errno> {
    lstat(path).map(|st| Oct(st.st_mode & S_IFMT))
}

/// (inode, link count).
fn ino_nlink(path: &str) -> Result<(u64, u64), Errno> {
    // `st_nlink` is 64-bit on x86_64 and 32-bit in the generic layout (aarch64, riscv64).
    #[allow(clippy::useless_conversion)]
    lstat(path).map(|st| (st.st_ino, u64::from(st.st_nlink)))
}

fn exists(path: &str) -> Result<(), Errno> {
    lstat(path).map(drop)
}

/// Removes `path` and everything under it (raw `getdents64`; best effort).
fn remove_tree(path: &str) {
    if kind(path) != Ok(Oct(S_IFDIR)) {
        let _ = fs::unlink(path);
        return;
    }
    // Read one batch, remove it, reopen: never iterate a directory while changing it.
    loop {
        let Ok(dir) = fs::open(path, OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty()) else {
            break;
        };
        let mut buf = [0u64; 512];
        // SAFETY: getdents64 writes at most `len` bytes into `buf`, which outlives the call.
        let n = unsafe {
            sysrt::raw_syscall(
                Sysno::getdents64,
                dir.as_raw_fd() as usize,
                buf.as_mut_ptr() as usize,
                core::mem::size_of_val(&buf),
            )
        };
        drop(dir);
        let Ok(n) = n else { break };
        // SAFETY: the kernel filled `n` bytes of `buf`; reading them as bytes is valid.
        let bytes = unsafe { core::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), n) };
        let mut removed = 0;
        let mut off = 0;
        while let Some(rec) = bytes.get(off..) {
            let Some(&[lo, hi]) = rec
                .get(offset_of!(linux_dirent64, d_reclen)..)
                .and_then(|r| r.get(..2))
            else {
                break;
            };
            let reclen = usize::from(u16::from_ne_bytes([lo, hi]));
            let d_type = rec.get(offset_of!(linux_dirent64, d_type)).copied();
            let name = rec
                .get(offset_of!(linux_dirent64, d_name)..reclen.min(rec.len()))
                .unwrap_or_default();
            let name = &name[..name.iter().position(|&b| b == 0).unwrap_or(name.len())];
            if reclen == 0 {
                break;
            }
            off += reclen;
            if name == b"." || name == b".." {
                continue;
            }
            let child = join(path, core::str::from_utf8(name).unwrap_or("?"));
            if d_type == Some(DT_DIR as u8) {
                remove_tree(child.as_str());
            } else {
                let _ = fs::unlink(child.as_str());
            }
            removed += 1;
        }
        if removed == 0 {
            break;
        }
    }
    let _ = fs::rmdir(path);
}

/// `mount("tmpfs", target, "tmpfs", 0, NULL)` through the raw layer.
fn raw_mount_tmpfs(target: &str) -> Result<(), Errno> {
    target.with_c_str(|p| {
        // SAFETY: all three strings are NUL-terminated and outlive the call; the data
        // argument is NULL.
        unsafe {
            sysrt::raw_syscall6(
                Sysno::mount,
                c"tmpfs".as_ptr() as usize,
                p.as_ptr() as usize,
                c"tmpfs".as_ptr() as usize,
                0,
                0,
                0,
            )
        }
        .map(drop)
    })
}

fn raw_umount(target: &str) -> Result<(), Errno> {
    target.with_c_str(|p| {
        // SAFETY: `p` is NUL-terminated and outlives the call.
        unsafe { sysrt::raw_syscall(Sysno::umount2, p.as_ptr() as usize, MNT_DETACH as usize, 0) }
            .map(drop)
    })
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();

    // umask: set 022 explicitly so the mode cases are exact; the original comes back at the end.
    let original_umask = fs::umask(Mode::from_octal(0o022));
    check!(
        t,
        "umask_returns_previous_mask",
        fs::umask(Mode::from_octal(0o022)),
        Mode::from_octal(0o022)
    );

    let base = tmp_path("names");
    let d = base.as_str();
    remove_tree(d);
    let _ = raw_mkdir(d, 0o755);
    let file = join(d, "file");
    let _ = write_file(file.as_str(), b"file bytes");

    // ---- mkdir / mkdirat ----
    let dir = join(d, "dir");
    check!(
        t,
        "mkdir_creates_directory",
        fs::mkdir(dir.as_str(), Mode::from_octal(0o777)),
        Ok(())
    );
    check!(
        t,
        "mkdir_result_is_directory",
        kind(dir.as_str()),
        Ok(Oct(S_IFDIR))
    );
    check!(
        t,
        "mkdir_mode_is_mode_without_umask_022",
        perm(dir.as_str()),
        Ok(Oct(0o755))
    );
    check!(
        t,
        "mkdir_existing_eexist",
        fs::mkdir(dir.as_str(), Mode::from_octal(0o755)),
        Err(Errno::EEXIST)
    );
    check!(
        t,
        "mkdir_missing_parent_enoent",
        fs::mkdir(join(d, "missing/x").as_str(), Mode::from_octal(0o755)),
        Err(Errno::ENOENT)
    );
    check!(
        t,
        "mkdir_under_regular_file_enotdir",
        fs::mkdir(join(d, "file/x").as_str(), Mode::from_octal(0o755)),
        Err(Errno::ENOTDIR)
    );
    // R4: one component of NAME_MAX + 1 bytes; the whole path is well under PATH_MAX.
    let mut long = [b'n'; PATH_MAX];
    long[..d.len()].copy_from_slice(d.as_bytes());
    long[d.len()] = b'/';
    let long = &long[..d.len() + 1 + NAME_MAX + 1];
    check!(
        t,
        "mkdir_component_over_name_max_enametoolong",
        fs::mkdir(long, Mode::from_octal(0o755)),
        Err(Errno::ENAMETOOLONG)
    );
    check!(
        t,
        "mkdir_interior_nul_einval",
        fs::mkdir(join(d, "nul\0x").as_str(), Mode::from_octal(0o755)),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "mkdir_interior_nul_created_nothing",
        exists(join(d, "nul").as_str()),
        Err(Errno::ENOENT)
    );
    let dfd = fs::open(d, OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty());
    let Ok(dfd) = dfd else {
        check!(t, "open_test_directory", dfd.map(drop), Ok(()));
        remove_tree(d);
        return t.finish();
    };
    check!(
        t,
        "mkdirat_relative_to_dirfd",
        fs::mkdirat(&dfd, "at", Mode::from_octal(0o700))
            .and_then(|()| perm(join(d, "at").as_str())),
        Ok(Oct(0o700))
    );
    // R6: a regular file as the dirfd of a relative path; an absolute path ignores it.
    let ffd = fs::open(file.as_str(), OFlags::RDONLY, Mode::empty());
    if let Ok(ffd) = &ffd {
        check!(
            t,
            "mkdirat_dirfd_is_file_enotdir",
            fs::mkdirat(ffd, "x", Mode::from_octal(0o755)),
            Err(Errno::ENOTDIR)
        );
        check!(
            t,
            "mkdirat_absolute_path_ignores_file_dirfd",
            fs::mkdirat(ffd, join(d, "abs").as_str(), Mode::from_octal(0o755))
                .and_then(|()| kind(join(d, "abs").as_str())),
            Ok(Oct(S_IFDIR))
        );
    } else {
        check!(
            t,
            "mkdirat_dirfd_is_file_enotdir",
            ffd.as_ref().map(drop),
            Ok(())
        );
        check!(
            t,
            "mkdirat_absolute_path_ignores_file_dirfd",
            ffd.as_ref().map(drop),
            Ok(())
        );
    }
    let closed = closed_fd();
    check!(
        t,
        "mkdirat_closed_dirfd_ebadf",
        fs::mkdirat(closed, "x", Mode::from_octal(0o755)),
        Err(Errno::EBADF)
    );

    // ---- rmdir ----
    let empty = join(d, "empty");
    let _ = raw_mkdir(empty.as_str(), 0o755);
    check!(
        t,
        "rmdir_empty_directory",
        fs::rmdir(empty.as_str()),
        Ok(())
    );
    check!(
        t,
        "rmdir_directory_is_gone",
        exists(empty.as_str()),
        Err(Errno::ENOENT)
    );
    let full = join(d, "full");
    let _ = raw_mkdir(full.as_str(), 0o755);
    let _ = write_file(join(full.as_str(), "f").as_str(), b"x");
    check!(
        t,
        "rmdir_nonempty_enotempty",
        fs::rmdir(full.as_str()),
        Err(Errno::ENOTEMPTY)
    );
    check!(
        t,
        "rmdir_nonempty_left_intact",
        file_contents(join(full.as_str(), "f").as_str(), &mut [0; 64]).map(text_of),
        Ok(text("x"))
    );
    check!(
        t,
        "rmdir_on_file_enotdir",
        fs::rmdir(file.as_str()),
        Err(Errno::ENOTDIR)
    );
    check!(
        t,
        "rmdir_dot_einval",
        fs::rmdir(join(dir.as_str(), ".").as_str()),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "rmdir_missing_enoent",
        fs::rmdir(join(d, "missing").as_str()),
        Err(Errno::ENOENT)
    );

    // ---- rename / renameat / renameat2 ----
    let src = join(d, "src");
    let dst = join(d, "dst");
    let _ = write_file(src.as_str(), b"new bytes");
    let _ = write_file(dst.as_str(), b"old");
    check!(
        t,
        "rename_file_over_file",
        fs::rename(src.as_str(), dst.as_str()),
        Ok(())
    );
    check!(
        t,
        "rename_target_has_source_bytes",
        file_contents(dst.as_str(), &mut [0; 64]).map(text_of),
        Ok(text("new bytes"))
    );
    check!(
        t,
        "rename_source_name_gone",
        exists(src.as_str()),
        Err(Errno::ENOENT)
    );
    check!(
        t,
        "rename_missing_source_enoent",
        fs::rename(src.as_str(), dst.as_str()),
        Err(Errno::ENOENT)
    );
    check!(
        t,
        "rename_dir_onto_nonempty_dir_enotempty",
        fs::rename(dir.as_str(), full.as_str()),
        Err(Errno::ENOTEMPTY)
    );
    check!(
        t,
        "rename_file_onto_dir_eisdir",
        fs::rename(dst.as_str(), dir.as_str()),
        Err(Errno::EISDIR)
    );
    check!(
        t,
        "rename_dir_onto_file_enotdir",
        fs::rename(dir.as_str(), dst.as_str()),
        Err(Errno::ENOTDIR)
    );
    check!(
        t,
        "rename_dir_into_itself_einval",
        fs::rename(dir.as_str(), join(dir.as_str(), "sub").as_str()),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "rename_interior_nul_einval",
        fs::rename(dst.as_str(), "a\0b"),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "renameat_relative_to_dirfds",
        fs::renameat(&dfd, "dst", &dfd, "moved").and_then(|()| file_contents(
            join(d, "moved").as_str(),
            &mut [0; 64]
        )
        .map(text_of)),
        Ok(text("new bytes"))
    );
    let a = join(d, "a");
    let b = join(d, "b");
    let _ = write_file(a.as_str(), b"AAA");
    let _ = write_file(b.as_str(), b"BBB");
    check!(
        t,
        "renameat2_noreplace_existing_eexist",
        fs::renameat2(CWD, a.as_str(), CWD, b.as_str(), RenameFlags::NOREPLACE),
        Err(Errno::EEXIST)
    );
    check!(
        t,
        "renameat2_noreplace_left_both_intact",
        (
            file_contents(a.as_str(), &mut [0; 64]).map(text_of),
            file_contents(b.as_str(), &mut [0; 64]).map(text_of)
        ),
        (Ok(text("AAA")), Ok(text("BBB")))
    );
    check!(
        t,
        "renameat2_noreplace_onto_free_name",
        fs::renameat2(&dfd, "moved", &dfd, "fresh", RenameFlags::NOREPLACE).map(|()| (
            exists(join(d, "moved").as_str()),
            exists(join(d, "fresh").as_str())
        )),
        Ok((Err(Errno::ENOENT), Ok(())))
    );
    check!(
        t,
        "renameat2_exchange",
        fs::renameat2(CWD, a.as_str(), CWD, b.as_str(), RenameFlags::EXCHANGE),
        Ok(())
    );
    check!(
        t,
        "renameat2_exchange_swapped_contents",
        (
            file_contents(a.as_str(), &mut [0; 64]).map(text_of),
            file_contents(b.as_str(), &mut [0; 64]).map(text_of)
        ),
        (Ok(text("BBB")), Ok(text("AAA")))
    );
    check!(
        t,
        "renameat2_exchange_missing_target_enoent",
        fs::renameat2(CWD, a.as_str(), CWD, src.as_str(), RenameFlags::EXCHANGE),
        Err(Errno::ENOENT)
    );
    check!(
        t,
        "renameat2_noreplace_with_exchange_einval",
        fs::renameat2(
            CWD,
            a.as_str(),
            CWD,
            b.as_str(),
            RenameFlags::NOREPLACE | RenameFlags::EXCHANGE
        ),
        Err(Errno::EINVAL)
    );
    let raw_bad_flag = a.as_str().with_c_str(|pa| {
        b.as_str().with_c_str(|pb| {
            // SAFETY: both paths are NUL-terminated and outlive the call; renameat2 only
            // reads them.
            unsafe {
                sysrt::raw_syscall6(
                    Sysno::renameat2,
                    AT_FDCWD as isize as usize,
                    pa.as_ptr() as usize,
                    AT_FDCWD as isize as usize,
                    pb.as_ptr() as usize,
                    1 << 30,
                    0,
                )
            }
        })
    });
    check!(
        t,
        "renameat2_raw_unknown_flag_einval",
        raw_bad_flag,
        Err(Errno::EINVAL)
    );

    // ---- R20: rename and link across filesystems ----
    let xsrc = join(d, "xsrc");
    let _ = write_file(xsrc.as_str(), b"cross");
    let dev_of = |p: &str| lstat(p).map(|st| st.st_dev);
    let mnt = join(d, "mnt");
    let mut mounted = false;
    let other: Option<&str> = if dev_of("/dev/shm").is_ok() && dev_of("/dev/shm") != dev_of(d) {
        Some("/dev/shm")
    } else if is_root()
        && raw_mkdir(mnt.as_str(), 0o755).is_ok()
        && raw_mount_tmpfs(mnt.as_str()).is_ok()
    {
        mounted = true;
        Some(mnt.as_str())
    } else {
        None
    };
    if let Some(other) = other {
        let name: PathBuf = Buf::format(format_args!(
            "{other}/sysrt-test-{}-xdev",
            sysrt::process::getpid()
        ));
        check!(
            t,
            "rename_across_filesystems_exdev",
            fs::rename(xsrc.as_str(), name.as_str()),
            Err(Errno::EXDEV)
        );
        check!(
            t,
            "exdev_target_is_another_device",
            dev_of(other) != dev_of(d),
            true
        );
        check!(
            t,
            "link_across_filesystems_exdev",
            fs::link(xsrc.as_str(), name.as_str()),
            Err(Errno::EXDEV)
        );
        check!(
            t,
            "exdev_left_source_intact",
            (
                file_contents(xsrc.as_str(), &mut [0; 64]).map(text_of),
                ino_nlink(xsrc.as_str()).map(|(_, n)| n)
            ),
            (Ok(text("cross")), Ok(1u64))
        );
        check!(
            t,
            "exdev_created_nothing",
            exists(name.as_str()),
            Err(Errno::ENOENT)
        );
        let _ = fs::unlink(name.as_str());
    } else {
        let why = "/tmp and /dev/shm are one filesystem and not root: cannot mount a tmpfs";
        for name in [
            "rename_across_filesystems_exdev",
            "exdev_target_is_another_device",
            "link_across_filesystems_exdev",
            "exdev_left_source_intact",
            "exdev_created_nothing",
        ] {
            t.skip(name, why);
        }
    }
    if mounted {
        // An unmount failure shows up as EBUSY in `cleanup_removed_everything`.
        let _ = raw_umount(mnt.as_str());
    }

    // ---- link / linkat ----
    let l1 = join(d, "l1");
    let l2 = join(d, "l2");
    let _ = write_file(l1.as_str(), b"linked");
    check!(
        t,
        "link_creates_second_name",
        fs::link(l1.as_str(), l2.as_str()),
        Ok(())
    );
    let (i1, i2) = (ino_nlink(l1.as_str()), ino_nlink(l2.as_str()));
    check!(t, "link_nlink_is_2", i1.map(|(_, n)| n), Ok(2u64));
    check!(t, "link_same_inode", i1.map(|(i, _)| i), i2.map(|(i, _)| i));
    check!(
        t,
        "link_new_name_has_bytes",
        file_contents(l2.as_str(), &mut [0; 64]).map(text_of),
        Ok(text("linked"))
    );
    check!(
        t,
        "link_onto_existing_eexist",
        fs::link(l1.as_str(), file.as_str()),
        Err(Errno::EEXIST)
    );
    check!(
        t,
        "link_to_directory_eperm",
        fs::link(dir.as_str(), join(d, "dirlink").as_str()),
        Err(Errno::EPERM)
    );
    check!(
        t,
        "link_missing_source_enoent",
        fs::link(src.as_str(), join(d, "nolink").as_str()),
        Err(Errno::ENOENT)
    );
    check!(
        t,
        "linkat_bad_flag_removedir_einval",
        fs::linkat(
            CWD,
            l1.as_str(),
            CWD,
            join(d, "l3").as_str(),
            AtFlags::REMOVEDIR
        ),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "unlink_one_name_nlink_back_to_1",
        fs::unlink(l2.as_str())
            .and_then(|()| ino_nlink(l1.as_str()))
            .map(|(_, n)| n),
        Ok(1u64)
    );

    // ---- symlink / readlink ----
    let sl = join(d, "sl");
    check!(
        t,
        "symlink_creates_link",
        fs::symlink("l1", sl.as_str()),
        Ok(())
    );
    check!(
        t,
        "symlink_is_a_symlink",
        kind(sl.as_str()),
        Ok(Oct(S_IFLNK))
    );
    let mut buf = [0u8; 64];
    check!(
        t,
        "readlink_exact_target",
        fs::readlink(sl.as_str(), &mut buf).map(|r| (s(r.target), r.truncated)),
        Ok(("l1", false))
    );
    let mut long_target = [b't'; 40];
    long_target[..6].copy_from_slice(b"target");
    let sl_long = join(d, "sl_long");
    let _ = fs::symlink(&long_target[..], sl_long.as_str());
    let mut small = [0u8; 4];
    check!(
        t,
        "readlink_small_buffer_truncated_prefix",
        fs::readlink(sl_long.as_str(), &mut small).map(|r| (s(r.target), r.truncated)),
        Ok(("targ", true))
    );
    let mut exact = [0u8; 40];
    check!(
        t,
        "readlink_exactly_fitting_buffer_reports_full",
        fs::readlink(sl_long.as_str(), &mut exact).map(|r| (r.target.len(), r.truncated)),
        Ok((40usize, true))
    );
    check!(
        t,
        "readlinkat_relative_to_dirfd",
        fs::readlinkat(&dfd, "sl", &mut buf).map(|r| s(r.target)),
        Ok("l1")
    );
    check!(
        t,
        "readlink_on_regular_file_einval",
        fs::readlink(file.as_str(), &mut buf).map(drop),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "readlink_missing_enoent",
        fs::readlink(src.as_str(), &mut buf).map(drop),
        Err(Errno::ENOENT)
    );
    check!(
        t,
        "readlink_empty_buffer_einval",
        fs::readlink(sl.as_str(), &mut []).map(drop),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "symlink_onto_existing_eexist",
        fs::symlink("anything", file.as_str()),
        Err(Errno::EEXIST)
    );
    check!(
        t,
        "symlink_empty_target_enoent",
        fs::symlink("", join(d, "sl_empty").as_str()),
        Err(Errno::ENOENT)
    );
    check!(
        t,
        "symlinkat_relative_to_dirfd",
        fs::symlinkat("/dangling/target", &dfd, "sl_at")
            .and_then(|()| fs::readlinkat(&dfd, "sl_at", &mut buf).map(|r| s(r.target))),
        Ok("/dangling/target")
    );
    check!(
        t,
        "open_through_symlink_reads_target",
        file_contents(sl.as_str(), &mut [0; 64]).map(text_of),
        Ok(text("linked"))
    );
    let linked_via_follow = join(d, "hard_follow");
    let linked_no_follow = join(d, "hard_nofollow");
    check!(
        t,
        "linkat_symlink_follow_links_target",
        fs::linkat(
            CWD,
            sl.as_str(),
            CWD,
            linked_via_follow.as_str(),
            AtFlags::SYMLINK_FOLLOW
        )
        .and_then(|()| kind(linked_via_follow.as_str())),
        Ok(Oct(S_IFREG))
    );
    check!(
        t,
        "linkat_without_follow_links_symlink_itself",
        fs::linkat(
            CWD,
            sl.as_str(),
            CWD,
            linked_no_follow.as_str(),
            AtFlags::empty()
        )
        .and_then(|()| kind(linked_no_follow.as_str())),
        Ok(Oct(S_IFLNK))
    );

    // ---- R19: ELOOP ----
    let la = join(d, "loop_a");
    let lb = join(d, "loop_b");
    let _ = fs::symlink("loop_b", la.as_str());
    let _ = fs::symlink("loop_a", lb.as_str());
    check!(
        t,
        "open_symlink_loop_eloop",
        fs::open(la.as_str(), OFlags::RDONLY, Mode::empty()).map(drop),
        Err(Errno::ELOOP)
    );
    check!(
        t,
        "mkdir_through_symlink_loop_eloop",
        fs::mkdir(join(la.as_str(), "x").as_str(), Mode::from_octal(0o755)),
        Err(Errno::ELOOP)
    );
    let chain = join(d, "chain");
    let _ = raw_mkdir(chain.as_str(), 0o755);
    let _ = write_file(join(chain.as_str(), "end").as_str(), b"end");
    let mut chain_ok = fs::symlink("end", join(chain.as_str(), "c0").as_str());
    for i in 1..=40 {
        let prev: Buf<8> = Buf::format(format_args!("c{}", i - 1));
        let this: Buf<8> = Buf::format(format_args!("c{i}"));
        chain_ok = chain_ok.and_then(|()| {
            fs::symlinkat(
                prev.as_str(),
                CWD,
                join(chain.as_str(), this.as_str()).as_str(),
            )
        });
    }
    check!(t, "chain_of_41_symlinks_created", chain_ok, Ok(()));
    check!(
        t,
        "open_through_40_symlinks_ok",
        file_contents(join(chain.as_str(), "c39").as_str(), &mut [0; 64]).map(text_of),
        Ok(text("end"))
    );
    check!(
        t,
        "open_through_41_symlinks_eloop",
        fs::open(
            join(chain.as_str(), "c40").as_str(),
            OFlags::RDONLY,
            Mode::empty()
        )
        .map(drop),
        Err(Errno::ELOOP)
    );
    check!(
        t,
        "open_nofollow_on_symlink_eloop",
        fs::open(
            sl.as_str(),
            OFlags::RDONLY | OFlags::NOFOLLOW,
            Mode::empty()
        )
        .map(drop),
        Err(Errno::ELOOP)
    );

    // ---- mknod / mkfifo ----
    let fifo = join(d, "fifo");
    check!(
        t,
        "mknod_fifo",
        fs::mknod(fifo.as_str(), NodeType::Fifo, Mode::from_octal(0o600), 0)
            .and_then(|()| kind(fifo.as_str())),
        Ok(Oct(S_IFIFO))
    );
    let fifo2 = join(d, "fifo2");
    check!(
        t,
        "mkfifo_type_fifo",
        fs::mkfifo(fifo2.as_str(), Mode::from_octal(0o666)).and_then(|()| kind(fifo2.as_str())),
        Ok(Oct(S_IFIFO))
    );
    check!(
        t,
        "mkfifo_mode_under_umask_022",
        perm(fifo2.as_str()),
        Ok(Oct(0o644))
    );
    check!(
        t,
        "mkfifo_existing_eexist",
        fs::mkfifo(fifo2.as_str(), Mode::from_octal(0o666)),
        Err(Errno::EEXIST)
    );
    check!(
        t,
        "mkfifoat_relative_to_dirfd",
        fs::mkfifoat(&dfd, "fifo3", Mode::from_octal(0o600))
            .and_then(|()| kind(join(d, "fifo3").as_str())),
        Ok(Oct(S_IFIFO))
    );
    check!(
        t,
        "mknodat_socket_relative_to_dirfd",
        fs::mknodat(&dfd, "sock1", NodeType::Socket, Mode::from_octal(0o600), 0)
            .and_then(|()| kind(join(d, "sock1").as_str())),
        Ok(Oct(S_IFSOCK))
    );
    check!(
        t,
        "mknodat_closed_dirfd_ebadf",
        fs::mknodat(
            closed_fd(),
            "sock2",
            NodeType::Socket,
            Mode::from_octal(0o600),
            0
        ),
        Err(Errno::EBADF)
    );
    let reg = join(d, "reg");
    check!(
        t,
        "mknod_regular_file",
        fs::mknod(reg.as_str(), NodeType::Regular, Mode::from_octal(0o640), 0)
            .and_then(|()| lstat(reg.as_str()))
            .map(|st| (Oct(st.st_mode), st.st_size)),
        Ok((Oct(S_IFREG | 0o640), 0i64))
    );
    // /dev/null is (1, 3): (minor & 0xff) | major << 8 in makedev's encoding.
    let chr = join(d, "null");
    if is_root() {
        check!(
            t,
            "mknod_char_device_as_root",
            fs::mknod(
                chr.as_str(),
                NodeType::CharacterDevice,
                Mode::from_octal(0o600),
                0x103
            )
            .and_then(|()| lstat(chr.as_str()))
            .map(|st| (Oct(st.st_mode & S_IFMT), st.st_rdev)),
            Ok((Oct(S_IFCHR), 0x103u64))
        );
    } else {
        t.skip("mknod_char_device_as_root", "not root: needs CAP_MKNOD");
    }
    check!(
        t,
        "mknod_dev_over_32_bits_einval",
        fs::mknod(
            join(d, "bigdev").as_str(),
            NodeType::CharacterDevice,
            Mode::from_octal(0o600),
            1 << 40
        ),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "mknod_dev_over_32_bits_created_nothing",
        exists(join(d, "bigdev").as_str()),
        Err(Errno::ENOENT)
    );

    // ---- chdir / fchdir / getcwd ----
    let mut orig = [0u8; PATH_MAX];
    let orig_len = fs::getcwd(&mut orig).map(|c| c.to_bytes().len());
    check!(
        t,
        "getcwd_starts_with_slash",
        orig_len.map(|_| orig[0]),
        Ok(b'/')
    );
    let orig_len = orig_len.unwrap_or(0);
    // The canonical path of `d` (/tmp may itself be a symlink): the kernel's name for an
    // O_PATH descriptor of it.
    let mut canon = [0u8; PATH_MAX];
    let canon_len = fs::open(d, OFlags::PATH | OFlags::DIRECTORY, Mode::empty()).and_then(|p| {
        let link: PathBuf = Buf::format(format_args!("/proc/self/fd/{}", p.as_raw_fd()));
        fs::readlink(link.as_str(), &mut canon).map(|r| r.target.len())
    });
    let canon = &canon[..canon_len.unwrap_or(0)];
    check!(t, "chdir_to_directory", fs::chdir(d), Ok(()));
    let mut cwd = [0u8; PATH_MAX];
    check!(
        t,
        "getcwd_after_chdir_is_canonical_path",
        fs::getcwd(&mut cwd).map(|c| s(c.to_bytes())),
        Ok(s(canon))
    );
    check!(
        t,
        "relative_mkdir_lands_in_new_cwd",
        fs::mkdir("rel", Mode::from_octal(0o755)).and_then(|()| kind(join(d, "rel").as_str())),
        Ok(Oct(S_IFDIR))
    );
    let mut fits = [0u8; PATH_MAX];
    check!(
        t,
        "getcwd_buffer_of_len_plus_nul_fits",
        fs::getcwd(&mut fits[..canon.len() + 1]).map(|c| c.to_bytes().len()),
        Ok(canon.len())
    );
    check!(
        t,
        "getcwd_buffer_without_room_for_nul_erange",
        fs::getcwd(&mut fits[..canon.len()]).map(drop),
        Err(Errno::ERANGE)
    );
    check!(
        t,
        "getcwd_one_byte_buffer_erange",
        fs::getcwd(&mut [0u8; 1]).map(drop),
        Err(Errno::ERANGE)
    );
    check!(
        t,
        "chdir_to_file_enotdir",
        fs::chdir(file.as_str()),
        Err(Errno::ENOTDIR)
    );
    check!(
        t,
        "chdir_to_missing_enoent",
        fs::chdir(src.as_str()),
        Err(Errno::ENOENT)
    );
    check!(
        t,
        "fchdir_back_to_directory",
        fs::chdir("/")
            .and_then(|()| fs::fchdir(&dfd))
            .and_then(|()| { fs::getcwd(&mut cwd).map(|c| c.to_bytes() == canon) }),
        Ok(true)
    );
    if let Ok(ffd) = &ffd {
        check!(
            t,
            "fchdir_on_file_enotdir",
            fs::fchdir(ffd),
            Err(Errno::ENOTDIR)
        );
    } else {
        check!(t, "fchdir_on_file_enotdir", ffd.as_ref().map(drop), Ok(()));
    }
    check!(
        t,
        "fchdir_closed_fd_ebadf",
        fs::fchdir(closed),
        Err(Errno::EBADF)
    );
    let orig = &orig[..orig_len];
    check!(
        t,
        "cwd_restored",
        fs::chdir(orig).and_then(|()| fs::getcwd(&mut cwd).map(|c| c.to_bytes() == orig)),
        Ok(true)
    );

    // ---- chroot: only the error cases; a real chroot would change every path below ----
    check!(
        t,
        "chroot_to_missing_enoent",
        fs::chroot(src.as_str()),
        Err(Errno::ENOENT)
    );
    check!(
        t,
        "chroot_to_file_enotdir",
        fs::chroot(file.as_str()),
        Err(Errno::ENOTDIR)
    );

    // ---- umask applies to created files ----
    check!(
        t,
        "umask_077_returns_022",
        fs::umask(Mode::from_octal(0o077)),
        Mode::from_octal(0o022)
    );
    let um = join(d, "um_file");
    check!(
        t,
        "create_0777_under_umask_077_is_0700",
        fs::open(
            um.as_str(),
            OFlags::CREAT | OFlags::WRONLY,
            Mode::from_octal(0o777)
        )
        .and_then(|_| perm(um.as_str())),
        Ok(Oct(0o700))
    );
    let umd = join(d, "um_dir");
    check!(
        t,
        "mkdir_0777_under_umask_077_is_0700",
        fs::mkdir(umd.as_str(), Mode::from_octal(0o777)).and_then(|()| perm(umd.as_str())),
        Ok(Oct(0o700))
    );
    check!(
        t,
        "umask_ignores_bits_above_0777",
        (
            fs::umask(Mode::from_octal(0o7777)),
            fs::umask(Mode::from_octal(0o022))
        ),
        (Mode::from_octal(0o077), Mode::from_octal(0o777))
    );

    // ---- EACCES / EPERM as nobody (R21) ----
    let sticky = join(d, "sticky");
    let pubdir = join(d, "pub");
    let _ = raw_mkdir(sticky.as_str(), 0o777);
    let _ = fs::chmod(sticky.as_str(), Mode::from_octal(0o1777));
    let _ = raw_mkdir(pubdir.as_str(), 0o777);
    let _ = fs::chmod(pubdir.as_str(), Mode::from_octal(0o777));
    let root_in_sticky = join(sticky.as_str(), "roots");
    let nobody_in_sticky = join(sticky.as_str(), "nobodys");
    let _ = write_file(root_in_sticky.as_str(), b"root");
    let _ = write_file(nobody_in_sticky.as_str(), b"nobody");
    let _ = fs::chown(nobody_in_sticky.as_str(), Some(NOBODY), Some(NOBODY));
    let noexec = join(d, "noexec");
    let _ = raw_mkdir(noexec.as_str(), 0o700);
    const NOBODY_CASES: [&str; 9] = [
        "mkdir_in_root_0755_dir_as_nobody_eacces",
        "open_creat_in_root_0755_dir_as_nobody_eacces",
        "rename_in_unwritable_dir_as_nobody_eacces",
        "rename_denied_left_source_intact",
        "unlink_others_file_in_sticky_dir_as_nobody_eperm",
        "unlink_own_file_in_sticky_dir_as_nobody_ok",
        "chdir_without_search_permission_as_nobody_eacces",
        "mknod_char_device_as_nobody_eperm",
        "chroot_as_nobody_eperm",
    ];
    if is_root() {
        let r = as_nobody(|| fs::mkdir(join(d, "nb").as_str(), Mode::from_octal(0o755)));
        check!(t, NOBODY_CASES[0], r, Ok(Err(Errno::EACCES)));
        let r = as_nobody(|| {
            fs::open(
                join(d, "nbf").as_str(),
                OFlags::CREAT | OFlags::WRONLY,
                Mode::from_octal(0o644),
            )
            .map(drop)
        });
        check!(t, NOBODY_CASES[1], r, Ok(Err(Errno::EACCES)));
        let r = as_nobody(|| fs::rename(file.as_str(), join(d, "file2").as_str()));
        check!(t, NOBODY_CASES[2], r, Ok(Err(Errno::EACCES)));
        check!(
            t,
            NOBODY_CASES[3],
            (
                file_contents(file.as_str(), &mut [0; 64]).map(text_of),
                exists(join(d, "file2").as_str())
            ),
            (Ok(text("file bytes")), Err(Errno::ENOENT))
        );
        let r = as_nobody(|| fs::unlink(root_in_sticky.as_str()));
        check!(
            t,
            NOBODY_CASES[4],
            (
                r,
                file_contents(root_in_sticky.as_str(), &mut [0; 64]).map(text_of)
            ),
            (Ok(Err(Errno::EPERM)), Ok(text("root")))
        );
        let r = as_nobody(|| fs::unlink(nobody_in_sticky.as_str()));
        check!(
            t,
            NOBODY_CASES[5],
            (r, exists(nobody_in_sticky.as_str())),
            (Ok(Ok(())), Err(Errno::ENOENT))
        );
        let r = as_nobody(|| fs::chdir(noexec.as_str()));
        check!(t, NOBODY_CASES[6], r, Ok(Err(Errno::EACCES)));
        let nbchr = join(pubdir.as_str(), "null");
        let r = as_nobody(|| {
            fs::mknod(
                nbchr.as_str(),
                NodeType::CharacterDevice,
                Mode::from_octal(0o666),
                0x103,
            )
        });
        check!(
            t,
            NOBODY_CASES[7],
            (r, exists(nbchr.as_str())),
            (Ok(Err(Errno::EPERM)), Err(Errno::ENOENT))
        );
        let r = as_nobody(|| fs::chroot(d));
        check!(t, NOBODY_CASES[8], r, Ok(Err(Errno::EPERM)));
        check!(t, "euid_restored_after_as_nobody", is_root(), true);
    } else {
        let why = "not root: cannot switch to nobody, and our own files do not deny us";
        for name in NOBODY_CASES {
            t.skip(name, why);
        }
        t.skip("euid_restored_after_as_nobody", why);
    }

    // ---- cleanup and accounting ----
    drop(ffd);
    drop(dfd);
    remove_tree(d);
    check!(
        t,
        "cleanup_removed_everything",
        exists(d),
        Err(Errno::ENOENT)
    );
    fs::umask(original_umask);
    check!(
        t,
        "umask_restored",
        fs::umask(original_umask),
        original_umask
    );
    baseline.check(&mut t);
    t.finish()
}

const PLAN: usize = 118;

sysrt_rt::main!(main);
