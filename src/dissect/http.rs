//! HTTP: the messages the HTTP index completes in this packet, each header a
//! field (`http.host`, `http.user_agent`, ...), the request line's parts,
//! the full request URI, and the body's size; or the `Data` layer for TCP
//! payload nothing dissects.

use super::Node;
use crate::decode::Transport;
use crate::fields::{PacketView, Value};
use crate::http::parse::StartLine;
use std::borrow::Cow;

/// The field of a header, as Wireshark names it.
fn header_field(name: &str, request: bool) -> &'static str {
    match name.to_ascii_lowercase().as_str() {
        "host" => "http.host",
        "user-agent" => "http.user_agent",
        "accept" => "http.accept",
        "accept-encoding" => "http.accept_encoding",
        "accept-language" => "http.accept_language",
        "connection" => "http.connection",
        "content-type" => "http.content_type",
        "content-length" => "http.content_length_header",
        "content-encoding" => "http.content_encoding",
        "transfer-encoding" => "http.transfer_encoding",
        "server" => "http.server",
        "date" => "http.date",
        "location" => "http.location",
        "referer" => "http.referer",
        "cookie" => "http.cookie",
        "set-cookie" => "http.set_cookie",
        "cache-control" => "http.cache_control",
        "last-modified" => "http.last_modified",
        "authorization" => "http.authorization",
        "upgrade" => "http.upgrade",
        _ if request => "http.request.line",
        _ => "http.response.line",
    }
}

fn s(v: &str) -> Value<'static> {
    Value::Str(Cow::Owned(v.to_string()))
}

/// The packet carries part of an HTTP message that spans several packets:
/// tshark calls its payload "TCP segment data" and dissects the message
/// once, where it completes.
pub fn is_segment(view: &PacketView<'_>) -> bool {
    let Some(h) = view.http else { return false };
    h.segment_of(&view.trace.store, &view.trace.conversations, view.index)
        .is_some()
        || h.at_packet(view.index)
            .iter()
            .any(|m| m.first_packet as usize != view.index)
}

pub fn layers(view: &PacketView<'_>, out: &mut Vec<Node>, protocols: &mut Vec<&'static str>) {
    let d = &view.decoded;
    let Transport::Tcp(t) = &d.transport else {
        return;
    };
    let payload = t.payload();
    let at = d.payload_offset().unwrap_or(0);
    let r = at..at + payload.len();
    let messages = view
        .http
        .map(|h| h.at_packet(view.index))
        .unwrap_or_default();
    let mut any = false;
    for m in messages {
        let Some(head) = m.head(&view.trace.store) else {
            continue;
        };
        if !any {
            protocols.push("http");
            any = true;
        }
        let mut n = Node::field(
            "http",
            "Hypertext Transfer Protocol",
            r.clone(),
            Value::Present,
        );
        let request = head.is_request();
        let line = head.start_line_info();
        let line = line.trim_end();
        let shown = format!("{line}\\r\\n");
        let sl = n.add(Node::text(shown.clone(), r.clone()));
        sl.expert("Chat", "Sequence", &shown);
        match &head.start {
            StartLine::Request {
                method,
                uri,
                version,
            } => {
                let sl = n.children.last_mut().expect("start line just added");
                sl.add(Node::field(
                    "http.request.method",
                    format!("Request Method: {method}"),
                    r.clone(),
                    s(method),
                ));
                sl.add(Node::field(
                    "http.request.uri",
                    format!("Request URI: {uri}"),
                    r.clone(),
                    s(uri),
                ));
                sl.add(Node::field(
                    "http.request.version",
                    format!("Request Version: {version}"),
                    r.clone(),
                    s(version),
                ));
            }
            StartLine::Response {
                version,
                code,
                reason,
            } => {
                let sl = n.children.last_mut().expect("start line just added");
                sl.add(Node::field(
                    "http.response.version",
                    format!("Response Version: {version}"),
                    r.clone(),
                    s(version),
                ));
                sl.add(Node::field(
                    "http.response.code",
                    format!("Status Code: {code}"),
                    r.clone(),
                    Value::UInt(u64::from(*code)),
                ));
                sl.add(Node::field(
                    "http.response.code.desc",
                    format!("[Status Code Description: {reason}]"),
                    r.clone(),
                    s(reason),
                ));
                sl.add(Node::field(
                    "http.response.phrase",
                    format!("Response Phrase: {reason}"),
                    r.clone(),
                    s(reason),
                ));
            }
        }
        for (name, value) in &head.headers {
            let abbrev = header_field(name, request);
            let text = format!("{name}: {value}\\r\\n");
            let v = if abbrev.ends_with(".line") {
                s(&format!("{name}: {value}\r\n"))
            } else {
                s(value)
            };
            let h = n.add(Node::field(abbrev, text, r.clone(), v));
            if abbrev == "http.content_length_header" {
                if let Ok(len) = value.trim().parse::<u64>() {
                    h.add(Node::field(
                        "http.content_length",
                        format!("[Content length: {len}]"),
                        r.clone(),
                        Value::UInt(len),
                    ));
                }
            }
        }
        n.add(Node::text("\\r\\n", r.clone()));
        if let (true, Some(host), Some(uri)) = (request, head.header("host"), head.uri()) {
            let full = if uri.starts_with('/') {
                format!("http://{host}{uri}")
            } else {
                uri.to_string()
            };
            n.add(Node::field(
                "http.request.full_uri",
                format!("[Full request URI: {full}]"),
                0..0,
                s(&full),
            ));
        }
        if !m.body.is_empty() {
            n.add(Node::field(
                "http.file_data",
                format!("File Data: {} bytes", m.body.len),
                r.clone(),
                Value::Present,
            ));
        }
        out.push(n);
    }
    if !any && !payload.is_empty() && !is_segment(view) {
        protocols.push("data");
        out.push(super::udp::data(payload, at));
    }
}
