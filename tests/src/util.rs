//! Helpers shared by the test programs.

use core::fmt::{self, Debug, Write};
use core::mem::MaybeUninit;

use sysrt::fd::{AsFd, BorrowedFd, OwnedFd, RawFd};
use sysrt::fs::{self, Mode, OFlags};
use sysrt::path::Arg;
use sysrt::{Errno, Sysno, io};

use linux_raw_sys::general::{
    __user_cap_data_struct, __user_cap_header_struct, _LINUX_CAPABILITY_VERSION_3, AT_FDCWD,
    F_GETFD, FD_CLOEXEC, O_CLOEXEC, SEEK_CUR, STATX_BASIC_STATS, stat, statx,
};

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

/// `dir/name`.
pub fn join(dir: &str, name: &str) -> PathBuf {
    Buf::format(format_args!("{dir}/{name}"))
}

/// The number [`closed_fd`] hands out. No test program holds more than a few dozen
/// descriptors at once, so the kernel (which always gives out the lowest free number) never
/// reaches it; unlike the lowest free number, it stays closed when the caller opens something
/// between taking it and using it.
pub const CLOSED_FD: RawFd = 999;

/// A descriptor that is not open, for the EBADF cases: [`CLOSED_FD`], checked closed with a raw
/// `fcntl(F_GETFD)` on every call.
///
/// # Panics
/// If the number is open after all (a parent passed it down, or a test leaked that many fds):
/// every EBADF case would then test the wrong thing, so the program stops without its total
/// line, which `cargo xtask test` counts as a failure.
pub fn closed_fd() -> BorrowedFd<'static> {
    // SAFETY: F_GETFD takes no pointer and touches no memory, whether or not the number is open.
    let probe =
        unsafe { sysrt::raw_syscall(Sysno::fcntl, CLOSED_FD as usize, F_GETFD as usize, 0) };
    assert!(
        probe == Err(Errno::EBADF),
        "fd {CLOSED_FD} should be closed, fcntl(F_GETFD) gave {probe:?}"
    );
    // `borrow_raw` asks for an open fd so calls act on the file its owner meant; this number
    // was just checked closed and the program is single-threaded, and a `BorrowedFd` never
    // closes anything.
    // SAFETY: every call the closed number is passed to fails with EBADF, touching no file.
    unsafe { BorrowedFd::borrow_raw(CLOSED_FD) }
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

/// The descriptors open when a program starts, for the two cases every program ends with.
pub struct FdBaseline {
    count: i64,
    inherited: ([i32; 8], usize),
}

impl FdBaseline {
    /// Takes the baseline; call it in `main` before any case opens a descriptor.
    pub fn take() -> FdBaseline {
        FdBaseline {
            count: open_fd_count(),
            inherited: fds_without_cloexec(),
        }
    }

    /// The closing cases: `no_fd_leaked` (as many descriptors open as at the start) and
    /// `every_fd_we_opened_has_cloexec` (inherited descriptors without `FD_CLOEXEC` are the
    /// parent's business; the program must add none).
    pub fn check(&self, t: &mut crate::Tests) {
        crate::check!(t, "no_fd_leaked", open_fd_count(), self.count);
        crate::check!(
            t,
            "every_fd_we_opened_has_cloexec",
            fds_without_cloexec(),
            self.inherited
        );
    }
}

/// Whether this run is under QEMU user-mode (xtask sets `SYSRT_QEMU` to the emulator's path).
/// A case may be skipped under QEMU only with the deviation named in its reason.
pub fn under_qemu() -> bool {
    sysrt_rt::getenv("SYSRT_QEMU").is_some()
}

/// Whether this run is a child of the `/init` of a throwaway kernel guest (`cargo xtask test
/// --kernel` sets `SYSRT_TEST_GUEST`, and the parent is then PID 1): root-only cases that
/// change the machine (mounting over paths, pivot_root) may run there and nowhere else.
pub fn in_guest() -> bool {
    sysrt_rt::getenv("SYSRT_TEST_GUEST").is_some() && sysrt::process::getppid().raw() == 1
}

/// The running kernel's (major, minor) version, from `/proc/sys/kernel/osrelease` ("6.1.0-57-
/// amd64" gives (6, 1)); `None` when it cannot be read. Under QEMU user-mode this is the
/// host's kernel, which is the one answering the guest's syscalls.
pub fn kernel_version() -> Option<(u32, u32)> {
    let fd = fs::open("/proc/sys/kernel/osrelease", OFlags::RDONLY, Mode::empty()).ok()?;
    let mut buf = [0u8; 64];
    let n = io::read(&fd, &mut buf).ok()?;
    let mut parts = buf[..n].split(|&b| b == b'.' || b == b'-' || b == b'\n');
    let mut num = || -> Option<u32> {
        let p = parts.next()?;
        if p.is_empty() || !p.iter().all(u8::is_ascii_digit) {
            return None;
        }
        p.iter().try_fold(0u32, |n, &d| {
            n.checked_mul(10)?.checked_add(u32::from(d - b'0'))
        })
    };
    Some((num()?, num()?))
}

/// Whether the running kernel is older than `major.minor`: a case that depends on a newer
/// feature may then accept the older kernel's documented answer, or skip naming it. `false`
/// when the version cannot be read, so the case runs and fails loudly rather than skipping.
pub fn kernel_older_than(major: u32, minor: u32) -> bool {
    kernel_version().is_some_and(|v| v < (major, minor))
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

/// A pseudo-terminal: (master, slave), both close-on-exec, neither our controlling terminal.
pub fn pty() -> Result<(OwnedFd, OwnedFd), Errno> {
    use linux_raw_sys::ioctl::{TIOCGPTN, TIOCSPTLCK};
    let master = fs::open("/dev/ptmx", OFlags::RDWR | OFlags::NOCTTY, Mode::empty())?;
    let unlock = 0i32;
    let mut n = 0u32;
    // SAFETY: TIOCSPTLCK reads an int, TIOCGPTN writes an unsigned int; both locals.
    unsafe {
        sysrt::raw_syscall(
            Sysno::ioctl,
            master.as_raw_fd() as usize,
            TIOCSPTLCK as usize,
            &raw const unlock as usize,
        )?;
        sysrt::raw_syscall(
            Sysno::ioctl,
            master.as_raw_fd() as usize,
            TIOCGPTN as usize,
            &raw mut n as usize,
        )?;
    }
    let path = Buf::<32>::format(format_args!("/dev/pts/{n}"));
    let slave = fs::open(path.as_str(), OFlags::RDWR | OFlags::NOCTTY, Mode::empty())?;
    Ok((master, slave))
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

/// Whether capability `cap` (a `CAP_*` number from linux-raw-sys) is in this process's
/// effective set, from a raw `capget` (version 3: two 32-bit words per set). A case that needs
/// a privilege asks for the capability rather than for euid 0: a root process can lack one (a
/// container that drops it), and the kernel checks the capability, not the uid. `false` if
/// `capget` fails.
pub fn has_cap(cap: u32) -> bool {
    let mut header = __user_cap_header_struct {
        version: _LINUX_CAPABILITY_VERSION_3,
        pid: 0, // this process
    };
    let mut data = [__user_cap_data_struct {
        effective: 0,
        permitted: 0,
        inheritable: 0,
    }; 2];
    // SAFETY: capget reads one header and, for version 3, writes two data structs into `data`;
    // both outlive the call.
    let got = unsafe {
        sysrt::raw_syscall(
            Sysno::capget,
            &raw mut header as usize,
            data.as_mut_ptr() as usize,
            0,
        )
    };
    let word = data.get((cap / 32) as usize).map_or(0, |d| d.effective);
    got.is_ok() && word & (1 << (cap % 32)) != 0
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

/// (ruid, euid, rgid, egid) of this process through the raw layer; `usize::MAX` for one that
/// could not be read (the get*id calls cannot fail, so that means the stub is broken).
pub fn ids_of_self() -> (usize, usize, usize, usize) {
    let get = |n| {
        // SAFETY: the get*id calls take no arguments and touch no memory.
        unsafe { sysrt::raw_syscall(n, 0, 0, 0) }.unwrap_or(usize::MAX)
    };
    (
        get(Sysno::getuid),
        get(Sysno::geteuid),
        get(Sysno::getgid),
        get(Sysno::getegid),
    )
}

// ---- file fixtures and read-back -----------------------------------------------------------
//
// The fixtures may use the public API, but the read-back helpers below go through the raw
// layer: a program testing `read`, `pread`, `lseek` or `stat` compares against values that do
// not come from the call under test.

/// Creates (or truncates) `path` with mode 0o600 and writes `bytes` to it, through
/// `openat(O_CREAT | O_WRONLY | O_TRUNC)` and `write_all`. The mode keeps the file private:
/// the cases that switch to `nobody` expect EACCES on it.
pub fn write_file(path: &str, bytes: &[u8]) -> Result<(), Errno> {
    let fd = fs::open(
        path,
        OFlags::CREAT | OFlags::WRONLY | OFlags::TRUNC,
        Mode::from_octal(0o600),
    )?;
    io::write_all(&fd, bytes)
}

/// `symlinkat(target, dirfd, link)` through the raw layer, for fixtures in programs that do
/// not test symlinks (and in fs_stat, which must not build its fixtures with the API whose
/// results it checks).
pub fn raw_symlinkat(target: impl Arg, dirfd: impl AsFd, link: impl Arg) -> Result<(), Errno> {
    let dirfd = dirfd.as_fd().as_raw_fd() as isize as usize;
    target.with_c_str(|target| {
        link.with_c_str(|link| {
            // SAFETY: both strings are NUL-terminated and outlive the call; symlinkat only
            // reads them.
            unsafe {
                sysrt::raw_syscall(
                    Sysno::symlinkat,
                    target.as_ptr() as usize,
                    dirfd,
                    link.as_ptr() as usize,
                )
            }
            .map(drop)
        })
    })
}

/// `statx(dirfd, path, flags, mask)` through the raw layer: flags the typed API would not send,
/// and metadata read back independently of the stat API.
pub fn raw_statx(dirfd: impl AsFd, path: impl Arg, flags: u32, mask: u32) -> Result<statx, Errno> {
    let dirfd = dirfd.as_fd().as_raw_fd() as isize as usize;
    path.with_c_str(|p| {
        let mut st = MaybeUninit::<statx>::zeroed();
        // SAFETY: `p` is NUL-terminated and `st` is a `struct statx` the kernel fills; both
        // outlive the call.
        unsafe {
            sysrt::raw_syscall6(
                Sysno::statx,
                dirfd,
                p.as_ptr() as usize,
                flags as usize,
                mask as usize,
                st.as_mut_ptr() as usize,
                0,
            )
        }?;
        // SAFETY: statx succeeded; the struct was zeroed, so every byte is initialised.
        Ok(unsafe { st.assume_init() })
    })
}

/// `newfstatat(dirfd, path, flags)` through the raw layer (the generic name of `fstatat`, on
/// all three arches).
pub fn raw_fstatat(dirfd: impl AsFd, path: impl Arg, flags: u32) -> Result<stat, Errno> {
    let dirfd = dirfd.as_fd().as_raw_fd() as isize as usize;
    path.with_c_str(|p| {
        let mut st = MaybeUninit::<stat>::zeroed();
        // SAFETY: `p` is NUL-terminated and `st` is a `struct stat` the kernel fills; both
        // outlive the call.
        unsafe {
            sysrt::raw_syscall6(
                Sysno::newfstatat,
                dirfd,
                p.as_ptr() as usize,
                st.as_mut_ptr() as usize,
                flags as usize,
                0,
                0,
            )
        }?;
        // SAFETY: newfstatat succeeded; the struct was zeroed, so every byte is initialised.
        Ok(unsafe { st.assume_init() })
    })
}

/// A mode, permission or type value that prints in octal.
#[derive(Copy, Clone, PartialEq, Eq)]
pub struct Oct(pub u32);

impl Debug for Oct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0o{:o}", self.0)
    }
}

/// The permission bits (`0o7777`) of `path`, following a final symlink (raw `statx`).
pub fn perm(path: &str) -> Result<Oct, Errno> {
    raw_statx(sysrt::fd::CWD, path, 0, STATX_BASIC_STATS)
        .map(|st| Oct(u32::from(st.stx_mode) & 0o7777))
}

/// `lseek(fd, offset, whence)` through the raw layer: the new offset.
pub fn raw_lseek(fd: impl AsFd, offset: i64, whence: u32) -> Result<u64, Errno> {
    // SAFETY: lseek takes integers only and touches no user memory.
    unsafe {
        sysrt::raw_syscall(
            Sysno::lseek,
            fd.as_fd().as_raw_fd() as usize,
            offset as usize,
            whence as usize,
        )
    }
    .map(|off| off as u64)
}

/// The current file offset (raw `lseek(fd, 0, SEEK_CUR)`).
pub fn offset(fd: impl AsFd) -> Result<u64, Errno> {
    raw_lseek(fd, 0, SEEK_CUR)
}

/// One raw `read` from the current offset into `buf`: the bytes read (a pipe gives what one
/// read returns, so a case can see packet boundaries).
pub fn read_some(fd: impl AsFd, buf: &mut [u8]) -> Result<&[u8], Errno> {
    // SAFETY: read writes at most `buf.len()` bytes into `buf`, which outlives the call.
    let n = unsafe {
        sysrt::raw_syscall(
            Sysno::read,
            fd.as_fd().as_raw_fd() as usize,
            buf.as_mut_ptr() as usize,
            buf.len(),
        )
    }?;
    Ok(buf.get(..n).unwrap_or_default())
}

/// The whole file from offset 0 (up to `buf.len()` bytes), leaving the file offset where it
/// was: raw `pread64` until the buffer is full or at end of file.
pub fn contents(fd: impl AsFd, buf: &mut [u8]) -> Result<&[u8], Errno> {
    let fd = fd.as_fd().as_raw_fd() as usize;
    let mut len = 0;
    while let Some(free) = buf.get_mut(len..).filter(|b| !b.is_empty()) {
        // SAFETY: pread64 writes at most `free.len()` bytes into `free`, which outlives the call.
        let n = unsafe {
            sysrt::raw_syscall6(
                Sysno::pread64,
                fd,
                free.as_mut_ptr() as usize,
                free.len(),
                len,
                0,
                0,
            )
        }?;
        if n == 0 {
            break;
        }
        len += n;
    }
    Ok(buf.get(..len).unwrap_or_default())
}

/// The whole file at `path` (up to `buf.len()` bytes): opens it read-only and reads it with
/// [`contents`].
pub fn file_contents<'b>(path: &str, buf: &'b mut [u8]) -> Result<&'b [u8], Errno> {
    let fd = fs::open(path, OFlags::RDONLY, Mode::empty())?;
    contents(&fd, buf)
}

/// Bytes read back, compared exactly with `==` and printed as text (as bytes if not UTF-8).
/// 128 bytes hold everything the programs read back.
#[derive(Clone, PartialEq, Eq)]
pub struct Text {
    bytes: [u8; 128],
    len: usize,
}

/// The [`Text`] of `s`: an expected value.
pub fn text(s: &str) -> Text {
    text_of(s.as_bytes())
}

/// The [`Text`] of `b` (its first 128 bytes).
pub fn text_of(b: &[u8]) -> Text {
    let mut t = Text {
        bytes: [0; 128],
        len: b.len().min(128),
    };
    t.bytes[..t.len].copy_from_slice(&b[..t.len]);
    t
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.bytes[..self.len] == *other.as_bytes()
    }
}

impl Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match core::str::from_utf8(&self.bytes[..self.len]) {
            Ok(s) => Debug::fmt(s, f),
            Err(_) => Debug::fmt(&self.bytes[..self.len], f),
        }
    }
}
