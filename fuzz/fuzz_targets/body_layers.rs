//! Fuzz target: any bytes as an HTTP body; its JSON tree (or the line-based
//! text it falls back to), its line-based text and their `-V` text must
//! never panic, and a JSON tree appears only for a body that parsed. Run
//! with `cargo fuzz run body_layers`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::dissect::body;
use wirelens::dissect::{self, Tree};

fuzz_target!(|data: &[u8]| {
    let mut layers = Vec::new();
    let fell_back = body::json("application/json", data, 0..0, &mut layers);
    assert_eq!(layers.len(), if fell_back { 2 } else { 1 });
    layers.push(body::text_lines("text/plain", data, 0..0));
    let mut text = String::new();
    dissect::write_verbose(&Tree { layers }, &mut text);
    let _ = body::format_text(data);
});
