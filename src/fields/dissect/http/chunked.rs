//! "HTTP chunked response": the chunks of a body sent with
//! `Transfer-Encoding: chunked`, as tshark 4.0 lists them inside the HTTP
//! layer (for requests too, under the same heading): each data chunk with
//! its size, data and boundary, the last chunk, the trailer lines and the
//! closing line end.

use super::super::body::format_text;
use super::super::Node;
use crate::fields::Value;
use std::borrow::Cow;
use std::ops::Range;

/// The most chunks one body lists (a body of one-byte chunks would need
/// four items a byte); past it a note says so.
pub const MAX_TREE_CHUNKS: usize = 2_000;

/// Shown bytes of an FT_BYTES item before tshark's `…`.
const SHOWN_BYTES: usize = 36;

fn hex(b: &[u8]) -> String {
    let shown: String = b
        .iter()
        .take(SHOWN_BYTES)
        .map(|x| format!("{x:02x}"))
        .collect();
    if b.len() > SHOWN_BYTES {
        format!("{shown}…")
    } else {
        shown
    }
}

fn bytes(b: &[u8]) -> Value<'static> {
    Value::Bytes(Cow::Owned(b.to_vec()))
}

/// The line starting at `at`: its end and where the next one starts
/// (`tvb_find_line_end`: CR, LF or CRLF); None without a line end.
fn line(b: &[u8], at: usize) -> Option<(usize, usize)> {
    let i = at
        + b.get(at..)?
            .iter()
            .position(|&c| c == b'\r' || c == b'\n')?;
    Some((
        i,
        if b[i..].starts_with(b"\r\n") {
            i + 2
        } else {
            i + 1
        },
    ))
}

/// The chunk list of `wire` (the body as sent: sizes, data, trailers), every
/// item spanning `r`.
pub fn chunks(wire: &[u8], r: Range<usize>) -> Node {
    let mut n = Node::text("HTTP chunked response", r.clone());
    let mut at = 0;
    let mut listed = 0;
    while let Some((end, data_at)) = line(wire, at) {
        let size_text = String::from_utf8_lossy(&wire[at..end]);
        let digits = size_text.split(';').next().unwrap_or("").trim();
        let Ok(size) = u64::from_str_radix(digits, 16) else {
            break;
        };
        if listed == MAX_TREE_CHUNKS {
            n.add(Node::text(
                format!("[More than {MAX_TREE_CHUNKS} chunks (MAX_TREE_CHUNKS): the rest are not listed]"),
                r.clone(),
            ));
            return n;
        }
        listed += 1;
        let size_node = |size: u64| {
            Node::field(
                "http.chunk_size",
                format!("Chunk size: {size} octets"),
                r.clone(),
                Value::UInt(size),
            )
        };
        if size == 0 {
            let last = n.add(Node::text("End of chunked encoding", r.clone()));
            last.add(size_node(0));
            at = data_at;
            // Trailer lines, then the empty line that ends the body.
            while let Some((end, next)) = line(wire, at) {
                n.add(Node::text(format_text(&wire[at..next]), r.clone()));
                let empty = end == at;
                at = next;
                if empty {
                    break;
                }
            }
            return n;
        }
        let Some(data_end) = usize::try_from(size)
            .ok()
            .and_then(|s| data_at.checked_add(s))
        else {
            break;
        };
        let data = wire
            .get(data_at..data_end.min(wire.len()))
            .unwrap_or_default();
        let c = n.add(Node::text(format!("Data chunk ({size} octets)"), r.clone()));
        c.add(size_node(size));
        c.add(Node::field(
            "http.chunk_data",
            format!("Chunk data: {}", hex(data)),
            r.clone(),
            bytes(data),
        ));
        if data_end >= wire.len() {
            return n;
        }
        let boundary = &wire[data_end..(data_end + 2).min(wire.len())];
        c.add(Node::field(
            "http.chunk_boundary",
            format!("Chunk boundary: {}", hex(boundary)),
            r.clone(),
            bytes(boundary),
        ));
        at = data_end + boundary.len();
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(n: &Node) -> Vec<String> {
        let t = super::super::super::Tree {
            layers: vec![n.clone()],
        };
        t.walk()
            .into_iter()
            .map(|(d, n)| format!("{}{}", "    ".repeat(d), n.text))
            .collect()
    }

    #[test]
    fn chunks_as_tshark_lists_them() {
        let n = chunks(b"5\r\nhello\r\n1;x=y\r\n!\r\n0\r\nExpires: 0\r\n\r\n", 0..0);
        assert_eq!(
            lines(&n),
            [
                "HTTP chunked response",
                "    Data chunk (5 octets)",
                "        Chunk size: 5 octets",
                "        Chunk data: 68656c6c6f",
                "        Chunk boundary: 0d0a",
                "    Data chunk (1 octets)",
                "        Chunk size: 1 octets",
                "        Chunk data: 21",
                "        Chunk boundary: 0d0a",
                "    End of chunked encoding",
                "        Chunk size: 0 octets",
                "    Expires: 0\\r\\n",
                "    \\r\\n",
            ]
        );
    }

    #[test]
    fn cut_and_hostile_bodies_stay_bounded() {
        let body = b"5\r\nhello\r\n0\r\n\r\n";
        for cut in 0..body.len() {
            let _ = chunks(&body[..cut], 0..0);
        }
        let _ = chunks(b"ffffffffffffffff\r\nx", 0..0);
        let many = b"1\r\nx\r\n".repeat(MAX_TREE_CHUNKS + 5);
        let n = chunks(&many, 0..0);
        assert_eq!(n.children.len(), MAX_TREE_CHUNKS + 1);
        assert!(n
            .children
            .last()
            .is_some_and(|c| c.text.contains("MAX_TREE_CHUNKS")));
    }
}
