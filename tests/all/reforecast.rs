//! In-year re-forecast: closed months are the booked sales, the open ones
//! simulated, with event windows and departures conditioned on what is known.

use crate::common::{assert_within_se, load_str, mean_var, simulation};
use quotaplan::model::Actuals;

fn two_reps(extra: &str) -> quotaplan::model::Model {
    let csv = "id,potential,potential_cv,owner\nu1,1200,0.3,A\nu2,2400,0.2,B\nu3,600,0,B\n";
    let toml = format!(
        "[scenario]\ncompany_target = 4000\n[units]\nfile = \"units.csv\"\n\
         [[reps]]\nid = \"A\"\nquota = 1100\n[[reps]]\nid = \"B\"\nquota = 3100\n{extra}"
    );
    load_str(&toml, Some(csv))
}

/// With every month closed, each trial is exactly the booked sales.
#[test]
fn a_fully_booked_horizon_is_exactly_the_actual() {
    let mut model = two_reps("");
    let rep_month: Vec<f64> = (0..24).map(|i| 50.0 + 7.0 * f64::from(i)).collect();
    model.actuals = Some(Actuals {
        months: 12,
        rep_month: rep_month.clone(),
        left: vec![None, None],
    });
    let sim = simulation(&model, 2000, 1, 2);
    let want_a: f64 = rep_month[..12].iter().sum();
    let want_b: f64 = rep_month[12..].iter().sum();
    for &t in &sim.result.team {
        assert_eq!(t, want_a + want_b);
    }
    let s = sim.summary(&model, vec![]);
    let rf = s.reforecast.expect("a re-forecast block");
    assert_eq!(rf.months_open, 0);
    assert_eq!(rf.reps[0].booked, want_a);
    assert_eq!(s.reps[0].p_attain, if want_a >= 1100.0 { 1.0 } else { 0.0 });
    assert_eq!(s.reps[1].p_attain, if want_b >= 3100.0 { 1.0 } else { 0.0 });
    assert_eq!(
        s.team.p_hit_target,
        if want_a + want_b >= 4000.0 { 1.0 } else { 0.0 }
    );
}

/// Five months booked: the team is the booked total plus the open months
/// of each unit's potential, so E = booked + sum_u mu_u * 7/12 and
/// Var = sum_u (mu_u cv_u 7/12)^2 (equal seasonality, no risks).
#[test]
fn open_months_are_simulated_on_top_of_the_booked_ones() {
    let mut model = two_reps("");
    let rep_month: Vec<f64> = (0..10).map(|i| 90.0 + f64::from(i)).collect();
    let booked: f64 = rep_month.iter().sum();
    model.actuals = Some(Actuals {
        months: 5,
        rep_month,
        left: vec![None, None],
    });
    let n = 40_000;
    let sim = simulation(&model, n, 4, 2);
    let open = 7.0 / 12.0;
    let mean = booked + (1200.0 + 2400.0 + 600.0) * open;
    let var = (1200.0f64 * 0.3 * open).powi(2) + (2400.0f64 * 0.2 * open).powi(2);
    let (m, _) = mean_var(&sim.result.team);
    assert_within_se("re-forecast: team mean", m, mean, (var / n as f64).sqrt());
    let s = sim.summary(&model, vec![]);
    let rf = s.reforecast.expect("a re-forecast block");
    assert_eq!(rf.months_closed, 5);
    let a = &rf.reps[0];
    assert!((a.needed_per_month - (1100.0 - a.booked) / 7.0).abs() < 1e-9);
}

/// An event that could start in any month with probability 1/2, six months
/// closed: it did not start in them, so it starts in months 7..=12 with
/// probability (1/2 * 6/12) / (1 - 1/2 * 6/12) = 1/3. A -50 % event over a
/// uniform start in 7..=12 keeps on average (1/6) sum_{s=7..12} (s-7)/6 of
/// the open half, so E[open sales] = P * 1/2 * (1 - 1/3 * 0.5 * (1 - 15/36)).
#[test]
fn an_event_window_the_as_of_date_cuts_is_conditioned() {
    let csv = "id,potential,owner\nu1,1200,A\n";
    let toml = "[scenario]\ncompany_target = 1000\n[units]\nfile = \"units.csv\"\n\
                [[reps]]\nid = \"A\"\nquota = 1000\n\
                [[risks]]\nid = \"ev\"\nkind = \"event\"\nprobability = 0.5\napplies_to = \"all\"\n\
                impact = { fixed = -0.5 }\n";
    let mut model = load_str(toml, Some(csv));
    model.actuals = Some(Actuals {
        months: 6,
        rep_month: vec![0.0; 6],
        left: vec![None],
    });
    let n = 40_000;
    let sim = simulation(&model, n, 8, 2);
    // Months active after a start in month s (7..=12): 13 - s of the 6 open.
    let active_share: f64 = (7..=12).map(|s| f64::from(13 - s) / 6.0).sum::<f64>() / 6.0;
    let p = 1.0 / 3.0;
    let want = 600.0 * (1.0 - p * 0.5 * active_share);
    let (m, v) = mean_var(&sim.result.team);
    assert_within_se(
        "re-forecast: conditioned event",
        m,
        want,
        (v / n as f64).sqrt(),
    );
}

/// A rep that left in month 3 is a vacancy from then on (vacancy 2 months
/// at 0.25 cover, then a 4-month ramp); its open months are exact.
#[test]
fn a_rep_that_left_is_a_vacancy() {
    let csv = "id,potential,owner\nu1,1200,A\n";
    let toml = "[scenario]\ncompany_target = 1000\n[units]\nfile = \"units.csv\"\n\
                [[reps]]\nid = \"A\"\nquota = 1000\nattrition = 0.2\nvacancy_months = 2\n\
                vacancy_coverage = 0.25\nramp_months = 4\n";
    let mut model = load_str(toml, Some(csv));
    model.actuals = Some(Actuals {
        months: 4,
        rep_month: vec![100.0, 100.0, 60.0, 25.0],
        left: vec![Some(3)],
    });
    let sim = simulation(&model, 500, 2, 2);
    // Month 5: vacancy (m < 3 + 2 is months 3, 4): 5 is the first ramp month.
    let ramp = |k: f64| ((k - 0.5) / 4.0).min(1.0);
    let open: f64 = (5..=12).map(|m| 100.0 * ramp(f64::from(m - 5 + 1))).sum();
    let want = 285.0 + open;
    for &t in &sim.result.team {
        assert!((t - want).abs() < 1e-9, "{t} vs {want}");
    }
}

/// The command: actuals per rep (the rep id in the unit column) for the
/// whole horizon make every figure the booked one; a scenario without a
/// start, or a mid-month as-of date, is refused with the fix.
#[test]
fn simulate_with_actuals_from_the_command_line() {
    use crate::common::{quotaplan, tmp};
    let dir = tmp("reforecast-cli");
    std::fs::write(
        dir.join("u.csv"),
        "id,potential,potential_cv,owner\nu1,1200,0.3,A\nu2,2400,0.2,B\n",
    )
    .unwrap();
    let toml = "[scenario]\ncompany_target = 4000\nstart = \"2026-01\"\n[units]\nfile = \"u.csv\"\n\
                [[reps]]\nid = \"A\"\nquota = 1100\n[[reps]]\nid = \"B\"\nquota = 3100\n";
    std::fs::write(dir.join("s.toml"), toml).unwrap();
    let mut csv = String::from("date,unit,amount\n");
    for m in 1..=12 {
        csv.push_str(&format!(
            "2026-{m:02}-15,A,100\n2026-{m:02}-20,B,{}\n",
            250 + m
        ));
    }
    csv.push_str("2027-01-05,A,999\n");
    std::fs::write(dir.join("actuals.csv"), &csv).unwrap();
    let out = quotaplan()
        .arg("simulate")
        .arg(dir.join("s.toml"))
        .arg("--actuals")
        .arg(dir.join("actuals.csv"))
        .args([
            "--as-of",
            "2026-12-31",
            "--trials",
            "300",
            "--json",
            "-q",
            "--out",
        ])
        .arg(dir.join("o"))
        .assert()
        .success();
    let s: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let booked = 1200.0 + (1..=12).map(|m| f64::from(250 + m)).sum::<f64>();
    assert_eq!(s["team"]["sales"]["p10"].as_f64(), Some(booked));
    assert_eq!(s["team"]["sales"]["p90"].as_f64(), Some(booked));
    assert_eq!(s["reforecast"]["months_open"], 0);
    assert_eq!(s["reforecast"]["reps"][0]["booked"].as_f64(), Some(1200.0));
    assert_eq!(s["reps"][0]["p_attain"].as_f64(), Some(1.0));
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("after --as-of"), "{stderr}");
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("note: 1 row(s)") && l.ends_with("left out")),
        "each note on a line of its own: {stderr}"
    );

    // An as-of date past the horizon, with actuals that stop in June: the
    // whole horizon counts as booked, and the six months without a single
    // row are named, on the terminal and in summary.json.
    let half: String = csv
        .lines()
        .filter(|&l| l.starts_with("date") || l < "2026-07")
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.join("half.csv"), &half).unwrap();
    let out = quotaplan()
        .arg("simulate")
        .arg(dir.join("s.toml"))
        .arg("--actuals")
        .arg(dir.join("half.csv"))
        .args([
            "--as-of",
            "2027-03-31",
            "--trials",
            "300",
            "--json",
            "--out",
        ])
        .arg(dir.join("o4"))
        .assert()
        .success();
    let s: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    let empty = "no actuals at all in 6 of the 12 booked month(s) \
                 (Jul 2026, Aug 2026, Sep 2026, Oct 2026, Nov 2026, Dec 2026)";
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with(&format!("warning: {empty}"))),
        "{stderr}"
    );
    assert!(
        stderr.lines().any(|l| l
            .starts_with("note: --as-of 2027-03-31 is after the horizon's last month (Dec 2026)")),
        "{stderr}"
    );
    let warnings = s["warnings"].as_array().expect("warnings");
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().is_some_and(|w| w.starts_with(empty))),
        "{warnings:?}"
    );
    let booked_half = 600.0 + (1..=6).map(|m| f64::from(250 + m)).sum::<f64>();
    assert_eq!(s["team"]["sales"]["p50"].as_f64(), Some(booked_half));

    std::fs::write(
        dir.join("nostart.toml"),
        toml.replace("start = \"2026-01\"\n", ""),
    )
    .unwrap();
    let e = quotaplan()
        .arg("simulate")
        .arg(dir.join("nostart.toml"))
        .arg("--actuals")
        .arg(dir.join("actuals.csv"))
        .args(["--as-of", "2026-06-30", "--out"])
        .arg(dir.join("o2"))
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&e.get_output().stderr).to_string();
    assert!(err.contains("start = \"YYYY-MM\""), "{err}");
    let e = quotaplan()
        .arg("simulate")
        .arg(dir.join("s.toml"))
        .arg("--actuals")
        .arg(dir.join("actuals.csv"))
        .args(["--as-of", "2026-06-15", "--out"])
        .arg(dir.join("o3"))
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&e.get_output().stderr).to_string();
    assert!(err.contains("2026-06-30"), "{err}");
    assert!(!dir.join("o2").exists() && !dir.join("o3").exists());
}
