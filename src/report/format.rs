//! How numbers and names read in reports: money with thousands separators,
//! percentages, and widths that count CJK characters as two columns. Every
//! table, the HTML page and the command summaries format through here.

/// Money with thousands separators for reading (CSV and JSON keep plain
/// numbers); never "-0".
pub fn money(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let s = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x <= -0.5 { format!("-{out}") } else { out }
}

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
}
