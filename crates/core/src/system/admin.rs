//! Administrative calls: the host and domain names, reboot, process accounting, the kernel
//! log, and (x86_64) I/O port permissions. Most need a capability.

use linux_raw_sys::general as g;

use crate::path::Arg;
use crate::{Errno, Result, Sysno, arch, arg};

/// `sethostname(name)` — sets the host name of this UTS namespace (what `uname` reports as
/// `nodename`). `name` is bytes, at most 64, no NUL needed.
///
/// # Errors
/// `EPERM` (no `CAP_SYS_ADMIN` in the user namespace that owns the UTS namespace), `EINVAL`
/// (more than 64 bytes).
///
/// # References
/// `man 2 sethostname`. Go: `syscall.Sethostname`.
#[doc(alias = "Sethostname")]
#[inline]
pub fn sethostname(name: &[u8]) -> Result<()> {
    let (ptr, len) = arg::slice(name);
    // SAFETY: the kernel reads `len` bytes of `name`, borrowed for the call, and writes none.
    Errno::decode(unsafe { arch::syscall2_readonly(Sysno::sethostname, ptr, len) }).map(drop)
}

/// `setdomainname(name)` — sets the NIS domain name of this UTS namespace (what `uname`
/// reports as `domainname`). `name` is bytes, at most 64.
///
/// # Errors
/// `EPERM` (no `CAP_SYS_ADMIN` in the user namespace that owns the UTS namespace), `EINVAL`
/// (more than 64 bytes).
///
/// # References
/// `man 2 setdomainname`. Go: `syscall.Setdomainname`.
#[doc(alias = "Setdomainname")]
#[inline]
pub fn setdomainname(name: &[u8]) -> Result<()> {
    let (ptr, len) = arg::slice(name);
    // SAFETY: the kernel reads `len` bytes of `name`, borrowed for the call, and writes none.
    Errno::decode(unsafe { arch::syscall2_readonly(Sysno::setdomainname, ptr, len) }).map(drop)
}

/// A `reboot` command (`LINUX_REBOOT_CMD_*`).
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
#[repr(u32)]
pub enum RebootCommand {
    /// `LINUX_REBOOT_CMD_RESTART`: restart now (no sync: call [`crate::io::sync`] first).
    #[doc(alias = "LINUX_REBOOT_CMD_RESTART")]
    Restart = g::LINUX_REBOOT_CMD_RESTART,
    /// `LINUX_REBOOT_CMD_HALT`: halt the system.
    #[doc(alias = "LINUX_REBOOT_CMD_HALT")]
    Halt = g::LINUX_REBOOT_CMD_HALT,
    /// `LINUX_REBOOT_CMD_POWER_OFF`: power the machine off.
    #[doc(alias = "LINUX_REBOOT_CMD_POWER_OFF")]
    PowerOff = g::LINUX_REBOOT_CMD_POWER_OFF,
    /// `LINUX_REBOOT_CMD_CAD_ON`: Ctrl-Alt-Del restarts at once.
    #[doc(alias = "LINUX_REBOOT_CMD_CAD_ON")]
    CadOn = g::LINUX_REBOOT_CMD_CAD_ON,
    /// `LINUX_REBOOT_CMD_CAD_OFF`: Ctrl-Alt-Del sends `SIGINT` to init instead.
    #[doc(alias = "LINUX_REBOOT_CMD_CAD_OFF")]
    CadOff = g::LINUX_REBOOT_CMD_CAD_OFF,
    /// `LINUX_REBOOT_CMD_SW_SUSPEND`: hibernate.
    #[doc(alias = "LINUX_REBOOT_CMD_SW_SUSPEND")]
    SwSuspend = g::LINUX_REBOOT_CMD_SW_SUSPEND,
    /// `LINUX_REBOOT_CMD_KEXEC`: boot the kernel loaded with `kexec_load`.
    #[doc(alias = "LINUX_REBOOT_CMD_KEXEC")]
    Kexec = g::LINUX_REBOOT_CMD_KEXEC,
}

/// `reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, cmd, NULL)` — restarts, halts or powers
/// off the system, or changes what Ctrl-Alt-Del does. The magic numbers are supplied here.
///
/// `Restart`, `Halt`, `PowerOff` and `Kexec` do not return when they succeed in the initial
/// PID namespace; in another PID namespace, `Restart` and `Halt`/`PowerOff` end that
/// namespace's init instead (with `SIGHUP` or `SIGINT`), and the other commands give
/// `EINVAL`. Nothing is synced first.
///
/// # Errors
/// `EPERM` (no `CAP_SYS_BOOT` in the user namespace owning the PID namespace), `EINVAL` (a
/// command other than restart/halt/power-off in a non-initial PID namespace), `EBUSY`/`ENOSYS`
/// (`Kexec` with nothing loaded, `SwSuspend` without hibernation support).
///
/// # References
/// `man 2 reboot`. Go: `syscall.Reboot`.
#[doc(alias = "Reboot")]
#[inline]
pub fn reboot(cmd: RebootCommand) -> Result<()> {
    // SAFETY: with a null argument pointer, reboot reads and writes no user memory.
    let ret = unsafe {
        arch::syscall4(
            Sysno::reboot,
            g::LINUX_REBOOT_MAGIC1 as usize,
            g::LINUX_REBOOT_MAGIC2 as usize,
            cmd as usize,
            0,
        )
    };
    Errno::decode(ret).map(drop)
}

/// `reboot(MAGIC1, MAGIC2, LINUX_REBOOT_CMD_RESTART2, arg)` — restarts with a command string
/// for the firmware or boot loader (such as `"bootloader"` on some boards).
///
/// # Errors
/// As [`reboot`], plus `EINVAL`/`ENAMETOOLONG` from converting `arg` (interior NUL, too long).
///
/// # References
/// `man 2 reboot`.
#[inline]
pub fn reboot_restart2(arg: impl Arg) -> Result<()> {
    arg.with_c_str(|arg| {
        // SAFETY: `arg` is NUL-terminated and outlives the call; the kernel copies at most 256
        // bytes of it and writes nothing.
        let ret = unsafe {
            arch::syscall4(
                Sysno::reboot,
                g::LINUX_REBOOT_MAGIC1 as usize,
                g::LINUX_REBOOT_MAGIC2 as usize,
                g::LINUX_REBOOT_CMD_RESTART2 as usize,
                arg::c_str(arg),
            )
        };
        Errno::decode(ret).map(drop)
    })
}

/// `acct(path)` — turns on BSD process accounting: a record for every process that ends is
/// appended to `path` (an existing regular file).
///
/// # Errors
/// `EPERM` (no `CAP_SYS_PACCT`), `ENOENT`, `EACCES` (not a regular file, or no write
/// permission), `EISDIR`, `EROFS` and the other errors of opening `path` for appending,
/// `ENOSYS` (a kernel built without `CONFIG_BSD_PROCESS_ACCT`), `EUSERS`.
///
/// # References
/// `man 2 acct`. Go: `syscall.Acct`.
#[doc(alias = "Acct")]
#[inline]
pub fn acct(path: impl Arg) -> Result<()> {
    path.with_c_str(|path| {
        // SAFETY: `path` is NUL-terminated and outlives the call; the kernel only reads it.
        let ret = unsafe { arch::syscall1_readonly(Sysno::acct, arg::c_str(path)) };
        Errno::decode(ret).map(drop)
    })
}

/// `acct(NULL)` — turns process accounting off.
///
/// # Errors
/// `EPERM` (no `CAP_SYS_PACCT`), `ENOSYS`.
///
/// # References
/// `man 2 acct`.
#[inline]
pub fn acct_off() -> Result<()> {
    // SAFETY: a null path reads no memory.
    Errno::decode(unsafe { arch::syscall1_readonly(Sysno::acct, 0) }).map(drop)
}

/// The kernel's `SYSLOG_ACTION_*` numbers. They live in include/linux/syslog.h, which is not
/// part of the uapi headers linux-raw-sys is generated from, so they are typed here (stable
/// ABI since Linux 2.6.x; `man 2 syslog` lists them).
mod action {
    pub const CLOSE: u32 = 0;
    pub const OPEN: u32 = 1;
    pub const READ: u32 = 2;
    pub const READ_ALL: u32 = 3;
    pub const READ_CLEAR: u32 = 4;
    pub const CLEAR: u32 = 5;
    pub const CONSOLE_OFF: u32 = 6;
    pub const CONSOLE_ON: u32 = 7;
    pub const CONSOLE_LEVEL: u32 = 8;
    pub const SIZE_UNREAD: u32 = 9;
    pub const SIZE_BUFFER: u32 = 10;
}

/// What [`syslog`] does (`SYSLOG_ACTION_*`), with the buffer the reading actions fill.
#[derive(Debug)]
pub enum SyslogAction<'a> {
    /// `SYSLOG_ACTION_CLOSE`: a no-op.
    #[doc(alias = "SYSLOG_ACTION_CLOSE")]
    Close,
    /// `SYSLOG_ACTION_OPEN`: a no-op.
    #[doc(alias = "SYSLOG_ACTION_OPEN")]
    Open,
    /// `SYSLOG_ACTION_READ`: waits until the log is not empty, then reads (and consumes)
    /// messages into the buffer.
    #[doc(alias = "SYSLOG_ACTION_READ")]
    Read(&'a mut [u8]),
    /// `SYSLOG_ACTION_READ_ALL`: reads the last messages in the ring buffer (up to the
    /// buffer's length), without consuming them.
    #[doc(alias = "SYSLOG_ACTION_READ_ALL")]
    ReadAll(&'a mut [u8]),
    /// `SYSLOG_ACTION_READ_CLEAR`: as `ReadAll`, then clears the ring buffer.
    #[doc(alias = "SYSLOG_ACTION_READ_CLEAR")]
    ReadClear(&'a mut [u8]),
    /// `SYSLOG_ACTION_CLEAR`: clears the ring buffer.
    #[doc(alias = "SYSLOG_ACTION_CLEAR")]
    Clear,
    /// `SYSLOG_ACTION_CONSOLE_OFF`: stops printing messages to the console.
    #[doc(alias = "SYSLOG_ACTION_CONSOLE_OFF")]
    ConsoleOff,
    /// `SYSLOG_ACTION_CONSOLE_ON`: resumes printing messages to the console.
    #[doc(alias = "SYSLOG_ACTION_CONSOLE_ON")]
    ConsoleOn,
    /// `SYSLOG_ACTION_CONSOLE_LEVEL`: prints messages more urgent than this level (1–8) to
    /// the console.
    #[doc(alias = "SYSLOG_ACTION_CONSOLE_LEVEL")]
    ConsoleLevel(u8),
    /// `SYSLOG_ACTION_SIZE_UNREAD`: returns how many bytes `Read` would get.
    #[doc(alias = "SYSLOG_ACTION_SIZE_UNREAD")]
    SizeUnread,
    /// `SYSLOG_ACTION_SIZE_BUFFER`: returns the size of the kernel's ring buffer.
    #[doc(alias = "SYSLOG_ACTION_SIZE_BUFFER")]
    SizeBuffer,
}

/// `syslog(action, buf, len)` — the kernel log ring buffer (what `dmesg` reads): returns the
/// bytes read for the reading actions, the size for the size actions, 0 otherwise. This is the
/// syscall glibc calls `klogctl`, not the `syslog(3)` logging function.
///
/// # Errors
/// `EPERM` (no `CAP_SYSLOG` — `ReadAll` and `SizeBuffer` are open to everyone unless
/// `kernel.dmesg_restrict` is 1), `EINVAL` (a console level outside 1–8; a buffer longer
/// than `i32::MAX`, checked before the call), `EINTR` (`Read` interrupted), `ENOSYS`
/// (`CONFIG_PRINTK` off).
///
/// # References
/// `man 2 syslog`. Go: `syscall.Klogctl`.
#[doc(alias = "Klogctl")]
#[doc(alias = "klogctl")]
#[inline]
pub fn syslog(action: SyslogAction<'_>) -> Result<usize> {
    let (typ, buf, len) = match action {
        SyslogAction::Close => (action::CLOSE, 0, 0),
        SyslogAction::Open => (action::OPEN, 0, 0),
        SyslogAction::Read(b) => (action::READ, b.as_mut_ptr() as usize, b.len()),
        SyslogAction::ReadAll(b) => (action::READ_ALL, b.as_mut_ptr() as usize, b.len()),
        SyslogAction::ReadClear(b) => (action::READ_CLEAR, b.as_mut_ptr() as usize, b.len()),
        SyslogAction::Clear => (action::CLEAR, 0, 0),
        SyslogAction::ConsoleOff => (action::CONSOLE_OFF, 0, 0),
        SyslogAction::ConsoleOn => (action::CONSOLE_ON, 0, 0),
        SyslogAction::ConsoleLevel(level) => (action::CONSOLE_LEVEL, 0, usize::from(level)),
        SyslogAction::SizeUnread => (action::SIZE_UNREAD, 0, 0),
        SyslogAction::SizeBuffer => (action::SIZE_BUFFER, 0, 0),
    };
    // The length is an `int`: a longer buffer would read as negative (or wrap).
    if i32::try_from(len).is_err() {
        return Err(Errno::EINVAL);
    }
    // The other actions read and write no user memory.
    // SAFETY: for the reading actions `buf` is borrowed exclusively and the kernel writes at
    // most `len` bytes into it.
    Errno::decode(unsafe { arch::syscall3(Sysno::syslog, arg::uint(typ), buf, len) })
}

sysrt_arch::only_x86_64! {
    /// `ioperm(from, num, turn_on)` — grants or revokes this thread's access to the I/O
    /// ports `from..from + num` (x86_64 only: the other arches have no port I/O). The ports
    /// are then used with `in`/`out` instructions, which need `asm!`.
    ///
    /// Revoking needs no privilege.
    ///
    /// # Errors
    /// `EPERM` (granting without `CAP_SYS_RAWIO`; some sandboxes refuse both), `EINVAL`
    /// (`from + num` beyond port 65535, or overflowing), `ENOMEM`, `ENOSYS` (a kernel built
    /// without `CONFIG_X86_IOPL_IOPERM`).
    ///
    /// # References
    /// `man 2 ioperm`. Go: `syscall.Ioperm`.
    #[doc(alias = "Ioperm")]
    #[inline]
    pub fn ioperm(from: u64, num: u64, turn_on: bool) -> Result<()> {
        // SAFETY: ioperm takes integers and reads and writes no user memory; port access it
        // grants is only usable through `asm!`.
        let ret = unsafe {
            arch::syscall3(
                Sysno::ioperm,
                from as usize,
                num as usize,
                usize::from(turn_on),
            )
        };
        Errno::decode(ret).map(drop)
    }

    /// `iopl(level)` — sets this thread's I/O privilege level (0–3); 3 grants every port
    /// (x86_64 only). Since Linux 5.5 it is emulated with the `ioperm` bitmap: level 3 gives
    /// port access, never the right to disable interrupts.
    ///
    /// Lowering (or keeping) the level needs no privilege.
    ///
    /// # Errors
    /// `EINVAL` (`level` above 3), `EPERM` (raising it without `CAP_SYS_RAWIO`), `ENOSYS` (a
    /// kernel built without `CONFIG_X86_IOPL_IOPERM`).
    ///
    /// # References
    /// `man 2 iopl`. Go: `syscall.Iopl`.
    #[doc(alias = "Iopl")]
    #[inline]
    pub fn iopl(level: u32) -> Result<()> {
        // SAFETY: iopl takes an integer and reads and writes no user memory.
        Errno::decode(unsafe { arch::syscall1(Sysno::iopl, arg::uint(level)) }).map(drop)
    }
}
