//! Finding a font for names the embedded Latin font cannot draw in PNG
//! charts (e.g. Chinese names): `--font PATH`, then `QUOTAPLAN_FONT`, then
//! common system locations of CJK fonts, then the bundled Droid Sans
//! Fallback. SVG charts and the HTML report need none of this: browsers
//! draw their text with their own fonts, and the report embeds the glyphs
//! of the bundled font its names need.

use super::fail::Fail;
use quotaplan::report::charts::FontSet;
use std::path::{Path, PathBuf};

/// Common places of CJK-capable fonts (Debian/Ubuntu, Fedora, Arch,
/// macOS, Windows), most complete first.
pub const SYSTEM_FONTS: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:\\Windows\\Fonts\\msyh.ttc",
    "C:\\Windows\\Fonts\\simhei.ttf",
];

/// What the search found, for messages.
pub struct Found {
    pub fonts: FontSet,
    /// Problems on the way (an unreadable QUOTAPLAN_FONT), to warn about.
    pub notes: Vec<String>,
}

fn load(path: &Path) -> Result<FontSet, Fail> {
    let bytes = std::fs::read(path).map_err(|source| Fail::ReadFont {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(FontSet::with_fallback(bytes, &path.display().to_string())?)
}

/// The fonts for PNG charts. `explicit` (`--font`) must work; otherwise
/// `QUOTAPLAN_FONT` (a path, or `none` for the embedded Latin font alone)
/// and then the system are searched, and without a find the bundled CJK
/// font is used.
pub fn find(explicit: Option<&Path>) -> Result<Found, Fail> {
    if let Some(p) = explicit {
        return Ok(Found {
            fonts: load(p)?,
            notes: Vec::new(),
        });
    }
    let mut notes = Vec::new();
    let env = std::env::var_os("QUOTAPLAN_FONT").filter(|v| !v.is_empty());
    if env.as_deref() == Some(std::ffi::OsStr::new("none")) {
        return Ok(Found {
            fonts: FontSet::embedded(),
            notes,
        });
    }
    if let Some(env) = env {
        match load(&PathBuf::from(&env)) {
            Ok(fonts) => return Ok(Found { fonts, notes }),
            Err(e) => notes.push(format!("QUOTAPLAN_FONT: {e}; looking for a system font")),
        }
    }
    for p in SYSTEM_FONTS {
        let p = Path::new(p);
        if p.is_file()
            && let Ok(fonts) = load(p)
        {
            return Ok(Found { fonts, notes });
        }
    }
    Ok(Found {
        fonts: FontSet::bundled_cjk(),
        notes,
    })
}

/// The one warning for texts PNG charts could not draw.
pub fn missing_warning(missing: &[String]) -> String {
    let sample: Vec<&str> = missing.iter().take(3).map(String::as_str).collect();
    let more = missing.len().saturating_sub(sample.len());
    format!(
        "warning: no font for {}{} was found, so the PNG charts show ids instead of those names.\n  \
help: pass --font PATH or set QUOTAPLAN_FONT to a .ttf/.otf/.ttc file that has them (QUOTAPLAN_FONT=none leaves out the bundled CJK font too). \
The SVG charts and the HTML report show every name as written (the report embeds the glyphs it needs).",
        sample.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    )
}
