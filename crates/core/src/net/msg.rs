//! Sending and receiving: `send`/`recv` (as `sendto`/`recvfrom` without an address, the
//! only form aarch64 and riscv64 have), `sendto`/`recvfrom`, `sendmsg`/`recvmsg` with
//! control messages, and the batched `sendmmsg`/`recvmmsg`.

use core::marker::PhantomData;
use core::ptr;

use linux_raw_sys::net as n;

use super::addr::{SockAddr, SockAddrStorage};
use super::cmsg::{Cmsgs, RecvCmsgs};
use super::types::{RecvFlags, SendFlags};
use crate::fd::AsFd;
use crate::io::{IoSlice, IoSliceMut};
use crate::time::Timespec;
use crate::{Errno, Result, Sysno, arch, arg};

/// `send(fd, buf, flags)` — sends on a connected socket; returns how many bytes were sent.
///
/// Made as `sendto(fd, buf, flags, NULL, 0)`. A short send is not an error on a stream
/// socket. A send to a peer that has shut down or closed gives `EPIPE` and raises `SIGPIPE`,
/// which ends the process unless it is ignored or [`SendFlags::NOSIGNAL`] is passed.
///
/// # Errors
/// `EPIPE`, `ECONNRESET`, `EAGAIN` (non-blocking, no room), `EINTR` (nothing sent; retrying
/// is correct), `EMSGSIZE` (a datagram too large), `ENOTCONN`, `EDESTADDRREQ` (a datagram
/// socket without a default destination), `ENOBUFS`, `ENOMEM`, `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 2 send`. Go: `syscall.Sendto` with a nil address (Go has no `Send`).
#[doc(alias = "Send")]
#[inline]
pub fn send(fd: impl AsFd, buf: &[u8], flags: SendFlags) -> Result<usize> {
    let (ptr, len) = arg::slice(buf);
    // SAFETY: the kernel reads `len` bytes of `buf`, live for the call; no address (NULL, 0).
    Errno::decode(unsafe {
        arch::syscall6_readonly(
            Sysno::sendto,
            arg::fd(fd.as_fd()),
            ptr,
            len,
            arg::uint(flags.bits()),
            0,
            0,
        )
    })
}

/// `sendto(fd, buf, flags, addr)` — sends a datagram to `addr` (on a connected stream socket
/// the address is ignored or refused with `EISCONN`); returns how many bytes were sent.
///
/// # Errors
/// As [`send`], and `EAFNOSUPPORT`/`EINVAL` (an address of another family),
/// `EISCONN`, `EACCES` (a broadcast address without `SO_BROADCAST`), `ENETUNREACH`.
///
/// # References
/// `man 2 sendto`. Go: `syscall.Sendto`.
#[doc(alias = "Sendto")]
#[inline]
pub fn sendto(fd: impl AsFd, buf: &[u8], flags: SendFlags, addr: &SockAddr) -> Result<usize> {
    let (ptr, len) = arg::slice(buf);
    let addr = addr.to_storage();
    // SAFETY: the kernel reads `len` bytes of `buf` and the address's length (at most 128)
    // of `addr`; both live for the call.
    Errno::decode(unsafe {
        arch::syscall6_readonly(
            Sysno::sendto,
            arg::fd(fd.as_fd()),
            ptr,
            len,
            arg::uint(flags.bits()),
            addr.as_ptr() as usize,
            addr.len_register(),
        )
    })
}

/// `recv(fd, buf, flags)` — receives into `buf`; returns how many bytes arrived, 0 at end of
/// stream (or for an empty datagram).
///
/// Made as `recvfrom(fd, buf, flags, NULL, NULL)`. A datagram longer than `buf` is
/// truncated (the rest is discarded); with [`RecvFlags::TRUNC`] the return value is then
/// its real length, which can exceed `buf.len()`.
///
/// # Errors
/// `EAGAIN` (non-blocking or `SO_RCVTIMEO` expired, nothing there), `EINTR` (a handler ran
/// before data arrived; retrying is correct), `ECONNREFUSED` (a connected datagram socket
/// whose peer sent an ICMP refusal), `ECONNRESET`, `ENOTCONN`, `ENOMEM`, `ENOTSOCK`, `EBADF`.
///
/// # References
/// `man 2 recv`. Go: `syscall.Recvfrom` (Go has no `Recv`).
#[doc(alias = "Recv")]
#[inline]
pub fn recv(fd: impl AsFd, buf: &mut [u8], flags: RecvFlags) -> Result<usize> {
    let (ptr, len) = arg::slice_mut(buf);
    // SAFETY: the kernel writes at most `len` bytes into `buf`, live for the call (MSG_TRUNC
    // changes the return value, not what is written); no address (NULL, NULL).
    Errno::decode(unsafe {
        arch::syscall6(
            Sysno::recvfrom,
            arg::fd(fd.as_fd()),
            ptr,
            len,
            arg::uint(flags.bits()),
            0,
            0,
        )
    })
}

/// `recvfrom(fd, buf, flags)` — [`recv`] that also returns the sender's address: `None` when
/// the kernel gave none (a connected stream socket).
///
/// An address that does not decode (never for the families sysrt models) comes back as
/// [`SockAddr::Unknown`], so the received data is never lost to a decoding error.
///
/// # Errors
/// As [`recv`].
///
/// # References
/// `man 2 recvfrom`. Go: `syscall.Recvfrom`.
#[doc(alias = "Recvfrom")]
#[inline]
pub fn recvfrom(
    fd: impl AsFd,
    buf: &mut [u8],
    flags: RecvFlags,
) -> Result<(usize, Option<SockAddr>)> {
    let (ptr, len) = arg::slice_mut(buf);
    let mut addr = SockAddrStorage::new();
    let alen = addr.len_for_kernel();
    let abuf = addr.as_mut_ptr();
    // SAFETY: the kernel writes at most `len` bytes into `buf`, at most `*alen` (128) bytes
    // of address into `addr` and the address length into `alen`; all live for the call.
    let n = Errno::decode(unsafe {
        arch::syscall6(
            Sysno::recvfrom,
            arg::fd(fd.as_fd()),
            ptr,
            len,
            arg::uint(flags.bits()),
            abuf as usize,
            alen as usize,
        )
    })?;
    Ok((n, addr.decode_lossless()))
}

/// A `struct msghdr` for one call: name, iovecs and control buffer.
#[inline(always)]
fn msghdr(
    name: *mut u8,
    namelen: u32,
    iov: *mut u8,
    iovlen: usize,
    control: *mut u8,
    controllen: usize,
) -> n::msghdr {
    n::msghdr {
        msg_name: name.cast(),
        msg_namelen: namelen as _,
        msg_iov: iov.cast(),
        msg_iovlen: iovlen,
        msg_control: control.cast(),
        msg_controllen: controllen,
        msg_flags: 0,
    }
}

/// `sendmsg(fd, iov, control, to, flags)` — sends the buffers `iov` (gathered, as one
/// message) with control messages, to `to` or to the connected peer; returns how many bytes
/// were sent.
///
/// `control` comes from [`CmsgWriter`](super::CmsgWriter) (`SCM_RIGHTS`,
/// `SCM_CREDENTIALS`) or is [`Cmsgs::NONE`]. On a stream socket, send at least one byte with
/// control messages: Go's `Sendmsg` adds a dummy byte itself (after a `getsockopt(SO_TYPE)`);
/// sysrt makes exactly the one call.
///
/// # Errors
/// As [`sendto`], and `EINVAL` (a malformed control message), `EBADF` (an `SCM_RIGHTS` fd
/// that is not open), `EPERM` (`SCM_CREDENTIALS` with IDs the caller may not claim),
/// `ETOOMANYREFS` (too many fds in flight), `EMSGSIZE` (more than `UIO_MAXIOV` buffers).
///
/// # References
/// `man 2 sendmsg`, `man 7 unix`. Go: `syscall.Sendmsg`, `syscall.SendmsgN`,
/// `unix.SendmsgBuffers` (x/sys/unix).
#[doc(alias = "Sendmsg")]
#[doc(alias = "SendmsgN")]
#[doc(alias = "SendmsgBuffers")]
#[inline]
pub fn sendmsg(
    fd: impl AsFd,
    iov: &[IoSlice<'_>],
    control: Cmsgs<'_>,
    to: Option<&SockAddr>,
    flags: SendFlags,
) -> Result<usize> {
    let to = to.map(SockAddr::to_storage);
    let (name, namelen) = match &to {
        Some(a) => (a.as_ptr().cast_mut(), a.len_register() as u32),
        None => (ptr::null_mut(), 0),
    };
    let cbytes = control.as_bytes();
    let (cptr, clen) = if cbytes.is_empty() {
        (ptr::null_mut(), 0)
    } else {
        (cbytes.as_ptr().cast_mut(), cbytes.len())
    };
    let msg = msghdr(
        name,
        namelen,
        iov.as_ptr().cast_mut().cast(),
        iov.len(),
        cptr,
        clen,
    );
    // The control bytes come from `Cmsgs`, which safe code fills only with SCM_RIGHTS and
    // SCM_CREDENTIALS: messages the kernel only reads.
    // SAFETY: `msg` and all it points to are live for the call, and `sendmsg` only reads them.
    Errno::decode(unsafe {
        arch::syscall3_readonly(
            Sysno::sendmsg,
            arg::fd(fd.as_fd()),
            &raw const msg as usize,
            arg::uint(flags.bits()),
        )
    })
}

/// What [`recvmsg`] received besides the data.
#[derive(Debug)]
pub struct RecvMsg<'c> {
    /// How many bytes were received (with [`RecvFlags::TRUNC`] passed: the real length of a
    /// datagram, which can exceed the buffers).
    pub bytes: usize,
    /// The flags the kernel reported (`msg_flags`): [`RecvFlags::TRUNC`] (the datagram did not
    /// fit), [`RecvFlags::CTRUNC`] (the control data did not fit), [`RecvFlags::EOR`]…
    pub flags: RecvFlags,
    /// The sender's address, or `None` when the kernel gave none (a connected stream socket).
    pub addr: Option<SockAddr>,
    /// The control messages, owning any descriptors received.
    pub control: RecvCmsgs<'c>,
}

/// `recvmsg(fd, iov, control, flags)` — receives into the buffers `iov` (scattered), with
/// control messages into `control` and the sender's address.
///
/// `MSG_CMSG_CLOEXEC` is always added: descriptors received with `SCM_RIGHTS` are
/// close-on-exec, and they are owned by the returned [`RecvCmsgs`], which closes those not
/// taken with [`take_fds`](RecvCmsgs::take_fds) when dropped. If `control` is too small, the
/// kernel sets [`RecvFlags::CTRUNC`] and closes the descriptors that did not fit. Size it
/// with [`cmsg_space`](super::cmsg_space) (for `k` descriptors:
/// `cmsg_space(4 * k)`).
///
/// # Errors
/// As [`recv`].
///
/// # References
/// `man 2 recvmsg`, `man 3 cmsg`. Go: `syscall.Recvmsg`, `unix.RecvmsgBuffers`
/// (x/sys/unix).
#[doc(alias = "Recvmsg")]
#[doc(alias = "RecvmsgBuffers")]
#[inline]
pub fn recvmsg<'c>(
    fd: impl AsFd,
    iov: &mut [IoSliceMut<'_>],
    control: &'c mut [u8],
    flags: RecvFlags,
) -> Result<RecvMsg<'c>> {
    let mut addr = SockAddrStorage::new();
    let mut msg = msghdr(
        addr.as_mut_ptr(),
        super::addr::SOCKADDR_STORAGE_SIZE as u32,
        iov.as_mut_ptr().cast(),
        iov.len(),
        control.as_mut_ptr(),
        control.len(),
    );
    let flags = flags | RecvFlags::CMSG_CLOEXEC;
    // `msg` points to `addr` (128 bytes), the iovecs (each an exclusive borrow of `iov_len`
    // bytes) and `control` (`controllen` bytes), all live for the call.
    // SAFETY: the kernel writes at most those lengths into them, and `msg`'s own fields.
    let n = Errno::decode(unsafe {
        arch::syscall3(
            Sysno::recvmsg,
            arg::fd(fd.as_fd()),
            &raw mut msg as usize,
            arg::uint(flags.bits()),
        )
    })?;
    addr.set_len(msg.msg_namelen as u32);
    let clen = msg.msg_controllen.min(control.len());
    Ok(RecvMsg {
        bytes: n,
        // The kernel echoes MSG_CMSG_CLOEXEC, an input flag sysrt added, in `msg_flags`.
        flags: RecvFlags::from_msg_flags(msg.msg_flags),
        addr: addr.decode_lossless(),
        // SAFETY: `control[..clen]` is what this `recvmsg` just filled (with MSG_CMSG_CLOEXEC),
        // so the descriptors in its SCM_RIGHTS messages are new ones nothing else owns.
        control: unsafe { RecvCmsgs::from_kernel(control, clen) },
    })
}

/// One message for [`sendmmsg`]: buffers, an optional address and control messages, and
/// after the call how many bytes of it were sent. `struct mmsghdr`.
#[doc(alias = "mmsghdr")]
#[repr(transparent)]
pub struct SendMmsg<'a> {
    raw: n::mmsghdr,
    _borrows: PhantomData<(&'a [IoSlice<'a>], &'a SockAddrStorage, Cmsgs<'a>)>,
}

impl<'a> SendMmsg<'a> {
    /// A message of the buffers `iov`, to the connected peer, without control messages.
    pub fn new(iov: &'a [IoSlice<'a>]) -> SendMmsg<'a> {
        SendMmsg {
            raw: n::mmsghdr {
                msg_hdr: msghdr(
                    ptr::null_mut(),
                    0,
                    iov.as_ptr().cast_mut().cast(),
                    iov.len(),
                    ptr::null_mut(),
                    0,
                ),
                msg_len: 0,
            },
            _borrows: PhantomData,
        }
    }

    /// Sends this message to `addr`.
    pub fn with_addr(mut self, addr: &'a SockAddrStorage) -> SendMmsg<'a> {
        self.raw.msg_hdr.msg_name = addr.as_ptr().cast_mut().cast();
        self.raw.msg_hdr.msg_namelen = addr.len_register() as _;
        self
    }

    /// Sends these control messages with it.
    pub fn with_control(mut self, control: Cmsgs<'a>) -> SendMmsg<'a> {
        let b = control.as_bytes();
        if !b.is_empty() {
            self.raw.msg_hdr.msg_control = b.as_ptr().cast_mut().cast();
            self.raw.msg_hdr.msg_controllen = b.len();
        }
        self
    }

    /// After [`sendmmsg`]: how many bytes of this message were sent (`msg_len`).
    pub fn sent(&self) -> usize {
        self.raw.msg_len as usize
    }
}

/// One message for [`recvmmsg`]: buffers and an optional address buffer, and after the call
/// how many bytes arrived, the flags and the sender. `struct mmsghdr`.
///
/// It has no control buffer: use [`recvmsg`] for control messages (so that received
/// descriptors are always owned).
#[doc(alias = "mmsghdr")]
#[repr(transparent)]
pub struct RecvMmsg<'a> {
    raw: n::mmsghdr,
    _borrows: PhantomData<(&'a mut [IoSliceMut<'a>], &'a mut SockAddrStorage)>,
}

impl<'a> RecvMmsg<'a> {
    /// A message slot receiving into the buffers `iov`.
    pub fn new(iov: &'a mut [IoSliceMut<'a>]) -> RecvMmsg<'a> {
        RecvMmsg {
            raw: n::mmsghdr {
                msg_hdr: msghdr(
                    ptr::null_mut(),
                    0,
                    iov.as_mut_ptr().cast(),
                    iov.len(),
                    ptr::null_mut(),
                    0,
                ),
                msg_len: 0,
            },
            _borrows: PhantomData,
        }
    }

    /// Also receives the sender's address into `addr`.
    pub fn with_addr(mut self, addr: &'a mut SockAddrStorage) -> RecvMmsg<'a> {
        self.raw.msg_hdr.msg_name = addr.as_mut_ptr().cast();
        self.raw.msg_hdr.msg_namelen = super::addr::SOCKADDR_STORAGE_SIZE as _;
        self
    }

    /// After [`recvmmsg`]: how many bytes arrived in this message (`msg_len`).
    pub fn len(&self) -> usize {
        self.raw.msg_len as usize
    }

    /// Whether no bytes arrived in this message.
    pub fn is_empty(&self) -> bool {
        self.raw.msg_len == 0
    }

    /// After [`recvmmsg`]: the flags the kernel reported for this message.
    pub fn flags(&self) -> RecvFlags {
        // Without the echo of MSG_CMSG_CLOEXEC, which sysrt added.
        RecvFlags::from_msg_flags(self.raw.msg_hdr.msg_flags)
    }

    /// After [`recvmmsg`]: the sender's address, if an address buffer was given and the
    /// kernel filled it (an undecodable one as [`SockAddr::Unknown`]).
    pub fn addr(&self) -> Option<SockAddr> {
        let name = self.raw.msg_hdr.msg_name.cast::<u8>();
        if name.is_null() {
            return None;
        }
        // A non-null `msg_name` was set by `with_addr` from a `&'a mut SockAddrStorage`.
        // SAFETY: `self` still borrows it, so its 128 bytes are live and initialised.
        let bytes =
            unsafe { core::slice::from_raw_parts(name, super::addr::SOCKADDR_STORAGE_SIZE) };
        let mut s = SockAddrStorage::new();
        super::types::put(s.bytes_mut(), 0, bytes);
        s.set_len(self.raw.msg_hdr.msg_namelen as u32);
        s.decode_lossless()
    }

    /// Readies the slot for a call: the room for the address is 128 again (a previous call
    /// left the length it reported).
    fn reset(&mut self) {
        if !self.raw.msg_hdr.msg_name.is_null() {
            self.raw.msg_hdr.msg_namelen = super::addr::SOCKADDR_STORAGE_SIZE as _;
        }
        self.raw.msg_hdr.msg_flags = 0;
        self.raw.msg_len = 0;
    }
}

/// `sendmmsg(fd, msgs, flags)` — sends several messages in one call; returns how many were
/// sent (each one's byte count is in [`SendMmsg::sent`]).
///
/// At most 1024 (`UIO_MAXIOV`) messages are sent per call. An error after the first message
/// was sent is reported by a count below `msgs.len()`; the next call reports it.
///
/// # Errors
/// As [`sendmsg`] for the first message.
///
/// # References
/// `man 2 sendmmsg`. Go: none in `syscall`.
#[inline]
pub fn sendmmsg(fd: impl AsFd, msgs: &mut [SendMmsg<'_>], flags: SendFlags) -> Result<usize> {
    let vlen = msgs.len().min(u32::MAX as usize);
    // `msgs` is `vlen` mmsghdrs (repr(transparent)) pointing to borrowed buffers, addresses
    // and control bytes (from `Cmsgs`: only SCM_RIGHTS/SCM_CREDENTIALS from safe code).
    // SAFETY: the kernel only reads those, and writes each `msg_len`, inside `msgs`.
    Errno::decode(unsafe {
        arch::syscall4(
            Sysno::sendmmsg,
            arg::fd(fd.as_fd()),
            msgs.as_mut_ptr() as usize,
            vlen,
            arg::uint(flags.bits()),
        )
    })
}

/// `recvmmsg(fd, msgs, flags, timeout)` — receives up to `msgs.len()` messages in one call;
/// returns how many arrived (each one's length, flags and sender in its [`RecvMmsg`]).
///
/// `MSG_CMSG_CLOEXEC` is always added. Blocks until at least one message arrives (unless
/// [`RecvFlags::DONTWAIT`]); with [`RecvFlags::WAITFORONE`] it then takes only what is
/// queued. `timeout` is checked only after each message arrives (`man 2 recvmmsg`, BUGS), so
/// it does not bound the wait for the first one; use `SO_RCVTIMEO` or `poll` for that.
///
/// # Errors
/// As [`recv`]; `EINVAL` for a `timeout` with nanoseconds out of range.
///
/// # References
/// `man 2 recvmmsg`. Go: none in `syscall`.
#[inline]
pub fn recvmmsg(
    fd: impl AsFd,
    msgs: &mut [RecvMmsg<'_>],
    flags: RecvFlags,
    timeout: Option<Timespec>,
) -> Result<usize> {
    for m in msgs.iter_mut() {
        m.reset();
    }
    let vlen = msgs.len().min(u32::MAX as usize);
    let mut ts = timeout.map(Timespec::to_kernel);
    let tsp = match &mut ts {
        Some(t) => ptr::from_mut(t) as usize,
        None => 0,
    };
    let flags = flags | RecvFlags::CMSG_CLOEXEC;
    // `msgs` is `vlen` mmsghdrs pointing to exclusively borrowed buffers and 128-byte address
    // buffers, and no control buffer; `ts` is a live local.
    // SAFETY: the kernel writes at most their lengths into them, `msgs`' fields and `ts`.
    Errno::decode(unsafe {
        arch::syscall5(
            Sysno::recvmmsg,
            arg::fd(fd.as_fd()),
            msgs.as_mut_ptr() as usize,
            vlen,
            arg::uint(flags.bits()),
            tsp,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mmsg_wrappers_have_the_kernels_layout() {
        assert_eq!(size_of::<SendMmsg<'_>>(), size_of::<n::mmsghdr>());
        assert_eq!(size_of::<RecvMmsg<'_>>(), size_of::<n::mmsghdr>());
        assert_eq!(align_of::<RecvMmsg<'_>>(), align_of::<n::mmsghdr>());
        assert_eq!(size_of::<n::msghdr>(), 56);
    }
}
