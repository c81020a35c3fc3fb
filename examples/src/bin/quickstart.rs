//! `quickstart`: the README's quick start. Creates a file, writes "Hello, syscall!", closes
//! it, reads it back, prints it and removes it, reporting any error with its errno.
#![no_std]
#![no_main]

use sysrt::fs::{self, Mode, OFlags};
use sysrt::{Errno, io};
use sysrt_rt::{eprintln, println};

const PATH: &str = "/tmp/sysrt-quickstart.txt";

fn run() -> Result<(), (&'static str, Errno)> {
    let fd = fs::open(
        PATH,
        OFlags::CREAT | OFlags::WRONLY | OFlags::TRUNC,
        Mode::from_octal(0o644),
    )
    .map_err(|e| ("open for writing", e))?;
    io::write_all(&fd, b"Hello, syscall!").map_err(|e| ("write", e))?;
    io::close(fd).map_err(|e| ("close", e))?;

    let fd = fs::open(PATH, OFlags::RDONLY, Mode::empty()).map_err(|e| ("open for reading", e))?;
    let mut buf = [0u8; 64];
    let n = io::read(&fd, &mut buf).map_err(|e| ("read", e))?;
    drop(fd);
    fs::unlink(PATH).map_err(|e| ("unlink", e))?;

    let text = core::str::from_utf8(&buf[..n]).map_err(|_| ("decode", Errno::EILSEQ))?;
    println!("{text}");
    Ok(())
}

fn main() -> i32 {
    match run() {
        Ok(()) => 0,
        Err((step, err)) => {
            eprintln!("quickstart: {step} {PATH}: {err}");
            let _ = fs::unlink(PATH);
            1
        }
    }
}

sysrt_rt::main!(main);
