//! A scenario document: the scenario file, the chain of files it
//! `extends`, its `--set` overrides and the CSV files it names, read once.
//! Validating it (with more overrides, for what-ifs) works in memory: a
//! sweep or a mitigation run never reads a file again.

use super::overrides::Override;
use super::reader::Reader;
use super::tree::{self, Node, Value};
use super::{Loaded, Purpose, SourceLoader, raw, units_csv, validate};
use crate::source::diag::{
    FileId, Problem, ProblemKind, Problems, SourceFile, Sources, Span, did_you_mean,
};
use crate::source::text::{self, note_encoding};
use crate::source::workbook;
use crate::source::{Setting, Spelling};

/// How deep `extends` may nest (a scenario, its base, the base's base, ...).
pub const MAX_EXTENDS_DEPTH: usize = 16;

/// A file the scenario names, and whether it could be read.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum FileRef {
    /// Not named.
    None,
    /// Read; the path as written and the file's id in the sources.
    Loaded { path: String, file: FileId },
    /// Named but unreadable (reported once): what depends on it is not
    /// checked as if the file were empty.
    Failed { path: String },
}

impl FileRef {
    fn path(&self) -> Option<&str> {
        match self {
            FileRef::None => None,
            FileRef::Loaded { path, .. } | FileRef::Failed { path } => Some(path),
        }
    }
}

/// Keys whose values name files: they are followed when the document is
/// read, so a what-if applied later cannot change them.
const FILE_KEYS: [&[&str]; 4] = [
    &["extends"],
    &["units", "file"],
    &["units", "sheet"],
    &["units", "edges"],
];

/// The scenario as read: every text, the merged tree, and what reading found.
#[derive(Clone, Debug)]
pub struct Document {
    sources: Sources,
    tree: Node,
    problems: Vec<Problem>,
    /// Every base in the `extends` chain was read.
    complete: bool,
    syntax_errors: bool,
    units: FileRef,
    edges: FileRef,
    /// How the caller spells its settings, for messages that name one.
    spelling: Spelling,
}

impl Document {
    /// Reads the scenario named `name` with text `text`, the files it
    /// extends (base first, then the scenario on top), applies the
    /// overrides `sets` (`key.path=value`), and reads the units and edges
    /// files it then names.
    pub fn read(name: &str, text: &str, loader: &dyn SourceLoader, sets: &[String]) -> Document {
        Self::read_bytes(name, text.as_bytes(), loader, sets)
    }

    /// As [`Document::read`], from the file's bytes (decoded as
    /// [`text::decode`] says; a file that is not UTF-8 gets a note).
    pub fn read_bytes(
        name: &str,
        bytes: &[u8],
        loader: &dyn SourceLoader,
        sets: &[String],
    ) -> Document {
        Self::read_spelled(name, bytes, loader, sets, Spelling::default())
    }

    /// As [`Document::read_bytes`]; messages name settings (the overrides,
    /// the precision to run to) as `spelling` says.
    pub fn read_spelled(
        name: &str,
        bytes: &[u8],
        loader: &dyn SourceLoader,
        sets: &[String],
        spelling: Spelling,
    ) -> Document {
        let mut sources = Sources::default();
        let mut problems = Problems::default();
        let decoded = text::decode(bytes);
        let text = decoded
            .as_ref()
            .map_or_else(|_| String::new(), |d| d.text.clone());
        let root = sources.add(name, text.clone());
        match &decoded {
            Err(e) => problems.push(Problem::error(
                ProblemKind::File,
                format!("cannot read scenario `{name}`: {e}"),
                None,
            )),
            Ok(d) => note_encoding(root, d, "scenario file", &mut problems),
        }
        let (trees, complete, syntax_errors) = chain(&mut sources, root, loader, &mut problems);
        let mut docs = trees.into_iter().rev();
        let mut tree = docs.next().expect("the scenario itself");
        for over in docs {
            if let (Value::Table(base), Value::Table(over)) = (&mut tree.value, over.value) {
                tree::merge(base, over);
            }
            tree.span = Span {
                file: root,
                range: 0..text.len(),
            };
        }
        let first_set = sources.files.len();
        let set = spelling.of(Setting::Set);
        for s in sets {
            let label = format!("{set} {s}");
            match Override::parse(&label, s, spelling) {
                Ok(o) if o.touches(FILE_KEYS[0]) => {
                    let id = sources.add(label, s.clone());
                    problems
                        .error(
                            ProblemKind::Override,
                            &Span {
                                file: id,
                                range: 0..s.len(),
                            },
                            format!("`extends` cannot be set with {set}"),
                        )
                        .help("write `extends = \"base.toml\"` at the top of the scenario file");
                }
                Ok(o) => o.apply(&mut tree, &mut sources, &mut problems),
                Err(e) => {
                    let id = sources.add(label, s.clone());
                    let p = problems.error(
                        ProblemKind::Override,
                        &Span {
                            file: id,
                            range: e.range,
                        },
                        e.message,
                    );
                    if let Some(h) = e.help {
                        p.help(h);
                    }
                }
            }
        }
        // Files named on the command line are relative to the working folder.
        let from_cli = |file: FileId, sources: &Sources| {
            if file >= first_set {
                String::new()
            } else {
                sources.files[file].name.clone()
            }
        };
        let units = load_named(
            &tree,
            "file",
            "units",
            &from_cli,
            loader,
            &mut sources,
            &mut problems,
        );
        let edges = load_named(
            &tree,
            "edges",
            "edges",
            &from_cli,
            loader,
            &mut sources,
            &mut problems,
        );
        let complete = complete && decoded.is_ok();
        Document {
            sources,
            tree,
            problems: problems.list,
            complete,
            syntax_errors,
            units,
            edges,
            spelling,
        }
    }

    /// The texts read so far (for rendering problems and editing files).
    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// Validates the scenario for `purpose` with `overrides` applied on
    /// top (a what-if); nothing is read again.
    pub fn validate(&self, purpose: Purpose, overrides: &[Override]) -> Loaded {
        let mut sources = self.sources.clone();
        let mut problems = Problems {
            list: self.problems.clone(),
        };
        let mut tree = self.tree.clone();
        for o in overrides {
            if let Some(key) = FILE_KEYS.iter().find(|k| o.touches(k)) {
                problems.push(Problem::error(
                    ProblemKind::Override,
                    format!(
                        "the what-if `{o}` changes `{}`, which names a file: files are read once, before what-ifs apply",
                        key.join(".")
                    ),
                    None,
                ));
                continue;
            }
            o.apply(&mut tree, &mut sources, &mut problems);
        }
        // A file that is not valid TOML gets its syntax errors only: read
        // on, its broken tree would report keys and values that are not
        // what the user wrote.
        if self.syntax_errors {
            return Loaded {
                scenario: None,
                problems: problems.sorted(),
                sources,
            };
        }
        let raw = raw::read_doc(
            &tree,
            &mut Reader {
                problems: &mut problems,
            },
        );
        let unit_source = match &self.units {
            FileRef::Loaded { file, .. } => match units_csv::UnitRows::open(
                &sources.files[*file].text,
                *file,
                &mut problems,
                &raw.units_columns,
                if sources.files[*file].sheet.is_some() {
                    units_csv::Kind::Sheet
                } else {
                    units_csv::Kind::Csv
                },
            ) {
                Some(rows) => validate::UnitSource::Csv(Box::new(rows)),
                None => validate::UnitSource::Failed,
            },
            FileRef::Failed { .. } => validate::UnitSource::Failed,
            FileRef::None => validate::UnitSource::Inline,
        };
        let edges = match &self.edges {
            FileRef::Loaded { file, .. } => Some(validate::EdgeSource {
                text: &sources.files[*file].text,
                file: *file,
            }),
            _ => None,
        };
        let scenario = if self.complete {
            validate::validate(
                &raw,
                unit_source,
                edges,
                purpose,
                &sources,
                &mut problems,
                self.spelling,
            )
        } else {
            unit_source.drain(&mut problems);
            if let Some(e) = edges {
                e.drain(&mut problems);
            }
            None
        };
        Loaded {
            scenario: scenario.filter(|_| !problems.has_errors()),
            problems: problems.sorted(),
            sources,
        }
    }

    /// The path the scenario gives for its units CSV, as written.
    pub fn units_file(&self) -> Option<&str> {
        self.units.path()
    }

    /// The units CSV as read (its name as the loader gave it, and text).
    pub fn units_source(&self) -> Option<&SourceFile> {
        match &self.units {
            FileRef::Loaded { file, .. } => Some(&self.sources.files[*file]),
            _ => None,
        }
    }

    /// The edges CSV as read (its name as the loader gave it, and text).
    pub fn edges_source(&self) -> Option<&SourceFile> {
        match &self.edges {
            FileRef::Loaded { file, .. } => Some(&self.sources.files[*file]),
            _ => None,
        }
    }

    /// `[units] columns` as the run reads it (bases and `--set` applied):
    /// (unit key, CSV column name).
    pub fn units_columns(&self) -> Vec<(String, String)> {
        let mut problems = Problems::default();
        let raw = raw::read_doc(
            &self.tree,
            &mut Reader {
                problems: &mut problems,
            },
        );
        raw.units_columns
            .into_iter()
            .map(|(k, name)| (k, name.v))
            .collect()
    }

    /// The scenario file itself (not the bases it extends).
    pub fn root(&self) -> &SourceFile {
        &self.sources.files[0]
    }
}

/// Parses the scenario and the chain of files it extends. Returns their
/// trees (the scenario first, its base next, ...), whether the chain was
/// read whole, and whether any file had syntax errors.
fn chain(
    sources: &mut Sources,
    root: FileId,
    loader: &dyn SourceLoader,
    problems: &mut Problems,
) -> (Vec<Node>, bool, bool) {
    let mut trees = Vec::new();
    let mut keys: Vec<String> = vec![sources.files[root].name.clone()];
    let mut syntax_errors = false;
    let mut current = root;
    loop {
        let (node, had) = tree::parse(&sources.files[current].text, current, problems);
        syntax_errors |= had;
        let extends = match &node.value {
            Value::Table(t) => t.get("extends").cloned(),
            _ => None,
        };
        trees.push(node);
        let Some(ext) = extends else {
            return (trees, true, syntax_errors);
        };
        let Value::String(path) = &ext.value else {
            problems.error(
                ProblemKind::WrongType,
                &ext.span,
                "`extends` must be a string: the path of the base scenario, relative to this file",
            );
            return (trees, false, syntax_errors);
        };
        if !has_extension(path, &["toml"]) {
            problems
                .error(
                    ProblemKind::File,
                    &ext.span,
                    format!("`extends` must name a .toml scenario, found `{path}`"),
                )
                .help("the base scenario is a TOML file like this one");
            return (trees, false, syntax_errors);
        }
        if trees.len() > MAX_EXTENDS_DEPTH {
            problems.error(
                ProblemKind::File,
                &ext.span,
                format!("`extends` nests more than {MAX_EXTENDS_DEPTH} scenarios deep"),
            );
            return (trees, false, syntax_errors);
        }
        let from = sources.files[current].name.clone();
        match fetch(
            loader,
            &from,
            path,
            "base scenario",
            &ext.span,
            sources,
            problems,
        ) {
            Some((id, key)) => {
                if keys.contains(&key) {
                    problems
                        .error(ProblemKind::File, &ext.span, format!("`extends` makes a cycle: `{}` is already part of this scenario", sources.files[id].name))
                        .help("a base scenario must not extend (directly or not) the file that extends it");
                    return (trees, false, syntax_errors);
                }
                keys.push(key);
                current = id;
            }
            None => return (trees, false, syntax_errors),
        }
    }
}

/// Whether `path` ends in one of `exts` (any case).
fn has_extension(path: &str, exts: &[&str]) -> bool {
    std::path::Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| exts.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Loads and decodes `path` (named by the key at `span`), adding it to the
/// sources; a file that cannot be read is one problem at `span`. Returns
/// the file's id and its identity key.
fn fetch(
    loader: &dyn SourceLoader,
    from: &str,
    path: &str,
    what: &str,
    span: &Span,
    sources: &mut Sources,
    problems: &mut Problems,
) -> Option<(FileId, String)> {
    let help = if what == "base scenario" {
        "the path is relative to the scenario that extends it"
    } else {
        "the path is relative to the scenario file"
    };
    let loaded = match loader.load(from, path) {
        Ok(l) => l,
        Err(e) => {
            problems
                .error(
                    ProblemKind::File,
                    span,
                    format!("cannot read {what} `{path}`: {e}"),
                )
                .help(help);
            return None;
        }
    };
    match text::decode_owned(loaded.bytes) {
        Ok(d) => {
            note_encoding(sources.files.len(), &d, what, problems);
            let id = sources.add(loaded.name, d.text);
            Some((id, loaded.key))
        }
        Err(e) => {
            problems
                .error(
                    ProblemKind::File,
                    span,
                    format!("cannot read {what} `{path}`: {e}"),
                )
                .help(help);
            None
        }
    }
}

/// Reads the file named by `[units] key` (`file` or `edges`), relative to
/// the file that wrote the key (`from` gives its name).
fn load_named(
    tree: &Node,
    key: &str,
    what: &str,
    from: &dyn Fn(FileId, &Sources) -> String,
    loader: &dyn SourceLoader,
    sources: &mut Sources,
    problems: &mut Problems,
) -> FileRef {
    let Value::Table(top) = &tree.value else {
        return FileRef::None;
    };
    let Some(Value::Table(units)) = top.get("units").map(|n| &n.value) else {
        return FileRef::None;
    };
    let Some(node) = units.get(key) else {
        return FileRef::None;
    };
    let Value::String(path) = &node.value else {
        return FileRef::None;
    };
    // Units may be a sheet of a workbook; the edges stay a CSV.
    let sheet = units.get("sheet").filter(|_| key == "file");
    if key == "file" && has_extension(path, WORKBOOK) {
        let from = from(node.span.file, sources);
        return load_sheet(path, &node.span, sheet, &from, loader, sources, problems);
    }
    if let Some(s) = sheet {
        problems
            .warning(
                ProblemKind::NoEffect,
                &s.span,
                format!("`sheet` is ignored: `{path}` is not a workbook"),
            )
            .help("`sheet` names the sheet of a units workbook (file = \"accounts.xlsx\")");
    }
    if !has_extension(path, &["csv", "tsv", "txt"]) {
        let help = if key == "file" {
            "a units file is a .csv (or .tsv, .txt) file or an .xlsx workbook"
        } else {
            "export the table as CSV, e.g. from Excel: Save As \"CSV UTF-8\""
        };
        let allowed = if key == "file" {
            ".csv (or .tsv, .txt) file or an .xlsx workbook"
        } else {
            ".csv (or .tsv, .txt) file"
        };
        problems
            .error(
                ProblemKind::File,
                &node.span,
                format!("the {what} file must be a {allowed}, found `{path}`"),
            )
            .help(help);
        return FileRef::Failed { path: path.clone() };
    }
    let from = from(node.span.file, sources);
    match fetch(
        loader,
        &from,
        path,
        &format!("{what} file"),
        &node.span,
        sources,
        problems,
    ) {
        Some((file, _)) => FileRef::Loaded {
            path: path.clone(),
            file,
        },
        None => FileRef::Failed { path: path.clone() },
    }
}

/// The workbook formats units are read from (Office Open XML).
const WORKBOOK: &[&str] = &["xlsx", "xlsm"];

/// Reads the units sheet of the workbook `path` (named by the key at
/// `span`; `sheet` is the `[units] sheet` key, default the first sheet) as
/// CSV text, so its rows are read like a units CSV's.
fn load_sheet(
    path: &str,
    span: &Span,
    sheet: Option<&Node>,
    from: &str,
    loader: &dyn SourceLoader,
    sources: &mut Sources,
    problems: &mut Problems,
) -> FileRef {
    let failed = FileRef::Failed {
        path: path.to_string(),
    };
    let wanted = match sheet.map(|n| &n.value) {
        None => None,
        Some(Value::String(s)) => Some(s.as_str()),
        // A sheet that is not a string is reported with the keys.
        Some(_) => return failed,
    };
    let loaded = match loader.load(from, path) {
        Ok(l) => l,
        Err(e) => {
            problems
                .error(
                    ProblemKind::File,
                    span,
                    format!("cannot read units workbook `{path}`: {e}"),
                )
                .help("the path is relative to the scenario file");
            return failed;
        }
    };
    let sheet_span = sheet.map_or(span, |n| &n.span);
    match workbook::read(&loaded.bytes, wanted) {
        Ok(t) => {
            let file = sources.add_sheet(loaded.name, t.text, t.places);
            if let Some(o) = t.outside {
                let more = match o.more {
                    0 => String::new(),
                    n => format!(" (and {n} more)"),
                };
                problems
                    .warning(
                        ProblemKind::NoEffect,
                        &Span {
                            file,
                            range: o.row,
                        },
                        format!(
                            "cell {}{more} has a value but no column header above it: ignored",
                            o.cell
                        ),
                    )
                    .help("the first row with a value is the header; give the column a name to read it");
            }
            FileRef::Loaded {
                path: path.to_string(),
                file,
            }
        }
        Err(e) => {
            let (at, message, help) = match e {
                workbook::SheetError::NotWorkbook(why) => (
                    span,
                    format!("cannot read units workbook `{path}`: it is not an .xlsx workbook ({why})"),
                    "save it from Excel as \"Excel Workbook (.xlsx)\", or as \"CSV UTF-8\" and name the .csv".to_string(),
                ),
                workbook::SheetError::NoSheet { wanted, present } => {
                    let names: Vec<&str> = present.iter().map(String::as_str).collect();
                    let mut help = String::new();
                    if let Some(s) = did_you_mean(&wanted, &names) {
                        help.push_str(&format!("did you mean `{s}`? "));
                    }
                    help.push_str(&format!("its sheets: {}", names.join(", ")));
                    (
                        sheet_span,
                        format!("the units workbook `{path}` has no sheet `{wanted}`"),
                        help,
                    )
                }
                workbook::SheetError::NoSheets => (
                    span,
                    format!("the units workbook `{path}` has no sheets"),
                    "put the units on a sheet: a header row, then one unit per row".to_string(),
                ),
                workbook::SheetError::Empty { sheet } => (
                    sheet_span,
                    format!("sheet `{sheet}` of the units workbook `{path}` is empty"),
                    "the first row holds the column names (id, potential, owner, ...), then one unit per row".to_string(),
                ),
                workbook::SheetError::Broken { sheet, why } => (
                    sheet_span,
                    format!("cannot read sheet `{sheet}` of the units workbook `{path}`: {why}"),
                    "open it in Excel and save it again".to_string(),
                ),
            };
            problems.error(ProblemKind::File, at, message).help(help);
            failed
        }
    }
}
