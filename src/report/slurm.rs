//! A run split into shards as Slurm scripts: a job array with one shard
//! per task, the merge job that waits for all of them
//! (`--dependency=afterok`), and `submit.sh`, which submits both. The
//! scheduler does the scheduling; these are only what it runs.

use super::OutputFile;

/// What the scripts run, and where. The two command lines are the
/// caller's (a shell string each): the array's task, where
/// `$((SLURM_ARRAY_TASK_ID+1))` is the shard, and the merge.
#[derive(Clone, Debug, PartialEq)]
pub struct SlurmJob {
    /// The scenario's name as it goes into file names (a slug).
    pub name: String,
    /// The folder the jobs start in (where the scenario's relative paths
    /// start).
    pub cwd: String,
    /// The folder of the scripts, the parts, the logs and the result.
    pub dir: String,
    pub shards: u64,
    /// CPUs per task; each shard runs this many worker threads.
    pub cpus: u64,
    pub partition: Option<String>,
    /// A wall-time limit as Slurm takes it.
    pub time: Option<String>,
    /// Memory per task as Slurm takes it.
    pub mem: Option<String>,
    /// What a task of the array runs.
    pub task: String,
    /// What the merge job runs.
    pub merge: String,
}

/// A word for a POSIX shell: single-quoted unless plainly safe.
pub fn quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A folder under the job's folder, as a shell word.
pub fn under(dir: &str, parts: &[&str]) -> String {
    let mut p = std::path::PathBuf::from(dir);
    parts.iter().for_each(|x| p.push(x));
    quote(&p.display().to_string())
}

/// The `#SBATCH` lines both jobs share.
fn header(job: &SlurmJob, suffix: &str, log: &str) -> Vec<String> {
    let mut h = vec![
        "#!/bin/bash".to_string(),
        format!(
            "#SBATCH --job-name={}",
            quote(&format!("quotaplan-{}{suffix}", job.name))
        ),
        format!("#SBATCH --chdir={}", quote(&job.cwd)),
        format!("#SBATCH --output={}", under(&job.dir, &["logs", log])),
        format!("#SBATCH --cpus-per-task={}", job.cpus),
        "#SBATCH --ntasks=1".to_string(),
    ];
    if let Some(p) = &job.partition {
        h.push(format!("#SBATCH --partition={}", quote(p)));
    }
    if let Some(t) = &job.time {
        h.push(format!("#SBATCH --time={t}"));
    }
    if let Some(m) = &job.mem {
        h.push(format!("#SBATCH --mem={m}"));
    }
    h
}

/// The array job: task k runs shard k+1.
fn array(job: &SlurmJob) -> Vec<String> {
    let n = job.shards;
    let mut a = header(job, "", "shard-%a.out");
    a.insert(2, format!("#SBATCH --array=0-{}", n - 1));
    a.push(String::new());
    a.push(format!(
        "# Task k of the array runs shard k+1 of {n} (SLURM_ARRAY_TASK_ID is 0-based)."
    ));
    a.push("set -euo pipefail".into());
    a.push(format!("exec {}", job.task));
    a
}

/// The merge job, submitted to wait for the whole array.
fn merge(job: &SlurmJob) -> Vec<String> {
    let mut m = header(job, "-merge", "merge.out");
    m.push(String::new());
    m.push(format!(
        "# Submitted with --dependency=afterok on the array: runs once all {} shards succeeded.",
        job.shards
    ));
    m.push("set -euo pipefail".into());
    m.push(format!("exec {}", job.merge));
    m
}

const SUBMIT: [&str; 12] = [
    "#!/bin/sh",
    "# Submits the shard array, then the merge that waits for it; prints",
    "# `array JOBID merge JOBID`. Parts of an earlier submission are removed.",
    "set -eu",
    "cd \"$(dirname \"$0\")\"",
    "mkdir -p logs parts",
    "rm -f parts/*.qpart",
    "array=$(sbatch --parsable array.sbatch)",
    "array=${array%%;*}",
    "merge=$(sbatch --parsable --dependency=afterok:\"$array\" merge.sbatch)",
    "merge=${merge%%;*}",
    "echo \"array $array merge $merge\"",
];

/// `array.sbatch`, `merge.sbatch` and `submit.sh`.
pub fn scripts(job: &SlurmJob) -> Vec<OutputFile> {
    let text = |lines: &[String]| (lines.join("\n") + "\n").into_bytes();
    vec![
        OutputFile {
            name: "array.sbatch".into(),
            bytes: text(&array(job)),
        },
        OutputFile {
            name: "merge.sbatch".into(),
            bytes: text(&merge(job)),
        },
        OutputFile {
            name: "submit.sh".into(),
            bytes: (SUBMIT.join("\n") + "\n").into_bytes(),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_only_when_needed() {
        assert_eq!(quote("plan.toml"), "plan.toml");
        assert_eq!(quote("my plan.toml"), "'my plan.toml'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
    }
}
