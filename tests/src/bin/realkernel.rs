//! What only a real kernel shows. These cases run natively and in the kernel guests of
//! `cargo xtask test --kernel` (Debian's 6.1 on x86_64 and aarch64, 6.12 on riscv64); under
//! qemu-user they are skipped with the reason:
//! - the vDSO the kernel maps into every process (qemu-user 7.2 gives guests none);
//! - `clone(CLONE_VM | CLONE_VFORK)` sharing memory, with the parent held until the child
//!   exits (qemu-user turns it into a fork);
//! - `PR_GET_AUXV` (Linux 6.4; `EINVAL` before, which the 6.1 guests show).
//!
//! And the root-only cases that change the machine: a real `chroot`, `pivot_root` into a
//! fresh tmpfs, and renames between two fresh tmpfs mounts. They run only in a throwaway
//! kernel guest (`util::in_guest`), each in a child with a mount namespace of its own.
#![no_std]
#![no_main]

use core::fmt::Write;
use core::sync::atomic::{AtomicU32, Ordering};

use linux_raw_sys::auxvec::AT_NULL;
use linux_raw_sys::elf_uapi::{ELFCLASS64, ET_DYN};
use linux_raw_sys::general::{CLONE_VFORK, CLONE_VM, SIGCHLD};
use sysrt::fs::{self, MountFlags, UnmountFlags};
use sysrt::process::{self, UnshareFlags};
use sysrt::{Errno, Sysno};
use sysrt_tests::check::Buf;
use sysrt_tests::child::{check_no_child_left, child_report, reap};
use sysrt_tests::util::{
    FdBaseline, file_contents, in_guest, join, kernel_older_than, raw_mkdir, tmp_path, under_qemu,
    write_file,
};
use sysrt_tests::{Tests, check};

const PLAN: usize = 14;

/// Why the machine-changing cases do not run outside a kernel guest.
const GUEST_ONLY: &str = "changes mounts or the root: runs only in a throwaway kernel guest \
                          (cargo xtask test --kernel)";

fn main() -> i32 {
    let baseline = FdBaseline::take();
    let mut t = Tests::new(PLAN);
    vdso_cases(&mut t);
    vfork_cases(&mut t);
    auxv_cases(&mut t);
    if in_guest() {
        chroot_cases(&mut t);
        pivot_root_cases(&mut t);
        exdev_cases(&mut t);
    } else {
        for case in [
            "chroot_real_child_sees_only_the_new_root",
            "chroot_parent_root_unchanged",
            "pivot_root_into_fresh_tmpfs_then_detach_old_root",
            "pivot_root_parent_namespace_unchanged",
            "exdev_between_two_fresh_tmpfs_mounts_source_intact",
        ] {
            t.skip(case, GUEST_ONLY);
        }
    }
    check_no_child_left(&mut t);
    baseline.check(&mut t);
    t.finish()
}

// ---- the vDSO ---------------------------------------------------------------------------------

/// `e_machine` of an ELF header (offset 18, native endian).
fn e_machine(header: &[u8]) -> Option<u16> {
    Some(u16::from_ne_bytes(header.get(18..20)?.try_into().ok()?))
}

/// The start address of the `[vdso]` line of /proc/self/maps.
fn vdso_in_maps() -> Result<usize, Errno> {
    let mut buf = [0u8; 16 * 1024];
    let maps = file_contents("/proc/self/maps", &mut buf)?;
    let line = maps
        .split(|&b| b == b'\n')
        .find(|l| l.ends_with(b"[vdso]"))
        .ok_or(Errno::ENOENT)?;
    let start = line.split(|&b| b == b'-').next().ok_or(Errno::EINVAL)?;
    start.iter().try_fold(0usize, |n, &d| {
        let v = (d as char).to_digit(16).ok_or(Errno::EINVAL)?;
        Ok(n.checked_mul(16).ok_or(Errno::EINVAL)? + v as usize)
    })
}

fn vdso_cases(t: &mut Tests) {
    let cases = [
        "vdso_address_in_auxv",
        "vdso_is_elf_shared_object_of_this_arch",
        "vdso_address_is_the_vdso_in_proc_maps",
    ];
    let ehdr = sysrt_rt::auxv::sysinfo_ehdr();
    if ehdr.is_none() && under_qemu() {
        for case in cases {
            t.skip(case, "QEMU 7.2 user-mode maps no vDSO (no AT_SYSINFO_EHDR)");
        }
        return;
    }
    check!(t, cases[0], ehdr.is_some(), true);
    // SAFETY: the kernel maps the vDSO image, readable, at the AT_SYSINFO_EHDR address for the
    // life of the process; an ELF64 header is 64 bytes and the image is at least a page.
    let header = ehdr.map(|a| unsafe { core::slice::from_raw_parts(a as *const u8, 64) });
    let mut exe = [0u8; 64];
    let own = file_contents("/proc/self/exe", &mut exe).map(e_machine);
    let shape = header.map(|h| {
        (
            &h[..4],
            h[4],
            u16::from_ne_bytes([h[16], h[17]]),
            e_machine(h),
        )
    });
    // "\x7fELF", ELFCLASS64, ET_DYN, and the machine this program was built for.
    check!(
        t,
        cases[1],
        shape,
        own.ok()
            .map(|m| (&b"\x7fELF"[..], ELFCLASS64 as u8, ET_DYN as u16, m))
    );
    check!(t, cases[2], vdso_in_maps().ok(), ehdr);
}

// ---- vfork ------------------------------------------------------------------------------------

/// What the vfork child writes; the parent reads it once the child is gone.
static SHARED: AtomicU32 = AtomicU32::new(0);

/// The vfork child: writes 1, sleeps 20 ms, writes 2 and exits 7. A parent that ran before
/// the exit (no CLONE_VFORK hold) would likely read 1; one that does not share memory reads 0.
unsafe extern "C" fn vfork_child(shared: usize) -> ! {
    // SAFETY: `shared` is the address of the static SHARED, alive for the whole program.
    let shared = unsafe { &*(shared as *const AtomicU32) };
    shared.store(1, Ordering::SeqCst);
    let ts = linux_raw_sys::general::__kernel_timespec {
        tv_sec: 0,
        tv_nsec: 20_000_000,
    };
    // SAFETY: nanosleep reads the timespec, which lives in this frame; no remainder wanted.
    let _ = unsafe { sysrt::raw_syscall(Sysno::nanosleep, &raw const ts as usize, 0, 0) };
    shared.store(2, Ordering::SeqCst);
    process::exit_group(7)
}

fn vfork_cases(t: &mut Tests) {
    let cases = [
        "vfork_child_writes_seen_by_parent_held_until_exit",
        "vfork_child_exit_status_7",
    ];
    let flags = (CLONE_VM | CLONE_VFORK | SIGCHLD) as usize;
    SHARED.store(0, Ordering::SeqCst);
    // No new stack: with CLONE_VM the kernel holds this thread until the child exits
    // (CLONE_VFORK), and the child touches only SHARED and its frames below our stack pointer.
    // SAFETY: clone_then_call's contract, as just said; the child never returns.
    let ret = unsafe {
        sysrt_arch::clone_then_call(
            Sysno::clone,
            flags,
            0,
            0,
            vfork_child,
            &raw const SHARED as usize,
        )
    };
    let pid = sysrt::Errno::decode(ret).map(|p| process::Pid::from_raw(p as i32));
    let seen = SHARED.load(Ordering::SeqCst);
    let status = pid.and_then(reap).map(|st| st.exit_status());
    if under_qemu() && seen == 0 {
        let why =
            "QEMU 7.2 turns CLONE_VM|CLONE_VFORK into a fork: the child's writes stay in its copy";
        t.skip(cases[0], why);
    } else {
        check!(t, cases[0], seen, 2);
    }
    check!(t, cases[1], status, Ok(Some(7)));
}

// ---- PR_GET_AUXV -----------------------------------------------------------------------------

fn auxv_cases(t: &mut Tests) {
    let name = "pr_get_auxv_entries_are_the_startup_auxv";
    if under_qemu() {
        t.skip(
            name,
            "QEMU 7.2 passes PR_GET_AUXV to the host kernel unchanged: it would answer with \
             QEMU's own auxv, written at an untranslated address",
        );
        return;
    }
    let mut buf = [0usize; 256];
    // SAFETY: PR_GET_AUXV copies at most `len` bytes into `buf`, which outlives the call.
    let ret = unsafe {
        sysrt::raw_syscall6(
            Sysno::prctl,
            linux_raw_sys::prctl::PR_GET_AUXV as usize,
            buf.as_mut_ptr() as usize,
            core::mem::size_of_val(&buf),
            0,
            0,
            0,
        )
    };
    // The kernel returns the size of its whole saved vector (AT_VECTOR_SIZE words, an arch
    // constant); the pairs up to AT_NULL are the ones the program started with.
    let pairs = sysrt_rt::auxv::entries().count();
    let same = sysrt_rt::auxv::entries()
        .enumerate()
        .all(|(i, (k, v))| buf[2 * i] == k && buf[2 * i + 1] == v)
        && buf[2 * pairs] == AT_NULL as usize;
    let got = ret.map(|n| (n % 16 == 0 && n >= (pairs + 1) * 16, same));
    // Linux 6.4 added the option; before it, prctl refuses an unknown option with EINVAL.
    let want = if kernel_older_than(6, 4) {
        Err(Errno::EINVAL)
    } else {
        Ok((true, true))
    };
    check!(t, name, got, want);
}

// ---- root-only cases that change the machine (guest only) ----------------------------------

fn chroot_cases(t: &mut Tests) {
    let dir = tmp_path("chroot");
    let d = dir.as_str();
    let inside = join(d, "inside");
    let made = raw_mkdir(d, 0o755).and_then(|()| write_file(inside.as_str(), b"jail"));
    // In the child: "/" is the directory, so "/inside" is its file and /tmp is gone.
    let report = made.and_then(|()| {
        child_report(|rep| {
            let rooted = fs::chroot(d).and_then(|()| fs::chdir("/"));
            let mut buf = [0u8; 16];
            let read =
                rooted.and_then(|()| file_contents("/inside", &mut buf).map(|b| b == b"jail"));
            let tmp = fs::lstat("/tmp").map(drop);
            let _ = write!(rep, "{read:?} {tmp:?}");
        })
    });
    check!(
        t,
        "chroot_real_child_sees_only_the_new_root",
        report.as_ref().map(Buf::as_str),
        Ok("Ok(true) Err(ENOENT)")
    );
    let mut buf = [0u8; 16];
    check!(
        t,
        "chroot_parent_root_unchanged",
        (
            file_contents(inside.as_str(), &mut buf).map(|b| b == b"jail"),
            fs::unlink(inside.as_str()).and_then(|()| fs::rmdir(d))
        ),
        (Ok(true), Ok(()))
    );
}

/// In a child: a mount namespace of its own with every mount private, so nothing below
/// propagates back to the parent's namespace.
fn private_mount_namespace() -> Result<(), Errno> {
    process::unshare(UnshareFlags::NEWNS)?;
    fs::mount("", "/", "", MountFlags::REC | MountFlags::PRIVATE, None)
}

fn pivot_root_cases(t: &mut Tests) {
    let dir = tmp_path("pivot");
    let d = dir.as_str();
    let (top, new_root) = (join(d, "top"), join(d, "new"));
    let made = raw_mkdir(d, 0o755)
        .and_then(|()| raw_mkdir(top.as_str(), 0o755))
        .and_then(|()| raw_mkdir(new_root.as_str(), 0o755));
    // The guest's "/" is the initramfs (rootfs), which pivot_root refuses to move (EINVAL):
    // the child first roots itself in a bind mount of "/", as container runtimes do, then
    // pivots into a fresh tmpfs with the old root under /old, and detaches it.
    let report = made.and_then(|()| {
        child_report(|rep| {
            let steps = private_mount_namespace()
                .and_then(|()| {
                    fs::mount(
                        "/",
                        top.as_str(),
                        "",
                        MountFlags::BIND | MountFlags::REC,
                        None,
                    )
                })
                .and_then(|()| fs::chdir(top.as_str()))
                .and_then(|()| fs::chroot("."))
                .and_then(|()| {
                    // `new_root` as seen from inside the bind mount: the same path.
                    fs::mount("pv", new_root.as_str(), "tmpfs", MountFlags::empty(), None)
                })
                .and_then(|()| raw_mkdir(join(new_root.as_str(), "old").as_str(), 0o755))
                .and_then(|()| write_file(join(new_root.as_str(), "marker").as_str(), b"pv"))
                .and_then(|()| {
                    fs::pivot_root(new_root.as_str(), join(new_root.as_str(), "old").as_str())
                })
                .and_then(|()| fs::chdir("/"));
            let mut buf = [0u8; 8];
            let marker = file_contents("/marker", &mut buf).map(|b| b == b"pv");
            let old_tmp = fs::lstat("/old/tmp").map(drop);
            let detached = fs::umount2("/old", UnmountFlags::DETACH);
            let after = fs::lstat("/old/tmp").map(drop);
            let _ = write!(
                rep,
                "{steps:?} {marker:?} {old_tmp:?} {detached:?} {after:?}"
            );
        })
    });
    check!(
        t,
        "pivot_root_into_fresh_tmpfs_then_detach_old_root",
        report.as_ref().map(Buf::as_str),
        Ok("Ok(()) Ok(true) Ok(()) Ok(()) Err(ENOENT)")
    );
    // The child's mounts died with its namespace: the parent's directories are empty.
    let marker = join(new_root.as_str(), "marker");
    check!(
        t,
        "pivot_root_parent_namespace_unchanged",
        (
            fs::lstat(marker.as_str()).map(drop),
            fs::rmdir(new_root.as_str())
                .and_then(|()| fs::rmdir(top.as_str()))
                .and_then(|()| fs::rmdir(d))
        ),
        (Err(Errno::ENOENT), Ok(()))
    );
}

fn exdev_cases(t: &mut Tests) {
    let dir = tmp_path("exdev");
    let d = dir.as_str();
    let (a, b) = (join(d, "a"), join(d, "b"));
    let made = raw_mkdir(d, 0o755)
        .and_then(|()| raw_mkdir(a.as_str(), 0o755))
        .and_then(|()| raw_mkdir(b.as_str(), 0o755));
    let report = made.and_then(|()| {
        child_report(|rep| {
            let (src, dst) = (join(a.as_str(), "f"), join(b.as_str(), "f"));
            let tmpfs = |at: &str| fs::mount("x", at, "tmpfs", MountFlags::empty(), None);
            let setup = private_mount_namespace()
                .and_then(|()| tmpfs(a.as_str()))
                .and_then(|()| tmpfs(b.as_str()))
                .and_then(|()| write_file(src.as_str(), b"data"));
            let renamed = fs::rename(src.as_str(), dst.as_str());
            let linked = fs::link(src.as_str(), dst.as_str());
            let mut buf = [0u8; 8];
            let intact = file_contents(src.as_str(), &mut buf).map(|b| b == b"data");
            let _ = write!(rep, "{setup:?} {renamed:?} {linked:?} {intact:?}");
        })
    });
    check!(
        t,
        "exdev_between_two_fresh_tmpfs_mounts_source_intact",
        (
            report.as_ref().map(Buf::as_str),
            fs::rmdir(a.as_str())
                .and_then(|()| fs::rmdir(b.as_str()))
                .and_then(|()| fs::rmdir(d))
        ),
        (Ok("Ok(()) Err(EXDEV) Err(EXDEV) Ok(true)"), Ok(()))
    );
}

sysrt_rt::main!(main);
