//! The `wirelens` binary: parses arguments and runs a command (see `cli`).

use clap::Parser;
use std::process::ExitCode;
use wirelens::cli::{self, Cli, Command, Outcome};

fn main() -> ExitCode {
    let args = Cli::parse();
    let result = match &args.command {
        Some(Command::List(a)) => cli::list::run(a),
        Some(Command::Http(a)) => cli::http::run(a),
        Some(Command::Export(a)) => cli::export::run(a),
        None => Err(anyhow::anyhow!(
            "the interactive view is not built yet; use `wirelens list FILE`"
        )),
    };
    match result {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Damaged) => ExitCode::from(2),
        Err(e) => {
            eprintln!("wirelens: {e:#}");
            ExitCode::from(2)
        }
    }
}
