//! The print macros, judged by xtask: 6000 bytes of formatted output in one `print!` loop and
//! a newline, a literal with braces, a plain literal (written as it is), a literal that
//! captures a variable, a line on stderr; then a checked write through `Stdout`, whose error
//! (stdout on /dev/full: ENOSPC) makes the exit status 3.
#![no_std]
#![no_main]

use core::fmt::Write;

use sysrt_rt::print::Stdout;
use sysrt_rt::{eprintln, print, println};

fn main() -> i32 {
    for i in 0..60 {
        print!("{i:0>100}");
    }
    println!();
    println!("literal {{braces}}");
    println!("plain\tliteral",);
    let x = 7;
    println!("{x} captured");
    eprintln!("to stderr {}", 42);
    eprintln!("plain on stderr");
    match writeln!(Stdout, "checked") {
        Ok(()) => 0,
        Err(_) => 3,
    }
}

sysrt_rt::main!(main);
