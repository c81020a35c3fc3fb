//! Replacing this program: [`exec`] (`execve`) and [`execveat`].

use core::convert::Infallible;
use core::ffi::c_char;
use core::mem::MaybeUninit;

use super::cmdargs::{Arena, CmdArg, Strs};
use super::spawn::DEFAULT_ARENA;
use crate::fd::AsFd;
use crate::fs::AtFlags;
use crate::{Errno, Result, Sysno, arch};

/// The arrays for an exec of this process, in a [`DEFAULT_ARENA`]-byte stack arena.
fn exec_arrays<'b>(
    arena: &mut Arena<'b>,
    argv: Strs<'_>,
    env: Option<Strs<'_>>,
) -> Result<(*const *const c_char, *const *const c_char)> {
    if argv.is_empty() {
        return Err(Errno::EINVAL);
    }
    let argv = arena.c_array(argv)?;
    let envp = match env {
        Some(list) => arena.c_array(list)?,
        None => crate::env::envp_for_exec(|n| arena.slice(n))?,
    };
    Ok((argv, envp))
}

/// `exec(path, argv, env)` — `execve`: replaces this program with the one at `path`. Returns
/// only on failure. `env: None` passes the current environment ([`crate::env`]); `Some(list)`
/// exactly `list`.
///
/// Signal handlers become `SIG_DFL` (the kernel does that); the mask, ignored signals and
/// descriptors without close-on-exec are kept.
///
/// ```no_run
/// use sysrt::process::exec;
/// let err = exec("/bin/echo", &["echo", "hi"], None).unwrap_err();
/// # let _ = err;
/// ```
///
/// # Errors
/// `EINVAL` (an interior NUL or an empty argv, before the call), `E2BIG` (the
/// [`DEFAULT_ARENA`] or the kernel's limit), and `execve`'s: `ENOENT`, `EACCES`, `ENOEXEC`,
/// `ENOTDIR`, `ENAMETOOLONG`, `ELOOP`, `ETXTBSY`, `ENOMEM`.
///
/// # References
/// `man 2 execve`. Go: `syscall.Exec`.
#[doc(alias = "Exec")]
#[doc(alias = "execve")]
pub fn exec<P: CmdArg + ?Sized, A: CmdArg + Sync>(
    path: &P,
    argv: &[A],
    env: Option<Strs<'_>>,
) -> Result<Infallible> {
    let mut buf = [MaybeUninit::<u8>::uninit(); DEFAULT_ARENA];
    let mut arena = Arena::new(&mut buf);
    let path = arena.c_str(path.arg_bytes())?;
    let (argv, envp) = exec_arrays(&mut arena, Strs::new(argv), env)?;
    // SAFETY: path, argv and envp are NUL/NULL-terminated and live in `buf` (or are the
    // caller's CStrs, or the environment's arrays) until execve has copied them.
    let ret = unsafe { arch::syscall3(Sysno::execve, path as usize, argv as usize, envp as usize) };
    Err(Errno::decode(ret).err().unwrap_or(Errno::EINVAL))
}

/// `execveat(dirfd, path, argv, env, flags)` — as [`exec`], with `path` relative to `dirfd`.
/// With [`AtFlags::EMPTY_PATH`] and an empty `path` it runs the file `dirfd` is open on
/// (`fexecve`); [`AtFlags::SYMLINK_NOFOLLOW`] refuses a final symlink (`ELOOP`).
///
/// A script run through a close-on-exec `dirfd` fails with `ENOENT`: its interpreter would
/// open `/dev/fd/N`, which exec has closed.
///
/// # Errors
/// As [`exec`]; `EBADF` (`dirfd` not open), `ENOTDIR` (`dirfd` not a directory for a
/// relative path), `EINVAL` (other flags), `ELOOP`.
///
/// # References
/// `man 2 execveat`.
pub fn execveat<P: CmdArg + ?Sized, A: CmdArg + Sync>(
    dirfd: impl AsFd,
    path: &P,
    argv: &[A],
    env: Option<Strs<'_>>,
    flags: AtFlags,
) -> Result<Infallible> {
    let dirfd = dirfd.as_fd().as_raw_fd();
    let mut buf = [MaybeUninit::<u8>::uninit(); DEFAULT_ARENA];
    let mut arena = Arena::new(&mut buf);
    let path = arena.c_str(path.arg_bytes())?;
    let (argv, envp) = exec_arrays(&mut arena, Strs::new(argv), env)?;
    // SAFETY: as in `exec`; the flags only select lookup behaviour (the kernel rejects
    // unknown ones) and make it write nothing.
    let ret = unsafe {
        arch::syscall5(
            Sysno::execveat,
            dirfd as isize as usize,
            path as usize,
            argv as usize,
            envp as usize,
            flags.bits() as usize,
        )
    };
    Err(Errno::decode(ret).err().unwrap_or(Errno::EINVAL))
}
