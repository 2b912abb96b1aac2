//! Units from a CSV file: every cell keeps its place so problems point at
//! the row and column where they are.

use super::diag::{FileId, ProblemKind, Problems, Span, did_you_mean};
use super::raw::{RawPotential, RawUnit, UNIT_KEYS};
use super::reader::Sp;
use std::ops::Range;

const REQUIRED: &[&str] = &["id", "potential"];

/// Byte ranges of the fields of the record starting at `start` (quote-aware).
fn field_spans(text: &str, start: usize) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = start;
    let mut field_start = start;
    let mut quoted = false;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => quoted = !quoted,
            b',' if !quoted => {
                spans.push(field_start..i);
                field_start = i + 1;
            }
            b'\n' | b'\r' if !quoted => break,
            _ => {}
        }
        i += 1;
    }
    spans.push(field_start..i);
    spans
}

/// Reads the units CSV. Unknown columns are reported as warnings (CRM
/// exports carry many); bad cells as errors with their row and column.
pub fn read(
    text: &str,
    file: FileId,
    problems: &mut Problems,
    mapping: &[(String, Sp<String>)],
) -> Vec<RawUnit> {
    let text_nobom = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - text_nobom.len();
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text_nobom.as_bytes());
    let span_at = |range: Range<usize>| Span {
        file,
        range: range.start + bom..range.end + bom,
    };
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            problems.error(
                ProblemKind::Syntax,
                &Span { file, range: 0..0 },
                format!("cannot read the CSV header: {e}"),
            );
            return Vec::new();
        }
    };
    let header_spans = field_spans(text_nobom, 0);
    let mut columns: Vec<Option<&str>> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let range = header_spans.get(i).cloned().unwrap_or(0..0);
        // A mapped column takes its key; a key that is mapped elsewhere no
        // longer matches its own name.
        let known = match mapping.iter().find(|(_, name)| name.v == h) {
            Some((key, _)) => UNIT_KEYS.iter().find(|k| **k == key).copied(),
            None => UNIT_KEYS
                .iter()
                .find(|k| **k == h && !mapping.iter().any(|(key, _)| key == *k))
                .copied(),
        };
        if known.is_none() {
            let mut help = String::new();
            if let Some(s) = did_you_mean(h, UNIT_KEYS) {
                help.push_str(&format!("did you mean `{s}`? "));
            }
            help.push_str(&format!("known columns: {}", UNIT_KEYS.join(", ")));
            problems
                .warning(
                    ProblemKind::NoEffect,
                    &span_at(range.clone()),
                    format!("unknown column `{h}` is ignored"),
                )
                .help(help);
        } else if columns.contains(&known) {
            problems.error(
                ProblemKind::Duplicate,
                &span_at(range.clone()),
                format!("column `{h}` appears twice"),
            );
        }
        columns.push(known);
    }
    for (key, name) in mapping {
        if !headers.iter().any(|h| h == name.v) {
            let cols: Vec<&str> = headers.iter().collect();
            let p = problems.error(
                ProblemKind::Missing,
                &name.span,
                format!(
                    "column `{}` (mapped to `{key}`) is not in the units CSV",
                    name.v
                ),
            );
            match did_you_mean(&name.v, &cols) {
                Some(s) => p.help(format!(
                    "did you mean `{s}`? the CSV has: {}",
                    cols.join(", ")
                )),
                None => p.help(format!("the CSV has: {}", cols.join(", "))),
            };
        }
    }
    for req in REQUIRED {
        if !columns.contains(&Some(req)) {
            let end = header_spans.last().map_or(0, |r| r.end);
            problems
                .error(
                    ProblemKind::Missing,
                    &span_at(0..end),
                    format!("the units CSV has no `{req}` column"),
                )
                .help(format!(
                    "required columns: {}; optional: the other unit keys",
                    REQUIRED.join(", ")
                ));
        }
    }

    let has_potential = columns.contains(&Some("potential"));
    let mut units = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let at = e.position().map_or(0, |p| p.byte() as usize);
                problems.error(
                    ProblemKind::Syntax,
                    &span_at(at..at),
                    format!("malformed CSV: {e}"),
                );
                break;
            }
        }
        let start = record.position().map_or(0, |p| p.byte() as usize);
        if record.iter().all(str::is_empty) {
            continue;
        }
        let spans = field_spans(text_nobom, start);
        let line_end = spans.last().map_or(start, |r| r.end);
        if record.len() != headers.len() {
            problems.error(
                ProblemKind::Shape,
                &span_at(start..line_end),
                format!(
                    "this row has {} fields but the header has {}",
                    record.len(),
                    headers.len()
                ),
            );
            continue;
        }
        let mut u = RawUnit {
            span: Some(span_at(start..line_end)),
            ..RawUnit::default()
        };
        let mut potential = None;
        for (i, value) in record.iter().enumerate() {
            let Some(col) = columns[i] else { continue };
            if value.is_empty() {
                continue;
            }
            let span = span_at(spans.get(i).cloned().unwrap_or(start..line_end));
            let string = || Some(Sp::new(value.to_string(), span.clone()));
            let mut number = || match value.replace('_', "").parse::<f64>() {
                Ok(x) => Some(Sp::new(x, span.clone())),
                Err(_) => {
                    problems
                        .error(ProblemKind::WrongType, &span, format!("column `{col}` must be a number, found `{value}`"))
                        .help("write plain numbers such as 1250000 or 0.18, without thousands separators");
                    None
                }
            };
            match col {
                "id" => u.id = string(),
                "name" => u.name = string(),
                "region" => u.region = string(),
                "segment" => u.segment = string(),
                "owner" => u.owner = string(),
                "x" => u.x = number(),
                "y" => u.y = number(),
                "lat" => u.lat = number(),
                "lon" => u.lon = number(),
                "potential" => {
                    potential = number();
                    u.potential_unreadable = potential.is_none();
                }
                "potential_cv" => u.potential_cv = number(),
                "workload_hours" => u.workload_hours = number(),
                "accounts" => u.accounts = number(),
                "locked" => {
                    u.locked = match value.to_ascii_lowercase().as_str() {
                        "true" | "yes" | "1" => Some(Sp::new(true, span.clone())),
                        "false" | "no" | "0" => Some(Sp::new(false, span.clone())),
                        _ => {
                            problems.error(
                                ProblemKind::WrongType,
                                &span,
                                format!("column `locked` must be true or false, found `{value}`"),
                            );
                            None
                        }
                    }
                }
                _ => {}
            }
        }
        // Without a potential column the header error says it once.
        u.potential_unreadable |= !has_potential;
        u.potential = potential.map(RawPotential::Mean);
        units.push(u);
    }
    units
}

/// Reads an adjacency CSV: pairs of unit ids, from columns named
/// `from,to` (or `i,j`, `a,b`, `unit_a,unit_b`), else the first two.
pub fn read_edges(
    text: &str,
    file: FileId,
    problems: &mut Problems,
) -> Vec<(Sp<String>, Sp<String>)> {
    let text_nobom = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - text_nobom.len();
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text_nobom.as_bytes());
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            problems.error(
                ProblemKind::Syntax,
                &Span { file, range: 0..0 },
                format!("cannot read the edges CSV header: {e}"),
            );
            return Vec::new();
        }
    };
    if headers.len() < 2 {
        problems
            .error(
                ProblemKind::Shape,
                &Span {
                    file,
                    range: bom..bom + text_nobom.find('\n').unwrap_or(text_nobom.len()),
                },
                "the edges CSV needs two columns of unit ids",
            )
            .help("e.g. a header `from,to` and one row per pair of adjacent units");
        return Vec::new();
    }
    let names: Vec<&str> = headers.iter().collect();
    let pair = [("from", "to"), ("i", "j"), ("a", "b"), ("unit_a", "unit_b")]
        .iter()
        .find_map(|(a, b)| {
            Some((
                names.iter().position(|n| n == a)?,
                names.iter().position(|n| n == b)?,
            ))
        })
        .unwrap_or((0, 1));
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let at = e.position().map_or(0, |p| p.byte() as usize);
                problems.error(
                    ProblemKind::Syntax,
                    &Span {
                        file,
                        range: at + bom..at + bom,
                    },
                    format!("malformed CSV: {e}"),
                );
                break;
            }
        }
        if record.iter().all(str::is_empty) {
            continue;
        }
        let start = record.position().map_or(0, |p| p.byte() as usize);
        let spans = field_spans(text_nobom, start);
        let cell = |i: usize| {
            let r = spans.get(i).cloned().unwrap_or(start..start);
            Sp::new(
                record.get(i).unwrap_or("").to_string(),
                Span {
                    file,
                    range: r.start + bom..r.end + bom,
                },
            )
        };
        let (a, b) = (cell(pair.0), cell(pair.1));
        if a.v.is_empty() || b.v.is_empty() {
            let end = spans.last().map_or(start, |r| r.end);
            problems.error(
                ProblemKind::Missing,
                &Span {
                    file,
                    range: start + bom..end + bom,
                },
                "an edge needs two unit ids",
            );
            continue;
        }
        out.push((a, b));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_handle_quotes() {
        let t = "a,\"b,c\",d\nx";
        let s = field_spans(t, 0);
        assert_eq!(s, vec![0..1, 2..7, 8..9]);
    }
}
