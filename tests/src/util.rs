//! Helpers shared by the test programs.

use core::fmt::Write;

use sysrt::fd::{AsFd, OwnedFd};
use sysrt::fs::{self, Mode, OFlags};
use sysrt::{Errno, Sysno};

use linux_raw_sys::general::{AT_FDCWD, F_GETFD, FD_CLOEXEC, O_CLOEXEC};

use crate::check::Buf;

/// A path buffer big enough for any test path.
pub type PathBuf = Buf<256>;

/// `/tmp/sysrt-test-<pid>-<name>`: unique per process, so parallel runs (three arches at once)
/// cannot collide.
pub fn tmp_path(name: &str) -> PathBuf {
    let mut p = PathBuf::new();
    let _ = write!(p, "/tmp/sysrt-test-{}-{}", sysrt::process::getpid(), name);
    p
}

/// The lowest free descriptor number: the kernel always hands out the lowest, so if this is
/// the same at the end of a program as at the start, nothing in between leaked an fd.
pub fn lowest_free_fd() -> i32 {
    match fs::open("/dev/null", OFlags::RDONLY, Mode::empty()) {
        Ok(fd) => fd.as_raw_fd(),
        Err(e) => -i32::from(e.raw()),
    }
}

/// `fcntl(fd, F_GETFD)` through the raw layer: the `FD_CLOEXEC` bit.
pub fn cloexec(fd: impl AsFd) -> Result<bool, Errno> {
    // SAFETY: F_GETFD takes no pointer; the fd is borrowed for the call.
    let flags = unsafe {
        sysrt::raw_syscall(
            Sysno::fcntl,
            fd.as_fd().as_raw_fd() as usize,
            F_GETFD as usize,
            0,
        )
    }?;
    Ok(flags & FD_CLOEXEC as usize != 0)
}

/// Calls `f` with every open descriptor number of this process (from `/proc/self/fd`), except
/// the one used to read the directory. Uses raw `getdents64` so it does not depend on the
/// directory API it may be testing.
pub fn for_each_open_fd(mut f: impl FnMut(i32)) -> Result<(), Errno> {
    let dir = fs::open(
        "/proc/self/fd",
        OFlags::RDONLY | OFlags::DIRECTORY,
        Mode::empty(),
    )?;
    let own = dir.as_raw_fd();
    let mut buf = [0u64; 256]; // 2 KiB, 8-byte aligned as linux_dirent64 requires
    loop {
        // SAFETY: getdents64 writes at most `len` bytes into `buf`, which outlives the call.
        let n = unsafe {
            sysrt::raw_syscall(
                Sysno::getdents64,
                own as usize,
                buf.as_mut_ptr() as usize,
                core::mem::size_of_val(&buf),
            )
        }?;
        if n == 0 {
            return Ok(());
        }
        // SAFETY: the kernel filled `n` bytes of `buf`; reading them as bytes is valid.
        let bytes = unsafe { core::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), n) };
        let mut off = 0;
        while off + 19 <= n {
            // struct linux_dirent64 { u64 d_ino; i64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
            let reclen = usize::from(u16::from_ne_bytes([bytes[off + 16], bytes[off + 17]]));
            if reclen == 0 {
                return Err(Errno::EIO);
            }
            let name = &bytes[off + 19..(off + reclen).min(n)];
            let name = &name[..name.iter().position(|&b| b == 0).unwrap_or(name.len())];
            let mut num: i32 = 0;
            let mut numeric = !name.is_empty();
            for &b in name {
                numeric &= b.is_ascii_digit();
                num = num
                    .wrapping_mul(10)
                    .wrapping_add(i32::from(b.wrapping_sub(b'0')));
            }
            if numeric && num != own {
                f(num);
            }
            off += reclen;
        }
    }
}

/// How many descriptors are open now (from `/proc/self/fd`); -errno if it cannot be read.
pub fn open_fd_count() -> i64 {
    let mut count = 0i64;
    match for_each_open_fd(|_| count += 1) {
        Ok(()) => count,
        Err(e) => -i64::from(e.raw()),
    }
}

/// The descriptors above 2 that do not have `FD_CLOEXEC` set (at most 8 reported). Compare
/// with the same call at program start: a parent may pass descriptors without it.
pub fn fds_without_cloexec() -> ([i32; 8], usize) {
    let mut found = ([0i32; 8], 0usize);
    let _ = for_each_open_fd(|fd| {
        if fd > 2 {
            // SAFETY: the number is open (listed by /proc/self/fd) while we ask about it.
            let b = unsafe { sysrt::fd::BorrowedFd::borrow_raw(fd) };
            if cloexec(b) == Ok(false) && found.1 < 8 {
                found.0[found.1] = fd;
                found.1 += 1;
            }
        }
    });
    found
}

/// Whether this run is under QEMU user-mode (xtask sets `SYSRT_QEMU` to the emulator's path).
/// A case may be skipped under QEMU only with the deviation named in its reason.
pub fn under_qemu() -> bool {
    sysrt_rt::getenv("SYSRT_QEMU").is_some()
}

/// A pipe made through the raw layer (read end, write end), close-on-exec, for tests that
/// need one without depending on the pipe API under test elsewhere.
pub fn raw_pipe() -> Result<(OwnedFd, OwnedFd), Errno> {
    let mut fds = [0i32; 2];
    // SAFETY: pipe2 writes two ints into `fds`, which outlives the call.
    unsafe {
        sysrt::raw_syscall(
            Sysno::pipe2,
            fds.as_mut_ptr() as usize,
            O_CLOEXEC as usize,
            0,
        )
    }?;
    // SAFETY: pipe2 succeeded, so both numbers are new descriptors that nothing else owns.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// `mkdirat(AT_FDCWD, path, mode)` through the raw layer, for test fixtures.
pub fn raw_mkdir(path: &str, mode: u32) -> Result<(), Errno> {
    use sysrt::path::Arg;
    path.with_c_str(|p| {
        // SAFETY: `p` is NUL-terminated and outlives the call; mkdirat only reads it.
        unsafe {
            sysrt::raw_syscall(
                Sysno::mkdirat,
                AT_FDCWD as isize as usize,
                p.as_ptr() as usize,
                mode as usize,
            )
        }
        .map(drop)
    })
}

/// The uid of `nobody`, for permission tests.
pub const NOBODY: u32 = 65534;

/// Whether the effective uid is 0 (permission checks are bypassed).
pub fn is_root() -> bool {
    // SAFETY: geteuid takes no arguments.
    let euid = unsafe { sysrt::raw_syscall(Sysno::geteuid, 0, 0, 0) };
    euid == Ok(0)
}

/// Runs `f` with the effective uid and gid set to `nobody` (65534), then restores them, so a
/// test running as root can observe `EACCES`/`EPERM`. The saved uid stays 0, which lets the
/// process switch back; capabilities leave the effective set while the euid is not 0 and
/// return from the permitted set afterwards (`man 7 capabilities`, "Effect of user ID changes
/// on capabilities"). The program is single-threaded, so the change covers all of it. Returns
/// `Err` if the switch itself failed (then `f` did not run).
pub fn as_nobody<T>(f: impl FnOnce() -> T) -> Result<T, Errno> {
    let keep = usize::MAX; // -1: leave this id unchanged
    // SAFETY: setresgid/setresuid take integers only.
    unsafe {
        sysrt::raw_syscall(Sysno::setresgid, keep, NOBODY as usize, keep)?;
        if let Err(e) = sysrt::raw_syscall(Sysno::setresuid, keep, NOBODY as usize, keep) {
            let _ = sysrt::raw_syscall(Sysno::setresgid, keep, 0, keep);
            return Err(e);
        }
    }
    let out = f();
    // SAFETY: as above; the saved uid is still 0, so returning to euid 0 is permitted.
    unsafe {
        sysrt::raw_syscall(Sysno::setresuid, keep, 0, keep)?;
        sysrt::raw_syscall(Sysno::setresgid, keep, 0, keep)?;
    }
    Ok(out)
}
