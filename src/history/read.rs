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
use chrono::NaiveDate;
use std::collections::HashMap;

/// Row problems recorded one by one; past this many, the rest are counted
/// (a wrong --date-format makes every row wrong, and a million located
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

fn rows(
    sources: &Sources,
    file: FileId,
    opts: &ReadOptions,
    problems: &mut Problems,
) -> Option<History> {
    let text = &sources.files[file].text;
    let t = Table::new(text, file, problems, "history CSV");
    let (mut rdr, headers) = t.open(problems, "history CSV")?;
    let header_spans = t.field_spans(0);
    let header_end = header_spans.last().map_or(0, |r| r.end);
    let names: Vec<&str> = headers.iter().collect();
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
        if let Some(s) = did_you_mean(want, &names) {
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
                "; map the column that holds the {field} with --columns {field}=\"{example}\""
            ));
        }
        problems
            .error(
                ProblemKind::Missing,
                &t.span(0..header_end),
                if opts.columns.explicit(field) {
                    format!("column `{want}` (mapped to `{field}` by --columns) is not in the history CSV")
                } else {
                    format!("the history CSV has no `{field}` column")
                },
            )
            .help(help);
    }
    if missing {
        return None;
    }
    let [date_c, unit_c, owner_c, amount_c, region_c, segment_c] = col;
    let (date_c, unit_c, amount_c) = (date_c?, unit_c?, amount_c?);

    let mut units = Names::default();
    let mut owners = Names::default();
    let mut regions = Names::default();
    let mut segments = Names::default();
    let mut rows: Vec<Txn> = Vec::new();
    let mut returns = Returns::default();
    let mut after_until = 0usize;
    let mut decimal_comma: Option<(String, Span)> = None;
    let mut bad = RowProblems {
        problems,
        recorded: 0,
        dropped: 0,
    };
    let mut record = csv::StringRecord::new();
    let mut read_any = false;
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let at = e.position().map_or(0, |p| p.byte() as usize);
                bad.problems.error(
                    ProblemKind::Syntax,
                    &t.span(at..at),
                    format!("malformed CSV: {e}"),
                );
                return None;
            }
        }
        if record.iter().all(str::is_empty) {
            continue;
        }
        read_any = true;
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
        if record.len() != headers.len() {
            let spans = t.field_spans(position);
            let r = spans.first().map_or(position, |s| s.start)
                ..spans.last().map_or(position, |s| s.end);
            bad.error(
                t.span(r),
                ProblemKind::Shape,
                format!(
                    "this row has {} fields but the header has {}",
                    record.len(),
                    headers.len()
                ),
                "a field holding the delimiter must be in quotes".into(),
            );
            continue;
        }
        let mut ok = true;
        let date_cell = &record[date_c];
        let date = match dates::parse(date_cell, opts.date_format.as_deref()) {
            Ok(d) => Some(d),
            Err(e) => {
                ok = false;
                let (message, help) = if date_cell.is_empty() {
                    (
                        "the date is empty".to_string(),
                        "every row needs a date".to_string(),
                    )
                } else {
                    (e.message, e.help)
                };
                bad.error(cell_span(date_c), ProblemKind::WrongType, message, help);
                None
            }
        };
        let unit = &record[unit_c];
        if unit.is_empty() {
            ok = false;
            bad.error(
                cell_span(unit_c),
                ProblemKind::Missing,
                format!("the {} is empty", opts.columns.name("unit")),
                "every row needs the unit (account, customer, store or territory) it was sold to"
                    .into(),
            );
        }
        let amount_cell = &record[amount_c];
        let amount = match amount_cell.replace('_', "").parse::<f64>() {
            Ok(x) if x.is_finite() => Some(x),
            Err(_) if t.delimiter != b',' && is_decimal_comma(amount_cell) => {
                if decimal_comma.is_none() {
                    decimal_comma = Some((amount_cell.to_string(), cell_span(amount_c)));
                }
                amount_cell.replace(',', ".").parse::<f64>().ok()
            }
            _ => {
                ok = false;
                let help = if amount_cell.contains(',') {
                    "write plain numbers such as 1250000.50, without thousands separators"
                } else if amount_cell.is_empty() {
                    "every row needs an amount; a return is a negative amount"
                } else {
                    "write plain numbers such as 1250000.50, without currency symbols or units"
                };
                bad.error(
                    cell_span(amount_c),
                    ProblemKind::WrongType,
                    format!("the amount must be a number, found `{amount_cell}`"),
                    help.into(),
                );
                None
            }
        };
        let (Some(date), Some(amount), true) = (date, amount, ok) else {
            continue;
        };
        if opts.until.is_some_and(|u| date >= u) {
            after_until += 1;
            continue;
        }
        let tag = |c: Option<usize>, names: &mut Names| match c.map(|c| &record[c]) {
            Some(v) if !v.is_empty() => names.get(v),
            _ => NONE,
        };
        if amount < 0.0 {
            returns.rows += 1;
            returns.total += amount;
        }
        rows.push(Txn {
            date,
            unit: units.get(unit),
            owner: tag(owner_c, &mut owners),
            region: tag(region_c, &mut regions),
            segment: tag(segment_c, &mut segments),
            amount,
        });
    }
    if bad.dropped > 0 {
        let n = bad.dropped;
        bad.problems.push(
            Problem::error(
                ProblemKind::WrongType,
                format!("… and {n} more rows with problems like those above (the first {MAX_ROW_PROBLEMS} are listed)"),
                None,
            )
            .with_help("fix the pattern above (often the --date-format or the --columns mapping) and run again"),
        );
    }
    let problems = bad.problems;
    if let Some((example, span)) = decimal_comma {
        problems.warning(
            ProblemKind::FileFormat,
            &span,
            format!("the history CSV writes decimal commas (`{example}`): read as decimal points"),
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
                "every row is dated on or after --until {}: nothing is left to fit",
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
        has_owner: owner_c.is_some(),
        has_region: region_c.is_some(),
        has_segment: segment_c.is_some(),
    })
}
