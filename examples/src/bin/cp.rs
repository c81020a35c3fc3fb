//! `cp [-v] SRC DST`: copies a file inside the kernel.
//!
//! Tries `copy_file_range` first (a reflink or server-side copy where the filesystem can).
//! If it fails before copying anything with `EXDEV` (another filesystem, on kernels that
//! refuse that), `ENOSYS`, `EINVAL` or `EOPNOTSUPP`, it falls back to `sendfile`, and if that
//! fails with `EINVAL` or `ENOSYS`, to a plain read/write loop. `-v` prints the method used to
//! stderr. A new DST gets SRC's permission bits (less the umask); an existing one is
//! truncated. A directory SRC is refused (`EISDIR`), and so is a DST that is SRC under another
//! name (`EINVAL`), which a truncating open would otherwise have emptied.
//!
//! With no arguments it demonstrates itself: writes a 40 000-byte file under /tmp, copies it,
//! checks the copy's bytes, and removes both (`cp -v` also names the method).
#![no_std]
#![no_main]

use sysrt::fd::OwnedFd;
use sysrt::{Errno, io, retry_on_intr};
use sysrt_examples::ends;
use sysrt_examples::selfdemo::{self, Failure, LINE_LEN};
use sysrt_rt::{eprintln, println};

/// Bytes asked for per `copy_file_range`/`sendfile` call. The kernel caps one call at about
/// 2 GiB anyway (`MAX_RW_COUNT`); 1 GiB keeps the count well inside every `size_t`.
const CHUNK: usize = 1 << 30;

/// How the bytes were copied.
#[derive(Copy, Clone, Debug)]
enum Method {
    CopyFileRange,
    Sendfile,
    ReadWrite,
}

/// Copies `src` to `dst`; returns the number of bytes and the method that worked.
fn copy<'p>(src: &'p [u8], dst: &'p [u8]) -> Result<(u64, Method), Failure<'p>> {
    let fail = |step, path, err| Failure { step, path, err };
    let (input, output) = ends::open(src, dst)?;
    let copied = copy_data(&input, &output).map_err(|(step, e)| fail(step, src, e))?;
    // Close explicitly: a network filesystem may report a failed write-back only here.
    io::close(output).map_err(|e| fail("close", dst, e))?;
    Ok(copied)
}

fn copy_data(input: &OwnedFd, output: &OwnedFd) -> Result<(u64, Method), (&'static str, Errno)> {
    let mut total = 0u64;

    loop {
        match retry_on_intr(|| io::copy_file_range(input, None, output, None, CHUNK)) {
            Ok(0) => return Ok((total, Method::CopyFileRange)),
            Ok(n) => total += n as u64,
            // Nothing copied yet, so both offsets are still at 0: the next method starts clean.
            Err(Errno::EXDEV | Errno::ENOSYS | Errno::EINVAL | Errno::EOPNOTSUPP) if total == 0 => {
                break;
            }
            Err(e) => return Err(("copy_file_range from", e)),
        }
    }

    loop {
        match retry_on_intr(|| io::sendfile(output, input, None, CHUNK)) {
            Ok(0) => return Ok((total, Method::Sendfile)),
            Ok(n) => total += n as u64,
            Err(Errno::EINVAL | Errno::ENOSYS) if total == 0 => break,
            Err(e) => return Err(("sendfile from", e)),
        }
    }

    let mut buf = [0u8; 32 * 1024];
    loop {
        let n = retry_on_intr(|| io::read(input, &mut buf)).map_err(|e| ("read", e))?;
        if n == 0 {
            return Ok((total, Method::ReadWrite));
        }
        io::write_all(output, &buf[..n]).map_err(|e| ("write to the copy of", e))?;
        total += n as u64;
    }
}

/// The demonstration's content: this line, repeated.
const LINE: &[u8; LINE_LEN] = b"sysrt cp demo line.\n";

/// The demonstration: writes a source file, copies it, compares the copy, removes both.
fn demo(verbose: bool) -> Result<(), Errno> {
    selfdemo::run("cp", LINE, copy, |(total, method), src, dst| {
        if verbose {
            eprintln!("cp: used {method:?}");
        }
        println!(
            "cp: copied {total} bytes from {src} to {dst} in the kernel, checked the copy, removed both"
        );
    })
}

fn main() -> i32 {
    let mut verbose = false;
    let mut paths = [None; 2];
    let mut count = 0;
    for arg in sysrt_rt::args().skip(1) {
        if arg == c"-v" {
            verbose = true;
        } else if let Some(slot) = paths.get_mut(count) {
            *slot = Some(arg.to_bytes());
            count += 1;
        } else {
            count += 1;
        }
    }
    match (count, paths) {
        (0, _) => i32::from(demo(verbose).is_err()),
        (2, [Some(src), Some(dst)]) => match copy(src, dst) {
            Ok((_, method)) => {
                if verbose {
                    eprintln!("cp: used {method:?}");
                }
                0
            }
            Err(failure) => {
                eprintln!("cp: {failure}");
                1
            }
        },
        _ => {
            eprintln!("usage: cp [-v] SRC DST");
            2
        }
    }
}

sysrt_rt::main!(main);
