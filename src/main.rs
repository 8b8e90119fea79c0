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
    if args.run.write_config {
        return match cli::write_config(args.run.config.as_deref()) {
            Ok(path) => {
                println!("wrote {}", path.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("wirelens: {e:#}");
                ExitCode::from(2)
            }
        };
    }
    // A --config file must be usable (2 if not); the default file is read by
    // the TUI, which says on its status line when it cannot use it.
    let config = match args
        .run
        .config
        .as_deref()
        .map(|p| cli::load_config(Some(p)))
        .transpose()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("wirelens: {e:#}");
            return ExitCode::from(2);
        }
    };
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
        Some(Command::Completions(a)) => cli::generate::run_completions(a),
        Some(Command::Man) => cli::generate::run_man(),
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
            let run = match config {
                Some(c) => wirelens::ui::run_with_config(path, keys, c.clone(), None),
                None => wirelens::ui::run_with_keys(path, keys),
            };
            match run {
                Ok(wirelens::ui::Exit::Quit) => Ok(Outcome::Ok),
                Ok(wirelens::ui::Exit::LoadFailed(e)) => Err(anyhow::anyhow!(e)),
                Err(e) => Err(e.into()),
            }
        }
    };
    match result {
        Ok(outcome) => ExitCode::from(outcome.exit_status(args.run.fail_empty)),
        Err(e) => {
            eprintln!("wirelens: {e:#}");
            ExitCode::from(2)
        }
    }
}
