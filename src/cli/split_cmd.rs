//! `quotaplan split`: propose territories, write the plan and a scenario
//! with the new alignment, and compare P(attain) before and after.

use super::args::SplitArgs;
use super::{DEMO_UNITS, Fail, check, files, load};
use quotaplan::alignment::{self, AlignOptions, Balance};
use quotaplan::engine::{self, SimOptions};
use quotaplan::report;
use quotaplan::scenario::{Purpose, edit};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The units CSV with the `owner` column set from the plan (other columns
/// and unknown ones kept as they were).
fn units_with_owners(
    csv_text: &str,
    owner_of: &dyn Fn(&str) -> Option<String>,
) -> Result<String, Fail> {
    let body = csv_text.strip_prefix('\u{feff}').unwrap_or(csv_text);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(body.as_bytes());
    let mut headers: Vec<String> = rdr.headers()?.iter().map(str::to_string).collect();
    let id_col = headers
        .iter()
        .position(|h| h.trim() == "id")
        .ok_or("the units CSV has no id column")?;
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
    Ok(String::from_utf8(
        w.into_inner().map_err(|e| e.to_string())?,
    )?)
}

pub fn split(a: SplitArgs) -> Result<(), Fail> {
    let loaded = load(a.scenario.as_deref(), Purpose::Align, &a.set)?;
    check(&loaded)?;
    let model = loaded.model.as_ref().expect("checked");
    let k = a.territories.unwrap_or(model.reps.len());
    let balance = Balance::parse(&a.balance).map_err(Fail::Message)?;
    let opts = AlignOptions {
        k,
        balance: balance.clone(),
        tolerance: a.tolerance,
        max_disruption: a.max_disruption,
        capacity_targets: a.capacity_targets,
        seed: a.seed.unwrap_or(model.seed),
        threads: a.threads,
        risk_trials: a.trials.unwrap_or(5000),
    };
    let started = Instant::now();
    let al = alignment::align(model, &opts)?;
    let elapsed = started.elapsed().as_secs_f64();
    let r = &al.result;
    let after_model = alignment::apply(model, &r.assignment, k);
    let rep_id = |t: usize| after_model.reps[t].id.clone();

    // assignment.csv and territories.csv.
    let mut asg = csv::Writer::from_writer(Vec::new());
    asg.write_record(["unit", "name", "old_owner", "new_owner", "locked", "moved"])?;
    for (u, unit) in model.units.iter().enumerate() {
        let old = unit
            .owner
            .map(|o| model.reps[o].id.clone())
            .unwrap_or_default();
        let new = rep_id(r.assignment[u]);
        let moved = !old.is_empty() && old != new;
        asg.write_record([
            unit.id.clone(),
            unit.name.clone(),
            old,
            new,
            unit.locked.to_string(),
            moved.to_string(),
        ])?;
    }
    let workload = after_model.workload_by_rep();
    let mut sales = vec![0.0; k];
    let mut accounts = vec![0u64; k];
    for (u, unit) in model.units.iter().enumerate() {
        sales[r.assignment[u]] += unit.potential.mean();
        accounts[r.assignment[u]] += unit.accounts;
    }
    let mut ter = csv::Writer::from_writer(Vec::new());
    ter.write_record([
        "territory",
        "name",
        "units",
        "balance_metric",
        "target",
        "deviation",
        "expected_sales",
        "workload_hours",
        "accounts",
        "cut_edges",
        "gained",
        "lost",
        "home_distance",
        "p_equal_quota",
    ])?;
    for (t, m) in r.per_territory.iter().enumerate() {
        ter.write_record([
            rep_id(t),
            after_model.reps[t].name.clone(),
            m.units.to_string(),
            m.weight.to_string(),
            m.target.to_string(),
            m.deviation.to_string(),
            sales[t].to_string(),
            workload[t].to_string(),
            accounts[t].to_string(),
            m.cut_edges.to_string(),
            m.gained.to_string(),
            m.lost.to_string(),
            m.home_distance.map_or_else(String::new, |d| d.to_string()),
            al.p_equal_quota
                .as_ref()
                .map_or_else(String::new, |p| p[t].to_string()),
        ])?;
    }
    let out_dir = a.out.clone().unwrap_or_else(|| {
        PathBuf::from("output")
            .join(files::slug(&model.name))
            .join("split")
    });
    let plan_json = serde_json::json!({
        "scenario": model.name,
        "territories": k,
        "balance": balance.name(),
        "tolerance": a.tolerance,
        "max_disruption": a.max_disruption,
        "seed": opts.seed,
        "feasible": r.feasible,
        "max_deviation": r.max_deviation,
        "cut_edges": r.cut_edges,
        "disruption": r.disruption,
        "iterations": r.iterations,
        "hit_time_limit": r.hit_time_limit,
        "violations": r.violations.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>(),
        "notes": al.notes,
    });

    // Before/after P(attain) with the scenario's quota method (CRN: same seed).
    let sim = SimOptions {
        threads: a.threads,
        analytics: false,
        ..SimOptions::new(a.trials.unwrap_or(model.trials.min(20_000)), opts.seed)
    };
    let before = if model.units.iter().all(|u| u.owner.is_some()) {
        Some(engine::simulate(model, &sim, None)?)
    } else {
        None
    };
    let after = engine::simulate(&after_model, &sim, None)?;

    // The new scenario beside the original (relative paths keep working).
    let mut written = vec![
        out_dir.join("assignment.csv"),
        out_dir.join("territories.csv"),
        out_dir.join("split.json"),
    ];
    let asg_text = String::from_utf8(asg.into_inner().map_err(|e| e.to_string())?)?;
    let ter_text = String::from_utf8(ter.into_inner().map_err(|e| e.to_string())?)?;
    files::write_all(
        &out_dir,
        &[
            ("assignment.csv", asg_text.as_bytes()),
            ("territories.csv", ter_text.as_bytes()),
            (
                "split.json",
                (serde_json::to_string_pretty(&plan_json)? + "\n").as_bytes(),
            ),
        ],
    )?;
    // Maps before and after (SVG: text is drawn by the viewer, any script).
    if let Some(map) = report::charts::MapData::from_model(&after_model) {
        let fonts = report::charts::FontSet::embedded();
        let after: Vec<Option<usize>> = r.assignment.iter().map(|&t| Some(t)).collect();
        let before: Vec<Option<usize>> = model
            .units
            .iter()
            .map(|u| u.owner.filter(|&o| o < k))
            .collect();
        let mut maps: Vec<(String, String)> = Vec::new();
        if let Some(c) = report::charts::territory_map(
            &map,
            &before,
            None,
            &format!("{}: territories before", model.name),
        ) {
            maps.push((
                "map-before.svg".into(),
                c.svg(&fonts).map_err(|e| e.to_string())?.data,
            ));
        }
        if let Some(c) = report::charts::territory_map(
            &map,
            &after,
            Some(&before),
            &format!(
                "{}: proposed territories (ringed units change owner)",
                model.name
            ),
        ) {
            maps.push((
                "map-after.svg".into(),
                c.svg(&fonts).map_err(|e| e.to_string())?.data,
            ));
        }
        let list: Vec<(&str, &[u8])> = maps
            .iter()
            .map(|(n, d)| (n.as_str(), d.as_bytes()))
            .collect();
        files::write_all(&out_dir, &list)?;
        written.extend(maps.iter().map(|(n, _)| out_dir.join(n)));
    }
    let mut scenario_note = String::new();
    if k == model.reps.len() {
        let source = &loaded.sources.files[0];
        let (dir, stem) = match &a.scenario {
            Some(p) => (
                p.parent().unwrap_or(Path::new("")).to_path_buf(),
                p.file_stem()
                    .map_or("scenario".into(), |s| s.to_string_lossy().into_owned()),
            ),
            None => (out_dir.clone(), "demo".to_string()),
        };
        let units_name = format!("{stem}.split-units.csv");
        let units_src = loaded
            .sources
            .files
            .get(1)
            .map_or(DEMO_UNITS, |f| f.text.as_str());
        let owner_of = |id: &str| {
            model
                .units
                .iter()
                .position(|u| u.id == id)
                .map(|u| rep_id(r.assignment[u]))
        };
        let new_units = units_with_owners(units_src, &owner_of)?;
        let text = edit::with_units_file(&source.text, &units_name);
        let toml_name = format!("{stem}.split.toml");
        let dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir
        };
        files::write_all(
            &dir,
            &[
                (&units_name, new_units.as_bytes()),
                (&toml_name, text.as_bytes()),
            ],
        )?;
        written.push(dir.join(toml_name));
    } else {
        scenario_note = format!(
            "(no new scenario written: {k} territories for {} reps; assignment.csv holds the plan)",
            model.reps.len()
        );
    }

    // Report.
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}: {k} territories balanced on {} within ±{:.2} % — {}",
        model.name,
        balance.name(),
        100.0 * a.tolerance,
        if r.feasible {
            "feasible"
        } else {
            "NOT feasible (best plan shown)"
        }
    );
    let _ = writeln!(
        o,
        "max deviation {:.3} %, cut edges {}, disruption {:.1} % of expected sales, {} iterations in {elapsed:.2} s",
        100.0 * r.max_deviation,
        r.cut_edges,
        100.0 * r.disruption,
        r.iterations
    );
    for n in &al.notes {
        let _ = writeln!(o, "  note: {n}");
    }
    let _ = writeln!(o);
    let nw = after_model
        .reps
        .iter()
        .map(|x| report::width(&x.name))
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = writeln!(
        o,
        "{:<6} {} {:>6} {:>14} {:>8} {:>10} {:>5} {:>9} {:>9}",
        "Terr.",
        report::pad("Name", nw),
        "Units",
        "Exp. sales",
        "Dev.",
        "Workload",
        "Cut",
        "P before",
        "P after"
    );
    for t in 0..k {
        let m = &r.per_territory[t];
        let pb = before
            .as_ref()
            .filter(|_| k == model.reps.len())
            .map_or("—".to_string(), |b| {
                format!("{:.1}%", 100.0 * b.reps[t].hits as f64 / b.trials as f64)
            });
        let pa = 100.0 * after.reps[t].hits as f64 / after.trials as f64;
        let _ = writeln!(
            o,
            "{:<6} {} {:>6} {:>14.0} {:>+7.2}% {:>10.0} {:>5} {:>9} {:>8.1}%",
            rep_id(t),
            report::pad(&after_model.reps[t].name, nw),
            m.units,
            sales[t],
            100.0 * m.deviation,
            workload[t],
            m.cut_edges,
            pb,
            pa
        );
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "P before/after: P(attain) simulated with the scenario's quotas ({} trials, seed {}, same random numbers)",
        sim.trials, sim.seed
    );
    let _ = writeln!(
        o,
        "Wrote {} {scenario_note}",
        written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    print!("{o}");
    if r.feasible {
        Ok(())
    } else {
        Err(Fail::Reported)
    }
}
