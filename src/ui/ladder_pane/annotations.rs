//! What the ladder writes beside its arrows and on its time axis: the HTTP
//! message each arrow starts (`GET /x`, `200 OK, 11,088 B, 126 µs`), and the
//! idle pauses of the connection (long against its median pause).

use crate::flow::ladder::Row;
use crate::session::Session;
use std::collections::BTreeMap;

/// The shortest pause marked idle on the ladder's time axis...
const IDLE_MIN_NS: i64 = 100_000_000;
/// ... and how many times the connection's median pause it must be.
const IDLE_FACTOR: i64 = 10;

/// The HTTP messages of conversation `conversation`, by their first packet.
pub(super) fn http_notes(trace: &Session, conversation: u32) -> BTreeMap<u32, String> {
    let mut notes = BTreeMap::new();
    let Some(http) = trace.http_if_ready() else {
        return notes;
    };
    let ts = &http.transactions;
    let from = ts.partition_point(|t| t.conversation < conversation);
    let time = |p: u32| trace.store.relative_ns(p as usize).unwrap_or(0);
    for t in ts[from..]
        .iter()
        .take_while(|t| t.conversation == conversation)
    {
        if let Some(head) = t
            .request
            .as_ref()
            .and_then(|m| Some((m, m.head(&trace.store)?)))
        {
            if let crate::http::parse::StartLine::Request { method, uri, .. } = &head.1.start {
                notes.insert(head.0.first_packet, format!("{method} {uri}"));
            }
        }
        let Some(m) = &t.response else { continue };
        let Some(head) = m.head(&trace.store) else {
            continue;
        };
        if let crate::http::parse::StartLine::Response { code, reason, .. } = &head.start {
            let mut note = format!("{code} {reason}, {} B", grouped(m.body().len()));
            if let Some(q) = &t.request {
                let took = time(m.last_packet) - time(q.first_packet);
                note.push_str(&format!(", {}", crate::journey::format_duration(took)));
            }
            notes.insert(m.first_packet, note);
        }
    }
    notes
}

/// `n` with thousands separated by commas (`8,894`).
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// When a row starts and ends (a phase label has no time).
fn row_times(row: &Row) -> Option<(i64, i64)> {
    match row {
        Row::Segment(s) => Some((s.time_ns, s.time_ns)),
        Row::Fold(f) => Some((f.start_ns, f.end_ns)),
        Row::Phase(_) => None,
    }
}

/// The pause before each row (0 for the first, and for phase labels).
pub(super) fn pauses(rows: &[Row]) -> Vec<i64> {
    let mut last: Option<i64> = None;
    rows.iter()
        .map(|r| match row_times(r) {
            Some((start, end)) => {
                let pause = last.map_or(0, |l| start.saturating_sub(l).max(0));
                last = Some(end);
                pause
            }
            None => 0,
        })
        .collect()
}

/// The idle threshold of a connection: [`IDLE_FACTOR`] times its median
/// pause, at least [`IDLE_MIN_NS`].
pub(super) fn idle_threshold(rows: &[Row]) -> i64 {
    let mut p: Vec<i64> = pauses(rows).into_iter().filter(|&p| p > 0).collect();
    p.sort_unstable();
    let median = p.get(p.len() / 2).copied().unwrap_or(0);
    median.saturating_mul(IDLE_FACTOR).max(IDLE_MIN_NS)
}
