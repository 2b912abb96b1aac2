//! How numbers and names read in reports: money with thousands separators,
//! percentages, and widths that count CJK characters as two columns. Every
//! table, the HTML page and the command summaries format through here.

use super::styled::{Style, Styled, Tone};

/// Money with thousands separators for reading (CSV and JSON keep plain
/// numbers); never "-0".
pub use crate::model::money::grouped as money;

/// A probability or share as "45.2%".
pub fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A probability with its 95 % half-width, "45.2% ± 0.7%".
pub fn p_with_halfwidth(p: f64, se: f64) -> String {
    format!("{} ± {}", pct(p), pct(1.96 * se))
}

/// Display width, counting CJK characters as two columns.
pub fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6) { 2 } else { 1 })
        .sum()
}

/// `s` padded on the right to `w` display columns.
pub fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// `s` padded on the left to `w` display columns.
pub fn lpad(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}

/// The widest of `names` (at least `min`), for a column of them.
pub fn column_width<'a>(names: impl Iterator<Item = &'a str>, min: usize) -> usize {
    names.map(width).max().unwrap_or(min).max(min)
}

/// `text` in lines of at most `w` display columns (words kept whole), each
/// ending in a newline.
pub fn wrap(text: &str, w: usize) -> String {
    wrap_indented(text, w, "", "")
}

/// [`wrap`] with the first line starting with `first` and the others with
/// `rest`.
pub fn wrap_indented(text: &str, w: usize, first: &str, rest: &str) -> String {
    let mut out = String::new();
    let mut line = first.to_string();
    let mut empty = true;
    // A unit after a number ("118 %", "0.08 s") stays with it.
    let mut words: Vec<String> = Vec::new();
    for w in text.split_whitespace() {
        match words.last_mut() {
            Some(last) if w.starts_with('%') || w.trim_end_matches([')', ',', ';', '.']) == "s" => {
                last.push(' ');
                last.push_str(w);
            }
            _ => words.push(w.to_string()),
        }
    }
    for word in &words {
        if !empty && width(&line) + 1 + width(word) > w {
            out.push_str(&line);
            out.push('\n');
            line = rest.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    if !empty {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `s` cut to `w` display columns with an ellipsis.
pub fn truncate(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if width(&out) + width(&c.to_string()) + 1 > w {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// The width terminal tables and explanations are laid out for: a table
/// wider than this shortens its widest text column, and prose wraps.
pub const TERMINAL_WIDTH: usize = 80;

/// How a column's cells line up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A terminal table: a header of one or two lines per column (split at
/// `\n`), cells aligned by display width, two spaces between columns.
/// Wider than [`TERMINAL_WIDTH`], the gaps narrow to one space and then
/// the widest left-aligned (text) column is shortened with an ellipsis,
/// down to 8 columns; numbers are never cut.
pub struct Table {
    heads: Vec<(Vec<String>, Align)>,
    rows: Vec<Vec<(String, Tone)>>,
    indent: usize,
}

impl Table {
    pub fn new(heads: &[(&str, Align)]) -> Table {
        Table {
            heads: heads
                .iter()
                .map(|(h, a)| (h.split('\n').map(str::to_string).collect(), *a))
                .collect(),
            rows: Vec::new(),
            indent: 0,
        }
    }

    /// Every line starts with `n` spaces (a table under a heading).
    pub fn indent(mut self, n: usize) -> Table {
        self.indent = n;
        self
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.row_toned(cells.into_iter().map(|c| (c, Tone::Plain)).collect());
    }

    /// A row whose cells say how they read (see [`Tone`]).
    pub fn row_toned(&mut self, cells: Vec<(String, Tone)>) {
        debug_assert_eq!(cells.len(), self.heads.len());
        self.rows.push(cells);
    }

    /// Column widths and the gap between columns that fit the terminal.
    fn layout(&self) -> (Vec<usize>, usize) {
        let n = self.heads.len();
        let mut widths: Vec<usize> = (0..n)
            .map(|c| {
                let head = self.heads[c].0.iter().map(|h| width(h)).max().unwrap_or(0);
                self.rows
                    .iter()
                    .map(|r| width(&r[c].0))
                    .max()
                    .unwrap_or(0)
                    .max(head)
            })
            .collect();
        let total = |w: &[usize], gap: usize| {
            self.indent + w.iter().sum::<usize>() + gap * n.saturating_sub(1)
        };
        // Text columns give way first (down to 12 columns), then the gaps,
        // then text again (down to 8).
        let mut gap = 2;
        for (g, least) in [(2, 12), (1, 8)] {
            gap = g;
            while total(&widths, gap) > TERMINAL_WIDTH {
                let widest = (0..n)
                    .filter(|&c| self.heads[c].1 == Align::Left && widths[c] > least)
                    .max_by_key(|&c| (widths[c], std::cmp::Reverse(c)));
                let Some(c) = widest else { break };
                let over = total(&widths, gap) - TERMINAL_WIDTH;
                widths[c] = widths[c].saturating_sub(over).max(least);
            }
            if total(&widths, gap) <= TERMINAL_WIDTH {
                break;
            }
        }
        (widths, gap)
    }

    /// The table's lines, each ending in a newline.
    pub fn render(&self) -> String {
        self.render_styled().text()
    }

    /// The table with its header as a heading and each cell in its tone.
    pub fn render_styled(&self) -> Styled {
        let (widths, gap) = self.layout();
        let mut out = Styled::new();
        let line = |out: &mut Styled, cells: &mut dyn Iterator<Item = (usize, &str, Tone)>| {
            let mut pieces: Vec<(String, Tone)> = vec![(" ".repeat(self.indent), Tone::Plain)];
            for (c, text, tone) in cells {
                if c > 0 {
                    pieces.push((" ".repeat(gap), Tone::Plain));
                }
                let t = truncate(text, widths[c]);
                let fill = (" ".repeat(widths[c].saturating_sub(width(&t))), Tone::Plain);
                match self.heads[c].1 {
                    Align::Left => pieces.extend([(t, tone), fill]),
                    Align::Right => pieces.extend([fill, (t, tone)]),
                }
            }
            // No trailing spaces.
            while let Some((last, _)) = pieces.last_mut() {
                let kept = last.trim_end().len();
                last.truncate(kept);
                if kept > 0 {
                    break;
                }
                pieces.pop();
            }
            for (text, tone) in pieces {
                out.push(text, Style::tone(tone));
            }
            out.plain("\n");
        };
        let lines = self.heads.iter().map(|h| h.0.len()).max().unwrap_or(1);
        for k in 0..lines {
            // A one-line header sits on the last header line; the header
            // is a heading as a whole.
            let mut head = Styled::new();
            line(
                &mut head,
                &mut self.heads.iter().enumerate().map(|(c, (h, _))| {
                    let at = (k + h.len()).checked_sub(lines);
                    (c, at.map_or("", |i| h[i].as_str()), Tone::Plain)
                }),
            );
            out.lines(&head.text(), Style::HEADING);
        }
        for r in &self.rows {
            line(
                &mut out,
                &mut r.iter().enumerate().map(|(c, (s, t))| (c, s.as_str(), *t)),
            );
        }
        out
    }
}

/// Money with its currency for a terminal line, "1,234,567 CNY".
pub fn money_cur(x: f64, currency: &str) -> String {
    if currency.is_empty() {
        money(x)
    } else {
        format!("{} {currency}", money(x))
    }
}

/// A column header naming the currency, "Quota (CNY)".
pub fn with_currency(head: &str, currency: &str) -> String {
    if currency.is_empty() {
        head.to_string()
    } else {
        format!("{head} ({currency})")
    }
}

/// A money unit chosen for a range of values: (divisor, suffix).
pub fn money_unit(max_abs: f64) -> (f64, &'static str) {
    if max_abs >= 1e9 {
        (1e9, "bn")
    } else if max_abs >= 1e6 {
        (1e6, "M")
    } else if max_abs >= 1e4 {
        (1e3, "k")
    } else {
        (1.0, "")
    }
}

/// A value in a unit with just enough decimals for the step between ticks.
pub fn scaled(x: f64, unit: (f64, &str)) -> String {
    let v = x / unit.0;
    let a = v.abs();
    let s = if a >= 100.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if unit.1.is_empty() {
        s
    } else {
        format!("{s} {}", unit.1)
    }
}

/// Money for chart labels, scaled with its unit and currency, e.g.
/// "80.0 M CNY".
pub fn money_short(x: f64, currency: &str) -> String {
    let unit = money_unit(x.abs());
    let v = x / unit.0;
    let s = if unit.0 == 1.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    };
    let mut out = s;
    if !unit.1.is_empty() {
        out.push(' ');
        out.push_str(unit.1);
    }
    if !currency.is_empty() {
        out.push(' ');
        out.push_str(currency);
    }
    out
}

/// A probability as charts and the HTML page show it, "52.3 %" ("—" when
/// not a number).
pub fn pct_spaced(x: f64) -> String {
    if x.is_finite() {
        format!("{:.1} %", 100.0 * x)
    } else {
        "—".to_string()
    }
}

/// A share to the whole percent, "30 %".
pub fn pct0_spaced(x: f64) -> String {
    format!("{:.0} %", 100.0 * x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands_and_has_no_negative_zero() {
        assert_eq!(money(1_234_567.4), "1,234,567");
        assert_eq!(money(-0.4), "0");
        assert_eq!(money(-1_000.0), "-1,000");
        assert_eq!(money(f64::NAN), "—");
    }

    #[test]
    fn cjk_counts_two_columns() {
        assert_eq!(width("王芳"), 4);
        assert_eq!(pad("王芳", 6), "王芳  ");
        assert_eq!(lpad("ab", 4), "  ab");
    }

    #[test]
    fn tables_fit_the_terminal() {
        let mut t = Table::new(&[
            ("Rep", Align::Left),
            ("Name", Align::Left),
            ("Quota\n(CNY)", Align::Right),
        ]);
        t.row(vec!["R01".into(), "王芳".into(), money(1_234_567.0)]);
        assert_eq!(
            t.render(),
            "               Quota\nRep  Name      (CNY)\nR01  王芳  1,234,567\n"
        );
        let mut wide = Table::new(&[
            ("Id", Align::Left),
            ("Name", Align::Left),
            ("Sales", Align::Right),
        ]);
        wide.row(vec!["R1".into(), "x".repeat(120), money(5e9)]);
        let out = wide.render();
        for l in out.lines() {
            assert!(width(l) <= TERMINAL_WIDTH, "{l}");
        }
        assert!(out.contains("5,000,000,000") && out.contains('…'), "{out}");
    }

    #[test]
    fn formats() {
        assert_eq!(money_short(80_000_000.0, "CNY"), "80.0 M CNY");
        assert_eq!(money_short(950.0, ""), "950");
        assert_eq!(scaled(82_500_000.0, money_unit(9e7)), "82.5 M");
        assert_eq!(scaled(80_000_000.0, money_unit(9e7)), "80 M");
        assert_eq!(scaled(1_250.0, money_unit(2e4)), "1.25 k");
        assert_eq!(pct_spaced(0.5234), "52.3 %");
    }
}
