//! One HTTP message of the index, described by where its parts are (the
//! head as a range of the capture, the body as stream offsets and capture
//! spans) rather than by copies, with what is read of it on demand: the head
//! parsed again, the body gathered and its content codings undone.
//!
//! The index holds a message for every request and response of a capture
//! (a capture of short connections has one every five packets), so a
//! [`Message`] is 72 bytes: what every message has (offsets, packets, the
//! head's span, the body's one piece and its one span, flags) inline, and
//! what few have (a head split over segments or decoded from HPACK, a body
//! in several pieces, trailers, a media summary, capture gaps, a bound
//! reached) in one boxed side record, [`More`].

use super::content;
use super::parse::{self, Framing, Head, StartLine};
use crate::flow::stream::{DirStream, Span};
use crate::flow::Direction;
use crate::limits::Limit;
use crate::store::PacketStore;
use std::borrow::Cow;
use std::ops::Range;

/// Where a message's head is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadBytes {
    /// A byte range of the capture: the head came in one segment (nearly
    /// always).
    Capture { offset: u64, len: u32 },
    /// A copy: a head split over segments.
    Owned(Box<[u8]>),
    /// A head that is not text on the wire: HTTP/2's, decoded from HPACK.
    Decoded(Box<Head>),
}

/// The parts of a message few messages have, out of line.
#[derive(Debug, Clone, Default)]
struct More {
    /// The head, when it is not one [`Span`] of the capture.
    head: Option<HeadBytes>,
    /// Stream bytes the body used, when the head is in `head` (else it is
    /// what lies between the head and the message's end).
    wire_len: u64,
    /// The body's pieces, when there are several (else inline).
    pieces: Vec<Range<u64>>,
    /// Their lengths added up.
    len: u64,
    /// The body's capture spans, when there are several (else inline).
    spans: Option<Box<[Span]>>,
    /// Body bytes declared but not captured.
    missing: u64,
    /// Bytes of the message lost to capture gaps (filled with zeros).
    gap_bytes: u64,
    trailers: Vec<(String, String)>,
    limit: Option<Limit>,
    media: Option<(&'static str, String)>,
}

impl More {
    fn is_empty(&self) -> bool {
        self.head.is_none()
            && self.pieces.is_empty()
            && self.spans.is_none()
            && self.missing == 0
            && self.gap_bytes == 0
            && self.trailers.is_empty()
            && self.limit.is_none()
            && self.media.is_none()
    }
}

/// [`Message::flags`] bits.
const REQUEST: u8 = 1;
const COMPLETE: u8 = 1 << 1;
const MALFORMED: u8 = 1 << 2;
/// The head is in [`More::head`], not [`Message::head`].
const HEAD_MORE: u8 = 1 << 3;
/// Two bits: the [`Framing`] kind.
const FRAMING_SHIFT: u8 = 4;
const FRAMING_MASK: u8 = 3 << FRAMING_SHIFT;
/// Two bits: no body spans, one (in [`Message::span`]), several (in
/// [`More::spans`]).
const SPANS_SHIFT: u8 = 6;
const SPANS_MASK: u8 = 3 << SPANS_SHIFT;
const SPANS_ONE: u8 = 1 << SPANS_SHIFT;
const SPANS_MANY: u8 = 2 << SPANS_SHIFT;

/// One HTTP message as found in a direction's stream, described by where its
/// parts are rather than by copies: the head is parsed again when asked for
/// ([`Message::head`], a microsecond), the body is ranges of stream offsets
/// ([`BodyRef::pieces`]) read again on demand ([`crate::http::HttpIndex::body_bytes`]).
#[derive(Debug, Clone)]
pub struct Message {
    /// Stream offsets of the message's first byte and one past its last.
    pub start: u64,
    pub end: u64,
    /// The head's bytes in the capture, unless [`HEAD_MORE`].
    head: Span,
    /// The body's one piece of stream offsets; empty for no body and for a
    /// body of several pieces ([`More::pieces`]).
    piece: Range<u64>,
    /// The body's one capture span, with [`SPANS_ONE`].
    span: Span,
    /// The conversation (index in [`crate::flow::Conversations::all`]) of
    /// the stream the message is in.
    pub conversation: u32,
    /// Packet (0-based) carrying the first byte.
    pub first_packet: u32,
    /// Packet where the message is complete (where tshark shows it); for an
    /// incomplete message, the last packet that carried part of it.
    pub last_packet: u32,
    /// A response's status code; 0 for a request.
    status: u16,
    flags: u8,
    /// The direction of the stream the message is in.
    pub dir: Direction,
    more: Option<Box<More>>,
}

/// What a message is made of, for [`Message::new`].
pub(super) struct Parts {
    pub head: HeadBytes,
    pub status: u16,
    pub request: bool,
    pub conversation: u32,
    pub dir: Direction,
    pub start: u64,
    pub end: u64,
    pub first_packet: u32,
    pub last_packet: u32,
    pub framing: Framing,
    pub body: parse::Body,
    pub gap_bytes: u64,
    /// What the body's media-type dissector adds to the row in tshark (the
    /// Protocol column and an Info suffix, see [`crate::http::summary`]).
    pub media: Option<(&'static str, String)>,
}

/// A message's body (de-chunked, content codings still applied), as
/// [`Message::body`] describes it.
#[derive(Debug, Clone, Copy)]
pub struct BodyRef<'m> {
    m: &'m Message,
}

impl BodyRef<'_> {
    /// De-chunked length: the pieces' lengths added up.
    pub fn len(&self) -> u64 {
        match self.m.more.as_deref() {
            Some(more) if !more.pieces.is_empty() => more.len,
            _ => self.m.piece.end - self.m.piece.start,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Stream bytes the body used (chunk framing and trailers included).
    pub fn wire_len(&self) -> u64 {
        let m = self.m;
        match m.more.as_deref() {
            Some(more) if more.head.is_some() => more.wire_len,
            _ => (m.end - m.start).saturating_sub(u64::from(m.head.len())),
        }
    }

    /// Whether the body ended as its framing says.
    pub fn complete(&self) -> bool {
        self.m.flags & COMPLETE != 0
    }

    /// The chunked coding was malformed (e.g. a chunk size overflowing).
    pub fn malformed(&self) -> bool {
        self.m.flags & MALFORMED != 0
    }

    /// Bytes known to be missing (declared but not captured), when known.
    pub fn missing(&self) -> u64 {
        self.m.more.as_deref().map_or(0, |more| more.missing)
    }

    /// Where the bytes are: ranges of stream offsets, in order.
    pub fn pieces(&self) -> &[Range<u64>] {
        let m = self.m;
        match m.more.as_deref() {
            Some(more) if !more.pieces.is_empty() => &more.pieces,
            _ if m.piece.is_empty() => &[],
            _ => std::slice::from_ref(&m.piece),
        }
    }

    /// Chunked trailers.
    pub fn trailers(&self) -> &[(String, String)] {
        self.m.more.as_deref().map_or(&[], |more| &more.trailers)
    }

    /// The bound that stopped reading the body, if one did.
    pub fn limit(&self) -> Option<Limit> {
        self.m.more.as_deref().and_then(|more| more.limit)
    }

    /// The body's bytes out of `stream` (the bytes its offsets refer to);
    /// what lies beyond the end of `stream` is left out.
    pub fn gather(&self, stream: &[u8]) -> Vec<u8> {
        parse::gather(self.pieces(), stream)
    }

    /// [`BodyRef::gather`], borrowed from `stream` when the body is one piece.
    pub fn bytes_in<'a>(&self, stream: &'a [u8]) -> Cow<'a, [u8]> {
        parse::pieces_in(self.pieces(), stream)
    }
}

impl Message {
    /// A message of `parts`, its rare parts out of line.
    pub(super) fn new(parts: Parts) -> Message {
        let Parts {
            head,
            status,
            request,
            conversation,
            dir,
            start,
            end,
            first_packet,
            last_packet,
            framing,
            body,
            gap_bytes,
            media,
        } = parts;
        let mut more = More {
            missing: body.missing,
            gap_bytes,
            trailers: body.trailers,
            limit: body.limit,
            media,
            ..More::default()
        };
        let mut flags = framing_bits(framing) << FRAMING_SHIFT;
        for (set, bit) in [
            (request, REQUEST),
            (body.complete, COMPLETE),
            (body.malformed, MALFORMED),
        ] {
            if set {
                flags |= bit;
            }
        }
        let head = match head {
            HeadBytes::Capture { offset, len } => Span::data(offset, len),
            _ => None,
        }
        .unwrap_or_else(|| {
            flags |= HEAD_MORE;
            more.head = Some(head);
            more.wire_len = body.wire_len;
            Span::hole(0)
        });
        let mut pieces = body.pieces;
        let piece = if pieces.len() == 1 {
            pieces.pop().unwrap_or_default()
        } else {
            more.len = body.len;
            more.pieces = pieces;
            0..0
        };
        Message {
            start,
            end,
            head,
            piece,
            span: Span::hole(0),
            conversation,
            first_packet,
            last_packet,
            status,
            flags,
            dir,
            more: (!more.is_empty()).then(|| Box::new(more)),
        }
    }

    fn more_mut(&mut self) -> &mut More {
        self.more.get_or_insert_with(Box::default)
    }

    /// The body: its length, pieces and state.
    pub fn body(&self) -> BodyRef<'_> {
        BodyRef { m: self }
    }

    /// How the body is delimited.
    pub fn framing(&self) -> Framing {
        match (self.flags & FRAMING_MASK) >> FRAMING_SHIFT {
            0 => Framing::NoBody,
            1 => Framing::Chunked,
            2 => Framing::Length(self.body().len() + self.body().missing()),
            _ => Framing::Close,
        }
    }

    /// Marks the message as ended before its framing says.
    pub(super) fn set_incomplete(&mut self) {
        self.flags &= !COMPLETE;
    }

    /// Bytes of the message lost to capture gaps (filled with zeros).
    pub fn gap_bytes(&self) -> u64 {
        self.more.as_deref().map_or(0, |more| more.gap_bytes)
    }

    /// What the body's media-type dissector adds to the row in tshark (the
    /// Protocol column and an Info suffix, see [`crate::http::summary`]), worked out when
    /// the index is built, from the first bytes of the decoded body.
    pub fn media(&self) -> Option<&(&'static str, String)> {
        self.more.as_deref().and_then(|more| more.media.as_ref())
    }

    /// Where the body's bytes are in the capture, when they are the
    /// capture's (not decrypted): read through [`crate::http::HttpIndex::body_raw`] with
    /// no reassembly. Set by [`crate::http::HttpIndex::build`].
    pub fn body_spans(&self) -> Option<&[Span]> {
        match self.flags & SPANS_MASK {
            SPANS_ONE => Some(std::slice::from_ref(&self.span)),
            SPANS_MANY => self.more.as_deref().and_then(|more| more.spans.as_deref()),
            _ => None,
        }
    }

    /// Records where the body's bytes are in the capture (see
    /// [`Message::body_spans`]).
    pub(crate) fn set_body_spans(&mut self, spans: Option<Box<[Span]>>) {
        self.flags &= !SPANS_MASK;
        if let Some(more) = self.more.as_deref_mut() {
            more.spans = None;
        }
        match spans.as_deref() {
            None => {}
            Some(&[one]) => {
                self.span = one;
                self.flags |= SPANS_ONE;
            }
            Some(_) => {
                self.more_mut().spans = spans;
                self.flags |= SPANS_MANY;
            }
        }
    }

    /// Heap bytes the message holds beyond its own size (its side record),
    /// for the memory budgets the benchmarks check.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let Some(more) = self.more.as_deref() else {
            return 0;
        };
        let head = match &more.head {
            None | Some(HeadBytes::Capture { .. }) => 0,
            Some(HeadBytes::Owned(b)) => b.len(),
            Some(HeadBytes::Decoded(h)) => {
                size_of::<Head>()
                    + h.headers.capacity() * size_of::<(String, String)>()
                    + h.headers
                        .iter()
                        .map(|(n, v)| n.len() + v.len())
                        .sum::<usize>()
            }
        };
        size_of::<More>()
            + head
            + more.pieces.capacity() * size_of::<Range<u64>>()
            + more
                .spans
                .as_ref()
                .map_or(0, |s| s.len() * size_of::<Span>())
            + more.trailers.capacity() * size_of::<(String, String)>()
            + more
                .trailers
                .iter()
                .map(|(n, v)| n.len() + v.len())
                .sum::<usize>()
            + more.media.as_ref().map_or(0, |(_, s)| s.capacity())
    }

    /// Whether the message is incomplete (capture ended, gaps, malformed).
    pub fn partial(&self) -> bool {
        let body = self.body();
        !body.complete() || body.malformed() || self.gap_bytes() > 0
    }

    /// Whether tshark dissects the message in its last packet: complete,
    /// or malformed (dissected as far as it goes); else it never completed
    /// and its packets are only segments of it.
    pub fn dissected(&self) -> bool {
        !self.partial() || self.body().malformed()
    }

    /// Bytes known to be missing.
    pub fn missing(&self) -> u64 {
        self.body().missing() + self.gap_bytes()
    }

    pub fn is_request(&self) -> bool {
        self.flags & REQUEST != 0
    }

    pub fn code(&self) -> Option<u16> {
        (!self.is_request()).then_some(self.status)
    }

    /// The head's bytes (start line, headers and the blank line), out of
    /// `capture` (the bytes of the capture the index was built from).
    pub fn head_bytes<'s>(&'s self, capture: &'s [u8]) -> &'s [u8] {
        let capture_range = |offset: u64, len: u32| {
            let start = usize::try_from(offset).unwrap_or(usize::MAX);
            let end = start.saturating_add(len as usize);
            capture.get(start..end).unwrap_or(&[])
        };
        if self.flags & HEAD_MORE == 0 {
            return capture_range(self.head.offset(), self.head.len());
        }
        match self.more.as_deref().and_then(|more| more.head.as_ref()) {
            Some(HeadBytes::Capture { offset, len }) => capture_range(*offset, *len),
            Some(HeadBytes::Owned(bytes)) => bytes,
            Some(HeadBytes::Decoded(_)) | None => &[],
        }
    }

    /// The head, parsed again from the capture (it parsed when the index was
    /// built, so this fails only for a store that is not the index's).
    pub fn head(&self, store: &PacketStore) -> Option<Head> {
        self.head_in(store.capture().bytes())
    }

    /// The head, parsed again out of `capture`'s bytes.
    pub fn head_in(&self, capture: &[u8]) -> Option<Head> {
        if let Some(HeadBytes::Decoded(head)) = self.more.as_deref().and_then(|m| m.head.as_ref()) {
            return Some((**head).clone());
        }
        let bytes = self.head_bytes(capture);
        if self.is_request() {
            // A head the stream ended inside (an HTTP/0.9 request line).
            parse::parse_request(bytes)
                .ok()
                .or_else(|| parse::partial_request(bytes))
        } else {
            parse::parse_response(bytes).ok()
        }
    }

    /// The body's bytes out of `streams`, the message's connection already
    /// reassembled (both directions, indexed by [`Direction::index`]).
    pub fn body_in(&self, streams: &[DirStream; 2]) -> Vec<u8> {
        self.body().gather(&streams[self.dir.index()].bytes)
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
        self.place_limit(&mut d.error);
        d
    }

    /// [`Message::decode_codings`] of the body's `parts` written to `out`
    /// as it is decoded, never held whole: the length written and the
    /// error. `Err` is a failure to write.
    pub fn decode_codings_to(
        &self,
        codings: &[String],
        parts: &[&[u8]],
        limit: u64,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<(u64, Option<content::ContentError>)> {
        let (n, mut error) = content::decode_pieces_to(parts, codings, limit, out)?;
        self.place_limit(&mut error);
        Ok((n, error))
    }

    /// The size [`Message::decode_codings`] would give, and its error,
    /// without keeping the decoded bytes.
    pub fn decoded_len(
        &self,
        codings: &[String],
        raw: &[u8],
        limit: u64,
    ) -> (u64, Option<content::ContentError>) {
        let (n, mut error) = content::decoded_len(raw, codings, limit);
        self.place_limit(&mut error);
        (n, error)
    }

    /// [`Message::decoded_len`] of the raw body in `parts` (its segments in
    /// the capture, in order), read where they lie.
    pub fn decoded_len_pieces(
        &self,
        codings: &[String],
        parts: &[&[u8]],
        limit: u64,
    ) -> (u64, Option<content::ContentError>) {
        let (n, mut error) = content::decoded_len_pieces(parts, codings, limit);
        self.place_limit(&mut error);
        (n, error)
    }

    /// A bound reached while decoding this message's body is placed at
    /// its last packet (the decoders do not know the packets).
    fn place_limit(&self, error: &mut Option<content::ContentError>) {
        if let Some(content::ContentError::Limit(hit)) = error {
            hit.packet = Some(self.last_packet);
        }
    }

    /// A message of an HTTP/2 stream (built by [`crate::http2`]): `packets`
    /// carry its first byte and complete it.
    pub fn http2(
        head: Head,
        conversation: u32,
        dir: Direction,
        packets: (u32, u32),
        body: parse::Body,
    ) -> Message {
        let (request, status) = match &head.start {
            StartLine::Request { .. } => (true, 0),
            StartLine::Response { code, .. } => (false, *code),
        };
        Message::new(Parts {
            head: HeadBytes::Decoded(Box::new(head)),
            status,
            request,
            conversation,
            dir,
            start: 0,
            end: 0,
            first_packet: packets.0,
            last_packet: packets.1,
            framing: if body.is_empty() {
                Framing::NoBody
            } else {
                Framing::Length(body.len)
            },
            body,
            gap_bytes: 0,
            media: None,
        })
    }

    /// A message of an HTTP/2 stream.
    pub fn is_http2(&self) -> bool {
        matches!(
            self.more.as_deref().and_then(|more| more.head.as_ref()),
            Some(HeadBytes::Decoded(_))
        )
    }

    /// The Protocol column and the Info text of the message as Wireshark
    /// shows them: the start line, then what the body's media-type dissector
    /// adds; `head` is this message's.
    pub fn protocol_and_info(&self, head: &Head) -> (&'static str, String) {
        let mut s = head.start_line_info();
        match self.media() {
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

/// The two bits of [`Message::flags`] that say `framing`'s kind (a
/// `Content-Length` is the body's length and its missing bytes).
fn framing_bits(framing: Framing) -> u8 {
    match framing {
        Framing::NoBody => 0,
        Framing::Chunked => 1,
        Framing::Length(_) => 2,
        Framing::Close => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(head: HeadBytes, framing: Framing, body: parse::Body) -> Parts {
        Parts {
            head,
            status: 200,
            request: false,
            conversation: 3,
            dir: Direction::BtoA,
            start: 10,
            end: 10 + 20 + body.wire_len,
            first_packet: 1,
            last_packet: 2,
            framing,
            body,
            gap_bytes: 0,
            media: None,
        }
    }

    /// The compact form says what the parser found: one piece and one span
    /// inline, several out of line, the framing and the wire length derived.
    #[test]
    fn compact_message_reads_back_what_was_parsed() {
        assert!(std::mem::size_of::<Message>() <= 72);
        assert_eq!(
            std::mem::size_of::<Option<Message>>(),
            std::mem::size_of::<Message>()
        );
        let head = HeadBytes::Capture {
            offset: 1000,
            len: 20,
        };
        let wire = b"0123456789";
        let body = parse::read_body(wire, Framing::Length(12), false);
        let mut m = Message::new(parts(head.clone(), Framing::Length(12), body));
        assert!(m.more.is_some(), "missing bytes are out of line");
        assert_eq!(m.framing(), Framing::Length(12));
        assert_eq!((m.body().len(), m.body().wire_len()), (10, 10));
        assert_eq!(m.body().pieces(), std::slice::from_ref(&(0..10)));
        assert_eq!(m.body().gather(wire), wire);
        assert_eq!(m.missing(), 2);
        assert!(m.partial() && !m.body().complete() && !m.is_request());
        assert_eq!(m.head_bytes(&[7u8; 2000]).len(), 20);
        assert_eq!(m.body_spans(), None);
        let one = Span::data(5000, 10);
        m.set_body_spans(one.map(|s| vec![s].into_boxed_slice()));
        assert_eq!(m.body_spans().map(<[Span]>::len), Some(1));
        let many = [Span::data(5000, 4).expect("span"), Span::hole(6)];
        m.set_body_spans(Some(Box::new(many)));
        assert_eq!(m.body_spans(), Some(&many[..]));

        let chunked = b"3\r\nabc\r\n2\r\nde\r\n0\r\nX: y\r\n\r\n";
        let body = parse::read_body(chunked, Framing::Chunked, false);
        let m = Message::new(parts(head, Framing::Chunked, body));
        assert_eq!(m.framing(), Framing::Chunked);
        assert_eq!(m.body().gather(chunked), b"abcde");
        assert_eq!(m.body().len(), 5);
        assert_eq!(m.body().wire_len(), chunked.len() as u64);
        assert_eq!(m.body().trailers(), &[("X".into(), "y".into())]);
        assert!(m.body().complete() && !m.partial());

        let empty = parse::read_body(b"", Framing::NoBody, true);
        let owned = HeadBytes::Owned(b"HTTP/1.1 204 No Content\r\n\r\n"[..].into());
        let m = Message::new(parts(owned, Framing::NoBody, empty));
        assert!(m.body().is_empty() && m.body().pieces().is_empty());
        assert_eq!(m.head_in(&[]).and_then(|h| h.code()), Some(204));
        assert_eq!(m.body().wire_len(), 0);
    }
}
