//! Capture reading: turns the bytes of a pcap or pcapng file into a sequence of
//! [`Record`]s (where a packet's bytes are, how long it was, when it was seen, on
//! which interface).
//!
//! This is the first stage of the pipeline (capture → store → decode → flow → http
//! → filter). It never copies packet bytes: a record is a byte range of the
//! [`CaptureBytes`] buffer, which is a memory map for regular files and an owned
//! buffer for gzip-compressed input and standard input.
//!
//! Every length is checked against the buffer before use, so a hostile file can
//! produce an error but never a panic. Errors say what was wrong and at which byte
//! offset (and for records, which packet number).

mod error;
mod pcap;
mod pcapng;
pub use pcapng::custom_block_header;
mod source;
pub mod write;

pub use error::{CaptureError, CaptureWarning};
pub use source::CaptureBytes;

use std::path::Path;

pub use crate::limits::MAX_RECORD_LEN;

/// A link-layer header type (the LINKTYPE_ numbers of pcap and pcapng).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LinkType(pub u16);

impl LinkType {
    pub const NULL: LinkType = LinkType(0);
    pub const ETHERNET: LinkType = LinkType(1);
    pub const RAW_BSD: LinkType = LinkType(12);
    pub const RAW_OPENBSD: LinkType = LinkType(14);
    pub const RAW: LinkType = LinkType(101);
    pub const LOOP: LinkType = LinkType(108);
    pub const LINUX_SLL: LinkType = LinkType(113);
    pub const IPV4: LinkType = LinkType(228);
    pub const IPV6: LinkType = LinkType(229);
    pub const LINUX_SLL2: LinkType = LinkType(276);

    /// A short human name, as Wireshark's "Encapsulation type" shows it.
    pub fn name(self) -> &'static str {
        match self {
            LinkType::NULL => "BSD loopback (NULL)",
            LinkType::ETHERNET => "Ethernet",
            LinkType::RAW | LinkType::RAW_BSD | LinkType::RAW_OPENBSD => "Raw IP",
            LinkType::IPV4 => "Raw IPv4",
            LinkType::IPV6 => "Raw IPv6",
            LinkType::LOOP => "OpenBSD loopback (LOOP)",
            LinkType::LINUX_SLL => "Linux cooked-mode capture v1 (SLL)",
            LinkType::LINUX_SLL2 => "Linux cooked-mode capture v2 (SLL2)",
            _ => "Unknown link type",
        }
    }
}

/// The container format of a capture file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Classic libpcap; `nanos` when the magic says nanosecond timestamps.
    Pcap { big_endian: bool, nanos: bool },
    /// pcapng (endianness may change per section).
    PcapNg,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Pcap { nanos: false, .. } => "pcap",
            Format::Pcap { nanos: true, .. } => "pcap (nanosecond)",
            Format::PcapNg => "pcapng",
        }
    }
}

/// A capture interface: one per classic pcap file, one per Interface
/// Description Block in pcapng.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    pub link_type: LinkType,
    pub snaplen: u32,
    /// Timestamp units per second (1_000_000 for microseconds).
    pub ts_units_per_sec: u64,
    /// Name from the `if_name` option, if any.
    pub name: Option<String>,
    /// Description from the `if_description` option, if any.
    pub description: Option<String>,
}

/// What a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// A captured packet on `Record::interface`.
    Packet,
    /// A pcapng Custom Block, which Wireshark lists as a frame of protocol
    /// "PCAPNG"; its bytes are the whole block.
    CustomBlock { copyable: bool, pen: u32 },
}

/// Timestamp value meaning "this record has no time" (pcapng Simple Packet Blocks).
pub const NO_TIMESTAMP: i64 = i64::MIN;

/// One record of a capture: where its bytes are and what the file says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    /// Byte offset of the packet data in the capture buffer.
    pub data_offset: u64,
    /// Captured length (bytes present in the file).
    pub cap_len: u32,
    /// Original length on the wire.
    pub orig_len: u32,
    /// Nanoseconds since the Unix epoch, or [`NO_TIMESTAMP`].
    pub ts_ns: i64,
    /// Index into the interfaces of [`RecordReader::interfaces`].
    pub interface: u32,
    pub kind: RecordKind,
}

/// An opened capture: its bytes, format and the interfaces known so far.
pub struct Capture {
    bytes: CaptureBytes,
    format: Format,
    /// Name used in messages (the path, or `-` for standard input).
    name: String,
}

impl Capture {
    /// Opens a capture file (memory-mapped), a gzip-compressed capture, or
    /// standard input when `path` is `-`.
    pub fn open(path: &Path) -> Result<Capture, CaptureError> {
        let name = path.display().to_string();
        let bytes = if path.as_os_str() == "-" {
            CaptureBytes::from_stdin()?
        } else {
            CaptureBytes::open(path)?
        };
        Capture::from_bytes(bytes, name)
    }

    /// Wraps bytes already in memory (decompressing gzip if needed).
    pub fn from_bytes(bytes: CaptureBytes, name: String) -> Result<Capture, CaptureError> {
        let bytes = bytes.gunzip_if_needed()?;
        let format = detect_format(bytes.as_slice())?;
        Ok(Capture {
            bytes,
            format,
            name,
        })
    }

    /// Wraps bytes whose format is known (a capture being read as it grows).
    pub fn with_format(bytes: CaptureBytes, format: Format, name: String) -> Capture {
        Capture {
            bytes,
            format,
            name,
        }
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn bytes(&self) -> &[u8] {
        self.bytes.as_slice()
    }

    /// Total size of the (decompressed) capture in bytes.
    pub fn len(&self) -> u64 {
        self.bytes.as_slice().len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.as_slice().is_empty()
    }

    /// A reader over every record, in file order.
    pub fn records(&self) -> Result<RecordReader<'_>, CaptureError> {
        RecordReader::new(self.bytes.as_slice(), self.format)
    }
}

/// The container format of a capture from its first four bytes.
pub fn detect_format(data: &[u8]) -> Result<Format, CaptureError> {
    let Some(magic) = data.get(..4) else {
        return Err(CaptureError::TruncatedHeader {
            offset: 0,
            need: 4,
            have: data.len() as u64,
        });
    };
    let magic: [u8; 4] = [magic[0], magic[1], magic[2], magic[3]];
    match magic {
        [0xd4, 0xc3, 0xb2, 0xa1] => Ok(Format::Pcap {
            big_endian: false,
            nanos: false,
        }),
        [0xa1, 0xb2, 0xc3, 0xd4] => Ok(Format::Pcap {
            big_endian: true,
            nanos: false,
        }),
        [0x4d, 0x3c, 0xb2, 0xa1] => Ok(Format::Pcap {
            big_endian: false,
            nanos: true,
        }),
        [0xa1, 0xb2, 0x3c, 0x4d] => Ok(Format::Pcap {
            big_endian: true,
            nanos: true,
        }),
        [0x0a, 0x0d, 0x0d, 0x0a] => Ok(Format::PcapNg),
        _ => Err(CaptureError::UnknownMagic { magic }),
    }
}

enum Inner<'a> {
    Pcap(pcap::PcapReader<'a>),
    PcapNg(pcapng::PcapNgReader<'a>),
}

/// Iterates over the records of a capture. Stops at the first error; a file cut
/// short in the middle of a record ends the iteration with
/// [`RecordReader::warning`] set instead of an error.
pub struct RecordReader<'a> {
    inner: Inner<'a>,
}

impl<'a> RecordReader<'a> {
    /// A reader over the records of `data`, a capture in `format`.
    pub fn new(data: &'a [u8], format: Format) -> Result<RecordReader<'a>, CaptureError> {
        let inner = match format {
            Format::Pcap { .. } => Inner::Pcap(pcap::PcapReader::new(data)?),
            Format::PcapNg => Inner::PcapNg(pcapng::PcapNgReader::new(data)?),
        };
        Ok(RecordReader { inner })
    }

    /// This reader moved onto `data`, which repeats the bytes it was reading
    /// and perhaps has more (a capture still being written, see
    /// [`crate::live`]). A walk that ended at the end of the bytes or in a
    /// record cut short goes on from where it stopped, with the warning
    /// cleared; one that stopped at corrupt data stays stopped. Moved onto
    /// fewer bytes than it read (`&[]`, to keep it aside), it yields nothing.
    pub fn rebind(self, data: &[u8]) -> RecordReader<'_> {
        let inner = match self.inner {
            Inner::Pcap(r) => Inner::Pcap(r.rebind(data)),
            Inner::PcapNg(r) => Inner::PcapNg(r.rebind(data)),
        };
        RecordReader { inner }
    }

    /// The interfaces seen so far (all of them once iteration has ended).
    pub fn interfaces(&self) -> &[Interface] {
        match &self.inner {
            Inner::Pcap(r) => r.interfaces(),
            Inner::PcapNg(r) => r.interfaces(),
        }
    }

    /// The TLS key logs found in pcapng Decryption Secrets Blocks so far
    /// (NSS key log text), none for pcap.
    pub fn tls_secrets(&self) -> Vec<&'a [u8]> {
        match &self.inner {
            Inner::Pcap(_) => Vec::new(),
            Inner::PcapNg(r) => r.tls_secrets(),
        }
    }

    /// [`crate::limits::MAX_TLS_SECRETS`] reached by the Decryption
    /// Secrets Blocks read so far.
    pub fn tls_secrets_limit(&self) -> Option<crate::limits::LimitHit> {
        match &self.inner {
            Inner::Pcap(_) => None,
            Inner::PcapNg(r) => r.tls_secrets_limit(),
        }
    }

    /// Set when the file ended in the middle of a record.
    pub fn warning(&self) -> Option<&CaptureWarning> {
        match &self.inner {
            Inner::Pcap(r) => r.warning(),
            Inner::PcapNg(r) => r.warning(),
        }
    }

    /// Byte offset of the next record.
    pub fn position(&self) -> u64 {
        match &self.inner {
            Inner::Pcap(r) => r.position(),
            Inner::PcapNg(r) => r.position(),
        }
    }
}

impl Iterator for RecordReader<'_> {
    type Item = Result<Record, CaptureError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            Inner::Pcap(r) => r.next(),
            Inner::PcapNg(r) => r.next(),
        }
    }
}

/// Reads a `u16`/`u32` in the given byte order from a slice that is known to be
/// long enough (callers check lengths first; out-of-range reads yield 0).
pub(crate) fn read_u16(data: &[u8], at: usize, big_endian: bool) -> u16 {
    match data.get(at..at + 2) {
        Some(b) if big_endian => u16::from_be_bytes([b[0], b[1]]),
        Some(b) => u16::from_le_bytes([b[0], b[1]]),
        None => 0,
    }
}

pub(crate) fn read_u32(data: &[u8], at: usize, big_endian: bool) -> u32 {
    match data.get(at..at + 4) {
        Some(b) if big_endian => u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
        Some(b) => u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
        None => 0,
    }
}
