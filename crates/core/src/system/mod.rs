//! The system itself: its names and state (`uname`, `sysinfo`, the CPU count), the hardware
//! capability words, and the administrative calls (`sethostname`, `setdomainname`, `reboot`,
//! `acct`, the kernel log, x86_64's port I/O permissions).
//!
//! Dispatch only: each area lives in its own file, and everything is re-exported here, so the
//! public path of every call is `sysrt::system::NAME`.

mod admin;
mod caps;
mod info;

pub use admin::*;
pub use caps::*;
pub use info::*;
