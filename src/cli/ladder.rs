//! `wirelens ladder`: the ladder diagram of one TCP stream, as text.

use super::{finish_output, open_session, report_damage, stdout, Outcome};
use crate::flow::ladder::{ladder_with_tls, render_text_with_heads};
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
    let text = render_text_with_heads(
        &ladder_with_tls(&trace.store, &trace.conversations, conv, args.all, tls),
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
