//! `quotaplan merge`: the part files of a run split across processes or
//! machines (`simulate --shard`, `sweep --task`, `mitigate --task`) into
//! exactly the outputs of the same command run in one process.

use crate::cli::args::{MergeArgs, OutputArgs};
use crate::cli::fail::Fail;
use crate::cli::files::absolute;
use crate::cli::output::Output;
use crate::cli::paint::Paint;
use crate::cli::parts::{self, Inputs};
use quotaplan::part::Body;
use std::path::PathBuf;
use std::time::Instant;

pub fn run(a: MergeArgs, paint: Paint) -> Result<(), Fail> {
    let started = Instant::now();
    let read = parts::read_all(&a.parts)?;
    let h = read[0].part.header.clone();
    let inputs: Inputs = serde_json::from_value(h.inputs.clone()).map_err(|e| {
        Fail::Unreadable(format!(
            "`{}`: its inputs cannot be read ({e})",
            read[0].path.display()
        ))
    })?;
    let output = a.output.output();
    // The tasks' relative paths are their working folder's: read the
    // scenario from there, write where this command was asked to.
    let here = absolute(std::path::Path::new("."));
    let out = a.output.out.as_ref().map(|o| here.join(o));
    std::env::set_current_dir(&inputs.cwd).map_err(|source| {
        Fail::Unreadable(format!(
            "the tasks ran in `{}`, where their scenario's relative paths start, and it cannot be entered here ({source}): merge where the tasks' folder is at the same path",
            inputs.cwd.display()
        ))
    })?;
    let at_home = |p: PathBuf| if p.is_absolute() { p } else { here.join(p) };
    match h.command.as_str() {
        "simulate" => simulate(&a, read, &inputs, (&output, out, at_home), started, paint),
        "sweep" => sweep(read, &inputs, (&output, out, at_home), a.json),
        "mitigate" => mitigate(&a, read, &inputs, (&output, out, at_home), paint),
        other => Err(Fail::Unreadable(format!(
            "`{}` is a part of `{other}`, which this quotaplan cannot merge",
            read[0].path.display()
        ))),
    }
}

/// Where the merged result goes: the output, `--out` (from where merge
/// was started) and how to make a default folder absolute there.
type Dest<'a, F> = (&'a Output, Option<PathBuf>, F);

fn simulate(
    a: &MergeArgs,
    read: Vec<parts::Read>,
    inputs: &Inputs,
    (output, out, at_home): Dest<'_, impl Fn(PathBuf) -> PathBuf>,
    started: Instant,
    paint: Paint,
) -> Result<(), Fail> {
    use super::simulate;
    let sa = simulate::args(inputs);
    let p = simulate::prepare(&sa, paint)?;
    parts::check_hash(&read, &quotaplan::part::scenario_hash(&p.model))?;
    let out_dir = out.unwrap_or_else(|| at_home(sa.output.out_dir(&p.model.name, None)));
    output.check_result_dir(&out_dir)?;
    let parts: Vec<String> = read.iter().map(|r| r.path.display().to_string()).collect();
    let mut quotas = None;
    let mut states = Vec::with_capacity(read.len());
    for r in read {
        let Body::Simulate { quotas: q, state } = r.part.body else {
            return Err(Fail::Unreadable(format!(
                "`{}` holds no shard of a simulation",
                r.path.display()
            )));
        };
        match &quotas {
            None => quotas = Some(q),
            Some(first) if *first != q => {
                return Err(Fail::Unreadable(format!(
                    "`{}` ran with other quotas than the first part: re-run its task",
                    r.path.display()
                )));
            }
            Some(_) => {}
        }
        states.push(state);
    }
    let quotas = quotas.expect("at least one part");
    let result =
        quotaplan::engine::shard::merge_shards(&p.model, &quotas.quotas, &p.opts, &states)?;
    drop(states);
    let sim = quotaplan::Simulation { quotas, result };
    // run.json describes this process: the merge's time and threads, and
    // the parts it merged.
    let elapsed = started.elapsed().as_secs_f64();
    let mut run = simulate::run_json(&p, sa.scenario.as_deref(), sim.result.trials, elapsed);
    run["threads"] = a
        .run
        .threads
        .unwrap_or_else(rayon::current_num_threads)
        .into();
    run["merged_parts"] = parts.into();
    let how = simulate::Publish {
        json: a.json,
        xlsx: a.xlsx,
        paint,
    };
    simulate::publish(&p, &sim, run, output, &out_dir, how, elapsed)
}

fn sweep(
    read: Vec<parts::Read>,
    inputs: &Inputs,
    (output, out, at_home): Dest<'_, impl Fn(PathBuf) -> PathBuf>,
    json: bool,
) -> Result<(), Fail> {
    let (doc, vary) = super::sweep::read(inputs.scenario.as_deref(), &inputs.set, &inputs.vary)?;
    parts::check_hash(&read, &quotaplan::part::document_hash(&doc))?;
    let mut names = Vec::new();
    let mut runs = Vec::new();
    for r in read {
        let Body::Sweep {
            names: n,
            runs: mut g,
        } = r.part.body
        else {
            return Err(Fail::Unreadable(format!(
                "`{}` holds no grid points of a sweep",
                r.path.display()
            )));
        };
        names.extend(n);
        runs.append(&mut g);
    }
    let sweep = quotaplan::whatif::assemble_sweep(&vary, &names, runs);
    let default = OutputArgs::default().out_dir(&sweep.scenario, Some("sweep"));
    let out_dir = out.unwrap_or_else(|| at_home(default));
    super::sweep::publish(&sweep, output, &out_dir, json)
}

fn mitigate(
    a: &MergeArgs,
    read: Vec<parts::Read>,
    inputs: &Inputs,
    (output, out, at_home): Dest<'_, impl Fn(PathBuf) -> PathBuf>,
    paint: Paint,
) -> Result<(), Fail> {
    let Some(m) = &inputs.mitigate else {
        return Err(Fail::Unreadable(format!(
            "`{}` does not say how mitigate was asked",
            read[0].path.display()
        )));
    };
    let (doc, checked) = crate::cli::load::scenario(
        inputs.scenario.as_deref(),
        &inputs.set,
        quotaplan::scenario::Purpose::Simulate,
        paint,
    )?;
    parts::check_hash(&read, &quotaplan::part::document_hash(&doc))?;
    let mut run = inputs.run_args();
    run.threads = a.run.threads;
    let opts = run.sim(&checked.scenario.run)?;
    let request = super::mitigate::request(m);
    let what_if = |e| crate::cli::load::what_if(e, paint);
    let prepared = quotaplan::whatif::Mitigation::prepare(&doc, &checked.scenario, &request, &opts)
        .map_err(what_if)?;
    let mut evaluated = Vec::new();
    for r in read {
        let Body::Mitigate { evaluated: mut e } = r.part.body else {
            return Err(Fail::Unreadable(format!(
                "`{}` holds no evaluations of mitigate",
                r.path.display()
            )));
        };
        evaluated.append(&mut e);
    }
    if evaluated.len() != prepared.evaluations().len() {
        return Err(Fail::Unreadable(format!(
            "the parts hold {} evaluations, the scenario has {} now: re-run the tasks",
            evaluated.len(),
            prepared.evaluations().len()
        )));
    }
    let plan = prepared.finish(evaluated).map_err(what_if)?;
    let default = OutputArgs::default().out_dir(&plan.scenario, Some("mitigate"));
    let out_dir = out.unwrap_or_else(|| at_home(default));
    let currency = &checked.scenario.model.currency;
    super::mitigate::publish(&plan, output, &out_dir, a.xlsx.then_some(currency), a.json)
}
