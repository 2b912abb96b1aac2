//! Fast draws of a unit-month's deal sales (docs/src/model.md, Deals).
//!
//! A unit-month with deals is a compound Poisson sum: N ~ Poisson(λ'),
//! each deal log-normal with mean 1 / λ' and cv c. Drawing every deal costs
//! a Poisson draw, a normal and an exponential per deal, about twenty times
//! a smooth unit's whole trial. But the standardised sum depends only on
//! (λ', c), which many unit-months share (a segment's deal rate under the
//! same seasonality), so the engine draws it once from a table of that
//! class: one 16-bit uniform and one load per unit-month.
//!
//! Each class's table comes from [`DRAWS`] exact draws of the sum,
//! stratified by the deal count (the counts in exact Poisson proportion,
//! single deals at exact log-normal quantiles), sorted into [`CELLS`]
//! equally likely cells. A cell is drawn as its draws' mean; the top cell
//! keeps its own draws, so the far tail is the sampled one, stretched so
//! that the table has exactly the compound Poisson variance, and the table
//! is scaled so that its mean is exactly 1: the expected sales stay
//! exactly the smooth model's. Tables are built per run from the seed (a
//! stream keyed by the class, so a class gets the same table in every
//! scenario of a comparison) and are shared by all chunks, so results do
//! not depend on threads or chunks. With more classes than
//! [`MAX_CLASSES`] (e.g. a fitted scenario with a deal rate per unit), or
//! when asked, every deal is drawn.

use super::plan::Plan;
use super::streams::{Purpose, chunk_rng};
use crate::model::dist::std_normal_quantile;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;
use std::collections::HashMap;

/// Bits of a uniform: an index into a class's sorted exact draws, four
/// from one 64-bit word.
const U_BITS: u32 = 16;
/// Exact draws behind a class's table: one per value of a uniform.
pub const DRAWS: usize = 1 << U_BITS;
/// Bits of the uniform that pick a cell.
const CELL_BITS: u32 = 10;
/// Cells of a class's table: few enough that the four tables of a pass
/// (a month each) stay in the first-level cache.
pub const CELLS: usize = 1 << CELL_BITS;
/// Bits below the cell: which of the top cell's draws.
const TOP_BITS: u32 = U_BITS - CELL_BITS;
/// Draws per cell; the top cell keeps all of its own.
const PER_CELL: usize = DRAWS / CELLS;
/// Months drawn from one 64-bit word.
pub(crate) const WORD_MONTHS: usize = 64 / U_BITS as usize;
/// Above this many deals a month a table would take longer to build than
/// the run saves (each of its draws sums that many deals): every deal is
/// drawn instead.
pub const MAX_RATE: f64 = 50.0;
/// Above this many classes the tables would not stay in cache and take
/// longer to build than they save: every deal is drawn instead.
pub const MAX_CLASSES: usize = 64;

/// How a run drew its deal units' months.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DealSampler {
    /// From per-class tables of the exact distribution.
    Table { classes: usize },
    /// Every deal drawn: asked for, or too many classes.
    Exact,
}

impl DealSampler {
    /// The description recorded in results.
    pub fn describe(self) -> String {
        match self {
            DealSampler::Table { classes } => format!(
                "tables of the compound Poisson sum: {classes} (rate, cv) {}, each \
                 {DRAWS} exact draws sorted into {CELLS} equally likely cells, a cell \
                 drawn as its draws' mean and the top cell as its own draws, mean and \
                 variance exact; 16-bit uniforms from wyrand seeded per trial by the \
                 ChaCha8 deal stream",
                if classes == 1 { "class" } else { "classes" }
            ),
            DealSampler::Exact => "exact: every deal drawn".to_string(),
        }
    }
}

/// Entries of a class's table: one per cell below the top one, then one
/// per draw of the top cell.
const ENTRIES: usize = CELLS - 1 + PER_CELL;

/// One class's table, each entry minus 1 (a draw's deviation from the
/// flow): per cell below the top one the mean of its draws, then the top
/// cell's draws. A cell's mean keeps the draws' mean and loses only the
/// spread within the cell, a 1,024th part of the quantile range; the tail
/// is then stretched to give back the exact variance. 8.7 KB per class,
/// so the four tables of a pass stay in the first-level cache, and a draw
/// is a shift, a (predicted) branch and one load.
pub(crate) type Table = [f64; ENTRIES];

/// The quantile tables of a run's deal classes.
pub(crate) struct DealTables {
    /// One table per class, then one of months without deals (every entry
    /// 1: no deviation from the flow), so that a month never branches on
    /// whether it expects deals.
    tables: Vec<Box<Table>>,
    /// Per row (a deal rate and cv under the months' seasonality) and
    /// month: the table, as an index into `tables`. Units of a segment share
    /// a row, so the rows stay in cache where a class per unit-month would
    /// stream through it.
    rows: Vec<u32>,
    /// Per deal unit, what the hot loop reads of it in one load: its row,
    /// its slot sums' offset (slot × months) and its unit.
    refs: Vec<[u32; 3]>,
    months: usize,
    pub classes: usize,
}

impl DealTables {
    /// The tables for `plan`'s deal unit-months, or `None` when there are
    /// more than [`MAX_CLASSES`] classes.
    pub fn build(plan: &Plan, seed: u64) -> Option<DealTables> {
        let months = plan.months;
        let mut keys: Vec<(f64, f64)> = Vec::new();
        let mut index: HashMap<(u64, u64), u32> = HashMap::new();
        let mut row_index: HashMap<Vec<u32>, u32> = HashMap::new();
        let mut rows = Vec::new();
        let mut row_of = Vec::with_capacity(plan.deals.len());
        // Months without deals point past the classes: fixed up below.
        const NONE: u32 = u32::MAX;
        for (d, du) in plan.deals.iter().enumerate() {
            let mut row = Vec::with_capacity(months);
            for m in 0..months {
                let rate = plan.deal_rate[d * months + m];
                if plan.deal_inv_rate[d * months + m] <= 0.0 {
                    row.push(NONE);
                    continue;
                }
                if rate > MAX_RATE {
                    return None;
                }
                let key = (rate.to_bits(), du.ln_sigma.to_bits());
                let next = keys.len() as u32;
                let c = *index.entry(key).or_insert(next);
                if c == next {
                    if keys.len() == MAX_CLASSES {
                        return None;
                    }
                    keys.push((rate, du.ln_sigma));
                }
                row.push(c);
            }
            let next = row_index.len() as u32;
            let r = *row_index.entry(row.clone()).or_insert(next);
            if r == next {
                rows.extend(row);
            }
            row_of.push(r);
        }
        let none = keys.len() as u32;
        for c in &mut rows {
            if *c == NONE {
                *c = none;
            }
        }
        let mut tables: Vec<Box<Table>> = keys
            .par_iter()
            .map(|&(rate, sigma)| lookup(&table(rate, sigma, seed)))
            .collect();
        tables.push(lookup(&[1.0; ENTRIES]));
        let refs = plan
            .deals
            .iter()
            .zip(&row_of)
            .map(|(d, &r)| [r, d.slot * months as u32, d.unit])
            .collect();
        Some(DealTables {
            tables,
            rows,
            refs,
            months,
            classes: keys.len(),
        })
    }

    /// The month tables of every row, `months` per row, for
    /// [`DealTables::add_pass`]: references, so a month's draw indexes no
    /// table list.
    pub fn row_tables(&self) -> Vec<&Table> {
        self.rows
            .iter()
            .map(|&c| &*self.tables[c as usize])
            .collect()
    }

    /// The month's deal sales over its expected flow (mean 1) for class
    /// `c` and a 16-bit uniform `u` (see [`deviation`]).
    #[cfg(test)]
    pub fn draw(&self, c: u32, u: u16) -> f64 {
        1.0 + deviation(&self.tables[c as usize], u)
    }
}

/// The month's deal sales over its expected flow, minus 1 (mean 0), from
/// table `t` and a 16-bit uniform `u`, an index into the class's sorted
/// draws: its top [`CELL_BITS`] bits pick the cell, and in the top cell
/// the other bits pick the draw.
#[inline(always)]
pub(crate) fn deviation(t: &Table, u: u16) -> f64 {
    let j = usize::from(u >> TOP_BITS);
    // One uniform in 1,024 lands in the top cell: a (predicted) branch
    // costs less than a select.
    let i = if j == CELLS - 1 { top_cell(u) } else { j };
    t[i.min(ENTRIES - 1)]
}

/// The entry of the top cell's draw that a uniform picks.
#[cold]
#[inline(never)]
fn top_cell(u: u16) -> usize {
    CELLS - 1 + usize::from(u) % PER_CELL
}

impl DealTables {
    /// Adds, for every deal unit and the `N` months from `m` (`N` up to
    /// [`WORD_MONTHS`], from one word of `rng`), potential × deviation to
    /// the unit's slot sums: the hot loop of a run with deals. The run goes
    /// over all units a few months at a time, so the tables in use stay in
    /// the first-level cache; per unit-month it is a quarter of a word, one
    /// table read, a multiplication and an addition.
    ///
    /// `pot` is each deal unit's potential this trial, in deal order
    /// ([`DealTables::deal_potentials`]). `special` lists, in increasing
    /// order, the deal units whose months
    /// are read again or scaled (account losses this trial): for the `i`th
    /// of them `keep(i, deviations)` records the deviations and returns the
    /// share of the flow each month keeps, and the unit adds
    /// potential × keep × deviation instead. They take their turn in the
    /// same pass, with the same uniforms, so the sums do not depend on
    /// which units are special, and a trial with many account losses does
    /// not break the pass into many short ones.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    pub fn add_pass<const N: usize>(
        &self,
        rows: &[&Table],
        m: usize,
        pot: &[f64],
        rng: &mut Wyrand,
        slot_dev: &mut [f64],
        special: &[u32],
        mut keep: impl FnMut(usize, [f64; N]) -> [f64; N],
    ) {
        let months = self.months;
        // Each row's tables of these months, checked once.
        let pass: Vec<[&Table; N]> = rows
            .chunks_exact(months)
            .map(|row| row[m..m + N].try_into().expect("N months"))
            .collect();
        let n = self.refs.len();
        let mut lo = 0;
        for (i, &d) in special
            .iter()
            .chain(std::iter::once(&(n as u32)))
            .enumerate()
        {
            let d = (d as usize).min(n);
            // The plain units up to the next special one: a loop with
            // nothing else live, so its state stays in registers.
            add_run(&pass, &self.refs[lo..d], &pot[lo..d], m, rng, slot_dev);
            if d == n {
                break;
            }
            let [r, off, _] = self.refs[d];
            let t = pass[r as usize];
            let w = rng.next_u64();
            let mut dev = [0.0; N];
            for k in 0..N {
                dev[k] = deviation(t[k], (w >> (U_BITS as usize * k)) as u16);
            }
            let kept = keep(i, dev);
            let p = pot[d];
            let o = &mut slot_dev[off as usize + m..][..N];
            for k in 0..N {
                o[k] += p * kept[k] * dev[k];
            }
            lo = d + 1;
        }
    }

    /// Each deal unit's potential this trial, in deal order (for
    /// [`DealTables::add_pass`], which reads it six times a trial).
    pub fn deal_potentials(&self, pot: &[f64], out: &mut Vec<f64>) {
        out.clear();
        out.extend(self.refs.iter().map(|&[_, _, u]| pot[u as usize]));
    }
}

/// The hot loop of [`DealTables::add_pass`]: units `refs` with potentials
/// `pot` (in deal order), the `N` months from `m`.
#[inline(always)]
fn add_run<const N: usize>(
    pass: &[[&Table; N]],
    refs: &[[u32; 3]],
    pot: &[f64],
    m: usize,
    rng: &mut Wyrand,
    slot_dev: &mut [f64],
) {
    // A local generator: its state stays in a register.
    let mut g = Wyrand(rng.0);
    for (&[r, off, _], &p) in refs.iter().zip(pot) {
        let t = pass[r as usize];
        let w = g.next_u64();
        let o: &mut [f64; N] = (&mut slot_dev[off as usize + m..][..N])
            .try_into()
            .expect("N months");
        for k in 0..N {
            o[k] += p * deviation(t[k], (w >> (U_BITS as usize * k)) as u16);
        }
    }
    rng.0 = g.0;
}

/// The lookup table of a class's values (mean 1): each minus 1.
fn lookup(values: &[f64]) -> Box<Table> {
    let mut t = Box::new([0.0; ENTRIES]);
    for (e, v) in t.iter_mut().zip(values) {
        *e = v - 1.0;
    }
    t
}

/// One class's values: the mean of each cell's draws below the top cell,
/// then the top cell's draws; mean exactly 1 and the compound Poisson
/// variance.
fn table(rate: f64, sigma: f64, seed: u64) -> Vec<f64> {
    let mu = -0.5 * sigma * sigma;
    let mut rng = chunk_rng(seed, Purpose::DealTables, class_stream(rate, sigma));
    let mut draws = Vec::with_capacity(DRAWS);
    let (lo, counts) = count_strata(rate);
    for (n, k) in counts.into_iter().enumerate().map(|(i, k)| (lo + i, k)) {
        for i in 0..k {
            let sum = match n {
                0 => 0.0,
                _ if sigma == 0.0 => n as f64,
                1 => {
                    let u = (i as f64 + 0.5) / k as f64;
                    (mu + sigma * std_normal_quantile(u)).exp()
                }
                _ => (0..n)
                    .map(|_| {
                        let z: f64 = StandardNormal.sample(&mut rng);
                        (mu + sigma * z).exp()
                    })
                    .sum(),
            };
            draws.push(sum / rate);
        }
    }
    draws.sort_unstable_by(f64::total_cmp);
    let mut t: Vec<f64> = draws
        .chunks_exact(PER_CELL)
        .take(CELLS - 1)
        .map(|c| c.iter().sum::<f64>() / PER_CELL as f64)
        .collect();
    t.extend_from_slice(&draws[DRAWS - PER_CELL..]);
    // The compound Poisson variance of the sum over its mean: (1 + cv²) / λ'.
    let want = (sigma * sigma).exp() / rate;
    let (edge, k) = tail_stretch(&t, want);
    for x in &mut t[CELLS - 1..] {
        *x = edge + k * (*x - edge);
    }
    // Without zero-deal months in the table (large rates), the draws' own
    // sampling error in the spread can leave the body too wide for any
    // stretch of the tail: spread everything about the mean instead.
    let (m, v) = table_moments(&t);
    if t[0] > 0.0 && v > 0.0 {
        let a = (want / v * m * m).sqrt();
        if t.iter().all(|&x| m + a * (x - m) >= 0.0) {
            for x in &mut t {
                *x = m + a * (*x - m);
            }
        }
    }
    // Scale to mean exactly 1 (to rounding).
    for _ in 0..2 {
        let (m, _) = table_moments(&t);
        if m > 0.0 {
            for x in &mut t {
                *x /= m;
            }
        }
    }
    t
}

/// No finite set of draws holds the far tail of a skewed deal size (with
/// cv 2, a twentieth of the variance lies beyond the largest of 65,536
/// log-normal draws), and a cell's mean drops the spread within the cell,
/// so the top cell's draws are stretched away from the lowest of them by
/// the factor that gives the table, once scaled to mean 1, exactly the
/// compound Poisson variance `var`. Returns that lowest draw and the
/// factor (1 when no stretch can reach it).
fn tail_stretch(t: &[f64], var: f64) -> (f64, f64) {
    let edge = t[CELLS - 1];
    let cells = CELLS as f64;
    // Body: first and second moments of the cells below the top one.
    let body = &t[..CELLS - 1];
    let b1 = body.iter().sum::<f64>() / cells;
    let b2 = body.iter().map(|x| x * x).sum::<f64>() / cells;
    // The top cell with its draws at edge + k·d: moments in k.
    let per = (PER_CELL as f64) * cells;
    let d: Vec<f64> = t[CELLS - 1..].iter().map(|&x| x - edge).collect();
    let (s1, s2) = (
        d.iter().sum::<f64>() / per,
        d.iter().map(|x| x * x).sum::<f64>() / per,
    );
    let (e1, e2) = (edge / cells, edge * edge / cells);
    // Mean M(k) = b1 + e1 + k s1, second moment S(k) = b2 + e2 + 2 k edge s1
    // + k² s2; after scaling to mean 1 the variance is S / M² - 1 = var.
    let w = var + 1.0;
    let (m0, s0) = (b1 + e1, b2 + e2);
    let qa = s2 - w * s1 * s1;
    let qb = 2.0 * edge * s1 - 2.0 * w * m0 * s1;
    let qc = s0 - w * m0 * m0;
    let disc = qb * qb - 4.0 * qa * qc;
    if qa <= 0.0 || disc < 0.0 {
        return (edge, 1.0);
    }
    // Of the two roots, the positive one nearest no stretch at all.
    let roots = [-1.0, 1.0].map(|sign| (-qb + sign * disc.sqrt()) / (2.0 * qa));
    let k = roots
        .into_iter()
        .filter(|&k| k > 0.0)
        .min_by(|a, b| (a - 1.0).abs().total_cmp(&(b - 1.0).abs()));
    (edge, k.unwrap_or(1.0))
}

/// The mean and variance of the draws a table's values give: each cell
/// below the top one with probability 1 / [`CELLS`], each of the top
/// cell's draws with 1 / [`DRAWS`].
fn table_moments(t: &[f64]) -> (f64, f64) {
    let (mut m1, mut m2) = (0.0, 0.0);
    for &x in &t[..CELLS - 1] {
        m1 += x;
        m2 += x * x;
    }
    for &x in &t[CELLS - 1..] {
        m1 += x / PER_CELL as f64;
        m2 += x * x / PER_CELL as f64;
    }
    let (m1, m2) = (m1 / CELLS as f64, m2 / CELLS as f64);
    (m1, m2 - m1 * m1)
}

/// How many of the [`DRAWS`] have each deal count: the Poisson
/// probabilities, rounded by largest remainder so they add up exactly.
/// Returns the smallest count with draws and the draws per count from it.
fn count_strata(rate: f64) -> (usize, Vec<usize>) {
    // From the mode outwards, unnormalised, so no term underflows.
    let mode = rate.floor() as usize;
    let small = 1e-18;
    let mut down = Vec::new();
    let mut p = 1.0;
    let mut n = mode;
    while n > 0 && p > small {
        p *= n as f64 / rate;
        n -= 1;
        down.push(p);
    }
    let lo = mode - down.len();
    let mut probs: Vec<f64> = down.into_iter().rev().collect();
    probs.push(1.0);
    let (mut p, mut n) = (1.0, mode);
    while p > small {
        n += 1;
        p *= rate / n as f64;
        probs.push(p);
    }
    let total: f64 = probs.iter().sum();
    let exact: Vec<f64> = probs.iter().map(|p| p / total * DRAWS as f64).collect();
    let mut counts: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
    let mut order: Vec<usize> = (0..counts.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    let short = DRAWS - counts.iter().sum::<usize>();
    for &i in order.iter().cycle().take(short) {
        counts[i] += 1;
    }
    (lo, counts)
}

/// The table stream of a class: keyed by its rate and cv alone.
fn class_stream(rate: f64, sigma: f64) -> u64 {
    rate.to_bits()
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .rotate_left(29)
        ^ sigma.to_bits().wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
}

/// wyrand, seeded per trial from the trial's ChaCha8 deal stream: twelve
/// 32-bit uniforms per unit-trial cost a ChaCha8 generator as much as a
/// smooth unit's whole trial; wyrand gives them for one multiplication per
/// two (it passes BigCrush and PractRand). The seed comes from the trial's
/// place in its stream, so results stay independent of threads and chunks.
pub(crate) struct Wyrand(u64);

impl Wyrand {
    pub fn new(seed: u64) -> Self {
        Wyrand(seed)
    }

    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0xa076_1d64_78bd_642f);
        let t = u128::from(self.0) * u128::from(self.0 ^ 0xe703_7ed1_a0b4_28db);
        ((t >> 64) as u64) ^ (t as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_table(values: Vec<f64>) -> DealTables {
        assert_eq!(values.len(), ENTRIES);
        DealTables {
            tables: vec![lookup(&values)],
            rows: vec![0],
            refs: vec![[0; 3]],
            months: 1,
            classes: 1,
        }
    }

    #[test]
    fn strata_add_up_and_follow_the_poisson_law() {
        for rate in [0.05, 1.0, 3.7, 40.0, MAX_RATE] {
            let (lo, c) = count_strata(rate);
            assert_eq!(c.iter().sum::<usize>(), DRAWS);
            // Mean and variance of the counts: the rate, within rounding.
            let mean = c
                .iter()
                .enumerate()
                .map(|(i, &k)| ((lo + i) * k) as f64)
                .sum::<f64>()
                / DRAWS as f64;
            let var = c
                .iter()
                .enumerate()
                .map(|(i, &k)| ((lo + i) as f64 - mean).powi(2) * k as f64)
                .sum::<f64>()
                / DRAWS as f64;
            assert!((mean / rate - 1.0).abs() < 1e-3, "{rate}: mean {mean}");
            assert!((var / rate - 1.0).abs() < 2e-2, "{rate}: variance {var}");
            if lo == 0 {
                let p0 = (-rate).exp() * DRAWS as f64;
                assert!((c[0] as f64 - p0).abs() <= 1.0, "{rate}: {} vs {p0}", c[0]);
            }
        }
    }

    #[test]
    fn a_table_has_mean_one_and_the_compound_variance() {
        for (rate, cv) in [
            (1.0, 0.8),
            (0.25, 1.5),
            (8.0, 0.5),
            (1.0, 3.0),
            (0.05, 2.0),
            (MAX_RATE, 1.0),
        ] {
            let sigma = f64::ln_1p(cv * cv).sqrt();
            let (mean, var) = table_moments(&table(rate, sigma, 7));
            let want = (1.0 + cv * cv) / rate;
            assert!((mean - 1.0).abs() < 1e-6, "{rate},{cv}: mean {mean}");
            assert!(
                (var / want - 1.0).abs() < 1e-5,
                "{rate},{cv}: variance {var} vs {want}"
            );
        }
    }

    #[test]
    fn a_table_follows_the_exact_distribution() {
        // Against 400,000 exact draws of the sum (an independent stream):
        // each cell's value is the mean of the exact draws in the cell's
        // quantile range. Both samples place that range only to within
        // the error of a proportion, so the value must lie between the
        // exact draws' means over the range shifted 4 such errors down and
        // up, widened by 4 standard errors of both means (the table's 64
        // draws and the exact sample's ~390); a top-cell draw lies within
        // its quantile's exact interval.
        let (rate, cv) = (1.0, 0.8);
        let sigma = f64::ln_1p(cv * cv).sqrt();
        let t = one_table(table(rate, sigma, 3));
        let mut rng = chunk_rng(99, Purpose::Deals, 0);
        let n = 400_000;
        let mut exact: Vec<f64> = (0..n)
            .map(|_| {
                let k = rand_distr::Poisson::new(rate)
                    .expect("rate")
                    .sample(&mut rng) as u64;
                (0..k)
                    .map(|_| {
                        let z: f64 = StandardNormal.sample(&mut rng);
                        (-0.5 * sigma * sigma + sigma * z).exp()
                    })
                    .sum::<f64>()
                    / rate
            })
            .collect();
        exact.sort_unstable_by(f64::total_cmp);
        let rank = |p: f64| ((p * n as f64) as usize).min(n - 1);
        // Cells in the body, above the zero-deal cells (e^-1 of them).
        for cell in [400, 512, 700, 900, 1000, 1020] {
            let got = t.draw(0, (cell << TOP_BITS) as u16);
            let p = (cell as f64 + 0.5) / CELLS as f64;
            let shift = 4.0 * (p * (1.0 - p) * (1.0 / n as f64 + 1.0 / DRAWS as f64)).sqrt();
            let [low, high] = [-shift, shift].map(|s| {
                let lo = rank(cell as f64 / CELLS as f64 + s);
                let hi = rank((cell + 1) as f64 / CELLS as f64 + s);
                let (m, v) = mean_var(&exact[lo..hi]);
                (m, 4.0 * (v / PER_CELL as f64 + v / (hi - lo) as f64).sqrt())
            });
            let range = low.0 - low.1..=high.0 + high.1;
            assert!(
                range.contains(&got),
                "cell {cell}: table {got}, exact draws' means {range:?}"
            );
        }
        // The top cell: its draws are the exact quantiles (stretched by the
        // variance match, a few per cent at most here).
        for p in [0.9995, 0.9999] {
            let u = (p * DRAWS as f64) as u16;
            let got = t.draw(0, u);
            let se = (p * (1.0 - p) / n as f64).sqrt();
            let (lo, hi) = (exact[rank(p - 4.0 * se)], exact[rank(p + 4.0 * se)]);
            assert!(
                (lo * 0.97..=hi * 1.03).contains(&got),
                "quantile {p}: table {got}, exact draws {lo}..{hi}"
            );
        }
    }

    fn mean_var(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let m = xs.iter().sum::<f64>() / n;
        (
            m,
            xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0),
        )
    }

    #[test]
    fn draws_cover_the_cells_and_the_top_cell() {
        let sigma = f64::ln_1p(0.64).sqrt();
        let values = table(1.0, sigma, 1);
        let t = one_table(values.clone());
        assert_eq!(t.draw(0, 0), 0.0);
        // Every top-cell draw is reached, the largest by the largest uniform.
        let top = t.draw(0, u16::MAX);
        assert_eq!(top, values[ENTRIES - 1]);
        for k in 0..PER_CELL {
            let u = ((CELLS - 1) * PER_CELL + k) as u16;
            assert_eq!(t.draw(0, u), values[CELLS - 1 + k]);
        }
        // Every uniform of a cell below the top one gives the cell's value.
        for j in [0, 500, CELLS - 2] {
            let u = (j * PER_CELL) as u16;
            assert!((0..PER_CELL as u16).all(|k| t.draw(0, u + k) == values[j]));
        }
        assert!(top > t.draw(0, ((CELLS - 1) * PER_CELL) as u16 - 1));
        // P(no deal) = e^-1 to within a cell.
        let zeros = (0..CELLS)
            .filter(|&j| t.draw(0, (j * PER_CELL) as u16) == 0.0)
            .count();
        assert!((zeros as f64 / CELLS as f64 - (-1.0f64).exp()).abs() <= 1.0 / CELLS as f64);
    }

    #[test]
    fn a_word_gives_four_independent_months() {
        // The four 16-bit uniforms of a word index the four months' tables:
        // their values are uncorrelated and each uniform over its range.
        let mut g = Wyrand::new(11);
        let n = 200_000;
        let mut sums = [0.0; WORD_MONTHS];
        let mut cross = 0.0;
        for _ in 0..n {
            let w = g.next_u64();
            let u: Vec<f64> = (0..WORD_MONTHS)
                .map(|k| f64::from((w >> (U_BITS as usize * k)) as u16) / 65_536.0 - 0.5)
                .collect();
            for k in 0..WORD_MONTHS {
                sums[k] += u[k];
            }
            cross += u[0] * u[3];
        }
        // Uniform on [-0.5, 0.5): sd 1/sqrt(12); product sd 1/12.
        let se = (1.0 / 12.0 / n as f64).sqrt();
        for s in sums {
            assert!((s / n as f64).abs() < 4.5 * se, "mean {}", s / n as f64);
        }
        assert!((cross / n as f64).abs() < 4.5 / 12.0 / (n as f64).sqrt());
    }
}
