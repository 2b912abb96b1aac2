//! Problems found while reading a scenario, with their source positions.
//! The library collects them all in one pass; the CLI renders them.

use super::workbook::SheetPlaces;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// Index of a file in [`Sources`].
pub type FileId = usize;

/// The texts a scenario was read from, so problems can point into them.
/// Shared, so what-if runs can extend a copy without copying large files.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    pub files: Vec<Arc<SourceFile>>,
}

#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Name as the user gave it (shown in messages).
    pub name: String,
    pub text: String,
    /// For a sheet of a workbook read as CSV text: where its rows are, so
    /// places are named as cells (`accounts.xlsx[Accounts]!D17`).
    pub sheet: Option<SheetPlaces>,
}

impl Sources {
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.push(Arc::new(SourceFile {
            name: name.into(),
            text: text.into(),
            sheet: None,
        }));
        self.files.len() - 1
    }

    /// Adds the text a workbook's sheet was turned into.
    pub fn add_sheet(
        &mut self,
        name: impl Into<String>,
        text: String,
        places: SheetPlaces,
    ) -> FileId {
        self.files.push(Arc::new(SourceFile {
            name: name.into(),
            text,
            sheet: Some(places),
        }));
        self.files.len() - 1
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, file: FileId, offset: usize) -> (usize, usize) {
        let text = &self.files[file].text;
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// What kind of problem it is, for programs that act on problems (the
/// message says the specifics to people).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    /// The text is not valid TOML or CSV.
    Syntax,
    /// A file the scenario names cannot be read, or `extends` makes a cycle.
    File,
    /// A key or column the format does not know.
    UnknownKey,
    /// A value of the wrong type: a string where a number belongs, ...
    WrongType,
    /// Something required is missing: a key, a column, a section.
    Missing,
    /// A number outside what is allowed: negative, not finite, not a
    /// probability, not a month of the horizon, ...
    OutOfRange,
    /// An id, column, pair or edge given twice.
    Duplicate,
    /// A name that refers to nothing: a rep, unit, risk, region, segment,
    /// distribution family, risk kind or quota method.
    UnknownName,
    /// Values that contradict each other: a cap below a floor, both `sd`
    /// and `cv`, quarterly quotas that do not add up, ...
    Conflict,
    /// A list of the wrong length or shape: weights per month, a matrix.
    Shape,
    /// A value changed to make it usable (a repaired correlation matrix).
    Repaired,
    /// Something that has no effect: a rep owning no units, a risk reaching
    /// no unit, a column that is ignored.
    NoEffect,
    /// A `--set` or what-if override that cannot be applied.
    Override,
    /// A file read in another encoding than UTF-8 or with another
    /// delimiter than commas (a note).
    FileFormat,
}

/// Where a problem is: a file and a byte range in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub file: FileId,
    pub range: Range<usize>,
}

/// One problem in a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub severity: Severity,
    pub kind: ProblemKind,
    pub message: String,
    pub span: Option<Span>,
    /// What is allowed, or how to fix it.
    pub help: Option<String>,
}

impl Problem {
    pub fn error(kind: ProblemKind, message: impl Into<String>, span: Option<Span>) -> Self {
        Problem {
            severity: Severity::Error,
            kind,
            message: message.into(),
            span,
            help: None,
        }
    }

    pub fn warning(kind: ProblemKind, message: impl Into<String>, span: Option<Span>) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(kind, message, span)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `file:line:col` of the problem, if it has a place.
    pub fn location(&self, sources: &Sources) -> Option<String> {
        let span = self.span.as_ref()?;
        let file = &sources.files[span.file];
        if let Some(sheet) = &file.sheet {
            let cells = sheet.cells(&file.text, span.range.clone());
            return Some(format!("{}[{}]!{cells}", file.name, sheet.sheet));
        }
        let (line, col) = sources.line_col(span.file, span.range.start);
        Some(format!("{}:{line}:{col}", sources.files[span.file].name))
    }

    /// One plain line (plus help), stable for tests and logs:
    /// `error: file:line:col: message (help)`.
    pub fn plain(&self, sources: &Sources) -> String {
        let mut s = format!("{}: ", self.severity);
        if let Some(loc) = self.location(sources) {
            s.push_str(&loc);
            s.push_str(": ");
        }
        s.push_str(&self.message);
        if let Some(h) = &self.help {
            s.push_str(&format!(" ({h})"));
        }
        s
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// Collects problems for one file at a time.
#[derive(Debug, Default)]
pub struct Problems {
    pub list: Vec<Problem>,
}

impl Problems {
    pub fn push(&mut self, p: Problem) {
        self.list.push(p);
    }

    pub fn error(
        &mut self,
        kind: ProblemKind,
        span: &Span,
        message: impl Into<String>,
    ) -> &mut Problem {
        self.list
            .push(Problem::error(kind, message, Some(span.clone())));
        self.list.last_mut().expect("just pushed")
    }

    pub fn warning(
        &mut self,
        kind: ProblemKind,
        span: &Span,
        message: impl Into<String>,
    ) -> &mut Problem {
        self.list
            .push(Problem::warning(kind, message, Some(span.clone())));
        self.list.last_mut().expect("just pushed")
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(|p| p.severity == Severity::Error)
    }

    /// Errors first, then by file and position, so output reads top to bottom.
    pub fn sorted(mut self) -> Vec<Problem> {
        let key = |p: &Problem| {
            (
                p.severity,
                p.span
                    .as_ref()
                    .map_or((usize::MAX, 0), |s| (s.file, s.range.start)),
                p.message.clone(),
            )
        };
        self.list.sort_by_key(key);
        // A shared default checked once per rep would otherwise repeat.
        self.list.dedup();
        self.list
    }
}

impl Problem {
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }
}

/// The closest of `candidates` to `word`, if close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (levenshtein(word, c), *c))
        .filter(|(d, c)| *d <= (c.chars().count().max(word.chars().count()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Optimal-string-alignment distance: edits plus adjacent transpositions,
/// the commonest typo.
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let mut s = Sources::default();
        let f = s.add("a.toml", "x = 1\nname = \"王芳\" y\n");
        let off = s.files[f].text.find('y').unwrap();
        assert_eq!(s.line_col(f, off), (2, 13));
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("capacity_hour", &["capacity_hours", "quota"]),
            Some("capacity_hours")
        );
        assert_eq!(did_you_mean("zzz", &["capacity_hours", "quota"]), None);
    }
}
