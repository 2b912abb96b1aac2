//! Exporters: each output file of a result is rendered by one
//! [`Exporter`], so a command's files are a list of exporters and the CLI
//! writes whatever they return (atomically, with or without a BOM).

use super::charts::ChartError;
use serde::Serialize;

/// Why a result could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Chart(#[from] ChartError),
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write the workbook: {0}")]
    Workbook(#[source] rust_xlsxwriter::XlsxError),
}

/// Renders one file of a result `T`.
pub trait Exporter<T: ?Sized> {
    /// The file's name in the output folder.
    fn file_name(&self) -> String;
    /// The file's bytes.
    fn export(&self, result: &T) -> Result<Vec<u8>, ReportError>;
    /// Whether this result has the file at all (`groups.csv` only when
    /// reps carry grouping keys).
    fn applies(&self, _result: &T) -> bool {
        true
    }
}

/// A rendered file: its name and bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Renders `result` with every exporter.
pub fn render_all<T: ?Sized>(
    exporters: &[Box<dyn Exporter<T> + '_>],
    result: &T,
) -> Result<Vec<OutputFile>, ReportError> {
    exporters
        .iter()
        .filter(|e| e.applies(result))
        .map(|e| {
            Ok(OutputFile {
                name: e.file_name(),
                bytes: e.export(result)?,
            })
        })
        .collect()
}

/// Pretty JSON with a final newline (how every JSON file is written).
pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, ReportError> {
    let mut s = serde_json::to_string_pretty(value)?;
    s.push('\n');
    Ok(s.into_bytes())
}

/// A CSV writer into memory and its text. Every cell goes through
/// [`CsvOut`], so no exported CSV can carry a spreadsheet formula.
pub fn csv_text(
    write: impl FnOnce(&mut CsvOut) -> csv::Result<()>,
) -> Result<Vec<u8>, ReportError> {
    let mut w = CsvOut(csv::Writer::from_writer(Vec::new()));
    write(&mut w)?;
    w.0.into_inner()
        .map_err(|e| ReportError::Csv(e.into_error().into()))
}

/// A CSV writer whose cells are neutralised against formula injection.
pub struct CsvOut(csv::Writer<Vec<u8>>);

impl CsvOut {
    /// Writes one row; text cells that a spreadsheet would run as a formula
    /// get a leading `'` (see [`neutralise`]).
    pub fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        let cells: Vec<String> = record
            .into_iter()
            .map(|c| neutralise(c.as_ref()).into_owned())
            .collect();
        self.0.write_record(&cells)
    }
}

/// A cell as it is safe to open in a spreadsheet. Names come from scenario
/// files and CRM exports, so a unit called `=HYPERLINK(...)` or `@SUM(...)`
/// must not run when a planner opens `reps.csv` in Excel: as OWASP
/// recommends, text starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return gets a leading `'` (shown as text, not evaluated). Numbers, which
/// the exporters write with `-` for negatives, are left alone. The JSON
/// files keep the original text.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    if risky && cell.parse::<f64>().is_err() {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_numbers_are_not() {
        for (cell, want) in [
            ("=1+1", "'=1+1"),
            ("+SUM(A1)", "'+SUM(A1)"),
            ("-2+3", "'-2+3"),
            ("@cmd", "'@cmd"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-12.5", "-12.5"),
            ("-inf", "-inf"),
            ("1e-5", "1e-5"),
            ("", ""),
            ("王芳", "王芳"),
            ("a=b", "a=b"),
        ] {
            assert_eq!(neutralise(cell), want, "{cell:?}");
        }
    }

    #[test]
    fn csv_text_neutralises_every_cell_and_quotes_as_usual() {
        let out = csv_text(|w| {
            w.write_record(["id", "name"])?;
            w.write_record(["=cmd|' /C calc'!A0", "-5"])?;
            w.write_record(["a,b", "@x"])
        })
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "id,name\n'=cmd|' /C calc'!A0,-5\n\"a,b\",'@x\n"
        );
    }

    #[test]
    fn a_workbook_error_keeps_its_text_and_its_source() {
        use std::error::Error;
        let e = ReportError::Workbook(rust_xlsxwriter::XlsxError::RowColumnLimitError);
        let inner = rust_xlsxwriter::XlsxError::RowColumnLimitError.to_string();
        assert_eq!(e.to_string(), format!("cannot write the workbook: {inner}"));
        assert_eq!(e.source().map(ToString::to_string), Some(inner));
    }
}
