//! Capturing from a network interface with libpcap (the `live` feature):
//! packets are written as pcapng (with [`crate::capture::write::pcapng`])
//! into the spool (the `-w` file itself, or
//! an unlinked temporary one), optionally also into a ring of files as
//! tshark's `-b filesize:N -b files:N`, and the capture's counters are
//! reported as they change.

use super::spool::{Fed, Spool};
use super::CaptureStats;
use crate::capture::write::pcapng;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

/// The snapshot length when none is given (tcpdump's and tshark's).
pub const DEFAULT_SNAPLEN: u32 = 262_144;

/// How long libpcap waits for packets before returning (immediate mode
/// returns each packet at once).
const READ_TIMEOUT_MS: i32 = 50;

/// The nap of the capture loop when no packet is waiting. On Linux,
/// libpcap in immediate mode ignores the read timeout and blocks until a
/// packet comes, which would keep the last packets of a burst in the
/// buffer and a stop request unseen; the capture is therefore
/// non-blocking, and naps this long when the kernel buffer is empty.
const IDLE_NAP: Duration = Duration::from_millis(2);

/// The longest a written packet waits in the buffer before it reaches
/// the spool (and the screen).
const FLUSH_EVERY: Duration = Duration::from_millis(20);

/// How often the capture's counters are read.
const STATS_EVERY: Duration = Duration::from_millis(500);

/// The kernel buffer asked for (libpcap's default is 2 MiB): room for
/// bursts while the reader is busy.
const KERNEL_BUFFER: i32 = 16 << 20;

/// Why a capture could not start or go on.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("cannot capture on {interface}: permission denied (capturing needs the CAP_NET_RAW and CAP_NET_ADMIN capabilities: run as root, or `setcap cap_net_raw,cap_net_admin=eip` the binary)")]
    Permission { interface: String },
    #[error("cannot capture on {interface}: {message}")]
    Open { interface: String, message: String },
    #[error("invalid capture filter {filter:?}: {message}")]
    Filter { filter: String, message: String },
    #[error("cannot list the interfaces: {0}")]
    List(String),
    #[error("{path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("capture on {interface} failed: {message}")]
    Read { interface: String, message: String },
    #[error(transparent)]
    Capture(#[from] crate::capture::CaptureError),
    #[error("cannot handle Ctrl-C: {0}")]
    Signals(String),
}

/// Set to stop every running capture (see [`stop_and_wait`] and
/// [`stop_on_signals`]).
static STOP: std::sync::LazyLock<std::sync::Arc<AtomicBool>> =
    std::sync::LazyLock::new(|| std::sync::Arc::new(AtomicBool::new(false)));

/// The exit status of a process ended by a second interrupt (128 + SIGINT,
/// as a shell reports it).
const SECOND_SIGNAL_EXIT: i32 = 130;

/// From now on, SIGINT (Ctrl-C) and SIGTERM stop the running captures as
/// tcpdump and tshark stop theirs: what was captured is written out whole
/// and [`capture`] returns normally, so the counters can be printed. A
/// second signal while stopping ends the process at once (exit 130).
pub fn stop_on_signals() -> Result<(), LiveError> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    use signal_hook::flag;
    for signal in [SIGINT, SIGTERM] {
        // Registered first, so it sees the flag before this signal sets it.
        flag::register_conditional_shutdown(
            signal,
            SECOND_SIGNAL_EXIT,
            std::sync::Arc::clone(&STOP),
        )
        .and_then(|_| flag::register(signal, std::sync::Arc::clone(&STOP)))
        .map_err(|e| LiveError::Signals(e.to_string()))?;
    }
    Ok(())
}

/// Captures running now, for [`stop_and_wait`].
static RUNNING: std::sync::Mutex<u32> = std::sync::Mutex::new(0);
static STOPPED: std::sync::Condvar = std::sync::Condvar::new();

/// Stops the running captures and waits (at most `limit`) until they have
/// written everything they captured: called before the process exits.
pub fn stop_and_wait(limit: Duration) {
    STOP.store(true, Ordering::Relaxed);
    let Ok(running) = RUNNING.lock() else {
        return;
    };
    let _ = STOPPED.wait_timeout_while(running, limit, |n| *n > 0);
}

/// Counts a capture as running while it lives.
struct RunningGuard;

impl RunningGuard {
    fn new() -> RunningGuard {
        if let Ok(mut n) = RUNNING.lock() {
            *n += 1;
        }
        RunningGuard
    }
}

impl Drop for RunningGuard {
    fn drop(&mut self) {
        if let Ok(mut n) = RUNNING.lock() {
            *n = n.saturating_sub(1);
        }
        STOPPED.notify_all();
    }
}

/// Captures on the interface [`open`] opened, building the trace as
/// packets arrive: `publish` gets each update with the latest counters
/// (returning `false` stops the capture). Returns the trace of everything
/// captured and the final counters.
pub fn capture(
    started: Started,
    mut publish: impl FnMut(super::Update, CaptureStats) -> bool,
) -> Result<(crate::trace::Trace, CaptureStats), LiveError> {
    let options = started.options.clone();
    let (spool, writer) = spool_for(&options)?;
    let (tx, rx) = std::sync::mpsc::channel();
    let latest = std::sync::Arc::new(std::sync::Mutex::new(CaptureStats::default()));
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let thread = {
        let latest = std::sync::Arc::clone(&latest);
        let stop = std::sync::Arc::clone(&stop);
        let guard = RunningGuard::new();
        std::thread::spawn(move || {
            let _guard = guard;
            let flag = StopFlags(&stop);
            let result = started.run(writer, &tx, &flag, |s| {
                if let Ok(mut l) = latest.lock() {
                    *l = s;
                }
            });
            let _ = tx.send(Fed::Ended(Ok(())));
            result
        })
    };
    let stats =
        |latest: &std::sync::Mutex<CaptureStats>| latest.lock().map(|s| *s).unwrap_or_default();
    let name = options.interface.clone();
    let trace = super::follow(&name, &spool, &rx, |update| publish(update, stats(&latest)));
    stop.store(true, Ordering::Relaxed);
    let ran = thread
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e));
    let trace = trace?;
    Ok((trace, ran?))
}

/// A capture stops on its own flag or on [`stop_and_wait`].
struct StopFlags<'a>(&'a AtomicBool);

impl StopFlags<'_> {
    fn stopped(&self) -> bool {
        self.0.load(Ordering::Relaxed) || STOP.load(Ordering::Relaxed)
    }
}

/// tshark's ring buffer: a new file after `filesize_kb` kB (1000 bytes),
/// keeping the last `files` (0: all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ring {
    pub filesize_kb: u64,
    pub files: u32,
}

impl Ring {
    /// Adds one `-b KEY:VALUE` option (`filesize:N`, `files:N`).
    pub fn add(&mut self, option: &str) -> Result<(), String> {
        let (key, value) = option
            .split_once(':')
            .ok_or_else(|| format!("ring buffer option {option:?} is not KEY:VALUE"))?;
        let n: u64 = value
            .parse()
            .map_err(|_| format!("ring buffer option {option:?}: {value:?} is not a number"))?;
        match key {
            "filesize" if n > 0 => self.filesize_kb = n,
            "files" => self.files = u32::try_from(n).unwrap_or(u32::MAX),
            _ => {
                return Err(format!(
                    "ring buffer option {option:?}: wirelens knows filesize:N (kB) and files:N"
                ))
            }
        }
        Ok(())
    }
}

/// What to capture.
#[derive(Debug, Clone, Default)]
pub struct CaptureOptions {
    pub interface: String,
    /// A capture filter (BPF, as tcpdump's).
    pub filter: Option<String>,
    pub snaplen: Option<u32>,
    /// Where to keep what was captured (pcapng).
    pub write: Option<PathBuf>,
    pub ring: Option<Ring>,
    /// Stop after this many packets.
    pub count: Option<u64>,
    /// Stop after this long.
    pub duration: Option<Duration>,
}

/// The interfaces libpcap can capture on: (name, description).
pub fn interfaces() -> Result<Vec<(String, Option<String>)>, LiveError> {
    let list = pcap::Device::list().map_err(|e| LiveError::List(e.to_string()))?;
    Ok(list.into_iter().map(|d| (d.name, d.desc)).collect())
}

/// An interface opened for capture, its filter set: packets flow once
/// [`capture`] runs it.
pub struct Started {
    capture: pcap::Capture<pcap::Active>,
    options: CaptureOptions,
    snaplen: u32,
    link_type: u16,
}

/// Opens the interface and compiles the filter, so that a missing
/// permission or a bad filter is reported before anything else starts.
pub fn open(options: &CaptureOptions) -> Result<Started, LiveError> {
    let interface = options.interface.clone();
    let snaplen = options.snaplen.unwrap_or(DEFAULT_SNAPLEN);
    let snaplen = if snaplen == 0 {
        DEFAULT_SNAPLEN
    } else {
        snaplen
    };
    let open_error = |e: pcap::Error| {
        let message = e.to_string();
        let lower = message.to_ascii_lowercase();
        if lower.contains("permission") || lower.contains("not permitted") {
            LiveError::Permission {
                interface: interface.clone(),
            }
        } else {
            LiveError::Open {
                interface: interface.clone(),
                message,
            }
        }
    };
    let mut capture = pcap::Capture::from_device(interface.as_str())
        .map_err(open_error)?
        .promisc(true)
        .snaplen(i32::try_from(snaplen).unwrap_or(i32::MAX))
        .immediate_mode(true)
        .timeout(READ_TIMEOUT_MS)
        .buffer_size(KERNEL_BUFFER)
        .precision(pcap::Precision::Nano)
        .open()
        .and_then(|c| c.setnonblock())
        .map_err(open_error)?;
    if let Some(filter) = &options.filter {
        capture
            .filter(filter, true)
            .map_err(|e| LiveError::Filter {
                filter: filter.clone(),
                message: e.to_string(),
            })?;
    }
    let link_type = capture.get_datalink().0 as u16;
    Ok(Started {
        capture,
        options: options.clone(),
        snaplen,
        link_type,
    })
}

/// The spool of a capture: the `-w` file when there is no ring buffer
/// (the bytes live there and the store indexes it), else a temporary one.
pub fn spool_for(options: &CaptureOptions) -> Result<(Spool, File), LiveError> {
    match (&options.write, options.ring) {
        (Some(path), None) if path.as_os_str() != "-" => {
            let write = |source| LiveError::Write {
                path: path.clone(),
                source,
            };
            let file = File::create(path).map_err(write)?;
            let reader = File::open(path).map_err(write)?;
            Ok((Spool::new(reader), file))
        }
        _ => Spool::temporary().map_err(|source| LiveError::Write {
            path: std::env::temp_dir(),
            source,
        }),
    }
}

impl Started {
    /// The interface's name.
    pub fn interface(&self) -> &str {
        &self.options.interface
    }

    /// Captures until `stop` is set, the count or duration is reached, or
    /// the interface fails: packets go to `spool_file` (reported on `tx`),
    /// to the ring files and to standard output for `-w -`; `on_stats` gets
    /// the counters every half second and at the end. Returns the last
    /// counters.
    fn run(
        mut self,
        spool_file: File,
        tx: &Sender<Fed>,
        stop: &StopFlags<'_>,
        mut on_stats: impl FnMut(CaptureStats),
    ) -> Result<CaptureStats, LiveError> {
        let interface = self.options.interface.clone();
        let header = pcapng::file_header(self.link_type, self.snaplen, Some(&interface), true);
        let mut sinks = Sinks::new(&self.options, spool_file, header)?;
        tx.send(Fed::Grew(sinks.spooled)).ok();
        let started = Instant::now();
        let mut last_flush = Instant::now();
        let mut last_stats = Instant::now();
        let mut count: u64 = 0;
        let mut block = Vec::with_capacity(64 << 10);
        let mut stats = CaptureStats::default();
        let result = loop {
            if stop.stopped()
                || self.options.count.is_some_and(|c| count >= c)
                || self
                    .options
                    .duration
                    .is_some_and(|d| started.elapsed() >= d)
            {
                break Ok(());
            }
            match self.capture.next_packet() {
                Ok(p) => {
                    let ts = &p.header.ts;
                    let ns = (ts.tv_sec as i128 * 1_000_000_000 + ts.tv_usec as i128)
                        .clamp(0, u64::MAX as i128) as u64;
                    pcapng::enhanced_packet(&mut block, ns, p.data, p.header.len);
                    count += 1;
                }
                Err(pcap::Error::TimeoutExpired) => {
                    // Nothing waiting: what was read goes out now.
                    if !block.is_empty() {
                        sinks.write(&block)?;
                        block.clear();
                        if tx.send(Fed::Grew(sinks.spooled)).is_err() {
                            break Ok(());
                        }
                    }
                    std::thread::sleep(IDLE_NAP);
                }
                Err(pcap::Error::NoMorePackets) => break Ok(()),
                Err(e) => {
                    break Err(LiveError::Read {
                        interface: interface.clone(),
                        message: e.to_string(),
                    })
                }
            }
            if !block.is_empty() && (last_flush.elapsed() >= FLUSH_EVERY || block.len() >= 60 << 10)
            {
                sinks.write(&block)?;
                block.clear();
                last_flush = Instant::now();
                if tx.send(Fed::Grew(sinks.spooled)).is_err() {
                    break Ok(());
                }
            } else if block.is_empty() {
                last_flush = Instant::now();
            }
            if last_stats.elapsed() >= STATS_EVERY {
                stats = self.stats().unwrap_or(stats);
                on_stats(stats);
                last_stats = Instant::now();
            }
        };
        if !block.is_empty() {
            sinks.write(&block)?;
            tx.send(Fed::Grew(sinks.spooled)).ok();
        }
        sinks.finish()?;
        stats = self.stats().unwrap_or(stats);
        on_stats(stats);
        result.map(|()| stats)
    }

    fn stats(&mut self) -> Option<CaptureStats> {
        let s = self.capture.stats().ok()?;
        Some(CaptureStats {
            received: u64::from(s.received),
            dropped_kernel: u64::from(s.dropped),
            dropped_interface: u64::from(s.if_dropped),
        })
    }
}

/// Where captured blocks go: the spool, and the ring files or standard
/// output for `-w`.
struct Sinks {
    spool: File,
    spooled: u64,
    header: Vec<u8>,
    ring: Option<RingFiles>,
    stdout: Option<std::io::Stdout>,
}

impl Sinks {
    fn new(options: &CaptureOptions, spool: File, header: Vec<u8>) -> Result<Sinks, LiveError> {
        let ring = match (&options.write, options.ring) {
            (Some(path), Some(ring)) => Some(RingFiles::new(path, ring)?),
            _ => None,
        };
        let stdout = options
            .write
            .as_ref()
            .filter(|p| p.as_os_str() == "-")
            .map(|_| std::io::stdout());
        let mut sinks = Sinks {
            spool,
            spooled: 0,
            header,
            ring: None,
            stdout,
        };
        // The ring's files get the header as each one opens.
        let header = sinks.header.clone();
        sinks.write(&header)?;
        sinks.ring = ring;
        Ok(sinks)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), LiveError> {
        self.spool
            .write_all(bytes)
            .map_err(|source| LiveError::Write {
                path: "(spool)".into(),
                source,
            })?;
        self.spooled += bytes.len() as u64;
        if let Some(out) = &mut self.stdout {
            // A closed pipe ends what is written there, not the capture.
            let mut lock = out.lock();
            if lock.write_all(bytes).and_then(|()| lock.flush()).is_err() {
                self.stdout = None;
            }
        }
        if let Some(ring) = &mut self.ring {
            ring.write(bytes, &self.header)?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), LiveError> {
        if let Some(ring) = &mut self.ring {
            ring.flush()?;
        }
        Ok(())
    }
}

/// The files of a ring buffer, named as tshark names them:
/// `PREFIX_NNNNN_YYYYmmddHHMMSS.EXT`.
struct RingFiles {
    prefix: PathBuf,
    ext: String,
    ring: Ring,
    current: Option<(PathBuf, File, u64)>,
    kept: std::collections::VecDeque<PathBuf>,
    number: u64,
}

impl RingFiles {
    fn new(path: &Path, ring: Ring) -> Result<RingFiles, LiveError> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_else(|| "pcapng".into());
        let prefix = path.with_extension("");
        Ok(RingFiles {
            prefix,
            ext,
            ring,
            current: None,
            kept: std::collections::VecDeque::new(),
            number: 0,
        })
    }

    /// Writes whole packet blocks; a file that reached its size is closed
    /// first (each file starts with the section and interface blocks).
    fn write(&mut self, bytes: &[u8], header: &[u8]) -> Result<(), LiveError> {
        let full = self
            .current
            .as_ref()
            .is_some_and(|(_, _, n)| *n >= self.ring.filesize_kb.saturating_mul(1000));
        if full || self.current.is_none() {
            self.open_next(header)?;
        }
        if let Some((path, file, n)) = &mut self.current {
            file.write_all(bytes).map_err(|source| LiveError::Write {
                path: path.clone(),
                source,
            })?;
            *n += bytes.len() as u64;
        }
        Ok(())
    }

    fn open_next(&mut self, header: &[u8]) -> Result<(), LiveError> {
        self.flush()?;
        self.number += 1;
        let name = format!(
            "{}_{:05}_{}.{}",
            self.prefix.display(),
            self.number,
            timestamp_now(),
            self.ext
        );
        let path = PathBuf::from(name);
        let mut file = File::create(&path).map_err(|source| LiveError::Write {
            path: path.clone(),
            source,
        })?;
        file.write_all(header).map_err(|source| LiveError::Write {
            path: path.clone(),
            source,
        })?;
        self.kept.push_back(path.clone());
        if self.ring.files > 0 {
            while self.kept.len() > self.ring.files as usize {
                if let Some(old) = self.kept.pop_front() {
                    let _ = std::fs::remove_file(old);
                }
            }
        }
        self.current = Some((path, file, header.len() as u64));
        Ok(())
    }

    fn flush(&mut self) -> Result<(), LiveError> {
        if let Some((path, file, _)) = &mut self.current {
            file.flush().map_err(|source| LiveError::Write {
                path: path.clone(),
                source,
            })?;
        }
        Ok(())
    }
}

/// `YYYYmmddHHMMSS` in UTC, as tshark's ring file names (tshark uses local
/// time; wirelens has no time zone database).
fn timestamp_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// The calendar date of a day count since 1970-01-01 (Howard Hinnant's
/// algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_options_as_tshark_spells_them() {
        let mut r = Ring::default();
        r.add("filesize:100").expect("filesize");
        r.add("files:3").expect("files");
        assert_eq!(
            r,
            Ring {
                filesize_kb: 100,
                files: 3
            }
        );
        assert!(r.add("duration:10").is_err());
        assert!(r.add("filesize:x").is_err());
        assert!(r.add("files").is_err());
    }

    #[test]
    fn dates_of_day_counts() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn a_ring_keeps_the_last_files_each_starting_with_the_header() {
        let dir = tempfile::tempdir().expect("tempdir");
        let header = pcapng::file_header(1, 65535, Some("lo"), true);
        let mut ring = RingFiles::new(
            &dir.path().join("cap.pcapng"),
            Ring {
                filesize_kb: 1,
                files: 2,
            },
        )
        .expect("ring");
        for i in 0..10u64 {
            let mut block = Vec::new();
            pcapng::enhanced_packet(&mut block, i, &[0u8; 400], 400);
            ring.write(&block, &header).expect("write");
        }
        ring.flush().expect("flush");
        let mut files: Vec<_> = std::fs::read_dir(dir.path())
            .expect("dir")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        assert_eq!(files.len(), 2, "{files:?}");
        let mut total = 0;
        for f in &files {
            let name = f.file_name().expect("name").to_string_lossy().into_owned();
            assert!(
                name.starts_with("cap_0000") && name.ends_with(".pcapng"),
                "{name}"
            );
            let t = crate::trace::Trace::open(f).expect("each file is a capture");
            assert!(t.warning.is_none() && t.error.is_none());
            total += t.store.len();
        }
        // 10 packets of 432 bytes, a new file after 1000 bytes: 3, 3, 3, 1.
        assert_eq!(total, 4);
    }
}
