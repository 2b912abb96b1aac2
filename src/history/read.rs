//! Reading a history CSV (and its roster) with the units reader's table:
//! any encoding Excel writes, comma, semicolon or tab, CRLF, decimal
//! commas in semicolon files; every bad cell located.

use super::columns::{Columns, FIELDS, REQUIRED};
use super::roster;
use super::{History, NONE, Returns, Txn, UnitInfo, dates};
use crate::source::diag::{FileId, Problem, ProblemKind, Problems, Sources, Span, did_you_mean};
use crate::source::table::{Table, is_decimal_comma};
use crate::source::text;
use crate::source::text::note_encoding;
use crate::source::{Setting, Spelling};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Row problems recorded one by one; past this many, the rest are counted
/// (a wrong date format makes every row wrong, and a million located
/// copies of one mistake help no one).
const MAX_ROW_PROBLEMS: usize = 1000;

/// How to read the history.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    pub columns: Columns,
    /// chrono/strftime format of the date column; ISO 8601 when `None`.
    pub date_format: Option<String>,
    /// Rows dated on or after this are left out (counted).
    pub until: Option<NaiveDate>,
    /// How the caller spells its settings, for messages that name one.
    pub spelling: Spelling,
}

/// The outcome: the history when there were no errors, every problem found
/// (warnings too), and the texts they point into.
#[derive(Debug)]
pub struct Read {
    pub history: Option<History>,
    pub problems: Vec<Problem>,
    pub sources: Sources,
}

/// Reads `history` (name, bytes) and the optional `roster` (name, bytes).
pub fn read(history: (&str, &[u8]), roster: Option<(&str, &[u8])>, opts: &ReadOptions) -> Read {
    let mut sources = Sources::default();
    let mut problems = Problems::default();
    let h = decode(history, "history CSV", &mut sources, &mut problems)
        .and_then(|file| rows(&sources, file, opts, &mut problems));
    let r = roster.map(|named| {
        decode(named, "roster CSV", &mut sources, &mut problems).and_then(|file| {
            roster::read(
                &sources.files[file].text,
                file,
                opts.date_format.as_deref(),
                opts.spelling,
                &mut problems,
            )
        })
    });
    let history = match (h, r) {
        (Some(mut h), None) => {
            h.roster = None;
            Some(h)
        }
        (Some(mut h), Some(Some(reps))) => {
            h.roster = Some(reps);
            Some(h)
        }
        _ => None,
    };
    Read {
        history: history.filter(|_| !problems.has_errors()),
        problems: problems.sorted(),
        sources,
    }
}

fn decode(
    (name, bytes): (&str, &[u8]),
    what: &str,
    sources: &mut Sources,
    problems: &mut Problems,
) -> Option<FileId> {
    match text::decode(bytes) {
        Ok(d) => {
            let file = sources.add(name, d.text.clone());
            note_encoding(file, &d, what, problems);
            Some(file)
        }
        Err(e) => {
            problems.push(Problem::error(
                ProblemKind::File,
                format!("cannot read {what} `{name}`: {e}"),
                None,
            ));
            None
        }
    }
}

/// Interns names: each distinct string gets the next index.
#[derive(Default)]
struct Names {
    index: HashMap<String, u32>,
    list: Vec<String>,
}

impl Names {
    fn get(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.list.len() as u32;
        self.index.insert(s.to_string(), i);
        self.list.push(s.to_string());
        i
    }
}

/// Row problems beyond [`MAX_ROW_PROBLEMS`] are counted, not recorded.
struct RowProblems<'p> {
    problems: &'p mut Problems,
    recorded: usize,
    dropped: usize,
}

impl RowProblems<'_> {
    fn error(&mut self, span: Span, kind: ProblemKind, message: String, help: String) {
        if self.recorded >= MAX_ROW_PROBLEMS {
            self.dropped += 1;
            return;
        }
        self.recorded += 1;
        self.problems.error(kind, &span, message).help(help);
    }
}

/// The columns of the fields (`[date, unit, owner, amount, region,
/// segment]`), each missing required or mapped one reported; `None` when
/// any is.
fn columns(
    t: &Table<'_>,
    names: &[&str],
    opts: &ReadOptions,
    problems: &mut Problems,
) -> Option<[Option<usize>; 6]> {
    let header_end = t.field_spans(0).last().map_or(0, |r| r.end);
    let mut col: [Option<usize>; 6] = [None; 6];
    let mut missing = false;
    for (i, field) in FIELDS.iter().enumerate() {
        let want = opts.columns.name(field);
        col[i] = names.iter().position(|h| *h == want);
        let required = REQUIRED.contains(field);
        if col[i].is_some() || !(required || opts.columns.explicit(field)) {
            continue;
        }
        missing = true;
        let mut help = String::new();
        if let Some(s) = did_you_mean(want, names) {
            help.push_str(&format!("did you mean `{s}`? "));
        }
        help.push_str(&format!("the CSV has: {}", names.join(", ")));
        if !opts.columns.explicit(field) {
            let example = names
                .iter()
                .find(|n| !FIELDS.contains(n))
                .copied()
                .unwrap_or("Column Name");
            help.push_str(&format!(
                "; map the column that holds the {field} with {} {field}=\"{example}\"",
                opts.spelling.of(Setting::Columns)
            ));
        }
        problems
            .error(
                ProblemKind::Missing,
                &t.span(0..header_end),
                if opts.columns.explicit(field) {
                    format!(
                        "column `{want}` (mapped to `{field}` by {}) is not in the history CSV",
                        opts.spelling.of(Setting::Columns)
                    )
                } else {
                    format!("the history CSV has no `{field}` column")
                },
            )
            .help(help);
    }
    (!missing).then_some(col)
}

/// The rows as they are read: names interned, what is left out counted,
/// bad cells reported.
struct Rows<'p> {
    units: Names,
    owners: Names,
    regions: Names,
    segments: Names,
    rows: Vec<Txn>,
    returns: Returns,
    after_until: usize,
    /// The first amount written with a decimal comma, and where.
    decimal_comma: Option<(String, Span)>,
    bad: RowProblems<'p>,
    read_any: bool,
}

/// Where the fields are, and the table they are read from.
struct Layout<'t> {
    t: &'t Table<'t>,
    fields: usize,
    date: usize,
    unit: usize,
    amount: usize,
    owner: Option<usize>,
    region: Option<usize>,
    segment: Option<usize>,
}

impl Rows<'_> {
    /// Reads one record; a record with a problem is reported and skipped.
    fn record(&mut self, l: &Layout<'_>, opts: &ReadOptions, record: &csv::StringRecord) {
        if record.iter().all(str::is_empty) {
            return;
        }
        self.read_any = true;
        let t = l.t;
        let position = record.position().map_or(0, |p| p.byte() as usize);
        // Places are worked out only for a row with a problem.
        let cell_span = |i: usize| {
            let spans = t.field_spans(position);
            let r = spans
                .get(i)
                .cloned()
                .unwrap_or_else(|| spans.first().map_or(position..position, |s| s.start..s.end));
            t.span(r)
        };
        if record.len() != l.fields {
            let spans = t.field_spans(position);
            let r = spans.first().map_or(position, |s| s.start)
                ..spans.last().map_or(position, |s| s.end);
            self.bad.error(
                t.span(r),
                ProblemKind::Shape,
                format!(
                    "this row has {} fields but the header has {}",
                    record.len(),
                    l.fields
                ),
                "a field holding the delimiter must be in quotes".into(),
            );
            return;
        }
        let date = self.date(&record[l.date], opts, || cell_span(l.date));
        let unit = &record[l.unit];
        if unit.is_empty() {
            self.bad.error(
                cell_span(l.unit),
                ProblemKind::Missing,
                format!("the {} is empty", opts.columns.name("unit")),
                "every row needs the unit (account, customer, store or territory) it was sold to"
                    .into(),
            );
        }
        let amount = self.amount(&record[l.amount], t.delimiter, || cell_span(l.amount));
        let (Some(date), Some(amount), false) = (date, amount, unit.is_empty()) else {
            return;
        };
        if opts.until.is_some_and(|u| date >= u) {
            self.after_until += 1;
            return;
        }
        let tag = |c: Option<usize>, names: &mut Names| match c.map(|c| &record[c]) {
            Some(v) if !v.is_empty() => names.get(v),
            _ => NONE,
        };
        if amount < 0.0 {
            self.returns.rows += 1;
            self.returns.total += amount;
        }
        let txn = Txn {
            date,
            unit: self.units.get(unit),
            owner: tag(l.owner, &mut self.owners),
            region: tag(l.region, &mut self.regions),
            segment: tag(l.segment, &mut self.segments),
            amount,
        };
        self.rows.push(txn);
    }

    /// A row's date, or `None` (reported).
    fn date(
        &mut self,
        cell: &str,
        opts: &ReadOptions,
        place: impl Fn() -> Span,
    ) -> Option<NaiveDate> {
        match dates::parse(cell, opts.date_format.as_deref()) {
            Ok(d) => Some(d),
            Err(e) => {
                let (message, help) = if cell.is_empty() {
                    (
                        "the date is empty".to_string(),
                        "every row needs a date".to_string(),
                    )
                } else {
                    (e.message(opts.spelling), e.help(opts.spelling))
                };
                self.bad
                    .error(place(), ProblemKind::WrongType, message, help);
                None
            }
        }
    }

    /// A row's amount, or `None` (reported). In a file separated by
    /// semicolons or tabs a decimal comma is read as a point (and noted).
    fn amount(&mut self, cell: &str, delimiter: u8, place: impl Fn() -> Span) -> Option<f64> {
        match cell.replace('_', "").parse::<f64>() {
            Ok(x) if x.is_finite() => Some(x),
            Err(_) if delimiter != b',' && is_decimal_comma(cell) => {
                if self.decimal_comma.is_none() {
                    self.decimal_comma = Some((cell.to_string(), place()));
                }
                cell.replace(',', ".").parse::<f64>().ok()
            }
            _ => {
                let help = if cell.contains(',') {
                    "write plain numbers such as 1250000.50, without thousands separators"
                } else if cell.is_empty() {
                    "every row needs an amount; a return is a negative amount"
                } else {
                    "write plain numbers such as 1250000.50, without currency symbols or units"
                };
                self.bad.error(
                    place(),
                    ProblemKind::WrongType,
                    format!("the amount must be a number, found `{cell}`"),
                    help.into(),
                );
                None
            }
        }
    }
}

fn rows(
    sources: &Sources,
    file: FileId,
    opts: &ReadOptions,
    problems: &mut Problems,
) -> Option<History> {
    let text = &sources.files[file].text;
    let t = Table::new(text, file, problems, "history CSV");
    let (mut rdr, headers) = t.open(problems, "history CSV")?;
    let header_end = t.field_spans(0).last().map_or(0, |r| r.end);
    let names: Vec<&str> = headers.iter().collect();
    let [date, unit, owner, amount, region, segment] = columns(&t, &names, opts, problems)?;
    let layout = Layout {
        t: &t,
        fields: headers.len(),
        date: date?,
        unit: unit?,
        amount: amount?,
        owner,
        region,
        segment,
    };
    let mut r = Rows {
        units: Names::default(),
        owners: Names::default(),
        regions: Names::default(),
        segments: Names::default(),
        rows: Vec::new(),
        returns: Returns::default(),
        after_until: 0,
        decimal_comma: None,
        bad: RowProblems {
            problems,
            recorded: 0,
            dropped: 0,
        },
        read_any: false,
    };
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => r.record(&layout, opts, &record),
            Err(e) => {
                let at = e.position().map_or(0, |p| p.byte() as usize);
                r.bad.problems.error(
                    ProblemKind::Syntax,
                    &t.span(at..at),
                    format!("malformed CSV: {e}"),
                );
                return None;
            }
        }
    }
    r.finish(&t, header_end, opts, &layout)
}

impl Rows<'_> {
    /// What the rows say as a whole (rows left out, a file with no rows),
    /// then the history.
    fn finish(
        self,
        t: &Table<'_>,
        header_end: usize,
        opts: &ReadOptions,
        l: &Layout<'_>,
    ) -> Option<History> {
        let Rows {
            units,
            owners,
            regions,
            segments,
            mut rows,
            returns,
            after_until,
            decimal_comma,
            bad,
            read_any,
        } = self;
        if bad.dropped > 0 {
            let n = bad.dropped;
            bad.problems.push(
                Problem::error(
                    ProblemKind::WrongType,
                    format!("… and {n} more rows with problems like those above (the first {MAX_ROW_PROBLEMS} are listed)"),
                    None,
                )
                .with_help(format!(
                    "fix the pattern above (often the {} or the {} mapping) and run again",
                    opts.spelling.of(Setting::DateFormat),
                    opts.spelling.of(Setting::Columns)
                )),
            );
        }
        let problems = bad.problems;
        if let Some((example, span)) = decimal_comma {
            problems.warning(
                ProblemKind::FileFormat,
                &span,
                format!(
                    "the history CSV writes decimal commas (`{example}`): read as decimal points"
                ),
            );
        }
        if !read_any {
            problems
                .error(
                    ProblemKind::Missing,
                    &t.span(0..header_end),
                    "the history CSV has no rows, only a header",
                )
                .help("export one row per order, deal or monthly booking below the header");
            return None;
        }
        if rows.is_empty() && !problems.has_errors() {
            problems.error(
                ProblemKind::Missing,
                &t.span(0..header_end),
                format!(
                    "every row is dated on or after {} {}: nothing is left to fit",
                    opts.spelling.of(Setting::Until),
                    opts.until.map(|d| d.to_string()).unwrap_or_default()
                ),
            );
            return None;
        }
        // A stable sort keeps rows of one day in file order.
        rows.sort_by_key(|r| r.date);
        let mut info: Vec<UnitInfo> = units
            .list
            .into_iter()
            .map(|id| UnitInfo {
                id,
                region: NONE,
                segment: NONE,
                owner: NONE,
            })
            .collect();
        for r in &rows {
            let u = &mut info[r.unit as usize];
            (u.owner, u.region, u.segment) = (r.owner, r.region, r.segment);
        }
        Some(History {
            units: info,
            owners: owners.list,
            regions: regions.list,
            segments: segments.list,
            rows,
            returns,
            after_until,
            roster: None,
            has_owner: l.owner.is_some(),
            has_region: l.region.is_some(),
            has_segment: l.segment.is_some(),
        })
    }
}
