//! The headless commands (`wirelens list | flows | follow | ladder | http |
//! export | journey | stats`): argument definitions and one module per command, each a thin
//! layer that prints what the library computes.

pub mod capture;
pub mod export;
pub mod fields_out;
pub mod flows;
pub mod follow;
pub mod http;
pub mod journey;
pub mod json;
pub mod ladder;
pub mod list;
pub mod list_tree;
pub mod save;
pub mod stats;

use crate::session::Session;
use crate::trace::Trace;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};

/// wirelens: see what really happened on the wire, in the terminal.
#[derive(Debug, Parser)]
#[command(name = "wirelens", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Capture to open in the interactive view (pcap, pcapng, .gz, or - for
    /// standard input). Without one, the bundled textbook-visit sample opens.
    pub file: Option<PathBuf>,
    /// A TLS key log (NSS format, as SSLKEYLOGFILE writes it) to decrypt TLS
    /// with; repeatable. tshark's spelling `-o tls.keylog_file:FILE` works too.
    /// Keys in a pcapng's Decryption Secrets Blocks are used without it.
    #[arg(long, global = true, value_name = "FILE")]
    pub keylog: Vec<PathBuf>,
    #[command(flatten)]
    pub capture: capture::CaptureArgs,
}

/// The key logs of `--keylog`, read once by `main` ([`set_keys`]) and given
/// to every capture [`open_session`] opens.
static KEYS: std::sync::OnceLock<crate::tls::KeyLog> = std::sync::OnceLock::new();

/// Reads the `--keylog` files, printing a warning for each malformed line.
pub fn read_key_logs(paths: &[PathBuf]) -> anyhow::Result<crate::tls::KeyLog> {
    let mut keys = crate::tls::KeyLog::new();
    for p in paths {
        let text = std::fs::read(p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
        for w in keys.add_text(&String::from_utf8_lossy(&text)) {
            eprintln!("wirelens: warning: {}: {w}", p.display());
        }
    }
    Ok(keys)
}

/// Sets the keys every capture opened by [`open_session`] gets (once per process).
pub fn set_keys(keys: crate::tls::KeyLog) {
    let _ = KEYS.set(keys);
}

/// tshark's `-o tls.keylog_file:FILE` (also `-otls.keylog_file:FILE`)
/// rewritten as `--keylog FILE`; every other argument is kept as it is (so
/// `export -o DIR` still names the output directory).
pub fn tshark_spellings(
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Vec<std::ffi::OsString> {
    const PREF: &str = "tls.keylog_file:";
    let mut out: Vec<std::ffi::OsString> = Vec::new();
    let mut args = args.into_iter().peekable();
    while let Some(a) = args.next() {
        let text = a.to_str().map(str::to_owned);
        let file = match text.as_deref() {
            Some("-o") => match args.peek().and_then(|n| n.to_str()) {
                Some(n) if n.starts_with(PREF) => {
                    let f = n[PREF.len()..].to_owned();
                    args.next();
                    Some(f)
                }
                _ => None,
            },
            Some(t) if t.starts_with("-o") && t[2..].starts_with(PREF) => {
                Some(t[2 + PREF.len()..].to_owned())
            }
            _ => None,
        };
        match file {
            Some(f) => {
                out.push("--keylog".into());
                out.push(f.into());
            }
            None => out.push(a),
        }
    }
    out
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// One line per packet (No., Time, Source, Destination, Protocol, Length,
    /// Info), or tab-separated field values with -e.
    List(list::ListArgs),
    /// One row per conversation: endpoints, packets and bytes each way, start,
    /// duration, handshake RTT and how it ended.
    Flows(flows::FlowsArgs),
    /// The bytes of one TCP stream, both directions in order of delivery.
    Follow(follow::FollowArgs),
    /// The ladder (sequence) diagram of one TCP stream.
    Ladder(ladder::LadderArgs),
    /// One row per HTTP transaction: frames, method, host, URI, status,
    /// content type and length, encodings, body sizes and timings.
    Http(http::HttpArgs),
    /// Write HTTP bodies (decoded) into a directory.
    Export(export::ExportArgs),
    /// Each HTTP request as one timeline: dns, connect, tls, request, wait,
    /// receive and close, with times, frames and a bar per phase.
    Journey(journey::JourneyArgs),
    /// Statistics as tshark -z prints them: io,phs, endpoints,TYPE,
    /// io,stat,INTERVAL[,SERIES...], http,tree, http_req,tree, dns,tree, and
    /// the TCP stream graphs' series (tcp-graph,STREAM).
    Stats(stats::StatsArgs),
}

/// What a command ends with, for the process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// Output was produced, but the capture is damaged (exit status 2).
    Damaged,
}

/// Opens a capture, turning a failure into a one-line error naming the file;
/// the `--keylog` keys ([`set_keys`]) join the capture's own.
pub fn open_session(path: &Path) -> anyhow::Result<Session> {
    let trace = Trace::open(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(with_keys(trace))
}

/// A session of `trace` with the `--keylog` keys ([`set_keys`]) joined to
/// the capture's own.
pub fn with_keys(mut trace: Trace) -> Session {
    if let Some(keys) = KEYS.get().filter(|k| !k.is_empty()) {
        trace.keys.merge(keys.clone());
    }
    Session::from(trace)
}

/// Reports damage found while loading, and each bound reached (once), after
/// the command's output.
pub fn report_damage(path: &Path, trace: &Trace) -> Outcome {
    if let Some(w) = &trace.warning {
        eprintln!("wirelens: warning: {}: {w}", path.display());
    }
    for hit in trace.limits.hits() {
        eprintln!("wirelens: warning: {}: {hit}", path.display());
    }
    if let Some(e) = &trace.error {
        eprintln!("wirelens: {}: {e}", path.display());
        return Outcome::Damaged;
    }
    Outcome::Ok
}

/// Writes to stdout, treating a closed pipe (`| head`) as a normal end.
pub fn finish_output(result: std::io::Result<()>) -> anyhow::Result<()> {
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Standard output, buffered.
pub fn stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock())
}

/// Flushes a writer, for `finish_output`.
pub fn flush(mut w: impl Write) -> std::io::Result<()> {
    w.flush()
}

/// Compiles a `-Y` display filter, with the error (caret and all) as the message.
pub fn compile_filter(text: Option<&str>) -> anyhow::Result<Option<crate::filter::Filter>> {
    text.map(crate::filter::Filter::compile)
        .transpose()
        .map_err(|e| anyhow::anyhow!("invalid display filter:\n{e}"))
}

/// Per conversation, the packets (0-based, ascending) that `filter` selects;
/// `None` when there is no filter (everything is kept).
pub fn matching_by_conversation(
    session: &Session,
    filter: Option<&crate::filter::Filter>,
) -> Option<std::collections::HashMap<u32, Vec<u32>>> {
    let filter = filter?;
    let trace = session.trace();
    let http = filter.needs_http().then(|| session.http());
    let mut map: std::collections::HashMap<u32, Vec<u32>> = std::collections::HashMap::new();
    for index in filter.select(trace, http) {
        if let Some(e) = trace.store.entry(index) {
            if e.conversation != crate::store::NONE {
                map.entry(e.conversation).or_default().push(index as u32);
            }
        }
    }
    Some(map)
}

/// The conversation with `tcp.stream == n`, or an error saying how many there are.
pub fn tcp_stream<'t>(
    trace: &'t Trace,
    file: &Path,
    n: u32,
) -> anyhow::Result<&'t crate::flow::Conversation> {
    trace.conversations.tcp_stream(n).ok_or_else(|| {
        anyhow::anyhow!(
            "no TCP stream {n} in {} (it has {} TCP streams)",
            file.display(),
            trace.conversations.tcp_count()
        )
    })
}
