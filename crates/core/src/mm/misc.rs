//! Memory calls that are not about one's own mappings: `membarrier`, `memfd_secret`, and
//! reading and writing another process's memory (`process_vm_readv`/`process_vm_writev`).

use core::fmt;

use linux_raw_sys::general as g;

use crate::fd::OwnedFd;
use crate::io::{IoSlice, IoSliceMut};
use crate::process::Pid;
use crate::{Errno, Result, Sysno, arch, arg};

/// A `membarrier` command (`enum membarrier_cmd`).
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
#[repr(u32)]
pub enum MembarrierCommand {
    /// `MEMBARRIER_CMD_QUERY`: returns the bit mask of supported commands.
    #[doc(alias = "MEMBARRIER_CMD_QUERY")]
    Query = g::membarrier_cmd::MEMBARRIER_CMD_QUERY as u32,
    /// `MEMBARRIER_CMD_GLOBAL`: a memory barrier on every running thread of the system (slow:
    /// waits for an RCU grace period).
    #[doc(alias = "MEMBARRIER_CMD_GLOBAL")]
    #[doc(alias = "MEMBARRIER_CMD_SHARED")]
    Global = g::membarrier_cmd::MEMBARRIER_CMD_GLOBAL as u32,
    /// `MEMBARRIER_CMD_GLOBAL_EXPEDITED`: a barrier on the threads of every process
    /// registered for it.
    #[doc(alias = "MEMBARRIER_CMD_GLOBAL_EXPEDITED")]
    GlobalExpedited = g::membarrier_cmd::MEMBARRIER_CMD_GLOBAL_EXPEDITED as u32,
    /// `MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED`: registers this process for
    /// `GlobalExpedited`.
    #[doc(alias = "MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED")]
    RegisterGlobalExpedited = g::membarrier_cmd::MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED as u32,
    /// `MEMBARRIER_CMD_PRIVATE_EXPEDITED`: a barrier on every running thread of this process
    /// (`EPERM` unless registered first).
    #[doc(alias = "MEMBARRIER_CMD_PRIVATE_EXPEDITED")]
    PrivateExpedited = g::membarrier_cmd::MEMBARRIER_CMD_PRIVATE_EXPEDITED as u32,
    /// `MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED`: registers this process for
    /// `PrivateExpedited`.
    #[doc(alias = "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED")]
    RegisterPrivateExpedited = g::membarrier_cmd::MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED as u32,
    /// `MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE`: as `PrivateExpedited`, and every thread
    /// also executes a core-serialising instruction (for code modified at run time).
    #[doc(alias = "MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE")]
    PrivateExpeditedSyncCore = g::membarrier_cmd::MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE as u32,
    /// `MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE`: registers for it.
    #[doc(alias = "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE")]
    RegisterPrivateExpeditedSyncCore =
        g::membarrier_cmd::MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE as u32,
    /// `MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ`: restarts the rseq critical sections of this
    /// process's running threads (on one CPU with [`membarrier_cpu`]).
    #[doc(alias = "MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ")]
    PrivateExpeditedRseq = g::membarrier_cmd::MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ as u32,
    /// `MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ`: registers for it.
    #[doc(alias = "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ")]
    RegisterPrivateExpeditedRseq =
        g::membarrier_cmd::MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ as u32,
    /// `MEMBARRIER_CMD_GET_REGISTRATIONS` (Linux 6.3; `EINVAL` before): the bit mask of the
    /// commands this process registered for.
    #[doc(alias = "MEMBARRIER_CMD_GET_REGISTRATIONS")]
    GetRegistrations = g::membarrier_cmd::MEMBARRIER_CMD_GET_REGISTRATIONS as u32,
}

/// `membarrier(cmd, 0, 0)` — issues a memory barrier on other threads (or registers for one);
/// returns the bit mask for `Query` and `GetRegistrations`, 0 for the others.
///
/// # Errors
/// `EINVAL` (a command this kernel does not know, or one disabled with `nohz_full`), `EPERM`
/// (an expedited command without registering first), `ENOSYS` (`CONFIG_MEMBARRIER` off),
/// `ENOMEM`.
///
/// # References
/// `man 2 membarrier`.
#[inline]
pub fn membarrier(cmd: MembarrierCommand) -> Result<u32> {
    // SAFETY: membarrier takes integers and reads and writes no user memory.
    let ret = unsafe { arch::syscall3_readonly(Sysno::membarrier, cmd as usize, 0, 0) };
    Errno::decode(ret).map(|r| r as u32)
}

/// `membarrier(cmd, MEMBARRIER_CMD_FLAG_CPU, cpu)` — as [`membarrier`], targeted at one CPU
/// (only `PrivateExpeditedRseq` accepts a CPU).
///
/// # Errors
/// As [`membarrier`]; `EINVAL` for a command that takes no CPU or a CPU out of range.
///
/// # References
/// `man 2 membarrier`.
#[inline]
pub fn membarrier_cpu(cmd: MembarrierCommand, cpu: u32) -> Result<u32> {
    let flag = g::membarrier_cmd_flag::MEMBARRIER_CMD_FLAG_CPU as usize;
    // SAFETY: membarrier takes integers and reads and writes no user memory.
    let ret =
        unsafe { arch::syscall3_readonly(Sysno::membarrier, cmd as usize, flag, arg::uint(cpu)) };
    Errno::decode(ret).map(|r| r as u32)
}

/// `memfd_secret(O_CLOEXEC)` — creates a file whose pages, once mapped with `mmap`
/// (`MAP_SHARED`), are removed from the kernel's direct map: not even the kernel reads them
/// (no `read`/`write` on it; size it with `ftruncate`, then map it). The descriptor is
/// close-on-exec.
///
/// The memory counts against `RLIMIT_MEMLOCK`.
///
/// # Errors
/// `ENOSYS` (a kernel built without `CONFIG_SECRETMEM`, or before 5.14; also before 6.5 when
/// not enabled with `secretmem.enable=1`), `EMFILE`, `ENFILE`, `ENOMEM`.
///
/// # References
/// `man 2 memfd_secret`.
#[inline]
pub fn memfd_secret() -> Result<OwnedFd> {
    // SAFETY: memfd_secret takes a flag word and reads and writes no user memory.
    let ret = unsafe { arch::syscall1_readonly(Sysno::memfd_secret, arg::uint(g::O_CLOEXEC)) };
    // SAFETY: a successful memfd_secret returns a new descriptor nothing else owns.
    Errno::decode(ret).map(|fd| unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// A range of another process's memory, for [`process_vm_readv`] and [`process_vm_writev`]:
/// an address there and a length, as the kernel's `struct iovec`.
///
/// Only numbers: nothing in this process is borrowed or reached through it.
///
/// Go: `unix.RemoteIovec` (x/sys/unix).
#[doc(alias = "RemoteIovec")]
#[derive(Copy, Clone)]
#[repr(transparent)]
pub struct RemoteIoVec(g::iovec);

// SAFETY: the value is an address in another process and a length, never dereferenced here.
unsafe impl Send for RemoteIoVec {}
// SAFETY: as above.
unsafe impl Sync for RemoteIoVec {}

impl RemoteIoVec {
    /// The range `[addr, addr + len)` of the other process.
    pub const fn new(addr: usize, len: usize) -> RemoteIoVec {
        RemoteIoVec(g::iovec {
            iov_base: addr as *mut core::ffi::c_void,
            iov_len: len as _,
        })
    }

    /// The address.
    pub fn addr(&self) -> usize {
        self.0.iov_base as usize
    }

    /// The length.
    pub fn len(&self) -> usize {
        self.0.iov_len as usize
    }

    /// Whether the length is 0.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Debug for RemoteIoVec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteIoVec")
            .field("addr", &format_args!("{:#x}", self.addr()))
            .field("len", &self.len())
            .finish()
    }
}

/// `process_vm_readv(pid, local, remote, 0)` — copies bytes from the ranges `remote` of
/// process `pid` into the buffers `local`, in order; returns how many bytes were copied.
///
/// A short count is not an error: it stops at the first remote range that is not (fully)
/// readable, or when the local buffers are full. It needs the permission `ptrace` would
/// (`PTRACE_MODE_ATTACH_REALCREDS`): the same user and no `dumpable` restriction, or
/// `CAP_SYS_PTRACE`.
///
/// Safe: the kernel writes only into `local`, which is borrowed exclusively; reading the
/// other process's memory cannot change this one.
///
/// # Errors
/// `ESRCH` (no such process), `EPERM` (no permission), `EFAULT` (no byte of the first remote
/// range is readable), `EINVAL` (more than `IOV_MAX` entries, or total length over
/// `isize::MAX`), `ENOMEM`.
///
/// # References
/// `man 2 process_vm_readv`. Go: `unix.ProcessVMReadv` (x/sys/unix).
#[doc(alias = "ProcessVMReadv")]
#[inline]
pub fn process_vm_readv(
    pid: Pid,
    local: &mut [IoSliceMut<'_>],
    remote: &[RemoteIoVec],
) -> Result<usize> {
    // `remote` is read as iovecs and names memory of the other process only.
    // SAFETY: `local` is iovecs (IoSliceMut is a transparent iovec) borrowing writable buffers
    // exclusively for the call; the kernel writes at most their lengths into them.
    let ret = unsafe {
        arch::syscall6(
            Sysno::process_vm_readv,
            arg::raw_fd(pid.raw()),
            local.as_mut_ptr() as usize,
            local.len(),
            remote.as_ptr() as usize,
            remote.len(),
            0,
        )
    };
    Errno::decode(ret)
}

/// `process_vm_writev(pid, local, remote, 0)` — copies the buffers `local` into the ranges
/// `remote` of process `pid`, in order; returns how many bytes were copied (short as for
/// [`process_vm_readv`]).
///
/// # Safety
/// If `pid` is this process (or a thread of it, or any process sharing its memory), the
/// remote ranges are this process's own memory, written behind Rust's back: they must not
/// hold anything a live reference, or the program's invariants, rely on. Writing to another
/// process cannot affect this one.
///
/// # Errors
/// As [`process_vm_readv`] (`EFAULT` when no byte of the first remote range is writable).
///
/// # References
/// `man 2 process_vm_writev`. Go: `unix.ProcessVMWritev` (x/sys/unix).
#[doc(alias = "ProcessVMWritev")]
#[inline]
pub unsafe fn process_vm_writev(
    pid: Pid,
    local: &[IoSlice<'_>],
    remote: &[RemoteIoVec],
) -> Result<usize> {
    // SAFETY: `local` is an array of iovecs borrowing readable buffers for the call; the
    // kernel only reads them. The caller vouches for the remote ranges.
    let ret = unsafe {
        arch::syscall6(
            Sysno::process_vm_writev,
            arg::raw_fd(pid.raw()),
            local.as_ptr() as usize,
            local.len(),
            remote.as_ptr() as usize,
            remote.len(),
            0,
        )
    };
    Errno::decode(ret)
}
