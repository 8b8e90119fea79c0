//! Link layers: Ethernet II (with its padding and trailer), 802.3 with LLC
//! (and STP, `llc.rs`, `stp.rs`), 802.1Q and 802.1ad tags, LLDP
//! (`lldp.rs`), Linux cooked v1 and v2, BSD NULL / OpenBSD LOOP, raw IP
//! and 802.11 behind its radio headers (`wifi.rs`).

use super::bits::{be16, bitfield};
use super::Node;
use crate::capture::LinkType;
use crate::decode::Network;
use crate::fields::{PacketView, Value};
use crate::text::mac;
use std::borrow::Cow;

/// Wireshark's name of an Ethernet type.
pub fn ethertype_name(t: u16) -> &'static str {
    match t {
        0x0800 => "IPv4",
        0x0806 => "ARP",
        0x86dd => "IPv6",
        0x8100 => "802.1Q Virtual LAN",
        0x88a8 => "802.1ad Provider Bridge (Q-in-Q)",
        0x9000 => "Loopback",
        0x8864 => "PPPoE Session",
        0x8863 => "PPPoE Discovery",
        0x8847 => "MPLS label switched packet",
        0x88cc => "802.1 Link Layer Discovery Protocol (LLDP)",
        _ => "Unknown",
    }
}

fn type_node(abbrev: &'static str, label: &str, t: u16, at: usize) -> Node {
    Node::field(
        abbrev,
        format!("{label}: {} (0x{t:04x})", ethertype_name(t)),
        at..at + 2,
        Value::Hex(u64::from(t), 4),
    )
}

fn address(abbrev: &'static str, label: &str, m: [u8; 6], at: usize) -> Node {
    let r = at..at + 6;
    let mut n = Node::field(
        abbrev,
        format!("{label}: {}", mac(m)),
        r.clone(),
        Value::Ether(m),
    );
    n.add(Node::field(
        "eth.addr",
        format!("Address: {}", mac(m)),
        r.clone(),
        Value::Ether(m),
    ));
    let top = u64::from(m[0]) << 16 | u64::from(m[1]) << 8 | u64::from(m[2]);
    let local = m[0] & 2 != 0;
    let group = m[0] & 1 != 0;
    let lg_text = if local {
        "Locally administered address (this is NOT the factory default)"
    } else {
        "Globally unique address (factory default)"
    };
    let ig_text = if group {
        "Group address (multicast/broadcast)"
    } else {
        "Individual address (unicast)"
    };
    n.add(
        Node::field(
            "eth.lg",
            bitfield(top, 0x02_00_00, 24, &format!("LG bit: {lg_text}")),
            r.start..r.start + 3,
            Value::Bool(local),
        )
        .masked(0x02_00_00),
    );
    n.add(
        Node::field(
            "eth.ig",
            bitfield(top, 0x01_00_00, 24, &format!("IG bit: {ig_text}")),
            r.start..r.start + 3,
            Value::Bool(group),
        )
        .masked(0x01_00_00),
    );
    n
}

/// Wireshark's words for an SLL packet type.
fn packet_type(t: u16) -> &'static str {
    match t {
        0 => "Unicast to us",
        1 => "Broadcast",
        2 => "Multicast",
        3 => "Unicast to another host",
        4 => "Sent by us",
        _ => "Unknown",
    }
}

fn arphrd(t: u16) -> &'static str {
    match t {
        1 => "Ethernet",
        772 => "Loopback",
        776 => "IPv6-in-IPv4",
        65534 => "None",
        _ => "Unknown",
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// How many bytes of the link payload the network layer says it uses.
fn network_len(view: &PacketView<'_>) -> Option<usize> {
    match &view.decoded.network {
        Network::Ipv4 { header, .. } => Some(usize::from(header.total_len())),
        Network::Ipv6 { header, .. } => Some(40 + usize::from(header.payload_length())),
        Network::Arp(a) => Some(a.slice().len()),
        Network::None => None,
    }
}

pub fn layers(view: &PacketView<'_>, out: &mut Vec<Node>, protocols: &mut Vec<&'static str>) {
    let d = &view.decoded;
    let data = d.data;
    let l = &d.link;
    match l.link_type {
        LinkType::ETHERNET => {
            let (Some(src), Some(dst)) = (l.eth_src, l.eth_dst) else {
                return;
            };
            // 802.3: a length where Ethernet II has a type, LLC after it.
            if let Some(len) = be16(data, 12).filter(|&t| t < 0x0600 && l.vlans[0].is_none()) {
                ieee8023(data, src, dst, len, out, protocols);
                return;
            }
            protocols.extend(["eth", "ethertype"]);
            let mut e = Node::field(
                "eth",
                format!("Ethernet II, Src: {}, Dst: {}", mac(src), mac(dst)),
                0..14,
                Value::Present,
            );
            e.add(address("eth.dst", "Destination", dst, 0));
            e.add(address("eth.src", "Source", src, 6));
            let Some(t) = be16(data, 12) else {
                out.push(e);
                return;
            };
            e.add(type_node("eth.type", "Type", t, 12));
            let tags = l.vlans.iter().flatten().count();
            // Padding and trailer go to the Ethernet layer, after the tags.
            let mut vlan_nodes = Vec::new();
            for (i, v) in l.vlans.iter().flatten().enumerate() {
                let at = 14 + 4 * i;
                let tci = be16(data, at).unwrap_or(0);
                let dei = tci & 0x1000 != 0;
                let r = at..at + 2;
                let (mut n, prio, dei_text) = if v.tpid == 0x8100 {
                    protocols.extend(["vlan", "ethertype"]);
                    (
                        Node::field(
                            "vlan",
                            format!(
                                "802.1Q Virtual LAN, PRI: {}, DEI: {}, ID: {}",
                                v.priority,
                                u8::from(dei),
                                v.id
                            ),
                            at..at + 4,
                            Value::Present,
                        ),
                        format!("{} ({})", priority_name(v.priority), v.priority),
                        if dei { "Eligible" } else { "Ineligible" }.to_string(),
                    )
                } else {
                    protocols.extend(["ieee8021ad", "ethertype"]);
                    (
                        Node::field(
                            "ieee8021ad",
                            format!("IEEE 802.1ad, ID: {}", v.id),
                            at..at + 4,
                            Value::Present,
                        ),
                        v.priority.to_string(),
                        u8::from(dei).to_string(),
                    )
                };
                let q = v.tpid == 0x8100;
                let t = u64::from(tci);
                n.add(
                    Node::field(
                        if q {
                            "vlan.priority"
                        } else {
                            "ieee8021ad.priority"
                        },
                        bitfield(t, 0xe000, 16, &format!("Priority: {prio}")),
                        r.clone(),
                        Value::UInt(u64::from(v.priority)),
                    )
                    .masked(0xe000),
                );
                n.add(
                    Node::field(
                        if q { "vlan.dei" } else { "ieee8021ad.dei" },
                        bitfield(t, 0x1000, 16, &format!("DEI: {dei_text}")),
                        r.clone(),
                        Value::UInt(u64::from(dei)),
                    )
                    .masked(0x1000),
                );
                n.add(
                    Node::field(
                        if q { "vlan.id" } else { "ieee8021ad.id" },
                        bitfield(t, 0x0fff, 16, &format!("ID: {}", v.id)),
                        r,
                        Value::UInt(u64::from(v.id)),
                    )
                    .masked(0x0fff),
                );
                if let Some(inner) = be16(data, at + 2) {
                    n.add(type_node(
                        if q { "vlan.etype" } else { "ieee8021ah.etype" },
                        "Type",
                        inner,
                        at + 2,
                    ));
                }
                vlan_nodes.push(n);
            }
            let start = 14 + 4 * tags;
            let last_q = l
                .vlans
                .iter()
                .flatten()
                .last()
                .is_some_and(|v| v.tpid == 0x8100);
            if let Some(used) = network_len(view) {
                let end = start.saturating_add(used);
                if end < data.len() {
                    let pad_end = data.len().min(60.max(end));
                    let tail = vlan_nodes.last_mut().unwrap_or(&mut e);
                    if pad_end > end {
                        let p = &data[end..pad_end];
                        tail.add(Node::field(
                            "eth.padding",
                            format!("Padding: {}", hex(p)),
                            end..pad_end,
                            super::bits::bytes_value(p),
                        ));
                    }
                    // tshark takes the last 4 bytes for an FCS when the
                    // trailer has room for one and the buffer of the layer
                    // that adds the trailer (the frame, or what follows the
                    // Ethernet header and the outer tags) is 64 bytes or more.
                    let wire = view
                        .trace
                        .store
                        .entry(view.index)
                        .map_or(data.len(), |e| e.orig_len as usize);
                    let layer_len = if tags == 0 {
                        wire
                    } else {
                        wire.saturating_sub(start - 4)
                    };
                    let fcs = layer_len >= 64 && wire.saturating_sub(pad_end) >= 4;
                    let trailer_end = if fcs {
                        data.len().min(wire - 4)
                    } else {
                        data.len()
                    };
                    if trailer_end > pad_end {
                        let t = &data[pad_end..trailer_end];
                        tail.add(Node::field(
                            // An 802.1Q layer adds it as its own field.
                            if last_q {
                                "vlan.trailer"
                            } else {
                                "eth.trailer"
                            },
                            format!("Trailer: {}", hex(t)),
                            pad_end..trailer_end,
                            super::bits::bytes_value(t),
                        ));
                    }
                    if fcs {
                        let r = wire - 4..wire;
                        let v = data
                            .get(r.clone())
                            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
                        if let Some(v) = v {
                            tail.add(Node::field(
                                "eth.fcs",
                                format!("Frame check sequence: 0x{v:08x} [unverified]"),
                                r,
                                Value::Hex(u64::from(v), 8),
                            ));
                            tail.add(Node::field(
                                "eth.fcs.status",
                                "[FCS Status: Unverified]",
                                0..0,
                                Value::UInt(2),
                            ));
                        }
                    }
                }
            }
            out.push(e);
            out.extend(vlan_nodes);
            if l.next == crate::decode::link::NextLayer::EtherType(0x88cc) {
                let start = 14 + 4 * tags;
                let pdu = data.get(start..).unwrap_or_default();
                protocols.push("lldp");
                let (lldp, used) = super::lldp::layer(pdu, start);
                // The trailer goes to the last link layer (a tag's, if any).
                if let Some(tail) = out.last_mut() {
                    lldp_trailer(tail, &pdu[used..], start + used);
                }
                out.push(lldp);
            }
        }
        LinkType::LINUX_SLL | LinkType::LINUX_SLL2 => {
            let v2 = l.link_type == LinkType::LINUX_SLL2;
            if l.truncated {
                return;
            }
            // Wireshark names both versions "sll" in the protocol chain.
            protocols.extend(["sll", "ethertype"]);
            let len = if v2 { 20 } else { 16 };
            let mut n = Node::field(
                "sll",
                format!("Linux cooked capture v{}", if v2 { 2 } else { 1 }),
                0..len,
                Value::Present,
            );
            let (pt_at, hw_at, alen_at, addr_at, proto_at) = if v2 {
                (10, 8, 11, 12, 0)
            } else {
                (0, 2, 4, 6, 14)
            };
            let pt = if v2 {
                u16::from(data.get(10).copied().unwrap_or(0))
            } else {
                be16(data, 0).unwrap_or(0)
            };
            let hw = be16(data, hw_at).unwrap_or(0);
            let alen = if v2 {
                u16::from(data.get(11).copied().unwrap_or(0))
            } else {
                be16(data, 4).unwrap_or(0)
            };
            let proto = be16(data, proto_at).unwrap_or(0);
            let proto_node = type_node("sll.etype", "Protocol", proto, proto_at);
            let pt_node = Node::field(
                "sll.pkttype",
                format!("Packet type: {} ({pt})", packet_type(pt)),
                pt_at..pt_at + if v2 { 1 } else { 2 },
                Value::UInt(u64::from(pt)),
            );
            let hw_node = Node::field(
                "sll.hatype",
                format!("Link-layer address type: {} ({hw})", arphrd(hw)),
                hw_at..hw_at + 2,
                Value::UInt(u64::from(hw)),
            );
            let alen_node = Node::field(
                "sll.halen",
                format!("Link-layer address length: {alen}"),
                alen_at..alen_at + if v2 { 1 } else { 2 },
                Value::UInt(u64::from(alen)),
            );
            let a = usize::from(alen).min(8);
            let src = data.get(addr_at..addr_at + a).unwrap_or(&[]);
            let src_node = if let Some(m) = l.eth_src {
                Node::field(
                    "sll.src.eth",
                    format!("Source: {}", mac(m)),
                    addr_at..addr_at + 6,
                    Value::Ether(m),
                )
            } else {
                Node::field(
                    "sll.src.other",
                    format!("Source: {}", hex(src)),
                    addr_at..addr_at + a,
                    Value::Str(Cow::Owned(hex(src))),
                )
            };
            let unused = data.get(addr_at + a..addr_at + 8).unwrap_or(&[]);
            let unused_node = Node::field(
                "sll.unused",
                format!("Unused: {}", hex(unused)),
                addr_at + a..addr_at + 8,
                Value::Str(Cow::Owned(hex(unused))),
            );
            if v2 {
                n.add(proto_node);
                let ifindex = super::bits::be32(data, 4).unwrap_or(0);
                n.add(Node::field(
                    "sll.ifindex",
                    format!("Interface index: {ifindex}"),
                    4..8,
                    Value::UInt(u64::from(ifindex)),
                ));
                n.add(hw_node);
                n.add(pt_node);
                n.add(alen_node);
                n.add(src_node);
                if !unused.is_empty() {
                    n.add(unused_node);
                }
            } else {
                n.add(pt_node);
                n.add(hw_node);
                n.add(alen_node);
                n.add(src_node);
                if !unused.is_empty() {
                    n.add(unused_node);
                }
                n.add(proto_node);
            }
            out.push(n);
        }
        LinkType::NULL | LinkType::LOOP => {
            let Some(f) = l.loopback_family else { return };
            protocols.push("null");
            let name = match f {
                2 => "IP",
                24 | 28 | 30 => "IPv6",
                _ => "Unknown",
            };
            let mut n = Node::field("null", "Null/Loopback", 0..4, Value::Present);
            n.add(Node::field(
                "null.family",
                format!("Family: {name} ({f})"),
                0..4,
                Value::UInt(u64::from(f)),
            ));
            out.push(n);
        }
        LinkType::RAW | LinkType::RAW_BSD | LinkType::RAW_OPENBSD => {
            protocols.push("raw");
            out.push(Node::field("raw", "Raw packet data", 0..0, Value::Present));
        }
        _ if super::wifi::carries(view) => super::wifi::layers(view, out, protocols),
        _ => {}
    }
}

/// The bytes after an LLDPDU's End TLV, as tshark's Ethernet trailer.
fn lldp_trailer(e: &mut Node, t: &[u8], at: usize) {
    if t.is_empty() {
        return;
    }
    e.add(Node::field(
        "eth.trailer",
        format!("Trailer: {}", super::bits::hex_shown(t)),
        at..at + t.len(),
        super::bits::bytes_value(t),
    ));
}

/// An 802.3 frame: its header with the length, the padding up to 60
/// bytes, then LLC and what LLC carries.
fn ieee8023(
    data: &[u8],
    src: [u8; 6],
    dst: [u8; 6],
    len: u16,
    out: &mut Vec<Node>,
    protocols: &mut Vec<&'static str>,
) {
    protocols.push("eth");
    let mut e = Node::field("eth", "IEEE 802.3 Ethernet ", 0..14, Value::Present);
    e.add(address("eth.dst", "Destination", dst, 0));
    e.add(address("eth.src", "Source", src, 6));
    e.add(Node::field(
        "eth.len",
        format!("Length: {len}"),
        12..14,
        Value::UInt(u64::from(len)),
    ));
    let end = (14 + usize::from(len)).min(data.len());
    let pad_end = data.len().min(60);
    if pad_end > end {
        let p = &data[end..pad_end];
        e.add(Node::field(
            "eth.padding",
            format!("Padding: {}", super::bits::hex_shown(p)),
            end..pad_end,
            super::bits::bytes_value(p),
        ));
    }
    out.push(e);
    let payload = &data[14.min(end)..end];
    let Some((llc, next, hlen)) = super::llc::layer(payload, 14) else {
        return;
    };
    protocols.push("llc");
    out.push(llc);
    if next == super::llc::Next::Stp {
        if let Some(stp) = super::stp::layer(&payload[hlen..], 14 + hlen) {
            protocols.push("stp");
            out.push(stp);
        }
    }
}

fn priority_name(p: u8) -> &'static str {
    match p {
        0 => "Best Effort (default)",
        1 => "Background",
        2 => "Excellent Effort",
        3 => "Critical Applications",
        4 => "Video, < 100ms latency and jitter",
        5 => "Voice, < 10ms latency and jitter",
        6 => "Internetwork Control",
        _ => "Network Control",
    }
}
