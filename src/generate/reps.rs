//! Reps: names, hires and capacities, territory workloads sized to them,
//! and quotas from each territory's expected potential.

use super::geography::Unit;
use super::{
    DEFAULT_CAPACITY, MONTHS, QUOTA_UPLIFT, RAMP_MONTHS, digits, round_dp, round_to, uniform,
};
use rand::RngExt;
use rand::rngs::ChaCha8Rng;

/// (hanzi, pinyin) pairs for rep names.
const SURNAMES: [(&str, &str); 20] = [
    ("王", "Wang"),
    ("李", "Li"),
    ("张", "Zhang"),
    ("刘", "Liu"),
    ("陈", "Chen"),
    ("杨", "Yang"),
    ("赵", "Zhao"),
    ("黄", "Huang"),
    ("周", "Zhou"),
    ("吴", "Wu"),
    ("徐", "Xu"),
    ("孙", "Sun"),
    ("胡", "Hu"),
    ("朱", "Zhu"),
    ("高", "Gao"),
    ("林", "Lin"),
    ("何", "He"),
    ("郭", "Guo"),
    ("马", "Ma"),
    ("罗", "Luo"),
];
const GIVEN_NAMES: [(&str, &str); 24] = [
    ("伟", "Wei"),
    ("芳", "Fang"),
    ("娜", "Na"),
    ("敏", "Min"),
    ("静", "Jing"),
    ("丽", "Li"),
    ("强", "Qiang"),
    ("磊", "Lei"),
    ("军", "Jun"),
    ("洋", "Yang"),
    ("勇", "Yong"),
    ("艳", "Yan"),
    ("杰", "Jie"),
    ("娟", "Juan"),
    ("涛", "Tao"),
    ("明", "Ming"),
    ("超", "Chao"),
    ("霞", "Xia"),
    ("平", "Ping"),
    ("刚", "Gang"),
    ("建华", "Jianhua"),
    ("晓燕", "Xiaoyan"),
    ("志强", "Zhiqiang"),
    ("海燕", "Haiyan"),
];

pub(super) struct Rep {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) quota: f64,
    pub(super) capacity_override: Option<f64>,
    pub(super) ramp_remaining: Option<u32>,
    pub(super) start_month: Option<u32>,
}

pub(super) fn reps(rng: &mut ChaCha8Rng, count: usize) -> Vec<Rep> {
    let width = digits(count).max(4);
    let mut reps: Vec<Rep> = (0..count)
        .map(|i| {
            let (sh, sp) = SURNAMES[rng.random_range(0..SURNAMES.len())];
            let (gh, gp) = GIVEN_NAMES[rng.random_range(0..GIVEN_NAMES.len())];
            let name = if rng.random::<f64>() < 0.7 {
                format!("{sh}{gh}")
            } else {
                format!("{sp} {gp}")
            };
            Rep {
                id: format!("R{:0width$}", i + 1),
                name,
                quota: 0.0,
                capacity_override: None,
                ramp_remaining: None,
                start_month: None,
            }
        })
        .collect();
    // A few special cases, on distinct reps: recent hires still ramping,
    // planned hires, and reps with more or fewer selling hours.
    if count >= 4 {
        let ramping = (count / 20).max(1);
        let planned = if count >= 8 { (count / 30).max(1) } else { 0 };
        let capacity = if count >= 6 { (count / 20).max(1) } else { 0 };
        let chosen = rand::seq::index::sample(rng, count, ramping + planned + capacity);
        for (k, i) in chosen.iter().enumerate() {
            let rep = &mut reps[i];
            if k < ramping {
                rep.ramp_remaining = Some(rng.random_range(1..=RAMP_MONTHS - 1));
            } else if k < ramping + planned {
                rep.start_month = Some(rng.random_range(2..=7));
                rep.name = "(to be hired)".to_string();
            } else {
                const HOURS: [f64; 4] = [1100.0, 1200.0, 1300.0, 1800.0];
                rep.capacity_override = Some(HOURS[rng.random_range(0..HOURS.len())]);
            }
        }
    }
    reps
}

/// Scales each territory's workload to a load factor of its rep's capacity:
/// about 90 % of territories need 80-97 % of the hours, the others 108-135 %.
/// Territories of reps with a capacity override were sized for a default rep.
pub(super) fn size_workloads(
    rng: &mut ChaCha8Rng,
    units: &mut [Unit],
    reps: &[Rep],
    owner_of: impl Fn(usize) -> usize,
) {
    let overloaded_count = (reps.len() as f64 * 0.1).round() as usize;
    let mut overloaded = vec![false; reps.len()];
    for i in rand::seq::index::sample(rng, reps.len(), overloaded_count) {
        overloaded[i] = true;
    }
    let mut raw = vec![0.0; reps.len()];
    for (i, u) in units.iter().enumerate() {
        raw[owner_of(i)] += u.workload;
    }
    let scale: Vec<f64> = raw
        .iter()
        .zip(&overloaded)
        .map(|(&w, &over)| {
            let load = if over {
                uniform(rng, 1.08, 1.35)
            } else {
                uniform(rng, 0.80, 0.97)
            };
            load * DEFAULT_CAPACITY / w
        })
        .collect();
    for (i, u) in units.iter_mut().enumerate() {
        u.workload = round_dp(u.workload * scale[owner_of(i)], 1).max(0.1);
    }
}

/// Presence in month `m` (1-based) per docs/src/model.md, without attrition.
fn presence(rep: &Rep, m: u32) -> f64 {
    let ramp = |k: i64| ((k as f64 - 0.5) / RAMP_MONTHS as f64).clamp(0.0, 1.0);
    if let Some(s) = rep.start_month {
        if m < s { 0.0 } else { ramp((m - s + 1) as i64) }
    } else if let Some(r) = rep.ramp_remaining {
        ramp(RAMP_MONTHS as i64 - r as i64 + m as i64)
    } else {
        1.0
    }
}

/// Quota = 1.08 x the rep's expected territory potential, ramp-adjusted for
/// new and planned hires, varied by ±15 %. Returns the total ramp-adjusted
/// expected potential.
pub(super) fn set_quotas(
    rng: &mut ChaCha8Rng,
    expected: &[f64],
    reps: &mut [Rep],
    seasonality: &[f64],
    owner_of: impl Fn(usize) -> usize,
) -> f64 {
    let mut potential = vec![0.0; reps.len()];
    for (i, e) in expected.iter().enumerate() {
        potential[owner_of(i)] += e;
    }
    let weight_sum: f64 = seasonality.iter().sum();
    let mut total = 0.0;
    for (rep, p) in reps.iter_mut().zip(potential) {
        let share: f64 = (1..=MONTHS)
            .zip(seasonality)
            .map(|(m, w)| w * presence(rep, m))
            .sum::<f64>()
            / weight_sum;
        total += p * share;
        let quota = QUOTA_UPLIFT * p * share * uniform(rng, 0.85, 1.15);
        rep.quota = round_to(quota, 1000.0).max(1000.0);
    }
    total
}
