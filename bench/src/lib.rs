//! What the std-hosted benchmark programs share: interleaved rounds and the line protocol
//! `cargo xtask bench` reads.
//!
//! A program prints, for each row, one `ROW` line and one `VAR` line per variant
//! (tab-separated, so names may hold spaces):
//!
//! ```text
//! ROW   <row id>  <unit>  <reference variant>
//! VAR   <row id>  <variant>  <min>  <median>  ok | wrong: <what>
//! ```
//!
//! Every figure is "lower is better" (ns per call, ms per GiB, bytes), so a ratio above 1 is
//! always a loss. Anything else a program prints is passed through as a note.

use std::time::Instant;

/// A timed loop: runs the operation `n` times and returns a witness of what it got (a sum
/// of results, the last value read), which the row's check judges.
pub type Loop<'a> = &'a dyn Fn(u64) -> u64;

/// A row's check of one variant's witness after `n` operations.
pub type Check<'a> = &'a dyn Fn(u64, u64) -> Result<(), String>;

/// One variant of a row: its name and its loop.
pub struct Variant<'a> {
    /// The name printed in the table.
    pub name: &'a str,
    /// The timed loop.
    pub run: Loop<'a>,
}

/// One row: an id, the variants, which one is the reference, and the check every variant's
/// witness must pass.
pub struct Row<'a> {
    /// The row's name in the table.
    pub id: &'a str,
    /// The unit printed: `ns/call` (the time over `n`), `µs` or `ms` (the time of one
    /// run of the loop, for rows whose loop is one whole job such as a copy).
    pub unit: &'a str,
    /// The variant the ratios are taken against.
    pub reference: &'a str,
    /// The variants, in table order.
    pub variants: Vec<Variant<'a>>,
    /// Judges each variant's witness.
    pub check: Check<'a>,
}

/// What one sample's nanoseconds are divided by for `unit`.
fn scale(unit: &str, n: u64) -> f64 {
    match unit {
        "ms" => 1e6,
        "µs" => 1e3,
        _ => n as f64,
    }
}

/// The median of `v` (sorted in place); 0 for an empty slice.
pub fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// Times every variant of every row in `rounds` rounds of `n` operations each. Each round
/// runs every variant once, starting one further along each round, so a noisy moment or a
/// warm-up falls on all of them alike (the order effect measured on getppid). Prints the
/// rows; returns false when a variant's witness failed its check.
pub fn run_rows(rows: &[Row<'_>], rounds: usize, n: u64) -> bool {
    let all: Vec<(usize, &Variant<'_>)> = rows
        .iter()
        .enumerate()
        .flat_map(|(r, row)| row.variants.iter().map(move |v| (r, v)))
        .collect();
    let mut samples = vec![Vec::with_capacity(rounds); all.len()];
    let mut verdict: Vec<Result<(), String>> = vec![Ok(()); all.len()];
    for round in 0..rounds {
        for k in 0..all.len() {
            let i = (k + round) % all.len();
            let (r, v) = all[i];
            let t0 = Instant::now();
            let witness = (v.run)(std::hint::black_box(n));
            let ns = t0.elapsed().as_nanos() as f64 / scale(rows[r].unit, n);
            samples[i].push(ns);
            if verdict[i].is_ok() {
                verdict[i] = (rows[r].check)(n, witness);
            }
        }
    }
    let mut ok = true;
    for (r, row) in rows.iter().enumerate() {
        println!("ROW\t{}\t{}\t{}", row.id, row.unit, row.reference);
        for (i, (_, v)) in all.iter().enumerate().filter(|(_, (rr, _))| *rr == r) {
            let min = samples[i].iter().copied().fold(f64::MAX, f64::min);
            let med = median(&mut samples[i]);
            let check = match &verdict[i] {
                Ok(()) => "ok".to_string(),
                Err(e) => {
                    ok = false;
                    format!("wrong: {e}")
                }
            };
            println!("VAR\t{}\t{}\t{min:.2}\t{med:.2}\t{check}", row.id, v.name);
        }
    }
    ok
}

/// Runs the one variant `variant` of `rows` `n` times and checks it: the mode
/// `cargo xtask bench` runs under callgrind, twice with different `n`, to count the
/// instructions of one operation as the difference. Returns false (and says why) when there
/// is no such variant or its witness failed.
pub fn run_one(rows: &[Row<'_>], row_id: &str, variant: &str, n: u64) -> bool {
    for row in rows.iter().filter(|r| r.id == row_id) {
        if let Some(v) = row.variants.iter().find(|v| v.name == variant) {
            let witness = (v.run)(std::hint::black_box(n));
            return match (row.check)(n, witness) {
                Ok(()) => true,
                Err(e) => {
                    eprintln!("{row_id} / {variant}: wrong: {e}");
                    false
                }
            };
        }
    }
    eprintln!("no variant {variant:?} in row {row_id:?}");
    false
}

/// The command line every program takes: `[ROUNDS N]` for the table, or
/// `one ROW VARIANT N` for one variant alone.
pub fn main_with(
    rows: &[Row<'_>],
    default_rounds: usize,
    default_n: u64,
) -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let ok = if args.first().map(String::as_str) == Some("one") {
        let n = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1000);
        run_one(
            rows,
            args.get(1).map_or("", String::as_str),
            args.get(2).map_or("", String::as_str),
            n,
        )
    } else {
        let rounds = args
            .first()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default_rounds);
        let n = args
            .get(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(default_n);
        run_rows(rows, rounds.max(1), n.max(1))
    };
    if ok {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
