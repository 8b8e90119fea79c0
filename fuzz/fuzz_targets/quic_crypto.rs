//! Fuzz target: any bytes as one direction's QUIC CRYPTO frames (each a
//! frame number, a stream offset and data, cut from the input), put back
//! together as tshark does and drawn as TLS handshake messages, fragments
//! and reassembled runs; must never panic, and the bytes a frame hands on
//! never outgrow what came in. Run with `cargo fuzz run quic_crypto` from
//! this folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::dissect::crypto_stream;

fuzz_target!(|data: &[u8]| {
    // Each piece: a frame step (1 byte), an offset (2 bytes, in 4-byte
    // units to reach far), a length (1 byte), then the data.
    let mut pieces = Vec::new();
    let mut rest = data;
    let mut frame = 1u32;
    while let [step, hi, lo, len, tail @ ..] = rest {
        frame += u32::from(step & 3);
        let offset = u64::from(u16::from_be_bytes([*hi, *lo])) * 4;
        let n = usize::from(*len).min(tail.len());
        pieces.push((frame, offset, tail[..n].to_vec()));
        rest = &tail[n..];
    }
    let nodes = crypto_stream(&pieces);
    assert_eq!(nodes.len(), pieces.len());
    let total: usize = pieces.iter().map(|p| p.2.len()).sum();
    for n in &nodes {
        for c in &n.children {
            if c.abbrev == "tls" {
                assert!(c.bytes.end - c.bytes.start <= total);
            }
        }
    }
});
