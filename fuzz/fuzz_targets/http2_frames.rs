//! Fuzz target: any bytes as the two directions of an HTTP/2 connection (the
//! first byte splits them; the client's gets the preface). Framing, HPACK,
//! the packet-list columns and the transactions must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::flow::Direction;
use wirelens::flow::stream::DirStream;

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else { return };
    let at = usize::from(split).min(rest.len());
    let (a, b) = rest.split_at(at);
    let mut client = wirelens::http2::frame::PREFACE.to_vec();
    client.extend_from_slice(a);
    let mut streams = [DirStream::default(), DirStream::default()];
    for (s, bytes) in streams.iter_mut().zip([client, b.to_vec()]) {
        s.packets = (0..bytes.len() as u64).step_by(7).map(|o| (o, o as u32)).collect();
        s.bytes = bytes;
    }
    let conn = wirelens::http2::read(&streams, Direction::AtoB, &Default::default());
    for p in 0..rest.len() as u32 {
        let _ = conn.columns(p);
    }
    let _ = conn.transactions(0, 0);
});
