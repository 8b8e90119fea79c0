//! DHCP (BOOTP with a message-type option, UDP 67/68) for the Info column,
//! as tshark 4.0: `DHCP Offer    - Transaction ID 0x3d1d` (the type padded
//! to eight characters). BOOTP without that option (none, or the packet
//! cut by the snaplen before it) is a `BOOTP` row as tshark words it: `Boot
//! Request from 00:0b:82:01:fc:42 (Grandstr_01:fc:42)` (the client's
//! vendor from [`crate::registry::oui`]) or `Boot Reply`, with tshark's
//! `[Packet size limited during capture]` when the bytes end before the
//! options do.

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

/// The fixed header up to the client hardware address's padding: what a
/// BOOTP row needs (tshark's Info reads the op, htype, hlen and chaddr).
const CHADDR_END: usize = 44;

/// What tshark appends to the Info of a message cut before its end.
const CUT: &str = "[Packet size limited during capture]";

/// The row of a DHCP or BOOTP message, or `None` when it is neither.
pub fn summary(msg: &[u8]) -> Option<Summary> {
    let xid = msg
        .get(4..8)
        .map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))?;
    match message_type_option(msg) {
        Options::Type(t) => {
            let name = message_type(t)?;
            Some(Summary::new(
                "DHCP",
                format!("DHCP {name:<8} - Transaction ID 0x{xid:x}"),
            ))
        }
        Options::Complete => bootp(msg, false),
        Options::Cut => bootp(msg, true),
        Options::Bad => None,
    }
}

/// How the options of a message end.
enum Options {
    /// A DHCP message type option (53) with this value.
    Type(u8),
    /// No type option, the bytes holding the whole message.
    Complete,
    /// The bytes end before the fixed header or the options do.
    Cut,
    /// A magic cookie other than DHCP's.
    Bad,
}

fn message_type_option(msg: &[u8]) -> Options {
    let Some(cookie) = msg.get(236..240) else {
        return Options::Cut;
    };
    if cookie != [99, 130, 83, 99] {
        return Options::Bad;
    }
    let mut at = OPTIONS_AT;
    loop {
        let Some(&code) = msg.get(at) else {
            return Options::Cut;
        };
        match code {
            0 => at += 1,
            255 => return Options::Complete,
            _ => {
                let Some(&len) = msg.get(at + 1) else {
                    return Options::Cut;
                };
                if code == 53 && len >= 1 {
                    return match msg.get(at + 2) {
                        Some(&t) => Options::Type(t),
                        None => Options::Cut,
                    };
                }
                at += 2 + usize::from(len);
            }
        }
    }
}

/// A BOOTP row: tshark names the client's address (and its vendor) in a
/// request of Ethernet type and length.
fn bootp(msg: &[u8], cut: bool) -> Option<Summary> {
    let fixed = msg.get(..CHADDR_END)?;
    let mut info = match fixed[0] {
        1 if fixed[1] == 1 && fixed[2] == 6 => {
            let mut mac = [0u8; 6];
            mac.copy_from_slice(&fixed[28..34]);
            let plain = mac
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(":");
            format!(
                "Boot Request from {plain} ({})",
                crate::registry::oui::ether_name(mac)
            )
        }
        1 => "Boot Request".to_string(),
        2 => "Boot Reply".to_string(),
        _ => return None,
    };
    if cut {
        info.push_str(CUT);
    }
    Some(Summary::new("BOOTP", info))
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
        assert!(summary(&m[..40]).is_none());
        m[236] = 0;
        assert!(summary(&m).is_none(), "not DHCP's magic cookie");
    }

    #[test]
    fn cut_bootp_as_tshark() {
        // pcapng-bigendian-all-block-types.pcapng frame 2: 54 of 272 bytes.
        let mut m = vec![0u8; 54];
        m[..3].copy_from_slice(&[1, 1, 6]);
        m[28..34].copy_from_slice(&[0x00, 0x0b, 0x82, 0x01, 0xfc, 0x42]);
        let s = summary(&m).expect("a BOOTP row");
        assert_eq!(s.protocol, "BOOTP");
        assert_eq!(
            s.info,
            "Boot Request from 00:0b:82:01:fc:42 (Grandstr_01:fc:42)[Packet size limited during capture]"
        );
        m[0] = 2;
        assert_eq!(
            summary(&m).map(|s| s.info),
            Some("Boot Reply[Packet size limited during capture]".into())
        );
        // A whole BOOTP message without a DHCP type: no note.
        let mut whole = vec![0u8; 241];
        whole[0] = 2;
        whole[236..241].copy_from_slice(&[99, 130, 83, 99, 255]);
        assert_eq!(summary(&whole).map(|s| s.info), Some("Boot Reply".into()));
    }
}
