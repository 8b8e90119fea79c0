//! Captures that grow while they are read: standard input, a named pipe,
//! or (with the `live` feature) a network interface.
//!
//! The bytes go to a [`spool::Spool`] file as they arrive; a
//! [`follow::follow`] loop maps what was written, walks the new records
//! into a [`builder::TraceBuilder`] and hands out a snapshot of the trace
//! (store, conversations with their analysis flags, keys) after each
//! growth. A snapshot is what loading a file of the same bytes gives; the
//! HTTP index (TLS and HTTP/2 included) and filter results of successive
//! snapshots are appended to by [`incremental::LiveProducts`], reading
//! again only the connections that grew, with the results of a file load;
//! so are the statistics (endpoints, conversations, protocol hierarchy).

pub mod builder;
pub mod follow;
#[cfg(feature = "live")]
pub mod iface;
pub mod incremental;
pub mod spool;
mod stats;

pub use builder::TraceBuilder;
pub use follow::{follow, Update};
pub use incremental::LiveProducts;
pub use spool::{Fed, Spool};

use crate::capture::CaptureError;
use crate::trace::Trace;
use std::path::Path;

/// Whether `path` names a stream that is read as it grows: `-` (standard
/// input) or a FIFO.
pub fn is_stream(path: &Path) -> bool {
    if path.as_os_str() == "-" {
        return true;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if let Ok(meta) = std::fs::metadata(path) {
            return meta.file_type().is_fifo();
        }
    }
    false
}

/// Reads the stream `path` (see [`is_stream`]) as it arrives: `publish` gets
/// a snapshot after each growth (returning `false` stops reading); returns
/// the trace of all of it.
pub fn read_stream(
    path: &Path,
    publish: impl FnMut(Update) -> bool,
) -> Result<Trace, CaptureError> {
    let name = path.display().to_string();
    let io = |source| CaptureError::Io {
        path: path.to_path_buf(),
        source,
    };
    let (spool, writer) = Spool::temporary().map_err(io)?;
    let input: Box<dyn std::io::Read + Send> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(path).map_err(io)?)
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let feeder_name = name.clone();
    // The feeder blocks in reads; it ends with its input (or the process).
    std::thread::spawn(move || spool::feed(input, writer, &feeder_name, &tx));
    follow(&name, &spool, &rx, publish)
}

/// The counters of an interface capture, as tshark and tcpdump report them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaptureStats {
    /// Packets the capture received.
    pub received: u64,
    /// Packets dropped by the kernel (no room in the buffer).
    pub dropped_kernel: u64,
    /// Packets dropped by the network interface or its driver.
    pub dropped_interface: u64,
}

impl std::fmt::Display for CaptureStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} received, {} dropped by kernel, {} dropped by interface",
            self.received, self.dropped_kernel, self.dropped_interface
        )
    }
}
