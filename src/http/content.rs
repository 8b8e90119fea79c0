//! Content codings (gzip, x-gzip, deflate zlib-wrapped or raw, br, stacked)
//! undone with a bound on the decoded size, so a decompression bomb stops at
//! the limit and is reported instead of filling memory. Three bounds apply
//! ([`crate::limits`]): the decoded size (the caller's, at most
//! [`MAX_DECODED_BODY`]), the expansion ratio ([`MAX_DECOMPRESSION_RATIO`]
//! times the encoded size, past [`MIN_DECODED_ALLOWANCE`]) and the number of
//! stacked codings ([`MAX_CONTENT_CODINGS`]).

use crate::limits::{
    Limit, LimitHit, MAX_CONTENT_CODINGS, MAX_DECODED_BODY, MAX_DECOMPRESSION_RATIO,
    MIN_DECODED_ALLOWANCE,
};
use std::io::{BufRead, Read, Write};

mod pieces;
pub use pieces::Pieces;

/// Default bound on one decoded body.
pub const DEFAULT_DECODED_LIMIT: u64 = MAX_DECODED_BODY;

/// Why a body could not be fully decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentError {
    /// A bound was reached: the bytes decoded up to it are kept.
    #[error("{0}")]
    Limit(LimitHit),
    #[error("unsupported content coding {0:?}")]
    Unsupported(String),
    #[error("corrupt {coding} data after {decoded} decoded bytes: {message}")]
    Corrupt {
        coding: String,
        decoded: u64,
        message: String,
    },
}

/// A decoded body: what could be decoded, and why it stopped early if it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedBody {
    pub bytes: Vec<u8>,
    pub error: Option<ContentError>,
}

/// The codings of a Content-Encoding value, in the order they were applied.
pub fn codings(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "identity")
        .collect()
}

/// Decodes with `r` up to `limit` bytes, or up to the ratio bound over the
/// `encoded` size when that is smaller (reported as such). The bytes come
/// through [`copy_bounded`], as they do when written or counted, so all
/// three stop at the same byte on corrupt data.
fn read_bounded(r: impl Read, encoded: usize, limit: u64, coding: &str) -> DecodedBody {
    // Sized for a typical expansion up front: fewer copies as it grows.
    let mut bytes = Vec::with_capacity(
        (encoded as u64)
            .saturating_mul(EXPECTED_RATIO)
            .min(limit.saturating_add(1))
            .min(MAX_PRESIZE) as usize,
    );
    // Writing to a Vec never fails.
    let (_, error) = copy_bounded(r, encoded, limit, coding, &mut bytes).unwrap_or_default();
    DecodedBody { bytes, error }
}

/// The most a decoded body's buffer is sized for before any byte is decoded.
const MAX_PRESIZE: u64 = 16 << 20;

/// [`copy_bounded`] counting the decoded bytes instead of keeping them (the
/// same bound, the same error): what `wirelens http` shows of a body.
fn count_bounded(
    r: impl Read,
    encoded: usize,
    limit: u64,
    coding: &str,
) -> (u64, Option<ContentError>) {
    // Writing to a sink never fails.
    copy_bounded(r, encoded, limit, coding, &mut std::io::sink()).unwrap_or_default()
}

/// Decodes with `r` into `out` as the bytes come (through one
/// [`COUNT_CHUNK`] buffer), up to `limit` bytes or up to the ratio bound
/// over the `encoded` size when that is smaller (reported as such); the
/// length written and why it stopped early. `Err` is a failure to write.
fn copy_bounded(
    mut r: impl Read,
    encoded: usize,
    limit: u64,
    coding: &str,
    out: &mut dyn Write,
) -> std::io::Result<(u64, Option<ContentError>)> {
    let by_ratio = (encoded as u64)
        .saturating_mul(MAX_DECOMPRESSION_RATIO)
        .max(MIN_DECODED_ALLOWANCE);
    let (bound, hit) = if by_ratio < limit {
        (by_ratio, LimitHit::new(Limit::DecompressionRatio, None))
    } else {
        (
            limit,
            LimitHit {
                limit: Limit::DecodedBody,
                value: limit,
                packet: None,
            },
        )
    };
    let mut r = (&mut r).take(bound.saturating_add(1));
    // No bigger than what may be kept (a peek at a body's start reads a few
    // KiB): the same for every path given the same bound, so they all make
    // the same calls.
    let chunk = (bound.saturating_add(1)).min(COUNT_CHUNK as u64) as usize;
    let mut scratch = vec![0u8; chunk];
    let mut n: u64 = 0;
    loop {
        match r.read(&mut scratch) {
            Ok(0) => break,
            Ok(k) => {
                // What lies past the bound is read (to tell that there is
                // more) but not kept.
                let keep = (k as u64).min(bound.saturating_sub(n)) as usize;
                out.write_all(&scratch[..keep])?;
                n += k as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                let error = ContentError::Corrupt {
                    coding: coding.into(),
                    decoded: n,
                    message: e.to_string(),
                };
                return Ok((n, Some(error)));
            }
        }
    }
    Ok(if n > bound {
        (bound, Some(ContentError::Limit(hit)))
    } else {
        (n, None)
    })
}

/// The expansion a decoded body's buffer is first sized for.
const EXPECTED_RATIO: u64 = 4;

/// The scratch buffer decoded bytes are counted through.
const COUNT_CHUNK: usize = 64 << 10;

/// [`decode_one`]'s length and error, without keeping the bytes.
fn count_one(data: &[u8], coding: &str, limit: u64) -> (u64, Option<ContentError>) {
    count_pieces(Pieces::new(&[data]), coding, limit)
}

/// [`count_one`] over bytes in pieces, read where they lie.
fn count_pieces(data: Pieces<'_>, coding: &str, limit: u64) -> (u64, Option<ContentError>) {
    let encoded = data.len();
    let (first, n) = data.peek::<2>();
    match decoder(data, &first[..n], coding) {
        Some(reader) => count_bounded(reader, encoded, limit, coding),
        None => (
            encoded as u64,
            Some(ContentError::Unsupported(coding.into())),
        ),
    }
}

/// The reader that undoes `coding` over `data` (whose first bytes are
/// `first`), if it is one we know. The decoders read `data`'s own buffers
/// (no copy into one of theirs).
fn decoder<'a>(data: impl BufRead + 'a, first: &[u8], coding: &str) -> Option<Box<dyn Read + 'a>> {
    Some(match coding {
        "gzip" | "x-gzip" => Box::new(flate2::bufread::MultiGzDecoder::new(data)),
        "deflate" if is_zlib(first) => Box::new(flate2::bufread::ZlibDecoder::new(data)),
        "deflate" => Box::new(flate2::bufread::DeflateDecoder::new(data)),
        "br" => Box::new(brotli::Decompressor::new(data, 4096)),
        _ => return None,
    })
}

/// zlib-wrapped deflate: the two header bytes check out (raw otherwise).
fn is_zlib(data: &[u8]) -> bool {
    data.len() >= 2
        && data[0] & 0x0f == 8
        && (u16::from(data[0]) << 8 | u16::from(data[1])) % 31 == 0
}

fn decode_one(data: &[u8], coding: &str, limit: u64) -> DecodedBody {
    let parts = [data];
    let decoded = match decoder(Pieces::new(&parts), data, coding) {
        Some(reader) => read_bounded(reader, data.len(), limit, coding),
        None => DecodedBody {
            bytes: data.to_vec(),
            error: Some(ContentError::Unsupported(coding.into())),
        },
    };
    decoded
}

/// Undoes `codings` (as listed in Content-Encoding, so the last applied is
/// undone first), each step bounded by `limit` bytes (and by the ratio
/// bound); more than [`MAX_CONTENT_CODINGS`] codings are not undone at all.
pub fn decode(data: &[u8], codings: &[String], limit: u64) -> DecodedBody {
    if codings.len() as u64 > MAX_CONTENT_CODINGS {
        return DecodedBody {
            bytes: data.to_vec(),
            error: Some(ContentError::Limit(LimitHit::new(
                Limit::ContentCodings,
                None,
            ))),
        };
    }
    // Each step reads the previous one's output (the first, `data` itself:
    // no copy of the encoded body).
    let mut current: Option<DecodedBody> = None;
    for coding in codings.iter().rev() {
        let input = current.as_ref().map_or(data, |c| c.bytes.as_slice());
        let next = decode_one(input, coding, limit);
        let stop = next.error.is_some();
        current = Some(next);
        if stop {
            break;
        }
    }
    current.unwrap_or_else(|| DecodedBody {
        bytes: data.to_vec(),
        error: None,
    })
}

/// The length (and error) [`decode`] gives for `data`, without keeping the
/// decoded bytes of the last coding undone (the first applied).
pub fn decoded_len(data: &[u8], codings: &[String], limit: u64) -> (u64, Option<ContentError>) {
    let Some((first_applied, rest)) = codings.split_first() else {
        return (data.len() as u64, None);
    };
    if codings.len() as u64 > MAX_CONTENT_CODINGS {
        let d = decode(data, codings, limit);
        return (d.bytes.len() as u64, d.error);
    }
    if rest.is_empty() {
        return count_one(data, first_applied, limit);
    }
    let inner = decode(data, rest, limit);
    if inner.error.is_some() {
        return (inner.bytes.len() as u64, inner.error);
    }
    count_one(&inner.bytes, first_applied, limit)
}

/// [`decode`] of the bytes of `parts` one after the other, read where they
/// lie when one coding is to be undone (nearly always), else gathered
/// first.
pub fn decode_pieces(parts: &[&[u8]], codings: &[String], limit: u64) -> DecodedBody {
    match codings {
        [one] => {
            let data = Pieces::new(parts);
            let encoded = data.len();
            let (first, n) = data.peek::<2>();
            match decoder(data, &first[..n], one) {
                Some(reader) => read_bounded(reader, encoded, limit, one),
                None => DecodedBody {
                    bytes: parts.concat(),
                    error: Some(ContentError::Unsupported(one.clone())),
                },
            }
        }
        _ => decode(&parts.concat(), codings, limit),
    }
}

/// [`decode_pieces`] written to `out` as it is decoded, never held whole:
/// the same bytes, the length written and the same error. One coding (nearly
/// always) is undone straight from where the pieces lie; the inner layers
/// of stacked codings are decoded into memory first. `Err` is a failure to
/// write.
pub fn decode_pieces_to(
    parts: &[&[u8]],
    codings: &[String],
    limit: u64,
    out: &mut dyn Write,
) -> std::io::Result<(u64, Option<ContentError>)> {
    let Some((first_applied, rest)) = codings.split_first() else {
        return write_parts(parts, out).map(|n| (n, None));
    };
    if codings.len() as u64 > MAX_CONTENT_CODINGS {
        let error = ContentError::Limit(LimitHit::new(Limit::ContentCodings, None));
        return write_parts(parts, out).map(|n| (n, Some(error)));
    }
    if rest.is_empty() {
        return undo_one_to(parts, first_applied, limit, out);
    }
    let inner = decode(&parts.concat(), rest, limit);
    if let Some(error) = inner.error {
        return write_parts(&[&inner.bytes], out).map(|n| (n, Some(error)));
    }
    undo_one_to(&[&inner.bytes], first_applied, limit, out)
}

/// Undoes one `coding` over the bytes of `parts` into `out` (them as they
/// are when the coding is unknown, as [`decode_one`] keeps them).
fn undo_one_to(
    parts: &[&[u8]],
    coding: &str,
    limit: u64,
    out: &mut dyn Write,
) -> std::io::Result<(u64, Option<ContentError>)> {
    let data = Pieces::new(parts);
    let encoded = data.len();
    let (first, n) = data.peek::<2>();
    match decoder(data, &first[..n], coding) {
        Some(reader) => copy_bounded(reader, encoded, limit, coding, out),
        None => {
            write_parts(parts, out).map(|n| (n, Some(ContentError::Unsupported(coding.into()))))
        }
    }
}

/// Writes `parts` one after the other; their length.
fn write_parts(parts: &[&[u8]], out: &mut dyn Write) -> std::io::Result<u64> {
    let mut n = 0u64;
    for p in parts {
        out.write_all(p)?;
        n += p.len() as u64;
    }
    Ok(n)
}

/// [`decoded_len`] of the bytes of `parts` one after the other, read where
/// they lie when one coding is to be undone (nearly always), else gathered
/// first.
pub fn decoded_len_pieces(
    parts: &[&[u8]],
    codings: &[String],
    limit: u64,
) -> (u64, Option<ContentError>) {
    match codings {
        [one] => count_pieces(Pieces::new(parts), one, limit),
        _ => decoded_len(&parts.concat(), codings, limit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(d: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(d).expect("write");
        e.finish().expect("finish")
    }

    /// Decoding into a writer gives what decoding into memory gives: the
    /// same bytes and the same error, for every kind of body and bound.
    #[test]
    fn decoding_to_a_writer_equals_decoding_in_memory() {
        let text = b"streamed straight to the file ".repeat(400);
        let gz = gzip(&text);
        let mut corrupt = gz.clone();
        corrupt.truncate(gz.len() / 2);
        let bomb = gzip(&vec![0u8; 4 << 20]);
        // Corrupt in the middle of a deflate stream several input windows
        // long: a decoder fails in the middle of a call, so how much is
        // kept depends on where the calls fall, which must not depend on
        // how the bytes were cut.
        let numbers: String = (0..30_000u32)
            .map(|i| format!("{} ", i * 7919 % 10007))
            .collect();
        let mut flipped = gzip(numbers.as_bytes());
        assert!(flipped.len() > 2 * pieces::INPUT_WINDOW);
        let mid = flipped.len() / 2;
        flipped[mid..mid + 8].iter_mut().for_each(|b| *b ^= 0x5a);
        let mut flipped_early = gzip(&text);
        flipped_early[20..28].iter_mut().for_each(|b| *b ^= 0x5a);
        let stacked = "gzip,".repeat(MAX_CONTENT_CODINGS as usize + 1);
        let cases: Vec<(Vec<u8>, &str, u64)> = vec![
            (gz.clone(), "gzip", 1 << 20),
            (gz.clone(), "gzip", 100),
            (gzip(&gz), "gzip, gzip", 1 << 20),
            (gz.clone(), "gzip, zz-unknown", 1 << 20),
            (gz.clone(), "zz-unknown", 1 << 20),
            (corrupt, "gzip", 1 << 20),
            (flipped, "gzip", 1 << 20),
            (flipped_early, "gzip", 1 << 20),
            (bomb, "gzip", 64 << 20),
            (text.clone(), "", 1 << 20),
            (text.clone(), &stacked, 1 << 20),
        ];
        for (data, coding, limit) in cases {
            let cs = codings(coding);
            let want = decode(&data, &cs, limit);
            let mut cuts: Vec<Vec<&[u8]>> = [1, data.len() / 3, data.len()]
                .into_iter()
                .map(|cut| {
                    let (a, b) = data.split_at(cut.min(data.len()));
                    vec![a, b]
                })
                .collect();
            cuts.push(data.chunks(1448).collect());
            for parts in cuts {
                let at = parts[0].len();
                let mut out = Vec::new();
                let (n, error) = decode_pieces_to(&parts, &cs, limit, &mut out).expect("write");
                assert_eq!(out, want.bytes, "{coding} at {at}");
                assert_eq!(n, want.bytes.len() as u64, "{coding} at {at}");
                assert_eq!(error, want.error, "{coding} at {at}");
                assert_eq!(decode_pieces(&parts, &cs, limit), want, "{coding} at {at}");
                let counted = decoded_len_pieces(&parts, &cs, limit);
                assert_eq!(counted, (n, error), "{coding} at {at}");
            }
        }
    }

    #[test]
    fn gzip_deflate_and_brotli() {
        let text = b"hello hello hello world".repeat(10);
        assert_eq!(decode(&gzip(&text), &codings("gzip"), 1 << 20).bytes, text);
        assert_eq!(
            decode(&gzip(&text), &codings("x-gzip"), 1 << 20).bytes,
            text
        );
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&text).expect("write");
        let z = z.finish().expect("finish");
        assert_eq!(decode(&z, &codings("deflate"), 1 << 20).bytes, text);
        let mut r = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        r.write_all(&text).expect("write");
        let r = r.finish().expect("finish");
        let d = decode(&r, &codings("deflate"), 1 << 20);
        assert_eq!((d.bytes, d.error), (text.clone(), None));
        let mut b = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut b, 4096, 5, 22);
            w.write_all(&text).expect("write");
        }
        assert_eq!(decode(&b, &codings("br"), 1 << 20).bytes, text);
        // Stacked: gzip applied first, then gzip again.
        let twice = gzip(&gzip(&text));
        assert_eq!(decode(&twice, &codings("gzip, gzip"), 1 << 20).bytes, text);
    }

    #[test]
    fn counting_gives_what_decoding_keeps() {
        let text = b"hello hello hello world".repeat(1000);
        let g = gzip(&text);
        let zeros = gzip(&vec![0u8; 10 << 20]);
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (g.clone(), "gzip"),
            (gzip(&g), "gzip, gzip"),
            (g[..g.len() / 2].to_vec(), "gzip"),
            (b"not gzip at all".to_vec(), "gzip"),
            (text.clone(), "compress"),
            (zeros, "gzip"),
            (
                g.clone(),
                "gzip, gzip, gzip, gzip, gzip, gzip, gzip, gzip, gzip",
            ),
            (text.clone(), ""),
        ];
        for (data, c) in cases {
            let d = decode(&data, &codings(c), 1 << 20);
            let want = (d.bytes.len() as u64, d.error);
            assert_eq!(decoded_len(&data, &codings(c), 1 << 20), want, "{c}");
            // In pieces, cut anywhere (a body over several segments).
            for cut in [0, 1, 2, 7, data.len() / 3, data.len()] {
                let cut = cut.min(data.len());
                let (a, b) = data.split_at(cut);
                let (b, c2) = b.split_at(b.len() / 2);
                let parts = [a, b, &[][..], c2];
                assert_eq!(
                    decoded_len_pieces(&parts, &codings(c), 1 << 20),
                    want,
                    "{c} cut at {cut}"
                );
                let d = decode_pieces(&parts, &codings(c), 1 << 20);
                assert_eq!((d.bytes.len() as u64, d.error), want, "{c} cut at {cut}");
            }
        }
    }

    #[test]
    fn bomb_is_bounded() {
        let zeros = vec![0u8; 10 << 20];
        let g = gzip(&zeros);
        assert!(g.len() < 100_000);
        let d = decode(&g, &codings("gzip"), 1 << 20);
        assert_eq!(d.bytes.len(), 1 << 20);
        assert_eq!(
            d.error.map(|e| e.to_string()).as_deref(),
            Some("limit reached: MAX_DECODED_BODY (1048576)")
        );
    }

    #[test]
    fn brotli_bomb_stops_at_the_ratio_and_stacks_are_bounded() {
        // 64 MiB of zeros in a few dozen bytes of brotli: far past the ratio.
        let mut b = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut b, 4096, 9, 22);
            let zeros = vec![0u8; 1 << 20];
            for _ in 0..64 {
                w.write_all(&zeros).expect("write");
            }
        }
        let bound = (b.len() as u64 * MAX_DECOMPRESSION_RATIO).max(MIN_DECODED_ALLOWANCE);
        assert!(bound < 64 << 20, "the test input is a bomb");
        let d = decode(&b, &codings("br"), DEFAULT_DECODED_LIMIT);
        assert_eq!(d.bytes.len() as u64, bound);
        assert_eq!(
            d.error.map(|e| e.to_string()).as_deref(),
            Some("limit reached: MAX_DECOMPRESSION_RATIO (1100)")
        );
        let d = decode(b"abc", &codings("gzip, gzip, gzip, gzip, gzip"), 1 << 20);
        assert_eq!(d.bytes, b"abc");
        assert_eq!(
            d.error.map(|e| e.to_string()).as_deref(),
            Some("limit reached: MAX_CONTENT_CODINGS (4)")
        );
    }
}
