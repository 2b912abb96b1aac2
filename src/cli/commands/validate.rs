//! `quotaplan validate`: every problem of every file, exit 1 if any is an
//! error.

use crate::cli::args::ValidateArgs;
use crate::cli::fail::Fail;
use crate::cli::paint::Paint;
use crate::cli::{json, load, render, terminal};
use quotaplan::scenario::{Loaded, Purpose};

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

pub fn run(a: ValidateArgs, paint: Paint) -> Result<(), Fail> {
    let purpose = if a.for_alignment {
        Purpose::Align
    } else {
        Purpose::Simulate
    };
    let mut failed = false;
    let mut unreadable = false;
    let mut verdicts = Vec::new();
    for f in &a.files {
        // An unreadable file is said at once; the others are still checked.
        let doc = match load::document(Some(f), &a.what_if.set) {
            Ok(doc) => doc,
            Err(e) => {
                if a.json {
                    verdicts.push(serde_json::json!({
                        "file": f.display().to_string(),
                        "ok": false,
                        "unreadable": e.to_string(),
                    }));
                } else {
                    terminal::eprintln(&format!("error: {e}"));
                }
                unreadable = true;
                continue;
            }
        };
        let loaded = doc.validate(purpose, &[]);
        if a.json {
            failed |= loaded.model().is_none();
            verdicts.push(verdict(&f.display().to_string(), &loaded));
            continue;
        }
        render::problems_shown(
            &loaded,
            if a.all {
                render::Shown::ALL
            } else {
                render::Shown::DEFAULT
            },
            paint,
        );
        let (e, w) = (loaded.errors().count(), loaded.warnings().count());
        match loaded.model() {
            Some(m) => terminal::eprintln(&format!(
                "{}: ok — {} units, {} reps, {} risks ({w} warning{})",
                f.display(),
                m.units.len(),
                m.reps.len(),
                m.risks.len(),
                plural(w)
            )),
            None => {
                failed = true;
                terminal::eprintln(&format!(
                    "{}: {e} error{}, {w} warning{}",
                    f.display(),
                    plural(e),
                    plural(w)
                ));
            }
        }
    }
    if a.json {
        json::print_json(&serde_json::Value::Array(verdicts))?;
    }
    if unreadable {
        // A file named on the command line that cannot be read: exit 2.
        return Err(Fail::ReportedUnreadable);
    }
    if failed { Err(Fail::Reported) } else { Ok(()) }
}

/// One file's verdict for `validate --json`.
fn verdict(file: &str, loaded: &Loaded) -> serde_json::Value {
    let problems: Vec<serde_json::Value> = loaded
        .problems
        .iter()
        .map(|p| {
            serde_json::json!({
                "severity": p.severity.to_string(),
                "location": p.location(&loaded.sources),
                "message": p.message,
                "help": p.help,
            })
        })
        .collect();
    let m = loaded.model();
    serde_json::json!({
        "file": file,
        "ok": m.is_some(),
        "units": m.map(|m| m.units.len()),
        "reps": m.map(|m| m.reps.len()),
        "risks": m.map(|m| m.risks.len()),
        "errors": loaded.errors().count(),
        "warnings": loaded.warnings().count(),
        "problems": problems,
    })
}
