//! Units (and adjacency) from a CSV file: every cell keeps its place so
//! problems point at the row and column where they are, also in Windows
//! (CRLF) files. The delimiter (comma, semicolon or tab: what Excel writes
//! in different locales) is detected from the header. A problem that makes
//! the whole table unreadable (no header, a required column missing, a
//! quote never closed, no rows) is reported once, and the rows are not read
//! on as if it were fine.

use super::raw::{RawPotential, RawUnit, UNIT_KEYS};
use super::reader::{Sp, plain_text};
use crate::source::diag::{FileId, ProblemKind, Problems, Span, did_you_mean};
use crate::source::table::{Table, is_decimal_comma};
use std::ops::Range;

const REQUIRED: &[&str] = &["id", "potential"];

/// What the units table is: a CSV file, or a workbook's sheet turned into
/// CSV text (the messages say which; a sheet's numbers are cells).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Csv,
    Sheet,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Csv => "units CSV",
            Kind::Sheet => "units sheet",
        }
    }

    fn short(self) -> &'static str {
        match self {
            Kind::Csv => "the CSV",
            Kind::Sheet => "the sheet",
        }
    }

    fn number_help(self) -> &'static str {
        match self {
            Kind::Csv => {
                "write plain numbers such as 1250000 or 0.18, without thousands separators"
            }
            Kind::Sheet => {
                "a number cell, or text holding a plain number such as 1250000 or 0.18; a date, a boolean (TRUE/FALSE) or an error value (#N/A) is not a number"
            }
        }
    }
}

/// The rows of a units CSV, read one at a time: the caller validates each
/// row and drops it, so a million-row file never exists as a million raw
/// rows at once. Unknown columns are reported as warnings (CRM exports
/// carry many); bad cells as errors with their row and column.
pub struct UnitRows<'a> {
    t: Table<'a>,
    rdr: csv::Reader<&'a [u8]>,
    record: csv::StringRecord,
    /// The unit key each column holds (`None`: ignored).
    columns: Vec<Option<&'static str>>,
    header_end: usize,
    /// Byte ranges of the current row's fields (reused from row to row).
    spans: Vec<Range<usize>>,
    rows: usize,
    /// Excel in a decimal-comma locale writes `;`-separated files with
    /// `0,3`; such a cell cannot be a thousands separator there. The first
    /// one is kept for a single warning.
    decimal_comma: Option<(String, Span)>,
    /// The CSV broke off before its end (reported).
    broken: bool,
    kind: Kind,
}

impl<'a> UnitRows<'a> {
    /// Reads the header. `None` (reported) when the table as a whole cannot
    /// be read: no header, a required column missing or doubled, a quote
    /// never closed; the rows are then not read on as if it were fine.
    pub fn open(
        text: &'a str,
        file: FileId,
        problems: &mut Problems,
        mapping: &[(String, Sp<String>)],
        kind: Kind,
    ) -> Option<UnitRows<'a>> {
        let t = Table::new(text, file, problems, kind.name());
        let (rdr, headers) = t.open_trimming(problems, kind.name(), csv::Trim::Headers)?;
        let header_spans = t.field_spans(0);
        let mut columns: Vec<Option<&'static str>> = Vec::new();
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
                        &t.span(range.clone()),
                        format!("unknown column `{h}` is ignored"),
                    )
                    .help(help);
            } else if columns.contains(&known) {
                problems.error(
                    ProblemKind::Duplicate,
                    &t.span(range.clone()),
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
                        "column `{}` (mapped to `{key}`) is not in the {}",
                        name.v,
                        kind.name()
                    ),
                );
                match did_you_mean(&name.v, &cols) {
                    Some(s) => p.help(format!(
                        "did you mean `{s}`? {} has: {}",
                        kind.short(),
                        cols.join(", ")
                    )),
                    None => p.help(format!("{} has: {}", kind.short(), cols.join(", "))),
                };
            }
        }
        let header_end = header_spans.last().map_or(0, |r| r.end);
        let unknown: Vec<&str> = headers
            .iter()
            .zip(&columns)
            .filter(|(_, c)| c.is_none())
            .map(|(h, _)| h)
            .collect();
        let mut required_missing = false;
        for req in REQUIRED {
            if !columns.contains(&Some(req)) {
                required_missing = true;
                let mut help = format!(
                    "required columns: {}; optional: the other unit keys",
                    REQUIRED.join(", ")
                );
                if let Some(h) = unknown.first()
                    && !mapping.iter().any(|(key, _)| key == req)
                {
                    help.push_str(&format!(
                        "; if `{h}` holds it, map it in the scenario: [units] columns = {{ {req} = \"{h}\" }}"
                    ));
                }
                problems
                    .error(
                        ProblemKind::Missing,
                        &t.span(0..header_end),
                        format!("the {} has no `{req}` column", kind.name()),
                    )
                    .help(help);
            }
        }
        // With a column missing or doubled, every row would repeat the problem.
        let doubled = columns
            .iter()
            .enumerate()
            .any(|(i, c)| c.is_some() && columns[..i].contains(c));
        if required_missing || doubled {
            return None;
        }
        Some(UnitRows {
            t,
            rdr,
            record: csv::StringRecord::new(),
            columns,
            header_end,
            spans: Vec::new(),
            rows: 0,
            decimal_comma: None,
            broken: false,
            kind,
        })
    }

    /// The next row as a raw unit (its bad cells reported); `None` at the
    /// end, or when the CSV breaks off (reported).
    pub fn next(&mut self, problems: &mut Problems) -> Option<RawUnit> {
        loop {
            match next_record(&self.t, &mut self.rdr, &mut self.record, problems) {
                Some(true) => {}
                Some(false) => return None,
                None => {
                    self.broken = true;
                    return None;
                }
            }
            let position = self.record.position().map_or(0, |p| p.byte() as usize);
            if self.record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            self.rows += 1;
            self.t.field_spans_into(position, &mut self.spans);
            let start = self.spans.first().map_or(position, |r| r.start);
            let line_end = self.spans.last().map_or(start, |r| r.end);
            if self.record.len() != self.columns.len() {
                problems.error(
                    ProblemKind::Shape,
                    &self.t.span(start..line_end),
                    format!(
                        "this row has {} fields but the header has {}",
                        self.record.len(),
                        self.columns.len()
                    ),
                );
                continue;
            }
            return Some(self.unit(problems, start..line_end));
        }
    }

    /// The current record as a raw unit; `line` is its place.
    fn unit(&mut self, problems: &mut Problems, line: Range<usize>) -> RawUnit {
        let t = &self.t;
        let mut u = RawUnit {
            span: Some(t.span(line.clone())),
            ..RawUnit::default()
        };
        let mut potential = None;
        for (i, value) in self.record.iter().enumerate() {
            let Some(col) = self.columns[i] else { continue };
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let span = t.span(self.spans.get(i).cloned().unwrap_or(line.clone()));
            u.written.insert(col);
            let string = |problems: &mut Problems| {
                let text = Sp::new(value.to_string(), span.clone());
                plain_text(problems, &text, col).then_some(text)
            };
            let decimal_comma = &mut self.decimal_comma;
            let kind = self.kind;
            let mut number = |problems: &mut Problems| match parse_number(value) {
                Some(x) => Some(Sp::new(x, span.clone())),
                None if t.delimiter != b',' && is_decimal_comma(value) => {
                    if decimal_comma.is_none() {
                        *decimal_comma = Some((value.to_string(), span.clone()));
                    }
                    let x: f64 = value.replace(',', ".").parse().ok()?;
                    Some(Sp::new(x, span.clone()))
                }
                None => {
                    problems
                        .error(
                            ProblemKind::WrongType,
                            &span,
                            format!("column `{col}` must be a number, found `{value}`"),
                        )
                        .help(kind.number_help());
                    None
                }
            };
            match col {
                "id" => u.id = string(problems),
                "name" => u.name = string(problems),
                "region" => u.region = string(problems),
                "segment" => u.segment = string(problems),
                "owner" => u.owner = string(problems),
                "x" => u.x = number(problems),
                "y" => u.y = number(problems),
                "lat" => u.lat = number(problems),
                "lon" => u.lon = number(problems),
                "potential" => {
                    potential = number(problems);
                    u.potential_unreadable = potential.is_none();
                }
                "potential_cv" => u.potential_cv = number(problems),
                "deals_per_year" => u.deals_per_year = number(problems),
                "deal_size_cv" => u.deal_size_cv = number(problems),
                "workload_hours" => u.workload_hours = number(problems),
                "accounts" => u.accounts = number(problems),
                "locked" => {
                    u.locked = if ["true", "yes", "1"]
                        .iter()
                        .any(|w| value.eq_ignore_ascii_case(w))
                    {
                        Some(Sp::new(true, span.clone()))
                    } else if ["false", "no", "0"]
                        .iter()
                        .any(|w| value.eq_ignore_ascii_case(w))
                    {
                        Some(Sp::new(false, span.clone()))
                    } else {
                        problems.error(
                            ProblemKind::WrongType,
                            &span,
                            format!("column `locked` must be true or false, found `{value}`"),
                        );
                        None
                    }
                }
                _ => {}
            }
        }
        u.potential = potential.map(RawPotential::Mean);
        u
    }

    /// Ends the table: true when it was read to its end and had rows
    /// (otherwise it is reported).
    pub fn finish(self, problems: &mut Problems) -> bool {
        if self.broken {
            return false;
        }
        if let Some((example, span)) = self.decimal_comma {
            problems.warning(
                ProblemKind::FileFormat,
                &span,
                format!(
                    "the {} writes decimal commas (`{example}`): read as decimal points",
                    self.kind.name()
                ),
            );
        }
        if self.rows == 0 {
            problems
                .error(
                    ProblemKind::Missing,
                    &self.t.span(0..self.header_end),
                    format!("the {} has no rows, only a header", self.kind.name()),
                )
                .help("add one row per unit below the header");
            return false;
        }
        true
    }
}

/// A number cell: `1_250_000` reads as 1250000, as in TOML.
fn parse_number(value: &str) -> Option<f64> {
    if value.contains('_') {
        value.replace('_', "").parse().ok()
    } else {
        value.parse().ok()
    }
}

/// Reads the next record into `record`: `Some(true)` when read,
/// `Some(false)` at the end, `None` when the CSV is malformed (reported).
fn next_record(
    t: &Table<'_>,
    rdr: &mut csv::Reader<&[u8]>,
    record: &mut csv::StringRecord,
    problems: &mut Problems,
) -> Option<bool> {
    match rdr.read_record(record) {
        Ok(more) => Some(more),
        Err(e) => {
            let at = e.position().map_or(0, |p| p.byte() as usize);
            problems.error(
                ProblemKind::Syntax,
                &t.span(at..at),
                format!("malformed CSV: {e}"),
            );
            None
        }
    }
}

/// An adjacency CSV read whole: pairs of unit ids, from columns named
/// `from,to` (or `i,j`, `a,b`, `unit_a,unit_b`), else the first two. It
/// can be read while the units are validated; the ids sit in one buffer
/// (not a string each), and the places of a row's cells are worked out
/// only for a row that has a problem.
pub struct EdgeList<'a> {
    t: Table<'a>,
    pair: (usize, usize),
    /// Every id, one after the other.
    ids: String,
    /// Per edge: where its two ids end in `ids`, and where its row starts.
    edges: Vec<EdgeEntry>,
}

struct EdgeEntry {
    a_end: usize,
    b_end: usize,
    row: usize,
}

impl<'a> EdgeList<'a> {
    /// Reads the table; `None` (reported) when it cannot be read. A row
    /// without two ids is reported and left out.
    pub fn read(text: &'a str, file: FileId, problems: &mut Problems) -> Option<EdgeList<'a>> {
        let t = Table::new(text, file, problems, "edges CSV");
        let (mut rdr, headers) = t.open_trimming(problems, "edges CSV", csv::Trim::Headers)?;
        if headers.len() < 2 {
            problems
                .error(
                    ProblemKind::Shape,
                    &t.span(0..t.body.find(['\n', '\r']).unwrap_or(t.body.len())),
                    "the edges CSV needs two columns of unit ids",
                )
                .help("e.g. a header `from,to` and one row per pair of adjacent units");
            return None;
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
        let mut list = EdgeList {
            t,
            pair,
            ids: String::new(),
            edges: Vec::new(),
        };
        let mut record = csv::StringRecord::new();
        let mut spans = Vec::new();
        while next_record(&list.t, &mut rdr, &mut record, problems) == Some(true) {
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let row = record.position().map_or(0, |p| p.byte() as usize);
            let (a, b) = (
                record.get(pair.0).unwrap_or("").trim(),
                record.get(pair.1).unwrap_or("").trim(),
            );
            if a.is_empty() || b.is_empty() {
                list.t.field_spans_into(row, &mut spans);
                let start = spans.first().map_or(row, |r| r.start);
                let end = spans.last().map_or(start, |r| r.end);
                problems.error(
                    ProblemKind::Missing,
                    &list.t.span(start..end),
                    "an edge needs two unit ids",
                );
                continue;
            }
            list.ids.push_str(a);
            let a_end = list.ids.len();
            list.ids.push_str(b);
            list.edges.push(EdgeEntry {
                a_end,
                b_end: list.ids.len(),
                row,
            });
        }
        Some(list)
    }

    /// How many edges were read.
    pub fn count(&self) -> usize {
        self.edges.len()
    }

    /// The two unit ids of edge `k`.
    pub fn ids(&self, k: usize) -> (&str, &str) {
        let e = &self.edges[k];
        let start = if k == 0 { 0 } else { self.edges[k - 1].b_end };
        (&self.ids[start..e.a_end], &self.ids[e.a_end..e.b_end])
    }

    /// The places of edge `k`'s two ids.
    pub fn places(&self, k: usize) -> (Span, Span) {
        let spans = self.t.field_spans(self.edges[k].row);
        let start = spans.first().map_or(0, |r| r.start);
        let place = |i: usize| self.t.span(spans.get(i).cloned().unwrap_or(start..start));
        (place(self.pair.0), place(self.pair.1))
    }
}
