//! Where capture bytes live: a read-only memory map of a regular file, or an
//! owned buffer for standard input and gzip-compressed captures.

use super::CaptureError;
use std::io::Read;
use std::path::Path;

use crate::limits::{MAX_GZIP_RATIO, MIN_GZIP_LIMIT};

/// The bytes of a capture, mapped or owned.
pub enum CaptureBytes {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl CaptureBytes {
    /// Maps a regular file; falls back to reading it when it cannot be mapped
    /// (pipes, special files, empty files).
    pub fn open(path: &Path) -> Result<CaptureBytes, CaptureError> {
        let io = |source| CaptureError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut file = std::fs::File::open(path).map_err(io)?;
        let meta = file.metadata().map_err(io)?;
        if meta.is_file() && meta.len() > 0 {
            if let Ok(map) = map_file(&file, None) {
                return Ok(CaptureBytes::Mapped(map));
            }
        }
        let mut buf = Vec::new();
        file.read_to_end(&mut buf).map_err(io)?;
        Ok(CaptureBytes::Owned(buf))
    }

    /// Reads all of standard input.
    pub fn from_stdin() -> Result<CaptureBytes, CaptureError> {
        let mut buf = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut buf)
            .map_err(|source| CaptureError::Io {
                path: "-".into(),
                source,
            })?;
        Ok(CaptureBytes::Owned(buf))
    }

    /// The first `len` bytes of `file`, mapped: a file that only grows (a
    /// capture being written, see [`crate::live`]) can be mapped again,
    /// longer, while earlier maps stay valid.
    pub fn map_prefix(file: &std::fs::File, len: u64) -> std::io::Result<CaptureBytes> {
        if len == 0 {
            return Ok(CaptureBytes::Owned(Vec::new()));
        }
        let len = usize::try_from(len).map_err(|_| {
            std::io::Error::other("capture too large for this machine's address space")
        })?;
        map_file(file, Some(len)).map(CaptureBytes::Mapped)
    }

    pub fn as_slice(&self) -> &[u8] {
        match self {
            CaptureBytes::Mapped(m) => m,
            CaptureBytes::Owned(v) => v,
        }
    }

    /// Decompresses a gzip stream (detected by its magic bytes, not by the
    /// file name); anything else is returned unchanged.
    pub fn gunzip_if_needed(self) -> Result<CaptureBytes, CaptureError> {
        let data = self.as_slice();
        if data.len() < 2 || data[0] != 0x1f || data[1] != 0x8b {
            return Ok(self);
        }
        // A bomb (a few KB expanding to gigabytes) is refused: a capture may
        // expand to 200 times its compressed size, and at least to 64 MiB.
        let limit = (data.len() as u64)
            .saturating_mul(MAX_GZIP_RATIO)
            .max(MIN_GZIP_LIMIT);
        let mut out = Vec::with_capacity(data.len().saturating_mul(4));
        let decoder = flate2::read::MultiGzDecoder::new(data);
        let read = decoder.take(limit + 1).read_to_end(&mut out);
        if out.len() as u64 > limit {
            return Err(CaptureError::GzipTooLarge {
                compressed: data.len() as u64,
                limit,
            });
        }
        match read {
            Ok(_) => Ok(CaptureBytes::Owned(out)),
            // A gzip stream cut short still yields what was decompressed; the
            // capture reader then reports the cut-off record.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !out.is_empty() => {
                Ok(CaptureBytes::Owned(out))
            }
            Err(e) => Err(CaptureError::Gzip(e)),
        }
    }
}

/// The one place wirelens uses `unsafe`: mapping a file read-only.
///
/// Safety: the map is only read. If another process truncates the file while it is
/// mapped, reads may fault (SIGBUS); this is the accepted trade-off of every
/// memory-mapping packet tool (tshark reads instead, at a large cost in speed).
///
/// A growing file is mapped up to `len` (what was written so far): only
/// appended to, never truncated, its mapped part does not change.
#[allow(unsafe_code)]
fn map_file(file: &std::fs::File, len: Option<usize>) -> std::io::Result<memmap2::Mmap> {
    let mut options = memmap2::MmapOptions::new();
    if let Some(len) = len {
        options.len(len);
    }
    // SAFETY: read-only mapping of a file we opened; see the function doc.
    unsafe { options.map(file) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).expect("compress");
        e.finish().expect("finish")
    }

    #[test]
    fn gzip_is_undone_and_a_bomb_is_refused() {
        let small = gzip(b"\xd4\xc3\xb2\xa1 and the rest");
        let out = CaptureBytes::Owned(small)
            .gunzip_if_needed()
            .expect("gunzip");
        assert_eq!(out.as_slice(), b"\xd4\xc3\xb2\xa1 and the rest");
        let bomb = gzip(&vec![0u8; 80 << 20]);
        assert!(
            (bomb.len() as u64) * MAX_GZIP_RATIO < 80 << 20,
            "the test input is a bomb"
        );
        assert!(matches!(
            CaptureBytes::Owned(bomb).gunzip_if_needed(),
            Err(CaptureError::GzipTooLarge { .. })
        ));
    }
}
