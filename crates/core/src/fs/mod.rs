//! Files and filesystems: opening, metadata, names and trees, directories, extended
//! attributes, change notification, mounts.
//!
//! Dispatch only: each area lives in its own file, and everything is re-exported here, so the
//! public path of every call is `sysrt::fs::NAME`.

mod dir;
mod inotify;
mod mount;
mod names;
mod open;
mod perm;
mod stat;
mod xattr;

pub use dir::*;
pub use inotify::*;
pub use mount::*;
pub use names::*;
pub use open::*;
pub use perm::*;
pub use stat::*;
pub use xattr::*;
