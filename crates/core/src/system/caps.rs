//! The hardware capability words of the auxiliary vector, with the arch's named bits, and
//! riscv64's `riscv_hwprobe`.

use core::fmt;

pub use sysrt_arch::{HwcapBit, hwcap};

use crate::auxv;

/// The hardware capability words `AT_HWCAP`, `AT_HWCAP2` and `AT_HWCAP3` (0 for a word the
/// kernel did not pass). What the bits mean is the architecture's: [`hwcap`] names them
/// (`hwcap::SSE2` on x86_64, `hwcap::ASIMD` on aarch64, `hwcap::V` on riscv64).
///
/// ```no_run
/// use sysrt::system::{hwcaps, hwcap};
/// for bit in hwcap::ALL {
///     if hwcaps().has(*bit) {
///         sysrt::io::write_all(sysrt::fd::STDOUT, bit.name.as_bytes())?;
///     }
/// }
/// # Ok::<(), sysrt::Errno>(())
/// ```
#[derive(Copy, Clone, Eq, PartialEq, Hash, Default)]
pub struct Hwcaps {
    words: [usize; 3],
}

impl Hwcaps {
    /// The words as they are: `[AT_HWCAP, AT_HWCAP2, AT_HWCAP3]`.
    pub const fn from_words(words: [usize; 3]) -> Hwcaps {
        Hwcaps { words }
    }

    /// The raw words, `[AT_HWCAP, AT_HWCAP2, AT_HWCAP3]`.
    pub const fn words(&self) -> [usize; 3] {
        self.words
    }

    /// Whether the named bit is set.
    pub fn has(&self, bit: HwcapBit) -> bool {
        self.words
            .get(usize::from(bit.word))
            .is_some_and(|w| w & bit.mask != 0)
    }

    /// The named bits that are set, in word and bit order.
    pub fn iter(&self) -> impl Iterator<Item = HwcapBit> + '_ {
        hwcap::ALL.iter().copied().filter(|b| self.has(*b))
    }
}

impl fmt::Debug for Hwcaps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter().map(|b| b.name)).finish()
    }
}

/// The hardware capability words of this process, from the auxiliary vector (see
/// [`auxv`](crate::auxv) for where it comes from).
///
/// # References
/// `man 3 getauxval` (`AT_HWCAP`, `AT_HWCAP2`); the kernel's
/// Documentation/arch/arm64/elf_hwcaps.rst.
pub fn hwcaps() -> Hwcaps {
    let mut words = [0; 3];
    for (k, v) in auxv::entries() {
        let slot = match k {
            auxv::HWCAP => 0,
            auxv::HWCAP2 => 1,
            auxv::HWCAP3 => 2,
            _ => continue,
        };
        words[slot] = v;
    }
    Hwcaps { words }
}

sysrt_arch::only_riscv64! {
    use crate::{Errno, Result, Sysno, arch};

    /// One key/value pair of [`riscv_hwprobe`] (`struct riscv_hwprobe`).
    ///
    /// linux-raw-sys does not have it (arch/riscv/include/uapi/asm/hwprobe.h), so it is typed
    /// here; the layout is checked at compile time below.
    #[doc(alias = "riscv_hwprobe")]
    #[derive(Copy, Clone, Eq, PartialEq, Hash, Debug, Default)]
    #[repr(C)]
    pub struct RiscvHwprobe {
        /// The key asked for (`RISCV_HWPROBE_KEY_*`); the kernel sets it to -1 when it does
        /// not know the key.
        pub key: i64,
        /// The value the kernel filled in.
        pub value: u64,
    }

    // The kernel's layout: `__s64 key; __u64 value;`, 16 bytes.
    const _: () = assert!(
        size_of::<RiscvHwprobe>() == 16 && core::mem::offset_of!(RiscvHwprobe, value) == 8
    );

    impl RiscvHwprobe {
        /// `RISCV_HWPROBE_KEY_MVENDORID`: the `mvendorid` CSR.
        pub const KEY_MVENDORID: i64 = 0;
        /// `RISCV_HWPROBE_KEY_MARCHID`: the `marchid` CSR.
        pub const KEY_MARCHID: i64 = 1;
        /// `RISCV_HWPROBE_KEY_MIMPID`: the `mimpid` CSR.
        pub const KEY_MIMPID: i64 = 2;
        /// `RISCV_HWPROBE_KEY_BASE_BEHAVIOR`: bit `BASE_BEHAVIOR_IMA` for the IMA base.
        pub const KEY_BASE_BEHAVIOR: i64 = 3;
        /// `RISCV_HWPROBE_BASE_BEHAVIOR_IMA`.
        pub const BASE_BEHAVIOR_IMA: u64 = 1 << 0;
        /// `RISCV_HWPROBE_KEY_IMA_EXT_0`: bits for extensions beyond the base.
        pub const KEY_IMA_EXT_0: i64 = 4;
        /// `RISCV_HWPROBE_IMA_FD`: F and D.
        pub const IMA_FD: u64 = 1 << 0;
        /// `RISCV_HWPROBE_IMA_C`: C.
        pub const IMA_C: u64 = 1 << 1;
        /// `RISCV_HWPROBE_IMA_V`: V.
        pub const IMA_V: u64 = 1 << 2;
        /// `RISCV_HWPROBE_KEY_CPUPERF_0`: misaligned access performance.
        pub const KEY_CPUPERF_0: i64 = 5;

        /// A pair asking for `key`.
        pub const fn new(key: i64) -> RiscvHwprobe {
            RiscvHwprobe { key, value: 0 }
        }
    }

    /// `riscv_hwprobe(pairs, len, 0, NULL, 0)` — fills in the value of each pair's key, for
    /// all online CPUs (riscv64 only, Linux 6.4+). A key the kernel does not know comes back
    /// as -1 with value 0.
    ///
    /// # Errors
    /// `ENOSYS` (before Linux 6.4; qemu-user before 8.1), `EFAULT`, `EINVAL`.
    ///
    /// # References
    /// The kernel's Documentation/arch/riscv/hwprobe.rst.
    #[inline]
    pub fn riscv_hwprobe(pairs: &mut [RiscvHwprobe]) -> Result<()> {
        // No CPU set (NULL, 0) means every online CPU.
        // SAFETY: `pairs` is `struct riscv_hwprobe`s borrowed exclusively for the call; the
        // kernel reads each key and writes each pair in place, no further.
        let ret = unsafe {
            arch::syscall5(
                Sysno::riscv_hwprobe,
                pairs.as_mut_ptr() as usize,
                pairs.len(),
                0,
                0,
                0,
            )
        };
        Errno::decode(ret).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_bits_are_tested_in_their_word() {
        let first = hwcap::ALL[0];
        let mut words = [0; 3];
        words[usize::from(first.word)] = first.mask;
        let caps = Hwcaps::from_words(words);
        assert!(caps.has(first));
        assert_eq!(caps.iter().count(), 1);
        assert!(!Hwcaps::default().has(first));
    }

    #[test]
    fn every_named_bit_is_one_bit_of_a_known_word() {
        for b in hwcap::ALL {
            assert!(b.word < 3 && b.mask.is_power_of_two(), "{b:?}");
        }
    }
}
