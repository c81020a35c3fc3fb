//! Capabilities: the typed [`Capability`] number, the [`CapSet`] bit set, and
//! `capget`/`capset` with `_LINUX_CAPABILITY_VERSION_3` (two 32-bit words per set).

use core::fmt;

use linux_raw_sys::general as g;

use crate::process::Pid;
use crate::{Errno, Result, Sysno, arch};

/// A capability number (`CAP_*`), 0 to 63.
///
/// The ones Linux defines are associated constants, numbered from linux-raw-sys; a newer one
/// is [`Capability::from_raw`]. The kernel refuses a number above its own `CAP_LAST_CAP` with
/// `EINVAL`.
///
/// # References
/// `man 7 capabilities`.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Ord, PartialOrd)]
#[repr(transparent)]
pub struct Capability(u32);

macro_rules! capabilities {
    ($($name:ident = $c:ident,)*) => {
        impl Capability {
            $(
                #[doc = concat!("`", stringify!($c), "`.")]
                pub const $name: Capability = Capability(g::$c);
            )*

            /// Every capability linux-raw-sys knows (up to its `CAP_LAST_CAP`), in number order.
            pub const KNOWN: [Capability; g::CAP_LAST_CAP as usize + 1] = [$(Capability::$name,)*];
        }
    };
}

capabilities! {
    CHOWN = CAP_CHOWN,
    DAC_OVERRIDE = CAP_DAC_OVERRIDE,
    DAC_READ_SEARCH = CAP_DAC_READ_SEARCH,
    FOWNER = CAP_FOWNER,
    FSETID = CAP_FSETID,
    KILL = CAP_KILL,
    SETGID = CAP_SETGID,
    SETUID = CAP_SETUID,
    SETPCAP = CAP_SETPCAP,
    LINUX_IMMUTABLE = CAP_LINUX_IMMUTABLE,
    NET_BIND_SERVICE = CAP_NET_BIND_SERVICE,
    NET_BROADCAST = CAP_NET_BROADCAST,
    NET_ADMIN = CAP_NET_ADMIN,
    NET_RAW = CAP_NET_RAW,
    IPC_LOCK = CAP_IPC_LOCK,
    IPC_OWNER = CAP_IPC_OWNER,
    SYS_MODULE = CAP_SYS_MODULE,
    SYS_RAWIO = CAP_SYS_RAWIO,
    SYS_CHROOT = CAP_SYS_CHROOT,
    SYS_PTRACE = CAP_SYS_PTRACE,
    SYS_PACCT = CAP_SYS_PACCT,
    SYS_ADMIN = CAP_SYS_ADMIN,
    SYS_BOOT = CAP_SYS_BOOT,
    SYS_NICE = CAP_SYS_NICE,
    SYS_RESOURCE = CAP_SYS_RESOURCE,
    SYS_TIME = CAP_SYS_TIME,
    SYS_TTY_CONFIG = CAP_SYS_TTY_CONFIG,
    MKNOD = CAP_MKNOD,
    LEASE = CAP_LEASE,
    AUDIT_WRITE = CAP_AUDIT_WRITE,
    AUDIT_CONTROL = CAP_AUDIT_CONTROL,
    SETFCAP = CAP_SETFCAP,
    MAC_OVERRIDE = CAP_MAC_OVERRIDE,
    MAC_ADMIN = CAP_MAC_ADMIN,
    SYSLOG = CAP_SYSLOG,
    WAKE_ALARM = CAP_WAKE_ALARM,
    BLOCK_SUSPEND = CAP_BLOCK_SUSPEND,
    AUDIT_READ = CAP_AUDIT_READ,
    PERFMON = CAP_PERFMON,
    BPF = CAP_BPF,
    CHECKPOINT_RESTORE = CAP_CHECKPOINT_RESTORE,
}

impl Capability {
    /// The capability numbered `raw`, or `None` above 63 (a [`CapSet`] holds 64 bits).
    #[inline]
    pub const fn from_raw(raw: u32) -> Option<Capability> {
        if raw < 64 {
            Some(Capability(raw))
        } else {
            None
        }
    }

    /// The raw number.
    #[inline]
    pub const fn raw(self) -> u32 {
        self.0
    }
}

impl fmt::Debug for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Capability({})", self.0)
    }
}

/// A set of capabilities: capability `n` is bit `n`, as the kernel's two 32-bit words of
/// `_LINUX_CAPABILITY_VERSION_3` put together.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Default)]
#[repr(transparent)]
pub struct CapSet(u64);

impl CapSet {
    /// The empty set.
    pub const EMPTY: CapSet = CapSet(0);

    /// A set from its bits.
    #[inline]
    pub const fn from_raw(bits: u64) -> CapSet {
        CapSet(bits)
    }

    /// The bits.
    #[inline]
    pub const fn raw(self) -> u64 {
        self.0
    }

    /// This set with `cap` added.
    #[inline]
    #[must_use]
    pub const fn with(self, cap: Capability) -> CapSet {
        CapSet(self.0 | 1 << cap.0)
    }

    /// This set with `cap` removed.
    #[inline]
    #[must_use]
    pub const fn without(self, cap: Capability) -> CapSet {
        CapSet(self.0 & !(1 << cap.0))
    }

    /// Whether `cap` is in the set.
    #[inline]
    pub const fn contains(self, cap: Capability) -> bool {
        self.0 & (1 << cap.0) != 0
    }

    /// Whether the set is empty.
    #[inline]
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The capabilities in the set, in number order.
    pub fn iter(self) -> impl Iterator<Item = Capability> {
        (0..64).map(Capability).filter(move |c| self.contains(*c))
    }
}

impl fmt::Debug for CapSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.iter().map(Capability::raw))
            .finish()
    }
}

/// A thread's three capability sets, as `capget`/`capset` pass them.
///
/// Go: `unix.CapUserData` (x/sys/unix), which is one 32-bit word of each set.
#[doc(alias = "CapUserData")]
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug, Default)]
pub struct Capabilities {
    /// The capabilities the kernel checks.
    pub effective: CapSet,
    /// The capabilities the thread may make effective.
    pub permitted: CapSet,
    /// The capabilities kept across `execve` (for files whose inheritable set has them).
    pub inheritable: CapSet,
}

/// The header and two data words of version 3; shared by both calls.
#[inline(always)]
fn header(pid: Option<Pid>) -> g::__user_cap_header_struct {
    g::__user_cap_header_struct {
        version: g::_LINUX_CAPABILITY_VERSION_3,
        pid: pid.map_or(0, Pid::raw),
    }
}

/// The number of 32-bit words per set in version 3 (`_LINUX_CAPABILITY_U32S_3`, 2).
const WORDS: usize = g::_LINUX_CAPABILITY_U32S_3 as usize;

/// `capget(&header, data)` — the capability sets of thread `pid` (`None`: the caller).
///
/// Always uses `_LINUX_CAPABILITY_VERSION_3`, for which the kernel writes exactly two data
/// structs (the array passed here).
///
/// # Errors
/// `ESRCH` (no such thread), `EINVAL` (`pid` negative).
///
/// # References
/// `man 2 capget`. Go: `unix.Capget` (x/sys/unix).
#[doc(alias = "Capget")]
#[inline]
pub fn capget(pid: Option<Pid>) -> Result<Capabilities> {
    let mut hdr = header(pid);
    let mut data = [g::__user_cap_data_struct {
        effective: 0,
        permitted: 0,
        inheritable: 0,
    }; WORDS];
    // SAFETY: `hdr` is a live header the kernel reads (and may write its version into);
    // `data` is the two data structs that version 3 writes. Both outlive the call.
    let ret = unsafe {
        arch::syscall2(
            Sysno::capget,
            &raw mut hdr as usize,
            data.as_mut_ptr() as usize,
        )
    };
    Errno::decode(ret)?;
    let join = |f: fn(&g::__user_cap_data_struct) -> u32| {
        CapSet(u64::from(f(&data[0])) | (u64::from(f(&data[1])) << 32))
    };
    Ok(Capabilities {
        effective: join(|d| d.effective),
        permitted: join(|d| d.permitted),
        inheritable: join(|d| d.inheritable),
    })
}

/// `capset(&header, data)` — sets the calling thread's capability sets.
///
/// The new permitted set must be a subset of the current one, the effective set a subset of
/// the new permitted one, and the inheritable set within the permitted and bounding sets
/// (unless `CAP_SETPCAP`). Changes the calling thread only.
///
/// # Errors
/// `EPERM` (a rule above broken), `EINVAL`.
///
/// # References
/// `man 2 capset`. Go: `unix.Capset` (x/sys/unix).
#[doc(alias = "Capset")]
#[inline]
pub fn capset(caps: &Capabilities) -> Result<()> {
    let mut hdr = header(None);
    let split = |set: CapSet, i: usize| (set.0 >> (32 * i)) as u32;
    let data: [g::__user_cap_data_struct; WORDS] =
        core::array::from_fn(|i| g::__user_cap_data_struct {
            effective: split(caps.effective, i),
            permitted: split(caps.permitted, i),
            inheritable: split(caps.inheritable, i),
        });
    let (hdr_ptr, data_ptr) = (&raw mut hdr as usize, data.as_ptr() as usize);
    // SAFETY: `hdr` is a live header (the kernel may write its version into it on EINVAL);
    // `data` is the two data structs version 3 reads. Both outlive the call.
    let ret = unsafe { arch::syscall2(Sysno::capset, hdr_ptr, data_ptr) };
    Errno::decode(ret).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_sets() {
        assert_eq!(Capability::CHOWN.raw(), 0);
        assert_eq!(Capability::KNOWN.len(), 41);
        for (i, c) in Capability::KNOWN.iter().enumerate() {
            assert_eq!(c.raw(), i as u32);
        }
        assert_eq!(Capability::from_raw(64), None);
        let s = CapSet::EMPTY
            .with(Capability::SYS_ADMIN)
            .with(Capability::CHECKPOINT_RESTORE);
        assert_eq!(s.raw(), (1 << 21) | (1 << 40));
        assert!(s.contains(Capability::SYS_ADMIN) && !s.contains(Capability::KILL));
        assert_eq!(s.without(Capability::SYS_ADMIN).raw(), 1 << 40);
        assert_eq!(s.iter().count(), 2);
        assert_eq!(
            CapSet::from_raw(u64::MAX).iter().last(),
            Capability::from_raw(63)
        );
        assert_eq!(WORDS, 2);
    }
}
