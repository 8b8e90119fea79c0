//! The TCP-level items a stream protocol's PDUs add to the tree, as tshark
//! 4.0's `tcp_dissect_pdus` and reassembly show them: a `[PDU Size: N]`
//! item in the TCP layer per PDU dissected in the segment, and the
//! `[N Reassembled TCP Segments ...]` list before a PDU that began in
//! earlier segments.

use super::Node;
use crate::fields::Value;

/// `[PDU Size: N]` items after the TCP layer's payload item.
pub fn sizes(out: &mut [Node], sizes: &[usize]) {
    let Some(tcp) = out.iter_mut().rev().find(|l| l.abbrev == "tcp") else {
        return;
    };
    let at = tcp
        .children
        .iter()
        .position(|c| c.abbrev == "tcp.payload")
        .map_or(tcp.children.len(), |i| i + 1);
    let bytes = tcp.bytes.clone();
    for (k, &size) in sizes.iter().enumerate() {
        tcp.children.insert(
            at + k,
            Node::field(
                "tcp.pdu.size",
                format!("[PDU Size: {size}]"),
                bytes.clone(),
                Value::UInt(size as u64),
            ),
        );
    }
}

/// `[N Reassembled TCP Segments ...]` of a message over several segments:
/// `parts` are (packet, bytes) in order.
pub fn reassembled(parts: &[(u32, usize)], m: &[u8]) -> Node {
    let total = m.len();
    let list: Vec<String> = parts
        .iter()
        .map(|(p, l)| format!("#{}({l})", p + 1))
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
    let mut off = 0;
    for (p, l) in parts {
        n.add(Node::field(
            "tcp.segment",
            format!(
                "[Frame: {}, payload: {off}-{} ({l} bytes)]",
                p + 1,
                off + l - 1
            ),
            0..0,
            Value::UInt(u64::from(p + 1)),
        ));
        off += l;
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
        Value::UInt(total as u64),
    ));
    let shown = &m[..m.len().min(36)];
    let hex: String = shown.iter().map(|b| format!("{b:02x}")).collect();
    let more = if m.len() > 36 { "…" } else { "" };
    n.add(Node::field(
        "tcp.reassembled.data",
        format!("[Reassembled TCP Data: {hex}{more}]"),
        0..0,
        super::bits::bytes_value(m),
    ));
    n
}

/// The (packet, bytes) each segment of `spans` (packet, start, end in the
/// direction's bytes) gives to the PDU at `start..end`.
pub fn parts(spans: &[(u32, usize, usize)], start: usize, end: usize) -> Vec<(u32, usize)> {
    spans
        .iter()
        .filter(|&&(_, a, b)| a < end && b > start)
        .map(|&(p, a, b)| (p, b.min(end) - a.max(start)))
        .collect()
}

/// `TCP segment data (N bytes)` items, one per part of a PDU that crosses
/// the segment's edges, after the TCP layer's payload and PDU sizes.
pub fn segment_data(out: &mut [Node], lens: &[usize]) {
    let Some(tcp) = out.iter_mut().rev().find(|l| l.abbrev == "tcp") else {
        return;
    };
    let Some(payload) = tcp.children.iter().position(|c| c.abbrev == "tcp.payload") else {
        return;
    };
    let mut at = payload + 1;
    while tcp
        .children
        .get(at)
        .is_some_and(|c| c.abbrev == "tcp.pdu.size")
    {
        at += 1;
    }
    let bytes = tcp.children[payload].bytes.clone();
    let value = tcp.children[payload]
        .value
        .clone()
        .unwrap_or(Value::Present);
    for (k, &len) in lens.iter().enumerate() {
        tcp.children.insert(
            at + k,
            Node::field(
                "tcp.segment_data",
                format!("TCP segment data ({})", super::bits::bytes(len)),
                bytes.clone(),
                value.clone(),
            ),
        );
    }
}
