//! HTTP/2 over TLS (ALPN h2) or cleartext with prior knowledge: frames
//! ([`frame`]) cut from each direction of a connection (the decrypted TLS
//! plaintext, or the TCP bytes), header blocks decoded with HPACK
//! ([`hpack`], a dynamic table per direction), and streams turned into
//! [`crate::http::Transaction`]s so that `http`, `export` and the TUI's HTTP
//! view treat them like HTTP/1.x. The packet list shows the frames as
//! Wireshark does (`HEADERS[1]: GET /index.html`, `DATA[1]`, `SETTINGS[0]`).

pub mod fields;
pub mod frame;
pub mod hpack;

use crate::flow::stream::DirStream;
use crate::flow::Direction;
use crate::http::parse::{Body, Head, StartLine};
use crate::http::{Message, Transaction};
use crate::limits::{Limit, LimitHit, LimitLog, MAX_HTTP2_BODY};
use frame::FrameSpan;
use std::collections::BTreeMap;

/// Most streams followed per connection.
pub const MAX_STREAMS: usize = 1 << 16;

/// One frame as the packet list shows it.
#[derive(Debug, Clone)]
pub struct Frame {
    pub dir: Direction,
    pub span: FrameSpan,
    /// Packet completing the frame (0-based).
    pub packet: u32,
    /// Info text: `HEADERS[1]: GET /index.html`, `DATA[1]`...
    pub info: String,
    /// Decoded header fields (HEADERS / PUSH_PROMISE / CONTINUATION ending
    /// a block).
    pub headers: Vec<(String, String)>,
    /// The body that ends with this frame is JSON (tshark's HTTP2/JSON).
    pub json: bool,
}

/// One direction of one stream.
#[derive(Debug, Clone, Default)]
struct Half {
    headers: Vec<(String, String)>,
    trailers: Vec<(String, String)>,
    headers_packet: Option<u32>,
    /// Where the DATA frames' content sits in the direction's stream.
    body: Vec<std::ops::Range<u64>>,
    body_len: u64,
    last_packet: Option<u32>,
    ended: bool,
    truncated: bool,
}

/// An HTTP/2 connection.
#[derive(Debug, Clone, Default)]
pub struct Connection {
    /// The direction the client sends in.
    pub client: Direction,
    pub frames: Vec<Frame>,
    /// Packet completing the client's preface ("Magic").
    pub magic_packet: Option<u32>,
    streams: BTreeMap<u32, [Half; 2]>,
}

/// Wireshark's reason phrase for a status code (HTTP2 Info).
pub fn reason(code: u16) -> &'static str {
    match code {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

fn header<'h>(h: &'h [(String, String)], name: &str) -> Option<&'h str> {
    h.iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Position of `inner` (a subslice) within `outer`.
fn offset_in(outer: &[u8], inner: &[u8]) -> u64 {
    (inner.as_ptr() as usize).saturating_sub(outer.as_ptr() as usize) as u64
}

/// Whether a client stream opens with the HTTP/2 preface.
pub fn is_http2(client: &DirStream) -> bool {
    client.bytes.starts_with(frame::PREFACE)
}

/// Reads both directions of a connection whose client stream starts with
/// the preface; a body cut at [`MAX_HTTP2_BODY`] is reported to `limits`.
pub fn read(streams: &[DirStream; 2], client: Direction, limits: &LimitLog) -> Connection {
    read_bounded(streams, client, limits, MAX_HTTP2_BODY)
}

/// [`read`] with bodies bounded by `max_body` bytes (at most the constant).
fn read_bounded(
    streams: &[DirStream; 2],
    client: Direction,
    limits: &LimitLog,
    max_body: u64,
) -> Connection {
    let mut conn = Connection {
        client,
        ..Connection::default()
    };
    for dir in [client, client.reverse()] {
        let s = &streams[dir.index()];
        let from = if dir == client {
            if !is_http2(s) {
                continue;
            }
            conn.magic_packet = s.packet_at(frame::PREFACE.len() as u64 - 1);
            frame::PREFACE.len()
        } else {
            0
        };
        let side = usize::from(dir != client);
        let mut decoder = hpack::Decoder::new();
        let mut block: Vec<u8> = Vec::new();
        let mut block_stream = 0u32;
        for span in frame::frames(&s.bytes, from) {
            let packet = s.packet_at(span.end.saturating_sub(1)).unwrap_or(0);
            let mut info = format!("{}[{}]", frame::type_name(span.ty), span.stream);
            let mut headers = Vec::new();
            let mut json = false;
            let content = span.content(&s.bytes).unwrap_or(&[]);
            let known = conn.streams.len() < MAX_STREAMS || conn.streams.contains_key(&span.stream);
            match span.ty {
                frame::HEADERS | frame::PUSH_PROMISE | frame::CONTINUATION => {
                    if span.ty != frame::CONTINUATION {
                        block.clear();
                        block_stream = span.stream;
                    }
                    if block.len() + content.len() <= hpack::MAX_BLOCK_BYTES {
                        block.extend_from_slice(content);
                    }
                    if span.flags & frame::END_HEADERS != 0 {
                        match decoder.decode(&block) {
                            Ok(h) => headers = h,
                            Err(e) => info.push_str(&format!(" [HPACK: {e}]")),
                        }
                        if let Some(m) = header(&headers, ":method") {
                            let path = header(&headers, ":path").unwrap_or("");
                            info.push_str(&format!(": {m} {path}"));
                        } else if let Some(code) = header(&headers, ":status") {
                            let r = code.parse().map(reason).unwrap_or("");
                            info.push_str(&format!(": {code} {r}"));
                        }
                        if span.ty != frame::PUSH_PROMISE && known && block_stream != 0 {
                            let half = &mut conn.streams.entry(block_stream).or_default()[side];
                            if half.headers_packet.is_none() {
                                half.headers = headers.clone();
                                half.headers_packet = Some(packet);
                            } else {
                                half.trailers = headers.clone();
                            }
                            half.last_packet = Some(packet);
                            half.ended |= span.flags & frame::END_STREAM != 0;
                        }
                    }
                }
                frame::DATA if known && span.stream != 0 => {
                    let half = &mut conn.streams.entry(span.stream).or_default()[side];
                    half.last_packet = Some(packet);
                    if !half.truncated && half.body_len + content.len() as u64 <= max_body {
                        if !content.is_empty() {
                            let start = offset_in(&s.bytes, content);
                            half.body.push(start..start + content.len() as u64);
                        }
                        half.body_len += content.len() as u64;
                    } else {
                        half.truncated = true;
                        limits.report(LimitHit {
                            limit: Limit::Http2Body,
                            value: max_body,
                            packet: Some(packet),
                        });
                    }
                    if span.flags & frame::END_STREAM != 0 {
                        half.ended = true;
                        if half.body_len > 0 {
                            let ct = header(&half.headers, "content-type")
                                .map(crate::http::media::essence);
                            match ct.as_deref() {
                                Some("application/json") => {
                                    json = true;
                                    info.push_str(
                                        ", JavaScript Object Notation (application/json)",
                                    );
                                }
                                Some(ct) => info.push_str(&format!(" ({ct})")),
                                None => {}
                            }
                        }
                    }
                }
                _ => {}
            }
            conn.frames.push(Frame {
                dir,
                span,
                packet,
                info,
                headers,
                json,
            });
        }
    }
    conn.frames.sort_by_key(|f| (f.packet, f.span.start));
    conn
}

impl Connection {
    /// Protocol and Info of packet `packet`, when frames complete there.
    pub fn columns(&self, packet: u32) -> Option<(String, String)> {
        let i = self.frames.partition_point(|f| f.packet < packet);
        let frames: Vec<&Frame> = self.frames[i..]
            .iter()
            .take_while(|f| f.packet == packet)
            .collect();
        let magic = self.magic_packet == Some(packet);
        if frames.is_empty() && !magic {
            return None;
        }
        let mut parts: Vec<&str> = Vec::new();
        if magic {
            parts.push("Magic");
        }
        parts.extend(frames.iter().map(|f| f.info.as_str()));
        let json = frames.iter().any(|f| f.json);
        let protocol = if json { "HTTP2/JSON" } else { "HTTP2" };
        Some((protocol.into(), parts.join(", ")))
    }

    /// The frames completing in packet `packet`.
    pub fn frames_at(&self, packet: u32) -> &[Frame] {
        let i = self.frames.partition_point(|f| f.packet < packet);
        let j = self.frames.partition_point(|f| f.packet <= packet);
        &self.frames[i..j]
    }

    /// The streams as HTTP transactions (request from the client half,
    /// response from the server half), in stream order.
    pub fn transactions(&self, stream: u32, conversation: u32) -> Vec<Transaction> {
        let message = |h: &Half, request: bool| -> Option<Message> {
            let first = h.headers_packet?;
            let start = if request {
                StartLine::Request {
                    method: header(&h.headers, ":method").unwrap_or("").to_string(),
                    uri: header(&h.headers, ":path").unwrap_or("").to_string(),
                    version: "HTTP/2".into(),
                }
            } else {
                let code = header(&h.headers, ":status")
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(0);
                StartLine::Response {
                    version: "HTTP/2".into(),
                    code,
                    reason: reason(code).into(),
                }
            };
            let body = Body {
                pieces: h.body.clone(),
                len: h.body_len,
                wire_len: h.body_len,
                complete: h.ended && !h.truncated,
                missing: 0,
                trailers: h.trailers.clone(),
                malformed: false,
                // A body cut at MAX_HTTP2_BODY is marked incomplete instead.
                limit: None,
            };
            let head = Head {
                start,
                headers: h.headers.clone(),
                len: 0,
            };
            let dir = if request {
                self.client
            } else {
                self.client.reverse()
            };
            let last = h.last_packet.unwrap_or(first);
            Some(Message::http2(head, conversation, dir, (first, last), body))
        };
        self.streams
            .iter()
            .filter(|(id, _)| *id % 2 == 1)
            .enumerate()
            .map(|(n, (_, halves))| Transaction {
                stream,
                conversation,
                number: n as u32,
                request: message(&halves[0], true),
                interim: Vec::new(),
                response: message(&halves[1], false),
            })
            .filter(|t| t.request.is_some() || t.response.is_some())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data_frame(stream: u32, payload: &[u8]) -> Vec<u8> {
        let mut f = (payload.len() as u32).to_be_bytes()[1..].to_vec();
        f.push(frame::DATA);
        f.push(0);
        f.extend_from_slice(&stream.to_be_bytes());
        f.extend_from_slice(payload);
        f
    }

    /// A body past the bound is cut there, marked incomplete, and the bound
    /// is reported once, at the packet of the frame that crossed it.
    #[test]
    fn a_body_past_its_bound_is_cut_and_reported() {
        let mut client = frame::PREFACE.to_vec();
        let mut packets = vec![(0, 0)];
        for (n, chunk) in [b"12345678", b"abcdefgh", b"ABCDEFGH"].iter().enumerate() {
            packets.push((client.len() as u64, n as u32 + 1));
            client.extend(data_frame(1, chunk.as_slice()));
        }
        let streams = [
            DirStream {
                bytes: client,
                packets,
                ..DirStream::default()
            },
            DirStream::default(),
        ];
        let limits = LimitLog::default();
        let conn = read_bounded(&streams, Direction::AtoB, &limits, 10);
        let half = &conn.streams[&1][0];
        assert_eq!(half.body_len, 8);
        assert!(half.truncated);
        assert_eq!(
            limits.hits(),
            vec![LimitHit {
                limit: Limit::Http2Body,
                value: 10,
                packet: Some(2),
            }]
        );
        let unbounded = LimitLog::default();
        let conn = read(&streams, Direction::AtoB, &unbounded);
        assert_eq!(conn.streams[&1][0].body_len, 24);
        assert!(unbounded.hits().is_empty());
    }
}
