//! Per-call cost, rows 1 and 2 of `cargo xtask bench`: getppid, read(/dev/zero, 1 byte) and
//! write(/dev/null, 1 byte) through the hand-written asm floor, sysrt's typed call, sysrt's
//! `raw_syscall`, `sc`, rustix, `syscalls`, the libc crate (glibc) and std; then
//! clock_gettime(MONOTONIC, REALTIME), gettimeofday and getrandom(16 bytes) through sysrt's
//! vDSO path, glibc, rustix, std and the raw syscall.
//!
//! `calls [ROUNDS N]` prints the table rows (see the library's line protocol); `calls one ROW
//! VARIANT N` runs one variant alone, for the instruction count under callgrind.

use std::fs::File;
use std::hint::black_box;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use sysrt::Sysno;
use sysrt_bench::{Row, Variant, main_with};

fn dev(path: &str, write: bool) -> &'static File {
    static ZERO: OnceLock<File> = OnceLock::new();
    static NULL: OnceLock<File> = OnceLock::new();
    let cell = if write { &NULL } else { &ZERO };
    cell.get_or_init(|| {
        File::options()
            .read(!write)
            .write(write)
            .open(path)
            .expect("open the device")
    })
}

fn zero() -> &'static File {
    dev("/dev/zero", false)
}

fn null() -> &'static File {
    dev("/dev/null", true)
}

/// rustix's borrowed fd (built without its `std` feature, see Cargo.toml).
fn fd_of(f: &'static File) -> rustix::fd::BorrowedFd<'static> {
    // SAFETY: the file lives in a static for the whole program and is never closed.
    unsafe { rustix::fd::BorrowedFd::borrow_raw(f.as_raw_fd()) }
}

fn sysrt_fd(f: &'static File) -> sysrt::fd::BorrowedFd<'static> {
    // SAFETY: as in `fd_of`: the descriptor stays open for the whole program.
    unsafe { sysrt::fd::BorrowedFd::borrow_raw(f.as_raw_fd()) }
}

/// A loop of `n` operations `op`, summing their results: the shape every per-call variant
/// shares, so only the call differs.
#[inline(always)]
fn sum(n: u64, mut op: impl FnMut() -> u64) -> u64 {
    let mut acc = 0u64;
    for _ in 0..n {
        acc = acc.wrapping_add(op());
    }
    acc
}

/// A loop of `n` reads of 1 byte into a buffer that starts as 0xff: the witness is the sum of
/// the lengths plus the last byte read shifted up (so a read that wrote nothing shows).
#[inline(always)]
fn reads(n: u64, mut op: impl FnMut(&mut [u8; 1]) -> u64) -> u64 {
    let mut b = [0xffu8; 1];
    let got = sum(n, || op(&mut b));
    got.wrapping_add(u64::from(b[0]) << 40)
}

// --- The floor: the trap instruction written by hand. ---------------------------------
//
// Two floors per call. The reference, "asm floor", is the trap plus what the typed call's
// contract makes every caller do with the result, and nothing else: getppid's result is a
// pid_t (a 32-bit value, widened like the typed call's `Pid`), and read/write's result is
// checked against the error range (-4095..=-1), an error counting 0, exactly as the typed
// variants' `unwrap_or(0)`. "asm trap alone" is the bare instruction with the raw word
// summed, errors included: what `sc` and `syscalls` measure, and the lowest possible count.

#[cfg(target_arch = "x86_64")]
mod floor {
    use linux_raw_sys::general::{__NR_getppid, __NR_read, __NR_write};

    /// One `syscall` with no argument; rcx and r11 are the kernel's.
    #[inline(always)]
    fn trap0(nr: u32) -> usize {
        let r: usize;
        // SAFETY: the callers pass getppid, which takes no argument and touches no memory.
        unsafe {
            core::arch::asm!(
                "syscall",
                inlateout("rax") nr as usize => r,
                lateout("rcx") _, lateout("r11") _,
                options(nostack, preserves_flags)
            );
        }
        r
    }

    /// One `syscall` with three arguments.
    #[inline(always)]
    fn trap3(nr: u32, a: usize, b: usize, c: usize) -> usize {
        let r: usize;
        // SAFETY: the callers pass read/write of one byte into/from a live buffer.
        unsafe {
            core::arch::asm!(
                "syscall",
                inlateout("rax") nr as usize => r,
                in("rdi") a, in("rsi") b, in("rdx") c,
                lateout("rcx") _, lateout("r11") _,
                options(nostack, preserves_flags)
            );
        }
        r
    }

    /// A count, or 0 for a value in the error range: the check every caller makes.
    #[inline(always)]
    fn checked(r: usize) -> u64 {
        if r > -4096isize as usize { 0 } else { r as u64 }
    }

    pub fn getppid(n: u64) -> u64 {
        super::sum(n, || trap0(__NR_getppid) as i32 as u64)
    }

    pub fn getppid_bare(n: u64) -> u64 {
        super::sum(n, || trap0(__NR_getppid) as u64)
    }

    fn zero_fd() -> usize {
        std::os::fd::AsRawFd::as_raw_fd(super::zero()) as usize
    }

    fn null_fd() -> usize {
        std::os::fd::AsRawFd::as_raw_fd(super::null()) as usize
    }

    pub fn read(n: u64) -> u64 {
        let fd = zero_fd();
        super::reads(n, |b| {
            checked(trap3(__NR_read, fd, b.as_mut_ptr() as usize, 1))
        })
    }

    pub fn read_bare(n: u64) -> u64 {
        let fd = zero_fd();
        super::reads(n, |b| {
            trap3(__NR_read, fd, b.as_mut_ptr() as usize, 1) as u64
        })
    }

    pub fn write(n: u64) -> u64 {
        let fd = null_fd();
        let b = &super::BYTE;
        super::sum(n, || checked(trap3(__NR_write, fd, b.as_ptr() as usize, 1)))
    }

    pub fn write_bare(n: u64) -> u64 {
        let fd = null_fd();
        let b = &super::BYTE;
        super::sum(n, || trap3(__NR_write, fd, b.as_ptr() as usize, 1) as u64)
    }
}

// --- getppid --------------------------------------------------------------------------------

fn getppid_sysrt(n: u64) -> u64 {
    sum(n, || sysrt::process::getppid().raw() as u64)
}

fn getppid_sysrt_raw(n: u64) -> u64 {
    sum(n, || {
        // SAFETY: getppid takes no arguments.
        unsafe { sysrt::raw_syscall(Sysno::getppid, 0, 0, 0) }.unwrap_or(0) as u64
    })
}

fn getppid_sc(n: u64) -> u64 {
    // SAFETY: getppid takes no arguments.
    sum(n, || unsafe { sc::syscall0(sc::nr::GETPPID) } as u64)
}

fn getppid_rustix(n: u64) -> u64 {
    sum(n, || {
        rustix::process::getppid().map_or(0, |p| p.as_raw_nonzero().get() as u64)
    })
}

fn getppid_syscalls(n: u64) -> u64 {
    // SAFETY: getppid takes no arguments.
    sum(
        n,
        || unsafe { syscalls::raw_syscall!(syscalls::Sysno::getppid) } as u64,
    )
}

fn getppid_libc(n: u64) -> u64 {
    // SAFETY: getppid has no preconditions.
    sum(n, || unsafe { libc::getppid() } as u64)
}

fn getppid_std(n: u64) -> u64 {
    sum(n, || u64::from(std::os::unix::process::parent_id()))
}

// --- read(/dev/zero, 1 byte) -------------------------------------------------------------

fn read_sysrt(n: u64) -> u64 {
    let fd = sysrt_fd(zero());
    reads(n, |b| sysrt::io::read(fd, b).unwrap_or(0) as u64)
}

fn read_sysrt_raw(n: u64) -> u64 {
    let fd = zero().as_raw_fd() as usize;
    reads(n, |b| {
        // SAFETY: read writes at most 1 byte into `b`, which lives across the call.
        unsafe { sysrt::raw_syscall(Sysno::read, fd, b.as_mut_ptr() as usize, 1) }.unwrap_or(0)
            as u64
    })
}

fn read_sc(n: u64) -> u64 {
    let fd = zero().as_raw_fd() as usize;
    // SAFETY: as above.
    reads(
        n,
        |b| unsafe { sc::syscall3(sc::nr::READ, fd, b.as_mut_ptr() as usize, 1) } as u64,
    )
}

fn read_rustix(n: u64) -> u64 {
    let fd = fd_of(zero());
    reads(n, |b| rustix::io::read(fd, b).unwrap_or(0) as u64)
}

fn read_syscalls(n: u64) -> u64 {
    let fd = zero().as_raw_fd() as usize;
    reads(n, |b| {
        // SAFETY: the kernel reads or writes 1 byte of a buffer that lives across the call.
        (unsafe { syscalls::raw_syscall!(syscalls::Sysno::read, fd, b.as_mut_ptr() as usize, 1) })
            as u64
    })
}

fn read_libc(n: u64) -> u64 {
    let fd = zero().as_raw_fd();
    // SAFETY: as above.
    reads(n, |b| unsafe { libc::read(fd, b.as_mut_ptr().cast(), 1) }
        as u64)
}

fn read_std(n: u64) -> u64 {
    let mut f = zero();
    reads(n, |b| f.read(b).unwrap_or(0) as u64)
}

// --- write(/dev/null, 1 byte) -------------------------------------------------------------

const BYTE: [u8; 1] = [7];

fn write_sysrt(n: u64) -> u64 {
    let fd = sysrt_fd(null());
    sum(n, || sysrt::io::write(fd, &BYTE).unwrap_or(0) as u64)
}

fn write_sysrt_raw(n: u64) -> u64 {
    let fd = null().as_raw_fd() as usize;
    sum(n, || {
        // SAFETY: write reads 1 byte of `BYTE`, a static.
        unsafe { sysrt::raw_syscall(Sysno::write, fd, BYTE.as_ptr() as usize, 1) }.unwrap_or(0)
            as u64
    })
}

fn write_sc(n: u64) -> u64 {
    let fd = null().as_raw_fd() as usize;
    // SAFETY: as above.
    sum(
        n,
        || unsafe { sc::syscall3(sc::nr::WRITE, fd, BYTE.as_ptr() as usize, 1) } as u64,
    )
}

fn write_rustix(n: u64) -> u64 {
    let fd = fd_of(null());
    sum(n, || rustix::io::write(fd, &BYTE).unwrap_or(0) as u64)
}

fn write_syscalls(n: u64) -> u64 {
    let fd = null().as_raw_fd() as usize;
    sum(n, || {
        // SAFETY: the kernel reads or writes 1 byte of a buffer that lives across the call.
        (unsafe { syscalls::raw_syscall!(syscalls::Sysno::write, fd, BYTE.as_ptr() as usize, 1) })
            as u64
    })
}

fn write_libc(n: u64) -> u64 {
    let fd = null().as_raw_fd();
    // SAFETY: as above.
    sum(n, || unsafe { libc::write(fd, BYTE.as_ptr().cast(), 1) }
        as u64)
}

fn write_std(n: u64) -> u64 {
    let mut f = null();
    sum(n, || f.write(&BYTE).unwrap_or(0) as u64)
}

// --- clocks: the witness is the last reading, in ns on the clock's own scale. -------------

/// A loop of `n` readings; returns the last.
#[inline(always)]
fn last(n: u64, mut op: impl FnMut() -> u64) -> u64 {
    let mut v = 0;
    for _ in 0..n {
        v = black_box(op());
    }
    v
}

fn ts_ns(sec: i64, nsec: i64) -> u64 {
    (sec as u64)
        .wrapping_mul(1_000_000_000)
        .wrapping_add(nsec as u64)
}

fn libc_clock(id: libc::clockid_t) -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec into `ts`.
    unsafe { libc::clock_gettime(id, &mut ts) };
    ts_ns(ts.tv_sec, ts.tv_nsec)
}

fn sysrt_clock(id: sysrt::time::ClockId) -> u64 {
    sysrt::time::clock_gettime(id).map_or(0, |t| ts_ns(t.sec, t.nsec))
}

fn rustix_clock(id: rustix::time::ClockId) -> u64 {
    let t = rustix::time::clock_gettime(id);
    ts_ns(t.tv_sec, t.tv_nsec)
}

fn raw_clock(id: u32) -> u64 {
    let mut ts = linux_raw_sys::general::__kernel_timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec into `ts`, which lives across the call.
    let _ =
        unsafe { sysrt::raw_syscall(Sysno::clock_gettime, id as usize, &raw mut ts as usize, 0) };
    ts_ns(ts.tv_sec, ts.tv_nsec)
}

/// std's `Instant` is opaque: its readings are mapped onto CLOCK_MONOTONIC through one pair
/// read at start (both are CLOCK_MONOTONIC underneath). The clock is read before the
/// `Instant`, so a mapped reading is never ahead of the clock (the check wants `<= now`).
fn std_instant_ns() -> u64 {
    static BASE: OnceLock<(Instant, u64)> = OnceLock::new();
    let (i0, ns0) = *BASE.get_or_init(|| {
        let ns0 = libc_clock(libc::CLOCK_MONOTONIC);
        (Instant::now(), ns0)
    });
    ns0 + Instant::now().duration_since(i0).as_nanos() as u64
}

fn std_system_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

use linux_raw_sys::general::{CLOCK_MONOTONIC, CLOCK_REALTIME};
use rustix::time::ClockId as RxClock;
use sysrt::time::ClockId as SrClock;

fn mono_sysrt(n: u64) -> u64 {
    last(n, || sysrt_clock(SrClock::MONOTONIC))
}
fn mono_libc(n: u64) -> u64 {
    last(n, || libc_clock(libc::CLOCK_MONOTONIC))
}
fn mono_rustix(n: u64) -> u64 {
    last(n, || rustix_clock(RxClock::Monotonic))
}
fn mono_std(n: u64) -> u64 {
    last(n, std_instant_ns)
}
fn mono_raw(n: u64) -> u64 {
    last(n, || raw_clock(CLOCK_MONOTONIC))
}
fn real_sysrt(n: u64) -> u64 {
    last(n, || sysrt_clock(SrClock::REALTIME))
}
fn real_libc(n: u64) -> u64 {
    last(n, || libc_clock(libc::CLOCK_REALTIME))
}
fn real_rustix(n: u64) -> u64 {
    last(n, || rustix_clock(RxClock::Realtime))
}
fn real_std(n: u64) -> u64 {
    last(n, std_system_ns)
}
fn real_raw(n: u64) -> u64 {
    last(n, || raw_clock(CLOCK_REALTIME))
}

fn tod_sysrt(n: u64) -> u64 {
    last(n, || {
        sysrt::time::gettimeofday().map_or(0, |t| ts_ns(t.sec, t.usec * 1000))
    })
}

fn tod_libc(n: u64) -> u64 {
    last(n, || {
        let mut tv = libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        };
        // SAFETY: gettimeofday writes one timeval; the timezone pointer is null.
        unsafe { libc::gettimeofday(&mut tv, std::ptr::null_mut()) };
        ts_ns(tv.tv_sec, tv.tv_usec * 1000)
    })
}

fn tod_raw(n: u64) -> u64 {
    last(n, || {
        let mut tv = linux_raw_sys::general::__kernel_old_timeval {
            tv_sec: 0,
            tv_usec: 0,
        };
        // SAFETY: gettimeofday writes one timeval into `tv`; the timezone pointer is null.
        let _ = unsafe { sysrt::raw_syscall(Sysno::gettimeofday, &raw mut tv as usize, 0, 0) };
        ts_ns(tv.tv_sec, tv.tv_usec * 1000)
    })
}

/// A clock row's check: the last reading lies within a second before now on `clock`.
fn near_now(clock: libc::clockid_t) -> impl Fn(u64, u64) -> Result<(), String> {
    move |_, last| {
        let now = libc_clock(clock);
        if last <= now && now - last < 1_000_000_000 {
            Ok(())
        } else {
            Err(format!("last reading {last} ns, now {now} ns"))
        }
    }
}

// --- getrandom(16 bytes): the witness counts full fills that differ from the one before. ---

#[inline(always)]
fn fills(n: u64, mut op: impl FnMut(&mut [u8; 16]) -> usize) -> u64 {
    let mut b = [0u8; 16];
    let mut prev = [0u8; 16];
    let mut good = 0;
    for _ in 0..n {
        let k = op(&mut b);
        good += u64::from(k == 16 && b != prev);
        prev = b;
    }
    good
}

fn rand_sysrt(n: u64) -> u64 {
    use sysrt::random::{GetRandomFlags, getrandom};
    fills(n, |b| getrandom(b, GetRandomFlags::empty()).unwrap_or(0))
}
fn rand_sysrt_syscall(n: u64) -> u64 {
    use sysrt::random::{GetRandomFlags, getrandom_syscall};
    fills(n, |b| {
        getrandom_syscall(b, GetRandomFlags::empty()).unwrap_or(0)
    })
}
fn rand_libc(n: u64) -> u64 {
    // SAFETY: getrandom writes at most 16 bytes into `b`.
    fills(
        n,
        |b| unsafe { libc::getrandom(b.as_mut_ptr().cast(), 16, 0) } as usize,
    )
}
fn rand_rustix(n: u64) -> u64 {
    use rustix::rand::{GetRandomFlags, getrandom};
    fills(n, |b| getrandom(b, GetRandomFlags::empty()).unwrap_or(0))
}
fn rand_raw(n: u64) -> u64 {
    fills(n, |b| {
        // SAFETY: getrandom writes at most 16 bytes into `b`.
        unsafe { sysrt::raw_syscall(Sysno::getrandom, b.as_mut_ptr() as usize, 16, 0) }.unwrap_or(0)
    })
}

fn expect(
    what: &'static str,
    want: impl Fn(u64) -> u64,
) -> impl Fn(u64, u64) -> Result<(), String> {
    move |n, got| {
        if got == want(n) {
            Ok(())
        } else {
            Err(format!("{what}: got {got:#x}, expected {:#x}", want(n)))
        }
    }
}

fn main() -> std::process::ExitCode {
    let ppid = u64::from(std::os::unix::process::parent_id());
    let getppid_ok = expect("sum of getppid", move |n| n.wrapping_mul(ppid));
    let ones_ok = expect("sum of lengths (+ last byte << 40)", |n| n);
    let rand_ok = expect("fresh 16-byte fills", |n| n);
    let mono_ok = near_now(libc::CLOCK_MONOTONIC);
    let real_ok = near_now(libc::CLOCK_REALTIME);

    let v = |name, run| Variant { name, run };
    type Run = &'static dyn Fn(u64) -> u64;
    let percall = |floor: Option<(Run, Run)>, f: [Run; 7]| {
        let mut vs = vec![];
        if let Some((floor, bare)) = floor {
            vs.push(v("asm floor", floor));
            vs.push(v("asm trap alone", bare));
        }
        for (name, run) in [
            "sysrt typed",
            "sysrt raw_syscall",
            "sc",
            "rustix",
            "syscalls",
            "libc (glibc)",
            "std",
        ]
        .into_iter()
        .zip(f)
        {
            vs.push(v(name, run));
        }
        vs
    };
    #[cfg(target_arch = "x86_64")]
    let floors: [Option<(Run, Run)>; 3] = [
        Some((&floor::getppid, &floor::getppid_bare)),
        Some((&floor::read, &floor::read_bare)),
        Some((&floor::write, &floor::write_bare)),
    ];
    #[cfg(not(target_arch = "x86_64"))]
    let floors: [Option<(Run, Run)>; 3] = [None, None, None];
    let reference = if floors[0].is_some() {
        "asm floor"
    } else {
        "sysrt raw_syscall"
    };
    let rows = [
        Row {
            id: "getppid",
            unit: "ns/call",
            reference,
            variants: percall(
                floors[0],
                [
                    &getppid_sysrt,
                    &getppid_sysrt_raw,
                    &getppid_sc,
                    &getppid_rustix,
                    &getppid_syscalls,
                    &getppid_libc,
                    &getppid_std,
                ],
            ),
            check: &getppid_ok,
        },
        Row {
            id: "read 1 B /dev/zero",
            unit: "ns/call",
            reference,
            variants: percall(
                floors[1],
                [
                    &read_sysrt,
                    &read_sysrt_raw,
                    &read_sc,
                    &read_rustix,
                    &read_syscalls,
                    &read_libc,
                    &read_std,
                ],
            ),
            check: &ones_ok,
        },
        Row {
            id: "write 1 B /dev/null",
            unit: "ns/call",
            reference,
            variants: percall(
                floors[2],
                [
                    &write_sysrt,
                    &write_sysrt_raw,
                    &write_sc,
                    &write_rustix,
                    &write_syscalls,
                    &write_libc,
                    &write_std,
                ],
            ),
            check: &ones_ok,
        },
        Row {
            id: "clock_gettime MONOTONIC",
            unit: "ns/call",
            reference: "glibc (vDSO)",
            variants: vec![
                v("sysrt (vDSO)", &mono_sysrt),
                v("glibc (vDSO)", &mono_libc),
                v("rustix", &mono_rustix),
                v("std Instant::now", &mono_std),
                v("raw syscall", &mono_raw),
            ],
            check: &mono_ok,
        },
        Row {
            id: "clock_gettime REALTIME",
            unit: "ns/call",
            reference: "glibc (vDSO)",
            variants: vec![
                v("sysrt (vDSO)", &real_sysrt),
                v("glibc (vDSO)", &real_libc),
                v("rustix", &real_rustix),
                v("std SystemTime::now", &real_std),
                v("raw syscall", &real_raw),
            ],
            check: &real_ok,
        },
        Row {
            id: "gettimeofday",
            unit: "ns/call",
            reference: "glibc (vDSO)",
            variants: vec![
                v("sysrt (vDSO)", &tod_sysrt),
                v("glibc (vDSO)", &tod_libc),
                v("raw syscall", &tod_raw),
            ],
            check: &real_ok,
        },
        Row {
            id: "getrandom 16 B",
            unit: "ns/call",
            reference: "raw syscall",
            variants: vec![
                v("sysrt (vDSO)", &rand_sysrt),
                v("sysrt getrandom_syscall", &rand_sysrt_syscall),
                v("glibc 2.36 (syscall)", &rand_libc),
                v("rustix", &rand_rustix),
                v("raw syscall", &rand_raw),
            ],
            check: &rand_ok,
        },
    ];
    let syms = sysrt::vdso::symbols();
    println!(
        "note: sysrt's vDSO here: clock_gettime {}, gettimeofday {}, getrandom {}",
        yes(syms.clock_gettime.is_some()),
        yes(syms.gettimeofday.is_some()),
        yes(syms.getrandom.is_some()),
    );
    main_with(&rows, 7, 200_000)
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no (syscall fallback)" }
}
