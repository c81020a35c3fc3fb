//! Just enough ELF64 reading to prove a binary is static and libc-free.

use crate::arch::Arch;

const PT_DYNAMIC: u32 = 2;
const PT_INTERP: u32 = 3;
const DT_NEEDED: u64 = 1;
const ET_EXEC: u16 = 2;

/// What the program headers say.
#[derive(Debug, PartialEq, Eq)]
pub struct Facts {
    pub machine: u16,
    pub e_type: u16,
    pub interp: bool,
    pub needed: usize,
}

fn u16_at(b: &[u8], o: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(o..o + 2)?.try_into().ok()?))
}
fn u32_at(b: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(o..o + 4)?.try_into().ok()?))
}
fn u64_at(b: &[u8], o: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(o..o + 8)?.try_into().ok()?))
}

/// Reads a little-endian ELF64 file's type, machine, PT_INTERP and DT_NEEDED count.
pub fn inspect(b: &[u8]) -> Result<Facts, String> {
    if b.get(..4) != Some(b"\x7fELF") || b.get(4) != Some(&2) || b.get(5) != Some(&1) {
        return Err("not a little-endian ELF64 file".into());
    }
    let bad = || "truncated ELF header".to_string();
    let e_type = u16_at(b, 16).ok_or_else(bad)?;
    let machine = u16_at(b, 18).ok_or_else(bad)?;
    let phoff = u64_at(b, 32).ok_or_else(bad)? as usize;
    let phentsize = u16_at(b, 54).ok_or_else(bad)? as usize;
    let phnum = u16_at(b, 56).ok_or_else(bad)? as usize;
    let mut facts = Facts {
        machine,
        e_type,
        interp: false,
        needed: 0,
    };
    for i in 0..phnum {
        let ph = phoff + i * phentsize;
        let p_type = u32_at(b, ph).ok_or("truncated program header")?;
        if p_type == PT_INTERP {
            facts.interp = true;
        }
        if p_type == PT_DYNAMIC {
            let off = u64_at(b, ph + 8).ok_or("truncated program header")? as usize;
            let size = u64_at(b, ph + 32).ok_or("truncated program header")? as usize;
            for d in (off..off + size).step_by(16) {
                if u64_at(b, d) == Some(DT_NEEDED) {
                    facts.needed += 1;
                }
            }
        }
    }
    Ok(facts)
}

/// A file's bytes part by part, for the size table of `cargo xtask bench`: the ELF header,
/// the program header table, every section that occupies file bytes (not `SHT_NOBITS`), and
/// the section header table, as (name, file offset, bytes).
pub fn sections(b: &[u8]) -> Result<Vec<(String, u64, u64)>, String> {
    const SHT_NOBITS: u32 = 8;
    inspect(b)?;
    let bad = || "truncated ELF header".to_string();
    let phoff = u64_at(b, 32).ok_or_else(bad)?;
    let shoff = u64_at(b, 40).ok_or_else(bad)?;
    let (phentsize, phnum) = (
        u16_at(b, 54).ok_or_else(bad)?,
        u16_at(b, 56).ok_or_else(bad)?,
    );
    let (shentsize, shnum) = (
        u16_at(b, 58).ok_or_else(bad)?,
        u16_at(b, 60).ok_or_else(bad)?,
    );
    let shstrndx = u16_at(b, 62).ok_or_else(bad)? as usize;
    let mut parts = vec![
        (
            "ELF header".to_string(),
            0,
            u64::from(u16_at(b, 52).ok_or_else(bad)?),
        ),
        (
            format!("program headers ({phnum})"),
            phoff,
            u64::from(phentsize) * u64::from(phnum),
        ),
    ];
    let sh = |i: usize| shoff as usize + i * shentsize as usize;
    let strtab = u64_at(b, sh(shstrndx) + 24).ok_or("truncated section header")? as usize;
    for i in 1..shnum as usize {
        let h = sh(i);
        let name_off = u32_at(b, h).ok_or("truncated section header")? as usize;
        let kind = u32_at(b, h + 4).ok_or("truncated section header")?;
        let off = u64_at(b, h + 24).ok_or("truncated section header")?;
        let size = u64_at(b, h + 32).ok_or("truncated section header")?;
        if kind == SHT_NOBITS || size == 0 {
            continue;
        }
        let name = b
            .get(strtab + name_off..)
            .and_then(|t| t.split(|&c| c == 0).next())
            .map_or("?".into(), |n| String::from_utf8_lossy(n).into_owned());
        parts.push((name, off, size));
    }
    parts.push((
        format!("section headers ({shnum})"),
        shoff,
        u64::from(shentsize) * u64::from(shnum),
    ));
    Ok(parts)
}

/// `EM_*` of each arch.
pub fn machine_of(arch: Arch) -> u16 {
    match arch {
        Arch::X86_64 => 62,
        Arch::Aarch64 => 183,
        Arch::Riscv64 => 243,
    }
}

/// `Ok` when the file is a static executable for `arch` with no interpreter and no needed
/// libraries; otherwise what is wrong.
pub fn check_static(arch: Arch, bytes: &[u8]) -> Result<(), String> {
    let f = inspect(bytes)?;
    let mut problems = vec![];
    if f.machine != machine_of(arch) {
        problems.push(format!(
            "e_machine {} (want {})",
            f.machine,
            machine_of(arch)
        ));
    }
    if f.e_type != ET_EXEC {
        problems.push(format!("e_type {} (want ET_EXEC)", f.e_type));
    }
    if f.interp {
        problems.push("has PT_INTERP".into());
    }
    if f.needed > 0 {
        problems.push(format!("{} DT_NEEDED entries", f.needed));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_std_binary_is_dynamic() {
        // The xtask test binary itself links glibc dynamically: the check must say so.
        let me = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let f = inspect(&me).unwrap();
        assert!(f.interp && f.needed > 0, "{f:?}");
        assert!(check_static(Arch::X86_64, &me).is_err());
    }

    #[test]
    fn garbage_is_rejected() {
        assert!(inspect(b"\x7fELF").is_err());
        assert!(inspect(b"#!/bin/sh\n").is_err());
        assert!(inspect(&[]).is_err());
    }
}
