//! `fit`: parameter recovery on histories simulated by `generate
//! --history` (fixed seeds; tolerances from the stated standard errors),
//! the fitted scenario validating and simulating, and hostile histories.

use crate::common::{quotaplan, run, tmp};
use quotaplan::fit::{FitOptions, Fitted, fit};
use quotaplan::generate::GenerateSpec;
use quotaplan::generate::history::{Truth, with_history};
use quotaplan::history::{ReadOptions, read};
use quotaplan::scenario::MemoryLoader;

fn generated(seed: u64, units: usize, years: u32) -> (String, String, Truth, Fitted) {
    let g = with_history(
        &GenerateSpec {
            units,
            reps: units / 25,
            risks: 6,
            seed,
            trials: 2000,
            units_file: "units.csv".into(),
            edges_file: None,
        },
        years,
    );
    let r = read(
        ("h.csv", g.history_csv.as_bytes()),
        None,
        &ReadOptions::default(),
    );
    let h = r.history.expect("the generated history reads");
    let f = fit(
        &h,
        &FitOptions {
            units_file: "fitted-units.csv".into(),
            ..FitOptions::default()
        },
    )
    .expect("fits");
    (g.scenario.toml, g.scenario.units_csv, g.truth, f)
}

/// Share of |estimate − truth| <= 1.96 se.
struct Coverage {
    hit: usize,
    n: usize,
    worst_z: f64,
}

impl Coverage {
    fn new() -> Self {
        Coverage {
            hit: 0,
            n: 0,
            worst_z: 0.0,
        }
    }
    fn add(&mut self, est: f64, se: f64, truth: f64) {
        let z = (est - truth) / se;
        self.n += 1;
        self.hit += usize::from(z.abs() <= 1.96);
        self.worst_z = self.worst_z.max(z.abs());
    }
    fn rate(&self) -> f64 {
        self.hit as f64 / self.n as f64
    }
}

#[test]
fn fitted_parameters_cover_the_truth_at_about_the_nominal_rate() {
    let (mut season, mut pcv, mut lambda, mut dcv) = (
        Coverage::new(),
        Coverage::new(),
        Coverage::new(),
        Coverage::new(),
    );
    for seed in [1, 2, 3, 4, 5] {
        let (_, _, truth, f) = generated(seed, 1000, 4);
        let e = &f.evidence;
        for (m, s) in e.seasonality.iter().enumerate() {
            season.add(s.value, s.se, truth.seasonality[m]);
        }
        for seg in &e.segments {
            let cv2: Vec<f64> = truth
                .units
                .iter()
                .filter(|u| u.segment == seg.segment)
                .filter(|u| e.units.iter().any(|f| f.id == u.id))
                .map(|u| u.potential_cv.powi(2))
                .collect();
            let rms = (cv2.iter().sum::<f64>() / cv2.len() as f64).sqrt();
            pcv.add(seg.potential_cv.value, seg.potential_cv.se, rms);
        }
        for u in &e.units {
            let t = truth
                .units
                .iter()
                .find(|t| t.id == u.id)
                .expect("a generated unit");
            lambda.add(
                u.deals_per_year.value,
                u.deals_per_year.se,
                t.deals_per_year,
            );
            dcv.add(u.deal_size_cv.value, u.deal_size_cv.se, t.deal_size_cv);
        }
    }
    for (what, c, lo) in [
        ("seasonality", &season, 0.80),
        ("potential_cv (segments)", &pcv, 0.70),
        ("deals_per_year", &lambda, 0.88),
        ("deal_size_cv", &dcv, 0.88),
    ] {
        println!(
            "RECOVERY {what}: {}/{} within 1.96 se ({:.1} %), worst |z| {:.2}",
            c.hit,
            c.n,
            c.rate() * 100.0,
            c.worst_z
        );
        assert!(
            c.rate() >= lo && c.rate() <= 1.0,
            "{what}: coverage {:.3} below {lo}",
            c.rate()
        );
    }
}

#[test]
fn the_fitted_scenario_validates_and_simulates() {
    let (_, _, _, f) = generated(7, 300, 3);
    let model = load_str_units(&f.toml, &f.units_csv);
    assert!(model.units.iter().all(|u| u.deals.is_some()));
    let r = run(&model, 500, 1, 2);
    assert!(r.team.iter().sum::<f64>() > 0.0);
    assert!(f.toml.contains("# ASSUMPTION: review"));
    assert!(f.json().contains("\"method\""));
}

fn load_str_units(toml: &str, csv: &str) -> quotaplan::model::Model {
    let loaded = quotaplan::scenario::load(
        "fitted.toml",
        toml,
        &MemoryLoader(vec![("fitted-units.csv".into(), csv.into())]),
        quotaplan::scenario::Purpose::Simulate,
    );
    let msgs: Vec<String> = loaded.errors().map(|p| p.plain(&loaded.sources)).collect();
    loaded.scenario.unwrap_or_else(|| panic!("{msgs:?}")).model
}

/// A small history over two years in several spellings.
fn rows(sep: &str, date: impl Fn(u32, u32) -> String, amount: impl Fn(f64) -> String) -> String {
    let mut s = format!("Order Date{sep}Customer ID{sep}Sales Rep{sep}Sales{sep}Region\r\n");
    for y in [2024, 2025] {
        for m in 1..=12 {
            for (u, rep) in [("C1", "王芳"), ("C2", "Li Qiang"), ("C3", "王芳")] {
                s.push_str(&format!(
                    "{}{sep}{u}{sep}{rep}{sep}{}{sep}华东\r\n",
                    date(y, m),
                    amount(1000.0 + m as f64 * 10.5)
                ));
            }
        }
    }
    s
}

const MAP: &str = "date=Order Date,unit=Customer ID,owner=Sales Rep,amount=Sales,region=Region";

#[test]
fn a_gbk_semicolon_crlf_history_with_decimal_commas_fits() {
    let dir = tmp("fit-gbk");
    let text = rows(
        ";",
        |y, m| format!("{:02}.{:02}.{y}", 3, m),
        |a| format!("{a:.2}").replace('.', ","),
    );
    let text = text + "01.06.2025;C1;王芳;-500,00;华东\r\n";
    let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
    std::fs::write(dir.join("h.csv"), &gbk).unwrap();
    let out = quotaplan()
        .args([
            "fit",
            "h.csv",
            "--columns",
            MAP,
            "--date-format",
            "%d.%m.%Y",
            "--out",
            "f/s.toml",
            "--json",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("not UTF-8")
            && stderr.contains("semicolons")
            && stderr.contains("decimal commas"),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["returns_rows"], 1);
    assert_eq!(json["returns_total"], -500.0);
    assert_eq!(json["reps"].as_array().unwrap().len(), 2);
    quotaplan()
        .args(["validate", "f/s.toml"])
        .current_dir(&dir)
        .assert()
        .success();
}

/// Runs `quotaplan ARGS` in `dir` without colour: its exit code and stderr.
fn run_in(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let out = quotaplan()
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn ambiguous_and_bad_dates_are_located_and_nothing_is_written() {
    let dir = tmp("fit-dates");
    let mut text = String::from("date,unit,amount\n");
    text.push_str(
        "2024-01-05,A,10\n03/04/2024,A,10\n2024-02-30,B,5\n13/04/2024,B,5\n2024-05-01,C,12 000\n",
    );
    std::fs::write(dir.join("h.csv"), text).unwrap();
    let (code, stderr) = run_in(&dir, &["fit", "h.csv", "--out", "f/s.toml"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("ambiguous date `03/04/2024`"), "{stderr}");
    assert!(
        stderr.contains("--date-format %d/%m/%Y (day first)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("h.csv:3:1") || stderr.contains("h.csv:3"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`2024-02-30` is not a date of the calendar"),
        "{stderr}"
    );
    assert!(
        stderr.contains("looks like --date-format %d/%m/%Y"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the amount must be a number, found `12 000`"),
        "{stderr}"
    );
    assert!(!dir.join("f").exists(), "nothing written");
}

#[test]
fn a_missing_column_suggests_the_mapping() {
    let dir = tmp("fit-columns");
    std::fs::write(dir.join("h.csv"), "Date,Customer,Amount\n2024-01-01,A,1\n").unwrap();
    let (code, stderr) = run_in(&dir, &["fit", "h.csv"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("no `date` column"), "{stderr}");
    assert!(stderr.contains("did you mean `Date`?"), "{stderr}");
    assert!(
        stderr.contains("--columns unit=\"Date\"") || stderr.contains("--columns unit="),
        "{stderr}"
    );
    let (code, stderr) = run_in(
        &dir,
        &[
            "fit",
            "h.csv",
            "--columns",
            "date=Date,unit=Customr,amount=Amount",
        ],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("column `Customr` (mapped to `unit` by --columns)"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `Customer`?"), "{stderr}");
    let out = quotaplan()
        .args(["fit", "h.csv", "--columns", "dat=Date"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `date`"));
}

/// An empty export (or one with only a BOM and a line break) is one
/// problem, said as such, not three missing columns.
#[test]
fn an_empty_history_is_said_to_be_empty() {
    let dir = tmp("fit-empty");
    for text in [&b""[..], b"\xef\xbb\xbf\r\n", b"\n\n"] {
        std::fs::write(dir.join("h.csv"), text).unwrap();
        let (code, stderr) = run_in(&dir, &["fit", "h.csv", "--out", "f/s.toml"]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.contains("the history CSV is empty: no header and no rows"),
            "{stderr}"
        );
        assert!(stderr.contains("h.csv:1:1"), "{stderr}");
        assert!(!stderr.contains("no `date` column"), "{stderr}");
        assert!(!dir.join("f").exists(), "nothing written");
    }
}

#[test]
fn until_leaves_later_rows_out_and_a_short_history_is_refused() {
    let text = rows(",", |y, m| format!("{y}-{m:02}-03"), |a| format!("{a}"));
    let h = |until: &str| {
        read(
            ("h.csv", text.as_bytes()),
            None,
            &ReadOptions {
                columns: quotaplan::history::Columns::parse(MAP).unwrap(),
                until: Some(until.parse().unwrap()),
                ..ReadOptions::default()
            },
        )
        .history
        .unwrap()
    };
    let cut = h("2025-01-01");
    assert_eq!(cut.after_until, 36);
    assert_eq!(cut.rows.len(), 36);
    let f = fit(
        &cut,
        &FitOptions {
            until: Some("2025-01-01".parse().unwrap()),
            ..FitOptions::default()
        },
    )
    .unwrap();
    assert_eq!(f.evidence.horizon_from, "Jan 2025");
    let short = h("2024-07-01");
    let e = fit(
        &short,
        &FitOptions {
            until: Some("2024-07-01".parse().unwrap()),
            ..FitOptions::default()
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("at least one full year"), "{e}");
}

#[test]
fn a_roster_gives_attrition() {
    let text = rows(",", |y, m| format!("{y}-{m:02}-03"), |a| format!("{a}"));
    let roster = "rep,hire_date,leave_date\n王芳,2020-01-01,\nLi Qiang,2019-05-01,2025-06-30\nGone,2018-01-01,2024-03-31\n";
    let r = read(
        ("h.csv", text.as_bytes()),
        Some(("roster.csv", roster.as_bytes())),
        &ReadOptions {
            columns: quotaplan::history::Columns::parse(MAP).unwrap(),
            ..ReadOptions::default()
        },
    );
    let f = fit(&r.history.unwrap(), &FitOptions::default()).unwrap();
    let a = f.evidence.attrition.expect("fitted from the roster");
    assert_eq!(a.n, 2);
    assert!(a.value > 0.2 && a.value < 0.8, "{a:?}");
    assert!(f.toml.contains("attrition = 0."), "{}", f.toml);
}

/// Hires who sell `min(1, (k + 0.5) / 6)` of the steady level in their
/// k-th month miss exactly 3 months of sales in their first year: a linear
/// ramp of 6 months. The veterans' flat sales make the seasonality flat
/// but for the hires' own ramp (1.5 % of 2022's sales), hence the margin.
#[test]
fn a_roster_gives_the_ramp_of_hires() {
    let mut text = String::from("date,unit,owner,amount\n");
    let hires = [("H1", 2022, 1), ("H2", 2022, 4), ("H3", 2022, 7)];
    for y in 2021..=2024 {
        for m in 1..=12 {
            for v in 0..50 {
                text += &format!("{y}-{m:02}-05,V{v},Vet{},1000\n", v % 5);
            }
            for (i, &(rep, hy, hm)) in hires.iter().enumerate() {
                let k = (y - hy) * 12 + (m - hm);
                if k >= 0 {
                    let share = ((f64::from(k) + 0.5) / 6.0).min(1.0);
                    text += &format!("{y}-{m:02}-05,HU{i},{rep},{:.4}\n", 1000.0 * share);
                }
            }
        }
    }
    let roster = "rep,hire_date,leave_date\nVet0,2015-01-01,\nVet1,2015-01-01,\nVet2,2015-01-01,\nVet3,2015-01-01,\nVet4,2015-01-01,\nH1,2022-01-01,\nH2,2022-04-01,\nH3,2022-07-01,\n";
    let r = read(
        ("h.csv", text.as_bytes()),
        Some(("roster.csv", roster.as_bytes())),
        &ReadOptions::default(),
    );
    let f = fit(&r.history.expect("reads"), &FitOptions::default()).expect("fits");
    let ramp = f
        .evidence
        .ramp_months
        .as_ref()
        .expect("fitted from the hires");
    assert_eq!(ramp.n, 3, "{ramp:?}");
    assert!((ramp.value - 6.0).abs() < 0.25, "{ramp:?}");
    assert!(f.toml.contains("ramp_months = 6."), "{}", f.toml);
    let a = f
        .evidence
        .attrition
        .as_ref()
        .expect("fitted from the roster");
    assert_eq!(a.n, 0, "no leavers: {a:?}");
}

#[test]
fn generate_history_is_deterministic_and_fits_from_the_command_line() {
    let dir = tmp("fit-generate");
    for _ in 0..2 {
        quotaplan()
            .args([
                "generate",
                "--units",
                "200",
                "--reps",
                "8",
                "--risks",
                "4",
                "--history",
                "3",
                "--seed",
                "9",
                "--no-edges",
                "--out",
                "s.toml",
                "-q",
            ])
            .current_dir(&dir)
            .assert()
            .success();
    }
    let a = std::fs::read(dir.join("s-history.csv")).unwrap();
    quotaplan()
        .args([
            "generate",
            "--units",
            "200",
            "--reps",
            "8",
            "--risks",
            "4",
            "--history",
            "3",
            "--seed",
            "9",
            "--no-edges",
            "--out",
            "t.toml",
            "-q",
        ])
        .current_dir(&dir)
        .assert()
        .success();
    assert_eq!(a, std::fs::read(dir.join("t-history.csv")).unwrap());
    quotaplan()
        .args(["validate", "s.toml"])
        .current_dir(&dir)
        .assert()
        .success();
    let out = quotaplan()
        .args(["fit", "s-history.csv", "--out", "fit/fitted.toml"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(report.lines().all(|l| l.chars().count() <= 80), "{report}");
    assert!(report.contains("Seasonality") && report.contains("market shock"));
    for f in ["fitted.toml", "fitted-units.csv", "fit.json"] {
        assert!(dir.join("fit").join(f).exists(), "{f}");
    }
    quotaplan()
        .args([
            "simulate",
            "fit/fitted.toml",
            "--trials",
            "500",
            "--out",
            "sim",
            "-q",
        ])
        .current_dir(&dir)
        .assert()
        .success();
}

/// One full year cannot show a trend, an account stopping or a rep's
/// spread: each is marked as an assumption to review, in the report and
/// the scenario, rather than shown as a fitted zero, and the report's
/// lines fit 80 columns, wrapped rather than cut.
#[test]
fn a_single_year_marks_what_it_cannot_fit_as_assumptions() {
    let dir = tmp("fit-one-year");
    let args =
        "generate --units 60 --reps 5 --risks 3 --history 1 --seed 4 --no-edges --out g.toml -q";
    let (code, stderr) = run_in(&dir, &args.split(' ').collect::<Vec<_>>());
    assert_eq!(code, Some(0), "{stderr}");
    let out = quotaplan()
        .args(["fit", "g-history.csv", "--out", "f/s.toml"])
        .env("NO_COLOR", "1")
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    let report = String::from_utf8_lossy(&out.stdout);
    for want in [
        "trend        flat: ASSUMPTION",
        "account loss none: ASSUMPTION",
        "rep productivity cv none: ASSUMPTION",
        "  - trend: one full year cannot show a trend; flat",
        "  - account_loss: needs two years",
        "  - productivity: no rep-years",
        "every rep covers its territory\n    fully",
    ] {
        assert!(report.contains(want), "{want:?} in\n{report}");
    }
    assert!(!report.contains("se ?"), "{report}");
    for line in report.lines() {
        assert!(line.chars().count() <= 80, "{line:?}");
    }
    let toml = std::fs::read_to_string(dir.join("f/s.toml")).unwrap();
    let line = |key: &str| {
        toml.lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("{key} in\n{toml}"))
            .to_string()
    };
    assert!(line("productivity =").contains("# ASSUMPTION: review"));
    assert!(line("# account_loss:").contains("# ASSUMPTION: review"));
    let (code, stderr) = run_in(&dir, &["validate", "f/s.toml"]);
    assert_eq!(code, Some(0), "{stderr}");
}
