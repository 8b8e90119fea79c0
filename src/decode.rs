//! Decoding one packet's layers on demand from its captured bytes: link layer
//! (see [`link`]), then ARP, IPv4, IPv6, and TCP, UDP, ICMP, ICMPv6 with
//! etherparse's lax slicers, which decode as far as the bytes go.
//!
//! Nothing here allocates: a [`Decoded`] borrows the packet's bytes. Lengths on
//! the wire (`tcp.len`) come from the IP headers, so a packet cut short by the
//! snaplen still reports what was sent.

pub mod app;
pub mod checksum;
pub mod dns;
pub mod fast;
pub mod layer;
pub mod link;
pub mod tcp;
pub mod tcp_flags;
pub mod tcp_options;

pub use link::{decode_link, LinkLayer, NextLayer, VlanTag};
pub use tcp::TcpView;

use crate::capture::LinkType;
use etherparse::{
    ArpPacketSlice, EtherType, Icmpv4Slice, Icmpv6Slice, Ipv4HeaderSlice, Ipv6HeaderSlice,
    LaxNetSlice, LaxSlicedPacket, TransportSlice, UdpSlice,
};
use std::net::IpAddr;

/// The network layer of a packet.
#[derive(Debug, Clone)]
pub enum Network<'a> {
    None,
    Arp(ArpPacketSlice<'a>),
    Ipv4 {
        header: Ipv4HeaderSlice<'a>,
        /// Part of a fragmented datagram (more fragments, or offset > 0).
        fragment: bool,
    },
    Ipv6 {
        header: Ipv6HeaderSlice<'a>,
        /// Bytes of extension headers between the fixed header and the payload.
        ext_len: usize,
        fragment: bool,
    },
}

/// The transport layer of a packet.
#[derive(Debug, Clone)]
pub enum Transport<'a> {
    None,
    Tcp(TcpView<'a>),
    Udp(UdpSlice<'a>),
    Icmpv4(Icmpv4Slice<'a>),
    Icmpv6(Icmpv6Slice<'a>),
}

/// One packet, decoded as far as its bytes allow.
#[derive(Debug, Clone)]
pub struct Decoded<'a> {
    /// The captured bytes.
    pub data: &'a [u8],
    pub orig_len: u32,
    pub link: LinkLayer,
    pub network: Network<'a>,
    pub transport: Transport<'a>,
    /// The IP protocol number of the payload (also when not decoded).
    pub ip_protocol: Option<u8>,
    /// Offset of the network header in `data`.
    pub network_offset: usize,
    /// Offset of the transport header in `data`.
    pub transport_offset: Option<usize>,
    /// Length of the IP payload (transport header + data) as the IP header says.
    pub l4_wire_len: Option<u32>,
    /// A header was cut short (by the snaplen or by damage).
    pub header_truncated: bool,
    /// The ports of a TCP header cut too short for a [`TcpView`] (fewer than
    /// 16 bytes): all tshark shows of it (`tcp.srcport`, `tcp.dstport`; no
    /// stream).
    pub tcp_short_ports: Option<(u16, u16)>,
}

impl<'a> Decoded<'a> {
    /// The capture holds fewer bytes than were on the wire.
    pub fn is_cut_by_snaplen(&self) -> bool {
        (self.data.len() as u64) < u64::from(self.orig_len)
    }

    pub fn ip_src(&self) -> Option<IpAddr> {
        match &self.network {
            Network::Ipv4 { header, .. } => Some(IpAddr::V4(header.source_addr())),
            Network::Ipv6 { header, .. } => Some(IpAddr::V6(header.source_addr())),
            _ => None,
        }
    }

    pub fn ip_dst(&self) -> Option<IpAddr> {
        match &self.network {
            Network::Ipv4 { header, .. } => Some(IpAddr::V4(header.destination_addr())),
            Network::Ipv6 { header, .. } => Some(IpAddr::V6(header.destination_addr())),
            _ => None,
        }
    }

    pub fn ports(&self) -> Option<(u16, u16)> {
        match &self.transport {
            Transport::Tcp(t) => Some((t.source_port(), t.destination_port())),
            Transport::Udp(u) => Some((u.source_port(), u.destination_port())),
            _ => None,
        }
    }

    pub fn tcp(&self) -> Option<&TcpView<'a>> {
        match &self.transport {
            Transport::Tcp(t) => Some(t),
            _ => None,
        }
    }

    /// TCP segment length on the wire (`tcp.len`): IP payload minus TCP header.
    pub fn tcp_len(&self) -> Option<u32> {
        let tcp = self.tcp()?;
        let header = u32::from(tcp.data_offset()) * 4;
        let wire = self.l4_wire_len.unwrap_or(tcp.slice().len() as u32);
        Some(wire.saturating_sub(header))
    }

    /// The transport payload bytes that were captured (TCP or UDP data).
    pub fn payload(&self) -> &'a [u8] {
        match &self.transport {
            Transport::Tcp(t) => t.payload(),
            Transport::Udp(u) => u.payload(),
            Transport::Icmpv4(i) => i.payload(),
            Transport::Icmpv6(i) => i.payload(),
            Transport::None => &[],
        }
    }

    /// Offset of the transport payload in `data`.
    pub fn payload_offset(&self) -> Option<usize> {
        let p = self.payload();
        self.transport_offset?;
        Some(offset_in(self.data, p))
    }
}

/// Position of `inner` within `outer` (both from the same buffer).
fn offset_in(outer: &[u8], inner: &[u8]) -> usize {
    (inner.as_ptr() as usize)
        .saturating_sub(outer.as_ptr() as usize)
        .min(outer.len())
}

/// Decodes a packet of a `link_type` interface.
pub fn decode(link_type: LinkType, data: &[u8], orig_len: u32) -> Decoded<'_> {
    let link = decode_link(link_type, data);
    let rest = data.get(link.header_len..).unwrap_or(&[]);
    let mut decoded = Decoded {
        data,
        orig_len,
        header_truncated: link.truncated,
        network_offset: link.header_len,
        network: Network::None,
        transport: Transport::None,
        ip_protocol: None,
        transport_offset: None,
        l4_wire_len: None,
        tcp_short_ports: None,
        link,
    };
    let sliced = match decoded.link.next {
        NextLayer::EtherType(t) => Some(LaxSlicedPacket::from_ether_type(EtherType(t), rest)),
        NextLayer::Ip => LaxSlicedPacket::from_ip(rest).ok(),
        NextLayer::Unknown => None,
    };
    let Some(sliced) = sliced else {
        if matches!(
            decoded.link.next,
            NextLayer::Ip | NextLayer::EtherType(0x0800 | 0x86dd)
        ) {
            decoded.header_truncated = true;
        }
        return decoded;
    };
    if sliced.stop_err.is_some() {
        decoded.header_truncated = true;
    }
    // The captured IP payload, for a TCP header etherparse could not take whole.
    let mut ip_payload: Option<(&[u8], bool)> = None;
    match sliced.net {
        Some(LaxNetSlice::Ipv4(ip)) => {
            let start = offset_in(data, ip.header().slice());
            let Ok(header) = Ipv4HeaderSlice::from_slice(&data[start..]) else {
                decoded.header_truncated = true;
                return decoded;
            };
            let payload = ip.payload();
            decoded.ip_protocol = Some(payload.ip_number.0);
            let header_len = usize::from(header.ihl()) * 4;
            decoded.l4_wire_len =
                Some(u32::from(header.total_len()).saturating_sub(header_len as u32));
            if header.total_len() == 0 {
                // TSO captures leave the length at zero: use what was captured.
                decoded.l4_wire_len = Some(payload.payload.len() as u32);
            }
            ip_payload = Some((payload.payload, payload.fragmented));
            decoded.network = Network::Ipv4 {
                header,
                fragment: payload.fragmented,
            };
        }
        Some(LaxNetSlice::Ipv6(ip)) => {
            let start = offset_in(data, ip.header().slice());
            let Ok(header) = Ipv6HeaderSlice::from_slice(&data[start..]) else {
                decoded.header_truncated = true;
                return decoded;
            };
            let payload = ip.payload();
            decoded.ip_protocol = Some(payload.ip_number.0);
            let fixed_end = offset_in(data, header.slice()) + header.slice().len();
            let ext_len = offset_in(data, payload.payload).saturating_sub(fixed_end);
            decoded.l4_wire_len =
                Some(u32::from(header.payload_length()).saturating_sub(ext_len as u32));
            ip_payload = Some((payload.payload, payload.fragmented));
            decoded.network = Network::Ipv6 {
                header,
                ext_len,
                fragment: payload.fragmented,
            };
        }
        Some(LaxNetSlice::Arp(arp)) => decoded.network = Network::Arp(arp),
        None => {}
    }
    decoded.transport = match sliced.transport {
        Some(TransportSlice::Tcp(t)) => {
            TcpView::new(t.slice()).map_or(Transport::None, Transport::Tcp)
        }
        Some(TransportSlice::Udp(u)) => Transport::Udp(u),
        Some(TransportSlice::Icmpv4(i)) => Transport::Icmpv4(i),
        Some(TransportSlice::Icmpv6(i)) => Transport::Icmpv6(i),
        _ => Transport::None,
    };
    // A TCP header cut inside its options (snaplen 64 with timestamps, say):
    // its fixed 20 bytes still give ports, numbers, flags and window.
    if let (Transport::None, Some(6), Some((bytes, false))) =
        (&decoded.transport, decoded.ip_protocol, ip_payload)
    {
        if let Some(t) = TcpView::new(bytes) {
            decoded.transport = Transport::Tcp(t);
            decoded.header_truncated = true;
        } else {
            decoded.tcp_short_ports = tcp::ports_of_short_header(bytes);
        }
    }
    decoded.transport_offset = match &decoded.transport {
        Transport::Tcp(t) => Some(offset_in(data, t.slice())),
        Transport::Udp(u) => Some(offset_in(data, u.slice())),
        Transport::Icmpv4(i) => Some(offset_in(data, i.slice())),
        Transport::Icmpv6(i) => Some(offset_in(data, i.slice())),
        Transport::None => None,
    };
    decoded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp_packet(payload: &[u8]) -> Vec<u8> {
        let builder =
            etherparse::PacketBuilder::ethernet2([1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12])
                .ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64)
                .tcp(1234, 80, 1000, 64240)
                .syn();
        let mut out = Vec::new();
        builder.write(&mut out, payload).expect("write");
        out
    }

    #[test]
    fn ethernet_ipv4_tcp() {
        let p = tcp_packet(b"hello");
        let d = decode(LinkType::ETHERNET, &p, p.len() as u32);
        assert_eq!(d.ip_src(), Some("10.0.0.1".parse().expect("ip")));
        assert_eq!(d.ports(), Some((1234, 80)));
        assert_eq!(d.tcp_len(), Some(5));
        assert_eq!(d.payload(), b"hello");
        assert_eq!(d.transport_offset, Some(34));
        assert_eq!(d.payload_offset(), Some(54));
        assert!(!d.header_truncated && !d.is_cut_by_snaplen());
    }

    #[test]
    fn snaplen_cut_keeps_wire_length() {
        let p = tcp_packet(&[b'x'; 100]);
        let d = decode(LinkType::ETHERNET, &p[..60], p.len() as u32);
        assert_eq!(d.tcp_len(), Some(100));
        assert_eq!(d.payload().len(), 6);
        assert!(d.is_cut_by_snaplen());
    }

    #[test]
    fn cut_inside_tcp_header() {
        let p = tcp_packet(b"");
        // 6 bytes of TCP header: only the ports, as tshark shows them.
        let d = decode(LinkType::ETHERNET, &p[..40], p.len() as u32);
        assert!(d.tcp().is_none());
        assert!(d.header_truncated);
        assert_eq!(d.ip_protocol, Some(6));
        assert_eq!(d.tcp_short_ports, Some((1234, 80)));
        // 17 bytes: everything up to the window.
        let d = decode(LinkType::ETHERNET, &p[..51], p.len() as u32);
        let t = d.tcp().expect("a view from 16 bytes");
        assert_eq!(
            (t.source_port(), t.sequence_number(), t.window_size()),
            (1234, 1000, 64240)
        );
        assert!(t.syn() && !t.has_checksum() && d.header_truncated);
        assert_eq!(d.tcp_short_ports, None);
    }

    #[test]
    fn garbage_never_panics() {
        for len in 0..80 {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            for lt in [
                0u16, 1, 12, 14, 101, 105, 108, 113, 127, 192, 228, 229, 276, 999,
            ] {
                let _ = decode(LinkType(lt), &data, 9999);
            }
        }
    }
}
