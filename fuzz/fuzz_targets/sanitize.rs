//! Fuzz target: the terminal sanitiser. Whatever the input, the output holds
//! no control character (C0, DEL, C1, so no ESC) and no bidirectional
//! override, and text without them comes back unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::text::{bytes_to_safe_text, sanitize};

/// No C0/DEL/C1 control, no line or paragraph separator, no bidi override
/// (stated here independently of `text::is_unsafe`).
fn safe(s: &str) -> bool {
    !s.chars().any(|c| {
        c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

fuzz_target!(|data: &[u8]| {
    let out = bytes_to_safe_text(data);
    assert!(safe(&out), "unsafe output {out:?}");
    assert!(!out.as_bytes().contains(&0x1b));
    if let Ok(s) = std::str::from_utf8(data) {
        let out = sanitize(s);
        assert!(safe(&out), "unsafe output {out:?}");
        if safe(s) {
            assert_eq!(out, s);
        }
    }
});
