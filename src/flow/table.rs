//! The conversations table as both faces show it (`wirelens flows` and the
//! TUI's conversations view): one row per conversation with its client and
//! server, packets and bytes each way, start, duration and handshake RTT, and
//! the orders the table can be sorted in. How each connection ended is
//! worked out separately ([`crate::flow::life`]), once per capture.

use super::{Conversation, Protocol};
use std::net::SocketAddr;

/// The orders of the conversations table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConversationSort {
    /// In order of first packet (`tcp.stream` / `udp.stream` order).
    Start,
    /// Most packets first.
    Packets,
    /// Most bytes first.
    Bytes,
    /// Longest first.
    Duration,
}

impl ConversationSort {
    pub fn name(self) -> &'static str {
        match self {
            ConversationSort::Start => "first packet",
            ConversationSort::Packets => "packets",
            ConversationSort::Bytes => "bytes",
            ConversationSort::Duration => "duration",
        }
    }

    /// The next order, for a key that cycles through them.
    pub fn next(self) -> ConversationSort {
        match self {
            ConversationSort::Start => ConversationSort::Packets,
            ConversationSort::Packets => ConversationSort::Bytes,
            ConversationSort::Bytes => ConversationSort::Duration,
            ConversationSort::Duration => ConversationSort::Start,
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationRow {
    pub protocol: Protocol,
    /// `tcp.stream` or `udp.stream`.
    pub stream: u32,
    pub client: SocketAddr,
    pub server: SocketAddr,
    /// Client to server, server to client.
    pub packets: [u32; 2],
    pub bytes: [u64; 2],
    /// Nanoseconds from the capture's first packet.
    pub start_ns: i64,
    pub duration_ns: i64,
    /// The handshake RTT (`tcp.analysis.initial_rtt`).
    pub rtt_ns: Option<i64>,
}

impl ConversationRow {
    /// The row of `c`; `capture_start` is the capture's first timestamp.
    pub fn of(c: &Conversation, capture_start: Option<i64>) -> ConversationRow {
        let (cd, _) = c.client_direction();
        let (ci, si) = (cd.index(), cd.reverse().index());
        ConversationRow {
            protocol: c.protocol,
            stream: c.stream,
            client: c.client(),
            server: c.server(),
            packets: [c.packets[ci], c.packets[si]],
            bytes: [c.bytes[ci], c.bytes[si]],
            start_ns: c
                .first_ts
                .saturating_sub(capture_start.unwrap_or(c.first_ts)),
            duration_ns: c.duration_ns(),
            rtt_ns: c.tcp.as_ref().and_then(|t| t.initial_rtt_ns),
        }
    }

    pub fn total_packets(&self) -> u64 {
        u64::from(self.packets[0]) + u64::from(self.packets[1])
    }

    pub fn total_bytes(&self) -> u64 {
        self.bytes[0].saturating_add(self.bytes[1])
    }
}

/// The positions (in `conversations`) of the conversations in `sort` order;
/// ties keep the order of first packet.
pub fn order(conversations: &[Conversation], sort: ConversationSort) -> Vec<u32> {
    let mut order: Vec<u32> = (0..conversations.len() as u32).collect();
    let total = |i: &u32| {
        let c = &conversations[*i as usize];
        match sort {
            ConversationSort::Start => 0,
            ConversationSort::Packets => u64::from(c.packets[0]) + u64::from(c.packets[1]),
            ConversationSort::Bytes => c.bytes[0].saturating_add(c.bytes[1]),
            ConversationSort::Duration => c.duration_ns().max(0) as u64,
        }
    };
    if sort != ConversationSort::Start {
        order.sort_by_key(|i| std::cmp::Reverse(total(i)));
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::life::tests::{trace, ACK, SYN};

    #[test]
    fn rows_are_seen_from_the_client_and_orders_put_the_biggest_first() {
        let t = trace(&[
            (true, SYN, 100, 0, b""),
            (false, SYN | ACK, 500, 101, b""),
            (true, ACK, 101, 501, b"GET"),
            (false, ACK, 501, 104, b"a longer answer"),
        ]);
        let convs = t.conversations.all();
        let row = ConversationRow::of(&convs[0], t.store.first_timestamp());
        assert_eq!(row.client.port(), 40000);
        assert_eq!(row.packets, [2, 2]);
        assert_eq!(row.start_ns, 0);
        assert_eq!(row.duration_ns, 30_000_000);
        assert_eq!(row.rtt_ns, Some(20_000_000));
        assert!(row.bytes[1] > row.bytes[0]);
        assert_eq!(order(convs, ConversationSort::Bytes), vec![0]);
        assert_eq!(ConversationSort::Duration.next(), ConversationSort::Start);
    }
}
