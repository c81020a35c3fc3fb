//! A global allocator for libc-free programs, on `mmap` (the `alloc` feature).
//!
//! With the feature on, [`main!`](crate::main) installs an [`Allocator`] as the program's
//! `#[global_allocator]`, and `Vec`, `String`, `Box`, `BTreeMap` and `format!` work (with
//! `extern crate alloc;` in the program). A program that never allocates makes no syscall for
//! it: nothing is mapped until the first allocation.
//!
//! How it works:
//! - small requests (up to 4 KiB) come from size classes: 16-byte steps up to 128, then four
//!   classes per power of two up to 4096. Each class carves 64 KiB slabs (a page, where pages
//!   are larger) into blocks, hands out freed blocks first, and keeps a count per slab: a slab
//!   whose blocks are all free is unmapped, except one spare per class, so memory goes back to
//!   the system when a program frees what it built;
//! - larger requests are mappings of their own, and `realloc` of one grows or shrinks it with
//!   `mremap`, which moves pages instead of copying bytes;
//! - alignment up to 4096 comes from the classes (a power-of-two class aligns every block to
//!   its size), larger alignment from trimming an oversized mapping;
//! - a request that cannot be met returns null, which Rust turns into the `alloc` error path:
//!   `handle_alloc_error`, which in a `no_std` program panics with "memory allocation of N
//!   bytes failed" (since Rust 1.68), and the runtime's panic handler prints that and exits
//!   with status 101. Never undefined behaviour.
//!
//! Threads: sysrt-rt starts single-threaded programs today. The heap sits behind one atomic
//! flag, taken with one uncontended compare-and-swap per call; when threads come, contention
//! makes it spin (and later wait on a futex) instead of needing a rewrite. Like `malloc`, it
//! is not async-signal-safe: a signal handler that allocates while the interrupted code holds
//! the flag would spin forever.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ffi::c_void;
use core::ptr::{self, NonNull};
use core::sync::atomic::{AtomicBool, Ordering};

use sysrt::mm::{self, MapFlags, MremapFlags, ProtFlags};

/// The largest size served from a size class; larger requests get their own mapping.
const SMALL_MAX: usize = 4096;
/// The number of size classes: 8 of 16-byte steps, then 4 per power of two from 256 to 4096.
const CLASSES: usize = 28;
/// The smallest slab. A slab is `max(SLAB_MIN, page size)` bytes and aligned to its size, so
/// the slab of a block is found by masking the block's address.
const SLAB_MIN: usize = 64 * 1024;

/// The class index of `size` (1..=SMALL_MAX).
#[inline]
const fn class_of(size: usize) -> usize {
    if size <= 128 {
        return size.saturating_sub(1) / 16;
    }
    let s = size - 1;
    let p = (usize::BITS - 1 - s.leading_zeros()) as usize; // floor(log2(size - 1)), >= 7
    8 + (p - 7) * 4 + (s >> (p - 2)) - 4
}

/// The block size of class `c`.
#[inline]
const fn class_size(c: usize) -> usize {
    if c < 8 {
        return (c + 1) * 16;
    }
    let k = c - 8;
    let p = 7 + k / 4;
    (5 + k % 4) << (p - 2)
}

/// A free block: the link to the next free block of its slab.
struct FreeBlock {
    next: *mut FreeBlock,
}

/// The header at the start of every slab.
#[repr(C)]
struct Slab {
    /// The class's list of slabs with free blocks.
    next: *mut Slab,
    prev: *mut Slab,
    /// Freed blocks of this slab.
    free: *mut FreeBlock,
    /// Offset of the first block never handed out; `slab_size` when all have been.
    bump: usize,
    /// Blocks handed out and not freed.
    live: usize,
    /// Whether the slab is in its class's list.
    listed: bool,
}

/// Where the first block of a class's slab starts: after the header, at a multiple of the
/// block size for power-of-two classes (so each block is aligned to its size), of 16 for the
/// others.
#[inline]
const fn first_block(size: usize) -> usize {
    let header = size_of::<Slab>();
    if size.is_power_of_two() {
        header.next_multiple_of(size)
    } else {
        header.next_multiple_of(16)
    }
}

/// One class: its slabs with free blocks, and at most one spare slab kept when empty.
#[derive(Clone, Copy)]
struct Class {
    partial: *mut Slab,
    spare: *mut Slab,
}

/// The heap state behind the lock.
struct Heap {
    classes: [Class; CLASSES],
    slab_size: usize,
    page_size: usize,
}

/// The allocator: size classes on 64 KiB slabs for small requests, a mapping each for large
/// ones, one atomic flag as its lock. [`main!`](crate::main) installs one as the global
/// allocator when the `alloc` feature is on.
pub struct Allocator {
    locked: AtomicBool,
    heap: UnsafeCell<Heap>,
}

// SAFETY: every access to `heap` happens between taking and releasing `locked` (with Acquire
// and Release ordering), so only one thread at a time touches it.
unsafe impl Sync for Allocator {}

impl Default for Allocator {
    fn default() -> Allocator {
        Allocator::new()
    }
}

/// The lock, released on drop.
struct Guard<'a>(&'a Allocator);

impl Drop for Guard<'_> {
    #[inline]
    fn drop(&mut self) {
        self.0.locked.store(false, Ordering::Release);
    }
}

/// How a layout is served.
enum Kind {
    Small(usize),
    Large,
}

#[inline]
fn kind(layout: Layout) -> Kind {
    // A zero-sized request (which `GlobalAlloc` callers should not make) gets the smallest
    // block rather than undefined behaviour.
    let size = layout.size().max(1);
    let align = layout.align();
    if align <= 16 {
        if size <= SMALL_MAX {
            return Kind::Small(class_of(size));
        }
    } else if align <= SMALL_MAX && size <= SMALL_MAX {
        // A power-of-two class at least as large as the alignment aligns every block.
        return Kind::Small(class_of(size.max(align).next_power_of_two()));
    }
    Kind::Large
}

impl Allocator {
    /// A new, empty allocator. Nothing is mapped until the first allocation.
    pub const fn new() -> Allocator {
        Allocator {
            locked: AtomicBool::new(false),
            heap: UnsafeCell::new(Heap {
                classes: [Class {
                    partial: ptr::null_mut(),
                    spare: ptr::null_mut(),
                }; CLASSES],
                slab_size: 0,
                page_size: 0,
            }),
        }
    }

    #[inline]
    fn lock(&self) -> Guard<'_> {
        while self
            .locked
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            core::hint::spin_loop();
        }
        Guard(self)
    }

    /// The heap, with the lock held.
    ///
    /// # Safety
    /// The caller holds `guard` for as long as it uses the result, and takes no other
    /// reference to the heap meanwhile.
    #[inline]
    #[allow(clippy::mut_from_ref)]
    unsafe fn heap<'g>(&'g self, guard: &'g Guard<'_>) -> &'g mut Heap {
        let _ = guard;
        // SAFETY: the lock is held (the guard proves it), so no other thread uses the heap;
        // the caller takes no second reference.
        let heap = unsafe { &mut *self.heap.get() };
        if heap.page_size == 0 {
            heap.page_size = sysrt::auxv::page_size();
            heap.slab_size = SLAB_MIN.max(heap.page_size);
        }
        heap
    }
}

impl Heap {
    /// A block of class `c`, or null when no memory can be had.
    fn alloc_small(&mut self, c: usize) -> *mut u8 {
        let size = class_size(c);
        let mut slab = self.classes[c].partial;
        if slab.is_null() {
            slab = self.new_slab(c);
            if slab.is_null() {
                return ptr::null_mut();
            }
        }
        // SAFETY: `slab` is a live slab of class `c` in its partial list, so it has a free
        // block or bump room; its header is ours (the lock is held).
        unsafe {
            let s = &mut *slab;
            let block = if !s.free.is_null() {
                let b = s.free;
                s.free = (*b).next;
                b.cast::<u8>()
            } else {
                let b = slab.cast::<u8>().add(s.bump);
                s.bump += size;
                b
            };
            s.live += 1;
            if self.classes[c].spare == slab {
                self.classes[c].spare = ptr::null_mut();
            }
            if s.free.is_null() && s.bump + size > self.slab_size {
                self.unlist(c, slab);
            }
            block
        }
    }

    /// Returns a block of class `c` to its slab; unmaps the slab when it is empty and the
    /// class already keeps a spare.
    ///
    /// # Safety
    /// `block` was returned by `alloc_small(c)` and not freed since.
    unsafe fn free_small(&mut self, block: *mut u8, c: usize) {
        let slab = (block as usize & !(self.slab_size - 1)) as *mut Slab;
        // The block lies in a slab of class `c`, aligned to its size, so its header is at the
        // masked address.
        // SAFETY: see above; the block is at least 16 bytes, room for the free-list link.
        unsafe {
            let s = &mut *slab;
            let f = block.cast::<FreeBlock>();
            (*f).next = s.free;
            s.free = f;
            s.live -= 1;
            if !s.listed {
                self.list(c, slab);
            }
            if s.live == 0 {
                if self.classes[c].spare.is_null() {
                    self.classes[c].spare = slab;
                } else {
                    self.unlist(c, slab);
                    let _ = mm::munmap(slab.cast(), self.slab_size);
                }
            }
        }
    }

    /// A new slab for class `c`, listed; null when mapping fails.
    fn new_slab(&mut self, c: usize) -> *mut Slab {
        let size = self.slab_size;
        // Map twice the size and trim it to an aligned slab.
        let Some(p) = map(2 * size) else {
            return ptr::null_mut();
        };
        let start = p as usize;
        let aligned = start.next_multiple_of(size);
        // SAFETY: both trimmed pieces are parts of the mapping just made, which nothing
        // references; either may be empty, which munmap would refuse, so it is skipped.
        unsafe {
            if aligned > start {
                let _ = mm::munmap(p, aligned - start);
            }
            let tail = aligned + size;
            if start + 2 * size > tail {
                let _ = mm::munmap(tail as *mut c_void, start + 2 * size - tail);
            }
        }
        let slab = aligned as *mut Slab;
        // SAFETY: `aligned` starts a fresh, zeroed, writable mapping of `size` bytes.
        unsafe {
            slab.write(Slab {
                next: ptr::null_mut(),
                prev: ptr::null_mut(),
                free: ptr::null_mut(),
                bump: first_block(class_size(c)),
                live: 0,
                listed: false,
            });
        }
        self.list(c, slab);
        slab
    }

    fn list(&mut self, c: usize, slab: *mut Slab) {
        let head = self.classes[c].partial;
        // SAFETY: `slab` and `head` (when not null) are live slab headers of class `c`.
        unsafe {
            (*slab).prev = ptr::null_mut();
            (*slab).next = head;
            (*slab).listed = true;
            if !head.is_null() {
                (*head).prev = slab;
            }
        }
        self.classes[c].partial = slab;
    }

    fn unlist(&mut self, c: usize, slab: *mut Slab) {
        // SAFETY: `slab` is a live, listed slab header of class `c`; its neighbours too.
        unsafe {
            let s = &mut *slab;
            if s.prev.is_null() {
                self.classes[c].partial = s.next;
            } else {
                (*s.prev).next = s.next;
            }
            if !s.next.is_null() {
                (*s.next).prev = s.prev;
            }
            s.next = ptr::null_mut();
            s.prev = ptr::null_mut();
            s.listed = false;
        }
    }

    /// The length of the mapping behind a large block of `size` bytes: whole pages, or
    /// `None` when that overflows.
    fn large_len(&self, size: usize) -> Option<usize> {
        size.checked_next_multiple_of(self.page_size)
    }

    fn alloc_large(&self, layout: Layout) -> *mut u8 {
        let Some(len) = self.large_len(layout.size()) else {
            return ptr::null_mut();
        };
        if layout.align() <= self.page_size {
            return map(len).map_or(ptr::null_mut(), |p| p.cast());
        }
        // A larger alignment: map enough to find an aligned start, then trim both ends.
        let Some(total) = len.checked_add(layout.align() - self.page_size) else {
            return ptr::null_mut();
        };
        let Some(p) = map(total) else {
            return ptr::null_mut();
        };
        let start = p as usize;
        let aligned = start.next_multiple_of(layout.align());
        // SAFETY: the trimmed pieces belong to the fresh mapping; nothing references them.
        unsafe {
            if aligned > start {
                let _ = mm::munmap(p, aligned - start);
            }
            let end = aligned + len;
            if start + total > end {
                let _ = mm::munmap(end as *mut c_void, start + total - end);
            }
        }
        aligned as *mut u8
    }
}

/// A fresh private anonymous read-write mapping of `len` bytes.
fn map(len: usize) -> Option<*mut c_void> {
    // SAFETY: no MAP_FIXED: nothing existing is replaced; the memory is handed out only by
    // this allocator.
    unsafe {
        mm::mmap(
            ptr::null_mut(),
            len,
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::PRIVATE | MapFlags::ANONYMOUS,
            None,
            0,
        )
    }
    .ok()
}

// SAFETY: blocks are disjoint, live until freed, at least `size` bytes and aligned to `align`
// (see `kind`); every path that cannot serve a request returns null.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let guard = self.lock();
        // SAFETY: the guard is held while the heap is used.
        let heap = unsafe { self.heap(&guard) };
        match kind(layout) {
            Kind::Small(c) => heap.alloc_small(c),
            Kind::Large => heap.alloc_large(layout),
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match kind(layout) {
            // A fresh mapping is already zero.
            Kind::Large => {
                let guard = self.lock();
                // SAFETY: the guard is held while the heap is used.
                unsafe { self.heap(&guard) }.alloc_large(layout)
            }
            Kind::Small(_) => {
                // SAFETY: forwarded; a non-null block has `layout.size()` writable bytes.
                let p = unsafe { self.alloc(layout) };
                if !p.is_null() {
                    // SAFETY: as above.
                    unsafe { ptr::write_bytes(p, 0, layout.size()) };
                }
                p
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let guard = self.lock();
        // SAFETY: the guard is held while the heap is used.
        let heap = unsafe { self.heap(&guard) };
        match kind(layout) {
            // SAFETY: the caller returns a block this allocator gave for the same layout,
            // hence from class `c`.
            Kind::Small(c) => unsafe { heap.free_small(ptr, c) },
            Kind::Large => {
                if let Some(len) = heap.large_len(layout.size()) {
                    // SAFETY: a large block is exactly a mapping of `len` bytes at `ptr`, and
                    // the caller gives it up.
                    let _ = unsafe { mm::munmap(ptr.cast(), len) };
                }
            }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `new_size` with `layout.align()` is a valid layout.
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (kind(layout), kind(new)) {
            (Kind::Small(a), Kind::Small(b)) if a == b => return ptr,
            (Kind::Large, Kind::Large) => {
                let guard = self.lock();
                // SAFETY: the guard is held while the heap is used.
                let heap = unsafe { self.heap(&guard) };
                if layout.align() <= heap.page_size {
                    let (Some(old_len), Some(new_len)) =
                        (heap.large_len(layout.size()), heap.large_len(new_size))
                    else {
                        return ptr::null_mut();
                    };
                    if old_len == new_len {
                        return ptr;
                    }
                    // mremap moves the pages (page-aligned, as the layout needs), and on
                    // failure leaves the mapping as it was.
                    // SAFETY: `ptr` is a mapping of `old_len` bytes the caller gives up.
                    let p = unsafe {
                        mm::mremap(
                            ptr.cast(),
                            old_len,
                            new_len,
                            MremapFlags::MAYMOVE,
                            ptr::null_mut(),
                        )
                    };
                    return p.map_or(ptr::null_mut(), |p| p.cast());
                }
            }
            _ => {}
        }
        // Another class, or a large alignment: a new block, the bytes, the old block freed.
        // SAFETY: `new` is a valid layout (see above).
        let p = unsafe { self.alloc(new) };
        if let Some(p) = NonNull::new(p) {
            // SAFETY: both blocks are live and distinct, each at least the copied length.
            unsafe {
                ptr::copy_nonoverlapping(ptr, p.as_ptr(), layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_round_up_and_invert() {
        let mut prev = 0;
        for c in 0..CLASSES {
            let s = class_size(c);
            assert!(s > prev && s.is_multiple_of(16), "class {c} is {s}");
            assert_eq!(class_of(s), c, "size {s}");
            assert_eq!(class_of(prev + 1), c, "size {}", prev + 1);
            prev = s;
        }
        assert_eq!(prev, SMALL_MAX);
        assert_eq!(class_of(1), 0);
    }

    #[test]
    fn power_of_two_classes_align_their_blocks() {
        for c in 0..CLASSES {
            let s = class_size(c);
            let first = first_block(s);
            assert!(first >= size_of::<Slab>());
            if s.is_power_of_two() {
                assert!(first.is_multiple_of(s), "class {s}");
            } else {
                assert!(first.is_multiple_of(16), "class {s}");
            }
        }
    }

    #[test]
    fn layouts_pick_a_class_that_fits_and_aligns() {
        for align in [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096] {
            for size in [1, 7, 16, 17, 100, 129, 1000, 2049, 4096] {
                let l = Layout::from_size_align(size, align).unwrap();
                match kind(l) {
                    Kind::Small(c) => {
                        let s = class_size(c);
                        assert!(s >= size);
                        assert!(align <= 16 || (s.is_power_of_two() && s >= align));
                    }
                    Kind::Large => assert!(size > SMALL_MAX || align > SMALL_MAX),
                }
            }
        }
    }
}
