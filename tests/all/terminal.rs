//! The terminal as people read it: every command's output fits 80
//! columns (CJK characters count two), money has thousands separators
//! while CSV and JSON stay plain, `--json` prints what the files hold, and
//! `--color` decides colour.

use crate::common::{quotaplan, repo, tmp};
use quotaplan::report::format::width;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The widest line may be this wide.
const COLUMNS: usize = 80;

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).expect("UTF-8")
}

/// Runs `quotaplan args` (exit `code`) with COLUMNS=80 and returns stdout
/// and stderr.
fn run(dir: &Path, args: &[&str], code: i32) -> (String, String) {
    let a = quotaplan()
        .current_dir(dir)
        .env("COLUMNS", "80")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .args(args)
        .assert()
        .code(code);
    (
        stdout(&a),
        String::from_utf8_lossy(&a.get_output().stderr).into_owned(),
    )
}

fn assert_fits(what: &str, text: &str) {
    let wide: Vec<&str> = text.lines().filter(|l| width(l) > COLUMNS).collect();
    assert!(
        wide.is_empty(),
        "{what}: {} line(s) wider than {COLUMNS} columns:\n{}\n--- whole output ---\n{text}",
        wide.len(),
        wide.join("\n")
    );
}

/// A generated scenario with history (for fit and backtest), made once.
fn generated() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tmp("terminal-generated");
        quotaplan()
            .current_dir(&dir)
            .args([
                "generate",
                "--units",
                "120",
                "--reps",
                "14",
                "--risks",
                "6",
                "--seed",
                "5",
                "--history",
                "3",
                "--out",
                "gen.toml",
                "-q",
            ])
            .assert()
            .success();
        dir
    })
}

#[test]
fn every_command_fits_80_columns_on_the_demo() {
    let dir = tmp("terminal-demo");
    for f in ["demo.toml", "demo-units.csv"] {
        std::fs::copy(repo(&format!("scenarios/{f}")), dir.join(f)).unwrap();
    }
    let cases: Vec<(Vec<&str>, i32)> = vec![
        (vec!["simulate", "--trials", "1000", "-q", "-o", "s"], 0),
        (
            vec!["quotas", "demo.toml", "--trials", "1000", "-q", "-o", "q"],
            0,
        ),
        (
            vec![
                "split",
                "demo.toml",
                "--trials",
                "300",
                "--time-limit",
                "2",
                "--tolerance",
                "0.1",
                "-q",
                "-o",
                "sp",
            ],
            -1,
        ),
        (
            vec![
                "mitigate",
                "--trials",
                "1000",
                "--rebalance-seeds",
                "2",
                "-q",
                "-o",
                "m",
            ],
            0,
        ),
        (
            vec![
                "sweep",
                "--vary",
                "quotas.over_assignment=0,0.1",
                "--vary",
                "risks.macro.impact.normal.sd=0.04,0.08",
                "--trials",
                "500",
                "-q",
                "-o",
                "sw",
            ],
            0,
        ),
        (vec!["validate", "demo.toml"], 0),
        (
            vec![
                "compare",
                "demo.toml",
                "demo.toml",
                "--trials",
                "500",
                "--metric",
                "compensation.total_payout.mean",
                "--max-drop",
                "team.p_hit_target=0.02",
            ],
            0,
        ),
        (
            vec![
                "report", "--charts", "none", "--trials", "500", "-q", "-o", "r",
            ],
            0,
        ),
    ];
    for (args, code) in cases {
        let (out, err) = if code < 0 {
            // split exits 1 when no plan meets every limit in the time.
            let a = quotaplan()
                .current_dir(&dir)
                .env("COLUMNS", "80")
                .args(&args)
                .assert();
            let o = a.get_output();
            assert!(matches!(o.status.code(), Some(0 | 1)), "{args:?}: {o:?}");
            (
                String::from_utf8(o.stdout.clone()).unwrap(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        } else {
            run(&dir, &args, code)
        };
        println!("$ quotaplan {}\n{out}{err}", args.join(" "));
        assert_fits(&args.join(" "), &out);
        assert_fits(&format!("{} (stderr)", args.join(" ")), &err);
    }
}

#[test]
fn every_command_fits_80_columns_on_a_generated_scenario() {
    let dir = generated();
    let cases: Vec<Vec<&str>> = vec![
        vec!["simulate", "gen.toml", "--trials", "1000", "-q", "-o", "s"],
        vec!["quotas", "gen.toml", "--trials", "1000", "-q", "-o", "q"],
        vec!["validate", "gen.toml"],
        vec![
            "sweep",
            "gen.toml",
            "--vary",
            "quotas.over_assignment=0,0.1",
            "--trials",
            "300",
            "-q",
            "-o",
            "sw",
        ],
        vec!["fit", "gen-history.csv", "-q", "-o", "fit/fitted.toml"],
        vec![
            "backtest",
            "gen-history.csv",
            "--cutoff",
            "2024-12-31",
            "--trials",
            "500",
            "-q",
            "-o",
            "bt",
        ],
        vec![
            "mitigate",
            "gen.toml",
            "--trials",
            "500",
            "--rebalance-seeds",
            "1",
            "-q",
            "-o",
            "m",
        ],
    ];
    for args in cases {
        let (out, err) = run(dir, &args, 0);
        println!("$ quotaplan {}\n{out}{err}", args.join(" "));
        assert_fits(&args.join(" "), &out);
        assert_fits(&format!("{} (stderr)", args.join(" ")), &err);
    }
}

#[test]
fn the_summary_reads_in_plain_words_with_separators_and_currency() {
    let dir = tmp("terminal-words");
    let (out, _) = run(&dir, &["simulate", "--trials", "1000", "-q", "-o", "s"], 0);
    for want in [
        "Team target                   80,000,000 CNY",
        "Bad-year shortfall (1 in 20)",
        "Attainment",
        "P10–P90",
        "Expected",
        "Share of",
        "variance",
        "Expected loss: team sales with the risk switched off",
    ] {
        assert!(out.contains(want), "missing {want:?}:\n{out}");
    }
    for shorthand in [
        "A P10",
        "Exp.imp.",
        "Var.share",
        "CVaR95",
        "VaR95",
        "Attrib.",
    ] {
        assert!(!out.contains(shorthand), "{shorthand} in:\n{out}");
    }
    // The risk register is ordered by expected loss, as risks.csv says.
    let risks = std::fs::read_to_string(dir.join("s/risks.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(risks.as_bytes());
    let heads = rows.headers().unwrap().clone();
    let col = |name: &str| heads.iter().position(|h| h == name).unwrap();
    let (id, loss) = (col("id"), col("attributable_loss"));
    let mut by_loss: Vec<(String, f64)> = rows
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[id].to_string(), r[loss].parse::<f64>().unwrap())
        })
        .collect();
    by_loss.sort_by(|a, b| b.1.total_cmp(&a.1));
    let at = |id: &str| {
        out.lines()
            .position(|l| l.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("no row {id}:\n{out}"))
    };
    for w in by_loss.windows(2) {
        assert!(
            at(&w[0].0) < at(&w[1].0),
            "{} before {}:\n{out}",
            w[0].0,
            w[1].0
        );
    }
    // CSV stays plain: numbers without separators.
    let reps = std::fs::read_to_string(dir.join("s/reps.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(reps.as_bytes());
    let heads = rows.headers().unwrap().clone();
    let quota = heads.iter().position(|h| h == "quota").unwrap();
    for r in rows.records() {
        let r = r.unwrap();
        assert!(
            r[quota].parse::<f64>().is_ok(),
            "plain number: {}",
            &r[quota]
        );
    }
}

#[test]
fn json_prints_what_the_files_hold() {
    let dir = tmp("terminal-json");
    for f in ["demo.toml", "demo-units.csv"] {
        std::fs::copy(repo(&format!("scenarios/{f}")), dir.join(f)).unwrap();
    }
    let parse = |s: &str| -> serde_json::Value {
        serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}):\n{s}"))
    };
    let file = |p: &str| parse(&std::fs::read_to_string(dir.join(p)).unwrap());

    let (out, _) = run(
        &dir,
        &["simulate", "--trials", "800", "--json", "-q", "-o", "s"],
        0,
    );
    assert_eq!(parse(&out), file("s/summary.json"));

    let (out, _) = run(
        &dir,
        &[
            "sweep",
            "--vary",
            "quotas.over_assignment=0,0.1",
            "--trials",
            "300",
            "--json",
            "-q",
            "-o",
            "sw",
        ],
        0,
    );
    assert_eq!(parse(&out), file("sw/sweep.json"));

    let a = quotaplan()
        .current_dir(&dir)
        .args([
            "split",
            "demo.toml",
            "--trials",
            "300",
            "--time-limit",
            "2",
            "--tolerance",
            "0.1",
            "--json",
            "-q",
            "-o",
            "sp",
        ])
        .assert();
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert_eq!(parse(&out), file("sp/split.json"));

    let (out, _) = run(
        &dir,
        &[
            "quotas",
            "demo.toml",
            "--trials",
            "800",
            "--json",
            "-q",
            "-o",
            "q",
        ],
        0,
    );
    let v = parse(&out);
    let csv_text = std::fs::read_to_string(dir.join("q/quotas.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(csv_text.as_bytes());
    let reps = v["reps"].as_array().expect("reps");
    let mut n = 0;
    for (r, j) in rows.records().zip(reps) {
        let r = r.unwrap();
        assert_eq!(j["id"], r[0].to_string());
        assert_eq!(j["name"], r[1].to_string());
        let proposed: f64 = r[4].parse().unwrap();
        assert!((j["proposed_quota"].as_f64().unwrap() - proposed).abs() < 0.01);
        assert_eq!(
            j["p_attain_proposed"].as_f64().unwrap().to_string(),
            r[6].to_string()
        );
        n += 1;
    }
    assert_eq!(n, reps.len());
    assert!(
        v["p_star"].as_f64().is_some() && v["total"].as_f64().is_some(),
        "{v}"
    );

    let (out, _) = run(
        &dir,
        &[
            "mitigate",
            "--trials",
            "800",
            "--rebalance-seeds",
            "1",
            "--json",
            "-q",
            "-o",
            "m",
        ],
        0,
    );
    let v = parse(&out);
    let lines = std::fs::read_to_string(dir.join("m/mitigations.csv"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(v["mitigations"].as_array().unwrap().len(), lines - 1);
    assert!(
        v["mitigations"][0]["delta_p_hit"].is_number(),
        "{}",
        v["mitigations"][0]
    );
    assert!(v["mitigation_sets"].is_array());

    let (out, err) = run(&dir, &["validate", "--json", "demo.toml"], 0);
    let v = parse(&out);
    assert_eq!(v[0]["ok"], true);
    assert_eq!(v[0]["units"], 41);
    assert!(err.is_empty(), "{err}");
    std::fs::write(
        dir.join("bad.toml"),
        "[scenario]\nname = \"x\"\nmonths = 13\n",
    )
    .unwrap();
    let (out, err) = run(&dir, &["validate", "--json", "bad.toml"], 1);
    let v = parse(&out);
    assert_eq!(v[0]["ok"], false);
    assert!(v[0]["errors"].as_u64().unwrap() >= 1, "{v}");
    assert!(v[0]["problems"][0]["message"].is_string(), "{v}");
    assert!(err.is_empty(), "{err}");

    let (out, _) = run(
        &dir,
        &[
            "compare",
            "demo.toml",
            "demo.toml",
            "--trials",
            "500",
            "--json",
        ],
        0,
    );
    let v = parse(&out);
    assert_eq!(v["passed"], true);
    assert!(v["deltas"].as_array().is_some_and(|d| !d.is_empty()), "{v}");

    let (out, _) = run(
        &dir,
        &[
            "report", "--charts", "none", "--trials", "500", "--json", "-q", "-o", "r",
        ],
        0,
    );
    assert_eq!(parse(&out)["trials"], 500);
}

#[test]
fn color_is_decided_by_the_flag() {
    let dir = tmp("terminal-colour");
    let go = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = quotaplan();
        c.current_dir(&dir)
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .args([
                "simulate",
                "--trials",
                "500",
                "--no-analytics",
                "-q",
                "-o",
                "s",
            ])
            .args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        stdout(&c.assert().success())
    };
    let plain = go(&[], &[]);
    assert!(!plain.contains('\x1b'), "auto: no colour into a pipe");
    let always = go(&["--color", "always"], &[("NO_COLOR", "1")]);
    assert!(
        always.contains("\x1b[1m"),
        "always colours, even into a pipe"
    );
    let never = go(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]);
    assert!(!never.contains('\x1b'), "never wins over CLICOLOR_FORCE");
    let auto_forced = go(&["--color", "auto"], &[("CLICOLOR_FORCE", "1")]);
    assert!(auto_forced.contains('\x1b'), "auto honours CLICOLOR_FORCE");
    // The flag is global: before the command too.
    let a = quotaplan()
        .current_dir(&dir)
        .args([
            "--color",
            "always",
            "simulate",
            "--trials",
            "500",
            "--no-analytics",
            "-q",
            "-o",
            "s",
        ])
        .assert()
        .success();
    assert!(stdout(&a).contains('\x1b'));
    let strip = |s: &str| {
        let mut o = String::new();
        let mut esc = false;
        for c in s.chars() {
            match (esc, c) {
                (false, '\x1b') => esc = true,
                (true, 'm') => esc = false,
                (true, _) => {}
                (false, c) => o.push(c),
            }
        }
        o
    };
    assert_eq!(strip(&always), plain, "colour only adds escape codes");
    quotaplan()
        .args(["--color", "sometimes", "simulate"])
        .assert()
        .code(2);
}
