//! The packet an ICMP or ICMPv6 error message quotes (destination
//! unreachable, time exceeded, parameter problem, source quench, redirect,
//! packet too big): its IP header and the ports of its UDP or TCP header,
//! which tshark 4.0 reports as a second occurrence of `ip.src`, `ipv6.dst`,
//! ... and as the only `udp.srcport`/`tcp.srcport` of the packet.

use super::{FieldId, Value};
use crate::decode::{Decoded, Transport};
use etherparse::{Ipv4HeaderSlice, Ipv6HeaderSlice};
use std::net::IpAddr;

/// The quoted IP header.
#[derive(Debug, Clone)]
pub enum QuotedIp<'a> {
    V4(Ipv4HeaderSlice<'a>),
    V6(Ipv6HeaderSlice<'a>),
}

/// What an ICMP error quotes, as far as its bytes go.
#[derive(Debug, Clone)]
pub struct Quoted<'a> {
    pub ip: QuotedIp<'a>,
    /// Offset of the quoted IP header in the ICMP message.
    pub ip_at: usize,
    /// Length of the quoted IP header.
    pub ip_len: usize,
    /// IP protocol number of what follows the quoted IP header.
    pub proto: u8,
    /// Source and destination port of a quoted UDP (17) or TCP (6) header.
    pub ports: Option<(u16, u16)>,
}

/// Offset of the quoted packet in an ICMP/ICMPv6 error message (after type,
/// code, checksum and the 4-byte unused/MTU/pointer/gateway word).
const QUOTE_AT: usize = 8;

fn is_icmpv4_error(t: u8) -> bool {
    matches!(t, 3 | 4 | 5 | 11 | 12)
}

fn is_icmpv6_error(t: u8) -> bool {
    matches!(t, 1..=4)
}

/// The quoted packet of the ICMP error in `d`, if there is one.
pub fn quoted<'a>(d: &Decoded<'a>) -> Option<Quoted<'a>> {
    let msg = match &d.transport {
        Transport::Icmpv4(i) if is_icmpv4_error(i.type_u8()) => i.slice(),
        Transport::Icmpv6(i) if is_icmpv6_error(i.type_u8()) => i.slice(),
        _ => return None,
    };
    parse(msg.get(QUOTE_AT..)?)
}

fn parse(b: &[u8]) -> Option<Quoted<'_>> {
    let (ip, ip_len, proto) = match b.first()? >> 4 {
        4 => {
            let h = Ipv4HeaderSlice::from_slice(b).ok()?;
            let len = usize::from(h.ihl()) * 4;
            let p = h.protocol().0;
            (QuotedIp::V4(h), len, p)
        }
        6 => {
            let h = Ipv6HeaderSlice::from_slice(b).ok()?;
            let p = h.next_header().0;
            (QuotedIp::V6(h), 40, p)
        }
        _ => return None,
    };
    let ports = match proto {
        // A quote cut inside the ports still has its IP header.
        6 | 17 => b.get(ip_len..ip_len + 4).map(|t| {
            (
                u16::from_be_bytes([t[0], t[1]]),
                u16::from_be_bytes([t[2], t[3]]),
            )
        }),
        _ => None,
    };
    Some(Quoted {
        ip,
        ip_at: QUOTE_AT,
        ip_len,
        proto,
        ports,
    })
}

/// The occurrences of `field` in the packet an ICMP error quotes, after the
/// outer ones, as tshark lists them.
pub(super) fn values(d: &Decoded<'_>, field: FieldId, out: &mut Vec<Value<'_>>) {
    use FieldId as F;
    let Some(q) = quoted(d) else {
        return;
    };
    let ports = |proto: u8| q.ports.filter(|_| q.proto == proto);
    match (&q.ip, field) {
        (QuotedIp::V4(h), F::IpSrc) => out.push(Value::Ip(IpAddr::V4(h.source_addr()))),
        (QuotedIp::V4(h), F::IpDst) => out.push(Value::Ip(IpAddr::V4(h.destination_addr()))),
        (QuotedIp::V4(h), F::IpAddr) => {
            out.push(Value::Ip(IpAddr::V4(h.source_addr())));
            out.push(Value::Ip(IpAddr::V4(h.destination_addr())));
        }
        (QuotedIp::V4(h), F::IpProto) => out.push(Value::UInt(u64::from(h.protocol().0))),
        (QuotedIp::V4(h), F::IpTtl) => out.push(Value::UInt(u64::from(h.ttl()))),
        (QuotedIp::V4(h), F::IpLen) => out.push(Value::UInt(u64::from(h.total_len()))),
        (QuotedIp::V4(h), F::IpId) => out.push(Value::Hex(u64::from(h.identification()), 4)),
        (QuotedIp::V6(h), F::Ipv6Src) => out.push(Value::Ip(IpAddr::V6(h.source_addr()))),
        (QuotedIp::V6(h), F::Ipv6Dst) => out.push(Value::Ip(IpAddr::V6(h.destination_addr()))),
        (QuotedIp::V6(h), F::Ipv6Addr) => {
            out.push(Value::Ip(IpAddr::V6(h.source_addr())));
            out.push(Value::Ip(IpAddr::V6(h.destination_addr())));
        }
        (_, F::UdpSrcport) | (_, F::UdpDstport) | (_, F::UdpPort) => {
            if let Some((s, t)) = ports(17) {
                match field {
                    F::UdpSrcport => out.push(Value::UInt(u64::from(s))),
                    F::UdpDstport => out.push(Value::UInt(u64::from(t))),
                    _ => out.extend([Value::UInt(u64::from(s)), Value::UInt(u64::from(t))]),
                }
            }
        }
        (_, F::TcpSrcport) | (_, F::TcpDstport) | (_, F::TcpPort) => {
            if let Some((s, t)) = ports(6) {
                match field {
                    F::TcpSrcport => out.push(Value::UInt(u64::from(s))),
                    F::TcpDstport => out.push(Value::UInt(u64::from(t))),
                    _ => out.extend([Value::UInt(u64::from(s)), Value::UInt(u64::from(t))]),
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ipv4(proto: u8) -> Vec<u8> {
        let mut v = vec![
            0x45, 0, 0, 34, 0xd7, 0xa7, 0x40, 0, 64, proto, 0x65, 0x21, 127, 0, 0, 1, 10, 0, 0, 2,
        ];
        v.extend([0x99, 0x42, 0, 9, 0, 14, 0xfe, 0x21]);
        v
    }

    #[test]
    fn quoted_udp_ports() {
        let v = ipv4(17);
        let q = parse(&v).expect("quoted");
        assert_eq!(q.ports, Some((39234, 9)));
        assert_eq!(q.proto, 17);
        let QuotedIp::V4(h) = q.ip else { panic!("v4") };
        assert_eq!(h.destination(), [10, 0, 0, 2]);
    }

    #[test]
    fn quoted_tcp_ports_and_other_protocols() {
        assert_eq!(parse(&ipv4(6)).expect("tcp").ports, Some((39234, 9)));
        assert_eq!(parse(&ipv4(1)).expect("icmp").ports, None);
    }

    #[test]
    fn short_or_odd_quotes_are_none_or_portless() {
        assert!(parse(&[]).is_none());
        assert!(parse(&[0x45, 0, 0]).is_none());
        assert!(parse(&[0x75; 40]).is_none());
        let v = ipv4(17);
        assert_eq!(parse(&v[..22]).expect("ip only").ports, None);
    }
}
