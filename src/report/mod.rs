//! Results for people and programs, rendered: the terminal tables, the CSV
//! and JSON files (each an [`Exporter`]), the charts and the HTML page.
//! Nothing here computes figures (that is [`crate::analysis`] and the
//! capabilities) or touches files (that is the CLI's).

pub mod backtest;
pub mod charts;
pub mod compare;
mod escape;
mod export;
pub mod fit;
pub mod format;
pub mod html;
pub mod mitigate;
pub mod parts;
pub mod planner;
pub mod quotas;
mod results;
pub mod slurm;
pub mod split;
pub mod styled;
pub mod sweep;
mod table;
pub mod webfont;
pub mod workbook;

pub use escape::escape;
pub use export::{Exporter, OutputFile, ReportError, render_all};
pub use results::{
    ChartsJson, GroupsCsv, QuartersCsv, RepQuartersCsv, RepsCsv, Results, RisksCsv, SummaryJson,
    results_exporters,
};
pub use table::{booking_note, reforecast_table, summary_table};
