// The same program as examples/src/bin/hello.rs, on Rust's std: the peer that `cargo xtask
// bench` builds against glibc (dynamic) and musl (static) to compare size, syscalls and
// start-up time with sysrt's. Built with plain `rustc`, not part of the workspace.
fn main() {
    println!("hello, world");
}
