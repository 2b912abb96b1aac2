//! The CLI reference of the book (`docs/src/cli.md`), rendered from the
//! clap definition so that it cannot drift from `--help`. The test below
//! fails when the file differs; `QUOTAPLAN_BLESS=1` rewrites it.

use super::args;
use clap::{Arg, Command};
use std::fmt::Write as _;
use std::path::PathBuf;

/// The command that rewrites the chapter, quoted in it and in the failure.
const BLESS: &str = "QUOTAPLAN_BLESS=1 cargo test --release --bin quotaplan cli_reference";

/// The whole chapter: the global option once, then every command in the
/// order `quotaplan --help` lists them.
fn render() -> String {
    let mut root = args::command();
    root.build();
    let mut md = String::new();
    md.push_str("# CLI reference\n\n");
    let _ = writeln!(
        md,
        "<!-- Generated from the clap definition in src/cli/args/ by the test \
         cli_reference_matches_docs (src/cli/reference.rs). Do not edit: change the \
         help text in the code, then run `{BLESS}`. -->\n"
    );
    let _ = writeln!(
        md,
        "This page is generated from the command-line definition, the same text \
         `quotaplan help COMMAND` prints; a test fails when they differ, and \
         `{BLESS}` rewrites it.\n"
    );
    let _ = writeln!(md, "{}\n", text(&about(&root)));
    md.push_str("```text\n");
    md.push_str(&usage(&mut root));
    md.push_str("\n```\n\n");
    md.push_str("## Global options\n\n");
    for arg in root.get_arguments().filter(|a| a.is_global_set()) {
        option(&mut md, arg);
    }
    md.push_str("\n## Commands\n\n");
    // In the order `--help` lists them (its display order).
    let mut commands: Vec<Command> = root
        .get_subcommands()
        .filter(|c| c.get_name() != "help")
        .cloned()
        .collect();
    commands.sort_by_key(Command::get_display_order);
    for c in &commands {
        let _ = writeln!(
            md,
            "- [`{name}`](#quotaplan-{name}): {}",
            text(&about(c)),
            name = c.get_name()
        );
    }
    md.push('\n');
    if let Some(after) = root.get_after_help() {
        examples(&mut md, &after.to_string());
    }
    for mut c in commands {
        command(&mut md, &mut c);
    }
    md
}

/// One command: what it does, its usage, its arguments and options, and
/// the examples of its `--help`.
fn command(md: &mut String, c: &mut Command) {
    let _ = writeln!(md, "## quotaplan {}\n", c.get_name());
    let _ = writeln!(md, "{}\n", text(&about(c)));
    md.push_str("```text\n");
    md.push_str(&usage(c));
    md.push_str("\n```\n\n");
    let shown = |a: &&Arg| !a.is_hide_set() && !a.is_global_set() && !generated(a);
    let positionals: Vec<&Arg> = c.get_positionals().filter(shown).collect();
    if !positionals.is_empty() {
        md.push_str("Arguments:\n\n");
        for arg in positionals {
            option(md, arg);
        }
        md.push('\n');
    }
    let mut options: Vec<&Arg> = c
        .get_arguments()
        .filter(|a| !a.is_positional())
        .filter(shown)
        .collect();
    options.sort_by_key(|a| a.get_display_order());
    if !options.is_empty() {
        md.push_str("Options:\n\n");
        for arg in options {
            option(md, arg);
        }
        md.push('\n');
    }
    if let Some(after) = c.get_after_help() {
        examples(md, &after.to_string());
    }
}

/// `--help` and `--version` are clap's, the same on every command.
fn generated(a: &Arg) -> bool {
    matches!(a.get_id().as_str(), "help" | "version")
}

/// One argument as a list item: its flag and value, its help, its choices
/// and its default.
fn option(md: &mut String, a: &Arg) {
    let _ = write!(md, "- `{}`", signature(a));
    let help = a
        .get_long_help()
        .or_else(|| a.get_help())
        .map(|h| h.to_string())
        .unwrap_or_default();
    if !help.is_empty() {
        let _ = write!(md, ": {}", text(&help));
    }
    md.push('\n');
    let choices: Vec<_> = if a.get_action().takes_values() {
        a.get_possible_values()
            .into_iter()
            .filter(|v| !v.is_hide_set())
            .collect()
    } else {
        Vec::new()
    };
    for v in &choices {
        let _ = write!(md, "  - `{}`", v.get_name());
        if let Some(h) = v.get_help() {
            let _ = write!(md, ": {}", text(&h.to_string()));
        }
        md.push('\n');
    }
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|d| d.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && a.get_action().takes_values() {
        let _ = writeln!(md, "  - default: `{}`", defaults.join(","));
    }
}

/// How the argument is written: `-o, --out <DIR>`, `<SCENARIO>`,
/// `--set <KEY.PATH=VALUE>...`.
fn signature(a: &Arg) -> String {
    let names: Vec<String> = a
        .get_value_names()
        .map(|v| v.iter().map(|n| format!("<{n}>")).collect())
        .unwrap_or_else(|| vec![format!("<{}>", a.get_id().as_str().to_uppercase())]);
    let many = a.get_num_args().is_some_and(|n| n.max_values() > 1)
        || matches!(a.get_action(), clap::ArgAction::Append);
    let value = format!("{}{}", names.join(" "), if many { "..." } else { "" });
    if a.is_positional() {
        return value;
    }
    let mut s = String::new();
    if let Some(short) = a.get_short() {
        let _ = write!(s, "-{short}, ");
    }
    if let Some(long) = a.get_long() {
        let _ = write!(s, "--{long}");
    }
    if a.get_action().takes_values() {
        s.push(' ');
        s.push_str(&value);
    }
    s
}

fn about(c: &Command) -> String {
    c.get_long_about()
        .or_else(|| c.get_about())
        .map(|a| a.to_string())
        .unwrap_or_default()
}

/// clap's usage line, without its `Usage: ` label.
fn usage(c: &mut Command) -> String {
    let u = c.render_usage().to_string();
    u.trim_start_matches("Usage: ").trim().to_string()
}

/// The examples of a `--help`, as they print.
fn examples(md: &mut String, after: &str) {
    md.push_str("```text\n");
    md.push_str(after.trim_end());
    md.push_str("\n```\n\n");
}

/// Help text as markdown prose: code spans stay as they are; elsewhere
/// `<`, `>`, `*` and `_` would be taken for HTML or emphasis, so they are
/// escaped. Lines are joined: the book wraps.
fn text(s: &str) -> String {
    let mut out = String::new();
    let mut code = false;
    for ch in s.split_whitespace().collect::<Vec<_>>().join(" ").chars() {
        match ch {
            '`' => {
                code = !code;
                out.push(ch);
            }
            '<' if !code => out.push_str("&lt;"),
            '>' if !code => out.push_str("&gt;"),
            '*' | '_' | '[' | ']' if !code => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    out
}

fn chapter() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/src/cli.md")
}

#[test]
fn cli_reference_matches_docs() {
    let rendered = render();
    let path = chapter();
    if std::env::var_os("QUOTAPLAN_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &rendered).expect("write docs/src/cli.md");
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    if on_disk != rendered {
        let first = on_disk
            .lines()
            .zip(rendered.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| on_disk.lines().count().min(rendered.lines().count()));
        panic!(
            "docs/src/cli.md is not what the command-line definition renders \
             (first difference at line {}:\n  in the file: {:?}\n  rendered:    {:?}).\n\
             The CLI changed: regenerate the page with\n  {BLESS}\nand commit it.",
            first + 1,
            on_disk.lines().nth(first).unwrap_or("<end of file>"),
            rendered.lines().nth(first).unwrap_or("<end of file>"),
        );
    }
}

#[test]
fn cli_reference_lists_every_command() {
    let rendered = render();
    for c in args::command().get_subcommands() {
        let heading = format!("\n## quotaplan {}\n", c.get_name());
        assert!(
            rendered.contains(&heading),
            "no section for `{}`",
            c.get_name()
        );
    }
}
