//! `quotaplan`: thin entry point; everything happens in `cli::run`.

mod cli;

fn main() {
    std::process::exit(cli::run());
}
