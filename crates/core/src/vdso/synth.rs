//! Small synthetic vDSO images for tests: an ELF header, a `PT_LOAD` and a `PT_DYNAMIC`, a
//! dynamic symbol table with version information, and a GNU and/or System V hash table, laid
//! out as the kernel's vDSO linker scripts lay theirs out.
//!
//! Used by sysrt's host unit tests and, through `#[path]`, by the libc-free test programs
//! (where it runs on every arch, also under QEMU, which maps no vDSO to parse). No allocation:
//! the image is written into a caller's buffer.

use core::mem::{offset_of, size_of};

use linux_raw_sys::elf_uapi as e;

/// The largest image [`build`] writes.
pub const MAX_SIZE: usize = 4096;
/// At most this many symbols.
pub const MAX_NAMES: usize = 16;
/// Where the "code" of the symbols starts (16 bytes each).
const CODE: usize = 0xc00;
/// The buckets of each hash table: 3, so that names spread over several chains.
pub const NBUCKETS: usize = 3;
/// The file's base version name (the first `Elf64_Verdef`, flagged `VER_FLG_BASE`).
const BASE_NAME: &str = "linux-vdso.so.1";

/// What to build.
#[derive(Copy, Clone, Debug)]
pub struct Synth<'a> {
    /// `e_machine`.
    pub machine: u16,
    /// The functions the image defines, in this order of code offsets.
    pub names: &'a [&'a str],
    /// The version they are defined under.
    pub version: &'a str,
    /// Whether to emit `DT_GNU_HASH`.
    pub gnu_hash: bool,
    /// Whether to emit `DT_HASH`.
    pub sysv_hash: bool,
    /// Whether to emit `DT_VERSYM`/`DT_VERDEF`.
    pub versions: bool,
    /// Added to every link-time address (`p_vaddr`, `d_ptr`, `st_value`).
    pub vaddr_bias: u64,
}

/// The x86_64 names, for host tests.
pub const X86_64_NAMES: [&str; 6] = [
    "__vdso_clock_gettime",
    "__vdso_clock_getres",
    "__vdso_gettimeofday",
    "__vdso_time",
    "__vdso_getcpu",
    "__vdso_getrandom",
];

impl Synth<'static> {
    /// An x86_64-shaped image with both hash tables and versions.
    pub const fn x86_64() -> Synth<'static> {
        Synth {
            machine: e::EM_X86_64 as u16,
            names: &X86_64_NAMES,
            version: "LINUX_2.6",
            gnu_hash: true,
            sysv_hash: true,
            versions: true,
            vaddr_bias: 0,
        }
    }
}

/// The offset of the code of `names[i]` in a built image.
pub const fn code_offset(i: usize) -> usize {
    CODE + 16 * i
}

/// Where the System V chain array starts and how many links it has, read back from a built
/// image (for tests that corrupt it).
pub fn sysv_chain_offset(img: &[u8]) -> Option<(usize, usize)> {
    let l = Layout::of(&Synth::x86_64());
    let nchain = u32::from_le_bytes(img.get(l.sysv + 4..l.sysv + 8)?.try_into().ok()?) as usize;
    Some((l.sysv + 8 + 4 * NBUCKETS, nchain))
}

/// Offsets of every part. The same for every `Synth` with the same number of names, so that
/// every table has a fixed place whether or not it is emitted.
struct Layout {
    phdrs: usize,
    dynsym: usize,
    nsyms: usize,
    dynstr: usize,
    versym: usize,
    verdef: usize,
    gnu: usize,
    sysv: usize,
    dynamic: usize,
    end: usize,
}

const EHDR: usize = size_of::<e::Elf64_Ehdr>();
const PHDR: usize = size_of::<e::Elf64_Phdr>();
const SYM: usize = size_of::<e::Elf64_Sym>();
const DYN: usize = size_of::<e::Elf64_Dyn>();
const VERDEF: usize = size_of::<e::Elf64_Verdef>();
const VERDAUX: usize = size_of::<e::Elf64_Verdaux>();

const fn align8(x: usize) -> usize {
    (x + 7) & !7
}

impl Layout {
    fn of(s: &Synth<'_>) -> Layout {
        let nsyms = s.names.len() + 1; // symbol 0 is the null symbol
        let phdrs = EHDR;
        let dynsym = align8(phdrs + 2 * PHDR);
        let dynstr = dynsym + nsyms * SYM;
        // Room for every name, the version and the base name, each with its NUL.
        let strings = 1 + MAX_NAMES * 48 + 64;
        let versym = align8(dynstr + strings);
        let verdef = align8(versym + 2 * nsyms);
        let gnu = align8(verdef + 2 * (VERDEF + VERDAUX));
        let sysv = align8(gnu + 16 + 8 + 4 * NBUCKETS + 4 * nsyms);
        let dynamic = align8(sysv + 8 + 4 * NBUCKETS + 4 * nsyms);
        let end = code_offset(MAX_NAMES);
        Layout {
            phdrs,
            dynsym,
            nsyms,
            dynstr,
            versym,
            verdef,
            gnu,
            sysv,
            dynamic,
            end,
        }
    }
}

fn put(buf: &mut [u8], off: usize, bytes: &[u8]) -> Option<()> {
    buf.get_mut(off..off.checked_add(bytes.len())?)?
        .copy_from_slice(bytes);
    Some(())
}
fn put16(buf: &mut [u8], off: usize, v: u16) -> Option<()> {
    put(buf, off, &v.to_le_bytes())
}
fn put32(buf: &mut [u8], off: usize, v: u32) -> Option<()> {
    put(buf, off, &v.to_le_bytes())
}
fn put64(buf: &mut [u8], off: usize, v: u64) -> Option<()> {
    put(buf, off, &v.to_le_bytes())
}

/// Writes the image into `buf` (zeroed first); returns its length, or `None` if `buf` is
/// smaller than [`MAX_SIZE`] or there are more than [`MAX_NAMES`] names or a name is over 46
/// bytes long.
pub fn build(s: &Synth<'_>, buf: &mut [u8]) -> Option<usize> {
    if buf.len() < MAX_SIZE
        || s.names.len() > MAX_NAMES
        || s.names.iter().any(|n| n.len() > 46)
        || s.version.len() > 30
    {
        return None;
    }
    let l = Layout::of(s);
    buf.get_mut(..MAX_SIZE)?.fill(0);
    let va = |off: usize| s.vaddr_bias.wrapping_add(off as u64);

    // ELF header.
    let mut ident = [0u8; 16];
    ident[..4].copy_from_slice(&e::ELFMAG[..4]);
    ident[e::EI_CLASS as usize] = e::ELFCLASS64 as u8;
    ident[e::EI_DATA as usize] = e::ELFDATA2LSB as u8;
    ident[e::EI_VERSION as usize] = 1;
    put(buf, offset_of!(e::Elf64_Ehdr, e_ident), &ident)?;
    put16(buf, offset_of!(e::Elf64_Ehdr, e_type), e::ET_DYN as u16)?;
    put16(buf, offset_of!(e::Elf64_Ehdr, e_machine), s.machine)?;
    put32(buf, offset_of!(e::Elf64_Ehdr, e_version), 1)?;
    put64(buf, offset_of!(e::Elf64_Ehdr, e_phoff), l.phdrs as u64)?;
    put16(buf, offset_of!(e::Elf64_Ehdr, e_ehsize), EHDR as u16)?;
    put16(buf, offset_of!(e::Elf64_Ehdr, e_phentsize), PHDR as u16)?;
    put16(buf, offset_of!(e::Elf64_Ehdr, e_phnum), 2)?;

    // PT_LOAD over the whole image, PT_DYNAMIC over the dynamic section.
    let dyn_count = 11;
    for (i, (p_type, off, size)) in [
        (e::PT_LOAD, 0, l.end),
        (e::PT_DYNAMIC, l.dynamic, dyn_count * DYN),
    ]
    .into_iter()
    .enumerate()
    {
        let ph = l.phdrs + i * PHDR;
        put32(buf, ph + offset_of!(e::Elf64_Phdr, p_type), p_type)?;
        put32(
            buf,
            ph + offset_of!(e::Elf64_Phdr, p_flags),
            e::PF_R | e::PF_X,
        )?;
        put64(buf, ph + offset_of!(e::Elf64_Phdr, p_offset), off as u64)?;
        put64(buf, ph + offset_of!(e::Elf64_Phdr, p_vaddr), va(off))?;
        put64(buf, ph + offset_of!(e::Elf64_Phdr, p_paddr), va(off))?;
        put64(buf, ph + offset_of!(e::Elf64_Phdr, p_filesz), size as u64)?;
        put64(buf, ph + offset_of!(e::Elf64_Phdr, p_memsz), size as u64)?;
        put64(buf, ph + offset_of!(e::Elf64_Phdr, p_align), 8)?;
    }

    // Strings: "\0", the names, the version, the base name.
    let mut str_at = 1;
    let mut name_off = [0usize; MAX_NAMES];
    for (i, n) in s.names.iter().enumerate() {
        name_off[i] = str_at;
        put(buf, l.dynstr + str_at, n.as_bytes())?;
        str_at += n.len() + 1;
    }
    let version_off = str_at;
    put(buf, l.dynstr + str_at, s.version.as_bytes())?;
    str_at += s.version.len() + 1;
    let base_off = str_at;
    put(buf, l.dynstr + str_at, BASE_NAME.as_bytes())?;
    str_at += BASE_NAME.len() + 1;
    let strsz = str_at;

    // Symbols, ordered by GNU bucket as the GNU hash table requires: `order[k]` is the name
    // index of symbol k + 1.
    let mut order = [0usize; MAX_NAMES];
    let mut k = 0;
    for bucket in 0..NBUCKETS {
        for (i, n) in s.names.iter().enumerate() {
            if gnu_hash(n.as_bytes()) as usize % NBUCKETS == bucket {
                order[k] = i;
                k += 1;
            }
        }
    }
    for (k, &i) in order[..s.names.len()].iter().enumerate() {
        let sym = l.dynsym + (k + 1) * SYM;
        put32(
            buf,
            sym + offset_of!(e::Elf64_Sym, st_name),
            name_off[i] as u32,
        )?;
        let info = ((e::STB_GLOBAL << 4) | e::STT_FUNC) as u8;
        put(buf, sym + offset_of!(e::Elf64_Sym, st_info), &[info])?;
        put16(buf, sym + offset_of!(e::Elf64_Sym, st_shndx), 9)?; // .text's index, say
        put64(
            buf,
            sym + offset_of!(e::Elf64_Sym, st_value),
            va(code_offset(i)),
        )?;
        put64(buf, sym + offset_of!(e::Elf64_Sym, st_size), 16)?;
        put(buf, code_offset(i), &[0xcc; 16])?;
        // Every defined symbol has version index 2 (the non-base definition).
        put16(buf, l.versym + 2 * (k + 1), 2)?;
    }

    // Version definitions: the base (index 1), then the version (index 2).
    for (j, (flags, ndx, name)) in [(e::VER_FLG_BASE, 1u16, base_off), (0, 2, version_off)]
        .into_iter()
        .enumerate()
    {
        let d = l.verdef + j * (VERDEF + VERDAUX);
        put16(buf, d + offset_of!(e::Elf64_Verdef, vd_version), 1)?;
        put16(buf, d + offset_of!(e::Elf64_Verdef, vd_flags), flags as u16)?;
        put16(buf, d + offset_of!(e::Elf64_Verdef, vd_ndx), ndx)?;
        put16(buf, d + offset_of!(e::Elf64_Verdef, vd_cnt), 1)?;
        put32(buf, d + offset_of!(e::Elf64_Verdef, vd_aux), VERDEF as u32)?;
        let next = if j == 0 { VERDEF + VERDAUX } else { 0 };
        put32(buf, d + offset_of!(e::Elf64_Verdef, vd_next), next as u32)?;
        put32(
            buf,
            d + VERDEF + offset_of!(e::Elf64_Verdaux, vda_name),
            name as u32,
        )?;
    }

    // GNU hash: one 64-bit bloom word with every bit set (the filter never excludes).
    put32(buf, l.gnu, NBUCKETS as u32)?;
    put32(buf, l.gnu + 4, 1)?; // symoffset: symbol 0 is not hashed
    put32(buf, l.gnu + 8, 1)?; // bloom_size
    put32(buf, l.gnu + 12, 6)?; // bloom_shift
    put64(buf, l.gnu + 16, u64::MAX)?;
    let buckets = l.gnu + 24;
    let chains = buckets + 4 * NBUCKETS;
    for (k, &i) in order[..s.names.len()].iter().enumerate() {
        let h = gnu_hash(s.names[i].as_bytes());
        let bucket = h as usize % NBUCKETS;
        let first = buckets + 4 * bucket;
        if buf[first..first + 4] == [0; 4] {
            put32(buf, first, (k + 1) as u32)?;
        }
        let last = order[..s.names.len()]
            .get(k + 1)
            .is_none_or(|&j| gnu_hash(s.names[j].as_bytes()) as usize % NBUCKETS != bucket);
        put32(buf, chains + 4 * k, (h & !1) | u32::from(last))?;
    }

    // System V hash.
    put32(buf, l.sysv, NBUCKETS as u32)?;
    put32(buf, l.sysv + 4, l.nsyms as u32)?;
    let sbuckets = l.sysv + 8;
    let schains = sbuckets + 4 * NBUCKETS;
    for (k, &i) in order[..s.names.len()].iter().enumerate() {
        let sym = (k + 1) as u32;
        let bucket = sysv_hash(s.names[i].as_bytes()) as usize % NBUCKETS;
        let head = u32::from_le_bytes(buf[sbuckets + 4 * bucket..][..4].try_into().ok()?);
        put32(buf, schains + 4 * (k + 1), head)?;
        put32(buf, sbuckets + 4 * bucket, sym)?;
    }

    // The dynamic section.
    let mut d = l.dynamic;
    let mut entry = |tag: u32, val: u64| -> Option<()> {
        put64(buf, d + offset_of!(e::Elf64_Dyn, d_tag), u64::from(tag))?;
        put64(buf, d + offset_of!(e::Elf64_Dyn, d_un), val)?;
        d += DYN;
        Some(())
    };
    entry(e::DT_SYMTAB, va(l.dynsym))?;
    entry(e::DT_STRTAB, va(l.dynstr))?;
    entry(e::DT_STRSZ, strsz as u64)?;
    entry(e::DT_SYMENT, SYM as u64)?;
    if s.gnu_hash {
        entry(e::DT_GNU_HASH, va(l.gnu))?;
    }
    if s.sysv_hash {
        entry(e::DT_HASH, va(l.sysv))?;
    }
    if s.versions {
        entry(e::DT_VERSYM, va(l.versym))?;
        entry(e::DT_VERDEF, va(l.verdef))?;
        entry(e::DT_VERDEFNUM, 2)?;
    }
    entry(e::DT_NULL, 0)?;
    Some(l.end)
}

/// The GNU hash (the parser's own is tested against published values; this copy keeps the
/// builder independent of the code it tests).
fn gnu_hash(name: &[u8]) -> u32 {
    let mut h: u32 = 5381;
    for &c in name {
        h = (h << 5).wrapping_add(h).wrapping_add(u32::from(c));
    }
    h
}

/// The System V hash, written independently of the parser's.
fn sysv_hash(name: &[u8]) -> u32 {
    let mut h: u32 = 0;
    for &c in name {
        h = (h << 4).wrapping_add(u32::from(c));
        let g = h & 0xf000_0000;
        if g != 0 {
            h ^= g >> 24;
        }
        h &= !g;
    }
    h
}
