//! The shared option groups resolved once per command: the simulation
//! options (defaults decided by `SimOptions::resolve`), where results go,
//! and how they are written.

use super::args::{OutputArgs, RunArgs};
use super::fail::Fail;
use super::files::slug;
use super::output::Output;
use quotaplan::engine::{RunRequest, SimOptions};
use quotaplan::model::RunSettings;
use std::path::PathBuf;

impl RunArgs {
    /// What was asked of the run.
    pub fn request(&self) -> RunRequest {
        RunRequest {
            trials: self.trials,
            seed: self.seed,
            threads: self.threads,
            sampler: self.sampler.into(),
            precision: self.precision,
            no_analytics: self.no_analytics,
            exact_deals: self.exact_deals,
        }
    }

    /// The simulation options for a scenario that asks for `settings`.
    pub fn sim(&self, settings: &RunSettings) -> Result<SimOptions, Fail> {
        Ok(SimOptions::resolve(&self.request(), settings)?)
    }
}

impl OutputArgs {
    /// How files are written and whether status lines are shown.
    pub fn output(&self) -> Output {
        Output {
            quiet: self.quiet,
            bom: self.bom,
        }
    }

    /// `--out`, else `output/<scenario-name>/<sub>`.
    pub fn out_dir(&self, scenario: &str, sub: Option<&str>) -> PathBuf {
        self.out.clone().unwrap_or_else(|| {
            let dir = PathBuf::from("output").join(slug(scenario));
            match sub {
                Some(s) => dir.join(s),
                None => dir,
            }
        })
    }
}
