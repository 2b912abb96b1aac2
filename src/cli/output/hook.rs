//! Testing aids for the writer (see the module documentation of
//! `output`): pause and announce each step, fail a chosen step, or do
//! without the atomic exchange. Read once from the environment; without the
//! variables every function here does nothing.

use crate::cli::terminal;
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

struct Hook {
    /// `QUOTAPLAN_WRITE_PAUSE_MS`: announce each step and sleep this long.
    pause: Option<Duration>,
    /// `QUOTAPLAN_WRITE_FAIL=STEP[#N]`: the step to fail, and on which of
    /// its occurrences (1-based; every one when not given).
    fail: Option<(String, Option<usize>)>,
    /// `QUOTAPLAN_WRITE_EXCHANGE=0`.
    no_exchange: bool,
    seen: AtomicUsize,
}

fn hook() -> &'static Hook {
    static HOOK: OnceLock<Hook> = OnceLock::new();
    HOOK.get_or_init(|| Hook {
        pause: std::env::var("QUOTAPLAN_WRITE_PAUSE_MS")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .map(Duration::from_millis),
        fail: std::env::var("QUOTAPLAN_WRITE_FAIL")
            .ok()
            .filter(|v| !v.is_empty())
            .map(|v| match v.split_once('#') {
                Some((step, n)) => (step.to_string(), n.parse().ok()),
                None => (v, None),
            }),
        no_exchange: std::env::var("QUOTAPLAN_WRITE_EXCHANGE").is_ok_and(|v| v == "0"),
        seen: AtomicUsize::new(0),
    })
}

/// Called before a step's operation: an injected failure when the step is
/// the one `QUOTAPLAN_WRITE_FAIL` names.
pub fn before(step: &str) -> std::io::Result<()> {
    let h = hook();
    match &h.fail {
        Some((s, nth)) if s == step => {
            let count = h.seen.fetch_add(1, Ordering::SeqCst) + 1;
            if nth.is_none_or(|n| n == count) {
                Err(std::io::Error::other(format!(
                    "injected failure at step `{step}` (QUOTAPLAN_WRITE_FAIL)"
                )))
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

/// Called after a step: announces it on stderr and pauses, when asked.
pub fn after(step: &str, path: &Path) {
    if let Some(pause) = hook().pause {
        terminal::eprintln(&format!("quotaplan-write: {step} {}", path.display()));
        std::thread::sleep(pause);
    }
}

/// Whether the atomic exchange is switched off (`QUOTAPLAN_WRITE_EXCHANGE=0`).
pub fn no_exchange() -> bool {
    hook().no_exchange
}
