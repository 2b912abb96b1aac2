//! `backtest` end to end on histories simulated by `generate --history`:
//! the forecast from the history up to the cutoff covers what happened at
//! about the nominal rate, and the command writes what it promises.

use crate::common::{quotaplan, tmp};
use quotaplan::backtest::{BacktestOptions, Level, backtest};
use quotaplan::generate::GenerateSpec;
use quotaplan::generate::history::with_history;
use quotaplan::history::{ReadOptions, read};

/// Within one history every item shares that year's market shock, so one
/// backtest's coverage is a single correlated draw (a bad market year
/// moves every unit at once); over eight independent histories the
/// central 80 % intervals hold 80 % of the units and owners, within the
/// issue's [0.72, 0.88].
#[test]
fn coverage_is_nominal_at_unit_and_owner_level() {
    let mut unit = Vec::new();
    let mut owner = Vec::new();
    for seed in 1..=8 {
        let g = with_history(
            &GenerateSpec {
                units: 600,
                reps: 40,
                risks: 5,
                seed,
                trials: 1000,
                units_file: "units.csv".into(),
                edges_file: None,
            },
            4,
        );
        let r = read(
            ("h.csv", g.history_csv.as_bytes()),
            None,
            &ReadOptions::default(),
        );
        let h = r.history.expect("the generated history reads");
        let out = backtest(
            &h,
            &BacktestOptions {
                cutoff: chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
                horizon_months: 12,
                trials: 1000,
                seed: 1,
                threads: Some(2),
                source: "h.csv".into(),
                spelling: Default::default(),
            },
        )
        .expect("backtests");
        let c80 = |l: Level| {
            out.backtest
                .level(l)
                .and_then(|s| s.coverage_at(0.8))
                .expect("scored")
                .observed
        };
        unit.push(c80(Level::Unit));
        owner.push(c80(Level::Owner));
        assert!(!out.partial);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    println!(
        "CHECK backtest 80 % coverage: unit {unit:.3?} mean {:.3}; owner {owner:.3?} mean {:.3}",
        mean(&unit),
        mean(&owner)
    );
    for (what, v) in [("unit", &unit), ("owner", &owner)] {
        let m = mean(v);
        assert!(
            (0.72..=0.88).contains(&m),
            "{what}: mean 80 % coverage {m} over {v:?}"
        );
    }
}

/// The command: backtest.json in the documented shape, the page, the
/// fitted scenario; a cutoff inside a month is refused with a suggestion.
#[test]
fn the_command_writes_the_documented_json() {
    let dir = tmp("backtest-cli");
    quotaplan()
        .args([
            "generate",
            "--units",
            "300",
            "--reps",
            "12",
            "--risks",
            "4",
            "--history",
            "3",
            "--seed",
            "2",
            "--out",
        ])
        .arg(dir.join("g.toml"))
        .assert()
        .success();
    let out = dir.join("bt");
    let run = quotaplan()
        .arg("backtest")
        .arg(dir.join("g-history.csv"))
        .args(["--cutoff", "2024-12-31", "--trials", "500", "--out"])
        .arg(&out)
        .assert()
        .success();
    let text = String::from_utf8_lossy(&run.get_output().stdout).to_string();
    assert!(text.contains("Level") && text.contains("Skill"), "{text}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("backtest.json")).unwrap()).unwrap();
    assert_eq!(json["cutoff"], "2024-12-31");
    assert_eq!(json["horizon_months"], 12);
    for level in ["team", "owner", "unit", "region"] {
        let l = &json["levels"][level];
        let n = l["n"].as_u64().expect("n") as usize;
        assert_eq!(l["pit"].as_array().expect("pit").len(), n, "{level}");
        for k in ["50", "80", "90"] {
            let c = l["coverage"][k].as_f64().expect("coverage");
            assert!((0.0..=1.0).contains(&c));
        }
        assert!(l["crps"].as_f64().expect("crps") >= 0.0);
        assert!(l["crps_naive"].as_f64().expect("naive") >= 0.0);
        assert!(l["brier"].is_number() || l["brier"].is_null());
    }
    let page = std::fs::read_to_string(out.join("backtest.html")).unwrap();
    assert!(page.contains("<svg") && page.contains("Content-Security-Policy"));
    // The page's charts as files too, each a whole SVG and a PNG: every
    // chart the page draws (levels with too few items have none).
    let mut on_page: Vec<String> = page
        .split("id=\"fig-")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect();
    on_page.sort();
    let mut files: Vec<String> = std::fs::read_dir(out.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|f| f.strip_suffix(".svg").map(str::to_string))
        .collect();
    files.sort();
    assert_eq!(files, on_page);
    for id in ["reliability", "pit-owner", "pit-unit"] {
        assert!(on_page.iter().any(|p| p == id), "{id} in {on_page:?}");
    }
    for id in &on_page {
        let svg = std::fs::read_to_string(out.join("charts").join(format!("{id}.svg")))
            .unwrap_or_else(|e| panic!("charts/{id}.svg: {e}"));
        assert!(
            svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
            "{id}"
        );
        assert!(page.contains(&format!("fig-{id}")), "{id} is on the page");
        let png = std::fs::read(out.join("charts").join(format!("{id}.png"))).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "{id}.png");
    }
    assert!(out.join("fitted.toml").is_file() && out.join("fit.json").is_file());
    quotaplan()
        .arg("validate")
        .arg(out.join("fitted.toml"))
        .assert()
        .success();
    let bad = quotaplan()
        .arg("backtest")
        .arg(dir.join("g-history.csv"))
        .args(["--cutoff", "2024-12-15", "--out"])
        .arg(dir.join("bad"))
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&bad.get_output().stderr).to_string();
    assert!(err.contains("2024-12-31"), "{err}");
    assert!(!dir.join("bad").exists());
    // Cutoffs with nothing to fit on, or nothing to score against.
    for (cutoff, want) in [
        (
            "2019-12-31",
            "no rows on or before the cutoff 2019-12-31 (its first row is dated 2023-01-01): \
             nothing to fit on; a year needs a cutoff of 2023-12-31 or later",
        ),
        ("2030-12-31", "no rows after the cutoff 2030-12-31"),
    ] {
        let bad = quotaplan()
            .arg("backtest")
            .arg(dir.join("g-history.csv"))
            .args(["--cutoff", cutoff, "--out"])
            .arg(dir.join("bad"))
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&bad.get_output().stderr).to_string();
        assert!(err.contains(want), "{err}");
        assert!(!dir.join("bad").exists());
    }
}
