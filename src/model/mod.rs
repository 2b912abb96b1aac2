//! Validated domain types: pure data, no I/O.

pub mod correlation;
pub mod dist;
