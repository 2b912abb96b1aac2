//! Colour for the terminal summary: bold headings, red / amber
//! probabilities. `--color auto` (the default) colours only on a terminal
//! and never with `NO_COLOR` set (no-color.org); `CLICOLOR_FORCE=1` forces
//! it (e.g. through a pager); `--color always|never` decides outright.
//! Painting only adds escape codes: with them removed the text is exactly
//! the plain table.

use quotaplan::analysis::FairnessBand;
use std::io::IsTerminal;
use std::sync::OnceLock;

const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const GREEN: &str = "\x1b[32m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// When to colour (`--color`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorChoice {
    /// Only on a terminal, and never with NO_COLOR set
    #[default]
    Auto,
    /// Always, even into a file or a pipe
    Always,
    /// Never
    Never,
}

static CHOICE: OnceLock<ColorChoice> = OnceLock::new();

/// Records `--color` for the rest of the process (once, at start).
pub fn choose(choice: ColorChoice) {
    let _ = CHOICE.set(choice);
}

/// Whether a stream that is (or is not) a terminal gets colour.
fn wants_colour(terminal: bool) -> bool {
    match CHOICE.get().copied().unwrap_or_default() {
        ColorChoice::Always => return true,
        ColorChoice::Never => return false,
        ColorChoice::Auto => {}
    }
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    if std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") {
        return true;
    }
    terminal
}

/// Whether to colour what goes to stdout.
pub fn stdout_wants_colour() -> bool {
    wants_colour(std::io::stdout().is_terminal())
}

/// Whether to colour what goes to stderr (problems, warnings).
pub fn stderr_wants_colour() -> bool {
    wants_colour(std::io::stderr().is_terminal())
}

/// The summary table, coloured when stdout wants colour.
pub fn stdout(table: &str) -> String {
    if stdout_wants_colour() {
        summary(table)
    } else {
        table.to_string()
    }
}

/// A percentage token such as "45.2%" as a fraction.
fn pct_value(token: &str) -> Option<f64> {
    token
        .strip_suffix('%')
        .and_then(|t| t.parse::<f64>().ok())
        .map(|v| v / 100.0)
}

fn wrap(s: &str, code: &str) -> String {
    format!("{code}{s}{RESET}")
}

/// Colours a probability of a rep against the fairness flags.
fn rep_p(token: &str) -> String {
    match pct_value(token).map(FairnessBand::of) {
        Some(FairnessBand::Below) => wrap(token, RED),
        Some(FairnessBand::Above) => wrap(token, YELLOW),
        _ => token.to_string(),
    }
}

/// Replaces the whitespace-separated tokens of `line` chosen by `pick`
/// (by index) with `paint(token)`, keeping every space where it was.
fn paint_tokens(
    line: &str,
    pick: impl Fn(usize, usize) -> bool,
    paint: impl Fn(&str) -> String,
) -> String {
    let spans: Vec<(usize, usize)> = {
        let mut v = Vec::new();
        let mut start = None;
        for (i, c) in line.char_indices() {
            match (c.is_whitespace(), start) {
                (false, None) => start = Some(i),
                (true, Some(s)) => {
                    v.push((s, i));
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            v.push((s, line.len()));
        }
        v
    };
    let n = spans.len();
    let mut out = String::with_capacity(line.len() + 16);
    let mut at = 0;
    for (k, &(s, e)) in spans.iter().enumerate() {
        out.push_str(&line[at..s]);
        if pick(k, n) {
            out.push_str(&paint(&line[s..e]));
        } else {
            out.push_str(&line[s..e]);
        }
        at = e;
    }
    out.push_str(&line[at..]);
    out
}

#[derive(PartialEq)]
enum Block {
    None,
    Reps,
    Quarters,
    Matrix,
    Risks,
    Note,
}

/// Colours the summary table of `report::summary_table`.
pub fn summary(table: &str) -> String {
    let mut out = String::with_capacity(table.len() + 1024);
    let mut block = Block::None;
    for (i, line) in table.split_inclusive('\n').enumerate() {
        let body = line.trim_end_matches('\n');
        let nl = &line[body.len()..];
        let painted = if i == 0 {
            wrap(body, BOLD)
        } else if body.trim().is_empty() {
            block = Block::None;
            body.to_string()
        } else if body.starts_with("Rep ") && body.ends_with("P(quota)") {
            block = Block::Reps;
            wrap(body, BOLD)
        } else if body.starts_with("Quarter ") {
            block = Block::Quarters;
            wrap(body, BOLD)
        } else if body.starts_with("P(quarter quota)") {
            block = Block::Matrix;
            wrap(body, BOLD)
        } else if body.starts_with("Risk ") {
            block = Block::Risks;
            wrap(body, BOLD)
        } else if block == Block::Risks && body.starts_with("Expected loss:") {
            block = Block::Note;
            wrap(body, DIM)
        } else if body.starts_with("P(team hits target)") {
            paint_tokens(
                body,
                |k, _| k == 3,
                |t| match pct_value(t) {
                    Some(p) if p >= 0.7 => wrap(t, &format!("{BOLD}{GREEN}")),
                    Some(p) if p >= 0.5 => wrap(t, &format!("{BOLD}{YELLOW}")),
                    Some(_) => wrap(t, &format!("{BOLD}{RED}")),
                    None => t.to_string(),
                },
            )
        } else if block == Block::Note {
            wrap(body, DIM)
        } else if body.starts_with("  ") && body.contains("P(quota)") {
            wrap(body, YELLOW)
        } else {
            match block {
                Block::Reps => paint_tokens(body, |k, n| k + 1 == n, rep_p),
                Block::Matrix => paint_tokens(body, |k, n| k > 0 && k + 1 < n, rep_p),
                _ => body.to_string(),
            }
        };
        out.push_str(&painted);
        out.push_str(nl);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(s: &str) -> String {
        let mut o = String::new();
        let mut it = s.chars().peekable();
        while let Some(c) = it.next() {
            if c == '\x1b' {
                for d in it.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                o.push(c);
            }
        }
        o
    }

    const TABLE: &str = "Demo — 100 trials, seed 1\n\nP(team hits target) 55.6% ± 0.7%\n\nRep Name   Quota  P(quota)\nR01 王芳   1,000     19.6%\nR02 Li     1,000     85.0%\n\nP(quarter quota)      Q1      Q2   YTD at year end\nR01                 20.0%   50.0%   90.0%\n\nFairness: x\n  R01 王芳 P(quota) 19.6%: high quota\n";

    #[test]
    fn painting_only_adds_escape_codes() {
        let p = summary(TABLE);
        assert_eq!(strip(&p), TABLE);
        assert!(p.contains("\x1b[31m19.6%\x1b[0m"), "{p}");
        assert!(p.contains("\x1b[33m85.0%\x1b[0m"), "{p}");
        assert!(p.contains("\x1b[1m\x1b[33m55.6%"), "{p}");
        assert!(p.contains("\x1b[31m20.0%\x1b[0m   50.0%   90.0%"), "{p}");
    }
}
