//! Runs split across processes: `simulate --shard I/N`, `sweep` and
//! `mitigate --task I/N`, and `merge`. The merged outputs are byte for byte
//! the single process's; a task run again (after dying, or on another
//! thread count) writes the same part; parts that are not of one run, or
//! do not cover it once, are refused by name.
//!
//! `run.json` describes the process that wrote a result, not the results:
//! its `started_unix`, `elapsed_seconds`, `threads` and
//! `unit_trials_per_second` differ between any two runs, and a merge adds
//! `merged_parts`. Every other file is compared byte for byte.

use crate::common::{quotaplan, repo, tmp};
use std::path::{Path, PathBuf};

/// 7 chunks, the last one partial (7000 = 6 × 1024 + 856).
const TRIALS: &str = "7000";

fn run_ok(dir: &Path, args: &[&str]) -> String {
    let out = quotaplan()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "quotaplan {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn run_err(dir: &Path, args: &[&str]) -> String {
    let out = quotaplan()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "quotaplan {args:?} should fail with 2; stdout:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// run.json without the fields that describe the process.
fn run_json_results(dir: &Path) -> serde_json::Value {
    let mut v: serde_json::Value =
        serde_json::from_slice(&read(&dir.join("run.json"))).expect("json");
    let o = v.as_object_mut().expect("object");
    for k in [
        "started_unix",
        "elapsed_seconds",
        "threads",
        "unit_trials_per_second",
        "merged_parts",
    ] {
        o.remove(k);
    }
    v
}

fn assert_same_result(single: &Path, merged: &Path, what: &str) {
    // groups.csv is written when reps carry grouping keys.
    let groups = single.join("groups.csv").exists().then_some("groups.csv");
    for f in crate::common::SIMULATE_FILES
        .iter()
        .copied()
        .chain(groups)
        .chain(["planner.json"])
    {
        assert!(
            read(&single.join(f)) == read(&merged.join(f)),
            "{what}: {f} of the merge differs from the single process's"
        );
    }
    assert_eq!(
        run_json_results(single),
        run_json_results(merged),
        "{what}: run.json"
    );
}

/// Splits `args` into 1, 2, 3 and 7 shards, merges each split and compares
/// with one process.
fn shards_merge_exactly(name: &str, args: &[&str]) {
    let dir = tmp(&format!("shards-{name}"));
    let mut single = args.to_vec();
    single.extend(["--trials", TRIALS, "--out", "single", "--quiet"]);
    let table = run_ok(&dir, &single);
    for n in [1u64, 2, 3, 7] {
        let parts = format!("parts-{n}");
        for i in 1..=n {
            let share = format!("{i}/{n}");
            let mut a = args.to_vec();
            a.extend(["--trials", TRIALS, "--shard", &share, "--out", &parts, "-q"]);
            run_ok(&dir, &a);
        }
        let merged = format!("merged-{n}");
        let printed = run_ok(&dir, &["merge", &parts, "--out", &merged, "--quiet"]);
        assert_same_result(
            &dir.join("single"),
            &dir.join(&merged),
            &format!("{name}, {n} shards"),
        );
        assert_eq!(printed, table, "{name}, {n} shards: the printed summary");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn shards_merge_to_the_single_process_result() {
    // The demo: comp plan, analytics on (risk inputs per trial, tornado).
    shards_merge_exactly("demo", &["simulate"]);
}

#[test]
fn shards_merge_exactly_under_latin_hypercube() {
    shards_merge_exactly("lhs", &["simulate", "--sampler", "lhs"]);
}

#[test]
fn shards_merge_exactly_with_equal_probability_quotas() {
    // Every shard runs the deterministic calibration itself and records
    // the quotas it decided; the merge checks they agree.
    shards_merge_exactly(
        "equal-probability",
        &["simulate", "--set", "quotas.method=\"equal-probability\""],
    );
}

#[test]
fn shards_merge_exactly_with_deal_tables_and_with_every_deal_drawn() {
    // Units sharing a deal rate and cv: every shard builds the same
    // quantile tables from the seed; and with --exact-deals, every deal.
    let dir = tmp("shards-deal-scenario");
    let mut units = String::from("id,potential,potential_cv,deals_per_year,deal_size_cv,owner\n");
    for i in 0..40 {
        let owner = ["A", "B", "C"][i % 3];
        let cv = if i % 2 == 0 { 0.8 } else { 1.5 };
        units.push_str(&format!(
            "u{i},{},0.2,12,{cv},{owner}\n",
            100_000 + 5_000 * i
        ));
    }
    std::fs::write(dir.join("units.csv"), units).expect("writes");
    let toml = "[scenario]\nname = \"deals\"\ncompany_target = 3800000\n[units]\nfile = \"units.csv\"\n\
                [[reps]]\nid = \"A\"\nquota = 1300000\n[[reps]]\nid = \"B\"\nquota = 1300000\n\
                [[reps]]\nid = \"C\"\nquota = 1300000\nattrition = 0.2\n\
                [[risks]]\nid = \"macro\"\nkind = \"shock\"\napplies_to = \"all\"\n\
                impact = { normal = { mean = 0, sd = 0.1 } }\n";
    std::fs::write(dir.join("deals.toml"), toml).expect("writes");
    let s = dir.join("deals.toml");
    let s = s.to_str().expect("utf-8 path");
    shards_merge_exactly("deals-table", &["simulate", s]);
    shards_merge_exactly("deals-exact", &["simulate", s, "--exact-deals"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn shards_merge_exactly_for_a_scenario_file_without_analytics() {
    let scenario = repo("scenarios/format-example.toml");
    let s = scenario.to_str().expect("utf-8 path");
    shards_merge_exactly("format-example", &["simulate", s, "--no-analytics"]);
}

#[test]
fn shards_merge_exactly_with_groups() {
    // Roll-ups add moments, counts and histograms of their own.
    let dir = tmp("shards-groups-scenario");
    let path = dir.join("grouped.toml");
    std::fs::write(&path, crate::groups::grouped_format_example()).expect("writes");
    let s = path.to_str().expect("utf-8 path");
    // groups.csv is among the files compared byte for byte.
    shards_merge_exactly("groups", &["simulate", s]);
    let _ = std::fs::remove_dir_all(&dir);
}

fn shard(dir: &Path, extra: &[&str], share: &str, out: &str) -> PathBuf {
    let mut a = vec![
        "simulate", "--trials", TRIALS, "--shard", share, "--out", out, "-q",
    ];
    a.extend(extra);
    run_ok(dir, &a);
    let (i, n) = share.split_once('/').expect("I/N");
    dir.join(out).join(format!("part-{i}-of-{n}.qpart"))
}

#[test]
fn a_part_is_the_same_for_any_thread_count_and_when_run_again() {
    let dir = tmp("shards-threads");
    let one = read(&shard(&dir, &["--threads", "1"], "2/3", "t1"));
    let two = read(&shard(&dir, &["--threads", "2"], "2/3", "t2"));
    let four = read(&shard(&dir, &["--threads", "4"], "2/3", "t4"));
    assert!(
        one == two && two == four,
        "a part depends on the thread count"
    );
    let again = read(&shard(&dir, &["--threads", "2"], "2/3", "t2"));
    assert!(again == two, "a shard run again writes another part");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_shard_that_dies_leaves_no_part_and_is_re_run_alone() {
    let dir = tmp("shards-dies");
    for i in 1..=3 {
        shard(&dir, &[], &format!("{i}/3"), "parts");
    }
    let good = read(&dir.join("parts/part-2-of-3.qpart"));
    std::fs::remove_file(dir.join("parts/part-2-of-3.qpart")).expect("rm");
    // The task dies as it writes its part: the part never appears, not
    // even cut short.
    let out = quotaplan()
        .current_dir(&dir)
        .env("QUOTAPLAN_WRITE_FAIL", "rename")
        .args([
            "simulate", "--trials", TRIALS, "--shard", "2/3", "--out", "parts", "-q",
        ])
        .output()
        .expect("runs");
    assert!(!out.status.success(), "the injected failure fails the task");
    let left: Vec<String> = std::fs::read_dir(dir.join("parts"))
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("part-2-of-3"))
        .collect();
    assert!(left.is_empty(), "a dead task left {left:?}");
    let err = run_err(&dir, &["merge", "parts", "--out", "merged"]);
    assert!(
        err.contains("chunks 2..4 (trials 2048..4096) are in no part: missing task 2/3")
            && err.contains("--shard 2/3"),
        "{err}"
    );
    // Re-run alone: the same bytes, and the merge completes.
    let again = read(&shard(&dir, &[], "2/3", "parts"));
    assert!(again == good, "the re-run part differs");
    run_ok(
        &dir,
        &["simulate", "--trials", TRIALS, "--out", "single", "-q"],
    );
    run_ok(&dir, &["merge", "parts", "--out", "merged", "-q"]);
    assert_same_result(&dir.join("single"), &dir.join("merged"), "after a re-run");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn merge_refuses_duplicates_gaps_and_overlaps_by_name() {
    let dir = tmp("shards-coverage");
    for i in 1..=3 {
        shard(&dir, &[], &format!("{i}/3"), "p3");
    }
    shard(&dir, &[], "1/2", "p2");
    let err = run_err(
        &dir,
        &[
            "merge",
            "p3/part-1-of-3.qpart",
            "p3/part-1-of-3.qpart",
            "p3/part-3-of-3.qpart",
        ],
    );
    assert!(
        err.contains(
            "`p3/part-1-of-3.qpart` and `p3/part-1-of-3.qpart` both hold chunks 0..2 (trials 0..2048) (task 1/3): a duplicate"
        ),
        "{err}"
    );
    assert!(
        err.contains("chunks 2..4 (trials 2048..4096) are in no part: missing task 2/3"),
        "{err}"
    );
    let err = run_err(
        &dir,
        &["merge", "p3/part-1-of-3.qpart", "p3/part-2-of-3.qpart"],
    );
    assert!(
        err.contains("chunks 4..7 (trials 4096..7000) are in no part: missing task 3/3"),
        "{err}"
    );
    // Parts of two splits of the same run: they overlap.
    let err = run_err(
        &dir,
        &[
            "merge",
            "p2/part-1-of-2.qpart",
            "p3/part-2-of-3.qpart",
            "p3/part-3-of-3.qpart",
        ],
    );
    assert!(
        err.contains("`p3/part-2-of-3.qpart` (chunks 2..4 (trials 2048..4096)) overlaps `p2/part-1-of-2.qpart` (chunks 0..3 (trials 0..3072))"),
        "{err}"
    );
    assert!(
        !dir.join("output").exists(),
        "a refused merge wrote nothing"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn merge_refuses_parts_of_another_seed_scenario_or_version() {
    let dir = tmp("shards-foreign");
    shard(&dir, &[], "1/2", "a");
    shard(&dir, &[], "2/2", "a");
    shard(&dir, &["--seed", "9"], "2/2", "seed");
    shard(
        &dir,
        &["--set", "scenario.company_target=81e6"],
        "2/2",
        "scenario",
    );
    let err = run_err(
        &dir,
        &["merge", "a/part-1-of-2.qpart", "seed/part-2-of-2.qpart"],
    );
    assert!(
        err.contains("`seed/part-2-of-2.qpart` is of another run than `a/part-1-of-2.qpart`: its seed is 9 where the other's is 2027"),
        "{err}"
    );
    let err = run_err(
        &dir,
        &["merge", "a/part-1-of-2.qpart", "scenario/part-2-of-2.qpart"],
    );
    assert!(
        err.contains("`scenario/part-2-of-2.qpart` is of another run than `a/part-1-of-2.qpart`: its scenario hash is"),
        "{err}"
    );
    // Another quotaplan version: the same part, as another version would
    // have written it (valid checksum, other version).
    let mut part = quotaplan::part::decode(&read(&dir.join("a/part-2-of-2.qpart"))).expect("part");
    part.header.quotaplan_version = "0.0.1".into();
    std::fs::create_dir_all(dir.join("old")).expect("mkdir");
    std::fs::write(
        dir.join("old/part-2-of-2.qpart"),
        quotaplan::part::encode(&part),
    )
    .expect("write");
    let err = run_err(
        &dir,
        &["merge", "a/part-1-of-2.qpart", "old/part-2-of-2.qpart"],
    );
    assert!(
        err.contains("`old/part-2-of-2.qpart` was written by quotaplan 0.0.1, this is quotaplan")
            && err.contains("re-run its task (2/2) with this version"),
        "{err}"
    );
    // A part cut short, and a file that is no part.
    let bytes = read(&dir.join("a/part-2-of-2.qpart"));
    std::fs::write(dir.join("old/cut.qpart"), &bytes[..bytes.len() / 2]).expect("write");
    std::fs::write(dir.join("old/notes.qpart"), "hello").expect("write");
    let err = run_err(
        &dir,
        &[
            "merge",
            "a/part-1-of-2.qpart",
            "old/cut.qpart",
            "old/notes.qpart",
        ],
    );
    assert!(
        err.contains("`old/cut.qpart`: the file is cut short or damaged")
            && err.contains("`old/notes.qpart`: not a quotaplan part file"),
        "{err}"
    );
    // The scenario changed on disk since the tasks ran.
    for f in ["format-example.toml", "format-example-units.csv"] {
        std::fs::copy(repo(&format!("scenarios/{f}")), dir.join(f)).expect("copy");
    }
    for i in 1..=2 {
        let share = format!("{i}/2");
        run_ok(
            &dir,
            &[
                "simulate",
                "format-example.toml",
                "--trials",
                "3000",
                "--shard",
                &share,
                "--out",
                "f",
                "-q",
            ],
        );
    }
    let scen = dir.join("format-example.toml");
    let text = std::fs::read_to_string(&scen).expect("read");
    let changed = text.replace("company_target = 80_000_000", "company_target = 81_000_000");
    assert_ne!(changed, text, "the test changes the target");
    std::fs::write(&scen, changed).expect("write");
    let err = run_err(&dir, &["merge", "f", "--out", "m"]);
    assert!(
        err.contains(
            "the scenario changed since the parts were made: `format-example.toml` hashes to"
        ),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sweep_tasks_merge_to_the_single_process_grid() {
    let dir = tmp("shards-sweep");
    let base = [
        "sweep",
        "--trials",
        "3000",
        "--vary",
        "risks.macro.impact.normal.sd=0.03,0.06,0.09",
        "--vary",
        "scenario.company_target=78e6,82e6",
    ];
    let mut single = base.to_vec();
    single.extend(["--out", "single", "-q"]);
    let printed = run_ok(&dir, &single);
    for n in [2u64, 4] {
        let parts = format!("parts-{n}");
        for i in 1..=n {
            let share = format!("{i}/{n}");
            let mut a = base.to_vec();
            a.extend(["--task", &share, "--out", &parts, "-q"]);
            run_ok(&dir, &a);
        }
        let merged = format!("merged-{n}");
        let out = run_ok(&dir, &["merge", &parts, "--out", &merged, "-q"]);
        assert_eq!(out, printed, "{n} tasks: the printed grid");
        for f in ["sweep.csv", "sweep.json", "sweep.svg"] {
            assert!(
                read(&dir.join("single").join(f)) == read(&dir.join(&merged).join(f)),
                "{n} tasks: {f} differs"
            );
        }
    }
    let err = run_err(
        &dir,
        &[
            "sweep",
            "--vary",
            "scenario.company_target=1e6,2e6",
            "--task",
            "3/3",
        ],
    );
    assert!(err.contains("3 tasks for 2 grid points"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn mitigate_tasks_merge_to_the_single_process_ranking() {
    let dir = tmp("shards-mitigate");
    let base = ["mitigate", "--trials", "2000", "--rebalance-seeds", "2"];
    let mut single = base.to_vec();
    single.extend(["--out", "single", "-q"]);
    let printed = run_ok(&dir, &single);
    for i in 1..=3 {
        let share = format!("{i}/3");
        let mut a = base.to_vec();
        a.extend(["--task", &share, "--out", "parts", "-q"]);
        run_ok(&dir, &a);
    }
    let out = run_ok(&dir, &["merge", "parts", "--out", "merged", "-q"]);
    assert_eq!(out, printed, "the printed ranking");
    for f in ["mitigations.csv", "mitigation_sets.csv"] {
        assert!(
            read(&dir.join("single").join(f)) == read(&dir.join("merged").join(f)),
            "{f} differs"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn shard_flags_are_checked() {
    let dir = tmp("shards-flags");
    let err = run_err(&dir, &["simulate", "--shard", "0/3"]);
    assert!(
        err.contains("I must be 1 to 3 (tasks are counted from 1"),
        "{err}"
    );
    let err = run_err(&dir, &["simulate", "--shard", "4/3"]);
    assert!(err.contains("I must be 1 to 3"), "{err}");
    let err = run_err(&dir, &["simulate", "--shard", "2"]);
    assert!(err.contains("is not a share: give I/N"), "{err}");
    let err = run_err(&dir, &["simulate", "--trials", "2000", "--shard", "1/3"]);
    assert!(
        err.contains("3 tasks for 2 chunks of 1024 trials") && err.contains("use at most 2"),
        "{err}"
    );
    let err = run_err(&dir, &["simulate", "--shard", "1/3", "--precision", "0.01"]);
    assert!(err.contains("cannot be used with"), "{err}");
    let err = run_err(&dir, &["merge", "."]);
    assert!(err.contains("holds no part files"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn slurm_writes_an_array_a_dependent_merge_and_a_submit_script() {
    let dir = tmp("shards-slurm");
    run_ok(
        &dir,
        &[
            "slurm",
            "--shards",
            "4",
            "--partition",
            "short",
            "--time",
            "0:30:00",
            "--mem",
            "2g",
            "--cpus",
            "2",
            "--trials",
            "8000",
            "--out",
            "job",
            "-q",
        ],
    );
    let array = String::from_utf8(read(&dir.join("job/array.sbatch"))).expect("utf-8");
    for want in [
        "#SBATCH --array=0-3",
        "#SBATCH --partition=short",
        "#SBATCH --time=0:30:00",
        "#SBATCH --mem=2G",
        "#SBATCH --cpus-per-task=2",
        "--shard \"$((SLURM_ARRAY_TASK_ID+1))/4\"",
        "simulate --trials 8000",
    ] {
        assert!(array.contains(want), "array.sbatch lacks {want}:\n{array}");
    }
    let merge = String::from_utf8(read(&dir.join("job/merge.sbatch"))).expect("utf-8");
    assert!(
        merge.contains(" merge ") && merge.contains("/job/result"),
        "{merge}"
    );
    let submit = String::from_utf8(read(&dir.join("job/submit.sh"))).expect("utf-8");
    assert!(
        submit.contains("sbatch --parsable array.sbatch")
            && submit.contains("--dependency=afterok:\"$array\" merge.sbatch"),
        "{submit}"
    );
    let err = run_err(&dir, &["slurm", "--shards", "2", "--time", "1:75"]);
    assert!(
        err.contains("is not a Slurm time limit: give MM, MM:SS, HH:MM:SS"),
        "{err}"
    );
    let err = run_err(&dir, &["slurm", "--shards", "2", "--mem", "2GB"]);
    assert!(err.contains("is not a Slurm memory size"), "{err}");
    let err = run_err(&dir, &["slurm", "--shards", "20", "--trials", "10000"]);
    assert!(err.contains("use at most 10 shards"), "{err}");
    // Options that change the result reach the tasks and the merge.
    run_ok(
        &dir,
        &[
            "slurm",
            "--shards",
            "2",
            "--trials",
            "4000",
            "--exact-deals",
            "--bom",
            "--sampler",
            "lhs",
            "--out",
            "job2",
            "-q",
        ],
    );
    let array = String::from_utf8(read(&dir.join("job2/array.sbatch"))).expect("utf-8");
    assert!(
        array.contains("--sampler lhs") && array.contains("--exact-deals"),
        "{array}"
    );
    let merge = String::from_utf8(read(&dir.join("job2/merge.sbatch"))).expect("utf-8");
    assert!(merge.contains(" --bom"), "{merge}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn library_shards_merge_to_the_same_result_with_every_series_kept() {
    use quotaplan::engine::shard::{block, chunk_count, merge_shards, run_shard};
    let toml = std::fs::read_to_string(repo("scenarios/demo.toml")).expect("demo");
    let csv = std::fs::read_to_string(repo("scenarios/demo-units.csv")).expect("units");
    let model = crate::common::load_str(&toml.replace("demo-units.csv", "units.csv"), Some(&csv));
    let mut opts = quotaplan::SimOptions::new(5000, 11);
    opts.keep_rep_trials = true;
    opts.keep_unit_trials = true;
    let quotas = quotaplan::quota::resolve(&model, &opts)
        .expect("quotas")
        .quotas;
    let single = quotaplan::engine::run(&model, &quotas, &opts, None).expect("run");
    let chunks = chunk_count(opts.trials);
    for n in [1, 2, 5] {
        let parts: Vec<_> = (1..=n)
            .map(|i| {
                let o = quotaplan::SimOptions {
                    threads: Some(1 + (i as usize) % 2),
                    ..opts.clone()
                };
                run_shard(&model, &quotas, &o, block(chunks, i, n), None).expect("shard")
            })
            .collect();
        let merged = merge_shards(&model, &quotas, &opts, &parts).expect("merge");
        assert_eq!(
            format!("{merged:?}"),
            format!("{single:?}"),
            "{n} shards: the merged result differs"
        );
        if n > 1 {
            let mut swapped = parts.clone();
            swapped.swap(0, 1);
            assert!(merge_shards(&model, &quotas, &opts, &swapped).is_err());
            assert!(merge_shards(&model, &quotas, &opts, &parts[1..]).is_err());
        }
    }
}
