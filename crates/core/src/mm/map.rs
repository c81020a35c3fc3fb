//! The owning mapping types: [`Mmap`] (read-only) and [`MmapMut`] (read-write), made by
//! [`MmapOptions`], unmapped on drop.
//!
//! What keeps them sound:
//! - a view (`&[u8]`, `&mut [u8]`) borrows the mapping, so it cannot outlive it;
//! - every call that could pull memory out from under a view (unmapping, `mremap`, a
//!   protection change, `MADV_DONTNEED`) takes the mapping by `&mut self` or by value, so no
//!   view exists while it runs;
//! - the protection is in the type: an `Mmap` is always readable and an `MmapMut` always
//!   readable and writable, and no method makes either `PROT_NONE` or takes a permission away
//!   while a view could use it (the conversions consume the value);
//! - what Rust cannot see — another process or mapping writing a shared file, a file being
//!   truncated under its mapping — is the contract of the `unsafe` constructors.

use core::ffi::c_void;
use core::fmt;
use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;

use linux_raw_sys::general as g;

use super::calls::{
    Advice, MapFlags, MremapFlags, MsyncFlags, ProtFlags, madvise_raw, mlock, mmap, mprotect,
    mremap, msync, munlock, munmap,
};
use crate::fd::AsFd;
use crate::{Errno, Result};

/// A huge page size for [`MmapOptions::huge_pages`]: one of the `MAP_HUGE_*` encodings.
/// Which sizes exist depends on the arch and the kernel's configuration
/// (`/sys/kernel/mm/hugepages/`).
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub enum HugePageSize {
    /// `MAP_HUGE_16KB`.
    #[doc(alias = "MAP_HUGE_16KB")]
    Kib16,
    /// `MAP_HUGE_64KB` (arm64 with 4 KiB pages: contiguous PTEs).
    #[doc(alias = "MAP_HUGE_64KB")]
    Kib64,
    /// `MAP_HUGE_512KB`.
    #[doc(alias = "MAP_HUGE_512KB")]
    Kib512,
    /// `MAP_HUGE_1MB`.
    #[doc(alias = "MAP_HUGE_1MB")]
    Mib1,
    /// `MAP_HUGE_2MB`: the usual size on x86_64, arm64 and riscv64 with 4 KiB pages.
    #[doc(alias = "MAP_HUGE_2MB")]
    Mib2,
    /// `MAP_HUGE_8MB`.
    #[doc(alias = "MAP_HUGE_8MB")]
    Mib8,
    /// `MAP_HUGE_16MB`.
    #[doc(alias = "MAP_HUGE_16MB")]
    Mib16,
    /// `MAP_HUGE_32MB` (arm64 with 16 KiB pages).
    #[doc(alias = "MAP_HUGE_32MB")]
    Mib32,
    /// `MAP_HUGE_256MB`.
    #[doc(alias = "MAP_HUGE_256MB")]
    Mib256,
    /// `MAP_HUGE_512MB` (arm64 with 64 KiB pages).
    #[doc(alias = "MAP_HUGE_512MB")]
    Mib512,
    /// `MAP_HUGE_1GB`.
    #[doc(alias = "MAP_HUGE_1GB")]
    Gib1,
    /// `MAP_HUGE_2GB`.
    #[doc(alias = "MAP_HUGE_2GB")]
    Gib2,
    /// `MAP_HUGE_16GB`.
    #[doc(alias = "MAP_HUGE_16GB")]
    Gib16,
}

impl HugePageSize {
    /// The `MAP_HUGE_*` encoding: log2 of the size, shifted by `MAP_HUGE_SHIFT`.
    pub const fn map_flags(self) -> MapFlags {
        MapFlags::from_bits_retain(match self {
            HugePageSize::Kib16 => g::MAP_HUGE_16KB,
            HugePageSize::Kib64 => g::MAP_HUGE_64KB,
            HugePageSize::Kib512 => g::MAP_HUGE_512KB,
            HugePageSize::Mib1 => g::MAP_HUGE_1MB,
            HugePageSize::Mib2 => g::MAP_HUGE_2MB,
            HugePageSize::Mib8 => g::MAP_HUGE_8MB,
            HugePageSize::Mib16 => g::MAP_HUGE_16MB,
            HugePageSize::Mib32 => g::MAP_HUGE_32MB,
            HugePageSize::Mib256 => g::MAP_HUGE_256MB,
            HugePageSize::Mib512 => g::MAP_HUGE_512MB,
            HugePageSize::Gib1 => g::MAP_HUGE_1GB,
            HugePageSize::Gib2 => g::MAP_HUGE_2GB,
            HugePageSize::Gib16 => g::MAP_HUGE_16GB,
        })
    }

    /// The size in bytes.
    pub const fn bytes(self) -> usize {
        1 << ((self.map_flags().bits() >> g::MAP_HUGE_SHIFT) & g::MAP_HUGE_MASK)
    }
}

/// Whether a file mapping's writes reach the file and other mappings of it.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub enum Sharing {
    /// `MAP_SHARED`: writes go to the file (and every other mapping of it sees them).
    #[doc(alias = "MAP_SHARED")]
    Shared,
    /// `MAP_PRIVATE`: copy-on-write; writes stay in this mapping.
    #[doc(alias = "MAP_PRIVATE")]
    Private,
}

/// How to make a mapping: its length, and for a file its offset; then one of the `map_*`
/// methods.
///
/// ```no_run
/// use sysrt::mm::MmapOptions;
/// let mut m = MmapOptions::new(1 << 20).populate().map_anonymous()?;
/// m[..5].copy_from_slice(b"hello");
/// assert_eq!(&m[..5], b"hello");
/// # Ok::<(), sysrt::Errno>(())
/// ```
///
/// Go: `syscall.Mmap`.
#[doc(alias = "Mmap")]
#[derive(Copy, Clone, Debug)]
pub struct MmapOptions {
    len: usize,
    offset: u64,
    flags: MapFlags,
    huge: Option<HugePageSize>,
    addr: usize,
}

impl MmapOptions {
    /// A mapping of `len` bytes (0 gives `EINVAL` when mapped), at offset 0, placed by the
    /// kernel.
    pub const fn new(len: usize) -> MmapOptions {
        MmapOptions {
            len,
            offset: 0,
            flags: MapFlags::empty(),
            huge: None,
            addr: 0,
        }
    }

    /// Maps the file from `offset`, which must be a multiple of the page size (`EINVAL`
    /// otherwise). Ignored for anonymous mappings.
    pub const fn offset(mut self, offset: u64) -> MmapOptions {
        self.offset = offset;
        self
    }

    /// `MAP_POPULATE`: fault every page in now rather than on first touch.
    #[doc(alias = "MAP_POPULATE")]
    pub const fn populate(mut self) -> MmapOptions {
        self.flags = self.flags.union(MapFlags::POPULATE);
        self
    }

    /// `MAP_NORESERVE`: reserve no swap (a write may get `SIGSEGV` when memory runs out, the
    /// kernel's overcommit behaviour).
    #[doc(alias = "MAP_NORESERVE")]
    pub const fn no_reserve(mut self) -> MmapOptions {
        self.flags = self.flags.union(MapFlags::NORESERVE);
        self
    }

    /// `MAP_LOCKED`: lock the pages in memory as they are mapped.
    #[doc(alias = "MAP_LOCKED")]
    pub const fn locked(mut self) -> MmapOptions {
        self.flags = self.flags.union(MapFlags::LOCKED);
        self
    }

    /// `MAP_STACK`: the mapping is a thread stack.
    #[doc(alias = "MAP_STACK")]
    pub const fn stack(mut self) -> MmapOptions {
        self.flags = self.flags.union(MapFlags::STACK);
        self
    }

    /// `MAP_HUGETLB` with an explicit size: back the mapping with huge pages from the hugetlb
    /// pool (`ENOMEM` when none are reserved: `vm.nr_hugepages`). The length is rounded up to
    /// a whole number of huge pages. For transparent huge pages instead, advise
    /// [`Advice::HugePage`] on an ordinary mapping.
    #[doc(alias = "MAP_HUGETLB")]
    pub const fn huge_pages(mut self, size: HugePageSize) -> MmapOptions {
        self.huge = Some(size);
        self
    }

    /// `MAP_FIXED_NOREPLACE`: place the mapping exactly at `addr` (page-aligned), or fail with
    /// `EEXIST` when anything is already mapped in the range. Nothing is ever replaced, so this
    /// is safe; a kernel older than 4.17, which takes `addr` as a hint, is detected and gives
    /// `EEXIST` too.
    #[doc(alias = "MAP_FIXED_NOREPLACE")]
    pub const fn at(mut self, addr: usize) -> MmapOptions {
        self.addr = addr;
        self
    }

    /// Maps private anonymous memory, zero-filled and readable and writable.
    ///
    /// # Errors
    /// `EINVAL` (`len` is 0), `ENOMEM` (no room, `RLIMIT_AS`, no huge pages reserved),
    /// `EEXIST` (`at` over an existing mapping), `EAGAIN` (`locked` over `RLIMIT_MEMLOCK`).
    pub fn map_anonymous(&self) -> Result<MmapMut> {
        let flags = MapFlags::PRIVATE | MapFlags::ANONYMOUS;
        // SAFETY: private anonymous memory is reachable only through this new mapping, which
        // nothing else can change.
        let m = unsafe { self.map_raw(ProtFlags::READ | ProtFlags::WRITE, flags, None, false) }?;
        Ok(MmapMut(m))
    }

    /// Maps shared anonymous memory, zero-filled, readable and writable: shared with the
    /// children this process forks, private otherwise.
    ///
    /// # Safety
    /// A child created by `fork` shares these pages: while any view of the mapping is
    /// borrowed here, no other process may write them (and none may read while an `&mut`
    /// view writes), or the borrow's promise — the bytes do not change under a `&[u8]` — is
    /// broken. Sharing with a process that keeps that rule, or only through raw pointers and
    /// atomics, is sound.
    ///
    /// # Errors
    /// As [`MmapOptions::map_anonymous`].
    pub unsafe fn map_shared_anonymous(&self) -> Result<MmapMut> {
        let flags = MapFlags::SHARED | MapFlags::ANONYMOUS;
        // SAFETY: the caller keeps the sharing contract above.
        let m = unsafe { self.map_raw(ProtFlags::READ | ProtFlags::WRITE, flags, None, false) }?;
        Ok(MmapMut(m))
    }

    /// Maps `len` bytes of `fd` from the offset, read-only.
    ///
    /// Not `unsafe` for what this process does, but for what others may do to the file: see
    /// Safety. This is the reason memmap2 makes its file mappings `unsafe` too, and it is the
    /// same here.
    ///
    /// # Safety
    /// For as long as the mapping lives:
    /// - nothing may change the mapped bytes of the file — another process, another mapping,
    ///   `write(2)` from this process — while a view of them is borrowed: a `&[u8]` promises
    ///   the compiler they do not change (with [`Sharing::Private`], Linux shows such changes
    ///   in the pages not yet copied, so this holds for private mappings too);
    /// - the file must not shrink below `offset + len`: touching a page past its end raises
    ///   `SIGBUS`, which a `&[u8]` cannot express.
    ///
    /// # Errors
    /// `EINVAL` (`len` is 0; the offset not page-aligned; the offset or `offset + len` above
    /// `i64::MAX`, checked before the call with no arithmetic overflow), `EACCES` (`fd` not
    /// open for reading, R44), `EBADF`, `ENODEV` (a file that cannot be mapped: a pipe, a
    /// directory), `ENOMEM`, `EEXIST` (`at`).
    pub unsafe fn map(&self, fd: impl AsFd, sharing: Sharing) -> Result<Mmap> {
        // SAFETY: the caller keeps the file contract above.
        let m = unsafe { self.map_file(fd, sharing, ProtFlags::READ) }?;
        Ok(Mmap(m))
    }

    /// Maps `len` bytes of `fd` from the offset, readable and writable. With
    /// [`Sharing::Shared`] the writes go to the file (`fd` must be open read-write, `EACCES`
    /// otherwise); with [`Sharing::Private`] they stay in this mapping.
    ///
    /// # Safety
    /// As for [`MmapOptions::map`]; and nothing else may read the mapped bytes of the file
    /// while an `&mut` view of them is borrowed (with [`Sharing::Shared`]).
    ///
    /// # Errors
    /// As [`MmapOptions::map`], plus `EACCES` (`Sharing::Shared` on an fd not open for
    /// writing, an append-only file).
    pub unsafe fn map_mut(&self, fd: impl AsFd, sharing: Sharing) -> Result<MmapMut> {
        // SAFETY: the caller keeps the file contract above.
        let m = unsafe { self.map_file(fd, sharing, ProtFlags::READ | ProtFlags::WRITE) }?;
        Ok(MmapMut(m))
    }

    /// # Safety
    /// As for [`MmapOptions::map_mut`].
    unsafe fn map_file(&self, fd: impl AsFd, sharing: Sharing, prot: ProtFlags) -> Result<Raw> {
        // offset + len must stay addressable as a file position; checked without overflow.
        let end = (self.len as u64).checked_add(self.offset);
        if end.is_none_or(|end| end > i64::MAX as u64) {
            return Err(Errno::EINVAL);
        }
        let flags = match sharing {
            Sharing::Shared => MapFlags::SHARED,
            Sharing::Private => MapFlags::PRIVATE,
        };
        // SAFETY: forwarded from the caller.
        unsafe { self.map_raw(prot, flags, Some(fd.as_fd()), true) }
    }

    /// The one `mmap` behind every constructor.
    ///
    /// # Safety
    /// The resulting memory must be reachable only in ways the constructor's contract allows.
    unsafe fn map_raw(
        &self,
        prot: ProtFlags,
        mut flags: MapFlags,
        fd: Option<crate::fd::BorrowedFd<'_>>,
        file: bool,
    ) -> Result<Raw> {
        flags |= self.flags;
        let mut unmap_len = self.len;
        if let Some(size) = self.huge {
            flags |= MapFlags::HUGETLB | size.map_flags();
            // munmap of a hugetlb mapping must end on a huge page boundary; the kernel rounded
            // the mapping up to one, so the owner must remember the rounded length.
            unmap_len = match self.len.checked_next_multiple_of(size.bytes()) {
                Some(n) => n,
                None => return Err(Errno::ENOMEM),
            };
        }
        if self.addr != 0 {
            flags |= MapFlags::FIXED_NOREPLACE;
        }
        let offset = if file { self.offset } else { 0 };
        // SAFETY: no MAP_FIXED, so nothing existing is replaced; the caller keeps the contract
        // for the new memory.
        let p = unsafe { mmap(self.addr as *mut c_void, self.len, prot, flags, fd, offset) }?;
        let Some(ptr) = NonNull::new(p.cast::<u8>()) else {
            // Address 0 cannot be a view's pointer; only a mmap_min_addr of 0 and an explicit
            // request could produce it.
            // SAFETY: the mapping was just made and nothing references it.
            let _ = unsafe { munmap(p, unmap_len) };
            return Err(Errno::EINVAL);
        };
        let raw = Raw {
            ptr,
            len: self.len,
            unmap_len,
            file,
        };
        if self.addr != 0 && p as usize != self.addr {
            // A kernel before 4.17 ignored MAP_FIXED_NOREPLACE and placed the mapping
            // elsewhere: undo it (dropping `raw`) and report the conflict.
            drop(raw);
            return Err(Errno::EEXIST);
        }
        Ok(raw)
    }
}

/// The mapping both types own: `[ptr, ptr + len)` is mapped (`len > 0`), `unmap_len` is what
/// `munmap` must cover.
struct Raw {
    ptr: NonNull<u8>,
    len: usize,
    unmap_len: usize,
    file: bool,
}

impl Raw {
    fn as_ptr(&self) -> *mut c_void {
        self.ptr.as_ptr().cast()
    }

    /// The bytes, shared.
    fn bytes(&self) -> &[u8] {
        // Every type holding a `Raw` keeps PROT_READ; the constructor's contract keeps anyone
        // else from changing the bytes while this borrow lives.
        // SAFETY: `[ptr, ptr + len)` is mapped readable for as long as `self` lives.
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }

    /// Advice for the whole mapping.
    fn advise(&self, advice: Advice) -> Result<()> {
        super::calls::madvise(self.bytes(), advice)
    }

    fn resize(&mut self, new_len: usize) -> Result<()> {
        if self.unmap_len != self.len {
            // hugetlb: lengths would have to be rounded to the huge page size too.
            return Err(Errno::EINVAL);
        }
        if self.file && new_len > self.len {
            // The file contract covers `offset + len`, not more.
            return Err(Errno::EINVAL);
        }
        // SAFETY: `&mut self` means no view of the mapping is borrowed, so moving it or
        // cutting its tail off leaves nothing dangling; the result replaces the old range.
        let p = unsafe {
            mremap(
                self.as_ptr(),
                self.len,
                new_len,
                MremapFlags::MAYMOVE,
                core::ptr::null_mut(),
            )
        }?;
        // mremap never returns 0 for a successful move (0 is below mmap_min_addr); keep the
        // old pointer if it somehow did, which only loses the mapping, never reads it.
        if let Some(ptr) = NonNull::new(p.cast::<u8>()) {
            self.ptr = ptr;
            self.len = new_len;
            self.unmap_len = new_len;
        }
        Ok(())
    }

    fn protect(&mut self, prot: ProtFlags) -> Result<()> {
        // SAFETY: `&mut self`: no view is borrowed, and every protection the types use keeps
        // PROT_READ, which the views need.
        unsafe { mprotect(self.as_ptr(), self.len, prot) }
    }

    fn into_raw_parts(self) -> (NonNull<u8>, usize) {
        let me = core::mem::ManuallyDrop::new(self);
        (me.ptr, me.unmap_len)
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        // munmap of a range we own cannot fail for a reason we could act on (ENOMEM from a
        // split never happens when unmapping whole mappings); the memory is gone either way
        // from the program's point of view.
        // SAFETY: the mapping is ours, and being dropped means no view is borrowed.
        let _ = unsafe { munmap(self.as_ptr(), self.unmap_len) };
    }
}

impl fmt::Debug for Raw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mmap")
            .field("ptr", &self.ptr)
            .field("len", &self.len)
            .finish()
    }
}

/// A read-only mapping, unmapped on drop; dereferences to its bytes. Made by
/// [`MmapOptions::map`] or [`MmapMut::make_read_only`].
///
/// Go: `syscall.Mmap` with `PROT_READ` (the slice it returns; `syscall.Munmap` is the drop).
#[doc(alias = "Munmap")]
#[derive(Debug)]
pub struct Mmap(Raw);

/// A readable and writable mapping, unmapped on drop; dereferences to its bytes, mutably.
/// Made by [`MmapOptions::map_anonymous`], [`MmapOptions::map_mut`] or [`Mmap::make_mut`].
#[derive(Debug)]
pub struct MmapMut(Raw);

// SAFETY: a mapping owned by one value is like a `Box<[u8]>`: moving it to another thread moves
// the only owner, and `&Mmap` gives only shared reads.
unsafe impl Send for Mmap {}
// SAFETY: as above.
unsafe impl Sync for Mmap {}
// SAFETY: as above; `&mut` access needs `&mut MmapMut`, which Rust keeps exclusive.
unsafe impl Send for MmapMut {}
// SAFETY: as above.
unsafe impl Sync for MmapMut {}

impl Deref for Mmap {
    type Target = [u8];

    #[inline]
    fn deref(&self) -> &[u8] {
        self.0.bytes()
    }
}

impl Deref for MmapMut {
    type Target = [u8];

    #[inline]
    fn deref(&self) -> &[u8] {
        self.0.bytes()
    }
}

impl DerefMut for MmapMut {
    #[inline]
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: `[ptr, ptr + len)` is mapped readable and writable for as long as an
        // `MmapMut` lives, and `&mut self` makes this the only view.
        unsafe { core::slice::from_raw_parts_mut(self.0.ptr.as_ptr(), self.0.len) }
    }
}

impl AsRef<[u8]> for Mmap {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl AsRef<[u8]> for MmapMut {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl AsMut<[u8]> for MmapMut {
    fn as_mut(&mut self) -> &mut [u8] {
        self
    }
}

/// The methods both mapping types have, written once.
macro_rules! common_methods {
    () => {
        /// `madvise(addr, len, advice)` over the whole mapping (see [`Advice`]).
        ///
        /// # Errors
        /// As [`madvise`](super::madvise).
        #[inline]
        pub fn advise(&self, advice: Advice) -> Result<()> {
            self.0.advise(advice)
        }

        /// `msync(addr, len, MS_SYNC)` over the whole mapping — writes the mapping's dirty pages to the file and
        /// waits (a no-op for anonymous memory).
        ///
        /// # Errors
        /// `EIO` (the write-back failed), `EBUSY`.
        #[doc(alias = "msync")]
        #[inline]
        pub fn flush(&self) -> Result<()> {
            msync(self.0.bytes(), MsyncFlags::SYNC)
        }

        /// `msync(addr, len, MS_ASYNC)` over the whole mapping — starts writing the dirty pages back and returns.
        ///
        /// # Errors
        /// As [`flush`](Self::flush).
        #[inline]
        pub fn flush_async(&self) -> Result<()> {
            msync(self.0.bytes(), MsyncFlags::ASYNC)
        }

        /// `mlock(addr, len)` — locks the mapping in memory.
        ///
        /// # Errors
        /// As [`mlock`](super::mlock).
        #[inline]
        pub fn lock(&self) -> Result<()> {
            mlock(self.0.bytes())
        }

        /// `munlock(addr, len)` — unlocks the mapping.
        ///
        /// # Errors
        /// As [`munlock`](super::munlock).
        #[inline]
        pub fn unlock(&self) -> Result<()> {
            munlock(self.0.bytes())
        }

        /// `mremap(addr, len, new_len, MREMAP_MAYMOVE)` — grows or shrinks the mapping,
        /// keeping its contents (up to the shorter length); it may move. New anonymous
        /// memory is zero-filled.
        ///
        /// `&mut self`: no view can be borrowed while the memory moves or shrinks.
        ///
        /// # Errors
        /// `EINVAL` (`new_len` is 0; growing a file mapping, which the file contract of the
        /// constructor does not cover; a huge page mapping), `ENOMEM` (no room, `RLIMIT_AS`).
        /// On error the mapping is unchanged.
        #[doc(alias = "mremap")]
        #[inline]
        pub fn resize(&mut self, new_len: usize) -> Result<()> {
            self.0.resize(new_len)
        }

        /// Gives up ownership: returns the address and the length to pass to `munmap`, which
        /// is now the caller's to call.
        #[inline]
        pub fn into_raw(self) -> (NonNull<u8>, usize) {
            self.0.into_raw_parts()
        }
    };
}

impl Mmap {
    common_methods!();

    /// `mprotect(addr, len, PROT_READ | PROT_WRITE)` — makes the mapping writable. Consumes
    /// the read-only value, so no shared view of it survives.
    ///
    /// # Errors
    /// `EACCES` (a shared mapping of a file not open for writing, R48). On error the mapping
    /// is unmapped.
    #[doc(alias = "mprotect")]
    pub fn make_mut(mut self) -> Result<MmapMut> {
        self.0.protect(ProtFlags::READ | ProtFlags::WRITE)?;
        Ok(MmapMut(self.0))
    }
}

impl MmapMut {
    common_methods!();

    /// `mprotect(addr, len, PROT_READ)` — makes the mapping read-only. Consumes the writable
    /// value, so no `&mut` view of it survives.
    ///
    /// # Errors
    /// `ENOMEM` in theory (the change needs no split of the mapping). On error the mapping is
    /// unmapped.
    #[doc(alias = "mprotect")]
    pub fn make_read_only(mut self) -> Result<Mmap> {
        self.0.protect(ProtFlags::READ)?;
        Ok(Mmap(self.0))
    }

    /// `madvise(addr, len, MADV_DONTNEED)` — drops the mapping's pages: private anonymous
    /// memory reads back as zeros, a private file mapping as the file's bytes again, a shared
    /// mapping as it was (its pages are the file's or the shared object's).
    ///
    /// `&mut self`: the contents change, so no view may be borrowed; every outcome is valid
    /// bytes.
    ///
    /// # Errors
    /// `EINVAL` (locked pages: `mlock`ed ranges refuse `MADV_DONTNEED`).
    #[doc(alias = "MADV_DONTNEED")]
    pub fn discard(&mut self) -> Result<()> {
        // SAFETY: `&mut self`: no view of the mapping is borrowed while its contents change,
        // and the range is exactly the mapping, whole pages of it that nothing else owns.
        unsafe { madvise_raw(self.0.as_ptr(), self.0.len, g::MADV_DONTNEED) }
    }
}
