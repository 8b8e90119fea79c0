//! `wirelens http`: one row per HTTP transaction (or JSON with `--json`).

use super::{finish_output, open_session, report_damage, stdout, Outcome};
use crate::flow::stream::DirStream;
use crate::flow::Direction;
use crate::http::content::{ContentError, DEFAULT_DECODED_LIMIT};
use crate::http::parse::{Head, StartLine};
use crate::http::{HttpIndex, Message, Transaction};
use crate::text::sanitize;
use crate::trace::Trace;
use anyhow::Result;
use clap::Args;
use serde_json::json;
use std::borrow::Cow;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct HttpArgs {
    /// Capture file.
    pub file: PathBuf,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Keep only transactions with a packet matching this display filter.
    #[arg(short = 'Y', long = "display-filter", value_name = "FILTER")]
    pub display_filter: Option<String>,
    /// Also size content-coded bodies (gzip, deflate, br, zstd) by decoding
    /// them; otherwise their `decoded` column reads `-` (null in JSON).
    #[arg(long)]
    pub decoded: bool,
}

/// Whether a transaction spans a packet of `matching` (its connection's
/// selected packets, ascending).
fn spans_match(t: &crate::http::Transaction, matching: &[u32]) -> bool {
    let messages = || {
        [t.request.as_ref(), t.response.as_ref()]
            .into_iter()
            .flatten()
            .chain(t.interim.iter())
    };
    let (Some(first), Some(last)) = (
        messages().map(|m| m.first_packet).min(),
        messages().map(|m| m.last_packet).max(),
    ) else {
        return false;
    };
    let i = matching.partition_point(|&p| p < first);
    matching.get(i).is_some_and(|&p| p <= last)
}

/// One transaction's row, as text (not yet sanitised).
struct Row {
    stream: u32,
    version: String,
    req_frame: String,
    resp_frame: String,
    method: String,
    host: String,
    uri: String,
    status: String,
    content_type: String,
    content_length: String,
    encodings: String,
    wire: u64,
    /// `None`: content-coded and not measured.
    decoded: Option<u64>,
    partial: bool,
    sent: Option<f64>,
    first: Option<f64>,
    last: Option<f64>,
}

fn secs(trace: &Trace, t: &Transaction, packet: u32) -> Option<f64> {
    let conv = trace.conversations.get(t.conversation)?;
    let e = trace.store.entry(packet as usize)?;
    e.has_timestamp()
        .then(|| e.ts_ns.saturating_sub(conv.first_ts) as f64 / 1e9)
}

/// The decoded size of a body: its wire size when it has no content coding,
/// else, when `measure` asks for it, what decoding gives (the body read out
/// of the capture by its spans; a body without spans reassembles its
/// direction, once per connection), and else unknown.
fn decoded_len<'a>(
    trace: &Trace,
    index: &'a HttpIndex,
    m: &Message,
    head: Option<&Head>,
    measure: bool,
    stream: &mut Option<(Direction, Cow<'a, DirStream>)>,
) -> Option<u64> {
    let Some(head) = head.filter(|h| !h.codings().is_empty() && !m.body().is_empty()) else {
        return Some(m.body().len());
    };
    if !measure {
        return None;
    }
    Some(decode_len(trace, index, m, head, stream))
}

/// What decoding `m`'s content-coded body gives, in bytes (bounded).
fn decode_len<'a>(
    trace: &Trace,
    index: &'a HttpIndex,
    m: &Message,
    head: &Head,
    stream: &mut Option<(Direction, Cow<'a, DirStream>)>,
) -> u64 {
    let codings = head.codings();
    // A body over several segments of the capture is decoded where its
    // segments lie, not gathered first (holes, rare, are gathered as zeros).
    if let Some(spans) = m.body_spans().filter(|s| s.len() > 1) {
        let capture = trace.store.capture().bytes();
        let parts: Option<Vec<&[u8]>> = spans.iter().map(|s| s.bytes(capture)).collect();
        if let Some(parts) = parts {
            let (len, error) = m.decoded_len_pieces(&codings, &parts, DEFAULT_DECODED_LIMIT);
            if let Some(ContentError::Limit(hit)) = error {
                trace.limits.report(hit);
            }
            return len;
        }
    }
    let raw = match m.body_spans() {
        Some(_) => index.body_raw(&trace.store, &trace.conversations, m),
        None => {
            if stream.as_ref().is_none_or(|(dir, _)| *dir != m.dir) {
                let s = index.stream_of(&trace.store, &trace.conversations, m.conversation, m.dir);
                *stream = Some((m.dir, s));
            }
            let Some((_, stream)) = stream.as_ref() else {
                return m.body().len();
            };
            m.body().bytes_in(&stream.bytes)
        }
    };
    let (len, error) = m.decoded_len(&codings, &raw, DEFAULT_DECODED_LIMIT);
    if let Some(ContentError::Limit(hit)) = error {
        trace.limits.report(hit);
    }
    len
}

fn row<'a>(
    trace: &Trace,
    index: &'a HttpIndex,
    t: &Transaction,
    measure: bool,
    streams: &mut Option<(Direction, Cow<'a, DirStream>)>,
) -> Row {
    let req = t.request.as_ref();
    let resp = t.response.as_ref();
    let req_head = req.and_then(|m| m.head(&trace.store));
    let resp_head = resp.and_then(|m| m.head(&trace.store));
    let (method, uri) = match req_head.as_ref().map(|h| &h.start) {
        Some(StartLine::Request { method, uri, .. }) => (method.clone(), uri.clone()),
        _ => (String::new(), String::new()),
    };
    let version = [req_head.as_ref(), resp_head.as_ref()]
        .into_iter()
        .flatten()
        .map(|h| match &h.start {
            StartLine::Request { version, .. } | StartLine::Response { version, .. } => {
                version.clone()
            }
        })
        .next()
        .unwrap_or_default();
    let h = |head: &Option<Head>, n: &str| {
        head.as_ref()
            .and_then(|h| h.header(n))
            .unwrap_or("")
            .to_string()
    };
    let decoded = match resp {
        Some(m) => decoded_len(trace, index, m, resp_head.as_ref(), measure, streams),
        None => Some(0),
    };
    Row {
        stream: t.stream,
        version,
        req_frame: req
            .map(|m| (m.last_packet + 1).to_string())
            .unwrap_or_default(),
        resp_frame: resp
            .map(|m| (m.last_packet + 1).to_string())
            .unwrap_or_default(),
        method,
        // HTTP/2 names the host in :authority.
        host: match h(&req_head, "host") {
            host if host.is_empty() => h(&req_head, ":authority"),
            host => host,
        },
        uri,
        status: resp
            .and_then(Message::code)
            .map(|c| c.to_string())
            .unwrap_or_default(),
        content_type: h(&resp_head, "content-type"),
        content_length: h(&resp_head, "content-length"),
        encodings: [
            h(&resp_head, "content-encoding"),
            h(&resp_head, "transfer-encoding"),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(","),
        wire: resp.map(|m| m.body().len()).unwrap_or(0),
        decoded,
        partial: req.is_some_and(Message::partial) || resp.is_some_and(Message::partial),
        sent: req.and_then(|m| secs(trace, t, m.first_packet)),
        first: resp.and_then(|m| secs(trace, t, m.first_packet)),
        last: resp.and_then(|m| secs(trace, t, m.last_packet)),
    }
}

/// The rows of the transactions that `matching` keeps, in order, handed to
/// `emit`: worked out connection by connection on all cores (a connection
/// is reassembled again only when one of its bodies must be decoded to be
/// measured, with `measure`), a batch of connections at a time so the rows
/// are not all held at once.
fn rows(
    trace: &Trace,
    index: &HttpIndex,
    measure: bool,
    matching: Option<&std::collections::HashMap<u32, Vec<u32>>>,
    mut emit: impl FnMut(Row) -> std::io::Result<()>,
) -> std::io::Result<()> {
    /// Connections whose rows are worked out together.
    const BATCH: usize = 4096;
    let kept: Vec<&Transaction> = index
        .transactions
        .iter()
        .filter(|t| {
            matching.is_none_or(|m| m.get(&t.conversation).is_some_and(|p| spans_match(t, p)))
        })
        .collect();
    let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, t) in kept.iter().enumerate() {
        match groups.last_mut() {
            Some(g) if kept[g.start].conversation == t.conversation => g.end = i + 1,
            _ => groups.push(i..i + 1),
        }
    }
    for batch in groups.chunks(BATCH) {
        let rows = crate::parallel::map_in_order(batch, |group| {
            let mut streams = None;
            kept[group.clone()]
                .iter()
                .map(|t| row(trace, index, t, measure, &mut streams))
                .collect::<Vec<_>>()
        });
        for r in rows.into_iter().flatten() {
            emit(r)?;
        }
    }
    Ok(())
}

fn opt(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.6}")).unwrap_or_else(|| "-".into())
}

pub fn run(args: &HttpArgs) -> Result<Outcome> {
    let filter = super::compile_filter(args.display_filter.as_deref())?;
    let session = open_session(&args.file)?;
    let trace = session.trace();
    let matching = super::matching_by_conversation(&session, filter.as_ref());
    let index = session.http();
    let mut out = stdout();
    let mut count = 0usize;
    let written = (|| -> std::io::Result<()> {
        if !args.json {
            writeln!(
                out,
                "stream\treq\tresp\tmethod\thost\turi\tstatus\ttype\tlength\tencodings\twire\tdecoded\tsent\tfirst\tlast\tversion"
            )?;
        }
        rows(trace, index, args.decoded, matching.as_ref(), |r| {
            count += 1;
            if args.json {
                let number = |s: &str| s.parse::<u64>().ok();
                let v = json!({
                    "stream": r.stream, "version": sanitize(&r.version),
                    "request_frame": number(&r.req_frame), "response_frame": number(&r.resp_frame),
                    "method": sanitize(&r.method), "host": sanitize(&r.host), "uri": sanitize(&r.uri),
                    "status": number(&r.status), "content_type": sanitize(&r.content_type),
                    "content_length": number(&r.content_length), "encodings": sanitize(&r.encodings),
                    "wire_body_bytes": r.wire, "decoded_body_bytes": r.decoded, "partial": r.partial,
                    "request_sent": r.sent, "response_first_byte": r.first, "response_last_byte": r.last,
                });
                writeln!(out, "{v}")?;
            } else {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}{}\t{}\t{}\t{}\t{}",
                    r.stream,
                    r.req_frame,
                    r.resp_frame,
                    sanitize(&r.method),
                    sanitize(&r.host),
                    sanitize(&r.uri),
                    r.status,
                    sanitize(&r.content_type),
                    sanitize(&r.content_length),
                    sanitize(&r.encodings),
                    r.wire,
                    r.decoded.map_or_else(|| "-".to_string(), |n| n.to_string()),
                    if r.partial { " (partial)" } else { "" },
                    opt(r.sent),
                    opt(r.first),
                    opt(r.last),
                    sanitize(&r.version)
                )?;
            }
            Ok(())
        })?;
        out.flush()
    })();
    finish_output(written)?;
    Ok(report_damage(&args.file, trace).or_empty(count == 0))
}
