//! Capture writing: the selected records of an opened [`Capture`] saved as a
//! new pcap or pcapng file, as `tshark -r IN -Y FILTER -w OUT [-F FORMAT]`
//! and Wireshark's "Export Specified Packets" do.
//!
//! Records are copied, never re-encoded, wherever the formats allow it:
//!
//! | input  | output            | what is written |
//! |--------|-------------------|-----------------|
//! | pcap   | same pcap kind    | the file header and each record (header and data) byte for byte |
//! | pcapng | pcapng            | every Section Header (section length set to "unknown"), Interface Description, Name Resolution and Decryption Secrets Block byte for byte, in file order, and each selected packet block (Enhanced, Simple, obsolete Packet) and copyable Custom Block byte for byte: comments, flags, hashes, interface ids and timestamp units are kept |
//! | pcap   | pcapng            | a Section Header naming wirelens, one Interface Description (link type, snaplen, `if_tsresol` 9 for nanosecond files) and one Enhanced Packet Block per record |
//! | any    | other pcap kind   | a fresh file header (link type and snaplen of the input) and records whose time is converted; microseconds are truncated, as tshark does |
//!
//! Interface Statistics Blocks are dropped (their counts describe the whole
//! input, not the selection), and so are Custom Blocks marked "do not copy"
//! (pcapng requires it; tshark drops them too). A pcap file has one link
//! type and no room for Custom Blocks, so writing those as pcap is refused
//! with [`WriteError::NotInPcap`], as tshark refuses ("can't be written as a
//! pcap file").
//!
//! ```no_run
//! use wirelens::capture::write::{save_frames, Overwrite, SaveFormat};
//! let trace = wirelens::trace::Trace::open(std::path::Path::new("in.pcapng"))?;
//! // Frames 1, 2 and 5 in Wireshark's numbering are indices 0, 1 and 4.
//! let summary = save_frames(
//!     trace.store.capture(),
//!     &[0, 1, 4],
//!     SaveFormat::PcapNg,
//!     std::path::Path::new("out.pcapng"),
//!     Overwrite::No,
//! )?;
//! assert_eq!(summary.frames, 3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod pcap;
pub mod pcapng;

use super::{Capture, CaptureError, Format, Record};
use pcap::{pcap_copy, to_pcap};
use pcapng::{pcap_to_pcapng, pcapng_to_pcapng};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file format to write (tshark's `-F` names: `pcap`, `nsecpcap`, `pcapng`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveFormat {
    /// Classic libpcap with microsecond timestamps (`-F pcap`).
    Pcap,
    /// Classic libpcap with nanosecond timestamps (`-F nsecpcap`).
    PcapNsec,
    /// pcapng (`-F pcapng`, tshark's default for `-w`).
    PcapNg,
}

impl SaveFormat {
    /// Every format, in the order `-F` lists them.
    pub const ALL: [SaveFormat; 3] = [SaveFormat::Pcap, SaveFormat::PcapNsec, SaveFormat::PcapNg];

    /// The format named as tshark's `-F` names it.
    pub fn from_name(name: &str) -> Option<SaveFormat> {
        SaveFormat::ALL.into_iter().find(|f| f.name() == name)
    }

    /// tshark's `-F` name of the format.
    pub fn name(self) -> &'static str {
        match self {
            SaveFormat::Pcap => "pcap",
            SaveFormat::PcapNsec => "nsecpcap",
            SaveFormat::PcapNg => "pcapng",
        }
    }

    /// The format of the input itself: saving in it copies every record
    /// byte for byte (the TUI's default).
    pub fn same_as(format: Format) -> SaveFormat {
        match format {
            Format::Pcap { nanos: false, .. } => SaveFormat::Pcap,
            Format::Pcap { nanos: true, .. } => SaveFormat::PcapNsec,
            Format::PcapNg => SaveFormat::PcapNg,
        }
    }
}

impl std::fmt::Display for SaveFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether [`save_frames`] may replace an existing file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Refuse with [`WriteError::Exists`] if the path exists (the default:
    /// wirelens never replaces a file it was not asked to).
    No,
    /// Replace it. The new file is written beside it and renamed over it at
    /// the end, so the output may even be the capture being read.
    Yes,
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriteSummary {
    /// Records written (packets and Custom Blocks).
    pub frames: u64,
    /// Selected records left out because their format cannot carry them
    /// (Custom Blocks marked "do not copy").
    pub skipped: u64,
    /// Bytes of the written file.
    pub bytes: u64,
}

/// Why a capture could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path} already exists (use --overwrite to replace it)", path = path.display())]
    Exists { path: PathBuf },
    #[error("cannot write {path}: {source}", path = path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the capture: {0}")]
    Output(#[from] std::io::Error),
    #[error("the capture cannot be read for writing: {0}")]
    Read(#[from] CaptureError),
    #[error("frame {frame} cannot be written as a {format} file: {why}")]
    NotInPcap {
        /// 1-based, as Wireshark numbers frames.
        frame: u64,
        format: SaveFormat,
        why: String,
    },
}

/// Writes the records at `frames` (0-based indices in file order, as the
/// packet store numbers them; any order, duplicates ignored, indices past the
/// end ignored) of `capture` to `out` in `format`. See the module doc for
/// what is copied byte for byte.
pub fn write_frames<W: Write>(
    capture: &Capture,
    frames: &[u32],
    format: SaveFormat,
    out: W,
) -> Result<WriteSummary, WriteError> {
    let mut wanted = frames.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let mut out = Counting {
        inner: std::io::BufWriter::with_capacity(1 << 16, out),
        bytes: 0,
    };
    let mut summary = match (capture.format(), format) {
        (Format::PcapNg, SaveFormat::PcapNg) => pcapng_to_pcapng(capture, &wanted, &mut out)?,
        (Format::Pcap { nanos, .. }, SaveFormat::Pcap | SaveFormat::PcapNsec)
            if nanos == (format == SaveFormat::PcapNsec) =>
        {
            pcap_copy(capture, &wanted, &mut out)?
        }
        (Format::Pcap { .. }, SaveFormat::PcapNg) => pcap_to_pcapng(capture, &wanted, &mut out)?,
        (_, _) => to_pcap(capture, &wanted, format, &mut out)?,
    };
    out.inner.flush()?;
    summary.bytes = out.bytes;
    Ok(summary)
}

/// [`write_frames`] into the file at `path`, which is created only if it
/// does not exist unless `overwrite` says so. A write that fails leaves no
/// partial file behind.
pub fn save_frames(
    capture: &Capture,
    frames: &[u32],
    format: SaveFormat,
    path: &Path,
    overwrite: Overwrite,
) -> Result<WriteSummary, WriteError> {
    let io = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    let target = match overwrite {
        Overwrite::No => path.to_path_buf(),
        Overwrite::Yes => {
            let mut name = path.file_name().unwrap_or_default().to_os_string();
            name.push(format!(".wirelens-{}.tmp", std::process::id()));
            path.with_file_name(name)
        }
    };
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&target)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists if overwrite == Overwrite::No => WriteError::Exists {
                path: path.to_path_buf(),
            },
            _ => io(e),
        })?;
    let result = write_frames(capture, frames, format, file).and_then(|summary| {
        if overwrite == Overwrite::Yes {
            std::fs::rename(&target, path).map_err(io)?;
        }
        Ok(summary)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&target);
    }
    result
}

/// A writer that counts what it wrote.
pub(super) struct Counting<W: Write> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Counting<W> {
    pub(super) fn put(&mut self, data: &[u8]) -> std::io::Result<()> {
        self.inner.write_all(data)?;
        self.bytes += data.len() as u64;
        Ok(())
    }
}

/// Calls `each` with every record of `capture` whose index is in `wanted`
/// (sorted) and the byte range from the end of the previous selected record
/// (or the start of the file) to the end of this one. Returns the end of the
/// last selected record and where reading stopped.
pub(super) fn for_selected(
    capture: &Capture,
    wanted: &[u32],
    mut each: impl FnMut(u64, &Record, (usize, usize)) -> Result<(), WriteError>,
) -> Result<(usize, usize), WriteError> {
    let mut reader = capture.records()?;
    let mut next = wanted.iter().peekable();
    let mut from = reader.position() as usize;
    let mut index: u64 = 0;
    // A record that cannot be read ends the capture, as it ended the load.
    while let Some(Ok(record)) = reader.next() {
        if next.peek().is_some_and(|&&w| u64::from(w) == index) {
            next.next();
            let to = reader.position() as usize;
            each(index, &record, (from, to))?;
            from = to;
        }
        index += 1;
    }
    Ok((from, reader.position() as usize))
}

pub(super) fn packet_data<'a>(data: &'a [u8], record: &Record) -> &'a [u8] {
    let start = record.data_offset as usize;
    data.get(start..start + record.cap_len as usize)
        .unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::pcapng::{
        block, option, pad4, BYTE_ORDER_MAGIC, CB_COPY, CB_NOCOPY, DSB, EPB, IDB, SHB,
    };
    use super::*;
    use crate::capture::{CaptureBytes, NO_TIMESTAMP};

    fn open(bytes: Vec<u8>) -> Capture {
        Capture::from_bytes(CaptureBytes::Owned(bytes), "test".into()).expect("capture")
    }

    fn records(c: &Capture) -> Vec<(Record, Vec<u8>)> {
        c.records()
            .expect("records")
            .map(|r| {
                let r = r.expect("record");
                (r, packet_data(c.bytes(), &r).to_vec())
            })
            .collect()
    }

    fn epb(iface: u32, units: u64, data: &[u8], comment: Option<&str>) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&iface.to_le_bytes());
        b.extend_from_slice(&((units >> 32) as u32).to_le_bytes());
        b.extend_from_slice(&(units as u32).to_le_bytes());
        b.extend_from_slice(&(data.len() as u32).to_le_bytes());
        b.extend_from_slice(&(data.len() as u32 + 10).to_le_bytes());
        b.extend_from_slice(data);
        pad4(&mut b);
        if let Some(c) = comment {
            option(&mut b, 1, c.as_bytes());
            option(&mut b, 0, &[]);
        }
        block(EPB, b)
    }

    fn idb(link: u16, tsresol: Option<u8>) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&link.to_le_bytes());
        b.extend_from_slice(&0u16.to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes());
        if let Some(r) = tsresol {
            option(&mut b, 9, &[r]);
            option(&mut b, 0, &[]);
        }
        block(IDB, b)
    }

    fn shb() -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&BYTE_ORDER_MAGIC.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&0u16.to_le_bytes());
        b.extend_from_slice(&1234i64.to_le_bytes());
        block(SHB, b)
    }

    fn dsb(text: &[u8]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&0x544c_534bu32.to_le_bytes());
        b.extend_from_slice(&(text.len() as u32).to_le_bytes());
        b.extend_from_slice(text);
        block(DSB, b)
    }

    fn custom(copy: bool) -> Vec<u8> {
        let mut b = 32473u32.to_le_bytes().to_vec();
        b.extend_from_slice(b"custom!!");
        block(if copy { CB_COPY } else { CB_NOCOPY }, b)
    }

    /// Two interfaces (micro- and nanosecond), a secrets block between the
    /// packets, a commented packet and both kinds of Custom Block.
    fn sample_pcapng() -> Vec<u8> {
        [
            shb(),
            idb(1, None),
            epb(0, 1_000_000, b"first", None),
            custom(false),
            idb(1, Some(9)),
            epb(1, 2_500_000_001, b"second packet", Some("a comment")),
            dsb(b"CLIENT_RANDOM 00 11\n"),
            custom(true),
            epb(0, 3_000_000, b"third", None),
        ]
        .concat()
    }

    #[test]
    fn pcapng_keeps_every_block_of_the_selection_byte_for_byte() {
        let c = open(sample_pcapng());
        let mut out = Vec::new();
        let s = write_frames(&c, &[3, 0, 2, 1, 0], SaveFormat::PcapNg, &mut out).expect("write");
        assert_eq!((s.frames, s.skipped, s.bytes), (3, 1, out.len() as u64));
        // The same file minus the last packet, the uncopyable block and the
        // section length: everything else is the input's bytes.
        let mut shb = shb();
        shb[16..24].copy_from_slice(&[0xff; 8]);
        let expected = [
            shb,
            idb(1, None),
            epb(0, 1_000_000, b"first", None),
            idb(1, Some(9)),
            epb(1, 2_500_000_001, b"second packet", Some("a comment")),
            dsb(b"CLIENT_RANDOM 00 11\n"),
            custom(true),
        ]
        .concat();
        assert_eq!(out, expected);
        let back = open(out);
        let mut reader = back.records().expect("records");
        let times: Vec<i64> = reader.by_ref().map(|r| r.expect("r").ts_ns).collect();
        assert_eq!(times, [1_000_000_000, 2_500_000_001, NO_TIMESTAMP]);
        assert_eq!(reader.tls_secrets(), [&b"CLIENT_RANDOM 00 11\n"[..]]);
    }

    #[test]
    fn interfaces_and_secrets_after_the_last_selected_packet_are_kept() {
        let c = open(sample_pcapng());
        let mut out = Vec::new();
        write_frames(&c, &[0], SaveFormat::PcapNg, &mut out).expect("write");
        let back = open(out);
        let mut reader = back.records().expect("records");
        assert_eq!(reader.by_ref().count(), 1);
        assert_eq!(reader.interfaces().len(), 2);
        assert_eq!(reader.tls_secrets().len(), 1);
    }

    #[test]
    fn pcapng_to_pcap_converts_times_and_refuses_custom_blocks() {
        let c = open(sample_pcapng());
        let mut out = Vec::new();
        write_frames(&c, &[0, 2, 4], SaveFormat::Pcap, &mut out).expect("write");
        let back = open(out);
        assert_eq!(
            back.format(),
            Format::Pcap {
                big_endian: false,
                nanos: false
            }
        );
        let got: Vec<(i64, Vec<u8>)> = records(&back)
            .into_iter()
            .map(|(r, d)| (r.ts_ns, d))
            .collect();
        // 2.500000001 s is truncated to microseconds, as tshark -F pcap does.
        assert_eq!(
            got,
            [
                (1_000_000_000, b"first".to_vec()),
                (2_500_000_000, b"second packet".to_vec()),
                (3_000_000_000, b"third".to_vec()),
            ]
        );
        let mut ns = Vec::new();
        write_frames(&c, &[2], SaveFormat::PcapNsec, &mut ns).expect("write");
        assert_eq!(records(&open(ns))[0].0.ts_ns, 2_500_000_001);
        let err = write_frames(&c, &[3], SaveFormat::Pcap, &mut Vec::new());
        assert!(
            matches!(err, Err(WriteError::NotInPcap { frame: 4, .. })),
            "{err:?}"
        );
        let mixed = [shb(), idb(1, None), idb(0, None)].concat();
        let err = write_frames(&open(mixed), &[], SaveFormat::Pcap, &mut Vec::new());
        assert!(matches!(err, Err(WriteError::NotInPcap { .. })), "{err:?}");
    }

    fn sample_pcap(nanos: bool) -> Vec<u8> {
        let magic: u32 = if nanos { 0xA1B2_3C4D } else { 0xA1B2_C3D4 };
        let mut f = magic.to_le_bytes().to_vec();
        f.extend_from_slice(&[2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        f.extend_from_slice(&96u32.to_le_bytes());
        f.extend_from_slice(&1u32.to_le_bytes());
        for (i, data) in [&b"one"[..], b"two!", b"three"].iter().enumerate() {
            f.extend_from_slice(&(10 + i as u32).to_le_bytes());
            f.extend_from_slice(&999_999u32.to_le_bytes());
            f.extend_from_slice(&(data.len() as u32).to_le_bytes());
            f.extend_from_slice(&200u32.to_le_bytes());
            f.extend_from_slice(data);
        }
        f
    }

    #[test]
    fn pcap_to_pcap_copies_the_records_and_pcapng_keeps_their_times() {
        let input = sample_pcap(false);
        let c = open(input.clone());
        let mut out = Vec::new();
        write_frames(&c, &[0, 1, 2], SaveFormat::Pcap, &mut out).expect("write");
        assert_eq!(out, input);
        let mut out = Vec::new();
        write_frames(&c, &[1], SaveFormat::Pcap, &mut out).expect("write");
        assert_eq!(out, [&input[..24], &input[24 + 19..24 + 19 + 20]].concat());
        for nanos in [false, true] {
            let c = open(sample_pcap(nanos));
            let mut ng = Vec::new();
            write_frames(&c, &[0, 2], SaveFormat::PcapNg, &mut ng).expect("write");
            let ng = open(ng);
            assert_eq!(ng.format(), Format::PcapNg);
            let (a, b) = (records(&c), records(&ng));
            assert_eq!(b.len(), 2);
            for (x, y) in [(&a[0], &b[0]), (&a[2], &b[1])] {
                assert_eq!(
                    (x.0.ts_ns, x.0.orig_len, &x.1),
                    (y.0.ts_ns, y.0.orig_len, &y.1)
                );
            }
        }
    }

    #[test]
    fn saving_never_replaces_a_file_unless_asked() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("out.pcap");
        std::fs::write(&path, b"keep me").expect("write");
        let c = open(sample_pcap(false));
        let err = save_frames(&c, &[0], SaveFormat::Pcap, &path, Overwrite::No);
        assert!(matches!(err, Err(WriteError::Exists { .. })), "{err:?}");
        assert_eq!(std::fs::read(&path).expect("read"), b"keep me");
        let s = save_frames(&c, &[0], SaveFormat::Pcap, &path, Overwrite::Yes).expect("save");
        assert_eq!(s.frames, 1);
        assert_eq!(std::fs::read(&path).expect("read").len() as u64, s.bytes);
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
        // A failed write leaves nothing behind.
        let mixed = open([shb(), idb(1, None), idb(0, None)].concat());
        let other = dir.path().join("other.pcap");
        assert!(save_frames(&mixed, &[], SaveFormat::Pcap, &other, Overwrite::No).is_err());
        assert!(!other.exists());
    }

    #[test]
    fn format_names_are_tsharks() {
        for f in SaveFormat::ALL {
            assert_eq!(SaveFormat::from_name(f.name()), Some(f));
        }
        assert_eq!(SaveFormat::from_name("pcapng"), Some(SaveFormat::PcapNg));
        assert_eq!(SaveFormat::from_name("libpcap"), None);
    }
}
