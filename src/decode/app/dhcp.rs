//! DHCP (BOOTP with a message-type option, UDP 67/68) for the Info column,
//! as tshark 4.0: `DHCP Offer    - Transaction ID 0x3d1d` (the type padded
//! to eight characters). Plain BOOTP without that option reads `Boot
//! Request`/`Boot Reply` in tshark with vendor names from its OUI table,
//! which wirelens does not carry: such packets stay UDP rows.

use super::Summary;

/// The fixed BOOTP header, then the magic cookie.
const OPTIONS_AT: usize = 240;

/// The name of a DHCP message type (option 53).
pub fn message_type(t: u8) -> Option<&'static str> {
    Some(match t {
        1 => "Discover",
        2 => "Offer",
        3 => "Request",
        4 => "Decline",
        5 => "ACK",
        6 => "NAK",
        7 => "Release",
        8 => "Inform",
        9 => "Force Renew",
        10 => "Lease query",
        11 => "Lease Unassigned",
        12 => "Lease Unknown",
        13 => "Lease Active",
        _ => return None,
    })
}

/// The row of a DHCP message, or `None` when it is not one.
pub fn summary(msg: &[u8]) -> Option<Summary> {
    let xid = msg
        .get(4..8)
        .map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))?;
    if msg.get(236..240) != Some(&[99, 130, 83, 99][..]) {
        return None;
    }
    let mut at = OPTIONS_AT;
    while let Some(&code) = msg.get(at) {
        match code {
            0 => at += 1,
            255 => break,
            _ => {
                let len = usize::from(*msg.get(at + 1)?);
                if code == 53 && len >= 1 {
                    let name = message_type(*msg.get(at + 2)?)?;
                    return Some(Summary::new(
                        "DHCP",
                        format!("DHCP {name:<8} - Transaction ID 0x{xid:x}"),
                    ));
                }
                at += 2 + len;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offer_as_tshark() {
        let mut m = vec![0u8; 240];
        m[0] = 2;
        m[4..8].copy_from_slice(&0x3d1du32.to_be_bytes());
        m[236..240].copy_from_slice(&[99, 130, 83, 99]);
        m.extend_from_slice(&[53, 1, 2, 255]);
        assert_eq!(
            summary(&m).map(|s| s.info),
            Some("DHCP Offer    - Transaction ID 0x3d1d".into())
        );
        assert!(summary(&m[..100]).is_none());
    }
}
