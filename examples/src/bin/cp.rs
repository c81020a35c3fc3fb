//! `cp [-v] SRC DST`: copies a file inside the kernel.
//!
//! Tries `copy_file_range` first (a reflink or server-side copy where the filesystem can).
//! If it fails before copying anything with `EXDEV` (another filesystem, on kernels that
//! refuse that), `ENOSYS`, `EINVAL` or `EOPNOTSUPP`, it falls back to `sendfile`, and if that
//! fails with `EINVAL` or `ENOSYS`, to a plain read/write loop. `-v` prints the method used to
//! stderr. DST is created (or truncated) with mode 0644, before the umask.
//!
//! With no arguments it demonstrates itself: writes a 40 000-byte file under /tmp, copies it,
//! checks the copy's bytes, and removes both (`cp -v` also names the method).
#![no_std]
#![no_main]

use core::fmt::{self, Write};

use sysrt::fd::OwnedFd;
use sysrt::fs::{self, Mode, OFlags};
use sysrt::{Errno, io, retry_on_intr};
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

/// What failed: the step, the path it was working on, and the errno.
struct Failure<'p> {
    step: &'static str,
    path: &'p [u8],
    err: Errno,
}

impl fmt::Display for Failure<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = core::str::from_utf8(self.path).unwrap_or("(non-UTF-8 path)");
        write!(f, "{} {}: {}", self.step, path, self.err)
    }
}

/// Copies `src` to `dst`; returns the number of bytes and the method that worked.
fn copy<'p>(src: &'p [u8], dst: &'p [u8]) -> Result<(u64, Method), Failure<'p>> {
    let fail = |step, path, err| Failure { step, path, err };
    let input = fs::open(src, OFlags::RDONLY, Mode::empty()).map_err(|e| fail("open", src, e))?;
    let output = fs::open(
        dst,
        OFlags::CREAT | OFlags::TRUNC | OFlags::WRONLY,
        Mode::from_octal(0o644),
    )
    .map_err(|e| fail("create", dst, e))?;
    let copied = copy_data(&input, &output).map_err(|(step, e)| fail(step, src, e))?;
    // Close explicitly: a network filesystem may report a failed write-back only here.
    io::close(output).map_err(|e| fail("close", dst, e))?;
    Ok(copied)
}

/// Copies everything from `input`'s offset to `output`, with the first method that works.
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
const LINE: &[u8] = b"sysrt cp demo line.\n";
const LINES: usize = 2000;

/// The demonstration: writes a source file, copies it, compares the copy, removes both.
fn demo(verbose: bool) -> Result<(), Errno> {
    let (mut src_buf, mut dst_buf) = ([0u8; 64], [0u8; 64]);
    let src = demo_path(&mut src_buf, "src")?;
    let dst = demo_path(&mut dst_buf, "dst")?;
    let result = demo_in(src, dst);
    let _ = fs::unlink(src);
    let _ = fs::unlink(dst);
    match result {
        Ok((total, method)) => {
            if verbose {
                eprintln!("cp: used {method:?}");
            }
            let show = |p| core::str::from_utf8(p).unwrap_or("?");
            println!(
                "cp: copied {total} bytes from {} to {} in the kernel, checked the copy, removed both",
                show(src),
                show(dst)
            );
            Ok(())
        }
        Err(failure) => {
            eprintln!("cp: {failure}");
            Err(failure.err)
        }
    }
}

fn demo_in<'p>(src: &'p [u8], dst: &'p [u8]) -> Result<(u64, Method), Failure<'p>> {
    let fail = |step, path, err| Failure { step, path, err };
    let fd = fs::open(
        src,
        OFlags::CREAT | OFlags::EXCL | OFlags::WRONLY,
        Mode::from_octal(0o600),
    )
    .map_err(|e| fail("create", src, e))?;
    let mut content = [0u8; LINE.len() * LINES];
    for line in content.chunks_exact_mut(LINE.len()) {
        line.copy_from_slice(LINE);
    }
    io::write_all(&fd, &content).map_err(|e| fail("write", src, e))?;
    drop(fd);

    let (total, method) = copy(src, dst)?;

    let copy = fs::open(dst, OFlags::RDONLY, Mode::empty()).map_err(|e| fail("open", dst, e))?;
    // One byte of room more than expected, to notice a copy that is too long.
    let mut back = [0u8; LINE.len() * LINES + 1];
    let mut len = 0;
    while let Some(rest) = back.get_mut(len..).filter(|rest| !rest.is_empty()) {
        match io::read(&copy, rest).map_err(|e| fail("read", dst, e))? {
            0 => break,
            n => len += n,
        }
    }
    if back[..len] != content[..] {
        return Err(fail("verify", dst, Errno::EIO));
    }
    Ok((total, method))
}

/// `/tmp/sysrt-cp-<pid>.<what>`: unique per process, so demos running at the same time cannot
/// collide.
fn demo_path<'b>(buf: &'b mut [u8], what: &str) -> Result<&'b [u8], Errno> {
    let mut out = Cursor { buf, len: 0 };
    let pid = sysrt::process::getpid();
    write!(out, "/tmp/sysrt-cp-{pid}.{what}").map_err(|_| Errno::ENAMETOOLONG)?;
    Ok(out.written())
}

/// Formats into a byte buffer, without allocating.
struct Cursor<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> Cursor<'b> {
    fn written(self) -> &'b [u8] {
        &self.buf[..self.len]
    }
}

impl Write for Cursor<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let room = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        room.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
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
