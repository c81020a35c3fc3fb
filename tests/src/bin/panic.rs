//! Panics with a known message (xtask checks the exit status, 101, and the stderr line).
#![no_std]
#![no_main]

fn main() {
    let n = sysrt_rt::args().len();
    panic!("boom {}", n + 41);
}

sysrt_rt::main!(main);
