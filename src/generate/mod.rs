//! Synthetic scenarios of any size, for benchmarks, load tests and demos.
//!
//! [`synthetic`] builds a scenario in the reference format (the TOML of
//! `scenarios/format-example.toml` and its units CSV) from a handful of sizes
//! and a seed. It is pure: it returns both files as strings and the caller
//! decides where to write them. The same [`GenerateSpec`] always gives the
//! same bytes.
//!
//! What the generated organisation looks like:
//! - regions (about one per 50 units, at least 4) laid out on a jittered grid
//!   in the unit square; units cluster around their region's centre;
//! - four segments (SMB, Mid-Market, Enterprise, Public) with their own
//!   potential, uncertainty, account size and selling effort;
//! - potential log-normally spread around a median of about 300 000;
//! - each rep owns a spatially coherent block of units (units are sorted by
//!   region, then west to east, and cut into `reps` consecutive blocks);
//! - most territories need 80-97 % of their rep's selling hours; about one in
//!   ten needs 8-35 % more than the rep has (coverage below 1);
//! - "expected potential": a unit's potential times the mean effect of the
//!   risks that reach it. Each quota is about 1.08 x the rep's expected
//!   territory potential, ramp-adjusted for new and planned hires, varied by
//!   ±15 %; the company target is 0.95 x the sum of those ramp-adjusted
//!   expected potentials: a stretch once coverage gaps and attrition are
//!   counted (the team makes it roughly 35-55 % of the time, a rep 20-30 %);
//! - a risk register that cycles through every kind of risk, scope and
//!   distribution family, with a few positive correlations.

use crate::scenario::edit::toml_string;
use std::fmt::Write;

pub mod history;

use crate::model::dist::{Dist, Param};
use crate::model::geo;

/// The generator draws parameters inside each family's valid range.
const VALID: &str = "generated distribution parameters are valid";

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateSpec {
    /// Number of territory units (rows of the CSV); at least `reps`.
    pub units: usize,
    /// Number of reps; at least 1.
    pub reps: usize,
    /// Number of risks in the register; at least 3 (one of each kind).
    pub risks: usize,
    /// Seed of the generator, also written as the scenario's `seed`.
    /// Must fit in a TOML integer (at most `i64::MAX`).
    pub seed: u64,
    /// The scenario's `trials`.
    pub trials: u64,
    /// file name the TOML's `[units] file =` points at, e.g. "big-units.csv"
    pub units_file: String,
    /// When given, an adjacency CSV (Delaunay triangulation of the unit
    /// locations) is generated and the TOML's `[units] edges =` names it.
    pub edges_file: Option<String>,
}

/// A generated scenario: the TOML and the units CSV it refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub toml: String,
    pub units_csv: String,
    /// Pairs of adjacent unit ids (`from,to`), when `edges_file` was given.
    pub edges_csv: Option<String>,
}

/// The header of the units CSV, in column order.
pub const UNITS_CSV_HEADER: &str =
    "id,name,region,segment,x,y,potential,potential_cv,workload_hours,accounts,owner,locked";

const MONTHS: u32 = 12;
const DEFAULT_CAPACITY: f64 = 1600.0;
const RAMP_MONTHS: u32 = 5;
const MEDIAN_POTENTIAL: f64 = 295_000.0;
const QUOTA_UPLIFT: f64 = 1.08;
const TARGET_SHARE: f64 = 0.95;

struct Segment {
    name: &'static str,
    /// share of units in this segment
    share: f64,
    /// multiplies the median potential
    potential_factor: f64,
    /// range of the potential's coefficient of variation
    cv: (f64, f64),
    /// average annual sales per account
    value_per_account: f64,
    /// selling hours per 100 000 of potential, before scaling to capacity
    hours_per_100k: f64,
}

const SEGMENTS: [Segment; 4] = [
    Segment {
        name: "SMB",
        share: 0.40,
        potential_factor: 0.75,
        cv: (0.12, 0.22),
        value_per_account: 12_000.0,
        hours_per_100k: 18.0,
    },
    Segment {
        name: "Mid-Market",
        share: 0.25,
        potential_factor: 1.0,
        cv: (0.15, 0.25),
        value_per_account: 60_000.0,
        hours_per_100k: 14.0,
    },
    Segment {
        name: "Enterprise",
        share: 0.15,
        potential_factor: 1.9,
        cv: (0.20, 0.35),
        value_per_account: 300_000.0,
        hours_per_100k: 10.0,
    },
    Segment {
        name: "Public",
        share: 0.20,
        potential_factor: 1.2,
        cv: (0.10, 0.30),
        value_per_account: 90_000.0,
        hours_per_100k: 15.0,
    },
];
const ENTERPRISE: u8 = 2;

/// (hanzi, pinyin) pairs for rep names.
const SURNAMES: [(&str, &str); 20] = [
    ("王", "Wang"),
    ("李", "Li"),
    ("张", "Zhang"),
    ("刘", "Liu"),
    ("陈", "Chen"),
    ("杨", "Yang"),
    ("赵", "Zhao"),
    ("黄", "Huang"),
    ("周", "Zhou"),
    ("吴", "Wu"),
    ("徐", "Xu"),
    ("孙", "Sun"),
    ("胡", "Hu"),
    ("朱", "Zhu"),
    ("高", "Gao"),
    ("林", "Lin"),
    ("何", "He"),
    ("郭", "Guo"),
    ("马", "Ma"),
    ("罗", "Luo"),
];
const GIVEN_NAMES: [(&str, &str); 24] = [
    ("伟", "Wei"),
    ("芳", "Fang"),
    ("娜", "Na"),
    ("敏", "Min"),
    ("静", "Jing"),
    ("丽", "Li"),
    ("强", "Qiang"),
    ("磊", "Lei"),
    ("军", "Jun"),
    ("洋", "Yang"),
    ("勇", "Yong"),
    ("艳", "Yan"),
    ("杰", "Jie"),
    ("娟", "Juan"),
    ("涛", "Tao"),
    ("明", "Ming"),
    ("超", "Chao"),
    ("霞", "Xia"),
    ("平", "Ping"),
    ("刚", "Gang"),
    ("建华", "Jianhua"),
    ("晓燕", "Xiaoyan"),
    ("志强", "Zhiqiang"),
    ("海燕", "Haiyan"),
];

struct Region {
    name: String,
    cx: f64,
    cy: f64,
    /// multiplies the potential of the region's units (urban vs rural)
    potential_factor: f64,
}

struct Unit {
    region: usize,
    segment: u8,
    x: f64,
    y: f64,
    potential: f64,
    cv: f64,
    workload: f64,
    accounts: u32,
    locked: bool,
}

struct Rep {
    id: String,
    name: String,
    quota: f64,
    capacity_override: Option<f64>,
    ramp_remaining: Option<u32>,
    start_month: Option<u32>,
}

#[derive(Clone, Copy)]
enum Kind {
    Shock,
    Event,
    AccountLoss,
}

enum Scope {
    All,
    Regions(Vec<usize>),
    Segments(Vec<usize>),
    Units(Vec<usize>),
    Reps(Vec<usize>),
}

struct Risk {
    id: String,
    kind: Kind,
    probability: Option<f64>,
    scope: Scope,
    start: Option<(u32, u32)>,
    impact: Dist,
}

/// Builds a synthetic scenario. Deterministic for `spec` (the generator is
/// `ChaCha8Rng::seed_from_u64(spec.seed)`).
///
/// # Panics
/// When `reps < 1`, `units < reps`, `risks < 3`, or `seed` or `trials` exceed
/// `i64::MAX` (TOML integers are signed 64-bit). Callers validate first.
pub fn synthetic(spec: &GenerateSpec) -> Generated {
    parts(spec).0
}

fn parts(spec: &GenerateSpec) -> (Generated, Parts) {
    assert!(
        spec.reps >= 1,
        "synthetic scenario: reps must be at least 1"
    );
    assert!(
        spec.units >= spec.reps,
        "synthetic scenario: units ({}) must be at least reps ({}) so that every rep owns a unit",
        spec.units,
        spec.reps
    );
    assert!(
        spec.risks >= 3,
        "synthetic scenario: risks ({}) must be at least 3 (one shock, one event, one account_loss)",
        spec.risks
    );
    assert!(
        i64::try_from(spec.seed).is_ok(),
        "synthetic scenario: seed ({}) must be at most {} to fit in a TOML integer",
        spec.seed,
        i64::MAX
    );
    assert!(
        i64::try_from(spec.trials).is_ok(),
        "synthetic scenario: trials ({}) must be at most {}",
        spec.trials,
        i64::MAX
    );

    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let seasonality = seasonality(&mut rng);
    let regions = regions(
        &mut rng,
        (spec.units as f64 / 50.0).round().max(4.0) as usize,
    );
    let mut units = units(&mut rng, spec.units, &regions);
    // Spatially coherent territories: regions are numbered along a serpentine
    // path, units within a region run west to east; cut into equal blocks.
    units.sort_by(|a, b| a.region.cmp(&b.region).then(a.x.total_cmp(&b.x)));
    let owner_of = |i: usize| i * spec.reps / spec.units;

    let mut reps = reps(&mut rng, spec.reps);
    size_workloads(&mut rng, &mut units, &reps, owner_of);
    let risks = risks(&mut rng, spec.risks, &units, &regions, spec.reps);
    let pairs = correlations(&mut rng, &risks);
    // Expected potential: what each unit is expected to sell at full
    // coverage once the risk register has played out (on average).
    let expected: Vec<f64> =
        risk_multipliers(&risks, &units, &regions, &reps, &seasonality, owner_of)
            .iter()
            .zip(&units)
            .map(|(m, u)| m * u.potential)
            .collect();
    let ramp_adjusted = set_quotas(&mut rng, &expected, &mut reps, &seasonality, owner_of);
    let company_target = round_to(TARGET_SHARE * ramp_adjusted, 1000.0);

    let toml = write_toml(
        spec,
        company_target,
        &seasonality,
        &regions,
        &units,
        &reps,
        &risks,
        &pairs,
    );
    let units_csv = write_csv(&units, &regions, &reps, owner_of);
    let edges_csv = spec.edges_file.as_ref().map(|_| write_edges(&units));
    let generated = Generated {
        toml,
        units_csv,
        edges_csv,
    };
    let parts = Parts {
        seasonality,
        regions,
        units,
        reps,
        macro_sd: match risks[0].impact {
            Dist::Normal { sd, .. } => sd,
            _ => 0.05,
        },
        owner: (0..spec.units).map(owner_of).collect(),
    };
    (generated, parts)
}

/// What a history is simulated from (see [`history`]).
struct Parts {
    seasonality: Vec<f64>,
    regions: Vec<Region>,
    units: Vec<Unit>,
    reps: Vec<Rep>,
    macro_sd: f64,
    owner: Vec<usize>,
}

/// Planar adjacency: the Delaunay triangulation of the unit locations.
fn write_edges(units: &[Unit]) -> String {
    let pts: Vec<(f64, f64)> = units.iter().map(|u| (u.x, u.y)).collect();
    let edges = geo::delaunay(&pts).expect("generated locations are finite");
    let mut c = String::with_capacity(16 + edges.len() * 20);
    c.push_str("from,to\n");
    for (a, b) in edges {
        let _ = writeln!(
            c,
            "{},{}",
            unit_id(a as usize, units.len()),
            unit_id(b as usize, units.len())
        );
    }
    c
}

// ---------------------------------------------------------------- sampling

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    rng.sample(StandardNormal)
}

fn uniform(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

/// `x` rounded to `decimals` decimal places (keeps what is written and what
/// is computed from it the same).
fn round_dp(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

fn round_to(x: f64, step: f64) -> f64 {
    (x / step).round() * step
}

/// Monthly weights: a typical B2B year (slow Q1, strong Q4) with noise.
fn seasonality(rng: &mut ChaCha8Rng) -> Vec<f64> {
    const BASE: [f64; 12] = [
        0.065, 0.055, 0.08, 0.08, 0.085, 0.09, 0.08, 0.075, 0.09, 0.09, 0.1, 0.11,
    ];
    let raw: Vec<f64> = BASE
        .iter()
        .map(|b| b * (1.0 + 0.08 * normal(rng)).max(0.5))
        .collect();
    let sum: f64 = raw.iter().sum();
    raw.iter().map(|w| round_dp(w / sum, 4)).collect()
}

fn regions(rng: &mut ChaCha8Rng, count: usize) -> Vec<Region> {
    let grid = (count as f64).sqrt().ceil() as usize;
    let width = digits(count).max(3);
    (0..count)
        .map(|i| {
            let row = i / grid;
            let col = if row.is_multiple_of(2) {
                i % grid
            } else {
                grid - 1 - i % grid
            };
            let cx = (col as f64 + 0.5 + uniform(rng, -0.25, 0.25)) / grid as f64;
            let cy = (row as f64 + 0.5 + uniform(rng, -0.25, 0.25)) / grid as f64;
            Region {
                name: format!("Region{:0width$}", i + 1),
                cx,
                cy,
                potential_factor: (0.25 * normal(rng)).exp(),
            }
        })
        .collect()
}

fn units(rng: &mut ChaCha8Rng, count: usize, regions: &[Region]) -> Vec<Unit> {
    // regions of unequal size: cumulative log-normal weights
    let mut cumulative = Vec::with_capacity(regions.len());
    let mut acc = 0.0;
    for _ in regions {
        acc += (0.4 * normal(rng)).exp();
        cumulative.push(acc);
    }
    let grid = (regions.len() as f64).sqrt().ceil();
    let spread = 0.3 / grid;
    let xy_decimals = coordinate_decimals(count);
    (0..count)
        .map(|_| {
            let pick = rng.random::<f64>() * acc;
            let region = cumulative
                .partition_point(|&c| c <= pick)
                .min(regions.len() - 1);
            let r = &regions[region];
            let mut pick = rng.random::<f64>();
            let mut segment = 0u8;
            for (s, seg) in SEGMENTS.iter().enumerate() {
                segment = s as u8;
                if pick < seg.share {
                    break;
                }
                pick -= seg.share;
            }
            let seg = &SEGMENTS[segment as usize];
            let x = reflect(r.cx + spread * normal(rng));
            let y = reflect(r.cy + spread * normal(rng));
            let potential = round_to(
                MEDIAN_POTENTIAL
                    * seg.potential_factor
                    * r.potential_factor
                    * (0.55 * normal(rng)).exp(),
                1000.0,
            )
            .max(5000.0);
            let cv = if rng.random::<f64>() < 0.05 {
                0.0 // contracted business: no uncertainty
            } else {
                round_dp(uniform(rng, seg.cv.0, seg.cv.1), 2)
            };
            // hours before scaling to the owner's capacity (size_workloads)
            let workload = potential / 100_000.0 * seg.hours_per_100k * (0.25 * normal(rng)).exp();
            let accounts = (potential / seg.value_per_account * (0.3 * normal(rng)).exp())
                .round()
                .max(1.0) as u32;
            let locked = rng.random::<f64>() < 0.01;
            Unit {
                region,
                segment,
                x: round_dp(x, xy_decimals as i32),
                y: round_dp(y, xy_decimals as i32),
                potential,
                cv,
                workload,
                accounts,
                locked,
            }
        })
        .collect()
}

/// Folds a coordinate back into [0, 1] (clamping would stack points on the
/// border, and coincident points upset a triangulation).
fn reflect(v: f64) -> f64 {
    let v = if v < 0.0 { -v } else { v };
    let v = if v > 1.0 { 2.0 - v } else { v };
    v.clamp(0.0, 1.0)
}

/// Enough decimals that coincident units are unlikely (4 for small
/// scenarios, 6 for 100 000 units).
fn coordinate_decimals(units: usize) -> usize {
    digits(units).clamp(4, 7)
}

fn reps(rng: &mut ChaCha8Rng, count: usize) -> Vec<Rep> {
    let width = digits(count).max(4);
    let mut reps: Vec<Rep> = (0..count)
        .map(|i| {
            let (sh, sp) = SURNAMES[rng.random_range(0..SURNAMES.len())];
            let (gh, gp) = GIVEN_NAMES[rng.random_range(0..GIVEN_NAMES.len())];
            let name = if rng.random::<f64>() < 0.7 {
                format!("{sh}{gh}")
            } else {
                format!("{sp} {gp}")
            };
            Rep {
                id: format!("R{:0width$}", i + 1),
                name,
                quota: 0.0,
                capacity_override: None,
                ramp_remaining: None,
                start_month: None,
            }
        })
        .collect();
    // A few special cases, on distinct reps: recent hires still ramping,
    // planned hires, and reps with more or fewer selling hours.
    if count >= 4 {
        let ramping = (count / 20).max(1);
        let planned = if count >= 8 { (count / 30).max(1) } else { 0 };
        let capacity = if count >= 6 { (count / 20).max(1) } else { 0 };
        let chosen = rand::seq::index::sample(rng, count, ramping + planned + capacity);
        for (k, i) in chosen.iter().enumerate() {
            let rep = &mut reps[i];
            if k < ramping {
                rep.ramp_remaining = Some(rng.random_range(1..=RAMP_MONTHS - 1));
            } else if k < ramping + planned {
                rep.start_month = Some(rng.random_range(2..=7));
                rep.name = "(to be hired)".to_string();
            } else {
                const HOURS: [f64; 4] = [1100.0, 1200.0, 1300.0, 1800.0];
                rep.capacity_override = Some(HOURS[rng.random_range(0..HOURS.len())]);
            }
        }
    }
    reps
}

/// Scales each territory's workload to a load factor of its rep's capacity:
/// about 90 % of territories need 80-97 % of the hours, the others 108-135 %.
/// Territories of reps with a capacity override were sized for a default rep.
fn size_workloads(
    rng: &mut ChaCha8Rng,
    units: &mut [Unit],
    reps: &[Rep],
    owner_of: impl Fn(usize) -> usize,
) {
    let overloaded_count = (reps.len() as f64 * 0.1).round() as usize;
    let mut overloaded = vec![false; reps.len()];
    for i in rand::seq::index::sample(rng, reps.len(), overloaded_count) {
        overloaded[i] = true;
    }
    let mut raw = vec![0.0; reps.len()];
    for (i, u) in units.iter().enumerate() {
        raw[owner_of(i)] += u.workload;
    }
    let scale: Vec<f64> = raw
        .iter()
        .zip(&overloaded)
        .map(|(&w, &over)| {
            let load = if over {
                uniform(rng, 1.08, 1.35)
            } else {
                uniform(rng, 0.80, 0.97)
            };
            load * DEFAULT_CAPACITY / w
        })
        .collect();
    for (i, u) in units.iter_mut().enumerate() {
        u.workload = round_dp(u.workload * scale[owner_of(i)], 1).max(0.1);
    }
}

/// Presence in month `m` (1-based) per docs/src/model.md, without attrition.
fn presence(rep: &Rep, m: u32) -> f64 {
    let ramp = |k: i64| ((k as f64 - 0.5) / RAMP_MONTHS as f64).clamp(0.0, 1.0);
    if let Some(s) = rep.start_month {
        if m < s { 0.0 } else { ramp((m - s + 1) as i64) }
    } else if let Some(r) = rep.ramp_remaining {
        ramp(RAMP_MONTHS as i64 - r as i64 + m as i64)
    } else {
        1.0
    }
}

/// Quota = 1.08 x the rep's expected territory potential, ramp-adjusted for
/// new and planned hires, varied by ±15 %. Returns the total ramp-adjusted
/// expected potential.
fn set_quotas(
    rng: &mut ChaCha8Rng,
    expected: &[f64],
    reps: &mut [Rep],
    seasonality: &[f64],
    owner_of: impl Fn(usize) -> usize,
) -> f64 {
    let mut potential = vec![0.0; reps.len()];
    for (i, e) in expected.iter().enumerate() {
        potential[owner_of(i)] += e;
    }
    let weight_sum: f64 = seasonality.iter().sum();
    let mut total = 0.0;
    for (rep, p) in reps.iter_mut().zip(potential) {
        let share: f64 = (1..=MONTHS)
            .zip(seasonality)
            .map(|(m, w)| w * presence(rep, m))
            .sum::<f64>()
            / weight_sum;
        total += p * share;
        let quota = QUOTA_UPLIFT * p * share * uniform(rng, 0.85, 1.15);
        rep.quota = round_to(quota, 1000.0).max(1000.0);
    }
    total
}

/// Each unit's expected sales multiplier from the risk register (the product
/// of each risk's mean effect; correlations are ignored, which is fine for a
/// mean used to set a target).
fn risk_multipliers(
    risks: &[Risk],
    units: &[Unit],
    regions: &[Region],
    reps: &[Rep],
    seasonality: &[f64],
    owner_of: impl Fn(usize) -> usize,
) -> Vec<f64> {
    let weight_sum: f64 = seasonality.iter().sum();
    // share of the year's sales from month s (1-based) on
    let tail = |s: u32| seasonality[(s - 1) as usize..].iter().sum::<f64>() / weight_sum;
    let mean_tail =
        |from: u32, to: u32| (from..=to).map(tail).sum::<f64>() / f64::from(to - from + 1);
    let mut out = vec![1.0; units.len()];
    for risk in risks {
        let mean = &risk.impact.mean();
        let factor = match risk.kind {
            Kind::Shock => 1.0 + mean,
            Kind::Event => {
                let (from, to) = risk.start.unwrap_or((1, MONTHS));
                1.0 + risk.probability.unwrap_or(0.0) * mean * mean_tail(from, to)
            }
            Kind::AccountLoss => {
                1.0 - risk.probability.unwrap_or(0.0) * mean * mean_tail(1, MONTHS)
            }
        };
        match &risk.scope {
            Scope::All => out.iter_mut().for_each(|m| *m *= factor),
            Scope::Units(list) => list.iter().for_each(|&i| out[i] *= factor),
            Scope::Regions(list) => {
                let mut hit = vec![false; regions.len()];
                list.iter().for_each(|&r| hit[r] = true);
                for (m, u) in out.iter_mut().zip(units) {
                    if hit[u.region] {
                        *m *= factor;
                    }
                }
            }
            Scope::Segments(list) => {
                for (m, u) in out.iter_mut().zip(units) {
                    if list.contains(&(u.segment as usize)) {
                        *m *= factor;
                    }
                }
            }
            Scope::Reps(list) => {
                let mut hit = vec![false; reps.len()];
                list.iter().for_each(|&r| hit[r] = true);
                for (i, m) in out.iter_mut().enumerate() {
                    if hit[owner_of(i)] {
                        *m *= factor;
                    }
                }
            }
        }
    }
    out.iter().map(|m| m.max(0.0)).collect()
}

fn risks(
    rng: &mut ChaCha8Rng,
    count: usize,
    units: &[Unit],
    regions: &[Region],
    rep_count: usize,
) -> Vec<Risk> {
    let mut region_used = vec![false; regions.len()];
    let mut segment_used = [false; 4];
    for u in units {
        region_used[u.region] = true;
        segment_used[u.segment as usize] = true;
    }
    let present_regions: Vec<usize> = (0..regions.len()).filter(|&r| region_used[r]).collect();
    let present_segments: Vec<usize> = (0..4).filter(|&s| segment_used[s]).collect();
    let enterprise: Vec<usize> = (0..units.len())
        .filter(|&i| units[i].segment == ENTERPRISE)
        .collect();
    let width = digits(count - 1).max(2);

    // choose between `lo` and `hi` distinct items of `pool`, kept in order
    let choose = |rng: &mut ChaCha8Rng, pool: &[usize], lo: usize, hi: usize| {
        let k = rng.random_range(lo..=hi).min(pool.len());
        let mut picked: Vec<usize> = rand::seq::index::sample(rng, pool.len(), k)
            .iter()
            .map(|i| pool[i])
            .collect();
        picked.sort_unstable();
        picked
    };

    let mut out = Vec::with_capacity(count);
    out.push(Risk {
        id: "macro".to_string(),
        kind: Kind::Shock,
        probability: None,
        scope: Scope::All,
        start: None,
        impact: Dist::normal(0.0, round_dp(uniform(rng, 0.03, 0.08), 3)).expect(VALID),
    });
    for i in 1..count {
        let kind = match i % 3 {
            0 => Kind::Shock,
            1 => Kind::Event,
            _ => Kind::AccountLoss,
        };
        const PATTERN: [u8; 8] = [0, 1, 0, 3, 1, 2, 0, 3];
        let scope = match PATTERN[(i - 1) % PATTERN.len()] {
            0 => Scope::Regions(choose(rng, &present_regions, 1, 3)),
            1 => {
                if matches!(kind, Kind::AccountLoss) && segment_used[ENTERPRISE as usize] {
                    Scope::Segments(vec![ENTERPRISE as usize])
                } else {
                    Scope::Segments(choose(rng, &present_segments, 1, 2))
                }
            }
            2 => {
                let all: Vec<usize>;
                let pool = if enterprise.len() >= 3 {
                    &enterprise
                } else {
                    all = (0..units.len()).collect();
                    &all
                };
                Scope::Units(choose(rng, pool, 3, 8))
            }
            _ => {
                let all: Vec<usize> = (0..rep_count).collect();
                Scope::Reps(choose(rng, &all, 1, 3))
            }
        };
        let family = i / 3;
        let r3 = |rng: &mut ChaCha8Rng, lo: f64, hi: f64| round_dp(uniform(rng, lo, hi), 3);
        let (base, probability, start, impact) = match kind {
            Kind::Shock => {
                let base = match scope {
                    Scope::Regions(_) => "regional_slowdown",
                    Scope::Segments(_) => "price_pressure",
                    Scope::Units(_) => "key_account_budget",
                    _ => "territory_disruption",
                };
                let impact = match family % 6 {
                    0 => Dist::normal(r3(rng, -0.03, 0.0), r3(rng, 0.03, 0.08)).expect(VALID),
                    1 => Dist::triangular(
                        r3(rng, -0.18, -0.08),
                        r3(rng, -0.05, 0.0),
                        r3(rng, 0.02, 0.06),
                    )
                    .expect(VALID),
                    // an upside: a positive-only factor (subsidy, stimulus)
                    2 => {
                        Dist::lognormal_cv(r3(rng, 0.02, 0.05), round_dp(uniform(rng, 0.6, 1.0), 2))
                            .expect(VALID)
                    }
                    3 => Dist::uniform(r3(rng, -0.10, -0.04), r3(rng, 0.01, 0.05)).expect(VALID),
                    4 => Dist::pert(
                        r3(rng, -0.20, -0.10),
                        r3(rng, -0.04, 0.0),
                        r3(rng, 0.03, 0.08),
                    )
                    .expect(VALID),
                    _ => Dist::beta(
                        2.0,
                        round_dp(uniform(rng, 2.0, 5.0), 1),
                        r3(rng, -0.15, -0.08),
                        r3(rng, 0.04, 0.08),
                    )
                    .expect(VALID),
                };
                let base = if matches!(impact, Dist::LogNormal { .. }) {
                    "demand_upside"
                } else {
                    base
                };
                (base, None, None, impact)
            }
            Kind::Event => {
                let base = match scope {
                    Scope::Regions(_) => "competitor_entry",
                    Scope::Segments(_) => "budget_freeze",
                    Scope::Units(_) => "key_account_tender",
                    _ => "channel_partner_exit",
                };
                let impact = match family % 4 {
                    0 => Dist::pert(
                        r3(rng, -0.35, -0.20),
                        r3(rng, -0.15, -0.06),
                        r3(rng, -0.04, -0.01),
                    )
                    .expect(VALID),
                    1 => Dist::triangular(
                        r3(rng, -0.35, -0.20),
                        r3(rng, -0.15, -0.06),
                        r3(rng, -0.04, -0.01),
                    )
                    .expect(VALID),
                    2 => Dist::uniform(r3(rng, -0.25, -0.12), r3(rng, -0.06, -0.02)).expect(VALID),
                    _ => Dist::beta(
                        2.0,
                        round_dp(uniform(rng, 3.0, 5.0), 1),
                        r3(rng, -0.40, -0.25),
                        r3(rng, -0.05, -0.01),
                    )
                    .expect(VALID),
                };
                let from = rng.random_range(1..=6);
                let to = rng.random_range(from + 2..=MONTHS);
                let p = round_dp(uniform(rng, 0.05, 0.30), 2);
                (base, Some(p), Some((from, to)), impact)
            }
            Kind::AccountLoss => {
                let base = match scope {
                    Scope::Regions(_) => "regional_churn",
                    Scope::Segments(_) => "key_account_churn",
                    Scope::Units(_) => "named_account_loss",
                    _ => "rep_book_churn",
                };
                // the share lost: bounded in [0.2, 0.9]
                let impact = match family % 4 {
                    0 => Dist::uniform(r3(rng, 0.2, 0.4), r3(rng, 0.6, 0.9)).expect(VALID),
                    1 => {
                        Dist::beta(2.0, round_dp(uniform(rng, 2.0, 4.0), 1), 0.2, 0.9).expect(VALID)
                    }
                    2 => Dist::pert(0.2, r3(rng, 0.35, 0.6), r3(rng, 0.7, 0.9)).expect(VALID),
                    _ => Dist::triangular(0.2, r3(rng, 0.35, 0.6), r3(rng, 0.7, 0.9)).expect(VALID),
                };
                // narrow scopes (named accounts) are likelier to churn
                let p = match scope {
                    Scope::Units(_) | Scope::Reps(_) => uniform(rng, 0.10, 0.30),
                    _ => uniform(rng, 0.02, 0.10),
                };
                (base, Some(round_dp(p, 3)), None, impact)
            }
        };
        out.push(Risk {
            id: format!("{base}_{i:0width$}"),
            kind,
            probability,
            scope,
            start,
            impact,
        });
    }
    out
}

/// Positive correlations: the macro shock with up to three copula-driven
/// risks, and one pair among those when there are three. Never all pairs.
fn correlations(rng: &mut ChaCha8Rng, risks: &[Risk]) -> Vec<(usize, usize, f64)> {
    let driven: Vec<usize> = (1..risks.len())
        .filter(|&i| !matches!(risks[i].kind, Kind::AccountLoss))
        .take(3)
        .collect();
    let mut pairs: Vec<(usize, usize, f64)> = driven
        .iter()
        .map(|&k| (0, k, round_dp(uniform(rng, 0.15, 0.5), 2)))
        .collect();
    if driven.len() == 3 {
        pairs.push((driven[0], driven[1], round_dp(uniform(rng, 0.1, 0.3), 2)));
    }
    pairs
}

// ---------------------------------------------------------------- writing

fn digits(n: usize) -> usize {
    n.max(1).ilog10() as usize + 1
}

/// Writes `x` with at most `decimals` decimals, trailing zeros trimmed but at
/// least one decimal kept (so TOML reads a float), and never "-0.0".
fn push_f(out: &mut String, x: f64, decimals: usize) {
    let start = out.len();
    let _ = write!(out, "{:.*}", decimals, x);
    if out[start..].contains('.') {
        let keep = out.trim_end_matches('0').len();
        out.truncate(keep);
        if out.ends_with('.') {
            out.push('0');
        }
    }
    if &out[start..] == "-0.0" {
        out.truncate(start);
        out.push_str("0.0");
    }
}

fn f(x: f64, decimals: usize) -> String {
    let mut s = String::new();
    push_f(&mut s, x, decimals);
    s
}

fn quoted_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.map(toml_string).collect();
    format!("[{}]", items.join(", "))
}

/// A distribution as TOML, by the family table: `{ family = { param = value, ... } }`
/// (`{ fixed = v }` for a constant). Decimals follow what the generator
/// draws: shape parameters 2, probabilities 4, lists and constants 6,
/// everything else 3.
fn dist_toml(d: &Dist) -> String {
    let family = d.family();
    let decimals = |param: &str| match (family, param) {
        ("beta", "alpha" | "beta") => 2,
        ("bernoulli", _) => 4,
        ("fixed" | "discrete", _) => 6,
        _ => 3,
    };
    let value = |name: &str, p: &Param| match p {
        Param::Num(x) => f(*x, decimals(name)),
        Param::List(xs) => format!(
            "[{}]",
            xs.iter()
                .map(|&x| f(x, decimals(name)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let params = d.params();
    if let [(name, p)] = &params[..]
        && family == "fixed"
    {
        return format!("{{ fixed = {} }}", value(name, p));
    }
    let inner: Vec<String> = params
        .iter()
        .map(|(name, p)| format!("{name} = {}", value(name, p)))
        .collect();
    format!("{{ {family} = {{ {} }} }}", inner.join(", "))
}

macro_rules! out {
    ($dst:expr) => {
        $dst.push('\n')
    };
    ($dst:expr, $($arg:tt)*) => {{
        let _ = writeln!($dst, $($arg)*);
    }};
}

#[allow(clippy::too_many_arguments)]
fn write_toml(
    spec: &GenerateSpec,
    company_target: f64,
    seasonality: &[f64],
    regions: &[Region],
    units: &[Unit],
    reps: &[Rep],
    risks: &[Risk],
    pairs: &[(usize, usize, f64)],
) -> String {
    let mut t = String::with_capacity(4096 + reps.len() * 64 + risks.len() * 256);
    out!(
        t,
        "# Synthetic quotaplan scenario: {} units, {} reps, {} risks, generated from seed {}.",
        spec.units,
        spec.reps,
        spec.risks,
        spec.seed
    );
    out!(
        t,
        "# Regenerate it rather than editing it; see scenarios/format-example.toml for the format."
    );
    out!(t);
    out!(t, "[scenario]");
    let name = format!("synthetic-{}u-{}r-{}k", spec.units, spec.reps, spec.risks);
    out!(t, "name = {}", toml_string(&name));
    out!(t, "currency = \"CNY\"");
    out!(t, "months = {MONTHS}");
    out!(t, "seed = {}", spec.seed);
    out!(t, "trials = {}", spec.trials);
    out!(
        t,
        "company_target = {company_target:.0}   # {TARGET_SHARE} x the units' potential, net of expected risks, ramp-adjusted"
    );
    out!(t);
    out!(t, "[seasonality]");
    let weights: Vec<String> = seasonality.iter().map(|&w| f(w, 4)).collect();
    out!(t, "weights = [{}]", weights.join(", "));
    out!(t);
    out!(t, "[units]");
    out!(t, "# {UNITS_CSV_HEADER}");
    out!(t, "file = {}", toml_string(&spec.units_file));
    if let Some(e) = &spec.edges_file {
        out!(
            t,
            "# adjacency: Delaunay triangulation of the unit locations"
        );
        out!(t, "edges = {}", toml_string(e));
    }
    out!(t);
    out!(t, "[rep_defaults]");
    out!(t, "capacity_hours = {DEFAULT_CAPACITY:.0}");
    out!(t, "attrition = 0.14");
    out!(t, "vacancy_months = 3");
    out!(t, "vacancy_coverage = 0.25");
    out!(t, "ramp_months = {RAMP_MONTHS}");
    out!(
        t,
        "productivity = {{ lognormal = {{ mean = 1.0, cv = 0.12 }} }}"
    );
    for rep in reps {
        out!(t);
        out!(t, "[[reps]]");
        out!(t, "id = {}", toml_string(&rep.id));
        out!(t, "name = {}", toml_string(&rep.name));
        out!(t, "quota = {:.0}", rep.quota);
        if let Some(r) = rep.ramp_remaining {
            out!(t, "ramp_remaining = {r}");
        }
        if let Some(s) = rep.start_month {
            out!(t, "start_month = {s}");
            out!(t, "attrition = 0.0");
        }
        if let Some(c) = rep.capacity_override {
            out!(t, "capacity_hours = {c:.0}");
        }
    }
    for risk in risks {
        out!(t);
        out!(t, "[[risks]]");
        out!(t, "id = {}", toml_string(&risk.id));
        let kind = match risk.kind {
            Kind::Shock => "shock",
            Kind::Event => "event",
            Kind::AccountLoss => "account_loss",
        };
        out!(t, "kind = \"{kind}\"");
        if let Some(p) = risk.probability {
            out!(t, "probability = {}", f(p, 3));
        }
        let scope = match &risk.scope {
            Scope::All => "\"all\"".to_string(),
            Scope::Regions(r) => format!(
                "{{ regions = {} }}",
                quoted_list(r.iter().map(|&i| regions[i].name.as_str()))
            ),
            Scope::Segments(s) => format!(
                "{{ segments = {} }}",
                quoted_list(s.iter().map(|&i| SEGMENTS[i].name))
            ),
            Scope::Units(u) => {
                let ids: Vec<String> = u.iter().map(|&i| unit_id(i, units.len())).collect();
                format!(
                    "{{ units = {} }}",
                    quoted_list(ids.iter().map(String::as_str))
                )
            }
            Scope::Reps(r) => format!(
                "{{ reps = {} }}",
                quoted_list(r.iter().map(|&i| reps[i].id.as_str()))
            ),
        };
        out!(t, "applies_to = {scope}");
        if let Some((from, to)) = risk.start {
            out!(t, "start = {{ from = {from}, to = {to} }}");
        }
        out!(t, "impact = {}", dist_toml(&risk.impact));
    }
    out!(t);
    out!(t, "[correlation]");
    out!(t, "pairs = [");
    for &(a, b, rho) in pairs {
        out!(
            t,
            "  [{}, {}, {}],",
            toml_string(&risks[a].id),
            toml_string(&risks[b].id),
            f(rho, 2)
        );
    }
    out!(t, "]");
    out!(t);
    out!(t, "[quotas]");
    out!(t, "method = \"given\"");
    out!(t, "over_assignment = 0.10");
    out!(t);
    out!(t, "[comp_plan]");
    out!(t, "target_incentive = 120000");
    out!(
        t,
        "curve = [[0.0, 0.0], [0.5, 0.0], [1.0, 1.0], [1.5, 2.0], [2.0, 2.5]]"
    );
    out!(
        t,
        "team_bonus = {{ pool = {}, threshold = 1.0 }}",
        50_000 * reps.len() as u64
    );
    t
}

fn unit_id(i: usize, count: usize) -> String {
    let width = digits(count).max(6);
    format!("U{:0width$}", i + 1)
}

fn write_csv(
    units: &[Unit],
    regions: &[Region],
    reps: &[Rep],
    owner_of: impl Fn(usize) -> usize,
) -> String {
    let width = digits(units.len()).max(6);
    let xy_decimals = coordinate_decimals(units.len());
    let mut c = String::with_capacity(128 + units.len() * 96);
    c.push_str(UNITS_CSV_HEADER);
    c.push('\n');
    let mut in_region = vec![0u32; regions.len()];
    for (i, u) in units.iter().enumerate() {
        in_region[u.region] += 1;
        let region = &regions[u.region].name;
        let _ = write!(
            c,
            "U{:0width$},{region} area {},{region},{},",
            i + 1,
            in_region[u.region],
            SEGMENTS[u.segment as usize].name
        );
        push_f(&mut c, u.x, xy_decimals);
        c.push(',');
        push_f(&mut c, u.y, xy_decimals);
        let _ = write!(c, ",{:.0},", u.potential);
        push_f(&mut c, u.cv, 2);
        c.push(',');
        push_f(&mut c, u.workload, 1);
        let _ = writeln!(c, ",{},{},{}", u.accounts, reps[owner_of(i)].id, u.locked);
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    fn spec(units: usize, reps: usize, risks: usize, seed: u64) -> GenerateSpec {
        GenerateSpec {
            units,
            reps,
            risks,
            seed,
            trials: 20_000,
            units_file: "synthetic-units.csv".to_string(),
            edges_file: None,
        }
    }

    fn rows(g: &Generated) -> Vec<Vec<&str>> {
        g.units_csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect())
            .collect()
    }

    fn table(g: &Generated) -> toml::Table {
        toml::from_str::<toml::Table>(&g.toml).expect("generated TOML parses")
    }

    fn array<'a>(t: &'a toml::Table, key: &str) -> &'a Vec<toml::Value> {
        t[key].as_array().expect("array of tables")
    }

    #[test]
    fn deterministic_for_a_seed() {
        let s = spec(500, 12, 9, 42);
        assert_eq!(synthetic(&s), synthetic(&s));
    }

    #[test]
    fn different_seeds_differ() {
        let a = synthetic(&spec(500, 12, 9, 1));
        let b = synthetic(&spec(500, 12, 9, 2));
        assert_ne!(a.units_csv, b.units_csv);
        assert_ne!(a.toml, b.toml);
    }

    #[test]
    fn toml_parses_with_expected_counts() {
        for (units, reps, risks) in [(1, 1, 3), (7, 7, 3), (40, 3, 4), (2000, 40, 20)] {
            let s = spec(units, reps, risks, 7);
            let g = synthetic(&s);
            let t = table(&g);
            assert_eq!(array(&t, "reps").len(), reps);
            assert_eq!(array(&t, "risks").len(), risks);
            for key in [
                "scenario",
                "seasonality",
                "units",
                "rep_defaults",
                "correlation",
                "quotas",
                "comp_plan",
            ] {
                assert!(t.contains_key(key), "missing [{key}]");
            }
            assert_eq!(t["units"]["file"].as_str(), Some("synthetic-units.csv"));
            assert_eq!(
                t["scenario"]["name"].as_str().unwrap(),
                format!("synthetic-{units}u-{reps}r-{risks}k")
            );
            assert_eq!(t["scenario"]["seed"].as_integer(), Some(7));
            let w = t["seasonality"]["weights"].as_array().unwrap();
            assert_eq!(w.len(), 12);
            let sum: f64 = w.iter().map(|v| v.as_float().unwrap()).sum();
            assert!((sum - 1.0).abs() < 0.002, "weights sum {sum}");
        }
    }

    #[test]
    fn every_risk_kind_present_and_ids_unique() {
        for risks in [3, 4, 10, 25] {
            let t = table(&synthetic(&spec(300, 10, risks, 3)));
            let list = array(&t, "risks");
            let kinds: HashSet<&str> = list.iter().map(|r| r["kind"].as_str().unwrap()).collect();
            assert_eq!(kinds, HashSet::from(["shock", "event", "account_loss"]));
            let ids: HashSet<&str> = list.iter().map(|r| r["id"].as_str().unwrap()).collect();
            assert_eq!(ids.len(), risks);
            assert_eq!(list[0]["applies_to"].as_str(), Some("all"));
            for r in list {
                match r["kind"].as_str().unwrap() {
                    "shock" => assert!(!r.as_table().unwrap().contains_key("probability")),
                    "event" => {
                        let p = r["probability"].as_float().unwrap();
                        assert!((0.02..=0.3).contains(&p));
                        let from = r["start"]["from"].as_integer().unwrap();
                        let to = r["start"]["to"].as_integer().unwrap();
                        assert!(1 <= from && from < to && to <= 12);
                    }
                    _ => {
                        let p = r["probability"].as_float().unwrap();
                        assert!((0.02..=0.3).contains(&p));
                    }
                }
            }
            // correlation pairs name existing risks and are not all pairs
            let pairs = t["correlation"]["pairs"].as_array().unwrap();
            assert!(!pairs.is_empty() && pairs.len() < risks * (risks - 1) / 2);
            for p in pairs {
                let p = p.as_array().unwrap();
                assert!(ids.contains(p[0].as_str().unwrap()));
                assert!(ids.contains(p[1].as_str().unwrap()));
                let rho = p[2].as_float().unwrap();
                assert!(rho > 0.0 && rho <= 0.5);
            }
        }
    }

    #[test]
    fn scopes_name_existing_things() {
        let g = synthetic(&spec(1000, 25, 30, 11));
        let t = table(&g);
        let rows = rows(&g);
        let unit_ids: HashSet<&str> = rows.iter().map(|r| r[0]).collect();
        let regions: HashSet<&str> = rows.iter().map(|r| r[2]).collect();
        let segments: HashSet<&str> = rows.iter().map(|r| r[3]).collect();
        let rep_ids: HashSet<&str> = array(&t, "reps")
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        let mut seen = HashSet::new();
        for r in array(&t, "risks").iter().skip(1) {
            let scope = r["applies_to"].as_table().unwrap();
            assert_eq!(scope.len(), 1);
            let (key, list) = scope.iter().next().unwrap();
            let known = match key.as_str() {
                "regions" => &regions,
                "segments" => &segments,
                "units" => &unit_ids,
                "reps" => &rep_ids,
                other => panic!("unexpected scope {other}"),
            };
            seen.insert(key.clone());
            for v in list.as_array().unwrap() {
                assert!(known.contains(v.as_str().unwrap()), "{key}: {v}");
            }
        }
        assert_eq!(seen.len(), 4, "scopes used: {seen:?}");
    }

    #[test]
    fn csv_shape_and_ownership() {
        for (units, reps) in [(1, 1), (10, 10), (997, 31), (5000, 100)] {
            let g = synthetic(&spec(units, reps, 5, 99));
            assert_eq!(g.units_csv.lines().count(), units + 1);
            assert_eq!(g.units_csv.lines().next(), Some(UNITS_CSV_HEADER));
            let t = table(&g);
            let rep_ids: Vec<&str> = array(&t, "reps")
                .iter()
                .map(|r| r["id"].as_str().unwrap())
                .collect();
            let known: HashSet<&str> = rep_ids.iter().copied().collect();
            let mut owned: HashMap<&str, usize> = HashMap::new();
            for r in rows(&g) {
                assert_eq!(r.len(), 12, "{r:?}");
                assert!(known.contains(r[10]), "unknown owner {}", r[10]);
                *owned.entry(r[10]).or_default() += 1;
                let x: f64 = r[4].parse().unwrap();
                let y: f64 = r[5].parse().unwrap();
                assert!((0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y));
                assert!(r[6].parse::<u64>().unwrap() > 0);
                let cv: f64 = r[7].parse().unwrap();
                assert!(cv == 0.0 || (0.1..=0.35).contains(&cv));
                assert!(r[8].parse::<f64>().unwrap() > 0.0);
                assert!(r[9].parse::<u32>().unwrap() >= 1);
                assert!(r[11] == "true" || r[11] == "false");
            }
            for id in &rep_ids {
                assert!(
                    owned.get(id).copied().unwrap_or(0) >= 1,
                    "{id} owns nothing"
                );
            }
        }
    }

    #[test]
    fn workload_and_quotas_are_realistic() {
        let g = synthetic(&spec(10_000, 200, 20, 5));
        let t = table(&g);
        let target = t["scenario"]["company_target"].as_integer().unwrap() as f64;
        let mut potential: HashMap<&str, f64> = HashMap::new();
        let mut work: HashMap<&str, f64> = HashMap::new();
        for r in rows(&g) {
            *potential.entry(r[10]).or_default() += r[6].parse::<f64>().unwrap();
            *work.entry(r[10]).or_default() += r[8].parse::<f64>().unwrap();
        }
        let total: f64 = potential.values().sum();
        // 0.95 x potential, less the risk register's expected drag
        let share = target / total;
        assert!((0.8..0.95).contains(&share), "target / potential {share}");
        let median = {
            let mut p: Vec<f64> = rows(&g).iter().map(|r| r[6].parse().unwrap()).collect();
            p.sort_by(f64::total_cmp);
            p[p.len() / 2]
        };
        assert!((200_000.0..450_000.0).contains(&median), "median {median}");
        let mut overloaded = 0;
        let mut quotas = 0.0;
        for rep in array(&t, "reps") {
            let id = rep["id"].as_str().unwrap();
            let capacity = rep
                .get("capacity_hours")
                .and_then(|c| c.as_integer())
                .unwrap_or(1600) as f64;
            if work[id] > capacity {
                overloaded += 1;
            }
            let quota = rep["quota"].as_integer().unwrap() as f64;
            quotas += quota;
            if rep.get("start_month").is_none() && rep.get("ramp_remaining").is_none() {
                let ratio = quota / potential[id];
                assert!(
                    (0.75..1.25).contains(&ratio),
                    "{id}: quota/potential {ratio}"
                );
            }
        }
        assert!((15..=35).contains(&overloaded), "{overloaded} overloaded");
        let over_assignment = quotas / target - 1.0;
        assert!((0.05..0.2).contains(&over_assignment), "{over_assignment}");
    }

    #[test]
    fn large_scenario_is_plain_text() {
        let g = synthetic(&spec(100_000, 2000, 50, 8));
        assert_eq!(g.units_csv.lines().count(), 100_001);
        assert!(g.units_csv.lines().nth(1).unwrap().starts_with("U000001,"));
        let odd = g
            .units_csv
            .lines()
            .skip(1)
            .find(|l| l.contains('_') || l.contains("e-") || l.contains("NaN"));
        assert_eq!(odd, None);
        let t = table(&g);
        assert_eq!(array(&t, "reps").len(), 2000);
        assert_eq!(array(&t, "reps")[0]["id"].as_str(), Some("R0001"));
    }

    #[test]
    fn float_formatting() {
        assert_eq!(f(0.25, 4), "0.25");
        assert_eq!(f(1.0, 3), "1.0");
        assert_eq!(f(-0.00001, 3), "0.0");
        assert_eq!(f(-0.125, 3), "-0.125");
        assert_eq!(f(1234.56, 1), "1234.6");
    }

    #[test]
    #[should_panic(expected = "risks (2) must be at least 3")]
    fn too_few_risks_panics() {
        synthetic(&spec(10, 2, 2, 1));
    }

    #[test]
    #[should_panic(expected = "units (3) must be at least reps (4)")]
    fn fewer_units_than_reps_panics() {
        synthetic(&spec(3, 4, 3, 1));
    }
}
