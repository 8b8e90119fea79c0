//! ICMPv6's Info as tshark 4.0 words it in one pass: errors with their code
//! (`Destination Unreachable (Port unreachable)`), echo with identifier,
//! sequence and hop limit (a reply names its request, `(request in N)`, when
//! it came in the [`super::icmp::MAX_ECHO_LOOKBACK`] packets before), and
//! neighbour discovery with its target and link-layer address
//! (`Neighbor Advertisement fe80::2 (rtr, sol, ovr) is at 00:06:07:08:09:0b`).

use crate::decode::{Network, Transport};
use crate::store::PacketStore;
use std::net::Ipv6Addr;

pub(crate) fn type_name(t: u8) -> Option<&'static str> {
    Some(match t {
        1 => "Destination Unreachable",
        2 => "Packet Too Big",
        3 => "Time Exceeded",
        4 => "Parameter Problem",
        128 => "Echo (ping) request",
        129 => "Echo (ping) reply",
        130 => "Multicast Listener Query",
        131 => "Multicast Listener Report",
        132 => "Multicast Listener Done",
        133 => "Router Solicitation",
        134 => "Router Advertisement",
        135 => "Neighbor Solicitation",
        136 => "Neighbor Advertisement",
        137 => "Redirect",
        143 => "Multicast Listener Report Message v2",
        _ => return None,
    })
}

pub(crate) fn code_name(t: u8, c: u8) -> Option<&'static str> {
    Some(match (t, c) {
        (1, 0) => "no route to destination",
        (1, 1) => "communication with destination administratively prohibited",
        (1, 2) => "beyond scope of source address",
        (1, 3) => "address unreachable",
        (1, 4) => "Port unreachable",
        (1, 5) => "source address failed ingress/egress policy",
        (1, 6) => "reject route to destination",
        (3, 0) => "hop limit exceeded in transit",
        (3, 1) => "fragment reassembly time exceeded",
        (4, 0) => "erroneous header field encountered",
        (4, 1) => "unrecognized Next Header type encountered",
        (4, 2) => "unrecognized IPv6 option encountered",
        _ => return None,
    })
}

fn mac(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The link-layer address of the first NDP option of `kind` (1: source,
/// 2: target) in `options`.
fn ll_option(mut options: &[u8], kind: u8) -> Option<String> {
    for _ in 0..32 {
        let (t, len) = (*options.first()?, usize::from(*options.get(1)?) * 8);
        if len == 0 {
            return None;
        }
        if t == kind {
            return options.get(2..len.min(8)).map(mac);
        }
        options = options.get(len..)?;
    }
    None
}

fn addr(b: &[u8]) -> Option<Ipv6Addr> {
    let a: [u8; 16] = b.get(..16)?.try_into().ok()?;
    Some(Ipv6Addr::from(a))
}

/// (type, id, seq, src, dst) of an ICMPv6 message.
type Echo = (u8, u16, u16, Ipv6Addr, Ipv6Addr);

fn echo_of(store: &PacketStore, index: usize) -> Option<Echo> {
    let d = store.decode(index);
    let (Transport::Icmpv6(i), Network::Ipv6 { header, .. }) = (&d.transport, &d.network) else {
        return None;
    };
    let b = i.slice();
    Some((
        i.type_u8(),
        u16::from_be_bytes([*b.get(4)?, *b.get(5)?]),
        u16::from_be_bytes([*b.get(6)?, *b.get(7)?]),
        header.source_addr(),
        header.destination_addr(),
    ))
}

/// The 0-based index of the echo request the echo reply in packet `index`
/// answers, among the [`super::icmp::MAX_ECHO_LOOKBACK`] packets before it.
pub(crate) fn request_of(store: &PacketStore, index: usize) -> Option<usize> {
    let (t, rid, rseq, src, dst) = echo_of(store, index)?;
    if t != 129 {
        return None;
    }
    (index.saturating_sub(super::icmp::MAX_ECHO_LOOKBACK)..index)
        .rev()
        .find(|&k| echo_of(store, k) == Some((128, rid, rseq, dst, src)))
}

/// The Info of the ICMPv6 message in packet `index`.
pub fn info(store: &PacketStore, index: usize) -> Option<String> {
    let d = store.decode(index);
    let (Transport::Icmpv6(i), Network::Ipv6 { header, .. }) = (&d.transport, &d.network) else {
        return None;
    };
    let (t, c, b) = (i.type_u8(), i.code_u8(), i.slice());
    let name = type_name(t)?;
    let mut s = name.to_string();
    match t {
        128 | 129 => {
            let id = u16::from_be_bytes([*b.get(4)?, *b.get(5)?]);
            let seq = u16::from_be_bytes([*b.get(6)?, *b.get(7)?]);
            s.push_str(&format!(
                " id=0x{id:04x}, seq={seq}, hop limit={}",
                header.hop_limit()
            ));
            if t == 129 {
                if let Some(k) = request_of(store, index) {
                    s.push_str(&format!(" (request in {})", k + 1));
                }
            }
        }
        133 | 134 => {
            let options = b.get(if t == 133 { 8 } else { 16 }..).unwrap_or_default();
            if let Some(m) = ll_option(options, 1) {
                s.push_str(&format!(" from {m}"));
            }
        }
        135 => {
            s.push_str(&format!(" for {}", addr(b.get(8..)?)?));
            if let Some(m) = ll_option(b.get(24..).unwrap_or_default(), 1) {
                s.push_str(&format!(" from {m}"));
            }
        }
        136 => {
            let flags = *b.get(4)?;
            let names: Vec<&str> = [(0x80, "rtr"), (0x40, "sol"), (0x20, "ovr")]
                .iter()
                .filter(|(bit, _)| flags & bit != 0)
                .map(|(_, n)| *n)
                .collect();
            s.push_str(&format!(" {}", addr(b.get(8..)?)?));
            if !names.is_empty() {
                s.push_str(&format!(" ({})", names.join(", ")));
            }
            if let Some(m) = ll_option(b.get(24..).unwrap_or_default(), 2) {
                s.push_str(&format!(" is at {m}"));
            }
        }
        1 | 3 | 4 => {
            if let Some(code) = code_name(t, c) {
                s.push_str(&format!(" ({code})"));
            }
        }
        _ => {}
    }
    Some(s)
}
