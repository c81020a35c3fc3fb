//! A reader of the vDSO's dynamic symbol table that trusts nothing in the image.
//!
//! [`Image::parse`] and [`Image::lookup`] are pure functions over a byte slice: every offset
//! and count read from the image is bounds-checked before use, every sum and product is
//! checked, and every walk (hash chains, version definitions) has a bound, so a corrupted or
//! hostile image gives `None` or an offset inside the slice — never a panic, an overflow, an
//! endless loop or a read outside the slice. Fields are read byte-wise (little-endian, the
//! byte order of all three supported architectures), so the slice needs no alignment.
//!
//! What is read, in the ELF specification's terms (`man 5 elf`): the ELF header; the program
//! headers (the first `PT_LOAD` maps link-time addresses to offsets, `PT_DYNAMIC` locates the
//! dynamic section); from the dynamic section `DT_SYMTAB`, `DT_STRTAB`, `DT_STRSZ`,
//! `DT_SYMENT`, `DT_GNU_HASH` and/or `DT_HASH`, and `DT_VERSYM`/`DT_VERDEF`/`DT_VERDEFNUM` for
//! symbol versions. Section headers are not used: the loader (here, the kernel) does not need
//! them either.

use core::mem::{offset_of, size_of};

use linux_raw_sys::elf_uapi as e;

/// The size of the ELF header (`Elf64_Ehdr`).
const EHDR_SIZE: usize = size_of::<e::Elf64_Ehdr>();
/// The size of a program header (`Elf64_Phdr`).
const PHDR_SIZE: usize = size_of::<e::Elf64_Phdr>();
/// The size of a dynamic entry (`Elf64_Dyn`).
const DYN_SIZE: usize = size_of::<e::Elf64_Dyn>();
/// The size of a symbol (`Elf64_Sym`).
const SYM_SIZE: usize = size_of::<e::Elf64_Sym>();
/// `DT_*` tags as the signed 64-bit `d_tag` holds them.
const fn tag(t: u32) -> i64 {
    t as i64
}
/// The version-index bits of a `DT_VERSYM` entry; the top bit marks a hidden symbol.
const VERSYM_INDEX_MASK: u16 = 0x7fff;
/// How many version definitions are walked at most. The vDSO defines two (the file's base
/// version and the one its calls use); the bound only stops a corrupted chain early.
const MAX_VERDEFS: usize = 64;

fn read<const N: usize>(b: &[u8], off: usize) -> Option<[u8; N]> {
    b.get(off..off.checked_add(N)?)?.try_into().ok()
}
fn u8_at(b: &[u8], off: usize) -> Option<u8> {
    b.get(off).copied()
}
fn u16_at(b: &[u8], off: usize) -> Option<u16> {
    read(b, off).map(u16::from_le_bytes)
}
fn u32_at(b: &[u8], off: usize) -> Option<u32> {
    read(b, off).map(u32::from_le_bytes)
}
fn u64_at(b: &[u8], off: usize) -> Option<u64> {
    read(b, off).map(u64::from_le_bytes)
}
/// `base + index * size`, checked.
fn index(base: usize, index: usize, size: usize) -> Option<usize> {
    base.checked_add(index.checked_mul(size)?)
}

/// The GNU hash of a symbol name (`DT_GNU_HASH`): Bernstein's `h * 33 + c` from 5381.
pub fn gnu_hash(name: &[u8]) -> u32 {
    name.iter().fold(5381u32, |h, &c| {
        h.wrapping_mul(33).wrapping_add(u32::from(c))
    })
}

/// The System V ELF hash of a symbol name (`DT_HASH`), as the gABI defines it.
pub fn sysv_hash(name: &[u8]) -> u32 {
    name.iter().fold(0u32, |h, &c| {
        let h = (h << 4).wrapping_add(u32::from(c));
        let g = h & 0xf000_0000;
        (h ^ (g >> 24)) & !g
    })
}

/// Where the symbol hash table is, as an offset into the image.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
struct Hashes {
    gnu: Option<usize>,
    sysv: Option<usize>,
}

/// A vDSO image whose tables have been located: the result of [`Image::parse`].
///
/// Every offset in it has been translated from a link-time address but not yet checked
/// against the table it starts; each read during a [`lookup`](Image::lookup) is.
#[derive(Copy, Clone, Debug)]
pub struct Image<'a> {
    bytes: &'a [u8],
    /// `p_vaddr` of the first `PT_LOAD`: link-time addresses are relative to it.
    load_vaddr: u64,
    /// `p_offset` of the first `PT_LOAD`.
    load_offset: u64,
    /// `p_filesz` of the first `PT_LOAD`: a symbol must lie inside it.
    load_filesz: u64,
    symtab: usize,
    strtab: usize,
    /// One past the string table's last byte (`DT_STRSZ`, clamped to the image).
    strtab_end: usize,
    hashes: Hashes,
    versym: Option<usize>,
    verdef: Option<usize>,
    verdefnum: usize,
}

impl<'a> Image<'a> {
    /// Locates the dynamic symbol table of the ELF image `bytes` (the image as it is mapped:
    /// byte 0 is the ELF header), built for `machine` (`EM_X86_64`, …).
    ///
    /// Returns `None` for anything that is not a 64-bit little-endian `ET_DYN` image of that
    /// machine with a `PT_LOAD`, a `PT_DYNAMIC`, a symbol table, a string table and at least
    /// one of `DT_GNU_HASH`/`DT_HASH`, all inside `bytes`.
    ///
    /// # References
    /// `man 5 elf`; the System V gABI's "Dynamic Section" and "Symbol Versioning".
    pub fn parse(bytes: &'a [u8], machine: u16) -> Option<Image<'a>> {
        let ident: [u8; 16] = read(bytes, offset_of!(e::Elf64_Ehdr, e_ident))?;
        if ident[..4] != e::ELFMAG[..4]
            || u32::from(ident[e::EI_CLASS as usize]) != e::ELFCLASS64
            || u32::from(ident[e::EI_DATA as usize]) != e::ELFDATA2LSB
            || bytes.len() < EHDR_SIZE
        {
            return None;
        }
        let e_type = u16_at(bytes, offset_of!(e::Elf64_Ehdr, e_type))?;
        let e_machine = u16_at(bytes, offset_of!(e::Elf64_Ehdr, e_machine))?;
        if u32::from(e_type) != e::ET_DYN || e_machine != machine {
            return None;
        }
        let phoff = usize::try_from(u64_at(bytes, offset_of!(e::Elf64_Ehdr, e_phoff))?).ok()?;
        let phnum = usize::from(u16_at(bytes, offset_of!(e::Elf64_Ehdr, e_phnum))?);
        let phentsize = usize::from(u16_at(bytes, offset_of!(e::Elf64_Ehdr, e_phentsize))?);
        if phentsize != PHDR_SIZE {
            return None;
        }

        let mut load = None;
        let mut dynamic = None;
        for i in 0..phnum {
            let ph = index(phoff, i, PHDR_SIZE)?;
            let field = |off: usize| u64_at(bytes, ph.checked_add(off)?);
            let p_type = u32_at(bytes, ph.checked_add(offset_of!(e::Elf64_Phdr, p_type))?)?;
            if p_type == e::PT_LOAD && load.is_none() {
                load = Some((
                    field(offset_of!(e::Elf64_Phdr, p_vaddr))?,
                    field(offset_of!(e::Elf64_Phdr, p_offset))?,
                    field(offset_of!(e::Elf64_Phdr, p_filesz))?,
                ));
            } else if p_type == e::PT_DYNAMIC {
                dynamic = Some((
                    field(offset_of!(e::Elf64_Phdr, p_offset))?,
                    field(offset_of!(e::Elf64_Phdr, p_filesz))?,
                ));
            }
        }
        let (load_vaddr, load_offset, load_filesz) = load?;
        let (dyn_offset, dyn_size) = dynamic?;
        let dyn_offset = usize::try_from(dyn_offset).ok()?;
        let dyn_count = usize::try_from(dyn_size).ok()? / DYN_SIZE;

        let mut image = Image {
            bytes,
            load_vaddr,
            load_offset,
            load_filesz,
            symtab: 0,
            strtab: 0,
            strtab_end: 0,
            hashes: Hashes {
                gnu: None,
                sysv: None,
            },
            versym: None,
            verdef: None,
            verdefnum: 0,
        };
        let (mut symtab, mut strtab, mut strsz) = (None, None, None);
        for i in 0..dyn_count {
            let d = index(dyn_offset, i, DYN_SIZE)?;
            let d_tag = u64_at(bytes, d.checked_add(offset_of!(e::Elf64_Dyn, d_tag))?)? as i64;
            let d_val = u64_at(bytes, d.checked_add(offset_of!(e::Elf64_Dyn, d_un))?)?;
            match d_tag {
                t if t == tag(e::DT_NULL) => break,
                t if t == tag(e::DT_SYMTAB) => symtab = Some(image.offset_of_vaddr(d_val)?),
                t if t == tag(e::DT_STRTAB) => strtab = Some(image.offset_of_vaddr(d_val)?),
                t if t == tag(e::DT_STRSZ) => strsz = Some(usize::try_from(d_val).ok()?),
                t if t == tag(e::DT_SYMENT) && d_val != SYM_SIZE as u64 => return None,
                t if t == tag(e::DT_GNU_HASH) => {
                    image.hashes.gnu = Some(image.offset_of_vaddr(d_val)?);
                }
                t if t == tag(e::DT_HASH) => {
                    image.hashes.sysv = Some(image.offset_of_vaddr(d_val)?)
                }
                t if t == tag(e::DT_VERSYM) => image.versym = Some(image.offset_of_vaddr(d_val)?),
                t if t == tag(e::DT_VERDEF) => image.verdef = Some(image.offset_of_vaddr(d_val)?),
                t if t == tag(e::DT_VERDEFNUM) => {
                    image.verdefnum = usize::try_from(d_val).ok()?.min(MAX_VERDEFS);
                }
                _ => {}
            }
        }
        image.symtab = symtab?;
        image.strtab = strtab?;
        if image.strtab >= bytes.len() {
            return None;
        }
        image.strtab_end = match strsz {
            Some(n) => image.strtab.saturating_add(n).min(bytes.len()),
            None => bytes.len(),
        };
        if image.hashes.gnu.is_none() && image.hashes.sysv.is_none() {
            return None;
        }
        Some(image)
    }

    /// The offset into the image of the link-time address `vaddr`, if it is inside the image.
    fn offset_of_vaddr(&self, vaddr: u64) -> Option<usize> {
        let off = vaddr
            .checked_sub(self.load_vaddr)?
            .checked_add(self.load_offset)?;
        usize::try_from(off)
            .ok()
            .filter(|&off| off < self.bytes.len())
    }

    /// The offset of the function or object `name` defined under `version`, or `None`.
    ///
    /// The symbol must be defined (not `SHN_UNDEF`), global or weak, a function or untyped,
    /// lie inside the first `PT_LOAD` and inside the image, and carry `version` when the image
    /// has version information (an image without `DT_VERSYM` matches any version, as the
    /// kernel's own `parse_vdso.c` does). The GNU hash table is used when there is one; the
    /// System V table otherwise, or when the GNU one does not find the name.
    ///
    /// The result is an offset into the slice given to [`Image::parse`], always less than its
    /// length: the symbol's address is the image's base address plus this offset.
    pub fn lookup(&self, name: &str, version: &str) -> Option<usize> {
        let name = name.as_bytes();
        let version = version.as_bytes();
        if let Some(gnu) = self.hashes.gnu
            && let Some(off) = self.lookup_gnu(gnu, name, version)
        {
            return Some(off);
        }
        self.lookup_sysv(self.hashes.sysv?, name, version)
    }

    /// `DT_GNU_HASH`: `nbuckets, symoffset, bloom_size, bloom_shift`, the bloom words (64-bit
    /// here), the buckets, then one hash word per symbol from `symoffset` on, the last of each
    /// chain with its low bit set. The bloom filter is only a shortcut and is not consulted.
    fn lookup_gnu(&self, table: usize, name: &[u8], version: &[u8]) -> Option<usize> {
        let b = self.bytes;
        let nbuckets = usize::try_from(u32_at(b, table)?).ok()?;
        let symoffset = usize::try_from(u32_at(b, table.checked_add(4)?)?).ok()?;
        let bloom_size = usize::try_from(u32_at(b, table.checked_add(8)?)?).ok()?;
        if nbuckets == 0 {
            return None;
        }
        let buckets = index(table.checked_add(16)?, bloom_size, 8)?;
        let chains = index(buckets, nbuckets, 4)?;
        let hash = gnu_hash(name);
        let bucket = usize::try_from(hash).ok()? % nbuckets;
        let mut sym = usize::try_from(u32_at(b, index(buckets, bucket, 4)?)?).ok()?;
        if sym == 0 || sym < symoffset {
            return None;
        }
        // Each step reads the next chain word, so the walk ends at the image's end at the latest.
        loop {
            let h = u32_at(b, index(chains, sym - symoffset, 4)?)?;
            if (h | 1) == (hash | 1)
                && let Some(off) = self.symbol_matches(sym, name, version)
            {
                return Some(off);
            }
            if h & 1 != 0 {
                return None;
            }
            sym = sym.checked_add(1)?;
        }
    }

    /// `DT_HASH`: `nbucket, nchain`, the buckets, then `nchain` chain links; symbol 0
    /// (`STN_UNDEF`) ends a chain.
    fn lookup_sysv(&self, table: usize, name: &[u8], version: &[u8]) -> Option<usize> {
        let b = self.bytes;
        let nbucket = usize::try_from(u32_at(b, table)?).ok()?;
        let nchain = usize::try_from(u32_at(b, table.checked_add(4)?)?).ok()?;
        if nbucket == 0 {
            return None;
        }
        let buckets = table.checked_add(8)?;
        let chains = index(buckets, nbucket, 4)?;
        // `nchain` comes from the image: only as many links as the image holds are real. Left
        // at a corrupted 2^32 - 1, a looping chain took minutes to give up (found by the
        // fuzzer: the vdso corpus's `regression-sysv-nchain-loop-hang`).
        let nchain = nchain.min(b.len().saturating_sub(chains) / 4);
        let bucket = usize::try_from(sysv_hash(name)).ok()? % nbucket;
        let mut sym = usize::try_from(u32_at(b, index(buckets, bucket, 4)?)?).ok()?;
        // A chain visits each of the `nchain` symbols at most once; a longer walk is a loop.
        for _ in 0..nchain {
            if sym == e::STN_UNDEF as usize || sym >= nchain {
                return None;
            }
            if let Some(off) = self.symbol_matches(sym, name, version) {
                return Some(off);
            }
            sym = usize::try_from(u32_at(b, index(chains, sym, 4)?)?).ok()?;
        }
        None
    }

    /// The offset of symbol `sym` if it is the defined function `name` of `version`.
    fn symbol_matches(&self, sym: usize, name: &[u8], version: &[u8]) -> Option<usize> {
        let b = self.bytes;
        let s = index(self.symtab, sym, SYM_SIZE)?;
        let st_name = u32_at(b, s.checked_add(offset_of!(e::Elf64_Sym, st_name))?)?;
        let st_info = u8_at(b, s.checked_add(offset_of!(e::Elf64_Sym, st_info))?)?;
        let st_shndx = u16_at(b, s.checked_add(offset_of!(e::Elf64_Sym, st_shndx))?)?;
        let st_value = u64_at(b, s.checked_add(offset_of!(e::Elf64_Sym, st_value))?)?;
        let (bind, kind) = (u32::from(st_info >> 4), u32::from(st_info & 0xf));
        if !(bind == e::STB_GLOBAL || bind == e::STB_WEAK)
            || !(kind == e::STT_FUNC || kind == e::STT_NOTYPE)
            || u32::from(st_shndx) == e::SHN_UNDEF
            || !self.str_is(usize::try_from(st_name).ok()?, name)
            || !self.version_is(sym, version)
        {
            return None;
        }
        if st_value.checked_sub(self.load_vaddr)? >= self.load_filesz {
            return None;
        }
        self.offset_of_vaddr(st_value)
    }

    /// Whether the NUL-terminated string at `off` in the string table is `want`.
    fn str_is(&self, off: usize, want: &[u8]) -> bool {
        let Some(start) = self.strtab.checked_add(off) else {
            return false;
        };
        let Some(end) = start.checked_add(want.len()) else {
            return false;
        };
        end < self.strtab_end
            && self.bytes.get(start..end) == Some(want)
            && self.bytes.get(end) == Some(&0)
    }

    /// Whether symbol `sym` is defined under `version` (true when there is no version
    /// information at all).
    fn version_is(&self, sym: usize, version: &[u8]) -> bool {
        let Some(versym) = self.versym else {
            return true;
        };
        let Some(verdef) = self.verdef else {
            return true;
        };
        let b = self.bytes;
        let Some(ndx) = index(versym, sym, 2).and_then(|o| u16_at(b, o)) else {
            return false;
        };
        let ndx = ndx & VERSYM_INDEX_MASK;
        let mut def = verdef;
        // Both counts come from the image: `DT_VERDEFNUM` (clamped to `MAX_VERDEFS` at parse
        // time) and the `vd_next` links, which only move forward. The walk also stops after
        // as many definitions as the image holds from `verdef` on, so that no corrupted count
        // or chain of short links makes a lookup (which may check many symbols) walk further.
        let fits = b.len().saturating_sub(verdef) / size_of::<e::Elf64_Verdef>();
        for _ in 0..self.verdefnum.min(fits) {
            let field = |o: usize| def.checked_add(o).and_then(|p| u16_at(b, p));
            let word = |o: usize| def.checked_add(o).and_then(|p| u32_at(b, p));
            let (Some(flags), Some(vd_ndx), Some(aux), Some(next)) = (
                field(offset_of!(e::Elf64_Verdef, vd_flags)),
                field(offset_of!(e::Elf64_Verdef, vd_ndx)),
                word(offset_of!(e::Elf64_Verdef, vd_aux)),
                word(offset_of!(e::Elf64_Verdef, vd_next)),
            ) else {
                return false;
            };
            if u32::from(flags) & e::VER_FLG_BASE == 0 && vd_ndx & VERSYM_INDEX_MASK == ndx {
                // The first auxiliary entry names the version itself.
                let name = def
                    .checked_add(aux as usize)
                    .and_then(|a| a.checked_add(offset_of!(e::Elf64_Verdaux, vda_name)))
                    .and_then(|p| u32_at(b, p));
                return name.is_some_and(|n| self.str_is(n as usize, version));
            }
            if next == 0 {
                return false;
            }
            let Some(d) = def.checked_add(next as usize) else {
                return false;
            };
            def = d;
        }
        false
    }
}

/// The number of bytes an in-memory ELF image occupies from its header on: the end of the
/// furthest `PT_LOAD` in the file (`p_offset + p_filesz`). `header` holds at least the ELF
/// header and the program headers; `None` if they are not there or not sane (not ELF64, or a
/// program header outside `header`).
pub fn mapped_extent(header: &[u8]) -> Option<usize> {
    let ident: [u8; 4] = read(header, 0)?;
    if ident[..] != e::ELFMAG[..4]
        || u32::from(u8_at(header, e::EI_CLASS as usize)?) != e::ELFCLASS64
        || u32::from(u8_at(header, e::EI_DATA as usize)?) != e::ELFDATA2LSB
    {
        return None;
    }
    let phoff = usize::try_from(u64_at(header, offset_of!(e::Elf64_Ehdr, e_phoff))?).ok()?;
    let phnum = usize::from(u16_at(header, offset_of!(e::Elf64_Ehdr, e_phnum))?);
    if usize::from(u16_at(header, offset_of!(e::Elf64_Ehdr, e_phentsize))?) != PHDR_SIZE {
        return None;
    }
    let mut end = None;
    for i in 0..phnum {
        let ph = index(phoff, i, PHDR_SIZE)?;
        if u32_at(header, ph.checked_add(offset_of!(e::Elf64_Phdr, p_type))?)? == e::PT_LOAD {
            let off = u64_at(header, ph.checked_add(offset_of!(e::Elf64_Phdr, p_offset))?)?;
            let size = u64_at(header, ph.checked_add(offset_of!(e::Elf64_Phdr, p_filesz))?)?;
            let this = usize::try_from(off.checked_add(size)?).ok()?;
            end = Some(end.map_or(this, |e: usize| e.max(this)));
        }
    }
    end
}

/// What the host tests of this module and of the real vDSO share.
#[cfg(test)]
pub(crate) mod tests_support {
    extern crate std;

    use super::Image;

    /// Every byte of `img` replaced by several values, and every prefix up to 1 KiB: each
    /// lookup of `names` gives `None` or an offset inside the image, never a panic.
    pub(crate) fn corrupt_everywhere(img: &[u8], names: &[&str], version: &str, machine: u16) {
        let mut c = img.to_vec();
        for i in 0..img.len() {
            for v in [0x00, 0xff, img[i] ^ 0x80, img[i].wrapping_add(1), 0x7f] {
                c[i] = v;
                check_lookups(&c, names, version, machine);
            }
            c[i] = img[i];
        }
        for len in 0..img.len().min(1024) {
            check_lookups(&img[..len], names, version, machine);
        }
    }

    fn check_lookups(bytes: &[u8], names: &[&str], version: &str, machine: u16) {
        if let Some(image) = Image::parse(bytes, machine) {
            for name in names {
                if let Some(off) = image.lookup(name, version) {
                    assert!(off < bytes.len());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use super::*;
    use crate::vdso::synth::{self, Synth};

    const M: u16 = e::EM_X86_64 as u16;

    fn build(s: &Synth) -> Vec<u8> {
        let mut buf = std::vec![0u8; synth::MAX_SIZE];
        let n = synth::build(s, &mut buf).expect("synthetic image fits");
        buf.truncate(n);
        buf
    }

    #[test]
    fn hashes_match_the_published_values() {
        // Values from the gABI and the GNU hash description.
        assert_eq!(sysv_hash(b""), 0);
        assert_eq!(gnu_hash(b""), 5381);
        assert_eq!(gnu_hash(b"printf"), 0x156b_2bb8);
        assert_eq!(sysv_hash(b"printf"), 0x0779_05a6);
    }

    #[test]
    fn gnu_only_sysv_only_and_both_find_every_symbol() {
        for (gnu, sysv) in [(true, false), (false, true), (true, true)] {
            let s = Synth {
                gnu_hash: gnu,
                sysv_hash: sysv,
                ..Synth::x86_64()
            };
            let img = build(&s);
            let image = Image::parse(&img, M).expect("parses");
            for (i, name) in s.names.iter().enumerate() {
                let off = image.lookup(name, s.version);
                assert_eq!(
                    off,
                    Some(synth::code_offset(i)),
                    "{name} gnu={gnu} sysv={sysv}"
                );
            }
            assert_eq!(image.lookup("__vdso_nothing", s.version), None);
            assert_eq!(image.lookup(s.names[0], "LINUX_9.9"), None);
            assert_eq!(image.lookup(s.names[0], ""), None);
        }
    }

    #[test]
    fn a_load_bias_is_applied() {
        let s = Synth {
            vaddr_bias: 0xffff_ffff_ff70_0000,
            ..Synth::x86_64()
        };
        let img = build(&s);
        let image = Image::parse(&img, M).unwrap();
        assert_eq!(
            image.lookup(s.names[1], s.version),
            Some(synth::code_offset(1))
        );
    }

    #[test]
    fn no_version_information_matches_any_version() {
        let s = Synth {
            versions: false,
            ..Synth::x86_64()
        };
        let img = build(&s);
        let image = Image::parse(&img, M).unwrap();
        assert_eq!(image.lookup(s.names[0], "ANY"), Some(synth::code_offset(0)));
    }

    #[test]
    fn another_machine_or_class_is_refused() {
        let img = build(&Synth::x86_64());
        assert!(Image::parse(&img, e::EM_AARCH64 as u16).is_none());
        let mut c = img.clone();
        c[e::EI_CLASS as usize] = e::ELFCLASS32 as u8;
        assert!(Image::parse(&c, M).is_none());
        let mut c = img.clone();
        c[e::EI_DATA as usize] = e::ELFDATA2MSB as u8;
        assert!(Image::parse(&c, M).is_none());
        assert!(Image::parse(&img[..63], M).is_none());
        assert!(Image::parse(&[], M).is_none());
    }

    #[test]
    fn no_hash_table_is_refused() {
        let s = Synth {
            gnu_hash: false,
            sysv_hash: false,
            ..Synth::x86_64()
        };
        assert!(Image::parse(&build(&s), M).is_none());
    }

    /// Every byte of the image replaced by several values, and every prefix: each lookup
    /// gives `None` or an offset inside the image, never a panic.
    #[test]
    #[cfg_attr(
        miri,
        ignore = "every byte x several values x every lookup: hours under Miri; runs natively, and the vdso fuzz target runs the parser under ASan"
    )]
    fn corrupted_synthetic_images_never_panic() {
        for (gnu, sysv) in [(true, false), (false, true), (true, true)] {
            let s = Synth {
                gnu_hash: gnu,
                sysv_hash: sysv,
                ..Synth::x86_64()
            };
            let img = build(&s);
            tests_support::corrupt_everywhere(&img, s.names, s.version, M);
        }
    }

    /// A loop in a System V chain (symbol 1 → 1) ends the walk.
    #[test]
    fn a_sysv_chain_loop_ends() {
        let s = Synth {
            gnu_hash: false,
            ..Synth::x86_64()
        };
        let mut img = build(&s);
        let (chain_off, nchain) = synth::sysv_chain_offset(&img).unwrap();
        for sym in 0..nchain {
            let o = chain_off + 4 * sym;
            img[o..o + 4].copy_from_slice(&(sym as u32).to_le_bytes());
        }
        let image = Image::parse(&img, M).unwrap();
        let _ = image.lookup("__vdso_nothing_here", s.version);
    }

    /// The same loop with `nchain` corrupted to 2^32 - 1: the walk is bounded by the links
    /// the image holds, not by the header's count (a fuzzer-found hang).
    #[test]
    fn a_sysv_chain_loop_with_a_huge_nchain_ends() {
        let s = Synth {
            gnu_hash: false,
            ..Synth::x86_64()
        };
        let mut img = build(&s);
        let (chain_off, nchain) = synth::sysv_chain_offset(&img).unwrap();
        for sym in 0..nchain {
            let o = chain_off + 4 * sym;
            img[o..o + 4].copy_from_slice(&(sym as u32).to_le_bytes());
        }
        let nchain_at = chain_off - 4 * synth::NBUCKETS - 4;
        img[nchain_at..nchain_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let image = Image::parse(&img, M).unwrap();
        // Every link loops to itself: the walk gives up after at most img.len() / 4 steps
        // (before the fix, after 2^32 - 1: minutes).
        assert_eq!(image.lookup("__vdso_nothing_here", s.version), None);
        // The real symbols are still found when the chain is intact.
        let fresh = build(&s);
        let mut fresh_huge = fresh.clone();
        fresh_huge[nchain_at..nchain_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let image = Image::parse(&fresh_huge, M).unwrap();
        assert_eq!(
            image.lookup(s.names[0], s.version),
            Some(synth::code_offset(0))
        );
    }

    /// An image holding a chain of `fillers` version definitions that do not match, then the
    /// definition (index 2, named "V") that symbol 1's version index names; `verdefnum` as
    /// `DT_VERDEFNUM` gave it after the parse-time clamp.
    fn verdef_chain(fillers: usize, verdefnum: usize) -> (Vec<u8>, usize) {
        const VD: usize = size_of::<e::Elf64_Verdef>();
        let (versym, strtab, verdef) = (0, 8, 16);
        let mut b = std::vec![0u8; verdef + (fillers + 1) * VD + size_of::<e::Elf64_Verdaux>()];
        b[versym + 2..versym + 4].copy_from_slice(&2u16.to_le_bytes());
        b[strtab..strtab + 3].copy_from_slice(b"\0V\0");
        let put = |b: &mut Vec<u8>, at: usize, v: &[u8]| b[at..at + v.len()].copy_from_slice(v);
        for i in 0..=fillers {
            let d = verdef + i * VD;
            let last = i == fillers;
            let ndx: u16 = if last { 2 } else { 3 };
            put(
                &mut b,
                d + offset_of!(e::Elf64_Verdef, vd_ndx),
                &ndx.to_le_bytes(),
            );
            let aux = if last { VD as u32 } else { 0 };
            put(
                &mut b,
                d + offset_of!(e::Elf64_Verdef, vd_aux),
                &aux.to_le_bytes(),
            );
            let next = if last { 0 } else { VD as u32 };
            put(
                &mut b,
                d + offset_of!(e::Elf64_Verdef, vd_next),
                &next.to_le_bytes(),
            );
        }
        let aux = verdef + (fillers + 1) * VD + offset_of!(e::Elf64_Verdaux, vda_name);
        put(&mut b, aux, &1u32.to_le_bytes());
        (b, verdefnum)
    }

    fn version_of_symbol_1(bytes: &[u8], verdefnum: usize) -> bool {
        let image = Image {
            bytes,
            load_vaddr: 0,
            load_offset: 0,
            load_filesz: bytes.len() as u64,
            symtab: 0,
            strtab: 8,
            strtab_end: 11,
            hashes: Hashes {
                gnu: None,
                sysv: None,
            },
            versym: Some(0),
            verdef: Some(16),
            verdefnum,
        };
        image.version_is(1, b"V")
    }

    /// The version walk is bounded: by `DT_VERDEFNUM` as clamped to `MAX_VERDEFS` (the 64th
    /// definition is found, the 65th is not, however long the chain and whatever the image
    /// claims), and by the definitions the image holds.
    #[test]
    fn the_version_definition_walk_is_bounded() {
        let (b, n) = verdef_chain(MAX_VERDEFS - 1, MAX_VERDEFS);
        assert!(version_of_symbol_1(&b, n), "the 64th definition is reached");
        let (b, n) = verdef_chain(MAX_VERDEFS, MAX_VERDEFS);
        assert!(!version_of_symbol_1(&b, n), "the 65th is past the bound");
        let (b, n) = verdef_chain(3, 4);
        assert!(version_of_symbol_1(&b, n));
        assert!(
            !version_of_symbol_1(&b, 3),
            "DT_VERDEFNUM bounds the walk too"
        );
        // The image holds 4 definitions from `verdef` on; a count of 64 walks only those.
        let short = &b[..16 + 4 * size_of::<e::Elf64_Verdef>() - 1];
        assert!(!version_of_symbol_1(short, MAX_VERDEFS));
        // Through the parser: a DT_VERDEFNUM of 2^64 - 1 is clamped.
        let s = Synth::x86_64();
        let mut img = build(&s);
        let num = (0..img.len() - 16)
            .step_by(8)
            .find(|&o| {
                img[o..o + 8] == u64::from(e::DT_VERDEFNUM).to_le_bytes()
                    && img[o + 8..o + 16] == 2u64.to_le_bytes()
            })
            .expect("the synthetic image has DT_VERDEFNUM 2");
        img[num + 8..num + 16].copy_from_slice(&u64::MAX.to_le_bytes());
        let image = Image::parse(&img, M).unwrap();
        assert_eq!(image.verdefnum, MAX_VERDEFS);
        assert_eq!(
            image.lookup(s.names[0], s.version),
            Some(synth::code_offset(0))
        );
        assert_eq!(image.lookup(s.names[0], "LINUX_NONE"), None);
    }

    #[test]
    fn the_mapped_extent_is_the_end_of_the_load_segment() {
        let img = build(&Synth::x86_64());
        assert_eq!(mapped_extent(&img), Some(img.len()));
        assert_eq!(mapped_extent(&img[..10]), None);
    }
}
