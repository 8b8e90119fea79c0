//! PPP frames as tunnels carry them (PPTP's enhanced GRE, [`super::gre`]):
//! the optional HDLC address and control bytes (`ff 03`), the protocol
//! field (one byte when compressed), then the control protocols tshark 4.0
//! names in the Protocol column (`PPP LCP`, `PPP IPCP`, `PPP CCP`, `PPP
//! IPV6CP`) with the code of the message as Info (`Configuration Request`),
//! and compressed data (`PPP Comp`). Other protocols (IP, PAP, CHAP) are
//! not worded here.

use super::{Layer, Summary};

/// LCP (RFC 1661): codes 0 (vendor specific, RFC 2153) to 13.
const LCP: u16 = 0xc021;
/// IPCP (RFC 1332) and IPV6CP (RFC 5072): codes 1 to 7.
const IPCP: u16 = 0x8021;
const IPV6CP: u16 = 0x8057;
/// CCP (RFC 1962): codes 1 to 7, then 14 and 15.
const CCP: u16 = 0x80fd;

/// A control protocol's code as tshark words it (`lcp_vals`, `ccp_vals`,
/// `cp_vals` of packet-ppp.c).
fn code_name(protocol: u16, code: u8) -> &'static str {
    let common = match code {
        1 => Some("Configuration Request"),
        2 => Some("Configuration Ack"),
        3 => Some("Configuration Nak"),
        4 => Some("Configuration Reject"),
        5 => Some("Termination Request"),
        6 => Some("Termination Ack"),
        7 => Some("Code Reject"),
        _ => None,
    };
    if let Some(name) = common {
        return name;
    }
    match (protocol, code) {
        (LCP | CCP, 0) => "Vendor Specific",
        (LCP, 8) => "Protocol Reject",
        (LCP, 9) => "Echo Request",
        (LCP, 10) => "Echo Reply",
        (LCP, 11) => "Discard Request",
        (LCP, 12) => "Identification",
        (LCP, 13) => "Time Remaining",
        (CCP, 14) => "Reset Request",
        (CCP, 15) => "Reset Ack",
        _ => "Unknown",
    }
}

/// The protocol field of a PPP frame and the bytes after it.
pub fn split(frame: &[u8]) -> Option<(u16, &[u8])> {
    let rest = frame.strip_prefix(&[0xff, 0x03]).unwrap_or(frame);
    let &first = rest.first()?;
    if first & 1 == 1 {
        // Protocol-field compression: one odd byte.
        return Some((u16::from(first), &rest[1..]));
    }
    let two = rest.get(..2)?;
    Some((u16::from_be_bytes([two[0], two[1]]), &rest[2..]))
}

/// Compressed datagrams (RFC 1962): their row says no more.
const COMPRESSED: u16 = 0x00fd;

/// tshark's note on a message cut before its fields end.
const MALFORMED: &str = "[Malformed Packet]";

/// The row of a PPP frame carrying a control protocol or compressed data,
/// and its path after the tunnel (`ppp`, `lcp`); `None` for the protocols
/// not worded here. As tshark (checked on crafted frames), a control
/// message cut inside its 4-byte header leaves PPP's own row
/// (`Encapsulated PPP`), one shorter than its length field names its code;
/// both are malformed.
pub fn summary(frame: &[u8]) -> Option<Summary> {
    let (protocol, body) = split(frame)?;
    let (column, layer) = match protocol {
        LCP => ("PPP LCP", "lcp"),
        IPCP => ("PPP IPCP", "ipcp"),
        IPV6CP => ("PPP IPV6CP", "ipv6cp"),
        CCP => ("PPP CCP", "ccp"),
        COMPRESSED => {
            return Some(
                Summary::new("PPP Comp", "Compressed data")
                    .with_layers(vec![Layer::both("ppp"), Layer::both("comp_data")]),
            )
        }
        _ => return None,
    };
    let mut layers = vec![Layer::both("ppp"), Layer::both(layer)];
    let malformed = Layer::hierarchy("_ws.malformed");
    // Code, identifier, length.
    let Some(head) = body.get(..4) else {
        layers.push(malformed);
        return Some(
            Summary::new("PPP", format!("Encapsulated PPP{MALFORMED}")).with_layers(layers),
        );
    };
    let name = code_name(protocol, head[0]);
    let length = usize::from(u16::from_be_bytes([head[2], head[3]]));
    if length > body.len() {
        layers.push(malformed);
        return Some(Summary::new(column, format!("{name}{MALFORMED}")).with_layers(layers));
    }
    Some(Summary::new(column, name).with_layers(layers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lcp_with_and_without_address_and_control() {
        let full = [0xff, 0x03, 0xc0, 0x21, 0x01, 0x00, 0x00, 0x04];
        let s = summary(&full).expect("lcp");
        assert_eq!(
            (s.protocol, s.info.as_str()),
            ("PPP LCP", "Configuration Request")
        );
        assert_eq!(s.layers, vec![Layer::both("ppp"), Layer::both("lcp")]);
        let bare = [0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 0, 0, 0, 0];
        assert_eq!(summary(&bare).expect("echo").info, "Echo Request");
        let ccp = [0x80, 0xfd, 0x0e, 0x01, 0x00, 0x04];
        assert_eq!(summary(&ccp).expect("ccp").info, "Reset Request");
        let ipcp = [0x80, 0x21, 0x0e, 0x01, 0x00, 0x04];
        assert_eq!(summary(&ipcp).expect("ipcp").info, "Unknown");
    }

    #[test]
    fn compressed_protocol_and_short_frames() {
        assert_eq!(split(&[0x21, 0x45]), Some((0x21, &[0x45][..])));
        assert_eq!(split(&[0xff, 0x03]), None);
        assert_eq!(split(&[0xc0]), None);
        // IP in PPP is not worded here.
        assert!(summary(&[0x00, 0x21, 0x45, 0, 0, 0]).is_none());
        let cut = summary(&[0xc0, 0x21, 0x01, 0x00]).expect("row");
        assert_eq!(
            (cut.protocol, cut.info.as_str()),
            ("PPP", "Encapsulated PPP[Malformed Packet]")
        );
        assert_eq!(cut.layers.len(), 3);
        let short = summary(&[0xc0, 0x21, 0x01, 0x00, 0x00, 0x08]).expect("row");
        assert_eq!(short.info, "Configuration Request[Malformed Packet]");
        let comp = summary(&[0xfd, 0x12]).expect("row");
        assert_eq!(
            (comp.protocol, comp.info.as_str()),
            ("PPP Comp", "Compressed data")
        );
    }
}
