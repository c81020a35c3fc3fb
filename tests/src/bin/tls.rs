//! A program with thread-local storage: the runtime must refuse to start it, with a message on
//! stderr and exit status 127, before `main` (whose first access would crash today, with no
//! thread pointer set up). xtask checks the status and the message.
#![no_std]
#![no_main]

// Placing a static in `.tbss` is what a thread-local variable compiles to: the linker makes a
// PT_TLS segment for it. (`#[thread_local]` itself is unstable.)
#[used]
#[unsafe(link_section = ".tbss")]
static TLS_BYTES: [u8; 16] = [0; 16];

fn main() -> i32 {
    sysrt_rt::println!("main ran");
    0
}

sysrt_rt::main!(main);
