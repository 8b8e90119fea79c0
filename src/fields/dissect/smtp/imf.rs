//! The Internet Message Format layer tshark 4.0 adds after the SMTP
//! segment that ends a message: a field per header (`imf.subject`,
//! `imf.from` with its mailbox items, `imf.to` with its address items,
//! `imf.content.type` with type and parameters, `imf.extension` for the
//! names it does not know), then the body: `Message-Text` line by line, or
//! for a Content-Type with parameters that type's layer (line-based text,
//! data).
//!
//! Fields are found as the Info is (`decode::app::imf`). A value runs to
//! two bytes before the field's end; when that length comes out as -1 (the
//! last field of a message with no blank line after it) tshark's item runs
//! to the end of the message, and so does ours.

use super::super::body::{format_text, text_lines};
use super::super::Node;
use crate::decode::app::imf::{field_end, wsp};
use crate::fields::Value;
use std::borrow::Cow;
use std::ops::Range;

pub use crate::decode::app::text_lines::MAX_MESSAGE;

/// How tshark dissects a header field's value.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Plain,
    Mailboxes,
    Addresses,
    ContentType,
}

/// The header fields tshark 4.0 knows: (lower-case name, its label, field).
const KNOWN: &[(&str, &str, &str, Kind)] = &[
    ("date", "Date", "imf.date", Kind::Plain),
    ("from", "From", "imf.from", Kind::Mailboxes),
    ("sender", "Sender", "imf.sender", Kind::Plain),
    ("reply-to", "Reply-To", "imf.reply_to", Kind::Addresses),
    ("to", "To", "imf.to", Kind::Addresses),
    ("cc", "Cc", "imf.cc", Kind::Addresses),
    ("bcc", "Bcc", "imf.bcc", Kind::Addresses),
    ("message-id", "Message-ID", "imf.message_id", Kind::Plain),
    ("in-reply-to", "In-Reply-To", "imf.in_reply_to", Kind::Plain),
    ("references", "References", "imf.references", Kind::Plain),
    ("subject", "Subject", "imf.subject", Kind::Plain),
    ("comments", "Comments", "imf.comments", Kind::Plain),
    ("user-agent", "User-Agent", "imf.user_agent", Kind::Plain),
    ("keywords", "Keywords", "imf.keywords", Kind::Plain),
    ("resent-date", "Resent-Date", "imf.resent.date", Kind::Plain),
    (
        "resent-from",
        "Resent-From",
        "imf.resent.from",
        Kind::Mailboxes,
    ),
    ("resent-to", "Resent-To", "imf.resent.to", Kind::Addresses),
    ("resent-cc", "Resent-Cc", "imf.resent.cc", Kind::Addresses),
    (
        "resent-bcc",
        "Resent-Bcc",
        "imf.resent.bcc",
        Kind::Addresses,
    ),
    (
        "resent-message-id",
        "Resent-Message-ID",
        "imf.resent.message_id",
        Kind::Plain,
    ),
    ("return-path", "Return-Path", "imf.return_path", Kind::Plain),
    ("received", "Received", "imf.received", Kind::Plain),
    (
        "content-type",
        "Content-Type",
        "imf.content.type",
        Kind::ContentType,
    ),
    (
        "content-description",
        "Content-Description",
        "imf.content.description",
        Kind::Plain,
    ),
    ("content-id", "Content-ID", "imf.content.id", Kind::Plain),
    (
        "content-transfer-encoding",
        "Content-Transfer-Encoding",
        "imf.content.transfer_encoding",
        Kind::Plain,
    ),
    (
        "mime-version",
        "MIME-Version",
        "imf.mime_version",
        Kind::Plain,
    ),
    (
        "delivered-to",
        "Delivered-To",
        "imf.delivered_to",
        Kind::Plain,
    ),
    ("x-mailer", "X-Mailer", "imf.ext.mailer", Kind::Plain),
    (
        "x-original-to",
        "X-Original-To",
        "imf.ext.original-to",
        Kind::Plain,
    ),
    (
        "x-virus-scanned",
        "X-Virus-Scanned",
        "imf.ext.virus_scanned",
        Kind::Plain,
    ),
    ("precedence", "Precedence", "imf.precedence", Kind::Plain),
    ("lines", "Lines", "imf.lines", Kind::Plain),
];

fn s(v: &[u8]) -> Value<'static> {
    Value::Str(Cow::Owned(String::from_utf8_lossy(v).into_owned()))
}

/// The items of an address or mailbox list (`v`: the value with its line
/// end), each with its display name and address.
fn items(n: &mut Node, v: &[u8], item: &'static str, r: &Range<usize>) {
    let parts: Vec<&[u8]> = v.split(|&b| b == b',').collect();
    let count = parts.len();
    n.text.push_str(&format!(
        ", {count} item{}",
        if count == 1 { "" } else { "s" }
    ));
    for p in parts {
        let i = n.add(Node::field(
            item,
            format!("Item: {}", format_text(p)),
            r.clone(),
            s(p),
        ));
        let angle = p.iter().position(|&b| b == b'<');
        let close = p.iter().rposition(|&b| b == b'>');
        match (angle, close) {
            (Some(a), Some(c)) if c > a => {
                let name = p[..a].trim_ascii();
                if !name.is_empty() {
                    i.add(Node::field(
                        "imf.display_name",
                        format!("Display-Name: {}", format_text(name)),
                        r.clone(),
                        s(name),
                    ));
                }
                let addr = &p[a + 1..c];
                i.add(Node::field(
                    "imf.address",
                    format!("Address: {}", format_text(addr)),
                    r.clone(),
                    s(addr),
                ));
            }
            _ => {
                i.add(Node::field(
                    "imf.address",
                    format!("Address: {}", format_text(p)),
                    r.clone(),
                    s(p),
                ));
            }
        }
    }
}

/// The body after a Content-Type with parameters: its layer and protocol.
fn media(ct: &[u8], body: &[u8], r: &Range<usize>) -> Option<(Node, Vec<&'static str>)> {
    let ct = String::from_utf8_lossy(ct);
    let raw = ct.split(';').next().unwrap_or("").trim();
    let lower = raw.to_ascii_lowercase();
    if lower.starts_with("text/") {
        return Some((text_lines(raw, body, r.clone()), vec!["data-text-lines"]));
    }
    if lower.starts_with("multipart/") {
        return super::super::multipart::layer(&ct, body, r.clone());
    }
    if lower == "application/octet-stream" {
        return Some((super::super::udp::data(body, r.start), vec!["data"]));
    }
    None
}

/// The IMF layer of message `m` (the DATA bytes before the closing `.`),
/// with the protocols its body adds to `frame.protocols`.
pub fn message(m: &[u8], r: Range<usize>) -> (Node, Vec<&'static str>) {
    let mut layer = Node::field("imf", "Internet Message Format", r.clone(), Value::Present);
    let mut start = 0;
    let mut body_at = 0;
    let mut content_type: Option<&[u8]> = None;
    while let Some(colon) = m[start..].iter().position(|&b| b == b':') {
        let colon = start + colon;
        let key_raw = &m[start..colon];
        let key = String::from_utf8_lossy(key_raw).to_ascii_lowercase();
        let value_start = colon + 1;
        let Some((end, last)) = field_end(m, value_start) else {
            break;
        };
        let v = (value_start..end)
            .find(|&i| !m[i].is_ascii_whitespace())
            .unwrap_or(value_start);
        // The item's length, end - v - 2: -1 runs to the end of the message.
        let shown: &[u8] = match (end as isize) - (v as isize) - 2 {
            len if len >= 0 => &m[v..v + len as usize],
            -1 => &m[v..],
            _ => b"",
        };
        let list = m.get(v..end).unwrap_or_default();
        match KNOWN.iter().find(|k| k.0 == key) {
            Some(&(_, label, abbrev, kind)) => {
                let n = layer.add(Node::field(
                    abbrev,
                    format!("{label}: {}", format_text(shown)),
                    r.clone(),
                    s(shown),
                ));
                match kind {
                    Kind::Mailboxes => items(n, list, "imf.mailbox_list.item", &r),
                    Kind::Addresses => items(n, list, "imf.address_list.item", &r),
                    Kind::ContentType => {
                        if let Some(semi) = shown.iter().position(|&b| b == b';') {
                            let (t, p) = (&shown[..semi], &shown[semi + 1..]);
                            n.add(Node::field(
                                "imf.content.type.type",
                                format!("Type: {}", format_text(t)),
                                r.clone(),
                                s(t),
                            ));
                            n.add(Node::field(
                                "imf.content.type.parameters",
                                format!("Parameters: {}", format_text(p)),
                                r.clone(),
                                s(p),
                            ));
                            content_type = Some(shown);
                        }
                    }
                    Kind::Plain => {}
                }
            }
            None => {
                // The whole field, name and value, less its line end.
                let whole = m.get(start..end.saturating_sub(2)).unwrap_or_default();
                let e = layer.add(Node::field(
                    "imf.extension",
                    format!(
                        "Unknown-Extension: {} (Contact Wireshark developers if you want this supported.)",
                        format_text(whole)
                    ),
                    r.clone(),
                    s(whole),
                ));
                e.add(Node::field(
                    "imf.extension.type",
                    format!("Type: {}", format_text(key_raw)),
                    r.clone(),
                    s(key_raw),
                ));
                e.add(Node::field(
                    "imf.extension.value",
                    format!("Value: {}", format_text(shown)),
                    r.clone(),
                    s(shown),
                ));
            }
        }
        start = end;
        if last {
            body_at = (end + 2).min(m.len());
            break;
        }
    }
    let body = &m[body_at..];
    let mut protocols = Vec::new();
    match content_type {
        Some(ct) => {
            if let Some((n, p)) = media(ct, body, &r) {
                layer.add(n);
                protocols.extend(p);
            }
        }
        None => {
            let t = layer.add(Node::field(
                "imf.message_text",
                "Message-Text",
                r.clone(),
                Value::Present,
            ));
            let mut rest = body;
            while !rest.is_empty() {
                // A line ends at CRLF, LF or a lone CR (`tvb_find_line_end`).
                let len = match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
                    Some(i) if rest[i..].starts_with(b"\r\n") => i + 2,
                    Some(i) => i + 1,
                    None => rest.len(),
                };
                t.add(Node::text(wsp(&rest[..len]), r.clone()));
                rest = &rest[len..];
            }
        }
    }
    (layer, protocols)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(m: &[u8]) -> Vec<String> {
        let t = super::super::super::Tree {
            layers: vec![message(m, 0..0).0],
        };
        t.walk()
            .iter()
            .skip(1)
            .map(|(_, n)| n.text.clone())
            .collect()
    }

    #[test]
    fn fields_as_tshark() {
        // smtp-imf-mime.pcap frame 14, as tshark 4.0 shows it.
        assert_eq!(
            texts(
                b"From: \"Alice A.\" <a@x.test>\r\nTo: b@x.test, c@x.test\r\nSubject: two parts\r\n\
                  MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nline one\r\n"
            ),
            [
                "From: \"Alice A.\" <a@x.test>, 1 item",
                "Item: \"Alice A.\" <a@x.test>\\r\\n",
                "Display-Name: \"Alice A.\"",
                "Address: a@x.test",
                "To: b@x.test, c@x.test, 2 items",
                "Item: b@x.test",
                "Address: b@x.test",
                "Item:  c@x.test\\r\\n",
                "Address:  c@x.test\\r\\n",
                "Subject: two parts",
                "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=us-ascii",
                "Type: text/plain",
                "Parameters:  charset=us-ascii",
                "Line-based text data: text/plain (1 lines)",
                "line one\\r\\n",
            ]
        );
    }

    #[test]
    fn odd_messages_as_tshark() {
        // Frames 107, 127 and 77.
        assert_eq!(
            texts(b"From: x\r\n"),
            [
                "From: x\\r\\n, 1 item",
                "Item: x",
                "Address: x",
                "Message-Text"
            ]
        );
        assert_eq!(
            texts(b"X: y\r\n"),
            [
                "Unknown-Extension: X: (Contact Wireshark developers if you want this supported.)",
                "Type: X",
                "Value: y\\r\\n",
                "Message-Text"
            ]
        );
        assert_eq!(
            texts(b"no header here\r\nsecond\r\n"),
            ["Message-Text", "no header here  ", "second  "]
        );
        assert_eq!(texts(b""), ["Message-Text"]);
        assert_eq!(texts(b":"), ["Message-Text", ":"]);
        assert_eq!(texts(b"From:\r\n")[0], "From: , 1 item");
    }
}
