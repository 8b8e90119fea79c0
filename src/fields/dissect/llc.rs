//! IEEE 802.2 LLC as tshark 4.0 draws it: the DSAP and SSAP with their
//! address and I/G or C/R bits, the control field (unnumbered frames by
//! function), and a SNAP header's organization code and type; then what
//! the SAP carries (the Spanning Tree BPDU of `stp.rs`).

use super::bits::{be16, bitfield};
use super::Node;
use crate::fields::Value;

fn sap_name(sap: u8) -> &'static str {
    match sap & 0xfe {
        0x00 => "NULL LSAP",
        0x02 => "LLC Sub-Layer Management Individual",
        0x04 => "SNA Path Control Individual",
        0x06 => "TCP/IP",
        0x42 => "Spanning Tree BPDU",
        0xaa => "SNAP",
        0xe0 => "NetWare",
        0xf0 => "NetBIOS",
        0xfe => "ISO Network Layer (OSLAN 1)",
        _ => "Unknown",
    }
}

/// What follows the LLC header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Stp,
    /// A SNAP header's Ethernet type.
    EtherType(u16),
    Other,
}

/// The LLC layer of `b` at frame offset `at`, what it carries and its
/// header length.
pub fn layer(b: &[u8], at: usize) -> Option<(Node, Next, usize)> {
    let (&dsap, &ssap, &ctl) = (b.first()?, b.get(1)?, b.get(2)?);
    let mut n = Node::field("llc", "Logical-Link Control", at..at + 3, Value::Present);
    for (i, sap, abbrev, label, bit) in [
        (
            0,
            dsap,
            "llc.dsap",
            "DSAP",
            ("llc.dsap.ig", "IG Bit", "Individual", "Group"),
        ),
        (
            1,
            ssap,
            "llc.ssap",
            "SSAP",
            ("llc.ssap.cr", "CR Bit", "Command", "Response"),
        ),
    ] {
        let r = at + i..at + i + 1;
        let v = u64::from(sap);
        let s = n.add(Node::field(
            abbrev,
            format!("{label}: {} (0x{sap:02x})", sap_name(sap)),
            r.clone(),
            Value::Hex(v, 2),
        ));
        s.add(
            Node::field(
                if i == 0 {
                    "llc.dsap.sap"
                } else {
                    "llc.ssap.sap"
                },
                bitfield(v, 0xfe, 8, &format!("SAP: {}", sap_name(sap))),
                r.clone(),
                Value::Hex(v & 0xfe, 2),
            )
            .masked(0xfe),
        );
        let (ab, name, off, on) = bit;
        s.add(
            Node::field(
                ab,
                bitfield(
                    v,
                    0x01,
                    8,
                    &format!("{name}: {}", if sap & 1 == 0 { off } else { on }),
                ),
                r,
                Value::Bool(sap & 1 != 0),
            )
            .masked(0x01),
        );
    }
    let cv = u64::from(ctl);
    let cr = at + 2..at + 3;
    if ctl & 0x03 == 0x03 {
        let func = match ctl & 0xef {
            0x03 => "UI",
            0xaf => "XID",
            0xe3 => "TEST",
            0x6f => "SABME",
            0x43 => "DISC",
            0x63 => "UA",
            0x0f => "DM",
            0x87 => "FRMR",
            _ => "Unknown",
        };
        let c = n.add(Node::field(
            "llc.control",
            format!("Control field: U, func={func} (0x{ctl:02x})"),
            cr.clone(),
            Value::Hex(cv, 2),
        ));
        if func == "UI" {
            c.add(
                Node::field(
                    "llc.control.u_modifier_cmd",
                    bitfield(cv, 0xec, 8, "Command: Unnumbered Information (0x00)"),
                    cr.clone(),
                    Value::Hex(0, 2),
                )
                .masked(0xec),
            );
        }
        c.add(
            Node::field(
                "llc.control.ftype",
                bitfield(cv, 0x03, 8, "Frame type: Unnumbered frame (0x3)"),
                cr,
                Value::Hex(3, 1),
            )
            .masked(0x03),
        );
    } else {
        n.add(Node::field(
            "llc.control",
            format!("Control field: 0x{ctl:02x}"),
            cr,
            Value::Hex(cv, 2),
        ));
    }
    if dsap == 0x42 && ssap == 0x42 {
        return Some((n, Next::Stp, 3));
    }
    if dsap == 0xaa && ssap == 0xaa {
        let (Some(oui), Some(t)) = (b.get(3..6), be16(b, 6)) else {
            return Some((n, Next::Other, 3));
        };
        n.bytes.end = at + 8;
        let org = if oui == [0, 0, 0] {
            // As tshark 4.0 prints this OUI's name (cut so: see the
            // 802.11 data frames of tests/fixtures/verbose/wifi-radiotap.pcap.txt).
            "00:00:00 (Officially Xerox, but".to_string()
        } else {
            format!("{:02x}:{:02x}:{:02x}", oui[0], oui[1], oui[2])
        };
        n.add(Node::field(
            "llc.oui",
            format!("Organization Code: {org}"),
            at + 3..at + 6,
            Value::UInt(u64::from(u32::from_be_bytes([0, oui[0], oui[1], oui[2]]))),
        ));
        n.add(Node::field(
            "llc.type",
            format!("Type: {} (0x{t:04x})", super::link::ethertype_name(t)),
            at + 6..at + 8,
            Value::Hex(u64::from(t), 4),
        ));
        return Some((n, Next::EtherType(t), 8));
    }
    Some((n, Next::Other, 3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stp_and_snap_headers() {
        let (n, next, len) = layer(&[0x42, 0x42, 0x03], 14).expect("llc");
        assert_eq!((next, len), (Next::Stp, 3));
        assert_eq!(n.children[0].text, "DSAP: Spanning Tree BPDU (0x42)");
        assert_eq!(
            n.children[0].children[0].text,
            "0100 001. = SAP: Spanning Tree BPDU"
        );
        assert_eq!(n.children[2].text, "Control field: U, func=UI (0x03)");
        let (_, next, len) = layer(&[0xaa, 0xaa, 3, 0, 0, 0, 8, 0], 0).expect("snap");
        assert_eq!((next, len), (Next::EtherType(0x0800), 8));
        assert!(layer(&[0x42, 0x42], 0).is_none());
        assert_eq!(
            layer(&[0xaa, 0xaa, 3, 0], 0).map(|l| l.1),
            Some(Next::Other)
        );
    }
}
