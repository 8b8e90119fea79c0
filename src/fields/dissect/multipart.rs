//! "MIME Multipart Media Encapsulation": the layer tshark 4.0 draws for a
//! `multipart/*` body (an HTTP upload, a byteranges answer, a MIME mail),
//! after its multipart dissector: the preamble, the first boundary, each
//! encapsulated part with its header lines and its body handed to the
//! dissector of its own type, the boundaries between parts, the last
//! boundary and a trailer. [`protocols`] gives the dissectors the parts add
//! to `frame.protocols`, in order.
//!
//! Boundaries are found as tshark finds them: the first at the start of a
//! line, the next ones after a line end (which belongs to the boundary, not
//! to the part before it). A part whose closing boundary is missing keeps
//! its headers and ends the layer, as in tshark.

use super::body::{format_text, text_lines};
use super::Node;
use crate::decode::app::imf::field_end;
use crate::fields::Value;
use std::borrow::Cow;
use std::ops::Range;

/// The most parts of one body that are laid out (a hostile body can hold a
/// boundary every few bytes); past it the layer ends with a note.
pub const MAX_MULTIPART_PARTS: usize = 1024;

/// The part headers tshark's multipart dissector knows (lower-case name,
/// field); other header lines are shown as text.
const KNOWN_HEADERS: &[(&str, &str)] = &[
    (
        "content-description",
        "mime_multipart.header.content-description",
    ),
    (
        "content-disposition",
        "mime_multipart.header.content-disposition",
    ),
    ("content-encoding", "mime_multipart.header.content-encoding"),
    ("content-id", "mime_multipart.header.content-id"),
    ("content-language", "mime_multipart.header.content-language"),
    ("content-length", "mime_multipart.header.content-length"),
    (
        "content-transfer-encoding",
        "mime_multipart.header.content-transfer-encoding",
    ),
    ("content-type", "mime_multipart.header.content-type"),
    ("originalcontent", "mime_multipart.header.originalcontent"),
];

/// The boundary parameter of a multipart Content-Type, unquoted.
pub fn boundary(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("boundary") {
            return None;
        }
        let v = v.trim();
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(v);
        (!v.is_empty()).then_some(v)
    })
}

/// One encapsulated part: its header lines, its body, its type.
struct Part {
    /// Each header line (the last with the blank line after it), and the
    /// field it is (None: shown as text).
    headers: Vec<(Range<usize>, Option<&'static str>, String)>,
    /// The part's media type, lower case, parameters off.
    content_type: Option<String>,
    /// The body and the boundary line after it, with whether it is the
    /// last; None when no boundary closes the part.
    body: Option<(Range<usize>, Range<usize>, bool)>,
}

/// A multipart body laid out.
struct Layout {
    preamble: Range<usize>,
    first: Range<usize>,
    parts: Vec<Part>,
    trailer: Range<usize>,
    cut: bool,
}

/// The end of the line starting at `at` (`tvb_find_line_end`: CR, LF or
/// CRLF ends it) and where the next line starts; the rest of `b` without a
/// line end.
fn line_end(b: &[u8], at: usize) -> (usize, usize) {
    match b[at..].iter().position(|&c| c == b'\r' || c == b'\n') {
        Some(i) => {
            let end = at + i;
            let next = if b[end..].starts_with(b"\r\n") {
                end + 2
            } else {
                end + 1
            };
            (end, next)
        }
        None => (b.len(), b.len()),
    }
}

/// Whether `--boundary` starts at `at`, and if so whether it is the last
/// (`--boundary--`).
fn delimiter_at(b: &[u8], at: usize, boundary: &[u8]) -> Option<bool> {
    let rest = b.get(at..)?;
    let after = rest.strip_prefix(b"--")?.strip_prefix(boundary)?;
    Some(after.starts_with(b"--"))
}

/// The first boundary line, at the start of a line from `from`: (its
/// start, the start of what follows it, last).
fn first_boundary(b: &[u8], from: usize, boundary: &[u8]) -> Option<(usize, usize, bool)> {
    let mut at = from;
    while at + 2 + boundary.len() < b.len() {
        if let Some(last) = delimiter_at(b, at, boundary) {
            return Some((at, line_end(b, at).1, last));
        }
        at = line_end(b, at).1;
    }
    None
}

/// The next boundary after `from`: a line end followed by `--boundary`.
/// Gives (the line end's start, the start of what follows the boundary
/// line, last).
fn next_boundary(b: &[u8], from: usize, boundary: &[u8]) -> Option<(usize, usize, bool)> {
    let mut at = from;
    while at + 2 + boundary.len() < b.len() {
        let (end, next) = line_end(b, at);
        if next >= b.len() {
            return None;
        }
        if let Some(last) = delimiter_at(b, next, boundary) {
            return Some((end, line_end(b, next).1, last));
        }
        at = next;
    }
    None
}

/// A header's value as tshark's `unfold_and_compact_mime_header` leaves it:
/// folding and white space outside quotes removed.
fn compact(value: &[u8]) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in String::from_utf8_lossy(value).chars() {
        match c {
            '"' => {
                quoted = !quoted;
                out.push(c);
            }
            c if c.is_ascii_whitespace() && !quoted => {}
            c => out.push(c),
        }
    }
    out
}

/// The header lines of the part starting at `at`, and where its body
/// starts.
fn headers(b: &[u8], at: usize) -> (Part, usize) {
    let mut part = Part {
        headers: Vec::new(),
        content_type: None,
        body: None,
    };
    let mut offset = at;
    while let Some((mut end, last)) = field_end(b, offset) {
        if last && end + 2 <= b.len() {
            end += 2;
        }
        let line = &b[offset..end];
        let Some(colon) = line.iter().position(|&c| c == b':').filter(|&c| c > 0) else {
            break;
        };
        let name = String::from_utf8_lossy(&line[..colon]).to_ascii_lowercase();
        let field = KNOWN_HEADERS
            .iter()
            .find(|(n, _)| *n == name.trim())
            .map(|&(_, f)| f);
        if field.is_none()
            && !line
                .iter()
                .all(|c| c.is_ascii_graphic() || c.is_ascii_whitespace())
        {
            break;
        }
        let value = compact(&line[colon + 1..]);
        if field == Some("mime_multipart.header.content-type") {
            let essence = value.split(';').next().unwrap_or("").to_ascii_lowercase();
            part.content_type = Some(essence);
        }
        part.headers.push((offset..end, field, value));
        offset = end;
        if last {
            break;
        }
    }
    (part, offset)
}

fn layout(body: &[u8], boundary: &[u8]) -> Option<Layout> {
    let (start, mut next, mut last) = first_boundary(body, 0, boundary)?;
    let mut out = Layout {
        preamble: 0..start,
        first: start..next,
        parts: Vec::new(),
        trailer: body.len()..body.len(),
        cut: false,
    };
    while !last {
        if out.parts.len() >= MAX_MULTIPART_PARTS {
            out.cut = true;
            return Some(out);
        }
        let (mut part, body_start) = headers(body, next);
        match next_boundary(body, body_start, boundary) {
            Some((end, after, is_last)) => {
                part.body = Some((body_start..end, end..after, is_last));
                out.parts.push(part);
                (next, last) = (after, is_last);
            }
            None => {
                out.parts.push(part);
                return Some(out);
            }
        }
    }
    out.trailer = next..body.len();
    Some(out)
}

fn s(v: String) -> Value<'static> {
    Value::Str(Cow::Owned(v))
}

fn text(b: &[u8], r: &Range<usize>) -> String {
    format_text(b.get(r.clone()).unwrap_or_default())
}

/// The dissector a part of `content_type` is handed to, as `frame.protocols`
/// names it (a part without a type goes to `data`).
fn part_dissector(content_type: Option<&str>, body: &[u8]) -> &'static str {
    match content_type {
        Some(ct) => crate::fields::path::media::media_dissector(ct, body),
        None => "data",
    }
}

/// The layer of a part's body, by its dissector.
fn part_layer(
    dissector: &str,
    media_type: &str,
    body: &[u8],
    at: usize,
    r: &Range<usize>,
) -> Vec<Node> {
    match dissector {
        "data-text-lines" => vec![text_lines(media_type, body, r.clone())],
        "data" => vec![super::udp::data(body, at)],
        "media" => vec![super::body::media(media_type, body, r.clone())],
        "json" => {
            let mut out = Vec::new();
            super::body::json(media_type, body, r.clone(), &mut out);
            out
        }
        _ => Vec::new(),
    }
}

/// The multipart layer of `body` (its Content-Type `content_type`), every
/// item spanning `r` (the message's bytes in the packet), with the
/// protocols its parts add; None when the type has no boundary or the body
/// none of it (tshark then shows the body as media).
pub fn layer(
    content_type: &str,
    body: &[u8],
    r: Range<usize>,
) -> Option<(Node, Vec<&'static str>)> {
    let boundary = boundary(content_type)?;
    let lay = layout(body, boundary.as_bytes())?;
    let media_type = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let mut protocols = vec!["mime_multipart"];
    let mut n = Node::field(
        "mime_multipart",
        format!(
            "MIME Multipart Media Encapsulation, Type: {media_type}, Boundary: \"{}\"",
            format_text(boundary.as_bytes())
        ),
        r.clone(),
        Value::Present,
    );
    n.add(Node::field(
        "mime_multipart.type",
        format!("[Type: {media_type}]"),
        r.clone(),
        s(media_type.clone()),
    ));
    if !lay.preamble.is_empty() {
        let b = &body[lay.preamble.clone()];
        n.add(Node::field(
            "mime_multipart.preamble",
            format!("Preamble: {}", hex(b)),
            r.clone(),
            Value::Bytes(Cow::Owned(b.to_vec())),
        ));
    }
    n.add(Node::field(
        "mime_multipart.first_boundary",
        format!("First boundary: {}", text(body, &lay.first)),
        r.clone(),
        s(String::from_utf8_lossy(&body[lay.first.clone()]).into_owned()),
    ));
    for part in &lay.parts {
        let label = match &part.content_type {
            Some(ct) => format!(
                "Encapsulated multipart part:  ({})",
                format_text(ct.as_bytes())
            ),
            None => "Encapsulated multipart part: ".to_string(),
        };
        let mut p = Node::field("mime_multipart.part", label, r.clone(), s(String::new()));
        for (line, field, value) in &part.headers {
            let shown = text(body, line);
            p.add(match field {
                Some(f) => Node::field(f, shown, r.clone(), s(value.clone())),
                None => Node::text(shown, r.clone()),
            });
        }
        let Some((b, delimiter, last)) = &part.body else {
            n.add(p);
            continue;
        };
        let bytes = &body[b.clone()];
        if !bytes.is_empty() {
            let dissector = part_dissector(part.content_type.as_deref(), bytes);
            let ct = part.content_type.as_deref().unwrap_or("");
            for l in part_layer(dissector, ct, bytes, r.start, &r) {
                p.add(l);
            }
            protocols.push(dissector);
        }
        n.add(p);
        let (abbrev, name) = if *last {
            ("mime_multipart.last_boundary", "Last boundary")
        } else {
            ("mime_multipart.boundary", "Boundary")
        };
        n.add(Node::field(
            abbrev,
            format!("{name}: {}", text(body, delimiter)),
            r.clone(),
            s(String::from_utf8_lossy(&body[delimiter.clone()]).into_owned()),
        ));
    }
    if !lay.trailer.is_empty() {
        let b = &body[lay.trailer.clone()];
        n.add(Node::field(
            "mime_multipart.trailer",
            format!("Trailer: {}", hex(b)),
            r.clone(),
            Value::Bytes(Cow::Owned(b.to_vec())),
        ));
    }
    if lay.cut {
        n.add(Node::text(
            format!("[More than {MAX_MULTIPART_PARTS} parts (MAX_MULTIPART_PARTS): the rest is not laid out]"),
            r,
        ));
    }
    Some((n, protocols))
}

/// The dissectors a multipart body's parts add to `frame.protocols` after
/// `mime_multipart`, in order (empty when it has no boundary to cut on).
pub fn protocols(content_type: &str, body: &[u8]) -> Vec<&'static str> {
    let Some(boundary) = boundary(content_type) else {
        return Vec::new();
    };
    let Some(lay) = layout(body, boundary.as_bytes()) else {
        return Vec::new();
    };
    lay.parts
        .iter()
        .filter_map(|p| {
            let (b, _, _) = p.body.as_ref()?;
            let bytes = &body[b.clone()];
            (!bytes.is_empty()).then(|| part_dissector(p.content_type.as_deref(), bytes))
        })
        .collect()
}

/// Bytes as tshark shows an FT_BYTES value: hex, cut with `…` past 36 bytes.
fn hex(b: &[u8]) -> String {
    let shown: String = b.iter().take(36).map(|x| format!("{x:02x}")).collect();
    if b.len() > 36 {
        format!("{shown}…")
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(n: &Node) -> Vec<String> {
        let t = super::super::Tree {
            layers: vec![n.clone()],
        };
        t.walk()
            .into_iter()
            .map(|(d, n)| format!("{}{}", "    ".repeat(d), n.text))
            .collect()
    }

    #[test]
    fn two_parts_as_tshark_draws_them() {
        let body = b"--b\r\nContent-Disposition: form-data; name=\"a\"; filename=\"t.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nbye\n\r\n--b--\r\n";
        let (n, p) = layer("multipart/form-data; boundary=b", body, 0..0).expect("layer");
        assert_eq!(p, ["mime_multipart", "data-text-lines", "data-text-lines"]);
        assert_eq!(
            lines(&n),
            [
                "MIME Multipart Media Encapsulation, Type: multipart/form-data, Boundary: \"b\"",
                "    [Type: multipart/form-data]",
                "    First boundary: --b\\r\\n",
                "    Encapsulated multipart part:  (text/plain)",
                "        Content-Disposition: form-data; name=\"a\"; filename=\"t.txt\"\\r\\n",
                "        Content-Type: text/plain\\r\\n\\r\\n",
                "        Line-based text data: text/plain (1 lines)",
                "            hello\\n",
                "    Boundary: \\r\\n--b\\r\\n",
                "    Encapsulated multipart part:  (text/plain)",
                "        Content-Type: text/plain\\r\\n\\r\\n",
                "        Line-based text data: text/plain (1 lines)",
                "            bye\\n",
                "    Last boundary: \\r\\n--b--\\r\\n",
            ]
        );
        let cd = &n.children[2].children[0];
        assert_eq!(cd.abbrev, "mime_multipart.header.content-disposition");
        assert_eq!(
            cd.value,
            Some(s("form-data;name=\"a\";filename=\"t.txt\"".into()))
        );
        assert_eq!(
            protocols("multipart/form-data; boundary=\"b\"", body),
            ["data-text-lines", "data-text-lines"]
        );
    }

    #[test]
    fn preamble_trailer_and_an_unclosed_part() {
        let body = b"\r\n--x\r\nContent-Type: application/octet-stream\r\n\r\n\x01\x02\r\n--x--\r\nepilogue";
        let (n, p) = layer("multipart/byteranges; boundary=x", body, 0..0).expect("layer");
        assert_eq!(p, ["mime_multipart", "data"]);
        let l = lines(&n);
        assert_eq!(l[2], "    Preamble: 0d0a");
        assert_eq!(l[3], "    First boundary: --x\\r\\n");
        assert!(l.contains(&"        Data (2 bytes)".to_string()), "{l:#?}");
        assert_eq!(
            l.last().map(String::as_str),
            Some("    Trailer: 6570696c6f677565")
        );
        let open = b"--x\r\nContent-Type: text/plain\r\n\r\nno end";
        let (n, p) = layer("multipart/mixed; boundary=x", open, 0..0).expect("layer");
        assert_eq!(p, ["mime_multipart"]);
        assert_eq!(lines(&n).len(), 5);
        assert!(layer("multipart/mixed", open, 0..0).is_none());
        assert!(layer("multipart/mixed; boundary=y", open, 0..0).is_none());
    }

    #[test]
    fn hostile_bodies_stay_bounded() {
        let mut body = b"--b\r\n".to_vec();
        for _ in 0..MAX_MULTIPART_PARTS + 10 {
            body.extend_from_slice(b"x\r\n--b\r\n");
        }
        let (n, _) = layer("multipart/mixed; boundary=b", &body, 0..0).expect("layer");
        assert!(n
            .children
            .last()
            .is_some_and(|c| c.text.contains("MAX_MULTIPART_PARTS")));
        for cut in 0..40 {
            let b = b"--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n";
            let _ = layer("multipart/mixed; boundary=b", &b[..cut.min(b.len())], 0..0);
        }
    }
}
