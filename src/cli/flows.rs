//! `wirelens flows`: one row per conversation (like tshark -z conv), with the
//! handshake RTT and how each TCP connection ended; `--json` for scripts.

use super::{finish_output, open_session, report_damage, stdout, Outcome};
use crate::flow::table::{order, ConversationRow, ConversationSort};
use crate::flow::Protocol;
use crate::text::sanitize;
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
    /// One JSON object per line per conversation.
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
    /// Show client and server as names from the capture's own DNS answers
    /// (in JSON, `client_name` and `server_name` beside the addresses).
    #[arg(short = 'N', long)]
    pub names: bool,
}

fn secs(ns: i64) -> f64 {
    ns as f64 / 1e9
}

pub fn run(args: &FlowsArgs) -> Result<Outcome> {
    let filter = super::compile_filter(args.display_filter.as_deref())?;
    let session = open_session(&args.file)?;
    let trace = session.trace();
    let matching = super::matching_by_conversation(&session, filter.as_ref());
    let sort = match args.sort {
        SortKey::Start => ConversationSort::Start,
        SortKey::Bytes => ConversationSort::Bytes,
        SortKey::Packets => ConversationSort::Packets,
        SortKey::Duration => ConversationSort::Duration,
    };
    let all = trace.conversations.all();
    let endings = session.endings();
    let start = trace.store.first_timestamp();
    let names = args.names.then(|| session.names());
    let rows: Vec<(ConversationRow, &str, u32)> = order(all, sort)
        .into_iter()
        .filter(|id| matching.as_ref().is_none_or(|m| m.contains_key(id)))
        .filter_map(|id| Some((all.get(id as usize)?, endings.get(id as usize)?)))
        .filter(|(c, _)| match args.proto {
            Some(ProtoFilter::Tcp) => c.protocol == Protocol::Tcp,
            Some(ProtoFilter::Udp) => c.protocol == Protocol::Udp,
            None => true,
        })
        .map(|(c, ending)| {
            (
                ConversationRow::of(c, start),
                ending.as_str(),
                c.first_packet,
            )
        })
        .collect();
    let mut out = stdout();
    let written = (|| -> std::io::Result<()> {
        if args.json {
            for (r, ending, first) in &rows {
                let name = |a: std::net::SocketAddr| {
                    names
                        .and_then(|n| n.name_at(a.ip(), *first))
                        .map(|n| sanitize(n).into_owned())
                };
                let v = json!({
                    "client_name": name(r.client),
                    "server_name": name(r.server),
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
                    "ended": if r.protocol == Protocol::Tcp { Some(ending) } else { None },
                });
                super::json::line(&mut out, &v)?;
            }
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
            for (r, ending, first) in &rows {
                let rtt = r
                    .rtt_ns
                    .map(|n| format!("{:.6}", secs(n)))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "{:>6} {:<5} {:>23} {:>23} {:>7} {:>7} {:>10} {:>10} {:>11.6} {:>10.6} {:>9}  {}",
                    r.stream,
                    r.protocol.name(),
                    sanitize(&super::journey::endpoint(r.client, names, *first)),
                    sanitize(&super::journey::endpoint(r.server, names, *first)),
                    r.packets[0],
                    r.packets[1],
                    r.bytes[0],
                    r.bytes[1],
                    secs(r.start_ns),
                    secs(r.duration_ns),
                    rtt,
                    ending
                )?;
            }
        }
        out.flush()
    })();
    finish_output(written)?;
    Ok(report_damage(&args.file, trace))
}
