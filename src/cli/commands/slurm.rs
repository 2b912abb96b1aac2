//! `quotaplan slurm`: a Slurm job array that runs one shard of a
//! simulation per task, and the merge job that waits for all of them
//! (`--dependency=afterok`), as scripts to submit with `sbatch`. The
//! scheduler does the scheduling; quotaplan only writes what it runs.

use crate::cli::args::{SamplerArg, SlurmArgs};
use crate::cli::fail::Fail;
use crate::cli::files::{absolute, slug};
use crate::cli::load;
use crate::cli::output::{Output, listed};
use crate::cli::paint::Paint;
use quotaplan::report::slurm::{self, SlurmJob, quote, under};
use quotaplan::scenario::Purpose;
use std::path::{Path, PathBuf};

pub fn run(a: SlurmArgs, paint: Paint) -> Result<(), Fail> {
    let (_, checked) = load::scenario(
        a.scenario.as_deref(),
        &a.what_if.set,
        Purpose::Simulate,
        paint,
    )?;
    let opts = a.run.sim(&checked.scenario.run)?;
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
        &a.output
            .out
            .clone()
            .unwrap_or_else(|| PathBuf::from("output").join(slug(name)).join("slurm")),
    );
    let exe = match &a.quotaplan {
        Some(p) => absolute(p),
        None => std::env::current_exe().map_err(|source| Fail::Read {
            path: "the running quotaplan".into(),
            source,
        })?,
    };
    let (n, dir_text) = (a.shards, dir.display().to_string());
    let exe = quote(&exe.display().to_string());
    let job = SlurmJob {
        name: slug(name),
        cwd: absolute(Path::new(".")).display().to_string(),
        dir: dir_text.clone(),
        shards: n,
        cpus: a.cpus,
        partition: a.partition.clone(),
        time: a.time.clone(),
        mem: a.mem.clone(),
        task: [exe.clone(), "simulate".into()]
            .into_iter()
            .chain(task_words(&a))
            .chain([
                format!("--shard \"$((SLURM_ARRAY_TASK_ID+1))/{n}\""),
                format!("--threads {}", a.cpus),
                format!("--out {}", under(&dir_text, &["parts"])),
                "--quiet".into(),
            ])
            .collect::<Vec<_>>()
            .join(" "),
        merge: format!(
            "{exe} merge {} --out {} --threads {} --quiet{}",
            under(&dir_text, &["parts"]),
            under(&dir_text, &["result"]),
            a.cpus,
            if a.output.bom { " --bom" } else { "" }
        ),
    };
    let files = slurm::scripts(&job);
    let output = Output {
        quiet: a.output.quiet,
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
        "Wrote {}: {} shards of {} trials ({chunks} chunks); submit with sh {}",
        listed(&dir, &files),
        a.shards,
        opts.trials,
        quote(&dir.join("submit.sh").display().to_string())
    ));
    Ok(())
}

/// The run as asked, in the words of a local `simulate`, for every task.
fn task_words(a: &SlurmArgs) -> Vec<String> {
    let mut w = Vec::new();
    if let Some(s) = &a.scenario {
        w.push(quote(&s.display().to_string()));
    }
    if let Some(t) = a.run.trials {
        w.push(format!("--trials {t}"));
    }
    if let Some(s) = a.run.seed {
        w.push(format!("--seed {s}"));
    }
    if let SamplerArg::Lhs = a.run.sampler {
        w.push("--sampler lhs".into());
    }
    if a.run.no_analytics {
        w.push("--no-analytics".into());
    }
    if a.run.exact_deals {
        w.push("--exact-deals".into());
    }
    for s in &a.what_if.set {
        w.push(format!("--set {}", quote(s)));
    }
    w
}
