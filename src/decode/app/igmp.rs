//! IGMP (IP protocol 2) for the Protocol column and Info, as tshark 4.0:
//! the version from the message (`IGMPv1`, `IGMPv2`, `IGMPv3`), then
//! `Membership Query, general`, `Membership Report group 224.0.0.251`,
//! `Leave Group ...`, or for version 3 reports one clause per group record
//! (`Membership Report / Join group 239.1.1.1 for any sources / Leave group
//! 239.2.2.2`).

use super::Summary;
use std::net::Ipv4Addr;

/// The most group records of a version 3 report worded.
const MAX_RECORDS: usize = 64;

fn ip(b: &[u8]) -> Option<Ipv4Addr> {
    let a: [u8; 4] = b.get(..4)?.try_into().ok()?;
    Some(Ipv4Addr::from(a))
}

fn sources(b: &[u8], n: usize) -> Option<String> {
    let list: Option<Vec<String>> = (0..n)
        .map(|i| ip(b.get(i * 4..)?).map(|a| a.to_string()))
        .collect();
    Some(list?.join(", "))
}

/// One group record of a version 3 report, and its length.
fn record(b: &[u8]) -> Option<(String, usize)> {
    let (kind, aux) = (*b.first()?, usize::from(*b.get(1)?) * 4);
    let n = usize::from(u16::from_be_bytes([*b.get(2)?, *b.get(3)?]));
    let group = ip(b.get(4..)?)?;
    let src = sources(b.get(8..)?, n)?;
    let text = match (kind, n) {
        (1 | 3, 0) => format!("Leave group {group}"),
        (1 | 3, _) => format!("Join group {group} for source {{{src}}}"),
        (2 | 4, 0) => format!("Join group {group} for any sources"),
        (2 | 4, _) => format!("Join group {group}, for source not {{{src}}}"),
        (5, _) => format!("Group {group}, new source {{{src}}}"),
        (6, _) => format!("Group {group}, block source {{{src}}}"),
        _ => format!("Group {group}"),
    };
    Some((text, 8 + n * 4 + aux))
}

/// The row of an IGMP message.
pub fn summary(msg: &[u8]) -> Option<Summary> {
    let (t, max_resp) = (*msg.first()?, *msg.get(1)?);
    let group = ip(msg.get(4..)?)?;
    Some(match t {
        0x11 => {
            let v = if msg.len() >= 12 {
                "IGMPv3"
            } else if max_resp == 0 {
                "IGMPv1"
            } else {
                "IGMPv2"
            };
            let what = if group.is_unspecified() || v == "IGMPv1" {
                "Membership Query, general".to_string()
            } else {
                format!("Membership Query, specific for group {group}")
            };
            if v == "IGMPv1" {
                Summary::new(v, "Membership Query")
            } else {
                Summary::new(v, what)
            }
        }
        0x12 => Summary::new("IGMPv1", "Membership Report"),
        0x16 => Summary::new("IGMPv2", format!("Membership Report group {group}")),
        0x17 => Summary::new("IGMPv2", format!("Leave Group {group}")),
        0x22 => {
            let n = usize::from(u16::from_be_bytes([*msg.get(6)?, *msg.get(7)?]));
            let mut s = String::from("Membership Report");
            let mut at = 8;
            for _ in 0..n.min(MAX_RECORDS) {
                let Some((text, len)) = msg.get(at..).and_then(record) else {
                    break;
                };
                s.push_str(" / ");
                s.push_str(&text);
                at += len;
            }
            Summary::new("IGMPv3", s)
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordings() {
        let r = |b: &[u8]| summary(b).map(|s| format!("{} {}", s.protocol, s.info));
        assert_eq!(
            r(&[0x16, 0, 0, 0, 224, 0, 0, 251]).as_deref(),
            Some("IGMPv2 Membership Report group 224.0.0.251")
        );
        assert_eq!(
            r(&[0x11, 0, 0, 0, 0, 0, 0, 0]).as_deref(),
            Some("IGMPv1 Membership Query")
        );
        let v3 = [
            0x22, 0, 0, 0, 0, 0, 0, 2, 4, 0, 0, 0, 239, 1, 1, 1, 3, 0, 0, 0, 239, 2, 2, 2,
        ];
        assert_eq!(
            r(&v3).as_deref(),
            Some("IGMPv3 Membership Report / Join group 239.1.1.1 for any sources / Leave group 239.2.2.2")
        );
    }
}
