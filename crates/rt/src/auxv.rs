//! The auxiliary vector: what the kernel tells a new program about itself and the machine.
//! `man 3 getauxval`.
//!
//! The runtime walks the vector it found on the initial stack, and also hands it to
//! [`sysrt::auxv`], so that sysrt's own lookups read it without a syscall. These functions
//! read it directly: they never need `sysrt::auxv`'s fallback (`PR_GET_AUXV`,
//! `/proc/self/auxv`), which keeps that code out of programs that do not use it.

use core::ffi::{CStr, c_char};
use core::sync::atomic::Ordering;

use linux_raw_sys::auxvec as a;

use crate::start::AUXV;

/// `AT_PAGESZ`: the system page size.
pub const AT_PAGESZ: usize = a::AT_PAGESZ as usize;
/// `AT_RANDOM`: the address of 16 random bytes the kernel placed on the stack.
pub const AT_RANDOM: usize = a::AT_RANDOM as usize;
/// `AT_SYSINFO_EHDR`: the address of the vDSO's ELF header.
pub const AT_SYSINFO_EHDR: usize = a::AT_SYSINFO_EHDR as usize;
/// `AT_HWCAP`: the architecture's hardware capability bits.
pub const AT_HWCAP: usize = a::AT_HWCAP as usize;
/// `AT_HWCAP2`: more hardware capability bits.
pub const AT_HWCAP2: usize = a::AT_HWCAP2 as usize;
/// `AT_EXECFN`: the address of the path the program was executed as.
pub const AT_EXECFN: usize = a::AT_EXECFN as usize;
/// `AT_PHDR`: the address of the program's program headers.
pub const AT_PHDR: usize = a::AT_PHDR as usize;
/// `AT_PHNUM`: the number of program headers.
pub const AT_PHNUM: usize = a::AT_PHNUM as usize;
/// `AT_ENTRY`: the program's entry address.
pub const AT_ENTRY: usize = a::AT_ENTRY as usize;
/// `AT_UID`: the real user ID.
pub const AT_UID: usize = a::AT_UID as usize;
/// `AT_EUID`: the effective user ID.
pub const AT_EUID: usize = a::AT_EUID as usize;
/// `AT_GID`: the real group ID.
pub const AT_GID: usize = a::AT_GID as usize;
/// `AT_EGID`: the effective group ID.
pub const AT_EGID: usize = a::AT_EGID as usize;
/// `AT_SECURE`: non-zero when the program runs set-user-ID or with capabilities gained.
pub const AT_SECURE: usize = a::AT_SECURE as usize;
/// `AT_CLKTCK`: the frequency of `times()` clock ticks.
pub const AT_CLKTCK: usize = a::AT_CLKTCK as usize;
/// `AT_MINSIGSTKSZ`: the minimal signal stack size the kernel needs (where reported).
pub const AT_MINSIGSTKSZ: usize = a::AT_MINSIGSTKSZ as usize;

/// An iterator over the auxiliary vector's `(key, value)` pairs, without the closing
/// `AT_NULL`.
#[derive(Clone)]
pub struct Entries {
    p: *const usize,
}

/// Every `(key, value)` pair the kernel passed.
pub fn entries() -> Entries {
    Entries {
        p: AUXV.load(Ordering::Relaxed),
    }
}

impl Iterator for Entries {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        if self.p.is_null() {
            return None;
        }
        let p = self.p;
        // The walk sysrt's `auxv::parse` runs (and the `auxv` fuzz target checks): it reads
        // word 1 (the value) only after word 0 (the key) was not `AT_NULL`.
        let pair = sysrt::auxv::pair_at(
            // `p` walks the auxv pairs the kernel placed on the initial stack, which end with
            // an `AT_NULL` key: `pair_at` asks for word 0 of this pair, and for word 1 only
            // when word 0 was not that key.
            // SAFETY: so word `j` (0 or 1) never lies past the vector.
            |j| Some(unsafe { *p.add(j) }),
            0,
        );
        self.p = match pair {
            // SAFETY: this pair was not the closing `AT_NULL`, so the next pair is still
            // inside the vector.
            Some(_) => unsafe { p.add(2) },
            None => core::ptr::null(),
        };
        pair
    }
}

/// `getauxval(key)` — the value of `key`, or `None` if the kernel did not pass it.
pub fn getauxval(key: usize) -> Option<usize> {
    entries().find(|&(k, _)| k == key).map(|(_, v)| v)
}

/// The page size (`AT_PAGESZ`, which Linux always passes; see [`sysrt::auxv::page_size`],
/// which measures it in the case it did not, rather than assume 4096).
pub fn page_size() -> usize {
    sysrt::auxv::page_size()
}

/// The 16 random bytes at `AT_RANDOM`, if passed.
pub fn random_bytes() -> Option<&'static [u8; 16]> {
    let p = getauxval(AT_RANDOM)?;
    // SAFETY: the kernel places 16 bytes at this address on the initial stack, which lives as
    // long as the process and which nothing in sysrt writes to.
    (p != 0).then(|| unsafe { &*(p as *const [u8; 16]) })
}

/// The vDSO's ELF header address (`AT_SYSINFO_EHDR`), if the kernel mapped a vDSO
/// (qemu-user does not give guests one).
pub fn sysinfo_ehdr() -> Option<usize> {
    getauxval(AT_SYSINFO_EHDR).filter(|&p| p != 0)
}

/// The hardware capability bits (`AT_HWCAP`).
pub fn hwcap() -> Option<usize> {
    getauxval(AT_HWCAP)
}

/// The second word of hardware capability bits (`AT_HWCAP2`).
pub fn hwcap2() -> Option<usize> {
    getauxval(AT_HWCAP2)
}

/// The path the program was executed as (`AT_EXECFN`).
pub fn execfn() -> Option<&'static CStr> {
    let p = getauxval(AT_EXECFN)?;
    // SAFETY: `AT_EXECFN` points at a NUL-terminated string on the initial stack, which lives
    // as long as the process.
    (p != 0).then(|| unsafe { CStr::from_ptr(p as *const c_char) })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk over a recorded vector: every pair before `AT_NULL`, in order, never the
    /// words after it (here a pair that must not be seen), and nothing without a vector.
    #[test]
    fn entries_walk_the_recorded_vector_to_at_null() {
        static VECTOR: [usize; 8] = [AT_PAGESZ, 4096, AT_HWCAP, 0xff, 0, 0, AT_UID, 7];
        AUXV.store(VECTOR.as_ptr().cast_mut(), Ordering::Relaxed);
        let mut got = [(0, 0); 3];
        let mut n = 0;
        for pair in entries() {
            got[n] = pair;
            n += 1;
        }
        assert_eq!(&got[..n], &[(AT_PAGESZ, 4096), (AT_HWCAP, 0xff)]);
        assert_eq!(getauxval(AT_HWCAP), Some(0xff));
        assert_eq!(getauxval(AT_UID), None, "a pair after AT_NULL is not read");
        let mut it = entries();
        assert_eq!(it.nth(2), None);
        assert_eq!(it.next(), None, "fused after AT_NULL");
        AUXV.store(core::ptr::null_mut(), Ordering::Relaxed);
        assert_eq!(entries().next(), None);
    }
}
