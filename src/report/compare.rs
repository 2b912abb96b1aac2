//! A comparison for CI: a PR-comment-ready markdown table and JUnit XML
//! (one testcase per gate).

use super::escape::escape;
use super::format::{Align, TERMINAL_WIDTH, Table, money, wrap, wrap_indented};
use crate::compare::{Comparison, GateResult, Noise, Outcome, Suite, fmt_p};

/// A standard error with three significant digits (plain, no exponent).
fn fmt_se(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let digits = (2 - x.abs().log10().floor() as i32).clamp(0, 9) as usize;
    format!("{x:.digits$}")
}

/// A PR-comment-ready markdown report: the deltas with their standard
/// errors and significance, how many metrics were tested and how, and the
/// gates.
pub fn markdown(title: &str, c: &Comparison) -> String {
    let adjusted = match c.adjust {
        crate::compare::Adjust::None => String::new(),
        a => format!(" ({})", a.name()),
    };
    let mut o = format!(
        "### {title}\n\n| metric | base | candidate | change | SE | significant{adjusted} |\n| --- | ---: | ---: | ---: | ---: | :---: |\n"
    );
    for d in &c.deltas {
        let (se, sig) = match &d.noise {
            Noise::Untested(why) => ("—".to_string(), why.label().to_string()),
            Noise::Tested {
                se,
                paired,
                p_adjusted,
                ..
            } => (
                format!("{}{}", fmt_se(*se), if *paired { " paired" } else { "" }),
                if d.significant {
                    format!("**yes** (p {})", fmt_p(*p_adjusted))
                } else {
                    format!("no (p {})", fmt_p(*p_adjusted))
                },
            ),
        };
        o.push_str(&format!(
            "| `{}` | {:.4} | {:.4} | {:+.4} | {se} | {sig} |\n",
            d.metric, d.base, d.candidate, d.delta
        ));
    }
    o.push_str(&format!("\n{}\n", c.method()));
    for n in &c.notes {
        o.push_str(&format!("{n}\n"));
    }
    o.push_str(&gate_table(&c.gates));
    o
}

/// How a metric's values read on the terminal.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    /// A probability, attainment or share: percent, changes in points.
    Share,
    /// Money: thousands separators, in thousands or millions for big ones.
    Money,
    /// A count or anything else: two decimals.
    Number,
}

fn kind(metric: &str) -> Kind {
    let parts: Vec<&str> = metric.split('.').collect();
    let has = |w: &str| parts.iter().any(|p| p.contains(w));
    if has("p_hit")
        || has("p_attain")
        || has("attainment")
        || has("cost_of_sales")
        || has("over_assignment")
        || has("share")
        || has("coverage")
    {
        Kind::Share
    } else if has("reps_at_quota") {
        Kind::Number
    } else if has("sales") || has("shortfall") || has("payout") || has("quota") || has("target") {
        Kind::Money
    } else {
        Kind::Number
    }
}

/// A value of `kind` in a row whose largest value is `scale`.
fn value(x: f64, kind: Kind, scale: f64, signed: bool) -> String {
    let sign = if signed && x > 0.0 { "+" } else { "" };
    match kind {
        Kind::Share if signed => format!("{sign}{:.1} pts", 100.0 * x),
        Kind::Share => format!("{:.1}%", 100.0 * x),
        Kind::Money if scale >= 1e9 => format!("{sign}{} M", money(x / 1e6)),
        Kind::Money if scale >= 1e5 => format!("{sign}{} k", money(x / 1e3)),
        Kind::Money => format!("{sign}{}", money(x)),
        Kind::Number => format!("{sign}{x:.2}"),
    }
}

/// The comparison for a terminal, in 80 columns: base, candidate and change
/// in the metric's own units (percent and points, money with separators),
/// and whether the change is beyond noise; then how noise was judged and
/// the gates. The standard errors are in `--markdown` and `--json`.
pub fn terminal(title: &str, c: &Comparison) -> String {
    let adjusted = match c.adjust {
        crate::compare::Adjust::None => String::new(),
        a => format!("\n({})", a.name()),
    };
    let mut t = Table::new(&[
        ("Metric", Align::Left),
        ("Base", Align::Right),
        ("Candidate", Align::Right),
        ("Change", Align::Right),
        (&format!("Beyond noise?{adjusted}"), Align::Left),
    ]);
    for d in &c.deltas {
        let k = kind(&d.metric);
        let scale = d.base.abs().max(d.candidate.abs());
        let noise = match &d.noise {
            Noise::Untested(why) => why.label().to_string(),
            Noise::Tested { p_adjusted, .. } => format!(
                "{} (p {})",
                if d.significant { "YES" } else { "no" },
                fmt_p(*p_adjusted)
            ),
        };
        t.row(vec![
            d.metric.clone(),
            value(d.base, k, scale, false),
            value(d.candidate, k, scale, false),
            value(d.delta, k, scale, true),
            noise,
        ]);
    }
    let mut o = format!("{}\n{}\n", wrap(title, TERMINAL_WIDTH), t.render());
    o.push_str(&wrap(&c.method(), TERMINAL_WIDTH));
    for n in &c.notes {
        o.push_str(&wrap(n, TERMINAL_WIDTH));
    }
    o.push_str(&gate_lines(&c.gates));
    o
}

/// A case that was not compared (no baseline, an error), for a terminal.
pub fn terminal_cases(title: &str, results: &[GateResult]) -> String {
    format!("{}{}", wrap(title, TERMINAL_WIDTH), gate_lines(results))
}

/// The gates for a terminal: one line each, its detail wrapped under it.
fn gate_lines(results: &[GateResult]) -> String {
    let mut o = String::new();
    if results.is_empty() {
        return o;
    }
    o.push_str("\nGates\n");
    for r in results {
        let verdict = match (r.passed, r.error) {
            (true, _) => "pass ",
            (false, false) => "FAIL ",
            (false, true) => "ERROR",
        };
        o.push_str(&wrap_indented(
            &r.gate,
            TERMINAL_WIDTH,
            &format!("  {verdict} "),
            "        ",
        ));
        o.push_str(&wrap_indented(
            &r.detail,
            TERMINAL_WIDTH,
            "        ",
            "        ",
        ));
    }
    o
}

/// What `compare --json` prints for one comparison (and `check --json`
/// for each scenario): the deltas, the gates, how noise was judged.
pub fn json(title: &str, c: &Comparison) -> serde_json::Value {
    serde_json::json!({
        "name": title,
        "passed": c.passed(),
        "method": c.method(),
        "adjust": c.adjust.name(),
        "paired": c.paired,
        "notes": c.notes,
        "deltas": c.deltas,
        "gates": c.gates,
    })
}

/// A section for a case that was not compared (no baseline, an error):
/// its title and its testcases.
pub fn markdown_cases(title: &str, results: &[GateResult]) -> String {
    format!("### {title}\n{}", gate_table(results))
}

/// The gates as a markdown table (empty without gates).
pub fn gate_table(results: &[GateResult]) -> String {
    let mut o = String::new();
    if !results.is_empty() {
        o.push_str("\n| gate | result | detail |\n| --- | --- | --- |\n");
        for r in results {
            o.push_str(&format!(
                "| {} | {} | {} |\n",
                r.gate,
                match (r.passed, r.error) {
                    (true, _) => "pass",
                    (false, false) => "**FAIL**",
                    (false, true) => "**ERROR**",
                },
                r.detail.replace('|', "\\|")
            ));
        }
    }
    o
}

/// JUnit XML: one testsuite per comparison, one testcase per gate.
pub fn junit(suites: &[(String, Vec<GateResult>)]) -> String {
    let tests: usize = suites.iter().map(|s| s.1.len()).sum();
    let count = |error: bool| -> usize {
        suites
            .iter()
            .map(|s| s.1.iter().filter(|r| !r.passed && r.error == error).count())
            .sum()
    };
    let (failures, errors) = (count(false), count(true));
    let errors_attr = if errors > 0 {
        format!(" errors=\"{errors}\"")
    } else {
        String::new()
    };
    let mut o = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"quotaplan\" tests=\"{tests}\" failures=\"{failures}\"{errors_attr}>\n"
    );
    for (name, results) in suites {
        let f = results.iter().filter(|r| !r.passed && !r.error).count();
        let e = results.iter().filter(|r| !r.passed && r.error).count();
        o.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"{e}\">\n",
            escape(name),
            results.len()
        ));
        for r in results {
            o.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\"",
                escape(name),
                escape(&r.gate)
            ));
            if r.passed {
                o.push_str("/>\n");
            } else {
                let tag = if r.error { "error" } else { "failure" };
                o.push_str(&format!(
                    ">\n      <{tag} message=\"{}\">{}</{tag}>\n    </testcase>\n",
                    escape(&r.detail),
                    escape(&r.detail)
                ));
            }
        }
        o.push_str("  </testsuite>\n");
    }
    o.push_str("</testsuites>\n");
    o
}

/// A check suite for a terminal: each scenario's comparison (or the one
/// gate of a scenario not compared), in the order they ran.
pub fn suite_terminal(suite: &Suite) -> String {
    let mut o = String::new();
    for case in &suite.cases {
        match &case.outcome {
            Outcome::Compared(c) => o.push_str(&terminal(&case.name, c)),
            _ => o.push_str(&terminal_cases(&case.name, case.gates())),
        }
        o.push('\n');
    }
    o
}

/// A check suite as a PR-comment-ready markdown report.
pub fn suite_markdown(suite: &Suite) -> String {
    let mut o = String::new();
    for case in &suite.cases {
        match &case.outcome {
            Outcome::Compared(c) => o.push_str(&markdown(&case.name, c)),
            _ => o.push_str(&markdown_cases(&case.name, case.gates())),
        }
        o.push('\n');
    }
    o
}

/// What `check --json` prints: whether the suite passed and each scenario
/// by name, compared ones with their deltas ([`json`]), the others with
/// their one gate result.
pub fn suite_json(suite: &Suite) -> serde_json::Value {
    let mut cases: Vec<serde_json::Value> = suite
        .cases
        .iter()
        .map(|case| match &case.outcome {
            Outcome::Compared(c) => json(&case.name, c),
            _ => serde_json::json!({
                "name": case.name,
                "passed": case.passed(),
                "gates": case.gates(),
            }),
        })
        .collect();
    cases.sort_by(|x, y| x["name"].as_str().cmp(&y["name"].as_str()));
    serde_json::json!({
        "passed": suite.passed(),
        "scenarios": cases,
    })
}

/// The JUnit suites of a check suite: one per scenario.
pub fn suite_junit(suite: &Suite) -> String {
    let suites: Vec<(String, Vec<GateResult>)> = suite
        .cases
        .iter()
        .map(|c| (c.name.clone(), c.gates().to_vec()))
        .collect();
    junit(&suites)
}

#[cfg(test)]
mod terminal_tests {
    use super::*;

    #[test]
    fn values_read_in_their_units() {
        assert_eq!(kind("team.p_hit_target"), Kind::Share);
        assert_eq!(kind("groups.region.华东.p_hit"), Kind::Share);
        assert_eq!(kind("team.sales.mean"), Kind::Money);
        assert_eq!(kind("team.reps_at_quota.mean"), Kind::Number);
        assert_eq!(value(0.5812, Kind::Share, 0.6, false), "58.1%");
        assert_eq!(value(-0.0275, Kind::Share, 0.6, true), "-2.8 pts");
        assert_eq!(value(81_778_014.4, Kind::Money, 8.2e7, false), "81,778 k");
        assert_eq!(value(442_280.1, Kind::Money, 8.2e7, true), "+442 k");
        assert_eq!(value(2.5e9, Kind::Money, 2.5e9, false), "2,500 M");
        assert_eq!(value(4.458, Kind::Number, 4.5, false), "4.46");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junit_shape() {
        let x = junit(&[(
            "s<1>".into(),
            vec![
                GateResult::failed("g", "d&".into()),
                GateResult::errored("simulate", "broken".into()),
            ],
        )]);
        assert!(
            x.contains("<testsuites name=\"quotaplan\" tests=\"2\" failures=\"1\" errors=\"1\">")
        );
        assert!(
            x.contains("<testsuite name=\"s&lt;1&gt;\" tests=\"2\" failures=\"1\" errors=\"1\">")
        );
        assert!(x.contains("<failure message=\"d&amp;\">"));
        assert!(x.contains("<error message=\"broken\">broken</error>"));
    }
}
