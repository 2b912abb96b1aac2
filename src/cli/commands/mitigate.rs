//! `quotaplan mitigate`: candidate mitigations from the scenario's
//! structure and risk register plus the user's `[[mitigations]]`, ranked by
//! what they buy, and the best set under a budget.

use crate::cli::args::MitigateArgs;
use crate::cli::fail::Fail;
use crate::cli::load;
use crate::cli::output::{Output, listed, print};
use crate::cli::paint::Paint;
use crate::cli::parts::{self, Inputs, MitigateInputs};
use quotaplan::report;
use quotaplan::scenario::Purpose;
use quotaplan::whatif::{self, MitigateRequest, Mitigation, MitigationPlan};
use std::collections::BTreeMap;
use std::path::Path;

/// The request as the command line gave it.
pub fn request(m: &MitigateInputs) -> MitigateRequest {
    MitigateRequest {
        goal: m.goal,
        budget: m.budget,
        bench_cost: m.bench_cost,
        programme_cost: m.programme_cost,
        rebalance_seeds: m.rebalance_seeds,
    }
}

pub fn run(a: MitigateArgs, paint: Paint) -> Result<(), Fail> {
    let (doc, checked) = load::scenario(
        a.scenario.as_deref(),
        &a.what_if.set,
        Purpose::Simulate,
        paint,
    )?;
    let opts = a.run.sim(&checked.scenario.run)?;
    let output = a.output.output();
    let what_if = |e| load::what_if(e, paint);
    let asked = MitigateInputs {
        goal: a.goal,
        budget: a.budget,
        bench_cost: a.bench_cost,
        programme_cost: a.programme_cost,
        rebalance_seeds: a.rebalance_seeds,
    };
    let request = request(&asked);
    if let Some(share) = a.task {
        let started = std::time::Instant::now();
        let m = Mitigation::prepare(&doc, &checked.scenario, &request, &opts).map_err(what_if)?;
        let all = m.evaluations();
        let total = all.len() as u64;
        parts::check_share(share, total, "evaluations of candidates", "")?;
        let range = quotaplan::engine::shard::block(total, share.task, share.of);
        let evaluated = all[range.start as usize..range.end as usize]
            .iter()
            .map(|&e| m.evaluate(e))
            .collect::<Result<Vec<_>, _>>()
            .map_err(what_if)?;
        let inputs = Inputs {
            mitigate: Some(asked),
            ..Inputs::new(a.scenario.as_deref(), &a.what_if.set, &a.run)
        };
        let model = &checked.scenario.model;
        let dir = parts::dir(a.output.out.as_deref(), &model.name);
        let elapsed = started.elapsed().as_secs_f64();
        let ids: Vec<&str> = m.candidates().iter().map(|c| c.id.as_str()).collect();
        let path = parts::write(
            &output,
            &dir,
            share,
            parts::Run {
                command: "mitigate",
                scenario: &model.name,
                scenario_hash: quotaplan::part::document_hash(&doc),
                seed: opts.seed,
                trials: opts.trials,
                unit: "evaluations",
                total,
                options: BTreeMap::from([
                    ("sampler".to_string(), opts.sampler.name().to_string()),
                    ("exact deals".to_string(), opts.exact_deals.to_string()),
                    ("candidates".to_string(), ids.join(",")),
                ]),
                inputs: &inputs,
            },
            range.clone(),
            quotaplan::part::Body::Mitigate { evaluated },
        )?;
        output.status(format!(
            "Wrote {} (task {share}: evaluations {}..{} of {total}) in {elapsed:.2} s",
            path.display(),
            range.start,
            range.end
        ));
        return Ok(());
    }
    let plan = whatif::mitigate(&doc, &checked.scenario, &request, &opts).map_err(what_if)?;
    let out_dir = a.output.out_dir(&plan.scenario, Some("mitigate"));
    let currency = &checked.scenario.model.currency;
    publish(&plan, &output, &out_dir, a.xlsx.then_some(currency), a.json)
}

/// Writes the ranking's files and prints its table: one path for
/// `mitigate` and for `merge` of its tasks; with `xlsx` (the scenario's
/// currency) also `results.xlsx`.
pub fn publish(
    plan: &MitigationPlan,
    output: &Output,
    out_dir: &Path,
    xlsx: Option<&String>,
    json: bool,
) -> Result<(), Fail> {
    let mut files = report::render_all(&report::mitigate::mitigate_exporters(), plan)?;
    if let Some(currency) = xlsx {
        files.push(report::OutputFile {
            name: report::workbook::FILE_NAME.into(),
            bytes: report::workbook::mitigate_workbook(plan, currency)?,
        });
    }
    output.write(out_dir, &files)?;
    if json {
        crate::cli::json::print_json(&crate::cli::json::files(&files))?;
    } else {
        print(&report::mitigate::table(plan))?;
    }
    output.status(format!("Wrote {}", listed(out_dir, &files)));
    Ok(())
}
