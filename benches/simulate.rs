//! Throughput and memory of `simulate` on the reference large scenario
//! (10,000 units, 200 reps, 20 risks), beside the raw rate of drawing
//! log-normal samples on the same threads in the same run.
//!
//!     cargo bench --bench simulate                 # throughput (about a minute)
//!     cargo bench --bench simulate -- --memory     # adds 1,000,000 trials and peak memory
//!
//! Options: `--trials N` (default 50,000), `--threads N` (default all cores),
//! `--repeat N` (default 3; the best run counts, as the least disturbed).

// Benchmarks print their figures.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use quotaplan::engine::{self, SimOptions};
use quotaplan::generate::{GenerateSpec, synthetic};
use quotaplan::scenario::{self, MemoryLoader, Purpose};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal};
use rayon::prelude::*;
use std::time::Instant;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Log-normal draws per second: the same chunking and generator as the
/// engine, each draw summed so none is optimised away.
fn raw_lognormal_rate(units: usize, trials: u64) -> f64 {
    let chunks = trials.div_ceil(engine::CHUNK_SIZE);
    let start = Instant::now();
    let total: f64 = (0..chunks)
        .into_par_iter()
        .map(|c| {
            let mut rng = ChaCha8Rng::seed_from_u64(7);
            rng.set_stream(c);
            let d = LogNormal::new(12.0, 0.25).expect("valid");
            let mut s = 0.0;
            for _ in 0..engine::CHUNK_SIZE.min(trials - c * engine::CHUNK_SIZE) * units as u64 {
                s += d.sample(&mut rng);
            }
            s
        })
        .sum();
    let secs = start.elapsed().as_secs_f64();
    assert!(total > 0.0);
    units as f64 * trials as f64 / secs
}

fn main() {
    let trials: u64 = arg("--trials").map_or(50_000, |s| s.parse().expect("--trials N"));
    let repeat: usize = arg("--repeat").map_or(3, |s| s.parse().expect("--repeat N"));
    let threads: usize = arg("--threads").map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |s| s.parse().expect("--threads N"),
    );
    let memory = std::env::args().any(|a| a == "--memory");
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .expect("thread pool");

    let g = synthetic(&GenerateSpec {
        units: 10_000,
        reps: 200,
        risks: 20,
        seed: 1,
        trials,
        units_file: "bench-units.csv".into(),
        edges_file: None,
    });
    let loaded = scenario::load(
        "bench.toml",
        &g.toml,
        &MemoryLoader(vec![("bench-units.csv".into(), g.units_csv)]),
        Purpose::Simulate,
    );
    let model = loaded
        .scenario
        .expect("the generated scenario is valid")
        .model;
    let units = model.units.len();
    println!(
        "scenario: {} units, {} reps, {} risks; {trials} trials; {threads} threads",
        units,
        model.reps.len(),
        model.risks.len()
    );

    let time = |analytics: bool| {
        let opts = SimOptions {
            analytics,
            ..SimOptions::new(trials, 1)
        };
        let start = Instant::now();
        let sim = quotaplan::simulate(&model, &opts, None).expect("runs");
        let summary = sim.summary(&model, Vec::new());
        let res = &sim.result;
        let secs = start.elapsed().as_secs_f64();
        assert_eq!(res.team.len() as u64, trials);
        assert!(summary.team.p_hit_target >= 0.0);
        units as f64 * trials as f64 / secs
    };
    let (mut best_base, mut best_full, mut best_raw) = (0.0f64, 0.0f64, 0.0f64);
    for _ in 0..repeat {
        best_base = best_base.max(time(false));
        best_full = best_full.max(time(true));
        best_raw = best_raw.max(raw_lognormal_rate(units, trials));
    }
    println!(
        "simulate:            {:>8.1} M unit-trials/s   (with risk analytics)",
        best_full / 1e6
    );
    println!(
        "without analytics:   {:>8.1} M unit-trials/s",
        best_base / 1e6
    );
    println!("raw log-normal draws:{:>8.1} M draws/s", best_raw / 1e6);
    println!(
        "ratio:               {:>8.1} %   (target >= 40 %)",
        100.0 * best_full / best_raw
    );
    println!(
        "analytics cost:      {:>8.1} %   of simulate time (target <= 25 %)",
        100.0 * (best_base / best_full - 1.0)
    );
    println!(
        "target 100 M unit-trials/s: {}",
        if best_full >= 100e6 { "met" } else { "NOT met" }
    );

    if memory {
        let n = 1_000_000;
        let start = Instant::now();
        let sim = quotaplan::simulate(&model, &SimOptions::new(n, 1), None).expect("runs");
        let summary = sim.summary(&model, Vec::new());
        let secs = start.elapsed().as_secs_f64();
        println!(
            "1,000,000 trials: {secs:.1} s, P(team hits target) {:.4}; peak memory {:.0} MB (target < 300 MB)",
            summary.team.p_hit_target,
            peak_rss_mb().unwrap_or(f64::NAN)
        );
    }
}
