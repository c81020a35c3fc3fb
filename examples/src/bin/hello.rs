//! `hello`: prints "hello, world" and exits 0. The smallest useful sysrt program: its run
//! makes exactly two syscalls, `write` and `exit_group`.
#![no_std]
#![no_main]

fn main() {
    sysrt_rt::println!("hello, world");
}

sysrt_rt::main!(main);
