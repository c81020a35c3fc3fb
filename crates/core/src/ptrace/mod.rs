//! Process tracing: `ptrace` — attach to a process, stop it at syscalls, read and change its
//! memory and registers (what debuggers and `strace` do).
//!
//! Its own module rather than part of [`process`](crate::process): it is a separate area (one
//! multiplexed syscall with its own request numbers, event protocol and per-arch register
//! set), and Go keeps it apart too (the `Ptrace*` functions, its `misc` category).
//!
//! The usual sequence: the tracee calls [`traceme`] and stops itself with
//! [`raise`](crate::signal::raise)`(SIGSTOP)` (or the tracer calls [`seize`]/[`attach`]); the
//! tracer waits for the stop with `wait4`, sets [`setoptions`], then resumes it with [`cont`]
//! or [`syscall`] and waits for the next stop, inspecting it with [`getregs`] and
//! [`peekdata`] in between. Every request other than `traceme`/`attach`/`seize` needs the
//! tracee to be stopped in a ptrace stop (`ESRCH` otherwise).
//!
//! Under qemu-user, `ptrace` is not emulated for guests (it returns `ENOSYS`): these calls can
//! only be tried natively.
//!
//! Single-stepping is an arch capability: x86_64 and aarch64 kernels have it; the riscv64
//! kernel does not define `arch_has_single_step()` (RISC-V has no user-mode single-step
//! trap), so [`singlestep`] fails there with `EIO`.

mod control;
mod memory;
mod regs;

pub use control::{
    Options, attach, cont, detach, event, geteventmsg, interrupt, seize, setoptions, singlestep,
    syscall, traceme,
};
pub use memory::{
    peek_data, peek_text, peekdata, peektext, poke_data, poke_text, pokedata, poketext,
};
pub use regs::{PtraceRegs, getregs, setregs};
