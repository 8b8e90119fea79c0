//! A body's bytes read where they lie, piece after piece (the capture's
//! segments of a body, the ranges of a de-chunked one), so a decoder reads
//! them without the body first being gathered into one buffer.

use std::io::{BufRead, Read};

/// The bytes of `parts` in order, as one reader.
#[derive(Debug, Clone)]
pub struct Pieces<'a> {
    parts: &'a [&'a [u8]],
    /// The part being read, and how far into it.
    part: usize,
    at: usize,
}

impl<'a> Pieces<'a> {
    pub fn new(parts: &'a [&'a [u8]]) -> Pieces<'a> {
        Pieces {
            parts,
            part: 0,
            at: 0,
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
        self.parts.iter().map(|p| p.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
        while let Some(p) = self.parts.get(self.part) {
            if self.at < p.len() {
                return Ok(&p[self.at..]);
            }
            self.part += 1;
            self.at = 0;
        }
        Ok(&[])
    }

    fn consume(&mut self, amt: usize) {
        self.at += amt;
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
}
