//! Each territory's share of the balanced total, and the reps of new
//! territories.

use crate::model::Model;
use crate::model::money::grouped;

/// How territory targets are set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Targets {
    /// Every territory the same share.
    Equal,
    /// In proportion to the rep's capacity hours.
    Capacity,
    /// In proportion to what the rep can sell in the horizon: capacity ×
    /// expected presence (start month, ramp, vacancy after attrition).
    Presence,
}

/// What each territory's target rests on: its share of the balanced total
/// and the figures the share comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetBasis {
    pub mode: Targets,
    /// Share of the total per territory; they sum to 1.
    pub shares: Vec<f64>,
    /// What the shares are in proportion to (capacity × presence, capacity
    /// or 1 each); all zero when nothing tells the territories apart.
    pub weights: Vec<f64>,
    /// Expected presence of each territory's rep over the horizon.
    pub presence: Vec<f64>,
    /// Capacity hours of each territory's rep (`None`: no limit given).
    pub capacity: Vec<Option<f64>>,
    /// How missing figures were filled in.
    pub notes: Vec<String>,
}

impl TargetBasis {
    /// The territories' targets of a balanced `total`: `total × w / Σw`
    /// (so equal targets are exactly `total / k`).
    pub fn targets(&self, total: f64) -> Vec<f64> {
        let sum: f64 = self.weights.iter().sum();
        if sum > 0.0 && sum.is_finite() {
            self.weights.iter().map(|w| total * w / sum).collect()
        } else {
            let k = self.shares.len();
            vec![total / k.max(1) as f64; k]
        }
    }

    /// The mode and what it means, for a header line.
    pub fn describe(&self) -> String {
        match self.mode {
            Targets::Equal => "equal".into(),
            Targets::Capacity => "capacity (in proportion to capacity hours)".into(),
            Targets::Presence => "presence (in proportion to capacity × expected presence: start month, ramp, vacancy after attrition)".into(),
        }
    }

    /// The mode as flags and files name it.
    pub fn name(&self) -> &'static str {
        match self.mode {
            Targets::Equal => "equal",
            Targets::Capacity => "capacity",
            Targets::Presence => "presence",
        }
    }
}

/// The reps of `k` new territories `T01..Tk`: each like the scenario's
/// first rep (capacity, attrition, vacancy, ramp, productivity) but with no
/// quota, no ramp or start still ahead and no home; a scenario without
/// reps gives reps with no capacity limit who never leave.
pub fn territory_reps(model: &Model, k: usize) -> Vec<crate::model::Rep> {
    let template = model
        .reps
        .first()
        .cloned()
        .unwrap_or_else(|| crate::model::Rep {
            id: String::new(),
            name: String::new(),
            quota: None,
            quota_floor: None,
            quota_cap: None,
            quota_override: None,
            quarterly_quota: None,
            home_unit: None,
            capacity_hours: None,
            capacity_elasticity: 1.0,
            attrition: 0.0,
            vacancy_months: 0,
            vacancy_coverage: 0.0,
            ramp_months: 0.0,
            ramp_remaining: None,
            start_month: None,
            productivity: crate::model::dist::Dist::Fixed(1.0),
            groups: Vec::new(),
        });
    (0..k)
        .map(|t| crate::model::Rep {
            id: format!("T{:02}", t + 1),
            name: format!("Territory {}", t + 1),
            quota: None,
            quota_floor: None,
            quota_cap: None,
            quota_override: None,
            quarterly_quota: None,
            ramp_remaining: None,
            start_month: None,
            home_unit: None,
            // New territories belong to no region or manager yet.
            groups: Vec::new(),
            ..template.clone()
        })
        .collect()
}

/// Each territory's share of the balanced total under `mode`, and what it
/// rests on. Territory `t` is rep `t` when `k` is the number of reps;
/// otherwise the territories are new and alike ([`territory_reps`]), so
/// their shares are equal whatever the mode.
///
/// - `Equal`: `1 / k` each.
/// - `Capacity`: in proportion to `capacity_hours`.
/// - `Presence`: in proportion to `capacity_hours ×` the rep's expected
///   presence over the horizon ([`crate::model::Rep::horizon_presence`],
///   the engine's own presence model: start month, linear ramp, a departure
///   with probability `attrition` scaled to the months employed, in a
///   uniform month, then `vacancy_months` at `vacancy_coverage` and a
///   replacement ramping up; weighted by seasonality). A seat starting in
///   April with no ramp is present 0.75 of an evenly seasonal year, so its
///   target is 0.75 of a full-year rep's of equal capacity.
///
/// A rep without `capacity_hours` (no limit) counts with the mean capacity
/// of those that have one (with a note), or all count alike when none
/// has. When every weight is zero the shares are equal.
pub fn target_basis(model: &Model, k: usize, mode: Targets) -> TargetBasis {
    let same = k == model.reps.len();
    let reps = if same {
        model.reps.clone()
    } else {
        territory_reps(model, k)
    };
    let presence: Vec<f64> = reps
        .iter()
        .map(|r| r.horizon_presence(&model.seasonality))
        .collect();
    let capacity: Vec<Option<f64>> = reps.iter().map(|r| r.capacity_hours).collect();
    let mut notes = Vec::new();
    let given: Vec<f64> = capacity.iter().flatten().copied().collect();
    let fill = if given.is_empty() {
        1.0
    } else {
        given.iter().sum::<f64>() / given.len() as f64
    };
    if mode != Targets::Equal && same && !given.is_empty() && given.len() < reps.len() {
        let missing: Vec<&str> = reps
            .iter()
            .filter(|r| r.capacity_hours.is_none())
            .map(|r| r.id.as_str())
            .collect();
        notes.push(format!(
            "targets: {} without capacity_hours count with the mean capacity of the others ({} h): {}",
            if missing.len() == 1 { "1 rep" } else { "reps" },
            grouped(fill),
            list_ids(&missing, 5)
        ));
    }
    if mode != Targets::Equal && !same && !model.reps.is_empty() {
        notes.push(format!(
            "targets: the {k} territories are new (not the scenario's {} reps), so their targets are equal",
            model.reps.len()
        ));
    }
    let weights: Vec<f64> = (0..reps.len())
        .map(|t| {
            let cap = capacity[t].unwrap_or(fill);
            match if same { mode } else { Targets::Equal } {
                Targets::Equal => 1.0,
                Targets::Capacity => cap,
                Targets::Presence => cap * presence[t],
            }
        })
        .collect();
    let sum: f64 = weights.iter().sum();
    let shares = if sum > 0.0 && sum.is_finite() {
        weights.iter().map(|w| w / sum).collect()
    } else {
        vec![1.0 / k.max(1) as f64; k]
    };
    TargetBasis {
        mode,
        shares,
        weights,
        presence,
        capacity,
        notes,
    }
}

/// `ids` as a short list: all of them up to `max`, else the first `max`
/// and how many more ("R01, R02, R03, … (+9 more)").
pub fn list_ids(ids: &[&str], max: usize) -> String {
    if ids.len() <= max {
        ids.join(", ")
    } else {
        format!("{}, … (+{} more)", ids[..max].join(", "), ids.len() - max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{MemoryLoader, Purpose, load};

    fn model(reps: &str) -> Model {
        let text = format!(
            "[scenario]\ncompany_target = 100\n{reps}\n[[units]]\nid = \"a\"\npotential = 1\nx = 0\ny = 0\n"
        );
        load("t.toml", &text, &MemoryLoader(Vec::new()), Purpose::Align)
            .scenario
            .expect("valid")
            .model
    }

    #[test]
    fn targets_follow_capacity_and_presence() {
        let m = model(
            "[[reps]]\nid = \"R1\"\ncapacity_hours = 1000\n[[reps]]\nid = \"R2\"\n[[reps]]\nid = \"R3\"\ncapacity_hours = 3000\nstart_month = 4\n",
        );
        let cap = target_basis(&m, 3, Targets::Capacity);
        let want = [1.0 / 6.0, 1.0 / 3.0, 0.5];
        for (s, w) in cap.shares.iter().zip(want) {
            assert!((s - w).abs() < 1e-12, "{:?}", cap.shares);
        }
        assert_eq!(cap.notes.len(), 1);
        assert!(cap.notes[0].contains("R2") && cap.notes[0].contains("2,000 h"));
        let pres = target_basis(&m, 3, Targets::Presence);
        assert_eq!(pres.presence, vec![1.0, 1.0, 0.75]);
        let w = [1000.0, 2000.0, 2250.0];
        for (s, w) in pres.shares.iter().zip(w) {
            assert!((s - w / 5250.0).abs() < 1e-12, "{:?}", pres.shares);
        }
        let t = pres.targets(5250.0);
        assert!((t[2] - 2250.0).abs() < 1e-9, "{t:?}");
        // Equal targets are exactly total / k; new territories are alike.
        assert_eq!(
            target_basis(&m, 3, Targets::Equal).targets(10.0),
            vec![10.0 / 3.0; 3]
        );
        let new = target_basis(&m, 2, Targets::Presence);
        assert_eq!(new.targets(10.0), vec![5.0, 5.0]);
        assert!(new.notes.iter().any(|n| n.contains("are new")));
    }

    #[test]
    fn reps_of_new_territories_have_no_home_or_quota() {
        let m = model(
            "[[reps]]\nid = \"R1\"\nquota = 5\nhome = \"a\"\nramp_remaining = 1\nramp_months = 2\n",
        );
        let reps = territory_reps(&m, 2);
        assert_eq!(reps[1].id, "T02");
        assert!(
            reps.iter()
                .all(|r| r.quota.is_none() && r.home_unit.is_none() && r.ramp_remaining.is_none())
        );
        let none = territory_reps(&model(""), 1);
        assert_eq!(none[0].capacity_hours, None);
        assert_eq!(none[0].attrition, 0.0);
    }
}
