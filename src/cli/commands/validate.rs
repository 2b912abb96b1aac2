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
    for f in &a.files {
        let loaded = load::document(Some(f), &a.set)?.validate(purpose, &[]);
        render::problems(&loaded);
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
    if failed { Err(Fail::Reported) } else { Ok(()) }
}
