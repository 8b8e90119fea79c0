//! Fuzz target: any bytes as a capture that grows. The bytes after the first
//! are fed to a `TraceBuilder` in up to eight steps (the first byte says
//! how many), each step's snapshot working out its products into one
//! `LiveProducts` as the TUI asks for them; the capture's end must then
//! give what a load of the whole bytes gives: the HTTP transactions,
//! display filter results, the protocol hierarchy, endpoints and
//! conversations of every layer, the DNS tree and the I/O graph.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use wirelens::capture::{Capture, CaptureBytes};
use wirelens::filter::Filter;
use wirelens::live::{LiveProducts, TraceBuilder};
use wirelens::session::Session;
use wirelens::stats::endpoints::Kind;
use wirelens::trace::Trace;

const FILTERS: [&str; 4] = [
    "tcp.port == 80 || udp",
    "http || dns",
    "frame.len > 60 && tcp.stream == 0",
    "tcp.analysis.retransmission || tcp.seq > 1",
];
const KINDS: [Kind; 5] = [Kind::Eth, Kind::Ip, Kind::Ipv6, Kind::Tcp, Kind::Udp];

fn products(s: &Session) -> Vec<String> {
    let go = AtomicBool::new(false);
    let mut out = vec![
        format!("{:?}", s.http().transactions),
        format!("{:?}", s.hierarchy()),
        format!("{:?}", s.dns_tree()),
        format!("{:?}", s.io_graph(200)),
    ];
    for f in FILTERS {
        let f = Filter::compile(f).expect("filter");
        out.push(format!("{:?}", s.select(&f, &go)));
    }
    for k in KINDS {
        out.push(format!("{:?}", s.endpoints(k)));
        out.push(format!("{:?}", s.layer_conversations(k)));
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&steps, bytes)) = data.split_first() else {
        return;
    };
    let Ok(capture) = Capture::from_bytes(CaptureBytes::Owned(bytes.to_vec()), "f".into()) else {
        return;
    };
    // A gzip capture grows as its decompressed bytes (the spool holds those).
    let bytes = capture.bytes().to_vec();
    let Ok(whole) = Trace::load(capture, |_| true) else {
        return;
    };
    let whole = Session::from(whole);
    let kept = Arc::new(LiveProducts::new());
    let mut builder = TraceBuilder::new("f");
    let steps = usize::from(steps % 8) + 1;
    for k in 1..steps {
        let end = bytes.len() * k / steps;
        if builder.extend(&bytes[..end]).is_err() {
            return;
        }
        if let Some(t) = builder.snapshot(CaptureBytes::Owned(bytes[..end].to_vec())) {
            let _ = products(&Session::from(t).with_live(Arc::clone(&kept)));
        }
    }
    let Ok(last) = builder.finish(CaptureBytes::Owned(bytes)) else {
        return;
    };
    let live = Session::from(last).with_live(kept);
    let (got, want) = (products(&live), products(&whole));
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "product {i} differs");
    }
});
