//! Writing a scenario back with changes, keeping everything else (comments,
//! order, layout) as the user wrote it: edits are made at the places the
//! raw stage recorded.

use super::raw;
use crate::model::money::{Cents, group_digits};
use crate::source::diag::Problems;
use crate::source::table::sniff_delimiter;

/// A number as a TOML literal that reads well: `7_912_345.67`.
pub fn toml_number(x: f64) -> String {
    let cents = Cents::nearest(x).0;
    let (neg, cents) = (cents < 0, cents.abs());
    let grouped = group_digits(&(cents / 100).to_string(), '_');
    let frac = cents % 100;
    let sign = if neg { "-" } else { "" };
    if frac == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac:02}")
    }
}

fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}

/// The scenario with these quotas written on its reps and `[quotas] method`
/// set to "given", so it simulates the proposed quotas as they are.
pub fn with_given_quotas(text: &str, quotas: &[(String, f64)]) -> String {
    let mut problems = Problems::default();
    let raw = raw::read(text, 0, &mut problems);
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for rep in &raw.reps {
        let Some(id) = &rep.id else { continue };
        let Some((_, q)) = quotas.iter().find(|(i, _)| *i == id.v) else {
            continue;
        };
        match &rep.quota {
            Some(old) => edits.push((old.span.range.clone(), toml_number(*q))),
            None => {
                let at = line_end(text, id.span.range.end);
                edits.push((at..at, format!("\nquota = {}", toml_number(*q))));
            }
        }
    }
    match &raw.quotas.method {
        Some(m) => edits.push((m.span.range.clone(), "\"given\"".into())),
        None => match text
            .lines()
            .scan(0, |off, l| {
                let start = *off;
                *off += l.len() + 1;
                Some((start, l))
            })
            .find(|(_, l)| l.trim() == "[quotas]")
        {
            Some((start, l)) => {
                let at = start + l.len();
                edits.push((at..at, "\nmethod = \"given\"".into()));
            }
            None => {
                let sep = if text.ends_with('\n') { "" } else { "\n" };
                edits.push((
                    text.len()..text.len(),
                    format!("{sep}\n[quotas]\nmethod = \"given\"\n"),
                ));
            }
        },
    }
    apply(text, edits)
}

/// The scenario with its `[units] file` pointing elsewhere (when the new
/// scenario is written in another folder).
pub fn with_units_file(text: &str, path: &str) -> String {
    let mut problems = Problems::default();
    let raw = raw::read(text, 0, &mut problems);
    match &raw.units_file {
        Some(f) => apply(text, vec![(f.span.range.clone(), toml_string(path))]),
        None => text.to_string(),
    }
}

/// A string as a TOML basic string literal.
pub fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The byte offset just after the header line `[name]` (its line end), if
/// the text has one.
fn table_header_end(text: &str, name: &str) -> Option<usize> {
    let mut off = 0;
    for line in text.split_inclusive('\n') {
        let start = off;
        off += line.len();
        let body = line.split('#').next().unwrap_or("").trim();
        if body == format!("[{name}]") {
            return Some(start + line.trim_end_matches(['\n', '\r']).len());
        }
    }
    None
}

/// The scenario with string keys of `[units]` set: each `(key, value)`
/// replaces the value written, or is added to the `[units]` table (which
/// is added when missing).
pub fn with_units_keys(text: &str, keys: &[(&str, &str)]) -> String {
    let literal: Vec<(&str, String)> = keys.iter().map(|(k, v)| (*k, toml_string(v))).collect();
    with_units_values(text, &literal)
}

/// The scenario without its `sheet = ...` line in `[units]`, for a new
/// scenario whose units became a CSV (a sheet names nothing in a CSV);
/// unchanged when the key is not on a line of its own.
pub fn without_units_sheet(text: &str) -> String {
    let mut problems = Problems::default();
    let (doc, _) = super::tree::parse(text, 0, &mut problems);
    let sheet = match &doc.value {
        super::tree::Value::Table(t) => t.get("units").and_then(|n| match &n.value {
            super::tree::Value::Table(u) => u.get("sheet").map(|s| s.span.range.clone()),
            _ => None,
        }),
        _ => None,
    };
    let Some(r) = sheet else {
        return text.to_string();
    };
    let start = text[..r.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[r.end..]
        .find('\n')
        .map_or(text.len(), |i| r.end + i + 1);
    let key = text[start..r.start].trim_start();
    if key.starts_with("sheet") && key.trim_end().ends_with('=') {
        apply(text, vec![(start..end, String::new())])
    } else {
        text.to_string()
    }
}

/// The scenario with `[units] columns` set to `mapping` (unit key, CSV
/// column name) when it names none itself, e.g. when the run's mapping
/// came from `--set`; unchanged when it already has that mapping, or
/// another one (which is kept).
pub fn with_units_columns(text: &str, mapping: &[(String, String)]) -> String {
    let mut problems = Problems::default();
    let raw = raw::read(text, 0, &mut problems);
    let own: Vec<(String, String)> = raw
        .units_columns
        .iter()
        .map(|(k, n)| (k.clone(), n.v.clone()))
        .collect();
    if mapping.is_empty() || own == mapping || text_has_units_key(text, "columns") {
        return text.to_string();
    }
    let table = mapping
        .iter()
        .map(|(k, n)| format!("{k} = {}", toml_string(n)))
        .collect::<Vec<_>>()
        .join(", ");
    with_units_values(text, &[("columns", format!("{{ {table} }}"))])
}

/// The `[units]` table of the scenario has `key`.
fn text_has_units_key(text: &str, key: &str) -> bool {
    let mut problems = Problems::default();
    let (doc, _) = super::tree::parse(text, 0, &mut problems);
    match &doc.value {
        super::tree::Value::Table(t) => t.get("units").is_some_and(|n| match &n.value {
            super::tree::Value::Table(u) => u.get(key).is_some(),
            _ => false,
        }),
        _ => false,
    }
}

/// [`with_units_keys`] with the values as TOML literals.
fn with_units_values(text: &str, keys: &[(&str, String)]) -> String {
    let mut problems = Problems::default();
    let (doc, _) = super::tree::parse(text, 0, &mut problems);
    let units = match &doc.value {
        super::tree::Value::Table(t) => t.get("units").and_then(|n| match &n.value {
            super::tree::Value::Table(u) => Some(u.clone()),
            _ => None,
        }),
        _ => None,
    };
    let mut edits = Vec::new();
    let mut missing = Vec::new();
    for (key, value) in keys {
        match units.as_ref().and_then(|u| u.get(key)) {
            Some(node) => edits.push((node.span.range.clone(), value.clone())),
            None => missing.push(format!("{key} = {value}")),
        }
    }
    if !missing.is_empty() {
        match table_header_end(text, "units") {
            Some(at) => edits.push((at..at, format!("\n{}", missing.join("\n")))),
            None => {
                let sep = if text.ends_with('\n') || text.is_empty() {
                    ""
                } else {
                    "\n"
                };
                edits.push((
                    text.len()..text.len(),
                    format!("{sep}\n[units]\n{}\n", missing.join("\n")),
                ));
            }
        }
    }
    apply(text, edits)
}

/// The scenario with its top-level `extends` pointing at `path` (when the
/// new scenario is written in another folder); unchanged without one.
pub fn with_extends(text: &str, path: &str) -> String {
    let mut problems = Problems::default();
    let (doc, _) = super::tree::parse(text, 0, &mut problems);
    match &doc.value {
        super::tree::Value::Table(t) => match t.get("extends") {
            Some(n) if matches!(n.value, super::tree::Value::String(_)) => {
                apply(text, vec![(n.span.range.clone(), toml_string(path))])
            }
            _ => text.to_string(),
        },
        _ => text.to_string(),
    }
}

/// The path the scenario's top-level `extends` names, as written.
pub fn extends_path(text: &str) -> Option<String> {
    let mut problems = Problems::default();
    let (doc, _) = super::tree::parse(text, 0, &mut problems);
    match &doc.value {
        super::tree::Value::Table(t) => match t.get("extends").map(|n| &n.value) {
            Some(super::tree::Value::String(s)) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The scenario with `[scenario] company_target` set when it has none
/// (the `[scenario]` table is added when missing); `comment` follows the
/// value.
pub fn with_company_target(text: &str, target: f64, comment: &str) -> String {
    let mut problems = Problems::default();
    let raw = raw::read(text, 0, &mut problems);
    if raw.header.written.iter().any(|k| k == "company_target") {
        return text.to_string();
    }
    let line = format!("company_target = {}  # {comment}", toml_number(target));
    match table_header_end(text, "scenario") {
        Some(at) => apply(text, vec![(at..at, format!("\n{line}"))]),
        None => format!("[scenario]\n{line}\n\n{text}"),
    }
}

/// The inline `[[units]]` of a scenario with `owner` set from `owner_of`
/// (replaced where written, added after the unit's `id` otherwise).
pub fn with_inline_owners(text: &str, owner_of: &dyn Fn(&str) -> Option<String>) -> String {
    let mut problems = Problems::default();
    let raw = raw::read(text, 0, &mut problems);
    let mut edits = Vec::new();
    for u in &raw.units {
        let Some(id) = &u.id else { continue };
        let Some(owner) = owner_of(&id.v) else {
            continue;
        };
        match &u.owner {
            Some(o) => edits.push((o.span.range.clone(), toml_string(&owner))),
            None => {
                let at = line_end(text, id.span.range.end);
                edits.push((at..at, format!("\nowner = {}", toml_string(&owner))));
            }
        }
    }
    apply(text, edits)
}

/// Why a units CSV could not be rewritten.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("the units CSV cannot be read: {0}")]
    Csv(#[from] csv::Error),
    #[error("the units CSV has no `{0}` column (its header: {1})")]
    NoId(String, String),
}

/// The units CSV with the owner column set from `owner_of` (other columns,
/// unknown ones included, kept as they were; the column is added when
/// missing). `columns` is the scenario's `[units] columns` mapping (key,
/// CSV column name), so a CRM export whose ids are in `account_no` is read
/// as the scenario reads it; the delimiter (comma, semicolon or tab) is
/// detected from the header and kept.
pub fn units_with_owners(
    csv_text: &str,
    columns: &[(String, String)],
    owner_of: &dyn Fn(&str) -> Option<String>,
) -> Result<String, EditError> {
    let body = csv_text.strip_prefix('\u{feff}').unwrap_or(csv_text);
    let delimiter = sniff_delimiter(body);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(body.as_bytes());
    let mut headers: Vec<String> = rdr.headers()?.iter().map(str::to_string).collect();
    // A mapped key is read from its column; a key mapped elsewhere no
    // longer matches its own name (as the scenario reader does).
    let column = |key: &str| -> String {
        columns
            .iter()
            .find(|(k, _)| k == key)
            .map_or_else(|| key.to_string(), |(_, c)| c.clone())
    };
    let (id_name, owner_name) = (column("id"), column("owner"));
    let id_col = headers
        .iter()
        .position(|h| h.trim() == id_name)
        .ok_or_else(|| EditError::NoId(id_name.clone(), headers.join(", ")))?;
    let owner_col = match headers.iter().position(|h| h.trim() == owner_name) {
        Some(c) => c,
        None => {
            headers.push(owner_name.clone());
            headers.len() - 1
        }
    };
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    w.write_record(&headers)?;
    for rec in rdr.records() {
        let rec = rec?;
        let mut row: Vec<String> = rec.iter().map(str::to_string).collect();
        row.resize(headers.len(), String::new());
        if let Some(o) = owner_of(rec.get(id_col).unwrap_or("").trim()) {
            row[owner_col] = o;
        }
        w.write_record(&row)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| EditError::Csv(e.into_error().into()))?;
    Ok(String::from_utf8(bytes).expect("UTF-8 in, UTF-8 out"))
}

/// Applies edits from the end backwards; insertions at one place keep the
/// order in which they were listed.
fn apply(text: &str, edits: Vec<(std::ops::Range<usize>, String)>) -> String {
    let mut edits: Vec<(usize, (std::ops::Range<usize>, String))> =
        edits.into_iter().enumerate().collect();
    edits.sort_by_key(|(i, e)| std::cmp::Reverse((e.0.start, *i)));
    let mut out = text.to_string();
    for (_, (range, new)) in edits {
        out.replace_range(range, &new);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_units_sheet_line_goes() {
        let t = "[units]\nfile = \"a.xlsx\"\nsheet = \"Accounts\" # the CRM export\nedges = \"e.csv\"\n";
        assert_eq!(
            without_units_sheet(t),
            "[units]\nfile = \"a.xlsx\"\nedges = \"e.csv\"\n"
        );
        let inline = "units = { file = \"a.xlsx\", sheet = \"S\" }\n";
        assert_eq!(without_units_sheet(inline), inline);
        assert_eq!(
            without_units_sheet("[units]\nfile = \"a.csv\"\n"),
            "[units]\nfile = \"a.csv\"\n"
        );
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(toml_number(7_900_000.0), "7_900_000");
        assert_eq!(toml_number(12_345.678), "12_345.68");
        assert_eq!(toml_number(999.0), "999");
        assert_eq!(toml_number(0.5), "0.50");
    }

    #[test]
    fn quotas_replaced_inserted_and_method_set() {
        let text = "# keep me\n[[reps]]\nid = \"A\" # comment\nquota = 5 # old\n\n[[reps]]\nid = \"B\"\nname = \"王芳\"\n\n[quotas]\nmethod = \"equal-probability\"\nover_assignment = 0.1\n";
        let out = with_given_quotas(
            text,
            &[("A".into(), 1_000_000.0), ("B".into(), 2_500_000.5)],
        );
        assert_eq!(
            out,
            "# keep me\n[[reps]]\nid = \"A\" # comment\nquota = 1_000_000 # old\n\n[[reps]]\nid = \"B\"\nquota = 2_500_000.50\nname = \"王芳\"\n\n[quotas]\nmethod = \"given\"\nover_assignment = 0.1\n"
        );
        let bare = with_given_quotas("[[reps]]\nid = \"A\"", &[("A".into(), 3.0)]);
        assert_eq!(
            bare,
            "[[reps]]\nid = \"A\"\nquota = 3\n\n[quotas]\nmethod = \"given\"\n"
        );
        let header = with_given_quotas(
            "[[reps]]\nid = \"A\"\n[quotas]\nover_assignment = 0.2\n",
            &[("A".into(), 3.0)],
        );
        assert_eq!(
            header,
            "[[reps]]\nid = \"A\"\nquota = 3\n[quotas]\nmethod = \"given\"\nover_assignment = 0.2\n"
        );
    }

    #[test]
    fn units_csv_owners_follow_the_column_mapping_and_delimiter() {
        let csv = "\u{feff}code;name;rep\nA;x;R1\nB;\"y;z\";R1\n";
        let cols = vec![
            ("id".to_string(), "code".to_string()),
            ("owner".to_string(), "rep".to_string()),
        ];
        let out = units_with_owners(csv, &cols, &|id| (id == "B").then(|| "R2".to_string()))
            .expect("rewritten");
        assert_eq!(out, "code;name;rep\nA;x;R1\nB;\"y;z\";R2\n");
        let err = units_with_owners("code,name\nA,x\n", &[], &|_| None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the units CSV has no `id` column (its header: code, name)"
        );
        let added = units_with_owners("id,name\nA,x\n", &[], &|_| Some("R9".into())).unwrap();
        assert_eq!(added, "id,name,owner\nA,x,R9\n");
    }

    #[test]
    fn units_keys_replaced_or_added() {
        let text = "[scenario]\nname = \"x\"\n\n[units] # here\nfile = \"u.csv\"\n";
        assert_eq!(
            with_units_keys(text, &[("file", "new.csv"), ("edges", "../e.csv")]),
            "[scenario]\nname = \"x\"\n\n[units] # here\nedges = \"../e.csv\"\nfile = \"new.csv\"\n"
        );
        assert_eq!(
            with_units_keys("[scenario]\nname = \"x\"", &[("file", "a\\b.csv")]),
            "[scenario]\nname = \"x\"\n\n[units]\nfile = \"a\\\\b.csv\"\n"
        );
        assert_eq!(
            with_extends("extends = \"base.toml\" # b\n", "../base.toml"),
            "extends = \"../base.toml\" # b\n"
        );
        assert_eq!(
            extends_path("extends = 'b.toml'\n").as_deref(),
            Some("b.toml")
        );
        let map = vec![("id".to_string(), "code".to_string())];
        assert_eq!(
            with_units_columns("[units]\nfile = \"u.csv\"\n", &map),
            "[units]\ncolumns = { id = \"code\" }\nfile = \"u.csv\"\n"
        );
        let own = "[units]\ncolumns = { id = \"code\" }\n";
        assert_eq!(with_units_columns(own, &map), own);
    }

    #[test]
    fn company_target_added_once() {
        assert_eq!(
            with_company_target("[scenario]\nname = \"x\"\n", 5e6, "assumption"),
            "[scenario]\ncompany_target = 5_000_000  # assumption\nname = \"x\"\n"
        );
        assert_eq!(
            with_company_target("[units]\n", 5e6, "a"),
            "[scenario]\ncompany_target = 5_000_000  # a\n\n[units]\n"
        );
        let has = "[scenario]\ncompany_target = 1\n";
        assert_eq!(with_company_target(has, 5e6, "a"), has);
    }

    #[test]
    fn inline_owners_set() {
        let text =
            "[[units]]\nid = \"A\"\npotential = 1\n\n[[units]]\nid = \"B\"\nowner = \"R1\"\n";
        assert_eq!(
            with_inline_owners(text, &|_| Some("T02".into())),
            "[[units]]\nid = \"A\"\nowner = \"T02\"\npotential = 1\n\n[[units]]\nid = \"B\"\nowner = \"T02\"\n"
        );
    }

    #[test]
    fn units_file_repointed() {
        let out = with_units_file("[units]\nfile = \"u.csv\" # here\n", "../data/u.csv");
        assert_eq!(out, "[units]\nfile = \"../data/u.csv\" # here\n");
    }
}
