//! Path arguments: `&CStr` passes through; `&str` and `&[u8]` are copied into a stack buffer
//! with a terminating NUL. No allocation either way.

use core::ffi::CStr;
use core::mem::MaybeUninit;

use crate::{Errno, Result};

/// `PATH_MAX`: the kernel's limit on a path, counting the terminating NUL.
pub const PATH_MAX: usize = linux_raw_sys::general::PATH_MAX as usize;

/// `NAME_MAX`: the longest single path component most filesystems accept.
pub const NAME_MAX: usize = linux_raw_sys::general::NAME_MAX as usize;

/// Paths up to this many bytes (plus the NUL) are converted in a small buffer. 384 bytes keeps
/// the frame of every path-taking call small while covering nearly every real path (the
/// longest in a typical Debian install is under 200 bytes); longer ones take the cold path with
/// a `PATH_MAX` buffer.
const SMALL_PATH: usize = 384;

/// Something usable as a path argument.
///
/// Implemented for `&CStr` (no copy; a `c"..."` literal works), `&str`, `&[u8]`, `&[u8; N]`,
/// and, with the `std` feature, `&Path`, `&OsStr`, `&String`, `&CString`.
pub trait Arg {
    /// Calls `f` with the path as a NUL-terminated string.
    ///
    /// # Errors
    /// `EINVAL` if the bytes contain a NUL; `ENAMETOOLONG` if they (with the NUL) exceed
    /// `PATH_MAX`. Either is reported before any syscall. Otherwise whatever `f` returns.
    fn with_c_str<T>(self, f: impl FnOnce(&CStr) -> Result<T>) -> Result<T>;
}

impl Arg for &CStr {
    #[inline]
    fn with_c_str<T>(self, f: impl FnOnce(&CStr) -> Result<T>) -> Result<T> {
        f(self)
    }
}

impl Arg for &[u8] {
    #[inline]
    fn with_c_str<T>(self, f: impl FnOnce(&CStr) -> Result<T>) -> Result<T> {
        if self.len() < SMALL_PATH {
            let mut buf = [MaybeUninit::<u8>::uninit(); SMALL_PATH];
            f(copy_nul_terminated(self, &mut buf)?)
        } else {
            with_c_str_long(self, f)
        }
    }
}

impl Arg for &str {
    #[inline]
    fn with_c_str<T>(self, f: impl FnOnce(&CStr) -> Result<T>) -> Result<T> {
        self.as_bytes().with_c_str(f)
    }
}

impl<const N: usize> Arg for &[u8; N] {
    #[inline]
    fn with_c_str<T>(self, f: impl FnOnce(&CStr) -> Result<T>) -> Result<T> {
        self.as_slice().with_c_str(f)
    }
}

/// The long-path case: a `PATH_MAX` buffer, in its own frame so the common case stays small.
#[cold]
#[inline(never)]
fn with_c_str_long<T>(bytes: &[u8], f: impl FnOnce(&CStr) -> Result<T>) -> Result<T> {
    let mut buf = [MaybeUninit::<u8>::uninit(); PATH_MAX];
    f(copy_nul_terminated(bytes, &mut buf)?)
}

/// Copies `bytes` and a NUL into `buf`, checking for interior NULs and length.
#[inline]
fn copy_nul_terminated<'b>(bytes: &[u8], buf: &'b mut [MaybeUninit<u8>]) -> Result<&'b CStr> {
    if bytes.len() >= buf.len() {
        return Err(Errno::ENAMETOOLONG);
    }
    if bytes.contains(&0) {
        return Err(Errno::EINVAL);
    }
    // SAFETY: `bytes.len() < buf.len()`, so the copy and its NUL fit in `buf`, whose
    // `MaybeUninit<u8>` has `u8`'s layout; a unique borrow cannot overlap `bytes`.
    unsafe {
        let dst = buf.as_mut_ptr().cast::<u8>();
        core::ptr::copy_nonoverlapping(bytes.as_ptr(), dst, bytes.len());
        dst.add(bytes.len()).write(0);
        let init = core::slice::from_raw_parts(dst, bytes.len() + 1);
        // SAFETY: `init` ends with the NUL just written and has no other NUL (checked above).
        Ok(CStr::from_bytes_with_nul_unchecked(init))
    }
}

#[cfg(feature = "std")]
mod std_impls {
    use super::*;
    use std::ffi::{CString, OsStr};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;
    use std::string::String;

    impl Arg for &Path {
        #[inline]
        fn with_c_str<T>(self, f: impl FnOnce(&CStr) -> Result<T>) -> Result<T> {
            self.as_os_str().as_bytes().with_c_str(f)
        }
    }

    impl Arg for &OsStr {
        #[inline]
        fn with_c_str<T>(self, f: impl FnOnce(&CStr) -> Result<T>) -> Result<T> {
            self.as_bytes().with_c_str(f)
        }
    }

    impl Arg for &String {
        #[inline]
        fn with_c_str<T>(self, f: impl FnOnce(&CStr) -> Result<T>) -> Result<T> {
            self.as_bytes().with_c_str(f)
        }
    }

    impl Arg for &CString {
        #[inline]
        fn with_c_str<T>(self, f: impl FnOnce(&CStr) -> Result<T>) -> Result<T> {
            f(self.as_c_str())
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec;

    fn len_of(p: impl Arg) -> Result<usize> {
        p.with_c_str(|c| Ok(c.to_bytes().len()))
    }

    #[test]
    fn conversions() {
        assert_eq!(len_of(c"/tmp/x"), Ok(6));
        assert_eq!(len_of("/tmp/x"), Ok(6));
        assert_eq!(len_of(&b"/tmp/x"[..]), Ok(6));
        assert_eq!(len_of(b"/tmp/x"), Ok(6));
        assert_eq!(len_of(""), Ok(0));
        "/tmp/x"
            .with_c_str(|c| {
                assert_eq!(c.to_bytes_with_nul(), b"/tmp/x\0");
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn interior_nul_is_einval() {
        assert_eq!(len_of("a\0b"), Err(Errno::EINVAL));
        assert_eq!(len_of("\0"), Err(Errno::EINVAL));
        assert_eq!(len_of("abc\0"), Err(Errno::EINVAL));
        let long = vec![b'a'; 1000];
        let mut with_nul = long.clone();
        with_nul[999] = 0;
        assert_eq!(len_of(&with_nul[..]), Err(Errno::EINVAL));
    }

    #[test]
    fn length_limits() {
        // PATH_MAX counts the NUL: 4095 bytes fit, 4096 do not.
        let max = vec![b'a'; PATH_MAX - 1];
        assert_eq!(len_of(&max[..]), Ok(PATH_MAX - 1));
        let over = vec![b'a'; PATH_MAX];
        assert_eq!(len_of(&over[..]), Err(Errno::ENAMETOOLONG));
        let way_over = vec![b'a'; PATH_MAX * 3];
        assert_eq!(len_of(&way_over[..]), Err(Errno::ENAMETOOLONG));
        // Both sides of the small-buffer boundary.
        for n in [SMALL_PATH - 2, SMALL_PATH - 1, SMALL_PATH, SMALL_PATH + 1] {
            let p = vec![b'x'; n];
            assert_eq!(len_of(&p[..]), Ok(n), "length {n}");
        }
    }

    #[test]
    fn closure_error_passes_through() {
        assert_eq!(
            "ok".with_c_str(|_| Err::<(), _>(Errno::ENOENT)),
            Err(Errno::ENOENT)
        );
    }
}
