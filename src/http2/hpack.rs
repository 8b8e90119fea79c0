//! HPACK (RFC 7541): header blocks decoded with a dynamic table per
//! direction. Integers, string literals and the four representations are
//! read here with bounds checks; Huffman-coded strings are decoded with
//! fluke-hpack's decoder (the RFC's code table, well tested).

use fluke_hpack::huffman::HuffmanDecoder;
use std::collections::VecDeque;

/// Largest dynamic table a peer may ask for (SETTINGS_HEADER_TABLE_SIZE).
pub const MAX_TABLE_SIZE: usize = 1 << 20;
/// Most headers decoded from one block; a block with more is an error.
pub const MAX_HEADERS: usize = 1024;
/// Most bytes (names and values) decoded from one block.
pub const MAX_BLOCK_BYTES: usize = 256 * 1024;

/// Why a header block could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HpackError {
    #[error("header block cut short")]
    Truncated,
    #[error("integer too large")]
    Integer,
    #[error("index {0} is not in the tables")]
    Index(usize),
    #[error("bad Huffman string")]
    Huffman,
    #[error("dynamic table size {0} above the limit")]
    TableSize(usize),
    #[error("header block too large (limit MAX_HEADERS / MAX_BLOCK_BYTES)")]
    TooLarge,
}

const STATIC: [(&str, &str); 61] = [
    (":authority", ""),
    (":method", "GET"),
    (":method", "POST"),
    (":path", "/"),
    (":path", "/index.html"),
    (":scheme", "http"),
    (":scheme", "https"),
    (":status", "200"),
    (":status", "204"),
    (":status", "206"),
    (":status", "304"),
    (":status", "400"),
    (":status", "404"),
    (":status", "500"),
    ("accept-charset", ""),
    ("accept-encoding", "gzip, deflate"),
    ("accept-language", ""),
    ("accept-ranges", ""),
    ("accept", ""),
    ("access-control-allow-origin", ""),
    ("age", ""),
    ("allow", ""),
    ("authorization", ""),
    ("cache-control", ""),
    ("content-disposition", ""),
    ("content-encoding", ""),
    ("content-language", ""),
    ("content-length", ""),
    ("content-location", ""),
    ("content-range", ""),
    ("content-type", ""),
    ("cookie", ""),
    ("date", ""),
    ("etag", ""),
    ("expect", ""),
    ("expires", ""),
    ("from", ""),
    ("host", ""),
    ("if-match", ""),
    ("if-modified-since", ""),
    ("if-none-match", ""),
    ("if-range", ""),
    ("if-unmodified-since", ""),
    ("last-modified", ""),
    ("link", ""),
    ("location", ""),
    ("max-forwards", ""),
    ("proxy-authenticate", ""),
    ("proxy-authorization", ""),
    ("range", ""),
    ("referer", ""),
    ("refresh", ""),
    ("retry-after", ""),
    ("server", ""),
    ("set-cookie", ""),
    ("strict-transport-security", ""),
    ("transfer-encoding", ""),
    ("user-agent", ""),
    ("vary", ""),
    ("via", ""),
    ("www-authenticate", ""),
];

/// The decoding state of one direction.
pub struct Decoder {
    dynamic: VecDeque<(String, String)>,
    size: usize,
    max_size: usize,
    huffman: HuffmanDecoder,
}

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoder")
            .field("entries", &self.dynamic.len())
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

impl Default for Decoder {
    fn default() -> Decoder {
        Decoder::new()
    }
}

/// Reads an integer with an `n`-bit prefix from `b` at `*at`.
fn integer(b: &[u8], at: &mut usize, n: u8) -> Result<usize, HpackError> {
    let mask = (1usize << n) - 1;
    let first = *b.get(*at).ok_or(HpackError::Truncated)?;
    *at += 1;
    let mut v = usize::from(first) & mask;
    if v < mask {
        return Ok(v);
    }
    let mut shift = 0u32;
    loop {
        let byte = *b.get(*at).ok_or(HpackError::Truncated)?;
        *at += 1;
        if shift > 28 {
            return Err(HpackError::Integer);
        }
        v += usize::from(byte & 0x7f) << shift;
        shift += 7;
        if byte & 0x80 == 0 {
            return Ok(v);
        }
    }
}

impl Decoder {
    pub fn new() -> Decoder {
        Decoder {
            dynamic: VecDeque::new(),
            size: 0,
            max_size: 4096,
            huffman: HuffmanDecoder::new(),
        }
    }

    fn string(&mut self, b: &[u8], at: &mut usize) -> Result<String, HpackError> {
        let huff = b.get(*at).ok_or(HpackError::Truncated)? & 0x80 != 0;
        let len = integer(b, at, 7)?;
        let end = at.checked_add(len).ok_or(HpackError::Truncated)?;
        let raw = b.get(*at..end).ok_or(HpackError::Truncated)?;
        *at = end;
        let bytes = if huff {
            self.huffman.decode(raw).map_err(|_| HpackError::Huffman)?
        } else {
            raw.to_vec()
        };
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    fn entry(&self, index: usize) -> Result<(String, String), HpackError> {
        if index == 0 {
            return Err(HpackError::Index(0));
        }
        if let Some((n, v)) = STATIC.get(index - 1) {
            return Ok(((*n).into(), (*v).into()));
        }
        self.dynamic
            .get(index - 1 - STATIC.len())
            .cloned()
            .ok_or(HpackError::Index(index))
    }

    fn evict(&mut self) {
        while self.size > self.max_size {
            match self.dynamic.pop_back() {
                Some((n, v)) => self.size -= n.len() + v.len() + 32,
                None => {
                    self.size = 0;
                    break;
                }
            }
        }
    }

    fn insert(&mut self, name: &str, value: &str) {
        let size = name.len() + value.len() + 32;
        self.dynamic
            .push_front((name.to_string(), value.to_string()));
        self.size += size;
        self.evict();
    }

    /// Decodes one complete header block.
    pub fn decode(&mut self, b: &[u8]) -> Result<Vec<(String, String)>, HpackError> {
        let mut out = Vec::new();
        let mut bytes = 0usize;
        let mut at = 0usize;
        while at < b.len() {
            let first = b[at];
            let (name, value) = if first & 0x80 != 0 {
                let i = integer(b, &mut at, 7)?;
                self.entry(i)?
            } else if first & 0xe0 == 0x20 {
                let size = integer(b, &mut at, 5)?;
                if size > MAX_TABLE_SIZE {
                    return Err(HpackError::TableSize(size));
                }
                self.max_size = size;
                self.evict();
                continue;
            } else {
                let (prefix, index) = if first & 0x40 != 0 {
                    (6, true)
                } else {
                    (4, false)
                };
                let i = integer(b, &mut at, prefix)?;
                let name = if i == 0 {
                    self.string(b, &mut at)?
                } else {
                    self.entry(i)?.0
                };
                let value = self.string(b, &mut at)?;
                if index {
                    self.insert(&name, &value);
                }
                (name, value)
            };
            bytes += name.len() + value.len();
            if out.len() >= MAX_HEADERS || bytes > MAX_BLOCK_BYTES {
                return Err(HpackError::TooLarge);
            }
            out.push((name, value));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
            .collect()
    }

    #[test]
    fn rfc7541_c4_requests_with_huffman() {
        // RFC 7541, C.4: three requests on one connection (Huffman coded).
        let mut d = Decoder::new();
        let h = d
            .decode(&hex("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff"))
            .expect("first");
        assert_eq!(h[3], (":authority".into(), "www.example.com".into()));
        let h = d
            .decode(&hex("8286 84be 5886 a8eb 1064 9cbf"))
            .expect("second");
        assert_eq!(h[3], (":authority".into(), "www.example.com".into()));
        assert_eq!(h[4], ("cache-control".into(), "no-cache".into()));
        let h = d
            .decode(&hex(
                "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
            ))
            .expect("third");
        assert_eq!(h[2], (":path".into(), "/index.html".into()));
        assert_eq!(h[4], ("custom-key".into(), "custom-value".into()));
        assert_eq!(d.size, 164);
    }

    #[test]
    fn hostile_blocks_fail_without_panicking() {
        let mut d = Decoder::new();
        assert_eq!(d.decode(&[0x80]), Err(HpackError::Index(0)));
        assert_eq!(d.decode(&[0xff, 0x80]), Err(HpackError::Truncated));
        assert_eq!(
            d.decode(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]),
            Err(HpackError::Integer)
        );
        assert_eq!(
            d.decode(&[0x3f, 0xff, 0xff, 0x7f]),
            Err(HpackError::TableSize(2_097_182))
        );
        assert_eq!(d.decode(&[0x40, 0x85, 0xff]), Err(HpackError::Truncated));
        for n in 0..=255u8 {
            let _ = d.decode(&[n, n, n, n, n, n]);
        }
    }
}
