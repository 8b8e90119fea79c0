//! The per-segment values of `[SEQ/ACK analysis]` that Wireshark derives from
//! the segments still waiting for an ACK: the frame an ACK acknowledges and
//! its RTT (`tcp.analysis.acks_frame`, `tcp.analysis.ack_rtt`), the bytes in
//! flight and the bytes sent since the last PSH (`tcp.analysis.bytes_in_flight`,
//! `tcp.analysis.push_bytes_sent`).
//!
//! This follows the end of `tcp_analyze_sequence_number` in Wireshark 4.0's
//! TCP dissector, replayed in capture order over the stream's earlier
//! segments as tshark's single pass sees them. Each direction keeps its
//! unacknowledged segments (at most [`MAX_UNACKED_SEGMENTS`], as Wireshark's
//! `TCP_MAX_UNACKED_SEGMENTS`); an ACK that equals a segment's end
//! acknowledges it, one inside a segment trims it.

use crate::capture::NO_TIMESTAMP;
use crate::decode::tcp_flags::TcpFlags;
use crate::flow::analysis::flags as af;
use crate::flow::seq::Seq;
use crate::limits::MAX_UNACKED_SEGMENTS;
use crate::trace::Trace;

/// SACK blocks Wireshark keeps per direction for the bytes in flight: its
/// `MAX_TCP_SACK_RANGES` (4) less one, as its option dissector stores a
/// block only while the count is below 4 (a protocol constant, not a
/// resource bound: an option holds at most 4 blocks).
pub const SACK_RANGES_KEPT: usize = 3;

/// One segment as the analysis reads it (relative sequence numbers).
#[derive(Debug, Clone, Copy)]
pub struct Segment {
    /// Frame number (1-based).
    pub frame: u32,
    /// 0 for the conversation's client side, 1 for the other.
    pub dir: usize,
    pub seq: u32,
    /// Relative ACK number (meaningful when `flags` has ACK).
    pub ack: u32,
    /// `tcp.len`.
    pub len: u32,
    pub flags: TcpFlags,
    /// Nanoseconds since the epoch, or [`NO_TIMESTAMP`].
    pub ts: i64,
    /// The segment carries `tcp.analysis.lost_segment`: bytes in flight are
    /// no longer tracked in its direction (Wireshark's `valid_bif`).
    pub lost: bool,
    /// The segment is a plain retransmission (`tcp.analysis.retransmission`
    /// without fast, spurious or out-of-order): its RTO is shown.
    pub retransmission: bool,
    /// The segment is a zero-window probe: it does not move the next
    /// expected sequence number.
    pub zero_window_probe: bool,
    /// The SACK blocks the segment carries, as Wireshark keeps them for the
    /// bytes in flight (at most [`SACK_RANGES_KEPT`]); `sack_count` says how
    /// many are filled, `None` when the segment has no SACK option.
    pub sack: [(u32, u32); SACK_RANGES_KEPT],
    pub sack_count: Option<usize>,
    /// The segment carries any analysis flag (Wireshark then has a
    /// `tcp_acked` record for it, so `[SEQ/ACK analysis]` is shown).
    pub flagged: bool,
}

/// What `[SEQ/ACK analysis]` shows for one segment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Values {
    /// Wireshark keeps a record for the segment: the subtree is shown.
    pub shown: bool,
    /// `tcp.analysis.acks_frame`.
    pub acks_frame: Option<u32>,
    /// `tcp.analysis.ack_rtt` in nanoseconds (shown when not zero).
    pub ack_rtt_ns: Option<i64>,
    /// `tcp.analysis.bytes_in_flight` (0: not shown).
    pub bytes_in_flight: u32,
    /// `tcp.analysis.push_bytes_sent` (shown with the bytes in flight).
    pub push_bytes_sent: u32,
    /// A retransmission's (`tcp.analysis.rto` in nanoseconds,
    /// `tcp.analysis.rto_frame`): the time since the segment that last
    /// advanced the next expected sequence number, and that segment.
    pub rto: Option<(i64, u32)>,
}

impl Segment {
    /// Packet `index` of `trace` as the analysis reads it (None when it is
    /// not TCP of a tracked conversation).
    pub fn of(trace: &Trace, index: usize) -> Option<Segment> {
        let e = trace.store.entry(index)?;
        let d = trace.store.decode(index);
        let t = d.tcp()?;
        let (c, dir) = trace.conversations.of_packet(&trace.store, index)?;
        let (seq, ack) = trace.conversations.relative(
            c,
            dir,
            t.sequence_number(),
            t.acknowledgment_number(),
            t.ack(),
        );
        let mut sack = [(0, 0); SACK_RANGES_KEPT];
        let mut sack_count = None;
        let opts = t.options();
        let mut pos = 0;
        while pos < opts.len() {
            let kind = opts[pos];
            if kind == 0 {
                break;
            }
            if kind == 1 {
                pos += 1;
                continue;
            }
            let Some(&len) = opts.get(pos + 1) else { break };
            let len = usize::from(len);
            if len < 2 || pos + len > opts.len() {
                break;
            }
            if kind == 5 {
                let mut n = 0;
                for b in opts[pos + 2..pos + len].chunks_exact(8) {
                    let edge = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
                    if n < SACK_RANGES_KEPT {
                        sack[n] = (edge(0), edge(4));
                        n += 1;
                    }
                }
                if n > 0 {
                    sack_count = Some(n);
                }
            }
            pos += len;
        }
        Some(Segment {
            sack,
            sack_count,
            frame: u32::try_from(index + 1).unwrap_or(u32::MAX),
            dir: dir.index(),
            seq,
            ack,
            len: d.tcp_len().unwrap_or(0),
            flags: e.tcp_flags(),
            ts: if e.has_timestamp() {
                e.ts_ns
            } else {
                NO_TIMESTAMP
            },
            lost: e.analysis & af::LOST_SEGMENT != 0,
            retransmission: e.analysis
                & (af::RETRANSMISSION
                    | af::FAST_RETRANSMISSION
                    | af::SPURIOUS_RETRANSMISSION
                    | af::OUT_OF_ORDER)
                == af::RETRANSMISSION,
            zero_window_probe: e.analysis & af::ZERO_WINDOW_PROBE != 0,
            flagged: e.analysis != 0,
        })
    }
}

#[derive(Debug, Clone, Copy)]
struct Unacked {
    frame: u32,
    seq: Seq,
    nextseq: Seq,
    ts: i64,
}

#[derive(Debug, Clone)]
struct Direction {
    /// Oldest first (Wireshark prepends; the loops below walk accordingly).
    unacked: Vec<Unacked>,
    valid_bif: bool,
    push_bytes_sent: u32,
    push_set_last: bool,
    /// The SACK blocks this direction sent last (kept until another SACK).
    sack: [(u32, u32); SACK_RANGES_KEPT],
    sack_count: usize,
    /// The next expected sequence number (`None`: nothing sent yet), the
    /// frame and time that set it.
    nextseq: Option<(Seq, u32, i64)>,
}

impl Default for Direction {
    fn default() -> Self {
        Direction {
            nextseq: None,
            sack: [(0, 0); SACK_RANGES_KEPT],
            sack_count: 0,
            unacked: Vec::new(),
            valid_bif: true,
            push_bytes_sent: 0,
            push_set_last: false,
        }
    }
}

/// The analysis state of one stream, fed its segments in capture order.
#[derive(Debug, Clone, Default)]
pub struct Tracker {
    dirs: [Direction; 2],
    /// A direction's list was full and a segment was not remembered.
    pub limit_hit: bool,
    /// Time of the most recent SYN without ACK (Wireshark's `ts_mru_syn`).
    mru_syn: Option<i64>,
    /// The handshake RTT once known (`ts_first_rtt`): the first segment
    /// with ACK and without SYN after a SYN, in either direction (a RST/ACK
    /// refusing the SYN sets it too).
    pub first_rtt_ns: Option<i64>,
}

impl Tracker {
    /// Feeds one segment; returns what its `[SEQ/ACK analysis]` shows.
    pub fn step(&mut self, s: &Segment) -> Values {
        let mut v = Values {
            shown: s.flagged,
            ..Values::default()
        };
        let fwd = s.dir.min(1);
        let rev = 1 - fwd;
        let syn_fin = s.flags.syn() || s.flags.fin();
        if s.ts != NO_TIMESTAMP {
            if s.flags.syn() && !s.flags.ack() {
                self.mru_syn = Some(s.ts);
            } else if s.flags.ack() && !s.flags.syn() && self.first_rtt_ns.is_none() {
                self.first_rtt_ns = self
                    .mru_syn
                    .map(|syn| s.ts.saturating_sub(syn))
                    .filter(|&d| d != 0);
            }
        }
        // An ACK makes the other side's bytes in flight trustworthy again;
        // a segment after a hole makes its own side's untrustworthy.
        if s.flags.ack() {
            self.dirs[rev].valid_bif = true;
        }
        if s.lost {
            self.dirs[fwd].valid_bif = false;
        }
        let end = Seq(s.seq) + s.len + u32::from(syn_fin);
        if s.retransmission {
            // From the eldest unacknowledged segment, or else the one that
            // last advanced the next expected sequence number.
            let d = &self.dirs[fwd];
            let from = d
                .unacked
                .first()
                .map(|u| (u.frame, u.ts))
                .or(d.nextseq.map(|(_, f, at)| (f, at)));
            if let Some((frame, at)) = from {
                let gap = if s.ts != NO_TIMESTAMP && at != NO_TIMESTAMP {
                    s.ts.saturating_sub(at)
                } else {
                    0
                };
                v.rto = (gap != 0).then_some((gap, frame));
            }
        }
        let d = &mut self.dirs[fwd];
        let advances = d.nextseq.is_none_or(|(n, _, _)| end > n || n == Seq(0));
        if advances && !s.zero_window_probe {
            d.nextseq = Some((end, s.frame, s.ts));
        }
        if s.len > 0 || syn_fin {
            if (d.unacked.len() as u64) < MAX_UNACKED_SEGMENTS {
                d.unacked.push(Unacked {
                    frame: s.frame,
                    seq: Seq(s.seq),
                    nextseq: end,
                    ts: s.ts,
                });
            } else {
                self.limit_hit = true;
            }
        }
        // Without the ACK flag Wireshark's ACK number is 0, which matches
        // and trims nothing.
        if s.flags.ack() {
            let ack = Seq(s.ack);
            // Wireshark walks newest first and the last exact match wins:
            // the oldest, the first one here.
            self.dirs[rev].unacked.retain_mut(|u| {
                if ack == u.nextseq {
                    if v.acks_frame.is_none() {
                        v.acks_frame = Some(u.frame);
                        v.ack_rtt_ns = (s.ts != NO_TIMESTAMP && u.ts != NO_TIMESTAMP)
                            .then(|| s.ts.saturating_sub(u.ts))
                            .filter(|&d| d != 0);
                        v.shown = true;
                    }
                    false
                } else if ack > u.seq && ack <= u.nextseq {
                    u.seq = ack;
                    true
                } else {
                    u.nextseq > ack
                }
            });
        }
        // The receiver's SACKed bytes are not in flight.
        let r = &self.dirs[rev];
        let delivered = r.sack[..r.sack_count]
            .iter()
            .fold(0u32, |acc, (l, r)| acc.wrapping_add(r.wrapping_sub(*l)));
        let d = &mut self.dirs[fwd];
        if s.len != 0 && d.valid_bif && !d.unacked.is_empty() {
            let first = d.unacked.iter().map(|u| u.seq.0).min().unwrap_or(0);
            let last = d.unacked.iter().map(|u| u.nextseq.0).max().unwrap_or(0);
            let in_flight = last.wrapping_sub(first).wrapping_sub(delivered);
            if in_flight > 0 && in_flight < 2_000_000_000 {
                // SYN and FIN take no room in flight.
                v.bytes_in_flight = in_flight - u32::from(syn_fin);
            }
            let psh = s.flags.psh();
            if psh && !d.push_set_last {
                d.push_bytes_sent = d.push_bytes_sent.wrapping_add(s.len);
            } else if psh || d.push_set_last {
                d.push_bytes_sent = s.len;
            } else {
                d.push_bytes_sent = d.push_bytes_sent.wrapping_add(s.len);
            }
            d.push_set_last = psh;
            v.push_bytes_sent = d.push_bytes_sent;
            v.shown = true;
        }
        // The segment's own SACK blocks (none without the option) count for
        // the other side's later segments.
        let d = &mut self.dirs[fwd];
        d.sack = s.sack;
        d.sack_count = s.sack_count.unwrap_or(0);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(frame: u32, dir: usize, seq: u32, ack: u32, len: u32, flags: u8, ts: i64) -> Segment {
        Segment {
            frame,
            dir,
            seq,
            ack,
            len,
            flags: TcpFlags::from_bits(u16::from(flags)),
            ts,
            lost: false,
            retransmission: false,
            zero_window_probe: false,
            sack: [(0, 0); SACK_RANGES_KEPT],
            sack_count: None,
            flagged: false,
        }
    }
    const SYN: u8 = 0x02;
    const ACK: u8 = 0x10;
    const PSH: u8 = 0x08;

    #[test]
    fn handshake_and_data_as_tshark_shows_them() {
        let mut t = Tracker::default();
        // SYN: nothing to show.
        assert!(!t.step(&seg(1, 0, 0, 0, 0, SYN, 1_000)).shown);
        // SYN/ACK acks frame 1 after 12 µs.
        let v = t.step(&seg(2, 1, 0, 1, 0, SYN | ACK, 13_000));
        assert_eq!((v.acks_frame, v.ack_rtt_ns), (Some(1), Some(12_000)));
        assert_eq!(t.first_rtt_ns, None);
        let v = t.step(&seg(3, 0, 1, 1, 0, ACK, 24_000));
        assert_eq!(v.acks_frame, Some(2));
        assert_eq!(t.first_rtt_ns, Some(23_000));
        // 81 bytes with PSH: 81 in flight, 81 since the last PSH.
        let v = t.step(&seg(4, 0, 1, 1, 81, PSH | ACK, 30_000));
        assert_eq!(
            (v.bytes_in_flight, v.push_bytes_sent, v.acks_frame),
            (81, 81, None)
        );
        // Two server segments, the second before any ACK: 2896 in flight.
        t.step(&seg(5, 1, 1, 82, 1448, ACK, 31_000));
        let v = t.step(&seg(6, 1, 1449, 82, 1448, ACK, 32_000));
        assert_eq!((v.bytes_in_flight, v.push_bytes_sent), (2896, 2896));
        // An ACK of the first only: acks frame 5; one inside the second trims it.
        let v = t.step(&seg(7, 0, 82, 1449, 0, ACK, 40_000));
        assert_eq!((v.acks_frame, v.ack_rtt_ns), (Some(5), Some(9_000)));
        let v = t.step(&seg(8, 0, 82, 2000, 0, ACK, 41_000));
        assert!(!v.shown);
        let v = t.step(&seg(9, 1, 2897, 82, 100, PSH | ACK, 42_000));
        assert_eq!(v.bytes_in_flight, 2997 - 2000);
        assert_eq!(v.push_bytes_sent, 2996, "counted up to and with the PSH");
        let v = t.step(&seg(10, 1, 2997, 82, 10, ACK, 43_000));
        assert_eq!(
            v.push_bytes_sent, 10,
            "the segment after a PSH starts again"
        );
    }

    #[test]
    fn a_lost_segment_stops_bytes_in_flight_and_the_list_is_bounded() {
        let mut t = Tracker::default();
        let mut s = seg(1, 0, 100, 0, 10, ACK, 0);
        s.lost = true;
        let v = t.step(&s);
        assert_eq!(v.bytes_in_flight, 0);
        assert!(!v.shown);
        t.step(&seg(2, 1, 1, 110, 0, ACK, 0));
        let v = t.step(&seg(3, 0, 110, 1, 10, ACK, 0));
        assert_eq!(
            v.bytes_in_flight, 10,
            "an ACK from the other side restores it"
        );
        for i in 0..MAX_UNACKED_SEGMENTS as u32 + 5 {
            t.step(&seg(4 + i, 1, i * 10, 0, 10, 0, 0));
        }
        assert!(t.limit_hit);
        assert_eq!(t.dirs[1].unacked.len() as u64, MAX_UNACKED_SEGMENTS);
    }

    #[test]
    fn a_refusing_rst_ack_sets_the_handshake_rtt() {
        let mut t = Tracker::default();
        t.step(&seg(1, 0, 0, 0, 0, SYN, 1_000));
        let v = t.step(&seg(2, 1, 1, 1, 0, ACK | 0x04, 12_000));
        assert_eq!(v.acks_frame, Some(1));
        assert_eq!(t.first_rtt_ns, Some(11_000));
    }

    #[test]
    fn a_retransmission_measures_its_rto_from_the_segment_that_set_nextseq() {
        let mut t = Tracker::default();
        t.step(&seg(1, 0, 1, 1, 648, PSH | ACK, 1_000_000));
        let mut r = seg(2, 0, 1, 1, 648, PSH | ACK, 207_000_000);
        r.retransmission = true;
        r.flagged = true;
        let v = t.step(&r);
        assert_eq!(v.rto, Some((206_000_000, 1)));
        // Not moved by the retransmission: the next one measures from frame 1 too.
        r.frame = 3;
        r.ts = 807_000_000;
        assert_eq!(t.step(&r).rto, Some((806_000_000, 1)));
    }

    #[test]
    fn sacked_bytes_are_not_in_flight() {
        let mut t = Tracker::default();
        let mut a = seg(1, 0, 1, 1, 0, ACK, 0);
        a.sack[0] = (5473, 10945);
        a.sack_count = Some(1);
        t.step(&a);
        // 1368 sent, 5472 SACKed: negative, so not shown.
        let v = t.step(&seg(2, 1, 10945, 1, 1368, ACK, 10));
        assert_eq!(v.bytes_in_flight, 0);
        assert!(v.shown);
        // The next ACK without SACK clears them.
        t.step(&seg(3, 0, 1, 1, 0, ACK, 20));
        let v = t.step(&seg(4, 1, 12313, 1, 1368, ACK, 30));
        assert_eq!(v.bytes_in_flight, 2736);
        // A FIN's virtual byte is not in flight.
        let mut t = Tracker::default();
        let v = t.step(&seg(1, 0, 1, 1, 86, ACK | PSH | 0x01, 0));
        assert_eq!(v.bytes_in_flight, 86);
    }

    #[test]
    fn same_timestamp_acks_show_no_rtt() {
        let mut t = Tracker::default();
        t.step(&seg(1, 0, 1, 1, 5, ACK, 7));
        let v = t.step(&seg(2, 1, 1, 6, 0, ACK, 7));
        assert_eq!((v.acks_frame, v.ack_rtt_ns), (Some(1), None));
    }
}
