//! The reporter and the one `check!` macro.

use core::fmt::{self, Debug, Write};

use sysrt_rt::{print, println};

/// Counts the cases of one test program and prints their lines.
pub struct Tests {
    plan: usize,
    passed: usize,
    failed: usize,
    skipped: usize,
}

impl Tests {
    /// Starts a program that will report `plan` cases.
    pub fn new(plan: usize) -> Tests {
        Tests {
            plan,
            passed: 0,
            failed: 0,
            skipped: 0,
        }
    }

    /// Records a case whose value was `got` and should have been `expected`.
    pub fn check<T: Debug + PartialEq<U>, U: Debug>(&mut self, name: &str, got: T, expected: U) {
        if got == expected {
            self.passed += 1;
            println!("{name:<44} {got:?} [OK]");
        } else {
            self.failed += 1;
            println!("{name:<44} got {got:?}, expected {expected:?} [FAIL]");
        }
    }

    /// Records a case that could not run here, with the reason.
    pub fn skip(&mut self, name: &str, reason: &str) {
        self.skipped += 1;
        println!("{name:<44} [SKIPPED] {reason}");
    }

    /// Prints the total line; the exit status is 0 when nothing failed and the plan was met.
    pub fn finish(self) -> i32 {
        let ran = self.passed + self.failed + self.skipped;
        let mut failed = self.failed;
        if ran != self.plan {
            print!(
                "plan: {} cases planned, {} reported [FAIL]\n",
                self.plan, ran
            );
            failed += 1;
        }
        println!(
            "total: {} passed, {} failed, {} skipped, {} planned",
            self.passed, failed, self.skipped, self.plan
        );
        i32::from(failed != 0)
    }
}

/// `check!(t, "case_name", got, expected)`: one case, compared with `==`, printed with `{:?}`.
#[macro_export]
macro_rules! check {
    ($t:expr, $name:expr, $got:expr, $expected:expr $(,)?) => {
        $t.check($name, $got, $expected)
    };
}

/// A fixed-size string for formatting names and expected values without allocation.
#[derive(Clone)]
pub struct Buf<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Buf<N> {
    /// An empty buffer.
    pub const fn new() -> Self {
        Buf {
            bytes: [0; N],
            len: 0,
        }
    }

    /// Formats `args` into a new buffer (truncated at `N` bytes).
    pub fn format(args: fmt::Arguments<'_>) -> Self {
        let mut b = Self::new();
        let _ = b.write_fmt(args);
        b
    }

    /// The bytes written.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// The text written.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or("<non-utf8>")
    }
}

impl<const N: usize> Default for Buf<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Write for Buf<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let n = s.len().min(N - self.len);
        self.bytes[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        if n < s.len() { Err(fmt::Error) } else { Ok(()) }
    }
}

impl<const N: usize> Debug for Buf<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Debug::fmt(self.as_str(), f)
    }
}

impl<const N: usize> PartialEq<&str> for Buf<N> {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}
