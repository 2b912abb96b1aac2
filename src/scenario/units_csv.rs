//! Units (and adjacency) from a CSV file: every cell keeps its place so
//! problems point at the row and column where they are, also in Windows
//! (CRLF) files. The delimiter (comma, semicolon or tab: what Excel writes
//! in different locales) is detected from the header. A problem that makes
//! the whole table unreadable (no header, a required column missing, a
//! quote never closed, no rows) is reported once, and the rows are not read
//! on as if it were fine.

use super::diag::{FileId, ProblemKind, Problems, Span, did_you_mean};
use super::raw::{RawPotential, RawUnit, UNIT_KEYS};
use super::reader::{Sp, plain_text};
use std::ops::Range;

const REQUIRED: &[&str] = &["id", "potential"];

/// A CSV table read: the units, and whether the table as a whole could be
/// read (when not, the problem is reported and nothing that depends on the
/// units is checked against an empty list).
pub struct CsvUnits {
    pub units: Vec<RawUnit>,
    pub ok: bool,
}

/// The text after a BOM, the BOM's length, and the delimiter. Shared by
/// every CSV input (units, edges, transaction history, roster).
pub(crate) struct Table<'a> {
    pub(crate) body: &'a str,
    bom: usize,
    pub(crate) delimiter: u8,
    file: FileId,
}

impl<'a> Table<'a> {
    pub(crate) fn new(
        text: &'a str,
        file: FileId,
        problems: &mut Problems,
        what: &str,
    ) -> Table<'a> {
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        let bom = text.len() - body.len();
        let delimiter = sniff_delimiter(body);
        let t = Table {
            body,
            bom,
            delimiter,
            file,
        };
        if delimiter != b',' {
            problems.warning(
                ProblemKind::FileFormat,
                &t.span(0..0),
                format!(
                    "the {what} is separated by {}, not commas: read as such",
                    if delimiter == b';' {
                        "semicolons"
                    } else {
                        "tabs"
                    }
                ),
            );
        }
        t
    }

    pub(crate) fn span(&self, range: Range<usize>) -> Span {
        Span {
            file: self.file,
            range: range.start + self.bom..range.end + self.bom,
        }
    }

    pub(crate) fn reader(&self) -> csv::Reader<&'a [u8]> {
        csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(true)
            .delimiter(self.delimiter)
            .from_reader(self.body.as_bytes())
    }

    /// Byte ranges of the fields of the record starting near `start`
    /// (quote-aware). The CSV reader places a record after a CRLF file's
    /// `\r`; the record itself starts after the line break.
    pub(crate) fn field_spans(&self, start: usize) -> Vec<Range<usize>> {
        let bytes = self.body.as_bytes();
        let mut i = start;
        while i < bytes.len() && matches!(bytes[i], b'\r' | b'\n') {
            i += 1;
        }
        let mut spans = Vec::new();
        let mut field_start = i;
        let mut quoted = false;
        while i < bytes.len() {
            match bytes[i] {
                b'"' => quoted = !quoted,
                b if b == self.delimiter && !quoted => {
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

    /// The place of a quote that is never closed, if any.
    fn unclosed_quote(&self) -> Option<usize> {
        let mut open: Option<usize> = None;
        let mut at_field_start = true;
        for (i, &b) in self.body.as_bytes().iter().enumerate() {
            match (open, b) {
                (None, b'"') if at_field_start => open = Some(i),
                (Some(_), b'"') => open = None,
                _ => {}
            }
            if open.is_none() {
                at_field_start = b == self.delimiter || b == b'\n' || b == b'\r';
            }
        }
        open
    }

    /// A reader past the header, with the header: `None` (reported) when a
    /// quote is never closed or the header cannot be read. `what` names
    /// the file in the message ("history CSV").
    pub(crate) fn open(
        &self,
        problems: &mut Problems,
        what: &str,
    ) -> Option<(csv::Reader<&'a [u8]>, csv::StringRecord)> {
        if !self.quotes_closed(problems) {
            return None;
        }
        let mut rdr = self.reader();
        match rdr.headers() {
            Ok(h) => {
                let h = h.clone();
                Some((rdr, h))
            }
            Err(e) => {
                problems.error(
                    ProblemKind::Syntax,
                    &self.span(0..0),
                    format!("cannot read the {what} header: {e}"),
                );
                None
            }
        }
    }

    /// Reports an unclosed quote; true when the table is fine.
    pub(crate) fn quotes_closed(&self, problems: &mut Problems) -> bool {
        match self.unclosed_quote() {
            None => true,
            Some(at) => {
                problems
                    .error(
                        ProblemKind::Syntax,
                        &self.span(at..at + 1),
                        "this quote opens a field that is never closed",
                    )
                    .help(
                        "a field in quotes must end with a quote; look for a stray `\"` in a name",
                    );
                false
            }
        }
    }
}

/// `0,3` or `-12,75`: a number written with a decimal comma.
pub(crate) fn is_decimal_comma(value: &str) -> bool {
    let digits = value.strip_prefix(['-', '+']).unwrap_or(value);
    digits.split_once(',').is_some_and(|(int, frac)| {
        !int.is_empty()
            && !frac.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.bytes().all(|b| b.is_ascii_digit())
    })
}

/// The delimiter of the header line: the one of comma, semicolon and tab
/// that occurs most outside quotes (comma on a tie or none). The scenario
/// editor writes units back with the delimiter this reads.
pub(crate) fn sniff_delimiter(body: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in body.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        [b',', b';', b'\t'][best]
    }
}

/// Reads the units CSV. Unknown columns are reported as warnings (CRM
/// exports carry many); bad cells as errors with their row and column.
pub fn read(
    text: &str,
    file: FileId,
    problems: &mut Problems,
    mapping: &[(String, Sp<String>)],
) -> CsvUnits {
    let failed = CsvUnits {
        units: Vec::new(),
        ok: false,
    };
    let t = Table::new(text, file, problems, "units CSV");
    let Some((mut rdr, headers)) = t.open(problems, "CSV") else {
        return failed;
    };
    let header_spans = t.field_spans(0);
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
                    format!("the units CSV has no `{req}` column"),
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
        return failed;
    }

    // Excel in a decimal-comma locale writes `;`-separated files with
    // `0,3`; such a cell cannot be a thousands separator there.
    let decimal_comma: std::cell::RefCell<Option<(String, Span)>> = Default::default();
    let mut units = Vec::new();
    let mut rows = 0usize;
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let at = e.position().map_or(0, |p| p.byte() as usize);
                problems.error(
                    ProblemKind::Syntax,
                    &t.span(at..at),
                    format!("malformed CSV: {e}"),
                );
                return failed;
            }
        }
        let position = record.position().map_or(0, |p| p.byte() as usize);
        if record.iter().all(str::is_empty) {
            continue;
        }
        rows += 1;
        let spans = t.field_spans(position);
        let start = spans.first().map_or(position, |r| r.start);
        let line_end = spans.last().map_or(start, |r| r.end);
        if record.len() != headers.len() {
            problems.error(
                ProblemKind::Shape,
                &t.span(start..line_end),
                format!(
                    "this row has {} fields but the header has {}",
                    record.len(),
                    headers.len()
                ),
            );
            continue;
        }
        let mut u = RawUnit {
            span: Some(t.span(start..line_end)),
            ..RawUnit::default()
        };
        let mut potential = None;
        for (i, value) in record.iter().enumerate() {
            let Some(col) = columns[i] else { continue };
            if value.is_empty() {
                continue;
            }
            let span = t.span(spans.get(i).cloned().unwrap_or(start..line_end));
            u.written.push(col.to_string());
            let text = Sp::new(value.to_string(), span.clone());
            let string =
                |problems: &mut Problems| plain_text(problems, &text, col).then(|| text.clone());
            let number = |problems: &mut Problems| match value.replace('_', "").parse::<f64>() {
                Ok(x) => Some(Sp::new(x, span.clone())),
                Err(_) if t.delimiter != b',' && is_decimal_comma(value) => {
                    if decimal_comma.borrow().is_none() {
                        *decimal_comma.borrow_mut() = Some((value.to_string(), span.clone()));
                    }
                    let x: f64 = value.replace(',', ".").parse().ok()?;
                    Some(Sp::new(x, span.clone()))
                }
                Err(_) => {
                    problems
                        .error(ProblemKind::WrongType, &span, format!("column `{col}` must be a number, found `{value}`"))
                        .help("write plain numbers such as 1250000 or 0.18, without thousands separators");
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
        u.potential = potential.map(RawPotential::Mean);
        units.push(u);
    }
    if let Some((example, span)) = decimal_comma.into_inner() {
        problems.warning(
            ProblemKind::FileFormat,
            &span,
            format!("the units CSV writes decimal commas (`{example}`): read as decimal points"),
        );
    }
    if rows == 0 {
        problems
            .error(
                ProblemKind::Missing,
                &t.span(0..header_end),
                "the units CSV has no rows, only a header",
            )
            .help("add one row per unit below the header");
        return failed;
    }
    CsvUnits { units, ok: true }
}

/// Reads an adjacency CSV: pairs of unit ids, from columns named
/// `from,to` (or `i,j`, `a,b`, `unit_a,unit_b`), else the first two.
pub fn read_edges(
    text: &str,
    file: FileId,
    problems: &mut Problems,
) -> Vec<(Sp<String>, Sp<String>)> {
    let t = Table::new(text, file, problems, "edges CSV");
    let Some((mut rdr, headers)) = t.open(problems, "edges CSV") else {
        return Vec::new();
    };
    if headers.len() < 2 {
        problems
            .error(
                ProblemKind::Shape,
                &t.span(0..t.body.find(['\n', '\r']).unwrap_or(t.body.len())),
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
                    &t.span(at..at),
                    format!("malformed CSV: {e}"),
                );
                break;
            }
        }
        if record.iter().all(str::is_empty) {
            continue;
        }
        let position = record.position().map_or(0, |p| p.byte() as usize);
        let spans = t.field_spans(position);
        let start = spans.first().map_or(position, |r| r.start);
        let cell = |i: usize| {
            let r = spans.get(i).cloned().unwrap_or(start..start);
            Sp::new(record.get(i).unwrap_or("").to_string(), t.span(r))
        };
        let (a, b) = (cell(pair.0), cell(pair.1));
        if a.v.is_empty() || b.v.is_empty() {
            let end = spans.last().map_or(start, |r| r.end);
            problems.error(
                ProblemKind::Missing,
                &t.span(start..end),
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

    fn table(text: &str) -> Table<'_> {
        Table::new(text, 0, &mut Problems::default(), "test CSV")
    }

    #[test]
    fn spans_handle_quotes_and_crlf() {
        let t = table("a,\"b,c\",d\nx");
        assert_eq!(t.field_spans(0), vec![0..1, 2..7, 8..9]);
        let t = table("a,b\r\nx,y\r\n");
        // The reader places the second record at the `\r`.
        assert_eq!(t.field_spans(3), vec![5..6, 7..8]);
    }

    #[test]
    fn decimal_commas_are_recognised() {
        for yes in ["0,3", "-12,75", "+1,0"] {
            assert!(is_decimal_comma(yes), "{yes}");
        }
        for no in ["1,000,000", "1.000,5", ",5", "5,", "a,b", "1e3", "0.3"] {
            assert!(!is_decimal_comma(no), "{no}");
        }
    }

    #[test]
    fn delimiters_are_sniffed_from_the_header() {
        assert_eq!(sniff_delimiter("id;name;potential\n1,5;x;2"), b';');
        assert_eq!(sniff_delimiter("id\tname\n"), b'\t');
        assert_eq!(sniff_delimiter("id,\"a;b\",c\n"), b',');
        assert_eq!(sniff_delimiter("id\n"), b',');
    }

    #[test]
    fn an_unclosed_quote_is_found_where_it_opens() {
        assert_eq!(table("id,name\n1,\"Acme\n2,B\n").unclosed_quote(), Some(10));
        assert_eq!(
            table("id,name\n1,\"A \"\"x\"\" B\"\n").unclosed_quote(),
            None
        );
        assert_eq!(table("id,name\n1,5\" screen\n").unclosed_quote(), None);
    }
}
