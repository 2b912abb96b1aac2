//! Overrides: `key.path = value` changes to a scenario document, from a
//! `--set` argument, a `[[mitigations]]` entry or a what-if built in code.
//! An override is parsed once into a key path and a typed value; applying
//! it edits the document tree in memory.

use super::tree::{self, Key, Node, Table, Value};
use crate::source::diag::{FileId, ProblemKind, Problems, SourceFile, Sources, Span};
use crate::source::{Setting, Spelling};
use std::fmt;
use std::sync::Arc;

/// Places in an override's own text use this file id until the override is
/// applied, when its text joins the sources of the run.
const OWN_TEXT: FileId = usize::MAX;

/// A change to one key of a scenario. A segment under an array of tables
/// names the item by its `id` (`reps.R03.quota`).
#[derive(Clone, Debug)]
pub struct Override {
    path: Vec<Key>,
    value: Node,
    /// `path=value` as written, for messages and tables.
    text: String,
    /// The override's own text (a `--set` argument, a what-if built in
    /// code); `None` when its places are in the scenario's files.
    source: Option<Arc<SourceFile>>,
}

/// Overrides are equal when they set the same key to the same value.
impl PartialEq for Override {
    fn eq(&self, other: &Self) -> bool {
        self.path() == other.path() && self.value.value == other.value.value
    }
}

impl fmt::Display for Override {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Why an override could not be read: the message and the place in its text.
#[derive(Clone, Debug, PartialEq)]
pub struct OverrideError {
    pub message: String,
    pub help: Option<String>,
    /// Byte range in the override's text.
    pub range: std::ops::Range<usize>,
}

impl Override {
    /// Parses `key.path=value`. The value is TOML (`0.1`, `"text"`,
    /// `[1, 2]`, `{ normal = { mean = 0, sd = 0.1 } }`); a bare word is taken
    /// as a string. `label` names the override in messages (e.g.
    /// `--set reps.R03.quota=7e6`); `spelling` is how the caller names the
    /// setting that takes overrides.
    pub fn parse(label: &str, text: &str, spelling: Spelling) -> Result<Override, OverrideError> {
        let Some(eq) = text.find('=') else {
            let set = spelling.of(Setting::Set);
            return Err(OverrideError {
                message: format!("a {set} needs `key.path=value`"),
                help: Some(format!(
                    "e.g. {set} risks.macro.impact.normal.sd=0.1 or {set} reps.R03.quota=7e6"
                )),
                range: 0..text.len(),
            });
        };
        let (path_text, value_text) = (&text[..eq], &text[eq + 1..]);
        let path = key_path(path_text, 0).ok_or_else(|| OverrideError {
            message: format!("`{path_text}` is not a key path"),
            help: Some("segments are separated by dots, e.g. scenario.trials".into()),
            range: 0..eq,
        })?;
        let value = match tree::parse_value(value_text, OWN_TEXT, eq + 1) {
            Ok(v) => v,
            // A bare word is text; what looks like a number, a string, an
            // array or a table must be valid TOML.
            Err(e) if looks_like_toml(value_text) => {
                return Err(OverrideError {
                    message: format!(
                        "`{}` is not a valid value: {e}",
                        value_text.trim()
                    ),
                    help: Some(
                        "values are TOML: 0.1, 7e6, \"text\", [1, 2], { normal = { mean = 0, sd = 0.1 } }; a bare word is taken as text".into(),
                    ),
                    range: eq + 1..text.len(),
                });
            }
            Err(_) => Node {
                span: own(eq + 1..text.len()),
                value: Value::String(value_text.trim().to_string()),
            },
        };
        Ok(Override {
            path,
            value,
            text: text.to_string(),
            source: Some(Arc::new(SourceFile {
                name: label.to_string(),
                text: text.to_string(),
                sheet: None,
            })),
        })
    }

    /// An override built in code (a what-if such as a bench rep), from a
    /// key path and a value. Messages show it as `path=value`.
    pub fn new(path: &str, value: Value) -> Override {
        let shown = match &value {
            Value::String(s) => format!("{s:?}"),
            Value::Integer(Some(i)) => i.to_string(),
            Value::Float(Some(x)) => x.to_string(),
            Value::Boolean(b) => b.to_string(),
            other => other.type_name().to_string(),
        };
        let text = format!("{path}={shown}");
        let keys = key_path(path, 0).unwrap_or_else(|| {
            vec![Key {
                name: path.to_string(),
                span: own(0..path.len()),
            }]
        });
        Override {
            path: keys,
            value: Node {
                span: own(path.len() + 1..text.len()),
                value,
            },
            source: Some(Arc::new(SourceFile {
                name: format!("what-if {text}"),
                text: text.clone(),
                sheet: None,
            })),
            text,
        }
    }

    /// An override written in a scenario file (`[[mitigations]] set`):
    /// the key as written and its value node, both placed in that file.
    pub(super) fn in_file(key: &Key, value: &Node, sources: &Sources) -> Override {
        let file_text = &sources.files[key.span.file].text;
        let quoted = file_text
            .as_bytes()
            .get(key.span.range.start)
            .is_some_and(|b| matches!(b, b'"' | b'\''));
        let start = key.span.range.start + usize::from(quoted);
        let path = key_path(&key.name, start).unwrap_or_else(|| vec![key.clone()]);
        let path = path
            .into_iter()
            .map(|k| Key {
                span: Span {
                    file: key.span.file,
                    range: k.span.range,
                },
                ..k
            })
            .collect();
        let text = &sources.files[value.span.file].text;
        let value_text = text.get(value.span.range.clone()).unwrap_or("");
        Override {
            path,
            value: value.clone(),
            text: format!("{}={value_text}", key.name),
            source: None,
        }
    }

    /// The key path as written, e.g. `reps.R03.quota`.
    pub fn path(&self) -> String {
        self.path
            .iter()
            .map(|k| k.name.as_str())
            .collect::<Vec<_>>()
            .join(".")
    }

    /// Whether the override changes `key` or something inside it.
    pub fn touches(&self, key: &[&str]) -> bool {
        self.path.len() >= key.len() && self.path.iter().zip(key).all(|(a, b)| a.name == *b)
    }

    /// Applies the override to `doc`, adding its own text to `sources`;
    /// what cannot be applied becomes a problem pointing into the override.
    pub fn apply(&self, doc: &mut Node, sources: &mut Sources, problems: &mut Problems) {
        let mut o = self.clone();
        if let Some(src) = &self.source {
            let id = sources.files.len();
            sources.files.push(src.clone());
            for k in &mut o.path {
                if k.span.file == OWN_TEXT {
                    k.span.file = id;
                }
            }
            tree::rebind(&mut o.value, OWN_TEXT, id);
        }
        let Value::Table(t) = &mut doc.value else {
            return;
        };
        let path = o.path();
        set_in(t, &o.path, o.value, problems, &path);
    }
}

/// Text that can only be meant as a TOML number, string, array or table.
fn looks_like_toml(value: &str) -> bool {
    let v = value.trim();
    let mut c = v.chars();
    match (c.next(), c.next()) {
        (Some('[' | '{' | '"' | '\''), _) => true,
        (Some(d), _) if d.is_ascii_digit() => true,
        (Some('+' | '-' | '.'), Some(d)) => d.is_ascii_digit(),
        _ => false,
    }
}

fn own(range: std::ops::Range<usize>) -> Span {
    Span {
        file: OWN_TEXT,
        range,
    }
}

/// `a.b.c` into keys placed from `offset`; `None` when a segment is empty.
fn key_path(path: &str, offset: usize) -> Option<Vec<Key>> {
    let mut keys = Vec::new();
    let mut start = offset;
    for part in path.split('.') {
        if part.trim().is_empty() {
            return None;
        }
        keys.push(Key {
            name: part.trim().to_string(),
            span: own(start..start + part.len()),
        });
        start += part.len() + 1;
    }
    Some(keys)
}

fn set_in(table: &mut Table, path: &[Key], value: Node, problems: &mut Problems, whole: &str) {
    let seg = &path[0];
    if path.len() == 1 {
        table.insert(seg.clone(), value);
        return;
    }
    if table.get(&seg.name).is_none() {
        table.insert(
            seg.clone(),
            Node {
                span: seg.span.clone(),
                value: Value::Table(Table::default()),
            },
        );
    }
    match table.get_mut(&seg.name).map(|v| &mut v.value) {
        Some(Value::Table(t)) => set_in(t, &path[1..], value, problems, whole),
        Some(Value::Array(a)) if a.iter().all(|x| tree::id_of(x).is_some()) => {
            let id = &path[1];
            if path.len() == 2 {
                problems.error(
                    ProblemKind::Override,
                    &id.span,
                    format!("`{whole}` must name a key inside the item, e.g. reps.R03.quota=7e6"),
                );
                return;
            }
            let ids: Vec<String> = a
                .iter()
                .filter_map(|x| tree::id_of(x).map(str::to_string))
                .collect();
            match a
                .iter_mut()
                .find(|x| tree::id_of(x) == Some(id.name.as_str()))
            {
                Some(item) => {
                    if let Value::Table(t) = &mut item.value {
                        set_in(t, &path[2..], value, problems, whole);
                    }
                }
                None => {
                    problems
                        .error(
                            ProblemKind::Override,
                            &id.span,
                            format!("`{}` has no item with id `{}`", seg.name, id.name),
                        )
                        .help(format!("ids: {}", ids.join(", ")));
                }
            }
        }
        _ => {
            problems.error(
                ProblemKind::Override,
                &seg.span,
                format!("`{}` is not a table, so `{whole}` cannot be set", seg.name),
            );
        }
    }
}
