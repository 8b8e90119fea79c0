//! Fuzz target: any bytes as a capture file. Loading, every field and column
//! of every packet, the dissection tree, following every TCP stream, its
//! ladder and life, and parsing and decoding HTTP must never panic. Run with
//! `cargo fuzz run load_capture` from this folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::fields::FIELDS;

fuzz_target!(|data: &[u8]| {
    let Some(trace) = wirelens_fuzz::session(data.to_vec()) else {
        return;
    };
    let mut values = Vec::new();
    for i in 0..trace.store.len() {
        let view = trace.packet_with_http(i);
        let _ = wirelens::columns::row(&view);
        let _ = wirelens::dissect::lines(&view);
        for f in FIELDS {
            values.clear();
            view.values(f.id, &mut values);
        }
    }
    for conv in trace.conversations.all() {
        let _ = wirelens::flow::follow::follow(&trace.store, conv);
        let _ = wirelens::flow::ladder::ladder(&trace.store, &trace.conversations, conv, false);
        let _ = wirelens::flow::life::life(&trace.store, conv);
    }
    for t in &trace.http().transactions {
        for m in [t.request.as_ref(), t.response.as_ref()].into_iter().flatten() {
            if let Some(head) = m.head(&trace.store) {
                let raw = trace.http().body_bytes(&trace.store, &trace.conversations, m);
                let _ = m.decode_body(&head, &raw, 1 << 20);
            }
        }
    }
});
