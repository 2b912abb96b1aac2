//! Territory optimizer figures: the Iowa counties (4, 8 and 12 territories,
//! population balance) and a synthetic 10,000-unit map split into 200
//! territories within ±2 %.
//!
//!     cargo bench --bench split                  # everything (about two minutes)
//!     cargo bench --bench split -- --only iowa   # or: --only scale
//!
//! Options: `--seed N` (default 1), `--threads N` (default all cores),
//! `--chains N`, `--iterations N` (defaults: the library's).

// Benchmarks print their figures.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use quotaplan::split::{Graph, SplitInput, SplitResult, optimize};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use std::path::PathBuf;
use std::time::Duration;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn num<T: std::str::FromStr>(name: &str) -> Option<T> {
    arg(name).map(|s| {
        s.parse()
            .unwrap_or_else(|_| panic!("{name} takes a number"))
    })
}

struct Iowa {
    pop: Vec<f64>,
    loc: Vec<(f64, f64)>,
    edges: Vec<(usize, usize)>,
}

fn iowa() -> Iowa {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/iowa-counties");
    let read = |f: &str| {
        std::fs::read_to_string(dir.join(f))
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.join(f).display()))
    };
    let units = read("units.csv");
    let mut lines = units.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (pop, lat, lon) = (col("pop"), col("lat"), col("lon"));
    let (mut p, mut loc) = (Vec::new(), Vec::new());
    for line in lines.filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        p.push(f[pop].parse().expect("pop"));
        let (la, lo): (f64, f64) = (f[lat].parse().expect("lat"), f[lon].parse().expect("lon"));
        loc.push((lo * la.to_radians().cos() * 111.0, la * 111.0));
    }
    let edges = read("edges.csv")
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].parse().expect("i"), f[1].parse().expect("j"))
        })
        .collect();
    Iowa { pop: p, loc, edges }
}

fn configure(input: &mut SplitInput<'_>) {
    input.seed = num("--seed").unwrap_or(1);
    input.threads = num("--threads");
    if let Some(c) = num("--chains") {
        input.chains = c;
    }
    input.iterations = num("--iterations");
}

fn line(name: &str, tol: f64, r: &SplitResult) {
    println!(
        "{name:<28} tol ±{:>5.2} %  feasible {:<5}  max dev {:>6.3} %  cut edges {:>5}  {:>7.2} s  ({} iterations{})",
        100.0 * tol,
        r.feasible,
        100.0 * r.max_deviation,
        r.cut_edges,
        r.elapsed.as_secs_f64(),
        r.iterations,
        if r.hit_time_limit {
            ", time limit hit"
        } else {
            ""
        }
    );
}

fn bench_iowa() {
    let data = iowa();
    let g = Graph::from_edges(data.pop.len(), &data.edges).expect("Iowa graph");
    println!(
        "Iowa counties: {} units, {} edges, population {}",
        g.len(),
        g.edge_count(),
        data.pop.iter().sum::<f64>()
    );
    for k in [4, 8, 12] {
        let mut input = SplitInput::new(&g, data.pop.clone(), k);
        input.tolerance = 0.005;
        input.locations = Some(&data.loc);
        configure(&mut input);
        let r = optimize(&input).expect("valid input");
        line(&format!("iowa k={k}"), input.tolerance, &r);
        if !r.feasible {
            let mut devs: Vec<f64> = r
                .per_territory
                .iter()
                .map(|m| 100.0 * m.deviation)
                .collect();
            devs.sort_by(|a, b| b.total_cmp(a));
            let shown: Vec<String> = devs.iter().map(|d| format!("{d:+.2}")).collect();
            println!("  deviations (%): {}", shown.join(" "));
        }
    }
    // Polk County alone exceeds an eighth of Iowa by 13 %, so with equal
    // targets no tolerance below that is reachable for 8 or 12 territories.
    // What a planner would do instead: Polk is one territory (target = its
    // population, locked), the rest share the remainder equally. Shown for
    // several tolerances: the price of tighter balance in cut edges.
    let polk = (0..data.pop.len())
        .max_by(|&a, &b| data.pop[a].total_cmp(&data.pop[b]))
        .expect("units");
    let total: f64 = data.pop.iter().sum();
    for k in [8, 12] {
        for tol in [0.005, 0.01, 0.02] {
            let mut input = SplitInput::new(&g, data.pop.clone(), k);
            input.targets = (0..k)
                .map(|t| {
                    if t == 0 {
                        data.pop[polk]
                    } else {
                        (total - data.pop[polk]) / (k - 1) as f64
                    }
                })
                .collect();
            input.locked[polk] = Some(0);
            input.tolerance = tol;
            input.locations = Some(&data.loc);
            configure(&mut input);
            let r = optimize(&input).expect("valid input");
            line(&format!("iowa k={k}, Polk alone"), tol, &r);
        }
    }
}

fn bench_scale() {
    let n = 10_000;
    let mut rng = ChaCha8Rng::seed_from_u64(2024);
    let pts: Vec<(f64, f64)> = (0..n)
        .map(|_| (rng.random::<f64>(), rng.random::<f64>()))
        .collect();
    // Log-normal-ish: exp of a sum of uniforms (sigma about 0.7).
    let weight: Vec<f64> = (0..n)
        .map(|_| {
            let z: f64 = (0..12).map(|_| rng.random::<f64>()).sum::<f64>() - 6.0;
            (0.7 * z).exp()
        })
        .collect();
    let t = std::time::Instant::now();
    let g = Graph::delaunay(&pts).expect("finite points");
    println!(
        "synthetic: {n} points, {} Delaunay edges ({:.2} s)",
        g.edge_count(),
        t.elapsed().as_secs_f64()
    );
    let mut input = SplitInput::new(&g, weight, 200);
    input.tolerance = 0.02;
    input.locations = Some(&pts);
    input.time_limit = Some(Duration::from_secs(120));
    configure(&mut input);
    let r = optimize(&input).expect("valid input");
    line("10k units, k=200", 0.02, &r);
    for note in &r.notes {
        println!("  note: {note}");
    }
}

fn main() {
    let only = arg("--only");
    if only.as_deref().is_none_or(|o| o == "iowa") {
        bench_iowa();
    }
    if only.as_deref().is_none_or(|o| o == "scale") {
        bench_scale();
    }
}
