//! Fuzz target: any bytes as a capture file; the details tree of every
//! packet, its `-V` text and its JSON must never panic, and every node's
//! bytes lie inside the packet. Run with `cargo fuzz run dissect`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::capture::{Capture, CaptureBytes};
use wirelens::dissect::{self, Context};
use wirelens::fields::PacketView;
use wirelens::trace::Trace;

fuzz_target!(|data: &[u8]| {
    let Ok(capture) = Capture::from_bytes(CaptureBytes::Owned(data.to_vec()), "fuzz".into()) else {
        return;
    };
    let Ok(trace) = Trace::load(capture, |_| true) else {
        return;
    };
    let mut text = String::new();
    for i in 0..trace.store.len() {
        let view = PacketView::new(&trace, i);
        let tree = dissect::tree(&view, Context::default());
        for (_, n) in tree.walk() {
            assert!(n.bytes.end <= view.decoded.data.len());
        }
        text.clear();
        dissect::write_verbose(&tree, &mut text);
        dissect::write_json(&tree, "1970-01-01", &mut text);
    }
});
