//! The progress bar: indicatif on stderr with trials done, rate and ETA.
//! It appears only for runs longer than about a second, only when stderr
//! is a terminal, and never with `--quiet`; it never changes results.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long a run goes before its bar appears.
const DELAY: Duration = Duration::from_millis(1000);

/// A bar for `total` trials that stays hidden for the first second.
pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    shown: AtomicBool,
}

impl Progress {
    /// A bar, unless `quiet` or stderr is not a terminal.
    pub fn new(what: &str, total: u64, quiet: bool) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
            bar.set_style(
                ProgressStyle::with_template(
                    "{msg} {wide_bar:.cyan/blue} {human_pos}/{human_len} trials · {rate} · ETA {eta}",
                )
                .expect("a valid template")
                .with_key(
                    "rate",
                    |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{}/s", rate(s.per_sec()));
                    },
                )
                .progress_chars("█▉▊▋▌▍▎▏ "),
            );
            bar.set_message(what.to_string());
            bar
        });
        Progress {
            bar,
            started: Instant::now(),
            shown: AtomicBool::new(false),
        }
    }

    /// Trials done so far (called by the engine after each wave).
    pub fn update(&self, done: u64) {
        let Some(bar) = &self.bar else { return };
        bar.set_position(done);
        if !self.shown.load(Ordering::Relaxed) && self.started.elapsed() >= DELAY {
            self.shown.store(true, Ordering::Relaxed);
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(250));
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Trials per second, short: "850", "255k", "1.2M".
fn rate(per_sec: f64) -> String {
    if per_sec >= 1e6 {
        format!("{:.1}M", per_sec / 1e6)
    } else if per_sec >= 1e3 {
        format!("{:.0}k", per_sec / 1e3)
    } else {
        format!("{per_sec:.0}")
    }
}

/// Runs `f` with a progress callback for `total` trials and clears the bar
/// afterwards, whatever `f` returns.
pub fn run<T>(
    what: &str,
    total: u64,
    quiet: bool,
    f: impl FnOnce(Option<&(dyn Fn(u64) + Sync)>) -> T,
) -> T {
    let p = Progress::new(what, total, quiet);
    let callback = |n: u64| p.update(n);
    let out = f(Some(&callback));
    p.finish();
    out
}
