//! IGMP (IPv4 protocol 2) as tshark 4.0 draws versions 1, 2 and 3: the
//! version it infers, the type, the max response time, the checksum
//! verified, the group, and for version 3 the query's S/QRV/QQIC and
//! sources or the report's group records.

use super::bits::{be16, bitfield};
use super::Node;
use crate::decode::Network;
use crate::fields::{PacketView, Value};
use std::net::{IpAddr, Ipv4Addr};

/// Most group records and sources drawn per message.
const MAX_ENTRIES: usize = 1024;

fn type_name(t: u8) -> &'static str {
    match t {
        0x11 => "Membership Query",
        0x12 => "Membership Report",
        0x16 => "Membership Report",
        0x17 => "Leave Group",
        0x22 => "Membership Report",
        _ => "Unknown",
    }
}

fn record_type(t: u8) -> &'static str {
    match t {
        1 => "Mode Is Include",
        2 => "Mode Is Exclude",
        3 => "Change To Include Mode",
        4 => "Change To Exclude Mode",
        5 => "Allow New Sources",
        6 => "Block Old Sources",
        _ => "Unknown",
    }
}

fn addr(b: &[u8], at: usize) -> Option<Ipv4Addr> {
    let a: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
    Some(Ipv4Addr::from(a))
}

/// The one's-complement checksum of `msg` with its checksum bytes as zero.
fn checksum(msg: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    for (i, c) in msg.chunks(2).enumerate() {
        if i != 1 {
            sum += u32::from(u16::from_be_bytes([c[0], c.get(1).copied().unwrap_or(0)]));
        }
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// A version 3 max response code as seconds (RFC 3376 4.1.1).
fn v3_time(code: u8) -> f64 {
    let tenths = if code < 128 {
        u32::from(code)
    } else {
        (u32::from(code & 0x0f) | 0x10) << (((code >> 4) & 7) + 3)
    };
    f64::from(tenths) / 10.0
}

pub fn layers(view: &PacketView<'_>, out: &mut Vec<Node>, protocols: &mut Vec<&'static str>) {
    let d = &view.decoded;
    let Network::Ipv4 { header, fragment } = &d.network else {
        return;
    };
    if header.protocol().0 != 2 || *fragment {
        return;
    }
    let at = d.network_offset + usize::from(header.ihl()) * 4;
    let wire = usize::from(header.total_len()).saturating_sub(usize::from(header.ihl()) * 4);
    let rest = d.data.get(at..).unwrap_or_default();
    let msg = &rest[..rest.len().min(wire)];
    if let Some(n) = layer(msg, at, msg.len() == wire) {
        // tshark's IGMP hands each version to a dissector of the same name.
        protocols.push("igmp");
        protocols.push("igmp");
        out.push(n);
    }
}

/// The IGMP layer of `msg` at frame offset `at`; `whole`: the message was
/// captured whole (its checksum can be verified).
fn layer(msg: &[u8], at: usize, whole: bool) -> Option<Node> {
    let (t, code) = (*msg.first()?, *msg.get(1)?);
    let version = match t {
        0x11 if msg.len() >= 12 => 3,
        0x11 if code == 0 => 1,
        0x11 | 0x16 | 0x17 => 2,
        0x12 => 1,
        0x22 => 3,
        _ => return None,
    };
    let ck = be16(msg, 2)?;
    let group = addr(msg, 4)?;
    let mut n = Node::field(
        "igmp",
        "Internet Group Management Protocol",
        at..at + msg.len(),
        Value::Present,
    );
    n.add(Node::field(
        "igmp.version",
        format!("[IGMP Version: {version}]"),
        0..0,
        Value::UInt(version),
    ));
    n.add(Node::field(
        "igmp.type",
        format!("Type: {} (0x{t:02x})", type_name(t)),
        at..at + 1,
        Value::Hex(u64::from(t), 2),
    ));
    if version == 1 || t == 0x22 {
        n.add(Node::field(
            "igmp.reserved",
            format!("Reserved: {code:02x}"),
            at + 1..at + 2,
            super::bits::bytes_value(&[code]),
        ));
    } else {
        let secs = if version == 3 {
            v3_time(code)
        } else {
            f64::from(code) / 10.0
        };
        n.add(Node::field(
            "igmp.max_resp",
            format!("Max Resp Time: {secs:.1} sec (0x{code:02x})"),
            at + 1..at + 2,
            Value::UInt(u64::from(code)),
        ));
    }
    let good = checksum(msg);
    let (text, status, value) = if !whole {
        (
            format!("Checksum: 0x{ck:04x} [unverified]"),
            "Unverified",
            2,
        )
    } else if good == ck {
        (format!("Checksum: 0x{ck:04x} [correct]"), "Good", 1)
    } else {
        (
            format!("Checksum: 0x{ck:04x} [incorrect, should be 0x{good:04x}]"),
            "Bad",
            0,
        )
    };
    n.add(Node::field(
        "igmp.checksum",
        text,
        at + 2..at + 4,
        Value::Hex(u64::from(ck), 4),
    ));
    n.add(Node::field(
        "igmp.checksum.status",
        format!("[Checksum Status: {status}]"),
        0..0,
        Value::UInt(value),
    ));
    if t == 0x22 {
        report(msg, at, &mut n);
        return Some(n);
    }
    n.add(Node::field(
        "igmp.maddr",
        format!("Multicast Address: {group}"),
        at + 4..at + 8,
        Value::Ip(IpAddr::V4(group)),
    ));
    if version == 3 {
        query(msg, at, &mut n);
    }
    Some(n)
}

/// A version 3 query's fields after the group.
fn query(msg: &[u8], at: usize, n: &mut Node) {
    let (Some(&f), Some(&qqic), Some(count)) = (msg.get(8), msg.get(9), be16(msg, 10)) else {
        return;
    };
    let fv = u64::from(f);
    let s = if f & 0x08 != 0 {
        "S: Suppress router side processing"
    } else {
        "S: Do not suppress router side processing"
    };
    n.add(
        Node::field(
            "igmp.s",
            bitfield(fv, 0x08, 8, s),
            at + 8..at + 9,
            Value::Bool(f & 0x08 != 0),
        )
        .masked(0x08),
    );
    n.add(
        Node::field(
            "igmp.qrv",
            bitfield(fv, 0x07, 8, &format!("QRV: {}", f & 7)),
            at + 8..at + 9,
            Value::UInt(fv & 7),
        )
        .masked(0x07),
    );
    n.add(Node::field(
        "igmp.qqic",
        format!("QQIC: {qqic}"),
        at + 9..at + 10,
        Value::UInt(u64::from(qqic)),
    ));
    n.add(Node::field(
        "igmp.num_src",
        format!("Num Src: {count}"),
        at + 10..at + 12,
        Value::UInt(u64::from(count)),
    ));
    for i in 0..usize::from(count).min(MAX_ENTRIES) {
        let o = 12 + 4 * i;
        let Some(a) = addr(msg, o) else { break };
        n.add(Node::field(
            "igmp.saddr",
            format!("Source Address: {a}"),
            at + o..at + o + 4,
            Value::Ip(IpAddr::V4(a)),
        ));
    }
}

/// A version 3 report: its group records.
fn report(msg: &[u8], at: usize, n: &mut Node) {
    let Some(count) = be16(msg, 6) else { return };
    n.add(Node::field(
        "igmp.reserved",
        format!("Reserved: {:04x}", be16(msg, 4).unwrap_or(0)),
        at + 4..at + 6,
        super::bits::bytes_value(&msg[4..6]),
    ));
    n.add(Node::field(
        "igmp.num_grp_recs",
        format!("Num Group Records: {count}"),
        at + 6..at + 8,
        Value::UInt(u64::from(count)),
    ));
    let mut o = 8;
    for _ in 0..usize::from(count).min(MAX_ENTRIES) {
        let (Some(&kind), Some(&aux), Some(srcs), Some(group)) = (
            msg.get(o),
            msg.get(o + 1),
            be16(msg, o + 2),
            addr(msg, o + 4),
        ) else {
            break;
        };
        let len = 8 + 4 * usize::from(srcs) + 4 * usize::from(aux);
        let mut r = Node::text(
            format!("Group Record : {group}  {}", record_type(kind)),
            at + o..at + (o + len).min(msg.len()),
        );
        r.add(Node::field(
            "igmp.record_type",
            format!("Record Type: {} ({kind})", record_type(kind)),
            at + o..at + o + 1,
            Value::UInt(u64::from(kind)),
        ));
        r.add(Node::field(
            "igmp.aux_data_len",
            format!("Aux Data Len: {aux}"),
            at + o + 1..at + o + 2,
            Value::UInt(u64::from(aux)),
        ));
        r.add(Node::field(
            "igmp.num_src",
            format!("Num Src: {srcs}"),
            at + o + 2..at + o + 4,
            Value::UInt(u64::from(srcs)),
        ));
        r.add(Node::field(
            "igmp.maddr",
            format!("Multicast Address: {group}"),
            at + o + 4..at + o + 8,
            Value::Ip(IpAddr::V4(group)),
        ));
        for i in 0..usize::from(srcs).min(MAX_ENTRIES) {
            let so = o + 8 + 4 * i;
            let Some(a) = addr(msg, so) else { break };
            r.add(Node::field(
                "igmp.saddr",
                format!("Source Address: {a}"),
                at + so..at + so + 4,
                Value::Ip(IpAddr::V4(a)),
            ));
        }
        n.add(r);
        o += len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(n: &Node) -> Vec<String> {
        let mut v = vec![n.text.clone()];
        for c in &n.children {
            v.extend(texts(c));
        }
        v
    }

    #[test]
    fn versions_as_tshark() {
        let mut q = vec![0x11, 0x64, 0, 0, 0, 0, 0, 0];
        let c = checksum(&q);
        q[2..4].copy_from_slice(&c.to_be_bytes());
        let n = layer(&q, 0, true).expect("v2 query");
        let ck = format!("Checksum: 0x{c:04x} [correct]");
        assert_eq!(
            texts(&n)[1..],
            [
                "[IGMP Version: 2]",
                "Type: Membership Query (0x11)",
                "Max Resp Time: 10.0 sec (0x64)",
                ck.as_str(),
                "[Checksum Status: Good]",
                "Multicast Address: 0.0.0.0",
            ]
        );
        let r = [
            0x22, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 239, 1, 1, 1, 10, 0, 0, 9,
        ];
        let t = texts(&layer(&r, 0, true).expect("v3 report"));
        assert!(t.contains(&"Group Record : 239.1.1.1  Mode Is Include".to_string()));
        assert!(t.contains(&"Source Address: 10.0.0.9".to_string()));
        assert_eq!(format!("{:.1}", v3_time(0x80)), "12.8");
        for cut in 0..r.len() {
            let _ = layer(&r[..cut], 0, false);
        }
    }
}
