//! How wide the map's texts are, as drawn and as an SVG viewer may draw
//! them with fonts of its own: labels and legend entries are sized by this.

use crate::report::charts::draw::Cx;
use crate::report::charts::fonts::FontSet;
use crate::report::format;

/// A conservative width in em of `s` in an unknown sans-serif face: wide
/// (CJK, full-width) characters 1 em, the others 0.6 em.
pub(super) fn est_em(s: &str) -> f64 {
    let n = s.chars().count();
    let wide = format::width(s).saturating_sub(n);
    wide as f64 + (n - wide.min(n)) as f64 * 0.6
}

/// Width in em of `s`: the fonts' advances, never less than [`est_em`]
/// (an SVG viewer draws with its own fonts).
pub(super) fn text_em(fonts: &FontSet, s: &str) -> f64 {
    fonts.width_em(s).max(est_em(s))
}

/// Width in backend pixels of `s` at `size` logical pixels, as drawn (a PNG
/// draws a fallback font's text scaled by its size factor).
pub(super) fn text_width(cx: &Cx<'_>, s: &str, size: f64) -> f64 {
    let factor = if cx.png { cx.fonts.size_factor(s) } else { 1.0 };
    (cx.width(s, size) * factor).max(est_em(s) * size * cx.scale)
}

/// `s`, cut and ended with "…" when wider than `max` backend pixels.
pub(super) fn fit_text(cx: &Cx<'_>, s: &str, size: f64, max: f64) -> String {
    if text_width(cx, s, size) <= max {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    for keep in (1..chars.len()).rev() {
        let t: String = chars[..keep].iter().collect::<String>() + "…";
        if text_width(cx, &t, size) <= max {
            return t;
        }
    }
    "…".to_string()
}
