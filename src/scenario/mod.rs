//! Reading a scenario: TOML (plus the units CSV) -> raw values with their
//! places -> validated [`Model`]. No file access here: the caller passes a
//! [`SourceLoader`], so the CLI reads files and the embedded demo reads
//! compiled-in text through the same path.

pub mod diag;
pub mod edit;
mod merge;
mod raw;
mod toml_reader;
mod units_csv;
mod validate;

pub use diag::{FileId, Problem, Severity, Sources, Span};

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
    load_with(name, text, loader, purpose, &[])
}

/// As [`load`], with `--set key.path=value` overrides applied last. A
/// scenario may `extends = "base.toml"`: the base is read first and the
/// scenario's keys override it.
pub fn load_with(
    name: &str,
    text: &str,
    loader: &dyn SourceLoader,
    purpose: Purpose,
    sets: &[String],
) -> Loaded {
    let mut sources = Sources::default();
    let mut problems = diag::Problems::default();
    let file = sources.add(name, text);
    let (chain, chain_complete) = merge::chain(&mut sources, file, loader, &mut problems);
    let set_files: Vec<FileId> = sets
        .iter()
        .map(|s| sources.add(format!("--set {s}"), s.clone()))
        .collect();
    let (raw, syntax_errors) = {
        let merged = merge::compose(&sources, &chain, &set_files, &mut problems);
        let mut reader = toml_reader::Reader {
            segments: merged.segments.clone(),
            problems: &mut problems,
        };
        (
            raw::read_doc(&merged.doc, &mut reader),
            merged.syntax_errors,
        )
    };
    // Files named in the scenario are relative to the file that named them.
    let names: Vec<String> = sources.files.iter().map(|f| f.name.clone()).collect();
    let from = |s: &Span| names[s.file].clone();
    let csv_units = raw
        .units_file
        .as_ref()
        .and_then(|f| match loader.load(&from(&f.span), &f.v) {
            Ok((csv_name, csv_text)) => {
                let id = sources.add(csv_name, csv_text);
                Some(units_csv::read(
                    &sources.files[id].text.clone(),
                    id,
                    &mut problems,
                    &raw.units_columns,
                ))
            }
            Err(e) => {
                problems
                    .error(
                        f.span.file,
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
        .and_then(|f| match loader.load(&from(&f.span), &f.v) {
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
    let syntax_ok = chain_complete && (!syntax_errors || csv_units.is_some());
    let model = if syntax_ok {
        validate::validate(&raw, csv_units, edges, purpose, &mut problems, file)
    } else {
        None
    };
    let mitigations = mitigations(&raw, &sources, &mut problems);
    let model = if problems.has_errors() {
        None
    } else {
        model.map(|mut m| {
            m.mitigations = mitigations;
            m
        })
    };
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

/// `[[mitigations]]`: each needs an id, a kind and a cost; its `set` keys
/// are paths as `--set` takes them, kept with the value's source text.
fn mitigations(
    raw: &raw::RawScenario,
    sources: &Sources,
    problems: &mut diag::Problems,
) -> Vec<crate::model::Mitigation> {
    const KINDS: &[&str] = &["avoidance", "transfer", "reduction", "acceptance"];
    let mut out: Vec<crate::model::Mitigation> = Vec::new();
    for m in &raw.mitigations {
        let span = m.span.clone().unwrap_or(Span {
            file: 0,
            range: 0..0,
        });
        let Some(id) = &m.id else {
            problems.error(
                span.file,
                span.range.clone(),
                "a [[mitigations]] entry has no `id`",
            );
            continue;
        };
        if out.iter().any(|x| x.id == id.v) {
            problems.error(
                id.span.file,
                id.span.range.clone(),
                format!("duplicate mitigation id `{}`", id.v),
            );
            continue;
        }
        let kind = m
            .kind
            .as_ref()
            .map_or("reduction", |k| k.v.as_str())
            .to_string();
        if let Some(k) = &m.kind
            && !KINDS.contains(&k.v.as_str())
        {
            problems
                .error(
                    k.span.file,
                    k.span.range.clone(),
                    format!("unknown mitigation kind `{}`", k.v),
                )
                .help(format!("allowed: {}", KINDS.join(", ")));
        }
        let cost = match &m.cost {
            Some(c) if c.v.is_finite() && c.v >= 0.0 => c.v,
            Some(c) => {
                problems.error(
                    c.span.file,
                    c.span.range.clone(),
                    format!("`cost` must be a number >= 0, found {}", c.v),
                );
                0.0
            }
            None => {
                problems
                    .error(
                        span.file,
                        span.range.clone(),
                        format!("mitigation `{}` has no `cost`", id.v),
                    )
                    .help("what it costs over the horizon, in the scenario's currency (0 if free)");
                0.0
            }
        };
        if m.set.is_empty() {
            problems
                .error(
                    span.file,
                    span.range.clone(),
                    format!("mitigation `{}` changes nothing", id.v),
                )
                .help("give set = { \"key.path\" = value, ... } with the overrides it makes");
        }
        let sets = m
            .set
            .iter()
            .map(|(k, v)| format!("{}={}", k.v, &sources.files[v.file].text[v.range.clone()]))
            .collect();
        out.push(crate::model::Mitigation {
            id: id.v.clone(),
            kind,
            description: m
                .description
                .as_ref()
                .map_or_else(String::new, |d| d.v.clone()),
            cost,
            sets,
        });
    }
    out
}
