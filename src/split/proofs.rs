//! Before the search: home units anchored to their territories, what can
//! be proven infeasible up front, and a unit too heavy for any target.

use super::SplitInput;

/// The input with home units locked to their territory (anchors), and the
/// anchors. A home unit shared by several reps anchors none of them; a
/// home unit locked to another territory stays with its lock (and
/// [`proofs`] reports the conflict).
pub(super) fn anchored<'a>(
    input: &SplitInput<'a>,
    km: &[Option<Vec<f64>>],
    notes: &mut Vec<String>,
) -> (SplitInput<'a>, Vec<Option<usize>>) {
    let k = input.targets.len();
    let mut eff = input.clone();
    let mut anchors = vec![None; k];
    let mut shared = Vec::new();
    for (t, h) in input.home_unit.iter().enumerate() {
        let Some(h) = *h else { continue };
        let sharers = input.home_unit.iter().filter(|&&o| o == Some(h)).count();
        if sharers > 1 {
            shared.push(t);
            continue;
        }
        anchors[t] = Some(h);
        if eff.locked[h].is_none() {
            eff.locked[h] = Some(t);
        }
    }
    if !shared.is_empty() {
        notes.push(format!(
            "{} territories share a home unit with another; they are not anchored to it, only kept within their travel radius",
            shared.len()
        ));
    }
    let without: Vec<usize> = (0..k)
        .filter(|&t| input.home_unit.get(t).is_none_or(Option::is_none))
        .collect();
    if !input.home_unit.is_empty() && !without.is_empty() {
        notes.push(format!(
            "{} territor{} without a home (placed where the plan is best): {}",
            without.len(),
            if without.len() == 1 { "y" } else { "ies" },
            list(&without)
        ));
    }
    let _ = km;
    (eff, anchors)
}

/// Territory numbers, at most eight of them.
fn list(ts: &[usize]) -> String {
    let mut s: Vec<String> = ts.iter().take(8).map(|t| t.to_string()).collect();
    if ts.len() > 8 {
        s.push(format!("(+{} more)", ts.len() - 8));
    }
    s.join(", ")
}

/// Reasons no plan can meet the limits, each a proof: a unit too heavy for
/// every territory it may join, a locked set already over its target, a
/// unit no territory may take, a home locked elsewhere.
pub(super) fn proofs(
    input: &SplitInput<'_>,
    km: &[Option<Vec<f64>>],
    anchors: &[Option<usize>],
) -> Vec<String> {
    let (n, k) = (input.graph.len(), input.targets.len());
    let tol = input.tolerance;
    let far = |u: usize, t: usize| match (km.get(t), input.max_distance.get(t)) {
        (Some(Some(d)), Some(Some(limit))) => d[u] > *limit,
        _ => false,
    };
    let allowed = |u: usize, t: usize| input.locked[u].is_none_or(|l| l == t) && !far(u, t);
    let mut out = Vec::new();
    let mut homeless = Vec::new();
    let mut heavy = Vec::new();
    for u in 0..n {
        let ok: Vec<usize> = (0..k).filter(|&t| allowed(u, t)).collect();
        if ok.is_empty() {
            homeless.push(u);
        } else if ok
            .iter()
            .all(|&t| input.weight[u] > (1.0 + tol) * input.targets[t] * (1.0 + 1e-12))
        {
            heavy.push(u);
        }
    }
    if !homeless.is_empty() {
        out.push(format!(
            "{} unit(s) may join no territory (locked beyond its radius, or beyond every radius): units {}",
            homeless.len(),
            list(&homeless)
        ));
    }
    if !heavy.is_empty() {
        out.push(format!(
            "{} unit(s) alone weigh more than (1 + tolerance) × the target of every territory they may join: units {}",
            heavy.len(),
            list(&heavy)
        ));
    }
    let mut locked_w = vec![0.0; k];
    for (u, l) in input.locked.iter().enumerate() {
        if let Some(t) = *l {
            locked_w[t] += input.weight[u];
        }
    }
    for (t, (&w, &target)) in locked_w.iter().zip(&input.targets).enumerate() {
        if w > (1.0 + tol) * target * (1.0 + 1e-12) {
            out.push(format!(
                "the units locked to territory {t} (home included) already weigh {:.1} % of its target, more than the tolerance allows",
                100.0 * w / target
            ));
        }
    }
    for (t, h) in anchors.iter().enumerate() {
        if let Some(h) = *h
            && input.locked[h].is_some_and(|l| l != t)
        {
            out.push(format!(
                "the home unit {h} of territory {t} is locked to territory {}",
                input.locked[h].unwrap_or(t)
            ));
        }
    }
    out
}

/// A unit heavier than every target makes the tolerance unattainable
/// whatever the plan; saying so up front explains the infeasible result.
pub(super) fn heavy_unit_note(input: &SplitInput<'_>, notes: &mut Vec<String>) {
    let t_max = input.targets.iter().copied().fold(0.0, f64::max);
    let heaviest = (0..input.weight.len())
        .max_by(|&a, &b| input.weight[a].total_cmp(&input.weight[b]).then(b.cmp(&a)));
    if let Some(u) = heaviest {
        let bound = input.weight[u] / t_max - 1.0;
        if bound > input.tolerance {
            notes.push(format!(
                "unit {u} alone exceeds the largest target by {:.3} %: no plan is within ±{:.3} %",
                100.0 * bound,
                100.0 * input.tolerance
            ));
        }
    }
}
