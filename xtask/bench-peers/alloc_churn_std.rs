// The small-object churn on Rust's std: the peer that `cargo xtask bench` builds against
// glibc (malloc) and musl (its mallocng) to compare with sysrt-rt's allocator. Built with plain
// `rustc`, not part of the workspace.
include!("alloc_churn.rs");

fn main() {
    let iters: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000_000);
    let start = std::time::Instant::now();
    let check = churn(iters);
    let ns = start.elapsed().as_nanos() as f64 / iters as f64;
    println!("alloc churn: {ns:.1} ns per iteration (checksum {check})");
}
