//! The program's entry. `sysrt_rt::main!` defines `_start`, the panic handler and the few
//! symbols a link without libc needs; `main` may return `()`, `i32`, `u8` or a `Result`.
#![no_std]
#![no_main]

use sysrt_rt::println;

fn main() -> Result<i32, sysrt::Errno> {
    let args = sysrt_rt::args().len();
    println!("{}", sysrt_app::greeting(args));
    // A typed syscall: fails with an `Errno` value, never -1.
    let cwd = sysrt::fs::open(".", sysrt::fs::OFlags::DIRECTORY, sysrt::fs::Mode::empty())?;
    println!("{} argument(s); the working directory is fd {}", args.saturating_sub(1), cwd.as_raw_fd());
    Ok(sysrt_app::exit_code(args))
}

sysrt_rt::main!(main);
