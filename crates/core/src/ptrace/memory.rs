//! The tracee's memory: `PTRACE_PEEKDATA`/`PEEKTEXT`/`POKEDATA`/`POKETEXT`, a word at a
//! time, and Go-shaped byte forms built on them.

use linux_raw_sys::ptrace as p;

use crate::process::Pid;
use crate::{Errno, Result, Sysno, arch, arg};

/// `ptrace(PTRACE_PEEKDATA, pid, addr, &word)` — one machine word of the tracee's memory at
/// `addr`. (The syscall writes the word to `data`; libc's wrapper returns it instead.)
///
/// # Errors
/// `EIO`/`EFAULT` (`addr` not mapped in the tracee), `ESRCH` (not a stopped tracee).
///
/// # References
/// `man 2 ptrace`.
#[doc(alias = "PTRACE_PEEKDATA")]
#[inline]
pub fn peekdata(pid: Pid, addr: usize) -> Result<usize> {
    let mut word = 0usize;
    // SAFETY: the kernel reads the tracee's memory and writes one word to `data`: `word`, a
    // live local.
    let ret = unsafe {
        arch::syscall4(
            Sysno::ptrace,
            p::PTRACE_PEEKDATA as usize,
            arg::raw_fd(pid.raw()),
            addr,
            &raw mut word as usize,
        )
    };
    Errno::decode(ret).map(|_| word)
}

/// `ptrace(PTRACE_PEEKTEXT, pid, addr, &word)` — as [`peekdata`] (Linux has one address
/// space for text and data).
///
/// # Errors
/// As [`peekdata`].
///
/// # References
/// `man 2 ptrace`.
#[doc(alias = "PTRACE_PEEKTEXT")]
#[inline]
pub fn peektext(pid: Pid, addr: usize) -> Result<usize> {
    let mut word = 0usize;
    // SAFETY: as for peekdata: one word written to `word`, a live local.
    let ret = unsafe {
        arch::syscall4(
            Sysno::ptrace,
            p::PTRACE_PEEKTEXT as usize,
            arg::raw_fd(pid.raw()),
            addr,
            &raw mut word as usize,
        )
    };
    Errno::decode(ret).map(|_| word)
}

/// `ptrace(PTRACE_POKEDATA, pid, addr, word)` — writes one word into the tracee's memory at
/// `addr` (even into read-only pages, such as code).
///
/// # Safety
/// The tracee is another process, but it may share memory with the caller: a child created
/// with `CLONE_VM` (as a `vfork`-style spawn does, until it execs) or a `MAP_SHARED` mapping.
/// Then this write lands in the caller's own memory, behind the compiler's back. The caller
/// must make sure `addr` in the tracee is not memory the caller itself uses.
///
/// # Errors
/// `EIO`/`EFAULT` (`addr` not mapped in the tracee), `ESRCH` (not a stopped tracee).
///
/// # References
/// `man 2 ptrace`.
#[doc(alias = "PTRACE_POKEDATA")]
#[inline]
pub unsafe fn pokedata(pid: Pid, addr: usize, word: usize) -> Result<()> {
    // SAFETY: `data` is the value to store (not a pointer); the kernel writes the tracee's
    // memory only, which the caller vouches is not shared with ours.
    let ret = unsafe {
        arch::syscall4(
            Sysno::ptrace,
            p::PTRACE_POKEDATA as usize,
            arg::raw_fd(pid.raw()),
            addr,
            word,
        )
    };
    Errno::decode(ret).map(drop)
}

/// `ptrace(PTRACE_POKETEXT, pid, addr, word)` — as [`pokedata`].
///
/// # Safety
/// As for [`pokedata`].
///
/// # Errors
/// As [`pokedata`].
///
/// # References
/// `man 2 ptrace`.
#[doc(alias = "PTRACE_POKETEXT")]
#[inline]
pub unsafe fn poketext(pid: Pid, addr: usize, word: usize) -> Result<()> {
    // SAFETY: as for pokedata.
    let ret = unsafe {
        arch::syscall4(
            Sysno::ptrace,
            p::PTRACE_POKETEXT as usize,
            arg::raw_fd(pid.raw()),
            addr,
            word,
        )
    };
    Errno::decode(ret).map(drop)
}

const WORD: usize = size_of::<usize>();

/// Reads `out.len()` bytes of the tracee's memory from `addr` (any alignment), a word at a
/// time with `peek`; returns how many bytes were read. An error after the first word ends
/// the read early with the count so far, as a short `read` does.
fn peek_bytes(
    peek: fn(Pid, usize) -> Result<usize>,
    pid: Pid,
    addr: usize,
    out: &mut [u8],
) -> Result<usize> {
    let mut done = 0;
    while done < out.len() {
        let at = addr.wrapping_add(done);
        let skew = at % WORD;
        let word = match peek(pid, at - skew) {
            Ok(w) => w.to_ne_bytes(),
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        };
        let bytes = word.get(skew..).unwrap_or_default();
        let take = bytes.len().min(out.len() - done);
        if let (Some(dst), Some(src)) = (out.get_mut(done..done + take), bytes.get(..take)) {
            dst.copy_from_slice(src);
        }
        done += take;
    }
    Ok(done)
}

/// Writes `data` into the tracee's memory at `addr`, a word at a time, reading the first and
/// last words back first when `data` covers them only in part.
///
/// # Safety
/// As for [`pokedata`].
unsafe fn poke_bytes(
    peek: fn(Pid, usize) -> Result<usize>,
    poke: unsafe fn(Pid, usize, usize) -> Result<()>,
    pid: Pid,
    addr: usize,
    data: &[u8],
) -> Result<usize> {
    let mut done = 0;
    while done < data.len() {
        let at = addr.wrapping_add(done);
        let skew = at % WORD;
        let take = (WORD - skew).min(data.len() - done);
        let mut word = if take == WORD {
            [0u8; WORD]
        } else {
            match peek(pid, at - skew) {
                Ok(w) => w.to_ne_bytes(),
                Err(e) if done == 0 => return Err(e),
                Err(_) => break,
            }
        };
        if let (Some(dst), Some(src)) =
            (word.get_mut(skew..skew + take), data.get(done..done + take))
        {
            dst.copy_from_slice(src);
        }
        // SAFETY: forwarded from the caller.
        match unsafe { poke(pid, at - skew, usize::from_ne_bytes(word)) } {
            Ok(()) => done += take,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(done)
}

/// Reads `out.len()` bytes of the tracee's data at `addr` (any alignment) with
/// `PTRACE_PEEKDATA`, a word at a time; returns how many were read (fewer than asked when an
/// unmapped page ends the range).
///
/// # Errors
/// As [`peekdata`], when not even the first word can be read.
///
/// # References
/// `man 2 ptrace`. Go: `syscall.PtracePeekData`.
#[doc(alias = "PtracePeekData")]
pub fn peek_data(pid: Pid, addr: usize, out: &mut [u8]) -> Result<usize> {
    peek_bytes(peekdata, pid, addr, out)
}

/// As [`peek_data`], with `PTRACE_PEEKTEXT`.
///
/// # Errors
/// As [`peektext`], when not even the first word can be read.
///
/// # References
/// `man 2 ptrace`. Go: `syscall.PtracePeekText`.
#[doc(alias = "PtracePeekText")]
pub fn peek_text(pid: Pid, addr: usize, out: &mut [u8]) -> Result<usize> {
    peek_bytes(peektext, pid, addr, out)
}

/// Writes `data` into the tracee's memory at `addr` (any alignment) with `PTRACE_POKEDATA`, a
/// word at a time, preserving the bytes around a partial first or last word; returns how
/// many bytes were written.
///
/// # Safety
/// As for [`pokedata`].
///
/// # Errors
/// As [`pokedata`], when not even the first word can be written.
///
/// # References
/// `man 2 ptrace`. Go: `syscall.PtracePokeData`.
#[doc(alias = "PtracePokeData")]
pub unsafe fn poke_data(pid: Pid, addr: usize, data: &[u8]) -> Result<usize> {
    // SAFETY: forwarded from the caller.
    unsafe { poke_bytes(peekdata, pokedata, pid, addr, data) }
}

/// As [`poke_data`], with `PTRACE_POKETEXT` (for code: a breakpoint instruction).
///
/// # Safety
/// As for [`pokedata`].
///
/// # Errors
/// As [`poketext`], when not even the first word can be written.
///
/// # References
/// `man 2 ptrace`. Go: `syscall.PtracePokeText`.
#[doc(alias = "PtracePokeText")]
pub unsafe fn poke_text(pid: Pid, addr: usize, data: &[u8]) -> Result<usize> {
    // SAFETY: forwarded from the caller.
    unsafe { poke_bytes(peektext, poketext, pid, addr, data) }
}
