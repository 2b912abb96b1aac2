//! Why part files cannot be merged, in words that name the files.

use crate::part::{Header, MergeProblem};
use crate::source::{Setting, Spelling};
use std::path::Path;

/// A value for a message: long ones (a run's inputs) cut.
fn short(s: &str) -> String {
    if s.chars().count() > 200 {
        format!("{}...", s.chars().take(200).collect::<String>())
    } else {
        s.to_string()
    }
}

/// A problem of the parts as a line naming their files (`paths`, in the
/// order of `headers`); the task to re-run is named with the caller's
/// spelling of the share setting.
pub fn merge_problem(
    p: &MergeProblem,
    paths: &[&Path],
    headers: &[&Header],
    spelling: Spelling,
) -> String {
    let file = |i: usize| paths[i].display();
    match p {
        MergeProblem::OtherVersion { part, version } => format!(
            "`{}` was written by quotaplan {version}, this is quotaplan {}: results are the same only within one version; re-run its task ({}/{}) with this version",
            file(*part),
            env!("CARGO_PKG_VERSION"),
            headers[*part].task,
            headers[*part].tasks
        ),
        MergeProblem::OtherRun {
            part,
            first,
            what,
            value,
            first_value,
        } => format!(
            "`{}` is of another run than `{}`: its {what} is {} where the other's is {}; parts of one run share scenario, seed, trials, options and version",
            file(*part),
            file(*first),
            short(value),
            short(first_value)
        ),
        MergeProblem::Outside { part, held } => format!(
            "`{}` holds {held}, outside the run's {} {}",
            file(*part),
            headers[*part].total,
            headers[*part].unit
        ),
        MergeProblem::Duplicate { part, other, held } => format!(
            "`{}` and `{}` both hold {held} (task {}/{}): a duplicate; give one of them",
            file(*other),
            file(*part),
            headers[*part].task,
            headers[*part].tasks
        ),
        MergeProblem::Overlap {
            part,
            other,
            held,
            other_held,
            twice,
        } => format!(
            "`{}` ({held}) overlaps `{}` ({other_held}): {twice} would count twice",
            file(*part),
            file(*other)
        ),
        MergeProblem::NoParts => "no part files given".into(),
        MergeProblem::Missing { held, tasks } => {
            let h = headers[0];
            let flag = spelling.of(if h.command == "simulate" {
                Setting::Shard
            } else {
                Setting::Task
            });
            format!(
                "{held} are in no part: missing {} {} (re-run {} {flag} {} alone; its part is the same as it would have been)",
                if tasks.len() == 1 { "task" } else { "tasks" },
                tasks.join(", "),
                h.command,
                tasks.first().map_or("I/N", String::as_str)
            )
        }
    }
}
