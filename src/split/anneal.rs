//! One search chain: simulated annealing over contiguous plans.
//!
//! Contiguity is hard (every proposal keeps each territory connected);
//! balance, disruption and locks are penalties whose strength grows during
//! the run, so early on the chain can pass through slightly unbalanced plans
//! to reach better shapes, and the best plan is chosen by the lexicographic
//! [`Key`] (locks, balance, disruption, compactness). Proposals:
//! - boundary flip: one unit on a cut edge joins the neighbouring territory;
//! - pair flip: a flip and a flip back across the same boundary, which keeps
//!   balance roughly where it was (a swap);
//! - ReCom: two adjacent territories are merged, a random spanning tree of
//!   the union is cut at its best balanced edge.
//!
//! Phases: the start is rebalanced (ReCom diffusion), annealed hot to cold,
//! and the best plan is then repaired if still unbalanced (cheapest boundary
//! flips, then ReCom diffusion) and polished cold, with balance hard once it
//! holds. Soft penalties find good shapes; the hard phase keeps what counts.
//!
//! The chain is iteration-bounded and driven by its own ChaCha8 stream, so it
//! is deterministic; the deadline is only a safety stop.

use super::plan::{Bfs, Key, Problem, State};
use super::tree::{Cut, CutSpec, Trees};
use rand::RngExt;
use rand::rngs::ChaCha8Rng;
use std::time::Instant;

/// Iterations between temperature updates and deadline checks.
const BLOCK: u64 = 1024;
/// Iterations between rebuilds of the incremental terms (floating drift).
const REFRESH: u64 = 1 << 16;

#[derive(Clone, Debug)]
pub(crate) struct Params {
    pub iterations: u64,
    /// Temperature, in cut edges, at the start and the end (geometric).
    pub t0: f64,
    pub t1: f64,
    /// Penalty strength at the start and the end (geometric).
    pub lambda0: f64,
    pub lambda1: f64,
    /// Probability of a ReCom proposal and of a pair flip.
    pub recom: f64,
    pub pair: f64,
    pub deadline: Option<Instant>,
}

pub(crate) struct ChainOut {
    pub assign: Vec<u32>,
    pub iterations: u64,
    pub hit_deadline: bool,
}

struct Chain<'p> {
    s: State<'p>,
    rng: ChaCha8Rng,
    bfs: Bfs,
    trees: Trees,
    region: Vec<u32>,
    undo: Vec<(u32, u32)>,
    temp: f64,
    lb: f64,
    ld: f64,
    best: Vec<u32>,
    best_key: Key,
    iterations: u64,
    deadline: Option<Instant>,
    hit_deadline: bool,
    /// Balance is a hard constraint (the polish of a balanced plan).
    hard: bool,
    /// The disruption and account caps hold and must keep holding.
    caps_hard: bool,
}

/// Share of the iterations spent on the final polish from the best plan.
const POLISH: f64 = 0.15;
/// Rebalancing steps allowed per territory, and trees drawn per step.
const REBALANCE_STEPS: usize = 50;
const REBALANCE_TREES: usize = 4;

/// Runs one chain: rebalance the start, anneal, then restart from the best
/// plan found, repair its balance if it is still outside the tolerance
/// (cheapest boundary flips first, ReCom diffusion next), and polish it cold.
pub(crate) fn run(p: &Problem, mut start: Vec<u32>, rng: ChaCha8Rng, par: &Params) -> ChainOut {
    let n = p.n();
    super::seed::fix_barred(p, &mut start);
    let s = State::new(p, start);
    let best_key = s.key();
    let mut c = Chain {
        best: s.assign.clone(),
        s,
        rng,
        bfs: Bfs::new(n),
        trees: Trees::new(n),
        region: Vec::new(),
        undo: Vec::new(),
        temp: par.t0,
        lb: 0.0,
        ld: 0.0,
        best_key,
        iterations: 0,
        deadline: par.deadline,
        hit_deadline: false,
        hard: false,
        caps_hard: false,
    };
    c.caps_hard = c.s.caps_excess() == 0.0;
    if p.k() > 1 {
        let main = ((1.0 - POLISH) * par.iterations as f64) as u64;
        c.rebalance(REBALANCE_STEPS * p.k());
        c.anneal(main, (par.t0, par.t1), (par.lambda0, par.lambda1), par);
        if !c.hit_deadline {
            c.s = State::new(p, c.best.clone());
            for _ in 0..3 {
                if c.s.n_over == 0 {
                    break;
                }
                c.repair(REBALANCE_STEPS * p.k());
                if c.s.n_over > 0 {
                    c.rebalance(REBALANCE_STEPS * p.k());
                }
            }
            c.hard = c.s.n_over == 0;
            c.caps_hard = c.s.caps_excess() == 0.0;
            let cold = (par.t1 * 4.0, par.t1 * 0.5);
            c.anneal(par.iterations - main, cold, (par.lambda1, par.lambda1), par);
        }
        if p.move_cost > 0.0 {
            c.s = State::new(p, c.best.clone());
            c.give_back();
        }
    }
    ChainOut {
        assign: c.best,
        iterations: c.iterations,
        hit_deadline: c.hit_deadline,
    }
}

impl Chain<'_> {
    /// Records the current plan if it beats the best so far.
    fn track(&mut self) {
        let key = self.s.key();
        self.caps_hard |= key.caps == 0.0;
        if key.better_than(&self.best_key) {
            self.best_key = key;
            self.best.copy_from_slice(&self.s.assign);
        }
    }

    /// `iters` proposals with temperature and penalty strength moving
    /// geometrically between the given end points.
    fn anneal(&mut self, iters: u64, temp: (f64, f64), lambda: (f64, f64), par: &Params) {
        let p = self.s.p;
        for it in 0..iters {
            if it % BLOCK == 0 {
                if self.deadline.is_some_and(|d| Instant::now() >= d) {
                    self.hit_deadline = true;
                    return;
                }
                let f = it as f64 / iters as f64;
                self.temp = temp.0 * (temp.1 / temp.0).powf(f);
                (self.lb, self.ld) = p.penalty_scales(lambda.0 * (lambda.1 / lambda.0).powf(f));
                if it % REFRESH == 0 && it > 0 {
                    self.s.recompute();
                }
            }
            self.iterations += 1;
            let r: f64 = self.rng.random();
            let accepted = if r < par.recom {
                self.recom()
            } else if r < par.recom + par.pair {
                self.pair()
            } else {
                self.flip()
            };
            if accepted {
                self.track();
            }
        }
    }

    /// Diffusion towards balance: a territory outside the tolerance and a
    /// neighbour are merged and re-split at the cut that shares their excess
    /// most evenly, kept only if their squared excess falls. Compactness is
    /// ignored here; the annealing that follows restores it.
    fn rebalance(&mut self, steps: usize) {
        let mut over = Vec::new();
        for _ in 0..steps {
            if self.deadline.is_some_and(|d| Instant::now() >= d) {
                self.hit_deadline = true;
                return;
            }
            over.clear();
            over.extend(self.s.over());
            if over.is_empty() {
                return;
            }
            self.iterations += 1;
            let a = over[self.rng.random_range(0..over.len())] as u32;
            let Some(b) = self.neighbour_territory(a) else {
                continue;
            };
            self.region.clear();
            self.region.extend_from_slice(&self.s.members[a as usize]);
            self.region.extend_from_slice(&self.s.members[b as usize]);
            let mut best: Option<(Cut, Vec<bool>, Vec<u32>)> = None;
            for _ in 0..REBALANCE_TREES {
                let Some(cut) = self.draw_and_cut(a, b) else {
                    break;
                };
                if best.as_ref().is_none_or(|x| cut.better_than(&x.0)) {
                    self.trees.mark_subtree(cut.node);
                    best = Some((cut, self.trees.in_sub.clone(), self.trees.nodes.clone()));
                }
            }
            let Some((cut, in_sub, nodes)) = best else {
                continue;
            };
            let before = self.s.sq_excess(a as usize) + self.s.sq_excess(b as usize);
            let locks = self.s.lock_viol;
            self.split_region(a, b, cut.sub_is_1, &nodes, &in_sub);
            let after = self.s.sq_excess(a as usize) + self.s.sq_excess(b as usize);
            if after < before && self.s.lock_viol <= locks && self.caps_ok() {
                self.track();
            } else {
                self.undo_split();
            }
        }
    }

    /// Greedy balance repair by boundary flips: among the flips that lower
    /// the squared excess of the two territories involved, take the one
    /// that costs the fewest cut edges. Fixes near misses while keeping the
    /// shapes; stops when balanced or when no flip helps.
    fn repair(&mut self, steps: usize) {
        let p = self.s.p;
        let mut cands: Vec<(f64, f64, u32, u32)> = Vec::new();
        for _ in 0..steps {
            if self.s.n_over == 0 {
                return;
            }
            self.iterations += 1;
            cands.clear();
            for &e in &self.s.cut_list {
                let (i, j) = p.graph.edge(e as usize);
                for (u, v) in [(i, j), (j, i)] {
                    let (a, b) = (self.s.assign[u], self.s.assign[v]);
                    if !self.movable(u, b) || (self.caps_hard && !self.s.flip_keeps_caps(u, b)) {
                        continue;
                    }
                    let (ai, bi) = (a as usize, b as usize);
                    let w = p.weight[u];
                    let sq = |t: usize, tw: f64| {
                        ((tw / p.targets[t] - 1.0).abs() - p.tol).max(0.0).powi(2)
                    };
                    let dsq = sq(ai, self.s.tw[ai] - w) + sq(bi, self.s.tw[bi] + w)
                        - self.s.sq_excess(ai)
                        - self.s.sq_excess(bi);
                    if dsq < 0.0 {
                        let dcut = self.s.flip_delta(u, b, 0.0, 0.0);
                        cands.push((dcut, dsq, u as u32, b));
                    }
                }
            }
            cands.sort_by(|x, y| {
                x.0.total_cmp(&y.0)
                    .then(x.1.total_cmp(&y.1))
                    .then(x.2.cmp(&y.2))
                    .then(x.3.cmp(&y.3))
            });
            let chosen = cands
                .iter()
                .find(|c| self.s.donor_stays_connected(c.2 as usize, &mut self.bfs))
                .copied();
            let Some((_, _, u, b)) = chosen else {
                return;
            };
            self.s.flip(u as usize, b);
            self.track();
        }
    }

    /// A random territory adjacent to `a`.
    fn neighbour_territory(&mut self, a: u32) -> Option<u32> {
        let p = self.s.p;
        let members = &self.s.members[a as usize];
        if members.is_empty() {
            return None;
        }
        let mut found = Vec::new();
        for _ in 0..8 {
            let u = members[self.rng.random_range(0..members.len())] as usize;
            found.clear();
            found.extend(
                p.graph
                    .nbrs(u)
                    .iter()
                    .map(|&v| self.s.assign[v as usize])
                    .filter(|&t| t != a),
            );
            if !found.is_empty() {
                return Some(found[self.rng.random_range(0..found.len())]);
            }
        }
        for &u in members {
            found.extend(
                p.graph
                    .nbrs(u as usize)
                    .iter()
                    .map(|&v| self.s.assign[v as usize])
                    .filter(|&t| t != a),
            );
        }
        if found.is_empty() {
            None
        } else {
            Some(found[self.rng.random_range(0..found.len())])
        }
    }

    /// Draws a spanning tree of `self.region` (territories `a` and `b`) and
    /// returns its best cut for their targets.
    fn draw_and_cut(&mut self, a: u32, b: u32) -> Option<Cut> {
        let p = self.s.p;
        if !self.trees.draw(&p.graph, &self.region, &mut self.rng) {
            return None;
        }
        let spec = CutSpec {
            t1: p.targets[a as usize],
            t2: p.targets[b as usize],
            tol: p.tol,
            min1: 1,
            min2: 1,
        };
        let category = |x: usize| match p.locked[x] {
            l if l == a => 1,
            l if l == b => 2,
            _ => 0,
        };
        self.trees
            .best_cut(&p.weight, category, &spec, &mut self.rng)
    }

    /// Reassigns `nodes` to `a` (where `in_sub` says the subtree, if it is
    /// side `a`) and `b`, recording the moves in `undo`. When either
    /// orientation would do, the labels stay where most weight already is.
    fn split_region(
        &mut self,
        a: u32,
        b: u32,
        sub_is_1: Option<bool>,
        nodes: &[u32],
        in_sub: &[bool],
    ) {
        let p = self.s.p;
        let sub_is_a = sub_is_1.unwrap_or_else(|| {
            let (mut stay, mut swap) = (0.0, 0.0);
            for (i, &x) in nodes.iter().enumerate() {
                let w = p.weight[x as usize];
                if (self.s.assign[x as usize] == a) == in_sub[i] {
                    stay += w;
                } else {
                    swap += w;
                }
            }
            stay >= swap
        });
        self.undo.clear();
        for (i, &x) in nodes.iter().enumerate() {
            let to = if in_sub[i] == sub_is_a { a } else { b };
            let from = self.s.assign[x as usize];
            if from != to {
                self.undo.push((x, from));
                self.s.flip(x as usize, to);
            }
        }
    }

    fn undo_split(&mut self) {
        for &(x, from) in self.undo.iter().rev() {
            self.s.flip(x as usize, from);
        }
        self.undo.clear();
    }

    #[inline]
    fn metropolis(&mut self, delta: f64) -> bool {
        delta <= 0.0 || self.rng.random::<f64>() < (-delta / self.temp).exp()
    }

    /// A unit on a random cut edge and the territory across that edge.
    fn pick_boundary(&mut self) -> Option<(usize, u32)> {
        let len = self.s.cut_list.len();
        if len == 0 {
            return None;
        }
        let e = self.s.cut_list[self.rng.random_range(0..len)] as usize;
        let (i, j) = self.s.p.graph.edge(e);
        let (u, v) = if self.rng.random::<bool>() {
            (i, j)
        } else {
            (j, i)
        };
        Some((u, self.s.assign[v]))
    }

    /// Locks and travel radii are hard: a unit never moves into a
    /// territory it is barred from.
    #[inline]
    fn movable(&self, u: usize, b: u32) -> bool {
        !self.s.p.barred(u, b) && self.s.members[self.s.assign[u] as usize].len() > 1
    }

    /// After a multi-unit proposal: the caps still hold if they held.
    #[inline]
    fn caps_ok(&self) -> bool {
        !self.caps_hard || self.s.caps_excess() == 0.0
    }

    /// Customer ownership continuity: every unit that changed owner goes
    /// back to its current owner when that keeps both territories
    /// contiguous, within the tolerance (or no further from it) and within
    /// every hard limit, so what moves is what buys balance. Heaviest
    /// first; repeated until nothing more can go back.
    fn give_back(&mut self) {
        let p = self.s.p;
        let mut order: Vec<usize> = (0..p.n())
            .filter(|&u| (p.current[u] as usize) < p.k())
            .collect();
        order.sort_by(|&a, &b| p.dis_w[b].total_cmp(&p.dis_w[a]).then(a.cmp(&b)));
        loop {
            let mut changed = false;
            for &u in &order {
                let (a, c) = (self.s.assign[u], p.current[u]);
                if a == c
                    || !self.movable(u, c)
                    || !p
                        .graph
                        .nbrs(u)
                        .iter()
                        .any(|&v| self.s.assign[v as usize] == c)
                {
                    continue;
                }
                let keeps_balance = if self.s.n_over == 0 {
                    self.s.flip_keeps_balance(u, c)
                } else {
                    let w = p.weight[u];
                    let (ai, ci) = (a as usize, c as usize);
                    p.excess(ai, self.s.tw[ai] - w) + p.excess(ci, self.s.tw[ci] + w)
                        <= p.excess(ai, self.s.tw[ai]) + p.excess(ci, self.s.tw[ci])
                };
                if keeps_balance && self.s.donor_stays_connected(u, &mut self.bfs) {
                    self.s.flip(u, c);
                    self.iterations += 1;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        self.track();
    }

    fn flip(&mut self) -> bool {
        let Some((u, b)) = self.pick_boundary() else {
            return false;
        };
        if !self.movable(u, b) {
            return false;
        }
        if self.hard && !self.s.flip_keeps_balance(u, b) {
            return false;
        }
        if self.caps_hard && !self.s.flip_keeps_caps(u, b) {
            return false;
        }
        let delta = self.s.flip_delta(u, b, self.lb, self.ld);
        if !self.metropolis(delta) || !self.s.donor_stays_connected(u, &mut self.bfs) {
            return false;
        }
        self.s.flip(u, b);
        true
    }

    /// `u` crosses to `b`, then a neighbour of `u` from `b` crosses back; the
    /// boundary shifts while the weights change little, which lets balanced
    /// plans reach better shapes under a strict tolerance.
    fn pair(&mut self) -> bool {
        let Some((u, b)) = self.pick_boundary() else {
            return false;
        };
        let a = self.s.assign[u];
        if !self.movable(u, b) || !self.s.donor_stays_connected(u, &mut self.bfs) {
            return false;
        }
        let before = self.s.energy(self.lb, self.ld);
        self.s.flip(u, b);
        let p = self.s.p;
        let g = &p.graph;
        let nb = g.nbrs(u);
        let start = self.rng.random_range(0..nb.len());
        let mut back = None;
        for i in 0..nb.len() {
            let v = nb[(start + i) % nb.len()] as usize;
            if self.s.assign[v] == b
                && g.nbrs(v).iter().any(|&x| self.s.assign[x as usize] == a)
                && self.movable(v, a)
                && self.s.donor_stays_connected(v, &mut self.bfs)
            {
                back = Some(v);
                break;
            }
        }
        let Some(v) = back else {
            self.s.flip(u, a);
            return false;
        };
        self.s.flip(v, a);
        let delta = self.s.energy(self.lb, self.ld) - before;
        if (!self.hard || self.s.n_over == 0) && self.caps_ok() && self.metropolis(delta) {
            true
        } else {
            self.s.flip(v, b);
            self.s.flip(u, a);
            false
        }
    }

    /// Merge two adjacent territories and re-split them along a random
    /// spanning tree at its best balanced edge.
    fn recom(&mut self) -> bool {
        let Some((u, b)) = self.pick_boundary() else {
            return false;
        };
        let a = self.s.assign[u];
        self.region.clear();
        self.region.extend_from_slice(&self.s.members[a as usize]);
        self.region.extend_from_slice(&self.s.members[b as usize]);
        let Some(cut) = self.draw_and_cut(a, b) else {
            return false;
        };
        self.trees.mark_subtree(cut.node);
        let before = self.s.energy(self.lb, self.ld);
        let locks = self.s.lock_viol;
        let nodes = std::mem::take(&mut self.trees.nodes);
        let in_sub = std::mem::take(&mut self.trees.in_sub);
        self.split_region(a, b, cut.sub_is_1, &nodes, &in_sub);
        self.trees.nodes = nodes;
        self.trees.in_sub = in_sub;
        if self.undo.is_empty() {
            return false;
        }
        let delta = self.s.energy(self.lb, self.ld) - before;
        if (!self.hard || self.s.n_over == 0)
            && self.s.lock_viol <= locks
            && self.caps_ok()
            && self.metropolis(delta)
        {
            true
        } else {
            self.undo_split();
            false
        }
    }
}
