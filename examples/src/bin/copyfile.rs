//! `copyfile SRC DST`: copies a file with the classic read/write loop and a 32 KiB buffer.
//!
//! DST is created (or truncated) with mode 0644, before the umask. Errors go to stderr with
//! the step and the path (`copyfile: open SRC: ENOENT: no such file or directory`), exit 1.
//!
//! With no arguments it demonstrates itself: writes a 40 000-byte file under /tmp, copies it,
//! checks the copy's bytes, removes both and says so.
#![no_std]
#![no_main]

use core::fmt::{self, Write};

use sysrt::fs::{self, Mode, OFlags};
use sysrt::{Errno, io, retry_on_intr};
use sysrt_rt::{eprintln, println};

/// The copy buffer: large enough that a big file takes few syscalls, small enough for the
/// stack.
const BUF_SIZE: usize = 32 * 1024;

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

/// Copies `src` to `dst`; returns the number of bytes copied.
fn copy<'p>(src: &'p [u8], dst: &'p [u8]) -> Result<u64, Failure<'p>> {
    let fail = |step, path, err| Failure { step, path, err };
    let input = fs::open(src, OFlags::RDONLY, Mode::empty()).map_err(|e| fail("open", src, e))?;
    let output = fs::open(
        dst,
        OFlags::CREAT | OFlags::TRUNC | OFlags::WRONLY,
        Mode::from_octal(0o644),
    )
    .map_err(|e| fail("create", dst, e))?;

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
const LINE: &[u8] = b"sysrt copyfile demo\n";
const LINES: usize = 2000;

/// The demonstration: writes a source file, copies it, compares the copy, removes both.
fn demo() -> Result<(), Errno> {
    let (mut src_buf, mut dst_buf) = ([0u8; 64], [0u8; 64]);
    let src = demo_path(&mut src_buf, "src")?;
    let dst = demo_path(&mut dst_buf, "dst")?;
    let result = demo_in(src, dst);
    let _ = fs::unlink(src);
    let _ = fs::unlink(dst);
    match result {
        Ok(total) => {
            let show = |p| core::str::from_utf8(p).unwrap_or("?");
            println!(
                "copyfile: copied {total} bytes from {} to {} with {BUF_SIZE}-byte reads, checked the copy, removed both",
                show(src),
                show(dst)
            );
            Ok(())
        }
        Err(failure) => {
            eprintln!("copyfile: {failure}");
            Err(failure.err)
        }
    }
}

/// `/tmp/sysrt-copyfile-<pid>.<what>`: unique per process, so demos running at the same time
/// cannot collide.
fn demo_path<'b>(buf: &'b mut [u8], what: &str) -> Result<&'b [u8], Errno> {
    let mut out = Cursor { buf, len: 0 };
    let pid = sysrt::process::getpid();
    write!(out, "/tmp/sysrt-copyfile-{pid}.{what}").map_err(|_| Errno::ENAMETOOLONG)?;
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

fn demo_in<'p>(src: &'p [u8], dst: &'p [u8]) -> Result<u64, Failure<'p>> {
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

    let total = copy(src, dst)?;

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
    Ok(total)
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
