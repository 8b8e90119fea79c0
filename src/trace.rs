//! A loaded capture as plain data: the packet store, its conversations and the
//! damage found while reading, built together in one pass over the records.
//! Everything computed later from a trace (the HTTP index, connection
//! summaries, filter results) lives one level up, in [`crate::session`].
//!
//! ```no_run
//! let trace = wirelens::trace::Trace::open(std::path::Path::new("sample-captures/textbook-visit.pcap"))?;
//! println!("{} packets, {} TCP streams", trace.store.len(), trace.conversations.tcp_count());
//! # Ok::<(), wirelens::capture::CaptureError>(())
//! ```

use crate::capture::{Capture, CaptureError, CaptureWarning, Interface, LinkType, RecordKind};
use crate::decode::decode;
use crate::flow::{Conversations, FlowBuilder};
use crate::limits::LimitLog;
use crate::store::{entry_from, PacketEntry, PacketStore};
use std::path::Path;

/// Progress of a load, reported every few thousand packets.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    pub bytes_read: u64,
    pub bytes_total: u64,
    pub packets: u64,
}

/// The store and conversations of one capture.
pub struct Trace {
    pub store: PacketStore,
    pub conversations: Conversations,
    /// The file ended in the middle of a record: everything before it is here.
    pub warning: Option<CaptureWarning>,
    /// Reading stopped at corrupt data: everything before it is here.
    pub error: Option<CaptureError>,
    /// Bounds reached: by the load (conversations), and by the stages run
    /// later on this trace (reassembly, HTTP, DNS), each kept once. The one
    /// part of a trace that changes after loading.
    pub limits: LimitLog,
}

const PROGRESS_EVERY: u64 = 16_384;

/// The most records one trace holds (4,294,967,294): packet indices are
/// `u32`, [`crate::store::NONE`] (`u32::MAX`) means "no packet", and one
/// past the last index must still be a valid `u32`.
pub const MAX_PACKETS: u64 = crate::store::NONE as u64 - 1;

impl Trace {
    /// Opens and loads a capture file (`-` for standard input).
    pub fn open(path: &Path) -> Result<Trace, CaptureError> {
        Trace::load(Capture::open(path)?, |_| true)
    }

    /// Loads every record of `capture`. `progress` is called every 16384
    /// packets and at the end; returning `false` stops the load early.
    /// Fails only when the file header is unreadable; damage later on is kept
    /// in [`Trace::error`] / [`Trace::warning`] with everything before it.
    pub fn load(
        capture: Capture,
        mut progress: impl FnMut(Progress) -> bool,
    ) -> Result<Trace, CaptureError> {
        let total = capture.len();
        let mut entries: Vec<PacketEntry> =
            Vec::with_capacity((total / 400).min(50_000_000) as usize);
        let interfaces: Vec<Interface>;
        let mut flows = FlowBuilder::new();
        let warning;
        let mut error = None;
        {
            let bytes = capture.bytes();
            let mut reader = capture.records()?;
            let mut count: u64 = 0;
            while let Some(item) = reader.next() {
                let record = match item {
                    Ok(r) => r,
                    Err(e) => {
                        error = Some(e);
                        break;
                    }
                };
                let Some(index) = packet_index(entries.len()) else {
                    error = Some(CaptureError::TooManyPackets {
                        packet: count + 1,
                        offset: record.data_offset,
                        max: MAX_PACKETS,
                    });
                    break;
                };
                if record.kind == RecordKind::Packet {
                    let start = record.data_offset as usize;
                    let data = bytes
                        .get(start..start + record.cap_len as usize)
                        .unwrap_or(&[]);
                    let link = reader
                        .interfaces()
                        .get(record.interface as usize)
                        .map(|i| i.link_type)
                        .unwrap_or(LinkType(u16::MAX));
                    let decoded = decode(link, data, record.orig_len);
                    entries.push(entry_from(&record, Some(&decoded)));
                    flows.observe(&mut entries, index, &decoded);
                } else {
                    entries.push(entry_from(&record, None));
                }
                count += 1;
                if count % PROGRESS_EVERY == 0
                    && !progress(Progress {
                        bytes_read: record.data_offset,
                        bytes_total: total,
                        packets: count,
                    })
                {
                    break;
                }
            }
            warning = reader.warning().cloned();
            interfaces = reader.interfaces().to_vec();
            progress(Progress {
                bytes_read: reader.position(),
                bytes_total: total,
                packets: count,
            });
        }
        let limits = LimitLog::default();
        if let Some(hit) = flows.limit_hit {
            limits.report(hit);
        }
        Ok(Trace {
            store: PacketStore::from_parts(capture, entries, interfaces),
            conversations: flows.finish(),
            warning,
            error,
            limits,
        })
    }
}

/// The index of the next record, while the trace can hold it.
fn packet_index(len: usize) -> Option<u32> {
    u32::try_from(len)
        .ok()
        .filter(|&i| u64::from(i) < MAX_PACKETS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packet_indices_stop_short_of_none() {
        assert_eq!(packet_index(0), Some(0));
        assert_eq!(packet_index(4_294_967_293), Some(4_294_967_293));
        assert_eq!(packet_index(4_294_967_294), None);
        assert_eq!(packet_index(usize::MAX), None);
        let e = CaptureError::TooManyPackets {
            packet: 4_294_967_296,
            offset: 99,
            max: MAX_PACKETS,
        };
        assert!(e
            .to_string()
            .starts_with("packet 4294967296 at byte offset 99: more than 4294967294 packets"));
    }
}
