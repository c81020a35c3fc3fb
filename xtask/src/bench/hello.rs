//! Row 3 (and hello's half of row 7): the same hello program as sysrt's, as a raw floor
//! (two trap instructions, no runtime), musl C, glibc C, Rust std on musl and on glibc, and
//! Go when a Go toolchain is here: stripped size, syscalls from exec to exit, exec-to-exit
//! time (run by run, interleaved), and VmHWM at exit. Then hello's bytes section by section.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::model::{Check, Row, Table, Variant, min_median};
use super::{Ctx, tools};
use crate::{Result, build, setup};

const FLOOR: &str = "raw floor (C, -nostdlib, lld)";
const EXPECT: &str = "hello, world\n";

/// The host's rustup `gcc-ld` folder, whose `ld.lld` is rust-lld: the floor is linked with
/// the linker that links sysrt's programs, so the two differ only by what is in them.
fn gcc_ld() -> Option<PathBuf> {
    let out = Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .ok()?;
    let p = Path::new(String::from_utf8(out.stdout).ok()?.trim())
        .join("lib/rustlib/x86_64-unknown-linux-gnu/bin/gcc-ld");
    p.is_dir().then_some(p)
}

/// The programs: (name, binary or why not).
fn programs(ctx: &Ctx) -> Vec<(String, std::result::Result<PathBuf, String>)> {
    let mut v = vec![];
    let floor = match gcc_ld() {
        None => Err("no rustup gcc-ld (rust-lld) here".to_string()),
        Some(ld) => {
            let b = format!("-B{}", ld.display());
            tools::c_peer(
                "gcc",
                "hello_floor.c",
                "hello-floor",
                &[
                    "-static",
                    "-nostdlib",
                    "-Os",
                    "-fno-asynchronous-unwind-tables",
                    "-fno-pie",
                    "-no-pie",
                    "-fuse-ld=lld",
                    &b,
                    "-Wl,--build-id=none",
                    "-Wl,-z,norelro",
                    "-Wl,-z,noexecstack",
                    "-Wl,-s",
                ],
            )
        }
    };
    if let Ok(f) = &floor {
        // strip -s keeps .comment (the compiler's name); the floor carries nothing.
        let _ = Command::new("strip")
            .args(["-R", ".comment"])
            .arg(f)
            .status();
    }
    v.push((FLOOR.to_string(), floor));
    v.push(("sysrt".to_string(), Ok(ctx.demo_dir.join("hello"))));
    if setup::is_root() && setup::which("musl-gcc").is_none() {
        let _ = setup::ensure_debian_package(&["musl-gcc"], "musl-tools");
    }
    let musl = if setup::which("musl-gcc").is_none() {
        Err("no musl-gcc (apt-get install musl-tools, as root)".to_string())
    } else {
        tools::c_peer(
            "musl-gcc",
            "hello.c",
            "hello-musl",
            &["-static", "-Os", "-s"],
        )
    };
    v.push(("musl C static".to_string(), musl));
    v.push((
        "glibc C static".to_string(),
        tools::c_peer("gcc", "hello.c", "hello-glibc", &["-static", "-Os", "-s"]),
    ));
    for (name, target) in [
        ("std musl static", "x86_64-unknown-linux-musl"),
        ("std glibc dynamic", "x86_64-unknown-linux-gnu"),
    ] {
        let b = tools::std_peer("hello_std", target)
            .ok_or_else(|| format!("rustc could not build for {target}"));
        v.push((name.to_string(), b));
    }
    v.push(("Go".to_string(), go_hello()));
    v
}

/// Go's hello, when a Go toolchain is on PATH.
fn go_hello() -> std::result::Result<PathBuf, String> {
    if setup::which("go").is_none() {
        return Err("no Go toolchain here".into());
    }
    let dir = build::target_dir().join("bench").join("go-hello");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let src = dir.join("hello.go");
    std::fs::write(
        &src,
        "package main\n\nimport \"os\"\n\nfunc main() { os.Stdout.WriteString(\"hello, world\\n\") }\n",
    )
    .map_err(|e| e.to_string())?;
    let bin = dir.join("hello");
    let st = Command::new("go")
        .args(["build", "-ldflags=-s -w", "-o"])
        .arg(&bin)
        .arg(&src)
        .env("CGO_ENABLED", "0")
        .status()
        .map_err(|e| e.to_string())?;
    if st.success() {
        Ok(bin)
    } else {
        Err(format!("go build failed ({st})"))
    }
}

/// Whether `bin` prints hello's line and exits 0.
fn check(bin: &Path) -> Check {
    match Command::new(bin).env_remove("LD_LIBRARY_PATH").output() {
        Ok(o) if o.status.success() && o.stdout == EXPECT.as_bytes() => Check::Ok,
        Ok(o) => Check::Wrong(format!(
            "printed {:?}, {}",
            String::from_utf8_lossy(&o.stdout),
            o.status
        )),
        Err(e) => Check::Wrong(e.to_string()),
    }
}

/// Peak RSS at exit in kB: the child's `ru_maxrss`, started by the libc-free `bench_rss`
/// (a launcher of a few pages: GNU time or xtask as the launcher would put their own 400-odd
/// kB in every figure, since `ru_maxrss` covers the child's life before `execve` too).
fn max_rss_kb(launcher: &Path, bin: &Path) -> std::result::Result<f64, String> {
    let out = Command::new(launcher)
        .arg(bin)
        .env_remove("LD_LIBRARY_PATH")
        .output()
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("maxrss "))
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| format!("bench_rss printed {:?}", text.trim()))
}

pub fn rows(ctx: &Ctx, table: &mut Table) -> Result<()> {
    let progs = programs(ctx);
    let mut size = Row::new("hello: stripped size", "bytes", FLOOR);
    let mut calls = Row::new("hello: syscalls exec→exit", "syscalls", FLOOR);
    let mut time = Row::new("hello: exec→exit", "µs", FLOOR);
    // The kernel's counters are too coarse to tell the smallest programs apart (see the
    // note): the reference here is the std program users would otherwise write.
    let mut hwm = Row::new("hello: VmHWM at exit", "kB", "std glibc dynamic");
    let launcher = tools::libc_free(crate::arch::Arch::X86_64, build::TEST_PACKAGE, "bench_rss")?;
    let mut ready = vec![];
    for (name, bin) in &progs {
        let bin = match bin {
            Ok(b) => b,
            Err(why) => {
                for row in [&mut size, &mut calls, &mut time, &mut hwm] {
                    row.variants.push(Variant::skipped(name, why));
                }
                continue;
            }
        };
        let verdict = check(bin);
        let bytes = std::fs::metadata(bin)?.len() as f64;
        let mut s = Variant::new(name, bytes, bytes);
        s.check = verdict.clone();
        size.variants.push(s);
        let mut c = Variant::skipped(name, "");
        match tools::syscalls_of(&Command::new(bin)) {
            Ok(list) => {
                let k = list.len() as f64;
                c = Variant::new(name, k, k);
            }
            Err(e) => c.check = Check::Skipped(e),
        }
        calls.variants.push(c);
        match max_rss_kb(&launcher, bin) {
            Ok(kb) => hwm.variants.push(Variant::new(name, kb, kb)),
            Err(e) => hwm.variants.push(Variant::skipped(name, &e)),
        }
        if verdict == Check::Ok {
            ready.push((name.clone(), bin.clone()));
        } else {
            time.variants.push(Variant {
                check: verdict,
                ..Variant::skipped(name, "")
            });
        }
    }
    let runs = if ctx.quick { 60 } else { 300 };
    let bins: Vec<&Path> = ready.iter().map(|(_, b)| b.as_path()).collect();
    let samples = tools::exec_times(&bins, runs)?;
    for ((name, _), s) in ready.iter().zip(samples) {
        let (min, med) = min_median(&s);
        time.variants.push(Variant::new(name, min, med));
    }
    time.note = format!(
        "{runs} runs of each, taking turns run by run; spawned by xtask (std Command), so \
         every figure includes the same fork/exec/wait"
    );
    size.note = "sysrt's hello keeps W^X (R and RX segments: rodata is not executable), the \
                 fds 0–2 probe, the constructors and the panic handler; the issue's floor was \
                 1,136 B"
        .into();
    calls.note = "strace -f, the program's own execve left out".into();
    hwm.note = "ru_maxrss of the child of a libc-free launcher (tests/src/bin/bench_rss.rs); \
                the kernel counts RSS in per-CPU batches, so programs that touch only a few \
                pages read as 0 kB"
        .into();
    // The skipped ones (pushed first) back in the programs' order.
    let order = |v: &Variant| progs.iter().position(|(n, _)| *n == v.name);
    time.variants.sort_by_key(order);
    for r in [size, calls, time, hwm] {
        table.push(r);
    }
    table.sections.push(sections(&ctx.demo_dir.join("hello"))?);
    Ok(())
}

/// hello's bytes, part by part: the ELF header, the program headers, each section, the
/// padding between them, the section header table.
fn sections(bin: &Path) -> Result<String> {
    let b = std::fs::read(bin)?;
    let facts = crate::elf::sections(&b).map_err(|e| format!("{}: {e}", bin.display()))?;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "### hello ({} bytes, x86_64) section by section\n\n| part | offset | bytes |\n|---|---:|---:|",
        b.len()
    );
    let mut parts = facts;
    parts.sort_by_key(|p| p.1);
    let mut at = 0u64;
    for (name, off, len) in &parts {
        if *off > at {
            let _ = writeln!(s, "| (padding) | {at} | {} |", off - at);
        }
        let _ = writeln!(s, "| {name} | {off} | {len} |");
        at = at.max(off + len);
    }
    let _ = writeln!(s, "| **total** | | {} |", b.len());
    Ok(s)
}
