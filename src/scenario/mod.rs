//! Reading a scenario: TOML (plus the units CSV) -> an owned document tree
//! with places -> raw values -> validated [`Scenario`]. No file access
//! here: the caller passes a [`SourceLoader`], so the CLI reads files and
//! the embedded demo reads compiled-in text through the same path.

pub(crate) mod document;
pub mod edit;
mod overrides;
pub mod quotas_csv;
mod raw;
mod reader;
mod tree;
pub(crate) mod units_csv;
mod validate;

pub use crate::source::diag::{FileId, Problem, ProblemKind, Severity, SourceFile, Sources, Span};
pub use document::Document;
pub use overrides::{Override, OverrideError};
pub use tree::Value;

use crate::model::{Model, RunSettings};

/// What the scenario will be used for; some rules depend on it (a new
/// alignment may leave units without owner, a simulation may not).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Simulate,
    Align,
}

/// A file as a loader found it: the name to show in messages, a key that
/// is the same for every path to the same file (so `extends` cycles are
/// found however they are spelt), and its bytes (decoded by the library,
/// see [`crate::source::text::decode`]).
#[derive(Clone, Debug, PartialEq)]
pub struct SourceBytes {
    pub name: String,
    pub key: String,
    pub bytes: Vec<u8>,
}

/// Fetches files a scenario refers to (the base it extends, the units and
/// edges CSVs).
pub trait SourceLoader {
    /// `path` as written in the scenario, relative to the scenario named
    /// `from`.
    fn load(&self, from: &str, path: &str) -> std::io::Result<SourceBytes>;
}

/// A loader over texts in memory (the embedded demo, tests).
pub struct MemoryLoader(pub Vec<(String, String)>);

impl SourceLoader for MemoryLoader {
    fn load(&self, _from: &str, path: &str) -> std::io::Result<SourceBytes> {
        self.0
            .iter()
            .find(|(n, _)| n == path)
            .map(|(n, t)| SourceBytes {
                name: n.clone(),
                key: n.clone(),
                bytes: t.clone().into_bytes(),
            })
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))
    }
}

/// A validated scenario: the model, the run settings it asks for, and the
/// mitigations it defines.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub model: Model,
    pub run: RunSettings,
    pub mitigations: Vec<Mitigation>,
}

/// The kinds of risk response (ISO 31000 vocabulary, as risk registers use).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MitigationKind {
    Avoidance,
    Transfer,
    Reduction,
    Acceptance,
}

impl MitigationKind {
    pub const ALL: [MitigationKind; 4] = [
        MitigationKind::Avoidance,
        MitigationKind::Transfer,
        MitigationKind::Reduction,
        MitigationKind::Acceptance,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MitigationKind::Avoidance => "avoidance",
            MitigationKind::Transfer => "transfer",
            MitigationKind::Reduction => "reduction",
            MitigationKind::Acceptance => "acceptance",
        }
    }
}

/// A mitigation the user defined (`[[mitigations]]`): overrides of the
/// scenario and what they cost.
#[derive(Clone, Debug, PartialEq)]
pub struct Mitigation {
    pub id: String,
    pub kind: MitigationKind,
    pub description: String,
    pub cost: f64,
    pub overrides: Vec<Override>,
}

/// The outcome of reading a scenario: the scenario when there were no
/// errors, and every problem found (warnings too) with the texts they
/// point into.
#[derive(Debug)]
pub struct Loaded {
    pub scenario: Option<Scenario>,
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

    /// The model, when the scenario had no errors.
    pub fn model(&self) -> Option<&Model> {
        self.scenario.as_ref().map(|s| &s.model)
    }

    /// Warnings as plain lines (`warning: file:line:col: message (help)`).
    pub fn warning_lines(&self) -> Vec<String> {
        self.warnings().map(|p| p.plain(&self.sources)).collect()
    }
}

/// Reads and validates a scenario named `name` with text `text`.
pub fn load(name: &str, text: &str, loader: &dyn SourceLoader, purpose: Purpose) -> Loaded {
    load_with(name, text, loader, purpose, &[])
}

/// As [`load`], with `key.path=value` overrides applied last. A
/// scenario may `extends = "base.toml"`: the base is read first and the
/// scenario's keys override it.
pub fn load_with(
    name: &str,
    text: &str,
    loader: &dyn SourceLoader,
    purpose: Purpose,
    sets: &[String],
) -> Loaded {
    Document::read(name, text, loader, sets).validate(purpose, &[])
}
