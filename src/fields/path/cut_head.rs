//! HTTP on an HTTP port where the HTTP index parsed no message, as tshark
//! 4.0 still sees it: a head cut short by the snaplen is dissected as far
//! as it was captured (its frame counts in `-z http,tree` and `-z
//! http_req,tree`, and its path ends `http:_ws.short`), while bytes that do
//! not start a head are a "Continuation" (`http:data` in `frame.protocols`,
//! no `_ws.short`: nothing is read past the captured bytes).
//! http-snaplen96-truncated frames 4 (GET), 6 (200) and 8 (Continuation).

use crate::http::HttpIndex;
use crate::trace::Trace;

/// The methods whose request line tshark's HTTP dissector recognises (the
/// common ones of its `is_http_request_or_reply`).
const METHODS: [&str; 13] = [
    "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH", "PROPFIND",
    "MKCOL", "COPY", "MOVE",
];

/// What the captured part of a head says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutHead<'a> {
    /// A request's method, or `None` for a response.
    pub method: Option<&'a str>,
    /// A request's URI, as far as captured.
    pub uri: &'a str,
    /// A response's status code.
    pub code: Option<u16>,
    /// The Host header, when its line was captured whole.
    pub host: Option<&'a str>,
}

/// Reads the start of a head from a payload's captured bytes.
pub fn parse(payload: &[u8]) -> Option<CutHead<'_>> {
    let line_end = |from: usize| {
        payload
            .get(from..)?
            .iter()
            .position(|&b| b == b'\n')
            .map(|p| from + p)
    };
    let first_end = line_end(0);
    let first = &payload[..first_end.unwrap_or(payload.len())];
    let first = std::str::from_utf8(first.strip_suffix(b"\r").unwrap_or(first)).ok()?;
    let mut words = first.split(' ');
    let word = words.next()?;
    let head = if let Some(version) = word.strip_prefix("HTTP/") {
        if version.is_empty() {
            return None;
        }
        let code = words.next()?.parse::<u16>().ok()?;
        CutHead {
            method: None,
            uri: "",
            code: Some(code),
            host: None,
        }
    } else {
        let method = METHODS.iter().find(|&&m| m == word)?;
        CutHead {
            method: Some(method),
            uri: words.next()?,
            code: None,
            host: None,
        }
    };
    let mut host = None;
    let mut at = first_end.map(|e| e + 1);
    while let Some(start) = at {
        let Some(end) = line_end(start) else {
            break;
        };
        let line = &payload[start..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if let Ok(text) = std::str::from_utf8(line) {
            if let Some((name, value)) = text.split_once(':') {
                if name.eq_ignore_ascii_case("host") {
                    host = Some(value.trim());
                }
            }
        }
        at = Some(end + 1);
    }
    Some(CutHead { host, ..head })
}

/// Whether frame `packet` is TCP data on an HTTP port of a connection where
/// the index parsed no HTTP message, not retransmitted: what tshark's HTTP
/// dissector still takes. Its payload, when so.
pub fn unparsed_http<'t>(trace: &'t Trace, index: &HttpIndex, packet: usize) -> Option<&'t [u8]> {
    let entry = trace.store.entry(packet)?;
    if super::retransmitted(entry) {
        return None;
    }
    let d = trace.store.decode(packet);
    let t = d.tcp()?;
    if t.rst()
        || d.header_truncated
        || !(super::http_port(t.source_port()) || super::http_port(t.destination_port()))
    {
        return None;
    }
    let t = &index.transactions;
    let i = t.partition_point(|t| t.conversation < entry.conversation);
    if t.get(i)
        .is_some_and(|t| t.conversation == entry.conversation)
    {
        return None;
    }
    let payload = d.payload();
    (!payload.is_empty()).then_some(payload)
}

/// The head tshark's HTTP tap counts in frame `packet`, captured only in
/// part (the frame is cut by the snaplen) on a connection where the index
/// parsed no message.
pub fn tapped_cut_head<'t>(
    trace: &'t Trace,
    index: &HttpIndex,
    packet: usize,
) -> Option<CutHead<'t>> {
    let entry = trace.store.entry(packet)?;
    if entry.cap_len >= entry.orig_len {
        return None;
    }
    parse(unparsed_http(trace, index, packet)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_responses_cut_anywhere() {
        let get = parse(b"GET /index.html HTTP/1.1\r\nHost: example.org\r\nUser-Ag").expect("GET");
        assert_eq!(get.method, Some("GET"));
        assert_eq!(get.uri, "/index.html");
        assert_eq!(get.host, Some("example.org"));
        let cut = parse(b"GET /a/very/long/pa").expect("cut GET");
        assert_eq!((cut.uri, cut.host), ("/a/very/long/pa", None));
        // A Host line cut before its end is not read.
        assert_eq!(
            parse(b"GET / HTTP/1.1\r\nHost: exa").expect("GET").host,
            None
        );
        let ok = parse(b"HTTP/1.1 200 OK\r\nServer: x").expect("200");
        assert_eq!((ok.method, ok.code), (None, Some(200)));
    }

    #[test]
    fn body_bytes_are_no_head() {
        assert!(parse(b"\x89PNG\r\n").is_none());
        assert!(parse(b"GETTING ready").is_none());
        assert!(parse(b"HTTP/ 200").is_none());
        assert!(parse(b"HTTP/1.1 abc").is_none());
        assert!(parse(b"").is_none());
    }
}
