//! Fuzz target: any bytes as an HTTP body; its JSON tree (or the line-based
//! text it falls back to), its line-based text, its MIME multipart layer,
//! its chunk list as a chunked body and their `-V` text must never panic,
//! and a JSON tree appears only for a body that parsed. Run with
//! `cargo fuzz run body_layers`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::dissect::{body, chunked, multipart};
use wirelens::dissect::{self, Tree};

fuzz_target!(|data: &[u8]| {
    let mut layers = Vec::new();
    let fell_back = body::json("application/json", data, 0..0, &mut layers);
    assert_eq!(layers.len(), if fell_back { 2 } else { 1 });
    layers.push(body::text_lines("text/plain", data, 0..0));
    // The boundary is the input's first line, so the fuzzer finds it.
    let boundary = data.split(|&b| b == b'\n').next().unwrap_or_default();
    let ct = format!("multipart/mixed; boundary=\"{}\"", String::from_utf8_lossy(boundary));
    if let Some((layer, protocols)) = multipart::layer(&ct, data, 0..0) {
        assert_eq!(protocols.first(), Some(&"mime_multipart"));
        assert_eq!(&protocols[1..], multipart::protocols(&ct, data).as_slice());
        layers.push(layer);
    }
    layers.push(chunked::chunks(data, 0..0));
    let mut text = String::new();
    dissect::write_verbose(&Tree { layers }, &mut text);
    let _ = body::format_text(data);
});
