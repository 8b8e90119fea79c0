//! `wirelens follow`: one TCP stream's bytes, both directions in order of
//! delivery, as ASCII, a hex dump, or the exact raw bytes.

use super::{finish_output, open_session, report_damage, Outcome};
use crate::flow::follow::{follow, Side};
use crate::flow::follow_text::{for_each_line, TextFormat};
use crate::flow::reassembly::Piece;
use crate::text::{ascii_or_dot, hex_dump_row, sanitize};
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
    /// tshark's `-z follow,tls,raw` text (with --tls).
    Tshark,
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
    /// The decrypted TLS application data instead of the TCP bytes, as
    /// tshark's `-z follow,tls` (needs the session's keys: --keylog, or a
    /// pcapng with a Decryption Secrets Block). With `--format tshark`, the
    /// exact text of `tshark -q -z follow,tls,raw,N`.
    #[arg(long)]
    pub tls: bool,
    /// One JSON object per line per chunk of the stream: `tcp.stream`,
    /// `direction`, `frame.number`, `offset`, `length`, and `data` (hex) or
    /// `gap` (why the bytes are missing).
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

pub fn run(args: &FollowArgs) -> Result<Outcome> {
    let session = open_session(&args.file)?;
    let trace = session.trace();
    let conv = super::tcp_stream(trace, &args.file, args.stream)?;
    if args.tls {
        return run_tls(args, &session);
    }
    if args.format == Format::Tshark {
        anyhow::bail!("--format tshark is the text of tshark's follow,tls: use it with --tls");
    }
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
        if args.json {
            for c in chunks {
                let v = match c.piece {
                    Piece::Data {
                        packet,
                        offset,
                        bytes,
                    } => serde_json::json!({
                        "tcp.stream": args.stream, "direction": c.side.name(),
                        "frame.number": packet + 1, "offset": offset,
                        "length": bytes.len(), "data": hex(bytes), "gap": null,
                    }),
                    Piece::Gap {
                        offset,
                        len,
                        reason,
                    } => serde_json::json!({
                        "tcp.stream": args.stream, "direction": c.side.name(),
                        "frame.number": null, "offset": offset,
                        "length": len, "data": null, "gap": reason.description(),
                    }),
                };
                super::json::line(&mut out, &v)?;
            }
        } else if args.format == Format::Raw {
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
        if args.format != Format::Raw && !args.json {
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

/// `follow --tls`: the decrypted application data of the stream's TLS
/// connection, one chunk per record, in capture order.
fn run_tls(args: &FollowArgs, session: &crate::session::Session) -> Result<Outcome> {
    let trace = session.trace();
    let conv_index = trace
        .conversations
        .all()
        .iter()
        .position(|c| c.protocol == crate::flow::Protocol::Tcp && c.stream == args.stream)
        .map(|i| i as u32);
    let conn = conv_index.and_then(|i| session.http().tls.of_conversation(i));
    let Some(conn) = conn else {
        anyhow::bail!("tcp.stream {} is not TLS", args.stream);
    };
    if !conn.keys_found {
        eprintln!(
            "wirelens: no key for the TLS session of tcp.stream {} (give one with --keylog)",
            args.stream
        );
    }
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let client = conn.client;
    let wanted = |d: crate::flow::Direction| match args.direction {
        Which::Both => true,
        Which::Client => d == client,
        Which::Server => d != client,
    };
    let written = (|| -> std::io::Result<()> {
        if args.format == Format::Tshark {
            let text = crate::tls::follow::tshark_raw(
                &trace.conversations,
                &session.http().tls,
                args.stream,
            )
            .unwrap_or_default();
            return out.write_all(text.as_bytes());
        }
        let mut last = None;
        let mut offsets = [0u64; 2];
        for (dir, bytes) in conn.app_data().into_iter().filter(|(d, _)| wanted(*d)) {
            let side = if dir == client {
                Side::Client
            } else {
                Side::Server
            };
            if args.json {
                let o = &mut offsets[dir.index()];
                let v = serde_json::json!({
                    "tcp.stream": args.stream, "direction": side.name(), "frame.number": null,
                    "offset": *o, "length": bytes.len(), "data": hex(bytes), "gap": null,
                });
                *o += bytes.len() as u64;
                super::json::line(&mut out, &v)?;
                continue;
            }
            match args.format {
                Format::Raw => out.write_all(bytes)?,
                Format::Ascii => {
                    if last != Some(side) {
                        writeln!(out, "==== {} ====", side.name())?;
                        last = Some(side);
                    }
                    let text: String = bytes
                        .iter()
                        .map(|&b| if b == b'\n' { '\n' } else { ascii_or_dot(b) })
                        .collect();
                    for line in text.strip_suffix('\n').unwrap_or(&text).split('\n') {
                        writeln!(out, "{}", sanitize(line))?;
                    }
                }
                Format::Hex | Format::Tshark => {
                    let indent = if side == Side::Server { "    " } else { "" };
                    let o = &mut offsets[dir.index()];
                    for (i, line) in bytes.chunks(16).enumerate() {
                        writeln!(out, "{indent}{}", hex_dump_row(*o + 16 * i as u64, line))?;
                    }
                    *o += bytes.len() as u64;
                }
            }
        }
        out.flush()
    })();
    finish_output(written)?;
    Ok(report_damage(&args.file, trace))
}
