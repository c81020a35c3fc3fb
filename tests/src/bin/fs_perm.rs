//! Permissions, ownership and times: access/faccessat, chmod/fchmod/fchmodat,
//! chown/fchown/lchown/fchownat, utimensat/futimens/utimes — exact modes, ids and
//! timestamps read back with a raw `statx` (so these cases do not depend on the stat API
//! written in parallel), the errnos of each call, and the root/nobody rules (R21, R22).
#![no_std]
#![no_main]

use linux_raw_sys::general::{
    __kernel_timespec, AT_FDCWD, AT_SYMLINK_NOFOLLOW, CAP_CHOWN, CLOCK_REALTIME, STATX_BASIC_STATS,
};
use sysrt::fd::CWD;
use sysrt::fs::{self, Access, AtFlags, Mode, OFlags};
use sysrt::path::Arg;
use sysrt::time::Timespec;
use sysrt::{Errno, Sysno};
use sysrt_tests::util::{
    FdBaseline, NOBODY, Oct, PathBuf, as_nobody, cloexec, closed_fd, has_cap, ids_of_self, is_root,
    join, perm, raw_mkdir, raw_statx, tmp_path, under_qemu,
};
use sysrt_tests::{Tests, check};

/// (uid, gid), following a final symlink.
fn ids(path: &str) -> Result<(u32, u32), Errno> {
    raw_statx(CWD, path, 0, STATX_BASIC_STATS).map(|st| (st.stx_uid, st.stx_gid))
}

/// (uid, gid) of a symlink itself.
fn link_ids(path: &str) -> Result<(u32, u32), Errno> {
    raw_statx(CWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS).map(|st| (st.stx_uid, st.stx_gid))
}

fn ts(t: linux_raw_sys::general::statx_timestamp) -> Timespec {
    Timespec::new(t.tv_sec, i64::from(t.tv_nsec))
}

/// (atime, mtime), following a final symlink.
fn times(path: &str) -> Result<[Timespec; 2], Errno> {
    raw_statx(CWD, path, 0, STATX_BASIC_STATS).map(|st| [ts(st.stx_atime), ts(st.stx_mtime)])
}

/// (atime, mtime) of a symlink itself.
fn link_times(path: &str) -> Result<[Timespec; 2], Errno> {
    raw_statx(CWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS)
        .map(|st| [ts(st.stx_atime), ts(st.stx_mtime)])
}

/// `clock_gettime(CLOCK_REALTIME)` through the raw layer.
fn raw_now() -> Timespec {
    let mut now = __kernel_timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: the kernel writes one `__kernel_timespec` into `now`, which outlives the call.
    let _ = unsafe {
        sysrt::raw_syscall(
            Sysno::clock_gettime,
            CLOCK_REALTIME as usize,
            &raw mut now as usize,
            0,
        )
    };
    Timespec::from_kernel(now)
}

/// A file created fresh (any old one removed) with exactly `mode`, whatever the umask.
fn make_file(path: &str, mode: u32) -> Result<(), Errno> {
    let _ = fs::unlink(path);
    let fd = fs::open(
        path,
        OFlags::CREAT | OFlags::WRONLY,
        Mode::from_octal(0o600),
    )?;
    fs::fchmod(&fd, Mode::from_octal(mode))
}

/// Runs `f` with the real *and* effective ids of nobody (the saved uid stays 0, so the switch
/// back is allowed). `access` checks the real ids, which `util::as_nobody` leaves at 0.
fn as_real_nobody<T>(f: impl FnOnce() -> T) -> Result<T, Errno> {
    let (nb, keep) = (NOBODY as usize, usize::MAX);
    // SAFETY: setresgid/setresuid take integers only.
    unsafe {
        sysrt::raw_syscall(Sysno::setresgid, nb, nb, keep)?;
        if let Err(e) = sysrt::raw_syscall(Sysno::setresuid, nb, nb, keep) {
            let _ = sysrt::raw_syscall(Sysno::setresgid, 0, 0, keep);
            return Err(e);
        }
    }
    let out = f();
    // SAFETY: as above; the saved uid is still 0, so returning to 0 is permitted.
    unsafe {
        sysrt::raw_syscall(Sysno::setresuid, 0, 0, keep)?;
        sysrt::raw_syscall(Sysno::setresgid, 0, 0, keep)?;
    }
    Ok(out)
}

/// Removes the names this program creates under `d`, then `d`.
fn cleanup(d: &str) {
    for name in [
        "r", "w", "x", "none", "f644", "f666", "mode", "suid", "fd", "rel", "sym", "target", "own",
        "ownfd", "tlink", "ttarget", "time", "dangling", "ro",
    ] {
        let _ = fs::unlink(join(d, name).as_str());
    }
    for name in ["dir", "sticky"] {
        let _ = fs::rmdir(join(d, name).as_str());
    }
    let _ = fs::rmdir(d);
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();
    let root = is_root();

    let base = tmp_path("perm");
    let d = base.as_str();
    cleanup(d);
    let _ = raw_mkdir(d, 0o755);
    let dfd = fs::open(d, OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty());
    let Ok(dfd) = dfd else {
        check!(t, "open_test_directory", dfd.map(drop), Ok(()));
        cleanup(d);
        return t.finish();
    };
    check!(t, "directory_fd_has_cloexec", cloexec(&dfd), Ok(true));

    // ---- access / faccessat ----
    let (r, w, x, none) = (join(d, "r"), join(d, "w"), join(d, "x"), join(d, "none"));
    let made = [
        make_file(r.as_str(), 0o400),
        make_file(w.as_str(), 0o200),
        make_file(x.as_str(), 0o100),
        make_file(none.as_str(), 0o000),
    ];
    check!(
        t,
        "fixture_files_with_modes_400_200_100_000",
        made,
        [Ok(()); 4]
    );
    check!(
        t,
        "access_f_ok_on_mode_000_file",
        fs::access(none.as_str(), Access::EXISTS),
        Ok(())
    );
    check!(
        t,
        "access_f_ok_missing_enoent",
        fs::access(join(d, "missing").as_str(), Access::empty()),
        Err(Errno::ENOENT)
    );
    if root {
        // Root: read and write always pass; execute passes only if some x bit is set.
        let ask = |p: &PathBuf| {
            [Access::READ, Access::WRITE, Access::EXEC].map(|a| fs::access(p.as_str(), a))
        };
        let (ok, no) = (Ok(()), Err(Errno::EACCES));
        check!(t, "access_as_root_mode_400_r_w_x", ask(&r), [ok, ok, no]);
        check!(t, "access_as_root_mode_200_r_w_x", ask(&w), [ok, ok, no]);
        check!(t, "access_as_root_mode_100_r_w_x", ask(&x), [ok, ok, ok]);
        check!(t, "access_as_root_mode_000_r_w_x", ask(&none), [ok, ok, no]);
    } else {
        let why = "not root: these cases assert root's bypass rules";
        for name in [
            "access_as_root_mode_400_r_w_x",
            "access_as_root_mode_200_r_w_x",
            "access_as_root_mode_100_r_w_x",
            "access_as_root_mode_000_r_w_x",
        ] {
            t.skip(name, why);
        }
    }
    let f644 = join(d, "f644");
    let _ = make_file(f644.as_str(), 0o644);
    // faccessat2 is newer than QEMU 7.2's syscall table on some targets: detect it once.
    let eaccess_native = fs::faccessat(CWD, f644.as_str(), Access::READ, AtFlags::EACCESS);
    let no_faccessat2 = under_qemu() && eaccess_native == Err(Errno::ENOSYS);
    const NOBODY_ACCESS: [&str; 6] = [
        "access_as_real_nobody_r_ok_on_root_644",
        "access_as_real_nobody_w_ok_on_root_644_eacces",
        "access_as_real_nobody_x_ok_on_root_644_eacces",
        "access_as_euid_nobody_uses_real_uid_root",
        "faccessat_eaccess_as_euid_nobody_w_ok_eacces",
        "faccessat_eaccess_as_euid_nobody_r_ok",
    ];
    if root {
        let r = as_real_nobody(|| {
            [Access::READ, Access::WRITE, Access::EXEC].map(|a| fs::access(f644.as_str(), a))
        });
        let r = r.unwrap_or([Err(Errno::EPERM); 3]);
        check!(t, NOBODY_ACCESS[0], r[0], Ok(()));
        check!(t, NOBODY_ACCESS[1], r[1], Err(Errno::EACCES));
        check!(t, NOBODY_ACCESS[2], r[2], Err(Errno::EACCES));
        check!(
            t,
            NOBODY_ACCESS[3],
            as_nobody(|| fs::access(f644.as_str(), Access::WRITE)),
            Ok(Ok(()))
        );
        if no_faccessat2 {
            let why = "ENOSYS under QEMU 7.2: qemu does not implement faccessat2";
            t.skip(NOBODY_ACCESS[4], why);
            t.skip(NOBODY_ACCESS[5], why);
        } else {
            check!(
                t,
                NOBODY_ACCESS[4],
                as_nobody(|| fs::faccessat(CWD, f644.as_str(), Access::WRITE, AtFlags::EACCESS)),
                Ok(Err(Errno::EACCES))
            );
            check!(
                t,
                NOBODY_ACCESS[5],
                as_nobody(|| fs::faccessat(CWD, f644.as_str(), Access::READ, AtFlags::EACCESS)),
                Ok(Ok(()))
            );
        }
        check!(t, "ids_restored_after_nobody", ids_of_self(), (0, 0, 0, 0));
    } else {
        let why = "not root: cannot switch to nobody";
        for name in NOBODY_ACCESS {
            t.skip(name, why);
        }
        t.skip("ids_restored_after_nobody", why);
    }
    if no_faccessat2 {
        let why = "ENOSYS under QEMU 7.2: qemu does not implement faccessat2";
        t.skip("faccessat_eaccess_as_root_r_ok", why);
        t.skip("faccessat_symlink_nofollow_on_dangling_link", why);
        t.skip("faccessat_bad_flag_symlink_follow_einval", why);
    } else {
        check!(t, "faccessat_eaccess_as_root_r_ok", eaccess_native, Ok(()));
        let dangling = join(d, "dangling");
        let _ = fs::symlink("no-such-target", dangling.as_str());
        check!(
            t,
            "faccessat_symlink_nofollow_on_dangling_link",
            (
                fs::faccessat(
                    CWD,
                    dangling.as_str(),
                    Access::EXISTS,
                    AtFlags::SYMLINK_NOFOLLOW
                ),
                fs::faccessat(CWD, dangling.as_str(), Access::EXISTS, AtFlags::empty())
            ),
            (Ok(()), Err(Errno::ENOENT))
        );
        check!(
            t,
            "faccessat_bad_flag_symlink_follow_einval",
            // AT_REMOVEDIR would not do: it shares its value with AT_EACCESS.
            fs::faccessat(CWD, f644.as_str(), Access::READ, AtFlags::SYMLINK_FOLLOW),
            Err(Errno::EINVAL)
        );
    }
    check!(
        t,
        "faccessat_relative_to_dirfd",
        fs::faccessat(&dfd, "f644", Access::READ, AtFlags::empty()),
        Ok(())
    );
    check!(
        t,
        "faccessat_missing_enoent",
        fs::faccessat(&dfd, "missing", Access::READ, AtFlags::empty()),
        Err(Errno::ENOENT)
    );
    check!(
        t,
        "access_through_file_enotdir",
        fs::access(join(f644.as_str(), "x").as_str(), Access::EXISTS),
        Err(Errno::ENOTDIR)
    );
    let bad_mode = f644.as_str().with_c_str(|p| {
        // SAFETY: `p` is NUL-terminated and outlives the call; faccessat only reads it.
        unsafe {
            sysrt::raw_syscall(
                Sysno::faccessat,
                AT_FDCWD as isize as usize,
                p.as_ptr() as usize,
                8,
            )
        }
    });
    check!(
        t,
        "faccessat_raw_unknown_mode_bit_einval",
        bad_mode,
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "access_interior_nul_einval",
        fs::access("/tmp/a\0b", Access::EXISTS),
        Err(Errno::EINVAL)
    );

    // ---- chmod / fchmod / fchmodat ----
    let m = join(d, "mode");
    let _ = make_file(m.as_str(), 0o600);
    check!(
        t,
        "chmod_sets_mode_exactly",
        fs::chmod(m.as_str(), Mode::from_octal(0o640)).and_then(|()| perm(m.as_str())),
        Ok(Oct(0o640))
    );
    check!(
        t,
        "chmod_setuid_setgid_sticky_on_file",
        fs::chmod(m.as_str(), Mode::from_octal(0o7755)).and_then(|()| perm(m.as_str())),
        Ok(Oct(0o7755))
    );
    check!(
        t,
        "chmod_mode_zero",
        fs::chmod(m.as_str(), Mode::empty()).and_then(|()| perm(m.as_str())),
        Ok(Oct(0o000))
    );
    let dir = join(d, "dir");
    let _ = raw_mkdir(dir.as_str(), 0o700);
    check!(
        t,
        "chmod_setgid_sticky_on_directory",
        fs::chmod(dir.as_str(), Mode::from_octal(0o3775)).and_then(|()| perm(dir.as_str())),
        Ok(Oct(0o3775))
    );
    let fdpath = join(d, "fd");
    let ffd = fs::open(
        fdpath.as_str(),
        OFlags::CREAT | OFlags::RDWR,
        Mode::from_octal(0o600),
    );
    if let Ok(ffd) = &ffd {
        check!(t, "file_fd_has_cloexec", cloexec(ffd), Ok(true));
        check!(
            t,
            "fchmod_sets_mode_exactly",
            fs::fchmod(ffd, Mode::from_octal(0o4711)).and_then(|()| perm(fdpath.as_str())),
            Ok(Oct(0o4711))
        );
    } else {
        check!(t, "file_fd_has_cloexec", ffd.as_ref().map(drop), Ok(()));
        check!(
            t,
            "fchmod_sets_mode_exactly",
            ffd.as_ref().map(drop),
            Ok(())
        );
    }
    check!(
        t,
        "fchmodat_relative_to_dirfd",
        fs::fchmodat(&dfd, "mode", Mode::from_octal(0o604), AtFlags::empty())
            .and_then(|()| perm(m.as_str())),
        Ok(Oct(0o604))
    );
    let sym = join(d, "sym");
    let target = join(d, "target");
    let _ = make_file(target.as_str(), 0o600);
    let _ = fs::symlink("target", sym.as_str());
    check!(
        t,
        "chmod_through_symlink_changes_target",
        fs::chmod(sym.as_str(), Mode::from_octal(0o640)).and_then(|()| perm(target.as_str())),
        Ok(Oct(0o640))
    );
    // fchmodat2 (Linux 6.6) refuses to change a symlink's mode: EOPNOTSUPP, target untouched.
    // Before 6.6 (and under QEMU 7.2, which lacks fchmodat2) sysrt falls back to O_PATH and
    // /proc/self/fd as glibc does, with the same answers: the kernel matrix runs both paths.
    check!(
        t,
        "fchmodat_nofollow_on_symlink_eopnotsupp",
        (
            fs::fchmodat(
                CWD,
                sym.as_str(),
                Mode::from_octal(0o600),
                AtFlags::SYMLINK_NOFOLLOW,
            ),
            perm(target.as_str())
        ),
        (Err(Errno::EOPNOTSUPP), Ok(Oct(0o640)))
    );
    check!(
        t,
        "fchmodat_nofollow_on_regular_file",
        fs::fchmodat(
            CWD,
            target.as_str(),
            Mode::from_octal(0o444),
            AtFlags::SYMLINK_NOFOLLOW
        )
        .and_then(|()| perm(target.as_str())),
        Ok(Oct(0o444))
    );
    check!(
        t,
        "fchmodat_nofollow_relative_to_dirfd",
        fs::fchmodat(
            &dfd,
            "target",
            Mode::from_octal(0o604),
            AtFlags::SYMLINK_NOFOLLOW
        )
        .and_then(|()| perm(target.as_str())),
        Ok(Oct(0o604))
    );
    // AT_EMPTY_PATH: the descriptor's own file (an O_PATH one: fchmod would say EBADF).
    let by_fd = fs::open(target.as_str(), OFlags::PATH, Mode::empty()).and_then(|fd| {
        fs::fchmodat(&fd, "", Mode::from_octal(0o640), AtFlags::EMPTY_PATH)
            .and_then(|()| perm(target.as_str()))
    });
    check!(t, "fchmodat_empty_path_on_o_path_fd", by_fd, Ok(Oct(0o640)));
    check!(
        t,
        "fchmodat_unknown_flag_einval_mode_kept",
        (
            fs::fchmodat(
                CWD,
                target.as_str(),
                Mode::from_octal(0o600),
                AtFlags::SYMLINK_NOFOLLOW | AtFlags::REMOVEDIR,
            ),
            perm(target.as_str())
        ),
        (Err(Errno::EINVAL), Ok(Oct(0o640)))
    );
    check!(
        t,
        "fchmodat_nofollow_missing_enoent",
        fs::fchmodat(
            &dfd,
            "missing",
            Mode::from_octal(0o600),
            AtFlags::SYMLINK_NOFOLLOW
        ),
        Err(Errno::ENOENT)
    );
    check!(
        t,
        "chmod_missing_enoent",
        fs::chmod(join(d, "missing").as_str(), Mode::from_octal(0o644)),
        Err(Errno::ENOENT)
    );
    let closed = closed_fd();
    check!(
        t,
        "fchmod_closed_fd_ebadf",
        fs::fchmod(closed, Mode::from_octal(0o644)),
        Err(Errno::EBADF)
    );
    let opath = fs::open(m.as_str(), OFlags::PATH, Mode::empty());
    check!(
        t,
        "fchmod_on_o_path_fd_ebadf",
        opath
            .as_ref()
            .map_err(|e| *e)
            .and_then(|p| fs::fchmod(p, Mode::from_octal(0o600))),
        Err(Errno::EBADF)
    );
    drop(opath);

    // ---- chown / fchown / lchown / fchownat ----
    // With CAP_CHOWN (root) the cases give the files away and back. Without it (an ordinary
    // user) the owner may keep its own uid and set one of its own groups; anything else is
    // EPERM and changes nothing (man 2 chown). So those runs pass our own ids: a wrong
    // encoding of `None` (-1, "leave it") would then ask for another id and get EPERM. Every
    // chown of a file, privileged or not, clears its set-user-ID bit, which shows whether the
    // call reached the file a case means.
    let can_chown = has_cap(CAP_CHOWN);
    let (_, euid, _, egid) = ids_of_self();
    let me = (euid as u32, egid as u32);
    // The ids the cases set (back): root's, or our own.
    let (uid, gid) = if can_chown { (0, 0) } else { me };
    // Giving a file to nobody: done with CAP_CHOWN; without it EPERM, unless we are nobody
    // already (the suite's unprivileged run), when it changes nothing.
    let to_nobody = if can_chown || me == (NOBODY, NOBODY) {
        Ok((NOBODY, NOBODY))
    } else {
        Err(Errno::EPERM)
    };
    let own = join(d, "own");
    let _ = make_file(own.as_str(), 0o644);
    check!(
        t,
        "chown_to_nobody",
        fs::chown(own.as_str(), Some(NOBODY), Some(NOBODY)).and_then(|()| ids(own.as_str())),
        to_nobody
    );
    check!(
        t,
        "chown_none_uid_leaves_owner",
        fs::chown(own.as_str(), None, Some(gid)).and_then(|()| ids(own.as_str())),
        Ok(if can_chown { (NOBODY, 0) } else { me })
    );
    check!(
        t,
        "chown_none_gid_leaves_group",
        fs::chown(own.as_str(), Some(uid), None).and_then(|()| ids(own.as_str())),
        Ok((uid, gid))
    );
    check!(
        t,
        "chown_none_none_changes_nothing",
        fs::chown(own.as_str(), None, None).and_then(|()| ids(own.as_str())),
        Ok((uid, gid))
    );
    // Since Linux 2.2.13 root's chown clears set-user-ID like anyone's (man 2 chown).
    let _ = fs::chmod(own.as_str(), Mode::from_octal(0o4755));
    check!(
        t,
        "chown_clears_setuid_bit",
        fs::chown(own.as_str(), Some(uid), Some(gid)).and_then(|()| perm(own.as_str())),
        Ok(Oct(0o755))
    );
    if let Ok(ffd) = &ffd {
        check!(
            t,
            "fchown_to_nobody_and_back",
            (
                fs::fchown(ffd, Some(NOBODY), Some(NOBODY)).and_then(|()| ids(fdpath.as_str())),
                fs::fchown(ffd, Some(uid), Some(gid)).and_then(|()| ids(fdpath.as_str()))
            ),
            (to_nobody, Ok((uid, gid)))
        );
        if can_chown {
            check!(
                t,
                "fchownat_empty_path_acts_on_fd",
                fs::fchownat(ffd, "", Some(1), None, AtFlags::EMPTY_PATH)
                    .and_then(|()| ids(fdpath.as_str())),
                Ok((1, 0))
            );
        } else {
            // Our own ids change nothing: the cleared set-user-ID bit shows the fd's file was
            // reached.
            let _ = fs::fchmod(ffd, Mode::from_octal(0o4711));
            check!(
                t,
                "fchownat_empty_path_acts_on_fd",
                fs::fchownat(ffd, "", None, Some(gid), AtFlags::EMPTY_PATH)
                    .and_then(|()| Ok((ids(fdpath.as_str())?, perm(fdpath.as_str())?))),
                Ok((me, Oct(0o711)))
            );
        }
    } else {
        check!(
            t,
            "fchown_to_nobody_and_back",
            ffd.as_ref().map(drop),
            Ok(())
        );
        check!(
            t,
            "fchownat_empty_path_acts_on_fd",
            ffd.as_ref().map(drop),
            Ok(())
        );
    }
    check!(
        t,
        "fchown_closed_fd_ebadf",
        fs::fchown(closed, Some(0), Some(0)),
        Err(Errno::EBADF)
    );
    let tlink = join(d, "tlink");
    let ttarget = join(d, "ttarget");
    let _ = make_file(ttarget.as_str(), 0o644);
    let _ = fs::symlink("ttarget", tlink.as_str());
    check!(
        t,
        "lchown_changes_the_link",
        fs::lchown(tlink.as_str(), Some(NOBODY), Some(NOBODY))
            .and_then(|()| link_ids(tlink.as_str())),
        to_nobody
    );
    check!(t, "lchown_leaves_the_target", ids(ttarget.as_str()), Ok(me));
    if can_chown {
        check!(
            t,
            "chown_through_symlink_changes_target",
            fs::chown(tlink.as_str(), Some(2), Some(3))
                .and_then(|()| Ok((ids(ttarget.as_str())?, link_ids(tlink.as_str())?))),
            Ok(((2, 3), (NOBODY, NOBODY)))
        );
        check!(
            t,
            "fchownat_relative_nofollow",
            fs::fchownat(&dfd, "tlink", Some(0), Some(0), AtFlags::SYMLINK_NOFOLLOW)
                .and_then(|()| link_ids(tlink.as_str())),
            Ok((0, 0))
        );
    } else {
        // Our own ids again (the link is still ours: lchown_changes_the_link was refused or
        // changed nothing); the target's set-user-ID bit tells which file each call changed.
        let _ = fs::chmod(ttarget.as_str(), Mode::from_octal(0o4755));
        check!(
            t,
            "chown_through_symlink_changes_target",
            fs::chown(tlink.as_str(), Some(uid), Some(gid))
                .and_then(|()| Ok((perm(ttarget.as_str())?, link_ids(tlink.as_str())?))),
            Ok((Oct(0o755), me))
        );
        let _ = fs::chmod(ttarget.as_str(), Mode::from_octal(0o4755));
        check!(
            t,
            "fchownat_relative_nofollow",
            fs::fchownat(
                &dfd,
                "tlink",
                Some(uid),
                Some(gid),
                AtFlags::SYMLINK_NOFOLLOW
            )
            .and_then(|()| Ok((link_ids(tlink.as_str())?, perm(ttarget.as_str())?))),
            Ok((me, Oct(0o4755)))
        );
    }
    check!(
        t,
        "chown_missing_enoent",
        fs::chown(join(d, "missing").as_str(), Some(0), Some(0)),
        Err(Errno::ENOENT)
    );
    check!(
        t,
        "fchownat_bad_flag_removedir_einval",
        fs::fchownat(&dfd, "own", Some(0), Some(0), AtFlags::REMOVEDIR),
        Err(Errno::EINVAL)
    );

    // ---- utimensat / futimens / utimes ----
    let tf = join(d, "time");
    let _ = make_file(tf.as_str(), 0o644);
    let explicit = [
        Timespec::new(1_000_000_000, 123_456_789),
        Timespec::new(1_500_000_000, 987_654_321),
    ];
    check!(
        t,
        "utimensat_explicit_times_exact",
        fs::utimensat(CWD, tf.as_str(), &explicit, AtFlags::empty())
            .and_then(|()| times(tf.as_str())),
        Ok(explicit)
    );
    let before = raw_now();
    let now = fs::utimensat(CWD, tf.as_str(), &[Timespec::NOW; 2], AtFlags::empty())
        .and_then(|()| times(tf.as_str()));
    let after = raw_now();
    check!(
        t,
        "utimensat_now_within_clock_reads",
        now.map(|[a, m]| a == m && before.sec - 1 <= a.sec && a.sec <= after.sec + 1),
        Ok(true)
    );
    let _ = fs::utimensat(CWD, tf.as_str(), &explicit, AtFlags::empty());
    let new_mtime = Timespec::new(2_000_000_000, 5);
    check!(
        t,
        "utimensat_omit_atime_keeps_it",
        fs::utimensat(
            CWD,
            tf.as_str(),
            &[Timespec::OMIT, new_mtime],
            AtFlags::empty()
        )
        .and_then(|()| times(tf.as_str())),
        Ok([explicit[0], new_mtime])
    );
    check!(
        t,
        "utimensat_omit_both_changes_nothing",
        fs::utimensat(CWD, tf.as_str(), &[Timespec::OMIT; 2], AtFlags::empty())
            .and_then(|()| times(tf.as_str())),
        Ok([explicit[0], new_mtime])
    );
    check!(
        t,
        "utimensat_relative_to_dirfd",
        fs::utimensat(&dfd, "time", &explicit, AtFlags::empty()).and_then(|()| times(tf.as_str())),
        Ok(explicit)
    );
    let fd_times = [Timespec::new(1, 2), Timespec::new(3, 4)];
    if let Ok(ffd) = &ffd {
        check!(
            t,
            "futimens_on_fd_exact",
            fs::futimens(ffd, &fd_times).and_then(|()| times(fdpath.as_str())),
            Ok(fd_times)
        );
    } else {
        check!(t, "futimens_on_fd_exact", ffd.as_ref().map(drop), Ok(()));
    }
    check!(
        t,
        "futimens_closed_fd_ebadf",
        fs::futimens(closed, &fd_times),
        Err(Errno::EBADF)
    );
    let whole = [
        Timespec::new(1_234_567_890, 0),
        Timespec::new(1_234_567_891, 0),
    ];
    check!(
        t,
        "utimes_whole_seconds",
        fs::utimes(tf.as_str(), &whole).and_then(|()| times(tf.as_str())),
        Ok(whole)
    );
    let link_time = [
        Timespec::new(1_111_111_111, 111),
        Timespec::new(1_222_222_222, 222),
    ];
    let target_before = times(ttarget.as_str());
    check!(
        t,
        "utimensat_nofollow_changes_link_times",
        fs::utimensat(CWD, tlink.as_str(), &link_time, AtFlags::SYMLINK_NOFOLLOW)
            .and_then(|()| link_times(tlink.as_str())),
        Ok(link_time)
    );
    check!(
        t,
        "utimensat_nofollow_leaves_target_times",
        times(ttarget.as_str()),
        target_before
    );
    check!(
        t,
        "utimensat_nsec_one_billion_einval",
        fs::utimensat(
            CWD,
            tf.as_str(),
            &[Timespec::new(5, 1_000_000_000), Timespec::OMIT],
            AtFlags::empty()
        ),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "utimensat_negative_nsec_einval",
        fs::utimensat(
            CWD,
            tf.as_str(),
            &[Timespec::OMIT, Timespec::new(5, -1)],
            AtFlags::empty()
        ),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "utimensat_einval_changed_nothing",
        times(tf.as_str()),
        Ok(whole)
    );
    check!(
        t,
        "utimensat_missing_enoent",
        fs::utimensat(CWD, join(d, "missing").as_str(), &whole, AtFlags::empty()),
        Err(Errno::ENOENT)
    );
    check!(
        t,
        "utimensat_bad_flag_removedir_einval",
        fs::utimensat(CWD, tf.as_str(), &whole, AtFlags::REMOVEDIR),
        Err(Errno::EINVAL)
    );

    // ---- as nobody on root's files: EPERM for owner-only changes, EACCES for NOW ----
    let f666 = join(d, "f666");
    let _ = make_file(f666.as_str(), 0o666);
    let _ = make_file(m.as_str(), 0o644);
    let _ = make_file(own.as_str(), 0o644);
    let _ = make_file(tf.as_str(), 0o644);
    let _ = fs::utimes(tf.as_str(), &whole);
    const NOBODY_CHANGES: [&str; 8] = [
        "chmod_as_nobody_on_root_file_eperm",
        "chmod_denied_left_mode",
        "chown_as_nobody_on_root_file_eperm",
        "chown_to_self_as_nobody_on_root_file_eperm",
        "utimensat_explicit_as_nobody_on_root_file_eperm",
        "utimensat_now_as_nobody_without_write_eacces",
        "utimensat_denied_left_times",
        "utimensat_now_as_nobody_with_write_permission",
    ];
    if root {
        let r = as_nobody(|| fs::chmod(m.as_str(), Mode::from_octal(0o777)));
        check!(t, NOBODY_CHANGES[0], r, Ok(Err(Errno::EPERM)));
        check!(t, NOBODY_CHANGES[1], perm(m.as_str()), Ok(Oct(0o644)));
        let r = as_nobody(|| fs::chown(own.as_str(), Some(1), Some(1)));
        check!(t, NOBODY_CHANGES[2], r, Ok(Err(Errno::EPERM)));
        let r = as_nobody(|| fs::chown(own.as_str(), Some(NOBODY), None));
        check!(
            t,
            NOBODY_CHANGES[3],
            (r, ids(own.as_str())),
            (Ok(Err(Errno::EPERM)), Ok((0, 0)))
        );
        let r = as_nobody(|| fs::utimensat(CWD, tf.as_str(), &explicit, AtFlags::empty()));
        check!(t, NOBODY_CHANGES[4], r, Ok(Err(Errno::EPERM)));
        let r =
            as_nobody(|| fs::utimensat(CWD, tf.as_str(), &[Timespec::NOW; 2], AtFlags::empty()));
        check!(t, NOBODY_CHANGES[5], r, Ok(Err(Errno::EACCES)));
        check!(t, NOBODY_CHANGES[6], times(tf.as_str()), Ok(whole));
        let r = as_nobody(|| fs::utimes(f666.as_str(), &[Timespec::NOW; 2]));
        check!(t, NOBODY_CHANGES[7], r, Ok(Ok(())));
        check!(t, "euid_restored_after_as_nobody", is_root(), true);
    } else {
        let why = "not root: cannot switch to nobody, and our own files do not deny us";
        for name in NOBODY_CHANGES {
            t.skip(name, why);
        }
        t.skip("euid_restored_after_as_nobody", why);
    }

    // ---- cleanup and accounting ----
    drop(ffd);
    drop(dfd);
    cleanup(d);
    check!(
        t,
        "cleanup_removed_everything",
        raw_statx(CWD, d, 0, STATX_BASIC_STATS).map(drop),
        Err(Errno::ENOENT)
    );
    baseline.check(&mut t);
    t.finish()
}

const PLAN: usize = 81;

sysrt_rt::main!(main);
