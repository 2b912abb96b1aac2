//! `quotaplan mitigate`: candidate mitigations from the scenario's
//! structure and risk register plus the user's `[[mitigations]]`, ranked by
//! what they buy, and the best combination under a budget.

use crate::cli::args::MitigateArgs;
use crate::cli::fail::Fail;
use crate::cli::load;
use crate::cli::output::print;
use quotaplan::report::{self, Exporter, OutputFile};
use quotaplan::scenario::Purpose;
use quotaplan::whatif::{self, MitigateRequest};

pub fn run(a: MitigateArgs) -> Result<(), Fail> {
    let run = a.run.paired("mitigate")?;
    let (doc, checked) = load::scenario(a.scenario.as_deref(), &a.set, Purpose::Simulate)?;
    let opts = run.sim(&checked.scenario.run)?;
    let output = run.output();
    let request = MitigateRequest {
        goal: a.goal,
        budget: a.budget,
        bench_cost: a.bench_cost,
        programme_cost: a.programme_cost,
    };
    let plan = whatif::mitigate(&doc, &checked.scenario, &request, &opts).map_err(load::what_if)?;
    let out_dir = run.out_dir(&plan.scenario, Some("mitigate"));
    let csv = report::mitigate::MitigationsCsv;
    output.write(
        &out_dir,
        &[OutputFile {
            name: csv.file_name(),
            bytes: csv.export(&plan)?,
        }],
    )?;
    print(&report::mitigate::table(&plan))?;
    output.status(format!("Wrote {}", out_dir.join(csv.file_name()).display()));
    Ok(())
}
