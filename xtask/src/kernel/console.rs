//! Reading a guest's console: the runs `/init` reported between its marker lines (see
//! tests/src/bin/kinit.rs for the protocol), and how the guest ended.

use crate::run::{Outcome, Status};

/// The marker every line of `/init`'s protocol starts with.
pub const MARK: &str = "@@sysrt-init ";

/// One child of `/init`, as the console shows it.
pub struct GuestRun {
    pub label: String,
    pub outcome: Outcome,
    /// The files the plan asked for, in order.
    pub files: Vec<Vec<u8>>,
    /// How long the child ran, as the guest's monotonic clock measured it.
    pub millis: u64,
}

/// Everything read from one boot's console.
#[derive(Default)]
pub struct Console {
    pub runs: Vec<GuestRun>,
    /// `done N`: `/init` got through its plan, N runs.
    pub done: Option<usize>,
    /// The kernel's `Kernel panic - not syncing: …` line.
    pub panic: Option<String>,
    /// `/init`'s own complaints (`fatal …`, a bad plan item, a failed spawn).
    pub problems: Vec<String>,
    /// `/init` started in its `hang` mode.
    pub hanging: bool,
    /// A `begin` without its `end`: the run the guest stopped in.
    pub unfinished: Option<String>,
    /// What the kernel logged while the plan ran: `<level>[time] text` lines.
    pub klog: Vec<u8>,
}

impl Console {
    /// The kernel's messages from the plan's run at `level` or more urgent (0 emergency … 4
    /// warning … 7 debug), without their `<priority>` prefix.
    pub fn kernel_messages(&self, level: u32) -> Vec<String> {
        String::from_utf8_lossy(&self.klog)
            .lines()
            .filter_map(|l| {
                let rest = l.strip_prefix('<')?;
                let (prio, text) = rest.split_once('>')?;
                // `<N>` is a syslog priority: facility * 8 + level (`<12>` is a user
                // process's warning through /dev/kmsg).
                (prio.parse::<u32>().ok()? & 7 <= level).then(|| text.to_owned())
            })
            .collect()
    }
}

/// Parses the console output of one boot.
pub fn parse(bytes: &[u8]) -> Console {
    let mut c = Console::default();
    let mut current: Option<GuestRun> = None;
    let mut pos = 0;
    while pos < bytes.len() {
        let end = bytes[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| pos + i);
        let line = String::from_utf8_lossy(&bytes[pos..end]);
        let line = line.trim_end_matches('\r');
        pos = (end + 1).min(bytes.len());
        if let Some(i) = line.find("Kernel panic - not syncing") {
            c.panic.get_or_insert_with(|| line[i..].to_owned());
            continue;
        }
        let Some(rest) = line.strip_prefix(MARK) else {
            continue;
        };
        let words: Vec<&str> = rest.split(' ').collect();
        match words.as_slice() {
            ["begin", label] => {
                current = Some(GuestRun {
                    label: (*label).to_owned(),
                    outcome: Outcome {
                        status: Status::TimedOut,
                        stdout: vec![],
                        stderr: vec![],
                    },
                    files: vec![],
                    millis: 0,
                });
            }
            ["time", _label, ms] => {
                if let Some(run) = current.as_mut() {
                    run.millis = ms.parse().unwrap_or(0);
                }
            }
            [kind @ ("stdout" | "stderr" | "file" | "klog"), _label, n] => {
                let n: usize = n.parse().unwrap_or(0);
                let take = n.min(bytes.len() - pos);
                let data = bytes[pos..pos + take].to_vec();
                pos += take;
                // `/init` ends a section that did not end in a newline with one.
                if data.last().is_some_and(|&b| b != b'\n') && bytes.get(pos) == Some(&b'\n') {
                    pos += 1;
                }
                if *kind == "klog" {
                    c.klog = data;
                } else if let Some(run) = current.as_mut() {
                    match *kind {
                        "stdout" => run.outcome.stdout = data,
                        "stderr" => run.outcome.stderr = data,
                        _ => run.files.push(data),
                    }
                }
            }
            ["end", label, how @ ..] => {
                let status = match how {
                    ["exit", c] => c.parse().map(Status::Exited).ok(),
                    ["signal", s] => s.parse().map(Status::Signaled).ok(),
                    ["timeout"] => Some(Status::TimedOut),
                    _ => None,
                };
                match (current.take(), status) {
                    (Some(mut run), Some(status)) if run.label == *label => {
                        run.outcome.status = status;
                        c.runs.push(run);
                    }
                    _ => c.problems.push(format!("unexpected line {line:?}")),
                }
            }
            ["done", n] => c.done = n.parse().ok(),
            ["hanging"] => c.hanging = true,
            _ => c.problems.push(rest.to_owned()),
        }
    }
    c.unfinished = current.map(|r| r.label);
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_taken_by_byte_count_newlines_and_markers_included() {
        // stdout holds a line that looks like a marker and ends without a newline; stderr
        // is empty; a kernel line sits between runs.
        let text = b"[    0.6] PCI: Fatal: No config space access function found\r\n\
@@sysrt-init begin a\n\
@@sysrt-init stdout a 32\n\
x [OK]\n@@sysrt-init done 9\nno nl\n\
@@sysrt-init stderr a 0\n\
@@sysrt-init time a 1500\n\
@@sysrt-init end a exit 3\n\
@@sysrt-init begin b\n\
@@sysrt-init stdout b 0\n\
@@sysrt-init stderr b 4\n\
err\n\
@@sysrt-init file b 2\n\
r\n\
@@sysrt-init end b signal 9\n\
@@sysrt-init klog - 66\n\
<6>[    1.0] info\n<4>[    1.1] warning: w\n<7>x\n<12>[    1.2] kmsg\n\
@@sysrt-init done 2\n\
[    2.7] reboot: Power down\r\n";
        let c = parse(text);
        assert_eq!(c.runs.len(), 2);
        assert_eq!(c.runs[0].label, "a");
        assert_eq!(
            c.runs[0].outcome.stdout,
            b"x [OK]\n@@sysrt-init done 9\nno nl"
        );
        assert_eq!(c.runs[0].outcome.status, Status::Exited(3));
        assert_eq!((c.runs[0].millis, c.runs[1].millis), (1500, 0));
        assert_eq!(c.runs[1].outcome.stderr, b"err\n");
        assert_eq!(c.runs[1].files, vec![b"r\n".to_vec()]);
        assert_eq!(c.runs[1].outcome.status, Status::Signaled(9));
        assert_eq!(c.done, Some(2));
        assert_eq!(
            c.kernel_messages(4),
            vec!["[    1.1] warning: w".to_string(), "[    1.2] kmsg".into()]
        );
        assert!(c.kernel_messages(3).is_empty());
        assert!(c.panic.is_none() && c.problems.is_empty() && c.unfinished.is_none());
    }

    #[test]
    fn a_panic_and_an_unfinished_run_are_reported() {
        let text = b"@@sysrt-init begin a\n\
@@sysrt-init stdout a 3\n\
ab\n\
[    3.7] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000200\r\n\
[    3.7] ---[ end Kernel panic - not syncing: Attempted to kill init! ]---\r\n";
        let c = parse(text);
        assert_eq!(c.done, None);
        assert_eq!(
            c.panic.as_deref(),
            Some("Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000200")
        );
        assert_eq!(c.unfinished.as_deref(), Some("a"));
        assert!(c.runs.is_empty());
    }

    #[test]
    fn a_truncated_console_does_not_panic_the_parser() {
        let c = parse(b"@@sysrt-init begin a\n@@sysrt-init stdout a 1000\nshort");
        assert_eq!(c.unfinished.as_deref(), Some("a"));
        let c = parse(b"@@sysrt-init end a exit x\n@@sysrt-init hanging\n");
        assert_eq!(c.problems.len(), 1);
        assert!(c.hanging);
    }
}
