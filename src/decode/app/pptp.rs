//! PPTP's control connection (TCP port 1723, RFC 2637) as tshark 4.0 shows
//! it: each segment is read on its own (the dissector does no reassembly)
//! and its Info is the control message type of the message it starts with
//! (`Start-Control-Connection-Request`), from the type at byte 8. The
//! tunnel's data goes over GRE ([`super::gre`]).

use super::{DirBytes, Layer, StreamRow, Summary};

/// The bytes before the control message type: length, message type and
/// magic cookie (4), control message type (2).
const TYPE_END: usize = 10;

/// A control message type's name, as tshark's `control_message_type_vals`,
/// and the fewest bytes tshark's dissector reads of it.
fn message_type(t: u16) -> Option<(&'static str, usize)> {
    Some(match t {
        1 => ("Start-Control-Connection-Request", 156),
        2 => ("Start-Control-Connection-Reply", 156),
        3 => ("Stop-Control-Connection-Request", 16),
        4 => ("Stop-Control-Connection-Reply", 16),
        5 => ("Echo-Request", 16),
        6 => ("Echo-Reply", 20),
        7 => ("Outgoing-Call-Request", 168),
        8 => ("Outgoing-Call-Reply", 32),
        9 => ("Incoming-Call-Request", 220),
        10 => ("Incoming-Call-Reply", 24),
        11 => ("Incoming-Call-Connected", 28),
        12 => ("Call-Clear-Request", 16),
        13 => ("Call-Disconnect-Notify", 84),
        14 => ("WAN-Error-Notify", 40),
        15 => ("Set-Link-Info", 24),
        _ => return None,
    })
}

/// tshark's note on a message cut before its fields end.
const MALFORMED: &str = "[Malformed Packet]";

/// The row of one segment's payload (tshark's, checked on crafted
/// segments: the magic cookie is not checked, an unknown type hands the
/// rest to `data`, a message shorter than its fields is malformed).
pub fn summary(segment: &[u8]) -> Option<Summary> {
    if segment.is_empty() {
        return None;
    }
    let pptp = Layer::both("pptp");
    let malformed = Layer::hierarchy("_ws.malformed");
    let Some(t) = segment.get(8..TYPE_END) else {
        return Some(Summary::new("PPTP", MALFORMED).with_layers(vec![pptp, malformed]));
    };
    let t = u16::from_be_bytes([t[0], t[1]]);
    Some(match message_type(t) {
        Some((name, len)) if segment.len() < len => {
            Summary::new("PPTP", format!("{name}{MALFORMED}")).with_layers(vec![pptp, malformed])
        }
        Some((name, _)) => Summary::new("PPTP", name).with_layers(vec![pptp]),
        None => Summary::new("PPTP", format!("Unknown control type ({t})"))
            .with_layers(vec![pptp, Layer::both("data")]),
    })
}

/// The rows of a PPTP control connection: one per segment that holds a
/// message type.
pub fn rows(client: DirBytes<'_>, server: DirBytes<'_>) -> Vec<(u32, StreamRow)> {
    [client, server]
        .iter()
        .flat_map(|d| {
            d.spans().filter_map(|(packet, s, e)| {
                summary(&d.bytes[s..e]).map(|r| (packet, StreamRow::App(r)))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(t: u16) -> Vec<u8> {
        let mut m = vec![0, 156, 0, 1, 0x1a, 0x2b, 0x3c, 0x4d];
        m.extend(t.to_be_bytes());
        m.resize(156, 0);
        m
    }

    #[test]
    fn each_segment_names_its_message() {
        let mut c = message(1);
        let second = c.len() as u64;
        c.extend(message(15));
        let third = c.len() as u64;
        c.extend(&message(99)[..6]);
        let s = message(2);
        let r = rows(
            DirBytes {
                bytes: &c,
                segments: &[(0, 4), (second, 9), (third, 11)],
            },
            DirBytes {
                bytes: &s,
                segments: &[(0, 7)],
            },
        );
        let info: Vec<_> = r
            .iter()
            .map(|(p, row)| match row {
                StreamRow::App(a) => (*p, a.info.as_str()),
                StreamRow::Segment { .. } => (*p, "segment"),
            })
            .collect();
        assert_eq!(
            info,
            [
                (4, "Start-Control-Connection-Request"),
                (9, "Set-Link-Info"),
                (11, "[Malformed Packet]"),
                (7, "Start-Control-Connection-Reply"),
            ]
        );
        let unknown = summary(&message(99)).expect("row");
        assert_eq!(unknown.info, "Unknown control type (99)");
        assert_eq!(unknown.layers, [Layer::both("pptp"), Layer::both("data")]);
    }

    #[test]
    fn short_messages_are_malformed() {
        let cut = summary(&message(1)[..16]).expect("row");
        assert_eq!(
            cut.info,
            "Start-Control-Connection-Request[Malformed Packet]"
        );
        assert_eq!(cut.layers[1], Layer::hierarchy("_ws.malformed"));
        assert_eq!(
            summary(&message(1)[..7]).expect("row").info,
            "[Malformed Packet]"
        );
        assert_eq!(
            summary(&message(15)[..24]).expect("row").info,
            "Set-Link-Info"
        );
        assert!(summary(&[]).is_none());
    }
}
