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
//! The chain is iteration-bounded and driven by its own ChaCha8 stream, so it
//! is deterministic; the deadline is only a safety stop.

use super::plan::{Bfs, Key, NONE, Problem, State};
use super::tree::{CutSpec, Trees};
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
}

pub(crate) fn run(p: &Problem, start: Vec<u32>, rng: ChaCha8Rng, par: &Params) -> ChainOut {
    let n = p.n();
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
    };
    let mut hit_deadline = false;
    let mut it = 0;
    if p.k() > 1 {
        while it < par.iterations {
            if it % BLOCK == 0 {
                if par.deadline.is_some_and(|d| Instant::now() >= d) {
                    hit_deadline = true;
                    break;
                }
                let f = it as f64 / par.iterations as f64;
                c.temp = par.t0 * (par.t1 / par.t0).powf(f);
                let lambda = par.lambda0 * (par.lambda1 / par.lambda0).powf(f);
                (c.lb, c.ld) = p.penalty_scales(lambda);
                if it % REFRESH == 0 && it > 0 {
                    c.s.recompute();
                }
            }
            it += 1;
            let r: f64 = c.rng.random();
            let accepted = if r < par.recom {
                c.recom()
            } else if r < par.recom + par.pair {
                c.pair()
            } else {
                c.flip()
            };
            if accepted {
                let key = c.s.key();
                if key.better_than(&c.best_key) {
                    c.best_key = key;
                    c.best.copy_from_slice(&c.s.assign);
                }
            }
        }
    }
    ChainOut {
        assign: c.best,
        iterations: it,
        hit_deadline,
    }
}

impl Chain<'_> {
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

    /// Locks are hard: a locked unit only ever moves into its territory.
    #[inline]
    fn movable(&self, u: usize, b: u32) -> bool {
        let l = self.s.p.locked[u];
        (l == NONE || l == b) && self.s.members[self.s.assign[u] as usize].len() > 1
    }

    fn flip(&mut self) -> bool {
        let Some((u, b)) = self.pick_boundary() else {
            return false;
        };
        if !self.movable(u, b) {
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
        if self.metropolis(delta) {
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
        let p = self.s.p;
        self.region.clear();
        self.region.extend_from_slice(&self.s.members[a as usize]);
        self.region.extend_from_slice(&self.s.members[b as usize]);
        if !self.trees.draw(&p.graph, &self.region, &mut self.rng) {
            return false;
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
        let Some(cut) = self
            .trees
            .best_cut(&p.weight, category, &spec, &mut self.rng)
        else {
            return false;
        };
        self.trees.mark_subtree(cut.node);
        let sub_is_a = cut.sub_is_1.unwrap_or_else(|| {
            // Keep labels where they were: the orientation that moves less weight.
            let mut stay = 0.0;
            let mut swap = 0.0;
            for (i, &x) in self.trees.nodes.iter().enumerate() {
                let w = p.weight[x as usize];
                if (self.s.assign[x as usize] == a) == self.trees.in_sub[i] {
                    stay += w;
                } else {
                    swap += w;
                }
            }
            stay >= swap
        });
        let before = self.s.energy(self.lb, self.ld);
        self.undo.clear();
        for i in 0..self.trees.nodes.len() {
            let x = self.trees.nodes[i];
            let to = if self.trees.in_sub[i] == sub_is_a {
                a
            } else {
                b
            };
            let from = self.s.assign[x as usize];
            if from != to {
                self.undo.push((x, from));
                self.s.flip(x as usize, to);
            }
        }
        if self.undo.is_empty() {
            return false;
        }
        let delta = self.s.energy(self.lb, self.ld) - before;
        if self.metropolis(delta) {
            true
        } else {
            for &(x, from) in self.undo.iter().rev() {
                self.s.flip(x as usize, from);
            }
            false
        }
    }
}
