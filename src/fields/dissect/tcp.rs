//! TCP: every header field, the flags bit by bit, the window and its scaling,
//! the checksum, every option (window scale with its multiplier, SACK
//! blocks, timestamps), `[Timestamps]`, `[SEQ/ACK analysis]` with the
//! analysis flags as expert notes, and the payload.

use super::bits::{bitfield, secs, set};
use super::Node;
use crate::decode::tcp_flags::TcpFlags;
use crate::decode::Transport;
use crate::fields::{PacketView, Value};
use crate::flow::analysis::flags as af;
use std::borrow::Cow;

mod options;
pub mod seq_ack;

use options::options;

/// Most earlier packets of a stream walked for `[Conversation completeness]`
/// and the time since the previous frame of the stream; past it both are
/// left out and the tree says so.
pub const MAX_STREAM_WALK: usize = 20_000;

/// Conversation completeness bits, as Wireshark counts them.
const C_SYN: u8 = 1;
const C_SYNACK: u8 = 2;
const C_ACK: u8 = 4;
const C_DATA: u8 = 8;
const C_FIN: u8 = 16;
const C_RST: u8 = 32;

/// The conversation completeness after one more packet, as tshark 4.0
/// moves it forward: a conversation's first packet counts only as a pure
/// SYN (with data: TCP Fast Open); later ones add SYN-ACK, data (an ACK
/// carrying payload), a pure ACK, FIN-ACK and RST.
fn next_completeness(c: u8, first: bool, f: TcpFlags, len: u32) -> u8 {
    let syn_ack = (f.syn(), f.ack());
    if first {
        return match syn_ack {
            (true, false) if len > 0 => C_SYN | C_DATA,
            (true, false) => C_SYN,
            _ => 0,
        };
    }
    let mut c = c;
    match syn_ack {
        (true, true) => c |= C_SYNACK,
        (false, true) if len > 0 => c |= C_DATA,
        (false, true) => c |= C_ACK,
        _ => {}
    }
    if f.fin() && f.ack() {
        c |= C_FIN;
    }
    if f.rst() {
        c |= C_RST;
    }
    c
}

fn completeness_text(v: u8) -> String {
    let hs = C_SYN | C_SYNACK | C_ACK;
    let word = if v & hs == hs {
        match (v & (C_FIN | C_RST) != 0, v & C_DATA != 0) {
            (true, true) => "Complete, WITH_DATA",
            (true, false) => "Complete, NO_DATA",
            (false, true) => "Incomplete, DATA",
            (false, false) => "Incomplete, ESTABLISHED",
        }
    } else {
        match v {
            1 => "Incomplete, SYN_SENT",
            3 => "Incomplete, CLIENT_ESTABLISHED",
            _ => "Incomplete",
        }
    };
    format!("[Conversation completeness: {word} ({v})]")
}

/// (severity, message) of an analysis flag's expert note.
fn analysis_note(bit: u16, dup_num: u16) -> Option<(&'static str, String)> {
    let s = |sev: &'static str, m: &str| Some((sev, m.to_string()));
    match bit {
        af::RETRANSMISSION => s("Note", "This frame is a (suspected) retransmission"),
        af::FAST_RETRANSMISSION => s("Note", "This frame is a (suspected) fast retransmission"),
        af::SPURIOUS_RETRANSMISSION => s(
            "Note",
            "This frame is a (suspected) spurious retransmission",
        ),
        af::OUT_OF_ORDER => s(
            "Warning",
            "This frame is a (suspected) out-of-order segment",
        ),
        af::LOST_SEGMENT => s(
            "Warning",
            "Previous segment(s) not captured (common at capture start)",
        ),
        af::ACK_LOST_SEGMENT => s(
            "Warning",
            "ACKed segment that wasn't captured (common at capture start)",
        ),
        af::DUPLICATE_ACK => Some(("Note", format!("Duplicate ACK (#{dup_num})"))),
        af::ZERO_WINDOW => s("Warning", "TCP Zero Window segment"),
        af::WINDOW_FULL => s(
            "Warning",
            "TCP window specified by the receiver is now completely full",
        ),
        af::KEEP_ALIVE => s("Note", "TCP keep-alive segment"),
        af::KEEP_ALIVE_ACK => s("Note", "ACK to a TCP keep-alive segment"),
        af::WINDOW_UPDATE => s("Chat", "TCP window update"),
        af::ZERO_WINDOW_PROBE => s("Note", "TCP Zero Window Probe"),
        af::ZERO_WINDOW_PROBE_ACK => s("Note", "ACK to a TCP Zero Window Probe"),
        af::REUSED_PORTS => s(
            "Note",
            "A new tcp session is started with the same ports as an earlier session in this trace",
        ),
        _ => None,
    }
}

/// The order tshark adds the flags' notes in.
const NOTE_ORDER: [u16; 15] = [
    af::REUSED_PORTS,
    af::LOST_SEGMENT,
    af::ACK_LOST_SEGMENT,
    af::KEEP_ALIVE,
    af::KEEP_ALIVE_ACK,
    af::WINDOW_UPDATE,
    af::WINDOW_FULL,
    af::ZERO_WINDOW,
    af::ZERO_WINDOW_PROBE,
    af::ZERO_WINDOW_PROBE_ACK,
    af::DUPLICATE_ACK,
    af::RETRANSMISSION,
    af::FAST_RETRANSMISSION,
    af::SPURIOUS_RETRANSMISSION,
    af::OUT_OF_ORDER,
];

/// A retransmission: tshark shows its payload as "Retransmitted TCP segment
/// data" and hands it to no dissector.
pub fn retransmitted(view: &PacketView<'_>) -> bool {
    let bits = af::RETRANSMISSION | af::FAST_RETRANSMISSION | af::SPURIOUS_RETRANSMISSION;
    view.trace
        .store
        .entry(view.index)
        .is_some_and(|e| e.analysis & bits != 0)
}

pub fn layers(view: &PacketView<'_>, out: &mut Vec<Node>, protocols: &mut Vec<&'static str>) {
    let d = &view.decoded;
    let Transport::Tcp(t) = &d.transport else {
        return;
    };
    protocols.push("tcp");
    let at = d.transport_offset.unwrap_or(0);
    let b = t.slice();
    let hl = usize::from(t.data_offset()) * 4;
    let store = &view.trace.store;
    let conv = view.trace.conversations.of_packet(store, view.index);
    let (seq, ack) = view
        .relative_seq_ack()
        .unwrap_or((t.sequence_number(), t.acknowledgment_number()));
    let len = d.tcp_len().unwrap_or(0);
    let flags = t.tcp_flags();
    let (sp, dp) = (t.source_port(), t.destination_port());
    let mut head =
        format!("Transmission Control Protocol, Src Port: {sp}, Dst Port: {dp}, Seq: {seq}");
    if flags.ack() {
        head.push_str(&format!(", Ack: {ack}"));
    }
    head.push_str(&format!(", Len: {len}"));
    let mut n = Node::field("tcp", head, at..at + hl, Value::Present);
    n.add(Node::field(
        "tcp.srcport",
        format!("Source Port: {sp}"),
        at..at + 2,
        Value::UInt(u64::from(sp)),
    ));
    n.add(Node::field(
        "tcp.dstport",
        format!("Destination Port: {dp}"),
        at + 2..at + 4,
        Value::UInt(u64::from(dp)),
    ));
    // One walk over the stream's earlier packets.
    let mut completeness = 0u8;
    let mut prev_ts: Option<i64> = None;
    let mut walked_all = true;
    let mut tracker = seq_ack::Tracker::default();
    if let Some((c, _)) = conv {
        n.add(Node::field(
            "tcp.stream",
            format!("[Stream index: {}]", c.stream),
            0..0,
            Value::UInt(u64::from(c.stream)),
        ));
        // A data connection an FTP control connection announced already
        // exists for tshark when its SYN arrives (the FTP dissector made
        // it), so the SYN does not count as the conversation's first packet.
        // Not after EPRT, which tshark 4.0 does not set a conversation up for
        // (its data Info names no setup either).
        let announced = view
            .http
            .and_then(|h| h.ftp_data_channel(c))
            .is_some_and(|ch| ch.mode != "EPRT");
        for (steps, i) in c.packets(store).enumerate() {
            if i >= view.index {
                break;
            }
            if steps >= MAX_STREAM_WALK {
                walked_all = false;
                break;
            }
            let Some(e) = store.entry(i) else { break };
            if let Some(s) = seq_ack::Segment::of(view.trace, i) {
                tracker.step(&s);
            }
            if e.has_timestamp() {
                prev_ts = Some(e.ts_ns);
            }
            completeness = next_completeness(
                completeness,
                steps == 0 && !announced,
                e.tcp_flags(),
                store.decode(i).tcp_len().unwrap_or(0),
            );
        }
        if walked_all {
            n.add(Node::field(
                "tcp.completeness",
                completeness_text(completeness),
                0..0,
                Value::UInt(u64::from(completeness)),
            ));
        } else {
            n.add(Node::text(
                format!("[Conversation completeness and stream timestamps left out: more than {MAX_STREAM_WALK} earlier packets (dissect::tcp::MAX_STREAM_WALK)]"),
                0..0,
            ));
        }
    }
    n.add(Node::field(
        "tcp.len",
        format!("[TCP Segment Len: {len}]"),
        0..0,
        Value::UInt(u64::from(len)),
    ));
    let relative = conv.is_some();
    let rel_word = if relative {
        "    (relative sequence number)"
    } else {
        ""
    };
    n.add(Node::field(
        "tcp.seq",
        format!("Sequence Number: {seq}{rel_word}"),
        at + 4..at + 8,
        Value::UInt(u64::from(seq)),
    ));
    n.add(Node::field(
        "tcp.seq_raw",
        format!("Sequence Number (raw): {}", t.sequence_number()),
        at + 4..at + 8,
        Value::UInt(u64::from(t.sequence_number())),
    ));
    let syn_fin = u32::from(flags.syn()) + u32::from(flags.fin());
    let nxt = seq.wrapping_add(len).wrapping_add(syn_fin);
    n.add(Node::field(
        "tcp.nxtseq",
        format!("[Next Sequence Number: {nxt}{rel_word}]"),
        0..0,
        Value::UInt(u64::from(nxt)),
    ));
    if flags.ack() {
        let w = if relative {
            "    (relative ack number)"
        } else {
            ""
        };
        n.add(Node::field(
            "tcp.ack",
            format!("Acknowledgment Number: {ack}{w}"),
            at + 8..at + 12,
            Value::UInt(u64::from(ack)),
        ));
    } else if t.acknowledgment_number() != 0 {
        // tshark shows the raw number then, and says so.
        let raw = t.acknowledgment_number();
        let a = n.add(Node::field(
            "tcp.ack",
            format!("Acknowledgment Number: {raw}"),
            at + 8..at + 12,
            Value::UInt(u64::from(raw)),
        ));
        a.expert(
            "Note",
            "Protocol",
            "The acknowledgment number field is nonzero while the ACK flag is not set",
        );
    } else {
        n.add(Node::field(
            "tcp.ack",
            "Acknowledgment Number: 0",
            at + 8..at + 12,
            Value::UInt(0),
        ));
    }
    n.add(Node::field(
        "tcp.ack_raw",
        format!("Acknowledgment number (raw): {}", t.acknowledgment_number()),
        at + 8..at + 12,
        Value::UInt(u64::from(t.acknowledgment_number())),
    ));
    let b12 = u64::from(b.get(12).copied().unwrap_or(0));
    n.add(
        Node::field(
            "tcp.hdr_len",
            bitfield(
                b12,
                0xf0,
                8,
                &format!("Header Length: {hl} bytes ({})", t.data_offset()),
            ),
            at + 12..at + 13,
            Value::UInt(hl as u64),
        )
        .masked(0xf0),
    );
    let fb = u64::from(flags.bits());
    let fr = at + 12..at + 14;
    let f = n.add(
        Node::field(
            "tcp.flags",
            format!("Flags: 0x{fb:03x} ({})", flags.names()),
            fr.clone(),
            Value::Hex(fb, 4),
        )
        .masked(0x0fff),
    );
    let server_port = dp;
    for (abbrev, mask, label) in [
        ("tcp.flags.res", 0xe00u64, "Reserved"),
        ("tcp.flags.ae", 0x100, "Accurate ECN"),
        ("tcp.flags.cwr", 0x080, "Congestion Window Reduced"),
        ("tcp.flags.ece", 0x040, "ECN-Echo"),
        ("tcp.flags.urg", 0x020, "Urgent"),
        ("tcp.flags.ack", 0x010, "Acknowledgment"),
        ("tcp.flags.push", 0x008, "Push"),
        ("tcp.flags.reset", 0x004, "Reset"),
        ("tcp.flags.syn", 0x002, "Syn"),
        ("tcp.flags.fin", 0x001, "Fin"),
    ] {
        let on = fb & mask != 0;
        let bit = f.add(
            Node::field(
                abbrev,
                bitfield(fb, mask, 12, &format!("{label}: {}", set(on))),
                fr.clone(),
                Value::Bool(on),
            )
            .masked(mask),
        );
        if on && mask == 0x002 {
            if flags.ack() {
                bit.expert(
                    "Chat",
                    "Sequence",
                    &format!("Connection establish acknowledge (SYN+ACK): server port {sp}"),
                );
            } else {
                bit.expert(
                    "Chat",
                    "Sequence",
                    &format!("Connection establish request (SYN): server port {server_port}"),
                );
            }
        }
        if on && mask == 0x004 {
            bit.expert("Warning", "Sequence", "Connection reset (RST)");
        }
        if on && mask == 0x001 {
            bit.expert("Chat", "Sequence", "Connection finish (FIN)");
        }
    }
    let fs = f.add(Node::field(
        "tcp.flags.str",
        format!("[TCP Flags: {}]", flags.str()),
        fr.clone(),
        Value::Str(Cow::Owned(flags.str())),
    ));
    if flags.fin() {
        // The first FIN of the connection initiates the closing; the
        // other side's FIN undergoes it.
        let other_fin = conv.and_then(|(c, dir)| c.tcp.as_ref()?.dirs[dir.reverse().index()].fin);
        if other_fin.is_some_and(|p| (p as usize) < view.index) {
            fs.expert(
                "Note",
                "Sequence",
                "This frame undergoes the connection closing",
            );
        } else {
            fs.expert(
                "Note",
                "Sequence",
                "This frame initiates the connection closing",
            );
        }
    }
    let win = t.window_size();
    n.add(Node::field(
        "tcp.window_size_value",
        format!("Window: {win}"),
        at + 14..at + 16,
        Value::UInt(u64::from(win)),
    ));
    let scaled = view.scaled_window(win);
    n.add(Node::field(
        "tcp.window_size",
        format!("[Calculated window size: {scaled}]"),
        at + 14..at + 16,
        Value::UInt(u64::from(scaled)),
    ));
    if !flags.syn() {
        let tcp_state = conv.and_then(|(c, dir)| c.tcp.as_ref().map(|s| (s, dir)));
        let factor: i64 = match tcp_state {
            Some((s, dir)) => match s.dirs[dir.index()].window_shift {
                Some(sh) => 1i64 << sh.min(14),
                None if s.dirs[0].syn.is_some() && s.dirs[1].syn.is_some() => -2,
                None => -1,
            },
            None => -1,
        };
        let text = match factor {
            -1 => "[Window size scaling factor: -1 (unknown)]".to_string(),
            -2 => "[Window size scaling factor: -2 (no window scaling used)]".to_string(),
            f => format!("[Window size scaling factor: {f}]"),
        };
        n.add(Node::field(
            "tcp.window_size_scalefactor",
            text,
            0..0,
            Value::Str(Cow::Owned(factor.to_string())),
        ));
    }
    let ck = t.checksum();
    n.add(Node::field(
        "tcp.checksum",
        format!("Checksum: 0x{ck:04x} [unverified]"),
        at + 16..at + 18,
        Value::Hex(u64::from(ck), 4),
    ));
    n.add(Node::field(
        "tcp.checksum.status",
        "[Checksum Status: Unverified]",
        0..0,
        Value::UInt(2),
    ));
    let up = t.urgent_pointer();
    n.add(Node::field(
        "tcp.urgent_pointer",
        format!("Urgent Pointer: {up}"),
        at + 18..at + 20,
        Value::UInt(u64::from(up)),
    ));
    let opts = t.options();
    if !opts.is_empty() {
        let base_ack =
            conv.and_then(|(c, dir)| c.tcp.as_ref()?.dirs[dir.reverse().index()].base_seq);
        n.add(options(opts, at + 20, base_ack));
    }
    let entry = store.entry(view.index);
    let ts = entry.filter(|e| e.has_timestamp()).map(|e| e.ts_ns);
    if let (Some((c, _)), Some(ts), true) = (conv, ts, walked_all) {
        let first = ts.saturating_sub(c.first_ts);
        let prev = prev_ts.map_or(0, |p| ts.saturating_sub(p));
        let s = n.add(Node::text("[Timestamps]", 0..0));
        s.add(Node::field(
            "tcp.time_relative",
            format!(
                "[Time since first frame in this TCP stream: {} seconds]",
                secs(first)
            ),
            0..0,
            Value::Time(first),
        ));
        s.add(Node::field(
            "tcp.time_delta",
            format!(
                "[Time since previous frame in this TCP stream: {} seconds]",
                secs(prev)
            ),
            0..0,
            Value::Time(prev),
        ));
    }
    let analysis = entry.map_or(0, |e| e.analysis);
    let values = (conv.is_some() && walked_all)
        .then(|| seq_ack::Segment::of(view.trace, view.index))
        .flatten()
        .map(|s| tracker.step(&s));
    let shown = values.map_or(analysis != 0, |v| v.shown);
    if shown {
        let first_rtt = values.is_some().then_some(tracker.first_rtt_ns);
        n.add(seq_ack_node(
            view,
            conv,
            values,
            analysis,
            at..at + hl,
            tracker.limit_hit,
            first_rtt,
        ));
    }
    let payload_at = at + hl;
    let captured = t.payload().len();
    if len > 0 {
        n.add(Node::field(
            "tcp.payload",
            format!("TCP payload ({})", super::bits::bytes(len as usize)),
            payload_at..payload_at + captured,
            super::bits::bytes_value(t.payload()),
        ));
        if retransmitted(view) {
            n.add(Node::field(
                "tcp.segment_data",
                format!("Retransmitted TCP segment data ({len} bytes)"),
                payload_at..payload_at + captured,
                super::bits::bytes_value(t.payload()),
            ));
        } else if super::http::is_segment(view) {
            n.add(Node::field(
                "tcp.segment_data",
                format!("TCP segment data ({})", super::bits::bytes(len as usize)),
                payload_at..payload_at + captured,
                super::bits::bytes_value(t.payload()),
            ));
        } else {
            for part in super::tls::segment_data(view) {
                n.add(Node::field(
                    "tcp.segment_data",
                    format!("TCP segment data ({})", super::bits::bytes(part)),
                    payload_at..payload_at + captured,
                    super::bits::bytes_value(t.payload()),
                ));
            }
        }
    }
    out.push(n);
}

/// `[SEQ/ACK analysis]` as tshark 4.0 prints it: the acknowledged frame and
/// its RTT, the handshake RTT once the handshake is done, the bytes in flight
/// and since the last PSH, then the analysis flags as expert notes.
fn seq_ack_node(
    view: &PacketView<'_>,
    conv: Option<(&crate::flow::Conversation, crate::flow::Direction)>,
    values: Option<seq_ack::Values>,
    analysis: u16,
    header: std::ops::Range<usize>,
    limit_hit: bool,
    first_rtt: Option<Option<i64>>,
) -> Node {
    let mut node = Node::field("tcp.analysis", "[SEQ/ACK analysis]", 0..0, Value::Present);
    let v = values.unwrap_or_default();
    if let Some(frame) = v.acks_frame {
        node.add(Node::field(
            "tcp.analysis.acks_frame",
            format!("[This is an ACK to the segment in frame: {frame}]"),
            0..0,
            Value::UInt(u64::from(frame)),
        ));
        if let Some(rtt) = v.ack_rtt_ns {
            node.add(Node::field(
                "tcp.analysis.ack_rtt",
                format!("[The RTT to ACK the segment was: {} seconds]", secs(rtt)),
                0..0,
                Value::Time(rtt),
            ));
        }
    }
    // The stream's own walk knows the RTT as tshark's single pass has it;
    // past the walk's bound, the conversation's handshake RTT.
    let first_rtt = match first_rtt {
        Some(rtt) => rtt,
        None => conv.and_then(|(c, _)| c.tcp.as_ref()).and_then(|tcp| {
            let hs = tcp.handshake_ack?;
            (view.index >= hs as usize).then_some(tcp.initial_rtt_ns?)
        }),
    };
    if let Some(rtt) = first_rtt {
        node.add(Node::field(
            "tcp.analysis.initial_rtt",
            format!("[iRTT: {} seconds]", secs(rtt)),
            0..0,
            Value::Time(rtt),
        ));
    }
    if v.bytes_in_flight != 0 {
        node.add(Node::field(
            "tcp.analysis.bytes_in_flight",
            format!("[Bytes in flight: {}]", v.bytes_in_flight),
            0..0,
            Value::UInt(u64::from(v.bytes_in_flight)),
        ));
        node.add(Node::field(
            "tcp.analysis.push_bytes_sent",
            format!("[Bytes sent since last PSH flag: {}]", v.push_bytes_sent),
            0..0,
            Value::UInt(u64::from(v.push_bytes_sent)),
        ));
    }
    if limit_hit {
        node.add(Node::text(
            format!(
                "[Segments awaiting an ACK past {} per direction are not tracked (limits::MAX_UNACKED_SEGMENTS)]",
                crate::limits::MAX_UNACKED_SEGMENTS
            ),
            0..0,
        ));
    }
    if analysis != 0 {
        let dup = view
            .trace
            .store
            .entry(view.index)
            .map_or(0, |e| e.dup_ack_num);
        let mut fl = Node::field(
            "tcp.analysis.flags",
            "[TCP Analysis Flags]",
            0..0,
            Value::Present,
        );
        // A duplicate ACK's note hangs on the frame it duplicates, beside
        // the flags (tshark's tcp_print_sequence_number_analysis).
        let mut dup_of = None;
        for bit in NOTE_ORDER {
            if analysis & bit == 0 {
                continue;
            }
            let Some((sev, msg)) = analysis_note(bit, dup) else {
                continue;
            };
            let original = view.trace.conversations.duplicate_ack_of(view.index as u32);
            match original {
                Some(frame) if bit == af::DUPLICATE_ACK && dup > 0 => {
                    fl.add(Node::field(
                        "tcp.analysis.duplicate_ack",
                        "[This is a TCP duplicate ack]",
                        0..0,
                        Value::Present,
                    ));
                    dup_of = Some((frame + 1, sev, msg));
                }
                _ => {
                    fl.bytes = header.clone();
                    fl.expert(sev, "Sequence", &msg);
                }
            }
        }
        fl.bytes = 0..0;
        if let Some((rto, frame)) = v.rto {
            fl.add(Node::field(
                "tcp.analysis.rto",
                format!("[The RTO for this segment was: {} seconds]", secs(rto)),
                0..0,
                Value::Time(rto),
            ));
            fl.add(Node::field(
                "tcp.analysis.rto_frame",
                format!("[RTO based on delta from frame: {frame}]"),
                0..0,
                Value::UInt(u64::from(frame)),
            ));
        }
        node.add(fl);
        if let Some((frame, sev, msg)) = dup_of {
            node.add(Node::field(
                "tcp.analysis.duplicate_ack_num",
                format!("[Duplicate ACK #: {dup}]"),
                0..0,
                Value::UInt(u64::from(dup)),
            ));
            let f = node.add(Node::field(
                "tcp.analysis.duplicate_ack_frame",
                format!("[Duplicate to the ACK in frame: {frame}]"),
                header.clone(),
                Value::UInt(u64::from(frame)),
            ));
            f.expert(sev, "Sequence", &msg);
            f.bytes = 0..0;
        }
    }
    node
}
