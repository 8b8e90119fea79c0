//! HTTP/1.x over TCP: requests and responses parsed from each reassembled
//! direction of every TCP conversation (on any port: HTTP is recognised by its
//! content), paired in order into [`Transaction`]s, with bodies de-chunked and,
//! on demand, decoded.
//!
//! [`HttpIndex::build`] does the work once per trace ([`crate::session::Session::http`]
//! caches it); fields, the Info column and the `http` / `export` commands read
//! it. Message bodies are kept de-chunked but still content-coded; decoding is
//! bounded (see [`content`]).

mod app_rows;
mod connection;
pub mod content;
pub mod continuation;
pub mod export;
pub mod form;
pub mod media;
mod message;
pub mod parse;

pub mod summary;

use crate::decode::app;
use crate::decode::app::ftp_data::FtpDataChannel;
use crate::flow::stream::{self, DirStream};
use crate::flow::{Conversation, Conversations, Direction, Protocol};
use crate::limits::{Limit, LimitHit, LimitLog, MAX_HTTP_PIPELINE};
use crate::store::PacketStore;
use crate::tls::{KeyLog, TlsIndex};
use app_rows::{app_rows, ftp_channel, ftp_data_rows, websocket_rows, AppRows, FtpChannels};
use connection::connection;
pub use continuation::Fresh;
pub use message::{BodyRef, HeadBytes, Message};
use std::collections::HashMap;

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
    /// The packet completing each message, ascending (messages of one
    /// packet in index order), and beside it (same position) the message:
    /// two sorted arrays instead of a map of small vectors (a tiny-packet
    /// capture has a message every few packets).
    by_packet: Vec<u32>,
    refs: Vec<MessageRef>,
    /// One bit per packet: whether it completes a message. Most packets
    /// complete none, and the packet list asks of each: the bit spares
    /// them a binary search of `by_packet` (a cache miss per step).
    completing: Vec<u64>,
    /// (conversation, first packet, last packet, message) of every complete
    /// message spanning several packets, sorted: answers `segment_of` by a
    /// binary search.
    spans: Vec<(u32, u32, u32, MessageRef)>,
    /// Where each conversation's entries start in `spans`, by conversation
    /// index (one more at the end): `segment_of` searches only its own.
    span_starts: Vec<u32>,
    /// Rows of the segments of connections that carry another stream
    /// protocol (SSH, PostgreSQL, DNS over TCP, SMTP...): worked out in the
    /// same pass, from the same reassembled directions.
    app_rows: HashMap<u32, app::StreamRow>,
    /// Segments of HTTP ports tshark's HTTP dissector takes fresh, without
    /// a message ([`continuation`]), by packet.
    fresh: Vec<(u32, Fresh)>,
    /// Packets whose segment ends, after the messages it completes, in a
    /// "Continuation" ([`continuation::trailing`]), in order, with the
    /// number of those bytes.
    trailing: Vec<(u32, u32)>,
    /// The FTP data connections the control connections announced.
    ftp: FtpChannels,
    /// Bounds reached while building (reassembly, gap fill, heads, chunk
    /// lines, pipelining), the first of each.
    pub limits: Vec<LimitHit>,
    /// The trace's TLS connections, read before HTTP (HTTP over TLS reads
    /// their decrypted data); the packet list and the `tls.*` fields use it.
    pub tls: TlsIndex,
    /// HTTP/2 connections by conversation index.
    pub http2: HashMap<u32, crate::http2::Connection>,
}

/// What one TCP connection contributes to an [`HttpIndex`]
/// ([`HttpIndex::connection_part`]); [`HttpIndex::from_parts`] puts them
/// together.
#[derive(Debug, Clone, Default)]
pub struct ConnectionPart {
    /// The conversation of an HTTP/2 connection.
    conversation: Option<u32>,
    transactions: Vec<Transaction>,
    /// Boxed, as the TLS connection: most connections have neither, and
    /// a live capture keeps a part per connection.
    http2: Option<Box<crate::http2::Connection>>,
    rows: AppRows,
    fresh: Vec<(u32, Fresh)>,
    trailing: Vec<(u32, u32)>,
    ftp: FtpChannels,
    tls: Option<Box<crate::tls::TlsConnection>>,
    limits: Vec<LimitHit>,
}

/// Records where the bodies of `txns` are in the capture (`streams`: their
/// connection's reassembled TCP bytes, not decrypted ones), so they are read
/// later without reassembly. Whoever builds transactions with
/// [`connection`] or [`crate::http2`] outside [`HttpIndex::build`] calls it
/// too, else bodies are read by reassembling their direction again.
pub(crate) fn attach_spans(txns: &mut [Transaction], streams: &[DirStream; 2]) {
    for t in txns {
        for m in t
            .request
            .iter_mut()
            .chain(&mut t.interim)
            .chain(&mut t.response)
        {
            if !m.body().is_empty() {
                let spans = streams[m.dir.index()].spans(m.body().pieces());
                m.set_body_spans(spans);
            }
        }
    }
}

/// Whether a connection's directions, reassembled without their bytes
/// ([`stream::reassemble_spans_into`]), can be read in place: no port names
/// a stream protocol (whose rows read a direction whole), and neither
/// direction starts like a TLS record or the HTTP/2 preface (TLS and
/// HTTP/2 read theirs whole). Cleartext HTTP/1 is read in place.
fn reads_in_place(conv: &Conversation, raw: &[DirStream; 2], capture: &[u8]) -> bool {
    use stream::StreamBytes;
    if app::stream_protocol(conv.b.port(), conv.a.port()).is_some() {
        return false;
    }
    let preface = crate::http2::frame::PREFACE;
    raw.iter().all(|s| {
        let view = stream::StreamView::new(s, capture);
        let start = view.window(0, preface.len());
        !start.starts_with(preface) && crate::tls::record::header_at(&start).is_none()
    })
}

/// How many blocks of connections [`HttpIndex::build`] reads ahead of the
/// oldest one not yet in the index (the parts it holds at once).
const BLOCKS_AHEAD: usize = 32;

/// An [`HttpIndex`] being put together from connections' parts given in
/// conversation order ([`HttpIndex::from_parts`], [`HttpIndex::build`]).
#[derive(Default)]
struct IndexBuilder {
    index: HttpIndex,
    limits: LimitLog,
    ftp: FtpChannels,
    tls: Vec<crate::tls::TlsConnection>,
}

impl IndexBuilder {
    /// Adds the next connection's part.
    fn add(&mut self, part: ConnectionPart) {
        let index = &mut self.index;
        self.tls.extend(part.tls.map(|t| *t));
        for t in part.transactions {
            // HTTP/2 messages are not http.* fields for tshark: listed
            // and exported, but not in the packets' HTTP messages.
            if t.request.iter().chain(&t.response).any(Message::is_http2) {
                index.transactions.push(t);
            } else {
                index.push(t);
            }
        }
        if let (Some(h2), Some(conv)) = (part.http2, part.conversation) {
            index.http2.insert(conv, *h2);
        }
        index.app_rows.extend(part.rows);
        index.fresh.extend(part.fresh);
        index.trailing.extend(part.trailing);
        self.ftp.extend(part.ftp);
        for hit in part.limits {
            self.limits.report(hit);
        }
    }

    /// The index of the parts added.
    fn finish(self, store: &PacketStore, conversations: &Conversations) -> HttpIndex {
        let IndexBuilder {
            mut index,
            limits,
            ftp,
            tls,
        } = self;
        ftp_data_rows(store, conversations.all(), &ftp, &mut index.app_rows);
        index.ftp = ftp;
        index.sort_by_packet();
        index.fresh.sort_unstable_by_key(|&(p, _)| p);
        index.trailing.sort_unstable();
        index
            .spans
            .sort_unstable_by_key(|&(c, first, last, _)| (c, first, last));
        index.index_lookups(conversations.all().len());
        index.transactions.shrink_to_fit();
        index.by_packet.shrink_to_fit();
        index.refs.shrink_to_fit();
        index.spans.shrink_to_fit();
        index.fresh.shrink_to_fit();
        index.trailing.shrink_to_fit();
        index.limits = limits.hits();
        index.tls = TlsIndex::from_connections(tls);
        index
    }
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
        let lists = crate::flow::lists::PacketLists::build(store, convs.len());
        let parse = |range: &std::ops::Range<usize>| -> Vec<ConnectionPart> {
            let mut raw = [DirStream::default(), DirStream::default()];
            range
                .clone()
                .filter_map(|ci| {
                    let conv = convs.get(ci)?;
                    // One reassembly per connection, read as TLS and as
                    // HTTP, into the buffers of the connection before.
                    Some(HttpIndex::connection_part(
                        store,
                        conv,
                        ci as u32,
                        Some(lists.of(ci as u32)),
                        keys,
                        &mut raw,
                    ))
                })
                .collect()
        };
        // Blocks of connections keep the per-thread bookkeeping small; a
        // block also ends at a share of the bytes, so one of a few big
        // connections is not left for last to one thread while the others
        // wait (threads take the next block free).
        const BLOCK: usize = 64;
        const BLOCKS_BY_BYTES: u64 = 512;
        let weight = |c: &Conversation| c.bytes[0].saturating_add(c.bytes[1]);
        let total: u64 = convs.iter().map(weight).sum();
        let share = (total / BLOCKS_BY_BYTES).max(1);
        let mut blocks: Vec<std::ops::Range<usize>> = Vec::new();
        let (mut start, mut bytes) = (0usize, 0u64);
        for (i, c) in convs.iter().enumerate() {
            bytes = bytes.saturating_add(weight(c));
            if i + 1 - start >= BLOCK || bytes >= share {
                blocks.push(start..i + 1);
                (start, bytes) = (i + 1, 0);
            }
        }
        if start < convs.len() {
            blocks.push(start..convs.len());
        }
        // Each block's parts go into the index as soon as the blocks before
        // it have: only a window of blocks is held at once, not every
        // connection's part beside the index they make.
        let mut builder = IndexBuilder::default();
        let mut trim = crate::heap::Trim::every(crate::heap::TRIM_EVERY_BYTES);
        let mut block_bytes = blocks.iter().map(|r| {
            convs
                .get(r.clone())
                .map_or(0, |c| c.iter().map(weight).sum())
        });
        crate::parallel::for_each_in_order(&blocks, BLOCKS_AHEAD, parse, |parts| {
            parts.into_iter().for_each(|p| builder.add(p));
            trim.tick(block_bytes.next().unwrap_or(0));
        });
        builder.finish(store, conversations)
    }

    /// What conversation `ci` (`conv`) contributes to the index, read on
    /// its own: HTTP/2 when the client opens with the preface, else
    /// HTTP/1.x; over TLS both read the decrypted data. It depends only on
    /// the conversation's packets and `keys`, so a capture that grows reads
    /// again only the connections that received packets
    /// ([`crate::live::incremental`]). Cleartext HTTP/1 is read in place
    /// out of the capture (`reads_in_place`); other connections are
    /// copied into `raw`, buffers reused between calls. `list`: the
    /// conversation's packets when known ([`crate::flow::lists`]), else its
    /// chain is followed.
    pub fn connection_part(
        store: &PacketStore,
        conv: &Conversation,
        ci: u32,
        list: Option<&[u32]>,
        keys: &KeyLog,
        raw: &mut [DirStream; 2],
    ) -> ConnectionPart {
        let mut part = ConnectionPart::default();
        if conv.protocol != Protocol::Tcp {
            return part;
        }
        let limits = LimitLog::default();
        let capture = store.capture().bytes();
        // Read in place unless a reader needs each direction as one buffer.
        stream::reassemble_spans_into(store, conv, list, raw);
        if !reads_in_place(conv, raw, capture) {
            for s in raw.iter_mut() {
                s.fill_bytes(capture);
            }
        }
        let tls_conn = crate::tls::connection::read(conv, ci, raw, keys);
        let (streams, client) = match &tls_conn {
            Some(t) => (&t.plaintext, t.client),
            None => {
                for s in raw.iter() {
                    for hit in [s.limit_hit, s.reassembly_limit].into_iter().flatten() {
                        limits.report(hit);
                    }
                }
                (&*raw, conv.client_direction().0)
            }
        };
        let mut txns = if crate::http2::is_http2(&streams[client.index()]) {
            let h2 = crate::http2::read(streams, client, &limits);
            let txns = h2.transactions(conv.stream, ci);
            part.http2 = Some(Box::new(h2));
            part.conversation = Some(ci);
            txns
        } else {
            let (r, f) = app_rows(conv, streams);
            part.rows = r;
            part.ftp = f;
            let views = [0, 1].map(|i| stream::StreamView::new(&streams[i], capture));
            let txns = connection(conv, ci, &views, &limits);
            // WebSocket frames are read from one buffer: an upgraded
            // connection read in place is copied for them.
            let upgraded = txns
                .iter()
                .any(|t| t.response.as_ref().and_then(Message::code) == Some(101));
            let copied;
            let ws_streams = if upgraded && streams.iter().any(|s| s.unfilled_len.is_some()) {
                copied = streams.clone().map(|mut s| {
                    s.fill_bytes(capture);
                    s
                });
                &copied
            } else {
                streams
            };
            part.rows.extend(websocket_rows(store, &txns, ws_streams));
            let (rows, fresh) = continuation::rows(store, conv, &txns, &part.rows);
            part.rows.extend(rows);
            part.fresh = fresh;
            if tls_conn.is_none() {
                part.trailing = continuation::trailing(conv, &txns, streams, &views);
            }
            txns
        };
        if tls_conn.is_none() {
            attach_spans(&mut txns, streams);
        }
        part.transactions = txns;
        part.tls = tls_conn.map(Box::new);
        part.limits = limits.hits();
        part
    }

    /// The index of the connections' parts ([`HttpIndex::connection_part`]),
    /// given in conversation order: what [`HttpIndex::build`] makes.
    pub fn from_parts(
        store: &PacketStore,
        conversations: &Conversations,
        parts: impl IntoIterator<Item = ConnectionPart>,
    ) -> HttpIndex {
        let mut builder = IndexBuilder::default();
        parts.into_iter().for_each(|p| builder.add(p));
        builder.finish(store, conversations)
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

    /// One direction of [`HttpIndex::streams`]: borrowed from the TLS
    /// connection when decrypted, else that direction reassembled alone.
    pub fn stream_of(
        &self,
        store: &PacketStore,
        conversations: &Conversations,
        conversation: u32,
        dir: Direction,
    ) -> std::borrow::Cow<'_, DirStream> {
        if let Some(tls) = self.tls.of_conversation(conversation) {
            return std::borrow::Cow::Borrowed(&tls.plaintext[dir.index()]);
        }
        std::borrow::Cow::Owned(
            conversations
                .get(conversation)
                .map(|c| stream::reassemble_direction(store, c, dir))
                .unwrap_or_default(),
        )
    }

    /// Message `m`'s body bytes (de-chunked, content codings still
    /// applied): out of the capture through its spans when it has them
    /// (borrowed when they are one span, gathered otherwise), else as
    /// [`HttpIndex::body_bytes`] reads them.
    pub fn body_raw<'s>(
        &'s self,
        store: &'s PacketStore,
        conversations: &Conversations,
        m: &Message,
    ) -> std::borrow::Cow<'s, [u8]> {
        if m.body().is_empty() {
            return std::borrow::Cow::Borrowed(&[]);
        }
        match m.body_spans() {
            Some(spans) => stream::span_bytes(spans, store.capture().bytes()),
            None => {
                let stream = self.stream_of(store, conversations, m.conversation, m.dir);
                match stream {
                    std::borrow::Cow::Borrowed(s) => m.body().bytes_in(&s.bytes),
                    std::borrow::Cow::Owned(s) => {
                        std::borrow::Cow::Owned(m.body().gather(&s.bytes))
                    }
                }
            }
        }
    }

    /// Message `m`'s body bytes (de-chunked, content codings still
    /// applied), read again: out of the decrypted stream of a TLS connection
    /// (HTTPS, HTTP/2 over TLS), else out of its TCP direction reassembled
    /// again, in time proportional to that direction. To read several
    /// bodies of one connection, reassemble it once with
    /// [`HttpIndex::streams`] and use [`Message::body_in`].
    pub fn body_bytes(
        &self,
        store: &PacketStore,
        conversations: &Conversations,
        m: &Message,
    ) -> Vec<u8> {
        self.body_raw(store, conversations, m).into_owned()
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
            if !m.dissected() {
                // Never completed: every packet that carried part of it,
                // the last one included, is a segment of it for tshark.
                self.spans
                    .push((conversation, m.first_packet, m.last_packet + 1, r));
                return;
            }
            self.by_packet.push(m.last_packet);
            self.refs.push(r);
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

    /// How tshark's HTTP dissector takes packet `index` when it is a fresh
    /// segment of an HTTP port without a message ([`continuation`]).
    pub fn fresh(&self, index: usize) -> Option<Fresh> {
        let p = index as u32;
        let i = self.fresh.partition_point(|&(q, _)| q < p);
        self.fresh.get(i).filter(|&&(q, _)| q == p).map(|&(_, f)| f)
    }

    /// Whether packet `index`'s segment ends, after the messages it
    /// completes, in bytes tshark's HTTP takes as a "Continuation".
    pub fn continues_after_messages(&self, index: usize) -> bool {
        self.continuation_after_messages(index).is_some()
    }

    /// How many bytes end packet `index`'s segment after the messages it
    /// completes, when tshark's HTTP takes them as a "Continuation".
    pub fn continuation_after_messages(&self, index: usize) -> Option<u32> {
        let p = u32::try_from(index).ok()?;
        let i = self.trailing.partition_point(|&(q, _)| q < p);
        self.trailing
            .get(i)
            .filter(|&&(q, _)| q == p)
            .map(|&(_, n)| n)
    }

    /// Every fresh segment ([`HttpIndex::fresh`]), by packet.
    pub fn fresh_segments(&self) -> &[(u32, Fresh)] {
        &self.fresh
    }

    /// The FTP data connection (tshark's FTP-DATA) that `conv` is, when a
    /// control connection announced it.
    pub fn ftp_data_channel(&self, conv: &crate::flow::Conversation) -> Option<&FtpDataChannel> {
        ftp_channel(&self.ftp, conv.a, conv.b)
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
        let c = entry.conversation as usize;
        let own = match (self.span_starts.get(c), self.span_starts.get(c + 1)) {
            (Some(&lo), Some(&hi)) => lo as usize..hi as usize,
            _ => 0..0,
        };
        let end = own.start
            + self
                .spans
                .get(own)
                .unwrap_or_default()
                .partition_point(|&(_, first, _, _)| first <= packet);
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
        let transactions: usize = self
            .transactions
            .iter()
            .map(|t| {
                let messages = t.request.iter().chain(&t.interim).chain(&t.response);
                messages.map(Message::heap_bytes).sum::<usize>()
                    + t.interim.capacity() * size_of::<Message>()
            })
            .sum();
        let by_packet = self.by_packet.capacity() * size_of::<u32>()
            + self.refs.capacity() * size_of::<MessageRef>();
        self.transactions.capacity() * size_of::<Transaction>()
            + transactions
            + by_packet
            + self.spans.capacity() * size_of::<(u32, u32, u32, MessageRef)>()
            + self.completing.capacity() * size_of::<u64>()
            + self.span_starts.capacity() * size_of::<u32>()
            + self.fresh.capacity() * size_of::<(u32, Fresh)>()
            + self.trailing.capacity() * size_of::<(u32, u32)>()
    }

    /// References to the messages completed in packet `index` (0-based):
    /// which transaction each belongs to (the details tree's links).
    pub fn refs_at_packet(&self, index: usize) -> &[MessageRef] {
        let p = index as u32;
        let word = self.completing.get(index / 64).copied().unwrap_or(0);
        if word & (1 << (index % 64)) == 0 {
            return &[];
        }
        let start = self.by_packet.partition_point(|&q| q < p);
        let end = start + self.by_packet[start..].partition_point(|&q| q == p);
        self.refs.get(start..end).unwrap_or(&[])
    }

    /// Builds `completing` and `span_starts` from `by_packet` and the
    /// sorted `spans`.
    fn index_lookups(&mut self, conversations: usize) {
        let packets = self.by_packet.last().map_or(0, |&p| p as usize + 1);
        self.completing = vec![0; packets.div_ceil(64)];
        for &p in &self.by_packet {
            if let Some(word) = self.completing.get_mut(p as usize / 64) {
                *word |= 1 << (p % 64);
            }
        }
        let conversations = conversations.max(self.spans.last().map_or(0, |s| s.0 as usize + 1));
        self.span_starts = (0..=conversations as u32)
            .map(|c| self.spans.partition_point(|&(sc, ..)| sc < c) as u32)
            .collect();
    }

    /// Sorts the messages by the packet completing them, keeping the order
    /// they were added in within a packet (what [`HttpIndex::refs_at_packet`]
    /// gives).
    fn sort_by_packet(&mut self) {
        if self.by_packet.is_sorted() {
            return;
        }
        let mut pairs: Vec<(u32, MessageRef)> = self
            .by_packet
            .iter()
            .copied()
            .zip(self.refs.iter().copied())
            .collect();
        pairs.sort_by_key(|&(p, _)| p);
        self.by_packet = pairs.iter().map(|&(p, _)| p).collect();
        self.refs = pairs.into_iter().map(|(_, r)| r).collect();
    }

    /// The messages completed in packet `index` (0-based), in stream order.
    pub fn at_packet(&self, index: usize) -> Vec<&Message> {
        let mut v: Vec<&Message> = self
            .refs_at_packet(index)
            .iter()
            .filter_map(|r| self.message(*r))
            .collect();
        v.sort_by_key(|m| (m.start, !m.is_request()));
        v
    }
}

#[cfg(test)]
mod tests;
