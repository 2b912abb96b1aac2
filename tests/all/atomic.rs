//! Result folders under `kill -9`: a folder is the complete old result or
//! the complete new one whenever the writer dies, the next run cleans up
//! and recovers, entries the run does not own survive, unsafe targets are
//! refused, and a failing step leaves the old result whole with an error.
//!
//! The writer's test hooks (`QUOTAPLAN_WRITE_PAUSE_MS`,
//! `QUOTAPLAN_WRITE_FAIL`, `QUOTAPLAN_WRITE_EXCHANGE`) are described in
//! `src/cli/output.rs` and docs/src/reliability.md (Atomic outputs).

use crate::common::{quotaplan, tmp};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_quotaplan");
const MARKER: &str = ".quotaplan-run";
/// What `simulate` writes (besides the marker).
const FILES: [&str; 9] = [
    "summary.json",
    "reps.csv",
    "quarters.csv",
    "rep_quarters.csv",
    "risks.csv",
    "groups.csv",
    "charts.json",
    "planner.json",
    "run.json",
];

/// Every file under `dir` by relative path (folders as `path/`), or `None`
/// when `dir` does not exist.
type Snapshot = BTreeMap<String, Vec<u8>>;

fn snapshot(dir: &Path) -> Option<Snapshot> {
    fn walk(root: &Path, dir: &Path, out: &mut Snapshot) {
        for e in std::fs::read_dir(dir).expect("readable folder") {
            let path = e.expect("entry").path();
            let rel = path
                .strip_prefix(root)
                .expect("below root")
                .to_string_lossy()
                .into_owned();
            if path.is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                walk(root, &path, out);
            } else {
                out.insert(rel, std::fs::read(&path).expect("readable file"));
            }
        }
    }
    if !dir.exists() {
        return None;
    }
    let mut out = Snapshot::new();
    walk(dir, dir, &mut out);
    Some(out)
}

/// `quotaplan simulate --trials 1000 --seed SEED --out OUT -q`, stdout
/// discarded, test hooks cleared.
fn simulate(out: &Path, seed: u64) -> Command {
    let mut c = Command::new(BIN);
    c.args(["simulate", "--trials", "1000", "--seed", &seed.to_string()])
        .arg("--out")
        .arg(out)
        .arg("-q")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .env_remove("QUOTAPLAN_WRITE_PAUSE_MS")
        .env_remove("QUOTAPLAN_WRITE_FAIL")
        .env_remove("QUOTAPLAN_WRITE_EXCHANGE");
    c
}

fn run_ok(mut c: Command) {
    let out = c.stderr(Stdio::piped()).output().expect("runs");
    assert!(
        out.status.success(),
        "{c:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A normal run that writes into `parent` (a generated scenario there), and
/// so cleans up dead runs' leftovers in it.
fn write_into(parent: &Path) {
    let mut c = Command::new(BIN);
    c.args([
        "generate", "--units", "4", "--reps", "2", "--risks", "3", "--seed", "1", "--quiet",
    ])
    .arg("--out")
    .arg(parent.join("g.toml"))
    .env_remove("QUOTAPLAN_WRITE_PAUSE_MS")
    .env_remove("QUOTAPLAN_WRITE_FAIL");
    run_ok(c);
}

/// The hidden entries in `parent` and in `d`: leftovers, besides the
/// markers of result folders.
fn leftovers(parent: &Path, d: &Path) -> Vec<String> {
    let hidden = |dir: &Path, keep: &str| -> Vec<String> {
        std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with('.') && n != keep)
                    .map(|n| dir.join(n).display().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out = hidden(parent, MARKER);
    out.extend(hidden(d, MARKER));
    out
}

/// The run id in a snapshot's marker.
fn marker_run(s: &Snapshot) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(s.get(MARKER)?).ok()?;
    Some(v["run"].as_str()?.to_string())
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum State {
    Old,
    New,
}

/// Which complete result `d` holds: the old one (`old`, byte for byte, and
/// its entries that are not simulate's, `others`) or the new one (every
/// file as in the reference `new_ref` of the same seed, a fresh `run.json`
/// and marker). With `others_may_be_away`, entries that are not simulate's
/// may be missing (moved to the killed run's hidden folder until the next
/// run); those present must be intact.
fn state(
    d: &Path,
    old: &Snapshot,
    new_ref: &Snapshot,
    others_may_be_away: bool,
) -> Result<State, String> {
    let now = snapshot(d).ok_or_else(|| format!("{} is missing", d.display()))?;
    let is_result = |k: &str| k == MARKER || FILES.contains(&k);
    // Entries that are not simulate's: as in the old folder.
    for (k, v) in now.iter().filter(|(k, _)| !is_result(k)) {
        if old.get(k) != Some(v) {
            return Err(format!("{k} is not what the folder held before"));
        }
    }
    for k in old.keys().filter(|k| !is_result(k)) {
        if !now.contains_key(k) && !others_may_be_away {
            return Err(format!("{k} is gone"));
        }
    }
    let result = |s: &Snapshot| -> Snapshot {
        s.iter()
            .filter(|(k, _)| is_result(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    let (now_r, old_r) = (result(&now), result(old));
    if now_r == old_r {
        return Ok(State::Old);
    }
    let mut problems = Vec::new();
    let want: Vec<&str> = FILES.iter().copied().chain([MARKER]).collect();
    let have: Vec<&str> = now_r.keys().map(String::as_str).collect();
    let mut want_sorted = want.clone();
    want_sorted.sort_unstable();
    if have != want_sorted {
        problems.push(format!("files {have:?}, want {want_sorted:?}"));
    }
    for f in FILES.iter().filter(|f| **f != "run.json") {
        if now_r.get(*f) != new_ref.get(*f) {
            let from_old = now_r.get(*f) == old_r.get(*f);
            problems.push(format!(
                "{f} is {}",
                if from_old {
                    "the old one"
                } else {
                    "neither old nor new"
                }
            ));
        }
    }
    let run_json = now_r
        .get("run.json")
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok());
    if run_json.as_ref().and_then(|v| v["trials"].as_u64()) != Some(1000)
        || now_r.get("run.json") == old_r.get("run.json")
    {
        problems.push("run.json is not this run's".into());
    }
    match marker_run(&now_r) {
        Some(r) if Some(&r) != marker_run(&old_r).as_ref() => {
            let v: serde_json::Value = serde_json::from_slice(&now_r[MARKER]).expect("json");
            let files: Vec<&str> = v["files"]
                .as_array()
                .map(|a| a.iter().filter_map(|f| f.as_str()).collect())
                .unwrap_or_default();
            if v["command"] != "simulate" || files != FILES {
                problems.push(format!("marker {v}"));
            }
        }
        _ => problems.push("the marker is not this run's".into()),
    }
    if problems.is_empty() {
        Ok(State::New)
    } else {
        Err(format!("a mix: {}", problems.join("; ")))
    }
}

/// Reference results of seeds 1 and 2, each in a folder of its own.
fn references(root: &Path) -> (Snapshot, Snapshot) {
    let r = |seed: u64| {
        let dir = root.join(format!("ref{seed}"));
        run_ok(simulate(&dir, seed));
        snapshot(&dir).expect("written")
    };
    (r(1), r(2))
}

/// Foreign entries: a file and a folder of the user's, and another
/// command's results (a `split/` written by quotaplan itself).
fn add_others(d: &Path) {
    std::fs::write(d.join("notes.txt"), "mine\n").expect("write");
    std::fs::create_dir_all(d.join("mine/deeper")).expect("mkdir");
    std::fs::write(d.join("mine/deeper/x.csv"), "a,b\n1,2\n").expect("write");
    if !d.join("split").exists() {
        std::fs::create_dir_all(d.join("split")).expect("mkdir");
        std::fs::write(d.join("split/assignment.csv"), "unit,old,new\n").expect("write");
    }
}

/// Starts a seed-2 run with the step hook, kills it (`kill -9`) once it has
/// announced step `step` (0-based), and reaps it. `None`: the run finished
/// before announcing that step. `Some(line)`: the step it was killed after.
fn kill_after_step(d: &Path, step: usize, exchange: bool, pause_ms: u64) -> Option<String> {
    let mut c = simulate(d, 2);
    c.env("QUOTAPLAN_WRITE_PAUSE_MS", pause_ms.to_string())
        .stderr(Stdio::piped());
    if !exchange {
        c.env("QUOTAPLAN_WRITE_EXCHANGE", "0");
    }
    let mut child = c.spawn().expect("spawns");
    let stderr = child.stderr.take().expect("piped");
    let mut seen = 0;
    let mut killed_after = None;
    for line in BufReader::new(stderr).lines() {
        let line = line.expect("utf-8");
        if !line.starts_with("quotaplan-write: ") {
            continue;
        }
        if seen == step {
            child.kill().expect("kill -9");
            killed_after = Some(line);
            break;
        }
        seen += 1;
    }
    let status = child.wait().expect("reaped");
    if killed_after.is_none() {
        assert!(status.success(), "the run failed: {status}");
    }
    killed_after
}

/// For every step of the writer, kill a run right after it: the folder is
/// the complete old or new result at once (in the fallback, it may be
/// missing for a moment, then the next write into its parent completes the
/// swap), and the next run recovers and leaves no leftovers.
fn kill_at_every_step(name: &str, exchange: bool, others: bool) {
    let root = tmp(name);
    let (ref1, ref2) = references(&root);
    let parent = root.join("p");
    let d = parent.join("D");
    let mut seen_states = Vec::new();
    for step in 0.. {
        // The old result: seed 1 (the previous iteration may have left the new one).
        let seed1 = snapshot(&d).is_some_and(|s| s.get("summary.json") == ref1.get("summary.json"));
        if !seed1 {
            let _ = std::fs::remove_dir_all(&parent);
            run_ok(simulate(&d, 1));
            if others {
                add_others(&d);
            }
        }
        let old = snapshot(&d).expect("old result");
        assert_eq!(
            old.get("summary.json"),
            ref1.get("summary.json"),
            "seed 1 before each kill"
        );
        let Some(line) = kill_after_step(&d, step, exchange, 60) else {
            println!("{name}: the run has {step} steps; each was killed after once");
            break;
        };
        let now = match snapshot(&d) {
            None if !exchange => {
                // Between the fallback's two renames: the next write into
                // the parent finishes the swap.
                write_into(&parent);
                state(&d, &old, &ref2, false)
            }
            None => Err(format!("{} is missing", d.display())),
            Some(_) => state(&d, &old, &ref2, others),
        };
        let now = now.unwrap_or_else(|e| panic!("{name}: killed after `{line}`: {e}"));
        println!("{name}: killed after `{line}`: {now:?}");
        seen_states.push(now);
        // The next run into the parent recovers: everything back, no leftovers.
        write_into(&parent);
        let after = state(&d, &old, &ref2, false)
            .unwrap_or_else(|e| panic!("{name}: after recovery from `{line}`: {e}"));
        assert_eq!(
            after, now,
            "{name}: recovery changed the result after `{line}`"
        );
        assert_eq!(
            leftovers(&parent, &d),
            Vec::<String>::new(),
            "{name}: leftovers after recovery from `{line}`"
        );
    }
    assert!(
        seen_states.contains(&State::Old) && seen_states.contains(&State::New),
        "{name}: kills landed both before and after the swap: {seen_states:?}"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn kill_at_every_write_step_exchange() {
    kill_at_every_step("kill-steps-exchange", true, false);
}

#[test]
fn kill_at_every_write_step_exchange_with_other_entries() {
    kill_at_every_step("kill-steps-exchange-others", true, true);
}

#[test]
fn kill_at_every_write_step_two_renames_with_other_entries() {
    kill_at_every_step("kill-steps-fallback-others", false, true);
}

/// xorshift64*: the delays are random but the same on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// Kills runs at random moments (fixed seed for the delays), alternating
/// seeds so every run replaces the previous result; after each kill the
/// folder is complete (old or new). The killed runs clean up after each
/// other; a last normal run leaves no leftovers.
///
/// The delays are drawn over the length of a calibration run, but a loaded
/// machine can make the killed runs slower than that, so that every kill
/// lands before the swap. The test must still see both sides: when one is
/// missing after `kills` kills, further kills aim at it (no delay for the
/// old side, ever longer delays for the new one) until it is seen.
fn kill_at_random(name: &str, exchange: bool, kills: usize) {
    let root = tmp(name);
    let (ref1, ref2) = references(&root);
    let parent = root.join("p");
    let d = parent.join("D");
    run_ok(simulate(&d, 1));
    let pause_ms = 5;
    // How long a whole run takes with the hook's pauses (the longer of two).
    let mut whole = Duration::ZERO;
    for seed in [2, 1] {
        let started = Instant::now();
        let mut c = simulate(&d, seed);
        c.env("QUOTAPLAN_WRITE_PAUSE_MS", pause_ms.to_string());
        run_ok(c);
        whole = whole.max(started.elapsed());
    }
    let mut rng = Rng(0x5eed_2026_1130);
    let mut counts = BTreeMap::new();
    let mut phases: BTreeMap<String, usize> = BTreeMap::new();
    let mut i = 0;
    loop {
        let seen = |s: &str| counts.contains_key(s);
        let aim = if i < kills {
            None
        } else if !seen("Old") {
            Some(false)
        } else if !seen("New") {
            Some(true)
        } else {
            break;
        };
        assert!(
            i < kills * 4,
            "{name}: {i} kills never landed on both sides of the swap: {counts:?}; {phases:?}"
        );
        let old = snapshot(&d).expect("a result");
        let seed = if old.get("summary.json") == ref1.get("summary.json") {
            2
        } else {
            1
        };
        let new_ref = if seed == 1 { &ref1 } else { &ref2 };
        // Up to 1.3 whole runs: from before the write to after the end.
        let random = Duration::from_micros(rng.next() % (whole.as_micros() as u64 * 13 / 10 + 1));
        let delay = match aim {
            None => random,
            Some(false) => Duration::ZERO,
            // Each aimed kill waits one more whole run than the last.
            Some(true) => whole * (i + 2 - kills) as u32,
        };
        let mut c = simulate(&d, seed);
        c.env("QUOTAPLAN_WRITE_PAUSE_MS", pause_ms.to_string())
            .stderr(Stdio::piped());
        if !exchange {
            c.env("QUOTAPLAN_WRITE_EXCHANGE", "0");
        }
        let mut child = c.spawn().expect("spawns");
        let stderr = BufReader::new(child.stderr.take().expect("piped"));
        let reader = std::thread::spawn(move || {
            stderr
                .lines()
                .map_while(Result::ok)
                .filter(|l| l.starts_with("quotaplan-write: "))
                .last()
        });
        std::thread::sleep(delay);
        let _ = child.kill();
        child.wait().expect("reaped");
        // Where the kill landed: the last step the run announced.
        let phase = match reader.join().expect("reader") {
            None => "before the write".to_string(),
            Some(l) if l.contains(": remove-old ") => "after the write".to_string(),
            Some(l) => format!(
                "during the write, after {}",
                l.split(' ').nth(1).unwrap_or("?")
            ),
        };
        *phases.entry(phase).or_insert(0) += 1;
        let now = match snapshot(&d) {
            None if !exchange => {
                write_into(&parent);
                state(&d, &old, new_ref, false)
            }
            _ => state(&d, &old, new_ref, false),
        };
        let now = now.unwrap_or_else(|e| panic!("{name}: kill {i} after {delay:?}: {e}"));
        *counts.entry(format!("{now:?}")).or_insert(0) += 1;
        i += 1;
    }
    println!("{name}: {i} kills over a {whole:?} run: {counts:?}; {phases:?}");
    assert!(
        counts.len() == 2,
        "{name}: kills landed both before and after the swap: {counts:?}"
    );
    assert!(
        phases.keys().any(|p| p.starts_with("during")),
        "{name}: some kills landed during the write: {phases:?}"
    );
    // A normal run cleans up every leftover.
    run_ok(simulate(&d, 1));
    assert_eq!(leftovers(&parent, &d), Vec::<String>::new());
    let last = snapshot(&d).expect("result");
    for f in FILES.iter().filter(|f| **f != "run.json") {
        assert_eq!(last.get(*f), ref1.get(*f), "{f}");
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn kill_at_random_moments_exchange() {
    kill_at_random("kill-random-exchange", true, 30);
}

#[test]
fn kill_at_random_moments_two_renames() {
    kill_at_random("kill-random-fallback", false, 15);
}

/// `split` of the demo into `out` (the demo's tolerance is infeasible, exit
/// 1, but the plan is written).
fn split(out: &Path) {
    let res = quotaplan()
        .args(["split", "--trials", "200", "-q", "--out"])
        .arg(out)
        .output()
        .expect("runs");
    assert!(
        matches!(res.status.code(), Some(0 | 1)) && out.join("split.json").is_file(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
}

#[test]
fn other_entries_survive_a_new_result() {
    let root = tmp("atomic-others");
    let d = root.join("D");
    run_ok(simulate(&d, 1));
    split(&d.join("split"));
    quotaplan()
        .args(["report", "--charts", "svg", "-q"])
        .arg(&d)
        .assert()
        .success();
    add_others(&d);
    // An orphan of the old writer, from a process long gone.
    std::fs::write(d.join(".summary.json.tmp-4194304"), "half").expect("write");
    let before = snapshot(&d).expect("written");
    for kept in [
        "report.html",
        "charts/",
        "charts/p-attain.svg",
        "split/",
        "split/split.json",
        "notes.txt",
    ] {
        assert!(before.contains_key(kept), "{kept} written");
    }
    run_ok(simulate(&d, 2));
    let after = snapshot(&d).expect("written");
    for (k, v) in &before {
        let result = k == MARKER || FILES.contains(&k.as_str());
        if k.ends_with(".tmp-4194304") {
            assert!(
                !after.contains_key(k),
                "the dead run's orphan {k} is cleaned up"
            );
        } else if !result {
            assert_eq!(after.get(k), Some(v), "{k} kept as it was");
        } else if k != MARKER && k != "run.json" {
            assert_ne!(after.get(k), Some(v), "{k} replaced by the new run");
        }
    }
    assert_eq!(leftovers(&root, &d), Vec::<String>::new());

    // A result folder nested in another: a new split keeps its own folder's
    // foreign file and the parent's entries.
    std::fs::write(d.join("split/mine.txt"), "x").expect("write");
    let before = snapshot(&d).expect("written");
    split(&d.join("split"));
    let after = snapshot(&d).expect("written");
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    assert_eq!(after["split/mine.txt"], b"x");
    assert_eq!(after["summary.json"], before["summary.json"]);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn stale_files_of_the_same_command_go() {
    let root = tmp("atomic-stale");
    let s = root.join("S");
    let sweep = |varies: &[&str]| {
        let mut c = quotaplan();
        c.args(["sweep", "--trials", "200", "-q", "--out"]).arg(&s);
        for v in varies {
            c.args(["--vary", v]);
        }
        c.assert().success();
    };
    sweep(&["risks.macro.impact.normal.sd=0.05,0.1"]);
    assert!(s.join("sweep.svg").is_file(), "one key: a heatmap");
    std::fs::write(s.join("notes.txt"), "mine").expect("write");
    sweep(&[
        "risks.macro.impact.normal.sd=0.05,0.1",
        "scenario.months=12",
        "quotas.over_assignment=0.1,0.2",
    ]);
    assert!(
        !s.join("sweep.svg").exists(),
        "three keys: no heatmap, the old one goes"
    );
    assert!(s.join("sweep.csv").is_file());
    assert_eq!(std::fs::read(s.join("notes.txt")).expect("kept"), b"mine");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn refuses_the_working_folder_its_ancestors_and_home() {
    let root = tmp("atomic-refuse");
    let work = root.join("a/b");
    std::fs::create_dir_all(&work).expect("mkdir");
    std::fs::write(work.join("mine.txt"), "x").expect("write");
    let cases: [(&[&str], &str); 4] = [
        (
            &["simulate", "--trials", "100", "--out", "."],
            "it is the working folder",
        ),
        (
            &["simulate", "--trials", "100", "--out", ".."],
            "it holds the working folder",
        ),
        (
            &[
                "sweep",
                "--trials",
                "100",
                "--vary",
                "scenario.months=12",
                "--out",
                ".",
            ],
            "it is the working folder",
        ),
        (
            &["split", "--trials", "100", "--out", "../.."],
            "it holds the working folder",
        ),
    ];
    for (args, why) in cases {
        let out = quotaplan()
            .args(args)
            .current_dir(&work)
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} refused");
        assert!(
            err.contains("refusing") && err.contains(why),
            "{args:?}: {err}"
        );
        assert!(err.contains("--out results"), "says what to do: {err}");
    }
    let home = root.join("home");
    std::fs::create_dir_all(&home).expect("mkdir");
    let out = quotaplan()
        .args(["simulate", "--trials", "100", "--out"])
        .arg(&home)
        .env("HOME", &home)
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("it is your home folder"));
    // Nothing written anywhere.
    let all = snapshot(&root).expect("exists");
    assert_eq!(
        all.keys().collect::<Vec<_>>(),
        ["a/", "a/b/", "a/b/mine.txt", "home/"]
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// A run whose step `step` fails: exit 1, an error naming the path, the old
/// result whole and nothing left behind.
fn fails_whole(name: &str, step: &str, exchange: bool) {
    let root = tmp(name);
    let d = root.join("D");
    run_ok(simulate(&d, 1));
    add_others(&d);
    let old = snapshot(&d).expect("written");
    let mut c = simulate(&d, 2);
    c.env("QUOTAPLAN_WRITE_FAIL", step);
    if !exchange {
        c.env("QUOTAPLAN_WRITE_EXCHANGE", "0");
    }
    let out = c.stderr(Stdio::piped()).output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{step}: {err}");
    let root_text = root.display().to_string();
    assert!(
        err.contains("error: cannot write `") && err.contains(&root_text),
        "{step}: the error names the path: {err}"
    );
    assert!(err.contains("injected failure"), "{step}: {err}");
    assert_eq!(
        snapshot(&d).as_ref(),
        Some(&old),
        "{step}: the old result is whole"
    );
    assert_eq!(leftovers(&root, &d), Vec::<String>::new(), "{step}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_failing_step_leaves_the_old_result_and_says_where() {
    for (step, exchange) in [
        ("create", true),
        ("file", true),
        ("file#4", true),
        ("marker", true),
        ("migrate", true),
        ("migrate#2", true),
        ("exchange", true),
        ("rename-old", false),
        ("rename-new", false),
    ] {
        fails_whole(
            &format!("atomic-fail-{}", step.replace('#', "-")),
            step,
            exchange,
        );
    }
}

#[test]
fn a_failing_first_write_leaves_nothing() {
    let root = tmp("atomic-fail-place");
    let d = root.join("D");
    let out = simulate(&d, 1)
        .env("QUOTAPLAN_WRITE_FAIL", "place")
        .stderr(Stdio::piped())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&d.display().to_string()));
    assert!(!d.exists());
    assert_eq!(leftovers(&root, &d), Vec::<String>::new());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn an_old_result_that_cannot_be_removed_is_a_warning_and_goes_next_time() {
    let root = tmp("atomic-fail-remove");
    let d = root.join("D");
    run_ok(simulate(&d, 1));
    let out = simulate(&d, 2)
        .env("QUOTAPLAN_WRITE_FAIL", "remove-old")
        .stderr(Stdio::piped())
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("warning: could not remove the previous result"),
        "{err}"
    );
    assert_eq!(leftovers(&root, &d).len(), 1, "the old result is left");
    write_into(&root);
    assert_eq!(leftovers(&root, &d), Vec::<String>::new());
    let _ = std::fs::remove_dir_all(&root);
}

/// The parent made read-only once the new folder is prepared: the swap's
/// rename is refused by the system (not injected). Root writes into
/// read-only folders anyway (CI runs as root), so as root the runs are made
/// as `nobody` through `setpriv`; without it the test skips with a note and
/// the injected failures above cover the same paths.
#[cfg(unix)]
#[test]
fn a_read_only_parent_leaves_the_old_result() {
    use std::os::unix::fs::PermissionsExt;
    const NOBODY: u32 = 65534;
    fn chown_all(p: &Path) {
        std::os::unix::fs::chown(p, Some(NOBODY), Some(NOBODY)).expect("chown");
        if p.is_dir() {
            for e in std::fs::read_dir(p).expect("readable") {
                chown_all(&e.expect("entry").path());
            }
        }
    }
    let root = tmp("atomic-read-only");
    let parent = root.join("p");
    let d = parent.join("D");
    std::fs::create_dir_all(&parent).expect("mkdir");
    let set_mode = |mode| {
        std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(mode)).expect("chmod")
    };
    set_mode(0o555);
    let privileged = std::fs::write(parent.join("probe"), "x").is_ok();
    set_mode(0o755);
    let _ = std::fs::remove_file(parent.join("probe"));
    let setpriv = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("setpriv"))
        .find(|p| p.is_file());
    let as_user = |mut c: Command| -> Command {
        match (&setpriv, privileged) {
            (Some(sp), true) => {
                let mut wrapped = Command::new(sp);
                wrapped
                    .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                    .arg(c.get_program())
                    .args(c.get_args())
                    .envs(c.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
                    .stdin(Stdio::null())
                    .stdout(Stdio::null());
                for (k, v) in c.get_envs() {
                    if v.is_none() {
                        wrapped.env_remove(k);
                    }
                }
                wrapped
            }
            _ => {
                c.stdin(Stdio::null());
                c
            }
        }
    };
    if privileged {
        if setpriv.is_none() {
            eprintln!(
                "SKIP: a_read_only_parent_leaves_the_old_result: root writes into read-only folders and setpriv is not on PATH to run as nobody; the injected failures test the same paths"
            );
            let _ = std::fs::remove_dir_all(&root);
            return;
        }
        chown_all(&parent);
    }
    run_ok(as_user(simulate(&d, 1)));
    add_others(&d);
    if privileged {
        chown_all(&d);
    }
    let old = snapshot(&d).expect("written");
    let mut c = as_user(simulate(&d, 2));
    c.env("QUOTAPLAN_WRITE_PAUSE_MS", "300")
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawns");
    let stderr = BufReader::new(child.stderr.take().expect("piped"));
    let mut text = String::new();
    for line in stderr.lines() {
        let line = line.expect("utf-8");
        if line.starts_with("quotaplan-write: marker") {
            set_mode(0o555);
        }
        text.push_str(&line);
        text.push('\n');
    }
    let status = child.wait().expect("reaped");
    set_mode(0o755);
    assert_eq!(status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!("error: cannot write `{}`: ", d.display())),
        "{text}"
    );
    // The old result is whole, the entries that had moved are back; the
    // new folder could not be removed from the read-only parent: a warning,
    // and the next run removes it.
    assert_eq!(snapshot(&d).as_ref(), Some(&old));
    assert!(text.contains("warning: could not remove"), "{text}");
    run_ok(as_user(simulate(&d, 1)));
    assert_eq!(leftovers(&parent, &d), Vec::<String>::new());
    let _ = std::fs::remove_dir_all(&root);
}

/// Starts `c` with the step hook (`pause_ms` after each step) and returns
/// once it has announced its first `step`; the child is still running.
fn start_until(mut c: Command, pause_ms: u64, step: &str) -> std::process::Child {
    c.env("QUOTAPLAN_WRITE_PAUSE_MS", pause_ms.to_string())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawns");
    let mut lines = BufReader::new(child.stderr.take().expect("piped")).lines();
    let prefix = format!("quotaplan-write: {step} ");
    for line in lines.by_ref() {
        if line.expect("utf-8").starts_with(&prefix) {
            break;
        }
    }
    // Keep draining stderr so the child never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    child
}

/// Runs writing into the same folders at the same time take turns: none
/// deletes another's live temporaries, each result is complete, nothing is
/// left behind.
#[test]
fn concurrent_runs_take_turns() {
    let root = tmp("atomic-concurrent");
    let (_, ref2) = references(&root);
    let parent = root.join("p");
    let d = parent.join("D");
    run_ok(simulate(&d, 1));
    add_others(&d);
    std::fs::remove_dir_all(d.join("split")).expect("rm");
    let others = snapshot(&d).expect("written");

    // A replaces D slowly; B writes a split nested in D, C the same result
    // again, D a single file beside D, all while A is writing.
    let mut a = start_until(simulate(&d, 2), 100, "create");
    let mut b = Command::new(BIN);
    b.args(["split", "--trials", "200", "-q", "--out"])
        .arg(d.join("split"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let b = b.spawn().expect("spawns");
    let c = simulate(&d, 2)
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    let mut g = Command::new(BIN);
    g.args([
        "generate", "--units", "4", "--reps", "2", "--risks", "3", "--seed", "1", "--quiet",
    ])
    .arg("--out")
    .arg(parent.join("g.toml"))
    .stderr(Stdio::piped());
    let g = g.spawn().expect("spawns");
    assert!(a.wait().expect("reaped").success(), "A");
    for (name, child) in [("split", b), ("simulate", c), ("generate", g)] {
        let out = child.wait_with_output().expect("reaped");
        assert!(
            matches!(out.status.code(), Some(0 | 1))
                && !String::from_utf8_lossy(&out.stderr).contains("error:"),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let after = snapshot(&d).expect("written");
    for f in FILES.iter().filter(|f| **f != "run.json") {
        assert_eq!(after.get(*f), ref2.get(*f), "{f} is the new result's");
    }
    for (k, v) in others
        .iter()
        .filter(|(k, _)| *k != MARKER && !FILES.contains(&k.as_str()))
    {
        assert_eq!(after.get(k), Some(v), "{k} kept");
    }
    assert!(
        after.contains_key("split/split.json"),
        "the nested split is there"
    );
    assert!(parent.join("g.toml").is_file());
    assert_eq!(leftovers(&parent, &d), Vec::<String>::new());
    assert_eq!(leftovers(&d, &d.join("split")), Vec::<String>::new());
    let _ = std::fs::remove_dir_all(&root);
}
