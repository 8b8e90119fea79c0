//! Link layers: finds where the network layer starts and what it is, for every
//! link type wirelens knows (Ethernet with 802.1Q/802.1ad tags, Linux cooked
//! SLL and SLL2, BSD NULL and OpenBSD LOOP, raw IP, 802.11 bare or behind
//! radiotap and PPI).

pub mod wifi;

use crate::capture::LinkType;

/// What the link layer says about the network-layer payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextLayer {
    /// An Ethernet type (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP, ...).
    EtherType(u16),
    /// Raw IP: the version nibble decides.
    Ip,
    /// Nothing wirelens decodes.
    Unknown,
}

/// One 802.1Q / 802.1ad tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VlanTag {
    /// The tag protocol identifier (0x8100 or 0x88a8).
    pub tpid: u16,
    pub priority: u8,
    pub id: u16,
}

/// The decoded link layer of one packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkLayer {
    pub link_type: LinkType,
    /// Ethernet source and destination; SLL's source address when it is 6 bytes.
    pub eth_src: Option<[u8; 6]>,
    pub eth_dst: Option<[u8; 6]>,
    /// Up to two VLAN tags, outer first.
    pub vlans: [Option<VlanTag>; 2],
    /// SLL/SLL2 packet type (0 to us, 4 sent by us, ...).
    pub sll_packet_type: Option<u16>,
    /// NULL/LOOP address family.
    pub loopback_family: Option<u32>,
    /// Length of the link-layer header(s), i.e. where the network layer starts.
    pub header_len: usize,
    pub next: NextLayer,
    /// The link header itself was cut short.
    pub truncated: bool,
}

impl LinkLayer {
    fn new(link_type: LinkType) -> LinkLayer {
        LinkLayer {
            link_type,
            eth_src: None,
            eth_dst: None,
            vlans: [None, None],
            sll_packet_type: None,
            loopback_family: None,
            header_len: 0,
            next: NextLayer::Unknown,
            truncated: false,
        }
    }
}

const ETHERTYPE_VLAN: u16 = 0x8100;
const ETHERTYPE_QINQ: u16 = 0x88a8;
const ETHERTYPE_QINQ_OLD: u16 = 0x9100;

fn be16(data: &[u8], at: usize) -> Option<u16> {
    data.get(at..at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
}

fn mac(data: &[u8], at: usize) -> Option<[u8; 6]> {
    let b = data.get(at..at + 6)?;
    Some([b[0], b[1], b[2], b[3], b[4], b[5]])
}

/// Decodes the link layer of `data` captured on a `link_type` interface.
pub fn decode_link(link_type: LinkType, data: &[u8]) -> LinkLayer {
    let mut link = LinkLayer::new(link_type);
    match link_type {
        LinkType::ETHERNET => ethernet(&mut link, data),
        LinkType::LINUX_SLL => sll(&mut link, data),
        LinkType::LINUX_SLL2 => sll2(&mut link, data),
        LinkType::NULL | LinkType::LOOP => loopback(&mut link, data),
        LinkType::RAW | LinkType::RAW_BSD | LinkType::RAW_OPENBSD => link.next = NextLayer::Ip,
        LinkType::IPV4 => link.next = NextLayer::EtherType(0x0800),
        LinkType::IPV6 => link.next = NextLayer::EtherType(0x86dd),
        wifi::IEEE802_11 | wifi::RADIOTAP | wifi::PPI => wifi::decode(&mut link, data),
        _ => {}
    }
    link
}

fn ethernet(link: &mut LinkLayer, data: &[u8]) {
    let (Some(dst), Some(src), Some(mut ether_type)) = (mac(data, 0), mac(data, 6), be16(data, 12))
    else {
        link.truncated = true;
        link.header_len = data.len();
        return;
    };
    link.eth_dst = Some(dst);
    link.eth_src = Some(src);
    let mut at = 14;
    let mut tags = 0;
    while matches!(
        ether_type,
        ETHERTYPE_VLAN | ETHERTYPE_QINQ | ETHERTYPE_QINQ_OLD
    ) {
        let (Some(tci), Some(inner)) = (be16(data, at), be16(data, at + 2)) else {
            link.truncated = true;
            link.header_len = data.len();
            return;
        };
        if tags < link.vlans.len() {
            link.vlans[tags] = Some(VlanTag {
                tpid: ether_type,
                priority: (tci >> 13) as u8,
                id: tci & 0x0fff,
            });
        }
        tags += 1;
        at += 4;
        ether_type = inner;
    }
    link.header_len = at;
    // Values up to 1500 are 802.3 lengths (LLC follows), not types.
    link.next = if ether_type >= 0x0600 {
        NextLayer::EtherType(ether_type)
    } else {
        NextLayer::Unknown
    };
}

/// Linux cooked v1: packet type, ARPHRD type, address length, 8-byte address,
/// protocol; 16 bytes in all.
fn sll(link: &mut LinkLayer, data: &[u8]) {
    let (Some(packet_type), Some(addr_len), Some(protocol)) =
        (be16(data, 0), be16(data, 4), be16(data, 14))
    else {
        link.truncated = true;
        link.header_len = data.len();
        return;
    };
    link.sll_packet_type = Some(packet_type);
    if addr_len == 6 {
        link.eth_src = mac(data, 6);
    }
    link.header_len = 16;
    link.next = sll_protocol(protocol);
}

/// Linux cooked v2: protocol, reserved, interface index, ARPHRD type, packet
/// type, address length, 8-byte address; 20 bytes in all.
fn sll2(link: &mut LinkLayer, data: &[u8]) {
    let (Some(protocol), Some(packet_type), Some(addr_len)) =
        (be16(data, 0), data.get(10), data.get(11))
    else {
        link.truncated = true;
        link.header_len = data.len();
        return;
    };
    if data.len() < 20 {
        link.truncated = true;
        link.header_len = data.len();
        return;
    }
    link.sll_packet_type = Some(u16::from(*packet_type));
    if *addr_len == 6 {
        link.eth_src = mac(data, 12);
    }
    link.header_len = 20;
    link.next = sll_protocol(protocol);
}

fn sll_protocol(protocol: u16) -> NextLayer {
    if protocol >= 0x0600 {
        NextLayer::EtherType(protocol)
    } else {
        NextLayer::Unknown
    }
}

/// BSD NULL (family in host byte order) and OpenBSD LOOP (network order).
fn loopback(link: &mut LinkLayer, data: &[u8]) {
    let Some(b) = data.get(..4) else {
        link.truncated = true;
        link.header_len = data.len();
        return;
    };
    let le = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    let be = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    // The writer's byte order is unknown for NULL: the small value is right.
    let family = if link.link_type == LinkType::LOOP || be < le {
        be
    } else {
        le
    };
    link.loopback_family = Some(family);
    link.header_len = 4;
    link.next = match family {
        2 => NextLayer::EtherType(0x0800),
        // AF_INET6 differs between BSDs: 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS), 10 (Linux).
        10 | 24 | 28 | 30 => NextLayer::EtherType(0x86dd),
        _ => NextLayer::Unknown,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ethernet_with_qinq() {
        let mut p = vec![0xff; 6];
        p.extend_from_slice(&[0, 1, 2, 3, 4, 5]);
        p.extend_from_slice(&[0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x20, 0xc8, 0x08, 0x00]);
        let l = decode_link(LinkType::ETHERNET, &p);
        assert_eq!(l.header_len, 22);
        assert_eq!(l.next, NextLayer::EtherType(0x0800));
        assert_eq!(l.vlans[0].map(|v| v.id), Some(100));
        assert_eq!(l.vlans[1].map(|v| (v.id, v.priority)), Some((200, 1)));
        assert_eq!(l.eth_src, Some([0, 1, 2, 3, 4, 5]));
    }

    #[test]
    fn sll_sll2_null_loop_raw() {
        let mut sll1 = vec![0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x86, 0xdd];
        sll1.push(0x60);
        let l = decode_link(LinkType::LINUX_SLL, &sll1);
        assert_eq!((l.header_len, l.next), (16, NextLayer::EtherType(0x86dd)));
        assert_eq!(l.eth_src, Some([1, 2, 3, 4, 5, 6]));

        let sll2 = [8, 0, 0, 0, 0, 0, 0, 2, 0, 1, 4, 6, 9, 9, 9, 9, 9, 9, 0, 0];
        let l = decode_link(LinkType::LINUX_SLL2, &sll2);
        assert_eq!((l.header_len, l.next), (20, NextLayer::EtherType(0x0800)));
        assert_eq!(l.sll_packet_type, Some(4));

        let l = decode_link(LinkType::NULL, &[2, 0, 0, 0]);
        assert_eq!(l.next, NextLayer::EtherType(0x0800));
        let l = decode_link(LinkType::NULL, &[0, 0, 0, 30]);
        assert_eq!(l.next, NextLayer::EtherType(0x86dd));
        let l = decode_link(LinkType::LOOP, &[0, 0, 0, 24]);
        assert_eq!(l.next, NextLayer::EtherType(0x86dd));
        assert_eq!(decode_link(LinkType::RAW, &[0x45]).next, NextLayer::Ip);
        assert_eq!(decode_link(LinkType(147), &[1]).next, NextLayer::Unknown);
    }

    #[test]
    fn cut_short_headers_are_marked() {
        assert!(decode_link(LinkType::ETHERNET, &[0; 10]).truncated);
        let mut vlan_cut = vec![0u8; 12];
        vlan_cut.extend_from_slice(&[0x81, 0x00, 0x00]);
        assert!(decode_link(LinkType::ETHERNET, &vlan_cut).truncated);
        assert!(decode_link(LinkType::LINUX_SLL2, &[0; 12]).truncated);
        assert!(decode_link(LinkType::NULL, &[2]).truncated);
    }
}
