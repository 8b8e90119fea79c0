//! The cost of one snapshot of a growing capture, at the start and at the
//! end of a long feed: it must stay flat, not grow with the capture.
//!
//! The generated HTTP capture (examples/gencap, `WIRELENS_BENCH_SNAPSHOT_SIZE`,
//! default 64 MiB) is written into a spool, as a pipe's bytes are, and
//! walked by a `TraceBuilder` a slice of records at a time (the records of
//! 300 ms at `WIRELENS_BENCH_SNAPSHOT_RATE` packets/s, default 2,000). After
//! each slice a snapshot is taken and its products worked out as the TUI
//! asks for them: the HTTP index (TLS and HTTP/2 included) and the display
//! filters `http` and `tcp.port == 80`, appended to one `LiveProducts`.
//! Printed: the mean cost of each part over the first and the last tenth
//! of the snapshots, and, for comparison, the same products computed again
//! from the whole last snapshot (what every snapshot cost before).
//!
//! ```text
//! cargo bench --bench live_snapshot
//! ```
//!
//! Measured 2026-12-01 (32 MiB, 36,354 packets, 61 snapshots of 600
//! records, load ~12 on 2 cores): a snapshot cost 10.2 ms at 3,600
//! packets (HTTP index 9.6, filters 0.7) and 16.4 ms at 36,354 (11.6 and
//! 4.5); the products of the last snapshot computed again cost 88.7 ms
//! (52.8 and 35.9).
//!
//! Measured again 2026-12-01 (same capture, load 10-12 on 2 cores, so the
//! two runs differ by the machine as much as by the code: the products
//! computed again from the whole last snapshot took 114.7 ms in the first
//! and 159.5 ms in the second). Before filters that read only the packet
//! itself (`tcp.port == 80`) skipped the conversations that grew: 8.8 ms
//! at 3,600 packets (HTTP index 8.1, filters 0.6), 25.4 ms at 36,354
//! (18.2 and 6.9). After: 19.3 ms at 3,600 (18.8 and 0.5), 39.7 ms at
//! 36,354 (34.5 and 4.9): filters down from 6.9 to 4.9 ms on a machine
//! 1.4-1.8x slower; the HTTP index (the parts put together again from
//! clones) is what still grows.

#[allow(dead_code)]
mod support;

use std::io::Write;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};
use wirelens::capture::Capture;
use wirelens::filter::Filter;
use wirelens::live::{LiveProducts, Spool, TraceBuilder};
use wirelens::session::Session;

/// The time of each part of one snapshot.
#[derive(Default, Clone, Copy)]
struct Cost {
    snapshot: Duration,
    http: Duration,
    filters: Duration,
}

impl Cost {
    fn total(&self) -> Duration {
        self.snapshot + self.http + self.filters
    }
}

fn mean(costs: &[(usize, Cost)]) -> (usize, Cost) {
    let n = costs.len().max(1) as u32;
    let mut sum = Cost::default();
    for (_, c) in costs {
        sum.snapshot += c.snapshot;
        sum.http += c.http;
        sum.filters += c.filters;
    }
    let packets = costs.last().map_or(0, |(p, _)| *p);
    (
        packets,
        Cost {
            snapshot: sum.snapshot / n,
            http: sum.http / n,
            filters: sum.filters / n,
        },
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let size = support::size_of(
        &std::env::var("WIRELENS_BENCH_SNAPSHOT_SIZE").unwrap_or_else(|_| "64MiB".into()),
    );
    let rate: usize = std::env::var("WIRELENS_BENCH_SNAPSHOT_RATE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let per_snapshot = (rate * 3 / 10).max(1);
    let path = support::capture_of_size(size);
    let capture = Capture::open(&path).expect("the generated capture");
    let mut ends = Vec::new();
    let mut reader = capture.records().expect("records");
    while let Some(Ok(_)) = reader.next() {
        ends.push(reader.position());
    }
    let (spool, mut writer) = Spool::temporary().expect("spool");
    writer.write_all(capture.bytes()).expect("spool write");
    let filters: Vec<Filter> = ["http", "tcp.port == 80"]
        .iter()
        .map(|f| Filter::compile(f).expect("filter"))
        .collect();
    let go = AtomicBool::new(false);
    let products = Arc::new(LiveProducts::new());
    let mut builder = TraceBuilder::new("bench");
    let mut costs: Vec<(usize, Cost)> = Vec::new();
    for chunk in ends.chunks(per_snapshot) {
        let end = *chunk.last().expect("a record");
        let bytes = spool.map(end).expect("map");
        builder.extend(bytes.as_slice()).expect("extend");
        let t = Instant::now();
        let trace = builder.snapshot(bytes).expect("snapshot");
        let snapshot = t.elapsed();
        let session = Session::from(trace).with_live(Arc::clone(&products));
        let t = Instant::now();
        let _ = session.http();
        let http = t.elapsed();
        let t = Instant::now();
        for f in &filters {
            let _ = session.select(f, &go);
        }
        let filters = t.elapsed();
        costs.push((
            builder.len(),
            Cost {
                snapshot,
                http,
                filters,
            },
        ));
    }
    let tenth = (costs.len() / 10).max(1);
    println!(
        "{} packets in {} snapshots of {per_snapshot} records ({} MiB, {})",
        ends.len(),
        costs.len(),
        size >> 20,
        path.display()
    );
    println!("                         packets  snapshot ms  http ms  filters ms  total ms");
    for (what, part) in [
        ("first tenth", &costs[..tenth]),
        ("last tenth", &costs[costs.len() - tenth..]),
    ] {
        let (packets, c) = mean(part);
        println!(
            "incremental, {what:<11} {packets:>8}  {:>11.2}  {:>7.2}  {:>10.2}  {:>8.2}",
            ms(c.snapshot),
            ms(c.http),
            ms(c.filters),
            ms(c.total())
        );
    }
    // What the last snapshot cost when its products were computed again.
    if let Some(&end) = ends.last() {
        let trace = builder
            .snapshot(spool.map(end).expect("map"))
            .expect("snapshot");
        let whole = Session::from(trace);
        let t = Instant::now();
        let _ = whole.http();
        let http = t.elapsed();
        let t = Instant::now();
        for f in &filters {
            let _ = whole.select(f, &go);
        }
        let filters = t.elapsed();
        println!(
            "whole again, last        {:>8}  {:>11}  {:>7.2}  {:>10.2}",
            whole.store.len(),
            "",
            ms(http),
            ms(filters)
        );
    }
}
