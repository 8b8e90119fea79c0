//! Making wire bytes safe to show: control characters and escape sequences
//! never reach the terminal raw, so a packet cannot move the cursor, clear the
//! screen or change the window title.

use std::borrow::Cow;

/// Escapes control characters (C0, DEL, C1) in `s` as `\xNN` (and `\n`, `\r`,
/// `\t`, `\e` by name). Returns `s` unchanged when it has none.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    // Printable ASCII (nearly every column cell) needs no per-char lookup.
    if surely_safe(s.as_bytes()) || !s.chars().any(is_unsafe) {
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

/// Whether no byte is a C0 control or DEL (`.0`), and whether any is
/// outside ASCII (`.1`). Tested 16 bytes at a time without stopping early,
/// which the compiler turns into vector code.
fn control_and_high(bytes: &[u8]) -> (bool, bool) {
    let test = |(clean, high): (bool, bool), &b: &u8| {
        (clean & (b >= 0x20) & (b != 0x7f), high | (b >= 0x80))
    };
    let mut chunks = bytes.chunks_exact(16);
    let whole = chunks
        .by_ref()
        .fold((true, false), |acc, c| c.iter().fold(acc, test));
    chunks.remainder().iter().fold(whole, test)
}

/// A byte test that rules out every character [`is_unsafe`] names without
/// decoding UTF-8: C0 controls and DEL are bytes below 0x20 and 0x7f, the C1
/// controls (U+0080..U+009F) start with 0xC2, and U+2028..U+202E and
/// U+2066..U+2069 start with 0xE2 0x80 / 0xE2 0x81. `false` when unsure (the
/// caller then tests the characters): columns with `→` (0xE2 0x86 0x92) pass
/// here. Printable ASCII, nearly every column cell, takes one vector pass.
fn surely_safe(bytes: &[u8]) -> bool {
    match control_and_high(bytes) {
        (false, _) => false,
        (true, false) => true,
        (true, true) => memchr::memchr2_iter(0xc2, 0xe2, bytes)
            .all(|i| bytes[i] == 0xe2 && !matches!(bytes.get(i + 1), Some(0x80 | 0x81))),
    }
}

/// A `-T fields` cell made safe: as [`sanitize`], but a backspace (0x08)
/// written `\b`, as tshark 4.0 writes it there.
pub fn sanitize_cell(s: &str) -> Cow<'_, str> {
    if !s.contains('\x08') {
        return sanitize(s);
    }
    Cow::Owned(
        s.split('\x08')
            .map(|part| sanitize(part))
            .collect::<Vec<_>>()
            .join("\\b"),
    )
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
    let mut s = String::with_capacity(20);
    push_seconds(&mut s, ns);
    s
}

/// Appends [`seconds`] of `ns` to `s`.
pub fn push_seconds(s: &mut String, ns: i64) {
    let a = ns.unsigned_abs();
    if ns < 0 {
        s.push('-');
    }
    push_decimal(s, a / 1_000_000_000);
    s.push('.');
    let micros = ((a % 1_000_000_000) / 1000) as usize;
    push_pair(s, micros / 10_000);
    push_pair(s, micros / 100 % 100);
    push_pair(s, micros % 100);
}

/// The numbers 00 to 99, two digits each, one after another: a number is
/// written a pair of digits at a time, and a slice of this (ASCII) needs no
/// UTF-8 check, unlike digits assembled in a byte buffer.
const DIGIT_PAIRS: &str = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

/// Appends the two digits of `pair` (below 100).
fn push_pair(s: &mut String, pair: usize) {
    s.push_str(DIGIT_PAIRS.get(2 * pair..2 * pair + 2).unwrap_or("??"));
}

/// Appends `n` in decimal, as `{n}` formats it, without the formatter (the
/// packet list writes millions of numbers).
pub fn push_decimal(s: &mut String, n: u64) {
    // Pairs from the lowest; u64::MAX has 20 digits: at most 9 below the top.
    let mut low = [0u8; 10];
    let mut count = 0;
    let mut n = n;
    while n >= 100 && count < low.len() {
        low[count] = (n % 100) as u8;
        n /= 100;
        count += 1;
    }
    if n < 10 {
        s.push(char::from(b'0' + n as u8));
    } else {
        push_pair(s, n as usize);
    }
    for &pair in low[..count].iter().rev() {
        push_pair(s, usize::from(pair));
    }
}

/// An IPv4 address as `Ipv4Addr`'s Display writes it (dotted decimal).
pub fn ipv4(a: std::net::Ipv4Addr) -> String {
    let mut s = String::with_capacity(15);
    push_ipv4(&mut s, a);
    s
}

/// Appends [`ipv4`] of `a` to `s`.
pub fn push_ipv4(s: &mut String, a: std::net::Ipv4Addr) {
    for (i, o) in a.octets().into_iter().enumerate() {
        if i > 0 {
            s.push('.');
        }
        push_decimal(s, u64::from(o));
    }
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
    #[test]
    fn surely_safe_never_passes_an_unsafe_character() {
        let mut text = String::new();
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            text.clear();
            text.push('a');
            text.push(c);
            text.push('\u{2192}');
            if super::surely_safe(text.as_bytes()) {
                assert!(!super::is_unsafe(c), "{c:?} passed");
            }
        }
        assert!(super::surely_safe("80 \u{2192} 1024 [ACK]".as_bytes()));
        assert!(!super::surely_safe("a\u{2028}b".as_bytes()));
        assert!(!super::surely_safe("a\u{85}b".as_bytes()));
    }

    #[test]
    fn control_and_high_is_the_byte_range_test() {
        let mut bytes: Vec<u8> = (0x20..0x7f).cycle().take(100).collect();
        for len in 0..bytes.len() {
            assert_eq!(super::control_and_high(&bytes[..len]), (true, false));
        }
        for (bad, expected) in [
            (0x00u8, (false, false)),
            (0x1f, (false, false)),
            (0x7f, (false, false)),
            (0x80, (true, true)),
            (0xff, (true, true)),
        ] {
            for at in [0, 15, 16, 17, 40, 99] {
                let keep = bytes[at];
                bytes[at] = bad;
                assert_eq!(
                    super::control_and_high(&bytes),
                    expected,
                    "{bad:#x} at {at}"
                );
                bytes[at] = keep;
            }
        }
    }

    #[test]
    fn numbers_and_addresses_as_the_formatter_writes_them() {
        let powers = (0..20).flat_map(|k| {
            let p = 10u64.pow(k);
            [p - 1, p, p + 1]
        });
        for n in (0..10_100u64)
            .chain(powers)
            .chain([65535, 4_294_967_295, u64::MAX])
        {
            let mut s = String::new();
            super::push_decimal(&mut s, n);
            assert_eq!(s, n.to_string());
        }
        for ns in [
            0i64,
            1,
            999,
            1000,
            1_000_000_000,
            1_234_567_891,
            -1_500_000,
            i64::MIN,
            i64::MAX,
        ] {
            let a = ns.unsigned_abs();
            let sign = if ns < 0 { "-" } else { "" };
            let expected = format!(
                "{sign}{}.{:06}",
                a / 1_000_000_000,
                (a % 1_000_000_000) / 1000
            );
            assert_eq!(super::seconds(ns), expected);
        }
        for a in [
            [0, 0, 0, 0],
            [10, 0, 0, 1],
            [192, 168, 100, 255],
            [255, 255, 255, 255],
        ] {
            let a = std::net::Ipv4Addr::from(a);
            assert_eq!(super::ipv4(a), a.to_string());
        }
    }

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
