//! (placeholder: cases to be written)
#![no_std]
#![no_main]

use sysrt_tests::Tests;

fn main() -> i32 {
    Tests::new(0).finish()
}

sysrt_rt::main!(main);
