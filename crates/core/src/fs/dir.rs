//! Directories: `getdents64` and an allocation-free reader over its records.
//!
//! [`getdents64`] is the raw call. [`RawDir`] walks the records in a buffer the caller gives;
//! [`ReadDir`] carries its own 8 KiB buffer; [`for_each_entry`] loops to the end for you. None
//! of them allocates, so listing a directory of any size takes bounded memory.
//!
//! Each record is a `struct linux_dirent64`: `d_ino` (u64), `d_off` (i64), `d_reclen` (u16),
//! `d_type` (u8), then the NUL-terminated name, padded so the next record starts 8-aligned.
//! The parser reads those fields byte-wise at the offsets linux-raw-sys gives, and checks every
//! length against the bytes the kernel reported: a malformed record is `EIO`, never a panic or
//! a read past the buffer.

use core::ffi::CStr;
use core::mem::offset_of;

use linux_raw_sys::general::{self as g, linux_dirent64};

use crate::fd::{AsFd, BorrowedFd};
use crate::fs::FileType;
use crate::{Errno, Result, Sysno, arch, arg};

/// Where each field of `struct linux_dirent64` lives in a record.
const D_INO: usize = offset_of!(linux_dirent64, d_ino);
const D_OFF: usize = offset_of!(linux_dirent64, d_off);
const D_RECLEN: usize = offset_of!(linux_dirent64, d_reclen);
const D_TYPE: usize = offset_of!(linux_dirent64, d_type);
/// The name follows the 19-byte header directly (the struct's size, 24, includes padding).
const D_NAME: usize = offset_of!(linux_dirent64, d_name);

/// The longest record [`getdents64`] can return: the 19-byte header, a name of up to
/// `PATH_MAX - 1` (4095) bytes, its NUL, and padding to a multiple of 8 — 4120 bytes.
///
/// `NAME_MAX` (255, a 280-byte record) is the limit of local filesystems, not of the kernel:
/// `getdents64` itself caps no name, and FUSE passes names of up to 1024 bytes, or up to
/// `PATH_MAX - 1` since Linux 6.14 when the FUSE server accepts requests of more than one
/// page (`FUSE_NAME_MAX` in `fs/fuse/fuse_i.h`). No longer name can be looked up, since a
/// path is at most `PATH_MAX` bytes with its NUL.
pub const DIRENT_MAX_RECLEN: usize = (D_NAME + crate::path::PATH_MAX).next_multiple_of(8);

/// `getdents64(fd, buf)` — reads directory records into `buf`; returns the number of bytes
/// filled, 0 at the end of the directory.
///
/// Reading starts at the directory's current offset and advances it. `buf` holds
/// `struct linux_dirent64` records; walk them with [`RawDir`], or use [`ReadDir`] or
/// [`for_each_entry`], which call this for you. A buffer too small for the next record gives
/// `EINVAL`, not 0. [`DIRENT_MAX_RECLEN`] (4120) bytes hold any record; 280 hold any record of
/// a local filesystem (names of at most 255 bytes), but not every FUSE name.
///
/// # Errors
/// `ENOTDIR` (`fd` is not a directory, e.g. a regular file or `/dev/null`), `EINVAL` (`buf`
/// too small for the next record), `EBADF` (`fd` is not open for reading), `ENOENT` (the
/// directory was removed), `EFAULT`, `EIO`.
///
/// # References
/// `man 2 getdents64`. Go: `syscall.ReadDirent`, `syscall.Getdents`.
#[doc(alias = "ReadDirent", alias = "Getdents")]
#[inline]
pub fn getdents64(fd: impl AsFd, buf: &mut [u8]) -> Result<usize> {
    let (ptr, len) = arg::slice_mut(buf);
    // SAFETY: `buf` is valid for writes of `len` bytes for the whole call, and the kernel
    // writes at most `len` bytes into it.
    Errno::decode(unsafe { arch::syscall3(Sysno::getdents64, arg::fd(fd.as_fd()), ptr, len) })
}

/// One directory entry: a name with its inode number, type and position, borrowed from the
/// buffer it was read into.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct DirEntry<'a> {
    name: &'a CStr,
    ino: u64,
    offset: i64,
    d_type: u8,
}

impl<'a> DirEntry<'a> {
    /// The entry's name, without a directory part (`"."` and `".."` included).
    #[inline]
    pub fn name(&self) -> &'a CStr {
        self.name
    }

    /// The inode number (`d_ino`).
    #[inline]
    pub fn ino(&self) -> u64 {
        self.ino
    }

    /// The type from `d_type`: [`FileType::Unknown`] when the filesystem does not record it
    /// (`DT_UNKNOWN`; [`crate::fs::fstatat`] with `SYMLINK_NOFOLLOW` tells).
    #[inline]
    pub fn file_type(&self) -> FileType {
        match u32::from(self.d_type) {
            g::DT_REG => FileType::RegularFile,
            g::DT_DIR => FileType::Directory,
            g::DT_LNK => FileType::Symlink,
            g::DT_FIFO => FileType::Fifo,
            g::DT_SOCK => FileType::Socket,
            g::DT_CHR => FileType::CharacterDevice,
            g::DT_BLK => FileType::BlockDevice,
            _ => FileType::Unknown,
        }
    }

    /// `d_off`: an opaque position just after this entry. [`seekdir`] to it, and the next read
    /// starts with the entry that followed this one.
    #[inline]
    pub fn offset(&self) -> i64 {
        self.offset
    }
}

/// The `N` bytes at `at` in `bytes`, if they are there.
#[inline(always)]
fn field<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
    bytes.get(at..at.checked_add(N)?)?.try_into().ok()
}

/// Parses the record at the start of `bytes` (what remains of a `getdents64` result);
/// returns the entry and the record's length.
///
/// # Errors
/// `EIO` for a malformed record: a header cut short, a `d_reclen` smaller than a header with
/// a one-byte name and its NUL (0 included, which would otherwise loop forever) or larger than
/// what remains, or a name with no NUL inside the record, or an empty name.
fn parse_record(bytes: &[u8]) -> Result<(DirEntry<'_>, usize)> {
    let reclen = field::<2>(bytes, D_RECLEN).ok_or(Errno::EIO)?;
    let reclen = usize::from(u16::from_ne_bytes(reclen));
    if reclen < D_NAME + 2 {
        return Err(Errno::EIO);
    }
    let record = bytes.get(..reclen).ok_or(Errno::EIO)?;
    let name = record.get(D_NAME..).ok_or(Errno::EIO)?;
    let name = CStr::from_bytes_until_nul(name).map_err(|_| Errno::EIO)?;
    if name.is_empty() {
        return Err(Errno::EIO);
    }
    // The header is within `record` (reclen > D_NAME), so these reads cannot fail.
    let ino = field::<8>(record, D_INO).ok_or(Errno::EIO)?;
    let offset = field::<8>(record, D_OFF).ok_or(Errno::EIO)?;
    let [d_type] = field::<1>(record, D_TYPE).ok_or(Errno::EIO)?;
    let entry = DirEntry {
        name,
        ino: u64::from_ne_bytes(ino),
        offset: i64::from_ne_bytes(offset),
        d_type,
    };
    Ok((entry, reclen))
}

/// `ParseDirent(buf)` — the entries in `buf`, the bytes one [`getdents64`] filled, in order.
///
/// The pure parser under [`RawDir`], [`ReadDir`] and [`for_each_entry`] (they call the same
/// record parser on each record), for bytes that came from elsewhere: a saved buffer, another
/// process, a fuzzer. Accepts any bytes at any alignment without undefined behaviour or a
/// panic: every entry lies inside `buf` and its name has no NUL. A malformed record (see
/// [`getdents64`]'s layout: a header cut short, a `d_reclen` below a minimal record or past
/// the end, a name without its NUL, an empty name) yields one `Err(EIO)` and ends the
/// iteration.
///
/// # References
/// `man 2 getdents64`. Go: `syscall.ParseDirent`.
#[doc(alias = "ParseDirent")]
#[inline]
pub fn parse_dirent(buf: &[u8]) -> DirEntries<'_> {
    DirEntries { rest: buf }
}

/// The entries of a `getdents64` buffer, made by [`parse_dirent`].
#[derive(Clone, Debug)]
pub struct DirEntries<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for DirEntries<'a> {
    type Item = Result<DirEntry<'a>>;

    fn next(&mut self) -> Option<Result<DirEntry<'a>>> {
        if self.rest.is_empty() {
            return None;
        }
        match parse_record(self.rest) {
            Ok((entry, reclen)) => {
                self.rest = self.rest.get(reclen..).unwrap_or_default();
                Some(Ok(entry))
            }
            Err(e) => {
                self.rest = &[];
                Some(Err(e))
            }
        }
    }
}

impl core::iter::FusedIterator for DirEntries<'_> {}

/// Where a reader is in its buffer: the shared state of [`RawDir`] and [`ReadDir`].
#[derive(Copy, Clone, Debug, Default)]
struct Cursor {
    /// Bytes the last `getdents64` filled.
    filled: usize,
    /// Start of the next record within them.
    pos: usize,
    /// An error was reported: the kernel's offset and our buffer no longer agree, so the
    /// reader stops rather than skip or repeat entries.
    failed: bool,
}

impl Cursor {
    /// The next entry: from the records left in `buf`, else from a new `getdents64`.
    #[inline]
    fn next<'b>(&mut self, fd: BorrowedFd<'_>, buf: &'b mut [u8]) -> Option<Result<DirEntry<'b>>> {
        if self.failed {
            return None;
        }
        if self.pos >= self.filled {
            match getdents64(fd, buf) {
                Ok(0) => return None,
                // The kernel never reports more than the buffer; `min` keeps that an
                // invariant of ours rather than a trust in it.
                Ok(n) => {
                    *self = Cursor {
                        filled: n.min(buf.len()),
                        pos: 0,
                        failed: false,
                    }
                }
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
        }
        let rest = buf.get(self.pos..self.filled).unwrap_or_default();
        match parse_record(rest) {
            Ok((entry, reclen)) => {
                self.pos += reclen;
                Some(Ok(entry))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

/// The part of `buf` that starts 8-aligned.
///
/// The kernel lays records out 8-aligned relative to the start of the buffer, so this makes
/// every record's `d_ino` and `d_off` naturally aligned, as `struct linux_dirent64` is in C.
/// The parser itself reads bytes and does not depend on it.
#[inline]
fn align8(buf: &mut [u8]) -> &mut [u8] {
    // Computed, not `align_offset`, which may return "cannot" and would leave no buffer.
    let skip = (buf.as_ptr() as usize).wrapping_neg() % 8;
    match buf.get_mut(skip..) {
        Some(aligned) => aligned,
        None => &mut [],
    }
}

/// A directory reader over a buffer the caller supplies: no allocation, any buffer size.
///
/// A lending iterator: each entry borrows the buffer until the next call to
/// [`RawDir::next`], so use `while let`:
///
/// ```no_run
/// # use sysrt::fs::{self, OFlags, Mode, RawDir};
/// let dir = fs::open("/tmp", OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty())?;
/// let mut buf = [0u8; 1024];
/// let mut entries = RawDir::new(dir.as_fd(), &mut buf);
/// while let Some(entry) = entries.next() {
///     let entry = entry?;
///     let _ = entry.name();
/// }
/// # Ok::<(), sysrt::Errno>(())
/// ```
///
/// Reading starts at the directory's current offset. The start of `buf` is aligned to 8
/// internally (up to 7 bytes are skipped). A buffer too small for a record makes
/// [`RawDir::next`] report `EINVAL`: [`DIRENT_MAX_RECLEN`]` + 7` bytes always suffice, 287
/// suffice for names of at most 255 bytes (every local filesystem; FUSE allows longer). After
/// any error the reader is finished: `next` returns `None`.
///
/// Go: `syscall.ParseDirent` (the parsing), over `syscall.ReadDirent`.
#[doc(alias = "ParseDirent")]
pub struct RawDir<'buf> {
    fd: BorrowedFd<'buf>,
    buf: &'buf mut [u8],
    cursor: Cursor,
}

impl<'buf> RawDir<'buf> {
    /// A reader of `fd` (an open directory) using `buf` for the records.
    #[inline]
    pub fn new(fd: BorrowedFd<'buf>, buf: &'buf mut [u8]) -> RawDir<'buf> {
        RawDir {
            fd,
            buf: align8(buf),
            cursor: Cursor::default(),
        }
    }

    /// The next entry, `None` at the end of the directory (or after an error was reported).
    ///
    /// # Errors
    /// As [`getdents64`] (`EINVAL`: the buffer is too small for the next record; `ENOTDIR`:
    /// not a directory); `EIO` for a malformed record.
    #[allow(clippy::should_implement_trait)] // a lending iterator cannot be an `Iterator`
    #[inline]
    pub fn next(&mut self) -> Option<Result<DirEntry<'_>>> {
        self.cursor.next(self.fd, self.buf)
    }
}

/// The size of [`ReadDir`]'s buffer: 8 KiB, the size Go's `os` package reads directories
/// with. It must hold the longest record ([`DIRENT_MAX_RECLEN`], 4120 bytes, a FUSE name of
/// `PATH_MAX - 1` bytes), so one page would not do; it holds 29 records with 255-byte names, and
/// far more at typical lengths.
const DIR_BUF_LEN: usize = 8192;
const _: () = assert!(DIR_BUF_LEN >= DIRENT_MAX_RECLEN);

/// The internal buffer of [`ReadDir`], 8-aligned so that no byte is lost to alignment.
#[repr(C, align(8))]
struct DirBuf([u8; DIR_BUF_LEN]);

/// A directory reader with its own 8 KiB buffer (inline, no allocation), made by
/// [`read_dir`]. Any record the kernel returns fits in it (see [`DIRENT_MAX_RECLEN`]).
///
/// Holds the directory as `Fd`: an [`OwnedFd`](crate::fd::OwnedFd) (closed with the
/// reader), a `&OwnedFd` or a [`BorrowedFd`]. Reports every entry, `.` and `..` included, in
/// the filesystem's order (no sorting).
pub struct ReadDir<Fd: AsFd> {
    fd: Fd,
    buf: DirBuf,
    cursor: Cursor,
}

/// `read_dir(dirfd)` — a reader of the directory `dirfd`, starting at its current offset,
/// with its own 8 KiB buffer.
///
/// Pass `&fd` or `fd.as_fd()` to borrow the directory, or an `OwnedFd` to hand it over. Call
/// [`ReadDir::next_entry`] until it returns `None`.
///
/// ```no_run
/// # use sysrt::fs::{self, OFlags, Mode};
/// let dir = fs::open(".", OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty())?;
/// let mut entries = fs::read_dir(&dir);
/// while let Some(entry) = entries.next_entry() {
///     let _ = entry?.name();
/// }
/// # Ok::<(), sysrt::Errno>(())
/// ```
///
/// Go: `os.File.ReadDir`, without allocation.
#[inline]
pub fn read_dir<Fd: AsFd>(dirfd: Fd) -> ReadDir<Fd> {
    ReadDir {
        fd: dirfd,
        buf: DirBuf([0; DIR_BUF_LEN]),
        cursor: Cursor::default(),
    }
}

impl<Fd: AsFd> ReadDir<Fd> {
    /// The next entry, `None` at the end of the directory (or after an error was reported).
    ///
    /// The entry borrows the reader's buffer until the next call.
    ///
    /// # Errors
    /// As [`getdents64`] (`ENOTDIR`: not a directory; `EBADF`); `EIO` for a malformed record.
    #[inline]
    pub fn next_entry(&mut self) -> Option<Result<DirEntry<'_>>> {
        self.cursor.next(self.fd.as_fd(), &mut self.buf.0)
    }

    /// [`seekdir`]s the directory to `offset` (an [`DirEntry::offset`], or 0) and drops the
    /// buffered entries, so the next entry is read from there.
    ///
    /// # Errors
    /// As [`seekdir`].
    #[inline]
    pub fn seek(&mut self, offset: i64) -> Result<()> {
        seekdir(self.fd.as_fd(), offset)?;
        self.cursor = Cursor::default();
        Ok(())
    }

    /// Restarts from the first entry: [`ReadDir::seek`] to 0.
    ///
    /// # Errors
    /// As [`seekdir`].
    #[inline]
    pub fn rewind(&mut self) -> Result<()> {
        self.seek(0)
    }

    /// The directory being read.
    #[inline]
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

/// `for_each_entry(dirfd, f)` — calls `f` for every entry from the directory's current offset
/// to its end, then returns; uses [`read_dir`].
///
/// Every entry is reported, `.` and `..` included; `f` skips what it does not want. An
/// `Err` from `f` stops the walk and is returned.
///
/// # Errors
/// As [`ReadDir::next_entry`], or the first error `f` returns.
///
/// Go: `os.File.ReadDir` with a callback, without allocation.
#[inline]
pub fn for_each_entry(
    dirfd: impl AsFd,
    mut f: impl FnMut(DirEntry<'_>) -> Result<()>,
) -> Result<()> {
    let mut entries = read_dir(dirfd.as_fd());
    while let Some(entry) = entries.next_entry() {
        f(entry?)?;
    }
    Ok(())
}

/// `seekdir(fd, offset)` — moves a directory's read position to `offset`, a value from
/// [`DirEntry::offset`] (or 0 for the start); uses `lseek(fd, offset, SEEK_SET)`.
///
/// The offset is a cookie the filesystem chose, not a byte count: use only values it
/// returned. A [`RawDir`] still holds records read before the seek; make a new one (a
/// [`ReadDir`] has [`ReadDir::seek`]).
///
/// # Errors
/// `EBADF`, `EINVAL` (an offset the filesystem rejects, such as a negative one), `ESPIPE`.
///
/// # References
/// `man 3 seekdir`, `man 2 lseek`. Go: `syscall.Seek`.
#[doc(alias = "Seek")]
#[inline]
pub fn seekdir(fd: impl AsFd, offset: i64) -> Result<()> {
    // A negative cookie is never valid: EINVAL, as the kernel would say.
    let start = u64::try_from(offset).map_err(|_| Errno::EINVAL)?;
    crate::io::lseek(fd, crate::io::SeekFrom::Start(start)).map(drop)
}

/// `rewinddir(fd)` — moves a directory's read position back to the first entry; uses
/// `lseek(fd, 0, SEEK_SET)`.
///
/// # Errors
/// As [`seekdir`].
///
/// # References
/// `man 3 rewinddir`. Go: `syscall.Seek(fd, 0, 0)`.
#[inline]
pub fn rewinddir(fd: impl AsFd) -> Result<()> {
    seekdir(fd, 0)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec::Vec;

    /// One record as the kernel lays it out: header, name, NUL, zero padding to 8.
    fn record(ino: u64, off: i64, d_type: u8, name: &[u8]) -> Vec<u8> {
        let reclen = (D_NAME + name.len() + 1).next_multiple_of(8);
        let mut r = std::vec![0u8; reclen];
        r[D_INO..D_INO + 8].copy_from_slice(&ino.to_ne_bytes());
        r[D_OFF..D_OFF + 8].copy_from_slice(&off.to_ne_bytes());
        r[D_RECLEN..D_RECLEN + 2].copy_from_slice(&(reclen as u16).to_ne_bytes());
        r[D_TYPE] = d_type;
        r[D_NAME..D_NAME + name.len()].copy_from_slice(name);
        r
    }

    fn set_reclen(r: &mut [u8], reclen: u16) {
        r[D_RECLEN..D_RECLEN + 2].copy_from_slice(&reclen.to_ne_bytes());
    }

    #[test]
    fn layout_matches_the_kernel() {
        assert_eq!((D_INO, D_OFF, D_RECLEN, D_TYPE, D_NAME), (0, 8, 16, 18, 19));
    }

    #[test]
    fn normal_records_parse_in_order() {
        let mut buf = record(2, 10, g::DT_DIR as u8, b".");
        buf.extend(record(1, 20, g::DT_DIR as u8, b".."));
        buf.extend(record(77, 30, g::DT_REG as u8, &[b'x'; 255]));
        buf.extend(record(78, i64::MAX, g::DT_UNKNOWN as u8, b"lnk"));
        let mut pos = 0;
        let mut seen = Vec::new();
        while pos < buf.len() {
            let (e, n) = parse_record(&buf[pos..]).unwrap();
            seen.push((
                e.ino(),
                e.offset(),
                e.file_type(),
                e.name().to_bytes().len(),
            ));
            pos += n;
        }
        assert_eq!(pos, buf.len());
        assert_eq!(
            seen,
            [
                (2, 10, FileType::Directory, 1),
                (1, 20, FileType::Directory, 2),
                (77, 30, FileType::RegularFile, 255),
                (78, i64::MAX, FileType::Unknown, 3),
            ]
        );
        // A NAME_MAX name makes a 280-byte record, as the docs say.
        assert_eq!(record(0, 0, 0, &[b'x'; 255]).len(), 280);
    }

    #[test]
    fn longest_possible_record_parses_and_fits_read_dir() {
        // A FUSE name of PATH_MAX - 1 bytes (Linux 6.14+): the longest record there is.
        let name = std::vec![b'n'; crate::path::PATH_MAX - 1];
        let r = record(9, 7, g::DT_REG as u8, &name);
        assert_eq!(r.len(), DIRENT_MAX_RECLEN);
        assert_eq!(DIRENT_MAX_RECLEN, 4120);
        let (e, n) = parse_record(&r).unwrap();
        assert_eq!((e.ino(), e.name().to_bytes().len(), n), (9, 4095, 4120));
        // ReadDir's own buffer holds it (a 4 KiB one did not), with nothing lost to alignment.
        assert!(size_of::<DirBuf>() >= DIRENT_MAX_RECLEN);
        let mut buf = DirBuf([0; DIR_BUF_LEN]);
        assert_eq!(align8(&mut buf.0).len(), DIR_BUF_LEN);
        // FUSE's older limit, 1024 bytes, and every length around the 8-byte padding.
        for len in [1024, 1020, 1021, 1022, 1023, 1025] {
            let r = record(1, 1, 8, &std::vec![b'x'; len]);
            assert_eq!(r.len() % 8, 0);
            assert_eq!(
                parse_record(&r).map(|(e, _)| e.name().to_bytes().len()),
                Ok(len)
            );
        }
    }

    #[test]
    fn every_d_type_maps() {
        for (dt, ft) in [
            (g::DT_REG, FileType::RegularFile),
            (g::DT_DIR, FileType::Directory),
            (g::DT_LNK, FileType::Symlink),
            (g::DT_FIFO, FileType::Fifo),
            (g::DT_SOCK, FileType::Socket),
            (g::DT_CHR, FileType::CharacterDevice),
            (g::DT_BLK, FileType::BlockDevice),
            (g::DT_UNKNOWN, FileType::Unknown),
            (14, FileType::Unknown), // DT_WHT
            (255, FileType::Unknown),
        ] {
            let r = record(1, 1, dt as u8, b"n");
            assert_eq!(parse_record(&r).unwrap().0.file_type(), ft, "d_type {dt}");
        }
    }

    #[test]
    fn reclen_zero_is_eio() {
        let mut r = record(1, 1, 8, b"name");
        set_reclen(&mut r, 0);
        assert_eq!(parse_record(&r).map(|(_, n)| n), Err(Errno::EIO));
    }

    #[test]
    fn reclen_below_header_is_eio() {
        for bad in [1, 8, 18, 19, 20] {
            let mut r = record(1, 1, 8, b"name");
            set_reclen(&mut r, bad);
            assert_eq!(parse_record(&r).map(|(_, n)| n), Err(Errno::EIO), "{bad}");
        }
    }

    #[test]
    fn reclen_past_the_end_is_eio() {
        let mut r = record(1, 1, 8, b"name");
        let len = r.len() as u16;
        set_reclen(&mut r, len + 8);
        assert_eq!(parse_record(&r).map(|(_, n)| n), Err(Errno::EIO));
        set_reclen(&mut r, u16::MAX);
        assert_eq!(parse_record(&r).map(|(_, n)| n), Err(Errno::EIO));
        // Exactly the remaining length is fine.
        set_reclen(&mut r, len);
        assert_eq!(parse_record(&r).map(|(_, n)| n), Ok(len as usize));
    }

    #[test]
    fn name_without_nul_is_eio() {
        let mut r = record(1, 1, 8, b"abcd");
        for b in &mut r[D_NAME..] {
            *b = b'z';
        }
        assert_eq!(parse_record(&r).map(|(_, n)| n), Err(Errno::EIO));
        // A NUL just past the record does not count.
        let mut longer = r.clone();
        longer.extend([0u8; 8]);
        assert_eq!(parse_record(&longer).map(|(_, n)| n), Err(Errno::EIO));
    }

    #[test]
    fn empty_name_is_eio() {
        let r = record(1, 1, 8, b"");
        assert_eq!(parse_record(&r).map(|(_, n)| n), Err(Errno::EIO));
    }

    #[test]
    fn truncated_header_is_eio() {
        let r = record(1, 1, 8, b"name");
        for cut in 0..=D_NAME {
            assert_eq!(
                parse_record(&r[..cut]).map(|(_, n)| n),
                Err(Errno::EIO),
                "cut at {cut}"
            );
        }
        // Cut inside the name: reclen now points past the end.
        assert_eq!(
            parse_record(&r[..D_NAME + 2]).map(|(_, n)| n),
            Err(Errno::EIO)
        );
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A cheap deterministic fuzz: every parse either fails or consumes a sane length.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut buf = [0u8; 64];
        // Miri interprets each step: a sample of the sweep there, the whole sweep natively.
        for _ in 0..if cfg!(miri) { 200 } else { 20_000 } {
            for b in &mut buf {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *b = state as u8;
            }
            let len = (state >> 58) as usize; // 0..64
            if let Ok((e, n)) = parse_record(&buf[..len]) {
                assert!(n > D_NAME && n <= len);
                assert!(!e.name().is_empty());
            }
        }
    }

    #[test]
    fn cursor_stops_after_a_malformed_record() {
        // Drive the cursor's parse step directly: a filled buffer, no syscall needed.
        let mut buf = record(5, 1, 8, b"ok");
        let mut bad = record(6, 2, 8, b"bad");
        set_reclen(&mut bad, 0);
        buf.extend(bad);
        let filled = buf.len();
        let mut c = Cursor {
            filled,
            pos: 0,
            failed: false,
        };
        // SAFETY: the fd is never used: the cursor has records buffered, then has failed.
        let fd = unsafe { BorrowedFd::borrow_raw(-1i32 - 1000) };
        let first = c.next(fd, &mut buf).map(|r| r.map(|e| e.ino()));
        assert_eq!(first, Some(Ok(5)));
        let second = c.next(fd, &mut buf).map(|r| r.map(|e| e.ino()));
        assert_eq!(second, Some(Err(Errno::EIO)));
        assert!(c.next(fd, &mut buf).is_none());
    }

    #[test]
    fn parse_dirent_walks_then_stops_at_a_bad_record() {
        let mut buf = record(5, 1, 8, b"ok");
        buf.extend(record(6, 2, 4, b"dir"));
        let mut bad = record(7, 3, 8, b"bad");
        set_reclen(&mut bad, 0);
        buf.extend(bad);
        buf.extend(record(8, 4, 8, b"never"));
        let got: Vec<_> = parse_dirent(&buf)
            .map(|r| r.map(|e| (e.ino(), e.name().to_bytes())))
            .collect();
        assert_eq!(
            got,
            [Ok((5, &b"ok"[..])), Ok((6, &b"dir"[..])), Err(Errno::EIO)]
        );
        assert_eq!(parse_dirent(&[]).count(), 0);
        // One byte: a header cut short.
        assert_eq!(parse_dirent(&[1]).collect::<Vec<_>>(), [Err(Errno::EIO)]);
    }

    #[test]
    fn align8_skips_to_an_aligned_start() {
        let mut storage = [0u64; 4];
        // SAFETY: reinterpreting the u64 array as its 32 bytes.
        let bytes =
            unsafe { core::slice::from_raw_parts_mut(storage.as_mut_ptr().cast::<u8>(), 32) };
        for start in 0..8 {
            let sub = &mut bytes[start..];
            let len = sub.len();
            let a = align8(sub);
            assert_eq!(a.as_ptr() as usize % 8, 0);
            assert_eq!(a.len(), len - (8 - start) % 8);
        }
        let mut tiny = [0u8; 3];
        let _ = align8(&mut tiny[1..]); // may be empty; must not panic
    }
}
