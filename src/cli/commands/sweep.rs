//! `quotaplan sweep`: the grid of what-ifs over one or more keys, every
//! combination simulated with the same random numbers.

use crate::cli::args::{Share, SweepArgs};
use crate::cli::fail::Fail;
use crate::cli::load;
use crate::cli::output::{Output, ResultSet, listed, print};
use crate::cli::paint::Paint;
use crate::cli::parts::{self, Inputs};
use quotaplan::report;
use quotaplan::scenario::Document;
use quotaplan::whatif::{self, Sweep, Vary};
use std::collections::BTreeMap;
use std::path::Path;

/// The scenario document and the parsed `--vary` keys.
pub fn read(
    scenario: Option<&Path>,
    set: &[String],
    vary: &[String],
) -> Result<(Document, Vec<Vary>), Fail> {
    let vary: Vec<Vary> = vary
        .iter()
        .map(|v| Vary::parse(v, crate::cli::flags::FLAGS))
        .collect::<Result<_, _>>()?;
    if vary.is_empty() {
        return Err(Fail::Usage(
            "give at least one --vary key.path=v1,v2,...".into(),
        ));
    }
    // Read once; each variant is validated as it is run (a variant may
    // supply what the base lacks).
    Ok((load::document(scenario, set)?, vary))
}

pub fn run(a: SweepArgs, paint: Paint) -> Result<(), Fail> {
    let (doc, vary) = read(a.scenario.as_deref(), &a.what_if.set, &a.vary)?;
    if let Some(share) = a.task {
        return task(&a, &doc, &vary, share, paint);
    }
    let output = a.output.output();
    if let Some(dir) = &a.output.out {
        output.check_result_dir(dir)?;
    }
    let sweep =
        whatif::sweep(&doc, &vary, &a.run.request()).map_err(|e| load::what_if(e, paint))?;
    let out_dir = a.output.out_dir(&sweep.scenario, Some("sweep"));
    publish(&sweep, &output, &out_dir, a.json)
}

/// Prints the grid and writes its result folder: one path for `sweep` and
/// for `merge` of its tasks.
pub fn publish(sweep: &Sweep, output: &Output, out_dir: &Path, json: bool) -> Result<(), Fail> {
    let files = report::render_all(&report::sweep::sweep_exporters(sweep), sweep)?;
    if json {
        let doc = files
            .iter()
            .find(|f| f.name == "sweep.json")
            .expect("sweep.json is rendered");
        print(&String::from_utf8_lossy(&doc.bytes))?;
    } else {
        print(&report::sweep::lines(sweep))?;
    }
    output.write_result(
        out_dir,
        ResultSet {
            command: "sweep",
            own: &["sweep.csv", "sweep.json", "sweep.svg"],
            files: &files,
        },
    )?;
    if !json {
        print(&format!(
            "{} runs, same seed: differences are not noise\n",
            sweep.runs.len()
        ))?;
    }
    output.status(format!("Wrote {}", listed(out_dir, &files)));
    Ok(())
}

/// `sweep --task I/N`: only the task's grid points, into a part file.
fn task(
    a: &SweepArgs,
    doc: &Document,
    vary: &[Vary],
    share: Share,
    paint: Paint,
) -> Result<(), Fail> {
    let started = std::time::Instant::now();
    let points = whatif::grid(vary).len() as u64;
    parts::check_share(share, points, "grid points", "")?;
    let range = quotaplan::engine::shard::block(points, share.task, share.of);
    let request = a.run.request();
    let (names, runs) = whatif::sweep_points(
        doc,
        vary,
        &request,
        range.start as usize..range.end as usize,
    )
    .map_err(|e| load::what_if(e, paint))?;
    // The run as the unchanged scenario resolves it (each point resolves
    // its own; these are for the header).
    let base = doc.validate(quotaplan::scenario::Purpose::Simulate, &[]);
    let settings = base.scenario.as_ref().map(|s| s.run).unwrap_or_default();
    let opts = quotaplan::engine::SimOptions::resolve(&request, &settings)?;
    let name = base.scenario.as_ref().map_or_else(
        || names.last().cloned().unwrap_or_default(),
        |s| s.model.name.clone(),
    );
    let inputs = Inputs {
        vary: a.vary.clone(),
        ..Inputs::new(a.scenario.as_deref(), &a.what_if.set, &a.run)
    };
    let output = a.output.output();
    let dir = parts::dir(a.output.out.as_deref(), &name);
    let elapsed = started.elapsed().as_secs_f64();
    let path = parts::write(
        &output,
        &dir,
        share,
        parts::Run {
            command: "sweep",
            scenario: &name,
            scenario_hash: quotaplan::part::document_hash(doc),
            seed: opts.seed,
            trials: opts.trials,
            unit: "grid points",
            total: points,
            options: BTreeMap::from([
                ("sampler".to_string(), opts.sampler.name().to_string()),
                ("exact deals".to_string(), opts.exact_deals.to_string()),
            ]),
            inputs: &inputs,
        },
        range.clone(),
        quotaplan::part::Body::Sweep { names, runs },
    )?;
    output.status(format!(
        "Wrote {} (task {share}: grid points {}..{} of {points}) in {elapsed:.2} s",
        path.display(),
        range.start,
        range.end
    ));
    Ok(())
}
