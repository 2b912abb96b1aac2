//! `fit` on a large history: a 1,000,000-row transaction history (8,000
//! units, 320 reps, 5 years, generated in memory by `generate --history`'s
//! library function) read from its CSV text and fitted. Target: at most
//! 5 s and 1 GB resident on 2 cores.
//!
//!     cargo bench --bench fit
//!
//! After divan's table, a "figures" block gives the rows, the time of the
//! fastest parse+fit and the peak resident memory of the process (which
//! includes the generated CSV text, about 60 MB).

// Benchmarks print their figures.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use divan::Bencher;
use quotaplan::fit::{FitOptions, fit};
use quotaplan::generate::GenerateSpec;
use quotaplan::generate::history::with_history;
use quotaplan::history::{ReadOptions, read};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

fn main() {
    divan::main();
    let best = BEST.lock().expect("not poisoned");
    let rows = history().lines().count() - 1;
    println!("\nfigures");
    println!("  history rows:      {rows}");
    if let Some(t) = *best {
        println!(
            "  parse + fit:       {:.2} s (fastest sample)",
            t.as_secs_f64()
        );
    }
    println!("  peak resident:     {} MB", peak_rss_mb());
}

static BEST: Mutex<Option<Duration>> = Mutex::new(None);

fn history() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        with_history(
            &GenerateSpec {
                units: 8000,
                reps: 320,
                risks: 6,
                seed: 1,
                trials: 1000,
                units_file: "units.csv".into(),
                edges_file: None,
            },
            5,
        )
        .history_csv
    })
}

/// The process's peak resident set (Linux), in MB.
fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn parse_and_fit_1m_rows(b: Bencher<'_, '_>) {
    let text = history();
    b.bench(|| {
        let started = Instant::now();
        let r = read(
            ("history.csv", text.as_bytes()),
            None,
            &ReadOptions::default(),
        );
        let h = r.history.expect("the generated history reads");
        let f = fit(&h, &FitOptions::default()).expect("fits");
        let t = started.elapsed();
        let mut best = BEST.lock().expect("not poisoned");
        if best.is_none_or(|b| t < b) {
            *best = Some(t);
        }
        f.evidence.units.len()
    });
}
