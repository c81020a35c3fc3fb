//! The privileged attributes of a spawn: new namespaces through clone and through unshare,
//! a user namespace with id maps written by the parent (and by the child itself after
//! unshare), credentials, ambient capabilities, no_new_privs, chroot, and a cgroup v2
//! directory given to clone3. As root they run; as another user the kernel's refusal is the
//! case (EPERM at the right step) or, where it depends on the system's policy, a skip with
//! the reason.
#![no_std]
#![no_main]

use linux_raw_sys::general::{AT_FDCWD, CGROUP2_SUPER_MAGIC, statfs};
use sysrt::fs::{self, AtFlags, Mode, OFlags};
use sysrt::process::{
    self, Credential, IdMap, Namespaces, ProcAttr, SpawnError, SpawnStep, SysProcAttr,
};
use sysrt::{Errno, Sysno};
use sysrt_tests::check::Buf;
use sysrt_tests::spawn::{ChildProgram, Report, Status, no_children};
use sysrt_tests::util::{
    FdBaseline, Text, as_nobody, is_root, join, raw_mkdir, text, text_of, tmp_path, under_qemu,
};
use sysrt_tests::{Tests, check};

const PLAN: usize = 18;
/// Why clone's namespace flags cannot be tested under QEMU.
const QEMU_CLONE_NS: &str =
    "QEMU 7.2's fork emulation rejects CLONE_NEW* flags in clone (EINVAL); unshare works";
/// `CAP_NET_BIND_SERVICE`.
const CAP_NET_BIND_SERVICE: u32 = linux_raw_sys::general::CAP_NET_BIND_SERVICE;

fn sys() -> SysProcAttr<'static> {
    ProcAttr::new().sys
}

fn ids() -> (u32, u32) {
    // SAFETY: geteuid and getegid take no arguments.
    unsafe {
        (
            sysrt::raw_syscall(Sysno::geteuid, 0, 0, 0).unwrap_or(0) as u32,
            sysrt::raw_syscall(Sysno::getegid, 0, 0, 0).unwrap_or(0) as u32,
        )
    }
}

/// Our own namespace link for `name` (`uts:[4026531838]`).
fn own_ns(name: &str) -> Buf<64> {
    let path = Buf::<32>::format(format_args!("/proc/self/ns/{name}"));
    let mut link = [0u8; 64];
    let n = sysrt::path::Arg::with_c_str(path.as_str(), |p| {
        // SAFETY: readlinkat reads the NUL-terminated path and writes at most 64 bytes.
        unsafe {
            sysrt::raw_syscall6(
                Sysno::readlinkat,
                AT_FDCWD as isize as usize,
                p.as_ptr() as usize,
                link.as_mut_ptr() as usize,
                link.len(),
                0,
                0,
            )
        }
    })
    .unwrap_or(0);
    Buf::format(format_args!(
        "{}",
        core::str::from_utf8(&link[..n]).unwrap_or("?")
    ))
}

/// Which of `names` the child sees a different namespace for.
fn differs(rep: &Report, names: &[&str]) -> Text {
    let mut out = Buf::<128>::new();
    for n in names {
        let child = rep
            .values("ns")
            .find(|v| v.starts_with(n.as_bytes()) && v.get(n.len()) == Some(&b' '));
        let link = child.map(|v| &v[n.len() + 1..]).unwrap_or(b"");
        if link != own_ns(n).as_bytes() {
            let _ = core::fmt::Write::write_fmt(&mut out, format_args!("{n} "));
        }
    }
    text_of(out.as_bytes())
}

/// The cgroup v2 mount: `/sys/fs/cgroup` itself, or the hybrid layout's `unified`.
fn cgroup2_root() -> Option<&'static str> {
    ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"]
        .into_iter()
        .find(|p| {
            sysrt::path::Arg::with_c_str(*p, |c| {
                // SAFETY: all-zero is a valid statfs.
                let mut st: statfs = unsafe { core::mem::zeroed() };
                // SAFETY: statfs reads the path and writes one struct statfs.
                unsafe {
                    sysrt::raw_syscall(Sysno::statfs, c.as_ptr() as usize, &raw mut st as usize, 0)
                }?;
                Ok(st.f_type as u64 == u64::from(CGROUP2_SUPER_MAGIC))
            }) == Ok(true)
        })
}

fn main() -> i32 {
    let mut t = Tests::new(PLAN);
    let baseline = FdBaseline::take();
    let qemu = under_qemu();
    let root = is_root();
    let child = ChildProgram::find();
    let (euid, egid) = ids();

    // New namespaces through clone.
    let all = Namespaces::NEWUTS
        | Namespaces::NEWPID
        | Namespaces::NEWNET
        | Namespaces::NEWIPC
        | Namespaces::NEWNS
        | Namespaces::NEWCGROUP;
    let r = child.report(
        &[],
        &ProcAttr::new().sys(SysProcAttr {
            cloneflags: all,
            ..sys()
        }),
    );
    match r {
        Err(SpawnError {
            step: SpawnStep::Clone,
            errno: Errno::EPERM,
        }) if !root => t.skip("cloneflags_new_namespaces", "needs root (CAP_SYS_ADMIN)"),
        Err(SpawnError {
            step: SpawnStep::Clone,
            errno: Errno::EINVAL,
        }) if qemu => t.skip("cloneflags_new_namespaces", QEMU_CLONE_NS),
        r => check!(
            t,
            "cloneflags_new_namespaces",
            r.map(|(st, rep)| (
                st,
                differs(&rep, &["uts", "pid", "net", "ipc", "mnt", "cgroup"]),
                rep.num("ids", 0)
            )),
            Ok((
                Status::Exited(0),
                text("uts pid net ipc mnt cgroup "),
                Some(1)
            ))
        ),
    }
    // Through unshare in the child (a new mount namespace is made private first).
    let r = child.report(
        &[],
        &ProcAttr::new().sys(SysProcAttr {
            unshareflags: Namespaces::NEWUTS | Namespaces::NEWNS | Namespaces::NEWIPC,
            ..sys()
        }),
    );
    match r {
        Err(SpawnError {
            step: SpawnStep::Unshare,
            errno: Errno::EPERM,
        }) if !root => t.skip("unshareflags_new_namespaces", "needs root (CAP_SYS_ADMIN)"),
        r => check!(
            t,
            "unshareflags_new_namespaces",
            r.map(|(st, rep)| (st, differs(&rep, &["uts", "pid", "net", "ipc", "mnt"]))),
            Ok((Status::Exited(0), text("uts ipc mnt ")))
        ),
    }
    check!(
        t,
        "unknown_namespace_bit_einval",
        process::start_process(
            "/bin/true",
            &["true"],
            &ProcAttr::new().sys(SysProcAttr {
                cloneflags: Namespaces::from_bits_retain(linux_raw_sys::general::CLONE_VM),
                ..sys()
            })
        )
        .map(|s| s.pid),
        Err(SpawnError {
            step: SpawnStep::Args,
            errno: Errno::EINVAL
        })
    );

    // A user namespace: the parent writes the maps while the child waits (a plain fork).
    let uid_map = [IdMap {
        container_id: 0,
        host_id: euid,
        size: 1,
    }];
    let gid_map = [IdMap {
        container_id: 0,
        host_id: egid,
        size: 1,
    }];
    let userns = |unshare: bool| {
        let ns = Namespaces::NEWUSER;
        child.report(
            &[],
            &ProcAttr::new().sys(SysProcAttr {
                cloneflags: if unshare { Namespaces::empty() } else { ns },
                unshareflags: if unshare { ns } else { Namespaces::empty() },
                uid_mappings: &uid_map,
                gid_mappings: &gid_map,
                ..sys()
            }),
        )
    };
    for (name, unshare) in [
        ("user_namespace_maps_written_by_parent", false),
        ("user_namespace_maps_written_by_child", true),
    ] {
        match userns(unshare) {
            Err(SpawnError {
                step: SpawnStep::Clone,
                errno: Errno::EINVAL,
            }) if qemu && !unshare => t.skip(name, QEMU_CLONE_NS),
            Err(SpawnError {
                step: SpawnStep::Unshare,
                errno: Errno::EINVAL,
            }) if qemu && unshare => t.skip(
                name,
                "QEMU runs a second thread, and the kernel refuses unshare(CLONE_NEWUSER) to a multi-threaded process (EINVAL)",
            ),
            Err(SpawnError {
                errno: Errno::EPERM | Errno::ENOSPC,
                ..
            }) if !root => t.skip(name, "unprivileged user namespaces are not permitted here"),
            r => check!(
                t,
                name,
                r.map(|(st, rep)| (st, rep.value("creds").map(text_of), differs(&rep, &["user"]))),
                Ok((Status::Exited(0), Some(text("0 0")), text("user ")))
            ),
        }
    }

    // Credentials.
    let nobody = Credential {
        uid: 65534,
        gid: 65534,
        groups: &[65534],
        no_setgroups: false,
    };
    if root {
        let r = child.report(
            &[],
            &ProcAttr::new().sys(SysProcAttr {
                credential: Some(nobody),
                ..sys()
            }),
        );
        check!(
            t,
            "credential_uid_gid_groups",
            r.map(|(_, rep)| rep.value("creds").map(text_of)),
            Ok(Some(text("65534 65534 65534")))
        );
    } else {
        t.skip(
            "credential_uid_gid_groups",
            "needs root (CAP_SETUID, CAP_SETGID)",
        );
    }
    let other = Credential {
        uid: 1,
        gid: 1,
        groups: &[],
        no_setgroups: false,
    };
    let denied = |cred: Credential<'static>| {
        let spawn = || {
            process::start_process(
                "/bin/true",
                &["true"],
                &ProcAttr::new().sys(SysProcAttr {
                    credential: Some(cred),
                    ..sys()
                }),
            )
            .map(|s| s.pid)
        };
        if root { as_nobody(spawn) } else { Ok(spawn()) }
    };
    check!(
        t,
        "credential_unprivileged_eperm_at_setgroups",
        denied(other),
        Ok(Err(SpawnError {
            step: SpawnStep::Setgroups,
            errno: Errno::EPERM
        }))
    );
    check!(
        t,
        "credential_no_setgroups_eperm_at_setgid",
        denied(Credential {
            no_setgroups: true,
            ..other
        }),
        Ok(Err(SpawnError {
            step: SpawnStep::Setgid,
            errno: Errno::EPERM
        }))
    );

    // Ambient capabilities: a non-root child keeps CAP_NET_BIND_SERVICE across exec.
    let caps = [CAP_NET_BIND_SERVICE];
    let ambient = ProcAttr::new().sys(SysProcAttr {
        credential: Some(Credential {
            groups: &[],
            ..nobody
        }),
        ambient_caps: &caps,
        ..sys()
    });
    if root {
        match child.report(&[], &ambient) {
            Err(e) if qemu => t.skip(
                "ambient_caps_survive_uid_change_and_exec",
                Buf::<96>::format(format_args!("QEMU 7.2 does not emulate the prctl: {e}"))
                    .as_str(),
            ),
            r => check!(
                t,
                "ambient_caps_survive_uid_change_and_exec",
                r.map(|(_, rep)| (rep.value("creds").map(text_of), rep.num("capamb", 0))),
                Ok((Some(text("65534 65534")), Some(1 << CAP_NET_BIND_SERVICE)))
            ),
        }
    } else {
        t.skip(
            "ambient_caps_survive_uid_change_and_exec",
            "needs root (CAP_SETUID and the capability)",
        );
    }
    // Without the capability in the permitted set (a full drop to nobody), capset refuses.
    // SAFETY: single-threaded; the child only makes syscalls and exits.
    let no_cap = match unsafe { process::fork() } {
        Ok(None) => {
            // SAFETY: setresgid/setresuid take integers only.
            unsafe {
                let _ = sysrt::raw_syscall(Sysno::setresgid, 65534, 65534, 65534);
                let _ = sysrt::raw_syscall(Sysno::setresuid, 65534, 65534, 65534);
            }
            let r = process::start_process(
                "/bin/true",
                &["true"],
                &ProcAttr::new().sys(SysProcAttr {
                    ambient_caps: &caps,
                    ..sys()
                }),
            );
            process::exit(match r {
                Err(SpawnError {
                    step: SpawnStep::Capabilities,
                    errno: Errno::EPERM,
                }) => 0,
                Ok(_) => 1,
                Err(_) => 2,
            })
        }
        Ok(Some(pid)) => sysrt_tests::spawn::wait(pid),
        Err(e) => Err(e),
    };
    check!(
        t,
        "ambient_caps_without_the_capability_eperm",
        no_cap,
        Ok(Status::Exited(0))
    );
    check!(
        t,
        "ambient_cap_number_64_einval",
        process::start_process(
            "/bin/true",
            &["true"],
            &ProcAttr::new().sys(SysProcAttr {
                ambient_caps: &[64],
                ..sys()
            })
        )
        .map(|s| s.pid),
        Err(SpawnError {
            step: SpawnStep::Args,
            errno: Errno::EINVAL
        })
    );

    // no_new_privs.
    let r = child.report(
        &[],
        &ProcAttr::new().sys(SysProcAttr {
            no_new_privs: true,
            ..sys()
        }),
    );
    match r {
        Err(e) if qemu && e.step == SpawnStep::NoNewPrivs => t.skip(
            "no_new_privs_set_in_child",
            Buf::<96>::format(format_args!("QEMU 7.2 does not emulate the prctl: {e}")).as_str(),
        ),
        r => check!(
            t,
            "no_new_privs_set_in_child",
            r.map(|(_, rep)| rep.num("nnp", 0)),
            Ok(Some(1))
        ),
    }

    // chroot: a copy of spawn_child (static, needs nothing else) in a fresh root.
    let dir = tmp_path("spawn-ns-root");
    let d = dir.as_str();
    let _ = raw_mkdir(d, 0o755);
    let inside = join(d, "spawn_child");
    let copied = copy_file(child.program(), inside.as_str());
    let chroot_attr = || {
        ProcAttr::new().dir("/").sys(SysProcAttr {
            chroot: Some(sysrt::process::ArgBytes::Bytes(d.as_bytes())),
            ..sys()
        })
    };
    if qemu {
        t.skip("chroot_child_sees_new_root", "QEMU: the guest program runs through the host's qemu binary, which is not inside the new root");
    } else if root {
        let r = copied.and_then(|()| {
            process::start_process(
                "/spawn_child",
                &["/spawn_child", "exit", "0"],
                &chroot_attr(),
            )
            .map(|s| sysrt_tests::spawn::wait(s.pid))
            .map_err(Errno::from)
        });
        check!(
            t,
            "chroot_child_sees_new_root",
            r,
            Ok(Ok(Status::Exited(0)))
        );
    } else {
        t.skip("chroot_child_sees_new_root", "needs root (CAP_SYS_CHROOT)");
    }
    let refused = if root {
        as_nobody(|| process::start_process("/spawn_child", &["x"], &chroot_attr()).map(|s| s.pid))
    } else {
        Ok(process::start_process("/spawn_child", &["x"], &chroot_attr()).map(|s| s.pid))
    };
    check!(
        t,
        "chroot_unprivileged_eperm",
        refused,
        Ok(Err(SpawnError {
            step: SpawnStep::Chroot,
            errno: Errno::EPERM
        }))
    );
    let _ = fs::unlinkat(sysrt::fd::CWD, inside.as_str(), AtFlags::empty());
    let _ = fs::unlinkat(sysrt::fd::CWD, d, AtFlags::REMOVEDIR);

    // A cgroup v2 directory given to clone3.
    match (cgroup2_root(), root, qemu) {
        (_, _, true) => t.skip(
            "cgroup_fd_starts_child_in_cgroup",
            "QEMU 7.2 has no clone3 (ENOSYS; see spawn_sys)",
        ),
        (None, _, _) => t.skip(
            "cgroup_fd_starts_child_in_cgroup",
            "no cgroup v2 hierarchy mounted",
        ),
        (_, false, _) => t.skip(
            "cgroup_fd_starts_child_in_cgroup",
            "needs root to create a cgroup",
        ),
        (Some(cg), true, false) => {
            let name = Buf::<64>::format(format_args!("sysrt-spawn-{}", process::getpid()));
            let path = join(cg, name.as_str());
            let made = raw_mkdir(path.as_str(), 0o755);
            let fd = fs::open(
                path.as_str(),
                OFlags::RDONLY | OFlags::DIRECTORY,
                Mode::empty(),
            );
            let r = fd.as_ref().map_err(|e| *e).map(|fd| {
                child.report(
                    &[],
                    &ProcAttr::new().sys(SysProcAttr {
                        cgroup: Some(sysrt::fd::AsFd::as_fd(fd)),
                        ..sys()
                    }),
                )
            });
            drop(fd);
            let removed = fs::unlinkat(sysrt::fd::CWD, path.as_str(), AtFlags::REMOVEDIR);
            let want = Buf::<80>::format(format_args!("/{}", name.as_str()));
            check!(
                t,
                "cgroup_fd_starts_child_in_cgroup",
                (
                    made,
                    r.map(|r| r.map(|(_, rep)| rep.value("cgroup").map(text_of))),
                    removed
                ),
                (Ok(()), Ok(Ok(Some(text(want.as_str())))), Ok(()))
            );
        }
    }

    check!(t, "no_child_left", no_children(), true);
    baseline.check(&mut t);
    t.finish()
}

/// Copies `from` to `to` (mode 0755).
fn copy_file(from: &[u8], to: &str) -> Result<(), Errno> {
    let src = fs::open(from, OFlags::RDONLY, Mode::empty())?;
    let dst = fs::open(
        to,
        OFlags::WRONLY | OFlags::CREAT | OFlags::TRUNC,
        Mode::from_octal(0o755),
    )?;
    let mut buf = [0u8; 4096];
    loop {
        let n = sysrt::io::read(&src, &mut buf)?;
        if n == 0 {
            return Ok(());
        }
        sysrt::io::write_all(&dst, &buf[..n])?;
    }
}

sysrt_rt::main!(main);
