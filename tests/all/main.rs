//! Integration tests: one binary, shared helpers in `common`.

mod common;
mod engine_closed_form;
mod errors;
