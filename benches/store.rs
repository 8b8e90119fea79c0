//! Store + conversations + reassembly benchmark on a generated capture
//! (default 1 GiB, see `support`): prints MB/s, packets/s, bytes per packet
//! and peak memory; reassembles every TCP stream; shows that following one
//! stream costs time proportional to that stream; then times `tcpdump -nn -r`
//! and `tshark -r` on the same file when they are installed.
//!
//! ```text
//! cargo bench --bench store
//! WIRELENS_BENCH_SIZE=256MiB WIRELENS_BENCH_SKIP_TOOLS=1 cargo bench --bench store
//! ```

#[allow(dead_code)]
mod support;

use std::time::Instant;
use wirelens::capture::Capture;
use wirelens::flow::follow::follow;
use wirelens::flow::Protocol;
use wirelens::trace::{LoadMode, Trace};

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let path = support::capture_path();
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);

    let mut best = f64::MAX;
    let mut trace = None;
    for _ in 0..3 {
        drop(trace.take());
        let t = Instant::now();
        let capture = Capture::open(&path).expect("open bench capture");
        let loaded = Trace::load(capture, |_| true).expect("load bench capture");
        best = best.min(t.elapsed().as_secs_f64());
        assert!(
            loaded.error.is_none(),
            "generated capture must read cleanly"
        );
        trace = Some(loaded);
    }
    let Some(trace) = trace else { return };
    // Both load modes in the same run (the default picks the pipelined one
    // for captures of 4 MiB or more on two cores or more).
    for mode in [LoadMode::Sequential, LoadMode::Pipelined] {
        let t = Instant::now();
        let capture = Capture::open(&path).expect("open bench capture");
        let loaded = Trace::load_with(capture, mode, |_| true).expect("load bench capture");
        let secs = t.elapsed().as_secs_f64();
        support::report(
            &format!("load {mode:?}"),
            secs,
            bytes,
            loaded.store.len(),
            &format!("{:.2}x the best default load", secs / best),
        );
    }
    let packets = trace.store.len();
    let index = trace.store.index_bytes();
    let convs = trace.conversations.heap_bytes();
    println!(
        "capture: {} ({:.1} MB, {packets} packets, {} TCP streams, {} UDP streams)",
        path.display(),
        bytes as f64 / 1e6,
        trace.conversations.tcp_count(),
        trace.conversations.udp_count()
    );
    support::report(
        "wirelens store+flows",
        best,
        bytes,
        packets,
        &format!(
            "store {:.1} B/packet, conversations {:.1} B/packet ({:.0} B each), anonymous memory {} MiB, peak RSS {} MiB incl. the mapped file",
            index as f64 / packets.max(1) as f64,
            convs as f64 / packets.max(1) as f64,
            convs as f64 / trace.conversations.all().len().max(1) as f64,
            support::own_rss_anon_kib() / 1024,
            support::peak_rss_kib() / 1024
        ),
    );

    // Reassemble every TCP stream, as `follow` does for one.
    let t = Instant::now();
    let mut reassembled = 0u64;
    let mut sizes: Vec<(u64, f64, u32)> = Vec::new();
    for conv in trace
        .conversations
        .all()
        .iter()
        .filter(|c| c.protocol == Protocol::Tcp)
    {
        let s = Instant::now();
        let f = follow(&trace.store, conv);
        let n: u64 = f.totals.iter().map(|t| t.bytes).sum();
        sizes.push((n, s.elapsed().as_secs_f64(), conv.stream));
        reassembled += n;
    }
    let secs = t.elapsed().as_secs_f64();
    support::report(
        "wirelens reassemble all",
        secs,
        bytes,
        packets,
        &format!(
            "{:.1} MB of stream payload, anonymous memory {} MiB, peak RSS {} MiB",
            reassembled as f64 / 1e6,
            support::own_rss_anon_kib() / 1024,
            support::peak_rss_kib() / 1024
        ),
    );
    sizes.sort_by_key(|s| s.0);
    if let (Some(small), Some(big)) = (sizes.iter().find(|s| s.0 > 0), sizes.last()) {
        println!(
            "follow one stream: tcp.stream {} ({} bytes) in {:.1} µs; tcp.stream {} ({} bytes) in {:.1} µs ({:.0} MB/s): cost follows the stream, not the file",
            small.2,
            small.0,
            small.1 * 1e6,
            big.2,
            big.0,
            big.1 * 1e6,
            big.0 as f64 / 1e6 / big.1
        );
    }
    if !support::tools_enabled() {
        return;
    }
    for (tool, args) in [("tcpdump", &["-nn", "-r"][..]), ("tshark", &["-r"][..])] {
        if let Some((secs, rss)) = support::time_tool(tool, args, &path) {
            support::report(
                &format!("{tool} {}", args.join(" ")),
                secs,
                bytes,
                packets,
                &format!(
                    "peak RSS {} MiB; wirelens is {:.0}x faster",
                    rss / 1024,
                    secs / best
                ),
            );
        }
    }
}
