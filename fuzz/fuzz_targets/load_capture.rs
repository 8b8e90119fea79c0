//! Fuzz target: any bytes as a capture file. Loading, every field and column
//! of every packet, the dissection tree, following every TCP stream, its
//! ladder and life, and parsing and decoding HTTP must never panic; the
//! one-pass lives of all connections (`flows`' Ended column, read from the
//! conversations' closing segments) must equal each connection's own walk
//! (which decodes its packets). Run with
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
    }
    let lives = wirelens::flow::life::lives(&trace.store, &trace.conversations);
    assert_eq!(lives.len(), trace.conversations.all().len());
    for (conv, one_pass) in trace.conversations.all().iter().zip(&lives) {
        assert_eq!(&wirelens::flow::life::life(&trace.store, conv), one_pass);
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
