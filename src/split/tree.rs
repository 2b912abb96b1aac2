//! Random spanning trees and their balanced cuts: the core of ReCom. Cutting
//! one edge of a spanning tree always leaves two connected parts, so a region
//! can be split in two contiguous pieces of chosen weights in O(region).

use super::Graph;
use rand::RngExt;
use rand::rngs::ChaCha8Rng;

/// What a cut must achieve: side 1 near `t1`, side 2 near `t2` (each within
/// `tol` relative), each side with at least `min1` / `min2` units.
pub(crate) struct CutSpec {
    pub t1: f64,
    pub t2: f64,
    pub tol: f64,
    pub min1: usize,
    pub min2: usize,
}

/// A chosen tree edge: the subtree below local node `node` is one side.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cut {
    pub node: usize,
    /// Lock violations, then squared balance excess; lower is better.
    pub locks: u32,
    pub excess: f64,
    /// `Some(true)`: the subtree is side 1; `None`: both orientations score
    /// the same and the caller chooses.
    pub sub_is_1: Option<bool>,
}

impl Cut {
    pub fn better_than(&self, o: &Cut) -> bool {
        (self.locks, self.excess) < (o.locks, o.excess)
    }
}

/// Reusable buffers for drawing trees over regions of one graph.
pub(crate) struct Trees {
    local: Vec<u32>,
    stamp: Vec<u32>,
    generation: u32,
    pub nodes: Vec<u32>,
    keyed: Vec<(u64, u32, u32)>,
    uf: Vec<u32>,
    adj_off: Vec<u32>,
    adj: Vec<u32>,
    order: Vec<u32>,
    parent: Vec<u32>,
    sub_w: Vec<f64>,
    sub_n: Vec<u32>,
    sub_l1: Vec<u32>,
    sub_l2: Vec<u32>,
    pub in_sub: Vec<bool>,
}

impl Trees {
    pub fn new(n: usize) -> Self {
        Trees {
            local: vec![0; n],
            stamp: vec![0; n],
            generation: 0,
            nodes: Vec::new(),
            keyed: Vec::new(),
            uf: Vec::new(),
            adj_off: Vec::new(),
            adj: Vec::new(),
            order: Vec::new(),
            parent: Vec::new(),
            sub_w: Vec::new(),
            sub_n: Vec::new(),
            sub_l1: Vec::new(),
            sub_l2: Vec::new(),
            in_sub: Vec::new(),
        }
    }

    fn find(uf: &mut [u32], mut x: u32) -> u32 {
        while uf[x as usize] != x {
            let p = uf[uf[x as usize] as usize];
            uf[x as usize] = p;
            x = p;
        }
        x
    }

    /// Draws a spanning tree of the region `nodes` (global ids) as a minimum
    /// spanning tree under random edge weights. Returns false when the region
    /// is not connected.
    pub fn draw(&mut self, g: &Graph, nodes: &[u32], rng: &mut ChaCha8Rng) -> bool {
        let m = nodes.len();
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.fill(0);
            self.generation = 1;
        }
        self.nodes.clear();
        self.nodes.extend_from_slice(nodes);
        for (i, &u) in nodes.iter().enumerate() {
            self.local[u as usize] = i as u32;
            self.stamp[u as usize] = self.generation;
        }
        self.keyed.clear();
        for (i, &u) in nodes.iter().enumerate() {
            for &v in g.nbrs(u as usize) {
                if self.stamp[v as usize] == self.generation {
                    let j = self.local[v as usize];
                    if (i as u32) < j {
                        self.keyed.push((rng.random::<u64>(), i as u32, j));
                    }
                }
            }
        }
        self.keyed.sort_unstable();
        self.uf.clear();
        self.uf.extend(0..m as u32);
        let mut deg = vec![0u32; m + 1];
        let mut tree_edges = Vec::with_capacity(m.saturating_sub(1));
        for &(_, a, b) in &self.keyed {
            let (ra, rb) = (Self::find(&mut self.uf, a), Self::find(&mut self.uf, b));
            if ra != rb {
                self.uf[ra as usize] = rb;
                tree_edges.push((a, b));
                deg[a as usize] += 1;
                deg[b as usize] += 1;
                if tree_edges.len() + 1 == m {
                    break;
                }
            }
        }
        if tree_edges.len() + 1 != m && m > 0 {
            return false;
        }
        self.adj_off.clear();
        self.adj_off.push(0);
        let mut last = 0;
        for d in &deg[..m] {
            last += d;
            self.adj_off.push(last);
        }
        self.adj.clear();
        self.adj.resize(2 * tree_edges.len(), 0);
        let mut fill: Vec<u32> = self.adj_off[..m].to_vec();
        for &(a, b) in &tree_edges {
            self.adj[fill[a as usize] as usize] = b;
            fill[a as usize] += 1;
            self.adj[fill[b as usize] as usize] = a;
            fill[b as usize] += 1;
        }
        self.order.clear();
        self.parent.clear();
        self.parent.resize(m, u32::MAX);
        if m > 0 {
            let root = rng.random_range(0..m as u32);
            self.order.push(root);
            self.parent[root as usize] = root;
            let mut head = 0;
            while head < self.order.len() {
                let x = self.order[head] as usize;
                head += 1;
                for s in self.adj_off[x]..self.adj_off[x + 1] {
                    let y = self.adj[s as usize];
                    if self.parent[y as usize] == u32::MAX {
                        self.parent[y as usize] = x as u32;
                        self.order.push(y);
                    }
                }
            }
        }
        true
    }

    /// The best edge of the last drawn tree for `spec`. `category(u)` says
    /// whether global unit `u` is locked to side 1 (1), side 2 (2) or neither.
    /// Among equally good edges one is chosen at random.
    pub fn best_cut(
        &mut self,
        weight: &[f64],
        category: impl Fn(usize) -> u8,
        spec: &CutSpec,
        rng: &mut ChaCha8Rng,
    ) -> Option<Cut> {
        let m = self.nodes.len();
        if m < 2 {
            return None;
        }
        self.sub_w.clear();
        self.sub_n.clear();
        self.sub_l1.clear();
        self.sub_l2.clear();
        let (mut l1_total, mut l2_total) = (0u32, 0u32);
        for &u in &self.nodes {
            self.sub_w.push(weight[u as usize]);
            self.sub_n.push(1);
            let c = category(u as usize);
            self.sub_l1.push(u32::from(c == 1));
            self.sub_l2.push(u32::from(c == 2));
            l1_total += u32::from(c == 1);
            l2_total += u32::from(c == 2);
        }
        for &x in self.order[1..].iter().rev() {
            let (x, p) = (x as usize, self.parent[x as usize] as usize);
            self.sub_w[p] += self.sub_w[x];
            self.sub_n[p] += self.sub_n[x];
            self.sub_l1[p] += self.sub_l1[x];
            self.sub_l2[p] += self.sub_l2[x];
        }
        let root = self.order[0] as usize;
        let total_w = self.sub_w[root];
        let total_n = m;
        // Squared excess: zero within the tolerance, and when both sides
        // cannot fit, the cut that shares the excess evenly wins.
        let excess = |w: f64, t: f64| ((w / t - 1.0).abs() - spec.tol).max(0.0).powi(2);
        let mut best: Option<Cut> = None;
        let mut ties = 0u32;
        for &x in &self.order[1..] {
            let x = x as usize;
            let (sw, sn) = (self.sub_w[x], self.sub_n[x] as usize);
            let (rw, rn) = (total_w - sw, total_n - sn);
            let option = |sub_is_1: bool| -> Option<(u32, f64)> {
                let (n1, n2, w1, w2) = if sub_is_1 {
                    (sn, rn, sw, rw)
                } else {
                    (rn, sn, rw, sw)
                };
                if n1 < spec.min1 || n2 < spec.min2 {
                    return None;
                }
                // Units locked to the other side that this cut puts here.
                let locks = if sub_is_1 {
                    self.sub_l2[x] + (l1_total - self.sub_l1[x])
                } else {
                    self.sub_l1[x] + (l2_total - self.sub_l2[x])
                };
                Some((locks, excess(w1, spec.t1) + excess(w2, spec.t2)))
            };
            let (o1, o2) = (option(true), option(false));
            let cand = match (o1, o2) {
                (None, None) => continue,
                (Some(a), None) => (a, Some(true)),
                (None, Some(b)) => (b, Some(false)),
                (Some(a), Some(b)) => {
                    if a < b {
                        (a, Some(true))
                    } else if b < a {
                        (b, Some(false))
                    } else {
                        (a, None)
                    }
                }
            };
            let cut = Cut {
                node: x,
                locks: cand.0.0,
                excess: cand.0.1,
                sub_is_1: cand.1,
            };
            match &best {
                None => {
                    best = Some(cut);
                    ties = 1;
                }
                Some(b) if cut.better_than(b) => {
                    best = Some(cut);
                    ties = 1;
                }
                Some(b) if !b.better_than(&cut) => {
                    ties += 1;
                    if rng.random_range(0..ties) == 0 {
                        best = Some(cut);
                    }
                }
                _ => {}
            }
        }
        best
    }

    /// Marks `in_sub` (local order) for the subtree below `node`.
    pub fn mark_subtree(&mut self, node: usize) {
        let m = self.nodes.len();
        self.in_sub.clear();
        self.in_sub.resize(m, false);
        self.in_sub[node] = true;
        for &x in &self.order {
            let x = x as usize;
            if x != node && self.in_sub[self.parent[x] as usize] && x != self.order[0] as usize {
                self.in_sub[x] = true;
            }
        }
    }
}
