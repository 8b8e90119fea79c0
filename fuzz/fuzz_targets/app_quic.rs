//! Fuzz target: any datagram as QUIC (long and short headers, Initial
//! decryption with the datagram's own DCID or a given one, the frames of
//! what decrypts); must never panic, and a row is always QUIC's. Run with
//! `cargo fuzz run app_quic` from this folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::decode::app::quic::{summary, Context};

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
    }
});
