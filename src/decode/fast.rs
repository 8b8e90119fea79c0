//! The load's fast path: an Ethernet II frame carrying a whole IPv4 or IPv6
//! datagram (not fragmented, no IPv6 extension headers) with a whole TCP or
//! UDP header, summarised for the store and the flow builder in a few reads
//! instead of the full decoder (etherparse's lax slicers, [`super::decode`]).
//!
//! Anything else (VLAN tags, other links, fragments, cut or odd headers) gets
//! `None` and goes through [`super::decode`]; for every packet the fast path
//! takes, the result is exactly what the full decoder gives (the tests below
//! check it packet by packet on the bundled samples and the shared captures).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What the store and the flow builder read from one packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary<'a> {
    pub ipv6: bool,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub src_port: u16,
    pub dst_port: u16,
    pub tcp: Option<TcpSummary<'a>>,
}

/// The TCP header fields of a [`Summary`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpSummary<'a> {
    pub seq: u32,
    pub ack: u32,
    pub window: u16,
    /// Segment length on the wire (`tcp.len`).
    pub len: u32,
    /// Header bytes 12 and 13 (data offset, AE, flags).
    pub flag_bytes: [u8; 2],
    /// The option bytes.
    pub options: &'a [u8],
}

const ETHER_HEADER: usize = 14;
const IPV4_MIN_HEADER: usize = 20;
const IPV6_HEADER: usize = 40;
const TCP_MIN_HEADER: usize = 20;
const UDP_HEADER: usize = 8;
const IP_TCP: u8 = 6;
const IP_UDP: u8 = 17;

fn be16(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// The summary of an Ethernet frame, when the fast path can take it.
pub fn ethernet(data: &[u8]) -> Option<Summary<'_>> {
    let ip = data.get(ETHER_HEADER..)?;
    match be16(data, 12)? {
        0x0800 => ipv4(ip),
        0x86dd => ipv6(ip),
        _ => None,
    }
}

fn ipv4(ip: &[u8]) -> Option<Summary<'_>> {
    let first = *ip.first()?;
    let header_len = usize::from(first & 0x0f) * 4;
    if first >> 4 != 4 || header_len < IPV4_MIN_HEADER || ip.len() < header_len {
        return None;
    }
    let total = usize::from(be16(ip, 2)?);
    // Fragments (more fragments, or an offset) and datagrams not captured
    // whole take the full decoder.
    let fragment = be16(ip, 6)? & 0x3fff != 0;
    if total < header_len || total > ip.len() || fragment {
        return None;
    }
    let src = IpAddr::V4(Ipv4Addr::from(be32(ip, 12)?));
    let dst = IpAddr::V4(Ipv4Addr::from(be32(ip, 16)?));
    transport(false, src, dst, *ip.get(9)?, ip.get(header_len..total)?)
}

fn ipv6(ip: &[u8]) -> Option<Summary<'_>> {
    if *ip.first()? >> 4 != 6 {
        return None;
    }
    let payload = usize::from(be16(ip, 4)?);
    // A zero length (jumbograms) takes the full decoder.
    if payload == 0 || IPV6_HEADER + payload > ip.len() {
        return None;
    }
    let addr = |at: usize| -> Option<IpAddr> {
        let octets: [u8; 16] = ip.get(at..at + 16)?.try_into().ok()?;
        Some(IpAddr::V6(Ipv6Addr::from(octets)))
    };
    transport(
        true,
        addr(8)?,
        addr(24)?,
        *ip.get(6)?,
        ip.get(IPV6_HEADER..IPV6_HEADER + payload)?,
    )
}

/// `l4`: the IP payload, exactly as long as the IP header says.
fn transport<'a>(
    ipv6: bool,
    src: IpAddr,
    dst: IpAddr,
    protocol: u8,
    l4: &'a [u8],
) -> Option<Summary<'a>> {
    let (src_port, dst_port) = (be16(l4, 0)?, be16(l4, 2)?);
    let tcp = match protocol {
        IP_TCP => {
            let header_len = usize::from(*l4.get(12)? >> 4) * 4;
            if header_len < TCP_MIN_HEADER || header_len > l4.len() {
                return None;
            }
            Some(TcpSummary {
                seq: be32(l4, 4)?,
                ack: be32(l4, 8)?,
                window: be16(l4, 14)?,
                len: (l4.len() - header_len) as u32,
                flag_bytes: [*l4.get(12)?, *l4.get(13)?],
                options: l4.get(TCP_MIN_HEADER..header_len)?,
            })
        }
        IP_UDP => {
            let len = usize::from(be16(l4, 4)?);
            if !(UDP_HEADER..=l4.len()).contains(&len) {
                return None;
            }
            None
        }
        _ => return None,
    };
    Some(Summary {
        ipv6,
        src,
        dst,
        src_port,
        dst_port,
        tcp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(build: etherparse::PacketBuilderStep<etherparse::IpHeaders>, tcp: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if tcp {
            build
                .tcp(1234, 80, 7, 512)
                .syn()
                .write(&mut out, b"hi")
                .expect("frame");
        } else {
            build.udp(5000, 53).write(&mut out, b"abcd").expect("frame");
        }
        out
    }

    #[test]
    fn whole_tcp_and_udp_are_taken_and_the_rest_is_left_to_the_decoder() {
        let eth = || etherparse::PacketBuilder::ethernet2([2; 6], [4; 6]);
        let v4 = frame(eth().ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64), true);
        let s = ethernet(&v4).expect("IPv4 TCP");
        assert_eq!((s.src_port, s.dst_port, s.ipv6), (1234, 80, false));
        let t = s.tcp.expect("tcp");
        assert_eq!((t.seq, t.len, t.window), (7, 2, 512));
        let v6 = frame(eth().ipv6([1; 16], [2; 16], 64), false);
        let s = ethernet(&v6).expect("IPv6 UDP");
        assert!(s.ipv6 && s.tcp.is_none());
        // Cut short: the full decoder decides.
        assert_eq!(ethernet(&v4[..v4.len() - 1]), None);
        assert_eq!(ethernet(&v4[..40]), None);
        // A fragment.
        let mut frag = v4.clone();
        frag[ETHER_HEADER + 6] = 0x20;
        assert_eq!(ethernet(&frag), None);
        // A VLAN tag.
        let tagged = frame(
            eth()
                .single_vlan(7.try_into().expect("vlan"))
                .ipv4([1; 4], [2; 4], 1),
            true,
        );
        assert_eq!(ethernet(&tagged), None);
        for len in 0..v4.len() {
            let _ = ethernet(&v4[..len]);
        }
    }
}
