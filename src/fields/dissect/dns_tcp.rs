//! DNS over TCP as tshark 4.0's details tree shows it: per segment, a
//! `[PDU Size: N]` item in the TCP layer and a `Domain Name System` layer
//! (the DNS tree of `dns.rs`, a `Length` item first) for each message that
//! ends in the segment; a message begun in earlier segments comes after its
//! `[N Reassembled TCP Segments ...]` list. `[Request In]` of a response is
//! the nearest earlier query of the connection with its id.
//!
//! The messages come from the reassembled direction (`decode::app::dns_tcp`
//! splits it), so they are found wherever the segments cut them.

use super::Node;
use crate::decode::app::dns_tcp::messages;
use crate::decode::app::{DirBytes, StreamRow};
use crate::decode::Transport;
use crate::fields::{PacketView, Value};

/// One direction of the connection, up to its first hole.
fn direction(st: &crate::flow::stream::DirStream) -> DirBytes<'_> {
    let end = st.gaps.first().map_or(st.bytes.len(), |&(o, _)| o as usize);
    DirBytes {
        bytes: &st.bytes[..end.min(st.bytes.len())],
        segments: &st.packets,
    }
}

/// Each complete message of `d` with the packet its last byte came in:
/// (packet, start, end) in the direction's bytes.
fn ended_in(d: DirBytes<'_>) -> Vec<(u32, usize, usize)> {
    let spans: Vec<(u32, usize, usize)> = d.spans().collect();
    messages(d.bytes)
        .into_iter()
        .filter(|&(s, e)| e <= d.bytes.len() && e > s + 2)
        .filter_map(|(s, e)| {
            let (p, _, _) = spans.iter().find(|&&(_, a, b)| a < e && e <= b)?;
            Some((*p, s, e))
        })
        .collect()
}

/// The (id, is a response) of a message's bytes (length prefix included).
fn id_qr(m: &[u8]) -> Option<(u16, bool)> {
    let b = m.get(2..5)?;
    Some((u16::from_be_bytes([b[0], b[1]]), b[2] & 0x80 != 0))
}

/// The DNS layer of one message (`m`, length prefix included) at `at`.
fn message(view: &PacketView<'_>, m: &[u8], at: usize) -> Option<Node> {
    let mut n = super::dns::dns(view, m.get(2..)?, at + 2)?;
    // dns.rs links a UDP datagram to its query; over TCP it is done here.
    n.children
        .retain(|c| c.abbrev != "dns.response_to" && c.abbrev != "dns.time");
    n.bytes = at..at + m.len();
    n.children.insert(
        0,
        Node::field(
            "dns.length",
            format!("Length: {}", m.len() - 2),
            at..at + 2,
            Value::UInt(m.len() as u64 - 2),
        ),
    );
    Some(n)
}

/// `[Request In]` and `[Time]` of a response, from the queries of the
/// other direction.
fn link(view: &PacketView<'_>, n: &mut Node, id: u16, queries: &[(u32, u16)]) {
    let Some(&(q, _)) = queries
        .iter()
        .rev()
        .find(|&&(p, qid)| qid == id && (p as usize) < view.index)
    else {
        return;
    };
    super::bits::request_link(
        view,
        n,
        q as usize,
        ("dns.response_to", "Request In"),
        ("dns.time", "Time"),
    );
}

/// The DNS layers of a DNS-over-TCP segment; `false` when the packet is
/// none.
pub fn layers(
    view: &PacketView<'_>,
    out: &mut Vec<Node>,
    protocols: &mut Vec<&'static str>,
) -> bool {
    let d = &view.decoded;
    let Transport::Tcp(_) = &d.transport else {
        return false;
    };
    let Some(http) = view.http else { return false };
    let middle = match http.app_row(view.index) {
        Some(StreamRow::App(r)) if r.protocol == "DNS" => false,
        Some(StreamRow::Segment { tcp_info: true }) => true,
        _ => return false,
    };
    let store = &view.trace.store;
    let Some((conv, dir)) = view.trace.conversations.of_packet(store, view.index) else {
        return false;
    };
    if conv.a.port() != 53 && conv.b.port() != 53 {
        return false;
    }
    let Some(entry) = store.entry(view.index) else {
        return false;
    };
    let streams = http.streams(store, &view.trace.conversations, entry.conversation);
    let here = direction(&streams[dir.index()]);
    let other = direction(&streams[dir.reverse().index()]);
    let Some((_, s0, e0)) = here.spans().find(|&(p, _, _)| p as usize == view.index) else {
        return false;
    };
    let at = d.payload_offset().unwrap_or(0);
    let queries: Vec<(u32, u16)> = ended_in(other)
        .into_iter()
        .filter_map(|(p, s, e)| match id_qr(&other.bytes[s..e]) {
            Some((id, false)) => Some((p, id)),
            _ => None,
        })
        .collect();
    let spans: Vec<(u32, usize, usize)> = here.spans().collect();
    let mut sizes = Vec::new();
    let mut crossing = Vec::new();
    let mut layers = Vec::new();
    for (s, e) in messages(here.bytes) {
        // The part of a message that crosses this segment's edges.
        if s < e0 && e > s0 && (s < s0 || e > e0) {
            crossing.push(e.min(e0) - s.max(s0));
        }
        if e > here.bytes.len() || e <= s0 || e > e0 || e < s + 3 {
            continue;
        }
        let m = &here.bytes[s..e];
        sizes.push(e - s);
        let node = if s >= s0 {
            message(view, m, at + (s - s0))
        } else {
            let parts = super::pdu::parts(&spans, s, e);
            layers.push(super::pdu::reassembled(&parts, m));
            message(view, m, 0).map(|mut n| {
                super::bits::detach(&mut n);
                n
            })
        };
        let Some(mut node) = node else { continue };
        if let Some((id, true)) = id_qr(m) {
            link(view, &mut node, id, &queries);
        }
        layers.push(node);
    }
    if layers.is_empty() && !middle {
        return false;
    }
    super::pdu::sizes(out, &sizes);
    super::pdu::segment_data(out, &crossing);
    if layers.is_empty() {
        // Inside a message: TCP keeps the bytes, no dissector is called.
        return true;
    }
    out.extend(layers);
    protocols.push("dns");
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_end_in_their_last_segment() {
        // Two messages: 4+2 bytes in packet 1, then one over packets 3 and 5.
        let mut b = vec![0, 4, 0x11, 0x11, 0x80, 0];
        b.extend([0, 4, 0x22, 0x22, 0, 0]);
        let d = DirBytes {
            bytes: &b,
            segments: &[(0, 1), (6, 3), (9, 5)],
        };
        assert_eq!(ended_in(d), vec![(1, 0, 6), (5, 6, 12)]);
        assert_eq!(id_qr(&b[..6]), Some((0x1111, true)));
        assert_eq!(id_qr(&b[..3]), None);
        let r = super::super::pdu::reassembled(&[(3, 3), (5, 3)], &b[6..]);
        assert_eq!(
            r.text,
            "[2 Reassembled TCP Segments (6 bytes): #4(3), #6(3)]"
        );
        assert_eq!(r.children[1].text, "[Frame: 6, payload: 3-5 (3 bytes)]");
    }
}
