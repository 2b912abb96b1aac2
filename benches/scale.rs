//! Scale: loading and validating a national distributor's territory (a
//! units CSV of 1,000,000 rows with 5,000 reps, 20 risks and a Delaunay
//! edge list of about 3,000,000 pairs), and a run with 100,000 reps.
//! Targets (2 cores): load + validate in at most 5 s and 2 GB resident;
//! the 100,000-rep run with a summary.json whose size does not grow with
//! the reps (the CSV files hold every rep).
//!
//! Benchmarks (divan, one process; each generates its scenario in memory
//! first, not timed):
//!
//! - `load_validate_1m_units`: the scenario's TOML, units CSV and edges
//!   CSV (about 150 MB of text) read and validated, as `quotaplan
//!   validate` does once the files are read; 3 samples;
//! - `reps_100k`: 200,000 units and 100,000 reps simulated (10,000 trials
//!   by default, with the risk analytics), summarised, and summary.json,
//!   reps.csv and rep_quarters.csv rendered; 1 sample.
//!
//! After divan's table a "figures" block gives what docs/src/performance.md
//! quotes (Scale): the
//! fastest load + validate and its peak resident memory, and the 100,000-rep
//! run's time, peak memory and the sizes of summary.json and the CSVs. The
//! peak is the process's resident high-water mark (VmHWM), reset before
//! each bench, so it includes the generated text the bench reads from
//! (like the file a real run reads), and is the bench's own.
//!
//!     cargo bench --bench scale                       # both (the 100,000-rep run takes 5-10 minutes)
//!     cargo bench --bench scale -- load               # load + validate only
//!     cargo bench --bench scale -- reps_100k          # the 100,000-rep run only
//!     QUOTAPLAN_BENCH_TRIALS=2000 cargo bench --bench scale -- reps_100k
//!
//! The same figures through the command line, timed by `/usr/bin/time -v`
//! (wall time and maximum resident set of the `quotaplan` process):
//! `scripts/scale-figures.sh`.

// Benchmarks print their figures.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use divan::Bencher;
use quotaplan::engine::SimOptions;
use quotaplan::generate::{GenerateSpec, Generated, synthetic};
use quotaplan::report::{Exporter, RepQuartersCsv, RepsCsv, Results, SummaryJson};
use quotaplan::scenario::{Document, MemoryLoader, Purpose};
use std::sync::Mutex;
use std::time::Instant;

fn main() {
    divan::main();
    print_figures();
}

static LOAD: Mutex<Vec<(f64, Option<f64>)>> = Mutex::new(Vec::new());

struct RepsRun {
    trials: u64,
    secs: f64,
    peak_mb: Option<f64>,
    summary_bytes: usize,
    reps_csv_bytes: usize,
    rep_quarters_csv_bytes: usize,
    p_hit_target: f64,
}

static REPS: Mutex<Option<RepsRun>> = Mutex::new(None);

fn generated(units: usize, reps: usize, edges: bool) -> Generated {
    synthetic(&GenerateSpec {
        units,
        reps,
        risks: 20,
        seed: 1,
        trials: 10_000,
        units_file: "big-units.csv".into(),
        edges_file: edges.then(|| "big-edges.csv".to_string()),
    })
}

fn loader(g: &Generated) -> MemoryLoader {
    let mut files = vec![("big-units.csv".to_string(), g.units_csv.clone())];
    if let Some(e) = &g.edges_csv {
        files.push(("big-edges.csv".to_string(), e.clone()));
    }
    MemoryLoader(files)
}

/// The process's peak resident set (Linux), in MB.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Resets the peak resident set to the current one (Linux: writing 5 to
/// clear_refs), so the next reading is the next bench's.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn load_validate_1m_units(bencher: Bencher<'_, '_>) {
    let g = generated(1_000_000, 5_000, true);
    reset_peak();
    bencher.bench(|| {
        let started = Instant::now();
        // The loader hands out copies, as reading the files would.
        let doc = Document::read("big.toml", &g.toml, &loader(&g), &[]);
        let loaded = doc.validate(Purpose::Simulate, &[]);
        let model = loaded.model().expect("the generated scenario is valid");
        assert_eq!(model.units.len(), 1_000_000);
        let secs = started.elapsed().as_secs_f64();
        LOAD.lock().unwrap().push((secs, peak_rss_mb()));
    });
}

#[divan::bench(sample_count = 1, sample_size = 1)]
fn reps_100k(bencher: Bencher<'_, '_>) {
    let trials: u64 = std::env::var("QUOTAPLAN_BENCH_TRIALS")
        .ok()
        .map(|v| v.parse().expect("QUOTAPLAN_BENCH_TRIALS takes a number"))
        .unwrap_or(10_000);
    let g = generated(200_000, 100_000, false);
    let loaded =
        Document::read("big.toml", &g.toml, &loader(&g), &[]).validate(Purpose::Simulate, &[]);
    let model = loaded
        .scenario
        .expect("the generated scenario is valid")
        .model;
    drop(g);
    reset_peak();
    bencher.bench(|| {
        let started = Instant::now();
        let sim = quotaplan::simulate(&model, &SimOptions::new(trials, 1), None).expect("runs");
        let summary = sim.summary(&model, Vec::new());
        let charts = sim.chart_data(&model);
        let r = Results {
            summary: &summary,
            charts: &charts,
        };
        let (summary_bytes, reps_csv_bytes, rep_quarters_csv_bytes) = (
            SummaryJson.export(&r).expect("renders").len(),
            RepsCsv.export(&r).expect("renders").len(),
            RepQuartersCsv.export(&r).expect("renders").len(),
        );
        *REPS.lock().unwrap() = Some(RepsRun {
            trials,
            secs: started.elapsed().as_secs_f64(),
            peak_mb: peak_rss_mb(),
            summary_bytes,
            reps_csv_bytes,
            rep_quarters_csv_bytes,
            p_hit_target: summary.team.p_hit_target,
        });
    });
}

fn print_figures() {
    let load = LOAD.lock().unwrap();
    let reps = REPS.lock().unwrap();
    if load.is_empty() && reps.is_none() {
        return;
    }
    let mb = |x: Option<f64>| x.map_or("n/a".to_string(), |m| format!("{m:.0} MB"));
    println!();
    println!("figures ({} threads)", rayon::current_num_threads());
    if let Some((secs, _)) = load.iter().min_by(|a, b| a.0.total_cmp(&b.0)) {
        let peak = load.iter().filter_map(|l| l.1).max_by(f64::total_cmp);
        println!(
            "load + validate 1,000,000 units, 5,000 reps, 20 risks, edges: {secs:.2} s (fastest of {}), peak resident {} (targets: 5 s, 2 GB)",
            load.len(),
            mb(peak)
        );
    }
    if let Some(r) = reps.as_ref() {
        println!(
            "100,000 reps, 200,000 units, {} trials: {:.1} s (simulate, summarise, render), peak resident {}, P(team hits target) {:.4}",
            r.trials,
            r.secs,
            mb(r.peak_mb),
            r.p_hit_target
        );
        println!(
            "  summary.json {:.1} KB; reps.csv {:.1} MB and rep_quarters.csv {:.1} MB hold every rep",
            r.summary_bytes as f64 / 1e3,
            r.reps_csv_bytes as f64 / 1e6,
            r.rep_quarters_csv_bytes as f64 / 1e6
        );
    }
}
