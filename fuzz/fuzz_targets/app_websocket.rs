//! Fuzz target: WebSocket rows from two arbitrary directions. The first two bytes
//! split the input into the client's and the server's bytes; every 7th byte
//! of each starts a new segment. Must never panic, and every row must name a
//! packet that carried bytes. Run with `cargo fuzz run app_websocket` from here.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::decode::app::DirBytes;

fn segments(bytes: &[u8], first_packet: u32) -> Vec<(u64, u32)> {
    (0..bytes.len())
        .step_by(7)
        .enumerate()
        .map(|(i, o)| (o as u64, first_packet + 2 * i as u32))
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((head, rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let cut = usize::from(u16::from_le_bytes(*head)).min(rest.len());
    let (client, server) = rest.split_at(cut);
    let (cs, ss) = (segments(client, 0), segments(server, 1));
    let c = DirBytes { bytes: client, segments: &cs };
    let s = DirBytes { bytes: server, segments: &ss };
    let rows = wirelens::decode::app::websocket::rows(c, s);
    for (packet, _) in rows {
        assert!(
            cs.iter().chain(&ss).any(|&(_, p)| p == packet),
            "a row for a packet that carried nothing"
        );
    }
});
