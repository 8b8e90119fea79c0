//! `wirelens follow`: one TCP stream's bytes, both directions in order of
//! delivery, as ASCII, a hex dump, or the exact raw bytes.

use super::{finish_output, open_session, report_damage, Outcome};
use crate::flow::follow::{follow, Side};
use crate::flow::reassembly::{GapReason, Piece};
use crate::text::{ascii_or_dot, hex_dump_row, sanitize};
use anyhow::Result;
use clap::{Args, ValueEnum};
use std::io::Write;
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

fn gap_reason(r: GapReason) -> &'static str {
    match r {
        GapReason::NotCaptured => "missing in capture file",
        GapReason::CutBySnaplen => "cut by the snaplen",
        GapReason::BufferLimit => "dropped (too much out-of-order data)",
    }
}

pub fn run(args: &FollowArgs) -> Result<Outcome> {
    let session = open_session(&args.file)?;
    let trace = session.trace();
    let conv = super::tcp_stream(trace, &args.file, args.stream)?;
    let stream = follow(trace, conv);
    let wanted = |s: Side| match args.direction {
        Which::Both => true,
        Which::Client => s == Side::Client,
        Which::Server => s == Side::Server,
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = (|| -> std::io::Result<()> {
        let mut last: Option<Side> = None;
        for c in stream.chunks.iter().filter(|c| wanted(c.side)) {
            match args.format {
                Format::Raw => match c.piece {
                    Piece::Data { bytes, .. } => out.write_all(bytes)?,
                    Piece::Gap { offset, len, .. } => eprintln!(
                        "wirelens: {}: gap of {len} bytes at offset {offset}",
                        c.side.name()
                    ),
                },
                Format::Ascii => {
                    if last != Some(c.side) {
                        let (from, to) = match c.side {
                            Side::Client => (stream.client, stream.server),
                            Side::Server => (stream.server, stream.client),
                        };
                        let head = format!("==== {} {from} → {to} ====", c.side.name());
                        writeln!(out, "{}", sanitize(&head))?;
                        last = Some(c.side);
                    }
                    match c.piece {
                        Piece::Data { bytes, .. } => {
                            let text: String = bytes
                                .iter()
                                .map(|&b| if b == b'\n' { '\n' } else { ascii_or_dot(b) })
                                .collect();
                            // Already printable ASCII and newlines; sanitised anyway.
                            for line in text.strip_suffix('\n').unwrap_or(&text).split('\n') {
                                writeln!(out, "{}", sanitize(line))?;
                            }
                        }
                        Piece::Gap { len, reason, .. } => {
                            writeln!(out, "[{len} bytes {}]", gap_reason(reason))?;
                        }
                    }
                }
                Format::Hex => {
                    let indent = if c.side == Side::Server { "    " } else { "" };
                    match c.piece {
                        Piece::Data { bytes, offset, .. } => {
                            for (i, line) in bytes.chunks(16).enumerate() {
                                let row = hex_dump_row(offset + 16 * i as u64, line);
                                writeln!(out, "{indent}{row}")?;
                            }
                        }
                        Piece::Gap {
                            offset,
                            len,
                            reason,
                        } => writeln!(
                            out,
                            "{indent}{offset:08X}  [{len} bytes {}]",
                            gap_reason(reason)
                        )?,
                    }
                }
            }
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
