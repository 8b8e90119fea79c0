//! TCP reassembly of one direction: segments in capture order in, the byte
//! stream in order out, as [`Piece`]s that borrow the packets' bytes.
//!
//! Bytes already delivered are never delivered twice (the first copy wins, as
//! in Wireshark). Segments beyond the next expected byte are held, up to a
//! bound, and delivered once the hole fills; a hole that never fills (capture
//! loss) becomes a [`Piece::Gap`] of the missing length, and the stream goes on
//! after it. Bytes that were sent but cut by the snaplen are a gap too.
//!
//! What is held is bounded by count ([`MAX_HELD_SEGMENTS`]) and by bytes
//! ([`MAX_HELD_BYTES`]); past either, the oldest hole becomes a
//! [`GapReason::BufferLimit`] gap and [`Reassembler::limit_hit`] says so.

use super::seq::Seq;
use crate::limits::{Limit, LimitHit, MAX_HELD_BYTES, MAX_HELD_SEGMENTS};
use std::collections::BTreeMap;

/// Why bytes are missing from a reassembled stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapReason {
    /// Segments never seen in the capture.
    NotCaptured,
    /// Sent in segments that the snaplen cut short.
    CutBySnaplen,
    /// Dropped because too much out-of-order data was waiting.
    BufferLimit,
}

/// One piece of a reassembled direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    Data {
        /// 0-based index of the packet that carried these bytes.
        packet: u32,
        /// Offset of the first byte in the direction's stream.
        offset: u64,
        bytes: &'a [u8],
    },
    Gap {
        offset: u64,
        len: u64,
        reason: GapReason,
    },
}

impl Piece<'_> {
    pub fn len(&self) -> u64 {
        match self {
            Piece::Data { bytes, .. } => bytes.len() as u64,
            Piece::Gap { len, .. } => *len,
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Debug, Clone, Copy)]
struct Held<'a> {
    packet: u32,
    bytes: &'a [u8],
    wire_len: u32,
}

/// Default bound on out-of-order bytes held per direction.
pub const DEFAULT_MAX_HELD: u64 = MAX_HELD_BYTES;

/// Reassembles one direction of a TCP connection.
#[derive(Debug)]
pub struct Reassembler<'a> {
    /// Raw sequence number and stream offset of the next expected byte.
    expected: Option<(Seq, u64)>,
    held: BTreeMap<u64, Held<'a>>,
    held_bytes: u64,
    max_held: u64,
    max_segments: u64,
    /// Bytes dropped because of the bound.
    pub dropped_bytes: u64,
    /// The first time a bound was reached (count or bytes), if it was.
    pub limit_hit: Option<LimitHit>,
}

impl Default for Reassembler<'_> {
    fn default() -> Self {
        Reassembler::new(DEFAULT_MAX_HELD)
    }
}

impl<'a> Reassembler<'a> {
    pub fn new(max_held: u64) -> Reassembler<'a> {
        Reassembler::with_bounds(max_held, MAX_HELD_SEGMENTS)
    }

    /// A reassembler holding at most `max_held` bytes in at most
    /// `max_segments` out-of-order segments.
    pub fn with_bounds(max_held: u64, max_segments: u64) -> Reassembler<'a> {
        Reassembler {
            expected: None,
            held: BTreeMap::new(),
            held_bytes: 0,
            max_held,
            max_segments: max_segments.max(1),
            dropped_bytes: 0,
            limit_hit: None,
        }
    }

    /// Offset of the next byte the stream expects.
    pub fn next_offset(&self) -> u64 {
        self.expected.map(|(_, o)| o).unwrap_or(0)
    }

    /// Adds a segment: `seq` is its raw sequence number, `syn` whether it
    /// carries SYN (its data then starts one later), `bytes` the captured
    /// payload and `wire_len` the payload length on the wire (`tcp.len`).
    pub fn push(
        &mut self,
        packet: u32,
        seq: Seq,
        syn: bool,
        bytes: &'a [u8],
        wire_len: u32,
        out: &mut impl FnMut(Piece<'a>),
    ) {
        let start = if syn { seq + 1 } else { seq };
        let (exp_seq, exp_off) = *self.expected.get_or_insert((start, 0));
        if wire_len == 0 {
            return;
        }
        let bytes = &bytes[..bytes.len().min(wire_len as usize)];
        let rel = start - exp_seq;
        let offset = exp_off as i64 + rel;
        let end = offset + i64::from(wire_len);
        if end <= exp_off as i64 {
            return; // everything already delivered: a retransmission
        }
        if offset > exp_off as i64 {
            self.hold(
                offset as u64,
                Held {
                    packet,
                    bytes,
                    wire_len,
                },
            );
            self.enforce_bound(packet, out);
            return;
        }
        self.deliver(
            offset,
            Held {
                packet,
                bytes,
                wire_len,
            },
            out,
        );
        self.drain(out);
    }

    /// Holds an out-of-order segment. A segment starting where a held one
    /// starts keeps only the bytes beyond it (the first copy wins).
    fn hold(&mut self, mut offset: u64, mut seg: Held<'a>) {
        while let Some(existing) = self.held.get(&offset) {
            let taken = existing.wire_len;
            if seg.wire_len <= taken {
                return;
            }
            let skip = (taken as usize).min(seg.bytes.len());
            seg = Held {
                packet: seg.packet,
                bytes: &seg.bytes[skip..],
                wire_len: seg.wire_len - taken,
            };
            offset += u64::from(taken);
        }
        self.held_bytes += u64::from(seg.wire_len);
        self.held.insert(offset, seg);
    }

    /// Delivers what is held, with gaps for holes that never filled.
    pub fn finish(&mut self, out: &mut impl FnMut(Piece<'a>)) {
        while let Some((&offset, _)) = self.held.iter().next() {
            let next = self.next_offset();
            if offset > next {
                self.skip_to(offset, GapReason::NotCaptured, out);
            }
            self.drain(out);
        }
    }

    /// Delivers a segment starting at or before the expected offset.
    fn deliver(&mut self, offset: i64, seg: Held<'a>, out: &mut impl FnMut(Piece<'a>)) {
        let Some((exp_seq, exp_off)) = self.expected else {
            return;
        };
        let skip = (exp_off as i64 - offset).max(0) as u64;
        let wire = u64::from(seg.wire_len);
        if skip >= wire {
            return;
        }
        let captured = seg.bytes.len() as u64;
        if skip < captured {
            out(Piece::Data {
                packet: seg.packet,
                offset: exp_off,
                bytes: &seg.bytes[skip as usize..],
            });
        }
        let cut_from = skip.max(captured);
        if cut_from < wire {
            out(Piece::Gap {
                offset: exp_off + (cut_from - skip),
                len: wire - cut_from,
                reason: GapReason::CutBySnaplen,
            });
        }
        let advance = wire - skip;
        self.expected = Some((exp_seq + advance as u32, exp_off + advance));
    }

    /// Delivers held segments that now touch the expected offset.
    fn drain(&mut self, out: &mut impl FnMut(Piece<'a>)) {
        while let Some((&offset, &seg)) = self.held.iter().next() {
            if offset > self.next_offset() {
                break;
            }
            self.held.remove(&offset);
            self.held_bytes -= u64::from(seg.wire_len);
            self.deliver(offset as i64, seg, out);
        }
    }

    /// Declares the bytes up to `offset` missing.
    fn skip_to(&mut self, offset: u64, reason: GapReason, out: &mut impl FnMut(Piece<'a>)) {
        let Some((seq, off)) = self.expected else {
            return;
        };
        if offset <= off {
            return;
        }
        out(Piece::Gap {
            offset: off,
            len: offset - off,
            reason,
        });
        self.expected = Some((seq + (offset - off) as u32, offset));
    }

    fn enforce_bound(&mut self, packet: u32, out: &mut impl FnMut(Piece<'a>)) {
        loop {
            let hit = if self.held.len() as u64 > self.max_segments {
                LimitHit {
                    limit: Limit::HeldSegments,
                    value: self.max_segments,
                    packet: Some(packet),
                }
            } else if self.held_bytes > self.max_held {
                LimitHit {
                    limit: Limit::HeldBytes,
                    value: self.max_held,
                    packet: Some(packet),
                }
            } else {
                break;
            };
            self.limit_hit.get_or_insert(hit);
            let Some((&offset, _)) = self.held.iter().next() else {
                break;
            };
            let missing = offset.saturating_sub(self.next_offset());
            self.dropped_bytes += missing;
            self.skip_to(offset, GapReason::BufferLimit, out);
            self.drain(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn collect(segs: &[(u32, u32, bool)], data: &[u8], isn: u32) -> (Vec<u8>, Vec<(u64, u64)>) {
        // segs: (offset, len, syn) over `data`; seq = isn + 1 + offset.
        let mut r = Reassembler::default();
        let mut bytes = Vec::new();
        let mut gaps = Vec::new();
        let mut out = |p: Piece<'_>| match p {
            Piece::Data { bytes: b, .. } => bytes.extend_from_slice(b),
            Piece::Gap { offset, len, .. } => {
                gaps.push((offset, len));
                bytes.extend(std::iter::repeat_n(0u8, len as usize));
            }
        };
        r.push(0, Seq(isn), true, &[], 0, &mut out);
        for (i, &(off, len, _)) in segs.iter().enumerate() {
            let s = &data[off as usize..(off + len) as usize];
            r.push(i as u32 + 1, Seq(isn) + (1 + off), false, s, len, &mut out);
        }
        r.finish(&mut out);
        (bytes, gaps)
    }

    #[test]
    fn in_order_retransmit_overlap_out_of_order() {
        let data: Vec<u8> = (0..100u8).collect();
        let segs = [
            (0, 10, false),
            (20, 10, false),
            (0, 10, false),
            (5, 20, false),
            (30, 70, false),
        ];
        let (bytes, gaps) = collect(&segs, &data, u32::MAX - 3);
        assert_eq!(bytes, data);
        assert!(gaps.is_empty());
    }

    #[test]
    fn hole_becomes_gap() {
        let data: Vec<u8> = (0..50u8).collect();
        let (bytes, gaps) = collect(&[(0, 10, false), (20, 30, false)], &data, 7);
        assert_eq!(gaps, vec![(10, 10)]);
        assert_eq!(&bytes[..10], &data[..10]);
        assert_eq!(&bytes[20..], &data[20..]);
    }

    #[test]
    fn snaplen_cut_is_a_gap_and_stream_continues() {
        let mut r = Reassembler::default();
        let mut pieces = Vec::new();
        r.push(0, Seq(100), false, b"abc", 10, &mut |p| pieces.push(p));
        r.push(1, Seq(110), false, b"xyz", 3, &mut |p| pieces.push(p));
        assert_eq!(pieces.len(), 3);
        assert_eq!(
            pieces[1],
            Piece::Gap {
                offset: 3,
                len: 7,
                reason: GapReason::CutBySnaplen
            }
        );
        assert!(matches!(pieces[2], Piece::Data { offset: 10, .. }));
    }

    #[test]
    fn bound_drops_and_reports() {
        let mut r = Reassembler::new(10);
        let mut gaps = 0;
        let data = [1u8; 8];
        r.push(0, Seq(0), false, &data, 8, &mut |_| {});
        r.push(1, Seq(100), false, &data, 8, &mut |p| {
            gaps += matches!(p, Piece::Gap { .. }) as u32
        });
        r.push(2, Seq(200), false, &data, 8, &mut |p| {
            gaps += matches!(p, Piece::Gap { .. }) as u32
        });
        assert_eq!(gaps, 1);
        assert_eq!(r.dropped_bytes, 92);
        assert_eq!(
            r.limit_hit.map(|h| h.to_string()).as_deref(),
            Some("limit reached: MAX_HELD_BYTES (10) at packet 3")
        );
    }

    #[test]
    fn count_bound_drops_and_reports() {
        // One-byte segments each beyond a hole: the count bound, not the
        // byte bound, stops them piling up.
        let mut r = Reassembler::with_bounds(1 << 20, 3);
        let mut gaps = Vec::new();
        r.push(0, Seq(0), false, b"a", 1, &mut |_| {});
        for k in 1..=4u32 {
            r.push(k, Seq(10 * k), false, b"b", 1, &mut |p| {
                if let Piece::Gap {
                    offset,
                    len,
                    reason,
                } = p
                {
                    gaps.push((offset, len, reason));
                }
            });
        }
        assert_eq!(gaps, vec![(1, 9, GapReason::BufferLimit)]);
        assert_eq!(r.dropped_bytes, 9);
        assert_eq!(
            r.limit_hit.map(|h| h.to_string()).as_deref(),
            Some("limit reached: MAX_HELD_SEGMENTS (3) at packet 5")
        );
    }

    proptest! {
        /// A payload cut into segments, reordered, duplicated, overlapped and
        /// partly dropped reassembles to the original, with exactly the
        /// never-covered ranges marked as gaps.
        #[test]
        fn reassembles_any_schedule(
            len in 1usize..3000,
            cuts in proptest::collection::vec(1u32..400, 1..40),
            order_seed in any::<u64>(),
            drops in proptest::collection::vec(any::<bool>(), 40),
            dups in proptest::collection::vec(0u32..3, 40),
            isn in any::<u32>(),
        ) {
            let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            let mut segs = Vec::new();
            let mut off = 0u32;
            let mut k = 0;
            while (off as usize) < len {
                let l = cuts[k % cuts.len()].min(len as u32 - off);
                // overlap: extend some segments backwards
                let back = if k % 3 == 1 { off.min(l / 2) } else { 0 };
                segs.push((off - back, l + back, false));
                off += l;
                k += 1;
            }
            // the last segment is always kept so the stream's end is known
            let last = segs.len() - 1;
            let kept: Vec<_> = segs.iter().enumerate()
                .filter(|(i, _)| *i == last || !drops[i % drops.len()])
                .map(|(_, s)| *s).collect();
            let mut schedule = Vec::new();
            for (i, s) in kept.iter().enumerate() {
                for _ in 0..=dups[i % dups.len()] { schedule.push(*s); }
            }
            let mut rng = order_seed | 1;
            for i in (1..schedule.len()).rev() {
                rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
                schedule.swap(i, (rng % (i as u64 + 1)) as usize);
            }
            let mut covered = vec![false; len];
            for &(o, l, _) in &kept { for c in &mut covered[o as usize..(o + l) as usize] { *c = true; } }
            let mut expected_gaps = Vec::new();
            let mut i = 0;
            while i < len {
                if !covered[i] {
                    let s = i;
                    while i < len && !covered[i] { i += 1; }
                    expected_gaps.push((s as u64, (i - s) as u64));
                } else { i += 1; }
            }
            let (bytes, gaps) = collect(&schedule, &data, isn);
            prop_assert_eq!(bytes.len(), len);
            for (j, (&got, &want)) in bytes.iter().zip(&data).enumerate() {
                if covered[j] { prop_assert_eq!(got, want); }
            }
            prop_assert_eq!(gaps, expected_gaps);
        }
    }
}
