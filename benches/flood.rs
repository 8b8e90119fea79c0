//! SYN-flood benchmark: a capture of N one-packet TCP flows (default
//! 2,000,000, each from its own address and port; the hostile generator's
//! `syn_flood`) is built in memory and loaded. Prints the load time, flows
//! per second, the conversation table's heap bytes per flow and the peak
//! resident memory, and checks that the first `MAX_CONVERSATIONS` flows got
//! their own stream and that the bound, when the flood passes it, is
//! reported at the first flow beyond it.
//!
//! ```text
//! cargo bench --bench flood
//! WIRELENS_FLOOD_FLOWS=4000000 cargo bench --bench flood
//! ```

#[allow(dead_code)]
mod support;

#[path = "../examples/hostile/captures.rs"]
mod hostile;

use std::time::Instant;
use wirelens::capture::{Capture, CaptureBytes};
use wirelens::trace::Trace;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let flows: u32 = std::env::var("WIRELENS_FLOOD_FLOWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000_000);
    let bytes = hostile::syn_flood(flows);
    let size = bytes.len() as u64;
    let rss_before = support::peak_rss_kib();
    let t = Instant::now();
    let capture = Capture::from_bytes(CaptureBytes::Owned(bytes), "flood".into()).expect("pcap");
    let trace = Trace::load(capture, |_| true).expect("load");
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(trace.store.len(), flows as usize);
    let max = wirelens::limits::MAX_CONVERSATIONS;
    let kept = u64::from(flows).min(max);
    assert_eq!(trace.conversations.tcp_count() as u64, kept);
    let hits: Vec<String> = trace.limits.hits().iter().map(|h| h.to_string()).collect();
    if u64::from(flows) > max {
        assert_eq!(
            hits,
            [format!(
                "limit reached: MAX_CONVERSATIONS ({max}) at packet {}",
                max + 1
            )]
        );
    } else {
        assert!(hits.is_empty(), "{hits:?}");
    }
    let table = trace.conversations.heap_bytes();
    support::report("SYN flood load", secs, size, flows as usize, "");
    println!(
        "  {flows} flows in {secs:.2} s ({:.0} flows/s), {kept} with a stream; conversation table {:.1} MiB ({} bytes per flow); peak RSS {} MiB (capture in memory: {} MiB, before loading: {} MiB)",
        f64::from(flows) / secs,
        table as f64 / f64::from(1 << 20),
        table / kept.max(1) as usize,
        support::peak_rss_kib() / 1024,
        size >> 20,
        rss_before / 1024,
    );
}
