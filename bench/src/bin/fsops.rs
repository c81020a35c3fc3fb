//! Files, row 5 of `cargo xtask bench`: listing a directory of 10,000 entries (names only,
//! and with an fstatat per entry) through sysrt's iterator, std::fs::read_dir and rustix's
//! `Dir`; copying a 256 MiB file with a warm page cache through sysrt's copy_file_range,
//! std::fs::copy and a 64 KiB read/write loop.
//!
//! Usage: `fsops DIR [ROUNDS [MIB]]`. DIR is made (and left for the next run: building 10,000
//! files takes longer than listing them); the copies are removed after each variant.

use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use sysrt_bench::{Row, Variant, main_with};

const ENTRIES: u64 = 10_000;

fn list_dir(root: &Path) -> PathBuf {
    root.join("list-10000")
}

/// Makes DIR/list-10000 with 10,000 empty files, and DIR/src of `mib` MiB, unless present.
fn prepare(root: &Path, mib: u64) -> std::io::Result<()> {
    let dir = list_dir(root);
    // The marker sits beside the directory, not in it: it says the 10,000 files are whole.
    let done = root.join("list-10000.complete");
    if !done.exists() {
        std::fs::create_dir_all(&dir)?;
        for i in 0..ENTRIES {
            File::create(dir.join(format!("f{i:05}")))?;
        }
        File::create(&done)?;
    }
    let src = root.join("src");
    if std::fs::metadata(&src).ok().map(|m| m.len()) != Some(mib << 20) {
        let mut f = File::create(&src)?;
        let mut block = vec![0u8; 1 << 20];
        for i in 0..mib {
            for (j, b) in block.iter_mut().enumerate() {
                *b = (i as usize * 31 + j * 7) as u8;
            }
            f.write_all(&block)?;
        }
    }
    // Warm the page cache: read it once.
    std::io::copy(&mut File::open(&src)?, &mut std::io::sink())?;
    Ok(())
}

fn is_dot(name: &[u8]) -> bool {
    name == b"." || name == b".."
}

/// The witness of a listing: entries seen + 2^32 × regular files that stat found.
fn witness(names: u64, regular: u64) -> u64 {
    names + (regular << 32)
}

fn list_sysrt(dir: &Path, stat: bool) -> u64 {
    use sysrt::fs::{AtFlags, FileType, Mode, OFlags};
    let path = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()).expect("no NUL");
    let fd = sysrt::fs::open(
        path.as_c_str(),
        OFlags::RDONLY | OFlags::DIRECTORY,
        Mode::empty(),
    )
    .expect("open the directory");
    let (mut names, mut regular) = (0, 0);
    let mut it = sysrt::fs::read_dir(&fd);
    while let Some(e) = it.next_entry() {
        let e = e.expect("getdents64");
        if is_dot(e.name().to_bytes()) {
            continue;
        }
        names += 1;
        if stat {
            let st = sysrt::fs::fstatat(&fd, e.name(), AtFlags::SYMLINK_NOFOLLOW).expect("fstatat");
            regular += u64::from(st.file_type() == FileType::RegularFile);
        }
    }
    witness(names, regular)
}

fn list_std(dir: &Path, stat: bool) -> u64 {
    let (mut names, mut regular) = (0, 0);
    for e in std::fs::read_dir(dir).expect("read_dir") {
        let e = e.expect("entry");
        names += 1;
        if stat {
            regular += u64::from(e.metadata().expect("metadata").is_file());
        }
    }
    witness(names, regular)
}

fn list_rustix(dir: &Path, stat: bool) -> u64 {
    use rustix::fs::{AtFlags, Mode, OFlags};
    let fd = rustix::fs::open(
        dir.as_os_str().as_encoded_bytes(),
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .expect("open the directory");
    let (mut names, mut regular) = (0, 0);
    let mut d = rustix::fs::Dir::read_from(&fd).expect("Dir");
    while let Some(e) = d.read() {
        let e = e.expect("getdents64");
        if is_dot(e.file_name().to_bytes()) {
            continue;
        }
        names += 1;
        if stat {
            let st =
                rustix::fs::statat(&fd, e.file_name(), AtFlags::SYMLINK_NOFOLLOW).expect("statat");
            regular += u64::from(
                rustix::fs::FileType::from_raw_mode(st.st_mode)
                    == rustix::fs::FileType::RegularFile,
            );
        }
    }
    witness(names, regular)
}

fn copy_sysrt(src: &Path, dst: &Path) -> u64 {
    let from = File::open(src).expect("open src");
    let to = File::create(dst).expect("create dst");
    use std::os::fd::AsRawFd;
    // SAFETY: both files stay open until the end of this function, past every use.
    let (from, to) = unsafe {
        (
            sysrt::fd::BorrowedFd::borrow_raw(from.as_raw_fd()),
            sysrt::fd::BorrowedFd::borrow_raw(to.as_raw_fd()),
        )
    };
    let mut total = 0u64;
    loop {
        match sysrt::io::copy_file_range(from, None, to, None, 1 << 30).expect("copy_file_range") {
            0 => break,
            k => total += k as u64,
        }
    }
    total
}

fn copy_std(src: &Path, dst: &Path) -> u64 {
    std::fs::copy(src, dst).expect("std::fs::copy")
}

fn copy_loop(src: &Path, dst: &Path) -> u64 {
    let mut from = File::open(src).expect("open src");
    let mut to = File::create(dst).expect("create dst");
    let mut buf = vec![0u8; 64 << 10];
    let mut total = 0u64;
    loop {
        match from.read(&mut buf).expect("read") {
            0 => break,
            k => {
                to.write_all(&buf[..k]).expect("write");
                total += k as u64;
            }
        }
    }
    total
}

/// Whether `dst` holds `src`'s bytes: its length, and 4 KiB at 16 places.
fn same(src: &Path, dst: &Path, len: u64) -> Result<(), String> {
    let (a, b) = (
        File::open(src).map_err(|e| e.to_string())?,
        File::open(dst).map_err(|e| e.to_string())?,
    );
    let got = b.metadata().map_err(|e| e.to_string())?.len();
    if got != len {
        return Err(format!("copy is {got} bytes, expected {len}"));
    }
    let (mut x, mut y) = (vec![0u8; 4096], vec![0u8; 4096]);
    for k in 0..16 {
        let off = (len / 16) * k;
        a.read_exact_at(&mut x, off).map_err(|e| e.to_string())?;
        b.read_exact_at(&mut y, off).map_err(|e| e.to_string())?;
        if x != y {
            return Err(format!("bytes differ at {off}"));
        }
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let Some(root) = args.get(1).map(PathBuf::from) else {
        eprintln!("usage: fsops DIR [ROUNDS [MIB]]");
        return std::process::ExitCode::from(2);
    };
    let rounds = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5);
    let mib: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(256);
    prepare(&root, mib).expect("prepare the files");
    let dir = list_dir(&root);
    let (src, dst) = (root.join("src"), root.join("dst"));
    let len = mib << 20;

    let d = dir.as_path();
    let names = [
        |d: &Path| list_sysrt(d, false),
        |d: &Path| list_std(d, false),
        |d: &Path| list_rustix(d, false),
    ];
    let stats = [
        |d: &Path| list_sysrt(d, true),
        |d: &Path| list_std(d, true),
        |d: &Path| list_rustix(d, true),
    ];
    let names_loops: Vec<Box<dyn Fn(u64) -> u64 + '_>> = names
        .iter()
        .map(|f| Box::new(move |_| f(d)) as Box<dyn Fn(u64) -> u64>)
        .collect();
    let stat_loops: Vec<Box<dyn Fn(u64) -> u64 + '_>> = stats
        .iter()
        .map(|f| Box::new(move |_| f(d)) as Box<dyn Fn(u64) -> u64>)
        .collect();
    let (s, t) = (src.as_path(), dst.as_path());
    let copies = [copy_sysrt, copy_std, copy_loop];
    let copy_loops: Vec<Box<dyn Fn(u64) -> u64 + '_>> = copies
        .iter()
        .map(|f| {
            Box::new(move |_| {
                let got = f(s, t);
                // The check reads the copy before the next variant replaces it.
                let ok = same(s, t, len).is_ok();
                let _ = std::fs::remove_file(t);
                if ok { got } else { u64::MAX }
            }) as Box<dyn Fn(u64) -> u64>
        })
        .collect();

    let list_names_ok = move |_, w: u64| {
        if w == ENTRIES {
            Ok(())
        } else {
            Err(format!("{w} entries, expected {ENTRIES}"))
        }
    };
    let list_stat_ok = move |_, w: u64| {
        let want = witness(ENTRIES, ENTRIES);
        if w == want {
            Ok(())
        } else {
            Err(format!(
                "{} entries, {} regular; expected {ENTRIES} of each",
                w & 0xffff_ffff,
                w >> 32
            ))
        }
    };
    let copy_ok = move |_, w: u64| {
        if w == len {
            Ok(())
        } else {
            Err(format!(
                "copied {w} bytes or the bytes differ; expected {len}"
            ))
        }
    };
    let lib_names = ["sysrt read_dir", "std::fs::read_dir", "rustix Dir"];
    let copy_names = [
        "sysrt copy_file_range",
        "std::fs::copy",
        "64 KiB read/write loop",
    ];
    let rows = [
        Row {
            id: "list 10,000 entries: names",
            unit: "µs",
            reference: "std::fs::read_dir",
            variants: lib_names
                .iter()
                .zip(&names_loops)
                .map(|(n, l)| Variant {
                    name: n,
                    run: l.as_ref(),
                })
                .collect(),
            check: &list_names_ok,
        },
        Row {
            id: "list 10,000 entries + fstatat",
            unit: "µs",
            reference: "std::fs::read_dir",
            variants: lib_names
                .iter()
                .zip(&stat_loops)
                .map(|(n, l)| Variant {
                    name: n,
                    run: l.as_ref(),
                })
                .collect(),
            check: &list_stat_ok,
        },
        Row {
            id: "copy 256 MiB (warm cache)",
            unit: "ms",
            reference: "std::fs::copy",
            variants: copy_names
                .iter()
                .zip(&copy_loops)
                .map(|(n, l)| Variant {
                    name: n,
                    run: l.as_ref(),
                })
                .collect(),
            check: &copy_ok,
        },
    ];
    println!("note: copy source {mib} MiB under {}", root.display());
    main_with(&rows, rounds, 1)
}
