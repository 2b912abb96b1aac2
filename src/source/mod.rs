//! What users' files are before they mean anything: bytes decoded to text
//! (UTF-8, UTF-16, GBK, Windows-1252), delimited tables with the place of
//! every field, a workbook's sheet turned into such a table, and the
//! problems found in them with their positions. Both the scenario reader
//! and the transaction-history reader build on this; neither reaches into
//! the other.

pub mod diag;
pub mod setting;
pub mod table;
pub mod text;
pub mod workbook;

pub use diag::{FileId, Problem, ProblemKind, Problems, Severity, SourceFile, Sources, Span};
pub use setting::{Setting, Spelling};
