//! Why a command failed, with its exit code. Library errors arrive typed
//! and are rendered here, at the edge.

use super::flags::FLAGS;
use quotaplan::compare::{CompareError, GateError};
use quotaplan::engine::{EngineError, OptionsError};
use quotaplan::quota::QuotaError;
use quotaplan::report::ReportError;
use quotaplan::report::charts::{ChartError, FontError};
use quotaplan::territory::{AlignError, BalanceError};
use quotaplan::whatif::VaryError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Fail {
    /// Already told to the user (problems were printed).
    #[error("")]
    Reported,
    /// Files named on the command line could not be read and were already
    /// told (validate goes on to the other files): exit 2.
    #[error("")]
    ReportedUnreadable,
    /// An input file (a transaction history) with problems, already told:
    /// exit 2, like any unusable input named on the command line.
    #[error("")]
    ReportedInput,
    /// A CI gate failed (compare and check): exit 1 with nothing more to say.
    #[error("")]
    GateFailed,
    /// Stdout was closed (e.g. piped into `head`): stop quietly.
    #[error("")]
    BrokenPipe,
    /// Arguments that do not go together, or a request the command cannot
    /// honour, with what to do instead.
    #[error("{0}")]
    Usage(String),
    /// A file named on the command line cannot be read: a usage error
    /// (exit 2) in every command.
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write `{}`: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// `--font PATH` cannot be read (exit 2, like any unreadable file named
    /// on the command line).
    #[error("cannot read font `{}`: {source}", path.display())]
    ReadFont {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot create `{}`: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", .0.message(FLAGS))]
    Options(#[from] OptionsError),
    #[error("{}", .0.message(FLAGS))]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Quota(#[from] QuotaError),
    #[error(transparent)]
    Align(#[from] AlignError),
    #[error(transparent)]
    Balance(#[from] BalanceError),
    #[error("{}", .0.message(FLAGS))]
    Vary(#[from] VaryError),
    /// A file or folder named on the command line that does not hold what
    /// the command reads (exit 2), with what to do instead.
    #[error("{0}")]
    Unreadable(String),
    #[error(transparent)]
    Gate(#[from] GateError),
    #[error(transparent)]
    Metric(#[from] CompareError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Font(#[from] FontError),
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// `compare` and `check` exit 2 on errors (1 is a failed gate).
    #[error("{0}")]
    Compare(Box<Fail>),
}

impl Fail {
    /// The process exit code: 2 for bad command-line arguments (arguments
    /// that do not go together, an unusable `--out` or `--vary`, a file
    /// named on the command line that cannot be read; in every command) and
    /// for any error of `compare` and `check` (where 1 means a failed gate);
    /// 1 for a problem in the scenario or the run.
    pub fn code(&self) -> i32 {
        match self {
            Fail::BrokenPipe => 0,
            Fail::Compare(_)
            | Fail::Read { .. }
            | Fail::ReadFont { .. }
            | Fail::Unreadable(_)
            | Fail::ReportedUnreadable
            | Fail::ReportedInput
            | Fail::Metric(_)
            | Fail::Usage(_)
            | Fail::Vary(_) => 2,
            _ => 1,
        }
    }

    /// Whether the message still needs printing.
    pub fn needs_message(&self) -> bool {
        !matches!(
            self,
            Fail::Reported
                | Fail::ReportedUnreadable
                | Fail::ReportedInput
                | Fail::GateFailed
                | Fail::BrokenPipe
        ) && !matches!(self, Fail::Compare(inner) if !inner.needs_message())
    }
}
