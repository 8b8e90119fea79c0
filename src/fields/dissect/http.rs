//! HTTP: the messages the HTTP index completes in this packet, each header a
//! field (`http.host`, `http.user_agent`, ...), the request line's parts,
//! the full request URI, and the body's size (its media layers are
//! `body`'s); or the `Data` layer for TCP
//! payload nothing dissects.

pub mod chunked;
mod file_data;
mod lines;

use super::Node;
use crate::decode::Transport;
use crate::fields::{PacketView, Value};
use crate::http::parse::StartLine;
use crate::http::{Message, MessageRef, Role};
use std::borrow::Cow;

/// The field of a header, as Wireshark names it.
pub(super) fn header_field(name: &str, request: bool) -> &'static str {
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

/// The dissector Wireshark hands a body of this media type to, as named in
/// `frame.protocols`.
fn media_protocol(content_type: &str) -> Option<&'static str> {
    let t = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    Some(match t.as_str() {
        "text/html"
        | "text/plain"
        | "text/css"
        | "text/javascript"
        | "application/x-javascript" => "data-text-lines",
        "text/xml" | "application/xml" => "xml",
        "application/json" => "json",
        "image/jpeg" => "image-jfif",
        "image/gif" => "image-gif",
        "image/png" => "png",
        "application/x-www-form-urlencoded" => "urlencoded-form",
        t if t.starts_with("multipart/") => "mime_multipart",
        "" => return None,
        _ => "media",
    })
}

/// The media type as tshark names a body layer: lowercase, parameters off.
fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
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

/// "[N Reassembled TCP Segments (B bytes): #8(1448), ...]": the packets of
/// the connection's direction whose payload holds the message's bytes.
fn reassembled(view: &PacketView<'_>, m: &Message, bytes: Option<&[u8]>) -> Option<Node> {
    let pdu = super::segments::Pdu {
        first_packet: m.first_packet as usize,
        last_packet: m.last_packet as usize,
        start: m.start,
        end: m.end,
    };
    let (parts, _) = super::segments::pieces(view, pdu, false);
    super::segments::node(&parts, m.end - m.start, bytes)
}

pub fn layers(view: &PacketView<'_>, out: &mut Vec<Node>, protocols: &mut Vec<&'static str>) {
    let d = &view.decoded;
    let Transport::Tcp(t) = &d.transport else {
        return;
    };
    let payload = t.payload();
    let at = d.payload_offset().unwrap_or(0);
    let r = at..at + payload.len();
    let mut refs: Vec<(MessageRef, &Message)> = match view.http {
        Some(h) => h
            .refs_at_packet(view.index)
            .iter()
            .filter_map(|r| Some((*r, h.message(*r)?)))
            .collect(),
        None => Vec::new(),
    };
    refs.sort_by_key(|(_, m)| (m.start, !m.is_request()));
    let store = &view.trace.store;
    let ts = |i: u32| {
        store
            .entry(i as usize)
            .filter(|e| e.has_timestamp())
            .map(|e| e.ts_ns)
    };
    let mut any = false;
    let mut body_protocol: Option<(&'static str, Option<&'static str>)> = None;
    for (mref, m) in refs {
        let Some(head) = m.head(store) else { continue };
        let Some(http) = view.http else { continue };
        if !any {
            protocols.push("http");
            any = true;
        }
        let reassembled_here = m.first_packet as usize != view.index;
        let chunked = m.framing() == crate::http::parse::Framing::Chunked;
        let streams = (reassembled_here || !m.body().is_empty() || chunked)
            .then(|| http.streams(store, &view.trace.conversations, m.conversation));
        if reassembled_here {
            let tcp_bytes = streams
                .as_ref()
                .filter(|_| http.tls.of_conversation(m.conversation).is_none())
                .and_then(|st| {
                    let b = &st[m.dir.index()].bytes;
                    b.get(usize::try_from(m.start).ok()?..usize::try_from(m.end).ok()?)
                });
            if let Some(seg) = reassembled(view, m, tcp_bytes) {
                out.push(seg);
            }
        }
        let tr = http.transactions.get(mref.transaction as usize);
        let number = tr.map_or(1, |t| t.number + 1);
        let prev = mref
            .transaction
            .checked_sub(1)
            .and_then(|i| http.transactions.get(i as usize))
            .filter(|p| tr.is_some_and(|t| t.conversation == p.conversation));
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
        let raw = lines::header_lines(m.head_bytes(store.capture().bytes()), head.headers.len());
        for (i, (name, value)) in head.headers.iter().enumerate() {
            let abbrev = header_field(name, request);
            let line = raw.as_ref().and_then(|l| l.get(i));
            let text = line.map_or_else(|| format!("{name}: {value}\\r\\n"), |l| lines::shown(l));
            let line_value =
                line.map_or_else(|| format!("{name}: {value}\r\n"), |l| lines::value(l));
            let v = if abbrev.ends_with(".line") {
                s(&line_value)
            } else {
                s(value)
            };
            let h = n.add(Node::field(abbrev, text.clone(), r.clone(), v));
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
            // tshark makes every header line an occurrence of the hidden
            // `http.request.line` (`http.response.line`), after the header's
            // own field.
            if !abbrev.ends_with(".line") {
                let line = if request {
                    "http.request.line"
                } else {
                    "http.response.line"
                };
                n.add(Node::field(line, text, r.clone(), s(&line_value)).hide());
            }
        }
        n.add(Node::text("\\r\\n", r.clone()));
        let full_uri = |h: &crate::http::parse::Head| -> Option<String> {
            let (host, uri) = (h.header("host")?, h.uri()?);
            Some(if uri.starts_with('/') {
                format!("http://{host}{uri}")
            } else {
                uri.to_string()
            })
        };
        if request {
            if let Some(full) = full_uri(&head) {
                n.add(Node::field(
                    "http.request.full_uri",
                    format!("[Full request URI: {full}]"),
                    0..0,
                    s(&full),
                ));
            }
            n.add(Node::field(
                "http.request_number",
                format!("[HTTP request {number}/{number}]"),
                0..0,
                Value::UInt(u64::from(number)),
            ));
            if let Some(p) = prev.and_then(|p| p.request.as_ref()) {
                n.add(Node::field(
                    "http.prev_request_in",
                    format!("[Prev request in frame: {}]", p.last_packet + 1),
                    0..0,
                    Value::UInt(u64::from(p.last_packet + 1)),
                ));
            }
        } else if mref.role == Role::Response {
            n.add(Node::field(
                "http.response_number",
                format!("[HTTP response {number}/{number}]"),
                0..0,
                Value::UInt(u64::from(number)),
            ));
            // A request tshark never dissected (cut short by a reset) is
            // not one a response can be paired with.
            let req = tr
                .and_then(|t| t.request.as_ref())
                .filter(|r| r.dissected());
            if let Some(req) = req {
                if let (Some(a), Some(b)) = (ts(req.last_packet), ts(view.index as u32)) {
                    let dt = b.saturating_sub(a);
                    n.add(Node::field(
                        "http.time",
                        format!("[Time since request: {} seconds]", super::bits::secs(dt)),
                        0..0,
                        Value::Time(dt),
                    ));
                }
                // tshark shows both links of a response here.
                if let Some(p) = prev.and_then(|p| p.request.as_ref()) {
                    n.add(Node::field(
                        "http.prev_request_in",
                        format!("[Prev request in frame: {}]", p.last_packet + 1),
                        0..0,
                        Value::UInt(u64::from(p.last_packet + 1)),
                    ));
                }
                if let Some(p) = prev.and_then(|p| p.response.as_ref()) {
                    n.add(Node::field(
                        "http.prev_response_in",
                        format!("[Prev response in frame: {}]", p.last_packet + 1),
                        0..0,
                        Value::UInt(u64::from(p.last_packet + 1)),
                    ));
                }
                n.add(Node::field(
                    "http.request_in",
                    format!("[Request in frame: {}]", req.last_packet + 1),
                    0..0,
                    Value::UInt(u64::from(req.last_packet + 1)),
                ));
                if let Some(full) = req.head(store).as_ref().and_then(full_uri) {
                    n.add(Node::field(
                        "http.response_for.uri",
                        format!("[Request URI: {full}]"),
                        0..0,
                        s(&full),
                    ));
                }
            }
        }
        if let (true, Some(st)) = (chunked, streams.as_ref()) {
            let wire_start = m.end.saturating_sub(m.body().wire_len());
            let wire = st[m.dir.index()]
                .bytes
                .get(wire_start as usize..m.end as usize)
                .unwrap_or_default();
            n.add(chunked::chunks(wire, r.clone()));
        }
        let mut body_layers = Vec::new();
        if !m.body().is_empty() {
            let ctype = head.header("content-type").unwrap_or("");
            let proto = media_protocol(ctype);
            let raw = streams.as_ref().map(|st| m.body_in(st)).unwrap_or_default();
            let codings = head.codings();
            let body = if codings.is_empty() {
                raw.clone()
            } else {
                m.decode_codings(&codings, &raw, crate::limits::MAX_DECODED_BODY)
                    .bytes
            };
            if !codings.is_empty() {
                n.add(Node::text(
                    format!(
                        "Content-encoded entity body ({}): {} bytes -> {} bytes",
                        codings.join(", "),
                        raw.len(),
                        body.len()
                    ),
                    r.clone(),
                ));
            }
            let (value, cut) = file_data::value(&body);
            let f = n.add(Node::field(
                "http.file_data",
                format!("File Data: {} bytes", body.len()),
                r.clone(),
                value,
            ));
            if cut {
                f.add(Node::text(
                    format!(
                        "[Value cut at {} bytes (MAX_FILE_DATA)]",
                        file_data::MAX_FILE_DATA
                    ),
                    r.clone(),
                ));
            }
            let media_type = media_type(ctype);
            let mut then = None;
            match proto {
                Some("data-text-lines") => {
                    body_layers.push(super::body::text_lines(&media_type, &body, r.clone()));
                }
                Some("json")
                    if super::body::json(&media_type, &body, r.clone(), &mut body_layers) =>
                {
                    // Not JSON after all: tshark shows it as text.
                    then = Some("data-text-lines");
                }
                Some("media") => {
                    body_layers.push(super::body::media(&media_type, &body, r.clone()));
                }
                Some("mime_multipart") => {
                    if let Some((layer, _)) = super::multipart::layer(ctype, &body, r.clone()) {
                        body_layers.push(layer);
                    }
                }
                _ => {}
            }
            if let Some(p) = proto {
                body_protocol = Some((p, then));
            }
        }
        out.push(n);
        out.append(&mut body_layers);
    }
    // Bytes after the last message that start none: tshark's "Continuation",
    // a second HTTP item holding them as data.
    let mut continuation = false;
    if let Some(n) = view
        .http
        .and_then(|h| h.continuation_after_messages(view.index))
    {
        let from = payload.len().saturating_sub(n as usize);
        let rest = &payload[from..];
        if any && !rest.is_empty() {
            let mut item = Node::field(
                "http",
                "Hypertext Transfer Protocol",
                at + from..at + payload.len(),
                Value::Present,
            );
            item.add(super::udp::data(rest, at + from));
            out.push(item);
            continuation = true;
        }
    }
    // The body's dissectors close the chain of `frame.protocols`.
    if let Some((p, then)) = body_protocol {
        protocols.push(p);
        protocols.extend(then);
    }
    if continuation {
        protocols.push("data");
    }
    if !any
        && !payload.is_empty()
        && !is_segment(view)
        && !super::tcp::retransmitted(view)
        && !super::tls::carries(view)
    {
        protocols.push("data");
        out.push(super::udp::data(payload, at));
    }
}
