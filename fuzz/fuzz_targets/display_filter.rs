//! Fuzz target: any text as a display filter. Compiling must never panic and
//! errors must point inside the expression; a filter that compiles is then
//! evaluated on every packet of a small trace (the bundled textbook-visit
//! sample: DNS, a handshake, HTTP), which must never panic either and must
//! agree with itself (`Session::select`, `matches`, `matches_lazily`). Run with
//! `cargo fuzz run display_filter` from this folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use wirelens::session::Session;

static TRACE: LazyLock<Session> = LazyLock::new(|| {
    let bytes = include_bytes!("../../sample-captures/textbook-visit.pcap").to_vec();
    wirelens_fuzz::session(bytes).expect("the bundled sample loads")
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match wirelens::filter::Filter::compile(text) {
        Err(e) => assert!(e.column <= text.chars().count() + 1, "error column outside the expression"),
        Ok(filter) => {
            let session = &*TRACE;
            let http = Some(session.http());
            let cancel = std::sync::atomic::AtomicBool::new(false);
            let selected = session.select(&filter, &cancel).expect("not cancelled");
            let matched: Vec<u32> = (0..session.store.len())
                .filter(|&i| {
                    let (lazy, _) = filter.matches_lazily(session.trace(), http, i);
                    let direct = filter.matches(session.trace(), http, i);
                    assert_eq!(lazy, direct, "matches_lazily and matches disagree on {text:?}");
                    direct
                })
                .map(|i| i as u32)
                .collect();
            assert_eq!(selected, matched, "select and matches disagree on {text:?}");
        }
    }
});
