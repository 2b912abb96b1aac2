//! Writing a scenario back with changes, keeping everything else (comments,
//! order, layout) as the user wrote it: edits are made at the places the
//! raw stage recorded.

use super::diag::Problems;
use super::raw;

/// A number as a TOML literal that reads well: `7_912_345.67`.
pub fn toml_number(x: f64) -> String {
    let cents = (x * 100.0).round() as i64;
    let (neg, cents) = (cents < 0, cents.abs());
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push('_');
        }
        grouped.push(c);
    }
    let frac = cents % 100;
    let sign = if neg { "-" } else { "" };
    if frac == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac:02}")
    }
}

fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}

/// The scenario with these quotas written on its reps and `[quotas] method`
/// set to "given", so it simulates the proposed quotas as they are.
pub fn with_given_quotas(text: &str, quotas: &[(String, f64)]) -> String {
    let mut problems = Problems::default();
    let raw = raw::read(text, 0, &mut problems);
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for rep in &raw.reps {
        let Some(id) = &rep.id else { continue };
        let Some((_, q)) = quotas.iter().find(|(i, _)| *i == id.v) else {
            continue;
        };
        match &rep.quota {
            Some(old) => edits.push((old.span.range.clone(), toml_number(*q))),
            None => {
                let at = line_end(text, id.span.range.end);
                edits.push((at..at, format!("\nquota = {}", toml_number(*q))));
            }
        }
    }
    match &raw.quotas.method {
        Some(m) => edits.push((m.span.range.clone(), "\"given\"".into())),
        None => match text
            .lines()
            .scan(0, |off, l| {
                let start = *off;
                *off += l.len() + 1;
                Some((start, l))
            })
            .find(|(_, l)| l.trim() == "[quotas]")
        {
            Some((start, l)) => {
                let at = start + l.len();
                edits.push((at..at, "\nmethod = \"given\"".into()));
            }
            None => {
                let sep = if text.ends_with('\n') { "" } else { "\n" };
                edits.push((
                    text.len()..text.len(),
                    format!("{sep}\n[quotas]\nmethod = \"given\"\n"),
                ));
            }
        },
    }
    apply(text, edits)
}

/// The scenario with its `[units] file` pointing elsewhere (when the new
/// scenario is written in another folder).
pub fn with_units_file(text: &str, path: &str) -> String {
    let mut problems = Problems::default();
    let raw = raw::read(text, 0, &mut problems);
    match &raw.units_file {
        Some(f) => apply(text, vec![(f.span.range.clone(), format!("{:?}", path))]),
        None => text.to_string(),
    }
}

/// Why a units CSV could not be rewritten.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("the units CSV cannot be read: {0}")]
    Csv(#[from] csv::Error),
    #[error("the units CSV has no `id` column")]
    NoId,
}

/// The units CSV with the `owner` column set from `owner_of` (other
/// columns, unknown ones included, kept as they were; the column is added
/// when missing).
pub fn units_with_owners(
    csv_text: &str,
    owner_of: &dyn Fn(&str) -> Option<String>,
) -> Result<String, EditError> {
    let body = csv_text.strip_prefix('\u{feff}').unwrap_or(csv_text);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(body.as_bytes());
    let mut headers: Vec<String> = rdr.headers()?.iter().map(str::to_string).collect();
    let id_col = headers
        .iter()
        .position(|h| h.trim() == "id")
        .ok_or(EditError::NoId)?;
    let owner_col = match headers.iter().position(|h| h.trim() == "owner") {
        Some(c) => c,
        None => {
            headers.push("owner".into());
            headers.len() - 1
        }
    };
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(&headers)?;
    for rec in rdr.records() {
        let rec = rec?;
        let mut row: Vec<String> = rec.iter().map(str::to_string).collect();
        row.resize(headers.len(), String::new());
        if let Some(o) = owner_of(rec.get(id_col).unwrap_or("").trim()) {
            row[owner_col] = o;
        }
        w.write_record(&row)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| EditError::Csv(e.into_error().into()))?;
    Ok(String::from_utf8(bytes).expect("UTF-8 in, UTF-8 out"))
}

/// Applies edits from the end backwards; insertions at one place keep the
/// order in which they were listed.
fn apply(text: &str, edits: Vec<(std::ops::Range<usize>, String)>) -> String {
    let mut edits: Vec<(usize, (std::ops::Range<usize>, String))> =
        edits.into_iter().enumerate().collect();
    edits.sort_by_key(|(i, e)| std::cmp::Reverse((e.0.start, *i)));
    let mut out = text.to_string();
    for (_, (range, new)) in edits {
        out.replace_range(range, &new);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(toml_number(7_900_000.0), "7_900_000");
        assert_eq!(toml_number(12_345.678), "12_345.68");
        assert_eq!(toml_number(999.0), "999");
        assert_eq!(toml_number(0.5), "0.50");
    }

    #[test]
    fn quotas_replaced_inserted_and_method_set() {
        let text = "# keep me\n[[reps]]\nid = \"A\" # comment\nquota = 5 # old\n\n[[reps]]\nid = \"B\"\nname = \"王芳\"\n\n[quotas]\nmethod = \"equal-probability\"\nover_assignment = 0.1\n";
        let out = with_given_quotas(
            text,
            &[("A".into(), 1_000_000.0), ("B".into(), 2_500_000.5)],
        );
        assert_eq!(
            out,
            "# keep me\n[[reps]]\nid = \"A\" # comment\nquota = 1_000_000 # old\n\n[[reps]]\nid = \"B\"\nquota = 2_500_000.50\nname = \"王芳\"\n\n[quotas]\nmethod = \"given\"\nover_assignment = 0.1\n"
        );
        let bare = with_given_quotas("[[reps]]\nid = \"A\"", &[("A".into(), 3.0)]);
        assert_eq!(
            bare,
            "[[reps]]\nid = \"A\"\nquota = 3\n\n[quotas]\nmethod = \"given\"\n"
        );
        let header = with_given_quotas(
            "[[reps]]\nid = \"A\"\n[quotas]\nover_assignment = 0.2\n",
            &[("A".into(), 3.0)],
        );
        assert_eq!(
            header,
            "[[reps]]\nid = \"A\"\nquota = 3\n[quotas]\nmethod = \"given\"\nover_assignment = 0.2\n"
        );
    }

    #[test]
    fn units_file_repointed() {
        let out = with_units_file("[units]\nfile = \"u.csv\" # here\n", "../data/u.csv");
        assert_eq!(out, "[units]\nfile = \"../data/u.csv\" # here\n");
    }
}
