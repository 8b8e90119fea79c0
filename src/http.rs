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

pub mod summary;

use crate::decode::app;
use crate::decode::app::text_lines::FtpDataChannel;
use crate::flow::stream::{self, DirStream};
use crate::flow::{Conversation, Conversations, Direction, Protocol};
use crate::limits::{Limit, LimitHit, LimitLog, MAX_HTTP_PIPELINE};
use crate::store::PacketStore;
use crate::tls::{KeyLog, TlsIndex};
use parse::{Framing, Head, StartLine};
use std::collections::HashMap;

/// Where a message's head is: a byte range of the capture when it came in
/// one segment (nearly always), else a copy (a head split over segments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadBytes {
    Capture {
        offset: u64,
        len: u32,
    },
    Owned(Box<[u8]>),
    /// A head that is not text on the wire: HTTP/2's, decoded from HPACK.
    Decoded(Box<Head>),
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
    /// What the body's media-type dissector adds to the row in tshark (the
    /// Protocol column and an Info suffix, see [`summary`]), worked out when
    /// the index is built, from the first bytes of the decoded body.
    pub media: Option<(&'static str, String)>,
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
            HeadBytes::Decoded(_) => &[],
        }
    }

    /// The head, parsed again from the capture (it parsed when the index was
    /// built, so this fails only for a store that is not the index's).
    pub fn head(&self, store: &PacketStore) -> Option<Head> {
        self.head_in(store.capture().bytes())
    }

    /// The head, parsed again out of `capture`'s bytes.
    pub fn head_in(&self, capture: &[u8]) -> Option<Head> {
        if let HeadBytes::Decoded(head) = &self.head {
            return Some((**head).clone());
        }
        let bytes = self.head_bytes(capture);
        if self.request {
            // A head the stream ended inside (an HTTP/0.9 request line).
            parse::parse_request(bytes)
                .ok()
                .or_else(|| parse::partial_request(bytes))
        } else {
            parse::parse_response(bytes).ok()
        }
    }

    /// The body's bytes (de-chunked, content codings still applied), read
    /// again from the capture: reassembles the message's direction of its
    /// connection, in time proportional to that direction. For cleartext
    /// TCP only: over TLS (and for HTTP/2) the offsets refer to the
    /// decrypted stream, so read the body with [`HttpIndex::streams`] and
    /// [`Message::body_in`].
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

    /// A message of an HTTP/2 stream (built by [`crate::http2`]).
    pub fn http2(
        head: Head,
        conversation: u32,
        dir: Direction,
        packets: (u32, u32, Option<u32>),
        body: parse::Body,
    ) -> Message {
        let (request, status) = match &head.start {
            StartLine::Request { .. } => (true, 0),
            StartLine::Response { code, .. } => (false, *code),
        };
        Message {
            head: HeadBytes::Decoded(Box::new(head)),
            status,
            request,
            conversation,
            dir,
            start: 0,
            end: 0,
            first_packet: packets.0,
            last_packet: packets.1,
            body_first_packet: packets.2,
            framing: if body.is_empty() {
                Framing::NoBody
            } else {
                Framing::Length(body.len)
            },
            body,
            gap_bytes: 0,
            media: None,
        }
    }

    /// A message of an HTTP/2 stream.
    pub fn is_http2(&self) -> bool {
        matches!(self.head, HeadBytes::Decoded(_))
    }

    /// The Protocol column and the Info text of the message as Wireshark
    /// shows them: the start line, then what the body's media-type dissector
    /// adds; `head` is this message's.
    pub fn protocol_and_info(&self, head: &Head) -> (&'static str, String) {
        let mut s = head.start_line_info();
        match &self.media {
            Some((p, more)) => {
                s.push_str(more);
                (p, s)
            }
            None => ("HTTP", s),
        }
    }

    /// The Info text of the message (see [`Message::protocol_and_info`]).
    pub fn info(&self, head: &Head) -> String {
        self.protocol_and_info(head).1
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
    /// Rows of the segments of connections that carry another stream
    /// protocol (SSH, PostgreSQL, DNS over TCP, SMTP...): worked out in the
    /// same pass, from the same reassembled directions.
    app_rows: HashMap<u32, app::StreamRow>,
    /// Bounds reached while building (reassembly, gap fill, heads, chunk
    /// lines, pipelining), the first of each.
    pub limits: Vec<LimitHit>,
    /// The trace's TLS connections, read before HTTP (HTTP over TLS reads
    /// their decrypted data); the packet list and the `tls.*` fields use it.
    pub tls: TlsIndex,
    /// HTTP/2 connections by conversation index.
    pub http2: HashMap<u32, crate::http2::Connection>,
}

/// How many earlier messages `segment_of` looks back over (messages of one
/// direction follow each other, so the nearest is nearly always the one).
const SPAN_LOOKBACK: usize = 64;

impl HttpIndex {
    /// Parses every TCP conversation of `trace`, spreading the connections
    /// over the machine's cores (each connection is independent); the result
    /// is in conversation order whatever the number of threads.
    ///
    /// TLS connections are read first ([`crate::tls::TlsIndex`], decrypted
    /// with `keys`); over TLS, HTTP reads the decrypted application data.
    pub fn build(store: &PacketStore, conversations: &Conversations, keys: &KeyLog) -> HttpIndex {
        let convs = conversations.all();
        let tls = TlsIndex::build(store, conversations, keys);
        let limits = LimitLog::default();
        // Each connection: HTTP/2 when the client opens with the preface,
        // else HTTP/1.x; over TLS both read the decrypted data.
        type Part = (
            Vec<Transaction>,
            Vec<(u32, crate::http2::Connection)>,
            AppRows,
            FtpChannels,
        );
        let parse = |range: &std::ops::Range<usize>| -> Part {
            let mut out = (Vec::new(), Vec::new());
            let mut rows = Vec::new();
            let mut ftp = Vec::new();
            for ci in range.clone() {
                let Some(conv) = convs.get(ci) else { continue };
                if conv.protocol != Protocol::Tcp {
                    continue;
                }
                let tls_conn = tls.of_conversation(ci as u32);
                let raw;
                let (streams, client) = match tls_conn {
                    Some(t) => (&t.plaintext, t.client),
                    None => {
                        raw = stream::reassemble(store, conv);
                        for s in &raw {
                            for hit in [s.limit_hit, s.reassembly_limit].into_iter().flatten() {
                                limits.report(hit);
                            }
                        }
                        (&raw, conv.client_direction().0)
                    }
                };
                if crate::http2::is_http2(&streams[client.index()]) {
                    let h2 = crate::http2::read(streams, client);
                    out.0.extend(h2.transactions(conv.stream, ci as u32));
                    out.1.push((ci as u32, h2));
                    continue;
                }
                let (r, f) = app_rows(conv, streams);
                rows.extend(r);
                ftp.extend(f);
                let txns = connection(conv, ci as u32, streams, &limits);
                rows.extend(websocket_rows(store, &txns, streams));
                out.0.extend(txns);
            }
            (out.0, out.1, rows, ftp)
        };
        // Blocks of connections keep the per-thread bookkeeping small.
        const BLOCK: usize = 64;
        let blocks: Vec<std::ops::Range<usize>> = (0..convs.len())
            .step_by(BLOCK)
            .map(|s| s..(s + BLOCK).min(convs.len()))
            .collect();
        let parts = crate::parallel::map_in_order(&blocks, parse);
        let mut index = HttpIndex::default();
        let mut ftp = Vec::new();
        for (transactions, h2, rows, f) in parts {
            for t in transactions {
                // HTTP/2 messages are not http.* fields for tshark: listed
                // and exported, but not in the packets' HTTP messages.
                if t.request.iter().chain(&t.response).any(Message::is_http2) {
                    index.transactions.push(t);
                } else {
                    index.push(t);
                }
            }
            index.http2.extend(h2);
            index.app_rows.extend(rows);
            ftp.extend(f);
        }
        ftp_data_rows(store, convs, &ftp, &mut index.app_rows);
        index
            .spans
            .sort_unstable_by_key(|&(c, first, last, _)| (c, first, last));
        index.limits = limits.hits();
        index.tls = tls;
        index
    }

    /// Both directions of conversation `conversation` as its messages'
    /// body offsets refer to them: the decrypted application data of a TLS
    /// connection, else the reassembled TCP bytes.
    pub fn streams(
        &self,
        store: &PacketStore,
        conversations: &Conversations,
        conversation: u32,
    ) -> [DirStream; 2] {
        if let Some(tls) = self.tls.of_conversation(conversation) {
            return tls.plaintext.clone();
        }
        conversations
            .get(conversation)
            .map(|c| stream::reassemble(store, c))
            .unwrap_or_default()
    }

    fn push(&mut self, t: Transaction) {
        let id = self.transactions.len() as u32;
        // Like tshark, a message shows in a packet only once it is complete
        // (or found malformed, e.g. an overflowing chunk size).
        let conversation = t.conversation;
        let mut add = |m: &Message, role: Role| {
            let r = MessageRef {
                transaction: id,
                role,
            };
            if m.partial() && !m.body.malformed {
                // Never completed: every packet that carried part of it,
                // the last one included, is a segment of it for tshark.
                self.spans
                    .push((conversation, m.first_packet, m.last_packet + 1, r));
                return;
            }
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

    /// The row of a segment of a connection carrying another stream
    /// protocol than HTTP (see [`crate::decode::app`]).
    pub fn app_row(&self, index: usize) -> Option<&app::StreamRow> {
        self.app_rows.get(&(index as u32))
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
                HeadBytes::Decoded(h) => h.headers.iter().map(|(n, v)| n.len() + v.len()).sum(),
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

/// The WebSocket rows of a connection upgraded by a `101` answer with
/// `Upgrade: websocket`: each direction from the end of its HTTP message,
/// only the segments that start after it.
fn websocket_rows(store: &PacketStore, txns: &[Transaction], streams: &[DirStream; 2]) -> AppRows {
    let Some(t) = txns
        .iter()
        .find(|t| t.response.as_ref().and_then(Message::code) == Some(101))
    else {
        return Vec::new();
    };
    let (Some(req), Some(resp)) = (&t.request, &t.response) else {
        return Vec::new();
    };
    let upgrade = resp
        .head(store)
        .and_then(|h| {
            h.header("upgrade")
                .map(|u| u.eq_ignore_ascii_case("websocket"))
        })
        .unwrap_or(false);
    if !upgrade {
        return Vec::new();
    }
    let after = |m: &Message| -> (Vec<(u64, u32)>, usize) {
        let s = &streams[m.dir.index()];
        let from = m.end;
        let segments = s
            .packets
            .iter()
            .filter(|&&(o, _)| o >= from)
            .map(|&(o, p)| (o - from, p))
            .collect();
        let gap = s.gaps.first().map_or(s.bytes.len(), |&(o, _)| o as usize);
        (segments, gap)
    };
    let (cseg, cgap) = after(req);
    let (sseg, sgap) = after(resp);
    let bytes = |m: &Message, gap: usize| {
        let b = &streams[m.dir.index()].bytes;
        b.get(m.end as usize..gap.min(b.len())).unwrap_or_default()
    };
    app::websocket::rows(
        app::DirBytes {
            bytes: bytes(req, cgap),
            segments: &cseg,
        },
        app::DirBytes {
            bytes: bytes(resp, sgap),
            segments: &sseg,
        },
    )
}

/// Rows of stream protocols by packet.
type AppRows = Vec<(u32, app::StreamRow)>;
/// FTP data connections announced, by the address that accepts them.
type FtpChannels = Vec<(std::net::SocketAddr, FtpDataChannel)>;

/// The rows of FTP data connections (tshark's FTP-DATA): every data
/// segment of a connection to an endpoint an FTP control connection
/// announced, named after the command that used it.
fn ftp_data_rows(
    store: &PacketStore,
    convs: &[Conversation],
    channels: &FtpChannels,
    rows: &mut HashMap<u32, app::StreamRow>,
) {
    if channels.is_empty() {
        return;
    }
    for conv in convs.iter().filter(|c| c.protocol == Protocol::Tcp) {
        let Some((_, ch)) = channels
            .iter()
            .find(|(at, _)| *at == conv.a || *at == conv.b)
        else {
            continue;
        };
        for index in conv.packets(store) {
            let d = store.decode(index);
            let len = d.tcp_len().unwrap_or(0);
            let retransmitted = store
                .entry(index)
                .is_some_and(|e| e.analysis & crate::flow::analysis::flags::RETRANSMISSION != 0);
            if len == 0 || retransmitted || rows.contains_key(&(index as u32)) {
                continue;
            }
            let info = format!("FTP Data: {len} bytes ({}) ({})", ch.mode, ch.command);
            rows.insert(
                index as u32,
                app::StreamRow::App(app::Summary::new("FTP-DATA", info)),
            );
        }
    }
}

/// The rows of a connection whose port names a stream protocol, from its
/// reassembled directions (each up to its first hole), and for FTP the data
/// connections it announced (with the address that will accept each).
fn app_rows(conv: &Conversation, streams: &[DirStream; 2]) -> (AppRows, FtpChannels) {
    let (pa, pb) = (conv.a.port(), conv.b.port());
    let Some(protocol) = app::stream_protocol(pb, pa) else {
        return (Vec::new(), Vec::new());
    };
    // The server is the side whose port named the protocol (b first).
    let server_is_b = app::stream_protocol(pb, 0).is_some();
    let server_dir = if server_is_b {
        crate::flow::Direction::BtoA
    } else {
        crate::flow::Direction::AtoB
    };
    fn view(s: &DirStream) -> app::DirBytes<'_> {
        let end = s.gaps.first().map_or(s.bytes.len(), |&(o, _)| o as usize);
        app::DirBytes {
            bytes: &s.bytes[..end.min(s.bytes.len())],
            segments: &s.packets,
        }
    }
    let server = &streams[server_dir.index()];
    let client = &streams[server_dir.reverse().index()];
    let (server_addr, client_addr) = if server_is_b {
        (conv.b, conv.a)
    } else {
        (conv.a, conv.b)
    };
    let ftp = match protocol {
        app::StreamProtocol::Lines(app::text_lines::LineProtocol::Ftp) => {
            app::text_lines::ftp_data_channels(view(client), view(server))
                .into_iter()
                .map(|ch| {
                    let host = if ch.on_server {
                        server_addr
                    } else {
                        client_addr
                    };
                    (std::net::SocketAddr::new(host.ip(), ch.port), ch)
                })
                .collect()
        }
        _ => Vec::new(),
    };
    (app::stream_rows(protocol, view(client), view(server)), ftp)
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
    let media = media_summary(head, &body, &s.bytes);
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
        media,
    }
}

/// What tshark's media-type dissector adds for a message with `head` and
/// `body` (offsets into `stream`): only a body that is not empty once its
/// content codings are undone gets a summary.
fn media_summary(head: &Head, body: &parse::Body, stream: &[u8]) -> Option<(&'static str, String)> {
    // Enough of the decoded body to tell it from an empty one and to see
    // its magic number.
    const PEEK: u64 = 4096;
    if body.is_empty() {
        return None;
    }
    let ct = head.header("content-type")?;
    let raw = body.gather(stream);
    let decoded = content::decode(&raw, &head.codings(), PEEK);
    (!decoded.bytes.is_empty()).then(|| summary::media_summary(ct, &decoded.bytes))
}

/// Where to look for the next message after a failure at `pos`: the first
/// line start after the next gap that looks like a message, or the first
/// later segment that starts like one (tshark hands every segment to HTTP, so
/// a stray byte such as a keep-alive probe before a request does not hide it).
fn resync(s: &DirStream, pos: u64, looks: fn(&[u8]) -> bool) -> Option<u64> {
    let bytes = &s.bytes;
    let at_segment = s
        .packets
        .iter()
        .map(|&(o, _)| o)
        .filter(|&o| o > pos)
        .find(|&o| bytes.get(o as usize..).is_some_and(looks));
    let after_gap = s.next_gap_after(pos).and_then(|(o, l)| {
        let mut p = (o + l).max(pos + 1) as usize;
        while p < bytes.len() {
            if (p == 0 || bytes[p - 1] == b'\n') && looks(&bytes[p..]) {
                return Some(p as u64);
            }
            p += 1;
        }
        None
    });
    match (at_segment, after_gap) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
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
                // The stream ends inside a request head (an HTTP/0.9 request
                // line, or a capture cut short): tshark shows its start line
                // on the segments that carried it.
                if e == parse::HeadError::Incomplete {
                    if let Some(head) = parse::partial_request(buf) {
                        let mut m = message_at(s, pos, &head, Framing::NoBody, closed, limits);
                        m.body.complete = false;
                        out.push((m, head.method().unwrap_or_default().to_string()));
                    }
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
