//! fsync, fdatasync, sync, syncfs, truncate, fallocate, fadvise.
