//! The scenario written out: the TOML, the units CSV and the adjacency
//! CSV, with numbers written as the generator drew them.

use super::geography::{Region, SEGMENTS, Unit, coordinate_decimals};
use super::reps::Rep;
use super::risks::{Kind, Risk, Scope};
use super::{
    DEFAULT_CAPACITY, GenerateSpec, MONTHS, RAMP_MONTHS, TARGET_SHARE, UNITS_CSV_HEADER, digits,
};
use crate::model::dist::{Dist, Param};
use crate::model::geo;
use crate::scenario::edit::toml_string;
use std::fmt::Write;

/// Planar adjacency: the Delaunay triangulation of the unit locations.
pub(super) fn write_edges(units: &[Unit]) -> String {
    let pts: Vec<(f64, f64)> = units.iter().map(|u| (u.x, u.y)).collect();
    let edges = geo::delaunay(&pts).expect("generated locations are finite");
    let mut c = String::with_capacity(16 + edges.len() * 20);
    c.push_str("from,to\n");
    for (a, b) in edges {
        let _ = writeln!(
            c,
            "{},{}",
            unit_id(a as usize, units.len()),
            unit_id(b as usize, units.len())
        );
    }
    c
}

/// Writes `x` with at most `decimals` decimals, trailing zeros trimmed but at
/// least one decimal kept (so TOML reads a float), and never "-0.0".
fn push_f(out: &mut String, x: f64, decimals: usize) {
    let start = out.len();
    let _ = write!(out, "{:.*}", decimals, x);
    if out[start..].contains('.') {
        let keep = out.trim_end_matches('0').len();
        out.truncate(keep);
        if out.ends_with('.') {
            out.push('0');
        }
    }
    if &out[start..] == "-0.0" {
        out.truncate(start);
        out.push_str("0.0");
    }
}

pub(super) fn f(x: f64, decimals: usize) -> String {
    let mut s = String::new();
    push_f(&mut s, x, decimals);
    s
}

fn quoted_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.map(toml_string).collect();
    format!("[{}]", items.join(", "))
}

/// A distribution as TOML, by the family table: `{ family = { param = value, ... } }`
/// (`{ fixed = v }` for a constant). Decimals follow what the generator
/// draws: shape parameters 2, probabilities 4, lists and constants 6,
/// everything else 3.
fn dist_toml(d: &Dist) -> String {
    let family = d.family();
    let decimals = |param: &str| match (family, param) {
        ("beta", "alpha" | "beta") => 2,
        ("bernoulli", _) => 4,
        ("fixed" | "discrete", _) => 6,
        _ => 3,
    };
    let value = |name: &str, p: &Param| match p {
        Param::Num(x) => f(*x, decimals(name)),
        Param::List(xs) => format!(
            "[{}]",
            xs.iter()
                .map(|&x| f(x, decimals(name)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let params = d.params();
    if let [(name, p)] = &params[..]
        && family == "fixed"
    {
        return format!("{{ fixed = {} }}", value(name, p));
    }
    let inner: Vec<String> = params
        .iter()
        .map(|(name, p)| format!("{name} = {}", value(name, p)))
        .collect();
    format!("{{ {family} = {{ {} }} }}", inner.join(", "))
}

macro_rules! out {
    ($dst:expr) => {
        $dst.push('\n')
    };
    ($dst:expr, $($arg:tt)*) => {{
        let _ = writeln!($dst, $($arg)*);
    }};
}

/// The scenario's TOML, section by section.
#[allow(clippy::too_many_arguments)]
pub(super) fn write_toml(
    spec: &GenerateSpec,
    company_target: f64,
    seasonality: &[f64],
    regions: &[Region],
    units: &[Unit],
    reps: &[Rep],
    risks: &[Risk],
    pairs: &[(usize, usize, f64)],
) -> String {
    let mut t = String::with_capacity(4096 + reps.len() * 64 + risks.len() * 256);
    write_header(&mut t, spec, company_target, seasonality);
    for rep in reps {
        out!(t);
        out!(t, "[[reps]]");
        out!(t, "id = {}", toml_string(&rep.id));
        out!(t, "name = {}", toml_string(&rep.name));
        out!(t, "quota = {:.0}", rep.quota);
        if let Some(r) = rep.ramp_remaining {
            out!(t, "ramp_remaining = {r}");
        }
        if let Some(s) = rep.start_month {
            out!(t, "start_month = {s}");
            out!(t, "attrition = 0.0");
        }
        if let Some(c) = rep.capacity_override {
            out!(t, "capacity_hours = {c:.0}");
        }
    }
    for risk in risks {
        write_risk(&mut t, risk, regions, units, reps);
    }
    write_plan(&mut t, risks, pairs, reps.len());
    t
}

/// The scenario, its seasonality, the units file and the rep defaults.
fn write_header(t: &mut String, spec: &GenerateSpec, company_target: f64, seasonality: &[f64]) {
    out!(
        t,
        "# Synthetic quotaplan scenario: {} units, {} reps, {} risks, generated from seed {}.",
        spec.units,
        spec.reps,
        spec.risks,
        spec.seed
    );
    out!(
        t,
        "# Regenerate it rather than editing it; see scenarios/format-example.toml for the format."
    );
    out!(t);
    out!(t, "[scenario]");
    let name = format!("synthetic-{}u-{}r-{}k", spec.units, spec.reps, spec.risks);
    out!(t, "name = {}", toml_string(&name));
    out!(t, "currency = \"CNY\"");
    out!(t, "months = {MONTHS}");
    out!(t, "seed = {}", spec.seed);
    out!(t, "trials = {}", spec.trials);
    out!(
        t,
        "company_target = {company_target:.0}   # {TARGET_SHARE} x the units' potential, net of expected risks, ramp-adjusted"
    );
    out!(t);
    out!(t, "[seasonality]");
    let weights: Vec<String> = seasonality.iter().map(|&w| f(w, 4)).collect();
    out!(t, "weights = [{}]", weights.join(", "));
    out!(t);
    out!(t, "[units]");
    out!(t, "# {UNITS_CSV_HEADER}");
    out!(t, "file = {}", toml_string(&spec.units_file));
    if let Some(e) = &spec.edges_file {
        out!(
            t,
            "# adjacency: Delaunay triangulation of the unit locations"
        );
        out!(t, "edges = {}", toml_string(e));
    }
    out!(t);
    out!(t, "[rep_defaults]");
    out!(t, "capacity_hours = {DEFAULT_CAPACITY:.0}");
    out!(t, "attrition = 0.14");
    out!(t, "vacancy_months = 3");
    out!(t, "vacancy_coverage = 0.25");
    out!(t, "ramp_months = {RAMP_MONTHS}");
    out!(
        t,
        "productivity = {{ lognormal = {{ mean = 1.0, cv = 0.12 }} }}"
    );
}

/// One `[[risks]]` table.
fn write_risk(t: &mut String, risk: &Risk, regions: &[Region], units: &[Unit], reps: &[Rep]) {
    out!(t);
    out!(t, "[[risks]]");
    out!(t, "id = {}", toml_string(&risk.id));
    let kind = match risk.kind {
        Kind::Shock => "shock",
        Kind::Event => "event",
        Kind::AccountLoss => "account_loss",
    };
    out!(t, "kind = \"{kind}\"");
    if let Some(p) = risk.probability {
        out!(t, "probability = {}", f(p, 3));
    }
    let scope = match &risk.scope {
        Scope::All => "\"all\"".to_string(),
        Scope::Regions(r) => format!(
            "{{ regions = {} }}",
            quoted_list(r.iter().map(|&i| regions[i].name.as_str()))
        ),
        Scope::Segments(s) => format!(
            "{{ segments = {} }}",
            quoted_list(s.iter().map(|&i| SEGMENTS[i].name))
        ),
        Scope::Units(u) => {
            let ids: Vec<String> = u.iter().map(|&i| unit_id(i, units.len())).collect();
            format!(
                "{{ units = {} }}",
                quoted_list(ids.iter().map(String::as_str))
            )
        }
        Scope::Reps(r) => format!(
            "{{ reps = {} }}",
            quoted_list(r.iter().map(|&i| reps[i].id.as_str()))
        ),
    };
    out!(t, "applies_to = {scope}");
    if let Some((from, to)) = risk.start {
        out!(t, "start = {{ from = {from}, to = {to} }}");
    }
    out!(t, "impact = {}", dist_toml(&risk.impact));
}

/// The correlations, the quota method and the comp plan.
fn write_plan(t: &mut String, risks: &[Risk], pairs: &[(usize, usize, f64)], reps: usize) {
    out!(t);
    out!(t, "[correlation]");
    out!(t, "pairs = [");
    for &(a, b, rho) in pairs {
        out!(
            t,
            "  [{}, {}, {}],",
            toml_string(&risks[a].id),
            toml_string(&risks[b].id),
            f(rho, 2)
        );
    }
    out!(t, "]");
    out!(t);
    out!(t, "[quotas]");
    out!(t, "method = \"given\"");
    out!(t, "over_assignment = 0.10");
    out!(t);
    out!(t, "[comp_plan]");
    out!(t, "target_incentive = 120000");
    out!(
        t,
        "curve = [[0.0, 0.0], [0.5, 0.0], [1.0, 1.0], [1.5, 2.0], [2.0, 2.5]]"
    );
    out!(
        t,
        "team_bonus = {{ pool = {}, threshold = 1.0 }}",
        50_000 * reps as u64
    );
}

fn unit_id(i: usize, count: usize) -> String {
    let width = digits(count).max(6);
    format!("U{:0width$}", i + 1)
}

pub(super) fn write_csv(
    units: &[Unit],
    regions: &[Region],
    reps: &[Rep],
    owner_of: impl Fn(usize) -> usize,
) -> String {
    let width = digits(units.len()).max(6);
    let xy_decimals = coordinate_decimals(units.len());
    let mut c = String::with_capacity(128 + units.len() * 96);
    c.push_str(UNITS_CSV_HEADER);
    c.push('\n');
    let mut in_region = vec![0u32; regions.len()];
    for (i, u) in units.iter().enumerate() {
        in_region[u.region] += 1;
        let region = &regions[u.region].name;
        let _ = write!(
            c,
            "U{:0width$},{region} area {},{region},{},",
            i + 1,
            in_region[u.region],
            SEGMENTS[u.segment as usize].name
        );
        push_f(&mut c, u.x, xy_decimals);
        c.push(',');
        push_f(&mut c, u.y, xy_decimals);
        let _ = write!(c, ",{:.0},", u.potential);
        push_f(&mut c, u.cv, 2);
        c.push(',');
        push_f(&mut c, u.workload, 1);
        let _ = writeln!(c, ",{},{},{}", u.accounts, reps[owner_of(i)].id, u.locked);
    }
    c
}
