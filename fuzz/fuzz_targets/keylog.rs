//! Fuzz target: any bytes as an NSS key log. Parsing must never panic, and
//! every warning names a line that exists.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::tls::KeyLog;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut keys = KeyLog::new();
    let lines = text.lines().count();
    for w in keys.add_text(&text) {
        assert!(w.line >= 1 && w.line <= lines);
    }
});
