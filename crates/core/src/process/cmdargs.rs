//! Command-line strings for spawn and exec: the [`CmdArg`] trait, the type-erased [`Strs`]
//! list, and the bump arena that turns them into the NULL-terminated arrays `execve` reads.

use core::ffi::{CStr, c_char};
use core::marker::PhantomData;
use core::mem::{MaybeUninit, align_of, size_of};

use crate::{Errno, Result};

/// One string as spawn and exec read it: bytes to copy with a NUL added, or a C string that
/// is used in place (no copy).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ArgBytes<'a> {
    /// Bytes without their NUL; an interior NUL makes the spawn fail with `EINVAL`.
    Bytes(&'a [u8]),
    /// A C string, passed to the kernel as it is.
    CStr(&'a CStr),
}

impl<'a> ArgBytes<'a> {
    /// The bytes, without the NUL.
    #[inline]
    pub fn to_bytes(self) -> &'a [u8] {
        match self {
            ArgBytes::Bytes(b) => b,
            ArgBytes::CStr(c) => c.to_bytes(),
        }
    }
}

/// Something usable as a program path, an argv or env string, or a directory for spawn and
/// exec: `str`, `[u8]`, `[u8; N]`, `CStr` (used in place, no copy) and references to them;
/// with the `std` feature also `String`, `CString`, `OsStr`, `OsString`, `Path`, `PathBuf`.
///
/// Unlike a path ([`crate::path::Arg`]), an argv or env string has no `PATH_MAX` limit: the
/// kernel takes up to 128 KiB per string.
pub trait CmdArg {
    /// The string's bytes, or its C string.
    fn arg_bytes(&self) -> ArgBytes<'_>;
}

impl CmdArg for str {
    #[inline]
    fn arg_bytes(&self) -> ArgBytes<'_> {
        ArgBytes::Bytes(self.as_bytes())
    }
}

impl CmdArg for [u8] {
    #[inline]
    fn arg_bytes(&self) -> ArgBytes<'_> {
        ArgBytes::Bytes(self)
    }
}

impl<const N: usize> CmdArg for [u8; N] {
    #[inline]
    fn arg_bytes(&self) -> ArgBytes<'_> {
        ArgBytes::Bytes(self)
    }
}

impl CmdArg for CStr {
    #[inline]
    fn arg_bytes(&self) -> ArgBytes<'_> {
        ArgBytes::CStr(self)
    }
}

impl<T: CmdArg + ?Sized> CmdArg for &T {
    #[inline]
    fn arg_bytes(&self) -> ArgBytes<'_> {
        (**self).arg_bytes()
    }
}

#[cfg(feature = "std")]
mod std_impls {
    use super::{ArgBytes, CmdArg};
    use std::ffi::{CString, OsStr, OsString};
    use std::os::unix::ffi::OsStrExt;
    use std::path::{Path, PathBuf};
    use std::string::String;

    macro_rules! via_bytes {
        ($($t:ty => |$s:ident| $e:expr),* $(,)?) => {
            $(impl CmdArg for $t {
                #[inline]
                fn arg_bytes(&self) -> ArgBytes<'_> {
                    let $s = self;
                    $e
                }
            })*
        };
    }

    via_bytes! {
        String => |s| ArgBytes::Bytes(s.as_bytes()),
        CString => |s| ArgBytes::CStr(s.as_c_str()),
        OsStr => |s| ArgBytes::Bytes(s.as_bytes()),
        OsString => |s| ArgBytes::Bytes(s.as_bytes()),
        Path => |s| ArgBytes::Bytes(s.as_os_str().as_bytes()),
        PathBuf => |s| ArgBytes::Bytes(s.as_os_str().as_bytes()),
    }
}

/// A list of strings of any one [`CmdArg`] type, with the type erased: the `env` of a
/// [`ProcAttr`](super::ProcAttr) and of [`exec`](super::exec).
///
/// Made from a slice or an array: `Strs::from(&["A=1", "B=2"])`, `Strs::new(&vec_of_strings)`.
#[derive(Copy, Clone)]
pub struct Strs<'a> {
    data: *const (),
    len: usize,
    get: unsafe fn(*const (), usize) -> ArgBytes<'a>,
    _slice: PhantomData<&'a ()>,
}

// SAFETY: a `Strs` only reads its slice, whose element type was `Sync` (required by `new`),
// so sharing or sending the view across threads is as safe as sharing `&[A]`.
unsafe impl Send for Strs<'_> {}
// SAFETY: as above.
unsafe impl Sync for Strs<'_> {}

/// Reads item `i` of a `[A]` starting at `data`.
///
/// # Safety
/// `data` must point to a live `[A]` of more than `i` elements that outlives `'a`.
unsafe fn item<'a, A: CmdArg + 'a>(data: *const (), i: usize) -> ArgBytes<'a> {
    // SAFETY: the caller guarantees `data..data + i` is inside a live `[A]` for `'a`.
    let a: &'a A = unsafe { &*data.cast::<A>().add(i) };
    a.arg_bytes()
}

impl<'a> Strs<'a> {
    /// The list of `slice`'s strings.
    #[inline]
    pub fn new<A: CmdArg + Sync + 'a>(slice: &'a [A]) -> Strs<'a> {
        Strs {
            data: slice.as_ptr().cast(),
            len: slice.len(),
            get: item::<A>,
            _slice: PhantomData,
        }
    }

    /// The number of strings.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the list is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// String `i`, or `None` past the end.
    #[inline]
    pub fn get(&self, i: usize) -> Option<ArgBytes<'a>> {
        // SAFETY: `data` and `len` come from a `&'a [A]` and `get` is `item::<A>` for that
        // same `A` (set together in `new`); `i < len` is checked.
        (i < self.len).then(|| unsafe { (self.get)(self.data, i) })
    }

    /// The strings, in order.
    pub fn iter(&self) -> impl Iterator<Item = ArgBytes<'a>> + '_ {
        (0..self.len).filter_map(|i| self.get(i))
    }
}

impl<'a, A: CmdArg + Sync + 'a> From<&'a [A]> for Strs<'a> {
    #[inline]
    fn from(s: &'a [A]) -> Strs<'a> {
        Strs::new(s)
    }
}

impl<'a, A: CmdArg + Sync + 'a, const N: usize> From<&'a [A; N]> for Strs<'a> {
    #[inline]
    fn from(s: &'a [A; N]) -> Strs<'a> {
        Strs::new(s)
    }
}

impl core::fmt::Debug for Strs<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A NULL-terminated array of C strings built in caller memory: what `execve` reads as `argv`
/// or `envp`, for a hand-made raw call (spawn and exec build theirs the same way). Strings
/// given as [`CStr`] are used in place; the others are copied, with a NUL, into `buf`, which
/// also holds the pointer array. Nothing is allocated.
///
/// ```
/// use core::mem::MaybeUninit;
/// use sysrt::process::{CStrArray, Strs};
///
/// let mut buf = [MaybeUninit::uninit(); 128];
/// let argv = CStrArray::new(&mut buf, Strs::from(&["ls", "-l"]))?;
/// assert_eq!(argv.len(), 2);
/// assert_eq!(argv.get(1).map(|s| s.to_bytes()), Some(&b"-l"[..]));
/// // SAFETY: the array holds `len() + 1` pointers; the last one is null.
/// assert!(unsafe { *argv.as_ptr().add(2) }.is_null());
/// # Ok::<(), sysrt::Errno>(())
/// ```
///
/// Go: `syscall.SlicePtrFromStrings` (and the deprecated `StringSlicePtr`, which panics where
/// this returns `EINVAL`).
#[doc(alias = "SlicePtrFromStrings")]
#[doc(alias = "StringSlicePtr")]
#[derive(Clone, Copy)]
pub struct CStrArray<'b> {
    ptr: *const *const c_char,
    len: usize,
    _strs: PhantomData<&'b CStr>,
}

impl<'b> CStrArray<'b> {
    /// `CStrArray::new(buf, list)` — the array for `list`, built in `buf`: `(len + 1)` pointers
    /// and a copy of each string that is not a `CStr`.
    ///
    /// # Errors
    /// `EINVAL` when a string holds a NUL byte; `E2BIG` when `buf` is too small (nothing is
    /// truncated).
    pub fn new(buf: &'b mut [MaybeUninit<u8>], list: Strs<'b>) -> Result<CStrArray<'b>> {
        let len = list.len();
        let ptr = Arena::new(buf).c_array(list)?;
        Ok(CStrArray {
            ptr,
            len,
            _strs: PhantomData,
        })
    }

    /// The array, for the kernel: `len() + 1` pointers, the last one null. Valid for `'b`.
    #[inline]
    pub fn as_ptr(&self) -> *const *const c_char {
        self.ptr
    }

    /// The number of strings (the null terminator not counted).
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the array holds no string (only the null terminator).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// String `i`, or `None` past the end.
    pub fn get(&self, i: usize) -> Option<&'b CStr> {
        if i >= self.len {
            return None;
        }
        // SAFETY: the first `len` pointers of the array point at NUL-terminated strings that
        // live for `'b` (copies in the caller's buffer, or the caller's own `CStr`s).
        Some(unsafe { CStr::from_ptr(*self.ptr.add(i)) })
    }

    /// The strings in order.
    pub fn iter(&self) -> impl Iterator<Item = &'b CStr> + '_ {
        (0..self.len).filter_map(|i| self.get(i))
    }
}

impl core::fmt::Debug for CStrArray<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

// SAFETY: the array and its strings are only read, and they are borrowed for 'b like the
// `&CStr`s and `&[u8]`s they came from, which are Send and Sync.
unsafe impl Send for CStrArray<'_> {}
// SAFETY: as for Send.
unsafe impl Sync for CStrArray<'_> {}

/// A bump arena over caller memory: typed slices from the front, NUL-terminated string copies
/// from the back; `E2BIG` when the two would meet.
pub(crate) struct Arena<'b> {
    base: *mut u8,
    /// Bytes handed out from the front.
    front: usize,
    /// Offset of the lowest byte handed out from the back.
    back: usize,
    _buf: PhantomData<&'b mut [MaybeUninit<u8>]>,
}

impl<'b> Arena<'b> {
    pub(crate) fn new(buf: &'b mut [MaybeUninit<u8>]) -> Arena<'b> {
        Arena {
            base: buf.as_mut_ptr().cast(),
            front: 0,
            back: buf.len(),
            _buf: PhantomData,
        }
    }

    /// `n` uninitialised `T`s from the front, aligned for `T`.
    pub(crate) fn slice<T>(&mut self, n: usize) -> Result<&'b mut [MaybeUninit<T>]> {
        let addr = self.base as usize + self.front;
        let pad = addr.wrapping_neg() & (align_of::<T>() - 1);
        let bytes = n.checked_mul(size_of::<T>()).ok_or(Errno::E2BIG)?;
        let start = self.front + pad;
        let end = start.checked_add(bytes).ok_or(Errno::E2BIG)?;
        if end > self.back {
            return Err(Errno::E2BIG);
        }
        self.front = end;
        // `start..end` lies inside the caller's buffer (end <= back <= its length) and is
        // aligned for `T`; the front only grows and the back region starts at or after `end`.
        // SAFETY: so no other slice handed out overlaps it; the buffer is borrowed mutably
        // for `'b`.
        Ok(unsafe {
            core::slice::from_raw_parts_mut(self.base.add(start).cast::<MaybeUninit<T>>(), n)
        })
    }

    /// A copy of `bytes` with a NUL, from the back. `EINVAL` if `bytes` holds a NUL.
    pub(crate) fn copy_c(&mut self, bytes: &[u8]) -> Result<*const c_char> {
        if bytes.contains(&0) {
            return Err(Errno::EINVAL);
        }
        let need = bytes.len().checked_add(1).ok_or(Errno::E2BIG)?;
        if self.back - self.front < need {
            return Err(Errno::E2BIG);
        }
        self.back -= need;
        // SAFETY: `back..back + need` is inside the buffer, after every front slice (checked
        // above), and was never handed out before (the back only moves down).
        unsafe {
            let dst = self.base.add(self.back);
            core::ptr::copy_nonoverlapping(bytes.as_ptr(), dst, bytes.len());
            dst.add(bytes.len()).write(0);
            Ok(dst.cast_const().cast())
        }
    }

    /// A C string pointer for `a`: a `CStr` in place, anything else copied.
    pub(crate) fn c_str(&mut self, a: ArgBytes<'_>) -> Result<*const c_char> {
        match a {
            ArgBytes::CStr(c) => Ok(c.as_ptr()),
            ArgBytes::Bytes(b) => self.copy_c(b),
        }
    }

    /// The NULL-terminated pointer array for `list`.
    pub(crate) fn c_array(&mut self, list: Strs<'_>) -> Result<*const *const c_char> {
        let slots = self.slice::<*const c_char>(list.len() + 1)?;
        for (slot, s) in slots.iter_mut().zip(list.iter()) {
            slot.write(self.c_str(s)?);
        }
        // The last of the `len + 1` slots (`last_mut` rather than indexing: no panic path in
        // every program that spawns).
        if let Some(end) = slots.last_mut() {
            end.write(core::ptr::null());
        }
        Ok(slots.as_ptr().cast())
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    fn read_array(p: *const *const c_char) -> std::vec::Vec<std::vec::Vec<u8>> {
        let mut out = std::vec::Vec::new();
        // SAFETY: `p` is a NULL-terminated array of C strings built by the arena.
        unsafe {
            let mut i = 0;
            while !(*p.add(i)).is_null() {
                out.push(CStr::from_ptr(*p.add(i)).to_bytes().to_vec());
                i += 1;
            }
        }
        out
    }

    #[test]
    fn arrays_strings_and_limits() {
        let mut buf = [MaybeUninit::<u8>::uninit(); 256];
        let mut a = Arena::new(&mut buf);
        let lit = c"in-place";
        let mixed = [
            ArgBytes::CStr(lit),
            ArgBytes::Bytes(b""),
            ArgBytes::Bytes(b"\xff\xfe"),
        ];
        // ArgBytes is itself no CmdArg; build a list from CStrs and bytes separately.
        let argv = a.c_array(Strs::from(&["x", "", "two words"])).unwrap();
        assert_eq!(read_array(argv), [&b"x"[..], b"", b"two words"]);
        assert_eq!(
            a.c_str(mixed[0]).unwrap(),
            lit.as_ptr(),
            "a CStr is not copied"
        );
        let p = a.c_str(mixed[2]).unwrap();
        // SAFETY: c_str returns a NUL-terminated copy.
        let copy = unsafe { CStr::from_ptr(p) };
        assert_eq!(copy.to_bytes(), b"\xff\xfe");
        assert_eq!(a.c_str(ArgBytes::Bytes(b"a\0b")), Err(Errno::EINVAL));
        let big = [0x41u8; 300];
        assert_eq!(a.copy_c(&big), Err(Errno::E2BIG));
        assert_eq!(a.slice::<u64>(100).map(|s| s.len()), Err(Errno::E2BIG));
        let s = a.slice::<u64>(2).unwrap();
        assert_eq!(s.as_ptr() as usize % align_of::<u64>(), 0);
        let empty: [&CStr; 0] = [];
        assert_eq!(read_array(a.c_array(Strs::from(&empty)).unwrap()).len(), 0);
    }

    #[test]
    fn cstr_array_in_caller_memory() {
        let mut buf = [MaybeUninit::<u8>::uninit(); 64];
        let a = CStrArray::new(&mut buf, Strs::from(&["a", "", "bc"])).unwrap();
        assert_eq!(a.len(), 3);
        let got: std::vec::Vec<&[u8]> = a.iter().map(|c| c.to_bytes()).collect();
        assert_eq!(got, [&b"a"[..], b"", b"bc"]);
        assert_eq!(a.get(3), None);
        assert_eq!(read_array(a.as_ptr()).len(), 3);
        let mut buf = [MaybeUninit::<u8>::uninit(); 64];
        let nul = CStrArray::new(&mut buf, Strs::from(&["ok", "a\0b"]));
        assert_eq!(nul.map(|a| a.len()), Err(Errno::EINVAL));
        let mut small = [MaybeUninit::<u8>::uninit(); 16];
        let big = CStrArray::new(&mut small, Strs::from(&["x"]));
        assert_eq!(big.map(|a| a.len()), Err(Errno::E2BIG));
        // Room for the null pointer wherever the buffer starts (alignment padding included).
        let mut buf = [MaybeUninit::<u8>::uninit(); 16];
        let empty: [&str; 0] = [];
        let e = CStrArray::new(&mut buf, Strs::from(&empty)).unwrap();
        assert!(e.is_empty());
        // SAFETY: the array holds its null terminator.
        assert!(unsafe { *e.as_ptr() }.is_null());
    }

    #[test]
    fn strs_erases_the_element_type() {
        let owned = [b"ab".as_slice(), b"c"];
        let s = Strs::new(&owned);
        assert_eq!(s.len(), 2);
        assert_eq!(s.get(1), Some(ArgBytes::Bytes(b"c")));
        assert_eq!(s.get(2), None);
        let cs = [c"x"];
        assert_eq!(Strs::from(&cs).get(0), Some(ArgBytes::CStr(c"x")));
    }
}
