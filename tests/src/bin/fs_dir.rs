//! Directories: getdents64, RawDir, ReadDir, for_each_entry, seekdir/rewinddir — the errors
//! (R15, R16, EBADF), every name exactly once with small buffers (R17), 10,000 and 100,000
//! entries streamed in bounded memory (R18), d_type, positions, and changes between reads.
#![no_std]
#![no_main]

use core::ffi::CStr;
use core::fmt::Write;

use linux_raw_sys::general as g;
use sysrt::fd::{AsFd, BorrowedFd, CWD, OwnedFd};
use sysrt::fs::{self, AtFlags, DirEntry, FileType, Mode, OFlags, RawDir, ReadDir};
use sysrt::{Errno, Result, Sysno};
use sysrt_tests::check::Buf;
use sysrt_tests::util::{FdBaseline, PathBuf, cloexec, closed_fd, join, raw_mkdir, tmp_path};
use sysrt_tests::{Tests, check};

const PLAN: usize = 60;

/// Entries of the large listings.
const MANY: usize = 10_000;
const HUGE: usize = 100_000;

fn open_dir(path: &str) -> Result<OwnedFd> {
    fs::open(path, OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty())
}

fn create(dirfd: impl AsFd, name: &[u8]) -> Result<()> {
    fs::openat(
        dirfd,
        name,
        OFlags::CREAT | OFlags::EXCL | OFlags::WRONLY,
        Mode::from_octal(0o644),
    )
    .map(drop)
}

/// `e` and six digits: the name of entry `i` of the large listings.
fn numbered(i: usize) -> [u8; 7] {
    let mut n = *b"e000000";
    let mut v = i;
    for b in n[1..].iter_mut().rev() {
        *b = b'0' + (v % 10) as u8;
        v /= 10;
    }
    n
}

/// The inverse of [`numbered`]; `None` for any other name.
fn number_of(name: &[u8]) -> Option<usize> {
    let digits = name.strip_prefix(b"e")?;
    if digits.len() != 6 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(digits.iter().fold(0, |n, d| n * 10 + usize::from(d - b'0')))
}

/// Tallies a listing of numbered entries: `counts[i]` is how often entry `i` was seen; names
/// that are neither numbered nor `.`/`..` count as strays.
struct Tally<'c> {
    counts: &'c mut [u8],
    dots: usize,
    strays: usize,
}

impl<'c> Tally<'c> {
    fn new(counts: &'c mut [u8]) -> Self {
        counts.fill(0);
        Tally {
            counts,
            dots: 0,
            strays: 0,
        }
    }

    fn see(&mut self, e: DirEntry<'_>) {
        let name = e.name().to_bytes();
        match number_of(name).and_then(|i| self.counts.get_mut(i)) {
            Some(c) => *c = c.saturating_add(1),
            None if name == b"." || name == b".." => self.dots += 1,
            None => self.strays += 1,
        }
    }

    /// (entries seen exactly once, entries seen more than once or never, dots, strays)
    fn summary(&self) -> (usize, usize, usize, usize) {
        let once = self.counts.iter().filter(|&&c| c == 1).count();
        (once, self.counts.len() - once, self.dots, self.strays)
    }
}

/// Creates entries `0..n` in `dirfd`; returns how many were created.
fn create_numbered(dirfd: BorrowedFd<'_>, n: usize) -> usize {
    (0..n)
        .filter(|&i| create(dirfd, &numbered(i)).is_ok())
        .count()
}

/// Removes entries `0..n` from `dirfd`; returns how many were removed.
fn remove_numbered(dirfd: BorrowedFd<'_>, n: usize) -> usize {
    (0..n)
        .filter(|&i| fs::unlinkat(dirfd, &numbered(i), AtFlags::empty()).is_ok())
        .count()
}

/// The name as text for a check (the fixtures' names are ASCII).
fn text(name: &CStr) -> Buf<256> {
    Buf::format(format_args!(
        "{}",
        core::str::from_utf8(name.to_bytes()).unwrap_or("?")
    ))
}

/// A read name as `&str`, for comparing.
fn as_text(n: &Option<Result<Buf<256>>>) -> Option<Result<&str>> {
    n.as_ref()
        .map(|r| r.as_ref().map(Buf::as_str).map_err(|e| *e))
}

/// Counts the entries named `name` from the directory's start, via `for_each_entry`.
fn count_named(dirfd: BorrowedFd<'_>, name: &[u8]) -> Result<usize> {
    fs::rewinddir(dirfd)?;
    let mut n = 0;
    fs::for_each_entry(dirfd, |e| {
        n += usize::from(e.name().to_bytes() == name);
        Ok(())
    })?;
    Ok(n)
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();

    let base = tmp_path("dir");
    let b = base.as_str();
    check!(t, "fixture_mkdir", raw_mkdir(b, 0o755), Ok(()));
    let Ok(dirfd) = open_dir(b) else {
        return t.finish();
    };
    let dfd = dirfd.as_fd();

    // A new directory holds exactly "." and "..", both directories; "." is the directory.
    let mut names = (0, 0, 0, true);
    let dot_ino = fs::fstat(dfd).map(|s| s.ino).unwrap_or(0);
    let mut dot_matches = false;
    let listed = fs::for_each_entry(dfd, |e| {
        match e.name().to_bytes() {
            b"." => {
                names.0 += 1;
                dot_matches = e.ino() == dot_ino;
            }
            b".." => names.1 += 1,
            _ => names.2 += 1,
        }
        names.3 &= e.file_type() == FileType::Directory;
        Ok(())
    });
    check!(
        t,
        "empty_dir_lists_dot_and_dotdot_only",
        (listed, names),
        (Ok(()), (1, 1, 0, true))
    );
    check!(t, "dot_entry_ino_is_the_directory", dot_matches, true);
    let mut big = [0u64; 64];
    // SAFETY: viewing the u64 array as its bytes.
    let bytes = unsafe { core::slice::from_raw_parts_mut(big.as_mut_ptr().cast::<u8>(), 512) };
    check!(
        t,
        "getdents64_at_end_returns_0",
        fs::getdents64(dfd, bytes),
        Ok(0usize)
    );
    check!(
        t,
        "rewinddir_then_getdents64_reads_again",
        fs::rewinddir(dfd)
            .and_then(|()| fs::getdents64(dfd, bytes))
            .map(|n| n > 0),
        Ok(true)
    );

    // R15, R16 and EBADF.
    check!(t, "fixture_regular_file", create(dfd, b"plain"), Ok(()));
    let plain = fs::openat(dfd, c"plain", OFlags::RDONLY, Mode::empty());
    check!(
        t,
        "getdents64_regular_file_enotdir_r15",
        plain
            .as_ref()
            .map_err(|e| *e)
            .and_then(|f| fs::getdents64(f, bytes)),
        Err(Errno::ENOTDIR)
    );
    let null = fs::open("/dev/null", OFlags::RDONLY, Mode::empty());
    check!(
        t,
        "getdents64_dev_null_enotdir_r15",
        null.as_ref()
            .map_err(|e| *e)
            .and_then(|f| fs::getdents64(f, bytes)),
        Err(Errno::ENOTDIR)
    );
    if let Ok(f) = &plain {
        let mut rd = fs::read_dir(f);
        let first = rd.next_entry().map(|r| r.map(|e| e.ino()));
        check!(
            t,
            "read_dir_on_regular_file_enotdir",
            (first, rd.next_entry().is_none()),
            (Some(Err(Errno::ENOTDIR)), true)
        );
    } else {
        check!(
            t,
            "read_dir_on_regular_file_enotdir",
            "open failed",
            "open ok"
        );
    }
    drop((plain, null));
    check!(
        t,
        "fixture_unlink_regular_file",
        fs::unlinkat(dfd, c"plain", AtFlags::empty()),
        Ok(())
    );
    check!(t, "rewind_for_small_buffer", fs::rewinddir(dfd), Ok(()));
    check!(
        t,
        "getdents64_16_byte_buffer_einval_r16",
        fs::getdents64(dfd, &mut bytes[..16]),
        Err(Errno::EINVAL)
    );
    {
        let mut small = [0u8; 20]; // the smallest record, ".", is 24 bytes
        let mut raw = RawDir::new(dfd, &mut small);
        let first = raw.next().map(|r| r.map(|e| e.ino()));
        check!(
            t,
            "rawdir_tiny_buffer_reports_einval_then_ends",
            (first, raw.next().is_none()),
            (Some(Err::<u64, Errno>(Errno::EINVAL)), true)
        );
    }
    let closed = closed_fd();
    check!(
        t,
        "getdents64_closed_fd_ebadf",
        fs::getdents64(closed, bytes),
        Err(Errno::EBADF)
    );
    check!(
        t,
        "read_dir_closed_fd_ebadf",
        fs::read_dir(closed)
            .next_entry()
            .map(|r| r.map(|e| e.ino())),
        Some(Err(Errno::EBADF))
    );
    check!(
        t,
        "seekdir_closed_fd_ebadf",
        fs::seekdir(closed, 0),
        Err(Errno::EBADF)
    );
    check!(
        t,
        "getdents64_on_cwd_token_ebadf",
        fs::getdents64(CWD, bytes),
        Err(Errno::EBADF)
    );

    // d_type of each kind, read through ReadDir.
    let types = join(base.as_str(), "types");
    check!(
        t,
        "fixture_types_dir",
        raw_mkdir(types.as_str(), 0o755),
        Ok(())
    );
    let Ok(tfd) = open_dir(types.as_str()) else {
        return t.finish();
    };
    // SAFETY: the names are NUL-terminated literals; symlinkat and mknodat only read them.
    let fixtures = unsafe {
        (
            create(&tfd, b"file"),
            raw_mkdir(join(types.as_str(), "sub").as_str(), 0o755),
            sysrt::raw_syscall(
                Sysno::symlinkat,
                c"file".as_ptr() as usize,
                tfd.as_raw_fd() as usize,
                c"link".as_ptr() as usize,
            )
            .map(drop),
            sysrt::raw_syscall6(
                Sysno::mknodat,
                tfd.as_raw_fd() as usize,
                c"fifo".as_ptr() as usize,
                (g::S_IFIFO | 0o600) as usize,
                0,
                0,
                0,
            )
            .map(drop),
        )
    };
    check!(
        t,
        "fixture_file_dir_symlink_fifo",
        fixtures,
        (Ok(()), Ok(()), Ok(()), Ok(()))
    );
    let mut kinds = [FileType::Unknown; 4];
    let mut total = 0;
    let mut rd = fs::read_dir(&tfd);
    let mut err = Ok(());
    while let Some(e) = rd.next_entry() {
        match e {
            Ok(e) => {
                total += 1;
                let slot = match e.name().to_bytes() {
                    b"file" => 0,
                    b"sub" => 1,
                    b"link" => 2,
                    b"fifo" => 3,
                    _ => continue,
                };
                kinds[slot] = e.file_type();
            }
            Err(x) => err = Err(x),
        }
    }
    check!(
        t,
        "d_type_file_dir_symlink_fifo",
        (err, kinds),
        (
            Ok(()),
            [
                FileType::RegularFile,
                FileType::Directory,
                FileType::Symlink,
                FileType::Fifo
            ]
        )
    );
    check!(t, "types_dir_has_6_entries_with_dots", total, 6);
    check!(
        t,
        "read_dir_keeps_returning_none_at_end",
        rd.next_entry().is_none(),
        true
    );

    // Positions: seek to an entry's d_off resumes after it; rewind restarts.
    let mut order: [Buf<256>; 6] = Default::default();
    let mut offs = [0i64; 6];
    check!(t, "readdir_rewind", rd.rewind(), Ok(()));
    let mut i = 0;
    while let Some(Ok(e)) = rd.next_entry() {
        if let (Some(o), Some(n)) = (offs.get_mut(i), order.get_mut(i)) {
            *o = e.offset();
            *n = text(e.name());
        }
        i += 1;
    }
    check!(t, "rewind_lists_all_6_again", i, 6);
    check!(
        t,
        "readdir_seek_to_second_entry_offset",
        rd.seek(offs[1]),
        Ok(())
    );
    let next = rd.next_entry().map(|r| r.map(|e| text(e.name())));
    check!(
        t,
        "seek_resumes_with_the_third_entry",
        as_text(&next),
        Some(Ok(order[2].as_str()))
    );
    check!(
        t,
        "seekdir_free_fn_to_fourth_offset",
        fs::seekdir(&tfd, offs[3]),
        Ok(())
    );
    let mut raw_buf = [0u8; 1027];
    {
        // An odd start: RawDir aligns it internally.
        let mut raw = RawDir::new(tfd.as_fd(), &mut raw_buf[3..]);
        let next = raw.next().map(|r| r.map(|e| text(e.name())));
        check!(
            t,
            "seekdir_resumes_with_the_fifth_entry",
            as_text(&next),
            Some(Ok(order[4].as_str()))
        );
    }
    check!(t, "rewinddir", fs::rewinddir(&tfd), Ok(()));
    let mut count = 0;
    let mut first = Buf::<256>::new();
    {
        let mut raw = RawDir::new(tfd.as_fd(), &mut raw_buf[3..]);
        while let Some(Ok(e)) = raw.next() {
            if count == 0 {
                first = text(e.name());
            }
            count += 1;
        }
    }
    check!(
        t,
        "rewinddir_restarts_from_first_entry",
        (count, first.as_str()),
        (6, order[0].as_str())
    );

    // Entries appear and disappear between reads.
    check!(
        t,
        "new_entry_absent_before_create",
        count_named(tfd.as_fd(), b"new"),
        Ok(0usize)
    );
    check!(t, "fixture_create_new", create(&tfd, b"new"), Ok(()));
    check!(
        t,
        "new_entry_listed_after_create",
        count_named(tfd.as_fd(), b"new"),
        Ok(1usize)
    );
    check!(
        t,
        "fixture_unlink_new",
        fs::unlinkat(&tfd, c"new", AtFlags::empty()),
        Ok(())
    );
    check!(
        t,
        "new_entry_gone_after_unlink",
        count_named(tfd.as_fd(), b"new"),
        Ok(0usize)
    );
    // for_each_entry stops at the closure's first error and returns it.
    let mut calls = 0;
    let stopped = fs::rewinddir(&tfd).and_then(|()| {
        fs::for_each_entry(&tfd, |_| {
            calls += 1;
            Err(Errno::ECANCELED)
        })
    });
    check!(
        t,
        "for_each_entry_returns_closure_error",
        (stopped, calls),
        (Err(Errno::ECANCELED), 1)
    );

    // R17: names of every length 1..=100, plus 200 and 255, read 512 bytes at a time.
    let r17 = join(base.as_str(), "r17");
    check!(t, "fixture_r17_dir", raw_mkdir(r17.as_str(), 0o755), Ok(()));
    let Ok(r17fd) = open_dir(r17.as_str()) else {
        return t.finish();
    };
    let x = [b'x'; 255];
    let lens = (1..=100).chain([200, 255]);
    let made = lens
        .clone()
        .filter(|&n| create(&r17fd, &x[..n]).is_ok())
        .count();
    check!(t, "fixture_r17_102_names", made, 102);
    let mut seen = [0u8; 256];
    let mut bad = 0;
    {
        let mut buf = [0u8; 512];
        let mut raw = RawDir::new(r17fd.as_fd(), &mut buf);
        while let Some(e) = raw.next() {
            match e {
                Ok(e) => {
                    let n = e.name().to_bytes();
                    if n.iter().all(|&c| c == b'x') {
                        seen[n.len()] = seen[n.len()].saturating_add(1);
                    } else if n != b"." && n != b".." {
                        bad += 1;
                    }
                }
                Err(_) => bad += 1,
            }
        }
    }
    let wanted_once = lens.clone().all(|n| seen[n] == 1);
    let total_seen: usize = seen.iter().map(|&c| usize::from(c)).sum();
    check!(
        t,
        "r17_every_name_exactly_once",
        (wanted_once, total_seen, bad),
        (true, 102, 0)
    );
    // The same listing needs many calls at 512 bytes: count them with the raw call.
    let mut calls = 0;
    let mut bytes_read = 0;
    let _ = fs::rewinddir(&r17fd);
    let mut buf = [0u64; 64];
    // SAFETY: viewing the u64 array as its 512 bytes.
    let buf = unsafe { core::slice::from_raw_parts_mut(buf.as_mut_ptr().cast::<u8>(), 512) };
    while let Ok(n @ 1..) = fs::getdents64(&r17fd, buf) {
        calls += 1;
        bytes_read += n;
    }
    check!(
        t,
        "r17_took_several_getdents64_calls",
        (calls > 10, bytes_read > 5 * 512),
        (true, true)
    );
    let removed = lens
        .filter(|&n| fs::unlinkat(&r17fd, &x[..n], AtFlags::empty()).is_ok())
        .count();
    check!(t, "cleanup_r17_names", removed, 102);
    drop(r17fd);

    // 10,000 entries with a 1 KiB buffer: RawDir, then ReadDir, each entry exactly once.
    let many = join(base.as_str(), "many");
    check!(
        t,
        "fixture_many_dir",
        raw_mkdir(many.as_str(), 0o755),
        Ok(())
    );
    let Ok(manyfd) = open_dir(many.as_str()) else {
        return t.finish();
    };
    check!(
        t,
        "fixture_10000_files",
        create_numbered(manyfd.as_fd(), MANY),
        MANY
    );
    let mut counts = [0u8; HUGE];
    {
        let mut tally = Tally::new(&mut counts[..MANY]);
        let mut kbuf = [0u8; 1024];
        let mut raw = RawDir::new(manyfd.as_fd(), &mut kbuf);
        let mut errors = 0;
        while let Some(e) = raw.next() {
            match e {
                Ok(e) => tally.see(e),
                Err(_) => errors += 1,
            }
        }
        check!(
            t,
            "rawdir_1k_buffer_10000_each_once",
            (tally.summary(), errors),
            ((MANY, 0, 2, 0), 0)
        );
    }
    check!(t, "rewind_many", fs::rewinddir(&manyfd), Ok(()));
    {
        let mut tally = Tally::new(&mut counts[..MANY]);
        let mut rd = fs::read_dir(&manyfd);
        let mut errors = 0;
        while let Some(e) = rd.next_entry() {
            match e {
                Ok(e) => tally.see(e),
                Err(_) => errors += 1,
            }
        }
        check!(
            t,
            "read_dir_10000_each_once",
            (tally.summary(), errors),
            ((MANY, 0, 2, 0), 0)
        );
    }
    check!(
        t,
        "cleanup_10000_files",
        remove_numbered(manyfd.as_fd(), MANY),
        MANY
    );
    drop(manyfd);

    // R18: 100,000 entries on tmpfs, streamed through one fixed 8 KiB reader.
    let mut huge = PathBuf::new();
    let _ = write!(
        huge,
        "/dev/shm/sysrt-test-{}-huge",
        sysrt::process::getpid()
    );
    check!(
        t,
        "fixture_huge_dir_on_dev_shm",
        raw_mkdir(huge.as_str(), 0o755),
        Ok(())
    );
    let Ok(hugefd) = open_dir(huge.as_str()) else {
        return t.finish();
    };
    // tmpfs limits inodes (by default half the RAM pages: 65,536 in a 512 MiB machine, fewer
    // with a bigger kernel); without room the fixture cannot be made. A limit of 0 means none.
    let room = fs::statfs(huge.as_str()).map(|s| (s.files, s.ffree));
    let skip = match room {
        Ok((files, free)) if files != 0 && free < HUGE as u64 + 64 => Some(Buf::<128>::format(
            format_args!("/dev/shm has {free} free inodes, the fixture needs 100,000"),
        )),
        _ => None,
    };
    let huge_cases = [
        "fixture_100000_files",
        "r18_100000_each_once_streamed",
        "cleanup_100000_files",
    ];
    if let Some(why) = &skip {
        for case in huge_cases {
            t.skip(case, why.as_str());
        }
    } else {
        check!(
            t,
            huge_cases[0],
            create_numbered(hugefd.as_fd(), HUGE),
            HUGE
        );
        let mut tally = Tally::new(&mut counts);
        let r = fs::for_each_entry(&hugefd, |e| {
            tally.see(e);
            Ok(())
        });
        check!(
            t,
            huge_cases[1],
            (r, tally.summary()),
            (Ok(()), (HUGE, 0, 2, 0))
        );
        check!(
            t,
            huge_cases[2],
            remove_numbered(hugefd.as_fd(), HUGE),
            HUGE
        );
    }
    // Bounded memory: the reader is its 8 KiB buffer and a few words, whatever the size.
    check!(
        t,
        "read_dir_state_is_8k_plus_a_few_words",
        core::mem::size_of::<ReadDir<BorrowedFd<'_>>>() <= 8192 + 64,
        true
    );
    drop(hugefd);
    check!(
        t,
        "cleanup_huge_dir",
        fs::unlinkat(CWD, huge.as_str(), AtFlags::REMOVEDIR),
        Ok(())
    );
    check!(
        t,
        "huge_dir_is_gone",
        fs::lstat(huge.as_str()).map(drop),
        Err(Errno::ENOENT)
    );

    // Clean up the rest.
    let removed = [
        fs::unlinkat(&tfd, c"file", AtFlags::empty()),
        fs::unlinkat(&tfd, c"link", AtFlags::empty()),
        fs::unlinkat(&tfd, c"fifo", AtFlags::empty()),
        fs::unlinkat(&tfd, c"sub", AtFlags::REMOVEDIR),
        fs::unlinkat(dfd, c"types", AtFlags::REMOVEDIR),
        fs::unlinkat(dfd, c"r17", AtFlags::REMOVEDIR),
        fs::unlinkat(dfd, c"many", AtFlags::REMOVEDIR),
    ];
    check!(t, "cleanup_fixtures", removed, [Ok(()); 7]);
    check!(
        t,
        "fixture_fds_have_cloexec",
        (cloexec(&tfd), cloexec(dfd)),
        (Ok(true), Ok(true))
    );
    drop(tfd);
    drop(dirfd);
    check!(
        t,
        "cleanup_rmdir_base",
        fs::unlinkat(CWD, b, AtFlags::REMOVEDIR),
        Ok(())
    );
    check!(
        t,
        "base_dir_is_gone",
        fs::lstat(b).map(drop),
        Err(Errno::ENOENT)
    );

    baseline.check(&mut t);
    t.finish()
}

sysrt_rt::main!(main);
