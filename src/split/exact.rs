//! Exhaustive search of small two-territory parts, when the chains found
//! no feasible plan: either the best plan or a proof there is none.

use super::plan::{Key, Problem, State};

/// Largest two-territory part searched exhaustively (2^(n-1) splits).
pub const EXACT_MAX: usize = 22;

/// Every split of a two-territory part: the best plan within every hard
/// limit, or `None` when there is none. Only for small parts.
pub(super) fn exhaustive(p: &Problem) -> Option<Vec<u32>> {
    let n = p.n();
    let mut best: Option<(Key, Vec<u32>)> = None;
    let mut assign = vec![0u32; n];
    let mut seen = vec![false; n];
    let mut stack = Vec::with_capacity(n);
    let connected = |assign: &[u32], t: u32, seen: &mut [bool], stack: &mut Vec<usize>| {
        seen.fill(false);
        let Some(s0) = (0..n).find(|&u| assign[u] == t) else {
            return false;
        };
        let mut count = 1;
        seen[s0] = true;
        stack.clear();
        stack.push(s0);
        while let Some(x) = stack.pop() {
            for &y in p.graph.nbrs(x) {
                let y = y as usize;
                if !seen[y] && assign[y] == t {
                    seen[y] = true;
                    count += 1;
                    stack.push(y);
                }
            }
        }
        count == assign.iter().filter(|&&a| a == t).count()
    };
    // Unit 0 in territory 0 and in territory 1: both orientations.
    for first in 0..2u32 {
        for mask in 0u64..(1u64 << (n - 1)) {
            assign[0] = first;
            let mut w0 = if first == 0 { p.weight[0] } else { 0.0 };
            for (u, a) in assign.iter_mut().enumerate().skip(1) {
                *a = if (mask >> (u - 1)) & 1 == 1 {
                    1 - first
                } else {
                    first
                };
                if *a == 0 {
                    w0 += p.weight[u];
                }
            }
            let total: f64 = p.targets.iter().sum();
            if p.excess(0, w0) > 0.0 || p.excess(1, total - w0) > 0.0 {
                continue;
            }
            if (0..n).any(|u| p.barred(u, assign[u])) {
                continue;
            }
            if !connected(&assign, 0, &mut seen, &mut stack)
                || !connected(&assign, 1, &mut seen, &mut stack)
            {
                continue;
            }
            let key = State::new(p, assign.clone()).key();
            if key.feasible() && best.as_ref().is_none_or(|b| key.better_than(&b.0)) {
                best = Some((key, assign.clone()));
            }
        }
    }
    best.map(|b| b.1)
}
