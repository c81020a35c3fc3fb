//! Control messages (`cmsg`, "ancillary data"): building `SCM_RIGHTS` and `SCM_CREDENTIALS`
//! for [`sendmsg`](super::sendmsg), and parsing what [`recvmsg`](super::recvmsg) returns.
//!
//! - Sending: a [`CmsgWriter`] over a caller's buffer (nothing is allocated) makes the
//!   [`Cmsgs`] that `sendmsg` takes; safe code can put only descriptors and credentials in
//!   them (other control messages, such as RDS's RDMA arguments, carry addresses the kernel
//!   writes to: [`Cmsgs::from_bytes`] is `unsafe`).
//! - Receiving: [`RecvCmsgs`] owns the descriptors that arrived (taken as [`OwnedFd`] with
//!   [`RecvCmsgs::take_fds`], closed on drop otherwise).
//! - Parsing any bytes: [`parse_socket_control_message`], [`parse_unix_rights`],
//!   [`parse_unix_credentials`] accept any input without undefined behaviour or a panic; a
//!   malformed header is `EINVAL`. They return descriptor numbers, not owners.

use core::fmt;
use core::mem::{offset_of, size_of};

use linux_raw_sys::net::{self as n, cmsghdr};

use super::types::{Ucred, bytes_at, put};
use crate::fd::{BorrowedFd, OwnedFd, RawFd};
use crate::{Errno, Result};

/// `CMSG_ALIGN(len)`: `len` rounded up to the alignment of control messages (that of
/// `long`, 8 bytes on every arch sysrt supports).
#[doc(alias = "CMSG_ALIGN")]
pub const fn cmsg_align(len: usize) -> usize {
    (len + size_of::<usize>() - 1) & !(size_of::<usize>() - 1)
}

/// The size of `struct cmsghdr` rounded up: where the data of a control message starts.
const HDR: usize = cmsg_align(size_of::<cmsghdr>());

/// `CMSG_LEN(datalen)`: the `cmsg_len` of a control message with `datalen` bytes of data
/// (header included, trailing padding not).
///
/// Go: `syscall.CmsgLen`.
#[doc(alias = "CMSG_LEN")]
#[doc(alias = "CmsgLen")]
pub const fn cmsg_len(datalen: usize) -> usize {
    HDR + datalen
}

/// `CMSG_SPACE(datalen)`: the bytes a control message with `datalen` bytes of data takes in
/// a buffer, trailing padding included. A buffer for `k` descriptors is `cmsg_space(4 * k)`.
///
/// Go: `syscall.CmsgSpace`.
#[doc(alias = "CMSG_SPACE")]
#[doc(alias = "CmsgSpace")]
pub const fn cmsg_space(datalen: usize) -> usize {
    HDR + cmsg_align(datalen)
}

/// `SOL_SOCKET`, the level of `SCM_RIGHTS` and `SCM_CREDENTIALS`.
const SOL_SOCKET: i32 = n::SOL_SOCKET as i32;
/// `SCM_RIGHTS`: descriptors.
const SCM_RIGHTS: i32 = n::SCM_RIGHTS as i32;
/// `SCM_CREDENTIALS`: a `struct ucred`.
const SCM_CREDENTIALS: i32 = n::SCM_CREDENTIALS as i32;

/// Control messages ready for [`sendmsg`](super::sendmsg): bytes that safe code can only get
/// from a [`CmsgWriter`].
///
/// Go passes control data as `oob []byte`; the type is what keeps safe code from sending
/// control messages that make the kernel write to an address inside them.
#[derive(Copy, Clone, Default)]
pub struct Cmsgs<'a> {
    bytes: &'a [u8],
}

impl<'a> Cmsgs<'a> {
    /// No control messages.
    pub const NONE: Cmsgs<'static> = Cmsgs { bytes: &[] };

    /// Control messages from raw bytes (a `msg_control` buffer), passed to the kernel as
    /// they are.
    ///
    /// # Safety
    /// The kernel must only read from memory while handling these messages on the socket they
    /// are sent on: no message may carry an address the kernel writes to (RDS's
    /// `RDS_CMSG_RDMA_ARGS` does) unless that memory is the caller's to give. `SCM_RIGHTS`,
    /// `SCM_CREDENTIALS` and the IP-level messages (`IP_PKTINFO`, `IP_TTL`, …) are fine.
    pub const unsafe fn from_bytes(bytes: &'a [u8]) -> Cmsgs<'a> {
        Cmsgs { bytes }
    }

    /// The bytes.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Whether there are none.
    pub const fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The messages, parsed.
    pub fn iter(&self) -> ControlMessages<'a> {
        parse_socket_control_message(self.bytes)
    }
}

impl fmt::Debug for Cmsgs<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Builds control messages in a caller's buffer: `SCM_RIGHTS` and `SCM_CREDENTIALS`, each
/// laid out as `CMSG_*` does (a `cmsg_len` of [`cmsg_len`], padding to [`cmsg_space`]).
///
/// ```no_run
/// # use sysrt::net::{CmsgWriter, cmsg_space};
/// # fn f(sock: sysrt::fd::BorrowedFd<'_>, file: sysrt::fd::BorrowedFd<'_>) -> sysrt::Result<()> {
/// let mut buf = [0u8; cmsg_space(4)];
/// let mut w = CmsgWriter::new(&mut buf);
/// w.push_rights(&[file])?;
/// let iov = [sysrt::io::IoSlice::new(b"x")];
/// sysrt::net::sendmsg(sock, &iov, w.cmsgs(), None, sysrt::net::SendFlags::empty())?;
/// # Ok(()) }
/// ```
///
/// Go: `syscall.UnixRights`, `syscall.UnixCredentials` (which allocate; see [`unix_rights`],
/// [`unix_credentials`] for the one-message forms).
pub struct CmsgWriter<'buf> {
    buf: &'buf mut [u8],
    len: usize,
}

impl<'buf> CmsgWriter<'buf> {
    /// An empty writer over `buf`.
    pub fn new(buf: &'buf mut [u8]) -> CmsgWriter<'buf> {
        CmsgWriter { buf, len: 0 }
    }

    /// Appends one control message of `level` and `ty` with `datalen` bytes of data, which
    /// `fill` writes (into exactly that many bytes).
    fn push_with(
        &mut self,
        level: i32,
        ty: i32,
        datalen: usize,
        fill: impl FnOnce(&mut [u8]),
    ) -> Result<()> {
        let space = cmsg_align(datalen)
            .checked_add(HDR)
            .filter(|_| datalen <= usize::MAX / 2)
            .ok_or(Errno::ENOBUFS)?;
        let end = self.len.checked_add(space).ok_or(Errno::ENOBUFS)?;
        let out = self.buf.get_mut(self.len..end).ok_or(Errno::ENOBUFS)?;
        out.fill(0);
        put(
            out,
            offset_of!(cmsghdr, cmsg_len),
            &cmsg_len(datalen).to_ne_bytes(),
        );
        put(out, offset_of!(cmsghdr, cmsg_level), &level.to_ne_bytes());
        put(out, offset_of!(cmsghdr, cmsg_type), &ty.to_ne_bytes());
        if let Some(data) = out.get_mut(HDR..HDR + datalen) {
            fill(data);
        }
        self.len = end;
        Ok(())
    }

    /// Appends an `SCM_RIGHTS` message passing `fds` (at most 253, `SCM_MAX_FD`, per
    /// message; the kernel refuses more with `EINVAL`). The receiver gets new descriptors for
    /// the same open files.
    ///
    /// # Errors
    /// `ENOBUFS`: the buffer has no room for [`cmsg_space`]`(4 * fds.len())` more bytes.
    pub fn push_rights(&mut self, fds: &[BorrowedFd<'_>]) -> Result<()> {
        let datalen = fds.len().checked_mul(4).ok_or(Errno::ENOBUFS)?;
        self.push_with(SOL_SOCKET, SCM_RIGHTS, datalen, |data| {
            for (slot, fd) in data.chunks_exact_mut(4).zip(fds) {
                slot.copy_from_slice(&fd.as_raw_fd().to_ne_bytes());
            }
        })
    }

    /// Appends an `SCM_CREDENTIALS` message. The kernel checks the IDs: a process may send
    /// its own pid, uid and gid (real, effective or saved); other values need
    /// `CAP_SYS_ADMIN`/`CAP_SETUID`/`CAP_SETGID`. The receiver needs `SO_PASSCRED` to get
    /// them.
    ///
    /// # Errors
    /// `ENOBUFS`: the buffer has no room for [`cmsg_space`]`(12)` more bytes.
    pub fn push_credentials(&mut self, cred: &Ucred) -> Result<()> {
        let bytes = cred.to_bytes();
        self.push_with(SOL_SOCKET, SCM_CREDENTIALS, bytes.len(), |data| {
            data.copy_from_slice(&bytes)
        })
    }

    /// The messages written so far, for [`sendmsg`](super::sendmsg).
    pub fn cmsgs(&self) -> Cmsgs<'_> {
        Cmsgs {
            bytes: self.buf.get(..self.len).unwrap_or_default(),
        }
    }

    /// How many bytes are written.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// `UnixRights(fds...)` — one `SCM_RIGHTS` message passing `fds`, written into `buf`.
///
/// # Errors
/// `ENOBUFS`: `buf` is shorter than [`cmsg_space`]`(4 * fds.len())`.
///
/// # References
/// `man 7 unix` (`SCM_RIGHTS`), `man 3 cmsg`. Go: `syscall.UnixRights`.
#[doc(alias = "UnixRights")]
pub fn unix_rights<'b>(buf: &'b mut [u8], fds: &[BorrowedFd<'_>]) -> Result<Cmsgs<'b>> {
    let mut w = CmsgWriter::new(buf);
    w.push_rights(fds)?;
    let len = w.len;
    Ok(Cmsgs {
        bytes: w.buf.get(..len).unwrap_or_default(),
    })
}

/// `UnixCredentials(ucred)` — one `SCM_CREDENTIALS` message, written into `buf`.
///
/// # Errors
/// `ENOBUFS`: `buf` is shorter than [`cmsg_space`]`(12)`.
///
/// # References
/// `man 7 unix` (`SCM_CREDENTIALS`). Go: `syscall.UnixCredentials`.
#[doc(alias = "UnixCredentials")]
pub fn unix_credentials<'b>(buf: &'b mut [u8], cred: &Ucred) -> Result<Cmsgs<'b>> {
    let mut w = CmsgWriter::new(buf);
    w.push_credentials(cred)?;
    let len = w.len;
    Ok(Cmsgs {
        bytes: w.buf.get(..len).unwrap_or_default(),
    })
}

/// One control message: its level and type and its data (what `cmsg_len` covers after the
/// header).
///
/// Go: `syscall.SocketControlMessage` (with `Header.Len` implied by the data's length).
#[doc(alias = "SocketControlMessage")]
#[doc(alias = "cmsghdr")]
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub struct ControlMessage<'a> {
    /// `cmsg_level` (`SOL_SOCKET` for `SCM_*`, `IPPROTO_IP` for `IP_*`…).
    pub level: i32,
    /// `cmsg_type` (`SCM_RIGHTS`, `SCM_CREDENTIALS`, …).
    pub ty: i32,
    /// The data.
    pub data: &'a [u8],
}

impl ControlMessage<'_> {
    /// Whether this is `SOL_SOCKET`/`SCM_RIGHTS`.
    pub fn is_rights(&self) -> bool {
        (self.level, self.ty) == (SOL_SOCKET, SCM_RIGHTS)
    }

    /// Whether this is `SOL_SOCKET`/`SCM_CREDENTIALS`.
    pub fn is_credentials(&self) -> bool {
        (self.level, self.ty) == (SOL_SOCKET, SCM_CREDENTIALS)
    }
}

/// The control messages in a buffer, in order; see [`parse_socket_control_message`].
#[derive(Clone, Debug)]
pub struct ControlMessages<'a> {
    rest: &'a [u8],
    /// Offset of `rest` from the start of the buffer.
    at: usize,
}

impl<'a> ControlMessages<'a> {
    /// The next header's (offset, level, type, data) without advancing, or `Err(EINVAL)` for
    /// a malformed one; `None` at the end.
    fn peek(&self) -> Option<Result<(usize, ControlMessage<'a>, usize)>> {
        if self.rest.len() < size_of::<cmsghdr>() {
            return None;
        }
        let len = usize::from_ne_bytes(bytes_at(self.rest, offset_of!(cmsghdr, cmsg_len)));
        let level = i32::from_ne_bytes(bytes_at(self.rest, offset_of!(cmsghdr, cmsg_level)));
        let ty = i32::from_ne_bytes(bytes_at(self.rest, offset_of!(cmsghdr, cmsg_type)));
        if len < size_of::<cmsghdr>() || len > self.rest.len() {
            return Some(Err(Errno::EINVAL));
        }
        let data = self.rest.get(HDR.min(len)..len).unwrap_or_default();
        // The next header starts at CMSG_ALIGN(len); at or past the end, there is none.
        let next = len
            .checked_add(size_of::<usize>() - 1)
            .map_or(usize::MAX, |l| l & !(size_of::<usize>() - 1));
        Some(Ok((self.at, ControlMessage { level, ty, data }, next)))
    }
}

impl<'a> Iterator for ControlMessages<'a> {
    type Item = Result<ControlMessage<'a>>;

    fn next(&mut self) -> Option<Result<ControlMessage<'a>>> {
        match self.peek()? {
            Err(e) => {
                self.rest = &[];
                Some(Err(e))
            }
            Ok((_, msg, next)) => {
                let next = next.min(self.rest.len());
                self.rest = self.rest.get(next..).unwrap_or_default();
                self.at += next;
                Some(Ok(msg))
            }
        }
    }
}

/// `ParseSocketControlMessage(b)` — the control messages in `b` (a `msg_control` buffer, or
/// any bytes), in order.
///
/// Accepts any input without undefined behaviour or a panic. Each header is read from bytes
/// (no alignment needed); a header whose `cmsg_len` is below the header size or runs past
/// the end of `b` yields one `Err(EINVAL)` and ends the iteration; fewer bytes than a header
/// at the end are ignored, as `CMSG_NXTHDR` does.
///
/// # References
/// `man 3 cmsg`. Go: `syscall.ParseSocketControlMessage`.
#[doc(alias = "ParseSocketControlMessage")]
pub fn parse_socket_control_message(b: &[u8]) -> ControlMessages<'_> {
    ControlMessages { rest: b, at: 0 }
}

/// `ParseUnixRights(m)` — the descriptor numbers of an `SCM_RIGHTS` message (a trailing
/// partial number is ignored).
///
/// The numbers are not owned: for descriptors received by [`recvmsg`](super::recvmsg), use
/// [`RecvCmsgs::take_fds`], which hands out each one once as an [`OwnedFd`].
///
/// # Errors
/// `EINVAL`: `m` is not `SOL_SOCKET`/`SCM_RIGHTS`.
///
/// # References
/// `man 7 unix`. Go: `syscall.ParseUnixRights`.
#[doc(alias = "ParseUnixRights")]
pub fn parse_unix_rights<'a>(
    m: &ControlMessage<'a>,
) -> Result<impl Iterator<Item = RawFd> + use<'a>> {
    if !m.is_rights() {
        return Err(Errno::EINVAL);
    }
    let data: &'a [u8] = m.data;
    Ok(data
        .chunks_exact(4)
        .map(|c| RawFd::from_ne_bytes(bytes_at(c, 0))))
}

/// `ParseUnixCredentials(m)` — the credentials of an `SCM_CREDENTIALS` message.
///
/// # Errors
/// `EINVAL`: `m` is not `SOL_SOCKET`/`SCM_CREDENTIALS`, or its data is shorter than
/// `struct ucred` (12 bytes).
///
/// # References
/// `man 7 unix`. Go: `syscall.ParseUnixCredentials`.
#[doc(alias = "ParseUnixCredentials")]
pub fn parse_unix_credentials(m: &ControlMessage<'_>) -> Result<Ucred> {
    if !m.is_credentials() {
        return Err(Errno::EINVAL);
    }
    m.data
        .get(..Ucred::SIZE)
        .and_then(Ucred::from_bytes)
        .ok_or(Errno::EINVAL)
}

/// The control messages [`recvmsg`](super::recvmsg) received, owning the descriptors that
/// came with them.
///
/// Descriptors are handed out once each by [`take_fds`](Self::take_fds) (their slot in the
/// buffer is then overwritten with -1); those not taken are closed when this is dropped, so
/// none leaks, including when the message was truncated (`MSG_CTRUNC`).
pub struct RecvCmsgs<'c> {
    buf: &'c mut [u8],
}

impl<'c> RecvCmsgs<'c> {
    /// The first `len` bytes of `buf`, just filled by `recvmsg`/`recvmmsg`.
    ///
    /// # Safety
    /// The descriptors in the `SCM_RIGHTS` messages of `buf[..len]` must be owned by nobody
    /// else (just received) and not be -1: dropping the result closes them.
    pub(crate) unsafe fn from_kernel(buf: &'c mut [u8], len: usize) -> RecvCmsgs<'c> {
        let len = len.min(buf.len());
        let (used, _) = buf.split_at_mut(len);
        RecvCmsgs { buf: used }
    }

    /// The raw bytes (for [`parse_socket_control_message`]). Descriptors already taken read
    /// as -1.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf
    }

    /// Whether no control data arrived.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The messages, parsed.
    pub fn iter(&self) -> ControlMessages<'_> {
        parse_socket_control_message(self.buf)
    }

    /// The credentials of the first `SCM_CREDENTIALS` message, if there is one.
    pub fn credentials(&self) -> Option<Ucred> {
        self.iter()
            .map_while(Result::ok)
            .find_map(|m| parse_unix_credentials(&m).ok())
    }

    /// Takes the received descriptors, in order, as owned values (close-on-exec: `recvmsg`
    /// adds `MSG_CMSG_CLOEXEC`).
    pub fn take_fds(&mut self) -> TakeFds<'_, 'c> {
        TakeFds {
            cmsgs: self,
            pos: 0,
        }
    }

    /// The offset of the first untaken descriptor slot at or after `pos`.
    fn next_slot(&self, pos: usize) -> Option<usize> {
        next_rights_slot(self.buf, pos)
    }

    /// Takes the descriptor at `slot` (which holds one, not -1), marking the slot taken.
    fn take(&mut self, slot: usize) -> Option<OwnedFd> {
        let fd = RawFd::from_ne_bytes(bytes_at(self.buf, slot));
        if fd < 0 {
            return None;
        }
        put(self.buf, slot, &(-1 as RawFd).to_ne_bytes());
        // The slot is in an SCM_RIGHTS message that `recvmsg` filled (`from_kernel`'s
        // contract) and was not taken before (not -1).
        // SAFETY: so the number is a received fd, marked taken now: this is its only owner.
        Some(unsafe { OwnedFd::from_raw_fd(fd) })
    }
}

/// The offset in `buf` of the first descriptor slot at or after `pos` that is not -1 (taken):
/// the 4-byte numbers of each `SCM_RIGHTS` message's data, walked as
/// [`parse_socket_control_message`] does, up to the first malformed header. What
/// [`RecvCmsgs::take_fds`] and its `Drop` take ownership of, so it is public, hidden, for the
/// fuzzer that checks it only ever names bytes inside such a message.
#[doc(hidden)]
pub fn next_rights_slot(buf: &[u8], pos: usize) -> Option<usize> {
    let mut it = parse_socket_control_message(buf);
    while let Some(Ok((at, m, _))) = it.peek() {
        if m.is_rights() {
            let data_at = at + HDR;
            for i in 0..m.data.len() / 4 {
                let slot = data_at + 4 * i;
                if slot >= pos && RawFd::from_ne_bytes(bytes_at(buf, slot)) != -1 {
                    return Some(slot);
                }
            }
        }
        let _ = it.next();
    }
    None
}

impl Drop for RecvCmsgs<'_> {
    /// Closes every received descriptor that was not taken.
    fn drop(&mut self) {
        while let Some(slot) = self.next_slot(0) {
            if self.take(slot).is_none() {
                // A negative number other than -1 cannot come from the kernel; mark it so the
                // loop ends.
                put(self.buf, slot, &(-1 as RawFd).to_ne_bytes());
            }
        }
    }
}

impl fmt::Debug for RecvCmsgs<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The descriptors of a [`RecvCmsgs`], each handed out once; see [`RecvCmsgs::take_fds`].
pub struct TakeFds<'r, 'c> {
    cmsgs: &'r mut RecvCmsgs<'c>,
    pos: usize,
}

impl Iterator for TakeFds<'_, '_> {
    type Item = OwnedFd;

    fn next(&mut self) -> Option<OwnedFd> {
        loop {
            let slot = self.cmsgs.next_slot(self.pos)?;
            self.pos = slot + 4;
            if let Some(fd) = self.cmsgs.take(slot) {
                return Some(fd);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use super::*;
    use crate::process::Pid;

    fn hdr(len: usize, level: i32, ty: i32) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&len.to_ne_bytes());
        v.extend_from_slice(&level.to_ne_bytes());
        v.extend_from_slice(&ty.to_ne_bytes());
        v
    }

    #[test]
    fn sizes_match_the_c_macros() {
        assert_eq!(cmsg_len(0), 16);
        assert_eq!(cmsg_len(4), 20);
        assert_eq!(cmsg_space(4), 24);
        assert_eq!(cmsg_space(8), 24);
        assert_eq!(cmsg_space(12), 32);
        assert_eq!(cmsg_len(12), 28);
    }

    #[test]
    fn one_fd_is_cmsg_len_not_space_r43() {
        // SAFETY: never used as descriptors: only their numbers are written.
        let (a, b) = unsafe { (BorrowedFd::borrow_raw(7), BorrowedFd::borrow_raw(9)) };
        let mut buf = [0xaau8; 64];
        let c = unix_rights(&mut buf, &[a]).unwrap();
        assert_eq!(c.as_bytes().len(), 24);
        assert_eq!(&c.as_bytes()[..16], &hdr(20, 1, 1)[..]);
        assert_eq!(&c.as_bytes()[16..20], &7i32.to_ne_bytes());
        assert_eq!(&c.as_bytes()[20..24], &[0; 4], "padding zeroed");
        let msgs: Vec<_> = c.iter().collect();
        assert_eq!(msgs.len(), 1);
        let m = msgs[0].unwrap();
        assert_eq!(parse_unix_rights(&m).unwrap().collect::<Vec<_>>(), [7]);
        // Two messages back to back.
        let mut w = CmsgWriter::new(&mut buf);
        w.push_rights(&[a, b]).unwrap();
        let cred = Ucred {
            pid: Pid::from_raw(1),
            uid: 2,
            gid: 3,
        };
        w.push_credentials(&cred).unwrap();
        assert_eq!(w.len(), 24 + 32);
        let msgs: Vec<_> = w.cmsgs().iter().map(Result::unwrap).collect();
        assert_eq!(msgs.len(), 2);
        assert_eq!(
            parse_unix_rights(&msgs[0]).unwrap().collect::<Vec<_>>(),
            [7, 9]
        );
        assert_eq!(parse_unix_credentials(&msgs[1]), Ok(cred));
        assert_eq!(parse_unix_credentials(&msgs[0]), Err(Errno::EINVAL));
        assert!(parse_unix_rights(&msgs[1]).is_err());
        // No room.
        let mut small = [0u8; 23];
        assert_eq!(unix_rights(&mut small, &[a]).err(), Some(Errno::ENOBUFS));
        assert_eq!(
            unix_credentials(&mut small, &cred).err(),
            Some(Errno::ENOBUFS)
        );
    }

    #[test]
    fn malformed_headers_are_einval() {
        // cmsg_len below the header, past the end, and huge.
        for len in [0usize, 15, 41, usize::MAX, usize::MAX - 6] {
            let mut b = hdr(len, 1, 1);
            b.extend_from_slice(&[0; 24]);
            let got: Vec<_> = parse_socket_control_message(&b).collect();
            assert_eq!(got, [Err(Errno::EINVAL)], "len {len}");
        }
        // A trailing partial header is ignored.
        let mut b = hdr(20, 1, 1);
        b.extend_from_slice(&[5, 0, 0, 0, 0, 0, 0, 0]);
        b.extend_from_slice(&[1, 2, 3]);
        let got: Vec<_> = parse_socket_control_message(&b).collect();
        assert_eq!(got.len(), 1);
        // A cmsg_len that ends exactly at the buffer end without padding (as after CTRUNC).
        let b = hdr(20, 1, 1)
            .into_iter()
            .chain(9i32.to_ne_bytes())
            .collect::<Vec<_>>();
        let got: Vec<_> = parse_socket_control_message(&b)
            .map(Result::unwrap)
            .collect();
        assert_eq!(parse_unix_rights(&got[0]).unwrap().collect::<Vec<_>>(), [9]);
        assert_eq!(parse_socket_control_message(&[]).count(), 0);
    }

    #[test]
    fn hostile_inputs_never_panic() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut buf = [0u8; 200];
        // Miri interprets each step: a sample of the sweep there, the whole sweep natively.
        for round in 0..if cfg!(miri) { 300 } else { 50_000i32 } {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            for (i, c) in buf.iter_mut().enumerate() {
                *c = (x.rotate_left(i as u32 % 64)) as u8;
            }
            // Plausible lengths at the header positions, so deeper paths run too.
            let l = (x % 64) as usize;
            buf[..8].copy_from_slice(&l.to_ne_bytes());
            buf[8..12].copy_from_slice(&1i32.to_ne_bytes());
            buf[12..16].copy_from_slice(&(round % 3).to_ne_bytes());
            let len = (x >> 8) as usize % 200;
            let start = (x >> 16) as usize % 8;
            let slice = &buf[start..(start + len).min(200)];
            for m in parse_socket_control_message(slice).flatten() {
                assert!(m.data.len() <= slice.len());
                let _ = parse_unix_rights(&m).map(|it| it.count());
                let _ = parse_unix_credentials(&m);
            }
        }
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "real syscalls (pipes, and close on drop): Miri cannot run a trap instruction"
    )]
    fn received_fds_are_taken_once_and_closed_on_drop() {
        // Real descriptors: /dev/null opened three times, sent "from the kernel" by hand.
        // Numbers from 900 up, far above what other tests running in parallel get (the
        // kernel hands out the lowest free number), so the closed checks below are not racy.
        let open = |min: RawFd| {
            let f = crate::fs::open(
                "/dev/null",
                crate::fs::OFlags::RDONLY,
                crate::fs::Mode::empty(),
            )
            .unwrap();
            crate::io::fcntl_dupfd_cloexec(&f, min)
                .unwrap()
                .into_raw_fd()
        };
        let fds = [open(900), open(910), open(920)];
        let mut buf = [0u8; 64];
        {
            // SAFETY: the numbers are real, open, and given up above.
            let bs = unsafe { fds.map(|f| BorrowedFd::borrow_raw(f)) };
            unix_rights(&mut buf, &bs).unwrap();
        }
        let len = cmsg_len(12);
        // SAFETY: the three numbers in the message are owned by nobody (given up above).
        let mut r = unsafe { RecvCmsgs::from_kernel(&mut buf, len) };
        let first = r.take_fds().next().unwrap();
        assert_eq!(first.as_raw_fd(), fds[0]);
        // Taken slots read -1; the iterator never hands one out twice.
        assert_eq!(r.take_fds().next().map(|f| f.as_raw_fd()), Some(fds[1]));
        assert_eq!(&r.as_bytes()[16..24], &[0xff; 8]);
        drop(first);
        drop(r); // closes fds[2]
        for fd in fds {
            assert_eq!(
                crate::io::fcntl_getfd(
                    // SAFETY: only probed (F_GETFD), the number is closed.
                    unsafe { BorrowedFd::borrow_raw(fd) }
                ),
                Err(Errno::EBADF)
            );
        }
    }
}
