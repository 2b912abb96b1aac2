//! What-if scenarios: `extends = "base.toml"` (a deep merge, arrays of
//! tables matched by `id`) and `--set key.path=value` overrides. Every value
//! keeps the place it came from: the files are laid side by side in one
//! offset space, so a problem in the merged scenario still points at the
//! file, line and column (or the `--set` argument) that wrote it.

use super::SourceLoader;
use super::diag::{FileId, Problems, Sources};
use std::borrow::Cow;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub(super) struct Merged<'a> {
    pub doc: Spanned<DeTable<'a>>,
    /// (start offset, file) of each source in the offset space.
    pub segments: Vec<(usize, FileId)>,
    /// A file had TOML syntax errors (validation would only cascade).
    pub syntax_errors: bool,
}

fn extends_of(text: &str) -> Option<(String, std::ops::Range<usize>, bool)> {
    let (doc, _) = DeTable::parse_recoverable(text);
    let (_, v) = doc.get_ref().get_key_value("extends")?;
    match v.get_ref() {
        DeValue::String(s) => Some((s.to_string(), v.span(), true)),
        _ => Some((String::new(), v.span(), false)),
    }
}

/// Loads the chain of `extends`, returning file ids base first and whether
/// the whole chain could be read.
pub(super) fn chain(
    sources: &mut Sources,
    root: FileId,
    loader: &dyn SourceLoader,
    problems: &mut Problems,
) -> (Vec<FileId>, bool) {
    let mut files = vec![root];
    let mut current = root;
    let mut complete = true;
    while let Some((path, span, ok)) = extends_of(&sources.files[current].text) {
        if !ok {
            problems.error(
                current,
                span,
                "`extends` must be a string: the path of the base scenario, relative to this file",
            );
            complete = false;
            break;
        }
        let from = sources.files[current].name.clone();
        match loader.load(&from, &path) {
            Ok((name, text)) => {
                if files.iter().any(|&f| sources.files[f].name == name) {
                    problems
                        .error(current, span, format!("`extends` makes a cycle: `{name}` is already part of this scenario"))
                        .help("a base scenario must not extend (directly or not) the file that extends it");
                    complete = false;
                    break;
                }
                let id = sources.add(name, text);
                files.push(id);
                current = id;
            }
            Err(e) => {
                problems
                    .error(
                        current,
                        span,
                        format!("cannot read base scenario `{path}`: {e}"),
                    )
                    .help("the path is relative to the scenario that extends it");
                complete = false;
                break;
            }
        }
    }
    files.reverse();
    (files, complete)
}

fn shift(v: &mut Spanned<DeValue<'_>>, off: usize) {
    let range = v.span();
    let value = std::mem::replace(v, Spanned::new(0..0, DeValue::Boolean(false))).into_inner();
    let value = match value {
        DeValue::Table(t) => DeValue::Table(shift_table(t, off)),
        DeValue::Array(mut a) => {
            for item in a.iter_mut() {
                shift(item, off);
            }
            DeValue::Array(a)
        }
        other => other,
    };
    *v = Spanned::new(range.start + off..range.end + off, value);
}

fn shift_table(t: DeTable<'_>, off: usize) -> DeTable<'_> {
    let mut out = DeTable::default();
    for (k, mut v) in t {
        let kr = k.span();
        shift(&mut v, off);
        out.insert(
            Spanned::new(kr.start + off..kr.end + off, k.into_inner()),
            v,
        );
    }
    out
}

fn id_of<'a>(v: &'a Spanned<DeValue<'_>>) -> Option<&'a str> {
    match v.get_ref() {
        DeValue::Table(t) => match t.get("id").map(|x| x.get_ref()) {
            Some(DeValue::String(s)) => Some(s.as_ref()),
            _ => None,
        },
        _ => None,
    }
}

/// Deep merge: tables merge key by key, arrays of tables match items by
/// `id` (unmatched items are added), anything else is replaced.
fn merge<'a>(base: &mut DeTable<'a>, over: DeTable<'a>) {
    for (k, v) in over {
        let key: &str = k.get_ref().as_ref();
        match base.get_mut(key) {
            None => {
                base.insert(k, v);
            }
            Some(existing) => match (existing.get_mut(), v.get_ref()) {
                (DeValue::Table(bt), DeValue::Table(_)) => {
                    if let DeValue::Table(ot) = v.into_inner() {
                        merge(bt, ot);
                    }
                }
                (DeValue::Array(ba), DeValue::Array(oa))
                    if !ba.is_empty()
                        && ba.iter().all(|x| id_of(x).is_some())
                        && oa.iter().all(|x| id_of(x).is_some()) =>
                {
                    if let DeValue::Array(oa) = v.into_inner() {
                        for item in oa {
                            let id = id_of(&item).expect("checked").to_string();
                            match ba.iter_mut().find(|b| id_of(b) == Some(id.as_str())) {
                                Some(b) => {
                                    if let (DeValue::Table(bt), DeValue::Table(ot)) =
                                        (b.get_mut(), item.into_inner())
                                    {
                                        merge(bt, ot);
                                    }
                                }
                                None => ba.push(item),
                            }
                        }
                    }
                }
                _ => {
                    base.insert(k, v);
                }
            },
        }
    }
}

/// Parses the chain and the `--set` sources into one document.
pub(super) fn compose<'a>(
    sources: &'a Sources,
    files: &[FileId],
    sets: &[FileId],
    problems: &mut Problems,
) -> Merged<'a> {
    let mut segments = Vec::new();
    let mut offset = 0;
    let mut doc: Option<Spanned<DeTable<'a>>> = None;
    let mut syntax_errors = false;
    for &f in files {
        let text = &sources.files[f].text;
        let (parsed, errors) = DeTable::parse_recoverable(text);
        for e in errors {
            syntax_errors = true;
            problems.error(
                f,
                e.span().unwrap_or(0..0),
                format!("TOML syntax: {}", e.message().trim()),
            );
        }
        segments.push((offset, f));
        let range = parsed.span();
        let table = shift_table(parsed.into_inner(), offset);
        offset += text.len() + 1;
        doc = Some(match doc {
            None => Spanned::new(range.start..range.end + offset, table),
            Some(base) => {
                let span = base.span();
                let mut b = base.into_inner();
                merge(&mut b, table);
                Spanned::new(span.start..offset, b)
            }
        });
    }
    let mut doc = doc.unwrap_or_else(|| Spanned::new(0..0, DeTable::default()));
    for &f in sets {
        segments.push((offset, f));
        apply_set(&mut doc, &sources.files[f].text, offset, f, problems);
        offset += sources.files[f].text.len() + 1;
    }
    Merged {
        doc,
        segments,
        syntax_errors,
    }
}

/// `path.to.key=value`; a path segment under an array of tables names the
/// item by its `id` (`reps.R03.quota=7e6`). The value is TOML
/// (`0.1`, `"text"`, `[1, 2]`, `{ normal = { mean = 0, sd = 0.1 } }`); bare
/// words are taken as strings.
fn apply_set<'a>(
    doc: &mut Spanned<DeTable<'a>>,
    text: &'a str,
    off: usize,
    file: FileId,
    problems: &mut Problems,
) {
    let Some(eq) = text.find('=') else {
        problems
            .error(file, 0..text.len(), "a --set needs `key.path=value`")
            .help("e.g. --set risks.macro.impact.normal.sd=0.1 or --set reps.R03.quota=7e6");
        return;
    };
    let (path, value_text) = (&text[..eq], &text[eq + 1..]);
    let value_range = off + eq + 1..off + text.len();
    let value = match DeValue::parse(value_text) {
        Ok(v) => {
            let mut v = v;
            shift(&mut v, off + eq + 1);
            v
        }
        Err(_) => Spanned::new(
            value_range.clone(),
            DeValue::String(Cow::Borrowed(value_text.trim())),
        ),
    };
    let mut segs = Vec::new();
    let mut start = 0;
    for part in path.split('.') {
        segs.push((part.trim(), start..start + part.len()));
        start += part.len() + 1;
    }
    if segs.iter().any(|(s, _)| s.is_empty()) {
        problems
            .error(file, 0..eq, format!("`{path}` is not a key path"))
            .help("segments are separated by dots, e.g. scenario.trials");
        return;
    }
    set_in(doc.get_mut(), &segs, value, off, file, problems, path);
}

fn set_in<'a>(
    table: &mut DeTable<'a>,
    segs: &[(&'a str, std::ops::Range<usize>)],
    value: Spanned<DeValue<'a>>,
    off: usize,
    file: FileId,
    problems: &mut Problems,
    path: &str,
) {
    let (seg, range) = &segs[0];
    let key_span = off + range.start..off + range.end;
    if segs.len() == 1 {
        table.insert(Spanned::new(key_span, Cow::Borrowed(*seg)), value);
        return;
    }
    if table.get(*seg).is_none() {
        table.insert(
            Spanned::new(key_span.clone(), Cow::Borrowed(*seg)),
            Spanned::new(key_span, DeValue::Table(DeTable::default())),
        );
    }
    match table.get_mut(*seg).map(|v| v.get_mut()) {
        Some(DeValue::Table(t)) => set_in(t, &segs[1..], value, off, file, problems, path),
        Some(DeValue::Array(a)) if a.iter().all(|x| id_of(x).is_some()) => {
            let (id, id_range) = &segs[1];
            if segs.len() == 2 {
                problems.error(
                    file,
                    id_range.clone(),
                    format!("`{path}` must name a key inside the item, e.g. reps.R03.quota=7e6"),
                );
                return;
            }
            let ids: Vec<String> = a
                .iter()
                .filter_map(|x| id_of(x).map(str::to_string))
                .collect();
            match a.iter_mut().find(|x| id_of(x) == Some(*id)) {
                Some(item) => {
                    if let DeValue::Table(t) = item.get_mut() {
                        set_in(t, &segs[2..], value, off, file, problems, path);
                    }
                }
                None => {
                    problems
                        .error(
                            file,
                            id_range.clone(),
                            format!("`{seg}` has no item with id `{id}`"),
                        )
                        .help(format!("ids: {}", ids.join(", ")));
                }
            }
        }
        _ => {
            problems.error(
                file,
                range.clone(),
                format!("`{seg}` is not a table, so `{path}` cannot be set"),
            );
        }
    }
}
