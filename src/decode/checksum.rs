//! Checksum verification for IPv4 headers and TCP/UDP segments, reported as
//! tcpdump -vv reports them: correct, incorrect, or not verifiable (the packet
//! was cut short by the snaplen).

use super::{Decoded, Network, Transport};

/// The outcome of checking one checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecksumStatus {
    Correct,
    /// The stored value and the value it should have been.
    Incorrect {
        stored: u16,
        computed: u16,
    },
    /// Not all bytes were captured, or UDP over IPv4 with checksum 0.
    Unverified,
}

/// The IPv4 header checksum, when there is an IPv4 header.
pub fn ipv4_header(decoded: &Decoded<'_>) -> Option<ChecksumStatus> {
    let Network::Ipv4 { header, .. } = &decoded.network else {
        return None;
    };
    let stored = header.header_checksum();
    let computed = header.to_header().calc_header_checksum();
    Some(status(stored, computed))
}

fn status(stored: u16, computed: u16) -> ChecksumStatus {
    if stored == computed {
        ChecksumStatus::Correct
    } else {
        ChecksumStatus::Incorrect { stored, computed }
    }
}

/// The TCP or UDP checksum, when the segment is complete.
pub fn transport(decoded: &Decoded<'_>) -> Option<ChecksumStatus> {
    let complete = !decoded.is_cut_by_snaplen() && !decoded.header_truncated;
    let wire = decoded.l4_wire_len? as usize;
    match (&decoded.transport, &decoded.network) {
        (Transport::Tcp(t), _) if !t.has_checksum() => None,
        (Transport::Tcp(t), net) => {
            let whole = t
                .etherparse()
                .filter(|_| complete && t.slice().len() == wire);
            let Some(t) = whole else {
                return Some(ChecksumStatus::Unverified);
            };
            let computed = match net {
                Network::Ipv4 { header, .. } => t
                    .calc_checksum_ipv4(header.source(), header.destination())
                    .ok()?,
                Network::Ipv6 { header, .. } => t
                    .calc_checksum_ipv6(header.source(), header.destination())
                    .ok()?,
                _ => return None,
            };
            Some(status(t.checksum(), computed))
        }
        (Transport::Udp(u), net) => {
            if !complete || u.slice().len() != wire {
                return Some(ChecksumStatus::Unverified);
            }
            let header = u.to_header();
            let computed = match net {
                Network::Ipv4 { header: ip, .. } => {
                    if u.checksum() == 0 {
                        return Some(ChecksumStatus::Unverified);
                    }
                    header
                        .calc_checksum_ipv4_raw(ip.source(), ip.destination(), u.payload())
                        .ok()?
                }
                Network::Ipv6 { header: ip, .. } => header
                    .calc_checksum_ipv6_raw(ip.source(), ip.destination(), u.payload())
                    .ok()?,
                _ => return None,
            };
            Some(status(u.checksum(), computed))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::LinkType;
    use crate::decode::decode;

    #[test]
    fn correct_then_flipped() {
        let mut p = Vec::new();
        etherparse::PacketBuilder::ethernet2([1; 6], [2; 6])
            .ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64)
            .udp(53, 5353)
            .write(&mut p, b"abcd")
            .expect("write");
        let d = decode(LinkType::ETHERNET, &p, p.len() as u32);
        assert_eq!(ipv4_header(&d), Some(ChecksumStatus::Correct));
        assert_eq!(transport(&d), Some(ChecksumStatus::Correct));
        let n = p.len();
        p[n - 1] ^= 0xff;
        p[24] ^= 0x01;
        let d = decode(LinkType::ETHERNET, &p, p.len() as u32);
        assert!(matches!(
            ipv4_header(&d),
            Some(ChecksumStatus::Incorrect { .. })
        ));
        assert!(matches!(
            transport(&d),
            Some(ChecksumStatus::Incorrect { .. })
        ));
        let d = decode(LinkType::ETHERNET, &p[..n - 2], p.len() as u32);
        assert_eq!(transport(&d), Some(ChecksumStatus::Unverified));
    }
}
