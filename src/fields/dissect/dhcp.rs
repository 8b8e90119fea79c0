//! DHCP/BOOTP (UDP 67/68) as tshark 4.0 draws it: the fixed BOOTP header
//! field by field (as far as it was captured), the magic cookie, and every
//! option by name with its length and value, up to End and the padding.

use super::bits::{be16, be32, bitfield};
use super::Node;
use crate::fields::Value;
use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr};

/// Most options drawn (a message holds at most 64 KiB of them).
const MAX_OPTIONS: usize = 1024;

fn s(v: impl Into<String>) -> Value<'static> {
    Value::Str(Cow::Owned(v.into()))
}

fn addr(b: &[u8], at: usize) -> Option<Ipv4Addr> {
    let a: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
    Some(Ipv4Addr::from(a))
}

use super::bits::hex_shown as hex;

/// An option's name (tshark's `opt` table, the usual ones).
fn option_name(code: u8) -> &'static str {
    match code {
        0 => "Padding",
        1 => "Subnet Mask",
        2 => "Time Offset",
        3 => "Router",
        4 => "Time Server",
        5 => "Name Server",
        6 => "Domain Name Server",
        7 => "Log Server",
        12 => "Host Name",
        15 => "Domain Name",
        26 => "Interface MTU",
        28 => "Broadcast Address",
        31 => "Perform Router Discover",
        33 => "Static Route",
        42 => "Network Time Protocol Servers",
        43 => "Vendor-Specific Information",
        44 => "NetBIOS over TCP/IP Name Server",
        46 => "NetBIOS over TCP/IP Node Type",
        47 => "NetBIOS over TCP/IP Scope",
        50 => "Requested IP Address",
        51 => "IP Address Lease Time",
        52 => "Option Overload",
        53 => "DHCP Message Type",
        54 => "DHCP Server Identifier",
        55 => "Parameter Request List",
        56 => "Message",
        57 => "Maximum DHCP Message Size",
        58 => "Renewal Time Value",
        59 => "Rebinding Time Value",
        60 => "Vendor class identifier",
        61 => "Client identifier",
        66 => "TFTP Server Name",
        67 => "Bootfile name",
        81 => "Client Fully Qualified Domain Name",
        82 => "Agent Information Option",
        119 => "Domain Search",
        121 => "Classless Static Route",
        249 => "Private/Classless Static Route (Microsoft)",
        252 => "Private/Proxy autodiscovery",
        255 => "End",
        _ => "Unknown",
    }
}

fn message_type(t: u8) -> &'static str {
    crate::decode::app::dhcp::message_type(t).unwrap_or("Unknown")
}

fn hw_type(t: u8) -> String {
    match t {
        1 => "Ethernet (0x01)".into(),
        6 => "IEEE 802 Networks (0x06)".into(),
        t => format!("Unknown (0x{t:02x})"),
    }
}

/// The DHCP message type option's value, if the options carry one.
fn type_option(msg: &[u8]) -> Option<u8> {
    let mut at = 240;
    for _ in 0..MAX_OPTIONS {
        match *msg.get(at)? {
            0 => at += 1,
            255 => return None,
            53 => return msg.get(at + 2).copied(),
            _ => at += 2 + usize::from(*msg.get(at + 1)?),
        }
    }
    None
}

/// The DHCP layer of a datagram's payload at frame offset `at`.
pub fn layer(msg: &[u8], at: usize) -> Option<Node> {
    let op = *msg.first()?;
    let title = match type_option(msg) {
        Some(t) => format!("Dynamic Host Configuration Protocol ({})", message_type(t)),
        None => "Dynamic Host Configuration Protocol".into(),
    };
    let mut n = Node::field("dhcp", title, at..at + msg.len(), Value::Present);
    let op_name = match op {
        1 => "Boot Request",
        2 => "Boot Reply",
        _ => "Unknown",
    };
    n.add(Node::field(
        "dhcp.type",
        format!("Message type: {op_name} ({op})"),
        at..at + 1,
        Value::UInt(u64::from(op)),
    ));
    header(msg, at, &mut n);
    Some(n)
}

fn header(msg: &[u8], at: usize, n: &mut Node) {
    let (Some(&ht), Some(&hl), Some(&hops)) = (msg.get(1), msg.get(2), msg.get(3)) else {
        return;
    };
    n.add(Node::field(
        "dhcp.hw.type",
        format!("Hardware type: {}", hw_type(ht)),
        at + 1..at + 2,
        Value::Hex(u64::from(ht), 2),
    ));
    n.add(Node::field(
        "dhcp.hw.len",
        format!("Hardware address length: {hl}"),
        at + 2..at + 3,
        Value::UInt(u64::from(hl)),
    ));
    n.add(Node::field(
        "dhcp.hops",
        format!("Hops: {hops}"),
        at + 3..at + 4,
        Value::UInt(u64::from(hops)),
    ));
    let Some(xid) = be32(msg, 4) else { return };
    n.add(Node::field(
        "dhcp.id",
        format!("Transaction ID: 0x{xid:08x}"),
        at + 4..at + 8,
        Value::Hex(u64::from(xid), 8),
    ));
    let (Some(secs), Some(flags)) = (be16(msg, 8), be16(msg, 10)) else {
        return;
    };
    n.add(Node::field(
        "dhcp.secs",
        format!("Seconds elapsed: {secs}"),
        at + 8..at + 10,
        Value::UInt(u64::from(secs)),
    ));
    let fv = u64::from(flags);
    let (bc, head) = if flags & 0x8000 != 0 {
        ("Broadcast", ", Broadcast flag (Broadcast)")
    } else {
        ("Unicast", " (Unicast)")
    };
    let fr = at + 10..at + 12;
    let f = n.add(Node::field(
        "dhcp.flags",
        format!("Bootp flags: 0x{flags:04x}{head}"),
        fr.clone(),
        Value::Hex(fv, 4),
    ));
    f.add(
        Node::field(
            "dhcp.flags.bc",
            bitfield(fv, 0x8000, 16, &format!("Broadcast flag: {bc}")),
            fr.clone(),
            Value::Bool(flags & 0x8000 != 0),
        )
        .masked(0x8000),
    );
    f.add(
        Node::field(
            "dhcp.flags.reserved",
            bitfield(
                fv,
                0x7fff,
                16,
                &format!("Reserved flags: 0x{:04x}", flags & 0x7fff),
            ),
            fr,
            Value::Hex(fv & 0x7fff, 4),
        )
        .masked(0x7fff),
    );
    for (o, abbrev, label) in [
        (12, "dhcp.ip.client", "Client IP address"),
        (16, "dhcp.ip.your", "Your (client) IP address"),
        (20, "dhcp.ip.server", "Next server IP address"),
        (24, "dhcp.ip.relay", "Relay agent IP address"),
    ] {
        let Some(a) = addr(msg, o) else { return };
        n.add(Node::field(
            abbrev,
            format!("{label}: {a}"),
            at + o..at + o + 4,
            Value::Ip(IpAddr::V4(a)),
        ));
    }
    if ht == 1 && hl == 6 {
        let Some(mac) = msg.get(28..34) else { return };
        let m: [u8; 6] = mac.try_into().unwrap_or_default();
        let text = m
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":");
        n.add(Node::field(
            "dhcp.hw.mac_addr",
            format!("Client MAC address: {text}"),
            at + 28..at + 34,
            Value::Ether(m),
        ));
        let Some(pad) = msg.get(34..44) else { return };
        n.add(Node::field(
            "dhcp.hw.addr_padding",
            format!("Client hardware address padding: {}", hex(pad)),
            at + 34..at + 44,
            super::bits::bytes_value(pad),
        ));
    } else {
        let Some(ch) = msg.get(28..44) else { return };
        n.add(Node::field(
            "dhcp.hw.addr",
            format!("Client hardware address: {}", hex(ch)),
            at + 28..at + 44,
            super::bits::bytes_value(ch),
        ));
    }
    for (o, len, abbrev, label) in [
        (44, 64, "dhcp.server", "Server host name"),
        (108, 128, "dhcp.file", "Boot file name"),
    ] {
        let Some(b) = msg.get(o..o + len) else { return };
        let text = b.split(|&c| c == 0).next().unwrap_or_default();
        if text.is_empty() {
            n.add(Node::text(
                format!("{label} not given"),
                at + o..at + o + len,
            ));
        } else {
            let t = super::body::format_text(text);
            n.add(Node::field(
                abbrev,
                format!("{label}: {t}"),
                at + o..at + o + len,
                s(t),
            ));
        }
    }
    if msg.get(236..240) != Some(&[99, 130, 83, 99][..]) {
        return;
    }
    n.add(Node::field(
        "dhcp.cookie",
        "Magic cookie: DHCP",
        at + 236..at + 240,
        Value::Ip(IpAddr::V4(Ipv4Addr::new(99, 130, 83, 99))),
    ));
    options(msg, at, n);
}

fn options(msg: &[u8], at: usize, n: &mut Node) {
    let mut o = 240;
    for _ in 0..MAX_OPTIONS {
        let Some(&code) = msg.get(o) else { return };
        if code == 255 {
            let e = n.add(Node::field(
                "dhcp.option.type",
                "Option: (255) End",
                at + o..at + o + 1,
                Value::UInt(255),
            ));
            e.add(Node::field(
                "dhcp.option.end",
                "Option End: 255",
                at + o..at + o + 1,
                Value::UInt(255),
            ));
            let pad = msg.get(o + 1..).unwrap_or_default();
            if !pad.is_empty() {
                n.add(Node::field(
                    "dhcp.option.padding",
                    format!("Padding: {}", hex(pad)),
                    at + o + 1..at + msg.len(),
                    super::bits::bytes_value(pad),
                ));
            }
            return;
        }
        if code == 0 {
            let e = n.add(Node::field(
                "dhcp.option.type",
                "Option: (0) Padding",
                at + o..at + o + 1,
                Value::UInt(0),
            ));
            e.add(Node::field(
                "dhcp.option.padding",
                "Padding: 00",
                at + o..at + o + 1,
                super::bits::bytes_value(&[0]),
            ));
            o += 1;
            continue;
        }
        let Some(&len) = msg.get(o + 1) else { return };
        let vo = o + 2;
        let Some(v) = msg.get(vo..vo + usize::from(len)) else {
            return;
        };
        n.add(option(code, v, at + o, at + vo));
        o = vo + usize::from(len);
    }
}

/// One option: its heading, length and value items.
fn option(code: u8, v: &[u8], at: usize, vat: usize) -> Node {
    let name = option_name(code);
    let vr = vat..vat + v.len();
    let mut items: Vec<Node> = Vec::new();
    let mut extra = String::new();
    let one_addr = matches!(code, 1 | 28 | 50 | 54);
    let addr_list = matches!(code, 3..=7 | 42 | 44);
    let duration = matches!(code, 51 | 58 | 59);
    let text = matches!(code, 12 | 15 | 56 | 60 | 66 | 67);
    let abbrev: &'static str = match code {
        1 => "dhcp.option.subnet_mask",
        3 => "dhcp.option.router",
        6 => "dhcp.option.domain_name_server",
        12 => "dhcp.option.hostname",
        15 => "dhcp.option.domain_name",
        28 => "dhcp.option.broadcast_address",
        50 => "dhcp.option.requested_ip_address",
        51 => "dhcp.option.ip_address_lease_time",
        53 => "dhcp.option.dhcp",
        54 => "dhcp.option.dhcp_server_id",
        55 => "dhcp.option.request_list_item",
        57 => "dhcp.option.dhcp_max_message_size",
        58 => "dhcp.option.renewal_time_value",
        59 => "dhcp.option.rebinding_time_value",
        60 => "dhcp.option.vendor_class_id",
        _ => "dhcp.option.value",
    };
    if (one_addr || addr_list) && v.len() % 4 == 0 && !v.is_empty() {
        for (i, c) in v.chunks_exact(4).enumerate() {
            let a = Ipv4Addr::new(c[0], c[1], c[2], c[3]);
            if one_addr {
                extra = format!(" ({a})");
            }
            items.push(Node::field(
                abbrev,
                format!("{name}: {a}"),
                vat + 4 * i..vat + 4 * i + 4,
                Value::Ip(IpAddr::V4(a)),
            ));
        }
    } else if code == 53 && v.len() == 1 {
        let t = message_type(v[0]);
        extra = format!(" ({t})");
        items.push(Node::field(
            abbrev,
            format!("DHCP: {t} ({})", v[0]),
            vr,
            Value::UInt(u64::from(v[0])),
        ));
    } else if duration && v.len() == 4 {
        let secs = be32(v, 0).unwrap_or(0);
        let words = if secs == u32::MAX {
            "infinity".to_string()
        } else {
            super::dns::duration(secs)
        };
        items.push(Node::field(
            abbrev,
            format!("{name}: ({secs}s) {words}"),
            vr,
            Value::UInt(u64::from(secs)),
        ));
    } else if code == 57 && v.len() == 2 {
        let size = be16(v, 0).unwrap_or(0);
        items.push(Node::field(
            abbrev,
            format!("{name}: {size}"),
            vr,
            Value::UInt(u64::from(size)),
        ));
    } else if code == 55 {
        for (i, &c) in v.iter().enumerate() {
            items.push(Node::field(
                abbrev,
                format!("Parameter Request List Item: ({c}) {}", option_name(c)),
                vat + i..vat + i + 1,
                Value::UInt(u64::from(c)),
            ));
        }
    } else if code == 61 && v.len() == 7 && v[0] == 1 {
        items.push(Node::field(
            "dhcp.hw.type",
            format!("Hardware type: {}", hw_type(v[0])),
            vat..vat + 1,
            Value::Hex(1, 2),
        ));
        let m: [u8; 6] = v[1..7].try_into().unwrap_or_default();
        let mac = m
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":");
        items.push(Node::field(
            "dhcp.option.client_id.mac",
            format!("Client MAC address: {mac}"),
            vat + 1..vat + 7,
            Value::Ether(m),
        ));
    } else if text {
        let t = super::body::format_text(v);
        items.push(Node::field(abbrev, format!("{name}: {t}"), vr, s(t)));
    } else {
        items.push(Node::field(
            "dhcp.option.value",
            format!("Value: {}", hex(v)),
            vr,
            super::bits::bytes_value(v),
        ));
    }
    let mut n = Node::field(
        "dhcp.option.type",
        format!("Option: ({code}) {name}{extra}"),
        at..vat + v.len(),
        Value::UInt(u64::from(code)),
    );
    n.add(Node::field(
        "dhcp.option.length",
        format!("Length: {}", v.len()),
        at + 1..at + 2,
        Value::UInt(v.len() as u64),
    ));
    n.children.extend(items);
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offer_as_tshark() {
        let mut m = vec![0u8; 240];
        m[0] = 2;
        m[1] = 1;
        m[2] = 6;
        m[4..8].copy_from_slice(&0x3d1du32.to_be_bytes());
        m[28..34].copy_from_slice(&[0, 0x0b, 0x82, 1, 0xfc, 0x42]);
        m[236..240].copy_from_slice(&[99, 130, 83, 99]);
        m.extend_from_slice(&[
            53, 1, 2, 58, 4, 0, 0, 0x0c, 0x4e, 54, 4, 192, 168, 0, 1, 255, 0,
        ]);
        let n = layer(&m, 0).expect("dhcp");
        assert_eq!(n.text, "Dynamic Host Configuration Protocol (Offer)");
        let t: Vec<&str> = n.children.iter().map(|c| c.text.as_str()).collect();
        assert!(t.contains(&"Client MAC address: 00:0b:82:01:fc:42"));
        assert!(t.contains(&"Option: (54) DHCP Server Identifier (192.168.0.1)"));
        assert!(t.contains(&"Padding: 00"));
        let renew = n
            .children
            .iter()
            .find(|c| c.text == "Option: (58) Renewal Time Value")
            .expect("58");
        assert_eq!(
            renew.children[1].text,
            "Renewal Time Value: (3150s) 52 minutes, 30 seconds"
        );
        for cut in 0..m.len() {
            let _ = layer(&m[..cut], 0);
        }
    }
}
