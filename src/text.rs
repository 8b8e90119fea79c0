//! Making wire bytes safe to show: control characters and escape sequences
//! never reach the terminal raw, so a packet cannot move the cursor, clear the
//! screen or change the window title.

use std::borrow::Cow;

/// Escapes control characters (C0, DEL, C1) in `s` as `\xNN` (and `\n`, `\r`,
/// `\t`, `\e` by name). Returns `s` unchanged when it has none.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\x1b' => out.push_str("\\e"),
                c => {
                    use std::fmt::Write;
                    let _ = write!(out, "\\x{:02x}", c as u32);
                }
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether `c` must not reach a terminal (or a file name) raw: a control
/// character, a line or paragraph separator, or a bidirectional override
/// that would make text read in another order than it is.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Bytes as text: valid UTF-8 kept, anything else as `\xNN`, then sanitised.
pub fn bytes_to_safe_text(bytes: &[u8]) -> String {
    let lossy = String::from_utf8_lossy(bytes);
    sanitize(&lossy).into_owned()
}

/// A MAC address as Wireshark prints it (`00:0b:82:01:fc:42`).
pub fn mac(m: [u8; 6]) -> String {
    format!(
        "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        m[0], m[1], m[2], m[3], m[4], m[5]
    )
}

/// Nanoseconds as seconds with six decimals, as Wireshark's Time column
/// shows them (`-0.000001`, `12.345678`).
pub fn seconds(ns: i64) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let a = ns.unsigned_abs();
    format!(
        "{sign}{}.{:06}",
        a / 1_000_000_000,
        (a % 1_000_000_000) / 1000
    )
}

/// One row of a follow-style hex dump: offset, 16 bytes in two groups of
/// eight, and their ASCII (`0000001A  47 45 54 … ` ).
pub fn hex_dump_row(offset: u64, row: &[u8]) -> String {
    use std::fmt::Write;
    let mut hex = String::with_capacity(50);
    for (j, b) in row.iter().enumerate() {
        if j == 8 {
            hex.push(' ');
        }
        let _ = write!(hex, "{b:02x} ");
    }
    let ascii: String = row.iter().map(|&b| ascii_or_dot(b)).collect();
    format!("{offset:08X}  {hex:<49} {ascii}")
}

/// `s` cut to at most `max` characters, with `…` when cut.
pub fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// One byte as Wireshark's ASCII pane shows it: printable ASCII or `.`.
pub fn ascii_or_dot(b: u8) -> char {
    if (0x20..0x7f).contains(&b) {
        b as char
    } else {
        '.'
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_title_and_clear_sequences() {
        let s = "a\x1b]0;pwned\x07b\x1b[2J\u{9b}c";
        let out = sanitize(s);
        assert!(!out.chars().any(|c| c.is_control()));
        assert_eq!(out, "a\\e]0;pwned\\x07b\\e[2J\\x9bc");
        assert!(matches!(sanitize("plain"), Cow::Borrowed(_)));
    }
}
