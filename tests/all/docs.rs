//! The documentation holds together: every relative link of `README.md` and
//! of the book (`docs/`) reaches a file that exists, every `#anchor` names a
//! heading of its page (as GitHub and mdBook make anchors), `SUMMARY.md`
//! lists exactly the chapters there are, and every `docs/src/*.md` that a
//! comment in the code cites exists, with the section it names.

use crate::common::repo;
use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

/// One broken thing, said as `file:line: link → why`.
type Problems = Vec<String>;

#[test]
fn every_link_and_anchor_of_the_docs_resolves() {
    let root = repo(".");
    let mut files = vec![root.join("README.md")];
    files.extend(markdown_under(&root.join("docs")));
    assert!(files.len() > 10, "the book has {} pages", files.len());
    let problems = check_links(&root, &files);
    assert!(
        problems.is_empty(),
        "broken links in the docs:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn summary_lists_every_chapter_and_only_chapters() {
    let src = repo("docs/src");
    let problems = check_summary(&src);
    assert!(
        problems.is_empty(),
        "docs/src/SUMMARY.md and the chapters disagree:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn chapters_cited_in_code_comments_exist_with_their_sections() {
    let root = repo(".");
    let mut sources = Vec::new();
    for dir in ["src", "tests", "benches"] {
        sources.extend(files_under(&root.join(dir), "rs"));
    }
    let problems = check_citations(&root, &sources);
    assert!(
        problems.is_empty(),
        "comments cite chapters or sections that do not exist:\n  {}",
        problems.join("\n  ")
    );
}

/// The checks must fail on what they are meant to catch, or a green run
/// says nothing: a missing file, a missing anchor in another page and in
/// the same page, a chapter SUMMARY.md leaves out, a cited section that
/// is not there.
#[test]
fn the_checks_catch_broken_links() {
    let dir = crate::common::tmp("docs-check");
    let src = dir.join("docs/src");
    std::fs::create_dir_all(&src).unwrap();
    let write = |p: &Path, s: &str| std::fs::write(p, s).unwrap();
    write(&src.join("SUMMARY.md"), "# Summary\n\n- [A](a.md)\n");
    write(
        &src.join("a.md"),
        "# A page\n\n## Step one: `init`\n\nSee [one](#step-one-init), [b](b.md#top),\n\
         [gone](missing.md), [no anchor](#step-two) and [bad](b.md#nowhere).\n\n\
         ```\n[not a link](inside-code.md)\n```\n",
    );
    write(&src.join("b.md"), "# Top\n");
    let files = vec![src.join("a.md"), src.join("b.md"), src.join("SUMMARY.md")];
    let problems = check_links(&dir, &files);
    let text = problems.join("\n");
    assert_eq!(problems.len(), 3, "{text}");
    assert!(
        text.contains("docs/src/a.md:6: missing.md → no such file"),
        "{text}"
    );
    assert!(
        text.contains("docs/src/a.md:6: #step-two → no heading with that anchor"),
        "{text}"
    );
    assert!(
        text.contains("docs/src/a.md:6: b.md#nowhere → no heading with that anchor"),
        "{text}"
    );
    let problems = check_summary(&src);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("b.md"), "{problems:?}");

    let code = dir.join("lib.rs");
    let cites = [
        "//! As docs/src/a.md (Step one: `init`) says, and docs/src/a.md, Step",
        "//! three; docs/src/c.md too.",
    ];
    write(&code, &cites.join("\n"));
    let problems = check_citations(&dir, &[code]);
    let text = problems.join("\n");
    assert_eq!(problems.len(), 2, "{text}");
    assert!(
        text.contains("lib.rs:1: docs/src/a.md, Step three → no such section"),
        "{text}"
    );
    assert!(
        text.contains("lib.rs:2: docs/src/c.md → no such file"),
        "{text}"
    );
}

// --- the checks ---

fn check_links(root: &Path, files: &[PathBuf]) -> Problems {
    let mut problems = Vec::new();
    let mut anchors: HashMap<PathBuf, BTreeSet<String>> = HashMap::new();
    for file in files {
        let text = read(file);
        for (line, target) in links(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let at = format!("{}:{line}: {target}", shown(root, file));
            let (path, anchor) = match target.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (target.as_str(), None),
            };
            let dest = if path.is_empty() {
                file.clone()
            } else {
                normalise(&file.parent().expect("a file has a folder").join(path))
            };
            if !dest.exists() {
                problems.push(format!("{at} → no such file"));
                continue;
            }
            let Some(anchor) = anchor else { continue };
            if dest.extension().is_none_or(|e| e != "md") {
                problems.push(format!("{at} → an anchor into a file that is not markdown"));
                continue;
            }
            let known = anchors
                .entry(dest.clone())
                .or_insert_with(|| heading_anchors(&read(&dest)));
            if !known.contains(anchor) {
                problems.push(format!("{at} → no heading with that anchor"));
            }
        }
    }
    problems
}

fn check_summary(src: &Path) -> Problems {
    let summary = src.join("SUMMARY.md");
    let listed: BTreeSet<PathBuf> = links(&read(&summary))
        .into_iter()
        .map(|(_, t)| normalise(&src.join(t.split('#').next().unwrap_or(""))))
        .collect();
    let chapters: BTreeSet<PathBuf> = markdown_under(src)
        .into_iter()
        .filter(|p| p != &summary)
        .collect();
    let mut problems = Vec::new();
    for c in chapters.difference(&listed) {
        problems.push(format!(
            "{} → a chapter that SUMMARY.md does not list",
            c.display()
        ));
    }
    for c in listed.difference(&chapters) {
        problems.push(format!(
            "{} → listed in SUMMARY.md but not a chapter",
            c.display()
        ));
    }
    problems
}

/// A chapter a comment cites (a `.md` path under `docs/src/`) must exist,
/// and a section named right after it, after a comma or in parentheses,
/// must be a heading of that chapter. Comment lines are joined, so a
/// citation may wrap.
fn check_citations(root: &Path, sources: &[PathBuf]) -> Problems {
    const CITE: &str = "docs/src/";
    let mut problems = Vec::new();
    for file in sources {
        let mut joined = String::new();
        let mut line_of = Vec::new();
        for (i, line) in read(file).lines().enumerate() {
            let t = line.trim_start();
            let Some(comment) = t.strip_prefix("//") else {
                continue;
            };
            let comment = comment.trim_start_matches(['/', '!']).trim();
            joined.push_str(comment);
            joined.push(' ');
            line_of.resize(joined.len(), i + 1);
        }
        let mut from = 0;
        while let Some(k) = joined[from..].find(CITE) {
            let start = from + k;
            from = start + CITE.len();
            let rest = &joined[from..];
            let name_len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
                .unwrap_or(rest.len());
            let name = rest[..name_len].trim_end_matches('.');
            if !name.ends_with(".md") || name == ".md" {
                continue;
            }
            let line = line_of.get(start).copied().unwrap_or(0);
            let cited = format!("{}:{line}: {CITE}{name}", shown(root, file));
            let chapter = root.join("docs/src").join(name);
            if !chapter.exists() {
                problems.push(format!("{cited} → no such file"));
                continue;
            }
            if let Some(section) = section_after(&rest[name.len()..]) {
                let headings = heading_texts(&read(&chapter));
                if !headings.iter().any(|h| h == &section) {
                    problems.push(format!("{cited}, {section} → no such section"));
                }
            }
        }
    }
    problems
}

/// The section a citation names right after the file: `, Reps`,
/// `(One trial)`, `, Step three;`. Only a capitalised name counts (a
/// comment going on in lowercase names no section).
fn section_after(rest: &str) -> Option<String> {
    let (body, stops): (&str, &[char]) = if let Some(r) = rest.strip_prefix(" (") {
        (r, &[')'])
    } else if let Some(r) = rest.strip_prefix(", ") {
        (r, &[')', ':', ';', '.', ','])
    } else {
        return None;
    };
    if !body.starts_with(|c: char| c.is_uppercase()) {
        return None;
    }
    let end = body.find(stops)?;
    Some(body[..end].trim().to_string())
}

// --- markdown, as far as links and headings go ---

/// Every inline link or image target with its line, outside fenced code
/// blocks and code spans.
fn links(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (line_no, line) in prose_lines(text) {
        let bytes = line.as_bytes();
        let mut code = false;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'`' => code = !code,
                b']' if !code && bytes.get(i + 1) == Some(&b'(') => {
                    let rest = &line[i + 2..];
                    if let Some(end) = rest.find(')') {
                        let target = rest[..end].split_whitespace().next().unwrap_or("");
                        if !target.is_empty() {
                            out.push((line_no, target.to_string()));
                        }
                        i += end + 2;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
    out
}

/// The lines outside fenced code blocks, numbered from 1.
fn prose_lines(text: &str) -> Vec<(usize, &str)> {
    let mut fence: Option<&str> = None;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let marker = if t.starts_with("```") {
            Some("```")
        } else if t.starts_with("~~~") {
            Some("~~~")
        } else {
            None
        };
        match (fence, marker) {
            (None, Some(m)) => fence = Some(m),
            (Some(f), Some(m)) if f == m => fence = None,
            (None, None) => out.push((i + 1, line)),
            _ => {}
        }
    }
    out
}

/// The headings' texts as written, without the `#`s.
fn heading_texts(text: &str) -> Vec<String> {
    prose_lines(text)
        .into_iter()
        .filter_map(|(_, line)| {
            let hashes = line.len() - line.trim_start_matches('#').len();
            let rest = &line[hashes..];
            ((1..=6).contains(&hashes) && rest.starts_with(' '))
                .then(|| rest.trim().trim_end_matches('#').trim().to_string())
        })
        .collect()
}

/// The anchors of a page's headings as GitHub and mdBook make them: the
/// text without markup, lowercase, spaces to `-`, other punctuation
/// dropped; a repeated anchor gets `-1`, `-2`, ...
fn heading_anchors(text: &str) -> BTreeSet<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = BTreeSet::new();
    for h in heading_texts(text) {
        let base: String = h
            .chars()
            .filter_map(|c| {
                if c.is_alphanumeric() || c == '-' || c == '_' {
                    Some(c.to_lowercase().next().unwrap_or(c))
                } else if c == ' ' {
                    Some('-')
                } else {
                    None
                }
            })
            .collect();
        let n = seen.entry(base.clone()).or_insert(0);
        out.insert(if *n == 0 {
            base.clone()
        } else {
            format!("{base}-{n}")
        });
        *n += 1;
    }
    out
}

// --- files ---

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn markdown_under(dir: &Path) -> Vec<PathBuf> {
    files_under(dir, "md")
}

/// Files with extension `ext` below `dir`, sorted.
fn files_under(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                // The built book, if any, is not the source.
                if p.file_name().is_some_and(|n| n != "book") {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|e| e == ext) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// `a/b/../c` as `a/c`, without touching the file system.
fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// A path as the problems show it: relative to the repository.
fn shown(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .display()
        .to_string()
}
