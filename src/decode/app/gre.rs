//! GRE (IP protocol 47): the header of RFC 2784/2890 and PPTP's enhanced
//! GRE (version 1, RFC 2637: key as payload length and call ID, optional
//! acknowledgement number), then the payload by its protocol type. Only PPP
//! (`0x880b`) is followed, into [`super::ppp`]: a row `PPP LCP` /
//! `Configuration Request` and the path `gre:ppp:lcp` as tshark 4.0 gives
//! them. Other payloads, and headers with routing, are left to the caller.

use super::{Layer, Summary};
use crate::decode::{Decoded, Network};

/// The IP protocol number of GRE.
pub const IP_PROTOCOL: u8 = 47;
/// GRE's protocol type for PPP.
const PPP: u16 = 0x880b;

const CHECKSUM: u16 = 0x8000;
const ROUTING: u16 = 0x4000;
const KEY: u16 = 0x2000;
const SEQUENCE: u16 = 0x1000;
const ACK: u16 = 0x0080;

/// A GRE header's protocol type and the payload after the header.
pub fn split(packet: &[u8]) -> Option<(u16, &[u8])> {
    let head = packet.get(..4)?;
    let flags = u16::from_be_bytes([head[0], head[1]]);
    let protocol = u16::from_be_bytes([head[2], head[3]]);
    if flags & ROUTING != 0 {
        // Source routing entries follow: not taken apart.
        return None;
    }
    let version = flags & 7;
    let mut len = 4;
    for (bit, bytes) in [(CHECKSUM, 4), (KEY, 4), (SEQUENCE, 4)] {
        if flags & bit != 0 {
            len += bytes;
        }
    }
    if version == 1 && flags & ACK != 0 {
        len += 4;
    }
    Some((protocol, packet.get(len..)?))
}

/// The row of a GRE packet whose payload is worded here, with the path
/// from `gre` on.
pub fn summary(packet: &[u8]) -> Option<Summary> {
    let (protocol, payload) = split(packet)?;
    if protocol != PPP {
        return None;
    }
    let mut s = super::ppp::summary(payload)?;
    s.layers.insert(0, Layer::both("gre"));
    Some(s)
}

/// The IP payload of a decoded packet that carries GRE, unfragmented.
pub fn ip_payload<'a>(d: &Decoded<'a>) -> Option<&'a [u8]> {
    if d.ip_protocol != Some(IP_PROTOCOL) {
        return None;
    }
    let at = match &d.network {
        Network::Ipv4 {
            header,
            fragment: false,
        } => d.network_offset + usize::from(header.ihl()) * 4,
        Network::Ipv6 {
            ext_len,
            fragment: false,
            ..
        } => d.network_offset + 40 + ext_len,
        _ => return None,
    };
    d.data.get(at..)
}

/// The row of a decoded packet carrying GRE, when [`summary`] words it.
pub fn of(d: &Decoded<'_>) -> Option<Summary> {
    summary(ip_payload(d)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The start of the GRE packet of frame 16 of the tcpdump project's
    /// pptp.pcap, its LCP length set to the 4 bytes kept here.
    const ENHANCED: [u8; 20] = [
        0x30, 0x01, 0x88, 0x0b, 0x00, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x03, 0xc0,
        0x21, 0x01, 0x00, 0x00, 0x04,
    ];

    #[test]
    fn enhanced_gre_carrying_lcp() {
        let s = summary(&ENHANCED).expect("lcp");
        assert_eq!(
            (s.protocol, s.info.as_str()),
            ("PPP LCP", "Configuration Request")
        );
        let names: Vec<_> = s.layers.iter().map(|l| l.name).collect();
        assert_eq!(names, ["gre", "ppp", "lcp"]);
        // The real length (44) past the bytes: malformed, as tshark.
        let mut cut = ENHANCED;
        cut[19] = 0x2c;
        let s = summary(&cut).expect("lcp");
        assert_eq!(s.info, "Configuration Request[Malformed Packet]");
    }

    #[test]
    fn optional_fields_and_other_payloads() {
        // Checksum and sequence number (version 0), IPv4 inside.
        let v0 = [0x90, 0x00, 0x08, 0x00, 0, 0, 0, 0, 0, 0, 0, 1, 0x45];
        assert_eq!(split(&v0), Some((0x0800, &[0x45][..])));
        assert!(summary(&v0).is_none());
        // Enhanced GRE with an acknowledgement only: 8 + 4 bytes.
        let ack = [0x20, 0x81, 0x88, 0x0b, 0, 0, 0, 0, 0, 0, 0, 7];
        assert_eq!(split(&ack), Some((PPP, &[][..])));
        assert!(summary(&ack).is_none());
        // Routing present, or cut inside the header.
        assert!(split(&[0x40, 0x00, 0x08, 0x00, 0, 0, 0, 0]).is_none());
        assert!(split(&ENHANCED[..10]).is_none());
    }
}
