//! What the system says about itself, checked against /proc: uname's fields against
//! /proc/sys/kernel/*, sysinfo against /proc/uptime and /proc/meminfo, the CPU count against
//! Cpus_allowed_list, and the hardware capability words against /proc/cpuinfo (natively) and
//! the bits every CPU of the arch has; riscv_hwprobe on riscv64.
#![no_std]
#![no_main]

use core::ffi::CStr;

use sysrt::system::{self, HwcapBit, hwcap};
use sysrt_tests::child::proc_status;
use sysrt_tests::procfs::{field, read_file, text_of_file};
use sysrt_tests::util::{FdBaseline, Text, text_of, under_qemu};
use sysrt_tests::{Tests, check};

const PLAN: usize = 19;

fn text_c(c: &CStr) -> Text {
    text_of(c.to_bytes())
}

/// The CPUs in a `Cpus_allowed_list` value such as `0-3,8,10-11`.
fn count_cpu_list(list: &[u8]) -> Option<usize> {
    let mut count = 0;
    for part in list.split(|&b| b == b',') {
        let num = |s: &[u8]| -> Option<usize> {
            if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
                return None;
            }
            Some(s.iter().fold(0, |n, &d| n * 10 + usize::from(d - b'0')))
        };
        let mut ends = part.splitn(2, |&b| b == b'-');
        let lo = num(ends.next()?)?;
        let hi = match ends.next() {
            Some(h) => num(h)?,
            None => lo,
        };
        count += hi.checked_sub(lo)? + 1;
    }
    Some(count)
}

/// /proc/uptime's first field, whole seconds.
fn proc_uptime() -> Option<i64> {
    let mut buf = [0u8; 64];
    let t = read_file("/proc/uptime", &mut buf).ok()?;
    let secs = t.split(|&b| b == b'.').next()?;
    Some(secs.iter().fold(0i64, |n, &d| n * 10 + i64::from(d - b'0')))
}

/// The words of the first `flags` line of /proc/cpuinfo contain `name`.
fn cpuinfo_has(flags: &[u8], name: &str) -> bool {
    flags
        .split(|&b| b == b' ' || b == b'\t')
        .any(|w| w == name.as_bytes())
}

/// A named bit of this arch's table, by name.
fn named(name: &str) -> Option<HwcapBit> {
    hwcap::ALL.iter().copied().find(|b| b.name == name)
}

fn uname_cases(t: &mut Tests) {
    let u = system::uname();
    check!(t, "uname_ok", u.as_ref().map(drop), Ok(()));
    let Ok(u) = u else {
        for _ in 0..6 {
            t.check("uname_field", false, true);
        }
        return;
    };
    check!(
        t,
        "uname_sysname_is_ostype",
        Ok(text_c(u.sysname())),
        text_of_file("/proc/sys/kernel/ostype")
    );
    check!(
        t,
        "uname_nodename_is_hostname",
        Ok(text_c(u.nodename())),
        text_of_file("/proc/sys/kernel/hostname")
    );
    check!(
        t,
        "uname_release_is_osrelease",
        Ok(text_c(u.release())),
        text_of_file("/proc/sys/kernel/osrelease")
    );
    check!(
        t,
        "uname_version_is_kernel_version",
        Ok(text_c(u.version())),
        text_of_file("/proc/sys/kernel/version")
    );
    check!(
        t,
        "uname_domainname_is_domainname",
        Ok(text_c(u.domainname())),
        text_of_file("/proc/sys/kernel/domainname")
    );
    check!(
        t,
        "uname_machine_is_this_arch",
        text_c(u.machine()),
        text_of(sysrt_arch::ARCH.as_bytes())
    );
}

fn sysinfo_cases(t: &mut Tests) {
    let si = system::sysinfo();
    let Ok(si) = si else {
        for _ in 0..4 {
            t.check("sysinfo", si.map(drop), Ok(()));
        }
        return;
    };
    // Read at different instants: a generous two seconds apart at most.
    let up = proc_uptime();
    check!(
        t,
        "sysinfo_uptime_within_2s_of_proc_uptime",
        up.map(|u| (si.uptime - u).abs() <= 2),
        Some(true)
    );
    check!(
        t,
        "sysinfo_totalram_totalswap_match_meminfo",
        (Some(si.totalram), Some(si.totalswap)),
        (
            field("/proc/meminfo", "MemTotal:").map(|k| k * 1024),
            field("/proc/meminfo", "SwapTotal:").map(|k| k * 1024)
        )
    );
    check!(
        t,
        "sysinfo_free_within_total_procs_unit",
        (
            si.freeram <= si.totalram,
            si.freeswap <= si.totalswap,
            si.procs >= 1,
            si.mem_unit
        ),
        (true, true, true, 1)
    );
    let la = si.load_average();
    check!(
        t,
        "sysinfo_load_average_is_loads_over_65536",
        (0..3).all(|i| la[i] * 65536.0 == si.loads[i] as f64),
        true
    );
}

fn cpu_cases(t: &mut Tests) {
    let allowed = proc_status("Cpus_allowed_list").and_then(|l| count_cpu_list(l.as_bytes()));
    check!(
        t,
        "cpu_count_matches_cpus_allowed_list",
        system::cpu_count().ok(),
        allowed
    );
}

/// The auxiliary vector as `sysrt::auxv` gives it, against /proc/self/auxv (which QEMU
/// emulates for its guests).
fn auxv_case(t: &mut Tests) {
    let mut buf = [0u8; 2048];
    let raw = read_file("/proc/self/auxv", &mut buf).unwrap_or_default();
    let mut want = [(0usize, 0usize); 64];
    let mut n = 0;
    for pair in raw.chunks_exact(2 * size_of::<usize>()) {
        let (k, v) = pair.split_at(size_of::<usize>());
        let word = |b: &[u8]| usize::from_ne_bytes(b.try_into().unwrap_or_default());
        if word(k) == 0 || n == want.len() {
            break;
        }
        want[n] = (word(k), word(v));
        n += 1;
    }
    let mut got = [(0usize, 0usize); 64];
    let mut m = 0;
    for (slot, e) in got.iter_mut().zip(sysrt::auxv::entries()) {
        *slot = e;
        m += 1;
    }
    check!(
        t,
        "auxv_entries_match_proc_self_auxv",
        (m, got[..m] == want[..n]),
        (n, true)
    );
}

fn hwcap_cases(t: &mut Tests) {
    let caps = system::hwcaps();
    let aux = |k| sysrt::auxv::getauxval(k).unwrap_or(0);
    check!(
        t,
        "hwcaps_words_are_at_hwcap_and_at_hwcap2",
        [caps.words()[0], caps.words()[1]],
        [aux(sysrt::auxv::HWCAP), aux(sysrt::auxv::HWCAP2)]
    );
    // Bits every CPU of the arch has (x86_64's baseline; arm64's FP and ASIMD; RV64GC).
    let baseline: &[&str] = match sysrt_arch::ARCH {
        "x86_64" => &["FPU", "TSC", "CX8", "CMOV", "FXSR", "SSE", "SSE2"],
        "aarch64" => &["FP", "ASIMD"],
        _ => &["I", "M", "A", "F", "D", "C"],
    };
    let missing = baseline
        .iter()
        .find(|n| named(n).is_none_or(|b| !caps.has(b)));
    check!(t, "hwcaps_arch_baseline_bits_set", missing, None::<&&str>);

    // Natively on x86_64, every named bit against the first `flags` line of /proc/cpuinfo
    // (both come from the same kernel word).
    let name = "hwcaps_named_bits_match_proc_cpuinfo";
    if under_qemu() {
        t.skip(
            name,
            "QEMU shows the host's /proc/cpuinfo, not the emulated CPU's",
        );
    } else if sysrt_arch::ARCH != "x86_64" {
        t.skip(name, "this arch's table has no /proc/cpuinfo names");
    } else {
        let mut buf = [0u8; 16384];
        let text = read_file("/proc/cpuinfo", &mut buf).unwrap_or_default();
        let flags = text
            .split(|&b| b == b'\n')
            .find_map(|l| l.strip_prefix(b"flags"))
            .unwrap_or_default();
        let wrong = hwcap::ALL
            .iter()
            .find(|b| caps.has(**b) != cpuinfo_has(flags, b.cpuinfo))
            .map(|b| b.name);
        check!(t, name, (flags.is_empty(), wrong), (false, None));
    }
    riscv_hwprobe_case(t);
}

sysrt_arch::only_riscv64! {
    fn riscv_hwprobe_case(t: &mut Tests) {
        use sysrt::system::{RiscvHwprobe, riscv_hwprobe};
        let mut pairs = [
            RiscvHwprobe::new(RiscvHwprobe::KEY_BASE_BEHAVIOR),
            RiscvHwprobe::new(RiscvHwprobe::KEY_IMA_EXT_0),
            RiscvHwprobe::new(1 << 40), // a key no kernel knows
        ];
        let r = riscv_hwprobe(&mut pairs);
        if under_qemu() && r == Err(sysrt::Errno::ENOSYS) {
            t.skip(
                "riscv_hwprobe_base_ima_fd_c_unknown_key_minus_1",
                "QEMU 7.2 predates riscv_hwprobe (Linux 6.4, QEMU 8.1): ENOSYS",
            );
            return;
        }
        let fd_c = RiscvHwprobe::IMA_FD | RiscvHwprobe::IMA_C;
        check!(
            t,
            "riscv_hwprobe_base_ima_fd_c_unknown_key_minus_1",
            (
                r,
                pairs[0].value & RiscvHwprobe::BASE_BEHAVIOR_IMA,
                pairs[1].value & fd_c,
                pairs[2].key,
                pairs[2].value
            ),
            (Ok(()), RiscvHwprobe::BASE_BEHAVIOR_IMA, fd_c, -1, 0)
        );
    }
}

sysrt_arch::only_x86_64! {
    fn riscv_hwprobe_case(t: &mut Tests) {
        t.skip("riscv_hwprobe_base_ima_fd_c_unknown_key_minus_1", "riscv_hwprobe is riscv64's only");
    }
}

sysrt_arch::only_aarch64! {
    fn riscv_hwprobe_case(t: &mut Tests) {
        t.skip("riscv_hwprobe_base_ima_fd_c_unknown_key_minus_1", "riscv_hwprobe is riscv64's only");
    }
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();
    uname_cases(&mut t);
    sysinfo_cases(&mut t);
    cpu_cases(&mut t);
    auxv_case(&mut t);
    hwcap_cases(&mut t);
    baseline.check(&mut t);
    t.finish()
}

sysrt_rt::main!(main);
