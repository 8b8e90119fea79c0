//! HTTP/1.x message framing (RFC 9112): start line and headers with
//! `httparse`, then the body's length (no body, chunked, Content-Length, or to
//! the end of the connection), all over one reassembled direction.
//!
//! Everything is bounded ([`crate::limits`]): a head larger than [`MAX_HEAD`]
//! or with more than `MAX_HTTP_HEADERS` lines is refused and reported, a chunk
//! size that overflows `u64` is malformed, a chunk-size line longer than
//! `MAX_HTTP_CHUNK_LINE` is reported, and nothing is read past the buffer.

use crate::flow::stream::StreamBytes;
use crate::limits::{Limit, MAX_HTTP_CHUNK_LINE, MAX_HTTP_HEAD, MAX_HTTP_HEADERS};

mod lenient;
pub use lenient::partial_request;
use std::ops::Range;

/// The largest message head (start line and headers) accepted.
pub const MAX_HEAD: usize = MAX_HTTP_HEAD as usize;
const MAX_HEADERS: usize = MAX_HTTP_HEADERS as usize;
const MAX_CHUNK_LINE: usize = MAX_HTTP_CHUNK_LINE as usize;

const METHODS: &[&str] = &[
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "DELETE",
    "CONNECT",
    "OPTIONS",
    "TRACE",
    "PATCH",
    "PROPFIND",
    "PROPPATCH",
    "MKCOL",
    "COPY",
    "MOVE",
    "LOCK",
    "UNLOCK",
    "SEARCH",
    "REPORT",
];

/// Whether `buf` starts like a request (a known method and a space).
pub fn looks_like_request(buf: &[u8]) -> bool {
    METHODS
        .iter()
        .any(|m| buf.len() > m.len() && buf.starts_with(m.as_bytes()) && buf[m.len()] == b' ')
}

/// Whether `buf` starts like a response status line.
pub fn looks_like_response(buf: &[u8]) -> bool {
    buf.starts_with(b"HTTP/1.") && buf.len() > 9 && buf[8] == b' '
}

/// The start line of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartLine {
    Request {
        method: String,
        uri: String,
        /// `HTTP/1.0` or `HTTP/1.1`.
        version: String,
    },
    Response {
        version: String,
        code: u16,
        reason: String,
    },
}

/// A parsed head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub start: StartLine,
    /// Header names and values, in order (non-UTF-8 bytes replaced).
    pub headers: Vec<(String, String)>,
    /// Length of the head, blank line included.
    pub len: usize,
}

impl HeadError {
    /// The bound this error is, if it is one.
    pub fn limit(self) -> Option<Limit> {
        match self {
            HeadError::TooLarge => Some(Limit::HttpHead),
            HeadError::TooManyHeaders => Some(Limit::HttpHeaders),
            HeadError::Incomplete | HeadError::Invalid => None,
        }
    }
}

impl Head {
    /// The start line as sent, with single spaces (an absent request version
    /// leaves no trailing space): what tshark's Info shows.
    pub fn start_line_text(&self) -> String {
        match &self.start {
            StartLine::Request {
                method,
                uri,
                version,
            } if version.is_empty() => format!("{method} {uri}"),
            StartLine::Request {
                method,
                uri,
                version,
            } => format!("{method} {uri} {version}"),
            StartLine::Response {
                version,
                code,
                reason,
            } => format!("{version} {code} {reason}"),
        }
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    pub fn is_request(&self) -> bool {
        matches!(self.start, StartLine::Request { .. })
    }

    pub fn method(&self) -> Option<&str> {
        match &self.start {
            StartLine::Request { method, .. } => Some(method),
            StartLine::Response { .. } => None,
        }
    }

    pub fn uri(&self) -> Option<&str> {
        match &self.start {
            StartLine::Request { uri, .. } => Some(uri),
            StartLine::Response { .. } => None,
        }
    }

    pub fn code(&self) -> Option<u16> {
        match &self.start {
            StartLine::Response { code, .. } => Some(*code),
            StartLine::Request { .. } => None,
        }
    }

    /// The Content-Encoding codings, in the order applied.
    pub fn codings(&self) -> Vec<String> {
        self.header("content-encoding")
            .map(super::content::codings)
            .unwrap_or_default()
    }

    /// The start line as Wireshark's Info column shows it, with a trailing space.
    pub fn start_line_info(&self) -> String {
        format!("{} ", self.start_line_text())
    }
}

/// The first value of header `name` in `headers` (case-insensitive).
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Why a head could not be parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadError {
    /// The buffer ends before the blank line.
    Incomplete,
    /// Larger than [`MAX_HEAD`] without ending.
    TooLarge,
    /// More header lines than `MAX_HTTP_HEADERS`.
    TooManyHeaders,
    /// Not an HTTP/1.x head.
    Invalid,
}

fn version_text(v: Option<u8>) -> String {
    match v {
        Some(0) => "HTTP/1.0".into(),
        _ => "HTTP/1.1".into(),
    }
}

fn collect(headers: &[httparse::Header<'_>]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).trim().to_string(),
            )
        })
        .collect()
}

fn config() -> httparse::ParserConfig {
    let mut c = httparse::ParserConfig::default();
    c.allow_spaces_after_header_name_in_responses(true)
        .allow_obsolete_multiline_headers_in_responses(true)
        .allow_multiple_spaces_in_request_line_delimiters(true)
        .allow_multiple_spaces_in_response_status_delimiters(true)
        .ignore_invalid_headers_in_responses(true)
        .ignore_invalid_headers_in_requests(true);
    c
}

fn status<T>(
    r: Result<httparse::Status<usize>, httparse::Error>,
    full: bool,
    f: impl FnOnce(usize) -> T,
) -> Result<T, HeadError> {
    match r {
        Ok(httparse::Status::Complete(n)) => Ok(f(n)),
        Ok(httparse::Status::Partial) if full => Err(HeadError::TooLarge),
        Ok(httparse::Status::Partial) => Err(HeadError::Incomplete),
        Err(httparse::Error::TooManyHeaders) => Err(HeadError::TooManyHeaders),
        Err(_) => Err(HeadError::Invalid),
    }
}

/// Parses a request head at the start of `buf`.
pub fn parse_request(buf: &[u8]) -> Result<Head, HeadError> {
    if !looks_like_request(buf) {
        return Err(HeadError::Invalid);
    }
    let full = buf.len() >= MAX_HEAD;
    let buf = &buf[..buf.len().min(MAX_HEAD)];
    // Header slots on the stack (256 x 32 B), not initialised: a heap
    // vector zeroed at every parse cost an allocation and an 8 KiB memset
    // per message, twice per transaction in `wirelens http`.
    let mut storage = [const { std::mem::MaybeUninit::uninit() }; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut []);
    let r = config().parse_request_with_uninit_headers(&mut req, buf, &mut storage);
    let n = match status(r, full, |n| n) {
        Ok(n) => n,
        // A request line httparse refuses (no version, HTTP/1.2, raw
        // control bytes) that tshark still lists as a request.
        Err(HeadError::Invalid) => return lenient::parse_request(buf, full),
        Err(e) => return Err(e),
    };
    Ok(Head {
        start: StartLine::Request {
            method: req.method.unwrap_or_default().to_string(),
            uri: req.path.unwrap_or_default().to_string(),
            version: version_text(req.version),
        },
        headers: collect(req.headers),
        len: n,
    })
}

/// Parses a response head at the start of `buf`.
pub fn parse_response(buf: &[u8]) -> Result<Head, HeadError> {
    if !looks_like_response(buf) {
        return Err(HeadError::Invalid);
    }
    let full = buf.len() >= MAX_HEAD;
    let buf = &buf[..buf.len().min(MAX_HEAD)];
    // As in parse_request.
    let mut storage = [const { std::mem::MaybeUninit::uninit() }; MAX_HEADERS];
    let mut resp = httparse::Response::new(&mut []);
    let r = config().parse_response_with_uninit_headers(&mut resp, buf, &mut storage);
    let n = status(r, full, |n| n)?;
    Ok(Head {
        start: StartLine::Response {
            version: version_text(resp.version),
            code: resp.code.unwrap_or(0),
            reason: resp.reason.unwrap_or_default().to_string(),
        },
        headers: collect(resp.headers),
        len: n,
    })
}

/// How a message's body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    NoBody,
    Chunked,
    Length(u64),
    /// Runs to the end of the connection.
    Close,
}

/// Whether Transfer-Encoding names `chunked` anywhere in its list: tshark and
/// Zeek frame `chunked, identity` as chunked, so the request smuggled behind
/// such a body is found as they find it.
pub fn is_chunked(head: &Head) -> bool {
    head.headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding"))
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .any(|c| c.eq_ignore_ascii_case("chunked"))
}

/// Content-Length, when present and valid.
pub fn content_length(head: &Head) -> Option<u64> {
    head.header("content-length")
        .and_then(|v| v.split(',').next())
        .and_then(|v| v.trim().parse().ok())
}

/// The framing of a request's body.
pub fn request_framing(head: &Head) -> Framing {
    if is_chunked(head) {
        Framing::Chunked
    } else {
        match content_length(head) {
            Some(0) | None => Framing::NoBody,
            Some(n) => Framing::Length(n),
        }
    }
}

/// The framing of a response's body, given the request's method.
pub fn response_framing(head: &Head, request_method: Option<&str>) -> Framing {
    let code = match head.start {
        StartLine::Response { code, .. } => code,
        StartLine::Request { .. } => 0,
    };
    if (100..200).contains(&code) || code == 204 || code == 304 || request_method == Some("HEAD") {
        return Framing::NoBody;
    }
    if request_method == Some("CONNECT") && (200..300).contains(&code) {
        return Framing::NoBody;
    }
    if is_chunked(head) {
        return Framing::Chunked;
    }
    match content_length(head) {
        Some(0) => Framing::NoBody,
        Some(n) => Framing::Length(n),
        None => Framing::Close,
    }
}

/// A body found in the stream, described by where its bytes are rather than
/// by a copy of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body {
    /// Where the de-chunked body bytes (content codings still applied) are:
    /// ranges of stream offsets, in order ([`Body::gather`] collects them).
    pub pieces: Vec<Range<u64>>,
    /// De-chunked length: the pieces' lengths added up.
    pub len: u64,
    /// Stream bytes the body used (chunk framing and trailers included).
    pub wire_len: u64,
    /// Whether the body ended as its framing says.
    pub complete: bool,
    /// Bytes known to be missing (declared but not captured), when known.
    pub missing: u64,
    /// Chunked trailers.
    pub trailers: Vec<(String, String)>,
    /// The chunked coding was malformed (e.g. a chunk size overflowing).
    pub malformed: bool,
    /// The bound that stopped reading the body, if one did.
    pub limit: Option<Limit>,
}

impl Body {
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The body's bytes out of `stream` (the bytes its offsets refer to);
    /// what lies beyond the end of `stream` is left out.
    pub fn gather(&self, stream: &[u8]) -> Vec<u8> {
        gather(&self.pieces, stream)
    }

    /// [`Body::gather`], borrowed from `stream` when the body is one piece.
    pub fn bytes_in<'a>(&self, stream: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
        pieces_in(&self.pieces, stream)
    }

    /// Moves the pieces `by` bytes further into the stream.
    pub fn shift(&mut self, by: u64) {
        for r in &mut self.pieces {
            *r = r.start + by..r.end + by;
        }
    }

    fn push(&mut self, piece: Range<u64>) {
        if piece.is_empty() {
            return;
        }
        self.len += piece.end - piece.start;
        match self.pieces.last_mut() {
            Some(last) if last.end == piece.start => last.end = piece.end,
            _ => self.pieces.push(piece),
        }
    }
}

/// The bytes of `pieces` (ranges of stream offsets, in order) out of
/// `stream`; what lies beyond the end of `stream` is left out.
pub fn gather(pieces: &[Range<u64>], stream: &[u8]) -> Vec<u8> {
    let len: u64 = pieces.iter().map(|r| r.end.saturating_sub(r.start)).sum();
    let mut out = Vec::with_capacity(len.min(stream.len() as u64) as usize);
    for r in pieces {
        out.extend_from_slice(piece_in(r, stream));
    }
    out
}

/// [`gather`], borrowed from `stream` when there is one piece.
pub fn pieces_in<'a>(pieces: &[Range<u64>], stream: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
    match pieces {
        [] => std::borrow::Cow::Borrowed(&[]),
        [r] => std::borrow::Cow::Borrowed(piece_in(r, stream)),
        _ => std::borrow::Cow::Owned(gather(pieces, stream)),
    }
}

/// The bytes of one piece out of `stream`, clamped to it.
fn piece_in<'a>(r: &Range<u64>, stream: &'a [u8]) -> &'a [u8] {
    let start = usize::try_from(r.start)
        .unwrap_or(usize::MAX)
        .min(stream.len());
    let end = usize::try_from(r.end)
        .unwrap_or(usize::MAX)
        .clamp(start, stream.len());
    &stream[start..end]
}

/// Reads a body delimited by `framing` at the start of `buf`; `closed` says
/// whether the connection's end was seen in this direction.
pub fn read_body(buf: &[u8], framing: Framing, closed: bool) -> Body {
    read_body_at(buf, 0, framing, closed)
}

/// [`read_body`] of the body starting at offset `start` of `stream`, read
/// in place (a chunked body's size lines a window at a time, its data not
/// read at all); the pieces are relative to `start`.
pub fn read_body_at<S: StreamBytes + ?Sized>(
    stream: &S,
    start: u64,
    framing: Framing,
    closed: bool,
) -> Body {
    let rest = stream.len().saturating_sub(start);
    match framing {
        Framing::NoBody => Body {
            complete: true,
            ..Body::default()
        },
        Framing::Length(n) => {
            let have = rest.min(n);
            let mut body = Body {
                wire_len: have,
                complete: have == n,
                missing: n - have,
                ..Body::default()
            };
            body.push(0..have);
            body
        }
        Framing::Close => {
            let mut body = Body {
                wire_len: rest,
                complete: closed,
                ..Body::default()
            };
            body.push(0..rest);
            body
        }
        Framing::Chunked => read_chunked(stream, start),
    }
}

/// Why a chunk-size line is refused.
enum ChunkLineError {
    Malformed,
    TooLong,
}

/// Parses a chunk-size line (`hex[;ext]CRLF`): the size and the line length.
/// `Ok(None)` when the line is not complete in `buf`.
fn chunk_size_line(buf: &[u8]) -> Result<Option<(u64, usize)>, ChunkLineError> {
    let window = &buf[..buf.len().min(MAX_CHUNK_LINE)];
    let Some(nl) = window.iter().position(|&b| b == b'\n') else {
        return if buf.len() >= MAX_CHUNK_LINE {
            Err(ChunkLineError::TooLong)
        } else {
            Ok(None)
        };
    };
    let line = &window[..nl];
    let mut size: u64 = 0;
    let mut digits = 0;
    for &b in line {
        let v = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => break,
        };
        size = size
            .checked_mul(16)
            .and_then(|s| s.checked_add(u64::from(v)))
            .ok_or(ChunkLineError::Malformed)?;
        digits += 1;
    }
    if digits == 0 {
        return Err(ChunkLineError::Malformed);
    }
    let rest = &line[digits..];
    let rest = rest.strip_suffix(b"\r").unwrap_or(rest);
    let rest_trim = rest.iter().skip_while(|b| **b == b' ' || **b == b'\t');
    match rest_trim.clone().next() {
        None | Some(b';') => {}
        Some(_) => return Err(ChunkLineError::Malformed),
    }
    Ok(Some((size, nl + 1)))
}

/// A chunked body at `start` of `stream`; offsets relative to `start`.
fn read_chunked<S: StreamBytes + ?Sized>(stream: &S, start: u64) -> Body {
    let mut body = Body::default();
    let len = stream.len().saturating_sub(start);
    let mut pos = 0u64;
    loop {
        let line = stream.parse_at(start + pos, 0, MAX_CHUNK_LINE, chunk_size_line, |r| {
            matches!(r, Ok(None))
        });
        let (size, line) = match line {
            Ok(Some(x)) => x,
            Ok(None) => break,
            Err(e) => {
                body.malformed = true;
                if matches!(e, ChunkLineError::TooLong) {
                    body.limit = Some(Limit::HttpChunkLine);
                }
                break;
            }
        };
        pos += line as u64;
        if size == 0 {
            // Trailers up to an empty line.
            loop {
                let found = stream
                    .find_newline(start + pos, MAX_HEAD as u64)
                    .map(|at| at - (start + pos));
                let Some(nl) = found else {
                    body.wire_len = pos;
                    return body;
                };
                let l = stream.window(start + pos, nl as usize);
                let l = l.strip_suffix(b"\r").unwrap_or(&l);
                pos += nl + 1;
                if l.is_empty() {
                    body.complete = true;
                    body.wire_len = pos;
                    return body;
                }
                let text = String::from_utf8_lossy(l);
                if let Some((n, v)) = text.split_once(':') {
                    body.trailers.push((n.trim().into(), v.trim().into()));
                }
            }
        }
        let avail = len - pos;
        if size > avail {
            body.push(pos..len);
            body.missing = size - avail;
            pos = len;
            break;
        }
        let end = pos + size;
        body.push(pos..end);
        pos = end;
        // The CRLF after the data.
        let after = stream.window(start + pos, 2);
        if after.starts_with(b"\r\n") {
            pos += 2;
        } else if after.starts_with(b"\n") {
            pos += 1;
        } else if len - pos < 2 {
            pos = len;
            break;
        } else {
            body.malformed = true;
            break;
        }
    }
    body.wire_len = pos;
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_with_extensions_and_trailers() {
        let wire = b"4;name=val\r\nWiki\r\n5 ; x\r\npedia\r\n0\r\nExpires: never\r\n\r\nGET";
        let b = read_body(wire, Framing::Chunked, false);
        assert!(b.complete);
        assert_eq!(b.gather(wire), b"Wikipedia");
        assert_eq!(b.pieces, vec![12..16, 25..30]);
        assert_eq!(b.len, 9);
        assert_eq!(b.trailers, vec![("Expires".into(), "never".into())]);
        assert_eq!(b.wire_len, 53);
    }

    #[test]
    fn huge_chunk_size_does_not_overflow() {
        let wire = b"ffffffffffffffff\r\nabc";
        let b = read_body(wire, Framing::Chunked, true);
        assert!(!b.complete);
        assert_eq!(b.gather(wire), b"abc");
        let b = read_body(b"10000000000000000\r\nabc", Framing::Chunked, true);
        assert!(b.malformed && !b.complete && b.limit.is_none());
        let mut long = b"5;".to_vec();
        long.resize(MAX_CHUNK_LINE + 10, b'x');
        let b = read_body(&long, Framing::Chunked, true);
        assert!(b.malformed && b.is_empty());
        assert_eq!(b.limit, Some(Limit::HttpChunkLine));
    }

    #[test]
    fn too_many_headers_is_its_own_error() {
        let mut m = b"GET / HTTP/1.1\r\n".to_vec();
        for i in 0..MAX_HEADERS + 1 {
            m.extend_from_slice(format!("X-{i}: y\r\n").as_bytes());
        }
        m.extend_from_slice(b"\r\n");
        assert_eq!(parse_request(&m), Err(HeadError::TooManyHeaders));
        assert_eq!(HeadError::TooManyHeaders.limit(), Some(Limit::HttpHeaders));
    }

    #[test]
    fn megabyte_header_line_is_bounded() {
        let mut m = b"GET / HTTP/1.1\r\nX: ".to_vec();
        m.resize(1 << 20, b'a');
        assert_eq!(parse_request(&m), Err(HeadError::TooLarge));
        assert_eq!(
            parse_request(b"GET / HTTP/1.1\r\nHost: a"),
            Err(HeadError::Incomplete)
        );
        assert_eq!(parse_request(b"\x16\x03\x01hello"), Err(HeadError::Invalid));
    }

    #[test]
    fn framing_rules() {
        let h = parse_response(
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
        )
        .expect("head");
        assert_eq!(response_framing(&h, Some("GET")), Framing::Chunked);
        assert_eq!(response_framing(&h, Some("HEAD")), Framing::NoBody);
        let h = parse_response(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n")
            .expect("head");
        assert_eq!(response_framing(&h, Some("GET")), Framing::NoBody);
        let h = parse_response(b"HTTP/1.0 200 OK\r\n\r\n").expect("head");
        assert_eq!(response_framing(&h, Some("GET")), Framing::Close);
        let b = read_body(b"all of it", Framing::Close, true);
        assert!(b.complete && b.gather(b"all of it") == b"all of it");
        let mut shifted = b.clone();
        shifted.shift(3);
        assert_eq!(shifted.gather(b"...all of it"), b"all of it");
    }

    #[test]
    fn chunked_anywhere_in_the_list() {
        let h = parse_request(
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, identity\r\nContent-Length: 40\r\n\r\n",
        )
        .expect("head");
        assert_eq!(request_framing(&h), Framing::Chunked);
    }

    #[test]
    fn odd_request_lines_are_still_requests() {
        let h = parse_request(b"GET /a HTTP/1.2\r\nHost: x\r\n\r\n").expect("head");
        assert_eq!(h.start_line_text(), "GET /a HTTP/1.2");
        assert_eq!(h.header("host"), Some("x"));
        let h = parse_request(b"GET /a\r\nHost: x\r\n\r\n").expect("no version");
        assert_eq!(h.start_line_text(), "GET /a");
        let h = parse_request(b"GET /a\x1b[31mb HTTP/1.1\r\nHost: x\x00y\r\n\r\n").expect("ESC");
        assert!(matches!(&h.start, StartLine::Request { uri, .. } if uri == "/a\u{1b}[31mb"));
        assert_eq!(h.header("host"), Some("x\u{0}y"));
        assert_eq!(h.len, 36);
        let h = parse_request(b"GET /a\nHost: x\n\n").expect("bare LF");
        assert_eq!(h.len, 16);
    }
}
