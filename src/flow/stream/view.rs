//! A reassembled direction read in place: [`StreamBytes`] is what a parser
//! of stream bytes (HTTP/1 framing, chunk lines, resynchronising) reads
//! through, small windows at a time, so a direction whose bytes were not
//! copied ([`super::reassemble_spans_into`]) is read straight out of the
//! mapped capture. A window within one delivered piece is borrowed; one
//! across pieces is gathered, up to the bound its caller names. Holes read
//! as zeros, as in a copied stream.

use super::DirStream;
use std::borrow::Cow;

/// Zeros a hole's run is borrowed from, a slice at a time.
static ZEROS: [u8; 4096] = [0; 4096];

/// Stream bytes read by offset, without the stream having to be one buffer.
pub trait StreamBytes {
    /// The stream's length.
    fn len(&self) -> u64;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes from `at` to the end of the run holding it (a delivered
    /// piece, or a slice of a hole's zeros), borrowed; empty at or past the
    /// end. Never empty before the end.
    fn run_at(&self, at: u64) -> &[u8];

    /// Bytes `at..at + max`, cut at the stream's end: borrowed when they lie
    /// in one run, else gathered.
    fn window(&self, at: u64, max: usize) -> Cow<'_, [u8]> {
        let want = (max as u64).min(self.len().saturating_sub(at)) as usize;
        let first = self.run_at(at);
        if first.len() >= want {
            return Cow::Borrowed(&first[..want]);
        }
        let mut out = Vec::with_capacity(want);
        let mut p = at;
        while out.len() < want {
            let run = self.run_at(p);
            if run.is_empty() {
                break;
            }
            let n = run.len().min(want - out.len());
            out.extend_from_slice(&run[..n]);
            p += n as u64;
        }
        Cow::Owned(out)
    }

    /// `parse` of the bytes at `at`, up to `max` of them: first on the run
    /// holding `at` alone (no copy) when it has at least `min` bytes, then
    /// on windows four times wider each time while `more` says the answer
    /// needed bytes not given. `parse` must answer the same on any prefix
    /// of at least `min` bytes that holds what it reads.
    fn parse_at<T>(
        &self,
        at: u64,
        min: usize,
        max: usize,
        parse: impl Fn(&[u8]) -> T,
        more: impl Fn(&T) -> bool,
    ) -> T {
        let want = (max as u64).min(self.len().saturating_sub(at)) as usize;
        let run = self.run_at(at);
        if run.len() >= want {
            return parse(&run[..want]);
        }
        if run.len() >= min {
            let first = parse(run);
            if !more(&first) {
                return first;
            }
        }
        let mut size = run.len().saturating_mul(2).max(min).max(1024);
        loop {
            let window = self.window(at, size.min(max));
            let answer = parse(&window);
            if window.len() >= want || !more(&answer) {
                return answer;
            }
            size = size.saturating_mul(4);
        }
    }

    /// The first `\n` in the `max` bytes from `from`, scanning run by run.
    fn find_newline(&self, from: u64, max: u64) -> Option<u64> {
        let end = from.saturating_add(max).min(self.len());
        let mut p = from;
        while p < end {
            let run = self.run_at(p);
            let run = &run[..run.len().min((end - p) as usize)];
            if run.is_empty() {
                return None;
            }
            if let Some(i) = run.iter().position(|&b| b == b'\n') {
                return Some(p + i as u64);
            }
            p += run.len() as u64;
        }
        None
    }

    /// Calls `each` with the runs covering `start..end` (cut at the
    /// stream's end), in order.
    fn for_each_run<'s>(&'s self, start: u64, end: u64, each: &mut dyn FnMut(&'s [u8])) {
        let end = end.min(self.len());
        let mut p = start;
        while p < end {
            let run = self.run_at(p);
            if run.is_empty() {
                return;
            }
            let n = run.len().min((end - p) as usize);
            each(&run[..n]);
            p += n as u64;
        }
    }
}

impl StreamBytes for [u8] {
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }

    fn run_at(&self, at: u64) -> &[u8] {
        usize::try_from(at)
            .ok()
            .and_then(|a| self.get(a..))
            .unwrap_or(&[])
    }
}

/// A reassembled direction with the capture its pieces lie in: its copied
/// bytes when it has them (a TLS connection's plaintext, a stream
/// reassembled by [`super::reassemble`]), else the capture's.
#[derive(Clone, Copy)]
pub struct StreamView<'a> {
    pub stream: &'a DirStream,
    capture: &'a [u8],
}

impl<'a> StreamView<'a> {
    pub fn new(stream: &'a DirStream, capture: &'a [u8]) -> StreamView<'a> {
        StreamView { stream, capture }
    }
}

impl StreamBytes for StreamView<'_> {
    fn len(&self) -> u64 {
        self.stream.len()
    }

    fn run_at(&self, at: u64) -> &[u8] {
        let s = self.stream;
        if s.unfilled_len.is_none() {
            return s.bytes.as_slice().run_at(at);
        }
        if at >= s.len() {
            return &[];
        }
        let i = s.packets.partition_point(|&(o, _)| o <= at);
        if let Some(k) = i.checked_sub(1) {
            let (start, _) = s.packets[k];
            if let Some(&(file, len)) = s.origins.get(k) {
                if at < start + u64::from(len) {
                    let from = file + (at - start);
                    let to = file + u64::from(len);
                    let piece = usize::try_from(from)
                        .ok()
                        .zip(usize::try_from(to).ok())
                        .and_then(|(f, t)| self.capture.get(f..t));
                    // A piece is always a range of the capture; should one
                    // not be, it reads as zeros rather than as nothing.
                    return piece.unwrap_or(&ZEROS[..1]);
                }
            }
        }
        // In a hole: zeros up to the next piece or the end.
        let next = s.packets.get(i).map_or(s.len(), |&(o, _)| o);
        let n = (next - at).clamp(1, ZEROS.len() as u64) as usize;
        &ZEROS[..n]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream of three pieces and a hole, reassembled both ways.
    fn both() -> (Vec<u8>, DirStream, DirStream) {
        let capture: Vec<u8> = (0..200u32).map(|i| (i * 7 % 251) as u8 + 1).collect();
        let mut copied = DirStream {
            packets: vec![(0, 1), (25, 2), (55, 3)],
            origins: vec![(10, 20), (100, 30), (131, 4)],
            gaps: vec![(20, 5)],
            ..DirStream::default()
        };
        copied.bytes.extend_from_slice(&capture[10..30]);
        copied.bytes.resize(25, 0);
        copied.bytes.extend_from_slice(&capture[100..130]);
        copied.bytes.extend_from_slice(&capture[131..135]);
        let sparse = DirStream {
            bytes: Vec::new(),
            unfilled_len: Some(copied.bytes.len() as u64),
            ..copied.clone()
        };
        (capture, copied, sparse)
    }

    #[test]
    fn windows_read_what_the_copy_holds() {
        let (capture, copied, sparse) = both();
        let view = StreamView::new(&sparse, &capture);
        let whole = copied.bytes.as_slice();
        assert_eq!(StreamBytes::len(&view), StreamBytes::len(whole));
        for at in 0..whole.len() as u64 + 2 {
            for max in [0, 1, 3, 7, 40, 100] {
                assert_eq!(view.window(at, max), whole.window(at, max), "{at} {max}");
            }
            for max in [0, 5, 30, 1000] {
                assert_eq!(view.find_newline(at, max), whole.find_newline(at, max));
            }
            let mut runs = Vec::new();
            view.for_each_run(at, at + 33, &mut |r| runs.extend_from_slice(r));
            assert_eq!(runs.as_slice(), &*whole.window(at, 33));
        }
        // Within a piece the window is borrowed from the capture.
        assert!(matches!(view.window(26, 10), Cow::Borrowed(_)));
        assert!(matches!(view.window(15, 10), Cow::Owned(_)));
    }

    #[test]
    fn parse_at_reads_past_the_run_only_when_asked() {
        let (capture, _, sparse) = both();
        let view = StreamView::new(&sparse, &capture);
        let lens = std::cell::RefCell::new(Vec::new());
        let got = view.parse_at(
            15,
            0,
            20,
            |b| {
                lens.borrow_mut().push(b.len());
                b.len()
            },
            |&n| n < 20,
        );
        assert_eq!((got, lens.borrow().clone()), (20, vec![5, 20]));
        lens.borrow_mut().clear();
        view.parse_at(15, 0, 20, |b| lens.borrow_mut().push(b.len()), |_| false);
        assert_eq!(lens.borrow().clone(), vec![5]);
        // A run shorter than the least a parse needs is not parsed alone.
        lens.borrow_mut().clear();
        view.parse_at(15, 6, 20, |b| lens.borrow_mut().push(b.len()), |_| false);
        assert_eq!(lens.borrow().clone(), vec![20]);
    }
}
