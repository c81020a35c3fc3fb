//! Memory: mappings, their protection and advice, locking, residency, barriers, secret
//! memory, and other processes' memory.
//!
//! The safe way to map memory is [`MmapOptions`], which returns an owning [`MmapMut`] or
//! [`Mmap`]: unmapped on drop, its bytes borrowed through `Deref`, so a view can never outlive
//! the mapping and no safe call can unmap, move or protect memory a view still uses. The raw
//! calls ([`mmap`], [`munmap`], [`mprotect`], [`mremap`], [`madvise_raw`]) are `unsafe`.
//!
//! The page size is [`page_size`] (`AT_PAGESZ`); nothing here assumes 4096.
//!
//! Dispatch only: each area lives in its own file, and everything is re-exported here, so the
//! public path of every call is `sysrt::mm::NAME`.

mod calls;
mod map;
mod misc;

pub use calls::*;
pub use map::*;
pub use misc::*;

pub use crate::auxv::page_size;
