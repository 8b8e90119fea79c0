//! Find packet (Wireshark's Ctrl-F): what to look for — a display filter, a
//! string in the packet bytes, in the details tree or in the list's text, or
//! a hex byte sequence — and the search itself, run as a job over the
//! packets the list shows, from the selection forward or back, wrapping
//! around the end as Wireshark does. The search decodes packets; it never
//! runs while drawing.

use crate::filter::Filter;
use crate::session::marks::MarkSet;
use crate::session::Session;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

/// Packets searched between two looks at the cancel flag and two progress reports.
pub const FIND_CHECK_EVERY: usize = 1024;

/// What a search looks in (Wireshark's "Display filter / Hex value / String"
/// and "Packet list / Packet details / Packet bytes" choices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FindMode {
    #[default]
    DisplayFilter,
    HexBytes,
    StringInBytes,
    StringInDetails,
    StringInList,
}

impl FindMode {
    /// Every mode, in the order Tab cycles them.
    pub const ALL: [FindMode; 5] = [
        FindMode::DisplayFilter,
        FindMode::HexBytes,
        FindMode::StringInBytes,
        FindMode::StringInDetails,
        FindMode::StringInList,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            FindMode::DisplayFilter => "display filter",
            FindMode::HexBytes => "hex value",
            FindMode::StringInBytes => "string in packet bytes",
            FindMode::StringInDetails => "string in packet details",
            FindMode::StringInList => "string in packet list",
        }
    }

    /// The next (`forward`) or previous mode.
    pub fn cycle(self, forward: bool) -> FindMode {
        let i = FindMode::ALL.iter().position(|&m| m == self).unwrap_or(0);
        let n = FindMode::ALL.len();
        FindMode::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }
}

/// A compiled search.
#[derive(Debug, Clone)]
pub enum Query {
    Filter(Filter),
    /// Bytes to find in the frame (hex: exact).
    Bytes(Vec<u8>),
    /// A string to find in the frame's bytes (ASCII case-insensitive).
    Text(Vec<u8>),
    /// Text to find (ASCII case-insensitive, as Wireshark's default).
    Details(String),
    List(String),
}

/// What the search found: the packet, and where in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub packet: usize,
    /// The matching bytes of the frame (byte searches).
    pub bytes: Option<Range<usize>>,
    /// The matching line of the details tree, counted over every line (folded or not).
    pub detail_line: Option<usize>,
    /// The search went past the end (or the start) of the list to find it.
    pub wrapped: bool,
}

/// Parses `text` for `mode`; the error says what is wrong with it.
pub fn compile(mode: FindMode, text: &str) -> Result<Query, String> {
    if text.is_empty() {
        return Err("nothing to find".into());
    }
    Ok(match mode {
        FindMode::DisplayFilter => Query::Filter(Filter::compile(text).map_err(|e| e.message)?),
        FindMode::HexBytes => Query::Bytes(parse_hex(text)?),
        FindMode::StringInBytes => Query::Text(text.as_bytes().to_vec()),
        FindMode::StringInDetails => Query::Details(text.to_ascii_lowercase()),
        FindMode::StringInList => Query::List(text.to_ascii_lowercase()),
    })
}

/// Hex bytes as Wireshark's find takes them: `de ad be ef`, `de:ad:be:ef`,
/// `deadbeef`, `0xde 0xad` (an even number of digits).
pub fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits: String = text
        .split([' ', ':', '-', ','])
        .map(|w| w.trim_start_matches("0x").trim_start_matches("0X"))
        .collect();
    if digits.is_empty() || digits.len() % 2 != 0 {
        return Err(format!("\"{text}\": expected pairs of hex digits"));
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| {
            digits
                .get(i..i + 2)
                .and_then(|d| u8::from_str_radix(d, 16).ok())
                .ok_or_else(|| format!("\"{text}\": not a hex byte sequence"))
        })
        .collect()
}

/// Where `needle` first occurs in `hay`, ASCII case-insensitively when `fold`.
fn find_bytes(hay: &[u8], needle: &[u8], fold: bool) -> Option<Range<usize>> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    hay.windows(needle.len())
        .position(|w| {
            if fold {
                w.eq_ignore_ascii_case(needle)
            } else {
                w == needle
            }
        })
        .map(|at| at..at + needle.len())
}

/// Whether packet `index` matches `query`, and where.
pub fn matches(session: &Session, query: &Query, marks: &MarkSet, index: usize) -> Option<Found> {
    let found = |bytes, detail_line| Found {
        packet: index,
        bytes,
        detail_line,
        wrapped: false,
    };
    match query {
        Query::Filter(f) => {
            let http = session.http_if_ready();
            f.matches_marked(session, http, index, marks.contains(index))
                .then(|| found(None, None))
        }
        Query::Bytes(b) | Query::Text(b) => {
            let view = session.packet(index);
            let fold = matches!(query, Query::Text(_));
            find_bytes(view.decoded.data, b, fold).map(|r| found(Some(r), None))
        }
        Query::Details(s) => {
            let view = session.packet(index);
            crate::dissect::lines(&view)
                .iter()
                .position(|l| l.text.to_ascii_lowercase().contains(s.as_str()))
                .map(|i| found(None, Some(i)))
        }
        Query::List(s) => {
            let view = session.packet(index);
            let r = crate::columns::row(&view);
            let text = format!(
                "{}\u{1}{}\u{1}{}\u{1}{}\u{1}{}\u{1}{}\u{1}{}",
                r.number, r.time, r.source, r.destination, r.protocol, r.length, r.info
            );
            text.to_ascii_lowercase()
                .contains(s.as_str())
                .then(|| found(None, None))
        }
    }
}

/// Searches the packets the list shows (`shown`: the filter's matches, or
/// `None` for every packet) from the row after `from` (before it when
/// going back), wrapping around, ending with the row `from` itself.
/// `None` when nothing matches or the search was cancelled (`cancelled`
/// tells them apart); `progress` gets rows searched and the total.
pub fn search(
    session: &Session,
    shown: Option<&[u32]>,
    from: usize,
    forward: bool,
    query: &Query,
    cancel: &AtomicBool,
    mut progress: impl FnMut(u64, u64),
) -> Option<Found> {
    let len = shown.map_or(session.store.len(), <[u32]>::len);
    if len == 0 {
        return None;
    }
    let marks = session.marks().snapshot();
    let from = from.min(len - 1);
    for step in 1..=len {
        if step % FIND_CHECK_EVERY == 0 {
            if cancel.load(Ordering::Relaxed) {
                return None;
            }
            progress(step as u64, len as u64);
        }
        let (pos, wrapped) = if forward {
            ((from + step) % len, from + step >= len)
        } else {
            ((from + len - step) % len, step > from)
        };
        let index = shown.map_or(Some(pos), |s| s.get(pos).map(|&i| i as usize));
        let Some(index) = index else { continue };
        if let Some(f) = matches(session, query, &marks, index) {
            return Some(Found { wrapped, ..f });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn textbook() -> Session {
        Session::open(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures/textbook-visit.pcap"),
        )
        .expect("sample")
    }

    #[test]
    fn hex_is_read_as_wireshark_takes_it() {
        assert_eq!(parse_hex("de ad:BE-ef"), Ok(vec![0xde, 0xad, 0xbe, 0xef]));
        assert_eq!(parse_hex("0x47 0x45"), Ok(vec![0x47, 0x45]));
        assert!(parse_hex("abc").is_err());
        assert!(parse_hex("zz").is_err());
        assert!(parse_hex("").is_err());
    }

    #[test]
    fn searches_go_forward_and_back_and_wrap() {
        let s = textbook();
        let go = AtomicBool::new(false);
        let get = compile(FindMode::StringInBytes, "GET / HTTP").expect("query");
        // Frame 6 carries the request (tshark: 6 0.000...  GET / HTTP/1.1).
        let f = search(&s, None, 0, true, &get, &go, |_, _| {}).expect("found");
        assert_eq!(f.packet, 5);
        assert!(!f.wrapped);
        let data = s.packet(5).decoded.data.to_vec();
        let r = f.bytes.clone().expect("bytes");
        assert_eq!(&data[r], b"GET / HTTP");
        // tshark -Y 'frame contains "GET / HTTP"' lists frames 6 and 10
        // (frame 10 carries the page, which quotes the request line).
        let f = search(&s, None, 5, true, &get, &go, |_, _| {}).expect("found");
        assert_eq!((f.packet, f.wrapped), (9, false));
        let f = search(&s, None, 10, true, &get, &go, |_, _| {}).expect("found");
        assert_eq!((f.packet, f.wrapped), (5, true));
        let f = search(&s, None, 2, false, &get, &go, |_, _| {}).expect("found");
        assert_eq!((f.packet, f.wrapped), (9, true));
        let f = search(&s, None, 8, false, &get, &go, |_, _| {}).expect("found");
        assert_eq!((f.packet, f.wrapped), (5, false));
        // Case-insensitive strings; exact hex.
        let lower = compile(FindMode::StringInBytes, "get / http").expect("query");
        assert_eq!(
            search(&s, None, 0, true, &lower, &go, |_, _| {}).map(|f| f.packet),
            Some(5)
        );
        let hex = compile(FindMode::HexBytes, "47 45 54 20 2f").expect("query");
        assert_eq!(
            search(&s, None, 0, true, &hex, &go, |_, _| {}).map(|f| f.packet),
            Some(5)
        );
        let none = compile(FindMode::HexBytes, "de ad be ef 00 11 22").expect("query");
        assert_eq!(search(&s, None, 0, true, &none, &go, |_, _| {}), None);
        // The only match is the row searched from: found last, after wrapping.
        let syn_ack = compile(
            FindMode::DisplayFilter,
            "tcp.flags.syn == 1 && tcp.flags.ack == 1",
        )
        .expect("query");
        let f = search(&s, None, 3, true, &syn_ack, &go, |_, _| {}).expect("found");
        assert_eq!((f.packet, f.wrapped), (3, true));
    }

    #[test]
    fn filters_details_and_list_text_and_only_shown_rows() {
        let s = textbook();
        let go = AtomicBool::new(false);
        let fin = compile(FindMode::DisplayFilter, "tcp.flags.fin == 1").expect("query");
        let first = search(&s, None, 0, true, &fin, &go, |_, _| {}).expect("found");
        let second = search(&s, None, first.packet, true, &fin, &go, |_, _| {}).expect("found");
        assert!(second.packet > first.packet);
        assert!(compile(FindMode::DisplayFilter, "tcp.prot == 1").is_err());
        let details =
            compile(FindMode::StringInDetails, "window size scaling factor").expect("query");
        let f = search(&s, None, 0, true, &details, &go, |_, _| {}).expect("found");
        let lines = crate::dissect::lines(&s.packet(f.packet));
        let line = &lines[f.detail_line.expect("line")];
        assert!(
            line.text
                .to_ascii_lowercase()
                .contains("window size scaling factor"),
            "{}",
            line.text
        );
        let list = compile(FindMode::StringInList, "standard query response").expect("query");
        assert_eq!(
            search(&s, None, 0, true, &list, &go, |_, _| {}).map(|f| f.packet),
            Some(1)
        );
        // Among shown rows only: frame 2 hidden, so nothing.
        let shown = [0u32, 2, 3];
        assert_eq!(
            search(&s, Some(&shown), 0, true, &list, &go, |_, _| {}),
            None
        );
        // Marked frames through the session.
        let marked = compile(FindMode::DisplayFilter, "frame.marked == 1").expect("query");
        assert_eq!(search(&s, None, 0, true, &marked, &go, |_, _| {}), None);
        s.marks().toggle(20);
        assert_eq!(
            search(&s, None, 0, true, &marked, &go, |_, _| {}).map(|f| f.packet),
            Some(20)
        );
        let stop = AtomicBool::new(true);
        let many: Vec<u32> = (0..3000).map(|i| i % 27).collect();
        assert_eq!(
            search(&s, Some(&many), 0, true, &none_query(), &stop, |_, _| {}),
            None
        );
    }

    fn none_query() -> Query {
        Query::Bytes(vec![0xde, 0xad, 0xbe, 0xef, 0x99])
    }
}
