//! Integration tests: one binary, shared helpers in `common`.

// Tests report what they checked.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod atomic;
mod backtest;
mod backtest_run;
mod cli;
mod common;
mod compare;
mod deals;
mod docs;
mod engine_closed_form;
mod errors;
mod exact;
mod excel;
mod fit;
mod format_example;
mod golden;
mod groups;
mod hostile;
mod layout;
mod many_reps;
mod pipes;
mod planner;
mod quota_analytics;
mod reforecast;
mod report;
mod shards;
mod split;
mod terminal;
mod territory;
mod webfont;
mod whatif;
