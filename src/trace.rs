//! A loaded capture: the packet store and its conversations, built together in
//! one sequential pass over the records. This is the entry point of the
//! library: the CLI and the TUI both open a [`Trace`].
//!
//! ```no_run
//! let trace = wirelens::trace::Trace::open(std::path::Path::new("sample-captures/textbook-visit.pcap"))?;
//! println!("{} packets, {} TCP streams", trace.store.len(), trace.conversations.tcp_count());
//! # Ok::<(), wirelens::capture::CaptureError>(())
//! ```

use crate::capture::{Capture, CaptureError, CaptureWarning, Interface, LinkType, RecordKind};
use crate::decode::decode;
use crate::flow::{Conversations, FlowBuilder};
use crate::http::HttpIndex;
use crate::limits::LimitLog;
use crate::store::{entry_from, PacketEntry, PacketStore};
use std::path::Path;
use std::sync::OnceLock;

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
    /// Bounds reached, by this load and by the stages run later on this
    /// trace (reassembly, HTTP, DNS): each is reported once.
    pub limits: LimitLog,
    /// HTTP transactions, built on first use (see [`Trace::http`]).
    http: OnceLock<HttpIndex>,
}

impl Trace {
    /// The trace's HTTP transactions, parsed on the first call and kept.
    pub fn http(&self) -> &HttpIndex {
        self.http.get_or_init(|| HttpIndex::build(self))
    }

    /// The HTTP index if it has been built (never blocks), for a UI that
    /// builds it in the background.
    pub fn http_if_ready(&self) -> Option<&HttpIndex> {
        self.http.get()
    }
}

const PROGRESS_EVERY: u64 = 16_384;

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
                let index = entries.len() as u32;
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
            http: OnceLock::new(),
        })
    }
}
