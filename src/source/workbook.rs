//! Units from a sheet of a workbook (.xlsx). The sheet becomes the text of
//! a CSV, so its rows are read and checked by the same code as a units CSV
//! ([`super::units_csv::UnitRows`]); the place of every row is kept, so a
//! problem is named as its cell, `accounts.xlsx[Accounts]!D17`, not as a
//! line of a text the user never saw. The sheet is streamed cell by cell:
//! a big sheet is never held as a grid of cells.

use calamine::{DataRef, Reader, Xlsx};
use std::fmt::Write;
use std::io::Cursor;
use std::ops::Range;

/// Where the rows of a sheet are in the text it was turned into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetPlaces {
    pub sheet: String,
    /// Per line of the text: where it starts and its sheet row (0-based).
    rows: Vec<(usize, u32)>,
    /// The sheet column of the text's first field (0-based).
    first_col: u32,
}

impl SheetPlaces {
    /// The cell a byte range of the text is in (`D17`), or the cells it
    /// spans (`A17:H17`).
    pub fn cells(&self, text: &str, range: Range<usize>) -> String {
        let start = self.cell(text, range.start);
        let end = self.cell(text, range.end.saturating_sub(1).max(range.start));
        if start == end {
            a1(start)
        } else {
            format!("{}:{}", a1(start), a1(end))
        }
    }

    /// (row, column), 0-based, of the field at byte `offset`.
    fn cell(&self, text: &str, offset: usize) -> (u32, u32) {
        let i = self
            .rows
            .partition_point(|&(start, _)| start <= offset)
            .saturating_sub(1);
        let Some(&(start, row)) = self.rows.get(i) else {
            return (0, self.first_col);
        };
        let offset = offset.clamp(start, text.len());
        let mut quoted = false;
        let mut col = self.first_col;
        for b in text.as_bytes()[start..offset].iter() {
            match b {
                b'"' => quoted = !quoted,
                b',' if !quoted => col += 1,
                _ => {}
            }
        }
        (row, col)
    }
}

/// `D17` for row 16, column 3 (0-based).
pub fn a1((row, col): (u32, u32)) -> String {
    format!("{}{}", column_name(col), row + 1)
}

/// `A`, `Z`, `AA`, ... for column 0, 25, 26, ...
pub fn column_name(col: u32) -> String {
    let mut n = col + 1;
    let mut name = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        name.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).expect("ASCII letters")
}

/// A sheet as CSV text, where its rows are, and what reading it noticed.
#[derive(Debug)]
pub struct SheetText {
    pub text: String,
    pub places: SheetPlaces,
    /// Cells outside the table (no column header above them): ignored,
    /// reported once as a warning at their row.
    pub outside: Option<Outside>,
}

/// The first cell with a value outside the header's columns.
#[derive(Debug)]
pub struct Outside {
    pub cell: String,
    pub more: usize,
    /// The byte range of its row in the text.
    pub row: Range<usize>,
}

/// Why a workbook gave no table. The caller words the message (it knows
/// the file's name); each variant's text is the part it adds.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    /// Not a workbook calamine can read (not a zip, not an .xlsx inside).
    #[error("not an .xlsx workbook ({0})")]
    NotWorkbook(#[source] calamine::XlsxError),
    /// The sheet asked for is not in the workbook.
    #[error("no sheet `{wanted}`")]
    NoSheet {
        wanted: String,
        present: Vec<String>,
    },
    /// The workbook has no sheet at all.
    #[error("no sheets")]
    NoSheets,
    /// The sheet holds no values.
    #[error("sheet `{sheet}` is empty")]
    Empty { sheet: String },
    /// The sheet's XML is broken or its rows are out of order.
    #[error("cannot read sheet `{sheet}`: {why}")]
    Broken {
        sheet: String,
        #[source]
        why: SheetFault,
    },
}

/// What is wrong inside a sheet.
#[derive(Debug, thiserror::Error)]
pub enum SheetFault {
    /// calamine could not read the sheet's XML.
    #[error(transparent)]
    Xml(calamine::XlsxError),
    /// A row comes after a later one (rows 1-based).
    #[error("row {row} comes after row {after}")]
    RowOrder { row: u32, after: u32 },
}

/// Reads sheet `sheet` (default: the first) of the workbook `bytes`. The
/// first row with a value is the header; the table spans its columns from
/// the first to the last header. Rows without a value are left out (also
/// those at the end that a spreadsheet keeps formatted but empty).
pub fn read(bytes: &[u8], sheet: Option<&str>) -> Result<SheetText, SheetError> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(SheetError::NotWorkbook)?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| *n == s)
            .cloned()
            .ok_or_else(|| SheetError::NoSheet {
                wanted: s.to_string(),
                present: names.clone(),
            })?,
        None => names.first().cloned().ok_or(SheetError::NoSheets)?,
    };
    let broken = |e: calamine::XlsxError| SheetError::Broken {
        sheet: name.clone(),
        why: SheetFault::Xml(e),
    };
    let mut cells = book.worksheet_cells_reader(&name).map_err(broken)?;
    let mut out = Builder::default();
    let mut row: Vec<(u32, String)> = Vec::new();
    let mut row_at: Option<u32> = None;
    while let Some(cell) = cells.next_cell().map_err(broken)? {
        let (r, c) = cell.get_position();
        let value = text_of(cell.get_value());
        if value.is_empty() {
            continue;
        }
        if row_at != Some(r) {
            if let Some(prev) = row_at {
                if r < prev {
                    return Err(SheetError::Broken {
                        sheet: name.clone(),
                        why: SheetFault::RowOrder {
                            row: r + 1,
                            after: prev + 1,
                        },
                    });
                }
                out.row(prev, &mut row);
            }
            row_at = Some(r);
        }
        row.push((c, value));
    }
    if let Some(prev) = row_at {
        out.row(prev, &mut row);
    }
    if out.header.is_none() {
        return Err(SheetError::Empty { sheet: name });
    }
    Ok(SheetText {
        text: out.text,
        places: SheetPlaces {
            sheet: name,
            rows: out.rows,
            first_col: out.header.map_or(0, |h| h.0),
        },
        outside: out.outside,
    })
}

/// The CSV text being written, row by row.
#[derive(Default)]
struct Builder {
    text: String,
    rows: Vec<(usize, u32)>,
    /// The header's first and last column.
    header: Option<(u32, u32)>,
    outside: Option<Outside>,
}

impl Builder {
    /// Writes one row (its cells with a value, in any order) and empties it.
    fn row(&mut self, r: u32, cells: &mut Vec<(u32, String)>) {
        cells.sort_by_key(|c| c.0);
        let (first, last) = *self.header.get_or_insert_with(|| {
            (
                cells.first().map_or(0, |c| c.0),
                cells.last().map_or(0, |c| c.0),
            )
        });
        if !self.rows.is_empty() {
            self.text.push('\n');
        }
        let start = self.text.len();
        self.rows.push((start, r));
        let mut stray = cells.iter().filter(|c| c.0 < first || c.0 > last);
        if let Some(s) = stray.next() {
            let more = stray.count();
            match &mut self.outside {
                Some(o) => o.more += 1 + more,
                None => {
                    self.outside = Some(Outside {
                        cell: a1((r, s.0)),
                        more,
                        row: start..start,
                    });
                }
            }
        }
        let mut next = cells
            .iter()
            .filter(|c| c.0 >= first && c.0 <= last)
            .peekable();
        for col in first..=last {
            if col > first {
                self.text.push(',');
            }
            if let Some((_, v)) = next.next_if(|c| c.0 == col) {
                push_field(&mut self.text, v);
            }
        }
        if let Some(o) = &mut self.outside
            && o.row.start == start
        {
            o.row.end = self.text.len();
        }
        cells.clear();
    }
}

/// A field of the CSV text, quoted when it holds a delimiter, a quote or
/// a line break.
fn push_field(out: &mut String, v: &str) {
    if v.contains([',', ';', '\t', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&v.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(v);
    }
}

/// A cell as the CSV reader sees it. Numbers are written so that they read
/// back as the same number; a date, a boolean or an error value is written
/// as the spreadsheet shows it, so where a number is expected it is an
/// error that quotes it.
fn text_of(v: &DataRef<'_>) -> String {
    match v {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(x) => x.to_string(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(d) => {
            if d.is_duration() {
                let mut s = String::from("duration ");
                let _ = write!(s, "{} days", d.as_f64());
                s
            } else {
                match d.as_datetime() {
                    Some(t) if t.time() == chrono::NaiveTime::MIN => {
                        t.format("%Y-%m-%d").to_string()
                    }
                    Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
                    None => format!("date {}", d.as_f64()),
                }
            }
        }
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(3), "D");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }

    #[test]
    fn places_name_cells_and_ranges() {
        let places = SheetPlaces {
            sheet: "S".into(),
            rows: vec![(0, 2), (10, 3), (21, 9)],
            first_col: 1,
        };
        let text = "id,name,x\nU1,\"a,b\",3\nU2,c,4";
        // `U1` at B4, `"a,b"` at C4 (the comma inside quotes is no border).
        assert_eq!(places.cells(text, 10..12), "B4");
        assert_eq!(places.cells(text, 13..18), "C4");
        assert_eq!(places.cells(text, 19..20), "D4");
        assert_eq!(places.cells(text, 10..20), "B4:D4");
        assert_eq!(places.cells(text, 0..9), "B3:D3");
        assert_eq!(places.cells(text, 0..0), "B3");
    }
}
