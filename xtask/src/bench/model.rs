//! The table every row feeds: rows of variants, each with its figures, its instruction count
//! and the verdict of its result check; and the line protocol the bench programs print.
//!
//! Every figure is "lower is better" (ns, µs, ms per GiB, bytes, kB, syscalls), so a ratio to
//! the reference above 1 is a loss, whatever the row.

/// What a variant's result check said.
#[derive(Clone, Debug, PartialEq)]
pub enum Check {
    /// The variant produced the right result.
    Ok,
    /// The variant produced a wrong result: `cargo xtask bench` exits non-zero.
    Wrong(String),
    /// The variant could not run here; the reason is printed in the table.
    Skipped(String),
}

/// One variant of a row.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    pub name: String,
    /// The smallest of the samples (round figures or single runs, as the row says).
    pub min: Option<f64>,
    /// The median of the samples: what the ratio is taken on.
    pub median: Option<f64>,
    /// User-space instructions per operation, when a counter was available.
    pub insns: Option<f64>,
    pub check: Check,
}

impl Variant {
    pub fn new(name: &str, min: f64, median: f64) -> Variant {
        Variant {
            name: name.to_string(),
            min: Some(min),
            median: Some(median),
            insns: None,
            check: Check::Ok,
        }
    }

    /// A variant that could not run, with the reason.
    pub fn skipped(name: &str, why: &str) -> Variant {
        Variant {
            name: name.to_string(),
            min: None,
            median: None,
            insns: None,
            check: Check::Skipped(why.to_string()),
        }
    }

    /// A variant whose result was wrong.
    pub fn wrong(name: &str, what: &str) -> Variant {
        Variant {
            check: Check::Wrong(what.to_string()),
            ..Variant::skipped(name, "")
        }
    }
}

/// One row: a measured quantity, its unit, the variant the ratios are taken against, and a
/// note (how it was measured, or why the row is skipped).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub id: String,
    pub unit: String,
    pub reference: String,
    pub note: String,
    pub variants: Vec<Variant>,
}

impl Row {
    pub fn new(id: &str, unit: &str, reference: &str) -> Row {
        Row {
            id: id.to_string(),
            unit: unit.to_string(),
            reference: reference.to_string(),
            note: String::new(),
            variants: vec![],
        }
    }

    /// The reference variant's median.
    pub fn reference_median(&self) -> Option<f64> {
        self.variants
            .iter()
            .find(|v| v.name == self.reference)
            .and_then(|v| v.median)
            .filter(|m| *m > 0.0)
    }

    /// `v`'s median over the reference's.
    pub fn ratio(&self, v: &Variant) -> Option<f64> {
        Some(v.median? / self.reference_median()?)
    }
}

/// Every row of one `cargo xtask bench` run, and the skips that took whole rows out.
#[derive(Default)]
pub struct Table {
    pub rows: Vec<Row>,
    /// Rows that could not run at all: (row, reason).
    pub skipped: Vec<(String, String)>,
    /// Markdown blocks printed after the table (hello's section-by-section size).
    pub sections: Vec<String>,
}

impl Table {
    pub fn push(&mut self, row: Row) {
        self.rows.push(row);
    }

    pub fn skip(&mut self, row: &str, why: &str) {
        println!("bench: skipping {row}: {why}");
        self.skipped.push((row.to_string(), why.to_string()));
    }

    /// Whether any variant's result was wrong.
    pub fn any_wrong(&self) -> bool {
        self.rows
            .iter()
            .flat_map(|r| &r.variants)
            .any(|v| matches!(v.check, Check::Wrong(_)))
    }
}

/// Parses the bench programs' output (the protocol of `bench/src/lib.rs`):
/// `ROW\t<id>\t<unit>\t<reference>` and `VAR\t<id>\t<name>\t<min>\t<median>\t<check>`. Lines
/// starting with `note:` become the rows' notes; any other line is ignored.
pub fn parse_rows(text: &str) -> Vec<Row> {
    let mut rows: Vec<Row> = vec![];
    let mut notes = vec![];
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match f.as_slice() {
            ["ROW", id, unit, reference] => rows.push(Row::new(id, unit, reference)),
            ["VAR", id, name, min, median, check] => {
                let Some(row) = rows.iter_mut().find(|r| r.id == *id) else {
                    continue;
                };
                let mut v = Variant::new(name, parse_f(min), parse_f(median));
                if let Some(what) = check.strip_prefix("wrong: ") {
                    v.check = Check::Wrong(what.to_string());
                } else if *check != "ok" {
                    v.check = Check::Wrong(format!("unreadable check {check:?}"));
                }
                row.variants.push(v);
            }
            _ => {
                if let Some(n) = line.strip_prefix("note: ") {
                    notes.push(n.to_string());
                }
            }
        }
    }
    if let Some(first) = rows.first_mut() {
        first.note = notes.join("; ");
    }
    rows
}

fn parse_f(s: &str) -> f64 {
    s.trim().parse().unwrap_or(f64::NAN)
}

/// The minimum and the median of `samples`.
pub fn min_median(samples: &[f64]) -> (f64, f64) {
    let mut v = samples.to_vec();
    v.sort_by(f64::total_cmp);
    (
        v.first().copied().unwrap_or(f64::NAN),
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_rows_reads_rows_variants_and_wrong_checks() {
        let text = "note: vDSO yes\nROW\tgetppid\tns/call\tasm floor\n\
                    VAR\tgetppid\tasm floor\t100.0\t120.0\tok\n\
                    VAR\tgetppid\tsysrt typed\t101.0\t132.0\twrong: sum 3\n\
                    VAR\tnope\tx\t1\t1\tok\nrandom line\n";
        let rows = parse_rows(text);
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(r.note, "vDSO yes");
        assert_eq!(r.variants.len(), 2);
        assert_eq!(r.ratio(&r.variants[1]), Some(1.1));
        assert_eq!(r.variants[1].check, Check::Wrong("sum 3".into()));
        let mut t = Table::default();
        t.push(r.clone());
        assert!(t.any_wrong());
    }

    #[test]
    fn min_median_of_an_odd_and_an_even_count() {
        assert_eq!(min_median(&[3.0, 1.0, 2.0]), (1.0, 2.0));
        assert_eq!(min_median(&[4.0, 1.0, 3.0, 2.0]), (1.0, 3.0));
    }
}
