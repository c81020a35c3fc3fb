//! The raw layer against an independent implementation (the `sc` crate): syscall numbers, and
//! results of the same calls made through both, on every arch.
#![no_std]
#![no_main]

use linux_raw_sys::general::{
    AT_FDCWD, MAP_ANONYMOUS, MAP_PRIVATE, O_CLOEXEC, O_WRONLY, PROT_READ, PROT_WRITE, SEEK_CUR,
};
use sysrt::{Errno, Sysno, raw_syscall, raw_syscall6, syscall, syscall6};
use sysrt_arch as arch;
use sysrt_tests::{Tests, check};

/// Decodes an `sc` return the same way the kernel ABI defines it, independently of `Errno`.
fn sc_decode(ret: usize) -> Result<usize, u16> {
    if (ret as isize) < 0 && (ret as isize) >= -4095 {
        Err((ret as isize).unsigned_abs() as u16)
    } else {
        Ok(ret)
    }
}

fn ours(r: Result<usize, Errno>) -> Result<usize, u16> {
    r.map_err(Errno::raw)
}

fn main() -> i32 {
    let mut t = Tests::new(21);

    // Syscall numbers: linux-raw-sys (ours) and sc's own tables agree.
    let numbers = [
        (Sysno::read, sc::nr::READ),
        (Sysno::write, sc::nr::WRITE),
        (Sysno::openat, sc::nr::OPENAT),
        (Sysno::close, sc::nr::CLOSE),
        (Sysno::getpid, sc::nr::GETPID),
        (Sysno::getppid, sc::nr::GETPPID),
        (Sysno::gettid, sc::nr::GETTID),
        (Sysno::exit_group, sc::nr::EXIT_GROUP),
        (Sysno::fcntl, sc::nr::FCNTL),
        (Sysno::dup3, sc::nr::DUP3),
        (Sysno::pipe2, sc::nr::PIPE2),
        (Sysno::lseek, sc::nr::LSEEK),
        (Sysno::mmap, sc::nr::MMAP),
        (Sysno::munmap, sc::nr::MUNMAP),
        (Sysno::uname, sc::nr::UNAME),
        (Sysno::clock_gettime, sc::nr::CLOCK_GETTIME),
        (Sysno::unlinkat, sc::nr::UNLINKAT),
        (Sysno::clone, sc::nr::CLONE),
        (Sysno::execve, sc::nr::EXECVE),
        (Sysno::wait4, sc::nr::WAIT4),
    ];
    let mismatched = numbers
        .iter()
        .filter(|(a, b)| a.raw() as usize != *b)
        .count();
    check!(t, "sysno_matches_sc_for_20_calls", mismatched, 0usize);

    // SAFETY: for every raw call below, the arguments are what its man page requires;
    // every pointer is to a live local buffer of the length passed.
    unsafe {
        check!(
            t,
            "getpid_raw_vs_sc",
            ours(raw_syscall(Sysno::getpid, 0, 0, 0)),
            sc_decode(sc::syscall0(sc::nr::GETPID))
        );
        check!(
            t,
            "getppid_raw_vs_sc",
            ours(raw_syscall(Sysno::getppid, 0, 0, 0)),
            sc_decode(sc::syscall0(sc::nr::GETPPID))
        );
        check!(
            t,
            "gettid_readonly_stub_vs_sc",
            arch::syscall0_readonly(Sysno::gettid),
            sc::syscall0(sc::nr::GETTID)
        );
        check!(
            t,
            "getpid_restarting_syscall_vs_raw",
            syscall(Sysno::getpid, 0, 0, 0),
            raw_syscall(Sysno::getpid, 0, 0, 0)
        );
        let bad = -1isize as usize;
        check!(
            t,
            "close_minus_1_ebadf_both",
            (
                ours(raw_syscall(Sysno::close, bad, 0, 0)),
                sc_decode(sc::syscall1(sc::nr::CLOSE, bad))
            ),
            (Err(9u16), Err(9u16))
        );
        check!(
            t,
            "close_minus_1_is_errno_ebadf",
            raw_syscall(Sysno::close, bad, 0, 0),
            Err(Errno::EBADF)
        );
        check!(
            t,
            "unknown_syscall_4000_enosys_both",
            (
                ours(raw_syscall(Sysno::from_raw(4000), 0, 0, 0)),
                sc_decode(sc::syscall0(4000))
            ),
            (Err(Errno::ENOSYS.raw()), Err(Errno::ENOSYS.raw()))
        );

        let missing = c"/nonexistent-sysrt/x";
        let cwd = AT_FDCWD as isize as usize;
        check!(
            t,
            "openat_missing_enoent_both",
            (
                ours(raw_syscall6(
                    Sysno::openat,
                    cwd,
                    missing.as_ptr() as usize,
                    0,
                    0,
                    0,
                    0
                )),
                sc_decode(sc::syscall4(
                    sc::nr::OPENAT,
                    cwd,
                    missing.as_ptr() as usize,
                    0,
                    0
                ))
            ),
            (Err(Errno::ENOENT.raw()), Err(Errno::ENOENT.raw()))
        );

        // /dev/null and /dev/zero through both.
        let null = c"/dev/null";
        let o_wronly_cloexec = (O_WRONLY | O_CLOEXEC) as usize;
        let fd_ours = raw_syscall(Sysno::openat, cwd, null.as_ptr() as usize, o_wronly_cloexec);
        let fd_sc = sc_decode(sc::syscall3(
            sc::nr::OPENAT,
            cwd,
            null.as_ptr() as usize,
            o_wronly_cloexec,
        ));
        check!(
            t,
            "open_dev_null_both_ok",
            (fd_ours.is_ok(), fd_sc.is_ok()),
            (true, true)
        );
        let (a, b) = (fd_ours.unwrap_or(bad), fd_sc.unwrap_or(bad));
        let msg = b"12345";
        check!(
            t,
            "write_dev_null_5_both",
            (
                ours(raw_syscall(Sysno::write, a, msg.as_ptr() as usize, 5)),
                sc_decode(sc::syscall3(sc::nr::WRITE, b, msg.as_ptr() as usize, 5))
            ),
            (Ok(5), Ok(5))
        );
        check!(
            t,
            "read_write_only_fd_ebadf_both",
            (
                ours(raw_syscall(Sysno::read, a, msg.as_ptr() as usize, 0)),
                sc_decode(sc::syscall3(sc::nr::READ, b, msg.as_ptr() as usize, 0))
            ),
            (Err(9), Err(9))
        );
        check!(
            t,
            "close_both",
            (
                ours(raw_syscall(Sysno::close, a, 0, 0)),
                sc_decode(sc::syscall1(sc::nr::CLOSE, b))
            ),
            (Ok(0), Ok(0))
        );
        check!(
            t,
            "close_again_ebadf",
            ours(raw_syscall(Sysno::close, a, 0, 0)),
            Err(9)
        );

        let zero = c"/dev/zero";
        let z = raw_syscall(
            Sysno::openat,
            cwd,
            zero.as_ptr() as usize,
            O_CLOEXEC as usize,
        )
        .unwrap_or(bad);
        let mut b1 = [0xaau8; 8];
        let mut b2 = [0x55u8; 8];
        check!(
            t,
            "read_dev_zero_8_both",
            (
                ours(raw_syscall(Sysno::read, z, b1.as_mut_ptr() as usize, 8)),
                sc_decode(sc::syscall3(sc::nr::READ, z, b2.as_mut_ptr() as usize, 8)),
                b1,
                b2
            ),
            (Ok(8), Ok(8), [0u8; 8], [0u8; 8])
        );
        check!(
            t,
            "lseek_dev_zero_both",
            (
                ours(raw_syscall(Sysno::lseek, z, 0, 0)),
                sc_decode(sc::syscall3(sc::nr::LSEEK, z, 0, 0))
            ),
            (Ok(0), Ok(0))
        );
        let _ = raw_syscall(Sysno::close, z, 0, 0);

        // pipe2 and lseek on a pipe: ESPIPE through both.
        let mut fds = [0i32; 2];
        check!(
            t,
            "pipe2_raw_ok",
            ours(raw_syscall(
                Sysno::pipe2,
                fds.as_mut_ptr() as usize,
                O_CLOEXEC as usize,
                0
            )),
            Ok(0)
        );
        let p = fds[0] as usize;
        check!(
            t,
            "lseek_pipe_espipe_both",
            (
                ours(raw_syscall(Sysno::lseek, p, 0, SEEK_CUR as usize)),
                sc_decode(sc::syscall3(sc::nr::LSEEK, p, 0, SEEK_CUR as usize))
            ),
            (Err(Errno::ESPIPE.raw()), Err(Errno::ESPIPE.raw()))
        );
        let _ = raw_syscall(Sysno::close, fds[0] as usize, 0, 0);
        let _ = raw_syscall(Sysno::close, fds[1] as usize, 0, 0);

        // Six-argument calls: anonymous mmap through both, then munmap.
        let prot_rw = (PROT_READ | PROT_WRITE) as usize;
        let private_anon = (MAP_PRIVATE | MAP_ANONYMOUS) as usize;
        let m1 = syscall6(Sysno::mmap, 0, 4096, prot_rw, private_anon, bad, 0);
        let m2 = sc_decode(sc::syscall6(
            sc::nr::MMAP,
            0,
            4096,
            prot_rw,
            private_anon,
            bad,
            0,
        ));
        let aligned = |r: &Result<usize, _>| matches!(r, Ok(a) if a % 4096 == 0 && *a != 0);
        check!(
            t,
            "mmap_6_args_both_page_aligned",
            (aligned(&m1.map_err(Errno::raw)), aligned(&m2)),
            (true, true)
        );
        check!(
            t,
            "munmap_both",
            (
                ours(raw_syscall(Sysno::munmap, m1.unwrap_or(0), 4096, 0)),
                sc_decode(sc::syscall2(sc::nr::MUNMAP, m2.unwrap_or(0), 4096))
            ),
            (Ok(0), Ok(0))
        );

        // uname writes the same bytes through both.
        let mut u1 = [0u8; 390];
        let mut u2 = [1u8; 390];
        let r1 = ours(raw_syscall(Sysno::uname, u1.as_mut_ptr() as usize, 0, 0));
        let r2 = sc_decode(sc::syscall1(sc::nr::UNAME, u2.as_mut_ptr() as usize));
        check!(
            t,
            "uname_same_bytes_both",
            (r1, r2, u1 == u2),
            (Ok(0), Ok(0), true)
        );
    }

    t.finish()
}

sysrt_rt::main!(main);
