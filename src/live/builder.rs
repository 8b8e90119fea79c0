//! The incremental front of the load: records are pushed in as the capture
//! grows, and a [`Trace`] of everything so far can be taken at any time,
//! equal to what loading a file of those bytes gives. The walk, the decode
//! and the flow building are the ones [`crate::trace`] uses; only the loop
//! around them is here.

use crate::capture::{
    detect_format, Capture, CaptureBytes, CaptureError, CaptureWarning, Format, Interface,
    RecordReader,
};
use crate::flow::FlowBuilder;
use crate::limits::LimitLog;
use crate::store::{PacketEntry, PacketStore};
use crate::tls::KeyLog;
use crate::trace::{decode_record, next_record, Trace};

/// Builds a trace from a capture that grows: [`TraceBuilder::extend`] with
/// the bytes so far, [`TraceBuilder::snapshot`] to look,
/// [`TraceBuilder::finish`] at the end.
pub struct TraceBuilder {
    name: String,
    format: Option<Format>,
    /// Where the walk stopped, put aside between two calls (bound to no bytes).
    reader: Option<RecordReader<'static>>,
    entries: Vec<PacketEntry>,
    flows: FlowBuilder,
    interfaces: Vec<Interface>,
    /// The walk stopped at corrupt data: no record after it is read.
    error: Option<CaptureError>,
    /// The bytes end in the middle of a record (so far).
    warning: Option<CaptureWarning>,
    keys: KeyLog,
    /// Decryption Secrets Blocks already added to `keys`.
    secrets_seen: usize,
    /// Bytes of the capture walked so far.
    position: u64,
}

impl TraceBuilder {
    /// A builder for the capture called `name` in messages.
    pub fn new(name: impl Into<String>) -> TraceBuilder {
        TraceBuilder {
            name: name.into(),
            format: None,
            reader: None,
            entries: Vec::new(),
            flows: FlowBuilder::new(),
            interfaces: Vec::new(),
            error: None,
            warning: None,
            keys: KeyLog::new(),
            secrets_seen: 0,
            position: 0,
        }
    }

    /// Packets read so far.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Bytes of the capture walked so far (the end of the last whole record).
    pub fn position(&self) -> u64 {
        self.position
    }

    /// The walk stopped at corrupt data: more bytes add nothing.
    pub fn stopped(&self) -> bool {
        self.error.is_some()
    }

    /// The stores entries so far.
    pub fn entries(&self) -> &[PacketEntry] {
        &self.entries
    }

    /// Reads the records that `bytes` completes. `bytes` is the whole
    /// capture so far: what the previous call was given, and perhaps more.
    /// Returns how many records were added. Fails only on a file header
    /// that is not a capture's (corrupt data later on is kept for the trace,
    /// as a file load keeps it).
    pub fn extend(&mut self, bytes: &[u8]) -> Result<usize, CaptureError> {
        if self.error.is_some() {
            return Ok(0);
        }
        let mut reader = match self.reader.take() {
            Some(r) => r.rebind(bytes),
            None => {
                if bytes.len() < 4 {
                    return Ok(0);
                }
                let format = detect_format(bytes)?;
                let header = match format {
                    Format::Pcap { .. } => 24,
                    Format::PcapNg => 28,
                };
                if bytes.len() < header {
                    return Ok(0);
                }
                self.format = Some(format);
                RecordReader::new(bytes, format)?
            }
        };
        let before = self.entries.len();
        loop {
            match next_record(&mut reader, self.entries.len() as u64) {
                Ok((record, link)) => {
                    let (entry, input) = decode_record(bytes, &record, link);
                    // `next_record` checked the bound.
                    let index = self.entries.len() as u32;
                    self.entries.push(entry);
                    if let Some(input) = input {
                        self.flows.observe_input(&mut self.entries, index, &input);
                    }
                }
                Err(None) => break,
                Err(Some(e)) => {
                    self.error = Some(e);
                    break;
                }
            }
        }
        if reader.interfaces().len() != self.interfaces.len() {
            self.interfaces = reader.interfaces().to_vec();
        }
        let secrets = reader.tls_secrets();
        for text in secrets.iter().skip(self.secrets_seen) {
            // As a file load: a malformed line is skipped.
            let _ = self.keys.add_text(&String::from_utf8_lossy(text));
        }
        self.secrets_seen = secrets.len();
        self.warning = reader.warning().cloned();
        self.position = reader.position();
        self.reader = Some(reader.rebind(&[]));
        Ok(self.entries.len() - before)
    }

    /// The trace of the records read so far, over `bytes` (the capture
    /// bytes given to the last [`TraceBuilder::extend`], or more of them).
    /// A record still arriving is not damage: the trace has no warning for
    /// it. `None` until the file header is complete.
    pub fn snapshot(&self, bytes: CaptureBytes) -> Option<Trace> {
        let format = self.format?;
        let capture = Capture::with_format(bytes, format, self.name.clone());
        let limits = LimitLog::default();
        if let Some(hit) = self.flows.limit_hit {
            limits.report(hit);
        }
        Some(Trace {
            store: PacketStore::from_parts(capture, self.entries.clone(), self.interfaces.clone()),
            conversations: self.flows.snapshot(),
            warning: None,
            error: self.error.as_ref().map(copy_error),
            limits,
            keys: self.keys.clone(),
        })
    }

    /// The trace of the whole capture once it has ended (`bytes` are all of
    /// it): the same as [`Trace::load`] of those bytes, damage included.
    pub fn finish(mut self, bytes: CaptureBytes) -> Result<Trace, CaptureError> {
        self.extend(bytes.as_slice())?;
        let Some(format) = self.format else {
            // Too short for a file header: the error a file load gives.
            let capture = Capture::from_bytes(bytes, self.name)?;
            let _ = capture.records()?;
            return Err(CaptureError::TruncatedHeader {
                offset: 0,
                need: 4,
                have: capture.len(),
            });
        };
        let limits = LimitLog::default();
        if let Some(hit) = self.flows.limit_hit {
            limits.report(hit);
        }
        let capture = Capture::with_format(bytes, format, self.name);
        Ok(Trace {
            store: PacketStore::from_parts(capture, self.entries, self.interfaces),
            conversations: self.flows.finish(),
            warning: self.warning,
            error: self.error,
            limits,
            keys: self.keys,
        })
    }
}

/// The error of a snapshot: the builder keeps the original for the end
/// (errors are not `Clone`, as they may carry an `io::Error`).
fn copy_error(e: &CaptureError) -> CaptureError {
    match e {
        CaptureError::AbsurdRecordLength {
            packet,
            offset,
            len,
            max,
        } => CaptureError::AbsurdRecordLength {
            packet: *packet,
            offset: *offset,
            len: *len,
            max: *max,
        },
        CaptureError::TooManyPackets {
            packet,
            offset,
            max,
        } => CaptureError::TooManyPackets {
            packet: *packet,
            offset: *offset,
            max: *max,
        },
        CaptureError::CorruptBlock { offset, what } => CaptureError::CorruptBlock {
            offset: *offset,
            what: what.clone(),
        },
        // Not raised by a record walk; kept as its message.
        other => CaptureError::CorruptBlock {
            offset: 0,
            what: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A classic pcap of `n` tiny Ethernet frames.
    fn pcap(n: u32) -> Vec<u8> {
        let mut v = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        v.extend_from_slice(&[0; 8]);
        v.extend_from_slice(&65535u32.to_le_bytes());
        v.extend_from_slice(&1u32.to_le_bytes());
        for i in 0..n {
            v.extend_from_slice(&i.to_le_bytes());
            v.extend_from_slice(&0u32.to_le_bytes());
            v.extend_from_slice(&14u32.to_le_bytes());
            v.extend_from_slice(&14u32.to_le_bytes());
            v.extend_from_slice(&[0xff; 14]);
        }
        v
    }

    #[test]
    fn bytes_given_a_few_at_a_time_make_the_records_once_each() {
        let file = pcap(5);
        let mut b = TraceBuilder::new("t");
        let mut added = 0;
        for end in 0..=file.len() {
            added += b.extend(&file[..end]).expect("pcap");
        }
        assert_eq!(added, 5);
        assert_eq!(b.len(), 5);
        let t = b.finish(CaptureBytes::Owned(file.clone())).expect("finish");
        assert!(t.warning.is_none() && t.error.is_none());
        let whole = Trace::load(
            Capture::from_bytes(CaptureBytes::Owned(file), "t".into()).expect("open"),
            |_| true,
        )
        .expect("load");
        assert_eq!(t.store.entries(), whole.store.entries());
    }

    #[test]
    fn a_record_cut_short_is_a_warning_only_at_the_end() {
        let mut file = pcap(2);
        file.truncate(file.len() - 3);
        let mut b = TraceBuilder::new("t");
        b.extend(&file).expect("pcap");
        let snap = b
            .snapshot(CaptureBytes::Owned(file.clone()))
            .expect("header");
        assert_eq!(snap.store.len(), 1);
        assert!(snap.warning.is_none());
        let end = b.finish(CaptureBytes::Owned(file)).expect("finish");
        assert!(matches!(
            end.warning,
            Some(CaptureWarning::CutShort { packet: 2, .. })
        ));
    }

    #[test]
    fn not_a_capture_is_refused_and_too_short_is_the_file_error() {
        let mut b = TraceBuilder::new("t");
        assert!(b.extend(b"GET / HTTP/1.1").is_err());
        let b = TraceBuilder::new("t");
        assert!(matches!(
            b.finish(CaptureBytes::Owned(vec![0xd4, 0xc3])),
            Err(CaptureError::TruncatedHeader { .. })
        ));
    }
}
