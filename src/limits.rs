//! Every bound on what a capture can make wirelens spend, named once, and the
//! typed report of a bound being reached.
//!
//! A capture is untrusted input. Each resource it can grow (held segments,
//! conversations, header blocks, decoded bodies, DNS name chains, filters)
//! has one constant here; the code that enforces it refers to that constant,
//! and when the bound is reached it records a [`LimitHit`] (never a silent
//! truncation, never a panic). A [`LimitLog`] keeps the first hit of each
//! limit per trace; the CLI prints each once to standard error as
//! `limit reached: NAME (VALUE) at packet N`.

use std::fmt;
use std::sync::Mutex;

/// Captured bytes of one record, as Wireshark's `WTAP_MAX_PACKET_SIZE_STANDARD`:
/// a bigger record means the file is corrupt (a [`crate::capture::CaptureError`]).
pub const MAX_RECORD_LEN: u32 = 262_144;
/// How many times its size a gzip-compressed capture may expand (past
/// [`MIN_GZIP_LIMIT`]); beyond, the file is refused as a bomb (a
/// [`crate::capture::CaptureError`]).
pub const MAX_GZIP_RATIO: u64 = 200;
/// Bytes a gzip-compressed capture may always expand to.
pub const MIN_GZIP_LIMIT: u64 = 64 * 1024 * 1024;
/// Out-of-order segments held per direction of a TCP connection, waiting for
/// a hole to fill. Past it the oldest hole is declared lost.
pub const MAX_HELD_SEGMENTS: u64 = 4096;
/// Out-of-order payload bytes held per direction of a TCP connection.
pub const MAX_HELD_BYTES: u64 = 16 * 1024 * 1024;
/// TCP and UDP conversations in one capture. Packets of further
/// conversations are still listed and decoded, but get no `tcp.stream` /
/// `udp.stream` (and no reassembly or analysis). A TCP conversation costs
/// about 400 heap bytes (benches/flood.rs), so a SYN flood stays under
/// 400 MiB of conversation table.
pub const MAX_CONVERSATIONS: u64 = 1_000_000;
/// The largest hole of a TCP stream filled with zeros for the HTTP parser;
/// past it the rest of the direction is not parsed.
pub const MAX_GAP_FILL: u64 = 16 * 1024 * 1024;
/// Zero fill allowed in one direction: [`GAP_FILL_ALLOWANCE`] plus this many
/// times the bytes really captured in it, so tiny segments far apart cannot
/// turn into gigabytes.
pub const MAX_GAP_FILL_RATIO: u64 = 4;
/// Zero fill always allowed in one direction.
pub const GAP_FILL_ALLOWANCE: u64 = 1024 * 1024;
/// Bytes of one HTTP message head (start line, headers, blank line).
pub const MAX_HTTP_HEAD: u64 = 64 * 1024;
/// Header lines in one HTTP message head.
pub const MAX_HTTP_HEADERS: u64 = 256;
/// HTTP requests of one connection still waiting for a response.
pub const MAX_HTTP_PIPELINE: u64 = 10_000;
/// Bytes of one chunk-size line (size and extensions) of a chunked body.
pub const MAX_HTTP_CHUNK_LINE: u64 = 4096;
/// Bytes of one decoded HTTP body.
pub const MAX_DECODED_BODY: u64 = 256 * 1024 * 1024;
/// How many times its encoded size a body may expand when decoded (past
/// [`MIN_DECODED_ALLOWANCE`]): gzip's own maximum is about 1032, so only a
/// crafted bomb or stacked codings go past it.
pub const MAX_DECOMPRESSION_RATIO: u64 = 1100;
/// Decoded bytes always allowed, whatever the ratio.
pub const MIN_DECODED_ALLOWANCE: u64 = 1024 * 1024;
/// Content codings stacked in one Content-Encoding.
pub const MAX_CONTENT_CODINGS: u64 = 4;
/// Bytes of a DNS name on the wire (RFC 1035); as each label takes two bytes
/// or more, this also bounds its labels (127).
pub const MAX_DNS_NAME: u64 = 255;
/// Compression pointers followed while reading one DNS name.
pub const MAX_DNS_POINTERS: u64 = 32;
/// Answer records read from one DNS message for the name map.
pub const MAX_DNS_ANSWERS: u64 = 64;
/// DNS responses the name map keeps (and queries waiting for one).
pub const MAX_DNS_LOOKUPS: u64 = 100_000;
/// Address → name answers the name map keeps.
pub const MAX_DNS_RESOLUTIONS: u64 = 1_000_000;
/// Bytes of a display filter's text.
pub const MAX_FILTER_LEN: u64 = 64 * 1024;
/// Words and symbols of a display filter.
pub const MAX_FILTER_TOKENS: u64 = 1024;
/// Nesting of `not` and parentheses in a display filter.
pub const MAX_FILTER_DEPTH: u64 = 64;
/// Compiled size of a `matches` regular expression, in bytes.
pub const MAX_REGEX_SIZE: u64 = 1024 * 1024;
/// Protocols in one frame's path for the protocol hierarchy (`io,phs`);
/// deeper frames are counted as such and reported.
pub const MAX_PROTOCOL_DEPTH: u64 = 16;
/// Cells (intervals times series) of one I/O statistic (`io,stat`); more is
/// a typed error asking for a longer interval.
pub const MAX_IO_CELLS: u64 = 2_000_000;
/// DNS queries awaiting their response in the DNS statistics; past it the
/// pending ones are forgotten (their responses count as unsolicited).
pub const MAX_DNS_PENDING: u64 = 65_536;
/// Segments awaiting an ACK that a TCP stream graph's RTT series remembers;
/// past it later segments get no RTT point.
pub const MAX_GRAPH_OUTSTANDING: u64 = 65_536;
/// Segments awaiting an ACK that the details tree's `[SEQ/ACK analysis]`
/// remembers per direction, as Wireshark's `TCP_MAX_UNACKED_SEGMENTS`; past
/// it later segments are neither acknowledged nor counted in flight (the
/// tree says so).
pub const MAX_UNACKED_SEGMENTS: u64 = 10_000;
/// Nesting of objects and arrays the details tree follows in a JSON body;
/// a deeper body is shown as line-based text (the tree says so).
pub const MAX_JSON_DEPTH: u64 = 64;
/// Variable bindings of one SNMP PDU named in the Info column; the others
/// are still parsed (so a malformed one still makes the row plain UDP).
pub const MAX_SNMP_VARBINDS: u64 = 256;
/// Earlier datagrams of a UDP conversation read for a QUIC row's context
/// (the Initial keys' DCID, the short header's DCID length).
pub const MAX_QUIC_CONTEXT_WALK: u64 = 20_000;
/// Key-log bytes kept from a pcapng's Decryption Secrets Blocks (all
/// together); the blocks past it are skipped.
pub const MAX_TLS_SECRETS: u64 = 16 * 1024 * 1024;
/// DATA bytes kept of one HTTP/2 message body; past it the body is cut
/// there and marked incomplete.
pub const MAX_HTTP2_BODY: u64 = 64 * 1024 * 1024;

/// A bound, by the name of its constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Limit {
    HeldSegments,
    HeldBytes,
    Conversations,
    GapFill,
    GapFillRatio,
    HttpHead,
    HttpHeaders,
    HttpPipeline,
    HttpChunkLine,
    DecodedBody,
    DecompressionRatio,
    ContentCodings,
    DnsName,
    DnsPointers,
    DnsAnswers,
    DnsLookups,
    DnsResolutions,
    FilterLen,
    FilterTokens,
    FilterDepth,
    RegexSize,
    ProtocolDepth,
    IoCells,
    DnsPending,
    GraphOutstanding,
    TlsSecrets,
    Http2Body,
}

impl Limit {
    /// The constant's name.
    pub fn name(self) -> &'static str {
        match self {
            Limit::HeldSegments => "MAX_HELD_SEGMENTS",
            Limit::HeldBytes => "MAX_HELD_BYTES",
            Limit::Conversations => "MAX_CONVERSATIONS",
            Limit::GapFill => "MAX_GAP_FILL",
            Limit::GapFillRatio => "MAX_GAP_FILL_RATIO",
            Limit::HttpHead => "MAX_HTTP_HEAD",
            Limit::HttpHeaders => "MAX_HTTP_HEADERS",
            Limit::HttpPipeline => "MAX_HTTP_PIPELINE",
            Limit::HttpChunkLine => "MAX_HTTP_CHUNK_LINE",
            Limit::DecodedBody => "MAX_DECODED_BODY",
            Limit::DecompressionRatio => "MAX_DECOMPRESSION_RATIO",
            Limit::ContentCodings => "MAX_CONTENT_CODINGS",
            Limit::DnsName => "MAX_DNS_NAME",
            Limit::DnsPointers => "MAX_DNS_POINTERS",
            Limit::DnsAnswers => "MAX_DNS_ANSWERS",
            Limit::DnsLookups => "MAX_DNS_LOOKUPS",
            Limit::DnsResolutions => "MAX_DNS_RESOLUTIONS",
            Limit::FilterLen => "MAX_FILTER_LEN",
            Limit::FilterTokens => "MAX_FILTER_TOKENS",
            Limit::FilterDepth => "MAX_FILTER_DEPTH",
            Limit::RegexSize => "MAX_REGEX_SIZE",
            Limit::ProtocolDepth => "MAX_PROTOCOL_DEPTH",
            Limit::IoCells => "MAX_IO_CELLS",
            Limit::DnsPending => "MAX_DNS_PENDING",
            Limit::GraphOutstanding => "MAX_GRAPH_OUTSTANDING",
            Limit::TlsSecrets => "MAX_TLS_SECRETS",
            Limit::Http2Body => "MAX_HTTP2_BODY",
        }
    }

    /// The constant's value.
    pub fn value(self) -> u64 {
        match self {
            Limit::HeldSegments => MAX_HELD_SEGMENTS,
            Limit::HeldBytes => MAX_HELD_BYTES,
            Limit::Conversations => MAX_CONVERSATIONS,
            Limit::GapFill => MAX_GAP_FILL,
            Limit::GapFillRatio => MAX_GAP_FILL_RATIO,
            Limit::HttpHead => MAX_HTTP_HEAD,
            Limit::HttpHeaders => MAX_HTTP_HEADERS,
            Limit::HttpPipeline => MAX_HTTP_PIPELINE,
            Limit::HttpChunkLine => MAX_HTTP_CHUNK_LINE,
            Limit::DecodedBody => MAX_DECODED_BODY,
            Limit::DecompressionRatio => MAX_DECOMPRESSION_RATIO,
            Limit::ContentCodings => MAX_CONTENT_CODINGS,
            Limit::DnsName => MAX_DNS_NAME,
            Limit::DnsPointers => MAX_DNS_POINTERS,
            Limit::DnsAnswers => MAX_DNS_ANSWERS,
            Limit::DnsLookups => MAX_DNS_LOOKUPS,
            Limit::DnsResolutions => MAX_DNS_RESOLUTIONS,
            Limit::FilterLen => MAX_FILTER_LEN,
            Limit::FilterTokens => MAX_FILTER_TOKENS,
            Limit::FilterDepth => MAX_FILTER_DEPTH,
            Limit::RegexSize => MAX_REGEX_SIZE,
            Limit::ProtocolDepth => MAX_PROTOCOL_DEPTH,
            Limit::IoCells => MAX_IO_CELLS,
            Limit::DnsPending => MAX_DNS_PENDING,
            Limit::GraphOutstanding => MAX_GRAPH_OUTSTANDING,
            Limit::TlsSecrets => MAX_TLS_SECRETS,
            Limit::Http2Body => MAX_HTTP2_BODY,
        }
    }
}

/// A bound reached: which, with what value in force, and at which packet
/// (0-based; shown 1-based as Wireshark numbers frames).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitHit {
    pub limit: Limit,
    /// The bound in force (the constant, or a smaller one a caller chose).
    pub value: u64,
    pub packet: Option<u32>,
}

impl LimitHit {
    /// A hit of `limit` at its constant's value.
    pub fn new(limit: Limit, packet: Option<u32>) -> LimitHit {
        LimitHit {
            limit,
            value: limit.value(),
            packet,
        }
    }
}

impl fmt::Display for LimitHit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "limit reached: {} ({})", self.limit.name(), self.value)?;
        if let Some(p) = self.packet {
            write!(f, " at packet {}", u64::from(p) + 1)?;
        }
        Ok(())
    }
}

impl std::error::Error for LimitHit {}

/// The first hit of each limit, shared by the stages of one trace (some run
/// on several threads, some lazily on first use).
#[derive(Debug, Default)]
pub struct LimitLog {
    hits: Mutex<Vec<LimitHit>>,
}

impl LimitLog {
    /// Records `hit` unless its limit was already reached; keeps the
    /// earliest packet when hits arrive out of order.
    pub fn report(&self, hit: LimitHit) {
        let Ok(mut hits) = self.hits.lock() else {
            return;
        };
        match hits.iter_mut().find(|h| h.limit == hit.limit) {
            Some(h) if hit.packet < h.packet && hit.packet.is_some() => *h = hit,
            Some(_) => {}
            None => hits.push(hit),
        }
    }

    /// The hits so far, by limit.
    pub fn hits(&self) -> Vec<LimitHit> {
        let mut v = self.hits.lock().map(|h| h.clone()).unwrap_or_default();
        v.sort_by_key(|h| h.limit);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_each_limit_once_with_the_earliest_packet() {
        let log = LimitLog::default();
        log.report(LimitHit::new(Limit::HeldSegments, Some(41)));
        log.report(LimitHit::new(Limit::HeldSegments, Some(9)));
        log.report(LimitHit::new(Limit::HeldSegments, Some(99)));
        log.report(LimitHit::new(Limit::DnsPointers, None));
        let hits = log.hits();
        assert_eq!(hits.len(), 2);
        assert_eq!(
            hits[0].to_string(),
            "limit reached: MAX_HELD_SEGMENTS (4096) at packet 10"
        );
        assert_eq!(hits[1].to_string(), "limit reached: MAX_DNS_POINTERS (32)");
    }
}
