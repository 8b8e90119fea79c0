//! LLDP (EtherType 0x88cc) as tshark 4.0 words its Info: the chassis and
//! port IDs by subtype (`MA/00:11:22:33:44:55`, `IN/ge-0/0/1`, `LA/17`,
//! `NA/10.0.0.1`, ...), the TTL, then `SysN=` and `SysD=` when present,
//! each followed by a space.

use super::Summary;

/// Printable text of a TLV value (UTF-8, invalid bytes replaced).
fn text(b: &[u8]) -> String {
    crate::text::sanitize(&String::from_utf8_lossy(b)).into_owned()
}

fn mac(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// An ID TLV's value as Info shows it: the subtype's abbreviation, a slash
/// and the ID (a MAC address, a network address or text).
fn id(v: &[u8], chassis: bool) -> Option<String> {
    let (&sub, id) = v.split_first()?;
    let (abbrev, kind) = match (chassis, sub) {
        (true, 1) => ("CC", 't'),
        (true, 2) | (false, 1) => ("IA", 't'),
        (true, 3) | (false, 2) => ("PC", 't'),
        (true, 4) | (false, 3) => ("MA", 'm'),
        (true, 5) | (false, 4) => ("NA", 'n'),
        (true, 6) | (false, 5) => ("IN", 't'),
        (false, 6) => ("AC", 't'),
        (_, 7) => ("LA", 't'),
        _ => return None,
    };
    let shown = match kind {
        'm' if id.len() == 6 => mac(id),
        'n' => match id.split_first() {
            Some((1, a)) if a.len() == 4 => format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3]),
            Some((2, a)) if a.len() == 16 => {
                let mut b = [0u8; 16];
                b.copy_from_slice(a);
                std::net::Ipv6Addr::from(b).to_string()
            }
            _ => return None,
        },
        't' => text(id),
        _ => return None,
    };
    Some(format!("{abbrev}/{shown}"))
}

/// LLDP's row of an LLDPDU: the mandatory chassis ID, port ID and TTL
/// first, as the standard orders them.
pub fn summary(pdu: &[u8]) -> Option<Summary> {
    let mut info = String::new();
    let mut at = 0;
    let mut index = 0;
    while at + 2 <= pdu.len() {
        let head = u16::from_be_bytes([pdu[at], pdu[at + 1]]);
        let (t, len) = (head >> 9, usize::from(head & 0x1ff));
        let v = pdu.get(at + 2..at + 2 + len)?;
        match (index, t) {
            (0, 1) => info.push_str(&id(v, true)?),
            (1, 2) => info.push_str(&id(v, false)?),
            (2, 3) if len == 2 => info.push_str(&u16::from_be_bytes([v[0], v[1]]).to_string()),
            (0..=2, _) => return None,
            (_, 0) => break,
            (_, 5) => info.push_str(&format!("SysN={}", text(v))),
            (_, 6) => info.push_str(&format!("SysD={}", text(v))),
            _ => {
                at += 2 + len;
                index += 1;
                continue;
            }
        }
        info.push(' ');
        at += 2 + len;
        index += 1;
    }
    (index >= 3).then(|| Summary::new("LLDP", info))
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
    fn ids_ttl_and_system_as_tshark() {
        let mut p = tlv(1, &[4, 0, 0x11, 0x22, 0x33, 0x44, 0x55]);
        p.extend(tlv(2, b"\x05ge-0/0/1"));
        p.extend(tlv(3, &[0, 120]));
        p.extend(tlv(5, b"switch-a"));
        p.extend(tlv(0, b""));
        assert_eq!(
            summary(&p).map(|s| s.info).as_deref(),
            Some("MA/00:11:22:33:44:55 IN/ge-0/0/1 120 SysN=switch-a ")
        );
        let mut p = tlv(1, &[5, 1, 10, 0, 0, 1]);
        p.extend(tlv(2, b"\x0717"));
        p.extend(tlv(3, &[0x0e, 0x10]));
        assert_eq!(
            summary(&p).map(|s| s.info).as_deref(),
            Some("NA/10.0.0.1 LA/17 3600 ")
        );
        for cut in 0..p.len() {
            assert_eq!(summary(&p[..cut]), None, "cut at {cut}");
        }
        assert_eq!(
            summary(&tlv(2, b"\x05x")),
            None,
            "the chassis ID comes first"
        );
    }
}
