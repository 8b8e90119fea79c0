//! tshark 4.0's HTTP dissector on a segment of an HTTP port that its TCP
//! reassembly hands over fresh, starting no message the index parsed
//! (`dissect_http_message` in packet-http.c): after a lost segment, a body
//! without its head, a line that is no request. `have_seen_http` is set
//! once a request line was dissected on the connection (either way); then
//! a binary first byte, or a first line that is no request or status line,
//! is an HTTP "Continuation" (`http:data`). Before that a binary first
//! byte is left to TCP, while a text one still goes through the header
//! loop untitled: tshark's tap counts it as "Other HTTP Packets", and the
//! `http` layer shows only when a line looked like a header (a layer that
//! added no tree item is dropped from `frame.protocols`).

use super::{Message, Transaction};
use crate::decode::app::{StreamRow, Summary};
use crate::decode::layer::Layer;
use crate::flow::stream::{DirStream, StreamBytes};
use crate::flow::{Conversation, Direction};
use crate::store::PacketStore;

/// What tshark's HTTP dissector makes of a fresh segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fresh {
    /// Protocol HTTP, Info "Continuation".
    pub titled: bool,
    /// An `http` layer (in `frame.protocols` and the hierarchy).
    pub http: bool,
    /// A `data` layer inside it (in `frame.protocols` only: it hangs under
    /// the HTTP item, which the hierarchy does not look into).
    pub data: bool,
    /// The HTTP tap fires (an "Other HTTP Packet").
    pub tapped: bool,
}

impl Fresh {
    /// The layers above TCP.
    pub fn layers(self) -> Vec<Layer> {
        let mut v = Vec::new();
        if self.http {
            v.push(Layer::both("http"));
            if self.data {
                v.push(Layer::protocols("data"));
            }
        }
        v
    }
}

/// How a payload reads to tshark's HTTP dissector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Left alone: TCP's row and path.
    Nothing,
    /// A request (`true`) or status line: a message's head.
    Head {
        request: bool,
    },
    Fresh(Fresh),
}

/// The methods of tshark's `is_http_request_or_reply`.
const METHODS: [&str; 44] = [
    "GET",
    "PUT",
    "COPY",
    "HEAD",
    "LOCK",
    "MOVE",
    "POLL",
    "POST",
    "BCOPY",
    "BMOVE",
    "MKCOL",
    "TRACE",
    "PATCH",
    "LABEL",
    "MERGE",
    "DELETE",
    "SEARCH",
    "UNLOCK",
    "REPORT",
    "UPDATE",
    "NOTIFY",
    "BDELETE",
    "CONNECT",
    "OPTIONS",
    "CHECKIN",
    "PROPFIND",
    "CHECKOUT",
    "CCM_POST",
    "SUBSCRIBE",
    "PROPPATCH",
    "BPROPFIND",
    "BPROPPATCH",
    "UNCHECKOUT",
    "MKACTIVITY",
    "MKWORKSPACE",
    "RPC_CONNECT",
    "RPC_IN_DATA",
    "UNSUBSCRIBE",
    "RPC_OUT_DATA",
    "VERSION-CONTROL",
    "BASELINE-CONTROL",
    "SSTP_DUPLEX_POST",
    "M-GET",
    "M-POST",
];

/// Whether `line` is a request (`Some(true)`) or status line (`Some(false)`)
/// for tshark: the method is everything up to the first space.
pub fn start_line(line: &[u8]) -> Option<bool> {
    let line = line.strip_prefix(b"M-").unwrap_or(line);
    if line.starts_with(b"HTTP/") || line.starts_with(b"ICY") {
        return Some(false);
    }
    let end = line.iter().position(|&b| b == b' ').unwrap_or(line.len());
    let method = line.get(..end)?;
    METHODS
        .iter()
        .any(|m| m.as_bytes() == method)
        .then_some(true)
}

/// The end of the line starting at `from` and where the next one starts
/// (tshark's `tvb_find_line_end`: CR, LF or CRLF).
fn line_end(b: &[u8], from: usize) -> Option<(usize, usize)> {
    let rest = b.get(from..)?;
    let i = rest.iter().position(|&c| c == b'\r' || c == b'\n')?;
    let end = from + i;
    let next = if b.get(end..end + 2) == Some(b"\r\n") {
        end + 2
    } else {
        end + 1
    };
    Some((end, next))
}

/// What tshark makes of `payload` (the captured bytes; `cut`: the frame
/// was cut by the snaplen, so TCP cannot wait for more) when
/// `seen_request` says whether a request line was dissected before.
pub fn classify(payload: &[u8], seen_request: bool, cut: bool) -> Outcome {
    let off = if payload.len() > 3 && payload.starts_with(b"\r\n") {
        2
    } else {
        0
    };
    let Some(&first) = payload.get(off) else {
        return Outcome::Nothing;
    };
    if !(0x20..=0x7e).contains(&first) {
        return if seen_request {
            Outcome::Fresh(Fresh {
                titled: true,
                http: true,
                data: true,
                tapped: false,
            })
        } else {
            Outcome::Nothing
        };
    }
    let found = line_end(payload, off);
    let first_end = found.map_or(payload.len(), |(e, _)| e);
    let first_line = payload.get(off..first_end).unwrap_or_default();
    if found.is_none() && !cut {
        // No line end: tshark asks TCP for more and the segment waits.
        return Outcome::Nothing;
    }
    if let Some(request) = start_line(first_line) {
        return Outcome::Head { request };
    }
    let mut http = seen_request;
    let mut at = off;
    while at < payload.len() {
        let (end, next) = line_end(payload, at).unwrap_or((payload.len(), payload.len()));
        let line = payload.get(at..end).unwrap_or_default();
        if line.is_empty() || line.contains(&b':') || start_line(line).is_some() {
            http = true;
            at = next;
            if line.is_empty() {
                break;
            }
            continue;
        }
        break;
    }
    Outcome::Fresh(Fresh {
        titled: seen_request,
        http,
        data: http && at < payload.len(),
        tapped: true,
    })
}

/// The fresh segments of a connection, by packet.
pub(super) type FreshSegments = Vec<(u32, Fresh)>;

/// The fresh segments of a connection on an HTTP port, in packet order,
/// and the "Continuation" rows among them. `taken`: packets that already
/// have a row (WebSocket after an Upgrade).
pub(super) fn rows(
    store: &PacketStore,
    conv: &Conversation,
    txns: &[Transaction],
    taken: &[(u32, StreamRow)],
) -> (Vec<(u32, StreamRow)>, FreshSegments) {
    let (mut rows, mut fresh) = (Vec::new(), Vec::new());
    let port = crate::fields::path::http_port;
    if !(port(conv.a.port()) || port(conv.b.port())) {
        return (rows, fresh);
    }
    let mut spans: [Vec<(u32, u32)>; 2] = [Vec::new(), Vec::new()];
    let mut first_request: Option<u32> = None;
    for t in txns {
        for m in t.request.iter().chain(&t.interim).chain(&t.response) {
            if let Some(s) = spans.get_mut(m.dir.index()) {
                s.push((m.first_packet, m.last_packet));
            }
            if m.is_request() && !m.partial() {
                first_request = Some(first_request.map_or(m.last_packet, |f| f.min(m.last_packet)));
            }
        }
    }
    for s in &mut spans {
        s.sort_unstable();
    }
    let covered = |p: u32, dir: Direction| {
        let Some(s) = spans.get(dir.index()) else {
            return false;
        };
        let end = s.partition_point(|&(first, _)| first <= p);
        s[..end].iter().rev().take(64).any(|&(_, last)| p <= last)
    };
    let mut seen = false;
    for index in conv.packets(store) {
        let p = index as u32;
        seen |= first_request.is_some_and(|f| f < p);
        let Some(entry) = store.entry(index) else {
            continue;
        };
        // An out-of-order segment goes to TCP's reassembly, not to HTTP
        // fresh (http-range-retrans-ooo-rst: tshark's reassembly errors).
        let out_of_order = entry.analysis & crate::flow::analysis::flags::OUT_OF_ORDER != 0;
        if crate::fields::path::retransmitted(entry)
            || out_of_order
            || taken.iter().any(|&(q, _)| q == p)
            || covered(p, Direction::of(entry))
        {
            continue;
        }
        // Most uncovered segments are bare ACKs: their headers say so
        // without decoding the packet.
        match crate::flow::stream::locate::segment(store, index) {
            Some(s) if !s.payload.is_empty() && !s.rst() => {}
            _ => continue,
        }
        let d = store.decode(index);
        let Some(t) = d.tcp() else { continue };
        if t.rst() || d.header_truncated || t.payload().is_empty() {
            continue;
        }
        match classify(t.payload(), seen, entry.cap_len < entry.orig_len) {
            Outcome::Nothing => {}
            Outcome::Head { request } => seen |= request,
            Outcome::Fresh(f) => {
                if f.titled {
                    let row = Summary::new("HTTP", "Continuation").with_layers(f.layers());
                    rows.push((p, StreamRow::App(row)));
                }
                fresh.push((p, f));
            }
        }
    }
    (rows, fresh)
}

/// The most bytes after a message that are read to tell a Continuation
/// ([`classify`] looks at the first line and byte).
const TRAILING_PEEK: usize = 256;

/// The packets of a connection on an HTTP port whose segment, after the
/// last message it completes, holds bytes that start no message: tshark's
/// HTTP dissector loops over the rest of the segment and makes them a
/// "Continuation" beside the message (tcp-syn-payload-rawip frame 1: a GET
/// head, then 14 zero bytes; Info "GET … HTTP/1.1 Continuation", a second
/// `http` item holding `data`). In packet order, with the number of bytes
/// after the message.
pub(super) fn trailing<S: StreamBytes>(
    conv: &Conversation,
    txns: &[Transaction],
    streams: &[DirStream; 2],
    views: &[S; 2],
) -> Vec<(u32, u32)> {
    let port = crate::fields::path::http_port;
    if !(port(conv.a.port()) || port(conv.b.port())) {
        return Vec::new();
    }
    let mut messages: Vec<&Message> = txns
        .iter()
        .flat_map(|t| t.request.iter().chain(&t.interim).chain(&t.response))
        .filter(|m| !m.partial() && !m.is_http2())
        .collect();
    messages.sort_by_key(|m| (m.dir.index(), m.start));
    let first_request = messages
        .iter()
        .filter(|m| m.is_request())
        .map(|m| m.last_packet)
        .min();
    let mut out = Vec::new();
    for m in &messages {
        let (stream, view) = (&streams[m.dir.index()], &views[m.dir.index()]);
        let Some(last) = m.end.checked_sub(1) else {
            continue;
        };
        let piece = stream.packets.partition_point(|&(o, _)| o <= last);
        let Some(&(_, packet)) = piece.checked_sub(1).and_then(|i| stream.packets.get(i)) else {
            continue;
        };
        let piece_end = stream.packets.get(piece).map_or(stream.len(), |&(o, _)| o);
        // The first message of the direction starting at or after this one's end.
        let next = messages.partition_point(|n| (n.dir.index(), n.start) < (m.dir.index(), m.end));
        let next_starts = messages
            .get(next)
            .is_some_and(|n| n.dir == m.dir && n.start < piece_end);
        if packet != m.last_packet || m.end >= piece_end || next_starts {
            continue;
        }
        let rest = view.window(m.end, TRAILING_PEEK.min((piece_end - m.end) as usize));
        let seen = first_request.is_some_and(|f| f <= packet);
        if let Outcome::Fresh(f) = classify(&rest, seen, false) {
            if f.titled {
                let len = u32::try_from(piece_end - m.end).unwrap_or(u32::MAX);
                out.push((packet, len));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh(o: Outcome) -> Option<Fresh> {
        match o {
            Outcome::Fresh(f) => Some(f),
            _ => None,
        }
    }

    #[test]
    fn binary_bytes_are_a_continuation_once_a_request_was_seen() {
        let body = b"\x91\xf8\xf6\xd6 image bytes";
        assert_eq!(classify(body, false, false), Outcome::Nothing);
        let f = fresh(classify(body, true, false)).expect("continuation");
        assert!(f.titled && f.http && f.data && !f.tapped);
    }

    #[test]
    fn text_that_is_no_message_is_tapped_titled_or_not() {
        // keepalive frame 7: a body after the lost head.
        let f = fresh(classify(b"<!DOCTYPE html>\n<html>\n", true, false)).expect("fresh");
        assert!(f.titled && f.http && f.data && f.tapped);
        // zeek-http_09 frame 34: no request seen, no header-like line.
        let f = fresh(classify(b"T /zeek.html\n", false, false)).expect("fresh");
        assert_eq!(
            (f.titled, f.http, f.data, f.tapped),
            (false, false, false, true)
        );
        // ppa-tcp_dupack frame 6: a first line with a colon is a header.
        let f = fresh(classify(b"E?x: y\nzz\x01\x02", false, false)).expect("fresh");
        assert_eq!(
            (f.titled, f.http, f.data, f.tapped),
            (false, true, true, true)
        );
    }

    #[test]
    fn heads_and_unended_lines_are_not_fresh() {
        assert_eq!(
            classify(b"GET / HTTP/1.1\r\n", false, false),
            Outcome::Head { request: true }
        );
        assert_eq!(
            classify(b"HTTP/1.1 200 OK\r\nDate", true, true),
            Outcome::Head { request: false }
        );
        // A request line cut by the snaplen before its end.
        assert_eq!(
            classify(b"GET /images/sf.net_box.gif HTT", false, true),
            Outcome::Head { request: true }
        );
        assert_eq!(classify(b"no line end", true, false), Outcome::Nothing);
        assert_eq!(classify(b"", true, false), Outcome::Nothing);
        assert_eq!(start_line(b"T /zeek.html"), None);
        assert_eq!(start_line(b"bad method"), None);
    }
}
