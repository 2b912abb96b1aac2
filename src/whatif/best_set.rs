//! Which sets of mitigations to simulate together: every feasible set when
//! there are few, else the best few by the sum of the members' own effects
//! (an exact 0/1 knapsack). Pure: costs and effects in, index sets out.
//!
//! A set is feasible when its cost is within the budget and it holds at
//! most one territory change. Sets are lists of item indices in increasing
//! order; items are the candidates in candidate order, so comparing sets
//! lexicographically is comparing them in candidate order.

use std::cmp::Ordering;

/// A candidate as the search sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Item {
    pub cost: f64,
    /// Its own Δ P (for the additive shortlist).
    pub gain: f64,
    /// It changes the territories (at most one such per set).
    pub territory: bool,
}

/// `cost <= budget`, forgiving the rounding of a sum of costs.
pub fn within(cost: f64, budget: f64) -> bool {
    cost <= budget + 1e-9 * budget.abs().max(1.0)
}

/// The order of ties: cheaper first, then fewer members, then candidate
/// order.
pub fn tie_order(a: &[usize], a_cost: f64, b: &[usize], b_cost: f64) -> Ordering {
    a_cost
        .total_cmp(&b_cost)
        .then(a.len().cmp(&b.len()))
        .then_with(|| a.cmp(b))
}

/// Every non-empty feasible set (in depth-first candidate order), or `None`
/// when there are more than `cap`. Stops as soon as it finds `cap + 1`, so
/// it is cheap however many items there are.
pub fn feasible_sets(items: &[Item], budget: f64, cap: usize) -> Option<Vec<Vec<usize>>> {
    fn walk(
        items: &[Item],
        budget: f64,
        cap: usize,
        set: &mut Vec<usize>,
        cost: f64,
        territory: bool,
        out: &mut Vec<Vec<usize>>,
    ) -> bool {
        let from = set.last().map_or(0, |&l| l + 1);
        for j in from..items.len() {
            let c = cost + items[j].cost;
            if !within(c, budget) || (territory && items[j].territory) {
                continue;
            }
            set.push(j);
            out.push(set.clone());
            if out.len() > cap
                || !walk(
                    items,
                    budget,
                    cap,
                    set,
                    c,
                    territory || items[j].territory,
                    out,
                )
            {
                return false;
            }
            set.pop();
        }
        true
    }
    let mut out = Vec::new();
    walk(items, budget, cap, &mut Vec::new(), 0.0, false, &mut out).then_some(out)
}

/// A set with its additive score.
#[derive(Clone, Debug)]
struct Scored {
    set: Vec<usize>,
    gain: f64,
    cost: f64,
}

fn better(a: &Scored, b: &Scored) -> Ordering {
    b.gain
        .total_cmp(&a.gain)
        .then_with(|| tie_order(&a.set, a.cost, &b.set, b.cost))
}

/// The `k` best feasible sets by the sum of their members' gains, best
/// first (ties: cheaper, fewer, candidate order). Exact: a depth-first
/// branch and bound whose bound is the fractional knapsack of the items
/// not yet decided (which ignores the one-territory-change rule, so it is
/// never below the truth). Items with a gain of zero or less never raise
/// the sum; they still form sets, ranked behind.
pub fn top_additive(items: &[Item], budget: f64, k: usize) -> Vec<Vec<usize>> {
    if k == 0 || items.is_empty() {
        return Vec::new();
    }
    // Decide the items in order of gain per cost (free ones first), so the
    // bound is tight early.
    let mut order: Vec<usize> = (0..items.len()).collect();
    let ratio = |i: usize| {
        let it = &items[i];
        if it.cost > 0.0 {
            it.gain / it.cost
        } else if it.gain > 0.0 {
            f64::INFINITY
        } else {
            f64::NEG_INFINITY
        }
    };
    order.sort_by(|&a, &b| ratio(b).total_cmp(&ratio(a)).then(a.cmp(&b)));

    struct Search<'a> {
        items: &'a [Item],
        order: Vec<usize>,
        budget: f64,
        k: usize,
        best: Vec<Scored>,
    }
    impl Search<'_> {
        /// Most the undecided items `order[d..]` can add with `room` left.
        fn bound(&self, d: usize, room: f64) -> f64 {
            let mut room = room;
            let mut add = 0.0;
            for &i in &self.order[d..] {
                let it = &self.items[i];
                if it.gain <= 0.0 {
                    continue;
                }
                if it.cost <= room {
                    room -= it.cost;
                    add += it.gain;
                } else {
                    add += it.gain * (room / it.cost).max(0.0);
                    break;
                }
            }
            add
        }

        fn offer(&mut self, s: Scored) {
            let pos = self
                .best
                .binary_search_by(|b| better(b, &s))
                .unwrap_or_else(|p| p);
            if pos < self.k {
                self.best.insert(pos, s);
                self.best.truncate(self.k);
            }
        }

        fn walk(&mut self, d: usize, set: &mut Vec<usize>, gain: f64, cost: f64, territory: bool) {
            if self.best.len() == self.k {
                let kth = self.best[self.k - 1].gain;
                let slack = 1e-12 * kth.abs().max(1.0);
                if gain + self.bound(d, self.budget - cost) < kth - slack {
                    return;
                }
            }
            if d == self.order.len() {
                if !set.is_empty() {
                    // Scored in candidate order, so equal sets score equal.
                    let mut sorted = set.clone();
                    sorted.sort_unstable();
                    self.offer(Scored {
                        gain: sorted.iter().map(|&i| self.items[i].gain).sum(),
                        cost: sorted.iter().map(|&i| self.items[i].cost).sum(),
                        set: sorted,
                    });
                }
                return;
            }
            let i = self.order[d];
            let it = self.items[i];
            if within(cost + it.cost, self.budget) && !(territory && it.territory) {
                set.push(i);
                self.walk(
                    d + 1,
                    set,
                    gain + it.gain,
                    cost + it.cost,
                    territory || it.territory,
                );
                set.pop();
            }
            self.walk(d + 1, set, gain, cost, territory);
        }
    }

    let mut s = Search {
        items,
        order,
        budget,
        k,
        best: Vec::new(),
    };
    s.walk(0, &mut Vec::new(), 0.0, 0.0, false);
    s.best.into_iter().map(|x| x.set).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator for test instances.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    fn all_feasible(items: &[Item], budget: f64) -> Vec<Vec<usize>> {
        (1u32..(1 << items.len()))
            .map(|m| (0..items.len()).filter(|i| m >> i & 1 == 1).collect())
            .filter(|s: &Vec<usize>| {
                within(s.iter().map(|&i| items[i].cost).sum(), budget)
                    && s.iter().filter(|&&i| items[i].territory).count() <= 1
            })
            .collect()
    }

    fn instance(rng: &mut Lcg, n: usize) -> (Vec<Item>, f64) {
        let items: Vec<Item> = (0..n)
            .map(|_| Item {
                // Round costs and gains so that ties happen.
                cost: (rng.next() * 8.0).floor() * 50_000.0,
                gain: ((rng.next() * 10.0).floor() - 1.0) / 100.0,
                territory: rng.next() < 0.25,
            })
            .collect();
        let budget = if rng.next() < 0.2 {
            f64::INFINITY
        } else {
            (rng.next() * 12.0).floor() * 50_000.0
        };
        (items, budget)
    }

    #[test]
    fn feasible_sets_are_every_feasible_set_or_none_beyond_the_cap() {
        let mut rng = Lcg(7);
        for _ in 0..300 {
            let n = 1 + (rng.next() * 9.0) as usize;
            let (items, budget) = instance(&mut rng, n);
            let mut want = all_feasible(&items, budget);
            want.sort();
            for cap in [0, 5, 64, 1000] {
                match feasible_sets(&items, budget, cap) {
                    Some(mut got) => {
                        got.sort();
                        assert_eq!(got, want, "{items:?} {budget}");
                    }
                    None => assert!(want.len() > cap, "{} <= {cap}", want.len()),
                }
            }
        }
    }

    #[test]
    fn top_additive_matches_brute_force() {
        let mut rng = Lcg(11);
        for _ in 0..400 {
            let n = 1 + (rng.next() * 11.0) as usize;
            let (items, budget) = instance(&mut rng, n);
            let mut all: Vec<Scored> = all_feasible(&items, budget)
                .into_iter()
                .map(|set| Scored {
                    gain: set.iter().map(|&i| items[i].gain).sum(),
                    cost: set.iter().map(|&i| items[i].cost).sum(),
                    set,
                })
                .collect();
            all.sort_by(better);
            for k in [1, 3, 8] {
                let got = top_additive(&items, budget, k);
                let want: Vec<Vec<usize>> = all.iter().take(k).map(|s| s.set.clone()).collect();
                assert_eq!(got, want, "{items:?} {budget} {k}");
            }
        }
    }
}
