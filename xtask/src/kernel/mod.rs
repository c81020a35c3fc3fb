//! `cargo xtask test --kernel`: every test program on real Linux kernels, one guest per arch
//! under qemu-system (TCG), as children of a libc-free `/init` (tests/src/bin/kinit.rs).
//!
//! qemu-user hides what crashes most in the field (no vDSO, vfork turned into fork, the host's
//! kernel only, syscalls it does not emulate). Each guest boots one of Debian's own kernels
//! ([`fetch::KERNELS`]) with an initramfs xtask writes itself ([`cpio`]): `/init`, `/plan` and
//! the programs under `/bin`. `/init` runs the plan and prints each child's output and status
//! between marker lines ([`console`]); xtask judges them with the same functions as a native
//! run, so the per-program lines and the `N passed, N failed` total read the same.
//!
//! qemu exits 0 after a power-off and after a kernel panic alike: pass or fail comes from the
//! markers only, and a boot without `/init`'s final marker is a failure.

mod console;
mod cpio;
pub mod fetch;
mod plan;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::arch::Arch;
use crate::parent::Verdict;
use crate::run::{Outcome, Status, run_with_timeout};
use crate::test::{Tally, tally_program};
use crate::{Result, build, setup};

use console::Console;
use fetch::{Fetched, Kernel};
use plan::{Entry, Judge, initramfs, plan};

/// Memory of every guest: the 100,000-file fixture needs its inodes and dentries, and riscv64
/// needs more than 256 MiB to boot at all.
const GUEST_MEMORY_MIB: u32 = 512;

/// How long one boot may take before it is killed and reported (SYSRT_KERNEL_TIMEOUT seconds
/// overrides). The slowest guest (riscv64) runs the whole plan in about three minutes under
/// TCG on a busy 2-core machine, most of it the 100,000-file fixture.
fn boot_timeout() -> Duration {
    let secs = std::env::var("SYSRT_KERNEL_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    Duration::from_secs(secs)
}

/// The qemu-system command that boots `image` with `initrd`, as measured on these machines:
/// TCG (no KVM here), serial console on stdout, no reboot (a power-off or panic ends qemu).
/// `extra` is appended to the kernel command line.
fn qemu_command(arch: Arch, image: &Path, initrd: &Path, extra: &str) -> Command {
    let (binary, machine, console): (_, &[&str], _) = match arch {
        // microvm boots the ELF vmlinux through PVH; without tsc_early_khz about half of
        // its boots hang calibrating the TSC.
        Arch::X86_64 => (
            "qemu-system-x86_64",
            &["-accel", "tcg", "-M", "microvm", "-cpu", "max"],
            "console=ttyS0 tsc_early_khz=2000000",
        ),
        Arch::Aarch64 => (
            "qemu-system-aarch64",
            &["-M", "virt", "-cpu", "cortex-a72"],
            "console=ttyAMA0",
        ),
        Arch::Riscv64 => ("qemu-system-riscv64", &["-M", "virt"], "console=ttyS0"),
    };
    let mut cmd = Command::new(binary);
    cmd.args(machine)
        .args(["-m", &GUEST_MEMORY_MIB.to_string()])
        .args(["-nographic", "-no-reboot", "-kernel"])
        .arg(image)
        .arg("-initrd")
        .arg(initrd)
        .arg("-append")
        .arg(format!("{console} panic=-1 quiet {extra}").trim_end());
    cmd
}

/// The Debian package of each arch's qemu-system binary.
fn qemu_package(arch: Arch) -> (&'static str, &'static str) {
    match arch {
        Arch::X86_64 => ("qemu-system-x86_64", "qemu-system-x86"),
        Arch::Aarch64 => ("qemu-system-aarch64", "qemu-system-arm"),
        Arch::Riscv64 => ("qemu-system-riscv64", "qemu-system-misc"),
    }
}

/// One boot: its console, qemu's own outcome and how long it took.
struct Boot {
    console: Console,
    qemu: Outcome,
    took: Duration,
}

/// Boots `kernel` with `initrd` and reads the console; the log is kept in `log`.
fn boot(
    kernel: &Fetched,
    initrd: &Path,
    extra: &str,
    timeout: Duration,
    log: &Path,
) -> Result<Boot> {
    let cmd = qemu_command(kernel.kernel.arch, &kernel.image, initrd, extra);
    let start = Instant::now();
    let qemu = run_with_timeout(cmd, timeout)?;
    let took = start.elapsed();
    let mut text = qemu.stdout.clone();
    text.extend_from_slice(&qemu.stderr);
    std::fs::write(log, &text)?;
    Ok(Boot {
        console: console::parse(&qemu.stdout),
        qemu,
        took,
    })
}

/// Whether the guest ran its whole plan of `planned` entries and powered off; otherwise why
/// not.
fn boot_verdict(b: &Boot, planned: usize, timeout: Duration) -> Verdict {
    let c = &b.console;
    let at = c
        .unfinished
        .as_deref()
        .map(|l| format!(" (during {l})"))
        .unwrap_or_default();
    if let Some(p) = &c.panic {
        return Err(format!("kernel panic{at}: {p}"));
    }
    if b.qemu.status == Status::TimedOut {
        return Err(format!(
            "killed after the {} s boot timeout{at}",
            timeout.as_secs()
        ));
    }
    match c.done {
        None => Err(format!(
            "no final marker: the guest stopped{at} (qemu {})",
            b.qemu.status
        )),
        Some(n) if n != planned => Err(format!("ran {n} of {planned} plan entries")),
        Some(_) if !c.problems.is_empty() => Err(format!("/init said: {:?}", c.problems)),
        Some(_) => Ok(()),
    }
}

/// The last `n` lines of a console, for a failure report.
fn tail(bytes: &[u8], n: usize) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..]
        .iter()
        .map(|l| l.trim_end_matches('\r').to_owned())
        .collect()
}

/// Judges every plan entry from what the console shows, plus the boot itself; prints the
/// lines as a native run does, tagged `label`.
fn judge(label: &str, plan: &[Entry], b: &Boot, timeout: Duration) -> Tally {
    let mut t = Tally::default();
    let case = |t: &mut Tally, name: &str, v: Verdict| match v {
        Ok(()) => t.passed += 1,
        Err(why) => {
            t.failed += 1;
            println!("  [{label}] xtask::{name:<38} {why} [FAIL]");
        }
    };
    for e in plan {
        let run = b.console.runs.iter().find(|r| r.label == e.label);
        match (run, &e.judge) {
            (Some(run), Judge::Program(p)) => t.add(tally_program(label, p, &run.outcome)),
            (Some(run), Judge::Parent(c)) => {
                let report = run
                    .files
                    .first()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .unwrap_or_default();
                case(&mut t, &c.name, (c.judge)(&run.outcome, &report));
            }
            (None, _) => case(
                &mut t,
                &e.label,
                Err("did not run: the guest stopped before it".into()),
            ),
        }
    }
    // Shown, not judged: a test may make the kernel complain on purpose (an empty argv, a
    // segfault, whose register dump comes at the default level, 4). Errors are shown; the
    // warnings are counted and left in the console log.
    for e in b.console.kernel_messages(3) {
        println!("  [{label}] kernel: {e}");
    }
    let warnings = b.console.kernel_messages(4).len() - b.console.kernel_messages(3).len();
    if warnings > 0 {
        println!("  [{label}] kernel: {warnings} warning lines (in the console log)");
    }
    let verdict = boot_verdict(b, plan.len(), timeout);
    if verdict.is_err() {
        for l in tail(&b.qemu.stdout, 15) {
            println!("  [{label}] console: {l}");
        }
    }
    case(&mut t, "guest_ran_the_whole_plan_and_powered_off", verdict);
    t
}

/// One row of the kernel matrix.
struct Row {
    arch: Arch,
    kernel: String,
    tally: Tally,
    took: Option<Duration>,
}

/// A boot with a plan of its own, for the tests of the tool itself.
struct SelfTest {
    name: &'static str,
    plan: Vec<Entry>,
    extra: &'static str,
    timeout: Duration,
    /// Judges what xtask concluded about the boot: (the plan's tally, the boot's verdict).
    expect: fn(&Boot, &Tally, &Verdict) -> Verdict,
}

/// The tool's own tests, each a real boot: a failing program, a kernel panic and a hung guest
/// must each come out as a failure, and what the kernel logs during the run must be shown.
fn self_tests() -> Vec<SelfTest> {
    let mut failing = Entry::program("exitcode");
    failing.label = "deliberately_failing_exitcode_3".into();
    failing.argv.push(b"3".to_vec());
    vec![
        SelfTest {
            name: "kernel_failing_program_in_guest_is_a_failure",
            plan: vec![failing],
            extra: "",
            timeout: boot_timeout(),
            expect: |b, t, v| match (b.console.runs.first(), t.failed, v) {
                (Some(r), 1, Ok(())) if r.outcome.status == Status::Exited(3) => Ok(()),
                _ => Err(format!("tally {} failed, boot {v:?}", t.failed)),
            },
        },
        SelfTest {
            name: "kernel_panic_in_guest_is_a_failure",
            // The kernel runs `exitcode` as init; init exiting panics the kernel.
            plan: vec![Entry::program("exitcode")],
            extra: "rdinit=/bin/exitcode",
            timeout: boot_timeout(),
            expect: |b, _, v| match v {
                Err(why) if why.contains("kernel panic") && b.qemu.status == Status::Exited(0) => {
                    Ok(())
                }
                _ => Err(format!("boot {v:?}, qemu {}", b.qemu.status)),
            },
        },
        SelfTest {
            name: "kernel_log_of_the_run_is_shown",
            // hello's one line, written to /dev/kmsg, is logged at the default level (4).
            plan: vec![Entry {
                stdout: Some("/dev/kmsg"),
                ..Entry::program("hello")
            }],
            extra: "",
            timeout: boot_timeout(),
            expect: |b, _, v| {
                let w = b.console.kernel_messages(4);
                if v.is_ok() && w.iter().any(|l| l.ends_with("] hello, world")) {
                    Ok(())
                } else {
                    Err(format!("boot {v:?}, kernel warnings {w:?}"))
                }
            },
        },
        SelfTest {
            name: "kernel_hung_guest_is_killed_and_a_failure",
            plan: vec![],
            extra: "-- hang",
            timeout: Duration::from_secs(20),
            expect: |b, _, v| match v {
                Err(why) if why.contains("timeout") && b.qemu.status == Status::TimedOut => Ok(()),
                _ => Err(format!("boot {v:?}, qemu {}", b.qemu.status)),
            },
        },
    ]
}

/// `cargo xtask test --kernel`: one guest per arch and kernel of the matrix, the tool's own
/// tests, and the matrix table.
pub fn test_kernels(arches: &[Arch], filter: Option<&str>) -> Result<bool> {
    setup::ensure_targets(arches)?;
    for &arch in arches {
        let (program, package) = qemu_package(arch);
        setup::ensure_debian_package(&[program], package)?;
    }
    let kernels: Vec<Kernel> = fetch::KERNELS
        .iter()
        .filter(|k| arches.contains(&k.arch))
        .copied()
        .collect();
    let mut fetched = vec![];
    for k in kernels {
        fetched.push(fetch::fetch(k)?);
    }
    let plan = plan(filter)?;
    let work = build::target_dir().join("kernels");
    let mut bins = vec![];
    for &arch in arches {
        bins.push((arch, build::build_programs(arch)?));
    }
    let bin_dir = |arch: Arch| -> PathBuf {
        bins.iter()
            .find(|(a, _)| *a == arch)
            .map(|(_, d)| d.clone())
            .expect("built above")
    };
    // Each boot's initramfs, console log and label.
    let mut jobs: Vec<(usize, PathBuf, PathBuf, String)> = vec![];
    for (i, f) in fetched.iter().enumerate() {
        let k = f.kernel;
        let tag = format!("{}-{}", k.debian_arch(), k.suite);
        let initrd = work.join(format!("initramfs-{tag}.cpio"));
        if !plan.is_empty() {
            std::fs::write(&initrd, initramfs(&bin_dir(k.arch), &f.busybox, &plan)?)?;
            jobs.push((i, initrd, work.join(format!("console-{tag}.log")), tag));
        }
    }
    let selftests: Vec<SelfTest> = self_tests()
        .into_iter()
        .filter(|s| filter.is_none_or(|f| s.name.contains(f)))
        .collect();
    let selftest_kernel = fetched.first();
    let mut self_jobs = vec![];
    if let Some(f) = selftest_kernel {
        for s in &selftests {
            let initrd = work.join(format!("initramfs-{}.cpio", s.name));
            std::fs::write(
                &initrd,
                initramfs(&bin_dir(f.kernel.arch), &f.busybox, &s.plan)?,
            )?;
            self_jobs.push((initrd, work.join(format!("console-{}.log", s.name))));
        }
    }
    eprintln!(
        "xtask: booting {} guest(s) and {} self-test guest(s) under TCG",
        jobs.len(),
        self_jobs.len()
    );
    let timeout = boot_timeout();
    // All boots at once: each qemu is one TCG thread, and the self-tests mostly wait.
    let (boots, self_boots) = std::thread::scope(|s| {
        let main: Vec<_> = jobs
            .iter()
            .map(|(i, initrd, log, _)| {
                let f = &fetched[*i];
                s.spawn(move || boot(f, initrd, "", timeout, log).map_err(|e| e.to_string()))
            })
            .collect();
        let selfs: Vec<_> = self_jobs
            .iter()
            .zip(&selftests)
            .map(|((initrd, log), t)| {
                let f = selftest_kernel.expect("self-test jobs need a kernel");
                let (extra, limit) = (t.extra, t.timeout);
                s.spawn(move || boot(f, initrd, extra, limit, log).map_err(|e| e.to_string()))
            })
            .collect();
        let join = |h: std::thread::ScopedJoinHandle<'_, std::result::Result<Boot, String>>| {
            h.join()
                .unwrap_or_else(|_| Err("boot thread panicked".into()))
        };
        (
            main.into_iter().map(join).collect::<Vec<_>>(),
            selfs.into_iter().map(join).collect::<Vec<_>>(),
        )
    });

    let mut total = Tally::default();
    let mut rows = vec![];
    for ((i, _, log, _), b) in jobs.iter().zip(boots) {
        let f = &fetched[*i];
        let label = format!("{} guest {}", f.kernel.arch, f.release);
        let b = b?;
        let t = judge(&label, &plan, &b, timeout);
        let mut runs: Vec<_> = b.console.runs.iter().collect();
        runs.sort_by_key(|r| std::cmp::Reverse(r.millis));
        let slowest: Vec<String> = runs
            .iter()
            .take(3)
            .map(|r| format!("{} {:.1} s", r.label, r.millis as f64 / 1000.0))
            .collect();
        println!(
            "{label}: {} passed, {} failed, {} skipped; boot to power-off {:.1} s, slowest {} \
             (console: {})",
            t.passed,
            t.failed,
            t.skipped,
            b.took.as_secs_f64(),
            slowest.join(", "),
            log.display()
        );
        total.add(t);
        rows.push(Row {
            arch: f.kernel.arch,
            kernel: f.release.clone(),
            tally: t,
            took: Some(b.took),
        });
    }
    if let Some(f) = selftest_kernel.filter(|_| !selftests.is_empty()) {
        let label = format!("{} self-test", f.kernel.arch);
        let mut t = Tally::default();
        for ((s, b), (_, log)) in selftests.iter().zip(self_boots).zip(&self_jobs) {
            let b = b?;
            // The verdicts of these boots are meant to be failures: judge them quietly.
            let tally = quiet_tally(&s.plan, &b);
            let verdict = boot_verdict(&b, s.plan.len(), s.timeout);
            match (s.expect)(&b, &tally, &verdict) {
                Ok(()) => t.passed += 1,
                Err(why) => {
                    t.failed += 1;
                    println!(
                        "  [{label}] xtask::{} {why} (console: {}) [FAIL]",
                        s.name,
                        log.display()
                    );
                }
            }
        }
        println!("{label}: {} passed, {} failed", t.passed, t.failed);
        total.add(t);
    }

    println!();
    println!("kernel matrix (TCG, {GUEST_MEMORY_MIB} MiB per guest):");
    println!(
        "  {:<8} {:<44} {:>6} {:>6} {:>7} {:>8}",
        "arch", "kernel", "passed", "failed", "skipped", "boot"
    );
    println!(
        "  {:<8} {:<44}   (`cargo xtask test` runs the x86_64 programs natively)",
        std::env::consts::ARCH,
        format!("host {}", host_kernel())
    );
    for r in &rows {
        println!(
            "  {:<8} {:<44} {:>6} {:>6} {:>7} {:>6.1} s",
            r.arch.name(),
            r.kernel,
            r.tally.passed,
            r.tally.failed,
            r.tally.skipped,
            r.took.map_or(0.0, |d| d.as_secs_f64())
        );
    }
    if total.passed + total.failed == 0 {
        println!("no test matched the filter {filter:?}");
        println!("0 passed, 1 failed");
        return Ok(false);
    }
    println!("{} passed, {} failed", total.passed, total.failed);
    Ok(total.failed == 0)
}

/// A self-test plan's tally without printing its (expected) failures.
fn quiet_tally(plan: &[Entry], b: &Boot) -> Tally {
    let mut t = Tally::default();
    for e in plan {
        let run = b.console.runs.iter().find(|r| r.label == e.label);
        let ok = run.is_some_and(|r| {
            let out = String::from_utf8_lossy(&r.outcome.stdout);
            r.outcome.status == Status::Exited(0)
                && out.lines().any(|l| l.starts_with("total: "))
                && !out.contains("[FAIL]")
        });
        if ok {
            t.passed += 1;
        } else {
            t.failed += 1;
        }
    }
    t
}

/// The host's kernel release (`uname -r`).
pub fn host_kernel() -> String {
    std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_arch_boots_with_panic_reboot_and_no_reboot() {
        for arch in Arch::ALL {
            let cmd = qemu_command(arch, Path::new("k"), Path::new("i"), "-- hang");
            let args: Vec<String> = cmd
                .get_args()
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            let append = args.last().unwrap();
            assert!(args.contains(&"-no-reboot".to_string()), "{arch}");
            assert!(
                append.contains("panic=-1") && append.ends_with("-- hang"),
                "{append}"
            );
        }
    }
}
