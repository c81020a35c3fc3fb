//! The guests' kernels: Debian's own packages, fetched once with apt and cached under
//! `target/kernels/`.
//!
//! apt does the fetching, with no change to `/etc/apt`: a private sources file (the Debian
//! mirrors apt already uses, found with `apt-get indextargets`), private lists and cache,
//! and the foreign architecture set on the command line. The `.deb`'s SHA-256 is then checked
//! against the `Packages` index that apt verified with Debian's archive key. Only the kernel
//! image is unpacked from it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::arch::Arch;
use crate::{Result, build, setup};

/// One kernel of the matrix: the current kernel of a Debian suite for one arch.
#[derive(Clone, Copy, Debug)]
pub struct Kernel {
    pub arch: Arch,
    /// The suite's codename (a codename, not `stable`, so the kernel series stays put when
    /// Debian releases). Its `-security` suite, where kernel updates land first, is searched
    /// too.
    pub suite: &'static str,
}

/// The kernel matrix: one line per kernel. Another version of an arch is one more line, e.g.
/// `Kernel { arch: Arch::X86_64, suite: "trixie" }` for 6.12 on x86_64 as well.
pub const KERNELS: &[Kernel] = &[
    Kernel {
        arch: Arch::X86_64,
        suite: "bookworm",
    },
    Kernel {
        arch: Arch::Aarch64,
        suite: "bookworm",
    },
    Kernel {
        arch: Arch::Riscv64,
        suite: "trixie",
    },
];

impl Kernel {
    /// Debian's name for the arch.
    pub fn debian_arch(self) -> &'static str {
        match self.arch {
            Arch::X86_64 => "amd64",
            Arch::Aarch64 => "arm64",
            Arch::Riscv64 => "riscv64",
        }
    }

    /// The metapackage that depends on the suite's current kernel (`linux-image-amd64`).
    fn metapackage(self) -> String {
        format!("linux-image-{}", self.debian_arch())
    }

    /// Where this kernel is cached: `target/kernels/<debian arch>-<suite>/`.
    pub fn cache_dir(self) -> PathBuf {
        build::target_dir()
            .join("kernels")
            .join(format!("{}-{}", self.debian_arch(), self.suite))
    }
}

/// A kernel ready to boot, and the shell its guest's programs may start.
pub struct Fetched {
    pub kernel: Kernel,
    /// The image qemu's `-kernel` takes: an ELF vmlinux for x86_64 (booted through PVH), the
    /// package's own image on aarch64 and riscv64.
    pub image: PathBuf,
    /// The package and version, e.g. `linux-image-6.1.0-57-amd64 6.1.192-3`.
    pub release: String,
    /// Debian's static busybox of the same suite and arch: the guest's `/bin/sh`, `/bin/true`
    /// and `/bin/false`, which test programs start as a native run starts the host's.
    pub busybox: PathBuf,
}

/// What is cached for one kernel: `kernel` and its `release`, `busybox` and its
/// `busybox.release` (the package and version each came from).
fn cached(dir: &Path, file: &str) -> Option<(PathBuf, String)> {
    let path = dir.join(file);
    let release = std::fs::read_to_string(dir.join(format!("{file}.release"))).ok()?;
    path.is_file().then(|| (path, release.trim().to_owned()))
}

/// The cached kernel and busybox, or fetches what is missing. Once cached, no network and
/// no apt are needed.
pub fn fetch(kernel: Kernel) -> Result<Fetched> {
    let dir = kernel.cache_dir();
    let what = format!("the {} kernel of Debian {}", kernel.arch, kernel.suite);
    let hint = |e: Box<dyn std::error::Error>| -> Box<dyn std::error::Error> {
        format!(
            "fetching {what}: {e}\n(without apt, put a bootable image at {} and its name in \
             kernel.release, and a static busybox at {} with busybox.release)",
            dir.join("kernel").display(),
            dir.join("busybox").display()
        )
        .into()
    };
    let mut apt = None;
    let mut get = |file: &str, find: fn(&Apt, &Path) -> Result<(String, String)>| {
        if let Some(found) = cached(&dir, file) {
            return Ok(found);
        }
        if apt.is_none() {
            eprintln!("xtask: fetching {what} into {}", dir.display());
            apt = Some(Apt::updated(kernel)?);
        }
        let apt = apt.as_ref().expect("set above");
        std::fs::create_dir_all(&dir)?;
        let (name, version) = find(apt, &dir)?;
        std::fs::write(
            dir.join(format!("{file}.release")),
            format!("{name} {version}\n"),
        )?;
        cached(&dir, file).ok_or_else(|| format!("{file} missing after the download").into())
    };
    let (image, release) = get("kernel", download_kernel).map_err(hint)?;
    let (busybox, _) = get("busybox", download_busybox).map_err(hint)?;
    Ok(Fetched {
        kernel,
        image,
        release,
        busybox,
    })
}

/// The Debian archive and security mirrors apt is configured with, from the verified
/// metadata of its own index files (`Origin: Debian`; labels `Debian`, `Debian-Security`).
fn debian_mirrors() -> Result<(String, Option<String>)> {
    let find = || -> Result<(Option<String>, Option<String>)> {
        let out = Command::new("apt-get")
            .args(["indextargets", "--format", "$(ORIGIN)|$(LABEL)|$(REPO_URI)"])
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| {
                format!(
                    "cannot run apt-get ({e}): the kernels come from Debian's archive through apt"
                )
            })?;
        let text = String::from_utf8_lossy(&out.stdout);
        let uri = |label: &str| {
            text.lines().find_map(|l| {
                let mut f = l.split('|');
                (f.next() == Some("Debian") && f.next() == Some(label))
                    .then(|| f.next().map(|u| u.trim_end_matches('/').to_owned()))
                    .flatten()
            })
        };
        Ok((uri("Debian"), uri("Debian-Security")))
    };
    let (mut archive, mut security) = find()?;
    if archive.is_none() && setup::is_root() {
        // A machine whose lists were never downloaded (a fresh container) knows no origins.
        eprintln!("xtask: apt knows no Debian index yet; running `apt-get update`");
        let _ = Command::new("apt-get").arg("update").status();
        (archive, security) = find()?;
    }
    let archive = archive.ok_or(
        "apt-get indextargets lists no index with `Origin: Debian`: add a Debian mirror to \
         apt's sources (for example `deb http://deb.debian.org/debian bookworm main`) and run \
         `apt-get update`",
    )?;
    Ok((archive, security))
}

/// apt with private state for one kernel's arch and suite.
struct Apt {
    kernel: Kernel,
    opts: Vec<String>,
    /// `target/kernels/apt/<debian arch>-<suite>/`.
    state: PathBuf,
}

impl Apt {
    /// apt with its own lists for `kernel`'s arch and suite, updated.
    fn updated(kernel: Kernel) -> Result<Apt> {
        let state = build::target_dir()
            .join("kernels")
            .join("apt")
            .join(format!("{}-{}", kernel.debian_arch(), kernel.suite));
        let apt = Apt::new(kernel, &state)?;
        apt.run("apt-get", &["-q", "update"], &state)
            .map_err(|e| format!("{e}\n(no network? the Debian mirror must be reachable once)"))?;
        Ok(apt)
    }

    fn new(kernel: Kernel, state: &Path) -> Result<Apt> {
        let (archive, security) = debian_mirrors()?;
        for d in ["lists/partial", "cache/archives/partial", "sources.list.d"] {
            std::fs::create_dir_all(state.join(d))?;
        }
        let keyring = "/usr/share/keyrings/debian-archive-keyring.gpg";
        if !Path::new(keyring).is_file() {
            return Err(format!(
                "{keyring} is missing: install the `debian-archive-keyring` package"
            )
            .into());
        }
        let arch = kernel.debian_arch();
        let mut sources = format!(
            "deb [arch={arch} signed-by={keyring}] {archive} {} main\n",
            kernel.suite
        );
        if let Some(sec) = security {
            sources.push_str(&format!(
                "deb [arch={arch} signed-by={keyring}] {sec} {}-security main\n",
                kernel.suite
            ));
        }
        let list = state.join("sources.list");
        std::fs::write(&list, sources)?;
        let p = |sub: &str| state.join(sub).display().to_string();
        let mut opts = vec![
            format!("-oAPT::Architecture={arch}"),
            format!("-oAPT::Architectures={arch}"),
            format!("-oDir::State::Lists={}", p("lists")),
            format!("-oDir::Cache={}", p("cache")),
            format!("-oDir::Etc::SourceList={}", list.display()),
            format!("-oDir::Etc::SourceParts={}", p("sources.list.d")),
            // Only the Packages index: no AppStream metadata, no translations.
            "-oAcquire::IndexTargets::deb::DEP-11::DefaultEnabled=false".into(),
            "-oAcquire::Languages=none".into(),
        ];
        if setup::is_root() {
            // The download folder is root's; apt's `_apt` user could not write it.
            opts.push("-oAPT::Sandbox::User=root".into());
        }
        Ok(Apt {
            kernel,
            opts,
            state: state.to_owned(),
        })
    }

    /// `apt-cache show` of the candidate version of `spec` (`name` or `name=version`).
    fn show(&self, spec: &str) -> Result<String> {
        self.run(
            "apt-cache",
            &["show", "--no-all-versions", spec],
            &self.state,
        )
    }

    /// Downloads `name=version` into a fresh folder and checks it against the SHA-256 of the
    /// verified Packages index; returns the .deb's path.
    fn download_checked(&self, name: &str, version: &str) -> Result<PathBuf> {
        let spec = format!("{name}={version}");
        let sha256 = field(&self.show(&spec)?, "SHA256")
            .ok_or_else(|| format!("no SHA256 for {spec} in its Packages entry"))?
            .to_owned();
        let dl = self.state.join("download");
        let _ = std::fs::remove_dir_all(&dl);
        std::fs::create_dir_all(&dl)?;
        self.run("apt-get", &["-q", "download", &spec], &dl)
            .map_err(|e| format!("{e}\n(no network? the Debian mirror must be reachable once)"))?;
        let deb = std::fs::read_dir(&dl)?
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "deb"))
            .ok_or("apt-get download left no .deb")?;
        let got = sha256_of(&deb)?;
        if got != sha256 {
            return Err(format!(
                "{} has SHA-256 {got}, but the verified Packages index says {sha256}",
                deb.display()
            )
            .into());
        }
        eprintln!("xtask: {spec}: SHA-256 matches the Packages index ({sha256})");
        Ok(deb)
    }

    fn run(&self, tool: &str, args: &[&str], dir: &Path) -> Result<String> {
        let out = Command::new(tool)
            .args(&self.opts)
            .args(args)
            .current_dir(dir)
            .env("LC_ALL", "C")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {tool} ({e})"))?;
        if !out.status.success() {
            return Err(format!(
                "`{tool} {}` failed ({}): {}",
                args.join(" "),
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            )
            .into());
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// The value of `field` in the first stanza of `apt-cache show` output.
fn field<'a>(stanza: &'a str, name: &str) -> Option<&'a str> {
    stanza
        .lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(": "))
}

/// The exact kernel package a metapackage's `Depends` names: `linux-image-6.1.0-57-amd64
/// (= 6.1.192-3)` gives the name and the version.
fn exact_kernel(depends: &str) -> Option<(String, String)> {
    let first = depends.split(',').next()?.trim();
    let (name, rest) = first.split_once(" (= ")?;
    Some((name.to_owned(), rest.strip_suffix(')')?.to_owned()))
}

/// Downloads, checks and unpacks the kernel into `dir/kernel`; returns its package and
/// version.
fn download_kernel(apt: &Apt, dir: &Path) -> Result<(String, String)> {
    // One exact package: `linux-image-6.1.0-*-amd64` would match every kernel of the suite.
    let meta = apt.show(&apt.kernel.metapackage())?;
    let (name, version) = field(&meta, "Depends")
        .and_then(exact_kernel)
        .ok_or_else(|| format!("no `Depends: linux-image-…` in:\n{meta}"))?;
    let deb = apt.download_checked(&name, &version)?;
    let unpacked = deb.with_file_name("unpacked");
    unpack(&deb, &unpacked, "./boot/vmlinu*")?;
    let found = std::fs::read_dir(unpacked.join("boot"))?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("vmlinuz-") || n.starts_with("vmlinux-"))
        })
        .ok_or_else(|| format!("no boot/vmlinu[xz]-* in {}", deb.display()))?;
    let tmp = dir.join("kernel.tmp");
    if apt.kernel.arch == Arch::X86_64 {
        let bz = std::fs::read(&found)?;
        std::fs::write(&tmp, pvh_vmlinux(&bz)?)?;
    } else {
        std::fs::copy(&found, &tmp)?;
    }
    std::fs::rename(&tmp, dir.join("kernel"))?;
    let _ = std::fs::remove_dir_all(deb.parent().unwrap_or(dir));
    Ok((name, version))
}

/// Downloads, checks and unpacks the suite's `busybox-static` into `dir/busybox`.
fn download_busybox(apt: &Apt, dir: &Path) -> Result<(String, String)> {
    let name = "busybox-static";
    let version = field(&apt.show(name)?, "Version")
        .ok_or("no Version in busybox-static's Packages entry")?
        .to_owned();
    let deb = apt.download_checked(name, &version)?;
    let unpacked = deb.with_file_name("unpacked");
    // /bin/busybox, or /usr/bin/busybox once the suite has merged /usr (trixie).
    unpack(&deb, &unpacked, "*bin/busybox")?;
    let found = ["bin/busybox", "usr/bin/busybox"]
        .iter()
        .map(|p| unpacked.join(p))
        .find(|p| p.is_file())
        .ok_or_else(|| format!("no bin/busybox in {}", deb.display()))?;
    let tmp = dir.join("busybox.tmp");
    std::fs::copy(found, &tmp)?;
    std::fs::rename(&tmp, dir.join("busybox"))?;
    let _ = std::fs::remove_dir_all(deb.parent().unwrap_or(dir));
    Ok((name.to_owned(), version))
}

/// `sha256sum FILE` (coreutils, on every Debian system).
fn sha256_of(file: &Path) -> Result<String> {
    let out = Command::new("sha256sum").arg(file).output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    match text.split_whitespace().next() {
        Some(h) if out.status.success() && h.len() == 64 => Ok(h.to_owned()),
        _ => Err(format!("sha256sum {} failed ({})", file.display(), out.status).into()),
    }
}

/// Unpacks the members of a .deb matching `pattern` into `into`: `dpkg-deb --fsys-tarfile
/// DEB | tar -x PATTERN`. Only the files needed: a kernel package is mostly modules, which
/// the guests, running from an initramfs with the built-in drivers, never load.
fn unpack(deb: &Path, into: &Path, pattern: &str) -> Result<()> {
    std::fs::create_dir_all(into)?;
    let mut dpkg = Command::new("dpkg-deb")
        .arg("--fsys-tarfile")
        .arg(deb)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run dpkg-deb ({e})"))?;
    let tar = Command::new("tar")
        .args(["-x", "-C"])
        .arg(into)
        .args(["--wildcards", pattern])
        .stdin(dpkg.stdout.take().expect("piped"))
        .status()?;
    let dpkg = dpkg.wait()?;
    if !dpkg.success() || !tar.success() {
        return Err(format!("unpacking {}: dpkg-deb {dpkg}, tar {tar}", deb.display()).into());
    }
    Ok(())
}

/// The ELF `vmlinux` inside an x86 bzImage, for booting through PVH (qemu's microvm machine
/// loads an ELF kernel with a PVH note directly, skipping the real-mode setup and the
/// decompressor).
///
/// The boot protocol (Documentation/arch/x86/boot.rst) gives `setup_sects` at 0x1f1 and, in
/// protocol 2.08+, `payload_offset`/`payload_length` at 0x248/0x24c, relative to the
/// protected-mode code that starts after the `setup_sects + 1` sectors of 512 bytes. The
/// kernel build appends the uncompressed size as 4 little-endian bytes to the compressed
/// stream (`size_append`); the stream is decompressed without them and the result checked
/// against that size. Debian compresses with xz (Debian 12) or zstd (Debian 13); the tools
/// come from xz-utils and zstd.
pub fn pvh_vmlinux(bz: &[u8]) -> Result<Vec<u8>> {
    let u32_at =
        |o: usize| -> Option<u32> { Some(u32::from_le_bytes(bz.get(o..o + 4)?.try_into().ok()?)) };
    if bz.get(0x202..0x206) != Some(b"HdrS") {
        return Err("not a bzImage (no HdrS header at 0x202)".into());
    }
    let setup_sects = match bz[0x1f1] {
        0 => 4,
        n => usize::from(n),
    };
    let (offset, length) = (u32_at(0x248), u32_at(0x24c));
    let (Some(offset), Some(length)) = (offset, length) else {
        return Err("bzImage too short for its payload fields".into());
    };
    let start = (setup_sects + 1) * 512 + offset as usize;
    let payload = bz
        .get(start..start + length as usize)
        .filter(|p| p.len() > 4)
        .ok_or("the bzImage's payload lies outside the file")?;
    let (stream, size) = payload.split_at(payload.len() - 4);
    let size = u32::from_le_bytes(size.try_into().expect("4 bytes")) as usize;
    let (tool, package) = if stream.starts_with(b"\xfd7zXZ\0") {
        ("xz", "xz-utils")
    } else if stream.starts_with(b"\x28\xb5\x2f\xfd") {
        ("zstd", "zstd")
    } else {
        return Err(format!(
            "the bzImage's payload is neither xz nor zstd (it starts {:02x?})",
            &stream[..stream.len().min(6)]
        )
        .into());
    };
    setup::ensure_debian_package(&[tool], package)?;
    let mut child = Command::new(tool)
        .arg("-dc")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut stdin = child.stdin.take().expect("piped");
    let owned = stream.to_vec();
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &owned));
    let out = child.wait_with_output()?;
    let _ = writer.join();
    if !out.status.success() || !out.stdout.starts_with(b"\x7fELF") || out.stdout.len() != size {
        return Err(format!(
            "{tool} -d of the bzImage's payload failed ({}; {} bytes, {size} expected)",
            out.status,
            out.stdout.len()
        )
        .into());
    }
    Ok(out.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_metapackage_names_one_exact_kernel() {
        assert_eq!(
            exact_kernel("linux-image-6.1.0-57-amd64 (= 6.1.192-3)"),
            Some(("linux-image-6.1.0-57-amd64".into(), "6.1.192-3".into()))
        );
        assert_eq!(
            exact_kernel("linux-image-6.12.117+deb13-riscv64 (= 6.12.117-1), other"),
            Some((
                "linux-image-6.12.117+deb13-riscv64".into(),
                "6.12.117-1".into()
            ))
        );
        assert_eq!(exact_kernel("linux-image-6.1.0-57-amd64"), None);
    }

    #[test]
    fn fields_come_from_the_first_stanza() {
        let text = "Package: a\nVersion: 2\nSHA256: aa\n\nPackage: a\nVersion: 1\nSHA256: bb\n";
        assert_eq!(field(text, "SHA256"), Some("aa"));
        assert_eq!(field(text, "Version"), Some("2"));
        assert_eq!(field(text, "Depends"), None);
    }

    #[test]
    fn one_kernel_per_arch_in_the_matrix_at_least() {
        for arch in Arch::ALL {
            assert!(KERNELS.iter().any(|k| k.arch == arch), "{arch}");
        }
    }

    #[test]
    fn a_non_bzimage_is_refused() {
        assert!(pvh_vmlinux(&[0u8; 4096]).is_err());
        let mut b = vec![0u8; 4096];
        b[0x202..0x206].copy_from_slice(b"HdrS");
        b[0x248..0x24c].copy_from_slice(&100_000u32.to_le_bytes());
        b[0x24c..0x250].copy_from_slice(&10u32.to_le_bytes());
        assert!(pvh_vmlinux(&b).unwrap_err().to_string().contains("outside"));
    }
}
