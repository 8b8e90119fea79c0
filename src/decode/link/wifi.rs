//! IEEE 802.11 frames, bare (link type 105), behind radiotap (127) or PPI
//! (192): where the frame starts, its addresses, and for data frames the
//! LLC/SNAP header after which the network layer (IPv4, IPv6, ARP...)
//! decodes as on Ethernet. [`summary`] words the frames that carry no
//! network layer (management, control, null, protected data) as tshark 4.0:
//! `Beacon frame, SN=1234, FN=0, Flags=........, BI=100, SSID="wltest"`.

use super::{LinkLayer, NextLayer};
use crate::capture::LinkType;

pub const IEEE802_11: LinkType = LinkType(105);
pub const RADIOTAP: LinkType = LinkType(127);
pub const PPI: LinkType = LinkType(192);

/// The longest SSID shown (the standard's limit).
const MAX_SSID: usize = 32;

fn le16(data: &[u8], at: usize) -> Option<u16> {
    data.get(at..at + 2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
}

fn addr(data: &[u8], at: usize) -> Option<[u8; 6]> {
    data.get(at..at + 6)?.try_into().ok()
}

/// Where the 802.11 frame starts in a packet of `link_type`.
pub fn frame_offset(link_type: LinkType, data: &[u8]) -> Option<usize> {
    match link_type {
        IEEE802_11 => Some(0),
        RADIOTAP => le16(data, 2).map(usize::from),
        PPI => {
            let len = usize::from(le16(data, 2)?);
            let dlt = u32::from_le_bytes(data.get(4..8)?.try_into().ok()?);
            (dlt == 105).then_some(len)
        }
        _ => None,
    }
}

/// The length of a data frame's MAC header (addresses, QoS, HT control).
pub fn data_header_len(fc0: u8, flags: u8) -> usize {
    let mut len = 24;
    if flags & 0x03 == 0x03 {
        len += 6;
    }
    let qos = fc0 >> 4 & 0x08 != 0;
    if qos {
        len += 2;
        if flags & 0x80 != 0 {
            len += 4;
        }
    }
    len
}

/// Decodes the link layer of an 802.11 packet into `link`.
pub fn decode(link: &mut LinkLayer, data: &[u8]) {
    let Some(start) = frame_offset(link.link_type, data) else {
        link.truncated = true;
        link.header_len = data.len();
        return;
    };
    let f = data.get(start..).unwrap_or_default();
    let (Some(&fc0), Some(&flags)) = (f.first(), f.get(1)) else {
        link.truncated = true;
        link.header_len = data.len();
        return;
    };
    let kind = fc0 >> 2 & 0x03;
    link.header_len = data.len();
    link.eth_dst = addr(f, 4);
    link.eth_src = addr(f, 10);
    if kind != 2 {
        return;
    }
    // Data: source and destination by the DS bits.
    let (da, sa) = match flags & 0x03 {
        0 => (4, 10),
        1 => (16, 10),
        2 => (4, 16),
        _ => (16, 24),
    };
    link.eth_dst = addr(f, da);
    link.eth_src = addr(f, sa);
    let hdr = data_header_len(fc0, flags);
    let no_data = fc0 >> 4 & 0x04 != 0;
    if no_data || flags & 0x40 != 0 {
        return;
    }
    if f.get(hdr..hdr + 6) == Some(&[0xaa, 0xaa, 0x03, 0, 0, 0][..]) {
        if let Some(t) = f.get(hdr + 6..hdr + 8) {
            link.header_len = start + hdr + 8;
            link.next = NextLayer::EtherType(u16::from_be_bytes([t[0], t[1]]));
        }
    }
}

pub fn subtype_name(kind: u8, sub: u8) -> Option<&'static str> {
    Some(match (kind, sub) {
        (0, 0) => "Association Request",
        (0, 1) => "Association Response",
        (0, 2) => "Reassociation Request",
        (0, 3) => "Reassociation Response",
        (0, 4) => "Probe Request",
        (0, 5) => "Probe Response",
        (0, 6) => "Measurement Pilot",
        (0, 8) => "Beacon frame",
        (0, 9) => "ATIM",
        (0, 10) => "Disassociate",
        (0, 11) => "Authentication",
        (0, 12) => "Deauthentication",
        (0, 13) => "Action",
        (0, 14) => "Action No Ack",
        (1, 5) => "VHT NDP Announcement",
        (1, 7) => "Control Wrapper",
        (1, 8) => "802.11 Block Ack Req",
        (1, 9) => "802.11 Block Ack",
        (1, 10) => "Power-Save poll",
        (1, 11) => "Request-to-send",
        (1, 12) => "Clear-to-send",
        (1, 13) => "Acknowledgement",
        (1, 14) => "CF-End (Control-frame)",
        (1, 15) => "CF-End + CF-Ack",
        (2, 0) => "Data",
        (2, 1) => "Data + CF-Ack",
        (2, 2) => "Data + CF-Poll",
        (2, 3) => "Data + CF-Ack + CF-Poll",
        (2, 4) => "Null function (No data)",
        (2, 5) => "CF-Ack (No data)",
        (2, 6) => "CF-Poll (No data)",
        (2, 7) => "CF-Ack/Poll (No data)",
        (2, 8) => "QoS Data",
        (2, 9) => "QoS Data + CF-Acknowledgment",
        (2, 10) => "QoS Data + CF-Poll",
        (2, 11) => "QoS Data + CF-Ack + CF-Poll",
        (2, 12) => "QoS Null function (No data)",
        (2, 14) => "QoS CF-Poll (No Data)",
        (2, 15) => "QoS CF-Ack + CF-Poll (No Data)",
        _ => return None,
    })
}

/// tshark's flags string: one character per bit, most significant first.
pub fn flags_text(flags: u8) -> String {
    b"opmPRMFT"
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if flags & (0x80 >> i) != 0 {
                c as char
            } else {
                '.'
            }
        })
        .collect()
}

/// The SSID element among the management frame's elements at `at`.
fn ssid(f: &[u8], mut at: usize) -> Option<String> {
    for _ in 0..256 {
        let (id, len) = (*f.get(at)?, usize::from(*f.get(at + 1)?));
        if id == 0 {
            let s = f.get(at + 2..at + 2 + len.min(MAX_SSID))?;
            return Some(String::from_utf8_lossy(s).into_owned());
        }
        at += 2 + len;
    }
    None
}

/// The row of an 802.11 frame that carries no network layer.
pub fn summary(link_type: LinkType, data: &[u8]) -> Option<(&'static str, String)> {
    let f = data.get(frame_offset(link_type, data)?..)?;
    let (fc0, flags) = (*f.first()?, *f.get(1)?);
    let (kind, sub) = (fc0 >> 2 & 0x03, fc0 >> 4);
    let name = subtype_name(kind, sub)?;
    if kind == 1 {
        return Some(("802.11", format!("{name}, Flags={}", flags_text(flags))));
    }
    let seq = le16(f, 22)?;
    let mut s = format!(
        "{name}, SN={}, FN={}, Flags={}",
        seq >> 4,
        seq & 0x0f,
        flags_text(flags)
    );
    if kind == 0 {
        // Fixed fields before the elements, and the beacon interval.
        let (fixed, interval) = match sub {
            8 | 5 => (12, le16(f, 24 + 8)),
            0 => (4, None),
            2 => (10, None),
            _ => (usize::MAX, None),
        };
        if let Some(bi) = interval {
            s.push_str(&format!(", BI={bi}"));
        }
        let elements = if sub == 4 {
            Some(24)
        } else {
            24usize.checked_add(fixed)
        };
        if let Some(name) = elements.filter(|&e| e < f.len()).and_then(|e| ssid(f, e)) {
            s.push_str(&format!(", SSID=\"{name}\""));
        }
    }
    Some(("802.11", s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beacon_and_data_through_snap() {
        let ap = [2, 0, 0, 0, 0, 0xaa];
        let mut b = vec![0, 0, 8, 0, 0, 0, 0, 0, 0x80, 0, 0, 0];
        b.extend_from_slice(&[0xff; 6]);
        b.extend_from_slice(&ap);
        b.extend_from_slice(&ap);
        b.extend_from_slice(&(1234u16 << 4).to_le_bytes());
        b.extend_from_slice(&[0; 8]);
        b.extend_from_slice(&100u16.to_le_bytes());
        b.extend_from_slice(&[1, 4, 0, 6]);
        b.extend_from_slice(b"wltest");
        assert_eq!(
            summary(RADIOTAP, &b).map(|s| s.1),
            Some("Beacon frame, SN=1234, FN=0, Flags=........, BI=100, SSID=\"wltest\"".into())
        );
        let mut d = vec![0x08, 0x01, 0, 0];
        d.extend_from_slice(&[1; 18]);
        d.extend_from_slice(&[0, 0]);
        d.extend_from_slice(&[0xaa, 0xaa, 3, 0, 0, 0, 0x08, 0x00, 0x45]);
        let mut link = LinkLayer::new(IEEE802_11);
        decode(&mut link, &d);
        assert_eq!(
            (link.header_len, link.next),
            (32, NextLayer::EtherType(0x0800))
        );
        assert_eq!(flags_text(0x41), ".p.....T");
    }
}
