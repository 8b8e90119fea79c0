//! Fuzz target: any text as a display filter. Compiling must never panic and
//! errors must point inside the expression; a filter that compiles is then
//! evaluated on every packet of a small trace (the bundled textbook-visit
//! sample: DNS, a handshake, HTTP), which must never panic either and must
//! agree with itself (`select` and `matches`). Run with
//! `cargo fuzz run display_filter` from this folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use wirelens::trace::Trace;

static TRACE: LazyLock<Trace> = LazyLock::new(|| {
    let bytes = include_bytes!("../../sample-captures/textbook-visit.pcap").to_vec();
    wirelens_fuzz::trace(bytes).expect("the bundled sample loads")
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match wirelens::filter::Filter::compile(text) {
        Err(e) => assert!(e.column <= text.chars().count() + 1, "error column outside the expression"),
        Ok(filter) => {
            let trace = &*TRACE;
            let selected: Vec<usize> = filter.select(trace).collect();
            let matched: Vec<usize> = (0..trace.store.len()).filter(|&i| filter.matches(trace, i)).collect();
            assert_eq!(selected, matched, "select and matches disagree on {text:?}");
        }
    }
});
