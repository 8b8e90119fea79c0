//! ICMP's Info as tshark 4.0 words it in one pass: the type name padded to
//! 20 characters, then the code's meaning (`Destination unreachable (Port
//! unreachable)`) or, for echo, timestamp and the like, `id=0x1234,
//! seq=1/256, ttl=64` (sequence read big- and little-endian), and on an echo
//! reply the request it answers, `(request in N)`, when that request came in
//! the [`MAX_ECHO_LOOKBACK`] packets before it.

use crate::decode::{Network, Transport};
use crate::store::PacketStore;

/// How many packets before an echo reply are searched for its request.
pub const MAX_ECHO_LOOKBACK: usize = 1024;

pub(crate) fn type_name(t: u8) -> &'static str {
    match t {
        0 => "Echo (ping) reply",
        3 => "Destination unreachable",
        4 => "Source quench (flow control)",
        5 => "Redirect",
        8 => "Echo (ping) request",
        9 => "Router advertisement",
        10 => "Router solicitation",
        11 => "Time-to-live exceeded",
        12 => "Parameter problem",
        13 => "Timestamp request",
        14 => "Timestamp reply",
        15 => "Information request",
        16 => "Information reply",
        17 => "Address mask request",
        18 => "Address mask reply",
        42 => "Extended Echo request",
        43 => "Extended Echo reply",
        _ => "Unknown ICMP (obsolete or malformed?)",
    }
}

pub(crate) fn code_name(t: u8, c: u8) -> Option<&'static str> {
    let name = match (t, c) {
        (3, 0) => "Network unreachable",
        (3, 1) => "Host unreachable",
        (3, 2) => "Protocol unreachable",
        (3, 3) => "Port unreachable",
        (3, 4) => "Fragmentation needed",
        (3, 5) => "Source route failed",
        (3, 6) => "Destination network unknown",
        (3, 7) => "Destination host unknown",
        (3, 8) => "Source host isolated",
        (3, 9) => "Network administratively prohibited",
        (3, 10) => "Host administratively prohibited",
        (3, 11) => "Network unreachable for TOS",
        (3, 12) => "Host unreachable for TOS",
        (3, 13) => "Communication administratively filtered",
        (3, 14) => "Host precedence violation",
        (3, 15) => "Precedence cutoff in effect",
        (5, 0) => "Redirect for network",
        (5, 1) => "Redirect for host",
        (5, 2) => "Redirect for TOS and network",
        (5, 3) => "Redirect for TOS and host",
        (11, 0) => "Time to live exceeded in transit",
        (11, 1) => "Fragment reassembly time exceeded",
        (12, 0) => "Pointer indicates the error",
        (12, 1) => "Required option missing",
        (12, 2) => "Bad length",
        (42, 0) | (43, 0) => "No error",
        (43, 1) => "Malformed Query",
        (43, 2) => "No Such Interface",
        (43, 3) => "No Such Table Entry",
        (43, 4) => "Multiple Interfaces Satisfy Query",
        _ => return None,
    };
    Some(name)
}

/// The types whose Info shows identifier and sequence number.
fn has_id_seq(t: u8) -> bool {
    matches!(t, 0 | 8 | 13..=18)
}

/// (type, id, seq, src, dst) of an ICMP message.
type Echo = (u8, u16, u16, [u8; 4], [u8; 4]);

/// The [`Echo`] key of the ICMP message in packet `index`.
fn echo_of(store: &PacketStore, index: usize) -> Option<Echo> {
    let d = store.decode(index);
    let (Transport::Icmpv4(i), Network::Ipv4 { header, .. }) = (&d.transport, &d.network) else {
        return None;
    };
    let b = i.slice();
    let (id, seq) = (
        u16::from_be_bytes([*b.get(4)?, *b.get(5)?]),
        u16::from_be_bytes([*b.get(6)?, *b.get(7)?]),
    );
    Some((i.type_u8(), id, seq, header.source(), header.destination()))
}

/// The 0-based index of the echo request the echo reply in packet `index`
/// answers, among the [`MAX_ECHO_LOOKBACK`] packets before it.
pub(crate) fn request_of(store: &PacketStore, index: usize) -> Option<usize> {
    let (t, rid, rseq, src, dst) = echo_of(store, index)?;
    if t != 0 {
        return None;
    }
    (index.saturating_sub(MAX_ECHO_LOOKBACK)..index)
        .rev()
        .find(|&k| echo_of(store, k) == Some((8, rid, rseq, dst, src)))
}

/// The Info of the ICMP message in packet `index`.
pub fn info(store: &PacketStore, index: usize) -> Option<String> {
    let d = store.decode(index);
    let (Transport::Icmpv4(i), Network::Ipv4 { header, .. }) = (&d.transport, &d.network) else {
        return None;
    };
    let (t, c) = (i.type_u8(), i.code_u8());
    let mut s = format!("{:<20}", type_name(t));
    if has_id_seq(t) {
        let b = i.slice();
        let id = u16::from_be_bytes([*b.get(4)?, *b.get(5)?]);
        let seq = [*b.get(6)?, *b.get(7)?];
        s.push_str(&format!(
            " id=0x{id:04x}, seq={}/{}, ttl={}",
            u16::from_be_bytes(seq),
            u16::from_le_bytes(seq),
            header.ttl()
        ));
        if t == 0 {
            if let Some(k) = request_of(store, index) {
                s.push_str(&format!(" (request in {})", k + 1));
            }
        }
    } else if let Some(code) = code_name(t, c) {
        s = format!("{} ({code})", s);
    } else if matches!(t, 3 | 5 | 11 | 12) {
        s = format!("{} (Unknown code: {c})", s);
    }
    Some(s.trim_end().to_string())
}
