//! Row 5: listing a directory of 10,000 entries (names, and names + fstatat) and copying a
//! 256 MiB file with a warm page cache: `bench/src/bin/fsops.rs`, whose variants take turns
//! round by round. Its files live under target/bench/tmp/fs (the listing is kept between
//! runs; the copies are removed).

use std::process::Command;

use super::model::{Table, parse_rows};
use super::{Ctx, tools};
use crate::Result;

pub fn rows(ctx: &Ctx, table: &mut Table) -> Result<()> {
    let dir = tools::scratch()?.join("fs");
    let mib = if ctx.quick { "64" } else { "256" };
    let rounds = if ctx.quick { "5" } else { "7" };
    let mut cmd = Command::new(ctx.bench_dir.join("fsops"));
    cmd.arg(&dir).args([rounds, mib]);
    let out = tools::run(cmd, 900)?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut rows = parse_rows(&text);
    if rows.is_empty() {
        return Err(format!(
            "fsops printed no table ({}):\n{text}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    if ctx.quick {
        for r in &mut rows {
            r.id = r.id.replace("256 MiB", "64 MiB (--quick)");
        }
    }
    let _ = std::fs::remove_file(dir.join("dst"));
    for r in rows {
        table.push(r);
    }
    Ok(())
}
