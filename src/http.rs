//! HTTP/1.x over TCP: requests and responses parsed from each reassembled
//! direction of every TCP conversation (on any port: HTTP is recognised by its
//! content), paired in order into [`Transaction`]s, with bodies de-chunked and,
//! on demand, decoded.
//!
//! [`HttpIndex::build`] does the work once per trace ([`crate::session::Session::http`]
//! caches it); fields, the Info column and the `http` / `export` commands read
//! it. Message bodies are kept de-chunked but still content-coded; decoding is
//! bounded (see [`content`]).

pub mod content;
pub mod export;
pub mod media;
pub mod parse;
pub mod stream;

use crate::flow::{Conversation, Conversations, Direction, Protocol};
use crate::limits::{Limit, LimitHit, LimitLog, MAX_HTTP_PIPELINE};
use crate::store::PacketStore;
use parse::{Framing, Head, StartLine};
use std::collections::HashMap;
use stream::DirStream;

/// Where a message's head is: a byte range of the capture when it came in
/// one segment (nearly always), else a copy (a head split over segments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadBytes {
    Capture { offset: u64, len: u32 },
    Owned(Box<[u8]>),
}

/// One HTTP message as found in a direction's stream, described by where its
/// parts are rather than by copies: the head is parsed again when asked for
/// ([`Message::head`], a microsecond), the body is ranges of stream offsets
/// ([`parse::Body::pieces`]) read again on demand ([`Message::body_bytes`]).
#[derive(Debug, Clone)]
pub struct Message {
    head: HeadBytes,
    /// A response's status code; 0 for a request.
    status: u16,
    request: bool,
    /// The conversation (index in [`Conversations::all`]) and the direction
    /// of the stream the message is in.
    pub conversation: u32,
    pub dir: Direction,
    /// Stream offsets of the message's first byte and one past its last.
    pub start: u64,
    pub end: u64,
    /// Packet (0-based) carrying the first byte.
    pub first_packet: u32,
    /// Packet where the message is complete (where tshark shows it); for an
    /// incomplete message, the last packet that carried part of it.
    pub last_packet: u32,
    /// Packet carrying the first body byte, if there is a body.
    pub body_first_packet: Option<u32>,
    pub framing: Framing,
    pub body: parse::Body,
    /// Bytes of the message lost to capture gaps (filled with zeros).
    pub gap_bytes: u64,
}

impl Message {
    /// Whether the message is incomplete (capture ended, gaps, malformed).
    pub fn partial(&self) -> bool {
        !self.body.complete || self.body.malformed || self.gap_bytes > 0
    }

    /// Bytes known to be missing.
    pub fn missing(&self) -> u64 {
        self.body.missing + self.gap_bytes
    }

    pub fn is_request(&self) -> bool {
        self.request
    }

    pub fn code(&self) -> Option<u16> {
        (!self.request).then_some(self.status)
    }

    /// The head's bytes (start line, headers and the blank line), out of
    /// `capture` (the bytes of the capture the index was built from).
    pub fn head_bytes<'s>(&'s self, capture: &'s [u8]) -> &'s [u8] {
        match &self.head {
            HeadBytes::Capture { offset, len } => {
                let start = usize::try_from(*offset).unwrap_or(usize::MAX);
                let end = start.saturating_add(*len as usize);
                capture.get(start..end).unwrap_or(&[])
            }
            HeadBytes::Owned(bytes) => bytes,
        }
    }

    /// The head, parsed again from the capture (it parsed when the index was
    /// built, so this fails only for a store that is not the index's).
    pub fn head(&self, store: &PacketStore) -> Option<Head> {
        self.head_in(store.capture().bytes())
    }

    /// The head, parsed again out of `capture`'s bytes.
    pub fn head_in(&self, capture: &[u8]) -> Option<Head> {
        let bytes = self.head_bytes(capture);
        let parsed = if self.request {
            parse::parse_request(bytes)
        } else {
            parse::parse_response(bytes)
        };
        parsed.ok()
    }

    /// The body's bytes (de-chunked, content codings still applied), read
    /// again from the capture: reassembles the message's direction of its
    /// connection, in time proportional to that direction.
    pub fn body_bytes(&self, store: &PacketStore, conversations: &Conversations) -> Vec<u8> {
        if self.body.is_empty() {
            return Vec::new();
        }
        match conversations.get(self.conversation) {
            Some(conv) => self
                .body
                .gather(&stream::reassemble_direction(store, conv, self.dir).bytes),
            None => Vec::new(),
        }
    }

    /// The body's bytes out of `streams`, the message's connection already
    /// reassembled (both directions, indexed by [`Direction::index`]).
    pub fn body_in(&self, streams: &[DirStream; 2]) -> Vec<u8> {
        self.body.gather(&streams[self.dir.index()].bytes)
    }

    /// `raw` (this message's body bytes) with the content codings of
    /// `head` (this message's) undone, bounded by `limit`.
    /// A limit reached names this message's last packet.
    pub fn decode_body(&self, head: &Head, raw: &[u8], limit: u64) -> content::DecodedBody {
        self.decode_codings(&head.codings(), raw, limit)
    }

    /// Like [`Message::decode_body`], with the head's codings already known.
    pub fn decode_codings(
        &self,
        codings: &[String],
        raw: &[u8],
        limit: u64,
    ) -> content::DecodedBody {
        let mut d = content::decode(raw, codings, limit);
        if let Some(content::ContentError::Limit(hit)) = &mut d.error {
            hit.packet = Some(self.last_packet);
        }
        d
    }

    /// The start line as Wireshark's Info column shows it, with the body's
    /// media type; `head` is this message's.
    pub fn info(&self, head: &Head) -> String {
        let mut s = head.start_line_info();
        if !self.body.is_empty() {
            if let Some(ct) = head.header("content-type") {
                s.push_str(&format!(" ({})", media::essence(ct)));
            }
        }
        s
    }
}

/// A request and its response (either may be missing), with interim 1xx
/// responses.
#[derive(Debug, Clone)]
pub struct Transaction {
    /// `tcp.stream` of the connection.
    pub stream: u32,
    /// Index of the conversation in [`crate::flow::Conversations::all`].
    pub conversation: u32,
    /// Number of the transaction within its connection (0-based).
    pub number: u32,
    pub request: Option<Message>,
    pub interim: Vec<Message>,
    pub response: Option<Message>,
}

/// Which message of a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Request,
    Interim(u32),
    Response,
}

/// Reference to one message of the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageRef {
    pub transaction: u32,
    pub role: Role,
}

/// Every HTTP transaction of a trace, and which packets complete which message.
#[derive(Debug, Default)]
pub struct HttpIndex {
    pub transactions: Vec<Transaction>,
    by_packet: HashMap<u32, Vec<MessageRef>>,
    /// (conversation, first packet, last packet, message) of every complete
    /// message spanning several packets, sorted: answers `segment_of` by a
    /// binary search.
    spans: Vec<(u32, u32, u32, MessageRef)>,
    /// Bounds reached while building (reassembly, gap fill, heads, chunk
    /// lines, pipelining), the first of each.
    pub limits: Vec<LimitHit>,
}

/// How many earlier messages `segment_of` looks back over (messages of one
/// direction follow each other, so the nearest is nearly always the one).
const SPAN_LOOKBACK: usize = 64;

impl HttpIndex {
    /// Parses every TCP conversation of `trace`, spreading the connections
    /// over the machine's cores (each connection is independent); the result
    /// is in conversation order whatever the number of threads.
    pub fn build(store: &PacketStore, conversations: &Conversations) -> HttpIndex {
        let convs = conversations.all();
        let limits = LimitLog::default();
        let parse = |range: &std::ops::Range<usize>| -> Vec<Transaction> {
            let mut out = Vec::new();
            for ci in range.clone() {
                let Some(conv) = convs.get(ci) else { continue };
                if conv.protocol != Protocol::Tcp {
                    continue;
                }
                let streams = stream::reassemble(store, conv);
                for s in &streams {
                    for hit in [s.limit_hit, s.reassembly_limit].into_iter().flatten() {
                        limits.report(hit);
                    }
                }
                out.extend(connection(conv, ci as u32, &streams, &limits));
            }
            out
        };
        // Blocks of connections keep the per-thread bookkeeping small.
        const BLOCK: usize = 64;
        let blocks: Vec<std::ops::Range<usize>> = (0..convs.len())
            .step_by(BLOCK)
            .map(|s| s..(s + BLOCK).min(convs.len()))
            .collect();
        let parts = crate::parallel::map_in_order(&blocks, parse);
        let mut index = HttpIndex::default();
        for t in parts.into_iter().flatten() {
            index.push(t);
        }
        index
            .spans
            .sort_unstable_by_key(|&(c, first, last, _)| (c, first, last));
        index.limits = limits.hits();
        index
    }

    fn push(&mut self, t: Transaction) {
        let id = self.transactions.len() as u32;
        // Like tshark, a message shows in a packet only once it is complete
        // (or found malformed, e.g. an overflowing chunk size).
        let conversation = t.conversation;
        let mut add = |m: &Message, role: Role| {
            if m.partial() && !m.body.malformed {
                return;
            }
            let r = MessageRef {
                transaction: id,
                role,
            };
            self.by_packet.entry(m.last_packet).or_default().push(r);
            if m.first_packet < m.last_packet {
                self.spans
                    .push((conversation, m.first_packet, m.last_packet, r));
            }
        };
        if let Some(m) = &t.request {
            add(m, Role::Request);
        }
        for (k, m) in t.interim.iter().enumerate() {
            add(m, Role::Interim(k as u32));
        }
        if let Some(m) = &t.response {
            add(m, Role::Response);
        }
        self.transactions.push(t);
    }

    /// The message a reference points to.
    pub fn message(&self, r: MessageRef) -> Option<&Message> {
        let t = self.transactions.get(r.transaction as usize)?;
        match r.role {
            Role::Request => t.request.as_ref(),
            Role::Response => t.response.as_ref(),
            Role::Interim(k) => t.interim.get(k as usize),
        }
    }

    /// For a packet that carries part of a message completed in a later
    /// packet: that message, and whether this packet carries its first byte
    /// (Wireshark then shows the start line with "[TCP segment of a
    /// reassembled PDU]"). Costs a search of the packet's connection only.
    pub fn segment_of(
        &self,
        store: &PacketStore,
        conversations: &Conversations,
        index: usize,
    ) -> Option<(&Message, bool)> {
        let entry = store.entry(index)?;
        let conv = conversations.get(entry.conversation)?;
        let from_client = (crate::flow::Direction::of(entry)) == conv.client_direction().0;
        let packet = index as u32;
        let end = self
            .spans
            .partition_point(|&(c, first, _, _)| (c, first) <= (entry.conversation, packet));
        self.spans[..end]
            .iter()
            .rev()
            .take_while(|&&(c, _, _, _)| c == entry.conversation)
            .take(SPAN_LOOKBACK)
            .filter(|&&(_, _, last, _)| packet < last)
            .filter_map(|&(_, _, _, r)| self.message(r))
            .find(|m| m.is_request() == from_client)
            .map(|m| (m, m.first_packet == packet))
    }

    /// Heap bytes held by the index (an estimate from capacities and string
    /// lengths), for the memory budgets the benchmarks check.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let message = |m: &Message| {
            let head = match &m.head {
                HeadBytes::Capture { .. } => 0,
                HeadBytes::Owned(b) => b.len(),
            };
            head + m.body.pieces.capacity() * size_of::<std::ops::Range<u64>>()
                + m.body.trailers.capacity() * size_of::<(String, String)>()
        };
        let transactions: usize = self
            .transactions
            .iter()
            .map(|t| {
                t.request.iter().map(message).sum::<usize>()
                    + t.response.iter().map(message).sum::<usize>()
                    + t.interim.iter().map(message).sum::<usize>()
                    + t.interim.capacity() * size_of::<Message>()
            })
            .sum();
        let by_packet: usize = self
            .by_packet
            .values()
            .map(|v| v.capacity() * size_of::<MessageRef>())
            .sum::<usize>()
            + self.by_packet.capacity() * (size_of::<u32>() + size_of::<Vec<MessageRef>>() + 1);
        self.transactions.capacity() * size_of::<Transaction>()
            + transactions
            + by_packet
            + self.spans.capacity() * size_of::<(u32, u32, u32, MessageRef)>()
    }

    /// References to the messages completed in packet `index` (0-based):
    /// which transaction each belongs to (the details tree's links).
    pub fn refs_at_packet(&self, index: usize) -> &[MessageRef] {
        self.by_packet
            .get(&(index as u32))
            .map_or(&[], Vec::as_slice)
    }

    /// The messages completed in packet `index` (0-based), in stream order.
    pub fn at_packet(&self, index: usize) -> Vec<&Message> {
        let mut v: Vec<&Message> = self
            .by_packet
            .get(&(index as u32))
            .map(|refs| refs.iter().filter_map(|r| self.message(*r)).collect())
            .unwrap_or_default();
        v.sort_by_key(|m| (m.start, !m.is_request()));
        v
    }
}

/// Records a bound reached by the message parser at stream offset `at`.
fn report(limits: &LimitLog, s: &DirStream, limit: Limit, at: u64) {
    limits.report(LimitHit::new(limit, s.packet_at(at)));
}

fn message_at(
    s: &DirStream,
    start: u64,
    head: &Head,
    framing: Framing,
    closed: bool,
    limits: &LimitLog,
) -> Message {
    let body_start = start + head.len as u64;
    let rest = s.bytes.get(body_start as usize..).unwrap_or(&[]);
    let mut body = parse::read_body(rest, framing, closed);
    if let Some(limit) = body.limit {
        report(limits, s, limit, body_start + body.wire_len);
    }
    body.shift(body_start);
    let end = body_start + body.wire_len;
    let first_packet = s.packet_at(start).unwrap_or(0);
    let mut last_packet = s
        .packet_at(end.saturating_sub(1).max(start))
        .unwrap_or(first_packet);
    if framing == Framing::Close && body.complete {
        if let Some(p) = s.end_packet {
            last_packet = last_packet.max(p);
        }
    }
    let head_len = head.len as u64;
    let head_bytes = match s.capture_range(start, head_len) {
        Some((offset, len)) => HeadBytes::Capture { offset, len },
        None => HeadBytes::Owned(
            s.bytes
                .get(start as usize..(start + head_len) as usize)
                .unwrap_or(&[])
                .into(),
        ),
    };
    Message {
        head: head_bytes,
        status: head.code().unwrap_or(0),
        request: head.is_request(),
        conversation: 0,
        dir: s.dir,
        gap_bytes: s.missing_in(start, end),
        body_first_packet: (body.wire_len > 0)
            .then(|| s.packet_at(body_start))
            .flatten(),
        start,
        end,
        first_packet,
        last_packet,
        framing,
        body,
    }
}

/// Where to look for the next message after a failure at `pos`: the first
/// line start after the next gap (or after `pos`) that looks like a message.
fn resync(s: &DirStream, pos: u64, looks: fn(&[u8]) -> bool) -> Option<u64> {
    let from = match s.next_gap_after(pos) {
        Some((o, l)) => (o + l).max(pos + 1),
        None => return None,
    };
    let bytes = &s.bytes;
    let mut p = from as usize;
    while p < bytes.len() {
        if (p == 0 || bytes[p - 1] == b'\n') && looks(&bytes[p..]) {
            return Some(p as u64);
        }
        p += 1;
    }
    None
}

/// The requests of a client stream, each with its method (which frames the
/// response).
fn parse_requests(s: &DirStream, limits: &LimitLog) -> Vec<(Message, String)> {
    let mut out = Vec::new();
    let mut pos = 0u64;
    let closed = s.end_packet.is_some();
    while (pos as usize) < s.bytes.len() {
        let buf = &s.bytes[pos as usize..];
        match parse::parse_request(buf) {
            Ok(head) => {
                let framing = parse::request_framing(&head);
                let m = message_at(s, pos, &head, framing, closed, limits);
                let next = m.end;
                let stop = !m.body.complete || m.body.malformed;
                out.push((m, head.method().unwrap_or_default().to_string()));
                if stop {
                    match resync(s, next, parse::looks_like_request) {
                        Some(p) => pos = p,
                        None => break,
                    }
                } else {
                    pos = next;
                }
            }
            Err(e) => {
                if let Some(limit) = e.limit() {
                    report(limits, s, limit, pos);
                }
                // Skip blank lines between messages (RFC 9112 2.2).
                if buf.starts_with(b"\r\n") || buf.starts_with(b"\n") {
                    pos += if buf[0] == b'\r' { 2 } else { 1 };
                    continue;
                }
                match resync(s, pos, parse::looks_like_request) {
                    Some(p) => pos = p,
                    None => break,
                }
            }
        }
    }
    out
}

/// Parses one connection into transactions.
fn connection(
    conv: &Conversation,
    ci: u32,
    streams: &[DirStream; 2],
    limits: &LimitLog,
) -> Vec<Transaction> {
    let (mut cdir, _) = conv.client_direction();
    let looks_c = |d: crate::flow::Direction| parse::looks_like_request(&streams[d.index()].bytes);
    let looks_s = |d: crate::flow::Direction| parse::looks_like_response(&streams[d.index()].bytes);
    if (!looks_c(cdir) && looks_c(cdir.reverse()))
        || (!looks_c(cdir) && looks_s(cdir) && !looks_s(cdir.reverse()))
    {
        cdir = cdir.reverse();
    }
    let cs = &streams[cdir.index()];
    let ss = &streams[cdir.reverse().index()];
    let mut requests = parse_requests(cs, limits);
    let server_http = parse::looks_like_response(&ss.bytes);
    if requests.is_empty() && !server_http {
        return Vec::new();
    }
    // Responses, paired with requests in order.
    let mut txns: Vec<Transaction> = Vec::new();
    let mut interim: Vec<Message> = Vec::new();
    let mut responses: Vec<(Vec<Message>, Message)> = Vec::new();
    let mut pos = 0u64;
    let closed = ss.end_packet.is_some();
    let mut upgraded_at: Option<usize> = None;
    while (pos as usize) < ss.bytes.len() {
        let buf = &ss.bytes[pos as usize..];
        let head = match parse::parse_response(buf) {
            Ok(h) => h,
            Err(e) => {
                if let Some(limit) = e.limit() {
                    report(limits, ss, limit, pos);
                }
                if buf.starts_with(b"\r\n") {
                    pos += 2;
                    continue;
                }
                match resync(ss, pos, parse::looks_like_response) {
                    Some(p) => {
                        pos = p;
                        continue;
                    }
                    None => break,
                }
            }
        };
        let k = responses.len();
        let method = requests.get(k).map(|(_, method)| method.clone());
        let framing = parse::response_framing(&head, method.as_deref());
        let code = match head.start {
            StartLine::Response { code, .. } => code,
            StartLine::Request { .. } => 0,
        };
        let m = message_at(ss, pos, &head, framing, closed, limits);
        let next = m.end;
        let incomplete = !m.body.complete || m.body.malformed;
        if (100..200).contains(&code) && code != 101 {
            interim.push(m);
        } else {
            responses.push((std::mem::take(&mut interim), m));
        }
        let tunnel =
            code == 101 || (method.as_deref() == Some("CONNECT") && (200..300).contains(&code));
        if tunnel {
            upgraded_at = Some(k);
            break;
        }
        if incomplete {
            match resync(ss, next, parse::looks_like_response) {
                Some(p) => pos = p,
                None => break,
            }
        } else {
            pos = next;
        }
    }
    if let Some(k) = upgraded_at {
        requests.truncate(k + 1);
    }
    // Requests never answered are kept up to the pipelining bound.
    let keep = responses.len() + MAX_HTTP_PIPELINE as usize;
    if requests.len() > keep {
        if let Some((first_dropped, _)) = requests.get(keep) {
            limits.report(LimitHit::new(
                Limit::HttpPipeline,
                Some(first_dropped.first_packet),
            ));
        }
        requests.truncate(keep);
    }
    let mut requests = requests.into_iter().map(|(m, _)| m);
    let mut responses = responses.into_iter();
    let mut number = 0u32;
    loop {
        let req = requests.next();
        let resp = responses.next();
        if req.is_none() && resp.is_none() {
            break;
        }
        let (interim, response) = match resp {
            Some((i, r)) => (i, Some(r)),
            None => (Vec::new(), None),
        };
        let mut t = Transaction {
            stream: conv.stream,
            conversation: ci,
            number,
            request: req,
            interim,
            response,
        };
        for m in t
            .request
            .iter_mut()
            .chain(&mut t.interim)
            .chain(&mut t.response)
        {
            m.conversation = ci;
        }
        txns.push(t);
        number += 1;
    }
    if !interim.is_empty() {
        if let Some(last) = txns.last_mut() {
            last.interim.append(&mut interim);
        }
    }
    txns
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(bytes: &[u8], closed: bool) -> DirStream {
        DirStream {
            bytes: bytes.to_vec(),
            packets: vec![(0, 0)],
            gaps: Vec::new(),
            lost_tail: 0,
            end_packet: closed.then_some(1),
            ..DirStream::default()
        }
    }

    fn conv() -> Conversation {
        let a: std::net::SocketAddr = "10.0.0.1:1234".parse().expect("addr");
        let b: std::net::SocketAddr = "10.0.0.2:80".parse().expect("addr");
        Conversation {
            protocol: Protocol::Tcp,
            stream: 0,
            a,
            b,
            first_packet: 0,
            last_packet: 0,
            first_ts: 0,
            last_ts: 0,
            packets: [0, 0],
            bytes: [0, 0],
            tcp: None,
        }
    }

    fn run(c: &[u8], s: &[u8], closed: bool) -> Vec<Transaction> {
        connection(
            &conv(),
            0,
            &[dir(c, closed), dir(s, closed)],
            &LimitLog::default(),
        )
    }

    #[test]
    fn pipelined_and_head() {
        let server = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
        let t = run(
            b"HEAD /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n",
            server,
            false,
        );
        assert_eq!(t.len(), 2);
        let r1 = t[1].response.as_ref().expect("resp");
        assert_eq!(r1.body.gather(server), b"hello");
        assert_eq!(r1.body.pieces, vec![76..81]);
        assert!(!r1.partial());
        assert_eq!(
            t[1].request
                .as_ref()
                .and_then(|m| m.head_in(&[]))
                .as_ref()
                .and_then(|h| h.header("host")),
            Some("x")
        );
    }

    #[test]
    fn continue_and_304_and_close() {
        let client: &[u8] = b"POST /u HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabcGET /c HTTP/1.1\r\n\r\nGET /d HTTP/1.0\r\n\r\n";
        let server: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\nHTTP/1.0 200 OK\r\n\r\nto the end";
        let t = run(client, server, true);
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].interim.len(), 1);
        assert_eq!(
            t[0].request.as_ref().map(|m| m.body.gather(client)),
            Some(b"abc".to_vec())
        );
        assert_eq!(t[1].response.as_ref().and_then(Message::code), Some(304));
        let last = t[2].response.as_ref().expect("resp");
        assert_eq!(last.body.gather(server), b"to the end");
        assert!(!last.partial());
    }

    #[test]
    fn switching_protocols_ends_http() {
        let t = run(
            b"GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\nGET /not-http HTTP/1.1\r\n\r\n",
            b"HTTP/1.1 101 Switching Protocols\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
            false,
        );
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].response.as_ref().and_then(Message::code), Some(101));
    }

    #[test]
    fn non_http_is_ignored_and_partial_is_marked() {
        assert!(run(b"SSH-2.0-OpenSSH\r\n", b"SSH-2.0-x\r\n", true).is_empty());
        let t = run(
            b"GET / HTTP/1.1\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort",
            false,
        );
        let r = t[0].response.as_ref().expect("resp");
        assert!(r.partial());
        assert_eq!(r.missing(), 95);
    }
}
