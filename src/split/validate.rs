//! Input validation: the first problem found, checked in a fixed order
//! (shapes, then balance, then assignments, then limits).

use super::{SplitError, SplitInput};

pub(super) fn validate(input: &SplitInput<'_>) -> Result<(), SplitError> {
    shapes(input)?;
    balance(input)?;
    assignments(input)?;
    limits(input)
}

/// Every per-unit and per-territory vector has its length; locations are
/// finite; there are territories, no more than units.
fn shapes(input: &SplitInput<'_>) -> Result<(), SplitError> {
    let n = input.graph.len();
    let k = input.targets.len();
    let lengths = [
        ("weight", input.weight.len()),
        ("locked", input.locked.len()),
        ("current", input.current.len()),
        ("disruption_weight", input.disruption_weight.len()),
        ("workload", input.workload.len()),
        ("accounts", input.accounts.len()),
    ];
    for (what, got) in lengths {
        if got != n {
            return Err(SplitError::LengthMismatch {
                what,
                expected: n,
                got,
            });
        }
    }
    if let Some(loc) = input.locations {
        if loc.len() != n {
            return Err(SplitError::LengthMismatch {
                what: "locations",
                expected: n,
                got: loc.len(),
            });
        }
        if let Some(unit) = loc
            .iter()
            .position(|p| !p.0.is_finite() || !p.1.is_finite())
        {
            return Err(SplitError::NonFiniteLocation { unit });
        }
    }
    if k == 0 {
        return Err(SplitError::NoTerritories);
    }
    if k > n {
        return Err(SplitError::TooManyTerritories { k, n });
    }
    if !input.home_unit.is_empty() && input.home_unit.len() != k {
        return Err(SplitError::LengthMismatch {
            what: "home_unit",
            expected: k,
            got: input.home_unit.len(),
        });
    }
    Ok(())
}

/// Weights, targets and the tolerance: finite, not negative, and the
/// targets adding up to the weights.
fn balance(input: &SplitInput<'_>) -> Result<(), SplitError> {
    if let Some(unit) = input.weight.iter().position(|w| !w.is_finite() || *w < 0.0) {
        return Err(SplitError::InvalidWeight {
            unit,
            value: input.weight[unit],
        });
    }
    if let Some(unit) = input
        .disruption_weight
        .iter()
        .position(|w| !w.is_finite() || *w < 0.0)
    {
        return Err(SplitError::InvalidDisruptionWeight {
            unit,
            value: input.disruption_weight[unit],
        });
    }
    let total: f64 = input.weight.iter().sum();
    if total <= 0.0 {
        return Err(SplitError::ZeroTotalWeight);
    }
    if let Some(territory) = input
        .targets
        .iter()
        .position(|t| !t.is_finite() || *t <= 0.0)
    {
        return Err(SplitError::InvalidTarget {
            territory,
            value: input.targets[territory],
        });
    }
    let sum_targets: f64 = input.targets.iter().sum();
    if (sum_targets - total).abs() > 1e-6 * total {
        return Err(SplitError::TargetSumMismatch {
            targets: sum_targets,
            weights: total,
        });
    }
    if !input.tolerance.is_finite() || input.tolerance < 0.0 {
        return Err(SplitError::InvalidTolerance(input.tolerance));
    }
    Ok(())
}

/// Locked and current owners name territories that exist.
fn assignments(input: &SplitInput<'_>) -> Result<(), SplitError> {
    let k = input.targets.len();
    for (unit, l) in input.locked.iter().enumerate() {
        if let Some(t) = *l
            && t >= k
        {
            return Err(SplitError::LockOutOfRange {
                unit,
                territory: t,
                k,
            });
        }
    }
    for (unit, c) in input.current.iter().enumerate() {
        if let Some(t) = *c
            && t >= k
        {
            return Err(SplitError::CurrentOutOfRange {
                unit,
                territory: t,
                k,
            });
        }
    }
    Ok(())
}

/// The disruption cap, homes (with locations to measure from), travel
/// radii, the moved-accounts cap and the chain count.
fn limits(input: &SplitInput<'_>) -> Result<(), SplitError> {
    let n = input.graph.len();
    let k = input.targets.len();
    if let Some(m) = input.max_disruption
        && !(0.0..=1.0).contains(&m)
    {
        return Err(SplitError::InvalidMaxDisruption(m));
    }
    if input.home_unit.iter().any(Option::is_some) && input.locations.is_none() {
        return Err(SplitError::HomesWithoutLocations);
    }
    if let Some(territory) = input
        .home_unit
        .iter()
        .position(|h| h.is_some_and(|u| u >= n))
    {
        return Err(SplitError::HomeOutOfRange { territory, n });
    }
    if !input.home_weight.is_finite() || input.home_weight < 0.0 {
        return Err(SplitError::InvalidHomeWeight(input.home_weight));
    }
    if !input.max_distance.is_empty() && input.max_distance.len() != k {
        return Err(SplitError::LengthMismatch {
            what: "max_distance",
            expected: k,
            got: input.max_distance.len(),
        });
    }
    if let Some(territory) = input
        .max_distance
        .iter()
        .position(|d| d.is_some_and(|d| !d.is_finite() || d <= 0.0))
    {
        return Err(SplitError::InvalidMaxDistance {
            territory,
            value: input.max_distance[territory].unwrap_or(0.0),
        });
    }
    if let Some(a) = input.max_moved_accounts
        && (!a.is_finite() || a < 0.0)
    {
        return Err(SplitError::InvalidMaxMovedAccounts(a));
    }
    if input.chains == 0 {
        return Err(SplitError::NoChains);
    }
    Ok(())
}
