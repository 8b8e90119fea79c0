//! Writing pcapng: the blocks wirelens makes (a file header of one
//! interface and Enhanced Packet Blocks, for pcap inputs and for live
//! captures) and the block-for-block copy of a pcapng input.

use super::{for_selected, packet_data, Counting, WriteError, WriteSummary};
use crate::capture::{read_u32, Capture, Format};
use std::io::Write;

pub(super) const SHB: u32 = 0x0A0D_0D0A;
pub(super) const IDB: u32 = 1;
const OBSOLETE_PB: u32 = 2;
const SPB: u32 = 3;
const NRB: u32 = 4;
pub(super) const EPB: u32 = 6;
pub(super) const DSB: u32 = 0x0000_000A;
pub(super) const CB_COPY: u32 = 0x0000_0BAD;
pub(super) const CB_NOCOPY: u32 = 0x4000_0BAD;
pub(super) const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
const OPT_END: u16 = 0;
const OPT_SHB_USERAPPL: u16 = 4;
const OPT_IF_NAME: u16 = 2;
const OPT_IF_TSRESOL: u16 = 9;

/// Pads a pcapng block body to 32 bits.
pub(super) fn pad4(v: &mut Vec<u8>) {
    while v.len() % 4 != 0 {
        v.push(0);
    }
}

/// A little-endian pcapng block of `block_type` around `body` (padded).
pub(super) fn block(block_type: u32, mut body: Vec<u8>) -> Vec<u8> {
    pad4(&mut body);
    let len = (body.len() + 12) as u32;
    let mut b = Vec::with_capacity(len as usize);
    b.extend_from_slice(&block_type.to_le_bytes());
    b.extend_from_slice(&len.to_le_bytes());
    b.extend_from_slice(&body);
    b.extend_from_slice(&len.to_le_bytes());
    b
}

/// A pcapng option (code, length, value padded).
pub(super) fn option(v: &mut Vec<u8>, code: u16, value: &[u8]) {
    v.extend_from_slice(&code.to_le_bytes());
    v.extend_from_slice(&(value.len() as u16).to_le_bytes());
    v.extend_from_slice(value);
    pad4(v);
}

/// The blocks that start a pcapng file of one interface: a Section Header
/// naming wirelens (section length unknown) and an Interface Description
/// with the link type, the snaplen, the interface's name if known and
/// `if_tsresol` 9 when times are in nanoseconds (else microseconds, the
/// default). A live capture starts its `-w` file and each ring file so.
pub fn file_header(link_type: u16, snaplen: u32, name: Option<&str>, nanos: bool) -> Vec<u8> {
    let mut shb = Vec::new();
    shb.extend_from_slice(&BYTE_ORDER_MAGIC.to_le_bytes());
    shb.extend_from_slice(&1u16.to_le_bytes());
    shb.extend_from_slice(&0u16.to_le_bytes());
    shb.extend_from_slice(&(-1i64).to_le_bytes());
    option(
        &mut shb,
        OPT_SHB_USERAPPL,
        concat!("wirelens ", env!("CARGO_PKG_VERSION")).as_bytes(),
    );
    option(&mut shb, OPT_END, &[]);
    let mut idb = Vec::new();
    idb.extend_from_slice(&link_type.to_le_bytes());
    idb.extend_from_slice(&0u16.to_le_bytes());
    idb.extend_from_slice(&snaplen.to_le_bytes());
    if let Some(name) = name {
        option(&mut idb, OPT_IF_NAME, name.as_bytes());
    }
    if nanos {
        option(&mut idb, OPT_IF_TSRESOL, &[9]);
    }
    if name.is_some() || nanos {
        option(&mut idb, OPT_END, &[]);
    }
    let mut out = block(SHB, shb);
    out.extend_from_slice(&block(IDB, idb));
    out
}

/// Appends the Enhanced Packet Block of one packet on interface 0, its
/// time in the interface's units, written whole in one piece (a reader of
/// a growing file sees whole blocks or a cut-off tail).
pub fn enhanced_packet(out: &mut Vec<u8>, units: u64, data: &[u8], orig_len: u32) {
    let padded = data.len().next_multiple_of(4);
    let total = (12 + 20 + padded) as u32;
    out.extend_from_slice(&EPB.to_le_bytes());
    out.extend_from_slice(&total.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&((units >> 32) as u32).to_le_bytes());
    out.extend_from_slice(&(units as u32).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&orig_len.to_le_bytes());
    out.extend_from_slice(data);
    out.resize(out.len() + padded - data.len(), 0);
    out.extend_from_slice(&total.to_le_bytes());
}

pub(super) fn pcap_to_pcapng<W: Write>(
    capture: &Capture,
    wanted: &[u32],
    out: &mut Counting<W>,
) -> Result<WriteSummary, WriteError> {
    let data = capture.bytes();
    let Format::Pcap { big_endian, nanos } = capture.format() else {
        return Ok(WriteSummary::default());
    };
    let link = read_u32(data, 20, big_endian) as u16;
    let snaplen = read_u32(data, 16, big_endian);
    out.put(&file_header(link, snaplen, None, nanos))?;
    let mut summary = WriteSummary::default();
    let mut epb = Vec::new();
    for_selected(capture, wanted, |_, record, _| {
        let ts = u64::try_from(record.ts_ns).unwrap_or(0);
        let units = if nanos { ts } else { ts / 1000 };
        epb.clear();
        enhanced_packet(&mut epb, units, packet_data(data, record), record.orig_len);
        out.put(&epb)?;
        summary.frames += 1;
        Ok(())
    })?;
    Ok(summary)
}

/// The blocks of a pcapng capture between two offsets the reader has
/// already walked (so their lengths are known to be sound): start, length
/// and type of each, with the byte order of their section.
struct Blocks<'a> {
    data: &'a [u8],
    pos: usize,
    end: usize,
    big_endian: &'a mut bool,
}

impl Iterator for Blocks<'_> {
    type Item = (usize, usize, u32);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos + 12 > self.end {
            return None;
        }
        let at = self.pos;
        // The Section Header's type reads the same in both byte orders.
        if read_u32(self.data, at, false) == SHB {
            *self.big_endian = read_u32(self.data, at + 8, false) != BYTE_ORDER_MAGIC;
        }
        let block_type = read_u32(self.data, at, *self.big_endian);
        let len = read_u32(self.data, at + 4, *self.big_endian) as usize;
        if len < 12 || at + len > self.end {
            return None;
        }
        self.pos = at + len;
        Some((at, len, block_type))
    }
}

pub(super) fn pcapng_to_pcapng<W: Write>(
    capture: &Capture,
    wanted: &[u32],
    out: &mut Counting<W>,
) -> Result<WriteSummary, WriteError> {
    let data = capture.bytes();
    let mut big_endian = false;
    let mut summary = WriteSummary::default();
    let (end, read_end) = for_selected(capture, wanted, |_, _, (from, to)| {
        // Metadata and unselected records, then the record's own block last.
        let mut last = None;
        let blocks = Blocks {
            data,
            pos: from,
            end: to,
            big_endian: &mut big_endian,
        };
        for (at, len, block_type) in blocks {
            if let Some((p_at, p_len, p_type)) = last.replace((at, len, block_type)) {
                copy_metadata_block(&data[p_at..p_at + p_len], p_type, out)?;
            }
        }
        if let Some((at, len, block_type)) = last {
            match block_type {
                EPB | SPB | OBSOLETE_PB | CB_COPY => {
                    out.put(&data[at..at + len])?;
                    summary.frames += 1;
                }
                CB_NOCOPY => summary.skipped += 1,
                _ => copy_metadata_block(&data[at..at + len], block_type, out)?,
            }
        }
        Ok(())
    })?;
    // Interfaces, secrets and sections after the last selected record.
    let blocks = Blocks {
        data,
        pos: end,
        end: read_end,
        big_endian: &mut big_endian,
    };
    for (at, len, block_type) in blocks {
        copy_metadata_block(&data[at..at + len], block_type, out)?;
    }
    Ok(summary)
}

/// Writes a block that is not a record if it belongs in any pcapng file.
fn copy_metadata_block<W: Write>(
    block: &[u8],
    block_type: u32,
    out: &mut Counting<W>,
) -> std::io::Result<()> {
    match block_type {
        SHB => {
            // The section's length is no longer known.
            let mut b = block.to_vec();
            if let Some(len) = b.get_mut(16..24) {
                len.copy_from_slice(&[0xff; 8]);
            }
            out.put(&b)
        }
        IDB | NRB | DSB => out.put(block),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{CaptureBytes, LinkType};

    #[test]
    fn a_live_file_reads_back_with_times_lengths_and_name() {
        let mut file = file_header(1, 262_144, Some("veth0"), true);
        enhanced_packet(&mut file, 1_700_000_000_123_456_789, &[0xab; 15], 60);
        enhanced_packet(&mut file, 1_700_000_001_000_000_000, &[0xcd; 16], 16);
        let capture = Capture::from_bytes(CaptureBytes::Owned(file), "t".into()).expect("pcapng");
        let mut reader = capture.records().expect("records");
        let a = reader.next().expect("one").expect("ok");
        let b = reader.next().expect("two").expect("ok");
        assert!(reader.next().is_none() && reader.warning().is_none());
        assert_eq!(
            (a.ts_ns, a.cap_len, a.orig_len),
            (1_700_000_000_123_456_789, 15, 60)
        );
        assert_eq!((b.ts_ns, b.cap_len), (1_700_000_001_000_000_000, 16));
        let iface = &reader.interfaces()[0];
        assert_eq!(iface.link_type, LinkType::ETHERNET);
        assert_eq!(iface.name.as_deref(), Some("veth0"));
        assert_eq!(iface.ts_units_per_sec, 1_000_000_000);
    }

    #[test]
    fn a_microsecond_header_without_a_name_has_no_options() {
        let header = file_header(101, 65_535, None, false);
        // SHB (12 + 16 + userappl + end) then a bare 20-byte IDB.
        assert_eq!(&header[header.len() - 20..][..4], &IDB.to_le_bytes());
        assert_eq!(&header[header.len() - 20..][4..8], &20u32.to_le_bytes());
        let mut file = header;
        enhanced_packet(&mut file, 1_500_000, b"abc", 3);
        let capture = Capture::from_bytes(CaptureBytes::Owned(file), "t".into()).expect("pcapng");
        let mut reader = capture.records().expect("records");
        let a = reader.next().expect("one").expect("ok");
        assert_eq!(a.ts_ns, 1_500_000_000);
        assert_eq!(reader.interfaces()[0].ts_units_per_sec, 1_000_000);
    }
}
