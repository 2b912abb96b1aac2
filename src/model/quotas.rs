//! Quotas as decided for a run (docs/src/model.md, Quotas): what each rep
//! carries and how the numbers came about. The quota capability computes them;
//! the engine runs with them and the analysis reports them.

use super::QuotaMethod;

#[derive(Clone, Debug, PartialEq)]
pub struct QuotaSolution {
    pub method: QuotaMethod,
    pub quotas: Vec<f64>,
    /// What the quotas add up to (computed methods).
    pub pool: Option<f64>,
    /// The common probability of reaching quota (equal-probability).
    pub p_star: Option<f64>,
    /// Reps whose quota was held at a floor, cap or override.
    pub pinned: Vec<(usize, Pin)>,
}

impl QuotaSolution {
    /// The bound a rep's quota was held at, if any.
    pub fn pin_of(&self, rep: usize) -> Option<Pin> {
        self.pinned.iter().find(|p| p.0 == rep).map(|p| p.1)
    }
}

/// Why a computed quota was held instead of following the method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pin {
    Override,
    Floor,
    Cap,
}

impl Pin {
    pub fn name(self) -> &'static str {
        match self {
            Pin::Override => "override",
            Pin::Floor => "floor",
            Pin::Cap => "cap",
        }
    }
}
