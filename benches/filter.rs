//! Display-filter benchmark on the generated capture (see `support`): runs
//! summary-only filters (answered from the store and conversations without
//! decoding) and deep ones (HTTP fields, `contains` on bytes) over every
//! packet and prints packets/s and the time per million packets.
//!
//! ```text
//! cargo bench --bench filter
//! ```

#[allow(dead_code)]
mod support;

use std::time::Instant;
use wirelens::capture::Capture;
use wirelens::filter::Filter;
use wirelens::session::Session;
use wirelens::trace::Trace;

const SUMMARY: &[&str] = &[
    "tcp.port == 80 && tcp.flags.syn == 1",
    "ip.addr == 10.1.0.0/16 or ipv6",
    "tcp.stream == 42",
    "tcp.analysis.retransmission || tcp.analysis.duplicate_ack",
    "frame.len > 1000 and not udp",
];
const DEEP: &[&str] = &[
    "http.request.method == \"GET\"",
    "frame contains \"gzip\"",
    "tcp.payload contains 48:54:54:50",
];

fn run(trace: &Session, text: &str) {
    let filter = match Filter::compile(text) {
        Ok(f) => f,
        Err(e) => {
            println!("{text}: {e}");
            return;
        }
    };
    let packets = trace.store.len();
    let t = Instant::now();
    let selected = filter
        .select(trace, filter.needs_http().then(|| trace.http()))
        .count();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{text:<58} {selected:>9} selected {:>8.1} ms  {:>12.0} packets/s  {:>7.1} ms per 1M packets",
        secs * 1e3,
        packets as f64 / secs,
        secs * 1e3 / (packets as f64 / 1e6)
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let path = support::capture_path();
    let trace =
        Session::from(Trace::load(Capture::open(&path).expect("open"), |_| true).expect("load"));
    println!(
        "capture: {} ({} packets)",
        path.display(),
        trace.store.len()
    );
    println!("summary-only filters (no decoding):");
    for f in SUMMARY {
        run(&trace, f);
    }
    let t = Instant::now();
    let _ = trace.http();
    println!(
        "deep filters (HTTP index built first, {:.2} s):",
        t.elapsed().as_secs_f64()
    );
    for f in DEEP {
        run(&trace, f);
    }
}
