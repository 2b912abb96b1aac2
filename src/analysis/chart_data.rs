//! What the charts need beyond `summary.json`: the shape of the team
//! distribution, the running estimate of P(team hits target), per-rep
//! attainment quantiles, the payout curve and the units' locations. Written
//! by `simulate` as `charts.json` (see [`crate::report`]), so `quotaplan report RESULT_DIR` can draw
//! every chart without simulating again. Small: a few kilobytes plus one
//! row per unit.

use super::Summary;
use crate::engine::SimResult;
use crate::model::geo::Projection;
use crate::model::{Location, Model};
use crate::stats::{hits, quantile_unsorted};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Bins of the team sales histogram.
const TEAM_BINS: usize = 60;
/// Most points kept of the convergence trace.
const CONVERGENCE_POINTS: usize = 400;
/// Quantile points per rep pooled into the attainment histogram.
const POOL_POINTS: usize = 400;
/// Bins of the pooled attainment histogram.
const ATTAINMENT_BINS: usize = 60;

/// Equal-width histogram on `[lo, hi]`: `counts[i]` are the values in the
/// i-th of `counts.len()` bins (the last bin includes `hi`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Hist {
    pub lo: f64,
    pub hi: f64,
    pub counts: Vec<u64>,
    /// Values above `hi` (for histograms on a fixed range).
    #[serde(default)]
    pub above: u64,
}

impl Hist {
    /// Histogram of `values` on `[lo, hi]`; values beyond count in `above`
    /// (or in the first bin, below `lo`).
    pub fn of(values: impl Iterator<Item = f64>, lo: f64, hi: f64, bins: usize) -> Hist {
        let mut h = Hist {
            lo,
            hi,
            counts: vec![0; bins.max(1)],
            above: 0,
        };
        let width = (hi - lo) / h.counts.len() as f64;
        for v in values {
            if !v.is_finite() {
                continue;
            }
            if v > hi {
                h.above += 1;
                continue;
            }
            let b = if width > 0.0 {
                (((v - lo) / width) as usize).min(h.counts.len() - 1)
            } else {
                0
            };
            h.counts[b] += 1;
        }
        h
    }

    pub fn width(&self) -> f64 {
        (self.hi - self.lo) / self.counts.len() as f64
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().sum::<u64>() + self.above
    }
}

/// The running estimate of P(team hits target) after `trials` trials.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ConvergencePoint {
    pub trials: u64,
    pub p_hit: f64,
    pub se: f64,
}

/// Attainment quantiles of one rep (sales quantile / quota).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RepDist {
    pub id: String,
    pub p5: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p90: f64,
    pub p95: f64,
    pub mean: f64,
}

/// The comp plan's payout curve.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PayoutCurve {
    pub target_incentive: f64,
    /// (attainment, multiple of the target incentive).
    pub curve: Vec<[f64; 2]>,
    /// The plan also pays commission tiers (not part of the curve).
    pub commission: bool,
    /// Share of the team bonus pool per rep when the team makes target.
    pub team_bonus: Option<f64>,
}

/// A unit on the map.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct MapUnit {
    pub id: String,
    pub name: String,
    /// Planar coordinates (x east, y north); lat/lon projected to km by
    /// [`Projection`], as territory design measures them.
    pub x: f64,
    pub y: f64,
    pub potential: f64,
    /// Index of the owning rep (into `MapData::reps`).
    pub owner: Option<usize>,
}

/// A rep on the map.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct MapRep {
    pub id: String,
    pub name: String,
    /// The rep's home, in map coordinates, when known.
    pub home: Option<[f64; 2]>,
}

/// Units with locations and the reps that may own them.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct MapData {
    /// "planar" or "lon/lat".
    pub projection: String,
    pub units: Vec<MapUnit>,
    pub reps: Vec<MapRep>,
}

impl MapData {
    /// The model's located units with their current owners; `None` when no
    /// unit has a location.
    pub fn from_model(model: &Model) -> Option<MapData> {
        let geo = model
            .units
            .iter()
            .filter(|u| matches!(u.location, Some(Location::Geo { .. })))
            .count();
        let planar = model
            .units
            .iter()
            .filter(|u| matches!(u.location, Some(Location::Planar { .. })))
            .count();
        if geo == 0 && planar == 0 {
            return None;
        }
        // A map shows one kind of coordinates: the kind most units have.
        let use_geo = geo > planar;
        let projection = Projection::for_units(&model.units);
        let units = model
            .units
            .iter()
            .filter_map(|u| {
                let loc = u.location.as_ref()?;
                if matches!(loc, Location::Geo { .. }) != use_geo {
                    return None;
                }
                let (x, y) = projection.project(loc);
                Some(MapUnit {
                    id: u.id.clone(),
                    name: u.name.clone(),
                    x,
                    y,
                    potential: u.potential.mean(),
                    owner: u.owner,
                })
            })
            .collect();
        Some(MapData {
            projection: if use_geo { "lon/lat" } else { "planar" }.to_string(),
            units,
            reps: model
                .reps
                .iter()
                .map(|r| MapRep {
                    id: r.id.clone(),
                    name: r.name.clone(),
                    // The home unit's location, when it is on the map.
                    home: r.home_unit.and_then(|h| {
                        let unit = model.units.get(h)?;
                        let loc = unit.location.as_ref()?;
                        if matches!(loc, Location::Geo { .. }) != use_geo {
                            return None;
                        }
                        let (x, y) = projection.project(loc);
                        Some([x, y])
                    }),
                })
                .collect(),
        })
    }

    /// The current owner of each unit, as an assignment for the map.
    pub fn current(&self) -> Vec<Option<usize>> {
        self.units.iter().map(|u| u.owner).collect()
    }

    /// An assignment for the map (indexed like `units`, which holds only
    /// the located units) from a rep index per unit id, e.g. a split's
    /// proposal.
    pub fn assign_by_id(&self, owner_of: impl Fn(&str) -> Option<usize>) -> Vec<Option<usize>> {
        self.units.iter().map(|u| owner_of(&u.id)).collect()
    }
}

/// Everything the charts need that `summary.json` does not hold.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ChartData {
    pub version: String,
    /// Team sales over the horizon, trial by trial, binned.
    pub team_sales: Hist,
    /// P(team hits target) at chunk boundaries.
    pub convergence: Vec<ConvergencePoint>,
    /// Per rep, in the order of `summary.reps`.
    pub reps: Vec<RepDist>,
    /// Every rep's attainment distribution pooled (equal weight per rep),
    /// on [0, `attainment.hi`], for the payout chart.
    pub attainment: Hist,
    pub payout: Option<PayoutCurve>,
    pub map: Option<MapData>,
}

impl ChartData {
    /// Keeps the per-rep entries of the reps `summary` lists, in its order:
    /// the chart data that goes with a summary bounded by
    /// [`Summary::bounded`]. Unchanged when the summary lists every rep.
    pub fn keep_listed(&mut self, summary: &Summary) {
        if summary.rep_digest.is_none() {
            return;
        }
        let mut by_id: HashMap<String, RepDist> = std::mem::take(&mut self.reps)
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect();
        self.reps = summary
            .reps
            .iter()
            .filter_map(|r| by_id.remove(&r.id))
            .collect();
    }

    /// What `charts.json` holds beside `summary` as written (see
    /// [`ChartData::keep_listed`]), without copying the rest.
    pub fn listed<'a>(&'a self, summary: &Summary) -> impl Serialize + use<'a> {
        let wanted: Option<HashMap<&str, usize>> = summary.rep_digest.as_ref().map(|_| {
            summary
                .reps
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id.as_str(), i))
                .collect()
        });
        let reps: Vec<&RepDist> = match wanted {
            None => self.reps.iter().collect(),
            Some(order) => {
                let mut listed: Vec<(usize, &RepDist)> = self
                    .reps
                    .iter()
                    .filter_map(|r| order.get(r.id.as_str()).map(|&i| (i, r)))
                    .collect();
                listed.sort_by_key(|&(i, _)| i);
                listed.into_iter().map(|(_, r)| r).collect()
            }
        };
        ListedCharts {
            version: &self.version,
            team_sales: &self.team_sales,
            convergence: &self.convergence,
            reps,
            attainment: &self.attainment,
            payout: &self.payout,
            map: &self.map,
        }
    }
}

/// [`ChartData`] with some of its reps: the same fields in the same order.
#[derive(Serialize)]
struct ListedCharts<'a> {
    version: &'a str,
    team_sales: &'a Hist,
    convergence: &'a [ConvergencePoint],
    reps: Vec<&'a RepDist>,
    attainment: &'a Hist,
    payout: &'a Option<PayoutCurve>,
    map: &'a Option<MapData>,
}

/// Collects the chart data of a run.
pub fn chart_data(model: &Model, res: &SimResult) -> ChartData {
    let n = res.team.len();
    let (lo, hi) = res
        .team
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    let (lo, hi) = if lo.is_finite() && hi > lo {
        (lo, hi)
    } else {
        let c = if lo.is_finite() { lo } else { 0.0 };
        (c - 0.5, c + 0.5)
    };
    let team_sales = Hist::of(res.team.iter().copied(), lo, hi, TEAM_BINS);

    let chunk = res.chunk_size.max(1) as usize;
    let boundaries: Vec<usize> = (1..=n.div_ceil(chunk))
        .map(|c| (c * chunk).min(n))
        .collect();
    let step = boundaries.len().div_ceil(CONVERGENCE_POINTS).max(1);
    let target = model.company_target;
    let mut convergence = Vec::new();
    let mut hits_so_far = 0u64;
    let mut done = 0usize;
    for (k, &b) in boundaries.iter().enumerate() {
        hits_so_far += hits(&res.team[done..b], target);
        done = b;
        if (k + 1) % step == 0 || k + 1 == boundaries.len() {
            let p = hits_so_far as f64 / b as f64;
            convergence.push(ConvergencePoint {
                trials: b as u64,
                p_hit: p,
                se: (p * (1.0 - p) / b as f64).sqrt(),
            });
        }
    }

    let reps: Vec<RepDist> = model
        .reps
        .iter()
        .zip(&res.reps)
        .zip(&res.quotas)
        .map(|((r, st), &quota)| {
            let q = st
                .hist
                .quantiles(&[0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95]);
            let a = |k: usize| if quota > 0.0 { q[k] / quota } else { 0.0 };
            RepDist {
                id: r.id.clone(),
                p5: a(0),
                p10: a(1),
                p25: a(2),
                p50: a(3),
                p75: a(4),
                p90: a(5),
                p95: a(6),
                mean: if quota > 0.0 {
                    st.sales.mean / quota
                } else {
                    0.0
                },
            }
        })
        .collect();

    // Pooled attainment: each rep's distribution represented by its
    // quantiles at evenly spaced probabilities.
    let points: Vec<f64> = (0..POOL_POINTS)
        .map(|k| (k as f64 + 0.5) / POOL_POINTS as f64)
        .collect();
    let mut pooled: Vec<f64> = Vec::with_capacity(res.reps.len() * POOL_POINTS);
    for (st, &quota) in res.reps.iter().zip(&res.quotas) {
        if quota > 0.0 && st.hist.total() > 0 {
            pooled.extend(st.hist.quantiles(&points).into_iter().map(|x| x / quota));
        }
    }
    let curve_end = model
        .comp_plan
        .as_ref()
        .and_then(|c| c.curve.last().map(|p| p.0))
        .unwrap_or(0.0);
    let p99 = if pooled.is_empty() {
        2.0
    } else {
        quantile_unsorted(&mut pooled, 0.99)
    };
    let a_hi = ((curve_end + 0.25).max(p99).clamp(1.5, 4.0) * 10.0).ceil() / 10.0;
    let attainment = Hist::of(pooled.iter().copied(), 0.0, a_hi, ATTAINMENT_BINS);

    let payout = model.comp_plan.as_ref().map(|c| PayoutCurve {
        target_incentive: c.target_incentive,
        curve: c.curve.iter().map(|&(a, m)| [a, m]).collect(),
        commission: !c.commission.is_empty(),
        team_bonus: c
            .team_bonus
            .as_ref()
            .map(|b| b.pool / model.reps.len().max(1) as f64),
    });

    ChartData {
        version: env!("CARGO_PKG_VERSION").to_string(),
        team_sales,
        convergence,
        reps,
        attainment,
        payout,
        map: MapData::from_model(model),
    }
}
