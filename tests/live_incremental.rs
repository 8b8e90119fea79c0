//! The engine grows: every capture (the shared ones and the samples) fed to
//! a [`TraceBuilder`] record by record, each record in two steps (half of
//! it, then the rest), must give a trace whose every product equals a load
//! of the whole file: store entries, conversations with their analysis
//! flags, the damage, the HTTP transactions, the TLS connections, the
//! HTTP/2 connections, display filter results, statistics (protocol
//! hierarchy, endpoints and conversations of every layer, HTTP and DNS
//! trees), the packet list rows and how each connection ended. Snapshots taken on the way equal loads of the
//! same prefix of the file.
//!
//! The HTTP index and the filters of the snapshots come from one
//! [`LiveProducts`], which each snapshot appends to (only the connections
//! that grew are read again, only their packets and the new ones filtered
//! again), and so do the statistics (the hierarchy classifies again only
//! the frames of those connections, the tables count only new packets):
//! snapshots are taken every few records (every record for the
//! samples), so that every step of that is checked. The TLS samples get
//! their key log half-way through, as a Decryption Secrets Block would
//! bring it: the connections read before without keys must be read again.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use wirelens::capture::{Capture, CaptureBytes};
use wirelens::columns;
use wirelens::fields::PacketView;
use wirelens::filter::Filter;
use wirelens::live::{LiveProducts, TraceBuilder};
use wirelens::session::Session;
use wirelens::stats::endpoints::Kind;
use wirelens::stats::{self, Selection};
use wirelens::trace::Trace;

/// Filters whose results are compared: HTTP, TLS and HTTP/2 fields (read
/// from the index), conversation state and per-packet fields.
const FILTERS: [&str; 9] = [
    "http",
    "http.request.method == \"GET\" || http.response.code == 200",
    "tls.handshake.type == 1 || tls.record.content_type == 23",
    "http2.type == 1",
    "tcp.analysis.retransmission || tcp.analysis.duplicate_ack",
    "tcp.completeness == 31",
    "dns",
    "frame.len > 100 && tcp",
    "tcp.stream == 1 || udp.stream == 0",
];

/// The layers of the endpoint and conversation tables.
const KINDS: [Kind; 5] = [Kind::Eth, Kind::Ip, Kind::Ipv6, Kind::Tcp, Kind::Udp];

/// Every product of a session, as text to compare.
fn products(session: &Session) -> Vec<String> {
    let trace = session.trace();
    let http = session.http();
    let mut h2: Vec<_> = http.http2.iter().collect();
    h2.sort_by_key(|(c, _)| **c);
    let go = AtomicBool::new(false);
    let mut out = vec![
        format!("{:?}", trace.store.entries()),
        format!("{:?}", trace.store.interfaces()),
        format!("{:?}", trace.store.first_timestamp()),
        format!("{:?}", trace.conversations),
        format!(
            "{:?} {:?}",
            trace.warning,
            trace.error.as_ref().map(|e| e.to_string())
        ),
        format!("{:?}", http.transactions),
        format!("{:?}", http.tls.connections),
        format!("{h2:?}"),
        format!("{:?}", http.limits),
        format!("{:?}", session.endings()),
        format!("{:?}", trace.limits.hits()),
        // A snapshot's statistics are kept by its LiveProducts; a whole
        // load's are computed at once.
        format!("{:?}", session.hierarchy()),
        format!("{:?}", session.io_graph(200)),
        format!("{:?}", session.io_graph(7)),
        format!(
            "{:?}",
            stats::http::packet_counter(trace, http, &Selection::All)
        ),
        format!("{:?}", stats::http::requests(trace, http, &Selection::All)),
        format!("{:?}", session.dns_tree()),
    ];
    for text in FILTERS {
        let filter = Filter::compile(text).expect("filter compiles");
        out.push(format!("{text}: {:?}", session.select(&filter, &go)));
    }
    for kind in KINDS {
        out.push(format!("{:?}", session.endpoints(kind)));
        out.push(format!("{:?}", session.layer_conversations(kind)));
    }
    for index in 0..trace.store.len() {
        out.push(format!(
            "{:?}",
            columns::row(&PacketView::with_http(trace, Some(http), index))
        ));
    }
    out
}

fn load(bytes: &[u8], keys: Option<&str>) -> Session {
    let capture =
        Capture::from_bytes(CaptureBytes::Owned(bytes.to_vec()), "t".into()).expect("capture");
    let mut trace = Trace::load(capture, |_| true).expect("load");
    if let Some(k) = keys {
        trace.add_key_log(k);
    }
    Session::from(trace)
}

/// The session of a snapshot, its products appended to `live`.
fn live(mut trace: Trace, keys: Option<&str>, live: &Arc<LiveProducts>) -> Session {
    if let Some(k) = keys {
        trace.add_key_log(k);
    }
    Session::from(trace).with_live(Arc::clone(live))
}

/// The products a snapshot's filters and index are appended to, worked
/// out as the TUI and `list -` ask for them.
fn touch(session: &Session) {
    let go = AtomicBool::new(false);
    let _ = session.http();
    for text in FILTERS {
        let filter = Filter::compile(text).expect("filter compiles");
        let _ = session.select(&filter, &go);
    }
    let _ = session.hierarchy();
    let _ = session.io_graph(200);
    let _ = session.dns_tree();
    for kind in KINDS {
        let _ = session.endpoints(kind);
        let _ = session.layer_conversations(kind);
    }
}

fn assert_same(name: &str, what: &str, got: Vec<String>, want: Vec<String>) {
    assert_eq!(got.len(), want.len(), "{name} {what}: number of products");
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "{name} {what}: product {i} differs");
    }
}

/// Snapshots per capture at most (every record for small ones): each
/// works out the index and the filters of what grew.
const SNAPSHOTS: usize = 40;

fn check(path: &Path) {
    let name = path.display().to_string();
    let data = std::fs::read(path).expect("read capture");
    let keys = std::fs::read_to_string(path.with_extension("keys")).ok();
    let capture =
        Capture::from_bytes(CaptureBytes::Owned(data.clone()), name.clone()).expect("capture");
    // Gzip captures are compared on their decompressed bytes (the spool holds those).
    let data = capture.bytes().to_vec();
    // Where each record ends, from a reader of the whole file.
    let mut ends = Vec::new();
    let mut reader = capture.records().expect("records");
    while let Some(Ok(_)) = reader.next() {
        ends.push(reader.position() as usize);
    }
    let mut builder = TraceBuilder::new("t");
    let shared = Arc::new(LiveProducts::new());
    let mut prev = 0;
    let checkpoints = [ends.len() / 3, 2 * ends.len() / 3];
    let every = ends.len().div_ceil(SNAPSHOTS).max(1);
    for (i, &end) in ends.iter().enumerate() {
        builder.extend(&data[..(prev + end) / 2]).expect("extend");
        builder.extend(&data[..end]).expect("extend");
        assert_eq!(builder.len(), i + 1, "{name}: record {} read once", i + 1);
        // The key log arrives half-way.
        let keys_now = keys.as_deref().filter(|_| i >= ends.len() / 2);
        if checkpoints.contains(&i) && i > 0 {
            let snap = builder
                .snapshot(CaptureBytes::Owned(data[..end].to_vec()))
                .expect("snapshot");
            assert_same(
                &name,
                &format!("snapshot at record {}", i + 1),
                products(&live(snap, keys_now, &shared)),
                products(&load(&data[..end], keys_now)),
            );
        } else if i % every == 0 {
            let snap = builder
                .snapshot(CaptureBytes::Owned(data[..end].to_vec()))
                .expect("snapshot");
            touch(&live(snap, keys_now, &shared));
        }
        prev = end;
    }
    let whole = builder
        .finish(CaptureBytes::Owned(data.clone()))
        .expect("finish");
    assert_same(
        &name,
        "the end",
        products(&live(whole, keys.as_deref(), &shared)),
        products(&load(&data, keys.as_deref())),
    );
}

fn captures(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.to_string_lossy();
            n.ends_with(".pcap") || n.ends_with(".pcapng") || n.ends_with(".gz")
        })
        .collect();
    found.sort();
    found
}

#[test]
fn the_samples_fed_record_by_record_equal_whole_file_loads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures");
    let all = captures(&dir);
    assert!(all.len() >= 10, "the samples are there");
    for path in all {
        check(&path);
    }
}

#[test]
fn the_shared_captures_fed_record_by_record_equal_whole_file_loads() {
    let Some(dir) = common::shared_captures() else {
        return;
    };
    let all = captures(&dir);
    assert!(!all.is_empty(), "shared captures are there");
    for path in all {
        check(&path);
    }
}
