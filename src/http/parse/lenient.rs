//! The request heads httparse refuses but tshark lists as requests: a request
//! line without a version (HTTP/0.9 style) or with an odd one (`HTTP/1.2`),
//! and URIs or header values holding raw control bytes (ESC, NUL...), which
//! must not let a request hide from the HTTP view. Lines may end in CRLF or a
//! bare LF. The text is kept as sent (non-UTF-8 replaced); whoever shows it
//! escapes it (`crate::text::sanitize`).

use super::{Head, HeadError, StartLine, MAX_HEADERS};

/// The request line and header lines at the start of `buf`, each without its
/// line end; the length of the head (blank line included) if it ended, else
/// the bytes its complete lines used.
fn lines(buf: &[u8]) -> (Vec<&[u8]>, Result<usize, usize>) {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(nl) = buf[pos..].iter().position(|&b| b == b'\n') {
        let line = &buf[pos..pos + nl];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        pos += nl + 1;
        if line.is_empty() {
            return (out, Ok(pos));
        }
        out.push(line);
        if out.len() > MAX_HEADERS {
            break;
        }
    }
    (out, Err(pos))
}

fn request_line(line: &[u8]) -> Option<StartLine> {
    let text = String::from_utf8_lossy(line);
    let (method, rest) = text.split_once(' ')?;
    if !super::METHODS.contains(&method) {
        return None;
    }
    let rest = rest.trim_start_matches(' ');
    let (uri, version) = match rest.rsplit_once(' ') {
        Some((u, v)) if v.starts_with("HTTP/") => (u.trim_end_matches(' '), v),
        _ => (rest, ""),
    };
    Some(StartLine::Request {
        method: method.into(),
        uri: uri.into(),
        version: version.into(),
    })
}

fn head_of(lines: &[&[u8]], len: usize) -> Option<Head> {
    let (first, headers) = lines.split_first()?;
    let start = request_line(first)?;
    let headers = headers
        .iter()
        .take(MAX_HEADERS)
        .filter_map(|l| {
            let text = String::from_utf8_lossy(l);
            let (n, v) = text.split_once(':')?;
            Some((n.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    Some(Head {
        start,
        headers,
        len,
    })
}

/// Parses a request head httparse refused; `full` says that `buf` was cut at
/// [`super::MAX_HEAD`].
pub(super) fn parse_request(buf: &[u8], full: bool) -> Result<Head, HeadError> {
    let (lines, end) = lines(buf);
    match end {
        Ok(len) => head_of(&lines, len).ok_or(HeadError::Invalid),
        Err(_) if lines.first().is_some_and(|l| request_line(l).is_none()) => {
            Err(HeadError::Invalid)
        }
        Err(_) if full || lines.len() > MAX_HEADERS => Err(HeadError::TooLarge),
        Err(_) => Err(HeadError::Incomplete),
    }
}

/// The head of a request that never ended (the connection stopped before its
/// blank line, as an HTTP/0.9 `GET /page` does): what it had, with `len` the
/// bytes it used. tshark shows such a request line on its segments.
pub fn partial_request(buf: &[u8]) -> Option<Head> {
    let buf = &buf[..buf.len().min(super::MAX_HEAD)];
    match lines(buf) {
        (lines, Err(used)) => head_of(&lines, used),
        (_, Ok(_)) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http09_request_never_ends() {
        assert_eq!(
            parse_request(b"GET /zeek.html\r\n", false),
            Err(HeadError::Incomplete)
        );
        let h = partial_request(b"GET /zeek.html\r\n").expect("partial");
        assert_eq!(h.start_line_text(), "GET /zeek.html");
        assert_eq!(h.len, 16);
        assert!(partial_request(b"GET / HTTP/1.1\r\n\r\n").is_none());
        assert!(partial_request(b"\x16\x03\x01").is_none());
        assert_eq!(
            parse_request(b"BREW /pot\r\n\r\n", false),
            Err(HeadError::Invalid)
        );
    }
}
