//! HTTP/1.x over one connection: messages framed out of each reassembled
//! direction (heads, bodies, resynchronising after damage), then requests
//! and responses paired into transactions, each bound reported when hit.
//! The directions are read in place ([`StreamView`]): heads, chunk lines
//! and the start of a body are read where they lie, a body's data is
//! skipped over, never copied.

use super::parse::{Framing, Head, StartLine};
use super::*;
use crate::flow::stream::{StreamBytes, StreamView};

/// Records a bound reached by the message parser at stream offset `at`.
pub(super) fn report(limits: &LimitLog, s: &DirStream, limit: Limit, at: u64) {
    limits.report(LimitHit::new(limit, s.packet_at(at)));
}

/// The most bytes [`parse::looks_like_request`] and
/// [`parse::looks_like_response`] read.
const LOOK: usize = 16;

/// The head parsed at `at` by `parse` (one of [`parse::parse_request`] and
/// [`parse::parse_response`]), read in place: on the piece holding `at`,
/// then on wider windows while the head runs past what was read.
fn head_at(
    v: &StreamView<'_>,
    at: u64,
    parse: fn(&[u8]) -> Result<Head, parse::HeadError>,
) -> Result<Head, parse::HeadError> {
    // The start line is told from what it starts with (LOOK bytes) before
    // the head is parsed.
    v.parse_at(at, LOOK, parse::MAX_HEAD, parse, |r| {
        matches!(r, Err(parse::HeadError::Incomplete))
    })
}

pub(super) fn message_at(
    v: &StreamView<'_>,
    start: u64,
    head: &Head,
    framing: Framing,
    closed: bool,
    limits: &LimitLog,
) -> Message {
    let s = v.stream;
    let body_start = start + head.len as u64;
    let mut body = parse::read_body_at(v, body_start, framing, closed);
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
    let media = media_summary(head, &body, v);
    let head_len = head.len as u64;
    let head_bytes = match s.capture_range(start, head_len) {
        Some((offset, len)) => HeadBytes::Capture { offset, len },
        None => HeadBytes::Owned(v.window(start, head.len).into_owned().into()),
    };
    Message::new(message::Parts {
        head: head_bytes,
        status: head.code().unwrap_or(0),
        request: head.is_request(),
        conversation: 0,
        dir: s.dir,
        gap_bytes: s.missing_in(start, end),
        start,
        end,
        first_packet,
        last_packet,
        framing,
        body,
        media,
    })
}

/// What tshark's media-type dissector adds for a message with `head` and
/// `body` (offsets into `stream`): only a body that is not empty once its
/// content codings are undone gets a summary.
pub(super) fn media_summary<S: StreamBytes + ?Sized>(
    head: &Head,
    body: &parse::Body,
    stream: &S,
) -> Option<(&'static str, String)> {
    // How much of a content-coded multipart body is decoded for its parts'
    // types (other bodies are read up to their magic number).
    const PEEK: usize = 4096;
    if body.is_empty() {
        return None;
    }
    let ct = head.header("content-type")?;
    let codings = head.codings();
    if codings.is_empty() {
        // Only a multipart summary reads past the magic number: other
        // bodies are not gathered whole.
        let max = if summary::reads_whole_body(ct) {
            usize::MAX
        } else {
            summary::MAGIC_LEN
        };
        let bytes = prefix(body, stream, max);
        return (!bytes.is_empty()).then(|| summary::media_summary(ct, &bytes));
    }
    // Decoded from the body's pieces where they lie (a chunked body is not
    // gathered whole for a peek at its start).
    let mut parts: Vec<&[u8]> = Vec::new();
    for r in &body.pieces {
        stream.for_each_run(r.start, r.end, &mut |run| parts.push(run));
    }
    // Past an empty body and an image's magic number, only a multipart
    // summary reads the decoded bytes (each inflated byte costs).
    let peek = if summary::reads_whole_body(ct) {
        PEEK
    } else {
        summary::MAGIC_LEN
    };
    let decoded = content::decode_pieces(&parts, &codings, peek as u64);
    (!decoded.bytes.is_empty()).then(|| summary::media_summary(ct, &decoded.bytes))
}

/// The first `max` bytes of `body` out of `stream` (what
/// [`parse::Body::gather`] would give, cut at `max`): borrowed when they lie
/// in one run of the stream.
fn prefix<'s, S: StreamBytes + ?Sized>(
    body: &parse::Body,
    stream: &'s S,
    max: usize,
) -> std::borrow::Cow<'s, [u8]> {
    let take = |r: &std::ops::Range<u64>, room: usize| {
        let len = r.end.saturating_sub(r.start).min(room as u64) as usize;
        stream.window(r.start, len)
    };
    match body.pieces.as_slice() {
        [] => std::borrow::Cow::Borrowed(&[]),
        [one] => take(one, max),
        pieces => {
            let mut out = Vec::new();
            for r in pieces {
                if out.len() >= max {
                    break;
                }
                out.extend_from_slice(&take(r, max - out.len()));
            }
            std::borrow::Cow::Owned(out)
        }
    }
}

/// Where to look for the next message after a failure at `pos`: the first
/// line start after the next gap that looks like a message, or the first
/// later segment that starts like one (tshark hands every segment to HTTP, so
/// a stray byte such as a keep-alive probe before a request does not hide it).
pub(super) fn resync(v: &StreamView<'_>, pos: u64, looks: fn(&[u8]) -> bool) -> Option<u64> {
    let s = v.stream;
    let at_segment = s
        .packets
        .iter()
        .map(|&(o, _)| o)
        .filter(|&o| o > pos)
        .find(|&o| looks(&v.window(o, LOOK)));
    let after_gap = s.next_gap_after(pos).and_then(|(o, l)| {
        // A line start at or after `from`: just after a `\n` at `from - 1`
        // or later (`from` is at least 1).
        let from = (o + l).max(pos + 1);
        let mut nl_from = from - 1;
        while let Some(nl) = v.find_newline(nl_from, u64::MAX) {
            let p = nl + 1;
            if p >= v.len() {
                return None;
            }
            if looks(&v.window(p, LOOK)) {
                return Some(p);
            }
            nl_from = p;
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
pub(super) fn parse_requests(v: &StreamView<'_>, limits: &LimitLog) -> Vec<(Message, String)> {
    let s = v.stream;
    let mut out = Vec::new();
    let mut pos = 0u64;
    let closed = s.end_packet.is_some();
    while pos < v.len() {
        match head_at(v, pos, parse::parse_request) {
            Ok(head) => {
                let framing = parse::request_framing(&head);
                let m = message_at(v, pos, &head, framing, closed, limits);
                let next = m.end;
                let stop = !m.body().complete() || m.body().malformed();
                out.push((m, head.method().unwrap_or_default().to_string()));
                if stop {
                    match resync(v, next, parse::looks_like_request) {
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
                // on the segments that carried it. (Incomplete means all
                // that is left is shorter than the head bound.)
                if e == parse::HeadError::Incomplete {
                    if let Some(head) = parse::partial_request(&v.window(pos, parse::MAX_HEAD)) {
                        let mut m = message_at(v, pos, &head, Framing::NoBody, closed, limits);
                        m.set_incomplete();
                        out.push((m, head.method().unwrap_or_default().to_string()));
                    }
                }
                // Skip blank lines between messages (RFC 9112 2.2).
                let lead = v.window(pos, 2);
                if lead.starts_with(b"\r\n") || lead.starts_with(b"\n") {
                    pos += if lead[0] == b'\r' { 2 } else { 1 };
                    continue;
                }
                match resync(v, pos, parse::looks_like_request) {
                    Some(p) => pos = p,
                    None => break,
                }
            }
        }
    }
    out
}

/// Parses one connection into transactions.
pub(super) fn connection(
    conv: &Conversation,
    ci: u32,
    streams: &[StreamView<'_>; 2],
    limits: &LimitLog,
) -> Vec<Transaction> {
    let (mut cdir, _) = conv.client_direction();
    let start = |d: crate::flow::Direction| streams[d.index()].window(0, LOOK);
    let looks_c = |d| parse::looks_like_request(&start(d));
    let looks_s = |d| parse::looks_like_response(&start(d));
    if (!looks_c(cdir) && looks_c(cdir.reverse()))
        || (!looks_c(cdir) && looks_s(cdir) && !looks_s(cdir.reverse()))
    {
        cdir = cdir.reverse();
    }
    let cs = &streams[cdir.index()];
    let ss = &streams[cdir.reverse().index()];
    let mut requests = parse_requests(cs, limits);
    let server_http = parse::looks_like_response(&ss.window(0, LOOK));
    if requests.is_empty() && !server_http {
        return Vec::new();
    }
    // Responses, paired with requests in order.
    let mut txns: Vec<Transaction> = Vec::new();
    let mut interim: Vec<Message> = Vec::new();
    // `None`: a response lost in a gap of the capture (see below).
    let mut responses: Vec<(Vec<Message>, Option<Message>)> = Vec::new();
    // Server bytes skipped to find this response head included a gap.
    let mut after_lost_bytes = false;
    let mut pos = 0u64;
    let closed = ss.stream.end_packet.is_some();
    let mut upgraded_at: Option<usize> = None;
    while pos < ss.len() {
        let head = match head_at(ss, pos, parse::parse_response) {
            Ok(h) => h,
            Err(e) => {
                if let Some(limit) = e.limit() {
                    report(limits, ss.stream, limit, pos);
                }
                if ss.window(pos, 2).starts_with(b"\r\n") {
                    pos += 2;
                    continue;
                }
                match resync(ss, pos, parse::looks_like_response) {
                    Some(p) => {
                        after_lost_bytes |= ss.stream.next_gap_after(pos).is_some_and(|g| g.0 < p);
                        pos = p;
                        continue;
                    }
                    None => break,
                }
            }
        };
        // A response head found past a gap, when the client had already sent
        // the request after the oldest unanswered one: that one's response
        // was in the gap (a client that waits for each answer sends the next
        // request only once it has it), so it pairs with none and this one
        // with the next. tshark pairs so too (it pairs each response with
        // the latest request).
        if std::mem::take(&mut after_lost_bytes) {
            let next_request = requests.get(responses.len() + 1);
            let here = ss.stream.packet_at(pos);
            if next_request
                .zip(here)
                .is_some_and(|((next, _), here)| next.first_packet < here)
            {
                responses.push((std::mem::take(&mut interim), None));
            }
        }
        let k = responses.len();
        let method = requests.get(k).map(|(_, method)| method.clone());
        let framing = parse::response_framing(&head, method.as_deref());
        let code = match head.start {
            StartLine::Response { code, .. } => code,
            StartLine::Request { .. } => 0,
        };
        let m = message_at(ss, pos, &head, framing, closed, limits);
        let next = m.end;
        let incomplete = !m.body().complete() || m.body().malformed();
        if (100..200).contains(&code) && code != 101 {
            interim.push(m);
        } else {
            responses.push((std::mem::take(&mut interim), Some(m)));
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
        let (interim, response) = resp.unwrap_or_default();
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
