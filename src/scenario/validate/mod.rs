//! Stage two: raw values -> validated [`Scenario`]. One module per section
//! of the file; they share a [`Context`]. Every rule is checked and every
//! failure recorded; a scenario is produced only when there are no errors.

mod comp;
mod context;
mod correlation;
mod dist;
mod geography;
mod groups;
mod header;
mod mitigations;
mod quotas;
mod reps;
mod risks;
mod units;

use super::raw::RawScenario;
use super::units_csv::{EdgeList, UnitRows};
use super::{Purpose, Scenario};
use crate::model::Model;
use crate::source::diag::{FileId, Problems, Sources, Span};
use context::Context;

/// Where the units come from.
pub(super) enum UnitSource<'a> {
    /// The scenario's inline `[[units]]`.
    Inline,
    /// The units CSV, each row validated as it is read.
    Csv(Box<UnitRows<'a>>),
    /// The units file was named but could not be read (reported already):
    /// what names units is then not checked, since every name would look
    /// unknown.
    Failed,
}

impl UnitSource<'_> {
    /// Reads the CSV through for its own problems, when the scenario is
    /// not validated.
    pub(super) fn drain(self, problems: &mut Problems) {
        if let UnitSource::Csv(mut rows) = self {
            while rows.next(problems).is_some() {}
            rows.finish(problems);
        }
    }
}

/// The adjacency CSV the scenario names, read.
pub(super) struct EdgeSource<'a> {
    pub text: &'a str,
    pub file: FileId,
}

impl EdgeSource<'_> {
    /// Reads the CSV through for its own problems, when the scenario is
    /// not validated.
    pub(super) fn drain(&self, problems: &mut Problems) {
        EdgeList::read(self.text, self.file, problems);
    }
}

pub(super) fn validate(
    raw: &RawScenario,
    unit_source: UnitSource<'_>,
    edges: Option<EdgeSource<'_>>,
    purpose: Purpose,
    sources: &Sources,
    problems: &mut Problems,
    spelling: crate::source::Spelling,
) -> Option<Scenario> {
    let mut cx = Context {
        problems,
        purpose,
        spelling,
        top: Span {
            file: 0,
            range: 0..0,
        },
        months: 12,
    };
    let header = header::validate(&mut cx, raw);
    let mut reps = reps::validate(&mut cx, raw);
    let rep_groups = groups::validate(&mut cx, raw);
    if reps.ok {
        for (rep, g) in reps.reps.iter_mut().zip(rep_groups) {
            rep.groups = g;
        }
    }
    // The edges CSV is read while the units are validated (it is as long
    // as the units CSV and needs them only once read).
    let mut edge_problems = Problems::default();
    let (units, edges) = rayon::join(
        || units::validate(&mut cx, raw, unit_source, &reps),
        || edges.and_then(|e| EdgeList::read(e.text, e.file, &mut edge_problems)),
    );
    cx.problems.list.append(&mut edge_problems.list);
    let units_known = units.known;
    if units_known {
        units::warn_idle_reps(&mut cx, raw, &reps, &units);
    }
    let quotas = quotas::validate(&mut cx, raw);
    let risks = risks::validate(&mut cx, raw, &reps, &units);
    let correlation = correlation::validate(&mut cx, raw, &risks);
    if units_known {
        geography::homes(&mut cx, raw, &mut reps.reps, &units);
    }
    let edges = edges
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
