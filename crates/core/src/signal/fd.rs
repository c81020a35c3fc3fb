//! Signals as data: `signalfd4`, the `signalfd_siginfo` record, and [`Notify`].

use core::mem::{offset_of, size_of};

use bitflags::bitflags;
use linux_raw_sys::general::{self as g, kernel_sigset_t, pollfd};

use super::{How, SigSet, Signal, rt_sigprocmask};
use crate::fd::{AsFd, BorrowedFd, OwnedFd, RawFd};
use crate::process::Pid;
use crate::{Errno, Result, Sysno, arch, arg, io};

bitflags! {
    /// Flags of [`signalfd4`].
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct SfdFlags: u32 {
        /// `SFD_CLOEXEC`: the descriptor is close-on-exec. sysrt always adds it.
        /// (`linux/signalfd.h` defines it as `O_CLOEXEC`; linux-raw-sys has no signalfd
        /// module, so the value comes from there.)
        #[doc(alias = "SFD_CLOEXEC")]
        const CLOEXEC = g::O_CLOEXEC;
        /// `SFD_NONBLOCK`: reads fail with `EAGAIN` instead of waiting (defined as
        /// `O_NONBLOCK`).
        #[doc(alias = "SFD_NONBLOCK")]
        const NONBLOCK = g::O_NONBLOCK;
    }
}

/// `signalfd4(-1, mask, flags)` — a new descriptor from which the signals in `mask` are read
/// as [`SignalfdSiginfo`] records (128 bytes each) instead of being delivered; close-on-exec.
///
/// `SFD_CLOEXEC` is always added. The signals must be blocked ([`rt_sigprocmask`]), or they
/// are delivered normally before a read can take them. A read takes a signal pending for the
/// calling thread or for the process. [`Notify`] wraps all of this.
///
/// # Errors
/// `EINVAL` (unknown bits in `flags`), `EMFILE`, `ENFILE`, `ENOMEM`, `ENODEV` (no anonymous
/// inode support).
///
/// # References
/// `man 2 signalfd`. Go: `unix.Signalfd` (x/sys/unix).
#[doc(alias = "signalfd")]
#[doc(alias = "Signalfd")]
#[inline]
pub fn signalfd4(mask: SigSet, flags: SfdFlags) -> Result<OwnedFd> {
    let flags = flags | SfdFlags::CLOEXEC;
    let set = mask.raw();
    // SAFETY: the kernel reads one 8-byte sigset from `set`, a live local; fd -1 asks for a
    // new descriptor.
    let ret = unsafe {
        arch::syscall4(
            Sysno::signalfd4,
            arg::raw_fd(-1),
            &raw const set as usize,
            size_of::<kernel_sigset_t>(),
            arg::uint(flags.bits()),
        )
    };
    let fd = Errno::decode(ret)? as RawFd;
    // SAFETY: signalfd4 succeeded, so `fd` is a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `signalfd4(fd, mask, 0)` — replaces the set of signals an existing signalfd reports.
///
/// # Errors
/// `EBADF` (not open), `EINVAL` (`fd` is not a signalfd).
///
/// # References
/// `man 2 signalfd`.
#[doc(alias = "signalfd")]
#[inline]
pub fn signalfd4_set_mask(fd: impl AsFd, mask: SigSet) -> Result<()> {
    let set = mask.raw();
    // SAFETY: the kernel reads one 8-byte sigset from `set`, a live local; it returns the
    // same descriptor, which stays owned by the caller.
    let ret = unsafe {
        arch::syscall4(
            Sysno::signalfd4,
            arg::fd(fd.as_fd()),
            &raw const set as usize,
            size_of::<kernel_sigset_t>(),
            0,
        )
    };
    Errno::decode(ret).map(drop)
}

/// The kernel's `struct signalfd_siginfo`, for its offsets and size only. Hand-typed from
/// `include/uapi/linux/signalfd.h`: linux-raw-sys has no signalfd module. The asserts below
/// pin the layout the kernel documents (128 bytes, `ssi_ptr` at 48, `ssi_arch` at 96).
#[repr(C)]
#[allow(dead_code)] // read through `offset_of!` only
struct RawSignalfdSiginfo {
    ssi_signo: u32,
    ssi_errno: i32,
    ssi_code: i32,
    ssi_pid: u32,
    ssi_uid: u32,
    ssi_fd: i32,
    ssi_tid: u32,
    ssi_band: u32,
    ssi_overrun: u32,
    ssi_trapno: u32,
    ssi_status: i32,
    ssi_int: i32,
    ssi_ptr: u64,
    ssi_utime: u64,
    ssi_stime: u64,
    ssi_addr: u64,
    ssi_addr_lsb: u16,
    pad2: u16,
    ssi_syscall: i32,
    ssi_call_addr: u64,
    ssi_arch: u32,
    pad: [u8; 28],
}

const _: () = {
    assert!(size_of::<RawSignalfdSiginfo>() == 128);
    assert!(offset_of!(RawSignalfdSiginfo, ssi_ptr) == 48);
    assert!(offset_of!(RawSignalfdSiginfo, ssi_addr_lsb) == 80);
    assert!(offset_of!(RawSignalfdSiginfo, ssi_call_addr) == 88);
    assert!(offset_of!(RawSignalfdSiginfo, ssi_arch) == 96);
};

/// `N` bytes of `b` from `off`; zeros if out of range, which no field is (every offset is
/// within the 128 bytes asserted above), so no panic path is compiled in.
fn bytes_at<const N: usize>(b: &[u8], off: usize) -> [u8; N] {
    let mut out = [0u8; N];
    if let Some(src) = b.get(off..off + N) {
        out.copy_from_slice(src);
    }
    out
}

/// One record read from a signalfd: `struct signalfd_siginfo`, decoded.
///
/// Parsed from bytes by [`SignalfdSiginfo::parse`], which accepts any input: exactly 128
/// bytes give a record (any values, since every field is a plain number), anything else is
/// `EINVAL`. Field meanings follow `siginfo_t` (`man 2 signalfd`).
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug, Default)]
#[non_exhaustive]
pub struct SignalfdSiginfo {
    /// `ssi_signo`: the signal number.
    pub signo: u32,
    /// `ssi_errno`: an errno value (rarely used).
    pub errno: i32,
    /// `ssi_code`: why it was sent (`SI_USER` for `kill`, `SI_TKILL` for `tgkill`…; see
    /// [`SigInfo`](super::SigInfo)'s constants).
    pub code: i32,
    /// `ssi_pid`: the sender's (or for `SIGCHLD` the child's) process ID.
    pub pid: u32,
    /// `ssi_uid`: the sender's real user ID.
    pub uid: u32,
    /// `ssi_fd`: the descriptor (`SIGIO`).
    pub fd: i32,
    /// `ssi_tid`: the kernel timer ID (POSIX timers).
    pub tid: u32,
    /// `ssi_band`: the band event (`SIGIO`).
    pub band: u32,
    /// `ssi_overrun`: the overrun count (POSIX timers).
    pub overrun: u32,
    /// `ssi_trapno`: the trap number that caused the signal.
    pub trapno: u32,
    /// `ssi_status`: exit status or signal (`SIGCHLD`).
    pub status: i32,
    /// `ssi_int`: the integer sent by `sigqueue`.
    pub int: i32,
    /// `ssi_ptr`: the pointer sent by `sigqueue`.
    pub ptr: u64,
    /// `ssi_utime`: user CPU time consumed (`SIGCHLD`).
    pub utime: u64,
    /// `ssi_stime`: system CPU time consumed (`SIGCHLD`).
    pub stime: u64,
    /// `ssi_addr`: the address that generated the signal (hardware-generated signals).
    pub addr: u64,
    /// `ssi_addr_lsb`: least significant bit of the address (`SIGBUS`, memory errors).
    pub addr_lsb: u16,
    /// `ssi_syscall`: the system call number (`SIGSYS` from seccomp).
    pub syscall: i32,
    /// `ssi_call_addr`: the address of the system call instruction (`SIGSYS`).
    pub call_addr: u64,
    /// `ssi_arch`: the `AUDIT_ARCH_*` value of the system call (`SIGSYS`).
    pub arch: u32,
}

impl SignalfdSiginfo {
    /// The size of one record, 128 bytes.
    pub const SIZE: usize = size_of::<RawSignalfdSiginfo>();

    /// Decodes one record. Accepts any bytes: exactly [`SIZE`](Self::SIZE) bytes give a
    /// record, any other length (a short read, a truncated buffer) is `EINVAL`. Never panics.
    ///
    /// # Errors
    /// `EINVAL`: `bytes.len() != 128`.
    pub fn parse(bytes: &[u8]) -> Result<SignalfdSiginfo> {
        let b: &[u8; Self::SIZE] = bytes.try_into().map_err(|_| Errno::EINVAL)?;
        macro_rules! at {
            ($field:ident: $t:ty) => {
                <$t>::from_ne_bytes(bytes_at(b, offset_of!(RawSignalfdSiginfo, $field)))
            };
        }
        Ok(SignalfdSiginfo {
            signo: at!(ssi_signo: u32),
            errno: at!(ssi_errno: i32),
            code: at!(ssi_code: i32),
            pid: at!(ssi_pid: u32),
            uid: at!(ssi_uid: u32),
            fd: at!(ssi_fd: i32),
            tid: at!(ssi_tid: u32),
            band: at!(ssi_band: u32),
            overrun: at!(ssi_overrun: u32),
            trapno: at!(ssi_trapno: u32),
            status: at!(ssi_status: i32),
            int: at!(ssi_int: i32),
            ptr: at!(ssi_ptr: u64),
            utime: at!(ssi_utime: u64),
            stime: at!(ssi_stime: u64),
            addr: at!(ssi_addr: u64),
            addr_lsb: at!(ssi_addr_lsb: u16),
            syscall: at!(ssi_syscall: i32),
            call_addr: at!(ssi_call_addr: u64),
            arch: at!(ssi_arch: u32),
        })
    }

    /// The records in `buf` (as many as a signalfd read returned), in order. A trailing
    /// partial record yields one `Err(EINVAL)` and ends the iteration.
    pub fn iter(buf: &[u8]) -> impl Iterator<Item = Result<SignalfdSiginfo>> + '_ {
        buf.chunks(Self::SIZE).map(SignalfdSiginfo::parse)
    }

    /// The signal, or `None` if `signo` is not 1 to 64 (never for a record from the kernel).
    pub fn signal(&self) -> Option<Signal> {
        i32::try_from(self.signo).ok().and_then(Signal::from_raw)
    }

    /// The sender's process ID as a [`Pid`].
    pub fn sender(&self) -> Pid {
        Pid::from_raw(self.pid as i32)
    }
}

/// Receives signals as values, with no handler code: blocks a set of signals and reads them
/// from a signalfd. The recommended way for a libc-free init, supervisor or server to handle
/// `SIGTERM`, `SIGINT`, `SIGHUP` and `SIGCHLD`.
///
/// ```no_run
/// use sysrt::signal::{Notify, SigSet, Signal};
/// let set = SigSet::EMPTY.with(Signal::TERM).with(Signal::INT).with(Signal::CHLD);
/// let signals = Notify::new(set)?;
/// loop {
///     let got = signals.recv()?;
///     match got.signal() {
///         Some(Signal::CHLD) => { /* reap children with wait4(WNOHANG) until none is left */ }
///         Some(sig) => { /* forward `sig` to the child, or shut down */ let _ = sig; break; }
///         None => {}
///     }
/// }
/// # Ok::<(), sysrt::Errno>(())
/// ```
///
/// - `new` blocks the set in the calling thread (so create it before starting threads or
///   children: they inherit the mask, and a thread that does not block a signal may receive
///   it in the ordinary way) and opens a non-blocking, close-on-exec signalfd for it.
/// - [`recv`](Notify::recv) waits for one and returns its record (signal, sender pid and uid,
///   `SIGCHLD` status…), retrying `EINTR`; [`try_recv`](Notify::try_recv) never waits.
/// - The descriptor is available through [`AsFd`], to wait on it with `ppoll`/`epoll` next to
///   other descriptors; then call `try_recv`.
/// - Dropping it closes the descriptor and unblocks the signals that `new` blocked (those that
///   were blocked before stay blocked), which restores the mask in the usual nested use. A
///   signal still pending then is delivered with its disposition (the default for `SIGTERM`
///   ends the process): drain with `try_recv` first if that matters.
///
/// Like Go's `signal.Notify`, it coalesces: a standard signal sent twice before it is read
/// arrives once. `SIGKILL` and `SIGSTOP` cannot be received and are left out of the set.
/// Synchronous faults (`SIGSEGV`, `SIGBUS`, `SIGFPE`, `SIGILL` from the program's own code)
/// cannot be blocked: the kernel ends the process instead. For `SIGCHLD`, the disposition must
/// not be `SIG_IGN` (the kernel then reaps children itself and sends nothing).
///
/// # References
/// `man 2 signalfd`, `man 2 rt_sigprocmask`. Go: `os/signal.Notify`, `signal.Stop`.
#[doc(alias = "signal.Notify")]
#[derive(Debug)]
pub struct Notify {
    fd: OwnedFd,
    set: SigSet,
    /// The signals `new` blocked that were not blocked before: what `drop` unblocks.
    added: SigSet,
}

impl Notify {
    /// Blocks `set` (minus `SIGKILL` and `SIGSTOP`) in the calling thread and opens a signalfd
    /// for it.
    ///
    /// # Errors
    /// As [`signalfd4`] (`EMFILE`, `ENFILE`, `ENOMEM`); on error the mask is unchanged.
    pub fn new(set: SigSet) -> Result<Notify> {
        let set = set.without(Signal::KILL).without(Signal::STOP);
        let before = rt_sigprocmask(How::Block, set)?;
        let added = set.difference(before);
        match signalfd4(set, SfdFlags::NONBLOCK) {
            Ok(fd) => Ok(Notify { fd, set, added }),
            Err(e) => {
                let _ = rt_sigprocmask(How::Unblock, added);
                Err(e)
            }
        }
    }

    /// The signals this receives.
    pub fn set(&self) -> SigSet {
        self.set
    }

    /// Takes one pending signal of the set if there is one; never waits.
    ///
    /// # Errors
    /// Only what a `read` of a signalfd can report in practice: none.
    pub fn try_recv(&self) -> Result<Option<SignalfdSiginfo>> {
        let mut buf = [0u8; SignalfdSiginfo::SIZE];
        loop {
            return match io::read(&self.fd, &mut buf) {
                Ok(n) => buf
                    .get(..n)
                    .map_or(Err(Errno::EIO), SignalfdSiginfo::parse)
                    .map(Some),
                Err(Errno::EAGAIN) => Ok(None),
                Err(Errno::EINTR) => continue,
                Err(e) => Err(e),
            };
        }
    }

    /// Waits for one signal of the set and takes it. `EINTR` (a handler for another signal
    /// ran) is retried.
    ///
    /// # Errors
    /// `ENOMEM` from `ppoll`, in practice nothing else.
    pub fn recv(&self) -> Result<SignalfdSiginfo> {
        loop {
            if let Some(info) = self.try_recv()? {
                return Ok(info);
            }
            let mut pfd = pollfd {
                fd: self.fd.as_raw_fd(),
                events: g::POLLIN as i16,
                revents: 0,
            };
            // SAFETY: one `struct pollfd` that the kernel reads and writes, a live local; no
            // timeout and no mask (NULL).
            let ret = unsafe { arch::syscall5(Sysno::ppoll, &raw mut pfd as usize, 1, 0, 0, 0) };
            match Errno::decode(ret) {
                Ok(_) | Err(Errno::EINTR) => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

impl AsFd for Notify {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl Drop for Notify {
    fn drop(&mut self) {
        // Cannot fail for a valid `how`; nothing useful to do in drop if it did.
        let _ = rt_sigprocmask(How::Unblock, self.added);
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    fn record() -> [u8; 128] {
        let mut b = [0u8; 128];
        b[0..4].copy_from_slice(&15u32.to_ne_bytes()); // SIGTERM
        b[8..12].copy_from_slice(&0i32.to_ne_bytes()); // SI_USER
        b[12..16].copy_from_slice(&4321u32.to_ne_bytes());
        b[16..20].copy_from_slice(&1000u32.to_ne_bytes());
        b[40..44].copy_from_slice(&(-3i32).to_ne_bytes());
        b[48..56].copy_from_slice(&0x1122_3344_5566_7788u64.to_ne_bytes());
        b[80..82].copy_from_slice(&7u16.to_ne_bytes());
        b[84..88].copy_from_slice(&231i32.to_ne_bytes());
        b[96..100].copy_from_slice(&0xc000_003eu32.to_ne_bytes());
        b[100..128].fill(0xee); // padding: ignored
        b
    }

    #[test]
    fn parses_a_record_at_the_kernels_offsets() {
        let r = SignalfdSiginfo::parse(&record()).unwrap();
        assert_eq!(r.signal(), Some(Signal::TERM));
        assert_eq!(r.code, 0);
        assert_eq!(r.sender(), Pid::from_raw(4321));
        assert_eq!(r.uid, 1000);
        assert_eq!(r.status, -3);
        assert_eq!(r.ptr, 0x1122_3344_5566_7788);
        assert_eq!(r.addr_lsb, 7);
        assert_eq!(r.syscall, 231);
        assert_eq!(r.arch, 0xc000_003e);
    }

    #[test]
    fn hostile_inputs_are_errors_never_panics() {
        let rec = record();
        for len in [0, 1, 3, 4, 64, 127, 129, 255, 256] {
            let buf = std::vec![0xffu8; len];
            let got = SignalfdSiginfo::parse(&buf);
            if len == 128 {
                assert!(got.is_ok());
            } else {
                assert_eq!(got, Err(Errno::EINVAL), "length {len}");
            }
        }
        // All-ones: every field at its maximum, and a signo that is not a signal.
        let all = SignalfdSiginfo::parse(&[0xff; 128]).unwrap();
        assert_eq!(all.signo, u32::MAX);
        assert_eq!(all.signal(), None);
        assert_eq!(all.sender(), Pid::from_raw(-1));
        // Unaligned input (the parser reads bytes, not a cast pointer).
        let mut shifted = [0u8; 129];
        shifted[1..].copy_from_slice(&rec);
        assert_eq!(
            SignalfdSiginfo::parse(&shifted[1..]),
            SignalfdSiginfo::parse(&rec)
        );
        // Several records, then a partial one.
        let mut many = std::vec::Vec::new();
        many.extend_from_slice(&rec);
        many.extend_from_slice(&rec);
        many.extend_from_slice(&rec[..50]);
        let parsed: std::vec::Vec<_> = SignalfdSiginfo::iter(&many).collect();
        assert_eq!(parsed.len(), 3);
        assert!(parsed[0].is_ok() && parsed[1].is_ok());
        assert_eq!(parsed[2], Err(Errno::EINVAL));
        assert_eq!(SignalfdSiginfo::iter(&[]).count(), 0);
        // Signo 0 and 65 are not signals.
        for signo in [0u32, 65, 0x8000_0000] {
            let mut b = rec;
            b[0..4].copy_from_slice(&signo.to_ne_bytes());
            assert_eq!(SignalfdSiginfo::parse(&b).unwrap().signal(), None);
        }
    }
}
