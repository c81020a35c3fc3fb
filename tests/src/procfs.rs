//! Reading facts from /proc for comparison with what the calls report: numbers after a key
//! (`MemTotal:` in /proc/meminfo, `VmLck:` in /proc/self/status), whole small files, and line
//! counts (mappings in /proc/self/maps). Through the raw layer's `read`, so no case depends on
//! the API it is testing for its expected value.

use sysrt::Errno;
use sysrt::fs::{self, Mode, OFlags};

use crate::util::read_some;

/// Reads up to `buf.len()` bytes of `path` from its start.
pub fn read_file<'b>(path: &str, buf: &'b mut [u8]) -> Result<&'b [u8], Errno> {
    let fd = fs::open(path, OFlags::RDONLY, Mode::empty())?;
    let mut len = 0;
    while len < buf.len() {
        let n = read_some(&fd, &mut buf[len..])?.len();
        if n == 0 {
            break;
        }
        len += n;
    }
    Ok(&buf[..len])
}

/// The first number after `key` (such as `"MemTotal:"`) at the start of a line of `path`.
pub fn field(path: &str, key: &str) -> Option<u64> {
    let mut buf = [0u8; 8192];
    let text = read_file(path, &mut buf).ok()?;
    text.split(|&b| b == b'\n').find_map(|line| {
        let rest = line.strip_prefix(key.as_bytes())?;
        let digits = rest
            .iter()
            .skip_while(|b| b.is_ascii_whitespace())
            .take_while(|b| b.is_ascii_digit());
        let mut n: u64 = 0;
        let mut any = false;
        for &d in digits {
            n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
            any = true;
        }
        any.then_some(n)
    })
}

/// How many lines `path` has (read in chunks; any length).
pub fn line_count(path: &str) -> Result<usize, Errno> {
    let fd = fs::open(path, OFlags::RDONLY, Mode::empty())?;
    let mut buf = [0u8; 4096];
    let mut lines = 0;
    loop {
        let chunk = read_some(&fd, &mut buf)?;
        if chunk.is_empty() {
            return Ok(lines);
        }
        lines += chunk.iter().filter(|&&b| b == b'\n').count();
    }
}

/// The text of a small file without its final newline (up to 128 bytes), as a [`crate::util::Text`].
pub fn text_of_file(path: &str) -> Result<crate::util::Text, Errno> {
    let mut buf = [0u8; 128];
    let t = read_file(path, &mut buf)?;
    Ok(crate::util::text_of(t.strip_suffix(b"\n").unwrap_or(t)))
}

/// The bytes of every mapping listed in /proc/self/maps (QEMU emulates the file for its
/// guests, listing only the guest's mappings).
pub fn mapped_bytes() -> Result<usize, Errno> {
    let fd = fs::open("/proc/self/maps", OFlags::RDONLY, Mode::empty())?;
    let mut buf = [0u8; 4096];
    let (mut total, mut at_line_start, mut range) = (0usize, true, [0usize; 2]);
    let mut which: Option<usize> = None;
    loop {
        let chunk = read_some(&fd, &mut buf)?;
        if chunk.is_empty() {
            return Ok(total);
        }
        // Each line starts with `start-end ` in hex.
        for &b in chunk {
            if at_line_start {
                which = Some(0);
                range = [0, 0];
                at_line_start = false;
            }
            match (which, b) {
                (_, b'\n') => at_line_start = true,
                (Some(0), b'-') => which = Some(1),
                (Some(1), b' ') => {
                    total += range[1].saturating_sub(range[0]);
                    which = None;
                }
                (Some(i), _) => {
                    let d = (b as char).to_digit(16).unwrap_or(0) as usize;
                    range[i] = range[i].wrapping_mul(16).wrapping_add(d);
                }
                (None, _) => {}
            }
        }
    }
}
