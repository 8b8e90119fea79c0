//! Fuzz target: any bytes as a capture file. Loading, every field and column
//! of every packet, following every TCP stream and parsing HTTP must never
//! panic. Run with `cargo fuzz run load_capture` from this folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::capture::{Capture, CaptureBytes};
use wirelens::fields::{PacketView, FIELDS};
use wirelens::trace::Trace;

fuzz_target!(|data: &[u8]| {
    let Ok(capture) = Capture::from_bytes(CaptureBytes::Owned(data.to_vec()), "fuzz".into()) else {
        return;
    };
    let Ok(trace) = Trace::load(capture, |_| true) else {
        return;
    };
    let mut values = Vec::new();
    for i in 0..trace.store.len() {
        let view = PacketView::new(&trace, i);
        let _ = wirelens::columns::row(&view);
        for f in FIELDS {
            values.clear();
            view.values(f.id, &mut values);
        }
    }
    for conv in trace.conversations.all() {
        let _ = wirelens::flow::follow::follow(&trace, conv);
        let _ = wirelens::flow::ladder::ladder(&trace, conv, false);
    }
    let _ = trace.http().transactions.len();
});
