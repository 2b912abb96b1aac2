//! Charts, the HTML report (checked in a real headless browser), and the
//! terminal commands around them: init, completions, help, colour.

use crate::common::{external_program, quotaplan, repo, tmp};
use quotaplan::analysis::{self, ChartData, Summary};
use quotaplan::engine::SimOptions;
use quotaplan::model::Model;
use quotaplan::report::{self, charts};
use quotaplan::scenario::{self, MemoryLoader, Purpose};
use quotaplan::simulate;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub(crate) fn demo() -> Model {
    let toml = std::fs::read_to_string(repo("scenarios/demo.toml")).unwrap();
    let csv = std::fs::read_to_string(repo("scenarios/demo-units.csv")).unwrap();
    let loaded = scenario::load(
        "demo.toml",
        &toml,
        &MemoryLoader(vec![("demo-units.csv".into(), csv)]),
        Purpose::Simulate,
    );
    loaded.scenario.expect("the demo loads").model
}

/// The demo simulated once (4,096 trials) for the library-level tests.
fn demo_run() -> &'static (Model, Summary, ChartData) {
    static RUN: OnceLock<(Model, Summary, ChartData)> = OnceLock::new();
    RUN.get_or_init(|| {
        let model = demo();
        let sim = simulate(&model, &SimOptions::new(4096, 7), None).expect("runs");
        let s = sim.summary(&model, vec!["warning: test.toml:1:1: a warning".into()]);
        let d = sim.chart_data(&model);
        (model, s, d)
    })
}

fn chart(id: &str) -> charts::Chart {
    let (_, s, d) = demo_run();
    charts::standard(s, Some(d))
        .into_iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("chart {id} is in the standard set"))
}

fn svg(id: &str) -> String {
    chart(id)
        .svg(&charts::FontSet::embedded())
        .expect("renders")
        .data
}

#[test]
fn every_chart_whose_data_exists_is_drawn() {
    let (_, s, d) = demo_run();
    let ids: Vec<String> = charts::standard(s, Some(d))
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(
        ids,
        [
            "team-distribution",
            "convergence",
            "rep-attainment",
            "p-attain",
            "group-p-hit",
            "quarterly-fan",
            "payout-curve",
            "tornado",
            "territory-map"
        ]
    );
    // Without chart data, the charts drawn from the summary alone remain.
    let ids: Vec<String> = charts::standard(s, None)
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, ["p-attain", "group-p-hit", "quarterly-fan", "tornado"]);
}

#[test]
fn svg_charts_have_titles_axes_and_a_mark_per_rep() {
    let (_, s, _) = demo_run();
    let team = svg("team-distribution");
    assert!(team.starts_with("<svg"), "{}", &team[..80]);
    assert!(team.contains("<title>Team sales over 12 months</title>"));
    for text in [
        "Team sales (M, CNY)",
        "Share of simulated years",
        "target 80 M",
        "P10 ",
        "P50 ",
        "P90 ",
    ] {
        assert!(team.contains(text), "team distribution shows `{text}`");
    }
    let fan = svg("rep-attainment");
    assert!(fan.contains("Attainment (% of quota)"));
    let p = svg("p-attain");
    assert!(p.contains("P(sales ≥ quota)"));
    for r in &s.reps {
        // SVG text is text: names in any script appear as written.
        let label = format!("{} {}", r.id, r.name);
        assert!(
            fan.contains(&charts_text(&label)),
            "the fan chart has a row for {label}"
        );
        assert!(
            p.contains(&charts_text(&label)),
            "P(quota) chart has {label}"
        );
        let pct = format!("{:.1} %", 100.0 * r.p_attain);
        assert!(fan.contains(&pct) && p.contains(&pct), "{pct} for {}", r.id);
    }
    // One mean marker per rep.
    assert!(fan.matches("<circle").count() >= s.reps.len());
    let tornado = svg("tornado");
    for r in &s.risks {
        assert!(
            tornado.contains(&charts_text(&r.id)),
            "tornado has {}",
            r.id
        );
    }
    let q = svg("quarterly-fan");
    for name in ["Q1", "Q2", "Q3", "Q4", "P(hit)"] {
        assert!(q.contains(name), "quarterly fan shows {name}");
    }
    let pay = svg("payout-curve");
    assert!(pay.contains("Payout (× target incentive)") && pay.contains("Share of rep-years"));
    let conv = svg("convergence");
    assert!(conv.contains("Trials") && conv.contains("P(team hits target)"));
    let map = svg("territory-map");
    assert!(map.contains("<polygon"), "cells");
    for r in &s.reps {
        assert!(map.contains(&charts_text(&r.name)), "map labels {}", r.name);
    }
}

/// How plotters writes text into SVG (XML-escaped).
fn charts_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

pub(crate) fn decode_png(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(bytes);
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("a frame");
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

#[test]
fn png_renders_text_with_the_embedded_font() {
    let c = chart("team-distribution");
    let out = c.png(&charts::FontSet::embedded(), 2.0).expect("renders");
    assert_eq!(&out.data[..8], b"\x89PNG\r\n\x1a\n");
    let (w, h, px) = decode_png(&out.data);
    assert_eq!((w, h), (2 * c.size.0, 2 * c.size.1));
    // The title strip (top 60 pixels, left half) holds dark text pixels.
    let dark = (0..60u32)
        .flat_map(|y| (0..w / 2).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let i = ((y * w + x) * 3) as usize;
            px[i] < 100 && px[i + 1] < 100 && px[i + 2] < 100
        })
        .count();
    assert!(dark > 500, "title text drawn: {dark} dark pixels");
    assert!(out.missing_glyphs.is_empty(), "{:?}", out.missing_glyphs);
}

#[test]
fn cjk_names_without_a_cjk_font_are_replaced_by_ids_and_reported() {
    let fonts = charts::FontSet::embedded();
    assert_eq!(
        charts::needs_fallback(&demo_run().1, Some(&demo_run().2)).as_deref(),
        Some("华东区 FY2027 demo")
    );
    for id in ["rep-attainment", "p-attain", "territory-map"] {
        let c = chart(id);
        let png = c.png(&fonts, 1.0).expect("never fails for want of a font");
        assert!(
            png.missing_glyphs.iter().any(|m| m == "王芳"),
            "{id}: {:?}",
            png.missing_glyphs
        );
        assert!(!png.missing_glyphs.iter().any(|m| m == "Chen Jing"));
        // SVG needs no glyphs: the browser draws the text.
        let svg = c.svg(&fonts).unwrap();
        assert!(svg.missing_glyphs.is_empty() && svg.data.contains("王芳"));
    }
}

#[test]
fn a_system_cjk_font_draws_the_names_in_png() {
    let candidates = [
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    ];
    let Some(path) = candidates.iter().find(|p| Path::new(p).is_file()) else {
        println!("SKIP: no CJK font installed (.ci/run installs fonts-wqy-zenhei)");
        return;
    };
    let fonts = charts::FontSet::with_fallback(std::fs::read(path).unwrap(), path).unwrap();
    assert!(fonts.can_draw("王芳") && fonts.can_draw("待招聘 (to be hired)"));
    let png = chart("rep-attainment").png(&fonts, 1.0).unwrap();
    assert!(png.missing_glyphs.is_empty(), "{:?}", png.missing_glyphs);
}

#[test]
fn heatmap_and_split_maps_take_generic_inputs() {
    let grid = charts::Grid {
        title: "P(team hits target) by over-assignment and target".into(),
        x_label: "Over-assignment".into(),
        y_label: "Company target".into(),
        columns: vec!["0 %".into(), "10 %".into(), "20 %".into()],
        rows: vec!["75 M".into(), "80 M".into()],
        values: vec![
            vec![Some(0.71), Some(0.74), None],
            vec![Some(0.52), Some(0.56), Some(0.6)],
        ],
        format: charts::ValueFormat::Percent,
        higher_is_better: true,
    };
    let h = charts::heatmap(&grid);
    let svg = h.svg(&charts::FontSet::embedded()).unwrap().data;
    for t in [
        "71.0 %",
        "56.0 %",
        "—",
        "Over-assignment",
        "Company target",
        "80 M",
    ] {
        assert!(svg.contains(t), "heatmap shows {t}");
    }
    assert!(h.png(&charts::FontSet::embedded(), 1.0).is_ok());

    let (_, _, d) = demo_run();
    let map = d.map.as_ref().expect("the demo has locations");
    let current = map.current();
    let mut proposed = current.clone();
    proposed[0] = Some(1);
    proposed[1] = Some(2);
    let c = charts::territory_map(map, &proposed, Some(&current), "Proposed split").unwrap();
    assert_eq!(c.id, "territory-map-proposed");
    assert!(
        c.caption.contains("2 ringed units change owner"),
        "{}",
        c.caption
    );
    assert!(c.svg(&charts::FontSet::embedded()).is_ok());
}

/// The label boxes of a territory map SVG (white, 92 % opaque) as
/// (x0, y0, x1, y1).
fn label_boxes(svg: &str) -> Vec<(i64, i64, i64, i64)> {
    svg.lines()
        .filter(|l| l.starts_with("<rect") && l.contains(r##"opacity="0.92" fill="#FFFFFF""##))
        .map(|l| {
            let attr = |name: &str| -> i64 {
                let key = format!(" {name}=\"");
                let rest = &l[l.find(&key).expect("attribute") + key.len()..];
                rest[..rest.find('"').unwrap()].parse().unwrap()
            };
            let (x, y) = (attr("x"), attr("y"));
            (x, y, x + attr("width"), y + attr("height"))
        })
        .collect()
}

fn assert_apart(what: &str, boxes: &[(i64, i64, i64, i64)]) {
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let overlap = a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3;
            assert!(!overlap, "{what}: labels {a:?} and {b:?} overlap");
        }
    }
}

#[test]
fn territory_maps_have_a_legend_of_every_rep_and_labels_apart() {
    let (_, s, d) = demo_run();
    let map = svg("territory-map");
    for r in &s.reps {
        let entry = charts_text(&format!("{} {}", r.id, r.name));
        assert!(
            map.contains(&format!(">\n{entry}\n</text>")),
            "the legend lists {entry}"
        );
    }
    let boxes = label_boxes(&map);
    assert_eq!(
        boxes.len(),
        s.reps.len(),
        "a label per territory on the demo map"
    );
    assert_apart("demo", &boxes);

    // A dense map: 60 territories of 25 units each in clusters.
    let m = d.map.as_ref().unwrap();
    let mut dense = analysis::MapData {
        projection: "planar".into(),
        units: Vec::new(),
        reps: Vec::new(),
    };
    let mut seed = 17u64;
    let mut next = || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    for t in 0..60 {
        let (cx, cy) = (f64::from(t % 10) * 10.0, f64::from(t / 10) * 8.0);
        for i in 0..25 {
            dense.units.push(analysis::MapUnit {
                id: format!("U{t}-{i}"),
                name: String::new(),
                x: cx + 9.0 * next(),
                y: cy + 7.0 * next(),
                potential: 1.0,
                owner: Some(t as usize),
            });
        }
        dense.reps.push(analysis::MapRep {
            id: format!("R{:02}", t + 1),
            name: m.reps[t as usize % m.reps.len()].name.clone(),
            home: (t % 3 == 0).then(|| {
                let u = dense.units.last().unwrap();
                [u.x, u.y]
            }),
        });
    }
    let c = charts::territory_map(&dense, &dense.current(), None, "Dense").unwrap();
    let svg = c.svg(&charts::FontSet::embedded()).unwrap().data;
    for r in &dense.reps {
        let entry = charts_text(&format!("{} {}", r.id, r.name));
        assert!(
            svg.contains(&format!(">\n{entry}\n</text>")),
            "the legend lists {entry}"
        );
    }
    let boxes = label_boxes(&svg);
    assert!(boxes.len() >= 40, "{} labels of 60", boxes.len());
    assert_apart("dense", &boxes);
}

#[test]
fn split_maps_mark_homes_from_the_scenario() {
    let dir = repo("scenarios");
    let files = ["iowa-units.csv", "iowa-edges.csv"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read_to_string(dir.join(f)).unwrap()))
        .collect();
    let toml = std::fs::read_to_string(dir.join("iowa.toml")).unwrap();
    let model = scenario::load("iowa.toml", &toml, &MemoryLoader(files), Purpose::Simulate)
        .scenario
        .expect("Iowa loads")
        .model;
    let map = analysis::MapData::from_model(&model).unwrap();
    for (r, rep) in map.reps.iter().zip(&model.reps) {
        let home = &model.units[rep.home_unit.unwrap()];
        let at = r
            .home
            .unwrap_or_else(|| panic!("{} has a home on the map", r.id));
        let unit = map.units.iter().find(|u| u.id == home.id).unwrap();
        assert_eq!(at, [unit.x, unit.y], "{}'s home is its home unit", r.id);
    }
    let c = charts::territory_map(&map, &map.current(), None, "Iowa").unwrap();
    assert!(
        c.caption.contains("a house marks each rep's home"),
        "{}",
        c.caption
    );
    let svg = c.svg(&charts::FontSet::embedded()).unwrap().data;
    assert!(svg.contains(">\nrep&apos;s home\n</text>"));
    assert_eq!(label_boxes(&svg).len(), 4);
}

#[test]
fn summary_and_chart_data_read_back_from_json() {
    let (_, s, d) = demo_run();
    let back = analysis::summary_from_json(&serde_json::to_string_pretty(s).unwrap()).unwrap();
    same_json("summary", &to_value(&back), &to_value(s));
    let back = analysis::chart_data_from_json(&serde_json::to_string(d).unwrap()).unwrap();
    same_json("chart data", &to_value(&back), &to_value(d));
}

fn to_value<T: serde::Serialize>(t: &T) -> serde_json::Value {
    serde_json::to_value(t).unwrap()
}

/// Equal JSON, numbers up to the last digit JSON parsing may round.
fn same_json(at: &str, a: &serde_json::Value, b: &serde_json::Value) {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!(
                (x - y).abs() <= 1e-12 * y.abs().max(1e-300),
                "{at}: {x} vs {y}"
            );
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{at}");
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                same_json(&format!("{at}[{i}]"), p, q);
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            assert_eq!(
                x.keys().collect::<Vec<_>>(),
                y.keys().collect::<Vec<_>>(),
                "{at}"
            );
            for (k, p) in x {
                same_json(&format!("{at}.{k}"), p, &y[k]);
            }
        }
        _ => assert_eq!(a, b, "{at}"),
    }
}

#[test]
fn html_report_is_self_contained() {
    let (_, s, d) = demo_run();
    let html =
        report::html::report(s, Some(d), &charts::FontSet::embedded(), &["a note".into()]).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("<svg").count(), 9, "every chart inline, once");
    let mut ids: Vec<&str> = html
        .split(" id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "every id once");
    for needle in [
        "华东区 FY2027 demo",
        "Content-Security-Policy",
        "@media print",
        "Risk register",
        "key_account_churn",
        "a warning",
        "a note",
        "王芳",
    ] {
        assert!(html.contains(needle), "report has {needle}");
    }
    for bad in ["<script", "<link", "<img", "@import"] {
        assert!(!html.contains(bad), "report has no {bad}");
    }
    // The one url() is the embedded font of the Chinese names, inline.
    assert_eq!(html.matches("url(").count(), 1, "one url()");
    assert_eq!(
        html.matches("url(data:font/ttf;base64,").count(),
        1,
        "the font is inline"
    );
    let rest = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for scheme in ["http://", "https://", "//fonts", "file:"] {
        assert!(!rest.contains(scheme), "no external reference: {scheme}");
    }
}

/// Simulates the demo into a fresh folder through the CLI.
fn simulated(name: &str) -> PathBuf {
    let out = tmp(name);
    quotaplan()
        .args(["simulate", "--trials", "3000", "--out"])
        .arg(&out)
        .assert()
        .success();
    out
}

#[test]
fn report_from_a_result_folder_writes_html_and_chart_files() {
    let out = simulated("from-dir");
    assert!(
        out.join("charts.json").is_file(),
        "simulate writes chart data"
    );
    let a = quotaplan()
        .env("QUOTAPLAN_FONT", "none")
        .arg("report")
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    let stderr = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    // "Wrote ...report.html" is a status line: stderr, not stdout.
    assert!(stderr.contains("report.html"), "{stderr}");
    assert!(!stdout.contains("Wrote"), "{stdout}");
    // No CJK font: warned once, naming the fix; nothing crashes.
    assert_eq!(
        stderr.matches("warning: no font for").count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("--font PATH") && stderr.contains("QUOTAPLAN_FONT"),
        "{stderr}"
    );
    assert!(
        stderr.contains("SVG charts and the HTML report show every name"),
        "{stderr}"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert_eq!(html.matches("<svg").count(), 9);
    for id in ["team-distribution", "tornado", "territory-map"] {
        for ext in ["svg", "png"] {
            let f = out.join("charts").join(format!("{id}.{ext}"));
            assert!(f.is_file(), "{} written", f.display());
        }
    }
    // Without charts.json (older results), the report still works and says why.
    std::fs::remove_file(out.join("charts.json")).unwrap();
    let html_out = out.join("old.html");
    quotaplan()
        .args(["report", "--charts", "none", "--out"])
        .arg(&html_out)
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(&html_out).unwrap();
    assert!(html.contains("charts.json is missing"), "explains the gap");
    assert_eq!(html.matches("<svg").count(), 4);
}

#[test]
fn report_errors_are_clear() {
    // A folder or font named on the command line that cannot be read is a
    // usage error (exit 2), as in every command.
    let empty = tmp("empty");
    let a = quotaplan().arg("report").arg(&empty).assert().code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(err.contains("has no readable summary.json"), "{err}");
    let out = simulated("bad-font");
    let a = quotaplan()
        .args(["report", "--font", "/nonexistent/font.ttf"])
        .arg(&out)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(
        err.contains("cannot read font `/nonexistent/font.ttf`"),
        "{err}"
    );
}

#[test]
fn report_simulates_a_scenario_first() {
    let out = tmp("from-scenario");
    let html = out.join("r.html");
    let a = quotaplan()
        .args(["report", "--trials", "2000", "--charts", "svg", "--out"])
        .arg(&html)
        .arg(repo("scenarios/format-example.toml"))
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(stdout.contains("P(team hits target)"), "{stdout}");
    assert!(html.is_file() && out.join("charts/tornado.svg").is_file());
    assert!(!out.join("charts/tornado.png").exists(), "--charts svg");
}

/// A headless browser on this machine, if any (see [`external_program`]).
pub(crate) fn chromium() -> Option<PathBuf> {
    external_program(
        &["chromium", "chromium-browser", "google-chrome"],
        "the HTML report test needs headless Chromium (Debian: apt-get install chromium)",
    )
}

/// Runs headless Chromium on `page` with extra arguments; returns (stdout,
/// console lines from its log). Chromium logs every console message of
/// the page (errors, warnings, CSP violations, uncaught exceptions) as an
/// `INFO:CONSOLE` line whatever its level, so the report, which has no
/// scripts and loads nothing, must produce none at all.
pub(crate) fn browse(
    chrome: &Path,
    page: &Path,
    profile: &Path,
    extra: &[&str],
) -> (String, Vec<String>) {
    browse_env(chrome, page, profile, extra, &[])
}

/// [`browse`] at a URL (a page with a fragment, say).
pub(crate) fn browse_url(
    chrome: &Path,
    url: &str,
    profile: &Path,
    extra: &[&str],
) -> (String, Vec<String>) {
    browse_url_env(chrome, url, profile, extra, &[])
}

/// [`browse`] with environment variables for the browser (e.g. its
/// fontconfig).
pub(crate) fn browse_env(
    chrome: &Path,
    page: &Path,
    profile: &Path,
    extra: &[&str],
    env: &[(&str, &Path)],
) -> (String, Vec<String>) {
    browse_url_env(
        chrome,
        &format!("file://{}", page.display()),
        profile,
        extra,
        env,
    )
}

/// [`browse_url`] with environment variables for the browser.
pub(crate) fn browse_url_env(
    chrome: &Path,
    url: &str,
    profile: &Path,
    extra: &[&str],
    env: &[(&str, &Path)],
) -> (String, Vec<String>) {
    let out = std::process::Command::new(chrome)
        .envs(env.iter().copied())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("chromium runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let console = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    (String::from_utf8_lossy(&out.stdout).into_owned(), console)
}

#[test]
fn report_loads_in_a_real_browser_without_console_errors() {
    let Some(chrome) = chromium() else { return };
    let out = simulated("browser");
    quotaplan()
        .args(["report", "--charts", "none"])
        .arg(&out)
        .assert()
        .success();
    let page = out.join("report.html");
    let (dom, console) = browse(&chrome, &page, &out.join("profile-1"), &["--dump-dom"]);
    assert!(
        dom.contains("华东区 FY2027 demo"),
        "the page loaded: {}",
        &dom[..dom.len().min(300)]
    );
    assert_eq!(dom.matches("<svg").count(), 9, "every chart is in the DOM");
    assert!(dom.contains("fig-territory-map") && dom.contains("<polygon"));
    assert!(console.is_empty(), "console messages: {console:#?}");

    // The check sees console output when there is some (a control page
    // whose external image the same policy blocks).
    let control = out.join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\"></head><body><img src=\"http://example.invalid/x.png\"></body></html>",
    )
    .unwrap();
    let (_, console) = browse(&chrome, &control, &out.join("profile-2"), &["--dump-dom"]);
    assert!(
        !console.is_empty(),
        "a blocked request shows as a console line"
    );

    let shot = out.join("report.png");
    let (_, console) = browse(
        &chrome,
        &page,
        &out.join("profile-3"),
        &[
            "--window-size=1100,3000",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    assert!(console.is_empty(), "console messages: {console:#?}");
    let bytes = std::fs::read(&shot).expect("a screenshot");
    let (w, h, _) = decode_png(&bytes);
    assert_eq!((w, h), (1100, 3000));
    println!("screenshot: {}", shot.display());
}

#[test]
fn init_writes_a_starter_that_validates_and_runs() {
    let dir = tmp("init").join("plan");
    let a = quotaplan().arg("init").arg(&dir).assert().success();
    let stdout = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(stdout.contains("quotaplan validate"), "{stdout}");
    let scenario = dir.join("scenario.toml");
    let text = std::fs::read_to_string(&scenario).unwrap();
    assert!(
        text.lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .count()
            > 30,
        "commented"
    );
    assert!(dir.join("units.csv").is_file());
    let a = quotaplan()
        .arg("validate")
        .arg(&scenario)
        .assert()
        .success();
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(
        err.contains("ok — 10 units, 4 reps, 3 risks (0 warnings)"),
        "{err}"
    );
    quotaplan()
        .args(["simulate", "--trials", "2000", "--out"])
        .arg(dir.join("out"))
        .arg(&scenario)
        .assert()
        .success();
    // Never overwrites without --force (a usage error: exit 2).
    let a = quotaplan().arg("init").arg(&dir).assert().code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(err.contains("--force"), "{err}");
    quotaplan()
        .args(["init", "--force"])
        .arg(&dir)
        .assert()
        .success();
}

#[test]
fn completions_print_for_each_shell() {
    for (shell, marker) in [
        ("bash", "_quotaplan"),
        ("zsh", "#compdef quotaplan"),
        ("fish", "complete -c quotaplan"),
    ] {
        let a = quotaplan().args(["completions", shell]).assert().success();
        let out = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
        assert!(
            out.contains(marker),
            "{shell}: {}",
            &out[..out.len().min(200)]
        );
        assert!(
            out.contains("report") && out.contains("simulate"),
            "{shell} knows the commands"
        );
    }
    quotaplan().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn help_has_examples_for_every_command() {
    let a = quotaplan().arg("--help").assert().success();
    let top = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(top.contains("Examples:"), "{top}");
    let commands: Vec<String> = top
        .split("Commands:")
        .nth(1)
        .unwrap()
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 7, "{commands:?}");
    for c in &commands {
        let a = quotaplan().args([c.as_str(), "--help"]).assert().success();
        let help = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
        assert!(
            help.contains("Examples:"),
            "`quotaplan {c} --help` has examples:\n{help}"
        );
    }
}

#[test]
fn summary_colour_respects_no_color_and_terminals() {
    let run = |envs: &[(&str, &str)]| {
        let mut cmd = quotaplan();
        cmd.args(["simulate", "--trials", "1000", "--no-analytics", "--out"])
            .arg(tmp("colour"));
        cmd.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let a = cmd.assert().success();
        (
            String::from_utf8_lossy(&a.get_output().stdout).into_owned(),
            String::from_utf8_lossy(&a.get_output().stderr).into_owned(),
        )
    };
    let (plain, stderr) = run(&[]);
    assert!(
        !plain.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
    assert!(
        !stderr.contains("trials"),
        "no progress bar when stderr is not a terminal: {stderr}"
    );
    let (forced, _) = run(&[("CLICOLOR_FORCE", "1")]);
    assert!(forced.contains("\x1b[1m"), "CLICOLOR_FORCE colours");
    let (no, _) = run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!no.contains('\x1b'), "NO_COLOR wins");
    let body = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("Wrote "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(body(&no), body(&plain));
}
