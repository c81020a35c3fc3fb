//! Shared by the example programs: what `copyfile` and `cp` do when run without arguments, and
//! the echo server and client.
#![no_std]
// Only the libc-free example programs use this; a host test build (`clippy --all-targets`)
// must not load sysrt-rt, whose panic handler would clash with std's.
#![cfg(not(test))]

/// The self-demonstration of a copy program: write a 40 000-byte file under /tmp, copy it with
/// the program's own copy function, check the copy's bytes, remove both, and say so.
pub mod selfdemo {
    use core::fmt::{self, Write};

    use sysrt::Errno;
    use sysrt::fs::{self, Mode, OFlags};
    use sysrt::io;
    use sysrt_rt::eprintln;

    /// Bytes in one line of the demonstration's content.
    pub const LINE_LEN: usize = 20;

    /// Lines in the demonstration's content: 40 000 bytes, more than one read of either program.
    const LINES: usize = 2000;

    /// What failed: the step, the path it was working on, and the errno.
    pub struct Failure<'p> {
        /// The step, as the message says it (`open`, `create`, `read`, `verify` …).
        pub step: &'static str,
        /// The path the step was working on.
        pub path: &'p [u8],
        /// What the kernel said.
        pub err: Errno,
    }

    impl fmt::Display for Failure<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let path = core::str::from_utf8(self.path).unwrap_or("(non-UTF-8 path)");
            write!(f, "{} {}: {}", self.step, path, self.err)
        }
    }

    /// Runs the demonstration of the program `name`: writes `line` 2000 times to
    /// `/tmp/sysrt-<name>-<pid>.src`, calls `copy(src, dst)` to copy it to the `.dst` beside it,
    /// reads the copy back and compares it, and removes both files whatever happened. On success `report` gets
    /// what `copy` returned and both paths; on failure the step is printed to stderr as
    /// `<name>: <step> <path>: <errno>` and the errno returned.
    pub fn run<T>(
        name: &str,
        line: &[u8; LINE_LEN],
        copy: impl for<'p> FnOnce(&'p [u8], &'p [u8]) -> Result<T, Failure<'p>>,
        report: impl FnOnce(T, &str, &str),
    ) -> Result<(), Errno> {
        let (mut src_buf, mut dst_buf) = ([0u8; 64], [0u8; 64]);
        let src = demo_path(&mut src_buf, name, "src")?;
        let dst = demo_path(&mut dst_buf, name, "dst")?;
        let result = write_copy_check(src, dst, line, copy);
        let _ = fs::unlink(src);
        let _ = fs::unlink(dst);
        match result {
            Ok(copied) => {
                let show = |p| core::str::from_utf8(p).unwrap_or("?");
                report(copied, show(src), show(dst));
                Ok(())
            }
            Err(failure) => {
                eprintln!("{name}: {failure}");
                Err(failure.err)
            }
        }
    }

    fn write_copy_check<'p, T>(
        src: &'p [u8],
        dst: &'p [u8],
        line: &[u8; LINE_LEN],
        copy: impl FnOnce(&'p [u8], &'p [u8]) -> Result<T, Failure<'p>>,
    ) -> Result<T, Failure<'p>> {
        let fail = |step, path, err| Failure { step, path, err };
        let fd = fs::open(
            src,
            OFlags::CREAT | OFlags::EXCL | OFlags::WRONLY,
            Mode::from_octal(0o600),
        )
        .map_err(|e| fail("create", src, e))?;
        let mut content = [0u8; LINE_LEN * LINES];
        for chunk in content.chunks_exact_mut(LINE_LEN) {
            chunk.copy_from_slice(line);
        }
        io::write_all(&fd, &content).map_err(|e| fail("write", src, e))?;
        drop(fd);

        let copied = copy(src, dst)?;

        let fd = fs::open(dst, OFlags::RDONLY, Mode::empty()).map_err(|e| fail("open", dst, e))?;
        // One byte of room more than expected, to notice a copy that is too long.
        let mut back = [0u8; LINE_LEN * LINES + 1];
        let mut len = 0;
        while let Some(rest) = back.get_mut(len..).filter(|rest| !rest.is_empty()) {
            match io::read(&fd, rest).map_err(|e| fail("read", dst, e))? {
                0 => break,
                n => len += n,
            }
        }
        if back[..len] != content[..] {
            return Err(fail("verify", dst, Errno::EIO));
        }
        Ok(copied)
    }

    /// `/tmp/sysrt-<name>-<pid>.<what>`: unique per process, so demos running at the same time
    /// cannot collide.
    fn demo_path<'b>(buf: &'b mut [u8], name: &str, what: &str) -> Result<&'b [u8], Errno> {
        let mut out = Cursor { buf, len: 0 };
        let pid = sysrt::process::getpid();
        write!(out, "/tmp/sysrt-{name}-{pid}.{what}").map_err(|_| Errno::ENAMETOOLONG)?;
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
}

/// Opening the two ends of a copy, as `copyfile` and `cp` both need it.
pub mod ends {
    use sysrt::Errno;
    use sysrt::fd::OwnedFd;
    use sysrt::fs::{self, Mode, OFlags};
    use sysrt::io;

    use crate::selfdemo::Failure;

    /// Opens `src` for reading and `dst` for writing, ready for a copy from offset 0.
    ///
    /// A new `dst` gets `src`'s permission bits (less the umask), as cp(1) does; an existing
    /// one is truncated — but only after checking it is not `src` itself under another name
    /// (a hard link, a symlink, the same path), which truncating would have emptied before a
    /// byte was read. A directory `src` is refused.
    ///
    /// # Errors
    /// The failing step with its path: `open`/`stat` of `src`, `copy` (`EISDIR`: a
    /// directory), `create` of `dst`, `copy onto itself` (`EINVAL`), `truncate`.
    pub fn open<'p>(src: &'p [u8], dst: &'p [u8]) -> Result<(OwnedFd, OwnedFd), Failure<'p>> {
        let fail = |step, path, err| Failure { step, path, err };
        let input =
            fs::open(src, OFlags::RDONLY, Mode::empty()).map_err(|e| fail("open", src, e))?;
        let meta = fs::fstat(&input).map_err(|e| fail("stat", src, e))?;
        if meta.is_dir() {
            return Err(fail("copy", src, Errno::EISDIR));
        }
        let output = fs::open(dst, OFlags::CREAT | OFlags::WRONLY, meta.permissions())
            .map_err(|e| fail("create", dst, e))?;
        let out_meta = fs::fstat(&output).map_err(|e| fail("stat", dst, e))?;
        if (out_meta.dev, out_meta.ino) == (meta.dev, meta.ino) {
            return Err(fail("copy onto itself", dst, Errno::EINVAL));
        }
        io::ftruncate(&output, 0).map_err(|e| fail("truncate", dst, e))?;
        Ok((input, output))
    }
}

pub mod echo;
