//! Settings a front end takes by its own names. The command line spells
//! the date format `--date-format`, a Python API `date_format=`; library
//! text that tells the user to give or change a setting names it through
//! the caller's [`Spelling`], so it never carries one front end's words.

use std::fmt;

/// An input given by the caller rather than read from a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Setting {
    /// The last day booked of an in-year re-forecast.
    AsOf,
    /// Which CSV column of a history holds which field.
    Columns,
    /// The last day a backtest's fit may see.
    Cutoff,
    /// The format of a history's dates.
    DateFormat,
    /// Quotas taken from a CSV.
    From,
    /// Months a backtest forecasts.
    Horizon,
    /// A split's travel radius around each rep's home.
    MaxDistance,
    /// The horizon of a fitted scenario.
    Months,
    /// Running until P(team hits target) is known well enough.
    Precision,
    /// The roster of reps with hire and leave dates.
    Roster,
    /// An override of one scenario key.
    Set,
    /// One shard of a simulation's trial chunks, run alone.
    Shard,
    /// One task of a sweep's or mitigate's evaluations, run alone.
    Task,
    /// Rows dated on or after this day are left out of a fit.
    Until,
    /// A key and the values a sweep runs it at.
    Vary,
}

impl Setting {
    pub const ALL: [Setting; 15] = [
        Setting::AsOf,
        Setting::Columns,
        Setting::Cutoff,
        Setting::DateFormat,
        Setting::From,
        Setting::Horizon,
        Setting::MaxDistance,
        Setting::Months,
        Setting::Precision,
        Setting::Roster,
        Setting::Set,
        Setting::Shard,
        Setting::Task,
        Setting::Until,
        Setting::Vary,
    ];

    /// Its name in the library: the option or field it sets.
    pub fn key(self) -> &'static str {
        match self {
            Setting::AsOf => "as_of",
            Setting::Columns => "columns",
            Setting::Cutoff => "cutoff",
            Setting::DateFormat => "date_format",
            Setting::From => "from",
            Setting::Horizon => "horizon",
            Setting::MaxDistance => "max_distance",
            Setting::Months => "months",
            Setting::Precision => "precision",
            Setting::Roster => "roster",
            Setting::Set => "set",
            Setting::Shard => "shard",
            Setting::Task => "task",
            Setting::Until => "until",
            Setting::Vary => "vary",
        }
    }
}

/// How a caller spells settings in text meant for its users. The default
/// is the library's own: each setting's key, `date_format`.
#[derive(Clone, Copy)]
pub struct Spelling(fn(Setting) -> &'static str);

impl Spelling {
    pub const fn new(spell: fn(Setting) -> &'static str) -> Spelling {
        Spelling(spell)
    }

    /// The caller's name for `setting`.
    pub fn of(self, setting: Setting) -> &'static str {
        (self.0)(setting)
    }
}

impl Default for Spelling {
    fn default() -> Spelling {
        Spelling(Setting::key)
    }
}

impl fmt::Debug for Spelling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Spelling({})", self.of(Setting::DateFormat))
    }
}

impl PartialEq for Spelling {
    fn eq(&self, other: &Spelling) -> bool {
        Setting::ALL.into_iter().all(|s| self.of(s) == other.of(s))
    }
}
