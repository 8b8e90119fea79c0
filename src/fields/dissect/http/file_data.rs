//! `http.file_data`'s value: the body as tshark 4.0 gives it (a string read
//! with ASCII encoding from the de-chunked, decoded body), bounded by
//! [`MAX_FILE_DATA`].

use crate::fields::Value;
use std::borrow::Cow;

/// Most body bytes `http.file_data`'s value holds; a longer body's value is
/// cut here and its tree says so.
pub const MAX_FILE_DATA: usize = 16 * 1024 * 1024;

/// The value of `http.file_data` for a decoded body, and whether
/// [`MAX_FILE_DATA`] cut it. tshark reads the body as an ASCII string: it
/// ends at the first NUL (a JPEG's value is its first four bytes), and each
/// byte past 0x7f is U+FFFD.
pub fn value(body: &[u8]) -> (Value<'static>, bool) {
    let end = body.iter().position(|&b| b == 0).unwrap_or(body.len());
    let cut = end > MAX_FILE_DATA;
    let text = ascii(&body[..end.min(MAX_FILE_DATA)]);
    (Value::Str(Cow::Owned(text)), cut)
}

/// Bytes read as tshark's ASCII encoding does: each byte past 0x7f is
/// U+FFFD.
pub fn ascii(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| if b < 0x80 { b as char } else { '\u{fffd}' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_at_nul_and_replaces_high_bytes() {
        let (v, cut) = value(b"\xff\xd8\xff\xe0\x00\x10JFIF");
        assert_eq!(v.tshark(), "\u{fffd}\u{fffd}\u{fffd}\u{fffd}");
        assert!(!cut);
        let (v, _) = value("é\tx\\b".as_bytes());
        assert_eq!(v.tshark(), "\u{fffd}\u{fffd}\tx\\b");
        let (v, _) = value(b"");
        assert_eq!(v.tshark(), "");
    }

    #[test]
    fn long_bodies_are_cut_at_the_limit() {
        let big = vec![b'a'; MAX_FILE_DATA + 3];
        let (v, cut) = value(&big);
        assert!(cut);
        assert_eq!(v.tshark().len(), MAX_FILE_DATA);
        let nul_early = [b"ab\0".as_slice(), &big].concat();
        let (v, cut) = value(&nul_early);
        assert!(!cut);
        assert_eq!(v.tshark(), "ab");
    }
}
