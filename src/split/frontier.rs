//! The balance–disruption frontier: the best plan under each cap on
//! disruption.

use super::{SplitError, SplitInput, optimize};

/// The best plan when at most `cap` of the disruption weight may change
/// owner.
#[derive(Clone, Debug, PartialEq)]
pub struct FrontierPoint {
    pub cap: f64,
    /// Largest deviation from target of the best plan within the cap.
    pub max_deviation: f64,
    /// Share that actually moves.
    pub disruption: f64,
    /// Within the balance tolerance (and every other hard limit).
    pub feasible: bool,
}

/// The balance–disruption frontier: the best plan under each cap, so
/// leadership can weigh balance against continuity.
///
/// Caps are taken in increasing order; a plan within a smaller cap is
/// within every larger one, so a point never shows a worse deviation than
/// the point before it (the search is heuristic and may find a worse plan
/// under the looser cap).
pub fn frontier(input: &SplitInput<'_>, caps: &[f64]) -> Result<Vec<FrontierPoint>, SplitError> {
    let mut caps = caps.to_vec();
    caps.sort_by(f64::total_cmp);
    let mut out: Vec<FrontierPoint> = Vec::with_capacity(caps.len());
    for cap in caps {
        let mut inp = input.clone();
        inp.max_disruption = Some(cap);
        let r = optimize(&inp)?;
        let mut point = FrontierPoint {
            cap,
            max_deviation: r.max_deviation,
            disruption: r.disruption,
            feasible: r.feasible,
        };
        if let Some(prev) = out.last()
            && (prev.feasible, -prev.max_deviation) > (point.feasible, -point.max_deviation)
        {
            point = FrontierPoint {
                cap,
                ..prev.clone()
            };
        }
        out.push(point);
    }
    Ok(out)
}
