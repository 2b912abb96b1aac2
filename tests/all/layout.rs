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
