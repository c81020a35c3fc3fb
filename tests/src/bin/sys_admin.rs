//! The administrative calls, never with an effect on the machine: sethostname and
//! setdomainname only inside a new UTS namespace of a forked child (and EPERM/EINVAL
//! outside); reboot only with bad magic or without CAP_SYS_BOOT; acct, syslog and
//! ioperm/iopl only in ways that change nothing (errors, revoking what was never granted).
#![no_std]
#![no_main]

use linux_raw_sys::general::{
    CAP_SYS_ADMIN, CAP_SYS_BOOT, CAP_SYS_PACCT, CAP_SYSLOG, CLONE_NEWUSER, CLONE_NEWUTS,
    LINUX_REBOOT_CMD_CAD_OFF,
};
use sysrt::system::{self, RebootCommand, SyslogAction};
use sysrt::{Errno, Sysno};
use sysrt_tests::fault::{Status, in_child};
use sysrt_tests::procfs::{field, text_of_file};
use sysrt_tests::util::{FdBaseline, Text, as_nobody, has_cap, is_root, text, text_of, tmp_path};
use sysrt_tests::{Tests, check};

const PLAN: usize = 24;

/// Runs `f` without privileges: as nobody (effective ids, capabilities dropped) when root,
/// directly otherwise.
fn unprivileged<T>(f: impl FnOnce() -> T) -> Result<T, Errno> {
    if is_root() { as_nobody(f) } else { Ok(f()) }
}

/// Exit codes of the UTS namespace child.
const UTS_NO_NAMESPACE: i32 = 90;

fn uts_cases(t: &mut Tests) {
    let names = [
        "sethostname_in_new_uts_namespace_seen_by_uname_and_proc",
        "setdomainname_in_new_uts_namespace_seen_by_uname_and_proc",
        "sethostname_65_bytes_einval_in_namespace",
        "parent_hostname_and_domainname_unchanged",
    ];
    let names_now = || {
        system::uname().map(|u| {
            (
                text_of(u.nodename().to_bytes()),
                text_of(u.domainname().to_bytes()),
            )
        })
    };
    let before: Result<(Text, Text), Errno> = names_now();
    let host_before = text_of_file("/proc/sys/kernel/hostname");
    let dom_before = text_of_file("/proc/sys/kernel/domainname");
    // The child gets its own UTS namespace (with a user namespace of its own when it lacks
    // CAP_SYS_ADMIN), changes the names there and reports each step in its exit code.
    let privileged = has_cap(CAP_SYS_ADMIN);
    let ended = in_child(|| {
        let flags = if privileged {
            CLONE_NEWUTS
        } else {
            CLONE_NEWUSER | CLONE_NEWUTS
        };
        // SAFETY: unshare takes a flag word; the new namespaces are this child's alone.
        if unsafe { sysrt::raw_syscall(Sysno::unshare, flags as usize, 0, 0) }.is_err() {
            return UTS_NO_NAMESPACE;
        }
        let mut code = 0;
        let host_ok = system::sethostname(b"sysrt-uts-test") == Ok(())
            && system::uname().is_ok_and(|u| u.nodename().to_bytes() == b"sysrt-uts-test")
            && text_of_file("/proc/sys/kernel/hostname") == Ok(text("sysrt-uts-test"));
        if !host_ok {
            code |= 1;
        }
        let dom_ok = system::setdomainname(b"sysrt.example") == Ok(())
            && system::uname().is_ok_and(|u| u.domainname().to_bytes() == b"sysrt.example")
            && text_of_file("/proc/sys/kernel/domainname") == Ok(text("sysrt.example"));
        if !dom_ok {
            code |= 2;
        }
        let long = [b'x'; 65];
        if system::sethostname(&long) != Err(Errno::EINVAL)
            || !system::uname().is_ok_and(|u| u.nodename().to_bytes() == b"sysrt-uts-test")
        {
            code |= 4;
        }
        code
    });
    match ended {
        Ok(Status::Exited(UTS_NO_NAMESPACE)) => {
            for n in &names[..3] {
                t.skip(
                    n,
                    "no new UTS namespace here (needs CAP_SYS_ADMIN or unprivileged user namespaces)",
                );
            }
        }
        Ok(Status::Exited(code)) => {
            check!(t, names[0], code & 1, 0);
            check!(t, names[1], code & 2, 0);
            check!(t, names[2], code & 4, 0);
        }
        other => {
            for n in &names[..3] {
                check!(t, n, other, Ok(Status::Exited(0)));
            }
        }
    }
    check!(
        t,
        names[3],
        (
            names_now(),
            text_of_file("/proc/sys/kernel/hostname"),
            text_of_file("/proc/sys/kernel/domainname")
        ),
        (before, host_before, dom_before)
    );
    // Outside a namespace of its own, without privileges: EPERM, nothing changes.
    check!(
        t,
        "sethostname_without_cap_sys_admin_eperm",
        unprivileged(|| system::sethostname(b"nope")),
        Ok(Err(Errno::EPERM))
    );
    check!(
        t,
        "setdomainname_without_cap_sys_admin_eperm",
        unprivileged(|| system::setdomainname(b"nope")),
        Ok(Err(Errno::EPERM))
    );
}

fn reboot_cases(t: &mut Tests) {
    // Bad magic: EINVAL once the capability check passes, EPERM before it. Nothing happens
    // either way.
    let want = if has_cap(CAP_SYS_BOOT) {
        Errno::EINVAL
    } else {
        Errno::EPERM
    };
    // SAFETY: reboot with wrong magic numbers and a null argument does nothing and reads no
    // memory.
    let r = unsafe {
        sysrt::raw_syscall6(
            Sysno::reboot,
            0xdead,
            0xbeef,
            LINUX_REBOOT_CMD_CAD_OFF as usize,
            0,
            0,
            0,
        )
    };
    check!(t, "reboot_raw_bad_magic_einval_or_eperm", r, Err(want));
    // The typed call, only where it cannot take effect: without CAP_SYS_BOOT, checked right
    // before the call.
    let r = unprivileged(|| {
        if has_cap(CAP_SYS_BOOT) {
            return Err(Errno::EEXIST); // never called with the capability
        }
        system::reboot(RebootCommand::CadOff)
    });
    check!(
        t,
        "reboot_typed_without_cap_sys_boot_eperm",
        r,
        Ok(Err(Errno::EPERM))
    );
}

fn acct_cases(t: &mut Tests) {
    let missing = tmp_path("acct-missing");
    check!(
        t,
        "acct_without_cap_sys_pacct_eperm",
        unprivileged(|| (system::acct(missing.as_str()), system::acct_off())),
        Ok((Err(Errno::EPERM), Err(Errno::EPERM)))
    );
    let names = [
        "acct_missing_file_enoent",
        "acct_on_dev_null_not_regular_eacces",
    ];
    if !has_cap(CAP_SYS_PACCT) {
        for n in names {
            t.skip(
                n,
                "needs CAP_SYS_PACCT (the errors after the capability check)",
            );
        }
        return;
    }
    let r = system::acct(missing.as_str());
    if r == Err(Errno::ENOSYS) {
        for n in names {
            t.skip(n, "this kernel has no BSD process accounting (ENOSYS)");
        }
        return;
    }
    check!(t, names[0], r, Err(Errno::ENOENT));
    check!(t, names[1], system::acct("/dev/null"), Err(Errno::EACCES));
}

fn syslog_cases(t: &mut Tests) {
    // SIZE_BUFFER and READ_ALL are open to everyone unless dmesg_restrict is set.
    let restrict = field("/proc/sys/kernel/dmesg_restrict", "") == Some(1);
    let privileged = has_cap(CAP_SYSLOG) || has_cap(CAP_SYS_ADMIN);
    let open = !restrict || privileged;
    let size = system::syslog(SyslogAction::SizeBuffer);
    if open {
        check!(
            t,
            "syslog_size_buffer_is_a_power_of_two",
            size.map(|n| n.is_power_of_two() && n >= 4096),
            Ok(true)
        );
        let mut buf = [0u8; 4096];
        let n = system::syslog(SyslogAction::ReadAll(&mut buf));
        check!(
            t,
            "syslog_read_all_fits_the_buffer",
            n.map(|n| n <= buf.len()),
            Ok(true)
        );
    } else {
        check!(
            t,
            "syslog_size_buffer_is_a_power_of_two",
            size,
            Err(Errno::EPERM)
        );
        check!(
            t,
            "syslog_read_all_fits_the_buffer",
            system::syslog(SyslogAction::ReadAll(&mut [0u8; 16])),
            Err(Errno::EPERM)
        );
    }
    check!(
        t,
        "syslog_read_all_empty_buffer_0",
        system::syslog(SyslogAction::ReadAll(&mut [])),
        if open { Ok(0) } else { Err(Errno::EPERM) }
    );
    // Always restricted: EPERM without the capability, otherwise the argument check.
    let want = if privileged {
        Errno::EINVAL
    } else {
        Errno::EPERM
    };
    check!(
        t,
        "syslog_console_level_9_einval_or_eperm",
        system::syslog(SyslogAction::ConsoleLevel(9)),
        Err(want)
    );
    // SAFETY: syslog with an unknown action and no buffer reads and writes nothing.
    let r = unsafe { sysrt::raw_syscall(Sysno::syslog, 99, 0, 0) };
    check!(t, "syslog_unknown_action_raw_einval_or_eperm", r, Err(want));
    // READ waits for new messages when allowed: only ever called without the capabilities.
    let r = unprivileged(|| {
        if has_cap(CAP_SYSLOG) || has_cap(CAP_SYS_ADMIN) {
            return Err(Errno::EEXIST);
        }
        system::syslog(SyslogAction::Read(&mut [0u8; 16]))
    });
    check!(
        t,
        "syslog_read_without_cap_syslog_eperm",
        r,
        Ok(Err(Errno::EPERM))
    );
}

sysrt_arch::only_x86_64! {
    fn io_port_cases(t: &mut Tests) {
        let names = [
            "iopl_4_einval",
            "ioperm_beyond_port_65535_einval",
            "iopl_0_and_ioperm_revoke_ok",
            "iopl_3_and_ioperm_grant_without_cap_eperm",
        ];
        let r = system::iopl(4);
        if r == Err(Errno::ENOSYS) && system::ioperm(0x80, 1, false) == Err(Errno::ENOSYS) {
            for n in names {
                t.skip(n, "this kernel has no iopl/ioperm (CONFIG_X86_IOPL_IOPERM off)");
            }
            return;
        }
        check!(t, names[0], r, Err(Errno::EINVAL));
        check!(t, names[1], system::ioperm(0xffff, 2, false), Err(Errno::EINVAL));
        check!(
            t,
            names[2],
            (system::iopl(0), system::ioperm(0x80, 1, false)),
            (Ok(()), Ok(()))
        );
        let r = unprivileged(|| (system::iopl(3), system::ioperm(0x80, 1, true)));
        check!(t, names[3], r, Ok((Err(Errno::EPERM), Err(Errno::EPERM))));
    }
}

/// The I/O port cases on an arch that has no I/O ports.
#[allow(dead_code)] // used on aarch64 and riscv64
fn no_io_ports(t: &mut Tests) {
    for n in [
        "iopl_4_einval",
        "ioperm_beyond_port_65535_einval",
        "iopl_0_and_ioperm_revoke_ok",
        "iopl_3_and_ioperm_grant_without_cap_eperm",
    ] {
        t.skip(
            n,
            "iopl and ioperm are x86_64's only: other arches have no I/O ports",
        );
    }
}

sysrt_arch::only_aarch64! {
    fn io_port_cases(t: &mut Tests) {
        no_io_ports(t);
    }
}

sysrt_arch::only_riscv64! {
    fn io_port_cases(t: &mut Tests) {
        no_io_ports(t);
    }
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();
    uts_cases(&mut t);
    reboot_cases(&mut t);
    acct_cases(&mut t);
    syslog_cases(&mut t);
    io_port_cases(&mut t);
    sysrt_tests::child::check_no_child_left(&mut t);
    baseline.check(&mut t);
    t.finish()
}

sysrt_rt::main!(main);
