//! Protocols right above the link layer, as tshark 4.0 words them:
//!
//! - STP over 802.2 LLC (DSAP/SSAP 0x42): `RST. Root = 32768/720/00:13:7f:be:8c:c0
//!   Cost = 0  Port = 0x8193` (also `Conf.`, `MST.`, `TC + `, and
//!   `Topology Change Notification`);
//! - the Ethernet configuration testing protocol (EtherType 0x9000, LOOP):
//!   the first function, `Forward Data` or `Reply`;
//! - LLDP (EtherType 0x88cc), in `lldp`.

use super::Summary;

fn mac(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// STP's row from the LLC payload (after DSAP, SSAP and control).
pub fn stp(bpdu: &[u8]) -> Option<Summary> {
    let (version, kind) = (*bpdu.get(2)?, *bpdu.get(3)?);
    if bpdu.get(..2) != Some(&[0, 0][..]) {
        return None;
    }
    if kind == 0x80 {
        return Some(Summary::new("STP", "Topology Change Notification"));
    }
    let flags = *bpdu.get(4)?;
    let root = bpdu.get(5..13)?;
    let cost = u32::from_be_bytes(bpdu.get(13..17)?.try_into().ok()?);
    let port = u16::from_be_bytes(bpdu.get(25..27)?.try_into().ok()?);
    let prio = u16::from_be_bytes([root[0], root[1]]);
    let label = match (kind, version) {
        (0x02, v) if v >= 3 => "MST. ",
        (0x02, _) => "RST. ",
        (0x00, _) => "Conf. ",
        _ => return None,
    };
    let tc = if flags & 0x01 != 0 { "TC + " } else { "" };
    let protocol = if version >= 3 { "MSTP" } else { "STP" };
    Some(Summary::new(
        protocol,
        format!(
            "{label}{tc}Root = {}/{}/{}  Cost = {cost}  Port = 0x{port:04x}",
            prio & 0xf000,
            prio & 0x0fff,
            mac(&root[2..8])
        ),
    ))
}

/// LOOP's row: the function after `skipCount` bytes.
pub fn loopback(msg: &[u8]) -> Option<Summary> {
    let skip = usize::from(u16::from_le_bytes([*msg.first()?, *msg.get(1)?]));
    let at = 2 + skip;
    let function = u16::from_le_bytes([*msg.get(at)?, *msg.get(at + 1)?]);
    let name = match function {
        1 => "Reply",
        2 => "Forward Data",
        _ => return None,
    };
    Some(Summary::new("LOOP", name))
}

/// The row of a frame whose link layer carries `payload`: after an 802.3
/// length field (`ether_type` `None`, LLC follows) or an EtherType.
pub fn summary(ether_type: Option<u16>, payload: &[u8]) -> Option<Summary> {
    match ether_type {
        None if payload.get(..3) == Some(&[0x42, 0x42, 0x03][..]) => stp(&payload[3..]),
        Some(0x9000) => loopback(payload),
        Some(0x88cc) => super::lldp::summary(payload),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stp_and_loop_as_tshark() {
        let llc = [
            0x42, 0x42, 0x03, 0x00, 0x00, 0x02, 0x02, 0x3c, 0x82, 0xd0, 0x00, 0x13, 0x7f, 0xbe,
            0x8c, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x82, 0xd0, 0x00, 0x13, 0x7f, 0xbe, 0x8c, 0xc0,
            0x81, 0x93, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00, 0x0f, 0x00,
        ];
        assert_eq!(
            summary(None, &llc).map(|s| s.info),
            Some("RST. Root = 32768/720/00:13:7f:be:8c:c0  Cost = 0  Port = 0x8193".into())
        );
        let lp = [0, 0, 2, 0, 0xaa, 0, 4, 0, 0x1d, 4, 1, 0, 1, 0];
        assert_eq!(
            summary(Some(0x9000), &lp).map(|s| s.info),
            Some("Forward Data".into())
        );
        let lp = [8, 0, 2, 0, 0xaa, 0, 4, 0, 0x1d, 4, 1, 0, 1, 0];
        assert_eq!(
            summary(Some(0x9000), &lp).map(|s| s.info),
            Some("Reply".into())
        );
    }
}
