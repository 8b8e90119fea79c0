//! Writing classic pcap files: a byte-for-byte copy of a pcap input's
//! records, or a fresh file header and converted records from any input.

use super::{for_selected, packet_data, Counting, SaveFormat, WriteError, WriteSummary};
use crate::capture::{read_u32, Capture, Format, Interface, RecordKind, NO_TIMESTAMP};
use std::io::Write;

pub(super) const PCAP_HEADER_LEN: usize = 24;
pub(super) const PCAP_RECORD_HEADER_LEN: u64 = 16;
/// The snaplen of a pcap file written from pcapng, where each interface has
/// its own: Wireshark's `WTAP_MAX_PACKET_SIZE_STANDARD`, as tshark writes.
const PCAP_SNAPLEN_FROM_PCAPNG: u32 = crate::limits::MAX_RECORD_LEN;

pub(super) fn pcap_copy<W: Write>(
    capture: &Capture,
    wanted: &[u32],
    out: &mut Counting<W>,
) -> Result<WriteSummary, WriteError> {
    let data = capture.bytes();
    out.put(&data[..PCAP_HEADER_LEN])?;
    let mut summary = WriteSummary::default();
    for_selected(capture, wanted, |_, record, _| {
        let start = (record.data_offset - PCAP_RECORD_HEADER_LEN) as usize;
        let end = (record.data_offset + u64::from(record.cap_len)) as usize;
        out.put(&data[start..end])?;
        summary.frames += 1;
        Ok(())
    })?;
    Ok(summary)
}

/// A pcap file (micro- or nanosecond) from any input.
pub(super) fn to_pcap<W: Write>(
    capture: &Capture,
    wanted: &[u32],
    format: SaveFormat,
    out: &mut Counting<W>,
) -> Result<WriteSummary, WriteError> {
    let data = capture.bytes();
    let nanos = format == SaveFormat::PcapNsec;
    let (link, snaplen) = match capture.format() {
        Format::Pcap { big_endian, .. } => (
            read_u32(data, 20, big_endian),
            read_u32(data, 16, big_endian),
        ),
        Format::PcapNg => {
            let interfaces = all_interfaces(capture)?;
            let link = interfaces.first().map_or(1, |i| i.link_type.0);
            if let Some(other) = interfaces.iter().find(|i| i.link_type.0 != link) {
                return Err(WriteError::NotInPcap {
                    frame: 1,
                    format,
                    why: format!(
                        "the capture has interfaces of more than one link type ({} and {}), a pcap file has one",
                        crate::capture::LinkType(link).name(),
                        other.link_type.name()
                    ),
                });
            }
            (u32::from(link), PCAP_SNAPLEN_FROM_PCAPNG)
        }
    };
    let magic: u32 = if nanos { 0xA1B2_3C4D } else { 0xA1B2_C3D4 };
    let mut header = Vec::with_capacity(PCAP_HEADER_LEN);
    header.extend_from_slice(&magic.to_le_bytes());
    header.extend_from_slice(&2u16.to_le_bytes());
    header.extend_from_slice(&4u16.to_le_bytes());
    header.extend_from_slice(&[0; 8]);
    header.extend_from_slice(&snaplen.to_le_bytes());
    header.extend_from_slice(&link.to_le_bytes());
    out.put(&header)?;
    let mut summary = WriteSummary::default();
    for_selected(capture, wanted, |index, record, _| {
        if let RecordKind::CustomBlock { .. } = record.kind {
            return Err(WriteError::NotInPcap {
                frame: index + 1,
                format,
                why: "it is a pcapng Custom Block".into(),
            });
        }
        let ts = if record.ts_ns == NO_TIMESTAMP {
            0
        } else {
            record.ts_ns
        };
        let secs = u32::try_from(ts.div_euclid(1_000_000_000)).unwrap_or(0);
        let frac = ts.rem_euclid(1_000_000_000) as u32;
        let frac = if nanos { frac } else { frac / 1000 };
        let mut head = [0u8; PCAP_RECORD_HEADER_LEN as usize];
        head[0..4].copy_from_slice(&secs.to_le_bytes());
        head[4..8].copy_from_slice(&frac.to_le_bytes());
        head[8..12].copy_from_slice(&record.cap_len.to_le_bytes());
        head[12..16].copy_from_slice(&record.orig_len.to_le_bytes());
        out.put(&head)?;
        out.put(packet_data(data, record))?;
        summary.frames += 1;
        Ok(())
    })?;
    Ok(summary)
}

/// Every interface of a pcapng capture (the reader learns them as it goes).
fn all_interfaces(capture: &Capture) -> Result<Vec<Interface>, WriteError> {
    let mut reader = capture.records()?;
    for record in reader.by_ref() {
        if record.is_err() {
            break;
        }
    }
    Ok(reader.interfaces().to_vec())
}
