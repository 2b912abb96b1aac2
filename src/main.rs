//! `quotaplan`: thin entry point; everything happens in `cli::run`.

// The command line is where printing belongs.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cli;

fn main() {
    std::process::exit(cli::run());
}
