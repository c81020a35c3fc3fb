//! Exits with the status given as the first argument (xtask checks what the parent sees).
#![no_std]
#![no_main]

fn main() -> i32 {
    let Some(arg) = sysrt_rt::args::arg(1) else {
        return 2;
    };
    let mut n: i32 = 0;
    for &b in arg.to_bytes() {
        if !b.is_ascii_digit() {
            return 2;
        }
        n = n.wrapping_mul(10).wrapping_add(i32::from(b - b'0'));
    }
    n
}

sysrt_rt::main!(main);
