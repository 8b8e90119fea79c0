//! Fuzz target: any datagram as QUIC (long and short headers, Initial
//! decryption with the datagram's own DCID or a given one, the frames of
//! what decrypts, and any bytes as decrypted frames); must never panic, and a row is always QUIC's. Run with
//! `cargo fuzz run app_quic` from this folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::decode::app::quic::{frames, initial, summary, Context};

fuzz_target!(|data: &[u8]| {
    let dcid = data.get(..8);
    for ctx in [
        Context::default(),
        Context {
            original_dcid: dcid,
            from_server: true,
            short_dcid_len: Some(8),
        },
        Context {
            original_dcid: dcid,
            from_server: false,
            short_dcid_len: Some(0),
        },
    ] {
        if let Some(s) = summary(data, ctx) {
            assert_eq!(s.protocol, "QUIC");
        }
        if let Some(i) = initial(data, ctx) {
            assert!(i.pn_at + i.pn_len <= data.len());
        }
    }
    // Any bytes as a decrypted payload's frames: each within the payload.
    for f in frames(data).unwrap_or_default() {
        assert!(f.at < f.end && f.end <= data.len());
    }
});
