//! Whether a set of parts can be merged: every part written by this
//! version, all of one run, and together covering the run exactly once.
//! Every problem is found in one pass; parts are named by their index in
//! the slice given, so the caller can name them by file.

use super::Header;
use crate::engine::shard::block;

/// A share of a run as a reader names it: `chunks 0..3 (trials
/// 0..3000)` or `grid points 4..6`.
pub fn held(h: &Header, range: [u64; 2]) -> String {
    if h.unit == "chunks" {
        let trial = |c: u64| (c * h.chunk_size).min(h.trials);
        format!(
            "chunks {}..{} (trials {}..{})",
            range[0],
            range[1],
            trial(range[0]),
            trial(range[1])
        )
    } else {
        format!("{} {}..{}", h.unit, range[0], range[1])
    }
}

/// Why parts cannot be merged.
#[derive(Clone, Debug, PartialEq)]
pub enum MergeProblem {
    /// Written by another quotaplan version: results are promised the same
    /// only within one version.
    OtherVersion { part: usize, version: String },
    /// Of another run than the first part: the first field (`what`) that
    /// differs, with both values.
    OtherRun {
        part: usize,
        first: usize,
        what: &'static str,
        value: String,
        first_value: String,
    },
    /// It holds a share outside the run.
    Outside { part: usize, held: String },
    /// Two parts hold the same share.
    Duplicate {
        part: usize,
        other: usize,
        held: String,
    },
    /// A part overlaps the one before it; `twice` is what would count
    /// twice.
    Overlap {
        part: usize,
        other: usize,
        held: String,
        other_held: String,
        twice: String,
    },
    /// No parts at all.
    NoParts,
    /// A share no part holds, with the tasks (`I/N`) of the parts' split
    /// that hold it.
    Missing { held: String, tasks: Vec<String> },
}

/// Parts (their headers, in the order given) that are not of one run of
/// quotaplan `version`.
pub fn mismatches(parts: &[&Header], version: &str) -> Vec<MergeProblem> {
    let mut found = Vec::new();
    for (i, h) in parts.iter().enumerate() {
        if h.quotaplan_version != version {
            found.push(MergeProblem::OtherVersion {
                part: i,
                version: h.quotaplan_version.clone(),
            });
        }
    }
    if let Some(first) = parts.first() {
        for (i, h) in parts.iter().enumerate().skip(1) {
            let differs = first
                .identity()
                .into_iter()
                .zip(h.identity())
                .find(|((what, a), (_, b))| *what != "quotaplan version" && a != b);
            if let Some(((what, a), (_, b))) = differs {
                found.push(MergeProblem::OtherRun {
                    part: i,
                    first: 0,
                    what,
                    value: b,
                    first_value: a,
                });
            }
        }
    }
    found
}

/// Duplicates, overlaps and gaps of the parts' ranges (of parts of one
/// run).
pub fn coverage(parts: &[&Header]) -> Vec<MergeProblem> {
    let Some(h0) = parts.first() else {
        return vec![MergeProblem::NoParts];
    };
    let total = h0.total;
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|&i| (parts[i].range[0], parts[i].range[1]));
    let mut found = Vec::new();
    let mut covered_to = 0u64;
    let mut last: Option<usize> = None;
    for &i in &order {
        let h = parts[i];
        let [a, b] = h.range;
        if b > total || a > b {
            found.push(MergeProblem::Outside {
                part: i,
                held: held(h, h.range),
            });
            continue;
        }
        if let Some(p) = last {
            let ph = parts[p];
            if ph.range == h.range {
                found.push(MergeProblem::Duplicate {
                    part: i,
                    other: p,
                    held: held(h, h.range),
                });
                continue;
            }
            if a < covered_to {
                found.push(MergeProblem::Overlap {
                    part: i,
                    other: p,
                    held: held(h, h.range),
                    other_held: held(ph, ph.range),
                    twice: held(h, [a, covered_to.min(b)]),
                });
            }
        }
        if a > covered_to {
            found.push(missing(h0, [covered_to, a]));
        }
        covered_to = covered_to.max(b);
        last = Some(i);
    }
    if covered_to < total {
        found.push(missing(h0, [covered_to, total]));
    }
    found
}

/// A gap, with the tasks of the parts' split that hold it.
fn missing(h: &Header, gap: [u64; 2]) -> MergeProblem {
    let n = h.tasks;
    let tasks = (1..=n)
        .filter(|&i| {
            let r = block(h.total, i, n);
            r.start < gap[1] && r.end > gap[0]
        })
        .map(|i| format!("{i}/{n}"))
        .collect();
    MergeProblem::Missing {
        held: held(h, gap),
        tasks,
    }
}
