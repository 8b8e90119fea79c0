//! tshark's `[N Reassembled TCP Segments (B bytes): #8(1448), ...]` block:
//! the packets of a connection's direction whose payload holds the bytes of
//! a PDU (an HTTP message, a TLS record) that completes in a later packet
//! than it starts, and those bytes put together from the packets.

use super::Node;
use crate::fields::{PacketView, Value};

/// A PDU of the viewed packet's direction: the packets it lies in and its
/// stream offsets (0 is the byte after the SYN).
#[derive(Debug, Clone, Copy)]
pub struct Pdu {
    pub first_packet: usize,
    pub last_packet: usize,
    pub start: u64,
    pub end: u64,
}

/// One piece of a PDU: (packet, from, to), offsets within the PDU.
pub type Piece = (usize, u64, u64);

/// The pieces of `pdu`: (packet, from, to) with offsets within the PDU,
/// each byte taken from the first packet that carries it; and, when
/// `bytes`, the PDU's bytes (`None` when a piece's bytes were not captured).
pub fn pieces(view: &PacketView<'_>, pdu: Pdu, bytes: bool) -> (Vec<Piece>, Option<Vec<u8>>) {
    let mut parts: Vec<Piece> = Vec::new();
    let mut data = bytes.then(Vec::new);
    let store = &view.trace.store;
    let Some((c, dir)) = view.trace.conversations.of_packet(store, view.index) else {
        return (parts, None);
    };
    let mut covered = pdu.start;
    for (steps, i) in c.packets(store).enumerate() {
        if steps >= super::tcp::MAX_STREAM_WALK || i > pdu.last_packet {
            break;
        }
        if i < pdu.first_packet {
            continue;
        }
        let other = PacketView::with_http(view.trace, None, i);
        if other.direction() != Some(dir) {
            continue;
        }
        let len = u64::from(other.decoded.tcp_len().unwrap_or(0));
        let Some((seq, _)) = other.relative_seq_ack() else {
            continue;
        };
        // Stream offset 0 is the byte after the SYN.
        let from = u64::from(seq).saturating_sub(1);
        let (lo, hi) = (from.max(covered), (from + len).min(pdu.end));
        if len == 0 || hi <= lo {
            continue;
        }
        if let Some(d) = data.as_mut() {
            let payload = other.decoded.tcp().map_or(&[][..], |t| t.payload());
            let got = usize::try_from(lo - from)
                .ok()
                .zip(usize::try_from(hi - from).ok())
                .and_then(|(a, b)| payload.get(a..b));
            match got {
                Some(b) => d.extend_from_slice(b),
                None => data = None,
            }
        }
        parts.push((i, lo - pdu.start, hi - pdu.start));
        covered = hi;
    }
    if covered < pdu.end {
        data = None;
    }
    (parts, data)
}

/// The block for `parts` of a PDU of `total` bytes (with its first bytes
/// when given); `None` for fewer than two parts.
pub fn node(parts: &[(usize, u64, u64)], total: u64, bytes: Option<&[u8]>) -> Option<Node> {
    if parts.len() < 2 {
        return None;
    }
    let list: Vec<String> = parts
        .iter()
        .map(|(i, lo, hi)| format!("#{}({})", i + 1, hi - lo))
        .collect();
    let mut n = Node::field(
        "tcp.segments",
        format!(
            "[{} Reassembled TCP Segments ({total} bytes): {}]",
            parts.len(),
            list.join(", ")
        ),
        0..0,
        Value::Present,
    );
    for (i, lo, hi) in parts {
        n.add(Node::field(
            "tcp.segment",
            format!(
                "[Frame: {}, payload: {lo}-{} ({} bytes)]",
                i + 1,
                hi - 1,
                hi - lo
            ),
            0..0,
            Value::UInt(*i as u64 + 1),
        ));
    }
    n.add(Node::field(
        "tcp.segment.count",
        format!("[Segment count: {}]", parts.len()),
        0..0,
        Value::UInt(parts.len() as u64),
    ));
    n.add(Node::field(
        "tcp.reassembled.length",
        format!("[Reassembled TCP length: {total}]"),
        0..0,
        Value::UInt(total),
    ));
    if let Some(b) = bytes {
        let hex: String = b.iter().take(36).map(|x| format!("{x:02x}")).collect();
        let more = if b.len() > 36 { "…" } else { "" };
        n.add(Node::field(
            "tcp.reassembled.data",
            format!("[Reassembled TCP Data: {hex}{more}]"),
            0..0,
            super::bits::bytes_value(b),
        ));
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_as_tshark_prints_it() {
        assert!(node(&[(4, 0, 10)], 10, None).is_none());
        let n = node(&[(4, 0, 1262), (5, 1262, 2610)], 2610, Some(&[0x16, 3, 3])).expect("two");
        assert_eq!(
            n.text,
            "[2 Reassembled TCP Segments (2610 bytes): #5(1262), #6(1348)]"
        );
        assert_eq!(
            n.children[1].text,
            "[Frame: 6, payload: 1262-2609 (1348 bytes)]"
        );
        assert_eq!(n.children[4].text, "[Reassembled TCP Data: 160303]");
    }
}
