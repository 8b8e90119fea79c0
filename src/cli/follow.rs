//! `wirelens follow`: one TCP stream's bytes, both directions in order of
//! delivery, as ASCII, a hex dump, or the exact raw bytes.

use super::{finish_output, open_session, report_damage, Outcome};
use crate::flow::follow::{follow, Side};
use crate::flow::follow_text::{for_each_line, TextFormat};
use crate::flow::reassembly::Piece;
use crate::text::sanitize;
use anyhow::Result;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Which {
    Both,
    Client,
    Server,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Ascii,
    Hex,
    Raw,
}

#[derive(Debug, Args)]
pub struct FollowArgs {
    /// Capture file.
    pub file: PathBuf,
    /// The `tcp.stream` number.
    #[arg(long)]
    pub stream: u32,
    #[arg(long, value_enum, default_value_t = Which::Both)]
    pub direction: Which,
    /// ascii: printable text, `.` for other bytes; hex: a dump per chunk
    /// (server chunks indented); raw: the exact bytes (for a pipe or file).
    #[arg(long, value_enum, default_value_t = Format::Ascii)]
    pub format: Format,
}

pub fn run(args: &FollowArgs) -> Result<Outcome> {
    let session = open_session(&args.file)?;
    let trace = session.trace();
    let conv = super::tcp_stream(trace, &args.file, args.stream)?;
    let stream = follow(&trace.store, conv);
    for &hit in &stream.limits {
        trace.limits.report(hit);
    }
    let wanted = |s: Side| match args.direction {
        Which::Both => true,
        Which::Client => s == Side::Client,
        Which::Server => s == Side::Server,
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = (|| -> std::io::Result<()> {
        let chunks = stream.chunks.iter().filter(|c| wanted(c.side));
        if args.format == Format::Raw {
            for c in chunks {
                match c.piece {
                    Piece::Data { bytes, .. } => out.write_all(bytes)?,
                    Piece::Gap { offset, len, .. } => eprintln!(
                        "wirelens: {}: gap of {len} bytes at offset {offset}",
                        c.side.name()
                    ),
                }
            }
        } else {
            let format = if args.format == Format::Hex {
                TextFormat::Hex
            } else {
                TextFormat::Ascii
            };
            let ascii = format == TextFormat::Ascii;
            let mut last: Option<Side> = None;
            let mut failed = Ok(());
            for_each_line(chunks, format, |line| {
                let result = (|| {
                    // ASCII names the sender each time the direction changes.
                    if let (true, Some(side)) = (ascii, line.side) {
                        if last != Some(side) {
                            let (from, to) = match side {
                                Side::Client => (stream.client, stream.server),
                                Side::Server => (stream.server, stream.client),
                            };
                            let head = format!("==== {} {from} → {to} ====", side.name());
                            writeln!(out, "{}", sanitize(&head))?;
                            last = Some(side);
                        }
                    }
                    // Already printable ASCII; sanitised anyway.
                    writeln!(out, "{}", sanitize(&line.text))
                })();
                match result {
                    Ok(()) => ControlFlow::Continue(()),
                    Err(e) => {
                        failed = Err(e);
                        ControlFlow::Break(())
                    }
                }
            });
            failed?;
        }
        if args.format != Format::Raw {
            for side in [Side::Client, Side::Server]
                .into_iter()
                .filter(|&s| wanted(s))
            {
                let t = stream.totals(side);
                eprintln!(
                    "wirelens: {}: {} bytes, {} gaps ({} missing, {} cut by snaplen, {} dropped)",
                    side.name(),
                    t.bytes,
                    t.gaps,
                    t.missing_bytes,
                    t.cut_bytes,
                    t.dropped_bytes
                );
            }
        }
        out.flush()
    })();
    finish_output(written)?;
    Ok(report_damage(&args.file, trace))
}
