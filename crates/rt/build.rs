//! Publishes the link arguments of a libc-free program to the build scripts of the crates
//! that depend on sysrt-rt directly (as `DEP_SYSRT_RT_LINK_ARGS`, the arguments separated by U+001F, the ASCII unit separator, since a path may hold spaces).
//!
//! Cargo applies `cargo::rustc-link-arg*` only to the package whose build script prints it, so
//! a program's own `build.rs` forwards these with `cargo::rustc-link-arg-bins` (the template
//! does): its binaries link without libc, while its unit tests still link with std and libc.
//! The linker script is named by an absolute path, so this works wherever the project lives.

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=link/libc-free.ld");
    println!("cargo::rerun-if-env-changed=RUSTC_LINKER");
    let script = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"))
        .join("link")
        .join("libc-free.ld");
    let script = script.to_str().expect("a UTF-8 path to sysrt-rt");

    // With `linker = "rust-lld"` (the cross targets) rustc calls the linker directly; with
    // no linker configured (the host target) it calls `cc`, which wants `-Wl,` for the
    // linker's own options.
    let direct = env::var("RUSTC_LINKER").is_ok_and(|l| {
        let stem = std::path::Path::new(&l)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        matches!(stem.as_str(), "rust-lld" | "ld.lld" | "lld" | "ld")
    });
    // -nostdlib                 no crt1.o, no libc, no libgcc: sysrt-rt's `main!` provides
    //                           `_start` and what the compiler calls
    // -static, no PIE           a fixed-address executable with no interpreter and no
    //                           relocation to apply at start (the code itself may be PIC)
    // -z norelro, no build id   nothing a dynamic loader would read; a smaller file
    // no .eh_frame(_hdr)        panic = "abort": nothing unwinds; the script discards the
    //                           tables the precompiled `core` brings in
    // no thread-local storage   the script refuses .tdata/.tbss with a message: sysrt-rt
    //                           sets up no thread pointer
    let linker_opts = [
        "-znorelro".to_string(),
        "--build-id=none".to_string(),
        "--no-eh-frame-hdr".to_string(),
        format!("-T{script}"),
    ];
    let mut args: Vec<String> = vec!["-nostdlib".into(), "-static".into()];
    if direct {
        args.push("--no-pie".into());
        args.extend(linker_opts);
    } else {
        args.push("-no-pie".into());
        args.extend(linker_opts.iter().map(|o| format!("-Wl,{o}")));
    }
    println!("cargo::metadata=link_args={}", args.join("\u{1f}"));
}
