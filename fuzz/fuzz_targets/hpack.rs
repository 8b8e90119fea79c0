//! Fuzz target: any bytes as a sequence of HPACK header blocks (split at
//! each 0xfe byte) decoded with one dynamic table. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::http2::hpack::Decoder;

fuzz_target!(|data: &[u8]| {
    let mut d = Decoder::new();
    for block in data.split(|&b| b == 0xfe) {
        let _ = d.decode(block);
    }
});
