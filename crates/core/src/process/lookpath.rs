//! [`look_path`]: finding a program in `PATH` the way Go's `exec.LookPath` does.

use core::ffi::CStr;
use core::fmt;

use super::cmdargs::{ArgBytes, CmdArg};
use crate::fd::CWD;
use crate::fs::{self, Access, AtFlags};
use crate::path::PATH_MAX;
use crate::{Errno, Result};

/// A path [`look_path`] found: at most `PATH_MAX - 1` bytes, kept with its NUL so it can be
/// handed to [`fork_exec`](super::fork_exec) (it is a [`CmdArg`]) without a copy.
#[derive(Clone)]
pub struct ExecPath {
    buf: [u8; PATH_MAX],
    /// Bytes before the NUL.
    len: usize,
}

impl ExecPath {
    fn new() -> ExecPath {
        ExecPath {
            buf: [0; PATH_MAX],
            len: 0,
        }
    }

    /// Appends `bytes`; `ENAMETOOLONG` if the result (with its NUL) would not fit.
    fn push(&mut self, bytes: &[u8]) -> Result<()> {
        let end = self.len + bytes.len();
        if end >= PATH_MAX {
            return Err(Errno::ENAMETOOLONG);
        }
        self.buf[self.len..end].copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }

    /// The path's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// The path as a C string; `EINVAL` if it holds a NUL (only a name given with one can).
    pub fn as_c_str(&self) -> Result<&CStr> {
        CStr::from_bytes_with_nul(&self.buf[..=self.len]).map_err(|_| Errno::EINVAL)
    }

    /// Whether the path starts at the root.
    pub fn is_absolute(&self) -> bool {
        self.buf[0] == b'/' && self.len > 0
    }
}

impl CmdArg for ExecPath {
    fn arg_bytes(&self) -> ArgBytes<'_> {
        match self.as_c_str() {
            Ok(c) => ArgBytes::CStr(c),
            Err(_) => ArgBytes::Bytes(self.as_bytes()),
        }
    }
}

impl fmt::Debug for ExecPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match core::str::from_utf8(self.as_bytes()) {
            Ok(s) => fmt::Debug::fmt(s, f),
            Err(_) => fmt::Debug::fmt(self.as_bytes(), f),
        }
    }
}

impl PartialEq<&str> for ExecPath {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

/// Why [`look_path`] found nothing usable. Go: `exec.Error` wrapping `ErrNotFound`, `ErrDot`
/// or the error of the check.
// The path is a value, not a heap allocation (there is no allocator), and `Dot` carries it as
// Go's `LookPath` returns it with `ErrDot`: a 4 KiB error is the price of both.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum LookPathError {
    /// No `PATH` entry holds an executable of that name, or the name is empty, `.` or `..`.
    /// Go: `exec.ErrNotFound`. As an [`Errno`]: `ENOENT`.
    NotFound,
    /// The name was found only through a relative `PATH` entry (`.`, an empty entry, or a
    /// relative directory), which Go refuses since 1.19 because it runs whatever the current
    /// directory holds. The path is given for a caller who wants it anyway.
    /// Go: `exec.ErrDot`. As an [`Errno`]: `EPERM`.
    Dot(ExecPath),
    /// A name with a `/` is not an executable file: `ENOENT`, `ENOTDIR`, `EACCES`, `EISDIR`
    /// (a directory), `ELOOP`, `ENAMETOOLONG`, `EINVAL` (a NUL in the name).
    Errno(Errno),
}

impl From<LookPathError> for Errno {
    fn from(e: LookPathError) -> Errno {
        match e {
            LookPathError::NotFound => Errno::ENOENT,
            LookPathError::Dot(_) => Errno::EPERM,
            LookPathError::Errno(e) => e,
        }
    }
}

impl fmt::Display for LookPathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LookPathError::NotFound => f.write_str("executable file not found in $PATH"),
            LookPathError::Dot(_) => {
                f.write_str("cannot run executable found relative to current directory")
            }
            LookPathError::Errno(e) => fmt::Display::fmt(e, f),
        }
    }
}

/// Go's `findExecutable`: a file that is not a directory and that we may execute (by the
/// effective ids, `faccessat2(AT_EACCESS)`; by the mode's x bits where that call is missing
/// or a seccomp filter refuses it).
fn check_executable(path: &[u8]) -> Result<()> {
    let st = fs::stat(path)?;
    if st.mode & linux_raw_sys::general::S_IFMT == linux_raw_sys::general::S_IFDIR {
        return Err(Errno::EISDIR);
    }
    match fs::faccessat(CWD, path, Access::EXEC, AtFlags::EACCESS) {
        Err(Errno::ENOSYS | Errno::EPERM) if st.mode & 0o111 != 0 => Ok(()),
        Err(Errno::ENOSYS | Errno::EPERM) => Err(Errno::EACCES),
        r => r,
    }
}

/// `dir/file`, cleaned lexically as Go's `filepath.Join` does (no `.` components, `..`
/// applied to the name before it, no repeated or trailing `/`; `.` for an empty result).
fn join_clean(dir: &[u8], file: &[u8]) -> Result<ExecPath> {
    let mut out = ExecPath::new();
    let rooted = dir.first() == Some(&b'/');
    if rooted {
        out.push(b"/")?;
    }
    // Where `..` may not pop past: after the root, or after leading `..`s of a relative path.
    let mut floor = out.len;
    let parts = dir.split(|&b| b == b'/').chain(core::iter::once(file));
    for part in parts {
        match part {
            b"" | b"." => {}
            b".." => {
                if out.len > floor {
                    // Drop the last component (and the '/' before it).
                    let mut cut = out.len;
                    while cut > floor && out.buf[cut - 1] != b'/' {
                        cut -= 1;
                    }
                    out.len = if cut > floor { cut - 1 } else { cut };
                    if out.len < floor {
                        out.len = floor;
                    }
                } else if !rooted {
                    if out.len > 0 {
                        out.push(b"/")?;
                    }
                    out.push(b"..")?;
                    floor = out.len;
                }
            }
            name => {
                if out.len > 0 && out.buf[out.len - 1] != b'/' {
                    out.push(b"/")?;
                }
                out.push(name)?;
            }
        }
    }
    if out.len == 0 {
        out.push(b".")?;
    }
    out.buf[out.len] = 0;
    Ok(out)
}

/// `look_path(name, path_env)` — finds the program `name` as a shell would, with Go's
/// `exec.LookPath` rules:
///
/// - `""`, `"."` and `".."` are never programs: [`LookPathError::NotFound`].
/// - A name containing `/` is not searched: it is returned as it is if it is an executable
///   file, else the error of the check (`ENOENT`, `EACCES`, `EISDIR`, …).
/// - Otherwise each entry of `path_env` (`:`-separated; `None`: the `PATH` of the current
///   environment, [`crate::env`]) is tried in order, an empty entry meaning `.`; the first
///   `dir/name` (cleaned as `filepath.Join` does) that is an executable file wins. Errors
///   of the entries tried are not reported. An unset or empty `PATH` searches nothing.
/// - A match through a relative entry is [`LookPathError::Dot`], as in Go since 1.19.
///
/// "Executable" means a file that is not a directory and that the effective user may
/// execute (`faccessat2` with `AT_EACCESS`; where that call is missing, any x bit).
///
/// ```no_run
/// use sysrt::process::{ProcAttr, fork_exec, look_path};
/// let sh = look_path("sh", None)?;
/// let pid = fork_exec(&sh, &["sh", "-c", "true"], &ProcAttr::new())?;
/// # let _ = pid;
/// # Ok::<(), sysrt::Errno>(())
/// ```
///
/// # Errors
/// See [`LookPathError`]; it converts into an [`Errno`].
///
/// # References
/// Go: `os/exec.LookPath`; `man 3 execvp` (the shell's search).
#[doc(alias = "LookPath")]
#[allow(clippy::result_large_err)] // see `LookPathError`
pub fn look_path(
    name: impl AsRef<[u8]>,
    path_env: Option<&[u8]>,
) -> core::result::Result<ExecPath, LookPathError> {
    let name = name.as_ref();
    if matches!(name, b"" | b"." | b"..") {
        return Err(LookPathError::NotFound);
    }
    if name.contains(&b'/') {
        let mut p = ExecPath::new();
        p.push(name).map_err(LookPathError::Errno)?;
        return match check_executable(name) {
            Ok(()) => Ok(p),
            Err(e) => Err(LookPathError::Errno(e)),
        };
    }
    let path_env = path_env
        .or_else(|| crate::env::getenv("PATH"))
        .unwrap_or_default();
    if path_env.is_empty() {
        return Err(LookPathError::NotFound);
    }
    for dir in path_env.split(|&b| b == b':') {
        let dir: &[u8] = if dir.is_empty() { b"." } else { dir };
        let Ok(candidate) = join_clean(dir, name) else {
            continue;
        };
        if check_executable(candidate.as_bytes()).is_ok() {
            return if candidate.is_absolute() {
                Ok(candidate)
            } else {
                Err(LookPathError::Dot(candidate))
            };
        }
    }
    Err(LookPathError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_cleans_as_filepath_join() {
        let j = |d: &str, f: &str| join_clean(d.as_bytes(), f.as_bytes()).unwrap();
        assert_eq!(j("/usr/bin", "ls"), "/usr/bin/ls");
        assert_eq!(j("/usr/bin/", "ls"), "/usr/bin/ls");
        assert_eq!(j("/usr//bin/./", "ls"), "/usr/bin/ls");
        assert_eq!(j(".", "ls"), "ls");
        assert_eq!(j("./bin", "ls"), "bin/ls");
        assert_eq!(j("/a/../bin", "ls"), "/bin/ls");
        assert_eq!(j("/..", "ls"), "/ls");
        assert_eq!(j("..", "ls"), "../ls");
        assert_eq!(j("../../x/..", "ls"), "../../ls");
        assert_eq!(j("a/b/../..", "ls"), "ls");
        assert_eq!(j("/", "ls"), "/ls");
    }
}
