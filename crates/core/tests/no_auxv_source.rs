//! A std program with neither source of the auxiliary vector: a kernel without `PR_GET_AUXV`
//! (before 6.4; here a seccomp filter answers `EINVAL` as such a kernel does) and no procfs
//! (a minimal container; here an empty tmpfs over `/proc` in a private mount namespace).
//! Everything that reads the vector must fall back cleanly: no auxv entry, the page size
//! measured, no vDSO, the clocks and getrandom through their syscalls.
//!
//! The work runs in a forked child, so the parent test process keeps its own state; the child
//! reports through its exit status.

use sysrt::time::{self, ClockId};

/// What the child found, as the bit that failed (0 when everything held).
fn child_checks() -> i32 {
    // The vector is unavailable.
    if sysrt::auxv::getauxval(sysrt::auxv::PAGESZ).is_some() {
        return 10;
    }
    if sysrt::auxv::entries().next().is_some() {
        return 11;
    }
    // SAFETY: sysconf has no preconditions.
    let want = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as usize;
    if sysrt::auxv::page_size() != want {
        return 12;
    }
    // No vDSO: every call goes to its syscall, and they work.
    let syms = sysrt::vdso::symbols();
    if syms.base.is_some() || syms.clock_gettime.is_some() || syms.getrandom.is_some() {
        return 13;
    }
    let a = time::clock_gettime(ClockId::MONOTONIC);
    let b = time::clock_gettime(ClockId::MONOTONIC);
    match (a, b) {
        (Ok(a), Ok(b)) if a <= b => {}
        _ => return 14,
    }
    if time::gettimeofday().is_err() || time::time().is_err() {
        return 15;
    }
    if time::clock_gettime(ClockId::from_raw(99)) != Err(sysrt::Errno::EINVAL) {
        return 16;
    }
    let mut buf = [0u8; 64];
    if sysrt::random::getrandom(&mut buf, sysrt::random::GetRandomFlags::empty()) != Ok(64)
        || buf == [0u8; 64]
    {
        return 17;
    }
    0
}

/// A seccomp filter that answers `prctl(PR_GET_AUXV, …)` with `EINVAL` and allows the rest.
fn deny_pr_get_auxv() -> bool {
    use libc::{BPF_ABS, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W, sock_filter};
    const NR: u32 = 0; // offsetof(struct seccomp_data, nr)
    const ARG0: u32 = 16; // offsetof(struct seccomp_data, args[0]), low word (little-endian)
    let stmt = |code: u32, k: u32| sock_filter {
        code: code as u16,
        jt: 0,
        jf: 0,
        k,
    };
    let jeq = |k: u32, jt: u8, jf: u8| sock_filter {
        code: (BPF_JMP | BPF_JEQ | BPF_K) as u16,
        jt,
        jf,
        k,
    };
    let filter = [
        stmt(BPF_LD | BPF_W | BPF_ABS, NR),
        jeq(libc::SYS_prctl as u32, 0, 3),
        stmt(BPF_LD | BPF_W | BPF_ABS, ARG0),
        jeq(linux_raw_sys::prctl::PR_GET_AUXV, 0, 1),
        stmt(
            BPF_RET | BPF_K,
            libc::SECCOMP_RET_ERRNO | libc::EINVAL as u32,
        ),
        stmt(BPF_RET | BPF_K, libc::SECCOMP_RET_ALLOW),
    ];
    let prog = libc::sock_fprog {
        len: filter.len() as u16,
        filter: filter.as_ptr().cast_mut(),
    };
    // SAFETY: plain prctl calls; `prog` points at a valid filter that outlives the call.
    unsafe {
        libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
            && libc::prctl(
                libc::PR_SET_SECCOMP,
                libc::SECCOMP_MODE_FILTER,
                &prog as *const libc::sock_fprog,
            ) == 0
    }
}

/// An empty tmpfs over `/proc` in a private mount namespace (a user namespace too when not
/// root). `false` when the kernel or the sandbox allows neither.
fn hide_proc() -> bool {
    // SAFETY: unshare and mount calls with valid C strings; this is a single-threaded child.
    unsafe {
        let ns = if libc::geteuid() == 0 {
            libc::CLONE_NEWNS
        } else {
            libc::CLONE_NEWUSER | libc::CLONE_NEWNS
        };
        libc::unshare(ns) == 0
            && libc::mount(
                core::ptr::null(),
                c"/".as_ptr(),
                core::ptr::null(),
                libc::MS_REC | libc::MS_PRIVATE,
                core::ptr::null(),
            ) == 0
            && libc::mount(
                c"none".as_ptr(),
                c"/proc".as_ptr(),
                c"tmpfs".as_ptr(),
                0,
                core::ptr::null(),
            ) == 0
    }
}

#[test]
fn without_pr_get_auxv_and_proc_everything_falls_back() {
    // SAFETY: the child only makes syscalls and sysrt calls before _exit; it touches no lock
    // another test thread could hold (sysrt takes none).
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork");
    if pid == 0 {
        let code = if !hide_proc() {
            2
        } else if !deny_pr_get_auxv() {
            3
        // SAFETY: access with a C string literal.
        } else if unsafe { libc::access(c"/proc/self/auxv".as_ptr(), libc::F_OK) } == 0 {
            4
        } else {
            child_checks()
        };
        // SAFETY: ends the child without running the parent's atexit handlers.
        unsafe { libc::_exit(code) };
    }
    let mut status = 0;
    // SAFETY: waits for our own child.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(libc::WIFEXITED(status), "child status {status:#x}");
    match libc::WEXITSTATUS(status) {
        0 => {}
        2 => eprintln!("skipped: no mount namespace to hide /proc in (unshare or mount refused)"),
        code => panic!("the child's check {code} failed (see child_checks)"),
    }
}
