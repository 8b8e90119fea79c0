//! Classic libpcap files: a 24-byte file header, then records of a 16-byte
//! header (seconds, fraction, captured length, original length) and the data.
//!
//! pcap-file parses the file header; records are walked here because its checked
//! packet API rejects records longer than the snaplen, which tshark accepts.

use super::MAX_RECORD_LEN;
use super::{read_u32, CaptureError, CaptureWarning, Interface, LinkType, Record, RecordKind};

const FILE_HEADER_LEN: usize = 24;
const RECORD_HEADER_LEN: usize = 16;

pub(crate) struct PcapReader<'a> {
    data: &'a [u8],
    /// Offset in the file of `data[0]` (0 unless the file is read in
    /// windows, see [`PcapReader::rebind_at`]).
    base: usize,
    /// Offset in the file of the next record.
    pos: usize,
    big_endian: bool,
    /// Nanoseconds per unit of the timestamp's fraction field.
    frac_ns: i64,
    interfaces: [Interface; 1],
    packets: u64,
    warning: Option<CaptureWarning>,
    done: bool,
    /// The walk stopped at corrupt data (it cannot go on when more arrives).
    failed: bool,
}

impl<'a> PcapReader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Result<PcapReader<'a>, CaptureError> {
        if data.len() < FILE_HEADER_LEN {
            return Err(CaptureError::TruncatedHeader {
                offset: 0,
                need: FILE_HEADER_LEN as u64,
                have: data.len() as u64,
            });
        }
        let (_, header) = pcap_file::pcap::PcapHeader::from_slice(data).map_err(|e| {
            CaptureError::CorruptBlock {
                offset: 0,
                what: format!("invalid pcap file header: {e}"),
            }
        })?;
        let big_endian = matches!(header.endianness, pcap_file::Endianness::Big);
        let nanos = matches!(header.ts_resolution, pcap_file::TsResolution::NanoSecond);
        // The link type is the low 16 bits (the upper bits carry FCS info).
        let link = u32::from(header.datalink) as u16;
        Ok(PcapReader {
            data,
            base: 0,
            pos: FILE_HEADER_LEN,
            big_endian,
            frac_ns: if nanos { 1 } else { 1000 },
            interfaces: [Interface {
                link_type: LinkType(link),
                snaplen: header.snaplen,
                ts_units_per_sec: if nanos { 1_000_000_000 } else { 1_000_000 },
                name: None,
                description: None,
            }],
            packets: 0,
            warning: None,
            done: false,
            failed: false,
        })
    }

    /// This reader over `data`, the bytes it read so far and perhaps more
    /// (a capture still being written): a walk that ended at the end of the
    /// bytes, or in a record cut short, goes on from where it stopped.
    pub(crate) fn rebind(self, data: &[u8]) -> PcapReader<'_> {
        let base = self.base;
        self.rebind_at(data, base)
    }

    /// [`PcapReader::rebind`] onto a window of the file: `data` holds the
    /// file's bytes from offset `base` (at most the next record's offset) on.
    pub(crate) fn rebind_at(self, data: &[u8], base: usize) -> PcapReader<'_> {
        let more = !self.failed && base <= self.pos && data.len() >= self.pos - base;
        PcapReader {
            data,
            base,
            pos: self.pos,
            big_endian: self.big_endian,
            frac_ns: self.frac_ns,
            interfaces: self.interfaces,
            packets: self.packets,
            warning: if more { None } else { self.warning },
            done: !more,
            failed: self.failed,
        }
    }

    pub(crate) fn interfaces(&self) -> &[Interface] {
        &self.interfaces
    }

    pub(crate) fn warning(&self) -> Option<&CaptureWarning> {
        self.warning.as_ref()
    }

    pub(crate) fn position(&self) -> u64 {
        self.pos as u64
    }

    pub(crate) fn next(&mut self) -> Option<Result<Record, CaptureError>> {
        if self.done {
            return None;
        }
        // `at` indexes `data`; `self.pos` and the offsets reported are the file's.
        let at = self.pos - self.base;
        let remaining = self.data.len().saturating_sub(at);
        if remaining == 0 {
            self.done = true;
            return None;
        }
        let packet = self.packets + 1;
        if remaining < RECORD_HEADER_LEN {
            return self.cut_short(packet);
        }
        let be = self.big_endian;
        // Seconds are read as signed, as Wireshark does.
        let secs = read_u32(self.data, at, be) as i32 as i64;
        let frac = read_u32(self.data, at + 4, be) as i64;
        let cap_len = read_u32(self.data, at + 8, be);
        let orig_len = read_u32(self.data, at + 12, be);
        if cap_len > MAX_RECORD_LEN {
            self.done = true;
            self.failed = true;
            return Some(Err(CaptureError::AbsurdRecordLength {
                packet,
                offset: self.pos as u64,
                len: cap_len,
                max: MAX_RECORD_LEN,
            }));
        }
        let data_at = at + RECORD_HEADER_LEN;
        if self.data.len() - data_at < cap_len as usize {
            return self.cut_short(packet);
        }
        let data_offset = self.pos + RECORD_HEADER_LEN;
        self.pos = data_offset + cap_len as usize;
        self.packets = packet;
        Some(Ok(Record {
            data_offset: data_offset as u64,
            cap_len,
            orig_len,
            ts_ns: secs * 1_000_000_000 + frac * self.frac_ns,
            interface: 0,
            kind: RecordKind::Packet,
        }))
    }

    fn cut_short(&mut self, packet: u64) -> Option<Result<Record, CaptureError>> {
        self.done = true;
        self.warning = Some(CaptureWarning::CutShort {
            packet,
            offset: self.pos as u64,
        });
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(magic: u32, be: bool, link: u32) -> Vec<u8> {
        let mut v = Vec::new();
        let w32 = |v: &mut Vec<u8>, x: u32| {
            v.extend_from_slice(&if be { x.to_be_bytes() } else { x.to_le_bytes() })
        };
        w32(&mut v, magic);
        v.extend_from_slice(&if be { [0, 2, 0, 4] } else { [2, 0, 4, 0] });
        w32(&mut v, 0);
        w32(&mut v, 0);
        w32(&mut v, 65535);
        w32(&mut v, link);
        v
    }

    fn record(v: &mut Vec<u8>, be: bool, secs: u32, frac: u32, data: &[u8], orig: u32) {
        for x in [secs, frac, data.len() as u32, orig] {
            v.extend_from_slice(&if be { x.to_be_bytes() } else { x.to_le_bytes() });
        }
        v.extend_from_slice(data);
    }

    #[test]
    fn reads_little_and_big_endian_micro_and_nano() {
        for (magic, be, nanos) in [
            (0xa1b2c3d4u32, false, false),
            (0xa1b2c3d4, true, false),
            (0xa1b23c4d, false, true),
            (0xa1b23c4d, true, true),
        ] {
            let mut f = header(magic, be, 1);
            record(&mut f, be, 10, 5, &[1, 2, 3], 60);
            let mut r = PcapReader::new(&f).expect("header");
            let rec = r.next().expect("one").expect("ok");
            assert_eq!(rec.cap_len, 3);
            assert_eq!(rec.orig_len, 60);
            assert_eq!(rec.data_offset, 40);
            let frac = if nanos { 5 } else { 5000 };
            assert_eq!(rec.ts_ns, 10_000_000_000 + frac);
            assert!(r.next().is_none());
            assert!(r.warning().is_none());
            assert_eq!(r.interfaces()[0].link_type, LinkType::ETHERNET);
        }
    }

    #[test]
    fn cut_short_record_is_a_warning() {
        let mut f = header(0xa1b2c3d4, false, 1);
        record(&mut f, false, 1, 0, &[0; 10], 10);
        record(&mut f, false, 2, 0, &[0; 10], 10);
        f.truncate(f.len() - 3);
        let mut r = PcapReader::new(&f).expect("header");
        assert!(r.next().expect("first").is_ok());
        assert!(r.next().is_none());
        assert_eq!(
            r.warning(),
            Some(&CaptureWarning::CutShort {
                packet: 2,
                offset: 50
            })
        );
    }

    #[test]
    fn absurd_length_is_an_error_with_offset() {
        let mut f = header(0xa1b2c3d4, false, 1);
        record(&mut f, false, 1, 0, &[], 10);
        let n = f.len();
        f[n - 8..n - 4].copy_from_slice(&(16_711_424u32).to_le_bytes());
        let mut r = PcapReader::new(&f).expect("header");
        match r.next() {
            Some(Err(CaptureError::AbsurdRecordLength {
                packet: 1,
                offset: 24,
                len: 16_711_424,
                ..
            })) => {}
            other => panic!("unexpected {other:?}"),
        }
        assert!(r.next().is_none());
    }

    #[test]
    fn truncated_file_header() {
        let f = header(0xa1b2c3d4, false, 1);
        assert!(matches!(
            PcapReader::new(&f[..10]),
            Err(CaptureError::TruncatedHeader { have: 10, .. })
        ));
    }
}
