//! One sub-problem (a connected graph, its territories and constraints) and
//! the incremental plan state the search mutates. Every score term is kept
//! up to date per unit move, so evaluating a move costs O(degree).

use super::Graph;

/// "No territory" in `u32` territory arrays.
pub(crate) const NONE: u32 = u32::MAX;
/// A current owner that is a territory of another sub-problem: the unit has
/// changed owner whatever this sub-problem does.
pub(crate) const OTHER: u32 = u32::MAX - 1;
/// Cost of one locked unit outside its territory, in cut edges. Locks are
/// hard: moves never take a locked unit out of its territory, so this only
/// steers a seed that broke a lock back to it.
const LOCK_PENALTY: f64 = 1000.0;

/// Distance-to-home compactness: `factor[u] * km[t][u]`.
pub(crate) struct HomeTerm {
    /// Planar locations (seeding geometry).
    pub loc: Vec<(f64, f64)>,
    /// Planar location of each territory's home.
    pub homes: Vec<Option<(f64, f64)>>,
    /// Distance of each unit to each territory's home (empty without one).
    pub km: Vec<Vec<f64>>,
    pub factor: Vec<f64>,
}

impl HomeTerm {
    #[inline]
    pub fn cost(&self, u: usize, t: usize) -> f64 {
        match self.km[t].get(u) {
            Some(d) => self.factor[u] * d,
            None => 0.0,
        }
    }
}

/// A connected sub-problem in local numbering.
pub(crate) struct Problem {
    pub graph: Graph,
    /// False for ferry edges that tie a small island to the mainland: they
    /// keep the search connected but are not counted as cut edges.
    pub real: Vec<bool>,
    pub weight: Vec<f64>,
    pub targets: Vec<f64>,
    pub tol: f64,
    /// See [`Problem::excess`].
    pub step: f64,
    pub locked: Vec<u32>,
    pub current: Vec<u32>,
    pub dis_w: Vec<f64>,
    /// Disruption weight of units that have a current owner.
    pub dis_total: f64,
    pub dis_cap: Option<f64>,
    /// Accounts per unit and the cap on those changing owner (absolute).
    pub acc: Vec<f64>,
    pub acc_cap: Option<f64>,
    /// Accounts of units that have a current owner.
    pub acc_total: f64,
    /// `far[t][u]`: unit `u` lies beyond territory `t`'s travel radius
    /// (empty without radii); hard, like a lock.
    pub far: Vec<Vec<bool>>,
    /// Energy, in cut edges, of one unit of disruption weight changing
    /// owner (0 without continuity).
    pub move_cost: f64,
    pub home: Option<HomeTerm>,
    /// Global unit of each local unit.
    pub units: Vec<usize>,
    /// Global territory of each local territory.
    pub labels: Vec<usize>,
}

impl Problem {
    pub fn n(&self) -> usize {
        self.graph.len()
    }

    pub fn k(&self) -> usize {
        self.targets.len()
    }

    /// Balance penalty of territory `t` at weight `w`: zero within the
    /// tolerance; past it a step (a quarter of an average unit) so that a
    /// near miss is worth fixing at the end of the run, then growing
    /// convexly, so when the tolerance is out of reach (a unit heavier than
    /// a target) the excess is spread evenly instead of piling up.
    #[inline]
    pub fn excess(&self, t: usize, w: f64) -> f64 {
        let x = (w / self.targets[t] - 1.0).abs() - self.tol;
        if x > 0.0 {
            self.step + x + x * x / (2.0 * self.tol.max(0.01))
        } else {
            0.0
        }
    }

    /// Share of disruption weight over the cap.
    #[inline]
    pub fn dis_excess(&self, moved: f64) -> f64 {
        match self.dis_cap {
            Some(cap) if self.dis_total > 0.0 => (moved / self.dis_total - cap).max(0.0),
            _ => 0.0,
        }
    }

    /// Accounts over the cap, as a share of the accounts with an owner.
    #[inline]
    pub fn acc_excess(&self, moved: f64) -> f64 {
        match self.acc_cap {
            Some(cap) => (moved - cap).max(0.0) / self.acc_total.max(1.0),
            None => 0.0,
        }
    }

    /// Unit `u` may not be in territory `t` (lock elsewhere, or beyond the
    /// travel radius).
    #[inline]
    pub fn barred(&self, u: usize, t: u32) -> bool {
        let l = self.locked[u];
        (l != NONE && l != t) || self.is_far(u, t)
    }

    #[inline]
    pub fn is_far(&self, u: usize, t: u32) -> bool {
        !self.far.is_empty() && self.far[t as usize][u]
    }

    /// Penalty multipliers for balance and disruption at strength `lambda`,
    /// scaled so that `lambda` is the cost (in cut edges) of pushing one
    /// average unit's weight past the limit.
    pub fn penalty_scales(&self, lambda: f64) -> (f64, f64) {
        let per_unit = self.n() as f64 / self.k() as f64;
        let with_owner = self.current.iter().filter(|&&c| c != NONE).count().max(1) as f64;
        (lambda * per_unit, lambda * with_owner)
    }
}

/// Lexicographic quality: locks and travel radii, then the disruption and
/// account caps, then balance, then (with continuity) the disruption
/// itself, then the compactness objective. Lower is better.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Key {
    pub locks: usize,
    pub caps: f64,
    pub balance: f64,
    pub moved: f64,
    pub objective: f64,
}

impl Key {
    pub fn better_than(&self, o: &Key) -> bool {
        self.cmp(o) == std::cmp::Ordering::Less
    }

    pub fn cmp(&self, o: &Key) -> std::cmp::Ordering {
        self.locks
            .cmp(&o.locks)
            .then(self.caps.total_cmp(&o.caps))
            .then(self.balance.total_cmp(&o.balance))
            .then(self.moved.total_cmp(&o.moved))
            .then(self.objective.total_cmp(&o.objective))
    }

    /// Better by more than `rel` of the compactness objective (any gain in
    /// the hard terms counts): what keeps a search going.
    pub fn clearly_better_than(&self, o: &Key, rel: f64) -> bool {
        let gain = |new: f64, old: f64| new < old - rel * old.abs() - 1e-12;
        if self.locks != o.locks {
            return self.locks < o.locks;
        }
        if self.caps != o.caps || self.balance != o.balance {
            return (self.caps, self.balance) < (o.caps, o.balance);
        }
        // Disruption under continuity is kept low by the give-back pass; a
        // small share moving back and forth is no reason to search on.
        gain(self.objective, o.objective)
    }

    /// Every hard limit holds.
    pub fn feasible(&self) -> bool {
        self.locks == 0 && self.caps == 0.0 && self.balance == 0.0
    }
}

/// Scratch buffers for connectivity checks, reused across moves.
pub(crate) struct Bfs {
    stamp: Vec<u32>,
    generation: u32,
    wanted: Vec<u32>,
    /// Which search reached a unit (valid where `stamp` is current).
    group: Vec<u32>,
    parent: Vec<u32>,
    queues: Vec<Vec<u32>>,
    heads: Vec<usize>,
    live: Vec<bool>,
}

impl Bfs {
    pub fn new(n: usize) -> Self {
        Bfs {
            stamp: vec![0; n],
            generation: 0,
            wanted: Vec::new(),
            group: vec![0; n],
            parent: Vec::new(),
            queues: Vec::new(),
            heads: Vec::new(),
            live: Vec::new(),
        }
    }

    fn next_generation(&mut self) -> u32 {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.fill(0);
            self.generation = 1;
        }
        self.generation
    }
}

/// The mutable plan with its incrementally maintained score terms.
pub(crate) struct State<'p> {
    pub p: &'p Problem,
    pub assign: Vec<u32>,
    pub tw: Vec<f64>,
    pub members: Vec<Vec<u32>>,
    mpos: Vec<u32>,
    pub cut_list: Vec<u32>,
    cut_pos: Vec<u32>,
    pub cut_real: usize,
    pub home: f64,
    pub moved: f64,
    pub acc_moved: f64,
    /// Locked units outside their territory plus units beyond their
    /// territory's radius.
    pub lock_viol: usize,
    ex: Vec<f64>,
    pub ex_total: f64,
    pub n_over: usize,
}

impl<'p> State<'p> {
    pub fn new(p: &'p Problem, assign: Vec<u32>) -> Self {
        let mut s = State {
            p,
            assign,
            tw: Vec::new(),
            members: Vec::new(),
            mpos: Vec::new(),
            cut_list: Vec::new(),
            cut_pos: Vec::new(),
            cut_real: 0,
            home: 0.0,
            moved: 0.0,
            acc_moved: 0.0,
            lock_viol: 0,
            ex: Vec::new(),
            ex_total: 0.0,
            n_over: 0,
        };
        s.recompute();
        s
    }

    /// Rebuilds every derived term from the assignment; also used to shed
    /// floating-point drift from long runs of incremental updates.
    pub fn recompute(&mut self) {
        let p = self.p;
        let (n, k) = (p.n(), p.k());
        self.tw = vec![0.0; k];
        self.members = vec![Vec::new(); k];
        self.mpos = vec![0; n];
        self.home = 0.0;
        self.moved = 0.0;
        self.acc_moved = 0.0;
        self.lock_viol = 0;
        for u in 0..n {
            let t = self.assign[u] as usize;
            self.tw[t] += p.weight[u];
            self.mpos[u] = self.members[t].len() as u32;
            self.members[t].push(u as u32);
            if let Some(h) = &p.home {
                self.home += h.cost(u, t);
            }
            let c = p.current[u];
            if c != NONE && c != t as u32 {
                self.moved += p.dis_w[u];
                self.acc_moved += p.acc[u];
            }
            if p.barred(u, t as u32) {
                self.lock_viol += 1;
            }
        }
        self.cut_list.clear();
        self.cut_pos = vec![NONE; p.graph.edge_count()];
        self.cut_real = 0;
        for (e, (i, j)) in p.graph.edges().enumerate() {
            if self.assign[i] != self.assign[j] {
                self.cut_pos[e] = self.cut_list.len() as u32;
                self.cut_list.push(e as u32);
                self.cut_real += usize::from(p.real[e]);
            }
        }
        self.ex = (0..k).map(|t| p.excess(t, self.tw[t])).collect();
        self.ex_total = self.ex.iter().sum();
        self.n_over = self.ex.iter().filter(|&&x| x > 0.0).count();
    }

    /// Squared relative excess over the tolerance: the measure rebalancing
    /// drives down, since it favours sharing an excess over piling it up.
    pub fn sq_excess(&self, t: usize) -> f64 {
        let p = self.p;
        ((self.tw[t] / p.targets[t] - 1.0).abs() - p.tol)
            .max(0.0)
            .powi(2)
    }

    /// Territories outside the tolerance.
    pub fn over(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.p.k()).filter(|&t| self.ex[t] > 0.0)
    }

    pub fn objective(&self) -> f64 {
        self.cut_real as f64 + self.home
    }

    pub fn key(&self) -> Key {
        Key {
            locks: self.lock_viol,
            caps: self.caps_excess(),
            balance: if self.n_over == 0 { 0.0 } else { self.ex_total },
            moved: if self.p.move_cost > 0.0 {
                self.moved
            } else {
                0.0
            },
            objective: self.objective(),
        }
    }

    /// How far the disruption and account caps are exceeded (0 within).
    pub fn caps_excess(&self) -> f64 {
        self.p.dis_excess(self.moved) + self.p.acc_excess(self.acc_moved)
    }

    pub fn energy(&self, lb: f64, ld: f64) -> f64 {
        self.objective()
            + lb * self.ex_total
            + ld * self.caps_excess()
            + self.p.move_cost * self.moved
            + LOCK_PENALTY * self.lock_viol as f64
    }

    /// Energy change of moving `u` to `b`, without moving it.
    #[inline]
    pub fn flip_delta(&self, u: usize, b: u32, lb: f64, ld: f64) -> f64 {
        let p = self.p;
        let a = self.assign[u];
        let mut d = 0.0;
        for (&v, &e) in p.graph.nbrs(u).iter().zip(p.graph.nbr_edges(u)) {
            if p.real[e as usize] {
                let av = self.assign[v as usize];
                if av == a {
                    d += 1.0;
                } else if av == b {
                    d -= 1.0;
                }
            }
        }
        let (ai, bi) = (a as usize, b as usize);
        if let Some(h) = &p.home {
            d += h.cost(u, bi) - h.cost(u, ai);
        }
        let w = p.weight[u];
        let ex_new = p.excess(ai, self.tw[ai] - w) + p.excess(bi, self.tw[bi] + w);
        d += lb * (ex_new - self.ex[ai] - self.ex[bi]);
        let c = p.current[u];
        if c != NONE && (c == a || c == b) {
            let sign = if c == a { 1.0 } else { -1.0 };
            let dm = sign * p.dis_w[u];
            d += p.move_cost * dm;
            if ld > 0.0 {
                let da = sign * p.acc[u];
                d += ld
                    * (p.dis_excess(self.moved + dm) - p.dis_excess(self.moved)
                        + p.acc_excess(self.acc_moved + da)
                        - p.acc_excess(self.acc_moved));
            }
        }
        d += LOCK_PENALTY * (f64::from(p.barred(u, b)) - f64::from(p.barred(u, a)));
        d
    }

    /// Whether moving `u` to `b` keeps the disruption and account caps.
    #[inline]
    pub fn flip_keeps_caps(&self, u: usize, b: u32) -> bool {
        let p = self.p;
        let c = p.current[u];
        if c == NONE || c == b || c != self.assign[u] {
            // Returning home or moving a unit already moved never adds.
            return true;
        }
        p.dis_excess(self.moved + p.dis_w[u]) == 0.0
            && p.acc_excess(self.acc_moved + p.acc[u]) == 0.0
    }

    /// Whether moving `u` to `b` leaves both territories within tolerance.
    #[inline]
    pub fn flip_keeps_balance(&self, u: usize, b: u32) -> bool {
        let p = self.p;
        let (a, b) = (self.assign[u] as usize, b as usize);
        let w = p.weight[u];
        p.excess(a, self.tw[a] - w) == 0.0 && p.excess(b, self.tw[b] + w) == 0.0
    }

    /// Moves `u` to `b`, updating every derived term. No constraint checks:
    /// multi-unit proposals pass through intermediate states.
    pub fn flip(&mut self, u: usize, b: u32) {
        let p = self.p;
        let a = self.assign[u];
        if a == b {
            return;
        }
        let (ai, bi) = (a as usize, b as usize);
        self.assign[u] = b;
        for (&v, &e) in p.graph.nbrs(u).iter().zip(p.graph.nbr_edges(u)) {
            let av = self.assign[v as usize];
            let e = e as usize;
            if av == a {
                self.cut_insert(e);
            } else if av == b {
                self.cut_remove(e);
            }
        }
        let w = p.weight[u];
        self.tw[ai] -= w;
        self.tw[bi] += w;
        for t in [ai, bi] {
            let x = p.excess(t, self.tw[t]);
            self.ex_total += x - self.ex[t];
            self.n_over = self.n_over + usize::from(x > 0.0) - usize::from(self.ex[t] > 0.0);
            self.ex[t] = x;
        }
        if let Some(h) = &p.home {
            self.home += h.cost(u, bi) - h.cost(u, ai);
        }
        let c = p.current[u];
        if c != NONE {
            if c == a {
                self.moved += p.dis_w[u];
                self.acc_moved += p.acc[u];
            } else if c == b {
                self.moved -= p.dis_w[u];
                self.acc_moved -= p.acc[u];
            }
        }
        self.lock_viol = self.lock_viol + usize::from(p.barred(u, b)) - usize::from(p.barred(u, a));
        let pos = self.mpos[u] as usize;
        let list = &mut self.members[ai];
        list.swap_remove(pos);
        if let Some(&moved_in) = list.get(pos) {
            self.mpos[moved_in as usize] = pos as u32;
        }
        self.mpos[u] = self.members[bi].len() as u32;
        self.members[bi].push(u as u32);
    }

    fn cut_insert(&mut self, e: usize) {
        if self.cut_pos[e] == NONE {
            self.cut_pos[e] = self.cut_list.len() as u32;
            self.cut_list.push(e as u32);
            self.cut_real += usize::from(self.p.real[e]);
        }
    }

    fn cut_remove(&mut self, e: usize) {
        let pos = self.cut_pos[e];
        if pos != NONE {
            self.cut_list.swap_remove(pos as usize);
            if let Some(&other) = self.cut_list.get(pos as usize) {
                self.cut_pos[other as usize] = pos;
            }
            self.cut_pos[e] = NONE;
            self.cut_real -= usize::from(self.p.real[e]);
        }
    }

    /// Whether `u`'s territory stays connected without `u`: its neighbours in
    /// that territory must still reach each other. One search grows from
    /// each of them in turn; searches that meet merge, and the answer is
    /// known when all have merged (yes) or when one group runs out of units
    /// first (no: it is a piece cut off). So the cost is about the smaller
    /// side, not the whole territory, when the move would split it.
    pub fn donor_stays_connected(&self, u: usize, bfs: &mut Bfs) -> bool {
        let g = &self.p.graph;
        let a = self.assign[u];
        bfs.wanted.clear();
        bfs.wanted.extend(
            g.nbrs(u)
                .iter()
                .copied()
                .filter(|&v| self.assign[v as usize] == a),
        );
        let m = bfs.wanted.len();
        if m <= 1 {
            return true;
        }
        let generation = bfs.next_generation();
        bfs.stamp[u] = generation;
        bfs.parent.clear();
        bfs.parent.extend(0..m as u32);
        bfs.queues.resize_with(m, Vec::new);
        bfs.heads.clear();
        bfs.heads.resize(m, 0);
        for i in 0..m {
            let v = bfs.wanted[i] as usize;
            bfs.queues[i].clear();
            if bfs.stamp[v] == generation {
                // Listed twice (parallel edges): already a group.
                let j = bfs.group[v];
                union(&mut bfs.parent, i as u32, j);
                continue;
            }
            bfs.stamp[v] = generation;
            bfs.group[v] = i as u32;
            bfs.queues[i].push(v as u32);
        }
        let mut groups = (0..m as u32)
            .filter(|&i| find(&mut bfs.parent, i) == i)
            .count();
        if groups <= 1 {
            return true;
        }
        loop {
            let mut active = 0;
            for i in 0..m {
                let Some(&x) = bfs.queues[i].get(bfs.heads[i]) else {
                    continue;
                };
                active += 1;
                bfs.heads[i] += 1;
                for &y in g.nbrs(x as usize) {
                    let yi = y as usize;
                    if self.assign[yi] != a {
                        continue;
                    }
                    if bfs.stamp[yi] == generation {
                        if yi == u {
                            continue;
                        }
                        let (ri, rj) = (
                            find(&mut bfs.parent, i as u32),
                            find(&mut bfs.parent, bfs.group[yi]),
                        );
                        if ri != rj {
                            bfs.parent[ri as usize] = rj;
                            groups -= 1;
                            if groups == 1 {
                                return true;
                            }
                        }
                        continue;
                    }
                    bfs.stamp[yi] = generation;
                    bfs.group[yi] = i as u32;
                    bfs.queues[i].push(y);
                }
            }
            // A group none of whose searches can grow is a closed piece.
            bfs.live.clear();
            bfs.live.resize(m, false);
            for i in 0..m {
                if bfs.heads[i] < bfs.queues[i].len() {
                    let r = find(&mut bfs.parent, i as u32) as usize;
                    bfs.live[r] = true;
                }
            }
            for i in 0..m {
                if find(&mut bfs.parent, i as u32) == i as u32 && !bfs.live[i] {
                    return false;
                }
            }
            if active == 0 {
                return false;
            }
        }
    }
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let up = parent[parent[x as usize] as usize];
        parent[x as usize] = up;
        x = up;
    }
    x
}

fn union(parent: &mut [u32], a: u32, b: u32) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[ra as usize] = rb;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rand::rngs::ChaCha8Rng;
    use rand::{RngExt, SeedableRng};

    /// A `w` x `h` grid with unit weights, `k` equal targets, homes at the
    /// corners and every unit currently owned by territory 0.
    pub(crate) fn grid_problem(w: usize, h: usize, k: usize, tol: f64) -> Problem {
        let mut edges = Vec::new();
        for y in 0..h {
            for x in 0..w {
                let u = y * w + x;
                if x + 1 < w {
                    edges.push((u, u + 1));
                }
                if y + 1 < h {
                    edges.push((u, u + w));
                }
            }
        }
        let n = w * h;
        let graph = Graph::from_edges(n, &edges).unwrap();
        let real = vec![true; graph.edge_count()];
        let loc: Vec<(f64, f64)> = (0..n).map(|u| ((u % w) as f64, (u / w) as f64)).collect();
        Problem {
            graph,
            real,
            weight: vec![1.0; n],
            targets: vec![n as f64 / k as f64; k],
            tol,
            step: 0.25 * k as f64 / n as f64,
            locked: vec![NONE; n],
            current: vec![0; n],
            dis_w: vec![1.0; n],
            dis_total: n as f64,
            dis_cap: Some(0.5),
            acc: vec![1.0; n],
            acc_cap: Some(n as f64 * 0.6),
            acc_total: n as f64,
            far: (0..k)
                .map(|t| loc.iter().map(|l| (l.0 - t as f64).abs() > 6.0).collect())
                .collect(),
            move_cost: 0.3,
            home: Some(HomeTerm {
                km: (0..k)
                    .map(|t| {
                        loc.iter()
                            .map(|l| ((l.0 - t as f64).powi(2) + l.1.powi(2)).sqrt())
                            .collect()
                    })
                    .collect(),
                loc,
                homes: (0..k).map(|t| Some((t as f64, 0.0))).collect(),
                factor: vec![0.1; n],
            }),
            units: (0..n).collect(),
            labels: (0..k).collect(),
        }
    }

    #[test]
    fn incremental_terms_match_a_rebuild() {
        let p = grid_problem(8, 6, 3, 0.05);
        let n = p.n();
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut s = State::new(&p, (0..n).map(|u| (u % 3) as u32).collect());
        for _ in 0..2000 {
            let u = rng.random_range(0..n);
            let b = rng.random_range(0..3) as u32;
            let before = s.energy(2.0, 3.0);
            let predicted = if b == s.assign[u] {
                0.0
            } else {
                s.flip_delta(u, b, 2.0, 3.0)
            };
            s.flip(u, b);
            let after = s.energy(2.0, 3.0);
            assert!(
                (after - before - predicted).abs() < 1e-9,
                "delta of moving {u} to {b}"
            );
        }
        let fresh = State::new(&p, s.assign.clone());
        assert_eq!(s.cut_real, fresh.cut_real);
        assert_eq!(s.cut_list.len(), fresh.cut_list.len());
        assert!((s.home - fresh.home).abs() < 1e-9);
        assert!((s.moved - fresh.moved).abs() < 1e-9);
        assert!((s.acc_moved - fresh.acc_moved).abs() < 1e-9);
        assert_eq!(s.lock_viol, fresh.lock_viol);
        assert!((s.ex_total - fresh.ex_total).abs() < 1e-9);
        assert_eq!(s.n_over, fresh.n_over);
        for t in 0..3 {
            let mut a = s.members[t].clone();
            let mut b = fresh.members[t].clone();
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b);
        }
    }

    #[test]
    fn donor_check_matches_a_full_connectivity_test() {
        let p = grid_problem(5, 5, 2, 0.1);
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let mut bfs = Bfs::new(p.n());
        for _ in 0..300 {
            let assign: Vec<u32> = (0..p.n())
                .map(|_| u32::from(rng.random::<f64>() < 0.6))
                .collect();
            let s = State::new(&p, assign.clone());
            for u in 0..p.n() {
                let a = assign[u];
                let count_pieces = |skip: Option<usize>| {
                    let mut seen = vec![false; p.n()];
                    let mut pieces = 0;
                    for s0 in 0..p.n() {
                        if seen[s0] || assign[s0] != a || Some(s0) == skip {
                            continue;
                        }
                        pieces += 1;
                        let mut stack = vec![s0];
                        seen[s0] = true;
                        while let Some(x) = stack.pop() {
                            for y in p.graph.neighbors(x) {
                                if !seen[y] && assign[y] == a && Some(y) != skip {
                                    seen[y] = true;
                                    stack.push(y);
                                }
                            }
                        }
                    }
                    pieces
                };
                let has_neighbour = p.graph.neighbors(u).any(|v| assign[v] == a);
                let expected = !has_neighbour || count_pieces(Some(u)) <= count_pieces(None);
                assert_eq!(s.donor_stays_connected(u, &mut bfs), expected, "unit {u}");
            }
        }
    }
}
