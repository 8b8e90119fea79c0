//! `wirelens stats KIND FILE`: Wireshark's statistics, headless, spelt as
//! tshark's `-z` arguments and laid out as tshark prints them (so the two can
//! be diffed), or as JSON Lines with `--json`.

use super::{compile_filter, finish_output, open_session, report_damage, stdout, Outcome};
use crate::flow::Direction;
use crate::stats::{self, endpoints, hierarchy, io, Selection};
use anyhow::{bail, Result};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// What to compute, as tshark's -z spells it: `io,phs` (or `phs`),
    /// `endpoints,eth|ip|ipv6|tcp|udp`, `conv,eth|ip|ipv6|tcp|udp`,
    /// `io,stat,INTERVAL[,SERIES...]` where a
    /// series is `FILTER` or `COUNT|SUM|MIN|MAX|AVG(FIELD)FILTER`,
    /// `http,tree`, `http_req,tree`, `http_time,tree` (wirelens's own: the
    /// response time distribution, overall and per host), `dns,tree`,
    /// `flow,any,network` (the flow graph), or
    /// `tcp-graph,STREAM[,ab|ba]` (segments, ACKs, window, throughput, RTT of
    /// the data sent A→B or B→A; default: the direction that sent more).
    pub kind: String,
    /// Capture file.
    pub file: PathBuf,
    /// Count only the packets this display filter selects.
    #[arg(short = 'Y', long = "display-filter", value_name = "FILTER")]
    pub display_filter: Option<String>,
    /// JSON Lines: one object per row, numbers as numbers.
    #[arg(long)]
    pub json: bool,
    /// Endpoints: addresses as names from the capture's own DNS answers
    /// (as tshark's -N, from the capture only).
    #[arg(short = 'N', long)]
    pub names: bool,
}

/// A parsed KIND.
#[derive(Debug)]
enum Kind {
    Phs,
    Endpoints(endpoints::Kind),
    /// `conv,TYPE`: Wireshark's Conversations of one layer.
    Conversations(endpoints::Kind),
    Io {
        interval_us: u64,
        series: Vec<String>,
    },
    HttpTree,
    HttpReqTree,
    /// `http_time,tree`: wirelens's own, tshark has none.
    HttpTimeTree,
    DnsTree,
    TcpGraph {
        stream: u32,
        direction: Option<Direction>,
    },
    /// `flow,any,network` (or `standard`: the same for IP).
    Flow,
}

fn parse_kind(s: &str) -> Result<Kind> {
    let parts: Vec<&str> = s.split(',').collect();
    Ok(match parts.as_slice() {
        ["phs"] | ["io", "phs"] => Kind::Phs,
        ["endpoints", t] => match endpoints::Kind::parse(t) {
            Some(k) => Kind::Endpoints(k),
            None => bail!("unknown endpoint type {t:?}: expected eth, ip, ipv6, tcp or udp"),
        },
        ["conv", t] => match endpoints::Kind::parse(t) {
            Some(k) => Kind::Conversations(k),
            None => bail!("unknown conversation type {t:?}: expected eth, ip, ipv6, tcp or udp"),
        },
        ["io", "stat", interval, series @ ..] => Kind::Io {
            interval_us: io::parse_interval(interval)?,
            series: series.iter().map(|s| s.to_string()).collect(),
        },
        ["http", "tree"] => Kind::HttpTree,
        ["http_req", "tree"] => Kind::HttpReqTree,
        ["http_time", "tree"] => Kind::HttpTimeTree,
        ["dns", "tree"] => Kind::DnsTree,
        ["flow", "any", "network" | "standard"] => Kind::Flow,
        ["tcp-graph" | "tcp_graph", stream, rest @ ..] => {
            let stream: u32 = stream
                .parse()
                .map_err(|_| anyhow::anyhow!("invalid stream number {stream:?}"))?;
            let direction = match rest {
                [] => None,
                ["ab"] => Some(Direction::AtoB),
                ["ba"] => Some(Direction::BtoA),
                _ => bail!("tcp-graph direction: expected ab or ba"),
            };
            Kind::TcpGraph { stream, direction }
        }
        _ => bail!(
            "unknown statistic {s:?}: expected io,phs, endpoints,TYPE, conv,TYPE, io,stat,INTERVAL[,SERIES...], http,tree, http_req,tree, http_time,tree, dns,tree, flow,any,network or tcp-graph,STREAM[,ab|ba]"
        ),
    })
}

pub fn run(args: &StatsArgs) -> Result<Outcome> {
    let kind = parse_kind(&args.kind)?;
    // Series are checked before the capture is read.
    let series = match &kind {
        Kind::Io { series, .. } => {
            let mut v: Vec<io::Series> = series
                .iter()
                .map(|s| io::Series::parse(s))
                .collect::<Result<_, _>>()?;
            if v.is_empty() {
                v.push(io::Series::parse("")?);
            }
            v
        }
        _ => Vec::new(),
    };
    let filter = compile_filter(args.display_filter.as_deref())?;
    let session = open_session(&args.file)?;
    let trace = session.trace();
    // The HTTP index is built only for what reads it.
    let wants_http = matches!(
        kind,
        Kind::Phs | Kind::HttpTree | Kind::HttpReqTree | Kind::HttpTimeTree | Kind::Flow
    ) || filter.as_ref().is_some_and(|f| f.needs_http())
        || series.iter().any(io::Series::needs_http);
    let http = wants_http.then(|| session.http());
    let selection = Selection::of(trace, http, filter.as_ref());
    let filter_text = args.display_filter.as_deref();
    let mut text = String::new();
    // `--fail-empty`: nothing matched when the filter selects no packet or
    // the statistic has no row.
    let mut empty = selection.count(trace.store.len()) == 0;
    match kind {
        Kind::Phs => {
            let h = hierarchy::compute(trace, session.http(), &selection);
            empty |= h.roots.is_empty();
            if h.too_deep > 0 {
                eprintln!(
                    "wirelens: {} frames have more than {} protocols; the rest are not counted",
                    h.too_deep,
                    hierarchy::MAX_DEPTH
                );
            }
            if args.json {
                hierarchy::write_json(&h, &mut text);
            } else {
                hierarchy::write_text(&h, filter_text, &mut text);
            }
        }
        Kind::Endpoints(k) => {
            let e = endpoints::compute(trace, &selection, k);
            empty |= e.list.is_empty();
            if args.json {
                endpoints::write_json(&e, &mut text);
            } else {
                let names = args.names.then(|| session.names());
                endpoints::write_text(&e, filter_text, names, &mut text);
            }
        }
        Kind::Conversations(k) => {
            let c = stats::conversations::compute(trace, &selection, k);
            empty |= c.list.is_empty();
            if args.json {
                stats::conversations::write_json(&c, &mut text);
            } else {
                stats::conversations::write_text(&c, filter_text, &mut text);
            }
        }
        Kind::Io { interval_us, .. } => {
            let s = io::compute(trace, http, &selection, interval_us, series)?;
            if args.json {
                io::write_json(&s, &mut text);
            } else {
                io::write_text(&s, &mut text);
            }
        }
        Kind::HttpTree | Kind::HttpReqTree | Kind::HttpTimeTree | Kind::DnsTree => {
            let (name, tree) = match kind {
                Kind::HttpTree => (
                    "http,tree",
                    stats::http::packet_counter(trace, session.http(), &selection),
                ),
                Kind::HttpReqTree => (
                    "http_req,tree",
                    stats::http::requests(trace, session.http(), &selection),
                ),
                Kind::HttpTimeTree => (
                    "http_time,tree",
                    stats::http::response_times(trace, session.http(), &selection),
                ),
                _ => ("dns,tree", stats::dns::compute(trace, &selection)),
            };
            empty |= tree.roots.iter().all(|r| r.count == 0);
            if args.json {
                stats::tree::write_json(name, &tree, &mut text);
            } else {
                stats::tree::write_text(&tree, &mut text);
            }
        }
        Kind::Flow => {
            // Streamed: the rows are made a batch at a time and written as
            // they come, never held all at once.
            let g = stats::flow_graph::index(trace, &selection);
            empty |= g.arrows.is_empty();
            let mut out = stdout();
            let written = if args.json {
                let json = |it: &stats::flow_graph::Item, s: &mut String| {
                    let v = serde_json::json!({
                        "frame": it.packet + 1, "time": it.time,
                        "src": g.nodes[it.src], "dst": g.nodes[it.dst],
                        "src_port": it.src_port, "dst_port": it.dst_port,
                        "label": it.label, "comment": it.comment,
                    });
                    s.push_str(&v.to_string());
                    s.push('\n');
                };
                // About a JSON object's size.
                let row_bytes = 256;
                stats::flow_graph::stream(trace, http, &g, row_bytes, json, |t| {
                    write_lines(&mut out, t)
                })
            } else {
                let mut head = String::new();
                match stats::flow_graph::TextRows::header(&g.nodes, &mut head) {
                    Some(rows) => write_lines(&mut out, &head).and_then(|()| {
                        stats::flow_graph::stream(
                            trace,
                            http,
                            &g,
                            rows.row_bytes(),
                            |it, s| rows.row(it, s),
                            |t| write_lines(&mut out, t),
                        )
                    }),
                    None => Ok(()),
                }
            };
            finish_output(written.and_then(|()| out.flush()))?;
        }
        Kind::TcpGraph { stream, direction } => {
            let conv = super::tcp_stream(trace, &args.file, stream)?;
            let direction = direction.unwrap_or(if conv.bytes[1] > conv.bytes[0] {
                Direction::BtoA
            } else {
                Direction::AtoB
            });
            let g = stats::tcp_graph::compute(trace, conv, direction);
            if args.json {
                stats::tcp_graph::write_json(&g, &mut text);
            } else {
                stats::tcp_graph::write_text(&g, &mut text);
            }
        }
    }
    let mut out = stdout();
    let written = write_lines(&mut out, &text).and_then(|()| out.flush());
    finish_output(written)?;
    Ok(report_damage(&args.file, trace).or_empty(empty))
}

/// `text`'s lines written to `out`, sanitized: host names, URIs, DNS
/// names and Info text come from the wire.
fn write_lines(out: &mut impl Write, text: &str) -> std::io::Result<()> {
    for line in text.lines() {
        writeln!(out, "{}", crate::text::sanitize(line))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_as_tshark_spells_them() {
        assert!(matches!(parse_kind("io,phs"), Ok(Kind::Phs)));
        assert!(matches!(
            parse_kind("endpoints,ipv6"),
            Ok(Kind::Endpoints(endpoints::Kind::Ipv6))
        ));
        assert!(matches!(
            parse_kind("io,stat,0.5,tcp,SUM(frame.len)udp"),
            Ok(Kind::Io { interval_us: 500_000, ref series }) if series.len() == 2
        ));
        assert!(matches!(
            parse_kind("tcp-graph,3,ba"),
            Ok(Kind::TcpGraph {
                stream: 3,
                direction: Some(Direction::BtoA)
            })
        ));
        assert!(parse_kind("endpoints,sctp").is_err());
        assert!(matches!(
            parse_kind("conv,tcp"),
            Ok(Kind::Conversations(endpoints::Kind::Tcp))
        ));
        assert!(parse_kind("conv,sctp").is_err());
        assert!(parse_kind("expert").is_err());
    }
}
