//! Reading a scenario: TOML (plus the units CSV) -> raw values with their
//! places -> validated [`Model`]. No file access here: the caller passes a
//! [`SourceLoader`], so the CLI reads files and the embedded demo reads
//! compiled-in text through the same path.

pub mod diag;
pub mod edit;
mod raw;
mod toml_reader;
mod units_csv;
mod validate;

pub use diag::{Problem, Severity, Sources, Span};

use crate::model::Model;

/// What the scenario will be used for; some rules depend on it (a new
/// alignment may leave units without owner, a simulation may not).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Simulate,
    Align,
}

/// Fetches files a scenario refers to (the units CSV).
pub trait SourceLoader {
    /// `path` as written in the scenario, relative to the scenario named
    /// `from`. Returns the name to show in messages and the text.
    fn load(&self, from: &str, path: &str) -> Result<(String, String), String>;
}

/// The outcome of reading a scenario: the model when there were no errors,
/// and every problem found (warnings too) with the texts they point into.
#[derive(Debug)]
pub struct Loaded {
    pub model: Option<Model>,
    pub problems: Vec<Problem>,
    pub sources: Sources,
}

impl Loaded {
    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
    }
}

/// Reads and validates a scenario named `name` with text `text`.
pub fn load(name: &str, text: &str, loader: &dyn SourceLoader, purpose: Purpose) -> Loaded {
    let mut sources = Sources::default();
    let mut problems = diag::Problems::default();
    let file = sources.add(name, text);
    let raw = raw::read(text, file, &mut problems);
    let csv_units = raw
        .units_file
        .as_ref()
        .and_then(|f| match loader.load(name, &f.v) {
            Ok((csv_name, csv_text)) => {
                let id = sources.add(csv_name, csv_text);
                Some(units_csv::read(
                    &sources.files[id].text.clone(),
                    id,
                    &mut problems,
                ))
            }
            Err(e) => {
                problems
                    .error(
                        file,
                        f.span.range.clone(),
                        format!("cannot read units file `{}`: {e}", f.v),
                    )
                    .help("the path is relative to the scenario file");
                None
            }
        });
    let edges = raw
        .units_edges
        .as_ref()
        .and_then(|f| match loader.load(name, &f.v) {
            Ok((csv_name, csv_text)) => {
                let id = sources.add(csv_name, csv_text);
                Some(units_csv::read_edges(
                    &sources.files[id].text.clone(),
                    id,
                    &mut problems,
                ))
            }
            Err(e) => {
                problems
                    .error(
                        file,
                        f.span.range.clone(),
                        format!("cannot read edges file `{}`: {e}", f.v),
                    )
                    .help("the path is relative to the scenario file");
                None
            }
        });
    let syntax_ok = !problems.has_errors() || csv_units.is_some();
    let model = if syntax_ok {
        validate::validate(&raw, csv_units, edges, purpose, &mut problems, file)
    } else {
        None
    };
    let model = if problems.has_errors() { None } else { model };
    Loaded {
        model,
        problems: problems.sorted(),
        sources,
    }
}

/// A loader over texts in memory (the embedded demo, tests).
pub struct MemoryLoader(pub Vec<(String, String)>);

impl SourceLoader for MemoryLoader {
    fn load(&self, _from: &str, path: &str) -> Result<(String, String), String> {
        self.0
            .iter()
            .find(|(n, _)| n == path)
            .map(|(n, t)| (n.clone(), t.clone()))
            .ok_or_else(|| "no such file".to_string())
    }
}
