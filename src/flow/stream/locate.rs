//! Where a TCP segment's payload is in a packet, found without decoding the
//! packet again: reassembly only needs the sequence number, the flags, the
//! captured payload and the segment's length on the wire.
//!
//! The common frame (Ethernet II, IPv4 without fragmentation or IPv6 without
//! extension headers, the whole IP packet captured) is read straight from
//! its headers; anything else (VLAN tags, tunnels, other link types, cut or
//! odd headers) goes through the full decoder, whose answer the quick path
//! equals (tested on every TCP packet of the sample and shared captures).
//! The load notes the quick path's answer in the packet's entry
//! ([`note`]), so reassembly of a common frame reads the entry alone.

use crate::capture::LinkType;
use crate::store::{PacketEntry, PacketKind, PacketStore};

/// What reassembly reads of one TCP segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Segment<'a> {
    pub seq: u32,
    /// The flags byte (CWR ECE URG ACK PSH RST SYN FIN).
    pub flags: u8,
    /// The captured payload.
    pub payload: &'a [u8],
    /// The payload's length on the wire (`tcp.len`).
    pub wire_len: u32,
}

impl Segment<'_> {
    pub fn syn(&self) -> bool {
        self.flags & 0x02 != 0
    }
    pub fn fin(&self) -> bool {
        self.flags & 0x01 != 0
    }
    pub fn rst(&self) -> bool {
        self.flags & 0x04 != 0
    }
}

const ETHERNET_HEADER: usize = 14;
const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86dd;
const IPPROTO_TCP: u8 = 6;
const TCP_FIXED: usize = 20;
const IPV6_HEADER: usize = 40;

/// Packet `index`'s TCP segment, if it carries one: as the load noted it
/// in the entry, else read from the headers.
pub(crate) fn segment(store: &PacketStore, index: usize) -> Option<Segment<'_>> {
    if let Some(noted) = store.entry(index).and_then(|e| noted(e, store.data(index))) {
        return Some(noted);
    }
    quick(store.link_type(index), store.data(index)).or_else(|| decoded(store, index))
}

/// Notes in `entry` (a TCP packet's, `data` its bytes) where the quick path
/// finds its segment, when it does; the entry is left as it is otherwise.
pub(crate) fn note(entry: &mut PacketEntry, link: LinkType, data: &[u8]) {
    if entry.kind != PacketKind::Tcp {
        return;
    }
    let Some(s) = quick(link, data) else {
        return;
    };
    let at = (s.payload.as_ptr() as usize).wrapping_sub(data.as_ptr() as usize);
    if let (Ok(at @ 1..), Ok(len)) = (u8::try_from(at), u16::try_from(s.payload.len())) {
        if s.wire_len == u32::from(len) && s.flags == entry.tcp_flag_byte {
            entry.tcp_seq = s.seq;
            entry.tcp_payload_len = len;
            entry.tcp_payload_at = at;
        }
    }
}

/// The segment noted in `entry` ([`note`]); `data`: the packet's bytes.
fn noted<'a>(entry: &PacketEntry, data: &'a [u8]) -> Option<Segment<'a>> {
    if entry.tcp_payload_at == 0 {
        return None;
    }
    let at = usize::from(entry.tcp_payload_at);
    Some(Segment {
        seq: entry.tcp_seq,
        flags: entry.tcp_flag_byte,
        payload: data.get(at..at + usize::from(entry.tcp_payload_len))?,
        wire_len: u32::from(entry.tcp_payload_len),
    })
}

/// The segment as the full decoder reads it.
pub(crate) fn decoded(store: &PacketStore, index: usize) -> Option<Segment<'_>> {
    let d = store.decode(index);
    let tcp = d.tcp()?;
    Some(Segment {
        seq: tcp.sequence_number(),
        flags: tcp.flags(),
        payload: d.payload(),
        wire_len: d.tcp_len().unwrap_or(0),
    })
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

/// The common case read from the headers; `None` sends the packet to the
/// full decoder.
fn quick(link: LinkType, data: &[u8]) -> Option<Segment<'_>> {
    if link != LinkType::ETHERNET {
        return None;
    }
    let ip = data.get(ETHERNET_HEADER..)?;
    let tcp = match be16(data, 12)? {
        ETHERTYPE_IPV4 => {
            let first = *ip.first()?;
            let header = usize::from(first & 0x0f) * 4;
            let total = usize::from(be16(ip, 2)?);
            let fragment = be16(ip, 6)?;
            if first >> 4 != 4
                || header < 20
                || *ip.get(9)? != IPPROTO_TCP
                || fragment & 0x3fff != 0
                || total < header + TCP_FIXED
            {
                return None;
            }
            ip.get(header..total)?
        }
        ETHERTYPE_IPV6 => {
            let payload = usize::from(be16(ip, 4)?);
            if *ip.first()? >> 4 != 6 || *ip.get(6)? != IPPROTO_TCP || payload < TCP_FIXED {
                return None;
            }
            ip.get(IPV6_HEADER..IPV6_HEADER + payload)?
        }
        _ => return None,
    };
    let header = usize::from(*tcp.get(12)? >> 4) * 4;
    if header < TCP_FIXED || header > tcp.len() {
        return None;
    }
    Some(Segment {
        seq: u32::from_be_bytes([tcp[4], tcp[5], tcp[6], tcp[7]]),
        flags: tcp[13],
        payload: &tcp[header..],
        wire_len: (tcp.len() - header) as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every TCP packet of the sample captures and of the shared captures
    /// (when present) reads the same by the quick path as by the decoder.
    #[test]
    fn quick_path_equals_the_decoder() {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut files = Vec::new();
        for dir in [
            format!("{root}/sample-captures"),
            format!("{root}/../shared/captures"),
        ] {
            let Ok(read) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in read.flatten() {
                let p = e.path();
                let name = p.to_string_lossy().to_string();
                if name.ends_with(".pcap") || name.ends_with(".pcapng") {
                    files.push(p);
                }
            }
        }
        assert!(!files.is_empty(), "no capture to read");
        let (mut quick_hits, mut noted_hits, mut total) = (0usize, 0usize, 0usize);
        for path in &files {
            let Ok(trace) = crate::trace::Trace::open(path) else {
                continue;
            };
            let store = &trace.store;
            for i in 0..store.len() {
                let slow = decoded(store, i);
                if let Some(q) = quick(store.link_type(i), store.data(i)) {
                    quick_hits += 1;
                    assert_eq!(Some(q), slow, "{} packet {}", path.display(), i + 1);
                }
                total += usize::from(slow.is_some());
                assert_eq!(segment(store, i), slow);
                if let Some(e) = store.entry(i) {
                    noted_hits += usize::from(e.tcp_payload_at != 0);
                    if let Some(n) = noted(e, store.data(i)) {
                        assert_eq!(Some(n), slow, "{} packet {} noted", path.display(), i + 1);
                    }
                }
            }
        }
        // The quick path is the common one, not a path never taken.
        assert!(quick_hits * 2 > total, "{quick_hits} of {total}");
        // The load notes every segment the quick path reads.
        assert_eq!(noted_hits, quick_hits);
    }
}
