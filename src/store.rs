//! The packet store: one compact, fixed-size [`PacketEntry`] per record, built in
//! one sequential pass, plus the capture bytes they point into.
//!
//! An entry holds what the packet list, the conversation table and summary-only
//! filters need (where the bytes are, lengths, time, interface, TCP flags,
//! conversation and analysis bits). Everything else is decoded on demand from
//! the mapped bytes by packet number. Entries are 48 bytes and the vector grows
//! geometrically, so there is no heap allocation per packet.

use crate::capture::{Capture, Interface, LinkType, Record, RecordKind, NO_TIMESTAMP};
use crate::decode::fast::Summary;
use crate::decode::tcp_flags::TcpFlags;
use crate::decode::{decode, Decoded};

/// "No conversation" / "no next packet".
pub const NONE: u32 = u32::MAX;

/// What the store knows about a packet's layers without decoding it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum PacketKind {
    /// Not decodable at the network layer (unknown link or ether type).
    Other = 0,
    Arp,
    Ipv4,
    Ipv6,
    Tcp,
    Udp,
    Icmp,
    Icmpv6,
    /// A pcapng Custom Block shown as a frame.
    CustomBlock,
}

/// Bits of [`PacketEntry::bits`].
pub mod bits {
    /// The packet travels from the conversation's B side to its A side.
    pub const REVERSE: u8 = 1;
    /// Fewer bytes captured than were on the wire.
    pub const CUT_BY_SNAPLEN: u8 = 2;
    /// A header was cut short.
    pub const HEADER_TRUNCATED: u8 = 4;
    /// An IP fragment.
    pub const FRAGMENT: u8 = 8;
    /// Carried over IPv6.
    pub const IPV6: u8 = 16;
    /// The TCP NS flag.
    pub const TCP_NS: u8 = 32;
}

/// One packet in the store: 48 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacketEntry {
    /// Byte offset of the packet data in the capture.
    pub data_offset: u64,
    /// Nanoseconds since the epoch, or [`NO_TIMESTAMP`].
    pub ts_ns: i64,
    pub cap_len: u32,
    pub orig_len: u32,
    /// Index of the packet's conversation, or [`NONE`].
    pub conversation: u32,
    /// Next packet (0-based) of the same conversation, or [`NONE`].
    pub next_in_conversation: u32,
    pub interface: u16,
    /// TCP analysis flags (see `flow::analysis`).
    pub analysis: u16,
    /// Duplicate-ACK number for `tcp.analysis.duplicate_ack_num`.
    pub dup_ack_num: u16,
    pub kind: PacketKind,
    /// TCP flags byte (CWR ECE URG ACK PSH RST SYN FIN); with
    /// [`bits::TCP_NS`], [`PacketEntry::tcp_flags`].
    pub tcp_flag_byte: u8,
    /// See [`bits`].
    pub bits: u8,
    /// The TCP sequence number, when `tcp_payload_at` is noted.
    pub tcp_seq: u32,
    /// Length of the TCP payload, on the wire and captured, when
    /// `tcp_payload_at` is noted.
    pub tcp_payload_len: u16,
    /// Offset of the TCP payload from the packet's first byte, noted by the
    /// load for the common frame (`flow::stream::locate`'s quick path: the
    /// whole IP packet captured) so that reassembly reads only the entry,
    /// not the capture's headers a cache and TLB miss apart; 0 when not
    /// noted. With `tcp_seq` and `tcp_payload_len`, seven bytes that fill
    /// what was the entry's padding.
    pub tcp_payload_at: u8,
}

impl PacketEntry {
    pub fn has_timestamp(&self) -> bool {
        self.ts_ns != NO_TIMESTAMP
    }
    /// The packet's TCP flags (AE from [`bits::TCP_NS`]; the reserved bits
    /// are not kept in the store).
    pub fn tcp_flags(&self) -> TcpFlags {
        let ae = if self.bits & bits::TCP_NS != 0 {
            TcpFlags::AE
        } else {
            TcpFlags::NONE
        };
        TcpFlags::from_bits(u16::from(self.tcp_flag_byte)) | ae
    }
    pub fn is_reverse(&self) -> bool {
        self.bits & bits::REVERSE != 0
    }
}

/// The packet store: the capture and one entry per record.
pub struct PacketStore {
    capture: Capture,
    entries: Vec<PacketEntry>,
    interfaces: Vec<Interface>,
    first_ts: Option<i64>,
}

impl PacketStore {
    /// Puts together a store from a capture and the entries built for it.
    pub fn from_parts(
        capture: Capture,
        mut entries: Vec<PacketEntry>,
        interfaces: Vec<Interface>,
    ) -> PacketStore {
        // The vector was sized from a guess of the average packet size.
        entries.shrink_to_fit();
        let first_ts = entries.iter().find(|e| e.has_timestamp()).map(|e| e.ts_ns);
        PacketStore {
            capture,
            entries,
            interfaces,
            first_ts,
        }
    }

    pub fn capture(&self) -> &Capture {
        &self.capture
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entries(&self) -> &[PacketEntry] {
        &self.entries
    }

    pub fn entry(&self, index: usize) -> Option<&PacketEntry> {
        self.entries.get(index)
    }

    pub fn interfaces(&self) -> &[Interface] {
        &self.interfaces
    }

    /// Timestamp of the first packet that has one (the zero of `frame.time_relative`).
    pub fn first_timestamp(&self) -> Option<i64> {
        self.first_ts
    }

    /// Bytes of the store's index (not counting the mapped capture).
    pub fn index_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<PacketEntry>()
    }

    /// The captured bytes of packet `index` (0-based).
    pub fn data(&self, index: usize) -> &[u8] {
        let Some(e) = self.entries.get(index) else {
            return &[];
        };
        let start = e.data_offset as usize;
        self.capture
            .bytes()
            .get(start..start + e.cap_len as usize)
            .unwrap_or(&[])
    }

    pub fn link_type(&self, index: usize) -> LinkType {
        self.entries
            .get(index)
            .and_then(|e| self.interfaces.get(usize::from(e.interface)))
            .map(|i| i.link_type)
            .unwrap_or(LinkType(u16::MAX))
    }

    /// Decodes packet `index` (0-based) from the capture bytes.
    pub fn decode(&self, index: usize) -> Decoded<'_> {
        let orig = self.entries.get(index).map(|e| e.orig_len).unwrap_or(0);
        decode(self.link_type(index), self.data(index), orig)
    }

    /// Seconds relative to the first packet, in nanoseconds (`frame.time_relative`).
    pub fn relative_ns(&self, index: usize) -> Option<i64> {
        let e = self.entries.get(index)?;
        if !e.has_timestamp() {
            return None;
        }
        Some(e.ts_ns.saturating_sub(self.first_ts.unwrap_or(e.ts_ns)))
    }
}

/// Builds the summary part of an entry from a record and its decoded layers.
pub(crate) fn entry_from(record: &Record, decoded: Option<&Decoded<'_>>) -> PacketEntry {
    let Record {
        data_offset,
        cap_len,
        orig_len,
        ts_ns,
        interface,
        kind,
    } = *record;
    let mut entry = PacketEntry {
        data_offset,
        ts_ns,
        cap_len,
        orig_len,
        conversation: NONE,
        next_in_conversation: NONE,
        interface: interface.min(u32::from(u16::MAX)) as u16,
        analysis: 0,
        dup_ack_num: 0,
        kind: PacketKind::Other,
        tcp_flag_byte: 0,
        bits: 0,
        tcp_seq: 0,
        tcp_payload_len: 0,
        tcp_payload_at: 0,
    };
    if cap_len < orig_len {
        entry.bits |= bits::CUT_BY_SNAPLEN;
    }
    if let RecordKind::CustomBlock { .. } = kind {
        entry.kind = PacketKind::CustomBlock;
        return entry;
    }
    let Some(d) = decoded else {
        return entry;
    };
    use crate::decode::{Network, Transport};
    if d.header_truncated {
        entry.bits |= bits::HEADER_TRUNCATED;
    }
    entry.kind = match (&d.network, &d.transport) {
        (_, Transport::Tcp(t)) => {
            entry.tcp_flag_byte = t.tcp_flags().low_byte();
            if t.ns() {
                entry.bits |= bits::TCP_NS;
            }
            PacketKind::Tcp
        }
        (_, Transport::Udp(_)) => PacketKind::Udp,
        (_, Transport::Icmpv4(_)) => PacketKind::Icmp,
        (_, Transport::Icmpv6(_)) => PacketKind::Icmpv6,
        (Network::Ipv4 { .. }, _) => PacketKind::Ipv4,
        (Network::Ipv6 { .. }, _) => PacketKind::Ipv6,
        (Network::Arp(_), _) => PacketKind::Arp,
        (Network::None, _) => PacketKind::Other,
    };
    match &d.network {
        Network::Ipv4 { fragment: true, .. } => entry.bits |= bits::FRAGMENT,
        Network::Ipv6 { fragment, .. } => {
            entry.bits |= bits::IPV6;
            if *fragment {
                entry.bits |= bits::FRAGMENT;
            }
        }
        _ => {}
    }
    entry
}

/// [`entry_from`] for a packet the load's fast path read
/// ([`crate::decode::fast`]).
pub(crate) fn entry_from_summary(record: &Record, s: &Summary<'_>) -> PacketEntry {
    let mut entry = PacketEntry {
        data_offset: record.data_offset,
        ts_ns: record.ts_ns,
        cap_len: record.cap_len,
        orig_len: record.orig_len,
        conversation: NONE,
        next_in_conversation: NONE,
        interface: record.interface.min(u32::from(u16::MAX)) as u16,
        analysis: 0,
        dup_ack_num: 0,
        kind: PacketKind::Udp,
        tcp_flag_byte: 0,
        bits: 0,
        tcp_seq: 0,
        tcp_payload_len: 0,
        tcp_payload_at: 0,
    };
    if record.cap_len < record.orig_len {
        entry.bits |= bits::CUT_BY_SNAPLEN;
    }
    if s.ipv6 {
        entry.bits |= bits::IPV6;
    }
    if let Some(t) = &s.tcp {
        entry.kind = PacketKind::Tcp;
        let flags = TcpFlags::from_header(t.flag_bytes[0], t.flag_bytes[1]);
        entry.tcp_flag_byte = flags.low_byte();
        if flags.intersects(TcpFlags::AE) {
            entry.bits |= bits::TCP_NS;
        }
    }
    entry
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_is_48_bytes() {
        assert_eq!(std::mem::size_of::<PacketEntry>(), 48);
    }
}
