//! Fuzz target: tshark's Continuation rule (`wirelens::http::continuation`)
//! on arbitrary segment payloads, with and without a request seen on the
//! connection and a frame cut by the snaplen. Must never panic; a fresh
//! segment with a `data` layer always has the `http` layer it hangs under.
//! Run with `cargo fuzz run http_continuation` from this folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::http::continuation::{classify, start_line, Outcome};

fuzz_target!(|data: &[u8]| {
    let _ = start_line(data);
    for seen in [false, true] {
        for cut in [false, true] {
            if let Outcome::Fresh(f) = classify(data, seen, cut) {
                assert!(!f.data || f.http, "a data layer without http");
            }
        }
    }
});
