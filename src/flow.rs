//! Conversations: TCP and UDP packets grouped by address/port pair and numbered
//! as Wireshark numbers `tcp.stream` and `udp.stream`, built in the same pass as
//! the packet store. Each TCP conversation keeps, per direction, the base of its
//! relative sequence numbers, the window scale and the analysis state, plus the
//! packets that mark its life (SYN, SYN/ACK, ACK, FINs, RST).
//!
//! Memory is bounded per conversation (a fixed-size record); the packets of a
//! conversation are chained through the store's `next_in_conversation`, so one
//! stream can be walked without scanning the file.

pub mod analysis;
pub mod builder;
pub mod follow;
pub mod follow_text;
pub mod ladder;
pub mod life;
pub mod lists;
pub mod reassembly;
pub mod seq;
pub mod stream;
pub mod table;

pub use builder::{FlowBuilder, FlowInput};

use crate::decode::tcp_options::SynOptions;
use crate::store::{PacketEntry, PacketStore, NONE};
use seq::Seq;
use std::net::{IpAddr, SocketAddr};

/// Transport protocol of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    Tcp,
    Udp,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
        }
    }
}

/// Direction within a conversation: from A (the first packet's source) to B, or back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    #[default]
    AtoB = 0,
    BtoA = 1,
}

impl Direction {
    pub fn index(self) -> usize {
        self as usize
    }
    /// The direction a store entry travels in its conversation.
    pub fn of(entry: &PacketEntry) -> Direction {
        if entry.is_reverse() {
            Direction::BtoA
        } else {
            Direction::AtoB
        }
    }

    pub fn reverse(self) -> Direction {
        match self {
            Direction::AtoB => Direction::BtoA,
            Direction::BtoA => Direction::AtoB,
        }
    }
}

/// TCP state of one direction of a conversation.
#[derive(Debug, Clone, Copy, Default)]
pub struct TcpDirection {
    /// Raw sequence number that is relative 0 (`tcp.seq` = raw - base).
    pub base_seq: Option<u32>,
    /// The first SYN sent in this direction (0-based packet index), if any.
    pub syn: Option<u32>,
    /// That SYN carried ACK: a SYN/ACK, the server's answer.
    pub syn_ack: bool,
    /// Options offered in that SYN.
    pub syn_options: SynOptions,
    /// The first FIN sent in this direction.
    pub fin: Option<u32>,
    /// The first RST sent in this direction.
    pub rst: Option<u32>,
    /// Window scale shift in effect, once both SYNs agreed on scaling.
    pub window_shift: Option<u8>,
    /// Payload bytes sent (`tcp.len` summed, retransmissions included).
    pub payload_bytes: u64,
}

/// TCP-specific part of a conversation.
#[derive(Debug, Clone, Copy, Default)]
pub struct TcpConversation {
    pub dirs: [TcpDirection; 2],
    /// The ACK completing the handshake.
    pub handshake_ack: Option<u32>,
    /// Handshake round-trip time (SYN to the ACK of the SYN/ACK), in ns.
    pub initial_rtt_ns: Option<i64>,
}

/// One conversation.
#[derive(Debug, Clone)]
pub struct Conversation {
    pub protocol: Protocol,
    /// `tcp.stream` or `udp.stream`.
    pub stream: u32,
    /// The first packet's source and destination.
    pub a: SocketAddr,
    pub b: SocketAddr,
    pub first_packet: u32,
    pub last_packet: u32,
    pub first_ts: i64,
    pub last_ts: i64,
    /// Frames and frame bytes per [`Direction`].
    pub packets: [u32; 2],
    pub bytes: [u64; 2],
    pub tcp: Option<Box<TcpConversation>>,
}

impl Conversation {
    /// The direction of a packet from `src`.
    pub fn direction_from(&self, src: SocketAddr) -> Direction {
        if src == self.a {
            Direction::AtoB
        } else {
            Direction::BtoA
        }
    }

    /// Which side is the client: the sender of the first SYN, else the receiver
    /// of the first SYN/ACK (a capture that starts at the SYN/ACK), else
    /// (capture started mid-connection) side A, the first packet's source, as
    /// Wireshark picks it. The flag says the choice is that last guess.
    pub fn client_direction(&self) -> (Direction, bool) {
        let Some(tcp) = &self.tcp else {
            return (Direction::AtoB, true);
        };
        let [a, b] = &tcp.dirs;
        let pure_syn = |d: &TcpDirection| d.syn.filter(|_| !d.syn_ack);
        let syn_ack = |d: &TcpDirection| d.syn.filter(|_| d.syn_ack);
        match (pure_syn(a), pure_syn(b)) {
            (Some(x), Some(y)) if y < x => (Direction::BtoA, false),
            (Some(_), _) => (Direction::AtoB, false),
            (None, Some(_)) => (Direction::BtoA, false),
            (None, None) => match (syn_ack(a), syn_ack(b)) {
                (Some(x), Some(y)) if y < x => (Direction::AtoB, false),
                (Some(_), _) => (Direction::BtoA, false),
                (None, Some(_)) => (Direction::AtoB, false),
                (None, None) => (Direction::AtoB, true),
            },
        }
    }

    pub fn client(&self) -> SocketAddr {
        match self.client_direction().0 {
            Direction::AtoB => self.a,
            Direction::BtoA => self.b,
        }
    }

    pub fn server(&self) -> SocketAddr {
        match self.client_direction().0 {
            Direction::AtoB => self.b,
            Direction::BtoA => self.a,
        }
    }

    pub fn duration_ns(&self) -> i64 {
        self.last_ts.saturating_sub(self.first_ts)
    }

    /// The packets of this conversation, in capture order (0-based indices).
    pub fn packets<'s>(&self, store: &'s PacketStore) -> ConversationPackets<'s> {
        ConversationPackets {
            store,
            next: self.first_packet,
        }
    }
}

/// Iterator over a conversation's packet indices.
pub struct ConversationPackets<'s> {
    store: &'s PacketStore,
    next: u32,
}

impl Iterator for ConversationPackets<'_> {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        if self.next == NONE {
            return None;
        }
        let current = self.next as usize;
        self.next = self
            .store
            .entry(current)
            .map(|e| e.next_in_conversation)
            .unwrap_or(NONE);
        Some(current)
    }
}

/// Every conversation of a capture.
#[derive(Debug, Clone, Default)]
pub struct Conversations {
    list: Vec<Conversation>,
    tcp_ids: Vec<u32>,
    udp_ids: Vec<u32>,
    /// (duplicate ACK packet, the packet it duplicates), in packet order.
    dup_acks: Vec<(u32, u32)>,
    /// The sequence numbers and length of every TCP segment from its
    /// conversation's first FIN on (RSTs left out), in packet order: what
    /// [`life::lives`] reads to tell how each connection ended, instead of
    /// decoding those packets again from the capture.
    closing: Vec<ClosingSegment>,
}

/// One segment of [`Conversations`]' closing list: the header fields a
/// connection's teardown is worked out from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClosingSegment {
    /// 0-based packet index.
    pub packet: u32,
    /// Raw `tcp.seq` and `tcp.ack`.
    pub seq: u32,
    pub ack: u32,
    /// `tcp.len`.
    pub len: u32,
}

impl Conversations {
    pub fn all(&self) -> &[Conversation] {
        &self.list
    }

    pub fn get(&self, index: u32) -> Option<&Conversation> {
        self.list.get(index as usize)
    }

    /// The conversation with `tcp.stream == n`.
    pub fn tcp_stream(&self, n: u32) -> Option<&Conversation> {
        self.tcp_ids.get(n as usize).and_then(|&i| self.get(i))
    }

    /// The conversation with `udp.stream == n`.
    pub fn udp_stream(&self, n: u32) -> Option<&Conversation> {
        self.udp_ids.get(n as usize).and_then(|&i| self.get(i))
    }

    pub fn tcp_count(&self) -> usize {
        self.tcp_ids.len()
    }

    pub fn udp_count(&self) -> usize {
        self.udp_ids.len()
    }

    /// The conversation of packet `index`, with the packet's direction.
    pub fn of_packet(
        &self,
        store: &PacketStore,
        index: usize,
    ) -> Option<(&Conversation, Direction)> {
        let e = store.entry(index)?;
        let c = self.get(e.conversation)?;
        let dir = Direction::of(e);
        Some((c, dir))
    }

    /// Relative (`tcp.seq`, `tcp.ack`) of a segment's raw numbers in a
    /// direction; the ACK is 0 when the ACK flag is not set, as in Wireshark.
    pub fn relative(
        &self,
        conv: &Conversation,
        dir: Direction,
        seq: u32,
        ack: u32,
        ack_flag: bool,
    ) -> (u32, u32) {
        let Some(tcp) = &conv.tcp else {
            return (seq, ack);
        };
        let base = tcp.dirs[dir.index()].base_seq.unwrap_or(seq);
        let rev = tcp.dirs[dir.reverse().index()].base_seq.unwrap_or(ack);
        let ack = if ack_flag {
            Seq(ack).offset_from(Seq(rev))
        } else {
            0
        };
        (Seq(seq).offset_from(Seq(base)), ack)
    }

    /// A segment's window after scaling (`tcp.window_size`): SYNs are never
    /// scaled, and a direction scales by the shift its SYN offered.
    pub fn scaled_window(&self, store: &PacketStore, index: usize, raw: u16) -> u32 {
        let Some(entry) = store.entry(index) else {
            return u32::from(raw);
        };
        if entry.tcp_flags().syn() {
            return u32::from(raw);
        }
        let shift = self
            .of_packet(store, index)
            .and_then(|(c, dir)| c.tcp.as_ref().map(|t| t.dirs[dir.index()].window_shift))
            .flatten();
        match shift {
            Some(s) => u32::from(raw) << s,
            None => u32::from(raw),
        }
    }

    /// For a duplicate ACK (0-based packet index), the packet it duplicates
    /// (`tcp.analysis.duplicate_ack_frame`, 0-based).
    pub fn duplicate_ack_of(&self, packet: u32) -> Option<u32> {
        let i = self
            .dup_acks
            .binary_search_by_key(&packet, |&(p, _)| p)
            .ok()?;
        self.dup_acks.get(i).map(|&(_, of)| of)
    }

    /// Heap bytes held by the conversation table (records, TCP state, ids).
    pub fn heap_bytes(&self) -> usize {
        let tcp = self.list.iter().filter(|c| c.tcp.is_some()).count();
        self.list.capacity() * std::mem::size_of::<Conversation>()
            + tcp * std::mem::size_of::<TcpConversation>()
            + (self.tcp_ids.capacity() + self.udp_ids.capacity()) * 4
            + self.dup_acks.capacity() * 8
            + self.closing.capacity() * std::mem::size_of::<ClosingSegment>()
    }

    /// The segments from each TCP conversation's first FIN on, in packet
    /// order (see [`ClosingSegment`]).
    pub fn closing_segments(&self) -> &[ClosingSegment] {
        &self.closing
    }

    /// Gives back the vectors' spare capacity (once the load is done).
    fn shrink_to_fit(&mut self) {
        self.list.shrink_to_fit();
        self.tcp_ids.shrink_to_fit();
        self.udp_ids.shrink_to_fit();
        self.dup_acks.shrink_to_fit();
        self.closing.shrink_to_fit();
    }

    fn push(&mut self, conv: Conversation) -> u32 {
        let id = self.list.len() as u32;
        match conv.protocol {
            Protocol::Tcp => self.tcp_ids.push(id),
            Protocol::Udp => self.udp_ids.push(id),
        }
        self.list.push(conv);
        id
    }

    fn get_mut(&mut self, index: u32) -> Option<&mut Conversation> {
        self.list.get_mut(index as usize)
    }
}

/// An endpoint pair in canonical order, the key of the conversation map:
/// both addresses as 128-bit numbers (IPv4 in the low 32 bits, told apart by
/// [`ConversationKey::tag`]), so that hashing and comparing it are a few word
/// operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ConversationKey {
    low_ip: u128,
    high_ip: u128,
    /// The low endpoint's port in the high 16 bits, the high one's below.
    ports: u32,
    /// Bit 0: UDP; bits 1 and 3: the low and the high address are IPv6.
    tag: u8,
}

impl ConversationKey {
    pub(crate) fn new(protocol: Protocol, src: SocketAddr, dst: SocketAddr) -> ConversationKey {
        let num = |ip: IpAddr| match ip {
            IpAddr::V4(v4) => (u128::from(u32::from(v4)), 0u8),
            IpAddr::V6(v6) => (u128::from(v6), 2u8),
        };
        let ((s_ip, s_v6), (d_ip, d_v6)) = (num(src.ip()), num(dst.ip()));
        let s = (s_v6, s_ip, src.port());
        let d = (d_v6, d_ip, dst.port());
        let (low, high) = if s <= d { (s, d) } else { (d, s) };
        ConversationKey {
            low_ip: low.1,
            high_ip: high.1,
            ports: (u32::from(low.2) << 16) | u32::from(high.2),
            tag: (protocol == Protocol::Udp) as u8 | low.0 | (high.0 << 2),
        }
    }
}

impl std::hash::Hash for ConversationKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.low_ip as u64);
        state.write_u64((self.low_ip >> 64) as u64);
        state.write_u64(self.high_ip as u64);
        state.write_u64((self.high_ip >> 64) as u64);
        state.write_u64((u64::from(self.ports) << 8) | u64::from(self.tag));
    }
}

#[cfg(test)]
mod key_tests {
    use super::*;

    #[test]
    fn a_key_is_the_same_both_ways_and_tells_families_and_protocols_apart() {
        let a: SocketAddr = "10.0.0.1:1234".parse().expect("addr");
        let b: SocketAddr = "10.0.0.2:80".parse().expect("addr");
        let k = ConversationKey::new(Protocol::Tcp, a, b);
        assert_eq!(k, ConversationKey::new(Protocol::Tcp, b, a));
        assert_ne!(k, ConversationKey::new(Protocol::Udp, a, b));
        let a6: SocketAddr = "[::a00:1]:1234".parse().expect("addr");
        let b6: SocketAddr = "[::a00:2]:80".parse().expect("addr");
        assert_ne!(k, ConversationKey::new(Protocol::Tcp, a6, b6));
        let c: SocketAddr = "10.0.0.1:80".parse().expect("addr");
        let d: SocketAddr = "10.0.0.2:1234".parse().expect("addr");
        assert_ne!(k, ConversationKey::new(Protocol::Tcp, c, d));
    }
}
