//! Quotas from a CSV file (`rep,quota`, as the report's planner exports
//! them) for `quotaplan quotas --from`: one quota per rep of the scenario,
//! read like every other CSV input (BOM, CRLF, semicolons or tabs), every
//! problem reported with its line and column in one pass.

use crate::source::diag::{FileId, Problem, ProblemKind, Problems, Sources, did_you_mean};
use crate::source::table::Table;
use crate::source::text;
use crate::source::text::note_encoding;
use std::collections::HashMap;

const COLUMNS: [&str; 2] = ["rep", "quota"];

/// What reading a quotas CSV gave: the quotas in the order of `reps` when
/// there was no error, and every problem.
pub struct QuotasRead {
    pub quotas: Option<Vec<f64>>,
    pub problems: Vec<Problem>,
    pub sources: Sources,
}

/// Reads `bytes` (the file `name`) as one quota for each of `reps` (ids).
pub fn read_quotas(name: &str, bytes: &[u8], reps: &[&str]) -> QuotasRead {
    let mut sources = Sources::default();
    let mut problems = Problems::default();
    let quotas = match text::decode(bytes) {
        Ok(d) => {
            let file = sources.add(name, d.text.clone());
            note_encoding(file, &d, "quotas CSV", &mut problems);
            rows(&sources.files[file].text, file, reps, &mut problems)
        }
        Err(e) => {
            problems.push(Problem::error(
                ProblemKind::File,
                format!("cannot read quotas CSV `{name}`: {e}"),
                None,
            ));
            None
        }
    };
    QuotasRead {
        quotas: quotas.filter(|_| !problems.has_errors()),
        problems: problems.sorted(),
        sources,
    }
}

fn rows(text: &str, file: FileId, reps: &[&str], problems: &mut Problems) -> Option<Vec<f64>> {
    let t = Table::new(text, file, problems, "quotas CSV");
    let (mut rdr, headers) = t.open(problems, "quotas CSV")?;
    let names: Vec<&str> = headers.iter().collect();
    let col = t.required(
        problems,
        &names,
        COLUMNS,
        |h, want| h.eq_ignore_ascii_case(want),
        "quotas CSV",
        "a quotas CSV has the columns rep,quota (as the report's \"Export quotas\" writes it)",
    )?;
    let index: HashMap<&str, usize> = reps.iter().enumerate().map(|(i, r)| (*r, i)).collect();
    let mut quotas: Vec<Option<f64>> = vec![None; reps.len()];
    let mut seen: Vec<bool> = vec![false; reps.len()];
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let at = e.position().map_or(0, |p| p.byte() as usize);
                problems.error(
                    ProblemKind::Syntax,
                    &t.span(at..at),
                    format!("the quotas CSV cannot be read here: {e}"),
                );
                break;
            }
        }
        if record.iter().all(str::is_empty) {
            continue;
        }
        let position = record.position().map_or(0, |p| p.byte() as usize);
        let spans = t.field_spans(position);
        let span = |i: usize| t.span(spans.get(i).cloned().unwrap_or(position..position));
        let rep = record.get(col[0]).unwrap_or("");
        let cell = record.get(col[1]).unwrap_or("");
        let r = if rep.is_empty() {
            problems.error(ProblemKind::Missing, &span(col[0]), "the rep is empty");
            None
        } else if let Some(&r) = index.get(rep) {
            if seen[r] {
                problems
                    .error(
                        ProblemKind::Duplicate,
                        &span(col[0]),
                        format!("rep `{rep}` is given twice"),
                    )
                    .help("give each rep one quota");
                None
            } else {
                seen[r] = true;
                Some(r)
            }
        } else {
            let mut help = format!("the scenario's reps are {}", list(reps));
            if let Some(s) = did_you_mean(rep, reps) {
                help = format!("did you mean `{s}`? {help}");
            }
            problems
                .error(
                    ProblemKind::UnknownName,
                    &span(col[0]),
                    format!("no rep `{rep}` in the scenario"),
                )
                .help(help);
            None
        };
        let q = match cell.parse::<f64>() {
            Err(_) if cell.is_empty() => {
                problems
                    .error(ProblemKind::Missing, &span(col[1]), "the quota is empty")
                    .help("a number of currency units, e.g. 5000000");
                None
            }
            Err(_) => {
                problems
                    .error(
                        ProblemKind::WrongType,
                        &span(col[1]),
                        format!("`{cell}` is not a number"),
                    )
                    .help("a plain number of currency units with a decimal point, e.g. 5000000 or 5e6 (no thousands separators or currency)");
                None
            }
            Ok(v) if !v.is_finite() || v < 0.0 => {
                problems
                    .error(
                        ProblemKind::OutOfRange,
                        &span(col[1]),
                        format!("the quota {cell} is not allowed"),
                    )
                    .help("a quota is a finite number ≥ 0");
                None
            }
            Ok(v) => Some(v),
        };
        if let (Some(r), Some(q)) = (r, q) {
            quotas[r] = Some(q);
        }
    }
    let absent: Vec<&str> = reps
        .iter()
        .zip(&seen)
        .filter(|(_, s)| !**s)
        .map(|(r, _)| *r)
        .collect();
    if !absent.is_empty() {
        problems
            .error(
                ProblemKind::Missing,
                &t.span(0..t.field_spans(0).last().map_or(0, |r| r.end)),
                format!(
                    "the quotas CSV has no row for {} of the scenario's reps: {}",
                    absent.len(),
                    list(&absent)
                ),
            )
            .help("give every rep of the scenario a quota (the report's \"Export quotas\" lists them all)");
    }
    quotas.into_iter().collect()
}

/// Up to ten names, then how many more.
fn list(names: &[&str]) -> String {
    let mut s = names
        .iter()
        .take(10)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > 10 {
        s.push_str(&format!(" and {} more", names.len() - 10));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPS: [&str; 3] = ["R01", "R02", "王芳"];

    fn errors(csv: &str) -> Vec<String> {
        let got = read_quotas("q.csv", csv.as_bytes(), &REPS);
        assert!(got.quotas.is_none(), "{csv:?} is refused");
        got.problems.iter().map(|p| p.message.clone()).collect()
    }

    #[test]
    fn reads_quotas_in_scenario_order_with_bom_crlf_and_semicolons() {
        for text in [
            "rep,quota\nR02,6200000\nR01,5000000\n王芳,4e6\n",
            "\u{feff}rep;quota\r\nR01;5000000\r\n王芳;4000000\r\nR02;6200000\r\n",
            "Rep\tQuota\nR01\t5000000\nR02\t6200000\n\n王芳\t4000000",
        ] {
            let got = read_quotas("q.csv", text.as_bytes(), &REPS);
            assert_eq!(
                got.quotas,
                Some(vec![5_000_000.0, 6_200_000.0, 4_000_000.0]),
                "{text:?}: {:?}",
                got.problems.iter().map(|p| &p.message).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn every_problem_in_one_pass() {
        let e = errors("rep,quota\nR1,5000000\nR02,abc\nR02,-5\n");
        assert!(
            e.iter().any(|m| m == "no rep `R1` in the scenario"),
            "{e:?}"
        );
        assert!(e.iter().any(|m| m == "`abc` is not a number"), "{e:?}");
        assert!(e.iter().any(|m| m == "rep `R02` is given twice"), "{e:?}");
        assert!(
            e.iter()
                .any(|m| m.contains("no row for 2 of the scenario's reps: R01, 王芳")),
            "{e:?}"
        );
        let e = errors("rep,quota\nR01,-5\nR02,inf\n王芳,\n");
        assert!(
            e.iter().any(|m| m == "the quota -5 is not allowed"),
            "{e:?}"
        );
        assert!(
            e.iter().any(|m| m == "the quota inf is not allowed"),
            "{e:?}"
        );
        assert!(e.iter().any(|m| m == "the quota is empty"), "{e:?}");
        let e = errors("id,amount\nR01,5\n");
        assert!(
            e.iter().any(|m| m == "the quotas CSV has no `rep` column"),
            "{e:?}"
        );
    }
}
