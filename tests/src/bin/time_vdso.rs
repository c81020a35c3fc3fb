//! The vDSO: which calls use it (natively) or the syscall fallback (under QEMU, which maps
//! none), the parser on this arch's real image and on synthetic ones with only a GNU or only a
//! System V hash table (R51), this arch's names and version (R52), corrupted images (a copy in
//! memory), `SYSRT_NO_VDSO=1` in a re-executed child, vDSO calls on a small signal stack and
//! from a handler that interrupts them (R53), and getcpu both ways.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};

use linux_raw_sys::general::{MAP_ANONYMOUS, MAP_PRIVATE, PROT_NONE, PROT_READ, PROT_WRITE};
use sysrt::process::{self, getcpu};
use sysrt::random::{GetRandomFlags, getrandom};
use sysrt::signal::{
    self, Handler, How, SaFlags, SigAction, SigSet, SigStack, SigStackFlags, Signal,
};
use sysrt::time::{self, ClockId, Timespec, clock_gettime};
use sysrt::vdso::{self, Image};
use sysrt::{Errno, Sysno};
use sysrt_tests::synth::{self, Synth};
use sysrt_tests::util::{FdBaseline, raw_pipe, under_qemu};
use sysrt_tests::{Tests, check, itimer};

const PLAN: usize = 23;
/// The argument that makes this program a child that reports whether it uses the vDSO.
const REPORT: &[u8] = b"--report-vdso";

/// This arch's vDSO names, in table order, with `None` for a call its vDSO lacks.
fn arch_names() -> [Option<&'static str>; 6] {
    let v = sysrt_arch::VDSO;
    [
        v.clock_gettime,
        v.clock_getres,
        v.gettimeofday,
        v.time,
        v.getcpu,
        v.getrandom,
    ]
}

/// Builds a synthetic image of this arch's names into `buf`; `None` if it does not fit.
fn arch_synth(buf: &mut [u8], gnu: bool, sysv: bool) -> Option<(usize, [&'static str; 6], usize)> {
    let mut names = [""; 6];
    let mut n = 0;
    for name in arch_names().into_iter().flatten() {
        names[n] = name;
        n += 1;
    }
    let s = Synth {
        machine: sysrt_arch::VDSO.machine,
        names: &names[..n],
        version: sysrt_arch::VDSO.version,
        gnu_hash: gnu,
        sysv_hash: sysv,
        versions: true,
        vaddr_bias: 0,
    };
    let len = synth::build(&s, buf)?;
    Some((len, names, n))
}

/// How many of the image's names resolve to their code offsets.
fn resolved(image: &[u8], names: &[&str], version: &str) -> usize {
    let Some(img) = Image::parse(image, sysrt_arch::VDSO.machine) else {
        return 0;
    };
    names
        .iter()
        .enumerate()
        .filter(|&(i, n)| img.lookup(n, version) == Some(synth::code_offset(i)))
        .count()
}

/// Every byte of `img` replaced by three values in turn: how many lookups gave an offset
/// outside the image (must be 0; a panic would end the program).
fn corrupt_and_count_escapes(img: &mut [u8], names: &[&str]) -> usize {
    let machine = sysrt_arch::VDSO.machine;
    let version = sysrt_arch::VDSO.version;
    let mut escapes = 0;
    for i in 0..img.len() {
        let orig = img[i];
        for v in [0x00, 0xff, orig ^ 0x80] {
            img[i] = v;
            if let Some(image) = Image::parse(img, machine) {
                for n in names {
                    if let Some(off) = image.lookup(n, version) {
                        escapes += usize::from(off >= img.len());
                    }
                }
            }
        }
        img[i] = orig;
    }
    escapes
}

/// The real vDSO image of this process, if there is one: (base, bytes).
fn real_image() -> Option<(usize, &'static [u8])> {
    let base = sysrt_rt::auxv::sysinfo_ehdr()?;
    // SAFETY: AT_SYSINFO_EHDR is the kernel's vDSO mapping, whole pages from its header,
    // readable for the life of the process; its first page is at least 4096 bytes.
    let head = unsafe { core::slice::from_raw_parts(base as *const u8, 4096) };
    let len = vdso::mapped_extent(head)?.clamp(64, 256 * 1024);
    // SAFETY: as above; the program headers give the mapped image's length.
    Some((base, unsafe {
        core::slice::from_raw_parts(base as *const u8, len)
    }))
}

// ---- the child that reports (for SYSRT_NO_VDSO) --------------------------------------------

fn report_child() -> i32 {
    let s = vdso::symbols();
    let works = clock_gettime(ClockId::MONOTONIC).is_ok();
    sysrt_rt::println!(
        "vdso={} disabled={} clock={}",
        u8::from(s.clock_gettime.is_some()),
        u8::from(vdso::is_disabled()),
        u8::from(works)
    );
    0
}

/// Runs this program again with `--report-vdso` and `extra_env`, and returns its report line.
/// Under QEMU the emulator is executed with this program as its argument (a guest can only
/// execve host programs).
fn rerun_report(extra_env: &'static [u8]) -> Result<sysrt_tests::check::Buf<64>, Errno> {
    let exe = sysrt_rt::auxv::execfn().ok_or(Errno::ENOENT)?;
    let qemu = sysrt_rt::getenv("SYSRT_QEMU");
    let mut qemu_path = [0u8; 256];
    let mut qemu_env = [0u8; 300];
    let mut argv: [*const u8; 4] = [core::ptr::null(); 4];
    let mut envp: [*const u8; 3] = [core::ptr::null(); 3];
    let path: *const u8 = match qemu {
        Some(q) if q.len() < 255 => {
            qemu_path[..q.len()].copy_from_slice(q);
            let e = b"SYSRT_QEMU=";
            qemu_env[..e.len()].copy_from_slice(e);
            qemu_env[e.len()..e.len() + q.len()].copy_from_slice(q);
            argv = [
                qemu_path.as_ptr(),
                exe.as_ptr().cast(),
                REPORT_Z.as_ptr(),
                core::ptr::null(),
            ];
            envp = [extra_env.as_ptr(), qemu_env.as_ptr(), core::ptr::null()];
            qemu_path.as_ptr()
        }
        Some(_) => return Err(Errno::ENAMETOOLONG),
        None => {
            argv[0] = exe.as_ptr().cast();
            argv[1] = REPORT_Z.as_ptr();
            envp[0] = extra_env.as_ptr();
            exe.as_ptr().cast()
        }
    };
    let (r, w) = raw_pipe()?;
    // SAFETY: this program is single-threaded; the child only calls dup3, execve and
    // exit_group before it is replaced or ends.
    match unsafe { process::fork() }? {
        None => {
            // SAFETY: dup3 and execve get valid fds and NUL-terminated strings and
            // NULL-terminated arrays prepared before the fork; exit_group ends the child.
            unsafe {
                let _ = sysrt::raw_syscall(Sysno::dup3, w.as_raw_fd() as usize, 1, 0);
                let _ = sysrt::raw_syscall(
                    Sysno::execve,
                    path as usize,
                    argv.as_ptr() as usize,
                    envp.as_ptr() as usize,
                );
            }
            process::exit_group(127)
        }
        Some(pid) => {
            drop(w);
            let mut out = sysrt_tests::check::Buf::<64>::new();
            let mut buf = [0u8; 64];
            loop {
                match sysrt::retry_on_intr(|| sysrt::io::read(r.as_fd(), &mut buf)) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let text = core::str::from_utf8(&buf[..n]).unwrap_or("?");
                        let _ = core::fmt::Write::write_str(&mut out, text.trim_end());
                    }
                }
            }
            let mut status = 0i32;
            // SAFETY: wait4 writes one int into `status`, which lives across the call.
            let _ = sysrt::retry_on_intr(|| unsafe {
                sysrt::raw_syscall6(
                    Sysno::wait4,
                    pid.raw() as usize,
                    &raw mut status as usize,
                    0,
                    0,
                    0,
                    0,
                )
            });
            if status != 0 {
                return Err(Errno::ECHILD);
            }
            Ok(out)
        }
    }
}
const REPORT_Z: &[u8] = b"--report-vdso\0";

// ---- R53: a small stack, and a handler interrupting vDSO calls -----------------------------

/// The low end of the alternate stack (the guard page ends there).
static STACK_LO: AtomicUsize = AtomicUsize::new(0);
/// The top of the alternate stack.
static STACK_TOP: AtomicUsize = AtomicUsize::new(0);
/// What the small-stack handler saw: the stack used above its frame, the free bytes below it,
/// and whether every call it made succeeded.
static USED: AtomicUsize = AtomicUsize::new(0);
static FREE: AtomicUsize = AtomicUsize::new(0);
static CALLS_OK: AtomicBool = AtomicBool::new(false);

/// The calls under test, as a handler makes them: clock_gettime, clock_getres,
/// gettimeofday, getrandom, getcpu. True when all succeed.
#[inline(never)]
fn vdso_calls() -> bool {
    let mut bytes = [0u8; 16];
    clock_gettime(ClockId::MONOTONIC).is_ok_and(Timespec::is_valid)
        && time::clock_getres(ClockId::REALTIME).is_ok()
        && time::gettimeofday().is_ok()
        && getrandom(&mut bytes, GetRandomFlags::empty()) == Ok(16)
        && getcpu().is_ok()
}

extern "C" fn on_small_stack(_sig: Signal) {
    let marker = 0u8;
    let sp = core::hint::black_box(&raw const marker) as usize;
    USED.store(
        STACK_TOP.load(Ordering::SeqCst).wrapping_sub(sp),
        Ordering::SeqCst,
    );
    FREE.store(
        sp.wrapping_sub(STACK_LO.load(Ordering::SeqCst)),
        Ordering::SeqCst,
    );
    CALLS_OK.store(vdso_calls(), Ordering::SeqCst);
}

/// Installs `f` for `sig` with `flags`.
fn install(sig: Signal, f: extern "C" fn(Signal), flags: SaFlags) -> Result<(), Errno> {
    // SAFETY: the handlers of this program touch only atomics and their locals, and make
    // only syscalls and vDSO calls, which are async-signal-safe.
    unsafe { signal::sigaction(sig, &SigAction::new(Handler::Plain(f)).with_flags(flags)) }
        .map(drop)
}

/// An anonymous mapping through the raw layer: (address, length).
fn raw_map(len: usize) -> Result<usize, Errno> {
    // SAFETY: a fresh anonymous mapping at an address of the kernel's choosing replaces
    // nothing of ours.
    unsafe {
        sysrt::raw_syscall6(
            Sysno::mmap,
            0,
            len,
            (PROT_READ | PROT_WRITE) as usize,
            (MAP_PRIVATE | MAP_ANONYMOUS) as usize,
            usize::MAX,
            0,
        )
    }
}

/// Runs the small-stack handler on an alternate stack of `size` bytes whose low end is a
/// guard page (PROT_NONE): a frame that needs more stack than there is faults instead of
/// writing over other memory. Returns (calls ok, bytes used above the frame, bytes free below).
fn run_on_altstack(size: usize) -> Result<(bool, usize, usize), Errno> {
    let page = sysrt_rt::auxv::page_size();
    let len = page + size.div_ceil(page) * page;
    let base = raw_map(len)?;
    // SAFETY: the first page of our own fresh mapping, which nothing uses.
    unsafe { sysrt::raw_syscall(Sysno::mprotect, base, page, PROT_NONE as usize) }?;
    let lo = base + page;
    STACK_LO.store(lo, Ordering::SeqCst);
    STACK_TOP.store(lo + size, Ordering::SeqCst);
    CALLS_OK.store(false, Ordering::SeqCst);
    let stack = SigStack {
        sp: lo as *mut u8,
        size,
        flags: SigStackFlags::empty(),
    };
    // `lo .. lo + size` is our own fresh mapping, used by nothing else.
    // SAFETY: so; and the stack is removed again before the mapping is.
    let installed = unsafe { signal::sigaltstack(Some(&stack)) };
    let ran = installed.and_then(|_| signal::raise(Signal::USR1));
    let _ = signal::sigaltstack_disable();
    // SAFETY: our own mapping, no longer the signal stack.
    let _ = unsafe { sysrt::raw_syscall(Sysno::munmap, base, len, 0) };
    ran?;
    Ok((
        CALLS_OK.load(Ordering::SeqCst),
        USED.load(Ordering::SeqCst),
        FREE.load(Ordering::SeqCst),
    ))
}

static TICKS: AtomicU32 = AtomicU32::new(0);
static TICK_FAILURES: AtomicU32 = AtomicU32::new(0);

extern "C" fn on_tick(_sig: Signal) {
    TICKS.fetch_add(1, Ordering::SeqCst);
    if !vdso_calls() {
        TICK_FAILURES.fetch_add(1, Ordering::SeqCst);
    }
}

/// Main reads the clock and random bytes in a loop while a 1 ms interval timer's handler does
/// the same: (handler runs, handler failures, main's backward steps, main's failures).
fn interrupted_loop() -> (u32, u32, u32, u32) {
    TICKS.store(0, Ordering::SeqCst);
    let _ = install(Signal::ALRM, on_tick, SaFlags::empty());
    let _ = itimer::arm(1_000, 1_000);
    let start = clock_gettime(ClockId::MONOTONIC).unwrap_or_default();
    let mut prev = start;
    let (mut backwards, mut failures) = (0, 0);
    let mut bytes = [0u8; 16];
    // Until the handler ran 200 times (generous: 1 ms each natively), or 10 s passed.
    while TICKS.load(Ordering::SeqCst) < 200 {
        for _ in 0..100 {
            match clock_gettime(ClockId::MONOTONIC) {
                Ok(now) => {
                    backwards += u32::from(now < prev);
                    prev = now;
                }
                Err(_) => failures += 1,
            }
            failures += u32::from(getrandom(&mut bytes, GetRandomFlags::empty()) != Ok(16));
        }
        if prev.sec > start.sec + 10 {
            break;
        }
    }
    let _ = itimer::arm(0, 0);
    let _ = signal::reset(Signal::ALRM);
    (
        TICKS.load(Ordering::SeqCst),
        TICK_FAILURES.load(Ordering::SeqCst),
        backwards,
        failures,
    )
}

/// The CPUs this thread may run on (raw sched_getaffinity; the first 1024).
fn affinity() -> [u64; 16] {
    let mut mask = [0u64; 16];
    // SAFETY: the kernel writes at most `size_of_val(&mask)` bytes into `mask`.
    let _ = unsafe {
        sysrt::raw_syscall(
            Sysno::sched_getaffinity,
            0,
            size_of_val(&mask),
            mask.as_mut_ptr() as usize,
        )
    };
    mask
}

fn in_mask(mask: &[u64; 16], cpu: u32) -> bool {
    mask.get(cpu as usize / 64)
        .is_some_and(|w| w & (1 << (cpu % 64)) != 0)
}

fn main() -> i32 {
    if sysrt_rt::args::arg(1).is_some_and(|a| a.to_bytes() == REPORT) {
        return report_child();
    }
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();
    let qemu = under_qemu();
    let syms = vdso::symbols();

    // Which path runs.
    check!(
        t,
        "vdso_clock_gettime_used_native_fallback_qemu",
        syms.clock_gettime.is_some(),
        !qemu
    );
    if qemu {
        sysrt_rt::println!("  (QEMU maps no vDSO for guests: every call ran the syscall fallback)");
    }

    // R52 on the real image: every name of this arch's table, under its version.
    match real_image() {
        Some((base, bytes)) => {
            let img = Image::parse(bytes, sysrt_arch::VDSO.machine);
            let found = arch_names().map(|n| {
                n.and_then(|n| img.and_then(|i| i.lookup(n, sysrt_arch::VDSO.version)))
                    .map(|off| base + off)
            });
            let expect = [
                syms.clock_gettime,
                syms.clock_getres,
                syms.gettimeofday,
                syms.time,
                syms.getcpu,
                syms.getrandom,
            ];
            check!(
                t,
                "r52_real_vdso_names_resolve_as_the_runtime_uses_them",
                found,
                expect
            );
            check!(
                t,
                "r52_real_vdso_has_clock_gettime_gettimeofday_getres",
                (found[0].is_some(), found[1].is_some(), found[2].is_some()),
                (true, true, true)
            );
            let all_inside = found
                .iter()
                .flatten()
                .all(|&a| a >= base && a < base + bytes.len());
            check!(
                t,
                "r52_real_vdso_symbols_inside_the_image",
                all_inside,
                true
            );
            let mut copy = [0u8; 32 * 1024];
            let n = bytes.len().min(copy.len());
            copy[..n].copy_from_slice(&bytes[..n]);
            let names: [&str; 6] = arch_names().map(|n| n.unwrap_or("__vdso_none"));
            check!(
                t,
                "corrupted_copy_of_real_vdso_none_or_inside",
                corrupt_and_count_escapes(&mut copy[..n], &names),
                0usize
            );
        }
        None => {
            let why = if qemu {
                "QEMU maps no vDSO for guests (the synthetic images below test the same names)"
            } else {
                "this kernel passed no AT_SYSINFO_EHDR"
            };
            for name in [
                "r52_real_vdso_names_resolve_as_the_runtime_uses_them",
                "r52_real_vdso_has_clock_gettime_gettimeofday_getres",
                "r52_real_vdso_symbols_inside_the_image",
                "corrupted_copy_of_real_vdso_none_or_inside",
            ] {
                t.skip(name, why);
            }
        }
    }

    // R51/R52 on synthetic images of this arch: both tables, only GNU, only System V.
    let mut buf = [0u8; synth::MAX_SIZE];
    for (name, gnu, sysv) in [
        (
            "r52_synthetic_image_this_arch_names_and_version",
            true,
            true,
        ),
        ("r51_gnu_hash_only_finds_every_symbol", true, false),
        ("r51_sysv_hash_only_finds_every_symbol", false, true),
    ] {
        let got = arch_synth(&mut buf, gnu, sysv).map(|(len, names, n)| {
            (
                resolved(&buf[..len], &names[..n], sysrt_arch::VDSO.version),
                n,
            )
        });
        check!(
            t,
            name,
            got.map(|(found, n)| found == n && n >= 3),
            Some(true)
        );
    }
    let got = arch_synth(&mut buf, true, true).map(|(len, names, n)| {
        let img = Image::parse(&buf[..len], sysrt_arch::VDSO.machine);
        (
            img.and_then(|i| i.lookup(names[0], "LINUX_0.1")),
            img.and_then(|i| i.lookup("__vdso_absent", sysrt_arch::VDSO.version)),
            n,
        )
    });
    check!(
        t,
        "synthetic_wrong_version_or_name_not_found",
        got.map(|(a, b, _)| (a, b)),
        Some((None, None))
    );
    let other = if sysrt_arch::VDSO.machine == linux_raw_sys::elf_uapi::EM_X86_64 as u16 {
        linux_raw_sys::elf_uapi::EM_AARCH64
    } else {
        linux_raw_sys::elf_uapi::EM_X86_64
    } as u16;
    let refused = arch_synth(&mut buf, true, true)
        .map(|(len, _, _)| Image::parse(&buf[..len], other).is_none());
    check!(
        t,
        "synthetic_image_of_another_arch_refused",
        refused,
        Some(true)
    );
    let escapes = arch_synth(&mut buf, true, true).map(|(len, names, n)| {
        let mut img = [0u8; synth::MAX_SIZE];
        img[..len].copy_from_slice(&buf[..len]);
        corrupt_and_count_escapes(&mut img[..len], &names[..n])
    });
    check!(
        t,
        "corrupted_synthetic_images_none_or_inside",
        escapes,
        Some(0usize)
    );
    // Cut before the first function's code, no name can resolve (and nothing panics).
    let truncated = arch_synth(&mut buf, true, true).map(|(_, names, n)| {
        (0..synth::code_offset(0))
            .step_by(3)
            .filter(|&cut| resolved(&buf[..cut], &names[..n], sysrt_arch::VDSO.version) > 0)
            .count()
    });
    check!(
        t,
        "truncated_synthetic_images_resolve_nothing",
        truncated,
        Some(0usize)
    );

    // SYSRT_NO_VDSO=1 in a child's environment: every call takes the syscall.
    let got = rerun_report(b"SYSRT_NO_VDSO=1\0");
    check!(
        t,
        "sysrt_no_vdso_1_child_uses_syscalls",
        got.as_ref().map(|b| b.as_str()).map_err(|e| *e),
        Ok("vdso=0 disabled=1 clock=1")
    );
    let without = if qemu {
        "vdso=0 disabled=0 clock=1"
    } else {
        "vdso=1 disabled=0 clock=1"
    };
    let got = rerun_report(b"SYSRT_NO_VDSO=0\0");
    check!(
        t,
        "sysrt_no_vdso_0_child_uses_vdso_where_there_is_one",
        got.as_ref().map(|b| b.as_str()).map_err(|e| *e),
        Ok(without)
    );

    // getcpu: the vDSO (where there is one) and the syscall name CPUs this thread may use.
    let mask = affinity();
    let (mut cpu, mut node) = (u32::MAX, u32::MAX);
    // SAFETY: getcpu writes one unsigned int to each of `cpu` and `node`.
    let sys = unsafe {
        sysrt::raw_syscall(
            Sysno::getcpu,
            &raw mut cpu as usize,
            &raw mut node as usize,
            0,
        )
    };
    check!(
        t,
        "getcpu_syscall_cpu_in_affinity_mask",
        (sys, in_mask(&mask, cpu)),
        (Ok(0usize), true)
    );
    check!(
        t,
        "getcpu_vdso_or_fallback_cpu_in_affinity_mask",
        getcpu().map(|(c, _)| in_mask(&mask, c)),
        Ok(true)
    );
    check!(
        t,
        "getcpu_path_matches_the_arch_table",
        syms.getcpu.is_some(),
        !qemu && sysrt_arch::VDSO.getcpu.is_some()
    );

    // R53: the calls on a small alternate stack above a guard page. A first run on a roomy
    // stack measures the handler's frame (the signal frame and its own); the second leaves
    // exactly 4 KiB below it.
    let _ = vdso_calls(); // look everything up and map the getrandom pool on the main stack
    let _ = install(Signal::USR1, on_small_stack, SaFlags::ONSTACK);
    let roomy = run_on_altstack(64 * 1024);
    let used = roomy.map_or(0, |(_, used, _)| used);
    check!(
        t,
        "r53_handler_on_roomy_altstack",
        roomy.map(|(ok, used, _)| (ok, used > 0 && used < 64 * 1024)),
        Ok((true, true))
    );
    // The signal frame's alignment may differ by up to 64 bytes between the two stacks.
    let small = run_on_altstack((used + 4096 + 64 + 63) & !63);
    check!(
        t,
        "r53_vdso_calls_with_4k_of_stack_left",
        small.map(|(ok, _, free)| (ok, (4096..4096 + 192).contains(&free))),
        Ok((true, true))
    );
    if let Ok((_, _, free)) = small {
        sysrt_rt::println!("  (the handler's calls ran with {free} bytes of stack left below it)");
    }
    let _ = signal::reset(Signal::USR1);
    // R53: a handler that reads the clock and random bytes interrupts main doing the same.
    let (ticks, tick_failures, backwards, failures) = interrupted_loop();
    check!(
        t,
        "r53_handler_interrupting_vdso_calls_reentrant",
        (ticks >= 20, tick_failures, backwards, failures),
        (true, 0u32, 0u32, 0u32)
    );
    check!(
        t,
        "signal_mask_untouched",
        signal::rt_sigprocmask(How::Block, SigSet::EMPTY),
        Ok(SigSet::EMPTY)
    );
    baseline.check(&mut t);
    t.finish()
}

sysrt_rt::main!(main);
