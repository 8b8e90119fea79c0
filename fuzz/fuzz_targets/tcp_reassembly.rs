//! Fuzz target: TCP reassembly of one direction driven by a segment schedule
//! built from the input: sequence numbers near a random initial one (so they
//! wrap around 2^32), retransmissions, overlaps (consistent or conflicting),
//! segments cut by the snaplen, SYNs, and a small or large bound on held
//! out-of-order data.
//!
//! Checked: pieces come out contiguous from offset 0, each byte once; bytes
//! from a consistent segment are the bytes the sender put at that sequence
//! number; the output never holds more data than was pushed; the number of
//! pieces stays proportional to the number of segments.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use wirelens::flow::reassembly::{Piece, Reassembler};

#[derive(Debug, Arbitrary)]
struct Segment {
    /// Start relative to the previous segment's start (or absolute).
    delta: i16,
    absolute: Option<u32>,
    wire_len: u16,
    /// Bytes captured of `wire_len` (snaplen cut when smaller).
    captured: u16,
    syn: bool,
    /// Carries bytes that differ from what the sender sent first.
    conflicting: bool,
}

#[derive(Debug, Arbitrary)]
struct Input {
    isn: u32,
    small_bound: Option<u16>,
    segments: Vec<Segment>,
}

/// The byte the sender put at sequence number `seq`.
fn byte_at(seq: u32) -> u8 {
    (seq.wrapping_mul(2_654_435_761) >> 24) as u8
}

fuzz_target!(|input: Input| {
    let segments = &input.segments[..input.segments.len().min(512)];
    // Build every payload first: the reassembler borrows them.
    let mut starts = Vec::with_capacity(segments.len());
    let mut payloads = Vec::with_capacity(segments.len());
    let mut start = input.isn;
    for s in segments {
        start = match s.absolute {
            Some(a) => a,
            None => start.wrapping_add(s.delta as i32 as u32),
        };
        let data_start = if s.syn { start.wrapping_add(1) } else { start };
        let cap = s.captured.min(s.wire_len) as u32;
        let bytes: Vec<u8> = (0..cap)
            .map(|i| {
                let b = byte_at(data_start.wrapping_add(i));
                if s.conflicting {
                    !b
                } else {
                    b
                }
            })
            .collect();
        starts.push(start);
        payloads.push(bytes);
    }
    let bound = input.small_bound.map_or(16 << 20, u64::from);
    let mut r = Reassembler::new(bound);
    let mut first_data_seq: Option<u32> = None;
    let mut next = 0u64;
    let mut pieces = 0usize;
    let mut data_out = 0u64;
    let pushed: u64 = payloads.iter().map(|p| p.len() as u64).sum();
    let mut check = |p: Piece<'_>, first: Option<u32>| {
        pieces += 1;
        match p {
            Piece::Data { packet, offset, bytes } => {
                assert_eq!(offset, next, "data not contiguous");
                let seg = &segments[packet as usize];
                if !seg.conflicting {
                    if let Some(base) = first {
                        for (i, &b) in bytes.iter().enumerate() {
                            let seq = base.wrapping_add((offset + i as u64) as u32);
                            assert_eq!(b, byte_at(seq), "wrong byte at stream offset {}", offset + i as u64);
                        }
                    }
                }
                next += bytes.len() as u64;
                data_out += bytes.len() as u64;
            }
            Piece::Gap { offset, len, .. } => {
                assert_eq!(offset, next, "gap not contiguous");
                assert!(len > 0, "empty gap");
                next += len;
            }
        }
    };
    for (i, s) in segments.iter().enumerate() {
        if first_data_seq.is_none() {
            first_data_seq = Some(if s.syn { starts[i].wrapping_add(1) } else { starts[i] });
        }
        let first = first_data_seq;
        r.push(i as u32, wirelens::flow::seq::Seq(starts[i]), s.syn, &payloads[i], u32::from(s.wire_len), &mut |p| check(p, first));
    }
    let first = first_data_seq;
    r.finish(&mut |p| check(p, first));
    assert!(data_out <= pushed, "more data out than in");
    assert!(pieces <= 3 * segments.len() + 1, "{pieces} pieces from {} segments", segments.len());
});
