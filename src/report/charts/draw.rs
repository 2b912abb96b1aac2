//! Shared drawing pieces: the drawing context (fonts, pixel scale, text
//! that could not be drawn), number formats, colours.

use super::fonts::{FontSet, SANS};
use crate::report::format;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::cell::RefCell;
use std::collections::BTreeSet;

/// plotters' SVG backend writes `font-size = size / 1.24`; sizes here are
/// given as the pixel size wanted in the SVG.
const SIZE_FACTOR: f64 = 1.24;

pub const INK: RGBColor = RGBColor(33, 37, 41);
pub const MUTED: RGBColor = RGBColor(108, 117, 125);
pub const GRID: RGBColor = RGBColor(225, 228, 232);
pub const BLUE: RGBColor = RGBColor(47, 109, 181);
pub const LIGHT_BLUE: RGBColor = RGBColor(158, 193, 229);
pub const PALE_BLUE: RGBColor = RGBColor(214, 229, 245);
pub const RED: RGBColor = RGBColor(200, 54, 54);
pub const LIGHT_RED: RGBColor = RGBColor(236, 160, 150);
pub const GREEN: RGBColor = RGBColor(46, 139, 87);
pub const PALE_GREEN: RGBColor = RGBColor(220, 240, 224);
pub const AMBER: RGBColor = RGBColor(214, 140, 20);

/// Distinct territory colours (Tableau 20 without its greys).
pub const PALETTE: [RGBColor; 18] = [
    RGBColor(78, 121, 167),
    RGBColor(242, 142, 43),
    RGBColor(225, 87, 89),
    RGBColor(118, 183, 178),
    RGBColor(89, 161, 79),
    RGBColor(237, 201, 72),
    RGBColor(176, 122, 161),
    RGBColor(255, 157, 167),
    RGBColor(156, 117, 95),
    RGBColor(160, 203, 232),
    RGBColor(255, 190, 125),
    RGBColor(140, 209, 125),
    RGBColor(182, 153, 45),
    RGBColor(73, 152, 148),
    RGBColor(134, 188, 182),
    RGBColor(211, 114, 149),
    RGBColor(212, 166, 200),
    RGBColor(157, 118, 96),
];

/// plotters' error of drawing on backend `DB`: generic over the backend's
/// own error, which [`super::ChartErrorKind`] names per backend.
pub type DrawError<DB> = DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>;

/// The drawing context of one rendering.
pub struct Cx<'a> {
    pub fonts: &'a FontSet,
    /// Drawing a PNG (text needs glyphs from our fonts).
    pub png: bool,
    /// Pixels per logical pixel.
    pub scale: f64,
    missing: RefCell<BTreeSet<String>>,
}

impl<'a> Cx<'a> {
    pub fn new(fonts: &'a FontSet, png: bool, scale: f64) -> Self {
        Cx {
            fonts,
            png,
            scale,
            missing: RefCell::new(BTreeSet::new()),
        }
    }

    /// Logical pixels to backend pixels.
    pub fn px(&self, v: f64) -> i32 {
        (v * self.scale).round() as i32
    }

    pub fn pxu(&self, v: f64) -> u32 {
        (v * self.scale).round().max(0.0) as u32
    }

    /// A text style of `size` logical pixels able to draw `sample`.
    pub fn font(&self, size: f64, sample: &str) -> TextStyle<'a> {
        let (family, factor) = if self.png {
            (
                self.fonts.family_for(sample),
                self.fonts.size_factor(sample),
            )
        } else {
            (SANS, 1.0)
        };
        TextStyle::from(FontDesc::new(
            FontFamily::Name(family),
            size * SIZE_FACTOR * self.scale * factor,
            FontStyle::Normal,
        ))
        .color(&INK)
    }

    pub fn bold(&self, size: f64, sample: &str) -> TextStyle<'a> {
        let s = self.font(size, sample);
        TextStyle {
            font: s.font.style(FontStyle::Bold),
            ..s
        }
    }

    /// `text` as drawable: whole when the fonts can draw it (always in
    /// SVG), else without the characters they lack (and recorded).
    pub fn text(&self, text: &str) -> String {
        if !self.png || self.fonts.can_draw(text) {
            return text.to_string();
        }
        self.missing.borrow_mut().insert(text.to_string());
        let part = self.fonts.drawable_part(text);
        if part.is_empty() {
            "?".to_string()
        } else {
            part
        }
    }

    /// A person's or thing's name, or its id when the fonts cannot draw
    /// the name (recorded).
    pub fn name(&self, name: &str, id: &str) -> String {
        if name.is_empty() {
            return self.text(id);
        }
        if !self.png || self.fonts.can_draw(name) {
            return name.to_string();
        }
        self.missing.borrow_mut().insert(name.to_string());
        self.text(id)
    }

    /// "id name" as a label (the name dropped when it cannot be drawn).
    pub fn id_name(&self, id: &str, name: &str) -> String {
        if name.is_empty() || name == id {
            return self.text(id);
        }
        if !self.png || self.fonts.can_draw(name) {
            return format!("{} {name}", self.text(id));
        }
        self.missing.borrow_mut().insert(name.to_string());
        self.text(id)
    }

    /// Approximate width in backend pixels of `text` at `size`.
    pub fn width(&self, text: &str, size: f64) -> f64 {
        self.fonts.width_em(text) * size * 1.02 * self.scale
    }

    pub fn missing(&self) -> Vec<String> {
        self.missing.borrow().iter().cloned().collect()
    }
}

pub fn anchor(style: TextStyle<'_>, h: HPos, v: VPos) -> TextStyle<'_> {
    style.pos(Pos::new(h, v))
}

/// The title strip at the top of a chart; returns the area below it.
pub fn title<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    cx: &Cx<'_>,
    title: &str,
    subtitle: &str,
) -> Result<DrawingArea<DB, plotters::coord::Shift>, DrawError<DB>> {
    let h = if subtitle.is_empty() { 38.0 } else { 56.0 };
    let (top, rest) = root.split_vertically(cx.pxu(h));
    let t = cx.text(title);
    top.draw(&Text::new(
        t.clone(),
        (cx.px(14.0), cx.px(10.0)),
        anchor(cx.bold(17.0, &t), HPos::Left, VPos::Top),
    ))?;
    if !subtitle.is_empty() {
        let s = cx.text(subtitle);
        top.draw(&Text::new(
            s.clone(),
            (cx.px(14.0), cx.px(33.0)),
            anchor(cx.font(12.5, &s).color(&MUTED), HPos::Left, VPos::Top),
        ))?;
    }
    Ok(rest)
}

/// Value format for a heatmap cell or an axis.
pub fn format_value(x: f64, f: super::ValueFormat) -> String {
    match f {
        super::ValueFormat::Percent => format::pct_spaced(x),
        super::ValueFormat::Money => format::money_short(x, ""),
        super::ValueFormat::Number => {
            if x.abs() >= 1000.0 {
                format!("{x:.0}")
            } else {
                let s = format!("{x:.3}");
                s.trim_end_matches('0').trim_end_matches('.').to_string()
            }
        }
    }
}

/// Linear colour interpolation.
pub fn mix(a: RGBColor, b: RGBColor, t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let m = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    RGBColor(m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

/// Red (bad) through pale yellow to green (good) for t in [0, 1].
pub fn diverging(t: f64) -> RGBColor {
    let bad = RGBColor(215, 48, 39);
    let mid = RGBColor(255, 245, 200);
    let good = RGBColor(26, 152, 80);
    if t < 0.5 {
        mix(bad, mid, t * 2.0)
    } else {
        mix(mid, good, (t - 0.5) * 2.0)
    }
}

/// Whether dark text reads on `c`.
pub fn is_light(c: RGBColor) -> bool {
    0.299 * f64::from(c.0) + 0.587 * f64::from(c.1) + 0.114 * f64::from(c.2) > 150.0
}

/// Colour of a probability against the fairness band
/// ([`crate::analysis::FairnessBand`]): red below, amber above, blue within.
pub fn probability_colour(p: f64) -> RGBColor {
    match crate::analysis::FairnessBand::of(p) {
        crate::analysis::FairnessBand::Below => RED,
        crate::analysis::FairnessBand::Above => AMBER,
        crate::analysis::FairnessBand::Within => BLUE,
    }
}
