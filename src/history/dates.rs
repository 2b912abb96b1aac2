//! Dates of history rows. ISO 8601 (`2025-03-04`, also with a time part)
//! and year-first `2025/3/4` are read as they are; anything else needs a
//! date format, because `03/04/2025` is 3 April in Europe and March 4 in
//! the US, and guessing silently moves sales between months.

use crate::source::{Setting, Spelling};
use chrono::{NaiveDate, NaiveDateTime};

/// Why a date cell cannot be read. Its message and help name the date
/// format setting as the caller spells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateError {
    /// The cell does not match the format given.
    Format {
        cell: String,
        format: String,
        why: chrono::format::ParseError,
    },
    /// Year first, but not a day of the calendar.
    NotCalendar {
        cell: String,
    },
    /// Day and month could each be the other.
    Ambiguous {
        cell: String,
        first: u32,
        second: u32,
        day_first: String,
        month_first: String,
    },
    /// Not ISO 8601, and the format it looks like.
    NotIso {
        cell: String,
        guess: String,
    },
    ExcelSerial {
        cell: String,
    },
    NotADate {
        cell: String,
    },
}

impl DateError {
    pub fn message(&self, spelling: Spelling) -> String {
        match self {
            DateError::Format { cell, format, why } => format!(
                "date `{cell}` does not match {} `{format}`: {why}",
                spelling.of(Setting::DateFormat)
            ),
            DateError::NotCalendar { cell } => format!("`{cell}` is not a date of the calendar"),
            DateError::Ambiguous {
                cell,
                first,
                second,
                ..
            } => format!(
                "ambiguous date `{cell}`: day {first} of month {second}, or month {first} day {second}?"
            ),
            DateError::NotIso { cell, .. } => {
                format!("date `{cell}` is not ISO 8601 (YYYY-MM-DD)")
            }
            DateError::ExcelSerial { cell } => {
                format!("`{cell}` looks like an Excel serial date number, not a date")
            }
            DateError::NotADate { cell } => format!("`{cell}` is not a date"),
        }
    }

    /// What to do about it.
    pub fn help(&self, spelling: Spelling) -> String {
        let setting = spelling.of(Setting::DateFormat);
        match self {
            DateError::Format { .. } => {
                "every row must use the same format; fix the cell or the format".into()
            }
            DateError::NotCalendar { .. } => "write dates as YYYY-MM-DD, e.g. 2025-03-04".into(),
            DateError::Ambiguous {
                day_first,
                month_first,
                ..
            } => format!(
                "say which with {setting} {day_first} (day first) or {setting} {month_first} (month first); ISO 8601 dates (YYYY-MM-DD) need none"
            ),
            DateError::NotIso { guess, .. } => format!(
                "it looks like {setting} {guess}; give it, so every row is read the same way"
            ),
            DateError::ExcelSerial { .. } => {
                "format the column as a date (YYYY-MM-DD) before exporting".into()
            }
            DateError::NotADate { .. } => format!(
                "write dates as YYYY-MM-DD (ISO 8601), or give {setting}, e.g. %d.%m.%Y or \"%b %d, %Y\""
            ),
        }
    }
}

/// Reads a date: with `format` (chrono/strftime style, e.g. `%m/%d/%Y`),
/// exactly so (a time part in the format is allowed and ignored); without,
/// ISO 8601 or year-first with slashes.
pub fn parse(cell: &str, format: Option<&str>) -> Result<NaiveDate, DateError> {
    if let Some(f) = format {
        return NaiveDate::parse_from_str(cell, f)
            .or_else(|_| NaiveDateTime::parse_from_str(cell, f).map(|d| d.date()))
            .map_err(|why| DateError::Format {
                cell: cell.to_string(),
                format: f.to_string(),
                why,
            });
    }
    if let Some(d) = year_first(cell) {
        return d;
    }
    Err(not_iso(cell))
}

/// `YYYY-MM-DD` or `YYYY/M/D`, optionally followed by `T` or a space and a
/// time. `None` when the cell does not start with a four-digit year.
fn year_first(cell: &str) -> Option<Result<NaiveDate, DateError>> {
    let b = cell.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || !matches!(b[4], b'-' | b'/') {
        return None;
    }
    let sep = b[4];
    let date_end = cell.find(['T', ' ']).unwrap_or(cell.len());
    let mut parts = cell[..date_end].split(sep as char);
    let num = |p: Option<&str>| {
        p.filter(|s| !s.is_empty() && s.len() <= 4 && s.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|s| s.parse::<u32>().ok())
    };
    let (y, m, d) = (num(parts.next()), num(parts.next()), num(parts.next()));
    let invalid = || DateError::NotCalendar {
        cell: cell.to_string(),
    };
    Some(match (y, m, d, parts.next()) {
        (Some(y), Some(m), Some(d), None) => {
            NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(invalid)
        }
        _ => Err(invalid()),
    })
}

/// The error for a date that is not ISO 8601, with the format it looks
/// like it is in.
fn not_iso(cell: &str) -> DateError {
    let parts: Vec<&str> = cell
        .split(['/', '.', '-'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let nums: Vec<Option<u32>> = parts.iter().map(|p| p.parse().ok()).collect();
    let sep = cell
        .chars()
        .find(|c| matches!(c, '/' | '.' | '-'))
        .unwrap_or('/');
    if let [Some(a), Some(b), Some(_)] = nums[..] {
        let year = if parts[2].len() == 2 { "%y" } else { "%Y" };
        let day_first = format!("%d{sep}%m{sep}{year}");
        let month_first = format!("%m{sep}%d{sep}{year}");
        if (1..=12).contains(&a) && (1..=12).contains(&b) && a != b {
            return DateError::Ambiguous {
                cell: cell.to_string(),
                first: a,
                second: b,
                day_first,
                month_first,
            };
        }
        let guess = if a > 12 { day_first } else { month_first };
        return DateError::NotIso {
            cell: cell.to_string(),
            guess,
        };
    }
    if let [Some(serial)] = nums[..]
        && (10_000..=80_000).contains(&serial)
    {
        return DateError::ExcelSerial {
            cell: cell.to_string(),
        };
    }
    DateError::NotADate {
        cell: cell.to_string(),
    }
}

/// Months since year 0: a month index that sorts and subtracts.
pub fn month_index(d: NaiveDate) -> i32 {
    use chrono::Datelike;
    d.year() * 12 + d.month0() as i32
}

/// The first day of a month index.
pub fn month_start(index: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
        .expect("a month of the calendar")
}

/// `Mar 2025`.
pub fn month_label(index: i32) -> String {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{} {}",
        NAMES[index.rem_euclid(12) as usize],
        index.div_euclid(12)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn iso_and_year_first_need_no_format() {
        assert_eq!(parse("2025-03-04", None), Ok(d(2025, 3, 4)));
        assert_eq!(parse("2025-03-04T17:30:00Z", None), Ok(d(2025, 3, 4)));
        assert_eq!(parse("2025-03-04 17:30", None), Ok(d(2025, 3, 4)));
        assert_eq!(parse("2025/3/4", None), Ok(d(2025, 3, 4)));
        assert!(parse("2025-02-30", None).is_err());
    }

    /// The command line's spelling of the date format setting.
    const FLAGS: Spelling = Spelling::new(|s| match s {
        Setting::DateFormat => "--date-format",
        _ => "--other",
    });

    #[test]
    fn other_dates_need_a_format_and_say_which() {
        let e = parse("03/04/2020", None).unwrap_err();
        assert!(e.message(FLAGS).starts_with("ambiguous date"), "{e:?}");
        let help = e.help(FLAGS);
        assert!(help.contains("%d/%m/%Y") && help.contains("%m/%d/%Y"));
        let e = parse("13/04/2020", None).unwrap_err();
        assert!(e.help(FLAGS).contains("--date-format %d/%m/%Y"), "{e:?}");
        assert!(
            e.help(Spelling::default())
                .contains("like date_format %d/%m/%Y"),
            "{e:?}"
        );
        assert!(
            parse("43921", None)
                .unwrap_err()
                .message(FLAGS)
                .contains("Excel")
        );
        assert_eq!(parse("03/04/2020", Some("%d/%m/%Y")), Ok(d(2020, 4, 3)));
        assert_eq!(
            parse("03/04/2020 10:00", Some("%m/%d/%Y %H:%M")),
            Ok(d(2020, 3, 4))
        );
        assert!(parse("2020-03-04", Some("%m/%d/%Y")).is_err());
    }

    #[test]
    fn month_indices_round_trip() {
        let i = month_index(d(2025, 12, 31));
        assert_eq!(month_start(i), d(2025, 12, 1));
        assert_eq!(month_start(i + 1), d(2026, 1, 1));
        assert_eq!(month_label(i), "Dec 2025");
    }
}
