//! ARP: every field of an Ethernet/IPv4 ARP message.

use super::link::ethertype_name;
use super::Node;
use crate::decode::Network;
use crate::fields::{PacketView, Value};
use crate::text::mac;
use std::net::{IpAddr, Ipv4Addr};

fn opcode_name(op: u16) -> &'static str {
    match op {
        0 => "reserved",
        1 => "request",
        2 => "reply",
        3 => "reverse request",
        4 => "reverse reply",
        8 => "inverse request",
        9 => "inverse reply",
        _ => "Unknown",
    }
}

pub fn layers(view: &PacketView<'_>, out: &mut Vec<Node>, protocols: &mut Vec<&'static str>) {
    let d = &view.decoded;
    let Network::Arp(a) = &d.network else { return };
    protocols.push("arp");
    let at = d.network_offset;
    let b = a.slice();
    let op = a.operation().0;
    let hw = a.hw_addr_type().0;
    let pt = a.proto_addr_type().0;
    let (hs, ps) = (
        usize::from(a.hw_addr_size()),
        usize::from(a.proto_addr_size()),
    );
    let mut n = Node::field(
        "arp",
        format!("Address Resolution Protocol ({})", opcode_name(op)),
        at..at + b.len(),
        Value::Present,
    );
    let hw_name = match hw {
        0 => "NET/ROM pseudo",
        1 => "Ethernet",
        _ => "Unknown",
    };
    n.add(Node::field(
        "arp.hw.type",
        format!("Hardware type: {hw_name} ({hw})"),
        at..at + 2,
        Value::UInt(u64::from(hw)),
    ));
    n.add(Node::field(
        "arp.proto.type",
        format!("Protocol type: {} (0x{pt:04x})", ethertype_name(pt)),
        at + 2..at + 4,
        Value::Hex(u64::from(pt), 4),
    ));
    n.add(Node::field(
        "arp.hw.size",
        format!("Hardware size: {hs}"),
        at + 4..at + 5,
        Value::UInt(hs as u64),
    ));
    n.add(Node::field(
        "arp.proto.size",
        format!("Protocol size: {ps}"),
        at + 5..at + 6,
        Value::UInt(ps as u64),
    ));
    n.add(Node::field(
        "arp.opcode",
        format!("Opcode: {} ({op})", opcode_name(op)),
        at + 6..at + 8,
        Value::UInt(u64::from(op)),
    ));
    let mut pos = at + 8;
    for (who, hw_field, ip_field) in [
        ("Sender", "arp.src.hw_mac", "arp.src.proto_ipv4"),
        ("Target", "arp.dst.hw_mac", "arp.dst.proto_ipv4"),
    ] {
        let rel = pos - at;
        if let (Some(m), 6) = (b.get(rel..rel + 6), hs) {
            let m = [m[0], m[1], m[2], m[3], m[4], m[5]];
            n.add(Node::field(
                hw_field,
                format!("{who} MAC address: {}", mac(m)),
                pos..pos + 6,
                Value::Ether(m),
            ));
        }
        pos += hs;
        let rel = pos - at;
        if let (Some(ip), 4) = (b.get(rel..rel + 4), ps) {
            let ip = Ipv4Addr::new(ip[0], ip[1], ip[2], ip[3]);
            n.add(Node::field(
                ip_field,
                format!("{who} IP address: {ip}"),
                pos..pos + 4,
                Value::Ip(IpAddr::V4(ip)),
            ));
        }
        pos += ps;
    }
    out.push(n);
}
