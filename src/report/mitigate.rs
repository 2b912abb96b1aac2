//! Ranked mitigations: the table `mitigate` prints, `mitigations.csv` (one
//! row per candidate) and `mitigation_sets.csv` (the sets simulated
//! together in the search for the best set under the budget).

use super::export::{Exporter, ReportError, csv_text};
use super::format::{Align, TERMINAL_WIDTH, Table, money, wrap, wrap_indented};
use crate::whatif::{
    EXHAUSTIVE_MAX_SETS, MitigationPlan, Outcome, SHORTLIST, SearchMethod, SetOutcome,
};
use std::fmt::Write;

/// The members of a set, by id.
fn names(p: &MitigationPlan, members: &[usize]) -> String {
    members
        .iter()
        .map(|&i| p.candidates[i].id.as_str())
        .collect::<Vec<_>>()
        .join(" + ")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn interval(lo: f64, hi: f64) -> String {
    format!("[{:+.2}, {:+.2}]", 100.0 * lo, 100.0 * hi)
}

/// What the search did and what it guarantees, in a sentence.
pub fn method_text(p: &MitigationPlan) -> String {
    let s = &p.search;
    let (within, fit) = match p.budget {
        Some(b) if b.is_finite() => (
            format!("within the budget {}", money(b)),
            " and fit the budget",
        ),
        _ => ("without a budget".to_string(), ""),
    };
    match s.method {
        SearchMethod::Exhaustive => {
            let n = s.feasible_sets.unwrap_or(s.sets.len());
            format!(
                "exhaustive search: {} ({within}, at most one territory change) made of the {} beyond noise{fit} {} simulated together, so the recommendation is the best feasible set by joint Δ P on these trials (exhaustive up to {EXHAUSTIVE_MAX_SETS} sets; ties: cheaper, then fewer, then candidate order)",
                if n == 1 {
                    "the one feasible set".to_string()
                } else {
                    format!("all {n} feasible sets")
                },
                plural(
                    s.eligible.len(),
                    "candidate that helps",
                    "candidates that help"
                ),
                if n == 1 { "was" } else { "were" }
            )
        }
        SearchMethod::Knapsack => format!(
            "more than {EXHAUSTIVE_MAX_SETS} feasible sets ({within}, at most one territory change) made of the {} beyond noise{fit}: an exact knapsack on each candidate's own Δ P (as if effects added up) shortlisted the best {} sets, each simulated together; the recommendation is the best of those {} by joint Δ P, and is the best feasible set unless interactions lift a set outside the shortlist above it (ties: cheaper, then fewer, then candidate order)",
            plural(
                s.eligible.len(),
                "candidate that helps",
                "candidates that help"
            ),
            SHORTLIST.min(s.sets.len()),
            s.sets.len()
        ),
    }
}

fn set_line(p: &MitigationPlan, s: &SetOutcome) -> String {
    let [lo, hi] = s.outcome.dp_ci95();
    format!(
        "{}: cost {}, Δ P(team) {:+.2} pts {} → {:.1} %, Δ sales {}",
        names(p, &s.members),
        money(s.cost),
        100.0 * s.outcome.dp,
        interval(lo, hi),
        100.0 * (p.p0 + s.outcome.dp),
        signed_money(s.outcome.dsales)
    )
}

/// Today's P, the over-assignment advice, every candidate by Δ P with its
/// interval, and the best set under the budget.
pub fn table(p: &MitigationPlan) -> String {
    let mut o = headline(p);
    o.push_str(&ranking(p));
    let _ = writeln!(o);
    o.push_str(&best_set(p));
    o.push_str(&wrap(
        &format!(
            "({} trials, seed {}, the same random numbers for every candidate and set)",
            money(p.trials as f64),
            p.seed
        ),
        TERMINAL_WIDTH,
    ));
    o
}

/// Today's P against the goal, and the over-assignment that would carry
/// the target at the goal's probability.
fn headline(p: &MitigationPlan) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}: P(team hits target) {:.1} % today; goal {:.0} %",
        p.scenario,
        100.0 * p.p0,
        100.0 * p.goal
    );
    o.push_str(&wrap(&format!(
        "Over-assignment: the team reaches {} with probability {:.0} %; to carry the target {} safely, quotas need {:.1} % over-assignment (now {:.1} %), or commit {} to head office.",
        money(p.safe),
        100.0 * p.goal,
        money(p.target),
        100.0 * p.over_assignment_needed,
        100.0 * p.over_assignment,
        money(p.safe)
    ), TERMINAL_WIDTH));
    let _ = writeln!(o);
    o
}

/// The candidates by Δ P: the table, then each one's description and
/// effects (with its optimizer seeds' plans when it has several).
fn ranking(p: &MitigationPlan) -> String {
    let mut t = Table::new(&[
        ("#", Align::Right),
        ("Mitigation", Align::Left),
        ("Δ P(team)\npts", Align::Right),
        ("95 % CI", Align::Right),
        ("Cost", Align::Right),
        ("Δ P pts per\n1M of cost", Align::Right),
        ("", Align::Left),
    ]);
    let mut details = String::new();
    let mut varies = false;
    for (n, &i) in p.ranking.iter().enumerate() {
        let (c, a) = (&p.candidates[i], &p.assessments[i]);
        let r = &a.outcome;
        let per = r
            .dp_per_cost(c.cost)
            .map_or_else(|| "free".into(), |x| format!("{:+.2}", 100.0 * x * 1e6));
        let [lo, hi] = a.dp_ci95;
        let mark = if a.plans.len() > 1 && c.plans.iter().any(|p| p.owners != c.plans[0].owners) {
            varies = true;
            "†"
        } else {
            ""
        };
        let chosen = if p.chosen.contains(&i) { "*" } else { "" };
        t.row(vec![
            (n + 1).to_string(),
            c.id.clone(),
            format!("{:+.2}", 100.0 * r.dp),
            format!("{}{mark}", interval(lo, hi)),
            money(c.cost),
            per,
            chosen.to_string(),
        ]);
        details.push_str(&candidate_details(p, n, i));
    }
    let mut o = t.render();
    o.push_str("(* in the recommended set)\n\n");
    o.push_str(&details);
    if varies {
        o.push_str(&wrap_indented(
            "† the territory plan varies with the optimizer seed: the figures are the median plan's and the interval runs from the lowest lower bound to the highest upper bound over the plans evaluated.",
            TERMINAL_WIDTH,
            "",
            "  ",
        ));
    }
    o
}

/// Candidate `i`, ranked `n` (from 0): what it is and does, then one line
/// per optimizer seed when its plan was made with several.
fn candidate_details(p: &MitigationPlan, n: usize, i: usize) -> String {
    let (c, a) = (&p.candidates[i], &p.assessments[i]);
    let r = &a.outcome;
    let mut details = wrap_indented(
        &format!(
            "{} ({}): {}. Δ sales {}, Δ payout {}.",
            c.id,
            c.kind.name(),
            c.description.trim_end_matches('.'),
            signed_money(r.dsales),
            signed_money(r.dpayout)
        ),
        TERMINAL_WIDTH,
        &format!("{:>2}. ", n + 1),
        "    ",
    );
    if a.plans.len() > 1 {
        // Say which plans break the limits when not all do (the
        // description says so when every one does).
        let mixed = c.plans.iter().any(|x| x.feasible) && c.plans.iter().any(|x| !x.feasible);
        for (k, (plan, po)) in c.plans.iter().zip(&a.plans).enumerate() {
            let [lo, hi] = po.dp_ci95();
            details.push_str(&wrap_indented(
                &format!(
                    "optimizer seed {}: {:+.2} pts {}, moves {:.0} % of sales{}{}",
                    plan.seed,
                    100.0 * po.dp,
                    interval(lo, hi),
                    100.0 * plan.disruption,
                    if plan.feasible || !mixed {
                        ""
                    } else {
                        " (outside the balance or disruption limits)"
                    },
                    if a.plan_used == Some(k) {
                        "  ← median, used in sets"
                    } else {
                        ""
                    }
                ),
                TERMINAL_WIDTH,
                "      ",
                "        ",
            ));
        }
    }
    details
}

/// The best set under the budget, how it was found, how far ahead of the
/// next best it is, and which plan a territory change in it uses; or why
/// there is none.
fn best_set(p: &MitigationPlan) -> String {
    let mut o = String::new();
    let s = &p.search;
    let Some(best) = p.best() else {
        if s.eligible.is_empty() && p.assessments.iter().any(|a| a.helps_beyond_noise()) {
            let _ = writeln!(
                o,
                "No mitigation that raises P(team hits target) beyond noise fits the budget."
            );
        } else {
            let _ = writeln!(o, "No mitigation raises P(team hits target) beyond noise.");
        }
        return o;
    };
    o.push_str(&wrap(
        &format!("Best set: {}.", method_text(p)),
        TERMINAL_WIDTH,
    ));
    o.push_str(&wrap_indented(
        &format!(
            "{}{}",
            set_line(p, best),
            if best.members.len() > 1 {
                " (simulated together: interactions included)"
            } else {
                ""
            }
        ),
        TERMINAL_WIDTH,
        "Recommended (*): ",
        &" ".repeat(17),
    ));
    match (p.next_best(), s.margin) {
        (Some(next), Some((d, se))) => {
            o.push_str(&wrap_indented(
                &set_line(p, next),
                TERMINAL_WIDTH,
                "Next best:       ",
                &" ".repeat(17),
            ));
            o.push_str(&wrap(
                &format!(
                    "The recommended set is {:+.2} pts {} ahead of the next best (paired){}.",
                    100.0 * d,
                    interval(d - 1.96 * se, d + 1.96 * se),
                    if d - 1.96 * se > 0.0 {
                        String::new()
                    } else if next.cost < best.cost {
                        format!(
                            ": within noise, so the cheaper next best (saving {}) may do as well",
                            money(best.cost - next.cost)
                        )
                    } else {
                        ": within noise".to_string()
                    }
                ),
                TERMINAL_WIDTH,
            ));
        }
        _ => {
            let _ = writeln!(o, "It is the only feasible set.");
        }
    }
    if let Some(&t) = best
        .members
        .iter()
        .find(|&&i| p.candidates[i].is_territory_change())
        && let Some(k) = p.assessments[t].plan_used
    {
        o.push_str(&wrap(&format!(
            "`{}` in a set uses the plan of optimizer seed {} (the median of {}); other plans give other figures.",
            p.candidates[t].id,
            p.candidates[t].plans[k].seed,
            p.candidates[t].plans.len()
        ), TERMINAL_WIDTH));
    }
    o
}

/// Money with its sign, "+921,820".
fn signed_money(x: f64) -> String {
    let m = money(x);
    if m.starts_with('-') || m == "0" {
        m
    } else {
        format!("+{m}")
    }
}

fn opt_num(x: Option<f64>) -> String {
    x.map_or_else(String::new, |v| v.to_string())
}

/// `mitigations.csv`: the candidates by rank. `delta_p_hit_ci_low`/`_high`
/// are the reported interval (for a territory change, over all its plans);
/// `plans` is the number of optimizer seeds its plan was made with (empty
/// for a change without a plan).
pub struct MitigationsCsv;

impl Exporter<MitigationPlan> for MitigationsCsv {
    fn file_name(&self) -> String {
        "mitigations.csv".into()
    }

    fn export(&self, p: &MitigationPlan) -> Result<Vec<u8>, ReportError> {
        csv_text(|w| {
            w.write_record([
                "rank",
                "id",
                "kind",
                "description",
                "delta_p_hit",
                "delta_p_hit_se",
                "delta_sales_mean",
                "delta_payout_mean",
                "cost",
                "delta_p_per_million",
                "recommended",
                "delta_p_hit_ci_low",
                "delta_p_hit_ci_high",
                "plans",
                "plan_seed_used",
                "plan_delta_p_hit_min",
                "plan_delta_p_hit_max",
            ])?;
            for (n, &i) in p.ranking.iter().enumerate() {
                let (c, a) = (&p.candidates[i], &p.assessments[i]);
                let r: &Outcome = &a.outcome;
                let range = a.plan_dp_range();
                w.write_record([
                    (n + 1).to_string(),
                    c.id.clone(),
                    c.kind.name().to_string(),
                    c.description.clone(),
                    r.dp.to_string(),
                    r.dp_se.to_string(),
                    r.dsales.to_string(),
                    r.dpayout.to_string(),
                    c.cost.to_string(),
                    r.dp_per_cost(c.cost)
                        .map_or_else(String::new, |x| (x * 1e6).to_string()),
                    p.chosen.contains(&i).to_string(),
                    a.dp_ci95[0].to_string(),
                    a.dp_ci95[1].to_string(),
                    if c.plans.is_empty() {
                        String::new()
                    } else {
                        c.plans.len().to_string()
                    },
                    a.plan_used
                        .map_or_else(String::new, |k| c.plans[k].seed.to_string()),
                    opt_num(range.map(|r| r[0])),
                    opt_num(range.map(|r| r[1])),
                ])?;
            }
            Ok(())
        })
    }
}

/// `mitigation_sets.csv`: every set simulated together, best first, with
/// the search method (`exhaustive` or `knapsack`).
pub struct MitigationSetsCsv;

impl Exporter<MitigationPlan> for MitigationSetsCsv {
    fn file_name(&self) -> String {
        "mitigation_sets.csv".into()
    }

    fn export(&self, p: &MitigationPlan) -> Result<Vec<u8>, ReportError> {
        let method = match p.search.method {
            SearchMethod::Exhaustive => "exhaustive",
            SearchMethod::Knapsack => "knapsack",
        };
        csv_text(|w| {
            w.write_record([
                "rank",
                "members",
                "cost",
                "delta_p_hit",
                "delta_p_hit_se",
                "delta_p_hit_ci_low",
                "delta_p_hit_ci_high",
                "delta_sales_mean",
                "delta_payout_mean",
                "additive_delta_p_hit",
                "method",
                "recommended",
            ])?;
            for (n, s) in p.search.sets.iter().enumerate() {
                let [lo, hi] = s.outcome.dp_ci95();
                w.write_record([
                    (n + 1).to_string(),
                    names(p, &s.members),
                    s.cost.to_string(),
                    s.outcome.dp.to_string(),
                    s.outcome.dp_se.to_string(),
                    lo.to_string(),
                    hi.to_string(),
                    s.outcome.dsales.to_string(),
                    s.outcome.dpayout.to_string(),
                    s.additive_dp.to_string(),
                    method.to_string(),
                    (n == 0).to_string(),
                ])?;
            }
            Ok(())
        })
    }
}

/// The files `mitigate` writes.
pub fn mitigate_exporters() -> Vec<Box<dyn Exporter<MitigationPlan>>> {
    vec![Box::new(MitigationsCsv), Box::new(MitigationSetsCsv)]
}
