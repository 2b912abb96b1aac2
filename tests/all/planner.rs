//! The report's quota planner: the embedded distributions against the
//! trials they summarise, the page in a real headless Chromium (a quota in
//! the link, an edit, the buttons, the payout against the Rust payout, the
//! layout at 1400 and 800 px), and its CSV export through `quotas --from`.

use crate::common::{quotaplan, tmp};
use crate::report::{browse_url, chromium, decode_png, demo};
use quotaplan::analysis::{PlannerData, p_from_grid, planner_data, planner_from_json};
use quotaplan::engine::{RepTrials, SimOptions};
use quotaplan::simulate;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Trials of the CLI runs here.
const TRIALS: &str = "4000";

/// The demo simulated into a folder with its report (`report.html`).
fn result() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = tmp("planner-result");
        quotaplan()
            .args(["simulate", "-q", "--trials", TRIALS, "--out"])
            .arg(&out)
            .assert()
            .success();
        quotaplan()
            .args(["report", "-q", "--charts", "none"])
            .arg(&out)
            .assert()
            .success();
        out
    })
}

fn planner() -> PlannerData {
    planner_from_json(&std::fs::read_to_string(result().join("planner.json")).unwrap()).unwrap()
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("JSON")
}

/// P(attain) of each rep from `simulate --json` with `--set` overrides.
fn simulated_p(sets: &[String]) -> Vec<(String, f64)> {
    let mut cmd = quotaplan();
    cmd.args(["simulate", "--json", "--trials", TRIALS, "--out"])
        .arg(tmp("planner-set"));
    for s in sets {
        cmd.args(["--set", s]);
    }
    let a = cmd.assert().success();
    let v = json(&String::from_utf8_lossy(&a.get_output().stdout));
    v["reps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["p_attain"].as_f64().unwrap(),
            )
        })
        .collect()
}

/// The value of `attr` on the row of rep `id` in a dumped DOM.
fn row_attr(dom: &str, id: &str, attr: &str) -> String {
    let at = dom
        .find(&format!("data-rep=\"{id}\""))
        .unwrap_or_else(|| panic!("a row for {id}"));
    let tag = &dom[dom[..at].rfind('<').unwrap()..at + dom[at..].find('>').unwrap()];
    let key = format!("{attr}=\"");
    let from = tag
        .find(&key)
        .unwrap_or_else(|| panic!("{id}'s row has {attr}: {tag}"))
        + key.len();
    tag[from..from + tag[from..].find('"').unwrap()].to_string()
}

#[test]
fn the_grid_is_within_its_stated_error_of_the_trials() {
    // Every rep's sales per trial, against the planner's grid read at many
    // quotas: the share of trials reaching the quota (what the engine
    // counts as a hit) differs by at most the stated error.
    let model = demo();
    let mut opts = SimOptions::new(4096, 11);
    opts.keep_rep_trials = true;
    let sim = simulate(&model, &opts, None).expect("runs");
    let summary = sim.summary(&model, vec![]);
    let p = planner_data(&model, &sim.result, &summary);
    let RepTrials::Kept { sales, .. } = &sim.result.rep_trials else {
        panic!("the per-rep sales are kept")
    };
    assert_eq!(p.quantiles, 1000);
    assert_eq!(p.reps.len(), model.reps.len());
    assert_eq!(p.fixed_reps, 0);
    let mut worst = 0.0f64;
    for (r, s) in p.reps.iter().zip(sales) {
        assert!(
            r.err < 0.02,
            "{}: the stated error {} is small enough to plan with",
            r.id,
            r.err
        );
        let qs = r.quantiles();
        let mut sorted = s.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len() as f64;
        // Quotas across the whole range, the trials' own values included.
        let mut quotas: Vec<f64> = (0..=200)
            .map(|k| sorted[0] + (sorted[sorted.len() - 1] - sorted[0]) * k as f64 / 200.0)
            .collect();
        quotas.extend(sorted.iter().step_by(37).copied());
        quotas.push(r.quota);
        for q in quotas {
            let exact = sorted.iter().filter(|&&x| x >= q).count() as f64 / n;
            let grid = p_from_grid(&qs, q);
            worst = worst.max((grid - exact).abs() / r.err);
            assert!(
                (grid - exact).abs() <= r.err,
                "{} at quota {q}: grid {grid}, trials {exact}, stated error {}",
                r.id,
                r.err
            );
        }
        // At the run's quota, the count the summary holds.
        assert!((r.p_attain_at(r.quota) - r.p_attain).abs() <= r.err);
    }
    println!("largest grid error / stated error: {worst:.3}");
}

#[test]
fn planner_json_is_identical_for_any_thread_count() {
    let mut files = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp(&format!("planner-threads-{threads}"));
        quotaplan()
            .args([
                "simulate",
                "-q",
                "--trials",
                "3000",
                "--threads",
                threads,
                "--out",
            ])
            .arg(&out)
            .assert()
            .success();
        files.push(std::fs::read(out.join("planner.json")).unwrap());
    }
    assert!(
        files[0] == files[1],
        "planner.json differs between 1 and 2 threads"
    );
}

#[test]
fn a_quota_in_the_link_gives_what_simulate_gives() {
    let Some(chrome) = chromium() else { return };
    let page = result().join("report.html");
    let url = format!("file://{}#quota=R03:6500000,R12:2000000", page.display());
    let (dom, console) = browse_url(
        &chrome,
        &url,
        &tmp("planner-profile-a"),
        &["--dump-dom", "--virtual-time-budget=3000"],
    );
    assert!(console.is_empty(), "console messages: {console:#?}");
    let plan = planner();
    let err = |id: &str| plan.reps.iter().find(|r| r.id == id).unwrap().err;
    // The page shows 4 decimals: half of the last one on top.
    let page_p = |id: &str| row_attr(&dom, id, "data-p-attain").parse::<f64>().unwrap();
    let got = simulated_p(&[
        "reps.R03.quota=6500000".into(),
        "reps.R12.quota=2000000".into(),
    ]);
    for (id, p) in &got {
        let shown = page_p(id);
        println!(
            "{id}: page {shown:.4}, simulate {p:.4}, stated error {:.4}",
            err(id)
        );
        assert!(
            (shown - p).abs() <= err(id) + 5e-5,
            "{id}: the page shows {shown}, simulate gives {p} (stated error {})",
            err(id)
        );
    }
    assert_eq!(row_attr(&dom, "R03", "data-quota"), "6500000");
    assert_eq!(row_attr(&dom, "R12", "data-quota"), "2000000");
    // The quotas moved enough that the figures moved: not the run's.
    let base = simulated_p(&[]);
    let before = |id: &str| base.iter().find(|(i, _)| i == id).unwrap().1;
    assert!((page_p("R03") - before("R03")).abs() > 0.05);
    assert!((page_p("R12") - before("R12")).abs() > 0.05);
}

/// Runs `script` (a function body returning a value) in a copy of the
/// report after it loaded, at `width` px, and returns what it returned.
/// The copy's policy allows inline scripts (the test's), nothing else.
fn probe(page: &Path, fragment: &str, script: &str, width: u32, name: &str) -> Value {
    let chrome = chromium().expect("checked by the caller");
    let html = std::fs::read_to_string(page).unwrap();
    let start = html
        .find("script-src 'sha256-")
        .expect("the page allows its script by hash");
    let end = start + html[start..].find('"').unwrap();
    let mut html = format!(
        "{}script-src 'unsafe-inline'{}",
        &html[..start],
        &html[end..]
    );
    let at = html.rfind("</body>").unwrap();
    html.insert_str(
        at,
        &format!(
            "<script>window.addEventListener('load', function () {{ var out = (function () {{ {script} }})(); var pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(out); document.body.appendChild(pre); }});</script>"
        ),
    );
    let copy = page.with_file_name(format!("{name}.html"));
    std::fs::write(&copy, html).unwrap();
    let (dom, console) = browse_url(
        &chrome,
        &format!("file://{}{fragment}", copy.display()),
        &tmp(&format!("planner-profile-{name}")),
        &[
            "--dump-dom",
            "--virtual-time-budget=3000",
            &format!("--window-size={width},900"),
        ],
    );
    assert!(console.is_empty(), "console messages: {console:#?}");
    let from = dom.find("<pre id=\"probe\">").expect("the probe ran") + "<pre id=\"probe\">".len();
    let text = &dom[from..from + dom[from..].find("</pre>").unwrap()];
    json(
        &text
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&nbsp;", "\u{a0}")
            .replace("&amp;", "&"),
    )
}

const EDIT: &str = r#"
var P = window.quotaPlanner;
function row(id) { return document.querySelector('tr[data-rep="' + id + '"]'); }
function state() {
  return {
    p01: row('R01').getAttribute('data-p-attain'),
    p02: row('R02').getAttribute('data-p-attain'),
    pay01: row('R01').querySelector('.plan-pay').textContent,
    total: document.getElementById('plan-total').textContent,
    over: document.getElementById('plan-over').textContent,
    at: document.getElementById('plan-at').textContent,
    fair: document.getElementById('plan-fair').textContent,
    hash: location.hash
  };
}
var out = { before: state() };
var input = row('R01').querySelector('input[type=number]');
input.value = '12000000';
input.dispatchEvent(new Event('input', { bubbles: true }));
out.typed = state();
out.p01_grid = P.pAttain('R01', 12000000);
var slider = row('R02').querySelector('input[type=range]');
slider.value = '5000000';
slider.dispatchEvent(new Event('input', { bubbles: true }));
out.dragged = state();
out.slider_quota = P.quotas()['R02'];
out.csv = P.csv();
out.payouts = [[0, 5e6], [2.4e6, 5e6], [3.7e6, 5e6], [5e6, 5e6], [6.1e6, 5e6], [8.75e6, 5e6], [1.2e7, 5e6], [9.1e6, 7.3e6]]
  .map(function (x) { return [x[0], x[1], P.payout(x[0], x[1])]; });
out.expected_payout = {};
Object.keys(P.quotas()).forEach(function (id) { out.expected_payout[id] = P.expectedPayout(id, P.quotas()[id]); });
document.getElementById('plan-equal').click();
out.equal = { quotas: P.quotas(), ps: Array.prototype.map.call(document.querySelectorAll('tr[data-rep]'), function (tr) { return Number(tr.getAttribute('data-p-attain')); }) };
document.getElementById('plan-prop').click();
out.proportional = P.quotas();
document.getElementById('plan-reset').click();
out.reset = state();
out.width = { scroll: document.documentElement.scrollWidth, inner: window.innerWidth };
return out;
"#;

#[test]
fn edits_in_the_page_change_the_figures_and_the_link() {
    let Some(_) = chromium() else { return };
    let page = result().join("report.html");
    let out = probe(&page, "", EDIT, 1400, "probe-edit");
    let plan = planner();
    let model = demo();
    let (b, t, d) = (&out["before"], &out["typed"], &out["dragged"]);
    // Typing a quota: the rep's P(attain), the sum, over-assignment and
    // the expected reps at quota follow, and the link holds the quota.
    assert_ne!(b["p01"], t["p01"], "{out:#}");
    assert_eq!(
        t["p01"].as_str().unwrap(),
        format!("{:.4}", out["p01_grid"].as_f64().unwrap())
    );
    let r01 = plan.reps.iter().find(|r| r.id == "R01").unwrap();
    assert_eq!(
        t["p01"].as_str().unwrap(),
        format!("{:.4}", r01.p_attain_at(12_000_000.0)),
        "the page reads the grid as the library does"
    );
    for k in ["total", "over", "at", "pay01"] {
        assert_ne!(b[k], t[k], "{k} follows the typed quota: {out:#}");
    }
    assert_eq!(b["hash"], "");
    assert_eq!(t["hash"], "#quota=R01:12000000");
    // Dragging a slider.
    assert_ne!(t["p02"], d["p02"]);
    assert_eq!(out["slider_quota"], 5_000_000.0);
    assert_eq!(d["hash"], "#quota=R01:12000000,R02:5000000");
    // Reset: the run's figures and an empty fragment.
    for k in ["p01", "p02", "total", "over", "at", "fair", "hash"] {
        assert_eq!(out["reset"][k], b[k], "{k} after reset");
    }

    // The page's payout is the Rust payout.
    let comp = model.comp_plan.as_ref().expect("the demo has a comp plan");
    for x in out["payouts"].as_array().unwrap() {
        let (s, q, js) = (
            x[0].as_f64().unwrap(),
            x[1].as_f64().unwrap(),
            x[2].as_f64().unwrap(),
        );
        let rust = comp.rep_payout(s, q);
        assert!(
            (js - rust).abs() <= 1e-9 * rust.abs().max(1.0),
            "payout({s}, {q}): page {js}, Rust {rust}"
        );
    }
    // Expected payout at the quotas in force (R01 and R02 edited, the rest
    // the run's) against the run's mean payout: the page integrates a
    // nondecreasing payout over a distribution within `err` of the trials'
    // (plus one grid step for the trapezoids), so the means differ by at
    // most (err + 1/K) x (payout at the largest sales - at the smallest).
    let summary: Value = json(&std::fs::read_to_string(result().join("summary.json")).unwrap());
    for r in &plan.reps {
        if r.id == "R01" || r.id == "R02" {
            continue;
        }
        let qs = r.quantiles();
        let page = out["expected_payout"][&r.id].as_f64().unwrap();
        let run = summary["reps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == r.id.as_str())
            .unwrap()["payout"]["mean"]
            .as_f64()
            .unwrap();
        let range = comp.rep_payout(qs[qs.len() - 1], r.quota) - comp.rep_payout(qs[0], r.quota);
        let bound = (r.err + 1.0 / plan.quantiles as f64) * range;
        assert!(
            (page - run).abs() <= bound,
            "{}: expected payout {page} in the page, {run} in the run (bound {bound})",
            r.id
        );
    }

    // Equal probability keeps the total and gives every rep the same
    // P(attain) (to the grid's step, the quotas being whole units).
    let sum = |v: &Value| {
        v.as_object()
            .unwrap()
            .values()
            .map(|x| x.as_f64().unwrap())
            .sum::<f64>()
    };
    let edited_total = sum(&out["equal"]["quotas"]);
    let ps: Vec<f64> = out["equal"]["ps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    let (lo, hi) = ps
        .iter()
        .fold((1.0f64, 0.0f64), |(a, b), &p| (a.min(p), b.max(p)));
    assert!(
        hi - lo <= 2.0 / plan.quantiles as f64 + 1e-4,
        "equal probability: {ps:?}"
    );
    let planned_before: f64 = plan.reps.iter().map(|r| r.quota).sum::<f64>() - r01.quota
        + 12_000_000.0
        - plan.reps.iter().find(|r| r.id == "R02").unwrap().quota
        + 5_000_000.0;
    assert!(
        (edited_total - planned_before).abs() < 0.5,
        "{edited_total} vs {planned_before}"
    );
    // Proportional: the same total, shares of expected sales.
    let prop = &out["proportional"];
    assert!((sum(prop) - planned_before).abs() < 0.5);
    let e_total: f64 = plan.reps.iter().map(|r| r.expected).sum();
    for r in &plan.reps {
        let want = planned_before * r.expected / e_total;
        assert!(
            (prop[&r.id].as_f64().unwrap() - want).abs() <= 1.0,
            "{}",
            r.id
        );
    }
    assert!(
        out["width"]["scroll"].as_f64() <= out["width"]["inner"].as_f64(),
        "{}",
        out["width"]
    );

    // The export round-trips through `quotas --from`.
    let csv = out["csv"].as_str().unwrap();
    assert!(
        csv.starts_with("rep,quota\nR01,12000000\nR02,5000000\n"),
        "{csv}"
    );
    let dir = tmp("planner-from");
    std::fs::write(dir.join("quotas.csv"), csv).unwrap();
    quotaplan()
        .args(["quotas", "-q", "--trials", "2000", "--from"])
        .arg(dir.join("quotas.csv"))
        .arg("--out")
        .arg(dir.join("q"))
        .assert()
        .success();
    let scenario = dir.join("q/demo.quotas.toml");
    let a = quotaplan()
        .args(["simulate", "--json", "--trials", "1000", "--out"])
        .arg(dir.join("sim"))
        .arg(&scenario)
        .assert()
        .success();
    let s = json(&String::from_utf8_lossy(&a.get_output().stdout));
    let mut want = csv.lines().skip(1);
    for r in s["reps"].as_array().unwrap() {
        let line = want.next().unwrap();
        assert_eq!(
            line,
            format!(
                "{},{}",
                r["id"].as_str().unwrap(),
                r["quota"].as_f64().unwrap()
            ),
            "quota of the new scenario"
        );
    }
}

#[test]
fn the_planner_fits_800_and_1400_px_without_sideways_scrolling() {
    let Some(chrome) = chromium() else { return };
    let page = result().join("report.html");
    for width in [1400u32, 800] {
        let out = probe(
            &page,
            "#planner",
            "var t = document.getElementById('plan-table'); return { scroll: document.documentElement.scrollWidth, inner: window.innerWidth, table: t.scrollWidth, box: t.parentNode.clientWidth, legend: document.querySelector('.plan-legend').textContent };",
            width,
            &format!("probe-width-{width}"),
        );
        assert!(
            out["scroll"].as_f64() <= out["inner"].as_f64(),
            "{width} px: the page scrolls sideways: {out}"
        );
        assert!(
            out["table"].as_f64() <= out["box"].as_f64(),
            "{width} px: the planner's table scrolls sideways: {out}"
        );
        assert!(out["legend"].as_str().unwrap().contains("fair band"));
        // A screenshot of the planner to look at: a copy showing the
        // planner alone (a headless screenshot does not follow an anchor).
        let html = std::fs::read_to_string(&page).unwrap().replace(
            "</head>",
            "<style>main > *:not(#planner) { display: none; }</style></head>",
        );
        let alone = result().join(format!("planner-alone-{width}.html"));
        std::fs::write(&alone, html).unwrap();
        let shot = result().join(format!("planner-{width}.png"));
        let (_, console) = browse_url(
            &chrome,
            &format!("file://{}#quota=R01:12000000,R05:5200000", alone.display()),
            &tmp(&format!("planner-shot-{width}")),
            &[
                &format!("--window-size={width},900"),
                &format!("--screenshot={}", shot.display()),
            ],
        );
        assert!(console.is_empty(), "console messages: {console:#?}");
        let (w, h, pixels) = decode_png(&std::fs::read(&shot).expect("a screenshot"));
        assert_eq!((w, h), (width, 900));
        assert!(
            pixels.chunks(4).filter(|p| p[0] < 128).count() > 1000,
            "the screenshot shows text"
        );
        println!("screenshot: {}", shot.display());
    }
}

/// Every table of the report (reps, groups, quarters, risks, ...) shows
/// all its columns without sideways scrolling at 1400 and 800 px, and no
/// column is squeezed so narrow that a word breaks: below 860 px the
/// secondary columns (`.wide`) give way.
#[test]
fn every_table_fits_800_and_1400_px_without_sideways_scrolling() {
    if chromium().is_none() {
        return;
    }
    let page = result().join("report.html");
    for width in [1400u32, 800] {
        let out = probe(
            &page,
            "",
            "var over = []; document.querySelectorAll('main table').forEach(function (t) { var box = t.parentNode; if (t.scrollWidth > box.clientWidth + 1) { var s = t.closest('section'); over.push((s ? s.id : '?') + ': ' + t.scrollWidth + ' > ' + box.clientWidth); } }); var ctx = document.createElement('canvas').getContext('2d'); var broken = []; document.querySelectorAll('main table th, main table td').forEach(function (c) { if (c.offsetParent === null) { return; } var st = getComputedStyle(c); ctx.font = st.fontWeight + ' ' + st.fontSize + ' ' + st.fontFamily; var room = c.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight); c.textContent.split(/[\\s_]+/).forEach(function (w) { if (w && ctx.measureText(w).width > room + 1) { broken.push(w + ' in ' + Math.round(room) + ' px'); } }); }); return { scroll: document.documentElement.scrollWidth, inner: window.innerWidth, tables: document.querySelectorAll('main table').length, groups: document.querySelectorAll('#groups table').length, over: over, broken: broken };",
            width,
            &format!("probe-tables-{width}"),
        );
        assert!(
            out["scroll"].as_f64() <= out["inner"].as_f64(),
            "{width} px: the page scrolls sideways: {out}"
        );
        assert_eq!(
            out["groups"], 2,
            "the demo's roll-ups by region and manager: {out}"
        );
        assert!(out["tables"].as_u64().unwrap() >= 6, "{out}");
        assert_eq!(
            out["over"].as_array().unwrap().len(),
            0,
            "{width} px: tables that scroll sideways: {out}"
        );
        // No column squeezed narrower than a word (ids break only after
        // their underscores).
        assert_eq!(
            out["broken"].as_array().unwrap().len(),
            0,
            "{width} px: words broken inside a table cell: {out}"
        );
    }
}

#[test]
fn quotas_from_a_csv_refuses_bad_rows_with_their_place() {
    let dir = tmp("planner-from-bad");
    let csv = dir.join("bad.csv");
    std::fs::write(
        &csv,
        "\u{feff}rep;quota\r\nR01;5000000\r\nR1;6000000\r\nR02;abc\r\nR03;-5\r\nR03;7000000\r\n",
    )
    .unwrap();
    let a = quotaplan()
        .args(["quotas", "--trials", "500", "--from"])
        .arg(&csv)
        .arg("--out")
        .arg(dir.join("q"))
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    for needle in [
        "no rep `R1` in the scenario",
        "did you mean `R01`?",
        "`abc` is not a number",
        "the quota -5 is not allowed",
        "rep `R03` is given twice",
        "no row for 9 of the scenario's reps: R04, R05",
        "bad.csv:3:1",
        "bad.csv:4:5",
        "bad.csv:5:5",
    ] {
        assert!(err.contains(needle), "stderr has {needle}:\n{err}");
    }
    assert!(!dir.join("q").exists(), "nothing written");
    // --from and --method exclude each other.
    quotaplan()
        .args(["quotas", "--method", "proportional", "--from"])
        .arg(&csv)
        .assert()
        .code(2);
}
