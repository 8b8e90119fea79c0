//! A body's bytes read where they lie, piece after piece (the capture's
//! segments of a body, the ranges of a de-chunked one), so a decoder reads
//! them without the body first being gathered into one buffer.
//!
//! The reader hands its bytes out in fixed windows of [`INPUT_WINDOW`]
//! bytes at fixed offsets, whatever the pieces: a decoder then sees the same
//! input calls for the same bytes, however they were cut, and so stops at
//! the same place on corrupt data (a decoder that fails in the middle of a
//! call drops what that call had decoded, so where the calls fall decides
//! how much is kept). A window that spans pieces is gathered into one small
//! buffer; one inside a piece is read in place.

use std::io::{BufRead, Read};

/// The bytes handed to a decoder at a time, at offsets that are multiples
/// of it.
pub const INPUT_WINDOW: usize = 16 << 10;

/// The bytes of `parts` in order, as one reader.
#[derive(Debug, Clone)]
pub struct Pieces<'a> {
    parts: &'a [&'a [u8]],
    len: usize,
    /// The part holding `pos`, and where it starts.
    part: usize,
    part_start: usize,
    /// How far into the bytes the reader is.
    pos: usize,
    /// The rest of the current window from `gathered_from`, when it spans
    /// parts.
    gathered: Vec<u8>,
    gathered_from: usize,
}

impl<'a> Pieces<'a> {
    pub fn new(parts: &'a [&'a [u8]]) -> Pieces<'a> {
        Pieces {
            parts,
            len: parts.iter().map(|p| p.len()).sum(),
            part: 0,
            part_start: 0,
            pos: 0,
            gathered: Vec::new(),
            gathered_from: usize::MAX,
        }
    }

    /// The first `N` bytes (fewer when the parts hold fewer), without
    /// reading them.
    pub fn peek<const N: usize>(&self) -> ([u8; N], usize) {
        let mut out = [0u8; N];
        let mut n = 0;
        for p in self.parts {
            for &b in p.iter().take(N - n) {
                out[n] = b;
                n += 1;
            }
            if n == N {
                break;
            }
        }
        (out, n)
    }

    /// How many bytes the parts hold.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The end of the window `pos` lies in.
    fn window_end(&self) -> usize {
        (self.pos - self.pos % INPUT_WINDOW + INPUT_WINDOW).min(self.len)
    }

    /// Whether the gathered buffer holds the bytes at `pos` (it holds the
    /// rest of one window, so it does while `pos` stays in that window).
    fn gathered_holds_pos(&self) -> bool {
        self.gathered_from <= self.pos && self.pos < self.gathered_from + self.gathered.len()
    }
}

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Pieces<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.pos >= self.len {
            return Ok(&[]);
        }
        // The part holding `pos` (empty parts are stepped over).
        while self.part_start + self.parts[self.part].len() <= self.pos {
            self.part_start += self.parts[self.part].len();
            self.part += 1;
        }
        let end = self.window_end();
        let part = self.parts[self.part];
        if end <= self.part_start + part.len() {
            return Ok(&part[self.pos - self.part_start..end - self.part_start]);
        }
        if !self.gathered_holds_pos() {
            self.gathered.clear();
            let mut from = self.pos - self.part_start;
            let mut want = end - self.pos;
            for p in self.parts.iter().skip(self.part) {
                if want == 0 {
                    break;
                }
                let take = p.get(from..).unwrap_or(&[]);
                let take = &take[..take.len().min(want)];
                self.gathered.extend_from_slice(take);
                want -= take.len();
                from = 0;
            }
            self.gathered_from = self.pos;
        }
        Ok(&self.gathered[self.pos - self.gathered_from..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = self.pos.saturating_add(amt).min(self.len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_parts_in_order() {
        let parts: [&[u8]; 4] = [b"ab", b"", b"cde", b"f"];
        let mut r = Pieces::new(&parts);
        assert_eq!(r.peek::<4>(), (*b"abcd", 4));
        assert_eq!(r.peek::<8>().1, 6);
        assert_eq!(r.len(), 6);
        let mut out = Vec::new();
        r.read_to_end(&mut out).expect("read");
        assert_eq!(out, b"abcdef");
        assert!(Pieces::new(&[]).is_empty());
    }

    /// The lengths of the slices `fill_buf` hands out, consuming `step`
    /// bytes at a time.
    fn calls(parts: &[&[u8]], step: usize) -> Vec<(usize, Vec<u8>)> {
        let mut r = Pieces::new(parts);
        let mut seen = Vec::new();
        loop {
            let at = r.pos;
            let avail = r.fill_buf().expect("fill");
            if avail.is_empty() {
                return seen;
            }
            seen.push((at, avail.to_vec()));
            let n = avail.len().min(step);
            r.consume(n);
        }
    }

    #[test]
    fn hands_out_the_same_windows_however_the_bytes_are_cut() {
        let data: Vec<u8> = (0..3 * INPUT_WINDOW + 77)
            .map(|i| (i % 251) as u8)
            .collect();
        let whole = calls(&[&data], 1000);
        let cut: Vec<&[u8]> = data.chunks(1448).collect();
        assert_eq!(calls(&cut, 1000), whole);
        let (a, b) = data.split_at(INPUT_WINDOW + 5);
        assert_eq!(calls(&[a, &[], b], 1000), whole);
        // No slice crosses a window boundary.
        assert!(whole
            .iter()
            .all(|(at, s)| at / INPUT_WINDOW == (at + s.len() - 1) / INPUT_WINDOW));
    }
}
