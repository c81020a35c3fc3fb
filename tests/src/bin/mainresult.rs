//! `main` returning `Result`: `Ok(())` exits 0; `Err(e)` prints `Error: {e}` and exits 1
//! (xtask checks both). With the argument `ok` it returns `Ok`; otherwise it opens a missing
//! file and returns that error.
#![no_std]
#![no_main]

use sysrt::Errno;
use sysrt::fs::{self, Mode, OFlags};

fn main() -> Result<(), Errno> {
    if sysrt_rt::args::arg(1).map(|a| a.to_bytes()) == Some(b"ok") {
        return Ok(());
    }
    fs::open("/nonexistent-sysrt/missing", OFlags::RDONLY, Mode::empty()).map(drop)
}

sysrt_rt::main!(main);
