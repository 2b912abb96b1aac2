//! One module per command: arguments to library calls to output.

pub mod backtest;
pub mod compare;
pub mod fit;
pub mod generate;
pub mod init;
pub mod merge;
pub mod mitigate;
pub mod quotas;
pub mod report;
pub mod simulate;
pub mod slurm;
pub mod split;
pub mod sweep;
pub mod validate;
