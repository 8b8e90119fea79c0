//! SSDP (UDP 1900): HTTP over UDP, drawn as tshark 4.0's HTTP dissector
//! does it under the name "Simple Service Discovery Protocol": the start
//! line with its parts, one item per header line (`http.host`, ...), the
//! blank line, the full request URI and the request or response number.

use super::body::format_text;
use super::Node;
use crate::fields::Value;
use std::borrow::Cow;

/// Most header lines drawn (a datagram holds at most 64 KiB of them).
const MAX_LINES: usize = 1000;

fn s(v: &[u8]) -> Value<'static> {
    Value::Str(Cow::Owned(String::from_utf8_lossy(v).into_owned()))
}

/// The SSDP layer of a datagram's payload at frame offset `at`, or `None`
/// when its first line is not an HTTP start line.
pub fn layer(msg: &[u8], at: usize) -> Option<Node> {
    let mut lines = Vec::new();
    let mut start = 0;
    while start < msg.len() && lines.len() < MAX_LINES {
        let end = msg[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(msg.len(), |p| start + p + 1);
        lines.push(start..end);
        start = end;
    }
    let first = lines.first()?.clone();
    let line = trim_end(&msg[first.clone()]);
    let parts: Vec<&[u8]> = line.splitn(3, |&b| b == b' ').collect();
    let request = match parts.as_slice() {
        [v, ..] if v.starts_with(b"HTTP/") => false,
        [_, _, v] if v.starts_with(b"HTTP/") => true,
        _ => return None,
    };
    let mut n = Node::field(
        "ssdp",
        "Simple Service Discovery Protocol",
        at..at + msg.len(),
        Value::Present,
    );
    let fr = at + first.start..at + first.end;
    let shown = format_text(&msg[first.clone()]);
    let sl = n.add(Node::text(shown.clone(), fr.clone()));
    sl.expert("Chat", "Sequence", &shown);
    let word = |i: usize| parts.get(i).copied().unwrap_or_default();
    let fields: [(&'static str, &str, &[u8]); 3] = if request {
        [
            ("http.request.method", "Request Method", word(0)),
            ("http.request.uri", "Request URI", word(1)),
            ("http.request.version", "Request Version", word(2)),
        ]
    } else {
        [
            ("http.response.version", "Response Version", word(0)),
            ("http.response.code", "Status Code", word(1)),
            ("http.response.phrase", "Response Phrase", word(2)),
        ]
    };
    for (abbrev, label, v) in fields {
        if abbrev == "http.response.phrase" {
            sl.add(Node::field(
                "http.response.code.desc",
                format!("[Status Code Description: {}]", format_text(v)),
                fr.clone(),
                s(v),
            ));
        }
        sl.add(Node::field(
            abbrev,
            format!("{label}: {}", format_text(v)),
            fr.clone(),
            s(v),
        ));
    }
    let mut host = None;
    for r in &lines[1..] {
        let raw = &msg[r.clone()];
        let text = format_text(raw);
        let lr = at + r.start..at + r.end;
        let body = trim_end(raw);
        if body.is_empty() {
            n.add(Node::text(text, lr));
            break;
        }
        let (name, value) = match body.iter().position(|&b| b == b':') {
            Some(c) => (&body[..c], trim_start(&body[c + 1..])),
            None => (body, &b""[..]),
        };
        let name = String::from_utf8_lossy(name);
        let abbrev = super::http::header_field(&name, request);
        if abbrev == "http.host" {
            host = Some(String::from_utf8_lossy(value).into_owned());
        }
        let v = if abbrev.ends_with(".line") {
            s(raw)
        } else {
            s(value)
        };
        n.add(Node::field(abbrev, text, lr, v));
    }
    if request {
        if let Some(host) = host {
            let full = format!("http://{host}{}", String::from_utf8_lossy(word(1)));
            n.add(Node::field(
                "http.request.full_uri",
                format!("[Full request URI: {}]", format_text(full.as_bytes())),
                0..0,
                Value::Str(Cow::Owned(full)),
            ));
        }
        n.add(Node::field(
            "http.request_number",
            "[HTTP request 1/1]",
            0..0,
            Value::UInt(1),
        ));
    } else {
        n.add(Node::field(
            "http.response_number",
            "[HTTP response 1/1]",
            0..0,
            Value::UInt(1),
        ));
    }
    Some(n)
}

fn trim_end(b: &[u8]) -> &[u8] {
    let b = b.strip_suffix(b"\n").unwrap_or(b);
    b.strip_suffix(b"\r").unwrap_or(b)
}

fn trim_start(b: &[u8]) -> &[u8] {
    let i = b.iter().position(|&c| c != b' ' && c != b'\t');
    i.map_or(&b""[..], |i| &b[i..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn m_search_as_tshark() {
        let n = layer(
            b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMX: 1\r\n\r\n",
            42,
        )
        .expect("ssdp");
        let t: Vec<&str> = n.children.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            t,
            [
                "M-SEARCH * HTTP/1.1\\r\\n",
                "HOST: 239.255.255.250:1900\\r\\n",
                "MX: 1\\r\\n",
                "\\r\\n",
                "[Full request URI: http://239.255.255.250:1900*]",
                "[HTTP request 1/1]",
            ]
        );
        assert_eq!(n.children[1].abbrev, "http.host");
        assert!(layer(b"hello\r\n", 0).is_none());
        assert!(layer(b"", 0).is_none());
        let r = layer(b"HTTP/1.1 200", 0).expect("response");
        assert_eq!(r.children[0].children[2].text, "Status Code: 200");
    }
}
