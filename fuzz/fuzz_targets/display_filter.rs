//! Fuzz target: any text as a display filter. Compiling must never panic,
//! and errors must point inside the expression. Run with
//! `cargo fuzz run display_filter` from this folder.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = wirelens::filter::Filter::compile(text) {
        assert!(e.column <= text.len() + 1, "error column outside the expression");
    }
});
