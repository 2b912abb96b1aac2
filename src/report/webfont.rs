//! A font inside the HTML page for the characters DejaVu Sans lacks
//! (Chinese, Japanese and Korean names), so the page shows them on a
//! machine without a CJK font. Only the glyphs the page uses are embedded:
//! a subset of the bundled Droid Sans Fallback (3.4 MB) with its own
//! Unicode cmap, a few kilobytes for a team's names.

use super::charts::{CJK_FONT, EMBEDDED_FONT};
use ab_glyph::{Font, FontRef};
use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile, subset};

/// The family name the page gives the embedded subset.
pub const FAMILY: &str = "quotaplan CJK";

/// The characters of `text` the embedded Latin font cannot draw and the
/// bundled CJK font can, in code point order, each once.
pub fn needed(text: &str) -> Vec<char> {
    let latin = FontRef::try_from_slice(EMBEDDED_FONT).expect("the embedded font is valid");
    let cjk = FontRef::try_from_slice(CJK_FONT).expect("the bundled CJK font is valid");
    let mut out: Vec<char> = text
        .chars()
        .filter(|&c| !c.is_ascii() && !c.is_whitespace() && !c.is_control())
        .collect();
    out.sort_unstable();
    out.dedup();
    out.retain(|&c| latin.glyph_id(c).0 == 0 && cjk.glyph_id(c).0 != 0);
    out
}

/// The bundled CJK font cut down to `chars` (and the `.notdef` glyph): a
/// standalone TrueType font whose cmap maps exactly those characters.
pub fn subset_for(chars: &[char]) -> Vec<u8> {
    let cjk = FontRef::try_from_slice(CJK_FONT).expect("the bundled CJK font is valid");
    let mut glyphs: Vec<u16> = chars.iter().map(|&c| cjk.glyph_id(c).0).collect();
    glyphs.retain(|&g| g != 0);
    glyphs.sort_unstable();
    glyphs.dedup();
    glyphs.insert(0, 0);
    let data = ReadScope::new(CJK_FONT)
        .read::<FontData<'_>>()
        .expect("the bundled CJK font parses");
    let provider = data
        .table_provider(0)
        .expect("the bundled CJK font has tables");
    // The bundled font is fixed and a unit test subsets it: a failure here
    // is a defect of the build, not of the input.
    subset(
        &provider,
        &glyphs,
        &SubsetProfile::Minimal,
        CmapTarget::Unicode,
    )
    .expect("the bundled CJK font subsets")
}

/// The `@font-face` rule embedding the glyphs of `text` that need the CJK
/// font, or `None` when the Latin font draws every character.
pub fn font_face(text: &str) -> Option<String> {
    let chars = needed(text);
    if chars.is_empty() {
        return None;
    }
    let ttf = subset_for(&chars);
    Some(format!(
        "@font-face {{ font-family: \"{FAMILY}\"; src: url(data:font/ttf;base64,{}) format(\"truetype\"); }}",
        base64(&ttf)
    ))
}

/// A finished page with the font its text needs: the rule in a style
/// element of its own and `font-src data:` added to the page's
/// Content-Security-Policy (only then: a page without it loads no font).
pub fn embed(page: String) -> String {
    let Some(face) = font_face(&page) else {
        return page;
    };
    // Inside the policy's own content only, so no text of the page is
    // touched; other sources (the planner's script hash) follow it.
    const META: &str = "http-equiv=\"Content-Security-Policy\" content=\"";
    let mut page = page;
    if let Some(start) = page.find(META).map(|i| i + META.len()) {
        let end = start + page[start..].find('"').unwrap_or(0);
        let policy = page[start..end].replacen("img-src data:", "img-src data:; font-src data:", 1);
        page.replace_range(start..end, &policy);
    }
    page.replacen("</head>", &format!("<style>{face}</style>\n</head>"), 1)
}

/// Standard base64 (RFC 4648) with padding.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ABC[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        for (raw, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(raw.as_bytes()), want);
        }
    }

    #[test]
    fn only_what_the_latin_font_lacks_is_needed() {
        assert_eq!(needed("Zhou Lei — 45.2 % ± 王芳 王"), vec!['王', '芳']);
        assert!(needed("Zhou Lei — 45.2 % ±").is_empty());
        assert!(font_face("plain text").is_none());
    }

    #[test]
    fn the_subset_maps_exactly_its_characters_and_is_small() {
        let chars = needed("华东区 王芳 李娜 待招聘");
        assert_eq!(chars.len(), 10);
        let ttf = subset_for(&chars);
        let font = FontRef::try_from_slice(&ttf).expect("the subset is a font");
        for &c in &chars {
            let g = font.glyph_id(c);
            assert_ne!(g.0, 0, "{c} is mapped");
            assert!(font.outline(g).is_some(), "{c} has an outline");
            assert!(font.h_advance_unscaled(g) > 0.0, "{c} has a width");
        }
        assert_eq!(
            font.glyph_id('张').0,
            0,
            "a character not asked for is not there"
        );
        let mapped = ('\u{4e00}'..='\u{9fff}')
            .filter(|&c| font.glyph_id(c).0 != 0)
            .count();
        assert_eq!(
            mapped,
            chars.len(),
            "only the characters asked for are mapped"
        );
        assert!(
            ttf.len() * 200 < CJK_FONT.len(),
            "{} bytes of {}",
            ttf.len(),
            CJK_FONT.len()
        );
    }

    #[test]
    fn a_page_gets_the_font_and_the_policy_that_allows_it() {
        let page = "<head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n</head><body>王芳</body>".to_string();
        let out = embed(page);
        assert!(out.contains("img-src data:; font-src data:\">"), "{out}");
        assert!(out.contains(
            "@font-face { font-family: \"quotaplan CJK\"; src: url(data:font/ttf;base64,"
        ));
        let latin = "<head><meta content=\"img-src data:\">\n</head><body>Li</body>".to_string();
        assert_eq!(embed(latin.clone()), latin);
    }
}
