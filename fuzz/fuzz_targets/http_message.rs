//! Fuzz target: HTTP/1.x framing and body decoding on one buffer. The first
//! byte picks request or response, whether the connection closed, and which
//! content codings (gzip, deflate, br, stacked) to undo. Heads, every
//! framing (chunked, Content-Length, to the end) and bounded decoding must
//! never panic, never read past the buffer and never exceed their bounds;
//! decoding into a writer (the export's way) gives the same bytes and error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::http::{content, parse};

const CODINGS: [&str; 8] = ["gzip", "deflate", "br", "x-gzip", "gzip, br", "br, deflate", "identity", "compress"];
const LIMIT: u64 = 1 << 20;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, buf)) = data.split_first() else {
        return;
    };
    let closed = mode & 0x02 != 0;
    let head = if mode & 0x01 == 0 { parse::parse_request(buf) } else { parse::parse_response(buf) };
    let codings = content::codings(CODINGS[usize::from(mode >> 5)]);
    match head {
        Ok(head) => {
            assert!(head.len <= buf.len().min(parse::MAX_HEAD), "head longer than its buffer");
            let framing = if mode & 0x01 == 0 {
                parse::request_framing(&head)
            } else {
                parse::response_framing(&head, Some(if mode & 0x04 != 0 { "HEAD" } else { "GET" }))
            };
            let rest = &buf[head.len..];
            let body = parse::read_body(rest, framing, closed);
            assert!(body.wire_len <= rest.len() as u64, "body beyond its buffer");
            assert!(body.len <= body.wire_len, "more body than wire bytes");
            let bytes = body.gather(rest);
            assert_eq!(bytes.len() as u64, body.len, "body pieces inside the buffer");
            let codings = head.header("content-encoding").map(content::codings).unwrap_or(codings);
            let d = content::decode(&bytes, &codings, LIMIT);
            assert!(d.bytes.len() as u64 <= LIMIT.max(bytes.len() as u64));
            same_when_streamed(&bytes, &codings, &d);
        }
        Err(_) => {
            // Every framing over raw bytes, and decoding them.
            for framing in [parse::Framing::Chunked, parse::Framing::Length(u64::MAX), parse::Framing::Close] {
                let body = parse::read_body(buf, framing, closed);
                assert!(body.wire_len <= buf.len() as u64);
            }
            let d = content::decode(buf, &codings, LIMIT);
            assert!(d.bytes.len() as u64 <= LIMIT.max(buf.len() as u64));
            same_when_streamed(buf, &codings, &d);
        }
    }
});

/// Decoding into a writer (what the export does), from the bytes cut in
/// two pieces, gives what decoding into memory gave.
fn same_when_streamed(bytes: &[u8], codings: &[String], want: &content::DecodedBody) {
    let (a, b) = bytes.split_at(bytes.len() / 2);
    let mut out = Vec::new();
    let (n, error) = content::decode_pieces_to(&[a, b], codings, LIMIT, &mut out).expect("a Vec takes every write");
    assert_eq!(out, want.bytes, "streamed bytes differ");
    assert_eq!(n, out.len() as u64);
    assert_eq!(error, want.error, "streamed error differs");
}
