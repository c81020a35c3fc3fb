//! (placeholder: example to be written)
#![no_std]
#![no_main]

fn main() -> i32 {
    0
}

sysrt_rt::main!(main);
