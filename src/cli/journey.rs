//! `wirelens journey`: each HTTP transaction as one timeline from the name
//! lookup to the close, as aligned text blocks with a proportional bar per
//! phase (80 columns), or JSON Lines with `--json`.

use super::{finish_output, open_session, report_damage, stdout, Outcome};
use crate::journey::{format_duration, format_rate, Axis, Journey, NameMap, PhaseKind, Span};
use crate::text::sanitize;
use anyhow::Result;
use clap::Args;
use serde_json::{json, Map, Value};
use std::io::Write;
use std::path::PathBuf;

pub use crate::journey::named::{endpoint, named_endpoint, named_text};

#[derive(Debug, Args)]
pub struct JourneyArgs {
    /// Capture file.
    pub file: PathBuf,
    /// Only the transactions of this `tcp.stream`.
    #[arg(long)]
    pub stream: Option<u32>,
    /// Keep only transactions with a packet matching this display filter.
    #[arg(short = 'Y', long = "display-filter", value_name = "FILTER")]
    pub display_filter: Option<String>,
    /// One JSON object per line instead of text.
    #[arg(long)]
    pub json: bool,
    /// Name addresses from the capture's own DNS answers.
    #[arg(short = 'N', long)]
    pub names: bool,
}

/// Width of a phase's bar in the text output.
const BAR_WIDTH: usize = 28;
/// Width the text output keeps to.
const TEXT_WIDTH: usize = 80;

fn secs(ns: i64) -> f64 {
    ns as f64 / 1e9
}

/// A phase's common keys: start, end, duration (seconds) and frames.
fn span_json(s: Span) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("start".into(), json!(secs(s.start_ns)));
    m.insert("end".into(), json!(secs(s.end_ns)));
    m.insert("duration".into(), json!(secs(s.duration_ns())));
    m.insert("frames".into(), json!([s.first + 1, s.last + 1]));
    m
}

fn with(mut m: Map<String, Value>, extra: Value) -> Value {
    if let Value::Object(e) = extra {
        m.extend(e);
    }
    Value::Object(m)
}

/// One journey as a JSON object (text fields sanitised).
pub fn to_json(j: &Journey) -> Value {
    let s = |v: &Option<String>| v.as_deref().map(|t| sanitize(t).into_owned());
    let dns = j.dns.as_ref().map(|d| {
        with(
            span_json(d.span),
            json!({
                "name": sanitize(&d.name), "resolver": d.resolver.to_string(),
                "aliases": d.aliases.iter().map(|a| sanitize(a).into_owned()).collect::<Vec<_>>(),
                "addresses": d.addresses.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "has_server_address": d.has_server,
            }),
        )
    });
    let connect = j.connect.map(|c| {
        with(
            span_json(c.span),
            json!({
                "reused": c.reused, "syns": c.syns, "retransmitted_syns": c.syns.saturating_sub(1),
                "rtt": c.rtt_ns.map(secs),
            }),
        )
    });
    let tls = j.tls.as_ref().map(|t| {
        with(
            span_json(t.span),
            json!({
                "version": t.version,
                "cipher": t.cipher,
                "sni": s(&t.sni),
                "alpn": s(&t.alpn),
                "alpn_offered": t.alpn_offered.iter().map(|a| sanitize(a)).collect::<Vec<_>>(),
                "decrypted": t.decrypted,
            }),
        )
    });
    let transfer = |t: &crate::journey::Transfer| {
        with(
            span_json(t.span),
            json!({
                "bytes": t.bytes, "segments": t.segments, "retransmissions": t.retransmissions,
                "throughput": t.throughput(),
            }),
        )
    };
    let close = j
        .close
        .map(|c| with(span_json(c.span), json!({"by": c.by, "how": c.how})));
    let gaps: Vec<Value> = j
        .gaps()
        .iter()
        .map(
            |g| json!({"after": g.after.name(), "before": g.before.name(), "duration": secs(g.ns)}),
        )
        .collect();
    json!({
        "stream": j.stream,
        "method": s(&j.method),
        "host": s(&j.host),
        "uri": s(&j.uri),
        "status": j.status,
        "client": j.client.to_string(),
        "server": j.server.to_string(),
        "dns": dns,
        "connect": connect,
        "tls": tls,
        "request": j.request.as_ref().map(transfer),
        "wait": j.wait.map(|w| Value::Object(span_json(w))),
        "receive": j.receive.as_ref().map(transfer),
        "close": close,
        "kept_open": j.kept_open,
        "gaps": gaps,
    })
}

fn frames(s: Span) -> String {
    if s.first == s.last {
        format!("#{}", s.first + 1)
    } else {
        format!("#{}\u{2013}{}", s.first + 1, s.last + 1)
    }
}

fn bar(axis: Axis, start_ns: i64, end_ns: i64, fill: char) -> String {
    let (from, to) = axis.cells(start_ns, end_ns, BAR_WIDTH);
    (0..BAR_WIDTH)
        .map(|i| if (from..to).contains(&i) { fill } else { ' ' })
        .collect()
}

/// Cuts `s` to `width` characters, marking the cut with `…`.
fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('\u{2026}');
    out
}

/// A phase's details line, if it has one.
fn details(j: &Journey, kind: PhaseKind) -> Option<String> {
    match kind {
        PhaseKind::Dns => j.dns.as_ref().map(|d| {
            let mut s = sanitize(&d.name).into_owned();
            for a in &d.aliases {
                s.push_str(&format!(" \u{2192} {}", sanitize(a)));
            }
            let addrs: Vec<String> = d.addresses.iter().map(ToString::to_string).collect();
            s.push_str(&format!(
                " = {}{} via {}",
                if addrs.is_empty() {
                    "no address".to_string()
                } else {
                    addrs.join(", ")
                },
                if d.has_server {
                    " (used)"
                } else {
                    " (not the server used)"
                },
                d.resolver
            ));
            s
        }),
        PhaseKind::Connect => j.connect.map(|c| {
            let mut s = match c.rtt_ns {
                Some(rtt) => format!("handshake RTT {}", format_duration(rtt)),
                None => "handshake incomplete".to_string(),
            };
            if c.syns > 1 {
                s.push_str(&format!(", SYN sent {} times", c.syns));
            }
            s
        }),
        PhaseKind::Tls => j.tls.as_ref().map(|t| {
            let mut parts = vec![t.version.unwrap_or("TLS").to_string()];
            if let Some(c) = &t.cipher {
                parts.push(c.clone());
            }
            if let Some(sni) = &t.sni {
                parts.push(format!("SNI {}", sanitize(sni)));
            }
            match &t.alpn {
                Some(a) => parts.push(format!("ALPN {}", sanitize(a))),
                None if !t.alpn_offered.is_empty() => parts.push(format!(
                    "ALPN offered {}",
                    sanitize(&t.alpn_offered.join(","))
                )),
                None => {}
            }
            if !t.decrypted {
                parts.push("no keys".into());
            }
            parts.join(", ")
        }),
        PhaseKind::Request | PhaseKind::Receive => {
            let t = if kind == PhaseKind::Request {
                j.request
            } else {
                j.receive
            }?;
            let mut s = format!(
                "{} B in {} segment{}",
                t.bytes,
                t.segments,
                if t.segments == 1 { "" } else { "s" }
            );
            if t.retransmissions > 0 || kind == PhaseKind::Receive {
                s.push_str(&format!(", {} retransmitted", t.retransmissions));
            }
            if let (PhaseKind::Receive, Some(r)) = (kind, t.throughput()) {
                s.push_str(&format!(", {}", format_rate(r)));
            }
            Some(s)
        }
        PhaseKind::Wait => j.wait.map(|_| "time to first byte".to_string()),
        PhaseKind::Close => j.close.map(|c| match c.by {
            Some(by) => format!("{}, {by} first", c.how),
            None if c.how == "never" => "never closed in the capture".to_string(),
            None => c.how.to_string(),
        }),
    }
}

/// One journey as an aligned text block (no line wider than 80 columns).
pub fn to_text(j: &Journey, names: Option<&NameMap>) -> Vec<String> {
    let mut lines = Vec::new();
    let what = match (&j.method, &j.uri) {
        (Some(m), Some(u)) => format!(
            "{} {}{}",
            sanitize(m),
            j.host.as_deref().map(sanitize).unwrap_or_default(),
            sanitize(u)
        ),
        _ => format!(
            "TLS {}",
            j.host.as_deref().map(sanitize).unwrap_or_default()
        ),
    };
    let status = match (j.status, &j.reason) {
        (Some(c), Some(r)) => format!(" \u{2192} {c} {}", sanitize(r)),
        (Some(c), None) => format!(" \u{2192} {c}"),
        _ if j.transaction.is_some() => " \u{2192} no response".to_string(),
        _ => String::new(),
    };
    lines.push(fit(&format!("{what}{status}"), TEXT_WIDTH));
    let first = j.extent().map_or(0, |e| e.first);
    let extent = j.extent();
    lines.push(fit(
        &format!(
            "  stream {}  {} \u{2192} {}{}",
            j.stream,
            endpoint(j.client, names, first),
            endpoint(j.server, names, first),
            extent
                .map(|e| format!("  {}  {}", frames(e), format_duration(e.duration_ns())))
                .unwrap_or_default()
        ),
        TEXT_WIDTH,
    ));
    let Some(extent) = extent else {
        return lines;
    };
    let axis = Axis {
        start_ns: extent.start_ns,
        end_ns: extent.end_ns,
    };
    let gaps = j.gaps();
    for kind in PhaseKind::ALL {
        if let Some(g) = gaps.iter().find(|g| g.before == kind) {
            let start = j.span(g.after).map_or(0, |s| s.end_ns);
            lines.push(format!(
                "  {:<8}\u{2502}{}\u{2502} {:>9} {:>9}",
                "(idle)",
                bar(axis, start, start.saturating_add(g.ns), '\u{00b7}'),
                format!("{:.6}", secs(start)),
                format_duration(g.ns),
            ));
        }
        let line = match (kind, j.span(kind)) {
            (_, Some(s)) => fit(
                &format!(
                    "  {:<8}\u{2502}{}\u{2502} {:>9} {:>9}  {}",
                    kind.name(),
                    bar(axis, s.start_ns, s.end_ns, '\u{2588}'),
                    format!("{:.6}", secs(s.start_ns)),
                    format_duration(s.duration_ns()),
                    frames(s)
                ),
                TEXT_WIDTH,
            ),
            (PhaseKind::Connect, None) => match j.connect {
                Some(c) if c.reused => format!(
                    "  {:<8}\u{2502} reused: the connection opened at {}",
                    "connect",
                    frames(c.span)
                ),
                _ => continue,
            },
            (PhaseKind::Close, None) if j.kept_open => {
                format!("  {:<8}\u{2502} kept open for the next request", "close")
            }
            _ => continue,
        };
        lines.push(line);
        if j.span(kind).is_some() {
            if let Some(d) = details(j, kind) {
                lines.push(fit(&format!("  {:<8}\u{2502} {d}", ""), TEXT_WIDTH));
            }
        }
    }
    lines
}

/// Whether a journey spans a packet of `matching` (its connection's
/// selected packets, ascending), from its first TCP phase to its last.
fn spans_match(j: &Journey, matching: &[u32]) -> bool {
    let tcp = j
        .phases()
        .into_iter()
        .filter(|(k, _)| *k != PhaseKind::Dns)
        .map(|(_, s)| s)
        .collect::<Vec<_>>();
    let (Some(first), Some(last)) = (
        tcp.iter().map(|s| s.first).min(),
        tcp.iter().map(|s| s.last).max(),
    ) else {
        return false;
    };
    let i = matching.partition_point(|&p| p < first);
    matching.get(i).is_some_and(|&p| p <= last)
}

pub fn run(args: &JourneyArgs) -> Result<Outcome> {
    let filter = super::compile_filter(args.display_filter.as_deref())?;
    let session = open_session(&args.file)?;
    if let Some(n) = args.stream {
        super::tcp_stream(session.trace(), &args.file, n)?;
    }
    let matching = super::matching_by_conversation(&session, filter.as_ref());
    let names = args.names.then(|| session.names());
    let journeys = session.journeys();
    let kept = journeys.iter().filter(|j| {
        args.stream.is_none_or(|n| n == j.stream)
            && matching
                .as_ref()
                .is_none_or(|m| m.get(&j.conversation).is_some_and(|p| spans_match(j, p)))
    });
    let mut out = stdout();
    let mut count = 0usize;
    let written = (|| -> std::io::Result<()> {
        for (i, j) in kept.enumerate() {
            count += 1;
            if args.json {
                writeln!(out, "{}", to_json(j))?;
            } else {
                if i > 0 {
                    writeln!(out)?;
                }
                for line in to_text(j, names) {
                    writeln!(out, "{line}")?;
                }
            }
        }
        out.flush()
    })();
    finish_output(written)?;
    Ok(report_damage(&args.file, session.trace()).or_empty(count == 0))
}
