//! Throughput and memory of `simulate` on the reference large scenario
//! (10,000 units, 200 reps, 20 risks, generated with seed 1), beside the raw
//! rate of drawing log-normal samples on the same threads in the same run.
//!
//! Benchmarks (divan; each counts units × trials as items, so divan's
//! throughput column is in unit-trials/s, or draws/s for the raw rate):
//!
//! - `simulate_analytics`: the engine and the summary, risk analytics on
//!   (what `quotaplan simulate` does), 50,000 trials, 3 samples;
//! - `simulate_no_analytics`: the same without the risk analytics;
//! - `raw_lognormal_draws`: as many log-normal draws as the simulation has
//!   unit-trials, with the engine's chunking and generator (ChaCha8, one
//!   stream per chunk), each summed so that none is optimised away;
//! - `simulate_deals`: `simulate_analytics` with deal lumpiness on every
//!   unit (12 deals a year, deal size cv 0.8), against a target of at least
//!   half the smooth rate;
//! - `memory_1m_trials`: one run of 1,000,000 trials with analytics, for the
//!   peak resident set (VmHWM).
//!
//! After divan's table a "figures" block gives what docs/src/performance.md
//! quotes in its sections Simulation and Deals,
//! computed from the runs above (the fastest sample of each, as divan's
//! "fastest" column, the least disturbed): M unit-trials/s with and without
//! analytics, the raw draw rate, the ratio simulate / raw (target >= 40 %),
//! the analytics cost (target <= 25 %), whether 100 M unit-trials/s is met,
//! and the 1,000,000-trial run's time, P(team hits target) and peak memory
//! (target < 300 MB).
//!
//!     cargo bench --bench simulate                        # everything
//!     cargo bench --bench simulate -- memory              # only the 1,000,000-trial run and peak memory
//!     cargo bench --bench simulate -- --skip memory       # only the throughput figures
//!     cargo bench --bench simulate -- --skip memory --sample-count 5   # more samples
//!
//! On the project's 2-core machine the throughput benches take 40–50 s and
//! the memory run 1.5 minutes when the machine is quiet, 3 minutes when
//! other jobs share it (`quotaplan simulate --trials 1000000` takes as
//! long). Filters are regular expressions on the bench's path, which
//! starts with the crate name `simulate::`: filter `simulate_`, not
//! `simulate`, to mean the two simulate benches.
//!
//! Peak memory is that of the whole process, so it is only the 1,000,000-trial
//! run's when nothing large ran before it: divan runs `memory_1m_trials`
//! first by default, and the figure is flagged when another bench preceded
//! it (e.g. with `--sortr`). `cargo bench --bench simulate -- memory` runs it
//! alone.
//!
//! Environment: `QUOTAPLAN_BENCH_TRIALS` (trials of the throughput benches,
//! default 50,000) and `QUOTAPLAN_BENCH_THREADS` (the engine's worker threads,
//! default all cores; `RAYON_NUM_THREADS` works too). Divan's own
//! `DIVAN_THREADS` / `--threads` runs several copies of a bench at once, which
//! is not the engine's thread count: leave it unset.

// Benchmarks print their figures.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use divan::Bencher;
use divan::counter::ItemsCount;
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

fn main() {
    divan::main();
    print_figures();
}

/// Trials of the memory run.
const MEMORY_TRIALS: u64 = 1_000_000;

/// What the benches take from the library. Everything that names a
/// `quotaplan` path is in [`setup`].
struct Setup {
    units: usize,
    reps: usize,
    risks: usize,
    /// Trials of the throughput benches.
    trials: u64,
    /// Trials per chunk of the engine; each chunk has its own stream.
    chunk_size: u64,
    /// Runs the engine and the summary for `trials` trials, with or without
    /// the risk analytics; returns P(team hits target).
    simulate: Box<dyn Fn(u64, bool) -> f64 + Send + Sync>,
    /// The same with 12 deals a year (size cv 0.8) on every unit.
    simulate_deals: Box<dyn Fn(u64) -> f64 + Send + Sync>,
}

/// Generates and loads the scenario once (not timed: called outside the
/// benched closures), and sizes the global thread pool.
fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        use quotaplan::engine::{self, SimOptions};
        use quotaplan::generate::{GenerateSpec, synthetic};
        use quotaplan::scenario::{self, MemoryLoader, Purpose};

        if let Some(n) = env_num::<usize>("QUOTAPLAN_BENCH_THREADS") {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build_global()
                .expect("thread pool");
        }
        let trials = env_num("QUOTAPLAN_BENCH_TRIALS").unwrap_or(50_000);
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
        let run = |model: &quotaplan::model::Model, trials: u64, analytics: bool| {
            let opts = SimOptions {
                analytics,
                ..SimOptions::new(trials, 1)
            };
            let sim = quotaplan::simulate(model, &opts, None).expect("runs");
            let summary = sim.summary(model, Vec::new());
            assert_eq!(sim.result.team.len() as u64, trials);
            summary.team.p_hit_target
        };
        let mut lumpy = model.clone();
        for u in &mut lumpy.units {
            u.deals = Some(quotaplan::model::Deals {
                per_year: 12.0,
                size_cv: 0.8,
            });
        }
        Setup {
            units: model.units.len(),
            reps: model.reps.len(),
            risks: model.risks.len(),
            trials,
            chunk_size: engine::CHUNK_SIZE,
            simulate: Box::new(move |trials, analytics| run(&model, trials, analytics)),
            simulate_deals: Box::new(move |trials| run(&lumpy, trials, true)),
        }
    })
}

fn env_num<T: std::str::FromStr>(name: &str) -> Option<T> {
    let v = std::env::var(name).ok()?;
    Some(
        v.parse()
            .unwrap_or_else(|_| panic!("{name} takes a number, found {v:?}")),
    )
}

// ---- what the benched closures measured, for the figures ----

#[derive(Clone, Copy, PartialEq)]
enum Figure {
    Analytics,
    NoAnalytics,
    Raw,
    Deals,
}

/// One timed call of a benched closure (sample size 1: one call per sample,
/// the same interval divan times).
static RUNS: Mutex<Vec<(Figure, Duration)>> = Mutex::new(Vec::new());

struct MemoryRun {
    secs: f64,
    p_hit_target: f64,
    peak_mb: Option<f64>,
    /// No throughput bench ran in this process before it.
    alone: bool,
}

static MEMORY: Mutex<Vec<MemoryRun>> = Mutex::new(Vec::new());

/// Set by the throughput benches: after them the process's peak memory is
/// no longer the memory run's alone.
static THROUGHPUT_RAN: AtomicBool = AtomicBool::new(false);

fn timed<T>(figure: Figure, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    RUNS.lock().unwrap().push((figure, start.elapsed()));
    out
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

// ---- benchmarks ----

fn bench_simulate(bencher: Bencher<'_, '_>, figure: Figure, analytics: bool) {
    let s = setup();
    THROUGHPUT_RAN.store(true, Ordering::Relaxed);
    bencher
        .counter(ItemsCount::new(s.units as u64 * s.trials))
        .bench(|| timed(figure, || (s.simulate)(s.trials, analytics)));
}

/// The engine and the summary with the risk analytics (rank correlations).
#[divan::bench(sample_count = 3, sample_size = 1)]
fn simulate_analytics(bencher: Bencher<'_, '_>) {
    bench_simulate(bencher, Figure::Analytics, true);
}

/// The engine and the summary without the risk analytics.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn simulate_no_analytics(bencher: Bencher<'_, '_>) {
    bench_simulate(bencher, Figure::NoAnalytics, false);
}

/// The engine and the summary with every unit's sales arriving as deals.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn simulate_deals(bencher: Bencher<'_, '_>) {
    let s = setup();
    THROUGHPUT_RAN.store(true, Ordering::Relaxed);
    bencher
        .counter(ItemsCount::new(s.units as u64 * s.trials))
        .bench(|| timed(Figure::Deals, || (s.simulate_deals)(s.trials)));
}

/// Log-normal draws, units × trials of them: the same chunking and
/// generator as the engine, on the same threads.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn raw_lognormal_draws(bencher: Bencher<'_, '_>) {
    let s = setup();
    THROUGHPUT_RAN.store(true, Ordering::Relaxed);
    let (units, trials, chunk) = (s.units as u64, s.trials, s.chunk_size);
    bencher.counter(ItemsCount::new(units * trials)).bench(|| {
        timed(Figure::Raw, || {
            let total: f64 = (0..trials.div_ceil(chunk))
                .into_par_iter()
                .map(|c| {
                    let mut rng = ChaCha8Rng::seed_from_u64(7);
                    rng.set_stream(c);
                    let d = LogNormal::new(12.0, 0.25).expect("valid");
                    let mut sum = 0.0;
                    for _ in 0..chunk.min(trials - c * chunk) * units {
                        sum += d.sample(&mut rng);
                    }
                    sum
                })
                .sum();
            assert!(total > 0.0);
            total
        })
    });
}

/// One run of 1,000,000 trials with the risk analytics; peak memory read
/// right after it.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn memory_1m_trials(bencher: Bencher<'_, '_>) {
    let s = setup();
    let alone = !THROUGHPUT_RAN.load(Ordering::Relaxed);
    let last = Mutex::new((0.0, 0.0));
    bencher
        .counter(ItemsCount::new(s.units as u64 * MEMORY_TRIALS))
        .bench(|| {
            let start = Instant::now();
            let p = (s.simulate)(MEMORY_TRIALS, true);
            *last.lock().unwrap() = (start.elapsed().as_secs_f64(), p);
        });
    let (secs, p_hit_target) = *last.lock().unwrap();
    MEMORY.lock().unwrap().push(MemoryRun {
        secs,
        p_hit_target,
        peak_mb: peak_rss_mb(),
        alone,
    });
}

// ---- figures ----

fn print_figures() {
    let runs = RUNS.lock().unwrap();
    let memory = MEMORY.lock().unwrap();
    if runs.is_empty() && memory.is_empty() {
        return;
    }
    let s = setup();
    // Fastest sample of a bench, in items per second.
    let rate = |figure: Figure, items: f64| {
        runs.iter()
            .filter(|(f, _)| *f == figure)
            .map(|(_, d)| d.as_secs_f64())
            .min_by(f64::total_cmp)
            .map(|secs| items / secs)
    };
    let items = s.units as f64 * s.trials as f64;
    let full = rate(Figure::Analytics, items);
    let base = rate(Figure::NoAnalytics, items);
    let raw = rate(Figure::Raw, items);
    let deals = rate(Figure::Deals, items);

    println!();
    println!("figures (from the runs above: the fastest sample of each bench)");
    let trials = if runs.is_empty() {
        String::new()
    } else {
        format!("{} trials; ", s.trials)
    };
    println!(
        "scenario: {} units, {} reps, {} risks; {trials}{} threads",
        s.units,
        s.reps,
        s.risks,
        rayon::current_num_threads()
    );
    let na = "n/a (bench not run)";
    let show = |label: &str, r: Option<f64>, unit: &str| match r {
        Some(r) => println!("{label:<21}{:>8.1} M {unit}", r / 1e6),
        None => println!("{label:<21} {na}"),
    };
    if !runs.is_empty() {
        show("simulate:", full, "unit-trials/s   (with risk analytics)");
        show("without analytics:", base, "unit-trials/s");
        show("raw log-normal draws:", raw, "draws/s");
        show(
            "with deals (12/yr):",
            deals,
            "unit-trials/s   (every unit lumpy, analytics on)",
        );
        if let (Some(full), Some(deals)) = (full, deals) {
            println!(
                "deals / smooth:      {:>8.1} %   (target >= 50 %)",
                100.0 * deals / full
            );
        }
        match (full, raw) {
            (Some(full), Some(raw)) => println!(
                "ratio:               {:>8.1} %   (target >= 40 %)",
                100.0 * full / raw
            ),
            _ => println!("ratio:               {na}"),
        }
        match (full, base) {
            (Some(full), Some(base)) => println!(
                "analytics cost:      {:>8.1} %   of simulate time (target <= 25 %)",
                100.0 * (base / full - 1.0)
            ),
            _ => println!("analytics cost:      {na}"),
        }
        if let Some(full) = full {
            println!(
                "target 100 M unit-trials/s: {}",
                if full >= 100e6 { "met" } else { "NOT met" }
            );
        }
    }
    for run in memory.iter() {
        println!(
            "1,000,000 trials: {:.1} s, P(team hits target) {:.4}; peak memory {:.0} MB (target < 300 MB){}",
            run.secs,
            run.p_hit_target,
            run.peak_mb.unwrap_or(f64::NAN),
            if run.alone {
                ""
            } else {
                "\n  (other benches ran before it in this process, so this is their peak too: \
                 run `cargo bench --bench simulate -- memory` for the figure)"
            }
        );
    }
}
