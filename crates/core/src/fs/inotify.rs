//! Change notification: `inotify_init1`, `inotify_add_watch`, `inotify_rm_watch`, and
//! [`InotifyEvents`], a parser of the records `read` returns from an inotify descriptor.

use core::ffi::CStr;
use core::mem::offset_of;

use bitflags::bitflags;
use linux_raw_sys::general as g;

use crate::fd::{AsFd, OwnedFd};
use crate::path::Arg;
use crate::{Errno, Result, Sysno, arch, arg};

bitflags! {
    /// `IN_*` flags for [`inotify_init1`].
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct InotifyFlags: u32 {
        /// `IN_NONBLOCK`: a `read` with no event pending fails with `EAGAIN` instead of
        /// blocking.
        #[doc(alias = "IN_NONBLOCK")]
        const NONBLOCK = g::IN_NONBLOCK;
        /// `IN_CLOEXEC`: close the descriptor on `execve`. [`inotify_init1`] always adds it.
        #[doc(alias = "IN_CLOEXEC")]
        const CLOEXEC = g::IN_CLOEXEC;
    }
}

bitflags! {
    /// `IN_*` event bits: what [`inotify_add_watch`] watches for, and what an
    /// [`InotifyEvent`] reports.
    ///
    /// The event bits (`ACCESS` … `MOVE_SELF`) go both ways; `UNMOUNT`, `Q_OVERFLOW`,
    /// `IGNORED` and `ISDIR` are only reported; `ONLYDIR` … `ONESHOT` (except `ISDIR`) are only
    /// for adding a watch.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct WatchMask: u32 {
        /// `IN_ACCESS`: a file was read.
        #[doc(alias = "IN_ACCESS")]
        const ACCESS = g::IN_ACCESS;
        /// `IN_MODIFY`: a file was written or truncated.
        #[doc(alias = "IN_MODIFY")]
        const MODIFY = g::IN_MODIFY;
        /// `IN_ATTRIB`: metadata changed (mode, owner, times, link count, xattrs).
        #[doc(alias = "IN_ATTRIB")]
        const ATTRIB = g::IN_ATTRIB;
        /// `IN_CLOSE_WRITE`: a file opened for writing was closed.
        #[doc(alias = "IN_CLOSE_WRITE")]
        const CLOSE_WRITE = g::IN_CLOSE_WRITE;
        /// `IN_CLOSE_NOWRITE`: a file not opened for writing was closed.
        #[doc(alias = "IN_CLOSE_NOWRITE")]
        const CLOSE_NOWRITE = g::IN_CLOSE_NOWRITE;
        /// `IN_OPEN`: a file or directory was opened.
        #[doc(alias = "IN_OPEN")]
        const OPEN = g::IN_OPEN;
        /// `IN_MOVED_FROM`: a name was renamed away from the watched directory (paired with
        /// `MOVED_TO` by the cookie).
        #[doc(alias = "IN_MOVED_FROM")]
        const MOVED_FROM = g::IN_MOVED_FROM;
        /// `IN_MOVED_TO`: a name was renamed into the watched directory.
        #[doc(alias = "IN_MOVED_TO")]
        const MOVED_TO = g::IN_MOVED_TO;
        /// `IN_CREATE`: a name was created in the watched directory.
        #[doc(alias = "IN_CREATE")]
        const CREATE = g::IN_CREATE;
        /// `IN_DELETE`: a name was removed from the watched directory.
        #[doc(alias = "IN_DELETE")]
        const DELETE = g::IN_DELETE;
        /// `IN_DELETE_SELF`: the watched file or directory itself was deleted.
        #[doc(alias = "IN_DELETE_SELF")]
        const DELETE_SELF = g::IN_DELETE_SELF;
        /// `IN_MOVE_SELF`: the watched file or directory itself was moved.
        #[doc(alias = "IN_MOVE_SELF")]
        const MOVE_SELF = g::IN_MOVE_SELF;
        /// `IN_UNMOUNT` (reported): the filesystem of the watched object was unmounted.
        #[doc(alias = "IN_UNMOUNT")]
        const UNMOUNT = g::IN_UNMOUNT;
        /// `IN_Q_OVERFLOW` (reported, `wd` -1): the event queue overflowed; events were lost.
        #[doc(alias = "IN_Q_OVERFLOW")]
        const Q_OVERFLOW = g::IN_Q_OVERFLOW;
        /// `IN_IGNORED` (reported): the watch was removed (by `inotify_rm_watch`, deletion of
        /// the object, or an unmount).
        #[doc(alias = "IN_IGNORED")]
        const IGNORED = g::IN_IGNORED;
        /// `IN_ONLYDIR`: watch the path only if it is a directory (`ENOTDIR` otherwise).
        #[doc(alias = "IN_ONLYDIR")]
        const ONLYDIR = g::IN_ONLYDIR;
        /// `IN_DONT_FOLLOW`: do not follow a final symlink; watch the link itself.
        #[doc(alias = "IN_DONT_FOLLOW")]
        const DONT_FOLLOW = g::IN_DONT_FOLLOW;
        /// `IN_EXCL_UNLINK`: no events for children after they are unlinked.
        #[doc(alias = "IN_EXCL_UNLINK")]
        const EXCL_UNLINK = g::IN_EXCL_UNLINK;
        /// `IN_MASK_CREATE`: fail with `EEXIST` if the path is already watched.
        #[doc(alias = "IN_MASK_CREATE")]
        const MASK_CREATE = g::IN_MASK_CREATE;
        /// `IN_MASK_ADD`: add to an existing watch's mask instead of replacing it.
        #[doc(alias = "IN_MASK_ADD")]
        const MASK_ADD = g::IN_MASK_ADD;
        /// `IN_ISDIR` (reported): the subject of the event is a directory.
        #[doc(alias = "IN_ISDIR")]
        const ISDIR = g::IN_ISDIR;
        /// `IN_ONESHOT`: remove the watch after its first event.
        #[doc(alias = "IN_ONESHOT")]
        const ONESHOT = g::IN_ONESHOT;
        /// `IN_ALL_EVENTS`: every event bit from `ACCESS` to `MOVE_SELF`.
        #[doc(alias = "IN_ALL_EVENTS")]
        const ALL_EVENTS = g::IN_ALL_EVENTS;
        /// `IN_MOVE`: `MOVED_FROM | MOVED_TO`.
        #[doc(alias = "IN_MOVE")]
        const MOVE = g::IN_MOVE;
        /// `IN_CLOSE`: `CLOSE_WRITE | CLOSE_NOWRITE`.
        #[doc(alias = "IN_CLOSE")]
        const CLOSE = g::IN_CLOSE;

        // A newer kernel may report bits this list does not name; keep them.
        const _ = !0;
    }
}

/// A watch descriptor: the number [`inotify_add_watch`] returns and each [`InotifyEvent`]
/// carries. Not a file descriptor: it means something only with its inotify descriptor.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
#[repr(transparent)]
pub struct WatchDescriptor(i32);

impl WatchDescriptor {
    /// A watch descriptor from its number (a stale or made-up one only gets `EINVAL`).
    #[inline]
    pub const fn from_raw(wd: i32) -> WatchDescriptor {
        WatchDescriptor(wd)
    }

    /// The number, as the kernel reports it (-1 in a `Q_OVERFLOW` event).
    #[inline]
    pub const fn raw(self) -> i32 {
        self.0
    }
}

/// `inotify_init1(flags)` — creates an inotify instance; returns its descriptor, from which
/// events are `read` (parse them with [`InotifyEvents`]).
///
/// `IN_CLOEXEC` is always added. Go's `InotifyInit` is this call with no flags.
///
/// # Errors
/// `EMFILE` (the per-user limit of instances, `/proc/sys/fs/inotify/max_user_instances`, or
/// the per-process fd limit), `ENFILE`, `ENOMEM`, `EINVAL` (bad flags).
///
/// # References
/// `man 2 inotify_init1`, `man 7 inotify`. Go: `syscall.InotifyInit1`.
#[doc(alias = "InotifyInit1", alias = "InotifyInit", alias = "inotify_init")]
#[inline]
pub fn inotify_init1(flags: InotifyFlags) -> Result<OwnedFd> {
    let flags = flags | InotifyFlags::CLOEXEC;
    // SAFETY: inotify_init1 takes only a flag word and writes no user memory.
    let ret = unsafe { arch::syscall1_readonly(Sysno::inotify_init1, arg::uint(flags.bits())) };
    // SAFETY: a successful inotify_init1 returns a new descriptor that nothing else owns.
    Errno::decode(ret).map(|fd| unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// `inotify_add_watch(fd, path, mask)` — watches `path` for the events in `mask`; returns
/// the watch's descriptor.
///
/// Watching a path that is already watched by this instance returns the same descriptor and
/// replaces its mask (adds to it with [`WatchMask::MASK_ADD`]; fails with `EEXIST` with
/// [`WatchMask::MASK_CREATE`]).
///
/// # Errors
/// `ENOENT`, `ENOTDIR` (`ONLYDIR` on a non-directory, or a component is not a directory),
/// `EINVAL` (no event bit in `mask`, `MASK_ADD` with `MASK_CREATE`, or `fd` is not an inotify
/// descriptor), `EEXIST` (`MASK_CREATE` on a watched path), `EBADF`, `EACCES` (no read
/// permission on the file), `ENOSPC` (the per-user watch limit), `ELOOP`, `ENAMETOOLONG`.
///
/// # References
/// `man 2 inotify_add_watch`. Go: `syscall.InotifyAddWatch`.
#[doc(alias = "InotifyAddWatch")]
#[inline]
pub fn inotify_add_watch(
    fd: impl AsFd,
    path: impl Arg,
    mask: WatchMask,
) -> Result<WatchDescriptor> {
    let fd = fd.as_fd();
    path.with_c_str(|path| {
        // SAFETY: `path` is NUL-terminated, outlives the call, and is only read.
        let ret = unsafe {
            arch::syscall3_readonly(
                Sysno::inotify_add_watch,
                arg::fd(fd),
                arg::c_str(path),
                arg::uint(mask.bits()),
            )
        };
        Errno::decode(ret).map(|wd| WatchDescriptor(wd as i32))
    })
}

/// `inotify_rm_watch(fd, wd)` — removes a watch. The kernel then queues an `IN_IGNORED`
/// event for `wd`.
///
/// # Errors
/// `EINVAL` (`wd` is not a watch of this instance, or `fd` is not an inotify descriptor),
/// `EBADF`.
///
/// # References
/// `man 2 inotify_rm_watch`. Go: `syscall.InotifyRmWatch`.
#[doc(alias = "InotifyRmWatch")]
#[inline]
pub fn inotify_rm_watch(fd: impl AsFd, wd: WatchDescriptor) -> Result<()> {
    // SAFETY: both arguments are integers; the kernel writes no user memory.
    let ret = unsafe {
        arch::syscall2_readonly(
            Sysno::inotify_rm_watch,
            arg::fd(fd.as_fd()),
            arg::raw_fd(wd.0),
        )
    };
    Errno::decode(ret).map(drop)
}

/// One inotify event, borrowed from the buffer it was read into.
#[doc(alias = "inotify_event")]
#[derive(Copy, Clone, Eq, PartialEq, Debug)]
pub struct InotifyEvent<'a> {
    /// The watch the event belongs to (-1 for `Q_OVERFLOW`).
    pub wd: WatchDescriptor,
    /// What happened, with `ISDIR` when the subject is a directory.
    pub mask: WatchMask,
    /// Pairs a `MOVED_FROM` with its `MOVED_TO` (the same non-zero value); 0 otherwise.
    pub cookie: u32,
    /// The name within the watched directory the event is about; `None` for an event about
    /// the watched object itself.
    pub name: Option<&'a CStr>,
}

/// The size of the fixed part of a record, `struct inotify_event` without its name.
const HEADER: usize = size_of::<g::inotify_event>();

/// The events in a buffer filled by `read` on an inotify descriptor, without allocating.
///
/// Give it the filled part only (`&buf[..n]`). A `read` needs room for at least one whole
/// event, `size_of::<inotify_event>() + NAME_MAX + 1` (272) bytes, or it fails with
/// `EINVAL`; the kernel only ever returns whole records.
///
/// Any bytes are safe to parse: a record whose header or name runs past the end of the buffer,
/// or whose name has no NUL, yields one `Err(EIO)` and ends the iteration; nothing is read
/// past the buffer and nothing panics.
///
/// ```no_run
/// # use sysrt::fs::{inotify_init1, InotifyEvents, InotifyFlags};
/// # let fd = inotify_init1(InotifyFlags::empty())?;
/// let mut buf = [0u8; 4096];
/// let n = sysrt::io::read(&fd, &mut buf)?;
/// for event in InotifyEvents::new(buf.get(..n).unwrap_or_default()) {
///     let event = event?;
///     let _ = (event.wd, event.mask, event.name);
/// }
/// # Ok::<(), sysrt::Errno>(())
/// ```
#[derive(Clone, Debug)]
pub struct InotifyEvents<'a> {
    rest: &'a [u8],
}

impl<'a> InotifyEvents<'a> {
    /// Iterates over the records in `buf`.
    #[inline]
    pub const fn new(buf: &'a [u8]) -> InotifyEvents<'a> {
        InotifyEvents { rest: buf }
    }

    /// Parses the record at the start of `self.rest` and moves past it.
    fn parse_one(&mut self) -> Result<InotifyEvent<'a>> {
        let rest = self.rest;
        let word = |off: usize| -> Result<[u8; 4]> {
            let bytes = rest.get(off..off + 4).ok_or(Errno::EIO)?;
            bytes.try_into().map_err(|_| Errno::EIO)
        };
        let wd = i32::from_ne_bytes(word(offset_of!(g::inotify_event, wd))?);
        let mask = u32::from_ne_bytes(word(offset_of!(g::inotify_event, mask))?);
        let cookie = u32::from_ne_bytes(word(offset_of!(g::inotify_event, cookie))?);
        let len = u32::from_ne_bytes(word(offset_of!(g::inotify_event, len))?);
        let len = usize::try_from(len).map_err(|_| Errno::EIO)?;
        let end = HEADER.checked_add(len).ok_or(Errno::EIO)?;
        let name = rest.get(HEADER..end).ok_or(Errno::EIO)?;
        // The kernel pads the name with NULs to an aligned length; the first NUL ends it.
        let name = match name {
            [] => None,
            _ => {
                let name = CStr::from_bytes_until_nul(name).map_err(|_| Errno::EIO)?;
                (!name.is_empty()).then_some(name)
            }
        };
        self.rest = rest.get(end..).unwrap_or_default();
        Ok(InotifyEvent {
            wd: WatchDescriptor(wd),
            mask: WatchMask::from_bits_retain(mask),
            cookie,
            name,
        })
    }
}

impl<'a> Iterator for InotifyEvents<'a> {
    type Item = Result<InotifyEvent<'a>>;

    fn next(&mut self) -> Option<Result<InotifyEvent<'a>>> {
        if self.rest.is_empty() {
            return None;
        }
        let event = self.parse_one();
        if event.is_err() {
            // A malformed record: report it once, then stop, since the next record's start
            // is unknown.
            self.rest = &[];
        }
        Some(event)
    }
}

impl core::iter::FusedIterator for InotifyEvents<'_> {}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec::Vec;

    /// One record as the kernel lays it out, with `name` padded by `pad` NULs.
    fn record(buf: &mut Vec<u8>, wd: i32, mask: u32, cookie: u32, name: &[u8], pad: usize) {
        let len = u32::try_from(name.len() + pad).unwrap();
        buf.extend_from_slice(&wd.to_ne_bytes());
        buf.extend_from_slice(&mask.to_ne_bytes());
        buf.extend_from_slice(&cookie.to_ne_bytes());
        buf.extend_from_slice(&len.to_ne_bytes());
        buf.extend_from_slice(name);
        buf.resize(buf.len() + pad, 0);
    }

    #[test]
    fn header_matches_kernel_struct() {
        assert_eq!(HEADER, 16);
        assert_eq!(offset_of!(g::inotify_event, len), 12);
    }

    #[test]
    fn records_with_padding_and_without_names() {
        let mut buf = Vec::new();
        record(&mut buf, 1, g::IN_CREATE, 0, b"file", 12);
        record(&mut buf, 1, g::IN_IGNORED, 0, b"", 0);
        record(&mut buf, 2, g::IN_MOVED_FROM, 77, b"a", 1);
        let events: Vec<_> = InotifyEvents::new(&buf).collect();
        assert_eq!(
            events,
            [
                Ok(InotifyEvent {
                    wd: WatchDescriptor(1),
                    mask: WatchMask::CREATE,
                    cookie: 0,
                    name: Some(c"file"),
                }),
                Ok(InotifyEvent {
                    wd: WatchDescriptor(1),
                    mask: WatchMask::IGNORED,
                    cookie: 0,
                    name: None,
                }),
                Ok(InotifyEvent {
                    wd: WatchDescriptor(2),
                    mask: WatchMask::MOVED_FROM,
                    cookie: 77,
                    name: Some(c"a"),
                }),
            ]
        );
    }

    #[test]
    fn name_of_only_nuls_is_none() {
        let mut buf = Vec::new();
        record(&mut buf, 3, g::IN_MODIFY, 0, b"", 16);
        let event = InotifyEvents::new(&buf).next().unwrap().unwrap();
        assert_eq!(event.name, None);
        assert_eq!(event.mask, WatchMask::MODIFY);
    }

    #[test]
    fn unknown_mask_bits_are_kept() {
        let mut buf = Vec::new();
        record(
            &mut buf,
            1,
            0x0400_0000 | g::IN_ISDIR | g::IN_CREATE,
            0,
            b"d",
            3,
        );
        let event = InotifyEvents::new(&buf).next().unwrap().unwrap();
        assert_eq!(event.mask.bits(), 0x0400_0000 | g::IN_ISDIR | g::IN_CREATE);
    }

    #[test]
    fn empty_buffer_has_no_events() {
        assert_eq!(InotifyEvents::new(&[]).next(), None);
    }

    #[test]
    fn truncated_header_is_eio_then_end() {
        let mut buf = Vec::new();
        record(&mut buf, 1, g::IN_CREATE, 0, b"x", 3);
        record(&mut buf, 2, g::IN_DELETE, 0, b"y", 3);
        for cut in [1, 4, 8, 15] {
            let part = &buf[..20 + cut];
            let mut it = InotifyEvents::new(part);
            assert_eq!(it.next().unwrap().unwrap().name, Some(c"x"));
            assert_eq!(it.next(), Some(Err(Errno::EIO)), "cut {cut}");
            assert_eq!(it.next(), None);
        }
    }

    #[test]
    fn len_past_the_end_is_eio() {
        let mut buf = Vec::new();
        record(&mut buf, 1, g::IN_CREATE, 0, b"name", 4);
        buf.truncate(buf.len() - 1);
        let mut it = InotifyEvents::new(&buf);
        assert_eq!(it.next(), Some(Err(Errno::EIO)));
        assert_eq!(it.next(), None);
        // A huge len cannot overflow the bounds arithmetic.
        let mut buf = Vec::new();
        record(&mut buf, 1, g::IN_CREATE, 0, b"", 0);
        buf[12..16].copy_from_slice(&u32::MAX.to_ne_bytes());
        assert_eq!(InotifyEvents::new(&buf).next(), Some(Err(Errno::EIO)));
    }

    #[test]
    fn name_without_nul_is_eio() {
        let mut buf = Vec::new();
        record(&mut buf, 1, g::IN_CREATE, 0, b"abcd", 0);
        assert_eq!(InotifyEvents::new(&buf).next(), Some(Err(Errno::EIO)));
    }

    #[test]
    fn any_bytes_never_panic() {
        // Every prefix of a valid stream, and a stream of arbitrary bytes.
        let mut buf = Vec::new();
        record(&mut buf, 1, g::IN_CREATE, 0, b"abc", 13);
        record(&mut buf, 1, g::IN_DELETE, 0, b"", 0);
        for n in 0..=buf.len() {
            let _ = InotifyEvents::new(&buf[..n]).count();
        }
        let noise: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
        for start in 0..64 {
            let _ = InotifyEvents::new(&noise[start..]).count();
        }
    }
}
