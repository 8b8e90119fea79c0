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

use crate::capture::{
    Capture, CaptureError, CaptureWarning, Interface, LinkType, Record, RecordKind, RecordReader,
};
use crate::decode::decode;
use crate::flow::{Conversations, FlowBuilder, FlowInput};
use crate::limits::LimitLog;
use crate::store::{entry_from, entry_from_summary, PacketEntry, PacketStore};
use crate::tls::{KeyLog, KeyLogWarning};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

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
    /// TLS secrets: from the capture's Decryption Secrets Blocks and from
    /// key logs added with [`Trace::add_key_log`] (before a session reads
    /// the trace).
    pub keys: KeyLog,
}

impl Trace {
    /// Adds the secrets of a key log (NSS format text).
    pub fn add_key_log(&mut self, text: &str) -> Vec<KeyLogWarning> {
        self.keys.add_text(text)
    }
}

const PROGRESS_EVERY: u64 = 16_384;

/// The most records one trace holds (4,294,967,294): packet indices are
/// `u32`, [`crate::store::NONE`] (`u32::MAX`) means "no packet", and one
/// past the last index must still be a valid `u32`.
pub const MAX_PACKETS: u64 = crate::store::NONE as u64 - 1;

/// Captures smaller than this load on one thread: below it, starting a
/// second thread costs more than it saves.
pub const PARALLEL_MIN_BYTES: u64 = 4 << 20;

/// Records per batch handed from the walking thread to the building one.
const BATCH: usize = 2048;

/// Batches in flight between the two threads (bounds the memory in between).
const BATCHES_IN_FLIGHT: usize = 4;

/// Queued batches from which the walking thread decodes the next batch
/// itself instead of leaving it to the building thread: the split follows
/// whichever thread is behind (on the 1 GB bench capture the walk is, on
/// 1.8 M tiny packets of short connections the build is), where a fixed
/// every-other-batch split left one of them waiting on either capture.
pub const DECODE_WHEN_QUEUED: usize = 2;

/// How a capture is loaded. Every mode gives the same trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LoadMode {
    /// [`LoadMode::Pipelined`] on a machine with two cores or more and a
    /// capture of at least [`PARALLEL_MIN_BYTES`], else sequential.
    #[default]
    Auto,
    /// One thread walks, decodes and builds.
    Sequential,
    /// Two threads: one walks the records and decodes batches of them while
    /// the other is busy ([`DECODE_WHEN_QUEUED`]); the other decodes the
    /// remaining batches and builds the store and conversations in record
    /// order.
    Pipelined,
}

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
        progress: impl FnMut(Progress) -> bool,
    ) -> Result<Trace, CaptureError> {
        Trace::load_with(capture, LoadMode::Auto, progress)
    }

    /// [`Trace::load`] in the given mode.
    pub fn load_with(
        capture: Capture,
        mode: LoadMode,
        progress: impl FnMut(Progress) -> bool,
    ) -> Result<Trace, CaptureError> {
        let pipelined = match mode {
            LoadMode::Sequential => false,
            LoadMode::Pipelined => true,
            LoadMode::Auto => {
                capture.len() >= PARALLEL_MIN_BYTES
                    && std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2)
            }
        };
        let total = capture.len();
        let mut builder = Builder {
            entries: Vec::with_capacity((total / 400).min(50_000_000) as usize),
            flows: FlowBuilder::new(),
            total,
            progress,
        };
        let end = {
            let reader = capture.records()?;
            if pipelined {
                load_pipelined(capture.bytes(), reader, &mut builder)
            } else {
                load_sequential(capture.bytes(), reader, &mut builder)
            }
        };
        (builder.progress)(Progress {
            bytes_read: end.position,
            bytes_total: total,
            packets: builder.entries.len() as u64,
        });
        // Keys embedded in the capture; a malformed line there is skipped
        // (the lines that parse are used).
        let mut keys = KeyLog::new();
        for secrets in &end.tls_secrets {
            let _ = keys.add_text(secrets);
        }
        let limits = LimitLog::default();
        if let Some(hit) = builder.flows.limit_hit {
            limits.report(hit);
        }
        if let Some(hit) = end.tls_secrets_limit {
            limits.report(hit);
        }
        Ok(Trace {
            store: PacketStore::from_parts(capture, builder.entries, end.interfaces),
            conversations: builder.flows.finish(),
            warning: end.warning,
            error: end.error,
            limits,
            keys,
        })
    }
}

/// The building half of a load: entries and conversations in record order.
struct Builder<P> {
    entries: Vec<PacketEntry>,
    flows: FlowBuilder,
    total: u64,
    progress: P,
}

impl<P: FnMut(Progress) -> bool> Builder<P> {
    /// Adds the next record; `false` when the progress callback asked to stop.
    fn add(&mut self, entry: PacketEntry, input: Option<&FlowInput<'_>>) -> bool {
        // The walk checked the bound (`packet_index`).
        let index = self.entries.len() as u32;
        let offset = entry.data_offset;
        self.entries.push(entry);
        if let Some(input) = input {
            self.flows.observe_input(&mut self.entries, index, input);
        }
        let count = self.entries.len() as u64;
        count % PROGRESS_EVERY != 0
            || (self.progress)(Progress {
                bytes_read: offset,
                bytes_total: self.total,
                packets: count,
            })
    }
}

/// How the record walk ended.
struct WalkEnd {
    warning: Option<CaptureWarning>,
    error: Option<CaptureError>,
    interfaces: Vec<Interface>,
    position: u64,
    /// TLS key log text embedded in the capture (pcapng Decryption Secrets).
    tls_secrets: Vec<String>,
    /// Decryption Secrets Blocks skipped past their bound.
    tls_secrets_limit: Option<crate::limits::LimitHit>,
}

impl WalkEnd {
    /// The end of a load the builder stopped (a packet limit): as the
    /// sequential load, stopped before any later damage was seen.
    fn stopped_if(self, stopped: bool) -> WalkEnd {
        if stopped {
            WalkEnd {
                warning: None,
                error: None,
                ..self
            }
        } else {
            self
        }
    }

    fn of(reader: &RecordReader<'_>, error: Option<CaptureError>) -> WalkEnd {
        WalkEnd {
            warning: reader.warning().cloned(),
            error,
            interfaces: reader.interfaces().to_vec(),
            position: reader.position(),
            tls_secrets: reader
                .tls_secrets()
                .iter()
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .collect(),
            tls_secrets_limit: reader.tls_secrets_limit(),
        }
    }
}

/// The next record of the walk with the link type of its interface, or how
/// the walk ends (`Err(None)` at the end of the file). `count` records came
/// before it.
pub(crate) fn next_record(
    reader: &mut RecordReader<'_>,
    count: u64,
) -> Result<(Record, LinkType), Option<CaptureError>> {
    let record = match reader.next() {
        None => return Err(None),
        Some(Err(e)) => return Err(Some(e)),
        Some(Ok(r)) => r,
    };
    if packet_index(count).is_none() {
        return Err(Some(CaptureError::TooManyPackets {
            packet: count + 1,
            offset: record.data_offset,
            max: MAX_PACKETS,
        }));
    }
    let link = reader
        .interfaces()
        .get(record.interface as usize)
        .map(|i| i.link_type)
        .unwrap_or(LinkType(u16::MAX));
    Ok((record, link))
}

/// Decodes one record into its store entry and what the flow builder needs.
pub(crate) fn decode_record<'a>(
    bytes: &'a [u8],
    record: &Record,
    link: LinkType,
) -> (PacketEntry, Option<FlowInput<'a>>) {
    let start = record.data_offset as usize;
    let data = bytes
        .get(start..start + record.cap_len as usize)
        .unwrap_or(&[]);
    decode_record_data(data, record, link)
}

/// [`decode_record`] given the record's bytes.
fn decode_record_data<'a>(
    data: &'a [u8],
    record: &Record,
    link: LinkType,
) -> (PacketEntry, Option<FlowInput<'a>>) {
    if record.kind != RecordKind::Packet {
        return (entry_from(record, None), None);
    }
    if link == LinkType::ETHERNET {
        if let Some(summary) = crate::decode::fast::ethernet(data) {
            let mut entry = entry_from_summary(record, &summary);
            crate::flow::stream::locate::note(&mut entry, link, data);
            return (entry, Some(FlowInput::of_summary(&summary)));
        }
    }
    let (mut entry, input) = decode_record_fully(data, record, link);
    crate::flow::stream::locate::note(&mut entry, link, data);
    (entry, input)
}

/// [`decode_record`] through the full decoder (`data`: the record's bytes).
fn decode_record_fully<'a>(
    data: &'a [u8],
    record: &Record,
    link: LinkType,
) -> (PacketEntry, Option<FlowInput<'a>>) {
    let decoded = decode(link, data, record.orig_len);
    (entry_from(record, Some(&decoded)), FlowInput::of(&decoded))
}

fn load_sequential<P: FnMut(Progress) -> bool>(
    bytes: &[u8],
    mut reader: RecordReader<'_>,
    builder: &mut Builder<P>,
) -> WalkEnd {
    loop {
        let count = builder.entries.len() as u64;
        match next_record(&mut reader, count) {
            Ok((record, link)) => {
                let (entry, input) = decode_record(bytes, &record, link);
                if !builder.add(entry, input.as_ref()) {
                    return WalkEnd::of(&reader, None);
                }
            }
            Err(error) => return WalkEnd::of(&reader, error),
        }
    }
}

/// A batch of records on its way from the walking thread to the building one.
enum Batch<'a> {
    /// Decoded by the walking thread.
    Decoded(Vec<(PacketEntry, Option<FlowInput<'a>>)>),
    /// For the building thread to decode.
    Raw(Vec<(Record, LinkType)>),
}

/// The load on two threads, over the capture's bytes where they are (the
/// map of a file). Reading a file with `pread` into a reused window instead
/// was measured against it on the 1 GB bench capture (kernel 6.18, page
/// cache warm): the map, whose first touches fault in large folios, walks
/// in 0.21-0.22 s where the window's copy took 0.28 s.
fn load_pipelined<P: FnMut(Progress) -> bool>(
    bytes: &[u8],
    reader: RecordReader<'_>,
    builder: &mut Builder<P>,
) -> WalkEnd {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Batch<'_>>(BATCHES_IN_FLIGHT);
    // Emptied vectors go back to the walker, so batches do not allocate.
    let (back_tx, back_rx) = std::sync::mpsc::channel::<Batch<'_>>();
    // Batches sent and not yet taken by the builder.
    let queued = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let queued_ref = &queued;
        let walker = scope.spawn(move || walk(bytes, reader, &tx, &back_rx, queued_ref));
        let mut stopped = false;
        'batches: for mut batch in rx.iter() {
            queued.fetch_sub(1, Ordering::Relaxed);
            match &mut batch {
                Batch::Decoded(items) => {
                    for (entry, input) in items.drain(..) {
                        if !builder.add(entry, input.as_ref()) {
                            stopped = true;
                            break 'batches;
                        }
                    }
                }
                Batch::Raw(records) => {
                    for (record, link) in records.drain(..) {
                        let (entry, input) = decode_record(bytes, &record, link);
                        if !builder.add(entry, input.as_ref()) {
                            stopped = true;
                            break 'batches;
                        }
                    }
                }
            }
            // The walker may have finished; a lost vector only costs an allocation.
            let _ = back_tx.send(batch);
        }
        // Dropping the receiver stops a walker that is still going.
        drop(rx);
        let end = walker
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        end.stopped_if(stopped)
    })
}

/// The walking thread: reads records in order and sends them in batches,
/// decoding those it sends while the builder has [`DECODE_WHEN_QUEUED`]
/// batches or more still to take.
fn walk<'a>(
    bytes: &'a [u8],
    mut reader: RecordReader<'a>,
    tx: &std::sync::mpsc::SyncSender<Batch<'a>>,
    back: &std::sync::mpsc::Receiver<Batch<'a>>,
    queued: &AtomicUsize,
) -> WalkEnd {
    let mut count: u64 = 0;
    let mut raw: Vec<(Record, LinkType)> = Vec::with_capacity(BATCH);
    let mut decoded: Vec<(PacketEntry, Option<FlowInput<'a>>)> = Vec::new();
    let mut spare_raw: Vec<Vec<(Record, LinkType)>> = Vec::new();
    loop {
        let next = next_record(&mut reader, count);
        let error = match next {
            Ok(item) => {
                raw.push(item);
                count += 1;
                if raw.len() < BATCH {
                    continue;
                }
                None
            }
            Err(error) => error,
        };
        let last = raw.len() < BATCH;
        if !raw.is_empty() {
            while let Ok(v) = back.try_recv() {
                match v {
                    Batch::Decoded(v) if decoded.capacity() == 0 => decoded = v,
                    Batch::Raw(v) => spare_raw.push(v),
                    Batch::Decoded(_) => {}
                }
            }
            // The walker decodes a batch itself while the builder has work
            // queued, and leaves it to the builder while the builder waits.
            let builder_busy = queued.load(Ordering::Relaxed) >= DECODE_WHEN_QUEUED;
            let batch = if builder_busy {
                decoded.clear();
                decoded.extend(
                    raw.iter()
                        .map(|(record, link)| decode_record(bytes, record, *link)),
                );
                raw.clear();
                Batch::Decoded(std::mem::take(&mut decoded))
            } else {
                let next = spare_raw.pop().unwrap_or_else(|| Vec::with_capacity(BATCH));
                Batch::Raw(std::mem::replace(&mut raw, next))
            };
            queued.fetch_add(1, Ordering::Relaxed);
            if tx.send(batch).is_err() {
                // The builder stopped early.
                return WalkEnd::of(&reader, None);
            }
        }
        if last {
            return WalkEnd::of(&reader, error);
        }
    }
}

/// The index of the next record, while the trace can hold it.
fn packet_index(len: u64) -> Option<u32> {
    u32::try_from(len)
        .ok()
        .filter(|&i| u64::from(i) < MAX_PACKETS)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The capture files of the bundled samples and of the shared captures
    /// (absent outside the project's machines: a failure under `CI=true`).
    fn capture_files() -> Vec<std::path::PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let shared = root.join("../shared/captures");
        let ci = std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1");
        assert!(
            shared.is_dir() || !ci,
            "shared captures not found at {} and CI=true",
            shared.display()
        );
        let mut files = Vec::new();
        for dir in [root.join("sample-captures"), shared] {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            files.extend(
                entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| {
                        p.is_file()
                            && p.extension()
                                .is_some_and(|x| x == "pcap" || x == "pcapng" || x == "gz")
                    }),
            );
        }
        files.sort();
        files
    }

    /// Every packet, and every packet with one of its first bytes changed
    /// (headers of every odd length, version and type), decodes for the
    /// store and the flow builder exactly as the full decoder decodes it.
    #[test]
    fn the_fast_path_agrees_with_the_full_decoder_packet_by_packet() {
        let files = capture_files();
        assert!(!files.is_empty(), "no capture files found");
        let (mut fast, mut total) = (0u64, 0u64);
        for path in files {
            let Ok(capture) = Capture::open(&path) else {
                continue;
            };
            let Ok(mut reader) = capture.records() else {
                continue;
            };
            let mut count = 0u64;
            while let Ok((record, link)) = next_record(&mut reader, count) {
                count += 1;
                if record.kind != RecordKind::Packet {
                    continue;
                }
                let start = record.data_offset as usize;
                let data = &capture.bytes()[start..start + record.cap_len as usize];
                let mut check = |data: &[u8]| {
                    let mut r = record;
                    r.cap_len = data.len() as u32;
                    let full = decode_record_fully(data, &r, link);
                    total += 1;
                    if link == LinkType::ETHERNET {
                        if let Some(s) = crate::decode::fast::ethernet(data) {
                            fast += 1;
                            let quick =
                                (entry_from_summary(&r, &s), Some(FlowInput::of_summary(&s)));
                            assert_eq!(quick, full, "{} packet {count}", path.display());
                        }
                    }
                };
                check(data);
                if count <= 20 {
                    let mut changed = data.to_vec();
                    for at in 0..changed.len().min(80) {
                        let was = changed[at];
                        for v in [0, 0xff, was ^ 0x40, was ^ 0x01, 0x45, 0x60, 5] {
                            changed[at] = v;
                            check(&changed);
                        }
                        changed[at] = was;
                    }
                    for len in 0..data.len().min(80) {
                        check(&data[..len]);
                    }
                }
            }
        }
        assert!(
            fast > total / 4,
            "the fast path took {fast} of {total} packets"
        );
    }

    #[test]
    fn packet_indices_stop_short_of_none() {
        assert_eq!(packet_index(0), Some(0));
        assert_eq!(packet_index(4_294_967_293), Some(4_294_967_293));
        assert_eq!(packet_index(4_294_967_294), None);
        assert_eq!(packet_index(u64::MAX), None);
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
