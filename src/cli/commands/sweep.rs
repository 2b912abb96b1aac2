//! `quotaplan sweep`: the grid of what-ifs over one or more keys, every
//! combination simulated with the same random numbers.

use crate::cli::args::SweepArgs;
use crate::cli::fail::Fail;
use crate::cli::load;
use crate::cli::output::{ResultSet, listed, print};
use quotaplan::report;
use quotaplan::whatif::{self, Vary};

pub fn run(a: SweepArgs) -> Result<(), Fail> {
    let run = a.run.paired("sweep")?;
    let vary: Vec<Vary> = a
        .vary
        .iter()
        .map(|v| Vary::parse(v))
        .collect::<Result<_, _>>()?;
    if vary.is_empty() {
        return Err(Fail::Usage(
            "give at least one --vary key.path=v1,v2,...".into(),
        ));
    }
    // Read once; each variant is validated as it is run (a variant may
    // supply what the base lacks).
    let doc = load::document(a.scenario.as_deref(), &a.set)?;
    let output = run.output();
    if let Some(dir) = &run.out {
        output.check_result_dir(dir)?;
    }
    let sweep = whatif::sweep(&doc, &vary, &run.request()).map_err(load::what_if)?;
    print(&report::sweep::lines(&sweep))?;
    let out_dir = run.out_dir(&sweep.scenario, Some("sweep"));
    let files = report::render_all(&report::sweep::sweep_exporters(&sweep), &sweep)?;
    output.write_result(
        &out_dir,
        ResultSet {
            command: "sweep",
            own: &["sweep.csv", "sweep.json", "sweep.svg"],
            files: &files,
        },
    )?;
    print(&format!(
        "{} runs, same seed: differences are not noise\n",
        sweep.runs.len()
    ))?;
    output.status(format!("Wrote {}", listed(&out_dir, &files)));
    Ok(())
}
