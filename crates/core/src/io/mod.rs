//! Descriptors and I/O: reading and writing, descriptor operations, syncing and sizing,
//! in-kernel copies.
//!
//! Dispatch only: each area lives in its own file, and everything is re-exported here, so the
//! public path of every call is `sysrt::io::NAME`.

mod fdops;
mod rw;
mod sync;
mod xfer;

pub use fdops::*;
pub use rw::*;
pub use sync::*;
pub use xfer::*;
