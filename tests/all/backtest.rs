//! A backtest scored and rendered through the public API: the terminal
//! calibration table, `backtest.json`, the reliability chart, the PIT
//! histograms and the report section, on forecasts whose calibration is
//! known (calibrated owners, too narrow units) at fixed seeds.

use quotaplan::backtest::{Backtest, Item, Level, score};
use quotaplan::report::backtest::{
    BacktestJsonFile, BacktestRun, calibration_table, charts, html_section,
};
use quotaplan::report::charts::FontSet;
use quotaplan::report::{Exporter, escape};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// `n` items with forecasts of `m` draws of N(μ, spread × σ) and actuals
/// from N(μ, σ); last period's actual is μ give or take 5 %.
fn items(prefix: &str, seed: u64, n: usize, spread: f64) -> Vec<Item> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let m = 1000;
    (0..n)
        .map(|i| {
            let mu = 250_000.0 * (1.0 + (i % 5) as f64);
            let sigma = 0.15 * mu;
            let mut z = || -> f64 { StandardNormal.sample(&mut rng) };
            let samples: Vec<f64> = (0..m).map(|_| mu + spread * sigma * z()).collect();
            let actual = mu + sigma * z();
            let last = mu * (1.0 + 0.05 * z());
            Item {
                id: format!("{prefix}{i}"),
                samples,
                actual,
                last: Some(last),
            }
        })
        .collect()
}

fn backtest() -> Backtest {
    let team = vec![Item {
        id: "team".into(),
        samples: (0..1000).map(|i| 4e6 + 1e3 * f64::from(i)).collect(),
        actual: 4.3e6,
        last: Some(4.1e6),
    }];
    score(&[
        (Level::Unit, items("u", 2, 500, 0.5)),
        (Level::Owner, items("r", 1, 300, 1.0)),
        (Level::Team, team),
    ])
    .expect("valid forecasts")
}

#[test]
fn backtest_calibration_table_flags_the_too_narrow_level() {
    let b = backtest();
    let t = calibration_table(&b);
    println!("{t}");
    let owner = b.level(Level::Owner).expect("owner");
    let unit = b.level(Level::Unit).expect("unit");
    for l in [owner, unit] {
        for c in &l.coverage {
            println!(
                "{} {}: observed {:.3} (se {:.3}, z {:+.2})",
                l.level,
                c.key(),
                c.observed,
                c.se,
                c.z()
            );
        }
        println!(
            "{}: crps {:.0}, naive {:.0}, skill {:+.3}, brier {:.3}",
            l.level,
            l.crps,
            l.crps_naive.unwrap_or(f64::NAN),
            l.skill().unwrap_or(f64::NAN),
            l.brier.unwrap_or(f64::NAN)
        );
    }
    // The calibrated owners are within ±2 SE at 50, 80 and 90 %; the
    // half-width units are far below at each.
    let rows: Vec<&str> = t.lines().collect();
    let row = |level: &str| rows.iter().position(|r| r.starts_with(level)).expect(level);
    let (o, u) = (row("owner"), row("unit"));
    assert!(rows[o..o + 3].iter().all(|r| r.ends_with(" ok")), "{t}");
    assert!(
        rows[u..u + 3]
            .iter()
            .all(|r| r.ends_with("LOW: overconfident")),
        "{t}"
    );
    assert!(t.contains("Naive CRPS") && t.contains("Skill") && t.contains("Brier"));
    // Last period is within 5 % of the mean and the spread is 15 %: the
    // naive forecast is good, the calibrated forecast better.
    assert!(owner.skill().expect("skill") > 0.0);
    let team_row = rows
        .iter()
        .rev()
        .find(|r| r.starts_with("team"))
        .expect("team");
    assert!(team_row.contains("200,000"), "{team_row}");
}

#[test]
fn backtest_json_file_is_the_documented_document() {
    let b = backtest();
    let run = BacktestRun {
        backtest: &b,
        cutoff: "2016-12-31",
        horizon_months: 12,
    };
    assert_eq!(BacktestJsonFile.file_name(), "backtest.json");
    let bytes = BacktestJsonFile.export(&run).expect("json");
    assert!(bytes.ends_with(b"}\n"));
    let v: serde_json::Value = serde_json::from_slice(&bytes).expect("parses");
    assert_eq!(v["cutoff"], "2016-12-31");
    assert_eq!(v["horizon_months"], 12);
    let levels = v["levels"].as_object().expect("levels");
    assert_eq!(levels.len(), 3);
    assert!(levels.get("region").is_none());
    assert_eq!(levels["unit"]["pit"].as_array().expect("pit").len(), 500);
    assert_eq!(levels["team"]["n"], 1);
    assert_eq!(levels["team"]["crps_naive"], 200_000.0);
}

#[test]
fn backtest_charts_and_report_section_are_self_contained() {
    let b = backtest();
    let list = charts(&b);
    let ids: Vec<&str> = list.iter().map(|c| c.id.as_str()).collect();
    // The single team item gets no PIT histogram.
    assert_eq!(ids, ["reliability", "pit-owner", "pit-unit"]);
    let fonts = FontSet::embedded();
    for c in &list {
        let svg = c.svg(&fonts).expect("renders").data;
        assert!(
            svg.starts_with("<svg")
                && svg.contains(&format!("<title>{}</title>", escape(&c.title)))
        );
        let png = c.png(&fonts, 1.0).expect("renders");
        assert!(png.missing_glyphs.is_empty());
        if let Ok(dir) = std::env::var("QUOTAPLAN_KEEP_CHARTS") {
            std::fs::write(format!("{dir}/{}.png", c.id), &png.data).expect("writes");
        }
    }
    // The too-narrow units' histogram is a U: 9 of its bins are outside the
    // band (the PIT test in the library checks the shape); the calibrated
    // owners' none.
    let svg_of = |i: usize| list[i].svg(&fonts).expect("svg").data;
    assert!(svg_of(2).contains("9 of 10 bins outside"));
    assert!(svg_of(1).contains("0 of 10 bins outside"));
    assert!(svg_of(0).contains("fewer than 10 items: team (1 item)"));
    let html = html_section(&b, "2016-12-31 <cutoff>", 12, &fonts).expect("renders");
    assert!(html.starts_with("<section id=\"backtest\">") && html.ends_with("</section>\n"));
    assert_eq!(html.matches("<svg").count(), 3);
    assert!(html.contains("2016-12-31 &lt;cutoff&gt;"));
    assert!(html.contains("Not in the charts, fewer than 10 items: team (1 item)."));
    // The too-narrow units' shares are marked low, three times.
    assert_eq!(html.matches("class=\"cell-low\"").count(), 3, "{html}");
    for bad in ["<script", "<link", "<img", "@import", "url("] {
        assert!(!html.contains(bad), "section has no {bad}");
    }
    let rest = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for scheme in ["http://", "https://", "file:"] {
        assert!(!rest.contains(scheme), "no external reference: {scheme}");
    }
}
