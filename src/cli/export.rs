//! `wirelens export`: writes HTTP bodies into a directory.

use super::{open_session, report_damage, Outcome};
use crate::http::export::{export_each, prepare_dir, ExportError, ExportOptions, Written};
use crate::text::sanitize;
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Capture file.
    pub file: PathBuf,
    /// Directory to write into (created if missing).
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub dir: PathBuf,
    /// Only this TCP stream.
    #[arg(long)]
    pub stream: Option<u32>,
    /// Also bodies of incomplete messages (capture ended, gaps).
    #[arg(long)]
    pub all: bool,
    /// Keep the Content-Encoding (do not decompress).
    #[arg(long)]
    pub raw: bool,
    /// Replace existing regular files.
    #[arg(long)]
    pub force: bool,
    /// Stop decoding a body past this many bytes (decompression bombs).
    #[arg(long, value_name = "BYTES", default_value_t = crate::http::content::DEFAULT_DECODED_LIMIT)]
    pub max_decoded: u64,
    /// One JSON object per line per file written (`name`, `bytes`,
    /// `frame.number`, `partial`, `note`); the summary goes to standard error.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &ExportArgs) -> Result<Outcome> {
    let session = open_session(&args.file)?;
    let trace = session.trace();
    let opts = ExportOptions {
        stream: args.stream,
        all: args.all,
        raw: args.raw,
        limit: args.max_decoded,
    };
    let dir = prepare_dir(&args.dir).context("export")?;
    let (mut bytes, mut written, mut failed) = (0u64, 0usize, 0usize);
    // Bodies are decoded and written in parallel; lines print in capture
    // order, each as soon as its body is written.
    let mut output: Result<()> = Ok(());
    let mut report = |result: Result<Written, ExportError>| match result {
        Ok(w) => {
            bytes += w.bytes;
            written += 1;
            if output.is_ok() {
                output = print_written(&w, args.json);
            }
        }
        Err(e) => {
            failed += 1;
            eprintln!("wirelens: {}", sanitize(&e.to_string()));
        }
    };
    export_each(
        &trace.store,
        &trace.conversations,
        session.http(),
        &opts,
        &dir,
        args.force,
        &mut report,
    );
    output?;
    let summary = format!(
        "{written} files, {bytes} bytes written to {}{}",
        sanitize(&dir.display().to_string()),
        if failed > 0 {
            format!("; {failed} failed")
        } else {
            String::new()
        }
    );
    if args.json {
        eprintln!("wirelens: {summary}");
    } else {
        println!("{summary}");
    }
    let damage = report_damage(&args.file, trace);
    // Like cp, an export in which any file failed ends with an error.
    match (failed, written) {
        (0, w) => Ok(damage.or_empty(w == 0)),
        (_, 0) => anyhow::bail!("no file could be written"),
        (f, w) => anyhow::bail!("{f} of {} files could not be written", f + w),
    }
}

/// One line for a body written: tab-separated text, or a JSON object.
fn print_written(w: &Written, json: bool) -> Result<()> {
    if json {
        let v = serde_json::json!({
            "name": sanitize(&w.name), "bytes": w.bytes, "frame.number": w.frame,
            "partial": w.partial, "note": w.note.as_deref().map(sanitize),
        });
        let mut out = std::io::stdout().lock();
        return super::finish_output(super::json::line(&mut out, &v));
    }
    let mut note = String::new();
    if w.partial {
        note.push_str(" (partial)");
    }
    if let Some(n) = &w.note {
        note.push_str(&format!(" ({})", sanitize(n)));
    }
    println!(
        "{}\t{} bytes\tframe {}{}",
        sanitize(&w.name),
        w.bytes,
        w.frame,
        note
    );
    Ok(())
}
