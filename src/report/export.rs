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
}

/// Renders one file of a result `T`.
pub trait Exporter<T: ?Sized> {
    /// The file's name in the output folder.
    fn file_name(&self) -> String;
    /// The file's bytes.
    fn export(&self, result: &T) -> Result<Vec<u8>, ReportError>;
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

/// A CSV writer into memory and its text.
pub fn csv_text(
    write: impl FnOnce(&mut csv::Writer<Vec<u8>>) -> csv::Result<()>,
) -> Result<Vec<u8>, ReportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    write(&mut w)?;
    w.into_inner()
        .map_err(|e| ReportError::Csv(e.into_error().into()))
}
