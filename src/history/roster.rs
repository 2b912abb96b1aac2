//! The roster (`rep,hire_date,leave_date`): who joined and who left when,
//! so attrition and ramp come from the team's own record instead of
//! industry averages.

use super::dates;
use crate::source::Spelling;
use crate::source::diag::{FileId, ProblemKind, Problems};
use crate::source::table::Table;
use chrono::NaiveDate;

/// A rep of the roster.
#[derive(Clone, Debug, PartialEq)]
pub struct RosterRep {
    /// As in the history's owner column.
    pub rep: String,
    /// `None`: joined before the roster begins.
    pub hired: Option<NaiveDate>,
    /// `None`: still on the team.
    pub left: Option<NaiveDate>,
}

const COLUMNS: [&str; 3] = ["rep", "hire_date", "leave_date"];

pub(super) fn read(
    text: &str,
    file: FileId,
    date_format: Option<&str>,
    spelling: Spelling,
    problems: &mut Problems,
) -> Option<Vec<RosterRep>> {
    let t = Table::new(text, file, problems, "roster CSV");
    let (mut rdr, headers) = t.open(problems, "roster CSV")?;
    let names: Vec<&str> = headers.iter().collect();
    let col = t.required(
        problems,
        &names,
        COLUMNS,
        |h, want| h == want,
        "roster CSV",
        &format!("the roster needs columns {}", COLUMNS.join(", ")),
    )?;
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    while let Ok(true) = rdr.read_record(&mut record) {
        if record.iter().all(str::is_empty) {
            continue;
        }
        let position = record.position().map_or(0, |p| p.byte() as usize);
        let spans = t.field_spans(position);
        let span = |i: usize| t.span(spans.get(i).cloned().unwrap_or(position..position));
        let rep = record.get(col[0]).unwrap_or("");
        if rep.is_empty() {
            problems.error(ProblemKind::Missing, &span(col[0]), "the rep is empty");
            continue;
        }
        let mut date = |c: usize| -> Result<Option<NaiveDate>, ()> {
            let cell = record.get(c).unwrap_or("");
            if cell.is_empty() {
                return Ok(None);
            }
            dates::parse(cell, date_format).map(Some).map_err(|e| {
                problems
                    .error(ProblemKind::WrongType, &span(c), e.message(spelling))
                    .help(e.help(spelling));
            })
        };
        let (hired, left) = (date(col[1]), date(col[2]));
        if let (Ok(hired), Ok(left)) = (hired, left) {
            if let (Some(h), Some(l)) = (hired, left)
                && l < h
            {
                problems
                    .error(
                        ProblemKind::Conflict,
                        &span(col[2]),
                        format!("{rep} leaves ({l}) before being hired ({h})"),
                    )
                    .help("leave_date must be on or after hire_date");
                continue;
            }
            out.push(RosterRep {
                rep: rep.to_string(),
                hired,
                left,
            });
        }
    }
    Some(out)
}
