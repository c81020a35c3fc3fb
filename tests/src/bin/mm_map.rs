//! Mappings: the owning Mmap/MmapMut (anonymous, shared and private file mappings,
//! MAP_FIXED_NOREPLACE, MAP_POPULATE, huge pages), protection changes observed by a child
//! killed with SIGSEGV, SIGBUS past the end of a file, MADV_DONTNEED, mremap, and every error
//! case of R44, R45, R47 and R48 (the raw ones through the unsafe layer).
//!
//! Nothing assumes 4096-byte pages: every size is a multiple of `page_size()`, and xtask runs
//! this program again on aarch64 with QEMU emulating 16 KiB and 64 KiB pages.
#![no_std]
#![no_main]

use core::ffi::c_void;

use linux_raw_sys::general::CAP_IPC_LOCK;
use sysrt::Errno;
use sysrt::fs::{self, Mode, OFlags};
use sysrt::io;
use sysrt::mm::{
    self, Advice, HugePageSize, MapFlags, MmapOptions, MsyncFlags, ProtFlags, Sharing,
};
use sysrt::signal::Signal;
use sysrt_tests::fault::{Status, in_child};
use sysrt_tests::procfs::{field, line_count};
use sysrt_tests::util::{FdBaseline, closed_fd, contents, has_cap, tmp_path, under_qemu};
use sysrt_tests::{Tests, check};

const PLAN: usize = 65;

/// A file of `len` bytes of `fill` at `path`, opened read-write.
fn file_of(path: &str, len: usize, fill: u8) -> Result<sysrt::fd::OwnedFd, Errno> {
    let fd = fs::open(
        path,
        OFlags::CREAT | OFlags::TRUNC | OFlags::RDWR,
        Mode::from_octal(0o600),
    )?;
    let chunk = [fill; 512];
    let mut left = len;
    while left > 0 {
        let n = left.min(chunk.len());
        io::write_all(&fd, &chunk[..n])?;
        left -= n;
    }
    Ok(fd)
}

/// Whether every byte of `b` is `v`.
fn all(b: &[u8], v: u8) -> bool {
    b.iter().all(|&x| x == v)
}

/// The residency bits `mincore` reports for `pages` pages at `addr` (one bool per page, up to
/// 16 pages). The vector is sized for 4 KiB pages whatever `page_size()` says, so it is large
/// enough even where an emulator reports larger pages than it tracks.
fn resident(addr: *const c_void, pages: usize) -> Result<[bool; 16], Errno> {
    let mut vec = [0u8; 16 * 16];
    mm::mincore(addr, pages * mm::page_size(), &mut vec)?;
    let mut out = [false; 16];
    for (o, v) in out.iter_mut().zip(&vec[..pages]) {
        *o = v & 1 != 0;
    }
    Ok(out)
}

/// A case with a known QEMU deviation: under QEMU, when `got` is `deviant`, the case is
/// skipped with `why` (which names the deviation); otherwise it must be `expected`.
fn check_or_qemu_skip<T: core::fmt::Debug + PartialEq>(
    t: &mut Tests,
    name: &str,
    got: T,
    expected: T,
    deviant: T,
    why: &str,
) {
    if under_qemu() && got == deviant && got != expected {
        t.skip(name, why);
    } else {
        t.check(name, got, expected);
    }
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();
    let maps_at_start = line_count("/proc/self/maps");
    let ps = mm::page_size();

    // ---- page size ------------------------------------------------------------------------
    check!(
        t,
        "page_size_is_at_pagesz_power_of_two",
        (
            sysrt::auxv::getauxval(sysrt::auxv::PAGESZ),
            ps.is_power_of_two() && ps >= 4096
        ),
        (Some(ps), true)
    );
    sysrt_rt::println!("page size: {ps}");

    // ---- anonymous ------------------------------------------------------------------------
    match MmapOptions::new(3 * ps).map_anonymous() {
        Ok(mut m) => {
            check!(
                t,
                "anonymous_zero_filled_page_aligned",
                (m.len(), all(&m, 0), m.as_ptr() as usize % ps),
                (3 * ps, true, 0)
            );
            for (i, b) in m.iter_mut().enumerate() {
                *b = i as u8;
            }
            let ok = m.iter().enumerate().all(|(i, &b)| b == i as u8);
            check!(t, "anonymous_write_then_read_back", ok, true);
        }
        Err(e) => {
            check!(
                t,
                "anonymous_zero_filled_page_aligned",
                Err::<(), _>(e),
                Ok(())
            );
            check!(t, "anonymous_write_then_read_back", false, true);
        }
    }
    check!(
        t,
        "anonymous_len_0_einval_r44",
        MmapOptions::new(0).map_anonymous().map(drop),
        Err(Errno::EINVAL)
    );
    // An odd length: the mapping covers whole pages, the view exactly the length asked for.
    check!(
        t,
        "anonymous_odd_len_view_is_exact",
        MmapOptions::new(ps + 1).map_anonymous().map(|m| m.len()),
        Ok(ps + 1)
    );

    // ---- raw mmap/munmap/mprotect error cases (R44, R47, R48) ---------------------------------
    let rw = ProtFlags::READ | ProtFlags::WRITE;
    // SAFETY: no MAP_FIXED: nothing existing is touched; the call fails before mapping.
    let r = unsafe { mm::mmap(core::ptr::null_mut(), ps, rw, MapFlags::ANONYMOUS, None, 0) };
    check!(
        t,
        "raw_mmap_neither_private_nor_shared_einval_r44",
        r.map(drop),
        Err(Errno::EINVAL)
    );
    // SAFETY: as above; a closed fd fails with EBADF.
    let r = unsafe {
        mm::mmap(
            core::ptr::null_mut(),
            ps,
            rw,
            MapFlags::SHARED,
            Some(closed_fd()),
            0,
        )
    };
    check!(
        t,
        "raw_mmap_closed_fd_ebadf_r44",
        r.map(drop),
        Err(Errno::EBADF)
    );
    // SAFETY: a zero length fails before anything is unmapped.
    let r = unsafe { mm::munmap(ps as *mut c_void, 0) };
    check!(t, "raw_munmap_len_0_einval_r47", r, Err(Errno::EINVAL));
    // SAFETY: an unaligned address fails before anything is unmapped.
    let r = unsafe { mm::munmap((ps + 1) as *mut c_void, ps) };
    check!(t, "raw_munmap_unaligned_einval_r47", r, Err(Errno::EINVAL));
    // SAFETY: a range past the end of the address space fails first.
    let r = unsafe { mm::munmap(!(ps - 1) as *mut c_void, 2 * ps) };
    check!(
        t,
        "raw_munmap_beyond_address_space_einval_r47",
        r,
        Err(Errno::EINVAL)
    );
    // A mapping of our own, unmapped twice: the second munmap of the now-empty range is not an
    // error on Linux.
    // SAFETY: a fresh private anonymous mapping that nothing references; no MAP_FIXED.
    let p = unsafe {
        mm::mmap(
            core::ptr::null_mut(),
            ps,
            rw,
            MapFlags::PRIVATE | MapFlags::ANONYMOUS,
            None,
            0,
        )
    };
    if let Ok(p) = p {
        // SAFETY: the mapping was made above and nothing references it.
        let first = unsafe { mm::munmap(p, ps) };
        // SAFETY: the range is now empty (no other mapping can have taken it: the program is
        // single-threaded and maps nothing in between); munmap of nothing changes nothing.
        let second = unsafe { mm::munmap(p, ps) };
        check!(
            t,
            "raw_munmap_twice_second_is_ok_r47",
            (first, second),
            (Ok(()), Ok(()))
        );
        // SAFETY: mprotect of an empty range changes nothing; it fails.
        let r = unsafe { mm::mprotect(p, ps, ProtFlags::READ) };
        check!(
            t,
            "raw_mprotect_unmapped_range_enomem_r48",
            r,
            Err(Errno::ENOMEM)
        );
    } else {
        check!(t, "raw_munmap_twice_second_is_ok_r47", p.map(drop), Ok(()));
        check!(
            t,
            "raw_mprotect_unmapped_range_enomem_r48",
            p.map(drop),
            Ok(())
        );
    }
    // SAFETY: address 0 is never mapped (mmap_min_addr); nothing changes.
    let r = unsafe { mm::mprotect(core::ptr::null_mut(), ps, ProtFlags::READ) };
    check!(
        t,
        "raw_mprotect_address_0_enomem_r48",
        r,
        Err(Errno::ENOMEM)
    );
    // SAFETY: an unaligned address fails before any change.
    let r = unsafe { mm::mprotect((ps + 1) as *mut c_void, ps, ProtFlags::READ) };
    check!(
        t,
        "raw_mprotect_unaligned_einval_r48",
        r,
        Err(Errno::EINVAL)
    );

    // ---- file mappings ----------------------------------------------------------------------
    let path = tmp_path("mm-map");
    let p = path.as_str();
    let fd = file_of(p, 2 * ps, b'.');
    check!(t, "file_fixture", fd.as_ref().map(drop), Ok(()));
    let Ok(fd) = fd else { return t.finish() };
    let mut buf = [0u8; 64];

    // The writes below go through the mapping; the bytes are read back with read(2) while no
    // view is borrowed.
    // SAFETY: nothing else writes or truncates the fixture while a view is borrowed.
    let shared = unsafe { MmapOptions::new(2 * ps).map_mut(&fd, Sharing::Shared) };
    match shared {
        Ok(mut m) => {
            m[..5].copy_from_slice(b"HELLO");
            m[ps..ps + 3].copy_from_slice(b"two");
            let head = contents(&fd, &mut buf).map(|b| &b[..8]);
            check!(
                t,
                "shared_file_mapping_write_visible_via_read",
                head,
                Ok(&b"HELLO..."[..])
            );
            let mut at_ps = [0u8; 3];
            check!(
                t,
                "shared_file_mapping_second_page_via_pread",
                (io::pread(&fd, &mut at_ps, ps as u64), at_ps),
                (Ok(3usize), *b"two")
            );
            check!(t, "shared_file_mapping_flush_msync_ok", m.flush(), Ok(()));
            // A write with write(2) is seen through the mapping (no view borrowed meanwhile).
            let _ = io::pwrite(&fd, b"pw", 10);
            check!(t, "pwrite_visible_in_shared_mapping", &m[10..12], b"pw");
            check!(
                t,
                "msync_async_and_sync_together_einval",
                mm::msync(&m, MsyncFlags::ASYNC | MsyncFlags::SYNC),
                Err(Errno::EINVAL)
            );
        }
        Err(e) => {
            for name in [
                "shared_file_mapping_write_visible_via_read",
                "shared_file_mapping_second_page_via_pread",
                "shared_file_mapping_flush_msync_ok",
                "pwrite_visible_in_shared_mapping",
                "msync_async_and_sync_together_einval",
            ] {
                check!(t, name, Err::<(), _>(e), Ok(()));
            }
        }
    }

    // A private mapping: copy-on-write, the file keeps its bytes.
    // SAFETY: as above: nothing writes the file while this mapping's views are borrowed.
    let private = unsafe { MmapOptions::new(ps).map_mut(&fd, Sharing::Private) };
    match private {
        Ok(mut m) => {
            let before = m[..5] == *b"HELLO";
            m[..5].copy_from_slice(b"cow!!");
            let file = contents(&fd, &mut buf).map(|b| &b[..5]);
            check!(
                t,
                "private_file_mapping_cow_not_in_file",
                (before, &m[..5], file),
                (true, &b"cow!!"[..], Ok(&b"HELLO"[..]))
            );
            // Discarding the private copy brings the file's bytes back.
            check!(
                t,
                "private_file_mapping_discard_shows_file_again",
                (m.discard(), &m[..5]),
                (Ok(()), &b"HELLO"[..])
            );
        }
        Err(e) => {
            check!(
                t,
                "private_file_mapping_cow_not_in_file",
                Err::<(), _>(e),
                Ok(())
            );
            check!(
                t,
                "private_file_mapping_discard_shows_file_again",
                Err::<(), _>(e),
                Ok(())
            );
        }
    }

    // Read-only fds: a shared read-only mapping cannot be made writable (R48), a private one
    // can (its writes are private copies).
    let ro = fs::open(p, OFlags::RDONLY, Mode::empty());
    check!(t, "open_fixture_read_only", ro.as_ref().map(drop), Ok(()));
    if let Ok(ro) = &ro {
        // SAFETY: nothing writes the file while these mappings' views are borrowed.
        let m = unsafe { MmapOptions::new(ps).map(ro, Sharing::Shared) };
        check!(
            t,
            "shared_map_of_rdonly_fd_reads_file",
            m.as_ref().map(|m| &m[..5]),
            Ok(&b"HELLO"[..])
        );
        check!(
            t,
            "shared_map_of_rdonly_fd_make_mut_eacces_r48",
            m.and_then(|m| m.make_mut()).map(drop),
            Err(Errno::EACCES)
        );
        // SAFETY: as above.
        let m = unsafe { MmapOptions::new(ps).map(ro, Sharing::Private) };
        let made = m.and_then(|m| m.make_mut()).map(|mut m| {
            m[0] = b'h';
            m[0]
        });
        check!(
            t,
            "private_map_of_rdonly_fd_make_mut_ok",
            (made, contents(ro, &mut buf).map(|b| b[0])),
            (Ok(b'h'), Ok(b'H'))
        );
        // SAFETY: the call fails (write access to a read-only fd, shared).
        let m = unsafe { MmapOptions::new(ps).map_mut(ro, Sharing::Shared) };
        check!(
            t,
            "shared_map_mut_of_rdonly_fd_eacces",
            m.map(drop),
            Err(Errno::EACCES)
        );
    } else {
        for name in [
            "shared_map_of_rdonly_fd_reads_file",
            "shared_map_of_rdonly_fd_make_mut_eacces_r48",
            "private_map_of_rdonly_fd_make_mut_ok",
            "shared_map_mut_of_rdonly_fd_eacces",
        ] {
            check!(t, name, false, true);
        }
    }
    drop(ro);

    // Mapping a write-only fd for reading (R44).
    let wo = fs::open(p, OFlags::WRONLY, Mode::empty());
    let r = wo.map(|wo| {
        // SAFETY: the call fails before anything is mapped.
        unsafe { MmapOptions::new(ps).map(&wo, Sharing::Shared) }.map(drop)
    });
    check!(
        t,
        "map_write_only_fd_for_reading_eacces_r44",
        r,
        Ok(Err(Errno::EACCES))
    );

    // Offsets: unaligned, above i64::MAX, and offset + len past i64::MAX (EINVAL with no
    // overflow, including where the sum would wrap u64).
    let map_at = |off: u64, len: usize| {
        // SAFETY: every one of these fails before mapping anything.
        unsafe { MmapOptions::new(len).offset(off).map(&fd, Sharing::Shared) }.map(drop)
    };
    check!(
        t,
        "map_unaligned_offset_einval",
        map_at(1, ps),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "map_offset_above_i64_max_einval",
        map_at(1 << 63, ps),
        Err(Errno::EINVAL)
    );
    let last = (i64::MAX as u64) & !(ps as u64 - 1);
    check!(
        t,
        "map_offset_plus_len_past_i64_max_einval",
        map_at(last, 2 * ps),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "map_offset_plus_len_wraps_u64_einval",
        map_at(!(ps as u64 - 1), !(ps - 1)),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "map_a_directory_enodev",
        fs::open("/tmp", OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty()).map(|d| {
            // SAFETY: the call fails: directories cannot be mapped.
            unsafe { MmapOptions::new(ps).map(&d, Sharing::Private) }.map(drop)
        }),
        Ok(Err(Errno::ENODEV))
    );

    // MAP_SHARED_VALIDATE with a flag the kernel does not know (R45), through the raw layer:
    // bit 21 is not a mmap flag on any arch.
    let unknown = MapFlags::SHARED_VALIDATE | MapFlags::from_bits_retain(1 << 21);
    // SAFETY: no MAP_FIXED; the call fails before mapping.
    let r = unsafe {
        mm::mmap(
            core::ptr::null_mut(),
            ps,
            ProtFlags::READ,
            unknown,
            Some(fd.as_fd()),
            0,
        )
    };
    check_or_qemu_skip(
        &mut t,
        "raw_shared_validate_unknown_flag_eopnotsupp_r45",
        r.map(drop),
        Err(Errno::EOPNOTSUPP),
        Err(Errno::EINVAL),
        "QEMU 7.2 answers EINVAL for MAP_SHARED_VALIDATE with an unknown flag",
    );

    // ---- signals in children --------------------------------------------------------------
    // A write after mprotect to read-only kills the writer with SIGSEGV.
    let ro_map = MmapOptions::new(ps).map_anonymous().and_then(|mut m| {
        m[0] = 7;
        m.make_read_only()
    });
    match ro_map {
        Ok(m) => {
            let addr = m.as_ptr() as usize;
            let ended = in_child(|| {
                // SAFETY: deliberately wrong, in a child that is meant to die: a write to a
                // read-only page faults before any byte changes.
                unsafe { core::ptr::write_volatile(addr as *mut u8, 1) };
                0
            });
            check!(
                t,
                "write_after_mprotect_read_only_child_sigsegv",
                (ended, m[0]),
                (Ok(Status::signaled(Signal::SEGV)), 7)
            );
        }
        Err(e) => check!(
            t,
            "write_after_mprotect_read_only_child_sigsegv",
            Err::<(), _>(e),
            Ok(())
        ),
    }
    // Touching a page wholly past the end of the file gives SIGBUS.
    let short = tmp_path("mm-short");
    let sfd = file_of(short.as_str(), 100, b's');
    // SAFETY: deliberately past EOF: only the child touches the second page, and is meant to
    // die of it; the parent reads only the first page, which the file covers.
    let m = sfd.and_then(|sfd| unsafe { MmapOptions::new(2 * ps).map(&sfd, Sharing::Shared) });
    match m {
        Ok(m) => {
            let past = m.as_ptr() as usize + ps;
            let ended = in_child(|| {
                // SAFETY: see above: the child is meant to die here.
                let v = unsafe { core::ptr::read_volatile(past as *const u8) };
                i32::from(v)
            });
            check_or_qemu_skip(
                &mut t,
                "touch_past_eof_child_sigbus",
                (ended, m[0], m[99], m[100]),
                (Ok(Status::signaled(Signal::BUS)), b's', b's', 0),
                (Ok(Status::signaled(Signal::SEGV)), b's', b's', 0),
                "QEMU emulating pages larger than the host's maps the page past EOF \
                 inaccessible: SIGSEGV, not SIGBUS",
            );
        }
        Err(e) => check!(t, "touch_past_eof_child_sigbus", Err::<(), _>(e), Ok(())),
    }
    let _ = fs::unlink(short.as_str());

    // ---- advice, discard, remap ---------------------------------------------------------------
    let m = MmapOptions::new(2 * ps).map_anonymous();
    match m {
        Ok(mut m) => {
            m.fill(0xaa);
            let r = m.discard();
            let zeroed = all(&m, 0);
            if under_qemu() && r.is_ok() && !zeroed {
                t.skip(
                    "madvise_dontneed_zeroes_anonymous",
                    "QEMU 7.2 ignores MADV_DONTNEED where it cannot pass it through",
                );
            } else {
                check!(
                    t,
                    "madvise_dontneed_zeroes_anonymous",
                    (r, zeroed),
                    (Ok(()), true)
                );
            }
            check!(
                t,
                "advise_willneed_sequential_normal_ok",
                (
                    m.advise(Advice::WillNeed),
                    m.advise(Advice::Sequential),
                    m.advise(Advice::Normal)
                ),
                (Ok(()), Ok(()), Ok(()))
            );
            check!(
                t,
                "madvise_unaligned_slice_einval",
                mm::madvise(&m[1..], Advice::Normal),
                Err(Errno::EINVAL)
            );
            // mremap: grow keeps the contents, new memory is zero; shrink keeps the prefix.
            for (i, b) in m.iter_mut().enumerate() {
                *b = (i % 251) as u8;
            }
            let r = m.resize(8 * ps);
            let kept = m
                .iter()
                .take(2 * ps)
                .enumerate()
                .all(|(i, &b)| b == (i % 251) as u8);
            check!(
                t,
                "mremap_grow_keeps_contents_new_zero",
                (r, m.len(), kept, all(&m[2 * ps..], 0)),
                (Ok(()), 8 * ps, true, true)
            );
            let r = m.resize(ps);
            let kept = m.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8);
            check!(
                t,
                "mremap_shrink_keeps_prefix",
                (r, m.len(), kept),
                (Ok(()), ps, true)
            );
            check_or_qemu_skip(
                &mut t,
                "mremap_to_0_einval_mapping_kept",
                (m.resize(0), m.len()),
                (Err(Errno::EINVAL), ps),
                (Err(Errno::ENOMEM), ps),
                "QEMU 7.2 answers ENOMEM for mremap to length 0 (the kernel: EINVAL)",
            );
        }
        Err(e) => {
            for name in [
                "madvise_dontneed_zeroes_anonymous",
                "advise_willneed_sequential_normal_ok",
                "madvise_unaligned_slice_einval",
                "mremap_grow_keeps_contents_new_zero",
                "mremap_shrink_keeps_prefix",
                "mremap_to_0_einval_mapping_kept",
            ] {
                check!(t, name, Err::<(), _>(e), Ok(()));
            }
        }
    }
    // SAFETY: nothing writes or truncates the fixture while these views are borrowed.
    let grow = unsafe { MmapOptions::new(ps).map(&fd, Sharing::Shared) }
        .and_then(|mut m| m.resize(2 * ps).map(|()| m.len()));
    check!(
        t,
        "resize_grow_file_mapping_einval",
        grow,
        Err(Errno::EINVAL)
    );

    // ---- MAP_FIXED_NOREPLACE (R45) --------------------------------------------------------
    match MmapOptions::new(2 * ps).map_anonymous() {
        Ok(mut m) => {
            m[0] = 42;
            let addr = m.as_ptr() as usize;
            let r = MmapOptions::new(ps).at(addr).map_anonymous().map(drop);
            check!(
                t,
                "fixed_noreplace_over_existing_eexist_r45",
                (r, m[0]),
                (Err(Errno::EEXIST), 42)
            );
            // The same address once free: placed exactly there.
            drop(m);
            let r = MmapOptions::new(ps)
                .at(addr)
                .map_anonymous()
                .map(|m| m.as_ptr() as usize);
            check!(t, "fixed_noreplace_free_address_placed_there", r, Ok(addr));
        }
        Err(e) => {
            check!(
                t,
                "fixed_noreplace_over_existing_eexist_r45",
                Err::<(), _>(e),
                Ok(())
            );
            check!(
                t,
                "fixed_noreplace_free_address_placed_there",
                Err::<(), _>(e),
                Ok(())
            );
        }
    }

    // ---- residency: MAP_POPULATE and mincore ------------------------------------------------
    let r = MmapOptions::new(4 * ps)
        .populate()
        .map_anonymous()
        .and_then(|m| resident(m.as_ptr().cast(), 4));
    check_or_qemu_skip(
        &mut t,
        "populate_every_page_resident_mincore",
        r.map(|r| r[..4] == [true; 4]),
        Ok(true),
        Ok(false),
        "QEMU 7.2 does not pass MAP_POPULATE on to the host",
    );
    let r = MmapOptions::new(4 * ps).map_anonymous().and_then(|mut m| {
        m[ps] = 1;
        resident(m.as_ptr().cast(), 4)
    });
    let r = r.map(|r| [r[0], r[1], r[2], r[3]]);
    if under_qemu() && ps != 4096 && r != Ok([false, true, false, false]) {
        // The vector QEMU passes on is the host's: one byte per 4 KiB page.
        t.skip(
            "mincore_only_the_touched_page_resident",
            "QEMU emulating larger pages reports mincore per 4 KiB host page",
        );
    } else {
        check!(
            t,
            "mincore_only_the_touched_page_resident",
            r,
            Ok([false, true, false, false])
        );
    }
    // A vector of exactly one byte per page, followed by canaries: nothing is written past
    // it, over a range of several of mincore's 1 MiB chunks (also where QEMU emulates larger
    // pages than the host's and would write one byte per 4 KiB host page).
    let mut vec = [0xAAu8; 40 + 16];
    let r = MmapOptions::new(40 * ps).map_anonymous().and_then(|mut m| {
        m[0] = 1;
        m[39 * ps] = 1;
        mm::mincore(m.as_ptr().cast(), 40 * ps, &mut vec[..40])
    });
    check!(
        t,
        "mincore_exact_vec_nothing_written_past_it",
        (r, all(&vec[40..], 0xAA)),
        (Ok(()), true)
    );
    if under_qemu() && ps != 4096 {
        t.skip(
            "mincore_exact_vec_touched_pages_resident",
            "QEMU emulating larger pages reports mincore per 4 KiB host page",
        );
    } else {
        check!(
            t,
            "mincore_exact_vec_touched_pages_resident",
            (vec[0] & 1, vec[1] & 1, vec[38] & 1, vec[39] & 1),
            (1, 0, 0, 1)
        );
    }
    let mut one = [0u8; 1];
    check!(
        t,
        "mincore_vec_too_short_einval",
        mm::mincore(ps as *const c_void, 2 * ps, &mut one),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "mincore_unmapped_range_enomem",
        mm::mincore(core::ptr::null(), ps, &mut one),
        Err(Errno::ENOMEM)
    );
    check_or_qemu_skip(
        &mut t,
        "mincore_unaligned_einval",
        mm::mincore((ps + 1) as *const c_void, 1, &mut one),
        Err(Errno::EINVAL),
        Err(Errno::ENOMEM),
        "QEMU 7.2 checks that the range is mapped before its alignment (ENOMEM)",
    );

    // ---- locking ------------------------------------------------------------------------
    match MmapOptions::new(ps).map_anonymous() {
        Ok(m) => {
            let before = field("/proc/self/status", "VmLck:");
            let locked = m.lock();
            let during = field("/proc/self/status", "VmLck:");
            let unlocked = m.unlock();
            let after = field("/proc/self/status", "VmLck:");
            let kib = (ps / 1024) as u64;
            check!(
                t,
                "mlock_counts_in_vmlck_munlock_releases",
                (
                    locked,
                    unlocked,
                    during.zip(before).map(|(d, b)| d - b),
                    after
                ),
                (Ok(()), Ok(()), Some(kib), before)
            );
            check_or_qemu_skip(
                &mut t,
                "mlock2_onfault_then_munlock",
                (mm::mlock2(&m, mm::MlockFlags::ONFAULT), mm::munlock(&m)),
                (Ok(()), Ok(())),
                (Err(Errno::ENOSYS), Ok(())),
                "QEMU 7.2 does not emulate mlock2 (ENOSYS)",
            );
        }
        Err(e) => {
            check!(
                t,
                "mlock_counts_in_vmlck_munlock_releases",
                Err::<(), _>(e),
                Ok(())
            );
            check!(t, "mlock2_onfault_then_munlock", Err::<(), _>(e), Ok(()));
        }
    }
    check!(
        t,
        "mlockall_no_flags_einval",
        mm::mlockall(mm::MlockAllFlags::empty()),
        Err(Errno::EINVAL)
    );
    check!(
        t,
        "mlockall_onfault_alone_einval",
        mm::mlockall(mm::MlockAllFlags::ONFAULT),
        Err(Errno::EINVAL)
    );
    check!(t, "munlockall_ok", mm::munlockall(), Ok(()));
    // Locking the whole process is bounded by RLIMIT_MEMLOCK without CAP_IPC_LOCK (QEMU's
    // own mappings count too); MCL_ONFAULT keeps it from faulting everything in.
    if has_cap(CAP_IPC_LOCK) {
        let locked = mm::mlockall(mm::MlockAllFlags::CURRENT | mm::MlockAllFlags::ONFAULT);
        let during = field("/proc/self/status", "VmLck:");
        let unlocked = mm::munlockall();
        let after = field("/proc/self/status", "VmLck:");
        check!(
            t,
            "mlockall_current_onfault_then_munlockall",
            (locked, during.map(|k| k > 0), unlocked, after),
            (Ok(()), Some(true), Ok(()), Some(0))
        );
    } else {
        t.skip(
            "mlockall_current_onfault_then_munlockall",
            "needs CAP_IPC_LOCK (the whole process may exceed RLIMIT_MEMLOCK)",
        );
    }
    // SAFETY: mlock only looks the range up; address `ps` is never mapped in these programs.
    let r = unsafe { sysrt::raw_syscall(sysrt::Sysno::mlock, ps, ps, 0) };
    check!(t, "mlock_unmapped_raw_enomem", r, Err(Errno::ENOMEM));

    // ---- huge pages ---------------------------------------------------------------------------
    let free = field("/proc/meminfo", "HugePages_Free:");
    let hp = MmapOptions::new(HugePageSize::Mib2.bytes())
        .huge_pages(HugePageSize::Mib2)
        .map_anonymous();
    let hsize = field("/proc/meminfo", "Hugepagesize:");
    if free == Some(0) {
        check_or_qemu_skip(
            &mut t,
            "hugetlb_2mib_enomem_unless_pages_reserved",
            hp.map(drop),
            Err(Errno::ENOMEM),
            Err(Errno::EINVAL),
            "QEMU 7.2 refuses MAP_HUGETLB with EINVAL",
        );
    } else if hsize != Some(2048) {
        t.skip(
            "hugetlb_2mib_enomem_unless_pages_reserved",
            "the default huge page size is not 2 MiB here",
        );
    } else {
        check!(
            t,
            "hugetlb_2mib_enomem_unless_pages_reserved",
            hp.map(|m| (m.len(), m.as_ptr() as usize % (2 << 20))),
            Ok((2 << 20, 0))
        );
    }
    let thp = field("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "");
    let m = MmapOptions::new(4 << 20).map_anonymous();
    if thp.is_none() {
        t.skip(
            "advise_hugepage_transparent_huge_pages_ok",
            "no transparent huge pages in this kernel",
        );
    } else {
        check!(
            t,
            "advise_hugepage_transparent_huge_pages_ok",
            m.and_then(|m| m.advise(Advice::HugePage)),
            Ok(())
        );
    }

    // ---- closing ----------------------------------------------------------------------------
    drop(fd);
    let _ = fs::unlink(p);
    check!(
        t,
        "no_mapping_leaked",
        line_count("/proc/self/maps"),
        maps_at_start
    );
    sysrt_tests::child::check_no_child_left(&mut t);
    baseline.check(&mut t);
    t.finish()
}

sysrt_rt::main!(main);
