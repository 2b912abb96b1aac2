//! A comparison for CI: a PR-comment-ready markdown table and JUnit XML
//! (one testcase per gate).

use super::escape::escape;
use crate::compare::{Comparison, GateResult, Noise, fmt_p};

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
