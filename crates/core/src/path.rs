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
/// Implemented for `&CStr` (no copy; a `c"..."` literal works), `&str`, `&[u8]`, `&[u8; N]`;
/// with the `alloc` feature for `String`, `Vec<u8>`, `CString`, `Box<str>`, `Box<[u8]>`,
/// `Box<CStr>`, `Cow<str>`, `Cow<[u8]>`, `Cow<CStr>` and references to each (a `CString`
/// passes through without a copy); with the `std` feature also for `Path`, `PathBuf`,
/// `OsStr`, `OsString`, `Cow<Path>`, `Cow<OsStr>` and references to them. Owned values are
/// borrowed for the call and dropped after it; nothing allocates.
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

/// `Arg` for `T` and `&T`, by converting to `$via` (a type that is already an `Arg`).
#[cfg(feature = "alloc")]
macro_rules! arg_via {
    ($($(#[$m:meta])* $ty:ty => |$p:ident| $via:expr;)*) => {
        $(
            $(#[$m])*
            impl Arg for $ty {
                #[inline]
                fn with_c_str<T>(self, f: impl FnOnce(&CStr) -> Result<T>) -> Result<T> {
                    let $p = &self;
                    $via.with_c_str(f)
                }
            }

            $(#[$m])*
            impl Arg for &$ty {
                #[inline]
                fn with_c_str<T>(self, f: impl FnOnce(&CStr) -> Result<T>) -> Result<T> {
                    let $p = self;
                    $via.with_c_str(f)
                }
            }
        )*
    };
}

#[cfg(feature = "alloc")]
mod alloc_impls {
    use alloc::borrow::Cow;
    use alloc::boxed::Box;
    use alloc::ffi::CString;
    use alloc::string::String;
    use alloc::vec::Vec;

    use super::*;

    arg_via! {
        String => |p| p.as_bytes();
        Vec<u8> => |p| p.as_slice();
        Box<str> => |p| p.as_bytes();
        Box<[u8]> => |p| &p[..];
        Cow<'_, str> => |p| p.as_bytes();
        Cow<'_, [u8]> => |p| &p[..];
        // The C strings pass through: they already end in their one NUL.
        CString => |p| p.as_c_str();
        Box<CStr> => |p| &**p;
        Cow<'_, CStr> => |p| &**p;
    }
}

#[cfg(feature = "std")]
mod std_impls {
    use std::borrow::Cow;
    use std::ffi::{OsStr, OsString};
    use std::os::unix::ffi::OsStrExt;
    use std::path::{Path, PathBuf};

    use super::*;

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

    arg_via! {
        PathBuf => |p| p.as_path();
        OsString => |p| p.as_os_str();
        Cow<'_, Path> => |p| &**p;
        Cow<'_, OsStr> => |p| &**p;
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

    #[cfg(feature = "alloc")]
    #[test]
    fn alloc_types_are_args() {
        use alloc::borrow::Cow;
        use alloc::boxed::Box;
        use alloc::ffi::CString;
        use alloc::string::String;
        use alloc::vec::Vec;

        let s = String::from("/tmp/x");
        assert_eq!(len_of(&s), Ok(6));
        assert_eq!(len_of(s.clone()), Ok(6));
        let v: Vec<u8> = b"/tmp/xy".to_vec();
        assert_eq!(len_of(&v), Ok(7));
        assert_eq!(len_of(v), Ok(7));
        let c = CString::new("/tmp/xyz").unwrap();
        assert_eq!(len_of(&c), Ok(8));
        // A CString is handed over as it is: the very same bytes, no copy.
        let ptr = c.as_ptr();
        c.as_c_str()
            .with_c_str(|got| {
                assert_eq!(got.as_ptr(), ptr);
                Ok(())
            })
            .unwrap();
        assert_eq!(len_of(c), Ok(8));
        let cow = Cow::<str>::Owned(String::from("abc"));
        assert_eq!(len_of(&cow), Ok(3));
        assert_eq!(len_of(cow), Ok(3));
        assert_eq!(len_of(Cow::Borrowed("ab")), Ok(2));
        assert_eq!(len_of(Cow::Borrowed(&b"abcd"[..])), Ok(4));
        assert_eq!(len_of(Cow::Borrowed(c"abcde")), Ok(5));
        assert_eq!(len_of(Box::<str>::from("a")), Ok(1));
        assert_eq!(len_of(Box::<[u8]>::from(&b"ab"[..])), Ok(2));
        assert_eq!(len_of(Box::<CStr>::from(c"abc")), Ok(3));
        // The checks apply to owned forms too.
        assert_eq!(len_of(String::from("a\0b")), Err(Errno::EINVAL));
        assert_eq!(len_of(vec![b'a'; PATH_MAX]), Err(Errno::ENAMETOOLONG));
    }

    #[cfg(feature = "std")]
    #[test]
    fn std_path_types_are_args() {
        use std::borrow::Cow;
        use std::ffi::{OsStr, OsString};
        use std::path::{Path, PathBuf};

        let pb = PathBuf::from("/tmp/x");
        assert_eq!(len_of(&pb), Ok(6));
        assert_eq!(len_of(pb.as_path()), Ok(6));
        assert_eq!(len_of(Path::new("/tmp")), Ok(4));
        assert_eq!(len_of(pb.clone()), Ok(6));
        let os = OsString::from("abc");
        assert_eq!(len_of(&os), Ok(3));
        assert_eq!(len_of(os.as_os_str()), Ok(3));
        assert_eq!(len_of(OsStr::new("ab")), Ok(2));
        assert_eq!(len_of(os), Ok(3));
        assert_eq!(len_of(Cow::Borrowed(Path::new("/a"))), Ok(2));
        assert_eq!(len_of(Cow::Borrowed(OsStr::new("/ab"))), Ok(3));
        // Non-UTF-8 bytes are fine in a path.
        let raw = <OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(b"\xff\xfe");
        assert_eq!(len_of(raw), Ok(2));
        assert_eq!(len_of(PathBuf::from("a\0b")), Err(Errno::EINVAL));
        // Ordinary calls compile and run with them.
        let tmp = std::env::temp_dir();
        assert!(crate::fs::stat(&tmp).map(|st| st.is_dir()).unwrap());
        assert!(crate::fs::stat(tmp.clone()).map(|st| st.is_dir()).unwrap());
        assert!(
            crate::fs::stat(std::string::String::from(tmp.to_str().unwrap()))
                .map(|st| st.is_dir())
                .unwrap()
        );
        assert_eq!(
            crate::fs::access(
                tmp.join("no-such-sysrt").as_os_str(),
                crate::fs::Access::EXISTS
            ),
            Err(Errno::ENOENT)
        );
    }

    #[test]
    fn closure_error_passes_through() {
        assert_eq!(
            "ok".with_c_str(|_| Err::<(), _>(Errno::ENOENT)),
            Err(Errno::ENOENT)
        );
    }
}
