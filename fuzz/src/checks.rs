//! The invariants of every parser of kernel-provided bytes, one function per fuzz target.
//!
//! Each `check` takes arbitrary bytes, runs one of sysrt's parsers on them (the same function
//! the syscall wrappers call), and returns `Err` naming the first invariant that failed. A
//! parser that panics fails too (the fuzzer reports the panic; the replay program dies without
//! its total line, which xtask counts as a failure).
//!
//! Shared, as source, by the cargo-fuzz targets (`fuzz/fuzz_targets/*.rs`, through this
//! crate) and by the corpus replay program `tests/src/bin/fuzz_replay.rs` (through a `#[path]`
//! module), which runs every committed corpus file through the same checks on every arch,
//! under QEMU and on the kernel guests. So: `core` and `sysrt` only, no allocation, no std.

use core::ffi::CStr;
use core::mem::{offset_of, size_of};

use sysrt::auxv;
use sysrt::fs::{InotifyEvents, XattrNames, parse_dirent};
use sysrt::net::netlink::{self, IfAddrMsg, IfInfoMsg};
use sysrt::net::{
    SockAddr, next_rights_slot, parse_socket_control_message, parse_unix_credentials,
    parse_unix_rights,
};
use sysrt::path::{Arg, PATH_MAX};
use sysrt::signal::SignalfdSiginfo;
use sysrt::vdso::{Image, mapped_extent};
use sysrt::{Errno, Result as SysResult};

/// What a check reports: `Err` with the broken invariant.
pub type Outcome = core::result::Result<(), &'static str>;

/// One fuzz target: its name (the file `fuzz/fuzz_targets/<name>.rs`, the corpus directory
/// `fuzz/corpus/<name>/`) and its check.
pub struct Target {
    /// The target's name.
    pub name: &'static str,
    /// The check.
    pub check: fn(&[u8]) -> Outcome,
}

/// Every target, in the order `cargo xtask fuzz` runs them.
pub const TARGETS: &[Target] = &[
    Target {
        name: "dirent",
        check: dirent,
    },
    Target {
        name: "inotify",
        check: inotify,
    },
    Target {
        name: "xattr_names",
        check: xattr_names,
    },
    Target {
        name: "sockaddr",
        check: sockaddr,
    },
    Target {
        name: "cmsg",
        check: cmsg,
    },
    Target {
        name: "netlink",
        check: netlink,
    },
    Target {
        name: "signalfd",
        check: signalfd,
    },
    Target {
        name: "auxv",
        check: auxv,
    },
    Target {
        name: "initial_stack",
        check: initial_stack,
    },
    Target {
        name: "vdso",
        check: vdso,
    },
    Target {
        name: "path",
        check: path,
    },
    Target {
        name: "waitid",
        check: waitid,
    },
    Target {
        name: "env",
        check: env,
    },
    Target {
        name: "flags",
        check: flags,
    },
];

/// `Err(what)` unless `ok`.
fn ensure(ok: bool, what: &'static str) -> Outcome {
    if ok { Ok(()) } else { Err(what) }
}

/// The byte offset of `inner` in `outer`, if `inner` lies entirely inside it.
fn offset_in(outer: &[u8], inner: &[u8]) -> Option<usize> {
    let start = (inner.as_ptr() as usize).checked_sub(outer.as_ptr() as usize)?;
    (start.checked_add(inner.len())? <= outer.len()).then_some(start)
}

/// The offset of a C string's bytes *and its NUL* in `outer`.
fn c_str_in(outer: &[u8], s: &CStr) -> Option<usize> {
    offset_in(outer, s.to_bytes_with_nul())
}

/// `true` when an iterator of results ends right after its first `Err`.
fn fused_after_err<T>(mut it: impl Iterator<Item = SysResult<T>>) -> bool {
    while let Some(r) = it.next() {
        if r.is_err() {
            return it.next().is_none();
        }
    }
    it.next().is_none()
}

/// Room for the unaligned copy the dirent and cmsg checks make.
const COPY_MAX: usize = 8192;

/// `getdents64` records (`fs::parse_dirent`, the parser under `RawDir`/`ReadDir`): every entry
/// and its NUL lie inside the buffer, after the previous one, with no NUL in the name and the
/// header fields at the record's start; at most one error, last; the same entries from the
/// same bytes at another alignment (a dirent buffer need not be 8-aligned).
pub fn dirent(data: &[u8]) -> Outcome {
    const D_NAME: usize = offset_of!(linux_raw_sys::general::linux_dirent64, d_name);
    let mut end = 0;
    let mut count = 0usize;
    for e in parse_dirent(data) {
        let Ok(e) = e else { break };
        count += 1;
        let at = c_str_in(data, e.name()).ok_or("name outside the buffer")?;
        ensure(!e.name().is_empty(), "empty name")?;
        ensure(!e.name().to_bytes().contains(&0), "NUL inside a name")?;
        ensure(at >= end + D_NAME, "record overlaps the previous one")?;
        let start = at - D_NAME;
        let ino = data
            .get(start..start + 8)
            .ok_or("header outside the buffer")?;
        ensure(
            ino == e.ino().to_ne_bytes(),
            "d_ino is not the record's first word",
        )?;
        end = at + e.name().to_bytes_with_nul().len();
    }
    ensure(
        count <= data.len() / (D_NAME + 2),
        "more entries than bytes allow",
    )?;
    ensure(
        fused_after_err(parse_dirent(data)),
        "entries after an error",
    )?;
    // The same bytes one byte off 8-alignment parse to the same entries.
    if data.len() < COPY_MAX {
        let mut copy = [0u8; COPY_MAX + 8];
        let skew = 9 - (copy.as_ptr() as usize % 8);
        let moved = &mut copy[skew..skew + data.len()];
        moved.copy_from_slice(data);
        let moved = &*moved;
        let mut a = parse_dirent(data);
        let mut b = parse_dirent(moved);
        loop {
            match (a.next(), b.next()) {
                (None, None) => break,
                (Some(Ok(x)), Some(Ok(y))) => ensure(
                    x.name() == y.name()
                        && (x.ino(), x.offset(), x.file_type())
                            == (y.ino(), y.offset(), y.file_type()),
                    "an unaligned copy parses differently",
                )?,
                (Some(Err(x)), Some(Err(y))) => {
                    ensure(x == y, "an unaligned copy fails differently")?
                }
                _ => return Err("an unaligned copy has a different number of entries"),
            }
        }
    }
    Ok(())
}

/// `inotify_event` records: every name and its NUL inside the buffer, no NUL in a name, no
/// empty name (`None` instead), at least 16 bytes per event, nothing after an error.
pub fn inotify(data: &[u8]) -> Outcome {
    const EVENT: usize = size_of::<linux_raw_sys::general::inotify_event>();
    let mut count = 0usize;
    let mut end = 0;
    for ev in InotifyEvents::new(data) {
        let Ok(ev) = ev else { break };
        count += 1;
        if let Some(name) = ev.name {
            let at = c_str_in(data, name).ok_or("name outside the buffer")?;
            ensure(at >= end + EVENT, "event overlaps the previous one")?;
            ensure(!name.is_empty(), "an empty name is not None")?;
            end = at + name.to_bytes_with_nul().len();
        }
    }
    ensure(count <= data.len() / EVENT, "more events than bytes allow")?;
    ensure(
        fused_after_err(InotifyEvents::new(data)),
        "events after an error",
    )
}

/// An xattr name list: every name and its NUL inside the list, in order, not overlapping, not
/// empty, no NUL inside.
pub fn xattr_names(data: &[u8]) -> Outcome {
    let mut end = 0;
    for name in XattrNames::new(data) {
        let at = c_str_in(data, name).ok_or("name outside the list")?;
        ensure(at >= end, "names overlap or go backwards")?;
        ensure(!name.is_empty(), "empty name")?;
        ensure(!name.to_bytes().contains(&0), "NUL inside a name")?;
        end = at + name.to_bytes_with_nul().len();
    }
    Ok(())
}

/// Socket addresses. The first byte is the kernel's reported length (0–255, so lengths past the
/// 128-byte storage and past the bytes there are occur); the rest are the bytes. A decoded
/// address re-encodes to bytes that decode to the same address and re-encode to the very same
/// bytes; the encoding keeps the family and, for a family sysrt does not model, every byte.
pub fn sockaddr(data: &[u8]) -> Outcome {
    let Some((&len, bytes)) = data.split_first() else {
        return Ok(());
    };
    let len = usize::from(len);
    let Ok(a) = SockAddr::parse(bytes, len) else {
        // EINVAL only when there are too few bytes for a family or for what it needs.
        return Ok(());
    };
    let used = bytes.get(..len).unwrap_or(bytes);
    ensure(used.len() >= 2, "decoded without a family")?;
    let enc = a.to_storage();
    ensure(enc.as_bytes().len() >= 2, "encoded without a family")?;
    ensure(enc.as_bytes()[..2] == used[..2], "family changed")?;
    let b = enc.decode().map_err(|_| "the encoding does not decode")?;
    ensure(a == b, "decode(encode(a)) != a")?;
    ensure(
        b.to_storage().as_bytes() == enc.as_bytes(),
        "encoding is not stable",
    )?;
    if let SockAddr::Unknown(u) = &a {
        let n = used.len().min(128);
        ensure(u.as_bytes() == &used[..n], "an unknown family lost bytes")?;
        ensure(
            enc.as_bytes() == &used[..n],
            "an unknown family re-encodes differently",
        )?;
    }
    Ok(())
}

/// `msg_control` buffers: every message's data lies inside the buffer after its header; an
/// `SCM_RIGHTS` walk yields exactly the 4-byte numbers of the message's data; the slots
/// `RecvCmsgs::take_fds` and its `Drop` take are numbers inside such messages, each taken once,
/// and the walk ends (simulated on a copy: no descriptor is touched).
pub fn cmsg(data: &[u8]) -> Outcome {
    let hdr = size_of::<linux_raw_sys::net::cmsghdr>();
    let mut count = 0usize;
    for m in parse_socket_control_message(data) {
        let Ok(m) = m else { break };
        count += 1;
        let at = offset_in(data, m.data).ok_or("data outside the buffer")?;
        ensure(at >= hdr, "data overlaps its header")?;
        if let Ok(fds) = parse_unix_rights(&m) {
            let mut n = 0;
            for (i, fd) in fds.enumerate() {
                let b = &m.data[4 * i..4 * i + 4];
                ensure(fd.to_ne_bytes() == b, "an fd that is not in the bytes")?;
                n += 1;
            }
            ensure(n == m.data.len() / 4, "rights count")?;
        } else {
            ensure(!m.is_rights(), "rights message not parsed")?;
        }
        if let Ok(c) = parse_unix_credentials(&m) {
            ensure(
                m.is_credentials() && m.data.len() >= 12,
                "credentials from too few bytes",
            )?;
            let _ = c;
        }
    }
    ensure(count <= data.len() / hdr, "more messages than bytes allow")?;
    ensure(
        fused_after_err(parse_socket_control_message(data)),
        "messages after an error",
    )?;
    // The taking walk, as `Drop for RecvCmsgs` runs it, on a copy.
    if data.len() < COPY_MAX {
        let mut copy = [0u8; COPY_MAX];
        let buf = &mut copy[..data.len()];
        buf.copy_from_slice(data);
        let mut taken = 0;
        while let Some(slot) = next_rights_slot(buf, 0) {
            let num = buf.get(slot..slot + 4).ok_or("slot outside the buffer")?;
            ensure(num != (-1i32).to_ne_bytes(), "a taken slot again")?;
            ensure(num == &data[slot..slot + 4], "a slot whose bytes changed")?;
            ensure(
                in_rights_data(data, slot),
                "a slot outside every SCM_RIGHTS message",
            )?;
            buf[slot..slot + 4].copy_from_slice(&(-1i32).to_ne_bytes());
            taken += 1;
            ensure(taken <= data.len() / 4, "the taking walk does not end")?;
        }
    }
    Ok(())
}

/// Whether the 4 bytes at `slot` are a whole number inside an `SCM_RIGHTS` message's data.
fn in_rights_data(data: &[u8], slot: usize) -> bool {
    parse_socket_control_message(data)
        .map_while(SysResult::ok)
        .filter(|m| m.is_rights())
        .any(|m| {
            offset_in(data, m.data).is_some_and(|at| {
                slot >= at && slot + 4 <= at + m.data.len() / 4 * 4 && (slot - at).is_multiple_of(4)
            })
        })
}

/// Netlink messages and route attributes: every message's and attribute's data inside the
/// buffer, at most one error, last; the fixed headers decode from what is there.
pub fn netlink(data: &[u8]) -> Outcome {
    for m in netlink::parse_netlink_message(data) {
        let Ok(m) = m else { break };
        offset_in(data, m.data).ok_or("message data outside the buffer")?;
        ensure(
            m.data.len() + size_of::<linux_raw_sys::netlink::nlmsghdr>() <= m.header.len as usize,
            "data longer than nlmsg_len",
        )?;
        if m.error().is_ok() {
            ensure(
                m.data.get(..4) == Some(&[0; 4][..]),
                "an ack that is not error 0",
            )?;
        }
        let _ = IfInfoMsg::parse(m.data);
        let _ = IfAddrMsg::parse(m.data);
        if let Ok(attrs) = netlink::parse_netlink_route_attr(&m) {
            for a in attrs.clone() {
                let Ok(a) = a else { break };
                offset_in(m.data, a.value).ok_or("attribute outside its message")?;
                let s = a.as_c_str_bytes();
                ensure(!s.contains(&0), "NUL in a C-string attribute")?;
                ensure(
                    a.as_u32().is_some() == (a.value.len() == 4),
                    "as_u32 length",
                )?;
            }
            ensure(fused_after_err(attrs), "attributes after an error")?;
        }
    }
    ensure(
        fused_after_err(netlink::parse_netlink_message(data)),
        "messages after an error",
    )
}

/// `signalfd_siginfo` records: one record per whole 128 bytes, the fields at the kernel's
/// offsets, one `EINVAL` for a trailing partial record.
pub fn signalfd(data: &[u8]) -> Outcome {
    let size = SignalfdSiginfo::SIZE;
    ensure(size == 128, "record size")?;
    let mut n = 0;
    for (i, r) in SignalfdSiginfo::iter(data).enumerate() {
        let chunk = &data[i * size..data.len().min((i + 1) * size)];
        match r {
            Ok(s) => {
                ensure(chunk.len() == size, "a record from a partial chunk")?;
                ensure(s.signo.to_ne_bytes() == chunk[..4], "ssi_signo")?;
                ensure(s.pid.to_ne_bytes() == chunk[12..16], "ssi_pid")?;
                // `struct signalfd_siginfo` (linux/signalfd.h; linux-raw-sys lacks it):
                // ssi_signo at 0, ssi_pid at 12, ssi_ptr at 48, ssi_arch at 96.
                ensure(s.ptr.to_ne_bytes() == chunk[48..56], "ssi_ptr")?;
                ensure(s.arch.to_ne_bytes() == chunk[96..100], "ssi_arch")?;
                let _ = s.signal();
            }
            Err(e) => ensure(
                chunk.len() != size && e == Errno::EINVAL,
                "a whole record failed",
            )?,
        }
        n += 1;
    }
    ensure(n == data.len().div_ceil(size), "record count")
}

/// Auxiliary vectors in byte form (`/proc/PID/auxv`): each pair is the two words at its place,
/// no key is `AT_NULL`, and the walk ends at `AT_NULL` or at the last whole pair.
pub fn auxv(data: &[u8]) -> Outcome {
    const W: usize = size_of::<usize>();
    let word = |i: usize| {
        data.get(i * W..(i + 1) * W)
            .map(|b| usize::from_ne_bytes(b.try_into().unwrap()))
    };
    let mut n = 0;
    for (k, v) in auxv::parse(data) {
        ensure(k != 0, "an AT_NULL key")?;
        ensure(
            word(2 * n) == Some(k) && word(2 * n + 1) == Some(v),
            "a pair not at its place",
        )?;
        n += 1;
    }
    // Ended: at an AT_NULL key, or with no whole pair left.
    ensure(
        word(2 * n) == Some(0) || word(2 * n + 1).is_none(),
        "the walk ended early",
    )
}

/// Initial stacks (`sysrt_rt::start::stack_layout`, the runtime's own walk) as native words:
/// the parts lie inside the words, in order, envp's NULL just before auxv and no NULL inside
/// envp; then the auxv that follows parses as [`auxv`] says.
pub fn initial_stack(data: &[u8]) -> Outcome {
    const W: usize = size_of::<usize>();
    let words = data.len() / W;
    let word = |i: usize| {
        let start = i.checked_mul(W)?;
        data.get(start..start.checked_add(W)?)
            .map(|b| usize::from_ne_bytes(b.try_into().unwrap()))
    };
    let mut reads = 0usize;
    let layout = sysrt_rt::start::stack_layout(|i| {
        reads += 1;
        word(i)
    });
    ensure(reads <= words + 1, "read a word more than once")?;
    let Some(l) = layout else { return Ok(()) };
    ensure(word(0) == Some(l.argc) && l.argv == 1, "argc/argv")?;
    ensure(l.envp == l.argc + 2, "envp is not past argv's NULL")?;
    ensure(l.auxv > l.envp && l.auxv <= words, "auxv outside the stack")?;
    ensure(
        word(l.auxv - 1) == Some(0),
        "auxv does not follow envp's NULL",
    )?;
    ensure(
        (l.envp..l.auxv - 1).all(|i| word(i).is_some_and(|w| w != 0)),
        "NULL inside envp",
    )?;
    auxv(&data[l.auxv * W..words * W])
}

/// vDSO images: parsing with each supported arch's machine never panics; every lookup of
/// every name sysrt resolves (and of one under a version that does not exist) is `None` or an
/// offset inside the image; `mapped_extent` is `None` or the end of a segment the header
/// names (checked to be computable, not bounded: the header may claim anything).
pub fn vdso(data: &[u8]) -> Outcome {
    use linux_raw_sys::elf_uapi as e;
    const NAMES: &[(&str, &str)] = &[
        ("__vdso_clock_gettime", "LINUX_2.6"),
        ("__vdso_gettimeofday", "LINUX_2.6"),
        ("__vdso_time", "LINUX_2.6"),
        ("__vdso_getcpu", "LINUX_2.6"),
        ("__vdso_getrandom", "LINUX_2.6"),
        ("__kernel_clock_gettime", "LINUX_2.6.39"),
        ("__kernel_gettimeofday", "LINUX_2.6.39"),
        ("__kernel_getrandom", "LINUX_2.6.39"),
        ("__vdso_clock_gettime", "LINUX_4.15"),
        ("__vdso_getrandom", "LINUX_4.15"),
        // A version no image defines: every candidate symbol walks the whole (bounded)
        // version-definition chain (`regression-verdef-chain-past-max-verdefs`).
        ("__vdso_clock_gettime", "SYSRT_FUZZ_NO_SUCH_VERSION"),
    ];
    for machine in [e::EM_X86_64, e::EM_AARCH64, e::EM_RISCV] {
        let Some(img) = Image::parse(data, machine as u16) else {
            continue;
        };
        for &(name, version) in NAMES {
            if let Some(off) = img.lookup(name, version) {
                ensure(off < data.len(), "a symbol outside the image")?;
            }
        }
    }
    let _ = mapped_extent(data);
    Ok(())
}

/// Path conversion (`path::Arg` for `&[u8]`, `&str` and `&CStr`): `ENAMETOOLONG` exactly when
/// the bytes and a NUL do not fit in `PATH_MAX`, else `EINVAL` exactly when they hold a NUL,
/// else the C string is the same bytes. The first byte picks a repetition count so that the
/// long-path (cold) buffer is reached with small inputs.
pub fn path(data: &[u8]) -> Outcome {
    let want = |b: &[u8]| {
        if b.len() >= PATH_MAX {
            Err(Errno::ENAMETOOLONG)
        } else if b.contains(&0) {
            Err(Errno::EINVAL)
        } else {
            Ok(b.len())
        }
    };
    let got = data.with_c_str(|c| {
        if c.to_bytes() == data {
            Ok(c.to_bytes().len())
        } else {
            Err(Errno::EFAULT)
        }
    });
    ensure(got == want(data), "&[u8] conversion")?;
    if let Ok(s) = core::str::from_utf8(data) {
        let got = s.with_c_str(|c| Ok(c.to_bytes().len()));
        ensure(got == want(data), "&str conversion")?;
    }
    if let Ok(c) = CStr::from_bytes_until_nul(data) {
        let got = c.with_c_str(|p| Ok(p.as_ptr()));
        ensure(got == Ok(c.as_ptr()), "&CStr does not pass through")?;
    }
    // A long path: the data repeated to just below, at, and just past PATH_MAX.
    if let Some((&sel, rest)) = data.split_first()
        && !rest.is_empty()
    {
        let mut long = [0u8; PATH_MAX + 2];
        let n = PATH_MAX - 2 + usize::from(sel % 4);
        for (i, b) in long[..n].iter_mut().enumerate() {
            *b = rest[i % rest.len()];
        }
        let long = &long[..n];
        let got = long.with_c_str(|c| {
            if c.to_bytes() == long {
                Ok(c.to_bytes().len())
            } else {
                Err(Errno::EFAULT)
            }
        });
        ensure(got == want(long), "long-path conversion")?;
    }
    Ok(())
}

/// `waitid`'s `siginfo_t` (`process::WaitidStatus::parse`, the decoder `waitid` runs): the
/// input's first 128 bytes (zero-padded) as the siginfo, and again with each `si_code` from
/// -1 to 7 written in. `None` exactly when `si_signo` or `si_pid` (read here at linux-raw-sys's
/// offsets) is 0; else `si_pid`, `si_uid` and `si_status` kept exactly, and each `CLD_*` code
/// the variant `man 2 waitid` gives it, with a signal only for a status from 1 to 64; any
/// other code or status `Unknown` with both kept.
pub fn waitid(data: &[u8]) -> Outcome {
    use linux_raw_sys::general as g;
    use sysrt::process::{ChildState, SIGINFO_SIZE, WaitidStatus};
    const FIELDS: usize = offset_of!(g::siginfo__bindgen_ty_1__bindgen_ty_1, _sifields);
    const SIGNO: usize = offset_of!(g::siginfo__bindgen_ty_1__bindgen_ty_1, si_signo);
    const CODE: usize = offset_of!(g::siginfo__bindgen_ty_1__bindgen_ty_1, si_code);
    const PID: usize = FIELDS + offset_of!(g::__sifields__bindgen_ty_4, _pid);
    const UID: usize = FIELDS + offset_of!(g::__sifields__bindgen_ty_4, _uid);
    const STATUS: usize = FIELDS + offset_of!(g::__sifields__bindgen_ty_4, _status);
    let mut info = [0u8; SIGINFO_SIZE];
    let n = data.len().min(SIGINFO_SIZE);
    info[..n].copy_from_slice(&data[..n]);
    let int =
        |b: &[u8; SIGINFO_SIZE], at: usize| i32::from_ne_bytes(b[at..at + 4].try_into().unwrap());
    let one = |b: &[u8; SIGINFO_SIZE]| -> Outcome {
        let got = WaitidStatus::parse(b);
        let (signo, code, pid) = (int(b, SIGNO), int(b, CODE), int(b, PID));
        let (uid, status) = (int(b, UID) as u32, int(b, STATUS));
        if signo == 0 || pid == 0 {
            return ensure(got.is_none(), "a status with si_signo or si_pid 0");
        }
        let Some(got) = got else {
            return Err("no status with si_signo and si_pid set");
        };
        ensure(
            got.pid.raw() == pid && got.uid == uid,
            "si_pid or si_uid changed",
        )?;
        let sig = (1..=64).contains(&status);
        let state_ok = match got.state {
            ChildState::Exited(s) => code == g::CLD_EXITED as i32 && s == status,
            ChildState::Killed(s) => code == g::CLD_KILLED as i32 && sig && s.raw() == status,
            ChildState::Dumped(s) => code == g::CLD_DUMPED as i32 && sig && s.raw() == status,
            ChildState::Trapped(s) => code == g::CLD_TRAPPED as i32 && s == status,
            ChildState::Stopped(s) => code == g::CLD_STOPPED as i32 && sig && s.raw() == status,
            ChildState::Continued => code == g::CLD_CONTINUED as i32,
            ChildState::Unknown {
                code: c,
                status: st,
            } => {
                let needs_sig = [g::CLD_KILLED, g::CLD_DUMPED, g::CLD_STOPPED]
                    .iter()
                    .any(|&k| k as i32 == code);
                let known = (1..=6).contains(&code);
                c == code && st == status && (!known || (needs_sig && !sig))
            }
        };
        ensure(state_ok, "si_code/si_status decoded to the wrong state")
    };
    one(&info)?;
    for code in -1..=7i32 {
        info[CODE..CODE + 4].copy_from_slice(&code.to_ne_bytes());
        one(&info)?;
    }
    Ok(())
}

/// Environment entries (`env::split_entry`, `env::lookup`: what `getenv`, `environ` and the
/// runtime's `vars` run) and the environment-block scan (`env::EnvScan`: what reads
/// `/proc/self/environ`). The input: a name length and a chunk size (two bytes), the name,
/// then the block. The block's entries (NUL-separated, the last maybe without its NUL) split
/// into a name and value inside the entry, neither with a NUL, the name without `=`, the
/// entry being exactly name, `=`, value; `lookup` of the name (and of every entry's own
/// name) is the first entry that starts with `name=`, as a naive model finds it, and nothing
/// for an empty name or one with `=`; the scan fed in chunks of that size finds the same
/// value (its length and first bytes) as `lookup` over the entries.
pub fn env(data: &[u8]) -> Outcome {
    use sysrt::env::{EnvScan, SCAN_HEAD, lookup, split_entry};
    let [name_len, chunk, rest @ ..] = data else {
        return Ok(());
    };
    let (name, block) = rest.split_at(usize::from(*name_len % 24).min(rest.len()));
    // The block's entries: each ends at a NUL, and a final one may lack it.
    let entries = || {
        let body = block.strip_suffix(&[0]).unwrap_or(block);
        let mut parts = body.split(|&b| b == 0);
        // An empty block has no entries (split would give one empty entry).
        if block.is_empty() {
            parts.next();
        }
        parts
    };
    for e in entries() {
        let Some((k, v)) = split_entry(e) else {
            ensure(!e.contains(&b'='), "an entry with `=` not split")?;
            continue;
        };
        let (Some(ko), Some(vo)) = (offset_in(e, k), offset_in(e, v)) else {
            return Err("a name or value outside its entry");
        };
        ensure(
            ko == 0 && vo == k.len() + 1 && vo + v.len() == e.len(),
            "not name=value",
        )?;
        ensure(
            e[k.len()] == b'=' && !k.contains(&b'='),
            "the name is not before the first `=`",
        )?;
        ensure(
            !k.contains(&0) && !v.contains(&0),
            "a NUL in a name or value",
        )?;
        ensure(offset_in(block, v).is_some(), "a value outside the block")?;
    }
    // The naive model of a lookup: the first entry that starts with `key=`.
    let model = |key: &[u8]| -> Option<&[u8]> {
        if key.is_empty() || key.contains(&b'=') {
            return None;
        }
        entries().find_map(|e| {
            (e.len() > key.len() && e.starts_with(key) && e[key.len()] == b'=')
                .then(|| &e[key.len() + 1..])
        })
    };
    let same = |a: Option<&[u8]>, b: Option<&[u8]>| match (a, b) {
        (Some(a), Some(b)) => a.as_ptr() == b.as_ptr() && a.len() == b.len(),
        (None, None) => true,
        _ => false,
    };
    ensure(
        same(lookup(entries(), name), model(name)),
        "lookup is not the first match",
    )?;
    for e in entries() {
        if let Some((k, _)) = split_entry(e) {
            ensure(
                same(lookup(entries(), k), model(k)),
                "lookup of an entry's own name",
            )?;
        }
    }
    // The scan, in chunks of 1 to 64 bytes.
    let mut scan = EnvScan::new(name);
    let mut found = None;
    for c in block.chunks(usize::from(*chunk % 64) + 1) {
        found = scan.feed(c);
        if found.is_some() {
            break;
        }
    }
    let found = found.or_else(|| scan.finish());
    let want = if name.contains(&0) {
        None
    } else {
        lookup(entries(), name)
    };
    match (found, want) {
        (None, None) => Ok(()),
        (Some(f), Some(w)) => ensure(
            f.len() == w.len() && f.head() == &w[..w.len().min(SCAN_HEAD)],
            "the scan found another value",
        ),
        (Some(_), None) => Err("the scan found a value lookup does not"),
        (None, Some(_)) => Err("the scan missed the value lookup finds"),
    }
}

/// A fixed buffer that `Debug` output is written into (no allocation here).
struct Text {
    buf: [u8; 1024],
    len: usize,
}

impl core::fmt::Write for Text {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(core::fmt::Error)?;
        self.buf
            .get_mut(self.len..end)
            .ok_or(core::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// The invariants of one bitflags type on one raw word the kernel may return: the decoded
/// value keeps exactly the word's bits (`from_bits_retain`, sysrt's policy for kernel words),
/// `from_bits_truncate` keeps exactly the known ones and `from_bits` accepts exactly the words
/// without unknown bits; `iter_names` names only flags the type knows, each inside the word;
/// `iter` covers the word exactly; and `Debug` names only known flags plus at most one hex
/// remainder, which together are the word again.
macro_rules! check_flag_word {
    ($t:ty, $raw:expr) => {{
        let raw = $raw;
        let what = stringify!($t);
        let f = <$t>::from_bits_retain(raw);
        let known = <$t>::all().bits();
        if f.bits() != raw
            || <$t>::from_bits_truncate(raw).bits() != raw & known
            || <$t>::from_bits(raw).is_some() != (raw & !known == 0)
        {
            return Err(concat!(stringify!($t), ": a decode changed the bits"));
        }
        for (name, g) in f.iter_names() {
            if <$t>::from_name(name) != Some(g) || g.bits() & !raw != 0 {
                return Err(concat!(
                    stringify!($t),
                    ": iter_names named a flag not in the word"
                ));
            }
        }
        if f.iter().fold(0, |acc, g| acc | g.bits()) != raw {
            return Err(concat!(stringify!($t), ": iter does not cover the word"));
        }
        let mut text = Text {
            buf: [0; 1024],
            len: 0,
        };
        core::fmt::write(&mut text, format_args!("{f:?}"))
            .map_err(|_| concat!(stringify!($t), ": Debug failed or longer than 1 KiB"))?;
        let s = core::str::from_utf8(&text.buf[..text.len]).map_err(|_| "Debug not UTF-8")?;
        let inner = s
            .strip_prefix(what)
            .and_then(|r| r.strip_prefix('('))
            .and_then(|r| r.strip_suffix(')'))
            .ok_or(concat!(stringify!($t), ": Debug is not Name(...)"))?;
        let mut seen = 0u64;
        let mut hex = 0;
        for tok in inner.split(" | ") {
            let bits = if let Some(h) = tok.strip_prefix("0x") {
                hex += 1;
                u64::from_str_radix(h, 16).map_err(|_| "Debug: a bad hex part")?
            } else {
                let g = <$t>::from_name(tok)
                    .ok_or(concat!(stringify!($t), ": Debug names an unknown flag"))?;
                u64::from(g.bits())
            };
            seen |= bits;
        }
        if seen != u64::from(raw) || hex > 1 {
            return Err(concat!(stringify!($t), ": Debug does not show the word"));
        }
    }};
}

/// The 16-bit flag words the kernel returns (`poll`'s `revents`, a netlink header's
/// `nlmsg_flags`): checked for all 2^16 values by a unit test (`fuzz/src/lib.rs`) rather than
/// fuzzed.
pub fn flag_word_16(raw: u16) -> Outcome {
    use sysrt::event::PollFlags;
    use sysrt::net::netlink::NlmFlags;
    check_flag_word!(PollFlags, raw);
    check_flag_word!(NlmFlags, raw);
    Ok(())
}

/// Flag words the kernel returns (fcntl `F_GETFD`/`F_GETFL`/`F_GET_SEALS`, statx's
/// `stx_mask` and `stx_attributes`, `st_mode`, epoll events, inotify masks, `sigaltstack`'s
/// `ss_flags`, `msg_flags`, netlink link flags; the 16-bit ones too): each of the input's
/// first 16 native-endian 8-byte words (zero-padded), cut to each type's width, through
/// `check_flag_word!`; and `RecvFlags::from_msg_flags` (what `recvmsg`/`recvmmsg` report)
/// keeps every bit but the `MSG_CMSG_CLOEXEC` echo. 2^32 values per type are too many for a
/// unit test; the 16-bit types are also checked exhaustively ([`flag_word_16`]).
pub fn flags(data: &[u8]) -> Outcome {
    const FLAG_WORDS: usize = 16;
    use sysrt::event::EpollFlags;
    use sysrt::fs::{Mode, OFlags, StatxAttributes, StatxFlags, WatchMask};
    use sysrt::io::{FdFlags, SealFlags};
    use sysrt::net::RecvFlags;
    use sysrt::net::netlink::IfFlags;
    use sysrt::signal::SigStackFlags;
    // The first 16 words: each word is checked on its own, so longer inputs add nothing but
    // time (a first 10-minute run over whole inputs of up to 8 KiB managed 227 a second).
    for chunk in data.chunks(8).take(FLAG_WORDS) {
        let mut w = [0u8; 8];
        w[..chunk.len()].copy_from_slice(chunk);
        let word = u64::from_ne_bytes(w);
        let (lo, hi) = (word as u32, (word >> 32) as u32);
        for raw in [lo, hi] {
            check_flag_word!(FdFlags, raw);
            check_flag_word!(OFlags, raw);
            check_flag_word!(SealFlags, raw);
            check_flag_word!(StatxFlags, raw);
            check_flag_word!(Mode, raw);
            check_flag_word!(EpollFlags, raw);
            check_flag_word!(WatchMask, raw);
            check_flag_word!(SigStackFlags, raw);
            check_flag_word!(RecvFlags, raw);
            check_flag_word!(IfFlags, raw);
            flag_word_16(raw as u16)?;
            let r = RecvFlags::from_msg_flags(raw);
            ensure(
                r.bits() == raw & !linux_raw_sys::net::MSG_CMSG_CLOEXEC
                    && !r.contains(RecvFlags::CMSG_CLOEXEC),
                "RecvFlags::from_msg_flags kept the echo or lost a bit",
            )?;
        }
        check_flag_word!(StatxAttributes, word);
    }
    Ok(())
}
