//! The table three ways: printed (Markdown, for the README), `target/bench/bench.json` and
//! `target/bench/bench.svg` (a bar chart of the ratios, written as SVG text by hand: xtask
//! takes no dependency for it).

use std::fmt::Write as _;

use super::model::{Check, Row, Table};

/// A figure with as many digits as it deserves.
fn fig(x: Option<f64>) -> String {
    match x {
        None => "–".into(),
        Some(x) if !x.is_finite() => "?".into(),
        Some(x) if x >= 1000.0 => format!("{x:.0}"),
        Some(x) if x >= 10.0 => format!("{x:.1}"),
        Some(x) => format!("{x:.2}"),
    }
}

fn check_text(c: &Check) -> String {
    match c {
        Check::Ok => "ok".into(),
        Check::Wrong(w) => format!("**WRONG**: {w}"),
        Check::Skipped(w) => format!("skipped: {w}"),
    }
}

/// The table as Markdown: one block per row.
pub fn markdown(t: &Table, header: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{header}\n");
    let _ = writeln!(
        s,
        "| row | variant | min | median | ratio | insns/op | result |\n|---|---|---:|---:|---:|---:|---|"
    );
    for r in &t.rows {
        for (i, v) in r.variants.iter().enumerate() {
            let row = if i == 0 {
                format!("**{}** ({})", r.id, r.unit)
            } else {
                String::new()
            };
            let ratio = r.ratio(v).map_or("–".into(), |x| format!("{x:.2}×"));
            let name = if v.name == r.reference {
                format!("{} (ref)", v.name)
            } else {
                v.name.clone()
            };
            let _ = writeln!(
                s,
                "| {row} | {name} | {} | {} | {ratio} | {} | {} |",
                fig(v.min),
                fig(v.median),
                v.insns.map_or("–".into(), |x| format!("{x:.1}")),
                check_text(&v.check)
            );
        }
    }
    let notes: Vec<String> = t
        .rows
        .iter()
        .filter(|r| !r.note.is_empty())
        .map(|r| format!("- {}: {}", r.id, r.note))
        .chain(
            t.skipped
                .iter()
                .map(|(r, w)| format!("- {r}: skipped: {w}")),
        )
        .collect();
    if !notes.is_empty() {
        let _ = writeln!(s, "\n{}", notes.join("\n"));
    }
    for block in &t.sections {
        let _ = writeln!(s, "\n{block}");
    }
    s
}

fn json_str(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(o, "\\u{:04x}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn json_num(x: Option<f64>) -> String {
    x.filter(|x| x.is_finite())
        .map_or("null".into(), |x| format!("{x}"))
}

/// The table as JSON: `{"date", "machine", "rows": [{"id", "unit", "reference", "note",
/// "variants": [{"name", "min", "median", "ratio", "insns", "check", "detail"}]}],
/// "skipped": [{"row", "reason"}]}`.
pub fn json(t: &Table, date: &str, machine: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "{{\n  \"date\": {},\n  \"machine\": {},\n  \"rows\": [",
        json_str(date),
        json_str(machine)
    );
    for (i, r) in t.rows.iter().enumerate() {
        let _ = write!(
            s,
            "{}\n    {{\"id\": {}, \"unit\": {}, \"reference\": {}, \"note\": {}, \"variants\": [",
            if i == 0 { "" } else { "," },
            json_str(&r.id),
            json_str(&r.unit),
            json_str(&r.reference),
            json_str(&r.note)
        );
        for (j, v) in r.variants.iter().enumerate() {
            let (check, detail) = match &v.check {
                Check::Ok => ("ok", ""),
                Check::Wrong(w) => ("wrong", w.as_str()),
                Check::Skipped(w) => ("skipped", w.as_str()),
            };
            let _ = write!(
                s,
                "{}\n      {{\"name\": {}, \"min\": {}, \"median\": {}, \"ratio\": {}, \"insns\": {}, \"check\": {}, \"detail\": {}}}",
                if j == 0 { "" } else { "," },
                json_str(&v.name),
                json_num(v.min),
                json_num(v.median),
                json_num(r.ratio(v)),
                json_num(v.insns),
                json_str(check),
                json_str(detail)
            );
        }
        s.push_str("\n    ]}");
    }
    s.push_str("\n  ],\n  \"skipped\": [");
    for (i, (r, w)) in t.skipped.iter().enumerate() {
        let _ = write!(
            s,
            "{}\n    {{\"row\": {}, \"reason\": {}}}",
            if i == 0 { "" } else { "," },
            json_str(r),
            json_str(w)
        );
    }
    s.push_str("\n  ]\n}\n");
    s
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The ratios as a horizontal bar chart: one group per row, one bar per variant, a line at
/// 1× (the reference). Bars past [`CAP`] are cut there and labelled with their value.
pub fn svg(t: &Table, title: &str) -> String {
    const CAP: f64 = 4.0;
    const LABEL_W: f64 = 300.0;
    const BAR_W: f64 = 520.0;
    const BAR_H: f64 = 13.0;
    const GAP: f64 = 4.0;
    const HEAD: f64 = 22.0;
    let per = BAR_W / CAP;
    let rows: Vec<&Row> = t
        .rows
        .iter()
        .filter(|r| r.reference_median().is_some())
        .collect();
    let bars: usize = rows
        .iter()
        .map(|r| r.variants.iter().filter(|v| r.ratio(v).is_some()).count())
        .sum();
    let height = 50.0 + rows.len() as f64 * HEAD + bars as f64 * (BAR_H + GAP) + 30.0;
    let width = LABEL_W + BAR_W + 90.0;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">"
    );
    let _ = writeln!(
        s,
        "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n<text x=\"10\" y=\"20\" \
         font-size=\"14\" font-weight=\"bold\">{}</text>\n<text x=\"10\" y=\"36\" fill=\"#555\">\
         median ÷ the row's reference (lower is better; bars cut at {CAP}×)</text>",
        xml(title)
    );
    let mut y = 50.0;
    for r in &rows {
        let _ = writeln!(
            s,
            "<text x=\"10\" y=\"{}\" font-weight=\"bold\">{} ({}; ref: {})</text>",
            y + 14.0,
            xml(&r.id),
            xml(&r.unit),
            xml(&r.reference)
        );
        y += HEAD;
        for v in &r.variants {
            let Some(ratio) = r.ratio(v) else { continue };
            let w = (ratio.min(CAP) * per).max(1.0);
            let color = if v.name == r.reference {
                "#9e9e9e"
            } else if v.name.starts_with("sysrt") {
                "#d9480f"
            } else {
                "#4c6ef5"
            };
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
                 <rect x=\"{LABEL_W}\" y=\"{y}\" width=\"{w:.1}\" height=\"{BAR_H}\" fill=\"{color}\"/>\
                 <text x=\"{:.1}\" y=\"{}\">{ratio:.2}×{}</text>",
                LABEL_W - 6.0,
                y + 10.0,
                xml(&v.name),
                LABEL_W + w + 4.0,
                y + 10.0,
                if ratio > CAP { " ▸" } else { "" }
            );
            y += BAR_H + GAP;
        }
    }
    let x1 = LABEL_W + per;
    let _ = writeln!(
        s,
        "<line x1=\"{x1}\" y1=\"46\" x2=\"{x1}\" y2=\"{y}\" stroke=\"#222\" stroke-dasharray=\"3,3\"/>\
         \n<text x=\"{x1}\" y=\"{}\" text-anchor=\"middle\">1×</text>\n</svg>",
        y + 14.0
    );
    s
}

#[cfg(test)]
mod tests {
    use super::super::model::{Row, Variant};
    use super::*;

    fn table() -> Table {
        let mut r = Row::new("getppid \"x\"", "ns/call", "floor");
        r.variants.push(Variant::new("floor", 100.0, 100.0));
        r.variants.push(Variant::new("sysrt <typed>", 100.0, 101.0));
        r.variants.push(Variant::new("std", 100.0, 900.0));
        r.variants.push(Variant::skipped("go", "no Go toolchain"));
        let mut t = Table::default();
        t.push(r);
        t.skip("copy", "no space");
        t
    }

    #[test]
    fn json_escapes_and_writes_null_for_missing_figures() {
        let j = json(&table(), "2026-12-01", "2 cores");
        assert!(j.contains("\"id\": \"getppid \\\"x\\\"\""));
        assert!(j.contains("\"ratio\": 1.01"));
        assert!(j.contains("\"median\": null"));
        assert!(j.contains("{\"row\": \"copy\", \"reason\": \"no space\"}"));
    }

    #[test]
    fn svg_escapes_names_and_cuts_long_bars() {
        let s = svg(&table(), "t");
        assert!(s.contains("sysrt &lt;typed&gt;"));
        assert!(s.contains("9.00× ▸"));
        assert!(!s.contains("go"), "a skipped variant has no bar");
        assert!(s.starts_with("<svg") && s.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn markdown_marks_the_reference_and_the_skips() {
        let m = markdown(&table(), "# x");
        assert!(m.contains("| floor (ref) |"));
        assert!(m.contains("skipped: no Go toolchain"));
        assert!(m.contains("- copy: skipped: no space"));
    }
}
