//! TCP options as tshark 4.0 shows them: each option with its kind, length
//! and values (window scale with its multiplier, SACK blocks relative to the
//! reverse direction's base, timestamps).

use super::super::bits::{be16, be32, bytes_value};
use super::super::Node;
use crate::fields::Value;

fn option_name(kind: u8) -> &'static str {
    match kind {
        0 => "End of Option List (EOL)",
        1 => "No-Operation (NOP)",
        2 => "Maximum segment size",
        3 => "Window scale",
        4 => "SACK permitted",
        5 => "SACK",
        8 => "Timestamps",
        30 => "Multipath TCP",
        34 => "TCP Fast Open",
        _ => "Unknown",
    }
}

fn kind_text(kind: u8) -> String {
    let name = match kind {
        0 => "End of Option List",
        1 => "No-Operation",
        2 => "Maximum Segment Size",
        3 => "Window Scale",
        4 => "SACK Permitted",
        5 => "SACK",
        8 => "Time Stamp Option",
        34 => "TCP Fast Open Cookie",
        _ => "Unknown",
    };
    format!("Kind: {name} ({kind})")
}

/// The options node, each option with its kind, length and values.
pub(super) fn options(opts: &[u8], at: usize, base_ack: Option<u32>) -> Node {
    let mut names = Vec::new();
    let mut items = Vec::new();
    let mut pos = 0;
    while pos < opts.len() {
        let kind = opts[pos];
        let o = at + pos;
        let len = match kind {
            0 | 1 => 1,
            _ => match opts.get(pos + 1) {
                Some(&l) if l >= 2 && pos + usize::from(l) <= opts.len() => usize::from(l),
                _ => {
                    items.push(Node::text(
                        format!("TCP Option - {}: malformed", option_name(kind)),
                        o..at + opts.len(),
                    ));
                    break;
                }
            },
        };
        let r = o..o + len;
        let body = &opts[pos..pos + len];
        names.push(option_name(kind));
        let kind_node = Node::field(
            "tcp.option_kind",
            kind_text(kind),
            o..o + 1,
            Value::UInt(u64::from(kind)),
        );
        let len_node = || {
            Node::field(
                "tcp.option_len",
                format!("Length: {len}"),
                o + 1..o + 2,
                Value::UInt(len as u64),
            )
        };
        let mut n = match kind {
            0 => Node::field(
                "tcp.options.eol",
                "TCP Option - End of Option List (EOL)",
                r.clone(),
                bytes_value(body),
            ),
            1 => Node::field(
                "tcp.options.nop",
                "TCP Option - No-Operation (NOP)",
                r.clone(),
                bytes_value(body),
            ),
            2 => {
                let mss = be16(body, 2).unwrap_or(0);
                let mut n = Node::field(
                    "tcp.options.mss",
                    format!("TCP Option - Maximum segment size: {mss} bytes"),
                    r.clone(),
                    bytes_value(body),
                );
                n.add(kind_node.clone());
                n.add(len_node());
                n.add(Node::field(
                    "tcp.options.mss_val",
                    format!("MSS Value: {mss}"),
                    o + 2..o + 4,
                    Value::UInt(u64::from(mss)),
                ));
                n
            }
            3 => {
                let shift = body.get(2).copied().unwrap_or(0);
                let mult = 1u64 << shift.min(14);
                let mut n = Node::field(
                    "tcp.options.wscale",
                    format!("TCP Option - Window scale: {shift} (multiply by {mult})"),
                    r.clone(),
                    bytes_value(body),
                );
                n.add(kind_node.clone());
                n.add(len_node());
                n.add(Node::field(
                    "tcp.options.wscale.shift",
                    format!("Shift count: {shift}"),
                    o + 2..o + 3,
                    Value::UInt(u64::from(shift)),
                ));
                n.add(Node::field(
                    "tcp.options.wscale.multiplier",
                    format!("[Multiplier: {mult}]"),
                    o + 2..o + 3,
                    Value::UInt(mult),
                ));
                n
            }
            4 => {
                let mut n = Node::field(
                    "tcp.options.sack_perm",
                    "TCP Option - SACK permitted",
                    r.clone(),
                    bytes_value(body),
                );
                n.add(kind_node.clone());
                n.add(len_node());
                n
            }
            5 => {
                let base = base_ack.unwrap_or(0);
                let mut edges = Vec::new();
                let mut i = 2;
                while i + 8 <= len {
                    let l = be32(body, i).unwrap_or(0).wrapping_sub(base);
                    let rr = be32(body, i + 4).unwrap_or(0).wrapping_sub(base);
                    edges.push((l, rr, o + i));
                    i += 8;
                }
                let list: Vec<String> = edges
                    .iter()
                    .map(|(l, r, _)| format!("SLE={l} SRE={r}"))
                    .collect();
                let mut n = Node::field(
                    "tcp.options.sack",
                    format!("TCP Option - SACK {}", list.join(" ")),
                    r.clone(),
                    bytes_value(body),
                );
                n.add(kind_node.clone());
                n.add(len_node());
                for (l, rr, p) in &edges {
                    n.add(Node::field(
                        "tcp.options.sack_le",
                        format!("left edge = {l} (relative)"),
                        *p..p + 4,
                        Value::UInt(u64::from(*l)),
                    ));
                    n.add(Node::field(
                        "tcp.options.sack_re",
                        format!("right edge = {rr} (relative)"),
                        p + 4..p + 8,
                        Value::UInt(u64::from(*rr)),
                    ));
                }
                n
            }
            8 => {
                let tsv = be32(body, 2).unwrap_or(0);
                let tse = be32(body, 6).unwrap_or(0);
                let mut n = Node::field(
                    "tcp.options.timestamp",
                    format!("TCP Option - Timestamps: TSval {tsv}, TSecr {tse}"),
                    r.clone(),
                    bytes_value(body),
                );
                n.add(kind_node.clone());
                n.add(len_node());
                n.add(Node::field(
                    "tcp.options.timestamp.tsval",
                    format!("Timestamp value: {tsv}"),
                    o + 2..o + 6,
                    Value::UInt(u64::from(tsv)),
                ));
                n.add(Node::field(
                    "tcp.options.timestamp.tsecr",
                    format!("Timestamp echo reply: {tse}"),
                    o + 6..o + 10,
                    Value::UInt(u64::from(tse)),
                ));
                n
            }
            k => {
                let mut n = Node::field(
                    "tcp.options.unknown",
                    format!(
                        "TCP Option - {}",
                        if k == 34 { "TCP Fast Open" } else { "Unknown" }
                    ),
                    r.clone(),
                    bytes_value(body),
                );
                n.add(kind_node.clone());
                n.add(len_node());
                n
            }
        };
        if kind <= 1 {
            n.add(kind_node);
        }
        // tshark goes on past an End of Option List: each padding byte after
        // it is one more EOL option.
        items.push(n);
        pos += len;
    }
    let mut head = format!("Options: ({} bytes)", opts.len());
    for n in &names {
        head.push_str(", ");
        head.push_str(n);
    }
    let mut node = Node::field("tcp.options", head, at..at + opts.len(), bytes_value(opts));
    node.children = items;
    node
}
