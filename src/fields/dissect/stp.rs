//! The 802.1D Spanning Tree BPDU behind LLC as tshark 4.0 draws it: the
//! protocol, version and type, the flags bit by bit (RSTP's role and
//! state bits included), the root and bridge identifiers split into
//! priority, system ID extension and MAC, the cost, port and timers.

use super::bits::{be16, be32, bitfield};
use super::Node;
use crate::fields::Value;

fn version_name(v: u8) -> &'static str {
    match v {
        0 => "Spanning Tree",
        2 => "Rapid Spanning Tree",
        3 => "Multiple Spanning Tree",
        4 => "Shortest Path Tree",
        _ => "Unknown",
    }
}

fn type_name(t: u8) -> &'static str {
    match t {
        0x00 => "Configuration",
        0x80 => "Topology Change Notification",
        0x02 => "Rapid/Multiple Spanning Tree",
        _ => "Unknown",
    }
}

const ROLES: [&str; 4] = ["Unknown", "Alternate or Backup", "Root", "Designated"];

fn yes(b: bool) -> &'static str {
    if b {
        "Yes"
    } else {
        "No"
    }
}

/// The STP layer of a BPDU at frame offset `at`.
pub fn layer(b: &[u8], at: usize) -> Option<Node> {
    let proto = be16(b, 0)?;
    let (&version, &kind) = (b.get(2)?, b.get(3)?);
    let mut n = Node::field(
        "stp",
        "Spanning Tree Protocol",
        at..at + b.len(),
        Value::Present,
    );
    let pname = if proto == 0 {
        "Spanning Tree Protocol"
    } else {
        "Unknown"
    };
    n.add(Node::field(
        "stp.protocol",
        format!("Protocol Identifier: {pname} (0x{proto:04x})"),
        at..at + 2,
        Value::Hex(u64::from(proto), 4),
    ));
    n.add(Node::field(
        "stp.version",
        format!(
            "Protocol Version Identifier: {} ({version})",
            version_name(version)
        ),
        at + 2..at + 3,
        Value::UInt(u64::from(version)),
    ));
    n.add(Node::field(
        "stp.type",
        format!("BPDU Type: {} (0x{kind:02x})", type_name(kind)),
        at + 3..at + 4,
        Value::Hex(u64::from(kind), 2),
    ));
    if kind == 0x80 {
        n.bytes.end = at + 4;
        return Some(n);
    }
    let Some(&flags) = b.get(4) else {
        return Some(n);
    };
    let rst = kind == 0x02;
    let fv = u64::from(flags);
    let role = ROLES[usize::from((flags >> 2) & 3)];
    let mut words = Vec::new();
    if flags & 0x80 != 0 {
        words.push("Topology Change Acknowledgment".to_string());
    }
    if rst {
        for (mask, w) in [
            (0x40, "Agreement"),
            (0x20, "Forwarding"),
            (0x10, "Learning"),
        ] {
            if flags & mask != 0 {
                words.push(w.to_string());
            }
        }
        words.push(format!("Port Role: {role}"));
        if flags & 0x02 != 0 {
            words.push("Proposal".into());
        }
    }
    if flags & 0x01 != 0 {
        words.push("Topology Change".into());
    }
    let mut summary = format!("BPDU flags: 0x{flags:02x}");
    for w in &words {
        summary.push_str(", ");
        summary.push_str(w);
    }
    let fr = at + 4..at + 5;
    let f = n.add(Node::field(
        "stp.flags",
        summary,
        fr.clone(),
        Value::Hex(fv, 2),
    ));
    let mut bit = |abbrev: &'static str, mask: u64, label: String| {
        f.add(
            Node::field(
                abbrev,
                bitfield(fv, mask, 8, &label),
                fr.clone(),
                Value::UInt((fv & mask) >> mask.trailing_zeros()),
            )
            .masked(mask),
        );
    };
    bit(
        "stp.flags.tcack",
        0x80,
        format!("Topology Change Acknowledgment: {}", yes(flags & 0x80 != 0)),
    );
    if rst {
        bit(
            "stp.flags.agreement",
            0x40,
            format!("Agreement: {}", yes(flags & 0x40 != 0)),
        );
        bit(
            "stp.flags.forwarding",
            0x20,
            format!("Forwarding: {}", yes(flags & 0x20 != 0)),
        );
        bit(
            "stp.flags.learning",
            0x10,
            format!("Learning: {}", yes(flags & 0x10 != 0)),
        );
        bit(
            "stp.flags.port_role",
            0x0c,
            format!("Port Role: {role} ({})", (flags >> 2) & 3),
        );
        bit(
            "stp.flags.proposal",
            0x02,
            format!("Proposal: {}", yes(flags & 0x02 != 0)),
        );
    }
    bit(
        "stp.flags.tc",
        0x01,
        format!("Topology Change: {}", yes(flags & 0x01 != 0)),
    );
    bridge_id(
        b,
        5,
        at,
        &mut n,
        ("Root Identifier", "Root Bridge", "stp.root"),
    )?;
    let cost = be32(b, 13)?;
    n.add(Node::field(
        "stp.root.cost",
        format!("Root Path Cost: {cost}"),
        at + 13..at + 17,
        Value::UInt(u64::from(cost)),
    ));
    bridge_id(
        b,
        17,
        at,
        &mut n,
        ("Bridge Identifier", "Bridge", "stp.bridge"),
    )?;
    let port = be16(b, 25)?;
    n.add(Node::field(
        "stp.port",
        format!("Port identifier: 0x{port:04x}"),
        at + 25..at + 27,
        Value::Hex(u64::from(port), 4),
    ));
    for (o, abbrev, label) in [
        (27, "stp.msg_age", "Message Age"),
        (29, "stp.max_age", "Max Age"),
        (31, "stp.hello", "Hello Time"),
        (33, "stp.forward", "Forward Delay"),
    ] {
        let v = be16(b, o)?;
        // Timers are in 1/256 seconds.
        let secs = f64::from(v) / 256.0;
        n.add(Node::field(
            abbrev,
            format!("{label}: {secs}"),
            at + o..at + o + 2,
            Value::UInt(u64::from(v)),
        ));
    }
    n.bytes.end = at + 35;
    if version >= 2 {
        if let Some(&v1) = b.get(35) {
            n.add(Node::field(
                "stp.version_1_length",
                format!("Version 1 Length: {v1}"),
                at + 35..at + 36,
                Value::UInt(u64::from(v1)),
            ));
            n.bytes.end = at + 36;
        }
    }
    Some(n)
}

/// A root or bridge identifier: priority, system ID extension, MAC.
fn bridge_id(
    b: &[u8],
    o: usize,
    at: usize,
    n: &mut Node,
    (title, label, prefix): (&str, &str, &str),
) -> Option<()> {
    let pe = be16(b, o)?;
    let m: [u8; 6] = b.get(o + 2..o + 8)?.try_into().ok()?;
    let mac = crate::text::mac(m);
    let (prio, ext) = (pe & 0xf000, pe & 0x0fff);
    let (abbrevs, id_abbrev): ([&'static str; 3], &'static str) = if prefix == "stp.root" {
        (["stp.root.prio", "stp.root.ext", "stp.root.hw"], "stp.root")
    } else {
        (
            ["stp.bridge.prio", "stp.bridge.ext", "stp.bridge.hw"],
            "stp.bridge",
        )
    };
    let r = at + o..at + o + 8;
    let id = n.add(Node::field(
        id_abbrev,
        format!("{title}: {prio} / {ext} / {mac}"),
        r,
        Value::Present,
    ));
    id.add(Node::field(
        abbrevs[0],
        format!("{label} Priority: {prio}"),
        at + o..at + o + 2,
        Value::UInt(u64::from(prio)),
    ));
    id.add(Node::field(
        abbrevs[1],
        format!("{label} System ID Extension: {ext}"),
        at + o..at + o + 2,
        Value::UInt(u64::from(ext)),
    ));
    id.add(Node::field(
        abbrevs[2],
        format!("{label} System ID: {mac}"),
        at + o + 2..at + o + 8,
        Value::Ether(m),
    ));
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rst_bpdu_as_tshark() {
        let mut b = vec![
            0, 0, 2, 2, 0x3c, 0x82, 0xd0, 0, 0x13, 0x7f, 0xbe, 0x8c, 0xc0, 0, 0, 0, 0,
        ];
        b.extend_from_slice(&[0x82, 0xd0, 0, 0x13, 0x7f, 0xbe, 0x8c, 0xc0, 0x81, 0x93]);
        b.extend_from_slice(&[0, 0, 0x14, 0, 2, 0, 0x0f, 0, 0]);
        let n = layer(&b, 17).expect("stp");
        let t: Vec<&str> = n.children.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            t[3],
            "BPDU flags: 0x3c, Forwarding, Learning, Port Role: Designated"
        );
        assert_eq!(t[4], "Root Identifier: 32768 / 720 / 00:13:7f:be:8c:c0");
        assert_eq!(t[8], "Message Age: 0");
        assert_eq!(t[9], "Max Age: 20");
        assert_eq!(t[12], "Version 1 Length: 0");
        for cut in 0..b.len() {
            let _ = layer(&b[..cut], 0);
        }
    }
}
