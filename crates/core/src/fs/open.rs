//! Opening files: `open`, `openat` and their flags; the mode and `AT_*` flag types.

use bitflags::bitflags;
use linux_raw_sys::general as g;

use crate::fd::{AsFd, BorrowedFd, CWD, OwnedFd};
use crate::path::Arg;
use crate::{Errno, Result, Sysno, arch, arg};

bitflags! {
    /// `O_*` flags for [`open`] and [`openat`].
    ///
    /// `O_CLOEXEC` is always added by sysrt's open calls: a descriptor that should survive
    /// `execve` is made so explicitly afterwards (`fcntl(F_SETFD)`), as Go's `os` package does.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct OFlags: u32 {
        /// `O_RDONLY`: open for reading only (the value 0: the absence of `WRONLY` and `RDWR`).
        #[doc(alias = "O_RDONLY")]
        const RDONLY = g::O_RDONLY;
        /// `O_WRONLY`: open for writing only.
        #[doc(alias = "O_WRONLY")]
        const WRONLY = g::O_WRONLY;
        /// `O_RDWR`: open for reading and writing.
        #[doc(alias = "O_RDWR")]
        const RDWR = g::O_RDWR;
        /// `O_ACCMODE`: the mask of the three access modes.
        #[doc(alias = "O_ACCMODE")]
        const ACCMODE = g::O_ACCMODE;
        /// `O_CREAT`: create the file if it does not exist (the mode argument applies).
        #[doc(alias = "O_CREAT")]
        const CREAT = g::O_CREAT;
        /// `O_EXCL`: with `CREAT`, fail with `EEXIST` if the name exists (even as a symlink).
        #[doc(alias = "O_EXCL")]
        const EXCL = g::O_EXCL;
        /// `O_NOCTTY`: a terminal opened does not become the controlling terminal.
        #[doc(alias = "O_NOCTTY")]
        const NOCTTY = g::O_NOCTTY;
        /// `O_TRUNC`: truncate a regular file opened for writing to length 0.
        #[doc(alias = "O_TRUNC")]
        const TRUNC = g::O_TRUNC;
        /// `O_APPEND`: every write goes to the end of the file, atomically.
        #[doc(alias = "O_APPEND")]
        const APPEND = g::O_APPEND;
        /// `O_NONBLOCK`: operations that would block fail with `EAGAIN`.
        #[doc(alias = "O_NONBLOCK")]
        const NONBLOCK = g::O_NONBLOCK;
        /// `O_DSYNC`: writes complete as if followed by `fdatasync`.
        #[doc(alias = "O_DSYNC")]
        const DSYNC = g::O_DSYNC;
        /// `O_SYNC`: writes complete as if followed by `fsync`.
        #[doc(alias = "O_SYNC")]
        const SYNC = g::O_SYNC;
        /// `O_ASYNC`: signal-driven I/O (`SIGIO`).
        #[doc(alias = "O_ASYNC")]
        const ASYNC = g::FASYNC;
        /// `O_DIRECT`: bypass the page cache (alignment rules apply).
        #[doc(alias = "O_DIRECT")]
        const DIRECT = g::O_DIRECT;
        /// `O_LARGEFILE`: accepted for compatibility; 64-bit kernels set it themselves.
        #[doc(alias = "O_LARGEFILE")]
        const LARGEFILE = g::O_LARGEFILE;
        /// `O_DIRECTORY`: fail with `ENOTDIR` unless the path is a directory.
        #[doc(alias = "O_DIRECTORY")]
        const DIRECTORY = g::O_DIRECTORY;
        /// `O_NOFOLLOW`: fail with `ELOOP` if the last component is a symlink.
        #[doc(alias = "O_NOFOLLOW")]
        const NOFOLLOW = g::O_NOFOLLOW;
        /// `O_NOATIME`: do not update the access time (owner or `CAP_FOWNER` only: `EPERM`).
        #[doc(alias = "O_NOATIME")]
        const NOATIME = g::O_NOATIME;
        /// `O_CLOEXEC`: close the descriptor on `execve`. sysrt's open calls always add it.
        #[doc(alias = "O_CLOEXEC")]
        const CLOEXEC = g::O_CLOEXEC;
        /// `O_PATH`: a descriptor that only names a location (no read or write: `EBADF`).
        #[doc(alias = "O_PATH")]
        const PATH = g::O_PATH;
        /// `O_TMPFILE`: create an unnamed regular file in the given directory.
        #[doc(alias = "O_TMPFILE")]
        const TMPFILE = g::O_TMPFILE;
    }
}

bitflags! {
    /// File mode bits: the file type (`S_IFMT` part) and the permission bits.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct Mode: u32 {
        /// `S_IRWXU`: read, write and execute for the owner.
        #[doc(alias = "S_IRWXU")]
        const RWXU = g::S_IRWXU;
        /// `S_IRUSR`: read for the owner.
        #[doc(alias = "S_IRUSR")]
        const RUSR = g::S_IRUSR;
        /// `S_IWUSR`: write for the owner.
        #[doc(alias = "S_IWUSR")]
        const WUSR = g::S_IWUSR;
        /// `S_IXUSR`: execute (search, for a directory) for the owner.
        #[doc(alias = "S_IXUSR")]
        const XUSR = g::S_IXUSR;
        /// `S_IRWXG`: read, write and execute for the group.
        #[doc(alias = "S_IRWXG")]
        const RWXG = g::S_IRWXG;
        /// `S_IRGRP`: read for the group.
        #[doc(alias = "S_IRGRP")]
        const RGRP = g::S_IRGRP;
        /// `S_IWGRP`: write for the group.
        #[doc(alias = "S_IWGRP")]
        const WGRP = g::S_IWGRP;
        /// `S_IXGRP`: execute for the group.
        #[doc(alias = "S_IXGRP")]
        const XGRP = g::S_IXGRP;
        /// `S_IRWXO`: read, write and execute for others.
        #[doc(alias = "S_IRWXO")]
        const RWXO = g::S_IRWXO;
        /// `S_IROTH`: read for others.
        #[doc(alias = "S_IROTH")]
        const ROTH = g::S_IROTH;
        /// `S_IWOTH`: write for others.
        #[doc(alias = "S_IWOTH")]
        const WOTH = g::S_IWOTH;
        /// `S_IXOTH`: execute for others.
        #[doc(alias = "S_IXOTH")]
        const XOTH = g::S_IXOTH;
        /// `S_ISUID`: set-user-ID on execution.
        #[doc(alias = "S_ISUID")]
        const SUID = g::S_ISUID;
        /// `S_ISGID`: set-group-ID on execution; on a directory, new entries inherit its group.
        #[doc(alias = "S_ISGID")]
        const SGID = g::S_ISGID;
        /// `S_ISVTX`: sticky bit; on a directory, only owners may remove entries.
        #[doc(alias = "S_ISVTX")]
        const SVTX = g::S_ISVTX;

        // The file type field may be set in a mode read back from the kernel.
        const _ = !0;
    }
}

impl Mode {
    /// A mode from its octal number (`Mode::from_octal(0o644)`); any bits are kept.
    #[inline]
    pub const fn from_octal(bits: u32) -> Mode {
        Mode::from_bits_retain(bits)
    }
}

bitflags! {
    /// `AT_*` flags of the `*at` calls.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct AtFlags: u32 {
        /// `AT_REMOVEDIR`: for [`unlinkat`], remove a directory (as `rmdir`).
        #[doc(alias = "AT_REMOVEDIR")]
        const REMOVEDIR = g::AT_REMOVEDIR;
        /// `AT_SYMLINK_NOFOLLOW`: act on a symlink itself, not its target.
        #[doc(alias = "AT_SYMLINK_NOFOLLOW")]
        const SYMLINK_NOFOLLOW = g::AT_SYMLINK_NOFOLLOW;
        /// `AT_SYMLINK_FOLLOW`: follow a symlink (for `linkat`).
        #[doc(alias = "AT_SYMLINK_FOLLOW")]
        const SYMLINK_FOLLOW = g::AT_SYMLINK_FOLLOW;
        /// `AT_EMPTY_PATH`: with an empty path, act on the dirfd itself.
        #[doc(alias = "AT_EMPTY_PATH")]
        const EMPTY_PATH = g::AT_EMPTY_PATH;
        /// `AT_NO_AUTOMOUNT`: do not trigger an automount at the last component.
        #[doc(alias = "AT_NO_AUTOMOUNT")]
        const NO_AUTOMOUNT = g::AT_NO_AUTOMOUNT;
        /// `AT_EACCESS`: for `faccessat`, check with the effective IDs.
        #[doc(alias = "AT_EACCESS")]
        const EACCESS = g::AT_EACCESS;
        /// `AT_HANDLE_FID`: for [`name_to_handle_at`], a handle that only identifies the file
        /// (for comparing, as fanotify reports them), which the filesystem need not be able to
        /// open (Linux 6.5). The same bit as `AT_REMOVEDIR` and `AT_EACCESS`: each call gives
        /// it its own meaning.
        #[doc(alias = "AT_HANDLE_FID")]
        const HANDLE_FID = g::AT_HANDLE_FID;
        /// `AT_HANDLE_CONNECTABLE`: for [`name_to_handle_at`], a handle that can be opened
        /// with its path connected to the root (Linux 6.13).
        #[doc(alias = "AT_HANDLE_CONNECTABLE")]
        const HANDLE_CONNECTABLE = g::AT_HANDLE_CONNECTABLE;
    }
}

/// `openat(dirfd, path, flags, mode)` — opens a file relative to a directory.
///
/// A relative `path` is resolved from `dirfd` ([`CWD`] for the current directory); an
/// absolute one ignores `dirfd`. `O_CLOEXEC` is always added. `mode` applies only with
/// `O_CREAT` or `O_TMPFILE`, and is reduced by the umask.
///
/// Returns `EINTR` only when opening a FIFO or device blocks and a handler runs; retrying is
/// correct.
///
/// # Errors
/// `ENOENT` (no such name, and no `O_CREAT`), `EEXIST` (`O_CREAT|O_EXCL` and it exists),
/// `EISDIR` (a directory opened for writing), `ENOTDIR` (a component, or `dirfd` for a
/// relative path, is not a directory; or `O_DIRECTORY` on a non-directory), `ELOOP`
/// (`O_NOFOLLOW` on a symlink, or too many links), `EACCES`, `EPERM`, `EROFS`, `EMFILE`,
/// `ENFILE`, `ENAMETOOLONG`, `EINVAL` (bad flags, or a NUL in `path`), `EBADF` (bad `dirfd`).
///
/// # References
/// `man 2 openat`. Go: `syscall.Openat`.
#[doc(alias = "Openat")]
#[inline]
pub fn openat(dirfd: impl AsFd, path: impl Arg, flags: OFlags, mode: Mode) -> Result<OwnedFd> {
    let dirfd = dirfd.as_fd();
    path.with_c_str(|path| {
        let flags = flags | OFlags::CLOEXEC;
        // SAFETY: `path` is NUL-terminated and outlives the call; the kernel only reads it.
        let ret = unsafe {
            arch::syscall4_readonly(
                Sysno::openat,
                arg::fd(dirfd),
                arg::c_str(path),
                arg::uint(flags.bits()),
                arg::uint(mode.bits()),
            )
        };
        // SAFETY: a successful openat returns a new descriptor that nothing else owns.
        Errno::decode(ret).map(|fd| unsafe { OwnedFd::from_raw_fd(fd as i32) })
    })
}

/// `open(path, flags, mode)` — opens a file; uses `openat(AT_FDCWD, …)`, which every
/// architecture has. `O_CLOEXEC` is always added.
///
/// # Errors
/// As [`openat`].
///
/// # References
/// `man 2 open`. Go: `syscall.Open`.
#[doc(alias = "Open")]
#[inline]
pub fn open(path: impl Arg, flags: OFlags, mode: Mode) -> Result<OwnedFd> {
    openat(CWD, path, flags, mode)
}

/// `creat(path, mode)` — creates (or truncates) a file and opens it for writing; uses
/// `openat(AT_FDCWD, path, O_CREAT|O_WRONLY|O_TRUNC|O_CLOEXEC, mode)`, as aarch64 and riscv64
/// have no `creat` syscall.
///
/// An existing regular file is truncated to length 0. The descriptor is write-only (a read
/// gives `EBADF`) and close-on-exec. `mode` is reduced by the umask and applies only when the
/// file is created.
///
/// # Errors
/// As [`openat`]: `EISDIR` (a directory), `ENOENT` (a missing directory component),
/// `ENOTDIR`, `EACCES`, `EROFS`, `ELOOP`, `ENAMETOOLONG`, `EINVAL` (a NUL in `path`).
///
/// # References
/// `man 2 creat`. Go: `syscall.Creat`.
#[doc(alias = "Creat")]
#[inline]
pub fn creat(path: impl Arg, mode: Mode) -> Result<OwnedFd> {
    openat(
        CWD,
        path,
        OFlags::CREAT | OFlags::WRONLY | OFlags::TRUNC,
        mode,
    )
}

bitflags! {
    /// `RESOLVE_*` flags of [`OpenHow`]: how [`openat2`] may resolve a path.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct ResolveFlags: u64 {
        /// `RESOLVE_NO_XDEV`: fail with `EXDEV` if resolution crosses a mount point (bind
        /// mounts included).
        #[doc(alias = "RESOLVE_NO_XDEV")]
        const NO_XDEV = g::RESOLVE_NO_XDEV as u64;
        /// `RESOLVE_NO_MAGICLINKS`: fail with `ELOOP` on a "magic link" (`/proc/PID/fd/N`,
        /// `/proc/PID/exe` …).
        #[doc(alias = "RESOLVE_NO_MAGICLINKS")]
        const NO_MAGICLINKS = g::RESOLVE_NO_MAGICLINKS as u64;
        /// `RESOLVE_NO_SYMLINKS`: fail with `ELOOP` on any symlink in the path, the last
        /// component included (implies `NO_MAGICLINKS`).
        #[doc(alias = "RESOLVE_NO_SYMLINKS")]
        const NO_SYMLINKS = g::RESOLVE_NO_SYMLINKS as u64;
        /// `RESOLVE_BENEATH`: fail with `EXDEV` if resolution would leave the directory
        /// `dirfd` (by `..`, an absolute path, or an absolute symlink).
        #[doc(alias = "RESOLVE_BENEATH")]
        const BENEATH = g::RESOLVE_BENEATH as u64;
        /// `RESOLVE_IN_ROOT`: resolve as if `dirfd` were the root directory: `/` and `..` at
        /// the top stay at `dirfd`, as in a `chroot`.
        #[doc(alias = "RESOLVE_IN_ROOT")]
        const IN_ROOT = g::RESOLVE_IN_ROOT as u64;
        /// `RESOLVE_CACHED`: only resolve from the dentry cache; fail with `EAGAIN` if that
        /// needs I/O (meant for io_uring). Incompatible with `O_CREAT`, `O_TRUNC`,
        /// `O_TMPFILE` (`EAGAIN`).
        #[doc(alias = "RESOLVE_CACHED")]
        const CACHED = g::RESOLVE_CACHED as u64;
    }
}

/// What [`openat2`] opens and how: the kernel's `struct open_how`.
///
/// Unlike `openat`, `openat2` rejects what `openat` silently ignores: unknown `flags` bits, a
/// `mode` without `O_CREAT`/`O_TMPFILE`, and unknown `resolve` bits are all `EINVAL`.
#[doc(alias = "open_how")]
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub struct OpenHow {
    /// `O_*` flags, as for [`openat`]; `O_CLOEXEC` is always added.
    pub flags: OFlags,
    /// The mode of a created file. Must be empty unless `flags` has `O_CREAT` or `O_TMPFILE`
    /// (`EINVAL` otherwise).
    pub mode: Mode,
    /// `RESOLVE_*` restrictions on path resolution.
    pub resolve: ResolveFlags,
}

impl OpenHow {
    /// `flags` with an empty mode and no resolve restrictions.
    #[inline]
    pub const fn new(flags: OFlags) -> OpenHow {
        OpenHow {
            flags,
            mode: Mode::empty(),
            resolve: ResolveFlags::empty(),
        }
    }

    /// The kernel's `struct open_how`, with `O_CLOEXEC` added.
    #[inline(always)]
    fn to_raw(self) -> g::open_how {
        g::open_how {
            flags: u64::from((self.flags | OFlags::CLOEXEC).bits()),
            mode: u64::from(self.mode.bits()),
            resolve: self.resolve.bits(),
        }
    }
}

/// `openat2(dirfd, path, how)` — opens a file relative to a directory, with restrictions on
/// how the path may be resolved.
///
/// As [`openat`], with [`OpenHow::resolve`] limiting the resolution (stay beneath `dirfd`, no
/// symlinks, no mount crossings …). `O_CLOEXEC` is always added. The struct is passed with its
/// full size, `size_of::<open_how>()` (24 bytes); a kernel that knows a larger `open_how`
/// treats the missing fields as 0.
///
/// Stricter than `openat`: a `mode` without `O_CREAT` or `O_TMPFILE` is `EINVAL`, as are
/// unknown `O_*` or `RESOLVE_*` bits. Returns `EINTR` only when opening a FIFO or device
/// blocks and a handler runs; retrying is correct.
///
/// # Errors
/// As [`openat`], plus `EXDEV` (`RESOLVE_BENEATH`/`RESOLVE_NO_XDEV` would be violated), `ELOOP`
/// (`RESOLVE_NO_SYMLINKS` met a symlink, or `RESOLVE_NO_MAGICLINKS` a magic link), `EAGAIN`
/// (`RESOLVE_CACHED` needs I/O, or a rename raced with `RESOLVE_BENEATH`/`IN_ROOT`: retry),
/// `EINVAL` (unknown bits, or `mode` without `O_CREAT`/`O_TMPFILE`), `E2BIG` (never from this
/// wrapper: it is for a larger struct with unknown non-zero fields), `ENOSYS` (kernels before
/// 5.6).
///
/// # References
/// `man 2 openat2`. Go: `unix.Openat2` (x/sys/unix).
#[doc(alias = "Openat2")]
#[inline]
pub fn openat2(dirfd: impl AsFd, path: impl Arg, how: &OpenHow) -> Result<OwnedFd> {
    let dirfd = dirfd.as_fd();
    let how = how.to_raw();
    path.with_c_str(|path| {
        // SAFETY: `path` is NUL-terminated and `how` is a live `open_how` of exactly the size
        // passed; both outlive the call and the kernel only reads them.
        let ret = unsafe {
            arch::syscall4_readonly(
                Sysno::openat2,
                arg::fd(dirfd),
                arg::c_str(path),
                core::ptr::from_ref(&how) as usize,
                size_of::<g::open_how>(),
            )
        };
        // SAFETY: a successful openat2 returns a new descriptor that nothing else owns.
        Errno::decode(ret).map(|fd| unsafe { OwnedFd::from_raw_fd(fd as i32) })
    })
}

/// `MAX_HANDLE_SZ`: the most bytes of a file handle the kernel produces or accepts
/// (`include/linux/exportfs.h`; linux-raw-sys does not carry it).
pub const MAX_HANDLE_SZ: usize = 128;

/// The kernel's `struct file_handle` with room for the largest handle. linux-raw-sys does not
/// carry this struct (its last field is a flexible array), so it is written out here from
/// `include/uapi/linux/fcntl.h` / `man 2 name_to_handle_at`.
#[derive(Copy, Clone)]
#[repr(C)]
struct RawFileHandle {
    /// Size of `f_handle` in bytes: the capacity on input, the length used on output.
    handle_bytes: u32,
    /// The filesystem's handle type.
    handle_type: i32,
    /// The opaque handle.
    f_handle: [u8; MAX_HANDLE_SZ],
}

/// A file handle from [`name_to_handle_at`]: a filesystem's persistent, opaque name for a
/// file, valid across processes and (on most filesystems) across reboots; reopen it with
/// [`open_by_handle_at`].
///
/// Held inline (up to [`MAX_HANDLE_SZ`] bytes), no allocation.
#[doc(alias = "file_handle")]
#[derive(Copy, Clone)]
pub struct FileHandle {
    raw: RawFileHandle,
}

impl FileHandle {
    /// A handle from its type and bytes, as saved from [`FileHandle::handle_type`] and
    /// [`FileHandle::bytes`]. Go: `unix.NewFileHandle`.
    ///
    /// # Errors
    /// `EINVAL` if `bytes` is longer than [`MAX_HANDLE_SZ`].
    #[doc(alias = "NewFileHandle")]
    pub fn new(handle_type: i32, bytes: &[u8]) -> Result<FileHandle> {
        let mut f_handle = [0u8; MAX_HANDLE_SZ];
        let dst = f_handle.get_mut(..bytes.len()).ok_or(Errno::EINVAL)?;
        dst.copy_from_slice(bytes);
        Ok(FileHandle {
            raw: RawFileHandle {
                // At most MAX_HANDLE_SZ (checked just above), so it fits.
                handle_bytes: bytes.len() as u32,
                handle_type,
                f_handle,
            },
        })
    }

    /// The filesystem's handle type. Go: `FileHandle.Type`.
    #[inline]
    pub fn handle_type(&self) -> i32 {
        self.raw.handle_type
    }

    /// The opaque handle bytes. Go: `FileHandle.Bytes`.
    #[inline]
    pub fn bytes(&self) -> &[u8] {
        let len = usize::try_from(self.raw.handle_bytes).unwrap_or(MAX_HANDLE_SZ);
        self.raw.f_handle.get(..len).unwrap_or(&self.raw.f_handle)
    }
}

impl core::fmt::Debug for FileHandle {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FileHandle")
            .field("handle_type", &self.raw.handle_type)
            .field("bytes", &self.bytes())
            .finish()
    }
}

impl PartialEq for FileHandle {
    fn eq(&self, other: &FileHandle) -> bool {
        self.handle_type() == other.handle_type() && self.bytes() == other.bytes()
    }
}

impl Eq for FileHandle {}

/// The `AT_*` bits [`name_to_handle_at`] and [`name_to_handle_at_unique`] pass on. Each
/// changes which file is named or what the handle means, never what the kernel writes: the
/// handle (bounded by its `handle_bytes`) and the mount id. `AT_HANDLE_MNT_ID_UNIQUE` is the
/// one bit that changes the latter (an `int` becomes a `u64`), so it is not here: only
/// [`name_to_handle_at_unique`] sets it, with a `u64` to write into.
const HANDLE_FLAGS: AtFlags = AtFlags::EMPTY_PATH
    .union(AtFlags::SYMLINK_FOLLOW)
    .union(AtFlags::HANDLE_FID)
    .union(AtFlags::HANDLE_CONNECTABLE);

/// The mount id out-parameter of `name_to_handle_at`, and the flag that makes the kernel
/// write one of exactly this type.
///
/// # Safety
/// With `FLAG` (and any of [`HANDLE_FLAGS`]) the kernel writes exactly `size_of::<Self>()`
/// bytes, as one integer, to the mount id pointer.
unsafe trait MountIdOut: Copy {
    /// The zero value the out-parameter starts as.
    const ZERO: Self;
    /// The `AT_*` bit that asks for this width.
    const FLAG: u32;
}

// SAFETY: without `AT_HANDLE_MNT_ID_UNIQUE` the kernel writes the mount id as an `int`
// (`put_user(real_mount(path->mnt)->mnt_id, (int __user *)mnt_id)` in fs/fhandle.c).
unsafe impl MountIdOut for i32 {
    const ZERO: i32 = 0;
    const FLAG: u32 = 0;
}

// SAFETY: with `AT_HANDLE_MNT_ID_UNIQUE` the kernel writes `mnt_id_unique` as a `u64`
// (`put_user(..., (u64 __user *)mnt_id)` in fs/fhandle.c, Linux 6.12).
unsafe impl MountIdOut for u64 {
    const ZERO: u64 = 0;
    const FLAG: u32 = g::AT_HANDLE_MNT_ID_UNIQUE;
}

/// The one `name_to_handle_at` call behind both public forms: validates `flags`, then asks
/// for a mount id of type `M` into `mount_id`.
#[inline(always)]
fn name_to_handle<M: MountIdOut>(
    dirfd: BorrowedFd<'_>,
    path: impl Arg,
    flags: AtFlags,
    mount_id: &mut M,
) -> Result<FileHandle> {
    // `AtFlags::from_bits_retain` is safe, so any bit can arrive here; one of them
    // (`AT_HANDLE_MNT_ID_UNIQUE`) would make the kernel write 8 bytes into a 4-byte `int`.
    if !HANDLE_FLAGS.contains(flags) {
        return Err(Errno::EINVAL);
    }
    let flags = flags.bits() | M::FLAG;
    path.with_c_str(|path| {
        let mut handle = FileHandle {
            raw: RawFileHandle {
                handle_bytes: MAX_HANDLE_SZ as u32,
                handle_type: 0,
                f_handle: [0; MAX_HANDLE_SZ],
            },
        };
        // `flags` holds only `HANDLE_FLAGS` bits (checked above), which do not change what
        // the kernel writes, plus `M::FLAG`, which asks for a mount id of type `M`.
        // SAFETY: `path` is only read; the kernel writes at most `handle.raw` (a live
        // `file_handle`, bounded by its `handle_bytes`) and one `M` into `mount_id`.
        let ret = unsafe {
            arch::syscall5(
                Sysno::name_to_handle_at,
                arg::fd(dirfd),
                arg::c_str(path),
                core::ptr::from_mut(&mut handle.raw) as usize,
                core::ptr::from_mut(mount_id) as usize,
                arg::uint(flags),
            )
        };
        Errno::decode(ret).map(|_| handle)
    })
}

/// `name_to_handle_at(dirfd, path, flags)` — gets a file handle for a file, and the id of
/// the mount it is on (as in `/proc/self/mountinfo`'s first field, and `statx`'s
/// `STATX_MNT_ID`).
///
/// A final symlink is not followed unless `flags` has [`AtFlags::SYMLINK_FOLLOW`];
/// [`AtFlags::EMPTY_PATH`] with an empty `path` names `dirfd` itself;
/// [`AtFlags::HANDLE_FID`] and [`AtFlags::HANDLE_CONNECTABLE`] ask for those kinds of handle.
/// Any other bit is `EINVAL`, before the syscall: in particular `AT_HANDLE_MNT_ID_UNIQUE`,
/// which would make the kernel write a 64-bit id where this call has room for an `int` (use
/// [`name_to_handle_at_unique`] for that id). Needs no privilege; opening the handle does.
///
/// # Errors
/// `EOPNOTSUPP` (the filesystem cannot make handles, e.g. `/proc`), `ENOENT`, `ENOTDIR`,
/// `EACCES`, `ELOOP`, `ENAMETOOLONG`, `EINVAL` (a flag other than those above, a flag the
/// kernel does not know yet, or a NUL in `path`), `EBADF`. `EOVERFLOW` (a handle larger than
/// [`MAX_HANDLE_SZ`]) cannot occur on current kernels.
///
/// # References
/// `man 2 name_to_handle_at`. Go: `unix.NameToHandleAt` (x/sys/unix).
#[doc(alias = "NameToHandleAt")]
#[inline]
pub fn name_to_handle_at(
    dirfd: impl AsFd,
    path: impl Arg,
    flags: AtFlags,
) -> Result<(FileHandle, i32)> {
    let mut mount_id = i32::ZERO;
    let handle = name_to_handle(dirfd.as_fd(), path, flags, &mut mount_id)?;
    Ok((handle, mount_id))
}

/// `name_to_handle_at(dirfd, path, flags | AT_HANDLE_MNT_ID_UNIQUE)` — as
/// [`name_to_handle_at`], with the mount's unique 64-bit id instead of its reusable `int` id.
///
/// The unique id is never reused while the system runs (`statx`'s `STATX_MNT_ID_UNIQUE`, the
/// id `statmount`/`listmount` take), so it still names the same mount after that mount is
/// gone and another took its old `int` id. `flags` accepts what [`name_to_handle_at`] does.
///
/// Under qemu-user 7.2 only the low 32 bits of the id come back: QEMU passes the flag to the
/// host kernel but receives the id in an `int` of its own.
///
/// # Errors
/// As [`name_to_handle_at`]; `EINVAL` also from kernels before 6.12, which do not know the
/// flag.
///
/// # References
/// `man 2 name_to_handle_at` (`AT_HANDLE_MNT_ID_UNIQUE`). Go: none (x/sys/unix has only
/// `NameToHandleAt`).
#[doc(alias = "AT_HANDLE_MNT_ID_UNIQUE")]
#[inline]
pub fn name_to_handle_at_unique(
    dirfd: impl AsFd,
    path: impl Arg,
    flags: AtFlags,
) -> Result<(FileHandle, u64)> {
    let mut mount_id = u64::ZERO;
    let handle = name_to_handle(dirfd.as_fd(), path, flags, &mut mount_id)?;
    Ok((handle, mount_id))
}

/// `open_by_handle_at(mount_fd, handle, flags)` — opens the file a handle names.
///
/// `mount_fd` is any descriptor on the filesystem the handle came from (its mount id from
/// [`name_to_handle_at`] identifies which). `O_CLOEXEC` is always added. Needs
/// `CAP_DAC_READ_SEARCH`: handles bypass the permission checks of path lookup.
///
/// # Errors
/// `EPERM` (no `CAP_DAC_READ_SEARCH`), `ESTALE` (the handle names no file, or the file was
/// deleted), `EINVAL` (a handle longer than [`MAX_HANDLE_SZ`], or bad flags), `EBADF`
/// (`mount_fd` not open), `ELOOP` (a symlink without `O_PATH`), and the errors of opening
/// ([`openat`]).
///
/// # References
/// `man 2 open_by_handle_at`. Go: `unix.OpenByHandleAt` (x/sys/unix).
#[doc(alias = "OpenByHandleAt")]
#[inline]
pub fn open_by_handle_at(
    mount_fd: impl AsFd,
    handle: &FileHandle,
    flags: OFlags,
) -> Result<OwnedFd> {
    let flags = flags | OFlags::CLOEXEC;
    // SAFETY: `handle.raw` is a live `file_handle` whose `handle_bytes` is at most the length
    // of its array (every constructor keeps that), and the kernel only reads it.
    let ret = unsafe {
        arch::syscall3_readonly(
            Sysno::open_by_handle_at,
            arg::fd(mount_fd.as_fd()),
            core::ptr::from_ref(&handle.raw) as usize,
            arg::uint(flags.bits()),
        )
    };
    // SAFETY: a successful open_by_handle_at returns a new descriptor that nothing else owns.
    Errno::decode(ret).map(|fd| unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_handle_layout_is_the_kernels() {
        assert_eq!(core::mem::offset_of!(RawFileHandle, handle_type), 4);
        assert_eq!(core::mem::offset_of!(RawFileHandle, f_handle), 8);
        assert_eq!(size_of::<RawFileHandle>(), 8 + MAX_HANDLE_SZ);
    }

    #[test]
    fn file_handle_from_parts() {
        let h = FileHandle::new(7, b"abc").unwrap();
        assert_eq!((h.handle_type(), h.bytes()), (7, &b"abc"[..]));
        assert_eq!(
            FileHandle::new(1, &[0; MAX_HANDLE_SZ])
                .unwrap()
                .bytes()
                .len(),
            128
        );
        assert_eq!(
            FileHandle::new(1, &[0; MAX_HANDLE_SZ + 1]),
            Err(Errno::EINVAL)
        );
        assert_eq!(FileHandle::new(1, b""), FileHandle::new(1, b""));
        assert_ne!(FileHandle::new(1, b"a"), FileHandle::new(2, b"a"));
    }

    /// A mount id with guard bytes on both sides, to see exactly what the kernel wrote.
    #[repr(C)]
    struct Guarded<M> {
        before: [u8; 8],
        id: M,
        after: [u8; 8],
    }

    /// The mount id statx reports for `path` with `mask`, through std (an independent path).
    fn statx_mnt_id(path: &std::ffi::CStr, mask: u32) -> u64 {
        let mut stx = core::mem::MaybeUninit::<g::statx>::zeroed();
        // SAFETY: `path` is NUL-terminated and `stx` is one writable `struct statx`.
        let ret = unsafe {
            arch::syscall5(
                Sysno::statx,
                arg::fd(CWD),
                path.as_ptr() as usize,
                0,
                mask as usize,
                stx.as_mut_ptr() as usize,
            )
        };
        assert_eq!(Errno::decode(ret), Ok(0));
        // SAFETY: zeroed, then filled by a successful statx.
        let stx = unsafe { stx.assume_init() };
        assert_ne!(
            stx.stx_mask & mask,
            0,
            "statx did not report mask {mask:#x}"
        );
        stx.stx_mnt_id
    }

    extern crate std;

    /// A file in the temporary directory (tmpfs or a disk filesystem: both make handles).
    fn temp_file(name: &str) -> std::ffi::CString {
        let path =
            std::env::temp_dir().join(std::format!("sysrt-unit-{}-{name}", std::process::id()));
        std::fs::write(&path, b"x").unwrap();
        std::ffi::CString::new(std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str())).unwrap()
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "real syscalls (name_to_handle_at on a real file): Miri cannot run a trap instruction"
    )]
    fn int_mount_id_is_written_exactly() {
        let path = temp_file("int-id");
        let mut g = Guarded {
            before: [0xa5; 8],
            id: i32::ZERO,
            after: [0x5a; 8],
        };
        let got = name_to_handle(CWD, path.as_c_str(), AtFlags::empty(), &mut g.id);
        assert!(got.is_ok(), "{got:?}");
        assert_eq!((g.before, g.after), ([0xa5; 8], [0x5a; 8]));
        assert_eq!(g.id as u64, statx_mnt_id(path.as_c_str(), g::STATX_MNT_ID));
        std::fs::remove_file(std::str::from_utf8(path.to_bytes()).unwrap()).unwrap();
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "real syscalls (name_to_handle_at on a real file): Miri cannot run a trap instruction"
    )]
    fn unique_mount_id_is_written_exactly() {
        let path = temp_file("u64-id");
        let mut g = Guarded {
            before: [0xa5; 8],
            id: u64::ZERO,
            after: [0x5a; 8],
        };
        match name_to_handle(CWD, path.as_c_str(), AtFlags::empty(), &mut g.id) {
            Ok(_) => {
                assert_eq!((g.before, g.after), ([0xa5; 8], [0x5a; 8]));
                assert_eq!(g.id, statx_mnt_id(path.as_c_str(), g::STATX_MNT_ID_UNIQUE));
            }
            // Kernels before 6.12 do not know the flag.
            Err(e) => {
                assert_eq!(e, Errno::EINVAL);
                let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap();
                let mut v = release.split(|c: char| !c.is_ascii_digit());
                let major: u32 = v.next().unwrap().parse().unwrap();
                let minor: u32 = v.next().unwrap().parse().unwrap();
                assert!((major, minor) < (6, 12), "EINVAL on {release}");
            }
        }
        std::fs::remove_file(std::str::from_utf8(path.to_bytes()).unwrap()).unwrap();
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "real syscalls (its second half checks that the accepted bits reach name_to_handle_at): Miri cannot run a trap instruction"
    )]
    fn dangerous_or_unknown_handle_flags_are_einval_before_the_syscall() {
        // The path does not exist: a syscall would have said ENOENT.
        let missing = c"/nonexistent-sysrt/f";
        for bits in [
            g::AT_HANDLE_MNT_ID_UNIQUE,
            g::AT_HANDLE_MNT_ID_UNIQUE | g::AT_EMPTY_PATH,
            g::AT_SYMLINK_NOFOLLOW,
            g::AT_NO_AUTOMOUNT,
            1 << 31,
        ] {
            let flags = AtFlags::from_bits_retain(bits);
            assert_eq!(
                name_to_handle_at(CWD, missing, flags).map(drop),
                Err(Errno::EINVAL),
                "{bits:#x}"
            );
            assert_eq!(
                name_to_handle_at_unique(CWD, missing, flags).map(drop),
                Err(Errno::EINVAL),
                "{bits:#x}"
            );
        }
        // The accepted bits do reach the kernel (which refuses FID with CONNECTABLE, and
        // knows CONNECTABLE only since 6.13, so those are left out here).
        for flags in [
            AtFlags::empty(),
            AtFlags::SYMLINK_FOLLOW,
            AtFlags::SYMLINK_FOLLOW | AtFlags::EMPTY_PATH,
            AtFlags::HANDLE_FID,
        ] {
            assert_eq!(
                name_to_handle_at(CWD, missing, flags).map(drop),
                Err(Errno::ENOENT),
                "{flags:?}"
            );
        }
    }

    #[test]
    fn open_how_adds_cloexec() {
        let raw = OpenHow::new(OFlags::RDONLY).to_raw();
        assert_eq!(raw.flags, u64::from(g::O_CLOEXEC));
        assert_eq!((raw.mode, raw.resolve), (0, 0));
    }
}

#[cfg(test)]
mod flag_format_tests {
    extern crate std;
    use super::*;
    use std::format;

    #[test]
    fn flags_format_by_name() {
        assert_eq!(
            format!("{:?}", OFlags::CREAT | OFlags::WRONLY),
            "OFlags(WRONLY | CREAT)"
        );
        // O_RDONLY is the empty set: the absence of WRONLY and RDWR.
        assert_eq!(OFlags::RDONLY, OFlags::empty());
        assert_eq!(format!("{:?}", OFlags::RDONLY), "OFlags(0x0)");
        assert_eq!(
            format!("{:?}", Mode::from_octal(0o644)),
            "Mode(RUSR | WUSR | RGRP | ROTH)"
        );
        let both = AtFlags::REMOVEDIR | AtFlags::SYMLINK_NOFOLLOW;
        assert_eq!(format!("{both:?}"), "AtFlags(REMOVEDIR | SYMLINK_NOFOLLOW)");
    }

    #[test]
    fn mode_keeps_file_type_bits() {
        // A mode read back from the kernel carries S_IFREG (0o100000): kept, shown in hex.
        let m = Mode::from_octal(0o100_755);
        assert_eq!(m.bits(), 0o100_755);
        assert_eq!(
            format!("{m:?}"),
            "Mode(RWXU | RGRP | XGRP | ROTH | XOTH | 0x8000)"
        );
    }

    #[test]
    fn flag_values_are_the_kernels() {
        assert_eq!(OFlags::CLOEXEC.bits(), g::O_CLOEXEC);
        assert_eq!(OFlags::CREAT.bits(), 0o100);
        assert_eq!(Mode::RWXU.bits(), 0o700);
        assert_eq!(AtFlags::REMOVEDIR.bits(), 0x200);
    }
}
