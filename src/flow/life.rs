//! The life of a TCP connection as data: how it opened (the handshake, its
//! timing and the options each side offered), what went wrong on the way in
//! (retransmitted SYN, refusal, capture started mid-connection) and how it
//! ended (four-way, three-way, simultaneous or half close, reset, or still
//! open), computed from one walk over the conversation's packets.

use super::follow::Side;
use super::seq::Seq;
use super::{ClosingSegment, Conversation, Conversations, Direction};
use crate::decode::tcp_options::SynOptions;
use crate::store::PacketStore;

/// A packet that marks a step: 0-based index and capture time (ns since epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub packet: u32,
    pub ts_ns: i64,
}

/// The three-way handshake, as far as the capture shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Handshake {
    pub syn: Option<Step>,
    pub syn_ack: Option<Step>,
    pub ack: Option<Step>,
    /// SYN to the ACK of the SYN/ACK.
    pub initial_rtt_ns: Option<i64>,
    pub client_options: SynOptions,
    pub server_options: SynOptions,
}

/// Something unusual about the connection's opening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anomaly {
    /// The client sent `count` SYNs (more than one).
    SynRetransmitted { count: u32 },
    /// The SYN was answered by a reset.
    Refused { rst: Step },
    /// No SYN in the capture: it started mid-connection.
    NoSynSeen,
}

/// How the connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Teardown {
    /// FIN, ACK, FIN, ACK.
    FourWay {
        first_fin: Step,
        second_fin: Step,
        last_ack: Option<Step>,
    },
    /// FIN, FIN/ACK, ACK: the second FIN carries the ACK of the first.
    ThreeWay {
        first_fin: Step,
        second_fin: Step,
        last_ack: Option<Step>,
    },
    /// Both sides sent FIN before seeing the other's.
    Simultaneous { first_fin: Step, second_fin: Step },
    /// The side that did not close first kept sending data after the first FIN.
    HalfClose {
        first_fin: Step,
        data_after: Step,
        second_fin: Option<Step>,
    },
    /// Ended by a reset.
    Reset { by: Side, at: Step },
    /// No reset and not both FINs by the end of the capture.
    StillOpen { first_fin: Option<Step> },
}

impl Teardown {
    pub fn name(&self) -> &'static str {
        match self {
            Teardown::FourWay { .. } => "four-way close",
            Teardown::ThreeWay { .. } => "three-way close",
            Teardown::Simultaneous { .. } => "simultaneous close",
            Teardown::HalfClose { .. } => "half close",
            Teardown::Reset { .. } => "reset",
            Teardown::StillOpen { .. } => "still open",
        }
    }
}

/// The whole summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Life {
    pub handshake: Handshake,
    pub anomalies: Vec<Anomaly>,
    pub teardown: Teardown,
    /// Who sent the first FIN (or the RST when there was no FIN).
    pub closed_first_by: Option<Side>,
}

impl Life {
    /// A short description of the end, e.g. `four-way close (client first)`,
    /// `reset by server` or `refused (SYN answered by RST)`, followed by the
    /// opening's anomalies (`; no SYN seen`, `; SYN sent 3 times`).
    pub fn ending(&self) -> String {
        let refused = self
            .anomalies
            .iter()
            .any(|a| matches!(a, Anomaly::Refused { .. }));
        let mut s = match (&self.teardown, self.closed_first_by) {
            _ if refused => "refused (SYN answered by RST)".to_string(),
            (Teardown::Reset { by, .. }, _) => format!("reset by {}", by.name()),
            (Teardown::StillOpen { first_fin: None }, _) => "still open".into(),
            (t, Some(s)) => format!("{} ({} first)", t.name(), s.name()),
            (t, None) => t.name().into(),
        };
        for a in &self.anomalies {
            match a {
                Anomaly::NoSynSeen => s.push_str("; no SYN seen (capture started mid-connection)"),
                Anomaly::SynRetransmitted { count } => {
                    s.push_str(&format!("; SYN sent {count} times"))
                }
                Anomaly::Refused { .. } => {}
            }
        }
        s
    }
}

#[derive(Debug, Clone, Copy)]
struct Fin {
    step: Step,
    /// Raw sequence number just past the FIN.
    end: Seq,
    /// The FIN segment acknowledged the other side's FIN.
    acks_other_fin: bool,
}

/// Summarises a TCP conversation; `None` for UDP.
pub fn life(store: &PacketStore, conv: &Conversation) -> Option<Life> {
    let mut walk = Walk::new(conv)?;
    for index in conv.packets(store) {
        walk.step(store, index, None);
    }
    Some(walk.finish())
}

/// [`life`] of every conversation (`None` for UDP), in one pass over the
/// store in packet order: a conversation's packets are the same, in the same
/// order, as its chain gives them, but reading the store front to back costs
/// far less than hopping along millions of chains. The segments after each
/// first FIN are read from the conversations' closing list rather than
/// decoded again, so the capture's bytes are not touched.
pub fn lives(store: &PacketStore, conversations: &Conversations) -> Vec<Option<Life>> {
    let mut walks: Vec<Option<Walk<'_>>> = conversations.all().iter().map(Walk::new).collect();
    let mut closing = conversations.closing_segments().iter().peekable();
    for (index, e) in store.entries().iter().enumerate() {
        if let Some(Some(walk)) = walks.get_mut(e.conversation as usize) {
            while closing.next_if(|c| (c.packet as usize) < index).is_some() {}
            let known = closing.next_if(|c| c.packet as usize == index);
            walk.step(store, index, known);
        }
    }
    walks.into_iter().map(|w| w.map(Walk::finish)).collect()
}

/// The state of one conversation's walk, packet by packet.
struct Walk<'c> {
    tcp: &'c super::TcpConversation,
    client_dir: Direction,
    hs: Handshake,
    syns: u32,
    refused: Option<Step>,
    fins: [Option<Fin>; 2],
    first_fin_side: Option<Side>,
    fin_acked_separately: bool,
    data_after: Option<Step>,
    last_ack: Option<Step>,
    rst: Option<(Side, Step)>,
    closed_before_rst: bool,
}

impl<'c> Walk<'c> {
    fn new(conv: &'c Conversation) -> Option<Walk<'c>> {
        let tcp = conv.tcp.as_deref()?;
        let (client_dir, _) = conv.client_direction();
        Some(Walk {
            tcp,
            client_dir,
            hs: Handshake {
                client_options: tcp.dirs[client_dir.index()].syn_options,
                server_options: tcp.dirs[client_dir.reverse().index()].syn_options,
                initial_rtt_ns: tcp.initial_rtt_ns,
                ..Handshake::default()
            },
            syns: 0,
            refused: None,
            fins: [None, None],
            first_fin_side: None,
            fin_acked_separately: false,
            data_after: None,
            last_ack: None,
            rst: None,
            closed_before_rst: false,
        })
    }

    /// Takes packet `index` of the conversation into account; `known`: its
    /// closing segment when the builder kept it (else it is decoded).
    fn step(&mut self, store: &PacketStore, index: usize, known: Option<&ClosingSegment>) {
        let Some(e) = store.entry(index) else {
            return;
        };
        let tcp = self.tcp;
        let dir = Direction::of(e);
        let side = if dir == self.client_dir {
            Side::Client
        } else {
            Side::Server
        };
        let step = Step {
            packet: index as u32,
            ts_ns: e.ts_ns,
        };
        let flags = e.tcp_flags();
        let Walk {
            hs,
            syns,
            refused,
            fins,
            first_fin_side,
            fin_acked_separately,
            data_after,
            last_ack,
            rst,
            closed_before_rst,
            ..
        } = self;
        if flags.syn() {
            match side {
                Side::Client if !flags.ack() => {
                    *syns += 1;
                    hs.syn.get_or_insert(step);
                }
                Side::Server if flags.ack() => {
                    hs.syn_ack.get_or_insert(step);
                }
                _ => {}
            }
        }
        if tcp.handshake_ack == Some(index as u32) {
            hs.ack = Some(step);
        }
        if flags.rst() {
            if side == Side::Server && hs.syn.is_some() && hs.syn_ack.is_none() {
                refused.get_or_insert(step);
            }
            if rst.is_none() {
                *rst = Some((side, step));
                *closed_before_rst = fins.iter().all(|f| f.is_some());
            }
            return;
        }
        // Until the first FIN only the flags (in the store) matter: the
        // segment is decoded for sequence numbers and length after that.
        if first_fin_side.is_none() && !flags.fin() {
            return;
        }
        let (seq, ack, len) = match known {
            Some(c) => (c.seq, c.ack, c.len),
            None => {
                let decoded = store.decode(index);
                let Some(t) = decoded.tcp() else {
                    return;
                };
                (
                    t.sequence_number(),
                    t.acknowledgment_number(),
                    decoded.tcp_len().unwrap_or(0),
                )
            }
        };
        let other = side.other();
        // Data or FIN from the side that did not close first, after the first FIN.
        if let (Some(first), true) = (*first_fin_side, len > 0) {
            if side != first && data_after.is_none() && fins[side.index()].is_none() {
                *data_after = Some(step);
            }
        }
        if flags.ack() {
            if let Some(of) = fins[other.index()] {
                let acks_fin = Seq(ack) >= of.end;
                if acks_fin {
                    if !flags.fin() && fins[side.index()].is_none() && len == 0 {
                        *fin_acked_separately = true;
                    }
                    if fins[side.index()].is_some() {
                        last_ack.get_or_insert(step);
                    }
                }
            }
        }
        if flags.fin() && fins[side.index()].is_none() {
            let acks_other_fin =
                flags.ack() && fins[other.index()].is_some_and(|of| Seq(ack) >= of.end);
            fins[side.index()] = Some(Fin {
                step,
                end: Seq(seq) + len + 1,
                acks_other_fin,
            });
            first_fin_side.get_or_insert(side);
        }
    }

    fn finish(self) -> Life {
        let Walk {
            tcp,
            hs,
            syns,
            refused,
            fins,
            first_fin_side,
            fin_acked_separately,
            data_after,
            last_ack,
            rst,
            closed_before_rst,
            ..
        } = self;
        let mut anomalies = Vec::new();
        if syns > 1 {
            anomalies.push(Anomaly::SynRetransmitted { count: syns });
        }
        if let Some(rst) = refused {
            anomalies.push(Anomaly::Refused { rst });
        }
        if tcp.dirs[0].syn.is_none() && tcp.dirs[1].syn.is_none() {
            anomalies.push(Anomaly::NoSynSeen);
        }
        let first = first_fin_side.and_then(|s| fins[s.index()].map(|f| (s, f)));
        let second = first_fin_side.and_then(|s| fins[s.other().index()]);
        let teardown = match (rst, first, second) {
            (Some((by, at)), _, _) if !closed_before_rst => Teardown::Reset { by, at },
            (_, Some((_, f1)), second) if data_after.is_some() => Teardown::HalfClose {
                first_fin: f1.step,
                data_after: data_after.unwrap_or(f1.step),
                second_fin: second.map(|f| f.step),
            },
            (_, Some((_, f1)), Some(f2)) => {
                if !f2.acks_other_fin {
                    Teardown::Simultaneous {
                        first_fin: f1.step,
                        second_fin: f2.step,
                    }
                } else if fin_acked_separately {
                    Teardown::FourWay {
                        first_fin: f1.step,
                        second_fin: f2.step,
                        last_ack,
                    }
                } else {
                    Teardown::ThreeWay {
                        first_fin: f1.step,
                        second_fin: f2.step,
                        last_ack,
                    }
                }
            }
            (_, f1, _) => Teardown::StillOpen {
                first_fin: f1.map(|(_, f)| f.step),
            },
        };
        let closed_first_by = first_fin_side.or(rst.map(|(s, _)| s));
        Life {
            handshake: hs,
            anomalies,
            teardown,
            closed_first_by,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::capture::{Capture, CaptureBytes};
    use crate::decode::tcp_flags::TcpFlags;
    use crate::trace::Trace;
    use etherparse::PacketBuilder;

    pub(crate) const FIN: u8 = TcpFlags::FIN.low_byte();
    pub(crate) const SYN: u8 = TcpFlags::SYN.low_byte();
    pub(crate) const RST: u8 = TcpFlags::RST.low_byte();
    pub(crate) const ACK: u8 = TcpFlags::ACK.low_byte();

    /// One synthetic segment: from the client?, flags (FIN SYN RST ACK bits),
    /// raw seq, raw ack, payload.
    pub(crate) type Seg<'a> = (bool, u8, u32, u32, &'a [u8]);

    /// A classic pcap of the segments, 10 ms apart, client 10.0.0.1:40000,
    /// server 10.0.0.2:80, with SYN options MSS/SACK_PERM/TS/WS on SYNs.
    pub(crate) fn pcap(segs: &[Seg<'_>]) -> Vec<u8> {
        let mut out = Vec::new();
        for v in [0xa1b2_c3d4u32, 0x0004_0002, 0, 0, 262_144, 1] {
            match v {
                0x0004_0002 => {
                    out.extend_from_slice(&2u16.to_le_bytes());
                    out.extend_from_slice(&4u16.to_le_bytes());
                }
                _ => out.extend_from_slice(&v.to_le_bytes()),
            }
        }
        for (i, &(from_client, flags, seq, ack, payload)) in segs.iter().enumerate() {
            let (sa, da, sp, dp) = if from_client {
                ([10, 0, 0, 1], [10, 0, 0, 2], 40000, 80)
            } else {
                ([10, 0, 0, 2], [10, 0, 0, 1], 80, 40000)
            };
            let mut b = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
                .ipv4(sa, da, 64)
                .tcp(sp, dp, seq, 1000);
            if flags & SYN != 0 {
                b = b.syn();
            }
            if flags & FIN != 0 {
                b = b.fin();
            }
            if flags & RST != 0 {
                b = b.rst();
            }
            if flags & ACK != 0 {
                b = b.ack(ack);
            }
            if flags & SYN != 0 {
                use etherparse::TcpOptionElement as O;
                b = b
                    .options(&[
                        O::MaximumSegmentSize(1460),
                        O::SelectiveAcknowledgementPermitted,
                        O::Timestamp(1, 0),
                        O::Noop,
                        O::WindowScale(7),
                    ])
                    .expect("options fit");
            }
            let mut pkt = Vec::new();
            b.write(&mut pkt, payload).expect("write packet");
            let us = 10_000 * i as u32;
            out.extend_from_slice(&1u32.to_le_bytes());
            out.extend_from_slice(&us.to_le_bytes());
            out.extend_from_slice(&(pkt.len() as u32).to_le_bytes());
            out.extend_from_slice(&(pkt.len() as u32).to_le_bytes());
            out.extend_from_slice(&pkt);
        }
        out
    }

    pub(crate) fn trace(segs: &[Seg<'_>]) -> Trace {
        let capture = Capture::from_bytes(CaptureBytes::Owned(pcap(segs)), "test.pcap".into())
            .expect("valid pcap");
        Trace::load(capture, |_| true).expect("loads")
    }

    fn life_of(segs: &[Seg<'_>]) -> Life {
        let t = trace(segs);
        let conv = t.conversations.tcp_stream(0).expect("one stream");
        life(&t.store, conv).expect("tcp")
    }

    const C: bool = true;
    const S: bool = false;
    const FA: u8 = FIN | ACK;
    const SA: u8 = SYN | ACK;

    #[test]
    fn one_pass_over_the_store_gives_each_conversations_life() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures");
        let mut compared = 0;
        for entry in std::fs::read_dir(dir).expect("samples").flatten() {
            let Ok(t) = Trace::open(&entry.path()) else {
                continue;
            };
            let all = t.conversations.all();
            let one_pass = lives(&t.store, &t.conversations);
            assert_eq!(one_pass.len(), all.len());
            for (c, l) in all.iter().zip(&one_pass) {
                assert_eq!(format!("{:?}", life(&t.store, c)), format!("{l:?}"));
                compared += usize::from(l.is_some());
            }
        }
        assert!(compared > 3, "{compared} TCP conversations compared");
    }

    #[test]
    fn a_capture_starting_at_the_syn_ack_keeps_the_client() {
        let t = trace(&[
            (S, SA, 500, 101, b""),
            (C, ACK, 101, 501, b"GET"),
            (S, ACK, 501, 104, b"OK"),
        ]);
        let conv = t.conversations.tcp_stream(0).expect("one stream");
        // Side A is the first packet's source: the server, here.
        assert_eq!(conv.a.port(), 80);
        assert_eq!(conv.client_direction(), (Direction::BtoA, false));
        assert_eq!(conv.client().port(), 40000);
        assert_eq!(conv.server().port(), 80);
    }

    fn open() -> Vec<Seg<'static>> {
        vec![
            (C, SYN, 100, 0, b""),
            (S, SA, 500, 101, b""),
            (C, ACK, 101, 501, b""),
            (C, ACK, 101, 501, b"GET"),
            (S, ACK, 501, 104, b"OK"),
        ]
    }

    #[test]
    fn handshake_and_four_way() {
        let mut s = open();
        s.extend([
            (C, FA, 104, 503, &b""[..]),
            (S, ACK, 503, 105, b""),
            (S, FA, 503, 105, b""),
            (C, ACK, 105, 504, b""),
        ]);
        let l = life_of(&s);
        assert_eq!(l.handshake.syn.map(|s| s.packet), Some(0));
        assert_eq!(l.handshake.syn_ack.map(|s| s.packet), Some(1));
        assert_eq!(l.handshake.ack.map(|s| s.packet), Some(2));
        assert_eq!(l.handshake.initial_rtt_ns, Some(20_000_000));
        assert_eq!(l.handshake.client_options.mss, Some(1460));
        assert!(l.handshake.server_options.sack_permitted);
        assert_eq!(l.handshake.server_options.window_scale, Some(7));
        assert!(l.anomalies.is_empty());
        assert!(matches!(
            l.teardown,
            Teardown::FourWay {
                first_fin: Step { packet: 5, .. },
                second_fin: Step { packet: 7, .. },
                last_ack: Some(Step { packet: 8, .. })
            }
        ));
        assert_eq!(l.closed_first_by, Some(Side::Client));
        assert_eq!(l.ending(), "four-way close (client first)");
    }

    #[test]
    fn initial_rtt_runs_from_the_most_recent_syn() {
        // The SYN is sent again 10 ms later: Wireshark measures from the copy.
        let l = life_of(&[
            (C, SYN, 100, 0, b""),
            (C, SYN, 100, 0, b""),
            (S, SA, 500, 101, b""),
            (C, ACK, 101, 501, b""),
        ]);
        assert_eq!(l.handshake.initial_rtt_ns, Some(20_000_000));
    }

    #[test]
    fn three_way_server_first() {
        let mut s = open();
        s.extend([
            (S, FA, 503, 104, &b""[..]),
            (C, FA, 104, 504, b""),
            (S, ACK, 504, 105, b""),
        ]);
        let l = life_of(&s);
        assert!(matches!(l.teardown, Teardown::ThreeWay { .. }), "{l:?}");
        assert_eq!(l.closed_first_by, Some(Side::Server));
    }

    #[test]
    fn simultaneous() {
        let mut s = open();
        s.extend([
            (C, FA, 104, 503, &b""[..]),
            (S, FA, 503, 104, b""),
            (C, ACK, 105, 504, b""),
            (S, ACK, 504, 105, b""),
        ]);
        assert!(matches!(
            life_of(&s).teardown,
            Teardown::Simultaneous { .. }
        ));
    }

    #[test]
    fn half_close() {
        let mut s = open();
        s.extend([
            (C, FA, 104, 503, &b""[..]),
            (S, ACK, 503, 105, b"more data"),
            (S, FA, 512, 105, b""),
            (C, ACK, 105, 513, b""),
        ]);
        let l = life_of(&s);
        assert!(
            matches!(
                l.teardown,
                Teardown::HalfClose {
                    data_after: Step { packet: 6, .. },
                    ..
                }
            ),
            "{l:?}"
        );
    }

    #[test]
    fn refused_and_syn_retransmitted() {
        let l = life_of(&[
            (C, SYN, 100, 0, b""),
            (C, SYN, 100, 0, b""),
            (S, RST | ACK, 0, 101, b""),
        ]);
        assert!(l
            .anomalies
            .contains(&Anomaly::SynRetransmitted { count: 2 }));
        assert!(l.anomalies.iter().any(|a| matches!(
            a,
            Anomaly::Refused {
                rst: Step { packet: 2, .. }
            }
        )));
        assert!(matches!(
            l.teardown,
            Teardown::Reset {
                by: Side::Server,
                at: Step { packet: 2, .. }
            }
        ));
        assert_eq!(
            l.ending(),
            "refused (SYN answered by RST); SYN sent 2 times"
        );
    }

    #[test]
    fn mid_connection_still_open() {
        let l = life_of(&[(C, ACK, 101, 501, b"GET"), (S, ACK, 501, 104, b"OK")]);
        assert_eq!(l.anomalies, vec![Anomaly::NoSynSeen]);
        assert_eq!(l.teardown, Teardown::StillOpen { first_fin: None });
        assert_eq!(l.handshake.syn, None);
    }
}
