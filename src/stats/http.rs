//! HTTP statistics (tshark `-z http,tree` and `-z http_req,tree`): messages by
//! kind, method and status code, and requests per host and URI, counted from
//! the trace's HTTP index, one tick per message in the frame that completes
//! it (where tshark's HTTP tap fires), and the heads cut short by the
//! snaplen that tshark dissects as far as captured.

use super::tree::{Item, Tree};
use super::Selection;
use crate::fields::path::cut_head::{self, CutHead};
use crate::http::{HttpIndex, Message};
use crate::trace::Trace;
use std::collections::HashMap;

/// Wireshark's phrase for a status code (its `vals_http_status_code`), which
/// the tree shows whatever reason the server sent.
pub fn status_phrase(code: u16) -> &'static str {
    match code {
        100 => "Continue",
        101 => "Switching Protocols",
        102 => "Processing",
        103 => "Early Hints",
        199 => "Informational - Others",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi-Status",
        208 => "Already Reported",
        226 => "IM Used",
        299 => "Success - Others",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        399 => "Redirection - Others",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Time-out",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Request Entity Too Large",
        414 => "Request-URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Requested Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "I'm a teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        499 => "Client Error - Others",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Time-out",
        505 => "HTTP Version not supported",
        506 => "Variant Also Negotiates",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        510 => "Not Extended",
        511 => "Network Authentication Required",
        599 => "Server Error - Others",
        _ => "",
    }
}

const CLASSES: [&str; 6] = [
    "1xx: Informational",
    "2xx: Success",
    "3xx: Redirection",
    "4xx: Client Error",
    "5xx: Server Error",
    "???: broken",
];

/// One tick of tshark's HTTP tap: a message of the index, or a head the
/// index has no message for because the snaplen cut it
/// ([`cut_head`](crate::fields::path::cut_head)).
enum Tap<'a> {
    Message(&'a Message),
    Cut(CutHead<'a>),
    /// A fresh segment of an HTTP port that is no message
    /// ([`crate::http::continuation`]): an "Other HTTP Packet".
    Other,
}

/// What tshark's HTTP tap sees, with the time (ns from the first packet)
/// of the frame completing each, in time order.
fn tapped<'a>(
    trace: &'a Trace,
    index: &'a HttpIndex,
    selection: &Selection,
) -> Vec<(i64, Tap<'a>)> {
    let selected = |p: u32| selection.contains(p);
    let mut out: Vec<(u32, u64, bool, Tap<'a>)> = Vec::new();
    for t in &index.transactions {
        let msgs = t
            .request
            .iter()
            .chain(t.interim.iter())
            .chain(t.response.iter());
        for m in msgs {
            // Complete messages only: tshark's HTTP tap does not fire on a
            // message whose dissection ended in an exception (malformed).
            if m.partial() || m.body().malformed() || !selected(m.last_packet) {
                continue;
            }
            // Bytes another protocol's dissector claims by port (a GET sent
            // to an SSH server) are no HTTP message for tshark.
            if index.app_row(m.last_packet as usize).is_some() {
                let d = trace.store.decode(m.last_packet as usize);
                let claimed = d.ports().and_then(|p| {
                    crate::fields::path::stream_claims(index, m.last_packet as usize, p)
                });
                if claimed.is_some() {
                    continue;
                }
            }
            out.push((m.last_packet, m.start, !m.is_request(), Tap::Message(m)));
        }
    }
    for (packet, e) in trace.store.entries().iter().enumerate() {
        let p = packet as u32;
        if e.cap_len >= e.orig_len || !selected(p) {
            continue;
        }
        if let Some(head) = cut_head::tapped_cut_head(trace, index, packet) {
            out.push((p, 0, head.method.is_none(), Tap::Cut(head)));
        }
    }
    for &(p, f) in index.fresh_segments() {
        if f.tapped && selected(p) {
            out.push((p, 0, false, Tap::Other));
        }
    }
    out.sort_by_key(|&(p, s, response, _)| (p, s, response));
    out.into_iter()
        .map(|(p, _, _, tap)| (trace.store.relative_ns(p as usize).unwrap_or(0), tap))
        .collect()
}

fn elapsed(times: &[(i64, Tap<'_>)]) -> i64 {
    match (times.first(), times.last()) {
        (Some(a), Some(b)) => b.0.saturating_sub(a.0),
        _ => 0,
    }
}

/// `-z http,tree`: HTTP packets by request method and response status.
pub fn packet_counter(trace: &Trace, http: &HttpIndex, selection: &Selection) -> Tree {
    let taps = tapped(trace, http, selection);
    let mut total = Item::new("Total HTTP Packets");
    total.child("HTTP Request Packets");
    let responses = total.child("HTTP Response Packets");
    for c in CLASSES {
        responses.child(c);
    }
    total.child("Other HTTP Packets");
    for (at, tap) in &taps {
        let at = *at;
        total.tick(at);
        let (method, code) = match tap {
            Tap::Message(m) => {
                let head = m.head(&trace.store);
                let method = head.as_ref().and_then(|h| h.method()).map(str::to_string);
                (method, m.code())
            }
            Tap::Cut(h) => (h.method.map(str::to_string), h.code),
            Tap::Other => (None, None),
        };
        if let Some(method) = method {
            total
                .child("HTTP Request Packets")
                .tick(at)
                .child(&method)
                .tick(at);
        } else if let Some(code) = code {
            let class = match code {
                100..=199 => 0,
                200..=299 => 1,
                300..=399 => 2,
                400..=499 => 3,
                500..=599 => 4,
                _ => 5,
            };
            let r = total.child("HTTP Response Packets").tick(at);
            let c = r.child(CLASSES[class]).tick(at);
            if class < 5 {
                c.child(&format!("{code} {}", status_phrase(code))).tick(at);
            }
        } else {
            total.child("Other HTTP Packets").tick(at);
        }
    }
    Tree {
        title: "HTTP/Packet Counter".into(),
        roots: vec![total],
        elapsed_ns: elapsed(&taps),
    }
}

/// `-z http_req,tree`: requests per Host header and URI.
pub fn requests(trace: &Trace, http: &HttpIndex, selection: &Selection) -> Tree {
    let taps = tapped(trace, http, selection);
    let mut root = Item::new("HTTP Requests by HTTP Host");
    for (at, tap) in &taps {
        let at = *at;
        match tap {
            Tap::Message(m) => {
                if !m.is_request() {
                    continue;
                }
                // Every request counts at the top; those with a Host under it.
                root.tick(at);
                let Some(head) = m.head(&trace.store) else {
                    continue;
                };
                let uri = head.uri().unwrap_or("");
                if let Some(host) = head.header("host") {
                    root.child(host).tick(at).child(uri).tick(at);
                }
            }
            Tap::Other => {}
            Tap::Cut(h) => {
                if h.method.is_none() {
                    continue;
                }
                root.tick(at);
                if let Some(host) = h.host {
                    root.child(host).tick(at).child(h.uri).tick(at);
                }
            }
        }
    }
    Tree {
        title: "HTTP/Requests".into(),
        roots: vec![root],
        // tshark's tree clock runs on every HTTP message its tap sees.
        elapsed_ns: elapsed(&taps),
    }
}

/// The buckets of the response time distribution: each upper bound (ms,
/// exclusive) and its name; the last is open.
pub const RESPONSE_TIME_BUCKETS: [(f64, &str); 6] = [
    (1.0, "0 - 1 ms"),
    (10.0, "1 - 10 ms"),
    (100.0, "10 - 100 ms"),
    (1_000.0, "100 ms - 1 s"),
    (10_000.0, "1 - 10 s"),
    (f64::INFINITY, "10 s or more"),
];

/// `-z http_time,tree` (wirelens's own; tshark 4.0 has no such tree): the
/// time from each request to its response, as Wireshark's `http.time` (the
/// frame completing the request to the frame completing the response), in
/// ms: its distribution in decades, and per Host header. Counted where
/// tshark dissects the response (see [`Message::dissected`]), when its
/// request was dissected too.
pub fn response_times(trace: &Trace, http: &HttpIndex, selection: &Selection) -> Tree {
    let mut times: Vec<(i64, f64, Option<String>)> = Vec::new();
    for t in &http.transactions {
        let (Some(req), Some(resp)) = (&t.request, &t.response) else {
            continue;
        };
        if !req.dissected() || !resp.dissected() || !selection.contains(resp.last_packet) {
            continue;
        }
        let ts = |p: u32| trace.store.relative_ns(p as usize);
        let (Some(a), Some(b)) = (ts(req.last_packet), ts(resp.last_packet)) else {
            continue;
        };
        let ms = b.saturating_sub(a) as f64 / 1e6;
        let host = req
            .head(&trace.store)
            .and_then(|h| h.header("host").map(str::to_string));
        times.push((b, ms, host));
    }
    // Heads cut by the snaplen, on connections where the index parsed no
    // message: tshark pairs each response with the connection's latest
    // request still unanswered.
    let mut latest: HashMap<u32, (i64, Option<String>)> = HashMap::new();
    for (packet, e) in trace.store.entries().iter().enumerate() {
        if e.cap_len >= e.orig_len {
            continue;
        }
        let Some(head) = cut_head::tapped_cut_head(trace, http, packet) else {
            continue;
        };
        let at = trace.store.relative_ns(packet).unwrap_or(0);
        if head.method.is_some() {
            latest.insert(e.conversation, (at, head.host.map(str::to_string)));
        } else if let Some((asked, host)) = latest.remove(&e.conversation) {
            if selection.contains(packet as u32) {
                times.push((at, at.saturating_sub(asked) as f64 / 1e6, host));
            }
        }
    }
    times.sort_by_key(|t| t.0);
    let mut all = Item::new("HTTP Response Time (ms)");
    all.float = true;
    all.ordered = true;
    for (_, name) in RESPONSE_TIME_BUCKETS {
        all.child(name).float = true;
    }
    let mut by_host = Item::new("Response Time by HTTP Host (ms)");
    by_host.float = true;
    for (at, ms, host) in &times {
        let (at, ms) = (*at, *ms);
        all.value(at, ms);
        let bucket = RESPONSE_TIME_BUCKETS
            .iter()
            .position(|(upper, _)| ms < *upper)
            .unwrap_or(RESPONSE_TIME_BUCKETS.len() - 1);
        all.children[bucket].value(at, ms);
        by_host.value(at, ms);
        if let Some(host) = host {
            let h = by_host.child(host);
            h.float = true;
            h.value(at, ms);
        }
    }
    Tree {
        title: "HTTP/Response Time".into(),
        roots: vec![all, by_host],
        elapsed_ns: match (times.first(), times.last()) {
            (Some(a), Some(b)) => b.0.saturating_sub(a.0),
            _ => 0,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_are_wiresharks() {
        assert_eq!(status_phrase(200), "OK");
        assert_eq!(status_phrase(408), "Request Time-out");
        assert_eq!(status_phrase(999), "");
    }
}
