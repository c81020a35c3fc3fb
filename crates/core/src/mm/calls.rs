//! The memory calls themselves: the raw, `unsafe` forms (`mmap`, `munmap`, `mprotect`,
//! `mremap`, `madvise_raw`), and the calls that are safe on any memory the program can
//! borrow (`madvise` with non-destructive advice, `msync`, `mlock`/`munlock`, `mlockall`,
//! `mincore`).

use core::ffi::c_void;

use bitflags::bitflags;
use linux_raw_sys::general as g;

use crate::fd::BorrowedFd;
use crate::{Errno, Result, Sysno, arch, arg};

bitflags! {
    /// Memory protection: what the pages of a mapping allow. The empty set is `PROT_NONE`
    /// (every access faults).
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct ProtFlags: u32 {
        /// `PROT_READ`: the pages may be read.
        #[doc(alias = "PROT_READ")]
        const READ = g::PROT_READ;
        /// `PROT_WRITE`: the pages may be written.
        #[doc(alias = "PROT_WRITE")]
        const WRITE = g::PROT_WRITE;
        /// `PROT_EXEC`: the pages may be executed.
        #[doc(alias = "PROT_EXEC")]
        const EXEC = g::PROT_EXEC;
        /// `PROT_SEM`: the pages may be used for atomic operations (accepted and ignored on the
        /// arches sysrt supports).
        #[doc(alias = "PROT_SEM")]
        const SEM = g::PROT_SEM;
        /// `PROT_GROWSDOWN` (`mprotect` only): extend the change down to the start of a
        /// grows-down mapping (a stack).
        #[doc(alias = "PROT_GROWSDOWN")]
        const GROWSDOWN = g::PROT_GROWSDOWN;
        /// `PROT_GROWSUP` (`mprotect` only): extend the change up to the end of a grows-up
        /// mapping (no arch sysrt supports has them).
        #[doc(alias = "PROT_GROWSUP")]
        const GROWSUP = g::PROT_GROWSUP;

        // Arch-specific bits (arm64's PROT_BTI, PROT_MTE) pass through the raw calls.
        const _ = !0;
    }
}

bitflags! {
    /// Flags of the raw [`mmap`]: exactly one of `SHARED`, `PRIVATE` or `SHARED_VALIDATE`, plus
    /// modifiers. The safe [`MmapOptions`](super::MmapOptions) builds these itself.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct MapFlags: u32 {
        /// `MAP_SHARED`: writes are visible to every other mapping of the same object and
        /// reach the file.
        #[doc(alias = "MAP_SHARED")]
        const SHARED = g::MAP_SHARED;
        /// `MAP_PRIVATE`: a copy-on-write mapping; writes stay in this process.
        #[doc(alias = "MAP_PRIVATE")]
        const PRIVATE = g::MAP_PRIVATE;
        /// `MAP_SHARED_VALIDATE`: as `SHARED`, but unknown flags give `EOPNOTSUPP` instead of
        /// being ignored (needed for `SYNC`).
        #[doc(alias = "MAP_SHARED_VALIDATE")]
        const SHARED_VALIDATE = g::MAP_SHARED_VALIDATE;
        /// `MAP_FIXED`: map exactly at `addr`, replacing whatever was mapped there. This is
        /// why the raw [`mmap`] is `unsafe`.
        #[doc(alias = "MAP_FIXED")]
        const FIXED = g::MAP_FIXED;
        /// `MAP_FIXED_NOREPLACE`: map exactly at `addr`, or fail with `EEXIST` if anything is
        /// mapped in the range (Linux 4.17; older kernels treat `addr` as a hint).
        #[doc(alias = "MAP_FIXED_NOREPLACE")]
        const FIXED_NOREPLACE = g::MAP_FIXED_NOREPLACE;
        /// `MAP_ANONYMOUS`: memory not backed by a file, zero-filled; `fd` must be absent.
        #[doc(alias = "MAP_ANONYMOUS")]
        #[doc(alias = "MAP_ANON")]
        const ANONYMOUS = g::MAP_ANONYMOUS;
        /// `MAP_POPULATE`: fault every page in now (read-ahead for a file) instead of on first
        /// touch.
        #[doc(alias = "MAP_POPULATE")]
        const POPULATE = g::MAP_POPULATE;
        /// `MAP_NONBLOCK`: with `POPULATE`, do not wait for reads from the file.
        #[doc(alias = "MAP_NONBLOCK")]
        const NONBLOCK = g::MAP_NONBLOCK;
        /// `MAP_NORESERVE`: reserve no swap for the mapping; a write may then get `SIGSEGV`
        /// when memory runs out.
        #[doc(alias = "MAP_NORESERVE")]
        const NORESERVE = g::MAP_NORESERVE;
        /// `MAP_LOCKED`: lock the pages in memory, as `mlock` would (failure to lock is not
        /// reported; use `mlock` for that).
        #[doc(alias = "MAP_LOCKED")]
        const LOCKED = g::MAP_LOCKED;
        /// `MAP_GROWSDOWN`: a stack that the kernel extends downwards on a fault below it.
        #[doc(alias = "MAP_GROWSDOWN")]
        const GROWSDOWN = g::MAP_GROWSDOWN;
        /// `MAP_STACK`: the mapping is a thread stack (no transparent huge pages).
        #[doc(alias = "MAP_STACK")]
        const STACK = g::MAP_STACK;
        /// `MAP_HUGETLB`: back the mapping with huge pages from the hugetlb pool (`ENOMEM`
        /// when none are reserved); the size is the default, or one of the `MAP_HUGE_*`
        /// encodings ([`HugePageSize::map_flags`](super::HugePageSize::map_flags)).
        #[doc(alias = "MAP_HUGETLB")]
        const HUGETLB = g::MAP_HUGETLB;
        /// `MAP_SYNC` (with `SHARED_VALIDATE`, on DAX files): the file's metadata is durable
        /// before a write fault returns.
        #[doc(alias = "MAP_SYNC")]
        const SYNC = g::MAP_SYNC;
        /// `MAP_DROPPABLE` (Linux 6.11): private anonymous memory the kernel may drop (zero)
        /// under memory pressure.
        #[doc(alias = "MAP_DROPPABLE")]
        const DROPPABLE = g::MAP_DROPPABLE;

        // The MAP_HUGE_* size encodings and arch-specific bits (x86_64's MAP_32BIT) pass
        // through.
        const _ = !0;
    }
}

bitflags! {
    /// Flags of [`mremap`].
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct MremapFlags: u32 {
        /// `MREMAP_MAYMOVE`: the kernel may move the mapping to grow it.
        #[doc(alias = "MREMAP_MAYMOVE")]
        const MAYMOVE = g::MREMAP_MAYMOVE;
        /// `MREMAP_FIXED`: move the mapping to `new_addr`, replacing what is mapped there
        /// (with `MAYMOVE`).
        #[doc(alias = "MREMAP_FIXED")]
        const FIXED = g::MREMAP_FIXED;
        /// `MREMAP_DONTUNMAP` (Linux 5.7): move the pages but leave the old range mapped
        /// (empty).
        #[doc(alias = "MREMAP_DONTUNMAP")]
        const DONTUNMAP = g::MREMAP_DONTUNMAP;
    }
}

bitflags! {
    /// Flags of [`msync`]: `ASYNC` or `SYNC` (not both), optionally `INVALIDATE`.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct MsyncFlags: u32 {
        /// `MS_ASYNC`: schedule the write-back and return (on Linux, dirty pages are already
        /// tracked, so this only checks the arguments).
        #[doc(alias = "MS_ASYNC")]
        const ASYNC = g::MS_ASYNC;
        /// `MS_SYNC`: write the dirty pages to the file and wait.
        #[doc(alias = "MS_SYNC")]
        const SYNC = g::MS_SYNC;
        /// `MS_INVALIDATE`: ask that other mappings of the file see the file's contents (a
        /// no-op on Linux, whose page cache is coherent; `EBUSY` on locked pages).
        #[doc(alias = "MS_INVALIDATE")]
        const INVALIDATE = g::MS_INVALIDATE;
    }
}

bitflags! {
    /// Flags of [`mlock2`].
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct MlockFlags: u32 {
        /// `MLOCK_ONFAULT`: lock pages as they are faulted in, instead of faulting them all
        /// in now.
        #[doc(alias = "MLOCK_ONFAULT")]
        const ONFAULT = g::MLOCK_ONFAULT;
    }
}

bitflags! {
    /// Flags of [`mlockall`]: at least one of `CURRENT` and `FUTURE`.
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
    #[repr(transparent)]
    pub struct MlockAllFlags: u32 {
        /// `MCL_CURRENT`: lock every page mapped now.
        #[doc(alias = "MCL_CURRENT")]
        const CURRENT = g::MCL_CURRENT;
        /// `MCL_FUTURE`: lock every page mapped from now on (a later mapping that cannot be
        /// locked fails with `ENOMEM`, and stack growth may get `SIGSEGV`).
        #[doc(alias = "MCL_FUTURE")]
        const FUTURE = g::MCL_FUTURE;
        /// `MCL_ONFAULT` (Linux 4.4): with the others, lock pages when they are faulted in.
        #[doc(alias = "MCL_ONFAULT")]
        const ONFAULT = g::MCL_ONFAULT;
    }
}

/// Advice for [`madvise`] that never changes what the memory holds: it is about caching,
/// paging, huge pages, core dumps and merging, so safe code may give it for any memory it
/// can borrow.
///
/// The advice that does change contents (`MADV_DONTNEED`, `MADV_FREE`, `MADV_REMOVE`,
/// `MADV_WIPEONFORK`, `MADV_DONTFORK`, `MADV_GUARD_INSTALL`, `MADV_HWPOISON`…) goes through
/// [`madvise_raw`], or [`MmapMut::discard`](super::MmapMut::discard) for `MADV_DONTNEED` on
/// a mapping borrowed exclusively.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
#[repr(u32)]
pub enum Advice {
    /// `MADV_NORMAL`: no special treatment (the default).
    #[doc(alias = "MADV_NORMAL")]
    Normal = g::MADV_NORMAL,
    /// `MADV_RANDOM`: expect random access (less read-ahead).
    #[doc(alias = "MADV_RANDOM")]
    Random = g::MADV_RANDOM,
    /// `MADV_SEQUENTIAL`: expect sequential access (aggressive read-ahead, early reclaim).
    #[doc(alias = "MADV_SEQUENTIAL")]
    Sequential = g::MADV_SEQUENTIAL,
    /// `MADV_WILLNEED`: the pages will be needed soon (start reading them).
    #[doc(alias = "MADV_WILLNEED")]
    WillNeed = g::MADV_WILLNEED,
    /// `MADV_COLD` (Linux 5.4): deactivate the pages (reclaim them first); contents kept.
    #[doc(alias = "MADV_COLD")]
    Cold = g::MADV_COLD,
    /// `MADV_PAGEOUT` (Linux 5.4): reclaim the pages now (to swap or the file); contents
    /// kept.
    #[doc(alias = "MADV_PAGEOUT")]
    PageOut = g::MADV_PAGEOUT,
    /// `MADV_POPULATE_READ` (Linux 5.14): fault the pages in readable, as if read.
    #[doc(alias = "MADV_POPULATE_READ")]
    PopulateRead = g::MADV_POPULATE_READ,
    /// `MADV_POPULATE_WRITE` (Linux 5.14): fault the pages in writable, as if written
    /// (contents unchanged; `EFAULT` on memory that is not writable).
    #[doc(alias = "MADV_POPULATE_WRITE")]
    PopulateWrite = g::MADV_POPULATE_WRITE,
    /// `MADV_HUGEPAGE`: back the range with transparent huge pages where possible.
    #[doc(alias = "MADV_HUGEPAGE")]
    HugePage = g::MADV_HUGEPAGE,
    /// `MADV_NOHUGEPAGE`: do not use transparent huge pages for the range.
    #[doc(alias = "MADV_NOHUGEPAGE")]
    NoHugePage = g::MADV_NOHUGEPAGE,
    /// `MADV_COLLAPSE` (Linux 6.1): collapse the range into transparent huge pages now.
    #[doc(alias = "MADV_COLLAPSE")]
    Collapse = g::MADV_COLLAPSE,
    /// `MADV_MERGEABLE`: let KSM merge identical pages (copy-on-write).
    #[doc(alias = "MADV_MERGEABLE")]
    Mergeable = g::MADV_MERGEABLE,
    /// `MADV_UNMERGEABLE`: undo `MADV_MERGEABLE`.
    #[doc(alias = "MADV_UNMERGEABLE")]
    Unmergeable = g::MADV_UNMERGEABLE,
    /// `MADV_DONTDUMP`: leave the range out of core dumps.
    #[doc(alias = "MADV_DONTDUMP")]
    DontDump = g::MADV_DONTDUMP,
    /// `MADV_DODUMP`: undo `MADV_DONTDUMP`.
    #[doc(alias = "MADV_DODUMP")]
    DoDump = g::MADV_DODUMP,
    /// `MADV_DOFORK`: undo `MADV_DONTFORK` (children get the range again).
    #[doc(alias = "MADV_DOFORK")]
    DoFork = g::MADV_DOFORK,
    /// `MADV_KEEPONFORK`: undo `MADV_WIPEONFORK`.
    #[doc(alias = "MADV_KEEPONFORK")]
    KeepOnFork = g::MADV_KEEPONFORK,
}

/// A file offset as the `off_t` register of `mmap`: `EINVAL` before the call when it does not
/// fit in `i64` (the kernel would read a negative offset).
#[inline(always)]
pub(super) fn offset_reg(offset: u64) -> Result<usize> {
    match i64::try_from(offset) {
        Ok(off) => Ok(off as usize),
        Err(_) => Err(Errno::EINVAL),
    }
}

/// `mmap(addr, len, prot, flags, fd, offset)` — maps `len` bytes of `fd` at `offset` (or
/// anonymous memory, with `MapFlags::ANONYMOUS` and no `fd`) and returns the address.
///
/// The raw form, for what [`MmapOptions`](super::MmapOptions) does not cover (guard pages,
/// `PROT_NONE` reservations, executable memory). Success is any value outside
/// -4095..=-1, so a mapping at a high address is not mistaken for an error (R46).
///
/// # Safety
/// With `MapFlags::FIXED`, whatever was mapped in `[addr, addr + len)` is replaced: nothing
/// the program still references may be there. Whatever the flags, the memory returned is only
/// as valid as the caller makes it: before forming a reference to it, the caller must know
/// its protection allows the access and, for a shared or file mapping, that no other process
/// or mapping changes it while the reference lives; the caller must `munmap` it when done.
///
/// # Errors
/// `EINVAL` (`len` is 0; `offset` not a multiple of the page size, or above `i64::MAX`,
/// checked before the call; neither or both of `SHARED`/`PRIVATE`), `EACCES` (`fd` not open
/// for reading, or `SHARED` with `PROT_WRITE` on an fd not open for writing; a file on a
/// `noexec` mount with `PROT_EXEC`), `EBADF` (`fd` not open, without `ANONYMOUS`),
/// `EEXIST` (`FIXED_NOREPLACE` over an existing mapping), `EOPNOTSUPP` (`SHARED_VALIDATE`
/// with a flag the kernel does not know), `ENODEV` (the file cannot be mapped), `ENOMEM`
/// (no room, `RLIMIT_AS`, too many mappings, no huge pages for `HUGETLB`), `EOVERFLOW`
/// (`offset + len` beyond what the file can address), `EPERM` (`PROT_EXEC` refused by a seal
/// or security module), `ETXTBSY`, `EAGAIN` (locked memory over `RLIMIT_MEMLOCK`).
///
/// # References
/// `man 2 mmap`. Go: `syscall.Mmap` (which returns a slice; see
/// [`MmapOptions`](super::MmapOptions) for the safe counterpart).
#[doc(alias = "Mmap")]
#[inline]
pub unsafe fn mmap(
    addr: *mut c_void,
    len: usize,
    prot: ProtFlags,
    flags: MapFlags,
    fd: Option<BorrowedFd<'_>>,
    offset: u64,
) -> Result<*mut c_void> {
    let off = offset_reg(offset)?;
    let fd = fd.map_or(usize::MAX, arg::fd); // -1: no file
    // SAFETY: the caller keeps the contract above; the kernel reads and writes no user memory
    // for mmap itself, and changes the address space only as the flags say.
    let ret = unsafe {
        arch::syscall6(
            Sysno::mmap,
            addr as usize,
            len,
            arg::uint(prot.bits()),
            arg::uint(flags.bits()),
            fd,
            off,
        )
    };
    Errno::decode(ret).map(|p| p as *mut c_void)
}

/// `munmap(addr, len)` — removes the mappings in `[addr, addr + len)` (rounded out to whole
/// pages). Unmapping a range with nothing mapped succeeds.
///
/// # Safety
/// Nothing the program still references may be in the range, and nothing may be unmapped
/// that another owner (an [`Mmap`](super::Mmap), the allocator, a stack) will unmap or use
/// again.
///
/// # Errors
/// `EINVAL` (`addr` not page-aligned, `len` is 0, or the range leaves the address space),
/// `ENOMEM` (splitting a mapping would exceed the limit on mappings).
///
/// # References
/// `man 2 munmap`. Go: `syscall.Munmap` (which takes the slice `Mmap` returned; the safe
/// counterpart here is dropping the [`Mmap`](super::Mmap)).
#[doc(alias = "Munmap")]
#[inline]
pub unsafe fn munmap(addr: *mut c_void, len: usize) -> Result<()> {
    // SAFETY: forwarded from the caller; munmap reads and writes no user memory.
    Errno::decode(unsafe { arch::syscall2(Sysno::munmap, addr as usize, len) }).map(drop)
}

/// `mprotect(addr, len, prot)` — changes the protection of the pages in `[addr, addr + len)`.
///
/// # Safety
/// No reference the program holds into the range may be used in a way the new protection
/// forbids (a `&[u8]` into pages made `PROT_NONE`, a `&mut [u8]` into pages made read-only);
/// executable pages must hold code the caller is prepared to run.
///
/// # Errors
/// `ENOMEM` (part of the range is not mapped, R48; or splitting would exceed the limit on
/// mappings), `EINVAL` (`addr` not page-aligned, unknown bits in `prot`), `EACCES`
/// (`PROT_WRITE` on a shared mapping of a file not open for writing, `PROT_EXEC` on a
/// `noexec` mount).
///
/// # References
/// `man 2 mprotect`. Go: `syscall.Mprotect`.
#[doc(alias = "Mprotect")]
#[inline]
pub unsafe fn mprotect(addr: *mut c_void, len: usize, prot: ProtFlags) -> Result<()> {
    // SAFETY: forwarded from the caller; mprotect reads and writes no user memory.
    let ret =
        unsafe { arch::syscall3(Sysno::mprotect, addr as usize, len, arg::uint(prot.bits())) };
    Errno::decode(ret).map(drop)
}

/// `mremap(old_addr, old_len, new_len, flags, new_addr)` — grows, shrinks or moves a
/// mapping; returns its (possibly new) address.
///
/// # Safety
/// If the mapping moves or shrinks (`MAYMOVE`, `FIXED`, `new_len < old_len`), no reference
/// into the old range (or its cut-off tail) may be used again; with `FIXED`, whatever was
/// mapped at `new_addr` is replaced and must not be referenced; the caller owns the result
/// and must `munmap` it.
///
/// # Errors
/// `EINVAL` (`old_addr` not page-aligned, `new_len` is 0, bad flag combination, ranges
/// overlap), `EFAULT` (the old range is not all mapped), `ENOMEM` (cannot grow in place
/// without `MAYMOVE`, or no room), `EAGAIN` (locked memory over `RLIMIT_MEMLOCK`).
///
/// # References
/// `man 2 mremap`. Go: `unix.Mremap` (x/sys/unix).
#[doc(alias = "Mremap")]
#[inline]
pub unsafe fn mremap(
    old_addr: *mut c_void,
    old_len: usize,
    new_len: usize,
    flags: MremapFlags,
    new_addr: *mut c_void,
) -> Result<*mut c_void> {
    // SAFETY: forwarded from the caller; mremap reads and writes no user memory itself.
    let ret = unsafe {
        arch::syscall5(
            Sysno::mremap,
            old_addr as usize,
            old_len,
            new_len,
            arg::uint(flags.bits()),
            new_addr as usize,
        )
    };
    Errno::decode(ret).map(|p| p as *mut c_void)
}

/// `madvise(buf, advice)` — tells the kernel how `buf`'s pages will be used. `buf` must start
/// on a page boundary; its length is rounded up to whole pages.
///
/// Only [`Advice`] that leaves the contents alone is accepted here, so any memory the program
/// can borrow may be advised. For the advice that discards contents see [`madvise_raw`].
///
/// # Errors
/// `EINVAL` (`buf` not page-aligned; advice the kernel does not support, such as `HugePage`
/// without transparent huge pages, `Mergeable` without KSM), `ENOMEM` (part of the range not
/// mapped), `EFAULT` (`PopulateWrite` on memory that is not writable), `EPERM`, `EAGAIN`.
///
/// # References
/// `man 2 madvise`. Go: `syscall.Madvise`.
#[doc(alias = "Madvise")]
#[inline]
pub fn madvise(buf: &[u8], advice: Advice) -> Result<()> {
    let (ptr, len) = arg::slice(buf);
    // SAFETY: `buf` is borrowed for the call; every `Advice` leaves the contents of the pages
    // as they are (it changes caching, paging and dumping only).
    let ret = unsafe { arch::syscall3(Sysno::madvise, ptr, len, advice as usize) };
    Errno::decode(ret).map(drop)
}

/// `madvise(addr, len, advice)` — the raw form: any `MADV_*` value.
///
/// # Safety
/// Advice that changes contents (`MADV_DONTNEED`, `MADV_FREE`, `MADV_REMOVE`,
/// `MADV_DONTNEED_LOCKED`: the pages read back as zeros or as the file's data;
/// `MADV_WIPEONFORK`, `MADV_DONTFORK`: a child sees zeros or nothing; `MADV_GUARD_INSTALL`:
/// every access faults; `MADV_HWPOISON`, `MADV_SOFT_OFFLINE`) may only be given for pages no
/// live reference relies on, in whole pages (the range is rounded up).
///
/// # Errors
/// As [`madvise`], plus `EPERM` (`MADV_HWPOISON` without `CAP_SYS_ADMIN`), `EIO`.
///
/// # References
/// `man 2 madvise`.
#[inline]
pub unsafe fn madvise_raw(addr: *mut c_void, len: usize, advice: u32) -> Result<()> {
    // SAFETY: forwarded from the caller; madvise reads and writes no user memory itself.
    let ret = unsafe { arch::syscall3(Sysno::madvise, addr as usize, len, arg::uint(advice)) };
    Errno::decode(ret).map(drop)
}

/// `msync(buf, flags)` — writes the dirty pages of a file mapping in `buf` back to the file
/// (`SYNC` waits for it). `buf` must start on a page boundary.
///
/// # Errors
/// `EINVAL` (`buf` not page-aligned; both `ASYNC` and `SYNC`; unknown flags), `ENOMEM` (part
/// of the range not mapped), `EBUSY` (`INVALIDATE` on locked pages), `EIO` (write-back
/// failed).
///
/// # References
/// `man 2 msync`. Go: `unix.Msync` (x/sys/unix).
#[doc(alias = "Msync")]
#[inline]
pub fn msync(buf: &[u8], flags: MsyncFlags) -> Result<()> {
    let (ptr, len) = arg::slice(buf);
    // SAFETY: `buf` is borrowed for the call; msync writes pages to their file and changes
    // no memory contents.
    let ret = unsafe { arch::syscall3(Sysno::msync, ptr, len, arg::uint(flags.bits())) };
    Errno::decode(ret).map(drop)
}

/// `mlock(buf)` — locks the pages holding `buf` in memory (faulting them in): they are not
/// paged out until unlocked or unmapped. Locks do not stack: one `munlock` undoes any number
/// of `mlock`s.
///
/// # Errors
/// `ENOMEM` (part of the range not mapped, or over `RLIMIT_MEMLOCK` without
/// `CAP_IPC_LOCK`), `EAGAIN` (some pages could not be locked), `EPERM` (`RLIMIT_MEMLOCK` is
/// 0 and no `CAP_IPC_LOCK`).
///
/// # References
/// `man 2 mlock`. Go: `syscall.Mlock`.
#[doc(alias = "Mlock")]
#[inline]
pub fn mlock(buf: &[u8]) -> Result<()> {
    let (ptr, len) = arg::slice(buf);
    // SAFETY: `buf` is borrowed for the call; locking changes no contents.
    Errno::decode(unsafe { arch::syscall2(Sysno::mlock, ptr, len) }).map(drop)
}

/// `mlock2(buf, flags)` — as [`mlock`]; with `MlockFlags::ONFAULT` pages are locked as they
/// are first touched rather than all at once.
///
/// # Errors
/// As [`mlock`], plus `EINVAL` (unknown flags).
///
/// # References
/// `man 2 mlock2`.
#[inline]
pub fn mlock2(buf: &[u8], flags: MlockFlags) -> Result<()> {
    let (ptr, len) = arg::slice(buf);
    // SAFETY: `buf` is borrowed for the call; locking changes no contents.
    let ret = unsafe { arch::syscall3(Sysno::mlock2, ptr, len, arg::uint(flags.bits())) };
    Errno::decode(ret).map(drop)
}

/// `munlock(buf)` — unlocks the pages holding `buf`.
///
/// # Errors
/// `ENOMEM` (part of the range not mapped), `EINVAL` (the range leaves the address space).
///
/// # References
/// `man 2 munlock`. Go: `syscall.Munlock`.
#[doc(alias = "Munlock")]
#[inline]
pub fn munlock(buf: &[u8]) -> Result<()> {
    let (ptr, len) = arg::slice(buf);
    // SAFETY: `buf` is borrowed for the call; unlocking changes no contents.
    Errno::decode(unsafe { arch::syscall2(Sysno::munlock, ptr, len) }).map(drop)
}

/// `mlockall(flags)` — locks every page of the process: those mapped now (`CURRENT`) and/or
/// those mapped later (`FUTURE`).
///
/// # Errors
/// `EINVAL` (neither `CURRENT` nor `FUTURE`, or unknown flags), `ENOMEM` (over
/// `RLIMIT_MEMLOCK` without `CAP_IPC_LOCK`), `EPERM` (`RLIMIT_MEMLOCK` is 0 and no
/// `CAP_IPC_LOCK`).
///
/// # References
/// `man 2 mlockall`. Go: `syscall.Mlockall`.
#[doc(alias = "Mlockall")]
#[inline]
pub fn mlockall(flags: MlockAllFlags) -> Result<()> {
    // SAFETY: mlockall takes an integer and changes no contents.
    Errno::decode(unsafe { arch::syscall1(Sysno::mlockall, arg::uint(flags.bits())) }).map(drop)
}

/// `munlockall()` — unlocks every page of the process and ends `MCL_FUTURE`. Never fails on
/// Linux.
///
/// # Errors
/// None in practice; the result is passed on.
///
/// # References
/// `man 2 munlockall`. Go: `syscall.Munlockall`.
#[doc(alias = "Munlockall")]
#[inline]
pub fn munlockall() -> Result<()> {
    // SAFETY: munlockall takes no arguments and changes no contents.
    Errno::decode(unsafe { arch::syscall0(Sysno::munlockall) }).map(drop)
}

/// `mincore(addr, len, vec)` — which pages of `[addr, addr + len)` are resident in memory:
/// bit 0 of `vec[i]` is set when page `i` is. `addr` must be page-aligned; the range may
/// hold anything (the kernel only reads page tables), so it is a plain address, not a borrow.
///
/// `vec` must have at least one byte per page, `len.div_ceil(page_size())`: a shorter `vec`
/// gives `EINVAL` before the call. Where pages are larger than 4 KiB the kernel writes into
/// a 256-byte buffer on the stack, 1 MiB of the range per call, and sysrt copies one byte per
/// page out of it: an emulator that reports larger pages than it tracks (qemu-user 7.2 run
/// with `-p`, which writes one byte per 4 KiB host page) then gives wrong bits, but never
/// writes past `vec`. With 4 KiB pages it is one plain call.
///
/// # Errors
/// `EINVAL` (`addr` not page-aligned, `vec` too short), `ENOMEM` (part of the range is not
/// mapped, or it wraps around the address space), `EAGAIN`.
///
/// # References
/// `man 2 mincore`.
#[inline]
pub fn mincore(addr: *const c_void, len: usize, vec: &mut [u8]) -> Result<()> {
    /// The smallest page size of every arch sysrt supports.
    const MIN_PAGE: usize = 4096;
    let ps = crate::auxv::page_size();
    if vec.len() < len.div_ceil(ps) {
        return Err(Errno::EINVAL);
    }
    if ps == MIN_PAGE {
        let (vec, _) = arg::slice_mut(vec);
        // `addr` is only looked up, never dereferenced.
        // SAFETY: the kernel writes one byte per page of `len` into `vec`, checked to have room.
        return Errno::decode(unsafe { arch::syscall3(Sysno::mincore, addr as usize, len, vec) })
            .map(drop);
    }
    let mut bounce = [0u8; 256];
    let chunk = (bounce.len() * MIN_PAGE / ps).max(1) * ps;
    if chunk / MIN_PAGE > bounce.len() {
        // A page larger than 1 MiB: no arch sysrt supports has one.
        return Err(Errno::EINVAL);
    }
    let (mut done, mut out) = (0, 0);
    loop {
        let n = (len - done).min(chunk);
        let at = (addr as usize).checked_add(done).ok_or(Errno::ENOMEM)?;
        let (buf, _) = arg::slice_mut(&mut bounce);
        // SAFETY: `n` is at most 256 4 KiB pages, so even at one byte per 4 KiB the kernel
        // writes at most the 256 bytes of `bounce`; `at` is only looked up.
        Errno::decode(unsafe { arch::syscall3(Sysno::mincore, at, n, buf) })?;
        let pages = n.div_ceil(ps);
        vec[out..out + pages].copy_from_slice(&bounce[..pages]);
        (done, out) = (done + n, out + pages);
        if done >= len {
            return Ok(());
        }
    }
}
