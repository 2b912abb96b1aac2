//! The architecture as a test: the library's top-level modules form layers
//! (each uses only those listed before it), so there is no cycle between
//! them; the CLI's files import each other without cycles; and the library
//! does no I/O and never prints.
//!
//!     cargo test --release layout -- --nocapture    # prints the graph

use crate::common::repo;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, bottom first, as `src/lib.rs` lists them (`//! 1. [`stats`]`
/// and so on): the one place the order is written. A module may use only
/// the modules before it.
fn layers() -> Vec<String> {
    let lib = std::fs::read_to_string(repo("src/lib.rs")).expect("src/lib.rs is readable");
    let list: Vec<String> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("//! "))
        .filter_map(|l| {
            let (n, rest) = l.split_once(". [`")?;
            n.trim().parse::<usize>().ok()?;
            Some(rest.split('`').next()?.to_string())
        })
        .collect();
    assert!(
        list.len() > 10,
        "src/lib.rs lists no layers (`//! 1. [`stats`]: …`): {list:?}"
    );
    list
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("src is readable") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without comments (doc links are not dependencies)
/// and without its unit tests.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("readable");
    let text = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => &text[..],
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Names `prefix::name` refers to in `code`.
fn refs(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        rest = &rest[i + prefix.len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.insert(name);
        }
    }
    // `use crate::{a, b}` style.
    for (i, _) in code.match_indices(&format!("{prefix}{{")) {
        let inner = &code[i + prefix.len() + 1..];
        let end = inner.find('}').unwrap_or(0);
        for part in inner[..end].split(',') {
            let name = part.trim().split("::").next().unwrap_or("").trim();
            if !name.is_empty() {
                out.insert(name.to_string());
            }
        }
    }
    out
}

/// The top-level module a library file belongs to.
fn top_module(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    (name != "lib" && name != "main" && name != "cli").then_some(name)
}

#[test]
fn layout_layers_have_no_cycles() {
    let layers = layers();
    let layers: Vec<&str> = layers.iter().map(String::as_str).collect();
    let lib = std::fs::read_to_string(repo("src/lib.rs")).expect("readable");
    for m in lib.lines().filter_map(|l| l.strip_prefix("pub mod ")) {
        let m = m.trim_end_matches(';');
        assert!(
            layers.contains(&m),
            "`{m}` is a module of src/lib.rs but not in its layer list"
        );
    }
    let src = repo("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let Some(top) = top_module(&src, f) else {
            continue;
        };
        let deps = graph.entry(top.clone()).or_default();
        for r in refs(&code(f), "crate::") {
            if r != top && layers.contains(&r.as_str()) {
                deps.insert(r);
            }
        }
    }
    println!("module dependencies (each uses only modules listed before it):");
    for m in &layers {
        let deps: Vec<&str> = graph
            .get(*m)
            .map(|d| d.iter().map(String::as_str).collect())
            .unwrap_or_default();
        println!("  {m:<11} -> {}", deps.join(", "));
    }
    let mut wrong = Vec::new();
    for (m, deps) in &graph {
        let Some(level) = layers.iter().position(|l| l == m) else {
            wrong.push(format!("`{m}` is not in the layer list"));
            continue;
        };
        for d in deps {
            let dl = layers.iter().position(|l| l == d).expect("filtered");
            if dl >= level {
                wrong.push(format!("`{m}` uses `{d}`, which is not below it"));
            }
        }
    }
    assert!(wrong.is_empty(), "layering broken:\n{}", wrong.join("\n"));
}

#[test]
fn layout_cli_files_have_no_cycles() {
    let cli = repo("src/cli");
    let mut files = Vec::new();
    rust_files(&cli, &mut files);
    // File stem -> the CLI files it imports (`crate::cli::x`, `super::x`).
    let name = |p: &Path| {
        let rel = p.strip_prefix(&cli).expect("under cli");
        let s = rel.with_extension("").display().to_string();
        s.trim_end_matches("/mod").to_string()
    };
    let known: BTreeSet<String> = files.iter().map(|f| name(f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let me = name(f);
        let code = code(f);
        let mut deps = BTreeSet::new();
        for r in refs(&code, "crate::cli::")
            .into_iter()
            .chain(refs(&code, "super::"))
        {
            for candidate in [r.clone(), format!("commands/{r}")] {
                if known.contains(&candidate) && candidate != me && me != "mod" {
                    deps.insert(candidate);
                }
            }
        }
        graph.insert(me, deps);
    }
    // Depth-first search for a cycle.
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == n) {
            return Some(path[i..].to_vec());
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_string());
        for d in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(d, g, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for n in graph.keys() {
        let cycle = visit(n, &graph, &mut Vec::new(), &mut done);
        assert!(cycle.is_none(), "CLI import cycle: {cycle:?}");
    }
}

#[test]
fn layout_library_does_no_io_and_never_prints() {
    let src = repo("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let banned = [
        "println!",
        "print!(",
        "eprintln!",
        "eprint!(",
        "std::fs::",
        "std::io::stdout",
        "std::io::stderr",
        "std::process::exit",
    ];
    let mut found = Vec::new();
    for f in &files {
        if top_module(&src, f).is_none() {
            continue;
        }
        let code = code(f);
        for b in banned {
            if code.contains(b) {
                found.push(format!("{} uses {b}", f.display()));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The functions of a file: (first line, lines, name), from `fn` to its
/// closing brace; string and char literals and comments are skipped when
/// braces are counted (as `scripts/longest-functions.py` does).
fn functions(text: &str) -> Vec<(usize, usize, String)> {
    let strip = |l: &str| -> String {
        let mut out = String::new();
        let mut chars = l.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' if quoted => {
                    chars.next();
                }
                '"' => quoted = !quoted,
                '/' if !quoted && chars.peek() == Some(&'/') => break,
                '\'' if !quoted => {
                    // A char literal: skip it; a lifetime: keep going.
                    let rest: String = chars.clone().take(3).collect();
                    if rest.starts_with('\\') {
                        chars.nth(2);
                    } else if rest.chars().nth(1) == Some('\'') {
                        chars.nth(1);
                    }
                }
                c if !quoted => out.push(c),
                _ => {}
            }
        }
        out
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim_start();
        let t = t.strip_prefix("pub ").unwrap_or(t);
        let t = match t.strip_prefix("pub(") {
            Some(r) => r.split_once(") ").map_or(t, |(_, r)| r),
            None => t,
        };
        let t = t.strip_prefix("const ").unwrap_or(t);
        let Some(rest) = t.strip_prefix("fn ") else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let (mut depth, mut opened) = (0i64, false);
        for (j, body) in lines.iter().enumerate().skip(i) {
            let s = strip(body);
            if !opened && s.contains(';') && !s.contains('{') {
                break; // a declaration without a body
            }
            depth += s.matches('{').count() as i64 - s.matches('}').count() as i64;
            opened |= s.contains('{');
            if opened && depth <= 0 {
                out.push((i + 1, j - i + 1, name.clone()));
                break;
            }
        }
    }
    out
}

/// Small files and functions that do one thing: no file of the library
/// or the CLI over 1,000 lines, no function over 150.
///
///     python3 scripts/longest-functions.py 20    # the longest functions
#[test]
fn layout_no_file_over_1000_lines_and_no_function_over_150() {
    let src = repo("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("readable");
        let n = text.lines().count();
        if n > 1000 {
            wrong.push(format!("{} has {n} lines (at most 1,000)", f.display()));
        }
        for (line, len, name) in functions(&text) {
            if len > 150 {
                wrong.push(format!(
                    "{}:{line}: `{name}` has {len} lines (at most 150)",
                    f.display()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "too large:\n{}", wrong.join("\n"));
}

/// The command line's long flags, read from its argument structs: a
/// field under `#[arg(long)]` is `--field-name`, `#[arg(long = "x")]` is
/// `--x`.
fn cli_flags() -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(&repo("src/cli/args"), &mut files);
    let mut flags = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("readable");
        let mut long: Option<Option<String>> = None;
        for l in text.lines().map(str::trim) {
            if l.starts_with("#[arg(") && l.contains("long") {
                let named = l
                    .split("long = \"")
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .map(str::to_string);
                long = Some(named);
            } else if let Some(field) = l.strip_prefix("pub ").and_then(|r| r.split_once(':'))
                && let Some(named) = long.take()
            {
                flags.insert(named.unwrap_or_else(|| field.0.trim().replace('_', "-")));
            }
        }
    }
    flags
}

/// The string literals of a piece of code.
fn literals(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut lit = String::new();
        while let Some(d) = chars.next() {
            match d {
                '\\' => {
                    chars.next();
                }
                '"' => break,
                d => lit.push(d),
            }
        }
        out.push(lit);
    }
    out
}

/// The library's text names no command-line flag: it names settings
/// through the caller's spelling (`source::Spelling`), and the CLI spells
/// them as flags. (Slurm's own `#SBATCH --time` and `sbatch --parsable`
/// are Slurm's words, not ours.)
#[test]
fn layout_library_text_names_no_cli_flag() {
    let flags = cli_flags();
    assert!(
        flags.contains("date-format") && flags.contains("set") && flags.contains("trials"),
        "the CLI's flags were not found: {flags:?}"
    );
    let src = repo("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    for f in &files {
        if top_module(&src, f).is_none() {
            continue;
        }
        for lit in literals(&code(f)) {
            for (i, _) in lit.match_indices("--") {
                let name: String = lit[i + 2..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '-')
                    .collect();
                let before = &lit[..i];
                let slurm = before.ends_with("#SBATCH ") || before.ends_with("sbatch ");
                if flags.contains(&name) && !slurm && (i == 0 || !lit[..i].ends_with('-')) {
                    found.push(format!("{}: \"{lit}\" names --{name}", f.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "library text naming CLI flags:\n{}",
        found.join("\n")
    );
}
