//! The hard constraints, checked from scratch. Kept apart from the
//! optimizer's incremental bookkeeping so a result can be audited by code
//! that shares none of it.

use super::Graph;
use std::collections::VecDeque;

/// One broken hard constraint.
#[derive(Clone, Debug, PartialEq)]
pub enum Violation {
    /// The assignment (or weight, lock, target list) has the wrong length.
    Length {
        what: &'static str,
        expected: usize,
        got: usize,
    },
    /// A unit names a territory outside `0..k`.
    OutOfRange { unit: usize, territory: usize },
    /// A territory has no units.
    Empty { territory: usize },
    /// Within one graph component the territory falls into `pieces` parts.
    NotContiguous {
        territory: usize,
        component: usize,
        pieces: usize,
    },
    /// `deviation = weight / target - 1` is outside `±tolerance`.
    Unbalanced {
        territory: usize,
        weight: f64,
        target: f64,
        deviation: f64,
    },
    /// A locked unit is not in its territory.
    Locked {
        unit: usize,
        required: usize,
        got: usize,
    },
    /// A unit lies beyond its territory's travel radius.
    TooFar {
        unit: usize,
        territory: usize,
        km: f64,
        limit: f64,
    },
    /// A territory does not hold its rep's home unit.
    HomeOutside {
        territory: usize,
        home: usize,
        got: usize,
    },
    /// More of the disruption weight changed owner than the cap allows.
    Disruption { share: f64, cap: f64 },
    /// More accounts changed owner than the cap allows.
    Accounts { moved: f64, cap: f64 },
}

/// The limits beyond contiguity and balance: travel radius (`km[t][u]`,
/// empty rows for territories without a home), home containment, and the
/// disruption and account caps against the current owners.
pub struct Limits<'a> {
    pub km: &'a [Option<Vec<f64>>],
    pub max_distance: &'a [Option<f64>],
    pub anchors: &'a [Option<usize>],
    pub current: &'a [Option<usize>],
    pub disruption_weight: &'a [f64],
    pub max_disruption: Option<f64>,
    pub accounts: &'a [f64],
    pub max_moved_accounts: Option<f64>,
}

/// Checks [`Limits`] from scratch.
pub fn check_limits(assignment: &[usize], l: &Limits<'_>) -> Vec<Violation> {
    let mut out = Vec::new();
    for (unit, &t) in assignment.iter().enumerate() {
        if let (Some(Some(km)), Some(Some(limit))) = (l.km.get(t), l.max_distance.get(t))
            && km[unit] > *limit * (1.0 + 1e-12)
        {
            out.push(Violation::TooFar {
                unit,
                territory: t,
                km: km[unit],
                limit: *limit,
            });
        }
    }
    for (territory, home) in l.anchors.iter().enumerate() {
        if let Some(home) = *home
            && assignment[home] != territory
        {
            out.push(Violation::HomeOutside {
                territory,
                home,
                got: assignment[home],
            });
        }
    }
    let (mut moved, mut owned, mut accounts) = (0.0, 0.0, 0.0);
    for (u, c) in l.current.iter().enumerate() {
        if let Some(c) = *c {
            owned += l.disruption_weight[u];
            if c != assignment[u] {
                moved += l.disruption_weight[u];
                accounts += l.accounts[u];
            }
        }
    }
    if let Some(cap) = l.max_disruption
        && owned > 0.0
        && moved / owned > cap + 1e-12
    {
        out.push(Violation::Disruption {
            share: moved / owned,
            cap,
        });
    }
    if let Some(cap) = l.max_moved_accounts
        && accounts > cap + 1e-9
    {
        out.push(Violation::Accounts {
            moved: accounts,
            cap,
        });
    }
    out
}

/// Checks contiguity (per territory, within each graph component: an island
/// can belong to a mainland territory), balance and locked units.
pub fn check(
    graph: &Graph,
    assignment: &[usize],
    k: usize,
    weight: &[f64],
    targets: &[f64],
    tolerance: f64,
    locked: &[Option<usize>],
) -> Vec<Violation> {
    let n = graph.len();
    let mut out = Vec::new();
    for (what, got, expected) in [
        ("assignment", assignment.len(), n),
        ("weight", weight.len(), n),
        ("locked", locked.len(), n),
        ("targets", targets.len(), k),
    ] {
        if got != expected {
            out.push(Violation::Length {
                what,
                expected,
                got,
            });
        }
    }
    if !out.is_empty() {
        return out;
    }
    for (unit, &t) in assignment.iter().enumerate() {
        if t >= k {
            out.push(Violation::OutOfRange { unit, territory: t });
        }
    }
    if !out.is_empty() {
        return out;
    }
    let mut count = vec![0usize; k];
    let mut sum = vec![0.0; k];
    for (u, &t) in assignment.iter().enumerate() {
        count[t] += 1;
        sum[t] += weight[u];
    }
    for (territory, _) in count.iter().enumerate().filter(|(_, c)| **c == 0) {
        out.push(Violation::Empty { territory });
    }
    for (territory, pieces, component) in pieces(graph, assignment, k) {
        if pieces > 1 {
            out.push(Violation::NotContiguous {
                territory,
                component,
                pieces,
            });
        }
    }
    for t in 0..k {
        let deviation = sum[t] / targets[t] - 1.0;
        if deviation.abs() > tolerance * (1.0 + 1e-12) + 1e-15 {
            out.push(Violation::Unbalanced {
                territory: t,
                weight: sum[t],
                target: targets[t],
                deviation,
            });
        }
    }
    for (unit, lock) in locked.iter().enumerate() {
        if let Some(required) = *lock
            && assignment[unit] != required
        {
            out.push(Violation::Locked {
                unit,
                required,
                got: assignment[unit],
            });
        }
    }
    out
}

/// `(territory, pieces, component)` for every territory present in a
/// component, in component then territory order.
fn pieces(graph: &Graph, assignment: &[usize], k: usize) -> Vec<(usize, usize, usize)> {
    let comp = graph.component_of();
    let ncomp = comp.iter().copied().max().map_or(0, |c| c + 1);
    let mut counts = vec![0usize; ncomp * k];
    let mut seen = vec![false; graph.len()];
    let mut queue = VecDeque::new();
    for s in 0..graph.len() {
        if seen[s] {
            continue;
        }
        let t = assignment[s];
        counts[comp[s] * k + t] += 1;
        seen[s] = true;
        queue.push_back(s);
        while let Some(u) = queue.pop_front() {
            for v in graph.neighbors(u) {
                if !seen[v] && assignment[v] == t {
                    seen[v] = true;
                    queue.push_back(v);
                }
            }
        }
    }
    let mut out = Vec::new();
    for c in 0..ncomp {
        for t in 0..k {
            if counts[c * k + t] > 0 {
                out.push((t, counts[c * k + t], c));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_kind_of_violation() {
        // path 0-1-2-3, island 4
        let g = Graph::from_edges(5, &[(0, 1), (1, 2), (2, 3)]).unwrap();
        let w = [1.0; 5];
        let ok = check(&g, &[0, 0, 1, 1, 1], 2, &w, &[2.0, 3.0], 0.0, &[None; 5]);
        assert!(ok.is_empty(), "{ok:?}");
        let bad = check(
            &g,
            &[0, 1, 0, 1, 1],
            3,
            &w,
            &[2.0, 2.0, 1.0],
            0.1,
            &[Some(1), None, None, None, None],
        );
        assert!(bad.contains(&Violation::Empty { territory: 2 }));
        assert!(bad.contains(&Violation::NotContiguous {
            territory: 0,
            component: 0,
            pieces: 2
        }));
        assert!(bad.contains(&Violation::Locked {
            unit: 0,
            required: 1,
            got: 0
        }));
        assert!(
            bad.iter()
                .any(|v| matches!(v, Violation::Unbalanced { territory: 1, .. }))
        );
    }
}
