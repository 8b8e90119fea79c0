//! IPv4 and IPv6 headers: every field with its bit picture, DSCP/ECN, flags,
//! the protocol with its name, the header checksum (unverified, as tshark
//! leaves it by default) and the addresses.

use super::bits::{be16, be32, bitfield, set};
use super::Node;
use crate::decode::Network;
use crate::fields::{PacketView, Value};
use std::net::IpAddr;

/// Wireshark's name of an IP protocol number.
pub fn proto_name(p: u8) -> &'static str {
    match p {
        0 => "IPv6 Hop-by-Hop Option",
        1 => "ICMP",
        2 => "IGMP",
        4 => "IPIP",
        6 => "TCP",
        17 => "UDP",
        41 => "IPv6",
        43 => "Routing Header for IPv6",
        44 => "Fragment Header for IPv6",
        47 => "Generic Routing Encapsulation",
        50 => "Encap Security Payload",
        51 => "Authentication Header",
        58 => "ICMPv6",
        59 => "No Next Header for IPv6",
        60 => "Destination Options for IPv6",
        89 => "OSPF IGP",
        103 => "PIM",
        112 => "Virtual Router Redundancy Protocol",
        132 => "SCTP",
        _ => "Unknown",
    }
}

/// (short name, long name) of a DSCP value.
fn dscp(v: u8) -> (String, String) {
    let fixed = |s: &str, l: &str| (s.to_string(), l.to_string());
    match v {
        0 => fixed("CS0", "Default"),
        8 | 16 | 24 | 32 | 40 | 48 | 56 => {
            (format!("CS{}", v / 8), format!("Class Selector {}", v / 8))
        }
        10 | 12 | 14 | 18 | 20 | 22 | 26 | 28 | 30 | 34 | 36 | 38 => {
            let (c, d) = (v / 8, (v % 8) / 2);
            (format!("AF{c}{d}"), format!("Assured Forwarding {c}{d}"))
        }
        44 => fixed("VA", "Voice-Admit"),
        46 => fixed("EF PHB", "Expedited Forwarding"),
        1 => fixed("LE", "Lower Effort"),
        // Wireshark has no name for the rest: "DSCP: Unknown" in the head,
        // "Unknown (N)" in the codepoint line.
        _ => fixed("Unknown", "Unknown"),
    }
}

fn ecn(v: u8) -> (&'static str, &'static str) {
    match v & 3 {
        0 => ("Not-ECT", "Not ECN-Capable Transport"),
        1 => ("ECT(1)", "ECN-Capable Transport codepoint '01'"),
        2 => ("ECT(0)", "ECN-Capable Transport codepoint '10'"),
        _ => ("CE", "Congestion Experienced"),
    }
}

/// The DS field of IPv4 and the traffic class of IPv6, with its two parts.
/// `width`/`shift` place the byte in the bit picture.
fn dsfield(prefix: DsNames, ds: u8, at: usize, width: u32, shift: u32, len: usize) -> Node {
    let (short, long) = dscp(ds >> 2);
    let (es, el) = ecn(ds);
    let big = u64::from(ds) << shift;
    let r = at..at + len;
    let head = format!("{}: 0x{ds:02x} (DSCP: {short}, ECN: {es})", prefix.label);
    let head = if width == 8 {
        head
    } else {
        bitfield(big, 0xff << shift, width, &head)
    };
    let mut n = Node::field(prefix.field, head, r.clone(), Value::Hex(u64::from(ds), 2));
    if width != 8 {
        n.mask = 0xff << shift;
    }
    n.add(
        Node::field(
            prefix.dscp,
            bitfield(
                big,
                0xfc << shift,
                width,
                &format!("Differentiated Services Codepoint: {long} ({})", ds >> 2),
            ),
            r.clone(),
            Value::UInt(u64::from(ds >> 2)),
        )
        .masked(0xfc << shift),
    );
    n.add(
        Node::field(
            prefix.ecn,
            bitfield(
                big,
                0x03 << shift,
                width,
                &format!("Explicit Congestion Notification: {el} ({})", ds & 3),
            ),
            r,
            Value::UInt(u64::from(ds & 3)),
        )
        .masked(0x03 << shift),
    );
    n
}

struct DsNames {
    label: &'static str,
    field: &'static str,
    dscp: &'static str,
    ecn: &'static str,
}

fn ip_value(a: IpAddr) -> Value<'static> {
    Value::Ip(a)
}

/// The TTL Wireshark expects of a packet of protocol `proto` sent to `dst`
/// in the Local Network Control Block (224.0.0.0/24, RFC 3171): 1, but 255
/// for VRRP (224.0.0.18), GLBP (224.0.0.102) and mDNS (224.0.0.251), and any
/// for LLMNR (224.0.0.252); IGMP is always expected at 1 (as tshark 4.0
/// notes it). `None`: no expectation.
fn control_block_ttl(dst: [u8; 4], proto: u8) -> Option<u8> {
    if dst[..3] != [224, 0, 0] {
        return None;
    }
    if proto == 2 {
        return Some(1);
    }
    match dst[3] {
        18 | 102 | 251 => Some(255),
        252 => None,
        _ => Some(1),
    }
}

/// The IPv4 header `header` at offset `at` of the frame as tshark's tree
/// shows it (also the header an ICMP error quotes).
pub fn ipv4_node(header: &etherparse::Ipv4HeaderSlice<'_>, at: usize) -> Node {
    let b = header.slice();
    let ihl = usize::from(header.ihl()) * 4;
    let (src, dst) = (header.source_addr(), header.destination_addr());
    let mut n = Node::field(
        "ip",
        format!("Internet Protocol Version 4, Src: {src}, Dst: {dst}"),
        at..at + ihl,
        Value::Present,
    );
    let b0 = u64::from(b[0]);
    n.add(
        Node::field(
            "ip.version",
            bitfield(b0, 0xf0, 8, "Version: 4"),
            at..at + 1,
            Value::UInt(4),
        )
        .masked(0xf0),
    );
    n.add(
        Node::field(
            "ip.hdr_len",
            bitfield(
                b0,
                0x0f,
                8,
                &format!("Header Length: {ihl} bytes ({})", header.ihl()),
            ),
            at..at + 1,
            Value::UInt(ihl as u64),
        )
        .masked(0x0f),
    );
    n.add(dsfield(
        DsNames {
            label: "Differentiated Services Field",
            field: "ip.dsfield",
            dscp: "ip.dsfield.dscp",
            ecn: "ip.dsfield.ecn",
        },
        b[1],
        at + 1,
        8,
        0,
        1,
    ));
    n.add(Node::field(
        "ip.len",
        format!("Total Length: {}", header.total_len()),
        at + 2..at + 4,
        Value::UInt(u64::from(header.total_len())),
    ));
    let id = header.identification();
    n.add(Node::field(
        "ip.id",
        format!("Identification: 0x{id:04x} ({id})"),
        at + 4..at + 6,
        Value::Hex(u64::from(id), 4),
    ));
    let b6 = u64::from(b[6]);
    let (rb, df, mf) = (b6 & 0x80 != 0, b6 & 0x40 != 0, b6 & 0x20 != 0);
    let mut words = Vec::new();
    if rb {
        words.push("Reserved bit");
    }
    if df {
        words.push("Don't fragment");
    }
    if mf {
        words.push("More fragments");
    }
    let flags_text = if words.is_empty() {
        format!("Flags: 0x{:x}", b6 >> 5)
    } else {
        format!("Flags: 0x{:x}, {}", b6 >> 5, words.join(", "))
    };
    let fl = n.add(
        Node::field(
            "ip.flags",
            bitfield(b6, 0xe0, 8, &flags_text),
            at + 6..at + 7,
            Value::Hex(b6 >> 5, 2),
        )
        .masked(0xe0),
    );
    for (abbrev, mask, label, on) in [
        ("ip.flags.rb", 0x80, "Reserved bit", rb),
        ("ip.flags.df", 0x40, "Don't fragment", df),
        ("ip.flags.mf", 0x20, "More fragments", mf),
    ] {
        fl.add(
            Node::field(
                abbrev,
                bitfield(b6, mask, 8, &format!("{label}: {}", set(on))),
                at + 6..at + 7,
                Value::Bool(on),
            )
            .masked(mask),
        );
    }
    let fo = u64::from(be16(b, 6).unwrap_or(0));
    let offset = (fo & 0x1fff) * 8;
    n.add(
        Node::field(
            "ip.frag_offset",
            bitfield(fo, 0x1fff, 16, &format!("Fragment Offset: {offset}")),
            at + 6..at + 8,
            Value::UInt(offset),
        )
        .masked(0x1fff),
    );
    let p = header.protocol().0;
    let ttl = n.add(Node::field(
        "ip.ttl",
        format!("Time to Live: {}", header.ttl()),
        at + 8..at + 9,
        Value::UInt(u64::from(header.ttl())),
    ));
    if let Some(want) = control_block_ttl(dst.octets(), p).filter(|&w| w != header.ttl()) {
        ttl.expert(
            "Note",
            "Sequence",
            &format!(
                "\"Time To Live\" != {want} for a packet sent to the Local Network Control \
                 Block (see RFC 3171)"
            ),
        );
    }
    n.add(Node::field(
        "ip.proto",
        format!("Protocol: {} ({p})", proto_name(p)),
        at + 9..at + 10,
        Value::UInt(u64::from(p)),
    ));
    let c = header.header_checksum();
    n.add(Node::field(
        "ip.checksum",
        format!("Header Checksum: 0x{c:04x} [validation disabled]"),
        at + 10..at + 12,
        Value::Hex(u64::from(c), 4),
    ));
    n.add(Node::field(
        "ip.checksum.status",
        "[Header checksum status: Unverified]",
        0..0,
        Value::UInt(2),
    ));
    n.add(Node::field(
        "ip.src",
        format!("Source Address: {src}"),
        at + 12..at + 16,
        ip_value(IpAddr::V4(src)),
    ));
    n.add(Node::field(
        "ip.dst",
        format!("Destination Address: {dst}"),
        at + 16..at + 20,
        ip_value(IpAddr::V4(dst)),
    ));
    if ihl > 20 {
        n.add(Node::field(
            "ip.options",
            format!("Options: ({} bytes)", ihl - 20),
            at + 20..at + ihl,
            Value::Present,
        ));
    }
    n
}

/// The IPv6 layer of a header at frame offset `at` followed by `ext_len`
/// bytes of extension headers (also the header an ICMPv6 error quotes).
pub fn ipv6_node(header: &etherparse::Ipv6HeaderSlice<'_>, ext_len: usize, at: usize) -> Node {
    let b = header.slice();
    let (src, dst) = (header.source_addr(), header.destination_addr());
    let mut n = Node::field(
        "ipv6",
        format!("Internet Protocol Version 6, Src: {src}, Dst: {dst}"),
        at..at + 40 + ext_len,
        Value::Present,
    );
    let w = u64::from(be32(b, 0).unwrap_or(0));
    n.add(
        Node::field(
            "ipv6.version",
            bitfield(w >> 24, 0xf0, 8, "Version: 6"),
            at..at + 1,
            Value::UInt(6),
        )
        .masked(0xf0),
    );
    let tc = header.traffic_class();
    n.add(dsfield(
        DsNames {
            label: "Traffic Class",
            field: "ipv6.tclass",
            dscp: "ipv6.tclass.dscp",
            ecn: "ipv6.tclass.ecn",
        },
        tc,
        at,
        32,
        20,
        4,
    ));
    let flow = w & 0x000f_ffff;
    n.add(
        Node::field(
            "ipv6.flow",
            // Wireshark's field is 24 bits wide (bytes 1 to 3).
            bitfield(
                w & 0x00ff_ffff,
                0x000f_ffff,
                24,
                &format!("Flow Label: 0x{flow:05x}"),
            ),
            at + 1..at + 4,
            Value::Hex(flow, 5),
        )
        .masked(0x000f_ffff),
    );
    n.add(Node::field(
        "ipv6.plen",
        format!("Payload Length: {}", header.payload_length()),
        at + 4..at + 6,
        Value::UInt(u64::from(header.payload_length())),
    ));
    let nh = header.next_header().0;
    n.add(Node::field(
        "ipv6.nxt",
        format!("Next Header: {} ({nh})", proto_name(nh)),
        at + 6..at + 7,
        Value::UInt(u64::from(nh)),
    ));
    n.add(Node::field(
        "ipv6.hlim",
        format!("Hop Limit: {}", header.hop_limit()),
        at + 7..at + 8,
        Value::UInt(u64::from(header.hop_limit())),
    ));
    n.add(Node::field(
        "ipv6.src",
        format!("Source Address: {src}"),
        at + 8..at + 24,
        ip_value(IpAddr::V6(src)),
    ));
    n.add(Node::field(
        "ipv6.dst",
        format!("Destination Address: {dst}"),
        at + 24..at + 40,
        ip_value(IpAddr::V6(dst)),
    ));
    if ext_len > 0 {
        n.add(Node::text(
            format!("[Extension headers: {ext_len} bytes]"),
            at + 40..at + 40 + ext_len,
        ));
    }
    n
}

pub fn layers(view: &PacketView<'_>, out: &mut Vec<Node>, protocols: &mut Vec<&'static str>) {
    let d = &view.decoded;
    let at = d.network_offset;
    match &d.network {
        Network::Ipv4 { header, .. } => {
            protocols.push("ip");
            out.push(ipv4_node(header, at));
        }
        Network::Ipv6 {
            header, ext_len, ..
        } => {
            protocols.push("ipv6");
            out.push(ipv6_node(header, *ext_len, at));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_network_control_block_ttls() {
        assert_eq!(control_block_ttl([224, 0, 0, 1], 2), Some(1));
        // IGMP to the mDNS group is still expected at 1, mDNS at 255.
        assert_eq!(control_block_ttl([224, 0, 0, 251], 2), Some(1));
        assert_eq!(control_block_ttl([224, 0, 0, 251], 17), Some(255));
        assert_eq!(control_block_ttl([224, 0, 0, 18], 112), Some(255));
        assert_eq!(control_block_ttl([224, 0, 0, 252], 17), None);
        assert_eq!(control_block_ttl([224, 0, 1, 1], 17), None);
        assert_eq!(control_block_ttl([10, 0, 0, 1], 2), None);
    }
}
