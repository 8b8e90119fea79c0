//! The `wirelens` binary: parses arguments and runs a command (see `cli`).

use clap::Parser;
use std::process::ExitCode;
use wirelens::cli::{self, Cli, Command, Outcome};

fn main() -> ExitCode {
    let args = Cli::parse_from(cli::tshark_spellings(std::env::args_os()));
    let keys = match cli::read_key_logs(&args.keylog) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("wirelens: {e:#}");
            return ExitCode::from(2);
        }
    };
    cli::set_keys(keys.clone());
    let captured = args
        .command
        .is_none()
        .then(|| cli::capture::run(&args.capture, &keys))
        .flatten();
    let result = match &args.command {
        Some(Command::List(a)) => cli::list::run(a),
        Some(Command::Http(a)) => cli::http::run(a),
        Some(Command::Export(a)) => cli::export::run(a),
        Some(Command::Flows(a)) => cli::flows::run(a),
        Some(Command::Follow(a)) => cli::follow::run(a),
        Some(Command::Ladder(a)) => cli::ladder::run(a),
        Some(Command::Journey(a)) => cli::journey::run(a),
        Some(Command::Stats(a)) => cli::stats::run(a),
        // -D, -i: an interface instead of a file.
        None if captured.is_some() => captured.unwrap_or(Ok(Outcome::Ok)),
        None => {
            let path = args.file.clone().unwrap_or_else(|| {
                concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/sample-captures/textbook-visit.pcap"
                )
                .into()
            });
            // A capture that cannot be read was shown in the TUI; it is
            // reported again after the terminal is restored, and exits 2.
            match wirelens::ui::run_with_keys(path, keys) {
                Ok(wirelens::ui::Exit::Quit) => Ok(Outcome::Ok),
                Ok(wirelens::ui::Exit::LoadFailed(e)) => Err(anyhow::anyhow!(e)),
                Err(e) => Err(e.into()),
            }
        }
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
