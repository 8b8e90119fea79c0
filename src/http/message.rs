//! One HTTP message of the index, described by where its parts are (the
//! head as a range of the capture, the body as stream offsets and capture
//! spans) rather than by copies, with what is read of it on demand: the head
//! parsed again, the body gathered and its content codings undone.

use super::content;
use super::parse::{self, Framing, Head, StartLine};
use crate::flow::stream::{DirStream, Span};
use crate::flow::Direction;
use crate::store::PacketStore;

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
/// ([`parse::Body::pieces`]) read again on demand ([`crate::http::HttpIndex::body_bytes`]).
#[derive(Debug, Clone)]
pub struct Message {
    pub(super) head: HeadBytes,
    /// A response's status code; 0 for a request.
    pub(super) status: u16,
    pub(super) request: bool,
    /// The conversation (index in [`crate::flow::Conversations::all`]) and the direction
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
    /// Protocol column and an Info suffix, see [`crate::http::summary`]), worked out when
    /// the index is built, from the first bytes of the decoded body.
    /// Boxed: most messages have none, and the index holds many messages.
    pub media: Option<Box<(&'static str, String)>>,
    /// Where the body's bytes are in the capture, when they are the
    /// capture's (not decrypted): read through [`crate::http::HttpIndex::body_raw`] with
    /// no reassembly. Set by [`crate::http::HttpIndex::build`].
    pub body_spans: Option<Box<[Span]>>,
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

    /// The size [`Message::decode_codings`] would give, and its error,
    /// without keeping the decoded bytes.
    pub fn decoded_len(
        &self,
        codings: &[String],
        raw: &[u8],
        limit: u64,
    ) -> (u64, Option<content::ContentError>) {
        let (n, mut error) = content::decoded_len(raw, codings, limit);
        if let Some(content::ContentError::Limit(hit)) = &mut error {
            hit.packet = Some(self.last_packet);
        }
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
        if let Some(content::ContentError::Limit(hit)) = &mut error {
            hit.packet = Some(self.last_packet);
        }
        (n, error)
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
            body_spans: None,
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
        match self.media.as_deref() {
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
