//! Compensation: what a plan pays for an outcome (docs/src/model.md,
//! Compensation). Pure functions, so payouts can be checked by hand.

/// A compensation plan: a payout curve on attainment and/or commission
/// tiers on sales, plus an optional team bonus pool.
#[derive(Clone, Debug, PartialEq)]
pub struct CompPlan {
    pub target_incentive: f64,
    /// (attainment, multiple of target incentive), strictly increasing attainment.
    pub curve: Vec<(f64, f64)>,
    /// (sales threshold, commission rate on sales above it).
    pub commission: Vec<(f64, f64)>,
    pub team_bonus: Option<TeamBonus>,
    pub budget: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TeamBonus {
    pub pool: f64,
    pub threshold: f64,
}

impl CompPlan {
    /// Multiple of target incentive for an attainment: linear between the
    /// curve's points, flat before the first and after the last (the cap).
    pub fn multiple(&self, attainment: f64) -> f64 {
        let c = &self.curve;
        match c.len() {
            0 => 0.0,
            _ if attainment.is_nan() => 0.0,
            _ if attainment <= c[0].0 => c[0].1,
            _ if attainment >= c[c.len() - 1].0 => c[c.len() - 1].1,
            _ => {
                let i = c.partition_point(|p| p.0 <= attainment);
                let ((x0, y0), (x1, y1)) = (c[i - 1], c[i]);
                y0 + (y1 - y0) * (attainment - x0) / (x1 - x0)
            }
        }
    }

    /// Commission on sales: each tier's rate applies to the sales between
    /// its threshold and the next one (marginal, like tax brackets).
    pub fn commission(&self, sales: f64) -> f64 {
        let t = &self.commission;
        let mut pay = 0.0;
        for (i, &(from, rate)) in t.iter().enumerate() {
            let to = t.get(i + 1).map_or(f64::INFINITY, |n| n.0);
            if sales > from {
                pay += rate * (sales.min(to) - from);
            }
        }
        pay
    }

    /// A rep's payout before any team bonus.
    pub fn rep_payout(&self, sales: f64, quota: f64) -> f64 {
        let a = if quota > 0.0 { sales / quota } else { 0.0 };
        self.target_incentive * self.multiple(a) + self.commission(sales)
    }

    /// The team bonus pool paid for a team attainment (split equally).
    pub fn team_bonus_pool(&self, team_attainment: f64) -> f64 {
        match &self.team_bonus {
            Some(b) if team_attainment >= b.threshold => b.pool,
            _ => 0.0,
        }
    }

    /// The largest multiple the curve pays (its cap).
    pub fn max_multiple(&self) -> f64 {
        self.curve.iter().map(|p| p.1).fold(0.0, f64::max)
    }
}

#[cfg(test)]
mod tests {
    use super::{CompPlan, TeamBonus};

    fn plan() -> CompPlan {
        CompPlan {
            target_incentive: 120_000.0,
            curve: vec![(0.0, 0.0), (0.5, 0.0), (1.0, 1.0), (1.5, 2.0), (2.0, 2.5)],
            commission: vec![],
            team_bonus: Some(TeamBonus {
                pool: 600_000.0,
                threshold: 1.0,
            }),
            budget: None,
        }
    }

    #[test]
    fn curve_threshold_kinks_and_cap() {
        let p = plan();
        // Below the 50 % threshold nothing is paid.
        assert_eq!(p.rep_payout(400_000.0, 1_000_000.0), 0.0);
        assert_eq!(p.rep_payout(500_000.0, 1_000_000.0), 0.0);
        // Halfway between 50 % and 100 %: half the target incentive.
        assert_eq!(p.rep_payout(750_000.0, 1_000_000.0), 60_000.0);
        // At the kink points exactly.
        assert_eq!(p.rep_payout(1_000_000.0, 1_000_000.0), 120_000.0);
        assert_eq!(p.rep_payout(1_500_000.0, 1_000_000.0), 240_000.0);
        // Accelerator: 120 % -> 1 + 0.2 * 2 = 1.4.
        assert!((p.rep_payout(1_200_000.0, 1_000_000.0) - 168_000.0).abs() < 1e-9);
        // 175 % -> 2 + 0.25 * 1 = 2.25; capped at 2.5 beyond 200 %.
        assert!((p.rep_payout(1_750_000.0, 1_000_000.0) - 270_000.0).abs() < 1e-9);
        assert_eq!(p.rep_payout(3_000_000.0, 1_000_000.0), 300_000.0);
        assert_eq!(p.max_multiple(), 2.5);
    }

    #[test]
    fn commission_tiers_are_marginal() {
        let mut p = plan();
        p.curve.clear();
        p.target_incentive = 0.0;
        p.commission = vec![(0.0, 0.02), (1_000_000.0, 0.03), (2_000_000.0, 0.05)];
        assert_eq!(p.commission(500_000.0), 10_000.0);
        assert_eq!(p.commission(1_000_000.0), 20_000.0);
        assert!((p.commission(1_500_000.0) - 35_000.0).abs() < 1e-9);
        assert!((p.commission(2_500_000.0) - (20_000.0 + 30_000.0 + 25_000.0)).abs() < 1e-9);
        assert_eq!(p.rep_payout(500_000.0, 1.0), 10_000.0);
    }

    #[test]
    fn team_bonus_on_and_off() {
        let p = plan();
        assert_eq!(p.team_bonus_pool(0.999), 0.0);
        assert_eq!(p.team_bonus_pool(1.0), 600_000.0);
        let mut none = plan();
        none.team_bonus = None;
        assert_eq!(none.team_bonus_pool(2.0), 0.0);
    }
}
