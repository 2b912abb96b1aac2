//! `quotaplan`: thin entry point; everything happens in `cli::run`.

// No `allow` of the print lints here: the print macros panic on a closed
// pipe, so the CLI writes only through `cli::output` and `cli::terminal`.

mod cli;

fn main() {
    std::process::exit(cli::run());
}
