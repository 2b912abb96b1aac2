//! Islands, and the sub-problem of each connected part.
//!
//! Territories are allocated to connected components in proportion
//! to weight: greedily, each to the component whose weight most exceeds the
//! targets already placed there, after locked territories and preferring the
//! component holding most of the territory's current units. A component left
//! without a territory is too small to hold one; it joins, through a "ferry"
//! link that is not counted as a cut edge, the territory owning the nearest
//! mainland unit (nearest by location; without locations, the first unit of
//! the component whose weight falls furthest short of its targets). So a
//! territory may own an island beside its mainland part, and contiguity is
//! judged within each component, as [`check()`](super::check()) does.

use super::SplitInput;
use super::distance::dist;
use super::plan::{HomeTerm, NONE, OTHER, Problem};

/// One connected part of the search: a component and its attached islands.
pub(super) struct Sub {
    pub(super) units: Vec<usize>,
    pub(super) labels: Vec<usize>,
    /// Global unit pairs linking an island to its mainland.
    ferries: Vec<(usize, usize)>,
    /// Locks added so an island locked to a territory lands in it.
    extra_locks: Vec<(usize, usize)>,
}

/// Allocates territories to components (see the module docs).
pub(super) fn allocate(input: &SplitInput<'_>, notes: &mut Vec<String>) -> Vec<Sub> {
    let k = input.targets.len();
    let comps = input.graph.components();
    if comps.len() == 1 {
        return vec![Sub {
            units: comps[0].clone(),
            labels: (0..k).collect(),
            ferries: Vec::new(),
            extra_locks: Vec::new(),
        }];
    }
    let parts = Components::new(input, comps);
    notes.push(format!(
        "the graph has {} components; territories were allocated to components in proportion to their weight",
        parts.comps.len()
    ));
    let mut placed = Placement::new(k, &parts);
    placed.place_locked(input, &parts, notes);
    placed.place_rest(input, &parts);
    let islands = attach_islands(input, &parts, &mut placed, notes);
    subs(input, &parts, &placed, islands, notes)
}

/// The graph's connected components, their weights and the total.
struct Components {
    comps: Vec<Vec<usize>>,
    comp_of: Vec<usize>,
    w: Vec<f64>,
    total: f64,
}

impl Components {
    fn new(input: &SplitInput<'_>, comps: Vec<Vec<usize>>) -> Self {
        let comp_of = input.graph.component_of();
        let total: f64 = input.weight.iter().sum();
        let w: Vec<f64> = comps
            .iter()
            .map(|c| c.iter().map(|&u| input.weight[u]).sum())
            .collect();
        Components {
            comps,
            comp_of,
            w,
            total,
        }
    }
}

/// Where the territories go: each territory's component, the territories
/// per component, and each component's weight not yet matched by the
/// targets placed there.
struct Placement {
    owner: Vec<Option<usize>>,
    count: Vec<usize>,
    deficit: Vec<f64>,
}

impl Placement {
    fn new(k: usize, parts: &Components) -> Self {
        Placement {
            owner: vec![None; k],
            count: vec![0usize; parts.comps.len()],
            deficit: parts.w.clone(),
        }
    }

    fn place(&mut self, t: usize, c: usize, target: f64) {
        self.owner[t] = Some(c);
        self.count[c] += 1;
        self.deficit[c] -= target;
    }

    /// Locks decide first: a territory with locked units goes to the
    /// component holding most of them, when it is big enough to hold a
    /// territory; islands with locks are resolved when they are attached.
    fn place_locked(
        &mut self,
        input: &SplitInput<'_>,
        parts: &Components,
        notes: &mut Vec<String>,
    ) {
        let (k, nc) = (input.targets.len(), parts.comps.len());
        let mut lock_count = vec![0usize; k * nc];
        for (u, l) in input.locked.iter().enumerate() {
            if let Some(t) = *l {
                lock_count[t * nc + parts.comp_of[u]] += 1;
            }
        }
        for t in 0..k {
            let row = &lock_count[t * nc..(t + 1) * nc];
            let best = (0..nc)
                .filter(|&c| {
                    row[c] > 0
                        && parts.w[c] >= 0.5 * input.targets[t]
                        && self.count[c] < parts.comps[c].len()
                })
                .max_by(|&a, &b| row[a].cmp(&row[b]).then(b.cmp(&a)));
            if let Some(c) = best {
                if row.iter().filter(|&&x| x > 0).count() > 1 {
                    notes.push(format!(
                        "territory {t} has locked units in several components; it was placed in component {c}"
                    ));
                }
                self.place(t, c, input.targets[t]);
            }
        }
    }

    /// The other territories, largest target first: each to the component
    /// holding most of its current units when that one still has room for
    /// it, else to the component whose weight most exceeds its targets.
    fn place_rest(&mut self, input: &SplitInput<'_>, parts: &Components) {
        let k = input.targets.len();
        let nc = parts.comps.len();
        let pref = preferred_components(input, parts);
        let mut order: Vec<usize> = (0..k).filter(|&t| self.owner[t].is_none()).collect();
        order.sort_by(|&a, &b| {
            input.targets[b]
                .total_cmp(&input.targets[a])
                .then(a.cmp(&b))
        });
        for t in order {
            let eligible = |c: usize| self.count[c] < parts.comps[c].len();
            let c = match pref[t] {
                Some(c) if eligible(c) && self.deficit[c] >= 0.5 * input.targets[t] => c,
                _ => (0..nc)
                    .filter(|&c| eligible(c))
                    .max_by(|&a, &b| self.deficit[a].total_cmp(&self.deficit[b]).then(b.cmp(&a)))
                    .unwrap_or(0),
            };
            self.place(t, c, input.targets[t]);
        }
    }
}

/// The component holding most of each territory's current units, by
/// disruption weight.
fn preferred_components(input: &SplitInput<'_>, parts: &Components) -> Vec<Option<usize>> {
    let k = input.targets.len();
    let nc = parts.comps.len();
    let mut pref = vec![None; k];
    let mut cur = vec![0.0; k * nc];
    for (u, c) in input.current.iter().enumerate() {
        if let Some(t) = *c {
            cur[t * nc + parts.comp_of[u]] += input.disruption_weight[u] + 1e-300;
        }
    }
    for (t, p) in pref.iter_mut().enumerate() {
        let row = &cur[t * nc..(t + 1) * nc];
        *p = (0..nc)
            .filter(|&c| row[c] > 0.0)
            .max_by(|&a, &b| row[a].total_cmp(&row[b]).then(b.cmp(&a)));
    }
    pref
}

/// Per host component: the components attached to it, the ferries that
/// link them and the locks added so an island's lock is honoured.
struct Islands {
    attached: Vec<Vec<usize>>,
    ferries: Vec<Vec<(usize, usize)>>,
    extra_locks: Vec<Vec<(usize, usize)>>,
}

/// Attaches each component without a territory to the territory of its
/// landing unit (see the module docs).
fn attach_islands(
    input: &SplitInput<'_>,
    parts: &Components,
    placed: &mut Placement,
    notes: &mut Vec<String>,
) -> Islands {
    let nc = parts.comps.len();
    let (comps, comp_of, w) = (&parts.comps, &parts.comp_of, &parts.w);
    let mut islands = Islands {
        attached: vec![Vec::new(); nc],
        ferries: vec![Vec::new(); nc],
        extra_locks: vec![Vec::new(); nc],
    };
    let mut virtual_lock: Vec<Option<usize>> = input.locked.clone();
    let mut small_notes = Vec::new();
    for s in (0..nc).filter(|&c| placed.count[c] == 0) {
        let (island, landing) = landing(input, parts, placed, s);
        let host = comp_of[landing];
        placed.deficit[host] += w[s];
        islands.ferries[host].push((island, landing));
        islands.attached[host].push(s);
        let mut locks: Vec<usize> = comps[s].iter().filter_map(|&u| input.locked[u]).collect();
        locks.sort_unstable();
        locks.dedup();
        match locks.as_slice() {
            [] => {}
            [t] if placed.owner[*t] == Some(host)
                && virtual_lock[landing].is_none_or(|l| l == *t) =>
            {
                virtual_lock[landing] = Some(*t);
                islands.extra_locks[host].push((landing, *t));
            }
            _ => notes.push(format!(
                "component {s} is too small for a territory of its own and its locked units cannot all be honoured"
            )),
        }
        small_notes.push(format!(
            "component {s} ({} units, {:.2} % of the weight) is too small for a territory of its own; it joins the territory of unit {landing}",
            comps[s].len(),
            100.0 * w[s] / parts.total
        ));
    }
    if small_notes.len() > 5 {
        notes.push(format!(
            "{} components are too small for a territory of its own; each joins the territory of its nearest mainland unit",
            small_notes.len()
        ));
    } else {
        notes.extend(small_notes);
    }
    islands
}

/// Where island component `s` lands: (its unit nearest the landing, the
/// mainland unit nearest its centre), or without locations (its first
/// unit, the first unit of the component furthest short of its targets).
fn landing(
    input: &SplitInput<'_>,
    parts: &Components,
    placed: &Placement,
    s: usize,
) -> (usize, usize) {
    let (comps, comp_of) = (&parts.comps, &parts.comp_of);
    let nc = comps.len();
    match input.locations {
        Some(loc) => {
            let m = comps[s].len() as f64;
            let centre = comps[s].iter().fold((0.0, 0.0), |acc, &u| {
                (acc.0 + loc[u].0 / m, acc.1 + loc[u].1 / m)
            });
            let landing = (0..input.graph.len())
                .filter(|&u| placed.count[comp_of[u]] > 0)
                .min_by(|&a, &b| dist(loc[a], centre).total_cmp(&dist(loc[b], centre)))
                .unwrap_or(0);
            let island = comps[s]
                .iter()
                .copied()
                .min_by(|&a, &b| dist(loc[a], loc[landing]).total_cmp(&dist(loc[b], loc[landing])))
                .unwrap_or(comps[s][0]);
            (island, landing)
        }
        None => {
            let c = (0..nc)
                .filter(|&c| placed.count[c] > 0)
                .min_by(|&a, &b| {
                    placed.deficit[a]
                        .total_cmp(&placed.deficit[b])
                        .then(a.cmp(&b))
                })
                .unwrap_or(0);
            (comps[s][0], comps[c][0])
        }
    }
}

/// One part per component holding territories, with its islands; a note
/// when a part's weight and targets cannot balance.
fn subs(
    input: &SplitInput<'_>,
    parts: &Components,
    placed: &Placement,
    mut islands: Islands,
    notes: &mut Vec<String>,
) -> Vec<Sub> {
    let k = input.targets.len();
    let (comps, total) = (&parts.comps, parts.total);
    let mut subs = Vec::new();
    for c in (0..comps.len()).filter(|&c| placed.count[c] > 0) {
        let mut units = comps[c].clone();
        for &s in &islands.attached[c] {
            units.extend_from_slice(&comps[s]);
        }
        let labels: Vec<usize> = (0..k).filter(|&t| placed.owner[t] == Some(c)).collect();
        let target: f64 = labels.iter().map(|&t| input.targets[t]).sum();
        let weight: f64 = units.iter().map(|&u| input.weight[u]).sum();
        if (weight / target - 1.0).abs() > input.tolerance {
            notes.push(format!(
                "component {c} holds {:.2} % of the weight but its {} territories have {:.2} % of the target; their balance is off by at least {:.2} %",
                100.0 * weight / total,
                labels.len(),
                100.0 * target / total,
                100.0 * (weight / target - 1.0).abs()
            ));
        }
        subs.push(Sub {
            units,
            labels,
            ferries: std::mem::take(&mut islands.ferries[c]),
            extra_locks: std::mem::take(&mut islands.extra_locks[c]),
        });
    }
    subs
}

/// Energy, in cut edges, of an average unit changing owner under
/// continuity: enough that compactness alone rarely moves a unit, small
/// enough that balance still can.
const MOVE_COST: f64 = 1.0;

/// The sub-problem of a part in its own numbering: its graph (with the
/// ferries), targets scaled to its weight, locks, owners and limits.
pub(super) fn problem(
    input: &SplitInput<'_>,
    sub: &Sub,
    edge_len: f64,
    km: &[Option<Vec<f64>>],
) -> Problem {
    let g = input.graph;
    let mut local = vec![u32::MAX; g.len()];
    for (i, &u) in sub.units.iter().enumerate() {
        local[u] = i as u32;
    }
    let mut tlocal = vec![u32::MAX; input.targets.len()];
    for (i, &t) in sub.labels.iter().enumerate() {
        tlocal[t] = i as u32;
    }
    let ferries: Vec<(u32, u32)> = sub
        .ferries
        .iter()
        .map(|&(a, b)| (local[a], local[b]))
        .collect();
    let graph = g.induced(&sub.units, &ferries);
    let comp_of = g.component_of();
    let real = graph
        .edges()
        .map(|(i, j)| comp_of[sub.units[i]] == comp_of[sub.units[j]])
        .collect();
    let weight: Vec<f64> = sub.units.iter().map(|&u| input.weight[u]).collect();
    let sub_w: f64 = weight.iter().sum();
    let sub_t: f64 = sub.labels.iter().map(|&t| input.targets[t]).sum();
    // Targets scaled to the part's weight, so an unavoidable mismatch
    // between a component and its territories is shared evenly.
    let scale = if sub_w > 0.0 { sub_w / sub_t } else { 1.0 };
    let targets = sub
        .labels
        .iter()
        .map(|&t| input.targets[t] * scale)
        .collect();
    let mut locked: Vec<u32> = sub
        .units
        .iter()
        .map(|&u| input.locked[u].map_or(NONE, |t| tlocal[t]))
        .map(|t| if t == u32::MAX { NONE } else { t })
        .collect();
    for &(u, t) in &sub.extra_locks {
        locked[local[u] as usize] = tlocal[t];
    }
    let current: Vec<u32> = sub
        .units
        .iter()
        .map(|&u| match input.current[u] {
            None => NONE,
            Some(t) if tlocal[t] != u32::MAX => tlocal[t],
            Some(_) => OTHER,
        })
        .collect();
    let dis_w: Vec<f64> = sub
        .units
        .iter()
        .map(|&u| input.disruption_weight[u])
        .collect();
    let dis_total = dis_w
        .iter()
        .zip(&current)
        .filter(|&(_, &c)| c != NONE)
        .map(|(w, _)| w)
        .sum();
    let home = home_term(input, sub, edge_len, km);
    let far = far_from_home(input, sub, km);
    let acc: Vec<f64> = sub.units.iter().map(|&u| input.accounts[u]).collect();
    let acc_total = acc
        .iter()
        .zip(&current)
        .filter(|&(_, &c)| c != NONE)
        .map(|(a, _)| a)
        .sum();
    let with_owner = current.iter().filter(|&&c| c != NONE).count();
    let move_cost = if input.continuity && dis_total > 0.0 {
        MOVE_COST * with_owner as f64 / dis_total
    } else {
        0.0
    };
    Problem {
        graph,
        real,
        weight,
        targets,
        tol: input.tolerance,
        step: 0.25 * sub.labels.len() as f64 / sub.units.len() as f64,
        locked,
        current,
        dis_w,
        dis_total,
        dis_cap: input.max_disruption,
        acc,
        acc_cap: input.max_moved_accounts.map(|cap| {
            // The cap shared among parts by their accounts with an owner.
            let all: f64 = (0..g.len())
                .filter(|&u| input.current[u].is_some())
                .map(|u| input.accounts[u])
                .sum();
            if all > 0.0 {
                cap * acc_total / all
            } else {
                cap
            }
        }),
        acc_total,
        far,
        move_cost,
        home,
        units: sub.units.clone(),
        labels: sub.labels.clone(),
    }
}

/// The distance-to-home term of a part, when homes weigh in.
fn home_term(
    input: &SplitInput<'_>,
    sub: &Sub,
    edge_len: f64,
    km: &[Option<Vec<f64>>],
) -> Option<HomeTerm> {
    let local_km = |t: usize| -> Vec<f64> {
        match km.get(t) {
            Some(Some(d)) => sub.units.iter().map(|&u| d[u]).collect(),
            _ => Vec::new(),
        }
    };
    match input.locations {
        Some(loc) if input.home_unit.iter().any(Option::is_some) && input.home_weight > 0.0 => {
            let mean_w = input.weight.iter().sum::<f64>() / input.graph.len() as f64;
            Some(HomeTerm {
                loc: sub.units.iter().map(|&u| loc[u]).collect(),
                homes: sub
                    .labels
                    .iter()
                    .map(|&t| input.home_unit[t].map(|h| loc[h]))
                    .collect(),
                km: sub.labels.iter().map(|&t| local_km(t)).collect(),
                factor: sub
                    .units
                    .iter()
                    .map(|&u| input.home_weight * input.weight[u] / mean_w / edge_len)
                    .collect(),
            })
        }
        _ => None,
    }
}

/// Per territory of a part, the units beyond its travel radius (empty
/// without radii).
fn far_from_home(input: &SplitInput<'_>, sub: &Sub, km: &[Option<Vec<f64>>]) -> Vec<Vec<bool>> {
    if input.max_distance.iter().any(Option::is_some) {
        sub.labels
            .iter()
            .map(|&t| match (km.get(t), input.max_distance.get(t)) {
                (Some(Some(d)), Some(Some(limit))) => {
                    sub.units.iter().map(|&u| d[u] > *limit).collect()
                }
                _ => vec![false; sub.units.len()],
            })
            .collect()
    } else {
        Vec::new()
    }
}
