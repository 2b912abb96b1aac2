//! `quotaplan validate`: every problem of every file, exit 1 if any is an
//! error.

use crate::cli::args::ValidateArgs;
use crate::cli::fail::Fail;
use crate::cli::{load, render, terminal};
use quotaplan::scenario::Purpose;

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

pub fn run(a: ValidateArgs) -> Result<(), Fail> {
    let purpose = if a.for_alignment {
        Purpose::Align
    } else {
        Purpose::Simulate
    };
    let mut failed = false;
    let mut unreadable = false;
    for f in &a.files {
        // An unreadable file is said at once; the others are still checked.
        let doc = match load::document(Some(f), &a.set) {
            Ok(doc) => doc,
            Err(e) => {
                terminal::eprintln(&format!("error: {e}"));
                unreadable = true;
                continue;
            }
        };
        let loaded = doc.validate(purpose, &[]);
        render::problems_shown(
            &loaded,
            if a.all {
                render::Shown::ALL
            } else {
                render::Shown::DEFAULT
            },
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
    if unreadable {
        // A file named on the command line that cannot be read: exit 2.
        return Err(Fail::ReportedUnreadable);
    }
    if failed { Err(Fail::Reported) } else { Ok(()) }
}
