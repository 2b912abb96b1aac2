//! Colour for the terminal: styled text from the report (headings, notes,
//! good, warning and bad figures) in escape codes. No text is parsed here:
//! the report says how each piece reads. Bold headings, red / amber
//! probabilities. `--color auto` (the default) colours only on a terminal
//! and never with `NO_COLOR` set (no-color.org); `CLICOLOR_FORCE=1` forces
//! it (e.g. through a pager); `--color always|never` decides outright.
//! Painting only adds escape codes: with them removed the text is exactly
//! the plain table.

use super::args::ColorChoice;
use quotaplan::report::styled::{Style, Styled, Tone};
use std::io::IsTerminal;

const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const GREEN: &str = "\x1b[32m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Whether output gets colour: decided from `--color`, the environment
/// and whether the stream is a terminal. A value the commands are handed,
/// so nothing process-wide decides it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Paint {
    choice: ColorChoice,
}

impl Paint {
    pub fn new(choice: ColorChoice) -> Paint {
        Paint { choice }
    }

    /// Whether a stream that is (or is not) a terminal gets colour.
    fn wants(self, terminal: bool) -> bool {
        match self.choice {
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
    pub fn stdout(self) -> bool {
        self.wants(std::io::stdout().is_terminal())
    }

    /// Whether to colour what goes to stderr (problems, warnings).
    pub fn stderr(self) -> bool {
        self.wants(std::io::stderr().is_terminal())
    }

    /// Styled text for stdout: coloured when stdout wants colour, else
    /// exactly its text.
    pub fn stdout_text(self, text: &Styled) -> String {
        if self.stdout() {
            paint(text)
        } else {
            text.text()
        }
    }
}

/// The escape codes of a style.
fn codes(style: Style) -> String {
    let colour = match style.tone {
        Tone::Plain => "",
        Tone::Muted => DIM,
        Tone::Good => GREEN,
        Tone::Warn => YELLOW,
        Tone::Bad => RED,
    };
    format!("{}{colour}", if style.strong { BOLD } else { "" })
}

/// Styled text in terminal colours: each line of a styled piece between
/// its codes and a reset, so a line never carries colour into the next.
pub fn paint(text: &Styled) -> String {
    let mut out = String::new();
    for (piece, style) in text.pieces() {
        if style.is_plain() {
            out.push_str(piece);
            continue;
        }
        let codes = codes(*style);
        for (i, line) in piece.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            if !line.is_empty() {
                out.push_str(&codes);
                out.push_str(line);
                out.push_str(RESET);
            }
        }
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

    #[test]
    fn painting_only_adds_escape_codes() {
        let mut t = Styled::new();
        t.push("Demo — 100 trials, seed 1", Style::HEADING);
        t.plain("\n\nP(team hits target) ");
        t.push(
            "55.6%",
            Style {
                tone: Tone::Warn,
                strong: true,
            },
        );
        t.plain(" ± 0.7%\nR01 王芳   1,000     ");
        t.push("19.6%", Style::tone(Tone::Bad));
        t.plain("\n");
        t.lines(
            "  R01 王芳 P(quota) 19.6%:\n    high quota\n",
            Style::tone(Tone::Warn),
        );
        let p = paint(&t);
        assert_eq!(strip(&p), t.text());
        assert!(
            p.starts_with("\x1b[1mDemo — 100 trials, seed 1\x1b[0m\n"),
            "{p}"
        );
        assert!(p.contains("\x1b[1m\x1b[33m55.6%\x1b[0m ± 0.7%"), "{p}");
        assert!(p.contains("\x1b[31m19.6%\x1b[0m\n"), "{p}");
        // Each line of a piece is coloured on its own.
        assert!(
            p.contains(
                "\x1b[33m  R01 王芳 P(quota) 19.6%:\x1b[0m\n\x1b[33m    high quota\x1b[0m\n"
            ),
            "{p}"
        );
    }
}
