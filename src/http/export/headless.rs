//! The bodies tshark 4.0's `--export-objects http` writes for bytes on an
//! HTTP port that no HTTP head frames: an HTTP/0.9 answer (`GET /` answered
//! by the page alone, no status line), or whatever a client sends that is no
//! request. tshark's HTTP dissector hands every such segment to the export
//! tap as a body of its own while no request or response has been seen on
//! the connection (`dissect_http_message`, the path where the first line is
//! neither a start line nor a header), without naming the row HTTP: the
//! packet list keeps its TCP row.
//!
//! So, as tshark does, one object per segment, not one per answer: on
//! `http09-multi-segment.pcap` tshark writes `<html>first part\n` and
//! `second part</html>\n` as two objects (frames 5 and 6). A segment is one
//! when, on a connection with one of tshark's HTTP ports:
//! - no HTTP message of the connection (either direction) is complete in
//!   an earlier packet, and the segment is not part of one;
//! - after one leading CRLF (skipped when the segment is longer than 3
//!   bytes), its first byte is printable ASCII (a PNG answer's `\x89` makes
//!   tshark give up on it);
//! - it holds a line end (without one tshark waits for more bytes, as for a
//!   head) and its first line is no start line.
//!
//! tshark 4.0 takes every line with a colon as a header there, so the body
//! starts at the first line without one (or after a blank line): on
//! `ppa-tcp_dupack.pcapng` frame 6's 1368 bytes of the middle of a download
//! start `E?\x0b...` and its body is the last 885, after the lines that
//! happen to hold a `:`. A segment of headers alone gives no body. The
//! values of such "headers" (a Content-Length among them) are not applied.
//!
//! Retransmitted copies are left out. After the first complete message
//! tshark's "Continuation" rows take over; those are not exported here.

use super::{ExportItem, ExportOptions, Names};
use crate::flow::{analysis::flags, Conversation, Conversations, Protocol};
use crate::http::parse;
use crate::http::{HttpIndex, Transaction};
use crate::store::PacketStore;
use std::borrow::Cow;
use std::collections::HashMap;

/// The TCP ports tshark 4.0's HTTP dissector is registered on.
pub(super) const HTTP_PORTS: [u16; 10] =
    [80, 3128, 3132, 5985, 8080, 8088, 11371, 1900, 2869, 2710];

/// One segment exported as a body of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Headless {
    /// 0-based packet index.
    pub packet: u32,
    pub stream: u32,
    /// The body's bytes within the packet's captured TCP payload.
    pub skip: usize,
}

/// The length of the line at the start of `b` and of its end (CRLF, LF or
/// a lone CR, as Wireshark's `tvb_find_line_end`), if it has an end.
fn line(b: &[u8]) -> Option<(usize, usize)> {
    let at = b.iter().position(|&c| c == b'\n' || c == b'\r')?;
    let eol = if b[at..].starts_with(b"\r\n") { 2 } else { 1 };
    Some((at, eol))
}

/// Where the body starts in a segment's payload, if tshark exports the
/// segment as a headless body (see the module doc).
pub(super) fn body_start(payload: &[u8]) -> Option<usize> {
    let mut at = if payload.len() > 3 && payload.starts_with(b"\r\n") {
        2
    } else {
        0
    };
    let rest = payload.get(at..)?;
    if !(0x20..=0x7e).contains(rest.first()?) {
        return None;
    }
    // Without a line end tshark waits for more bytes.
    line(rest)?;
    if parse::looks_like_request(rest) || rest.starts_with(b"HTTP/") {
        return None;
    }
    // Lines with a colon are headers to tshark 4.0; the body starts at the
    // first line without one, or after a blank line.
    loop {
        let rest = payload.get(at..).unwrap_or_default();
        if rest.is_empty() {
            return None;
        }
        let Some((len, eol)) = line(rest) else {
            // A last line without its end: a header, or (after headers)
            // more of a head cut short, where tshark stops.
            return None;
        };
        let text = &rest[..len];
        if len == 0 {
            at += eol;
            break;
        }
        if !text.contains(&b':') {
            break;
        }
        at += len + eol;
    }
    (at < payload.len()).then_some(at)
}

/// The headless segments of every TCP connection on an HTTP port (only
/// `stream`'s when given), in packet order per connection.
pub(super) fn segments(
    store: &PacketStore,
    conversations: &[Conversation],
    index: &HttpIndex,
    stream: Option<u32>,
) -> Vec<Headless> {
    let capture = store.capture().bytes();
    // The transactions of each conversation, found in one pass.
    let mut by_conversation: HashMap<u32, Vec<&Transaction>> = HashMap::new();
    for t in &index.transactions {
        by_conversation.entry(t.conversation).or_default().push(t);
    }
    let mut out = Vec::new();
    for (ci, conv) in conversations.iter().enumerate() {
        let on_port = HTTP_PORTS.contains(&conv.a.port()) || HTTP_PORTS.contains(&conv.b.port());
        if conv.protocol != Protocol::Tcp || !on_port || stream.is_some_and(|s| s != conv.stream) {
            continue;
        }
        // (first packet, last packet, whether the head parsed) of each
        // message of the connection.
        let messages: Vec<(u32, u32, bool)> = by_conversation
            .get(&(ci as u32))
            .into_iter()
            .flatten()
            .flat_map(|t| t.request.iter().chain(&t.interim).chain(&t.response))
            .map(|m| {
                let whole = !m.is_request()
                    || parse::parse_request(m.head_bytes(capture)).is_ok()
                    || m.head_bytes(capture).is_empty();
                (m.first_packet, m.last_packet, whole)
            })
            .collect();
        for packet in conv.packets(store) {
            let p = packet as u32;
            if messages.iter().any(|&(_, last, whole)| whole && last < p) {
                break;
            }
            if messages
                .iter()
                .any(|&(first, last, _)| first <= p && p <= last)
            {
                continue;
            }
            let retransmitted = store
                .entry(packet)
                .is_some_and(|e| e.analysis & flags::RETRANSMISSION != 0);
            if retransmitted {
                continue;
            }
            let d = store.decode(packet);
            if let Some(skip) = body_start(d.payload()) {
                out.push(Headless {
                    packet: p,
                    stream: conv.stream,
                    skip,
                });
            }
        }
    }
    out
}

/// The segments tshark exports as bodies without an HTTP head
/// (see the module doc), each read from its packet and named `objectFRAME` as
/// tshark names them.
pub(super) fn items(
    store: &PacketStore,
    conversations: &Conversations,
    index: &HttpIndex,
    opts: &ExportOptions,
    names: &mut Names,
) -> Vec<ExportItem<'static>> {
    segments(store, conversations.all(), index, opts.stream)
        .into_iter()
        .map(|h| {
            let d = store.decode(h.packet as usize);
            let body = d.payload().get(h.skip..).unwrap_or_default();
            ExportItem {
                name: names.unique(&format!("object{}", h.packet + 1)),
                data: Cow::Owned(body.to_vec()),
                frame: u64::from(h.packet) + 1,
                stream: h.stream,
                partial: false,
                note: None,
                message: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_segments_tshark_exports() {
        // zeek-http_09.pcap: the page, the server's complaints and the
        // client's "T /zeek.html" are exported whole.
        assert_eq!(body_start(b"<html>\n  The Zeek\n</html>\n"), Some(0));
        assert_eq!(body_start(b"bad method\n"), Some(0));
        assert_eq!(body_start(b"T /zeek.html\n"), Some(0));
        assert_eq!(body_start(b"x y\r\n\r\nafter blank\n"), Some(0));
        // Start lines, binary data, bytes without a line end and a blank
        // line after the skipped CRLF are not (tshark 4.0 on crafted
        // segments answering `GET /`).
        assert_eq!(body_start(b"GET /zeek.html\n"), None);
        assert_eq!(body_start(b"HTTP/1.1 200 OK\r\n"), None);
        assert_eq!(body_start(b"\x89PNG\r\n\x1a\n"), None);
        assert_eq!(body_start(b"no line end"), None);
        assert_eq!(body_start(b"\r\n\r\nabc\n"), None);
        assert_eq!(body_start(b""), None);
        assert_eq!(body_start(b"\r\n"), None);
        // Lines with a colon are headers: the body follows them.
        assert_eq!(body_start(b"time is 10:00\n"), None);
        assert_eq!(body_start(b"a:b\nrest\n"), Some(4));
        assert_eq!(
            body_start(b"bad:x y\nline two\nline three: z\nfinal\n"),
            Some(8)
        );
        assert_eq!(body_start(b"E?\x0b:zz\nbody\n"), Some(7));
        assert_eq!(body_start(b"a:b\r\n\r\nbody"), Some(7));
        // A head cut short (no line end after a header) gives nothing.
        assert_eq!(body_start(b"a:b\nrest"), None);
    }
}
