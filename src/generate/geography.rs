//! The organisation's geography: segments, regions on a jittered grid and
//! units clustered around their region's centre.

use super::{MEDIAN_POTENTIAL, digits, normal, round_dp, round_to, uniform};
use rand::RngExt;
use rand::rngs::ChaCha8Rng;

pub(super) struct Segment {
    pub(super) name: &'static str,
    /// share of units in this segment
    pub(super) share: f64,
    /// multiplies the median potential
    pub(super) potential_factor: f64,
    /// range of the potential's coefficient of variation
    pub(super) cv: (f64, f64),
    /// average annual sales per account
    pub(super) value_per_account: f64,
    /// selling hours per 100 000 of potential, before scaling to capacity
    hours_per_100k: f64,
}

pub(super) const SEGMENTS: [Segment; 4] = [
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
pub(super) const ENTERPRISE: u8 = 2;

pub(super) struct Region {
    pub(super) name: String,
    pub(super) cx: f64,
    pub(super) cy: f64,
    /// multiplies the potential of the region's units (urban vs rural)
    pub(super) potential_factor: f64,
}

pub(super) struct Unit {
    pub(super) region: usize,
    pub(super) segment: u8,
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) potential: f64,
    pub(super) cv: f64,
    pub(super) workload: f64,
    pub(super) accounts: u32,
    pub(super) locked: bool,
}

pub(super) fn regions(rng: &mut ChaCha8Rng, count: usize) -> Vec<Region> {
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

pub(super) fn units(rng: &mut ChaCha8Rng, count: usize, regions: &[Region]) -> Vec<Unit> {
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
pub(super) fn coordinate_decimals(units: usize) -> usize {
    digits(units).clamp(4, 7)
}
