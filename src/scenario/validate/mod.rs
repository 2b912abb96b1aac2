//! Stage two: raw values -> validated [`Scenario`]. One module per section
//! of the file; they share a [`Context`]. Every rule is checked and every
//! failure recorded; a scenario is produced only when there are no errors.

mod comp;
mod context;
mod correlation;
mod dist;
mod geography;
mod header;
mod mitigations;
mod quotas;
mod reps;
mod risks;
mod units;

use super::diag::{Problems, Sources, Span};
use super::raw::{RawScenario, RawUnit};
use super::reader::Sp;
use super::{Purpose, Scenario};
use crate::model::Model;
use context::Context;

/// `units_known`: false when the units file was named but could not be
/// read (reported already): what names units is then not checked, since
/// every name would look unknown.
pub(super) fn validate(
    raw: &RawScenario,
    csv_units: Option<Vec<RawUnit>>,
    raw_edges: Option<Vec<(Sp<String>, Sp<String>)>>,
    purpose: Purpose,
    units_known: bool,
    sources: &Sources,
    problems: &mut Problems,
) -> Option<Scenario> {
    let mut cx = Context {
        problems,
        purpose,
        top: Span {
            file: 0,
            range: 0..0,
        },
        months: 12,
    };
    let header = header::validate(&mut cx, raw);
    let mut reps = reps::validate(&mut cx, raw);
    let raw_units: &[RawUnit] = csv_units.as_deref().unwrap_or(&raw.units);
    let units = units::validate(&mut cx, raw, raw_units, &reps, !units_known);
    if units_known {
        units::warn_idle_reps(&mut cx, raw, &reps, &units);
    }
    let quotas = quotas::validate(&mut cx, raw);
    let risks = risks::validate(&mut cx, raw, raw_units, &reps, &units, units_known);
    let correlation = correlation::validate(&mut cx, raw, &risks);
    if units_known {
        geography::homes(&mut cx, raw, &mut reps.reps, &units);
    }
    let edges = raw_edges
        .filter(|_| units_known)
        .map(|list| geography::edges(&mut cx, &list, &units));
    let comp_plan = raw
        .comp_plan
        .as_ref()
        .and_then(|c| comp::validate(&mut cx, c));
    let mitigations = mitigations::validate(&mut cx, raw, sources);
    if cx.has_errors() {
        return None;
    }
    Some(Scenario {
        model: Model {
            name: header.name,
            start: header.start,
            currency: header.currency,
            months: cx.months,
            company_target: header.company_target,
            seasonality: header.seasonality,
            units: units.units,
            reps: reps.reps,
            risks: risks.risks,
            correlation,
            quotas: quotas.expect("no errors"),
            comp_plan,
            edges,
            actuals: None,
        },
        run: header.run,
        mitigations,
    })
}
