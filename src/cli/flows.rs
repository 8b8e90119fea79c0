//! `wirelens flows`: one row per conversation (like tshark -z conv), with the
//! handshake RTT and how each TCP connection ended; `--json` for scripts.

use super::{finish_output, open_session, report_damage, stdout, Outcome};
use crate::flow::life::life;
use crate::flow::{Conversation, Protocol};
use crate::text::sanitize;
use crate::trace::Trace;
use anyhow::Result;
use clap::{Args, ValueEnum};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortKey {
    Start,
    Bytes,
    Packets,
    Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProtoFilter {
    Tcp,
    Udp,
}

#[derive(Debug, Args)]
pub struct FlowsArgs {
    /// Capture file.
    pub file: PathBuf,
    /// Print a JSON array of objects.
    #[arg(long)]
    pub json: bool,
    /// Order of the rows (bytes, packets and duration: largest first).
    #[arg(long, value_enum, default_value_t = SortKey::Start)]
    pub sort: SortKey,
    /// Only this protocol.
    #[arg(long, value_enum)]
    pub proto: Option<ProtoFilter>,
    /// Keep only conversations with a packet matching this display filter.
    #[arg(short = 'Y', long = "display-filter", value_name = "FILTER")]
    pub display_filter: Option<String>,
}

/// One row of the table.
struct FlowRow {
    protocol: Protocol,
    stream: u32,
    client: String,
    server: String,
    /// client→server, server→client.
    packets: [u32; 2],
    bytes: [u64; 2],
    start_ns: i64,
    duration_ns: i64,
    rtt_ns: Option<i64>,
    ending: String,
}

fn row(trace: &Trace, c: &Conversation) -> FlowRow {
    let (cd, _) = c.client_direction();
    let (ci, si) = (cd.index(), cd.reverse().index());
    let first = trace.store.first_timestamp().unwrap_or(c.first_ts);
    let life = life(&trace.store, c);
    FlowRow {
        protocol: c.protocol,
        stream: c.stream,
        client: c.client().to_string(),
        server: c.server().to_string(),
        packets: [c.packets[ci], c.packets[si]],
        bytes: [c.bytes[ci], c.bytes[si]],
        start_ns: c.first_ts.saturating_sub(first),
        duration_ns: c.duration_ns(),
        rtt_ns: c.tcp.as_ref().and_then(|t| t.initial_rtt_ns),
        ending: life.map(|l| l.ending()).unwrap_or_default(),
    }
}

fn secs(ns: i64) -> f64 {
    ns as f64 / 1e9
}

pub fn run(args: &FlowsArgs) -> Result<Outcome> {
    let filter = super::compile_filter(args.display_filter.as_deref())?;
    let session = open_session(&args.file)?;
    let trace = session.trace();
    let matching = super::matching_by_conversation(&session, filter.as_ref());
    let mut rows: Vec<FlowRow> = trace
        .conversations
        .all()
        .iter()
        .enumerate()
        .filter(|(id, _)| {
            matching
                .as_ref()
                .is_none_or(|m| m.contains_key(&(*id as u32)))
        })
        .map(|(_, c)| c)
        .filter(|c| match args.proto {
            Some(ProtoFilter::Tcp) => c.protocol == Protocol::Tcp,
            Some(ProtoFilter::Udp) => c.protocol == Protocol::Udp,
            None => true,
        })
        .map(|c| row(trace, c))
        .collect();
    match args.sort {
        SortKey::Start => {}
        SortKey::Bytes => rows.sort_by_key(|r| std::cmp::Reverse(r.bytes[0] + r.bytes[1])),
        SortKey::Packets => rows
            .sort_by_key(|r| std::cmp::Reverse(u64::from(r.packets[0]) + u64::from(r.packets[1]))),
        SortKey::Duration => rows.sort_by_key(|r| std::cmp::Reverse(r.duration_ns)),
    }
    let mut out = stdout();
    let written = (|| -> std::io::Result<()> {
        if args.json {
            let list: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    json!({
                        "stream": r.stream,
                        "protocol": r.protocol.name(),
                        "client": r.client,
                        "server": r.server,
                        "packets_client_to_server": r.packets[0],
                        "packets_server_to_client": r.packets[1],
                        "bytes_client_to_server": r.bytes[0],
                        "bytes_server_to_client": r.bytes[1],
                        "start": secs(r.start_ns),
                        "duration": secs(r.duration_ns),
                        "handshake_rtt": r.rtt_ns.map(secs),
                        "ended": if r.protocol == Protocol::Tcp { Some(&r.ending) } else { None },
                    })
                })
                .collect();
            let text = serde_json::to_string_pretty(&list).map_err(std::io::Error::other)?;
            writeln!(out, "{text}")?;
        } else {
            writeln!(
                out,
                "{:>6} {:<5} {:>23} {:>23} {:>7} {:>7} {:>10} {:>10} {:>11} {:>10} {:>9}  Ended",
                "Stream",
                "Proto",
                "Client",
                "Server",
                "Pkts>",
                "<Pkts",
                "Bytes>",
                "<Bytes",
                "Start",
                "Duration",
                "RTT"
            )?;
            for r in &rows {
                let rtt = r
                    .rtt_ns
                    .map(|n| format!("{:.6}", secs(n)))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "{:>6} {:<5} {:>23} {:>23} {:>7} {:>7} {:>10} {:>10} {:>11.6} {:>10.6} {:>9}  {}",
                    r.stream,
                    r.protocol.name(),
                    sanitize(&r.client),
                    sanitize(&r.server),
                    r.packets[0],
                    r.packets[1],
                    r.bytes[0],
                    r.bytes[1],
                    secs(r.start_ns),
                    secs(r.duration_ns),
                    rtt,
                    r.ending
                )?;
            }
        }
        out.flush()
    })();
    finish_output(written)?;
    Ok(report_damage(&args.file, trace))
}
