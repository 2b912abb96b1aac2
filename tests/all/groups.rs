//! Roll-ups of reps by grouping keys (region, manager, declared keys):
//! a group's P(hit) is counted from the same trials as the reps' (checked
//! against the reps' kept per-trial sales), its moments match closed
//! forms, it is the same for any thread count, gates can name it, and bad
//! grouping keys are refused with their place in the file.

use crate::common::{K_SE, assert_within_se, load_full, load_str, quotaplan, repo, tmp};
use quotaplan::engine::{self, RepTrials, SimOptions};

/// The format example with every rep given a region, a manager and a
/// declared `channel` (units read from the repository's CSV).
pub fn grouped_format_example() -> String {
    let text = std::fs::read_to_string(repo("scenarios/format-example.toml")).expect("reads");
    let groups = [
        ("R01", "华东", "M01", "direct"),
        ("R02", "华东", "M01", "partner"),
        ("R03", "华东", "M02", "direct"),
        ("R04", "华南", "M02", "direct"),
        ("R05", "华南", "M03", "partner"),
        ("R06", "华南", "M03", "direct"),
        ("R07", "华北", "M04", "direct"),
        ("R08", "华北", "M04", "partner"),
        ("R09", "华北", "M04", "direct"),
        ("R10", "华东", "M01", "direct"),
        ("R11", "华南", "M03", "partner"),
        ("R12", "华北", "M04", "direct"),
    ];
    let mut s = text.replace(
        "file = \"format-example-units.csv\"",
        &format!(
            "file = {:?}",
            repo("scenarios/format-example-units.csv")
                .display()
                .to_string()
        ),
    );
    for (id, region, manager, channel) in groups {
        s = s.replace(
            &format!("id = \"{id}\"\n"),
            &format!(
                "id = \"{id}\"\nregion = \"{region}\"\nmanager = \"{manager}\"\nchannel = \"{channel}\"\n"
            ),
        );
    }
    s.replacen(
        "[[risks]]",
        "[groups]\nkeys = [\"channel\"]\n\n[[risks]]",
        1,
    )
}

fn grouped_model() -> quotaplan::model::Model {
    let loaded = load_example(&grouped_format_example());
    let msgs: Vec<String> = loaded.errors().map(|p| p.plain(&loaded.sources)).collect();
    loaded.scenario.unwrap_or_else(|| panic!("{msgs:?}")).model
}

/// A variant of the format example (units by their absolute path).
fn load_example(text: &str) -> quotaplan::scenario::Loaded {
    quotaplan::scenario::load(
        "grouped.toml",
        text,
        &quotaplan::scenario::MemoryLoader(vec![(
            repo("scenarios/format-example-units.csv")
                .display()
                .to_string(),
            std::fs::read_to_string(repo("scenarios/format-example-units.csv")).expect("reads"),
        )]),
        quotaplan::scenario::Purpose::Simulate,
    )
}

#[test]
fn groups_come_in_key_order_then_first_appearance() {
    let m = grouped_model();
    let g = m.rep_groups();
    let names: Vec<String> = g.iter().map(|g| format!("{}.{}", g.by, g.id)).collect();
    assert_eq!(
        names,
        [
            "region.华东",
            "region.华南",
            "region.华北",
            "manager.M01",
            "manager.M02",
            "manager.M03",
            "manager.M04",
            "channel.direct",
            "channel.partner"
        ]
    );
    assert_eq!(g[0].reps, vec![0, 1, 2, 9]);
    // Each key's groups cover every rep once.
    for key in ["region", "manager", "channel"] {
        let mut all: Vec<usize> = g
            .iter()
            .filter(|x| x.by == key)
            .flat_map(|x| x.reps.clone())
            .collect();
        all.sort_unstable();
        assert_eq!(all, (0..12).collect::<Vec<_>>(), "{key}");
    }
}

#[test]
fn group_hits_and_sales_are_the_sums_of_the_reps_own_trials() {
    let m = grouped_model();
    let quotas = quotaplan::quota::resolve(&m, &SimOptions::new(3000, 7))
        .unwrap()
        .quotas;
    let opts = SimOptions {
        keep_rep_trials: true,
        threads: Some(2),
        ..SimOptions::new(3000, 7)
    };
    let res = engine::run(&m, &quotas, &opts, None).unwrap();
    let RepTrials::Kept { sales, .. } = &res.rep_trials else {
        panic!("rep trials kept");
    };
    for (g, st) in m.rep_groups().iter().zip(&res.groups) {
        let quota: f64 = g.reps.iter().map(|&r| quotas[r]).sum();
        assert_eq!(st.quota.to_bits(), quota.to_bits(), "{}", g.id);
        let per_trial: Vec<f64> = (0..res.trials as usize)
            .map(|t| g.reps.iter().map(|&r| sales[r][t]).sum())
            .collect();
        let hits = per_trial.iter().filter(|&&x| x >= quota).count() as u64;
        assert_eq!(
            st.hits, hits,
            "{}.{}: hits from the same trials",
            g.by, g.id
        );
        let mean = per_trial.iter().sum::<f64>() / per_trial.len() as f64;
        assert!(
            (st.sales.mean - mean).abs() <= 1e-9 * mean.abs(),
            "{}: mean {} vs {mean}",
            g.id,
            st.sales.mean
        );
        // Not the product (or any function) of the reps' probabilities:
        // the group's chance differs from the reps' joint chance.
        let all_reps = (0..res.trials as usize)
            .filter(|&t| g.reps.iter().all(|&r| sales[r][t] >= quotas[r]))
            .count() as u64;
        if g.reps.len() > 1 {
            assert!(hits > all_reps, "{}: P(group) above P(every rep)", g.id);
        }
    }
}

#[test]
fn a_group_of_independent_reps_matches_the_irwin_hall_closed_form() {
    // Three reps with fixed potential 1,000,000 and productivity uniform on
    // [0.5, 1.5], independent: group sales / 1e6 - 1.5 is Irwin–Hall(3).
    // Quotas 1.1e6 each: P(sum >= 3.3) = 1 - F_IH3(1.8) with
    // F(x) = (-2x³ + 9x² - 9x + 3) / 6 on [1, 2]: 1 - 4.296 / 6.
    let mut toml = String::from(
        "[scenario]\ncompany_target = 3300000\n[rep_defaults]\nproductivity = { uniform = { min = 0.5, max = 1.5 } }\n",
    );
    let mut csv = String::from("id,potential,owner\n");
    for r in ["A", "B", "C"] {
        toml.push_str(&format!(
            "[[reps]]\nid = \"{r}\"\nquota = 1100000\nregion = \"East\"\n"
        ));
        csv.push_str(&format!("u{r},1000000,{r}\n"));
    }
    toml.push_str("[units]\nfile = \"units.csv\"\n");
    let m = load_str(&toml, Some(&csv));
    let n = 200_000;
    let res = crate::common::run(&m, n, 11, 2);
    let g = &res.groups[0];
    let p = g.hits as f64 / n as f64;
    let want = 1.0 - 4.296 / 6.0;
    assert_within_se(
        "P(group hit)",
        p,
        want,
        (want * (1.0 - want) / n as f64).sqrt(),
    );
    // Mean 3e6 (sum of the reps' means) and sd sqrt(3 / 12) × 1e6.
    let sd = (3.0f64 / 12.0).sqrt() * 1e6;
    assert_within_se("group mean", g.sales.mean, 3e6, sd / (n as f64).sqrt());
    assert!((g.sales.sd() / sd - 1.0).abs() < K_SE * (0.5 / n as f64).sqrt() * 1.2);
    // The histogram median sits at the symmetric centre.
    assert!((g.sales_quantile(0.5) / 3e6 - 1.0).abs() < 0.005);
}

#[test]
fn groups_are_the_same_for_any_thread_count() {
    let m = grouped_model();
    let summaries: Vec<String> = [1, 2, 8]
        .iter()
        .map(|&t| {
            let sim = crate::common::simulation(&m, 5000, 3, t);
            serde_json::to_string(&sim.summary(&m, Vec::new()).groups).unwrap()
        })
        .collect();
    assert!(summaries[0].contains("华东"));
    assert_eq!(summaries[0], summaries[1]);
    assert_eq!(summaries[0], summaries[2]);
}

fn write_grouped(dir: &std::path::Path) -> String {
    let path = dir.join("grouped.toml");
    std::fs::write(&path, grouped_format_example()).expect("writes");
    path.to_str().expect("utf-8").to_string()
}

#[test]
fn summary_csv_and_terminal_show_the_groups() {
    let dir = tmp("groups-outputs");
    let s = write_grouped(&dir);
    let out = quotaplan()
        .args(["simulate", &s, "--trials", "2000", "--out"])
        .arg(dir.join("out"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("By region") && table.contains("By channel"),
        "{table}"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("out/summary.json")).unwrap()).unwrap();
    let g = &summary["groups"][0];
    assert_eq!(
        (g["by"].as_str(), g["id"].as_str(), g["reps"].as_u64()),
        (Some("region"), Some("华东"), Some(4))
    );
    assert_eq!(
        g["quota"].as_f64(),
        Some(7_900_000.0 + 9_500_000.0 + 6_800_000.0 + 8_000_000.0)
    );
    for k in ["mean", "sd", "p10", "p50", "p90"] {
        assert!(g["sales"][k].is_f64(), "{k}");
    }
    for k in ["p_hit", "p_hit_se"] {
        assert!(g[k].is_f64(), "{k}");
    }
    assert_eq!(g["p_hit_ci95"].as_array().map(Vec::len), Some(2));
    let csv = std::fs::read_to_string(dir.join("out/groups.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 9, "{csv}");
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with("region,华东,4,32200000,"),
        "{csv}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn gates_name_groups_by_key_and_value() {
    let dir = tmp("groups-gates");
    let base = write_grouped(&dir);
    let worse = dir.join("worse.toml");
    std::fs::write(
        &worse,
        grouped_format_example().replace("quota = 7_900_000", "quota = 9_900_000"),
    )
    .unwrap();
    let worse = worse.to_str().unwrap();
    let gate = |g: &str| {
        quotaplan()
            .args(["compare", &base, worse, "--trials", "3000", "--max-drop", g])
            .output()
            .unwrap()
    };
    // R01 (华东, M01, direct) gets a heavier quota: 华东 drops, 华南 does not.
    let fail = gate("groups.region.华东.p_hit=0.02");
    assert_eq!(
        fail.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&fail.stderr)
    );
    assert!(String::from_utf8_lossy(&fail.stdout).contains("FAIL"));
    let pass = gate("groups.region.华南.p_hit=0.02");
    assert_eq!(
        pass.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&pass.stderr)
    );
    let unknown = gate("groups.region.华西.p_hit=0.02");
    assert_eq!(unknown.status.code(), Some(2));
    let err = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        err.contains("unknown metric `groups.region.华西.p_hit`; no such group: the summary has groups.region.华东, groups.region.华南, groups.region.华北"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_grouping_keys_are_refused_with_their_place() {
    let toml = "[scenario]\ncompany_target = 100\n\
[groups]\nkeys = [\"channel\", \"quota\", \"region\", \"a.b\", \"channel\"]\n\
[[reps]]\nid = \"A\"\nquota = 50\nregion = \"East\"\nchannel = \"direct\"\nteam = \"x\"\n\
[[reps]]\nid = \"B\"\nquota = 50\nchannel = \"\"\n\
[[units]]\nid = \"u\"\npotential = 100\nowner = \"A\"\n";
    let loaded = load_full(toml, None);
    assert!(loaded.scenario.is_none());
    let msgs: Vec<String> = loaded.errors().map(|p| p.plain(&loaded.sources)).collect();
    let all = msgs.join("\n");
    for want in [
        "test.toml:4:20: `quota` is a rep setting, not a grouping key",
        "test.toml:4:29: `region` is always a grouping key: leave it out of [groups] keys",
        "test.toml:4:39: grouping key `a.b` must be letters a-z, digits, `_` or `-`",
        "test.toml:4:46: grouping key `channel` is declared twice",
        "test.toml:10:1: unknown key `team` in [[reps]]",
        "declared first: [groups] keys = [\"channel\"]",
        "test.toml:12:6: rep `B` has no `region`, but other reps have one",
        "test.toml:14:11: `channel` is empty",
    ] {
        assert!(all.contains(want), "missing {want:?} in:\n{all}");
    }
}

#[test]
fn round_to_rounds_computed_quotas_and_keeps_the_total() {
    let mut text = std::fs::read_to_string(repo("scenarios/format-example.toml")).unwrap();
    text = text
        .replace(
            "file = \"format-example-units.csv\"",
            &format!(
                "file = {:?}",
                repo("scenarios/format-example-units.csv")
                    .display()
                    .to_string()
            ),
        )
        .replace(
            "method = \"given\"",
            "method = \"proportional\"\nround_to = 10000",
        );
    let loaded = load_example(&text);
    let m = loaded.model().expect("valid").clone();
    assert_eq!(m.quotas.round_to, Some(10000.0));
    let q = quotaplan::quota::resolve(&m, &SimOptions::new(2000, 1))
        .unwrap()
        .quotas;
    let total: f64 = q.iter().sum();
    assert_eq!(total, 88_000_000.0, "exactly the pool");
    for x in &q {
        assert_eq!(x % 10000.0, 0.0, "{x} is a multiple of 10,000");
    }
    // A step above the average quota is refused where it is written.
    let bad = text.replace("round_to = 10000", "round_to = 9000000");
    let loaded = load_example(&bad);
    let msg: Vec<String> = loaded.errors().map(|p| p.plain(&loaded.sources)).collect();
    assert!(
        msg.iter().any(
            |m| m.contains("`round_to` (9000000) is larger than the average quota (7333333.33")
        ),
        "{msg:?}"
    );
}
