//! Territory optimizer on the Iowa counties and on synthetic maps. Every
//! plan is audited by `audit`, written here from the raw inputs and sharing
//! nothing with the optimizer's bookkeeping or its `check`.

use quotaplan::split::{Graph, SplitError, SplitInput, SplitResult, Violation, optimize};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use std::collections::VecDeque;
use std::path::PathBuf;

struct Iowa {
    names: Vec<String>,
    pop: Vec<f64>,
    cd_2011: Vec<usize>,
    edges: Vec<(usize, usize)>,
}

/// The Iowa counties from the shared data folder. A missing folder fails
/// the test: this instance is the reference, not an optional extra.
fn iowa() -> Iowa {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/iowa-counties");
    let read = |f: &str| {
        std::fs::read_to_string(dir.join(f))
            .unwrap_or_else(|e| panic!("Iowa data missing: {}: {e}", dir.join(f).display()))
    };
    let units = read("units.csv");
    let mut lines = units.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (name, pop, cd) = (col("name"), col("pop"), col("cd_2011"));
    let mut out = Iowa {
        names: Vec::new(),
        pop: Vec::new(),
        cd_2011: Vec::new(),
        edges: Vec::new(),
    };
    for line in lines.filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        out.names.push(f[name].to_string());
        out.pop.push(f[pop].parse().expect("pop"));
        out.cd_2011
            .push(f[cd].parse::<usize>().expect("cd_2011") - 1);
    }
    out.edges = read("edges.csv")
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].parse().expect("i"), f[1].parse().expect("j"))
        })
        .collect();
    assert_eq!((out.pop.len(), out.edges.len()), (99, 222));
    out
}

fn county(data: &Iowa, name: &str) -> usize {
    data.names.iter().position(|n| n == name).expect(name)
}

/// What an independent audit of a plan finds.
#[derive(Debug)]
struct Audit {
    /// Territories whose units, within one connected component of the raw
    /// edge list, fall into more than one piece.
    broken: Vec<usize>,
    empty: Vec<usize>,
    max_dev: f64,
    cut_edges: usize,
    locks_broken: usize,
}

fn audit(
    n: usize,
    edges: &[(usize, usize)],
    assignment: &[usize],
    k: usize,
    weight: &[f64],
    targets: &[f64],
    locked: &[Option<usize>],
) -> Audit {
    assert_eq!(assignment.len(), n);
    assert!(assignment.iter().all(|&t| t < k));
    let mut adj = vec![Vec::new(); n];
    for &(i, j) in edges {
        adj[i].push(j);
        adj[j].push(i);
    }
    // Component of every unit, then BFS within (territory, component).
    let mut comp = vec![usize::MAX; n];
    let mut ncomp = 0;
    for s in 0..n {
        if comp[s] != usize::MAX {
            continue;
        }
        comp[s] = ncomp;
        let mut q = VecDeque::from([s]);
        while let Some(u) = q.pop_front() {
            for &v in &adj[u] {
                if comp[v] == usize::MAX {
                    comp[v] = ncomp;
                    q.push_back(v);
                }
            }
        }
        ncomp += 1;
    }
    let mut broken = Vec::new();
    for t in 0..k {
        for c in 0..ncomp {
            let members: Vec<usize> = (0..n)
                .filter(|&u| assignment[u] == t && comp[u] == c)
                .collect();
            let Some(&first) = members.first() else {
                continue;
            };
            let mut seen = vec![false; n];
            seen[first] = true;
            let mut q = VecDeque::from([first]);
            let mut reached = 1;
            while let Some(u) = q.pop_front() {
                for &v in &adj[u] {
                    if !seen[v] && assignment[v] == t {
                        seen[v] = true;
                        reached += 1;
                        q.push_back(v);
                    }
                }
            }
            if reached != members.len() {
                broken.push(t);
            }
        }
    }
    let mut sums = vec![0.0; k];
    let mut counts = vec![0; k];
    for u in 0..n {
        sums[assignment[u]] += weight[u];
        counts[assignment[u]] += 1;
    }
    let max_dev = (0..k)
        .map(|t| (sums[t] / targets[t] - 1.0).abs())
        .fold(0.0, f64::max);
    let mut unique: Vec<(usize, usize)> =
        edges.iter().map(|&(i, j)| (i.min(j), i.max(j))).collect();
    unique.sort_unstable();
    unique.dedup();
    let cut_edges = unique
        .iter()
        .filter(|&&(i, j)| assignment[i] != assignment[j])
        .count();
    let locks_broken = locked
        .iter()
        .enumerate()
        .filter(|(u, l)| l.is_some_and(|t| assignment[*u] != t))
        .count();
    Audit {
        broken,
        empty: (0..k).filter(|&t| counts[t] == 0).collect(),
        max_dev,
        cut_edges,
        locks_broken,
    }
}

/// Audits a result against its input and checks the result's own figures.
fn audited(input: &SplitInput<'_>, edges: &[(usize, usize)], r: &SplitResult) -> Audit {
    let k = input.targets.len();
    let a = audit(
        input.graph.len(),
        edges,
        &r.assignment,
        k,
        &input.weight,
        &input.targets,
        &input.locked,
    );
    assert_eq!(r.cut_edges, a.cut_edges, "reported cut edges");
    assert!(
        (r.max_deviation - a.max_dev).abs() < 1e-9,
        "reported deviation"
    );
    assert!(a.broken.is_empty(), "not contiguous: {:?}", a.broken);
    assert!(a.empty.is_empty(), "empty territories: {:?}", a.empty);
    a
}

fn iowa_input<'a>(g: &'a Graph, data: &Iowa, k: usize, tol: f64) -> SplitInput<'a> {
    let mut input = SplitInput::new(g, data.pop.clone(), k);
    input.tolerance = tol;
    input.seed = 7;
    input
}

#[test]
fn iowa_four_territories_within_half_a_percent_and_compact() {
    let data = iowa();
    let g = Graph::from_edges(99, &data.edges).unwrap();
    let input = iowa_input(&g, &data, 4, 0.005);
    let r = optimize(&input).unwrap();
    let a = audited(&input, &data.edges, &r);
    assert!(r.feasible, "{:?} {:?}", r.violations, r.notes);
    assert!(a.max_dev <= 0.005, "max deviation {}", a.max_dev);
    // The enacted 2011 plan has 47; the proven optimum is 33.
    assert!(a.cut_edges <= 40, "cut edges {}", a.cut_edges);
    assert!(!r.hit_time_limit);
}

/// The proven optimum (33 cut edges at ±0.5 %, Validi & Buchanan 2022) on
/// every seed, not on a lucky one; the search says it converged.
#[test]
fn iowa_four_territories_reach_the_proven_optimum_on_every_seed() {
    let data = iowa();
    let g = Graph::from_edges(99, &data.edges).unwrap();
    let mut found = Vec::new();
    for seed in 1..=10 {
        let mut input = iowa_input(&g, &data, 4, 0.005);
        input.seed = seed;
        let t = std::time::Instant::now();
        let r = optimize(&input).unwrap();
        let a = audited(&input, &data.edges, &r);
        assert!(r.feasible, "seed {seed}: {:?} {:?}", r.violations, r.notes);
        eprintln!(
            "seed {seed}: {} cut edges, {:?}, {} rounds, {} iterations, {:.2} s",
            a.cut_edges,
            r.stop,
            r.rounds,
            r.iterations,
            t.elapsed().as_secs_f64()
        );
        found.push(a.cut_edges);
    }
    assert!(
        found.iter().all(|&c| c == 33),
        "cut edges per seed: {found:?}"
    );
}

/// Customer ownership continuity: the enacted plan is already within
/// ±0.5 %, so nothing buys balance and nothing moves; at ±0.001 % it is
/// not, and what moves is what buys balance: no moved county can go back
/// to its district without breaking contiguity or the tolerance.
#[test]
fn continuity_moves_units_only_to_buy_balance() {
    let data = iowa();
    let g = Graph::from_edges(99, &data.edges).unwrap();
    let mut input = iowa_input(&g, &data, 4, 0.005);
    input.current = data.cd_2011.iter().map(|&d| Some(d)).collect();
    let r = optimize(&input).unwrap();
    assert!(r.feasible, "{:?}", r.notes);
    assert_eq!(r.moved_units, 0, "{:?}", r.notes);
    assert_eq!(r.assignment, data.cd_2011);

    // The enacted plan deviates up to 0.00998 / 2 %; ask for tighter.
    input.tolerance = 0.00002;
    let r = optimize(&input).unwrap();
    let a = audited(&input, &data.edges, &r);
    assert!(a.max_dev <= 0.00002, "{:?}", r.notes);
    assert!(r.moved_units > 0);
    let targets = &input.targets;
    for u in (0..99).filter(|&u| r.assignment[u] != data.cd_2011[u]) {
        let mut back = r.assignment.clone();
        back[u] = data.cd_2011[u];
        let mut w = [0.0; 4];
        for v in 0..99 {
            w[back[v]] += data.pop[v];
        }
        let balanced = (0..4).all(|t| (w[t] / targets[t] - 1.0).abs() <= 0.00002);
        let contiguous = (0..4).all(|t| pieces_of(&data.edges, &back, t) == 1);
        assert!(
            !(balanced && contiguous),
            "county {} moved without buying balance",
            data.names[u]
        );
    }
}

/// Connected pieces of territory `t`.
fn pieces_of(edges: &[(usize, usize)], a: &[usize], t: usize) -> usize {
    let n = a.len();
    let mut adj = vec![Vec::new(); n];
    for &(i, j) in edges {
        adj[i].push(j);
        adj[j].push(i);
    }
    let mut seen = vec![false; n];
    let mut pieces = 0;
    for s in 0..n {
        if a[s] != t || seen[s] {
            continue;
        }
        pieces += 1;
        seen[s] = true;
        let mut stack = vec![s];
        while let Some(x) = stack.pop() {
            for &y in &adj[x] {
                if a[y] == t && !seen[y] {
                    seen[y] = true;
                    stack.push(y);
                }
            }
        }
    }
    pieces
}

#[test]
fn same_seed_same_plan_whatever_the_thread_count() {
    let data = iowa();
    let g = Graph::from_edges(99, &data.edges).unwrap();
    let mut input = iowa_input(&g, &data, 4, 0.005);
    input.iterations = Some(100_000);
    input.threads = Some(1);
    let one = optimize(&input).unwrap();
    let again = optimize(&input).unwrap();
    input.threads = Some(2);
    let two = optimize(&input).unwrap();
    assert_eq!(one.assignment, again.assignment);
    assert_eq!(one.assignment, two.assignment);
    assert_eq!(one.iterations, two.iterations);
    input.seed = 8;
    let other = optimize(&input).unwrap();
    audited(&input, &data.edges, &other);
}

#[test]
fn locked_counties_stay_in_their_territory() {
    let data = iowa();
    let g = Graph::from_edges(99, &data.edges).unwrap();
    let mut input = iowa_input(&g, &data, 4, 0.005);
    // Polk and three of its neighbours in four different territories: all
    // four must meet at Des Moines, which the unconstrained optimum avoids.
    let locks = [
        ("Polk", 2),
        ("Story", 0),
        ("Dallas", 3),
        ("Jasper", 1),
        ("Lee", 1),
    ];
    for (name, t) in locks {
        input.locked[county(&data, name)] = Some(t);
    }
    let r = optimize(&input).unwrap();
    let a = audited(&input, &data.edges, &r);
    assert_eq!(a.locks_broken, 0);
    for (name, t) in locks {
        assert_eq!(r.assignment[county(&data, name)], t, "{name}");
    }
    assert!(r.feasible, "{:?} {:?}", r.violations, r.notes);
    assert!(a.cut_edges <= 40, "cut edges {}", a.cut_edges);
}

#[test]
fn disruption_cap_respected_from_the_enacted_plan() {
    let data = iowa();
    let g = Graph::from_edges(99, &data.edges).unwrap();
    let mut input = iowa_input(&g, &data, 4, 0.005);
    input.current = data.cd_2011.iter().map(|&d| Some(d)).collect();
    input.max_disruption = Some(0.2);
    // Without continuity, units may move for compactness alone.
    input.continuity = false;
    let r = optimize(&input).unwrap();
    let a = audited(&input, &data.edges, &r);
    assert!(r.feasible, "{:?} {:?}", r.violations, r.notes);
    let total: f64 = data.pop.iter().sum();
    let moved: f64 = (0..99)
        .filter(|&u| r.assignment[u] != data.cd_2011[u])
        .map(|u| data.pop[u])
        .sum();
    assert!(moved / total <= 0.2 + 1e-12, "moved {}", moved / total);
    assert!((r.disruption - moved / total).abs() < 1e-12);
    assert!(
        a.cut_edges < 47,
        "no better than the enacted plan: {}",
        a.cut_edges
    );
    assert!(moved > 0.0);
}

#[test]
fn infeasible_tolerance_is_reported_with_the_achieved_deviation() {
    // Polk County (430,640) alone exceeds an eighth of Iowa by 13.09 %.
    let data = iowa();
    let g = Graph::from_edges(99, &data.edges).unwrap();
    let mut input = iowa_input(&g, &data, 8, 0.005);
    input.iterations = Some(200_000);
    let r = optimize(&input).unwrap();
    let a = audited(&input, &data.edges, &r);
    assert!(!r.feasible);
    assert!(a.max_dev > 0.13 && a.max_dev < 0.1310, "{}", a.max_dev);
    assert!(
        r.violations
            .iter()
            .any(|v| matches!(v, Violation::Unbalanced { .. }))
    );
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("no plan within ±0.500 %")),
        "{:?}",
        r.notes
    );

    // A small case: weights 1, 1, 10 on a path cannot be halved.
    let g = Graph::from_edges(3, &[(0, 1), (1, 2)]).unwrap();
    let input = SplitInput::new(&g, vec![1.0, 1.0, 10.0], 2);
    let r = optimize(&input).unwrap();
    assert!(!r.feasible);
    assert_eq!(r.assignment[0], r.assignment[1]);
    assert_ne!(r.assignment[1], r.assignment[2]);
    assert!((r.max_deviation - 4.0 / 6.0).abs() < 1e-12);
}

/// A `w` x `h` grid of unit-weight squares, numbered from `first`.
fn grid(w: usize, h: usize, first: usize) -> Vec<(usize, usize)> {
    let mut e = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let u = first + y * w + x;
            if x + 1 < w {
                e.push((u, u + 1));
            }
            if y + 1 < h {
                e.push((u, u + w));
            }
        }
    }
    e
}

#[test]
fn islands_get_territories_in_proportion_and_tiny_ones_join_a_neighbour() {
    // Mainland 10x10 (100), island 5x5 (25), islet of 2 units.
    let mut edges = grid(10, 10, 0);
    edges.extend(grid(5, 5, 100));
    edges.push((125, 126));
    let n = 127;
    let g = Graph::from_edges(n, &edges).unwrap();
    let loc: Vec<(f64, f64)> = (0..n)
        .map(|u| match u {
            0..100 => ((u % 10) as f64, (u / 10) as f64),
            100..125 => (20.0 + ((u - 100) % 5) as f64, ((u - 100) / 5) as f64),
            _ => (-5.0 + (u - 125) as f64, 0.0),
        })
        .collect();
    let mut input = SplitInput::new(&g, vec![1.0; n], 5);
    input.tolerance = 0.1;
    input.locations = Some(&loc);
    input.iterations = Some(100_000);
    let r = optimize(&input).unwrap();
    let a = audited(&input, &edges, &r);
    assert!(
        r.notes.iter().any(|s| s.contains("3 components")),
        "{:?}",
        r.notes
    );
    assert!(
        r.notes.iter().any(|s| s.contains("too small")),
        "{:?}",
        r.notes
    );
    // The islet joins the territory of the nearest mainland unit (0).
    assert_eq!(r.assignment[125], r.assignment[0]);
    assert_eq!(r.assignment[126], r.assignment[0]);
    // The 5x5 island is exactly one territory, found nowhere else.
    let t = r.assignment[100];
    assert!((100..125).all(|u| r.assignment[u] == t));
    assert!((0..100).all(|u| r.assignment[u] != t));
    assert!(
        r.feasible,
        "{:?} {:?} dev {}",
        r.violations, r.notes, a.max_dev
    );

    // Without locations nothing panics and contiguity still holds.
    input.locations = None;
    let r = optimize(&input).unwrap();
    audited(&input, &edges, &r);
}

#[test]
fn isolated_units_and_more_components_than_territories() {
    let edges = vec![(0, 1), (1, 2), (3, 4)];
    let g = Graph::from_edges(6, &edges).unwrap();
    let mut input = SplitInput::new(&g, vec![1.0; 6], 2);
    input.tolerance = 0.0;
    let r = optimize(&input).unwrap();
    audited(&input, &edges, &r);
    assert!(r.notes.iter().any(|s| s.contains("3 components")));
    // The lone unit joins the component that is short of its target.
    assert!(r.feasible, "{:?} {:?}", r.assignment, r.notes);
    assert_eq!(r.assignment[5], r.assignment[3]);

    // Nothing but islands: one territory each.
    let g = Graph::from_edges(5, &[]).unwrap();
    let mut input = SplitInput::new(&g, vec![2.0, 1.0, 3.0, 1.0, 1.0], 5);
    input.targets = vec![1.6; 5];
    let r = optimize(&input).unwrap();
    let mut seen = r.assignment.clone();
    seen.sort_unstable();
    assert_eq!(seen, vec![0, 1, 2, 3, 4]);
    assert!(!r.feasible);
}

#[test]
fn a_hit_time_limit_is_reported_and_the_plan_is_still_valid() {
    let data = iowa();
    let g = Graph::from_edges(99, &data.edges).unwrap();
    let mut input = iowa_input(&g, &data, 4, 0.005);
    input.time_limit = Some(std::time::Duration::ZERO);
    let r = optimize(&input).unwrap();
    assert!(r.hit_time_limit);
    assert!(
        r.notes.iter().any(|n| n.contains("time limit")),
        "{:?}",
        r.notes
    );
    audited(&input, &data.edges, &r);
}

#[test]
fn delaunay_adjacency_is_planar_and_connected() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let n = 400;
    let pts: Vec<(f64, f64)> = (0..n)
        .map(|_| (rng.random::<f64>() * 100.0, rng.random::<f64>() * 50.0))
        .collect();
    let g = Graph::delaunay(&pts).unwrap();
    assert!(g.edge_count() <= 3 * n - 6, "{} edges", g.edge_count());
    assert!(g.edge_count() >= 2 * n, "too sparse: {}", g.edge_count());
    assert!((0..n).all(|u| g.degree(u) > 0));
    assert_eq!(g.components().len(), 1);
    // No two edges cross (they may share an end point).
    let edges: Vec<(usize, usize)> = g.edges().collect();
    let orient = |a: (f64, f64), b: (f64, f64), c: (f64, f64)| {
        (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
    };
    for (x, &(a, b)) in edges.iter().enumerate() {
        for &(c, d) in &edges[x + 1..] {
            if a == c || a == d || b == c || b == d {
                continue;
            }
            let (pa, pb, pc, pd) = (pts[a], pts[b], pts[c], pts[d]);
            let crosses = orient(pa, pb, pc) * orient(pa, pb, pd) < 0.0
                && orient(pc, pd, pa) * orient(pc, pd, pb) < 0.0;
            assert!(!crosses, "edges ({a},{b}) and ({c},{d}) cross");
        }
    }
}

#[test]
fn random_map_with_homes_and_unequal_targets() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let n = 600;
    let pts: Vec<(f64, f64)> = (0..n)
        .map(|_| (rng.random::<f64>(), rng.random::<f64>()))
        .collect();
    let weight: Vec<f64> = (0..n).map(|_| (rng.random::<f64>() * 2.0).exp()).collect();
    let g = Graph::delaunay(&pts).unwrap();
    let edges: Vec<(usize, usize)> = g.edges().collect();
    let total: f64 = weight.iter().sum();
    let capacity = [1.0, 1.0, 2.0, 1.0, 1.5, 1.5];
    let cap_total: f64 = capacity.iter().sum();
    let mut input = SplitInput::new(&g, weight, capacity.len());
    input.targets = capacity.iter().map(|c| total * c / cap_total).collect();
    input.tolerance = 0.02;
    input.locations = Some(&pts);
    let nearest = |x: f64, y: f64| {
        (0..n).min_by(|&a, &b| {
            let d = |u: usize| (pts[u].0 - x).powi(2) + (pts[u].1 - y).powi(2);
            d(a).total_cmp(&d(b))
        })
    };
    input.home_unit = vec![
        nearest(0.1, 0.1),
        nearest(0.9, 0.1),
        nearest(0.5, 0.5),
        nearest(0.1, 0.9),
        nearest(0.9, 0.9),
        None,
    ];
    input.iterations = Some(300_000);
    let r = optimize(&input).unwrap();
    let a = audited(&input, &edges, &r);
    assert!(r.feasible, "{:?} {:?}", r.violations, r.notes);
    assert!(a.max_dev <= 0.02);
    // Each rep with a home is closer to it than the map's average distance.
    for t in 0..5 {
        let d = r.per_territory[t].home_distance.unwrap();
        assert!(d < 0.35, "territory {t} is {d} from home");
    }
    assert!(r.per_territory[5].home_distance.is_none());
}

#[test]
fn bad_input_is_an_error_with_a_clear_message() {
    let g = Graph::from_edges(3, &[(0, 1), (1, 2)]).unwrap();
    let mut input = SplitInput::new(&g, vec![1.0, 2.0, 3.0], 2);
    input.targets = vec![1.0, 1.0];
    let e = optimize(&input).unwrap_err();
    assert_eq!(
        e.to_string(),
        "targets sum to 2 but the weights sum to 6; scale the targets to the total weight"
    );
    let input = SplitInput::new(&g, vec![1.0, 2.0, 3.0], 4);
    assert_eq!(
        optimize(&input).unwrap_err(),
        SplitError::TooManyTerritories { k: 4, n: 3 }
    );
    let mut input = SplitInput::new(&g, vec![1.0, 2.0, 3.0], 2);
    input.locked[2] = Some(5);
    assert_eq!(
        optimize(&input).unwrap_err().to_string(),
        "unit 2 is locked to territory 5, but there are only 2 territories"
    );
}

#[test]
fn random_small_inputs_never_panic_and_stay_contiguous() {
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    for case in 0..150 {
        let n = rng.random_range(1..40);
        let m = rng.random_range(0..3 * n);
        let edges: Vec<(usize, usize)> = (0..m)
            .map(|_| (rng.random_range(0..n), rng.random_range(0..n)))
            .filter(|(i, j)| i != j)
            .collect();
        let g = Graph::from_edges(n, &edges).unwrap();
        let k = rng.random_range(1..=n.min(6));
        let weight: Vec<f64> = (0..n)
            .map(|_| {
                if rng.random::<f64>() < 0.1 {
                    0.0
                } else {
                    rng.random::<f64>() * 10.0
                }
            })
            .collect();
        if weight.iter().sum::<f64>() <= 0.0 {
            continue;
        }
        let loc: Vec<(f64, f64)> = (0..n).map(|_| (rng.random(), rng.random())).collect();
        let mut input = SplitInput::new(&g, weight, k);
        input.tolerance = [0.0, 0.05, 0.3][case % 3];
        input.iterations = Some(5_000);
        input.seed = case as u64;
        if case % 2 == 0 {
            input.locations = Some(&loc);
            input.home_unit = (0..k).map(|t| (t % 2 == 0).then_some(t % n)).collect();
        }
        for u in 0..n {
            if rng.random::<f64>() < 0.1 {
                input.locked[u] = Some(rng.random_range(0..k));
            }
            if case % 4 < 2 {
                input.current[u] = Some(rng.random_range(0..k));
            }
        }
        if case % 5 == 0 {
            input.max_disruption = Some(0.3);
        }
        let r = optimize(&input).unwrap_or_else(|e| panic!("case {case}: {e}"));
        let a = audit(
            n,
            &edges,
            &r.assignment,
            k,
            &input.weight,
            &input.targets,
            &input.locked,
        );
        assert!(a.broken.is_empty(), "case {case}: {a:?}");
        assert_eq!(r.cut_edges, a.cut_edges, "case {case}");
        assert_eq!(
            r.feasible,
            r.violations.is_empty() && r.disruption <= input.max_disruption.unwrap_or(1.0) + 1e-12,
            "case {case}"
        );
    }
}

/// The limits a territory planner promises, checked from the raw inputs:
/// each territory holds its home unit and no unit beyond its radius, and
/// at most the capped share of sales and number of accounts change owner.
fn audit_limits(input: &SplitInput<'_>, r: &SplitResult, pts: &[(f64, f64)], radius: f64) {
    for (t, h) in input.home_unit.iter().enumerate() {
        let Some(h) = *h else { continue };
        assert_eq!(r.assignment[h], t, "territory {t} lost its home unit {h}");
        for (u, &a) in r.assignment.iter().enumerate() {
            if a == t {
                let d = ((pts[u].0 - pts[h].0).powi(2) + (pts[u].1 - pts[h].1).powi(2)).sqrt();
                assert!(
                    d <= radius + 1e-9,
                    "unit {u} is {d} from territory {t}'s home"
                );
            }
        }
    }
    let (mut owned, mut moved, mut accounts) = (0.0, 0.0, 0.0);
    for (u, c) in input.current.iter().enumerate() {
        if let Some(c) = *c {
            owned += input.disruption_weight[u];
            if r.assignment[u] != c {
                moved += input.disruption_weight[u];
                accounts += input.accounts[u];
            }
        }
    }
    if let Some(cap) = input.max_disruption {
        assert!(
            moved / owned <= cap + 1e-12,
            "moved {} over cap {cap}",
            moved / owned
        );
    }
    if let Some(cap) = input.max_moved_accounts {
        assert!(accounts <= cap, "{accounts} accounts moved over cap {cap}");
    }
    assert!((r.disruption - moved / owned.max(f64::MIN_POSITIVE)).abs() < 1e-9);
}

/// `--max-disruption` and the account cap are never exceeded, whatever the
/// tolerance asks for: from a contiguous current alignment, on random maps
/// with homes and a travel radius, across caps and seeds. A tolerance the
/// cap does not allow gives an infeasible plan within the cap, never a
/// feasible one beyond it.
#[test]
fn disruption_caps_and_travel_radius_are_never_exceeded() {
    let mut rng = ChaCha8Rng::seed_from_u64(31);
    for case in 0..12u64 {
        let n = 300;
        let k = 6;
        let pts: Vec<(f64, f64)> = (0..n)
            .map(|_| (rng.random::<f64>() * 100.0, rng.random::<f64>() * 100.0))
            .collect();
        let weight: Vec<f64> = (0..n).map(|_| (rng.random::<f64>() * 2.0).exp()).collect();
        let g = Graph::delaunay(&pts).unwrap();
        let edges: Vec<(usize, usize)> = g.edges().collect();
        // A contiguous, loosely balanced current alignment.
        let mut fresh = SplitInput::new(&g, weight.clone(), k);
        fresh.tolerance = 0.25;
        fresh.seed = case;
        fresh.iterations = Some(20_000);
        let current = optimize(&fresh).unwrap().assignment;
        let mut input = SplitInput::new(&g, weight.clone(), k);
        input.tolerance = [0.005, 0.02, 0.1][case as usize % 3];
        input.current = current.iter().map(|&t| Some(t)).collect();
        input.locations = Some(&pts);
        // Each home: the current territory's first unit.
        input.home_unit = (0..k)
            .map(|t| current.iter().position(|&c| c == t))
            .collect();
        let radius = 70.0;
        input.max_distance = vec![Some(radius); k];
        input.max_disruption = Some([0.0, 0.05, 0.1, 0.2][case as usize % 4]);
        input.accounts = (0..n).map(|u| (u % 5 + 1) as f64).collect();
        if case % 2 == 1 {
            input.max_moved_accounts = Some(40.0);
        }
        input.iterations = Some(40_000);
        input.max_rounds = 4;
        input.seed = case;
        let r = optimize(&input).unwrap();
        let a = audited(&input, &edges, &r);
        // Homes inside the current territory and within the radius of it
        // may still lie too far from some current units: audit only what
        // the plan promises when it says feasible, and the caps always.
        if r.feasible {
            assert!(a.max_dev <= input.tolerance + 1e-12);
            audit_limits(&input, &r, &pts, radius);
        } else {
            let mut capped = input.clone();
            capped.home_unit = Vec::new();
            audit_limits(&capped, &r, &pts, radius);
        }
        if input.max_disruption == Some(0.0) {
            assert_eq!(r.moved_units, 0, "case {case}: nothing may move");
        }
    }
}

/// A two-territory instance with exactly one feasible plan: found on every
/// seed (the exhaustive search settles what the restarts miss), and a
/// tolerance below it is proven infeasible, not merely "not found".
#[test]
fn the_only_feasible_plan_is_found_on_every_seed() {
    // A 4 x 5 grid with distinct weights (powers of 1.37 keep sums apart).
    let (w, h) = (5, 4);
    let n = w * h;
    let edges = grid(w, h, 0);
    let g = Graph::from_edges(n, &edges).unwrap();
    let weight: Vec<f64> = (0..n).map(|u| 1.37f64.powi(((u * 7) % n) as i32)).collect();
    let total: f64 = weight.iter().sum();
    // Independent enumeration: every contiguous split and its deviation.
    let mut plans: Vec<(f64, u32)> = Vec::new();
    for mask in 0u32..(1 << (n - 1)) {
        let a: Vec<usize> = (0..n)
            .map(|u| {
                if u == 0 {
                    0
                } else {
                    ((mask >> (u - 1)) & 1) as usize
                }
            })
            .collect();
        if !(0..2).all(|t| pieces_of(&edges, &a, t) == 1) {
            continue;
        }
        let w0: f64 = (0..n).filter(|&u| a[u] == 0).map(|u| weight[u]).sum();
        plans.push(((w0 / (total / 2.0) - 1.0).abs(), mask));
    }
    plans.sort_by(|x, y| x.0.total_cmp(&y.0));
    let (best, second) = (plans[0].0, plans[1].0);
    assert!(best < second, "the instance must have one best split");
    let tol = (best + second) / 2.0;
    for seed in 1..=10 {
        let mut input = SplitInput::new(&g, weight.clone(), 2);
        input.tolerance = tol;
        input.seed = seed;
        input.iterations = Some(2_000);
        input.max_rounds = 2;
        let r = optimize(&input).unwrap();
        let a = audited(&input, &edges, &r);
        assert!(r.feasible, "seed {seed}: {:?}", r.notes);
        assert!(a.max_dev <= tol);
        assert!(
            (a.max_dev - best).abs() < 1e-12,
            "seed {seed}: not the only plan"
        );
    }
    let mut input = SplitInput::new(&g, weight.clone(), 2);
    input.tolerance = best * 0.5;
    input.iterations = Some(2_000);
    input.max_rounds = 2;
    let r = optimize(&input).unwrap();
    assert!(!r.feasible);
    assert_eq!(r.stop, quotaplan::split::Stop::Infeasible, "{:?}", r.notes);
    assert!(!r.proven_infeasible.is_empty());
}

/// Locks hold on a large map with many of them (1 % of 10,000 units, each
/// locked to its current owner), with a home per territory and a tolerance
/// the current alignment does not meet, so most territories must change.
#[test]
fn locks_hold_on_a_large_map() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let (n, k) = (10_000, 100);
    let pts: Vec<(f64, f64)> = (0..n).map(|_| (rng.random(), rng.random())).collect();
    let weight: Vec<f64> = (0..n).map(|_| (rng.random::<f64>() * 2.0).exp()).collect();
    let g = Graph::delaunay(&pts).unwrap();
    let edges: Vec<(usize, usize)> = g.edges().collect();
    let mut fresh = SplitInput::new(&g, weight.clone(), k);
    fresh.tolerance = 0.3;
    fresh.iterations = Some(50_000);
    fresh.max_rounds = 1;
    let current = optimize(&fresh).unwrap().assignment;
    let mut input = SplitInput::new(&g, weight, k);
    input.tolerance = 0.03;
    input.locations = Some(&pts);
    input.current = current.iter().map(|&t| Some(t)).collect();
    input.home_unit = (0..k)
        .map(|t| current.iter().position(|&c| c == t))
        .collect();
    for (lock, &c) in input.locked.iter_mut().zip(&current) {
        if rng.random::<f64>() < 0.01 {
            *lock = Some(c);
        }
    }
    input.iterations = Some(200_000);
    input.max_rounds = 3;
    let r = optimize(&input).unwrap();
    let a = audited(&input, &edges, &r);
    assert_eq!(a.locks_broken, 0, "{:?}", r.notes);
    for (t, h) in input.home_unit.iter().enumerate() {
        assert_eq!(r.assignment[h.unwrap()], t, "territory {t} lost its home");
    }
    assert!(r.feasible, "{:?} {:?}", r.violations.first(), r.notes);
}

/// Locks hold even when they fight the current alignment: thin vertical
/// stripes of owners, 2 % of units owned by a random rep, and 1 % of units
/// locked to their stripe's rep (so some locks sit inside another owner's
/// land and a territory's locks are spread along a long stripe).
#[test]
fn locks_hold_against_a_scrambled_alignment() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let (n, k) = (10_000, 100);
    let pts: Vec<(f64, f64)> = (0..n).map(|_| (rng.random(), rng.random())).collect();
    let weight: Vec<f64> = (0..n).map(|_| 0.5 + rng.random::<f64>()).collect();
    let g = Graph::delaunay(&pts).unwrap();
    let edges: Vec<(usize, usize)> = g.edges().collect();
    let stripe: Vec<usize> = pts
        .iter()
        .map(|&(x, _)| ((x * k as f64) as usize).min(k - 1))
        .collect();
    let mut input = SplitInput::new(&g, weight, k);
    input.tolerance = 0.03;
    input.locations = Some(&pts);
    input.current = stripe
        .iter()
        .map(|&s| {
            Some(if rng.random::<f64>() < 0.02 {
                rng.random_range(0..k)
            } else {
                s
            })
        })
        .collect();
    let mut locks = 0;
    for (lock, &s) in input.locked.iter_mut().zip(&stripe) {
        if rng.random::<f64>() < 0.01 {
            *lock = Some(s);
            locks += 1;
        }
    }
    assert!(locks > 50);
    input.iterations = Some(200_000);
    input.max_rounds = 2;
    let r = optimize(&input).unwrap();
    let a = audited(&input, &edges, &r);
    assert_eq!(a.locks_broken, 0, "{:?}", r.notes);
    for (t, c) in (0..k).map(|t| (t, pieces_of(&edges, &r.assignment, t))) {
        assert_eq!(c, 1, "territory {t} is in {c} pieces");
    }
    // Balance is not always reachable around locks like these, but it is
    // never called infeasible without a proof.
    if !r.feasible {
        assert!(r.proven_infeasible.is_empty(), "{:?}", r.proven_infeasible);
        assert_ne!(r.stop, quotaplan::split::Stop::Infeasible);
    }
}
