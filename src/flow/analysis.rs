//! Wireshark's TCP sequence analysis, segment by segment in capture order:
//! retransmissions, out-of-order, lost and unseen segments, duplicate ACKs,
//! window conditions and keep-alives (`tcp.analysis.*`).
//!
//! This follows `tcp_analyze_sequence_number` of Wireshark's TCP dissector, on
//! relative sequence numbers where 0 means "not seen yet", so that the flags
//! agree with tshark's.

use super::seq::Seq;
use crate::decode::tcp_flags::TcpFlags;

/// Bits of `PacketEntry::analysis`, named after Wireshark's expert fields.
pub mod flags {
    pub const RETRANSMISSION: u16 = 1 << 0;
    pub const FAST_RETRANSMISSION: u16 = 1 << 1;
    pub const SPURIOUS_RETRANSMISSION: u16 = 1 << 2;
    pub const OUT_OF_ORDER: u16 = 1 << 3;
    pub const LOST_SEGMENT: u16 = 1 << 4;
    pub const ACK_LOST_SEGMENT: u16 = 1 << 5;
    pub const DUPLICATE_ACK: u16 = 1 << 6;
    pub const ZERO_WINDOW: u16 = 1 << 7;
    pub const WINDOW_FULL: u16 = 1 << 8;
    pub const KEEP_ALIVE: u16 = 1 << 9;
    pub const KEEP_ALIVE_ACK: u16 = 1 << 10;
    pub const WINDOW_UPDATE: u16 = 1 << 11;
    pub const ZERO_WINDOW_PROBE: u16 = 1 << 12;
    pub const ZERO_WINDOW_PROBE_ACK: u16 = 1 << 13;
    pub const REUSED_PORTS: u16 = 1 << 14;

    /// (bit, Wireshark field, label shown in Info).
    pub const ALL: [(u16, &str, &str); 15] = [
        (
            REUSED_PORTS,
            "tcp.analysis.reused_ports",
            "TCP Port numbers reused",
        ),
        (
            LOST_SEGMENT,
            "tcp.analysis.lost_segment",
            "TCP Previous segment not captured",
        ),
        (
            ACK_LOST_SEGMENT,
            "tcp.analysis.ack_lost_segment",
            "TCP ACKed unseen segment",
        ),
        (
            ZERO_WINDOW_PROBE,
            "tcp.analysis.zero_window_probe",
            "TCP ZeroWindowProbe",
        ),
        (
            ZERO_WINDOW_PROBE_ACK,
            "tcp.analysis.zero_window_probe_ack",
            "TCP ZeroWindowProbeAck",
        ),
        (KEEP_ALIVE, "tcp.analysis.keep_alive", "TCP Keep-Alive"),
        (
            KEEP_ALIVE_ACK,
            "tcp.analysis.keep_alive_ack",
            "TCP Keep-Alive ACK",
        ),
        (
            WINDOW_UPDATE,
            "tcp.analysis.window_update",
            "TCP Window Update",
        ),
        (WINDOW_FULL, "tcp.analysis.window_full", "TCP Window Full"),
        (ZERO_WINDOW, "tcp.analysis.zero_window", "TCP ZeroWindow"),
        (DUPLICATE_ACK, "tcp.analysis.duplicate_ack", "TCP Dup ACK"),
        (
            SPURIOUS_RETRANSMISSION,
            "tcp.analysis.spurious_retransmission",
            "TCP Spurious Retransmission",
        ),
        (
            FAST_RETRANSMISSION,
            "tcp.analysis.fast_retransmission",
            "TCP Fast Retransmission",
        ),
        (
            RETRANSMISSION,
            "tcp.analysis.retransmission",
            "TCP Retransmission",
        ),
        (
            OUT_OF_ORDER,
            "tcp.analysis.out_of_order",
            "TCP Out-Of-Order",
        ),
    ];
}

use flags::*;

/// Analysis state of one direction of a connection.
#[derive(Debug, Clone, Copy, Default)]
pub struct DirectionAnalysis {
    /// Next expected relative sequence number (0: none seen).
    pub next_seq: Seq,
    next_seq_time: i64,
    max_seq_to_be_acked: Seq,
    /// Last relative ACK sent in this direction.
    pub last_ack: Seq,
    last_ack_time: i64,
    /// Last (scaled) window advertised in this direction.
    pub window: u32,
    dup_ack_count: u16,
    last_segment_flags: u16,
    /// The last packet (0-based) in this direction that was not a duplicate ACK.
    last_non_dup_ack: u32,
}

/// One segment as the analysis sees it.
#[derive(Debug, Clone, Copy)]
pub struct Segment {
    /// Relative sequence and acknowledgment numbers.
    pub seq: Seq,
    pub ack: Seq,
    pub len: u32,
    pub flags: TcpFlags,
    /// Window after scaling (as Wireshark's `th_win`).
    pub window: u32,
    pub ts_ns: i64,
}

/// Result of analysing one segment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Verdict {
    pub flags: u16,
    pub dup_ack_num: u16,
    /// For a duplicate ACK: the packet (0-based) it duplicates.
    pub dup_ack_of: u32,
}

/// Analyses `seg` travelling in direction `fwd`; `rev` is the other direction.
/// `first_rtt_ns` is the handshake RTT when known (the out-of-order threshold).
pub fn analyse(
    fwd: &mut DirectionAnalysis,
    rev: &mut DirectionAnalysis,
    seg: Segment,
    first_rtt_ns: Option<i64>,
    packet: u32,
) -> Verdict {
    let Segment {
        seq,
        ack,
        len,
        flags: th,
        window,
        ts_ns,
    } = seg;
    let mut f: u16 = 0;
    let mut dup_ack_num = 0;
    let sfr = th.intersects(TcpFlags::SYN | TcpFlags::FIN | TcpFlags::RST);

    'fwd: {
        if len == 1 && seq == fwd.next_seq && rev.window == 0 {
            f |= ZERO_WINDOW_PROBE;
            break 'fwd;
        }
        if window == 0 && !sfr {
            f |= ZERO_WINDOW;
        }
        if fwd.next_seq != Seq::ZERO && seq > fwd.next_seq && !th.rst() {
            f |= LOST_SEGMENT;
        }
        if len <= 1 && !sfr && seq == fwd.next_seq - 1 {
            f |= KEEP_ALIVE;
        }
        if len == 0
            && window != 0
            && window != fwd.window
            && seq == fwd.next_seq
            && ack == fwd.last_ack
            && !sfr
        {
            f |= WINDOW_UPDATE;
        }
        if len > 0 && rev.last_ack != Seq::ZERO && !sfr && seq + len == rev.last_ack + rev.window {
            f |= WINDOW_FULL;
        }
        let repeats =
            len == 0 && window == fwd.window && seq == fwd.next_seq && ack == fwd.last_ack && !sfr;
        if repeats && window != 0 && rev.last_segment_flags & KEEP_ALIVE != 0 {
            f |= KEEP_ALIVE_ACK;
            break 'fwd;
        }
        if repeats && window == 0 && rev.last_segment_flags & ZERO_WINDOW_PROBE != 0 {
            f |= ZERO_WINDOW_PROBE_ACK;
            break 'fwd;
        }
        if repeats && window != 0 {
            fwd.dup_ack_count = fwd.dup_ack_count.saturating_add(1);
            f |= DUPLICATE_ACK;
            dup_ack_num = fwd.dup_ack_count;
        }
    }
    let dup_ack_of = fwd.last_non_dup_ack;
    // Wireshark restarts the count only when the ACK number changes: a data
    // segment repeating the last ACK does not (zeek-m57-long-49600-80 frames
    // 9 onward name frame 3, the last segment with a new ACK).
    if ack != fwd.last_ack || fwd.next_seq == Seq::ZERO {
        fwd.dup_ack_count = 0;
        fwd.last_non_dup_ack = packet;
    }
    // tshark flags only the first ACK past unseen data: a segment repeating
    // this direction's previous ACK is not flagged again (seen on the shared
    // captures http-chunked-3conns frame 3 and http-pipelined-null-linktype-gap
    // frame 15).
    if rev.max_seq_to_be_acked != Seq::ZERO
        && ack > rev.max_seq_to_be_acked
        && th.ack()
        && ack != fwd.last_ack
    {
        f |= ACK_LOST_SEGMENT;
        rev.max_seq_to_be_acked = rev.next_seq;
    }
    'retrans: {
        if !(len > 0 || th.intersects(TcpFlags::SYN | TcpFlags::FIN)) || f & KEEP_ALIVE != 0 {
            break 'retrans;
        }
        let not_advanced = fwd.next_seq != Seq::ZERO && seq < fwd.next_seq;
        let since_dup = ts_ns.saturating_sub(rev.last_ack_time);
        if not_advanced && rev.dup_ack_count >= 2 && rev.last_ack == seq && since_dup < 20_000_000 {
            f |= FAST_RETRANSMISSION;
            break 'retrans;
        }
        let since_next = ts_ns.saturating_sub(fwd.next_seq_time);
        let threshold = first_rtt_ns.filter(|&r| r > 0).unwrap_or(3_000_000);
        // A copy of the last segment (same end, SYN and FIN counting one)
        // is a retransmission, however soon it comes.
        let end = seq + len + u32::from(th.intersects(TcpFlags::SYN | TcpFlags::FIN));
        if not_advanced && since_next < threshold && fwd.next_seq != end {
            f |= OUT_OF_ORDER;
            break 'retrans;
        }
        if len > 0 && rev.last_ack != Seq::ZERO && seq + len <= rev.last_ack {
            f |= SPURIOUS_RETRANSMISSION;
            break 'retrans;
        }
        if not_advanced {
            f |= RETRANSMISSION;
        }
    }
    let mut next = seq + len;
    if th.intersects(TcpFlags::SYN | TcpFlags::FIN) {
        next += 1;
    }
    if (fwd.next_seq == Seq::ZERO || next > fwd.next_seq) && f & ZERO_WINDOW_PROBE == 0 {
        fwd.next_seq = next;
        fwd.next_seq_time = ts_ns;
    }
    if (seq == fwd.max_seq_to_be_acked || fwd.max_seq_to_be_acked == Seq::ZERO)
        && f & ZERO_WINDOW_PROBE == 0
    {
        fwd.max_seq_to_be_acked = fwd.next_seq;
    }
    fwd.window = window;
    fwd.last_ack = ack;
    fwd.last_ack_time = ts_ns;
    fwd.last_segment_flags = f;
    Verdict {
        flags: f,
        dup_ack_num,
        dup_ack_of: if f & DUPLICATE_ACK != 0 {
            dup_ack_of
        } else {
            0
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(seq: u32, ack: u32, len: u32, flags: TcpFlags, t: i64) -> Segment {
        Segment {
            seq: Seq(seq),
            ack: Seq(ack),
            len,
            flags,
            window: 1000,
            ts_ns: t,
        }
    }

    #[test]
    fn lost_then_acked_unseen_then_retransmission() {
        let (mut c, mut s) = (DirectionAnalysis::default(), DirectionAnalysis::default());
        assert_eq!(
            analyse(&mut c, &mut s, seg(0, 0, 0, TcpFlags::SYN, 0), None, 0).flags,
            0
        );
        assert_eq!(
            analyse(
                &mut s,
                &mut c,
                seg(0, 1, 0, TcpFlags::SYN | TcpFlags::ACK, 1),
                None,
                0
            )
            .flags,
            0
        );
        analyse(&mut c, &mut s, seg(1, 1, 0, TcpFlags::ACK, 2), None, 2);
        analyse(&mut s, &mut c, seg(1, 1, 100, TcpFlags::ACK, 3), None, 3);
        let v = analyse(&mut s, &mut c, seg(201, 1, 100, TcpFlags::ACK, 4), None, 4);
        assert_eq!(v.flags, LOST_SEGMENT);
        let v = analyse(&mut c, &mut s, seg(1, 201, 0, TcpFlags::ACK, 5), None, 5);
        assert_eq!(v.flags, ACK_LOST_SEGMENT);
        let v = analyse(&mut c, &mut s, seg(1, 201, 0, TcpFlags::ACK, 6), None, 6);
        assert_eq!(
            v,
            Verdict {
                flags: DUPLICATE_ACK,
                dup_ack_num: 1,
                dup_ack_of: 5
            }
        );
        let v = analyse(
            &mut s,
            &mut c,
            seg(1, 1, 100, TcpFlags::ACK, 1_000_000_000),
            None,
            8,
        );
        assert_eq!(v.flags, SPURIOUS_RETRANSMISSION);
    }

    #[test]
    fn dup_ack_count_restarts_only_when_the_ack_changes() {
        let (mut c, mut s) = (DirectionAnalysis::default(), DirectionAnalysis::default());
        analyse(&mut c, &mut s, seg(0, 0, 0, TcpFlags::SYN, 0), None, 0);
        analyse(
            &mut s,
            &mut c,
            seg(0, 1, 0, TcpFlags::SYN | TcpFlags::ACK, 1),
            None,
            1,
        );
        analyse(&mut c, &mut s, seg(1, 1, 0, TcpFlags::ACK, 2), None, 2);
        // Data from the client repeating Ack=1 is not a new ACK number: the
        // duplicates after it still count from frame 2.
        analyse(&mut c, &mut s, seg(1, 1, 10, TcpFlags::ACK, 3), None, 3);
        let v = analyse(&mut c, &mut s, seg(11, 1, 0, TcpFlags::ACK, 4), None, 4);
        assert_eq!(
            (v.flags, v.dup_ack_num, v.dup_ack_of),
            (DUPLICATE_ACK, 1, 2)
        );
        let v = analyse(&mut c, &mut s, seg(11, 1, 0, TcpFlags::ACK, 5), None, 5);
        assert_eq!(
            (v.flags, v.dup_ack_num, v.dup_ack_of),
            (DUPLICATE_ACK, 2, 2)
        );
        // A new ACK number restarts the count.
        analyse(&mut s, &mut c, seg(1, 11, 5, TcpFlags::ACK, 6), None, 6);
        let v = analyse(&mut c, &mut s, seg(11, 6, 0, TcpFlags::ACK, 7), None, 7);
        assert_eq!(v.flags, 0);
        let v = analyse(&mut c, &mut s, seg(11, 6, 0, TcpFlags::ACK, 8), None, 8);
        assert_eq!(
            (v.flags, v.dup_ack_num, v.dup_ack_of),
            (DUPLICATE_ACK, 1, 7)
        );
    }
}
