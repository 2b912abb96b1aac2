//! The command line's names for the settings the library's messages talk
//! about: the library says "the date format", the CLI says `--date-format`.

use quotaplan::source::{Setting, Spelling};

fn flag(setting: Setting) -> &'static str {
    match setting {
        Setting::AsOf => "--as-of",
        Setting::Columns => "--columns",
        Setting::Cutoff => "--cutoff",
        Setting::DateFormat => "--date-format",
        Setting::From => "--from",
        Setting::Horizon => "--horizon",
        Setting::MaxDistance => "--max-distance",
        Setting::Months => "--months",
        Setting::Precision => "--precision",
        Setting::Roster => "--roster",
        Setting::Set => "--set",
        Setting::Shard => "--shard",
        Setting::Task => "--task",
        Setting::Until => "--until",
        Setting::Vary => "--vary",
    }
}

/// Settings spelt as the command line's flags.
pub const FLAGS: Spelling = Spelling::new(flag);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::args::command;

    /// Every setting is spelt as a flag some command takes.
    #[test]
    fn every_setting_is_a_flag_of_some_command() {
        let cmd = command();
        let longs: Vec<String> = cmd
            .get_subcommands()
            .flat_map(|s| s.get_arguments())
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .collect();
        for s in Setting::ALL {
            assert!(longs.contains(&FLAGS.of(s).to_string()), "{s:?}");
        }
    }
}
