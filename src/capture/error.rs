//! Typed errors and warnings of capture reading, each naming where in the file
//! the problem is.

use std::path::PathBuf;

/// A capture that cannot be read (any further).
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("not a pcap or pcapng capture: unknown magic {magic:02x?} at byte offset 0")]
    UnknownMagic { magic: [u8; 4] },
    #[error("file header cut short at byte offset {offset}: need {need} bytes, have {have}")]
    TruncatedHeader { offset: u64, need: u64, have: u64 },
    #[error("packet {packet} at byte offset {offset}: record claims {len} captured bytes, bigger than the maximum of {max} (file damaged or corrupt)")]
    AbsurdRecordLength {
        packet: u64,
        offset: u64,
        len: u32,
        max: u32,
    },
    #[error("block at byte offset {offset}: {what} (file damaged or corrupt)")]
    CorruptBlock { offset: u64, what: String },
    #[error("gzip-compressed capture cannot be decompressed: {0}")]
    Gzip(std::io::Error),
    #[error("gzip-compressed capture of {compressed} bytes expands beyond {limit} bytes: refused as a possible decompression bomb")]
    GzipTooLarge { compressed: u64, limit: u64 },
    #[error("packet {packet} at byte offset {offset}: more than {max} packets, the most one capture can hold (split the file, e.g. with editcap -c)")]
    TooManyPackets { packet: u64, offset: u64, max: u64 },
}

/// Damage that still lets everything before it be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaptureWarning {
    #[error("the file appears to have been cut short in the middle of a packet (packet {packet} at byte offset {offset})")]
    CutShort { packet: u64, offset: u64 },
}
