//! The result of a search: each territory's metrics and every hard limit
//! checked from scratch.

use super::{
    Limits, SplitInput, SplitResult, Stop, TerritoryMetrics, Violation, check, check_limits,
};
use std::time::Instant;

#[allow(clippy::too_many_arguments)]
pub(super) fn report(
    input: &SplitInput<'_>,
    assignment: Vec<usize>,
    iterations: u64,
    started: Instant,
    hit_time_limit: bool,
    mut notes: Vec<String>,
    k: usize,
    km: &[Option<Vec<f64>>],
    limits: &Limits<'_>,
) -> SplitResult {
    let g = input.graph;
    let mut per: Vec<TerritoryMetrics> = input
        .targets
        .iter()
        .map(|&target| TerritoryMetrics {
            weight: 0.0,
            target,
            deviation: 0.0,
            units: 0,
            cut_edges: 0,
            gained: 0.0,
            lost: 0.0,
            home_distance: None,
            farthest: None,
            accounts_gained: 0.0,
        })
        .collect();
    let mut home_sum = vec![0.0; k];
    let mut work = vec![0.0; k];
    let (mut moved, mut owned, mut moved_accounts, mut moved_units) = (0.0, 0.0, 0.0, 0);
    for (u, &t) in assignment.iter().enumerate() {
        per[t].weight += input.weight[u];
        per[t].units += 1;
        if let Some(c) = input.current[u] {
            let dw = input.disruption_weight[u];
            owned += dw;
            if c != t {
                moved += dw;
                moved_accounts += input.accounts[u];
                moved_units += 1;
                per[t].gained += dw;
                per[t].accounts_gained += input.accounts[u];
                per[c].lost += dw;
            }
        }
        if let Some(Some(d)) = km.get(t) {
            home_sum[t] += input.workload[u] * d[u];
            work[t] += input.workload[u];
            per[t].farthest = Some(per[t].farthest.unwrap_or(0.0).max(d[u]));
        }
    }
    let mut cut_edges = 0;
    for (i, j) in g.edges() {
        if assignment[i] != assignment[j] {
            cut_edges += 1;
            per[assignment[i]].cut_edges += 1;
            per[assignment[j]].cut_edges += 1;
        }
    }
    let mut max_deviation: f64 = 0.0;
    for (t, m) in per.iter_mut().enumerate() {
        m.deviation = m.weight / m.target - 1.0;
        max_deviation = max_deviation.max(m.deviation.abs());
        if let Some(Some(_)) = km.get(t) {
            m.home_distance = Some(if work[t] > 0.0 {
                home_sum[t] / work[t]
            } else {
                0.0
            });
        }
    }
    let disruption = if owned > 0.0 { moved / owned } else { 0.0 };
    let mut violations = check(
        g,
        &assignment,
        k,
        &input.weight,
        &input.targets,
        input.tolerance,
        &input.locked,
    );
    violations.extend(check_limits(&assignment, limits));
    if violations
        .iter()
        .any(|v| matches!(v, Violation::Unbalanced { .. }))
    {
        notes.push(format!(
            "no plan within ±{:.3} % was found; the best plan deviates up to {:.3} %",
            100.0 * input.tolerance,
            100.0 * max_deviation
        ));
    }
    SplitResult {
        moved_accounts,
        moved_units,
        stop: Stop::Converged,
        rounds: 0,
        proven_infeasible: Vec::new(),
        feasible: violations.is_empty(),
        assignment,
        max_deviation,
        cut_edges,
        disruption,
        per_territory: per,
        violations,
        iterations,
        elapsed: started.elapsed(),
        hit_time_limit,
        notes,
    }
}
