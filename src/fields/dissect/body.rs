//! The layers tshark 4.0 adds after an HTTP message for its body, by media
//! type: "Line-based text data" (one line per item), "JavaScript Object
//! Notation" (the value tree with its paths; a body that does not parse
//! falls back to line-based text, as tshark's does) and "Media Type".

use super::Node;
use crate::fields::Value;
use crate::limits::MAX_JSON_DEPTH;
use std::borrow::Cow;
use std::ops::Range;

/// Text as Wireshark's `format_text` shows it: UTF-8 kept (invalid bytes as
/// U+FFFD), C escapes for the usual controls, octal for the others.
pub fn format_text(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\{:03o}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// "Line-based text data: TYPE (N lines)", each line with its end.
pub fn text_lines(media_type: &str, body: &[u8], r: Range<usize>) -> Node {
    let lines: Vec<&[u8]> = body.split_inclusive(|&b| b == b'\n').collect();
    let mut n = Node::field(
        "data-text-lines",
        format!("Line-based text data: {media_type} ({} lines)", lines.len()),
        r.clone(),
        Value::Present,
    );
    for l in lines {
        n.add(Node::text(format_text(l), r.clone()));
    }
    n
}

/// "Media Type": what tshark shows for a body no dissector takes.
pub fn media(media_type: &str, body: &[u8], r: Range<usize>) -> Node {
    let mut n = Node::field("media", "Media Type", r.clone(), Value::Present);
    n.add(Node::field(
        "media.type",
        format!("Media type: {media_type} ({} bytes)", body.len()),
        r,
        Value::Str(Cow::Owned(media_type.to_string())),
    ));
    n
}

/// The JSON layers of a body: the value tree, or (the body not being JSON)
/// the empty heading and the body as line-based text, as tshark shows it.
/// Returns whether the fallback was taken.
pub fn json(media_type: &str, body: &[u8], r: Range<usize>, out: &mut Vec<Node>) -> bool {
    let mut n = Node::field(
        "json",
        format!("JavaScript Object Notation: {media_type}"),
        r.clone(),
        Value::Present,
    );
    let mut p = Parser {
        b: body,
        at: 0,
        r: r.clone(),
        depth_hit: false,
    };
    p.ws();
    let parsed = p.value("", None, 0);
    p.ws();
    match parsed {
        Some(v) if p.at == body.len() => {
            n.add(v);
            out.push(n);
            false
        }
        _ => {
            if p.depth_hit {
                n.add(Node::text(
                    format!("[JSON nested deeper than {MAX_JSON_DEPTH} (limits::MAX_JSON_DEPTH)]"),
                    r.clone(),
                ));
            }
            out.push(n);
            out.push(text_lines(media_type, body, r));
            true
        }
    }
}

/// A scalar's display: (tree text, value as the paths show it, field).
struct Scalar {
    text: String,
    shown: String,
    abbrev: &'static str,
}

struct Parser<'b> {
    b: &'b [u8],
    at: usize,
    r: Range<usize>,
    depth_hit: bool,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while matches!(self.b.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.b.get(self.at) == Some(&c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    /// A value at `path`; `key` is the member's key (None in an array).
    fn value(&mut self, path: &str, key: Option<&str>, depth: usize) -> Option<Node> {
        self.ws();
        match *self.b.get(self.at)? {
            b'{' => {
                if depth >= MAX_JSON_DEPTH as usize {
                    self.depth_hit = true;
                    return None;
                }
                self.at += 1;
                let mut n = Node::field("json.object", "Object", self.r.clone(), Value::Present);
                if self.eat(b'}') {
                    return Some(n);
                }
                loop {
                    self.ws();
                    let k = self.string()?;
                    if !self.eat(b':') {
                        return None;
                    }
                    let child = format!("{path}/{k}");
                    n.add(self.member(&child, &k, depth + 1)?);
                    if self.eat(b'}') {
                        return Some(n);
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            b'[' => {
                if depth >= MAX_JSON_DEPTH as usize {
                    self.depth_hit = true;
                    return None;
                }
                self.at += 1;
                let mut n = Node::field("json.array", "Array", self.r.clone(), Value::Present);
                if self.eat(b']') {
                    return Some(n);
                }
                let child = format!("{path}/[]");
                loop {
                    let v = self.value(&child, None, depth + 1)?;
                    if v.abbrev == "json.scalar" {
                        n.children.extend(v.children);
                    } else {
                        n.add(v);
                    }
                    if self.eat(b']') {
                        return Some(n);
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            _ => {
                let s = self.scalar()?;
                // A scalar: its lines go straight into the parent (the
                // member or the array), marked for the caller to unwrap.
                let mut n = Node::new("json.scalar", "", self.r.clone());
                self.scalar_lines(&mut n, path, key.unwrap_or("[]"), s);
                Some(n)
            }
        }
    }

    fn scalar_lines(&self, n: &mut Node, path: &str, key: &str, s: Scalar) {
        let r = self.r.clone();
        n.add(Node::field(
            "json.path_with_value",
            format!("[Path with value: {path}:{}]", s.shown),
            r.clone(),
            Value::Str(Cow::Owned(format!("{path}:{}", s.shown))),
        ));
        n.add(Node::field(
            "json.member_with_value",
            format!("[Member with value: {key}:{}]", s.shown),
            r.clone(),
            Value::Str(Cow::Owned(format!("{key}:{}", s.shown))),
        ));
        n.add(Node::field(
            s.abbrev,
            s.text,
            r,
            Value::Str(Cow::Owned(s.shown)),
        ));
    }

    fn member(&mut self, path: &str, key: &str, depth: usize) -> Option<Node> {
        let r = self.r.clone();
        let mut m = Node::field(
            "json.member",
            format!("Member: {}", format_text(key.as_bytes())),
            r.clone(),
            Value::Present,
        );
        let v = self.value(path, Some(key), depth)?;
        if v.abbrev == "json.scalar" {
            m.children.extend(v.children);
        } else {
            m.add(v);
        }
        m.add(Node::field(
            "json.key",
            format!("Key: {}", format_text(key.as_bytes())),
            r.clone(),
            Value::Str(Cow::Owned(key.to_string())),
        ));
        m.add(Node::field(
            "json.path",
            format!("[Path: {path}]"),
            r,
            Value::Str(Cow::Owned(path.to_string())),
        ));
        Some(m)
    }

    fn scalar(&mut self) -> Option<Scalar> {
        let word = |p: &mut Self, w: &str, text: &str, abbrev: &'static str| {
            p.b[p.at..].starts_with(w.as_bytes()).then(|| {
                p.at += w.len();
                Scalar {
                    text: text.to_string(),
                    shown: w.to_string(),
                    abbrev,
                }
            })
        };
        match *self.b.get(self.at)? {
            b'"' => {
                let s = self.string()?;
                let shown = format_text(s.as_bytes());
                Some(Scalar {
                    text: format!("String value: {shown}"),
                    shown,
                    abbrev: "json.value.string",
                })
            }
            b't' => word(self, "true", "True value", "json.value.true"),
            b'f' => word(self, "false", "False value", "json.value.false"),
            b'n' => word(self, "null", "Null value", "json.value.null"),
            b'-' | b'0'..=b'9' => {
                let start = self.at;
                if self.b[self.at] == b'-' {
                    self.at += 1;
                }
                let digits = |p: &mut Self| {
                    let s = p.at;
                    while p.b.get(p.at).is_some_and(u8::is_ascii_digit) {
                        p.at += 1;
                    }
                    p.at > s
                };
                if !digits(self) {
                    return None;
                }
                if self.b.get(self.at) == Some(&b'.') {
                    self.at += 1;
                    if !digits(self) {
                        return None;
                    }
                }
                if matches!(self.b.get(self.at), Some(b'e' | b'E')) {
                    self.at += 1;
                    if matches!(self.b.get(self.at), Some(b'+' | b'-')) {
                        self.at += 1;
                    }
                    if !digits(self) {
                        return None;
                    }
                }
                let shown = String::from_utf8_lossy(&self.b[start..self.at]).into_owned();
                Some(Scalar {
                    text: format!("Number value: {shown}"),
                    shown,
                    abbrev: "json.value.number",
                })
            }
            _ => None,
        }
    }

    /// A string at the cursor, its escapes undone.
    fn string(&mut self) -> Option<String> {
        if self.b.get(self.at) != Some(&b'"') {
            return None;
        }
        self.at += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let c = *self.b.get(self.at)?;
            self.at += 1;
            match c {
                b'"' => return Some(String::from_utf8_lossy(&out).into_owned()),
                b'\\' => {
                    let e = *self.b.get(self.at)?;
                    self.at += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hex = |p: &mut Self| -> Option<u32> {
                                let h = p.b.get(p.at..p.at + 4)?;
                                p.at += 4;
                                u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()
                            };
                            let mut u = hex(self)?;
                            if (0xd800..0xdc00).contains(&u)
                                && self.b.get(self.at..self.at + 2) == Some(b"\\u")
                            {
                                self.at += 2;
                                let lo = hex(self)?;
                                u = 0x10000
                                    + ((u - 0xd800) << 10)
                                    + (lo.wrapping_sub(0xdc00) & 0x3ff);
                            }
                            char::from_u32(u).unwrap_or('\u{fffd}')
                        }
                        _ => return None,
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                c if c < 0x20 => return None,
                c => out.push(c),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::dissect::{write_verbose, Tree};

    fn text(layers: Vec<Node>) -> String {
        let mut s = String::new();
        write_verbose(&Tree { layers }, &mut s);
        s
    }

    #[test]
    fn format_text_as_wireshark() {
        assert_eq!(
            format_text(b"a\tb\r\n\x01\x7f\xff\\b\x0b\x07\x1b"),
            "a\\tb\\r\\n\\001\\177\u{fffd}\\b\\v\\a\\033"
        );
    }

    #[test]
    fn text_lines_keep_their_ends() {
        let n = text_lines("text/plain", b"a\r\nb\nc", 0..0);
        assert_eq!(
            text(vec![n]),
            "Line-based text data: text/plain (3 lines)\n    a\\r\\n\n    b\\n\n    c\n"
        );
    }

    #[test]
    fn json_tree_with_paths() {
        let mut out = Vec::new();
        assert!(!json(
            "application/json",
            br#" {"k":[1,{"x":null}],"e":{}} "#,
            0..0,
            &mut out
        ));
        let expected = "JavaScript Object Notation: application/json
    Object
        Member: k
            Array
                [Path with value: /k/[]:1]
                [Member with value: []:1]
                Number value: 1
                Object
                    Member: x
                        [Path with value: /k/[]/x:null]
                        [Member with value: x:null]
                        Null value
                        Key: x
                        [Path: /k/[]/x]
            Key: k
            [Path: /k]
        Member: e
            Object
            Key: e
            [Path: /e]
";
        assert_eq!(text(out), expected);
    }

    #[test]
    fn json_that_does_not_parse_falls_back_to_text() {
        for bad in [
            &b"{\"a\": [1, 2"[..],
            b"[1,]",
            b"{} x",
            b"\"\\q\"",
            b"-",
            b"1.e5",
        ] {
            let mut out = Vec::new();
            assert!(json("application/json", bad, 0..0, &mut out), "{bad:?}");
            assert_eq!(out.len(), 2);
            assert!(out[0].children.is_empty());
        }
    }

    #[test]
    fn json_depth_is_bounded() {
        let deep = "[".repeat(MAX_JSON_DEPTH as usize + 5);
        let mut out = Vec::new();
        assert!(json("application/json", deep.as_bytes(), 0..0, &mut out));
        assert_eq!(out[0].children.len(), 1, "the limit is reported");
        let ok = format!(
            "{}{}",
            "[".repeat(MAX_JSON_DEPTH as usize),
            "]".repeat(MAX_JSON_DEPTH as usize)
        );
        let mut out = Vec::new();
        assert!(!json("application/json", ok.as_bytes(), 0..0, &mut out));
    }
}
