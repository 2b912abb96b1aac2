//! `quotaplan slurm`: a Slurm job array that runs one shard of a
//! simulation per task, and the merge job that waits for all of them
//! (`--dependency=afterok`), as scripts to submit with `sbatch`. The
//! scheduler does the scheduling; quotaplan only writes what it runs.

use crate::cli::args::{SamplerArg, SlurmArgs};
use crate::cli::fail::Fail;
use crate::cli::files::{absolute, slug};
use crate::cli::load;
use crate::cli::output::{Output, listed};
use quotaplan::report::OutputFile;
use quotaplan::scenario::Purpose;
use std::path::{Path, PathBuf};

/// A word for a POSIX shell: single-quoted unless plainly safe.
fn quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn path_word(p: &Path) -> String {
    quote(&p.display().to_string())
}

pub fn run(a: SlurmArgs) -> Result<(), Fail> {
    let (_, checked) = load::scenario(a.scenario.as_deref(), &a.set, Purpose::Simulate)?;
    let request = quotaplan::engine::RunRequest {
        trials: a.trials,
        seed: a.seed,
        sampler: a.sampler.into(),
        no_analytics: a.no_analytics,
        exact_deals: a.exact_deals,
        ..Default::default()
    };
    let opts = quotaplan::engine::SimOptions::resolve(&request, &checked.scenario.run)?;
    let chunks = quotaplan::engine::shard::chunk_count(opts.trials);
    if a.shards > chunks {
        return Err(Fail::Usage(format!(
            "--shards {} for {} trials: a run has {chunks} chunks of {} trials and every shard needs one; use at most {chunks} shards, or more --trials",
            a.shards,
            opts.trials,
            quotaplan::engine::CHUNK_SIZE
        )));
    }
    let name = &checked.scenario.model.name;
    let dir = absolute(
        &a.out
            .clone()
            .unwrap_or_else(|| PathBuf::from("output").join(slug(name)).join("slurm")),
    );
    let cwd = absolute(Path::new("."));
    let exe = match &a.quotaplan {
        Some(p) => absolute(p),
        None => std::env::current_exe().map_err(|source| Fail::Read {
            path: "the running quotaplan".into(),
            source,
        })?,
    };
    let n = a.shards;
    let header = |job: &str, log: &str| {
        let mut h = vec![
            "#!/bin/bash".to_string(),
            format!(
                "#SBATCH --job-name={}",
                quote(&format!("quotaplan-{}{job}", slug(name)))
            ),
            format!("#SBATCH --chdir={}", path_word(&cwd)),
            format!(
                "#SBATCH --output={}",
                path_word(&dir.join("logs").join(log))
            ),
            format!("#SBATCH --cpus-per-task={}", a.cpus),
            "#SBATCH --ntasks=1".to_string(),
        ];
        if let Some(p) = &a.partition {
            h.push(format!("#SBATCH --partition={}", quote(p)));
        }
        if let Some(t) = &a.time {
            h.push(format!("#SBATCH --time={t}"));
        }
        if let Some(m) = &a.mem {
            h.push(format!("#SBATCH --mem={m}"));
        }
        h
    };
    // The run as asked: the same words as a local `simulate`.
    let mut run_words = vec![path_word(&exe), "simulate".into()];
    if let Some(s) = &a.scenario {
        run_words.push(path_word(s));
    }
    if let Some(t) = a.trials {
        run_words.push(format!("--trials {t}"));
    }
    if let Some(s) = a.seed {
        run_words.push(format!("--seed {s}"));
    }
    if let SamplerArg::Lhs = a.sampler {
        run_words.push("--sampler lhs".into());
    }
    if a.no_analytics {
        run_words.push("--no-analytics".into());
    }
    if a.exact_deals {
        run_words.push("--exact-deals".into());
    }
    for s in &a.set {
        run_words.push(format!("--set {}", quote(s)));
    }
    let parts = dir.join("parts");
    let mut array = header("", "shard-%a.out");
    array.insert(2, format!("#SBATCH --array=0-{}", n - 1));
    array.push(String::new());
    array.push(format!(
        "# Task k of the array runs shard k+1 of {n} (SLURM_ARRAY_TASK_ID is 0-based)."
    ));
    array.push("set -euo pipefail".into());
    array.push(format!(
        "exec {} --shard \"$((SLURM_ARRAY_TASK_ID+1))/{n}\" --threads {} --out {} --quiet",
        run_words.join(" "),
        a.cpus,
        path_word(&parts)
    ));
    let mut merge = header("-merge", "merge.out");
    merge.push(String::new());
    merge.push(format!(
        "# Submitted with --dependency=afterok on the array: runs once all {n} shards succeeded."
    ));
    merge.push("set -euo pipefail".into());
    merge.push(format!(
        "exec {} merge {} --out {} --threads {} --quiet{}",
        path_word(&exe),
        path_word(&parts),
        path_word(&dir.join("result")),
        a.cpus,
        if a.bom { " --bom" } else { "" }
    ));
    let submit = [
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
    let text = |lines: &[String]| lines.join("\n") + "\n";
    let files = vec![
        OutputFile {
            name: "array.sbatch".into(),
            bytes: text(&array).into_bytes(),
        },
        OutputFile {
            name: "merge.sbatch".into(),
            bytes: text(&merge).into_bytes(),
        },
        OutputFile {
            name: "submit.sh".into(),
            bytes: (submit.join("\n") + "\n").into_bytes(),
        },
    ];
    let output = Output {
        quiet: a.quiet,
        bom: false,
    };
    output.write(&dir, &files)?;
    for d in ["logs", "parts"] {
        std::fs::create_dir_all(dir.join(d)).map_err(|source| Fail::CreateDir {
            path: dir.join(d),
            source,
        })?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(
            dir.join("submit.sh"),
            std::fs::Permissions::from_mode(0o755),
        );
    }
    output.status(format!(
        "Wrote {}: {n} shards of {} trials ({chunks} chunks); submit with sh {}",
        listed(&dir, &files),
        opts.trials,
        path_word(&dir.join("submit.sh"))
    ));
    Ok(())
}
