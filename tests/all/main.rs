//! Integration tests: one binary, shared helpers in `common`.

mod cli;
mod common;
mod engine_closed_form;
mod errors;
mod format_example;
mod golden;
mod quota_analytics;
mod report;
mod split;
mod whatif;
