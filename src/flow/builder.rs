//! Builds [`Conversations`] packet by packet, in the store's single pass:
//! assigns stream numbers (a new stream when a port pair is reused by a new
//! SYN), chains each conversation's packets, and runs the TCP analysis.

use super::analysis::{self, Segment};
use super::seq::Seq;
use super::{
    Conversation, ConversationKey, Conversations, Direction, Protocol, TcpConversation,
    TcpDirection,
};
use crate::capture::NO_TIMESTAMP;
use crate::decode::fast::Summary;
use crate::decode::tcp_options::SynOptions;
use crate::decode::{Decoded, Transport};
use crate::limits::{Limit, LimitHit, MAX_CONVERSATIONS};
use crate::store::{bits, PacketEntry, NONE};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::marker::PhantomData;
use std::net::SocketAddr;

/// The hash of the conversation map: FxHash's multiply-rotate over whole
/// words (the key hashes as five `u64`s, see [`ConversationKey`]). Not
/// resistant to crafted collisions, which cost only a slower lookup.
#[derive(Default)]
pub(crate) struct WordHasher(u64);

const WORD_SEED: u64 = 0x517c_c1b7_2722_0a95;

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(WORD_SEED);
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }
}

/// What the flow builder reads from one decoded packet: small enough to be
/// taken on the thread that decodes and handed to the one that builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowInput<'a> {
    protocol: Protocol,
    src: SocketAddr,
    dst: SocketAddr,
    tcp: Option<TcpInput<'a>>,
}

/// The TCP header fields the builder and its analysis use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TcpInput<'a> {
    /// Inputs are taken from a packet's bytes (and were once borrowed from them).
    bytes: PhantomData<&'a [u8]>,
    seq: u32,
    ack: u32,
    window: u16,
    /// Segment length on the wire (`tcp.len`).
    len: u32,
    /// The options of a SYN (parsed when the input is taken, so that it
    /// borrows nothing; default for other segments).
    syn_options: SynOptions,
    /// The capture holds less than the fixed 20-byte header.
    header_cut: bool,
}

impl<'a> FlowInput<'a> {
    /// `None` for a packet without IP addresses and ports (no conversation).
    pub fn of(decoded: &Decoded<'a>) -> Option<FlowInput<'a>> {
        let (Some(src_ip), Some(dst_ip), Some((sport, dport))) =
            (decoded.ip_src(), decoded.ip_dst(), decoded.ports())
        else {
            return None;
        };
        let protocol = match decoded.transport {
            Transport::Tcp(_) => Protocol::Tcp,
            _ => Protocol::Udp,
        };
        let tcp = decoded.tcp().map(|t| TcpInput {
            bytes: PhantomData,
            seq: t.sequence_number(),
            ack: t.acknowledgment_number(),
            window: t.window_size(),
            len: decoded.tcp_len().unwrap_or(0),
            syn_options: syn_options(t.syn(), t.options()),
            header_cut: t.slice().len() < 20,
        });
        Some(FlowInput {
            protocol,
            src: SocketAddr::new(src_ip, sport),
            dst: SocketAddr::new(dst_ip, dport),
            tcp,
        })
    }

    /// The same from the load's fast path ([`crate::decode::fast`]).
    pub fn of_summary(s: &Summary<'a>) -> FlowInput<'a> {
        FlowInput {
            protocol: if s.tcp.is_some() {
                Protocol::Tcp
            } else {
                Protocol::Udp
            },
            src: SocketAddr::new(s.src, s.src_port),
            dst: SocketAddr::new(s.dst, s.dst_port),
            tcp: s.tcp.map(|t| TcpInput {
                bytes: PhantomData,
                seq: t.seq,
                ack: t.ack,
                window: t.window,
                len: t.len,
                syn_options: syn_options(t.flag_bytes[1] & 0x02 != 0, t.options),
                header_cut: false,
            }),
        }
    }
}

/// The options of a SYN; nothing for other segments, whose options the
/// builder does not read.
fn syn_options(syn: bool, options: &[u8]) -> SynOptions {
    if syn {
        SynOptions::parse(options)
    } else {
        SynOptions::default()
    }
}

/// A conversation none of whose packets had a timestamp (pcapng Simple
/// Packet Blocks) starts and ends at 0: no duration.
fn untimed_at_zero(conversations: &mut Conversations) {
    for c in &mut conversations.list {
        if c.first_ts == NO_TIMESTAMP {
            c.first_ts = 0;
            c.last_ts = 0;
        }
    }
}

/// Groups packets into conversations as they are read.
pub struct FlowBuilder {
    conversations: Conversations,
    map: HashMap<ConversationKey, u32, BuildHasherDefault<WordHasher>>,
    /// The sequence analysis state of each conversation's two directions
    /// (by conversation index): needed while packets arrive only, so kept
    /// here rather than in the conversations.
    analysis: Vec<[analysis::DirectionAnalysis; 2]>,
    /// Per conversation and direction, the time of the most recent SYN
    /// without ACK before the handshake completed (Wireshark's
    /// `ts_mru_syn`, the start of the RTT): needed while building only.
    syn_times: Vec<[i64; 2]>,
    max_conversations: u64,
    /// Set when a packet would have started a conversation past the bound.
    pub limit_hit: Option<LimitHit>,
}

impl Default for FlowBuilder {
    fn default() -> Self {
        FlowBuilder::with_max_conversations(MAX_CONVERSATIONS)
    }
}

impl FlowBuilder {
    pub fn new() -> FlowBuilder {
        FlowBuilder::default()
    }

    /// A builder that starts at most `max` conversations: packets of further
    /// ones keep no conversation (no stream number), and the first of them is
    /// reported in [`FlowBuilder::limit_hit`].
    pub fn with_max_conversations(max: u64) -> FlowBuilder {
        FlowBuilder {
            conversations: Conversations::default(),
            map: HashMap::default(),
            analysis: Vec::new(),
            syn_times: Vec::new(),
            max_conversations: max,
            limit_hit: None,
        }
    }

    /// The conversations; the lookup map is dropped.
    pub fn finish(mut self) -> Conversations {
        untimed_at_zero(&mut self.conversations);
        self.conversations.shrink_to_fit();
        self.conversations
    }

    /// The conversations so far, as [`FlowBuilder::finish`] would give them
    /// now; the builder goes on (a capture still being read, see
    /// [`crate::live`]).
    pub fn snapshot(&self) -> Conversations {
        let mut conversations = self.conversations.clone();
        untimed_at_zero(&mut conversations);
        conversations
    }

    /// Heap bytes of the lookup map while building (peak, not kept).
    pub fn map_bytes(&self) -> usize {
        self.map.capacity() * (std::mem::size_of::<ConversationKey>() + 4 + 8)
            + self.analysis.capacity() * std::mem::size_of::<[analysis::DirectionAnalysis; 2]>()
            + self.syn_times.capacity() * std::mem::size_of::<[i64; 2]>()
    }

    /// Adds packet `index` (already in `entries`) to its conversation.
    pub fn observe(&mut self, entries: &mut [PacketEntry], index: u32, decoded: &Decoded<'_>) {
        if let Some(input) = FlowInput::of(decoded) {
            self.observe_input(entries, index, &input);
        }
    }

    /// [`FlowBuilder::observe`] for what was taken from the decoded packet
    /// beforehand (possibly on another thread, see [`crate::trace`]).
    pub fn observe_input(
        &mut self,
        entries: &mut [PacketEntry],
        index: u32,
        input: &FlowInput<'_>,
    ) {
        let FlowInput {
            protocol,
            src,
            dst,
            tcp,
        } = *input;
        let Some(entry) = entries.get(index as usize).copied() else {
            return;
        };
        let key = ConversationKey::new(protocol, src, dst);
        let tcp = tcp.as_ref();
        let flags = entry.tcp_flags();
        let mut reused = false;
        let id = match self.map.get(&key).copied() {
            Some(id) => {
                let reuse = tcp.is_some_and(|t| {
                    (flags.syn() && !flags.ack())
                        && self.conversations.get(id).is_some_and(|c| {
                            let dir = c.direction_from(src);
                            c.tcp
                                .as_ref()
                                .and_then(|s| s.dirs[dir.index()].base_seq)
                                .is_some_and(|base| base != t.seq)
                        })
                });
                if reuse && self.has_room(index) {
                    reused = true;
                    self.new_conversation(key, protocol, src, dst, index, &entry)
                } else {
                    id
                }
            }
            None if self.has_room(index) => {
                self.new_conversation(key, protocol, src, dst, index, &entry)
            }
            None => return,
        };
        let Some(conv) = self.conversations.get_mut(id) else {
            return;
        };
        let dir = conv.direction_from(src);
        if conv.last_packet != index {
            let last = conv.last_packet as usize;
            if let Some(prev) = entries.get_mut(last) {
                prev.next_in_conversation = index;
            }
            conv.last_packet = index;
        }
        conv.packets[dir.index()] += 1;
        conv.bytes[dir.index()] += u64::from(entry.orig_len);
        // Times come from timestamped packets only: an untimestamped first
        // packet must not make the duration epoch-sized.
        if entry.has_timestamp() {
            if conv.first_ts == NO_TIMESTAMP {
                conv.first_ts = entry.ts_ns;
            }
            conv.last_ts = entry.ts_ns;
        }
        let mut verdict = analysis::Verdict::default();
        if let (Some(t), Some(state), Some(analysis), Some(syn_times)) = (
            tcp,
            conv.tcp.as_deref_mut(),
            self.analysis.get_mut(id as usize),
            self.syn_times.get_mut(id as usize),
        ) {
            verdict = observe_tcp(state, analysis, syn_times, dir, index, &entry, t);
            if reused {
                verdict.flags |= analysis::flags::REUSED_PORTS;
            }
            let fin_seen = state.dirs.iter().any(|d| d.fin.is_some());
            if fin_seen && !flags.rst() {
                self.conversations.closing.push(super::ClosingSegment {
                    packet: index,
                    seq: t.seq,
                    ack: t.ack,
                    len: t.len,
                });
            }
            if verdict.flags & analysis::flags::DUPLICATE_ACK != 0 {
                self.conversations
                    .dup_acks
                    .push((index, verdict.dup_ack_of));
            }
        }
        if let Some(e) = entries.get_mut(index as usize) {
            e.conversation = id;
            e.next_in_conversation = NONE;
            if dir == Direction::BtoA {
                e.bits |= bits::REVERSE;
            }
            e.analysis = verdict.flags;
            e.dup_ack_num = verdict.dup_ack_num;
        }
    }

    /// Whether another conversation may start (at packet `index`); reports
    /// the bound the first time it is not.
    fn has_room(&mut self, index: u32) -> bool {
        if (self.conversations.list.len() as u64) < self.max_conversations {
            return true;
        }
        self.limit_hit.get_or_insert(LimitHit {
            limit: Limit::Conversations,
            value: self.max_conversations,
            packet: Some(index),
        });
        false
    }

    fn new_conversation(
        &mut self,
        key: ConversationKey,
        protocol: Protocol,
        src: SocketAddr,
        dst: SocketAddr,
        index: u32,
        entry: &PacketEntry,
    ) -> u32 {
        let stream = match protocol {
            Protocol::Tcp => self.conversations.tcp_count(),
            Protocol::Udp => self.conversations.udp_count(),
        } as u32;
        let ts = entry.ts_ns;
        let id = self.conversations.push(Conversation {
            protocol,
            stream,
            a: src,
            b: dst,
            first_packet: index,
            last_packet: index,
            first_ts: ts,
            last_ts: ts,
            packets: [0; 2],
            bytes: [0; 2],
            tcp: (protocol == Protocol::Tcp).then(Box::<TcpConversation>::default),
        });
        self.map.insert(key, id);
        self.analysis.push(Default::default());
        self.syn_times.push([0; 2]);
        id
    }
}

/// Updates a TCP conversation with one segment; returns its analysis verdict.
fn observe_tcp(
    state: &mut TcpConversation,
    sequence: &mut [analysis::DirectionAnalysis; 2],
    syn_times: &mut [i64; 2],
    dir: Direction,
    index: u32,
    entry: &PacketEntry,
    tcp: &TcpInput<'_>,
) -> analysis::Verdict {
    let flags = entry.tcp_flags();
    let (seq, ack, len) = (tcp.seq, tcp.ack, tcp.len);
    let (fwd, rev) = split(&mut state.dirs, dir);

    if fwd.base_seq.is_none() {
        fwd.base_seq = Some(if flags.syn() { seq } else { (Seq(seq) - 1).0 });
    }
    if flags.ack() && rev.base_seq.is_none() {
        rev.base_seq = Some((Seq(ack) - 1).0);
    }
    if flags.syn() && fwd.syn.is_none() {
        fwd.syn = Some(index);
        fwd.syn_ack = flags.ack();
        syn_times[dir.index()] = entry.ts_ns;
        fwd.syn_options = tcp.syn_options;
        // Each side scales by the shift its own SYN offered; when one SYN
        // offered none, neither side scales (RFC 7323). A side whose SYN was
        // not captured keeps what is known, as Wireshark does.
        fwd.window_shift = fwd.syn_options.window_scale.map(|s| s.min(14));
        if rev.syn.is_some()
            && (fwd.window_shift.is_none() || rev.syn_options.window_scale.is_none())
        {
            fwd.window_shift = None;
            rev.window_shift = None;
        }
    }
    // The handshake RTT runs from the most recent SYN (Wireshark's
    // `ts_mru_syn`): after a SYN retransmission, from the copy.
    if flags.syn() && !flags.ack() && state.handshake_ack.is_none() {
        syn_times[dir.index()] = entry.ts_ns;
    }
    if flags.fin() && fwd.fin.is_none() {
        fwd.fin = Some(index);
    }
    if flags.rst() && fwd.rst.is_none() {
        fwd.rst = Some(index);
    }
    fwd.payload_bytes += u64::from(len);

    // The ACK that completes the handshake: the first non-SYN ACK from the
    // SYN's sender after a SYN/ACK was seen.
    if (flags.ack() && !flags.syn())
        && state.handshake_ack.is_none()
        && fwd.syn.is_some()
        && rev.syn.is_some()
    {
        state.handshake_ack = Some(index);
        let syn_ts = syn_times[dir.index()];
        state.initial_rtt_ns = (entry.has_timestamp() && syn_ts != NO_TIMESTAMP)
            .then(|| entry.ts_ns.saturating_sub(syn_ts));
    }
    let first_rtt = state.initial_rtt_ns;
    let base = fwd.base_seq.unwrap_or(seq);
    let rev_base = rev.base_seq.unwrap_or(ack);
    let rel_seq = Seq(seq).offset_from(Seq(base));
    let rel_ack = if flags.ack() {
        Seq(ack).offset_from(Seq(rev_base))
    } else {
        ack
    };
    // tshark 4.0 stops dissecting a header cut inside its fixed 20 bytes
    // before the sequence analysis: such a segment gets no analysis flags.
    if tcp.header_cut {
        return analysis::Verdict::default();
    }
    let raw_window = u32::from(tcp.window);
    let window = match (flags.syn(), fwd.window_shift) {
        (false, Some(shift)) => raw_window << shift,
        _ => raw_window,
    };
    let [a, b] = sequence;
    let (fwd_analysis, rev_analysis) = match dir {
        Direction::AtoB => (a, b),
        Direction::BtoA => (b, a),
    };
    analysis::analyse(
        fwd_analysis,
        rev_analysis,
        Segment {
            seq: Seq(rel_seq),
            ack: Seq(rel_ack),
            len,
            flags,
            window,
            ts_ns: entry.ts_ns,
        },
        first_rtt,
        index,
    )
}

fn split(dirs: &mut [TcpDirection; 2], dir: Direction) -> (&mut TcpDirection, &mut TcpDirection) {
    let [a, b] = dirs;
    match dir {
        Direction::AtoB => (a, b),
        Direction::BtoA => (b, a),
    }
}

#[cfg(test)]
mod tests {
    use super::FlowBuilder;
    use crate::capture::{Capture, CaptureBytes, LinkType, Record, RecordKind};
    use crate::store::{entry_from, NONE};
    use crate::trace::Trace;

    #[test]
    fn the_conversation_bound_is_reported_and_later_flows_get_no_stream() {
        let mut flows = FlowBuilder::with_max_conversations(100);
        let mut entries = Vec::new();
        for i in 0..300u32 {
            let mut frame = Vec::new();
            etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
                .ipv4([10, 1, (i >> 8) as u8, i as u8], [10, 0, 0, 2], 64)
                .tcp(1024 + i as u16, 80, i, 64240)
                .syn()
                .write(&mut frame, b"")
                .expect("frame");
            let record = Record {
                data_offset: 0,
                cap_len: frame.len() as u32,
                orig_len: frame.len() as u32,
                ts_ns: i64::from(i),
                interface: 0,
                kind: RecordKind::Packet,
            };
            let d = crate::decode::decode(LinkType::ETHERNET, &frame, record.orig_len);
            entries.push(entry_from(&record, Some(&d)));
            flows.observe(&mut entries, i, &d);
        }
        assert_eq!(
            flows.limit_hit.map(|h| h.to_string()).as_deref(),
            Some("limit reached: MAX_CONVERSATIONS (100) at packet 101")
        );
        let with_stream = entries.iter().filter(|e| e.conversation != NONE).count();
        assert_eq!(with_stream, 100);
        assert_eq!(flows.finish().tcp_count(), 100);
    }

    fn block(kind: u32, body: &[u8]) -> Vec<u8> {
        let len = (12 + body.len()) as u32;
        let mut b = kind.to_le_bytes().to_vec();
        b.extend_from_slice(&len.to_le_bytes());
        b.extend_from_slice(body);
        b.extend_from_slice(&len.to_le_bytes());
        b
    }

    fn udp_frame() -> Vec<u8> {
        let mut frame = Vec::new();
        etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
            .ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64)
            .udp(5000, 53)
            .write(&mut frame, b"abcd")
            .expect("frame");
        frame
    }

    #[test]
    fn an_untimestamped_first_packet_does_not_make_durations_epoch_sized() {
        let frame = udp_frame();
        let mut pcapng = block(
            0x0A0D_0D0A,
            &[
                0x4D, 0x3C, 0x2B, 0x1A, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            ],
        );
        pcapng.extend(block(1, &[1, 0, 0, 0, 0, 0, 4, 0]));
        // A Simple Packet Block (no timestamp), then an Enhanced Packet Block
        // at 1.7e9 s after the epoch.
        let mut spb = (frame.len() as u32).to_le_bytes().to_vec();
        spb.extend_from_slice(&frame);
        spb.resize(spb.len().next_multiple_of(4), 0);
        pcapng.extend(block(3, &spb));
        let ts: u64 = 1_700_000_000_000_000;
        let mut epb = 0u32.to_le_bytes().to_vec();
        epb.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
        epb.extend_from_slice(&(ts as u32).to_le_bytes());
        epb.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        epb.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        epb.extend_from_slice(&frame);
        epb.resize(epb.len().next_multiple_of(4), 0);
        pcapng.extend(block(6, &epb));
        let capture =
            Capture::from_bytes(CaptureBytes::Owned(pcapng), "spb.pcapng".into()).expect("pcapng");
        let trace = Trace::load(capture, |_| true).expect("loads");
        assert_eq!(trace.store.len(), 2);
        let conv = trace.conversations.udp_stream(0).expect("one UDP stream");
        assert_eq!(conv.packets[0], 2);
        assert_eq!(conv.first_ts, 1_700_000_000_000_000_000);
        assert_eq!(conv.duration_ns(), 0);
    }
}
