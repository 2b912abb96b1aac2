//! Ranked mitigations: the table `mitigate` prints and `mitigations.csv`.

use super::export::{Exporter, ReportError, csv_text};
use super::format::money;
use crate::whatif::MitigationPlan;
use std::fmt::Write;

/// Today's P, the over-assignment advice, every candidate by Δ P with its
/// interval, and the recommendation.
pub fn table(p: &MitigationPlan) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}: P(team hits target) {:.1} % today; goal {:.0} %",
        p.scenario,
        100.0 * p.p0,
        100.0 * p.goal
    );
    let _ = writeln!(
        o,
        "Over-assignment: the team reaches {} with probability {:.0} %; to carry the target {} safely, quotas need {:.1} % over-assignment (now {:.1} %), or commit {} to head office.",
        money(p.safe),
        100.0 * p.goal,
        money(p.target),
        100.0 * p.over_assignment_needed,
        100.0 * p.over_assignment,
        money(p.safe)
    );
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{:<4} {:<24} {:<10} {:>22} {:>14} {:>12} {:>12} {:>14}",
        "Rank",
        "Mitigation",
        "Kind",
        "Δ P(team) [95 % CI]",
        "Δ sales",
        "Δ payout",
        "Cost",
        "ΔP per 1M"
    );
    for (n, &i) in p.ranking.iter().enumerate() {
        let (c, r) = (&p.candidates[i], &p.outcomes[i]);
        let per = r
            .dp_per_cost(c.cost)
            .map_or_else(|| "free".into(), |x| format!("{:+.4}", x * 1e6));
        let [lo, hi] = r.dp_ci95();
        let _ = writeln!(
            o,
            "{:<4} {:<24} {:<10} {:>+7.2} pts [{:+.2}, {:+.2}] {:>14.0} {:>12.0} {:>12.0} {:>14}{}",
            n + 1,
            c.id,
            c.kind.name(),
            100.0 * r.dp,
            100.0 * lo,
            100.0 * hi,
            r.dsales,
            r.dpayout,
            c.cost,
            per,
            if p.chosen.contains(&i) { "  *" } else { "" }
        );
        let _ = writeln!(o, "     {}", c.description);
    }
    let _ = writeln!(o);
    match (&p.combined, p.chosen.len()) {
        (_, 0) => {
            let _ = writeln!(
                o,
                "No mitigation raises P(team hits target) beyond noise within the budget."
            );
        }
        (Some(r), _) => {
            let [lo, hi] = r.dp_ci95();
            let _ = writeln!(
                o,
                "Recommended (*) together, cost {:.0}{}: Δ P(team) {:+.2} pts [{:+.2}, {:+.2}] → {:.1} %, Δ sales {:+.0} (evaluated together: interactions included)",
                p.spent,
                match p.budget {
                    Some(b) if b.is_finite() => format!(" of budget {b:.0}"),
                    _ => String::new(),
                },
                100.0 * r.dp,
                100.0 * lo,
                100.0 * hi,
                100.0 * (p.p0 + r.dp),
                r.dsales
            );
        }
        (None, _) => {
            let i = p.chosen[0];
            let _ = writeln!(
                o,
                "Recommended (*): {} alone, cost {:.0}: P(team) → {:.1} %",
                p.candidates[i].id,
                p.candidates[i].cost,
                100.0 * (p.p0 + p.outcomes[i].dp)
            );
        }
    }
    let _ = writeln!(
        o,
        "({} trials, seed {}, the same random numbers for every candidate)",
        p.trials, p.seed
    );
    o
}

/// `mitigations.csv`: the candidates by rank.
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
            ])?;
            for (n, &i) in p.ranking.iter().enumerate() {
                let (c, r) = (&p.candidates[i], &p.outcomes[i]);
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
                ])?;
            }
            Ok(())
        })
    }
}
