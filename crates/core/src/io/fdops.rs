//! Duplicating descriptors, fcntl, locks, pipes, ioctl, memfd.
