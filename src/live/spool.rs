//! Where the bytes of a growing capture are kept: appended to a file, which
//! is mapped again, longer, for each look at it.
//!
//! The file is an unlinked temporary one for a pipe (the bytes are held
//! once, by the kernel's page cache and the disk, not by the process; every
//! snapshot maps the same pages), or the `-w` file of an interface capture.
//! A buffer in memory would move when it grows, and each snapshot would
//! need its own copy.

use crate::capture::{CaptureBytes, CaptureError};
use crate::limits::{MAX_GZIP_RATIO, MIN_GZIP_LIMIT};
use std::fs::File;
use std::io::{Read, Write};
use std::sync::mpsc::Sender;

/// Bytes read from a pipe at a time.
const READ_CHUNK: usize = 64 << 10;

/// What the writing side of a spool reports to the reading side.
#[derive(Debug)]
pub enum Fed {
    /// The file now holds this many bytes.
    Grew(u64),
    /// The input ended (`Ok`), or could not be read any further.
    Ended(Result<(), CaptureError>),
}

/// The reading side of a spool: maps what was written so far.
pub struct Spool {
    file: File,
}

impl Spool {
    /// A spool over `file`, the file the writing side appends to.
    pub fn new(file: File) -> Spool {
        Spool { file }
    }

    /// An unlinked temporary file and a second handle on it for the writer.
    pub fn temporary() -> std::io::Result<(Spool, File)> {
        let file = tempfile::tempfile()?;
        let writer = file.try_clone()?;
        Ok((Spool { file }, writer))
    }

    /// The first `len` bytes written.
    pub fn map(&self, len: u64) -> Result<CaptureBytes, CaptureError> {
        CaptureBytes::map_prefix(&self.file, len).map_err(|source| CaptureError::Io {
            path: "(spool)".into(),
            source,
        })
    }
}

/// Copies `input` (a pipe: standard input or a FIFO) into `out` as it
/// arrives, gunzipping a gzip stream, and reports each growth on `tx`. Runs
/// until the input ends or the reading side goes away. `name` is used in
/// messages.
pub fn feed(input: impl Read, mut out: File, name: &str, tx: &Sender<Fed>) {
    let io = |source| CaptureError::Io {
        path: name.into(),
        source,
    };
    let mut input = Counting {
        inner: input,
        read: 0,
    };
    // The first two bytes tell a gzip stream.
    let mut head = Vec::with_capacity(2);
    while head.len() < 2 {
        let mut byte = [0u8; 1];
        match input.read(&mut byte) {
            Ok(0) => break,
            Ok(_) => head.push(byte[0]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                let _ = tx.send(Fed::Ended(Err(io(e))));
                return;
            }
        }
    }
    let gzip = head == [0x1f, 0x8b];
    let source = std::io::Cursor::new(head).chain(input);
    let result = if gzip {
        let mut decoder = flate2::read::MultiGzDecoder::new(source);
        copy(&mut decoder, &mut out, tx, |decoder, total| {
            // The bound of a gzip file: a bomb is refused.
            let compressed = decoder.get_ref().get_ref().1.read;
            let limit = compressed
                .saturating_mul(MAX_GZIP_RATIO)
                .max(MIN_GZIP_LIMIT);
            if total > limit {
                Err(CaptureError::GzipTooLarge { compressed, limit })
            } else {
                Ok(())
            }
        })
        .map_err(|e| match e {
            Copy::Read(e) => CaptureError::Gzip(e),
            Copy::Write(e) => io(e),
            Copy::Bound(e) => e,
        })
    } else {
        let mut source = source;
        copy(&mut source, &mut out, tx, |_, _| Ok(())).map_err(|e| match e {
            Copy::Read(e) | Copy::Write(e) => io(e),
            Copy::Bound(e) => e,
        })
    };
    let _ = tx.send(Fed::Ended(result));
}

/// How a copy failed.
enum Copy {
    Read(std::io::Error),
    Write(std::io::Error),
    Bound(CaptureError),
}

/// Copies `from` into `to` until the end, reporting each growth;
/// `check(from, total)` may refuse to go on.
fn copy<R: Read>(
    from: &mut R,
    to: &mut File,
    tx: &Sender<Fed>,
    check: impl Fn(&R, u64) -> Result<(), CaptureError>,
) -> Result<(), Copy> {
    let mut buf = vec![0u8; READ_CHUNK];
    let mut total: u64 = 0;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            // A gzip stream cut short: what was decompressed stays, and the
            // capture reader reports the record cut off (as a file load).
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && total > 0 => return Ok(()),
            Err(e) => return Err(Copy::Read(e)),
        };
        to.write_all(&buf[..n]).map_err(Copy::Write)?;
        total += n as u64;
        check(from, total).map_err(Copy::Bound)?;
        if tx.send(Fed::Grew(total)).is_err() {
            // Nobody reads any more.
            return Ok(());
        }
    }
}

/// A reader that counts the bytes read through it.
struct Counting<R> {
    inner: R,
    read: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fed(input: &[u8]) -> (Vec<u8>, Vec<Fed>) {
        let (spool, writer) = Spool::temporary().expect("tempfile");
        let (tx, rx) = std::sync::mpsc::channel();
        feed(input, writer, "-", &tx);
        drop(tx);
        let events: Vec<Fed> = rx.iter().collect();
        let len = events
            .iter()
            .filter_map(|e| match e {
                Fed::Grew(n) => Some(*n),
                Fed::Ended(_) => None,
            })
            .max()
            .unwrap_or(0);
        let bytes = spool.map(len).expect("map").as_slice().to_vec();
        (bytes, events)
    }

    #[test]
    fn plain_and_gzip_input_are_spooled_as_the_capture_bytes() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let (bytes, events) = fed(&data);
        assert_eq!(bytes, data);
        assert!(matches!(events.last(), Some(Fed::Ended(Ok(())))));
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&data).expect("compress");
        let gz = e.finish().expect("finish");
        let (bytes, events) = fed(&gz);
        assert_eq!(bytes, data);
        assert!(matches!(events.last(), Some(Fed::Ended(Ok(())))));
    }

    #[test]
    fn a_gzip_bomb_is_refused_while_it_streams() {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&vec![0u8; 80 << 20]).expect("compress");
        let gz = e.finish().expect("finish");
        let (_, events) = fed(&gz);
        assert!(matches!(
            events.last(),
            Some(Fed::Ended(Err(CaptureError::GzipTooLarge { .. })))
        ));
    }
}
