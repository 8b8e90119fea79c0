//! IP fragments as tshark shows them by default: each IPv4 fragment reads
//! `Fragmented IP protocol (proto=UDP 17, off=0, ID=4a52)`, each IPv6 one
//! `IPv6 fragment (off=0 more=y ident=0x12345678 nxt=17)`, except the last
//! one of a datagram whose fragments were all captured, where the datagram
//! is reassembled and decoded (UDP ports, DNS...).
//!
//! The earlier fragments are looked for among the packets just before the
//! last one (they travel together), at most [`MAX_FRAGMENT_LOOKBACK`].

use crate::decode::app::{self, Summary};
use crate::decode::Network;
use crate::store::PacketStore;

/// How many packets before a datagram's last fragment are searched for the
/// other fragments.
pub const MAX_FRAGMENT_LOOKBACK: usize = 256;
/// The largest datagram reassembled (the IPv4 limit).
const MAX_DATAGRAM: usize = 65_535;

/// Wireshark's name of an IP protocol number, as fragment rows show it.
pub fn ip_protocol_name(p: u8) -> Option<&'static str> {
    Some(match p {
        1 => "ICMP",
        2 => "IGMP",
        4 => "IPIP",
        6 => "TCP",
        17 => "UDP",
        41 => "IPv6",
        47 => "GRE",
        50 => "ESP",
        51 => "AH",
        58 => "ICMPv6",
        89 => "OSPF",
        103 => "PIM",
        112 => "VRRP",
        132 => "SCTP",
        _ => return None,
    })
}

/// The Info of a fragment that is not decoded.
pub fn fragment_info(protocol: u8, offset: u32, id: u16) -> String {
    let name = ip_protocol_name(protocol).map_or_else(String::new, |n| format!("{n} "));
    format!("Fragmented IP protocol (proto={name}{protocol}, off={offset}, ID={id:04x})")
}

/// (offset in bytes, more fragments, id, protocol, src, dst, payload) of an
/// IP fragment (IPv4 addresses, or IPv6 ones).
type Fragment<'a> = (u32, bool, u32, u8, [u8; 16], [u8; 16], &'a [u8]);

fn v4(a: [u8; 4]) -> [u8; 16] {
    let mut o = [0u8; 16];
    o[..4].copy_from_slice(&a);
    o
}

fn fragment_of<'a>(d: &crate::decode::Decoded<'a>) -> Option<Fragment<'a>> {
    match &d.network {
        Network::Ipv4 {
            header,
            fragment: true,
        } => {
            let start = d.network_offset + usize::from(header.ihl()) * 4;
            let end = (d.network_offset + usize::from(header.total_len())).min(d.data.len());
            Some((
                u32::from(header.fragments_offset().value()) * 8,
                header.more_fragments(),
                u32::from(header.identification()),
                header.protocol().0,
                v4(header.source()),
                v4(header.destination()),
                d.data.get(start..end)?,
            ))
        }
        Network::Ipv6 {
            header,
            fragment: true,
            ..
        } => {
            let f = ipv6_fragment(d)?;
            Some((
                f.offset,
                f.more,
                f.ident,
                f.next,
                header.source(),
                header.destination(),
                f.payload,
            ))
        }
        _ => None,
    }
}

/// An IPv6 fragment header and the fragment's data.
pub struct Ipv6Fragment<'a> {
    /// Frame offset of the fragment header.
    pub at: usize,
    pub offset: u32,
    pub more: bool,
    pub ident: u32,
    pub next: u8,
    pub payload: &'a [u8],
}

/// The fragment header of an IPv6 packet, found through the extension
/// headers before it.
pub fn ipv6_fragment<'a>(d: &crate::decode::Decoded<'a>) -> Option<Ipv6Fragment<'a>> {
    let Network::Ipv6 { header, .. } = &d.network else {
        return None;
    };
    let end = (d.network_offset + 40 + usize::from(header.payload_length())).min(d.data.len());
    let data = d.data.get(..end)?;
    let mut at = d.network_offset + 40;
    let mut next = header.next_header().0;
    for _ in 0..8 {
        match next {
            44 => {
                let h = data.get(at..at + 8)?;
                let off = u16::from_be_bytes([h[2], h[3]]);
                return Some(Ipv6Fragment {
                    at,
                    offset: u32::from(off >> 3) * 8,
                    more: off & 1 != 0,
                    ident: u32::from_be_bytes([h[4], h[5], h[6], h[7]]),
                    next: h[0],
                    payload: data.get(at + 8..)?,
                });
            }
            0 | 43 | 60 => {
                next = *data.get(at)?;
                at += (usize::from(*data.get(at + 1)?) + 1) * 8;
            }
            _ => return None,
        }
    }
    None
}

/// The Info of an IPv6 fragment that is not decoded.
pub fn ipv6_fragment_info(d: &crate::decode::Decoded<'_>) -> Option<String> {
    let f = ipv6_fragment(d)?;
    Some(format!(
        "IPv6 fragment (off={} more={} ident=0x{:08x} nxt={})",
        f.offset,
        if f.more { 'y' } else { 'n' },
        f.ident,
        f.next
    ))
}

/// One fragment of a reassembled datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// 0-based packet index.
    pub frame: usize,
    /// Offset of the fragment's data in the datagram.
    pub offset: u32,
    /// Bytes of data the fragment carries.
    pub len: usize,
}

/// A datagram put together from its fragments at its last one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reassembled {
    /// The IP protocol of the datagram's payload.
    pub protocol: u8,
    /// The payload of the whole datagram (the UDP header first).
    pub datagram: Vec<u8>,
    /// The fragments that made it, by offset (then frame).
    pub pieces: Vec<Piece>,
}

/// The datagram packet `index` completes when it is the last fragment (no
/// more fragments, offset > 0) of one whose other fragments are all in the
/// packets before it.
pub fn reassemble(store: &PacketStore, index: usize) -> Option<Reassembled> {
    let last = store.decode(index);
    let (off, more, id, proto, src, dst, payload) = fragment_of(&last)?;
    if more || off == 0 {
        return None;
    }
    let total = (off as usize).checked_add(payload.len())?;
    if total > MAX_DATAGRAM {
        return None;
    }
    let mut datagram = vec![0u8; total];
    let mut covered = vec![false; total.div_ceil(8)];
    let mut pieces = Vec::new();
    let mut put = |frame: usize, o: u32, bytes: &[u8], covered: &mut Vec<bool>| {
        pieces.push(Piece {
            frame,
            offset: o,
            len: bytes.len(),
        });
        let o = o as usize;
        let end = o.saturating_add(bytes.len()).min(total);
        if let (Some(to), Some(from)) =
            (datagram.get_mut(o..end), bytes.get(..end.saturating_sub(o)))
        {
            to.copy_from_slice(from);
            for c in covered.iter_mut().take(end.div_ceil(8)).skip(o / 8) {
                *c = true;
            }
        }
    };
    put(index, off, payload, &mut covered);
    for i in (index.saturating_sub(MAX_FRAGMENT_LOOKBACK)..index).rev() {
        let d = store.decode(i);
        if let Some((o, _, i_id, p, s, t, bytes)) = fragment_of(&d) {
            if (i_id, p, s, t) == (id, proto, src, dst) {
                put(i, o, bytes, &mut covered);
            }
        }
        if covered.iter().all(|&c| c) {
            break;
        }
    }
    if !covered.iter().all(|&c| c) {
        return None;
    }
    pieces.sort_by_key(|p| (p.offset, p.frame));
    Some(Reassembled {
        protocol: proto,
        datagram,
        pieces,
    })
}

/// The row of packet `index` when it is the last fragment of a UDP datagram
/// whose other fragments are in the packets before it.
pub fn reassembled_row(store: &PacketStore, index: usize) -> Option<(String, String)> {
    let r = reassemble(store, index)?;
    let datagram = &r.datagram;
    if r.protocol != 17 || datagram.len() < 8 {
        return None;
    }
    let total = datagram.len();
    let sport = u16::from_be_bytes([datagram[0], datagram[1]]);
    let dport = u16::from_be_bytes([datagram[2], datagram[3]]);
    let udp_len = usize::from(u16::from_be_bytes([datagram[4], datagram[5]]));
    let data = datagram.get(8..udp_len.min(total)).unwrap_or_default();
    Some(match app::udp(sport, dport, data) {
        Some(Summary { protocol, info, .. }) => (protocol.into(), info),
        None => (
            "UDP".into(),
            format!("{sport} \u{2192} {dport} Len={}", udp_len.saturating_sub(8)),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragment_wording() {
        assert_eq!(
            fragment_info(17, 1480, 0x4a52),
            "Fragmented IP protocol (proto=UDP 17, off=1480, ID=4a52)"
        );
        assert_eq!(
            fragment_info(253, 0, 1),
            "Fragmented IP protocol (proto=253, off=0, ID=0001)"
        );
    }
}
