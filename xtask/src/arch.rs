//! The architectures sysrt targets, as a typed value.

use std::fmt;

/// One supported architecture.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Arch {
    X86_64,
    Aarch64,
    Riscv64,
}

impl Arch {
    pub const ALL: [Arch; 3] = [Arch::X86_64, Arch::Aarch64, Arch::Riscv64];

    /// The name users type and tables show (`target_arch`).
    pub fn name(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Aarch64 => "aarch64",
            Arch::Riscv64 => "riscv64",
        }
    }

    /// The Rust target triple.
    pub fn triple(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64-unknown-linux-gnu",
            Arch::Aarch64 => "aarch64-unknown-linux-gnu",
            Arch::Riscv64 => "riscv64gc-unknown-linux-gnu",
        }
    }

    /// The QEMU user-mode emulator that runs this arch's binaries on this host, or `None` when
    /// the host runs them natively.
    pub fn qemu(self) -> Option<&'static str> {
        if self.is_host() {
            return None;
        }
        match self {
            Arch::X86_64 => Some("qemu-x86_64-static"),
            Arch::Aarch64 => Some("qemu-aarch64-static"),
            Arch::Riscv64 => Some("qemu-riscv64-static"),
        }
    }

    pub fn is_host(self) -> bool {
        self.name() == std::env::consts::ARCH
    }

    /// Parses a name; the error lists the valid ones.
    pub fn parse(s: &str) -> Result<Vec<Arch>, String> {
        if s == "all" {
            return Ok(Arch::ALL.to_vec());
        }
        let found = Arch::ALL.into_iter().find(|a| {
            a.name() == s || a.triple() == s || (s == "riscv64gc" && *a == Arch::Riscv64)
        });
        found
            .map(|a| vec![a])
            .ok_or_else(|| format!("unknown arch `{s}`; valid: x86_64, aarch64, riscv64, all"))
    }
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
