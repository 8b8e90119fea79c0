//! UDP (with `[Timestamps]` of its stream), ICMP and ICMPv6 (type and code
//! names), DNS over UDP port 53, and the `Data` layer of payloads nothing
//! else dissects.

use super::bits::{be16, secs};
use super::Node;
use crate::decode::Transport;
use crate::fields::{PacketView, Value};

fn icmp_type(t: u8) -> &'static str {
    match t {
        0 => "Echo (ping) reply",
        3 => "Destination unreachable",
        4 => "Source quench (flow control)",
        5 => "Redirect",
        8 => "Echo (ping) request",
        11 => "Time-to-live exceeded",
        12 => "Parameter problem",
        13 => "Timestamp request",
        14 => "Timestamp reply",
        _ => "Unknown",
    }
}

fn icmp_code(t: u8, c: u8) -> Option<&'static str> {
    match (t, c) {
        (3, 0) => Some("Network unreachable"),
        (3, 1) => Some("Host unreachable"),
        (3, 2) => Some("Protocol unreachable"),
        (3, 3) => Some("Port unreachable"),
        (3, 4) => Some("Fragmentation needed"),
        (11, 0) => Some("Time to live exceeded in transit"),
        _ => None,
    }
}

fn icmpv6_type(t: u8) -> &'static str {
    match t {
        1 => "Destination Unreachable",
        2 => "Packet Too Big",
        3 => "Time Exceeded",
        4 => "Parameter Problem",
        128 => "Echo (ping) request",
        129 => "Echo (ping) reply",
        133 => "Router Solicitation",
        134 => "Router Advertisement",
        135 => "Neighbor Solicitation",
        136 => "Neighbor Advertisement",
        137 => "Redirect",
        143 => "Multicast Listener Report Message v2",
        _ => "Unknown",
    }
}

/// The `Data` layer: payload bytes no dissector claimed.
pub fn data(bytes: &[u8], at: usize) -> Node {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let shown = if hex.len() > 72 {
        format!("{}…", &hex[..72])
    } else {
        hex.clone()
    };
    let r = at..at + bytes.len();
    let mut n = Node::field(
        "data",
        format!("Data ({} bytes)", bytes.len()),
        r.clone(),
        Value::Present,
    );
    n.add(Node::field(
        "data.data",
        format!("Data: {shown}"),
        r.clone(),
        Value::Str(
            bytes
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(":")
                .into(),
        ),
    ));
    n.add(Node::field(
        "data.len",
        format!("[Length: {}]", bytes.len()),
        r,
        Value::UInt(bytes.len() as u64),
    ));
    n
}

pub fn layers(view: &PacketView<'_>, out: &mut Vec<Node>, protocols: &mut Vec<&'static str>) {
    let d = &view.decoded;
    let at = d.transport_offset.unwrap_or(0);
    match &d.transport {
        Transport::Udp(u) => {
            protocols.push("udp");
            let (sp, dp) = (u.source_port(), u.destination_port());
            let mut n = Node::field(
                "udp",
                format!("User Datagram Protocol, Src Port: {sp}, Dst Port: {dp}"),
                at..at + 8,
                Value::Present,
            );
            n.add(Node::field(
                "udp.srcport",
                format!("Source Port: {sp}"),
                at..at + 2,
                Value::UInt(u64::from(sp)),
            ));
            n.add(Node::field(
                "udp.dstport",
                format!("Destination Port: {dp}"),
                at + 2..at + 4,
                Value::UInt(u64::from(dp)),
            ));
            n.add(Node::field(
                "udp.length",
                format!("Length: {}", u.length()),
                at + 4..at + 6,
                Value::UInt(u64::from(u.length())),
            ));
            let ck = u.checksum();
            if ck == 0 {
                n.add(Node::field(
                    "udp.checksum",
                    "Checksum: 0x0000 [zero-value ignored]",
                    at + 6..at + 8,
                    Value::Hex(0, 4),
                ));
                n.add(Node::field(
                    "udp.checksum.status",
                    "[Checksum Status: Not present]",
                    0..0,
                    Value::UInt(3),
                ));
            } else {
                n.add(Node::field(
                    "udp.checksum",
                    format!("Checksum: 0x{ck:04x} [unverified]"),
                    at + 6..at + 8,
                    Value::Hex(u64::from(ck), 4),
                ));
                n.add(Node::field(
                    "udp.checksum.status",
                    "[Checksum Status: Unverified]",
                    0..0,
                    Value::UInt(2),
                ));
            }
            let store = &view.trace.store;
            let conv = view.trace.conversations.of_packet(store, view.index);
            if let Some((c, _)) = conv {
                n.add(Node::field(
                    "udp.stream",
                    format!("[Stream index: {}]", c.stream),
                    0..0,
                    Value::UInt(u64::from(c.stream)),
                ));
                let ts = store
                    .entry(view.index)
                    .filter(|e| e.has_timestamp())
                    .map(|e| e.ts_ns);
                if let Some(ts) = ts {
                    let mut prev = None;
                    let mut complete = true;
                    for (steps, i) in c.packets(store).enumerate() {
                        if i >= view.index {
                            break;
                        }
                        if steps >= super::tcp::MAX_STREAM_WALK {
                            complete = false;
                            break;
                        }
                        prev = store
                            .entry(i)
                            .filter(|e| e.has_timestamp())
                            .map(|e| e.ts_ns)
                            .or(prev);
                    }
                    if complete {
                        let first = ts.saturating_sub(c.first_ts);
                        let delta = prev.map_or(0, |p| ts.saturating_sub(p));
                        let s = n.add(Node::text("[Timestamps]", 0..0));
                        s.add(Node::field(
                            "udp.time_relative",
                            format!("[Time since first frame: {} seconds]", secs(first)),
                            0..0,
                            Value::Time(first),
                        ));
                        s.add(Node::field(
                            "udp.time_delta",
                            format!("[Time since previous frame: {} seconds]", secs(delta)),
                            0..0,
                            Value::Time(delta),
                        ));
                    }
                }
            }
            let payload = u.payload();
            let p_at = at + 8;
            let wire = usize::from(u.length()).saturating_sub(8);
            n.add(Node::field(
                "udp.payload",
                format!("UDP payload ({wire} bytes)"),
                p_at..p_at + payload.len(),
                Value::Present,
            ));
            out.push(n);
            if sp == 53 || dp == 53 {
                if let Some(dns) = super::dns::dns(view, payload, p_at) {
                    protocols.push("dns");
                    out.push(dns);
                    return;
                }
            }
            if !payload.is_empty() {
                protocols.push("data");
                out.push(data(payload, p_at));
            }
        }
        Transport::Icmpv4(i) => {
            protocols.push("icmp");
            let b = i.slice();
            let (t, c) = (i.type_u8(), i.code_u8());
            let mut n = Node::field(
                "icmp",
                "Internet Control Message Protocol",
                at..at + b.len(),
                Value::Present,
            );
            n.add(Node::field(
                "icmp.type",
                format!("Type: {t} ({})", icmp_type(t)),
                at..at + 1,
                Value::UInt(u64::from(t)),
            ));
            let code = match icmp_code(t, c) {
                Some(name) => format!("Code: {c} ({name})"),
                None => format!("Code: {c}"),
            };
            n.add(Node::field(
                "icmp.code",
                code,
                at + 1..at + 2,
                Value::UInt(u64::from(c)),
            ));
            let ck = be16(b, 2).unwrap_or(0);
            n.add(Node::field(
                "icmp.checksum",
                format!("Checksum: 0x{ck:04x}"),
                at + 2..at + 4,
                Value::Hex(u64::from(ck), 4),
            ));
            if matches!(t, 0 | 8) {
                let id = be16(b, 4).unwrap_or(0);
                let seq = be16(b, 6).unwrap_or(0);
                n.add(Node::field(
                    "icmp.ident",
                    format!("Identifier (BE): {id} (0x{id:04x})"),
                    at + 4..at + 6,
                    Value::UInt(u64::from(id)),
                ));
                n.add(Node::field(
                    "icmp.ident_le",
                    format!(
                        "Identifier (LE): {} (0x{:04x})",
                        id.swap_bytes(),
                        id.swap_bytes()
                    ),
                    at + 4..at + 6,
                    Value::UInt(u64::from(id.swap_bytes())),
                ));
                n.add(Node::field(
                    "icmp.seq",
                    format!("Sequence Number (BE): {seq} (0x{seq:04x})"),
                    at + 6..at + 8,
                    Value::UInt(u64::from(seq)),
                ));
                n.add(Node::field(
                    "icmp.seq_le",
                    format!(
                        "Sequence Number (LE): {} (0x{:04x})",
                        seq.swap_bytes(),
                        seq.swap_bytes()
                    ),
                    at + 6..at + 8,
                    Value::UInt(u64::from(seq.swap_bytes())),
                ));
            }
            if matches!(t, 3 | 11) && b.len() >= 8 {
                n.add(Node::field(
                    "icmp.unused",
                    format!("Unused: {}", hex(&b[4..8])),
                    at + 4..at + 8,
                    Value::Present,
                ));
            }
            let data = quoted_layers(view, at, &mut n, protocols);
            out.push(n);
            out.extend(data);
        }
        Transport::Icmpv6(i) => {
            protocols.push("icmpv6");
            let b = i.slice();
            let (t, c) = (i.type_u8(), i.code_u8());
            let mut n = Node::field(
                "icmpv6",
                "Internet Control Message Protocol v6",
                at..at + b.len(),
                Value::Present,
            );
            n.add(Node::field(
                "icmpv6.type",
                format!("Type: {} ({t})", icmpv6_type(t)),
                at..at + 1,
                Value::UInt(u64::from(t)),
            ));
            n.add(Node::field(
                "icmpv6.code",
                format!("Code: {c}"),
                at + 1..at + 2,
                Value::UInt(u64::from(c)),
            ));
            let ck = be16(b, 2).unwrap_or(0);
            n.add(Node::field(
                "icmpv6.checksum",
                format!("Checksum: 0x{ck:04x}"),
                at + 2..at + 4,
                Value::Hex(u64::from(ck), 4),
            ));
            if matches!(t, 1 | 3) && b.len() >= 8 {
                n.add(Node::field(
                    "icmpv6.reserved",
                    format!("Reserved: {}", hex(&b[4..8])),
                    at + 4..at + 8,
                    Value::Present,
                ));
            }
            let data = quoted_layers(view, at, &mut n, protocols);
            out.push(n);
            out.extend(data);
        }
        _ => {}
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The IPv4 header and UDP header an ICMP error at frame offset `at`
/// quotes, as tshark nests them under the ICMP layer.
fn quoted_layers(
    view: &PacketView<'_>,
    at: usize,
    icmp: &mut Node,
    protocols: &mut Vec<&'static str>,
) -> Option<Node> {
    use crate::fields::quoted::{quoted, QuotedIp};
    let q = quoted(&view.decoded)?;
    let ip_at = at + q.ip_at;
    match &q.ip {
        QuotedIp::V4(h) => {
            protocols.push("ip");
            icmp.add(super::ip::ipv4_node(h, ip_at));
        }
        // The quoted IPv6 header's tree is not drawn yet (its fields are).
        QuotedIp::V6(_) => return None,
    }
    let (Some((sp, dp)), 17) = (q.ports, q.proto) else {
        return None;
    };
    protocols.push("udp");
    let u_at = ip_at + q.ip_len;
    let tail = view.decoded.data.get(u_at..).unwrap_or_default();
    let mut n = Node::field(
        "udp",
        format!("User Datagram Protocol, Src Port: {sp}, Dst Port: {dp}"),
        u_at..u_at + tail.len().min(8),
        Value::Present,
    );
    n.add(Node::field(
        "udp.srcport",
        format!("Source Port: {sp}"),
        u_at..u_at + 2,
        Value::UInt(u64::from(sp)),
    ));
    n.add(Node::field(
        "udp.dstport",
        format!("Destination Port: {dp}"),
        u_at + 2..u_at + 4,
        Value::UInt(u64::from(dp)),
    ));
    if let (Some(len), Some(ck)) = (be16(tail, 4), be16(tail, 6)) {
        n.add(Node::field(
            "udp.length",
            format!("Length: {len}"),
            u_at + 4..u_at + 6,
            Value::UInt(u64::from(len)),
        ));
        n.add(Node::field(
            "udp.checksum",
            format!("Checksum: 0x{ck:04x} [unverified]"),
            u_at + 6..u_at + 8,
            Value::Hex(u64::from(ck), 4),
        ));
        n.add(Node::field(
            "udp.checksum.status",
            "[Checksum Status: Unverified]",
            0..0,
            Value::UInt(2),
        ));
    }
    let payload = tail.get(8..).unwrap_or_default();
    let layer = (!payload.is_empty()).then(|| {
        n.add(Node::field(
            "udp.payload",
            format!("UDP payload ({} bytes)", payload.len()),
            u_at + 8..u_at + 8 + payload.len(),
            Value::Present,
        ));
        protocols.push("data");
        data(payload, u_at + 8)
    });
    icmp.add(n);
    layer
}
