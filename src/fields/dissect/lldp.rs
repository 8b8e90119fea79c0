//! LLDP (EtherType 0x88cc) as tshark 4.0 draws it: one item per TLV with
//! its type and length bit fields, then the chassis and port IDs by
//! subtype, the TTL, the port and system texts, up to End of LLDPDU.

use super::bits::bitfield;
use super::body::format_text;
use super::Node;
use crate::fields::Value;
use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Most TLVs drawn (an LLDPDU in a jumbo frame could hold thousands).
const MAX_TLVS: usize = 512;

fn tlv_name(t: u16) -> &'static str {
    match t {
        0 => "End of LLDPDU",
        1 => "Chassis Id",
        2 => "Port Id",
        3 => "Time to Live",
        4 => "Port Description",
        5 => "System Name",
        6 => "System Description",
        7 => "System Capabilities",
        8 => "Management Address",
        127 => "Organization Specific",
        _ => "Unknown",
    }
}

fn subtype_name(chassis: bool, s: u8) -> &'static str {
    match (chassis, s) {
        (true, 1) => "Chassis component",
        (true, 2) | (false, 1) => "Interface alias",
        (true, 3) | (false, 2) => "Port component",
        (true, 4) | (false, 3) => "MAC address",
        (true, 5) | (false, 4) => "Network address",
        (true, 6) | (false, 5) => "Interface name",
        (false, 6) => "Agent circuit ID",
        (_, 7) => "Locally assigned",
        _ => "Reserved",
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn mac(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn s(v: String) -> Value<'static> {
    Value::Str(Cow::Owned(v))
}

/// The LLDP layer of an LLDPDU at frame offset `at`, and the bytes its
/// TLVs use (up to End of LLDPDU; what follows is the Ethernet trailer).
pub fn layer(pdu: &[u8], at: usize) -> (Node, usize) {
    let mut n = Node::field(
        "lldp",
        "Link Layer Discovery Protocol",
        at..at + pdu.len(),
        Value::Present,
    );
    let mut o = 0;
    for _ in 0..MAX_TLVS {
        let (Some(&hi), Some(&lo)) = (pdu.get(o), pdu.get(o + 1)) else {
            break;
        };
        let head = u16::from_be_bytes([hi, lo]);
        let (t, len) = (head >> 9, usize::from(head & 0x1ff));
        let Some(v) = pdu.get(o + 2..o + 2 + len) else {
            break;
        };
        let r = at + o..at + o + 2 + len;
        let mut tlv = Node::text(String::new(), r);
        let hv = u64::from(head);
        tlv.add(
            Node::field(
                "lldp.tlv.type",
                bitfield(hv, 0xfe00, 16, &format!("TLV Type: {} ({t})", tlv_name(t))),
                at + o..at + o + 2,
                Value::UInt(u64::from(t)),
            )
            .masked(0xfe00),
        );
        tlv.add(
            Node::field(
                "lldp.tlv.len",
                bitfield(hv, 0x01ff, 16, &format!("TLV Length: {len}")),
                at + o..at + o + 2,
                Value::UInt(len as u64),
            )
            .masked(0x01ff),
        );
        tlv.text = body(t, v, at + o + 2, &mut tlv);
        n.add(tlv);
        o += 2 + len;
        if t == 0 {
            break;
        }
    }
    n.bytes.end = at + o;
    (n, o)
}

/// A TLV's value items; returns its heading.
fn body(t: u16, v: &[u8], at: usize, tlv: &mut Node) -> String {
    let r = at..at + v.len();
    match t {
        0 => "End of LLDPDU".into(),
        1 | 2 => id(t == 1, v, at, tlv),
        3 if v.len() >= 2 => {
            let secs = u16::from_be_bytes([v[0], v[1]]);
            tlv.add(Node::field(
                "lldp.time_to_live",
                format!("Seconds: {secs}"),
                at..at + 2,
                Value::UInt(u64::from(secs)),
            ));
            format!("Time To Live = {secs} sec")
        }
        4..=6 => {
            let (abbrev, label) = match t {
                4 => ("lldp.port.desc", "Port Description"),
                5 => ("lldp.tlv.system.name", "System Name"),
                _ => ("lldp.tlv.system.desc", "System Description"),
            };
            let text = format_text(v);
            tlv.add(Node::field(
                abbrev,
                format!("{label}: {text}"),
                r,
                s(text.clone()),
            ));
            format!("{label} = {text}")
        }
        _ => tlv_name(t).into(),
    }
}

/// A chassis or port ID TLV.
fn id(chassis: bool, v: &[u8], at: usize, tlv: &mut Node) -> String {
    let what = if chassis { "Chassis" } else { "Port" };
    let Some((&sub, rest)) = v.split_first() else {
        return format!("{what} Subtype = Reserved");
    };
    let name = subtype_name(chassis, sub);
    tlv.add(Node::field(
        if chassis {
            "lldp.chassis.subtype"
        } else {
            "lldp.port.subtype"
        },
        format!("{what} Id Subtype: {name} ({sub})"),
        at..at + 1,
        Value::UInt(u64::from(sub)),
    ));
    let r = at + 1..at + v.len();
    let is_mac = (chassis && sub == 4) || (!chassis && sub == 3);
    let is_net = (chassis && sub == 5) || (!chassis && sub == 4);
    // Chassis components and locally assigned chassis IDs are bytes.
    let is_bytes = chassis && matches!(sub, 1 | 7);
    let (shown, field) = if is_mac && rest.len() == 6 {
        let m: [u8; 6] = rest.try_into().unwrap_or_default();
        (
            mac(rest),
            Node::field(
                if chassis {
                    "lldp.chassis.id.mac"
                } else {
                    "lldp.port.id.mac"
                },
                format!("{what} Id: {}", mac(rest)),
                r,
                Value::Ether(m),
            ),
        )
    } else if is_net && !rest.is_empty() {
        let (&fam, a) = rest.split_first().unwrap_or((&0, &[]));
        let fam_name = match fam {
            1 => "IPv4",
            2 => "IPv6",
            _ => "Unknown",
        };
        tlv.add(Node::field(
            "lldp.network_address.subtype",
            format!("Network Address family: {fam_name} ({fam})"),
            at + 1..at + 2,
            Value::UInt(u64::from(fam)),
        ));
        let ip = match (fam, a.len()) {
            (1, 4) => Some(IpAddr::V4(Ipv4Addr::new(a[0], a[1], a[2], a[3]))),
            (2, 16) => <[u8; 16]>::try_from(a)
                .ok()
                .map(|b| IpAddr::V6(Ipv6Addr::from(b))),
            _ => None,
        };
        let shown = ip.map_or_else(|| hex(a), |i| i.to_string());
        let value = ip.map_or_else(|| super::bits::bytes_value(a), Value::Ip);
        (
            shown.clone(),
            Node::field(
                if chassis {
                    "lldp.chassis.id.ip4"
                } else {
                    "lldp.port.id.ip4"
                },
                format!("{what} Id: {shown}"),
                at + 2..at + v.len(),
                value,
            ),
        )
    } else if is_bytes {
        (
            format_text(rest),
            Node::field(
                "lldp.chassis.id",
                format!("{what} Id: {}", hex(rest)),
                r,
                super::bits::bytes_value(rest),
            ),
        )
    } else {
        let text = format_text(rest);
        (
            text.clone(),
            Node::field(
                if chassis {
                    "lldp.chassis.id"
                } else {
                    "lldp.port.id"
                },
                format!("{what} Id: {text}"),
                r,
                s(text),
            ),
        )
    };
    tlv.add(field);
    format!("{what} Subtype = {name}, Id: {shown}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlv(t: u16, v: &[u8]) -> Vec<u8> {
        let mut out = ((t << 9) | v.len() as u16).to_be_bytes().to_vec();
        out.extend_from_slice(v);
        out
    }

    #[test]
    fn tlvs_as_tshark() {
        let mut p = tlv(1, &[4, 0, 0x11, 0x22, 0x33, 0x44, 0x55]);
        p.extend(tlv(2, b"\x05ge-0/0/1"));
        p.extend(tlv(3, &[0, 120]));
        p.extend(tlv(1, b"\x07chassis-7"));
        p.extend(tlv(0, b""));
        let (n, used) = layer(&p, 14);
        assert_eq!(used, p.len());
        let t: Vec<&str> = n.children.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            t,
            [
                "Chassis Subtype = MAC address, Id: 00:11:22:33:44:55",
                "Port Subtype = Interface name, Id: ge-0/0/1",
                "Time To Live = 120 sec",
                "Chassis Subtype = Locally assigned, Id: chassis-7",
                "End of LLDPDU",
            ]
        );
        assert_eq!(
            n.children[0].children[0].text,
            "0000 001. .... .... = TLV Type: Chassis Id (1)"
        );
        assert_eq!(
            n.children[3].children[3].text,
            "Chassis Id: 636861737369732d37"
        );
        for cut in 0..p.len() {
            let _ = layer(&p[..cut], 0);
        }
    }
}
