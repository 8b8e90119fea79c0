//! UDP (with `[Timestamps]` of its stream), DNS over UDP port 53, the
//! protocols `udp_app` picks (mDNS, NBNS, NTP, Syslog, ...), QUIC on
//! port 443, the
//! `Data` layer of payloads nothing else dissects, and the IP and UDP
//! headers an ICMP error quotes (drawn under the ICMP layer of `icmp.rs`).

use super::bits::{be16, bytes_value, secs};
use super::Node;
use crate::decode::Transport;
use crate::fields::{PacketView, Value};
use crate::flow::Protocol;
use std::net::{IpAddr, SocketAddr};

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
        format!("Data ({})", super::bits::bytes(bytes.len())),
        r.clone(),
        bytes_value(bytes),
    );
    n.add(Node::field(
        "data.data",
        format!("Data: {shown}"),
        r.clone(),
        bytes_value(bytes),
    ));
    n.add(Node::field(
        "data.len",
        format!("[Length: {}]", bytes.len()),
        r,
        Value::UInt(bytes.len() as u64),
    ));
    n
}

/// The fields of a UDP header.
#[derive(Debug, Clone, Copy)]
pub struct Header {
    pub src_port: u16,
    pub dst_port: u16,
    pub length: u16,
    pub checksum: u16,
}

pub fn layers(view: &PacketView<'_>, out: &mut Vec<Node>, protocols: &mut Vec<&'static str>) {
    let d = &view.decoded;
    let at = d.transport_offset.unwrap_or(0);
    let Transport::Udp(u) = &d.transport else {
        return;
    };
    let h = Header {
        src_port: u.source_port(),
        dst_port: u.destination_port(),
        length: u.length(),
        checksum: u.checksum(),
    };
    let store = &view.trace.store;
    let conv = view
        .trace
        .conversations
        .of_packet(store, view.index)
        .map(|(c, _)| c);
    datagram_layers(view, h, u.payload(), at, conv, out, protocols);
}

/// The UDP layer of a datagram whose header is at `at` (its payload
/// follows), in conversation `conv`, and the layer of its payload.
pub fn datagram_layers(
    view: &PacketView<'_>,
    h: Header,
    payload: &[u8],
    at: usize,
    conv: Option<&crate::flow::Conversation>,
    out: &mut Vec<Node>,
    protocols: &mut Vec<&'static str>,
) {
    protocols.push("udp");
    let (sp, dp) = (h.src_port, h.dst_port);
    let mut n = Node::field(
        "udp",
        format!("User Datagram Protocol, Src Port: {sp}, Dst Port: {dp}"),
        at..at + 8,
        Value::Present,
    );
    add_ports(&mut n, at, sp, dp);
    n.add(Node::field(
        "udp.length",
        format!("Length: {}", h.length),
        at + 4..at + 6,
        Value::UInt(u64::from(h.length)),
    ));
    let ck = h.checksum;
    if ck == 0 {
        // tshark nests the status under a zero checksum.
        let c = n.add(Node::field(
            "udp.checksum",
            "Checksum: 0x0000 [zero-value ignored]",
            at + 6..at + 8,
            Value::Hex(0, 4),
        ));
        c.add(Node::field(
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
    if let Some(c) = conv {
        n.add(Node::field(
            "udp.stream",
            format!("[Stream index: {}]", c.stream),
            0..0,
            Value::UInt(u64::from(c.stream)),
        ));
        // A datagram without a time (a Simple Packet Block's) is at 0 for
        // tshark, which still draws its timestamps.
        let ts = store
            .entry(view.index)
            .map(|_| super::frame::carried_ts(store, view.index));
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
                prev = Some(super::frame::carried_ts(store, i));
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
    let p_at = at + 8;
    // tshark counts the payload it has: cut by the snaplen, the captured bytes.
    let wire = usize::from(h.length).saturating_sub(8).min(payload.len());
    n.add(Node::field(
        "udp.payload",
        format!("UDP payload ({})", super::bits::bytes(wire)),
        p_at..p_at + payload.len(),
        bytes_value(payload),
    ));
    out.push(n);
    if sp == 53 || dp == 53 {
        if let Some(dns) = super::dns::dns_in(view, payload, p_at, super::dns::Flavor::Dns, conv) {
            protocols.push("dns");
            out.push(dns);
            return;
        }
    }
    if let Some((names, layer)) = super::udp_app::layer(view, sp, dp, payload, p_at) {
        protocols.extend(names);
        out.push(layer);
        return;
    }
    if sp == 443 || dp == 443 {
        let quic = crate::fields::columns::quic::with_context(view, |ctx| {
            super::quic::layer(view, payload, p_at, ctx)
        });
        if let Some(q) = quic {
            protocols.push("quic");
            if super::quic::carries_tls(&q) {
                protocols.push("tls");
            }
            out.push(q);
            return;
        }
    }
    if !payload.is_empty() {
        protocols.push("data");
        out.push(data(payload, p_at));
    }
}

pub(super) fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The IPv4 header and UDP header an ICMP error at frame offset `at`
/// quotes, as tshark nests them under the ICMP layer.
/// Most conversations looked through for the quoted datagram's stream.
const MAX_QUOTED_LOOKUP: usize = 100_000;

/// The `udp.stream` of the datagram an ICMP error quotes: the UDP
/// conversation of its two endpoints seen before the error, as tshark finds
/// it (none past [`MAX_QUOTED_LOOKUP`] conversations).
fn quoted_stream(view: &PacketView<'_>, src: (IpAddr, u16), dst: (IpAddr, u16)) -> Option<u32> {
    conversation_before(view, src, dst).map(|c| c.stream)
}

/// The last UDP conversation between two endpoints whose first packet
/// comes before this one (none past [`MAX_QUOTED_LOOKUP`] conversations):
/// that of a datagram not in the table (quoted by an ICMP error, or
/// reassembled from fragments).
pub(super) fn conversation_before<'t>(
    view: &PacketView<'t>,
    src: (IpAddr, u16),
    dst: (IpAddr, u16),
) -> Option<&'t crate::flow::Conversation> {
    let (a, b) = (SocketAddr::from(src), SocketAddr::from(dst));
    view.trace
        .conversations
        .all()
        .iter()
        .take(MAX_QUOTED_LOOKUP)
        .filter(|c| c.protocol == Protocol::Udp && (c.first_packet as usize) < view.index)
        .filter(|c| (c.a == a && c.b == b) || (c.a == b && c.b == a))
        .last()
}

pub(super) fn quoted_layers(
    view: &PacketView<'_>,
    at: usize,
    icmp: &mut Node,
    protocols: &mut Vec<&'static str>,
) -> Option<Node> {
    use crate::fields::quoted::{quoted, QuotedIp};
    let q = quoted(&view.decoded)?;
    let ip_at = at + q.ip_at;
    let (src, dst) = match &q.ip {
        QuotedIp::V4(h) => {
            protocols.push("ip");
            icmp.add(super::ip::ipv4_node(h, ip_at));
            (
                IpAddr::V4(h.source_addr()),
                IpAddr::V4(h.destination_addr()),
            )
        }
        QuotedIp::V6(h) => {
            protocols.push("ipv6");
            icmp.add(super::ip::ipv6_node(h, q.ip_len - 40, ip_at));
            (
                IpAddr::V6(h.source_addr()),
                IpAddr::V6(h.destination_addr()),
            )
        }
    };
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
    add_ports(&mut n, u_at, sp, dp);
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
    if let Some(stream) = quoted_stream(view, (src, sp), (dst, dp)) {
        n.add(Node::field(
            "udp.stream",
            format!("[Stream index: {stream}]"),
            0..0,
            Value::UInt(u64::from(stream)),
        ));
    }
    let payload = tail.get(8..).unwrap_or_default();
    let layer = (!payload.is_empty()).then(|| {
        n.add(Node::field(
            "udp.payload",
            format!("UDP payload ({})", super::bits::bytes(payload.len())),
            u_at + 8..u_at + 8 + payload.len(),
            bytes_value(payload),
        ));
        protocols.push("data");
        data(payload, u_at + 8)
    });
    icmp.add(n);
    layer
}

/// The two port fields of a UDP header at `at` (a datagram's or a quoted one's).
fn add_ports(n: &mut Node, at: usize, sp: u16, dp: u16) {
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
}
