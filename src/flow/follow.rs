//! Follow TCP Stream: both directions of one conversation reassembled and
//! interleaved in the order their bytes were delivered, as Wireshark's
//! "Follow TCP Stream" shows them. Walks only the conversation's own packets
//! (chained in the store), and borrows every byte from the capture.

use super::reassembly::{GapReason, Piece, Reassembler};
use super::seq::Seq;
use super::{Conversation, Direction};
use crate::store::PacketKind;
use crate::store::PacketStore;
use std::net::SocketAddr;

/// Which end of the connection sent a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Client,
    Server,
}

impl Side {
    pub fn index(self) -> usize {
        match self {
            Side::Client => 0,
            Side::Server => 1,
        }
    }
    pub fn other(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }
    /// The side that sends packets travelling in `dir` of `conv`.
    pub fn of(conv: &Conversation, dir: Direction) -> Side {
        if dir == conv.client_direction().0 {
            Side::Client
        } else {
            Side::Server
        }
    }
}

/// One delivered piece of one direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk<'a> {
    pub side: Side,
    pub piece: Piece<'a>,
}

/// What one direction delivered in total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DirectionTotals {
    /// Bytes present in the capture and delivered.
    pub bytes: u64,
    /// Bytes missing: never captured.
    pub missing_bytes: u64,
    /// Bytes sent but cut by the snaplen.
    pub cut_bytes: u64,
    /// Bytes dropped by the out-of-order bound.
    pub dropped_bytes: u64,
    /// Number of gap pieces.
    pub gaps: u32,
}

impl DirectionTotals {
    fn add(&mut self, piece: &Piece<'_>) {
        match *piece {
            Piece::Data { bytes, .. } => self.bytes += bytes.len() as u64,
            Piece::Gap { len, reason, .. } => {
                self.gaps += 1;
                match reason {
                    GapReason::NotCaptured => self.missing_bytes += len,
                    GapReason::CutBySnaplen => self.cut_bytes += len,
                    GapReason::BufferLimit => self.dropped_bytes += len,
                }
            }
        }
    }
}

/// Both directions of a TCP conversation, in order of delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowedStream<'a> {
    pub client: SocketAddr,
    pub server: SocketAddr,
    pub chunks: Vec<Chunk<'a>>,
    /// Indexed by [`Side::index`].
    pub totals: [DirectionTotals; 2],
    /// Reassembly bounds reached (out-of-order data held), if any.
    pub limits: Vec<crate::limits::LimitHit>,
}

impl<'a> FollowedStream<'a> {
    pub fn totals(&self, side: Side) -> &DirectionTotals {
        &self.totals[side.index()]
    }

    /// The chunks of one side only.
    pub fn side(&self, side: Side) -> impl Iterator<Item = &Chunk<'a>> + '_ {
        self.chunks.iter().filter(move |c| c.side == side)
    }
}

/// Reassembles both directions of `conv` (a TCP conversation of `trace`).
/// A UDP conversation yields its datagrams' payloads in capture order.
pub fn follow<'s>(store: &'s PacketStore, conv: &Conversation) -> FollowedStream<'s> {
    let mut chunks: Vec<Chunk<'s>> = Vec::new();
    let mut reassemblers = [Reassembler::default(), Reassembler::default()];
    let mut udp_offsets = [0u64; 2];
    for index in conv.packets(store) {
        let Some(entry) = store.entry(index) else {
            continue;
        };
        let dir = Direction::of(entry);
        let side = Side::of(conv, dir);
        let decoded = store.decode(index);
        let payload = decoded.payload();
        if entry.kind == PacketKind::Udp {
            if !payload.is_empty() {
                let offset = &mut udp_offsets[side.index()];
                chunks.push(Chunk {
                    side,
                    piece: Piece::Data {
                        packet: index as u32,
                        offset: *offset,
                        bytes: payload,
                    },
                });
                *offset += payload.len() as u64;
            }
            continue;
        }
        let Some(tcp) = decoded.tcp() else {
            continue;
        };
        let wire_len = decoded.tcp_len().unwrap_or(0);
        let syn = entry.tcp_flags().syn();
        reassemblers[side.index()].push(
            index as u32,
            Seq(tcp.sequence_number()),
            syn,
            payload,
            wire_len,
            &mut |piece| chunks.push(Chunk { side, piece }),
        );
    }
    let mut limits = Vec::new();
    for side in [Side::Client, Side::Server] {
        reassemblers[side.index()].finish(&mut |piece| chunks.push(Chunk { side, piece }));
        limits.extend(reassemblers[side.index()].limit_hit);
    }
    let mut totals = [DirectionTotals::default(); 2];
    for c in &chunks {
        totals[c.side.index()].add(&c.piece);
    }
    FollowedStream {
        client: conv.client(),
        server: conv.server(),
        chunks,
        totals,
        limits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::life::tests::{trace, ACK, SYN};

    #[test]
    fn both_directions_in_delivery_order_with_gap() {
        let t = trace(&[
            (true, SYN, 100, 0, b""),
            (false, SYN | ACK, 500, 101, b""),
            (true, ACK, 101, 501, b""),
            // "world" arrives before "hello ": held until the hole fills.
            (true, ACK, 107, 501, b"world"),
            (true, ACK, 101, 501, b"hello "),
            (false, ACK, 501, 112, b"ok"),
            // server bytes 2..4 never captured
            (false, ACK, 505, 112, b"!"),
        ]);
        let conv = t.conversations.tcp_stream(0).expect("stream");
        let f = follow(&t.store, conv);
        let summary: Vec<(Side, Option<&[u8]>, u64)> = f
            .chunks
            .iter()
            .map(|c| match c.piece {
                Piece::Data { bytes, .. } => (c.side, Some(bytes), bytes.len() as u64),
                Piece::Gap { len, .. } => (c.side, None, len),
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (Side::Client, Some(&b"hello "[..]), 6),
                (Side::Client, Some(&b"world"[..]), 5),
                (Side::Server, Some(&b"ok"[..]), 2),
                (Side::Server, None, 2),
                (Side::Server, Some(&b"!"[..]), 1),
            ]
        );
        assert_eq!(f.totals(Side::Client).bytes, 11);
        assert_eq!(f.totals(Side::Server).missing_bytes, 2);
        assert_eq!(f.totals(Side::Server).gaps, 1);
        assert_eq!(f.client.to_string(), "10.0.0.1:40000");
    }
}
