//! `copyfile SRC DST`: copies a file with the classic read/write loop and a 32 KiB buffer.
//!
//! A new DST gets SRC's permission bits (less the umask); an existing one is truncated, but
//! never when it is SRC under another name (`EINVAL`: the truncation would have emptied it
//! first). A directory SRC is refused (`EISDIR`). Errors go to stderr with
//! the step and the path (`copyfile: open SRC: ENOENT: no such file or directory`), exit 1.
//!
//! With no arguments it demonstrates itself: writes a 40 000-byte file under /tmp, copies it,
//! checks the copy's bytes, removes both and says so.
#![no_std]
#![no_main]

use sysrt::{Errno, io, retry_on_intr};
use sysrt_examples::ends;
use sysrt_examples::selfdemo::{self, Failure, LINE_LEN};
use sysrt_rt::{eprintln, println};

/// The copy buffer: large enough that a big file takes few syscalls, small enough for the
/// stack.
const BUF_SIZE: usize = 32 * 1024;

/// Copies `src` to `dst`; returns the number of bytes copied.
fn copy<'p>(src: &'p [u8], dst: &'p [u8]) -> Result<u64, Failure<'p>> {
    let fail = |step, path, err| Failure { step, path, err };
    let (input, output) = ends::open(src, dst)?;

    let mut buf = [0u8; BUF_SIZE];
    let mut total = 0u64;
    loop {
        let n = retry_on_intr(|| io::read(&input, &mut buf)).map_err(|e| fail("read", src, e))?;
        if n == 0 {
            break;
        }
        io::write_all(&output, &buf[..n]).map_err(|e| fail("write", dst, e))?;
        total += n as u64;
    }
    // Close explicitly: a network filesystem may report a failed write-back only here.
    io::close(output).map_err(|e| fail("close", dst, e))?;
    Ok(total)
}

/// The demonstration's content: this line, repeated.
const LINE: &[u8; LINE_LEN] = b"sysrt copyfile demo\n";

/// The demonstration: writes a source file, copies it, compares the copy, removes both.
fn demo() -> Result<(), Errno> {
    selfdemo::run("copyfile", LINE, copy, |total, src, dst| {
        println!(
            "copyfile: copied {total} bytes from {src} to {dst} with {BUF_SIZE}-byte reads, checked the copy, removed both"
        );
    })
}

fn main() -> i32 {
    let mut args = sysrt_rt::args().skip(1);
    match (args.next(), args.next(), args.next()) {
        (None, _, _) => i32::from(demo().is_err()),
        (Some(src), Some(dst), None) => match copy(src.to_bytes(), dst.to_bytes()) {
            Ok(_) => 0,
            Err(failure) => {
                eprintln!("copyfile: {failure}");
                1
            }
        },
        _ => {
            eprintln!("usage: copyfile SRC DST");
            2
        }
    }
}

sysrt_rt::main!(main);
