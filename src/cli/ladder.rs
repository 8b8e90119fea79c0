//! `wirelens ladder`: the ladder diagram of one TCP stream, as text.

use super::{finish_output, open_session, report_damage, stdout, Outcome};
use crate::flow::ladder::{ladder_with_tls, render_text_with_heads, Row};
use crate::text::sanitize;
use anyhow::Result;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct LadderArgs {
    /// Capture file.
    pub file: PathBuf,
    /// The `tcp.stream` number.
    #[arg(long)]
    pub stream: u32,
    /// One row per segment: do not fold runs of data segments.
    #[arg(long)]
    pub all: bool,
    /// Head the lifelines with names from the capture's own DNS answers
    /// (the address and port follow in brackets).
    #[arg(short = 'N', long)]
    pub names: bool,
    /// Width of the diagram in columns.
    #[arg(long, default_value_t = 100)]
    pub width: usize,
    /// One JSON object per line per row: `type` (phase, segment or fold),
    /// then a phase's `label`; a segment's `frame.number`,
    /// `tcp.time_relative`, `direction`, `tcp.flags`, `flag_names`
    /// (Wireshark's names), `tcp.seq`, `tcp.ack`, `tcp.len`,
    /// `tcp.window_size` and `analysis`; a fold's `direction`, first and last
    /// `frames`, `segments`, `bytes`, `acks`, `start` and `end`.
    #[arg(long)]
    pub json: bool,
}

fn row_json(row: &Row) -> serde_json::Value {
    use super::json::seconds;
    match row {
        Row::Phase(p) => serde_json::json!({"type": "phase", "label": p.label()}),
        Row::Segment(s) => serde_json::json!({
            "type": "segment", "frame.number": s.packet + 1,
            "tcp.time_relative": seconds(s.time_ns), "direction": s.from.name(),
            "tcp.flags": s.flags.bits(), "flag_names": s.flag_names(), "tcp.seq": s.seq,
            "tcp.ack": s.ack, "tcp.len": s.len, "tcp.window_size": s.win,
            "analysis": s.analysis,
        }),
        Row::Fold(f) => serde_json::json!({
            "type": "fold", "direction": f.from.name(),
            "frames": [f.first_packet + 1, f.last_packet + 1], "segments": f.segments,
            "bytes": f.bytes, "acks": f.acks, "start": seconds(f.start_ns), "end": seconds(f.end_ns),
        }),
    }
}

pub fn run(args: &LadderArgs) -> Result<Outcome> {
    let session = open_session(&args.file)?;
    let trace = session.trace();
    let conv = super::tcp_stream(trace, &args.file, args.stream)?;
    // The TLS handshake as its own phase, when the connection is TLS.
    let tls = trace
        .store
        .entry(conv.first_packet as usize)
        .and_then(|e| session.http().tls.of_conversation(e.conversation))
        .and_then(crate::tls::TlsConnection::handshake_packets);
    let names = args.names.then(|| session.names());
    let head = |addr| super::journey::named_endpoint(addr, names, conv.first_packet);
    let ladder = ladder_with_tls(&trace.store, &trace.conversations, conv, args.all, tls);
    if args.json {
        let mut out = stdout();
        let written = (|| -> std::io::Result<()> {
            for row in &ladder.rows {
                super::json::line(&mut out, &row_json(row))?;
            }
            out.flush()
        })();
        finish_output(written)?;
        return Ok(report_damage(&args.file, trace));
    }
    let text = render_text_with_heads(
        &ladder,
        args.width,
        &head(conv.client()),
        &head(conv.server()),
    );
    let mut out = stdout();
    let written = (|| -> std::io::Result<()> {
        for line in text.lines() {
            writeln!(out, "{}", sanitize(line))?;
        }
        out.flush()
    })();
    finish_output(written)?;
    Ok(report_damage(&args.file, trace))
}
