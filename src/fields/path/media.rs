//! The dissector tshark 4.0 hands an HTTP message's body to (`json`,
//! `data-text-lines`, `png`, …), told from its Content-Type and, where
//! tshark's dissector looks at the bytes, from the body: worked out for every
//! message of an index at once (on all cores) or for one message.

use crate::flow::Conversations;
use crate::http::parse::Head;
use crate::http::HttpIndex;
use crate::http::Message;
use crate::store::PacketStore;
use std::collections::{HashMap, HashSet};

/// The dissector tshark hands an HTTP body of `content_type` to.
pub fn media_dissector(content_type: &str, body: &[u8]) -> &'static str {
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match media.as_str() {
        "text/xml" | "application/xml" => "xml",
        "application/json" => "json",
        "application/x-javascript" => "data-text-lines",
        "application/octet-stream" => "data",
        "application/x-www-form-urlencoded" => "urlencoded-form",
        "image/gif" => "image-gif",
        "image/jpeg" => "image-jfif",
        // The PNG dissector gives up on a GIF labelled PNG; the GIF
        // dissector's heuristic takes it.
        "image/png" if body.starts_with(b"GIF8") => "image-gif",
        "image/png" => "png",
        m if m.starts_with("text/") => "data-text-lines",
        m if m.starts_with("multipart/") => "mime_multipart",
        _ => "media",
    }
}

/// JSON bodies up to this size (decoded) are parsed whole to tell whether
/// tshark's JSON dissector accepts them; longer ones only by their start.
pub const MAX_JSON_CHECK: u64 = 256 * 1024;

/// The most a content coding can take to say "nothing" (an empty gzip member
/// is 20 bytes); only bodies this short are decoded to see if they are empty.
const MAX_EMPTY_CODED: u64 = 64;

fn parses_as_json(body: &[u8]) -> bool {
    if body.len() as u64 >= MAX_JSON_CHECK {
        let start = body.iter().find(|b| !b.is_ascii_whitespace());
        return matches!(
            start,
            Some(b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n')
        );
    }
    serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

/// The dissectors tshark runs on a message's body, after `http`: none, the
/// media dissector, or JSON falling back to lines.
pub type Media = std::borrow::Cow<'static, [&'static str]>;

/// Whether working out a message's media needs its body bytes.
fn needs_bytes(m: &Message, head: &Head, media: &str) -> bool {
    let coded = !head.codings().is_empty();
    media == "png"
        || media == "json"
        || media == "mime_multipart"
        || (coded && m.body().wire_len() <= MAX_EMPTY_CODED)
}

/// The media of a message with a body and a Content-Type; `raw` is the body
/// (content codings still applied) when [`needs_bytes`] asked for it.
fn media_with(m: &Message, head: &Head, raw: Option<&[u8]>) -> Media {
    let content_type = head.header("content-type").unwrap_or("");
    let coded = !head.codings().is_empty();
    let decoded = |limit| raw.map(|r| m.decode_body(head, r, limit).bytes);
    // A body that decodes to nothing gets no dissector (an empty gzip member).
    if coded
        && m.body().wire_len() <= MAX_EMPTY_CODED
        && decoded(MAX_EMPTY_CODED).is_some_and(|b| b.is_empty())
    {
        return Media::default();
    }
    let media: &'static [&'static str] = match media_dissector(content_type, raw.unwrap_or(&[])) {
        // tshark's JSON dissector hands text it cannot parse (an anti-XSSI
        // prefix, say) to the line dissector.
        "json" if decoded(MAX_JSON_CHECK).is_some_and(|b| !parses_as_json(&b)) => {
            &["json", "data-text-lines"]
        }
        "json" => &["json"],
        "png" => &["png"],
        "image-gif" => &["image-gif"],
        "xml" => &["xml"],
        "data-text-lines" => &["data-text-lines"],
        "data" => &["data"],
        "urlencoded-form" => &["urlencoded-form"],
        "image-jfif" => &["image-jfif"],
        // The parts' own dissectors follow (the body cut on its boundary).
        "mime_multipart" => {
            let body = if coded {
                decoded(MAX_MULTIPART_CHECK)
            } else {
                raw.map(<[u8]>::to_vec)
            };
            let mut all = vec!["mime_multipart"];
            all.extend(crate::fields::dissect::multipart::protocols(
                content_type,
                body.as_deref().unwrap_or_default(),
            ));
            return Media::Owned(all);
        }
        _ => &["media"],
    };
    Media::Borrowed(media)
}

/// Multipart bodies are cut into their parts up to this size (decoded).
pub const MAX_MULTIPART_CHECK: u64 = 16 << 20;

/// The first `n` bytes of a body read out of the capture through its spans
/// (holes read as zeros), without gathering the rest.
fn span_prefix(spans: &[crate::flow::stream::Span], capture: &[u8], n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n);
    for s in spans {
        let want = n - out.len();
        if want == 0 {
            break;
        }
        match s.bytes(capture) {
            Some(b) => out.extend_from_slice(&b[..b.len().min(want)]),
            None => out.resize(out.len() + (s.len() as usize).min(want), 0),
        }
    }
    out
}

/// The media of message `m` (with a body, not malformed, with a
/// Content-Type): classified from its head alone when that says enough,
/// else from its body read through the spans the index recorded (the first
/// bytes of a PNG, a JSON body to parse, a short coded body to see if it is
/// empty). `stream` is the message's direction, for a message without spans
/// (decrypted, HTTP/2) whose bytes are needed ([`reads_stream`]).
pub fn message_media(
    store: &PacketStore,
    m: &Message,
    head: &Head,
    stream: Option<&[u8]>,
) -> Media {
    if !needs_bytes(
        m,
        head,
        media_dissector(head.header("content-type").unwrap_or(""), &[]),
    ) {
        return media_with(m, head, None);
    }
    let media = media_dissector(head.header("content-type").unwrap_or(""), &[]);
    let coded = !head.codings().is_empty();
    // A PNG is told from a GIF by its first bytes; the rest is not read.
    let prefix_only = media == "png" && !(coded && m.body().wire_len() <= MAX_EMPTY_CODED);
    let capture = store.capture().bytes();
    match m.body_spans() {
        Some(spans) if prefix_only => media_with(m, head, Some(&span_prefix(spans, capture, 4))),
        Some(spans) => media_with(
            m,
            head,
            Some(&crate::flow::stream::span_bytes(spans, capture)),
        ),
        None => media_with(m, head, Some(&m.body().bytes_in(stream.unwrap_or(&[])))),
    }
}

/// Whether [`message_media`] needs message `m`'s direction reassembled.
pub fn reads_stream(m: &Message, head: &Head) -> bool {
    m.body_spans().is_none()
        && needs_bytes(
            m,
            head,
            media_dissector(head.header("content-type").unwrap_or(""), &[]),
        )
}

/// Every shown message's media, keyed by the message's address in the index
/// (never dereferenced: an identity for the lookup in the per-packet pass).
/// Worked out per conversation, on all cores; bodies are read through their
/// spans in the capture, so no connection is reassembled again (but for
/// bodies the capture does not hold as such: decrypted ones, HTTP/2's).
pub fn media_of(
    store: &PacketStore,
    conversations: &Conversations,
    index: &HttpIndex,
    only: Option<&HashSet<u32>>,
) -> HashMap<usize, Media> {
    let key = |m: &Message| std::ptr::from_ref(m) as usize;
    // The transactions of one conversation follow each other in the index.
    let groups: Vec<&[crate::http::Transaction]> = index
        .transactions
        .chunk_by(|a, b| a.conversation == b.conversation)
        .filter(|txns| {
            txns.first()
                .is_some_and(|t| only.is_none_or(|o| o.contains(&t.conversation)))
        })
        .collect();
    let parts = crate::parallel::map_in_order(&groups, |txns| {
        let Some(conversation) = txns.first().map(|t| t.conversation) else {
            return Vec::new();
        };
        // The directions read again, for messages without spans.
        let mut streams: [Option<std::borrow::Cow<'_, crate::flow::stream::DirStream>>; 2] =
            [None, None];
        let mut out = Vec::new();
        for m in txns.iter().flat_map(|t| {
            t.request
                .iter()
                .chain(t.interim.iter())
                .chain(t.response.iter())
        }) {
            if m.body().wire_len() == 0 || m.body().malformed() {
                continue;
            }
            let Some(head) = m.head(store) else {
                continue;
            };
            if head.header("content-type").is_none() {
                continue;
            }
            let stream = reads_stream(m, &head).then(|| {
                &streams[m.dir.index()]
                    .get_or_insert_with(|| {
                        index.stream_of(store, conversations, conversation, m.dir)
                    })
                    .bytes[..]
            });
            out.push((key(m), message_media(store, m, &head, stream)));
        }
        out
    });
    parts.into_iter().flatten().collect()
}
