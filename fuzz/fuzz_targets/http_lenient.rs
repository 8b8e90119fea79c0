//! Fuzz target: request heads for the lenient HTTP parser (request lines
//! without or with odd versions, control bytes, bare LF), heads a stream
//! ends inside, and media-type summaries of arbitrary bodies. Must never
//! panic; a parsed head never claims more bytes than it was given. Run with
//! `cargo fuzz run http_lenient` from this folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::http::parse;

fuzz_target!(|data: &[u8]| {
    let mut buf = b"GET ".to_vec();
    buf.extend_from_slice(data);
    if let Ok(head) = parse::parse_request(&buf) {
        assert!(head.len <= buf.len(), "head longer than its input");
    }
    if let Some(head) = parse::partial_request(&buf) {
        assert!(head.len <= buf.len(), "partial head longer than its input");
    }
    let text = String::from_utf8_lossy(data);
    let (ct, body) = text.split_once('\n').unwrap_or((&text, ""));
    let _ = wirelens::http::summary::media_summary(ct, body.as_bytes());
});
