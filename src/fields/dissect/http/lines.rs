//! The header lines of a head as sent: tshark's `http.request.line` /
//! `http.response.line` values and the tree's header lines keep the bytes
//! of the line (spaces around the value, a bare `\n` terminator), which the
//! parsed head trims.

/// Most header lines read back from a head (as many as the parser keeps).
const MAX_LINES: usize = crate::limits::MAX_HTTP_HEADERS as usize;

/// The header lines of `head` (the head's bytes, start line first), each
/// with its terminator; `None` when they do not pair one to one with the
/// `parsed` count of headers (folded lines).
pub fn header_lines(head: &[u8], parsed: usize) -> Option<Vec<&[u8]>> {
    let mut lines = Vec::new();
    let mut rest = head;
    let mut first = true;
    while !rest.is_empty() {
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |i| i + 1);
        let (line, tail) = rest.split_at(end);
        rest = tail;
        if line == b"\r\n" || line == b"\n" {
            break;
        }
        if first {
            first = false;
            continue;
        }
        if lines.len() >= MAX_LINES {
            return None;
        }
        lines.push(line);
    }
    (lines.len() == parsed).then_some(lines)
}

/// A line's text as tshark's value: bytes past 0x7f as U+FFFD.
pub fn value(line: &[u8]) -> String {
    super::file_data::ascii(line)
}

/// A line as the tree shows it: its terminator written `\r\n` or `\n`.
pub fn shown(line: &[u8]) -> String {
    let body = line.strip_suffix(b"\n").unwrap_or(line);
    let (body, cr) = match body.strip_suffix(b"\r") {
        Some(b) => (b, "\\r"),
        None => (body, ""),
    };
    let nl = if line.ends_with(b"\n") { "\\n" } else { "" };
    format!("{}{cr}{nl}", String::from_utf8_lossy(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_as_sent() {
        let head = b"HTTP/1.1 200 OK\r\nCache-Control:no-cache\r\nVia: x   \n\r\nbody";
        let lines = header_lines(head, 2).expect("two header lines");
        assert_eq!(lines, [&b"Cache-Control:no-cache\r\n"[..], b"Via: x   \n"]);
        assert_eq!(shown(lines[0]), "Cache-Control:no-cache\\r\\n");
        assert_eq!(shown(lines[1]), "Via: x   \\n");
        assert_eq!(value(lines[1]), "Via: x   \n");
        assert!(header_lines(head, 3).is_none());
        assert_eq!(header_lines(b"GET / HTTP/1.1\r\n", 0), Some(vec![]));
    }
}
