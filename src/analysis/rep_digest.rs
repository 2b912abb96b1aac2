//! A run with more reps than anyone reads one by one: `summary.json` and
//! the terminal keep the team, the distribution of P(attain) across reps
//! and the worst and best reps, and leave every rep's figures to the CSV
//! files (`reps.csv`, `rep_quarters.csv`), which always hold them all. Up
//! to [`MAX_LISTED_REPS`] reps nothing changes.

use super::summary::{Fairness, QuotaInfo, Reforecast, RepSummary, Summary};
use crate::stats::{Welford, quantile_sorted};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// `summary.json` lists every rep up to this many; above, only the worst
/// and best [`LISTED_REPS`] (a run of 1,000 reps writes a summary of about
/// 4 MB; 100,000 reps would write 380 MB).
pub const MAX_LISTED_REPS: usize = 1000;
/// Reps listed at each end (lowest and highest P(attain)) above
/// [`MAX_LISTED_REPS`].
pub const LISTED_REPS: usize = 10;
/// The result files that hold every rep.
pub const REP_DETAIL: [&str; 2] = ["reps.csv", "rep_quarters.csv"];

/// What a summary that does not list every rep says about them all.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RepDigest {
    /// Reps in the run (`reps` holds only `worst` and `best`).
    pub count: usize,
    /// Every rep is listed up to this many reps.
    pub listed_up_to: usize,
    /// Files of the result folder that hold every rep.
    pub detail: Vec<String>,
    /// P(attain) across reps.
    pub p_attain: Across,
    /// Reps per tenth of P(attain): [0, 0.1), [0.1, 0.2), ..., [0.9, 1].
    pub p_attain_bands: Vec<RepBand>,
    /// Ids of the listed reps with the lowest P(attain), lowest first.
    pub worst: Vec<String>,
    /// Ids of the listed reps with the highest P(attain), highest first.
    pub best: Vec<String>,
    /// Fairness flags, pinned quotas and re-forecast seats of reps that
    /// are not listed, left out of the summary.
    pub flags_left_out: usize,
    pub pinned_left_out: usize,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub reforecast_left_out: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A quantity's distribution across reps (each rep counts once).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Across {
    pub mean: f64,
    pub min: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p90: f64,
    pub max: f64,
}

/// How many reps have a P(attain) in `[from, to)` (the last band includes 1).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RepBand {
    pub from: f64,
    pub to: f64,
    pub reps: usize,
}

const BANDS: usize = 10;

impl Summary {
    /// The summary as `summary.json` and the terminal show it: itself up
    /// to [`MAX_LISTED_REPS`] reps, else with only the worst and best
    /// reps listed and a [`RepDigest`] of them all. The CSV files are
    /// written from the whole summary.
    pub fn bounded(&self) -> Cow<'_, Summary> {
        if self.reps.len() <= MAX_LISTED_REPS || self.rep_digest.is_some() {
            return Cow::Borrowed(self);
        }
        let (worst, best) = ends(&self.reps, LISTED_REPS);
        let listed: Vec<usize> = worst.iter().chain(&best).copied().collect();
        let ids = |list: &[usize]| -> Vec<String> {
            list.iter().map(|&i| self.reps[i].id.clone()).collect()
        };
        let is_listed = |id: &str| listed.iter().any(|&i| self.reps[i].id == id);
        let flags: Vec<_> = self
            .fairness
            .flags
            .iter()
            .filter(|f| is_listed(&f.id))
            .cloned()
            .collect();
        let pinned: Vec<_> = self
            .quota
            .pinned
            .iter()
            .filter(|p| is_listed(&p.id))
            .cloned()
            .collect();
        let reforecast = self.reforecast.as_ref().map(|rf| Reforecast {
            reps: rf
                .reps
                .iter()
                .filter(|s| is_listed(&s.id))
                .cloned()
                .collect(),
            team: rf.team.clone(),
            ..*rf
        });
        let digest = RepDigest {
            count: self.reps.len(),
            listed_up_to: MAX_LISTED_REPS,
            detail: REP_DETAIL.iter().map(|s| s.to_string()).collect(),
            p_attain: across(self.reps.iter().map(|r| r.p_attain)),
            p_attain_bands: bands(self.reps.iter().map(|r| r.p_attain)),
            worst: ids(&worst),
            best: ids(&best),
            flags_left_out: self.fairness.flags.len() - flags.len(),
            pinned_left_out: self.quota.pinned.len() - pinned.len(),
            reforecast_left_out: self.reforecast.as_ref().map_or(0, |rf| {
                rf.reps.len() - reforecast.as_ref().map_or(0, |r| r.reps.len())
            }),
        };
        Cow::Owned(Summary {
            version: self.version.clone(),
            scenario: self.scenario.clone(),
            currency: self.currency.clone(),
            months: self.months,
            seed: self.seed,
            trials: self.trials,
            chunk_size: self.chunk_size,
            generator: self.generator.clone(),
            sampler: self.sampler.clone(),
            deal_sampler: self.deal_sampler.clone(),
            reached_precision: self.reached_precision,
            team: self.team.clone(),
            quota: QuotaInfo {
                pinned,
                ..self.quota.clone_without_pins()
            },
            reps: listed.iter().map(|&i| self.reps[i].clone()).collect(),
            rep_digest: Some(digest),
            groups: self.groups.clone(),
            quarters: self.quarters.clone(),
            compensation: self.compensation.clone(),
            risks: self.risks.clone(),
            fairness: Fairness {
                flags,
                ..self.fairness.clone_without_flags()
            },
            reforecast,
            warnings: self.warnings.clone(),
        })
    }

    /// [`Summary::bounded`], owned.
    pub fn into_bounded(self) -> Summary {
        if self.reps.len() <= MAX_LISTED_REPS || self.rep_digest.is_some() {
            self
        } else {
            self.bounded().into_owned()
        }
    }

    /// The number of reps in the run (listed or not).
    pub fn rep_count(&self) -> usize {
        self.rep_digest
            .as_ref()
            .map_or(self.reps.len(), |d| d.count)
    }
}

impl QuotaInfo {
    fn clone_without_pins(&self) -> QuotaInfo {
        QuotaInfo {
            method: self.method.clone(),
            over_assignment: self.over_assignment,
            total: self.total,
            p_star: self.p_star,
            pinned: Vec::new(),
        }
    }
}

impl Fairness {
    fn clone_without_flags(&self) -> Fairness {
        Fairness {
            p_attain_min: self.p_attain_min,
            p_attain_max: self.p_attain_max,
            p_attain_sd: self.p_attain_sd,
            corr_size_attainment: self.corr_size_attainment,
            flags: Vec::new(),
        }
    }
}

/// Indices of the `k` reps with the lowest P(attain) (lowest first) and
/// the `k` with the highest (highest first); ties go to the earlier rep.
fn ends(reps: &[RepSummary], k: usize) -> (Vec<usize>, Vec<usize>) {
    let mut order: Vec<usize> = (0..reps.len()).collect();
    order.sort_by(|&a, &b| {
        reps[a]
            .p_attain
            .total_cmp(&reps[b].p_attain)
            .then(a.cmp(&b))
    });
    let k = k.min(reps.len() / 2);
    let worst = order[..k].to_vec();
    let mut best: Vec<usize> = order[order.len() - k..].to_vec();
    // Highest first; among equal P(attain) the earlier rep first.
    best.sort_by(|&a, &b| {
        reps[b]
            .p_attain
            .total_cmp(&reps[a].p_attain)
            .then(a.cmp(&b))
    });
    (worst, best)
}

fn across(values: impl Iterator<Item = f64>) -> Across {
    let mut sorted: Vec<f64> = values.collect();
    let mut w = Welford::default();
    sorted.iter().for_each(|&x| w.push(x));
    sorted.sort_by(f64::total_cmp);
    let q = |p| quantile_sorted(&sorted, p);
    Across {
        mean: w.mean,
        min: q(0.0),
        p10: q(0.1),
        p25: q(0.25),
        p50: q(0.5),
        p75: q(0.75),
        p90: q(0.9),
        max: q(1.0),
    }
}

fn bands(values: impl Iterator<Item = f64>) -> Vec<RepBand> {
    let mut counts = [0usize; BANDS];
    for p in values {
        // The band whose `from` is the last at or below p, as written.
        let b = (1..BANDS).filter(|&k| p >= k as f64 / BANDS as f64).count();
        counts[b] += 1;
    }
    counts
        .iter()
        .enumerate()
        .map(|(b, &reps)| RepBand {
            from: b as f64 / BANDS as f64,
            to: (b + 1) as f64 / BANDS as f64,
            reps,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_count_each_rep_once_and_include_one() {
        let b = bands([0.0, 0.05, 0.1, 0.3, 0.7, 0.95, 1.0].into_iter());
        assert_eq!(b.len(), BANDS);
        assert_eq!(b[0].reps, 2);
        assert_eq!(b[1].reps, 1);
        assert_eq!(
            (b[3].reps, b[7].reps),
            (1, 1),
            "a band starts at its `from`"
        );
        assert_eq!(b[9].reps, 2);
        assert_eq!(b.iter().map(|x| x.reps).sum::<usize>(), 7);
    }

    #[test]
    fn quantiles_across_reps_are_exact() {
        let a = across((0..=100).map(|i| f64::from(i) / 100.0));
        assert_eq!(
            (a.min, a.p10, a.p50, a.p90, a.max),
            (0.0, 0.1, 0.5, 0.9, 1.0)
        );
        assert!((a.mean - 0.5).abs() < 1e-12);
    }
}
