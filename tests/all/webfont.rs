//! Chinese names in the HTML report without a system CJK font: the page
//! embeds a subset of the bundled Droid Sans Fallback holding only the
//! glyphs it uses, and a real browser that has no CJK font draws the names
//! with it (not as empty boxes).

use crate::common::{quotaplan, tmp};
use crate::report::{browse_env, chromium};
use ab_glyph::{Font, FontRef};
use quotaplan::report::charts::CJK_FONT;
use quotaplan::report::webfont;

fn unbase64(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let mut out = Vec::new();
    for chunk in text.as_bytes().chunks(4) {
        let pad = chunk.iter().filter(|&&c| c == b'=').count();
        let n = chunk
            .iter()
            .map(|&c| if c == b'=' { 0 } else { value(c) })
            .fold(0u32, |n, v| (n << 6) | v);
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    out
}

/// The report of the demo (Chinese names) and its embedded font rule.
fn report_page() -> (std::path::PathBuf, String, String) {
    let out = tmp("webfont");
    quotaplan()
        .args([
            "report", "--charts", "none", "--trials", "500", "-q", "--out",
        ])
        .arg(out.join("report.html"))
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let start = html.find("@font-face").expect("the report embeds a font");
    let end = start + html[start..].find('}').expect("the rule ends") + 1;
    let rule = html[start..end].to_string();
    (out, html, rule)
}

#[test]
fn the_report_embeds_only_the_glyphs_its_names_need() {
    let (_, html, rule) = report_page();
    // The policy: the report's own, the embedded font, and the planner's
    // script by its hash; nothing else.
    let meta = "http-equiv=\"Content-Security-Policy\" content=\"";
    let start = html.find(meta).expect("a policy") + meta.len();
    let policy = &html[start..start + html[start..].find('"').unwrap()];
    let (own, script) = policy
        .split_once("; script-src ")
        .expect("the planner's script");
    assert_eq!(
        own, "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:",
        "the policy allows the embedded font and nothing else"
    );
    assert!(
        script.starts_with("'sha256-") && !script.contains(' '),
        "{script}"
    );
    assert_eq!(html.matches("@font-face").count(), 1);
    let b64 = rule
        .split("base64,")
        .nth(1)
        .and_then(|r| r.split(')').next())
        .expect("a data URL");
    let ttf = unbase64(b64);
    let font = FontRef::try_from_slice(&ttf).expect("the subset is a font");
    // Exactly the characters of the page (outside the rule) that DejaVu
    // Sans lacks, plus .notdef.
    let page_without_rule = html.replace(&rule, "");
    let wanted = webfont::needed(&page_without_rule);
    for name in ["王芳", "华东区", "待招聘"] {
        for c in name.chars() {
            assert!(wanted.contains(&c), "{c} is needed");
        }
    }
    // The cmap maps the wanted characters and no other Han character
    // (composite glyphs may bring their components along).
    assert!(font.glyph_count() > wanted.len(), "{}", font.glyph_count());
    let mapped: Vec<char> = ('\u{4e00}'..='\u{9fff}')
        .filter(|&c| font.glyph_id(c).0 != 0)
        .collect();
    let han: Vec<char> = wanted
        .iter()
        .copied()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .collect();
    assert_eq!(mapped, han);
    for &c in &wanted {
        let g = font.glyph_id(c);
        assert_ne!(g.0, 0, "{c} is in the subset's cmap");
        assert!(font.outline(g).is_some(), "{c} has an outline");
    }
    assert_eq!(
        font.glyph_id('鼎').0,
        0,
        "a character the page lacks is not"
    );
    println!(
        "subset: {} characters, {} bytes ({:.2} % of the {} bytes of the bundled font)",
        wanted.len(),
        ttf.len(),
        100.0 * ttf.len() as f64 / CJK_FONT.len() as f64,
        CJK_FONT.len()
    );
    assert!(
        ttf.len() * 100 < CJK_FONT.len(),
        "{} bytes of {}",
        ttf.len(),
        CJK_FONT.len()
    );
}

/// A fontconfig setup that offers Chromium DejaVu Sans alone: no CJK font.
fn latin_only_fontconfig(dir: &std::path::Path) -> std::path::PathBuf {
    let conf = dir.join("fonts.conf");
    std::fs::write(
        &conf,
        format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\n<dir>/usr/share/fonts/truetype/dejavu</dir>\n<cachedir>{}</cachedir>\n</fontconfig>\n",
            dir.join("fc-cache").display()
        ),
    )
    .unwrap();
    conf
}

#[test]
fn a_browser_without_cjk_fonts_draws_the_names_with_the_embedded_glyphs() {
    let Some(chrome) = chromium() else { return };
    if !std::path::Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").is_file() {
        println!(
            "skipped: the test's fontconfig offers DejaVu Sans from /usr/share/fonts/truetype/dejavu"
        );
        return;
    }
    let (out, _, rule) = report_page();
    let conf = latin_only_fontconfig(&out);
    if let Ok(o) = std::process::Command::new("fc-list")
        .args([":lang=zh", "file"])
        .env("FONTCONFIG_FILE", &conf)
        .output()
    {
        let listed = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(listed.trim().is_empty(), "a CJK font is visible: {listed}");
    }
    // The widths of a name in the embedded family (falling back to DejaVu
    // Sans) and of characters the subset lacks, which can only be drawn as
    // missing glyphs here.
    let page = out.join("measure.html");
    std::fs::write(
        &page,
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>{rule}\n\
span {{ font: 40px \"{family}\", \"DejaVu Sans\"; white-space: pre; }}</style></head>\n\
<body><span id=\"name\">王芳</span><span id=\"missing\">鼎鼐</span>\n\
<pre id=\"out\">pending</pre>\n\
<script>\n\
const ink = ch => {{ const c = document.createElement('canvas'); c.width = 60; c.height = 60;\n\
  const x = c.getContext('2d'); x.fillStyle = '#fff'; x.fillRect(0, 0, 60, 60); x.fillStyle = '#000';\n\
  x.font = '40px \"{family}\"'; x.fillText(ch, 5, 45);\n\
  return Array.from(x.getImageData(0, 0, 60, 60).data).join(','); }};\n\
document.fonts.load('40px \"{family}\"', '王芳').then(() => {{\n\
  const w = id => document.getElementById(id).getBoundingClientRect().width.toFixed(2);\n\
  document.getElementById('out').textContent = 'name=' + w('name') + ' missing=' + w('missing')\n\
    + ' distinct=' + (ink('王') !== ink('芳')) + ' tofu_alike=' + (ink('鼎') === ink('鼐'))\n\
    + ' blank=' + (ink('王') === ink(' ')) + ' loaded=' + document.fonts.check('40px \"{family}\"', '王芳');\n\
}});\n\
</script></body></html>\n",
            family = webfont::FAMILY
        ),
    )
    .unwrap();
    let (dom, console) = browse_env(
        &chrome,
        &page,
        &out.join("profile"),
        &["--dump-dom", "--virtual-time-budget=5000"],
        &[("FONTCONFIG_FILE", &conf)],
    );
    assert!(console.is_empty(), "console messages: {console:#?}");
    let line = dom
        .lines()
        .find(|l| l.contains("name="))
        .unwrap_or_else(|| panic!("measured: {dom}"));
    let figure = |key: &str| -> f64 {
        line.split(&format!("{key}="))
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .and_then(|v| v.trim_end_matches("</pre>").parse().ok())
            .unwrap_or_else(|| panic!("{key} in {line}"))
    };
    let (name, missing) = (figure("name"), figure("missing"));
    println!("widths at 40 px: {line}");
    assert!(line.contains("loaded=true"), "{line}");
    // Droid Sans Fallback draws each Han character one em wide.
    let subset = FontRef::try_from_slice(CJK_FONT).unwrap();
    let em = subset.units_per_em().unwrap();
    let want: f64 = "王芳"
        .chars()
        .map(|c| 40.0 * f64::from(subset.h_advance_unscaled(subset.glyph_id(c)) / em))
        .sum();
    assert!((name - want).abs() < 0.5, "name {name} px, want {want} px");
    let _ = missing;
    // Missing glyphs all look alike (the same box), which the check can
    // see here; the name's two characters look different and are not blank.
    assert!(line.contains("tofu_alike=true"), "{line}");
    assert!(
        line.contains("distinct=true") && line.contains("blank=false"),
        "{line}"
    );
}
