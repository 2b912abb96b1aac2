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
    fn formats() {
        assert_eq!(money_short(80_000_000.0, "CNY"), "80.0 M CNY");
        assert_eq!(money_short(950.0, ""), "950");
        assert_eq!(scaled(82_500_000.0, money_unit(9e7)), "82.5 M");
        assert_eq!(scaled(80_000_000.0, money_unit(9e7)), "80 M");
        assert_eq!(scaled(1_250.0, money_unit(2e4)), "1.25 k");
        assert_eq!(pct_spaced(0.5234), "52.3 %");
    }
}
