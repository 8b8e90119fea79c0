//! SMTP as tshark 4.0's details tree shows it: each command line
//! (`smtp.command_line`, split into `smtp.req.command` and
//! `smtp.req.parameter`), each reply (`smtp.response` with its code and one
//! `smtp.rsp.parameter` per line), the DATA segments (a middle one as
//! "Line-based text data (N lines)"), and on the segment that ends a
//! message the `C: .` end of message, the list of DATA fragments and the
//! Internet Message Format layer (`smtp/imf.rs`).
//!
//! What a segment is comes from the row the connection's line parser gave
//! it (`decode::app::text_lines`, kept in the HTTP index); the message's
//! earlier fragments from the reassembled client direction.

mod imf;

use super::body::{format_text, text_lines};
use super::Node;
use crate::decode::app::{DirBytes, StreamRow, Summary};
use crate::decode::Transport;
use crate::fields::{PacketView, Value};
use std::borrow::Cow;
use std::ops::Range;

fn s(v: &[u8]) -> Value<'static> {
    Value::Str(Cow::Owned(String::from_utf8_lossy(v).into_owned()))
}

/// tshark's text for a reply code (`smtp.response.code`'s value string).
fn code_text(code: u32) -> &'static str {
    match code {
        211 => "System status, or system help reply",
        214 => "Help message",
        220 => "<domain> Service ready",
        221 => "<domain> Service closing transmission channel",
        235 => "Authentication successful",
        250 => "Requested mail action okay, completed",
        251 => "User not local; will forward to <forward-path>",
        252 => "Cannot VRFY user, but will accept message and attempt delivery",
        334 => "AUTH input",
        354 => "Start mail input; end with <CRLF>.<CRLF>",
        421 => "<domain> Service not available, closing transmission channel",
        432 => "A password transition is needed",
        450 => "Requested mail action not taken: mailbox unavailable",
        451 => "Requested action aborted: local error in processing",
        452 => "Requested action not taken: insufficient system storage",
        454 => "Temporary authentication failed",
        500 => "Syntax error, command unrecognized",
        501 => "Syntax error in parameters or arguments",
        502 => "Command not implemented",
        503 => "Bad sequence of commands",
        504 => "Command parameter not implemented",
        530 => "Authentication required",
        534 => "Authentication mechanism is too weak",
        535 => "Authentication credentials invalid",
        538 => "Encryption required for requested authentication mechanism",
        550 => "Requested action not taken: mailbox unavailable",
        551 => "User not local; please try <forward-path>",
        552 => "Requested mail action aborted: exceeded storage allocation",
        553 => "Requested action not taken: mailbox name not allowed",
        554 => "Transaction failed",
        _ => "Unknown",
    }
}

/// The lines of `seg`, each with its line end (a last one may have none).
fn lines(seg: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut at = 0;
    seg.split_inclusive(|&b| b == b'\n').map(move |l| {
        let start = at;
        at += l.len();
        (start, l)
    })
}

/// `l` less its line end.
fn strip_end(l: &[u8]) -> &[u8] {
    let l = l.strip_suffix(b"\n").unwrap_or(l);
    l.strip_suffix(b"\r").unwrap_or(l)
}

/// The command lines of a client segment.
fn commands(seg: &[u8], at: usize, n: &mut Node) {
    for (o, l) in lines(seg) {
        let r = at + o..at + o + l.len();
        let line = n.add(Node::field(
            "smtp.command_line",
            format!("Command Line: {}", format_text(l)),
            r.clone(),
            s(l),
        ));
        let body = strip_end(l);
        let (cmd, param) = match body.iter().position(|&b| b == b' ') {
            Some(i) => (&body[..i], Some(&body[i + 1..])),
            None => (body, None),
        };
        line.add(Node::field(
            "smtp.req.command",
            format!("Command: {}", format_text(cmd)),
            r.start..r.start + cmd.len(),
            s(cmd),
        ));
        if let Some(p) = param {
            let ps = r.start + cmd.len() + 1;
            line.add(Node::field(
                "smtp.req.parameter",
                format!("Request parameter: {}", format_text(p)),
                ps..ps + p.len(),
                s(p),
            ));
        }
    }
}

/// The three-digit code a reply line starts with.
fn reply_code(l: &[u8]) -> Option<u32> {
    let d = l.get(..3)?;
    if !d.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(d.iter().fold(0, |a, &b| a * 10 + u32::from(b - b'0')))
}

/// A server segment: one `Response` item (the first line's), its code and
/// a parameter per line.
fn replies(seg: &[u8], at: usize, n: &mut Node) {
    let mut ls = lines(seg);
    let Some((_, first)) = ls.next() else { return };
    let r = at..at + first.len();
    let resp = n.add(Node::field(
        "smtp.response",
        format!("Response: {}", format_text(first)),
        r.clone(),
        s(first),
    ));
    if let Some(code) = reply_code(first) {
        resp.add(Node::field(
            "smtp.response.code",
            format!("Response code: {} ({code})", code_text(code)),
            r.start..r.start + 3,
            Value::UInt(u64::from(code)),
        ));
    }
    for (o, l) in std::iter::once((0, first)).chain(ls) {
        let body = strip_end(l);
        if let Some(p) = body.get(4..).filter(|p| !p.is_empty()) {
            let ps = at + o + 4;
            resp.add(Node::field(
                "smtp.rsp.parameter",
                format!("Response parameter: {}", format_text(p)),
                ps..ps + p.len(),
                s(p),
            ));
        }
    }
}

/// The earlier DATA fragments of the message this packet ends: (packet,
/// bytes) in order, from the reassembled client direction; this packet's
/// own bytes come last.
fn fragments<'b>(
    view: &PacketView<'_>,
    http: &crate::http::HttpIndex,
    streams: &'b [crate::flow::stream::DirStream; 2],
) -> Vec<(u32, &'b [u8])> {
    let store = &view.trace.store;
    let Some((_, dir)) = view.trace.conversations.of_packet(store, view.index) else {
        return Vec::new();
    };
    let st = &streams[dir.index()];
    let end = st.gaps.first().map_or(st.bytes.len(), |&(o, _)| o as usize);
    let d = DirBytes {
        bytes: &st.bytes[..end.min(st.bytes.len())],
        segments: &st.packets,
    };
    let spans: Vec<(u32, usize, usize)> = d.spans().collect();
    let Some(k) = spans
        .iter()
        .rposition(|&(p, _, _)| p as usize == view.index)
    else {
        return Vec::new();
    };
    let mut first = k;
    while first > 0 {
        let (p, _, _) = spans[first - 1];
        let middle = matches!(
            http.app_row(p as usize),
            Some(StreamRow::App(Summary { protocol: "SMTP", info, .. })) if info.starts_with("C: DATA fragment")
        );
        if !middle {
            break;
        }
        first -= 1;
    }
    spans[first..=k]
        .iter()
        .map(|&(p, a, b)| (p, &d.bytes[a..b]))
        .collect()
}

/// The segment that ends a message: `C: .`, the fragments, then the IMF
/// layer (pushed to `out`).
fn end_of_message(
    view: &PacketView<'_>,
    http: &crate::http::HttpIndex,
    payload: &[u8],
    r: Range<usize>,
    n: &mut Node,
    protocols: &mut Vec<&'static str>,
) -> Option<Node> {
    let eom = payload.len().saturating_sub(3);
    n.add(Node::field(
        "smtp.eom",
        "C: .",
        r.start + eom..r.end,
        Value::Present,
    ));
    let streams = http.streams(
        &view.trace.store,
        &view.trace.conversations,
        view.trace
            .store
            .entry(view.index)
            .map_or(u32::MAX, |e| e.conversation),
    );
    let mut frags = fragments(view, http, &streams);
    match frags.last_mut() {
        Some(last) if last.0 as usize == view.index => {
            last.1 = &last.1[..last.1.len().saturating_sub(3)];
            // tshark 4.0 leaves out a blank line just before the `.` too:
            // smtp-imf-mime.pcap frame 22 ends `\x01odd\r\n\r\n.\r\n` (53
            // bytes) and tshark reassembles 48 of them.
            if last.1.ends_with(b"\r\n\r\n") {
                last.1 = &last.1[..last.1.len() - 2];
            }
        }
        // Not in the reassembled stream (after a hole): this segment alone.
        _ => frags = vec![(view.index as u32, &payload[..eom])],
    }
    frags.retain(|f| !f.1.is_empty());
    let total: usize = frags.iter().map(|f| f.1.len()).sum();
    let count = frags.len();
    let list: Vec<String> = frags
        .iter()
        .map(|(p, b)| format!("#{}({})", p + 1, b.len()))
        .collect();
    let plural = if count == 1 { "" } else { "s" };
    let fr = n.add(Node::field(
        "smtp.data.fragments",
        format!(
            "[{count} DATA fragment{plural} ({total} bytes): {}]",
            list.join(", ")
        ),
        r.clone(),
        Value::Present,
    ));
    let mut off = 0;
    let mut message = Vec::with_capacity(total.min(imf::MAX_MESSAGE));
    for (p, b) in &frags {
        fr.add(Node::field(
            "smtp.data.fragment",
            format!(
                "[Frame: {}, payload: {}-{} ({} bytes)]",
                p + 1,
                off,
                off + b.len() - 1,
                b.len()
            ),
            r.clone(),
            Value::UInt(u64::from(p + 1)),
        ));
        off += b.len();
        let room = imf::MAX_MESSAGE.saturating_sub(message.len());
        message.extend_from_slice(&b[..b.len().min(room)]);
    }
    fr.add(Node::field(
        "smtp.data.fragment.count",
        format!("[DATA fragment count: {count}]"),
        r.clone(),
        Value::UInt(count as u64),
    ));
    fr.add(Node::field(
        "smtp.data.reassembled.length",
        format!("[Reassembled DATA length: {total}]"),
        r.clone(),
        Value::UInt(total as u64),
    ));
    if message.is_empty() {
        return None;
    }
    let (layer, then) = imf::message(&message, r);
    protocols.push("imf");
    protocols.extend(then);
    Some(layer)
}

/// The SMTP layer (and IMF after it) of a TCP segment the SMTP parser
/// worded; `false` when the packet is not SMTP.
pub fn layers(
    view: &PacketView<'_>,
    out: &mut Vec<Node>,
    protocols: &mut Vec<&'static str>,
) -> bool {
    let d = &view.decoded;
    let Transport::Tcp(t) = &d.transport else {
        return false;
    };
    let Some(http) = view.http else { return false };
    let Some(StreamRow::App(row)) = http.app_row(view.index) else {
        return false;
    };
    if !row.protocol.starts_with("SMTP") {
        return false;
    }
    let payload = t.payload();
    let at = d.payload_offset().unwrap_or(0);
    let r = at..at + payload.len();
    protocols.push("smtp");
    let mut n = Node::field(
        "smtp",
        "Simple Mail Transfer Protocol",
        r.clone(),
        Value::Present,
    );
    if row.protocol == "SMTP/IMF" {
        let imf = end_of_message(view, http, payload, r, &mut n, protocols);
        out.push(n);
        out.extend(imf);
        return true;
    }
    if row.info.starts_with("C: DATA fragment") {
        let mut lines = text_lines("", payload, r);
        lines.text = format!("Line-based text data ({} lines)", lines.children.len());
        n.add(lines);
        protocols.push("data-text-lines");
    } else if row.info == "C: ." {
        n.add(Node::field("smtp.eom", "C: .", r, Value::Present));
    } else if row.info.starts_with("C: ") {
        n.add(Node::field("smtp.req", "", r.clone(), Value::Bool(true)).hide());
        commands(payload, at, &mut n);
    } else {
        n.add(Node::field("smtp.rsp", "", r.clone(), Value::Bool(true)).hide());
        replies(payload, at, &mut n);
    }
    out.push(n);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(n: &Node) -> Vec<String> {
        let t = super::super::Tree {
            layers: vec![n.clone()],
        };
        t.walk().iter().map(|(_, n)| n.text.clone()).collect()
    }

    #[test]
    fn command_and_reply_lines_as_tshark() {
        let mut n = Node::text("smtp", 0..0);
        commands(b"mail FROM:<a@b>\r\nQUIT\r\n", 0, &mut n);
        assert_eq!(
            texts(&n)[1..],
            [
                "Command Line: mail FROM:<a@b>\\r\\n",
                "Command: mail",
                "Request parameter: FROM:<a@b>",
                "Command Line: QUIT\\r\\n",
                "Command: QUIT",
            ]
        );
        let mut n = Node::text("smtp", 0..0);
        replies(b"250-m\r\n250-PIPELINING\r\n250 8BITMIME\r\n", 0, &mut n);
        assert_eq!(
            texts(&n)[1..],
            [
                "Response: 250-m\\r\\n",
                "Response code: Requested mail action okay, completed (250)",
                "Response parameter: m",
                "Response parameter: PIPELINING",
                "Response parameter: 8BITMIME",
            ]
        );
        let mut n = Node::text("smtp", 0..0);
        replies(b"299\r\nx", 0, &mut n);
        assert_eq!(texts(&n)[2], "Response code: Unknown (299)");
        let mut n = Node::text("smtp", 0..0);
        replies(b"", 0, &mut n);
        commands(b"", 0, &mut n);
        assert_eq!(texts(&n).len(), 1);
    }
}
