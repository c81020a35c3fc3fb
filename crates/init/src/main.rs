//! `sysrt-init [OPTIONS] [--] PROGRAM [ARGS…]`: a tini-compatible init for containers.
//!
//! It starts PROGRAM, forwards to it every signal it gets (all but `SIGCHLD` and the
//! synchronous ones), reaps every zombie that ends up as its child (orphaned grandchildren
//! included, when it is PID 1 or a subreaper), and exits with PROGRAM's status: its exit
//! code, or 128 + N when signal N killed it.
//!
//! The command line, the environment variables, the exit codes and the messages are tini
//! 0.19's (`src/tini.c`), so it replaces tini as it is; see `opts.rs`. Signals arrive as
//! data on a signalfd: there is no handler code. The program gets back the signal mask and
//! the `SIGTTIN`/`SIGTTOU` dispositions this process started with, and any signal ignored
//! then stays ignored, as under tini.
//!
//! Two deliberate differences:
//! - Not PID 1 and not a subreaper (no `-s`, no `TINI_SUBREAPER`), it prints tini's warning
//!   ("zombie reaping won't work") whatever the verbosity and exits 1 without starting the
//!   program; tini warns and starts it anyway. Only when the kernel cannot say whether it is
//!   a subreaper (qemu-user does not emulate `PR_GET_CHILD_SUBREAPER`) does it warn and go
//!   on, as tini does.
//! - Where tini would wait forever when it was started with `SIGCHLD` ignored (the kernel
//!   then reaps children by itself and tini never learns that its child ended), sysrt-init
//!   sets `SIGCHLD` back to its default first, so the program starts with the default
//!   action for it.
#![no_std]
#![no_main]

mod log;
mod opts;

use core::ffi::CStr;

use sysrt::fd::{OwnedFd, STDIN};
use sysrt::io;
use sysrt::process::{self, Pid, WaitOptions, WaitStatus, WaitTarget};
use sysrt::signal::{self, Disposition, How, SfdFlags, SigSet, Signal, SignalfdSiginfo};
use sysrt::{Errno, retry_on_intr};

use log::Level;
use log::Part::{E, N, S, Sig};
use opts::{MAX_CHILD_ARGS, Options};

/// The signals sysrt-init leaves to their normal delivery: those a fault raises in the
/// process itself (blocking them would not stop the kernel from ending it), and `SIGTTIN`
/// and `SIGTTOU`, which it ignores. Every other signal is blocked and read from the signalfd.
const NOT_COLLECTED: [Signal; 9] = [
    Signal::FPE,
    Signal::ILL,
    Signal::SEGV,
    Signal::BUS,
    Signal::ABRT,
    Signal::TRAP,
    Signal::SYS,
    Signal::TTIN,
    Signal::TTOU,
];

/// tini's warning when orphans will not come back to it to be reaped.
const REAPER_WARNING: &[u8] = b"Tini is not running as PID 1 and isn't registered as a child \
subreaper.\nZombie processes will not be re-parented to Tini, so zombie reaping won't work.\n\
To fix the problem, use the -s option or set the environment variable TINI_SUBREAPER to \
register Tini as a child subreaper, or run Tini as PID 1.";

/// The signal state the program gets back: the mask this process started with, and the
/// signals to set back to `SIG_DFL` (those sysrt-init ignores that were at their default).
struct ChildSignals {
    mask: SigSet,
    default: SigSet,
}

/// Blocks the signals to collect and opens the signalfd that receives them; ignores
/// `SIGTTIN`/`SIGTTOU` (the program will own the terminal, and a write of ours must not stop
/// us). Returns what the program must get back.
fn configure_signals() -> Result<(ChildSignals, OwnedFd), i32> {
    let collected = NOT_COLLECTED
        .iter()
        .fold(SigSet::FULL, |set, &sig| set.without(sig));
    let mask = match signal::rt_sigprocmask(How::SetMask, collected) {
        Ok(old) => old,
        Err(e) => {
            log::fatal(&[S(b"sigprocmask failed: '"), E(e), S(b"'")]);
            return Err(1);
        }
    };
    let mut default = SigSet::EMPTY;
    for sig in [Signal::TTIN, Signal::TTOU] {
        match signal::ignore(sig) {
            // A handler cannot have survived the exec that started us: the disposition was
            // SIG_DFL or SIG_IGN, and SIG_IGN is what the program inherits anyway.
            Ok(old) if old.disposition() == Disposition::Default => default.insert(sig),
            Ok(_) => {}
            Err(_) => {
                log::fatal(&[S(b"Failed to ignore "), Sig(sig)]);
                return Err(1);
            }
        }
    }
    // With SIGCHLD ignored the kernel would reap our children itself and never tell us.
    if signal::sigaction_get(Signal::CHLD).is_ok_and(|a| a.disposition() == Disposition::Ignore) {
        let _ = signal::reset(Signal::CHLD);
    }
    match signal::signalfd4(collected, SfdFlags::empty()) {
        Ok(fd) => Ok((ChildSignals { mask, default }, fd)),
        Err(e) => {
            log::fatal(&[S(b"signalfd failed: '"), E(e), S(b"'")]);
            Err(1)
        }
    }
}

/// `-s`/`TINI_SUBREAPER`: become the reaper of orphaned descendants.
fn register_subreaper() -> Result<(), i32> {
    match process::pr_set_child_subreaper(true) {
        Ok(()) => {
            log::log(Level::Trace, &[S(b"Registered as child subreaper")]);
            Ok(())
        }
        Err(Errno::EINVAL) => {
            log::fatal(&[S(
                b"PR_SET_CHILD_SUBREAPER is unavailable on this platform. Are you using Linux >= 3.4?",
            )]);
            Err(1)
        }
        Err(e) => {
            log::fatal(&[S(b"Failed to register as child subreaper: "), E(e)]);
            Err(1)
        }
    }
}

/// Checks that orphans will come back to us to be reaped: we are PID 1 or a subreaper.
/// When we are neither, prints tini's warning (whatever the verbosity: it is the reason for
/// the exit status) and returns `Err(1)`, so the program is never started. tini warns and
/// starts it anyway. When the kernel cannot say whether we are a subreaper (an error from
/// `PR_GET_CHILD_SUBREAPER`: Linux < 3.4, or qemu-user, which does not emulate it), the
/// warning is printed as tini prints it and the program is started, as tini does.
fn reaper_check() -> Result<(), i32> {
    if process::getpid().raw() == 1 {
        return Ok(());
    }
    match process::pr_get_child_subreaper() {
        Ok(true) => Ok(()),
        Ok(false) => {
            log::emit(Level::Warn, &[S(REAPER_WARNING)]);
            Err(1)
        }
        Err(e) => {
            log::log(
                Level::Debug,
                &[S(b"Failed to read child subreaper attribute: "), E(e)],
            );
            log::log(Level::Warn, &[S(REAPER_WARNING)]);
            Ok(())
        }
    }
}

/// The exit status for a program that could not be started, as a shell gives it: 127 when it
/// does not exist, 126 when it cannot be executed.
fn exec_failure_status(e: Errno) -> i32 {
    match e {
        Errno::ENOENT => 127,
        Errno::EACCES => 126,
        _ => 1,
    }
}

/// The longest `dir/name` the `PATH` search builds (`PATH_MAX`, with the NUL).
const PATH_MAX: usize = 4096;

/// The shell glibc's `execvp` runs a file with when the kernel does not recognise its format
/// (glibc's `_PATH_BSHELL`).
const SHELL: &CStr = c"/bin/sh";

/// `execve(path, argv)`, and then, as glibc's `execvp` does when the kernel does not
/// recognise the file's format (`ENOEXEC`: no `#!` line, and not ELF), the file as a shell
/// script: `/bin/sh path ARGS…`, `argv[0]` giving way to the shell and the path. Returns only
/// on failure, with the error of the last exec tried (the shell's, after `ENOEXEC`).
///
/// This lives here rather than in `sysrt::process`: falling back to `/bin/sh` is glibc's
/// habit (Go's `syscall.Exec` and `exec.Command` do not), and tini inherits it.
fn exec_file(path: &CStr, argv: &[&CStr]) -> Errno {
    let Err(e) = process::exec(path, argv, None);
    if e != Errno::ENOEXEC {
        return e;
    }
    // One more than the program may have: the shell comes in front of the path.
    let mut with_shell = [SHELL; MAX_CHILD_ARGS + 1];
    let args = argv.get(1..).unwrap_or_default();
    let len = args.len() + 2;
    let Some(new_argv) = with_shell.get_mut(..len) else {
        return Errno::E2BIG;
    };
    if let [_, file, rest @ ..] = new_argv {
        *file = path;
        rest.copy_from_slice(args);
    }
    let Err(e) = process::exec(SHELL, new_argv, None);
    e
}

/// `dir/name` in `buf`, as a C string; `None` when it does not fit.
fn join<'b>(buf: &'b mut [u8; PATH_MAX], dir: &[u8], name: &[u8]) -> Option<&'b CStr> {
    let (head, rest) = buf.split_at_mut_checked(dir.len())?;
    head.copy_from_slice(dir);
    let (slash, rest) = rest.split_first_mut()?;
    *slash = b'/';
    let (tail, rest) = rest.split_at_mut_checked(name.len())?;
    tail.copy_from_slice(name);
    *rest.first_mut()? = 0;
    // `dir` comes from the environment and `name` is a C string: neither holds a NUL, so
    // this is the one just written.
    CStr::from_bytes_until_nul(buf).ok()
}

/// `execvp(argv[0], argv)`: a name with a `/` is executed as it is; otherwise each directory
/// of `PATH` (glibc's default `/bin:/usr/bin` when unset, an empty entry meaning the current
/// directory) is tried in turn. As glibc does, `EACCES` from one directory is remembered and
/// reported only if no later one has the program, and a file the kernel does not recognise
/// runs through `/bin/sh` ([`exec_file`]). Returns only on failure.
fn execvp(argv: &[&CStr]) -> Errno {
    let Some(&file) = argv.first() else {
        return Errno::EINVAL;
    };
    let name = file.to_bytes();
    if name.contains(&b'/') {
        return exec_file(file, argv);
    }
    let path_env = sysrt_rt::getenv("PATH").unwrap_or(b"/bin:/usr/bin");
    let mut buf = [0u8; PATH_MAX];
    let mut denied = false;
    for dir in path_env.split(|&b| b == b':') {
        let dir: &[u8] = if dir.is_empty() { b"." } else { dir };
        let Some(path) = join(&mut buf, dir, name) else {
            continue;
        };
        match exec_file(path, argv) {
            Errno::EACCES => denied = true,
            Errno::ENOENT | Errno::ENOTDIR | Errno::ESTALE | Errno::ENODEV | Errno::ETIMEDOUT => {}
            e => return e,
        }
    }
    if denied { Errno::EACCES } else { Errno::ENOENT }
}

/// The forked child: its own process group (the terminal's foreground group when stdin is
/// one), the signal state we started with, then the program. Never returns.
fn child(argv: &[&CStr], sigs: &ChildSignals) -> ! {
    if let Err(e) = process::setpgid(None, None) {
        log::fatal(&[S(b"setpgid failed: "), E(e)]);
        process::exit(1);
    }
    // SIGTTOU is still ignored here, so a background group may take the terminal. Doing it
    // in the child, as tini does, leaves no window in which the program runs before it is
    // in the foreground.
    if let Err(e) = process::tcsetpgrp(STDIN, process::getpgrp()) {
        match e {
            Errno::ENOTTY => log::log(
                Level::Debug,
                &[S(b"tcsetpgrp failed: no tty (ok to proceed)")],
            ),
            Errno::ENXIO => log::log(
                Level::Debug,
                &[S(b"tcsetpgrp failed: no such device (ok to proceed)")],
            ),
            e => {
                log::fatal(&[S(b"tcsetpgrp failed: "), E(e)]);
                process::exit(1);
            }
        }
    }
    if let Err(e) = signal::rt_sigprocmask(How::SetMask, sigs.mask) {
        log::fatal(&[S(b"Restoring child signal mask failed: '"), E(e), S(b"'")]);
        process::exit(1);
    }
    for sig in sigs.default.iter() {
        if let Err(e) = signal::reset(sig) {
            log::fatal(&[
                S(b"Restoring "),
                Sig(sig),
                S(b" handler failed: '"),
                E(e),
                S(b"'"),
            ]);
            process::exit(1);
        }
    }
    let e = execvp(argv);
    let name = argv.first().map_or(&b""[..], |a| a.to_bytes());
    log::fatal(&[S(b"exec "), S(name), S(b" failed: "), E(e)]);
    process::exit(exec_failure_status(e))
}

/// Forks the child that runs the program. `Err`: the status to exit with.
fn spawn(o: &Options, sigs: &ChildSignals) -> Result<Pid, i32> {
    let argv: &[&CStr] = o.child.get(..o.child_len).unwrap_or_default();
    // SAFETY: sysrt-init has one thread, so no lock or half-changed data can be left behind
    // in the child.
    match unsafe { process::fork() } {
        Ok(None) => child(argv, sigs),
        Ok(Some(pid)) => {
            let name = argv.first().map_or(&b""[..], |a| a.to_bytes());
            log::log(
                Level::Info,
                &[
                    S(b"Spawned child process '"),
                    S(name),
                    S(b"' with pid '"),
                    N(pid.raw().into()),
                    S(b"'"),
                ],
            );
            Ok(pid)
        }
        Err(e) => {
            log::fatal(&[S(b"fork failed: "), E(e)]);
            Err(1)
        }
    }
}

/// The status to exit with once the program ended: its code, or 128 + the signal; 0 if
/// `-e` remapped it.
fn exit_status(o: &Options, code: u8) -> i32 {
    if o.remapped(code) { 0 } else { i32::from(code) }
}

/// Reaps every child that has ended. `Ok(Some(status))` once the program itself was reaped.
fn reap_zombies(o: &Options, child: Pid) -> Result<Option<i32>, i32> {
    let mut status = None;
    loop {
        match process::wait4(WaitTarget::AnyChild, WaitOptions::NOHANG) {
            Ok(None) => {
                log::log(Level::Trace, &[S(b"No child to reap")]);
                return Ok(status);
            }
            Err(Errno::ECHILD) => {
                log::log(Level::Trace, &[S(b"No child to wait")]);
                return Ok(status);
            }
            Err(Errno::EINTR) => {}
            Err(e) => {
                log::fatal(&[S(b"Error while waiting for pids: '"), E(e), S(b"'")]);
                return Err(1);
            }
            Ok(Some((pid, st))) => {
                log::log(
                    Level::Debug,
                    &[S(b"Reaped child with pid: '"), N(pid.raw().into()), S(b"'")],
                );
                if pid == child {
                    status = Some(exit_status(o, main_child_code(st)?));
                } else if o.warn_on_reap {
                    log::log(
                        Level::Warn,
                        &[S(b"Reaped zombie process with pid="), N(pid.raw().into())],
                    );
                }
            }
        }
    }
}

/// The program's exit code as a shell reports it.
fn main_child_code(st: WaitStatus) -> Result<u8, i32> {
    if let Some(code) = st.exit_status() {
        log::log(
            Level::Info,
            &[
                S(b"Main child exited normally (with status '"),
                N(code.into()),
                S(b"')"),
            ],
        );
        Ok(code)
    } else if let Some(sig) = st.signal() {
        log::log(
            Level::Info,
            &[
                S(b"Main child exited with signal (with signal '"),
                Sig(sig),
                S(b"')"),
            ],
        );
        // 128 + N: at most 192, for signal 64.
        Ok((128 + sig.raw()) as u8)
    } else {
        log::fatal(&[S(b"Main child exited for unknown reason")]);
        Err(1)
    }
}

/// Passes a received signal on to the program (or its process group).
fn forward(o: &Options, child: Pid, info: &SignalfdSiginfo) -> Result<(), i32> {
    let Some(sig) = info.signal() else {
        return Ok(());
    };
    if sig == Signal::CHLD {
        log::log(Level::Debug, &[S(b"Received SIGCHLD")]);
        return Ok(());
    }
    log::log(Level::Debug, &[S(b"Passing signal: '"), Sig(sig), S(b"'")]);
    let target = if o.kill_group {
        Pid::from_raw(-child.raw())
    } else {
        child
    };
    match signal::kill(target, sig) {
        Ok(()) => Ok(()),
        Err(Errno::ESRCH) => {
            log::log(Level::Warn, &[S(b"Child was dead when forwarding signal")]);
            Ok(())
        }
        Err(e) => {
            log::fatal(&[
                S(b"Unexpected error when forwarding signal: '"),
                E(e),
                S(b"'"),
            ]);
            Err(1)
        }
    }
}

/// Waits for signals, forwards them and reaps, until the program has been reaped.
fn supervise(o: &Options, signals: &OwnedFd, child: Pid) -> i32 {
    let mut buf = [0u8; SignalfdSiginfo::SIZE];
    loop {
        let got = retry_on_intr(|| io::read(signals, &mut buf))
            .and_then(|n| SignalfdSiginfo::parse(buf.get(..n).unwrap_or_default()));
        let step = match got {
            Ok(info) => forward(o, child, &info).and_then(|()| reap_zombies(o, child)),
            Err(e) => {
                log::fatal(&[S(b"Unexpected error reading signals: '"), E(e), S(b"'")]);
                Err(1)
            }
        };
        match step {
            Ok(None) => {}
            Ok(Some(status)) => {
                log::log(Level::Trace, &[S(b"Exiting: child has exited")]);
                return status;
            }
            Err(code) => return code,
        }
    }
}

fn main() -> i32 {
    let mut o = Options {
        subreaper: false,
        pdeathsig: None,
        warn_on_reap: false,
        kill_group: false,
        remap: [0; 4],
        child: [c""; MAX_CHILD_ARGS],
        child_len: 0,
    };
    if let Err(code) = opts::parse(&mut o) {
        return code;
    }
    let (sigs, signals) = match configure_signals() {
        Ok(v) => v,
        Err(code) => return code,
    };
    if let Some(sig) = o.pdeathsig
        && process::pr_set_pdeathsig(Some(sig)).is_err()
    {
        log::fatal(&[S(b"Failed to set up parent death signal")]);
        return 1;
    }
    if o.subreaper
        && let Err(code) = register_subreaper()
    {
        return code;
    }
    if let Err(code) = reaper_check() {
        return code;
    }
    match spawn(&o, &sigs) {
        Ok(child) => supervise(&o, &signals, child),
        Err(code) => code,
    }
}

sysrt_rt::main!(main);
