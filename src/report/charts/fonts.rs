//! Fonts for charts. plotters draws PNG text with glyphs from fonts
//! registered in memory (the `ab_glyph` feature: no system font libraries),
//! so the crate embeds DejaVu Sans (Latin, Greek, Cyrillic and symbols) and
//! takes the bytes of a fallback font (a CJK font found by the CLI) for
//! names such as "王芳".
//!
//! SVG text stays text: the viewer (a browser) draws it with its own fonts,
//! so SVG charts and the HTML report show every script whatever is
//! registered here. The fonts matter for PNG, where a label the fonts
//! cannot draw is replaced (a rep's name by its id) and reported, never
//! drawn as empty boxes.

use ab_glyph::{Font, FontRef};
use plotters::style::FontStyle;
use std::sync::{Mutex, OnceLock};

/// DejaVu Sans 2.37 (Bitstream Vera licence: assets/fonts/DejaVuSans-LICENSE.txt).
pub const EMBEDDED_FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// Droid Sans Fallback (Apache 2.0: assets/fonts/DroidSansFallback-LICENSE.txt):
/// Chinese, Japanese and Korean, for names DejaVu Sans cannot draw when
/// no system CJK font is found, and subset into the HTML report.
pub const CJK_FONT: &[u8] = include_bytes!("../../../assets/fonts/DroidSansFallback.ttf");

/// The family every chart asks for: plotters measures and (for PNG) draws
/// it with the embedded font; SVG viewers use their own sans-serif with
/// per-glyph fallback.
pub(crate) const SANS: &str = "sans-serif";

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FontError {
    #[error("`{0}` is not a font file ttf-parser can read (TrueType/OpenType, or a collection)")]
    Unreadable(String),
}

/// The fonts a chart may use: the embedded Latin font, and optionally a
/// fallback for the characters it lacks.
#[derive(Clone)]
pub struct FontSet {
    latin: FontRef<'static>,
    fallback: Option<Fallback>,
}

#[derive(Clone)]
struct Fallback {
    /// Family name the font is registered under with plotters.
    key: String,
    font: FontRef<'static>,
    /// Where it came from, for messages.
    label: String,
}

impl std::fmt::Debug for FontSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontSet")
            .field("fallback", &self.fallback.as_ref().map(|x| &x.label))
            .finish()
    }
}

fn register_embedded() -> FontRef<'static> {
    static LATIN: OnceLock<FontRef<'static>> = OnceLock::new();
    LATIN
        .get_or_init(|| {
            for style in [FontStyle::Normal, FontStyle::Bold] {
                let ok = plotters::style::register_font(SANS, style, EMBEDDED_FONT).is_ok();
                assert!(ok, "the embedded font is valid");
            }
            FontRef::try_from_slice(EMBEDDED_FONT).expect("the embedded font is valid")
        })
        .clone()
}

/// Fallback fonts registered so far: (hash, length, key, bytes). plotters
/// keeps fonts for the life of the process, so each distinct font is
/// registered (and its bytes kept) once.
type Registered = Vec<(u64, usize, String, &'static [u8])>;
static FALLBACKS: Mutex<Registered> = Mutex::new(Vec::new());

impl FontSet {
    /// Only the embedded Latin font.
    pub fn embedded() -> FontSet {
        FontSet {
            latin: register_embedded(),
            fallback: None,
        }
    }

    /// The embedded font plus the bundled CJK font ([`CJK_FONT`]).
    pub fn bundled_cjk() -> FontSet {
        FontSet::with_fallback(CJK_FONT.to_vec(), "the bundled Droid Sans Fallback")
            .expect("the bundled CJK font is valid")
    }

    /// The embedded font plus `bytes` (a TrueType/OpenType font or the first
    /// face of a collection) for the characters it lacks; `label` names it
    /// in messages (usually its path).
    pub fn with_fallback(bytes: Vec<u8>, label: &str) -> Result<FontSet, FontError> {
        let latin = register_embedded();
        if FontRef::try_from_slice(&bytes).is_err() {
            return Err(FontError::Unreadable(label.to_string()));
        }
        let hash = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            bytes.hash(&mut h);
            h.finish()
        };
        let mut reg = FALLBACKS.lock().unwrap_or_else(|e| e.into_inner());
        let (key, data) = match reg
            .iter()
            .find(|(h, len, _, _)| *h == hash && *len == bytes.len())
        {
            Some((_, _, key, data)) => (key.clone(), *data),
            None => {
                let key = format!("quotaplan-fallback-{}", reg.len());
                let data: &'static [u8] = Box::leak(bytes.into_boxed_slice());
                for style in [FontStyle::Normal, FontStyle::Bold] {
                    if plotters::style::register_font(&key, style, data).is_err() {
                        return Err(FontError::Unreadable(label.to_string()));
                    }
                }
                reg.push((hash, data.len(), key.clone(), data));
                (key, data)
            }
        };
        let font =
            FontRef::try_from_slice(data).map_err(|_| FontError::Unreadable(label.into()))?;
        Ok(FontSet {
            latin,
            fallback: Some(Fallback {
                key,
                font,
                label: label.to_string(),
            }),
        })
    }

    /// Where the fallback font came from, if there is one.
    pub fn fallback_label(&self) -> Option<&str> {
        self.fallback.as_ref().map(|f| f.label.as_str())
    }

    /// Whether the fallback font has a glyph for every character of `text`
    /// (false without a fallback).
    pub fn fallback_covers(&self, text: &str) -> bool {
        self.fallback
            .as_ref()
            .is_some_and(|f| covers(&f.font, text))
    }

    /// Whether the embedded font draws every character of `text`.
    pub fn latin_covers(&self, text: &str) -> bool {
        covers(&self.latin, text)
    }

    /// Whether a PNG can show `text` as it is.
    pub fn can_draw(&self, text: &str) -> bool {
        self.latin_covers(text) || self.fallback_covers(text)
    }

    /// The plotters family to draw `text` with in a PNG.
    pub(crate) fn family_for(&self, text: &str) -> &str {
        match &self.fallback {
            Some(f) if !self.latin_covers(text) && covers(&f.font, text) => &f.key,
            _ => SANS,
        }
    }

    /// Size multiplier for `text` in a PNG, so a fallback font's em matches
    /// the embedded font's (fonts differ in how much of their height the
    /// em takes).
    pub(crate) fn size_factor(&self, text: &str) -> f64 {
        let em_share = |f: &FontRef<'_>| {
            f64::from(f.height_unscaled()) / f64::from(f.units_per_em().unwrap_or(1000.0))
        };
        match &self.fallback {
            Some(f) if !self.latin_covers(text) && covers(&f.font, text) => {
                em_share(&f.font) / em_share(&self.latin)
            }
            _ => 1.0,
        }
    }

    /// `text` without the characters no font here can draw (whitespace
    /// collapsed), for a PNG that cannot show it whole.
    pub fn drawable_part(&self, text: &str) -> String {
        let kept: String = text
            .chars()
            .map(|c| {
                let s = c.to_string();
                if self.can_draw(&s) { c } else { ' ' }
            })
            .collect();
        kept.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Approximate width of `text` in em, for sizing boxes behind labels
    /// (a character no font has counts as 1 em, as CJK glyphs are).
    pub(crate) fn width_em(&self, text: &str) -> f64 {
        text.chars()
            .map(|c| {
                let f = if glyph(&self.latin, c) {
                    Some(&self.latin)
                } else {
                    self.fallback
                        .as_ref()
                        .map(|f| &f.font)
                        .filter(|f| glyph(f, c))
                };
                match f {
                    Some(f) => {
                        let em = f.units_per_em().unwrap_or(1000.0);
                        f64::from(f.h_advance_unscaled(f.glyph_id(c)) / em)
                    }
                    None => 1.0,
                }
            })
            .sum()
    }
}

fn glyph(font: &FontRef<'_>, c: char) -> bool {
    c.is_control() || font.glyph_id(c).0 != 0
}

fn covers(font: &FontRef<'_>, text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || glyph(font, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_font_covers_latin_but_not_han() {
        let f = FontSet::embedded();
        assert!(f.latin_covers("Zhou Lei — P(quota) 45.2 % · ±"));
        assert!(!f.latin_covers("王芳"));
        assert!(!f.can_draw("待招聘 (to be hired)"));
        assert_eq!(f.drawable_part("待招聘 (to be hired)"), "(to be hired)");
        assert_eq!(f.family_for("王芳"), SANS);
        let w = f.width_em("MMMM");
        assert!(w > 2.0 && w < 5.0, "{w}");
    }

    #[test]
    fn a_bad_fallback_font_is_an_error() {
        let e = FontSet::with_fallback(b"not a font".to_vec(), "x.ttf").unwrap_err();
        assert_eq!(e, FontError::Unreadable("x.ttf".into()));
    }
}
