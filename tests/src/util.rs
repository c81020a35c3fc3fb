//! Helpers shared by the test programs.

use core::fmt::Write;

use sysrt::fd::AsFd;
use sysrt::fs::{self, Mode, OFlags};
use sysrt::{Errno, Sysno};

use linux_raw_sys::general::{F_GETFD, FD_CLOEXEC};

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
