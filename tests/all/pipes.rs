//! Closed pipes: `quotaplan … | head` must end quietly. Each command runs
//! with stdout (or stderr) on a pipe whose reading end is already closed,
//! so every write fails with EPIPE, deterministically (no race with `head`).

use crate::common::{repo, tmp};
use std::process::{Command, Stdio};

/// Runs the binary with stdout and/or stderr on a pipe nobody reads.
fn run_closed(args: &[&str], close_stdout: bool, close_stderr: bool, dir: &std::path::Path) -> i32 {
    let bin = assert_cmd::cargo::cargo_bin("quotaplan");
    let mut c = Command::new(bin);
    c.args(args).current_dir(dir).stdin(Stdio::null());
    if close_stdout {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        c.stdout(writer);
    } else {
        c.stdout(Stdio::null());
    }
    if close_stderr {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        c.stderr(writer);
    } else {
        c.stderr(Stdio::piped());
    }
    let out = c.output().expect("quotaplan runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "{args:?} panicked on a closed pipe:\n{stderr}"
    );
    out.status.code().expect("exits, not killed by a signal")
}

#[test]
fn a_closed_stdout_ends_quietly_with_success() {
    let d = tmp("pipes-stdout");
    // A copy: `quotas` writes its scenario beside the one it reads.
    for f in ["demo.toml", "demo-units.csv"] {
        std::fs::copy(repo(&format!("scenarios/{f}")), d.join(f)).unwrap();
    }
    let demo = d.join("demo.toml");
    let demo = demo.to_str().unwrap();
    let out = d.join("out");
    let out = out.to_str().unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["simulate", "--trials", "500", "--out", out],
        vec!["simulate", "--trials", "500", "--json", "--out", out],
        vec!["simulate", demo, "--trials", "500", "--out", out],
        vec!["validate", demo],
        vec!["quotas", demo, "--trials", "500", "--out", out],
        vec!["quotas", demo, "--trials", "500", "--json", "--out", out],
        vec!["validate", "--json", demo],
        vec![
            "simulate", "--trials", "500", "--color", "always", "--out", out,
        ],
        vec!["--help"],
        vec!["simulate", "--help"],
        vec!["--version"],
        vec!["completions", "bash"],
        vec!["completions", "zsh"],
        vec!["completions", "fish"],
        vec!["init", "--help"],
    ];
    for args in &cases {
        assert_eq!(run_closed(args, true, false, &d), 0, "{args:?}");
    }
}

#[test]
fn a_closed_stderr_never_panics_and_keeps_the_exit_code() {
    let d = tmp("pipes-stderr");
    let demo = repo("scenarios/demo.toml");
    let demo = demo.to_str().unwrap();
    let out = d.join("out");
    let out = out.to_str().unwrap();
    // Success still succeeds; errors keep their status although nobody can
    // read the message.
    for (args, code) in [
        (vec!["simulate", "--trials", "500", "--out", out], 0),
        (vec!["validate", demo], 0),
        (vec!["validate", "missing.toml"], 2),
        (vec!["simulate", "missing.toml", "--out", out], 2),
        (vec!["simulate", "--trials", "80%"], 2),
        (
            vec!["simulate", "--set", "reps.0.quota=oops", "--out", out],
            1,
        ),
        (vec!["no-such-command"], 2),
    ] {
        assert_eq!(run_closed(&args, true, true, &d), code, "{args:?}");
        assert_eq!(run_closed(&args, false, true, &d), code, "{args:?}");
    }
}
