//! A comparison for CI: a PR-comment-ready markdown table and JUnit XML
//! (one testcase per gate).

use super::escape::escape;
use crate::compare::{Delta, GateResult};

/// A PR-comment-ready markdown report.
pub fn markdown(title: &str, deltas: &[Delta], results: &[GateResult]) -> String {
    let mut o = format!(
        "### {title}\n\n| metric | base | candidate | change | significant |\n| --- | ---: | ---: | ---: | :---: |\n"
    );
    for d in deltas {
        let sig = match (d.se, d.significant) {
            (None, _) => "n/a".to_string(),
            (Some(_), true) => "**yes**".to_string(),
            (Some(s), false) => format!("no (±{:.4})", 1.96 * s),
        };
        o.push_str(&format!(
            "| `{}` | {:.4} | {:.4} | {:+.4} | {sig} |\n",
            d.metric, d.base, d.candidate, d.delta
        ));
    }
    if !results.is_empty() {
        o.push_str("\n| gate | result | detail |\n| --- | --- | --- |\n");
        for r in results {
            o.push_str(&format!(
                "| {} | {} | {} |\n",
                r.gate,
                if r.passed { "pass" } else { "**FAIL**" },
                r.detail
            ));
        }
    }
    o
}

/// JUnit XML: one testsuite per comparison, one testcase per gate.
pub fn junit(suites: &[(String, Vec<GateResult>)]) -> String {
    let tests: usize = suites.iter().map(|s| s.1.len()).sum();
    let failures: usize = suites
        .iter()
        .map(|s| s.1.iter().filter(|r| !r.passed).count())
        .sum();
    let mut o = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"quotaplan\" tests=\"{tests}\" failures=\"{failures}\">\n"
    );
    for (name, results) in suites {
        let f = results.iter().filter(|r| !r.passed).count();
        o.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"0\">\n",
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
                o.push_str(&format!(
                    ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
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
            vec![GateResult {
                gate: "g".into(),
                passed: false,
                detail: "d&".into(),
            }],
        )]);
        assert!(x.contains("<testsuites name=\"quotaplan\" tests=\"1\" failures=\"1\">"));
        assert!(x.contains("<testsuite name=\"s&lt;1&gt;\""));
        assert!(x.contains("<failure message=\"d&amp;\">"));
    }
}
