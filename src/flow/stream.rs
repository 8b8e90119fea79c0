//! The byte stream of one direction of a TCP conversation, for the HTTP
//! parser: reassembled with [`Reassembler`] into the pieces it delivers in
//! order (where each lies in the capture, which packet carried it) and the
//! holes between them (read as zeros, remembered as gaps), so a message can
//! be mapped back to frame numbers.
//!
//! The HTTP index reads cleartext HTTP/1 in place
//! ([`reassemble_spans_into`], read through a [`StreamView`]): nothing of a
//! connection is copied. Readers that need a direction as one buffer (TLS,
//! HTTP/2, the stream protocols of `decode::app`, WebSocket) have its bytes
//! copied ([`reassemble`], [`DirStream::fill_bytes`]), one connection per
//! thread at a time. What the index keeps of a body is its [`Span`]s,
//! ranges of the mapped capture ([`DirStream::spans`]), so reading it later
//! needs no reassembly; segments are located without decoding the packets
//! again (`stream/locate.rs`).

pub(crate) mod locate;
mod view;

pub use view::{StreamBytes, StreamView};

use crate::flow::reassembly::{Piece, Reassembler};
use crate::flow::seq::Seq;
use crate::flow::{Conversation, Direction};
use crate::limits::{Limit, LimitHit, GAP_FILL_ALLOWANCE, MAX_GAP_FILL, MAX_GAP_FILL_RATIO};
use crate::store::PacketStore;
use std::ops::Range;

/// The most a direction's buffer is sized for ahead of its bytes (the
/// payload counted can exceed what was captured); past it the buffer grows.
const RESERVE_AT_MOST: u64 = 64 << 20;

/// A run of stream bytes: where they are in the capture, or a hole the
/// stream fills with zeros. Eight bytes: the capture offset in the high 40
/// bits (captures up to 1 TiB; [`Span::HOLE`] for a hole), the length in
/// the low 24.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Span(u64);

impl Span {
    /// The offset of a hole (bytes not captured, read as zeros); no span
    /// of the capture starts there or beyond.
    pub const HOLE: u64 = (1 << 40) - 1;
    /// The longest span; longer runs are cut into several.
    pub const MAX_LEN: u32 = (1 << 24) - 1;

    /// The capture's bytes `offset..offset + len`, if a span can say so.
    pub fn data(offset: u64, len: u32) -> Option<Span> {
        (offset < Span::HOLE && len <= Span::MAX_LEN).then_some(Span(offset << 24 | u64::from(len)))
    }

    /// `len` (at most [`Span::MAX_LEN`]) bytes missing.
    pub fn hole(len: u32) -> Span {
        Span(Span::HOLE << 24 | u64::from(len.min(Span::MAX_LEN)))
    }

    /// Byte offset in the capture, or [`Span::HOLE`].
    pub fn offset(&self) -> u64 {
        self.0 >> 24
    }

    pub fn len(&self) -> u32 {
        (self.0 & u64::from(Span::MAX_LEN)) as u32
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_hole(&self) -> bool {
        self.offset() == Span::HOLE
    }

    /// The span's bytes out of `capture` (`None` for a hole or a span
    /// beyond the capture).
    pub fn bytes<'c>(&self, capture: &'c [u8]) -> Option<&'c [u8]> {
        if self.is_hole() {
            return None;
        }
        let start = usize::try_from(self.offset()).ok()?;
        capture.get(start..start.checked_add(self.len() as usize)?)
    }
}

impl std::fmt::Debug for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_hole() {
            write!(f, "hole({})", self.len())
        } else {
            write!(f, "{}+{}", self.offset(), self.len())
        }
    }
}

/// The bytes `spans` describe, out of `capture`, holes as zeros:
/// borrowed when they are one span, else gathered.
pub fn span_bytes<'c>(spans: &[Span], capture: &'c [u8]) -> std::borrow::Cow<'c, [u8]> {
    if let [one] = spans {
        if let Some(b) = one.bytes(capture) {
            return std::borrow::Cow::Borrowed(b);
        }
    }
    let total: usize = spans.iter().map(|s| s.len() as usize).sum();
    let mut out = Vec::with_capacity(total);
    for s in spans {
        match s.bytes(capture) {
            Some(b) => out.extend_from_slice(b),
            None => out.resize(out.len() + s.len() as usize, 0),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// How many packets ahead [`fill`] touches a packet's headers.
const LOOK_AHEAD: usize = 8;
/// The byte touched: in the TCP header of an Ethernet/IPv4 frame.
const TOUCHED_AT: usize = 40;

/// One reassembled direction.
#[derive(Debug, Default, Clone)]
pub struct DirStream {
    /// The stream's bytes, holes zero-filled; empty when they were not
    /// copied (`unfilled_len`).
    pub bytes: Vec<u8>,
    /// `(offset, packet)` where each delivered piece starts, ascending.
    pub packets: Vec<(u64, u32)>,
    /// For each delivered piece (as in `packets`): where its bytes are in the
    /// capture (byte offset, length), so a message head can be kept as a
    /// range of the capture instead of a copy.
    pub origins: Vec<(u64, u32)>,
    /// `(offset, len)` of the holes.
    pub gaps: Vec<(u64, u64)>,
    /// Bytes that were missing and not filled (the stream stopped there).
    pub lost_tail: u64,
    /// The packet carrying this direction's FIN or RST, if any.
    pub end_packet: Option<u32>,
    /// Which direction of the conversation this is.
    pub dir: Direction,
    /// Captured bytes delivered, and zeros filled in for holes.
    pub(crate) data_bytes: u64,
    pub(crate) filled: u64,
    /// Why the stream stopped early (a hole too big to fill), if it did.
    pub limit_hit: Option<LimitHit>,
    /// The reassembler's bound reached in this direction, if one was.
    pub reassembly_limit: Option<LimitHit>,
    /// The stream's length when its bytes were not copied into `bytes`
    /// ([`reassemble_spans_into`]): they are read where they lie in the
    /// capture, through a [`StreamView`].
    pub(crate) unfilled_len: Option<u64>,
}

impl DirStream {
    /// The stream's length, copied or not.
    pub fn len(&self) -> u64 {
        self.unfilled_len.unwrap_or(self.bytes.len() as u64)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Copies the bytes of a stream reassembled without them
    /// ([`reassemble_spans_into`]) out of `capture`, holes as zeros, so
    /// that code reading `bytes` whole (TLS, HTTP/2, WebSocket) can read
    /// it. Nothing changes for a stream that has its bytes.
    pub fn fill_bytes(&mut self, capture: &[u8]) {
        let Some(len) = self.unfilled_len else {
            return;
        };
        let mut bytes = std::mem::take(&mut self.bytes);
        bytes.clear();
        bytes.reserve(len.min(RESERVE_AT_MOST) as usize);
        let view = StreamView::new(self, capture);
        view.for_each_run(0, len, &mut |run| bytes.extend_from_slice(run));
        self.bytes = bytes;
        self.unfilled_len = None;
    }

    /// The packet carrying the byte at `offset` (the last one for an offset
    /// at or past the end).
    pub fn packet_at(&self, offset: u64) -> Option<u32> {
        let i = self.packets.partition_point(|&(o, _)| o <= offset);
        i.checked_sub(1)
            .and_then(|i| self.packets.get(i))
            .map(|&(_, p)| p)
    }

    /// Missing bytes within `start..end`.
    pub fn missing_in(&self, start: u64, end: u64) -> u64 {
        self.gaps
            .iter()
            .map(|&(o, l)| {
                let s = o.max(start);
                let e = (o + l).min(end);
                e.saturating_sub(s)
            })
            .sum()
    }

    /// The first gap starting at or after `offset`.
    pub fn next_gap_after(&self, offset: u64) -> Option<(u64, u64)> {
        self.gaps.iter().copied().find(|&(o, l)| o + l > offset)
    }

    /// The capture's byte range holding stream bytes `start..start + len`,
    /// when they all came in one piece.
    pub fn capture_range(&self, start: u64, len: u64) -> Option<(u64, u32)> {
        let i = self
            .packets
            .partition_point(|&(o, _)| o <= start)
            .checked_sub(1)?;
        let (piece_start, _) = *self.packets.get(i)?;
        let (file_offset, piece_len) = *self.origins.get(i)?;
        let within = start - piece_start;
        let len32 = u32::try_from(len).ok()?;
        (within + len <= u64::from(piece_len)).then_some((file_offset + within, len32))
    }

    /// Where the stream bytes of `ranges` (each clamped to the stream, as
    /// [`crate::http::parse::Body::gather`] does) are in the capture, in
    /// order, adjacent spans merged; `None` for a stream whose bytes are not
    /// the capture's (decrypted data), or that lie beyond what a [`Span`]
    /// can say (1 TiB into the capture).
    pub fn spans(&self, ranges: &[Range<u64>]) -> Option<Box<[Span]>> {
        if self.origins.len() != self.packets.len() {
            return None;
        }
        let mut out: Vec<Span> = Vec::new();
        // Whether a capture offset could not be said by a span.
        let mut beyond = false;
        // `at`: the capture offset of the run, `None` for a hole.
        let mut add = |at: Option<u64>, mut len: u64| {
            let hole = at.is_none();
            let mut offset = at.unwrap_or(Span::HOLE);
            while len > 0 {
                let n = len.min(u64::from(Span::MAX_LEN));
                let follows = |last: &Span| {
                    let adjacent = if last.is_hole() {
                        hole
                    } else {
                        !hole && last.offset() + u64::from(last.len()) == offset
                    };
                    adjacent && u64::from(last.len()) + n <= u64::from(Span::MAX_LEN)
                };
                let merged = match out.last_mut() {
                    Some(last) if follows(last) => {
                        let start = last.offset();
                        let total = last.len() + n as u32;
                        *last = if hole {
                            Span::hole(total)
                        } else {
                            Span::data(start, total).unwrap_or(*last)
                        };
                        true
                    }
                    _ => false,
                };
                if !merged {
                    match if hole {
                        Some(Span::hole(n as u32))
                    } else {
                        Span::data(offset, n as u32)
                    } {
                        Some(span) => out.push(span),
                        None => beyond = true,
                    }
                }
                len -= n;
                if !hole {
                    offset += n;
                }
            }
        };
        let stream_len = self.len();
        for r in ranges {
            let end = r.end.min(stream_len);
            let mut p = r.start.min(end);
            while p < end {
                let i = self.packets.partition_point(|&(o, _)| o <= p);
                let piece = i
                    .checked_sub(1)
                    .map(|k| (self.packets[k].0, self.origins[k]));
                match piece {
                    Some((start, (file, len))) if p < start + u64::from(len) => {
                        let n = (start + u64::from(len)).min(end) - p;
                        add(Some(file + (p - start)), n);
                        p += n;
                    }
                    _ => {
                        let next = self.packets.get(i).map_or(stream_len, |&(o, _)| o);
                        let n = next.min(end).max(p + 1) - p;
                        add(None, n);
                        p += n;
                    }
                }
            }
        }
        (!beyond).then(|| out.into_boxed_slice())
    }

    /// `base`: the address of the capture's first byte, which every piece's
    /// bytes are borrowed from.
    fn push(&mut self, piece: Piece<'_>, base: usize) {
        if self.lost_tail > 0 {
            self.lost_tail += piece.len();
            return;
        }
        match piece {
            Piece::Data { packet, bytes, .. } => {
                let file_offset = (bytes.as_ptr() as usize).wrapping_sub(base) as u64;
                self.origins
                    .push((file_offset, u32::try_from(bytes.len()).unwrap_or(u32::MAX)));
                self.packets.push((self.len(), packet));
                match &mut self.unfilled_len {
                    Some(n) => *n += bytes.len() as u64,
                    None => self.bytes.extend_from_slice(bytes),
                }
                self.data_bytes += bytes.len() as u64;
            }
            Piece::Gap { len, .. } => {
                // Zeros stand in for lost bytes only while they stay in
                // proportion to the bytes really captured: a crafted stream of
                // tiny segments far apart must not turn into gigabytes.
                let budget = GAP_FILL_ALLOWANCE + MAX_GAP_FILL_RATIO * self.data_bytes;
                let limit = if len > MAX_GAP_FILL {
                    Some(Limit::GapFill)
                } else if self.filled + len > budget {
                    Some(Limit::GapFillRatio)
                } else {
                    None
                };
                if let Some(limit) = limit {
                    self.lost_tail = len;
                    let packet = self.packets.last().map(|&(_, p)| p);
                    self.limit_hit = Some(LimitHit::new(limit, packet));
                    return;
                }
                self.filled += len;
                self.gaps.push((self.len(), len));
                match &mut self.unfilled_len {
                    Some(n) => *n += len,
                    None => self.bytes.resize(self.bytes.len() + len as usize, 0),
                }
            }
        }
    }
}

/// Reassembles both directions of a TCP conversation, indexed by
/// [`Direction::index`].
pub fn reassemble(store: &PacketStore, conv: &Conversation) -> [DirStream; 2] {
    reassemble_only(store, conv, None)
}

/// Reassembles one direction of a TCP conversation (to read a message body
/// again: the index keeps where bodies are, not their bytes).
pub fn reassemble_direction(store: &PacketStore, conv: &Conversation, dir: Direction) -> DirStream {
    let [a, b] = reassemble_only(store, conv, Some(dir));
    if dir.index() == 0 {
        a
    } else {
        b
    }
}

/// Reassembles both directions of `conv` into `out` without copying the
/// bytes: each direction knows its pieces (where they lie in the capture),
/// holes and packets, and is read through a [`StreamView`]
/// ([`DirStream::fill_bytes`] copies it when a reader needs one buffer).
/// `out`'s buffers are cleared and reused, so a thread reading connection
/// after connection allocates only when one is bigger than any before.
/// `list`: the conversation's packets, when known
/// ([`crate::flow::lists::PacketLists`]).
pub fn reassemble_spans_into(
    store: &PacketStore,
    conv: &Conversation,
    list: Option<&[u32]>,
    out: &mut [DirStream; 2],
) {
    for (s, dir) in out.iter_mut().zip([Direction::AtoB, Direction::BtoA]) {
        let bytes = std::mem::take(&mut s.bytes);
        let mut packets = std::mem::take(&mut s.packets);
        let mut origins = std::mem::take(&mut s.origins);
        packets.clear();
        origins.clear();
        *s = DirStream {
            bytes,
            packets,
            origins,
            dir,
            unfilled_len: Some(0),
            ..DirStream::default()
        };
    }
    fill(store, conv, list, None, out);
}

fn reassemble_only(
    store: &PacketStore,
    conv: &Conversation,
    only: Option<Direction>,
) -> [DirStream; 2] {
    let mut out = [DirStream::default(), DirStream::default()];
    out[1].dir = Direction::BtoA;
    fill(store, conv, None, only, &mut out);
    out
}

/// Reassembles `conv` (only one direction when asked) into `out`, empty;
/// `list`, when given, is its packets ([`crate::flow::lists`]), else they
/// are followed along the conversation's chain.
fn fill(
    store: &PacketStore,
    conv: &Conversation,
    list: Option<&[u32]>,
    only: Option<Direction>,
    out: &mut [DirStream; 2],
) {
    let base = store.capture().bytes().as_ptr() as usize;
    // Sized once from what the conversation table counted, so the bytes are
    // copied once instead of again at every doubling of the buffer.
    if let Some(tcp) = &conv.tcp {
        for (i, s) in out.iter_mut().enumerate() {
            if only.is_none_or(|o| o.index() == i) && s.unfilled_len.is_none() {
                let sent = tcp.dirs[i].payload_bytes.min(conv.bytes[i]);
                s.bytes.reserve(sent.min(RESERVE_AT_MOST) as usize);
            }
        }
    }
    let mut rs = [Reassembler::default(), Reassembler::default()];
    let mut step = |index: usize| {
        let Some(entry) = store.entry(index) else {
            return;
        };
        let dir = Direction::of(entry);
        if only.is_some_and(|o| o != dir) {
            return;
        }
        let Some(tcp) = locate::segment(store, index) else {
            return;
        };
        let i = dir.index();
        let stream = &mut out[i];
        rs[i].push(
            index as u32,
            Seq(tcp.seq),
            tcp.syn(),
            tcp.payload,
            tcp.wire_len,
            &mut |p| stream.push(p, base),
        );
        if (tcp.fin() || tcp.rst()) && stream.end_packet.is_none() {
            stream.end_packet = Some(index as u32);
        }
    };
    // A segment the load noted is read from its entry alone; only the
    // others' headers are fetched ahead.
    let touch = |index: usize| {
        if store.entry(index).is_some_and(|e| e.tcp_payload_at == 0) {
            if let Some(byte) = store.data(index).get(TOUCHED_AT) {
                crate::heap::prefetch(byte);
            }
        }
    };
    match list {
        // The packets known up front: entries are fetched twice as far
        // ahead as the headers they point to.
        Some(list) => {
            for (k, &index) in list.iter().enumerate() {
                if let Some(e) = list
                    .get(k + 2 * LOOK_AHEAD)
                    .and_then(|&i| store.entry(i as usize))
                {
                    crate::heap::prefetch(e);
                }
                if let Some(&next) = list.get(k + LOOK_AHEAD) {
                    touch(next as usize);
                }
                step(index as usize);
            }
        }
        // Along the chain, a few packets ahead, the first line of each
        // packet's headers is fetched, so its cache miss overlaps the work
        // on the packets before it.
        None => {
            let mut ahead = conv.packets(store).skip(LOOK_AHEAD);
            for index in conv.packets(store) {
                if let Some(next) = ahead.next() {
                    touch(next);
                }
                step(index);
            }
        }
    }
    for (r, s) in rs.iter_mut().zip(out.iter_mut()) {
        r.finish(&mut |p| s.push(p, base));
        s.reassembly_limit = r.limit_hit;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spans of any ranges give the bytes the stream holds there, holes
    /// as zeros, clamped at the stream's end as a body gather is.
    #[test]
    fn spans_read_what_the_stream_holds() {
        let capture: Vec<u8> = (0..200u32).map(|i| (i * 7 % 251) as u8 + 1).collect();
        let mut s = DirStream {
            packets: vec![(0, 1), (25, 2), (55, 3)],
            origins: vec![(10, 20), (100, 30), (131, 4)],
            gaps: vec![(20, 5)],
            ..DirStream::default()
        };
        s.bytes.extend_from_slice(&capture[10..30]);
        s.bytes.resize(25, 0);
        s.bytes.extend_from_slice(&capture[100..130]);
        s.bytes.extend_from_slice(&capture[131..135]);
        let len = s.bytes.len() as u64;
        for a in 0..len + 3 {
            for b in a..len + 3 {
                let ranges = [a..b, 0..3, b..b + 2];
                let want: Vec<u8> = ranges
                    .iter()
                    .flat_map(|r| {
                        let start = (r.start as usize).min(s.bytes.len());
                        let end = (r.end as usize).clamp(start, s.bytes.len());
                        s.bytes[start..end].to_vec()
                    })
                    .collect();
                let spans = s.spans(&ranges).expect("capture bytes");
                assert_eq!(span_bytes(&spans, &capture).as_ref(), want.as_slice());
                // Adjacent runs are merged: no two neighbours could be one.
                for w in spans.windows(2) {
                    let joined = if w[0].is_hole() {
                        w[1].is_hole()
                    } else {
                        w[0].offset() + u64::from(w[0].len()) == w[1].offset()
                    };
                    assert!(!joined, "{spans:?}");
                }
            }
        }
        // Long runs are cut at the longest span; offsets past 1 TiB are
        // not said at all.
        let far = DirStream {
            bytes: vec![0; 40],
            packets: vec![(0, 0), (20, 1)],
            origins: vec![(Span::HOLE - 20, 20), (Span::HOLE, 20)],
            ..DirStream::default()
        };
        assert_eq!(far.spans(&[0..20, 30..40]), None);
        assert_eq!(far.spans(&[0..10, 10..20]).map(|s| s.len()), Some(1));
        let long = Span::hole(u32::MAX);
        assert_eq!((long.len(), long.is_hole()), (Span::MAX_LEN, true));
        // Decrypted bytes have no place in the capture.
        let plain = DirStream {
            bytes: vec![1, 2, 3],
            packets: vec![(0, 0)],
            ..DirStream::default()
        };
        let all = 0..3;
        assert_eq!(plain.spans(std::slice::from_ref(&all)), None);
    }
}
