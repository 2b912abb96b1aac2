//! Starting plans. A search is only as good as the basin it starts in, and
//! it must start contiguous: either from the current alignment (repaired if
//! it has gaps or broken territories) or from a recursive spanning-tree
//! bisection, which is contiguous by construction and roughly balanced.

use super::plan::{NONE, Problem};
use super::tree::{CutSpec, Trees};
use rand::rngs::ChaCha8Rng;

/// Trees drawn per bisection before settling for the best cut seen.
const SEED_TREES: usize = 24;

/// Recursive bisection: split the label set in two halves, cut a random
/// spanning tree of the region at its best balanced edge, and recurse.
/// Locks are honoured when some tree allows it.
pub(crate) fn tree_seed(p: &Problem, trees: &mut Trees, rng: &mut ChaCha8Rng) -> Vec<u32> {
    let n = p.n();
    let mut assign = vec![NONE; n];
    let mut stack: Vec<(Vec<u32>, Vec<u32>)> =
        vec![((0..n as u32).collect(), (0..p.k() as u32).collect())];
    let mut side_of = vec![0u8; p.k()];
    while let Some((nodes, labels)) = stack.pop() {
        if labels.len() == 1 {
            for &u in &nodes {
                assign[u as usize] = labels[0];
            }
            continue;
        }
        let (l1, l2) = split_labels(p, &nodes, labels);
        for &t in &l1 {
            side_of[t as usize] = 1;
        }
        for &t in &l2 {
            side_of[t as usize] = 2;
        }
        let region_w: f64 = nodes.iter().map(|&u| p.weight[u as usize]).sum();
        let (s1, s2): (f64, f64) = (
            l1.iter().map(|&t| p.targets[t as usize]).sum(),
            l2.iter().map(|&t| p.targets[t as usize]).sum(),
        );
        let scale = if region_w > 0.0 {
            region_w / (s1 + s2)
        } else {
            1.0
        };
        let spec = CutSpec {
            t1: s1 * scale,
            t2: s2 * scale,
            tol: p.tol * 0.5,
            min1: l1.len(),
            min2: l2.len(),
        };
        let category = |u: usize| {
            let l = p.locked[u];
            if l == NONE { 0 } else { side_of[l as usize] }
        };
        let mut best: Option<(super::tree::Cut, Vec<bool>, Vec<u32>)> = None;
        for _ in 0..SEED_TREES {
            if !trees.draw(&p.graph, &nodes, rng) {
                break;
            }
            let Some(cut) = trees.best_cut(&p.weight, category, &spec, rng) else {
                continue;
            };
            if best.as_ref().is_none_or(|b| cut.better_than(&b.0)) {
                trees.mark_subtree(cut.node);
                best = Some((cut, trees.in_sub.clone(), trees.nodes.clone()));
                if cut.locks == 0 && cut.excess == 0.0 {
                    break;
                }
            }
        }
        for &t in l1.iter().chain(&l2) {
            side_of[t as usize] = 0;
        }
        let Some((cut, in_sub, order)) = best else {
            // Unreachable for a connected region with enough units; keep the
            // plan complete anyway.
            for &u in &nodes {
                assign[u as usize] = labels_first(&l1, &l2);
            }
            continue;
        };
        let sub_is_1 = cut
            .sub_is_1
            .unwrap_or_else(|| prefer_sub_as_1(p, &order, &in_sub, &l1, &l2));
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for (i, &u) in order.iter().enumerate() {
            if in_sub[i] == sub_is_1 {
                a.push(u);
            } else {
                b.push(u);
            }
        }
        stack.push((a, l1));
        stack.push((b, l2));
    }
    assign
}

fn labels_first(l1: &[u32], l2: &[u32]) -> u32 {
    l1.first().or(l2.first()).copied().unwrap_or(0)
}

/// Halves the label set. With homes, labels are ordered along the region's
/// wider axis so each half's homes lie together.
fn split_labels(p: &Problem, nodes: &[u32], mut labels: Vec<u32>) -> (Vec<u32>, Vec<u32>) {
    if let Some(h) = &p.home
        && labels.iter().all(|&t| h.homes[t as usize].is_some())
    {
        let (mut lo, mut hi) = ((f64::MAX, f64::MAX), (f64::MIN, f64::MIN));
        for &u in nodes {
            let l = h.loc[u as usize];
            lo = (lo.0.min(l.0), lo.1.min(l.1));
            hi = (hi.0.max(l.0), hi.1.max(l.1));
        }
        let by_x = hi.0 - lo.0 >= hi.1 - lo.1;
        let coord = |t: u32| {
            let h = h.homes[t as usize].unwrap_or_default();
            if by_x { h.0 } else { h.1 }
        };
        labels.sort_by(|&a, &b| coord(a).total_cmp(&coord(b)).then(a.cmp(&b)));
    }
    let l2 = labels.split_off(labels.len() / 2);
    (labels, l2)
}

/// Orientation when balance and locks do not decide: fewer total
/// distance-to-home when homes exist, else the subtree takes the first half.
fn prefer_sub_as_1(p: &Problem, order: &[u32], in_sub: &[bool], l1: &[u32], l2: &[u32]) -> bool {
    let Some(h) = &p.home else { return true };
    let centroid = |ls: &[u32]| {
        let pts: Vec<(f64, f64)> = ls.iter().filter_map(|&t| h.homes[t as usize]).collect();
        if pts.is_empty() {
            return None;
        }
        let c = pts.len() as f64;
        Some((
            pts.iter().map(|p| p.0).sum::<f64>() / c,
            pts.iter().map(|p| p.1).sum::<f64>() / c,
        ))
    };
    let (Some(c1), Some(c2)) = (centroid(l1), centroid(l2)) else {
        return true;
    };
    let d = |u: u32, c: (f64, f64)| {
        let l = h.loc[u as usize];
        ((l.0 - c.0).powi(2) + (l.1 - c.1).powi(2)).sqrt() * p.weight[u as usize]
    };
    let (mut straight, mut swapped) = (0.0, 0.0);
    for (i, &u) in order.iter().enumerate() {
        if in_sub[i] {
            straight += d(u, c1);
            swapped += d(u, c2);
        } else {
            straight += d(u, c2);
            swapped += d(u, c1);
        }
    }
    straight <= swapped
}

/// The current alignment made into a complete contiguous plan: each
/// territory keeps its heaviest connected piece (or the piece holding its
/// locked units), and every other unit joins the lightest adjacent
/// territory, growing outward. `None` when a territory ends up empty.
pub(crate) fn repair_current(p: &Problem) -> Option<(Vec<u32>, bool)> {
    repair(p, &p.current)
}

/// [`repair_current`] for any plan (`NONE` or out-of-range entries are
/// unassigned): locked units go to their territory, each territory keeps
/// its best piece, the rest grows into the lightest adjacent territory that
/// may take it.
pub(crate) fn repair(p: &Problem, plan: &[u32]) -> Option<(Vec<u32>, bool)> {
    let (n, k) = (p.n(), p.k());
    let g = &p.graph;
    let mut assign: Vec<u32> = (0..n)
        .map(|u| {
            let c = plan[u];
            if p.locked[u] != NONE {
                p.locked[u]
            } else if (c as usize) < k {
                c
            } else {
                NONE
            }
        })
        .collect();
    let mut changed = assign.iter().zip(plan).any(|(&a, &c)| a != c);
    // Keep the best piece of each territory; a territory whose locked units
    // lie in several pieces is first joined up along allowed paths, or the
    // dropped pieces would take their locks with them.
    let (mut piece, mut pieces) = pieces_of(p, &assign);
    let mut held = vec![NONE; n];
    // Each pass that changes anything holds at least one more unit, and
    // held units never change hands, so this ends.
    for _ in 0..=n {
        protect_lock_trees(p, &pieces, &mut held);
        if !join_locked_pieces(p, &mut assign, &piece, &pieces, &mut held) {
            break;
        }
        changed = true;
        (piece, pieces) = pieces_of(p, &assign);
    }
    let mut keep: Vec<Option<usize>> = vec![None; k];
    for (i, pc) in pieces.iter().enumerate() {
        let t = pc.0 as usize;
        let better = match keep[t] {
            None => true,
            Some(j) => (pc.1, pc.2) > (pieces[j].1, pieces[j].2),
        };
        if better {
            keep[t] = Some(i);
        }
    }
    for (i, pc) in pieces.iter().enumerate() {
        if keep[pc.0 as usize] != Some(i) {
            changed = true;
            for &u in &pc.3 {
                assign[u as usize] = NONE;
            }
        }
    }
    if keep.iter().any(Option::is_none) {
        return None;
    }
    let mut tw = vec![0.0; k];
    for u in 0..n {
        if assign[u] != NONE {
            tw[assign[u] as usize] += p.weight[u];
        }
    }
    loop {
        let mut progress = false;
        let mut pending = false;
        for u in 0..n {
            if assign[u] != NONE {
                continue;
            }
            let best = g
                .nbrs(u)
                .iter()
                .map(|&v| assign[v as usize])
                .filter(|&t| t != NONE)
                .min_by(|&a, &b| {
                    p.barred(u, a)
                        .cmp(&p.barred(u, b))
                        .then(
                            (tw[a as usize] / p.targets[a as usize])
                                .total_cmp(&(tw[b as usize] / p.targets[b as usize])),
                        )
                        .then(a.cmp(&b))
                });
            match best {
                Some(t) => {
                    assign[u] = t;
                    tw[t as usize] += p.weight[u];
                    progress = true;
                }
                None => pending = true,
            }
        }
        if !pending {
            break;
        }
        if !progress {
            return None;
        }
    }
    Some((assign, changed))
}

/// The connected pieces of every territory: each unit's piece id, and per
/// piece (territory, locked units, weight, members).
#[allow(clippy::type_complexity)]
fn pieces_of(p: &Problem, assign: &[u32]) -> (Vec<u32>, Vec<(u32, usize, f64, Vec<u32>)>) {
    let n = p.n();
    let g = &p.graph;
    let mut piece = vec![u32::MAX; n];
    let mut pieces: Vec<(u32, usize, f64, Vec<u32>)> = Vec::new();
    for s in 0..n {
        if assign[s] == NONE || piece[s] != u32::MAX {
            continue;
        }
        let t = assign[s];
        let id = pieces.len() as u32;
        let mut members = vec![s as u32];
        piece[s] = id;
        let mut head = 0;
        while head < members.len() {
            let x = members[head] as usize;
            head += 1;
            for &y in g.nbrs(x) {
                if assign[y as usize] == t && piece[y as usize] == u32::MAX {
                    piece[y as usize] = id;
                    members.push(y);
                }
            }
        }
        let locks = members
            .iter()
            .filter(|&&u| p.locked[u as usize] == t)
            .count();
        let w = members.iter().map(|&u| p.weight[u as usize]).sum();
        pieces.push((t, locks, w, members));
    }
    (piece, pieces)
}

/// Marks in `held` the units that keep each piece's locked units connected
/// (a breadth-first tree inside the piece, pruned to the paths between
/// them), so that joining another territory never cuts through them.
fn protect_lock_trees(p: &Problem, pieces: &[(u32, usize, f64, Vec<u32>)], held: &mut [u32]) {
    let g = &p.graph;
    let mut parent: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
    for (t, locks, _, members) in pieces {
        if *locks == 0 {
            continue;
        }
        let inside: std::collections::HashSet<u32> = members.iter().copied().collect();
        let root = *members
            .iter()
            .find(|&&u| p.locked[u as usize] == *t)
            .expect("a piece with locks");
        parent.clear();
        parent.insert(root, root);
        let mut queue = vec![root];
        let mut head = 0;
        while head < queue.len() {
            let x = queue[head];
            head += 1;
            for &y in g.nbrs(x as usize) {
                if inside.contains(&y) && !parent.contains_key(&y) {
                    parent.insert(y, x);
                    queue.push(y);
                }
            }
        }
        for &u in members {
            if p.locked[u as usize] != *t {
                continue;
            }
            let mut z = u;
            while held[z as usize] != *t {
                held[z as usize] = *t;
                if z == root {
                    break;
                }
                z = parent[&z];
            }
            held[root as usize] = *t;
        }
    }
}

/// Joins every piece holding a territory's locked units to its main piece
/// (the one with most locks, then weight) along shortest paths of units the
/// territory may take. Returns whether anything changed; paths may cut
/// other territories, which the caller's next pass sees.
#[allow(clippy::type_complexity)]
fn join_locked_pieces(
    p: &Problem,
    assign: &mut [u32],
    piece: &[u32],
    pieces: &[(u32, usize, f64, Vec<u32>)],
    held: &mut [u32],
) -> bool {
    let (n, k) = (p.n(), p.k());
    let g = &p.graph;
    let mut locked_pieces: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (i, pc) in pieces.iter().enumerate() {
        if pc.1 > 0 {
            locked_pieces[pc.0 as usize].push(i);
        }
    }
    let mut changed = false;
    let mut prev = vec![u32::MAX; n];
    let mut queue: Vec<u32> = Vec::new();
    for (t, ids) in locked_pieces.iter().enumerate() {
        if ids.len() < 2 {
            continue;
        }
        let t32 = t as u32;
        let main = *ids
            .iter()
            .max_by(|&&a, &&b| {
                (pieces[a].1, pieces[a].2)
                    .partial_cmp(&(pieces[b].1, pieces[b].2))
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then(b.cmp(&a))
            })
            .expect("two or more pieces");
        let mut joined = vec![false; pieces.len()];
        joined[main] = true;
        let mut left = ids.len() - 1;
        prev.fill(u32::MAX);
        queue.clear();
        for &u in &pieces[main].3 {
            prev[u as usize] = u;
            queue.push(u);
        }
        let mut head = 0;
        while head < queue.len() && left > 0 {
            let x = queue[head] as usize;
            head += 1;
            for &y in g.nbrs(x) {
                let yi = y as usize;
                if prev[yi] != u32::MAX
                    || p.barred(yi, t32)
                    || (held[yi] != NONE && held[yi] != t32)
                {
                    continue;
                }
                prev[yi] = x as u32;
                queue.push(y);
                let pc = piece[yi] as usize;
                if pc >= pieces.len() || pieces[pc].0 != t32 || pieces[pc].1 == 0 || joined[pc] {
                    continue;
                }
                // Claim the path back to the joined set, then treat the
                // newly joined piece as part of it.
                joined[pc] = true;
                left -= 1;
                let mut z = prev[yi] as usize;
                while prev[z] as usize != z {
                    held[z] = t32;
                    if assign[z] != t32 {
                        assign[z] = t32;
                        changed = true;
                    }
                    z = prev[z] as usize;
                }
                if assign[z] != t32 {
                    assign[z] = t32;
                    changed = true;
                }
                for &m in &pieces[pc].3 {
                    if prev[m as usize] == u32::MAX || m == y {
                        prev[m as usize] = m;
                        queue.push(m);
                    }
                }
            }
        }
    }
    changed
}

/// Moves units out of territories they are barred from (a lock elsewhere,
/// beyond the radius): a barred unit's allowed territory (its lock, or the
/// nearest one that may take it) grows to it along a shortest path of units
/// it may take, and broken territories are then repaired. A random start
/// often breaks a lock far from its territory, where single-unit moves give
/// the search no way back; this makes locks hold from the start. Returns
/// the number of units still barred.
pub(crate) fn fix_barred(p: &Problem, assign: &mut Vec<u32>) -> usize {
    let n = p.n();
    let g = &p.graph;
    let mut prev = vec![u32::MAX; n];
    let mut queue: Vec<u32> = Vec::new();
    for _ in 0..4 {
        let bad: Vec<usize> = (0..n).filter(|&u| p.barred(u, assign[u])).collect();
        if bad.is_empty() {
            return 0;
        }
        for &u in &bad {
            if !p.barred(u, assign[u]) {
                continue;
            }
            let lock = p.locked[u];
            let wanted = |t: u32| {
                if lock != NONE {
                    t == lock
                } else {
                    !p.is_far(u, t)
                }
            };
            // Breadth-first from u to the nearest unit of a wanted territory.
            prev.fill(u32::MAX);
            prev[u] = u as u32;
            queue.clear();
            queue.push(u as u32);
            let mut head = 0;
            let mut reached = None;
            while head < queue.len() && reached.is_none() {
                let x = queue[head] as usize;
                head += 1;
                for &y in g.nbrs(x) {
                    let yi = y as usize;
                    // A lock's path goes only through units its territory
                    // may take.
                    if prev[yi] != u32::MAX || (lock != NONE && p.barred(yi, lock)) {
                        continue;
                    }
                    prev[yi] = x as u32;
                    if wanted(assign[yi]) {
                        reached = Some(yi);
                        break;
                    }
                    queue.push(y);
                }
            }
            let Some(end) = reached else { continue };
            let t = assign[end];
            let mut path = Vec::new();
            let mut x = prev[end] as usize;
            loop {
                path.push(x);
                if x == u {
                    break;
                }
                x = prev[x] as usize;
            }
            if path.iter().all(|&v| !p.barred(v, t)) {
                for v in path {
                    assign[v] = t;
                }
            }
        }
        match repair(p, assign) {
            Some((a, _)) => *assign = a,
            None => break,
        }
    }
    (0..n).filter(|&u| p.barred(u, assign[u])).count()
}

/// A fresh plan's labels are arbitrary, but a rep's home is not: swap labels
/// between interchangeable territories (equal targets, no locked units)
/// while that shortens the total distance to home.
pub(crate) fn relabel_for_homes(p: &Problem, assign: &mut [u32]) {
    let Some(h) = &p.home else { return };
    let k = p.k();
    let mut cost = vec![0.0; k * k];
    let mut has_lock = vec![false; k];
    for (u, &s) in assign.iter().enumerate() {
        let s = s as usize;
        for t in 0..k {
            cost[s * k + t] += h.cost(u, t);
        }
        has_lock[s] |= p.locked[u] != NONE;
    }
    let mut label: Vec<usize> = (0..k).collect();
    let swappable = |a: usize, b: usize| {
        !has_lock[a]
            && !has_lock[b]
            && (p.targets[a] - p.targets[b]).abs() <= 1e-9 * p.targets[a].max(p.targets[b])
    };
    for _ in 0..50 {
        let mut improved = false;
        for a in 0..k {
            for b in a + 1..k {
                if !swappable(a, b) {
                    continue;
                }
                let (la, lb) = (label[a], label[b]);
                let gain =
                    cost[a * k + la] + cost[b * k + lb] - cost[a * k + lb] - cost[b * k + la];
                if gain > 1e-9 {
                    label.swap(a, b);
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
    for s in assign.iter_mut() {
        *s = label[*s as usize] as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::split::check;
    use crate::split::plan::tests::grid_problem;
    use crate::split::tree::Trees;
    use rand::SeedableRng;

    fn violations(p: &Problem, a: &[u32], tol: f64) -> Vec<check::Violation> {
        let a: Vec<usize> = a.iter().map(|&t| t as usize).collect();
        check::check(
            &p.graph,
            &a,
            p.k(),
            &p.weight,
            &p.targets,
            tol,
            &vec![None; p.n()],
        )
    }

    #[test]
    fn tree_seed_is_contiguous_and_roughly_balanced() {
        let p = grid_problem(12, 10, 6, 0.05);
        let mut trees = Trees::new(p.n());
        for seed in 0..10 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let a = tree_seed(&p, &mut trees, &mut rng);
            assert!(a.iter().all(|&t| (t as usize) < p.k()));
            assert!(violations(&p, &a, 0.25).is_empty(), "seed {seed}");
        }
    }

    #[test]
    fn current_alignment_is_repaired() {
        let mut p = grid_problem(6, 1, 2, 0.0);
        // 0 0 _ 1 0 1: a gap and a stray piece of territory 0.
        p.current = vec![0, 0, NONE, 1, 0, 1];
        let (a, changed) = repair_current(&p).unwrap();
        assert!(changed);
        assert!(violations(&p, &a, 1.0).is_empty(), "{a:?}");
        assert_eq!(&a[..2], &[0, 0]);
        p.current = vec![0; 6];
        assert!(repair_current(&p).is_none(), "territory 1 would be empty");
    }
}
