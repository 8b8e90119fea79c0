//! The ladder (sequence) diagram of a TCP connection: a model with the two
//! endpoints and one row per segment (or per folded run of data segments),
//! grouped into phases, plus [`render_text`], the plain-text renderer. The TUI
//! draws the same [`Ladder`]; only the renderers build strings.

use super::analysis::flags as af;
use super::follow::Side;
use super::life::{life, Teardown};
use super::{Conversation, Conversations, Direction};
use crate::decode::tcp_flags::TcpFlags;
use crate::store::PacketStore;
use std::fmt::Write as _;
use std::net::SocketAddr;

/// A phase of the connection's life, shown as a label across the diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Handshake,
    /// The TLS handshake, from the Client Hello to the last Finished.
    TlsHandshake,
    Data,
    /// Closing, named after the teardown kind.
    Teardown(TeardownLabel),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeardownLabel {
    FourWay,
    ThreeWay,
    Simultaneous,
    HalfClose,
    Reset,
    Unfinished,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Handshake => "Three-way handshake",
            Phase::TlsHandshake => "TLS handshake",
            Phase::Data => "Data (request/response)",
            Phase::Teardown(TeardownLabel::FourWay) => "Four-way teardown",
            Phase::Teardown(TeardownLabel::ThreeWay) => "Three-way teardown",
            Phase::Teardown(TeardownLabel::Simultaneous) => "Simultaneous close",
            Phase::Teardown(TeardownLabel::HalfClose) => "Half close",
            Phase::Teardown(TeardownLabel::Reset) => "Reset",
            Phase::Teardown(TeardownLabel::Unfinished) => "Teardown (unfinished)",
        }
    }
}

/// One segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// 0-based packet index (frame number - 1).
    pub packet: u32,
    /// Nanoseconds since the connection's first packet.
    pub time_ns: i64,
    pub from: Side,
    pub flags: TcpFlags,
    /// Relative sequence number.
    pub seq: u32,
    /// Relative acknowledgment number, when ACK is set.
    pub ack: Option<u32>,
    pub len: u32,
    /// Window after scaling.
    pub win: u32,
    /// `tcp.analysis` labels (e.g. "TCP Retransmission").
    pub analysis: Vec<&'static str>,
}

impl Segment {
    /// Wireshark's flag names, e.g. `SYN, ACK`.
    pub fn flag_names(&self) -> String {
        self.flags.names()
    }

    /// The arrow's label, in the order of Wireshark's Info column:
    /// `[TCP Retransmission] [PSH, ACK] Seq=1 Ack=1 Win=64240 Len=517`.
    pub fn label(&self) -> String {
        let mut label = String::new();
        for a in &self.analysis {
            let _ = write!(label, "[{a}] ");
        }
        let _ = write!(label, "[{}] Seq={}", self.flag_names(), self.seq);
        if let Some(a) = self.ack {
            let _ = write!(label, " Ack={a}");
        }
        let _ = write!(label, " Win={} Len={}", self.win, self.len);
        label
    }
}

/// A run of data segments in one direction (with the other side's pure ACKs
/// in between), folded into one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fold {
    pub from: Side,
    pub first_packet: u32,
    pub last_packet: u32,
    pub segments: u32,
    pub bytes: u64,
    /// Pure ACKs from the other side inside the run.
    pub acks: u32,
    pub start_ns: i64,
    pub end_ns: i64,
}

impl Fold {
    /// The folded run's label: `12 segments, 16384 bytes, 6 ACKs, frames 8-25 over 0.002s`.
    pub fn label(&self) -> String {
        format!(
            "{} segments, {} bytes, {} ACKs, frames {}-{} over {}s",
            self.segments,
            self.bytes,
            self.acks,
            self.first_packet + 1,
            self.last_packet + 1,
            secs(self.end_ns.saturating_sub(self.start_ns))
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    Phase(Phase),
    Segment(Segment),
    Fold(Fold),
}

/// The diagram of one conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ladder {
    pub stream: u32,
    pub client: SocketAddr,
    pub server: SocketAddr,
    pub rows: Vec<Row>,
}

/// Builds the ladder of a TCP conversation; data runs are folded unless `all`.
pub fn ladder(
    store: &PacketStore,
    conversations: &Conversations,
    conv: &Conversation,
    all: bool,
) -> Ladder {
    ladder_with_tls(store, conversations, conv, all, None)
}

/// Like [`ladder`], with the packets `tls` (first and last, 0-based) shown
/// as a TLS handshake phase between the TCP handshake and the data (see
/// `crate::tls::TlsConnection::handshake_packets`).
pub fn ladder_with_tls(
    store: &PacketStore,
    conversations: &Conversations,
    conv: &Conversation,
    all: bool,
    tls: Option<(u32, u32)>,
) -> Ladder {
    let end_label = match life(store, conv).map(|l| l.teardown) {
        Some(Teardown::FourWay { .. }) => TeardownLabel::FourWay,
        Some(Teardown::ThreeWay { .. }) => TeardownLabel::ThreeWay,
        Some(Teardown::Simultaneous { .. }) => TeardownLabel::Simultaneous,
        Some(Teardown::HalfClose { .. }) => TeardownLabel::HalfClose,
        Some(Teardown::Reset { .. }) => TeardownLabel::Reset,
        Some(Teardown::StillOpen { .. }) | None => TeardownLabel::Unfinished,
    };
    let handshake_ack = conv.tcp.as_ref().and_then(|t| t.handshake_ack);
    let mut rows = Vec::new();
    let mut phase: Option<Phase> = None;
    let mut run: Vec<Segment> = Vec::new();
    let mut closing = false;
    for index in conv.packets(store) {
        let Some(e) = store.entry(index) else {
            continue;
        };
        let decoded = store.decode(index);
        let Some(t) = decoded.tcp() else {
            continue;
        };
        let dir = Direction::of(e);

        let (seq, ack) = conversations.relative(
            conv,
            dir,
            t.sequence_number(),
            t.acknowledgment_number(),
            t.ack(),
        );
        let flags = t.tcp_flags();
        let seg = Segment {
            packet: index as u32,
            time_ns: if e.has_timestamp() {
                e.ts_ns.saturating_sub(conv.first_ts)
            } else {
                0
            },
            from: Side::of(conv, dir),
            flags,
            seq,
            ack: t.ack().then_some(ack),
            len: decoded.tcp_len().unwrap_or(0),
            win: conversations.scaled_window(store, index, t.window_size()),
            analysis: af::ALL
                .iter()
                .filter(|(bit, _, _)| e.analysis & bit != 0)
                .map(|(_, _, label)| *label)
                .collect(),
        };
        if flags.intersects(TcpFlags::FIN | TcpFlags::RST) {
            closing = true;
        }
        let this_phase = if closing {
            Phase::Teardown(end_label)
        } else if flags.syn() || Some(index as u32) == handshake_ack {
            Phase::Handshake
        } else if tls.is_some_and(|(first, last)| (first..=last).contains(&(index as u32))) {
            Phase::TlsHandshake
        } else {
            Phase::Data
        };
        if phase != Some(this_phase) {
            flush(&mut run, &mut rows, all);
            rows.push(Row::Phase(this_phase));
            phase = Some(this_phase);
        }
        run.push(seg);
    }
    flush(&mut run, &mut rows, all);
    Ladder {
        stream: conv.stream,
        client: conv.client(),
        server: conv.server(),
        rows,
    }
}

fn is_data(s: &Segment) -> bool {
    s.len > 0
        && !s
            .flags
            .intersects(TcpFlags::from_bits(!(TcpFlags::ACK | TcpFlags::PSH).bits()))
        && s.analysis.is_empty()
}

fn is_pure_ack(s: &Segment) -> bool {
    s.len == 0 && s.flags == TcpFlags::ACK && s.analysis.is_empty()
}

/// Moves the segments of one phase into rows, folding data runs.
fn flush(run: &mut Vec<Segment>, rows: &mut Vec<Row>, all: bool) {
    let segs = std::mem::take(run);
    if all {
        rows.extend(segs.into_iter().map(Row::Segment));
        return;
    }
    let mut i = 0;
    while i < segs.len() {
        let Some(first) = segs.get(i).filter(|s| is_data(s)) else {
            if let Some(s) = segs.get(i) {
                rows.push(Row::Segment(s.clone()));
            }
            i += 1;
            continue;
        };
        // Extend over data from the same side and pure ACKs from the other,
        // ending at the last data segment.
        let from = first.from;
        let mut last_data = i;
        let mut j = i + 1;
        while let Some(s) = segs.get(j) {
            if s.from == from && is_data(s) {
                last_data = j;
            } else if !(s.from != from && is_pure_ack(s)) {
                break;
            }
            j += 1;
        }
        let part = &segs[i..=last_data];
        let data: Vec<&Segment> = part.iter().filter(|s| s.from == from).collect();
        if data.len() < 2 {
            rows.push(Row::Segment(first.clone()));
            i += 1;
            continue;
        }
        let last = &segs[last_data];
        rows.push(Row::Fold(Fold {
            from,
            first_packet: first.packet,
            last_packet: last.packet,
            segments: data.len() as u32,
            bytes: data.iter().map(|s| u64::from(s.len)).sum(),
            acks: (part.len() - data.len()) as u32,
            start_ns: first.time_ns,
            end_ns: last.time_ns,
        }));
        i = last_data + 1;
    }
}

fn secs(ns: i64) -> String {
    crate::text::seconds(ns)
}

/// Draws the ladder as text, `width` columns wide (at least 60): time and frame
/// number on the left, then the client and server lifelines with an arrow per
/// row and its label above it. Labels come from packets: the caller sanitises
/// the result before printing it to a terminal.
pub fn render_text(ladder: &Ladder, width: usize) -> String {
    render_text_with_heads(
        ladder,
        width,
        &ladder.client.to_string(),
        &ladder.server.to_string(),
    )
}

/// [`render_text`] with the lifelines headed by `client` and `server`
/// (e.g. names from the capture's DNS answers).
pub fn render_text_with_heads(ladder: &Ladder, width: usize, client: &str, server: &str) -> String {
    const MARGIN: usize = 20;
    let width = width.max(60);
    let gap = width - MARGIN - 2; // columns between the two lifelines
    let mut out = String::new();
    let head = format!("{:>10} {:>8}", "time", "frame");
    let names = format!(
        "{client:<w$}{server}",
        w = (gap + 2).saturating_sub(server.chars().count())
    );
    let _ = writeln!(out, "{head:<MARGIN$}{names}");
    let lifeline = |out: &mut String, left: &str, mid: &str| {
        let _ = writeln!(out, "{left:<MARGIN$}│{mid:^gap$}│");
    };
    for row in &ladder.rows {
        match row {
            Row::Phase(p) => {
                let label = format!(" {} ", p.label());
                let _ = writeln!(out, "{:MARGIN$}│{label:┄^gap$}│", "");
            }
            Row::Segment(s) => {
                lifeline(&mut out, "", &crate::text::truncate_chars(&s.label(), gap));
                let left = format!("{:>10} {:>8}", secs(s.time_ns), s.packet + 1);
                let _ = writeln!(out, "{left:<MARGIN$}{}", arrow(s.from, gap));
            }
            Row::Fold(f) => {
                lifeline(&mut out, "", &crate::text::truncate_chars(&f.label(), gap));
                let left = format!("{:>10} {:>8}", secs(f.start_ns), f.first_packet + 1);
                let _ = writeln!(out, "{left:<MARGIN$}{}", fat_arrow(f.from, gap));
            }
        }
    }
    out
}

fn arrow(from: Side, gap: usize) -> String {
    let body = "─".repeat(gap.saturating_sub(1));
    match from {
        Side::Client => format!("│{body}>│"),
        Side::Server => format!("│<{body}│"),
    }
}

fn fat_arrow(from: Side, gap: usize) -> String {
    let body = "═".repeat(gap.saturating_sub(1));
    match from {
        Side::Client => format!("│{body}>│"),
        Side::Server => format!("│<{body}│"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::life::tests::{trace, ACK, FIN, SYN};
    const PSH: u8 = TcpFlags::PSH.low_byte();

    const SA: u8 = SYN | ACK;
    const FA: u8 = FIN | ACK;

    fn segs() -> Vec<crate::flow::life::tests::Seg<'static>> {
        vec![
            (true, SYN, 100, 0, b""),
            (false, SA, 500, 101, b""),
            (true, ACK, 101, 501, b""),
            (true, ACK, 101, 501, b"GET"),
            (false, ACK, 501, 104, b"aaaa"),
            (true, ACK, 104, 505, b""),
            (false, ACK, 505, 104, b"bbbb"),
            (false, ACK | PSH, 509, 104, b"cc"),
            (true, FA, 104, 511, b""),
            (false, FA, 511, 105, b""),
            (true, ACK, 105, 512, b""),
        ]
    }

    #[test]
    fn phases_and_folding() {
        let t = trace(&segs());
        let conv = t.conversations.tcp_stream(0).expect("stream");
        let l = ladder(&t.store, &t.conversations, conv, false);
        assert_eq!(l.client.to_string(), "10.0.0.1:40000");
        let phases: Vec<Phase> = l
            .rows
            .iter()
            .filter_map(|r| match r {
                Row::Phase(p) => Some(*p),
                _ => None,
            })
            .collect();
        assert_eq!(
            phases,
            vec![
                Phase::Handshake,
                Phase::Data,
                Phase::Teardown(TeardownLabel::ThreeWay)
            ]
        );
        let fold = l.rows.iter().find_map(|r| match r {
            Row::Fold(f) => Some(*f),
            _ => None,
        });
        assert_eq!(
            fold,
            Some(Fold {
                from: Side::Server,
                first_packet: 4,
                last_packet: 7,
                segments: 3,
                bytes: 10,
                acks: 1,
                start_ns: 40_000_000,
                end_ns: 70_000_000,
            })
        );
        let Some(Row::Segment(syn_ack)) = l.rows.get(2) else {
            panic!("SYN/ACK row expected: {:?}", l.rows)
        };
        assert_eq!(syn_ack.flag_names(), "SYN, ACK");
        assert_eq!((syn_ack.seq, syn_ack.ack), (0, Some(1)));
        assert_eq!(syn_ack.from, Side::Server);
        let all = ladder(&t.store, &t.conversations, conv, true);
        assert_eq!(
            all.rows
                .iter()
                .filter(|r| matches!(r, Row::Segment(_)))
                .count(),
            11
        );
        let text = render_text(&l, 80);
        assert!(text.contains("[SYN, ACK] Seq=0 Ack=1"));
        assert!(text.contains("3 segments, 10 bytes"));
        assert!(text.contains("──>│") && text.contains("│<──"));
    }
}
