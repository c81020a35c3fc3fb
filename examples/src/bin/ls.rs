//! `ls [DIR]`: lists a directory (default `.`), one line per entry: a type character, the
//! size, the name.
//!
//! ```text
//! d       4096 src
//! -        812 Cargo.toml
//! l          9 latest
//! ```
//!
//! Entries come in the filesystem's order: there is no sorting, because sorting needs the
//! whole listing in memory and this program allocates nothing (an 8 KiB buffer inside
//! [`fs::read_dir`] streams a directory of any size). `.` and `..` are skipped. The size is
//! from `fstatat(dir, name, AT_SYMLINK_NOFOLLOW)`, so a symlink shows its own length.
//! Errors go to stderr with what failed, and the exit status is 1.
#![no_std]
#![no_main]

use core::ffi::CStr;

use sysrt::fs::{self, AtFlags, FileType, Mode, OFlags};
use sysrt::{Errno, io};
use sysrt_rt::{eprintln, println};

/// `ls`'s one-character type column.
fn type_char(t: FileType) -> char {
    match t {
        FileType::Directory => 'd',
        FileType::RegularFile => '-',
        FileType::Symlink => 'l',
        FileType::Fifo => 'p',
        FileType::Socket => 's',
        FileType::CharacterDevice => 'c',
        FileType::BlockDevice => 'b',
        FileType::Unknown => '?',
    }
}

fn ls(dir: &CStr) -> Result<(), (&'static str, Errno)> {
    let dirfd = fs::open(dir, OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty())
        .map_err(|e| ("open", e))?;
    let mut entries = fs::read_dir(&dirfd);
    while let Some(entry) = entries.next_entry() {
        let entry = entry.map_err(|e| ("read", e))?;
        let name = entry.name();
        if name == c"." || name == c".." {
            continue;
        }
        // One lstat per entry gives both the size and, where d_type was DT_UNKNOWN, the type.
        let st = fs::fstatat(&dirfd, name, AtFlags::SYMLINK_NOFOLLOW)
            .map_err(|e| ("stat an entry of", e))?;
        let shown = core::str::from_utf8(name.to_bytes()).unwrap_or("<non-UTF-8 name>");
        println!("{} {:>10} {}", type_char(st.file_type()), st.size, shown);
    }
    // Report a failed close too: it is the last chance to see an I/O error.
    io::close(dirfd).map_err(|e| ("close", e))
}

fn main() -> i32 {
    let dir = sysrt_rt::args().nth(1).unwrap_or(c".");
    match ls(dir) {
        Ok(()) => 0,
        Err((step, err)) => {
            let shown = core::str::from_utf8(dir.to_bytes()).unwrap_or("<non-UTF-8 path>");
            eprintln!("ls: {step} {shown}: {err}");
            1
        }
    }
}

sysrt_rt::main!(main);
