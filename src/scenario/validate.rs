//! Stage two: raw values -> validated [`Model`]. Every rule is checked and
//! every failure recorded; a model is produced only when there are no errors.

use super::Purpose;
use super::diag::{Problem, Problems, Span, did_you_mean};
use super::raw::{
    DIST_FAMILIES, RawDist, RawParam, RawPotential, RawRepFields, RawScenario, RawScope, RawUnit,
};
use super::toml_reader::Sp;
use crate::model::correlation;
use crate::model::dist::Dist;
use crate::model::{
    CompPlan, Location, Model, QuotaMethod, QuotaPolicy, Rep, Risk, RiskKind, TeamBonus, Unit,
};
use nalgebra::DMatrix;
use std::collections::{BTreeSet, HashMap};

struct V<'p> {
    p: &'p mut Problems,
}

impl V<'_> {
    fn err(&mut self, span: &Span, msg: impl Into<String>) -> &mut Problem {
        self.p.error(span.file, span.range.clone(), msg)
    }

    fn warn(&mut self, span: &Span, msg: impl Into<String>) -> &mut Problem {
        self.p.warning(span.file, span.range.clone(), msg)
    }

    fn finite(&mut self, x: &Sp<f64>, what: &str) -> Option<f64> {
        if x.v.is_finite() {
            Some(x.v)
        } else {
            self.err(
                &x.span,
                format!("`{what}` must be a finite number, found {}", x.v),
            );
            None
        }
    }

    fn non_negative(&mut self, x: &Sp<f64>, what: &str) -> Option<f64> {
        let v = self.finite(x, what)?;
        if v < 0.0 {
            self.err(&x.span, format!("`{what}` must not be negative, found {v}"))
                .help(format!("allowed: {what} >= 0"));
            return None;
        }
        Some(v)
    }

    fn positive(&mut self, x: &Sp<f64>, what: &str) -> Option<f64> {
        let v = self.finite(x, what)?;
        if v <= 0.0 {
            self.err(&x.span, format!("`{what}` must be positive, found {v}"))
                .help(format!("allowed: {what} > 0"));
            return None;
        }
        Some(v)
    }

    fn probability(&mut self, x: &Sp<f64>, what: &str) -> Option<f64> {
        let v = self.finite(x, what)?;
        if !(0.0..=1.0).contains(&v) {
            self.err(
                &x.span,
                format!("`{what}` must be a probability between 0 and 1, found {v}"),
            )
            .help("allowed: 0 <= value <= 1");
            return None;
        }
        Some(v)
    }

    fn month(&mut self, x: &Sp<i64>, what: &str, months: usize) -> Option<u32> {
        if x.v < 1 || x.v > months as i64 {
            self.err(
                &x.span,
                format!(
                    "`{what}` must be a month between 1 and {months}, found {}",
                    x.v
                ),
            )
            .help(format!(
                "allowed: 1..={months} (the horizon is {months} months)"
            ));
            return None;
        }
        Some(x.v as u32)
    }

    fn param(&mut self, d: &RawDist, name: &str, used: &mut Vec<String>) -> Option<Sp<f64>> {
        let (k, v) = d.params.iter().find(|(k, _)| k.v == name)?;
        used.push(k.v.clone());
        match &v.v {
            RawParam::Num(x) => Some(Sp::new(*x, v.span.clone())),
            RawParam::List(_) => {
                self.err(
                    &v.span,
                    format!(
                        "`{name}` of `{}` must be a number, found an array",
                        d.family.v
                    ),
                );
                None
            }
        }
    }

    fn list(
        &mut self,
        d: &RawDist,
        name: &str,
        used: &mut Vec<String>,
    ) -> Option<Sp<Vec<Sp<f64>>>> {
        let (k, v) = d.params.iter().find(|(k, _)| k.v == name)?;
        used.push(k.v.clone());
        match &v.v {
            RawParam::List(l) => Some(Sp::new(l.clone(), v.span.clone())),
            RawParam::Num(_) => {
                self.err(
                    &v.span,
                    format!("`{name}` of `{}` must be an array of numbers", d.family.v),
                );
                None
            }
        }
    }

    /// A validated distribution, or `None` with the problems recorded.
    fn dist(&mut self, d: &RawDist, what: &str) -> Option<Dist> {
        let fam = d.family.v.as_str();
        let mut used = Vec::new();
        let (allowed, required): (&[&str], &[&str]) = match fam {
            "fixed" => (&["value"], &["value"]),
            "normal" => (&["mean", "sd"], &["mean", "sd"]),
            "lognormal" => (&["mean", "sd", "cv"], &["mean"]),
            "uniform" => (&["min", "max"], &["min", "max"]),
            "triangular" | "pert" => (&["min", "mode", "max"], &["min", "mode", "max"]),
            "beta" => (&["alpha", "beta", "min", "max"], &["alpha", "beta"]),
            "discrete" => (&["values", "weights"], &["values"]),
            "bernoulli" => (&["p"], &["p"]),
            _ => {
                let mut help = String::new();
                if let Some(s) = did_you_mean(fam, DIST_FAMILIES) {
                    help.push_str(&format!("did you mean `{s}`? "));
                }
                help.push_str(&format!("families: {}", DIST_FAMILIES.join(", ")));
                self.err(
                    &d.family.span,
                    format!("unknown distribution `{fam}` for `{what}`"),
                )
                .help(help);
                return None;
            }
        };
        let mut ok = true;
        for (k, _) in &d.params {
            if !allowed.contains(&k.v.as_str()) {
                ok = false;
                let mut help = String::new();
                if let Some(s) = did_you_mean(&k.v, allowed) {
                    help.push_str(&format!("did you mean `{s}`? "));
                }
                help.push_str(&format!("`{fam}` takes: {}", allowed.join(", ")));
                self.err(
                    &k.span,
                    format!("unknown parameter `{}` for a {fam} distribution", k.v),
                )
                .help(help);
            }
        }
        for r in required {
            if !d.params.iter().any(|(k, _)| k.v == *r) {
                ok = false;
                self.err(
                    &d.span,
                    format!("the {fam} distribution of `{what}` needs `{r}`"),
                )
                .help(format!("`{fam}` takes: {}", allowed.join(", ")));
            }
        }
        if !ok {
            return None;
        }
        let mut num = |s: &mut Self, n: &str| {
            s.param(d, n, &mut used)
                .and_then(|x| s.finite(&x, n).map(|v| (v, x)))
        };
        let dist = match fam {
            "fixed" => Dist::Fixed(num(self, "value")?.0),
            "normal" => {
                let mean = num(self, "mean")?.0;
                let (_, sd) = num(self, "sd")?;
                Dist::Normal {
                    mean,
                    sd: self.non_negative(&sd, "sd")?,
                }
            }
            "lognormal" => {
                let (_, mean) = num(self, "mean")?;
                let mean = self.positive(&mean, "mean")?;
                let sd = num(self, "sd");
                let cv = num(self, "cv");
                match (sd, cv) {
                    (Some(_), Some((_, c))) => {
                        self.err(
                            &c.span,
                            "give either `sd` or `cv` for a lognormal, not both",
                        );
                        return None;
                    }
                    (Some((_, s)), None) => Dist::LogNormal {
                        mean,
                        sd: self.non_negative(&s, "sd")?,
                    },
                    (None, Some((_, c))) => Dist::lognormal_cv(mean, self.non_negative(&c, "cv")?),
                    (None, None) => {
                        self.err(
                            &d.span,
                            format!("the lognormal distribution of `{what}` needs `sd` or `cv`"),
                        );
                        return None;
                    }
                }
            }
            "uniform" => {
                let (min, smin) = num(self, "min")?;
                let (max, _) = num(self, "max")?;
                if min > max {
                    self.err(
                        &smin.span,
                        format!("uniform needs min <= max, found min {min} > max {max}"),
                    );
                    return None;
                }
                Dist::Uniform { min, max }
            }
            "triangular" | "pert" => {
                let (min, smin) = num(self, "min")?;
                let (mode, _) = num(self, "mode")?;
                let (max, _) = num(self, "max")?;
                if !(min <= mode && mode <= max && min < max) {
                    self.err(&smin.span, format!("{fam} needs min <= mode <= max with min < max, found min {min}, mode {mode}, max {max}"));
                    return None;
                }
                if fam == "pert" {
                    Dist::Pert { min, mode, max }
                } else {
                    Dist::Triangular { min, mode, max }
                }
            }
            "beta" => {
                let (_, a) = num(self, "alpha")?;
                let (_, b) = num(self, "beta")?;
                let alpha = self.positive(&a, "alpha")?;
                let beta = self.positive(&b, "beta")?;
                let min = num(self, "min").map_or(0.0, |x| x.0);
                let max = num(self, "max").map_or(1.0, |x| x.0);
                if min >= max {
                    self.err(
                        &d.span,
                        format!("beta needs min < max, found min {min}, max {max}"),
                    );
                    return None;
                }
                Dist::Beta {
                    alpha,
                    beta,
                    min,
                    max,
                }
            }
            "discrete" => {
                let values = self.list(d, "values", &mut used)?;
                let weights = match self.list(d, "weights", &mut used) {
                    Some(w) => {
                        if w.v.len() != values.v.len() {
                            self.err(
                                &w.span,
                                format!(
                                    "discrete `weights` has {} entries but `values` has {}",
                                    w.v.len(),
                                    values.v.len()
                                ),
                            );
                            return None;
                        }
                        if w.v.iter().any(|x| !x.v.is_finite() || x.v < 0.0)
                            || w.v.iter().map(|x| x.v).sum::<f64>() <= 0.0
                        {
                            self.err(
                                &w.span,
                                "discrete `weights` must be non-negative with a positive sum",
                            );
                            return None;
                        }
                        w.v.iter().map(|x| x.v).collect()
                    }
                    None => vec![1.0; values.v.len()],
                };
                if values.v.is_empty() || values.v.iter().any(|x| !x.v.is_finite()) {
                    self.err(
                        &values.span,
                        "discrete `values` must be a non-empty array of finite numbers",
                    );
                    return None;
                }
                Dist::Discrete {
                    values: values.v.iter().map(|x| x.v).collect(),
                    weights,
                }
            }
            "bernoulli" => {
                let (_, p) = num(self, "p")?;
                Dist::Bernoulli {
                    p: self.probability(&p, "p")?,
                }
            }
            _ => unreachable!("family checked above"),
        };
        Some(dist)
    }
}

/// Smallest and largest value a distribution can take.
fn support(d: &Dist) -> (f64, f64) {
    match d {
        Dist::Normal { sd, mean } if *sd == 0.0 => (*mean, *mean),
        Dist::Normal { .. } => (f64::NEG_INFINITY, f64::INFINITY),
        Dist::LogNormal { .. } => (0.0, f64::INFINITY),
        _ => (d.quantile(0.0), d.quantile(1.0)),
    }
}

pub(super) fn validate(
    raw: &RawScenario,
    csv_units: Option<Vec<RawUnit>>,
    raw_edges: Option<Vec<(Sp<String>, Sp<String>)>>,
    purpose: Purpose,
    problems: &mut Problems,
    file: usize,
) -> Option<Model> {
    let mut v = V { p: problems };
    let top = Span { file, range: 0..0 };
    let h = &raw.header;
    let hs = h.span.clone().unwrap_or(top.clone());

    let name = h
        .name
        .as_ref()
        .map_or_else(|| "scenario".to_string(), |s| s.v.clone());
    let currency = h
        .currency
        .as_ref()
        .map_or_else(String::new, |s| s.v.clone());
    let months = match &h.months {
        Some(m) if (1..=600).contains(&m.v) => m.v as usize,
        Some(m) => {
            v.err(
                &m.span,
                format!("`months` must be between 1 and 600, found {}", m.v),
            );
            12
        }
        None => 12,
    };
    let seed = match &h.seed {
        Some(s) if s.v >= 0 => s.v as u64,
        Some(s) => {
            v.err(
                &s.span,
                format!("`seed` must be a non-negative whole number, found {}", s.v),
            );
            0
        }
        None => 0,
    };
    let trials = match &h.trials {
        Some(t) if t.v >= 1 => t.v as u64,
        Some(t) => {
            v.err(
                &t.span,
                format!("`trials` must be at least 1, found {}", t.v),
            );
            1
        }
        None => 10_000,
    };
    let company_target = match &h.company_target {
        Some(t) => v.positive(t, "company_target").unwrap_or(1.0),
        None => {
            if purpose == Purpose::Simulate {
                v.err(&hs, "[scenario] needs `company_target` (the company's sales target for the horizon)");
            }
            f64::NAN
        }
    };

    let seasonality = match &raw.seasonality {
        None => vec![1.0 / months as f64; months],
        Some(w) => {
            let mut good = true;
            if w.v.len() != months {
                v.err(
                    &w.span,
                    format!(
                        "`weights` must have one weight per month: expected {months}, found {}",
                        w.v.len()
                    ),
                )
                .help(format!(
                    "the horizon is {months} months, set by [scenario] months"
                ));
                good = false;
            }
            for x in &w.v {
                good &= v.non_negative(x, "seasonality weight").is_some();
            }
            let sum: f64 = w.v.iter().map(|x| x.v).sum();
            if good && sum <= 0.0 {
                v.err(&w.span, "seasonality `weights` are all zero")
                    .help("give at least one positive weight; they are normalised to sum to 1");
                good = false;
            }
            if good {
                w.v.iter().map(|x| x.v / sum).collect()
            } else {
                vec![1.0 / months as f64; months]
            }
        }
    };

    // Reps first: units refer to them.
    let d = &raw.rep_defaults;
    let mut reps = Vec::new();
    let mut rep_index: HashMap<String, usize> = HashMap::new();
    let mut reps_ok = true;
    for (i, r) in raw.reps.iter().enumerate() {
        let span = r.span.clone().unwrap_or(top.clone());
        let Some(id) = &r.id else {
            v.err(&span, "a [[reps]] entry has no `id`")
                .help("every rep needs a unique id, e.g. id = \"R01\"");
            reps_ok = false;
            continue;
        };
        if rep_index.contains_key(&id.v) {
            v.err(&id.span, format!("duplicate rep id `{}`", id.v))
                .help("rep ids must be unique");
            reps_ok = false;
            continue;
        }
        rep_index.insert(id.v.clone(), i);
        let f = |a: &Option<Sp<f64>>, b: &Option<Sp<f64>>| a.clone().or_else(|| b.clone());
        let pick = |a: &RawRepFields, b: &RawRepFields| (a.clone(), b.clone());
        let (own, def) = pick(&r.fields, d);
        let capacity_hours = f(&own.capacity_hours, &def.capacity_hours)
            .and_then(|x| v.non_negative(&x, "capacity_hours"));
        let capacity_elasticity = f(&own.capacity_elasticity, &def.capacity_elasticity)
            .map_or(Some(1.0), |x| v.non_negative(&x, "capacity_elasticity"));
        let attrition =
            f(&own.attrition, &def.attrition).map_or(Some(0.0), |x| v.probability(&x, "attrition"));
        let vacancy_months = match own.vacancy_months.or(def.vacancy_months) {
            None => Some(0),
            Some(x) if x.v >= 0 && x.v <= months as i64 => Some(x.v as u32),
            Some(x) => {
                v.err(
                    &x.span,
                    format!(
                        "`vacancy_months` must be between 0 and {months}, found {}",
                        x.v
                    ),
                );
                None
            }
        };
        let vacancy_coverage = f(&own.vacancy_coverage, &def.vacancy_coverage)
            .map_or(Some(0.0), |x| v.probability(&x, "vacancy_coverage"));
        let ramp_months = f(&own.ramp_months, &def.ramp_months)
            .map_or(Some(0.0), |x| v.non_negative(&x, "ramp_months"));
        let productivity = match own.productivity.as_ref().or(def.productivity.as_ref()) {
            None => Some(Dist::Fixed(1.0)),
            Some(pd) => v.dist(pd, "productivity").and_then(|dist| {
                if support(&dist).0 < 0.0 {
                    v.err(&pd.span, "`productivity` can be negative with this distribution")
                        .help("productivity multiplies sales; use lognormal { mean = 1.0, cv = 0.12 } or a bounded family with min >= 0");
                    None
                } else {
                    Some(dist)
                }
            }),
        };
        let quota = match &r.quota {
            Some(q) => v.positive(q, "quota").map(Some),
            None => Some(None),
        };
        let opt_pos = |x: &Option<Sp<f64>>, what: &str, v: &mut V<'_>| match x {
            Some(q) => v.positive(q, what).map(Some),
            None => Some(None),
        };
        let quota_floor = opt_pos(&r.quota_floor, "quota_floor", &mut v);
        let quota_cap = opt_pos(&r.quota_cap, "quota_cap", &mut v);
        let quota_override = opt_pos(&r.quota_override, "quota_override", &mut v);
        if let (Some(Some(f)), Some(Some(c)), Some(cs)) = (quota_floor, quota_cap, &r.quota_cap)
            && f > c
        {
            v.err(
                &cs.span,
                format!("`quota_cap` ({c}) is below `quota_floor` ({f})"),
            );
        }
        let n_quarters = months.div_ceil(3);
        let quarterly_quota = match &r.quarterly_quota {
            None => Some(None),
            Some(qq) => {
                let vals: Option<Vec<f64>> =
                    qq.v.iter()
                        .map(|x| v.non_negative(x, "quarterly_quota"))
                        .collect();
                if qq.v.len() != n_quarters {
                    v.err(&qq.span, format!("`quarterly_quota` must have one entry per quarter: expected {n_quarters}, found {}", qq.v.len()))
                        .help(format!("the horizon of {months} months has {n_quarters} quarters"));
                    None
                } else {
                    if let (Some(vals), Some(q)) = (&vals, &r.quota) {
                        let sum: f64 = vals.iter().sum();
                        if (sum - q.v).abs() > 0.005 * q.v {
                            v.warn(&qq.span, format!("`quarterly_quota` sums to {sum}, not the annual `quota` {}", q.v))
                                .help("quarterly attainment uses these figures; annual attainment uses `quota`");
                        }
                    }
                    vals.map(Some)
                }
            }
        };
        let ramp_remaining = match &r.ramp_remaining {
            Some(x) => match v.non_negative(x, "ramp_remaining") {
                Some(rr) if ramp_months.is_some_and(|rm| rr > rm) => {
                    v.err(&x.span, format!("`ramp_remaining` ({rr}) exceeds `ramp_months` ({})", ramp_months.unwrap_or(0.0)))
                        .help("ramp_remaining counts the months of ramp still ahead, so it is at most ramp_months");
                    None
                }
                other => other.map(Some),
            },
            None => Some(None),
        };
        let start_month = match &r.start_month {
            Some(x) => v.month(x, "start_month", months).map(Some),
            None => Some(None),
        };
        if let (Some(a), Some(b)) = (&r.ramp_remaining, &r.start_month) {
            v.err(&b.span, "a rep cannot have both `start_month` (planned hire) and `ramp_remaining` (recent hire)");
            let _ = a;
        }
        match (
            quota,
            capacity_elasticity,
            attrition,
            vacancy_months,
            vacancy_coverage,
            ramp_months,
            productivity,
            ramp_remaining,
            start_month,
            (quota_floor, quota_cap, quota_override, quarterly_quota),
        ) {
            (
                Some(quota),
                Some(ce),
                Some(att),
                Some(vm),
                Some(vc),
                Some(rm),
                Some(prod),
                Some(rr),
                Some(sm),
                (Some(quota_floor), Some(quota_cap), Some(quota_override), Some(quarterly_quota)),
            ) => reps.push(Rep {
                id: id.v.clone(),
                name: r
                    .name
                    .as_ref()
                    .map_or_else(|| id.v.clone(), |n| n.v.clone()),
                quota,
                quota_floor,
                quota_cap,
                quota_override,
                quarterly_quota,
                home_unit: None,
                capacity_hours,
                capacity_elasticity: ce,
                attrition: att,
                vacancy_months: vm,
                vacancy_coverage: vc,
                ramp_months: rm,
                ramp_remaining: rr,
                start_month: sm,
                productivity: prod,
            }),
            _ => reps_ok = false,
        }
    }
    if raw.reps.is_empty() {
        v.err(&top, "the scenario has no [[reps]]")
            .help("add at least one [[reps]] table with an id");
    }

    // Units.
    let raw_units: &[RawUnit] = csv_units.as_deref().unwrap_or(&raw.units);
    if raw_units.is_empty() && raw.units_file.is_none() {
        v.err(&top, "the scenario has no units")
            .help("add `[units] file = \"units.csv\"` or inline [[units]] tables");
    }
    let mut units = Vec::new();
    let mut unit_index: HashMap<String, usize> = HashMap::new();
    let mut units_ok = true;
    for u in raw_units {
        let span = u.span.clone().unwrap_or(top.clone());
        let Some(id) = &u.id else {
            v.err(&span, "a unit has no `id`");
            units_ok = false;
            continue;
        };
        if unit_index.contains_key(&id.v) {
            v.err(&id.span, format!("duplicate unit id `{}`", id.v))
                .help("unit ids must be unique");
            units_ok = false;
            continue;
        }
        let potential = match &u.potential {
            None if u.potential_unreadable => None,
            None => {
                v.err(&span, format!("unit `{}` has no `potential`", id.v))
                    .help("potential = expected sales over the horizon at full coverage");
                None
            }
            Some(RawPotential::Mean(m)) => {
                let mean = v.non_negative(m, "potential");
                let cv = match &u.potential_cv {
                    Some(c) => v.non_negative(c, "potential_cv"),
                    None => Some(0.0),
                };
                match (mean, cv) {
                    (Some(m), Some(c)) if m == 0.0 || c == 0.0 => Some(Dist::Fixed(m)),
                    (Some(m), Some(c)) => Some(Dist::lognormal_cv(m, c)),
                    _ => None,
                }
            }
            Some(RawPotential::Dist(d)) => {
                if let Some(c) = &u.potential_cv {
                    v.err(&c.span, "`potential_cv` applies only when `potential` is a number (log-normal mean)");
                }
                v.dist(d, "potential").and_then(|dist| {
                    if support(&dist).0 < 0.0 {
                        v.err(
                            &d.span,
                            "`potential` can be negative with this distribution",
                        )
                        .help("use lognormal or a bounded family with min >= 0");
                        None
                    } else {
                        Some(dist)
                    }
                })
            }
        };
        let workload_hours = u
            .workload_hours
            .as_ref()
            .map_or(Some(0.0), |w| v.non_negative(w, "workload_hours"));
        let accounts = match &u.accounts {
            Some(a) if a.v >= 0.0 && a.v.fract() == 0.0 && a.v.is_finite() => Some(a.v as u64),
            Some(a) => {
                v.err(
                    &a.span,
                    format!("`accounts` must be a whole number >= 0, found {}", a.v),
                );
                None
            }
            None => Some(0),
        };
        let location = match (&u.x, &u.y, &u.lat, &u.lon) {
            (Some(x), Some(y), None, None) => v
                .finite(x, "x")
                .zip(v.finite(y, "y"))
                .map(|(x, y)| Some(Location::Planar { x, y })),
            (None, None, Some(la), Some(lo)) => {
                let lat = v.finite(la, "lat").filter(|l| (-90.0..=90.0).contains(l));
                let lon = v.finite(lo, "lon").filter(|l| (-180.0..=180.0).contains(l));
                if lat.is_none() {
                    v.err(
                        &la.span,
                        format!("`lat` must be between -90 and 90 degrees, found {}", la.v),
                    );
                }
                if lon.is_none() {
                    v.err(
                        &lo.span,
                        format!("`lon` must be between -180 and 180 degrees, found {}", lo.v),
                    );
                }
                lat.zip(lon)
                    .map(|(lat, lon)| Some(Location::Geo { lat, lon }))
            }
            (None, None, None, None) => Some(None),
            _ => {
                v.err(
                    &span,
                    format!(
                        "unit `{}` needs a location as both `x` and `y`, or both `lat` and `lon`",
                        id.v
                    ),
                );
                None
            }
        };
        let owner = match &u.owner {
            None => {
                if purpose == Purpose::Simulate {
                    v.err(&span, format!("unit `{}` has no owner", id.v)).help("simulate needs every unit assigned to a rep; fill the `owner` column with a rep id");
                }
                Some(None)
            }
            Some(o) => match rep_index.get(&o.v) {
                Some(&r) => Some(Some(r)),
                None => {
                    let ids: Vec<&str> = raw
                        .reps
                        .iter()
                        .filter_map(|r| r.id.as_ref().map(|i| i.v.as_str()))
                        .collect();
                    let p = v.err(
                        &o.span,
                        format!("unit `{}` is owned by `{}`, which is not a rep", id.v, o.v),
                    );
                    match did_you_mean(&o.v, &ids) {
                        Some(s) => p.help(format!(
                            "did you mean `{s}`? owners must be ids of [[reps]]"
                        )),
                        None => p.help("owners must be ids of [[reps]]"),
                    };
                    None
                }
            },
        };
        unit_index.insert(id.v.clone(), units.len());
        match (potential, workload_hours, accounts, location, owner) {
            (
                Some(potential),
                Some(workload_hours),
                Some(accounts),
                Some(location),
                Some(owner),
            ) => units.push(Unit {
                id: id.v.clone(),
                name: u
                    .name
                    .as_ref()
                    .map_or_else(|| id.v.clone(), |n| n.v.clone()),
                region: u.region.as_ref().map_or_else(String::new, |n| n.v.clone()),
                segment: u.segment.as_ref().map_or_else(String::new, |n| n.v.clone()),
                location,
                potential,
                workload_hours,
                accounts,
                owner,
                locked: u.locked.as_ref().is_some_and(|l| l.v),
            }),
            _ => {
                units_ok = false;
                // Keep indices aligned with unit_index for scope resolution.
                units.push(Unit {
                    id: id.v.clone(),
                    name: String::new(),
                    region: u.region.as_ref().map_or_else(String::new, |n| n.v.clone()),
                    segment: u.segment.as_ref().map_or_else(String::new, |n| n.v.clone()),
                    location: None,
                    potential: Dist::Fixed(0.0),
                    workload_hours: 0.0,
                    accounts: 0,
                    owner: None,
                    locked: false,
                });
            }
        }
    }
    if reps_ok && units_ok {
        for (ri, r) in raw.reps.iter().enumerate() {
            if !units.iter().any(|u| u.owner == Some(ri)) {
                let span = r.id.as_ref().map_or(top.clone(), |i| i.span.clone());
                v.warn(&span, format!("rep `{}` owns no units", reps[ri].id))
                    .help("its sales will be zero; assign units or remove the rep");
            }
        }
    }

    // Quotas.
    let method = match &raw.quotas.method {
        None => Some(QuotaMethod::Given),
        Some(m) => match m.v.as_str() {
            "given" => Some(QuotaMethod::Given),
            "proportional" => Some(QuotaMethod::Proportional),
            "equal-probability" => Some(QuotaMethod::EqualProbability),
            other => {
                let mut help = String::new();
                if let Some(s) =
                    did_you_mean(other, &["given", "proportional", "equal-probability"])
                {
                    help.push_str(&format!("did you mean `{s}`? "));
                }
                help.push_str("allowed: given, proportional, equal-probability");
                v.err(&m.span, format!("unknown quota method `{other}`"))
                    .help(help);
                None
            }
        },
    };
    let over_assignment = match &raw.quotas.over_assignment {
        Some(x) => v.finite(x, "over_assignment").filter(|o| {
            let ok = *o > -1.0;
            if !ok {
                v.err(
                    &x.span,
                    format!("`over_assignment` must be greater than -1, found {o}"),
                );
            }
            ok
        }),
        None => Some(0.0),
    };
    if method == Some(QuotaMethod::Given) && purpose == Purpose::Simulate {
        for r in &raw.reps {
            if !r.quota_written {
                let span =
                    r.id.as_ref()
                        .map_or(r.span.clone().unwrap_or(top.clone()), |i| i.span.clone());
                v.err(&span, format!("rep `{}` has no `quota`", r.id.as_ref().map_or("?", |i| i.v.as_str())))
                    .help("[quotas] method = \"given\" needs a quota on every rep; or use method = \"proportional\" or \"equal-probability\"");
            }
        }
    }

    // Risks.
    let regions: BTreeSet<&str> = raw_units
        .iter()
        .filter_map(|u| u.region.as_ref().map(|r| r.v.as_str()))
        .filter(|s| !s.is_empty())
        .collect();
    let segments: BTreeSet<&str> = raw_units
        .iter()
        .filter_map(|u| u.segment.as_ref().map(|r| r.v.as_str()))
        .filter(|s| !s.is_empty())
        .collect();
    let mut risks = Vec::new();
    let mut risk_ids: HashMap<String, usize> = HashMap::new();
    for r in &raw.risks {
        let span = r.span.clone().unwrap_or(top.clone());
        let Some(id) = &r.id else {
            v.err(&span, "a [[risks]] entry has no `id`");
            continue;
        };
        if risk_ids.contains_key(&id.v) {
            v.err(&id.span, format!("duplicate risk id `{}`", id.v))
                .help("risk ids must be unique");
            continue;
        }
        risk_ids.insert(id.v.clone(), risk_ids.len());
        let probability = r
            .probability
            .as_ref()
            .map(|p| v.probability(p, "probability"));
        let kind = match r.kind.as_ref().map(|k| k.v.as_str()) {
            None => {
                v.err(&span, format!("risk `{}` has no `kind`", id.v))
                    .help("allowed: shock, event, account_loss");
                None
            }
            Some("shock") => {
                if let Some(p) = &r.probability {
                    v.err(&p.span, "a shock has no `probability`; it always applies")
                        .help("use kind = \"event\" for something that may or may not happen");
                }
                Some(RiskKind::Shock)
            }
            Some("event") => {
                let start = match &r.start {
                    None => Some((1, months as u32)),
                    Some((f, t, s)) => {
                        match (v.month(f, "from", months), v.month(t, "to", months)) {
                            (Some(a), Some(b)) if a <= b => Some((a, b)),
                            (Some(a), Some(b)) => {
                                v.err(s, format!("`start` window must have from <= to, found from {a} > to {b}"));
                                None
                            }
                            _ => None,
                        }
                    }
                };
                match probability {
                    None => {
                        v.err(&span, format!("event `{}` needs a `probability`", id.v))
                            .help("the chance it happens within the horizon, 0..=1");
                        None
                    }
                    Some(p) => p
                        .zip(start)
                        .map(|(probability, start)| RiskKind::Event { probability, start }),
                }
            }
            Some("account_loss") => match probability {
                None => {
                    v.err(
                        &span,
                        format!("account_loss `{}` needs a `probability`", id.v),
                    )
                    .help("the chance each unit in scope loses a share of its sales");
                    None
                }
                Some(p) => p.map(|probability| RiskKind::AccountLoss { probability }),
            },
            Some(other) => {
                let k = r.kind.as_ref().expect("matched Some");
                let mut help = String::new();
                if let Some(s) = did_you_mean(other, &["shock", "event", "account_loss"]) {
                    help.push_str(&format!("did you mean `{s}`? "));
                }
                help.push_str("allowed: shock, event, account_loss");
                v.err(&k.span, format!("unknown risk kind `{other}`"))
                    .help(help);
                None
            }
        };
        if let Some((_, _, s)) = &r.start
            && !matches!(kind, Some(RiskKind::Event { .. }) | None)
        {
            v.err(s, "only events have a `start` window");
        }
        let impact = match &r.impact {
            None => {
                v.err(&span, format!("risk `{}` has no `impact`", id.v)).help("e.g. impact = { normal = { mean = 0.0, sd = 0.06 } }");
                None
            }
            Some(d) => v.dist(d, "impact").and_then(|dist| {
                if matches!(kind, Some(RiskKind::AccountLoss { .. })) {
                    let (lo, hi) = support(&dist);
                    if lo < 0.0 || hi > 1.0 {
                        v.err(&d.span, "an account_loss impact is the share of sales lost and must lie in [0, 1]")
                            .help("use uniform, triangular, pert or beta with 0 <= min and max <= 1");
                        return None;
                    }
                }
                Some(dist)
            }),
        };
        let scope = match &r.applies_to {
            None => {
                v.err(&span, format!("risk `{}` has no `applies_to`", id.v)).help("write applies_to = \"all\" or a table with regions, segments, units or reps");
                None
            }
            Some(RawScope::All) => Some((0..units.len()).collect::<Vec<_>>()),
            Some(RawScope::Filter(f)) => {
                let (rg, sg, un, rp) = (&f.regions, &f.segments, &f.units, &f.reps);
                let mut ok = true;
                let mut check = |list: &Option<super::raw::SpStrings>,
                                 known: &dyn Fn(&str) -> bool,
                                 all: Vec<&str>,
                                 what: &str| {
                    if let Some(l) = list {
                        if l.v.is_empty() {
                            v.err(&l.span, format!("`{what}` is empty"));
                            ok = false;
                        }
                        for s in &l.v {
                            if !known(&s.v) {
                                ok = false;
                                let p = v.err(
                                    &s.span,
                                    format!("`{}` is not one of the scenario's {what}", s.v),
                                );
                                match did_you_mean(&s.v, &all) {
                                    Some(m) => p.help(format!(
                                        "did you mean `{m}`? known {what}: {}",
                                        all.join(", ")
                                    )),
                                    None => p.help(format!("known {what}: {}", all.join(", "))),
                                };
                            }
                        }
                    }
                };
                let uidx = &unit_index;
                check(
                    rg,
                    &|s| regions.contains(s),
                    regions.iter().copied().collect(),
                    "regions",
                );
                check(
                    sg,
                    &|s| segments.contains(s),
                    segments.iter().copied().collect(),
                    "segments",
                );
                check(un, &|s| uidx.contains_key(s), Vec::new(), "units");
                check(
                    rp,
                    &|s| rep_index.contains_key(s),
                    raw.reps
                        .iter()
                        .filter_map(|r| r.id.as_ref().map(|i| i.v.as_str()))
                        .collect(),
                    "reps",
                );
                let has = |l: &Option<Sp<Vec<Sp<String>>>>, s: &str| {
                    l.as_ref().is_none_or(|l| l.v.iter().any(|x| x.v == s))
                };
                ok.then(|| {
                    (0..units.len())
                        .filter(|&i| {
                            let u = &units[i];
                            has(rg, &u.region)
                                && has(sg, &u.segment)
                                && has(un, &u.id)
                                && rp.as_ref().is_none_or(|l| {
                                    l.v.iter().any(|x| {
                                        rep_index.get(&x.v).is_some_and(|&r| u.owner == Some(r))
                                    })
                                })
                        })
                        .collect()
                })
            }
        };
        if let Some(s) = &scope
            && s.is_empty()
            && units_ok
            && let Some(RawScope::Filter(f)) = &r.applies_to
        {
            v.warn(
                &f.span,
                format!(
                    "risk `{}` applies to no unit (its filters select nothing together)",
                    id.v
                ),
            );
        }
        if let (Some(kind), Some(impact), Some(units)) = (kind, impact, scope) {
            risks.push(Risk {
                id: id.v.clone(),
                kind,
                units,
                impact,
            });
        }
    }

    // Correlation among copula-driven risks.
    let copula: Vec<usize> = risks
        .iter()
        .enumerate()
        .filter(|(_, r)| !matches!(r.kind, RiskKind::AccountLoss { .. }))
        .map(|(i, _)| i)
        .collect();
    let mut corr = None;
    if let Some(c) = &raw.correlation {
        let pos = |id: &Sp<String>, v: &mut V<'_>| -> Option<usize> {
            match risks.iter().position(|r| r.id == id.v) {
                // A risk that failed its own checks: already reported.
                None if risk_ids.contains_key(&id.v) => None,
                None => {
                    let mut ids: Vec<(&str, usize)> =
                        risk_ids.iter().map(|(k, v)| (k.as_str(), *v)).collect();
                    ids.sort_by_key(|x| x.1);
                    let ids: Vec<&str> = ids.into_iter().map(|x| x.0).collect();
                    let p = v.err(&id.span, format!("`{}` is not a risk id", id.v));
                    match did_you_mean(&id.v, &ids) {
                        Some(s) => p.help(format!("did you mean `{s}`? risks: {}", ids.join(", "))),
                        None => p.help(format!("risks: {}", ids.join(", "))),
                    };
                    None
                }
                Some(i) if matches!(risks[i].kind, RiskKind::AccountLoss { .. }) => {
                    v.err(&id.span, format!("`{}` is an account_loss risk, which is drawn independently of the copula", id.v))
                        .help("only shocks and events can be correlated");
                    None
                }
                Some(i) => copula.iter().position(|&k| k == i),
            }
        };
        let n = copula.len();
        let mut m = DMatrix::<f64>::identity(n, n);
        let mut ok = true;
        let mut set: HashMap<(usize, usize), Span> = HashMap::new();
        for (a, b, rho) in &c.pairs {
            let (ia, ib) = (pos(a, &mut v), pos(b, &mut v));
            let r = v
                .finite(rho, "correlation")
                .filter(|x| (-1.0..=1.0).contains(x));
            if rho.v.is_finite() && r.is_none() {
                v.err(
                    &rho.span,
                    format!("correlation must be between -1 and 1, found {}", rho.v),
                )
                .help("allowed: -1 <= rho <= 1");
            }
            match (ia, ib, r) {
                (Some(i), Some(j), Some(r)) if i == j => {
                    v.err(
                        &b.span,
                        format!("a risk cannot be correlated with itself (`{}`)", a.v),
                    );
                    let _ = r;
                    ok = false;
                }
                (Some(i), Some(j), Some(r)) => {
                    let key = (i.min(j), i.max(j));
                    if set.contains_key(&key) {
                        v.err(
                            &a.span,
                            format!("the pair `{}`, `{}` is given twice", a.v, b.v),
                        );
                        ok = false;
                    }
                    set.insert(key, a.span.clone());
                    m[(i, j)] = r;
                    m[(j, i)] = r;
                }
                _ => ok = false,
            }
        }
        if let Some(mat) = &c.matrix {
            if !c.pairs.is_empty() {
                v.err(
                    &mat.span,
                    "give the correlation as `pairs` or as `matrix`, not both",
                );
                ok = false;
            }
            let order: Vec<Option<usize>> = match &c.risks {
                Some(ids) => ids.v.iter().map(|id| pos(id, &mut v)).collect(),
                None => (0..n).map(Some).collect(),
            };
            if order.iter().any(Option::is_none) {
                ok = false;
            } else if mat.v.len() != order.len()
                || mat.v.iter().any(|row| row.v.len() != order.len())
            {
                let names = if c.risks.is_some() {
                    "the listed `risks`"
                } else {
                    "shock and event risks"
                };
                v.err(&mat.span, format!("`matrix` must be {0} x {0}, one row and column per {names}", order.len()))
                    .help("list the risks in order with `risks = [...]`, or give one row per shock/event in file order");
                ok = false;
            } else {
                for (i, row) in mat.v.iter().enumerate() {
                    for (j, x) in row.v.iter().enumerate() {
                        if !x.v.is_finite() || !(-1.0..=1.0).contains(&x.v) {
                            v.err(
                                &x.span,
                                format!("correlation must be between -1 and 1, found {}", x.v),
                            );
                            ok = false;
                        } else if i == j && x.v != 1.0 {
                            v.err(
                                &x.span,
                                format!(
                                    "the diagonal of a correlation matrix must be 1, found {}",
                                    x.v
                                ),
                            );
                            ok = false;
                        } else if (mat.v[j].v[i].v - x.v).abs() > 1e-12 {
                            if i < j {
                                v.err(&x.span, format!("the correlation matrix must be symmetric: [{i}][{j}] = {} but [{j}][{i}] = {}", x.v, mat.v[j].v[i].v));
                            }
                            ok = false;
                        } else {
                            let (a, b) = (order[i].expect("checked"), order[j].expect("checked"));
                            m[(a, b)] = x.v;
                        }
                    }
                }
            }
        }
        if ok && n > 0 {
            let rep = correlation::repair(&m);
            if !rep.was_psd {
                let span = c
                    .matrix
                    .as_ref()
                    .map_or(c.span.clone().unwrap_or(top.clone()), |m| m.span.clone());
                let change = rep.largest_change.map_or_else(String::new, |(i, j, _)| {
                    format!(
                        "; largest change: `{}` ~ `{}` {:.4} -> {:.4}",
                        risks[copula[i]].id,
                        risks[copula[j]].id,
                        m[(i, j)],
                        rep.matrix[(i, j)]
                    )
                });
                v.warn(&span, format!("the correlation matrix is not positive semi-definite and was repaired to the nearest correlation matrix (Higham 2002){change}"));
            }
            corr = Some(rep.matrix);
        }
    }

    // Reps' home units.
    for r in &raw.reps {
        let (Some(id), Some(home)) = (&r.id, &r.home) else {
            continue;
        };
        match unit_index.get(&home.v) {
            Some(&u) => {
                if let Some(rep) = reps.iter_mut().find(|x| x.id == id.v) {
                    rep.home_unit = Some(u);
                }
            }
            None => {
                let ids: Vec<&str> = units.iter().map(|u| u.id.as_str()).collect();
                let p = v.err(
                    &home.span,
                    format!(
                        "`home` of rep `{}` is `{}`, which is not a unit id",
                        id.v, home.v
                    ),
                );
                if let Some(s) = did_you_mean(&home.v, &ids) {
                    p.help(format!("did you mean `{s}`?"));
                }
            }
        }
    }

    // Adjacency.
    let edges = raw_edges.map(|list| {
        let ids: Vec<&str> = units.iter().map(|u| u.id.as_str()).collect();
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for (a, b) in &list {
            let find = |x: &Sp<String>, v: &mut V<'_>| match unit_index.get(&x.v) {
                Some(&i) => Some(i),
                None => {
                    let p = v.err(
                        &x.span,
                        format!("edge names `{}`, which is not a unit id", x.v),
                    );
                    if let Some(s) = did_you_mean(&x.v, &ids) {
                        p.help(format!("did you mean `{s}`?"));
                    }
                    None
                }
            };
            let (i, j) = (find(a, &mut v), find(b, &mut v));
            if let (Some(i), Some(j)) = (i, j) {
                if i == j {
                    v.err(
                        &b.span,
                        format!("unit `{}` cannot be adjacent to itself", a.v),
                    );
                } else if !seen.insert((i.min(j), i.max(j))) {
                    v.warn(
                        &a.span,
                        format!("the edge `{}`-`{}` is listed twice", a.v, b.v),
                    );
                } else {
                    out.push((i.min(j), i.max(j)));
                }
            }
        }
        out
    });

    let comp_plan = raw
        .comp_plan
        .as_ref()
        .and_then(|c| validate_comp(c, &mut v));

    if v.p.has_errors() {
        return None;
    }
    Some(Model {
        name,
        currency,
        months,
        seed,
        trials,
        company_target,
        seasonality,
        units,
        reps,
        risks,
        correlation: corr,
        quotas: QuotaPolicy {
            method: method.expect("no errors"),
            over_assignment: over_assignment.expect("no errors"),
        },
        comp_plan,
        edges,
        mitigations: Vec::new(),
    })
}

fn validate_comp(c: &super::raw::RawComp, v: &mut V<'_>) -> Option<CompPlan> {
    let span = c.span.clone().unwrap_or(Span {
        file: 0,
        range: 0..0,
    });
    let target_incentive = c
        .target_incentive
        .as_ref()
        .map_or(Some(0.0), |t| v.non_negative(t, "target_incentive"));
    let points = |list: &Option<super::raw::SpPoints>,
                  what: &str,
                  v: &mut V<'_>|
     -> Option<Vec<(f64, f64)>> {
        let Some(l) = list else {
            return Some(Vec::new());
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (x, y) in &l.v {
            match (v.non_negative(x, what), v.non_negative(y, what)) {
                (Some(a), Some(b)) => {
                    if let Some(&(prev, _)) = out.last()
                        && a <= prev
                    {
                        v.err(&x.span, format!("`{what}` points must have strictly increasing first values, found {a} after {prev}"));
                        ok = false;
                    }
                    out.push((a, b));
                }
                _ => ok = false,
            }
        }
        ok.then_some(out)
    };
    let curve = points(&c.curve, "curve", v);
    let commission = points(&c.commission, "commission", v);
    if c.curve.is_none() && c.commission.is_none() {
        v.err(
            &span,
            "[comp_plan] needs a payout `curve` or `commission` tiers",
        );
    }
    let team_bonus = match (&c.team_bonus_pool, &c.team_bonus_threshold) {
        (None, _) => Some(None),
        (Some(p), t) => {
            let pool = v.non_negative(p, "pool");
            let threshold = t
                .as_ref()
                .map_or(Some(1.0), |t| v.non_negative(t, "threshold"));
            pool.zip(threshold)
                .map(|(pool, threshold)| Some(TeamBonus { pool, threshold }))
        }
    };
    let budget = match &c.budget {
        Some(b) => v.positive(b, "budget").map(Some),
        None => Some(None),
    };
    Some(CompPlan {
        target_incentive: target_incentive?,
        curve: curve?,
        commission: commission?,
        team_bonus: team_bonus?,
        budget: budget?,
    })
}
