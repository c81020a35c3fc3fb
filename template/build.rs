//! Links this package's binaries without libc: static, no interpreter, `_start` from
//! `sysrt_rt::main!`. sysrt-rt's build script works out the arguments for the linker in use
//! (and the absolute path of its linker script) and hands them over as
//! `DEP_SYSRT_RT_LINK_ARGS`. They go to the binaries only, so that `cargo test` still links
//! the library's unit tests with std.

fn main() {
    let args = std::env::var("DEP_SYSRT_RT_LINK_ARGS")
        .expect("sysrt-rt must be a direct dependency: it provides DEP_SYSRT_RT_LINK_ARGS");
    for arg in args.split('\u{1f}') {
        println!("cargo::rustc-link-arg-bins={arg}");
    }
}
