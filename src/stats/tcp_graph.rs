//! The series of Wireshark's TCP stream graphs for one connection and one
//! direction (Statistics ▸ TCP Stream Graphs): Stevens (sequence number
//! against time), tcptrace (each segment as a bar from its first to its last
//! byte, the ACK line and the receive-window line of the other side, SACK
//! blocks, retransmissions marked), throughput, round-trip time and window
//! scaling (bytes in flight against the receive window).
//!
//! Sequence numbers are relative (`tcp.seq`), unwrapped into `u64` so that a
//! transfer past 4 GiB keeps rising; times are seconds from the first packet
//! of the capture. Everything is one walk over the connection's packets.

use super::scale;
use crate::decode::tcp_options::{TcpOption, TcpOptions};
use crate::flow::analysis::flags as af;
use crate::flow::{Conversation, Direction};
use crate::limits::{Limit, LimitHit, MAX_GRAPH_OUTSTANDING};
use crate::trace::Trace;

/// The throughput graph averages over this window (Wireshark's default).
pub const THROUGHPUT_WINDOW_NS: i64 = 1_000_000_000;

/// One data segment of the graphed direction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// 0-based packet index.
    pub packet: u32,
    pub time: f64,
    /// First and one-past-last relative sequence numbers.
    pub seq: u64,
    pub end: u64,
    pub retransmission: bool,
}

/// One acknowledgment from the other side.
#[derive(Debug, Clone, PartialEq)]
pub struct Ack {
    pub packet: u32,
    pub time: f64,
    /// Relative ACK number, unwrapped.
    pub ack: u64,
    /// Scaled receive window advertised with it.
    pub window: u64,
    /// SACK blocks (relative, unwrapped) it carries.
    pub sack: Vec<(u64, u64)>,
}

/// One round-trip time: a segment and the ACK that covered it exactly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RttSample {
    /// 0-based index of the ACK's packet (the point selects it).
    pub packet: u32,
    /// The ACK's time.
    pub time: f64,
    /// The segment's first sequence number.
    pub seq: u64,
    pub ms: f64,
}

/// Every series of the graphs for one direction. `throughput[i]` is taken
/// after `segments[i]`, so both have one point per segment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TcpGraph {
    pub stream: u32,
    pub direction: Option<Direction>,
    pub segments: Vec<Segment>,
    pub acks: Vec<Ack>,
    /// (time, bits per second) after each segment, over [`THROUGHPUT_WINDOW_NS`].
    pub throughput: Vec<(f64, f64)>,
    /// Each segment acknowledged without having been retransmitted (Karn's
    /// rule), at the time of its ACK.
    pub rtt: Vec<RttSample>,
    /// (time, bytes in flight) after each segment.
    pub in_flight: Vec<(f64, u64)>,
}

impl TcpGraph {
    /// The receive-window line of tcptrace: (time, ack + window).
    pub fn window_line(&self) -> Vec<(f64, f64)> {
        self.acks
            .iter()
            .map(|a| (a.time, a.ack.saturating_add(a.window) as f64))
            .collect()
    }
    /// Stevens: (time, sequence number) of each segment.
    pub fn stevens(&self) -> Vec<(f64, f64)> {
        self.segments
            .iter()
            .map(|s| (s.time, s.seq as f64))
            .collect()
    }
}

/// Unwraps relative 32-bit sequence numbers into a rising 64-bit line.
#[derive(Debug, Default, Clone, Copy)]
struct Unwrap {
    last: Option<u64>,
}

impl Unwrap {
    fn next(&mut self, rel: u32) -> u64 {
        let v = match self.last {
            None => u64::from(rel),
            Some(last) => {
                let low = last as u32;
                let delta = rel.wrapping_sub(low) as i32;
                (last as i128 + i128::from(delta)).clamp(0, i128::from(u64::MAX)) as u64
            }
        };
        self.last = Some(v);
        v
    }
}

/// The graphs of `conv` for the data sent in `direction`.
pub fn compute(trace: &Trace, conv: &Conversation, direction: Direction) -> TcpGraph {
    let store = &trace.store;
    let convs = &trace.conversations;
    let mut g = TcpGraph {
        stream: conv.stream,
        direction: Some(direction),
        ..TcpGraph::default()
    };
    let (mut seq_line, mut ack_line) = (Unwrap::default(), Unwrap::default());
    let mut highest_sent: u64 = 0;
    let mut highest_acked: u64 = 0;
    // Segments not yet acknowledged, for the RTT: (end, time_ns, packet, retransmitted).
    let mut outstanding: std::collections::VecDeque<(u64, i64, u64, bool)> = Default::default();
    // The throughput window: (time_ns, bytes).
    let mut window: std::collections::VecDeque<(i64, u64)> = Default::default();
    let mut window_bytes: u64 = 0;
    for index in conv.packets(store) {
        let Some(entry) = store.entry(index) else {
            continue;
        };
        let d = store.decode(index);
        let Some(tcp) = d.tcp() else { continue };
        let dir = Direction::of(entry);
        let ns = store.relative_ns(index).unwrap_or(0);
        let time = ns as f64 / 1e9;
        let (rel_seq, rel_ack) = convs.relative(
            conv,
            dir,
            tcp.sequence_number(),
            tcp.acknowledgment_number(),
            tcp.ack(),
        );
        if dir == direction {
            let len = u64::from(d.tcp_len().unwrap_or(0));
            let syn_fin = u64::from(tcp.syn()) + u64::from(tcp.fin());
            let seq = seq_line.next(rel_seq);
            let end = seq.saturating_add(len + syn_fin);
            if len + syn_fin == 0 {
                continue;
            }
            let retrans = entry.analysis
                & (af::RETRANSMISSION | af::FAST_RETRANSMISSION | af::SPURIOUS_RETRANSMISSION)
                != 0;
            g.segments.push(Segment {
                packet: index as u32,
                time,
                seq,
                end,
                retransmission: retrans,
            });
            highest_sent = highest_sent.max(end);
            g.in_flight
                .push((time, highest_sent.saturating_sub(highest_acked)));
            if let Some(o) = outstanding.iter_mut().find(|o| o.0 == end) {
                o.3 = true;
            } else if (outstanding.len() as u64) < MAX_GRAPH_OUTSTANDING {
                outstanding.push_back((end, ns, seq, retrans));
            } else {
                trace
                    .limits
                    .report(LimitHit::new(Limit::GraphOutstanding, Some(index as u32)));
            }
            window.push_back((ns, len));
            window_bytes = window_bytes.saturating_add(len);
            while let Some(&(t0, b)) = window.front() {
                if ns.saturating_sub(t0) <= THROUGHPUT_WINDOW_NS {
                    break;
                }
                window.pop_front();
                window_bytes = window_bytes.saturating_sub(b);
            }
            let span = window
                .front()
                .map(|&(t0, _)| ns.saturating_sub(t0))
                .unwrap_or(0);
            let bits = window_bytes.saturating_mul(8) as f64;
            // One segment alone has no span: count it over the whole window.
            let bps = scale::per_second(bits, if span > 0 { span } else { THROUGHPUT_WINDOW_NS });
            g.throughput.push((time, bps));
        } else if tcp.ack() {
            let ack = ack_line.next(rel_ack);
            let view = crate::fields::PacketView::from_decoded(trace, None, index, d.clone());
            let window = u64::from(view.scaled_window(tcp.window_size()));
            let base = conv
                .tcp
                .as_ref()
                .and_then(|t| t.dirs[direction.index()].base_seq)
                .unwrap_or(0);
            let mut sack = Vec::new();
            for o in TcpOptions::new(tcp.options()) {
                if let TcpOption::Sack { blocks, count } = o {
                    for &(l, r) in blocks.iter().take(usize::from(count)) {
                        let l = ack.saturating_add(u64::from(
                            l.wrapping_sub(base).wrapping_sub(ack as u32),
                        ));
                        let r = ack.saturating_add(u64::from(
                            r.wrapping_sub(base).wrapping_sub(ack as u32),
                        ));
                        sack.push((l, r));
                    }
                }
            }
            g.acks.push(Ack {
                packet: index as u32,
                time,
                ack,
                window,
                sack,
            });
            highest_acked = highest_acked.max(ack);
            while let Some(&(end, sent, seq, retrans)) = outstanding.front() {
                if end > ack {
                    break;
                }
                outstanding.pop_front();
                if end == ack && !retrans {
                    g.rtt.push(RttSample {
                        packet: index as u32,
                        time,
                        seq,
                        ms: ns.saturating_sub(sent) as f64 / 1e6,
                    });
                }
            }
        }
    }
    g
}

/// One JSON object per point of every series.
pub fn write_json(g: &TcpGraph, out: &mut String) {
    let mut line = |v: serde_json::Value| {
        out.push_str(&v.to_string());
        out.push('\n');
    };
    let stream = g.stream;
    for s in &g.segments {
        line(
            serde_json::json!({"stat": "tcp-graph", "stream": stream, "series": "segment",
            "frame": s.packet + 1, "time": s.time, "seq": s.seq, "end": s.end,
            "retransmission": s.retransmission}),
        );
    }
    for a in &g.acks {
        line(
            serde_json::json!({"stat": "tcp-graph", "stream": stream, "series": "ack",
            "frame": a.packet + 1, "time": a.time, "ack": a.ack, "window": a.window,
            "sack": a.sack}),
        );
    }
    for (t, bps) in &g.throughput {
        line(
            serde_json::json!({"stat": "tcp-graph", "stream": stream, "series": "throughput", "time": t, "bits_per_second": bps}),
        );
    }
    for r in &g.rtt {
        line(
            serde_json::json!({"stat": "tcp-graph", "stream": stream, "series": "rtt", "frame": r.packet + 1, "time": r.time, "seq": r.seq, "rtt_ms": r.ms}),
        );
    }
    for (t, b) in &g.in_flight {
        line(
            serde_json::json!({"stat": "tcp-graph", "stream": stream, "series": "in-flight", "time": t, "bytes": b}),
        );
    }
}

/// A text listing: one line per segment and per ACK, in time order.
pub fn write_text(g: &TcpGraph, out: &mut String) {
    use std::fmt::Write as _;
    let _ = writeln!(
        out,
        "TCP stream {} graph: {} segments ({} retransmitted), {} ACKs, {} RTT samples",
        g.stream,
        g.segments.len(),
        g.segments.iter().filter(|s| s.retransmission).count(),
        g.acks.len(),
        g.rtt.len()
    );
    let _ = writeln!(
        out,
        "{:>7} {:>12}  {:<5} {:>12} {:>12} {:>10}",
        "Frame", "Time", "Kind", "Seq/Ack", "End/Win", "Extra"
    );
    let (mut i, mut j) = (0, 0);
    let mut ti = g.throughput.iter();
    loop {
        let s = g.segments.get(i);
        let a = g.acks.get(j);
        match (s, a) {
            (Some(s), a) if a.is_none_or(|a| s.packet < a.packet) => {
                let bps = ti.next().map(|t| t.1).unwrap_or(0.0);
                let kind = if s.retransmission { "RETR" } else { "SEG" };
                let _ = writeln!(
                    out,
                    "{:>7} {:>12.6}  {kind:<5} {:>12} {:>12} {:>10.0}",
                    s.packet + 1,
                    s.time,
                    s.seq,
                    s.end,
                    bps
                );
                i += 1;
            }
            (_, Some(a)) => {
                let sack: Vec<String> = a.sack.iter().map(|(l, r)| format!("{l}-{r}")).collect();
                let _ = writeln!(
                    out,
                    "{:>7} {:>12.6}  {:<5} {:>12} {:>12} {}",
                    a.packet + 1,
                    a.time,
                    "ACK",
                    a.ack,
                    a.window,
                    sack.join(",")
                );
                j += 1;
            }
            _ => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_numbers_unwrap_past_4_gib() {
        let mut u = Unwrap::default();
        assert_eq!(u.next(u32::MAX - 10), u64::from(u32::MAX - 10));
        assert_eq!(u.next(5), u64::from(u32::MAX) + 6);
        // A retransmission before the wrap goes back, not forward 4 GiB.
        assert_eq!(u.next(u32::MAX - 2), u64::from(u32::MAX - 2));
        let mut z = Unwrap::default();
        assert_eq!(z.next(0), 0);
        assert_eq!(z.next(u32::MAX), 0, "never below zero");
    }
}
