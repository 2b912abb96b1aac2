//! `quotaplan mitigate`: candidate mitigations from the scenario's
//! structure and risk register plus the user's `[[mitigations]]`, ranked by
//! what they buy, and the best set under a budget.

use crate::cli::args::MitigateArgs;
use crate::cli::fail::Fail;
use crate::cli::load;
use crate::cli::output::{listed, print};
use quotaplan::report;
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
        rebalance_seeds: a.rebalance_seeds,
    };
    let plan = whatif::mitigate(&doc, &checked.scenario, &request, &opts).map_err(load::what_if)?;
    let out_dir = run.out_dir(&plan.scenario, Some("mitigate"));
    let files = report::render_all(&report::mitigate::mitigate_exporters(), &plan)?;
    output.write(&out_dir, &files)?;
    print(&report::mitigate::table(&plan))?;
    output.status(format!("Wrote {}", listed(&out_dir, &files)));
    Ok(())
}
